/*
 * demo_gen.c — generated matters: the templates of demo_text.c × places ×
 * details, handed in over the 90 days before `now` through every channel,
 * then walked through the lifecycle at office hours on working days.
 *
 * Each matter gets a fate when it is made (how far it will have got by
 * `now`), drawn by its age: the last days' matters are mostly still waiting,
 * older ones mostly closed, and a few old ones stuck at 已派单 or 办理中 past
 * their deadline (overdue). On the way: misrouted matters returned (退单)
 * and reassigned, extensions asked and granted, dissatisfied ratings and
 * failed verifications sent back (重办) and handled again, duplicates merged.
 * A walk also simply stops when its next step would fall after `now`.
 */
#include "demo/demo_int.h"
#include "ledger/ledger.h"
#include "base/buf.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How far a matter will have got by now. */
enum fate {
	F_SUBMITTED, F_REJECTED, F_MERGED, F_ACCEPTED, F_ASSIGNED, F_RETURNED, F_IN_PROGRESS,
	F_RESOLVED, F_RATED, F_REOPENED, F_CLOSED, F_COUNT
};

/* Where the walk is: the next thing to do. */
enum stage {
	S_SUBMIT, S_TRIAGE, S_ASSIGN, S_RETURN, S_REASSIGN, S_PROGRESS, S_EXTEND, S_RESOLVE,
	S_RATE, S_VERIFY, S_CLOSE
};

typedef struct plan {
	const demo_tpl *tp;
	char channel[16];
	int64_t created;
	int seq;               /* order of drawing, to sort ties */
	demo_place pl;         /* the place and numbers of its texts */
	int fate, stage;
	bool accept_first, misroute, extension, unhappy, leader_reopens;
	const char *rating; /* the final rating, NULL when none is taken */
	int notes_want, notes_done, round;
	long merge_into; /* walker index of the matter it duplicates, or -1 */
} plan;

/* ---- texts ---- */

/* The name of the matter's place: an area or a road. */
static const char *place_name(const demo_ctx *c, const demo_tpl *tp, const demo_place *pl)
{
	switch (tp->place) {
	case 'r': return demo_roads[pl->place].name;
	case 'n': return "";
	default: return c->area_name[pl->place];
	}
}

char *demo_expand(const demo_ctx *c, const demo_tpl *tp, const demo_place *pl, const char *text)
{
	buf b = BUF_INIT;
	for (const char *s = text; s && *s; s++) {
		if (s[0] == '{' && s[1] && s[2] == '}') {
			switch (s[1]) {
			case 'p': buf_puts(&b, place_name(c, tp, pl)); break;
			case 'n': buf_printf(&b, "%d", pl->n); break;
			case 'u': buf_printf(&b, "%d", pl->u); break;
			case 'd': buf_printf(&b, "%d", pl->d); break;
			case 's': buf_puts(&b, demo_spots[pl->s]); break;
			default: buf_append(&b, s, 3); break;
			}
			s += 2;
		} else {
			buf_putc(&b, *s);
		}
	}
	return buf_steal(&b);
}

/* A template text of this plan with its tokens filled in; caller frees. */
static char *expand(demo_ctx *c, const plan *p, const char *text)
{
	return demo_expand(c, p->tp, &p->pl, text);
}

void demo_pick_submitter(demo_ctx *c, const demo_tpl *tp, const char *channel, char name[32],
			 char phone[16])
{
	name[0] = phone[0] = '\0';
	if (strcmp(tp->kind, "inspection") == 0)
		return;
	const char *surname = demo_pick(c, demo_surnames);
	snprintf(name, 32, "%s%s", surname,
		 tp->flags & TPL_ENTERPRISE ? "经理" : demo_pick(c, demo_titles));
	/* Why the 0000 block: realistic shape, but not someone's number. */
	if (strcmp(channel, "box") != 0 || demo_chance(c, 60))
		snprintf(phone, 16, "%s0000%04d", demo_pick(c, demo_mobile), demo_range(c, 0, 9999));
}

const char *demo_address_pattern(const demo_tpl *tp)
{
	return tp->place == 'e' && strstr(tp->title, "{n}") ? "{p}{n}号楼"
	       : tp->place == 'r' && strstr(tp->desc, "{s}") ? "{p}{s}附近"
	       : tp->place == 'n' ? "" : "{p}";
}

