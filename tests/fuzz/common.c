/*
 * common.c — helpers shared by the fuzz targets (see fuzz.h): input
 * splitting, the in-memory ledger, and fuzz_http(), which runs a request
 * written as text through the real route table the way the server would.
 *
 * fuzz_http() builds the request as server.c's build_request() does (the
 * target split into a decoded path and a query, headers with lower-cased
 * names, cookies, the body parsed by its Content-Type, session_load() for
 * who is asking), dispatches it with http_dispatch() over web_routes, and
 * then checks the answer:
 *
 *   - the status is a real one and never 500: on a healthy in-memory
 *     ledger a 500 can only be a bug;
 *   - a JSON answer parses as JSON; an XML answer starts with its
 *     declaration;
 *   - a reader who may not see residents' personal data (the public, apps,
 *     observers) never gets the fixture residents' names or phones back,
 *     unless the request itself carried them (an echo, not a leak).
 *
 * With FUZZ_SHOW set in the environment, each answer is printed to
 * standard error, to see what an input does.
 *
 * Each request runs inside one transaction that is rolled back, so every
 * input starts from the same ledger and a crash reproduces from its one
 * input file.
 */
#include "fuzz.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/util.h"
#include "http/form.h"
#include "http/http.h"
#include "http/session.h"
#include "ledger/actor.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/matter.h"
#include "ledger/user.h"
#include "web/app.h"
#include "web/pages.h"

void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
	abort();
}

char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

void fuzz_split(const uint8_t *data, size_t size, char sep, const char **a, size_t *an,
		const char **b, size_t *bn)
{
	const uint8_t *p = size ? memchr(data, (unsigned char)sep, size) : NULL;
	*a = (const char *)data;
	*an = p ? (size_t)(p - data) : size;
	*b = p ? (const char *)p + 1 : "";
	*bn = p ? size - *an - 1 : 0;
}

/* ---- the ledger ---- */

/* Residents of the fixture: a reader who may not see personal data must
 * never get these back. */
static const char *const personal[] = {"赵秀兰", "13507310042", "130902195803150021",
				       "钱国强", "15831700516"};

static const char *const key_roles[] = {"admin", "leader", "clerk", "handler", "observer",
					"app"};

static struct fixture {
	db *d;
	char *keys[6]; /* one API key per role of key_roles */
	actor admin;
} fx;

static const app fuzz_app = {
	.office_name = "沧州经济开发区",
	.base_url = "http://127.0.0.1:8080",
	.jurisdiction_id = "czkfq",
	.max_photo = 1u << 20,
	.session_ttl = 8 * 3600,
};

static void fixture_free(void)
{
	for (size_t i = 0; i < ARRAY_LEN(fx.keys); i++)
		free(fx.keys[i]);
	db_close(fx.d);
	memset(&fx, 0, sizeof fx);
}

/* Departments, areas, users and keys. */
static void fixture_people(void)
{
	char *msg = NULL;
	department deps[] = {{0, "cgj", "城市管理局", "0317-2051234", true},
			     {0, "zjj", "住房和城乡建设局", "", true}};
	for (size_t i = 0; i < ARRAY_LEN(deps); i++)
		FUZZ_CHECK(department_save(fx.d, &deps[i], &msg) == LEDGER_OK);
	area areas[] = {{0, "xinhua", "新华街道", "street", 0, true},
			{0, "dongguan", "东关社区", "community", 0, true}};
	for (size_t i = 0; i < ARRAY_LEN(areas); i++)
		FUZZ_CHECK(area_save(fx.d, &areas[i], &msg) == LEDGER_OK);
	int64_t id;
	FUZZ_CHECK(user_add(fx.d, "wang", "王建军", "handler", "cgj", "fuzz-password", FUZZ_NOW, &id,
			    &msg) == LEDGER_OK);
	FUZZ_CHECK(user_add(fx.d, "li", "李明", "leader", NULL, "fuzz-password", FUZZ_NOW, &id,
			    &msg) == LEDGER_OK);
	for (size_t i = 0; i < ARRAY_LEN(key_roles); i++) {
		const char *dept = strcmp(key_roles[i], "handler") == 0 ? "cgj" : NULL;
		FUZZ_CHECK(apikey_add(fx.d, key_roles[i], key_roles[i], dept, FUZZ_NOW, &fx.keys[i],
				      &msg) == LEDGER_OK);
	}
	FUZZ_CHECK(apikey_authenticate(fx.d, fx.keys[0], &fx.admin) == LEDGER_OK);
}

