#!/usr/bin/env python3
"""回访 over HTTP: the clerk's callback desk (/staff/callbacks: resolved matters awaiting
their callback, oldest first, with attempts and the resident's phone; a missed call counted;
a call that reaches the resident rating the matter or sending it back to its department with
the reason), the callback form on the matter's page, the resident's own rating by number and
查询码 from the tracking page (wrong code refused, nothing changed; a dissatisfied rating asks
for the reason), personal data kept from observers and other departments' handlers, and the
staff API's `callback` action with its errors."""
import datetime
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, act, beijing_today, check, db_rows, done, events,  # noqa: E402
                     ledger_problems, matter_page, matter_state, new_api_key, require_binary,
                     run_cli, section, status_of, submit_matter)

require_binary()
S = {}
NAME, PHONE = "仉惠琴", "13822506719"
WORDS = "井盖还是响，夜里睡不着，我住3号楼"  # the resident's own words: never public
MISSED_WORDS = "他儿子接的，说老人下午在家"


def state(srv, number):
    """What a refused request must leave alone: the row and its events."""
    return matter_state(srv, number,
                        "status, version, rating, rating_note, reason, deadline, updated_at")


def resolved_matter(srv, title, name=NAME, phone=PHONE):
    """A public matter handed in by a resident, assigned to 城市管理局 and resolved.
    Returns (number, 查询码)."""
    res = srv.client("resident")
    r, n, k = submit_matter(res, title, "幸福路与和平街交口的井盖松动，车辆经过响声很大。",
                            name=name, phone=phone)
    if not n:
        raise RuntimeError("submission failed: " + r.describe())
    leader = S["leader"]
    dep = matter_page(leader, n).page.form(hidden_action="assign").option_value(
        "department", "城市管理局")
    r1 = act(leader, n, "assign", {"department": dep})
    r2 = act(S["hroad"], n, "resolve", {"note": "已更换井盖并加固底座。"})
    if r1.status != 303 or r2.status != 303:
        raise RuntimeError("assign/resolve failed: %s %s" % (r1.describe(), r2.describe()))
    return n, k


def desk_row_form(page, number):
    """The callback form of the desk's row of matter `number`."""
    for f in page.forms():
        if f.action.split("?")[0] == "/staff/callbacks" and f.get("number") == number:
            return f
    return None