/* ---- planning ---- */

/* November to March: 供暖季 in Hebei. */
static bool heating_season(int64_t t)
{
	int m = demo_date_of(t).m;
	return m >= 11 || m <= 3;
}

/* A template, weighted. */
static const demo_tpl *pick_tpl(demo_ctx *c)
{
	int total = 0;
	for (size_t i = 0; i < demo_ntpls; i++)
		total += demo_tpls[i].weight;
	int r = demo_range(c, 0, total - 1);
	size_t i = 0;
	while (r >= demo_tpls[i].weight)
		r -= demo_tpls[i++].weight;
	return &demo_tpls[i];
}

/* One word of a space-separated list, at random. */
static void pick_word(demo_ctx *c, const char *list, char *out, size_t n)
{
	int words = 1;
	for (const char *s = list; *s; s++)
		words += *s == ' ';
	const char *s = list;
	for (int k = demo_range(c, 0, words - 1); k > 0; k--)
		s = strchr(s, ' ') + 1;
	snprintf(out, n, "%.*s", (int)strcspn(s, " "), s);
}

/* The time a matter is handed in: residents write at any hour, the hotline
 * answers 8:00-21:00 every day, paper, visits and inspections are entered
 * in office hours on working days. */
static int64_t pick_created(demo_ctx *c, const char *channel)
{
	int ago = demo_range(c, 0, 89);
	int64_t day = demo_day_start(workday_date_add_days(demo_date_of(c->now), -ago)), t;
	if (!strcmp(channel, "web") || !strcmp(channel, "app"))
		t = day + (int64_t)demo_range(c, 7 * 60, 23 * 60) * 60;
	else if (!strcmp(channel, "hotline") || !strcmp(channel, "kiosk"))
		t = day + (int64_t)demo_range(c, 8 * 60, 21 * 60) * 60;
	else
		t = demo_workday_at(c, ago, demo_range(c, 9 * 60, 17 * 60));
	if (t >= c->now)
		t = c->now - (int64_t)demo_range(c, 5, 240) * 60;
	return t;
}

void demo_pick_place(demo_ctx *c, const demo_tpl *tp, demo_place *out)
{
	char want = tp->place;
	const char *kind = want == 'e' ? "estate" : want == 'v' ? "village" : "community";
	memset(out, 0, sizeof *out);
	if (want == 'r') {
		out->place = demo_range(c, 0, (int)demo_nroads - 1);
		out->area_id = demo_area(c, demo_roads[out->place].area);
	} else if (want != 'n') {
		int idx[DEMO_MAX_AREAS], k = 0;
		for (int i = 0; i < c->nareas; i++)
			if (strcmp(c->area_kind[i], kind) == 0)
				idx[k++] = i;
		out->place = idx[demo_range(c, 0, k - 1)];
		out->area_id = c->area_id[out->place];
	}
	out->n = demo_range(c, 1, 24);
	out->u = demo_range(c, 1, 4);
	out->d = demo_range(c, 2, 9);
	int spots = 0;
	while (demo_spots[spots])
		spots++;
	out->s = demo_range(c, 0, spots - 1);
}

static int pick_fate(demo_ctx *c, int age_days)
{
	/* submitted rejected merged accepted assigned returned in_progress
	 * resolved rated reopened closed, in percent, by age in days */
	static const int young[F_COUNT] = {40, 0, 0, 20, 25, 0, 15, 0, 0, 0, 0};   /* 0-1 */
	static const int recent[F_COUNT] = {4, 3, 3, 5, 8, 4, 25, 15, 10, 3, 20};  /* 2-9 */
	static const int month[F_COUNT] = {0, 4, 3, 1, 4, 1, 10, 8, 8, 2, 59};     /* 10-29 */
	static const int old[F_COUNT] = {0, 4, 3, 0, 1, 0, 2, 2, 2, 1, 85};       /* 30- */
	const int *w = age_days < 2 ? young : age_days < 10 ? recent : age_days < 30 ? month : old;
	int r = demo_range(c, 0, 99), f = 0;
	while (f < F_COUNT - 1 && r >= w[f])
		r -= w[f++];
	return f;
}

