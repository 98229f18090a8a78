"""A small PostgreSQL client in the standard library, for the end-to-end tests.

Why not psycopg2: the tests run on the standard library only, under
whatever python3 the machine puts first (a pyenv one does not see Debian's
python3-psycopg2), and they need little: connect to one host, run one
statement at a time with parameters, read the rows. This speaks the
frontend/backend protocol version 3 (the extended query protocol, text
format both ways), with trust, password, md5 and SCRAM-SHA-256
authentication, no TLS.

    con = connect("postgresql://postgres@127.0.0.1:5433/tz_x")
    rows, count = con.execute("SELECT id FROM matters WHERE number = $1", ["TZ-2026-000001"])
    con.close()

Values come back as Python values by the column's type: integers (int2,
int4, int8, oid), numeric (an int when whole, else a float), floats, bool
(True/False), bytea (bytes); everything else as the server's text. Parameters
go as text with their type left to the server (it infers it from where the
parameter stands): None is NULL, bool 1/0, bytes the bytea hex form.
"""
import base64
import hashlib
import hmac
import os
import socket
import struct
import urllib.parse

INT_TYPES = {20, 21, 23, 26}    # int8, int2, int4, oid
FLOAT_TYPES = {700, 701}        # float4, float8
NUMERIC, BOOL, BYTEA = 1700, 16, 17


class PgError(Exception):
    """An ErrorResponse: fields by their code (S severity, C SQLSTATE, M message,
    D detail, H hint, P position); str() is 'SQLSTATE: message'."""

    def __init__(self, fields):
        self.fields = fields
        self.sqlstate = fields.get("C", "")
        super().__init__("%s: %s%s" % (self.sqlstate, fields.get("M", "?"),
                                        ("\nDETAIL: " + fields["D"]) if fields.get("D") else ""))


def _cstr(s):
    return s.encode("utf-8") + b"\0"


def parse_url(url):
    """host, port, user, password, dbname of a postgresql:// URL (one host)."""
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("postgresql", "postgres"):
        raise ValueError("not a postgresql:// URL: %s" % url)
    q = dict(urllib.parse.parse_qsl(u.query))
    user = urllib.parse.unquote(u.username or "") or q.get("user") or os.environ.get("PGUSER") or "postgres"
    dbname = urllib.parse.unquote(u.path.lstrip("/")) or q.get("dbname") or user
    return (u.hostname or "127.0.0.1", u.port or 5432, user,
            urllib.parse.unquote(u.password or "") or q.get("password") or os.environ.get("PGPASSWORD"),
            dbname)


