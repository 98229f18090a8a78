/*
 * open311_format.c — one tree of named fields, written as XML or as JSON.
 *
 * GeoReport's JSON is a mapping of its XML by the Spark convention: a
 * container of repeated elements becomes an array (even with one child),
 * the root element's name disappears, an empty element becomes null.
 * Handlers build the tree once and o311_send() writes the format the path
 * asked for, so the two cannot drift apart: the same fields, in the same
 * order, with numbers written by the same routine.
 *
 * XML gets the declaration with its encoding, the spec's
 * `text/xml; charset=utf-8` and text escaped for XML (below); JSON goes
 * through jansson as `application/json; charset=utf-8`.
 */
#include "api/open311_int.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/utf8.h"
#include "base/util.h"

enum kind { K_OBJ, K_LIST, K_STR, K_INT, K_BOOL, K_REAL };

struct o311_node {
	enum kind kind;
	const char *name; /* a literal */
	char *text;       /* K_STR: NULL when empty */
	int64_t i;
	bool b, present;
	double d;
	o311_node **kids;
	size_t n, cap;
};

/* Why 12 significant digits: coordinates keep millimetres, and XML and
 * JSON print exactly the same digits (both come from real_text). */
#define REAL_FLAGS (JSON_ENCODE_ANY | JSON_REAL_PRECISION(12))

/* A new node; added to parent when there is one. */
static o311_node *node(o311_node *parent, enum kind kind, const char *name)
{
	o311_node *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->name = name;
	if (parent) {
		if (parent->n == parent->cap) {
			parent->cap = parent->cap ? parent->cap * 2 : 8;
			parent->kids = xrealloc(parent->kids, parent->cap * sizeof *parent->kids);
		}
		parent->kids[parent->n++] = n;
	}
	return n;
}

o311_node *o311_root_list(const char *name)
{
	return node(NULL, K_LIST, name);
}

o311_node *o311_root_obj(const char *name)
{
	return node(NULL, K_OBJ, name);
}

o311_node *o311_add_obj(o311_node *parent, const char *name)
{
	return node(parent, K_OBJ, name);
}

o311_node *o311_add_list(o311_node *parent, const char *name)
{
	return node(parent, K_LIST, name);
}

void o311_add_str(o311_node *parent, const char *name, const char *text)
{
	o311_node *n = node(parent, K_STR, name);
	if (str_empty(text))
		return;
	/* Why checked here: jansson refuses text that is not UTF-8 and XML
	 * must not carry it either; one decision keeps both formats alike.
	 * Everything stored was checked on the way in, so this is a bug. */
	if (!utf8_valid(text, strlen(text))) {
		log_error("Open311 field %s is not UTF-8: left empty", name);
		return;
	}
	/* Why dropped here, for both formats: XML 1.0 cannot carry most
	 * control characters at all (input checks keep them out anyway). */
	n->text = xstrdup(text);
	char *w = n->text;
	for (const unsigned char *r = (const unsigned char *)text; *r; r++)
		if (*r >= 0x20 || *r == '\t' || *r == '\n' || *r == '\r')
			*w++ = (char)*r;
	*w = '\0';
}

void o311_add_int(o311_node *parent, const char *name, int64_t v)
{
	node(parent, K_INT, name)->i = v;
}

void o311_add_bool(o311_node *parent, const char *name, bool v)
{
	node(parent, K_BOOL, name)->b = v;
}

void o311_add_real(o311_node *parent, const char *name, double v, bool present)
{
	o311_node *n = node(parent, K_REAL, name);
	json_t *j = present ? json_real(v) : NULL; /* NULL for NaN and infinities */
	n->present = j != NULL;
	n->d = v;
	json_decref(j);
}

void o311_free(o311_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		o311_free(n->kids[i]);
	free(n->kids);
	free(n->text);
	free(n);
}

