/*
 * t2s_rule.h — how OpenCC's conversions of single characters become the
 * folding table: shared by the generator (tools/t2s_table.c) and the test
 * that checks the table against OpenCC (tests/unit/test_fold.c).
 *
 * A character folds to what t2s makes of it. Failing that, to what tw2s
 * or hk2s make of it (Taiwan and Hong Kong variant forms such as 裡), but
 * never a character that t2s itself produces: those are simplified already
 * (tw2s would turn 么, the simplified form of 麼, into 幺). Then chains are
 * followed to their end, so folding twice gives what folding once gave.
 */
#ifndef TZ_TEXT_T2S_RULE_H
#define TZ_TEXT_T2S_RULE_H

#include <stdint.h>
#include <stdlib.h>

/* cps: the n code points of t2s_ranges in order; res[0..2][i]: what t2s,
 * tw2s and hk2s made of cps[i] (0: not a single code point). Returns the
 * folded form of each (malloc'd, n entries). */
static inline uint32_t *t2s_fold_map(const uint32_t *cps, size_t n, uint32_t *const res[3])
{
	uint32_t *to = malloc(n * sizeof *to);
	char *simplified = calloc(n, 1);
	/* index of a code point in cps, or n (the ranges are sorted) */
#define T2S_INDEX(cp, out)                                                  \
	do {                                                                \
		size_t lo_ = 0, hi_ = n;                                    \
		while (lo_ < hi_) {                                         \
			size_t mid_ = (lo_ + hi_) / 2;                      \
			if (cps[mid_] < (cp))                               \
				lo_ = mid_ + 1;                             \
			else                                                \
				hi_ = mid_;                                 \
		}                                                           \
		(out) = lo_ < n && cps[lo_] == (cp) ? lo_ : n;              \
	} while (0)
	for (size_t i = 0; i < n; i++)
		if (res[0][i] && res[0][i] != cps[i]) {
			size_t k;
			T2S_INDEX(res[0][i], k);
			if (k < n)
				simplified[k] = 1;
		}
	for (size_t i = 0; i < n; i++) {
		to[i] = cps[i];
		for (int c = 0; c < 3 && to[i] == cps[i]; c++)
			if (res[c][i] && (c == 0 || !simplified[i]))
				to[i] = res[c][i];
	}
	for (size_t i = 0; i < n; i++)
		for (int hops = 0; hops < 8; hops++) {
			size_t k;
			T2S_INDEX(to[i], k);
			if (k == n || to[k] == to[i])
				break;
			to[i] = to[k];
		}
#undef T2S_INDEX
	free(simplified);
	return to;
}

#endif
