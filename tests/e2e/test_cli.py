#!/usr/bin/env python3
"""The command line: --help everywhere, init (twice), user add and apikey add with
their refusals, demo (and refusing an existing file), and serve's refusals."""
import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (BIN, IS_PG, NUMBER_RE, Server, check, cli_env, db_exec, db_rows, done,  # noqa: E402
                     ledger_exists, new_ledger, require_binary, run_cli, section, short,
                     sqlite_only)

require_binary()
TMP = tempfile.mkdtemp(prefix="tz-cli-")
DB = new_ledger(os.path.join(TMP, "c.db"))
SUBS = ["serve", "init", "user", "apikey", "demo"]


def q(db, sql, *args):
    return db_rows(db, sql, args)


def show(rc, out, err):
    return "exit %s\nstdout: %s\nstderr: %s" % (rc, short(out, 800), short(err, 800))


@section("help")
def _():
    rc, out, err = run_cli(["--help"])
    check("taizhang --help: exit 0 and usage on stdout", rc == 0 and "usage: taizhang" in out,
          show(rc, out, err))
    check("taizhang --help names every subcommand", all(s in out for s in SUBS), out)
    rc, out, err = run_cli(["-h"])
    check("taizhang -h: exit 0", rc == 0 and "usage: taizhang" in out, show(rc, out, err))
    rc, out, err = run_cli([])
    check("taizhang without a command: exit 2 and usage on stderr",
          rc == 2 and "usage: taizhang" in err and out == "", show(rc, out, err))
    rc, out, err = run_cli(["frobnicate"])
    check("unknown command: exit 2 and names it", rc == 2 and "frobnicate" in err,
          show(rc, out, err))
    for sub in SUBS:
        for flag in ("--help", "-h"):
            rc, out, err = run_cli([sub, flag], cwd=TMP)
            check("taizhang %s %s: exit 0 and 'usage: taizhang %s' on stdout" % (sub, flag, sub),
                  rc == 0 and out.startswith("usage: taizhang %s" % sub), show(rc, out, err))
    rc, out, err = run_cli(["user", "add", "x", "--role", "clerk", "--help"], cwd=TMP)
    check("--help after other arguments still shows help and touches nothing",
          rc == 0 and "usage: taizhang user" in out and not os.path.exists(
              os.path.join(TMP, "taizhang.db")), show(rc, out, err))


@section("init")
def _():
    rc, out, err = run_cli(["init", "--db", DB])
    check("init: exit 0 and says the ledger is ready", rc == 0 and ledger_exists(DB)
          and "ready" in out, show(rc, out, err))
    cats = q(DB, "SELECT count(*) FROM categories")[0][0]
    check("init installs the default categories", cats >= 5, cats)
    rc, out, err = run_cli(["init", "--db", DB])
    check("init a second time: exit 0", rc == 0, show(rc, out, err))
    check("… without duplicating the categories", q(DB, "SELECT count(*) FROM categories")[0][0] == cats)
    rc, out, err = run_cli(["init", "--db=" + DB])
    check("init --db=PATH form works too", rc == 0, show(rc, out, err))
    rc, out, err = run_cli(["init", "--db", os.path.join(TMP, "no", "such", "dir", "x.db")])
    check("init into a missing directory: exit != 0 with a message", rc != 0 and err.strip(),
          show(rc, out, err))
    rc, out, err = run_cli(["init", "--db"])
    check("init --db without a value: exit != 0, says it needs a value",
          rc != 0 and "needs a value" in err, show(rc, out, err))
    rc, out, err = run_cli(["init", "stray", "--db", DB])
    check("init with a stray argument: exit != 0", rc != 0 and "stray" in err, show(rc, out, err))


