/*
 * open311_args.c — reading Open311 arguments the way the spec defines
 * them: an empty parameter is the same as an absent one; lists are comma
 * separated and a parameter may be given more than once; jurisdiction_id
 * is optional for an endpoint that serves one jurisdiction; date-times
 * are the W3C profile of ISO 8601 with their zone; a search window spans
 * at most 90 days and defaults to the most recent 90 days.
 */
#include "api/open311_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/isotime.h"
#include "base/util.h"
#include "web/app.h"

const char *o311_arg(const request *rq, const char *name)
{
	const char *v = rq_param(rq, name);
	return str_empty(v) ? NULL : v;
}

/* Append one trimmed item of n bytes at s (empty ones are dropped). */
static bool list_push(o311_list *l, const char *s, size_t n, size_t max)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	if (n == 0)
		return true;
	if (l->n == max)
		return false;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	l->v[l->n++] = xstrndup(s, n);
	return true;
}

bool o311_list_split(const char *s, size_t max, o311_list *l)
{
	while (s && *s) {
		size_t n = strcspn(s, ",");
		if (!list_push(l, s, n, max))
			return false;
		s += n;
		if (*s == ',')
			s++;
	}
	return true;
}

bool o311_list_arg(const request *rq, const char *name, size_t max, o311_list *l)
{
	const kvlist *lists[] = {&rq->form, &rq->query};
	memset(l, 0, sizeof *l);
	for (size_t k = 0; k < ARRAY_LEN(lists); k++)
		for (size_t i = 0; i < lists[k]->n; i++)
			if (strcmp(lists[k]->items[i].name, name) == 0 &&
			    !o311_list_split(lists[k]->items[i].value, max, l))
				return false;
	return true;
}

void o311_list_free(o311_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

bool o311_jurisdiction_ok(request *rq, response *rs)
{
	const app *a = rq->app;
	const char *mine = a ? a->jurisdiction_id : NULL;
	const char *asked = o311_arg(rq, "jurisdiction_id");
	/* Why optional: this server serves one jurisdiction, and the spec lets
	 * such a server treat the parameter as optional. Only a jurisdiction
	 * that is named and is not ours is refused. */
	if (!asked || str_empty(mine) || strcmp(asked, mine) == 0)
		return true;
	const char *desc = "jurisdiction_id 不存在：本接口只服务本辖区。";
	o311_errors(rq, rs, 404, &desc, 1);
	return false;
}

/* Parse s as a W3C date or date-time with its zone. */
static bool parse_w3c(const char *s, bool end_of_day, int64_t *out)
{
	bool zoned = false;
	int64_t t;
	if (!isotime_parse(s, end_of_day, &t, &zoned))
		return false;
	/* Why: the spec says a date-time must include its zone; a bare date
	 * has none to give and is read in the office's civil time. */
	if (strchr(s, 'T') && !zoned)
		return false;
	*out = t;
	return true;
}

bool o311_parse_time(const char *s, bool end_of_day, int64_t *out)
{
	if (str_empty(s) || strlen(s) > 40)
		return false;
	if (parse_w3c(s, end_of_day, out))
		return true;
	/* A '+' sent unencoded in a query string arrives as a space. */
	const char *sp = strchr(s, ' ');
	if (!sp || strchr(sp + 1, ' ') || !strchr(s, 'T') || sp < strchr(s, 'T'))
		return false;
	char copy[48];
	snprintf(copy, sizeof copy, "%s", s);
	copy[sp - s] = '+';
	return parse_w3c(copy, end_of_day, out);
}

const char *o311_window(const char *start, const char *end, int64_t now, int64_t *from,
			int64_t *to)
{
	int64_t a = 0, b = 0;
	if (start && !o311_parse_time(start, false, &a))
		return "start_date 须为带时区的 W3C 日期时间，如 2026-11-01T00:00:00+08:00";
	if (end && !o311_parse_time(end, true, &b))
		return "end_date 须为带时区的 W3C 日期时间，如 2026-11-30T23:59:59+08:00";
	if (!start && !end) {
		b = now;
		a = now - O311_SPAN;
	} else if (!end) {
		b = a + O311_SPAN;
	} else if (!start) {
		a = b - O311_SPAN;
	}
	if (a > b)
		return "start_date 不能晚于 end_date";
	if (b - a > O311_SPAN)
		return "start_date 到 end_date 不能超过90天";
	*from = a;
	*to = b;
	return NULL;
}
