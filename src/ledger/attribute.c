/*
 * attribute.c — checking a category's extra questions and a submission's
 * answers to them (see attribute.h). Both are kept as JSON text; this file
 * is the only place that knows their shape.
 */
#include "ledger/attribute.h"
#include "ledger/ledger.h"
#include "base/isotime.h"
#include "base/utf8.h"
#include "base/util.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const datatypes[] = {"string", "number", "datetime",
					"text", "singlevaluelist", "multivaluelist"};

/* Set *msg to a formatted Chinese message and return LEDGER_INVALID. Why
 * no fixed buffer: cutting a message that quotes a long description would
 * end it inside a character, and the message is shown as is. */
static int invalid(char **msg, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	*msg = xmalloc((size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(*msg, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	return LEDGER_INVALID;
}

static bool is_list(const char *datatype)
{
	return strcmp(datatype, "singlevaluelist") == 0 || strcmp(datatype, "multivaluelist") == 0;
}

/* Is s valid UTF-8 of at most max code points, without control characters
 * (newlines allowed when multiline)? */
static bool text_fits(const char *s, size_t max, bool multiline)
{
	size_t n = strlen(s);
	if (!utf8_valid(s, n) || utf8_count(s, n) > max)
		return false;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 && !(multiline && (*p == '\n' || *p == '\r' || *p == '\t')))
			return false;
	return true;
}

static bool code_ok(const char *c)
{
	size_t n = strlen(c);
	return n >= 1 && n <= 32 &&
	       strspn(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

/* Check and copy the values of a list question into *out. */
static int values_check(json_t *values, const char *code, json_t **out, char **msg)
{
	if (!json_is_array(values) || json_array_size(values) == 0 ||
	    json_array_size(values) > ATTRIBUTE_VALUES_MAX)
		return invalid(msg, "附加问题 %s 须有1-%d个选项", code, ATTRIBUTE_VALUES_MAX);
	*out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(values, i, v) {
		json_t *k = json_object_get(v, "key"), *nm = json_object_get(v, "name");
		/* Why numbers too: the spec's own example writes keys as numbers. */
		char key[64];
		if (json_is_integer(k))
			snprintf(key, sizeof key, "%lld", (long long)json_integer_value(k));
		else if (json_is_string(k) && json_string_length(k) < sizeof key &&
			 text_fits(json_string_value(k), 60, false) && json_string_length(k) > 0)
			snprintf(key, sizeof key, "%s", json_string_value(k));
		else
			return invalid(msg, "附加问题 %s 的选项须有 key（1-60字）", code);
		if (!json_is_string(nm) || json_string_length(nm) == 0 ||
		    !text_fits(json_string_value(nm), 100, false))
			return invalid(msg, "附加问题 %s 的选项 %s 须有名称（1-100字）", code, key);
		for (size_t j = 0; j < json_array_size(*out); j++)
			if (strcmp(json_string_value(json_object_get(json_array_get(*out, j), "key")),
				   key) == 0)
				return invalid(msg, "附加问题 %s 的选项 %s 重复", code, key);
		json_array_append_new(*out, json_pack("{s:s, s:O}", "key", key, "name", nm));
	}
	return LEDGER_OK;
}

/* Check one definition and build its canonical form in *out. */
static int def_check(json_t *a, json_t **out, char **msg)
{
	json_t *code = json_object_get(a, "code"), *dt = json_object_get(a, "datatype");
	json_t *desc = json_object_get(a, "description"), *order = json_object_get(a, "order");
	json_t *req = json_object_get(a, "required"), *var = json_object_get(a, "variable");
	json_t *dtd = json_object_get(a, "datatype_description");
	if (!json_is_object(a) || !json_is_string(code) || !code_ok(json_string_value(code)))
		return invalid(msg, "附加问题的代码须为1-32位字母、数字、-或_");
	const char *c = json_string_value(code);
	const char *type = json_is_string(dt) ? json_string_value(dt) : "";
	bool known = false;
	for (size_t i = 0; i < ARRAY_LEN(datatypes); i++)
		known = known || strcmp(type, datatypes[i]) == 0;
	if (!known)
		return invalid(msg, "附加问题 %s 的类型无效", c);
	if (!json_is_string(desc) || json_string_length(desc) == 0 ||
	    !text_fits(json_string_value(desc), 200, true))
		return invalid(msg, "附加问题 %s 须有说明（1-200字）", c);
	if (!json_is_integer(order) || json_integer_value(order) < 1 ||
	    json_integer_value(order) > 1000)
		return invalid(msg, "附加问题 %s 的顺序须为1-1000的整数", c);
	if ((req && !json_is_boolean(req)) || (var && !json_is_boolean(var)))
		return invalid(msg, "附加问题 %s 的 required、variable 须为 true 或 false", c);
	if (dtd && !json_is_null(dtd) &&
	    (!json_is_string(dtd) || !text_fits(json_string_value(dtd), 200, true)))
		return invalid(msg, "附加问题 %s 的类型说明不超过200字", c);
	json_t *values = NULL;
	json_t *given = json_object_get(a, "values");
	if (is_list(type)) {
		if (values_check(given, c, &values, msg) != LEDGER_OK) {
			json_decref(values);
			return LEDGER_INVALID;
		}
	} else if (given && !(json_is_array(given) && json_array_size(given) == 0)) {
		return invalid(msg, "附加问题 %s 不是列表类型，不能有选项", c);
	} else {
		values = json_array();
	}
	*out = json_pack("{s:b, s:O, s:O, s:b, s:s, s:O, s:O, s:o}", "variable",
			 var ? json_is_true(var) : 1, "code", code, "datatype", dt, "required",
			 req ? json_is_true(req) : 0, "datatype_description",
			 json_is_string(dtd) ? json_string_value(dtd) : "", "order", order,
			 "description", desc, "values", values);
	return LEDGER_OK;
}

static int by_order(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "order"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "order"));
	return (x > y) - (x < y);
}

/* Parse definitions into a canonical array sorted by order (*out, always
 * set; caller frees). */
static int defs_parse(const char *defs_json, json_t **out, char **msg)
{
	*out = json_array();
	if (str_empty(defs_json))
		return LEDGER_OK;
	json_t *in = json_loads(defs_json, JSON_REJECT_DUPLICATES, NULL);
	int rc = LEDGER_OK;
	if (!json_is_array(in) || json_array_size(in) > ATTRIBUTE_MAX)
		rc = invalid(msg, "附加问题须为不超过%d项的 JSON 数组", ATTRIBUTE_MAX);
	json_t *defs[ATTRIBUTE_MAX];
	size_t n = 0;
	for (size_t i = 0; rc == LEDGER_OK && i < json_array_size(in); i++) {
		json_t *b = NULL;
		if ((rc = def_check(json_array_get(in, i), &b, msg)) != LEDGER_OK)
			break;
		defs[n++] = b;
		const char *code = json_string_value(json_object_get(b, "code"));
		for (size_t j = 0; rc == LEDGER_OK && j + 1 < n; j++) {
			json_t *a = defs[j];
			if (strcmp(json_string_value(json_object_get(a, "code")), code) == 0)
				rc = invalid(msg, "附加问题代码 %s 重复", code);
			else if (json_integer_value(json_object_get(a, "order")) ==
				 json_integer_value(json_object_get(b, "order")))
				rc = invalid(msg, "附加问题 %s 的顺序与其他问题重复", code);
		}
	}
	if (rc == LEDGER_OK)
		qsort(defs, n, sizeof defs[0], by_order);
	for (size_t i = 0; i < n; i++) {
		if (rc == LEDGER_OK)
			json_array_append(*out, defs[i]);
		json_decref(defs[i]);
	}
	json_decref(in);
	return rc;
}

int attribute_defs_check(const char *defs_json, char **normalized, char **msg)
{
	json_t *defs;
	int rc = defs_parse(defs_json, &defs, msg);
	if (rc == LEDGER_OK)
		*normalized = json_dumps(defs, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(defs);
	return rc;
}

/* Is s a plain decimal number (optional sign, digits, optional fraction)? */
static bool number_ok(const char *s)
{
	const char *p = s;
	if (*p == '-' || *p == '+')
		p++;
	size_t whole = strspn(p, "0123456789");
	p += whole;
	if (*p == '.') {
		size_t frac = strspn(p + 1, "0123456789");
		if (frac == 0)
			return false;
		p += 1 + frac;
	}
	return whole > 0 && *p == '\0' && strlen(s) <= 30;
}

static bool has_key(json_t *def, const char *key)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(def, "values"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "key")), key) == 0)
			return true;
	return false;
}

