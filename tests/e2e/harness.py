"""Shared machinery of taizhang's end-to-end tests (Python 3, standard library only).

- check(name, cond, detail): prints "ok - NAME" or "not ok - NAME" with "# detail" lines.
- section(name): decorator that runs a test function at once; an exception in it is one
  failing check, so one broken step never hides the others.
- done(): the exit code (1 if any check failed).
- run_cli(args, ...): runs $TAIZHANG_BIN with TAIZHANG_PWHASH=min.
- Server: a fresh ledger in a temp dir, staff users, departments and areas, and
  `taizhang serve` on a free port; on exit SIGTERM, exit code 0 and no sanitizer report.
- db_rows(srv, sql, args) / db_exec(srv, sql, args): one statement on a Server's ledger
  (or a ledger named by path or URL), `?` placeholders, on SQLite or PostgreSQL alike;
  matter_state(srv, number, columns): a matter's row and event count, to show that a
  refused request changed nothing.
- PostgreSQL mode (TAIZHANG_TEST_PG=postgresql://USER@HOST:PORT/, set by `tests/run --pg`):
  every Server gets a fresh database of its own, dropped at the end; new_ledger(path) is
  where a test's other ledgers go (the path, or a fresh database's URL); IS_PG says which;
  sqlite_only(what) skips a check that only means something for SQLite's file, saying so.
- Client: one browser: own cookie jar, no automatic redirects, CSRF taken from the last page;
  Front: what a Client takes for a server when the answers are the test's to judge (a
  proxy's port, a server during a database outage).
- submit_matter(client, title) through the resident's form, submit_matter_api(client,
  key, title) through POST /api/v1/matters: (response, number).
- Page: a small DOM (html.parser) with forms, links, text; every text/html answer is
  checked for well-formedness and for inline <script>.
"""
import datetime
import html.parser
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("TAIZHANG_BIN") or os.path.join(ROOT, "build", "taizhang"))
VALGRIND = os.environ.get("TAIZHANG_VALGRIND") == "1"
TIMEOUT = 120 if VALGRIND else 15  # seconds for one HTTP exchange

# PostgreSQL mode: the base URL of a cluster (no database name), from `tests/run --pg`
PG_BASE = os.environ.get("TAIZHANG_TEST_PG") or ""
IS_PG = bool(PG_BASE)

_counts = {"ok": 0, "fail": 0}
_names = {}


# ---------------------------------------------------------------- reporting

def check(name, cond, detail=""):
    """Print one TAP line; returns bool(cond)."""
    name = " ".join(str(name).split())
    n = _names.get(name, 0) + 1
    _names[name] = n
    if n > 1:
        name = "%s (%d)" % (name, n)
    if cond:
        _counts["ok"] += 1
        print("ok - " + name, flush=True)
    else:
        _counts["fail"] += 1
        print("not ok - " + name, flush=True)
        for line in str(detail).splitlines() or [""]:
            print("#   " + line, flush=True)
    return bool(cond)


def note(text):
    for line in str(text).splitlines():
        print("# " + line, flush=True)


def section(name):
    """Decorator: run the function now; an uncaught exception is a failing check."""
    def wrap(fn):
        try:
            fn()
        except Exception:  # noqa: BLE001 -- report anything, then go on
            check("%s: runs to the end" % name, False, traceback.format_exc())
        return fn
    return wrap


def done():
    note("%d ok, %d not ok" % (_counts["ok"], _counts["fail"]))
    sys.exit(1 if _counts["fail"] or _counts["ok"] == 0 else 0)


def require_binary():
    if not (os.path.isfile(BIN) and os.access(BIN, os.X_OK)):
        check("taizhang binary exists at %s" % BIN, False,
              "build it first (make all); TAIZHANG_BIN=%s" % BIN)
        done()


def short(data, n=600):
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    data = str(data)
    return data if len(data) <= n else data[:n] + "...[%d more]" % (len(data) - n)


# ---------------------------------------------------------------- ledgers: SQLite or PostgreSQL

def is_pg_url(db):
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


def sqlite_only(what):
    """True under SQLite. Under PostgreSQL, says that `what` (a check about SQLite's file
    itself: its bytes, PRAGMAs, its locks, tricks with the disk under it) is skipped in
    this run, and returns False. tests/run shows every such line."""
    if not IS_PG:
        return True
    note("skip: %s (SQLite only; this run is on PostgreSQL)" % what)
    return False


def skip_file_under_pg(why):
    """Under PostgreSQL, end a test file that is about SQLite's file as a whole, saying
    why (tests/run shows the line); under SQLite, nothing."""
    if IS_PG:
        note("skip: the whole file: %s (SQLite only; this run is on PostgreSQL)" % why)
        sys.exit(0)


def _pg_url(dbname, base=None):
    """base (a server's URL; PG_BASE by default) with dbname as its database."""
    u = urllib.parse.urlsplit(base or PG_BASE)
    return urllib.parse.urlunsplit((u.scheme, u.netloc, "/" + dbname, u.query, ""))


_pg_made = set()


def new_pg_database(template=None, base=None):
    """A fresh, empty database, UTF8 with the C collation as the ledger expects (as
    docs/deploy.md makes it), or a copy of the test database template (which nothing may
    be using), on the cluster of base (a server's URL: a test's own, tests/e2e/pgcluster.py)
    or PG_BASE's; returns its URL. One on PG_BASE's cluster is dropped at the latest when
    the test exits; one on a test's own goes with that cluster."""
    import atexit
    import pgwire
    name = "tz_%s" % uuid.uuid4().hex[:16]
    if template:
        sql = "CREATE DATABASE %s TEMPLATE %s" % (name, _pg_name(template))
    else:
        sql = ("CREATE DATABASE %s TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'"
               " LC_CTYPE 'C'" % name)
    con = pgwire.connect(_pg_url("postgres", base))
    try:
        con.execute(sql)
    finally:
        con.close()
    url = _pg_url(name, base)
    if base is None:
        if not _pg_made:
            atexit.register(lambda: [drop_pg_database(u) for u in list(_pg_made)])
        _pg_made.add(url)
    return url


