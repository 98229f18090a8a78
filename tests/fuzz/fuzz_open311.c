/*
 * fuzz_open311.c — fuzz target "open311": Open311 GeoReport v2
 * (api/open311_*.c) through the real route table: POST requests with
 * their form fields and attribute[code] answers, and the parameters of
 * GET requests, services, tokens and updates, on the fixture ledger of
 * common.c.
 *
 * The input is a request as text (see fuzz_http in fuzz.h), e.g.
 *
 *     POST /open311/v2/requests.json
 *     Content-Type: application/x-www-form-urlencoded
 *
 *     api_key=app&service_code=heat-gas&lat=38.30&long=116.83&...
 *
 * Paths outside /open311/v2/ are ignored. fuzz_http checks the answer:
 * never a 500, JSON that parses or XML with its declaration, no
 * resident's personal data in any answer.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_http(data, size, "/open311/v2/");
	return 0;
}
