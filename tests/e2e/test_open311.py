#!/usr/bin/env python3
"""Open311 GeoReport v2 at /open311/v2/, checked against the specification
(wiki.open311.org/GeoReport_v2, Service Discovery, and the servicerequestupdates
extension): every endpoint in XML and JSON with the spec's content types, XML that
xmllint accepts and that maps to the JSON answer by the Spark convention, JSON valid
against the community schemas (shared/open311-schemas beside the clone), every error code in both
formats, jurisdiction_id, api_key and the POST checks (nothing stored on bad input),
realtime ids and batch tokens, the search (ids override everything, service_code and
status lists, windows with zones, the 90-day default and limit, the 1000 cap and pages,
empty parameters as absent), private matters never shown, and a resident's personal
data in no answer and no log line."""
import datetime
import json
import os
import re
import subprocess
import sys
import urllib.parse
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import (NUMBER_RE, Server, act, check, day, done, matter_page,  # noqa: E402
                     require_binary, run_cli, section, short, status_of, submit_matter)

import jsonschema  # noqa: E402
from referencing import Registry, Resource  # noqa: E402
from referencing.jsonschema import DRAFT7  # noqa: E402

require_binary()

# The community schemas sit in shared/, beside the clone of this repository.
SCHEMA_DIR = os.environ.get("OPEN311_SCHEMAS", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "open311-schemas"))
JURISDICTION = "tz.example.cn"
B = "/open311/v2/"
XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"
TIME_RE = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$"
S = {}

# Unique markers for the submitter's personal data: none may ever come back.
M_LAST, M_FIRST = "欧阳", "标记丙丁"
M_PHONE = "13911190777"
M_EMAIL = "marker-7f3a@example.cn"
M_DEVICE = "dev-7f3a-marker"
M_ACCOUNT = "acct-7f3a-marker"
MARKERS = [M_LAST + M_FIRST, M_FIRST, M_PHONE, M_EMAIL, M_DEVICE, M_ACCOUNT]


# ---------------------------------------------------------------- schemas

def _registry():
    reg = Registry()
    schemas = {}
    for name in ("request.json", "requests.json", "service.json", "services.json",
                 "service-definition.json"):
        with open(os.path.join(SCHEMA_DIR, name)) as f:
            schemas[name] = json.load(f)
        reg = reg.with_resource(name, Resource.from_contents(
            schemas[name], default_specification=DRAFT7))
    return reg, schemas


REGISTRY, SCHEMAS = _registry()


def schema_errors(doc, name):
    v = jsonschema.Draft7Validator(SCHEMAS[name], registry=REGISTRY,
                                   format_checker=jsonschema.FormatChecker())
    return [e.message for e in v.iter_errors(doc)][:5]


ERRORS_SCHEMA = {"type": "array", "minItems": 1, "items": {
    "type": "object", "required": ["code", "description"], "additionalProperties": False,
    "properties": {"code": {"type": "integer"}, "description": {"type": "string"}}}}
UPDATES_SCHEMA = {"type": "array", "items": {
    "type": "object", "additionalProperties": False,
    "required": ["update_id", "service_request_id", "status", "updated_datetime",
                 "description", "media_url"],
    "properties": {"update_id": {"type": "string"}, "service_request_id": {"type": "string"},
                   "status": {"enum": ["open", "closed"]},
                   "updated_datetime": {"type": "string", "pattern": TIME_RE[1:-1]},
                   "description": {"type": ["string", "null"]},
                   "media_url": {"type": ["string", "null"]}}}}
DISCOVERY_SCHEMA = {"type": "object", "required": ["changeset", "contact", "key_service",
                                                   "endpoints"],
                    "properties": {"endpoints": {"type": "array", "minItems": 1, "items": {
                        "type": "object",
                        "required": ["specification", "url", "changeset", "type", "formats"],
                        "properties": {"type": {"enum": ["production", "test"]},
                                       "formats": {"type": "array",
                                                   "items": {"type": "string"}}}}}}}
POST_SCHEMA = {"type": "array", "minItems": 1, "maxItems": 1, "items": {
    "type": "object", "additionalProperties": False,
    "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"},
                   "service_notice": {"type": ["string", "null"]},
                   "account_id": {"type": ["string", "null"]}}}}
TOKEN_SCHEMA = {"type": "array", "minItems": 1, "maxItems": 1, "items": {
    "type": "object", "required": ["service_request_id", "token"], "additionalProperties": False,
    "properties": {"service_request_id": {"type": "string"}, "token": {"type": "string"}}}}


def plain_errors(doc, schema):
    return [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(doc)][:5]


def validate(doc, schema):
    """Errors of doc against a schema file name or an inline schema."""
    return schema_errors(doc, schema) if isinstance(schema, str) else plain_errors(doc, schema)


# ---------------------------------------------------------------- XML → JSON (Spark)

LISTS = {"services", "service_requests", "errors", "attributes", "values", "endpoints", "formats",
         "service_request_updates"}
BOOLS = {"metadata", "variable", "required"}


def spark(el, parent=None):
    """The JSON a GeoReport XML element maps to by the Spark convention."""
    if el.tag in LISTS:
        return [spark(c, el.tag) for c in el]
    if len(el):
        return {c.tag: spark(c, el.tag) for c in el}
    text = el.text
    if text is None or text == "":
        return None
    if el.tag in BOOLS:
        return {"true": True, "false": False}[text]
    if el.tag == "order" or (el.tag == "code" and parent == "error"):
        return int(text)
    if el.tag in ("lat", "long"):
        return float(text)
    return text


