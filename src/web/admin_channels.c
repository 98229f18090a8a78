/*
 * admin_channels.c — 通知渠道 (GET and POST /staff/admin/channels): where
 * the office's digests and 督办 notices go (ledger/channel.h), and what
 * became of each message (ledger/outbox.h).
 *
 * The page lists the channels with their kind, department, topics and
 * state, and the buttons to switch one on or off and to send it a test
 * message; the form adds one or, with ?edit=ID, changes one; below, the
 * newest messages of the outbox with their status, attempts, next try
 * and last error, failed ones marked and each with a 重试 button.
 *
 * A channel's secret and its robot URL (which carries the robot's token)
 * are never written back into the page: the list shows the URL's host
 * only, the edit form leaves both fields empty and an empty field keeps
 * what is stored. channel_save() validates; on an error the page comes
 * back with the message and the rest of the input (400), nothing saved.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/isotime.h"
#include "base/token.h"
#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "ledger/outbox.h"
#include "web/html.h"
#include "web/pages.h"
#include "web/staff.h"

#define URL "/staff/admin/channels"
#define OUTBOX_SHOWN 50

/* The Chinese labels of the topics in bits, joined with "、". */
static void topic_labels(buf *b, unsigned bits)
{
	const char *label;
	unsigned bit;
	int n = 0;
	for (size_t i = 0; channel_topic_name(i, &label, &bit); i++)
		if (bits & bit)
			buf_printf(b, "%s%h", n++ ? "、" : "", label);
	if (!n)
		buf_puts(b, "—");
}

/* The cell of actions for one channel: edit, test, switch on or off. */
static void channel_actions(request *rq, buf *b, const channel *c)
{
	buf_printf(b, "<td><a href=\"" URL "?edit=%lld#form\">编辑</a> ", (long long)c->id);
	if (c->active)
		admin_button(rq, b, URL, "test", c->id, NULL, NULL, "发送测试消息");
	admin_button(rq, b, URL, "active", c->id, "active", c->active ? "0" : "1",
		     c->active ? "停用" : "启用");
	buf_puts(b, "</td>");
}

static void channel_table(request *rq, buf *b, const channel *v, size_t n)
{
	if (n == 0) {
		buf_puts(b, "<div class=\"empty\"><p>还没有通知渠道。请在下方新增企业微信、钉钉、"
			    "飞书群机器人、Webhook 或电子邮件。</p></div>\n");
		return;
	}
	buf_puts(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>名称</th><th>类型</th>"
		    "<th>单位</th><th>地址</th><th>接收内容</th><th>状态</th><th>操作</th></tr>"
		    "</thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const channel *c = &v[i];
		buf_printf(b, "<tr><td>%h</td><td>%h</td><td>%h</td><td class=\"mono\">",
			   c->name, channel_kind_label(c->kind),
			   c->department_id ? c->department_name : "全办");
		channel_target_masked(c->target, b); /* scheme://host only: see the top */
		buf_puts(b, "</td><td>");
		topic_labels(b, c->topics);
		buf_printf(b, "</td><td>%s</td>",
			   c->active ? "启用" : "<span class=\"muted\">停用</span>");
		channel_actions(rq, b, c);
		buf_puts(b, "</tr>\n");
	}
	buf_puts(b, "</tbody></table></div>\n");
}

/* ---- the outbox ---- */

static const char *outbox_status_label(const char *s)
{
	if (strcmp(s, "sent") == 0)
		return "已发送";
	if (strcmp(s, "failed") == 0)
		return "<strong class=\"overdue\">发送失败</strong>";
	return "待发送";
}

static const char *topic_label(const char *name)
{
	const char *label, *t;
	for (size_t i = 0; (t = channel_topic_name(i, &label, NULL)); i++)
		if (strcmp(t, name) == 0)
			return label;
	return strcmp(name, "test") == 0 ? "测试" : name;
}

static void outbox_row(request *rq, buf *b, const outbox_msg *m)
{
	bool failed = strcmp(m->status, "failed") == 0;
	buf_puts(b, "<tr><td>");
	html_time(b, m->created_at);
	buf_printf(b, "</td><td>%h</td><td>%h</td><td>%h</td><td>%s</td><td>%d</td><td>",
		   m->channel_name, topic_label(m->topic), m->title, outbox_status_label(m->status),
		   m->attempts);
	if (strcmp(m->status, "pending") == 0)
		html_time(b, m->next_at);
	else if (m->sent_at)
		html_time(b, m->sent_at);
	else
		buf_puts(b, "—");
	buf_printf(b, "</td><td>%h</td><td>", str_empty(m->last_error) ? "—" : m->last_error);
	if (failed)
		admin_button(rq, b, URL, "retry", m->id, NULL, NULL, "重试");
	buf_puts(b, "</td></tr>\n");
}