/* Hand in one matter (as the admin key, a day before FUZZ_NOW) and take it
 * through the nacts actions acts. */
static void fixture_matter(const char *cat_code, const char *title, const char *answers,
			   bool is_public, int who_idx, const int *acts, size_t nacts)
{
	category cat;
	char number[32], secret[16], *msg = NULL;
	char token[SUBMIT_TOKEN_SIZE];
	FUZZ_CHECK(category_get(fx.d, 0, cat_code, &cat) == LEDGER_OK);
	submission s = {
		.kind = "request",
		.category_id = cat.id,
		.title = title,
		.description = "小区北门东侧，已经三天了，老人孩子出行不便，希望尽快处理。",
		.address = "新华街道光荣路12号",
		.has_point = true,
		.lat = 38.30412,
		.lon = 116.83822,
		.channel = "hotline",
		.submitter_name = personal[3 * (size_t)who_idx],
		.submitter_phone = personal[3 * (size_t)who_idx + 1],
		.submitter_kind = "resident",
		.submitter_id_number = who_idx == 0 ? personal[2] : NULL,
		.attributes = answers,
		.is_public = is_public,
		.token_out = str_cmp0(cat.type, "batch") == 0 ? token : NULL,
	};
	FUZZ_CHECK(matter_submit(fx.d, &fx.admin, &s, FUZZ_NOW - 86400, number, secret, &msg) ==
		   LEDGER_OK);
	int64_t cgj = 0, version = 1;
	department dep;
	FUZZ_CHECK(department_get(fx.d, 0, "cgj", &dep) == LEDGER_OK);
	cgj = dep.id;
	department_clear(&dep);
	for (size_t i = 0; i < nacts; i++) {
		action_input in = {.act = acts[i], .version = version, .note_public = true,
				   .department_id = cgj, .note = "已联系群众，现场核实。",
				   .rating = "satisfied"};
		FUZZ_CHECK(matter_act(fx.d, &fx.admin, number, &in, FUZZ_NOW - 3600, &version,
				      &msg) == LEDGER_OK);
	}
	category_clear(&cat);
}

/* Matters TZ-2026-000001..6: submitted (with answers), accepted,
 * in progress, resolved, closed, and a private batch one. */
static void fixture_matters(void)
{
	static const int accepted[] = {ACT_ACCEPT};
	static const int working[] = {ACT_ACCEPT, ACT_ASSIGN, ACT_PROGRESS};
	static const int resolved[] = {ACT_ACCEPT, ACT_ASSIGN, ACT_RESOLVE};
	static const int closed[] = {ACT_ACCEPT, ACT_ASSIGN, ACT_RESOLVE, ACT_RATE, ACT_CLOSE};
	fixture_matter("heat-gas", "暖气不热",
		       "{\"heating\":\"cold\",\"building\":\"3号楼2单元\",\"temperature\":\"14.5\"}",
		       true, 0, NULL, 0);
	fixture_matter("city", "路边垃圾堆放", NULL, true, 1, accepted, ARRAY_LEN(accepted));
	fixture_matter("traffic", "路灯不亮", NULL, true, 0, working, ARRAY_LEN(working));
	fixture_matter("property", "电梯停运", "{\"issues\":[\"lift\",\"repair\"]}", true, 1,
		       resolved, ARRAY_LEN(resolved));
	fixture_matter("water", "下水道堵塞", NULL, true, 0, closed, ARRAY_LEN(closed));
	fixture_matter("illegal-building", "楼顶私搭乱建", NULL, false, 1, NULL, 0);
}

db *fuzz_ledger(void)
{
	if (fx.d)
		return fx.d;
	char *err = NULL;
	log_set_quiet(true);
	FUZZ_CHECK(sodium_init() >= 0);
	/* Why the minimum: hashing a fixture password must not cost seconds
	 * under valgrind; no password is guessed here. */
	user_set_hash_cost(crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN);
	fx.d = db_open(":memory:", &err);
	FUZZ_CHECK(fx.d != NULL);
	FUZZ_CHECK(db_migrate(fx.d) == 0);
	FUZZ_CHECK(catalog_install_defaults(fx.d) == LEDGER_OK);
	fixture_people();
	fixture_matters();
	atexit(fixture_free);
	return fx.d;
}

