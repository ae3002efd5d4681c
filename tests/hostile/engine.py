#!/usr/bin/python3
"""tests/hostile/engine.py: a tiny scripted Docker-like engine that serves
hostile archives, for berth's extraction tests.

    engine.py SOCKET CANARY

It answers on the unix socket SOCKET until killed: /_ping, /version,
/containers/{id}/json, HEAD and GET /containers/{id}/archive and
GET /containers/{id}/export. The container name picks the archive.

Two containers are shaped like rootless Podman's, with no address of their
own: "rootless" publishes port 80 on a small HTTP service this script runs on
127.0.0.1 (its port is printed on stdout at start), "multi" exposes two ports. Every tar
is rooted at the basename of the requested path, as Docker's are, so that each
one reaches the defence it is meant for. CANARY is a directory outside any
destination that a hostile archive tries to write into; the test checks that it
stays empty. Each request is logged on stderr.

Python 3 standard library only.
"""
import base64
import http.server
import io
import json
import os
import posixpath
import socketserver
import sys
import tarfile
import threading
import time
import urllib.parse

MTIME = 1000000000
GO_MODE_DIR = 1 << 31


def entry(name, kind=tarfile.REGTYPE, data=b"", mode=0o644, link="", size=None):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.mtime = MTIME
    info.linkname = link
    info.size = len(data) if size is None else size
    if kind == tarfile.CHRTYPE:
        info.devmajor, info.devminor = 1, 3
    return info, data


def tar_of(entries, fmt=tarfile.PAX_FORMAT):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for info, data in entries:
            tar.addfile(info, io.BytesIO(data) if data else None)
    return out.getvalue()


