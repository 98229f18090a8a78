/*
 * schema.c — the one commented schema, as numbered migrations.
 *
 * A migration never changes once released: add a new one. db_migrate() runs
 * the ones above `schema_version` in order, each in its own transaction.
 *
 * Conventions: ids are INTEGER PRIMARY KEY; instants are unix seconds
 * (INTEGER, UTC); civil dates (deadlines, holidays) are TEXT 'YYYY-MM-DD';
 * booleans are INTEGER 0/1. Residents' personal data lives only in the
 * submitter_* columns of matters and is never selected for a public view.
 */
#include "store/schema.h"

#include <stddef.h>

static const char v1[] =
	/* Responsible units (责任单位): offices, bureaus, villages' committees. */
	"CREATE TABLE departments ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"          /* short stable code, e.g. 'zjb' */
	"  name TEXT NOT NULL,"                 /* 住房和城乡建设局 */
	"  phone TEXT,"                         /* the office's public phone */
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  sort INTEGER NOT NULL DEFAULT 0);"

	/* Areas: streets, villages, communities, estates (nested). */
	"CREATE TABLE areas ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL DEFAULT 'community'," /* street|village|community|estate|zone */
	"  parent_id INTEGER REFERENCES areas(id),"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  sort INTEGER NOT NULL DEFAULT 0);"

	/* Categories (services in Open311) with default deadlines in working days. */
	"CREATE TABLE categories ("
	"  id INTEGER PRIMARY KEY,"
	"  code TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  group_name TEXT NOT NULL DEFAULT '',"
	"  keywords TEXT NOT NULL DEFAULT '',"
	"  respond_days INTEGER NOT NULL DEFAULT 1 CHECK (respond_days >= 0),"
	"  resolve_days INTEGER NOT NULL DEFAULT 15 CHECK (resolve_days >= 1),"
	"  department_id INTEGER REFERENCES departments(id)," /* usual lead department */
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  sort INTEGER NOT NULL DEFAULT 0);"

	/* Staff accounts. password_hash is argon2id (libsodium's string form). */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  login TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('admin','leader','clerk','handler','observer')),"
	"  department_id INTEGER REFERENCES departments(id),"
	"  phone TEXT,"
	"  password_hash TEXT NOT NULL,"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL,"
	"  CHECK (role <> 'handler' OR department_id IS NOT NULL));"

	/* API keys; only the hash of a key is kept. */
	"CREATE TABLE api_keys ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  key_hash TEXT NOT NULL UNIQUE,"
	"  role TEXT NOT NULL CHECK (role IN ('admin','leader','clerk','handler','observer','app')),"
	"  department_id INTEGER REFERENCES departments(id),"
	"  created_at INTEGER NOT NULL,"
	"  revoked_at INTEGER);"

	/* Server-side sessions: id is a hash of the cookie's token. */
	"CREATE TABLE sessions ("
	"  id TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  csrf TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL);"
	"CREATE INDEX sessions_expiry ON sessions(expires_at);"

	/* Failed logins, for throttling (per login and per address). */
	"CREATE TABLE login_failures ("
	"  id INTEGER PRIMARY KEY,"
	"  login TEXT NOT NULL,"
	"  remote TEXT NOT NULL,"
	"  at INTEGER NOT NULL);"
	"CREATE INDEX login_failures_login ON login_failures(login, at);"
	"CREATE INDEX login_failures_remote ON login_failures(remote, at);"

	/* Overrides of the Mon-Fri working week: public holidays and 调休 days. */
	"CREATE TABLE calendar_days ("
	"  day TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('holiday','workday')),"
	"  name TEXT NOT NULL DEFAULT '');"

	/* Per-year sequence for matter numbers TZ-YYYY-NNNNNN. */
	"CREATE TABLE counters ("
	"  name TEXT PRIMARY KEY,"
	"  value INTEGER NOT NULL);"

	/* The ledger: one row per matter, its current state. */
	"CREATE TABLE matters ("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL UNIQUE,"            /* TZ-2026-000123 */
	"  secret TEXT NOT NULL,"                   /* resident's 查询码 (hash) */
	"  kind TEXT NOT NULL,"                     /* request|wish|petition|inspection|project */
	"  subkind TEXT NOT NULL DEFAULT '',"       /* 咨询/求助/投诉/举报/建议 for requests */
	"  category_id INTEGER REFERENCES categories(id),"
	"  title TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  area_id INTEGER REFERENCES areas(id),"
	"  address TEXT NOT NULL DEFAULT '',"
	"  lat REAL, lon REAL,"
	"  channel TEXT NOT NULL,"                  /* web|kiosk|hotline|box|visit|petition|inspection|app */
	"  submitter_name TEXT NOT NULL DEFAULT ''," /* personal: never public */
	"  submitter_phone TEXT NOT NULL DEFAULT ''," /* personal: never public */
	"  submitter_kind TEXT NOT NULL DEFAULT 'resident'," /* resident|enterprise */
	"  department_id INTEGER REFERENCES departments(id)," /* lead (主办) */
	"  assignee_id INTEGER REFERENCES users(id)," /* responsible person */
	"  deadline TEXT,"                          /* resolve by, YYYY-MM-DD */
	"  respond_by TEXT,"                        /* first response by */
	"  priority INTEGER NOT NULL DEFAULT 0,"    /* 0 normal, 1 urgent */
	"  public INTEGER NOT NULL DEFAULT 1,"
	"  status TEXT NOT NULL,"
	"  result TEXT NOT NULL DEFAULT '',"
	"  reason TEXT NOT NULL DEFAULT '',"        /* rejection/return/reopen reason */
	"  rating TEXT,"                            /* satisfied|basic|dissatisfied */
	"  rating_note TEXT NOT NULL DEFAULT '',"
	"  merged_into INTEGER REFERENCES matters(id),"
	"  extensions INTEGER NOT NULL DEFAULT 0,"
	"  extension_request TEXT,"                 /* requested new deadline */
	"  version INTEGER NOT NULL DEFAULT 1,"     /* optimistic concurrency */
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL,"
	"  responded_at INTEGER,"                   /* first acceptance or contact */
	"  resolved_at INTEGER,"
	"  closed_at INTEGER);"
	"CREATE INDEX matters_status ON matters(status, deadline);"
	"CREATE INDEX matters_department ON matters(department_id, status);"
	"CREATE INDEX matters_created ON matters(created_at);"
	"CREATE INDEX matters_public ON matters(public, status, id);"

	/* Co-handling departments (协办). */
	"CREATE TABLE matter_codepartments ("
	"  matter_id INTEGER NOT NULL REFERENCES matters(id),"
	"  department_id INTEGER NOT NULL REFERENCES departments(id),"
	"  PRIMARY KEY (matter_id, department_id));"

	/* The append-only event log: every transition and note. */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  matter_id INTEGER NOT NULL REFERENCES matters(id),"
	"  at INTEGER NOT NULL,"
	"  actor_id INTEGER REFERENCES users(id),"
	"  actor_label TEXT NOT NULL,"              /* 'clerk 王芳', '群众', an app's name */
	"  action TEXT NOT NULL,"
	"  from_status TEXT,"
	"  to_status TEXT NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  public INTEGER NOT NULL DEFAULT 1,"       /* shown on the public timeline */
	"  data TEXT NOT NULL DEFAULT '{}');"       /* JSON details (department, deadline, ...) */
	"CREATE INDEX events_matter ON events(matter_id, id);"
	"CREATE INDEX events_at ON events(at);"

	/* Photos and files. Content is checked by magic bytes on upload. */
	"CREATE TABLE attachments ("
	"  id INTEGER PRIMARY KEY,"
	"  matter_id INTEGER NOT NULL REFERENCES matters(id),"
	"  event_id INTEGER REFERENCES events(id),"
	"  filename TEXT NOT NULL,"
	"  content_type TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  data BLOB NOT NULL,"
	"  public INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX attachments_matter ON attachments(matter_id);";