/* The counts and the newest messages (only failed ones with
 * ?outbox=failed). */
static int outbox_section(request *rq, buf *b)
{
	int64_t pending, sent, failed;
	outbox_msg *v = NULL;
	size_t n = 0;
	bool only_failed = str_cmp0(rq_param(rq, "outbox"), "failed") == 0;
	if (outbox_counts(rq->db, &pending, &sent, &failed) != LEDGER_OK ||
	    outbox_list(rq->db, only_failed ? "failed" : NULL, OUTBOX_SHOWN, &v, &n) != LEDGER_OK)
		return -1;
	buf_printf(b, "<h2 id=\"outbox\">发送记录</h2>\n<p>待发送 %lld 条，已发送 %lld 条，",
		   (long long)pending, (long long)sent);
	if (failed)
		buf_printf(b, "<strong class=\"overdue\">发送失败 %lld 条</strong>", (long long)failed);
	else
		buf_puts(b, "发送失败 0 条");
	buf_printf(b, "。%s</p>\n", only_failed ? "<a href=\"" URL "#outbox\">显示全部</a>"
						: "<a href=\"" URL "?outbox=failed#outbox\">只看失败的</a>");
	if (failed && !only_failed)
		html_notice(b, "error", "有消息发送失败（已达最多尝试次数）。请查看最后错误，"
					"修正渠道地址或密钥后点“重试”。");
	if (n == 0) {
		buf_puts(b, "<div class=\"empty\"><p>没有消息。</p></div>\n");
	} else {
		buf_puts(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>时间</th><th>渠道</th>"
			    "<th>内容</th><th>标题</th><th>状态</th><th>尝试次数</th>"
			    "<th>下次尝试／发送时间</th><th>最后错误</th><th>操作</th></tr></thead>\n"
			    "<tbody>\n");
		for (size_t i = 0; i < n; i++)
			outbox_row(rq, b, &v[i]);
		buf_puts(b, "</tbody></table></div>\n");
	}
	outbox_list_free(v, n);
	return 0;
}

/* ---- the form ---- */

/* What the form shows: a channel (borrowed strings) and, on an edit, the
 * masked stored target for the hint. */
typedef struct channel_form {
	channel c;
	char *stored_target; /* owned; NULL on create */
} channel_form;

static void form_fields(request *rq, buf *b, const channel_form *form)
{
	const channel *c = &form->c;
	bool edit = c->id != 0;
	buf kinds = BUF_INIT, deps = BUF_INIT, target_hint = BUF_INIT;
	department *dv = NULL;
	size_t nd = 0;
	const char *k;
	for (size_t i = 0; (k = channel_kind_at(i)); i++)
		form_option(&kinds, k, channel_kind_label(k), str_cmp0(c->kind, k) == 0);
	if (department_list(rq->db, true, &dv, &nd) == LEDGER_OK)
		form_department_options(&deps, dv, nd, c->department_id, "全办（不限单位）");
	if (edit) {
		buf_puts(&target_hint, "留空则保持不变（现为 ");
		channel_target_masked(form->stored_target, &target_hint);
		buf_puts(&target_hint, "）");
	} else {
		buf_puts(&target_hint, "群机器人的 Webhook 地址；电子邮件为 smtps://主机:465 或 "
				       "smtp://主机:587");
	}
	admin_field f[12];
	size_t n = 0;
	f[n++] = (admin_field){"name", "名称", AF_TEXT, c->name, false, NULL, "如：办公室工作群", true};
	f[n++] = (admin_field){"kind", "类型", AF_SELECT, NULL, false, buf_str(&kinds), NULL, true};
	f[n++] = (admin_field){"department", "单位", AF_SELECT, NULL, false, buf_str(&deps),
			       "选定单位时，只收该单位的督办和单位日调度", false};
	f[n++] = (admin_field){"target", "地址", AF_TEXT, edit ? NULL : c->target, false, NULL,
			       buf_str(&target_hint), !edit};
	f[n++] = (admin_field){"secret", "密钥", AF_SECRET, NULL, false, NULL,
			       edit ? "只写不显示；留空则保持不变，但更改地址时须重新填写。钉钉加签以 SEC 开头；"
				      "飞书为签名校验密钥；Webhook 为签名密钥；电子邮件为登录密码"
				    : "只写不显示。钉钉加签以 SEC 开头；飞书为签名校验密钥；"
				      "Webhook 为签名密钥；电子邮件为登录密码；不用可留空",
			       false};
	f[n++] = (admin_field){"username", "邮箱登录名", AF_TEXT, c->username, false, NULL,
			       "仅电子邮件；填写后必须加密传输", false};
	f[n++] = (admin_field){"sender", "发件地址", AF_TEXT, c->sender, false, NULL, "仅电子邮件",
			       false};
	f[n++] = (admin_field){"recipients", "收件地址", AF_TEXT, c->recipients, false, NULL,
			       "仅电子邮件，多个用逗号分隔", false};
	const char *label;
	unsigned bit;
	static const char *const names[] = {"topic_daily", "topic_weekly", "topic_urge", "topic_duty"};
	for (size_t i = 0; channel_topic_name(i, &label, &bit) && i < ARRAY_LEN(names); i++)
		f[n++] = (admin_field){names[i], label, AF_CHECK, NULL, (c->topics & bit) != 0, NULL,
				       NULL, false};
	admin_form(rq, b, URL, edit ? "编辑通知渠道" : "新增通知渠道", "save", c->id, f, n,
		   edit ? "保存" : "新增");
	buf_free(&kinds);
	buf_free(&deps);
	buf_free(&target_hint);
	department_list_free(dv, nd);
}

