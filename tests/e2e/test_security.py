#!/usr/bin/env python3
"""Security over HTTP: sign-in walls, roles, departments, CSRF, login throttling,
security headers and cookies, sign-out, private matters, the 查询码, and error pages
that never echo the request."""
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Client, Server, act, board_numbers, check, day, done, events,  # noqa: E402
                     matter_page, require_binary, section, staff_count, status_of, submit_matter)

require_binary()
S = {}

STAFF_GET = ["/staff", "/staff/inbox", "/staff/queue", "/staff/overdue", "/staff/matters",
             "/staff/matters?status=submitted", "/staff/new", "/staff/m/TZ-2026-000001",
             "/staff/admin/departments", "/staff/admin/areas", "/staff/admin/categories",
             "/staff/admin/users"]
STAFF_POST = ["/staff/new", "/staff/m/TZ-2026-000001/act", "/staff/admin/departments",
              "/staff/admin/areas", "/staff/admin/categories", "/staff/admin/users", "/logout"]
ADMIN = ["/staff/admin/departments", "/staff/admin/areas", "/staff/admin/categories",
         "/staff/admin/users"]


def login_redirect(r, path):
    """Is r a 303 to /login that comes back to path?"""
    if r.status != 303 or not r.location:
        return False
    u = urllib.parse.urlsplit(r.location)
    if u.path != "/login" or u.scheme or u.netloc:
        return False
    nxt = urllib.parse.parse_qs(u.query).get("next", [""])[0]
    return nxt == path.split("?")[0] or nxt == path


