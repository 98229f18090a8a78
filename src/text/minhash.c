/*
 * minhash.c — shingles, their exact likeness, MinHash signatures and LSH
 * band keys (minhash.h).
 */
#include "text/minhash.h"
#include "text/fold.h"
#include "base/util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64's finaliser: a fixed, well-mixed 64-bit hash of x. Why not a
 * library hash: the values are stored, so they must never change with a
 * library's version. */
static uint64_t mix64(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

/* A code point that no character folds to: marks a lone character. */
#define ALONE 0xFFFFFFFFu

static void push(shingles *s, uint32_t a, uint32_t b)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = mix64(((uint64_t)a << 32) | b);
}

void shingles_add(shingles *s, const char *text, size_t n)
{
	size_t pos = 0, count = 0;
	uint32_t prev = 0;
	fold_char fc;
	while (text && fold_next(text, n, &pos, &fc)) {
		if (fc.cls == FOLD_SEP)
			continue;
		if (count++ > 0)
			push(s, prev, fc.cp);
		prev = fc.cp;
	}
	if (count == 1)
		push(s, prev, ALONE);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void shingles_finish(shingles *s)
{
	if (s->n < 2)
		return;
	qsort(s->v, s->n, sizeof *s->v, cmp_u64);
	size_t k = 1;
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i] != s->v[k - 1])
			s->v[k++] = s->v[i];
	s->n = k;
}

void shingles_free(shingles *s)
{
	free(s->v);
	memset(s, 0, sizeof *s);
}

size_t shingles_common(const shingles *a, const shingles *b)
{
	size_t i = 0, j = 0, both = 0;
	while (i < a->n && j < b->n) {
		if (a->v[i] < b->v[j])
			i++;
		else if (a->v[i] > b->v[j])
			j++;
		else
			both++, i++, j++;
	}
	return both;
}

double shingles_jaccard(const shingles *a, const shingles *b)
{
	size_t both = shingles_common(a, b), all = a->n + b->n - both;
	return all ? (double)both / (double)all : 0.0;
}

double shingles_containment(const shingles *a, const shingles *b)
{
	size_t smaller = a->n < b->n ? a->n : b->n;
	return smaller ? (double)shingles_common(a, b) / (double)smaller : 0.0;
}

/* The seed of hash function i: fixed forever (see minhash.h). */
static uint64_t seed(int i)
{
	return mix64(0x7A68616E67ULL + (uint64_t)i * 0x100000001B3ULL); /* "zhang" */
}

void minhash_sign(const shingles *s, uint32_t sig[MINHASH_K])
{
	uint64_t seeds[MINHASH_K];
	for (int i = 0; i < MINHASH_K; i++) {
		seeds[i] = seed(i);
		sig[i] = UINT32_MAX;
	}
	for (size_t k = 0; k < s->n; k++)
		for (int i = 0; i < MINHASH_K; i++) {
			uint32_t h = (uint32_t)(mix64(s->v[k] ^ seeds[i]) >> 32);
			if (h < sig[i])
				sig[i] = h;
		}
}

double minhash_estimate(const uint32_t a[MINHASH_K], const uint32_t b[MINHASH_K])
{
	int same = 0;
	for (int i = 0; i < MINHASH_K; i++)
		same += a[i] == b[i];
	return (double)same / MINHASH_K;
}

static bool empty_signature(const uint32_t sig[MINHASH_K])
{
	for (int i = 0; i < MINHASH_K; i++)
		if (sig[i] != UINT32_MAX)
			return false;
	return true;
}

size_t minhash_bands(const uint32_t sig[MINHASH_K], int64_t keys[MINHASH_BANDS])
{
	if (empty_signature(sig))
		return 0;
	for (int band = 0; band < MINHASH_BANDS; band++) {
		uint64_t h = mix64((uint64_t)band + 0xB5AD4ECEDA1CE2A9ULL);
		for (int r = 0; r < MINHASH_ROWS; r++)
			h = mix64(h ^ sig[band * MINHASH_ROWS + r]);
		keys[band] = (int64_t)h;
	}
	return MINHASH_BANDS;
}

void minhash_pack(const uint32_t sig[MINHASH_K], unsigned char out[MINHASH_K * 4])
{
	for (int i = 0; i < MINHASH_K; i++)
		for (int b = 0; b < 4; b++)
			out[i * 4 + b] = (unsigned char)(sig[i] >> (8 * b));
}

int minhash_unpack(const void *p, size_t n, uint32_t sig[MINHASH_K])
{
	const unsigned char *in = p;
	if (!p || n != MINHASH_K * 4)
		return -1;
	for (int i = 0; i < MINHASH_K; i++)
		sig[i] = (uint32_t)in[i * 4] | (uint32_t)in[i * 4 + 1] << 8 |
			 (uint32_t)in[i * 4 + 2] << 16 | (uint32_t)in[i * 4 + 3] << 24;
	return 0;
}
