#!/usr/bin/env python3
"""fossil_load.py — the benchmark ledger's matters as Fossil tickets.

    bench/fossil_load.py --ledger LEDGER.db --repo OUT.fossil [--limit N]

Fossil keeps a ticket as ticket-change artifacts (cards D, J, K, U, Z, the
format `fossil ticket add` writes) and derives its `ticket` table from them.
`fossil ticket add` costs a process and a commit per ticket, far too slow
for a million, so this writes one artifact per matter (its number, title,
description, status, area and department as ticket fields, dated at its
creation) into a directory and lets `fossil reconstruct` build the
repository from them: the same parse and rebuild Fossil does on a clone, so
the repository is a real one that `fossil rebuild` would reproduce.

It also adds the report the benchmark reads, "最近事项": the newest 20
tickets, as many as a page of taizhang's board. Prints the ticket ids of three
tickets (for /tktview) on standard output, one a line.
"""
import argparse
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

STATUS = {"submitted": "Open", "accepted": "Open", "assigned": "Open",
          "in_progress": "Open", "returned": "Open", "reopened": "Open",
          "resolved": "Fixed", "closed": "Closed", "rejected": "Closed",
          "merged": "Closed"}

REPORT_SQL = (
    "SELECT CASE WHEN status IN ('Open') THEN '#f2dcdc'"
    " WHEN status='Fixed' THEN '#cfe8bd' ELSE '#cacae5' END AS 'bgcolor',"
    " substr(tkt_uuid,1,10) AS '#', datetime(tkt_ctime) AS 'created',"
    " status, subsystem, title FROM ticket ORDER BY tkt_ctime DESC LIMIT 20")


def fossilize(value):
    """Fossil's card encoding: backslash, space, newline and CR escaped."""
    return (value.replace("\\", "\\\\").replace(" ", "\\s")
            .replace("\n", "\\n").replace("\r", "\\r"))


def artifact(number, created, fields):
    """One ticket-change artifact, cards in order, with its Z checksum."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S.000", time.gmtime(created))
    lines = ["D " + stamp]
    for name in sorted(fields):
        if fields[name]:
            lines.append("J %s %s" % (name, fossilize(fields[name])))
    lines.append("K " + hashlib.sha1(number.encode()).hexdigest())
    lines.append("U clerk1")
    body = ("\n".join(lines) + "\n").encode()
    return body + b"Z " + hashlib.md5(body).hexdigest().encode() + b"\n"


def write_artifacts(ledger, outdir, limit):
    """Write one artifact per matter into 256 subdirectories; returns the
    count and three ticket ids (first, middle, last)."""
    db = sqlite3.connect(ledger)
    rows = db.execute(
        "SELECT m.number, m.created_at, m.title, m.description, m.status,"
        " coalesce(a.name, ''), coalesce(d.name, ''), m.kind"
        " FROM matters m LEFT JOIN areas a ON a.id = m.area_id"
        " LEFT JOIN departments d ON d.id = m.department_id"
        " WHERE m.public = 1 ORDER BY m.id LIMIT ?", (limit,))
    for i in range(256):
        os.makedirs(os.path.join(outdir, "%02x" % i), exist_ok=True)
    n, ids = 0, []
    for number, created, title, desc, status, area, dept, kind in rows:
        data = artifact(number, created, {
            "title": "%s %s" % (number, title), "comment": desc,
            "status": STATUS.get(status, "Open"), "subsystem": dept,
            "foundin": area, "type": kind})
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(outdir, name[:2], name), "wb") as f:
            f.write(data)
        ids.append(hashlib.sha1(number.encode()).hexdigest())
        n += 1
    db.close()
    picks = [ids[0], ids[len(ids) // 2], ids[-1]] if ids else []
    return n, picks


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ledger", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--limit", type=int, default=-1)
    args = ap.parse_args()
    env = dict(os.environ, USER="clerk1")
    work = tempfile.mkdtemp(prefix="tz-fossil-")
    try:
        t0 = time.time()
        n, picks = write_artifacts(args.ledger, work, args.limit)
        t1 = time.time()
        if os.path.exists(args.repo):
            os.unlink(args.repo)
        subprocess.run(["fossil", "reconstruct", args.repo, work], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        t2 = time.time()
        sql = ("INSERT INTO reportfmt(owner, title, mtime, cols, sqlcode)"
               " VALUES ('clerk1', '最近事项', now(), '', '%s');"
               % REPORT_SQL.replace("'", "''"))
        subprocess.run(["fossil", "sql", "-R", args.repo, sql], check=True, env=env,
                       stdout=subprocess.DEVNULL)
        # Why: the benchmark reads pages as the anonymous user, who must
        # be allowed to read tickets (capability r), as on a public tracker.
        subprocess.run(["fossil", "user", "capabilities", "anonymous", "hmncr", "-R",
                        args.repo], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["fossil", "user", "capabilities", "nobody", "gjorz", "-R",
                        args.repo], check=True, env=env, stdout=subprocess.DEVNULL)
        print("fossil_load: %d tickets, artifacts %.1fs, reconstruct %.1fs"
              % (n, t1 - t0, t2 - t1), file=sys.stderr)
        for p in picks:
            print(p)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
