#!/usr/bin/env python3
"""Storage faults while the server runs: the disk fills up (a small tmpfs, or a file-size
limit where mounting is not permitted), the database turns read-only (chattr +i: root
ignores permission bits), another process holds the database locked past the busy
timeout. Each time: a submission gets a clear refusal at once (503 with Retry-After, a
Chinese page on the web form, the Open311 error list), never a hang and never a success
that was not kept; reading pages keep working; the log names the problem; nothing is
corrupted; and once the condition clears, submissions work again without a restart."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (VALGRIND, NoResponse, Server, check, done,  # noqa: E402
                     ledger_problems, new_api_key, note, require_binary, section,
                     serve_flags, skip_file_under_pg, submit_matter)

require_binary()
skip_file_under_pg("each fault is done to SQLite's file: a full disk under it, chattr +i on it,"
                   " another process's lock on it (PostgreSQL's lost primary: test_failover.py)")
EXTRA = [a for f in serve_flags("--submit-limit", "--app-submit-limit") for a in (f, "0")]


def skip(name, why):
    print("ok - %s # SKIP %s" % (name, why), flush=True)


def submit_web(srv, title):
    """(status, number, response) of one submission through /submit."""
    r, number, _ = submit_matter(srv.client("resident"), title)
    return r.status, number, r


def submit_app(srv, key, desc):
    body = urllib.parse.urlencode({"api_key": key, "service_code": "traffic",
                                   "address_string": "建设路1号", "description": desc})
    r = srv.client("app").request("POST", "/open311/v2/requests.json", body=body.encode(),
                                  cookies=False,
                                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        number = json.loads(r.body)[0]["service_request_id"] if r.status == 200 else None
    except (ValueError, LookupError, TypeError):
        number = None
    return r.status, number, r


def refusal_ok(r, web):
    """A clear 'try later': 503, Retry-After, the page in Chinese or the Open311 list."""
    if r.status != 503 or not (r.header("Retry-After") or "").isdigit():
        return False
    if web:
        return r.is_html and "暂停服务" in r.text and not r.page.problems
    try:
        doc = json.loads(r.body)
    except ValueError:
        return False
    return isinstance(doc, list) and doc and doc[0].get("code") == 503 and \
        doc[0].get("description")


def numbers_in(db):
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return {n for (n,) in con.execute("SELECT number FROM matters")}
    finally:
        con.close()


def forget_expected_503(srv):
    """The harness flags every 5xx; the refusals these tests provoke were checked."""
    srv.server_errors = [e for e in srv.server_errors if " -> 503 " not in e.split("\n")[0]]


def fault_cycle(srv, label, key, make, clear, tries=1):
    """Submit until the fault shows (up to tries per channel), then check the refusals,
    reading pages, the log, recovery once cleared, and the ledger."""
    acked = []
    before = numbers_in(srv.db)
    make()
    try:
        seen = {}
        for web in (True, False):
            for i in range(tries):
                t0 = time.time()
                try:
                    if web:
                        st, number, r = submit_web(srv, "%s网页%d" % (label, i))
                    else:
                        st, number, r = submit_app(srv, key, "%s接口%d 信号灯不亮" % (label, i))
                except NoResponse as e:
                    seen[web] = (None, str(e), time.time() - t0)
                    break
                if number:
                    acked.append(number)  # the fault had not bitten yet: it must be kept
                    continue
                seen[web] = (r, None, time.time() - t0)
                break
        for web, what in ((True, "web form"), (False, "Open311 POST")):
            r, err, took = seen.get(web, (None, "every try succeeded", 0))
            check("%s: %s answered 503 with Retry-After and a clear message (%.1fs)" % (
                label, what, took), r is not None and refusal_ok(r, web),
                err or r.describe())
        r = srv.client("reader").get("/board")
        check("%s: reading pages still works (/board 200)" % label, r.status == 200,
              r.describe())
    finally:
        clear()
    log = srv.stderr()
    check("%s: the log says the storage was unavailable" % label,
          "storage unavailable" in log, log[-2000:])
    st, n1, r = submit_web(srv, "%s恢复网页" % label)
    st2, n2, r2 = submit_app(srv, key, "%s恢复接口 信号灯不亮" % label)
    check("%s: once cleared, submissions work again without a restart" % label,
          n1 and n2, r.describe() + "\n" + r2.describe())
    after = numbers_in(srv.db)
    lost = [n for n in acked + [n1, n2] if n and n not in after]
    check("%s: every acknowledged submission is in the ledger (%d)" % (
        label, len(acked) + 2), not lost, lost)
    check("%s: no matter appeared that was not acknowledged" % label,
          after - before <= set(acked + [n1, n2]), sorted(after - before - set(acked)))
    probs = ledger_problems(srv.db)
    check("%s: the ledger is sound (integrity_check, events, counters)" % label,
          not probs, "\n".join(probs))
    forget_expected_503(srv)


def mount_tmpfs(path, size):
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0, p.stdout.decode("utf-8", "replace").strip()


def fill(path):
    """Fill the file system holding path; returns the filler's name."""
    name = os.path.join(path, "filler")
    with open(name, "wb", buffering=0) as f:
        for chunk in (b"\0" * 65536, b"\0" * 512):
            try:
                while f.write(chunk):
                    pass
            except OSError:
                pass
    return name


