/*
 * open311_int.h — private to api/open311*.c: the pieces the Open311
 * handlers share.
 *
 * - The answer tree (open311_format.c): handlers build one tree of named
 *   fields and o311_send() writes it as XML or as JSON by the Spark
 *   convention, so the two formats cannot drift apart.
 * - Errors (open311_error.c): one or more errors in the spec's shape.
 * - Arguments (open311_args.c): empty parameters treated as absent, comma
 *   lists, jurisdiction_id, W3C date-times and the 90-day window.
 * - Text (open311_text.c): a matter's title, the submitter's name and
 *   other contact built from an app's fields.
 * - Records (open311_record.c): a public matter as a <request>.
 * - Queries (open311_query.c): the ids of requests in a window and the
 *   public updates in a window.
 */
#ifndef TZ_API_OPEN311_INT_H
#define TZ_API_OPEN311_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "http/http.h"
#include "ledger/catalog.h"
#include "ledger/matter.h"

/* ---- the answer tree (open311_format.c) ---- */

enum o311_fmt { O311_XML, O311_JSON };

#define O311_XML_TYPE "text/xml; charset=utf-8"
#define O311_JSON_TYPE "application/json; charset=utf-8"

typedef struct o311_node o311_node;

/* A root element: a list (JSON: an array of its children) or an object.
 * Free the whole tree with o311_free(). */
o311_node *o311_root_list(const char *name);
o311_node *o311_root_obj(const char *name);
/* Add a child to an object or a list; names are literals. In a list the
 * child's name is the repeated XML element (JSON drops it). */
o311_node *o311_add_obj(o311_node *parent, const char *name);
o311_node *o311_add_list(o311_node *parent, const char *name);
/* Text; NULL, "" and text that is not UTF-8 give an empty element in XML
 * and null in JSON (the Spark convention). */
void o311_add_str(o311_node *parent, const char *name, const char *text);
void o311_add_int(o311_node *parent, const char *name, int64_t v);
void o311_add_bool(o311_node *parent, const char *name, bool v);
/* A number with a fraction; absent: empty element / null. */
void o311_add_real(o311_node *parent, const char *name, double v, bool present);
void o311_free(o311_node *n);

/* Write the tree as a complete document into out (XML with its
 * declaration, or JSON). */
void o311_render(buf *out, const o311_node *root, enum o311_fmt fmt);
/* Answer with the tree: content type and body (status left alone). */
void o311_send(response *rs, const o311_node *root, enum o311_fmt fmt);

/* Split "NAME.xml" / "NAME.json" into the stem (caller frees) and the
 * format. False when s has neither suffix or an empty stem. */
bool o311_split_format(const char *s, char **stem, enum o311_fmt *fmt);
/* The format a path names: JSON when it ends in ".json", else XML. */
enum o311_fmt o311_path_format(const char *path);

/* ---- errors (open311_error.c) ---- */

/* Answer with n errors of the same status (each a description). */
void o311_errors(request *rq, response *rs, int status, const char *const *descs, size_t n);
/* Collected problems with a request's arguments, answered together. */
typedef struct o311_problems {
	char *v[16];
	size_t n;
} o311_problems;
/* Add a problem (formatted with str_printf; at most 16 are kept). */
void o311_problem(o311_problems *p, const char *fmt, ...);
/* Answer 400 with every problem and free them; false when there were
 * none (nothing written). */
bool o311_problems_answer(request *rq, response *rs, o311_problems *p);
void o311_problems_free(o311_problems *p);

/* ---- arguments (open311_args.c) ---- */

#define O311_DAY 86400
#define O311_SPAN (90 * O311_DAY) /* the spec's longest window */
#define O311_MAX 1000             /* the spec's most requests in one answer */

/* A parameter's value (form first, then query), or NULL when absent or
 * empty: the spec wants an empty parameter treated as an absent one. */
const char *o311_arg(const request *rq, const char *name);

/* Every value of name (query and form; a parameter may be given several
 * times, each value a comma list), trimmed, empties dropped. */
typedef struct o311_list {
	char **v;
	size_t n;
} o311_list;
/* Returns false when there are more than max items (l is still freed by
 * o311_list_free). */
bool o311_list_arg(const request *rq, const char *name, size_t max, o311_list *l);
/* Split one comma list into l (appending). */
bool o311_list_split(const char *s, size_t max, o311_list *l);
void o311_list_free(o311_list *l);

/* Check jurisdiction_id: true to go on; false after answering 404 when
 * the office configured a jurisdiction and a different one was named. */
bool o311_jurisdiction_ok(request *rq, response *rs);

/* A W3C date-time (with its zone) or a bare date (midnight, or 23:59:59
 * when end_of_day, Beijing time). A space where the zone's '+' was (a '+'
 * sent unencoded in a query) is read as '+'. */
bool o311_parse_time(const char *s, bool end_of_day, int64_t *out);
/* The window [*from, *to] from start_date and end_date (either may be
 * NULL): 90 days back from now without either, 90 days from the one given
 * without the other. NULL when fine, else the problem (a literal). */
const char *o311_window(const char *start, const char *end, int64_t now, int64_t *from,
			int64_t *to);

/* ---- text (open311_text.c) ---- */

#define O311_TITLE_MAX 30 /* characters */

/* The matter's title: the first non-blank line of the description, cut
 * to 30 characters at a character boundary, or the service name. Caller
 * frees. */
char *o311_title(const char *description, const char *service_name);
/* The submitter's name, family name first (Chinese order), with a space
 * only between Latin parts; NULL when both are empty. Caller frees. */
char *o311_person_name(const char *last_name, const char *first_name);
/* Other contact as staff read it: "邮箱 x; 设备 y; 账号 z" with only the
 * parts given; NULL when none. Caller frees. */
char *o311_contact(const char *email, const char *device_id, const char *account_id);
/* Keywords "a b c" as the spec's comma list "a, b, c". Caller frees. */
char *o311_keywords(const char *space_separated);

/* ---- records (open311_record.c) ---- */

/* The catalogue's codes by id, read once per answer. */
typedef struct o311_catalog {
	category *cats;
	size_t ncats;
	area *areas;
	size_t nareas;
} o311_catalog;
int o311_catalog_load(db *d, o311_catalog *c);
void o311_catalog_free(o311_catalog *c);
const char *o311_category_code(const o311_catalog *c, int64_t id);

/* "open" or "closed" for a ledger status. */
const char *o311_status(int st);

/* Load a matter as Open311 may show it: public, with a category, read as
 * an anonymous visitor (personal fields come back blank), by number.
 * LEDGER_OK, LEDGER_NOT_FOUND or LEDGER_ERROR. */
int o311_matter_load(request *rq, const char *number, matter *m);
/* Append m as a <request> to list. LEDGER_OK or LEDGER_ERROR. */
int o311_add_request(request *rq, o311_node *list, const matter *m, const o311_catalog *c);

/* ---- searching (open311_requests.c) ---- */

enum o311_status_filter { O311_ANY, O311_OPEN, O311_CLOSED };

typedef struct o311_query {
	int64_t from, to;      /* requested between these instants, inclusive */
	const o311_list *codes; /* service codes, or NULL / empty for all */
	int status;            /* enum o311_status_filter */
	int limit, offset;
} o311_query;

#endif
