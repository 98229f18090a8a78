/*
 * export.h — the ledger as a spreadsheet: XLSX (libxlsxwriter, constant
 * memory) and CSV (UTF-8 with a BOM, CRLF, RFC 4180), one row per matter,
 * streamed from the database as it is read, so a million rows need no more
 * memory than ten.
 *
 * The columns are one table, export_columns[] (name, Chinese header, width,
 * type), in the order of the sheet. An importer matches the headers of an
 * office's own sheet against it: export_column_by_header().
 *
 * Who sees what: a public export holds exactly what the public board shows
 * (public matters, not merged), only the public progress notes, and never
 * a submitter column. A staff export follows the staff lists: every matter
 * the filter selects, all notes; the submitter columns only for readers
 * who may see personal data (actor_sees_personal: never observers), and in
 * them a handler gets only the residents of their own department's matters
 * (the other rows' cells are blank: matter_each blanks them at the source).
 */
#ifndef TZ_REPORT_EXPORT_H
#define TZ_REPORT_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "ledger/actor.h"
#include "ledger/matter.h"
#include "store/db.h"

enum export_type {
	EXPORT_TEXT,     /* a string (wrapped when export_column.wrap) */
	EXPORT_INT,      /* a whole number */
	EXPORT_DATE,     /* a civil date: an Excel date; YYYY-MM-DD in CSV */
	EXPORT_DATETIME, /* an instant: an Excel date-time in Beijing time;
			  * YYYY-MM-DD HH:MM in CSV */
};

typedef struct export_column {
	const char *name;   /* stable ASCII name: "number", "title", ... */
	const char *header; /* the Chinese header of the sheet: 编号, 事项, ... */
	double width;       /* Excel column width, in characters */
	enum export_type type;
	bool wrap;          /* long text: wrapped in XLSX */
	bool personal;      /* a submitter column: see "who sees what" above */
} export_column;

/* Every column, in sheet order; the personal ones come last. */
extern const export_column export_columns[];
extern const size_t export_ncolumns;

/* The column whose header is `header` (exact), or NULL. */
const export_column *export_column_by_header(const char *header);

enum export_format { EXPORT_CSV, EXPORT_XLSX };

/* "csv" or "xlsx" into *out; false for anything else. */
bool export_format_parse(const char *name, enum export_format *out);
/* The MIME type and file extension of a format. */
const char *export_content_type(enum export_format f);
const char *export_extension(enum export_format f);

/* The status filter of an export, list or board: a status name
 * ("in_progress"; "closed" is 已销号, as on the list pages), "open" (still
 * being handled) or "finished" (resolved, closed, rejected or merged: no
 * longer open), into f; NULL or "" leaves f alone. False for anything
 * else. */
bool export_filter_status(matter_filter *f, const char *status);

/* Excel's last row is 1,048,576: with the header, at most this many
 * matters fit one sheet. An XLSX export of more fails (use CSV). */
#define EXPORT_XLSX_MAX_ROWS 1048575

/* An export under way: opened on a file, fed with matters, finished. */
typedef struct exporter exporter;

/* Start an export to path (created or truncated). public_export: the
 * public rules above (the caller's filters get public_only too). who is
 * the reader: the personal columns are included when !public_export and
 * actor_sees_personal(who). NULL with *err (caller frees) on failure. */
exporter *export_open(enum export_format f, const char *path, bool public_export,
		      const actor *who, char **err);

/* Append every matter that passes filter, oldest first, as rows (numbered
 * on from the rows already written). Can be called more than once (the
 * inbox exports two statuses). LEDGER_OK, LEDGER_INVALID (bad dates, or
 * too many rows for XLSX, with *err) or LEDGER_ERROR. */
int export_matters(exporter *x, db *d, const matter_filter *filter, const char *today,
		   char **err);

/* Finish the file (the XLSX is assembled here) and free x. Returns 0 and
 * the number of rows in *rows, or -1 with *err. On -1 the file may be
 * incomplete: the caller removes it. NULL-safe. */
int export_close(exporter *x, int64_t *rows, char **err);

/* One CSV field as export_csv writes it, appended to out: a text that
 * starts with = + - @ TAB or CR gets a leading ' (so a spreadsheet never
 * reads it as a formula), then RFC 4180 quoting when it holds a comma,
 * quote, CR or LF. */
void export_csv_field(buf *out, const char *text);

#endif
