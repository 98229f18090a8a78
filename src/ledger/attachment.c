/*
 * attachment.c — photos attached to matters: listing, loading, and the
 * content check by magic bytes (the browser's content type is never
 * trusted).
 */
#include "ledger/matter.h"
#include "ledger/ledger.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

const char *image_type_sniff(const void *p, size_t n)
{
	const unsigned char *b = p;
	if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
		return "image/jpeg";
	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return "image/png";
	if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (n >= 6 && (memcmp(b, "GIF87a", 6) == 0 || memcmp(b, "GIF89a", 6) == 0))
		return "image/gif";
	return NULL;
}

static void read_meta(db_stmt *q, attachment *a)
{
	a->id = db_int(q, 0);
	a->matter_id = db_int(q, 1);
	a->filename = db_text_dup(q, 2);
	a->content_type = db_text_dup(q, 3);
	a->size = (size_t)db_int(q, 4);
	a->is_public = db_int(q, 5) != 0;
}

int attachment_list(db *d, int64_t matter_id, bool public_only, attachment **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *q = db_query(d, "SELECT id, matter_id, filename, content_type, size, public"
				 " FROM attachments WHERE matter_id = ? AND (public = 1 OR ? = 0)"
				 " ORDER BY id", "ii", matter_id, (int64_t)public_only);
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		read_meta(q, &(*out)[(*n)++]);
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

void attachment_list_free(attachment *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].filename);
		free(v[i].content_type);
	}
	free(v);
}

int attachment_load(db *d, int64_t id, attachment *meta, void **data)
{
	memset(meta, 0, sizeof *meta);
	*data = NULL;
	db_stmt *q = db_query(d, "SELECT a.id, a.matter_id, a.filename, a.content_type, a.size,"
				 " a.public * m.public, a.data FROM attachments a"
				 " JOIN matters m ON m.id = a.matter_id WHERE a.id = ?", "i", id);
	int r = db_step(q);
	if (r == DB_ROW) {
		read_meta(q, meta);
		size_t len;
		const void *p = db_blob(q, 6, &len);
		*data = xmalloc(len);
		if (len)
			memcpy(*data, p, len);
		meta->size = len;
	}
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}