/* Is this fate a matter still being worked on? */
static bool open_fate(int fate)
{
	return fate == F_ACCEPTED || fate == F_ASSIGNED || fate == F_RETURNED ||
	       fate == F_IN_PROGRESS || fate == F_REOPENED;
}

/* An earlier generated matter of the same template handed in during the
 * last 10 days, which a new one duplicates: its walker index, or -1. */
static long duplicate_of(demo_ctx *c, const plan *p, size_t first)
{
	for (size_t i = c->nwalkers; i-- > first;) {
		const plan *q = c->walkers[i].state;
		if (p->created - q->created > 10 * 86400)
			return -1;
		if (q->tp == p->tp && q->fate != F_MERGED)
			return (long)i;
	}
	return -1;
}

/* Decide the fate and the turns of a walk (returns, extensions, 重办). */
static void plan_fate(demo_ctx *c, plan *p, int age_days, size_t first)
{
	const demo_tpl *tp = p->tp;
	bool inspection = strcmp(tp->kind, "inspection") == 0;
	p->fate = pick_fate(c, age_days);
	if ((tp->flags & TPL_REJECT) && age_days >= 1 && demo_chance(c, 60))
		p->fate = F_REJECTED;
	p->merge_into = -1;
	if (p->fate == F_MERGED && !inspection)
		p->merge_into = duplicate_of(c, p, first);
	if (p->fate == F_MERGED && p->merge_into < 0)
		p->fate = F_ACCEPTED;
	if (p->fate == F_MERGED) { /* the same place and details as the first report */
		const plan *q = c->walkers[p->merge_into].state;
		p->pl = q->pl;
	}
	if (p->fate == F_RETURNED && !tp->wrong)
		p->fate = F_ASSIGNED;
	/* Why: urgent matters and questions are not left lying for weeks; the
	 * old open ones are the hard cases (overdue, 督办). */
	if (age_days >= 10 && open_fate(p->fate) &&
	    ((tp->flags & TPL_URGENT) || !strcmp(tp->subkind, "咨询")))
		p->fate = F_CLOSED;
	p->accept_first = p->fate == F_ACCEPTED || demo_chance(c, 70);
	p->misroute = tp->wrong && (p->fate == F_RETURNED || demo_chance(c, 6));
	p->unhappy = p->fate == F_REOPENED || demo_chance(c, 7);
	p->leader_reopens = inspection || demo_chance(c, 30);
	int r = demo_range(c, 0, 99);
	p->rating = inspection || r < 10 ? NULL : r < 82 ? "satisfied" : "basic";
	if (p->fate == F_RATED && !p->rating)
		p->fate = F_CLOSED;
	/* the template's notes (or a generic first one), sometimes a last one */
	int have = (tp->progress[0] != NULL) + (tp->progress[1] != NULL);
	p->notes_want = have ? demo_range(c, 1, have) : demo_range(c, 0, 1);
	if (p->fate == F_IN_PROGRESS && !p->notes_want)
		p->notes_want = 1;
	if (p->notes_want && demo_chance(c, 25))
		p->notes_want++;
	p->extension = p->notes_want && age_days >= 10 && demo_chance(c, 10);
}

/* ---- walking ---- */

/* Set the next stage and its time (0: the walk ends). */
static void next(demo_walker *w, plan *p, int stage, int64_t t)
{
	p->stage = stage;
	w->t = t;
}

/* Hand the matter in: residents online, the app, or a clerk entering a
 * call, a paper wish or a visit (代录); inspections by the leader. */
