/*
 * fuzz_api_json.c — fuzz target "api_json": the staff JSON API
 * (api/v1_*.c) through the real route table: JSON bodies of intake,
 * actions, departments, categories and people, and the query parameters
 * of the lists, on the fixture ledger of common.c.
 *
 * The input is a request as text (see fuzz_http in fuzz.h), e.g.
 *
 *     POST /api/v1/matters/TZ-2026-000002/actions/assign
 *     Authorization: Bearer clerk
 *     Content-Type: application/json
 *
 *     {"department": "cgj", "deadline": "2026-12-04", "version": 2}
 *
 * Paths outside /api/v1/ are ignored. fuzz_http checks the answer: never
 * a 500, always JSON, no resident's personal data to a reader who may not
 * see it.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_http(data, size, "/api/v1/");
	return 0;
}
