#!/usr/bin/python3
"""tests/integration/pullsim.py: a scripted engine for berth pull's progress.

    pullsim.py SOCKET

There is no registry on the test machines, so no real engine can pull there;
this answers on the unix socket SOCKET, as Docker does, /_ping and
POST /images/create with the progress stream of a pull of two layers (one
already there, one downloaded in four steps). fromImage demo/bad answers as
Docker does for an image its registry does not know: HTTP 200, then an error
document in the stream. Each request is logged on stderr.

Python 3 standard library only.
"""
import http.server
import json
import os
import socketserver
import sys
import time
import urllib.parse


def progress(name, tag):
    yield {"status": "Pulling from " + name, "id": tag}
    yield {"status": "Already exists", "progressDetail": {}, "id": "aaaa1111"}
    yield {"status": "Pulling fs layer", "progressDetail": {}, "id": "bbbb2222"}
    for current in (250000, 500000, 750000, 1000000):
        yield {"status": "Downloading", "progressDetail": {"current": current, "total": 1000000},
               "progress": "[==>  ]", "id": "bbbb2222"}
    yield {"status": "Download complete", "progressDetail": {}, "id": "bbbb2222"}
    yield {"status": "Extracting", "progressDetail": {"current": 1000000, "total": 1000000},
           "id": "bbbb2222"}
    yield {"status": "Pull complete", "progressDetail": {}, "id": "bbbb2222"}
    yield {"status": "Digest: sha256:" + "c" * 64}
    yield {"status": "Status: Downloaded newer image for %s:%s" % (name, tag)}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def address_string(self):
        return "unix"

    def log_message(self, fmt, *args):
        sys.stderr.write("pullsim: " + (fmt % args) + "\n")

    def head(self, status, ctype, length=None):
        self.send_response(status)
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Type", ctype)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def chunk(self, data):
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def do_GET(self):
        if urllib.parse.urlsplit(self.path).path.endswith("/_ping"):
            self.head(200, "text/plain", 2)
            self.wfile.write(b"OK")
            return
        body = json.dumps({"message": "page not found"}).encode()
        self.head(404, "application/json", len(body))
        self.wfile.write(body)

    def do_POST(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        name, tag = query.get("fromImage", [""])[0], query.get("tag", [""])[0]
        if not url.path.endswith("/images/create"):
            return self.do_GET()
        self.head(200, "application/json")
        if name == "demo/bad":
            self.chunk(json.dumps({"status": "Pulling from " + name, "id": tag}).encode() + b"\r\n")
            msg = "manifest for %s:%s not found: manifest unknown: manifest unknown" % (name, tag)
            self.chunk(json.dumps({"errorDetail": {"message": msg}, "error": msg}).encode() + b"\r\n")
        else:
            for doc in progress(name, tag):
                self.chunk(json.dumps(doc).encode() + b"\r\n")
                time.sleep(0.05)
        self.chunk(b"")


class Engine(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pullsim.py SOCKET")
    if os.path.exists(sys.argv[1]):
        os.unlink(sys.argv[1])
    Engine(sys.argv[1], Handler).serve_forever()


if __name__ == "__main__":
    main()
