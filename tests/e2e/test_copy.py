#!/usr/bin/env python3
"""`taizhang copy`: the demo ledger copied into PostgreSQL (TAIZHANG_TEST_PG set; otherwise a
second SQLite file) with every table's count and checksum equal, copied back into a new
SQLite file that equals the original value for value (checked here with Python's sqlite3,
apart from the copy's own checksums), served from the copy with the same matters, statuses,
events, search results and board as the original; the copy takes new matters (on PostgreSQL:
the identity sequences were moved past the copied ids). Refusals: a target that is not
empty, a missing source, bad URLs and command lines, a source of another schema version, a
table the copy does not know (each with its exit status, and no target file left behind);
--verify-only finds a tampered copy (exit 4)."""
import json
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (IS_PG, Server, check, done, ledger_problems,  # noqa: E402
                     new_pg_database, note, require_binary, run_cli, section, serve_flags)

require_binary()
WORK = tempfile.mkdtemp(prefix="tz-copy-")
DEMO = os.path.join(WORK, "demo.db")
BACK = os.path.join(WORK, "back.db")
NUMBER = re.compile(r"TZ-\d{4}-\d{6}")
S = {}  # what the sections hand on


def copy(*args):
    return run_cli(["copy"] + list(args), timeout=900)


def report(out):
    """The copy's table of tables: {table: (source rows, target rows, verdict)}."""
    rows = {}
    for line in out.splitlines():
        m = re.match(r"^([a-z_]+)\s+(\d+)\s+(\d+)\s+[0-9a-f]{16}\s+(ok|DIFFERENT)", line)
        if m:
            rows[m.group(1)] = (int(m.group(2)), int(m.group(3)), m.group(4))
    return rows


def sqlite_rows(path, table):
    """Every row of table, ordered by all its columns, as Python values."""
    con = sqlite3.connect(path)
    try:
        n = len(con.execute("SELECT * FROM %s LIMIT 0" % table).description)
        order = ", ".join(str(i + 1) for i in range(n))
        return con.execute("SELECT * FROM %s ORDER BY %s" % (table, order)).fetchall()
    finally:
        con.close()


def sqlite_query(path, sql):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@section("the demo ledger")
def _():
    rc, out, err = run_cli(["demo", "--no-serve", "--db", DEMO, "--matters", "80"], cwd=WORK)
    check("demo ledger made", rc == 0 and os.path.exists(DEMO), out + err)
    # An admin key made before the copy exists in every copy (only its hash is stored).
    rc, out, err = run_cli(["apikey", "add", "copy-check", "--role", "admin", "--db", DEMO])
    check("admin key added", rc == 0, out + err)
    S["key"] = out.split()[-1]


@section("copy into %s" % ("PostgreSQL" if IS_PG else "a second SQLite file"))
def _():
    target = new_pg_database() if IS_PG else os.path.join(WORK, "copy.db")
    rc, out, err = copy("--from", DEMO, "--to", target)
    rep = report(out)
    check("copy: exit 0, says all equal", rc == 0 and "all equal" in out, out + err)
    check("copy: a line per table, every one ok, and the ledger's tables among them",
          len(rep) >= 20 and all(v[2] == "ok" and v[0] == v[1] for v in rep.values()) and
          {"matters", "events", "users", "matter_bands", "routing_models"} <= set(rep), out)
    check("copy: matters and events were copied", rep.get("matters", (0,))[0] >= 80 and
          rep.get("events", (0,))[0] > rep.get("matters", (0,))[0], out)
    want = {t: len(sqlite_rows(DEMO, t)) for t in rep}
    check("copy: the source counts are the tables' row counts",
          all(rep[t][0] == want[t] for t in rep), (rep, want))
    check("copy: progress on stderr, the search index rebuilt",
          "copy matters:" in err and "search index rebuilt" in out, err)
    S["target"], S["tables"] = target, sorted(rep)


@section("copied back into a new SQLite file: the original, value for value")
def _():
    rc, out, err = copy("--from", S["target"], "--to", BACK)
    check("copy back: exit 0, all equal", rc == 0 and "all equal" in out, out + err)
    differ = [t for t in S["tables"] if sqlite_rows(DEMO, t) != sqlite_rows(BACK, t)]
    check("every table of the round trip equals the original (Python's sqlite3, ordered by"
          " every column)", not differ, differ)
    rc, out, err = copy("--from", DEMO, "--to", BACK, "--verify-only")
    check("--verify-only original vs round trip: exit 0, all equal",
          rc == 0 and "all equal" in out and all(v[2] == "ok" for v in report(out).values()),
          out + err)


def api(c, path):
    r = c.request("GET", path, headers={"Authorization": "Bearer " + S["key"]})
    if r.status != 200:
        raise AssertionError("%s: %d %s" % (path, r.status, r.body[:300]))
    return json.loads(r.body)


def urlq(s):
    import urllib.parse
    return urllib.parse.quote(s)


SEARCHES = ["路灯", "井盖", "厕所", "水", "幼儿园"]


