"""PostgreSQL servers of a test's own, for the deployment tests: two taizhang servers on
one database (test_cluster.py), and a primary with a synchronous streaming replica that
the test kills and promotes (test_failover.py). Built on scripts/pg-scratch (which makes
and starts a throwaway cluster: initdb UTF8 with the C collation, trust on 127.0.0.1,
run as the `postgres` user when the tests run as root); this adds what a failover needs.

- unavailable(*tools): why these tests cannot run here (PostgreSQL, nginx ... missing),
  or None.
- Cluster(base, name): one server in base/name: start(durable, **settings) (pg-scratch,
  then ALTER SYSTEM for the settings), replica_of(primary) (pg_basebackup -R: a
  streaming standby whose application_name is name, started by pg-scratch's launch),
  kill() (SIGKILL to the postmaster and every child: the machine lost), promote(),
  set(**settings) (ALTER SYSTEM and a reload), sql(...), url(db), stop() (and the
  directory removed).
- kill_pids(pids): SIGKILL to each, waiting until they are gone; the time of the kill.
- psql_rows(url, sql): a statement through psql (for what the extended protocol of
  harness's pgwire cannot run, e.g. ALTER SYSTEM), rows as strings.
- docs_database_sql(role, database, replicator): docs/deploy.md's statements for them.

A test's databases on these servers: harness.new_pg_database(base=cluster.url("")).
"""
import glob
import importlib.machinery
import importlib.util
import os
import pwd
import shutil
import signal
import subprocess
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _load_scratch():
    path = os.path.join(ROOT, "scripts", "pg-scratch")
    loader = importlib.machinery.SourceFileLoader("pg_scratch", path)
    spec = importlib.util.spec_from_loader("pg_scratch", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


scratch = _load_scratch()


def unavailable(*tools):
    """None when PostgreSQL's server programs, psql and each of tools (e.g. "nginx") are
    installed (and, as root, the postgres user to run the server as); else the reason,
    for a SKIP line."""
    missing = []
    try:
        bins = scratch.bindir()
    except SystemExit:
        bins = None
    if not bins or not all(os.path.exists(os.path.join(bins, t))
                           for t in ("initdb", "pg_ctl", "pg_basebackup")):
        missing.append("PostgreSQL's server (apt-get install postgresql)")
    if not shutil.which("psql"):
        missing.append("psql (apt-get install postgresql-client)")
    for t in tools:
        if not (shutil.which(t) or os.path.exists("/usr/sbin/" + t)):
            missing.append("%s (apt-get install %s)" % (t, t))
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("the postgres user to run PostgreSQL as (we run as root)")
    return ", ".join(missing) + " not installed" if missing else None


def psql_rows(url, sql, timeout=60):
    """Rows of one statement through psql (-At, fields split on a unit separator), as
    lists of strings (NULL is ''). Raises RuntimeError with psql's message."""
    p = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", "-At", "-F", "\x1f", "-d", url,
                        "-c", sql], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError("psql: %s: %s" % (sql[:100], p.stderr.decode("utf-8", "replace")))
    return [line.split("\x1f") for line in p.stdout.decode("utf-8").split("\n") if line]


def docs_database_sql(role, database, replicator):
    """The statements docs/deploy.md gives for the ledger's role, database and replication
    role, with these names instead of its own (so the tests run what the page shows)."""
    import re
    with open(os.path.join(ROOT, "docs", "deploy.md"), encoding="utf-8") as f:
        m = re.search(r"runuser -u postgres -- psql <<'SQL'\n(.*?)\nSQL\n", f.read(), re.S)
    if not m:
        raise RuntimeError("docs/deploy.md shows no SQL for the role and the database")
    sql = m.group(1)
    for old, new in (("ROLE taizhang", "ROLE " + role),
                     ("DATABASE taizhang OWNER taizhang", "DATABASE %s OWNER %s" % (database, role)),
                     ("ROLE replicator", "ROLE " + replicator)):
        if old not in sql:
            raise RuntimeError("docs/deploy.md's SQL no longer says %r" % old)
        sql = sql.replace(old, new)
    return [x.strip() for x in sql.split(";") if x.strip()]