/* Why: the audit log must be append-only; the database itself refuses to
 * change or remove a written event (SQLite: RAISE(ABORT); PostgreSQL: an
 * exception, both seen above store/ as DB_CONSTRAINT). */
static const char v1_sqlite[] =
	"CREATE TRIGGER events_no_update BEFORE UPDATE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;"
	"CREATE TRIGGER events_no_delete BEFORE DELETE ON events"
	"  BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;";
static const char v1_pg[] =
	/* SQLite's json_extract for the '$.key' paths the SQL above store/
	 * uses on events.data, as text (so a default beside it is text too:
	 * coalesce(json_extract(data, '$.level'), '0')). */
	"CREATE FUNCTION json_extract(doc TEXT, path TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS"
	"  $$ SELECT (doc::jsonb) #>> string_to_array(substr(path, 3), '.') $$;"
	"CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS"
	"  $$ BEGIN RAISE EXCEPTION 'events are append-only' USING ERRCODE = '23000'; END $$;"
	"CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events"
	"  FOR EACH ROW EXECUTE FUNCTION events_append_only();";

static const char v2[] =
	/* Categories as Open311 services: a description, realtime or batch
	 * (a batch request answers with a token, tokens/{token} gives the id
	 * later), and the extra questions as a JSON array in the Open311
	 * attribute shape (code, datatype, required, description, order,
	 * values [{key, name}]), checked by ledger/attribute.c on save. */
	"ALTER TABLE categories ADD COLUMN description TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE categories ADD COLUMN type TEXT NOT NULL DEFAULT 'realtime'"
	"  CHECK (type IN ('realtime','batch'));"
	"ALTER TABLE categories ADD COLUMN attributes TEXT NOT NULL DEFAULT '[]';"

	/* More of the submitter's private data, never public: an ID number
	 * (staff intake of petitions) and other contact (e-mail, an app's
	 * account or device id). */
	"ALTER TABLE matters ADD COLUMN submitter_id_number TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE matters ADD COLUMN submitter_contact TEXT NOT NULL DEFAULT '';"
	/* Answers to the category's questions: a JSON object code -> value
	 * (a list for multivaluelist). */
	"ALTER TABLE matters ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';"
	/* A photo URL given by an Open311 client. */
	"ALTER TABLE matters ADD COLUMN media_url TEXT NOT NULL DEFAULT '';"

	/* Tokens handed out for requests to batch services. */
	"CREATE TABLE request_tokens ("
	"  token TEXT PRIMARY KEY,"
	"  matter_id INTEGER NOT NULL REFERENCES matters(id),"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX request_tokens_matter ON request_tokens(matter_id);";

