"""bench/benchlib.py — what bench/run and bench/backends share: wrk and its
parsing, our server processes (taizhang serve, nginx) started on free ports
and stopped by their own pids, the generated ledger, API keys and a staff
sign-in, the Open311 POST body, and the machine's description.

Both scripts put bench/ first on sys.path by being run from it, so a plain
`import benchlib` finds this file.
"""
import http.cookiejar
import json
import os
import platform
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def sh(cmd, **kw):
    """Output of a command, or '' when it fails or is missing."""
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                              **kw).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def wait_http(url, timeout=120.0, step=0.005):
    """Poll url until it answers 200; returns seconds waited."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return time.monotonic() - t0
        except OSError:
            time.sleep(step)
    raise RuntimeError("no answer from " + url)


def fetch(url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def single_ms(url, headers=None, runs=3):
    """One request at a time on a quiet server: the median time, in ms."""
    took = []
    for _ in range(runs):
        t0 = time.monotonic()
        fetch(url, headers=headers)
        took.append((time.monotonic() - t0) * 1000)
    return sorted(took)[len(took) // 2]


def settle(base):
    """Wait until the server has worked off what a run left queued (wrk
    gives up on slow requests; the server still finishes them), so the
    next run starts on a quiet server."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < 120:
        s = time.monotonic()
        try:
            fetch(base + "/healthz")
        except OSError:
            pass
        if time.monotonic() - s < 0.05:
            return
        time.sleep(0.5)


# ---- the machine ------------------------------------------------------------

def loadavg():
    """The load averages over 1, 5 and 15 minutes, as /proc/loadavg has them."""
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine(workdir, extra=()):
    """The machine and the software, as rows of (name, value); extra rows
    (say, PostgreSQL's version) go at the end."""
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = "?"
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem = "%.1f GiB" % (int(line.split()[1]) / 1048576)
    dev = sh(["df", "--output=source", workdir]).splitlines()[-1:]
    disk = "?"
    if dev:
        name = os.path.basename(os.path.realpath(dev[0]))
        base = re.sub(r"p?\d+$", "", name) if not name.startswith("vd") else name.rstrip("0123456789")
        rota = "/sys/block/%s/queue/rotational" % base
        if os.path.exists(rota):
            kind = "virtio virtual disk, " if base.startswith("vd") else ""
            disk = "%s (%srotational flag %s)" % (base, kind, open(rota).read().strip())
    nginx_v = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    return [
        ("CPU", "%s, %d cores" % (cpu, os.cpu_count() or 0)),
        ("RAM", mem),
        ("kernel", platform.release()),
        ("disk", disk),
        ("taizhang", sh(["git", "-C", ROOT, "describe", "--always", "--dirty"])),
        ("SQLite", sh(["pkg-config", "--modversion", "sqlite3"])),
        ("libmicrohttpd", sh(["pkg-config", "--modversion", "libmicrohttpd"])),
        ("wrk", sh(["sh", "-c", "wrk -v 2>&1 | head -1"])),
        ("nginx", nginx_v.replace("nginx version: ", "")),
        ("fossil", sh(["fossil", "version"]).replace("This is fossil version ", "")),
        ("compiler", sh(["sh", "-c", "cc --version | head -1"])),
    ] + list(extra)


# ---- wrk --------------------------------------------------------------------

def ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    if not m:
        return None
    v = float(m.group(1))
    return v * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]


