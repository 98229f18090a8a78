/*
 * test_routing.c — routing suggestions: the text model (training,
 * prediction, determinism, its serialised form and refusing corrupt
 * ones), keyword scores, and the ledger's routing on a real in-memory
 * SQLite database (keywords without a model, the model once trained,
 * retraining as the ledger grows, a corrupt stored model).
 */
#include "unit.h"

#include <sodium.h>
#include <stdlib.h>

#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/routing.h"
#include "text/keywords.h"
#include "text/route_model.h"

#define NOW 1795400000 /* 2026-11-23 (a Monday) around 09:33 Beijing */

/* Three departments' kinds of text, with places and numbers varying. */
static const char *const places[] = {"幸福小区", "金岛小区", "高庄子村", "黄河路", "憩园社区",
				     "恒泰花园", "李庄村", "明珠花园"};
static const struct {
	int64_t label;
	const char *fmt;
} kinds[] = {
	{11, "%s%d号楼下水道堵塞，污水外溢，味道很大"},
	{11, "%s从早上开始停水，没有通知，水压也低"},
	{22, "%s路灯不亮，晚上出行不便，有%d盏坏了"},
	{22, "%s人行道井盖松动，道路坑洼，担心有人摔倒"},
	{33, "%s%d号楼暖气不热，室温只有十四度"},
	{33, "%s燃气表附近有异味，担心漏气，供暖也不好"},
};
#define NKINDS (sizeof kinds / sizeof kinds[0])
#define NPLACES (sizeof places / sizeof places[0])

typedef struct corpus {
	char *text[NKINDS * NPLACES];
	int64_t label[NKINDS * NPLACES];
	size_t n;
} corpus;

static void make_corpus(corpus *c)
{
	c->n = 0;
	for (size_t p = 0; p < NPLACES; p++)
		for (size_t k = 0; k < NKINDS; k++) {
			c->text[c->n] = str_printf(kinds[k].fmt, places[p], (int)(p + k + 2));
			c->label[c->n++] = kinds[k].label;
		}
}

static void free_corpus(corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->text[i]);
}

static route_model *train(const corpus *c, uint64_t seed)
{
	route_train_opts o = {.seed = seed};
	return route_model_train((const char *const *)c->text, c->label, c->n, &o);
}

static void test_model_learns(void **state)
{
	corpus c;
	make_corpus(&c);
	route_model *m = train(&c, 7);
	assert_non_null(m);
	assert_int_equal(route_model_nlabels(m), 3);
	assert_true(route_model_nfeatures(m) > 50);
	/* Unseen places and numbers, traditional characters, other wording. */
	static const struct {
		const char *text;
		int64_t want;
	} cases[] = {
		{"凤河湾小区7号楼下水道又堵了，污水流到路上", 11},
		{"姚庄子村的路燈不亮好幾天了", 22},
		{"家里暖气不热，孩子冻感冒了", 33},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int64_t label = 0;
		double conf = 0;
		route_model_predict(m, cases[i].text, &label, &conf);
		assert_int_equal(label, cases[i].want);
		assert_true(conf > 0.5 && conf <= 1.0);
	}
	/* Nothing known: still a label, but not a confident one. */
	int64_t label = 0;
	double conf = 0;
	route_model_predict(m, "ＸＹＺ", &label, &conf);
	assert_true(label == 11 || label == 22 || label == 33);
	assert_true(conf < 0.6);
	route_model_free(m);
	assert_null(route_model_train(NULL, NULL, 0, NULL));
	free_corpus(&c);
}

