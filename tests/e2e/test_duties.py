#!/usr/bin/env python3
"""Recurring duties (定期工作) over HTTP: leaders and administrators create and edit them
on /staff/duties; every staff role reads the list, overdue and due soon first; the
responsible person, the department's handlers, clerks, leaders and admins mark one done,
which records who and when and moves the due date to the next period; the "我的定期工作"
box on /staff; every bad input a 400 (or 403/404/409) with nothing changed."""
import datetime
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, beijing_today, check, db_insert, db_rows, done, require_binary,  # noqa: E402
                     run_cli, section)

require_binary()
S = {}
URL = "/staff/duties"


def snapshot(srv):
    """Everything a refused post must leave alone."""
    return (db_rows(srv, "SELECT * FROM duties ORDER BY id"),
            db_rows(srv, "SELECT * FROM duty_records ORDER BY id"))


def create_form(client):
    r = client.get(URL)
    for f in r.page.forms() if r.status == 200 else []:
        if f.get("op") == "create":
            return f
    return None


def done_form(page, duty_id):
    for f in page.forms():
        if f.get("op") == "done" and f.get("id") == str(duty_id):
            return f
    return None


def duty_id(srv, title):
    rows = db_rows(srv, "SELECT id FROM duties WHERE title = ?", (title,))
    return rows[0][0] if rows else None


def next_due(srv, i):
    return db_rows(srv, "SELECT next_due FROM duties WHERE id = ?", (i,))[0][0]


def dept_id(srv, code):
    return str(db_rows(srv, "SELECT id FROM departments WHERE code = ?", (code,))[0][0])


def user_id(srv, login):
    return str(db_rows(srv, "SELECT id FROM users WHERE login = ?", (login,))[0][0])


