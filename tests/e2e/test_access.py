#!/usr/bin/env python3
"""The access matrix: every route of the real route table (`taizhang routes`) × every
kind of visitor (anonymous, a resident with a 查询码, a handler of department A on a matter
of department B, clerk, leader, observer, admin, API keys, a session cookie on the API),
with the allow or deny the table promises, checked over HTTP.

Each `{}` of a pattern is filled with real values from the ledger (matter numbers of both
departments, every action, codes, a file id...); a pattern the fill table does not know
fails the test, so a new route forces this file to be updated. Posts carry a valid CSRF
token or key, so the CSRF check is never what denies them. Then the object-level rules
(department, observer, app keys), the CSRF token on every POST form and every POST route
refusing a post without it, and the Secure attribute of cookies behind TLS."""
import json
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (new_api_key, Client, ProxiedServer, Server, act, check, day, db_rows,  # noqa: E402
                     done, encode_urlencoded, png_1x1, require_binary, run_cli, section, short,
                     submit_matter)

require_binary()
S = {}
ACTIONS = ["accept", "reject", "assign", "progress", "request_extension", "extend", "return",
           "resolve", "rate", "close", "reopen", "merge", "urge", "callback"]
# Personal data of the matter of department B: the handler of department A must never read it.
B_NAME, B_PHONE = "禚翀彧", "13977120458"
A_NAME, A_PHONE = "亓鹂燚", "15820937716"
R_NAME, R_PHONE = "隗霁甄", "17730418825"
PERSONAL = [B_NAME, B_PHONE, A_NAME, A_PHONE, R_NAME, R_PHONE]
STALE = "999999"  # a version no matter has: an allowed action is refused with 409, unchanged


def new_key(srv, name, role, dept=None):
    return new_api_key(srv.db, name, role, dept)


def load_routes():
    """The route table as the binary prints it."""
    rc, out, err = run_cli(["routes"])
    rows = [json.loads(line) for line in out.splitlines() if line.strip()]
    check("`taizhang routes` prints the route table as JSON lines (%d routes)" % len(rows),
          rc == 0 and len(rows) > 20 and all({"method", "pattern", "roles", "flags",
                                              "error_space"} <= set(r) for r in rows),
          "rc=%d\n%s\n%s" % (rc, short(out), err))
    rc2, out2, _ = run_cli(["routes", "--array"])
    check("`taizhang routes --array` is the same table as one JSON array",
          rc2 == 0 and json.loads(out2) == rows, short(out2))
    rc3, out3, _ = run_cli(["routes", "--help"])
    check("`taizhang routes --help` explains the output", rc3 == 0 and "usage:" in out3
          and "roles" in out3, out3)
    rc4, _, err4 = run_cli(["routes", "--bogus"])
    check("`taizhang routes --bogus` → exit status 2 with the usage", rc4 == 2 and "usage:" in err4,
          err4)
    return rows


def rid(route):
    return "%s %s" % (route["method"], route["pattern"])


# ---------------------------------------------------------------- visitors

class Visitor:
    """Who sends a request. `page` and `api` say how it authenticates on page routes and
    on JSON routes: None (nothing), ("session", client) or ("key", key)."""

    def __init__(self, name, role=None, client=None, key=None, api_session=False, secret=None,
                 matter=None, pages=True):
        self.name, self.role, self.client, self.key = name, role, client, key
        self.api_session = api_session  # use the session cookie on JSON routes too
        self.secret = secret            # a resident's 查询码
        self.matter = matter            # the matter this visitor is tried on
        self.pages = pages              # tried on page routes at all

    def seen_role(self, route):
        """The role the dispatcher sees, or None for anonymous."""
        is_json = "json" in route["flags"]
        unsafe = route["method"] not in ("GET", "HEAD")
        if is_json:
            if self.key:
                return self.role
            if self.api_session:
                # a session cookie does not count on a key-authenticated post
                return None if unsafe and "no_csrf" in route["flags"] else self.role
            return None
        if self.key:
            return None  # an API key opens no page
        return self.role if self.client and self.role else None


