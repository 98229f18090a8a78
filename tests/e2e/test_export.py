#!/usr/bin/env python3
"""The ledger's export (`taizhang export`, /staff/export.*, /board/export.*): a fresh ledger
with a few matters taken through their lifecycle, exported by the CLI as XLSX (opened with
zipfile + ElementTree: sheet 台账, the headers, a frozen pane, an autofilter, dates as numeric
cells with a date style, the row count) and CSV (BOM, csv module); --public leaves out the
private matter, internal notes and every resident's name and phone; the filters select;
bad parameters exit 1 and write nothing; an existing --out is refused without --force.
Over HTTP: every staff list links to both downloads with its own filters, which answer the
right type and file name; an observer's export has no personal columns; a handler's has
only their own department's residents; the board's export is public only."""
import csv
import io
import os
import re
import sys
import tempfile
import urllib.parse
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, act, check, day, db_exec, db_rows, done, require_binary, run_cli,  # noqa: E402
                     section, short, submit_matter)

require_binary()
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
HEADERS = ["序号", "编号", "类型", "诉求类型", "事项", "内容", "类别", "片区", "地址", "渠道",
           "责任单位", "协办单位", "责任人", "登记时间", "完成时限", "办理进展", "办理结果",
           "状态", "是否超期", "办结时间", "满意度", "是否公开"]
PERSONAL = ["诉求人", "联系电话"]
# Residents with names and phones no page uses, one per matter.
R = {"a": ("鄢蓁甲", "13811112222"), "b": ("鄢蓁乙", "13811113333"),
     "c": ("鄢蓁丙", "13811114444"), "d": ("鄢蓁丁", "13811115555")}
SECRETS = [x for v in R.values() for x in v] + ["内部进展EXQ"]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
S = {}
WORK = tempfile.mkdtemp(prefix="tz-export-")


def read_csv(data):
    """(header, rows) of a CSV export; checks the BOM and CRLF on the way."""
    check("CSV starts with the UTF-8 BOM", data.startswith(b"\xef\xbb\xbf"), data[:20])
    text = data[3:].decode("utf-8")
    check("CSV lines end with CRLF", text.endswith("\r\n") and text.split("\n")[0].endswith("\r"),
          short(text, 200))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], rows[1:]