def month_end(d):
    nxt = (d.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return nxt - datetime.timedelta(days=1)


with Server("duties") as srv:
    for login in ("admin", "leader1", "clerk1", "hroad", "hwater", "obs1"):
        S[login] = srv.staff(login)
    today = beijing_today()

    @section("leaders create duties")
    def _():
        f = create_form(S["leader1"])
        check("leader: /staff/duties has the create form with its fields",
              f and {"title", "description", "department", "person", "person_name", "recurrence",
                     "due_month", "due_day", "next_due", "lead_days", "csrf"} <= f.names,
              f and sorted(f.names))
        r = S["leader1"].submit(f, {"title": "村党组织书记谈话提醒",
                                    "description": "按《村级干部谈话提醒实施办法》，每年至少一次。",
                                    "department": dept_id(srv, "cgj"), "person": "",
                                    "person_name": "各村党组织书记", "recurrence": "yearly",
                                    "due_month": "12", "due_day": "31", "next_due": "",
                                    "lead_days": "10"})
        check("create a yearly duty → 303 with a notice",
              r.status == 303 and r.location == URL + "?done=create", r.describe())
        S["talk"] = duty_id(srv, "村党组织书记谈话提醒")
        check("… due this year's 12-31 by its rule",
              S["talk"] and next_due(srv, S["talk"]) == "%d-12-31" % today.year,
              S["talk"] and next_due(srv, S["talk"]))
        last = month_end(today.replace(day=1) - datetime.timedelta(days=1)).isoformat()
        r = S["admin"].submit(create_form(S["admin"]), {
            "title": "居民联席会", "department": dept_id(srv, "swj"),
            "person": user_id(srv, "hwater"), "recurrence": "monthly", "due_month": "",
            "due_day": "31", "next_due": last, "lead_days": "3"})
        check("admin: a monthly duty for a person, due last month's end → 303",
              r.status == 303, r.describe())
        S["meeting"] = duty_id(srv, "居民联席会")
        r = S["admin"].submit(create_form(S["admin"]), {
            "title": "每周安全巡查", "recurrence": "weekly", "due_day": "5", "lead_days": "0"})
        check("a weekly duty for the whole office → 303", r.status == 303, r.describe())
        S["weekly"] = duty_id(srv, "每周安全巡查")
        page = S["clerk1"].get(URL)
        text = page.page.text()
        check("the list: 已逾期 first with the monthly one, the rules in words",
              page.status == 200 and text.find("已逾期") >= 0
              and text.find("已逾期") < text.find("居民联席会") < text.find("村党组织书记谈话提醒")
              and "每年12月31日前" in text and "每月月底前" in text and "每周五前" in text,
              text[:3000])
        check("… with department, person and the free name",
              "城市管理局" in text and "孙承办" in text and "各村党组织书记" in text, text[:3000])

    @section("every staff role reads; only leaders and admins keep")
    def _():
        for login in ("clerk1", "hroad", "obs1"):
            r = S[login].get(URL)
            check("%s: GET /staff/duties → 200, no create form" % login,
                  r.status == 200 and "村党组织书记谈话提醒" in r.text
                  and not any(f.get("op") == "create" for f in r.page.forms()), r.describe())
        r = srv.client("anon").get(URL)
        check("anonymous: to the sign-in page", r.status == 303 and "/login" in (r.location or ""),
              r.describe())
        before = snapshot(srv)
        fields = [("op", "create"), ("title", "越权新增"), ("recurrence", "yearly"),
                  ("due_month", "12"), ("due_day", "31"), ("lead_days", "5")]
        for login in ("clerk1", "hroad", "obs1"):
            r = S[login].post_form(URL, fields)
            check("%s: create → 403" % login, r.status == 403, r.describe())
            r = S[login].post_form(URL, [("op", "deactivate"), ("id", str(S["talk"]))])
            check("%s: deactivate → 403" % login, r.status == 403, r.describe())
            r = S[login].get(URL + "?edit=%d" % S["talk"])
            check("%s: the edit form → 403" % login, r.status == 403, r.describe())
        check("nothing changed", snapshot(srv) == before)

    @section("marking done")
    def _():
        talk, meeting = S["talk"], S["meeting"]
        page = S["hroad"].get(URL)
        f = done_form(page.page, talk)
        check("the department's handler gets the 标记完成 form of its duty", f, page.text[-3000:])
        check("… but not of another department's", not done_form(page.page, meeting))
        check("the observer gets none", not any(f.get("op") == "done"
                                                 for f in S["obs1"].get(URL).page.forms()))
        before = snapshot(srv)
        for login, i in (("hwater", talk), ("obs1", talk), ("hroad", meeting)):
            r = S[login].post_form(URL, [("op", "done"), ("id", str(i)),
                                         ("due", next_due(srv, i))])
            check("%s marks another's duty done → 403" % login, r.status == 403, r.describe())
        check("… nothing changed", snapshot(srv) == before)
        due = next_due(srv, talk)
        r = S["hroad"].submit(f, {"note": "已与7个村党组织书记逐一谈话"})
        check("the handler marks it done → 303", r.status == 303
              and r.location == URL + "?done=done", r.describe())
        check("… next due the following year's 12-31",
              next_due(srv, talk) == "%d-12-31" % (today.year + 1), next_due(srv, talk))
        rec = db_rows(srv, "SELECT due, actor_label, note FROM duty_records WHERE duty_id = ?",
                      (talk,))
        check("… one record: the due date it met, who, the note",
              rec == [(due, "承办人 刘承办", "已与7个村党组织书记逐一谈话")], rec)
        before = snapshot(srv)
        r = S["hroad"].submit(f, {"note": "重复登记"})
        check("the same form again (the old due date) → 409, nothing changed",
              r.status == 409 and snapshot(srv) == before, r.describe())
        show = S["obs1"].get(URL + "?show=%d" % talk)
        check("?show=ID lists its records", show.status == 200 and "逐一谈话" in show.text
              and "刘承办" in show.text, show.describe())
        overdue = next_due(srv, meeting)
        r = S["hwater"].post_form(URL, [("op", "done"), ("id", str(meeting)), ("due", overdue),
                                        ("note", "本月联席会已召开")])
        check("the responsible person marks the overdue monthly one done → 303",
              r.status == 303, r.describe())
        check("… next due: this month's end (missed months not owed twice)",
              next_due(srv, meeting) == month_end(today).isoformat()
              or next_due(srv, meeting) > today.isoformat(), next_due(srv, meeting))
        r = S["clerk1"].post_form(URL, [("op", "done"), ("id", str(S["weekly"])),
                                        ("due", next_due(srv, S["weekly"]))])
        check("a clerk marks the office's weekly one done → 303", r.status == 303, r.describe())

    @section("my duties on /staff")
    def _():
        r = S["hwater"].get("/staff")
        check("the responsible person's wall chart has 我的定期工作 with the duty",
              r.status == 200 and "我的定期工作" in r.text and "居民联席会" in r.text, r.describe())
        r = S["hroad"].get("/staff")
        check("the department's handler sees the department's duty nobody is named for",
              "我的定期工作" in r.text and "村党组织书记谈话提醒" in r.text, r.text[-2000:])
        r = S["obs1"].get("/staff")
        check("the observer, responsible for nothing, has no such box",
              r.status == 200 and "我的定期工作" not in r.text, r.describe())

    @section("editing and stopping")
    def _():
        talk = S["talk"]
        r = S["admin"].get(URL + "?edit=%d" % talk)
        form = None
        for f in r.page.forms():
            if f.get("op") == "update":
                form = f
        check("admin: ?edit=ID has the update form, filled in",
              form and form.get("title") == "村党组织书记谈话提醒" and form.get("due_day") == "31"
              and form.get("next_due") == next_due(srv, talk), form and form.fields)
        r = S["admin"].submit(form, {"title": "村党组织书记谈话提醒（年度）", "lead_days": "15"})
        row = db_rows(srv, "SELECT title, lead_days, next_due FROM duties WHERE id = ?", (talk,))
        check("update → 303, changed, the due date kept",
              r.status == 303 and row == [("村党组织书记谈话提醒（年度）", 15,
                                           "%d-12-31" % (today.year + 1))], (r.describe(), row))
        r = S["leader1"].post_form(URL, [("op", "deactivate"), ("id", str(talk))])
        check("leader stops it → 303", r.status == 303, r.describe())
        page = S["clerk1"].get(URL).page.text()
        check("… listed under 已停用", "已停用" in page
              and page.find("已停用") < page.find("村党组织书记谈话提醒（年度）"), page[-2000:])
        before = snapshot(srv)
        r = S["leader1"].post_form(URL, [("op", "done"), ("id", str(talk))])
        check("a stopped duty cannot be done → 409, nothing changed",
              r.status == 409 and snapshot(srv) == before, r.describe())
        r = S["leader1"].post_form(URL, [("op", "activate"), ("id", str(talk))])
        check("… resumed → 303", r.status == 303
              and db_rows(srv, "SELECT active FROM duties WHERE id = ?", (talk,)) == [(1,)],
              r.describe())

    @section("bad inputs: 400 and nothing changed")
    def _():
        base = {"op": "create", "title": "年度述职述廉", "recurrence": "yearly", "due_month": "12",
                "due_day": "31", "lead_days": "5", "next_due": "", "department": "",
                "person": "", "person_name": ""}
        cases = [
            ("no title", {"title": ""}, "名称"),
            ("a blank title", {"title": "   "}, "名称"),
            ("a title over 100 characters", {"title": "字" * 101}, "100"),
            ("an unknown recurrence", {"recurrence": "daily"}, "周期"),
            ("month 13", {"due_month": "13"}, "周期"),
            ("02-30", {"due_month": "2", "due_day": "30"}, "周期"),
            ("day 0", {"due_day": "0"}, "周期"),
            ("a day that is not a number", {"due_day": "abc"}, "数字"),
            ("a weekday 8", {"recurrence": "weekly", "due_month": "", "due_day": "8"}, "周期"),
            ("a lead of 61 working days", {"lead_days": "61"}, "提醒"),
            ("a negative lead", {"lead_days": "-1"}, "提醒"),
            ("a date that does not exist", {"next_due": "2026-02-30"}, "日期"),
            ("a date too long", {"next_due": "2026-12-310"}, "日期"),
            ("a department that does not exist", {"department": "9999"}, "责任单位"),
            ("a department that is not a number", {"department": "cgj"}, "责任单位"),
            ("a person and a name", {"person": user_id(srv, "hroad"), "person_name": "张三"},
             "二者选一"),
            ("a person who does not exist", {"person": "9999"}, "在岗"),
            ("an unknown op", {"op": "delete"}, "未知"),
            ("update without an id", {"op": "update"}, "修改"),
            ("create with an id", {"id": str(S["talk"])}, "修改"),
        ]
        before = snapshot(srv)
        for name, over, words in cases:
            fields = dict(base)
            fields.update(over)
            r = S["admin"].post_form(URL, list(fields.items()))
            check("%s → 400 naming it" % name, r.status == 400 and words in r.text,
                  r.describe())
        for name, fields, status in (
                ("done without an id", [("op", "done")], 400),
                ("done with id abc", [("op", "done"), ("id", "abc")], 400),
                ("done of a duty that does not exist", [("op", "done"), ("id", "9999")], 404),
                ("done with a malformed due date", [("op", "done"), ("id", str(S["weekly"])),
                                                    ("due", "next week")], 400),
                ("a note over 1000 characters", [("op", "done"), ("id", str(S["weekly"])),
                                                 ("note", "字" * 1001)], 400),
                ("update of a duty that does not exist",
                 [(k, v) for k, v in base.items() if k != "op"] + [("op", "update"),
                                                                    ("id", "9999")], 404),
                ("stop a duty that does not exist", [("op", "deactivate"), ("id", "9999")], 404)):
            r = S["admin"].post_form(URL, fields)
            check("%s → %d" % (name, status), r.status == status, r.describe())
        for q in ("?show=abc", "?edit=-1", "?edit=9999"):
            r = S["admin"].get(URL + q)
            check("GET %s → %s" % (q, "404" if q == "?edit=9999" else "400"),
                  r.status == (404 if q == "?edit=9999" else 400), r.describe())
        check("nothing changed by any of them", snapshot(srv) == before)
        check("no 500 among them", not srv.server_errors, srv.server_errors[:3])

    @section("every page well-formed and in Chinese")
    def _():
        r = S["leader1"].get(URL + "?show=%d" % S["talk"])
        check("the page names its sections in Chinese",
              r.status == 200 and re.search(r"定期工作", r.text) and "<h1>定期工作</h1>" in r.text,
              r.describe())

    @section("the scheduler: a reminder before the due date, a notice once overdue, plain text")
    def _():
        due = today + datetime.timedelta(days=1)
        r = S["admin"].submit(create_form(S["admin"]), {
            "title": "安全检查[点此](http://x.example)", "recurrence": "yearly",
            "due_month": str(due.month), "due_day": str(due.day), "next_due": due.isoformat(),
            "description": "# 要求\n**按时**报送", "lead_days": "3"})
        check("a duty due tomorrow, with Markdown in its title → 303", r.status == 303,
              r.describe())
        i = duty_id(srv, "安全检查[点此](http://x.example)")
        ch = db_insert(srv, "INSERT INTO channels(name, kind, target, topics, created_at)"
                            " VALUES ('全办', 'webhook', 'https://hooks.example.org/d', 'duty', 0)"
                            " RETURNING id")

        def tick(when):
            rc, out, err = run_cli(["tick", "--db", srv.db, "--now", when + "T09:00:00+08:00",
                                    "--no-send"])
            return rc, out + err, db_rows(srv, "SELECT idem_key, title, body FROM outbox"
                                               " WHERE idem_key LIKE ? ORDER BY id",
                                          ("duty/%d/%%" % i,))
        rc, out, rows = tick(today.isoformat())
        check("tick today: the reminder, its key the due date and the channel",
              rc == 0 and [k for k, _, _ in rows] == ["duty/%d/%s/%d" % (i, due.isoformat(), ch)],
              (out, rows))
        title, body = (rows[0][1], rows[0][2]) if rows else ("", "")
        check("… as plain text: no link, heading or emphasis of its own",
              title == "定期工作提醒：安全检查［点此］（http://x.example）" and "](" not in body
              and "说明：＃ 要求 ＊＊按时＊＊报送" in body, (title, body))
        later = (due + datetime.timedelta(days=2)).isoformat()
        rc, out, rows = tick(later)
        check("two days past the due date: one overdue notice more, its own key",
              rc == 0 and len(rows) == 2 and "/%s/overdue/" % due.isoformat() in rows[1][0]
              and rows[1][0].endswith("/%d" % ch) and rows[1][1].startswith("定期工作已逾期："),
              (out, rows))
        rc, out, rows2 = tick(later)
        check("… once", rc == 0 and rows2 == rows, (out, rows2))

done()
