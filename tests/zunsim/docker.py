"""docker.py: the simulator's compute node, the real Docker engine over its unix socket.

Standard library only. Every call opens its own connection, so threads may call freely.
"""
import http.client
import json
import socket
import struct
import time
import urllib.parse


class DockerError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=60):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


class Docker:
    def __init__(self, sock="/var/run/docker.sock"):
        self.sock = sock

    def call(self, method, path, body=None, raw=None, ctype="application/json", timeout=60):
        """One request; returns (status, parsed JSON or bytes)."""
        conn = _UnixConnection(self.sock, timeout)
        try:
            headers = {}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            elif raw is not None:
                data = raw
                headers["Content-Type"] = ctype
            conn.request(method, path, body=data, headers=headers)
            resp = conn.getresponse()
            payload = resp.read()
            if resp.getheader("Content-Type", "").startswith("application/json") and payload:
                return resp.status, json.loads(payload)
            return resp.status, payload
        finally:
            conn.close()

    def check(self, method, path, body=None, raw=None, ok=(200, 201, 204, 304), **kw):
        status, out = self.call(method, path, body=body, raw=raw, **kw)
        if status not in ok:
            msg = out.get("message") if isinstance(out, dict) else out.decode(errors="replace")
            raise DockerError(status, msg)
        return out

    def create(self, name, image, cmd, env, labels, entrypoint=None, workdir=None):
        spec = {"Image": image, "Labels": labels, "Env": [f"{k}={v}" for k, v in env.items()],
                "HostConfig": {"Init": True}}
        if cmd:
            spec["Cmd"] = cmd
        if entrypoint:
            spec["Entrypoint"] = entrypoint
        if workdir:
            spec["WorkingDir"] = workdir
        out = self.check("POST", "/containers/create?name=" + urllib.parse.quote(name), body=spec)
        return out["Id"]

    def start(self, cid):
        self.check("POST", f"/containers/{cid}/start")

    def stop(self, cid, timeout=0):
        self.check("POST", f"/containers/{cid}/stop?t={int(timeout)}", timeout=timeout + 30)

    def remove(self, cid):
        self.check("DELETE", f"/containers/{cid}?force=1&v=1", ok=(204, 404))

    def image_arch(self, image):
        """The image's architecture ("amd64", "arm64"), or None when the engine lacks it."""
        status, out = self.call("GET", f"/images/{urllib.parse.quote(image, safe='/:')}/json")
        return out.get("Architecture") if status == 200 and isinstance(out, dict) else None

    def inspect(self, cid):
        status, out = self.call("GET", f"/containers/{cid}/json")
        return out if status == 200 else None

    def logs(self, cid, tail=None, since=None, timestamps=False):
        q = {"stdout": "1", "stderr": "1", "timestamps": "1" if timestamps else "0"}
        if tail is not None:
            q["tail"] = str(tail)
        if since is not None:
            q["since"] = str(since)
        raw = self.check("GET", f"/containers/{cid}/logs?" + urllib.parse.urlencode(q))
        return b"".join(chunk for _, chunk in demux(raw))

    def put_archive(self, cid, path, data):
        self.check("PUT", f"/containers/{cid}/archive?path=" + urllib.parse.quote(path),
                   raw=data, ctype="application/x-tar")

    def exec_run(self, cid, argv, timeout=None, want_stderr=True):
        """Run argv in the container; returns (output bytes, exit code or None).

        Output is stdout and stderr interleaved as they arrive (stdout only when
        want_stderr is false). With a timeout, a command still running when it ends
        gives the partial output and None, as Kubernetes' websocket reader does.
        """
        ex = self.check("POST", f"/containers/{cid}/exec",
                        body={"AttachStdout": True, "AttachStderr": True, "Cmd": argv, "Tty": False})
        eid = ex["Id"]
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(self.sock)
        body = json.dumps({"Detach": False, "Tty": False}).encode()
        s.sendall((f"POST /exec/{eid}/start HTTP/1.1\r\nHost: localhost\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                   f"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n").encode() + body)
        deadline = None if timeout is None else time.monotonic() + timeout
        buf = b""
        finished = False
        try:
            while b"\r\n\r\n" not in buf:
                chunk = _recv(s, deadline)
                if not chunk:
                    break
                buf += chunk
            head, _, buf = buf.partition(b"\r\n\r\n")
            out = bytearray()
            while True:
                while len(buf) >= 8:
                    kind, size = struct.unpack(">BxxxL", buf[:8])
                    if len(buf) < 8 + size:
                        break
                    if kind == 1 or (kind == 2 and want_stderr):
                        out += buf[8:8 + size]
                    buf = buf[8 + size:]
                chunk = _recv(s, deadline)
                if chunk is None:
                    break
                if not chunk:
                    finished = True
                    break
                buf += chunk
        finally:
            s.close()
        if not finished:
            return bytes(out), None
        for _ in range(50):
            info = self.check("GET", f"/exec/{eid}/json")
            if not info.get("Running"):
                return bytes(out), info.get("ExitCode")
            time.sleep(0.02)
        return bytes(out), None


def _recv(s, deadline):
    """Bytes from s, b'' at the end, None when the deadline passes first."""
    if deadline is not None:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        s.settimeout(left)
    try:
        return s.recv(65536)
    except socket.timeout:
        return None


def demux(raw):
    """Split Docker's multiplexed stream into (stream, bytes) frames."""
    i = 0
    while i + 8 <= len(raw):
        kind, size = struct.unpack(">BxxxL", raw[i:i + 8])
        yield kind, raw[i + 8:i + 8 + size]
        i += 8 + size
