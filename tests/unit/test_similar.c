/*
 * test_similar.c — duplicate detection: shingles and their exact likeness,
 * MinHash signatures and band keys (text/minhash.c), and the ledger's
 * lookup (ledger/similar.c) on a real in-memory SQLite ledger, measured on
 * labelled pairs for precision and recall.
 *
 * The labelled pairs are residents' reports as the newspaper reports in
 * seeds/ and the demo's templates describe them (the estates 恒泰花园,
 * 金岛小区, 逸城浅水湾, 泰古香槟郡 and the roads 黄河路, 开明街 of 沧州经济开发区),
 * each pair written twice the way two different residents would: other
 * words, traditional script, full-width digits, extra sentences. The
 * non-duplicates are the hard ones: the same category and place with a
 * different problem, and the same words about another place.
 */
#include "unit.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "ledger/lifecycle.h"
#include "ledger/matter.h"
#include "ledger/similar.h"
#include "text/minhash.h"

#define NOW 1795400000 /* 2026-11-23 (a Monday) around 09:33 Beijing */
#define DAY 86400

/* ---------- shingles, Jaccard, signatures, bands ---------- */

static void set_of(const char *text, shingles *s)
{
	*s = (shingles)SHINGLES_INIT;
	shingles_add(s, text, strlen(text));
	shingles_finish(s);
}

static double jaccard_of(const char *a, const char *b)
{
	shingles x, y;
	set_of(a, &x);
	set_of(b, &y);
	double j = shingles_jaccard(&x, &y);
	shingles_free(&x);
	shingles_free(&y);
	return j;
}

static void test_shingles_fold(void **state)
{
	(void)state;
	shingles s;
	set_of("路灯不亮", &s);
	assert_int_equal(s.n, 3); /* 路灯 灯不 不亮 */
	shingles_free(&s);
	/* traditional script, full width, punctuation and spaces fold away */
	assert_true(jaccard_of("路灯不亮", "路燈 不亮！") == 1.0);
	assert_true(jaccard_of("5号楼电梯坏了", "５号楼電梯壞了。") == 1.0);
	assert_true(jaccard_of("PM2.5超标", "ｐｍ２．５超標") == 1.0);
	/* one character alone is still a shingle; nothing is nothing */
	set_of("水", &s);
	assert_int_equal(s.n, 1);
	shingles_free(&s);
	set_of("！？……  ", &s);
	assert_int_equal(s.n, 0);
	shingles_free(&s);
	/* repeated pairs count once */
	set_of("哈哈哈哈", &s);
	assert_int_equal(s.n, 1);
	shingles_free(&s);
}

static void test_jaccard_exact(void **state)
{
	(void)state;
	/* {路灯 灯不 不亮} and {路灯 灯坏 坏了}: 1 shared of 5 */
	assert_true(fabs(jaccard_of("路灯不亮", "路灯坏了") - 0.2) < 1e-12);
	assert_true(jaccard_of("路灯不亮", "路灯不亮") == 1.0);
	assert_true(jaccard_of("路灯不亮", "暖气不热") == 0.0);
	assert_true(jaccard_of("", "") == 0.0);
	shingles a, b;
	set_of("下水道堵塞", &a);           /* 4 pairs */
	set_of("3号楼下水道堵塞了三天", &b); /* contains all 4 */
	assert_true(shingles_containment(&a, &b) == 1.0);
	assert_int_equal(shingles_common(&a, &b), 4);
	assert_true(shingles_jaccard(&a, &b) < 0.5);
	shingles_free(&a);
	shingles_free(&b);
	/* no pair across two runs: 路灯 + 不亮 is not 路灯不亮 */
	shingles s = SHINGLES_INIT;
	shingles_add(&s, "路灯", strlen("路灯"));
	shingles_add(&s, "不亮", strlen("不亮"));
	shingles_finish(&s);
	assert_int_equal(s.n, 2);
	shingles_free(&s);
}

static const char LONG_A[] =
	"恒泰花园3号楼2单元门前的下水道堵了三天，污水从井口往外冒，味道很大，老人孩子出门都得绕着走，希望尽快派人疏通。";
static const char LONG_B[] =
	"恒泰花园3号楼二单元门口下水道堵塞好几天了，污水往外冒，臭味很大，老人孩子出门都得绕着走，请尽快疏通。";

