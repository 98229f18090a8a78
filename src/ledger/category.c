/*
 * category.c — categories (类别, the services of Open311) with their default
 * deadlines in working days, and the default catalogue for a Chinese
 * district that `taizhang init` installs.
 */
#include "ledger/catalog.h"
#include "ledger/attribute.h"
#include "ledger/ledger.h"
#include "base/utf8.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define CAT_COLS                                                                         \
	"id, code, name, group_name, keywords, respond_days, resolve_days, department_id, active," \
	" description, type, attributes"

static void cat_read(db_stmt *q, category *x)
{
	x->id = db_int(q, 0);
	x->code = db_text_dup(q, 1);
	x->name = db_text_dup(q, 2);
	x->group_name = db_text_dup(q, 3);
	x->keywords = db_text_dup(q, 4);
	x->respond_days = (int)db_int(q, 5);
	x->resolve_days = (int)db_int(q, 6);
	x->department_id = db_int(q, 7);
	x->active = db_int(q, 8) != 0;
	x->description = db_text_dup(q, 9);
	x->type = db_text_dup(q, 10);
	x->attributes = db_text_dup(q, 11);
}

void category_clear(category *x)
{
	free(x->code);
	free(x->name);
	free(x->group_name);
	free(x->keywords);
	free(x->description);
	free(x->type);
	free(x->attributes);
	memset(x, 0, sizeof *x);
}