static int gen_submit(demo_ctx *c, demo_walker *w, plan *p)
{
	const demo_tpl *tp = p->tp;
	actor resident, app;
	memset(&resident, 0, sizeof resident);
	memset(&app, 0, sizeof app);
	app.role = ROLE_APP;
	snprintf(app.login, sizeof app.login, "wechat");
	snprintf(app.name, sizeof app.name, "开发区微信公众号");
	const actor *who = demo_clerk(c, (unsigned)p->seq);
	if (!strcmp(p->channel, "web") || !strcmp(p->channel, "kiosk"))
		who = &resident;
	else if (!strcmp(p->channel, "app"))
		who = &app;
	else if (!strcmp(p->channel, "inspection"))
		who = &c->leader;
	char name[32], phone[16];
	demo_pick_submitter(c, tp, p->channel, name, phone);
	char *title = expand(c, p, tp->title), *desc = expand(c, p, tp->desc),
	     *address = expand(c, p, demo_address_pattern(tp));
	submission s = {
		.kind = tp->kind, .subkind = tp->subkind, .category_id = demo_category(c, tp->category),
		.area_id = p->pl.area_id, .title = title, .description = desc, .address = address,
		.channel = p->channel, .submitter_name = name, .submitter_phone = phone,
		.submitter_kind = tp->flags & TPL_ENTERPRISE ? "enterprise" : "resident",
		.is_public = !(tp->flags & TPL_PRIVATE) && strcmp(tp->kind, "petition") != 0,
		.priority = tp->flags & TPL_URGENT ? 1 : 0,
	};
	int rc = demo_submit(c, who, &s, w->t, w->number);
	free(title);
	free(desc);
	free(address);
	if (rc == LEDGER_OK)
		next(w, p, S_TRIAGE, p->fate == F_SUBMITTED ? 0 : demo_office_after(c, w->t, 20, 600));
	return rc;
}

/* After an assignment: to the first progress note, or the result. */
static void after_assign(demo_ctx *c, demo_walker *w, plan *p)
{
	if (p->fate == F_ASSIGNED)
		next(w, p, S_PROGRESS, 0);
	else if (p->notes_want > 0)
		next(w, p, S_PROGRESS, demo_office_after(c, w->t, 120, 1800));
	else
		next(w, p, S_RESOLVE, demo_office_after(c, w->t, 60, 1200));
}

/* 派单, to the wrong department first when the walk is misrouted. */
static int gen_assign(demo_ctx *c, demo_walker *w, plan *p)
{
	bool wrong = p->stage == S_ASSIGN && p->misroute;
	w->dept = demo_dept(c, wrong ? p->tp->wrong : p->tp->dept);
	const actor *h = demo_handler(c, w->dept);
	const char *note = demo_pick(c, demo_assign_notes);
	action_input in = {.act = ACT_ASSIGN, .department_id = w->dept, .note = *note ? note : NULL,
			   .assignee_id = h->role == ROLE_HANDLER ? h->user_id : 0};
	int rc = demo_act(c, demo_clerk(c, (unsigned)p->seq), w->number, &in, w->t);
	if (rc == LEDGER_OK && wrong)
		next(w, p, S_RETURN, demo_office_after(c, w->t, 60, 900));
	else if (rc == LEDGER_OK)
		after_assign(c, w, p);
	return rc;
}

/* The clerk's first look: accept, reject, merge, or assign at once. */
static int gen_triage(demo_ctx *c, demo_walker *w, plan *p)
{
	action_input in = {.act = ACT_ACCEPT};
	const actor *clerk = demo_clerk(c, (unsigned)p->seq);
	if (p->fate == F_REJECTED) {
		in.act = ACT_REJECT;
		in.note = p->tp->flags & TPL_REJECT
				  ? "属于民事纠纷，不属于受理范围，已告知通过人民调解或诉讼途径解决"
				  : demo_pick(c, demo_reject_notes);
	} else if (p->fate == F_MERGED) {
		in.act = ACT_MERGE;
		in.merge_into = c->walkers[p->merge_into].number;
	} else if (!p->accept_first) {
		next(w, p, S_ASSIGN, w->t);
		return gen_assign(c, w, p);
	} else if (!strcmp(p->tp->kind, "wish")) {
		in.note = "微心愿已登记，在公开栏发布认领";
	}
	int rc = demo_act(c, clerk, w->number, &in, w->t);
	bool stop = in.act != ACT_ACCEPT || p->fate == F_ACCEPTED;
	next(w, p, S_ASSIGN, stop ? 0 : demo_office_after(c, w->t, 10, 240));
	return rc;
}

