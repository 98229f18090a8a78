#!/usr/bin/env python3
"""Residents' personal data never leaves the staff side.

Matters are handed in with distinctive names, phones, ID numbers and contacts through every
door: the public form /submit, Open311 POST (first_name, last_name, phone, email,
device_id), the staff intake page /staff/new (代录) and the staff API; staff write public
progress notes and results. Then every public page (a crawl from /, /board and /t along
every link, every matter's public page and tracking page without the 查询码), every public
API answer (Open311 discovery, services, requests, one request, tokens, updates, in XML and
JSON), /metrics and the server's own log must hold none of it: not the strings, not the
digits with separators removed, not one character of the names. The observer's pages and
API answers must hold none of it either, while a clerk does see all of it (so the test
cannot pass on pages that show nothing)."""
import io
import json
import os
import re
import sys
import urllib.parse
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (new_api_key, NUMBER_RE, VALGRIND, Server, act, check, day, digits_joined, done,  # noqa: E402
                     require_binary, run_cli, section, short, submit_matter)

require_binary()
S = {}
# Distinctive data, one resident per door. Names use characters no page of taizhang uses.
WEB = {"name": "晁鬯珩", "phone": "137 0591 8264"}
PRIVATE = {"name": "郗蓥骞", "phone": "133-1122-7946"}
O311 = {"last_name": "亓", "first_name": "鹂燚", "phone": "159-1204-7738",
        "email": "qi.liyi.4471@example.net", "device_id": "dev-9c41f27ab3e8"}
INTAKE = {"name": "隗霁甄", "phone": "18620397154"}
API = {"name": "禚翀彧", "phone": "177 8125 0936", "id_number": "110105199003077716",
       "contact": "wx:zhuochongyu_0936"}
NAMES = [WEB["name"], PRIVATE["name"], O311["last_name"] + O311["first_name"], INTAKE["name"],
         API["name"]]
NAME_CHARS = sorted(set("".join(NAMES)))
DIGITS = [re.sub(r"\D", "", x) for x in (WEB["phone"], PRIVATE["phone"], O311["phone"],
                                         INTAKE["phone"], API["phone"], API["id_number"])]
STRINGS = NAMES + [WEB["phone"], PRIVATE["phone"], O311["phone"], INTAKE["phone"],
                   API["phone"], API["id_number"], API["contact"], O311["email"],
                   O311["device_id"], "zhuochongyu", "qi.liyi", "9c41f27ab3e8"]
MAX_PAGES = 150 if VALGRIND else 600


def body_text(r):
    """An answer's text; an XLSX download (a zip) as the text of all its parts."""
    if r.body[:4] == b"PK\x03\x04":
        z = zipfile.ZipFile(io.BytesIO(r.body))
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return r.body.decode("utf-8", "replace")


def leaks(text):
    """What of the personal data text holds: strings, joined digits, name characters."""
    found = [s for s in STRINGS if s in text]
    joined = digits_joined(text)
    found += ["digits " + d for d in DIGITS if d in joined]
    found += ["character " + c for c in NAME_CHARS if c in text]
    return found


def new_key(srv, name, role, dept=None):
    return new_api_key(srv.db, name, role, dept)


def api(c, method, path, key, body=None):
    h = {"Authorization": "Bearer " + key}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        h["Content-Type"] = "application/json"
    r = c.request(method, path, body=data, headers=h, cookies=False)
    try:
        return r, json.loads(r.text)
    except ValueError:
        return r, None


class Seen:
    """Answers a viewer got, to be searched for personal data."""

    def __init__(self, label):
        self.label, self.answers = label, []

    def add(self, r):
        self.answers.append(r)
        return r

    def leaks(self):
        out = []
        for r in self.answers:
            text = body_text(r)
            for h in r.headers:
                text += "\n%s: %s" % h
            found = leaks(text)
            if found:
                out.append("%s %s (%d): %s" % (r.method, short(r.path, 100), r.status,
                                               ", ".join(found[:6])))
        return out


# ---------------------------------------------------------------- the ledger

