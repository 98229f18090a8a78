/*
 * import.h — taking an office's existing ledger (Excel .xlsx or CSV) into
 * taizhang: find the header row, map its columns to fields (the table in
 * import_columns.c: the export's Chinese headers, the aliases real offices
 * use, the English names), check every cell, and hand the rows to
 * ledger/matter_import.h, which creates or updates the matters in one
 * transaction. docs/import.md is the user's description.
 *
 * The result is an import_report: the mapping found, one plan line per
 * row (create, update or skip, with the matter number), and every error
 * and warning with its row and column. A real run changes the ledger only
 * when there is no error at all; a dry run never does.
 */
#ifndef TZ_REPORT_IMPORT_H
#define TZ_REPORT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "ledger/actor.h"
#include "store/db.h"

/* The fields a column can fill. */
enum import_field {
	IF_IGNORE, /* a column not imported */
	IF_SEQ, IF_NUMBER, IF_KIND, IF_SUBKIND, IF_TITLE, IF_DESCRIPTION, IF_CATEGORY, IF_AREA,
	IF_ADDRESS, IF_CHANNEL, IF_DEPARTMENT, IF_CODEPARTMENTS, IF_ASSIGNEE, IF_CREATED,
	IF_DEADLINE, IF_PROGRESS, IF_RESULT, IF_STATUS, IF_OVERDUE, IF_RESOLVED, IF_RATING,
	IF_PUBLIC, IF_SUBMITTER, IF_PHONE,
	/* Columns of inspection ledgers kept as lines of the description. */
	IF_MEASURES, IF_LEADER, IF_REMARK,
	IF_COUNT
};

/* One row of the header table (import_columns.c). */
typedef struct import_column {
	int field;           /* enum import_field */
	const char *name;    /* English name, as --map and the export name it */
	const char *header;  /* the export's Chinese header */
	const char *aliases; /* other headers offices use, '|'-separated */
} import_column;

extern const import_column import_columns[];
extern const size_t import_ncolumns;

/* The field a header names (its Chinese header, an alias or the English
 * name, ignoring blanks, line breaks, a trailing * and a trailing remark
 * in parentheses), or -1 when unknown. */
int import_field_by_header(const char *header);
/* The field of an English name ("title", "ignore"), or -1. */
int import_field_by_name(const char *name);
/* The export's Chinese header of a field ("事项"; "不导入" for IF_IGNORE). */
const char *import_field_header(int field);

/* Data rows in one file at most (more: an error). Why: the import is one
 * transaction that holds the writer; ten thousand matters take a few
 * seconds, a county's whole history belongs in several files. */
#define IMPORT_MAX_ROWS 10000

/* Messages kept for the report at most (the counts go on). */
#define IMPORT_MAX_MSGS 1000

typedef struct import_options {
	const char *map; /* "HEADER=field,..." overriding the table, or NULL */
	bool dry_run;
} import_options;

typedef struct import_msg {
	int64_t row;    /* the sheet's row; 0 for the file as a whole */
	char *column;   /* the sheet's header of the column, or NULL */
	char *text;
	bool warning;   /* a warning does not stop the import */
} import_msg;

typedef struct import_plan {
	int64_t row;
	int action;     /* enum import_action (ledger/matter_import.h) */
	char *number;   /* the matter's number here */
	char *external; /* the sheet's 编号, or NULL */
	char *title;
	char *changes;  /* update: the fields that change */
} import_plan;

typedef struct import_mapping {
	char *header;   /* as in the sheet */
	int field;      /* enum import_field, or -1: not recognised */
} import_mapping;

typedef struct import_report {
	int64_t header_row;
	import_mapping *cols;
	size_t ncols;
	import_plan *plan;
	size_t nplan;
	import_msg *msgs;
	size_t nmsgs;
	size_t errors, warnings, created, updated, skipped;
	bool applied; /* the real run committed */
} import_report;

/* Import the n bytes at data (an .xlsx or CSV file) as `who` at `now`.
 * Fills *r (free with import_report_free). Returns LEDGER_OK when the plan
 * is complete without error (and, unless o->dry_run, committed),
 * LEDGER_INVALID when there are errors (nothing changed), LEDGER_ERROR
 * when the database failed (nothing changed). */
int import_run(db *d, const actor *who, const void *data, size_t n, const import_options *o,
	       int64_t now, import_report *r);
/* Free everything the report holds and zero it. */
void import_report_free(import_report *r);

/* The report as text: "row N: create|update|skip NUMBER title" per row and
 * "row N, column 类别: 没有这个类别「…」" per message, then a summary. */
void import_report_text(const import_report *r, bool dry_run, buf *out);

/* Add a message to the report (text taken over, column copied). */
void import_msg_add(import_report *r, int64_t row, const char *column, bool warning, char *text);

#endif
