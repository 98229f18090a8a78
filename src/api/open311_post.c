/*
 * open311_post.c — POST requests.{xml,json}: a resident's request handed
 * in by an app (or by the office's own tools) through Open311.
 *
 * In order: jurisdiction_id (404 when it is not ours), api_key (403 when
 * missing, unknown, or of a role that may not submit), service_code (400
 * when missing, 404 when it names no active service), then every other
 * problem at once (400 with one error each): location (lat and long, or
 * address_string, or address_id naming an active area), description of at
 * most 4000 characters, contact fields, media_url, the answers to the
 * service's attributes (attribute[code]=v, attribute[code][]=v for a
 * multivaluelist) checked by attribute_check(). Nothing is stored unless
 * all of it passes; then matter_submit() checks again and stores the
 * matter (kind request, channel app, public) in the intake inbox.
 *
 * The answer names the new service_request_id, or for a batch service a
 * token (tokens/{token} gives the id), and a service_notice with the
 * number and the resident's 查询码 for the office's tracking page. Only
 * the submitting app ever sees that notice. The fields are read from the
 * form body only: a resident's name and phone do not belong in a URL.
 */
#include "api/open311.h"
#include "api/open311_int.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"
#include "ledger/attribute.h"
#include "ledger/ratelimit.h"
#include "ledger/ledger.h"
#include "ledger/user.h"
#include "web/app.h"

#define DESCRIPTION_MAX 4000 /* characters, the spec's limit */
#define FIELD_MAX 100        /* email, device_id, account_id: characters */
#define URL_MAX 1000

/* What the request will become, and what it owns. */
typedef struct post_ctx {
	actor who;
	category cat;
	submission s;
	char *title, *name, *contact, *answers;
	char token[SUBMIT_TOKEN_SIZE];
} post_ctx;

/* A field of the form body, NULL when absent or empty. */
static const char *field(const request *rq, const char *name)
{
	const char *v = kv_get(&rq->form, name);
	return str_empty(v) ? NULL : v;
}

/* Check api_key: true with *who filled; false after answering. */
static bool authenticate(request *rq, response *rs, actor *who)
{
	const char *key = field(rq, "api_key");
	const char *desc = "缺少 api_key：提交诉求需要办公室发放的 api_key。";
	int rc = LEDGER_NOT_FOUND;
	if (key) {
		rc = apikey_authenticate(rq->db, key, who);
		desc = "api_key 无效。";
	}
	/* Why these roles: an app key exists to submit; intake staff's keys
	 * may do what they do at the counter. Handlers and observers may not
	 * hand in matters. */
	unsigned may = ROLE_APP | ROLE_CLERK | ROLE_LEADER | ROLE_ADMIN;
	if (rc == LEDGER_OK && !(who->role & may)) {
		rc = LEDGER_FORBIDDEN;
		desc = "此 api_key 无权提交诉求。";
	}
	if (rc == LEDGER_ERROR)
		resp_error(rq, rs, 500, NULL);
	else if (rc != LEDGER_OK)
		o311_errors(rq, rs, 403, &desc, 1);
	return rc == LEDGER_OK;
}

/* The service named by service_code: true with *c filled (caller clears);
 * false after answering 400, 404 or 500. */
static bool find_service(request *rq, response *rs, category *c)
{
	const char *code = field(rq, "service_code");
	const char *desc = "缺少 service_code：请从 services 列表中选择。";
	memset(c, 0, sizeof *c);
	if (!code) {
		o311_errors(rq, rs, 400, &desc, 1);
		return false;
	}
	int rc = category_get(rq->db, 0, code, c);
	if (rc == LEDGER_OK && c->active)
		return true;
	desc = "service_code 不存在：请从 services 列表中选择。";
	if (rc == LEDGER_ERROR)
		resp_error(rq, rs, 500, NULL);
	else
		o311_errors(rq, rs, 404, &desc, 1);
	category_clear(c);
	return false;
}

/* A coordinate: a plain decimal number within [-limit, limit]. */
static bool coordinate(const char *s, double limit, double *out)
{
	char *end;
	if (strspn(s, "0123456789+-.") != strlen(s))
		return false;
	double v = strtod(s, &end);
	if (*end || end == s || !isfinite(v) || v < -limit || v > limit)
		return false;
	*out = v;
	return true;
}

