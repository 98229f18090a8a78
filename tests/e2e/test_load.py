#!/usr/bin/env python3
"""Many and slow clients: a thousand connections open at once all get their answer; clients
that send their headers or body a byte at a time (slowloris) or stop half-way do not keep
the server from answering everyone else, and a connection that goes quiet is closed after
the connection timeout; one address cannot take more connections than its share, and the
others are still served. Fewer connections under valgrind. No check here measures speed:
"answered" means within the harness's per-request timeout."""
import errno
import os
import select
import selectors
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (VALGRIND, Server, check, done, note, raise_nofile,  # noqa: E402
                     require_binary, section)

require_binary()
CONNS = 100 if VALGRIND else 1000
SLOW = 20 if VALGRIND else 200
CONN_TIMEOUT = 10 if VALGRIND else 3
PER_IP = 20
LIMIT = raise_nofile(CONNS + SLOW + 512)
note("RLIMIT_NOFILE %d; %d concurrent connections, %d slow ones, connection timeout %ds"
     % (LIMIT, CONNS, SLOW, CONN_TIMEOUT))


def connect_all(port, n, source=None):
    """n non-blocking sockets connected to the server (EINPROGRESS allowed)."""
    socks = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if source:
            s.bind((source, 0))
        s.setblocking(False)
        rc = s.connect_ex(("127.0.0.1", port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            raise OSError(rc, os.strerror(rc))
        socks.append(s)
    return socks


def exchange_all(port, n, deadline_s):
    """Open n connections first, then send one GET /healthz on each and read every
    answer. Returns the list of status codes (None for no answer)."""
    socks = connect_all(port, n)
    req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    sel = selectors.DefaultSelector()
    state = {}
    for s in socks:
        state[s] = {"out": req, "in": b""}
        sel.register(s, selectors.EVENT_WRITE)
    end = time.time() + deadline_s
    open_ = len(socks)
    while open_ and time.time() < end:
        for key, ev in sel.select(timeout=0.5):
            s, st = key.fileobj, state[key.fileobj]
            try:
                if ev & selectors.EVENT_WRITE:
                    sent = s.send(st["out"])
                    st["out"] = st["out"][sent:]
                    if not st["out"]:
                        sel.modify(s, selectors.EVENT_READ)
                    continue
                got = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                got = b""
            if got:
                st["in"] += got
                continue
            sel.unregister(s)
            s.close()
            open_ -= 1
    for s in list(state):
        if s.fileno() >= 0:
            sel.unregister(s)
            s.close()
    out = []
    for st in state.values():
        try:
            out.append(int(st["in"].split(b" ", 2)[1]))
        except (IndexError, ValueError):
            out.append(None)
    return out


def closed_by_server(sock, wait_s):
    """True when the server closes sock (recv gives EOF or a reset) within wait_s."""
    sock.setblocking(True)
    sock.settimeout(wait_s)
    try:
        while True:
            if not sock.recv(65536):
                return True
    except socket.timeout:
        return False
    except OSError:
        return True


def closed_within(socks, want, wait_s):
    """How many of socks the server has closed, waiting up to wait_s for want of them."""
    for s in socks:
        s.setblocking(False)
    closed, end = set(), time.time() + wait_s
    while len(closed) < want and time.time() < end:
        readable, _, _ = select.select([s for s in socks if s not in closed], [], [], 0.2)
        for s in readable:
            try:
                if not s.recv(65536):
                    closed.add(s)
            except BlockingIOError:
                pass
            except OSError:
                closed.add(s)
    return len(closed)


def served(srv, label):
    r = srv.client(label).get("/board")
    return r.status == 200, r.describe()


@section("a thousand connections at once")
def _():
    # A generous timeout here: on a busy machine a worker may take seconds to reach
    # the last of a thousand connections, which must not count as the client idling.
    with Server("load", extra_args=["--connection-timeout", "120",
                                    "--max-connections-per-ip", "0"]) as srv:
        statuses = exchange_all(srv.port, CONNS, 300 if VALGRIND else 60)
        bad = [s for s in statuses if s != 200]
        check("%d connections opened together each get 200 from /healthz" % CONNS, not bad,
              "%d without 200: %s" % (len(bad), sorted(set(map(str, bad)))))
        ok, why = served(srv, "after")
        check("the server answers normally afterwards", ok, why)


@section("slow clients and the connection timeout")
def _():
    with Server("slow", extra_args=["--connection-timeout", str(CONN_TIMEOUT),
                                    "--max-connections-per-ip", "0"]) as srv:
        heads = connect_all(srv.port, SLOW)
        for s in heads:
            s.setblocking(True)
            s.sendall(b"GET /board HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        bodies = connect_all(srv.port, SLOW // 4)
        for s in bodies:
            s.setblocking(True)
            s.sendall(b"POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Content-Type: application/x-www-form-urlencoded\r\n"
                      b"Content-Length: 100000\r\n\r\ntitle=")
        # Trickle a byte on every slow connection for longer than the timeout: each
        # byte counts as activity, yet nobody else may wait for them.
        answered, why = [], ""
        end = time.time() + CONN_TIMEOUT * 2
        while time.time() < end:
            for s in heads + bodies:
                try:
                    s.send(b"a")
                except OSError:
                    pass
            ok, why = served(srv, "other")
            answered.append(ok)
            time.sleep(0.5)
        check("other clients are answered while %d slow clients trickle bytes" %
              (len(heads) + len(bodies)), answered and all(answered), why)
        # Now the slow clients go quiet: every one must be cut.
        cut = [closed_by_server(s, CONN_TIMEOUT * 3 + (60 if VALGRIND else 20))
               for s in heads + bodies]
        for s in heads + bodies:
            s.close()
        check("quiet half-sent requests (headers and bodies) are closed by the server "
              "after the connection timeout", all(cut),
              "%d of %d still open" % (cut.count(False), len(cut)))
        idle = connect_all(srv.port, 1)[0]
        check("an idle connection that never sends is closed after the timeout",
              closed_by_server(idle, CONN_TIMEOUT * 3 + (60 if VALGRIND else 20)))
        idle.close()
        ok, why = served(srv, "after")
        check("the server answers normally afterwards", ok, why)


@section("one address cannot take every connection")
def _():
    with Server("per-ip", extra_args=["--connection-timeout", str(CONN_TIMEOUT * 4),
                                      "--max-connections-per-ip", str(PER_IP)]) as srv:
        hog = connect_all(srv.port, PER_IP + 10, source="127.0.0.2")
        for s in hog:
            s.setblocking(True)
            try:
                s.sendall(b"GET /board HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            except OSError:
                pass
        # Which ten are refused depends on the order the server accepts them
        # in (under valgrind, slowly): count the closed ones among all.
        closed = closed_within(hog, 10, 60 if VALGRIND else 10)
        check("connections past --max-connections-per-ip %d from one address are closed"
              % PER_IP, closed >= 10 and len(hog) - closed <= PER_IP,
              "%d of %d closed" % (closed, len(hog)))
        ok, why = served(srv, "neighbour")
        check("a client from another address is still answered", ok, why)
        for s in hog:
            s.close()
        check("the log says a connection was refused for the limit",
              "libmicrohttpd: Server reached connection limit" in srv.stderr(),
              srv.stderr()[-1500:])


done()
