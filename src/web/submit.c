/*
 * submit.c — the residents' form 我要反映 (GET and POST /submit), made for
 * phones first: kind (诉求 with its subkind, or 微心愿), category, area,
 * title, description, address, an optional photo, optional name and phone
 * (only staff ever see them) and consent to publish. The page checks the
 * shape of the input, hands it to matter_submit() (which checks it again
 * and owns every rule), and sends the resident to their tracking page with
 * the number and 查询码. On bad input the form comes back with a message
 * and everything typed kept, and nothing is stored.
 */
#include "web/pages.h"

#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/ratelimit.h"
#include "ledger/similar.h"
#include "web/app.h"
#include "web/html.h"

#define TITLE_MAX 100
#define DESCRIPTION_MAX 4000
#define ADDRESS_MAX 200
#define NAME_MAX 50
#define DEFAULT_MAX_PHOTO (5u * 1024 * 1024)

static const char *const subkinds[] = {"求助", "投诉", "举报", "咨询", "建议"};

/* Likely duplicates offered to the resident before a submission. */
#define SIMILAR_OFFERED 3

/* What the resident typed, borrowed from the request. */
typedef struct submit_form {
	const char *kind, *subkind, *title, *description, *address, *name, *phone;
	int64_t category_id, area_id;
	bool is_public;
	/* "submit anyway": the resident has seen the similar matters */
	bool dup_ok;
	/* the similar matters to offer, when the form comes back for them */
	const similar_list *similar;
	bool photo_dropped; /* a photo came with it and must be chosen again */
} submit_form;

/* The largest photo accepted, in bytes. */
static size_t max_photo(const request *rq)
{
	const app *a = rq->app;
	return a && a->max_photo ? a->max_photo : DEFAULT_MAX_PHOTO;
}

/* True when s is NULL or only ASCII white space. */
static bool blank(const char *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return false;
	return true;
}

/* Loose phone check: 3-20 of digits, '+', '-' and spaces. Why loose: the
 * number is only for staff to call back; landlines, extensions and mobile
 * numbers all have to pass. */
static bool phone_ok(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 20)
		return false;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || *s == '+' || *s == '-' || *s == ' '))
			return false;
	return true;
}

/* Text of at most max characters of valid UTF-8 (NULL passes). */
static bool text_ok(const char *s, size_t max)
{
	if (!s)
		return true;
	size_t n = strlen(s);
	return utf8_valid(s, n) && utf8_count(s, n) <= max;
}

/* Read the form into *f. Returns NULL or the message for the first
 * problem found. */
static const char *read_form(request *rq, submit_form *f)
{
	f->kind = rq_param(rq, "kind");
	f->subkind = rq_param(rq, "subkind");
	f->title = rq_param(rq, "title");
	f->description = rq_param(rq, "description");
	f->address = rq_param(rq, "address");
	f->name = rq_param(rq, "name");
	f->phone = rq_param(rq, "phone");
	f->is_public = !str_empty(rq_param(rq, "is_public"));
	f->dup_ok = !str_empty(rq_param(rq, "dup_ok"));
	if (!web_param_id(rq, "category", &f->category_id) || !web_param_id(rq, "area", &f->area_id))
		return "请从列表中选择类别和片区";
	if (str_cmp0(f->kind, "request") != 0 && str_cmp0(f->kind, "wish") != 0)
		return "请选择类型：诉求或微心愿";
	if (strcmp(f->kind, "request") == 0 && !subkind_valid(f->subkind))
		return "请选择诉求类别：求助、投诉、举报、咨询或建议";
	if (blank(f->title))
		return "请填写标题";
	if (!text_ok(f->title, TITLE_MAX))
		return "标题不能超过100个字";
	if (blank(f->description))
		return "请填写具体内容";
	if (!text_ok(f->description, DESCRIPTION_MAX))
		return "具体内容不能超过4000个字";
	if (!text_ok(f->address, ADDRESS_MAX))
		return "地址不能超过200个字";
	if (!text_ok(f->name, NAME_MAX))
		return "姓名不能超过50个字";
	if (!blank(f->phone) && !phone_ok(f->phone))
		return "电话号码格式不对：请填写3到20位数字，可含“+”“-”和空格";
	return NULL;
}