@section("user add")
def _():
    db_exec(DB, "INSERT INTO departments(code, name) VALUES ('cgj', '城市管理局')")

    def add(login, role, pw, *extra):
        return run_cli(["user", "add", login, "--role", role, "--db", DB] + list(extra),
                       stdin=pw + "\n")
    rc, out, err = add("clerk1", "clerk", "good-password-1", "--name", "王芳")
    check("user add clerk: exit 0", rc == 0 and "clerk1" in out, show(rc, out, err))
    check("… the password is not echoed", "good-password-1" not in out + err)
    row = q(DB, "SELECT name, role, password_hash FROM users WHERE login = 'clerk1'")
    check("… stored with name, role and an argon2id hash (not the password)",
          row and row[0][0] == "王芳" and row[0][1] == "clerk" and
          row[0][2].startswith("$argon2id$") and "good-password-1" not in row[0][2], row)
    rc, out, err = add("short1", "clerk", "short")
    check("user add with a 5-character password: exit != 0, says 密码至少8位",
          rc != 0 and "密码至少8位" in err, show(rc, out, err))
    rc, out, err = add("h1", "handler", "good-password-1")
    check("user add handler without --department: exit != 0, says 须指定所属单位",
          rc != 0 and "须指定所属单位" in err, show(rc, out, err))
    rc, out, err = add("h2", "handler", "good-password-1", "--department", "nosuch")
    check("user add handler with an unknown department: exit != 0, says 单位代码不存在",
          rc != 0 and "单位代码不存在" in err, show(rc, out, err))
    rc, out, err = add("h3", "handler", "good-password-1", "--department", "cgj")
    check("user add handler with --department cgj: exit 0", rc == 0, show(rc, out, err))
    rc, out, err = add("bad1", "superuser", "good-password-1")
    check("user add with an unknown role: exit != 0, names the roles",
          rc != 0 and "admin" in err and "handler" in err, show(rc, out, err))
    rc, out, err = add("app1", "app", "good-password-1")
    check("user add with role app (keys only): exit != 0", rc != 0, show(rc, out, err))
    rc, out, err = add("clerk1", "clerk", "another-password")
    check("user add of an existing login: exit != 0, says 登录名已存在",
          rc != 0 and "登录名已存在" in err, show(rc, out, err))
    rc, out, err = add("Bad Login", "clerk", "good-password-1")
    check("user add with an invalid login: exit != 0", rc != 0 and "登录名" in err, show(rc, out, err))
    rc, out, err = run_cli(["user", "add", "nopw", "--role", "clerk", "--db", DB], stdin="")
    check("user add with nothing on stdin: exit != 0, says so",
          rc != 0 and "password" in err, show(rc, out, err))
    rc, out, err = run_cli(["user", "add", "--role", "clerk", "--db", DB], stdin="x" * 10 + "\n")
    check("user add without LOGIN: exit != 0 with usage", rc != 0 and "usage" in err,
          show(rc, out, err))
    rc, out, err = run_cli(["user", "remove", "clerk1", "--db", DB])
    check("user with an unknown verb: exit != 0 with usage", rc != 0 and "usage" in err,
          show(rc, out, err))
    logins = sorted(r[0] for r in q(DB, "SELECT login FROM users"))
    check("only the two valid users exist", logins == ["clerk1", "h3"], logins)


@section("apikey add")
def _():
    rc, out, err = run_cli(["apikey", "add", "wechat-app", "--role", "app", "--db", DB])
    key = out.split()[-1] if out.split() else ""
    check("apikey add NAME --role app: exit 0, key is the last word and starts with tzk_",
          rc == 0 and key.startswith("tzk_") and len(key) == 47, show(rc, out, err))
    rows = q(DB, "SELECT name, role, key_hash FROM api_keys")
    check("only a hash of the key is stored (BLAKE2b-256, as the server looks it up)",
          len(rows) == 1 and rows[0][:2] == ("wechat-app", "app") and key not in rows[0][2]
          and rows[0][2] == hashlib.blake2b(key.encode(), digest_size=32).hexdigest(), rows)
    rc2, out2, err2 = run_cli(["apikey", "add", "second", "--role", "app", "--db", DB])
    check("a second key differs from the first", rc2 == 0 and out2.split()[-1] != key,
          show(rc2, out2, err2))
    rc, out, err = run_cli(["apikey", "add", "x", "--role", "wizard", "--db", DB])
    check("apikey add with an unknown role: exit != 0", rc != 0 and "tzk_" not in out,
          show(rc, out, err))
    rc, out, err = run_cli(["apikey", "add", "x", "--role", "handler", "--db", DB])
    check("apikey add handler without --department: exit != 0", rc != 0, show(rc, out, err))
    rc, out, err = run_cli(["apikey", "add", "x", "--role", "handler", "--department", "cgj",
                            "--db", DB])
    check("apikey add handler --department cgj: exit 0", rc == 0 and
          out.split()[-1].startswith("tzk_"), show(rc, out, err))
    rc, out, err = run_cli(["apikey", "add", "--role", "app", "--db", DB])
    check("apikey add without NAME: exit != 0 with usage", rc != 0 and "usage" in err,
          show(rc, out, err))
    n = q(DB, "SELECT count(*) FROM api_keys")[0][0]
    check("exactly three keys stored", n == 3, n)