def xlsx_parts(data):
    """The sheet, workbook and styles XML of an XLSX export."""
    z = zipfile.ZipFile(io.BytesIO(data))
    return (ET.fromstring(z.read("xl/worksheets/sheet1.xml")),
            ET.fromstring(z.read("xl/workbook.xml")), ET.fromstring(z.read("xl/styles.xml")),
            "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()))


def cell_text(c):
    t = c.find("m:is/m:t", NS)
    if t is not None:
        return t.text or ""
    v = c.find("m:v", NS)
    return v.text if v is not None else ""


def xlsx_rows(sheet):
    return [[(c.get("r"), c) for c in row.findall("m:c", NS)]
            for row in sheet.findall("m:sheetData/m:row", NS)]


def date_styles(styles):
    """Indexes of cellXfs whose number format is a date or date-time."""
    fmts = {f.get("numFmtId"): f.get("formatCode")
            for f in styles.findall("m:numFmts/m:numFmt", NS)}
    out = set()
    for i, xf in enumerate(styles.findall("m:cellXfs/m:xf", NS)):
        code = fmts.get(xf.get("numFmtId"), "")
        if "yy" in code and "dd" in code:
            out.add(str(i))
    return out


def export(args, out):
    rc, so, se = run_cli(["export", "--db", S["db"], "--out", out] + args)
    return rc, so + se


def setup(srv):
    leader, clerk = srv.staff("leader1"), srv.staff("clerk1")
    hroad, hwater = srv.staff("hroad"), srv.staff("hwater")
    S["db"] = srv.db
    web = srv.client("resident")
    titles = {"a": "=1+2 路灯不亮EXA", "b": "私密事项EXB", "c": "水管爆裂EXC", "d": "待受理事项EXD"}
    for k in "abcd":
        r, n, _ = submit_matter(web, titles[k], "描述，含逗号", name=R[k][0], phone=R[k][1],
                                public=(k != "b"))
        check("matter %s handed in" % k, n, r.describe())
        S[k] = n
    for k, dep_name, h in (("a", "城市管理局", hroad), ("b", "城市管理局", hroad),
                           ("c", "水务局", hwater)):
        n = S[k]
        act(clerk, n, "accept", {"note": "受理"})
        form = leader.get("/staff/m/" + n).page.form(hidden_action="assign")
        dep = form.option_value("department", dep_name)
        r = act(leader, n, "assign", {"department": dep, "deadline": day(10)})
        check("%s assigned to %s" % (k, dep_name), r.status == 303, r.describe())
        r = act(h, n, "progress", {"note": "公开进展EXP", "note_public": "1"})
        check("%s: a public progress note" % k, r.status == 303, r.describe())
        r = act(h, n, "progress", {"note": "内部进展EXQ", "note_public": None})
        check("%s: an internal progress note" % k, r.status == 303, r.describe())
    r = act(hroad, S["a"], "resolve", {"note": "已修复EXR"})
    check("a resolved", r.status == 303, r.describe())
    # c becomes overdue (its deadline is in the past), for --overdue
    db_exec(srv, "UPDATE matters SET deadline = ? WHERE number = ?", (day(-3), S["c"]))
    S["cgj"] = db_rows(srv, "SELECT id FROM departments WHERE code = 'cgj'")[0][0]


def numbers_in(rows):
    return {r[1] for r in rows}


with Server("export") as srv:
    setup(srv)

    @section("CLI: XLSX")
    def _():
        out = os.path.join(WORK, "all.xlsx")
        rc, text = export(["--format", "xlsx"], out)
        check("export --format xlsx → exit 0, prints the rows", rc == 0 and "4 rows" in text, text)
        data = open(out, "rb").read()
        sheet, wb, styles, alltext = xlsx_parts(data)
        names = [s.get("name") for s in wb.findall("m:sheets/m:sheet", NS)]
        check("one sheet named 台账", names == ["台账"], names)
        rows = xlsx_rows(sheet)
        header = [cell_text(c) for _, c in rows[0]]
        check("the headers, in order, with the personal columns (administrator)",
              header == HEADERS + PERSONAL, header)
        check("header + 4 rows", len(rows) == 5, len(rows))
        pane = sheet.find("m:sheetViews/m:sheetView/m:pane", NS)
        check("the header row is frozen", pane is not None and pane.get("state") == "frozen"
              and pane.get("ySplit") == "1", ET.tostring(sheet)[:600])
        af = sheet.find("m:autoFilter", NS)
        check("an autofilter over the table", af is not None and af.get("ref") == "A1:X5",
              af.attrib if af is not None else None)
        dates = date_styles(styles)
        col = {h: chr(ord("A") + i) for i, h in enumerate(HEADERS)}
        created = [c for r in rows[1:] for ref, c in r if ref.startswith(col["登记时间"])]
        deadline = [c for r in rows[1:] for ref, c in r if ref.startswith(col["完成时限"])]
        ok = len(created) == 4 and all(c.get("t") is None and c.get("s") in dates and
                                       float(cell_text(c)) > 40000 for c in created + deadline)
        check("登记时间 and 完成时限 are numeric cells with a date style", ok and len(deadline) == 3,
              [(c.get("r"), c.get("t"), c.get("s"), cell_text(c)) for c in created + deadline]
              + [sorted(dates)])
        seq = [cell_text(c) for r in rows[1:] for ref, c in r if ref.startswith("A")]
        check("序号 1..4", seq == ["1", "2", "3", "4"], seq)
        formula = [c for r in rows for _, c in r if cell_text(c).startswith("=1+2")]
        check("a title starting with = is a string cell, never a formula",
              formula and all(c.get("t") == "inlineStr" and c.find("m:f", NS) is None
                              for c in formula), [ET.tostring(c) for c in formula])
        check("the administrator's XLSX holds the residents and internal notes",
              all(s in alltext for s in SECRETS), [s for s in SECRETS if s not in alltext])

    @section("CLI: CSV and filters")
    def _():
        out = os.path.join(WORK, "all.csv")
        rc, text = export(["--format", "csv"], out)
        check("export --format csv → exit 0", rc == 0 and "4 rows" in text, text)
        header, rows = read_csv(open(out, "rb").read())
        check("CSV headers", header == HEADERS + PERSONAL, header)
        check("4 rows, every matter", numbers_in(rows) == {S[k] for k in "abcd"}, rows)
        a = [r for r in rows if r[1] == S["a"]][0]
        check("the = title gets a leading ' in CSV", a[4] == "'=1+2 路灯不亮EXA", a[4])
        check("a's row: status, department, progress notes, result, resident",
              a[17] == "已办结" and a[10] == "城市管理局" and "公开进展EXP" in a[15]
              and "内部进展EXQ" in a[15] and re.match(r"^\d\d-\d\d ", a[15]) and a[16] == "已修复EXR"
              and a[22:] == list(R["a"]) and re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d$", a[13])
              and re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d$", a[19]), a)
        c = [r for r in rows if r[1] == S["c"]][0]
        check("c is overdue (是否超期 是)", c[18] == "是" and a[18] == "否", (c[18], a[18]))
        cases = [(["--department", "cgj"], {"a", "b"}), (["--status", "open"], {"b", "c", "d"}),
                 (["--status", "finished"], {"a"}), (["--status", "closed"], set()),
                 (["--status", "submitted"], {"d"}),
                 (["--kind", "wish"], set()), (["--overdue"], {"c"}),
                 (["--from", day(1)], set()), (["--from", day(-1), "--to", day(1)],
                                                {"a", "b", "c", "d"}),
                 (["--q", "水管"], {"c"}), (["--q", "水管", "--public"], {"c"}),
                 (["--area", "xinhua", "--category", "water"], None)]
        for i, (args, want) in enumerate(cases):
            out = os.path.join(WORK, "f%d.csv" % i)
            rc, text = export(["--format", "csv"] + args, out)
            if want is None:  # only: accepted codes
                check("export %s → exit 0" % " ".join(args), rc == 0, text)
                continue
            got = numbers_in(read_csv(open(out, "rb").read())[1]) if rc == 0 else None
            check("export %s → %s" % (" ".join(args), sorted(want)),
                  rc == 0 and got == {S[k] for k in want}, (rc, text, got))

    @section("CLI: --public")
    def _():
        for fmt in ("csv", "xlsx"):
            out = os.path.join(WORK, "public." + fmt)
            rc, text = export(["--format", fmt, "--public"], out)
            data = open(out, "rb").read() if rc == 0 else b""
            alltext = xlsx_parts(data)[3] if fmt == "xlsx" and data else data.decode("utf-8")
            found = [s for s in SECRETS + PERSONAL + [S["b"], "私密事项EXB"] if s in alltext]
            check("--public %s: 3 rows, no private matter, internal note, personal column or "
                  "resident's name or phone" % fmt, rc == 0 and "3 rows" in text and not found
                  and S["a"] in alltext and "公开进展EXP" in alltext, (rc, text, found))

    @section("CLI: bad parameters and an existing file")
    def _():
        bad = [["--format", "pdf"], ["--format", "csv", "--department", "nope"],
               ["--format", "csv", "--area", "nope"], ["--format", "csv", "--category", "nope"],
               ["--format", "csv", "--status", "bogus"], ["--format", "csv", "--kind", "bogus"],
               ["--format", "csv", "--from", "2026-13-45"], ["--format", "csv", "--to", "x"]]
        for args in bad:
            d = tempfile.mkdtemp(dir=WORK)
            rc, text = export(args, os.path.join(d, "x.out"))
            check("export %s → exit 1 with a message, nothing written" % " ".join(args),
                  rc == 1 and "taizhang:" in text and os.listdir(d) == [], (rc, text, os.listdir(d)))
        d = tempfile.mkdtemp(dir=WORK)
        out = os.path.join(d, "x.csv")
        with open(out, "w") as f:
            f.write("keep")
        rc, text = export(["--format", "csv"], out)
        check("an existing --out is refused (exit 1), untouched",
              rc == 1 and "exists" in text and open(out).read() == "keep"
              and os.listdir(d) == ["x.csv"], (rc, text))
        rc, text = export(["--format", "csv", "--force"], out)
        check("… and replaced with --force", rc == 0 and open(out, "rb").read(3) == b"\xef\xbb\xbf"
              and os.listdir(d) == ["x.csv"], (rc, text, os.listdir(d)))
        rc, out_, err = run_cli(["export", "--help"])
        check("export --help", rc == 0 and "usage: taizhang export" in out_ and "--public" in out_,
              out_ + err)
        rc, _, err = run_cli(["export", "--db", os.path.join(WORK, "none.db"), "--format", "csv",
                              "--out", os.path.join(WORK, "none.csv")])
        check("a ledger that does not exist → exit 1", rc == 1 and "does not exist" in err, err)

    @section("staff lists: download links with the list's filters")
    def _():
        leader = srv.staff("leader1")
        lists = {"/staff/inbox": {"d"}, "/staff/queue": {"b", "c", "d"}, "/staff/overdue": {"c"},
                 "/staff/matters": {"a", "b", "c", "d"},
                 "/staff/matters?department=%d" % S["cgj"]: {"a", "b"},
                 "/staff/matters?status=closed": set(),
                 "/staff/matters?status=resolved&q=" + urllib.parse.quote("路灯"): {"a"}}
        for page, want in lists.items():
            r = leader.get(page)
            links = [h for h in r.page.links() if h.startswith("/staff/export.")] \
                if r.status == 200 else []
            check("%s links to /staff/export.xlsx and .csv" % page,
                  len(links) == 2 and links[0].startswith("/staff/export.xlsx?list=")
                  and links[1].startswith("/staff/export.csv?list="), links)
            for link in links:
                d = leader.get(link)
                is_csv = ".csv" in link
                disp = d.header("Content-Disposition") or ""
                check("%s → 200, %s, attachment with a Chinese file name" % (link, "CSV" if is_csv
                                                                             else "XLSX"),
                      d.status == 200 and d.ctype == ("text/csv; charset=utf-8" if is_csv
                                                      else XLSX_TYPE)
                      and disp.startswith("attachment; filename=\"taizhang-")
                      and "filename*=UTF-8''%E5%8F%B0%E8%B4%A6-" in disp, d.describe()[:300] + disp)
                if is_csv and d.status == 200:
                    got = numbers_in(read_csv(d.body)[1])
                    check("… holds exactly the list's matters %s" % sorted(want),
                          got == {S[k] for k in want}, (got, link))
        for bad in ("/staff/export.csv?list=nope", "/staff/export.csv?status=bogus",
                    "/staff/export.xlsx?from=2026-99-99", "/staff/export.csv?department=x"):
            r = leader.get(bad)
            check("%s → 400" % bad, r.status == 400, r.describe())
        r = srv.client("anon").get("/staff/export.csv")
        check("/staff/export.csv needs a sign-in", r.status in (303, 401)
              and "/login" in (r.location or "/login"), r.describe())

    @section("who sees what in a staff export")
    def _():
        obs = srv.staff("obs1")
        r = obs.get("/staff/export.csv?list=matters")
        header, rows = read_csv(r.body)
        found = [s for s in SECRETS[:-1] if s in r.text]
        check("the observer's export: every matter, no personal column, no name or phone",
              r.status == 200 and header == HEADERS and len(rows) == 4 and not found,
              (header, found))
        r = obs.get("/staff/export.xlsx?list=matters")
        alltext = xlsx_parts(r.body)[3]
        check("… nor in the XLSX", r.status == 200 and not [s for s in SECRETS[:-1] + PERSONAL
                                                             if s in alltext], r.describe()[:200])
        hw = srv.staff("hwater")
        r = hw.get("/staff/export.csv?list=matters")
        header, rows = read_csv(r.body)
        mine = [x for x in rows if x[1] == S["c"]]
        others = [x for x in rows if x[1] != S["c"]]
        check("a handler's whole-ledger export: the residents of their department only",
              header == HEADERS + PERSONAL and mine and mine[0][22:] == list(R["c"])
              and all(x[22:] == ["", ""] for x in others) and len(rows) == 4, rows)
        r = hw.get("/staff/export.csv?list=queue&department=%d" % S["cgj"])
        got = numbers_in(read_csv(r.body)[1])
        check("a handler's queue export is their own department's, whatever the link says",
              got == {S["c"]}, got)

    @section("the board's export")
    def _():
        c = srv.client("public")
        r = c.get("/board")
        links = [h for h in r.page.links() if h.startswith("/board/export.")]
        check("/board links to /board/export.xlsx and .csv", len(links) == 2, links)
        r = c.get("/board/export.csv")
        header, rows = read_csv(r.body)
        found = [s for s in SECRETS + PERSONAL + ["私密事项EXB"] if s in r.text]
        check("/board/export.csv: the public matters only, no personal data",
              r.status == 200 and r.ctype == "text/csv; charset=utf-8" and header == HEADERS
              and numbers_in(rows) == {S["a"], S["c"], S["d"]} and not found,
              (numbers_in(rows), found))
        disp = r.header("Content-Disposition") or ""
        check("… named 公开栏-DATE.csv", "filename*=UTF-8''%E5%85%AC%E5%BC%80%E6%A0%8F-" in disp, disp)
        r = c.get("/board/export.xlsx?status=open")
        alltext = xlsx_parts(r.body)[3] if r.status == 200 else ""
        found = [s for s in SECRETS + PERSONAL + ["私密事项EXB"] if s in alltext]
        check("/board/export.xlsx?status=open: public, open, nothing personal",
              r.status == 200 and r.ctype == XLSX_TYPE and S["c"] in alltext
              and S["a"] not in alltext and not found, found)
        r = c.get("/board/export.csv?status=bogus")
        check("/board/export.csv?status=bogus → 400", r.status == 400, r.describe())

done()
