/*
 * utf8.h — strict UTF-8 validation, counting and cutting.
 *
 * Everything the program takes in as text (paths, form fields, cookies,
 * imported cells) is checked with utf8_valid() before it is stored or shown,
 * so the rest of the code may assume well-formed UTF-8 without NUL bytes.
 * The counting and cutting helpers are for display: a title shortened for a
 * table cell must not end in half a character.
 */
#ifndef TZ_BASE_UTF8_H
#define TZ_BASE_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when the n bytes at s are well-formed UTF-8 (RFC 3629): no overlong
 * forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no
 * truncated sequence and no NUL byte. An empty string is valid. */
bool utf8_valid(const char *s, size_t n);

/* A code point that never comes out of valid text: what utf8_decode()
 * gives for an ill-formed sequence. (U+FFFD itself decodes as U+FFFD.) */
#define UTF8_BAD 0xFFFFFFFFu

/* Decode the code point at s (n bytes available) into *cp and return its
 * length in bytes. An ill-formed or truncated sequence gives *cp = UTF8_BAD
 * and length 1, so a loop always advances; n == 0 gives 0. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Write cp (at most U+10FFFF, not a surrogate) as UTF-8; return its length. */
size_t utf8_encode(uint32_t cp, char out[4]);

/* Number of code points in the n bytes at s. Meant for valid text; on
 * invalid input every byte that is not a continuation byte counts as one. */
size_t utf8_count(const char *s, size_t n);

/* Length in bytes of the longest prefix of the n bytes at s that holds at
 * most max_chars code points: cut there to shorten text for display. */
size_t utf8_truncate(const char *s, size_t n, size_t max_chars);

/* Length in bytes of the longest prefix of the n bytes at s that is at most
 * max_bytes long and does not end inside a multi-byte sequence: cut there to
 * fit text into a fixed-size field. */
size_t utf8_cut_bytes(const char *s, size_t n, size_t max_bytes);

/* True when the NUL-terminated s holds only white space: ASCII blanks,
 * tabs, newlines and the ideographic space U+3000 (also when empty). */
bool utf8_blank(const char *s);

#endif
