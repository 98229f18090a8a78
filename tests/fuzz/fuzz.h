/*
 * fuzz.h — what every fuzz target (tests/fuzz/fuzz_NAME.c) includes: the
 * libFuzzer entry point and the helpers the targets share (common.c).
 *
 * A target is one file that defines LLVMFuzzerTestOneInput(). The same
 * file is built twice: with clang and libFuzzer as build-fuzz/fuzz_NAME
 * (`make fuzz`), and with the normal build and replay.c as
 * build/tests/test_fuzz_NAME, which feeds it every file of
 * tests/fuzz/corpus/NAME/ so `make test` (and ASan, and valgrind) replays
 * the corpus. A target checks what must hold with FUZZ_CHECK: a failed
 * check aborts, which both drivers report as a failure.
 */
#ifndef TZ_TESTS_FUZZ_H
#define TZ_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"

/* The entry point libFuzzer and replay.c call, once per input. Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Abort with the file, line and condition when cond is false. */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

/* A NUL-terminated copy of the size bytes at data (caller frees). An
 * embedded NUL ends the string early, as it would in a C API. */
char *fuzz_cstr(const uint8_t *data, size_t size);

/* Split the input at its first byte sep: *a gets the bytes before it, *b
 * those after (both empty-safe, borrowed from data). Without sep, all of
 * data is *a and *b is empty. */
void fuzz_split(const uint8_t *data, size_t size, char sep, const char **a, size_t *an,
		const char **b, size_t *bn);

/* ---- a ledger to run requests against (set up once per process) ---- */

/* The time every request arrives: 2026-11-23T09:30:00+08:00, a Monday. */
#define FUZZ_NOW 1795397400

/* The in-memory ledger: migrated, default catalogue, departments cgj and
 * zjj, areas xinhua and dongguan, users wang (handler of cgj) and li
 * (leader), one API key per role, and matters TZ-2026-000001..6 in
 * different states (see common.c). Logging is quiet. */
db *fuzz_ledger(void);

/* Run one request written as text against the ledger and check the
 * answer (common.c names the checks). The text is an HTTP request without
 * the protocol version:
 *
 *     POST /api/v1/matters/TZ-2026-000001/actions/assign
 *     Authorization: Bearer admin
 *     Content-Type: application/json
 *
 *     {"department": "cgj"}
 *
 * A role name where a key belongs (Bearer admin, api_key=app in a form)
 * stands for that role's API key, which is random in each process.
 * Requests whose path does not start with prefix are ignored, so each
 * target stays on its own routes. Every change the request makes is rolled
 * back, so inputs do not depend on one another. */
void fuzz_http(const uint8_t *data, size_t size, const char *prefix);

#endif