static void test_minhash_deterministic(void **state)
{
	(void)state;
	shingles a, b;
	set_of(LONG_A, &a);
	set_of(LONG_B, &b);
	uint32_t s1[MINHASH_K], s2[MINHASH_K], t[MINHASH_K];
	minhash_sign(&a, s1);
	minhash_sign(&a, s2);
	minhash_sign(&b, t);
	assert_memory_equal(s1, s2, sizeof s1);
	/* Pinned: stored signatures must read the same in every later build;
	 * if this changes, every ledger's signatures must be rebuilt. */
	assert_int_equal(s1[0], 0x03b14d9cu);
	int64_t k1[MINHASH_BANDS], k2[MINHASH_BANDS];
	assert_int_equal(minhash_bands(s1, k1), MINHASH_BANDS);
	assert_int_equal(minhash_bands(s2, k2), MINHASH_BANDS);
	assert_memory_equal(k1, k2, sizeof k1);
	for (int i = 1; i < MINHASH_BANDS; i++)
		assert_true(k1[i] != k1[0]);
	/* the estimate follows the exact index */
	double j = shingles_jaccard(&a, &b), e = minhash_estimate(s1, t);
	assert_true(fabs(j - e) < 0.25);
	assert_true(minhash_estimate(s1, s2) == 1.0);
	/* packing round-trips; a wrong size is refused */
	unsigned char packed[MINHASH_K * 4];
	uint32_t back[MINHASH_K];
	minhash_pack(s1, packed);
	assert_int_equal(minhash_unpack(packed, sizeof packed, back), 0);
	assert_memory_equal(s1, back, sizeof back);
	assert_int_equal(minhash_unpack(packed, sizeof packed - 1, back), -1);
	shingles_free(&a);
	shingles_free(&b);
}

static void test_bands_empty_and_alike(void **state)
{
	(void)state;
	shingles e = SHINGLES_INIT, a, b;
	uint32_t sig[MINHASH_K];
	int64_t keys[MINHASH_BANDS], other[MINHASH_BANDS];
	minhash_sign(&e, sig);
	assert_int_equal(minhash_bands(sig, keys), 0); /* empty texts meet nobody */
	set_of("金岛小区路灯不亮已一周", &a);
	set_of("金島小區路燈不亮已一週", &b);
	minhash_sign(&a, sig);
	minhash_bands(sig, keys);
	minhash_sign(&b, sig);
	minhash_bands(sig, other);
	assert_memory_equal(keys, other, sizeof keys);
	shingles_free(&a);
	shingles_free(&b);
}

/* ---------- the ledger ---------- */

typedef struct fixture {
	db *d;
	actor resident, clerk, app;
} fixture;

static const char *const area_rows[][3] = {
	/* code, name, parent code */
	{"kfq", "经济开发区", NULL},         {"hengtai", "恒泰花园社区", "kfq"},
	{"jindao", "金岛小区社区", "kfq"},   {"yicheng", "逸城浅水湾社区", "kfq"},
	{"taigu", "泰古香槟郡社区", "kfq"},  {"xinhua", "新华社区", "kfq"},
	{"wangguan", "王官庄村", "kfq"},     {"hengtai-8", "恒泰花园8号楼网格", "hengtai"},
};

static int64_t area_id(db *d, const char *code)
{
	return code ? db_scalar(d, 0, "SELECT id FROM areas WHERE code = ?", "t", code) : 0;
}

static int64_t category_id(db *d, const char *code)
{
	return code ? db_scalar(d, 0, "SELECT id FROM categories WHERE code = ?", "t", code) : 0;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	char *msg = NULL;
	f->d = unit_ledger_open();
	assert_int_equal(catalog_install_defaults(f->d), LEDGER_OK);
	for (size_t i = 0; i < ARRAY_LEN(area_rows); i++) {
		area a = {0, (char *)area_rows[i][0], (char *)area_rows[i][1],
			  (char *)(i == 0 ? "zone" : "community"), area_id(f->d, area_rows[i][2]), true};
		assert_int_equal(area_save(f->d, &a, &msg), LEDGER_OK);
	}
	f->resident = unit_actor(ROLE_NONE, 0, 0, "");
	f->clerk = unit_actor(ROLE_CLERK, 0, 0, "王芳");
	f->app = unit_actor(ROLE_APP, 0, 0, "");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	db_close(f->d);
	free(f);
	return 0;
}

/* A matter as the resident form submits it; returns its id. */
static int64_t submit(fixture *f, const char *cat, const char *area, const char *title,
		      const char *desc, bool is_public, int64_t at, char number[32])
{
	submission s;
	memset(&s, 0, sizeof s);
	s.kind = "request";
	s.channel = "web";
	s.category_id = category_id(f->d, cat);
	s.area_id = area_id(f->d, area);
	s.title = title;
	s.description = desc;
	s.is_public = is_public;
	char secret[16], *msg = NULL, own[32];
	char *out = number ? number : own;
	int rc = matter_submit(f->d, &f->resident, &s, at, out, secret, &msg);
	if (rc != LEDGER_OK)
		fail_msg("submit %s: %s", title, msg ? msg : "?");
	free(msg);
	return db_scalar(f->d, 0, "SELECT id FROM matters WHERE number = ?", "t", out);
}