def fill(route, v):
    """The concrete requests for route as visitor v: [(path, fields)]; fields is a list of
    (name, value) for forms and a dict for JSON bodies. None when the pattern is unknown."""
    p = route["pattern"]
    n = v.matter or S["mb"]
    if "{}" not in p and "*" not in p:
        return [(p, body_for(route, v, None, None))]
    table = {
        "/open311/v2/services/{}": lambda: ["/open311/v2/services/%s.%s" % (S["service"], f)
                                            for f in ("json", "xml")],
        "/open311/v2/requests/{}": lambda: ["/open311/v2/requests/%s.%s" % (S["mr"], f)
                                            for f in ("json", "xml")],
        "/open311/v2/tokens/{}": lambda: ["/open311/v2/tokens/%s.json" % S["token"]],
        "/api/v1/matters/{}": lambda: ["/api/v1/matters/" + n],
        "/api/v1/matters/{}/events": lambda: ["/api/v1/matters/%s/events" % n],
        "/api/v1/matters/{}/similar": lambda: ["/api/v1/matters/%s/similar" % n],
        "/api/v1/matters/{}/actions/{}": lambda: ["/api/v1/matters/%s/actions/%s" % (n, a)
                                                  for a in ACTIONS],
        "/api/v1/departments/{}": lambda: ["/api/v1/departments/swj"],
        "/api/v1/categories/{}": lambda: ["/api/v1/categories/" + S["service"]],
        "/t/{}": lambda: ["/t/" + S["mr"] + ("?k=" + urllib.parse.quote(v.secret)
                                             if v.secret else "")],
        "/t/{}/rate": lambda: ["/t/%s/rate" % S["mr"]],
        "/t/{}/qr.svg": lambda: ["/t/%s/qr.svg" % S["mr"] + ("?k=" + urllib.parse.quote(
            v.secret) if v.secret else "")],
        "/files/{}": lambda: ["/files/%d" % S["file"]],
        "/static/{}": lambda: ["/static/style.css"],
        "/staff/m/{}": lambda: ["/staff/m/" + n],
        "/staff/m/{}/act": lambda: ["/staff/m/%s/act#%s" % (n, a) for a in ACTIONS],
    }
    if p not in table:
        return None
    out = []
    for path in table[p]():
        action = None
        if "#" in path:
            path, action = path.split("#", 1)
        elif "/actions/" in path:
            action = path.rsplit("/", 1)[1]
        out.append((path, body_for(route, v, n, action)))
    return out


# A complete, valid body for each action of the staff API (docs/api.md).
API_ACTION_BODY = {
    "reject": {"reason": "越权测试"}, "assign": {"department": "swj"},
    "progress": {"note": "越权测试"}, "extend": {"until": day(30), "reason": "越权测试"},
    "return": {"reason": "越权测试"}, "resolve": {"result": "越权测试"},
    "rate": {"rating": "satisfied"}, "reopen": {"reason": "越权测试"},
    "merge": {"into": None},  # filled with the other matter's number in setup
    "urge": {"level": 2, "note": "越权测试"},
    "callback": {"outcome": "busy", "note": "越权测试"},
}


def body_for(route, v, number, action):
    """A body that the route's handler refuses without changing anything (empty or stale
    fields), except for the handler of another department, who sends a fresh version: a
    refusal must come from the department rule, not from the version."""
    m, p = route["method"], route["pattern"]
    if m in ("GET", "HEAD"):
        return None
    if "json" in route["flags"]:
        if p.startswith("/open311/"):
            return [("api_key", v.key or "")]  # no service_code: 400 when the key is good
        if action:
            body = dict(API_ACTION_BODY.get(action, {}))
            if v.name != "handler A":
                body["version"] = int(STALE)
            return body
        return {"bogus_field": 1}
    fields = []
    if action:
        version = STALE
        if v.name == "handler A":
            version = str(db_rows(S["srv"], "SELECT version FROM matters WHERE number = ?",
                                  (number,))[0][0])
        fields = [("action", action), ("version", version), ("note", "越权测试"),
                  ("reason", "越权测试"), ("result", "越权测试"), ("until", day(20)),
                  ("deadline", day(20)), ("rating", "satisfied"), ("merge_into", S["ma"]),
                  ("urge_level", "2")]
    elif p == "/t/{}/rate":
        fields = [("k", v.secret or "")]
    return fields


