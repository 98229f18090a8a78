/*
 * supervise.c — the scheduler's supervision (see supervise.h): reminders
 * before a deadline, overdue notices and the 督办 tiers.
 *
 * One run: the day's cut-off dates are worked out once on the ledger's
 * calendar (the latest deadline that is N working days past today), so
 * finding the matters that need something is two range reads of the
 * (status, deadline) index over open matters, not a working-day count
 * per matter. The candidates are then handled in batches, each in its own
 * transaction, and each matter is read again inside it and changed only
 * if it still needs it: two schedulers at once (`taizhang tick` from cron
 * beside `serve`) write each notice once.
 *
 * The channels hear of the tiers raised once per tick, not once per
 * matter: the batches only raise urge_level, and a last transaction tells
 * each channel that takes 督办 of every open matter whose urge_level is
 * ahead of urge_notified (counts by tier and the most urgent few, in one
 * message) and catches urge_notified up. A first tick on a ledger of a
 * million matters raises some 11,000 tiers; as messages one per matter
 * that was a chat flood of 22,000 robot posts. A crash between the batches
 * and the message leaves the matters ahead, told of at the next tick.
 *
 * Why the scheduler's events leave the matter's version alone: the
 * version guards what a person saw before acting, and a reminder or a
 * notice changes nothing an action decides; the tier, the one thing ACT_URGE
 * reads, it reads again inside its own transaction.
 */
#include "ledger/supervise.h"
#include "ledger/action_apply.h"
#include "ledger/calendar.h"
#include "ledger/channel.h"
#include "ledger/ledger.h"
#include "ledger/matter.h"
#include "ledger/outbox.h"
#include "base/util.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 100          /* matters per transaction */
#define MAX_THRESHOLD 250  /* working days: about a year */
#define SYSTEM_LABEL "督办系统"

#define OPEN_SQL SUPERVISE_OPEN_SQL

const char *urge_label(int level)
{
	static const char *const labels[URGE_LEVELS] = {"", "日常督办", "挂牌督办", "约谈督办"};
	return level > URGE_NONE && level < URGE_LEVELS ? labels[level] : "";
}

void supervise_config_default(supervise_config *c)
{
	memset(c, 0, sizeof *c);
	c->remind_days = 1;
	c->urge_after[URGE_DAILY] = 1;
	c->urge_after[URGE_LISTED] = 3;
	c->urge_after[URGE_INTERVIEW] = 10;
}

const char *supervise_config_check(const supervise_config *c)
{
	if (c->remind_days < 0 || c->remind_days > 30)
		return "remind-days must be 0 to 30 working days";
	int last = 0;
	for (int k = URGE_DAILY; k < URGE_LEVELS; k++) {
		int t = c->urge_after[k];
		if (t < 0 || t > MAX_THRESHOLD)
			return "urge-*-after must be 0 (never) to 250 working days";
		if (t > 0 && t < last)
			return "a higher 督办 tier cannot come sooner than a lower one "
			       "(urge-daily-after <= urge-listed-after <= urge-interview-after)";
		if (t > 0)
			last = t;
	}
	return NULL;
}

/* ---- text ---- */

void supervise_plain(buf *out, const char *s)
{
	static const struct {
		char c;
		const char *wide;
	} marks[] = {
		{'[', "［"}, {']', "］"}, {'(', "（"}, {')', "）"}, {'*', "＊"}, {'_', "＿"},
		{'#', "＃"}, {'>', "＞"}, {'<', "＜"}, {'`', "｀"}, {'|', "｜"}, {'~', "～"},
	};
	for (; s && *s; s++) {
		const char *w = NULL;
		for (size_t i = 0; i < ARRAY_LEN(marks) && !w; i++)
			if (*s == marks[i].c)
				w = marks[i].wide;
		if (w)
			buf_puts(out, w);
		else if (*s == '\n' || *s == '\r' || *s == '\t')
			buf_putc(out, ' ');
		else
			buf_putc(out, *s);
	}
}

void supervise_caption(buf *out, const char *title, bool is_public, const char *category)
{
	if (is_public) {
		supervise_plain(out, title);
		return;
	}
	buf_puts(out, "不公开事项（");
	supervise_plain(out, str_empty(category) ? "未分类" : category);
	buf_puts(out, "）");
}

