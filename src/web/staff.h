/*
 * staff.h — pieces shared by the staff pages (login.c, dashboard.c,
 * staff_list.c, intake.c, matter_page.c, admin*.c): the one matter table,
 * small parameter parsers, and the one renderer for the administration
 * edit forms. Page-private; nothing outside web/ uses it.
 */
#ifndef TZ_WEB_STAFF_H
#define TZ_WEB_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "http/http.h"
#include "ledger/lifecycle.h"
#include "ledger/matter.h"

/* --- staff_list.c --- */

/* The matter table every staff list uses: number (link to /staff/m/N),
 * title, kind, category, area, department, assignee, deadline with the
 * overdue flag, status, created time; the submitter column only when the
 * visitor may see personal data. An empty list shows `empty_text`. */
/* A card with the matter's answers to its category's extra questions and
 * an app's photo link; nothing when it has neither (answers.c). */
void html_answers(request *rq, buf *b, const matter *m);

/* A card with the matter's likely duplicates, their scores and a
 * one-click merge into each; nothing when there are none
 * (matter_similar.c). */
void html_similar_card(request *rq, buf *b, const matter *m);

void staff_matter_table(request *rq, buf *b, const matter_list *l, const char *empty_text);

/* --- callbacks.c: the callback (回访) form, on the desk and the matter page --- */

/* The fields of a callback: the outcome (reached, or why not), whether the
 * problem is solved, the rating and the clerk's record of what the
 * resident said. `id` prefixes the element ids (unique on the page);
 * attempts > 0 says how many calls did not reach the resident so far. */
void staff_callback_fields(buf *b, const char *id, int64_t attempts);
/* Read those fields into *in (strings borrowed from rq; the note is the
 * caller's to read, as every action's is). */
void staff_callback_read(const request *rq, action_input *in);

/* --- duties.c --- */

/* The wall chart's "我的定期工作" box: the active duties the visitor
 * answers for, overdue and due soon first; nothing when there are none. */
void html_my_duties(request *rq, buf *b, const char *today);

/* --- admin.c: the shared edit-form renderer of the admin pages --- */

enum admin_field_type {
	AF_TEXT,     /* <input type=text> */
	AF_NUMBER,   /* <input type=number min=0> */
	AF_PASSWORD, /* <input type=password>, never prefilled */
	AF_SECRET,   /* the same for a key of any length (not a login password) */
	AF_CHECK,    /* a checkbox sending "1" */
	AF_SELECT,   /* <select> with pre-rendered <option>s */
	AF_TEXTAREA, /* <textarea>, several lines */
};

typedef struct admin_field {
	const char *name;    /* form field name */
	const char *label;   /* Chinese label */
	enum admin_field_type type;
	const char *value;   /* current value (text fields); NULL: empty */
	bool checked;        /* AF_CHECK */
	const char *options; /* AF_SELECT: rendered <option> elements */
	const char *hint;    /* small help text under the field, or NULL */
	bool required;
} admin_field;

/* Start an admin page (staff layout; `tab` is the nav item:
 * "departments", "areas", "categories", "users", "channels") with its heading and
 * intro; shows the notice for ?done=... and, when error is not NULL, the
 * error notice. */
void admin_begin(request *rq, response *rs, const char *title, const char *tab,
		 const char *intro, const char *error);

/* One POST form to `url` with the CSRF field, hidden op and id (id 0:
 * create), the fields and a submit button. */
void admin_form(request *rq, buf *b, const char *url, const char *heading, const char *op,
		int64_t id, const admin_field *f, size_t n, const char *submit);

/* A small inline POST form with one button (activate, deactivate ...):
 * hidden op, id and an optional extra field name=value. */
void admin_button(request *rq, buf *b, const char *url, const char *op, int64_t id,
		  const char *extra_name, const char *extra_value, const char *label);

/* The form value of a checkbox: true when sent with any non-empty value. */
bool admin_checked(const request *rq, const char *name);

#endif
