#!/usr/bin/env python3
"""Import of an office's Excel/CSV ledger: `taizhang import` dry run and real run,
idempotent re-import by 编号, all or nothing (one bad row and nothing changes), every
malformed file refused with a clear message and no change, the upload page as a clerk
(dry-run plan, then 确认导入), refused for handlers, observers, leaders and residents,
CSRF required, and a round trip export → import into a fresh ledger → export."""
import datetime
import io
import os
import re
import shutil
import sys
import tempfile
import urllib.parse
import zipfile
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (Server, check, day, db_rows, done, ledger_problems, require_binary,  # noqa: E402
                     run_cli, section, short)

require_binary()
TMP = tempfile.mkdtemp(prefix="tz-import-")

# ---------------------------------------------------------------- files

def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def cell_xml(ref, v):
    if isinstance(v, tuple):  # ("date", serial) or ("f", formula) or ("raw", xml)
        kind, x = v
        if kind == "date":
            return '<c r="%s" s="1"><v>%s</v></c>' % (ref, x)
        if kind == "f":
            return '<c r="%s"><f>%s</f><v>1</v></c>' % (ref, escape(x))
        return x
    if isinstance(v, (int, float)):
        return '<c r="%s"><v>%s</v></c>' % (ref, v)
    if v == "":
        return ""
    return '<c r="%s" t="inlineStr"><is><t xml:space="preserve">%s</t></is></c>' % (
        ref, escape(v))


def sheet_xml(rows, prolog=""):
    out = []
    for r, row in enumerate(rows, 1):
        cells = "".join(cell_xml("%s%d" % (col(c), r), v) for c, v in enumerate(row))
        out.append('<row r="%d">%s</row>' % (r, cells))
    return ('<?xml version="1.0" encoding="UTF-8"?>%s<worksheet xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main"><sheetData>%s</sheetData></worksheet>'
            % (prolog, "".join(out)))


PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
                           'schemas.openxmlformats.org/package/2006/content-types"/>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
                       'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
                       'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet '
                       'name="台账" sheetId="1" r:id="rId3"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships '
                                  'xmlns="http://schemas.openxmlformats.org/package/2006/'
                                  'relationships"><Relationship Id="rId3" Type="x" '
                                  'Target="worksheets/sheet1.xml"/></Relationships>',
    "xl/styles.xml": '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                     'main"><numFmts count="1"><numFmt numFmtId="176" formatCode="yyyy/m/d"/>'
                     '</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="176"/>'
                     '</cellXfs></styleSheet>',
}


def xlsx(rows=None, sheet=None, parts=None, drop=()):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        p = dict(PARTS)
        p["xl/worksheets/sheet1.xml"] = sheet if sheet is not None else sheet_xml(rows)
        p.update(parts or {})
        for name, text in p.items():
            if name not in drop:
                z.writestr(name, text)
    return buf.getvalue()