/* The kind radios and the subkind select. */
static void form_kind(buf *b, const submit_form *f)
{
	bool wish = str_cmp0(f->kind, "wish") == 0;
	buf_printf(b,
		   "<fieldset><legend>类型 <span class=\"req\">*</span></legend><div class=\"choices\">"
		   "<label class=\"choice\"><input type=\"radio\" name=\"kind\" value=\"request\"%s> 诉求</label>"
		   "<label class=\"choice\"><input type=\"radio\" name=\"kind\" value=\"wish\"%s> 微心愿</label>"
		   "</div><p class=\"hint\">诉求：反映问题、求助、投诉、举报、咨询、提建议。"
		   "微心愿：老人、儿童、困难群众等希望得到帮助的小心愿。</p></fieldset>"
		   "<div class=\"field\"><label for=\"subkind\">诉求类别 <span class=\"hint\">选“诉求”时必选</span></label>"
		   "<select id=\"subkind\" name=\"subkind\">",
		   wish ? "" : " checked", wish ? " checked" : "");
	form_option(b, "", "请选择", str_empty(f->subkind));
	for (size_t i = 0; i < ARRAY_LEN(subkinds); i++)
		form_option(b, subkinds[i], subkinds[i], str_cmp0(f->subkind, subkinds[i]) == 0);
	buf_puts(b, "</select></div>");
}

/* Category and area. Returns false when a list cannot be read. */
static bool form_catalog(request *rq, buf *b, const submit_form *f)
{
	return form_catalog_fields(rq, b, f->category_id, f->area_id, "不确定可不选", "请选择（村、社区或街道）");
}

/* Title, description, address and photo. */
static void form_text(request *rq, buf *b, const submit_form *f)
{
	buf_printf(b,
		   "<div class=\"field\"><label for=\"title\">标题 <span class=\"req\">*</span> "
		   "<span class=\"hint\">一句话说清楚，100字以内</span></label>"
		   "<input type=\"text\" id=\"title\" name=\"title\" maxlength=\"100\" required value=\"%h\"></div>"
		   "<div class=\"field\"><label for=\"description\">具体内容 <span class=\"req\">*</span> "
		   "<span class=\"hint\">时间、地点、情况和您的诉求，4000字以内</span></label>"
		   "<textarea id=\"description\" name=\"description\" maxlength=\"4000\" rows=\"7\" required>%h</textarea></div>"
		   "<div class=\"field\"><label for=\"address\">详细地址 <span class=\"hint\">可选，如小区、楼栋、路段</span></label>"
		   "<input type=\"text\" id=\"address\" name=\"address\" maxlength=\"200\" value=\"%h\"></div>"
		   "<div class=\"field\"><label for=\"photo\">照片 <span class=\"hint\">可选，JPG、PNG、WebP 或 GIF，不超过 %zu MB</span></label>"
		   "<input type=\"file\" id=\"photo\" name=\"photo\" accept=\"image/*\"></div>",
		   f->title, f->description, f->address, (max_photo(rq) + 1024 * 1024 - 1) / (1024 * 1024));
}

/* Name, phone (private) and consent to publish. */
static void form_contact(buf *b, const submit_form *f)
{
	buf_printf(b,
		   "<fieldset class=\"private\"><legend>联系方式（仅工作人员可见，不会公开）</legend>"
		   "<div class=\"field\"><label for=\"name\">姓名 <span class=\"hint\">可选</span></label>"
		   "<input type=\"text\" id=\"name\" name=\"name\" maxlength=\"50\" autocomplete=\"name\" value=\"%h\"></div>"
		   "<div class=\"field\"><label for=\"phone\">电话 <span class=\"hint\">可选，便于承办人联系和回访</span></label>"
		   "<input type=\"tel\" id=\"phone\" name=\"phone\" maxlength=\"20\" inputmode=\"tel\" autocomplete=\"tel\" value=\"%h\"></div>"
		   "<p class=\"hint\">仅工作人员可见，不会公开。不留联系方式也会办理。</p></fieldset>"
		   "<div><label class=\"choice\"><input type=\"checkbox\" name=\"is_public\" value=\"1\"%s> "
		   "同意公开（不含个人信息）</label>"
		   "<p class=\"hint\">同意后，标题、类别、片区、办理进展和结果将在公开栏展示，姓名和电话不会公开。</p></div>",
		   f->name, f->phone, f->is_public ? " checked" : "");
}

