/*
 * gen_walk.c — the history of one generated matter, one step at a time:
 * triage (受理, 不予受理, 合并), 派单 (sometimes to the wrong department,
 * then 退单 and 派单 again), progress notes, 申请延期 and its approval,
 * 办结, the resident's rating, 重办 after a dissatisfied rating or a failed
 * verification, and 销号.
 *
 * Each step writes the event that action_apply.c would write (same action,
 * statuses, note, visibility and JSON data) and changes the matter's row in
 * memory the way that action changes its columns; gen.c writes the row back
 * when the walk ends. The fates follow the demo (demo_gen.c): young matters
 * mostly waiting, older ones mostly closed, a few stuck and overdue.
 */
#include "bench/gen.h"
#include "ledger/calendar.h"
#include "ledger/ledger.h"
#include "base/buf.h"
#include "base/util.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- texts ---- */

char *gen_fill(gen *g, const gen_walk *w, const char *text)
{
	return demo_expand(&g->c, &demo_tpls[w->tpl], &w->pl, text);
}

/* ---- planning ---- */

static int pick_fate(gen *g, int age_days)
{
	/* submitted rejected merged accepted assigned returned in_progress
	 * resolved rated reopened closed, in percent, by age in days; the
	 * demo's table with a fifth row for a ledger that spans years */
	static const int young[GF_COUNT] = {40, 0, 0, 20, 25, 0, 15, 0, 0, 0, 0};
	static const int recent[GF_COUNT] = {4, 3, 3, 5, 8, 4, 25, 15, 10, 3, 20};
	static const int month[GF_COUNT] = {0, 4, 3, 1, 4, 1, 10, 8, 8, 2, 59};
	static const int old[GF_COUNT] = {0, 4, 3, 0, 1, 0, 2, 2, 2, 1, 85};
	static const int years[GF_COUNT] = {0, 4, 3, 0, 0, 0, 1, 0, 1, 0, 91};
	const int *p = age_days < 2 ? young : age_days < 10 ? recent : age_days < 30 ? month
		       : age_days < 120 ? old : years;
	int r = demo_range(&g->c, 0, 99), f = 0;
	while (f < GF_COUNT - 1 && r >= p[f])
		r -= p[f++];
	return f;
}

static bool open_fate(int fate)
{
	return fate == GF_ACCEPTED || fate == GF_ASSIGNED || fate == GF_RETURNED ||
	       fate == GF_IN_PROGRESS || fate == GF_REOPENED;
}

void gen_plan(gen *g, gen_walk *w, int age_days)
{
	const demo_tpl *tp = &demo_tpls[w->tpl];
	demo_ctx *c = &g->c;
	bool inspection = strcmp(tp->kind, "inspection") == 0;
	w->fate = pick_fate(g, age_days);
	if ((tp->flags & TPL_REJECT) && age_days >= 1 && demo_chance(c, 60))
		w->fate = GF_REJECTED;
	if (w->fate == GF_MERGED && inspection)
		w->fate = GF_ACCEPTED;
	if (w->fate == GF_RETURNED && !tp->wrong)
		w->fate = GF_ASSIGNED;
	/* As in the demo: urgent matters and questions are not left lying. */
	if (age_days >= 10 && open_fate(w->fate) &&
	    ((tp->flags & TPL_URGENT) || !strcmp(tp->subkind, "咨询")))
		w->fate = GF_CLOSED;
	w->accept_first = w->fate == GF_ACCEPTED || demo_chance(c, 70);
	w->misroute = tp->wrong && (w->fate == GF_RETURNED || demo_chance(c, 6));
	w->unhappy = w->fate == GF_REOPENED || demo_chance(c, 7);
	w->leader_reopens = inspection || demo_chance(c, 30);
	int r = demo_range(c, 0, 99);
	w->rating = inspection || r < 10 ? NULL : r < 82 ? "satisfied" : "basic";
	if (w->fate == GF_RATED && !w->rating)
		w->fate = GF_CLOSED;
	int have = (tp->progress[0] != NULL) + (tp->progress[1] != NULL);
	w->notes_want = have ? demo_range(c, 1, have) : demo_range(c, 0, 1);
	if (w->fate == GF_IN_PROGRESS && !w->notes_want)
		w->notes_want = 1;
	if (w->notes_want && demo_chance(c, 25))
		w->notes_want++;
	w->extension = w->notes_want && age_days >= 10 && demo_chance(c, 10);
}

/* ---- the row in memory ---- */

static void set_text(char **field, const char *value)
{
	free(*field);
	*field = xstrdup(value ? value : "");
}

static void next(gen_walk *w, int stage, int64_t t)
{
	w->stage = stage;
	w->t = t;
}