with Server("callback") as srv:
    S["leader"] = srv.staff("leader1")
    S["clerk"] = srv.staff("clerk1")
    S["hroad"] = srv.staff("hroad")
    S["hwater"] = srv.staff("hwater")
    S["obs"] = srv.staff("obs1")

    @section("the desk lists resolved matters awaiting their callback")
    def _():
        S["m1"], S["k1"] = resolved_matter(srv, "幸福路井盖松动")
        S["m2"], S["k2"] = resolved_matter(srv, "和平街路灯不亮", name="郗佩瑶", phone="15936027718")
        S["m3"], S["k3"] = resolved_matter(srv, "建设路垃圾箱破损", name="", phone="")
        r = S["clerk"].get("/staff/callbacks")
        check("clerk: GET /staff/callbacks → 200", r.status == 200, r.describe())
        text = r.page.text()
        pos = [text.find(n) for n in (S["m1"], S["m2"], S["m3"])]
        check("every resolved, unrated matter is listed, oldest resolution first",
              all(p >= 0 for p in pos) and pos == sorted(pos), pos)
        check("the header counts: 3 待回访, 3 尚未回访, 0 已回访未接通",
              re.search(r"3\s*待回访", text) and re.search(r"3\s*尚未回访", text)
              and re.search(r"0\s*已回访未接通", text), text[:1500])
        check("the resident's phone, as a tel: link, for the clerk",
              'href="tel:%s"' % PHONE in r.text and NAME in text, r.text[:3000])
        check("a matter without a phone says so", "未留电话" in text or "—" in text, text)
        f = desk_row_form(r.page, S["m1"])
        check("each row has its callback form: outcome, solved, rating, note, version",
              f and {"outcome", "solved", "rating", "note", "version", "number", "csrf"} <= f.names,
              f and sorted(f.names))
        S["desk"] = r
        lr = S["leader"].get("/staff/callbacks")
        check("leader: the desk too, with the phone", lr.status == 200 and PHONE in lr.text,
              lr.describe())
        ar = srv.staff("admin").get("/staff/callbacks")
        check("admin: the desk too", ar.status == 200 and S["m1"] in ar.text, ar.describe())

    @section("who may not use the desk")
    def _():
        for who in ("hroad", "hwater", "obs"):
            r = S[who].get("/staff/callbacks")
            check("%s: GET /staff/callbacks → 403, no phone" % who,
                  r.status == 403 and PHONE not in r.text, r.describe())
            r = S[who].post_form("/staff/callbacks", [("number", S["m1"]), ("version", "3"),
                                                       ("outcome", "busy")])
            check("%s: POST /staff/callbacks → 403" % who, r.status == 403, r.describe())
        r = srv.client("anon").get("/staff/callbacks")
        check("anonymous: to the sign-in page", r.status == 303 and "/login" in (r.location or ""),
              r.describe())
        mp = matter_page(S["hroad"], S["m1"])
        check("the handler's matter page offers no callback form",
              mp.status == 200 and "callback" not in mp.page.hidden_actions(),
              mp.page.hidden_actions())
        mp = matter_page(S["clerk"], S["m1"])
        check("the clerk's matter page offers the callback form",
              "callback" in mp.page.hidden_actions(), mp.page.hidden_actions())

    @section("a missed call is counted and changes nothing else")
    def _():
        n = S["m1"]
        before = state(srv, n)
        f = desk_row_form(S["clerk"].get("/staff/callbacks").page, n)
        r = S["clerk"].submit(f, {"outcome": "busy", "note": MISSED_WORDS})
        check("POST the row's form with 占线 → 303 back to the desk",
              r.status == 303 and (r.location or "").startswith("/staff/callbacks")
              and "done=" + n in (r.location or ""), r.describe())
        after = state(srv, n)
        check("… status and rating unchanged, version + 1, one event more",
              after[0][0][0] == "resolved" and after[0][0][2] is None
              and after[0][0][1] == before[0][0][1] + 1 and after[1][0][0] == before[1][0][0] + 1,
              (before, after))
        page = S["clerk"].get(r.location)
        check("the desk says it was recorded and shows 1 attempt with 占线 and the clerk's words",
              "已记录" in page.text and re.search(r"1\s*已回访未接通", page.page.text())
              and "占线" in page.page.text() and MISSED_WORDS in page.page.text(),
              page.page.text()[:2500])
        rows = [(note_, json.loads(data or "{}").get("comment")) for note_, data in db_rows(
            srv, "SELECT e.note, e.data FROM events e JOIN matters m ON m.id = e.matter_id"
                 " WHERE m.number = ? AND e.action = 'callback_missed'", (n,))]
        check("the event's note is generic; the clerk's words are in its data",
              rows == [("回访未接通（占线），第1次", MISSED_WORDS)], rows)
        for who in ("obs", "hwater"):
            p = matter_page(S[who], n)
            check("%s: the matter page shows no word of the call" % who,
                  p.status == 200 and MISSED_WORDS not in p.text,
                  p.describe())
        tried = S["clerk"].get("/staff/callbacks?attempts=1").page.text()
        never = S["clerk"].get("/staff/callbacks?attempts=0").page.text()
        check("filter 已回访未接通 lists it, 尚未回访 does not", n in tried and n not in never
              and S["m2"] in never, (tried[-800:], never[-800:]))
        mp = matter_page(S["clerk"], n)
        ev = events(mp.page)
        check("the matter's timeline: 回访未接通, internal, numbered",
              any(w == "回访未接通" and "内部" in t and "第1次" in t for w, t in ev), ev)
        f = mp.page.form(hidden_action="callback")
        check("the matter page's form says how many calls missed", "已回访未接通 1 次" in mp.text,
              mp.text[-3000:])
        r2 = S["clerk"].submit(f, {"outcome": "no_answer"})
        check("a second missed call from the matter page → 303", r2.status == 303, r2.describe())
        rows = db_rows(srv, "SELECT e.note FROM events e JOIN matters m ON m.id = e.matter_id"
                            " WHERE m.number = ? AND e.action = 'callback_missed' ORDER BY e.id",
                       (n,))
        check("two callback_missed events, the second numbered 第2次",
              len(rows) == 2 and "第2次" in rows[1][0] and "无人接听" in rows[1][0], rows)
        pub = srv.client("public").get("/t/" + n)
        check("the public page shows no missed call", pub.status == 200
              and "未接通" not in pub.text and "占线" not in pub.text, pub.text[-2000:])

    @section("a call that reaches the resident: not solved → 重办 with the reason")
    def _():
        n = S["m1"]
        r = act(S["clerk"], n, "callback", {"outcome": "reached", "solved": "no",
                                            "rating": "basic", "note": WORDS})
        check("reached, 未解决, 基本满意, with the resident's words → 303", r.status == 303,
              r.describe())
        row = db_rows(srv, "SELECT status, reason, rating, rating_note, department_id IS NOT NULL"
                           " FROM matters WHERE number = ?", (n,))[0]
        check("… 重办, back to its department, reason 回访：群众反映问题未解决, no rating kept",
              row[0] == "reopened" and row[1] == "回访：群众反映问题未解决" and row[2] is None
              and row[3] == WORDS and row[4] == 1, row)
        hp = matter_page(S["hroad"], n)
        check("the department's handler reads the resident's words on the matter page",
              WORDS in hp.text and "回访：群众反映问题未解决" in hp.text, hp.text[-3000:])
        op = matter_page(S["obs"], n)
        check("the observer does not (the rest of the page yes)",
              op.status == 200 and WORDS not in op.text and "回访" in op.text, op.describe())
        wp = matter_page(S["hwater"], n)
        check("nor the handler of another department, nor the phone",
              wp.status == 200 and WORDS not in wp.text and PHONE not in wp.text, wp.describe())
        pub = srv.client("public").get("/t/" + n)
        check("the public timeline: 回访 and 重办, never the words",
              "回访" in pub.text and WORDS not in pub.text and "3号楼" not in pub.text,
              pub.text[-2500:])
        desk = S["clerk"].get("/staff/callbacks").page.text()
        check("no longer on the desk", n not in desk, desk[-1500:])

    @section("a call that reaches a pleased resident")
    def _():
        n = S["m2"]
        f = desk_row_form(S["clerk"].get("/staff/callbacks").page, n)
        r = S["clerk"].submit(f, {"outcome": "reached", "solved": "yes", "rating": "satisfied",
                                  "note": "修得很及时"})
        check("desk: reached, 已解决, 满意 → 303", r.status == 303, r.describe())
        mp = matter_page(S["leader"], n)
        check("… 已办结 with 群众评价 满意; 销号 is the leader's",
              "已办结" in status_of(mp.page) and "满意" in mp.page.text()
              and "close" in mp.page.hidden_actions()
              and "callback" not in mp.page.hidden_actions(), mp.page.hidden_actions())
        page = S["clerk"].get("/staff/callbacks")
        check("gone from the desk; 今日已接通回访 counts 2",
              n not in page.page.text() and re.search(r"2\s*今日已接通回访", page.page.text()),
              page.page.text()[:1500])
        t = srv.client("resident2").get("/t/%s?k=%s" % (n, urllib.parse.quote(S["k2"])))
        check("the resident's page: rated 满意, no rating form any more",
              t.status == 200 and "满意" in t.page.text()
              and not t.page.form(action="/t/%s/rate" % n), t.describe())

    @section("bad callbacks: a clear 4xx and nothing changed")
    def _():
        n = S["m3"]
        version = str(db_rows(srv, "SELECT version FROM matters WHERE number = ?", (n,))[0][0])
        before = state(srv, n)
        cases = [
            ("no outcome", [], 400, "回访结果"),
            ("an unknown outcome", [("outcome", "hung_up")], 400, "回访结果"),
            ("reached, solved missing", [("outcome", "reached"), ("rating", "satisfied")], 400,
             "是否已解决"),
            ("reached, rating missing", [("outcome", "reached"), ("solved", "yes")], 400, "满意"),
            ("not solved without a reason", [("outcome", "reached"), ("solved", "no"),
                                             ("rating", "basic")], 400, "原因"),
            ("missed, with a rating", [("outcome", "busy"), ("rating", "satisfied")], 400,
             "未接通"),
            ("a note over 500 characters", [("outcome", "busy"), ("note", "字" * 501)], 400,
             "500"),
        ]
        for name, fields, status, words in cases:
            r = S["clerk"].post_form("/staff/callbacks", [("number", n), ("version", version)]
                                     + fields)
            check("%s → %d naming the problem" % (name, status),
                  r.status == status and words in r.text, r.describe())
        r = S["clerk"].post_form("/staff/callbacks", [("number", n), ("version", "1"),
                                                      ("outcome", "busy")])
        check("a stale version → 409", r.status == 409, r.describe())
        r = S["clerk"].post_form("/staff/callbacks", [("number", "TZ-2000-999999"),
                                                      ("version", "1"), ("outcome", "busy")])
        check("an unknown matter → 404", r.status == 404, r.describe())
        r = S["clerk"].post_form("/staff/callbacks", [("number", n), ("version", "x"),
                                                      ("outcome", "busy")])
        check("a malformed version → 400", r.status == 400, r.describe())
        check("nothing changed by any of them", state(srv, n) == before, (before, state(srv, n)))
        for q in ("attempts=7", "department=abc", "offset=-1", "department=-3"):
            r = S["clerk"].get("/staff/callbacks?" + q)
            check("GET /staff/callbacks?%s → 400" % q, r.status == 400, r.describe())
        offered = matter_page(S["clerk"], S["m2"]).page.hidden_actions()
        check("a rated matter offers neither rating nor callback",
              "rate" not in offered and "callback" not in offered, offered)
        v2 = str(db_rows(srv, "SELECT version FROM matters WHERE number = ?", (S["m2"],))[0][0])
        before2 = state(srv, S["m2"])
        r = S["clerk"].post_form("/staff/m/%s/act" % S["m2"],
                                 [("action", "callback"), ("version", v2), ("outcome", "busy")])
        check("a callback posted on a rated matter is refused (409), nothing changed",
              r.status == 409 and "已评价" in r.text and state(srv, S["m2"]) == before2,
              r.describe())

    @section("the resident rates by number and 查询码 from the tracking page")
    def _():
        n, k = S["m3"], S["k3"]
        res = srv.client("resident3")
        r = res.get("/t?number=%s&k=%s" % (n.lower(), urllib.parse.quote(k)))
        check("the lookup form with number and 查询码 → 303 to /t/NUMBER?k=…",
              r.status == 303 and (r.location or "").startswith("/t/%s?k=" % n), r.describe())
        p = res.get(r.location)
        form = p.page.form(action="/t/%s/rate" % n, method="post")
        check("the tracking page carries the rating form", p.status == 200 and form, p.describe())
        check("… laid out for a phone (viewport meta) with the reason asked for 不满意",
              'name="viewport" content="width=device-width' in p.text and "不满意" in p.text
              and "原因" in p.text, p.text[:600])
        before = state(srv, n)
        for name, kk in (("a wrong 查询码", "WRONG-CODE1"), ("no 查询码", ""),
                         ("another matter's 查询码", S["k2"])):
            r = res.post_form("/t/%s/rate" % n, [("k", kk), ("rating", "satisfied")])
            check("rating with %s → 403" % name, r.status == 403, r.describe())
        r = res.post_form("/t/%s/rate" % n, [("k", k), ("rating", "great")])
        check("an unknown rating → 400", r.status == 400, r.describe())
        r = res.submit(form, {"rating": "dissatisfied"})
        check("不满意 without a reason → 400 asking for it", r.status == 400 and "原因" in r.text,
              r.describe())
        r = res.submit(form, {"rating": "dissatisfied", "note": "   "})
        check("不满意 with only blanks → 400", r.status == 400, r.describe())
        check("nothing changed by the refused ratings", state(srv, n) == before,
              (before, state(srv, n)))
        w = res.get("/t/%s?k=WRONG-CODE1" % n)
        check("with a wrong code the page shows no rating form",
              w.status == 200 and not w.page.form(action="/t/%s/rate" % n), w.describe())
        r = res.submit(form, {"rating": "dissatisfied", "note": "垃圾箱换了但还是没人清运"})
        check("不满意 with the reason → 303 with a thank-you",
              r.status == 303 and "rated=1" in (r.location or ""), r.describe())
        row = db_rows(srv, "SELECT status, reason FROM matters WHERE number = ?", (n,))[0]
        check("… the matter goes back (重办)", row == ("reopened", "群众评价不满意"), row)
        pub = srv.client("p").get("/t/" + n)
        check("… and the reason is not public", "没人清运" not in pub.text, pub.text[-1500:])

    @section("the staff API: action callback")
    def _():
        keys = {role: new_api_key(srv.db, "cb-" + role, role, dept)
                for role, dept in (("clerk", None), ("observer", None), ("handler", "cgj"),
                                   ("leader", None))}
        n, _ = resolved_matter(srv, "文化路人行道砖松动")
        c = srv.client("api")

        def call(key, body, number=n):
            r = c.request("POST", "/api/v1/matters/%s/actions/callback" % number,
                          body=json.dumps(body, ensure_ascii=False).encode(),
                          headers={"Authorization": "Bearer " + key,
                                   "Content-Type": "application/json"}, cookies=False)
            try:
                return r, json.loads(r.body)
            except ValueError:
                return r, None

        before = state(srv, n)
        for name, key, body, status, code in (
                ("no outcome", "clerk", {}, 422, 5000),
                ("an unknown outcome", "clerk", {"outcome": "hung_up"}, 422, 5001),
                ("solved not a boolean", "clerk", {"outcome": "reached", "solved": "yes",
                                                   "rating": "satisfied"}, 422, 5001),
                ("an unknown rating", "clerk", {"outcome": "reached", "solved": True,
                                                "rating": "great"}, 422, 5001),
                ("an unknown field", "clerk", {"outcome": "busy", "phone": "1"}, 422, 5002),
                ("reached without solved", "clerk", {"outcome": "reached",
                                                     "rating": "satisfied"}, 422, 5004),
                ("not solved without the reason", "clerk", {"outcome": "reached", "solved": False,
                                                            "rating": "basically_satisfied"},
                 422, 5004),
                ("missed with a rating", "clerk", {"outcome": "busy", "rating": "satisfied"},
                 422, 5004),
                ("a stale version", "clerk", {"outcome": "busy", "version": 1}, 409, 4000),
                ("an observer's key", "observer", {"outcome": "busy"}, 403, 2002),
                ("the department's handler", "handler", {"outcome": "busy"}, 403, 2004)):
            r, j = call(keys[key], body)
            check("API callback, %s → %d (%d)" % (name, status, code),
                  r.status == status and isinstance(j, dict) and j.get("code") == code,
                  r.describe())
        check("… nothing changed", state(srv, n) == before, (before, state(srv, n)))
        r, j = call(keys["clerk"], {"outcome": "unreachable", "note": "邻居说他出差了"})
        check("missed: 200, still resolved, not rated",
              r.status == 200 and j.get("status") == "resolved" and j.get("rating") is None,
              r.describe())
        r, j = call(keys["leader"], {"outcome": "reached", "solved": True,
                                     "rating": "basically_satisfied", "note": WORDS,
                                     "version": j.get("version")})
        check("reached: 200, rating basically_satisfied",
              r.status == 200 and j.get("status") == "resolved"
              and j.get("rating") == "basically_satisfied", r.describe())
        r, j = call(keys["clerk"], {"outcome": "busy"})
        check("once rated, another callback → 409 (4001)",
              r.status == 409 and j and j.get("code") == 4001, r.describe())
        r, j = call(keys["clerk"], {"outcome": "busy"}, number="TZ-2000-999999")
        check("an unknown matter → 404 (3000)", r.status == 404 and j and j.get("code") == 3000,
              r.describe())

        def evs(key):
            r = c.request("GET", "/api/v1/matters/%s/events" % n,
                          headers={"Authorization": "Bearer " + key}, cookies=False)
            return json.loads(r.body).get("items", [])
        mine = [e for e in evs(keys["clerk"]) if e["action"] in ("callback", "callback_missed")]
        check("events: callback_missed (internal, attempt 1, unreachable), then callback",
              [e["action"] for e in mine] == ["callback_missed", "callback"]
              and mine[0]["public"] is False and mine[0]["data"].get("attempt") == 1
              and mine[0]["data"].get("outcome") == "unreachable" and mine[1]["public"] is True,
              mine)
        check("the clerk reads the resident's words in the callback's data",
              mine and mine[-1]["data"].get("comment") == WORDS
              and mine[-1]["data"].get("rating") == "basically_satisfied"
              and mine[-1]["data"].get("solved") is True, mine)
        check("the clerk reads the words of the missed call in its data, not its note",
              mine and mine[0]["data"].get("comment") == "邻居说他出差了"
              and mine[0]["note"] == "回访未接通（关机或停机），第1次",
              mine)
        missed = [e for e in evs(keys["observer"]) if e["action"] == "callback_missed"]
        check("the observer reads that a call missed, not the words",
              missed and "comment" not in missed[0]["data"]
              and "出差" not in json.dumps(missed, ensure_ascii=False), missed)
        theirs = [e for e in evs(keys["observer"]) if e["action"] == "callback"]
        check("the observer reads the rating, not the words",
              theirs and "comment" not in theirs[0]["data"]
              and WORDS not in json.dumps(theirs, ensure_ascii=False), theirs)
        check("the words are in no event's public note",
              all(WORDS not in (e["note"] or "") for e in evs(keys["clerk"])), evs(keys["clerk"]))

    @section("nobody rated it: closed by the system after N working days (taizhang tick)")
    def _():
        n, k = resolved_matter(srv, "新华街公交站牌倾斜")
        rated, _ = resolved_matter(srv, "新华街路面塌陷")
        r = act(S["clerk"], rated, "callback", {"outcome": "reached", "solved": "yes",
                                                "rating": "satisfied"})
        check("setup: one unrated, one rated on a callback", r.status == 303, r.describe())
        later = (beijing_today() + datetime.timedelta(days=30)).isoformat() + "T10:00:00+08:00"
        args = ["tick", "--db", srv.db, "--no-send", "--auto-close-days", "3", "--now", later]
        rc, out, err = run_cli(args)
        check("`taizhang tick --auto-close-days 3 --now <30 days on>` runs", rc == 0,
              out + err)
        row = db_rows(srv, "SELECT status, auto_closed FROM matters WHERE number = ?", (n,))
        check("… the unrated matter is closed by the system", row == [("closed", 1)], row)
        ev = db_rows(srv, "SELECT e.actor_id, e.actor_label, e.note, e.public, e.action"
                          " FROM events e JOIN matters m ON m.id = e.matter_id"
                          " WHERE m.number = ? AND e.action = 'close'", (n,))
        check("… with one public close event by 系统: 逾期未评价，系统自动销号",
              ev == [(None, "系统", "逾期未评价，系统自动销号", 1, "close")], ev)
        check("… the rated one waits for a leader's 销号",
              db_rows(srv, "SELECT status FROM matters WHERE number = ?", (rated,)) ==
              [("resolved",)])
        before = state(srv, n)
        rc, out, err = run_cli(args)
        check("a second run changes nothing (idempotent)", rc == 0 and state(srv, n) == before,
              out + err)
        pub = srv.client("p2").get("/t/%s?k=%s" % (n, urllib.parse.quote(k)))
        check("the resident's page: 已销号 with the note, no rating form",
              "已销号" in pub.text and "逾期未评价" in pub.text
              and not pub.page.form(action="/t/%s/rate" % n), pub.text[-2000:])
        desk = S["clerk"].get("/staff/callbacks").page.text()
        check("… and it has left the callback desk", n not in desk, desk[-1000:])

    @section("the ledger is sound")
    def _():
        probs = ledger_problems(srv.db)
        check("integrity, statuses equal to their last events", not probs, probs)

done()
