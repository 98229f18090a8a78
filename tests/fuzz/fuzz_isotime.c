/*
 * fuzz_isotime.c — fuzz target "isotime": ISO 8601 date-times as Open311
 * and the JSON API read them (base/isotime.c) and Open311's W3C times and
 * 90-day window (o311_parse_time, o311_window in api/open311_args.c).
 *
 * The input is one time, or two on two lines (start_date and end_date).
 * Checks: a time read as end of day is the same instant, or for a bare
 * date 23:59:59 later; every instant read writes back as text that reads
 * as the same instant (in years 1..9999 at +08:00); Open311 accepts no date-time without its zone; a
 * window that is accepted runs forwards and spans at most 90 days.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "api/open311_int.h"
#include "base/isotime.h"

/* One time: both readings, and the round trip through isotime_format. */
static void check_time(const char *s)
{
	int64_t t0, t1, back;
	bool zone0, zone1, zone_back;
	bool ok0 = isotime_parse(s, false, &t0, &zone0);
	bool ok1 = isotime_parse(s, true, &t1, &zone1);
	FUZZ_CHECK(ok0 == ok1);
	if (!ok0)
		return;
	FUZZ_CHECK(zone0 == zone1);
	bool bare = strchr(s, 'T') == NULL;
	FUZZ_CHECK(t1 - t0 == (bare ? 86399 : 0));
	FUZZ_CHECK(!bare || !zone0);
	/* Only instants that four-digit years can write in +08:00 read back:
	 * 9999-12-31T23:59:59-12:00 is in the year 10000 there. */
	int64_t first, last;
	FUZZ_CHECK(isotime_parse("0001-01-01T00:00:00+08:00", false, &first, NULL));
	FUZZ_CHECK(isotime_parse("9999-12-31T23:59:59+08:00", false, &last, NULL));
	if (t0 >= first && t0 <= last) {
		char text[ISOTIME_SIZE];
		isotime_format(t0, text);
		FUZZ_CHECK(isotime_parse(text, false, &back, &zone_back));
		FUZZ_CHECK(back == t0 && zone_back);
	}
	int64_t w;
	if (o311_parse_time(s, false, &w))
		FUZZ_CHECK(w == t0 && (bare || zone0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *a, *b;
	size_t an, bn;
	fuzz_split(data, size, '\n', &a, &an, &b, &bn);
	char *start = fuzz_cstr((const uint8_t *)a, an), *end = fuzz_cstr((const uint8_t *)b, bn);
	check_time(start);
	check_time(end);
	int64_t from = 0, to = 0;
	const char *problem = o311_window(*start ? start : NULL, *end ? end : NULL, FUZZ_NOW, &from,
					  &to);
	if (!problem) {
		FUZZ_CHECK(from <= to && to - from <= O311_SPAN);
		FUZZ_CHECK(*start || *end || to == FUZZ_NOW);
	}
	free(start);
	free(end);
	return 0;
}
