/*
 * response.c — what handlers call to answer: headers, redirects, cookies
 * and the one error page; and the lookups they use on a request
 * (parameters, headers, uploads).
 *
 * Error pages are small, complete, in plain Chinese and never echo the
 * request: a path or parameter shown back on an error page is the classic
 * way to reflect a script or leak a resident's data into a log or a
 * screenshot. JSON routes get the one JSON error shape instead.
 */
#include "http/http.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base/util.h"
#include "http/form.h"

/* Is name an HTTP token (RFC 9110), fit as a header or cookie name? */
static bool is_token(const char *name)
{
	if (!name || !*name)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", *p))
			return false;
	return true;
}

/* Add a response header. Refuses (and logs) a name that is not a token or a
 * value with a control character. */
void resp_header(response *rs, const char *name, const char *value)
{
	/* Why: a CR or LF in a header value would let data (a file name, a
	 * redirect target) start a header or a response of its own. */
	for (const unsigned char *p = (const unsigned char *)value; p && *p; p++) {
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
			log_error("refused header %s: control character in value", name);
			return;
		}
	}
	if (!is_token(name)) {
		log_error("refused header: bad name");
		return;
	}
	kv_add(&rs->headers, name, value);
}

/* Redirect with 303 See Other: after a POST the browser GETs location. */
void resp_redirect(response *rs, const char *location)
{
	rs->status = 303;
	buf_reset(&rs->body);
	resp_header(rs, "Location", location);
}

/* Title and default hint of the error page for status. */
static void error_text(int status, const char **title, const char **hint)
{
	switch (status) {
	case 400: *title = "请求有误"; *hint = "请求的格式不正确，请检查后重试。"; break;
	case 401: *title = "请先登录"; *hint = "请先登录后再访问此页面。"; break;
	case 403: *title = "无权访问"; *hint = "您没有访问此页面的权限。"; break;
	case 404: *title = "页面不存在"; *hint = "您要找的页面不存在，可能已被移除或地址有误。"; break;
	case 405: *title = "请求方式不支持"; *hint = "此页面不支持这种请求方式。"; break;
	case 413: *title = "内容过大"; *hint = "提交的内容超过了允许的大小。"; break;
	case 429: *title = "请求过于频繁"; *hint = "请求过于频繁，请稍后再试。"; break;
	case 503: *title = "暂停服务"; *hint = "系统暂时无法提供服务，请稍后再试。"; break;
	default:
		if (status < 500) {
			*title = "请求有误";
			*hint = "请求无法处理，请检查后重试。";
		} else {
			*title = "出错了";
			*hint = "系统出现了问题，已记录下来，请稍后再试。";
		}
	}
}

/* Forget a file body set with resp_file, closing it. */
static void resp_file_drop(response *rs)
{
	if (rs->has_file)
		close(rs->file_fd);
	rs->has_file = false;
	rs->file_fd = -1;
	rs->file_size = 0;
}

void resp_file(response *rs, int fd, uint64_t size)
{
	resp_file_drop(rs);
	buf_reset(&rs->body);
	rs->has_file = true;
	rs->file_fd = fd;
	rs->file_size = size;
}

/* Drop the headers a failed handler may have set (Location,
 * Content-Disposition, ...), keeping cookies. */
static void keep_cookie_headers(response *rs)
{
	size_t k = 0;
	for (size_t i = 0; i < rs->headers.n; i++) {
		kv *h = &rs->headers.items[i];
		if (strcasecmp(h->name, "Set-Cookie") == 0) {
			rs->headers.items[k++] = *h;
		} else {
			free(h->name);
			free(h->value);
		}
	}
	rs->headers.n = k;
}

/* The JSON error shape {"code": status, "hint": hint}. */
static void error_json(response *rs, int status, const char *hint)
{
	json_t *j = json_pack("{s:i, s:s}", "code", status, "hint", hint);
	char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	rs->content_type = "application/json; charset=utf-8";
	if (text)
		buf_puts(&rs->body, text);
	else /* hint not UTF-8: a bug in the caller; still answer the shape */
		buf_printf(&rs->body, "{\"code\":%d,\"hint\":\"\"}", status);
	free(text);
	json_decref(j);
}

