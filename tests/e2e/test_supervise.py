#!/usr/bin/env python3
"""Supervision over HTTP and the command line: `taizhang tick --now ...` against a served
ledger (the server's own tick is off in tests: harness.cli_env) writes reminders, overdue
notices and 督办 tiers as events on the matters, once; the public board and a matter's
public page mark 挂牌督办 and 约谈督办 without personal data; the leader's urge through the
staff page and the staff API with its refusals (400 malformed JSON, 415 not JSON, 403 role
or department, 409 state or stale version, 422 values), each changing nothing; messages queued once to the
channels that take them; /staff/dispatch for every role (a handler sees their own
department); the digests queued by the tick on working days only; `taizhang tick` flags
and --help; and a server with --tick-seconds 1 doing the same by itself."""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (new_api_key, Server, act, check, day, db_exec, db_rows, done,  # noqa: E402
                     require_binary,
                     run_cli, section, short, submit_matter)

require_binary()
S = {}
NAME, PHONE = "龚翥骞", "13807315526"
NAME2, PHONE2 = "阙翀霖", "15970421183"
SECRETS = [NAME, PHONE, NAME2, PHONE2]


def leaks(text):
    return [s for s in SECRETS if s in text]


def q(sql, *args):
    return db_rows(S["srv"], sql, args)


def x(sql, *args):
    db_exec(S["srv"], sql, args)


def tick(now, *extra):
    """`taizhang tick --now NOW --no-send` on the served ledger: (rc, out, err)."""
    return run_cli(["tick", "--db", S["srv"].db, "--now", now, "--no-send"] + list(extra))


def events(number, action):
    return q("SELECT e.actor_id, e.actor_label, e.note, e.public FROM events e JOIN matters m"
             " ON m.id = e.matter_id WHERE m.number = ? AND e.action = ? ORDER BY e.id",
             number, action)


def level(number):
    return q("SELECT urge_level FROM matters WHERE number = ?", number)[0][0]


def state():
    return (q("SELECT number, status, version, urge_level FROM matters ORDER BY id"),
            q("SELECT count(*) FROM events"), q("SELECT count(*) FROM outbox"))


def api(method, path, key, body=None, raw=None, ctype="application/json"):
    h = {"Authorization": "Bearer " + key}
    data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode("utf-8")
                                        if body is not None else None)
    if data is not None:
        h["Content-Type"] = ctype
    r = S["anon"].request(method, path, body=data, headers=h, cookies=False)
    try:
        j = json.loads(r.text)
    except ValueError:
        j = None
    return r, j


def dept_id(code):
    return str(q("SELECT id FROM departments WHERE code = ?", code)[0][0])


