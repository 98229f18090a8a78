#!/usr/bin/env python3
"""Crash safety: several client threads submit matters (through the resident's web form
with its CSRF token, and through Open311 POST with an app key) and move them on (accept
and assign through /api/v1/ with a clerk's key) while the server is killed with SIGKILL at
random moments and started again on the same ledger. Afterwards every submission and every
transition that got a success answer is in the ledger, nothing is half-written (each
matter's first event, status = last event, number counters, no orphan rows, foreign keys)
and PRAGMA integrity_check passes. The random seed is fixed and printed; the interleaving
with the kills is up to the machine, the checks hold for every one of them."""
import json
import os
import random
import signal
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (VALGRIND, NoResponse, Server, check, db_rows, done,  # noqa: E402
                     ledger_problems, new_api_key, note, require_binary, sanitizer_report, section,
                     serve_flags, submit_matter)

require_binary()
SEED = 20260311
# Thousands of submissions normally; a few dozen under valgrind, where one request costs
# a hundred times more.
TARGET = 60 if VALGRIND else 2000
KILLS_MAX = 3 if VALGRIND else 40
WEB_THREADS, APP_THREADS, STAFF_THREADS = (2, 1, 1) if VALGRIND else (4, 3, 2)
note("random seed %d; target %d acknowledged submissions" % (SEED, TARGET))


