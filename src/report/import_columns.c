/*
 * import_columns.c — the one table of the headers an import understands:
 * for every field its English name, the Chinese header the export writes
 * (so an exported ledger imports as it is) and the other names offices'
 * own sheets use for it (问题清单, 牵头单位, 完成时间, 进展情况, 联系方式,
 * ...). Matching ignores blanks and line breaks inside a header, a
 * trailing * (a "required" mark) and a trailing remark in parentheses
 * ("完成时限（YYYY-MM-DD）").
 */
#include "report/import.h"
#include "base/buf.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

const import_column import_columns[] = {
	{IF_IGNORE, "ignore", "不导入", ""},
	{IF_SEQ, "seq", "序号", "序|行号|No.|No"},
	{IF_NUMBER, "number", "编号", "事项编号|诉求编号|工单号|工单编号|台账编号|原编号|问题编号"},
	{IF_KIND, "kind", "类型", "事项类型"},
	{IF_SUBKIND, "subkind", "诉求类型", "诉求类别|诉求分类"},
	{IF_TITLE, "title", "事项", "事项名称|标题|问题清单|问题名称|诉求事项|项目名称|心愿名称|主题"},
	{IF_DESCRIPTION, "description", "内容",
	 "问题描述|具体问题|诉求内容|具体内容|详细情况|情况描述|问题内容|心愿内容|描述|事项内容"},
	{IF_CATEGORY, "category", "类别", "分类|问题类别|问题类型|事项类别"},
	{IF_AREA, "area", "片区", "区域|所属片区|村(社区)|所属村(社区)|村社区|社区|网格"},
	{IF_ADDRESS, "address", "地址", "具体地址|详细地址|位置|地点"},
	{IF_CHANNEL, "channel", "渠道", "来源|来源渠道|受理渠道|反映渠道"},
	{IF_DEPARTMENT, "department", "责任单位", "牵头单位|主办单位|承办单位|责任部门|办理单位"},
	{IF_CODEPARTMENTS, "codepartments", "协办单位", "配合单位|协同单位|协办部门|配合部门"},
	{IF_ASSIGNEE, "assignee", "责任人", "承办人|经办人|具体责任人"},
	{IF_CREATED, "created", "登记时间", "受理时间|反映时间|登记日期|提交时间|收到时间"},
	{IF_DEADLINE, "deadline", "完成时限", "完成时间|办结时限|办理时限|整改时限|时限"},
	{IF_PROGRESS, "progress", "办理进展", "进展情况|推进情况|办理情况|整改情况|工作进展"},
	{IF_RESULT, "result", "办理结果", "办结情况|处理结果|答复内容|回复内容|整改结果"},
	{IF_STATUS, "status", "状态", "办理状态|当前状态"},
	{IF_OVERDUE, "overdue", "是否超期", "超期"},
	{IF_RESOLVED, "resolved", "办结时间", "办结日期|完成日期"},
	{IF_RATING, "rating", "满意度", "群众满意度|评价|满意度评价"},
	{IF_PUBLIC, "public", "是否公开", "公开"},
	{IF_SUBMITTER, "submitter_name", "诉求人", "姓名|群众姓名|反映人|联系人|诉求人姓名|申请人"},
	{IF_PHONE, "submitter_phone", "联系电话", "联系方式|电话|手机|手机号|手机号码"},
	{IF_MEASURES, "measures", "整改措施", "工作措施|解决措施|措施"},
	{IF_LEADER, "leader", "责任领导", "包联领导|分管领导|牵头领导"},
	{IF_REMARK, "remark", "备注", "说明"},
};
const size_t import_ncolumns = ARRAY_LEN(import_columns);

/* A header in the form it is compared in: no blanks (ASCII or U+3000),
 * full-width parentheses as ASCII, ASCII lower case, no trailing '*'. */
static void normalize(const char *s, buf *out)
{
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (strncmp(p, "\u3000", 3) == 0) {
			p += 2;
		} else if (strncmp(p, "\uff08", 3) == 0) {
			buf_putc(out, '(');
			p += 2;
		} else if (strncmp(p, "\uff09", 3) == 0) {
			buf_putc(out, ')');
			p += 2;
		} else if (strncmp(p, "\uff0a", 3) == 0) {
			buf_putc(out, '*');
			p += 2;
		} else {
			buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c + 32 : c));
		}
	}
	while (out->len && out->data[out->len - 1] == '*')
		out->data[--out->len] = '\0';
}

/* Is the normalised header h one of the '|'-separated names? */
static bool among(const char *h, const char *names)
{
	for (const char *p = names; *p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		buf n = BUF_INIT;
		char *one = xstrndup(p, len);
		normalize(one, &n);
		bool hit = strcmp(buf_str(&n), h) == 0;
		free(one);
		buf_free(&n);
		if (hit)
			return true;
		p += len + (bar ? 1 : 0);
	}
	return false;
}

static int lookup(const char *h)
{
	for (size_t i = 0; i < import_ncolumns; i++)
		if (among(h, import_columns[i].header) || among(h, import_columns[i].name) ||
		    among(h, import_columns[i].aliases))
			return import_columns[i].field;
	return -1;
}

int import_field_by_header(const char *header)
{
	buf h = BUF_INIT;
	normalize(header, &h);
	int f = h.len ? lookup(buf_str(&h)) : -1;
	/* "完成时限(YYYY-MM-DD)": the name before a trailing remark. */
	char *paren = strchr(buf_str(&h), '(');
	if (f < 0 && paren && paren > h.data && h.data[h.len - 1] == ')') {
		*paren = '\0';
		f = lookup(h.data);
	}
	buf_free(&h);
	return f;
}

int import_field_by_name(const char *name)
{
	for (size_t i = 0; name && i < import_ncolumns; i++)
		if (strcmp(import_columns[i].name, name) == 0)
			return import_columns[i].field;
	return -1;
}

const char *import_field_header(int field)
{
	for (size_t i = 0; i < import_ncolumns; i++)
		if (import_columns[i].field == field)
			return import_columns[i].header;
	return "";
}
