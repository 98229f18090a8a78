/*
 * token.h — random tokens and their one-way hashes (libsodium), for
 * sessions, CSRF tokens, API keys and residents' 查询码. Only hashes are
 * stored, so a leaked database leaks no live credential.
 */
#ifndef TZ_BASE_TOKEN_H
#define TZ_BASE_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/* 32 random bytes as unpadded base64url: 43 characters and the NUL. */
#define TOKEN_SIZE 44
/* BLAKE2b-256 as hex and the NUL. */
#define TOKEN_HASH_SIZE 65

/* Initialise libsodium once (idempotent, thread-safe). Aborts if it fails. */
void token_init(void);
void token_random(char out[TOKEN_SIZE]);
void token_hash(const char *token, char out[TOKEN_HASH_SIZE]);
/* Constant-time equality of two strings of the same length. */
bool token_equal(const char *a, const char *b);

#endif
