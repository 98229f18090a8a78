/*
 * form.c — query strings, urlencoded and multipart form bodies, cookies
 * (see form.h).
 *
 * Every parser works on a byte range it is given and builds into temporary
 * lists, so a malformed request adds nothing: the caller either gets all
 * fields or a form_error to answer 400 with. Names and values are checked
 * for NUL bytes and invalid UTF-8 here, once, so handlers never need to.
 */
#include "http/form.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/utf8.h"
#include "base/util.h"

const char *form_strerror(int err)
{
	switch (err) {
	case FORM_OK: return "";
	case FORM_BAD_ESCAPE: return "提交的内容格式有误（百分号编码不正确）。";
	case FORM_BAD_UTF8: return "提交的内容含有无法识别的字符，请使用 UTF-8 编码。";
	case FORM_NUL: return "提交的内容含有不允许的空字符。";
	case FORM_NO_BOUNDARY: return "上传的表单格式有误（缺少分隔符）。";
	case FORM_TRUNCATED: return "上传的内容不完整，请重新提交。";
	case FORM_BAD_PART: return "上传的表单格式有误。";
	case FORM_TOO_MANY: return "提交的字段过多。";
	default: return "提交的内容格式有误。";
	}
}

/* Value of one hex digit, or -1. */
static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Is the text at s (n bytes) fit for a kvlist: no NUL, valid UTF-8? */
static int check_text(const char *s, size_t n)
{
	if (memchr(s, '\0', n))
		return FORM_NUL;
	if (!utf8_valid(s, n))
		return FORM_BAD_UTF8;
	return FORM_OK;
}

int form_url_decode(const char *s, size_t n, bool plus_is_space, buf *out)
{
	size_t start = out->len;
	buf_append(out, "", 0); /* allocated and NUL-terminated even when n == 0 */
	buf_grow(out, n);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '+' && plus_is_space) {
			c = ' ';
		} else if (c == '%') {
			int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return FORM_BAD_ESCAPE;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		buf_putc(out, c);
	}
	return check_text(out->data + start, out->len - start);
}

/* Move every pair of src to the end of dst (ownership moves); src ends
 * empty. */
static void kv_move(kvlist *dst, kvlist *src)
{
	for (size_t i = 0; i < src->n; i++) {
		if (dst->n == dst->cap) {
			dst->cap = dst->cap ? dst->cap * 2 : 8;
			dst->items = xrealloc(dst->items, dst->cap * sizeof *dst->items);
		}
		dst->items[dst->n++] = src->items[i];
	}
	free(src->items);
	src->items = NULL;
	src->n = src->cap = 0;
}

int form_parse_urlencoded(const char *s, size_t n, kvlist *out)
{
	kvlist tmp = {0};
	buf name = BUF_INIT, value = BUF_INIT;
	int rc = FORM_OK;
	size_t count = 0;
	const char *end = s + n;
	for (const char *p = s; p < end;) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if (stop > p) {
			if (++count > FORM_MAX_FIELDS) {
				rc = FORM_TOO_MANY;
				goto done;
			}
			const char *eq = memchr(p, '=', (size_t)(stop - p));
			const char *name_end = eq ? eq : stop;
			buf_reset(&name);
			buf_reset(&value);
			rc = form_url_decode(p, (size_t)(name_end - p), true, &name);
			if (rc == FORM_OK && eq)
				rc = form_url_decode(eq + 1, (size_t)(stop - eq - 1), true, &value);
			if (rc != FORM_OK)
				goto done;
			kv_add(&tmp, buf_str(&name), buf_str(&value));
		}
		p = stop + (amp ? 1 : 0);
	}
	kv_move(out, &tmp);
done:
	kv_free(&tmp);
	buf_free(&name);
	buf_free(&value);
	return rc;
}

int form_parse_query(const char *query, kvlist *out)
{
	if (!query)
		return FORM_OK;
	return form_parse_urlencoded(query, strlen(query), out);
}

/* Skip spaces and tabs. */
static const char *skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

bool form_is_type(const char *content_type, const char *media)
{
	if (!content_type || !media)
		return false;
	const char *end = content_type + strlen(content_type);
	const char *p = skip_ows(content_type, end);
	size_t m = strlen(media);
	if ((size_t)(end - p) < m || strncasecmp(p, media, m) != 0)
		return false;
	p = skip_ows(p + m, end);
	return p == end || *p == ';';
}

/*
 * Find parameter `key` in a header value of the form
 * `type; key=value; key2="quoted value"` (the n bytes at s) and put its
 * value into out. Quoted values run to the next double quote with no
 * backslash escapes: browsers percent-encode a quote in multipart names
 * (HTML's form submission rules) and send backslashes in Windows file names
 * literally. Returns true when found.
 */
