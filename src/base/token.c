/*
 * token.c — random tokens and hashes (see token.h).
 */
#include "base/token.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void token_init(void)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "taizhang: libsodium failed to initialise\n");
		abort();
	}
}

void token_random(char out[TOKEN_SIZE])
{
	unsigned char raw[32];
	token_init();
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, TOKEN_SIZE, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void token_hash(const char *token, char out[TOKEN_HASH_SIZE])
{
	unsigned char h[32];
	token_init();
	crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, TOKEN_HASH_SIZE, h, sizeof h);
}

bool token_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}