/* lat and long, address_string, address_id: at least one of them. */
static void read_location(request *rq, post_ctx *x, o311_problems *p)
{
	const char *lat = field(rq, "lat"), *lon = field(rq, "long");
	const char *addr = field(rq, "address_string"), *area_code = field(rq, "address_id");
	if (lat || lon) {
		if (!lat || !lon)
			o311_problem(p, "lat 和 long 须同时提供");
		else if (!coordinate(lat, 90, &x->s.lat) || !coordinate(lon, 180, &x->s.lon))
			o311_problem(p, "lat 须为 -90 到 90、long 须为 -180 到 180 之间的数（WGS84）");
		else
			x->s.has_point = true;
	}
	x->s.address = addr;
	if (area_code) {
		area a;
		int rc = area_get(rq->db, 0, area_code, &a);
		if (rc == LEDGER_OK && a.active)
			x->s.area_id = a.id;
		else
			o311_problem(p, "address_id 须为本辖区在用的片区代码");
		area_clear(&a);
	}
	if (!lat && !lon && !addr && !area_code)
		o311_problem(p, "缺少位置：请提供 lat 和 long，或 address_string，或 address_id");
}

/* Is s an e-mail address in the loosest useful sense: text@text, no
 * blanks? */
static bool email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	return at && at != s && at[1] && !strchr(at + 1, '@') && !strpbrk(s, " \t\r\n") &&
	       strlen(s) <= FIELD_MAX;
}

/* One line of at most FIELD_MAX characters. */
static bool line_ok(const char *s)
{
	return !s || (utf8_count(s, strlen(s)) <= FIELD_MAX && !strpbrk(s, "\r\n\t"));
}

/* Description, submitter and media_url. */
static void read_text(request *rq, post_ctx *x, o311_problems *p)
{
	const char *desc = field(rq, "description"), *email = field(rq, "email");
	const char *device = field(rq, "device_id"), *account = field(rq, "account_id");
	const char *media = field(rq, "media_url");
	if (desc && utf8_count(desc, strlen(desc)) > DESCRIPTION_MAX)
		o311_problem(p, "description 不能超过4000字");
	if (email && !email_ok(email))
		o311_problem(p, "email 格式不正确");
	if (!line_ok(device) || !line_ok(account))
		o311_problem(p, "device_id、account_id 须为一行，不超过100字");
	if (media && (strlen(media) > URL_MAX ||
		      (strncmp(media, "http://", 7) != 0 && strncmp(media, "https://", 8) != 0)))
		o311_problem(p, "media_url 须为 http 或 https 网址，不超过1000字");
	x->title = o311_title(desc, x->cat.name);
	x->s.description = desc ? desc : x->cat.name;
	x->name = o311_person_name(field(rq, "last_name"), field(rq, "first_name"));
	x->contact = o311_contact(email, device, account);
	x->s.submitter_phone = field(rq, "phone");
	x->s.media_url = media;
}

/* Split "attribute[code]" / "attribute[code][]": the code (caller frees)
 * and whether it is a list; NULL when name is not an attribute; *bad when
 * it looks like one but is malformed. */
static char *attribute_code(const char *name, bool *multi, bool *bad)
{
	*multi = *bad = false;
	if (strncmp(name, "attribute[", 10) != 0)
		return NULL;
	const char *code = name + 10, *close = strchr(code, ']');
	if (!close || close == code || strcspn(code, "[") < (size_t)(close - code) ||
	    (strcmp(close, "]") != 0 && strcmp(close, "][]") != 0)) {
		*bad = true;
		return NULL;
	}
	*multi = strcmp(close, "][]") == 0;
	return xstrndup(code, (size_t)(close - code));
}

/* Add one answer to obj: a string, or an array once a code has several
 * values or is sent as code[]. */
static void answer_add(json_t *obj, const char *code, const char *value, bool multi)
{
	json_t *old = json_object_get(obj, code), *v = json_string(value);
	if (!old && !multi) {
		json_object_set_new(obj, code, v);
	} else if (!old) {
		json_object_set_new(obj, code, json_pack("[o]", v));
	} else if (json_is_array(old)) {
		json_array_append_new(old, v);
	} else {
		json_object_set_new(obj, code, json_pack("[O,o]", old, v));
	}
}

/* The answers to the service's attributes, checked. Returns false only
 * on a server fault (answered 500 by the caller). */
