/*
 * matter_import.h — matters taken in from an office's own ledger (an Excel
 * or CSV sheet, read and checked by report/import.c): created, or updated
 * when the sheet's 编号 names a matter already here, all in one
 * transaction with their events, so an import is all or nothing.
 *
 * Events of an imported matter, in order: "submit" (nothing → submitted,
 * at the sheet's 登记时间, as every matter's first event), "import"
 * (submitted → the sheet's status, now), then one public "progress" event
 * per progress note of the sheet (status unchanged, at the note's date).
 * An update writes one "import" event (old → new status) naming what
 * changed and a "progress" event per note not yet on the matter; a row
 * that changes nothing writes nothing (action IMPORT_SKIP).
 */
#ifndef TZ_LEDGER_MATTER_IMPORT_H
#define TZ_LEDGER_MATTER_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/actor.h"
#include "store/db.h"

/* Which fields a row gives (its sheet has the column): only these are
 * written on an update. */
enum import_has {
	IM_KIND = 1u << 0, IM_SUBKIND = 1u << 1, IM_TITLE = 1u << 2,
	IM_DESCRIPTION = 1u << 3, IM_CATEGORY = 1u << 4, IM_AREA = 1u << 5,
	IM_ADDRESS = 1u << 6, IM_CHANNEL = 1u << 7, IM_DEPARTMENT = 1u << 8,
	IM_CODEPARTMENTS = 1u << 9, IM_ASSIGNEE = 1u << 10, IM_DEADLINE = 1u << 11,
	IM_RESULT = 1u << 12, IM_STATUS = 1u << 13, IM_RATING = 1u << 14,
	IM_PUBLIC = 1u << 15, IM_SUBMITTER = 1u << 16, IM_PHONE = 1u << 17,
	IM_RESOLVED = 1u << 18,
};

typedef struct import_note {
	int64_t at; /* when it was written (noon of its date, Beijing) */
	char *text;
} import_note;

/* One checked row. Strings are owned (free with import_matter_clear);
 * names are already resolved to ids; every value is valid. */
typedef struct import_matter {
	int64_t row;      /* the sheet's row, for messages */
	unsigned has;     /* IM_* bits */
	char *number;     /* the sheet's 编号, or NULL */
	char *kind, *subkind, *title, *description, *address, *channel;
	char *submitter_name, *submitter_phone, *result, *rating, *deadline;
	int status;       /* enum matter_status */
	int64_t category_id, area_id, department_id, assignee_id;
	int64_t *codepartments;
	size_t ncodepartments;
	bool is_public;
	int64_t created_at;  /* 0: now */
	int64_t resolved_at; /* 0: now, when resolved or closed */
	import_note *notes;
	size_t nnotes;
} import_matter;

/* Free the row's strings and arrays and zero it. */
void import_matter_clear(import_matter *m);

enum import_action { IMPORT_CREATE, IMPORT_UPDATE, IMPORT_SKIP };

typedef struct import_outcome {
	int action;        /* enum import_action */
	char number[32];   /* the matter's number here (a new one: as it would be) */
	char *changes;     /* update: the changed fields, 、-separated (caller frees) */
} import_outcome;

/* Apply the n rows in one transaction as `who` at `now`. The outcome of
 * row i goes to out[i] (out[i].changes: caller frees). With dry_run
 * everything is rolled back once the outcomes are known: the plan is what
 * the real run would do. Rows may be reordered internally (their notes).
 * Returns LEDGER_OK (committed, or planned for a dry run) or LEDGER_ERROR
 * with *msg (Chinese, caller frees): then nothing changed. */
int matter_import(db *d, const actor *who, import_matter *v, size_t n, bool dry_run,
		  int64_t now, import_outcome *out, char **msg);

/* ---- uploads awaiting confirmation (/staff/import) ---- */

/* Keep data for user_id; writes a new random token (shown to the user,
 * only its hash stored) to token_out. Uploads older than a day go. */
int import_upload_save(db *d, int64_t user_id, const char *filename, const void *data,
		       size_t n, int64_t now, char token_out[48]);
/* The upload of token for user_id into *data (caller frees) and *filename
 * (caller frees): LEDGER_OK, LEDGER_NOT_FOUND (unknown, someone else's or
 * older than a day) or LEDGER_ERROR. */
int import_upload_load(db *d, int64_t user_id, const char *token, int64_t now, void **data,
		       size_t *n, char **filename);
/* Forget the upload of token (after the import). */
int import_upload_delete(db *d, const char *token);

#endif
