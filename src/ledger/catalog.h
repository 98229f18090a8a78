/*
 * catalog.h — the office's reference data: departments (责任单位), areas
 * (片区: streets, villages, communities, estates) and categories (类别) with
 * their default deadlines. Editable by administrators.
 */
#ifndef TZ_LEDGER_CATALOG_H
#define TZ_LEDGER_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

typedef struct department {
	int64_t id;
	char *code, *name, *phone;
	bool active;
} department;

typedef struct area {
	int64_t id;
	char *code, *name, *kind; /* street|village|community|estate|zone */
	int64_t parent_id;
	bool active;
} area;

typedef struct category {
	int64_t id;
	char *code, *name, *group_name, *keywords;
	int respond_days, resolve_days; /* working days */
	int64_t department_id;          /* usual lead department, 0 if none */
	bool active;
	char *description; /* for residents and Open311 clients */
	char *type;        /* Open311: "realtime" or "batch" (NULL: realtime) */
	char *attributes;  /* extra questions, JSON (attribute.h); NULL: none */
} category;

/* Lists, ordered by sort then id; active_only filters. Free with the
 * matching *_list_free. Return 0 or LEDGER_ERROR. */
int department_list(db *d, bool active_only, department **out, size_t *n);
int area_list(db *d, bool active_only, area **out, size_t *n);
int category_list(db *d, bool active_only, category **out, size_t *n);
void department_list_free(department *v, size_t n);
void area_list_free(area *v, size_t n);
void category_list_free(category *v, size_t n);

/* One row by id or code; returns LEDGER_NOT_FOUND when absent. Free the
 * fields with *_clear. */
int department_get(db *d, int64_t id, const char *code, department *out);
int area_get(db *d, int64_t id, const char *code, area *out);
int category_get(db *d, int64_t id, const char *code, category *out);
void department_clear(department *x);
void area_clear(area *x);
void category_clear(category *x);

/* Create (id == 0) or update (id != 0) a row; validates (code: 1-32 of
 * [a-z0-9_-]; name: 1-100 characters of valid UTF-8; days in range) and
 * gives a Chinese message in *msg on LEDGER_INVALID. Sets x->id on create. */
int department_save(db *d, department *x, char **msg);
int area_save(db *d, area *x, char **msg);
int category_save(db *d, category *x, char **msg);
/* category_save also checks type and attributes, and stores the
 * attributes in their canonical form (attribute_defs_check). */

/* The default catalogue of categories for a Chinese district (市容环境,
 * 违法建设, ... 其他) with default deadlines; used by `taizhang init`.
 * Adds only the codes that are missing. */
int catalog_install_defaults(db *d);

#endif
