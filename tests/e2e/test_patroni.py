#!/usr/bin/env python3
"""Automatic failover with Patroni, from deploy/patroni/taizhang.yml as docs/deploy.md sets
it up: etcd (Debian's etcd-server, one member here) and three Patroni nodes on this
machine's 127.0.0.2-4, each running PostgreSQL from the sample file (its addresses, ports,
directories and the timing substituted: ttl 10 s, loop_wait 2 s, retry_timeout 4 s, so the
test takes one minute instead of three); the role and the database made with the SQL that
docs/deploy.md shows; two taizhang servers on the three-host URL of deploy/taizhang.env,
with the password from a PGPASSFILE; an app submitting from four threads; then the
leader's Patroni and PostgreSQL killed with SIGKILL (the machine lost).

Checked: the cluster comes up as one leader, one synchronous standby and a replica; the
synchronous standby is promoted by Patroni alone; every acknowledged submission is on the
new leader under its number; every other answer is a 503 with Retry-After; the same server
processes acknowledge again. Reported: the outage for clients.

Skipped, saying why, outside the PostgreSQL pass (make test-pg) and without patroni,
etcd or PostgreSQL (scripts/install-deps installs them)."""
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (IS_PG, ROOT, Client, Front, Server, check, done, note,  # noqa: E402
                     require_binary, run_cli, section, submit_matter_api)
import pgcluster  # noqa: E402

require_binary()
# Only in the PostgreSQL pass, as test_cluster.py (see there).
WHY = pgcluster.unavailable("patroni", "etcd", "patronictl") or (
    None if IS_PG else "runs in the PostgreSQL pass (make test-pg)")
if WHY:
    print("ok - automatic failover with Patroni # SKIP %s" % WHY, flush=True)
    sys.exit(0)  # a skip, said above: not a failure (done() wants a check)

B = tempfile.mkdtemp(prefix="tz-patroni-")
os.chmod(B, 0o755)
NODES = {"db1": "127.0.0.2", "db2": "127.0.0.3", "db3": "127.0.0.4"}
PASSWORD = "a-long-random-password"  # docs/deploy.md's, for the taizhang role
free = pgcluster.scratch.free_port


def as_postgres(cmd):
    return pgcluster.scratch.as_owner(cmd)


def proc_pids(match):
    """Processes whose command line holds every bytes string of match (runuser left out)."""
    out = []
    for p in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(p, "rb") as f:
                c = f.read()
        except OSError:
            continue
        if all(m in c for m in match) and not c.startswith(b"runuser"):
            out.append(int(p.split("/")[2]))
    return out


def node(name):
    """A node's PostgreSQL (its data directory is B/name, as the sample's data_dir)."""
    return pgcluster.Cluster(B, name, data=os.path.join(B, name))


def patronictl_list():
    p = subprocess.run(as_postgres(["patronictl", "-c", os.path.join(B, "db1.yml"), "list",
                                    "-f", "json"]), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=30)
    try:
        return {m["Member"]: m for m in json.loads(p.stdout)}
    except ValueError:
        return {}