/* The whole page: channels, the form, the outbox. */
static void render(request *rq, response *rs, int status, const channel_form *form,
		   const char *error)
{
	channel *v = NULL;
	size_t n = 0;
	if (channel_list(rq->db, &v, &n) != LEDGER_OK) {
		resp_error(rq, rs, 500, "渠道列表暂时无法读取，请稍后再试");
		return;
	}
	rs->status = status;
	admin_begin(rq, rs, "通知渠道", "channels",
		    "日调度、周督导和督办消息推送到哪里：企业微信、钉钉、飞书群机器人，任意 Webhook，"
		    "或电子邮件。全办渠道收所有单位的消息，单位渠道只收本单位的。发送失败会自动重试。",
		    error);
	channel_table(rq, &rs->body, v, n);
	form_fields(rq, &rs->body, form);
	if (outbox_section(rq, &rs->body) != 0)
		html_notice(&rs->body, "error", "发送记录暂时无法读取");
	page_end(rq, rs);
	channel_list_free(v, n);
}

/* GET /staff/admin/channels[?edit=ID][&outbox=failed]. */
void page_admin_channels(request *rq, response *rs)
{
	channel_form form;
	channel stored;
	int64_t id;
	memset(&form, 0, sizeof form);
	memset(&stored, 0, sizeof stored);
	form.c.kind = (char *)"wecom";
	form.c.topics = TOPIC_DAILY | TOPIC_WEEKLY | TOPIC_URGE | TOPIC_DUTY;
	if (!web_param_id(rq, "edit", &id)) {
		resp_error(rq, rs, 400, "渠道编号不正确");
		return;
	}
	if (id) {
		int rc = channel_load(rq->db, id, &stored);
		if (rc != LEDGER_OK) {
			resp_error(rq, rs, ledger_http_status(rc), "没有找到这个渠道");
			return;
		}
		form.c = stored;
		form.c.secret = NULL; /* never into the page */
		form.stored_target = stored.target;
	}
	render(rq, rs, 200, &form, NULL);
	channel_clear(&stored);
}

/* The channel in the form fields (strings borrowed from rq); false when
 * a field cannot be read at all (a forged department). */
static bool read_form(request *rq, channel *c)
{
	static const char *const names[] = {"topic_daily", "topic_weekly", "topic_urge", "topic_duty"};
	unsigned bit;
	c->name = (char *)rq_param(rq, "name");
	c->kind = (char *)rq_param(rq, "kind");
	c->target = (char *)rq_param(rq, "target");
	c->secret = (char *)rq_param(rq, "secret");
	c->username = (char *)rq_param(rq, "username");
	c->sender = (char *)rq_param(rq, "sender");
	c->recipients = (char *)rq_param(rq, "recipients");
	c->active = true;
	c->topics = 0;
	for (size_t i = 0; channel_topic_name(i, NULL, &bit) && i < ARRAY_LEN(names); i++)
		if (admin_checked(rq, names[i]))
			c->topics |= bit;
	return web_param_id(rq, "department", &c->department_id);
}