@section("serve refusals")
def _():
    p = subprocess.run([BIN, "serve", "--db", DB, "--listen", "nonsense"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=cli_env(), cwd=TMP, timeout=20)
    check("serve --listen nonsense: exit != 0 with a message",
          p.returncode != 0 and b"listen" in p.stderr, p.stderr[:300])
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    port = s.getsockname()[1]
    try:
        p = subprocess.run([BIN, "serve", "--db", DB, "--listen", "127.0.0.1:%d" % port],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(), cwd=TMP,
                           timeout=20)
        check("serve on a port already in use: exit != 0 with a message",
              p.returncode != 0 and b"listen" in p.stderr, p.stderr[:300])
    except subprocess.TimeoutExpired:
        check("serve on a port already in use: exit != 0 with a message", False,
              "still running after 20 s")
    finally:
        s.close()
    p = subprocess.run([BIN, "serve", "--db", os.path.join(TMP, "no", "dir", "x.db"),
                        "--listen", "127.0.0.1:0"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=cli_env(), cwd=TMP, timeout=20)
    check("serve on a database in a missing directory: exit != 0", p.returncode != 0,
          p.stderr[:300])


@section("demo")
def _():
    demo = new_ledger(os.path.join(TMP, "demo.db"))
    rc, out, err = run_cli(["demo", "--no-serve", "--db", demo, "--matters", "50"], cwd=TMP)
    ok = check("demo --no-serve --db PATH --matters 50: exit 0 and a ledger file",
               rc == 0 and ledger_exists(demo),
               "the demo subcommand did not produce a ledger (is src/demo finished and "
               "linked?)\n" + show(rc, out, err))
    if not ok:
        return
    check("demo prints its accounts", "演示账号" in out or "demo accounts" in out, out)
    n = q(demo, "SELECT count(*) FROM matters")[0][0]
    check("demo ledger holds at least 50 matters", n >= 50, n)
    users = q(demo, "SELECT count(*) FROM users")[0][0]
    deps = q(demo, "SELECT count(*) FROM departments")[0][0]
    check("demo ledger has staff accounts and departments", users >= 3 and deps >= 2, (users, deps))
    ev = q(demo, "SELECT count(*) FROM matters m WHERE NOT EXISTS "
                 "(SELECT 1 FROM events e WHERE e.matter_id = m.id)")[0][0]
    check("every demo matter has at least one event", ev == 0, ev)
    size = os.path.getsize(demo) if sqlite_only("the demo file's size before and after") else None
    rc, out, err = run_cli(["demo", "--no-serve", "--db", demo, "--matters", "50"], cwd=TMP)
    # a file that exists; a PostgreSQL database that holds a ledger already
    check("demo on an existing file: exit != 0, says it already exists",
          rc != 0 and ("already exists" in err or (IS_PG and "not empty" in err)),
          show(rc, out, err))
    check("… and leaves the file alone", q(demo, "SELECT count(*) FROM matters")[0][0] == n
          and (size is None or os.path.getsize(demo) == size))
    with Server("demo-serve", existing_db=demo) as srv:
        c = srv.client("demo")
        r = c.get("/healthz")
        check("serving the demo ledger: /healthz 200", r.status == 200, r.describe())
        r = c.get("/board")
        import re
        check("serving the demo ledger: /board lists matters",
              r.status == 200 and len(re.findall(NUMBER_RE, r.text)) >= 1, r.describe())
        r = c.get("/")
        check("serving the demo ledger: / answers 200", r.status == 200, r.describe())


shutil.rmtree(TMP, ignore_errors=True)
done()
