/*
 * intake.c — 代录: a clerk enters a matter that reached the office by
 * hotline, the paper wish box (微心愿征集箱), a visit, a petition letter,
 * an inspection or a kiosk (GET and POST /staff/new).
 *
 * The form asks for the channel, kind and subkind, category, area, title,
 * description, address, the submitter's name, phone and kind (resident or
 * enterprise), publication and priority, and an optional photo (a scan of
 * the paper slip). The page parses the input and hands it to
 * matter_submit() with the clerk as actor; the ledger owns every rule. On
 * success the clerk lands on the staff page of the new matter, which shows
 * the resident's 查询码 once (carried there in a short-lived cookie, see
 * INTAKE_COOKIE: why, so the code never appears in a URL or a log). On bad
 * input the form comes back with the message and everything typed, 400.
 */
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "web/app.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

#define DEFAULT_MAX_PHOTO (5u * 1024 * 1024)
/* The cookie carrying "NUMBER.CODE" of the matter just entered to its
 * staff page (matter_page.c reads and clears it). */
#define INTAKE_COOKIE "tz_intake"
#define INTAKE_COOKIE_TTL 600

static const char *const channels[] = {"hotline", "box", "visit", "petition", "inspection", "kiosk"};
static const char *const kinds[] = {"request", "wish", "petition", "inspection", "project"};
static const char *const subkinds[] = {"咨询", "求助", "投诉", "举报", "建议"};

/* What the clerk typed, borrowed from the request. */
typedef struct intake_form {
	const char *channel, *kind, *subkind, *title, *description, *address;
	const char *name, *phone, *submitter_kind;
	int64_t category_id, area_id;
	bool is_public, urgent;
} intake_form;

/* Is s one of the n names in v? */
static bool one_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(s, v[i]) == 0)
			return true;
	return false;
}

/* Read the form into *f. Returns NULL or a message for the first value
 * that is not one of the choices offered; the texts are checked by the
 * ledger. */
static const char *read_form(const request *rq, intake_form *f)
{
	memset(f, 0, sizeof *f);
	f->channel = rq_param(rq, "channel");
	f->kind = rq_param(rq, "kind");
	f->subkind = rq_param(rq, "subkind");
	f->title = rq_param(rq, "title");
	f->description = rq_param(rq, "description");
	f->address = rq_param(rq, "address");
	f->name = rq_param(rq, "name");
	f->phone = rq_param(rq, "phone");
	f->submitter_kind = rq_param(rq, "submitter_kind");
	f->is_public = !str_empty(rq_param(rq, "is_public"));
	f->urgent = str_cmp0(rq_param(rq, "priority"), "1") == 0;
	if (!one_of(f->channel, channels, ARRAY_LEN(channels)))
		return "请选择受理渠道";
	if (!one_of(f->kind, kinds, ARRAY_LEN(kinds)))
		return "请选择事项类型";
	if (!str_empty(f->subkind) && !one_of(f->subkind, subkinds, ARRAY_LEN(subkinds)))
		return "诉求类别无效";
	if (str_cmp0(f->submitter_kind, "resident") != 0 &&
	    str_cmp0(f->submitter_kind, "enterprise") != 0)
		return "请选择反映人类型：群众或企业";
	if (!web_param_id(rq, "category", &f->category_id) || !web_param_id(rq, "area", &f->area_id))
		return "请从列表中选择类别和片区";
	return NULL;
}

/* A <select> of fixed values labelled by `label_of` (NULL: the value). */
static void vocab_select(buf *b, const char *id, const char *const *v, size_t n,
			 const char *selected, const char *(*label_of)(const char *),
			 const char *empty_label)
{
	buf_printf(b, "<select id=\"%s\" name=\"%s\">", id, id);
	if (empty_label)
		form_option(b, "", empty_label, str_empty(selected));
	for (size_t i = 0; i < n; i++)
		form_option(b, v[i], label_of ? label_of(v[i]) : v[i], str_cmp0(selected, v[i]) == 0);
	buf_puts(b, "</select></div>\n");
}