/* The notice above a form that came back because matters like it are
 * already being handled: each with a link to its public page, where the
 * resident can follow it instead of handing in a second one. */
static void similar_notice(buf *b, const submit_form *f)
{
	buf_puts(b, "<section class=\"notice\" id=\"similar\" role=\"status\"><h2>相似的事项正在办理中</h2>"
		    "<p>您反映的问题可能已经有人反映过。如果是同一件事，可以直接关注它的办理进展，不用重复提交：</p><ul>");
	for (size_t i = 0; i < f->similar->n; i++) {
		const similar_item *it = &f->similar->items[i];
		buf_printf(b, "<li><a href=\"/t/%u\">%h</a> <span class=\"mono\">%h</span> · %h"
			      " · 相似度 %d%% · <a href=\"/t/%u\">关注这件事</a></li>",
			   it->number, it->title, it->number, status_label(it->status),
			   (int)(it->score * 100 + 0.5), it->number);
	}
	buf_puts(b, "</ul><p>如果不是同一件事，请核对下面填写的内容，点“仍然提交”。</p>");
	if (f->photo_dropped)
		buf_puts(b, "<p><strong>您选择的照片没有随表单保留，提交前请重新选择。</strong></p>");
	buf_puts(b, "</section>");
}

/* Render the whole form page with an optional error message. */
static void render_form(request *rq, response *rs, const submit_form *f, const char *msg,
			int status)
{
	buf body = BUF_INIT;
	form_kind(&body, f);
	if (!form_catalog(rq, &body, f)) {
		buf_free(&body);
		resp_error(rq, rs, 500, "暂时无法打开表单，请稍后再试");
		return;
	}
	rs->status = status;
	page_begin(rq, rs, PAGE_PUBLIC, "我要反映", "submit");
	buf_puts(&rs->body, "<h1>我要反映</h1><p class=\"muted\">带 <span class=\"req\">*</span> 的为必填项。"
			    "提交后您会得到事项编号和查询码，凭它们查询办理进度。</p>");
	if (msg)
		html_notice(&rs->body, "error", msg);
	if (f->similar)
		similar_notice(&rs->body, f);
	/* data-busy: "正在提交…" on the button while the photo uploads (form.js) */
	buf_puts(&rs->body, "<form class=\"stack card\" method=\"post\" action=\"/submit\" "
			    "enctype=\"multipart/form-data\" data-busy=\"正在提交…\">");
	form_csrf(rq, &rs->body);
	if (f->similar || f->dup_ok)
		buf_puts(&rs->body, "<input type=\"hidden\" name=\"dup_ok\" value=\"1\">");
	buf_append(&rs->body, body.data, body.len);
	form_text(rq, &rs->body, f);
	form_contact(&rs->body, f);
	buf_printf(&rs->body, "<div class=\"form-actions\"><button type=\"submit\">%s</button></div></form>",
		   f->similar ? "仍然提交" : "提交");
	page_end(rq, rs);
	buf_free(&body);
}

/* GET /submit: the empty form (publication consented by default). */
void page_submit_form(request *rq, response *rs)
{
	submit_form f = {.kind = "request", .is_public = true};
	render_form(rq, rs, &f, NULL, 200);
}

/* Check the optional photo. Returns NULL when it is absent or fine (and
 * sets *type), else the message, with *status 413 or 400. */
static const char *check_photo(request *rq, const upload *up, const char **type, int *status)
{
	*type = NULL;
	if (!up || up->data.len == 0)
		return NULL;
	if (up->data.len > max_photo(rq)) {
		*status = 413;
		return "照片太大，请换一张小一些的图片";
	}
	/* Why by magic bytes: the browser's content type and file name are
	 * whatever the sender says; only the bytes tell what will be served. */
	*type = image_type_sniff(up->data.data, up->data.len);
	if (!*type) {
		*status = 400;
		return "只支持 JPG、PNG、WebP、GIF 图片";
	}
	return NULL;
}

