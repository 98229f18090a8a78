/*
 * files.c — attachments (photos) at /files/ID. Staff may open any; the
 * public only a public attachment of a public matter. Anything else is a
 * plain 404, never 403: why, a 403 would tell a stranger that a private
 * photo with that id exists.
 */
#include "web/pages.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "web/html.h"

/* The content types we serve, as literals (response.content_type must
 * outlive the handler). Anything else goes out as an opaque download type:
 * why, a stored type of text/html must never make the browser render it. */
static const char *const served_types[] = {"image/jpeg", "image/png", "image/webp", "image/gif"};

static const char *literal_type(const char *stored)
{
	for (size_t i = 0; i < ARRAY_LEN(served_types); i++)
		if (str_cmp0(stored, served_types[i]) == 0)
			return served_types[i];
	return "application/octet-stream";
}

/* May this visitor see the attachment? Staff: always. Others: only a
 * public attachment of a public matter. */
static bool may_see(request *rq, const attachment *meta)
{
	if (rq->who.role & ROLE_STAFF)
		return true;
	if (!meta->is_public)
		return false;
	actor anon = {.role = ROLE_NONE};
	matter m = {0};
	char today[11];
	web_today(rq, today);
	int rc = matter_load(rq->db, &anon, NULL, meta->matter_id, true, today, &m);
	matter_clear(&m);
	return rc == LEDGER_OK;
}

/* GET /files/{id}: the attachment's bytes, shown inline. */
void page_file(request *rq, response *rs)
{
	int64_t id = 0;
	attachment meta = {0};
	void *data = NULL;
	if (!str_to_i64(rq->args[0], &id) || id <= 0) {
		resp_error(rq, rs, 404, "没有找到这个文件");
		return;
	}
	int rc = attachment_load(rq->db, id, &meta, &data);
	if (rc == LEDGER_OK && may_see(rq, &meta)) {
		rs->content_type = literal_type(meta.content_type);
		resp_header(rs, "Content-Disposition", "inline");
		resp_header(rs, "Cache-Control", "private, max-age=3600");
		buf_append(&rs->body, data, meta.size);
	} else if (rc == LEDGER_OK || rc == LEDGER_NOT_FOUND) {
		resp_error(rq, rs, 404, "没有找到这个文件");
	} else {
		resp_error(rq, rs, 500, "文件暂时无法打开，请稍后再试");
	}
	free(data);
	free(meta.filename);
	free(meta.content_type);
}