@section("disk full")
def _():
    mnt = tempfile.mkdtemp(prefix="tz-full-")
    ok, why = mount_tmpfs(mnt, "16m")
    try:
        if ok:
            note("ledger on a 16 MiB tmpfs at %s" % mnt)
        else:
            note("SKIP tmpfs: mounting is not permitted here (%s); the same with a file-size "
                 "limit (prlimit --fsize) on the server instead" % why)
        with Server("setup", extra_args=EXTRA) as s2:
            key = new_api_key(s2.db, "满盘测试", "app")
            s2._stop(report=True)
            db = os.path.join(mnt, "t.db")
            shutil.copy(s2.db, db)
            with Server("disk full", existing_db=db, extra_args=EXTRA) as srv:
                srv.passwords = s2.passwords
                if ok:
                    state = {}

                    def make():
                        state["filler"] = fill(mnt)

                    def clear():
                        if state.get("filler"):
                            os.unlink(state["filler"])
                else:
                    # Only the soft limit: raising a hard limit again needs
                    # CAP_SYS_RESOURCE.
                    def make():
                        size = max(os.path.getsize(db + x) for x in ("", "-wal")
                                   if os.path.exists(db + x))
                        subprocess.run(["prlimit", "--pid", str(srv.proc.pid),
                                        "--fsize=%d:unlimited" % size], check=True)

                    def clear():
                        subprocess.run(["prlimit", "--pid", str(srv.proc.pid),
                                        "--fsize=unlimited:unlimited"], check=True)
                # WAL space already on disk may take a few submissions before a write
                # needs a new block.
                fault_cycle(srv, "disk full", key, make, clear, tries=60 if VALGRIND else 300)
    finally:
        if ok:
            subprocess.run(["umount", "-l", mnt])
        shutil.rmtree(mnt, ignore_errors=True)


def chattr(flag, *paths):
    p = subprocess.run(["chattr", flag] + [x for x in paths if os.path.exists(x)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.returncode == 0, p.stdout.decode("utf-8", "replace").strip()


@section("read-only database")
def _():
    with Server("read-only", extra_args=EXTRA) as srv:
        key = new_api_key(srv.db, "只读测试", "app")
        files = [srv.db, srv.db + "-wal"]
        ok, why = chattr("+i", *files)
        chattr("-i", *files)
        if not ok:
            skip("read-only: refusals, recovery and a sound ledger",
                 "chattr +i is not supported here: %s" % why)
            return
        # Why chattr: the tests run as root, who ignores permission bits; an immutable
        # file refuses root's writes too, as a file system remounted read-only would.
        fault_cycle(srv, "read-only", key, lambda: chattr("+i", *files),
                    lambda: chattr("-i", *files), tries=60 if VALGRIND else 300)


@section("database locked by another process")
def _():
    with Server("locked", extra_args=EXTRA) as srv:
        key = new_api_key(srv.db, "锁库测试", "app")
        holder = {}

        def make():
            con = sqlite3.connect(srv.db, timeout=30, isolation_level=None)
            con.execute("BEGIN EXCLUSIVE")
            holder["con"] = con

        def clear():
            con = holder.pop("con", None)
            if con:
                con.rollback()
                con.close()
        # A hang would show as no answer within the HTTP client's timeout.
        fault_cycle(srv, "locked", key, make, clear)


done()