def send(route, v, path, body, csrf=True):
    """Send one request as v; returns the response."""
    c = v.client or S["anon"]
    is_json = "json" in route["flags"]
    headers = {}
    if v.key:
        headers["Authorization"] = "Bearer " + v.key
    use_cookies = not v.key and (not is_json or v.api_session or not v.client)
    if route["method"] in ("GET", "HEAD"):
        return c.request(route["method"], path, headers=headers, cookies=use_cookies)
    if is_json and not path.startswith("/open311/"):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
        return c.request(route["method"], path, body=data, headers=headers, cookies=use_cookies)
    if is_json:  # Open311 POST: a form with api_key in it
        return c.post_form(path, body, csrf=None, headers=headers)
    if v.key:  # a key on a page post: the request carries no cookie and no token
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return c.request(route["method"], path, body=encode_urlencoded(body), headers=headers,
                         cookies=False)
    return c.post_form(path, body, csrf=(c.csrf() if csrf else None))


def json_code(r):
    try:
        j = json.loads(r.body.decode("utf-8"))
    except ValueError:
        return None
    return j.get("code") if isinstance(j, dict) else None


def dispatcher_denial(route, r):
    """'login', 'role', 'csrf' when the dispatcher refused the request, else None."""
    if "json" in route["flags"]:
        if r.status == 401:
            return "login"
        if r.status == 403 and route["pattern"].startswith("/api/v1") and \
                json_code(r) in (2002, 2003):
            return "role"
        return None
    if r.status == 303 and (r.location or "").startswith("/login?next="):
        return "login"
    if r.status == 403 and "表单已过期" in r.text:
        return "csrf"
    if r.status == 403 and "您没有访问此页面的权限" in r.text:
        return "role"
    return None


def expected(route, v):
    """None (allowed) or the denial the table promises for v."""
    role = v.seen_role(route)
    if route["roles"]:
        if role is None:
            return "login"
        if role not in route["roles"]:
            return "role"
    if v.key and "json" not in route["flags"] and route["method"] != "GET" and \
            "no_csrf" not in route["flags"]:
        return "csrf"  # a key on a page post: no cookie, so no token
    return None


# ---------------------------------------------------------------- the ledger to test on

def setup(srv):
    S["srv"] = srv
    S["anon"] = srv.client("anonymous")
    leader = srv.staff("leader1")
    S["leader"] = leader
    res = srv.client("resident")
    r, mr, secret = submit_matter(res, "路灯杆倾斜", "幸福路口的路灯杆被撞歪了。", name=R_NAME,
                                  phone=R_PHONE, photo=("pole.png", "image/png",
                                                        png_1x1()))
    check("setup: a resident submits a public matter with a photo", mr, r.describe())
    S["mr"], S["secret"], S["res"] = mr, secret, res
    numbers = {}
    for label, name, phone, dept in (("mb", B_NAME, B_PHONE, "城市管理局"),
                                     ("ma", A_NAME, A_PHONE, "水务局")):
        r, n, _ = submit_matter(srv.client(label), "事项" + label, "访问矩阵测试用事项。",
                                name=name, phone=phone)
        numbers[label] = n
        mp = leader.get("/staff/m/" + n)
        dep = mp.page.form(hidden_action="assign").option_value("department", dept)
        ra = act(leader, n, "assign", {"department": dep, "deadline": day(20)})
        check("setup: %s assigned to %s" % (n, dept), ra.status == 303, ra.describe())
    S["mb"], S["ma"] = numbers["mb"], numbers["ma"]
    API_ACTION_BODY["merge"] = {"into": S["ma"]}
    S["file"] = db_rows(srv, "SELECT a.id FROM attachments a JOIN matters m ON m.id = a.matter_id"
                             " WHERE m.number = ?", (mr,))[0][0]
    S["service"] = db_rows(srv, "SELECT code FROM categories WHERE active = 1 ORDER BY id")[0][0]
    keys = {role: new_key(srv, "key-" + role, role, "swj" if role == "handler" else None)
            for role in ("admin", "leader", "clerk", "handler", "observer", "app")}
    S["keys"] = keys
    batch = db_rows(srv, "SELECT code FROM categories WHERE active = 1 AND type = 'batch'")
    if batch:
        r = S["anon"].post_form("/open311/v2/requests.json",
                                [("api_key", keys["app"]), ("service_code", batch[0][0]),
                                 ("address_string", "建设路88号"), ("description", "楼顶加盖。")],
                                csrf=None)
        try:
            S["token"] = json.loads(r.text)[0]["token"]
        except (ValueError, LookupError, TypeError):
            S["token"] = None
    check("setup: a batch service's Open311 token", S.get("token"), "no batch service or "
          "POST failed")
    S["token"] = S.get("token") or "no-token"
    vis = [Visitor("anonymous"),
           Visitor("resident", secret=secret),
           Visitor("handler A", "handler", srv.staff("hwater"), matter=S["mb"]),
           Visitor("clerk", "clerk", srv.staff("clerk1")),
           Visitor("leader", "leader", leader),
           Visitor("observer", "observer", srv.staff("obs1")),
           Visitor("admin", "admin", srv.staff("admin")),
           Visitor("app key", "app", key=keys["app"]),
           Visitor("admin key", "admin", key=keys["admin"]),
           Visitor("admin session on the API", "admin", srv.staff("admin"), api_session=True,
                   pages=False)]
    for v in vis:  # staff use their role's key on JSON routes
        if v.client and v.role and not v.api_session and not v.key:
            v.api_key = keys[v.role]
    return vis