/* The wrong department sends it back (退单). */
static int gen_return(demo_ctx *c, demo_walker *w, plan *p)
{
	char *note = str_printf("经核实，该事项不属于本单位职责范围，应由%s办理，请重新派单",
				demo_dept_name(c, demo_dept(c, p->tp->dept)));
	action_input in = {.act = ACT_RETURN, .note = note};
	int rc = demo_act(c, demo_handler(c, w->dept), w->number, &in, w->t);
	free(note);
	w->dept = 0;
	next(w, p, S_REASSIGN, p->fate == F_RETURNED ? 0 : demo_office_after(c, w->t, 30, 300));
	return rc;
}

/* An extension is asked for a day or two before the deadline. */
static int64_t extension_time(demo_ctx *c, demo_walker *w)
{
	char deadline[11];
	tz_date due;
	demo_deadline(c, w->number, deadline);
	if (!workday_date_parse(deadline, &due))
		return demo_office_after(c, w->t, 60, 600);
	int64_t t = demo_day_start(workday_date_add_days(due, -demo_range(c, 1, 2)));
	t = demo_office_after(c, t, 9 * 60, 16 * 60);
	return t > w->t ? t : demo_office_after(c, w->t, 60, 600);
}

/* A progress note by the handler. */
static int gen_progress(demo_ctx *c, demo_walker *w, plan *p)
{
	int k = p->notes_done;
	const char *const *pool = k == 0 ? demo_generic_progress : demo_final_progress;
	char *note = p->round ? xstrdup(demo_pick(c, demo_redo_progress))
		     : k < 2 && p->tp->progress[k] ? expand(c, p, p->tp->progress[k])
						   : xstrdup(demo_pick(c, pool));
	action_input in = {.act = ACT_PROGRESS, .note = note, .note_public = demo_chance(c, 80)};
	int rc = demo_act(c, demo_handler(c, w->dept), w->number, &in, w->t);
	free(note);
	p->notes_done++;
	if (p->round == 0 && p->extension && p->notes_done == 1)
		next(w, p, S_EXTEND, extension_time(c, w));
	else if (p->notes_done < p->notes_want)
		next(w, p, S_PROGRESS, demo_office_after(c, w->t, 240, 2400));
	else
		next(w, p, S_RESOLVE, p->fate == F_IN_PROGRESS && p->round == 0
					      ? 0 : demo_office_after(c, w->t, 240, 3000));
	return rc;
}

/* 申请延期 and its approval. */
static int gen_extend(demo_ctx *c, demo_walker *w, plan *p)
{
	int64_t t = demo_extend(c, w->number, w->dept, w->t, demo_range(c, 10, 20),
				demo_pick(c, demo_extension_reasons),
				demo_pick(c, demo_extension_approvals));
	if (!t)
		return -1;
	if (p->notes_done < p->notes_want)
		next(w, p, S_PROGRESS, demo_office_after(c, t, 600, 4000));
	else
		next(w, p, S_RESOLVE, p->fate == F_IN_PROGRESS ? 0 : demo_office_after(c, t, 600, 4000));
	return 0;
}

/* 办结 with the result. */
static int gen_resolve(demo_ctx *c, demo_walker *w, plan *p)
{
	char *result = expand(c, p, p->tp->result);
	char *note = p->round ? str_printf("经重新处理：%s", result) : xstrdup(result);
	action_input in = {.act = ACT_RESOLVE, .note = note, .note_public = true};
	int rc = demo_act(c, demo_handler(c, w->dept), w->number, &in, w->t);
	free(result);
	free(note);
	if (p->fate == F_RESOLVED)
		next(w, p, S_RESOLVE, 0);
	else if (p->round == 0 && p->unhappy)
		next(w, p, p->leader_reopens ? S_VERIFY : S_RATE, demo_office_after(c, w->t, 60, 2880));
	else if (p->rating)
		next(w, p, S_RATE, demo_office_after(c, w->t, 60, 2880));
	else
		next(w, p, S_CLOSE, p->fate == F_CLOSED ? demo_office_after(c, w->t, 60, 2880) : 0);
	return rc;
}