/* An office time lo..hi minutes after the current step. */
static int64_t later(gen *g, const gen_walk *w, int lo, int hi)
{
	return demo_office_after(&g->c, w->t, lo, hi);
}

/* The date `days` working days after the day of t (calendar_deadline on a
 * ledger without calendar_days rows of its own). */
static void deadline_after(gen *g, int64_t t, int days, char out[11])
{
	tz_date due;
	if (!workday_add(g->c.cal, demo_date_of(t), days, &due))
		due = demo_date_of(t);
	workday_date_format(due, out);
}

/* Append the action's event, then bump(): status, version, updated_at and
 * the first staff response, as action_apply.c's finish() does. */
static int act(gen *g, gen_walk *w, const actor *who, const char *action, int to,
	       const char *note, bool is_public, json_t *data)
{
	char *json = data ? json_dumps(data, JSON_COMPACT) : NULL;
	int rc = gen_event(g, w->id, who, action, w->status, to, note, is_public, json, w->t);
	free(json);
	json_decref(data);
	w->status = to;
	w->version++;
	w->updated_at = w->t;
	bool responds = who && who->role != ROLE_NONE && who->role != ROLE_APP;
	if (responds && !w->responded_at)
		w->responded_at = w->t;
	return rc;
}

/* ---- steps ---- */

/* The clerk merges a duplicate into the latest matter of its template,
 * when that one is at most 10 days older and not merged itself.
 * Returns 1 when there was none to merge into. */
static int merge(gen *g, gen_walk *w, const actor *clerk)
{
	struct gen_recent *r = &g->recent[w->tpl];
	int target_status = r->live ? r->live->status : r->status;
	if (!r->id || r->id == w->id || w->t - r->created > 10 * 86400 ||
	    target_status == ST_MERGED)
		return 1;
	int rc = gen_event(g, r->id, clerk, "merged_in", target_status, target_status, w->number,
			   false, NULL, w->t);
	char *note = str_printf("与%s为同一诉求，合并办理", r->number);
	w->merged_into = r->id;
	if (!rc)
		rc = act(g, w, clerk, "merge", ST_MERGED, note, true, json_pack("{s:s}", "into", r->number));
	free(note);
	next(w, G_END, 0);
	return rc;
}

static void after_assign(gen *g, gen_walk *w)
{
	if (w->fate == GF_ASSIGNED)
		next(w, G_END, 0);
	else if (w->notes_want > 0)
		next(w, G_PROGRESS, later(g, w, 120, 1800));
	else
		next(w, G_RESOLVE, later(g, w, 60, 1200));
}

/* 派单, to the wrong department first when the walk is misrouted. */
static int assign(gen *g, gen_walk *w)
{
	const demo_tpl *tp = &demo_tpls[w->tpl];
	bool wrong = w->stage == G_ASSIGN && w->misroute;
	w->dept = demo_dept(&g->c, wrong ? tp->wrong : tp->dept);
	const actor *h = demo_handler(&g->c, w->dept);
	w->assignee = h->role == ROLE_HANDLER ? h->user_id : 0;
	const char *extra = demo_pick(&g->c, demo_assign_notes);
	deadline_after(g, w->t, w->resolve_days, w->deadline);
	set_text(&w->reason, "");
	char *note = str_printf("派至%s办理，办理期限%s%s%s", demo_dept_name(&g->c, w->dept),
				w->deadline, *extra ? "。" : "", extra);
	json_t *data = json_pack("{s:I,s:s,s:I}", "department_id", (json_int_t)w->dept, "deadline",
				 w->deadline, "assignee_id", (json_int_t)w->assignee);
	int rc = act(g, w, demo_clerk(&g->c, (unsigned)w->seq), "assign", ST_ASSIGNED, note, true,
		     data);
	free(note);
	if (wrong)
		next(w, G_RETURN, later(g, w, 60, 900));
	else
		after_assign(g, w);
	return rc;
}

/* The clerk's first look: reject, merge, accept, or assign at once. */
static int triage(gen *g, gen_walk *w)
{
	const demo_tpl *tp = &demo_tpls[w->tpl];
	const actor *clerk = demo_clerk(&g->c, (unsigned)w->seq);
	if (w->fate == GF_REJECTED) {
		const char *note = tp->flags & TPL_REJECT
					   ? "属于民事纠纷，不属于受理范围，已告知通过人民调解或诉讼途径解决"
					   : demo_pick(&g->c, demo_reject_notes);
		set_text(&w->reason, note);
		int rc = act(g, w, clerk, "reject", ST_REJECTED, note, true, NULL);
		next(w, G_END, 0);
		return rc;
	}
	if (w->fate == GF_MERGED) {
		int rc = merge(g, w, clerk);
		if (rc != 1)
			return rc;
		w->fate = GF_ACCEPTED;
		w->accept_first = true;
	}
	if (!w->accept_first) {
		w->stage = G_ASSIGN;
		return assign(g, w);
	}
	const char *note = strcmp(tp->kind, "wish") == 0 ? "微心愿已登记，在公开栏发布认领" : "已受理";
	int rc = act(g, w, clerk, "accept", ST_ACCEPTED, note, true, NULL);
	next(w, w->fate == GF_ACCEPTED ? G_END : G_ASSIGN, later(g, w, 10, 240));
	return rc;
}

