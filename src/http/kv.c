/*
 * kv.c — ordered name/value lists for query parameters, form fields,
 * cookies and headers (see kvlist in http.h).
 *
 * The list owns copies of its names and values. Order is kept and repeated
 * names are allowed (checkboxes send one pair per ticked box); kv_get()
 * answers the first.
 */
#include "http/http.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Append a copy of name and value (NULL value stores ""). */
void kv_add(kvlist *l, const char *name, const char *value)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->n].name = xstrdup(name ? name : "");
	l->items[l->n].value = xstrdup(value ? value : "");
	l->n++;
}

/* First value stored under name (exact match), or NULL. */
const char *kv_get(const kvlist *l, const char *name)
{
	for (size_t i = 0; name && i < l->n; i++)
		if (strcmp(l->items[i].name, name) == 0)
			return l->items[i].value;
	return NULL;
}

/* Free every pair; the list is empty and reusable afterwards. */
void kv_free(kvlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->items[i].name);
		free(l->items[i].value);
	}
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}