static const char v3[] =
	/* Rate limits kept in the database, so that several server processes
	 * share them: hits of one key (e.g. "submit:203.0.113.5") in the
	 * fixed window that starts at window_start (unix seconds). */
	"CREATE TABLE rate_limits ("
	"  key TEXT PRIMARY KEY,"
	"  window_start INTEGER NOT NULL,"
	"  hits INTEGER NOT NULL);"
	"CREATE INDEX rate_limits_window ON rate_limits(window_start);";

static const char v4[] =
	/* Lists show the newest first, 20 or 50 at a time: with the filter's
	 * equality column first and created_at next, SQLite walks the newest
	 * rows of the index instead of sorting every match (the public board
	 * at a million matters went from seconds to milliseconds). The row id
	 * that ends every index breaks ties as ORDER BY created_at, id does. */
	"CREATE INDEX matters_public_created ON matters(public, created_at);"
	"CREATE INDEX matters_department_created ON matters(department_id, created_at);"
	"CREATE INDEX matters_status_created ON matters(status, created_at);";

static const char v5_sqlite[] =
	/* Full-text search over the matter's texts, one row per matter
	 * (rowid = matters.id), kept by ledger/search.c in the transaction of
	 * every event. The tokenizer is taizhang's own (text/tokenize.h:
	 * folded CJK bigrams and words, registered by the store on every
	 * connection). Columns the public board may search come first;
	 * description, address and internal notes are staff-only. */
	"CREATE VIRTUAL TABLE matter_search USING fts5("
	"  number, title, result, public_notes,"
	"  description, address, internal_notes,"
	"  tokenize = 'taizhang');"
	"INSERT INTO matter_search(rowid, number, title, result, public_notes, description,"
	"  address, internal_notes)"
	"  SELECT m.id, m.number, m.title, m.result,"
	"    (SELECT coalesce(group_concat(note, ' '), '') FROM events e"
	"      WHERE e.matter_id = m.id AND e.public = 1 AND e.note <> '' AND e.action <> 'submit'),"
	"    m.description, m.address,"
	"    (SELECT coalesce(group_concat(note, ' '), '') FROM events e"
	"      WHERE e.matter_id = m.id AND e.public = 0 AND e.note <> '' AND e.action <> 'submit')"
	"  FROM matters m;";