def _pg_name(url):
    """The name of a test database (tz_HEX) from its URL."""
    name = urllib.parse.urlsplit(url).path.lstrip("/")
    if not re.fullmatch(r"tz_[0-9a-f]+", name):
        raise HarnessError("not a test database: %s" % url)
    return name


# Why connections are kept: a new PostgreSQL connection costs a server process (tens of
# milliseconds on a busy machine), and tests poll the ledger in loops. One per thread and
# database, in autocommit between statements, so none holds a lock or a snapshot.
_pg_conns = {}  # (thread id, url) -> pgwire.Connection
_pg_lock = threading.Lock()


def _pg_forget(url):
    """Close every kept connection to url (before the database is dropped or copied)."""
    with _pg_lock:
        gone = [k for k in _pg_conns if k[1] == url]
        for k in gone:
            _pg_conns.pop(k).close()


def _pg_run(url, fn):
    """fn(connection) on this thread's kept connection to url; once more on a new
    connection when the kept one turns out broken (the server dropped it)."""
    import pgwire
    key = (threading.get_ident(), url)
    for attempt in (1, 2):
        with _pg_lock:
            con = _pg_conns.get(key)
        fresh = con is None
        if fresh:
            con = pgwire.connect(url)
            with _pg_lock:
                _pg_conns[key] = con
        try:
            return fn(con)
        except (OSError, ConnectionError):
            with _pg_lock:
                _pg_conns.pop(key, None)
            con.close()
            if fresh or attempt == 2:
                raise
    return None


def drop_pg_database(url):
    """Drop the database of url (made by new_pg_database), closing whatever still uses it."""
    import pgwire
    name = _pg_name(url)
    _pg_forget(url)
    con = pgwire.connect(_pg_url("postgres", url))
    try:
        con.execute("DROP DATABASE IF EXISTS %s WITH (FORCE)" % name)
    finally:
        con.close()
    _pg_made.discard(url)


def new_ledger(path):
    """Where a test's own new ledger goes (`taizhang init/demo --db` makes it): path under
    SQLite, a fresh empty database's URL under PostgreSQL."""
    return new_pg_database() if IS_PG else path


def clone_ledger(src, path):
    """A copy of the ledger src (no server on it) as a new ledger: the file copied to
    path under SQLite; under PostgreSQL a new database made from src as its template.
    Returns the copy's path or URL."""
    if is_pg_url(src):
        _pg_forget(src)  # a template must have no one connected
        return new_pg_database(template=src)
    shutil.copy(src, path)
    return path


def ledger_exists(db):
    """Whether the ledger db was made: its file exists (SQLite), or its database holds the
    ledger's tables (PostgreSQL)."""
    if is_pg_url(db):
        return db_rows(db, "SELECT to_regclass('matters') IS NOT NULL")[0][0] is True
    return os.path.exists(db)


def _ledger(target):
    """The path or URL of target: a Server (anything with .db) or the path/URL itself."""
    return target if isinstance(target, str) else target.db


def db_rows(target, sql, args=()):
    """The rows (tuples) of one query on a ledger: target is a Server or a ledger's path or
    URL. sql is one statement in portable SQL with ? placeholders (both backends run it
    as written: keep to what SQLite and PostgreSQL share)."""
    db = _ledger(target)
    if is_pg_url(db):
        import pgwire
        return _pg_run(db, lambda con: con.execute(pgwire.placeholders(sql), list(args))[0])
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def db_exec(target, sql, args=()):
    """Run one writing statement on a ledger (as db_rows) and commit it; returns the
    number of rows it changed."""
    return db_execmany(target, sql, [args])


def db_insert(target, sql, args=()):
    """Run one INSERT ... RETURNING id on a ledger (as db_exec); returns the new id."""
    db = _ledger(target)
    if is_pg_url(db):
        return db_rows(db, sql, args)[0][0]
    con = sqlite3.connect(db, timeout=10)
    try:
        new_id = con.execute(sql, args).fetchone()[0]
        con.commit()
    finally:
        con.close()
    return new_id


def db_execmany(target, sql, arg_rows):
    """Run one writing statement once per tuple of arg_rows, all in one transaction;
    returns the number of rows changed."""
    db = _ledger(target)
    if is_pg_url(db):
        import pgwire
        q = pgwire.placeholders(sql)

        def run(con):
            done_ = 0
            con.execute("BEGIN")
            try:
                for args in arg_rows:
                    done_ += con.execute(q, list(args))[1]
                con.execute("COMMIT")
            except pgwire.PgError:
                con.execute("ROLLBACK")
                raise
            return done_
        return _pg_run(db, run)
    n = 0
    con = sqlite3.connect(db, timeout=10)
    try:
        for args in arg_rows:
            n += con.execute(sql, args).rowcount
        con.commit()
    finally:
        con.close()
    return n


# ---------------------------------------------------------------- dates

def beijing_today():
    return (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=8)).date()


def day(offset=0):
    return (beijing_today() + datetime.timedelta(days=offset)).isoformat()


# ---------------------------------------------------------------- test data

def png_1x1():
    """A valid 1x1 PNG (one red pixel), built byte by byte."""
    import struct
    import zlib

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# ---------------------------------------------------------------- CLI

def cli_env(extra=None):
    env = dict(os.environ)
    env["TAIZHANG_PWHASH"] = "min"
    # The server's own scheduler (reminders, 督办, digests) would act on the wall clock in
    # the middle of a test; tests drive it with `taizhang tick --now ...` instead, and one
    # that wants the server's tick passes --tick-seconds (a flag wins over this).
    env.setdefault("TAIZHANG_TICK_SECONDS", "0")
    for k in ("TAIZHANG_DB", "TAIZHANG_LISTEN"):
        env.pop(k, None)
    if extra:
        env.update(extra)
    return env