def csv_bytes(rows, bom=True, encoding="utf-8"):
    def field(v):
        v = str(v)
        return '"%s"' % v.replace('"', '""') if any(c in v for c in ',"\r\n') else v
    text = "\r\n".join(",".join(field(v) for v in r) for r in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


HEAD = ["序号", "编号", "类型", "事项", "内容", "类别", "片区", "责任单位", "协办单位",
        "登记时间", "完成时限", "办理进展", "办理结果", "状态", "满意度", "是否公开", "诉求人",
        "联系电话"]
ROWS = [
    [1, "WX-2026-001", "诉求", "新华路路灯不亮", "新华路12号门前路灯坏了一周", "市容环境",
     "新华社区", "城市管理局", "水务局", "2026-10-08 09:30", ("date", 46322),
     "10-09 已派人查看\n10-12 已更换灯泡", "", "办理中", "", "是", "李大爷", "13912345678"],
    [2, "WX-2026-002", "微心愿", "社区图书角", "孩子们想要一个图书角", "", "新华社区",
     "城市管理局", "", "2026/10/9", "2026年10月30日", "", "已建成图书角", "已办结", "满意", "否",
     "", ""],
    [3, "WX-2026-003", "信访", "小区漏水", "楼顶漏水", "", "", "水务局", "", "2026-10-10", "", "",
     "", "已派单", "", "是", "王女士", "0571-8888 1234"],
]


def q(db, sql, *args):
    return db_rows(db, sql, args)


def counts(db):
    return tuple(q(db, "SELECT (SELECT count(*) FROM matters), (SELECT count(*) FROM events),"
                       " (SELECT count(*) FROM matter_codepartments),"
                       " (SELECT coalesce(max(value), 0) FROM counters)")[0])


def imp(db, path, *flags):
    return run_cli(["import", "--db", db] + list(flags) + [path])


def show(rc, out, err):
    return "exit %s\nstdout: %s\nstderr: %s" % (rc, short(out, 1500), short(err, 800))


# ---------------------------------------------------------------- the CLI

with Server("import") as srv:
    DB = srv.db
    GOOD = write("good.xlsx", xlsx([HEAD] + ROWS))

    @section("dry run")
    def _():
        before = counts(DB)
        rc, out, err = imp(DB, GOOD, "--dry-run")
        check("dry run: exit 0", rc == 0, show(rc, out, err))
        check("dry run: one 'row N: create NUMBER title' line per row",
              all(re.search(r"^row %d: create TZ-\d{4}-\d{6} %s$" % (i + 2, re.escape(r[3])),
                            out, re.M) for i, r in enumerate(ROWS)), out)
        check("dry run: says it is a dry run", "dry run: 3 to create" in out, out)
        check("dry run changes nothing", counts(DB) == before, "%s -> %s" % (before, counts(DB)))

    @section("real run")
    def _():
        rc, out, err = imp(DB, GOOD)
        check("import: exit 0 and 3 created", rc == 0 and "imported: 3 created" in out,
              show(rc, out, err))
        rows = q(DB, "SELECT number, external_number, kind, status, title, deadline, public,"
                     " rating, result, submitter_phone, channel FROM matters ORDER BY id")
        check("import: three matters with their external numbers",
              [r[1] for r in rows] == ["WX-2026-001", "WX-2026-002", "WX-2026-003"], rows)
        one = rows[0] if rows else [None] * 11
        check("import: kind, status, deadline (an Excel date), public, phone, channel",
              one[2:4] == ("request", "in_progress") and one[5] == "2026-10-27" and one[6] == 1
              and one[9] == "13912345678" and one[10] == "import", one)
        two = rows[1] if len(rows) > 1 else [None] * 11
        check("import: a wish, resolved, rated, private",
              two[2:4] == ("wish", "resolved") and two[7] == "satisfied" and two[6] == 0
              and two[8] == "已建成图书角" and two[5] == "2026-10-30", two)
        ev = q(DB, "SELECT e.action, e.from_status, e.to_status, e.note, e.public FROM events e JOIN matters"
                   " m ON m.id = e.matter_id WHERE m.external_number = 'WX-2026-001'"
                   " ORDER BY e.id")
        check("import: events submit, import, one public progress event per note",
              [e[0] for e in ev] == ["submit", "import", "progress", "progress"] and
              ev[1][1:3] == ("submitted", "in_progress") and ev[2][3] == "已派人查看" and
              ev[3][3] == "已更换灯泡" and all(e[4] == 1 for e in ev[2:]), ev)
        cod = q(DB, "SELECT d.code FROM matter_codepartments c JOIN departments d ON"
                    " d.id = c.department_id JOIN matters m ON m.id = c.matter_id"
                    " WHERE m.external_number = 'WX-2026-001'")
        check("import: co-department 水务局", cod == [("swj",)], cod)
        check("import: the ledger is sound (first event, status = last event, counters)",
              ledger_problems(DB) == [], ledger_problems(DB))
        c = srv.staff("clerk1")
        r = c.get("/staff/matters?q=" + urllib.parse.quote("路灯"))
        check("import: the search index knows the imported matter", "新华路路灯不亮" in r.text,
              r.describe())
        num = q(DB, "SELECT number FROM matters WHERE external_number = 'WX-2026-001'")[0][0]
        r = c.get("/staff/m/" + num)
        check("the staff page's timeline shows 台账导入 and the progress notes",
              r.status == 200 and "台账导入" in r.text and "已更换灯泡" in r.text, r.describe())
        r = srv.client("resident").get("/t/" + num)
        check("the public page of a public imported matter: the notes, not the submitter",
              r.status == 200 and "已更换灯泡" in r.text and "李大爷" not in r.text and
              "13912345678" not in r.text, r.describe())
        private = q(DB, "SELECT number FROM matters WHERE external_number = 'WX-2026-002'")[0][0]
        r = srv.client("resident").get("/t/" + private)
        check("a private imported matter (是否公开 否) is not public", r.status == 404,
              r.describe())
        sig = q(DB, "SELECT count(*) FROM matter_signatures s JOIN matters m ON"
                    " m.id = s.matter_id WHERE m.external_number IS NOT NULL")[0][0]
        check("import: duplicate signatures written", sig == 3, sig)

    @section("idempotent re-import")
    def _():
        before = counts(DB)
        rc, out, err = imp(DB, GOOD)
        check("same file again: exit 0, every row unchanged, nothing written",
              rc == 0 and out.count(": skip ") == 3 and counts(DB) == before,
              show(rc, out, err) + "\n%s -> %s" % (before, counts(DB)))
        rows = [list(r) for r in ROWS]
        rows[0][3] = "新华路路灯不亮（已复查）"
        rows[0][11] += "\n10-15 群众确认已亮"
        rows[2][13] = "办理中"
        path = write("changed.xlsx", xlsx([HEAD] + rows))
        rc, out, err = imp(DB, path)
        after = counts(DB)
        check("changed file: exit 0, two updates and one unchanged",
              rc == 0 and out.count(": update ") == 2 and out.count(": skip ") == 1,
              show(rc, out, err))
        check("changed file: count of matters unchanged", after[0] == before[0],
              "%s -> %s" % (before, after))
        t = q(DB, "SELECT title, status FROM matters WHERE external_number = 'WX-2026-001'")
        check("changed file: title updated", t == [("新华路路灯不亮（已复查）", "in_progress")], t)
        s = q(DB, "SELECT status FROM matters WHERE external_number = 'WX-2026-003'")
        check("changed file: status updated", s == [("in_progress",)], s)
        notes = q(DB, "SELECT count(*) FROM events e JOIN matters m ON m.id = e.matter_id"
                      " WHERE m.external_number = 'WX-2026-001' AND e.action = 'progress'")
        check("changed file: only the new progress note added", notes == [(3,)], notes)
        num = q(DB, "SELECT number FROM matters WHERE external_number = 'WX-2026-003'")[0][0]
        rows = [HEAD, [1, num, "信访", "小区楼顶漏水", "楼顶漏水", "", "", "水务局", "", "", "",
                       "", "", "办理中", "", "是", "", ""]]
        rc, out, err = imp(DB, write("ours.csv", csv_bytes(rows)))
        check("a row with one of our own numbers updates that matter",
              rc == 0 and ("update %s" % num) in out and counts(DB)[0] == before[0],
              show(rc, out, err))
        check("the ledger is still sound", ledger_problems(DB) == [], ledger_problems(DB))

    @section("empty cells on an update, notes and line breaks")
    def _():
        head = ["编号", "事项", "内容", "状态", "类型", "是否公开", "办理进展"]
        rc, out, err = imp(DB, write("u1.csv", csv_bytes([head, ["U-1", "第一行\n第二行", "内容",
                                                                   "已受理", "信访", "是",
                                                                   "12-15号楼漏水\n11-02 已上门"]])))
        m = q(DB, "SELECT title, status, kind, public, id FROM matters WHERE external_number = 'U-1'")
        check("a line break in a title becomes a space", rc == 0 and m and m[0][0] == "第一行 第二行",
              show(rc, out, err) + "\n%s" % m)
        beijing = datetime.timezone(datetime.timedelta(hours=8))
        notes = [(note_, datetime.datetime.fromtimestamp(at, beijing).strftime("%m-%d"))
                 for note_, at in q(DB, "SELECT note, at FROM events WHERE matter_id = ?"
                                        " AND action = 'progress' ORDER BY id", m[0][4])] if m else []
        check("'12-15号楼漏水' is a note without a date; '11-02 已上门' is dated 11-02",
              len(notes) == 2 and notes[0][0] == "12-15号楼漏水" and notes[1] == ("已上门", "11-02"),
              notes)
        rc, out, err = imp(DB, write("u2.csv", csv_bytes([head, ["U-1", "第一行 第二行", "内容", "",
                                                                   "", "", ""]])))
        m2 = q(DB, "SELECT status, kind, public FROM matters WHERE external_number = 'U-1'")
        check("empty 状态, 类型 and 是否公开 cells leave the matter's values alone",
              rc == 0 and ": skip " in out and m2 == [("accepted", "petition", 1)],
              show(rc, out, err) + "\n%s" % m2)

    @section("all or nothing")
    def _():
        before = counts(DB)
        rows = [HEAD] + [[1, "N-1", "诉求", "好的一行", "内容", "市容环境", "", "", "", "", "",
                          "", "", "", "", "", "", ""],
                         [2, "N-2", "诉求", "另一行好的", "内容", "", "", "", "", "", "", "", "",
                          "", "", "", "", ""],
                         [3, "N-3", "诉求", "坏的一行", "内容", "不存在的类别", "", "", "", "",
                          "2026-02-30", "", "", "", "", "", "", "12ab"]]
        path = write("bad-row.xlsx", xlsx(rows))
        rc, out, err = imp(DB, path)
        check("one bad row: exit 1", rc == 1, show(rc, out, err))
        check("one bad row: 'row 4, column 类别: 没有这个类别「不存在的类别」'",
              "row 4, column 类别: 没有这个类别「不存在的类别」" in out, out)
        check("one bad row: every error listed (deadline, phone)",
              "row 4, column 完成时限:" in out and "row 4, column 联系电话:" in out, out)
        check("one bad row: nothing imported", counts(DB) == before and
              "nothing imported" in out, "%s -> %s\n%s" % (before, counts(DB), out))
        rc, out, err = imp(DB, path, "--dry-run")
        check("dry run of it: exit 1, the good rows planned, the errors listed",
              rc == 1 and "row 2: create" in out and "row 3: create" in out and
              "没有这个类别" in out, show(rc, out, err))
        rows = [HEAD, [1, "N-9", "", "", "", "", "", "", "", "", "", "", "", "已合并", "满意", "也许",
                       "", ""]]
        rc, out, err = imp(DB, write("bad-values.csv", csv_bytes(rows)))
        check("bad values: title required, status 已合并 and public 也许 refused",
              rc == 1 and "事项（标题）必填" in out and "已合并" in out and "也许" in out,
              show(rc, out, err))
        rows = [HEAD, [1, "D-1", "", "甲", "", "", "", "", "", "", "", "", "", "", "", "", "", ""],
                [2, "D-1", "", "乙", "", "", "", "", "", "", "", "", "", "", "", "", "", ""]]
        rc, out, err = imp(DB, write("dup-number.csv", csv_bytes(rows)))
        check("the same 编号 twice: refused naming both rows",
              rc == 1 and "row 3, column 编号: 编号「D-1」与第2行重复" in out, show(rc, out, err))
        rows = [HEAD, [1, "", "", "没有编号的事项", "", "", "", "", "", "", "", "", "", "", "", "",
                       "", ""]]
        rc, out, err = imp(DB, write("no-number.csv", csv_bytes(rows)), "--dry-run")
        check("a row without 编号: planned with a warning that it creates a new matter each time",
              rc == 0 and "warning: row 2, column 编号:" in out and "每次导入都会新建" in out,
              show(rc, out, err))
        check("nothing changed by the refused files", counts(DB) == before,
              "%s -> %s" % (before, counts(DB)))

    @section("malformed files")
    def _():
        bomb = "<worksheet><sheetData>" + " " * (101 * 1024 * 1024) + "</sheetData></worksheet>"
        lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
               '"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet><sheetData>'
               '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
               '</sheetData></worksheet>')
        cases = [
            ("empty file", "empty.csv", b"", "文件是空的"),
            ("not a zip", "fake.xlsx", b"PK\x03\x04this is not a zip archive", "zip"),
            ("zip without a workbook", "nowb.xlsx",
             xlsx([HEAD], drop=("xl/workbook.xml",)), "workbook"),
            ("zip without a worksheet", "nosheet.xlsx",
             xlsx([HEAD], drop=("xl/worksheets/sheet1.xml",)), "没有工作表"),
            ("bad XML", "badxml.xlsx", xlsx(sheet="<worksheet><sheetData><row>"), "不是有效的 XML"),
            ("zip bomb (101 MB unpacked)", "bomb.xlsx", xlsx(sheet=bomb), "MB"),
            ("entity expansion", "lol.xlsx", xlsx(sheet=lol), "DTD"),
            ("huge cell", "huge.xlsx", xlsx([HEAD, [1, "H-1", "", "路" * 40000]]), "32767"),
            ("too many columns", "wide.xlsx",
             xlsx(sheet=sheet_xml([["事项", "内容"]]).replace(
                 "</sheetData>", '<row r="2"><c r="IW2"><v>1</v></c></row></sheetData>')),
             "列数"),
            ("formula", "formula.xlsx",
             xlsx([HEAD, [1, "F-1", "", "标题", ("f", "A1&B1")]]), "E2"),
            ("GBK CSV", "gbk.csv", csv_bytes([HEAD, [1, "G-1", "", "路灯"]], bom=False,
                                            encoding="gb18030"),
             "文件不是 UTF-8 编码"),
            ("UTF-16 text", "u16.csv", b"\xff\xfe" + "事项\t内容\n".encode("utf-16-le"), "UTF-16"),
            ("headers only", "head.csv", csv_bytes([HEAD]), "只有表头"),
            ("duplicate headers", "duphead.csv", csv_bytes([["事项", "内容", "事项"], ["a", "b", "c"]]),
             "重复"),
            ("two headers for one field", "twohead.csv",
             csv_bytes([["事项", "问题清单"], ["a", "b"]]), "都对应"),
            ("no header", "nohead.csv", csv_bytes([["a", "b"]] * 12), "找不到表头"),
            ("old .xls", "old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".xls"),
            ("more than 10,000 data rows", "long.csv",
             csv_bytes([["编号", "事项"]] + [["L-%d" % i, "第%d件" % i] for i in range(10001)]),
             "数据超过10000行"),
            ("1,500 bad rows: counted, 1,000 listed", "bad-many.csv",
             csv_bytes([["编号", "事项", "类别"]] + [["B-%d" % i, "x", "无此类"] for i in range(1500)]),
             "500 more messages not shown"),
        ]
        before = counts(DB)
        for name, fname, data, want in cases:
            rc, out, err = imp(DB, write(fname, data))
            check("%s: exit 1 with a clear message (%s)" % (name, want),
                  rc == 1 and want in out, show(rc, out, err))
        check("malformed files changed nothing", counts(DB) == before,
              "%s -> %s" % (before, counts(DB)))
        check("the ledger is still sound", ledger_problems(DB) == [], ledger_problems(DB))

    @section("--map and aliases")
    def _():
        rows = [["XX镇我为群众办实事问题清单"], [],
                ["问题清单", "具体问题", "牵头单位", "配合单位", "完成时间", "推进情况", "整改措施",
                 "群众姓名", "联系方式", "问题"],
                ["村道破损", "三组村道坑洼", "城市管理局", "", "2026-12-31", "11-20 已测量", "年底前修复",
                 "赵六", "13800001111", "x"]]
        path = write("office.csv", csv_bytes(rows))
        rc, out, err = imp(DB, path, "--dry-run")
        check("an office's sheet: title line skipped, aliases mapped, unknown column warned",
              rc == 0 and "row 4: create" in out and "不认识的表头「问题」" in out,
              show(rc, out, err))
        rc, out, err = imp(DB, path, "--map", "问题=ignore", "--as", "clerk1")
        check("--map 问题=ignore and --as clerk1: imported without that warning",
              rc == 0 and "不认识的表头" not in out and "imported: 1 created" in out,
              show(rc, out, err))
        m = q(DB, "SELECT m.description, m.deadline, m.submitter_phone, e.actor_label"
                  " FROM matters m JOIN events e ON e.matter_id = m.id"
                  " WHERE m.title = '村道破损' ORDER BY e.id LIMIT 1")
        check("aliases: 整改措施 kept in the description, deadline, phone; clerk recorded",
              m and "整改措施：年底前修复" in m[0][0] and m[0][1] == "2026-12-31" and
              m[0][2] == "13800001111" and "王芳" in m[0][3], m)
        rc, out, err = imp(DB, path, "--as", "hroad", "--dry-run")
        check("--as a handler is refused", rc == 1 and "clerk" in err, show(rc, out, err))
        rc, out, err = imp(DB, path, "--map", "问题=nonsense", "--dry-run")
        check("--map with an unknown field is an error", rc == 1 and "nonsense" in out,
              show(rc, out, err))
        rc, out, err = imp(DB, path, "--map", "问题", "--dry-run")
        check("a --map entry without = is reported once, and the headers are still found",
              rc == 1 and out.count("应写成 表头=字段") == 1 and "找不到表头" not in out,
              show(rc, out, err))

    # ------------------------------------------------------------ the page

    @section("upload page as a clerk")
    def _():
        c = srv.staff("clerk2")
        r = c.get("/staff/import")
        form = r.page.form(action="/staff/import", method="post") if r.status == 200 else None
        check("GET /staff/import: a multipart form with a file field",
              form is not None and form.enctype.startswith("multipart/"), r.describe())
        rows = [HEAD, [1, "WEB-1", "诉求", "网页导入的事项", "内容", "市容环境", "新华社区",
                       "城市管理局", "", "2026-10-20", "2026-11-30", "10-21 已受理", "", "办理中",
                       "", "是", "", ""]]
        data = xlsx(rows)
        before = counts(DB)
        resp = c.submit(form, {"map": ""}, files=[("file", "ledger.xlsx",
                                                   "application/octet-stream", data)])
        check("POST the file: 200 with the plan (新建, the title, the header mapping)",
              resp.status == 200 and "新建" in resp.text and "网页导入的事项" in resp.text and
              "责任单位" in resp.text, resp.describe())
        check("the check changed nothing", counts(DB) == before, "%s -> %s" % (before, counts(DB)))
        confirm = resp.page.form(action="/staff/import", method="post") if resp.is_html else None
        check("the plan has a 确认导入 form carrying a token", confirm is not None and
              confirm.get("token"), resp.describe())
        if not confirm:
            return
        done_resp = c.submit(confirm)
        check("确认导入: 200 导入完成, one matter created",
              done_resp.status == 200 and "导入完成" in done_resp.text and
              counts(DB)[0] == before[0] + 1, done_resp.describe())
        again = c.submit(confirm)
        check("the same confirmation twice: the upload is gone (400), nothing more imported",
              again.status == 400 and counts(DB)[0] == before[0] + 1, again.describe())
        bad = xlsx([HEAD, [1, "WEB-2", "", "x", "", "没有的类别"]])
        resp = c.submit(form, {}, files=[("file", "bad.xlsx", "application/octet-stream", bad)])
        check("a file with errors: 422, the error with row and column, no 确认导入",
              resp.status == 422 and "没有这个类别" in resp.text and "确认导入" not in resp.text,
              resp.describe())
        resp = c.submit(form, {}, files=[("file", "x.csv", "text/csv", b"")])
        check("no file: 400 with the form again", resp.status == 400, resp.describe())
        check("the ledger is still sound", ledger_problems(DB) == [], ledger_problems(DB))

    @section("who may import")
    def _():
        data = xlsx([HEAD, ROWS[0]])
        for login, shown in (("clerk1", True), ("admin", True), ("hroad", False), ("obs1", False)):
            links = srv.staff(login).get("/staff").page.links()
            check("%s: the navigation %s 导入台账" % (login, "has" if shown else "has no"),
                  ("/staff/import" in links) == shown, links)
        rc, out, err = run_cli(["import", "--help"])
        check("taizhang import --help: usage on stdout, exit 0",
              rc == 0 and out.startswith("usage: taizhang import"), show(rc, out, err))
        rc, out, err = run_cli(["--help"])
        check("taizhang --help names import", rc == 0 and "  import " in out, out)
        missing = os.path.join(TMP, "no-such-ledger.db")
        rc, out, err = imp(missing, write("to-missing.csv", csv_bytes([HEAD, ROWS[0]])))
        check("import into a ledger that does not exist: exit 1, says so, makes none",
              rc == 1 and "does not exist" in err and not os.path.exists(missing),
              show(rc, out, err))
        for login in ("hroad", "obs1", "leader1"):
            c = srv.staff(login)
            r = c.get("/staff/import")
            check("%s: GET /staff/import refused (403)" % login, r.status == 403, r.describe())
            r = c.post_form("/staff/import", [("map", "")],
                            files=[("file", "a.xlsx", "application/octet-stream", data)])
            check("%s: POST /staff/import refused (403)" % login, r.status == 403, r.describe())
        anon = srv.client("resident")
        r = anon.get("/staff/import")
        check("a resident: GET /staff/import redirects to /login",
              r.status in (302, 303) and "/login" in (r.location or ""), r.describe())
        admin = srv.staff("admin")
        r = admin.get("/staff/import")
        check("an administrator may open it", r.status == 200, r.describe())
        before = counts(DB)
        c = srv.staff("clerk1")
        c.get("/staff/import")
        r = c.post_form("/staff/import", [("map", "")], csrf=None,
                        files=[("file", "a.xlsx", "application/octet-stream", data)])
        check("POST without the CSRF token: 403 and nothing checked or kept",
              r.status == 403 and counts(DB) == before, r.describe())
        r = c.post_form("/staff/import", [("op", "apply"), ("token", "x" * 43)])
        check("a made-up confirmation token: 400", r.status == 400, r.describe())

    # ------------------------------------------------------------ round trip

@section("round trip: export, import into a fresh ledger, export again")
def _():
    rc, out, err = run_cli(["export", "--help"])
    if rc != 0:
        check("taizhang export exists (round trip skipped)", False, show(rc, out, err))
        return

    def rows_of(path):
        import csv
        with open(path, encoding="utf-8-sig", newline="") as f:
            return [r[1:] for r in csv.reader(f)]

    def export(db, name):
        path = os.path.join(TMP, name)
        rc, out, err = run_cli(["export", "--db", db, "--format", "csv", "--out", path])
        check("export %s" % name, rc == 0, show(rc, out, err))
        return path

    with Server("ledger-a") as a, Server("ledger-b") as b:
        rows = [list(r) for r in ROWS] + [
            [4, "WX-2026-004", "检视问题", "台账不规范", "第三季度检视发现", "", "新华社区",
             "水务局", "城市管理局", "2026-10-11 15:45", "2026-11-15", "10-12 已整改", "已规范",
             "已销号", "基本满意", "是", "", ""]]
        rc, out, err = imp(a.db, write("rt.xlsx", xlsx([HEAD] + rows)))
        check("ledger A: the office's sheet imported", rc == 0, show(rc, out, err))
        first = export(a.db, "first.csv")
        rc, out, err = imp(b.db, first)
        check("ledger B: A's export imported: exit 0", rc == 0, show(rc, out, err))
        check("ledger B is sound", ledger_problems(b.db) == [], ledger_problems(b.db))
        second = export(b.db, "second.csv")
        x, y = rows_of(first), rows_of(second)
        diff = [(i, p, r) for i, (p, r) in enumerate(zip(x, y)) if p != r]
        check("the two exports have the same rows, except 序号 (%d rows)" % len(x),
              len(x) == len(y) == len(rows) + 1 and not diff,
              "rows %d vs %d; first differences: %s" % (len(x), len(y), diff[:3]))
        before = counts(b.db)
        rc, out, err = imp(b.db, second)
        check("importing B's own export into B changes nothing (every row skip)",
              rc == 0 and out.count(": skip ") == len(rows) and counts(b.db) == before,
              show(rc, out, err))
        xl = os.path.join(TMP, "first.xlsx")
        rc, out, err = run_cli(["export", "--db", a.db, "--format", "xlsx", "--out", xl])
        rc2, out2, err2 = imp(b.db, xl, "--dry-run")
        check("A's XLSX export (libxlsxwriter) reads too: every row found, nothing to change",
              rc == 0 and rc2 == 0 and out2.count(": skip ") == len(rows), show(rc2, out2, err2))


shutil.rmtree(TMP, ignore_errors=True)
done()
