#!/usr/bin/python3
"""tests/remote/standin.py: scripted STAND-INS for Docker engines (not engines).

Each stand-in listens on a unix socket and answers like Docker for /_ping,
/version, /containers/json (all=1 for the stopped ones too, as Docker),
/containers/{id}/json and /events, with a fixed set
of made-up containers named standin-SS-CCC. They exist only so that the scale
test can show more rows than one machine can run. Standard library only.

usage: standin.py DIR COUNT CONTAINERS STALLING [varied] [log] [events-delay=S]
  DIR/sNN.sock for NN < COUNT; the last STALLING of them accept connections and
  never answer. Writing "SS CCC STATE" into DIR/control.fifo sets a container's
  state and sends a container event on that stand-in's /events streams. The
  number CCC has at least three digits, more when CONTAINERS needs them. With
  "varied", the containers differ as a real engine's do (image, state and exit
  code, age, port, address, id) and the list comes in a shuffled order, so that
  sorting and filtering have work to do; without it they are all alike and
  running, in name order.
  With "log", DIR/requests.log gets a line when the stand-ins start
  ("T start") and for every request, when it is read ("T asked SS PATH") and
  when its reply is about to be sent ("T answered SS PATH"), T the seconds of
  CLOCK_MONOTONIC, so that a test can see when a client connects and how
  many of its requests wait for an answer at once (an answer is logged before
  the client can have it, and a request after the client sent it: a count
  from the log is never above the client's own). With "events-delay=S", an
  /events request waits up to S seconds for its reply's headers, and no more
  once the client has gone ("T gone SS PATH").
"""
import json, os, resource, select, socket, socketserver, sys, threading, time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

DIR, COUNT, NCTR, NSTALL = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
OPTIONS = dict(a.partition("=")[::2] for a in sys.argv[5:])
VARIED = "varied" in OPTIONS
EVENTS_DELAY = float(OPTIONS.get("events-delay", 0))
LOG = open(os.path.join(DIR, "requests.log"), "a", buffering=1) if "log" in OPTIONS else None
WIDTH = max(3, len(str(NCTR - 1)))
T0 = int(time.time()) - 3600
lock = threading.Lock()
state = {}          # (s, c) -> "running" / "exited"
listeners = {}      # s -> list of queues (lists + events)
log_lock = threading.Lock()


def log(*words):
    """A line of DIR/requests.log (with "log"), its time first."""
    if LOG:
        with log_lock:
            LOG.write("%.6f %s\n" % (time.monotonic(), " ".join(map(str, words))))


def mix(c):
    """A made-up container's own number, unique per c (an odd multiplier mod 2^32)."""
    return c * 2654435761 % 2 ** 32


def cid(s, c):
    if VARIED:
        return "%08x%06x" % (mix(c), s) + "cd" * 25
    return "%06x%06x" % (s + 1, c + 1) + "ab" * 26


def name(s, c):
    return "standin-%02d-%0*d" % (s, WIDTH, c)