class Wrk:
    def __init__(self, args):
        self.duration = args.duration
        self.threads = 2

    def run(self, url, connections, script=None, headers=(), duration=None):
        cmd = ["wrk", "-t%d" % min(self.threads, connections), "-c%d" % connections,
               "-d%ds" % (duration or self.duration), "--latency", "--timeout", "10s"]
        for h in headers:
            cmd += ["-H", h]
        if script:
            cmd += ["-s", script]
        cmd.append(url)
        out = subprocess.run(cmd, capture_output=True, text=True).stdout
        r = {"rps": 0.0, "p50": None, "p99": None, "errors": 0, "requests": 0, "one": None,
             "status": {}}
        for line in out.splitlines():
            parts = line.split()
            if line.startswith("Requests/sec:"):
                r["rps"] = float(parts[1])
            elif len(parts) == 2 and parts[0] in ("50%", "99%"):
                r["p" + parts[0][:2]] = ms(parts[1])
            elif "requests in" in line:
                r["requests"] = int(parts[0])
            elif line.strip().startswith("Non-2xx"):
                r["errors"] += int(parts[-1])
            elif line.strip().startswith("Socket errors"):
                r["errors"] += sum(int(x) for x in re.findall(r"\d+", line))
            elif len(parts) == 3 and parts[0] == "status" and parts[1].isdigit():
                # printed by a script from count_statuses()
                r["status"][int(parts[1])] = int(parts[2])
        return r

    def warm(self, url, connections, **kw):
        self.run(url, connections, duration=2, **kw)


# ---- the servers ------------------------------------------------------------