def what_it_shows(srv):
    """The matters, a sample of their events, searches and the board, as one server
    shows them."""
    c = srv.client("reader")
    seen = {}
    ledger = api(c, "/api/v1/matters?page_size=1000")
    seen["total"] = ledger["total"]
    seen["list"] = [(m["number"], m["status"], m["title"], m["department"], m["deadline"])
                    for m in ledger["items"]]
    sample = [m["number"] for m in ledger["items"]][::7]
    seen["matters"] = {n: api(c, "/api/v1/matters/" + n) for n in sample}
    seen["events"] = {n: api(c, "/api/v1/matters/%s/events" % n)["items"] for n in sample}
    seen["search"] = {}
    for q in SEARCHES:
        got = api(c, "/api/v1/matters?page_size=1000&q=" + urlq(q))
        seen["search"][q] = (got["total"], [m["number"] for m in got["items"]])
    board = c.get("/board")
    seen["board"] = (board.status, NUMBER.findall(board.text))
    found = c.get("/board?q=" + urlq("路灯"))
    seen["board_search"] = (found.status, NUMBER.findall(found.text))
    return seen


@section("served from the copy: the same matters, statuses, events, search and board")
def _():
    with Server("original", existing_db=DEMO) as a:
        before = what_it_shows(a)
    with Server("copy", existing_db=S["target"]) as b:
        after = what_it_shows(b)
    check("the ledger list (numbers, statuses, titles, departments, deadlines)",
          before["list"] == after["list"] and before["total"] == after["total"] >= 80,
          (len(before["list"]), len(after["list"])))
    differ = [n for n in before["matters"] if before["matters"][n] != after["matters"].get(n)]
    check("every sampled matter reads the same, field for field (%d)" % len(before["matters"]),
          not differ and len(before["matters"]) >= 10, differ[:5])
    differ = [n for n in before["events"] if before["events"][n] != after["events"].get(n)]
    check("their event logs are the same", not differ and
          sum(len(v) for v in after["events"].values()) > len(after["events"]), differ[:5])
    check("searches find the same matters in the same order: " + " ".join(SEARCHES),
          before["search"] == after["search"] and
          sum(1 for t, _ in after["search"].values() if t > 0) >= 3,
          {q: (before["search"][q][0], after["search"][q][0]) for q in SEARCHES})
    check("the public board and its search show the same numbers",
          before["board"] == after["board"] and before["board"][0] == 200 and
          len(after["board"][1]) > 0 and before["board_search"] == after["board_search"],
          (before["board"][:1], after["board"][:1]))


@section("the copy takes new matters and events")
def _():
    with Server("copy", existing_db=S["target"]) as srv:
        c = srv.client("clerk")
        before = api(c, "/api/v1/matters?page_size=1")["items"][0]["number"]
        body = json.dumps({"kind": "request", "channel": "hotline", "title": "复制后新登记的诉求",
                           "description": "复制到新数据库之后登记的第一件事。", "public": True,
                           "submitter": {"name": "测试", "phone": "13800000000"}}).encode()
        r = c.request("POST", "/api/v1/matters", body=body,
                      headers={"Authorization": "Bearer " + S["key"],
                               "Content-Type": "application/json"})
        ok = check("a new matter on the copy: 201 (new ids past the copied ones)",
                   r.status == 201, r.describe())
        if ok:
            number = json.loads(r.body)["number"]
            y, n = before.rsplit("-", 1)
            check("its number follows the copied counter", number == "%s-%06d" % (y, int(n) + 1)
                  or number > before, (before, number))
            ev = api(c, "/api/v1/matters/%s/events" % number)["items"]
            check("and its first event was written", len(ev) == 1 and ev[0]["action"] == "submit",
                  ev)