static bool found(const similar_list *l, int64_t id, double *score)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->items[i].id == id) {
			if (score)
				*score = l->items[i].score;
			return true;
		}
	return false;
}

static similar_query text_query(fixture *f, const char *cat, const char *area, const char *title,
				const char *desc, int64_t now)
{
	similar_query q;
	memset(&q, 0, sizeof q);
	q.title = title;
	q.description = desc;
	q.category_id = category_id(f->d, cat);
	q.area_id = area_id(f->d, area);
	q.now = now;
	return q;
}

/* ---------- labelled pairs ---------- */

typedef struct labelled {
	const char *cat;
	const char *area_a, *title_a, *desc_a;
	const char *area_b, *title_b, *desc_b;
	bool dup;
} labelled;

static const labelled pairs[] = {
	/* ---- duplicates: the same problem, told again ---- */
	{"water", "hengtai", "恒泰花园3号楼下水道堵塞，污水外溢",
	 "恒泰花园3号楼2单元门前的下水道堵了3天，污水从井口往外冒，味道很大，希望尽快派人疏通。",
	 "hengtai", "恒泰花园3号楼门口下水道堵了",
	 "3号楼二单元门口下水道堵塞好几天了，污水往外冒，臭味很大，老人孩子出门都得绕着走，请尽快疏通。", true},
	{"facilities", "jindao", "金岛小区路灯不亮已一周",
	 "金岛小区主街有5盏路灯晚上不亮，已经一周了，居民晚上出行只能摸黑，希望尽快修好。",
	 "jindao", "金島小區路燈不亮已一週",
	 "金島小區主街有5盞路燈晚上不亮，已經一週了，居民晚上出行只能摸黑，希望儘快修好。", true},
	{"property", "yicheng", "逸城浅水湾5号楼电梯经常故障",
	 "逸城浅水湾5号楼电梯这个月已经坏了3次，上周还困过人，物业每次都是简单修修。",
	 "yicheng", "逸城浅水湾５号楼电梯又坏了",
	 "５号楼电梯本月已经坏了３次，上周还困过人，物业只是简单修修，老人上下楼很不方便。", true},
	{"traffic", "kfq", "黄河路人行道井盖松动",
	 "黄河路开明街路口附近人行道上有个井盖松动，踩上去咣当响，担心有人踩空受伤。",
	 "kfq", "黄河路人行道井盖松动",
	 "黄河路开明街路口附近人行道上有个井盖松动，踩上去咣当响，担心有人踩空受伤。我昨天晚上路过差点摔倒，"
	 "孩子放学也走这条路，请相关部门抓紧处理，谢谢！", true},
	{"ecology", "taigu", "泰古香槟郡旁工地夜间施工噪音扰民",
	 "泰古香槟郡旁边的工地每天晚上十点以后还在打桩、运土，噪音特别大，一直到后半夜，严重影响休息。",
	 "taigu", "香槟郡附近工地半夜施工太吵",
	 "每天夜里十点多了泰古香槟郡旁边工地还在打桩运土，噪音特别大，吵到后半夜，根本没法休息。", true},
	{"city", "xinhua", "新华社区小广场广场舞音响声音太大",
	 "每天晚上新华社区小广场跳广场舞，音响开得特别大，一直到九点多，家里孩子没法学习。",
	 "xinhua", "新华社区广场舞扰民",
	 "新华社区小广场每晚跳广场舞音响开得很大，九点多还不停，家里孩子上高三没法学习，希望管一管。", true},
	{"waste-sorting", "wangguan", "王官庄村垃圾堆放多日无人清运",
	 "王官庄村东头垃圾点的垃圾堆了5天没人拉走，天一热味道很大，招苍蝇老鼠。",
	 "wangguan", "王官庄村东头垃圾没人清运",
	 "村东头垃圾点垃圾堆了好几天没人拉走，味道很大，苍蝇老鼠很多，请环卫来清运。", true},
	{"heat-gas", "hengtai", "恒泰花园8号楼暖气不热",
	 "恒泰花园8号楼1单元，家里暖气摸着温乎乎的，室温只有十四五度，老人孩子冻得受不了。",
	 "hengtai-8", "恒泰花园8号楼1单元暖气不热",
	 "8号楼1单元暖气不热，屋里室温只有十四五度，家里有老人孩子，冻得受不了，请热力公司来看看。", true},
	{"water", "jindao", "金岛小区突然停水没有通知",
	 "金岛小区从今天早上开始停水，事先没有任何通知，到现在还没来水，做饭洗漱都成问题。",
	 "jindao", "金岛小区停水了",
	 "今天早上开始金岛小区就停水了，事先也没有通知，到中午还没来水，做饭洗漱都成问题。", true},
	{"city", "kfq", "开明街占道经营，影响通行",
	 "开明街每天早上有很多摊贩占道摆摊，人行道被占满，行人只能走机动车道，很危险。",
	 "kfq", "开明街早市摊贩占用人行道",
	 "开明街早上摊贩占道摆摊把人行道全占满了，行人只能走机动车道，太危险了。", true},
	{"ecology", "kfq", "黄河路一家烧烤店油烟扰民",
	 "黄河路附近一家烧烤店在门口露天烧烤，油烟直接往楼上飘，窗户都不敢开。",
	 "kfq", "黄河路烧烤店露天烧烤油烟大",
	 "黄河路上那家烧烤店天天在门口露天烧烤，油烟往楼上飘，家里窗户都不敢开。", true},
	{"safety", "yicheng", "逸城浅水湾流浪狗多，晚上追咬行人",
	 "逸城浅水湾附近最近流浪狗特别多，晚上成群结队乱叫，还追过放学的孩子。",
	 "yicheng", "浅水湾附近流浪狗追人",
	 "最近逸城浅水湾附近流浪狗特别多，晚上成群乱叫，还追放学的孩子，很吓人。", true},
	{"safety", "hengtai", "恒泰花园5号楼楼道内电动车充电，存在火灾隐患",
	 "恒泰花园5号楼有住户把电动车推进楼道充电，电线从窗户拉出来，晚上一直充着，太危险了。",
	 "hengtai", "恒泰花园5号楼有人在楼道给电动车充电",
	 "5号楼有住户在楼道里给电动车充电，电线从窗户拉出来充一整夜，有火灾隐患。", true},
	{"facilities", "xinhua", "新華社區門口路燈壞了",
	 "新華社區門口的路燈晚上不亮，已經好幾天了，請儘快維修。",
	 "xinhua", "新华社区门口路灯不亮",
	 "新华社区门口路灯坏了好几天，晚上不亮，黑漆漆的，请尽快维修。", true},
	{"city", "jindao", "金岛小区6号楼前大树遮挡采光，申请修剪",
	 "金岛小区6号楼前的大杨树长得比楼还高，低层住户白天都得开灯，还招虫子，希望修剪一下。",
	 "jindao", "金岛小区6号楼前杨树太高挡光",
	 "6号楼前面的大杨树比楼还高，低层住户白天都得开灯，虫子也多，请园林部门修剪一下。", true},
	{"rural", "wangguan", "王官庄村村道坑洼不平，雨天积水",
	 "王官庄村通往镇上的村道坑坑洼洼，一下雨就积水，孩子上学、村民卖菜都不方便，希望能硬化。",
	 "wangguan", "王官庄村村道一下雨就积水",
	 "去镇上的村道坑坑洼洼，一下雨就积水，孩子上学不方便，希望能硬化路面。", true},
	{"illegal-building", "taigu", "泰古香槟郡12号楼一楼住户私搭乱建",
	 "12号楼一楼住户在楼前绿地上私自搭建彩钢房，占用公共绿地。",
	 "taigu", "泰古香槟郡１２号楼一楼私搭彩钢房",
	 "１２号楼一楼住户在楼前绿地上私自搭建彩钢房，还圈地种菜，占用公共绿地，影响楼上采光。", true},
	{"market", "jindao", "举报金岛小区附近超市销售过期食品",
	 "在金岛小区附近的一家超市买的酸奶已经过期3天，货架上还有好几盒同样的。",
	 "jindao", "金岛小区附近超市卖过期酸奶",
	 "金岛小区附近一家超市货架上的酸奶过期3天了还在卖，我买了一盒，货架上还有好几盒。", true},
	{"city", "wangguan", "王官庄村公共厕所没人打扫",
	 "王官庄村村口的公共厕所很久没人打扫，又脏又臭，夏天苍蝇很多。",
	 "wangguan", "王官庄村口公共厕所太脏",
	 "村口的公共厕所长期没人打扫，又脏又臭，苍蝇很多，请安排保洁。", true},
	{"labour", "kfq", "农民工反映黄河路附近工地拖欠工资",
	 "我们8个工人在黄河路附近的工地干活，活儿干完两个多月了，包工头一直拖着不给工钱。",
	 "kfq", "黄河路工地拖欠8名工人工资",
	 "黄河路附近工地包工头拖欠我们8个工人两个多月工钱，活儿干完了一直拖着不给，打电话也不接。", true},
	{"property", "hengtai", "咨询恒泰花园车位能否出租",
	 "恒泰花园地下车位开发商只卖不租，想问问有没有规定车位必须出租，价格谁来管。",
	 NULL, "恒泰花园地下车位只卖不租",
	 "恒泰花园的地下车位开发商只卖不租，有没有规定车位必须出租？价格谁来管？", true},
	{"wish", "wangguan", "王官庄村留守儿童微心愿：一个新书包",
	 "我是王官庄村的一名三年级小学生，爸爸妈妈在外地打工，我跟爷爷奶奶住。我的书包已经破了，希望能有一个新书包。",
	 "wangguan", "留守儿童想要一个新书包",
	 "王官庄村三年级小学生，爸爸妈妈在外地打工，跟爷爷奶奶住，书包已经破了，希望能有一个新书包。", true},

	/* 16 bands of 2 rows shared no band for this one (J 0.42) */
	{"water", "xinhua", "新华社区3号楼下水道堵塞，污水外溢",
	 "新华社区3号楼2单元门前的下水道堵了三天，污水从井口往外冒，味道很大，老人孩子出门都得绕着走，希望尽快派人疏通。",
	 "xinhua", "新华社区3号楼门口下水道堵了",
	 "3号楼二单元门口下水道堵塞好几天了，污水往外冒，臭味很大，老人孩子出门都得绕着走，请尽快疏通。", true},

	/* ---- not duplicates: same category and place, another problem ---- */
	{"water", "hengtai", "恒泰花园3号楼下水道堵塞，污水外溢",
	 "恒泰花园3号楼2单元门前的下水道堵了3天，污水从井口往外冒，味道很大，希望尽快派人疏通。",
	 "hengtai", "恒泰花园3号楼自来水发黄",
	 "最近一周3号楼家里的自来水放出来是黄的，有铁锈味，烧开了也有沉淀，不敢喝。", false},
	{"facilities", "jindao", "金岛小区路灯不亮已一周",
	 "金岛小区主街有5盏路灯晚上不亮，已经一周了，居民晚上出行只能摸黑，希望尽快修好。",
	 "jindao", "金岛小区健身器材损坏",
	 "小区广场上的健身器材坏了好几件，螺丝松动，孩子在上面玩存在安全隐患，希望维修更换。", false},
	{"city", "xinhua", "新华社区小广场广场舞音响声音太大",
	 "每天晚上新华社区小广场跳广场舞，音响开得特别大，一直到九点多，家里孩子没法学习。",
	 "xinhua", "新华社区小广场地砖破损",
	 "社区小广场的地砖碎了一大片，坑坑洼洼，老人晚上散步容易绊倒，希望重新铺设。", false},
	{"traffic", "kfq", "黄河路人行道井盖松动",
	 "黄河路开明街路口附近人行道上有个井盖松动，踩上去咣当响，担心有人踩空受伤。",
	 "kfq", "黄河路开明街路口红绿灯时间太短",
	 "黄河路开明街路口的行人绿灯只有十几秒，老人走到一半就变红灯了，希望延长通行时间。", false},
	{"heat-gas", "hengtai", "恒泰花园8号楼暖气不热",
	 "恒泰花园8号楼1单元，家里暖气摸着温乎乎的，室温只有十四五度，老人孩子冻得受不了。",
	 "hengtai", "恒泰花园8号楼楼道有燃气味",
	 "8号楼楼道里这两天总有一股燃气味，怀疑哪里漏气，请燃气公司尽快来检查。", false},
	{"water", "jindao", "金岛小区突然停水没有通知",
	 "金岛小区从今天早上开始停水，事先没有任何通知，到现在还没来水，做饭洗漱都成问题。",
	 "jindao", "咨询金岛小区水费收费标准",
	 "想问一下金岛小区的水费是按什么标准收的，这个月水费比平时多了一倍，是不是水表有问题。", false},
	{"waste-sorting", "wangguan", "王官庄村垃圾堆放多日无人清运",
	 "王官庄村东头垃圾点的垃圾堆了5天没人拉走，天一热味道很大，招苍蝇老鼠。",
	 "wangguan", "王官庄村建议增设分类垃圾桶",
	 "村里只有一个大垃圾池，没有分类垃圾桶，建议在村西头和小学门口各放一组分类垃圾桶。", false},
	{"property", "yicheng", "逸城浅水湾5号楼电梯经常故障",
	 "逸城浅水湾5号楼电梯这个月已经坏了3次，上周还困过人，物业每次都是简单修修。",
	 "yicheng", "逸城浅水湾物业费上涨没有公示",
	 "物业公司从这个月起把物业费从每平米1.2元涨到1.8元，没有开业主大会，也没有公示。", false},
	{"safety", "yicheng", "逸城浅水湾流浪狗多，晚上追咬行人",
	 "逸城浅水湾附近最近流浪狗特别多，晚上成群结队乱叫，还追过放学的孩子。",
	 "yicheng", "逸城浅水湾消防通道被占用",
	 "小区消防通道上长期停满私家车，万一着火消防车根本进不来，物业也不管。", false},
	{"ecology", "kfq", "黄河路一家烧烤店油烟扰民",
	 "黄河路附近一家烧烤店在门口露天烧烤，油烟直接往楼上飘，窗户都不敢开。",
	 "kfq", "黄河路洗车店污水直排",
	 "黄河路边一家洗车店的洗车污水直接排到路边雨水井里，路面结冰，味道也大。", false},
	{"city", "jindao", "金岛小区6号楼前大树遮挡采光，申请修剪",
	 "金岛小区6号楼前的大杨树长得比楼还高，低层住户白天都得开灯，还招虫子，希望修剪一下。",
	 "jindao", "金岛小区绿化带被毁种菜",
	 "小区6号楼旁边的绿化带被人刨了种菜，还泼粪，味道很难闻。", false},
	{"ecology", "taigu", "泰古香槟郡旁工地夜间施工噪音扰民",
	 "泰古香槟郡旁边的工地每天晚上十点以后还在打桩、运土，噪音特别大，一直到后半夜，严重影响休息。",
	 "taigu", "泰古香槟郡旁工地扬尘大",
	 "工地土方没有苫盖，风一刮尘土飞扬，小区里车上窗台上全是灰。", false},

	/* ---- not duplicates: the same words, another place ---- */
	{"water", "hengtai", "恒泰花园3号楼下水道堵塞，污水外溢",
	 "恒泰花园3号楼2单元门前的下水道堵了3天，污水从井口往外冒，味道很大，希望尽快派人疏通。",
	 "jindao", "金岛小区7号楼下水道堵塞，污水外溢",
	 "金岛小区7号楼1单元门前的下水道堵了3天，污水从井口往外冒，味道很大，希望尽快派人疏通。", false},
	{"facilities", "jindao", "金岛小区路灯不亮已一周",
	 "金岛小区主街有5盏路灯晚上不亮，已经一周了，居民晚上出行只能摸黑，希望尽快修好。",
	 "wangguan", "王官庄村路灯不亮已一周",
	 "王官庄村内主街有3盏路灯晚上不亮，已经一周了，村民晚上出行只能摸黑，希望尽快修好。", false},
	{"heat-gas", "hengtai", "恒泰花园8号楼暖气不热",
	 "恒泰花园8号楼1单元，家里暖气摸着温乎乎的，室温只有十四五度，老人孩子冻得受不了。",
	 "yicheng", "逸城浅水湾2号楼暖气不热",
	 "逸城浅水湾2号楼3单元，家里暖气摸着温乎乎的，室温只有十四五度，老人孩子冻得受不了。", false},
	{"city", "xinhua", "新华社区小广场广场舞音响声音太大",
	 "每天晚上新华社区小广场跳广场舞，音响开得特别大，一直到九点多，家里孩子没法学习。",
	 "taigu", "泰古香槟郡广场舞音响声音太大",
	 "每天晚上泰古香槟郡门口跳广场舞，音响开得特别大，一直到九点多，家里孩子没法学习。", false},
	{"property", "yicheng", "逸城浅水湾5号楼电梯经常故障",
	 "逸城浅水湾5号楼电梯这个月已经坏了3次，上周还困过人，物业每次都是简单修修。",
	 "hengtai", "恒泰花园11号楼电梯经常故障",
	 "恒泰花园11号楼电梯这个月已经坏了3次，上周还困过人，物业每次都是简单修修。", false},
	{"waste-sorting", "wangguan", "王官庄村垃圾堆放多日无人清运",
	 "王官庄村东头垃圾点的垃圾堆了5天没人拉走，天一热味道很大，招苍蝇老鼠。",
	 "xinhua", "新华社区垃圾堆放多日无人清运",
	 "新华社区北门垃圾点的垃圾堆了5天没人拉走，天一热味道很大，招苍蝇老鼠。", false},
};