def effective(route, v):
    """The visitor as it shows on route: staff use their role's key on JSON routes."""
    key = getattr(v, "api_key", None)
    if "json" in route["flags"] and key:
        return Visitor(v.name, v.role, v.client, key=key, matter=v.matter)
    return v


def state(srv):
    """What the matrix must leave unchanged."""
    return (db_rows(srv, "SELECT number, status, version FROM matters ORDER BY id"),
            db_rows(srv, "SELECT count(*) FROM events"),
            db_rows(srv, "SELECT code, name, active FROM departments ORDER BY id"),
            db_rows(srv, "SELECT code, name, active FROM categories ORDER BY id"),
            db_rows(srv, "SELECT login, role, active FROM users ORDER BY id"),
            db_rows(srv, "SELECT code, name FROM areas ORDER BY id"))


# ---------------------------------------------------------------- the matrix

routes = load_routes()
served = [r for r in routes if not r["error_space"]]

with Server("access") as srv:
    visitors = setup(srv)
    S["answers"] = []  # (visitor, route id, path, response)

    @section("every pattern can be filled")
    def _():
        unknown = [rid(r) for r in served if fill(r, visitors[0]) is None]
        check("every route pattern has real values in the fill table (%d routes)" % len(served),
              not unknown, "no fill for: %s — add the pattern to fill() in %s" %
              (", ".join(unknown), os.path.basename(__file__)))

    @section("route × visitor")
    def _():
        before = state(srv)
        order = sorted(served, key=lambda r: r["pattern"] == "/logout")  # sign-outs last
        wrong = []
        ncases = 0
        for route in order:
            for v in visitors:
                if not v.pages and "json" not in route["flags"]:
                    continue
                reqs = fill(route, v)
                if reqs is None:
                    continue
                ev = effective(route, v)
                want = expected(route, ev)
                for path, body in reqs:
                    r = send(route, ev, path, body)
                    ncases += 1
                    S["answers"].append((v, route, path, r))
                    got = dispatcher_denial(route, r)
                    if got != want:
                        wrong.append("%s as %s: expected %s, got %s (%d)\n  %s" % (
                            rid(route), v.name, want or "no denial by the dispatcher",
                            got or "no denial", r.status, short(r.text, 160)))
        check("every route × visitor gets the table's allow or deny (%d requests)" % ncases,
              not wrong, "\n".join(wrong[:40]))
        after = state(srv)
        check("the matrix changed nothing in the ledger (matters, events, catalogue, users)",
              before == after, "before %s\nafter  %s" % (short(repr(before), 600),
                                                        short(repr(after), 600)))

    @section("object-level rules")
    def _():
        hA = [(route, path, r) for v, route, path, r in S["answers"] if v.name == "handler A"]
        acts = [(rid(route), path, r.status) for route, path, r in hA
                if route["method"] != "GET" and S["mb"] in path]
        check("handler of department A: every action on department B's matter → 403/404 "
              "(%d actions)" % len(acts),
              len(acts) >= 2 * len(ACTIONS) and all(s in (403, 404) for _, _, s in acts),
              "\n".join("%s %s → %d" % a for a in acts if a[2] not in (403, 404)))
        leaks = ["%s %s → %d" % (rid(route), path, r.status) for route, path, r in hA
                 if r.status == 200 and (B_NAME in r.text or B_PHONE in r.text)]
        check("handler of department A never reads the personal data of department B's "
              "matter", not leaks, "\n".join(leaks))
        own = srv.staff("leader1").get("/staff/m/" + S["mb"])
        check("… while department B's matter does carry personal data (leader sees it)",
              B_NAME in own.text and B_PHONE in own.text, own.describe())
        hw = srv.staff("hwater")  # the matrix signed the others out at its end
        r = hw.get("/staff/m/" + S["ma"])
        check("… and the handler of department A sees their own matter's resident",
              r.status == 200 and A_NAME in r.text and A_PHONE in r.text, r.describe())
        obs = [(rid(route), path, r) for v, route, path, r in S["answers"]
               if v.name == "observer"]
        leaks = ["%s %s" % (i, p) for i, p, r in obs if any(x in r.text for x in PERSONAL)]
        check("observer: no answer of any route holds a resident's name or phone (%d answers)"
              % len(obs), obs and not leaks, "\n".join(leaks))
        restricted = [r for r in served if r["roles"]]
        app_ok = sorted(rid(route) for v, route, path, r in S["answers"]
                        if v.name == "app key" and route["roles"]
                        and dispatcher_denial(route, r) is None)
        check("an app key passes only POST /api/v1/matters among the routes with roles",
              set(app_ok) == {"POST /api/v1/matters"}, app_ok)
        app_rows = [rid(r) for r in restricted if "app" in r["roles"]]
        check("only POST /api/v1/matters names the app role in the table",
              app_rows == ["POST /api/v1/matters"], app_rows)
        obs_writes = sorted(set(rid(route) for v, route, path, r in S["answers"]
                                if v.name == "observer" and route["roles"]
                                and route["method"] != "GET"
                                and dispatcher_denial(route, r) is None
                                and route["pattern"] != "/logout"))
        check("observer (read-only) passes no writing route but /logout", not obs_writes,
              obs_writes)
        anon_ok = sorted(set(rid(route) for v, route, path, r in S["answers"]
                             if v.name == "anonymous" and route["roles"]
                             and dispatcher_denial(route, r) is None))
        check("anonymous passes no route with roles", not anon_ok, anon_ok)

    @section("CSRF: every POST form carries the token")
    def _():
        forms = 0
        bad = []
        post_patterns = [r["pattern"] for r in served if r["method"] == "POST"]
        pages = [r for r in served if r["method"] == "GET" and "json" not in r["flags"]
                 and r["pattern"] not in ("/static/{}", "/files/{}", "/t/{}/qr.svg",
                                          "/healthz", "/metrics")]
        who = [("anonymous", srv.client("anon-forms"), S["mb"]),
               ("resident", srv.client("res-forms"), S["mr"])]
        for login in ("admin", "leader1", "clerk1", "hroad", "hwater", "obs1"):
            who.append((login, srv.staff(login), S["mb"]))
        for name, c, n in who:
            c.get("/")
            for route in pages:
                v = Visitor(name, secret=S["secret"] if name == "resident" else None, matter=n)
                for path, _ in fill(route, v) or []:
                    r = c.get(path)
                    if not r.is_html or r.status != 200:
                        continue
                    token = c.last_csrf
                    for f in r.page.forms():
                        if f.method != "post":
                            continue
                        forms += 1
                        action = f.action.split("?")[0] or path.split("?")[0]
                        if f.get("csrf") != token or not token:
                            bad.append("%s on %s: form to %s without the token" % (name, path,
                                                                                 action))
                        if not any(re.fullmatch(re.escape(p).replace(r"\{\}", "[^/]+"), action)
                                   for p in post_patterns):
                            bad.append("%s on %s: form posts to %s, which no POST route "
                                       "serves" % (name, path, action))
        check("every POST form on every page carries the visitor's CSRF token and posts to a "
              "route (%d forms)" % forms, forms >= 10 and not bad, "\n".join(bad[:20]))

    @section("CSRF: every POST route refuses a post without the token")
    def _():
        before = state(srv)
        csrf_routes = [r for r in served if r["method"] == "POST" and "no_csrf" not in r["flags"]]
        wrong = []
        admin = srv.staff("admin")
        for route in csrf_routes:
            c = admin if route["roles"] else srv.client("csrf-anon")
            c.get("/")
            v = Visitor("admin" if route["roles"] else "anonymous",
                        "admin" if route["roles"] else None, c, secret=S["secret"])
            for path, body in (fill(route, v) or [])[:1]:
                fields = [(k, val) for k, val in body or []]
                if route["pattern"] == "/staff/m/{}/act":
                    ver = db_rows(srv, "SELECT version FROM matters WHERE number = ?",
                                  (S["mb"],))[0][0]
                    fields = [("action", "progress"), ("version", str(ver)),
                              ("note", "没有令牌的进展")]
                for label, token in (("without", None), ("with a wrong", "x" * 43)):
                    r = c.post_form(path, fields, csrf=token)
                    if r.status != 403 or "表单已过期" not in r.text:
                        wrong.append("POST %s %s token → %d %s" % (path, label, r.status,
                                                                   short(r.text, 120)))
        check("every POST route without no_csrf answers 403 without a valid token (%d routes)"
              % len(csrf_routes), csrf_routes and not wrong, "\n".join(wrong))
        check("… and changed nothing", state(srv) == before, "")
        r = admin.get("/staff")
        check("… the session survives a POST /logout without the token", r.status == 200,
              r.describe())
        good = admin.post_form("/staff/m/%s/act" % S["mb"], [
            ("action", "progress"), ("version", str(db_rows(
                srv, "SELECT version FROM matters WHERE number = ?", (S["mb"],))[0][0])),
            ("note", "有令牌的进展")])
        check("… while the same post with the token works (303)", good.status == 303,
              good.describe())

    @section("cookies over plain HTTP")
    def _():
        seen = []
        for c in [v.client for v in visitors if v.client] + [S["anon"], S["res"]]:
            seen += c.set_cookie_log
        bad = [h for h in seen if "; Secure" in h or "HttpOnly" not in h or "SameSite=" not in h]
        check("without an https:// base URL every cookie is HttpOnly, SameSite, not Secure "
              "(%d Set-Cookie)" % len(seen), seen and not bad, "\n".join(bad[:10]))