def xmllint(body):
    p = subprocess.run(["xmllint", "--noout", "-"], input=body, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def xml_of(r):
    """(root element or None, problems) for an XML answer."""
    probs = []
    if r.ctype != XML_TYPE:
        probs.append("Content-Type %r" % r.ctype)
    if not r.body.startswith(b'<?xml version="1.0" encoding="utf-8"?>'):
        probs.append("no XML declaration with encoding")
    rc, err = xmllint(r.body)
    if rc != 0:
        probs.append("xmllint: " + err)
    try:
        root = ET.fromstring(r.body)
    except ET.ParseError as e:
        return None, probs + ["parse: %s" % e]
    return root, probs


def json_of(r):
    probs = []
    if r.ctype != JSON_TYPE:
        probs.append("Content-Type %r" % r.ctype)
    try:
        return json.loads(r.body.decode("utf-8")), probs
    except ValueError as e:
        return None, probs + ["JSON: %s" % e]


# ---------------------------------------------------------------- HTTP helpers

def get(path, **kw):
    return S["c"].get(path, **kw)


def post(path, fields, headers=None):
    return S["c"].post_form(path, fields, csrf=None, headers=headers)


def both(label, path, schema=None, status=200, root=None, drop=(), fetch=None):
    """GET path with {fmt} as xml and as json: status, content types, xmllint, the
    schema (JSON), the XML root element, and XML mapped by Spark equal to the JSON.
    Returns the JSON document (None when it could not be read)."""
    fetch = fetch or get
    rx = fetch(path.format(fmt="xml"))
    rj = fetch(path.format(fmt="json"))
    check("%s: .xml and .json → %d" % (label, status), rx.status == status and
          rj.status == status, rx.describe() + "\n" + rj.describe())
    x, px = xml_of(rx)
    j, pj = json_of(rj)
    check("%s: XML well-formed (xmllint), declared utf-8, %s" % (label, XML_TYPE), not px,
          "\n".join(px) + "\n" + short(rx.text, 1500))
    check("%s: JSON readable, %s" % (label, JSON_TYPE), not pj and j is not None,
          "\n".join(pj) + "\n" + short(rj.text, 1500))
    if root and x is not None:
        check("%s: XML root element <%s>" % (label, root), x.tag == root, x.tag)
    if schema is not None and j is not None:
        errs = validate(j, schema)
        check("%s: JSON valid against %s" % (label, schema if isinstance(schema, str)
                                             else "the expected shape"), not errs,
              "\n".join(errs) + "\n" + short(rj.text, 1500))
    if x is not None and j is not None:
        sx, sj = strip(spark(x), drop), strip(j, drop)
        check("%s: the XML answer maps to the JSON answer (Spark convention)" % label, sx == sj,
              "XML as JSON: %s\nJSON: %s" % (short(json.dumps(sx, ensure_ascii=False), 1200),
                                             short(json.dumps(sj, ensure_ascii=False), 1200)))
    return j


def strip(doc, drop):
    """doc without the keys in drop (fields that change between two fetches)."""
    if isinstance(doc, dict):
        return {k: strip(v, drop) for k, v in doc.items() if k not in drop}
    if isinstance(doc, list):
        return [strip(v, drop) for v in doc]
    return doc


def error_both(label, path, status, code=None, fetch=None, allow=None):
    """An error in both formats: HTTP status, the error list shape, the code."""
    fetch = fetch or get
    code = code or status
    rx, rj = fetch(path.format(fmt="xml")), fetch(path.format(fmt="json"))
    x, px = xml_of(rx)
    j, pj = json_of(rj)
    ok_x = x is not None and not px and x.tag == "errors" and len(x) >= 1 and all(
        e.tag == "error" and e.findtext("code") == str(code) and (e.findtext("description") or "")
        for e in x)
    check("%s: XML error → HTTP %d, <errors><error><code>%d</code><description>" %
          (label, status, code), rx.status == status and ok_x,
          "\n".join(px) + "\n" + rx.describe())
    errs = plain_errors(j, ERRORS_SCHEMA) if j is not None else ["unreadable"]
    check("%s: JSON error → HTTP %d, [{\"code\": %d, \"description\": ...}]" %
          (label, status, code), rj.status == status and not pj and not errs and
          all(e["code"] == code and e["description"] for e in j),
          "\n".join(pj + errs) + "\n" + rj.describe())
    if allow:
        check("%s: Allow header %s" % (label, allow), rx.header("Allow") == allow and
              rj.header("Allow") == allow, (rx.header("Allow"), rj.header("Allow")))
    return j


def db_rows(sql, args=()):
    return harness.db_rows(S["db"], sql, args)


def db_write(sql, rows):
    """Test fixture only: rows the API cannot make (old or many matters)."""
    harness.db_execmany(S["db"], sql, rows)


def matter_count():
    return db_rows("SELECT count(*) FROM matters")[0][0]


def apikey(name, role, dept=None):
    args = ["apikey", "add", name, "--role", role, "--db", S["db"]]
    if dept:
        args += ["--department", dept]
    rc, out, err = run_cli(args)
    if rc != 0:
        raise RuntimeError("apikey add %s: %s %s" % (name, out, err))
    return out.split()[-1]


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def ids_of(doc):
    return [r["service_request_id"] for r in doc] if isinstance(doc, list) else None


def base_fields(**kw):
    f = {"api_key": S["app"], "service_code": "traffic", "lat": "38.30412",
         "long": "116.83881", "description": "建设路与永安大道路口的红绿灯坏了。"}
    f.update(kw)
    return [(k, v) for k, v in f.items() if v is not None]


def post_ok(label, fields, fmt="json"):
    """POST that must succeed: returns the one answered request (a dict)."""
    r = post(B + "requests." + fmt, fields)
    if fmt == "json":
        doc, probs = json_of(r)
        errs = validate(doc, POST_SCHEMA) if doc is not None else ["unreadable"]
    else:
        x, probs = xml_of(r)
        doc = spark(x) if x is not None else None
        errs = [] if x is not None and x.tag == "service_requests" else ["root element"]
    check("%s: POST requests.%s → 200 with one request" % (label, fmt),
          r.status == 200 and not probs and not errs, "\n".join(probs + errs) + "\n" +
          r.describe())
    return doc[0] if doc else {}


with Server("open311", extra_args=["--jurisdiction-id", JURISDICTION]) as srv:
    S["db"] = srv.db
    S["c"] = srv.client("app")
    S["app"] = apikey("open311-app", "app")
    S["clerk_key"] = apikey("clerk-tool", "clerk")
    S["observer_key"] = apikey("observer-tool", "observer")
    S["handler_key"] = apikey("handler-tool", "handler", "cgj")

    @section("service discovery")
    def _():
        d = both("discovery", B + "discovery.{fmt}", DISCOVERY_SCHEMA, root="discovery",
                 drop=("changeset",))
        ep = (d or {}).get("endpoints") or [{}]
        check("discovery: a production GeoReport v2 endpoint at /open311/v2 with XML and JSON",
              ep[0].get("specification") == "http://wiki.open311.org/GeoReport_v2" and
              (ep[0].get("url") or "").endswith("/open311/v2") and ep[0].get("type") ==
              "production" and set(ep[0].get("formats") or []) == {"text/xml",
                                                                    "application/json"}, d)

    @section("services and service definitions")
    def _():
        s = both("services", B + "services.{fmt}", "services.json", root="services")
        by = {x["service_code"]: x for x in s or []}
        S["codes"] = set(by)
        check("services: the default catalogue's active categories, codes as strings",
              {"traffic", "heat-gas", "property", "illegal-building", "other"} <= set(by) and
              all(isinstance(c, str) for c in by), sorted(by))
        check("services: heat-gas and property have metadata true, traffic false",
              by.get("heat-gas", {}).get("metadata") is True and
              by.get("property", {}).get("metadata") is True and
              by.get("traffic", {}).get("metadata") is False, by.get("heat-gas"))
        check("services: illegal-building is batch, traffic realtime",
              by.get("illegal-building", {}).get("type") == "batch" and
              by.get("traffic", {}).get("type") == "realtime", by.get("illegal-building"))
        check("services: keywords a comma list, group and name from the category",
              by.get("traffic", {}).get("keywords", "").startswith("道路, 坑洼, ") and
              by.get("traffic", {}).get("group") == "城市管理" and
              by.get("traffic", {}).get("service_name") == "道路交通", by.get("traffic"))
        d = both("service definition heat-gas", B + "services/heat-gas.{fmt}",
                 "service-definition.json", root="service_definition")
        attrs = (d or {}).get("attributes") or []
        codes = [a.get("code") for a in attrs]
        check("definition: service_code and the attributes in order 1..5",
              (d or {}).get("service_code") == "heat-gas" and
              codes == ["heating", "temperature", "since", "building", "notes"] and
              [a.get("order") for a in attrs] == [1, 2, 3, 4, 5], d)
        h = attrs[0] if attrs else {}
        check("definition: heating is a required variable singlevaluelist with key/name values",
              h.get("datatype") == "singlevaluelist" and h.get("required") is True and
              h.get("variable") is True and
              [v.get("key") for v in h.get("values") or []] == ["cold", "no-gas", "leak"] and
              (h.get("values") or [{}])[0].get("name") == "暖气不热", h)
        check("definition: temperature a number with its datatype_description",
              len(attrs) > 1 and attrs[1].get("datatype") == "number" and
              attrs[1].get("datatype_description") == "例如 14.5" and
              attrs[1].get("values") == [], attrs[1:2])
        d = both("service definition property", B + "services/property.{fmt}",
                 "service-definition.json")
        check("definition: property asks a multivaluelist",
              ((d or {}).get("attributes") or [{}])[0].get("datatype") == "multivaluelist", d)
        d = both("service definition traffic (no attributes)", B + "services/traffic.{fmt}",
                 "service-definition.json")
        check("definition: a service without questions has an empty attribute list",
              d == {"service_code": "traffic", "attributes": []}, d)
        error_both("unknown service_code", B + "services/no-such-service.{fmt}", 404)
        db_write("UPDATE categories SET active = 0 WHERE code = ?", [("rural",)])
        error_both("inactive category", B + "services/rural.{fmt}", 404)
        s2 = both("services after deactivating rural", B + "services.{fmt}", "services.json")
        check("services: an inactive category is not a service",
              "rural" not in [x["service_code"] for x in s2 or []], s2)

    @section("errors in the spec's shape")
    def _():
        error_both("unknown path under /open311/v2/", B + "no-such-resource.{fmt}", 404)
        error_both("unknown request id", B + "requests/TZ-1999-000001.{fmt}", 404)
        error_both("unknown token", B + "tokens/no-such-token.{fmt}", 404)
        r = get(B + "services/heat-gas.html")
        x, probs = xml_of(r)
        check("services/{code} without .xml or .json → 400 as XML errors",
              r.status == 400 and x is not None and x.tag == "errors" and
              x.findtext("error/code") == "400", r.describe())
        r = get(B + "services")
        x, probs = xml_of(r)
        check("a path naming no format gets XML errors (404)",
              r.status == 404 and x is not None and x.tag == "errors", r.describe())
        error_both("DELETE on services", B + "services.{fmt}", 400, code=405,
                   fetch=lambda p: S["c"].request("DELETE", p), allow="GET, HEAD")
        error_both("POST on services", B + "services.{fmt}", 400, code=405,
                   fetch=lambda p: post(p, [("a", "b")]), allow="GET, HEAD")
        r = S["c"].request("POST", B + "requests.json", body=b"%zz",
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
        j, probs = json_of(r)
        check("a malformed form body → 400 in the JSON error shape",
              r.status == 400 and not probs and not plain_errors(j, ERRORS_SCHEMA),
              r.describe())
        r = S["c"].request("POST", B + "requests.json", body=b"",
                           headers={"Content-Type": "application/x-www-form-urlencoded",
                                    "Content-Length": "999999999"})
        j, probs = json_of(r)
        check("a body over the limit → HTTP 400 with code 413 in the JSON error shape",
              r.status == 400 and not probs and j and j[0]["code"] == 413, r.describe())
        r = get(B + "requests.json")
        check("answers carry no cookie", not r.headers_all("Set-Cookie"), r.headers)

    @section("jurisdiction_id")
    def _():
        both("jurisdiction_id of this office", B + "services.{fmt}?jurisdiction_id=" +
             JURISDICTION, "services.json")
        both("jurisdiction_id empty (same as absent)", B + "services.{fmt}?jurisdiction_id=",
             "services.json")
        for what in ("services.{fmt}", "services/heat-gas.{fmt}", "requests.{fmt}",
                     "servicerequestupdates.{fmt}", "tokens/x.{fmt}",
                     "requests/TZ-2026-000001.{fmt}"):
            error_both("another jurisdiction on " + what, B + what + "?jurisdiction_id=sfgov.org",
                       404)
        before = matter_count()
        error_both("POST for another jurisdiction", B + "requests.{fmt}", 404,
                   fetch=lambda p: post(p, base_fields(jurisdiction_id="sfgov.org")))
        check("POST for another jurisdiction stores nothing", matter_count() == before)

    @section("POST a realtime request")
    def _():
        before = matter_count()
        fields = base_fields(service_code="heat-gas", jurisdiction_id=JURISDICTION,
                             description="3号楼暖气不热，室温只有十二度。\n已经三天了。",
                             address_string="幸福小区3号楼",
                             media_url="https://img.example.cn/p/1.jpg",
                             first_name="小芳", last_name="王", phone="13800001111",
                             email="wang@example.cn", account_id="acc-001", device_id="d-001")
        fields += [("attribute[heating]", "cold"), ("attribute[temperature]", "12.5"),
                   ("attribute[since]", "2026-11-20T08:00:00+08:00"),
                   ("attribute[building]", "3号楼2单元"), ("attribute[notes]", "")]
        a = post_ok("realtime", fields)
        n = a.get("service_request_id") or ""
        S["rt"] = n
        check("realtime: service_request_id is a matter number, no token",
              re.fullmatch(NUMBER_RE, n) and "token" not in a, a)
        check("realtime: one matter stored", matter_count() == before + 1)
        m = re.search(r"查询码 ([A-Z0-9]{8})", a.get("service_notice") or "")
        check("realtime: service_notice gives the number, the 查询码 and the /t page",
              m and n in a["service_notice"] and "/t" in a["service_notice"], a)
        check("realtime: account_id answered back to the app", a.get("account_id") == "acc-001", a)
        if m:
            t = srv.client("resident").get("/t/%s?k=%s" % (n, m.group(1)))
            check("the 查询码 opens the resident's tracking page", t.status == 200 and n in t.text,
                  t.describe())
        x = post_ok("realtime XML", base_fields(description="路口信号灯不亮"), fmt="xml")
        check("realtime XML: a service_request_id", re.fullmatch(NUMBER_RE,
                                                              x.get("service_request_id") or ""), x)
        S["rt2"] = x.get("service_request_id")
        r = post(B + "requests.json", base_fields(description="带字符集的表单"),
                 headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        check("Content-Type with charset=utf-8 (the spec's example) accepted", r.status == 200,
              r.describe())

    @section("the intake inbox and the staff page")
    def _():
        clerk = srv.staff("clerk1")
        S["clerk"] = clerk
        inbox = clerk.get("/staff/inbox")
        check("a request POSTed via Open311 shows in the clerk's /staff/inbox",
              inbox.status == 200 and S["rt"] in inbox.text, inbox.describe())
        mp = matter_page(clerk, S["rt"])
        text = mp.page.text() if mp.status == 200 else ""
        check("staff page: status 待受理, title from the description's first line",
              "待受理" in status_of(mp.page) and "3号楼暖气不热，室温只有十二度。" in text, mp.describe())
        check("staff page: the name in Chinese order (王小芳) and the phone for staff",
              "王小芳" in text and "13800001111" in text, short(text, 2000))
        check("staff page: e-mail, device and account as other contact",
              "邮箱 wang@example.cn" in text and "设备 d-001" in text and "账号 acc-001" in text,
              short(text, 2000))
        check("staff page: the attribute answers and the media_url",
              "3号楼2单元" in text and "https://img.example.cn/p/1.jpg" in mp.text,
              short(text, 2000))

    @section("POST a batch request and its token")
    def _():
        a = post_ok("batch", base_fields(service_code="illegal-building",
                                         description="楼顶私自加盖彩钢房。", lat=None, long=None,
                                         address_string="建设路88号"))
        tok = a.get("token") or ""
        check("batch: a token and no service_request_id",
              tok and "service_request_id" not in a, a)
        S["batch_token"] = tok
        d = both("tokens/{token}", B + "tokens/%s.{fmt}" % urllib.parse.quote(tok, safe=""),
                 TOKEN_SCHEMA, root="service_requests")
        n = (d or [{}])[0].get("service_request_id") or ""
        check("tokens/{token}: the service_request_id and the token",
              re.fullmatch(NUMBER_RE, n) and d[0].get("token") == tok, d)
        S["batch"] = n
        d = both("the batch request by id", B + "requests/%s.{fmt}" % n, "requests.json")
        check("the batch request is readable by its id", ids_of(d) == [n], d)
        x = post_ok("batch XML", base_fields(service_code="illegal-building",
                                             description="占用绿地搭棚。"), fmt="xml")
        check("batch XML: a token", x.get("token") and not x.get("service_request_id"), x)

    POST_BAD = [
        # (label, fields, status, code)
        ("no api_key", base_fields(api_key=None), 403),
        ("empty api_key", base_fields(api_key=""), 403),
        ("a wrong api_key", base_fields(api_key="tzk_wrong"), 403),
        ("an observer's api_key", base_fields(api_key="OBS"), 403),
        ("a handler's api_key", base_fields(api_key="HND"), 403),
        ("no service_code", base_fields(service_code=None), 400),
        ("an unknown service_code", base_fields(service_code="no-such"), 404),
        ("an inactive service_code", base_fields(service_code="rural"), 404),
        ("no location", base_fields(lat=None, long=None), 400),
        ("empty location parameters", base_fields(lat="", long="", address_string=""), 400),
        ("lat without long", base_fields(long=None), 400),
        ("lat out of range", base_fields(lat="91"), 400),
        ("long not a number", base_fields(long="east"), 400),
        ("an unknown address_id", base_fields(lat=None, long=None, address_id="nowhere"), 400),
        ("description of 4001 characters", base_fields(description="字" * 4001), 400),
        ("media_url not http(s)", base_fields(media_url="ftp://x.example/a.jpg"), 400),
        ("email without @", base_fields(email="not-an-email"), 400),
        ("a bad phone", base_fields(phone="call me"), 400),
        ("a name over 50 characters", base_fields(last_name="长" * 51), 400),
        ("required attribute missing", base_fields(service_code="heat-gas") +
         [("attribute[building]", "1号楼")], 400),
        ("number attribute not a number", base_fields(service_code="heat-gas") +
         [("attribute[heating]", "cold"), ("attribute[building]", "1号楼"),
          ("attribute[temperature]", "cold")], 400),
        ("datetime attribute not a datetime", base_fields(service_code="heat-gas") +
         [("attribute[heating]", "cold"), ("attribute[building]", "1号楼"),
          ("attribute[since]", "yesterday")], 400),
        ("unknown list key", base_fields(service_code="heat-gas") +
         [("attribute[heating]", "hot"), ("attribute[building]", "1号楼")], 400),
        ("attribute[code][] on a singlevaluelist", base_fields(service_code="heat-gas") +
         [("attribute[heating][]", "cold"), ("attribute[heating][]", "leak"),
          ("attribute[building]", "1号楼")], 400),
        ("multivaluelist with an unknown key", base_fields(service_code="property") +
         [("attribute[issues][]", "lift"), ("attribute[issues][]", "pool")], 400),
        ("multivaluelist with a repeated key", base_fields(service_code="property") +
         [("attribute[issues][]", "lift"), ("attribute[issues][]", "lift")], 400),
        ("an unknown attribute", base_fields() + [("attribute[colour]", "red")], 400),
        ("a malformed attribute name", base_fields() + [("attribute[x", "1")], 400),
    ]

    @section("POST checks: bad input answers 4xx and stores nothing")
    def _():
        for label, fields, status in POST_BAD:
            fields = [(k, {"OBS": S["observer_key"], "HND": S["handler_key"]}.get(v, v))
                      for k, v in fields]
            before = matter_count()
            error_both("POST with " + label, B + "requests.{fmt}", status,
                       fetch=lambda p, f=fields: post(p, f))
            check("POST with %s stores nothing" % label, matter_count() == before,
                  "%d → %d" % (before, matter_count()))
        before = matter_count()
        r = post(B + "requests.json", base_fields(lat="91", email="x", description="字" * 4001))
        j, _ = json_of(r)
        check("several problems answered together, one error each",
              r.status == 400 and isinstance(j, list) and len(j) == 3 and
              all(e["code"] == 400 for e in j), r.describe())
        check("... and nothing stored", matter_count() == before)

    @section("POST: what must pass")
    def _():
        a = post_ok("description of exactly 4000 characters",
                    base_fields(description="长" * 4000))
        check("4000 characters: stored, title cut to 30 characters",
              db_rows("SELECT length(title) FROM matters WHERE number = ?",
                      (a.get("service_request_id"),)) == [(30,)], a)
        a = post_ok("no description (optional in the spec)", base_fields(description=None))
        check("without description: title and description are the service's name",
              db_rows("SELECT title, description FROM matters WHERE number = ?",
                      (a.get("service_request_id"),)) == [("道路交通", "道路交通")], a)
        a = post_ok("address_id only (an area code)",
                    base_fields(lat=None, long=None, address_id="xinhua"))
        S["area_req"] = a.get("service_request_id")
        a = post_ok("address_string only", base_fields(lat=None, long=None,
                                                       address_string="永安大道与建设路口"))
        a = post_ok("multivaluelist as attribute[code][]", base_fields(service_code="property") +
                    [("attribute[issues][]", "lift"), ("attribute[issues][]", "fee")])
        S["multi"] = a.get("service_request_id")
        mp = matter_page(S["clerk"], S["multi"])
        check("multivaluelist answers stored: staff page shows 电梯 and 物业收费",
              mp.status == 200 and "电梯" in mp.page.text() and "物业收费" in mp.page.text(),
              mp.describe())
        a = post_ok("a clerk's api_key", base_fields(api_key=S["clerk_key"]))
        check("a clerk's key may submit", re.fullmatch(NUMBER_RE, a.get("service_request_id", "")),
              a)

    @section("staff act on some requests; a private matter")
    def _():
        clerk = S["clerk"]
        r = act(clerk, S["rt2"], "reject", {"note": "该路口信号灯属市交警支队管理，已告知群众。"})
        check("clerk rejects one Open311 request → 303", r.status == 303, r.describe())
        mp = matter_page(clerk, S["rt"])
        form = mp.page.form(hidden_action="assign")
        dep = form and form.option_value("department", "城市管理局")
        S["deadline"] = day(10)
        r = act(clerk, S["rt"], "assign", {"department": dep, "deadline": S["deadline"],
                                          "note": "请尽快处理。"})
        check("clerk assigns the realtime request to 城市管理局 → 303", r.status == 303,
              r.describe())
        h = srv.staff("hroad")
        r = act(h, S["rt"], "resolve", {"note": "已更换3号楼供暖阀门，室温恢复到二十度。"})
        check("handler resolves it → 303", r.status == 303, r.describe())
        resp, n, _k = submit_matter(srv.client("private"), "家中私事求助", "不愿公开的事情。",
                                    public=False)
        check("a resident submits a private matter through /submit", n, resp.describe())
        S["private"] = n

    @section("GET requests: records")
    def _():
        d = both("requests (default)", B + "requests.{fmt}", "requests.json",
                 root="service_requests")
        ids = ids_of(d) or []
        S["default_ids"] = ids
        for k in ("rt", "rt2", "batch", "area_req", "multi"):
            check("default list has the request %s" % k, S.get(k) in ids, ids)
        check("private matters never listed", S["private"] not in ids, ids)
        by = {x["service_request_id"]: x for x in d or []}
        rt, rej = by.get(S["rt"], {}), by.get(S["rt2"], {})
        check("resolved: status closed, status_notes the result, agency 城市管理局",
              rt.get("status") == "closed" and rt.get("status_notes") ==
              "已更换3号楼供暖阀门，室温恢复到二十度。" and rt.get("agency_responsible") == "城市管理局",
              rt)
        check("resolved: expected_datetime the deadline's end of day in +08:00",
              rt.get("expected_datetime") == S["deadline"] + "T23:59:59+08:00", rt)
        check("rejected: status closed, status_notes the reason",
              rej.get("status") == "closed" and rej.get("status_notes", "").startswith("该路口"),
              rej)
        check("record: service code/name, description, address, lat/long numbers, media_url",
              rt.get("service_code") == "heat-gas" and rt.get("service_name") == "供暖燃气" and
              rt.get("description") == "3号楼暖气不热，室温只有十二度。\n已经三天了。" and
              rt.get("address") == "幸福小区3号楼" and rt.get("lat") == 38.30412 and
              rt.get("long") == 116.83881 and rt.get("media_url") ==
              "https://img.example.cn/p/1.jpg", rt)
        check("record: requested and updated datetimes in W3C format with +08:00",
              all(re.match(TIME_RE, x.get("requested_datetime") or "") and
                  re.match(TIME_RE, x.get("updated_datetime") or "") for x in d or []),
              [(x.get("requested_datetime"), x.get("updated_datetime")) for x in d or []][:3])
        check("record: every field of the spec present in every record",
              all(set(x) == {"service_request_id", "status", "status_notes", "service_name",
                             "service_code", "description", "agency_responsible",
                             "service_notice", "requested_datetime", "updated_datetime",
                             "expected_datetime", "address", "address_id", "zipcode", "lat",
                             "long", "media_url"} for x in d or []), (d or [None])[0])
        ar = by.get(S["area_req"], {})
        check("address_id given as an area code comes back as address_id, its name as address",
              ar.get("address_id") == "xinhua" and ar.get("address") == "新华社区", ar)
        check("new requests are open, newest first",
              by.get(S["multi"], {}).get("status") == "open" and
              ids.index(S["multi"]) < ids.index(S["rt"]), ids)
        one = both("requests/{id}", B + "requests/%s.{fmt}" % S["rt"], "requests.json")
        check("requests/{id}: a list of the one request, as in the search",
              one == [rt], one)
        error_both("a private matter by id", B + "requests/%s.{fmt}" % S["private"], 404)

    @section("GET requests: ids, service_code and status")
    def _():
        ids = "%s,%s,%s,TZ-1999-000009" % (S["multi"], S["rt"], S["private"])
        d = both("service_request_id list", B + "requests.{fmt}?service_request_id=" + ids,
                 "requests.json")
        check("ids: the public ones in the order asked; private and unknown ones left out",
              ids_of(d) == [S["multi"], S["rt"]], ids_of(d))
        d = both("ids override every other argument", B + "requests.{fmt}?service_request_id=" +
                 S["multi"] + "&status=closed&service_code=water&start_date=junk&page=0",
                 "requests.json")
        check("ids override status, service_code, dates and page", ids_of(d) == [S["multi"]],
              ids_of(d))
        d = both("service_code=heat-gas,property", B + "requests.{fmt}?service_code=heat-gas,"
                 "property", "requests.json")
        check("service_code list: only those services",
              d and {x["service_code"] for x in d} == {"heat-gas", "property"} and
              S["rt"] in ids_of(d) and S["multi"] in ids_of(d), d and ids_of(d))
        d2 = both("service_code repeated", B + "requests.{fmt}?service_code=heat-gas&"
                  "service_code=property", "requests.json")
        check("service_code given twice is the same as a comma list", ids_of(d2) == ids_of(d))
        d = both("status=closed", B + "requests.{fmt}?status=closed", "requests.json")
        check("status=closed: the resolved and the rejected request, nothing open",
              set(ids_of(d) or []) == {S["rt"], S["rt2"]}, ids_of(d))
        d = both("status=open", B + "requests.{fmt}?status=open", "requests.json")
        check("status=open: no closed request",
              d and all(x["status"] == "open" for x in d) and S["rt"] not in ids_of(d) and
              S["multi"] in ids_of(d), ids_of(d))
        d = both("status=open,closed", B + "requests.{fmt}?status=open,closed", "requests.json")
        check("status=open,closed: everything", ids_of(d) == S["default_ids"], ids_of(d))
        d = both("service_code and status together", B + "requests.{fmt}?service_code=heat-gas"
                 "&status=open", "requests.json")
        check("service_code=heat-gas&status=open: nothing (the one heat-gas request is closed)",
              d == [], d)
        error_both("status=pending", B + "requests.{fmt}?status=pending", 400)
        error_both("an unknown service_code in the search", B + "requests.{fmt}?service_code=nope",
                   400)

    @section("GET requests: windows, pages and empty parameters")
    def _():
        now = utcnow()
        w = "start_date=%s&end_date=%s" % (urllib.parse.quote(iso(now - datetime.timedelta(
            hours=1))), urllib.parse.quote((now + datetime.timedelta(hours=1)).astimezone(
                datetime.timezone(datetime.timedelta(hours=-5))).isoformat()))
        d = both("a window around now (Z and -05:00)", B + "requests.{fmt}?" + w,
                 "requests.json")
        check("a window around now has today's requests", ids_of(d) == S["default_ids"],
              ids_of(d))
        w = "start_date=%s&end_date=%s" % (iso(now - datetime.timedelta(days=10)),
                                           iso(now - datetime.timedelta(days=5)))
        d = both("a window in the past", B + "requests.{fmt}?" + w, "requests.json")
        check("a window 10 to 5 days ago has none of them", d == [], ids_of(d))
        d = both("start_date only", B + "requests.{fmt}?start_date=" +
                 iso(now - datetime.timedelta(days=1)), "requests.json")
        check("start_date alone: 90 days from it", ids_of(d) == S["default_ids"], ids_of(d))
        d = both("end_date only (a bare date)", B + "requests.{fmt}?end_date=" + day(0),
                 "requests.json")
        check("end_date alone, a bare date: its end of day, 90 days back",
              ids_of(d) == S["default_ids"], ids_of(d))
        d = both("an unencoded + in the zone", B + "requests.{fmt}?start_date=" +
                 (now - datetime.timedelta(hours=1)).astimezone(datetime.timezone(
                     datetime.timedelta(hours=8))).isoformat(), "requests.json")
        check("a '+' sent unencoded (arrives as a space) still reads as the zone",
              ids_of(d) == S["default_ids"], ids_of(d))
        error_both("a span over 90 days", B + "requests.{fmt}?start_date=%s&end_date=%s" % (
            iso(now - datetime.timedelta(days=91)), iso(now)), 400)
        error_both("start_date after end_date", B + "requests.{fmt}?start_date=%s&end_date=%s" % (
            iso(now), iso(now - datetime.timedelta(days=1))), 400)
        error_both("a date-time without zone", B + "requests.{fmt}?start_date=2026-11-01T08:00:00",
                   400)
        error_both("a date that is no date", B + "requests.{fmt}?end_date=2026-02-30", 400)
        error_both("page=0", B + "requests.{fmt}?page=0", 400)
        error_both("page_size=abc", B + "requests.{fmt}?page_size=abc", 400)
        d = both("page_size=2", B + "requests.{fmt}?page_size=2", "requests.json")
        d2 = both("page_size=2&page=2", B + "requests.{fmt}?page_size=2&page=2", "requests.json")
        check("page_size and page walk the same list",
              ids_of(d) == S["default_ids"][:2] and ids_of(d2) == S["default_ids"][2:4],
              (ids_of(d), ids_of(d2)))
        empty = ("service_request_id=&service_code=&status=&start_date=&end_date=&page=&"
                 "page_size=&jurisdiction_id=")
        d = both("empty parameters", B + "requests.{fmt}?" + empty, "requests.json")
        check("empty parameters answer exactly as absent ones", ids_of(d) == S["default_ids"],
              ids_of(d))
        r = S["c"].request("HEAD", B + "requests.json")
        check("HEAD works where GET does: 200, JSON type, no body",
              r.status == 200 and r.ctype == JSON_TYPE and r.body == b"", r.describe())

    @section("servicerequestupdates")
    def _():
        d = both("servicerequestupdates", B + "servicerequestupdates.{fmt}", UPDATES_SCHEMA,
                 root="service_request_updates")
        mine = [u for u in d or [] if u["service_request_id"] == S["rt2"]]
        check("updates: the rejection of a request, closed, with its reason",
              mine and mine[-1]["status"] == "closed" and
              mine[-1]["description"].startswith("该路口"), mine)
        check("updates: update_ids are strings, oldest first",
              d and [int(u["update_id"]) for u in d] == sorted(int(u["update_id"]) for u in d) and
              all(isinstance(u["update_id"], str) for u in d), d and d[:3])
        check("updates: nothing of the private matter",
              S["private"] not in [u["service_request_id"] for u in d or []])
        now = utcnow()
        d = both("updates in a window in the past", B + "servicerequestupdates.{fmt}?start_date="
                 "%s&end_date=%s" % (iso(now - datetime.timedelta(days=3)),
                                     iso(now - datetime.timedelta(days=2))), UPDATES_SCHEMA)
        check("updates 3 to 2 days ago: none", d == [], d)
        error_both("updates with a span over 90 days", B + "servicerequestupdates.{fmt}?"
                   "start_date=2026-01-01&end_date=2026-06-01", 400)

    @section("personal data never in an Open311 answer or a log line")
    def _():
        a = post_ok("markers (realtime)", base_fields(
            first_name=M_FIRST, last_name=M_LAST, phone=M_PHONE, email=M_EMAIL,
            device_id=M_DEVICE, account_id=M_ACCOUNT, description="标记事项的描述"))
        b = post_ok("markers (batch)", base_fields(
            service_code="illegal-building", first_name=M_FIRST, last_name=M_LAST,
            phone=M_PHONE, email=M_EMAIL, device_id=M_DEVICE, account_id=M_ACCOUNT,
            description="标记事项的描述二"))
        n, tok = a.get("service_request_id"), b.get("token", "")
        mp = matter_page(S["clerk"], n)
        check("markers were stored (staff see the name and phone)",
              M_LAST + M_FIRST in mp.text and M_PHONE in mp.text, mp.describe())
        paths = ["services", "services/heat-gas", "discovery", "requests",
                 "requests/%s" % n, "tokens/%s" % urllib.parse.quote(tok, safe=""),
                 "servicerequestupdates", "requests?service_request_id=%s" % n,
                 "requests?status=open&service_code=traffic,illegal-building"]
        seen = []
        for p in paths:
            for fmt in ("xml", "json"):
                stem, _, q = p.partition("?")
                r = get(B + stem + "." + fmt + ("?" + q if q else ""))
                text = r.body.decode("utf-8", "replace")
                if r.status != 200 or any(m in text for m in MARKERS):
                    seen.append("%s %s %d" % (p, fmt, r.status))
        check("no name, phone, email, device_id or account_id in any answer (%d answers)"
              % (2 * len(paths)), not seen, seen)
        logs = srv.stdout() + srv.stderr()
        check("no marker in the server's log", not any(m in logs for m in MARKERS),
              [l for l in logs.splitlines() if any(m in l for m in MARKERS)][:5])
        check("no 查询码 of an Open311 request in the server's log",
              not any(k in logs for k in re.findall(r"查询码 ([A-Z0-9]{8})",
                                                    a.get("service_notice", ""))))

    @section("the 90-day default window")
    def _():
        old = int((utcnow() - datetime.timedelta(days=100)).timestamp())
        db_write("UPDATE matters SET created_at = ?, updated_at = ? WHERE number = ?",
                 [(old, old, S["area_req"])])
        d = both("requests after ageing one to 100 days", B + "requests.{fmt}", "requests.json")
        check("a request made 100 days ago is outside the default 90 days",
              d is not None and S["area_req"] not in ids_of(d), ids_of(d))
        now = utcnow()
        d = both("a window 120 to 80 days ago", B + "requests.{fmt}?start_date=%s&end_date=%s" % (
            iso(now - datetime.timedelta(days=120)), iso(now - datetime.timedelta(days=80))),
            "requests.json")
        check("... and inside a window 120 to 80 days ago", ids_of(d) == [S["area_req"]],
              ids_of(d))
        d = both("the old one by id", B + "requests.{fmt}?service_request_id=" + S["area_req"],
                 "requests.json")
        check("... and found by id whatever its age", ids_of(d) == [S["area_req"]], ids_of(d))

    @section("at most 1000 requests, page and page_size")
    def _():
        cat = db_rows("SELECT id FROM categories WHERE code = 'other'")[0][0]
        now = int(utcnow().timestamp())
        db_write("INSERT INTO matters(number, secret, kind, category_id, title, description,"
                 " channel, public, status, created_at, updated_at)"
                 " VALUES (?, 'x', 'request', ?, '批量', '批量测试', 'app', 1, 'submitted', ?, ?)",
                 [("TZ-2026-9%05d" % i, cat, now - 60 - i, now - 60 - i) for i in range(1005)])
        r = get(B + "requests.json")
        d, _ = json_of(r)
        check("default answer: exactly 1000 requests", r.status == 200 and len(d or []) == 1000,
              len(d or []))
        got, seen, page = [], set(), 1
        while page < 20:
            rp = get(B + "requests.json?page_size=400&page=%d" % page)
            dp, _ = json_of(rp)
            if rp.status != 200 or not dp:
                break
            got += ids_of(dp)
            page += 1
        check("pages of 400 walk every request once, over 1000 in all",
              len(got) == len(set(got)) and len(got) > 1005 and got[:1000] == ids_of(d),
              (len(got), len(set(got))))
        times = [x["requested_datetime"] for x in d or []]
        check("newest first", times == sorted(times, reverse=True), times[:5])
        r = get(B + "requests.xml?page_size=5000")
        x, probs = xml_of(r)
        check("page_size over 1000 is capped at 1000 (XML)",
              r.status == 200 and x is not None and len(x) == 1000 and not probs, len(x or []))
        d2 = both("page 2 of the default page size", B + "requests.{fmt}?page=2", "requests.json")
        check("page=2 gives what follows the first 1000", ids_of(d2) == got[1000:2000], ids_of(d2))

print("# Open311 e2e done")
done()
