/*
 * answers.c — a matter's answers to its category's extra questions (the
 * Open311 attributes), shown to staff as question → answer, with list keys
 * turned back into their option names, and a client app's photo link.
 */
#include <jansson.h>
#include <string.h>

#include "base/util.h"
#include "ledger/catalog.h"
#include "ledger/ledger.h"
#include "web/staff.h"

/* The option name of key in the question def, or the key itself. */
static const char *option_name(json_t *def, const char *key)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(def, "values"), i, v)
		if (strcmp(json_string_value(json_object_get(v, "key")), key) == 0)
			return json_string_value(json_object_get(v, "name"));
	return key;
}

/* One answer as <dt>question</dt><dd>answer</dd>. */
static void answer_html(buf *b, json_t *def, json_t *value)
{
	buf_printf(b, "<dt>%h</dt><dd class=\"note\">",
		   json_string_value(json_object_get(def, "description")));
	if (json_is_array(value)) {
		size_t i;
		json_t *k;
		json_array_foreach(value, i, k)
			buf_printf(b, "%s%h", i ? "、" : "", option_name(def, json_string_value(k)));
	} else {
		buf_printf(b, "%h", option_name(def, json_string_value(value)));
	}
	buf_puts(b, "</dd>\n");
}

void html_answers(request *rq, buf *b, const matter *m)
{
	json_t *answers = json_loads(m->attributes ? m->attributes : "{}", 0, NULL);
	category c;
	bool have = json_object_size(answers) > 0 &&
		    category_get(rq->db, m->category_id, NULL, &c) == LEDGER_OK;
	if (have || !str_empty(m->media_url))
		buf_puts(b, "<section class=\"card\"><h2>附加信息</h2><dl class=\"facts\">\n");
	if (have) {
		json_t *defs = json_loads(c.attributes ? c.attributes : "[]", 0, NULL);
		size_t i;
		json_t *def;
		/* in the category's order; answers to questions removed since stay stored */
		json_array_foreach(defs, i, def) {
			json_t *v = json_object_get(answers, json_string_value(json_object_get(def, "code")));
			if (v)
				answer_html(b, def, v);
		}
		json_decref(defs);
		category_clear(&c);
	}
	/* Why rel=noreferrer: the link leaves for a host the app chose; our
	 * staff page's address (with the matter number) stays here. */
	if (!str_empty(m->media_url))
		buf_printf(b, "<dt>应用提供的图片</dt><dd><a href=\"%h\" rel=\"noopener noreferrer\" "
			      "target=\"_blank\">打开图片链接</a></dd>\n",
			   m->media_url);
	if (have || !str_empty(m->media_url))
		buf_puts(b, "</dl></section>\n");
	json_decref(answers);
}
