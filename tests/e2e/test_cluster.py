#!/usr/bin/env python3
"""Several taizhang servers on one PostgreSQL database behind nginx, set up from deploy/'s
own files as docs/deploy.md shows them (changed only by substituting ports, paths, the
certificate and the database), so the samples cannot rot:

- deploy/systemd/*: `systemd-analyze verify` on every unit; the two servers run the
  ExecStart of taizhang@.service with the settings of deploy/taizhang.env (its
  TAIZHANG_* lines given as the flags they stand for, its database URL's options kept);
  taizhang-backup.service's commands back a SQLite ledger up (the copy restores, old
  copies are deleted); taizhang-pgdump.service's dump the shared database (pg_restore
  gives the same ledger); deploy/patroni/taizhang.yml passes `patroni --validate-config`.
- deploy/nginx/taizhang.conf, with a self-signed certificate: nginx -t; TLS 1.3 and 1.2
  with AEAD ciphers only; HSTS; http:// sent to https://; /static/ cached (MISS, then
  HIT) and compressed while pages are not; /metrics refused at the front; bodies over
  the limit refused by nginx or by the server, each with a Chinese page; a POST flood
  from one address met by nginx's 429 with Retry-After; X-Forwarded-For as nginx
  writes it, so the server's per-address submission limit counts the real client
  (clients here connect from addresses of their own in 127.0.0.0/8) and is shared by
  both servers; nginx spreads requests over both.
- two servers started at once on an empty database both come up, each migration once;
- a staff session started through server A works on server B (and its CSRF token),
  and signing out on B ends it on A;
- two staff members acting on one matter at the same moment, one through each server,
  with the version they both read: exactly one success and one 409, one event;
- 200 residents' submissions through nginx, spread over both servers, one server
  restarted in the middle (a rolling restart): every acknowledged one is in the ledger
  exactly once, every other answer a 503 with Retry-After (counted), the ledger sound;
- both servers running the scheduler every second: each overdue matter gets one notice
  and one 督办 event, every channel one 督办 message per round, one daily dispatch and
  one weekly review, and no message reaches the receiver (a local HTTP server) twice.

The part with servers runs in the PostgreSQL pass only (`make test-pg`, which sets
TAIZHANG_TEST_PG): the shared database is made on that server. Elsewhere it is skipped
with the reason; there, a missing PostgreSQL, nginx or openssl is a failure."""
import datetime
import glob
import hashlib
import http.client
import http.server
import os
import re
import shlex
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BIN, IS_PG, PG_BASE, ROOT, Client, Front, ProxiedServer, act,  # noqa: E402
                     beijing_today, check, cli_env, day, db_exec, db_rows, done,
                     drop_pg_database, ledger_problems, new_api_key, new_pg_database, note,
                     require_binary, run_cli, section, short, submit_matter, submit_matter_api)
import pgcluster  # noqa: E402

require_binary()
DEPLOY = os.path.join(ROOT, "deploy")
HOST = "taizhang.example.cn"


def skip(name, why):
    print("ok - %s # SKIP %s" % (name, why), flush=True)


# ---------------------------------------------------------------- deploy/'s files

def read(rel):
    with open(os.path.join(DEPLOY, rel), encoding="utf-8") as f:
        return f.read()


def substitute(text, subs, what):
    """text with each (old, new) replaced; a check that every old occurs (a sample that
    changed under the test must fail here, not quietly test something else)."""
    missing = [old for old, _ in subs if old not in text]
    check("%s: every text the test substitutes is there" % what, not missing, missing)
    for old, new in subs:
        text = text.replace(old, new)
    return text


def unit_service(text):
    """The [Service] section of a unit as {key: [values]}, %% unescaped later."""
    out, sec = {}, None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            sec = line
            continue
        if sec == "[Service]" and "=" in line:
            k, v = line.split("=", 1)
            out.setdefault(k.strip(), []).append(v.strip())
    return out


def unit_argv(value, instance=""):
    """An Exec line as argv: systemd's specifiers %i and %% resolved, quotes as the
    shell's (systemd's own quoting, for what these units use)."""
    return shlex.split(re.sub(r"%([i%])", lambda m: instance if m.group(1) == "i" else "%",
                              value))