def _running(pid):
    """Is pid a process that still runs (not gone, not a zombie waiting to be reaped)?"""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def kill_pids(pids):
    """SIGKILL to each of pids (one already gone is passed over), as when the machine is
    lost: nothing flushed, no goodbye to the clients; then a wait (10 s at most) until
    none runs. Returns the time of the kill."""
    at = time.time()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    end = time.time() + 10
    while time.time() < end and any(_running(p) for p in pids):
        time.sleep(0.02)
    return at


class Cluster:
    """One PostgreSQL server of the test's own in base/name, on 127.0.0.1 only."""

    def __init__(self, base, name, data=None):
        # pg-scratch gives the directory to postgres; its parent must let it through
        os.chmod(base, 0o755)
        self.dir = os.path.join(base, name)
        self.data = data or os.path.join(self.dir, "data")  # another's (Patroni's) layout
        self.name = name

    @property
    def port(self):
        """The port pg-scratch recorded in the cluster's directory (started ones only)."""
        return urllib.parse.urlsplit(self.url()).port

    def start(self, durable=True, **settings):
        """A new cluster (pg-scratch start; durable: fsync, full_page_writes and
        synchronous_commit on, PostgreSQL's defaults), then the settings."""
        scratch.start(self.dir, durable=durable)
        if settings:
            self.set(**settings)
        return self

    def set(self, **settings):
        """ALTER SYSTEM SET for each setting, then a reload (settings that need a
        restart are not for this)."""
        for k, v in settings.items():
            psql_rows(self.url(), "ALTER SYSTEM SET %s = '%s'" % (k, str(v).replace("'", "''")))
        psql_rows(self.url(), "SELECT pg_reload_conf()")

    def replica_of(self, primary):
        """A streaming standby of primary: pg_basebackup -R (standby.signal and
        primary_conninfo with application_name = this cluster's name), its own port and
        socket, started."""
        scratch.make_dir(self.dir)
        scratch.pg("pg_basebackup", "-d", "host=127.0.0.1 port=%d user=postgres application_name=%s"
                   % (primary.port, self.name), "-D", self.data, "-R", "-X", "stream", "-c", "fast",
                   d=self.dir, timeout=120)
        # the primary's postgresql.auto.conf came along (its port and socket too): kept,
        # for its settings; the standby's own lines follow it and win
        scratch.launch(self.dir, data=self.data, keep_conf=True)
        return self

    def pids(self):
        """The postmaster's pid and its children's, or []."""
        try:
            with open(os.path.join(self.data, "postmaster.pid")) as f:
                pm = int(f.readline())
        except (OSError, ValueError):
            return []
        kids = []
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                with open(stat) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pm:
                        kids.append(int(stat.split("/")[2]))
            except (OSError, ValueError, IndexError):
                continue
        return [pm] + kids

    def kill(self):
        """SIGKILL to the postmaster, then to every child, as when the machine is lost:
        nothing flushed, no goodbye to the clients. Returns the time of the kill."""
        return kill_pids(self.pids())

    def promote(self):
        """pg_ctl promote, waiting until the server takes writes."""
        scratch.pg("pg_ctl", "-D", self.data, "-w", "-t", "60", "promote", d=self.dir, timeout=120)

    def url(self, db="postgres"):
        """The URL of database db (pg-scratch's base URL and the name; "" for the base)."""
        return scratch.url(self.dir) + db

    def sql(self, sql, db="postgres"):
        return psql_rows(self.url(db), sql)

    def stop(self):
        """Stop the server (if it runs) and remove its directory."""
        if os.path.isdir(self.dir):
            try:
                scratch.stop(self.dir)
            except SystemExit:
                pass
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, n=3000):
        """The last n characters of the server's log."""
        return scratch.log_tail(self.dir, n)