with Server("supervise") as srv:
    S["srv"] = srv
    S["anon"] = srv.client("anonymous")
    leader, clerk = srv.staff("leader1"), srv.staff("clerk1")

    @section("set-up: three matters with a deadline tomorrow, channels for 督办 and digests")
    def _():
        res = srv.client("resident")
        mats = {}
        for key, title, name, phone, public, dept in (
                ("a", "黄河路井盖松动", NAME, PHONE, True, "城市管理局"),
                ("b", "幸福小区停水", NAME2, PHONE2, True, "水务局"),
                ("c", "单位院内私事", NAME, PHONE, False, "城市管理局")):
            r, n, _ = submit_matter(res, title, "联系人%s，电话%s。" % (name, phone), name=name,
                                    phone=phone, public=public)
            check("a resident hands in %s" % title, n, r.describe())
            page = leader.get("/staff/m/" + n)
            dep = page.page.form(hidden_action="assign").option_value("department", dept)
            r = act(leader, n, "assign", {"department": dep, "deadline": day(1)})
            check("%s assigned to %s, due %s" % (n, dept, day(1)), r.status == 303, r.describe())
            mats[key] = n
        S.update(mats)
        now = int(time.time())
        for name, dept, topics in (("办公室督办群", None, "urge,daily,weekly"),
                                   ("城管局群", dept_id("cgj"), "urge"),
                                   ("水务局群", dept_id("swj"), "daily")):
            x("INSERT INTO channels(name, kind, department_id, target, topics, active, created_at)"
              " VALUES (?, 'webhook', ?, 'https://hooks.example.org/t', ?, 1, ?)",
              name, dept, topics, now)
        S["ch"] = dict(q("SELECT name, id FROM channels"))
        S["keys"] = {r: new_api_key(srv.db, "sv-" + r, r, "cgj" if r == "handler" else None)
                     for r in ("leader", "clerk", "handler", "admin")}

    @section("`taizhang tick`: help, flags, bad values")
    def _():
        rc, out, err = run_cli(["tick", "--help"])
        check("taizhang tick --help: exit 0, usage and every setting",
              rc == 0 and out.startswith("usage: taizhang tick") and all(
                  w in out for w in ("--now", "--no-send", "--remind-days", "--urge-listed-after",
                                     "--auto-close-days", "--daily-at", "--weekly-at")), out)
        rc, out, err = run_cli(["--help"])
        check("taizhang --help names tick", rc == 0 and "  tick " in out, out)
        for args, what in ((["--now", "yesterday"], "--now"),
                           (["--now", "2026-13-01T08:00:00+08:00"], "--now"),
                           (["--daily-at", "8:30"], "--daily-at"),
                           (["--weekly-at", "25:00"], "--weekly-at"),
                           (["--remind-days", "-1"], "--remind-days"),
                           (["--urge-listed-after", "x"], "--urge-listed-after"),
                           (["--urge-daily-after", "5", "--urge-listed-after", "2"], "higher")):
            before = state()
            rc, out, err = run_cli(["tick", "--db", srv.db, "--no-send"] + args)
            check("tick %s → exit 1 naming %s, nothing changed" % (" ".join(args), what),
                  rc == 1 and what in err and state() == before, "rc=%d %s %s" % (rc, out, err))
        rc, out, err = run_cli(["tick", "--db", os.path.join(srv.dir, "missing.db")])
        check("tick on a missing ledger → exit 1, no file made",
              rc == 1 and not os.path.exists(os.path.join(srv.dir, "missing.db")), err)

    @section("reminder, overdue, 督办 tiers: events by 督办系统, once")
    def _():
        rc, out, err = tick(day(0) + "T09:00:00+08:00")
        check("tick today: exit 0, one summary line with the reminders",
              rc == 0 and out.count("\n") == 1 and re.search(r": 3 reminded, 0 overdue", out) and
              "(not sent" in out, "rc=%d %s %s" % (rc, out, err))
        ev = events(S["a"], "remind")
        check("the reminder is an internal event by 督办系统 with no user",
              len(ev) == 1 and ev[0][0] is None and ev[0][1] == "督办系统" and ev[0][3] == 0 and
              day(1) in ev[0][2], ev)
        # Time passes: the three were due 30 days ago (20-odd working days, holidays or
        # not), as if assigned long before.
        for k in "abc":
            x("UPDATE matters SET deadline = ? WHERE number = ?", day(-30), S[k])
        now = day(0) + "T09:30:00+08:00"
        rc, out, err = tick(now, "--urge-interview-after", "0")
        check("tick (约谈 off): 3 overdue, 3 urged, one 督办 message per channel that takes it",
              rc == 0 and re.search(r": 0 reminded, 3 overdue, 3 urged \(2 督办 messages\)", out),
              out + err)
        check("each matter is at 挂牌督办", [level(S[k]) for k in "abc"] == [2, 2, 2])
        ev = events(S["a"], "urge")
        check("one urge event, public, saying the working days, nothing personal",
              len(ev) == 1 and ev[0][3] == 1 and ev[0][1] == "督办系统" and "挂牌督办" in ev[0][2] and
              "个工作日" in ev[0][2] and not leaks(ev[0][2]), ev)
        check("the overdue notice is internal", [e[3] for e in events(S["a"], "overdue")] == [0])
        before = state()
        rc, out, err = tick(now, "--urge-interview-after", "0")
        check("the same tick again changes nothing",
              rc == 0 and re.search(r": 0 reminded, 0 overdue, 0 urged", out) and
              state() == before, out)
        office, cg = S["ch"]["办公室督办群"], S["ch"]["城管局群"]
        rows = q("SELECT channel_id, idem_key, title, body FROM outbox WHERE topic = 'urge'"
                 " ORDER BY id")
        check("one message to the office's channel and one to 城管局's, keyed by day and channel",
              sorted(r[0] for r in rows) == sorted([office, cg]) and
              all(r[1].startswith("urge/%s/%d/e" % (day(0), r[0])) for r in rows), rows)
        by = {r[0]: r for r in rows}
        check("the office's lists all three, 城管局's its own two",
              by.get(office, ("",) * 4)[2] == "督办通报：新列入督办3件（挂牌督办3件）" and
              all(S[k] in by[office][3] for k in "abc") and
              by.get(cg, ("",) * 4)[2] == "督办通报：新列入督办2件（挂牌督办2件）" and
              S["b"] not in by[cg][3], rows)
        check("no message names a resident, nor the private matter's title",
              not any(leaks(r[2] + r[3]) or "私事" in r[2] + r[3] for r in rows), rows)
        rc, out, err = tick(day(0) + "T10:00:00+08:00")
        check("the next tick with the defaults: 约谈督办, again one message per channel",
              [level(S[k]) for k in "abc"] == [3, 3, 3] and
              re.search(r", 3 urged \(2 督办 messages\)", out), out + err)

    @section("the public board and page mark 挂牌督办/约谈督办, nothing personal")
    def _():
        anon = S["anon"]
        r = anon.get("/board")
        rows = [t for t in re.findall(r"<tr\b.*?</tr>", r.text, re.S) if S["a"] in t]
        check("the board's row carries the 约谈督办 badge",
              r.status == 200 and len(rows) == 1 and 'class="urge urge-3">约谈督办<' in rows[0],
              short(r.text, 1500))
        check("the private matter is not on the board", S["c"] not in r.text)
        check("no resident's name or phone on the board", not leaks(r.text), leaks(r.text))
        r = anon.get("/board?urge=2")
        check("/board?urge=2 lists the marked public matters",
              r.status == 200 and S["a"] in r.text and S["b"] in r.text, short(r.text, 800))
        for bad in ("1", "0", "4", "abc", "2%3Cx%3E"):
            r = anon.get("/board?urge=" + bad)
            check("/board?urge=%s → 400 in Chinese, not echoed" % bad,
                  r.status == 400 and "督办" in r.text and "<x>" not in r.text, r.describe())
        r = anon.get("/t/" + S["a"])
        check("the matter's public page shows the badge and the public urge note",
              r.status == 200 and 'class="urge urge-3"' in r.text and "列为约谈督办" in r.text,
              short(r.text, 1500))
        check("… and no resident's data", not leaks(r.text), leaks(r.text))
        r = anon.get("/board/export.csv?urge=2")
        check("the board's export takes the filter",
              r.status == 200 and S["a"] in r.text and S["c"] not in r.text, r.describe())
        r = anon.get("/board/export.csv?urge=1")
        check("… and refuses the internal tier", r.status == 400, r.describe())

    @section("staff lists: the tier, filtered and ordered")
    def _():
        r = leader.get("/staff/overdue")
        check("/staff/overdue shows the tier badges", r.status == 200 and "urge urge-3" in r.text,
              short(r.text, 800))
        r = leader.get("/staff/overdue?urge=3&order=urge")
        check("… filtered to 约谈督办 and ordered by tier", r.status == 200 and
              all(S[k] in r.text for k in "abc"), short(r.text, 800))
        r = leader.get("/staff/matters")
        check("the whole ledger shows the tier too", "urge urge-3" in r.text)
        for bad in ("urge=9", "urge=x", "order=name"):
            r = leader.get("/staff/overdue?" + bad)
            check("/staff/overdue?%s → 400" % bad, r.status == 400, r.describe())

    @section("the leader's urge on the staff page")
    def _():
        d = S["srv"]
        r, n, _ = submit_matter(d.client("r2"), "路灯不亮", "夜里很黑。")
        page = leader.get("/staff/m/" + n)
        dep = page.page.form(hidden_action="assign").option_value("department", "城市管理局")
        act(leader, n, "assign", {"department": dep, "deadline": day(5)})
        S["d"] = n
        r = clerk.get("/staff/m/" + n)
        check("a clerk is offered no urge form", "urge" not in r.page.hidden_actions(),
              r.page.hidden_actions())
        before = state()
        r = act(leader, n, "urge", {"urge_level": "2", "note": ""})
        check("urge without a note → 400/422 in Chinese, nothing changed",
              r.status in (400, 422) and "督办意见" in r.text and state() == before, r.describe())
        r = act(leader, n, "urge", {"urge_level": "9", "note": "请加快"})
        check("urge with a tier that does not exist → 400, nothing changed",
              r.status == 400 and state() == before, r.describe())
        r = act(leader, n, "urge", {"urge_level": "2", "note": "请三日内修复并报告"})
        check("the leader urges at 挂牌督办 → 303", r.status == 303, r.describe())
        r = leader.get("/staff/m/" + n)
        check("the page shows 挂牌督办 and the timeline entry",
              "urge urge-2" in r.text and "挂牌督办：请三日内修复并报告" in r.text, short(r.text, 1500))
        r2 = S["anon"].get("/t/" + n)
        check("the public page shows it (a public tier)", "urge urge-2" in r2.text, r2.describe())
        r = act(leader, n, "urge", {"urge_level": "1", "note": "降级"})
        check("a lower tier → 422 saying the current one, nothing changed",
              r.status in (400, 422) and "挂牌督办" in r.text and level(n) == 2, r.describe())
        check("manual urge: a message per channel, keyed by the version",
              len(q("SELECT 1 FROM outbox WHERE idem_key LIKE ?", "urge/%s/v%%" % n)) == 2)

    @section("the staff API's urge")
    def _():
        k = S["keys"]
        n = S["d"]
        path = "/api/v1/matters/%s/actions/urge" % n
        r, j = api("POST", path, k["leader"], {"level": 3, "note": "约谈局长"})
        check("POST urge as a leader → 200 with urge_level 3",
              r.status == 200 and j and j.get("urge_level") == 3, r.describe())
        r, j = api("GET", "/api/v1/matters/" + n, k["clerk"])
        check("GET a matter shows urge_level", r.status == 200 and j.get("urge_level") == 3, j)
        version = j["version"]
        cases = [
            ("malformed JSON", k["leader"], None, b"{level:", 400),
            ("not JSON", k["leader"], None, b"level=3", 415),
            ("a clerk may not urge", k["clerk"], {"level": 3, "note": "x"}, None, 403),
            ("a handler may not urge", k["handler"], {"level": 3, "note": "x"}, None, 403),
            ("stale version", k["leader"], {"level": 3, "note": "x", "version": version - 1},
             None, 409),
            ("a lower tier", k["leader"], {"level": 1, "note": "x"}, None, 422),
            ("no level", k["leader"], {"note": "x"}, None, 422),
            ("a level out of range", k["leader"], {"level": 4, "note": "x"}, None, 422),
            ("a level as text", k["leader"], {"level": "3", "note": "x"}, None, 422),
            ("no note", k["leader"], {"level": 3}, None, 422),
            ("an unknown field", k["leader"], {"level": 3, "note": "x", "tier": 3}, None, 422),
        ]
        for what, key, body, raw, want in cases:
            before = state()
            ctype = "application/x-www-form-urlencoded" if raw == b"level=3" else \
                "application/json"
            r, j = api("POST", path, key, body=body, raw=raw, ctype=ctype)
            check("urge: %s → %d, nothing changed" % (what, want),
                  r.status == want and isinstance(j, dict) and "code" in j and state() == before,
                  r.describe())
        r, j = api("POST", "/api/v1/matters/TZ-2000-000001/actions/urge", k["leader"],
                   {"level": 3, "note": "x"})
        check("urge on an unknown matter → 404", r.status == 404, r.describe())
        # a resolved matter may no longer be urged: 409
        hroad = srv.staff("hroad")
        act(hroad, n, "resolve", {"note": "已修复路灯。"})
        before = state()
        r, j = api("POST", path, k["admin"], {"level": 3, "note": "x"})
        check("urge on a resolved matter → 409, nothing changed",
              r.status == 409 and state() == before, r.describe())
        r, j = api("GET", "/api/v1/openapi.json", k["leader"])
        ops = j.get("paths", {}) if j else {}
        check("the OpenAPI document describes the urge action",
              "/api/v1/matters/{number}/actions/urge" in ops and
              "ActionUrge" in json.dumps(j), short(json.dumps(ops)[:400]))

    @section("/staff/dispatch: who sees what")
    def _():
        for login in ("leader1", "clerk1", "obs1", "admin"):
            c = leader if login == "leader1" else srv.staff(login)
            r = c.get("/staff/dispatch")
            check("%s: /staff/dispatch → 200 with 日调度 and 周督导" % login,
                  r.status == 200 and "日调度" in r.text and "周督导" in r.text and
                  S["a"] in r.text, short(r.text, 600))
            check("%s: nothing personal on it" % login, not leaks(r.text), leaks(r.text))
        r = leader.get("/staff/dispatch")
        check("daily-at by default 08:30: 新增 counted from 08:30", "08:30以来" in r.text,
              short(r.text, 1500))
        r = leader.get("/staff/dispatch?department=" + dept_id("swj"))
        check("a leader may look at one department's",
              r.status == 200 and "水务局 日调度" in r.text and S["a"] not in r.text,
              short(r.text, 800))
        h = srv.staff("hroad")
        for path in ("/staff/dispatch", "/staff/dispatch?department=" + dept_id("swj")):
            r = h.get(path)
            check("a handler sees their own department's (%s)" % path,
                  r.status == 200 and "城市管理局 日调度" in r.text and S["b"] not in r.text,
                  short(r.text, 800))
        for bad in ("abc", "-1", "99999"):
            r = leader.get("/staff/dispatch?department=" + bad)
            check("/staff/dispatch?department=%s → 400" % bad, r.status == 400, r.describe())
        r = S["anon"].get("/staff/dispatch")
        check("anonymous → sign in first", r.status == 303 and "/login" in (r.location or ""),
              r.describe())

    @section("digests queued by the tick: working days, once per channel and period")
    def _():
        before = len(q("SELECT 1 FROM outbox WHERE topic IN ('daily', 'weekly')"))
        rc, out, err = tick("2026-10-07T09:30:00+08:00")  # 国庆节: a holiday
        check("a holiday: no digest", rc == 0 and re.search(r", 0 digests queued", out), out + err)
        rc, out, err = tick("2026-10-08T08:00:00+08:00")
        check("a working day before daily-at: no digest", re.search(r", 0 digests queued", out), out)
        rc, out, err = tick("2026-10-08T09:00:00+08:00")
        # office: daily + weekly (the week's first working day); 水务局: daily
        check("Oct 8, 09:00: 3 digests (the office's daily and weekly, 水务局's daily)",
              rc == 0 and re.search(r", 3 digests queued", out), out + err)
        rc, out, err = tick("2026-10-08T17:00:00+08:00")
        check("… once", re.search(r", 0 digests queued", out), out)
        rows = q("SELECT idem_key, title, body FROM outbox WHERE topic IN ('daily', 'weekly')"
                 " ORDER BY id")[before:]
        keys = sorted(r[0] for r in rows)
        office, sw = S["ch"]["办公室督办群"], S["ch"]["水务局群"]
        check("the keys name the day or the week's Monday and the channel",
              keys == sorted(["daily/2026-10-08/%d" % office, "weekly/2026-10-05/%d" % office,
                              "daily/2026-10-08/%d" % sw]), keys)
        sw_body = [r[2] for r in rows if r[0].endswith("/%d" % sw)]
        check("水务局's channel gets 水务局's own dispatch",
              sw_body and sw_body[0].startswith("# 水务局 日调度"), sw_body)
        check("no digest names a resident", not any(leaks(r[1] + r[2]) for r in rows))

    @section("重办 starts 督办 afresh: the mark goes at once, new tiers are told again")
    def _():
        n = S["a"]
        hroad = srv.staff("hroad")
        r = act(hroad, n, "resolve", {"note": "井盖已更换。"})
        check("the department resolves the 约谈督办 matter → 303", r.status == 303, r.describe())
        r = S["anon"].get("/t/" + n)
        check("resolved: the public page no longer marks it",
              r.status == 200 and 'class="urge' not in r.text, short(r.text, 800))
        r = act(leader, n, "reopen", {"note": "群众反映仍有响声，重办。"})
        check("the leader reopens it (重办) → 303", r.status == 303, r.describe())
        check("… at no tier, with a fresh deadline", level(n) == 0 and
              q("SELECT deadline > ? FROM matters WHERE number = ?", day(0), n)[0][0] == 1)
        r = S["anon"].get("/t/" + n)
        check("… and neither its public page nor the board marks it",
              'class="urge' not in r.text and
              not any(n in t and 'class="urge' in t for t in re.findall(
                  r"<tr\b.*?</tr>", S["anon"].get("/board").text, re.S)), short(r.text, 800))
        x("UPDATE matters SET deadline = ? WHERE number = ?", day(-30), n)
        before = len(q("SELECT 1 FROM outbox WHERE topic = 'urge'"))
        rc, out, err = tick(day(0) + "T11:00:00+08:00")
        rows = q("SELECT channel_id, title, body FROM outbox WHERE topic = 'urge' ORDER BY id")[before:]
        check("the new round: overdue and 约谈督办 again, told to both channels",
              rc == 0 and level(n) == 3 and re.search(r": 0 reminded, 1 overdue, 1 urged", out)
              and len(rows) == 2 and all(n in r[2] and "约谈督办1件" in r[1] for r in rows),
              (out + err, rows))

    @section("the server's own tick (--tick-seconds 1)")
    def _():
        with Server("serve-tick", extra_args=["--tick-seconds", "1", "--daily-at", "00:00"]) as s2:
            res = s2.client("resident")
            r, n, _ = submit_matter(res, "垃圾未清运", "小区门口垃圾。", name=NAME, phone=PHONE)
            ld = s2.staff("leader1")
            page = ld.get("/staff/m/" + n)
            dep = page.page.form(hidden_action="assign").option_value("department", "城市管理局")
            act(ld, n, "assign", {"department": dep, "deadline": day(1)})
            deadline = time.time() + 15
            rows = []
            while time.time() < deadline and not rows:
                time.sleep(0.5)
                rows = db_rows(s2, "SELECT e.actor_label FROM events e JOIN matters m ON"
                                   " m.id = e.matter_id WHERE m.number = ? AND"
                                   " e.action = 'remind'", (n,))
            check("the running server reminds by itself within seconds",
                  rows == [("督办系统",)], rows)
            r = ld.get("/staff/m/" + n)
            check("the staff page shows the reminder as 到期提醒", "到期提醒" in r.text,
                  short(r.text, 800))
            r = ld.get("/staff/dispatch")
            check("--daily-at 00:00: /staff/dispatch counts 新增 from 00:00, as the pushed digest",
                  r.status == 200 and "00:00以来" in r.text and "08:30以来" not in r.text,
                  short(r.text, 1500))
        rc, out, err = run_cli(["serve", "--db", os.path.join(srv.dir, "x.db"), "--listen",
                                "127.0.0.1:0", "--urge-listed-after", "99", "--urge-interview-after",
                                "5"])
        check("serve refuses wrong scheduler settings before listening",
              rc == 1 and "listening" not in out and "higher" in err, out + err)

done()