def env_file(text):
    """KEY=VALUE lines of an EnvironmentFile, in order."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            k, v = line.split("=", 1)
            out.append((k.strip(), v.strip().strip('"')))
    return out


def setting_flags(env, leave=("TAIZHANG_DB", "TAIZHANG_BASE_URL")):
    """The TAIZHANG_* settings as the flags they stand for (config.c reads
    TAIZHANG_FOO_BAR for --foo-bar): what the unit's process gets from its
    EnvironmentFile. Other variables (libpq's PGPASSFILE) concern no flag."""
    flags = []
    for k, v in env:
        if k.startswith("TAIZHANG_") and k not in leave:
            flags += ["--" + k[len("TAIZHANG_"):].lower().replace("_", "-"), v]
    return flags


ENV = env_file(read("taizhang.env"))
ENVD = dict(ENV)
SERVE = unit_service(read("systemd/taizhang@.service"))


@section("deploy/systemd: every unit passes systemd-analyze verify")
def _():
    if not shutil.which("systemd-analyze"):
        skip("systemd-analyze verify", "systemd-analyze is not installed")
        return
    d = tempfile.mkdtemp(prefix="tz-units-")
    try:
        names = sorted(os.listdir(os.path.join(DEPLOY, "systemd")))
        for n in names:
            # the binary where the test's is; everything else as written
            text = read("systemd/" + n).replace("/usr/local/bin/taizhang", BIN)
            with open(os.path.join(d, n), "w", encoding="utf-8") as f:
                f.write(text)
        paths = [os.path.join(d, n) for n in names]
        if "taizhang@.service" in names:  # a template is verified as an instance
            os.rename(os.path.join(d, "taizhang@.service"), os.path.join(d, "taizhang@8081.service"))
            paths[names.index("taizhang@.service")] = os.path.join(d, "taizhang@8081.service")
        p = subprocess.run(["systemd-analyze", "verify", "--man=no"] + paths,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=d)
        out = p.stdout.decode("utf-8", "replace")
        # Not this machine's business: users and directories that exist only where the
        # units are installed.
        real = [l for l in out.splitlines() if l.strip() and not re.search(
            r"(User|Group)=|No such file or directory.*(/etc/taizhang|/var/)", l)]
        check("systemd-analyze verify: %s" % ", ".join(names),
              not real and (p.returncode == 0 or out.strip()), out)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@section("deploy/patroni/taizhang.yml passes patroni --validate-config")
def _():
    if not shutil.which("patroni"):
        skip("patroni --validate-config", "patroni is not installed")
        return
    d = tempfile.mkdtemp(prefix="tz-patroni-")
    # The validator refuses 127.0.0.1 as an address others connect to and wants etcd
    # reachable: this machine's 127.0.0.2 stands for db1, and a listening socket for
    # etcd (it only connects).
    etcd = socket.socket()
    etcd.bind(("127.0.0.2", 0))
    etcd.listen()
    api, pg = pgcluster.scratch.free_port(), pgcluster.scratch.free_port()
    text = substitute(read("patroni/taizhang.yml"), [
        ("10.0.0.21:2379", "127.0.0.2:%d" % etcd.getsockname()[1]),
        ("10.0.0.21", "127.0.0.2"), (":8008", ":%d" % api), (":5432", ":%d" % pg),
        ("/var/lib/postgresql/15/main", os.path.join(d, "data")),
        ("/var/lib/postgresql/15-main.pgpass", os.path.join(d, "pgpass"))], "patroni")
    path = os.path.join(d, "db1.yml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        p = subprocess.run(["patroni", "--validate-config", path], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=60, cwd=d)
        check("patroni --validate-config: exit 0, nothing said", p.returncode == 0 and
              not p.stdout.strip(), p.stdout.decode("utf-8", "replace"))
    finally:
        etcd.close()
        shutil.rmtree(d, ignore_errors=True)


@section("deploy/systemd/taizhang-backup.service backs a SQLite ledger up")
def _():
    d = tempfile.mkdtemp(prefix="tz-backup-unit-")
    try:
        db, backups = os.path.join(d, "taizhang.db"), os.path.join(d, "backups")
        os.makedirs(backups)
        rc, out, err = run_cli(["init", "--db", db])
        check("a SQLite ledger to back up", rc == 0, out + err)
        unit = unit_service(read("systemd/taizhang-backup.service"))
        sub = [("/usr/local/bin/taizhang", BIN), ("/var/backups/taizhang", backups)]
        env = dict(cli_env(), TAIZHANG_DB=db)  # the env file's, with the one-machine database
        old = os.path.join(backups, "taizhang-20000101-000000.db")
        with open(old, "w") as f:
            f.write("an old copy")
        os.utime(old, (time.time() - 20 * 86400,) * 2)
        for key in ("ExecStart", "ExecStartPost"):
            for v in unit.get(key, []):
                for old_, new in sub:
                    v = v.replace(old_, new)
                p = subprocess.run(unit_argv(v), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   env=env, cwd=d, timeout=120)
                check("taizhang-backup.service %s exits 0" % key, p.returncode == 0,
                      p.stdout.decode("utf-8", "replace"))
        made = [n for n in os.listdir(backups) if re.fullmatch(r"taizhang-\d{8}-\d{6}\.db", n)]
        check("one new copy named by the time, the 20-day-old one deleted",
              len(made) == 1 and not os.path.exists(old), os.listdir(backups))
        if made:
            rc, out, err = run_cli(["restore", "--db", os.path.join(d, "restored.db"), "--from",
                                    os.path.join(backups, made[0])])
            check("the copy restores (taizhang restore)", rc == 0, out + err)
    finally:
        shutil.rmtree(d, ignore_errors=True)


# ---------------------------------------------------------------- can the rest run here?

# Why only in the PostgreSQL pass (`make test-pg`, which sets TAIZHANG_TEST_PG): the
# SQLite passes (plain, ASan, valgrind) would start the same clusters three more times.
WHY = pgcluster.unavailable("nginx", "openssl") or (
    None if IS_PG else "runs in the PostgreSQL pass (make test-pg)")
if WHY and not IS_PG:
    skip("several servers behind nginx on PostgreSQL", WHY)
    done()
if WHY:
    check("PostgreSQL, nginx and openssl are installed (TAIZHANG_TEST_PG is set)", False, WHY)
    done()

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TMP = tempfile.mkdtemp(prefix="tz-cluster-")
os.chmod(TMP, 0o755)  # nginx's workers and PostgreSQL's user pass through


def database():
    """A fresh database (UTF8, C collation) for this test; its plain URL."""
    return new_pg_database()


def server_url(plain):
    """The database URL the servers get: deploy/taizhang.env's, its options kept
    (target_session_attrs, timeouts), host and database those of plain."""
    u = urllib.parse.urlsplit(plain)
    e = urllib.parse.urlsplit(ENVD["TAIZHANG_DB"])
    return urllib.parse.urlunsplit((e.scheme, u.netloc, u.path, e.query, ""))


# ---------------------------------------------------------------- servers from the unit

PORT_A, PORT_B = pgcluster.scratch.free_port(), pgcluster.scratch.free_port()
PORT_HTTP, PORT_TLS = pgcluster.scratch.free_port(), pgcluster.scratch.free_port()
BASE_URL = ENVD["TAIZHANG_BASE_URL"].replace(HOST, "%s:%d" % (HOST, PORT_TLS))
TEST_FLAGS = ["--tick-seconds", "1", "--daily-at", "00:00", "--weekly-at", "00:00",
              "--submit-limit", "5", "--notify-retry-seconds", "1"]


def unit_serve_args(port):
    """`taizhang serve` as taizhang@PORT runs it: the unit's ExecStart (the binary is the
    harness's), then its EnvironmentFile's settings, then the test's own."""
    argv = unit_argv(SERVE["ExecStart"][0], str(port))
    if argv[:2] != ["/usr/local/bin/taizhang", "serve"]:
        raise RuntimeError("taizhang@.service: ExecStart is not taizhang serve: %s" % argv)
    return argv[2:] + setting_flags(ENV) + TEST_FLAGS


@section("two servers started at once on an empty database: both serve, each migration once")
def _():
    url = server_url(database())
    procs, logs = [], []
    for k in range(2):
        logs.append(os.path.join(TMP, "first-start-%d.log" % k))
        with open(logs[-1], "wb") as log:
            procs.append(subprocess.Popen(
                [BIN, "serve", "--db", url, "--listen", "127.0.0.1:0", "--tick-seconds", "0"],
                stdout=log, stderr=subprocess.STDOUT, env=cli_env(), cwd=TMP))

    def text(k):
        with open(logs[k], encoding="utf-8", errors="replace") as f:
            return f.read()
    end = time.time() + 60
    while time.time() < end and not all("listening on" in text(k) or procs[k].poll() is not None
                                        for k in range(2)):
        time.sleep(0.1)
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    outs = [text(k) for k in range(2)]
    check("both print their listening line and stop with status 0",
          all("listening on" in o for o in outs) and all(p.returncode == 0 for p in procs),
          "\n---\n".join(short(o, 2500) for o in outs))
    rows = db_rows(url.split("?")[0], "SELECT version, count(*) FROM schema_version GROUP BY version"
                                       " ORDER BY version")
    check("schema_version: every migration once, none missing",
          rows and all(n == 1 for _, n in rows) and [v for v, _ in rows] ==
          list(range(1, len(rows) + 1)), rows)


@section("docs/deploy.md's role and database: an owner without superuser rights migrates")
def _():
    tag = uuid.uuid4().hex[:8]
    # (the database's name is a test database's, tz_HEX, for harness's drop_pg_database)
    role, rep, name = "tz_owner_" + tag, "tz_repl_" + tag, "tz_" + tag
    admin = PG_BASE.rstrip("/") + "/postgres"
    pgpass = os.path.join(TMP, "pgpass")
    try:
        for stmt in pgcluster.docs_database_sql(role, name, rep):
            pgcluster.psql_rows(admin, stmt)
        u = urllib.parse.urlsplit(admin)
        url = "postgresql://%s@%s:%d/%s" % (role, u.hostname, u.port, name)
        with open(pgpass, "w") as f:
            f.write("*:*:%s:%s:a-long-random-password\n" % (name, role))
        os.chmod(pgpass, 0o600)
        rc, out, err = run_cli(["init", "--db", url], env={"PGPASSFILE": pgpass})
        check("taizhang init as the database's owner (not a superuser)", rc == 0 and
              pgcluster.psql_rows(admin, "SELECT rolsuper FROM pg_roles WHERE rolname = '%s'"
                                  % role) == [["f"]], out + err)
        enc = pgcluster.psql_rows(admin, "SELECT pg_encoding_to_char(encoding), datcollate,"
                                         " datctype FROM pg_database WHERE datname = '%s'" % name)
        check("the database is UTF8 with the C collation", enc == [["UTF8", "C", "C"]], enc)
    finally:
        drop_pg_database(admin.rsplit("/", 1)[0] + "/" + name)
        for r in (role, rep):
            try:
                pgcluster.psql_rows(admin, "DROP ROLE IF EXISTS %s" % r)
            except RuntimeError as e:
                note("dropping %s: %s" % (r, e))


PLAIN = database()
DB = server_url(PLAIN)
PASSWORDS = {}
USERS = [("admin", "admin", None, "管理员"), ("clerk1", "clerk", None, "王芳"),
         ("clerk2", "clerk", None, "赵敏"), ("leader1", "leader", None, "陈书记")]


def ledger_setup():
    rc, out, err = run_cli(["init", "--db", DB])
    if rc != 0:
        raise RuntimeError("taizhang init: %s %s" % (out, err))
    for login, role, dept, name in USERS:
        pw = "pw-%s-2026" % login
        args = ["user", "add", login, "--role", role, "--name", name, "--db", DB]
        rc, out, err = run_cli(args + (["--department", dept] if dept else []), stdin=pw + "\n")
        if rc != 0:
            raise RuntimeError("user add %s: %s %s" % (login, out, err))
        PASSWORDS[login] = pw


ledger_setup()


class UnitServer(ProxiedServer):
    """A server as taizhang@PORT.service starts it, behind the front at BASE_URL, on the
    shared ledger."""

    def __init__(self, label, port):
        super().__init__(label, BASE_URL, extra_args=unit_serve_args(port), existing_db=DB)
        self.passwords = PASSWORDS


# ---------------------------------------------------------------- nginx

def make_cert():
    key, cert = os.path.join(TMP, "key.pem"), os.path.join(TMP, "cert.pem")
    p = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                        "/CN=" + HOST, "-addext", "subjectAltName=DNS:%s,IP:127.0.0.1" % HOST,
                        "-keyout", key, "-out", cert], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if p.returncode != 0:
        raise RuntimeError("openssl: " + p.stdout.decode("utf-8", "replace"))
    os.chmod(key, 0o644)  # read by nginx's workers (www-data) in this throwaway directory
    return key, cert


KEY, CERT = make_cert()
NG = os.path.join(TMP, "nginx")
os.makedirs(os.path.join(NG, "tmp"))
os.chmod(NG, 0o755)
SITE = substitute(read("nginx/taizhang.conf"), [
    ("127.0.0.1:8081", "127.0.0.1:%d" % PORT_A), ("127.0.0.1:8082", "127.0.0.1:%d" % PORT_B),
    ("listen 80;", "listen 127.0.0.1:%d;" % PORT_HTTP), ("listen [::]:80;", ""),
    ("listen 443 ssl http2;", "listen 127.0.0.1:%d ssl http2;" % PORT_TLS),
    ("listen [::]:443 ssl http2;", ""),
    ("/etc/letsencrypt/live/%s/fullchain.pem" % HOST, CERT),
    ("/etc/letsencrypt/live/%s/privkey.pem" % HOST, KEY),
    ("/var/cache/nginx/taizhang", os.path.join(NG, "cache")),
    ("/var/www/letsencrypt", os.path.join(NG, "acme"))], "nginx")
with open(os.path.join(NG, "taizhang.conf"), "w", encoding="utf-8") as f:
    f.write(SITE)
# What Debian's /etc/nginx/nginx.conf puts around a site (its http block's gzip and
# TLS 1.0/1.1 defaults included, which the site must override), with paths of our own.
with open(os.path.join(NG, "nginx.conf"), "w", encoding="utf-8") as f:
    f.write("%sworker_processes 2;\ndaemon off;\npid %s/nginx.pid;\nerror_log %s/error.log notice;\n"
            "events { worker_connections 1024; }\n"
            "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
            "  ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n  ssl_prefer_server_ciphers on;\n"
            "  gzip on;\n  access_log %s/access.log;\n"
            "  client_body_temp_path %s/tmp/body;\n  proxy_temp_path %s/tmp/proxy;\n"
            "  fastcgi_temp_path %s/tmp/fcgi;\n  uwsgi_temp_path %s/tmp/uwsgi;\n"
            "  scgi_temp_path %s/tmp/scgi;\n  include %s/taizhang.conf;\n}\n" % (
                ("user www-data;\n" if os.geteuid() == 0 else ""), NG, NG, NG, NG, NG, NG, NG,
                NG, NG))
NGINX_PROC = None


def nginx_start():
    global NGINX_PROC
    p = subprocess.run([NGINX, "-t", "-p", NG, "-c", os.path.join(NG, "nginx.conf")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode("utf-8", "replace")
    check("nginx -t on deploy/nginx/taizhang.conf: ok, no warning",
          p.returncode == 0 and "test is successful" in out and "[warn]" not in out, out)
    NGINX_PROC = subprocess.Popen([NGINX, "-p", NG, "-c", os.path.join(NG, "nginx.conf")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    end = time.time() + 15
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", PORT_TLS), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not listen: " + open(os.path.join(NG, "error.log")).read())


def nginx_stop():
    if NGINX_PROC and NGINX_PROC.poll() is None:
        NGINX_PROC.terminate()
        try:
            NGINX_PROC.wait(10)
        except subprocess.TimeoutExpired:
            NGINX_PROC.kill()


TLS = ssl.create_default_context(cafile=CERT)


FRONT = Front(PORT_TLS, "nginx", PASSWORDS)  # nginx's TLS port: clients record answers here


class FrontClient(Client):
    """A browser that reaches taizhang through nginx over TLS, from an address of its own
    (127.0.0.0/8 is all this machine's), so nginx and taizhang see distinct clients."""

    def __init__(self, source="127.0.0.1", label="via nginx", context=None, port=None):
        super().__init__(FRONT, label)
        self.source, self.context, self.port = source, context or TLS, port

    def connection(self, timeout):
        if self.port:  # plain http:// to nginx's port 80
            return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout,
                                              source_address=(self.source, 0))
        return http.client.HTTPSConnection("127.0.0.1", PORT_TLS, timeout=timeout,
                                           context=self.context, source_address=(self.source, 0))


def source(n):
    """The n-th client address: 127.0.x.y, never 127.0.0.1 (nginx itself)."""
    return "127.0.%d.%d" % (1 + n // 250, 2 + n % 250)


def access_count(srv, pattern):
    """How many access-log lines of srv match (its stderr: `METHOD PATH STATUS NNms`)."""
    return len(re.findall(pattern, srv.stderr()))


# ---------------------------------------------------------------- the scheduler's receiver

class Receiver(http.server.ThreadingHTTPServer):
    """Records every webhook POST (path, Idempotency-Key, body)."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.lock = threading.Lock()
        self.got = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def base(self):
        return "http://127.0.0.1:%d" % self.server_address[1]

    def messages(self):
        with self.lock:
            return list(self.got)


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.got.append({"path": self.path, "key": self.headers.get("Idempotency-Key"),
                                    "body": body, "at": time.time()})
        self.send_response(204)
        self.end_headers()


# ---------------------------------------------------------------- the tests

RECV = Receiver()
# the scheduler's channels: two office-wide, one of 城管局 (the matters' department)
TOPICS = {"办公室群甲": "urge,daily,weekly", "办公室群乙": "urge,daily", "城管局群": "urge"}
try:
    with UnitServer("server A", PORT_A) as A, UnitServer("server B", PORT_B) as B:
        A._catalog()
        nginx_start()
        CLERK_KEY = new_api_key(DB, "cluster-intake", "clerk")

        def api_matter(srv, title, public=True):
            """A matter handed in through the staff API of srv (no per-address limit)."""
            r, n = submit_matter_api(srv.client("api"), CLERK_KEY, title,
                                     "集群测试：%s。" % title, public=public, channel="hotline",
                                     submitter={"name": "测试居民", "phone": "13800000000"})
            if not n:
                raise RuntimeError("POST /api/v1/matters: " + r.describe())
            return n

        @section("a staff session started on server A works on server B")
        def _():
            a = A.client("clerk on A")
            r = a.login("clerk1")
            check("clerk1 signs in on server A directly (303)", r.status == 303, r.describe())
            b = B.client("clerk on B")
            b.cookies = dict(a.cookies)
            r = b.get("/staff")
            check("A's session cookie opens /staff on server B, naming 王芳",
                  r.status == 200 and "王芳" in r.text, r.describe())
            n = api_matter(A, "集群会话测试路灯不亮")
            page = a.get("/staff/m/" + n)
            form = page.page.form(hidden_action="accept") if page.status == 200 else None
            check("A shows the accept form", form is not None, page.describe())
            if form:
                r = b.post_form(form.action, form.values(), csrf=a.last_csrf)
                st = db_rows(PLAIN, "SELECT status FROM matters WHERE number = ?", (n,))
                check("B takes the form with the CSRF token A's page carried: 303, accepted",
                      r.status == 303 and st == [("accepted",)], (st, r.describe()))
            r = b.logout()
            check("signing out on B (303)", r.status == 303, r.describe())
            r = a.get("/staff")
            check("... ends the session on A too (to /login)",
                  r.status in (302, 303) and "/login" in (r.location or ""), r.describe())

        @section("one matter, two actions at once through the two servers: one wins, one 409")
        def _():
            c1, c2 = A.staff("clerk1"), B.staff("clerk2")
            results, conflicts = [], []
            for i in range(6):
                n = api_matter(A, "集群并发测试第%d件" % (i + 1))
                p1, p2 = c1.get("/staff/m/" + n), c2.get("/staff/m/" + n)
                f1 = p1.page.form(hidden_action="accept")
                # half the rounds: accept against reject, the others accept against accept
                f2 = p2.page.form(hidden_action="reject" if i % 2 else "accept")
                if not (f1 and f2):
                    check("both clerks get the forms for %s" % n, False, p1.describe())
                    continue
                over2 = {"note": "不属于本办受理范围"} if i % 2 else {}
                start = threading.Barrier(2)
                got = {}

                def go(k, cl, form, over):
                    start.wait()
                    got[k] = cl.submit(form, over)
                ts = [threading.Thread(target=go, args=(1, c1, f1, {})),
                      threading.Thread(target=go, args=(2, c2, f2, over2))]
                for t in ts:
                    t.start()
                for t in ts:
                    t.join()
                codes = sorted(r.status for r in got.values())
                ev = db_rows(PLAIN, "SELECT count(*) FROM events e JOIN matters m ON"
                                    " m.id = e.matter_id WHERE m.number = ?", (n,))[0][0]
                results.append((n, codes, ev))
                conflicts += [r for r in got.values() if r.status == 409]
            check("every round: exactly one 303 and one 409, and one event besides the"
                  " submission", results and all(c == [303, 409] and ev == 2
                                                 for _, c, ev in results), results)
            check("each 409 says in Chinese that someone acted first",
                  conflicts and all(re.search(r"[\u4e00-\u9fff]", r.text) for r in conflicts),
                  conflicts and conflicts[0].describe())

        @section("nginx: TLS, HSTS, redirect, static caching, limits, /metrics")
        def _():
            c = FrontClient(source(900), "tls")
            r = c.get("/")
            check("GET / through nginx over TLS: 200 with HSTS and taizhang's CSP",
                  r.status == 200 and "max-age=63072000" in (r.header(
                      "Strict-Transport-Security") or "") and r.header("Content-Security-Policy"),
                  r.describe())
            with socket.create_connection(("127.0.0.1", PORT_TLS)) as s:
                with TLS.wrap_socket(s, server_hostname="127.0.0.1") as t:
                    check("TLS 1.3 by default", t.version() == "TLSv1.3", t.version())
            c12 = ssl.create_default_context(cafile=CERT)
            c12.maximum_version = ssl.TLSVersion.TLSv1_2
            with socket.create_connection(("127.0.0.1", PORT_TLS)) as s:
                with c12.wrap_socket(s, server_hostname="127.0.0.1") as t:
                    check("TLS 1.2 with an ECDHE AEAD cipher", t.version() == "TLSv1.2" and
                          re.match(r"ECDHE-.*(GCM|CHACHA20)", t.cipher()[0]), t.cipher())
            cbc = ssl.create_default_context(cafile=CERT)
            cbc.maximum_version = ssl.TLSVersion.TLSv1_2
            cbc.set_ciphers("ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384")
            try:
                with socket.create_connection(("127.0.0.1", PORT_TLS)) as s:
                    with cbc.wrap_socket(s, server_hostname="127.0.0.1") as t:
                        refused = "no: " + str(t.cipher())
            except ssl.SSLError as e:
                refused = e
            check("a client offering only CBC ciphers is refused", isinstance(refused, ssl.SSLError),
                  refused)
            r = FrontClient(source(901), "http", port=PORT_HTTP).get("/board?x=1")
            check("http:// answers 301 to the same path on https://",
                  r.status == 301 and r.location == "https://%s/board?x=1" % "127.0.0.1",
                  r.describe())
            gz = {"Accept-Encoding": "gzip"}
            r1 = c.get("/static/style.css", headers=gz)
            r2 = c.get("/static/style.css", headers=gz)
            check("/static/style.css: MISS, then HIT from nginx's cache",
                  r1.status == 200 and r1.header("X-Cache-Status") in ("MISS", "EXPIRED") and
                  r2.header("X-Cache-Status") == "HIT", (r1.headers, r2.headers))
            check("... compressed, with HSTS and the server's Cache-Control",
                  r2.header("Content-Encoding") == "gzip" and r2.header(
                      "Strict-Transport-Security") and "max-age=3600" in (r2.header(
                          "Cache-Control") or ""), r2.headers)
            r = c.get("/board", headers=gz)
            check("pages are not compressed (BREACH)", r.status == 200 and
                  not r.header("Content-Encoding"), r.headers)
            r = c.get("/metrics")
            check("/metrics through nginx: 403", r.status == 403, r.describe())
            r = A.client("prometheus").get("/metrics")
            check("/metrics on a server's own port: 200", r.status == 200 and
                  "taizhang_up" in r.text, r.describe())
            # the server's own limit: --max-photo-mb (5) MiB + 256 KiB (cli/serve.c)
            limit = 5 * 1024 * 1024 + 256 * 1024
            big = FrontClient(source(902), "big")
            for size in (limit, limit + 1):
                try:
                    r = big.request("POST", "/submit", body=b"x" * size, headers={
                        "Content-Type": "application/x-www-form-urlencoded"})
                except Exception as e:  # noqa: BLE001 -- a reset while sending is a failure
                    check("a body of %d bytes is answered" % size, False, e)
                    continue
                if size == limit:
                    check("a body of exactly the server's limit passes nginx to taizhang (its"
                          " 4xx for the form, not 413)", r.status in (400, 403) and
                          r.header("Content-Security-Policy"), r.describe())
                else:
                    check("one byte more: nginx's 413, in Chinese", r.status == 413 and
                          "上传的内容过大" in r.text, r.describe())
            flood = FrontClient(source(903), "flood")
            codes = []
            for _ in range(45):
                r = flood.request("POST", "/submit", body=b"title=x", headers={
                    "Content-Type": "application/x-www-form-urlencoded"})
                codes.append(r.status)
            limited = [r for r in FRONT.answers[-45:] if r.status == 429]
            check("45 quick POSTs from one address: the first ones reach taizhang (4xx), then"
                  " nginx answers 429 with Retry-After, in Chinese",
                  codes[0] in (400, 403) and limited and
                  all(r.header("Retry-After") and "请求过于频繁" in r.text for r in limited)
                  and all(s < 500 for s in codes), codes)

        @section("the per-address submission limit counts the client nginx saw, on both servers")
        def _():
            a0, b0 = access_count(A, r"POST /submit 303"), access_count(B, r"POST /submit 303")
            res = FrontClient(source(910), "resident behind nginx")
            form = res.get("/submit").page.form(action="/submit", method="post")
            got = []
            for i in range(6):
                # one form, posted six times: round robin sends the posts to both servers,
                # and the anonymous CSRF cookie is good on either (dup_ok: alike titles,
                # no duplicate notice)
                r = res.post_form("/submit", form.values({
                    "kind": "request", "subkind": "求助", "title": "限流测试第%d件关于楼道灯" % i,
                    "description": "详见标题。", "category": form.first_option("category"),
                    "area": form.first_option("area"), "is_public": "1", "dup_ok": "1"}))
                got.append(r.status)
            check("5 submissions acknowledged, the 6th refused with 429 and Retry-After",
                  got == [303] * 5 + [429] and res.last.header("Retry-After"), got)
            check("the 429 is taizhang's page (its CSP), in Chinese",
                  res.last.header("Content-Security-Policy") and
                  re.search(r"[\u4e00-\u9fff]", res.last.text), res.last.describe())
            a1, b1 = access_count(A, r"POST /submit 303"), access_count(B, r"POST /submit 303")
            check("nginx sent them to both servers (the limit is shared)", a1 > a0 and b1 > b0,
                  "A %d->%d, B %d->%d" % (a0, a1, b0, b1))
            other = FrontClient(source(911), "another resident")
            r, n, _ = submit_matter(other, "限流测试另一位居民反映井盖")
            check("another address still submits (303)", r.status == 303 and n, r.describe())
            spoof = FrontClient(source(912), "spoofer")
            codes = []
            for i in range(6):
                r = spoof.get("/submit")
                form = r.page.form(action="/submit", method="post")
                vals = {"kind": "request", "subkind": "求助", "title": "伪造地址测试%d路面坑洼" % i,
                        "description": "详见标题。", "category": form.first_option("category"),
                        "area": form.first_option("area"), "is_public": "1", "dup_ok": "1"}
                r = spoof.post_form("/submit", form.values(vals), headers={
                    "X-Forwarded-For": "198.51.100.%d" % (i + 1)})
                codes.append(r.status)
            check("a client forging X-Forwarded-For is still one client: 5 × 303, then 429",
                  codes == [303] * 5 + [429], codes)

        receiver_base = RECV.base()

        APP_KEY = new_api_key(DB, "cluster-app", "app")

        def load(first, total, restart_at, restart):
            """total submissions through nginx from 8 threads, each from an address of
            its own (every fourth by an app through the API: 201; the others by the
            resident's form: 303), restart() called when submission restart_at starts.
            Returns (acknowledged, not): lists of (i, title, number, status, Retry-After)."""
            acked, other, lock = [], [], threading.Lock()
            counter = iter(range(first, first + total))
            due = threading.Event()

            def one(i):
                title = "集群压测%03d号%s" % (i, uuid.uuid4().hex[:8])
                cl = FrontClient(source(i), "resident %d" % i)
                try:
                    if i % 4 == 3:
                        r, n = submit_matter_api(cl, APP_KEY, title, "压测：" + title)
                    else:
                        r, n, _ = submit_matter(cl, title)
                    with lock:
                        (acked if n else other).append((i, title, n, r.status,
                                                        r.header("Retry-After")))
                except Exception as e:  # noqa: BLE001 -- no answer at all: counted
                    with lock:
                        other.append((i, title, None, repr(e)[:120], None))

            def worker():
                for i in counter:
                    if i == restart_at:
                        due.set()
                    one(i)
            ts = [threading.Thread(target=worker) for _ in range(8)]
            t0 = time.time()
            for t in ts:
                t.start()
            if due.wait(120):
                restart()
            for t in ts:
                t.join()
            note("%d submissions in %.1f s: %d acknowledged, %d not (%s)" % (
                total, time.time() - t0, len(acked), len(other),
                sorted(set(str(o[3]) for o in other))))
            return acked, other

        def in_ledger(acked, other):
            """Checks that every acknowledged submission is in the ledger once under its
            number; returns the unacknowledged ones the ledger holds all the same."""
            titles = [t for _, t, _, _, _ in acked + other]
            rows = db_rows(PLAIN, "SELECT number, title FROM matters WHERE title IN (%s)"
                           % ",".join("?" * len(titles)), titles)
            by_title = {}
            for number, title in rows:
                by_title.setdefault(title, []).append(number)
            missing = [(t, n, by_title.get(t)) for _, t, n, _, _ in acked if by_title.get(t) != [n]]
            check("every acknowledged submission is in the ledger once, under its number",
                  not missing, missing[:10])
            stored = [o for o in other if o[1] in by_title]
            check("nothing unacknowledged is in the ledger twice",
                  all(len(by_title[o[1]]) == 1 for o in stored), stored[:5])
            return stored

        def nginx_upstream(port, down):
            """Take a server out of nginx (down) or back, and reload; returns when the
            workers that still knew the old list have finished their requests."""
            path = os.path.join(NG, "taizhang.conf")
            with open(path, encoding="utf-8") as f:
                text = f.read()
            line = re.search(r"server 127\.0\.0\.1:%d [^;]*" % port, text).group(0)
            new_line = line + " down" if down else line.replace(" down", "")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace(line, new_line))
            subprocess.run([NGINX, "-p", NG, "-c", os.path.join(NG, "nginx.conf"), "-s", "reload"],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            end = time.time() + 30
            time.sleep(0.5)
            while time.time() < end and nginx_retiring():
                time.sleep(0.1)

        def nginx_retiring():
            """Our nginx's workers still finishing under the old configuration."""
            n = 0
            for d in glob.glob("/proc/[0-9]*"):
                try:
                    with open(d + "/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    with open(d + "/cmdline", "rb") as f:
                        n += ppid == NGINX_PROC.pid and b"is shutting down" in f.read()
                except (OSError, ValueError, IndexError):
                    pass
            return n

        @section("a rolling restart as docs/deploy.md does it: nothing lost, nothing refused")
        def _():
            before = B.proc.pid

            def drained_restart():
                nginx_upstream(PORT_B, True)   # 1. out of nginx, in-flight requests done
                B.restart()                    # 2. SIGTERM (exit 0, checked), start again
                nginx_upstream(PORT_B, False)  # 3. back in
            acked, other = load(0, 100, 30, drained_restart)
            check("server B runs again on port %d (a new process)" % PORT_B,
                  B.port == PORT_B and B.proc.pid != before, (B.port, B.proc.pid, before))
            check("all 100 submissions acknowledged", len(acked) == 100 and not other, other[:10])
            in_ledger(acked, other)
            r = FrontClient(source(930), "after").get("/")
            n0 = access_count(B, r"GET / 200")
            for i in range(4):
                FrontClient(source(931 + i), "after").get("/")
            check("B takes requests from nginx again", access_count(B, r"GET / 200") > n0)

        @section("a server stopped under load without draining: every answer honest")
        def _():
            before = A.proc.pid
            acked, other = load(100, 100, 130, A.restart)
            check("server A runs again on port %d" % PORT_A,
                  A.port == PORT_A and A.proc.pid != before)
            check("every submission answered: acknowledged, or 503 with Retry-After"
                  " (never another error)", len(acked) + len(other) == 100 and all(
                      o[3] == 503 and o[4] for o in other), other[:10])
            stored = in_ledger(acked, other)
            note("stopped without draining: %d answers lost with the stopping server, %d of"
                 " them committed (the client could not know: why docs/deploy.md drains"
                 " first)" % (len(other), len(stored)))
            probs = ledger_problems(PLAIN)
            check("the ledger is sound (first events, statuses, number counters)", not probs,
                  probs)

        @section("both servers tick every second: every notice and message once")
        def _():
            today = beijing_today()
            monday = today - datetime.timedelta(days=today.weekday())
            # Today a working day and the week's first (so the daily dispatch and the weekly
            # review are both due today, whatever day the test runs): the office's own
            # calendar, as an administrator would enter 调休.
            days = [((monday + datetime.timedelta(days=k)).isoformat(), "holiday")
                    for k in range(today.weekday())] + [(today.isoformat(), "workday")]
            for d, kind in days:
                db_exec(PLAIN, "INSERT INTO calendar_days(day, kind, name) VALUES (?, ?, ?)"
                               " ON CONFLICT (day) DO UPDATE SET kind = excluded.kind",
                        (d, kind, "集群测试"))
            dept = db_rows(PLAIN, "SELECT id FROM departments WHERE code = 'cgj'")[0][0]
            now = int(time.time())
            chans = {}
            for name, dep in (("办公室群甲", None), ("办公室群乙", None), ("城管局群", dept)):
                topics = TOPICS[name]
                db_exec(PLAIN, "INSERT INTO channels(name, kind, department_id, target, topics,"
                               " active, created_at) VALUES (?, 'webhook', ?, ?, ?, 1, ?)",
                        (name, dep, receiver_base + "/hook/" + uuid.uuid4().hex[:6], topics, now))
                chans[name] = db_rows(PLAIN, "SELECT id, target FROM channels WHERE name = ?",
                                      (name,))[0]
            leader = A.staff("leader1")
            past = (today - datetime.timedelta(days=40)).isoformat()

            def overdue_round(k, count):
                nums = []
                for i in range(count):
                    n = api_matter(B, "集群督办第%d轮第%d件" % (k, i + 1))
                    page = leader.get("/staff/m/" + n)
                    dep = page.page.form(hidden_action="assign").option_value(
                        "department", "城市管理局")
                    r = act(leader, n, "assign", {"department": dep, "deadline": day(5)})
                    if r.status != 303:
                        raise RuntimeError("assign: " + r.describe())
                    nums.append(n)
                # all of a round's deadlines pass at once, as a new day would make them
                db_exec(PLAIN, "UPDATE matters SET deadline = ? WHERE number IN (%s)"
                        % ",".join("?" * len(nums)), [past] + nums)
                return nums

            def urge_messages():
                return [m for m in RECV.messages() if (m["key"] or "").startswith("urge/")]

            def wait_for(pred, timeout=40):
                end = time.time() + timeout
                while time.time() < end and not pred():
                    time.sleep(0.3)
                return pred()
            expect_urge = {"办公室群甲": 0, "办公室群乙": 0, "城管局群": 0}
            rounds = []
            for k in (1, 2):
                nums = overdue_round(k, 4)
                rounds.append(nums)
                for c in expect_urge:
                    expect_urge[c] += 1
                ok = wait_for(lambda: len(urge_messages()) >= sum(expect_urge.values()))
                check("round %d: the 督办 messages arrive" % k, ok,
                      [m["key"] for m in RECV.messages()])
            wait_for(lambda: len([m for m in RECV.messages() if (m["key"] or "").startswith(
                ("daily/", "weekly/"))]) >= 3)
            time.sleep(5)  # the ticks go on: nothing more may come
            msgs = RECV.messages()
            keys = [m["key"] for m in msgs]
            dup = sorted(k for k in set(keys) if keys.count(k) > 1)
            note("received: %s" % ", ".join(sorted(keys)))
            check("no message reached the receiver twice (Idempotency-Key)", not dup and
                  all(keys), dup)
            bodies = [hashlib.sha256(m["body"]).hexdigest() for m in msgs]
            check("no two deliveries with the same body", len(set(bodies)) == len(bodies))
            for name, (cid, target) in chans.items():
                path = urllib.parse.urlsplit(target).path
                got = [m["key"] for m in msgs if m["path"] == path]
                want = {"urge": expect_urge[name], "daily": int("daily" in TOPICS[name]),
                        "weekly": int("weekly" in TOPICS[name])}
                have = {t: len([k for k in got if k.startswith(t + "/")]) for t in want}
                check("%s: %s" % (name, ", ".join("%d %s" % (v, t) for t, v in want.items())),
                      have == want, got)
            wrong = []
            for n in rounds[0] + rounds[1]:
                ev = db_rows(PLAIN, "SELECT e.action, count(*) FROM events e JOIN matters m"
                                    " ON m.id = e.matter_id WHERE m.number = ? AND e.action"
                                    " IN ('overdue', 'urge') GROUP BY e.action"
                                    " ORDER BY e.action", (n,))
                if ev != [("overdue", 1), ("urge", 1)]:
                    wrong.append((n, ev))
            check("every overdue matter: one overdue notice and one 督办 event", not wrong, wrong)
            for srv in (A, B):
                bad = [l for l in srv.stderr().splitlines() if "tick" in l and " error " in l]
                check("%s: no failed tick in its log" % srv.label, not bad, bad[:5])

        @section("deploy/systemd/taizhang-pgdump.service dumps the shared ledger")
        def _():
            u = urllib.parse.urlsplit(PLAIN)
            d = os.path.join(TMP, "pgdump")
            os.makedirs(d)
            unit = unit_service(read("systemd/taizhang-pgdump.service"))
            conn = "--host=%s --port=%d --username=%s" % (u.hostname, u.port, u.username)
            sub = [("--port=5432", conn), ("/var/backups/taizhang-pg", d),
                   (" taizhang'", " %s'" % u.path.lstrip("/"))]
            for key in ("ExecCondition", "ExecStart", "ExecStartPost"):
                for v in unit.get(key, []):
                    for old, new in sub:
                        v = v.replace(old, new)
                    p = subprocess.run(unit_argv(v), stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, timeout=300)
                    check("taizhang-pgdump.service %s exits 0" % key, p.returncode == 0,
                          "%s\n%s" % (v, p.stdout.decode("utf-8", "replace")))
            dumps = [n for n in os.listdir(d) if n.endswith(".dump")]
            check("one dump, named by the time", len(dumps) == 1, os.listdir(d))
            if not dumps:
                return
            copy = database()
            p = subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d",
                                copy, os.path.join(d, dumps[0])], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=300)
            check("pg_restore into a fresh database exits 0", p.returncode == 0,
                  p.stdout.decode("utf-8", "replace")[-2000:])
            q = ("SELECT count(*), coalesce(sum(length(number) + version), 0) FROM matters")
            before, after = db_rows(PLAIN, q), db_rows(copy, q)
            # (the servers keep ticking, but write no matter now: the counts must agree)
            check("the restored ledger has the same matters", before == after, (before, after))
            out_csv = os.path.join(d, "restored.csv")
            rc, out, err = run_cli(["export", "--db", copy, "--format", "csv", "--out", out_csv])
            check("taizhang reads the whole restored ledger (export: a row per matter)",
                  rc == 0 and str(before[0][0]) in out, out + err)
finally:
    nginx_stop()
    RECV.shutdown()
    if not os.environ.get("TZ_E2E_KEEP"):
        shutil.rmtree(TMP, ignore_errors=True)

done()
