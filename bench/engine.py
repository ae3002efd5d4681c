"""engine.py: a small Docker Engine API client over a unix socket (standard library only).

The benchmark uses it to set up and tear down its own workload containers, so that the
setup does not depend on any of the programs being measured.
"""

import http.client
import json
import os
import socket
import subprocess
import tempfile
import threading
import time

API = "/v1.41"


class UnixHTTPConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a unix domain socket."""

    def __init__(self, path, timeout=120):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


class EngineError(Exception):
    pass


class Engine:
    """One Docker engine reached through its unix socket."""

    def __init__(self, sock="/var/run/docker.sock"):
        self.sock = sock

    def request(self, method, path, body=None, ok=(200, 201, 204, 304), timeout=120):
        conn = UnixHTTPConnection(self.sock, timeout=timeout)
        headers = {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, API + path, body=data, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        if resp.status not in ok:
            raise EngineError("%s %s: HTTP %d: %s" % (method, path, resp.status,
                                                     raw.decode(errors="replace").strip()))
        if raw and resp.getheader("Content-Type", "").startswith("application/json"):
            return json.loads(raw)
        return raw

    def ping(self):
        try:
            return self.request("GET", "/_ping", timeout=2) == b"OK"
        except (OSError, EngineError, http.client.HTTPException):
            return False

    def create(self, name, cmd, image="berth-test/busybox:latest", log_opts=None):
        body = {"Image": image, "Cmd": cmd, "HostConfig": {"NetworkMode": "none"}}
        if log_opts:
            body["HostConfig"]["LogConfig"] = {"Type": "json-file", "Config": log_opts}
        return self.request("POST", "/containers/create?name=" + name, body)["Id"]

    def start(self, ref):
        self.request("POST", "/containers/%s/start" % ref)

    def stop(self, ref, t=0):
        self.request("POST", "/containers/%s/stop?t=%d" % (ref, t))

    def wait(self, ref):
        return self.request("POST", "/containers/%s/wait" % ref, timeout=600)["StatusCode"]

    def remove(self, ref):
        self.request("DELETE", "/containers/%s?force=1&v=1" % ref, ok=(204, 404))

    def inspect(self, ref):
        return self.request("GET", "/containers/%s/json" % ref)

    def put_archive(self, ref, path, tar_path):
        """Upload the tar file at tar_path and unpack it at path in the container."""
        conn = UnixHTTPConnection(self.sock, timeout=600)
        try:
            with open(tar_path, "rb") as f:
                conn.request("PUT", API + "/containers/%s/archive?path=%s" % (ref, path), body=f,
                             headers={"Content-Type": "application/x-tar",
                                      "Content-Length": str(os.path.getsize(tar_path))})
            resp = conn.getresponse()
            raw = resp.read()
        finally:
            conn.close()
        if resp.status != 200:
            raise EngineError("PUT archive %s: HTTP %d: %s" % (path, resp.status, raw[:300]))

    def archive_members(self, ref, path, digest=True):
        """{relative path: (size, sha256 or None)} of the regular files under path in
        the container, read from the engine's tar stream."""
        import hashlib
        import tarfile
        conn = UnixHTTPConnection(self.sock, timeout=600)
        out = {}
        try:
            conn.request("GET", API + "/containers/%s/archive?path=%s" % (ref, path))
            resp = conn.getresponse()
            if resp.status != 200:
                raise EngineError("GET archive %s: HTTP %d" % (path, resp.status))
            with tarfile.open(fileobj=resp, mode="r|") as tar:
                for m in tar:
                    if not m.isfile():
                        continue
                    h = None
                    if digest:
                        h = hashlib.sha256()
                        f = tar.extractfile(m)
                        for chunk in iter(lambda: f.read(1 << 20), b""):
                            h.update(chunk)
                        h = h.hexdigest()
                    out[m.name] = (m.size, h)
        finally:
            conn.close()
        return out

    def names_with_prefix(self, prefix):
        """Ids of every container whose name starts with prefix (and only those)."""
        out = []
        for c in self.request("GET", "/containers/json?all=1"):
            for n in c.get("Names") or []:
                if n.lstrip("/").startswith(prefix):
                    out.append((c["Id"], n.lstrip("/")))
                    break
        return out

    def count(self, all_=True):
        return len(self.request("GET", "/containers/json?all=%d" % int(all_)))

    def version(self):
        return self.request("GET", "/version")


def parallel(fn, items, workers=6):
    """Run fn(item) over items on a few threads; re-raise the first error."""
    items = list(items)
    errors = []
    lock = threading.Lock()
    idx = [0]

    def run():
        while True:
            with lock:
                if errors or idx[0] >= len(items):
                    return
                item = items[idx[0]]
                idx[0] += 1
            try:
                fn(item)
            except Exception as e:  # noqa: BLE001 (reported to the caller)
                with lock:
                    errors.append(e)
                return

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


class PrivateDockerd:
    """A second dockerd of our own: its own data/exec roots, pidfile, socket, bridge and
    containerd, so that SIGSTOPping it never touches the shared engine."""

    BRIDGE = "bbench0"
    BRIDGE_CIDR = "172.31.254.1/24"

    def __init__(self, workdir):
        self.dir = tempfile.mkdtemp(prefix="dockerd-", dir=workdir)
        self.sock = os.path.join(self.dir, "docker.sock")
        self.pidfile = os.path.join(self.dir, "dockerd.pid")
        self.proc = None
        self.bridge_made = False

    def start(self):
        if subprocess.run(["ip", "link", "show", self.BRIDGE], capture_output=True).returncode:
            subprocess.run(["ip", "link", "add", "name", self.BRIDGE, "type", "bridge"], check=True)
            self.bridge_made = True
            subprocess.run(["ip", "addr", "add", self.BRIDGE_CIDR, "dev", self.BRIDGE], check=True)
            subprocess.run(["ip", "link", "set", self.BRIDGE, "up"], check=True)
        log = open(os.path.join(self.dir, "dockerd.log"), "w")
        self.proc = subprocess.Popen(
            ["dockerd", "-H", "unix://" + self.sock,
             "--data-root", os.path.join(self.dir, "data"),
             "--exec-root", os.path.join(self.dir, "exec"),
             "--pidfile", self.pidfile, "-b", self.BRIDGE,
             "--iptables=false", "--ip-masq=false", "--ip-forward=false",
             "--containerd-namespace", "berth-bench",
             "--containerd-plugins-namespace", "berth-bench-plugins"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        eng = Engine(self.sock)
        deadline = time.monotonic() + 60
        while not eng.ping():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise EngineError("the private dockerd did not start; see %s/dockerd.log" % self.dir)
            time.sleep(0.2)
        return eng

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, 18)  # SIGCONT, in case it is stopped
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.bridge_made:
            subprocess.run(["ip", "link", "del", self.BRIDGE], capture_output=True)
            self.bridge_made = False
        subprocess.run(["rm", "-rf", self.dir], capture_output=True)