/* Channel, kind, subkind and priority. */
static void form_kind(buf *b, const intake_form *f)
{
	buf_puts(b, "<div class=\"field\"><label for=\"channel\">受理渠道 <span class=\"req\">*</span>"
		    "</label>");
	vocab_select(b, "channel", channels, ARRAY_LEN(channels), f->channel, channel_label, NULL);
	buf_puts(b, "<div class=\"field\"><label for=\"kind\">事项类型 <span class=\"req\">*</span>"
		    "</label>");
	vocab_select(b, "kind", kinds, ARRAY_LEN(kinds), f->kind, kind_label, NULL);
	buf_puts(b, "<div class=\"field\"><label for=\"subkind\">诉求类别 <span class=\"hint\">"
		    "诉求类事项选填</span></label>");
	vocab_select(b, "subkind", subkinds, ARRAY_LEN(subkinds), f->subkind, NULL, "不选");
	buf_printf(b, "<div class=\"field\"><label for=\"priority\">紧急程度</label>"
		      "<select id=\"priority\" name=\"priority\"><option value=\"0\"%s>一般</option>"
		      "<option value=\"1\"%s>紧急</option></select></div>\n",
		   f->urgent ? "" : " selected", f->urgent ? " selected" : "");
}

/* Category and area. Returns false when a list cannot be read. */
static bool form_catalog(request *rq, buf *b, const intake_form *f)
{
	return form_catalog_fields(rq, b, f->category_id, f->area_id, "未分类", "未选择");
}

/* Title, description, address and the photo. */
static void form_text(buf *b, const intake_form *f)
{
	buf_printf(b,
		   "<div class=\"field\"><label for=\"title\">标题 <span class=\"req\">*</span> "
		   "<span class=\"hint\">一句话概括，100字以内</span></label>"
		   "<input type=\"text\" id=\"title\" name=\"title\" maxlength=\"100\" required "
		   "value=\"%h\"></div>\n"
		   "<div class=\"field\"><label for=\"description\">具体内容 <span class=\"req\">*"
		   "</span> <span class=\"hint\">按来电、来信或纸条原意记录，4000字以内</span></label>"
		   "<textarea id=\"description\" name=\"description\" maxlength=\"4000\" rows=\"7\" "
		   "required>%h</textarea></div>\n"
		   "<div class=\"field\"><label for=\"address\">详细地址</label>"
		   "<input type=\"text\" id=\"address\" name=\"address\" maxlength=\"200\" "
		   "value=\"%h\"></div>\n"
		   "<div class=\"field\"><label for=\"photo\">照片或扫描件 <span class=\"hint\">"
		   "可选，JPG、PNG、WebP 或 GIF</span></label>"
		   "<input type=\"file\" id=\"photo\" name=\"photo\" accept=\"image/*\"></div>\n",
		   f->title, f->description, f->address);
}

/* The submitter (private) and publication. */
static void form_contact(buf *b, const intake_form *f)
{
	bool firm = str_cmp0(f->submitter_kind, "enterprise") == 0;
	buf_printf(b,
		   "<fieldset class=\"private\"><legend>反映人（仅工作人员可见，不会公开）</legend>"
		   "<div class=\"choices\"><label class=\"choice\"><input type=\"radio\" "
		   "name=\"submitter_kind\" value=\"resident\"%s> 群众</label>"
		   "<label class=\"choice\"><input type=\"radio\" name=\"submitter_kind\" "
		   "value=\"enterprise\"%s> 企业</label></div>"
		   "<div class=\"field\"><label for=\"name\">姓名或企业名称</label>"
		   "<input type=\"text\" id=\"name\" name=\"name\" maxlength=\"50\" value=\"%h\"></div>"
		   "<div class=\"field\"><label for=\"phone\">联系电话 <span class=\"hint\">便于承办人"
		   "联系和回访</span></label><input type=\"tel\" id=\"phone\" name=\"phone\" "
		   "maxlength=\"20\" value=\"%h\"></div></fieldset>\n"
		   "<div><label class=\"choice\"><input type=\"checkbox\" name=\"is_public\" "
		   "value=\"1\"%s> 在公开栏公开（不含个人信息）</label>"
		   "<p class=\"hint\">请按反映人的意愿勾选；信访和涉及隐私的事项一般不公开。</p></div>\n",
		   firm ? "" : " checked", firm ? " checked" : "", f->name, f->phone,
		   f->is_public ? " checked" : "");
}