def raw_header(name, kind, size, fmt=tarfile.USTAR_FORMAT):
    """A lone header claiming size, without the body tarfile would insist on."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mtime = MTIME
    info.size = size
    return info.tobuf(format=fmt)


def scenarios(top, canary):
    """name -> (is_dir, tar bytes) for an archive whose top entry is top."""
    d = lambda n, mode=0o755: entry(n, tarfile.DIRTYPE, mode=mode)
    good = [d(top), entry(top + "/a file", data=b"fine\n"), d(top + "/empty dir", 0o700),
            entry(top + "/link", tarfile.SYMTYPE, link="a file", mode=0o777)]
    huge = raw_header(top, tarfile.REGTYPE, 10 << 30, tarfile.GNU_FORMAT) + b"only a short body" * 10
    paxbomb = raw_header("PaxHeader/" + top, tarfile.XHDTYPE, 0o77777777777) + b"30 x=y\n"
    return {
        "good": (True, tar_of(good)),
        "dotdot": (True, tar_of([d(top), entry(top + "/../../escaped", data=b"x\n")])),
        "absolute": (True, tar_of([d(top), entry(canary + "/absolute", data=b"x\n")])),
        "symlink": (True, tar_of([d(top),
                                  entry(top + "/l", tarfile.SYMTYPE, link=canary, mode=0o777),
                                  entry(top + "/l/pwned", data=b"x\n")])),
        "relsymlink": (True, tar_of([d(top),
                                     entry(top + "/up", tarfile.SYMTYPE, link="../../../../../../..",
                                           mode=0o777)])),
        "chain": (True, tar_of([d(top), entry(top + "/a", tarfile.SYMTYPE, link=".", mode=0o777),
                                entry(top + "/b", tarfile.SYMTYPE, link="a/../..", mode=0o777)])),
        "hardlink": (True, tar_of([d(top), entry(top + "/pw", tarfile.LNKTYPE, link="/etc/passwd"),
                                   entry(top + "/pw", data=b"root::0:0::/:/bin/sh\n")])),
        "device": (True, tar_of(good + [entry(top + "/null", tarfile.CHRTYPE, mode=0o666),
                                        entry(top + "/fifo", tarfile.FIFOTYPE)])),
        "beside": (True, tar_of(good + [entry("not-" + top, data=b"beside\n")])),
        "huge": (False, huge),
        "paxbomb": (False, paxbomb),
        "garbage": (False, b"<html><body>502 Bad Gateway</body></html>\n"),
        "stall": (True, tar_of(good)[:1536]),
    }


def rootfs(canary):
    """A container filesystem for /export: absolute symlinks are data, devices skipped."""
    d = lambda n, mode=0o755: entry(n, tarfile.DIRTYPE, mode=mode)
    return {
        "good": tar_of([entry(".dockerenv", mode=0o755), d("bin"),
                        entry("bin/busybox", data=b"ELF\n", mode=0o755),
                        entry("bin/sh", tarfile.SYMTYPE, link="/bin/busybox", mode=0o777),
                        d("etc"), entry("etc/mtab", tarfile.SYMTYPE, link="/proc/mounts", mode=0o777),
                        d("dev"), entry("dev/console", tarfile.CHRTYPE, mode=0o600),
                        d("tmp", 0o1777)]),
        "symlink": tar_of([d("etc"), entry("etc/l", tarfile.SYMTYPE, link=canary, mode=0o777),
                           entry("etc/l/pwned", data=b"x\n")]),
        "hardlink": tar_of([d("etc"), entry("etc/pw", tarfile.LNKTYPE, link="/etc/passwd")]),
    }


class Engine(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile-engine/1"

    def address_string(self):
        return "unix"

    def log_message(self, fmt, *args):
        sys.stderr.write("engine: " + (fmt % args) + "\n")

    def reply(self, status, body=b"", ctype="application/json", headers=None, length=True):
        self.send_response(status)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def not_found(self, what):
        self.reply(404, json.dumps({"message": what}).encode())

    def route(self):
        url = urllib.parse.urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        if parts and parts[0].startswith("v1."):
            parts = parts[1:]
        query = urllib.parse.parse_qs(url.query)
        canary = self.server.canary
        if parts == ["_ping"]:
            return self.reply(200, b"OK", "text/plain")
        if parts == ["version"]:
            return self.reply(200, json.dumps({"Version": "0.0-hostile", "ApiVersion": "1.41",
                                               "MinAPIVersion": "1.12"}).encode())
        if len(parts) != 3 or parts[0] != "containers":
            return self.not_found("page not found")
        name, what = parts[1], parts[2]
        if what == "json":
            return self.reply(200, json.dumps(inspect_doc(name, self.server.web_port)).encode())
        if what == "export":
            fs = rootfs(canary)
            if name not in fs:
                return self.not_found("No such container: " + name)
            return self.reply(200, fs[name], "application/x-tar")
        if what != "archive":
            return self.not_found("page not found")
        path = query.get("path", ["/"])[0]
        top = posixpath.basename(posixpath.normpath(path)) or "x"
        table = scenarios(top, canary)
        if name not in table:
            return self.not_found("No such container: " + name)
        is_dir, body = table[name]
        stat = {"name": top, "size": len(body), "mode": (GO_MODE_DIR | 0o755) if is_dir else 0o644,
                "mtime": "2001-09-09T01:46:40Z", "linkTarget": ""}
        headers = {"X-Docker-Container-Path-Stat": base64.b64encode(json.dumps(stat).encode()).decode()}
        if name == "stall":	# part of an archive, then nothing, connection held open
            self.reply(200, b"", "application/x-tar", dict(headers, **{"Content-Length": "1000000"}),
                       length=False)
            if self.command == "GET":
                self.wfile.write(body)
                self.wfile.flush()
                time.sleep(3600)
            return None
        return self.reply(200, body, "application/x-tar", headers)

    do_GET = route
    do_HEAD = route

    def do_PUT(self):
        """"stall" takes an archive and never reads it; anything else is refused."""
        if "/containers/stall/archive" in self.path:
            time.sleep(3600)
            return
        self.not_found("this engine only serves archives")

    do_POST = do_PUT
    do_DELETE = do_PUT


class Web(http.server.BaseHTTPRequestHandler):
    """The service behind the published port of "rootless"."""
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("web: " + (fmt % args) + "\n")

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        sent = self.rfile.read(length) if length else b""
        if self.path == "/missing":
            status, body = 404, b"not here\n"
        else:
            status, body = 200, json.dumps({"method": self.command, "path": self.path,
                                             "type": self.headers.get("Content-Type"),
                                             "body": sent.decode()}).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = answer
    do_POST = answer
    do_PUT = answer
    do_DELETE = answer


def network_settings(name, web_port):
    """No address of its own; ports as Docker's inspect shows them."""
    if name == "rootless":
        ports = {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": str(web_port)}]}
    elif name == "multi":
        ports = {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": str(web_port)}], "443/tcp": None}
    else:
        ports = {}
    return {"Ports": ports, "Networks": {}}


def inspect_doc(name, web_port):
    return {"Id": (name.encode().hex() * 64)[:64], "Name": "/" + name, "Image": "hostile",
            "Created": "2001-09-09T01:46:40Z", "Path": "sleep", "Args": ["3600"],
            "State": {"Status": "running", "Running": True, "Pid": 1, "ExitCode": 0,
                      "StartedAt": "2001-09-09T01:46:40Z", "FinishedAt": "0001-01-01T00:00:00Z"},
            "Config": {"Image": "hostile", "Cmd": ["sleep", "3600"], "Env": [], "Labels": {},
                       "Hostname": name, "Tty": False},
            "HostConfig": {}, "NetworkSettings": network_settings(name, web_port)}


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: engine.py SOCKET CANARY")
    sock, canary = sys.argv[1], os.path.abspath(sys.argv[2])
    if os.path.exists(sock):
        os.unlink(sock)
    web = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Web)
    web.daemon_threads = True
    threading.Thread(target=web.serve_forever, daemon=True).start()
    server = Engine(sock, Handler)
    server.canary = canary
    server.web_port = web.server_address[1]
    print(server.web_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
