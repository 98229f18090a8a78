#!/usr/bin/env python3
"""`taizhang backup` and `taizhang restore`: a backup taken while submissions keep coming,
restored into a new path and served, holds every matter acknowledged before the backup
began, and is a sound ledger; backup refuses to overwrite a file; restore refuses a file
that is not a taizhang ledger or fails integrity_check, refuses an existing target without
--force, and leaves no target behind when it refuses; both answer --help."""
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (VALGRIND, NoResponse, Server, check, done,  # noqa: E402
                     ledger_problems, new_api_key, note, require_binary, run_cli, section,
                     serve_flags, skip_file_under_pg)

require_binary()
skip_file_under_pg("backup and restore are SQLite's online backup of the ledger file, and the"
                   " checks damage and copy that file (PostgreSQL's ledgers are backed up with"
                   " pg_dump: docs/deploy.md)")
EXTRA = [a for f in serve_flags("--submit-limit", "--app-submit-limit") for a in (f, "0")]
BEFORE = 20 if VALGRIND else 300  # acknowledged before the backup starts
WORK = tempfile.mkdtemp(prefix="tz-backup-")


def submitter(srv, key, acks, stop, k):
    """Open311 submissions until told to stop; acks gets (time acknowledged, number)."""
    c = srv.client("app%d" % k)
    i = 0
    while not stop.is_set():
        i += 1
        body = urllib.parse.urlencode({"api_key": key, "service_code": "traffic",
                                       "address_string": "建设路%d号" % i,
                                       "description": "备份测试%d-%d 信号灯不亮" % (k, i)})
        try:
            r = c.request("POST", "/open311/v2/requests.json", body=body.encode(),
                          cookies=False,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
            number = json.loads(r.body)[0]["service_request_id"] if r.status == 200 else None
        except (NoResponse, ValueError, LookupError, TypeError):
            number = None
        if number:
            acks.append((time.time(), number))


@section("backup while submissions run, restore, serve")
def _():
    out = os.path.join(WORK, "backup.db")
    restored = os.path.join(WORK, "restored.db")
    with Server("live", extra_args=EXTRA) as srv:
        key = new_api_key(srv.db, "备份测试", "app")
        acks, stop = [], threading.Event()
        threads = [threading.Thread(target=submitter, args=(srv, key, acks, stop, k))
                   for k in range(3)]
        for t in threads:
            t.start()
        try:
            end = time.time() + (600 if VALGRIND else 120)
            while len(acks) < BEFORE and time.time() < end:
                time.sleep(0.05)
            began = time.time()
            rc, text, err = run_cli(["backup", "--db", srv.db, "--out", out])
            finished = time.time()
            time.sleep(0.5 if not VALGRIND else 3)  # submissions go on after it
        finally:
            stop.set()
            for t in threads:
                t.join()
        check("backup succeeds while the server writes", rc == 0, text + err)
        before = [n for t, n in acks if t < began]
        after = [n for t, n in acks if t > finished]
        note("%d submissions acknowledged before the backup began, %d after it ended" % (
            len(before), len(after)))
        check("submissions ran before and after the backup", before and after)
        rc2, text2, err2 = run_cli(["backup", "--db", srv.db, "--out", out])
        check("backup refuses to overwrite an existing file", rc2 != 0 and
              "exists" in err2, text2 + err2)
    rc, text, err = run_cli(["restore", "--db", restored, "--from", out])
    check("restore into a new path succeeds", rc == 0, text + err)
    probs = ledger_problems(restored) if os.path.exists(restored) else ["no file"]
    check("the restored ledger is sound", not probs, "\n".join(probs))
    with Server("restored", existing_db=restored) as srv2:
        c = srv2.client("reader")
        missing = []
        for n in before:
            r = c.get("/open311/v2/requests/%s.json" % n)
            if r.status != 200 or n not in r.text:
                missing.append("%s: %d" % (n, r.status))
        check("the restored ledger, served, has every matter acknowledged before the "
              "backup began (%d)" % len(before), not missing, "\n".join(missing[:10]))


@section("restore refuses what it must")
def _():
    out = os.path.join(WORK, "backup.db")
    if not os.path.exists(out):
        check("a backup to test restore with", False, "the first section made none")
        return
    target = os.path.join(WORK, "refused.db")
    junk = os.path.join(WORK, "junk.db")
    with open(junk, "wb") as f:
        f.write("这不是台账。".encode("utf-8") * 1000)
    rc, text, err = run_cli(["restore", "--db", target, "--from", junk])
    check("restore refuses a file that is not a taizhang ledger", rc != 0 and
          "not a taizhang ledger" in err, text + err)
    check("...and leaves no target behind", not os.path.exists(target))
    import sqlite3
    other = os.path.join(WORK, "other.db")
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes(x)")
    con.commit()
    con.close()
    rc, text, err = run_cli(["restore", "--db", target, "--from", other])
    check("restore refuses an SQLite file that is not a ledger", rc != 0 and
          "not a taizhang ledger" in err, text + err)
    bad = os.path.join(WORK, "damaged.db")
    shutil.copy(out, bad)
    with open(bad, "r+b") as f:
        size = os.path.getsize(bad)
        page = 4096
        # Scribble over every other page after the first: b-tree pages no longer
        # agree with each other, which integrity_check must notice.
        for off in range(page * 2, size, page * 2):
            f.seek(off + 8)
            f.write(b"\xa5" * 64)
    rc, text, err = run_cli(["restore", "--db", target, "--from", bad])
    check("restore refuses a damaged ledger (integrity_check)", rc != 0 and
          ("integrity" in err or "damaged" in err or "malformed" in err), text + err)
    check("...and leaves no target behind (2)", not os.path.exists(target))
    rc, text, err = run_cli(["restore", "--db", target, "--from", out])
    check("restore into a fresh target succeeds", rc == 0, text + err)
    rc, text, err = run_cli(["restore", "--db", target, "--from", out])
    check("restore refuses an existing target without --force", rc != 0 and
          "--force" in err, text + err)
    rc, text, err = run_cli(["restore", "--db", target, "--from", out, "--force"])
    check("restore --force replaces an existing target", rc == 0, text + err)
    probs = ledger_problems(target)
    check("the replaced ledger is sound", not probs, "\n".join(probs))
    for cmd in ("backup", "restore"):
        rc, text, err = run_cli([cmd, "--help"])
        check("taizhang %s --help prints its usage" % cmd, rc == 0 and
              text.startswith("usage: taizhang %s" % cmd), text + err)


shutil.rmtree(WORK, ignore_errors=True)
done()
