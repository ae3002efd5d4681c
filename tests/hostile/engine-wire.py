#!/usr/bin/python3
"""tests/hostile/engine-wire.py: a Docker-like engine that breaks HTTP itself.

    engine-wire.py DIR

Listens on one unix socket per misbehaviour and per kind of call,
DIR/MODE-KIND.sock, until killed; DIR/ready appears once all listen. /_ping and
/version always answer as Docker 20.10 does, so berth gets past negotiation;
calls of KIND misbehave, every other call answers well. One container, "victim",
exists.

KIND: list (GET /containers/json), inspect (GET /containers/victim/json), logs
(GET .../logs), exec (POST /exec/ID/start: the output stream), events
(GET /events), archive (GET .../archive: a tar of /f, a file; HEAD answers
well), put (PUT .../archive: the upload into /d, a directory), export
(GET .../export), stats (GET .../stats), all (every call but the ping).

MODE:
  truncated    Content-Length says the whole body, half is sent, then close
  longlength   Content-Length 1000 bytes more than the body, then close
  badchunk     chunked encoding, one good chunk, then a size that is not hex
  malformed    a body that is not what it claims: broken JSON, a frame header
               claiming 4 GiB of stream type 9, an events line that is no JSON
  huge         100 MB: a JSON array or string, or 100 MB of log frames,
               or one 100 MB events line without a newline
  slowloris    the whole reply (status line and headers too) at 1 byte a second
  endless      chunked, and the body never ends (as fast as it can)
  stall        chunked, a good first chunk (one log frame, or the start of the
               JSON), then silence with the connection held open forever; a
               put reads nothing and never answers
  frozen       as stall (an exec as a hijacked session: 101, a frame, silence),
               and from then on no request at all is answered (the
               ping neither), as by an engine stopped with SIGSTOP, until a
               GET /thaw (unversioned) on that socket
  late         the whole reply, 1.5 s late; an exec as a hijacked session
               (101, 1.5 s of silence, a line on stdout and one on stderr,
               the end) whose command the exec's inspect says has ended
               already, as a real engine may between the exit and the copy

DIR/stall-logs.port names a TCP port on 127.0.0.1 that behaves as
stall-logs.sock (for TCP keepalive).

Python 3 standard library only.
"""
import json
import os
import socket
import struct
import sys
import threading
import time

MODES = ["truncated", "longlength", "badchunk", "malformed", "huge", "slowloris", "endless",
         "stall", "frozen", "late"]
KINDS = ["list", "inspect", "logs", "exec", "events", "archive", "put", "export", "stats", "all"]
FROZEN = set()        # (mode, kind) of the listeners that answer nothing any more
VICTIM_ID = "a1" * 32
CREATED = "2026-01-01T00:00:00.000000000Z"
HUGE = 100 * 1000 * 1000


def frame(stream, data):
    return struct.pack(">BxxxI", stream, len(data)) + data


def tar_of_file(name, size):
    """A tar archive holding one file of size bytes."""
    import io
    import tarfile
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.USTAR_FORMAT) as t:
        info = tarfile.TarInfo(name)
        info.size = size
        info.mode = 0o644
        t.addfile(info, io.BytesIO(b"x" * size))
    return out.getvalue()


def path_stat(path):
    """Docker's X-Docker-Container-Path-Stat header for /f (a file) or /d (a directory)."""
    import base64
    is_dir = path.rstrip("/") == "/d"
    st = {"name": path.strip("/") or "/", "size": 4096 if is_dir else 100000,
          "mode": (0x80000000 | 0o755) if is_dir else 0o644,
          "mtime": CREATED, "linkTarget": ""}
    return "X-Docker-Container-Path-Stat: " + base64.b64encode(json.dumps(st).encode()).decode()


def good_body(kind):
    """(content type, body) of a well-behaved reply for a kind of call."""
    if kind == "list":
        return "application/json", json.dumps([{
            "Id": VICTIM_ID, "Names": ["/victim"], "Image": "berth-test/busybox:latest",
            "ImageID": "sha256:" + "b" * 64, "Command": "sleep 1000", "Created": 1767225600,
            "Ports": [], "Labels": {}, "State": "running", "Status": "Up 5 minutes",
            "NetworkSettings": {"Networks": {}}, "Mounts": []}]).encode()
    if kind == "inspect":
        return "application/json", json.dumps({
            "Id": VICTIM_ID, "Name": "/victim", "Created": CREATED, "Path": "sleep",
            "Args": ["1000"], "Image": "sha256:" + "b" * 64,
            "State": {"Status": "running", "Running": True, "Pid": 4242, "ExitCode": 0,
                      "StartedAt": CREATED, "FinishedAt": "0001-01-01T00:00:00Z"},
            "Config": {"Image": "berth-test/busybox:latest", "Tty": False, "Labels": {},
                       "Env": [], "Cmd": ["sleep", "1000"], "Hostname": "victim"},
            "NetworkSettings": {"Ports": {}, "Networks": {}}, "HostConfig": {}}).encode()
    if kind in ("logs", "exec"):
        return "application/vnd.docker.raw-stream", b"".join(
            frame(1 + i % 2, b"line %d\n" % i) for i in range(100))
    if kind in ("archive", "export"):
        return "application/x-tar", tar_of_file("f", 100000)
    if kind == "stats":
        return "application/json", json.dumps({
            "read": CREATED, "cpu_stats": {"cpu_usage": {"total_usage": 1000}},
            "memory_stats": {"usage": 1000, "limit": 100000}}).encode()
    if kind == "events":
        return "application/json", b"".join(json.dumps({
            "Type": "container", "Action": "start", "status": "start", "id": VICTIM_ID,
            "Actor": {"ID": VICTIM_ID, "Attributes": {"name": "victim"}},
            "time": 1767225600 + i, "timeNano": (1767225600 + i) * 10**9}).encode() + b"\n"
            for i in range(10))
    return "application/json", b"{}"


