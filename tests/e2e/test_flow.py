#!/usr/bin/env python3
"""The whole life of a matter over HTTP, as residents and staff do it:
submit → accept → assign → progress → resolve → rate → close (销号), the public
board and timeline, personal data never public, the dissatisfied path (重办),
optimistic concurrency (409) and the append-only event log."""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (NUMBER_RE, Server, act, beijing_today, board_numbers, check, day, done,  # noqa: E402
                     events, matter_page, png_1x1, require_binary, section, status_of,
                     submit_matter)

NAME, PHONE = "李秀英", "13912345678"
TITLE = "幸福路路灯不亮"
DESC = "幸福路18号到26号之间的三盏路灯已经坏了两周，晚上出行很不方便。"
PROGRESS = "已联系群众，现场核查路灯线路，正在采购配件。"
RESULT = "已更换三盏路灯的灯头和线路，恢复照明。"
CLOSE_NOTE = "现场核验，路灯正常。"
PNG = png_1x1()

require_binary()
S = {}

with Server("flow") as srv:
    resident = srv.client("resident")

    @section("1 resident submits")
    def _():
        r = resident.get("/submit")
        form = r.page.form(action="/submit", method="post") if r.status == 200 else None
        check("GET /submit: 200 with a POST form to /submit", form is not None, r.describe())
        need = {"csrf", "kind", "subkind", "category", "area", "title", "description", "name",
                "phone", "is_public"}
        check("submit form has fields %s and a file field photo" % sorted(need),
              form and need <= form.names and "photo" in form.file_fields,
              form and (sorted(form.names), form.file_fields))
        check("submit form is multipart/form-data",
              form and form.enctype == "multipart/form-data", form and form.enctype)
        resp, number, secret = submit_matter(resident, TITLE, DESC, name=NAME, phone=PHONE,
                                             photo=("photo.png", "image/png", PNG))
        check("POST /submit with photo → 303 to /t/NUMBER?k=SECRET&new=1", number,
              resp.describe())
        if not number:
            raise RuntimeError("no matter submitted; the rest of the flow cannot run")
        S["n1"], S["k1"] = number, secret
        check("number has the format TZ-%d-NNNNNN" % beijing_today().year,
              re.fullmatch(r"TZ-%d-\d{6}" % beijing_today().year, number), number)
        p = resident.get(resp.location)
        check("tracking page after submission: 200", p.status == 200, p.describe())
        check("tracking page shows the number and the 查询码",
              number in p.page.text() and secret in p.page.text(), p.describe())
        check("tracking page shows title and status 待受理",
              TITLE in p.page.text() and "待受理" in status_of(p.page), p.describe())
        qr = "/t/%s/qr.svg?k=%s" % (number, urllib.parse.quote(secret, safe=""))
        imgs = [urllib.parse.unquote(i) for i in p.page.images()]
        check("tracking page has the QR image %s" % qr, urllib.parse.unquote(qr) in imgs, imgs)
        q = resident.get(qr)
        check("QR code: 200 image/svg+xml with an <svg> document",
              q.status == 200 and q.ctype.startswith("image/svg+xml") and b"<svg" in q.body[:200]
              and q.body.rstrip().endswith(b"</svg>"), q.describe())
        p2 = resident.get("/t/%s?k=%s" % (number, urllib.parse.quote(secret)))
        check("tracking page without new=1 does not show the 查询码 box again",
              p2.status == 200 and "提交成功" not in p2.text, p2.describe())

    @section("2 clerk accepts and assigns")
    def _():
        n = S["n1"]
        clerk = srv.staff("clerk1")
        S["clerk"] = clerk
        inbox = clerk.get("/staff/inbox")
        check("clerk's /staff/inbox lists the new matter", inbox.status == 200 and n in inbox.text,
              inbox.describe())
        mp = matter_page(clerk, n)
        check("clerk opens /staff/m/NUMBER: 200 with title and description",
              mp.status == 200 and TITLE in mp.page.text() and DESC in mp.page.text(),
              mp.describe())
        check("clerk sees the resident's name and phone on the staff page",
              NAME in mp.page.text() and PHONE in mp.page.text(), mp.describe())
        photos = [s for s in mp.page.images() if re.fullmatch(r"/files/\d+", s)]
        check("staff page shows the uploaded photo", len(photos) == 1, mp.page.images())
        if photos:
            S["photo"] = photos[0]
            f = clerk.get(photos[0])
            check("clerk gets the photo: 200 image/png, the same bytes",
                  f.status == 200 and f.ctype == "image/png" and f.body == PNG, f.describe())
            a = srv.client("anon").get(photos[0])
            check("the resident's photo is not public (404 without login)", a.status == 404,
                  a.describe())
        check("staff page offers accept to the clerk", "accept" in mp.page.hidden_actions(),
              mp.page.hidden_actions())
        r = act(clerk, n, "accept", {"note": "情况属实，予以受理。"})
        check("accept → 303 to /staff/m/NUMBER?done=accept",
              r.status == 303 and r.location == "/staff/m/%s?done=accept" % n, r.describe())
        mp = matter_page(clerk, n)
        check("status is now 已受理", "已受理" in status_of(mp.page), status_of(mp.page))
        form = mp.page.form(hidden_action="assign")
        dep = form and form.option_value("department", "城市管理局")
        check("assign form lists department 城市管理局", dep, form and form.options)
        S["dep_cgj"] = dep
        S["deadline1"] = day(10)
        r = act(clerk, n, "assign", {"department": dep, "deadline": S["deadline1"],
                                     "note": "请城管局尽快处理。"})
        check("assign with a deadline → 303", r.status == 303 and
              r.location == "/staff/m/%s?done=assign" % n, r.describe())
        mp = matter_page(clerk, n)
        check("status 已派单, department 城市管理局 and the deadline shown",
              "已派单" in status_of(mp.page) and "城市管理局" in mp.page.text()
              and S["deadline1"] in mp.page.text(), mp.describe())

    @section("3 handler works and resolves")
    def _():
        n = S["n1"]
        h = srv.staff("hroad")
        S["hroad"] = h
        q = h.get("/staff/queue")
        check("handler's /staff/queue lists the matter", q.status == 200 and n in q.text,
              q.describe())
        r = act(h, n, "progress", {"note": PROGRESS})
        check("progress (public) → 303", r.status == 303 and
              r.location == "/staff/m/%s?done=progress" % n, r.describe())
        mp = matter_page(h, n)
        check("status 办理中 and the note in the timeline",
              "办理中" in status_of(mp.page) and any(PROGRESS in t for _, t in events(mp.page)),
              mp.describe())
        r = act(h, n, "resolve", {"note": RESULT})
        check("resolve with a result → 303", r.status == 303 and
              r.location == "/staff/m/%s?done=resolve" % n, r.describe())
        mp = matter_page(h, n)
        check("status 已办结 and the result shown",
              "已办结" in status_of(mp.page) and RESULT in mp.page.text(), mp.describe())
        check("handler is not offered close (销号 is for leaders)",
              "close" not in mp.page.hidden_actions(), mp.page.hidden_actions())

    @section("4 resident rates 满意")
    def _():
        n, k = S["n1"], S["k1"]
        url = "/t/%s?k=%s" % (n, urllib.parse.quote(k))
        p = resident.get(url)
        form = p.page.form(action="/t/%s/rate" % n, method="post")
        check("resident's tracking page shows the rating form", p.status == 200 and form,
              p.describe())
        check("rating form offers 满意/基本满意/不满意",
              form and set(re.findall(r'name="rating" value="(\w+)"', p.text)) ==
              {"satisfied", "basic", "dissatisfied"}, p.text[-3000:])
        r = resident.submit(form, {"rating": "satisfied", "note": "很及时，谢谢！"})
        check("rate 满意 → 303 to /t/NUMBER?k=…&rated=1",
              r.status == 303 and re.fullmatch(r"/t/%s\?k=[^&]+&rated=1" % n, r.location or ""),
              r.describe())
        p = resident.get(r.location)
        check("thank-you notice and rating 满意 shown, no rating form any more",
              "感谢您的评价" in p.text and "满意" in p.page.text()
              and not p.page.form(action="/t/%s/rate" % n), p.describe())
        r2 = resident.submit(form, {"rating": "dissatisfied"})
        check("a second rating is refused: 409", r2.status == 409, r2.describe())
        mp = matter_page(S["clerk"], n)
        check("still 已办结 with one rating after the refused second one",
              "已办结" in status_of(mp.page) and "重办" not in status_of(mp.page)
              and sum(1 for w, _ in events(mp.page) if w == "评价") == 1, mp.describe())
        check("the clerk's matter page shows the resident's comment on the rating",
              "很及时，谢谢！" in mp.text, mp.describe())
        op = matter_page(srv.staff("obs1"), n)
        check("… the observer's does not (the comment is the resident's own words)",
              op.status == 200 and "满意" in op.text and "很及时，谢谢！" not in op.text,
              op.describe())

    @section("5 leader closes (销号)")
    def _():
        n = S["n1"]
        leader = srv.staff("leader1")
        S["leader"] = leader
        r = act(leader, n, "close", {"note": CLOSE_NOTE})
        check("close → 303", r.status == 303 and r.location == "/staff/m/%s?done=close" % n,
              r.describe())
        mp = matter_page(leader, n)
        check("status 已销号", "已销号" in status_of(mp.page), status_of(mp.page))

    @section("6 public board and public timeline")
    def _():
        n = S["n1"]
        anon = srv.client("public")
        b = anon.get("/board")
        check("/board: 200", b.status == 200, b.describe())
        rows = [tr for tr in b.page.find_all("tr") if n in tr.text()]
        check("/board lists the matter once", len(rows) == 1, b.describe())
        if rows:
            check("board row is struck through (class closed) with status 已销号",
                  "closed" in rows[0].classes() and "已销号" in rows[0].text(),
                  (rows[0].attrs, rows[0].text()))
        closed = board_numbers(anon, "?status=closed")
        check("/board?status=closed lists it", closed is not None and n in closed, closed)
        opened = board_numbers(anon, "?status=open")
        check("/board?status=open does not list it", opened is not None and n not in opened,
              opened)
        t = anon.get("/t/" + n)
        check("/t/NUMBER without k: 200", t.status == 200, t.describe())
        txt = t.page.text()
        check("public page shows title, status 已销号, the progress note and the result",
              TITLE in txt and "已销号" in status_of(t.page) and PROGRESS in txt and RESULT in txt,
              t.describe())
        check("public page shows department 城市管理局", "城市管理局" in txt, t.describe())
        check("public page does not show the description (only the resident does)",
              DESC not in txt, t.describe())
        check("public page has no rating form", not t.page.form(action="/t/%s/rate" % n),
              t.describe())
        look = anon.get("/t?number=" + n.lower())
        check("/t?number=… (lower case) redirects to /t/NUMBER",
              look.status == 303 and look.location == "/t/" + n, look.describe())

    @section("7 personal data never public")
    def _():
        n, k = S["n1"], S["k1"]
        anon = srv.client("nosy")
        urls = ["/", "/board", "/board?status=closed", "/board?status=open", "/board?kind=request",
                "/board?department=%s" % S.get("dep_cgj", ""), "/board?overdue=1", "/t/" + n,
                "/t/%s?k=%s" % (n, urllib.parse.quote(k)), "/t/%s?k=%s&new=1" % (n, urllib.parse.quote(k)),
                "/t?number=" + n, "/metrics", "/healthz", "/submit", "/login"]
        for u in urls:
            r = anon.get(u, follow=True)
            leak = [x for x in (NAME, PHONE) if x.encode() in r.body
                    or urllib.parse.quote(x).encode() in r.body]
            check("GET %s: 200 and neither name nor phone in it" % u,
                  r.status == 200 and not leak, "leaked %s\n%s" % (leak, r.describe()))
        m = anon.get("/metrics")
        check("/metrics is Prometheus text with taizhang_up 1",
              m.ctype.startswith("text/plain") and re.search(r"^taizhang_up 1$", m.text, re.M)
              and re.search(r'^taizhang_matters\{status="closed"\} 1$', m.text, re.M), m.describe())
        hz = anon.get("/healthz")
        check("/healthz: 200", hz.status == 200, hz.describe())
        clerk = S["clerk"]
        t = clerk.get("/t/" + n)
        check("/t/NUMBER seen by a signed-in clerk still has no name/phone",
              t.status == 200 and NAME not in t.text and PHONE not in t.text, t.describe())
        obs = srv.staff("obs1")
        for u in ["/staff/m/" + n, "/staff/matters", "/staff/matters?q=" + urllib.parse.quote(TITLE),
                  "/staff/queue", "/staff/inbox", "/staff", "/staff/overdue"]:
            r = obs.get(u)
            check("observer GET %s: 200 without name/phone" % u,
                  r.status == 200 and NAME not in r.text and PHONE not in r.text, r.describe())
        r = obs.get("/staff/m/" + n)
        check("observer sees the matter itself (title, result)",
              TITLE in r.text and RESULT in r.text, r.describe())
        check("observer is offered no action", not r.page.hidden_actions(),
              r.page.hidden_actions())
        logs = srv.stdout() + srv.stderr()
        check("server log has neither the name nor the phone", NAME not in logs and PHONE not in logs,
              [l for l in logs.splitlines() if NAME in l or PHONE in l][:5])
        check("server log has not the 查询码", k not in logs,
              [l for l in logs.splitlines() if k in l][:5])

    @section("8 dissatisfied → 重办")
    def _():
        res2 = srv.client("resident2")
        resp, n2, k2 = submit_matter(res2, "自来水发黄", "小区自来水最近一周发黄有异味。",
                                     name="张伟", phone="13800000002")
        check("second matter submitted", n2, resp.describe())
        S["n2"] = n2
        clerk, leader = S["clerk"], S["leader"]
        r = act(clerk, n2, "assign", {"department": S["dep_cgj"], "deadline": day(5)})
        check("clerk assigns the second matter straight from 待受理 → 303", r.status == 303,
              r.describe())
        h = S["hroad"]
        r = act(h, n2, "resolve", {"note": "已清洗二次供水水箱。"})
        check("handler resolves it → 303", r.status == 303, r.describe())
        p = res2.get("/t/%s?k=%s" % (n2, urllib.parse.quote(k2)))
        form = p.page.form(action="/t/%s/rate" % n2)
        check("resident 2 sees the rating form", form, p.describe())
        r = res2.submit(form, {"rating": "dissatisfied", "note": "水还是黄的。"})
        check("rate 不满意 → 303", r.status == 303, r.describe())
        p = res2.get("/t/%s?k=%s" % (n2, urllib.parse.quote(k2)))
        check("resident's page shows status 重办 and rating 不满意",
              "重办" in status_of(p.page) and "不满意" in p.page.text(), p.describe())
        check("the rating note stays private: not on the public page",
              "水还是黄的" not in srv.client("x").get("/t/" + n2).text)
        q = h.get("/staff/queue")
        check("the matter is back in the department's queue", q.status == 200 and n2 in q.text,
              q.describe())
        mp = matter_page(h, n2)
        check("handler's page: status 重办 and progress/resolve offered again",
              "重办" in status_of(mp.page) and {"progress", "resolve"} <=
              set(mp.page.hidden_actions()), (status_of(mp.page), mp.page.hidden_actions()))
        check("timeline: 提交, 派单, 办结, 评价",
              [w for w, _ in events(mp.page)] == ["提交", "派单", "办结", "评价"], events(mp.page))
        check("leader cannot close a reopened matter (no close form)",
              "close" not in matter_page(leader, n2).page.hidden_actions())

    @section("9 concurrency: stale version → 409")
    def _():
        res3 = srv.client("resident3")
        resp, n3, _ = submit_matter(res3, "公园健身器材损坏", "人民公园东门的健身器材断了一根。")
        check("third matter submitted", n3, resp.describe())
        a, b = S["clerk"], srv.staff("clerk2")
        pa, pb = matter_page(a, n3), matter_page(b, n3)
        fa, fb = pa.page.form(hidden_action="accept"), pb.page.form(hidden_action="accept")
        fb_assign = pb.page.form(hidden_action="assign")
        check("both clerks see the same version",
              fa and fb and fa.get("version") == fb.get("version") and fa.get("version"),
              (fa and fa.get("version"), fb and fb.get("version")))
        before = len(events(pa.page))
        r1 = a.submit(fa, {"note": "A 受理"})
        check("first clerk's accept → 303", r1.status == 303, r1.describe())
        r2 = b.submit(fb, {"note": "B 受理"})
        check("second clerk's accept with the old version → 409", r2.status == 409, r2.describe())
        r3 = b.submit(fb_assign, {"department": S["dep_cgj"], "deadline": day(7)})
        check("second clerk's assign with the old version → 409", r3.status == 409, r3.describe())
        after = matter_page(a, n3)
        ev = events(after.page)
        check("exactly one event added (the first accept), status 已受理",
              len(ev) == before + 1 and "已受理" in status_of(after.page), ev)
        check("the refused actions left no trace",
              not any("B 受理" in t for _, t in ev) and not any(w == "派单" for w, _ in ev), ev)
        check("the version moved on by one",
              after.page.form(hidden_action="assign").get("version") == str(int(fa.get("version")) + 1),
              after.page.form(hidden_action="assign").get("version"))

    @section("10 append-only event log")
    def _():
        n = S["n1"]
        mp = matter_page(S["leader"], n)
        ev = events(mp.page)
        whats = [w for w, _ in ev]
        want = ["提交", "受理", "派单", "办理进展", "办结", "评价", "销号"]
        check("staff timeline: %s, each once, in order" % " → ".join(want), whats == want, ev)
        trans = {"受理": "待受理 → 已受理", "派单": "已受理 → 已派单", "办理进展": "已派单 → 办理中",
                 "办结": "办理中 → 已办结", "销号": "已办结 → 已销号"}
        for w, t in ev:
            if w in trans:
                check("event %s shows the transition %s" % (w, trans[w]), trans[w] in t, t)
        check("the notes are in their events",
              len(ev) == 7 and PROGRESS in ev[3][1] and RESULT in ev[4][1] and CLOSE_NOTE in ev[6][1], ev)
        check("assign event names the department and the deadline",
              len(ev) > 2 and "城市管理局" in ev[2][1] and S["deadline1"] in ev[2][1], ev)
        pub = events(srv.client("p").get("/t/" + n).page)
        pw = [w for w, _ in pub]
        check("public timeline is in the same order and holds 办理进展 and 办结 once",
              [w for w in whats if w in pw] == pw and pw.count("办理进展") == 1 and pw.count("办结") == 1
              and pw[0] == "提交", pub)
        check("the rating note is not on the public timeline",
              not any("很及时" in t for _, t in pub), pub)
        ts = [re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", t) for _, t in ev]
        stamps = [m.group(0) for m in ts if m]
        check("every event has a time and times never go backwards",
              len(stamps) == len(ev) and stamps == sorted(stamps), stamps)

done()
