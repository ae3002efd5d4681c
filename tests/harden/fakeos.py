#!/usr/bin/python3
"""tests/harden/fakeos.py: a hostile Keystone and Zun for the secrets tests.

    fakeos.py PORTFILE [--tls CERT KEY]

Listens on 127.0.0.1 (a free port, written to PORTFILE) until killed. Keystone
is at /v3: a password or application-credential secret equal to "good-secret"
gets the token TOKEN (below) and a catalog whose Zun endpoint is this server's
/v1; any other credential gets a 401 whose message echoes the whole request
body back, as a careless or hostile server might. Zun at /v1 answers every call
with a 500 whose message echoes the request's X-Auth-Token header, and
/v1/containers/slow/logs never answers (for reading /proc/PID/cmdline while
berth waits). Python 3 standard library only.
"""
import http.server
import json
import socketserver
import ssl
import sys
import time

TOKEN = "gAAAAA-fake-token-9f7e1d2c3b4a"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path))

    def reply(self, status, doc, headers=()):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n).decode("utf-8", "replace")

    def base(self):
        scheme = "https" if isinstance(self.connection, ssl.SSLSocket) else "http"
        return "%s://127.0.0.1:%d" % (scheme, self.server.server_address[1])

    def keystone(self):
        text = self.body()
        if "good-secret" not in text:
            self.reply(401, {"error": {"code": 401, "title": "Unauthorized",
                                       "message": "bad credentials in " + text}})
            return
        catalog = [{"type": "container", "name": "zun", "endpoints": [
            {"interface": "public", "region_id": "CHI@Edge", "region": "CHI@Edge",
             "url": self.base() + "/v1"}]}]
        expires = time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime(time.time() + 3600))
        self.reply(201, {"token": {"expires_at": expires, "catalog": catalog,
                                   "project": {"id": "p1", "name": "edge"}}},
                   [("X-Subject-Token", TOKEN)])

    def zun(self):
        if self.path.startswith("/v1/containers/slow/"):
            time.sleep(3600)
        tok = self.headers.get("X-Auth-Token", "")
        self.reply(500, {"errors": [{"status": 500, "code": "", "title": "boom",
                                     "detail": "internal error for token " + tok}]})

    def do_GET(self):
        if self.path.rstrip("/") == "/v3":
            self.reply(200, {"version": {"id": "v3.14", "status": "stable"}})
        elif self.path.startswith("/v1"):
            self.zun()
        else:
            self.reply(404, {"error": {"code": 404, "message": "no such path"}})

    def do_POST(self):
        if self.path.startswith("/v3/auth/tokens"):
            self.keystone()
        elif self.path.startswith("/v1"):
            self.body()
            self.zun()
        else:
            self.reply(404, {"error": {"code": 404, "message": "no such path"}})

    do_DELETE = do_GET


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main():
    srv = Server(("127.0.0.1", 0), Handler)
    if len(sys.argv) == 5 and sys.argv[2] == "--tls":
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    srv.serve_forever()


if __name__ == "__main__":
    main()
