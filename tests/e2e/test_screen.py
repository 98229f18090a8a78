#!/usr/bin/env python3
"""The kiosk /screen (电子屏公开查询) and the elderly-friendly switch /care over HTTP.

The browser tests (tests/browser/test_screen.mjs) watch the kiosk page itself; this one
checks what the server answers, and runs under valgrind too: the open public matters, the
ones closed in the last 30 days struck through (<s>), the three rates, never a private
matter or a resident's name or phone; the refresh and slide intervals and their 400s; the
page's script from /static under the CSP; 近30天销号 counted by the day each matter was
closed; the overdue count over every year; the slides kept a short while for every
screen and then refreshed; an error answered with a page that reloads itself. /care: the
cookie, the way back, no open redirect, CSRF, the mode only on resident pages, and the
switch on a form sent back."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, act, check, db_exec, done, matter_page, require_binary, section,  # noqa: E402
                     submit_matter)

require_binary()
NAME, PHONE = "欧阳淼", "13611112222"
KEEP_MAX = 60  # seconds the kiosk keeps its slides at most (screen.c CACHE_MAX)


def screen_until(client, ok, path="/screen"):
    """GET path until ok(response) or the slides kept have surely been computed
    again (KEEP_MAX and a margin); the last answer."""
    deadline = time.time() + KEEP_MAX + 15
    while True:
        r = client.get(path)
        if ok(r) or time.time() > deadline:
            return r
        time.sleep(0.5)


def slide_text(r, name):
    s = r.page.find("section", cls="slide", **{"data-slide": name}) if r.status == 200 else None
    return s.text() if s else ""


def ledger(srv, sql, *args):
    """A change made behind the server's back (the test's own setup)."""
    db_exec(srv, sql, args)

with Server("screen") as srv:
    web = srv.client("resident")
    clerk = srv.staff("clerk1")
    leader = srv.staff("leader1")
    handler = srv.staff("hroad")
    _, open_no, _ = submit_matter(web, "胜利街路灯不亮", "晚上一片漆黑。", name=NAME, phone=PHONE)
    _, private_no, _ = submit_matter(web, "家中老人需要上门帮扶", "独居老人。", public=False)
    _, closed_no, _ = submit_matter(web, "东风村村口垃圾堆放", "气味很大。")
    check("three matters handed in", open_no and private_no and closed_no)

    @section("a matter closed (销号)")
    def _():
        act(clerk, closed_no, "accept")
        form = matter_page(clerk, closed_no).page.form(hidden_action="assign")
        act(clerk, closed_no, "assign", {"department": form.option_value("department", "城市管理局")})
        act(handler, closed_no, "resolve", {"note": "已清运。"})
        r = act(leader, closed_no, "close")
        check("closed through the staff pages", r.status == 303, r.describe())

    @section("/screen: public fields, three slides")
    def _():
        r = web.get("/screen")
        check("/screen answers 200 to anyone", r.status == 200, r.describe())
        text = r.text
        slides = {s.attrs.get("data-slide"): s for s in r.page.find_all("section", cls="slide")}
        check("three slides: open, closed, rates", sorted(slides) == ["closed", "open", "rates"], sorted(slides))
        check("the open public matter is on the open slide",
              open_no in slides["open"].text() and "胜利街路灯不亮" in slides["open"].text())
        closed = slides["closed"].find("li", cls="k-closed")
        check("the closed matter is on the closed slide, its title struck through (<s>)",
              closed is not None and closed_no in closed.text() and
              closed.find("s") is not None and "东风村村口垃圾堆放" in closed.find("s").text())
        check("the closed matter is not on the open slide", closed_no not in slides["open"].text())
        check("the rates slide names the three rates",
              all(w in slides["rates"].text() for w in ("响应率", "解决率", "满意率")))
        check("no private matter", private_no not in text and "上门帮扶" not in text)
        check("no resident's name or phone", NAME not in text and PHONE not in text and
              PHONE[-4:] not in text)
        check("the script comes from /static (CSP script-src 'self')",
              [s.get("src") for s in r.page.scripts] == ["/static/screen.js"])
        check("the CSP allows no inline script", "script-src 'self'" in (r.header("Content-Security-Policy") or ""))
        check("the notice for a lost connection is there, hidden",
              re.search(r'<p id="conn"[^>]*role="status"[^>]*hidden>连接中断，正在重试…</p>', text) is not None)
        js = web.get("/static/screen.js")
        check("/static/screen.js is served as JavaScript", js.status == 200 and
              js.ctype.startswith("text/javascript") and "DOMParser" in js.text, js.describe())

    @section("/screen: intervals")
    def _():
        r = web.get("/screen?refresh=5&every=8")
        check("refresh and every go to the page's data attributes",
              r.status == 200 and 'data-refresh="5" data-every="8"' in r.text, r.describe())
        for q in ("refresh=1", "refresh=abc", "every=601", "refresh=3601", "every=-1"):
            r = web.get("/screen?" + q)
            check("/screen?%s: 400 in Chinese" % q, r.status == 400 and "刷新间隔不正确" in r.text, r.describe())

    @section("/screen: 近30天销号 by closing day, overdue over every year")
    def _():
        now = int(time.time())
        _, old_closed, _ = submit_matter(web, "建设路旧路灯更换", "去年的事。")
        _, old_open, _ = submit_matter(web, "人民路积水", "前年反映的，至今未办。")
        _, old_private, _ = submit_matter(web, "独居老人房屋漏雨", "前年反映。", public=False)
        # Closed 40 days ago (outside the 30 days), and two matters handed in two
        # years ago that are still open and long past their deadline.
        ledger(srv, "UPDATE matters SET status = 'closed', closed_at = ? WHERE number = ?",
               now - 40 * 86400, old_closed)
        for n in (old_open, old_private):
            ledger(srv, "UPDATE matters SET created_at = ?, deadline = '2024-12-31' WHERE number = ?",
                   now - 730 * 86400, n)
        r = screen_until(web, lambda r: old_closed not in r.text and "共 1 件" in slide_text(r, "closed") and
                         "超期 1 件" in slide_text(r, "rates"))
        closed = slide_text(r, "closed")
        check("近30天销号: the matter closed today, counted (共 1 件)",
              closed_no in closed and "共 1 件" in closed, closed)
        check("近30天销号: a matter closed 40 days ago is neither listed nor counted",
              old_closed not in r.text, closed)
        rates = slide_text(r, "rates")
        check("the overdue count takes every year's public open matters past their deadline "
              "(one from two years ago), never a private one", "公开事项当前超期 1 件" in rates, rates)
        check("the matter from two years ago is on the open slide, overdue",
              old_open in slide_text(r, "open") and "已超期" in slide_text(r, "open"))

    @section("/screen: slides kept for every screen, then refreshed")
    def _():
        a = web.get("/screen?refresh=5&every=8")
        b = web.get("/screen?every=30")
        body = lambda r: re.search(r'<main id="slides">.*</main>', r.text, re.S).group(0)  # noqa: E731
        check("the slides do not depend on refresh and every (one copy for every screen)",
              a.status == b.status == 200 and body(a) == body(b))
        _, fresh, _ = submit_matter(web, "光明巷垃圾桶破损", "请更换。")
        r = screen_until(web, lambda r: fresh in r.text)
        check("a matter handed in shows once the slides kept are computed again (within %d s)" % KEEP_MAX,
              fresh in slide_text(r, "open"), r.describe())

    @section("/screen: errors")
    def _():
        r = web.post_form("/screen", [("x", "1")])
        check("POST /screen: 405, the kiosk's error page, no reload (an address error stays)",
              r.status == 405 and 'class="kiosk"' in r.text and 'http-equiv="refresh"' not in r.text,
              r.describe())
        r = web.get("/screen?refresh=1")
        check("a bad interval: 400 without a reload", r.status == 400 and 'http-equiv="refresh"' not in r.text)
        # A fault only a test makes: a table the slides read is away.
        ledger(srv, "ALTER TABLE areas RENAME TO areas_away")
        try:
            r = screen_until(web, lambda r: r.status >= 500)
        finally:
            ledger(srv, "ALTER TABLE areas_away RENAME TO areas")
        m = re.search(r'<meta http-equiv="refresh" content="(\d+)">', r.text)
        check("a database error: 500 with a page that reloads itself after 30 to 60 s",
              r.status == 500 and m is not None and 30 <= int(m.group(1)) <= 60 and
              'class="kiosk"' in r.text and "本页稍后自动重试" in r.text and "screen.js" not in r.text,
              r.describe())
        srv.server_errors = [e for e in srv.server_errors if "/screen" not in e.split("\n")[0]]
        r = web.get("/screen")
        check("after the fault: the slides again", r.status == 200 and 'id="slides"' in r.text, r.describe())

    @section("/care: the elderly-friendly mode")
    def _():
        c = srv.client("elder")
        page = c.get("/board")
        form = page.page.form(action="/care", method="post")
        check("every resident page has the switch", form is not None and form.get("on") == "1" and
              form.get("back") == "/board")
        r = c.post_form("/care", [("on", "1"), ("back", "/board?status=open")], csrf=None)
        check("/care without the CSRF token: 403, nothing set", r.status == 403 and "tz_care" not in c.cookies,
              r.describe())
        r = c.submit(form, {"back": "/board?status=open"})
        check("/care on=1: back to the page, cookie for a year",
              r.status == 303 and r.location == "/board?status=open" and
              any(v.startswith("tz_care=1;") and "Max-Age=31536000" in v for v in r.headers_all("Set-Cookie")),
              r.describe())
        home = c.get("/")
        check("the resident pages are then in large type (html.care) and say so",
              '<html lang="zh-CN" class="care">' in home.text and 'aria-pressed="true"' in home.text)
        for bad in ("//evil.example/x", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", ""):
            r = c.submit(home.page.form(action="/care"), {"back": bad, "on": "1"})
            check("/care back=%r: no open redirect (to /)" % bad, r.status == 303 and r.location == "/",
                  r.describe())
        r = c.submit(home.page.form(action="/care"), {"on": "2"})
        check("/care on=2: 400 in Chinese", r.status == 400 and "大字关怀版" in r.text, r.describe())
        staff = srv.staff("clerk1")
        staff.cookies["tz_care"] = "1"
        r = staff.get("/staff")
        check("staff pages are never in the resident's large type", r.status == 200 and 'class="care"' not in r.text)
        r = c.submit(c.get("/").page.form(action="/care"), {"on": "0"})
        check("/care on=0: the cookie is deleted", r.status == 303 and "tz_care" not in c.cookies and
              'class="care"' not in c.get("/").text, r.describe())
        sw = c.get("/submit").page.form(action="/care")
        check("on a page asked for with GET the switch is there to press",
              sw is not None and "hidden" not in sw.node.attrs and "data-inplace" not in sw.node.attrs)
        form = c.get("/submit").page.form(action="/submit", method="post")
        r = c.submit(form, {"title": "", "description": "东风街井盖松动，请尽快处理。"})
        sw = r.page.form(action="/care") if r.status == 400 else None
        check("on the form sent back with an error (an answer to a POST) the switch is hidden, for "
              "form.js to switch in place: going back to it would lose what was typed",
              sw is not None and "hidden" in sw.node.attrs and "data-inplace" in sw.node.attrs and
              "东风街井盖松动" in r.text, r.describe())

done()