void supervise_item(buf *out, const char *number, const char *title, bool is_public,
		    const char *category, const char *department, int overdue_days, int level)
{
	buf_printf(out, "- %s ", number ? number : "");
	supervise_caption(out, title, is_public, category);
	buf_puts(out, "（");
	supervise_plain(out, str_empty(department) ? "未派单" : department);
	if (overdue_days >= 0)
		buf_printf(out, "，超期%d个工作日", overdue_days);
	if (level > URGE_NONE && level < URGE_LEVELS)
		buf_printf(out, "，%s", urge_label(level));
	buf_puts(out, "）\n");
}

/* ---- the matter as the scheduler reads it ---- */

typedef struct sv_matter {
	int64_t id, department_id;
	int status, urge_level;
	bool is_public;
	char *number, *deadline, *reminded_for, *overdue_for, *title, *category, *department;
} sv_matter;

static void sv_clear(sv_matter *m)
{
	free(m->number);
	free(m->deadline);
	free(m->reminded_for);
	free(m->overdue_for);
	free(m->title);
	free(m->category);
	free(m->department);
	memset(m, 0, sizeof *m);
}

/* Read matter id inside the transaction. LEDGER_OK, NOT_FOUND or ERROR. */
static int sv_load(db *d, int64_t id, sv_matter *m)
{
	memset(m, 0, sizeof *m);
	db_stmt *q = db_query(d,
			      "SELECT m.number, m.status, m.deadline, m.reminded_for, m.overdue_for,"
			      " m.urge_level, m.department_id, m.title, m.public, c.name, dp.name"
			      " FROM matters m LEFT JOIN categories c ON c.id = m.category_id"
			      " LEFT JOIN departments dp ON dp.id = m.department_id WHERE m.id = ?",
			      "i", id);
	int r = db_step(q);
	if (r == DB_ROW) {
		m->id = id;
		m->number = db_text_dup(q, 0);
		m->status = status_from_name(db_text(q, 1));
		m->deadline = db_text_dup(q, 2);
		m->reminded_for = db_text_dup(q, 3);
		m->overdue_for = db_text_dup(q, 4);
		m->urge_level = (int)db_int(q, 5);
		m->department_id = db_int(q, 6);
		m->title = db_text_dup(q, 7);
		m->is_public = db_int(q, 8) != 0;
		m->category = db_text_dup(q, 9);
		m->department = db_text_dup(q, 10);
	}
	db_done(q);
	return r == DB_ROW ? LEDGER_OK : r == DB_DONE ? LEDGER_NOT_FOUND : LEDGER_ERROR;
}

/* ---- the urge message ---- */

int supervise_notify_urge(db *d, int64_t matter_id, int level, const char *why,
			  const char *key_stem, const char *base_url, int64_t now, int *queued)
{
	sv_matter m;
	channel *ch = NULL;
	size_t n = 0;
	buf title = BUF_INIT, body = BUF_INIT;
	int rc = sv_load(d, matter_id, &m);
	if (rc == LEDGER_OK)
		rc = channel_list_for(d, TOPIC_URGE, m.department_id, &ch, &n);
	if (rc != LEDGER_OK || n == 0)
		goto done;
	buf_printf(&title, "【%s】%s ", urge_label(level), m.number);
	supervise_caption(&title, m.title, m.is_public, m.category);
	buf_printf(&body, "### %s：%s\n\n- 事项：", urge_label(level), m.number);
	supervise_caption(&body, m.title, m.is_public, m.category);
	buf_puts(&body, "\n- 责任单位：");
	supervise_plain(&body, str_empty(m.department) ? "未派单" : m.department);
	buf_printf(&body, "\n- 办理期限：%s\n- 督办说明：", str_empty(m.deadline) ? "未定" : m.deadline);
	supervise_plain(&body, why);
	buf_puts(&body, "\n");
	if (!str_empty(base_url))
		buf_printf(&body, "\n[查看事项](%s/staff/m/%s)\n", base_url, m.number);
	for (size_t i = 0; i < n && rc == LEDGER_OK; i++) {
		char *key = str_printf("%s/%lld", key_stem, (long long)ch[i].id);
		bool created = false;
		rc = outbox_enqueue(d, ch[i].id, "urge", key, buf_str(&title), buf_str(&body), now,
				    &created);
		if (rc == LEDGER_OK && created && queued)
			(*queued)++;
		free(key);
	}
done:
	channel_list_free(ch, n);
	buf_free(&title);
	buf_free(&body);
	sv_clear(&m);
	return rc;
}