/* The wrong department sends it back (退单). */
static int give_back(gen *g, gen_walk *w)
{
	const demo_tpl *tp = &demo_tpls[w->tpl];
	char *note = str_printf("经核实，该事项不属于本单位职责范围，应由%s办理，请重新派单",
				demo_dept_name(&g->c, demo_dept(&g->c, tp->dept)));
	const actor *h = demo_handler(&g->c, w->dept);
	json_t *data = json_pack("{s:I}", "department_id", (json_int_t)w->dept);
	set_text(&w->reason, note);
	w->dept = w->assignee = 0;
	w->deadline[0] = '\0';
	int rc = act(g, w, h, "return", ST_RETURNED, note, false, data);
	free(note);
	next(w, w->fate == GF_RETURNED ? G_END : G_REASSIGN, later(g, w, 30, 300));
	return rc;
}

/* When to ask for an extension: a day or two before the deadline. */
static int64_t extension_time(gen *g, const gen_walk *w)
{
	tz_date due;
	if (!workday_date_parse(w->deadline, &due))
		return later(g, w, 60, 600);
	int64_t t = demo_day_start(workday_date_add_days(due, -demo_range(&g->c, 1, 2)));
	t = demo_office_after(&g->c, t, 9 * 60, 16 * 60);
	return t > w->t ? t : later(g, w, 60, 600);
}

/* After the last progress note of a round: the result, unless the walk
 * stops at 办理中. */
static void to_resolve(gen *g, gen_walk *w, int lo, int hi)
{
	bool stop = w->fate == GF_IN_PROGRESS && w->round == 0;
	next(w, stop ? G_END : G_RESOLVE, later(g, w, lo, hi));
}

static int progress(gen *g, gen_walk *w)
{
	const demo_tpl *tp = &demo_tpls[w->tpl];
	int k = w->notes_done;
	const char *const *pool = k == 0 ? demo_generic_progress : demo_final_progress;
	char *note = w->round ? xstrdup(demo_pick(&g->c, demo_redo_progress))
		     : k < 2 && tp->progress[k] ? gen_fill(g, w, tp->progress[k])
						: xstrdup(demo_pick(&g->c, pool));
	bool is_public = demo_chance(&g->c, 80);
	int rc = act(g, w, demo_handler(&g->c, w->dept), "progress", ST_IN_PROGRESS, note,
		     is_public, NULL);
	free(note);
	w->notes_done++;
	if (w->round == 0 && w->extension && w->notes_done == 1)
		next(w, G_EXTEND, extension_time(g, w));
	else if (w->notes_done < w->notes_want)
		next(w, G_PROGRESS, later(g, w, 240, 2400));
	else
		to_resolve(g, w, 240, 3000);
	return rc;
}

/* 申请延期 by the handler: 10-20 days on, at least a week past the deadline. */
static int ask_extension(gen *g, gen_walk *w)
{
	char want[11];
	demo_date_plus(w->t, demo_range(&g->c, 10, 20), want);
	tz_date cur;
	if (w->deadline[0] && strcmp(want, w->deadline) <= 0 &&
	    workday_date_parse(w->deadline, &cur))
		workday_date_format(workday_date_add_days(cur, 7), want);
	snprintf(w->extension_request, sizeof w->extension_request, "%s", want);
	char *note = str_printf("申请延期至%s：%s", want, demo_pick(&g->c, demo_extension_reasons));
	int rc = act(g, w, demo_handler(&g->c, w->dept), "request_extension", w->status, note,
		     false, json_pack("{s:s}", "deadline", want));
	free(note);
	next(w, G_GRANT, later(g, w, 60, 600));
	return rc;
}

