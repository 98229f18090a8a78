#!/usr/bin/env python3
"""The kiosk /screen (电子屏公开查询) and the elderly-friendly switch /care over HTTP.

The browser tests (tests/browser/test_screen.mjs) watch the kiosk page itself; this one
checks what the server answers, and runs under valgrind too: the open public matters, the
ones closed in the last 30 days struck through (<s>), the three rates, never a private
matter or a resident's name or phone; the refresh and slide intervals and their 400s; the
page's script from /static under the CSP. /care: the cookie, the way back, no open
redirect, CSRF, and the mode only on resident pages."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, act, check, done, matter_page, require_binary, section,  # noqa: E402
                     submit_matter)

require_binary()
NAME, PHONE = "欧阳淼", "13611112222"

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

done()