class Run:
    """What the clients were told, shared between their threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.web = {}      # number -> unique title
        self.app = {}      # number -> unique description
        self.actions = []  # (number, action) acknowledged with 200
        self.queue = []    # acknowledged numbers not yet moved on by staff
        self.stop = False
        self.no_answer = 0
        self.unexpected = []

    def acked(self):
        with self.lock:
            return len(self.web) + len(self.app)

    def odd(self, what):
        with self.lock:
            if len(self.unexpected) < 20:
                self.unexpected.append(what)


def web_worker(srv, run, k):
    i = 0
    while not run.stop:
        title = "崩溃测试网页%d-%d" % (k, i)
        i += 1
        try:
            c = srv.client("web%d" % k)
            r, number, _ = submit_matter(c, title)
        except NoResponse:
            run.no_answer += 1
            time.sleep(0.02)
            continue
        if number:
            with run.lock:
                run.web[number] = title
                run.queue.append(number)
        elif r.status not in (200,):
            run.odd("web: %s" % r.describe())


def app_worker(srv, run, k, key):
    i = 0
    c = srv.client("app%d" % k)
    while not run.stop:
        desc = "崩溃测试接口%d-%d 路口信号灯不亮" % (k, i)
        i += 1
        body = urllib.parse.urlencode({"api_key": key, "service_code": "traffic",
                                       "address_string": "建设路%d号" % (i % 200),
                                       "description": desc}).encode("ascii")
        try:
            r = c.request("POST", "/open311/v2/requests.json", body=body, cookies=False,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
        except NoResponse:
            run.no_answer += 1
            time.sleep(0.02)
            continue
        try:
            number = json.loads(r.body)[0]["service_request_id"] if r.status == 200 else None
        except (ValueError, LookupError, TypeError):
            number = None
        if number:
            with run.lock:
                run.app[number] = desc
                run.queue.append(number)
        else:
            run.odd("app: %s" % r.describe())


def staff_worker(srv, run, k, key, rnd):
    c = srv.client("clerk%d" % k)
    while not run.stop:
        with run.lock:
            number = run.queue.pop(rnd.randrange(len(run.queue))) if run.queue else None
        if not number:
            time.sleep(0.01)
            continue
        for action, body in (("accept", {}), ("assign", {"department": "cgj"})):
            data = json.dumps(body).encode("utf-8")
            try:
                r = c.request("POST", "/api/v1/matters/%s/actions/%s" % (number, action),
                              body=data, cookies=False,
                              headers={"Authorization": "Bearer " + key,
                                       "Content-Type": "application/json"})
            except NoResponse:
                run.no_answer += 1
                break  # unknown whether it happened: the matter is left as it is
            if r.status == 200:
                with run.lock:
                    run.actions.append((number, action))
            else:
                run.odd("staff %s %s: %s" % (action, number, r.describe()))
                break


def kill_and_restart(srv, rnd, run, reports):
    """SIGKILL at random moments until the target is reached; start again each time."""
    kills = 0
    while (run.acked() < TARGET or kills < 2) and kills < KILLS_MAX:
        time.sleep(rnd.uniform(1.0, 3.0) if VALGRIND else rnd.uniform(0.2, 1.2))
        p = srv.proc
        p.send_signal(signal.SIGKILL)
        p.wait()
        kills += 1
        rep = sanitizer_report(srv.stderr())
        if rep:
            reports.append(rep)
        srv._out.close()
        srv._err.close()
        srv.start()
    deadline = time.time() + (600 if VALGRIND else 120)
    while run.acked() < TARGET and time.time() < deadline:
        time.sleep(0.1)
    return kills


def verify(db, run):
    rows = dict(db_rows(db, "SELECT number, title FROM matters"))
    descs = dict(db_rows(db, "SELECT number, description FROM matters"))
    events = set(db_rows(db, "SELECT m.number, e.action FROM events e JOIN matters m"
                             " ON m.id = e.matter_id"))
    lost = [n for n, t in run.web.items() if rows.get(n) != t]
    check("every acknowledged web-form submission is in the ledger (%d)" % len(run.web),
          not lost, "missing or different: %s" % lost[:10])
    lost = [n for n, d in run.app.items() if d not in (descs.get(n) or "")]
    check("every acknowledged Open311 submission is in the ledger (%d)" % len(run.app),
          not lost, "missing or different: %s" % lost[:10])
    lost = [a for a in run.actions if a not in events]
    check("every acknowledged accept and assign is in the events table (%d)" % len(run.actions),
          not lost, "missing: %s" % lost[:10])
    probs = ledger_problems(db)
    check("nothing half-written: first events, statuses, counters, no orphans, "
          "integrity_check ok", not probs, "\n".join(probs))


@section("submissions and transitions survive SIGKILL")
def _():
    limits = serve_flags("--submit-limit", "--app-submit-limit")
    # Why no limit: every submission here comes from 127.0.0.1 and one app key.
    extra = [a for f in limits for a in (f, "0")]
    with Server("crash", extra_args=extra) as srv:
        app_key = new_api_key(srv.db, "崩溃测试应用", "app")
        clerk_key = new_api_key(srv.db, "崩溃测试受理", "clerk")
        rnd = random.Random(SEED)
        run = Run()
        threads = [threading.Thread(target=web_worker, args=(srv, run, k))
                   for k in range(WEB_THREADS)]
        threads += [threading.Thread(target=app_worker, args=(srv, run, k, app_key))
                    for k in range(APP_THREADS)]
        threads += [threading.Thread(target=staff_worker,
                                     args=(srv, run, k, clerk_key, random.Random(SEED + k)))
                    for k in range(STAFF_THREADS)]
        for t in threads:
            t.start()
        reports = []
        t0 = time.time()
        try:
            kills = kill_and_restart(srv, rnd, run, reports)
        finally:
            run.stop = True
            for t in threads:
                t.join()
        note("%d kills in %.1fs; %d web and %d Open311 submissions and %d transitions "
             "acknowledged; %d requests without an answer" % (
                 kills, time.time() - t0, len(run.web), len(run.app), len(run.actions),
                 run.no_answer))
        check("the server was killed and restarted at least twice (%d kills)" % kills,
              kills >= 2)
        check("%d submissions acknowledged across the kills" % TARGET,
              run.acked() >= TARGET, "only %d" % run.acked())
        check("both ways of submitting and the staff API were acknowledged",
              run.web and run.app and run.actions)
        check("no answer other than success or a dropped connection", not run.unexpected,
              "\n".join(run.unexpected))
        check("no sanitizer report from a killed server", not reports, "\n".join(reports[:2]))
        r = srv.client("after").get("/healthz")
        check("the restarted server answers /healthz with 200", r.status == 200, r.describe())
        srv._stop(report=True)
        verify(srv.db, run)


done()