with Server("security") as srv:
    clerk = srv.staff("clerk1")
    leader = srv.staff("leader1")
    S["res"] = srv.client("resident")
    resp, n1, k1 = submit_matter(S["res"], "小区门口积水", "下雨后小区门口积水严重。",
                                 name="吴敏", phone="13700000001")
    check("setup: a public matter submitted", n1, resp.describe())
    S["n1"], S["k1"] = n1, k1

    @section("login wall")
    def _():
        anon = srv.client("anon")
        for p in STAFF_GET:
            r = anon.get(p)
            check("GET %s without login → 303 to /login?next=%s" % (p, p), login_redirect(r, p),
                  r.describe())
        anon.get("/login")
        for p in STAFF_POST:
            r = anon.post_form(p, [("action", "accept"), ("version", "1")])
            check("POST %s without login → 303 to /login" % p,
                  r.status == 303 and (r.location or "").startswith("/login"), r.describe())
        r = anon.get("/staff/m/%s" % S["n1"])
        check("a real matter's staff page without login → 303 to /login",
              login_redirect(r, "/staff/m/%s" % S["n1"]), r.describe())
        junk = Client(srv, "junk")
        junk.cookies["tz_session"] = "A" * 43
        r = junk.get("/staff")
        check("a forged session cookie → 303 to /login", login_redirect(r, "/staff"), r.describe())

    @section("roles")
    def _():
        for p in ADMIN:
            r = clerk.get(p)
            check("clerk GET %s → 403" % p, r.status == 403, r.describe())
        clerk.get("/staff")
        r = clerk.post_form("/staff/admin/departments",
                            [("op", "save"), ("id", "0"), ("code", "evil"), ("name", "非法单位"),
                             ("active", "1")])
        check("clerk POST /staff/admin/departments → 403", r.status == 403, r.describe())
        a = srv.staff("admin")
        d = a.get("/staff/admin/departments")
        check("… and the department was not created", d.status == 200 and "evil" not in d.text,
              d.describe())
        for who in ("leader1", "hroad", "obs1"):
            c = leader if who == "leader1" else srv.staff(who)
            S[who] = c
            r = c.get("/staff/admin/users")
            check("%s GET /staff/admin/users → 403" % who, r.status == 403, r.describe())
        for who in ("hroad", "obs1"):
            r = S[who].get("/staff/new")
            check("%s GET /staff/new (代录) → 403" % who, r.status == 403, r.describe())
        mp = matter_page(leader, S["n1"])
        form = mp.page.form(hidden_action="accept")
        obs = S["obs1"]
        obs.get("/staff")
        r = obs.post_form("/staff/m/%s/act" % S["n1"],
                          [("action", "accept"), ("version", form.get("version"))])
        check("observer POST …/act → 403", r.status == 403, r.describe())
        after = matter_page(leader, S["n1"])
        check("… matter unchanged (待受理, same events)",
              "待受理" in status_of(after.page) and events(after.page) == events(mp.page),
              events(after.page))
        ad = a.get("/staff/admin/users")
        check("admin GET /staff/admin/users → 200", ad.status == 200, ad.describe())

    @section("handler of another department")
    def _():
        n = S["n1"]
        mp = matter_page(leader, n)
        dep = mp.page.form(hidden_action="assign").option_value("department", "城市管理局")
        r = act(leader, n, "assign", {"department": dep, "deadline": day(9)})
        check("setup: leader assigns the matter to 城市管理局", r.status == 303, r.describe())
        hw = srv.staff("hwater")
        own = matter_page(hw, n)
        check("水务局 handler is offered no action on 城市管理局's matter",
              own.status in (200, 403, 404) and not (own.is_html and own.page.hidden_actions()),
              own.describe())
        before = matter_page(leader, n)
        v = before.page.form(hidden_action="progress").get("version")
        hw.get("/staff/queue")
        for action, note in (("progress", "越权进展"), ("resolve", "越权办结"),
                             ("return", "越权退单"), ("request_extension", "越权延期")):
            fields = [("action", action), ("version", v), ("note", note)]
            if action == "request_extension":
                fields.append(("deadline", day(30)))
            r = hw.post_form("/staff/m/%s/act" % n, fields)
            check("水务局 handler POST %s on 城市管理局's matter → 403" % action, r.status == 403,
                  r.describe())
        q = hw.get("/staff/queue")
        check("水务局 queue does not list it", q.status == 200 and n not in q.text, q.describe())
        after = matter_page(leader, n)
        check("… nothing changed (status 已派单, same events, same version)",
              "已派单" in status_of(after.page) and events(after.page) == events(before.page)
              and after.page.form(hidden_action="progress").get("version") == v,
              events(after.page))
        hr = S["hroad"]
        r = act(hr, n, "progress", {"note": "本单位已到现场。"})
        check("the right department's handler may act (303)", r.status == 303, r.describe())

    @section("CSRF")
    def _():
        res = srv.client("res-csrf")
        _, n, _ = submit_matter(res, "路边垃圾没人清", "菜市场旁边的垃圾堆了三天。")
        check("setup: matter submitted", n)
        S["n2"] = n
        mp = matter_page(clerk, n)
        form = mp.page.form(hidden_action="accept")
        ev0 = events(mp.page)
        r = clerk.submit(form, {"note": "无令牌"}, csrf=None)
        check("accept without csrf → 403", r.status == 403, r.describe())
        r = clerk.submit(form, {"note": "错令牌"}, csrf="x" * 43)
        check("accept with a wrong csrf → 403", r.status == 403, r.describe())
        other = srv.staff("clerk2")
        r = clerk.submit(form, {"note": "他人令牌"}, csrf=other.last_csrf)
        check("accept with another session's csrf → 403", r.status == 403, r.describe())
        r = clerk.submit(form, {"note": "空令牌"}, csrf="")
        check("accept with an empty csrf → 403", r.status == 403, r.describe())
        after = matter_page(clerk, n)
        check("… nothing changed (待受理, same events)",
              "待受理" in status_of(after.page) and events(after.page) == ev0, events(after.page))
        # the same form with the token in the X-CSRF-Token header is accepted by design
        vals = form.values({"note": "头部令牌"}, drop=("csrf",))
        r = clerk.post_form(form.action, vals, csrf=None,
                            headers={"X-CSRF-Token": clerk.last_csrf})
        check("accept with the token in X-CSRF-Token → 303", r.status == 303, r.describe())

        count0, board0 = staff_count(clerk), board_numbers(srv.client("b"))
        anon = srv.client("anon-csrf")
        page = anon.get("/submit")
        sform = page.page.form(action="/submit")
        fields = {"kind": "request", "subkind": "求助", "title": "无令牌提交", "description": "内容",
                  "is_public": "1"}
        r = anon.submit(sform, fields, csrf=None)
        check("POST /submit without csrf → 403", r.status == 403, r.describe())
        stranger = srv.client("stranger")
        stranger.get("/submit")
        r = anon.submit(sform, fields, csrf=stranger.last_csrf)
        check("POST /submit with another visitor's csrf → 403 (double submit)", r.status == 403,
              r.describe())
        nocookie = Client(srv, "nocookie")
        r = nocookie.post_form("/submit", sform.values(fields), csrf=anon.last_csrf, multipart=True)
        check("POST /submit with a token but without its cookie → 403", r.status == 403,
              r.describe())
        check("… nothing stored", staff_count(clerk) == count0 and
              board_numbers(srv.client("b")) == board0, (count0, staff_count(clerk)))
        lg = srv.client("login-csrf")
        lg.get("/login")
        r = lg.post_form("/login", [("login", "clerk1"), ("password", srv.passwords["clerk1"])],
                         csrf=None)
        check("POST /login without csrf → 403 and no session", r.status == 403 and
              "tz_session" not in lg.cookies, r.describe())

    @section("login throttling")
    def _():
        srv.add_user("thr", "clerk", None, "节流测试")
        c = srv.client("throttle")
        c.get("/login")
        codes = []
        for i in range(5):
            r = c.post_form("/login", [("login", "thr"), ("password", "wrong-password-%d" % i)])
            codes.append(r.status)
        check("5 wrong passwords → 401 each", codes == [401] * 5, codes)
        r = c.post_form("/login", [("login", "thr"), ("password", srv.passwords["thr"])])
        check("6th attempt with the right password → 429", r.status == 429, r.describe())
        check("… and no session cookie", "tz_session" not in c.cookies, c.cookies)
        r = srv.client("other").login("clerk2")
        check("another login from the same address still works (303)", r.status == 303,
              r.describe())
        u = srv.client("unknown")
        u.get("/login")
        r = u.post_form("/login", [("login", "nobody"), ("password", "whatever-123")])
        r2 = u.post_form("/login", [("login", "clerk2"), ("password", "wrong-password")])
        check("unknown login and wrong password get the same answer (401, same message)",
              r.status == 401 and r2.status == 401 and "用户名或密码错误" in r.text
              and "用户名或密码错误" in r2.text, (r.describe(), r2.describe()))

    @section("headers and cookies")
    def _():
        anon = srv.client("hdr")
        for p, who in (("/", anon), ("/board", anon), ("/submit", anon), ("/login", anon),
                       ("/t/TZ-2000-000000", anon), ("/no/such/page", anon),
                       ("/staff", clerk), ("/staff/m/" + S["n1"], clerk)):
            r = who.get(p)
            csp = r.header("Content-Security-Policy") or ""
            check("%s: CSP with frame-ancestors 'none', X-Content-Type-Options nosniff" % p,
                  "frame-ancestors 'none'" in csp and
                  (r.header("X-Content-Type-Options") or "").lower() == "nosniff", r.headers)
            check("%s: served as text/html; charset=utf-8" % p,
                  r.ctype.lower().replace(" ", "") == "text/html;charset=utf-8", r.ctype)
        r = clerk.get("/staff/m/" + S["n1"])
        check("staff page: Cache-Control no-store", "no-store" in (r.header("Cache-Control") or ""),
              r.headers)
        c = srv.client("cookie")
        r = c.login("clerk2")
        sc = [v for v in r.headers_all("Set-Cookie") if v.startswith("tz_session=")]
        check("login sets tz_session", len(sc) == 1, r.headers)
        if sc:
            attrs = [a.strip().lower() for a in sc[0].split(";")[1:]]
            check("session cookie is HttpOnly", "httponly" in attrs, sc[0])
            check("session cookie has SameSite=Lax or Strict and Path=/",
                  ("samesite=lax" in attrs or "samesite=strict" in attrs) and "path=/" in attrs,
                  sc[0])
        csrfc = [v for v in c.set_cookie_log if v.startswith("tz_csrf=")]
        check("visitor csrf cookie is HttpOnly", csrfc and "httponly" in csrfc[0].lower(), csrfc)

    @section("logout")
    def _():
        c = srv.staff("clerk2")
        token = c.cookies.get("tz_session")
        check("signed in: /staff → 200", c.get("/staff").status == 200)
        r = c.get("/logout")
        check("GET /logout → 405 (sign-out is a POST)", r.status == 405, r.describe())
        r = c.logout()
        check("POST /logout → 303 to /", r.status == 303 and r.location == "/", r.describe())
        check("logout clears the cookie", "tz_session" not in c.cookies, c.set_cookie_log[-3:])
        r = c.get("/staff")
        check("after logout /staff → 303 to /login", login_redirect(r, "/staff"), r.describe())
        old = Client(srv, "replay")
        old.cookies["tz_session"] = token
        r = old.get("/staff")
        check("the old session cookie no longer works (303 to /login)", login_redirect(r, "/staff"),
              r.describe())

    @section("open redirect")
    def _():
        c = srv.client("redir")
        c.get("/login")
        r = c.post_form("/login", [("login", "clerk1"), ("password", srv.passwords["clerk1"]),
                                   ("next", "//evil.example/x")])
        check("login with next=//evil.example → 303 to /staff", r.status == 303 and
              r.location == "/staff", r.describe())
        c2 = srv.client("redir2")
        c2.get("/login")
        r = c2.post_form("/login", [("login", "clerk1"), ("password", srv.passwords["clerk1"]),
                                    ("next", "/staff/matters")])
        check("login with next=/staff/matters → 303 there", r.status == 303 and
              r.location == "/staff/matters", r.describe())

    @section("private matter")
    def _():
        res = srv.client("private")
        resp, n, k = submit_matter(res, "邻居私搭乱建", "隔壁在楼顶加盖了一层。", public=False,
                                   name="郑女士", phone="13600000003")
        check("private matter submitted", n, resp.describe())
        anon = srv.client("anon-priv")
        r = anon.get("/t/" + n)
        check("/t/NUMBER of a private matter without k → 404", r.status == 404, r.describe())
        r = anon.get("/t?number=" + n)
        check("/t?number= of a private matter → 404", r.status == 404, r.describe())
        r = anon.get("/t/%s?k=%s" % (n, urllib.parse.quote(k)))
        check("/t/NUMBER?k=right → 200 with 不公开",
              r.status == 200 and "不公开" in r.page.text() and "邻居私搭乱建" in r.text, r.describe())
        for q in ("", "?status=submitted", "?kind=request", "?status=open"):
            nums = board_numbers(anon, q)
            check("/board%s does not list the private matter" % q, nums is not None and n not in nums,
                  nums)
        m = clerk.get("/staff/matters")
        check("staff list shows it marked （不公开）", n in m.text and "不公开" in m.text, m.describe())
        S["private"] = (n, k)

    @section("查询码 (k)")
    def _():
        res = srv.client("rater")
        resp, n, k = submit_matter(res, "楼道灯坏了", "3单元楼道灯不亮。")
        mp = matter_page(leader, n)
        dep = mp.page.form(hidden_action="assign").option_value("department", "城市管理局")
        r1 = act(leader, n, "assign", {"department": dep, "deadline": day(3)})
        r2 = act(S["hroad"], n, "resolve", {"note": "已修好。"})
        check("setup: matter assigned and resolved", r1.status == 303 and r2.status == 303,
              (r1.describe(), r2.describe()))
        res.get("/t/" + n)
        r = res.post_form("/t/%s/rate" % n, [("k", "WRONGWRONG"), ("rating", "satisfied")])
        check("rate with a wrong k → 403", r.status == 403, r.describe())
        r = res.post_form("/t/%s/rate" % n, [("rating", "dissatisfied")])
        check("rate without k → 403", r.status == 403, r.describe())
        r = res.post_form("/t/%s/rate" % n, [("k", k[:-1]), ("rating", "dissatisfied")])
        check("rate with k missing its last character → 403", r.status == 403, r.describe())
        pn, pk = S["private"]
        r = res.post_form("/t/%s/rate" % n, [("k", pk), ("rating", "dissatisfied")])
        check("rate with another matter's k → 403", r.status == 403, r.describe())
        after = matter_page(leader, n)
        check("… still 已办结 and not rated", "已办结" in status_of(after.page) and
              not any(w == "评价" for w, _ in events(after.page)), events(after.page))
        w = res.get("/t/%s?k=WRONGWRONG" % n)
        check("/t/NUMBER?k=wrong shows no rating form",
              w.status == 200 and not w.page.form(action="/t/%s/rate" % n), w.describe())
        for q in ("?k=WRONGWRONG", "", "?k="):
            r = res.get("/t/%s/qr.svg%s" % (n, q))
            check("QR with k %r → 404, no SVG" % q, r.status == 404 and b"<svg" not in r.body,
                  r.describe())
        r = res.get("/t/%s/qr.svg?k=%s" % (pn, urllib.parse.quote(k)))
        check("QR of another matter with this matter's k → 404", r.status == 404, r.describe())
        r = res.get("/t/%s/qr.svg?k=%s" % (n, urllib.parse.quote(k)))
        check("QR with the right k → 200 image/svg+xml", r.status == 200 and
              r.ctype.startswith("image/svg+xml"), r.describe())
        r = clerk.post_form("/staff/m/%s/act" % n,
                            [("action", "close"),
                             ("version", matter_page(clerk, n).page.form(
                                 hidden_action="rate").get("version"))])
        check("clerk POST close (销号 is for leaders) → 403", r.status == 403, r.describe())

    def foreign_script(text):
        """A <script in text other than our own /static scripts (which every
        page links: form.js; the harness checks each one comes from /static)."""
        return "<script" in re.sub(r'<script src="/static/[a-z]+\.js" defer></script>', "", text.lower())

    @section("no echo of the request")
    def _():
        anon = srv.client("xss")
        anon.get("/")
        probes = [("/t/<script>alert(1)</script>", 404, True),
                  ("/t/%3Cscript%3Ealert(1)%3C%2Fscript%3E", 400, True),
                  ("/t/%3Cscript%3Ealert(1)", 404, True),
                  ("/<script>alert(1)</script>", 404, True),
                  ("/board?kind=%3Cscript%3Ealert(1)%3C/script%3E", 400, True),
                  ("/board?category=%3Cscript%3Ealert(1)%3C/script%3E", 400, True),
                  ("/files/%3Cscript%3Ealert(1)", 404, True),
                  ("/static/%3Cscript%3Ealert(1)", 404, True),
                  # forms shown again keep what was typed, escaped
                  ("/t?number=%3Cscript%3Ealert(1)%3C/script%3E", 400, False),
                  ("/login?next=/%22%3E%3Cscript%3Ealert(1)%3C/script%3E", 200, False)]
        for p, status, strict in probes:
            r = anon.get(p)
            check("GET %s → %d" % (p, status), r.status == status, r.describe())
            check("GET %s: no <script in the answer" % p, not foreign_script(r.text),
                  r.describe())
            if strict:
                check("GET %s: the answer does not echo the input" % p,
                      "alert" not in r.text and "alert" not in (r.location or ""), r.describe())
        r = clerk.get("/staff/matters?q=%3Cscript%3Ealert(1)%3C/script%3E")
        check("staff search keeps the query escaped", r.status == 200 and
              not foreign_script(r.text), r.describe())
        res = srv.client("xss-sub")
        title = "<script>alert(1)</script>标题"
        resp, n, k = submit_matter(res, title, "<img src=x onerror=alert(2)>内容")
        check("a title with markup is accepted as text (303)", n, resp.describe())
        if n:
            for who, url in ((anon, "/t/%s?k=%s" % (n, urllib.parse.quote(k))), (anon, "/board"),
                             (clerk, "/staff/m/" + n), (clerk, "/staff/inbox")):
                r = who.get(url)
                check("%s shows the title escaped" % url.split("?")[0],
                      r.status == 200 and not foreign_script(r.text) and
                      "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text and "<img src=x" not in r.text,
                      r.describe())

done()