def hand_in(srv):
    leader = srv.staff("leader1")
    handler = srv.staff("hroad")
    K = S["keys"] = {r: new_key(srv, "key-" + r, r, "cgj" if r == "handler" else None)
                     for r in ("app", "clerk", "observer", "handler")}
    numbers = {}
    r, n, secret = submit_matter(srv.client("web"), "桥下涵洞积水", "雨后涵洞积水半米深，车辆无法通行。",
                                 name=WEB["name"], phone=WEB["phone"])
    check("web form: a public matter handed in", n, r.describe())
    numbers["web"], S["web_secret"] = n, secret
    r, n, _ = submit_matter(srv.client("private"), "邻居噪音扰民", "楼上每晚装修到十一点。",
                            name=PRIVATE["name"], phone=PRIVATE["phone"], public=False)
    check("web form: a private matter handed in", n, r.describe())
    numbers["private"] = n
    service = srv.client("app").get("/open311/v2/services.json")
    codes = [s["service_code"] for s in json.loads(service.text)]
    S["codes"] = codes
    fields = [("api_key", K["app"]), ("service_code", codes[0]), ("address_string", "建设路18号"),
              ("description", "人行道地砖松动，老人容易绊倒。")] + list(O311.items())
    r = srv.client("app").post_form("/open311/v2/requests.json", fields, csrf=None)
    try:
        numbers["open311"] = json.loads(r.text)[0]["service_request_id"]
    except (ValueError, LookupError, TypeError):
        numbers["open311"] = None
    check("Open311: a request with first_name, last_name, phone, email, device_id",
          numbers["open311"], r.describe())
    clerk = srv.staff("clerk1")
    f = clerk.get("/staff/new").page.form(action="/staff/new", method="post")
    r = clerk.submit(f, {"channel": "hotline", "kind": "request", "subkind": "求助",
                         "title": "小区路灯不亮", "description": "东门到三号楼的路灯全部不亮。",
                         "name": INTAKE["name"], "phone": INTAKE["phone"], "is_public": "1",
                         "category": f.first_option("category"), "area": f.first_option("area")})
    m = re.search(NUMBER_RE, r.location or "")
    check("代录: a public matter entered by a clerk", r.status == 303 and m, r.describe())
    numbers["intake"] = m.group(0) if m else None
    if m:
        clerk.get(r.location)  # the page that shows the 查询码 once
    r, j = api(srv.client("api"), "POST", "/api/v1/matters", K["clerk"], {
        "kind": "request", "title": "供暖不热", "description": "室温只有十四度。",
        "channel": "hotline", "public": True, "area": "xinhua",
        "submitter": {"name": API["name"], "phone": API["phone"], "id_number": API["id_number"],
                      "contact": API["contact"]}})
    check("staff API: a public matter with name, phone, ID number and contact",
          r.status == 201 and j and j.get("number"), r.describe())
    numbers["api"] = (j or {}).get("number")
    S["numbers"] = numbers
    work(srv, leader, handler, K)


def work(srv, leader, handler, K):
    """Staff handle the matters: assign, public progress notes, results, a closing."""
    for i, (label, n) in enumerate(sorted(S["numbers"].items())):
        if not n:
            continue
        mp = leader.get("/staff/m/" + n)
        form = mp.page.form(hidden_action="assign")
        dep = form.option_value("department", "城市管理局") if form else None
        r = act(leader, n, "assign", {"department": dep, "deadline": day(15)})
        check("%s assigned to 城市管理局" % label, r.status == 303, r.describe())
        r = act(handler, n, "progress", {"note": "已到现场查看，正在安排维修。", "note_public": "1"})
        check("%s: the handler writes a public progress note" % label, r.status == 303,
              r.describe())
        r, _ = api(srv.client("api"), "POST", "/api/v1/matters/%s/actions/progress" % n,
                   K["handler"], {"note": "维修材料已到位。", "public": True})
        check("%s: a public progress note through the API" % label, r.status == 200,
              r.describe())
        if i % 2 == 0:
            r = act(handler, n, "resolve", {"note": "已修复，现场恢复正常。"})
            check("%s resolved" % label, r.status == 303, r.describe())
            if i % 4 == 0:
                r = act(leader, n, "close", {})
                check("%s closed (销号)" % label, r.status == 303, r.describe())


# ---------------------------------------------------------------- viewers

def crawl(c, starts, seen, allow):
    """Follow every same-site link from starts whose path allow() accepts."""
    queue, visited = list(starts), set()
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        if path in visited:
            continue
        visited.add(path)
        r = seen.add(c.get(path))
        if r.status != 200 or not r.is_html:
            continue
        refs = r.page.links() + r.page.images()
        refs += [f.action for f in r.page.forms() if f.method == "get" and f.action]
        for href in refs:
            u = urllib.parse.urlsplit(urllib.parse.urljoin(path, href))
            if u.scheme or u.netloc:
                continue
            nxt = u.path + ("?" + u.query if u.query else "")
            if allow(u.path) and nxt not in visited:
                queue.append(nxt)
    return visited