static const char v5_pg[] =
	/* The same index on PostgreSQL (ledger/search_pg.c), which has no
	 * tokenizer of ours: one row per matter with its texts as written, in
	 * matter_search's column order, and the tokens made by our C code
	 * (text/tokenize.h), stored as tsvectors with positions (a gap between
	 * columns, so a phrase stays within one), looked up through GIN
	 * indexes: the public columns' and all columns'. tokens is the row's
	 * length in tokens and matter_search_totals the index's, which bm25
	 * needs (computed in C, as FTS5 computes it). A new PostgreSQL ledger
	 * has no matters yet, so nothing is indexed here. */
	"CREATE TABLE matter_search ("
	"  matter_id BIGINT PRIMARY KEY REFERENCES matters(id),"
	"  number TEXT COLLATE \"C\" NOT NULL DEFAULT '',"
	"  title TEXT COLLATE \"C\" NOT NULL DEFAULT '',"
	"  result TEXT COLLATE \"C\" NOT NULL DEFAULT '',"
	"  public_notes TEXT COLLATE \"C\" NOT NULL DEFAULT '',"
	"  description TEXT COLLATE \"C\" NOT NULL DEFAULT '',"
	"  address TEXT COLLATE \"C\" NOT NULL DEFAULT '',"
	"  internal_notes TEXT COLLATE \"C\" NOT NULL DEFAULT '',"
	"  tokens BIGINT NOT NULL DEFAULT 0,"
	"  public_words TSVECTOR NOT NULL DEFAULT '',"
	"  words TSVECTOR NOT NULL DEFAULT '');"
	"CREATE INDEX matter_search_public_words ON matter_search USING gin (public_words);"
	"CREATE INDEX matter_search_words ON matter_search USING gin (words);"
	"CREATE TABLE matter_search_totals ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  indexed BIGINT NOT NULL,"
	"  tokens BIGINT NOT NULL);"
	"INSERT INTO matter_search_totals(id, indexed, tokens) VALUES (1, 0, 0);";