/* Back to work after a dissatisfied rating or a failed verification. */
static void redo(demo_ctx *c, demo_walker *w, plan *p)
{
	p->round = 1;
	p->notes_done = 0;
	p->notes_want = 1;
	next(w, p, S_PROGRESS, p->fate == F_REOPENED ? 0 : demo_office_after(c, w->t, 120, 1440));
}

/* The clerk's callback (回访) takes the resident's rating. */
static int gen_rate(demo_ctx *c, demo_walker *w, plan *p)
{
	bool unhappy = p->round == 0 && p->unhappy;
	bool basic = !unhappy && !strcmp(p->rating, "basic");
	action_input in = {.act = ACT_RATE, .rating = unhappy ? "dissatisfied" : p->rating};
	in.note = demo_pick(c, unhappy ? demo_unhappy_notes : basic ? demo_basic_notes
								     : demo_happy_notes);
	int rc = demo_act(c, demo_clerk(c, (unsigned)p->seq + 1), w->number, &in, w->t);
	if (unhappy)
		redo(c, w, p);
	else
		next(w, p, S_CLOSE, p->fate == F_RATED ? 0 : demo_office_after(c, w->t, 60, 2880));
	return rc;
}

/* The leader's verification fails: 重办. */
static int gen_verify(demo_ctx *c, demo_walker *w, plan *p)
{
	action_input in = {.act = ACT_REOPEN, .note = "经现场核验，问题未彻底解决，重办",
			   .note_public = true};
	int rc = demo_act(c, &c->leader, w->number, &in, w->t);
	redo(c, w, p);
	return rc;
}

/* 销号 by the leader. */
static int gen_close(demo_ctx *c, demo_walker *w, plan *p)
{
	const char *note = p->rating ? demo_pick(c, demo_close_notes)
			   : !strcmp(p->tp->kind, "inspection")
				   ? "经复查整改到位，予以销号"
				   : "评价期满未评价，经核验问题已解决，予以销号";
	action_input in = {.act = ACT_CLOSE, .note = note, .note_public = true};
	int rc = demo_act(c, &c->leader, w->number, &in, w->t);
	next(w, p, S_CLOSE, 0);
	return rc;
}

/* Do the next thing in this matter's walk and schedule the one after. */
static int gen_step(demo_ctx *c, demo_walker *w)
{
	plan *p = w->state;
	switch (p->stage) {
	case S_SUBMIT: return gen_submit(c, w, p);
	case S_TRIAGE: return gen_triage(c, w, p);
	case S_ASSIGN:
	case S_REASSIGN: return gen_assign(c, w, p);
	case S_RETURN: return gen_return(c, w, p);
	case S_PROGRESS: return gen_progress(c, w, p);
	case S_EXTEND: return gen_extend(c, w, p);
	case S_RESOLVE: return gen_resolve(c, w, p);
	case S_RATE: return gen_rate(c, w, p);
	case S_VERIFY: return gen_verify(c, w, p);
	case S_CLOSE: return gen_close(c, w, p);
	}
	return -1;
}

/* qsort order: handed in earlier first, then drawn earlier. */
static int by_created(const void *a, const void *b)
{
	const plan *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void demo_gen_load(demo_ctx *c, int n)
{
	/* Draw template, channel and time first, then make the matters in
	 * the order they were handed in, so their numbers run with time. */
	plan *plans = xcalloc(n > 0 ? (size_t)n : 1, sizeof *plans);
	for (int i = 0; i < n; i++) {
		plan *p = &plans[i];
		do {
			p->tp = pick_tpl(c);
			pick_word(c, p->tp->channels, p->channel, sizeof p->channel);
			p->created = pick_created(c, p->channel);
		} while ((p->tp->flags & TPL_HEAT) && !heating_season(p->created));
		p->seq = i;
	}
	qsort(plans, (size_t)n, sizeof *plans, by_created);
	size_t first = c->nwalkers;
	for (int i = 0; i < n; i++) {
		plan *p = xmalloc(sizeof *p);
		*p = plans[i];
		demo_pick_place(c, p->tp, &p->pl);
		plan_fate(c, p, (int)((c->now - p->created) / 86400), first);
		demo_walker *w = demo_walker_add(c);
		w->spec = p->tp;
		w->state = p;
		w->step = gen_step;
		w->t = p->created;
	}
	free(plans);
}
