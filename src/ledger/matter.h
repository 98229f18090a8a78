/*
 * matter.h — matters (事项), the rows of the ledger: submission, loading,
 * finding with filters, and the counts behind the dashboard.
 * State changes after submission go through lifecycle.h.
 */
#ifndef TZ_LEDGER_MATTER_H
#define TZ_LEDGER_MATTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ledger/actor.h"
#include "store/db.h"

enum matter_status {
	ST_SUBMITTED,   /* 待受理 */
	ST_ACCEPTED,    /* 已受理 */
	ST_REJECTED,    /* 不予受理 */
	ST_ASSIGNED,    /* 已派单 */
	ST_IN_PROGRESS, /* 办理中 */
	ST_RESOLVED,    /* 已办结 */
	ST_CLOSED,      /* 已销号 */
	ST_RETURNED,    /* 已退单 */
	ST_REOPENED,    /* 重办 */
	ST_MERGED,      /* 已合并 */
	ST_COUNT
};

/* "submitted" ... and back; -1 for an unknown name. */
const char *status_name(int st);
int status_from_name(const char *name);
/* Chinese label: 待受理 ... */
const char *status_label(int st);
/* Still to be handled (not resolved, closed, rejected or merged)? */
bool status_is_open(int st);

/* Kinds of matter and their labels: request 诉求, wish 微心愿, petition 信访,
 * inspection 检视问题, project 实事项目. */
const char *kind_label(const char *kind);
bool kind_valid(const char *kind);
/* Subkinds of requests: 咨询 求助 投诉 举报 建议 (stored in Chinese). */
bool subkind_valid(const char *subkind);
/* Channels: web kiosk hotline box visit petition inspection app. */
const char *channel_label(const char *channel);
bool channel_valid(const char *channel);
/* Ratings: satisfied 满意, basic 基本满意, dissatisfied 不满意. */
const char *rating_label(const char *rating);
bool rating_valid(const char *rating);

typedef struct matter {
	int64_t id;
	char *number; /* TZ-2026-000123 */
	char *kind, *subkind;
	int64_t category_id;
	char *category_name;
	char *title, *description;
	int64_t area_id;
	char *area_name, *address;
	bool has_point;
	double lat, lon;
	char *channel;
	char *submitter_name, *submitter_phone, *submitter_kind; /* personal */
	char *submitter_id_number, *submitter_contact;            /* personal */
	char *attributes; /* answers to the category's questions: a JSON object */
	char *media_url;  /* a photo URL given by an Open311 client, or "" */
	int64_t department_id;
	char *department_name;
	int64_t assignee_id;
	char *assignee_name;
	char *deadline, *respond_by; /* YYYY-MM-DD or NULL */
	int priority;
	bool is_public;
	int status;
	char *result, *reason, *rating, *rating_note;
	int64_t merged_into;
	char *merged_into_number;
	int extensions;
	char *extension_request;
	int64_t version;
	int64_t created_at, updated_at, responded_at, resolved_at, closed_at;
	bool overdue; /* open and past its deadline (computed on load) */
	/* 督办 tier (ledger/supervise.h): 0 none, 1 日常督办, 2 挂牌督办 (marked
	 * on the board), 3 约谈督办. */
	int urge_level;
	/* Routing suggestion (ledger/routing.h): 0/NULL when there is none. */
	int64_t suggested_department_id, suggested_category_id;
	char *suggested_department_name, *suggested_category_name;
	double suggestion_confidence; /* 0..1 */
	char *suggestion_source;      /* "model", "keywords" or "" */
	/* Only from a search (matter_filter.q): where the words were found,
	 * with each hit between SEARCH_MARK_OPEN and SEARCH_MARK_CLOSE
	 * (ledger/search.h); NULL otherwise. */
	char *snippet;
} matter;

void matter_clear(matter *m);

/* Load by number (or by id when number is NULL). Personal fields are
 * blanked unless actor_sees_personal(who). LEDGER_NOT_FOUND when absent;
 * when public_only, private matters are not found either. */
int matter_load(db *d, const actor *who, const char *number, int64_t id, bool public_only,
		const char *today, matter *out);

#define SUBMIT_TOKEN_SIZE 48

typedef struct submission {
	const char *kind, *subkind;
	int64_t category_id, area_id;
	const char *title, *description, *address;
	bool has_point;
	double lat, lon;
	const char *channel;
	const char *submitter_name, *submitter_phone, *submitter_kind;
	const char *submitter_id_number, *submitter_contact; /* optional, personal */
	/* Answers to the category's questions: a JSON object already checked
	 * with attribute_check() (attribute.h); NULL for none. */
	const char *attributes;
	const char *media_url; /* optional http(s) URL of a photo */
	/* When not NULL, a token for an Open311 batch service is issued in
	 * the same transaction and written here. */
	char *token_out; /* [SUBMIT_TOKEN_SIZE] */
	bool is_public;
	int priority;
	/* optional photo, already type-checked by the caller or not: checked again */
	const void *photo;
	size_t photo_len;
	const char *photo_name;
	/* When not NULL, the submission counts against this limit, in its own
	 * transaction; over it, matter_submit answers LEDGER_THROTTLED. */
	const struct rate_limit *limit;
} submission;