static const char v6[] =
	/* Routing suggestions (ledger/routing.c): the department and category
	 * a linear model over the text (or, without one, the categories'
	 * keywords) proposes for a matter, with its confidence 0..1 and where
	 * it came from ('model' or 'keywords'); the clerk accepts or ignores. */
	"ALTER TABLE matters ADD COLUMN suggested_department_id INTEGER REFERENCES departments(id);"
	"ALTER TABLE matters ADD COLUMN suggested_category_id INTEGER REFERENCES categories(id);"
	"ALTER TABLE matters ADD COLUMN suggestion_confidence REAL;"
	"ALTER TABLE matters ADD COLUMN suggestion_source TEXT NOT NULL DEFAULT '';"
	/* Trained models, newest last: what they predict, when and on how many
	 * matters they were trained, their accuracy on held-out matters, and
	 * the weights (routing.c's serialised form). */
	"CREATE TABLE routing_models ("
	"  id INTEGER PRIMARY KEY,"
	"  target TEXT NOT NULL CHECK (target IN ('department','category')),"
	"  trained_at INTEGER NOT NULL,"
	"  examples INTEGER NOT NULL,"
	"  holdout INTEGER NOT NULL,"
	"  accuracy REAL,"
	"  weights BLOB NOT NULL);";

static const char v7[] =
	/* Duplicate detection (ledger/similar.c): a MinHash signature of each
	 * matter's folded text, and its locality-sensitive band keys, so that
	 * the matters sharing a band with a new one are found by index. */
	"CREATE TABLE matter_signatures ("
	"  matter_id INTEGER PRIMARY KEY REFERENCES matters(id),"
	"  signature BLOB NOT NULL);"
	"CREATE TABLE matter_bands ("
	"  band_key INTEGER NOT NULL,"
	"  matter_id INTEGER NOT NULL REFERENCES matters(id),"
	"  PRIMARY KEY (band_key, matter_id)) WITHOUT ROWID;";

static const char v8[] =
	/* Duplicate detection (ledger/similar.c, text/minhash.h): the MinHash
	 * signature of each matter's folded title and description, and its
	 * locality-sensitive band keys, so that the matters sharing a band with
	 * a new text are found by index. A band row also carries what the
	 * lookup filters on (when the matter was made, its category and area),
	 * so the index alone answers it without reading the matters (and a
	 * matter's rows are found again from its stored signature). Rows are
	 * written with the submission; a matter without a signature (an older
	 * ledger) gets one from similar_backfill at start-up. v7's tables had
	 * no filter columns and nothing wrote them, so they are made again;
	 * every row here is derived from the matters. */
	"DROP TABLE matter_bands;"
	"DROP TABLE matter_signatures;"
	"CREATE TABLE matter_signatures ("
	"  matter_id INTEGER PRIMARY KEY REFERENCES matters(id),"
	"  signature BLOB NOT NULL);"                /* MINHASH_K little-endian uint32 */
	"CREATE TABLE matter_bands ("
	"  band_key INTEGER NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  matter_id INTEGER NOT NULL REFERENCES matters(id),"
	"  category_id INTEGER NOT NULL DEFAULT 0,"  /* 0: none */
	"  area_id INTEGER NOT NULL DEFAULT 0,"      /* 0: none */
	"  PRIMARY KEY (band_key, created_at, matter_id)) WITHOUT ROWID;";

static const char v9[] =
	/* Import of an office's own Excel/CSV ledger (report/import.c,
	 * ledger/matter_import.c). external_number is the 编号 the office's
	 * sheet gave a matter when it is not one of ours: a second import of
	 * the same sheet finds the matter by it and updates it instead of
	 * adding it again. */
	"ALTER TABLE matters ADD COLUMN external_number TEXT;"
	"CREATE UNIQUE INDEX matters_external_number ON matters(external_number)"
	"  WHERE external_number IS NOT NULL;"
	/* A file uploaded on /staff/import, kept between the dry run the page
	 * shows and the clerk's confirmation (so the same bytes are imported
	 * as were checked), found by the hash of a random token, only by the
	 * user who uploaded it, and removed once used or a day old. */
	"CREATE TABLE import_uploads ("
	"  token_hash TEXT PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  filename TEXT NOT NULL,"
	"  data BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE INDEX import_uploads_created ON import_uploads(created_at);";

