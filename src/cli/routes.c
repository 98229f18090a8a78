/*
 * routes.c — `taizhang routes`: print the route table (web/routes.c) as
 * JSON, so that tools and tests read the real table from the binary
 * instead of a copy that drifts: the access-matrix test fills every
 * pattern and tries every role on it, and fails on a row it cannot fill.
 *
 * One object per route: method, pattern, roles (names; empty: anyone),
 * flags ("json", "no_csrf") and error_space (a row without a handler that
 * only gives unknown paths under it their error shape). JSON lines by
 * default, one JSON array with --array. No database is opened.
 */
#include "cli/cli.h"
#include "http/http.h"
#include "web/pages.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char routes_usage[] =
	"usage: taizhang routes [--array]\n"
	"Print every route of the web server, one JSON object per line (with --array:\n"
	"one JSON array), in table order:\n"
	"  {\"method\": \"POST\", \"pattern\": \"/staff/m/{}/act\", \"roles\": [\"admin\", ...],\n"
	"   \"flags\": [], \"error_space\": false}\n"
	"roles empty: anyone may use the route. flags: \"json\" (an API route, errors in\n"
	"its JSON or XML shape), \"no_csrf\" (a POST authenticated by key, not cookie).\n"
	"error_space: the row serves nothing; unknown paths under it get its errors.\n"
	"`{}` in a pattern is one path segment, a last `*` the rest of the path.\n";

/* The route r as a JSON object (a new reference). */
static json_t *route_json(const route *r)
{
	static const unsigned role_bits[] = {ROLE_ADMIN,    ROLE_LEADER,   ROLE_CLERK,
					     ROLE_HANDLER,  ROLE_OBSERVER, ROLE_APP};
	json_t *roles = json_array(), *flags = json_array();
	for (size_t i = 0; i < sizeof role_bits / sizeof role_bits[0]; i++)
		if (r->roles & role_bits[i])
			json_array_append_new(roles, json_string(role_name(role_bits[i])));
	if (r->flags & ROUTE_JSON)
		json_array_append_new(flags, json_string("json"));
	if (r->flags & ROUTE_NO_CSRF)
		json_array_append_new(flags, json_string("no_csrf"));
	return json_pack("{s:s, s:s, s:o, s:o, s:b}", "method", http_method_name(r->method),
			 "pattern", r->pattern, "roles", roles, "flags", flags, "error_space",
			 r->handler == NULL);
}

/* Print the table: JSON lines, or one array. Returns 0, or 1 when a row
 * cannot be written (a pattern that is not UTF-8: a bug in the table). */
static int print_routes(bool array)
{
	json_t *all = json_array();
	int rc = 1;
	for (size_t i = 0; i < web_nroutes; i++) {
		json_t *j = route_json(&web_routes[i]);
		if (!j) {
			fprintf(stderr, "taizhang: route %zu cannot be written as JSON\n", i);
			goto done;
		}
		json_array_append_new(all, j);
	}
	if (array) {
		if (json_dumpf(all, stdout, JSON_INDENT(1) | JSON_ENSURE_ASCII) != 0)
			goto done;
		putchar('\n');
	} else {
		size_t i;
		json_t *j;
		json_array_foreach(all, i, j)
		{
			if (json_dumpf(j, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) != 0)
				goto done;
			putchar('\n');
		}
	}
	rc = fflush(stdout) == 0 ? 0 : 1;
done:
	json_decref(all);
	return rc;
}

int cmd_routes(int argc, char **argv)
{
	bool array = false;
	if (cli_wants_help(argc, argv, routes_usage))
		return 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--array") == 0) {
			array = true;
			continue;
		}
		fprintf(stderr, "taizhang: routes: unexpected argument '%s'\n\n%s", argv[i],
			routes_usage);
		return 2;
	}
	return print_routes(array);
}