with ProxiedServer("behind TLS", "https://taizhang.example.org") as tls:
    @section("Secure cookies behind TLS")
    def _():
        anon = tls.client("anon")
        r = anon.get("/login")
        csrf = [h for h in r.headers_all("Set-Cookie") if h.startswith("tz_csrf=")]
        check("--base-url https://…: the anonymous CSRF cookie is Secure",
              csrf and all("; Secure" in h for h in csrf), r.headers_all("Set-Cookie"))
        admin = Client(tls, "admin")
        lr = admin.login("admin")
        sess = [h for h in lr.headers_all("Set-Cookie") if h.startswith("tz_session=")]
        check("… the session cookie is Secure (and HttpOnly, SameSite)",
              lr.status == 303 and sess and all("; Secure" in h and "HttpOnly" in h and
                                                 "SameSite=" in h for h in sess),
              lr.describe() + "\n" + repr(lr.headers_all("Set-Cookie")))
        f = admin.get("/staff/new").page.form(action="/staff/new", method="post")
        ir = admin.submit(f, {"title": "电梯停运", "description": "3号楼电梯停运两天。",
                              "name": "测试", "phone": "13000000000",
                              "category": f.first_option("category"),
                              "area": f.first_option("area")}) if f else None
        if ir is not None and ir.status == 303:
            admin.get(ir.location)
        out = admin.logout()
        check("… the sign-out clears the session with a Secure cookie",
              any(h.startswith("tz_session=") and "; Secure" in h
                  for h in out.headers_all("Set-Cookie")), out.describe())
        every = anon.set_cookie_log + admin.set_cookie_log
        check("… every Set-Cookie behind TLS has Secure (%d, intake included: %s)"
              % (len(every), bool(ir is not None and ir.status == 303)),
              len(every) >= 4 and all("; Secure" in h for h in every), "\n".join(every))
        page = anon.get("/t/TZ-2026-000001")
        check("… and pages still work over the proxy's plain hop", page.status in (200, 404),
              page.describe())

done()
