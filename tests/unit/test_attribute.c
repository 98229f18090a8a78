/*
 * test_attribute.c — a category's extra questions and the answers to them
 * (ledger/attribute.c): the six datatypes, canonical form, and every
 * refusal naming the question.
 */
#include "unit.h"

#include <stdlib.h>

#include "ledger/attribute.h"
#include "ledger/ledger.h"

/* One question of each datatype, given out of order. */
static const char defs[] =
	"[{\"code\":\"notes\",\"datatype\":\"text\",\"order\":6,\"description\":\"其他情况\"},"
	"{\"code\":\"kind\",\"datatype\":\"singlevaluelist\",\"required\":true,\"order\":1,"
	"\"description\":\"问题类型\",\"values\":[{\"key\":\"cold\",\"name\":\"暖气不热\"},"
	"{\"key\":7,\"name\":\"停气\"}]},"
	"{\"code\":\"temp\",\"datatype\":\"number\",\"order\":2,\"description\":\"室温\"},"
	"{\"code\":\"since\",\"datatype\":\"datetime\",\"order\":3,\"description\":\"开始时间\"},"
	"{\"code\":\"room\",\"datatype\":\"string\",\"required\":true,\"order\":4,\"description\":\"门牌\"},"
	"{\"code\":\"parts\",\"datatype\":\"multivaluelist\",\"order\":5,\"description\":\"部位\","
	"\"values\":[{\"key\":\"a\",\"name\":\"甲\"},{\"key\":\"b\",\"name\":\"乙\"}]},"
	"{\"code\":\"info\",\"datatype\":\"string\",\"variable\":false,\"required\":true,\"order\":7,"
	"\"description\":\"仅供说明\"}]";

static void test_defs_canonical(void **state)
{
	char *out = NULL, *msg = NULL;
	assert_int_equal(attribute_defs_check(defs, &out, &msg), LEDGER_OK);
	/* sorted by order, defaults filled, numeric keys as strings */
	const char *kind = strstr(out, "\"code\":\"kind\""), *temp = strstr(out, "\"code\":\"temp\"");
	const char *notes = strstr(out, "\"code\":\"notes\"");
	assert_non_null(kind);
	assert_true(kind < temp && temp < notes);
	assert_non_null(strstr(out, "{\"key\":\"7\",\"name\":\"停气\"}"));
	assert_non_null(strstr(out, "\"variable\":true,\"code\":\"notes\",\"datatype\":\"text\","
				    "\"required\":false,\"datatype_description\":\"\""));
	/* canonical form is stable */
	char *again = NULL;
	assert_int_equal(attribute_defs_check(out, &again, &msg), LEDGER_OK);
	assert_string_equal(out, again);
	free(out);
	free(again);
	assert_int_equal(attribute_defs_check(NULL, &out, &msg), LEDGER_OK);
	assert_string_equal(out, "[]");
	free(out);
}

static void test_defs_refused(void **state)
{
	static const struct {
		const char *json, *says;
	} bad[] = {
		{"{}", "JSON 数组"},
		{"[1]", "代码"},
		{"[{\"code\":\"a b\",\"datatype\":\"text\",\"order\":1,\"description\":\"x\"}]", "代码"},
		{"[{\"code\":\"a\",\"datatype\":\"blob\",\"order\":1,\"description\":\"x\"}]", "a 的类型"},
		{"[{\"code\":\"a\",\"datatype\":\"text\",\"order\":0,\"description\":\"x\"}]", "顺序"},
		{"[{\"code\":\"a\",\"datatype\":\"text\",\"order\":1}]", "说明"},
		{"[{\"code\":\"a\",\"datatype\":\"text\",\"order\":1,\"description\":\"x\",\"required\":1}]",
		 "true 或 false"},
		{"[{\"code\":\"a\",\"datatype\":\"singlevaluelist\",\"order\":1,\"description\":\"x\"}]", "选项"},
		{"[{\"code\":\"a\",\"datatype\":\"singlevaluelist\",\"order\":1,\"description\":\"x\","
		 "\"values\":[{\"key\":\"k\",\"name\":\"1\"},{\"key\":\"k\",\"name\":\"2\"}]}]", "重复"},
		{"[{\"code\":\"a\",\"datatype\":\"text\",\"order\":1,\"description\":\"x\","
		 "\"values\":[{\"key\":\"k\",\"name\":\"1\"}]}]", "不能有选项"},
		{"[{\"code\":\"a\",\"datatype\":\"text\",\"order\":1,\"description\":\"x\"},"
		 "{\"code\":\"a\",\"datatype\":\"text\",\"order\":2,\"description\":\"y\"}]", "代码 a 重复"},
		{"[{\"code\":\"a\",\"datatype\":\"text\",\"order\":1,\"description\":\"x\"},"
		 "{\"code\":\"b\",\"datatype\":\"text\",\"order\":1,\"description\":\"y\"}]", "b 的顺序"},
		{"not json", "JSON"},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *out = NULL, *msg = NULL;
		assert_int_equal(attribute_defs_check(bad[i].json, &out, &msg), LEDGER_INVALID);
		assert_null(out);
		if (!strstr(msg, bad[i].says))
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, msg, bad[i].says);
		free(msg);
	}
}