static bool read_attributes(request *rq, post_ctx *x, o311_problems *p)
{
	json_t *obj = json_object();
	bool bad = false, multi, malformed;
	for (size_t i = 0; i < rq->form.n; i++) {
		char *code = attribute_code(rq->form.items[i].name, &multi, &malformed);
		bad = bad || malformed;
		if (code)
			answer_add(obj, code, rq->form.items[i].value, multi);
		free(code);
	}
	char *text = json_dumps(obj, JSON_COMPACT), *msg = NULL;
	json_decref(obj);
	int rc = LEDGER_OK;
	if (bad)
		o311_problem(p, "附加信息参数须写作 attribute[代码]=值 或 attribute[代码][]=值");
	else if ((rc = attribute_check(x->cat.attributes, text, &x->answers, &msg)) ==
		 LEDGER_INVALID)
		o311_problem(p, "%s", msg ? msg : "附加信息不正确");
	free(text);
	free(msg);
	return rc != LEDGER_ERROR;
}

/* The notice for the resident: number (realtime only), 查询码 and where
 * to track it. */
static char *notice(request *rq, const post_ctx *x, const char *number, const char *secret)
{
	const app *a = rq->app;
	const char *base = a && a->base_url ? a->base_url : "";
	/* Why no number for batch services: the app learns it through
	 * tokens/{token}, as the spec has it; the 查询码 is shown only now. */
	if (x->s.token_out)
		return str_printf("已收到您的诉求，经核实后立案。查询码 %s，请妥善保存；"
				  "事项编号稍后可凭 token 查询，凭编号和查询码在 %s/t 查询办理进度。",
				  secret, base);
	return str_printf("已登记您的诉求。事项编号 %s，查询码 %s，请妥善保存；"
			  "可凭编号和查询码在 %s/t 查询办理进度。",
			  number, secret, base);
}

/* Answer the new request: its id (realtime) or token (batch). */
static void answer(request *rq, response *rs, const post_ctx *x, const char *number,
		   const char *secret)
{
	char *text = notice(rq, x, number, secret);
	o311_node *root = o311_root_list("service_requests");
	o311_node *r = o311_add_obj(root, "request");
	if (x->s.token_out)
		o311_add_str(r, "token", x->token);
	else
		o311_add_str(r, "service_request_id", number);
	o311_add_str(r, "service_notice", text);
	o311_add_str(r, "account_id", field(rq, "account_id"));
	o311_send(rs, root, o311_path_format(rq->path));
	o311_free(root);
	free(text);
}

/* Fill the rest of the submission and hand it in. */
static void submit(request *rq, response *rs, post_ctx *x)
{
	submission *s = &x->s;
	s->kind = "request";
	s->channel = "app";
	s->category_id = x->cat.id;
	s->title = x->title;
	s->submitter_name = x->name;
	s->submitter_contact = x->contact;
	s->attributes = x->answers;
	/* Why public: GeoReport requests are public records, and the app can
	 * follow its request only through the public endpoints. Personal
	 * fields never are (the ledger blanks them for every public reader). */
	s->is_public = true;
	if (str_cmp0(x->cat.type, "batch") == 0)
		s->token_out = x->token;
	/* Why: a leaked or buggy app key may not flood the ledger; the
	 * limit is per key, as one app speaks for many residents. */
	const app *a = rq->app;
	char *key = str_printf("app:%lld", (long long)x->who.apikey_id);
	rate_limit lim = {key, a ? a->app_submit_limit : 0, 3600};
	s->limit = &lim;
	char number[32] = "", secret[16] = "", *msg = NULL;
	int rc = matter_submit(rq->db, &x->who, s, rq->now, number, secret, &msg);
	if (rc == LEDGER_OK) {
		answer(rq, rs, x, number, secret);
	} else if (rc == LEDGER_INVALID) {
		o311_errors(rq, rs, 400, (const char *const *)&msg, 1);
	} else if (rc == LEDGER_THROTTLED) {
		o311_errors(rq, rs, 429, (const char *const *)&msg, 1);
		resp_retry_after(rs, ratelimit_retry_after(&lim, rq->now));
	} else {
		resp_error(rq, rs, 500, NULL);
	}
	free(key);
	free(msg);
}

void open311_post_request(request *rq, response *rs)
{
	post_ctx x;
	memset(&x, 0, sizeof x);
	if (!o311_jurisdiction_ok(rq, rs) || !authenticate(rq, rs, &x.who) ||
	    !find_service(rq, rs, &x.cat))
		return;
	o311_problems p = {{0}, 0};
	read_location(rq, &x, &p);
	read_text(rq, &x, &p);
	if (!read_attributes(rq, &x, &p))
		resp_error(rq, rs, 500, NULL);
	else if (!o311_problems_answer(rq, rs, &p))
		submit(rq, rs, &x);
	o311_problems_free(&p);
	category_clear(&x.cat);
	free(x.title);
	free(x.name);
	free(x.contact);
	free(x.answers);
}