def raw_exchange(port, head, body_chunks=(), timeout=20):
    """Send a raw request (head: bytes up to and including the blank line, then the
    chunks, tolerating the server closing early) and return (status, raw answer)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    data = b""
    try:
        try:
            s.sendall(head)
            for c in body_chunks:
                s.sendall(c)
        except OSError:
            pass
        end = time.time() + timeout
        while time.time() < end:
            try:
                got = s.recv(65536)
            except socket.timeout:
                break
            except OSError:
                break
            if not got:
                break
            data += got
            if b"\r\n\r\n" in data:
                hdr = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
                cl = [l for l in hdr.split("\r\n") if l.lower().startswith("content-length:")]
                if cl and len(data.split(b"\r\n\r\n", 1)[1]) >= int(cl[0].split(":")[1]):
                    break
    finally:
        s.close()
    try:
        status = int(data.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = None
    return status, data


def run_cli(args, stdin=None, env=None, cwd=None, timeout=120):
    """Run the binary; returns (returncode, stdout text, stderr text)."""
    p = subprocess.run([BIN] + list(args), input=(stdin or "").encode("utf-8"),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(env),
                       cwd=cwd or tempfile.gettempdir(), timeout=timeout)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


# ---------------------------------------------------------------- HTML

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = dict(attrs)
        self.children = []
        self.parent = parent

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        out = []

        def walk(n):
            for c in n.children:
                if isinstance(c, str):
                    out.append(c)
                else:
                    walk(c)
        walk(self)
        return "".join(out)

    def iter(self):
        for c in self.children:
            if isinstance(c, Node):
                yield c
                yield from c.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        res = []
        for n in self.iter():
            if tag and n.tag != tag:
                continue
            if cls and cls not in n.classes():
                continue
            if any(n.attrs.get(k) != v for k, v in attrs.items()):
                continue
            res.append(n)
        return res

    def find(self, tag=None, cls=None, **attrs):
        r = self.find_all(tag, cls, **attrs)
        return r[0] if r else None

    def __repr__(self):
        return "<%s %r>" % (self.tag, self.attrs)


class Form:
    """A form of a page with the values a browser would send by default."""

    def __init__(self, node):
        self.node = node
        self.action = node.attrs.get("action") or ""
        self.method = (node.attrs.get("method") or "get").lower()
        self.enctype = node.attrs.get("enctype") or "application/x-www-form-urlencoded"
        self.fields = []   # (name, value) sent by default
        self.names = set()  # every named control
        self.options = {}  # select name -> [(value, label)]
        self.file_fields = []
        for n in node.iter():
            name = n.attrs.get("name")
            if n.tag == "input" and name:
                self.names.add(name)
                t = (n.attrs.get("type") or "text").lower()
                if t in ("checkbox", "radio"):
                    if "checked" in n.attrs:
                        self.fields.append((name, n.attrs.get("value", "on")))
                elif t == "file":
                    self.file_fields.append(name)
                elif t not in ("submit", "button", "image", "reset"):
                    self.fields.append((name, n.attrs.get("value") or ""))
            elif n.tag == "textarea" and name:
                self.names.add(name)
                self.fields.append((name, n.text()))
            elif n.tag == "select" and name:
                self.names.add(name)
                opts = [(o.attrs.get("value", o.text()), o.text().strip())
                        for o in n.find_all("option")]
                self.options[name] = opts
                sel = [(o.attrs.get("value", o.text())) for o in n.find_all("option")
                       if "selected" in o.attrs]
                if "multiple" in n.attrs:
                    for v in sel:
                        self.fields.append((name, v))
                elif sel:
                    self.fields.append((name, sel[0]))
                elif opts:
                    self.fields.append((name, opts[0][0]))

    def get(self, name):
        for k, v in self.fields:
            if k == name:
                return v
        return None

    def values(self, overrides=None, drop=()):
        """Default values with overrides (a dict; a list value sends several)."""
        overrides = overrides or {}
        out = [(k, v) for k, v in self.fields if k not in overrides and k not in drop]
        for k, v in overrides.items():
            if isinstance(v, (list, tuple)):
                out.extend((k, x) for x in v)
            elif v is not None:
                out.append((k, v))
        return out

    def option_value(self, select, label_contains):
        for v, label in self.options.get(select, []):
            if label_contains in label and v:
                return v
        return None

    def first_option(self, select):
        for v, _ in self.options.get(select, []):
            if v:
                return v
        return ""


class Page(html.parser.HTMLParser):
    """Parse a page into a small DOM and note what makes it malformed."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.cur = self.root
        self.problems = []
        self.counts = {}
        self.scripts = []
        self.raw = text
        try:
            self.feed(text)
            self.close()
        except Exception as e:  # noqa: BLE001
            self.problems.append("parser error: %s" % e)
        while self.cur is not self.root:
            if self.cur.tag not in ("html", "body"):
                self.problems.append("<%s> never closed" % self.cur.tag)
            self.cur = self.cur.parent
        for t in ("html", "head", "body"):
            o, c = self.counts.get(("open", t), 0), self.counts.get(("close", t), 0)
            if o != 1 or c != 1:
                self.problems.append("<%s> opened %d times, closed %d times" % (t, o, c))
        if self.counts.get(("open", "main"), 0) != self.counts.get(("close", "main"), 0):
            self.problems.append("<main> unbalanced")
        for attrs in self.scripts:
            src = attrs.get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append("inline or foreign <script %r>" % attrs)
        if len(re.findall(r"<script", text, re.I)) != len(self.scripts):
            self.problems.append("'<script' in the markup that is not a script element")

    def handle_starttag(self, tag, attrs):
        self.counts[("open", tag)] = self.counts.get(("open", tag), 0) + 1
        if tag == "script":
            self.scripts.append(dict(attrs))
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        self.counts[("open", tag)] = self.counts.get(("open", tag), 0) + 1
        self.counts[("close", tag)] = self.counts.get(("close", tag), 0) + 1
        self.cur.children.append(Node(tag, attrs, self.cur))

    def handle_endtag(self, tag):
        self.counts[("close", tag)] = self.counts.get(("close", tag), 0) + 1
        if tag in VOID:
            return
        if self.cur.tag == tag:
            self.cur = self.cur.parent
            return
        self.problems.append("</%s> while <%s> is open" % (tag, self.cur.tag))
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.children.append(data)

    # -- queries
    def text(self):
        return self.root.text()

    def find_all(self, *a, **k):
        return self.root.find_all(*a, **k)

    def find(self, *a, **k):
        return self.root.find(*a, **k)

    def forms(self):
        return [Form(n) for n in self.root.find_all("form")]

    def form(self, action=None, method=None, has=None, hidden_action=None):
        """The first form matching: action path (prefix match without query),
        method, a named control, or the value of its hidden field `action`."""
        for f in self.forms():
            if action is not None and f.action.split("?")[0] != action:
                continue
            if method and f.method != method:
                continue
            if has and has not in f.names:
                continue
            if hidden_action is not None and f.get("action") != hidden_action:
                continue
            return f
        return None

    def links(self):
        return [n.attrs.get("href") for n in self.root.find_all("a") if n.attrs.get("href")]

    def images(self):
        return [n.attrs.get("src") for n in self.root.find_all("img") if n.attrs.get("src")]

    def csrf(self):
        for n in self.root.find_all("input"):
            if n.attrs.get("name") == "csrf" and n.attrs.get("value"):
                return n.attrs["value"]
        return None

    def hidden_actions(self):
        return [f.get("action") for f in self.forms() if f.get("action")]