def public_views(srv):
    seen = Seen("public")
    c = srv.client("public")
    numbers = [n for n in S["numbers"].values() if n]
    starts = ["/", "/board", "/t", "/submit", "/login", "/healthz", "/metrics", "/screen"]
    starts += ["/t/" + n for n in numbers] + ["/t/%s/qr.svg" % n for n in numbers]
    starts += ["/t?number=" + n for n in numbers]
    visited = crawl(c, starts, seen, lambda p: not p.startswith("/staff"))
    B = "/open311/v2/"
    for fmt in ("xml", "json"):
        for p in ["discovery", "services", "requests", "servicerequestupdates",
                  "requests.%s?service_request_id=%s" % (fmt, ",".join(numbers))]:
            seen.add(c.get(B + (p if "?" in p else p + "." + fmt)))
        for code in S["codes"]:
            seen.add(c.get(B + "services/%s.%s" % (code, fmt)))
        for n in numbers:
            seen.add(c.get(B + "requests/%s.%s" % (n, fmt)))
    return seen, visited


def observer_views(srv):
    seen = Seen("observer")
    obs = srv.staff("obs1")
    numbers = [n for n in S["numbers"].values() if n]
    starts = ["/staff", "/staff/inbox", "/staff/queue", "/staff/overdue", "/staff/matters"]
    starts += ["/staff/m/" + n for n in numbers]
    crawl(obs, starts, seen, lambda p: p.startswith("/staff") or p.startswith("/t/"))
    c = srv.client("observer-api")
    for path in ["/api/v1/matters?page_size=1000", "/api/v1/rates", "/api/v1/openapi.json"] + \
            ["/api/v1/matters/" + n for n in numbers] + \
            ["/api/v1/matters/%s/events" % n for n in numbers]:
        seen.add(api(c, "GET", path, S["keys"]["observer"])[0])
    return seen


def clerk_views(srv):
    clerk = srv.staff("clerk1")
    c = srv.client("clerk-api")
    texts = []
    for n in S["numbers"].values():
        if n:
            texts.append(clerk.get("/staff/m/" + n).text)
            texts.append(api(c, "GET", "/api/v1/matters/" + n, S["keys"]["clerk"])[0].text)
    return "\n".join(texts)


with Server("personal") as srv:
    hand_in(srv)

    @section("the public side")
    def _():
        seen, visited = public_views(srv)
        check("the crawl reached every public page (%d pages, %d answers in all)"
              % (len(visited), len(seen.answers)), len(visited) >= 10, sorted(visited))
        texts = "\n".join(r.text for r in seen.answers)
        shown = [n for k, n in S["numbers"].items() if k != "private" and n and n in texts]
        exports = [r for r in seen.answers if r.path.startswith("/board/export.")]
        etext = "\n".join(body_text(r) for r in exports)
        check("… the crawl downloaded the board's exports (CSV and XLSX), which list the public "
              "matters and not the private one",
              {r.path.split("?")[0] for r in exports} == {"/board/export.csv", "/board/export.xlsx"}
              and all(r.status == 200 for r in exports) and S["numbers"]["web"] in etext
              and S["numbers"]["private"] not in etext,
              [(r.path, r.status) for r in exports])
        check("… and they show the public matters (not vacuous)", len(shown) == 4
              and "已到现场查看" in texts and "已修复" in texts, shown)
        pn = S["numbers"]["private"]
        priv = [r for r in seen.answers if pn in r.path and "service_request_id=" not in r.path]
        check("… the private matter's public pages are 404",
              priv and all(r.status == 404 for r in priv),
              [(r.path, r.status) for r in priv])
        lists = [r.path for r in seen.answers if "service_request_id=" in r.path and pn in r.text]
        check("… and a search by its id leaves it out", not lists, lists)
        bad = seen.leaks()
        check("no public page, public API answer, feed or /metrics holds a resident's name, "
              "phone, ID number, contact, email or device (%d answers)" % len(seen.answers),
              not bad, "\n".join(bad[:20]))

    @section("the observer")
    def _():
        seen = observer_views(srv)
        texts = "\n".join(r.text for r in seen.answers)
        check("the observer reads every matter (%d answers)" % len(seen.answers),
              all(n in texts for n in S["numbers"].values() if n) and "供暖不热" in texts,
              short(texts, 300))
        bad = seen.leaks()
        check("no page or API answer of the observer holds any personal data", not bad,
              "\n".join(bad[:20]))

    @section("the clerk")
    def _():
        text = clerk_views(srv)
        joined = digits_joined(text)
        missing = [s for s in NAMES + [API["id_number"], API["contact"], O311["email"],
                                       O311["device_id"]] if s not in text]
        missing += [d for d in DIGITS if d not in joined]
        check("the clerk sees every name, phone, ID number, contact, email and device "
              "(so the other checks are not vacuous)", not missing, missing)
        found = leaks(text)
        check("… and the leak search finds them on the clerk's pages (strings, digits, "
              "characters)", any(f.startswith("digits ") for f in found)
              and any(f.startswith("character ") for f in found) and API["contact"] in found,
              found)

    @section("the server's log")
    def _():
        log = srv.stderr() + srv.stdout()
        found = leaks(log)
        check("the server's log (%d lines) holds no personal data" % len(log.splitlines()),
              log and not found, found)

done()