/* The floors below were set from a measured run of this set (reported in
 * the test's output) with a margin: a change that makes detection worse
 * fails here. */
#define PRECISION_FLOOR 0.95
#define RECALL_FLOOR 0.90
/* Without the area, the same words about another place are the text's
 * to tell apart, and they mostly cannot: that is what the area is for. */
#define TEXT_PRECISION_FLOOR 0.70

typedef struct tally {
	int tp, fp, fn, tn;
} tally;

/* Submit each pair's first report, look up its second, and count. With
 * places false, the second is looked up without its area: what the text
 * and category alone decide. */
static tally run_pairs(fixture *f, bool places)
{
	tally t = {0, 0, 0, 0};
	for (size_t i = 0; i < ARRAY_LEN(pairs); i++) {
		const labelled *p = &pairs[i];
		int64_t a = submit(f, p->cat, p->area_a, p->title_a, p->desc_a, true, NOW - 2 * DAY, NULL);
		similar_query q = text_query(f, p->cat, places ? p->area_b : NULL, p->title_b,
					     p->desc_b, NOW);
		similar_list l;
		assert_int_equal(similar_find(f->d, &f->resident, &q, &l), LEDGER_OK);
		double score = 0;
		bool hit = found(&l, a, &score);
		similar_list_free(&l);
		if (hit != p->dup || getenv("SIMILAR_SHOW"))
			print_message("# %s pair %zu (%s / %s): score %.2f\n",
				      hit == p->dup ? "right" : p->dup ? "missed" : "false", i,
				      p->title_a, p->title_b, score);
		t.tp += hit && p->dup;
		t.fp += hit && !p->dup;
		t.fn += !hit && p->dup;
		t.tn += !hit && !p->dup;
	}
	return t;
}

