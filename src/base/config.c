/*
 * config.c — settings from taizhang.conf, the environment and flags.
 */
#include "base/config.h"
#include "base/buf.h"
#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
	char *key, *value;
	bool from_flag;
} entry;

struct config {
	entry *v;
	size_t n;
};

static void put(config *c, const char *key, const char *value, bool from_flag)
{
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].key, key) == 0) {
			if (c->v[i].from_flag && !from_flag)
				return;
			char *copy = xstrdup(value); /* value may be the old one */
			free(c->v[i].value);
			c->v[i].value = copy;
			c->v[i].from_flag = from_flag;
			return;
		}
	}
	c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	c->v[c->n++] = (entry){xstrdup(key), xstrdup(value), from_flag};
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

config *config_load(const char *path, char **err)
{
	config *c = xcalloc(1, sizeof *c);
	FILE *f = fopen(path ? path : "taizhang.conf", "r");
	if (!f) {
		if (path) {
			*err = str_printf("cannot read %s", path);
			config_free(c);
			return NULL;
		}
		return c;
	}
	char line[4096];
	int lineno = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			*err = str_printf("%s:%d: expected KEY = VALUE", path ? path : "taizhang.conf", lineno);
			fclose(f);
			config_free(c);
			return NULL;
		}
		*eq = '\0';
		put(c, trim(s), trim(eq + 1), false);
	}
	fclose(f);
	return c;
}

void config_free(config *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].value);
	}
	free(c->v);
	free(c);
}

void config_set(config *c, const char *key, const char *value)
{
	put(c, key, value, true);
}

const char *config_get(const config *c, const char *key, const char *dflt)
{
	const entry *file = NULL;
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].key, key) == 0) {
			if (c->v[i].from_flag)
				return c->v[i].value;
			file = &c->v[i];
		}
	}
	buf name = BUF_INIT;
	buf_puts(&name, "TAIZHANG_");
	for (const char *k = key; *k; k++)
		buf_putc(&name, *k == '-' ? '_' : (char)toupper((unsigned char)*k));
	const char *env = getenv(buf_str(&name));
	buf_free(&name);
	if (env && *env)
		return env;
	return file ? file->value : dflt;
}

long config_int(const config *c, const char *key, long dflt)
{
	int64_t v;
	return str_to_i64(config_get(c, key, NULL), &v) ? (long)v : dflt;
}
