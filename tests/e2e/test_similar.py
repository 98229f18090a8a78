#!/usr/bin/env python3
"""Duplicate detection over real HTTP: the resident sees 相似的事项正在办理中 with a link
and may follow that matter or submit anyway with nothing typed lost; private matters and
residents' personal data never reach that notice; the clerk sees 疑似重复 with scores and
merges with one action; GET /api/v1/matters/{number}/similar (shape, order, roles, 404);
the staff API's create answer lists `similar`, and no channel is ever refused for a
duplicate."""
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (new_api_key, png_1x1, NUMBER_RE, Server, check, db_rows, done,  # noqa: E402
                     require_binary, section, short, submit_matter)

require_binary()

TITLE = "新华社区3号楼下水道堵塞，污水外溢"
DESC = "新华社区3号楼2单元门前的下水道堵了三天，污水从井口往外冒，味道很大，老人孩子出门都得绕着走，希望尽快派人疏通。"
AGAIN_TITLE = "新华社区3号楼门口下水道堵了"
AGAIN_DESC = "3号楼二单元门口下水道堵塞好几天了，污水往外冒，臭味很大，老人孩子出门都得绕着走，请尽快疏通。"
PRIV_TITLE = "举报新华社区东门一家超市销售过期奶粉"
PRIV_DESC = "在新华社区东门那家超市买的奶粉已经过期两个月，货架上还有好几罐同样的，店主不让退。"
A_NAME, A_PHONE = "亓鹂燚", "15820937716"
B_NAME, B_PHONE = "禚翀彧", "13977120458"
P_NAME, P_PHONE = "隗霁甄", "17730418825"
S = {}


def matter_count(srv):
    return db_rows(srv, "SELECT count(*) FROM matters")[0][0]


def api(srv, method, path, key=None, body=None):
    c = srv.client("api")
    h = {"Authorization": "Bearer " + key} if key else {}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        h["Content-Type"] = "application/json"
    r = c.request(method, path, body=data, headers=h, cookies=False)
    try:
        j = json.loads(r.body.decode("utf-8")) if r.body else None
    except ValueError:
        j = None
    return r, j


def resident_form(client, title, desc, name, phone, public=True):
    r = client.get("/submit")
    form = r.page.form(action="/submit", method="post")
    fields = {"kind": "request", "subkind": "求助", "title": title, "description": desc,
              "name": name, "phone": phone, "category": form.option_value("category", "供水") or
              form.first_option("category"), "area": form.option_value("area", "新华社区")}
    if public:
        fields["is_public"] = "1"
    return form, fields