static double precision_of(tally t)
{
	return t.tp + t.fp ? (double)t.tp / (t.tp + t.fp) : 0;
}

static double recall_of(tally t)
{
	return t.tp + t.fn ? (double)t.tp / (t.tp + t.fn) : 0;
}

static void test_labelled_pairs(void **state)
{
	fixture *f = *state;
	tally t = run_pairs(f, true);
	print_message("# labelled pairs: %d duplicates, %d not; precision %.3f, recall %.3f\n",
		      t.tp + t.fn, t.fp + t.tn, precision_of(t), recall_of(t));
	assert_true(t.tp + t.fn >= 20 && t.fp + t.tn >= 15);
	assert_true(precision_of(t) >= PRECISION_FLOOR);
	assert_true(recall_of(t) >= RECALL_FLOOR);
}

static void test_labelled_text_only(void **state)
{
	fixture *f = *state;
	tally t = run_pairs(f, false);
	print_message("# text and category only: precision %.3f, recall %.3f\n", precision_of(t),
		      recall_of(t));
	assert_true(precision_of(t) >= TEXT_PRECISION_FLOOR);
	assert_true(recall_of(t) >= RECALL_FLOOR);
}

/* ---------- the rules of the lookup ---------- */

static const char T1[] = "恒泰花园3号楼下水道堵塞，污水外溢";
static const char D1[] = "恒泰花园3号楼2单元门前的下水道堵了3天，污水从井口往外冒，味道很大。";

