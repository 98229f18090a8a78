#!/usr/bin/env python3
"""Notifications end to end: the real server sends to a local HTTP receiver started here,
which plays a WeCom group robot, a DingTalk robot with 加签, a Feishu bot with signature
checking and a plain webhook, and to a local SMTP sink started here. Every body and
signature is checked in Python (the HMACs recomputed with the hmac module), the e-mail's
MIME parsed with the email package. A receiver that fails first (HTTP 500, 502, 503) is
tried again with growing waits and the message then delivered once; a robot's "too
frequent" (errcode 45009) is not counted as an attempt and rests the channel; a message
that fails every attempt is shown as failed on the administrator's page and sent after
重试; a long WeCom message goes in numbered parts paced apart, and a retry resumes at the
part that failed; `taizhang tick` with a --now in the past sends beside the server and
every message arrives once; a server killed with SIGKILL while the receiver holds its
request open delivers the message after a restart on the same ledger, with the same
Idempotency-Key; tick purges messages sent more than --outbox-keep-days ago. Bad input on
the administrator's page is a 400 with a Chinese message and changes nothing (a new
address without the secret again too); only an administrator reaches the page; secrets
and robot tokens never appear in it."""
import base64
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import re
import socketserver
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (VALGRIND, Server, check, db_exec, db_execmany, db_rows, done, note,  # noqa: E402
                     require_binary,
                     run_cli, sanitizer_report, section)

require_binary()
SLOW = 10 if VALGRIND else 1
URL = "/staff/admin/channels"
RETRY = 1    # --notify-retry-seconds: the first retry after 1 s, then 2, 4 ...
TIMEOUT = 3  # --notify-timeout-seconds: a claim is leased for 3 s + the channel's pace + 10 s
PACE = 4     # WeCom's pace: 4 s between two requests to one robot (20 a minute at most)
# --tick-seconds 0: the scheduler's digests stay out of this test's outbox (they have
# their own tests); every message here is one the test queued.
FLAGS = ["--notify-retry-seconds", str(RETRY), "--notify-timeout-seconds", str(TIMEOUT * SLOW),
         "--tick-seconds", "0"]

WECOM_KEY = "wk-7f3a9c21-secret-key"
DING_TOKEN, DING_SECRET = "dt-token-55aa", "SECdingtalk0123456789abcdefdingtalk"
FEISHU_HOOK, FEISHU_SECRET = "fs-hook-0b1c", "feishu-signing-secret-42"
HOOK_SECRET = "webhook-hmac-key-9x"
SMTP_PASSWORD = "smtp-password-not-used"
SECRETS = [WECOM_KEY, DING_TOKEN, DING_SECRET, FEISHU_HOOK, FEISHU_SECRET, HOOK_SECRET]


# ---------------------------------------------------------------- the HTTP receiver