void resp_error(request *rq, response *rs, int status, const char *hint)
{
	const char *title, *dflt;
	/* Why 503: when the storage refused (disk full, read-only, locked,
	 * I/O error) the request was sound and nothing of it was kept; the
	 * user and the client's retry logic must learn "try again later",
	 * not a 500 that reads as a bug. */
	if (status == 500 && rq && db_storage_unavailable(rq->db))
		status = 503;
	error_text(status, &title, &dflt);
	if (!hint || !*hint)
		hint = dflt;
	rs->status = status;
	buf_reset(&rs->body);
	resp_file_drop(rs);
	keep_cookie_headers(rs);
	if (status == 503)
		resp_header(rs, "Retry-After", "10");
	if (rq && rq->error_writer) {
		rs->content_type = NULL;
		rq->error_writer(rq, rs, status, hint);
		return;
	}
	if (rq && rq->is_json_route) {
		error_json(rs, status, hint);
		return;
	}
	rs->content_type = "text/html; charset=utf-8";
	buf_printf(&rs->body,
		   "<!DOCTYPE html>\n"
		   "<html lang=\"zh-CN\">\n"
		   "<head>\n"
		   "<meta charset=\"utf-8\">\n"
		   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		   "<title>%h</title>\n"
		   "<link rel=\"icon\" href=\"data:,\">\n"
		   "<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
		   "</head>\n"
		   "<body class=\"error-page\">\n"
		   "<main class=\"wrap\">\n"
		   "<div class=\"card\">\n"
		   "<h1>%h</h1>\n"
		   "<p>%h</p>\n"
		   "<p><a href=\"/\">返回首页</a></p>\n"
		   "</div>\n"
		   "</main>\n"
		   "</body>\n"
		   "</html>\n",
		   title, title, hint);
}

/* Is value made of cookie-octets only (RFC 6265)? */
static bool cookie_value_ok(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < 0x21 || *p > 0x7e || *p == '"' || *p == ',' || *p == ';' || *p == '\\')
			return false;
	return true;
}

/* Set a cookie for the whole site: HttpOnly, SameSite=Lax, Path=/ and
 * Max-Age max_age_s (0 deletes it; negative: until the browser closes);
 * Secure when the server runs behind TLS (rs->secure_cookies). */
void resp_set_cookie(response *rs, const char *name, const char *value, int max_age_s)
{
	if (!is_token(name) || !value || !cookie_value_ok(value)) {
		log_error("refused cookie: bad name or value");
		return;
	}
	buf b = BUF_INIT;
	/* Why HttpOnly: a script injected into a page cannot read the
	 * session. Why Lax: the cookie is not sent on cross-site posts. */
	buf_printf(&b, "%s=%s; Path=/; HttpOnly; SameSite=Lax", name, value);
	if (max_age_s >= 0)
		buf_printf(&b, "; Max-Age=%d", max_age_s);
	/* Why Secure: behind TLS the browser must never send the cookie over
	 * plain http://, where anyone on the way could read the session. */
	if (rs->secure_cookies)
		buf_puts(&b, "; Secure");
	resp_header(rs, "Set-Cookie", buf_str(&b));
	buf_free(&b);
}

const char *rq_param(const request *rq, const char *name)
{
	const char *v = kv_get(&rq->form, name);
	return v ? v : kv_get(&rq->query, name);
}

/* A request header by name, in any case (stored lower-cased). */
const char *rq_header(const request *rq, const char *name)
{
	for (size_t i = 0; name && i < rq->headers.n; i++)
		if (strcasecmp(rq->headers.items[i].name, name) == 0)
			return rq->headers.items[i].value;
	return NULL;
}

const upload *rq_upload(const request *rq, const char *field)
{
	for (size_t i = 0; field && i < rq->nuploads; i++)
		if (strcmp(rq->uploads[i].field, field) == 0)
			return &rq->uploads[i];
	return NULL;
}

void rq_free(request *rq)
{
	free(rq->path);
	for (int i = 0; i < rq->nargs && i < HTTP_MAX_ARGS; i++)
		free(rq->args[i]);
	kv_free(&rq->query);
	kv_free(&rq->form);
	kv_free(&rq->cookies);
	kv_free(&rq->headers);
	form_uploads_free(rq->uploads, rq->nuploads);
	buf_free(&rq->body);
	memset(rq, 0, sizeof *rq);
}

void resp_free(response *rs)
{
	resp_file_drop(rs);
	buf_free(&rs->body);
	kv_free(&rs->headers);
	memset(rs, 0, sizeof *rs);
}

void resp_retry_after(response *rs, int seconds)
{
	char v[16];
	snprintf(v, sizeof v, "%d", seconds > 0 ? seconds : 1);
	resp_header(rs, "Retry-After", v);
}