/* A real as both formats write it (caller frees). */
static char *real_text(double v)
{
	json_t *j = json_real(v);
	char *s = j ? json_dumps(j, REAL_FLAGS) : NULL;
	json_decref(j);
	return s ? s : xstrdup("");
}

/* Append s escaped as XML character data. Why not the HTML escaper: a CR
 * must be written as a reference or the XML parser turns it into a
 * newline, and quotes need no escaping in character data. */
static void xml_text(buf *b, const char *s)
{
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '\r': buf_puts(b, "&#13;"); break;
		default: buf_putc(b, *p);
		}
	}
}

/* Two spaces per level. */
static void indent(buf *b, int depth)
{
	for (int i = 0; i < depth; i++)
		buf_puts(b, "  ");
}

/* Write one element and its children, indented by depth. */
static void xml_node(buf *b, const o311_node *n, int depth)
{
	indent(b, depth);
	buf_printf(b, "<%s>", n->name);
	if (n->kind == K_OBJ || n->kind == K_LIST) {
		for (size_t i = 0; i < n->n; i++) {
			buf_putc(b, '\n');
			xml_node(b, n->kids[i], depth + 1);
		}
		if (n->n) {
			buf_putc(b, '\n');
			indent(b, depth);
		}
	} else if (n->kind == K_STR && n->text) {
		xml_text(b, n->text);
	} else if (n->kind == K_INT) {
		buf_printf(b, "%lld", (long long)n->i);
	} else if (n->kind == K_BOOL) {
		buf_puts(b, n->b ? "true" : "false");
	} else if (n->kind == K_REAL && n->present) {
		char *t = real_text(n->d);
		buf_puts(b, t);
		free(t);
	}
	buf_printf(b, "</%s>", n->name);
}

/* The JSON value of a node (new reference). */
static json_t *json_node(const o311_node *n)
{
	json_t *j;
	switch (n->kind) {
	case K_OBJ:
		j = json_object();
		for (size_t i = 0; i < n->n; i++)
			json_object_set_new(j, n->kids[i]->name, json_node(n->kids[i]));
		return j;
	case K_LIST:
		j = json_array();
		for (size_t i = 0; i < n->n; i++)
			json_array_append_new(j, json_node(n->kids[i]));
		return j;
	case K_STR: return n->text ? json_string(n->text) : json_null();
	case K_INT: return json_integer((json_int_t)n->i);
	case K_BOOL: return json_boolean(n->b);
	case K_REAL: return n->present ? json_real(n->d) : json_null();
	}
	return json_null();
}

void o311_render(buf *out, const o311_node *root, enum o311_fmt fmt)
{
	if (fmt == O311_XML) {
		buf_puts(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
		xml_node(out, root, 0);
		buf_putc(out, '\n');
		return;
	}
	json_t *j = json_node(root);
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | REAL_FLAGS);
	if (text) {
		buf_puts(out, text);
		buf_putc(out, '\n');
	} else {
		log_error("Open311 answer could not be written as JSON");
	}
	free(text);
	json_decref(j);
}

void o311_send(response *rs, const o311_node *root, enum o311_fmt fmt)
{
	buf_reset(&rs->body);
	rs->content_type = fmt == O311_XML ? O311_XML_TYPE : O311_JSON_TYPE;
	o311_render(&rs->body, root, fmt);
}

/* Does s end with suffix? */
static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

bool o311_split_format(const char *s, char **stem, enum o311_fmt *fmt)
{
	*stem = NULL;
	if (!s)
		return false;
	size_t k;
	if (ends_with(s, ".xml"))
		*fmt = O311_XML, k = 4;
	else if (ends_with(s, ".json"))
		*fmt = O311_JSON, k = 5;
	else
		return false;
	if (strlen(s) == k)
		return false;
	*stem = xstrndup(s, strlen(s) - k);
	return true;
}

enum o311_fmt o311_path_format(const char *path)
{
	return path && ends_with(path, ".json") ? O311_JSON : O311_XML;
}