static bool header_param(const char *s, size_t n, const char *key, buf *out)
{
	const char *end = s + n;
	const char *p = memchr(s, ';', n);
	size_t klen = strlen(key);
	while (p && p < end) {
		p = skip_ows(p + 1, end);
		const char *k = p;
		while (p < end && *p != '=' && *p != ';')
			p++;
		const char *kend = p;
		while (kend > k && (kend[-1] == ' ' || kend[-1] == '\t'))
			kend--;
		if (p == end || *p == ';')
			continue;
		p = skip_ows(p + 1, end); /* after '=' */
		const char *v = p, *vend;
		if (p < end && *p == '"') {
			v = p + 1;
			vend = memchr(v, '"', (size_t)(end - v));
			if (!vend)
				return false; /* unterminated quote */
			p = vend + 1;
		} else {
			while (p < end && *p != ';')
				p++;
			vend = p;
			while (vend > v && (vend[-1] == ' ' || vend[-1] == '\t'))
				vend--;
		}
		if ((size_t)(kend - k) == klen && strncasecmp(k, key, klen) == 0) {
			buf_reset(out);
			buf_append(out, v, (size_t)(vend - v));
			return true;
		}
		p = memchr(p, ';', (size_t)(end - p));
	}
	return false;
}

/* Find the n2 bytes of needle in the n1 bytes at hay; NULL if absent. */
static const char *find(const char *hay, size_t n1, const char *needle, size_t n2)
{
	return memmem(hay, n1, needle, n2);
}

/* One multipart part's headers, parsed. */
struct part {
	buf name, filename, content_type;
	bool has_name, has_filename;
};

/*
 * Parse the header lines of one part, starting at *pp; on success *pp
 * points at the first byte of the content. Returns FORM_OK or an error.
 */
static int part_headers(const char **pp, const char *end, struct part *pt)
{
	const char *p = *pp;
	bool disposition = false;
	for (;;) {
		const char *eol = find(p, (size_t)(end - p), "\r\n", 2);
		if (!eol)
			return FORM_TRUNCATED;
		if (eol == p) {
			p += 2;
			break;
		}
		const char *colon = memchr(p, ':', (size_t)(eol - p));
		if (!colon)
			return FORM_BAD_PART;
		const char *v = skip_ows(colon + 1, eol);
		size_t vn = (size_t)(eol - v), hn = (size_t)(colon - p);
		if (hn == 19 && strncasecmp(p, "content-disposition", 19) == 0) {
			if (vn < 9 || strncasecmp(v, "form-data", 9) != 0 ||
			    (vn > 9 && v[9] != ';' && v[9] != ' ' && v[9] != '\t'))
				return FORM_BAD_PART;
			disposition = true;
			pt->has_name = header_param(v, vn, "name", &pt->name);
			pt->has_filename = header_param(v, vn, "filename", &pt->filename);
		} else if (hn == 12 && strncasecmp(p, "content-type", 12) == 0) {
			buf_reset(&pt->content_type);
			buf_append(&pt->content_type, v, vn);
		}
		p = eol + 2;
	}
	if (!disposition || !pt->has_name)
		return FORM_BAD_PART;
	int rc = check_text(buf_str(&pt->name), pt->name.len);
	if (rc == FORM_OK && pt->has_filename)
		rc = check_text(buf_str(&pt->filename), pt->filename.len);
	if (rc == FORM_OK)
		rc = check_text(buf_str(&pt->content_type), pt->content_type.len);
	*pp = p;
	return rc;
}

/* Turn one parsed part with content [c, c+cn) into a field or an upload. */
static int part_store(struct part *pt, const char *c, size_t cn, kvlist *fields,
		      upload **ups, size_t *nups)
{
	if (!pt->has_filename) {
		int rc = check_text(c, cn);
		if (rc != FORM_OK)
			return rc;
		char *v = xstrndup(c, cn);
		kv_add(fields, buf_str(&pt->name), v);
		free(v);
		return FORM_OK;
	}
	/* An empty file input still sends a part; it carries no file. */
	if (pt->filename.len == 0 && cn == 0)
		return FORM_OK;
	*ups = xrealloc(*ups, (*nups + 1) * sizeof **ups);
	upload *u = &(*ups)[(*nups)++];
	u->field = xstrdup(buf_str(&pt->name));
	u->filename = xstrdup(buf_str(&pt->filename));
	u->content_type = xstrdup(pt->content_type.len ? buf_str(&pt->content_type)
							: "application/octet-stream");
	u->data = (buf)BUF_INIT;
	buf_append(&u->data, c, cn);
	return FORM_OK;
}

/* Extract and check the boundary parameter; delim becomes "CRLF--boundary",
 * the delimiter that ends each part's content. */