def submitter(srv, key, service, acks, stop, k):
    """Open311 submissions until told to stop; acks gets (time acknowledged, number)."""
    import urllib.parse
    c = srv.client("app%d" % k)
    i = 0
    while not stop.is_set():
        i += 1
        body = urllib.parse.urlencode({"api_key": key, "service_code": service,
                                       "address_string": "建设路%d号" % i,
                                       "description": "复制测试%d-%d 路灯不亮" % (k, i)})
        try:
            r = c.request("POST", "/open311/v2/requests.json", body=body.encode(),
                          cookies=False,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            number = json.loads(r.body)[0]["service_request_id"] if r.status == 200 else None
        except Exception:  # noqa: BLE001 -- a refused or lost request is simply not acked
            number = None
        if number:
            acks.append((time.time(), number))


@section("a copy taken while a server writes: one moment of the ledger, verified")
def _():
    live = os.path.join(WORK, "live.db")
    shutil.copy(DEMO, live)
    rc, out, err = run_cli(["apikey", "add", "热线", "--role", "app", "--db", live])
    key = out.split()[-1]
    service = sqlite_query(live, "SELECT code FROM categories WHERE active = 1 ORDER BY id")[0][0]
    extra = [a for f in serve_flags("--submit-limit", "--app-submit-limit") for a in (f, "0")]
    target = os.path.join(WORK, "live-copy.db")
    with Server("live", existing_db=live, extra_args=extra) as srv:
        acks, stop = [], threading.Event()
        threads = [threading.Thread(target=submitter, args=(srv, key, service, acks, stop, k))
                   for k in range(2)]
        for t in threads:
            t.start()
        try:
            end = time.time() + 60
            while len(acks) < 20 and time.time() < end:
                time.sleep(0.05)
            started = time.time()
            rc, out, err = copy("--from", live, "--to", target)
            during = len(acks)
            time.sleep(0.5)
        finally:
            stop.set()
            for t in threads:
                t.join()
    check("copy while submissions run: exit 0, all equal", rc == 0 and "all equal" in out,
          out + err)
    have = {r[0] for r in sqlite_query(target, "SELECT number FROM matters")}
    before = [n for at, n in acks if at < started]
    missing = [n for n in before if n not in have]
    check("the copy holds every matter acknowledged before it began (%d of %d acked)"
          % (len(before), len(acks)), before and not missing, missing[:5])
    total = sqlite_query(live, "SELECT count(*) FROM matters")[0][0]
    note("%d matters in the copy, %d in the ledger afterwards, %d acknowledged during the copy"
         % (len(have), total, during - len(before)))
    problems = [p for p in ledger_problems(target)]
    check("the copy is a sound ledger (integrity, foreign keys, events and statuses)",
          not problems, problems)


@section("refusals: exit status, message, nothing written")
def _():
    rc, out, err = copy("--from", DEMO, "--to", S["target"])
    check("into a target that holds a ledger: exit 3, 'not empty'", rc == 3 and "not empty" in err,
          (rc, err))
    missing = os.path.join(WORK, "nowhere.db")
    target = os.path.join(WORK, "t-missing.db")
    rc, out, err = copy("--from", missing, "--to", target)
    check("a missing source: exit 3, says so, no target made",
          rc == 3 and "does not exist" in err and not os.path.exists(target), (rc, err))
    rc, out, err = copy("--from", DEMO, "--to", "mysql://root@localhost/tz")
    check("a URL of another database: exit 2", rc == 2 and "--to" in err, (rc, err))
    rc, out, err = copy("--from", DEMO)
    check("no --to: exit 2 with the usage", rc == 2 and "usage: taizhang copy" in err, (rc, err))
    rc, out, err = copy("--from", DEMO, "--to", DEMO)
    check("the same ledger twice: exit 2", rc == 2 and "same ledger" in err, (rc, err))
    rc, out, err = copy("--from", DEMO, "--to", os.path.join(WORK, "x.db"), "--bogus")
    check("a flag without its value: exit 2", rc == 2, (rc, err))
    rc, out, err = copy("--help")
    check("--help: exit 0, the flags, the exit statuses and what a running server means",
          rc == 0 and "--verify-only" in out and "Exit status" in out and "server" in out, out)

    old = os.path.join(WORK, "old.db")
    shutil.copy(DEMO, old)
    con = sqlite3.connect(old)
    con.execute("DELETE FROM schema_version WHERE version = (SELECT max(version) FROM"
                " schema_version)")
    con.commit()
    con.close()
    target = os.path.join(WORK, "t-old.db")
    rc, out, err = copy("--from", old, "--to", target)
    check("a source of an older schema version: exit 3, says to bring it up to date,"
          " no target file left", rc == 3 and "bring it up to date" in err and
          not os.path.exists(target), (rc, err))

    extra = os.path.join(WORK, "extra.db")
    shutil.copy(DEMO, extra)
    con = sqlite3.connect(extra)
    con.execute("CREATE TABLE office_notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO office_notes(body) VALUES ('不可丢失')")
    con.commit()
    con.close()
    target = os.path.join(WORK, "t-extra.db")
    rc, out, err = copy("--from", extra, "--to", target)
    check("a table the copy does not know: exit 3, named, no target file left",
          rc == 3 and "'office_notes'" in err and not os.path.exists(target), (rc, err))

    if IS_PG:
        u = S["target"].rsplit("/", 1)[0] + "/tz_no_such_database"
        rc, out, err = copy("--from", DEMO, "--to", u)
        check("a PostgreSQL database that does not exist: exit 1, cannot open",
              rc == 1 and "cannot open" in err, (rc, err))


@section("--verify-only finds a tampered copy")
def _():
    tampered = os.path.join(WORK, "tampered.db")
    rc, out, err = copy("--from", DEMO, "--to", tampered)
    check("a second copy: exit 0", rc == 0, out + err)
    con = sqlite3.connect(tampered)
    con.execute("UPDATE matters SET title = title || '。' WHERE id = (SELECT max(id) FROM matters)")
    con.commit()
    con.close()
    rc, out, err = copy("--from", DEMO, "--to", tampered, "--verify-only")
    rep = report(out)
    check("exit 4, matters DIFFERENT, every other table ok",
          rc == 4 and rep.get("matters", (0, 0, ""))[2] == "DIFFERENT" and
          all(v[2] == "ok" for t, v in rep.items() if t != "matters"), out + err)
    note("copy round trip through %s" % ("PostgreSQL" if IS_PG else "SQLite"))


shutil.rmtree(WORK, ignore_errors=True)
done()