def kind_of(method, path):
    p = path.split("?")[0]
    if p.startswith("/v1."):
        p = p[p.index("/", 1):]
    if p in ("/_ping", "/version"):
        return "ping", p
    if p == "/containers/json":
        return "list", p
    if p.startswith("/containers/") and p.endswith("/json"):
        return "inspect", p
    if p.endswith("/logs"):
        return "logs", p
    if p.startswith("/exec/") and p.endswith("/start"):
        return "exec", p
    if p.endswith("/archive") and method in ("GET", "PUT"):
        return ("archive" if method == "GET" else "put"), p
    if p.endswith("/export"):
        return "export", p
    if p.endswith("/stats"):
        return "stats", p
    if p == "/events":
        return "events", p
    return "other", p


def other_reply(method, p):
    if p.endswith("/exec") and method == "POST":
        return 201, json.dumps({"Id": "e" * 64}).encode()
    if p.startswith("/exec/") and p.endswith("/json"):
        return 200, json.dumps({"ID": "e" * 64, "Running": False, "ExitCode": 0,
                                "ProcessConfig": {"tty": False}}).encode()
    if "/stats" in p:
        return 200, b'{"read":"' + CREATED.encode() + b'","cpu_stats":{},"memory_stats":{}}'
    return 404, b'{"message":"no such thing here"}'


def head(status, ctype, extra):
    reason = {200: "OK", 201: "Created", 404: "Not Found"}.get(status, "OK")
    lines = ["HTTP/1.1 %d %s" % (status, reason), "Api-Version: 1.41", "Server: Docker/20.10.24",
             "Content-Type: " + ctype] + extra
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def send_good(conn, status, ctype, body, method):
    conn.sendall(head(status, ctype, ["Content-Length: %d" % len(body)]) +
                 (b"" if method == "HEAD" else body))