/* ---- requests ---- */

/* The method named m, HTTP_OTHER for any other. */
static enum http_method method_of(const char *m)
{
	for (int i = HTTP_GET; i < HTTP_OTHER; i++)
		if (strcmp(http_method_name((enum http_method)i), m) == 0)
			return (enum http_method)i;
	return HTTP_OTHER;
}

/* The path and query of target into rq, as server.c's parse_target():
 * false for a target the server answers 400 without dispatching. */
static bool parse_target(const char *target, request *rq)
{
	if (target[0] != '/')
		return false;
	size_t n = strcspn(target, "?");
	for (size_t i = 0; i + 2 < n; i++)
		if (target[i] == '%' && target[i + 1] == '2' && (target[i + 2] | 0x20) == 'f')
			return false;
	buf path = BUF_INIT;
	bool ok = form_url_decode(target, n, false, &path) == FORM_OK;
	rq->path = buf_steal(&path);
	for (const char *p = rq->path; ok && (p = strchr(p, '/')); p++) {
		size_t k = strcspn(p + 1, "/");
		if ((k == 1 && p[1] == '.') || (k == 2 && p[1] == '.' && p[2] == '.'))
			ok = false;
	}
	if (ok && target[n] == '?')
		ok = form_parse_query(target + n + 1, &rq->query) == FORM_OK;
	return ok;
}

/* The key of the fixture role named s, or NULL. */
static const char *key_for(const char *s)
{
	for (size_t i = 0; i < ARRAY_LEN(key_roles); i++)
		if (strcmp(s, key_roles[i]) == 0)
			return fx.keys[i];
	return NULL;
}

/* Put the real key where the input named a role (see fuzz.h). */
static void substitute_keys(kvlist *l, const char *name, const char *prefix)
{
	size_t np = strlen(prefix);
	for (size_t i = 0; i < l->n; i++) {
		kv *it = &l->items[i];
		const char *key;
		if (strcmp(it->name, name) != 0 || strncmp(it->value, prefix, np) != 0 ||
		    !(key = key_for(it->value + np)))
			continue;
		char *v = str_printf("%s%s", prefix, key);
		free(it->value);
		it->value = v;
	}
}

/* Request line and headers (the NUL-terminated head) into rq. */
static bool parse_head(char *head, request *rq)
{
	char *line = strsep(&head, "\n");
	line[strcspn(line, "\r")] = '\0';
	char *method = strsep(&line, " ");
	char *target = line ? strsep(&line, " ") : NULL;
	rq->method = method_of(method);
	if (!target || !parse_target(target, rq))
		return false;
	while (head) {
		line = strsep(&head, "\n");
		line[strcspn(line, "\r")] = '\0';
		char *colon = strchr(line, ':');
		if (!colon || colon == line)
			continue;
		*colon = '\0';
		for (char *p = line; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		const char *value = colon + 1 + strspn(colon + 1, " \t");
		kv_add(&rq->headers, line, value);
		if (strcmp(line, "cookie") == 0)
			form_parse_cookies(value, &rq->cookies);
	}
	substitute_keys(&rq->headers, "authorization", "Bearer ");
	return true;
}

/* The body by its Content-Type, as server.c's parse_body(). */
static bool parse_body(const char *body, size_t n, request *rq)
{
	const char *ct = rq_header(rq, "content-type");
	int rc = FORM_OK;
	if (form_is_type(ct, "application/x-www-form-urlencoded"))
		rc = form_parse_urlencoded(body, n, &rq->form);
	else if (form_is_type(ct, "multipart/form-data"))
		rc = form_parse_multipart(ct, body, n, &rq->form, &rq->uploads, &rq->nuploads);
	else
		buf_append(&rq->body, body, n);
	substitute_keys(&rq->form, "api_key", "");
	return rc == FORM_OK;
}

struct run {
	request *rq;
	response *rs;
};

/* Identify the visitor and dispatch, then undo whatever the request
 * wrote: returns -1 so db_transact() rolls back. */
static int run_request(db *d, void *ctx)
{
	struct run *r = ctx;
	FUZZ_CHECK(session_load(r->rq) == 0);
	http_dispatch(web_routes, web_nroutes, r->rq, r->rs);
	return -1;
}

/* Does the n bytes at s contain the NUL-terminated needle? */
static bool contains(const char *s, size_t n, const char *needle)
{
	return s && memmem(s, n, needle, strlen(needle)) != NULL;
}

/* Append the n bytes at s to said without control characters: answers
 * drop them (XML cannot carry them), so an echo of "1350\a7..." reads
 * "13507...". */
static void said_add(buf *said, const char *s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		if ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f)
			buf_putc(said, s[i]);
	buf_putc(said, '\n');
}