int category_list(db *d, bool active_only, category **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	db_stmt *q = db_query(d, "SELECT " CAT_COLS " FROM categories WHERE active = 1 OR ? = 0"
				 " ORDER BY sort, id", "i", (int64_t)active_only);
	int r;
	while ((r = db_step(q)) == DB_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		cat_read(q, &(*out)[(*n)++]);
	}
	db_done(q);
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

void category_list_free(category *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		category_clear(&v[i]);
	free(v);
}

int category_get(db *d, int64_t id, const char *code, category *out)
{
	memset(out, 0, sizeof *out);
	db_stmt *q = db_query(d, "SELECT " CAT_COLS " FROM categories WHERE id = ? OR code = ?", "it",
			      id, code ? code : "");
	int r = db_step(q);
	if (r == DB_ROW)
		cat_read(q, out);
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}

static const char *category_problem(db *d, const category *x)
{
	const char *code = x->code;
	size_t n = code ? strlen(code) : 0;
	if (n < 1 || n > 32 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_-") != n)
		return "代码须为1-32位小写字母、数字、-或_";
	if (str_empty(x->name) || !utf8_valid(x->name, strlen(x->name)) ||
	    utf8_count(x->name, strlen(x->name)) > 50)
		return "名称必填，不超过50字";
	if ((x->group_name && !utf8_valid(x->group_name, strlen(x->group_name))) ||
	    (x->keywords && !utf8_valid(x->keywords, strlen(x->keywords))))
		return "分组或关键词含无效字符";
	if (x->respond_days < 0 || x->respond_days > 60)
		return "响应时限应为0-60个工作日";
	if (x->resolve_days < 1 || x->resolve_days > 365)
		return "办结时限应为1-365个工作日";
	if (x->department_id &&
	    !db_scalar(d, 0, "SELECT count(*) FROM departments WHERE id = ?", "i", x->department_id))
		return "默认责任单位不存在";
	if (x->description && (!utf8_valid(x->description, strlen(x->description)) ||
			       utf8_count(x->description, strlen(x->description)) > 500))
		return "说明不超过500字";
	if (x->type && strcmp(x->type, "realtime") != 0 && strcmp(x->type, "batch") != 0)
		return "受理方式须为 realtime 或 batch";
	return NULL;
}

/* Write the checked row x with canonical attributes attrs. */
static int category_write(db *d, category *x, const char *attrs)
{
	const char *group = x->group_name ? x->group_name : "", *kw = x->keywords ? x->keywords : "";
	const char *desc = x->description ? x->description : "";
	const char *type = x->type ? x->type : "realtime";
	if (x->id)
		return db_exec(d, "UPDATE categories SET code = ?, name = ?, group_name = ?,"
				  " keywords = ?, respond_days = ?, resolve_days = ?, department_id = ?,"
				  " active = ?, description = ?, type = ?, attributes = ? WHERE id = ?",
			       "ttttiizittti", x->code, x->name, group, kw, (int64_t)x->respond_days,
			       (int64_t)x->resolve_days, x->department_id, (int64_t)x->active, desc,
			       type, attrs, x->id);
	db_stmt *q = db_query(d, "INSERT INTO categories(code, name, group_name, keywords,"
				 " respond_days, resolve_days, department_id, active, description,"
				 " type, attributes, sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
				 " (SELECT COALESCE(max(sort), 0) + 1 FROM categories)) RETURNING id",
			      "ttttiizittt", x->code, x->name, group, kw, (int64_t)x->respond_days,
			      (int64_t)x->resolve_days, x->department_id, (int64_t)x->active, desc,
			      type, attrs);
	int r = db_step(q);
	if (r == DB_ROW)
		x->id = db_int(q, 0);
	db_done(q);
	return r == DB_ROW ? DB_DONE : r;
}

int category_save(db *d, category *x, char **msg)
{
	const char *problem = category_problem(d, x);
	if (problem) {
		*msg = xstrdup(problem);
		return LEDGER_INVALID;
	}
	char *attrs = NULL;
	if (attribute_defs_check(x->attributes, &attrs, msg) != LEDGER_OK)
		return LEDGER_INVALID;
	int r = category_write(d, x, attrs);
	free(attrs);
	if (r == DB_CONSTRAINT) {
		*msg = xstrdup("代码已存在，请换一个");
		return LEDGER_INVALID;
	}
	return r == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* The default catalogue: code, name, group, keywords, respond and resolve
 * working days. Deadlines follow common 12345 practice: respond within one
 * working day; simple matters in 5, most in 15, complex ones in 30. */
static const struct {
	const char *code, *name, *group, *keywords;
	int respond, resolve;
} defaults[] = {
	{"city", "市容环境", "城市管理", "垃圾 卫生 占道 乱堆 乱贴 广告 噪音 油烟", 1, 5},
	{"illegal-building", "违法建设", "城市管理", "违建 私搭乱建 加盖 圈占", 1, 30},
	{"traffic", "道路交通", "城市管理", "道路 坑洼 红绿灯 停车 公交 井盖 路灯", 1, 15},
	{"water", "供水排水", "公用事业", "停水 水压 下水道 堵塞 污水 积水 管网", 1, 5},
	{"heat-gas", "供暖燃气", "公用事业", "暖气 不热 供暖 燃气 天然气 漏气", 1, 5},
	{"waste-sorting", "垃圾分类", "城市管理", "垃圾分类 清运 垃圾桶 厨余", 1, 5},
	{"facilities", "公共设施", "城市管理", "路灯 健身器材 公园 广场 公厕 电梯 变压器", 1, 15},
	{"ecology", "生态环境", "生态环境", "污染 排放 异味 扬尘 河道 黑臭 秸秆", 1, 15},
	{"property", "物业管理", "住房", "物业 小区 维修基金 电梯 老旧小区 楼道", 1, 15},
	{"labour", "劳动就业与欠薪", "民生保障", "欠薪 工资 劳动合同 就业 招聘 培训", 1, 15},
	{"social-security", "社会保障", "民生保障", "社保 医保 低保 养老 残疾 救助 退役军人", 1, 15},
	{"education", "教育", "民生保障", "学校 幼儿园 入学 学位 校车 课外", 1, 15},
	{"health", "医疗卫生", "民生保障", "医院 卫生室 疫苗 看病 家庭医生", 1, 15},
	{"market", "食品与市场监管", "市场监管", "食品 餐馆 价格 假冒 消费 外卖 药品", 1, 15},
	{"safety", "治安与反诈", "平安建设", "治安 诈骗 盗窃 消防 安全隐患 监控", 1, 5},
	{"gov-service", "政务服务", "政务服务", "办事 审批 证件 窗口 预约 不动产 户口", 1, 5},
	{"enterprise", "企业诉求", "营商环境", "企业 用地 融资 招工 审批 政策 水电", 1, 15},
	{"wish", "微心愿", "微心愿", "心愿 书包 学习用品 轮椅 助听器 慰问", 1, 30},
	{"rural", "乡村振兴", "农业农村", "厕所 改厕 村道 灌溉 农业 宅基地 人居环境", 1, 30},
	{"other", "其他", "其他", "", 1, 15},
};

/* Descriptions and extra questions of some default categories, and the
 * ones whose Open311 requests are answered with a token (batch). */
static const struct {
	const char *code, *type, *description, *attributes;
} extras[] = {
	{"heat-gas", "realtime", "暖气不热、停气、燃气泄漏隐患等。燃气泄漏请先拨打燃气抢修电话。",
	 "[{\"code\":\"heating\",\"datatype\":\"singlevaluelist\",\"required\":true,"
	 "\"order\":1,\"description\":\"问题类型\",\"values\":[{\"key\":\"cold\",\"name\":\"暖气不热\"},"
	 "{\"key\":\"no-gas\",\"name\":\"停气\"},{\"key\":\"leak\",\"name\":\"疑似漏气\"}]},"
	 "{\"code\":\"temperature\",\"datatype\":\"number\",\"required\":false,\"order\":2,"
	 "\"description\":\"室内温度（摄氏度）\",\"datatype_description\":\"例如 14.5\"},"
	 "{\"code\":\"since\",\"datatype\":\"datetime\",\"required\":false,\"order\":3,"
	 "\"description\":\"从什么时候开始\"},"
	 "{\"code\":\"building\",\"datatype\":\"string\",\"required\":true,\"order\":4,"
	 "\"description\":\"楼号、单元、门牌\"},"
	 "{\"code\":\"notes\",\"datatype\":\"text\",\"required\":false,\"order\":5,"
	 "\"description\":\"其他情况\"}]"},
	{"property", "realtime", "小区物业服务、公共维修、电梯、楼道等问题。",
	 "[{\"code\":\"issues\",\"datatype\":\"multivaluelist\",\"required\":true,\"order\":1,"
	 "\"description\":\"涉及哪些方面（可多选）\",\"values\":[{\"key\":\"lift\",\"name\":\"电梯\"},"
	 "{\"key\":\"stairs\",\"name\":\"楼道照明与卫生\"},{\"key\":\"fee\",\"name\":\"物业收费\"},"
	 "{\"key\":\"repair\",\"name\":\"公共维修\"},{\"key\":\"parking\",\"name\":\"停车\"}]}]"},
	{"illegal-building", "batch", "私搭乱建、违规加盖、圈占公共用地。经核实后立案。", NULL},
};

int catalog_install_defaults(db *d)
{
	for (size_t i = 0; i < ARRAY_LEN(defaults); i++) {
		if (db_scalar(d, 0, "SELECT count(*) FROM categories WHERE code = ?", "t",
			      defaults[i].code))
			continue;
		category c = {.code = (char *)defaults[i].code,
			      .name = (char *)defaults[i].name,
			      .group_name = (char *)defaults[i].group,
			      .keywords = (char *)defaults[i].keywords,
			      .respond_days = defaults[i].respond,
			      .resolve_days = defaults[i].resolve,
			      .active = true};
		for (size_t j = 0; j < ARRAY_LEN(extras); j++) {
			if (strcmp(extras[j].code, c.code) != 0)
				continue;
			c.type = (char *)extras[j].type;
			c.description = (char *)extras[j].description;
			c.attributes = (char *)extras[j].attributes;
		}
		char *msg = NULL;
		int rc = category_save(d, &c, &msg);
		if (rc != LEDGER_OK)
			log_error("default category %s: %s", c.code, msg ? msg : "?");
		free(msg);
		if (rc != LEDGER_OK)
			return rc;
	}
	return LEDGER_OK;
}