/* ---- one run ---- */

typedef struct sv_run {
	const supervise_config *c;
	int64_t now;
	char today[11];
	char remind_until[11];                 /* the latest deadline reminded today */
	char cutoff[URGE_LEVELS][11];          /* the latest deadline at each tier; "" off */
	workday_cal *cal;
	actor system;
	supervise_result batch; /* what the batch did (counted again if it is retried) */
	db *db;             /* the connection the batch runs on */
	const int64_t *ids; /* the batch */
	size_t nids;
} sv_run;

/* The tier a deadline has reached today (the highest whose cut-off it is
 * on or before). */
static int tier_for(const sv_run *r, const char *deadline)
{
	for (int k = URGE_LEVELS - 1; k > URGE_NONE; k--)
		if (r->cutoff[k][0] && strcmp(deadline, r->cutoff[k]) <= 0)
			return k;
	return URGE_NONE;
}

/* Append the scheduler's event on m (status unchanged); data is taken. */
static int sv_event(sv_run *r, const sv_matter *m, const char *action, const char *note,
		    bool is_public, json_t *data)
{
	char *json = json_dumps(data, JSON_COMPACT);
	const char *st = status_name(m->status);
	int rc = event_append(r->db, m->id, &r->system, action, st, st, note, is_public, json, r->now);
	json_decref(data);
	free(json);
	return rc;
}

/* The reminder before the deadline, once per deadline. */
static int sv_remind(sv_run *r, const sv_matter *m)
{
	if (strcmp(m->deadline, r->today) < 0 || strcmp(m->deadline, r->remind_until) > 0 ||
	    str_cmp0(m->reminded_for, m->deadline) == 0)
		return LEDGER_OK;
	if (db_exec(r->db, "UPDATE matters SET reminded_for = deadline WHERE id = ?", "i", m->id) !=
	    DB_DONE)
		return LEDGER_ERROR;
	int left = calendar_workdays_between(r->cal, r->today, m->deadline);
	/* (a deadline on a day off, with no working day before it: the date alone) */
	char *note = strcmp(m->deadline, r->today) == 0
			     ? str_printf("办理期限为今天（%s），请按期办结", m->deadline)
		     : left > 0 ? str_printf("办理期限为%s，还有%d个工作日到期，请按期办结", m->deadline, left)
				: str_printf("办理期限为%s，请按期办结", m->deadline);
	int rc = sv_event(r, m, "remind", note, false,
			  json_pack("{s:s,s:i}", "deadline", m->deadline, "working_days_left", left));
	free(note);
	if (rc == LEDGER_OK)
		r->batch.reminded++;
	return rc;
}

/* The notice that the deadline has passed, once per deadline. */
static int sv_overdue(sv_run *r, const sv_matter *m)
{
	if (strcmp(m->deadline, r->today) >= 0 || str_cmp0(m->overdue_for, m->deadline) == 0)
		return LEDGER_OK;
	if (db_exec(r->db, "UPDATE matters SET overdue_for = deadline WHERE id = ?", "i", m->id) !=
	    DB_DONE)
		return LEDGER_ERROR;
	char *note = str_printf("已超过办理期限（%s），尚未办结", m->deadline);
	int rc = sv_event(r, m, "overdue", note, false, json_pack("{s:s}", "deadline", m->deadline));
	free(note);
	if (rc == LEDGER_OK)
		r->batch.overdue++;
	return rc;
}

/* Raise the tier when the deadline is far enough past; never lower it.
 * From 挂牌督办 on the event is public: its note holds only the tier and
 * the working days, nothing of the resident. The channels hear of it at
 * the end of the tick (sv_tell), with the other matters raised. */