static void test_answers_kept(void **state)
{
	char *out = NULL, *msg = NULL;
	assert_int_equal(attribute_check(defs,
					 "{\"kind\":\"7\",\"room\":\"3号楼2单元\",\"temp\":\"-4.5\","
					 "\"since\":\"2026-11-20T08:00:00+08:00\",\"parts\":[\"b\",\"a\"],"
					 "\"notes\":\"第一行\\n第二行\"}",
					 &out, &msg),
			 LEDGER_OK);
	assert_string_equal(out, "{\"kind\":\"7\",\"notes\":\"第一行\\n第二行\",\"parts\":[\"b\",\"a\"],"
				 "\"room\":\"3号楼2单元\",\"since\":\"2026-11-20T08:00:00+08:00\","
				 "\"temp\":\"-4.5\"}");
	free(out);
	/* empty answers are absent; a single string for a multivaluelist is a list of one */
	assert_int_equal(attribute_check(defs, "{\"kind\":\"cold\",\"room\":\"1\",\"temp\":\"\",\"parts\":\"a\"}",
					 &out, &msg),
			 LEDGER_OK);
	assert_string_equal(out, "{\"kind\":\"cold\",\"parts\":[\"a\"],\"room\":\"1\"}");
	free(out);
	/* no questions, no answers */
	assert_int_equal(attribute_check("[]", NULL, &out, &msg), LEDGER_OK);
	assert_string_equal(out, "{}");
	free(out);
}

static void test_answers_refused(void **state)
{
	static const struct {
		const char *json, *says;
	} bad[] = {
		{"{}", "问题类型"},
		{"{\"kind\":\"cold\"}", "门牌"},
		{"{\"kind\":\"\",\"room\":\"1\"}", "问题类型"},
		{"{\"kind\":\"hot\",\"room\":\"1\"}", "kind 的取值不在选项"},
		{"{\"kind\":\"cold\",\"room\":\"1\",\"temp\":\"twelve\"}", "temp 须为数字"},
		{"{\"kind\":\"cold\",\"room\":\"1\",\"temp\":\"1e5\"}", "temp 须为数字"},
		{"{\"kind\":\"cold\",\"room\":\"1\",\"since\":\"yesterday\"}", "since 须为日期时间"},
		{"{\"kind\":\"cold\",\"room\":\"a\\nb\"}", "room 须为一行"},
		{"{\"kind\":\"cold\",\"room\":\"1\",\"parts\":[\"a\",\"a\"]}", "parts 的取值重复"},
		{"{\"kind\":\"cold\",\"room\":\"1\",\"parts\":[\"c\"]}", "parts 的取值不在选项"},
		{"{\"kind\":\"cold\",\"room\":\"1\",\"parts\":[1]}", "parts 的取值须为文字"},
		{"{\"kind\":[\"cold\"],\"room\":\"1\"}", "kind 的取值格式"},
		{"{\"kind\":\"cold\",\"room\":\"1\",\"colour\":\"red\"}", "未知的附加信息：colour"},
		{"[]", "JSON 对象"},
		{"{\"kind\":\"cold\",\"kind\":\"7\",\"room\":\"1\"}", "JSON 对象"},
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *out = NULL, *msg = NULL;
		assert_int_equal(attribute_check(defs, bad[i].json, &out, &msg), LEDGER_INVALID);
		assert_null(out);
		if (!strstr(msg, bad[i].says))
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i, msg, bad[i].says);
		free(msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defs_canonical),
		cmocka_unit_test(test_defs_refused),
		cmocka_unit_test(test_answers_kept),
		cmocka_unit_test(test_answers_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