static void test_model_deterministic_and_round_trip(void **state)
{
	corpus c;
	make_corpus(&c);
	route_model *a = train(&c, 42), *b = train(&c, 42);
	buf ba = BUF_INIT, bb = BUF_INIT, again = BUF_INIT;
	route_model_save(a, &ba);
	route_model_save(b, &bb);
	assert_int_equal(ba.len, bb.len);
	assert_memory_equal(ba.data, bb.data, ba.len);
	route_model *back = route_model_load(ba.data, ba.len);
	assert_non_null(back);
	route_model_save(back, &again);
	assert_int_equal(again.len, ba.len);
	assert_memory_equal(again.data, ba.data, ba.len);
	for (size_t i = 0; i < c.n; i++) {
		int64_t la, lb;
		double ca, cb;
		route_model_predict(a, c.text[i], &la, &ca);
		route_model_predict(back, c.text[i], &lb, &cb);
		assert_int_equal(la, lb);
		assert_true(ca == cb);
	}
	route_model_free(a);
	route_model_free(b);
	route_model_free(back);
	buf_free(&ba);
	buf_free(&bb);
	buf_free(&again);
	free_corpus(&c);
}

static uint64_t fnv1a(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

/* Rewrite the trailing checksum, so only the other checks can refuse. */
static void reseal(unsigned char *p, size_t len)
{
	uint64_t h = fnv1a(p, len - 8);
	for (int i = 0; i < 8; i++)
		p[len - 8 + i] = (unsigned char)(h >> (8 * i));
}

static void test_model_refuses_corrupt(void **state)
{
	corpus c;
	make_corpus(&c);
	route_model *m = train(&c, 1);
	buf b = BUF_INIT;
	route_model_save(m, &b);
	route_model_free(m);
	unsigned char *copy = xmalloc(b.len);
	assert_null(route_model_load(NULL, 0));
	assert_null(route_model_load("", 0));
	assert_null(route_model_load(b.data, 27));
	for (size_t cut = 1; cut < 64; cut += 7)
		assert_null(route_model_load(b.data, b.len - cut)); /* truncated */
	/* Any one flipped byte (sampled through the whole blob). */
	for (size_t i = 0; i < b.len; i += 1 + b.len / 97) {
		memcpy(copy, b.data, b.len);
		copy[i] ^= 0x5a;
		assert_null(route_model_load(copy, b.len));
	}
	/* A future format version, even correctly sealed. */
	memcpy(copy, b.data, b.len);
	copy[4] = 2;
	reseal(copy, b.len);
	assert_null(route_model_load(copy, b.len));
	/* Huge counts that would overflow a careless size computation. */
	memcpy(copy, b.data, b.len);
	memset(copy + 12, 0xff, 8);
	reseal(copy, b.len);
	assert_null(route_model_load(copy, b.len));
	/* A weight that is not a number (sealed): the last weight's bytes. */
	memcpy(copy, b.data, b.len);
	memset(copy + b.len - 12, 0xff, 4);
	reseal(copy, b.len);
	assert_null(route_model_load(copy, b.len));
	/* Untouched, it still loads. */
	memcpy(copy, b.data, b.len);
	m = route_model_load(copy, b.len);
	assert_non_null(m);
	route_model_free(m);
	free(copy);
	buf_free(&b);
	free_corpus(&c);
}

static void test_keywords(void **state)
{
	assert_int_equal(keywords_score("小区下水道堵塞", "停水 水压，下水道、堵塞"), 5);
	assert_int_equal(keywords_score("村里的廁所坏了", "厕所 改厕"), 2);
	assert_int_equal(keywords_score("ＰＭ２．５超标", "pm2.5"), 5);
	assert_int_equal(keywords_score("下水道下水道", "下水道 下水道"), 3);
	assert_int_equal(keywords_score("路灯不亮", "停水 水压"), 0);
	assert_int_equal(keywords_score("路灯不亮", ""), 0);
	assert_int_equal(keywords_score(NULL, "路灯"), 0);
}

/* ---------- the ledger ---------- */

typedef struct fixture {
	db *d;
	int64_t water_dept, road_dept, heat_dept;
	int64_t water, traffic, heat;
	actor clerk;
} fixture;

static int64_t add_department(db *d, const char *code, const char *name)
{
	char *msg = NULL;
	department x = {0, (char *)code, (char *)name, "", true};
	assert_int_equal(department_save(d, &x, &msg), LEDGER_OK);
	return x.id;
}

static int64_t category_with(db *d, const char *code, int64_t dept)
{
	int64_t id = db_scalar(d, 0, "SELECT id FROM categories WHERE code = ?", "t", code);
	assert_true(id > 0);
	assert_int_equal(db_exec(d, "UPDATE categories SET department_id = ? WHERE id = ?", "ii",
				 dept, id), DB_DONE);
	return id;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char *err = NULL;
	routing_cache_clear();
	f->d = db_open(":memory:", &err);
	assert_non_null(f->d);
	assert_int_equal(db_migrate(f->d), 0);
	assert_int_equal(catalog_install_defaults(f->d), LEDGER_OK);
	f->water_dept = add_department(f->d, "swgs", "水务公司");
	f->road_dept = add_department(f->d, "zjj", "住房和城乡建设局");
	f->heat_dept = add_department(f->d, "rlgs", "热力公司");
	f->water = category_with(f->d, "water", f->water_dept);
	f->traffic = category_with(f->d, "traffic", f->road_dept);
	f->heat = category_with(f->d, "heat-gas", f->heat_dept);
	f->clerk.role = ROLE_CLERK;
	snprintf(f->clerk.name, sizeof f->clerk.name, "王芳");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	db_close(f->d);
	free(f);
	routing_cache_clear();
	return 0;
}

/* Submit a matter through the ledger; returns its id. */
static int64_t submit(fixture *f, const char *title, const char *description)
{
	submission s;
	char number[32], secret[16], *msg = NULL;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.title = title;
	s.description = description;
	s.channel = "hotline";
	assert_int_equal(matter_submit(f->d, &f->clerk, &s, NOW, number, secret, &msg), LEDGER_OK);
	return db_scalar(f->d, 0, "SELECT id FROM matters WHERE number = ?", "t", number);
}

static void load(fixture *f, int64_t id, matter *m)
{
	assert_int_equal(matter_load(f->d, &f->clerk, NULL, id, false, "2026-11-23", m), LEDGER_OK);
}

/* n routed matters of the corpus, as if clerks had routed them (set
 * directly: the lifecycle is test_ledger's subject). */
static void add_routed(fixture *f, size_t n)
{
	corpus c;
	make_corpus(&c);
	for (size_t i = 0; i < n; i++) {
		size_t k = i % c.n;
		int64_t dept = c.label[k] == 11 ? f->water_dept
			     : c.label[k] == 22 ? f->road_dept : f->heat_dept;
		int64_t cat = c.label[k] == 11 ? f->water : c.label[k] == 22 ? f->traffic : f->heat;
		int64_t id = submit(f, "群众来电", c.text[k]);
		assert_int_equal(db_exec(f->d, "UPDATE matters SET department_id = ?, category_id = ?,"
					       " status = 'assigned' WHERE id = ?", "iii", dept, cat, id),
				 DB_DONE);
	}
	free_corpus(&c);
}

static void test_keywords_without_model(void **state)
{
	fixture *f = *state;
	matter m;
	load(f, submit(f, "小区下水道堵塞", "污水外溢两天了"), &m);
	assert_string_equal(m.suggestion_source, "keywords");
	assert_int_equal(m.suggested_category_id, f->water);
	assert_int_equal(m.suggested_department_id, f->water_dept);
	assert_string_equal(m.suggested_department_name, "水务公司");
	assert_true(m.suggestion_confidence > 0 && m.suggestion_confidence < 1);
	matter_clear(&m);
	/* No keyword, no model: no suggestion at all. */
	load(f, submit(f, "咨询一件事", "请问怎么办理"), &m);
	assert_string_equal(m.suggestion_source, "");
	assert_int_equal(m.suggested_department_id, 0);
	assert_null(m.suggested_department_name);
	matter_clear(&m);
}

static void test_model_used_when_trained(void **state)
{
	fixture *f = *state;
	routing_report rep[ROUTING_TARGETS];
	add_routed(f, 10);
	assert_int_equal(routing_train(f->d, NOW, rep), LEDGER_OK);
	assert_false(rep[0].trained); /* fewer than ROUTING_MIN_EXAMPLES */
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM routing_models", ""), 0);
	int64_t waiting = submit(f, "反映问题", "家里暖气不热，室温很低");
	add_routed(f, 110);
	assert_int_equal(routing_train(f->d, NOW, rep), LEDGER_OK);
	assert_true(rep[0].trained && rep[1].trained);
	assert_string_equal(rep[0].target, "department");
	assert_int_equal(rep[0].examples, 120);
	assert_true(rep[0].holdout > 10 && rep[0].holdout < 40);
	assert_true(rep[0].accuracy >= 0.9);
	assert_true(rep[0].model_id > 0);
	/* A matter waiting in the inbox got the model's suggestion too. */
	matter m;
	load(f, waiting, &m);
	assert_string_equal(m.suggestion_source, "model");
	assert_int_equal(m.suggested_department_id, f->heat_dept);
	matter_clear(&m);
	/* A new matter with an unseen place and number. */
	load(f, submit(f, "群众来电", "凤河湾小区7号楼下水道又堵了，污水外溢"), &m);
	assert_string_equal(m.suggestion_source, "model");
	assert_int_equal(m.suggested_department_id, f->water_dept);
	assert_int_equal(m.suggested_category_id, f->water);
	assert_true(m.suggestion_confidence >= ROUTING_MODEL_SURE);
	matter_clear(&m);
}

static void test_retrain_when_grown(void **state)
{
	fixture *f = *state;
	routing_report rep[ROUTING_TARGETS];
	add_routed(f, 20);
	assert_int_equal(routing_retrain_if_due(f->d, NOW, rep), 0); /* too few */
	add_routed(f, 20);
	assert_int_equal(routing_retrain_if_due(f->d, NOW, rep), 1);
	assert_int_equal(rep[0].examples, 40);
	assert_int_equal(routing_retrain_if_due(f->d, NOW, rep), 0);
	add_routed(f, 49);
	assert_int_equal(routing_retrain_if_due(f->d, NOW, rep), 0); /* 49 < max(50, 20 %) */
	add_routed(f, 1);
	assert_int_equal(routing_retrain_if_due(f->d, NOW, rep), 1);
	assert_int_equal(rep[0].examples, 90);
	/* Older models keep their row but give up their weights. */
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM routing_models", ""), 4);
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM routing_models"
					     " WHERE length(weights) > 0", ""), 2);
}

static void test_corrupt_stored_model(void **state)
{
	fixture *f = *state;
	routing_report rep[ROUTING_TARGETS];
	add_routed(f, 60);
	assert_int_equal(routing_train(f->d, NOW, rep), LEDGER_OK);
	assert_int_equal(db_exec(f->d, "UPDATE routing_models SET weights = ?", "b", "TZRM garbage",
				 (size_t)12), DB_DONE);
	routing_cache_clear();
	log_set_quiet(true);
	matter m;
	load(f, submit(f, "小区下水道堵塞", "污水外溢两天了"), &m);
	log_set_quiet(false);
	assert_string_equal(m.suggestion_source, "keywords");
	assert_int_equal(m.suggested_department_id, f->water_dept);
	matter_clear(&m);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	log_set_quiet(true);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_learns),
		cmocka_unit_test(test_model_deterministic_and_round_trip),
		cmocka_unit_test(test_model_refuses_corrupt),
		cmocka_unit_test(test_keywords),
		cmocka_unit_test_setup_teardown(test_keywords_without_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_used_when_trained, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retrain_when_grown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_stored_model, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