static int sv_escalate(sv_run *r, const sv_matter *m)
{
	int tier = tier_for(r, m->deadline);
	if (tier <= m->urge_level)
		return LEDGER_OK;
	int past = calendar_workdays_between(r->cal, m->deadline, r->today);
	if (db_exec(r->db, "UPDATE matters SET urge_level = ?, updated_at = ? WHERE id = ?", "iii",
		    (int64_t)tier, r->now, m->id) != DB_DONE)
		return LEDGER_ERROR;
	char *note = str_printf("超过办理期限%d个工作日仍未办结，列为%s", past, urge_label(tier));
	int rc = sv_event(r, m, "urge", note, tier >= URGE_LISTED,
			  json_pack("{s:i,s:i,s:s,s:i}", "level", tier, "previous", m->urge_level,
				    "deadline", m->deadline, "working_days_overdue", past));
	free(note);
	if (rc == LEDGER_OK)
		r->batch.urged++;
	return rc;
}

/* One batch of candidates, in one transaction: each matter read again and
 * changed only if it still needs it. */
static int sv_batch_tx(db *d, void *ctx)
{
	sv_run *r = ctx;
	r->db = d; /* the writer's connection under group commit */
	memset(&r->batch, 0, sizeof r->batch);
	for (size_t i = 0; i < r->nids; i++) {
		sv_matter m;
		int rc = sv_load(d, r->ids[i], &m);
		if (rc == LEDGER_NOT_FOUND)
			continue;
		if (rc == LEDGER_OK && status_is_open(m.status) && calendar_date_valid(m.deadline)) {
			rc = sv_remind(r, &m);
			if (rc == LEDGER_OK)
				rc = sv_overdue(r, &m);
			if (rc == LEDGER_OK)
				rc = sv_escalate(r, &m);
		}
		sv_clear(&m);
		if (rc != LEDGER_OK)
			return rc;
	}
	return LEDGER_OK;
}

/* The latest deadline that is at least n working days past today: the day
 * before the n-th working day counting back from today. "" when n is 0
 * (off). */
static void cutoff_date(const workday_cal *cal, tz_date today, int n, char out[11])
{
	tz_date back;
	out[0] = '\0';
	if (n > 0 && calendar_workday_back(cal, today, n, 3 * MAX_THRESHOLD + 60, &back))
		workday_date_format(workday_date_add_days(back, -1), out);
}

/* The candidates: open matters due within the reminder window and not yet
 * reminded of that deadline, and open matters past their deadline whose
 * notice or tier is behind. Read with the (status, deadline) index; ids in
 * *ids (caller frees). */
static int sv_candidates(db *d, const sv_run *r, int64_t **ids, size_t *n)
{
	/* Tier cut-offs that are off compare as "" (no deadline is before it). */
	const char *c1 = r->cutoff[URGE_DAILY], *c2 = r->cutoff[URGE_LISTED],
		   *c3 = r->cutoff[URGE_INTERVIEW];
	db_stmt *q = db_query(d,
			      "SELECT id FROM matters WHERE status IN " OPEN_SQL
			      " AND deadline >= ? AND deadline <= ?"
			      " AND reminded_for IS DISTINCT FROM deadline"
			      " UNION ALL"
			      " SELECT id FROM matters WHERE status IN " OPEN_SQL " AND deadline < ?"
			      " AND (overdue_for IS DISTINCT FROM deadline OR urge_level <"
			      "  CASE WHEN deadline <= ? THEN 3 WHEN deadline <= ? THEN 2"
			      "  WHEN deadline <= ? THEN 1 ELSE 0 END)",
			      "tttttt", r->today, r->remind_until, r->today, c3, c2, c1);
	size_t cap = 0;
	int s;
	*ids = NULL;
	*n = 0;
	while ((s = db_step(q)) == DB_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*ids = xrealloc(*ids, cap * sizeof **ids);
		}
		(*ids)[(*n)++] = db_int(q, 0);
	}
	db_done(q);
	return s == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* ---- telling the channels of the tiers raised ---- */

/* The matters whose tier the channels have not heard of, written as in the
 * partial index matters_urge_news (schema v11). NEWS_FROM names that index:
 * without it SQLite may read every open matter of the (status) indexes
 * instead of the few waiting to be told of. */
#define NEWS_SQL "m.urge_level > m.urge_notified"
#define NEWS_FROM " FROM matters m INDEXED BY matters_urge_news"
#define NEWS_LISTED 10 /* matters named in a message; the rest are counted */

