#!/usr/bin/env python3
"""Bad input over HTTP: every malformed, oversized or out-of-range request gets the
right 4xx — never a 5xx, never a hang — and changes nothing (matter counts, events
and versions are compared before and after)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (raw_exchange, TIMEOUT, NoResponse, Server, act, board_numbers, check, day,  # noqa: E402
                     done, encode_multipart, events, matter_page, png_1x1, require_binary,
                     section, staff_count, status_of, submit_matter)

require_binary()
MAX_BODY = 5 * 1024 * 1024 + 256 * 1024  # --max-photo-mb 5 (default) + 256 KiB of form
S = {}


def expect(name, status, fn):
    """Run fn() (a request); check its status; a hang or a dropped connection fails."""
    try:
        r = fn()
    except NoResponse as e:
        check("%s → %s" % (name, status), False, "no answer: %s" % e)
        return None
    ok = r.status in status if isinstance(status, (set, tuple)) else r.status == status
    check("%s → %s" % (name, status if not isinstance(status, (set, tuple))
                       else "/".join(map(str, sorted(status)))), ok, r.describe())
    return r


with Server("badinput") as srv:
    admin = srv.staff("admin")
    clerk = srv.staff("clerk1")
    res = srv.client("resident")
    resp, n1, k1 = submit_matter(res, "基线事项", "用于对照的事项。")
    check("setup: a matter submitted", n1, resp.describe())
    S["n1"] = n1

    def counts():
        return staff_count(admin), len(board_numbers(srv.client("b")) or [])

    @section("submission")
    def _():
        before = counts()
        check("setup: counts readable", before[0] == 1 and before[1] == 1, before)
        form = res.get("/submit").page.form(action="/submit")
        base = {"kind": "request", "subkind": "求助", "title": "标题", "description": "内容",
                "is_public": "1", "category": form.first_option("category"),
                "area": form.first_option("area")}

        def sub(over=None, files=None, drop=()):
            f = dict(base)
            f.update(over or {})
            for k in drop:
                f.pop(k, None)
            return res.submit(form, f, files=files, drop=drop)

        r = expect("missing title", 400, lambda: sub({"title": ""}))
        check("… the form comes back with 请填写标题 and the text typed kept",
              r and "请填写标题" in r.text and "内容" in r.text, r and r.describe())
        expect("blank title (spaces)", 400, lambda: sub({"title": "   "}))
        expect("no title field at all", 400, lambda: sub(drop=("title",)))
        expect("missing description", 400, lambda: sub({"description": ""}))
        expect("101-character title", 400, lambda: sub({"title": "长" * 101}))
        r = expect("4001-character description", 400, lambda: sub({"description": "字" * 4001}))
        check("… message 不能超过4000个字", r and "4000" in r.text, r and r.describe())
        expect("unknown kind", 400, lambda: sub({"kind": "bribe"}))
        expect("unknown subkind", 400, lambda: sub({"subkind": "抱怨"}))
        expect("non-numeric category", 400, lambda: sub({"category": "abc"}))
        expect("negative category", 400, lambda: sub({"category": "-1"}))
        expect("unknown category id", 400, lambda: sub({"category": "99999"}))
        expect("non-numeric area", 400, lambda: sub({"area": "1; DROP TABLE matters"}))
        expect("bad phone number", 400, lambda: sub({"phone": "call me maybe"}))
        expect("51-character name", 400, lambda: sub({"name": "名" * 51}))
        expect("invalid UTF-8 (%FF%FE) in an urlencoded field", 400,
               lambda: res.post_form("/submit", list(base.items()) + [("title", b"\xff\xfe")]))
        expect("invalid UTF-8 bytes in a multipart field", 400,
               lambda: res.post_form("/submit", [(k, v) for k, v in base.items() if k != "title"]
                                     + [("title", b"ab\xff\xfecd")], multipart=True))
        expect("overlong UTF-8 (%C0%AF) in a field", 400,
               lambda: res.post_form("/submit", list(base.items()) + [("title", b"\xc0\xaf")]))
        expect("NUL byte (%00) in an urlencoded field", 400,
               lambda: res.post_form("/submit", [(k, v) for k, v in base.items() if k != "title"]
                                     + [("title", b"ab\x00cd")]))
        expect("NUL byte in a multipart field", 400,
               lambda: res.post_form("/submit", [(k, v) for k, v in base.items()
                                                 if k != "description"]
                                     + [("description", b"x\x00y")], multipart=True))
        tok = res.csrf()
        body = ("csrf=%s&kind=request&subkind=%%E6%%B1%%82%%E5%%8A%%A9&title=%%ZZ&description=x"
                % tok).encode()
        expect("bad percent escape (%ZZ) in the body", 400,
               lambda: res.request("POST", "/submit", body=body, headers={
                   "Content-Type": "application/x-www-form-urlencoded"}))
        r = expect("text file renamed .jpg as the photo", 400,
                   lambda: sub(files=[("photo", "photo.jpg", "image/jpeg",
                                       b"this is not a picture\n" * 20)]))
        check("… message names the accepted image types", r and "JPG" in r.text, r and r.describe())
        expect("HTML file declared image/png as the photo", 400,
               lambda: sub(files=[("photo", "x.png", "image/png", b"<html><script>1</script>")]))
        expect("truncated PNG header as the photo", 400,
               lambda: sub(files=[("photo", "x.png", "image/png", png_1x1()[:4])]))
        big = png_1x1() + b"\0" * (5 * 1024 * 1024 + 1 - len(png_1x1()))
        expect("photo of 5 MiB + 1 byte (body under the limit)", 413,
               lambda: sub(files=[("photo", "big.png", "image/png", big)]))
        mp, ctype = encode_multipart(list(base.items()) + [("csrf", tok)], final=False)
        expect("multipart body without its final boundary", 400,
               lambda: res.request("POST", "/submit", body=mp, headers={"Content-Type": ctype}))
        mp2, _ = encode_multipart(list(base.items()) + [("csrf", tok)], boundary="abc")
        expect("multipart Content-Type without a boundary parameter", 400,
               lambda: res.request("POST", "/submit", body=mp2,
                                   headers={"Content-Type": "multipart/form-data"}))
        expect("multipart with a part without Content-Disposition", 400,
               lambda: res.request("POST", "/submit",
                                   body=b"--abc\r\nX: y\r\n\r\nzzz\r\n--abc--\r\n",
                                   headers={"Content-Type": "multipart/form-data; boundary=abc"}))
        cookie = "; ".join("%s=%s" % kv for kv in res.cookies.items())
        head = ("POST /submit HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
                % (cookie, MAX_BODY + 1)).encode()
        st, raw = raw_exchange(srv.port, head)
        check("declared body over the limit (Content-Length %d) → 413" % (MAX_BODY + 1), st == 413,
              raw[:300])
        head = ("POST /submit HTTP/1.1\r\nHost: x\r\nCookie: %s\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                "Transfer-Encoding: chunked\r\n\r\n" % cookie).encode()
        chunk = b"%x\r\n%s\r\n" % (1 << 20, b"a" * (1 << 20))
        st, raw = raw_exchange(srv.port, head, [chunk] * 7 + [b"0\r\n\r\n"])
        check("chunked body growing over the limit (7 MiB) → 413", st == 413, raw[:300])
        after = counts()
        check("nothing was stored by any bad submission (staff list and board unchanged)",
              after == before, (before, after))
        r = expect("4000-character description is accepted", 303, lambda: sub({"description": "字" * 4000}))
        check("… and stored once", counts() == (before[0] + 1, before[1] + 1), counts())

    @section("paths and headers")
    def _():
        anon = srv.client("anon")
        expect("unknown matter /t/TZ-2026-999999", 404, lambda: anon.get("/t/TZ-2026-999999"))
        expect("malformed number /t/not_a..number!", 404, lambda: anon.get("/t/not_a%21number"))
        expect("QR of an unknown matter", 404, lambda: anon.get("/t/TZ-2026-999999/qr.svg?k=abc"))
        expect("staff page of an unknown matter", 404, lambda: clerk.get("/staff/m/TZ-2026-999999"))
        expect("unknown page", 404, lambda: anon.get("/nope"))
        expect("dot-dot segment /static/../t.db", 400, lambda: anon.get("/static/../t.db"))
        expect("encoded dot-dot /static/%2e%2e/t.db", 400, lambda: anon.get("/static/%2e%2e/t.db"))
        expect("encoded slash in a matter number", 400, lambda: anon.get("/t/TZ%2F2026"))
        expect("bad percent escape in the path", 400, lambda: anon.get("/t/%ZZ"))
        expect("invalid UTF-8 in the path", 400, lambda: anon.get("/t/%FF%FE"))
        expect("NUL in the path", 400, lambda: anon.get("/t/a%00b"))
        expect("bad percent escape in the query", 400, lambda: anon.get("/board?kind=%G1"))
        expect("PUT /submit", 405, lambda: anon.request("PUT", "/submit", body=b"x"))
        r = expect("DELETE /board", 405, lambda: anon.request("DELETE", "/board"))
        check("… with Allow: GET, HEAD", r and (r.header("Allow") or "").replace(" ", "") == "GET,HEAD",
              r and r.headers)
        expect("path of 100,000 characters", 414,
               lambda: anon.get("/t/" + "A" * 100000))
        expect("header of 100,000 characters", 431,
               lambda: anon.get("/board", headers={"X-Big": "b" * 100000}))
        expect("cookie header of 100,000 characters", 431,
               lambda: anon.get("/board", headers={"Cookie": "tz_session=" + "c" * 100000}))
        expect("/files/abc", 404, lambda: anon.get("/files/abc"))
        expect("/files/0", 404, lambda: anon.get("/files/0"))
        expect("/files/-1", 404, lambda: anon.get("/files/-1"))
        expect("/files/99999999999999999999 (overflow)", 404,
               lambda: anon.get("/files/99999999999999999999"))
        expect("/static/no-such-file.css", 404, lambda: anon.get("/static/no-such-file.css"))
        st, raw = raw_exchange(srv.port, b"GARBAGE\r\n\r\n", timeout=10)
        check("a request line that is not HTTP → 400 or closed, no hang",
              st in (400, None, 505) and (st is not None or raw == b""), raw[:200])
        r = expect("/healthz still answers", 200, lambda: anon.get("/healthz"))

    @section("filters")
    def _():
        anon = srv.client("filters")
        for q in ("?category=abc", "?area=1.5", "?department=-3", "?department=0x10",
                  "?offset=x", "?offset=-1", "?offset=99999999999", "?status=bogus",
                  "?kind=bogus", "?category=99999999999999999999"):
            expect("/board%s" % q, 400, lambda q=q: anon.get("/board" + q))
        expect("/board?category=&area=&department= (empty means any)", 200,
               lambda: anon.get("/board?category=&area=&department="))
        for q in ("?from=2026-13-01", "?from=2026-02-30", "?to=abc", "?from=2026-1-1",
                  "?to=2026-11-23T00:00", "?from=%00", "?department=abc", "?area=-1",
                  "?category=1x", "?status=closedd", "?offset=-5", "?kind=x"):
            expect("/staff/matters%s" % q, 400, lambda q=q: clerk.get("/staff/matters" + q))
        expect("/staff/matters?from=2026-02-28&to=2026-03-01", 200,
               lambda: clerk.get("/staff/matters?from=2026-02-28&to=2026-03-01"))
        for u in ("/staff/queue?department=x", "/staff/queue?offset=-1",
                  "/staff/overdue?department=1.0", "/staff/admin/departments?edit=abc",
                  "/staff/admin/departments?edit=-2"):
            expect(u, 400, lambda u=u: admin.get(u))
        expect("/staff/admin/departments?edit=99999", 404,
               lambda: admin.get("/staff/admin/departments?edit=99999"))
        expect("/t?number=TZ 2026 000001 (bad characters)", 400,
               lambda: anon.get("/t?number=TZ%202026%20000001!"))
        expect("/t?number= of 200 characters", 400, lambda: anon.get("/t?number=" + "A" * 200))

    @section("actions")
    def _():
        n = S["n1"]
        mp = matter_page(clerk, n)
        form = mp.page.form(hidden_action="accept")
        v = form.get("version")
        ev0 = events(mp.page)
        url = "/staff/m/%s/act" % n

        def post(fields):
            return clerk.post_form(url, fields)
        expect("unknown action name", 400, lambda: post([("action", "approve"), ("version", v)]))
        expect("empty action name", 400, lambda: post([("action", ""), ("version", v)]))
        expect("no version", 400, lambda: post([("action", "accept")]))
        expect("non-numeric version", 400, lambda: post([("action", "accept"), ("version", "abc")]))
        expect("version 0", 400, lambda: post([("action", "accept"), ("version", "0")]))
        expect("a version that does not match (version + 5)", 409,
               lambda: post([("action", "accept"), ("version", str(int(v) + 5))]))
        expect("action on an unknown matter", 404,
               lambda: clerk.post_form("/staff/m/TZ-2026-999999/act",
                                       [("action", "accept"), ("version", "1")]))
        af = mp.page.form(hidden_action="assign")
        dep = af.option_value("department", "城市管理局")
        for name, over, st in (
                ("assign with a past deadline", {"department": dep, "deadline": day(-3)}, 400),
                ("assign with an impossible date 2026-02-30", {"department": dep,
                                                                "deadline": "2026-02-30"}, 400),
                ("assign with deadline 'tomorrow'", {"department": dep, "deadline": "tomorrow"}, 400),
                ("assign with a non-numeric department", {"department": "abc"}, 400),
                ("assign to an unknown department", {"department": "99999"}, 400),
                ("assign without a department", {"department": ""}, 400),
                ("assign with a non-numeric co-department", {"department": dep,
                                                             "codepartment": "x"}, 400),
                ("assign with the lead department as co-department", {"department": dep,
                                                                      "codepartment": dep}, 400),
                ("assign with a non-numeric assignee", {"department": dep, "assignee": "x"}, 400),
                ("assign note of 2001 characters", {"department": dep, "note": "注" * 2001}, 400)):
            expect(name, st, lambda over=over: clerk.submit(af, over))
        expect("reject without a reason", 400,
               lambda: post([("action", "reject"), ("version", v), ("note", "")]))
        expect("merge into an unknown matter", {400, 404},
               lambda: post([("action", "merge"), ("version", v), ("merge_into", "TZ-2026-999999")]))
        expect("merge into itself", 400,
               lambda: post([("action", "merge"), ("version", v), ("merge_into", n)]))
        expect("resolve a matter not yet assigned (wrong state)", 409,
               lambda: admin.post_form(url, [("action", "resolve"), ("version", v),
                                             ("note", "结果")]))
        after = matter_page(clerk, n)
        check("… the matter is unchanged: 待受理, same events, same version",
              "待受理" in status_of(after.page) and events(after.page) == ev0 and
              after.page.form(hidden_action="accept").get("version") == v, events(after.page))
        r = act(clerk, n, "accept", {"note": "受理"})
        check("a correct accept still works afterwards (303)", r.status == 303, r.describe())
        expect("stale version: assign with the version from before the accept", 409,
               lambda: clerk.submit(af, {"department": dep, "deadline": day(5)}))
        r = act(clerk, n, "assign", {"department": dep, "deadline": day(0)})
        check("assign with today's date as deadline is fine (303)", r.status == 303, r.describe())
        h = srv.staff("hroad")
        ev1 = events(matter_page(h, n).page)

        def fresh(action):
            return matter_page(h, n).page.form(hidden_action=action)
        expect("progress note of 2001 characters", 400,
               lambda: h.submit(fresh("progress"), {"note": "进" * 2001}))
        expect("empty progress note", 400, lambda: h.submit(fresh("progress"), {"note": ""}))
        expect("request_extension to a date before the deadline", 400,
               lambda: h.submit(fresh("request_extension"), {"deadline": day(-1), "note": "理由"}))
        expect("resolve without a result", 400, lambda: h.submit(fresh("resolve"), {"note": ""}))
        after = matter_page(h, n)
        check("… the matter is unchanged after the refused handler actions",
              events(after.page) == ev1 and "已派单" in status_of(after.page),
              [w for w, _ in events(after.page)])
        # blank-but-not-empty texts: each on its own, as each changes the matter if accepted
        r = expect("progress note of only spaces", 400,
                   lambda: h.submit(fresh("progress"), {"note": "   "}))
        f = fresh("resolve")
        if f:
            expect("resolve with a result of only spaces and newlines", 400,
                   lambda: h.submit(f, {"note": " \r\n "}))
        else:
            check("resolve with a result of only spaces and newlines → 400", False,
                  "no resolve form left to try")

    @section("rating")
    def _():
        rr = srv.client("rater")
        resp, n, k = submit_matter(rr, "评价用事项", "用于评价输入测试。")
        mp = matter_page(clerk, n)
        dep = mp.page.form(hidden_action="assign").option_value("department", "城市管理局")
        r1 = act(clerk, n, "assign", {"department": dep, "deadline": day(4)})
        r2 = act(srv.staff("hroad"), n, "resolve", {"note": "已处理。"})
        check("setup: matter assigned and resolved", r1.status == 303 and r2.status == 303,
              (r1.describe(), r2.describe()))
        res, n1, k1 = rr, n, k
        p = res.get("/t/%s?k=%s" % (n, k1))
        rate = p.page.form(action="/t/%s/rate" % n)
        check("setup: the rating form is offered", rate is not None, p.describe())
        expect("rating with an unknown value", 400, lambda: res.submit(rate, {"rating": "great"}))
        expect("rating without a value", 400, lambda: res.submit(rate, {}, drop=("rating",)))
        expect("rating note of 501 characters", 400,
               lambda: res.submit(rate, {"rating": "satisfied", "note": "好" * 501}))
        expect("rating note with invalid UTF-8", 400,
               lambda: res.submit(rate, {"rating": "satisfied", "note": b"\xff"}))
        still = res.get("/t/%s?k=%s" % (n, k1))
        check("… still unrated: the rating form is still offered",
              still.page.form(action="/t/%s/rate" % n) is not None, still.describe())

done()