def first_state(c):
    """(state, exit code) before any change through the FIFO."""
    if not VARIED or mix(c) % 5 > 1:
        return "running", 0
    return ("exited", mix(c) // 5 % 4) if mix(c) % 5 == 0 else ("created", 0)


def status_text(st, code):
    return {"running": "Up 1 hour", "created": "Created"}.get(st, "Exited (%d) 1 second ago" % code)


def varied_fields(c):
    h = mix(c)
    return {"Image": "standin/app-%02d:1" % (h % 40), "Created": T0 - h % (86400 * 30),
            "Ports": [{"PrivatePort": 1024 + h % 50000, "Type": "tcp"}],
            "NetworkSettings": {"Networks": {"bridge": {
                "IPAddress": "10.%d.%d.%d" % (h >> 16 & 255, h >> 8 & 255, h & 255)}}}}


def current_state(s, c):
    """(state, exit code) now; a state set through the FIFO exits with 0."""
    return (state[(s, c)], 0) if (s, c) in state else first_state(c)


def summary(s, c):
    st, code = current_state(s, c)
    d = {"Id": cid(s, c), "Names": ["/" + name(s, c)],
         "Image": "standin/fake:1", "ImageID": "sha256:" + "0" * 64,
         "Command": "sleep 1d", "Created": T0, "State": st, "Status": status_text(st, code),
         "Ports": [], "Labels": {"standin": "yes"}, "HostConfig": {"NetworkMode": "default"},
         "NetworkSettings": {"Networks": {}}, "Mounts": []}
    if VARIED:
        d.update(varied_fields(c))
    return d


def list_order():
    """The containers' numbers in the order the list gives them."""
    step = 7919 if VARIED and NCTR % 7919 else 1
    return [c * step % NCTR for c in range(NCTR)]


def document(s, c):
    d = summary(s, c)
    run = d["State"] == "running"
    return {"Id": d["Id"], "Name": d["Names"][0], "Created": "2026-01-01T00:00:00Z",
            "Path": "sleep", "Args": ["1d"], "Image": d["ImageID"],
            "State": {"Status": d["State"], "Running": run, "Paused": False, "Restarting": False,
                      "Dead": False, "Pid": 4242 if run else 0, "ExitCode": current_state(s, c)[1],
                      "StartedAt": "2026-01-01T00:00:00Z", "FinishedAt": "0001-01-01T00:00:00Z"},
            "Config": {"Image": d["Image"], "Labels": d["Labels"], "Cmd": ["sleep", "1d"],
                       "Env": [], "Tty": False, "ExposedPorts": {}},
            "HostConfig": {"NetworkMode": "default", "PortBindings": {}},
            "NetworkSettings": {"Networks": {}, "Ports": {}}, "Mounts": []}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Api-Version", "1.41")
        self.send_header("Server", "Docker/20.10.24 (linux) STAND-IN")
        self.send_header("Content-Length", str(len(data)))
        log("answered", self.server.standin, self.path)
        self.end_headers()
        self.wfile.write(data)

    def do_HEAD(self):
        # Headers only: a body after a HEAD reply would be read as the start
        # of the next reply on the kept-alive connection ("HTTP/0.9").
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Api-Version", "1.41")
        self.send_header("Content-Length", "2")
        self.end_headers()

    def do_GET(self):
        s = self.server.standin
        log("asked", s, self.path)
        path = self.path.split("?")[0]
        if path.startswith("/v1."):
            path = path[path.index("/", 1):]
        if path == "/_ping":
            return self.send(200, b"OK", "text/plain")
        if path == "/version":
            return self.send(200, {"Version": "20.10.24-standin", "ApiVersion": "1.41",
                                   "MinAPIVersion": "1.12", "Os": "linux", "Arch": "amd64"})
        if path == "/containers/json":
            # Like Docker: the running ones only, unless all=1 (or true).
            every = parse_qs(self.path.partition("?")[2]).get("all", ["0"])[0] in ("1", "true")
            with lock:
                return self.send(200, [summary(s, c) for c in list_order()
                                       if every or current_state(s, c)[0] == "running"])
        if path.startswith("/containers/") and path.endswith("/json"):
            ref = path[len("/containers/"):-len("/json")]
            for c in range(NCTR):
                if cid(s, c).startswith(ref) or ref == name(s, c):
                    with lock:
                        return self.send(200, document(s, c))
            return self.send(404, {"message": "No such container: " + ref})
        if path == "/events":
            return self.events(s)
        return self.send(404, {"message": "page not found (stand-in)"})

    def client_gone(self, seconds):
        """Whether the client closes the connection within seconds."""
        readable = select.select([self.connection], [], [], seconds)[0]
        return bool(readable) and not self.connection.recv(1, socket.MSG_PEEK)

    def events(self, s):
        if EVENTS_DELAY and self.client_gone(EVENTS_DELAY):
            return log("gone", s, self.path)
        log("answered", s, self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Api-Version", "1.41")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.flush()
        q, cond = [], threading.Condition()
        with lock:
            listeners.setdefault(s, []).append((q, cond))
        try:
            while True:
                with cond:
                    cond.wait_for(lambda: q, timeout=30)
                    items, q[:] = list(q), []
                for ev in items:
                    line = (json.dumps(ev) + "\n").encode()
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(line), line))
                self.wfile.flush()
        except OSError:
            pass
        finally:
            with lock:
                listeners[s].remove((q, cond))


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 1024   # a dashboard connects to hundreds at once


# Hundreds of stand-ins hold a listening socket each and a connection per
# client stream: raise the soft limit on open files to the hard one.
resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)


def control():
    path = os.path.join(DIR, "control.fifo")
    os.mkfifo(path)
    while True:
        with open(path) as f:
            for line in f:
                s, c, st = line.split()
                s, c = int(s), int(c)
                with lock:
                    state[(s, c)] = st
                    subs = list(listeners.get(s, []))
                ev = {"Type": "container", "Action": "die" if st == "exited" else "start",
                      "status": "die" if st == "exited" else "start", "id": cid(s, c),
                      "Actor": {"ID": cid(s, c), "Attributes": {"name": name(s, c)}},
                      "time": int(time.time()), "timeNano": time.time_ns()}
                for q, cond in subs:
                    with cond:
                        q.append(ev)
                        cond.notify()


log("start")    # before the first stand-in can answer
stallers = []
for s in range(COUNT):
    path = os.path.join(DIR, "s%02d.sock" % s)
    if s >= COUNT - NSTALL:
        sk = socket.socket(socket.AF_UNIX)
        sk.bind(path)
        sk.listen(1024)      # connections queue and are never answered
        stallers.append(sk)
        continue
    srv = Server(path, Handler)
    srv.standin = s
    # Nothing shuts a stand-in down, so its loop need not wake to check (the
    # default, twice a second, is a thousand wake-ups a second for 500).
    threading.Thread(target=srv.serve_forever, args=(3600,), daemon=True).start()
threading.Thread(target=control, daemon=True).start()
open(os.path.join(DIR, "ready"), "w").close()
while True:
    time.sleep(3600)
