#!/usr/bin/env python3
"""Rate limits on public submission: one address through the form, one API key through
Open311. Over the limit: 429 with Retry-After, in the page's or the API's shape, and the
ledger unchanged; staff intake is not limited; another address or key is not affected."""
import json
import time

from harness import (Server, check, db_rows, done, new_api_key, note, require_binary, section,
                     submit_matter)

require_binary()

FORM_LIMIT = 3
APP_LIMIT = 2


def count(db, sql="SELECT count(*) FROM matters", args=()):
    return db_rows(db, sql, args)[0][0]


def away_from_hour_edge():
    """Limits count in clock-hour windows: start well inside one, so the test's few
    seconds cannot straddle two windows."""
    left = 3600 - int(time.time()) % 3600
    if left < 60:
        note("waiting %d s for the next hour's window" % (left + 1))
        time.sleep(left + 1)


def open311_post(client, key, text):
    body = "&".join([
        "api_key=" + key, "service_code=traffic", "lat=38.30412", "long=116.83881",
        "description=" + text])
    return client.request("POST", "/open311/v2/requests.json", body=body.encode(),
                          headers={"Content-Type": "application/x-www-form-urlencoded"})


def submit_from(client, title, forwarded_for):
    """Submit through the form with an X-Forwarded-For header. Returns the response."""
    r = client.get("/submit")
    form = r.page.form(action="/submit", method="post")
    vals = form.values({"kind": "request", "subkind": "求助", "title": title,
                        "description": "详细情况见标题。", "is_public": "1",
                        "category": form.first_option("category"),
                        "area": form.first_option("area"),
                        "dup_ok": "1"}, ())  # alike titles: skip the duplicate notice
    return client.post_form("/submit", vals, multipart=form.enctype.startswith("multipart/"),
                            headers={"X-Forwarded-For": forwarded_for})


with Server("ratelimit", extra_args=["--submit-limit", str(FORM_LIMIT),
                                     "--app-submit-limit", str(APP_LIMIT)]) as srv:
    away_from_hour_edge()

    @section("the public form: %d per address per hour" % FORM_LIMIT)
    def _():
        resident = srv.client("resident")
        numbers = []
        for i in range(FORM_LIMIT):
            r, number, _ = submit_matter(resident, "路灯不亮第%d处" % (i + 1))
            numbers.append(number)
            check("form submission %d of %d is accepted" % (i + 1, FORM_LIMIT), number,
                  r.describe())
        before = count(srv.db)
        r, number, _ = submit_matter(resident, "路灯不亮又一处")
        check("the next one from the same address → 429", r.status == 429 and not number,
              r.describe())
        ra = r.header("Retry-After") or ""
        check("… with Retry-After in seconds, within the hour",
              ra.isdigit() and 1 <= int(ra) <= 3600, ra)
        check("… a Chinese page that says to try later", "稍后" in r.text, r.text[:400])
        check("… and nothing added to the ledger", count(srv.db) == before,
              (before, count(srv.db)))

    @section("staff intake is not limited by the public form's limit")
    def _():
        clerk = srv.staff("clerk1")
        r = clerk.get("/staff/new")
        form = r.page.form(action="/staff/new", method="post") if r.status == 200 else None
        check("the intake page has its form", form is not None, r.describe())
        if not form:
            return
        before = count(srv.db)
        resp = clerk.submit(form, {"title": "代录：小区门口积水", "description": "电话反映。",
                                   "name": "王大爷", "phone": "13800138000"})
        check("the clerk's intake is accepted (303 to the matter)",
              resp.status == 303 and "/staff/m/" in (resp.location or ""), resp.describe())
        check("… and in the ledger", count(srv.db) == before + 1)

    @section("Open311: %d per API key per hour" % APP_LIMIT)
    def _():
        app = srv.client("app")
        key1, key2 = new_api_key(srv.db, "城管通", "app"), new_api_key(srv.db, "随手拍", "app")
        for i in range(APP_LIMIT):
            r = open311_post(app, key1, "井盖破损%d" % i)
            check("Open311 request %d of %d is accepted" % (i + 1, APP_LIMIT), r.status == 200,
                  r.describe())
        before = count(srv.db)
        r = open311_post(app, key1, "井盖又破损")
        doc = None
        try:
            doc = json.loads(r.text)
        except ValueError:
            pass
        check("the next one with the same key → 429 with the spec's error list",
              r.status == 429 and isinstance(doc, list) and doc and doc[0].get("code") == 429
              and doc[0].get("description"), r.describe())
        check("… with Retry-After", (r.header("Retry-After") or "").isdigit(), r.describe())
        check("… and nothing added to the ledger", count(srv.db) == before)
        r = open311_post(app, key2, "另一应用的井盖诉求")
        check("another key is not affected", r.status == 200, r.describe())

    @section("without a trusted proxy, X-Forwarded-For is not believed")
    def _():
        r = submit_from(srv.client("spoofer"), "伪造来源地址", "198.51.100.9")
        check("an address over its limit stays limited whatever X-Forwarded-For says",
              r.status == 429, r.describe())

    @section("limits live in the database and outlast a restart")
    def _():
        check("rate_limits holds the address's and the key's counts",
              count(srv.db, "SELECT count(*) FROM rate_limits WHERE key LIKE 'submit:%'") == 1
              and count(srv.db, "SELECT count(*) FROM rate_limits WHERE key LIKE 'app:%'") == 2)
        srv.restart()
        r, number, _ = submit_matter(srv.client("resident2"), "重启后再提交")
        check("after a restart the address is still over its limit → 429",
              r.status == 429 and not number, r.describe())

with Server("behind a proxy", extra_args=["--submit-limit", "1",
                                          "--trusted-proxy", "127.0.0.1"]) as srv:
    away_from_hour_edge()

    @section("behind the trusted proxy, the client is the address the proxy appended")
    def _():
        c = srv.client("proxy")
        r = submit_from(c, "甲村反映", "203.0.113.1")
        check("the first from 203.0.113.1 is accepted", r.status == 303, r.describe())
        r = submit_from(c, "甲村再反映", "203.0.113.1")
        check("the second from 203.0.113.1 → 429", r.status == 429, r.describe())
        r = submit_from(c, "乙村反映", "203.0.113.2")
        check("another client behind the same proxy is accepted", r.status == 303,
              r.describe())
        r = submit_from(c, "伪造", "203.0.113.1, 203.0.113.3")
        check("only the entry the proxy appended counts (a client's own prefix is ignored)",
              r.status == 303, r.describe())
        r = submit_from(c, "乱写", "not-an-address")
        check("a malformed X-Forwarded-For falls back to the proxy's own address",
              r.status == 303, r.describe())
        check("the limits were counted per client address",
              count(srv.db, "SELECT count(*) FROM rate_limits WHERE key IN "
                            "('submit:203.0.113.1', 'submit:203.0.113.2', "
                            "'submit:203.0.113.3', 'submit:127.0.0.1')") == 4)

done()