with Server("similar") as srv:
    resident = srv.client("resident")

    @section("setup: a public matter and a private one")
    def _():
        form, fields = resident_form(resident, TITLE, DESC, A_NAME, A_PHONE)
        S["category"], S["area"] = fields["category"], fields["area"]
        r, n, _ = submit_matter(resident, TITLE, DESC, name=A_NAME, phone=A_PHONE,
                                category=S["category"], area=S["area"])
        check("the first report is handed in", n, r.describe())
        S["p1"] = n
        r, n, _ = submit_matter(srv.client("other"), PRIV_TITLE, PRIV_DESC, name=P_NAME,
                                phone=P_PHONE, public=False, category=S["category"],
                                area=S["area"])
        check("a private report is handed in", n, r.describe())
        S["priv"] = n

    @section("resident: the notice, with everything typed kept")
    def _():
        b = srv.client("resident-b")
        form, fields = resident_form(b, AGAIN_TITLE, AGAIN_DESC, B_NAME, B_PHONE)
        before = matter_count(srv)
        photo = ("photo", "drain.png", "image/png", png_1x1())
        r = b.submit(form, fields, files=[photo])
        page = r.page if r.is_html else None
        check("a report like a public one comes back 200 with 相似的事项正在办理中",
              r.status == 200 and page and "相似的事项正在办理中" in page.text(), r.describe())
        check("nothing is stored yet", matter_count(srv) == before, matter_count(srv))
        links = [a.attrs.get("href") for a in page.find_all("a")] if page else []
        check("the notice links to the public page of the matter being handled",
              "/t/" + S["p1"] in links, links)
        again = page.form(action="/submit", method="post") if page else None
        kept = again and all(again.get(k) == fields[k] for k in
                             ("title", "description", "name", "phone", "category", "area",
                              "kind", "subkind", "is_public"))
        check("the form comes back with every field as typed",
              kept, again and [(k, again.get(k), fields[k]) for k in fields])
        check("it carries the 'submit anyway' flag and a 仍然提交 button",
              again and again.get("dup_ok") == "1" and "仍然提交" in page.text(),
              again and again.fields)
        check("it says the photo must be chosen again", page and "重新选择" in page.text())
        text = r.text
        check("no resident's personal data and no private matter in the notice",
              not any(x in text for x in (A_NAME, A_PHONE, P_NAME, P_PHONE, PRIV_TITLE,
                                          S["priv"])), short(text))
        # follow the matter instead: its public page, and still nothing new stored
        t = b.get("/t/" + S["p1"])
        check("following it: its public page answers 200 with its title",
              t.status == 200 and TITLE in t.text, t.describe())
        check("following it stores nothing", matter_count(srv) == before)
        # or submit anyway, the photo chosen again
        r2 = b.submit(again, files=[photo])
        m = re.match(r"^/t/(%s)\?k=" % NUMBER_RE, r2.location or "")
        check("仍然提交 → 303 to the new matter's tracking page", r2.status == 303 and m,
              r2.describe())
        S["p2"] = m.group(1) if m else None
        row = db_rows(srv, "SELECT title, description, submitter_name, submitter_phone, public,"
                      " (SELECT count(*) FROM attachments a WHERE a.matter_id = m.id)"
                      " FROM matters m WHERE number = ?", (S["p2"],))
        check("the new matter has everything the resident typed, and the photo",
              row and row[0] == (AGAIN_TITLE, AGAIN_DESC, B_NAME, B_PHONE, 1, 1), row)

    @section("resident: a private matter is never offered")
    def _():
        c = srv.client("resident-c")
        form, fields = resident_form(c, PRIV_TITLE, PRIV_DESC, "", "", public=False)
        r = c.submit(form, fields, drop=("is_public",))
        check("a report alike only a private matter is handed in at once (303)",
              r.status == 303 and "/t/" in (r.location or ""), r.describe())
        check("and the private matter's title never shows", PRIV_TITLE not in r.text)

    @section("clerk: 疑似重复 with scores and a one-click merge")
    def _():
        clerk = srv.staff("clerk1")
        r = clerk.get("/staff/m/" + S["p2"])
        card = r.page.find(id="similar") if r.is_html else None
        text = " ".join(card.text().split()) if card else ""
        check("the matter page shows 疑似重复 with the earlier matter and its score",
              card is not None and "疑似重复" in text and S["p1"] in text and
              re.search(r"相似度 (0\.\d\d|1\.00)", text), text or r.describe())
        merge = None
        for f in (r.page.forms() if r.is_html else []):
            if f.get("merge_into") == S["p1"] and f.action.endswith("/act"):
                merge = f
        check("a merge form prefilled with the candidate posts to the action route", merge)
        resp = clerk.submit(merge, {"action": "merge"})
        check("one click merges: 303 back to the matter", resp.status == 303, resp.describe())
        row = db_rows(srv, "SELECT m.status, t.number FROM matters m JOIN matters t"
                      " ON t.id = m.merged_into WHERE m.number = ?", (S["p2"],))
        check("the matter is merged into the candidate", row == [("merged", S["p1"])], row)
        ev = db_rows(srv, "SELECT action FROM events e JOIN matters m ON m.id = e.matter_id"
                     " WHERE m.number = ? ORDER BY e.id DESC LIMIT 1", (S["p1"],))
        check("the candidate's log records the merge", ev == [("merged_in",)], ev)
        obs = srv.staff("obs1")
        r = obs.get("/staff/m/" + S["p1"])
        check("an observer sees no merge button", r.status == 200 and
              not any(f.get("merge_into") for f in r.page.forms()), r.describe())

    @section("API: GET /api/v1/matters/{number}/similar")
    def _():
        S["clerk_key"] = clerk_key = new_api_key(srv.db, "clerk-key", "clerk")
        obs_key = new_api_key(srv.db, "obs-key", "observer")
        app_key = S["app_key"] = new_api_key(srv.db, "app-key", "app")
        # two more alike matters, one closer than the other
        r, j = api(srv, "POST", "/api/v1/matters", clerk_key, {
            "kind": "request", "category": "water", "area": "xinhua", "channel": "hotline",
            "title": TITLE, "description": DESC + "今天又反映一次。",
            "submitter": {"name": B_NAME, "phone": B_PHONE}, "public": True})
        check("staff create of a duplicate is not refused (201)", r.status == 201, r.describe())
        sim = (j or {}).get("similar")
        check("the create answer lists `similar` with the earlier matter",
              isinstance(sim, list) and any(x.get("number") == S["p1"] for x in sim), j)
        S["p3"] = (j or {}).get("number")
        r, j = api(srv, "GET", "/api/v1/matters/%s/similar" % S["p3"], clerk_key)
        items = (j or {}).get("items")
        check("200 with items", r.status == 200 and isinstance(items, list) and items, r.describe())
        check("each item is exactly number, title, status, score (0..1)",
              items and all(set(x) == {"number", "title", "status", "score"} and
                            0 <= x["score"] <= 1 for x in items), items)
        scores = [x["score"] for x in items or []]
        check("best first", scores == sorted(scores, reverse=True), scores)
        numbers = [x["number"] for x in items or []]
        check("the earlier open matter is there; the merged one and itself are not",
              S["p1"] in numbers and S["p2"] not in numbers and S["p3"] not in numbers, numbers)
        check("staff see the private matter's candidates too (none here)",
              S["priv"] not in numbers, numbers)
        r, j = api(srv, "GET", "/api/v1/matters/%s/similar?limit=1" % S["p3"], obs_key)
        check("an observer may read it; limit=1 gives one",
              r.status == 200 and len((j or {}).get("items", [])) == 1, r.describe())
        r, j = api(srv, "GET", "/api/v1/matters/%s/similar?limit=0" % S["p3"], clerk_key)
        check("limit=0 → 400 bad parameter", r.status == 400 and (j or {}).get("code") == 1007,
              r.describe())
        r, j = api(srv, "GET", "/api/v1/matters/TZ-1999-999999/similar", clerk_key)
        check("unknown number → 404 with code 3000",
              r.status == 404 and (j or {}).get("code") == 3000, r.describe())
        r, j = api(srv, "GET", "/api/v1/matters/%s/similar" % S["p3"])
        check("no key → 401", r.status == 401 and (j or {}).get("code") == 2000, r.describe())
        r, j = api(srv, "GET", "/api/v1/matters/%s/similar" % S["p3"], app_key)
        check("an app key → 403", r.status == 403, r.describe())

    @section("apps: never refused, and shown public matters only")
    def _():
        key = S["app_key"]
        r, j = api(srv, "POST", "/api/v1/matters", key, {
            "kind": "request", "category": "water", "area": "xinhua",
            "title": PRIV_TITLE, "description": PRIV_DESC,
            "submitter": {"name": "", "phone": "13800000000"}})
        sim = (j or {}).get("similar")
        check("an app's create of a text like a private matter: 201",
              r.status == 201 and isinstance(sim, list), r.describe())
        check("and its `similar` never names the private matter",
              not any(x.get("number") == S["priv"] for x in sim or []) and
              PRIV_TITLE not in json.dumps([x.get("title") for x in sim or []], ensure_ascii=False),
              sim)
        body = "&".join(["api_key=" + key, "service_code=water", "lat=38.30412",
                         "long=116.83881", "description=" + urllib.parse.quote(DESC)])
        c = srv.client("o311")
        r = c.request("POST", "/open311/v2/requests.json", body=body.encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        check("Open311 POST of a duplicate text is handed in (200 with its id)",
              r.status == 200 and "service_request_id" in r.text, r.describe())

done()