/* The whole form page with an optional error message and the status. */
static void render_form(request *rq, response *rs, const intake_form *f, const char *msg,
			int status)
{
	buf body = BUF_INIT;
	form_kind(&body, f);
	if (!form_catalog(rq, &body, f)) {
		buf_free(&body);
		resp_error(rq, rs, 500, "暂时无法打开表单，请稍后再试");
		return;
	}
	form_text(&body, f);
	form_contact(&body, f);
	rs->status = status;
	page_begin(rq, rs, PAGE_STAFF, "代录事项", "new");
	buf_puts(&rs->body, "<h1>代录事项</h1>\n<p class=\"muted\">录入经热线、意见箱（微心愿征集箱）、"
			    "走访、信访等渠道收到的事项。带 <span class=\"req\">*</span> 的为必填项。"
			    "</p>\n");
	if (msg)
		html_notice(&rs->body, "error", msg);
	buf_puts(&rs->body, "<form class=\"stack card\" method=\"post\" action=\"/staff/new\" "
			    "enctype=\"multipart/form-data\">\n");
	form_csrf(rq, &rs->body);
	buf_append(&rs->body, body.data, body.len);
	buf_puts(&rs->body, "<div class=\"form-actions\"><button type=\"submit\">登记</button>"
			    "<a class=\"button secondary\" href=\"/staff/inbox\">取消</a></div>\n"
			    "</form>\n");
	page_end(rq, rs);
	buf_free(&body);
}

/* GET /staff/new: the empty form (hotline, request, public by default). */
void page_intake_form(request *rq, response *rs)
{
	intake_form f = {.channel = "hotline", .kind = "request", .submitter_kind = "resident",
			 .is_public = true};
	render_form(rq, rs, &f, NULL, 200);
}

/* Check the optional photo: NULL when absent or fine, else the message
 * (with *status 413 for too large). Why by magic bytes: the browser's
 * content type and file name are whatever the sender says. */
static const char *check_photo(const request *rq, const upload *up, int *status)
{
	const app *a = rq->app;
	size_t max = a && a->max_photo ? a->max_photo : DEFAULT_MAX_PHOTO;
	if (!up || up->data.len == 0)
		return NULL;
	if (up->data.len > max) {
		*status = 413;
		return "照片太大，请换一张小一些的图片";
	}
	if (!image_type_sniff(up->data.data, up->data.len))
		return "只支持 JPG、PNG、WebP、GIF 图片";
	return NULL;
}

/* Fill the ledger's submission from the form and the photo. */
static void to_submission(const intake_form *f, const upload *up, submission *s)
{
	memset(s, 0, sizeof *s);
	s->kind = f->kind;
	s->subkind = str_empty(f->subkind) ? NULL : f->subkind;
	s->category_id = f->category_id;
	s->area_id = f->area_id;
	s->title = f->title;
	s->description = f->description;
	s->address = str_empty(f->address) ? NULL : f->address;
	s->channel = f->channel;
	s->submitter_name = str_empty(f->name) ? NULL : f->name;
	s->submitter_phone = str_empty(f->phone) ? NULL : f->phone;
	s->submitter_kind = f->submitter_kind;
	s->is_public = f->is_public;
	s->priority = f->urgent ? 1 : 0;
	if (up && up->data.len > 0) {
		s->photo = up->data.data;
		s->photo_len = up->data.len;
		s->photo_name = up->filename;
	}
}

/* Send the clerk to the new matter's page, with its 查询码 in the
 * short-lived cookie for that page to show once. */
static void intake_done(response *rs, const char *number, const char *secret)
{
	char *cookie = str_printf("%s.%s", number, secret);
	char *loc = str_printf("/staff/m/%u?done=submit", number);
	resp_set_cookie(rs, INTAKE_COOKIE, cookie, INTAKE_COOKIE_TTL);
	resp_redirect(rs, loc);
	free(cookie);
	free(loc);
}

/* POST /staff/new: check, hand in with the clerk as actor, and go to the
 * new matter's page. */
void page_intake_post(request *rq, response *rs)
{
	intake_form f;
	const upload *up = rq_upload(rq, "photo");
	int status = 400;
	const char *err = read_form(rq, &f);
	if (err || (err = check_photo(rq, up, &status))) {
		render_form(rq, rs, &f, err, status);
		return;
	}
	submission s;
	char number[32] = "", secret[16] = "";
	char *msg = NULL;
	to_submission(&f, up, &s);
	int rc = matter_submit(rq->db, &rq->who, &s, rq->now, number, secret, &msg);
	if (rc == LEDGER_OK)
		intake_done(rs, number, secret);
	else if (rc == LEDGER_INVALID)
		render_form(rq, rs, &f, msg ? msg : "录入的内容有误，请检查后重试", 400);
	else
		resp_error(rq, rs, ledger_http_status(rc), "登记没有成功，请稍后再试");
	free(msg);
}
