/*
 * fuzz_minhash.c — fuzz target "minhash": shingles, likeness, signatures
 * and band keys of any bytes (text/minhash.c, through text/fold.c).
 *
 * The input is two texts split at the first NUL byte. What must hold: a
 * finished set is sorted without repeats; Jaccard and containment are in
 * [0, 1], symmetric, 1 for a text with itself (when it has shingles) and
 * Jaccard ≤ containment; signatures and band keys are the same twice; a
 * text with no shingles has no band keys; a signature packs and unpacks
 * unchanged.
 */
#include "fuzz.h"

#include <string.h>

#include "text/minhash.h"

static void finished_ok(const shingles *s)
{
	for (size_t i = 1; i < s->n; i++)
		FUZZ_CHECK(s->v[i - 1] < s->v[i]);
}

static void set_of(const char *p, size_t n, shingles *s)
{
	*s = (shingles)SHINGLES_INIT;
	shingles_add(s, p, n);
	shingles_finish(s);
	finished_ok(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *a, *b;
	size_t an, bn;
	fuzz_split(data, size, '\0', &a, &an, &b, &bn);
	shingles x, y;
	set_of(a, an, &x);
	set_of(b, bn, &y);

	double j = shingles_jaccard(&x, &y), c = shingles_containment(&x, &y);
	FUZZ_CHECK(j >= 0 && j <= 1 && c >= 0 && c <= 1 && j <= c);
	FUZZ_CHECK(j == shingles_jaccard(&y, &x) && c == shingles_containment(&y, &x));
	if (x.n)
		FUZZ_CHECK(shingles_jaccard(&x, &x) == 1.0);

	uint32_t s1[MINHASH_K], s2[MINHASH_K], back[MINHASH_K];
	int64_t k1[MINHASH_BANDS], k2[MINHASH_BANDS];
	minhash_sign(&x, s1);
	minhash_sign(&x, s2);
	FUZZ_CHECK(memcmp(s1, s2, sizeof s1) == 0);
	size_t n1 = minhash_bands(s1, k1), n2 = minhash_bands(s2, k2);
	FUZZ_CHECK(n1 == n2 && n1 == (x.n ? MINHASH_BANDS : 0));
	FUZZ_CHECK(n1 == 0 || memcmp(k1, k2, sizeof k1) == 0);
	double e = minhash_estimate(s1, s2);
	FUZZ_CHECK(e == 1.0);

	unsigned char packed[MINHASH_K * 4];
	minhash_pack(s1, packed);
	FUZZ_CHECK(minhash_unpack(packed, sizeof packed, back) == 0);
	FUZZ_CHECK(memcmp(s1, back, sizeof back) == 0);

	/* the same text split in two runs has no more pairs than in one */
	shingles split = SHINGLES_INIT;
	shingles_add(&split, a, an / 2);
	shingles_add(&split, a + an / 2, an - an / 2);
	shingles_finish(&split);
	finished_ok(&split);
	FUZZ_CHECK(split.n <= x.n + 2);

	shingles_free(&x);
	shingles_free(&y);
	shingles_free(&split);
	return 0;
}
