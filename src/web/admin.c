/*
 * admin.c — what the administration pages share (admin_departments.c,
 * admin_areas.c, admin_categories.c, admin_users.c, admin_channels.c): the
 * page start with the notice after a change, the one edit-form renderer
 * driven by a table of fields, and the small one-button forms (activate,
 * deactivate).
 *
 * Each admin page lists its rows, offers a create form (or, with ?edit=ID,
 * an edit form) and posts back to its own URL; the POST handler validates
 * through the ledger and either re-renders with the error (400) or
 * redirects back with ?done=... (303).
 */
#include <string.h>

#include "base/util.h"
#include "web/html.h"
#include "web/staff.h"

/* The notice for ?done=WHAT after a successful change. */
static const char *done_text(const char *done)
{
	static const struct {
		const char *key, *text;
	} v[] = {
		{"created", "已新增。"},          {"saved", "已保存。"},
		{"activated", "已启用。"},        {"deactivated", "已停用。"},
		{"password", "密码已重置，请通过安全方式告知本人。"},
		{"test", "测试消息已加入发送队列，几秒后可在下方发送记录中查看结果。"},
		{"retried", "已重新加入发送队列。"},
	};
	for (size_t i = 0; done && i < ARRAY_LEN(v); i++)
		if (strcmp(done, v[i].key) == 0)
			return v[i].text;
	return NULL;
}

/* Start an admin page (see staff.h). */
void admin_begin(request *rq, response *rs, const char *title, const char *tab,
		 const char *intro, const char *error)
{
	buf *b = &rs->body;
	const char *done = done_text(rq_param(rq, "done"));
	page_begin(rq, rs, PAGE_STAFF, title, tab);
	buf_printf(b, "<h1>%h</h1>\n", title);
	if (intro)
		buf_printf(b, "<p class=\"muted\">%h</p>\n", intro);
	if (error)
		html_notice(b, "error", error);
	else if (done)
		html_notice(b, "ok", done);
}

/* The label of a field with its required mark and hint. */
static void field_label(buf *b, const admin_field *f)
{
	buf_printf(b, "<label for=\"af-%h\">%h%s", f->name, f->label,
		   f->required ? " <span class=\"req\">*</span>" : "");
	if (f->hint)
		buf_printf(b, " <span class=\"hint\">%h</span>", f->hint);
	buf_puts(b, "</label>");
}

/* One field of an admin form. */
static void admin_field_html(buf *b, const admin_field *f)
{
	const char *req = f->required ? " required" : "";
	if (f->type == AF_CHECK) {
		buf_printf(b, "<div><label class=\"choice\"><input type=\"checkbox\" name=\"%h\" "
			      "value=\"1\"%s> %h</label>",
			   f->name, f->checked ? " checked" : "", f->label);
		if (f->hint)
			buf_printf(b, "<p class=\"hint\">%h</p>", f->hint);
		buf_puts(b, "</div>\n");
		return;
	}
	buf_puts(b, "<div class=\"field\">");
	field_label(b, f);
	switch (f->type) {
	case AF_SELECT:
		buf_printf(b, "<select id=\"af-%h\" name=\"%h\"%s>%s</select>", f->name, f->name, req,
			   f->options ? f->options : "");
		break;
	case AF_TEXTAREA:
		buf_printf(b, "<textarea id=\"af-%h\" name=\"%h\" rows=\"4\"%s>%h</textarea>", f->name,
			   f->name, req, f->value);
		break;
	case AF_NUMBER:
		buf_printf(b, "<input type=\"number\" id=\"af-%h\" name=\"%h\" min=\"0\" max=\"365\" "
			      "inputmode=\"numeric\" value=\"%h\"%s>",
			   f->name, f->name, f->value, req);
		break;
	case AF_PASSWORD:
		/* Why never prefilled: a password is not echoed back into a page. */
		buf_printf(b, "<input type=\"password\" id=\"af-%h\" name=\"%h\" minlength=\"8\" "
			      "autocomplete=\"new-password\"%s>",
			   f->name, f->name, req);
		break;
	case AF_SECRET:
		/* Why never prefilled either: a channel's key or SMTP password
		 * is written once and not shown again. */
		buf_printf(b, "<input type=\"password\" id=\"af-%h\" name=\"%h\" "
			      "autocomplete=\"off\"%s>",
			   f->name, f->name, req);
		break;
	default:
		buf_printf(b, "<input type=\"text\" id=\"af-%h\" name=\"%h\" value=\"%h\"%s>", f->name,
			   f->name, f->value, req);
		break;
	}
	buf_puts(b, "</div>\n");
}

/* One POST form of an admin page (see staff.h). */
void admin_form(request *rq, buf *b, const char *url, const char *heading, const char *op,
		int64_t id, const admin_field *f, size_t n, const char *submit)
{
	buf_printf(b, "<h2 id=\"form\">%h</h2>\n<section class=\"card\">"
		      "<form class=\"stack\" method=\"post\" action=\"%h\">\n",
		   heading, url);
	form_csrf(rq, b);
	buf_printf(b, "<input type=\"hidden\" name=\"op\" value=\"%h\">", op);
	if (id) /* no id: create */
		buf_printf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">", (long long)id);
	buf_putc(b, '\n');
	for (size_t i = 0; i < n; i++)
		admin_field_html(b, &f[i]);
	buf_printf(b, "<div class=\"form-actions\"><button type=\"submit\">%h</button>", submit);
	if (id)
		buf_printf(b, "<a class=\"button secondary\" href=\"%h\">取消</a>", url);
	buf_puts(b, "</div>\n</form></section>\n");
}

/* A one-button POST form (see staff.h). */
void admin_button(request *rq, buf *b, const char *url, const char *op, int64_t id,
		  const char *extra_name, const char *extra_value, const char *label)
{
	buf_printf(b, "<form method=\"post\" action=\"%h\" class=\"inline\">", url);
	form_csrf(rq, b);
	buf_printf(b, "<input type=\"hidden\" name=\"op\" value=\"%h\">"
		      "<input type=\"hidden\" name=\"id\" value=\"%lld\">",
		   op, (long long)id);
	if (extra_name)
		buf_printf(b, "<input type=\"hidden\" name=\"%h\" value=\"%h\">", extra_name,
			   extra_value);
	buf_printf(b, "<button type=\"submit\" class=\"secondary\">%h</button></form>", label);
}

/* A ticked checkbox sends a non-empty value; an unticked one nothing. */
bool admin_checked(const request *rq, const char *name)
{
	return !str_empty(rq_param(rq, name));
}