# ---------------------------------------------------------------- HTTP

class Response:
    def __init__(self, method, path, status, reason, headers, body):
        self.method, self.path = method, path
        self.status, self.reason = status, reason
        self.headers = headers  # list of (name, value)
        self.body = body
        self._page = None

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def location(self):
        return self.header("Location")

    @property
    def ctype(self):
        return self.header("Content-Type") or ""

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    @property
    def is_html(self):
        return self.ctype.startswith("text/html")

    @property
    def page(self):
        if self._page is None:
            self._page = Page(self.text)
        return self._page

    def describe(self):
        return "%s %s -> %s %s; Location=%s; Content-Type=%s\n%s" % (
            self.method, short(self.path, 200), self.status, self.reason, self.location,
            self.ctype, short(self.text, 800))

    def __repr__(self):
        return "<Response %s %s %s>" % (self.method, short(self.path, 80), self.status)


class NoResponse(Exception):
    pass


def encode_urlencoded(fields):
    parts = []
    for k, v in fields:
        kb = k.encode("utf-8") if isinstance(k, str) else k
        vb = v.encode("utf-8") if isinstance(v, str) else bytes(v)
        parts.append(urllib.parse.quote_from_bytes(kb, safe="") + "=" +
                     urllib.parse.quote_from_bytes(vb, safe=""))
    return "&".join(parts).encode("ascii")


def encode_multipart(fields, files=None, boundary=None, final=True):
    """fields: [(name, str|bytes)]; files: [(field, filename, content_type, bytes)]."""
    boundary = boundary or ("tzE2E" + uuid.uuid4().hex)
    out = []
    for k, v in fields:
        vb = v.encode("utf-8") if isinstance(v, str) else bytes(v)
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" %
                    (boundary, k)).encode("utf-8") + vb + b"\r\n")
    for field, filename, ctype, data in files or []:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (boundary, field, filename, ctype)).encode("utf-8")
                   + data + b"\r\n")
    if final:
        out.append(("--%s--\r\n" % boundary).encode("ascii"))
    return b"".join(out), "multipart/form-data; boundary=" + boundary


AUTO = object()


class Client:
    """One browser: its own cookies, no automatic redirects unless asked."""

    def __init__(self, server, label="client"):
        self.server = server
        self.label = label
        self.cookies = {}
        self.set_cookie_log = []  # every Set-Cookie header seen
        self.last = None
        self.last_csrf = None

    # -- raw
    def request(self, method, path, body=None, headers=None, follow=False, timeout=None,
                cookies=True):
        hdrs = {"Host": "127.0.0.1:%d" % self.server.port, "User-Agent": "taizhang-e2e"}
        if cookies and self.cookies:
            hdrs["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if headers:
            hdrs.update(headers)
        if body is not None and "Content-Length" not in hdrs:
            hdrs["Content-Length"] = str(len(body))
        conn = self.connection(timeout or TIMEOUT)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for k, v in hdrs.items():
                conn.putheader(k, v)
            conn.endheaders(body)
            r = conn.getresponse()
            data = r.read()
            resp = Response(method, path, r.status, r.reason, r.getheaders(), data)
        except (OSError, http.client.HTTPException) as e:
            raise NoResponse("%s %s: %s: %s" % (method, short(path, 200), type(e).__name__, e))
        finally:
            conn.close()
        self._took(resp)
        if follow and resp.status in (301, 302, 303, 307, 308) and resp.location:
            return self.get(resp.location, follow=True)
        return resp

    def connection(self, timeout):
        """The connection one request goes over (a subclass may use TLS or another source
        address: test_cluster.py's client of nginx)."""
        return http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)

    def _took(self, resp):
        for v in resp.headers_all("Set-Cookie"):
            self.set_cookie_log.append(v)
            nv = v.split(";", 1)[0]
            if "=" not in nv:
                continue
            name, value = nv.split("=", 1)
            attrs = v.lower()
            if value == "" or re.search(r"max-age=0\b", attrs):
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()
        self.last = resp
        self.server.record(resp)
        if resp.is_html:
            tok = resp.page.csrf()
            if tok:
                self.last_csrf = tok

    def get(self, path, follow=False, **kw):
        return self.request("GET", path, follow=follow, **kw)

    def csrf(self):
        if not self.last_csrf:
            self.get("/login", follow=True)
        return self.last_csrf

    def post_form(self, path, fields, files=None, csrf=AUTO, multipart=None, follow=False,
                  headers=None):
        """Post fields ([(k, v)] or dict). csrf: AUTO (from the last page, fetching one if
        needed), None (send none) or a string. Multipart when files are given or asked."""
        if isinstance(fields, dict):
            fields = list(fields.items())
        fields = list(fields)
        if csrf is AUTO:
            if not any(k == "csrf" for k, _ in fields):
                fields.insert(0, ("csrf", self.csrf() or ""))
        elif csrf is not None:
            fields = [(k, v) for k, v in fields if k != "csrf"]
            fields.insert(0, ("csrf", csrf))
        else:
            fields = [(k, v) for k, v in fields if k != "csrf"]
        if files or multipart:
            body, ctype = encode_multipart(fields, files)
        else:
            body, ctype = encode_urlencoded(fields), "application/x-www-form-urlencoded"
        h = {"Content-Type": ctype}
        if headers:
            h.update(headers)
        return self.request("POST", path, body=body, headers=h, follow=follow)

    def submit(self, form, overrides=None, files=None, drop=(), follow=False, csrf=AUTO):
        """Send a parsed Form as a browser would, with overrides."""
        multipart = form.enctype.startswith("multipart/")
        vals = form.values(overrides, drop)
        if csrf is not AUTO:
            vals = [(k, v) for k, v in vals if k != "csrf"]
            if csrf is not None:
                vals.insert(0, ("csrf", csrf))
            return self.post_form(form.action, vals, files=files, csrf=None,
                                  multipart=multipart, follow=follow)
        return self.post_form(form.action, vals, files=files, multipart=multipart,
                              follow=follow)

    # -- staff
    def login(self, login, password=None):
        """Sign in; returns the POST /login response (303 to /staff when it worked)."""
        if password is None:
            password = self.server.passwords[login]
        self.get("/login")
        r = self.post_form("/login", [("login", login), ("password", password)])
        if r.status == 303:
            self.get(r.location)  # picks up the session's CSRF token
        return r

    def logout(self):
        self.get("/staff")
        r = self.post_form("/logout", [])
        self.last_csrf = None  # the session's token died with it
        return r