/* Everything the request carried, decoded, for telling an echo of the
 * client's own words from a leak. */
static void request_said(const request *rq, buf *said)
{
	const kvlist *lists[] = {&rq->query, &rq->form, &rq->headers, &rq->cookies};
	said_add(said, rq->path, rq->path ? strlen(rq->path) : 0);
	for (size_t k = 0; k < ARRAY_LEN(lists); k++)
		for (size_t i = 0; i < lists[k]->n; i++) {
			said_add(said, lists[k]->items[i].name, strlen(lists[k]->items[i].name));
			said_add(said, lists[k]->items[i].value, strlen(lists[k]->items[i].value));
		}
	said_add(said, rq->body.data, rq->body.len);
	for (size_t i = 0; i < rq->nuploads; i++)
		said_add(said, rq->uploads[i].data.data, rq->uploads[i].data.len);
}

/* The checks named at the top of this file; said is request_said(). */
static void check_answer(const request *rq, const response *rs, const buf *said)
{
	const char *body = rs->body.data;
	size_t n = rs->body.len;
	FUZZ_CHECK(rs->status >= 200 && rs->status <= 599);
	FUZZ_CHECK(rs->status != 500);
	const char *ct = rs->content_type ? rs->content_type : "text/html";
	if (strstr(ct, "json")) {
		json_t *j = json_loadb(body ? body : "", n, 0, NULL);
		FUZZ_CHECK(j != NULL);
		json_decref(j);
	} else if (strstr(ct, "xml")) {
		FUZZ_CHECK(n >= 5 && memcmp(body, "<?xml", 5) == 0);
	}
	if (actor_sees_personal(&rq->who))
		return;
	for (size_t i = 0; i < ARRAY_LEN(personal); i++)
		FUZZ_CHECK(!contains(body, n, personal[i]) ||
			   contains(said->data, said->len, personal[i]));
}

void fuzz_http(const uint8_t *data, size_t size, const char *prefix)
{
	request rq = {0};
	response rs = {0};
	buf said = BUF_INIT;
	size_t head_end = size, body_at = size;
	for (size_t i = 0; i < size; i++) {
		if (data[i] != '\n')
			continue;
		if (i + 1 < size && data[i + 1] == '\n') {
			head_end = i, body_at = i + 2;
			break;
		}
		if (i + 2 < size && data[i + 1] == '\r' && data[i + 2] == '\n') {
			head_end = i, body_at = i + 3;
			break;
		}
	}
	char *head = fuzz_cstr(data, head_end);
	db *d = fuzz_ledger();
	rs.status = 200;
	if (!parse_head(head, &rq) || strncmp(rq.path, prefix, strlen(prefix)) != 0 ||
	    !parse_body((const char *)data + body_at, size - body_at, &rq))
		goto done;
	rq.app = (void *)&fuzz_app;
	rq.now = FUZZ_NOW;
	rq.db = d;
	snprintf(rq.remote_addr, sizeof rq.remote_addr, "192.0.2.7");
	request_said(&rq, &said);
	struct run r = {&rq, &rs};
	FUZZ_CHECK(db_transact(d, run_request, &r) == -1);
	FUZZ_CHECK(!db_in_transaction(d));
	if (getenv("FUZZ_SHOW"))
		fprintf(stderr, "%s %s as %s: %d\n%.*s\n", http_method_name(rq.method), rq.path,
			role_name(rq.who.role), rs.status, (int)rs.body.len,
			rs.body.data ? rs.body.data : "");
	check_answer(&rq, &rs, &said);
done:
	free(head);
	buf_free(&said);
	rq_free(&rq);
	resp_free(&rs);
}