/* What one channel is told: the open matters raised in its scope. */
typedef struct sv_news {
	int64_t total, tiers[URGE_LEVELS];
	int64_t last_event; /* the newest tier event among them: names the set */
} sv_news;

/* A query over the news in a scope (dep 0: the whole office): head, " AND
 * m.department_id = ?" for a department, tail; only literal SQL joins. */
static db_stmt *news_query(db *d, const char *head, int64_t dep, const char *tail)
{
	char *sql = str_printf("%s%s%s", head, dep ? " AND m.department_id = ?" : "", tail);
	db_stmt *q = dep ? db_query(d, sql, "i", dep) : db_query(d, sql, "");
	free(sql);
	return q;
}

static int news_count(db *d, int64_t dep, sv_news *x)
{
	memset(x, 0, sizeof *x);
	db_stmt *q = news_query(d,
				"SELECT m.urge_level, count(*), max((SELECT max(e.id) FROM events e"
				" WHERE e.matter_id = m.id AND e.action = 'urge'))" NEWS_FROM
				" WHERE " NEWS_SQL " AND m.status IN " OPEN_SQL,
				dep, " GROUP BY m.urge_level");
	int s;
	while ((s = db_step(q)) == DB_ROW) {
		int64_t level = db_int(q, 0), n = db_int(q, 1), last = db_int(q, 2);
		if (level <= URGE_NONE || level >= URGE_LEVELS)
			continue;
		x->tiers[level] += n;
		x->total += n;
		if (last > x->last_event)
			x->last_event = last;
	}
	db_done(q);
	return s == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* "约谈督办1件、挂牌督办2件" (the tiers with matters, highest first). */
static void news_tiers(buf *out, const sv_news *x)
{
	bool first = true;
	for (int k = URGE_LEVELS - 1; k > URGE_NONE; k--) {
		if (!x->tiers[k])
			continue;
		buf_printf(out, "%s%s%lld件", first ? "" : "、", urge_label(k), (long long)x->tiers[k]);
		first = false;
	}
}

/* The message of x for a scope: the counts, then the most urgent matters
 * (highest tier, then longest overdue), each as the digests name them. */
static int news_render(sv_run *r, int64_t dep, const sv_news *x, buf *title, buf *body)
{
	tz_date t;
	workday_date_parse(r->today, &t);
	buf_printf(title, "督办通报：新列入督办%lld件（", (long long)x->total);
	news_tiers(title, x);
	buf_puts(title, "）");
	buf_printf(body, "### 督办通报 · %d月%d日\n\n超过办理期限、新列入督办的在办事项%lld件：",
		   t.m, t.d, (long long)x->total);
	news_tiers(body, x);
	buf_puts(body, "。\n\n");
	char *tail = str_printf(" ORDER BY m.urge_level DESC, m.deadline, m.id LIMIT %d", NEWS_LISTED);
	db_stmt *q = news_query(r->db,
				"SELECT m.number, m.title, m.public, c.name, dp.name, m.deadline,"
				" m.urge_level" NEWS_FROM
				" LEFT JOIN categories c ON c.id = m.category_id"
				" LEFT JOIN departments dp ON dp.id = m.department_id"
				" WHERE " NEWS_SQL " AND m.status IN " OPEN_SQL,
				dep, tail);
	free(tail);
	int s;
	while ((s = db_step(q)) == DB_ROW)
		supervise_item(body, db_text(q, 0), db_text(q, 1), db_int(q, 2) != 0, db_text(q, 3),
			       db_text(q, 4), calendar_workdays_between(r->cal, db_text(q, 5), r->today),
			       (int)db_int(q, 6));
	db_done(q);
	if (x->total > NEWS_LISTED)
		buf_printf(body, "- ……另有%lld件\n", (long long)(x->total - NEWS_LISTED));
	if (!str_empty(r->c->base_url))
		buf_printf(body, "\n[查看督办事项](%s/staff/overdue?urge=1)\n", r->c->base_url);
	return s == DB_DONE ? LEDGER_OK : LEDGER_ERROR;
}

/* One message to each active channel that takes 督办 about the news in
 * its scope, then every matter counted as told of, in one transaction.
 * The key names the day, the channel and the newest event told of: a
 * second message to a channel on one day tells of newer events. */
static int sv_tell_tx(db *d, void *ctx)
{
	sv_run *r = ctx;
	channel *ch = NULL;
	size_t n = 0;
	r->db = d;
	r->batch.queued = 0; /* a retried transaction counts afresh */
	int rc = channel_list(d, &ch, &n);
	for (size_t i = 0; i < n && rc == LEDGER_OK; i++) {
		sv_news x;
		if (!ch[i].active || !(ch[i].topics & TOPIC_URGE))
			continue;
		rc = news_count(d, ch[i].department_id, &x);
		if (rc != LEDGER_OK || x.total == 0)
			continue;
		buf title = BUF_INIT, body = BUF_INIT;
		rc = news_render(r, ch[i].department_id, &x, &title, &body);
		char *key = str_printf("urge/%s/%lld/e%lld", r->today, (long long)ch[i].id,
				       (long long)x.last_event);
		bool created = false;
		if (rc == LEDGER_OK)
			rc = outbox_enqueue(d, ch[i].id, "urge", key, buf_str(&title), buf_str(&body),
					    r->now, &created);
		r->batch.queued += created;
		free(key);
		buf_free(&title);
		buf_free(&body);
	}
	channel_list_free(ch, n);
	if (rc == LEDGER_OK &&
	    db_exec(d, "UPDATE matters SET urge_notified = urge_level WHERE urge_level > urge_notified",
		    "") != DB_DONE)
		rc = LEDGER_ERROR;
	return rc;
}

/* Tell the channels of the news, when there is any (a cheap read of the
 * partial index first: most ticks have none). */
static int sv_tell(db *d, sv_run *r, int *queued)
{
	*queued = 0;
	int64_t any = db_scalar(d, -1, "SELECT EXISTS (SELECT 1 FROM matters m WHERE " NEWS_SQL ")", "");
	if (any <= 0)
		return any == 0 ? LEDGER_OK : LEDGER_ERROR;
	int rc = db_transact(d, sv_tell_tx, r);
	if (rc == LEDGER_OK)
		*queued = r->batch.queued;
	else if (rc != LEDGER_ERROR)
		log_error("telling the channels of 督办 failed (%d)", rc);
	return rc == LEDGER_OK ? LEDGER_OK : LEDGER_ERROR;
}

int supervise_tick(db *d, int64_t now, const supervise_config *c, supervise_result *out)
{
	supervise_result res = {0};
	sv_run r = {.c = c, .now = now};
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = LEDGER_ERROR;
	tz_date today, until;

	ledger_today(now, r.today);
	if (!workday_date_parse(r.today, &today) || supervise_config_check(c))
		goto done;
	r.cal = calendar_load(d);
	r.system = actor_system(SYSTEM_LABEL);
	/* Reminded today: deadlines up to the day before the working day
	 * remind_days + 1 ahead (a deadline on a Monday is reminded of on the
	 * Friday before, not on the Saturday). */
	if (!workday_add(r.cal, today, c->remind_days + 1, &until))
		goto done;
	workday_date_format(workday_date_add_days(until, -1), r.remind_until);
	for (int k = URGE_DAILY; k < URGE_LEVELS; k++)
		cutoff_date(r.cal, today, c->urge_after[k], r.cutoff[k]);
	if ((rc = sv_candidates(d, &r, &ids, &n)) != LEDGER_OK)
		goto done;
	for (size_t i = 0; i < n && rc == LEDGER_OK; i += BATCH) {
		r.ids = ids + i;
		r.nids = n - i < BATCH ? n - i : BATCH;
		rc = db_transact(d, sv_batch_tx, &r);
		if (rc == LEDGER_OK) {
			res.reminded += r.batch.reminded;
			res.overdue += r.batch.overdue;
			res.urged += r.batch.urged;
		} else if (rc != LEDGER_ERROR) {
			log_error("supervision batch failed (%d)", rc);
			rc = LEDGER_ERROR;
		}
	}
	/* What the batches did is told even when a later batch failed. */
	int told = sv_tell(d, &r, &res.queued);
	if (rc == LEDGER_OK)
		rc = told;
done:
	workday_cal_free(r.cal);
	free(ids);
	if (out)
		*out = res;
	return rc;
}
