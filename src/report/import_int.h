/*
 * import_int.h — private to report/import*.c: what the row checker
 * (import_row.c) needs from the run (import.c): the catalogue to look
 * names up in, the columns' fields and headers, and the report to write
 * messages to.
 */
#ifndef TZ_REPORT_IMPORT_INT_H
#define TZ_REPORT_IMPORT_INT_H

#include "report/import.h"
#include "ledger/catalog.h"
#include "ledger/matter_import.h"
#include "ledger/user.h"

typedef struct import_catalog {
	department *deps;
	size_t ndeps;
	area *areas;
	size_t nareas;
	category *cats;
	size_t ncats;
	user *users;
	size_t nusers;
} import_catalog;

typedef struct import_sheet {
	import_report *r;
	const import_catalog *cat;
	int64_t now;
	const int *fields;    /* per column: enum import_field, or -1 */
	const char *const *headers; /* per column: the sheet's header */
	size_t ncols;
	unsigned has;         /* IM_* bits of the columns present */
	bool derive_title;    /* no title column: the description's first line */
} import_sheet;

/* Check one data row and fill *m (free with import_matter_clear). Errors
 * and warnings go to the report; returns false when the row has an
 * error. */
bool import_row_check(const import_sheet *s, int64_t row, char **cells, size_t n,
		      import_matter *m);

/* The IM_* bit (ledger/matter_import.h) a field's column writes, or 0. */
unsigned import_has_bit(int field);

/* A date "2026-11-23", "2026/11/3", "2026年11月3日", "20261103" or an
 * Excel serial (46000), with an optional time "HH:MM[:SS]": *date gets
 * YYYY-MM-DD, *minutes the minutes after midnight (0 without a time).
 * False when it is none of these or not a real date. */
bool import_parse_date(const char *s, char date[11], int *minutes);

#endif