def placeholders(sql):
    """sql with each ? (outside quotes and comments) turned into $1, $2, ..."""
    out, n, i, L = [], 0, 0, len(sql)
    while i < L:
        c = sql[i]
        if c in "'\"":
            j = i + 1
            while j < L:
                if sql[j] == c:
                    if j + 1 < L and sql[j + 1] == c:
                        j += 2
                        continue
                    break
                j += 1
            out.append(sql[i:j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            j = L if j < 0 else j
            out.append(sql[i:j])
            i = j
        elif sql.startswith("/*", i):
            j = sql.find("*/", i + 2)
            j = L if j < 0 else j + 2
            out.append(sql[i:j])
            i = j
        elif c == "?":
            n += 1
            out.append("$%d" % n)
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _param(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return b"1" if v else b"0"
    if isinstance(v, (bytes, bytearray, memoryview)):
        return b"\\x" + bytes(v).hex().encode("ascii")
    if isinstance(v, float):
        return repr(v).encode("ascii")
    return str(v).encode("utf-8")


def _value(typ, raw):
    if raw is None:
        return None
    if typ in INT_TYPES:
        return int(raw)
    if typ in FLOAT_TYPES:
        return float(raw)
    if typ == NUMERIC:
        t = raw.decode("ascii")
        return int(t) if t.lstrip("-").isdigit() else float(t)
    if typ == BOOL:
        return raw == b"t"
    if typ == BYTEA:
        return bytes.fromhex(raw[2:].decode("ascii")) if raw.startswith(b"\\x") else raw
    return raw.decode("utf-8")


class Connection:
    def __init__(self, url, timeout=60):
        host, port, self.user, self.password, self.dbname = parse_url(url)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        # Why: a statement's messages go in one write and its answer comes back whole;
        # with Nagle's algorithm each exchange would wait out the peer's delayed ACK
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        body = struct.pack("!i", 196608) + _cstr("user") + _cstr(self.user) + \
            _cstr("database") + _cstr(self.dbname) + _cstr("client_encoding") + _cstr("UTF8") + b"\0"
        self.sock.sendall(struct.pack("!i", len(body) + 4) + body)
        self._authenticate()
        self._until_ready()

    # -- the wire
    @staticmethod
    def _msg(kind, body=b""):
        return kind + struct.pack("!i", len(body) + 4) + body

    def _send(self, kind, body=b""):
        self.sock.sendall(self._msg(kind, body))

    def _read(self, n):
        while len(self.buf) < n:
            got = self.sock.recv(65536)
            if not got:
                raise ConnectionError("the PostgreSQL server closed the connection")
            self.buf += got
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _message(self):
        head = self._read(5)
        return head[:1], self._read(struct.unpack("!i", head[1:])[0] - 4)

    @staticmethod
    def _error(body):
        fields = {}
        for part in body.split(b"\0"):
            if part:
                fields[chr(part[0])] = part[1:].decode("utf-8", "replace")
        return PgError(fields)

    def _authenticate(self):
        scram = None
        while True:
            kind, body = self._message()
            if kind == b"E":
                raise self._error(body)
            if kind != b"R":
                raise ConnectionError("unexpected message %r during authentication" % kind)
            code = struct.unpack("!i", body[:4])[0]
            if code == 0:
                return
            if self.password is None and code in (3, 5, 10):
                raise ConnectionError("the server asks for a password and the URL has none")
            if code == 3:  # cleartext
                self._send(b"p", _cstr(self.password))
            elif code == 5:  # md5
                inner = hashlib.md5((self.password + self.user).encode("utf-8")).hexdigest()
                outer = hashlib.md5(inner.encode("ascii") + body[4:8]).hexdigest()
                self._send(b"p", _cstr("md5" + outer))
            elif code == 10:  # SASL: SCRAM-SHA-256
                if b"SCRAM-SHA-256\0" not in body[4:]:
                    raise ConnectionError("no SASL mechanism this client knows")
                nonce = base64.b64encode(os.urandom(18)).decode("ascii")
                first_bare = "n=,r=" + nonce
                msg = ("n,," + first_bare).encode("ascii")
                self._send(b"p", _cstr("SCRAM-SHA-256") + struct.pack("!i", len(msg)) + msg)
                scram = {"nonce": nonce, "first_bare": first_bare}
            elif code == 11 and scram:  # SASL continue
                server_first = body[4:].decode("ascii")
                attrs = dict(kv.split("=", 1) for kv in server_first.split(","))
                if not attrs["r"].startswith(scram["nonce"]):
                    raise ConnectionError("SCRAM: the server's nonce does not extend ours")
                salted = hashlib.pbkdf2_hmac("sha256", self.password.encode("utf-8"),
                                             base64.b64decode(attrs["s"]), int(attrs["i"]))
                client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
                stored = hashlib.sha256(client_key).digest()
                final_bare = "c=biws,r=" + attrs["r"]
                auth = ",".join((scram["first_bare"], server_first, final_bare)).encode("ascii")
                sig = hmac.new(stored, auth, hashlib.sha256).digest()
                proof = bytes(a ^ b for a, b in zip(client_key, sig))
                server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
                scram["verifier"] = base64.b64encode(
                    hmac.new(server_key, auth, hashlib.sha256).digest()).decode("ascii")
                self._send(b"p", (final_bare + ",p=" + base64.b64encode(proof).decode("ascii"))
                           .encode("ascii"))
            elif code == 12 and scram:  # SASL final
                if body[4:].decode("ascii") != "v=" + scram["verifier"]:
                    raise ConnectionError("SCRAM: the server's signature is wrong")
            else:
                raise ConnectionError("authentication method %d is not supported here" % code)

    def _until_ready(self):
        err = None
        while True:
            kind, body = self._message()
            if kind == b"E":
                err = err or self._error(body)
            elif kind == b"Z":
                if err:
                    raise err
                return

    # -- statements
    def execute(self, sql, args=()):
        """Run one statement ($1.. placeholders) in its own transaction; returns
        (rows as tuples, the count of the command tag: rows affected or returned)."""
        params = [_param(a) for a in args]
        bind = b"\0\0" + struct.pack("!hh", 0, len(params))
        for p in params:
            bind += struct.pack("!i", -1) if p is None else struct.pack("!i", len(p)) + p
        bind += struct.pack("!h", 0)
        self.sock.sendall(self._msg(b"P", b"\0" + _cstr(sql) + struct.pack("!h", 0)) +
                          self._msg(b"B", bind) + self._msg(b"D", b"P\0") +
                          self._msg(b"E", b"\0" + struct.pack("!i", 0)) + self._msg(b"S"))
        types, rows, count, err = [], [], 0, None
        while True:
            kind, body = self._message()
            if kind == b"T":
                n = struct.unpack("!h", body[:2])[0]
                pos = 2
                for _ in range(n):
                    pos = body.index(b"\0", pos) + 1
                    types.append(struct.unpack("!i", body[pos + 6:pos + 10])[0])
                    pos += 18
            elif kind == b"D":
                n = struct.unpack("!h", body[:2])[0]
                pos, row = 2, []
                for i in range(n):
                    ln = struct.unpack("!i", body[pos:pos + 4])[0]
                    pos += 4
                    raw = None if ln < 0 else body[pos:pos + ln]
                    pos += max(ln, 0)
                    row.append(_value(types[i], raw))
                rows.append(tuple(row))
            elif kind == b"C":
                tag = body.rstrip(b"\0").split()
                count = int(tag[-1]) if tag and tag[-1].isdigit() else 0
            elif kind == b"E":
                err = err or self._error(body)
            elif kind == b"Z":
                if err:
                    raise err
                return rows, count

    def close(self):
        try:
            self._send(b"X")
        except OSError:
            pass
        self.sock.close()


def connect(url, timeout=60):
    return Connection(url, timeout)