/* Check one scalar answer s to the question def. */
static int value_check(json_t *def, const char *s, char **msg)
{
	const char *code = json_string_value(json_object_get(def, "code"));
	const char *type = json_string_value(json_object_get(def, "datatype"));
	int64_t t;
	if (strcmp(type, "number") == 0 && !number_ok(s))
		return invalid(msg, "附加信息 %s 须为数字", code);
	if (strcmp(type, "datetime") == 0 && !isotime_parse(s, false, &t, NULL))
		return invalid(msg, "附加信息 %s 须为日期时间，如 2026-11-23T09:30:00+08:00", code);
	if (strcmp(type, "string") == 0 && !text_fits(s, 1000, false))
		return invalid(msg, "附加信息 %s 须为一行文字，不超过1000字", code);
	if (strcmp(type, "text") == 0 && !text_fits(s, 4000, true))
		return invalid(msg, "附加信息 %s 不超过4000字", code);
	if (is_list(type) && !has_key(def, s))
		return invalid(msg, "附加信息 %s 的取值不在选项之中", code);
	return LEDGER_OK;
}

/* Check the answer v (string or array of strings) to def; the kept value
 * goes to *kept (NULL when the answer is empty). */
static int answer_check(json_t *def, json_t *v, json_t **kept, char **msg)
{
	const char *code = json_string_value(json_object_get(def, "code"));
	bool multi = strcmp(json_string_value(json_object_get(def, "datatype")), "multivaluelist") == 0;
	*kept = NULL;
	if (json_is_string(v) && multi)
		v = json_pack("[O]", v);
	else
		json_incref(v);
	int rc = LEDGER_OK;
	if (multi && json_is_array(v)) {
		json_t *keys = json_array();
		size_t i;
		json_t *k;
		json_array_foreach(v, i, k) {
			if (!json_is_string(k)) {
				rc = invalid(msg, "附加信息 %s 的取值须为文字", code);
				break;
			}
			const char *s = json_string_value(k);
			if (!*s)
				continue;
			if ((rc = value_check(def, s, msg)) != LEDGER_OK)
				break;
			for (size_t j = 0; j < json_array_size(keys); j++)
				if (strcmp(json_string_value(json_array_get(keys, j)), s) == 0)
					rc = invalid(msg, "附加信息 %s 的取值重复", code);
			if (rc != LEDGER_OK)
				break;
			json_array_append(keys, k);
		}
		if (rc == LEDGER_OK && json_array_size(keys))
			*kept = json_incref(keys);
		json_decref(keys);
	} else if (json_is_string(v) && !multi) {
		if (*json_string_value(v) && (rc = value_check(def, json_string_value(v), msg)) == LEDGER_OK)
			*kept = json_incref(v);
	} else if (!json_is_null(v)) {
		rc = invalid(msg, "附加信息 %s 的取值格式不正确", code);
	}
	json_decref(v);
	return rc;
}