static int boundary_delim(const char *content_type, buf *delim)
{
	buf b = BUF_INIT;
	int rc = FORM_NO_BOUNDARY;
	if (!content_type || !header_param(content_type, strlen(content_type), "boundary", &b))
		goto done;
	/* RFC 2046: 1 to 70 printable characters. */
	if (b.len < 1 || b.len > 70)
		goto done;
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.data[i] < 0x20 || (unsigned char)b.data[i] > 0x7e)
			goto done;
	buf_puts(delim, "\r\n--");
	buf_append(delim, b.data, b.len);
	rc = FORM_OK;
done:
	buf_free(&b);
	return rc;
}

/* Move the parsed fields and uploads to the caller's lists. */
static void multipart_commit(kvlist *tmp, upload *ups, size_t nups, kvlist *fields,
			     upload **uploads, size_t *nuploads)
{
	kv_move(fields, tmp);
	if (nups == 0)
		return;
	*uploads = xrealloc(*uploads, (*nuploads + nups) * sizeof **uploads);
	memcpy(*uploads + *nuploads, ups, nups * sizeof *ups);
	*nuploads += nups;
}

int form_parse_multipart(const char *content_type, const char *body, size_t n,
			 kvlist *fields, upload **uploads, size_t *nuploads)
{
	kvlist tmp = {0};
	upload *ups = NULL;
	size_t nups = 0, count = 0;
	buf delim = BUF_INIT;
	struct part pt = {BUF_INIT, BUF_INIT, BUF_INIT, false, false};
	const char *end = body + n, *p;
	int rc = boundary_delim(content_type, &delim);
	if (rc != FORM_OK)
		goto done;
	size_t dn = delim.len;
	/* The first delimiter ("--boundary", without the CRLF) opens the body,
	 * or follows a preamble and a CRLF. */
	if (n >= dn - 2 && memcmp(body, delim.data + 2, dn - 2) == 0) {
		p = body + dn - 2;
	} else {
		p = find(body, n, delim.data, dn);
		if (!p) {
			rc = FORM_TRUNCATED;
			goto done;
		}
		p += dn;
	}
	for (;;) {
		/* p is just after a delimiter: "--" closes, CRLF opens a part. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* the epilogue after the close is ignored */
		p = skip_ows(p, end);
		if (end - p < 2) {
			rc = FORM_TRUNCATED;
			goto done;
		}
		if (p[0] != '\r' || p[1] != '\n') {
			rc = FORM_BAD_PART;
			goto done;
		}
		p += 2;
		if (++count > FORM_MAX_FIELDS) {
			rc = FORM_TOO_MANY;
			goto done;
		}
		buf_reset(&pt.name);
		buf_reset(&pt.filename);
		buf_reset(&pt.content_type);
		pt.has_name = pt.has_filename = false;
		rc = part_headers(&p, end, &pt);
		if (rc != FORM_OK)
			goto done;
		const char *next = find(p, (size_t)(end - p), delim.data, dn);
		if (!next) {
			rc = FORM_TRUNCATED;
			goto done;
		}
		rc = part_store(&pt, p, (size_t)(next - p), &tmp, &ups, &nups);
		if (rc != FORM_OK)
			goto done;
		p = next + dn;
	}
	multipart_commit(&tmp, ups, nups, fields, uploads, nuploads);
	free(ups);
	ups = NULL;
	nups = 0;
done:
	kv_free(&tmp);
	form_uploads_free(ups, nups);
	buf_free(&delim);
	buf_free(&pt.name);
	buf_free(&pt.filename);
	buf_free(&pt.content_type);
	return rc;
}

void form_uploads_free(upload *uploads, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(uploads[i].field);
		free(uploads[i].filename);
		free(uploads[i].content_type);
		buf_free(&uploads[i].data);
	}
	free(uploads);
}

/* Trim spaces and tabs from both ends of [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

int form_parse_cookies(const char *header, kvlist *out)
{
	int skipped = 0;
	if (!header)
		return 0;
	const char *end = header + strlen(header);
	for (const char *p = header; p < end;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *stop = semi ? semi : end;
		const char *s = p, *e = stop;
		p = stop + (semi ? 1 : 0);
		trim(&s, &e);
		if (s == e)
			continue;
		const char *eq = memchr(s, '=', (size_t)(e - s));
		const char *ne = eq, *v = eq ? eq + 1 : NULL, *ve = e;
		if (!eq || ne == s) {
			skipped++;
			continue;
		}
		trim(&s, &ne);
		trim(&v, &ve);
		if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
			v++;
			ve--;
		}
		if (ne == s || check_text(s, (size_t)(ne - s)) != FORM_OK ||
		    check_text(v, (size_t)(ve - v)) != FORM_OK) {
			skipped++;
			continue;
		}
		char *name = xstrndup(s, (size_t)(ne - s));
		char *value = xstrndup(v, (size_t)(ve - v));
		kv_add(out, name, value);
		free(name);
		free(value);
	}
	return skipped;
}