# ---------------------------------------------------------------- server

DEFAULT_DEPARTMENTS = [("cgj", "城市管理局"), ("swj", "水务局")]
DEFAULT_AREAS = [("xinhua", "新华社区")]
DEFAULT_USERS = [
    ("clerk1", "clerk", None, "王芳"),
    ("clerk2", "clerk", None, "赵敏"),
    ("leader1", "leader", None, "陈书记"),
    ("hroad", "handler", "cgj", "刘承办"),
    ("hwater", "handler", "swj", "孙承办"),
    ("obs1", "observer", None, "周监督"),
]


class HarnessError(Exception):
    pass


class Server:
    """A fresh ledger and a running `taizhang serve` on it."""

    def __init__(self, label="server", users=DEFAULT_USERS, departments=DEFAULT_DEPARTMENTS,
                 areas=DEFAULT_AREAS, extra_args=(), existing_db=None):
        self.label = label
        self.existing_db = existing_db
        self.users = list(users)
        self.departments = list(departments)
        self.areas = list(areas)
        self.extra_args = list(extra_args)
        self.passwords = {}
        self.proc = None
        self.port = None
        self.responses = 0
        self.server_errors = []
        self.html_problems = []

    # -- lifecycle
    def __enter__(self):
        self.dir = tempfile.mkdtemp(prefix="tz-e2e-")
        self.db = os.path.join(self.dir, "t.db")
        self.own_pg = False  # a database made for this server, dropped on exit
        if self.existing_db:
            self.db = self.existing_db
            try:
                self.start()
            except BaseException:
                check("%s: server starts on %s" % (self.label, self.db), False,
                      traceback.format_exc() + "\nserver stderr:\n" + self.stderr()[-4000:])
                self._stop(report=True)
                shutil.rmtree(self.dir, ignore_errors=True)
                raise
            return self
        try:
            if IS_PG:
                self.db = new_pg_database()
                self.own_pg = True
            self._cli(["init", "--db", self.db], "init")
            self.add_user("admin", "admin", None, "管理员")
            self.start()
            self._catalog()
            for login, role, dept, name in self.users:
                self.add_user(login, role, dept, name)
        except BaseException:
            check("%s: ledger, users and server set up" % self.label, False,
                  traceback.format_exc() + "\nserver stderr:\n" + self.stderr()[-4000:])
            self._stop(report=True)
            shutil.rmtree(self.dir, ignore_errors=True)
            self._drop_pg()
            raise
        return self

    def _drop_pg(self):
        if self.own_pg:
            self.own_pg = False
            drop_pg_database(self.db)

    def __exit__(self, et, ev, tb):
        self._stop(report=True)
        errlines = [l for l in self.stderr().splitlines() if " error " in l][:10]
        check("%s: no 5xx answer to any request" % self.label, not self.server_errors,
              "\n".join(e.split("\n")[0] for e in self.server_errors[:10]) +
              "\nserver error log:\n" + "\n".join(errlines))
        check("%s: every text/html page well-formed (%d answers)" % (self.label, self.responses),
              not self.html_problems, "\n".join(self.html_problems[:15]))
        if et is None or not os.environ.get("TZ_E2E_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)
            self._drop_pg()
        elif self.own_pg:
            _pg_made.discard(self.db)
            note("%s: kept (TZ_E2E_KEEP): %s and %s" % (self.label, self.dir, self.db))
        return False

    def _cli(self, args, what, stdin=None):
        rc, out, err = run_cli(args, stdin=stdin, cwd=self.dir)
        if rc != 0:
            raise HarnessError("taizhang %s failed (%d): %s %s" % (what, rc, out, err))
        return out

    def add_user(self, login, role, dept, name):
        pw = "pw-%s-2026" % login
        args = ["user", "add", login, "--role", role, "--name", name, "--db", self.db]
        if dept:
            args += ["--department", dept]
        self._cli(args, "user add %s" % login, stdin=pw + "\n")
        self.passwords[login] = pw

    def restart(self):
        """Stop the server (SIGTERM, checked as on exit) and start it again on the same
        ledger; the port changes."""
        self._stop(report=True)
        self.start()

    def start(self):
        self._spawn()
        self._await_listening()

    def _spawn(self):
        """Start `taizhang serve` (under valgrind when asked) with output to files."""
        self.out_path = os.path.join(self.dir, "stdout.log")
        self.err_path = os.path.join(self.dir, "stderr.log")
        cmd = [BIN, "serve", "--db", self.db, "--listen", "127.0.0.1:0"] + self.extra_args
        if VALGRIND:
            supp = os.path.join(ROOT, "tests", "valgrind.supp")
            cmd = ["valgrind", "--quiet", "--error-exitcode=99", "--leak-check=full",
                   "--errors-for-leak-kinds=definite,indirect"] + \
                  (["--suppressions=" + supp] if os.path.exists(supp) else []) + cmd
        env = cli_env({"ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "detect_leaks=1"),
                       "UBSAN_OPTIONS": os.environ.get("UBSAN_OPTIONS", "print_stacktrace=1")})
        self._out = open(self.out_path, "wb")
        self._err = open(self.err_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=self._out, stderr=self._err, env=env,
                                     cwd=self.dir)

    def _await_listening(self):
        """Wait for the listening line; check it names the port the process bound."""
        deadline = time.time() + (120 if VALGRIND else 15)
        line = None
        while time.time() < deadline:
            with open(self.out_path, "rb") as f:
                m = re.search(rb"taizhang: listening on [^\n]*\n", f.read())
            if m:
                line = m.group(0).decode("utf-8", "replace").strip()
                break
            if self.proc.poll() is not None:
                break
            time.sleep(0.02)
        if line is None:
            raise HarnessError("server did not print its listening line: rc=%s\nstdout: %s\n"
                               "stderr: %s" % (self.proc.poll(), short(self.stdout()),
                                               short(self.stderr(), 2000)))
        m = re.fullmatch(r"taizhang: listening on http://127\.0\.0\.1:(\d+)", line)
        real = listening_port(self.proc.pid)
        check("%s: prints 'taizhang: listening on http://127.0.0.1:PORT' with the bound port"
              % self.label, m and real and int(m.group(1)) == real,
              "printed %r; the process listens on port %s" % (line, real))
        self.port = real or (int(m.group(1)) if m else None)
        if not self.port:
            raise HarnessError("cannot find the server's port (printed %r)" % line)

    def stdout(self):
        if not hasattr(self, "out_path"):
            return ""
        try:
            with open(self.out_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def stderr(self):
        if not hasattr(self, "err_path"):
            return ""
        try:
            with open(self.err_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def _stop(self, report):
        if not self.proc:
            return
        p, self.proc = self.proc, None
        rc = p.poll()
        if rc is None:
            p.send_signal(signal.SIGTERM)
            try:
                rc = p.wait(timeout=120 if VALGRIND else 10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                rc = "timeout"
        self._out.close()
        self._err.close()
        if not report:
            return
        err = self.stderr()
        m = re.search(r"ERROR: AddressSanitizer|runtime error:|LeakSanitizer|==\d+== (Invalid |"
                      r"Conditional jump|Use of uninitialised|Syscall param|Mismatched free|"
                      r"\S.* (definitely|indirectly) lost)", err)
        at = m.start() if m else -1
        excerpt = err[max(0, at - 300):at + 3500] if at >= 0 else err[-3000:]
        check("%s: exits with status 0 on SIGTERM" % self.label, rc == 0,
              "exit status %s\nstderr: %s" % (rc, excerpt))
        bad = [s for s in ("ERROR: AddressSanitizer", "runtime error:", "LeakSanitizer",
                           "ERROR SUMMARY: [1-9]", "Invalid read", "Invalid write",
                           "Conditional jump", "definitely lost in")
               if re.search(s, err)]
        check("%s: no sanitizer or valgrind report" % self.label, not bad,
              "found %s (report above)" % bad)

    # -- what clients report
    def record(self, resp):
        self.responses += 1
        if resp.status >= 500:
            self.server_errors.append(resp.describe())
        if resp.is_html and resp.body:
            probs = resp.page.problems
            if probs:
                self.html_problems.append("%s %s (%d): %s" % (resp.method, short(resp.path, 120),
                                                              resp.status, "; ".join(probs[:5])))

    def client(self, label="client"):
        return Client(self, label)

    def staff(self, login):
        """A client signed in as login (raises when sign-in fails)."""
        c = Client(self, login)
        r = c.login(login)
        if r.status != 303:
            raise HarnessError("login %s failed: %s" % (login, r.describe()))
        return c

    # -- catalogue through the admin pages
    def _catalog(self):
        if not self.departments and not self.areas:
            return
        admin = self.staff("admin")
        self.catalog_notes = []
        for kind, rows in (("departments", self.departments), ("areas", self.areas)):
            for code, name in rows:
                ok, why = self._admin_create(admin, kind, code, name)
                if not ok:
                    self.catalog_notes.append("%s %s: %s" % (kind, code, why))
                    self._sql_insert(kind, code, name)
        check("%s: departments and areas created through /staff/admin/*" % self.label,
              not self.catalog_notes,
              "fell back to writing them into the database:\n" + "\n".join(self.catalog_notes))

    def _admin_create(self, admin, kind, code, name):
        path = "/staff/admin/" + kind
        r = admin.get(path)
        if r.status != 200:
            return False, "GET %s: %d" % (path, r.status)
        form = None
        for f in r.page.forms():
            if f.method == "post" and "code" in f.names and "name" in f.names and \
                    (f.get("id") or "0").strip() in ("", "0"):
                form = f
                break
        if not form:
            return False, "no POST form with fields code and name on %s" % path
        resp = admin.submit(form, {"code": code, "name": name})
        if resp.status not in (200, 303):
            return False, "POST %s: %s" % (path, resp.describe())
        r2 = admin.get(path)
        if code not in r2.text or name not in r2.text:
            return False, "%s not listed after POST: %s" % (code, resp.describe())
        return True, ""

    def _sql_insert(self, kind, code, name):
        db_exec(self, "INSERT INTO %s(code, name) VALUES (?, ?) ON CONFLICT DO NOTHING" % kind,
                (code, name))


# ---------------------------------------------------------------- ledger helpers

NUMBER_RE = r"TZ-\d{4}-\d{6}"


def submit_matter(client, title, description="详细情况见标题。", name="", phone="",
                  public=True, kind="request", subkind="求助", photo=None, category=None,
                  area=None, extra=None):
    """Resident submits through /submit. Returns (response, number, secret); number and
    secret are None unless the answer is the expected 303."""
    r = client.get("/submit")
    if r.status != 200:
        return r, None, None
    form = r.page.form(action="/submit", method="post")
    if not form:
        raise HarnessError("no form on /submit: %s" % r.describe())
    fields = {"kind": kind, "subkind": subkind, "title": title, "description": description,
              "name": name, "phone": phone,
              "category": category if category is not None else form.first_option("category"),
              "area": area if area is not None else form.first_option("area")}
    drop = () if public else ("is_public",)
    if public:
        fields["is_public"] = "1"
    if extra:
        fields.update(extra)
    files = [("photo",) + tuple(photo)] if photo else None
    resp = client.submit(form, fields, files=files, drop=drop)
    if resp.status == 200 and resp.is_html and resp.page.find(id="similar"):
        # Matters like it are already being handled (test_similar.py tests that notice):
        # do what a resident with a different problem does, press 仍然提交 on the form
        # that came back with everything typed (the photo is chosen again).
        again = resp.page.form(action="/submit", method="post")
        resp = client.submit(again, files=files)
    m = re.match(r"^/t/(%s)\?k=([^&]+)&new=1$" % NUMBER_RE, resp.location or "")
    if resp.status != 303 or not m:
        return resp, None, None
    return resp, m.group(1), urllib.parse.unquote(m.group(2))


def submit_matter_api(client, key, title, description="详细情况见标题。", timeout=None,
                      **fields):
    """An app (or a staff member) hands a matter in with API key `key`: POST
    /api/v1/matters, a public request from 应用用户; fields add to the body or replace its
    keys (channel, public, submitter ...). Returns (response, number); number is None
    unless the answer is 201."""
    body = {"kind": "request", "title": title, "description": description, "public": True,
            "submitter": {"name": "应用用户", "phone": "13900000000"}}
    body.update(fields)
    r = client.request("POST", "/api/v1/matters",
                       body=json.dumps(body, ensure_ascii=False).encode("utf-8"), cookies=False,
                       timeout=timeout, headers={"Authorization": "Bearer " + key,
                                                 "Content-Type": "application/json"})
    number = json.loads(r.text).get("number") if r.status == 201 else None
    return r, number


def matter_page(client, number):
    return client.get("/staff/m/" + number)


def events(page):
    """The entries of the timeline on a page: [(what, full text)]."""
    ol = page.find("ol", cls="timeline")
    if not ol:
        return []
    out = []
    for li in ol.find_all("li"):
        what = li.find("span", cls="what")
        out.append(((what.text().strip() if what else ""), " ".join(li.text().split())))
    return out


def status_of(page):
    """The status badge texts on a page."""
    return [n.text().strip() for n in page.find_all("span", cls="status")]


def act(client, number, action, overrides=None, version=None, csrf=AUTO):
    """Load the staff page of a matter and post the form of `action` with overrides.
    Returns the response, or raises when the form is not offered."""
    r = matter_page(client, number)
    form = r.page.form(hidden_action=action) if r.status == 200 else None
    if not form:
        raise HarnessError("no '%s' form for %s on %s: offered %s\n%s" % (
            action, client.label, number, r.page.hidden_actions() if r.is_html else "-",
            r.describe()))
    ov = dict(overrides or {})
    if version is not None:
        ov["version"] = str(version)
    return client.submit(form, ov, csrf=csrf)


def staff_count(client, query=""):
    """The number of matters /staff/matters shows for the query, or None."""
    r = client.get("/staff/matters" + query)
    if r.status != 200:
        return None
    m = re.search(r"共\s*<strong>(\d+)</strong>\s*件", r.text)
    if m:
        return int(m.group(1))
    return 0 if r.page.find("div", cls="empty") else None


def board_numbers(client, query=""):
    r = client.get("/board" + query)
    if r.status != 200:
        return None
    return re.findall(NUMBER_RE, r.page.text())


def listening_port(pid):
    """The TCP port process pid listens on (from /proc), or None."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                t = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            m = re.fullmatch(r"socket:\[(\d+)\]", t)
            if m:
                inodes.add(m.group(1))
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                for row in f.read().splitlines()[1:]:
                    c = row.split()
                    if len(c) > 9 and c[3] == "0A" and c[9] in inodes:
                        return int(c[1].rsplit(":", 1)[1], 16)
    except OSError:
        return None
    return None


def wait_port_closed(port, timeout=5):
    end = time.time() + timeout
    while time.time() < end:
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            return True
        finally:
            s.close()
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------- helpers added later

class Front:
    """What a Client takes for a server (label, port, passwords, record), for a port whose
    answers are the test's to judge: record keeps each in answers (under a lock: clients
    in threads) instead of Server's check that nothing answers 5xx. target: a Server
    (its port followed, its label and passwords taken: the 503s of a database outage,
    test_failover.py) or a port number (a proxy's, test_cluster.py's nginx)."""

    def __init__(self, target, label=None, passwords=None):
        self.target = target
        self.label = label or target.label
        self.passwords = target.passwords if passwords is None else passwords
        self.lock = threading.Lock()
        self.answers = []

    @property
    def port(self):
        return self.target if isinstance(self.target, int) else self.target.port

    def record(self, resp):
        with self.lock:
            self.answers.append(resp)


class ProxiedServer(Server):
    """A Server as deployed behind a TLS proxy: started with --base-url BASE, so its
    listening line names BASE (the public address) and the port is read from /proc."""

    def __init__(self, label, base_url, extra_args=(), **kw):
        super().__init__(label, extra_args=["--base-url", base_url] + list(extra_args), **kw)
        self.base_url = base_url

    def _await_listening(self):
        want = ("taizhang: listening on %s\n" % self.base_url).encode("utf-8")
        deadline = time.time() + (120 if VALGRIND else 15)
        while time.time() < deadline and self.proc.poll() is None:
            with open(self.out_path, "rb") as f:
                if want in f.read():
                    break
            time.sleep(0.02)
        self.port = listening_port(self.proc.pid) if self.proc.poll() is None else None
        if not self.port:
            raise HarnessError("server behind %s did not start: rc=%s\nstdout: %s\nstderr: %s"
                               % (self.base_url, self.proc.poll(), short(self.stdout()),
                                  short(self.stderr(), 2000)))


def digits_joined(text):
    """text with the separators between digits removed (spaces, dashes, dots...), so a
    phone or ID number written as 139-8765 4321 is still found as 13987654321."""
    return re.sub(r"(?<=\d)[\s\-\.\u00b7_/()\u2010-\u2015\u3000]+(?=\d)", "", text)


# ---------------------------------------------------------------- faults, load, backup

def raise_nofile(want):
    """Raise this process's soft RLIMIT_NOFILE towards want (children inherit it);
    returns the soft limit in force."""
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = want if hard == resource.RLIM_INFINITY else min(want, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def serve_flags(*flags):
    """The subset of flags that `taizhang serve --help` names (settings added by
    other parts of the server may not exist in every build)."""
    rc, out, _ = run_cli(["serve", "--help"])
    return [f for f in flags if rc == 0 and f in out]


def new_api_key(db, name, role, dept=None):
    """`taizhang apikey add`; returns the key (the last word printed)."""
    args = ["apikey", "add", name, "--role", role, "--db", db]
    if dept:
        args += ["--department", dept]
    rc, out, err = run_cli(args)
    if rc != 0 or not out.split():
        raise HarnessError("apikey add %s failed: %s %s" % (name, out, err))
    return out.split()[-1]


def matter_state(srv, number, columns):
    """What a refused request must leave alone: the matter's row (columns: the names, as
    they go into the SELECT) and the count of its events."""
    row = db_rows(srv, "SELECT %s FROM matters WHERE number = ?" % columns, (number,))
    ev = db_rows(srv, "SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id"
                      " WHERE m.number = ?", (number,))
    return row, ev


_noted_pragmas = []


def ledger_problems(db):
    """What is wrong with the ledger db (a path or URL), as a list of sentences (empty:
    sound): integrity_check and foreign keys (SQLite's PRAGMAs; PostgreSQL enforces
    foreign keys itself), every matter's first event, status = last event's, the
    per-year number counters, events and attachments of missing matters."""
    out = []
    if is_pg_url(db):
        import pgwire
        con = pgwire.connect(db)

        def q(sql):
            return con.execute(sql)[0]
        if not _noted_pragmas:
            _noted_pragmas.append(1)
            sqlite_only("ledger_problems: PRAGMA integrity_check and foreign_key_check")
    else:
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)

        def q(sql):
            return con.execute(sql).fetchall()
    try:
        if not is_pg_url(db):
            ic = [r[0] for r in q("PRAGMA integrity_check")]
            if ic != ["ok"]:
                out.append("integrity_check: %s" % ic[:5])
            fk = q("PRAGMA foreign_key_check")
            if fk:
                out.append("foreign_key_check: %s" % fk[:5])
        rows = q("SELECT m.number FROM matters m WHERE NOT EXISTS (SELECT 1 FROM events e"
                 " WHERE e.matter_id = m.id AND e.id = (SELECT min(id) FROM events"
                 " WHERE matter_id = m.id) AND e.action = 'submit' AND e.from_status IS NULL"
                 " AND e.to_status = 'submitted')")
        if rows:
            out.append("matters without their first event: %s" % rows[:5])
        rows = q("SELECT m.number, m.status, e.to_status FROM matters m JOIN events e"
                 " ON e.id = (SELECT max(id) FROM events WHERE matter_id = m.id)"
                 " WHERE e.to_status != m.status")
        if rows:
            out.append("status differs from the last event: %s" % rows[:5])
        for table in ("events", "attachments", "request_tokens", "matter_codepartments"):
            n = q("SELECT count(*) FROM %s t WHERE NOT EXISTS (SELECT 1 FROM"
                  " matters m WHERE m.id = t.matter_id)" % table)[0][0]
            if n:
                out.append("%d rows of %s without their matter" % (n, table))
        years = {}
        for (number,) in q("SELECT number FROM matters"):
            y, seq = number[3:7], int(number[8:])
            years.setdefault(y, []).append(seq)
        counters = dict(q("SELECT name, value FROM counters"))
        for y, seqs in years.items():
            have = [v for k, v in counters.items() if y in k]
            if sorted(seqs) != list(range(1, len(seqs) + 1)) or have != [len(seqs)]:
                out.append("year %s: %d matters, numbers up to %d, counter %s" % (
                    y, len(seqs), max(seqs), have))
    finally:
        con.close()
    return out


def sanitizer_report(text):
    """The first sanitizer or valgrind report in a server's stderr, or None."""
    m = re.search(r"ERROR: AddressSanitizer|runtime error:|LeakSanitizer|ERROR SUMMARY: [1-9]|"
                  r"Invalid (read|write)|Conditional jump|definitely lost in", text)
    return text[max(0, m.start() - 200):m.start() + 2000] if m else None
