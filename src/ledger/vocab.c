/*
 * vocab.c — the ledger's fixed vocabularies and their Chinese labels:
 * statuses, kinds, subkinds, channels and ratings. Stored values are the
 * English names; pages show the labels.
 */
#include "ledger/matter.h"

#include <string.h>

typedef struct term {
	const char *name, *label;
} term;

static const term statuses[ST_COUNT] = {
	[ST_SUBMITTED] = {"submitted", "待受理"},   [ST_ACCEPTED] = {"accepted", "已受理"},
	[ST_REJECTED] = {"rejected", "不予受理"},   [ST_ASSIGNED] = {"assigned", "已派单"},
	[ST_IN_PROGRESS] = {"in_progress", "办理中"}, [ST_RESOLVED] = {"resolved", "已办结"},
	[ST_CLOSED] = {"closed", "已销号"},         [ST_RETURNED] = {"returned", "已退单"},
	[ST_REOPENED] = {"reopened", "重办"},       [ST_MERGED] = {"merged", "已合并"},
};

static const term kinds[] = {
	{"request", "诉求"},   {"wish", "微心愿"},        {"petition", "信访"},
	{"inspection", "检视问题"}, {"project", "实事项目"},
};

static const term subkinds[] = {
	{"咨询", "咨询"}, {"求助", "求助"}, {"投诉", "投诉"}, {"举报", "举报"}, {"建议", "建议"},
};

static const term channels[] = {
	{"web", "网上"},     {"kiosk", "自助终端"}, {"hotline", "热线"},  {"box", "意见箱"},
	{"visit", "走访"},   {"petition", "信访"},  {"inspection", "检查"}, {"app", "应用接入"},
	{"import", "台账导入"}, /* matters taken in from an office's sheet (report/import.c) */
};

static const term ratings[] = {
	{"satisfied", "满意"}, {"basic", "基本满意"}, {"dissatisfied", "不满意"},
};

static const term *find(const term *v, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

#define FIND(v, name) find((v), sizeof(v) / sizeof((v)[0]), (name))

const char *status_name(int st)
{
	return st >= 0 && st < ST_COUNT ? statuses[st].name : "unknown";
}

const char *status_label(int st)
{
	return st >= 0 && st < ST_COUNT ? statuses[st].label : "未知";
}

int status_from_name(const char *name)
{
	const term *t = FIND(statuses, name);
	return t ? (int)(t - statuses) : -1;
}

bool status_is_open(int st)
{
	return st != ST_RESOLVED && st != ST_CLOSED && st != ST_REJECTED && st != ST_MERGED;
}

const char *kind_label(const char *kind)
{
	const term *t = FIND(kinds, kind);
	return t ? t->label : "";
}

bool kind_valid(const char *kind)
{
	return FIND(kinds, kind) != NULL;
}

bool subkind_valid(const char *subkind)
{
	return FIND(subkinds, subkind) != NULL;
}

const char *channel_label(const char *channel)
{
	const term *t = FIND(channels, channel);
	return t ? t->label : "";
}

bool channel_valid(const char *channel)
{
	return FIND(channels, channel) != NULL;
}

const char *rating_label(const char *rating)
{
	const term *t = FIND(ratings, rating);
	return t ? t->label : "";
}

bool rating_valid(const char *rating)
{
	return FIND(ratings, rating) != NULL;
}