static void test_visibility(void **state)
{
	fixture *f = *state;
	int64_t priv = submit(f, "water", "hengtai", T1, D1, false, NOW - DAY, NULL);
	similar_query q = text_query(f, "water", "hengtai", T1, D1, NOW);
	similar_list l;
	/* a resident or an app never learns of a private matter */
	assert_int_equal(similar_find(f->d, &f->resident, &q, &l), LEDGER_OK);
	assert_false(found(&l, priv, NULL));
	similar_list_free(&l);
	assert_int_equal(similar_find(f->d, &f->app, &q, &l), LEDGER_OK);
	assert_false(found(&l, priv, NULL));
	similar_list_free(&l);
	/* staff see it, with the identical text scoring 1 */
	double score = 0;
	assert_int_equal(similar_find(f->d, &f->clerk, &q, &l), LEDGER_OK);
	assert_true(found(&l, priv, &score));
	assert_true(score > 0.999);
	assert_false(l.items[0].is_public);
	similar_list_free(&l);
}

static void test_state_and_self(void **state)
{
	fixture *f = *state;
	char n1[32], n2[32];
	int64_t a = submit(f, "water", "hengtai", T1, D1, true, NOW - 3 * DAY, n1);
	int64_t b = submit(f, "water", "hengtai", T1, D1, true, NOW - 2 * DAY, n2);
	similar_list l;
	/* a matter is not its own duplicate; the other one is */
	assert_int_equal(similar_find_matter(f->d, &f->clerk, NULL, b, NOW, 0, &l), LEDGER_OK);
	assert_false(found(&l, b, NULL));
	assert_true(found(&l, a, NULL));
	similar_list_free(&l);
	assert_int_equal(similar_find_matter(f->d, &f->clerk, "TZ-1999-000001", 0, NOW, 0, &l), LEDGER_NOT_FOUND);
	/* merged matters are not offered */
	action_input in = {.act = ACT_MERGE, .merge_into = n1};
	int64_t version = 0;
	char *msg = NULL;
	assert_int_equal(matter_act(f->d, &f->clerk, n2, &in, NOW - DAY, &version, &msg), LEDGER_OK);
	free(msg);
	assert_int_equal(similar_find_matter(f->d, &f->clerk, n1, 0, NOW, 0, &l), LEDGER_OK);
	assert_false(found(&l, b, NULL));
	similar_list_free(&l);
	/* closed long ago: not offered; closed last week: offered */
	db_exec(f->d, "UPDATE matters SET status = 'closed', closed_at = ? WHERE id = ?", "ii",
		(int64_t)(NOW - 40 * DAY), a);
	similar_query q = text_query(f, "water", "hengtai", T1, D1, NOW);
	assert_int_equal(similar_find(f->d, &f->clerk, &q, &l), LEDGER_OK);
	assert_false(found(&l, a, NULL));
	similar_list_free(&l);
	db_exec(f->d, "UPDATE matters SET closed_at = ? WHERE id = ?", "ii", (int64_t)(NOW - 7 * DAY), a);
	assert_int_equal(similar_find(f->d, &f->clerk, &q, &l), LEDGER_OK);
	assert_true(found(&l, a, NULL));
	similar_list_free(&l);
	/* another category: not a duplicate, whatever the words */
	q = text_query(f, "heat-gas", "hengtai", T1, D1, NOW);
	assert_int_equal(similar_find(f->d, &f->clerk, &q, &l), LEDGER_OK);
	assert_false(found(&l, a, NULL));
	similar_list_free(&l);
}