/* Fill the ledger's submission from the form and the photo. */
static void to_submission(const submit_form *f, const upload *up, submission *s)
{
	memset(s, 0, sizeof *s);
	bool request_kind = strcmp(f->kind, "request") == 0;
	s->kind = f->kind;
	s->subkind = request_kind ? f->subkind : NULL;
	s->category_id = f->category_id;
	s->area_id = f->area_id;
	s->title = f->title;
	s->description = f->description;
	s->address = blank(f->address) ? NULL : f->address;
	s->channel = "web";
	s->submitter_name = blank(f->name) ? NULL : f->name;
	s->submitter_phone = blank(f->phone) ? NULL : f->phone;
	s->is_public = f->is_public;
	if (up && up->data.len > 0) {
		s->photo = up->data.data;
		s->photo_len = up->data.len;
		s->photo_name = up->filename;
	}
}

/* Answer a failed matter_submit: the form again for bad input, else an
 * error page. */
static void submit_failed(request *rq, response *rs, const submit_form *f, int rc,
			  const char *msg, const rate_limit *lim)
{
	if (rc == LEDGER_INVALID) {
		render_form(rq, rs, f, msg ? msg : "提交的内容有误，请检查后重试", 400);
	} else if (rc == LEDGER_THROTTLED) {
		resp_error(rq, rs, 429, "同一网络提交太频繁，请稍后再试");
		resp_retry_after(rs, ratelimit_retry_after(lim, rq->now));
	} else
		resp_error(rq, rs, ledger_http_status(rc), "提交没有成功，请稍后再试");
}

/* Before a first submission: when public matters like it are already
 * being handled, show the form again with everything typed, the matters
 * to follow instead, and "仍然提交". Returns true when it answered. */
static bool offered_similar(request *rq, response *rs, submit_form *f, const upload *up)
{
	/* Why the anonymous actor: this page is public; whoever is signed in,
	 * it must never show a private matter's title. */
	actor anyone;
	memset(&anyone, 0, sizeof anyone);
	similar_query q = {0, f->title, f->description, f->category_id, f->area_id, false, 0, 0,
			   rq->now, SIMILAR_OFFERED};
	similar_list l;
	if (f->dup_ok || similar_find(rq->db, &anyone, &q, &l) != LEDGER_OK)
		return false; /* a failed lookup never stops a submission */
	bool offered = l.n > 0;
	if (offered) {
		f->similar = &l;
		f->photo_dropped = up && up->data.len > 0;
		render_form(rq, rs, f, NULL, 200);
		f->similar = NULL;
	}
	similar_list_free(&l);
	return offered;
}

/* POST /submit: check, hand in, and go to the tracking page with the
 * number and 查询码 (shown there once, with ?new=1). */
void page_submit_post(request *rq, response *rs)
{
	submit_form f;
	memset(&f, 0, sizeof f);
	const upload *up = rq_upload(rq, "photo");
	const char *type = NULL, *err = read_form(rq, &f);
	int status = 400;
	if (err || (err = check_photo(rq, up, &type, &status))) {
		if (!f.kind || (strcmp(f.kind, "request") && strcmp(f.kind, "wish")))
			f.kind = "request";
		render_form(rq, rs, &f, err, status);
		return;
	}
	if (offered_similar(rq, rs, &f, up))
		return;
	submission s;
	to_submission(&f, up, &s);
	/* Why: one address may not flood the ledger through the open form;
	 * the limit is generous because a village may share one address. */
	const app *a = rq->app;
	char *key = str_printf("submit:%s", rq->remote_addr);
	rate_limit lim = {key, a ? a->submit_limit : 0, 3600};
	s.limit = &lim;
	char number[32] = "", secret[16] = "";
	char *msg = NULL;
	int rc = matter_submit(rq->db, &rq->who, &s, rq->now, number, secret, &msg);
	if (rc != LEDGER_OK)
		submit_failed(rq, rs, &f, rc, msg, &lim);
	free(key);
	free(msg);
	if (rc != LEDGER_OK)
		return;
	char *loc = str_printf("/t/%u?k=%u&new=1", number, secret);
	resp_redirect(rs, loc);
	free(loc);
}