/* Check every answer in `answers` against defs, building `out`. */
static int answers_check(json_t *defs, json_t *answers, json_t *out, char **msg)
{
	const char *key;
	json_t *v;
	json_object_foreach(answers, key, v) {
		json_t *def = NULL;
		for (size_t i = 0; !def && i < json_array_size(defs); i++)
			if (strcmp(json_string_value(json_object_get(json_array_get(defs, i), "code")),
				   key) == 0)
				def = json_array_get(defs, i);
		if (!def) {
			/* Why cut by characters: 40 bytes may end inside one. */
			const char *shown = utf8_valid(key, strlen(key)) ? key : "?";
			return invalid(msg, "未知的附加信息：%.*s",
				       (int)utf8_cut_bytes(shown, strlen(shown), 40), shown);
		}
		json_t *kept;
		if (answer_check(def, v, &kept, msg) != LEDGER_OK)
			return LEDGER_INVALID;
		if (kept)
			json_object_set_new(out, key, kept);
	}
	size_t i;
	json_t *def;
	json_array_foreach(defs, i, def) {
		const char *code = json_string_value(json_object_get(def, "code"));
		if (json_is_true(json_object_get(def, "required")) &&
		    json_is_true(json_object_get(def, "variable")) && !json_object_get(out, code))
			return invalid(msg, "请填写附加信息：%s", json_string_value(json_object_get(def, "description")));
	}
	return LEDGER_OK;
}

int attribute_check(const char *defs_json, const char *answers_json, char **normalized,
		    char **msg)
{
	json_t *defs = NULL, *answers = NULL, *out = json_object();
	int rc = defs_parse(defs_json, &defs, msg);
	if (rc != LEDGER_OK) {
		/* Why an error, not the user's fault: definitions were checked
		 * when they were saved. */
		free(*msg);
		*msg = xstrdup("类别的附加问题配置有误，请联系管理员");
		rc = LEDGER_ERROR;
		goto done;
	}
	answers = str_empty(answers_json) ? json_object()
					  : json_loads(answers_json, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(answers)) {
		rc = invalid(msg, "附加信息须为 JSON 对象");
		goto done;
	}
	rc = answers_check(defs, answers, out, msg);
	if (rc == LEDGER_OK)
		*normalized = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_SORT_KEYS);
done:
	json_decref(defs);
	json_decref(answers);
	json_decref(out);
	return rc;
}
