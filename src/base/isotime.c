/*
 * isotime.c — reading and writing ISO 8601 date-times (see isotime.h).
 * Parsing is strict and by hand: sscanf would accept signs, spaces and
 * short fields that no client means.
 */
#include "base/isotime.h"

#include <stdio.h>
#include <string.h>

#include "base/workday.h"

/* Read exactly n digits at s into *out. */
static bool digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Seconds from 1970-01-01 to the civil date d (proleptic Gregorian). */
static int64_t date_seconds(tz_date d)
{
	return (int64_t)workday_date_diff((tz_date){1970, 1, 1}, d) * 86400;
}

/* Read "THH:MM[:SS[.fff]]" at s; *end after it. */
static bool read_clock(const char *s, int *secs, const char **end)
{
	int h, m, sec = 0;
	if (*s != 'T' || !digits(s + 1, 2, &h) || s[3] != ':' || !digits(s + 4, 2, &m))
		return false;
	s += 6;
	if (*s == ':') {
		if (!digits(s + 1, 2, &sec))
			return false;
		s += 3;
		if (*s == '.') {
			s++;
			if (*s < '0' || *s > '9')
				return false;
			while (*s >= '0' && *s <= '9')
				s++;
		}
	}
	if (h > 23 || m > 59 || sec > 59)
		return false;
	*secs = h * 3600 + m * 60 + sec;
	*end = s;
	return true;
}

/* Read "Z" or "±HH:MM" at s into seconds east of UTC; *end after it. */
static bool read_zone(const char *s, int *offset, const char **end)
{
	if (*s == 'Z') {
		*offset = 0;
		*end = s + 1;
		return true;
	}
	int h, m;
	if ((*s != '+' && *s != '-') || !digits(s + 1, 2, &h) || s[3] != ':' ||
	    !digits(s + 4, 2, &m) || h > 14 || m > 59)
		return false;
	*offset = (h * 3600 + m * 60) * (*s == '-' ? -1 : 1);
	*end = s + 6;
	return true;
}

bool isotime_parse(const char *s, bool end_of_day, int64_t *out, bool *has_zone)
{
	if (!s || strlen(s) < 10)
		return false;
	char day[WORKDAY_DATE_SIZE];
	memcpy(day, s, 10);
	day[10] = '\0';
	tz_date d;
	if (!workday_date_parse(day, &d))
		return false;
	int secs = end_of_day ? 86399 : 0, offset = ISOTIME_OFFSET;
	bool zoned = false;
	const char *p = s + 10;
	if (*p == 'T') {
		if (!read_clock(p, &secs, &p))
			return false;
		if (*p) {
			if (!read_zone(p, &offset, &p))
				return false;
			zoned = true;
		}
	}
	if (*p)
		return false;
	*out = date_seconds(d) + secs - offset;
	if (has_zone)
		*has_zone = zoned;
	return true;
}

void isotime_format(int64_t t, char out[ISOTIME_SIZE])
{
	int64_t local = t + ISOTIME_OFFSET;
	int64_t days = local / 86400, secs = local % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	tz_date d = workday_date_add_days((tz_date){1970, 1, 1}, (int)days);
	snprintf(out, ISOTIME_SIZE, "%04d-%02d-%02dT%02d:%02d:%02d+08:00", d.y, d.m, d.d,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

void isotime_end_of_date(const char *date, char out[ISOTIME_SIZE])
{
	tz_date d;
	if (!workday_date_parse(date, &d)) {
		out[0] = '\0';
		return;
	}
	snprintf(out, ISOTIME_SIZE, "%04d-%02d-%02dT23:59:59+08:00", d.y, d.m, d.d);
}