static const char v10_sqlite[] =
	/* The character index: every Chinese character of a matter's texts,
	 * read by the tokenizer "taizhang_chars" (text/tokenize.h), with no
	 * positions (detail none), so that a one-character query (水, 灯) reads
	 * one list of matters instead of merging the lists of every pair that
	 * starts with it: at 1,000,000 matters its page took 150-600 ms. No
	 * column sizes either: its hits rank by recency, not bm25. Both
	 * tables index the texts kept in matter_search's own content table
	 * (FTS5's matter_search_content: id, then c0..c6 in matter_search's
	 * column order), so the text is stored once; matter_chars_public only
	 * the columns the board may search. ledger/search.c keeps them in step
	 * with matter_search. */
	"CREATE VIRTUAL TABLE matter_chars USING fts5("
	"  c0, c1, c2, c3, c4, c5, c6,"
	"  content = 'matter_search_content', content_rowid = 'id',"
	"  tokenize = 'taizhang_chars', detail = 'none', columnsize = 0);"
	"CREATE VIRTUAL TABLE matter_chars_public USING fts5("
	"  c0, c1, c2, c3,"
	"  content = 'matter_search_content', content_rowid = 'id',"
	"  tokenize = 'taizhang_chars', detail = 'none', columnsize = 0);"
	"INSERT INTO matter_chars(matter_chars) VALUES ('rebuild');"
	"INSERT INTO matter_chars_public(matter_chars_public) VALUES ('rebuild');";

static const char v10_pg[] =
	/* The character index on PostgreSQL: every Chinese character of the
	 * public columns' and of all columns' texts, as lexemes without
	 * positions, for one-character queries (ranked by recency). */
	"ALTER TABLE matter_search ADD COLUMN public_chars TSVECTOR NOT NULL DEFAULT '';"
	"ALTER TABLE matter_search ADD COLUMN chars TSVECTOR NOT NULL DEFAULT '';"
	"CREATE INDEX matter_search_public_chars ON matter_search USING gin (public_chars);"
	"CREATE INDEX matter_search_chars ON matter_search USING gin (chars);";

static const char v10[] =
	/* Matters whose texts changed since the search indexes last read them,
	 * written in the transaction of the change and indexed in batches
	 * (ledger/search.c: search_catch_up): FTS5 writes a segment for every
	 * statement, which on the group-commit writer's thread cost a
	 * submission half its throughput; a batch is one statement per index. */
	"CREATE TABLE search_queue ("
	"  matter_id INTEGER PRIMARY KEY REFERENCES matters(id));";