procs = []
try:
    if os.geteuid() == 0:
        import pwd
        pw = pwd.getpwnam("postgres")
        os.chown(B, pw.pw_uid, pw.pw_gid)
    etcd_client, etcd_peer = free(), free()
    procs.append(subprocess.Popen(as_postgres([
        "etcd", "--name", "e1", "--data-dir", os.path.join(B, "etcd"),
        "--listen-client-urls", "http://127.0.0.2:%d" % etcd_client,
        "--advertise-client-urls", "http://127.0.0.2:%d" % etcd_client,
        "--listen-peer-urls", "http://127.0.0.2:%d" % etcd_peer,
        "--initial-advertise-peer-urls", "http://127.0.0.2:%d" % etcd_peer,
        "--initial-cluster", "e1=http://127.0.0.2:%d" % etcd_peer]),
        stdout=open(os.path.join(B, "etcd.log"), "w"), stderr=subprocess.STDOUT))
    with open(os.path.join(ROOT, "deploy", "patroni", "taizhang.yml"), encoding="utf-8") as f:
        sample = f.read()
    ports = {}
    for name, ip in NODES.items():
        api, pg = free(), free()
        ports[name] = (ip, api, pg)
        subs = [("10.0.0.21:2379,10.0.0.22:2379,10.0.0.23:2379", "127.0.0.2:%d" % etcd_client),
                ("name: db1", "name: " + name), ("10.0.0.21", ip), (":8008", ":%d" % api),
                (":5432", ":%d" % pg), ("10.0.0.0/24", "127.0.0.0/8"),
                ("/var/lib/postgresql/15/main", os.path.join(B, name)),
                ("/var/lib/postgresql/15-main.pgpass", os.path.join(B, name + ".pgpass")),
                ("unix_socket_directories: /var/run/postgresql", "unix_socket_directories: " + B),
                ("ttl: 30", "ttl: 10"), ("loop_wait: 10", "loop_wait: 2"),
                ("retry_timeout: 10", "retry_timeout: 4")]
        text = sample
        missing = [old for old, _ in subs if old not in text]
        if missing:
            raise RuntimeError("deploy/patroni/taizhang.yml no longer says %s" % missing)
        for old, new in subs:
            text = text.replace(old, new)
        path = os.path.join(B, name + ".yml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    time.sleep(2)  # etcd up
    for name in NODES:
        procs.append(subprocess.Popen(as_postgres(["patroni", os.path.join(B, name + ".yml")]),
                                      stdout=open(os.path.join(B, name + ".log"), "w"),
                                      stderr=subprocess.STDOUT))
        if name == "db1":  # the first one makes the cluster; the others copy it
            end = time.time() + 90
            while time.time() < end and patronictl_list().get("db1", {}).get("Role") != "Leader":
                time.sleep(1)

    def roles():
        return sorted(m.get("Role", "") for m in patronictl_list().values())
    end = time.time() + 180
    while time.time() < end and roles() != ["Leader", "Replica", "Sync Standby"]:
        time.sleep(1)
    check("Patroni: one Leader, one Sync Standby, one Replica", roles() ==
          ["Leader", "Replica", "Sync Standby"], patronictl_list())
    members = patronictl_list()
    leader = next(n for n, m in members.items() if m.get("Role") == "Leader")
    standby = next(n for n, m in members.items() if m.get("Role") == "Sync Standby")
    ip, _, pg = ports[leader]
    admin = "postgresql://postgres:change-me-superuser@%s:%d/postgres" % (ip, pg)
    for stmt in pgcluster.docs_database_sql("taizhang", "taizhang", "tz_replicator"):
        pgcluster.psql_rows(admin, stmt)
    pgpass = os.path.join(B, "pgpass")
    with open(pgpass, "w") as f:
        f.write("*:*:taizhang:taizhang:%s\n" % PASSWORD)
    os.chmod(pgpass, 0o600)
    os.environ["PGPASSFILE"] = pgpass  # the servers and the CLI inherit it (cli_env)
    with open(os.path.join(ROOT, "deploy", "taizhang.env"), encoding="utf-8") as f:
        env_url = next(l.split("=", 1)[1].strip() for l in f if l.startswith("TAIZHANG_DB="))
    query = urllib.parse.urlsplit(env_url).query
    URL = "postgresql://taizhang@%s/taizhang?%s" % (
        ",".join("%s:%d" % (i, p) for i, _, p in ports.values()), query)
    note("the servers' database: %s" % URL)
    rc, out, err = run_cli(["init", "--db", URL])
    check("taizhang init as the taizhang role (password from PGPASSFILE)", rc == 0, out + err)
    rc, out, err = run_cli(["apikey", "add", "failover", "--role", "app", "--db", URL])
    KEY = out.split()[-1] if rc == 0 else ""
    flags = ["--app-submit-limit", "0", "--tick-seconds", "5"]

    with Server("server A", existing_db=URL, extra_args=flags) as A, \
            Server("server B", existing_db=URL, extra_args=flags) as B_:
        # (the 503s of the failover are this test's to judge: Front, not the Server)
        fronts, pids = [Front(A), Front(B_)], (A.proc.pid, B_.proc.pid)
        lock, stop, rows = threading.Lock(), threading.Event(), []

        def worker(k):
            n = 0
            while not stop.is_set():
                n += 1
                front = fronts[(k + n) % 2]
                title = "Patroni切换测试%d-%d" % (k, n)
                t0 = time.time()
                try:
                    r, num = submit_matter_api(Client(front, "app"), KEY, title, title,
                                               timeout=60)
                    row = (t0, time.time(), r.status, num, title, r.header("Retry-After"))
                except Exception as e:  # noqa: BLE001 -- no answer: recorded
                    row = (t0, time.time(), "no answer: %s" % str(e)[:80], None, title, None)
                with lock:
                    rows.append(row)
                if not row[3]:
                    time.sleep(0.2)
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        killed = None
        try:
            time.sleep(4)
            # the leader's Patroni first (else it would start its PostgreSQL again), then
            # the postmaster and every child
            killed = pgcluster.kill_pids(
                proc_pids([b"/usr/bin/patroni", (leader + ".yml").encode()]) +
                node(leader).pids())
            end = time.time() + 120
            while time.time() < end:
                with lock:
                    if len([r for r in rows if r[3] and r[0] > killed]) > 20:
                        break
                time.sleep(0.5)
            time.sleep(2)
        finally:
            stop.set()
            for t in threads:
                t.join(90)
        acked = [r for r in rows if r[3]]
        refused = [r for r in rows if not r[3]]

        @section("Patroni promoted the synchronous standby")
        def _():
            m = patronictl_list()
            check("%s (the synchronous standby) leads now; %s is gone" % (standby, leader),
                  m.get(standby, {}).get("Role") == "Leader" and
                  m.get(leader, {}).get("State") != "running", m)

        @section("every acknowledged submission is on the new leader")
        def _():
            ip2, _, pg2 = ports[standby]
            got = dict((t, n) for n, t in pgcluster.psql_rows(
                "postgresql://taizhang:%s@%s:%d/taizhang" % (PASSWORD, ip2, pg2),
                "SELECT number, title FROM matters WHERE title LIKE 'Patroni切换测试%'"))
            lost = [r for r in acked if got.get(r[4]) != r[3]]
            check("all %d acknowledged submissions there under their numbers" % len(acked),
                  acked and not lost, lost[:5])
            bad = [r for r in refused if not (r[2] == 503 and r[5])]
            check("every other answer a 503 with Retry-After (%d)" % len(refused), not bad,
                  bad[:5])
            before = max((r[1] for r in acked if r[1] < killed), default=killed)
            after = min((r[1] for r in acked if r[0] > killed), default=None)
            check("the same server processes acknowledge again",
                  after is not None and (A.proc.pid, B_.proc.pid) == pids)
            if after:
                note("outage for clients: %.1f s (the leader lost -> the first acknowledgement"
                     " %.1f s later; ttl 10 s, loop_wait 2 s); %d refused, %d acknowledged,"
                     " longest answer %.1f s" % (after - before, after - killed, len(refused),
                                                 len(acked), max(r[1] - r[0] for r in rows)))
finally:
    for name in NODES:  # Patroni stops its PostgreSQL on SIGTERM
        for pid in proc_pids([b"/usr/bin/patroni", (name + ".yml").encode()]):
            os.kill(pid, signal.SIGTERM)
    end = time.time() + 30
    while time.time() < end and proc_pids([b"/usr/bin/patroni", B.encode()]):
        time.sleep(0.5)
    for name in NODES:  # what is left (a killed node's children)
        node(name).kill()
    for p in procs:
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
    if not os.environ.get("TZ_E2E_KEEP"):
        shutil.rmtree(B, ignore_errors=True)

done()