/* op=save: add (no id) or change a channel. */
static void save_channel(request *rq, response *rs)
{
	channel_form form;
	channel stored;
	char *msg = NULL;
	int64_t id = 0;
	memset(&form, 0, sizeof form);
	memset(&stored, 0, sizeof stored);
	if (!web_param_id(rq, "id", &form.c.id) || !read_form(rq, &form.c)) {
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
		return;
	}
	if (form.c.id && channel_load(rq->db, form.c.id, &stored) != LEDGER_OK) {
		resp_error(rq, rs, 400, "没有找到这个渠道，请刷新后重试");
		return;
	}
	form.stored_target = stored.target;
	int rc = channel_save(rq->db, &form.c, rq->now, &id, &msg);
	if (rc == LEDGER_OK) {
		resp_redirect(rs, form.c.id ? URL "?done=saved" : URL "?done=created");
	} else if (rc == LEDGER_INVALID || rc == LEDGER_NOT_FOUND) {
		form.c.secret = NULL; /* what was typed is not echoed either */
		render(rq, rs, 400, &form, msg ? msg : "填写的内容有误，请检查后重试");
	} else {
		resp_error(rq, rs, ledger_http_status(rc), "保存没有成功，请稍后再试");
	}
	free(msg);
	channel_clear(&stored);
}

/* An error re-render of the page with an empty create form. */
static void render_error(request *rq, response *rs, const char *error)
{
	channel_form form;
	memset(&form, 0, sizeof form);
	form.c.kind = (char *)"wecom";
	form.c.topics = TOPIC_DAILY | TOPIC_WEEKLY | TOPIC_URGE | TOPIC_DUTY;
	render(rq, rs, 400, &form, error);
}

/* op=active: switch a channel on (active=1) or off (active=0). */
static void set_active(request *rq, response *rs, int64_t id)
{
	const char *a = rq_param(rq, "active");
	if (str_cmp0(a, "1") != 0 && str_cmp0(a, "0") != 0) {
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
		return;
	}
	int rc = channel_set_active(rq->db, id, a[0] == '1');
	if (rc == LEDGER_OK)
		resp_redirect(rs, a[0] == '1' ? URL "?done=activated" : URL "?done=deactivated");
	else if (rc == LEDGER_NOT_FOUND)
		render_error(rq, rs, "没有找到这个渠道");
	else
		resp_error(rq, rs, 500, "操作没有成功，请稍后再试");
}

/* op=test: queue a test message for an active channel. Its idempotency
 * key is new each time (a random token), so every press sends one. */
static void send_test(request *rq, response *rs, int64_t id)
{
	channel c;
	if (channel_load(rq->db, id, &c) != LEDGER_OK) {
		render_error(rq, rs, "没有找到这个渠道");
		return;
	}
	if (!c.active) {
		channel_clear(&c);
		render_error(rq, rs, "渠道已停用，请先启用再发送测试消息");
		return;
	}
	char tok[TOKEN_SIZE], key[TOKEN_SIZE + 40];
	token_random(tok);
	snprintf(key, sizeof key, "test/%lld/%s", (long long)id, tok);
	/* Plain text (the platforms' Markdown), not HTML: %s, not %h. */
	char when[ISOTIME_SIZE];
	isotime_format(rq->now, when);
	when[10] = ' ';
	when[16] = '\0';
	buf body = BUF_INIT;
	buf_printf(&body, "这是一条来自“%s”的测试消息。\n渠道：%s（%s）\n发送人：%s\n时间：%s",
		   web_office_name(rq), c.name, channel_kind_label(c.kind), rq->who.name, when);
	bool created = false;
	int rc = outbox_enqueue(rq->db, id, "test", key, "测试消息", buf_str(&body), rq->now,
				&created);
	buf_free(&body);
	channel_clear(&c);
	if (rc == LEDGER_OK)
		resp_redirect(rs, URL "?done=test#outbox");
	else
		resp_error(rq, rs, 500, "测试消息没有加入发送队列，请稍后再试");
}

/* op=retry: send a failed message again (id: the message). */
static void retry_message(request *rq, response *rs, int64_t id)
{
	int rc = outbox_retry(rq->db, id, rq->now);
	if (rc == LEDGER_OK)
		resp_redirect(rs, URL "?done=retried#outbox");
	else if (rc == LEDGER_NOT_FOUND)
		render_error(rq, rs, "没有找到这条消息");
	else if (rc == LEDGER_BAD_STATE)
		render_error(rq, rs, "这条消息已经发送，无需重试");
	else
		resp_error(rq, rs, 500, "操作没有成功，请稍后再试");
}

/* POST /staff/admin/channels: op=save, active, test or retry. */
void page_admin_channels_post(request *rq, response *rs)
{
	const char *op = rq_param(rq, "op");
	int64_t id = 0;
	if (str_cmp0(op, "save") == 0) {
		save_channel(rq, rs);
		return;
	}
	if (!web_param_id(rq, "id", &id) || id == 0) {
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
		return;
	}
	if (str_cmp0(op, "active") == 0)
		set_active(rq, rs, id);
	else if (str_cmp0(op, "test") == 0)
		send_test(rq, rs, id);
	else if (str_cmp0(op, "retry") == 0)
		retry_message(rq, rs, id);
	else
		resp_error(rq, rs, 400, "请求有误，请刷新后重试");
}
