/*
 * fuzz_attribute.c — fuzz target "attribute": a category's extra
 * questions and the answers a submission gives them (ledger/attribute.c),
 * as administrators and Open311 clients send them.
 *
 * The input's first line is the definitions (a JSON array), the rest the
 * answers (a JSON object). Checks: the canonical form of accepted
 * definitions is accepted again unchanged; answers accepted against them
 * come out as a JSON object that is accepted again unchanged; and every
 * refusal has a message that is valid UTF-8, since it is shown as is.
 */
#include "fuzz.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "ledger/attribute.h"
#include "ledger/ledger.h"

/* A refusal's message: present and valid text. */
static void check_msg(const char *msg)
{
	FUZZ_CHECK(msg != NULL && msg[0] != '\0');
	FUZZ_CHECK(utf8_valid(msg, strlen(msg)));
}

/* Answers against definitions defs (canonical, or NULL for none). */
static void check_answers(const char *defs, const char *answers)
{
	char *norm = NULL, *again = NULL, *msg = NULL;
	int rc = attribute_check(defs, answers, &norm, &msg);
	if (rc != LEDGER_OK) {
		FUZZ_CHECK(rc == LEDGER_INVALID);
		check_msg(msg);
		goto done;
	}
	FUZZ_CHECK(norm != NULL);
	json_t *j = json_loads(norm, 0, NULL);
	FUZZ_CHECK(json_is_object(j));
	json_decref(j);
	FUZZ_CHECK(attribute_check(defs, norm, &again, &msg) == LEDGER_OK);
	FUZZ_CHECK(strcmp(norm, again) == 0);
done:
	free(norm);
	free(again);
	free(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *a, *b;
	size_t an, bn;
	fuzz_split(data, size, '\n', &a, &an, &b, &bn);
	char *defs = fuzz_cstr((const uint8_t *)a, an), *answers = fuzz_cstr((const uint8_t *)b, bn);
	char *norm = NULL, *again = NULL, *msg = NULL;
	int rc = attribute_defs_check(defs, &norm, &msg);
	if (rc != LEDGER_OK) {
		FUZZ_CHECK(rc == LEDGER_INVALID);
		check_msg(msg);
		check_answers(NULL, answers);
		goto done;
	}
	if (norm) {
		json_t *j = json_loads(norm, 0, NULL);
		FUZZ_CHECK(json_is_array(j) && json_array_size(j) <= ATTRIBUTE_MAX);
		json_decref(j);
		FUZZ_CHECK(attribute_defs_check(norm, &again, &msg) == LEDGER_OK);
		FUZZ_CHECK(again && strcmp(norm, again) == 0);
	}
	check_answers(norm, answers);
done:
	free(defs);
	free(answers);
	free(norm);
	free(again);
	free(msg);
	return 0;
}
