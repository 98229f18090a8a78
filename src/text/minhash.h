/*
 * minhash.h — how alike two texts are, and how to find the alike ones fast.
 *
 * A text is read as the set of its shingles: overlapping pairs of folded
 * characters (fold.h), separators dropped, so 路灯不亮 gives 路灯 灯不 不亮
 * and 路燈 不亮！ gives the same. Two texts are as alike as the Jaccard index
 * of their shingle sets (shared / all); with containment (shared / the
 * smaller set) a short report inside a longer one still counts.
 *
 * Comparing a new text with every matter is too slow at a million matters,
 * so each text also gets a MinHash signature: for each of MINHASH_K fixed
 * hash functions the smallest hash of its shingles. Two signatures agree in
 * a given place with probability equal to the texts' Jaccard index. The
 * signature is cut into MINHASH_BANDS bands of MINHASH_ROWS places; a band
 * key is a hash of one band. Texts that share any band key are candidates
 * (locality-sensitive hashing): with 2 rows in 32 bands, a pair with
 * Jaccard 0.3 shares a band with probability 1 - (1 - 0.3²)³² ≈ 0.95, one
 * with 0.4 ≈ 0.996, one with 0.05 only ≈ 0.08. (16 bands missed a real
 * rewording with Jaccard 0.42 in the end-to-end test: 1 in 20 at that
 * likeness.) The candidates are then checked exactly from their texts.
 *
 * Everything here is deterministic (fixed seeds): signatures and band keys
 * written by one build are read by the next. Changing a constant below
 * means every stored signature must be rebuilt (ledger/similar.c).
 */
#ifndef TZ_TEXT_MINHASH_H
#define TZ_TEXT_MINHASH_H

#include <stddef.h>
#include <stdint.h>

#define MINHASH_K 64
#define MINHASH_BANDS 32
#define MINHASH_ROWS (MINHASH_K / MINHASH_BANDS)

/* A set of shingle hashes: sorted, no repeats after shingles_finish(). */
typedef struct shingles {
	uint64_t *v;
	size_t n, cap;
} shingles;

#define SHINGLES_INIT {NULL, 0, 0}

/* Add the shingles of the n bytes at text (any bytes: ill-formed UTF-8
 * reads as separators). Each call is its own run: no pair is made across
 * two calls, so a title and a description do not make a false pair where
 * they meet. A run of one character gives that character alone. */
void shingles_add(shingles *s, const char *text, size_t n);

/* Sort and drop repeats; call once after the last shingles_add(). */
void shingles_finish(shingles *s);

void shingles_free(shingles *s);

/* The shingles both finished sets have. */
size_t shingles_common(const shingles *a, const shingles *b);

/* Jaccard index |a ∩ b| / |a ∪ b| of two finished sets; 0 when both are
 * empty (nothing to compare is not alike). */
double shingles_jaccard(const shingles *a, const shingles *b);

/* Containment |a ∩ b| / min(|a|, |b|); 0 when either is empty. */
double shingles_containment(const shingles *a, const shingles *b);

/* The MinHash signature of a finished set (all places UINT32_MAX when it
 * is empty). */
void minhash_sign(const shingles *s, uint32_t sig[MINHASH_K]);

/* The share of places where two signatures agree: an estimate of the
 * Jaccard index. */
double minhash_estimate(const uint32_t a[MINHASH_K], const uint32_t b[MINHASH_K]);

/* The band keys of a signature, one per band (the band's number is part of
 * the key, so equal values in different bands do not meet). Returns the
 * number written: MINHASH_BANDS, or 0 for the signature of an empty set,
 * whose bands would make every empty text a candidate of every other. */
size_t minhash_bands(const uint32_t sig[MINHASH_K], int64_t keys[MINHASH_BANDS]);

/* A signature as MINHASH_K * 4 bytes (little-endian) and back, for
 * storage. minhash_unpack returns 0, or -1 when n is not that size. */
void minhash_pack(const uint32_t sig[MINHASH_K], unsigned char out[MINHASH_K * 4]);
int minhash_unpack(const void *p, size_t n, uint32_t sig[MINHASH_K]);

#endif