static const char v11[] =
	/* Supervision (督办). urge_level: 0 none, 1 日常督办, 2 挂牌督办
	 * (marked on the board), 3 约谈督办; raised by the scheduler after
	 * working-day thresholds past the deadline or by a leader, never
	 * lowered while the matter is open (重办 starts it afresh at 0, with
	 * reminded_for and overdue_for cleared). reminded_for / overdue_for: the
	 * deadline for which the reminder before it and the overdue notice
	 * were written, so each is written once per deadline (an extension
	 * brings a new one). */
	"ALTER TABLE matters ADD COLUMN urge_level INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE matters ADD COLUMN reminded_for TEXT;"
	"ALTER TABLE matters ADD COLUMN overdue_for TEXT;"
	/* The matters under 督办, for the lists filtered by tier (the overdue
	 * list, the board's 挂牌督办): a partial index holds only them, so it
	 * stays small and costs nothing on the rest (ledger/matter_find.c
	 * writes the "urge_level > 0" that lets SQLite use it). At 1,000,000
	 * matters the overdue list by tier went from 1.7 s to 0.15 s. */
	"CREATE INDEX matters_urged ON matters(urge_level, deadline) WHERE urge_level > 0;"
	/* urge_notified: the tier the office's channels have heard of. The
	 * scheduler raises urge_level matter by matter, then tells each
	 * channel of all the matters it raised in one message per tick
	 * (ledger/supervise.c) and catches urge_notified up in that same
	 * transaction, so a crash between the two sends the message at the
	 * next tick, never twice, and a first tick on a large ledger is one
	 * message, not one per matter. The partial index holds only the
	 * matters waiting to be told of. */
	"ALTER TABLE matters ADD COLUMN urge_notified INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX matters_urge_news ON matters(department_id) WHERE urge_level > urge_notified;"
	"CREATE INDEX matters_resolved ON matters(status, resolved_at);"
	/* The matters closed (销号) since a day, latest first: the kiosk's
	 * 近30天销号 (web/screen.c, matter_filter.closed_since). At 1,000,000
	 * matters its page and exact count read 0.15 s here, where without it
	 * every closed matter (most of a ledger) was walked. */
	"CREATE INDEX matters_closed ON matters(status, closed_at);"
	/* Where messages go: a group robot of WeCom, DingTalk or Feishu, any
	 * HTTP webhook, or e-mail over SMTP. department_id NULL: the whole
	 * office. topics: a comma list of what it receives (daily, weekly,
	 * urge, duty). secret: the robot's signing secret, the webhook's HMAC
	 * key or the SMTP password; never shown again after it is set. */
	"CREATE TABLE channels ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"                     /* wecom|dingtalk|feishu|webhook|email */
	"  department_id INTEGER REFERENCES departments(id),"
	"  target TEXT NOT NULL,"                   /* https URL, or smtp(s)://host:port */
	"  secret TEXT NOT NULL DEFAULT '',"
	"  username TEXT NOT NULL DEFAULT '',"      /* SMTP login */
	"  sender TEXT NOT NULL DEFAULT '',"        /* SMTP From address */
	"  recipients TEXT NOT NULL DEFAULT '',"    /* SMTP To addresses, comma list */
	"  topics TEXT NOT NULL DEFAULT 'daily,weekly,urge,duty',"
	"  active INTEGER NOT NULL DEFAULT 1,"
	/* The pacing of the platform (ledger/outbox.c): no request goes to
	 * the channel before this unix time (the real clock). Held while a
	 * sender is at a message of the channel, then set a few seconds on
	 * (WeCom and DingTalk take 20 messages a minute), or minutes on when
	 * the platform answered "too frequent". */
	"  send_after INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL);"
	/* Messages waiting to be sent, and what became of them. Written in the
	 * transaction that decides them, sent afterwards: a crash between the
	 * two leaves a pending row, sent again (at least once; idem_key goes
	 * with every attempt as Idempotency-Key or Message-ID so receivers
	 * can drop a repeat). A sender claims a row by setting lease_until
	 * (the real clock) and a random claim token; a row whose lease ran out
	 * was left by a sender that died or hung, and what that sender writes
	 * afterwards is refused because its token no longer matches.
	 * parts_sent: how many parts of a split (WeCom) message the platform
	 * accepted, so a retry resumes at the next one. */
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY,"
	"  channel_id INTEGER NOT NULL REFERENCES channels(id),"
	"  topic TEXT NOT NULL,"                    /* daily|weekly|urge|duty|test */
	"  idem_key TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  body TEXT NOT NULL,"                     /* Markdown-like Chinese text */
	"  status TEXT NOT NULL DEFAULT 'pending',"  /* pending|sent|failed */
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_at INTEGER NOT NULL,"               /* not to be tried before */
	"  lease_until INTEGER NOT NULL DEFAULT 0,"
	"  claim INTEGER NOT NULL DEFAULT 0,"       /* the holder's token; 0 none */
	"  parts_sent INTEGER NOT NULL DEFAULT 0,"
	"  last_error TEXT NOT NULL DEFAULT '',"
	"  created_at INTEGER NOT NULL,"
	"  sent_at INTEGER);"
	/* The claim looks at each open channel's oldest pending message
	 * through outbox_pending, so messages held for a switched-off or
	 * paced channel are never walked; outbox_status serves the
	 * administrator's list by status and the counts; outbox_sent_at the
	 * purge of old sent messages. */
	"CREATE INDEX outbox_pending ON outbox(channel_id, next_at, id) WHERE status = 'pending';"
	"CREATE INDEX outbox_status ON outbox(status, id);"
	"CREATE INDEX outbox_sent_at ON outbox(sent_at) WHERE status = 'sent';"
	/* Callbacks (回访, ledger/callback.c). A call that did not reach the
	 * resident is a 'callback_missed' event, a call that did a 'callback'
	 * event with the rating, so the attempts are counted from the log.
	 * auto_closed: 1 when the system closed the matter because nobody
	 * rated it in time (逾期未评价): resolved, but not confirmed solved in
	 * the rates; a leader's 销号 writes 0. */
	"ALTER TABLE matters ADD COLUMN auto_closed INTEGER NOT NULL DEFAULT 0;"
	/* Recurring duties (定期工作, ledger/duty.c): what, for whom, how
	 * often, by when. recurrence and its rule: yearly (due_month 1-12,
	 * due_day), half_yearly (due_month 1-6 within each half), quarterly
	 * (due_month 1-3 within each quarter), monthly (due_day), weekly
	 * (due_day = ISO weekday 1-7). A due_day past the month's end means
	 * its last day (31: always the last). The responsible person is a
	 * user (person_id) or a free name (person_name, e.g. 各村党组织书记);
	 * department_id NULL: the whole office. lead_days: working days
	 * before next_due when reminders start. */
	"CREATE TABLE duties ("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  department_id INTEGER REFERENCES departments(id),"
	"  person_id INTEGER REFERENCES users(id),"
	"  person_name TEXT NOT NULL DEFAULT '',"
	"  recurrence TEXT NOT NULL CHECK (recurrence IN"
	"   ('yearly','half_yearly','quarterly','monthly','weekly')),"
	"  due_month INTEGER NOT NULL DEFAULT 0,"
	"  due_day INTEGER NOT NULL CHECK (due_day BETWEEN 1 AND 31),"
	"  next_due TEXT NOT NULL,"                 /* YYYY-MM-DD */
	"  lead_days INTEGER NOT NULL DEFAULT 5 CHECK (lead_days BETWEEN 0 AND 60),"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  created_by INTEGER REFERENCES users(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL);"
	"CREATE INDEX duties_due ON duties(active, next_due);"
	/* Each time a duty was done: for which due date, when, by whom, with
	 * what note. Kept for good (the duty's history). */
	"CREATE TABLE duty_records ("
	"  id INTEGER PRIMARY KEY,"
	"  duty_id INTEGER NOT NULL REFERENCES duties(id),"
	"  due TEXT NOT NULL,"
	"  done_at INTEGER NOT NULL,"
	"  user_id INTEGER REFERENCES users(id),"
	"  actor_label TEXT NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX duty_records_duty ON duty_records(duty_id, id);";

const migration schema_migrations[] = {
	{1, "ledger core", v1, v1_sqlite, v1_pg},
	{2, "Open311 services, private contact fields, request tokens", v2, NULL, NULL},
	{3, "rate limits", v3, NULL, NULL},
	{4, "list indexes, newest first", v4, NULL, NULL},
	{5, "full-text search", "", v5_sqlite, v5_pg},
	{6, "routing suggestions", v6, NULL, NULL},
	{7, "duplicate signatures", v7, NULL, NULL},
	{8, "duplicate signatures with their filters", v8, NULL, NULL},
	{9, "import: external numbers, uploads awaiting confirmation", v9, NULL, NULL},
	{10, "character index for one-character searches, the indexing queue", v10, v10_sqlite, v10_pg},
	{11, "supervision, notification channels and the outbox", v11, NULL, NULL},
};
const int schema_nmigrations = sizeof schema_migrations / sizeof schema_migrations[0];