/* Does p look like a phone number (digits with + - ( ) and spaces, at
 * most 20 bytes, at least 3 digits)? An empty one is fine (optional). */
bool matter_phone_valid(const char *p);

/* Hand in a new matter (status submitted) with its first event, in one
 * transaction. Fills number_out (TZ-YYYY-NNNNNN) and secret_out (the
 * resident's 查询码, shown once; only its hash is stored). who may be an
 * anonymous resident, a clerk entering on someone's behalf (代录) or an app.
 * LEDGER_INVALID with a Chinese *msg on bad input, LEDGER_THROTTLED when
 * s->limit is spent. */
int matter_submit(db *d, const actor *who, const submission *s, int64_t now,
		  char number_out[32], char secret_out[16], char **msg);

/* The matter number behind a batch token: LEDGER_OK and number_out, or
 * LEDGER_NOT_FOUND. */
int matter_token_lookup(db *d, const char *token, char number_out[32]);

/* Check a resident's 查询码 against the matter's. */
bool matter_secret_ok(db *d, const char *number, const char *secret);

typedef struct matter_filter {
	const char *kind, *subkind;
	int status;          /* -1 for any */
	bool open_only;      /* status_is_open */
	bool overdue_only;
	bool public_only;    /* public matters only (the board) */
	int64_t category_id, area_id, department_id, assignee_id;
	const char *q;       /* plain substring in title/description/number */
	const char *from, *to; /* created between these dates (inclusive) */
	bool closed_only;    /* not status_is_open */
	bool categorized;    /* only matters with a category */
	int64_t created_since, created_until; /* instants, inclusive; 0: open */
	const char *const *numbers; /* any of these matter numbers */
	size_t nnumbers;
	const int64_t *category_ids; /* in any of these categories */
	size_t ncategory_ids;
	int urge_min;        /* 督办 tier at least this (1..3); 0: any */
	bool order_urge;     /* overdue lists: highest 督办 tier first, then by deadline */
	int64_t closed_since; /* closed (closed_at) at or after this instant; 0: any */
	bool order_closed;   /* newest closing first (closed_at), e.g. the kiosk's 近30天销号 */
	int offset, limit;   /* limit 0: 50; capped at MATTER_FIND_MAX */
	/* Count matching rows only up to this many (0: count them all). Why:
	 * an exact count of a million-row ledger costs a scan on every page,
	 * and "more than 10000" is all a page needs to say. */
	int64_t count_cap;
} matter_filter;
#define MATTER_FIND_MAX 1000
#define MATTER_COUNT_CAP 10000

/* A filter with everything "any", counting up to MATTER_COUNT_CAP. */
matter_filter matter_filter_any(void);

typedef struct matter_list {
	matter *items;
	size_t n;
	int64_t total; /* rows matching, ignoring offset/limit (at most count_cap) */
	bool more;     /* more than count_cap rows match */
} matter_list;

/* Find matters, newest first (overdue lists: oldest deadline first;
 * order_closed: the latest closed first). */
int matter_find(db *d, const actor *who, const matter_filter *f, const char *today,
		matter_list *out);
void matter_list_free(matter_list *l);

/* Call fn(ctx, m) for every matter that passes f, oldest first (created_at,
 * then id), stepping one statement, so memory stays bounded however many
 * rows match (exports). offset, limit and count_cap are ignored; with f->q,
 * every match of the full-text index, unranked and without snippets. Each
 * matter is read as who may read it (personal fields blanked) and cleared
 * after fn returns; fn returns 0 to go on, anything else stops the walk and
 * is returned. LEDGER_INVALID for a bad date, LEDGER_ERROR on a database
 * failure. */
int matter_each(db *d, const actor *who, const matter_filter *f, const char *today,
		int (*fn)(void *ctx, const matter *m), void *ctx);

/* Counts for the dashboard, the home page and /metrics: a total row
 * (department 0) with every matter by status and the open ones past their
 * deadline, then a row per lead department (-1: none yet) with only the
 * matters still being worked on (open or resolved). Why not every status
 * per department: the finished ones are most of a ledger, and counting
 * them by department read every row (1.9 s at 1,000,000 matters; the
 * total alone reads an index). */
typedef struct status_count {
	int64_t department_id; /* 0 for the total row */
	char *department_name;
	int64_t by_status[ST_COUNT];
	int64_t overdue;
} status_count;
int matter_counts(db *d, const char *today, status_count **out, size_t *n);
void status_counts_free(status_count *v, size_t n);

/* Attachments (photos). */
typedef struct attachment {
	int64_t id, matter_id;
	char *filename, *content_type;
	size_t size;
	bool is_public;
} attachment;
int attachment_list(db *d, int64_t matter_id, bool public_only, attachment **out, size_t *n);
void attachment_list_free(attachment *v, size_t n);
/* Load the bytes of one attachment into *data (caller frees). */
int attachment_load(db *d, int64_t id, attachment *meta, void **data);
/* The content type of an image by its magic bytes (image/jpeg, image/png,
 * image/webp, image/gif), or NULL if it is none of those. */
const char *image_type_sniff(const void *p, size_t n);

#endif