class Receiver(http.server.ThreadingHTTPServer):
    """Records every POST; answers from a per-path plan (a list of answers used up in
    order), else the platform's success answer. An answer is (status, body) or "hold":
    keep the request open until release() (the sender is killed meanwhile)."""
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.got = []  # dicts: path, query, headers, body, at
        self.plans = {}
        self.hold = threading.Event()
        self.holding = threading.Event()
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def base(self):
        return "http://127.0.0.1:%d" % self.server_address[1]

    def plan(self, path, answers):
        with self.lock:
            self.plans[path] = list(answers)

    def next_answer(self, path):
        with self.lock:
            p = self.plans.get(path)
            if p:
                return p.pop(0)
        if path.startswith("/feishu/"):
            return 200, {"code": 0, "msg": "success", "data": {}}
        if path.startswith("/hook/"):
            return 204, None
        return 200, {"errcode": 0, "errmsg": "ok"}

    def requests(self, path):
        with self.lock:
            return [g for g in self.got if g["path"] == path]

    def wait_for(self, path, n, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if len(self.requests(path)) >= n:
                return True
            time.sleep(0.05)
        return False

    def release(self):
        self.hold.set()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        u = urllib.parse.urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        rec = {"path": u.path, "query": urllib.parse.parse_qs(u.query), "raw_query": u.query,
               "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body,
               "at": time.time()}
        with self.server.lock:
            self.server.got.append(rec)
        if u.path.startswith("/hook/slow"):
            time.sleep(0.3)  # a slow receiver: two senders would overlap on it
        answer = self.server.next_answer(u.path)
        if answer == "hold":
            self.server.holding.set()
            self.server.hold.wait(60)
            answer = (200, None)
        status, payload = answer
        data = b"" if payload is None else json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the sender is gone (killed)


# ---------------------------------------------------------------- the SMTP sink

class SmtpSink(socketserver.ThreadingTCPServer):
    """A minimal SMTP server (RFC 5321 without extensions): records each message's
    envelope and data."""
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.lock = threading.Lock()
        self.mails = []
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def port(self):
        return self.server_address[1]


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        self.reply("220 sink.test ESMTP")
        frm, rcpt = None, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            up = cmd.upper()
            if up.startswith("EHLO") or up.startswith("HELO"):
                self.wfile.write(b"250-sink.test\r\n250 8BITMIME\r\n")
                self.wfile.flush()
            elif up.startswith("MAIL FROM:"):
                frm = cmd[10:].strip()
                rcpt = []
                self.reply("250 OK")
            elif up.startswith("RCPT TO:"):
                rcpt.append(cmd[8:].strip())
                self.reply("250 OK")
            elif up == "DATA":
                self.reply("354 go ahead")
                data = b""
                while True:
                    chunk = self.rfile.readline()
                    if not chunk or chunk == b".\r\n":
                        break
                    if chunk.startswith(b".."):
                        chunk = chunk[1:]
                    data += chunk
                with self.server.lock:
                    self.server.mails.append({"from": frm, "rcpt": rcpt, "data": data})
                self.reply("250 queued")
            elif up == "QUIT":
                self.reply("221 bye")
                return
            elif up in ("RSET", "NOOP"):
                self.reply("250 OK")
            else:
                self.reply("502 not implemented")


# ---------------------------------------------------------------- helpers

def write(srv, sql, args=()):
    db_exec(srv, sql, args)


def create_form(page):
    for f in page.forms():
        if f.method == "post" and "target" in f.names and not f.get("id"):
            return f
    return None


def add_channel(admin, fields):
    """Add a channel through the page's form; returns (response, id or None)."""
    r = admin.get(URL)
    form = create_form(r.page)
    if not form:
        return r, None
    resp = admin.submit(form, fields)
    ids = db_rows(admin.server, "SELECT id FROM channels WHERE name = ?", (fields["name"],))
    return resp, (ids[0][0] if ids else None)


def post(admin, fields):
    admin.get(URL)
    return admin.post_form(URL, fields)


def outbox(srv, channel_id):
    return db_rows(srv, "SELECT id, status, attempts, idem_key, last_error FROM outbox"
                     " WHERE channel_id = ? ORDER BY id", (channel_id,))


def wait_status(srv, channel_id, status, timeout):
    end = time.time() + timeout
    while time.time() < end:
        r = outbox(srv, channel_id)
        if r and r[-1][1] == status:
            return r
        time.sleep(0.1)
    return outbox(srv, channel_id)


def b64_hmac(key, msg):
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


def no_secret_in(text):
    return [s for s in SECRETS if s in text]


# ---------------------------------------------------------------- the tests

recv = Receiver()
sink = SmtpSink()
R = recv.base()

with Server("notify", extra_args=FLAGS) as srv:
    admin = srv.staff("admin")
    ids = {}

    @section("only an administrator reaches the page")
    def _():
        check("admin: GET %s is 200" % URL, admin.get(URL).status == 200)
        for login in ("clerk1", "leader1", "hroad", "obs1"):
            r = srv.staff(login).get(URL)
            check("%s: GET %s is 403" % (login, URL), r.status == 403, r.describe())
        r = srv.client("anon").get(URL)
        check("anonymous: GET %s goes to the sign-in page" % URL,
              r.status in (302, 303) and "/login" in (r.location or ""), r.describe())
        page = admin.get("/staff/admin/users").text
        check("the admin area links to the channels page", URL in page)

    @section("channels are added through the page")
    def _():
        chans = [
            ("wecom", {"name": "办公室企业微信群", "kind": "wecom",
                       "target": R + "/wecom/send?key=" + WECOM_KEY}),
            ("dingtalk", {"name": "督办钉钉群", "kind": "dingtalk",
                          "target": R + "/ding/send?access_token=" + DING_TOKEN,
                          "secret": DING_SECRET}),
            ("feishu", {"name": "飞书工作群", "kind": "feishu",
                        "target": R + "/feishu/hook/" + FEISHU_HOOK, "secret": FEISHU_SECRET}),
            ("webhook", {"name": "政务平台 Webhook", "kind": "webhook",
                         "target": R + "/hook/plain", "secret": HOOK_SECRET}),
            ("email", {"name": "城管局邮箱", "kind": "email",
                       "target": "smtp://127.0.0.1:%d" % sink.port(),
                       "sender": "notice@taizhang.example.cn",
                       "recipients": "chief@cgj.example.cn, desk@cgj.example.cn",
                       "department": str(db_rows(srv, "SELECT id FROM departments WHERE code = 'cgj'")[0][0])}),
        ]
        for kind, fields in chans:
            r, cid = add_channel(admin, fields)
            check("%s channel added (303)" % kind, r.status == 303 and cid, r.describe())
            ids[kind] = cid
        page = admin.get(URL)
        text = page.text
        for label in ("企业微信", "钉钉", "飞书", "Webhook", "电子邮件", "城市管理局", "全办"):
            check("the list shows %s" % label, label in text)
        check("the page shows no secret and no robot token", not no_secret_in(text),
              no_secret_in(text))
        r = admin.get(URL + "?edit=%d" % ids["dingtalk"])
        check("the edit form leaves the secret and address empty",
              r.status == 200 and not no_secret_in(r.text), no_secret_in(r.text))

    @section("a test message reaches each platform in its documented format")
    def _():
        for kind in ("wecom", "dingtalk", "feishu", "webhook", "email"):
            r = post(admin, {"op": "test", "id": str(ids[kind])})
            check("%s: 发送测试消息 answers 303" % kind, r.status == 303, r.describe())
        for kind in ("wecom", "dingtalk", "feishu", "webhook", "email"):
            got = wait_status(srv, ids[kind], "sent", 15 * SLOW)
            check("%s: the test message is marked sent" % kind, got and got[-1][1] == "sent", got)

        w = recv.requests("/wecom/send")
        check("wecom: one request with the robot's key", len(w) == 1 and
              w[0]["query"].get("key") == [WECOM_KEY], w)
        if w:
            j = json.loads(w[0]["body"])
            check("wecom: {msgtype: markdown, markdown: {content}}", j.get("msgtype") == "markdown"
                  and "测试消息" in j["markdown"]["content"], j)
            check("wecom: content within 4096 bytes",
                  len(j["markdown"]["content"].encode()) <= 4096)
            check("wecom: JSON sent as application/json; charset=utf-8",
                  w[0]["headers"].get("content-type") == "application/json; charset=utf-8")

        d = recv.requests("/ding/send")
        check("dingtalk: one request", len(d) == 1, d)
        if d:
            q = d[0]["query"]
            ts = q.get("timestamp", ["0"])[0]
            want = b64_hmac(DING_SECRET.encode(), ("%s\n%s" % (ts, DING_SECRET)).encode())
            check("dingtalk: access_token kept, timestamp in ms within a minute",
                  q.get("access_token") == [DING_TOKEN] and abs(int(ts) / 1000 - time.time()) < 60,
                  d[0]["raw_query"])
            check("dingtalk: sign = base64(HMAC-SHA256(secret, timestamp\\nsecret))",
                  q.get("sign") == [want], "%s vs %s" % (q.get("sign"), want))
            check("dingtalk: the sign is URL-encoded in the query",
                  "sign=" + urllib.parse.quote(want, safe="") in d[0]["raw_query"], d[0]["raw_query"])
            j = json.loads(d[0]["body"])
            check("dingtalk: {msgtype: markdown, markdown: {title, text}}",
                  j.get("msgtype") == "markdown" and j["markdown"].get("title") == "测试消息"
                  and "测试消息" in j["markdown"].get("text", ""), j)

        f = recv.requests("/feishu/hook/" + FEISHU_HOOK)
        check("feishu: one request", len(f) == 1, f)
        if f:
            j = json.loads(f[0]["body"])
            ts = j.get("timestamp", "0")
            want = b64_hmac(("%s\n%s" % (ts, FEISHU_SECRET)).encode(), b"")
            check("feishu: timestamp in seconds (a string) within a minute",
                  isinstance(ts, str) and abs(int(ts) - time.time()) < 60, j)
            check("feishu: sign = base64(HMAC-SHA256(key timestamp\\nsecret, empty))",
                  j.get("sign") == want, "%s vs %s" % (j.get("sign"), want))
            post_ = j.get("content", {}).get("post", {}).get("zh_cn", {})
            check("feishu: msg_type post with zh_cn title and text paragraphs",
                  j.get("msg_type") == "post" and post_.get("title") == "测试消息" and
                  all(p and p[0].get("tag") == "text" for p in post_.get("content", [])) and
                  any("测试消息" in p[0]["text"] for p in post_.get("content", [])), j)

        h = recv.requests("/hook/plain")
        check("webhook: one request", len(h) == 1, h)
        if h:
            raw = h[0]["body"]
            j = json.loads(raw)
            sig = h[0]["headers"].get("x-taizhang-signature", "")
            want = "sha256=" + hmac.new(HOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
            check("webhook: X-Taizhang-Signature = sha256=HMAC(secret, body)", sig == want,
                  "%s vs %s" % (sig, want))
            check("webhook: Idempotency-Key is the body's id",
                  h[0]["headers"].get("idempotency-key") == j.get("id") and
                  j.get("id", "").startswith("test/%d/" % ids["webhook"]), (h[0]["headers"], j))
            check("webhook: id, topic, title, text, created_at (+08:00)",
                  j.get("topic") == "test" and j.get("title") == "测试消息" and
                  "测试消息" in j.get("text", "") and
                  re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", j.get("created_at", "")),
                  j)

        with sink.lock:
            mails = list(sink.mails)
        check("email: one message at the SMTP sink", len(mails) == 1, mails)
        if mails:
            m = mails[0]
            check("email: MAIL FROM and both RCPT TO",
                  m["from"] == "<notice@taizhang.example.cn>" and
                  sorted(m["rcpt"]) == ["<chief@cgj.example.cn>", "<desk@cgj.example.cn>"], m)
            raw = m["data"]
            check("email: CRLF line ends and ASCII headers",
                  b"\r\n" in raw and all(b < 0x80 for b in raw.split(b"\r\n\r\n", 1)[0]))
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            check("email: Subject decodes (RFC 2047) to 测试消息", msg["Subject"] == "测试消息",
                  msg["Subject"])
            check("email: From with the channel's name", msg["From"].addresses[0].addr_spec ==
                  "notice@taizhang.example.cn" and msg["From"].addresses[0].display_name == "城管局邮箱",
                  str(msg["From"]))
            check("email: text/plain; charset=UTF-8 in base64",
                  msg.get_content_type() == "text/plain" and
                  msg.get_content_charset() == "utf-8" and
                  msg["Content-Transfer-Encoding"] == "base64", str(msg)[:800])
            check("email: the body decodes to the text", "测试消息" in msg.get_content(),
                  msg.get_content())
            key = outbox(srv, ids["email"])[-1][3]
            check("email: Message-ID and Date present, the key carried",
                  msg["Message-ID"] and msg["Date"] and
                  msg["X-Taizhang-Idempotency-Key"] == key, str(msg)[:800])

        text = admin.get(URL).text
        check("the page lists the five as 已发送", text.count("已发送") >= 5)
        check("the page still shows no secret or token", not no_secret_in(text),
              no_secret_in(text))
        err = srv.stderr()
        check("the log names no secret or robot token", not no_secret_in(err), no_secret_in(err))

    @section("a receiver that fails first: retried with growing waits, delivered once")
    def _():
        path = "/hook/flaky"
        recv.plan(path, [(500, {"error": "busy"}), (502, None), (503, None)])
        r, cid = add_channel(admin, {"name": "会失败的接收方", "kind": "webhook", "target": R + path})
        check("flaky channel added", r.status == 303 and cid, r.describe())
        post(admin, {"op": "test", "id": str(cid)})
        check("three failing attempts reach the receiver", recv.wait_for(path, 3, 20 * SLOW))
        # The third failure is marked; the fourth attempt is 4 s away: the page shows it.
        shown = False
        end = time.time() + 3
        while time.time() < end and not shown:
            shown = "HTTP 503" in admin.get(URL).text
            time.sleep(0.1)
        check("the last error (HTTP 503) is on the page while it waits", shown)
        got = wait_status(srv, cid, "sent", 20 * SLOW)
        check("then delivered", got and got[-1][1] == "sent", got)
        reqs = recv.requests(path)
        check("four requests in all: three failed, one delivered", len(reqs) == 4, len(reqs))
        if len(reqs) == 4:
            gaps = [reqs[i + 1]["at"] - reqs[i]["at"] for i in range(3)]
            note("waits between attempts: %s" % ", ".join("%.2f" % g for g in gaps))
            # next_at is in whole seconds and the sender looks once a second, so a
            # wait of B seconds shows as more than B - 1 (the first, of 1 s, may be
            # almost none when the failed attempt ended late in its second, as it
            # did under valgrind).
            check("the waits grow: 1, 2, 4 s",
                  gaps[0] > 0 and gaps[1] > 2 * RETRY - 1 and gaps[2] > 4 * RETRY - 1 and
                  gaps[2] > gaps[0], gaps)
            check("the same message each time", len({x["body"] for x in reqs}) == 1)
        check("attempts counted: 4", got and got[-1][2] == 4, got)

    @section("a robot's \"too frequent\" (errcode 45009): not an attempt; the channel rests")
    def _():
        path = "/wecom/busy"
        recv.plan(path, [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})])
        r, cid = add_channel(admin, {"name": "限流的群", "kind": "wecom",
                                     "target": R + path + "?key=busy"})
        check("channel added", r.status == 303 and cid, r.describe())
        post(admin, {"op": "test", "id": str(cid)})
        check("the first attempt reaches the receiver", recv.wait_for(path, 1, 10 * SLOW))
        end = time.time() + 5 * SLOW
        row = outbox(srv, cid)[-1]
        while time.time() < end and "45009" not in row[4]:
            time.sleep(0.1)
            row = outbox(srv, cid)[-1]
        check("pending, the attempt given back (0), the answer kept as its last error",
              row[1] == "pending" and row[2] == 0 and "45009" in row[4] and "限流" in row[4], row)
        rest = db_rows(srv, "SELECT send_after FROM channels WHERE id = ?", (cid,))[0][0]
        check("the channel rests about a minute", 50 <= rest - time.time() <= 61,
              rest - time.time())
        text = admin.get(URL).text
        check("the page shows the wait and why", "45009" in text and "限流" in text)
        time.sleep(2 * SLOW)
        check("nothing more is sent while it rests", len(recv.requests(path)) == 1,
              len(recv.requests(path)))
        # A fake clock for the rest: end it now.
        write(srv, "UPDATE channels SET send_after = 0 WHERE id = ?", (cid,))
        got = wait_status(srv, cid, "sent", 10 * SLOW)
        check("then delivered, one attempt counted",
              got and got[-1][1] == "sent" and got[-1][2] == 1, got)
        check("two requests in all", len(recv.requests(path)) == 2, len(recv.requests(path)))

    @section("a message that fails every attempt is shown failed, and 重试 sends it")
    def _():
        path = "/wecom/down"
        recv.plan(path, [(200, {"errcode": 310000, "errmsg": "keywords not in content"})] * 8)
        r, cid = add_channel(admin, {"name": "一直失败的群", "kind": "wecom",
                                     "target": R + path + "?key=down"})
        post(admin, {"op": "test", "id": str(cid)})
        # A fake clock for the backoff: whenever a failed attempt is marked and the
        # message waits (no lease), make it due now.
        end = time.time() + 60 * SLOW
        while time.time() < end:
            row = outbox(srv, cid)[-1]
            if row[1] == "failed":
                break
            write(srv, "UPDATE outbox SET next_at = 0 WHERE id = ? AND status = 'pending'"
                       " AND lease_until = 0 AND next_at > 0", (row[0],))
            write(srv, "UPDATE channels SET send_after = 0 WHERE id = ? AND NOT EXISTS (SELECT 1"
                       " FROM outbox WHERE channel_id = channels.id AND lease_until > 0)", (cid,))
            time.sleep(0.05)
        row = outbox(srv, cid)[-1]
        check("failed after 8 attempts", row[1] == "failed" and row[2] == 8, row)
        check("8 requests reached the receiver", len(recv.requests(path)) == 8,
              len(recv.requests(path)))
        page = admin.get(URL)
        text = page.text
        check("the page shows 发送失败 with the error", "发送失败" in text and "310000" in text)
        retry = [f for f in page.page.forms() if f.get("op") == "retry" and f.get("id") == str(row[0])]
        check("the failed message has a 重试 button", len(retry) == 1)
        m = admin.get("/metrics").text
        check("/metrics: taizhang_outbox_failed 1", re.search(r"^taizhang_outbox_failed 1$", m, re.M),
              m[-600:])
        check("/metrics: taizhang_outbox_pending present",
              re.search(r"^taizhang_outbox_pending \d+$", m, re.M))
        if retry:
            r = admin.submit(retry[0])
            check("重试 answers 303", r.status == 303, r.describe())
            got = wait_status(srv, cid, "sent", 15 * SLOW)
            check("retried and delivered", got and got[-1][1] == "sent", got)
            check("9 requests in all", len(recv.requests(path)) == 9)
            r = post(admin, {"op": "retry", "id": str(row[0])})
            check("重试 on a sent message: 400, nothing changed",
                  r.status == 400 and "已经发送" in r.text and outbox(srv, cid)[-1][1] == "sent",
                  r.describe())

    @section("a long WeCom message: parts paced apart; a retry resumes at the part that failed")
    def _():
        path = "/wecom/long"
        # The first part is taken, the second refused once; then all is well.
        recv.plan(path, [(200, {"errcode": 0, "errmsg": "ok"}), (500, {"error": "busy"})])
        r, cid = add_channel(admin, {"name": "长消息的群", "kind": "wecom",
                                     "target": R + path + "?key=long"})
        check("channel added", r.status == 303 and cid, r.describe())
        body = "\n".join("第%d行：%s" % (i, "城市管理督办事项进展情况" * 10) for i in range(25))
        write(srv, "INSERT INTO outbox(channel_id, topic, idem_key, title, body, next_at, created_at)"
                   " VALUES (?, 'weekly', 'weekly/long/1', '周督导', ?, 0, 0)", (cid, body))
        got = wait_status(srv, cid, "sent", 40 * SLOW)
        check("delivered", got and got[-1][1] == "sent", got)
        reqs = recv.requests(path)
        heads = [json.loads(x["body"])["markdown"]["content"].split("\n", 1)[0] for x in reqs]
        check("parts 1, 2 (refused), 2, 3: the first part is not sent again",
              heads == ["（1/3）", "（2/3）", "（2/3）", "（3/3）"], heads)
        if len(reqs) == 4:
            gaps = [reqs[i + 1]["at"] - reqs[i]["at"] for i in range(3)]
            note("gaps between the parts: %s" % ", ".join("%.2f" % g for g in gaps))
            check("parts of one message %d s apart (the robot's pace)" % PACE,
                  gaps[0] >= PACE - 0.5 and gaps[2] >= PACE - 0.5, gaps)
        row = db_rows(srv, "SELECT attempts, parts_sent FROM outbox WHERE idem_key = 'weekly/long/1'")
        check("two attempts, three parts recorded", row == [(2, 3)], row)

    @section("`taizhang tick --now` in the past beside the server: every message sent once")
    def _():
        chans = []
        for k in range(3):
            r, cid = add_channel(admin, {"name": "并发接收方%d" % k, "kind": "webhook",
                                         "target": R + "/hook/slow%d" % k})
            chans.append(cid)
        db_execmany(srv, "INSERT INTO outbox(channel_id, topic, idem_key, title, body, next_at,"
                         " created_at) VALUES (?, 'urge', ?, '督办', '正文', 0, 0)",
                    [(cid, "race/%d/%d" % (cid, i)) for cid in chans for i in range(6)])
        # Midnight of 2021-06-01: no digest is due, and a lease counted from this clock
        # would have run out long ago; the server's sender runs on the real clock.
        outs = [None, None]

        def tick(k):
            outs[k] = run_cli(["tick", "--db", srv.db, "--now", "2021-06-01T00:00:00+08:00",
                               "--notify-timeout-seconds", str(TIMEOUT * SLOW),
                               "--notify-retry-seconds", str(RETRY)], timeout=120 * SLOW)
        threads = [threading.Thread(target=tick, args=(k,)) for k in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for k in range(2):
            rc, out, err = outs[k]
            check("tick %d exits 0 and says what it sent" % (k + 1),
                  rc == 0 and re.search(r", \d+ sent", out), (rc, out, err[-800:]))
        end = time.time() + 30 * SLOW
        left = None
        while time.time() < end:
            left = db_rows(srv, "SELECT count(*) FROM outbox WHERE idem_key LIKE 'race/%'"
                                " AND status <> 'sent'")[0][0]
            if left == 0:
                break
            time.sleep(0.2)
        check("all 18 sent", left == 0, left)
        keys = []
        for cid in chans:
            keys += [json.loads(x["body"])["id"] for x in recv.requests("/hook/slow%d" % (chans.index(cid)))]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        check("each arrived exactly once (no two senders on one message)",
              len(keys) == 18 and not dup, (len(keys), dup))
        sent_by_ticks = sum(int(re.search(r", (\d+) sent", o[1]).group(1)) for o in outs
                            if o and re.search(r", (\d+) sent", o[1]))
        note("sent by the two ticks: %d, by the server: %d" % (sent_by_ticks, 18 - sent_by_ticks))
        attempts = db_rows(srv, "SELECT max(attempts) FROM outbox WHERE idem_key LIKE 'race/%'")[0][0]
        check("no message claimed twice", attempts == 1, attempts)

    @section("bad input on the page: 400 with a Chinese message, nothing changed")
    def _():
        before_c = db_rows(srv, "SELECT * FROM channels ORDER BY id")
        before_o = db_rows(srv, "SELECT id, status, attempts FROM outbox ORDER BY id")
        good = {"op": "save", "name": "坏输入", "kind": "webhook", "target": R + "/hook/x",
                "topic_daily": "1"}
        cases = [
            ("unknown kind", dict(good, kind="sms"), "类型"),
            ("robot over plain http to another host",
             dict(good, kind="wecom", target="http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"),
             "https://"),
            ("wecom address without key=", dict(good, kind="wecom", target="https://qyapi.weixin.qq.com/x"),
             "key="),
            ("dingtalk address without access_token",
             dict(good, kind="dingtalk", target="https://oapi.dingtalk.com/robot/send"), "access_token"),
            ("ftp address", dict(good, target="ftp://example.cn/x"), "https://"),
            ("address with a space", dict(good, target="https://exa mple.cn/"), "空格"),
            ("no topic", {k: v for k, v in good.items() if k != "topic_daily"}, "接收内容"),
            ("empty name", dict(good, name=""), "名称"),
            ("name of 51 characters", dict(good, name="长" * 51), "名称"),
            ("unknown department", dict(good, department="999999"), "单位"),
            ("e-mail without sender", dict(good, kind="email", target="smtp://127.0.0.1:25",
                                           recipients="a@b.cn"), "发件"),
            ("e-mail with a header in the sender",
             dict(good, kind="email", target="smtp://127.0.0.1:25", sender="a@b.cn\r\nBcc: x@y.cn",
                  recipients="a@b.cn"), "发件"),
            ("e-mail with a bad recipient", dict(good, kind="email", target="smtp://127.0.0.1:25",
                                                 sender="a@b.cn", recipients="a@b.cn, nobody"), "收件"),
            ("secret with a space", dict(good, secret="two words"), "密钥"),
            ("change of kind without a new address",
             dict(good, id=str(ids.get("webhook")), kind="feishu", target=""), "地址"),
        ]
        for what, fields, want in cases:
            r = post(admin, fields)
            check("%s: 400 with %s" % (what, want), r.status == 400 and want in r.text,
                  r.describe())
        r = post(admin, dict(good, secret="SECRET-ECHO-42", kind="sms"))
        check("a refused form does not echo the secret", r.status == 400 and
              "SECRET-ECHO-42" not in r.text, r.describe())
        plain = [
            ("unknown op", {"op": "drop", "id": "1"}),
            ("id not a number", {"op": "test", "id": "abc"}),
            ("no id", {"op": "active", "active": "0"}),
            ("department not a number", dict(good, department="abc")),
            ("active not 0 or 1", {"op": "active", "id": str(ids.get("wecom")), "active": "2"}),
            ("test for an unknown channel", {"op": "test", "id": "999999"}),
            ("retry of an unknown message", {"op": "retry", "id": "999999"}),
            ("active for an unknown channel", {"op": "active", "id": "999999", "active": "0"}),
            ("save of an unknown channel", dict(good, id="999999")),
        ]
        for what, fields in plain:
            r = post(admin, fields)
            check("%s: 400" % what, r.status == 400, r.describe())
        r = admin.get(URL + "?edit=abc")
        check("?edit=abc: 400", r.status == 400, r.describe())
        r = admin.post_form(URL, {"op": "test", "id": str(ids.get("wecom"))}, csrf="forged")
        check("a forged CSRF token: 403", r.status == 403, r.describe())
        check("nothing changed: channels", db_rows(srv, "SELECT * FROM channels ORDER BY id") == before_c)
        check("nothing changed: outbox",
              db_rows(srv, "SELECT id, status, attempts FROM outbox ORDER BY id") == before_o)

    @section("editing keeps the secret; a switched-off channel holds its messages")
    def _():
        cid = ids["dingtalk"]
        r = admin.get(URL + "?edit=%d" % cid)
        form = [f for f in r.page.forms() if f.get("id") == str(cid) and "target" in f.names]
        check("the edit form is there", len(form) == 1)
        if form:
            r = admin.submit(form[0], {"name": "督办钉钉群（改）", "target": "", "secret": ""})
            check("saved (303)", r.status == 303, r.describe())
            row = db_rows(srv, "SELECT name, target, secret FROM channels WHERE id = ?", (cid,))[0]
            check("name changed, address and secret kept",
                  row == ("督办钉钉群（改）", R + "/ding/send?access_token=" + DING_TOKEN, DING_SECRET),
                  row)
        r = post(admin, {"op": "active", "id": str(cid), "active": "0"})
        check("switched off (303)", r.status == 303, r.describe())
        r = post(admin, {"op": "test", "id": str(cid)})
        check("no test message for a switched-off channel (400)", r.status == 400, r.describe())
        # a digest queued for it before it was switched off waits
        write(srv, "INSERT INTO outbox(channel_id, topic, idem_key, title, body, next_at, created_at)"
                   " VALUES (?, 'daily', 'daily/held/1', '日调度', '正文', 0, 0)", (cid,))
        time.sleep(2.5 * SLOW)
        check("held while switched off", outbox(srv, cid)[-1][1] == "pending")
        post(admin, {"op": "active", "id": str(cid), "active": "1"})
        got = wait_status(srv, cid, "sent", 10 * SLOW)
        check("sent once switched on again", got and got[-1][1] == "sent", got)

    @section("a new address needs the secret again: never sent to a server just typed")
    def _():
        cid = ids["webhook"]
        before = db_rows(srv, "SELECT * FROM channels WHERE id = ?", (cid,))
        r = admin.get(URL + "?edit=%d" % cid)
        form = [f for f in r.page.forms() if f.get("id") == str(cid) and "target" in f.names]
        check("the edit form is there", len(form) == 1)
        if not form:
            return
        check("the form says the secret must be given again with a new address",
              "更改地址时须重新填写" in r.text)
        r = admin.submit(form[0], {"target": R + "/hook/moved", "secret": ""})
        check("new address, no secret: 400 naming the secret", r.status == 400 and "密钥" in r.text,
              r.describe())
        check("nothing changed", db_rows(srv, "SELECT * FROM channels WHERE id = ?", (cid,)) == before)
        check("the refused page shows no secret", not no_secret_in(r.text), no_secret_in(r.text))
        r = admin.get(URL + "?edit=%d" % cid)
        form = [f for f in r.page.forms() if f.get("id") == str(cid) and "target" in f.names]
        r = admin.submit(form[0], {"target": R + "/hook/moved", "secret": "moved-secret-7"})
        check("new address with its secret: saved (303)", r.status == 303, r.describe())
        post(admin, {"op": "test", "id": str(cid)})
        check("the test message goes to the new address", recv.wait_for("/hook/moved", 1, 10 * SLOW))
        got = recv.requests("/hook/moved")
        if got:
            want = "sha256=" + hmac.new(b"moved-secret-7", got[0]["body"], hashlib.sha256).hexdigest()
            check("signed with the new secret, not the old",
                  got[0]["headers"].get("x-taizhang-signature") == want)
        wait_status(srv, cid, "sent", 10 * SLOW)

    @section("SIGKILL while the receiver holds the request: delivered after a restart")
    def _():
        path = "/hook/hold"
        recv.plan(path, ["hold"])
        r, cid = add_channel(admin, {"name": "慢接收方", "kind": "webhook", "target": R + path})
        post(admin, {"op": "test", "id": str(cid)})
        held = recv.holding.wait(15 * SLOW)
        check("the receiver holds the first request open", held)
        p = srv.proc
        p.kill()
        p.wait()
        rep = sanitizer_report(srv.stderr())
        srv._out.close()
        srv._err.close()
        recv.release()
        row = outbox(srv, cid)[-1]
        check("after the kill the message is pending, claimed once", row[1] == "pending" and
              row[2] == 1, row)
        srv.start()
        t0 = time.time()
        got = wait_status(srv, cid, "sent", (TIMEOUT + 10) * SLOW + 20)
        check("delivered after the restart (lease ran out)", got and got[-1][1] == "sent", got)
        note("delivered %.1f s after the restart" % (time.time() - t0))
        reqs = recv.requests(path)
        keys = [x["headers"].get("idempotency-key") for x in reqs]
        check("the receiver saw it twice with the same Idempotency-Key",
              len(reqs) == 2 and keys[0] == keys[1] == row[3], keys)
        check("the same body both times", len(reqs) == 2 and reqs[0]["body"] == reqs[1]["body"])
        check("nothing else lost: every message sent",
              db_rows(srv, "SELECT count(*) FROM outbox WHERE status <> 'sent'")[0][0] == 0,
              db_rows(srv, "SELECT id, status, last_error FROM outbox WHERE status <> 'sent'"))
        check("no sanitizer report from the killed server", not rep, rep)

    @section("SIGTERM while sending: the claim is given back, sent at once after a restart")
    def _():
        path = "/hook/hold2"
        recv.hold.clear()
        recv.holding.clear()
        recv.plan(path, ["hold"])
        r, cid = add_channel(admin, {"name": "慢接收方二", "kind": "webhook", "target": R + path})
        post(admin, {"op": "test", "id": str(cid)})
        check("the receiver holds the request", recv.holding.wait(15 * SLOW))
        t0 = time.time()
        srv.restart()  # SIGTERM: checked to exit 0 promptly
        check("the server stopped without waiting for the receiver", time.time() - t0 < 8 * SLOW,
              time.time() - t0)
        recv.release()
        got = wait_status(srv, cid, "sent", 8 * SLOW)
        check("sent within seconds of the restart (no lease to wait for)",
              got and got[-1][1] == "sent" and got[-1][2] == 1, got)

    @section("tick purges what was sent more than --outbox-keep-days ago, and only that")
    def _():
        total = db_rows(srv, "SELECT count(*) FROM outbox")[0][0]
        # As of midnight, 1 June 2021 (no digest is due then).
        args = ["tick", "--db", srv.db, "--no-send", "--now", "2021-06-01T00:00:00+08:00"]
        rc, out, err = run_cli(args + ["--outbox-keep-days", "-3"])
        check("a bad --outbox-keep-days is named and the default used: nothing was sent that long"
              " before", rc == 0 and "outbox-keep-days" in err and
              db_rows(srv, "SELECT count(*) FROM outbox")[0][0] == total, (rc, err[-500:]))
        old = db_rows(srv, "SELECT id FROM outbox WHERE status = 'sent' ORDER BY id LIMIT 3")
        old = [x[0] for x in old]
        # Sent in January 2021 (and one failed then, which is kept).
        write(srv, "UPDATE outbox SET sent_at = 1609459200 WHERE id IN (%s)" % ",".join("?" * len(old)),
              old)
        write(srv, "INSERT INTO outbox(channel_id, topic, idem_key, title, body, status, next_at,"
                   " created_at) VALUES (?, 'daily', 'daily/old-failed', 't', 'b', 'failed', 0, 0)",
              (ids["wecom"],))
        rc, out, err = run_cli(args + ["--outbox-keep-days", "90"])
        check("tick with --outbox-keep-days 90 exits 0", rc == 0, (rc, out, err[-500:]))
        left = db_rows(srv, "SELECT id FROM outbox WHERE id IN (%s)" % ",".join("?" * len(old)), old)
        check("the three sent in January are gone", left == [], left)
        check("everything else is kept (the old failed one too)",
              db_rows(srv, "SELECT count(*) FROM outbox")[0][0] == total + 1 - 3 and
              db_rows(srv, "SELECT count(*) FROM outbox WHERE idem_key = 'daily/old-failed'")[0][0] == 1)
        check("the page still lists the outbox", admin.get(URL).status == 200)

recv.shutdown()
sink.shutdown()
done()