static void test_points_and_order(void **state)
{
	fixture *f = *state;
	int64_t a = submit(f, "water", "hengtai", T1, D1, true, NOW - DAY, NULL);
	int64_t b = submit(f, "water", "hengtai", "恒泰花园下水道堵塞",
			   "恒泰花园3号楼门前的下水道堵了，污水往外冒。", true, NOW - DAY, NULL);
	db_exec(f->d, "UPDATE matters SET lat = 38.3000, lon = 116.8300 WHERE id = ?", "i", a);
	similar_query q = text_query(f, "water", "hengtai", T1, D1, NOW);
	similar_list l;
	/* best first */
	assert_int_equal(similar_find(f->d, &f->clerk, &q, &l), LEDGER_OK);
	assert_true(found(&l, a, NULL) && found(&l, b, NULL));
	for (size_t i = 1; i < l.n; i++)
		assert_true(l.items[i - 1].score >= l.items[i].score);
	similar_list_free(&l);
	/* the same words 3 km away are another drain */
	q.has_point = true;
	q.lat = 38.3270;
	q.lon = 116.8300;
	assert_int_equal(similar_find(f->d, &f->clerk, &q, &l), LEDGER_OK);
	assert_false(found(&l, a, NULL));
	assert_true(found(&l, b, NULL)); /* b has no point: the area decides */
	similar_list_free(&l);
	/* a limit is a limit */
	q.has_point = false;
	q.limit = 1;
	assert_int_equal(similar_find(f->d, &f->clerk, &q, &l), LEDGER_OK);
	assert_int_equal(l.n, 1);
	similar_list_free(&l);
}