def huge_stream(kind):
    """Chunks adding up to about 100 MB."""
    if kind in ("logs", "exec"):
        block = frame(1, b"x" * 65000 + b"\n")
        for _ in range(HUGE // len(block) + 1):
            yield block
        return
    if kind == "events":
        yield b'{"Type":"container","Action":"'
        for _ in range(HUGE // 65536):
            yield b"a" * 65536
        yield b'"}'        # and no newline
        return
    if kind == "list":
        _, one = good_body("list")
        elem = one[1:-1]
        yield b"["
        n = HUGE // (len(elem) + 1)
        for i in range(n // 100):
            yield b",".join([elem] * 100) + (b"," if i < n // 100 - 1 else b"")
        yield b"]"
        return
    yield b'{"Id":"'
    for _ in range(HUGE // 65536):
        yield b"a" * 65536
    yield b'"}'


def endless_stream(kind):
    if kind in ("logs", "exec"):
        block = b"".join(frame(1, b"endless line %d\n" % i) for i in range(1000))
    elif kind == "events":
        _, block = good_body("events")
    else:
        block = b" " * 65536        # JSON whitespace, forever
    while True:
        yield block


def misbehave(conn, mode, kind, method):
    ctype, body = good_body(kind)
    if mode == "truncated":
        conn.sendall(head(200, ctype, ["Content-Length: %d" % len(body)]) + body[:len(body) // 2])
    elif mode == "longlength":
        conn.sendall(head(200, ctype, ["Content-Length: %d" % (len(body) + 1000)]) + body)
    elif mode == "badchunk":
        conn.sendall(head(200, ctype, ["Transfer-Encoding: chunked"]) +
                     b"%x\r\n" % (len(body) // 2) + body[:len(body) // 2] + b"\r\nzz-not-hex\r\n")
    elif mode == "malformed":
        if kind in ("logs", "exec"):
            bad = frame(1, b"fine\n") + struct.pack(">BxxxI", 9, 0xFFFFFFFF) + b"junk" * 100
        elif kind == "events":
            bad = body + b"{this is not json\n" + body
        else:
            bad = body[:len(body) // 2] + b"]]}}\x00\xff garbage"
        conn.sendall(head(200, ctype, ["Content-Length: %d" % len(bad)]) + bad)
    elif mode in ("huge", "endless"):
        conn.sendall(head(200, ctype, ["Transfer-Encoding: chunked"]))
        for chunk in (huge_stream(kind) if mode == "huge" else endless_stream(kind)):
            conn.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        conn.sendall(b"0\r\n\r\n")
    elif mode in ("stall", "frozen") and kind == "put":
        while True:        # the upload is never read, the request never answered
            time.sleep(3600)
    elif mode == "frozen" and kind == "exec":        # a session: a hijacked, raw stream
        conn.sendall(b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                     b"Content-Type: application/vnd.docker.raw-stream\r\n\r\n" +
                     frame(1, b"line 0\n"))
        while True:
            time.sleep(3600)
    elif mode == "late" and kind == "exec":
        conn.sendall(b"HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                     b"Content-Type: application/vnd.docker.raw-stream\r\n\r\n")
        time.sleep(1.5)
        conn.sendall(frame(1, b"late line\n") + frame(2, b"late err\n"))
    elif mode == "late":
        time.sleep(1.5)
        send_good(conn, 200, ctype, body, method)
    elif mode in ("stall", "frozen"):
        first = frame(1, b"line 0\n") if kind in ("logs", "exec") else body[:len(body) // 2]
        conn.sendall(head(200, ctype, ["Transfer-Encoding: chunked"]) +
                     b"%x\r\n" % len(first) + first + b"\r\n")
        while True:
            time.sleep(3600)
    elif mode == "slowloris":
        for b in head(200, ctype, ["Content-Length: %d" % len(body)]) + body:
            conn.sendall(bytes([b]))
            time.sleep(1)
    conn.close()


def read_head(f):
    """The request line and headers: (method, path, length, chunked), or None."""
    line = f.readline()
    if not line:
        return None
    method, path = line.decode("latin-1").split()[:2]
    length, chunked = 0, False
    while True:
        h = f.readline()
        if h in (b"\r\n", b"\n", b""):
            break
        name, _, value = h.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        if name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    return method, path, length, chunked


def read_body(f, length, chunked):
    if length:
        f.read(length)
    if chunked:
        while True:
            size = int(f.readline().split(b";")[0], 16)
            f.read(size + 2)
            if size == 0:
                break


def serve_conn(conn, mode, target):
    f = conn.makefile("rb")
    try:
        while True:
            req = read_head(f)
            if not req:
                break
            method, path, length, chunked = req
            kind, p = kind_of(method, path)
            sys.stderr.write("%s-%s %s %s\n" % (mode, target, method, path))
            if p == "/thaw":        # the test's call: answer again from now on
                FROZEN.discard((mode, target))
                send_good(conn, 200, "text/plain", b"OK", method)
                continue
            while (mode, target) in FROZEN:
                time.sleep(1)
            if kind != "put" or target not in (kind, "all"):
                read_body(f, length, chunked)
            if mode == "frozen" and target in (kind, "all") and kind != "other":
                FROZEN.add((mode, target))
            if method == "HEAD" and p.endswith("/archive"):
                path_q = path.split("path=", 1)[-1].split("&")[0].replace("%2F", "/")
                conn.sendall(head(200, "application/json", [path_stat(path_q), "Content-Length: 0"]))
            elif kind == "ping":
                if p == "/_ping":
                    send_good(conn, 200, "text/plain", b"OK", method)
                else:
                    send_good(conn, 200, "application/json", json.dumps({
                        "Version": "20.10.24", "ApiVersion": "1.41", "MinAPIVersion": "1.12",
                        "Os": "linux", "Arch": "amd64"}).encode(), method)
            elif target in (kind, "all") and kind != "other":
                misbehave(conn, mode, kind, method)
                return
            elif kind == "other":
                status, body = other_reply(method, p)
                send_good(conn, status, "application/json", body, method)
            else:
                ctype, body = good_body(kind)
                if kind in ("events",):
                    conn.sendall(head(200, ctype, ["Transfer-Encoding: chunked"]) +
                                 b"%x\r\n" % len(body) + body + b"\r\n")
                    while True:        # a good events stream stays open
                        time.sleep(3600)
                send_good(conn, 200, ctype, body, method)
    except (BrokenPipeError, ConnectionResetError, OSError, ValueError):
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def listen(path, mode, target):
    """Serve mode and target on a unix socket at path, or on a TCP port of
    127.0.0.1 when path is None; returns the listening socket."""
    if path:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind(("127.0.0.1", 0))
    s.listen(64)

    def loop():
        while True:
            conn, _ = s.accept()
            threading.Thread(target=serve_conn, args=(conn, mode, target), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return s


def main():
    d = sys.argv[1]
    for mode in MODES:
        for kind in KINDS:
            listen(os.path.join(d, "%s-%s.sock" % (mode, kind)), mode, kind)
    with open(os.path.join(d, "stall-logs.port"), "w") as f:
        f.write("%d\n" % listen(None, "stall", "logs").getsockname()[1])
    open(os.path.join(d, "ready"), "w").close()
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