/* 延期 granted by the leader. */
static int grant_extension(gen *g, gen_walk *w)
{
	char previous[11];
	snprintf(previous, sizeof previous, "%s", w->deadline);
	snprintf(w->deadline, sizeof w->deadline, "%s", w->extension_request);
	w->extension_request[0] = '\0';
	w->extensions++;
	char *note = str_printf("延期至%s：%s", w->deadline,
				demo_pick(&g->c, demo_extension_approvals));
	json_t *data = json_pack("{s:s,s:s?}", "deadline", w->deadline, "previous",
				 previous[0] ? previous : NULL);
	int rc = act(g, w, &g->c.leader, "extend", w->status, note, true, data);
	free(note);
	if (w->notes_done < w->notes_want)
		next(w, G_PROGRESS, later(g, w, 600, 4000));
	else
		to_resolve(g, w, 600, 4000);
	return rc;
}

static int resolve(gen *g, gen_walk *w)
{
	char *result = gen_fill(g, w, demo_tpls[w->tpl].result);
	char *note = w->round ? str_printf("经重新处理：%s", result) : xstrdup(result);
	set_text(&w->result, note);
	w->resolved_at = w->t;
	int rc = act(g, w, demo_handler(&g->c, w->dept), "resolve", ST_RESOLVED, note, true, NULL);
	free(result);
	free(note);
	if (w->fate == GF_RESOLVED)
		next(w, G_END, 0);
	else if (w->round == 0 && w->unhappy)
		next(w, w->leader_reopens ? G_VERIFY : G_RATE, later(g, w, 60, 2880));
	else if (w->rating)
		next(w, G_RATE, later(g, w, 60, 2880));
	else
		next(w, w->fate == GF_CLOSED ? G_CLOSE : G_END, later(g, w, 60, 2880));
	return rc;
}

/* 重办: a fresh deadline and one more round of work. */
static void redo(gen *g, gen_walk *w)
{
	deadline_after(g, w->t, w->resolve_days, w->deadline);
	w->round = 1;
	w->notes_done = 0;
	w->notes_want = 1;
	next(w, w->fate == GF_REOPENED ? G_END : G_PROGRESS, later(g, w, 120, 1440));
}

/* The clerk's callback (回访) takes the resident's rating. */
static int rate(gen *g, gen_walk *w)
{
	bool unhappy = w->round == 0 && w->unhappy;
	const char *rating = unhappy ? "dissatisfied" : w->rating;
	bool basic = !unhappy && !strcmp(rating, "basic");
	const char *comment = demo_pick(&g->c, unhappy ? demo_unhappy_notes
						       : basic ? demo_basic_notes : demo_happy_notes);
	w->rating_now = unhappy ? NULL : rating;
	set_text(&w->rating_note, comment);
	set_text(&w->reason, unhappy ? "群众评价不满意" : "");
	/* Why: the resident's comment may name people; the public timeline
	 * shows only the rating, as do_rate() writes it. */
	int rc = act(g, w, demo_clerk(&g->c, (unsigned)w->seq + 1), "rate",
		     unhappy ? ST_REOPENED : w->status, rating_label(rating), true,
		     json_pack("{s:s,s:s}", "rating", rating, "comment", comment));
	if (unhappy)
		redo(g, w);
	else
		next(w, w->fate == GF_RATED ? G_END : G_CLOSE, later(g, w, 60, 2880));
	return rc;
}

/* The leader's verification fails: 重办. */
static int verify(gen *g, gen_walk *w)
{
	const char *note = "经现场核验，问题未彻底解决，重办";
	set_text(&w->reason, note);
	w->rating_now = NULL;
	w->closed_at = 0;
	int rc = act(g, w, &g->c.leader, "reopen", ST_REOPENED, note, true, NULL);
	redo(g, w);
	return rc;
}

/* 销号 by the leader. */
static int close_it(gen *g, gen_walk *w)
{
	const char *note = w->rating ? demo_pick(&g->c, demo_close_notes)
			   : !strcmp(demo_tpls[w->tpl].kind, "inspection")
				   ? "经复查整改到位，予以销号"
				   : "评价期满未评价，经核验问题已解决，予以销号";
	w->closed_at = w->t;
	int rc = act(g, w, &g->c.leader, "close", ST_CLOSED, note, true, NULL);
	next(w, G_END, 0);
	return rc;
}

int gen_step(gen *g, gen_walk *w)
{
	switch (w->stage) {
	case G_TRIAGE: return triage(g, w);
	case G_ASSIGN:
	case G_REASSIGN: return assign(g, w);
	case G_RETURN: return give_back(g, w);
	case G_PROGRESS: return progress(g, w);
	case G_EXTEND: return ask_extension(g, w);
	case G_GRANT: return grant_extension(g, w);
	case G_RESOLVE: return resolve(g, w);
	case G_RATE: return rate(g, w);
	case G_VERIFY: return verify(g, w);
	case G_CLOSE: return close_it(g, w);
	}
	return -1;
}
