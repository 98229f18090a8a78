/*
 * open311_error.c — the spec's error answer:
 *
 *   <errors><error><code>404</code><description>...</description></error></errors>
 *   [{"code": 404, "description": "..."}]
 *
 * in the format the path's suffix names (XML when it names none), with
 * several errors in one answer when a request has several problems.
 *
 * HTTP status: the spec wants "404 for resources that don't exist, 403 for
 * errors because of wrong or missing api_key and basically 400 for any
 * other error", and allows the code in the body to be more specific. So
 * 403 and 404 stay, other client errors (405 with its Allow header, 413)
 * go out as 400 with the specific status as the code. Server faults stay
 * 5xx (a deliberate deviation, see docs/api.md): a failed database is not
 * the client's mistake, and monitoring and retries must be able to tell.
 * Descriptions never echo the request.
 */
#include "api/open311.h"
#include "api/open311_int.h"

#include <stdarg.h>
#include <stdlib.h>

#include "base/util.h"

/* The HTTP status the spec wants for an error of this status. Why 429
 * passes: it is not a fault of the request, and clients and proxies know to
 * wait for Retry-After instead of resending at once. */
static int spec_status(int status)
{
	if (status == 403 || status == 404 || status == 429 || status >= 500)
		return status;
	return 400;
}

void o311_errors(request *rq, response *rs, int status, const char *const *descs, size_t n)
{
	o311_node *root = o311_root_list("errors");
	for (size_t i = 0; i < n; i++) {
		o311_node *e = o311_add_obj(root, "error");
		o311_add_int(e, "code", status);
		o311_add_str(e, "description", descs[i]);
	}
	rs->status = spec_status(status);
	o311_send(rs, root, o311_path_format(rq ? rq->path : NULL));
	o311_free(root);
}

void open311_error(request *rq, response *rs, int status, const char *hint)
{
	/* hint is the dispatcher's or the server's plain Chinese sentence
	 * (never NULL, never the request's own text). */
	o311_errors(rq, rs, status, &hint, 1);
}

void o311_problem(o311_problems *p, const char *fmt, ...)
{
	if (p->n == ARRAY_LEN(p->v))
		return;
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	p->v[p->n++] = buf_steal(&b);
}

bool o311_problems_answer(request *rq, response *rs, o311_problems *p)
{
	if (p->n == 0)
		return false;
	o311_errors(rq, rs, 400, (const char *const *)p->v, p->n);
	o311_problems_free(p);
	return true;
}

void o311_problems_free(o311_problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	p->n = 0;
}