static void test_backfill_and_reindex(void **state)
{
	fixture *f = *state;
	int64_t a = submit(f, "water", "hengtai", T1, D1, true, NOW - DAY, NULL);
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM matter_bands WHERE matter_id = ?",
				   "i", a), MINHASH_BANDS);
	/* reindexing replaces, never adds */
	assert_int_equal(similar_index(f->d, a), LEDGER_OK);
	assert_int_equal(db_scalar(f->d, -1, "SELECT count(*) FROM matter_bands WHERE matter_id = ?",
				   "i", a), MINHASH_BANDS);
	/* a ledger from before v7: no signatures; the backfill gives them */
	db_exec(f->d, "DELETE FROM matter_bands", "");
	db_exec(f->d, "DELETE FROM matter_signatures", "");
	similar_query q = text_query(f, "water", "hengtai", T1, D1, NOW);
	similar_list l;
	assert_int_equal(similar_find(f->d, &f->clerk, &q, &l), LEDGER_OK);
	assert_int_equal(l.n, 0);
	similar_list_free(&l);
	int64_t done = 0;
	int64_t all = db_scalar(f->d, 0, "SELECT count(*) FROM matters", "");
	assert_int_equal(similar_backfill(f->d, 7, &done), LEDGER_OK);
	assert_int_equal(done, all);
	assert_int_equal(similar_backfill(f->d, 7, &done), LEDGER_OK);
	assert_int_equal(done, 0);
	assert_int_equal(similar_find(f->d, &f->clerk, &q, &l), LEDGER_OK);
	assert_true(found(&l, a, NULL));
	similar_list_free(&l);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shingles_fold),
		cmocka_unit_test(test_jaccard_exact),
		cmocka_unit_test(test_minhash_deterministic),
		cmocka_unit_test(test_bands_empty_and_alike),
		cmocka_unit_test_setup_teardown(test_labelled_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_labelled_text_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_visibility, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_and_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_points_and_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_backfill_and_reindex, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