class Proc:
    """A server process of ours, stopped by its own pid."""

    def __init__(self, cmd, logpath, env=None):
        self.log = open(logpath, "ab")
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env)

    def peak_rss_mib(self):
        try:
            for line in open("/proc/%d/status" % self.p.pid):
                if line.startswith("VmHWM"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return None

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(20)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()


def serve_flags(taizhang):
    """Generous limits for a benchmark, for the settings this build has."""
    helptext = sh([taizhang, "serve", "--help"])
    flags = []
    for flag, value in (("--submit-limit", "0"), ("--app-submit-limit", "0"),
                        ("--max-connections-per-ip", "0")):
        if flag in helptext:
            flags += [flag, value]
    return flags


def start_taizhang(taizhang, ledger, port, workdir, logname="taizhang.log"):
    """`taizhang serve` on ledger (a path or a postgresql:// URL) at
    127.0.0.1:port, its output in WORKDIR/logname; returns the process and
    the seconds to its first 200 on /healthz."""
    cmd = [taizhang, "serve", "--db", ledger, "--listen", "127.0.0.1:%d" % port]
    cmd += serve_flags(taizhang)
    p = Proc(cmd, os.path.join(workdir, logname))
    took = wait_http("http://127.0.0.1:%d/healthz" % port)
    return p, took


def start_nginx(root, port, workdir, upstream=None):
    """nginx as our child on port: serving the static files in root, or,
    with upstream (a list of ports of taizhang servers on 127.0.0.1), as
    their reverse proxy, round robin, with kept-alive connections to them
    as a production configuration has (docs/deploy.md)."""
    prefix = tempfile.mkdtemp(prefix="nginx-", dir=workdir)
    site = "    root %s;\n    location / { }\n" % root
    upstream_block = ""
    if upstream:
        upstream_block = ("  upstream taizhang {\n%s    keepalive 64;\n  }\n"
                          % "".join("    server 127.0.0.1:%d;\n" % u for u in upstream))
        # Why HTTP/1.1 and an empty Connection header: without them nginx
        # opens a new connection to the server for every request.
        site = ("    location / {\n"
                "      proxy_pass http://taizhang;\n"
                "      proxy_http_version 1.1;\n"
                "      proxy_set_header Connection \"\";\n"
                "      proxy_set_header Host $host;\n"
                "      proxy_set_header X-Forwarded-For $remote_addr;\n"
                "    }\n")
    conf = os.path.join(prefix, "nginx.conf")
    with open(conf, "w") as f:
        f.write("""worker_processes auto;
pid %(p)s/nginx.pid;
error_log %(p)s/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/html;
  sendfile on;
  keepalive_requests 1000000;
  client_body_temp_path %(p)s/body;
  proxy_temp_path %(p)s/proxy;
  fastcgi_temp_path %(p)s/fastcgi;
  uwsgi_temp_path %(p)s/uwsgi;
  scgi_temp_path %(p)s/scgi;
%(upstream)s  server {
    listen 127.0.0.1:%(port)d;
%(site)s  }
}
""" % {"p": prefix, "port": port, "upstream": upstream_block, "site": site})
    # Why -g 'daemon off;': nginx stays our child, stopped by its own pid.
    args = ["nginx", "-p", prefix, "-c", conf, "-g", "daemon off;"]
    if os.geteuid() == 0:
        args[-1] = "daemon off; user root;"
    p = Proc(args, os.path.join(workdir, "nginx.log"))
    wait_http("http://127.0.0.1:%d/" % port + ("healthz" if upstream else "ping.html"))
    return p


# ---- the ledger -------------------------------------------------------------

def make_ledger(args, gen):
    path = os.path.join(args.workdir, "ledger-%d-s%d.db" % (args.matters, args.seed))
    marker = path + ".ready"
    if os.path.exists(marker) and os.path.exists(path):
        log("reusing %s" % path)
        return path, json.load(open(marker))
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    log("generating %d matters into %s" % (args.matters, path))
    t0 = time.monotonic()
    out = subprocess.run([gen, "--db", path, "--matters", str(args.matters),
                          "--seed", str(args.seed)], check=True, capture_output=True,
                         text=True).stdout
    info = dict(kv.split("=") for kv in out.split())
    info["wall"] = round(time.monotonic() - t0, 1)
    info["bytes"] = os.path.getsize(path)
    json.dump(info, open(marker, "w"))
    return path, info


def pick_matter(ledger):
    db = sqlite3.connect(ledger)
    row = db.execute("SELECT number FROM matters WHERE public = 1 AND status = 'closed'"
                     " ORDER BY id DESC LIMIT 1 OFFSET 100").fetchone()
    db.close()
    return row[0]


def apikey(taizhang, ledger, name, role):
    out = subprocess.run([taizhang, "apikey", "add", name, "--role", role, "--db", ledger],
                         check=True, capture_output=True, text=True).stdout
    return out.split()[-1]


def staff_cookie(base):
    """Sign in as clerk1 (the demo's password) through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login").read().decode()
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"login": "clerk1", "password": "clerk1@2026demo",
                                   "csrf": csrf}).encode()
    opener.open(base + "/login", body).read()
    cookie = "; ".join("%s=%s" % (c.name, c.value) for c in jar)
    if "staff" not in opener.open(base + "/staff").geturl():
        raise RuntimeError("staff sign-in failed")
    return cookie


def static_twin(root, name, body):
    with open(os.path.join(root, name), "wb") as f:
        f.write(body)
    return name


# ---- the Open311 submission -------------------------------------------------

# wrk's Lua: count the answers by status in every thread and print the
# sums as "status CODE COUNT" lines, which Wrk.run reads.
COUNT_STATUSES = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {} end
function response(status, headers, body) statuses[status] = (statuses[status] or 0) + 1 end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do total[code] = (total[code] or 0) + n end
  end
  for code, n in pairs(total) do io.write(string.format("status %d %d\\n", code, n)) end
end
"""


def post_script(tz, app_key, workdir, count_statuses=False):
    """A wrk script that POSTs one resident's report to Open311's
    requests.json with app_key, checked once by hand first; with
    count_statuses, it also counts the answers by status. Returns its path."""
    status, body = fetch(tz + "/open311/v2/services.json")
    if status != 200:
        raise RuntimeError("services.json answered %d" % status)
    services = json.loads(body)
    code = next(s["service_code"] for s in services if s.get("type") == "realtime")
    form = urllib.parse.urlencode({
        "api_key": app_key, "service_code": code, "lat": "38.3021", "long": "116.8575",
        "address_string": "黄河路金岛小区12号楼",
        "description": "金岛小区12号楼3单元门前的下水道堵了三天，污水从井口往外冒，"
                       "味道很大，希望尽快派人疏通。"})
    status, body = fetch(tz + "/open311/v2/requests.json", data=form.encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status not in (200, 201):
        raise RuntimeError("POST requests.json answered %d: %s" % (status, body[:200]))
    script = os.path.join(workdir, "post-count.lua" if count_statuses else "post.lua")
    with open(script, "w") as f:
        f.write('wrk.method = "POST"\nwrk.body = %s\n'
                'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
                % json.dumps(form))
        if count_statuses:
            f.write(COUNT_STATUSES)
    return script
