#!/usr/bin/python3
"""zunsim: a CHI@Edge test site on 127.0.0.1 (Zun 1.1-1.41, Neutron, Blazar).

Behaves as /work/shared/docs/zun-api.md describes the Chameleon Zun fork with its
Kubernetes driver, doing the container work on the real Docker engine (containers
named t-zun-<uuid>). Every token is validated against a real Keystone, as
keystonemiddleware does, with a short cache. Standard library only.

Routes: /v1/... (Zun), /network/v2.0/... (Neutron), /reservation/v1/... (Blazar),
/_sim/... (test control: faults, request log, leases, quota, policies; no auth).

Edge behaviour, as the fork's K8s driver shows it through Zun: a container runs only on
a device of an ACTIVE lease's reservation (otherwise its pod is Unschedulable: Error);
a device reserved by machine name runs that machine's architecture, so an image built
for another fails with "exec format error" in its logs and, after its restarts, Error
(ContainersNotReady); an image the device cannot pull leaves the pod Pending, which Zun
shows as Creating for ever. Blazar's lease update checks what Blazar's manager checks
and the site's usage enforcement (max_lease_duration, an external policy's refusal).
Floating IPs are loopback addresses (127.0.2.N) on which nothing listens: a probe of
one (port-open, the stage view) stays on this machine and is refused.
"""
import argparse
import base64
import datetime
import hashlib
import http.server
import json
import os
import re
import shlex
import signal
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid as uuidlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from docker import Docker, DockerError  # noqa: E402

MIN_VER = (1, 1)
MAX_VER = (1, 41)
# Keystone (one uwsgi worker) can take seconds a token on a loaded machine: wait for it.
KEYSTONE_TIMEOUT_S = 45
CREATE_DELAY = float(os.environ.get("ZUNSIM_CREATE_DELAY", "1.0"))
START_DELAY = float(os.environ.get("ZUNSIM_START_DELAY", "0.7"))
EXEC_TIMEOUT = float(os.environ.get("ZUNSIM_EXEC_TIMEOUT", "5"))
MAX_LIMIT = int(os.environ.get("ZUNSIM_MAX_LIMIT", "1000"))
PUBLIC_NET = "3b8a1c4e-1d2f-4c3b-9a8e-5f6d7e8f9a0b"
PRIVATE_NET = "a5c0e8d2-7b6f-4e1a-8c9d-0f1e2d3c4b5a"

VALID_STATES = {
    "delete": ["Created", "Error", "Stopped", "Deleted", "Dead"],
    "delete_after_stop": ["Running", "Created", "Error", "Stopped", "Deleted", "Dead"],
    "start": ["Created", "Stopped", "Error"],
    "stop": ["Running"],
    "kill": ["Running"],
    "execute": ["Running"],
    "logs": ["Created", "Error", "Paused", "Running", "Stopped", "Unknown"],
    "get_archive": ["Created", "Paused", "Running", "Stopped"],
    "put_archive": ["Created", "Paused", "Running", "Stopped"],
    "commit": ["Running", "Stopped", "Paused"],
}
CREATE_KEYS = {"name", "image", "command", "cpu", "memory", "workdir", "labels", "environment",
               "restart_policy", "interactive", "tty", "image_driver", "security_groups", "hints",
               "mounts", "nets", "runtime", "hostname", "disk", "availability_zone", "auto_heal",
               "privileged", "healthcheck", "exposed_ports", "registry", "host", "entrypoint",
               "device_profiles"}
# The machine names CHI@Edge reserves by, and their architecture; a device reservation
# without a machine name gets the simulator's own (the Docker engine's) architecture.
DEVICE_ARCH = {"raspberrypi4-64": "arm64", "raspberrypi5": "arm64", "jetson-nano": "arm64",
               "jetson-xavier-nx": "arm64", "jetson-orin-nano": "arm64", "nvidia-jetson": "arm64"}
BOOLS = {"true": True, "True": True, "1": True, "yes": True, "on": True, "t": True, "y": True,
         "false": False, "False": False, "0": False, "no": False, "off": False, "f": False, "n": False}


class ApiError(Exception):
    def __init__(self, status, title, code="container.invalid", detail=None, headers=None):
        super().__init__(title)
        self.status, self.title, self.code = status, title, code
        self.detail = detail if detail is not None else title
        self.headers = headers or {}


class NeutronError(Exception):
    def __init__(self, status, kind, message):
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def server_error():
    return ApiError(500, "Internal Server Error", "container.",
                    "Your request could not be handled because of a problem in the server. "
                    f"Error Correlation id is: {uuidlib.uuid4()}")


def now_iso():
    return datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%S.%f")


class Keystone:
    """Validates user tokens as keystonemiddleware does, with a service token."""

    def __init__(self, url, user, password, cache_s=5.0):
        self.url = url.rstrip("/")
        self.user, self.password = user, password
        self.cache_s = cache_s
        self.lock = threading.Lock()
        self.cache = {}
        self.service_token = None
        self.service_expires = 0.0

    def _post_service(self):
        body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
            "name": self.user, "domain": {"id": "default"}, "password": self.password}}},
            "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}
        rq = urllib.request.Request(self.url + "/auth/tokens", data=json.dumps(body).encode(),
                                    headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(rq, timeout=KEYSTONE_TIMEOUT_S) as r:
            doc = json.loads(r.read())
            self.service_token = r.headers["X-Subject-Token"]
            self.service_expires = parse_time(doc["token"]["expires_at"]) - 10

    def validate(self, token):
        """The token's data (project, user, roles, expires) or None when invalid."""
        key = hashlib.sha256(token.encode()).hexdigest()
        now = time.time()
        with self.lock:
            hit = self.cache.get(key)
            if hit and hit[0] > now:
                return hit[1]
            if not self.service_token or self.service_expires < now:
                self._post_service()
            rq = urllib.request.Request(self.url + "/auth/tokens", headers={
                "X-Auth-Token": self.service_token, "X-Subject-Token": token})
            try:
                with urllib.request.urlopen(rq, timeout=KEYSTONE_TIMEOUT_S) as r:
                    doc = json.loads(r.read())["token"]
            except urllib.error.HTTPError as e:
                if e.code in (401, 404):
                    self.cache[key] = (now + self.cache_s, None)
                    return None
                raise
            expires = parse_time(doc["expires_at"])
            info = {"project_id": doc.get("project", {}).get("id"),
                    "user_id": doc["user"]["id"],
                    "roles": [r["name"] for r in doc.get("roles", [])],
                    "expires": expires, "hash": key[:12]}
            self.cache[key] = (min(now + self.cache_s, expires), info)
            return info


def parse_time(s):
    s = s.rstrip("Z")
    fmt = "%Y-%m-%dT%H:%M:%S.%f" if "." in s else "%Y-%m-%dT%H:%M:%S"
    return datetime.datetime.strptime(s, fmt).replace(tzinfo=datetime.timezone.utc).timestamp()


class Site:
    """All the simulator's state, behind one lock."""

    def __init__(self, keystone, docker, sim_id):
        self.ks = keystone
        self.docker = docker
        self.sim_id = sim_id
        self.lock = threading.RLock()
        self.containers = {}      # uuid -> record
        self.ports = {}           # port id -> port
        self.fips = {}            # fip id -> fip
        self.faults = []
        self.log = []
        self.fip_seq = 10
        self.seq = 0
        self.leases = []
        # Blazar's [enforcement] max_lease_duration (-1: none) and an external
        # policy service's refusal message (None: it allows everything).
        self.blazar_policy = {"max_lease_duration": -1, "refuse": None}
        self.quota = {"containers": -1}       # Zun's per-project quota (-1: unlimited)
        self.runtime_for_users = False        # policy.yaml: container:create:runtime

    # ---------------------------------------------------------------- faults

    def take_fault(self, method, path, token):
        with self.lock:
            for f in self.faults:
                if f["count"] <= 0:
                    continue
                if f.get("method") and f["method"] != method:
                    continue
                if f.get("match") and f["match"] not in path:
                    continue
                if f["kind"] == "revoked" and f.setdefault("token", token) != token:
                    continue
                f["count"] -= 1
                return dict(f)
        return None

    # ---------------------------------------------------------------- containers

    def find(self, project, ident):
        with self.lock:
            c = self.containers.get(ident)
            if c and c["project_id"] == project:
                return c
            same = [c for c in self.containers.values()
                    if c["project_id"] == project and c["name"] == ident]
        if len(same) > 1:
            raise ApiError(409, "Multiple containers exist with same name. "
                           "Please use the container uuid instead.", "container.conflict")
        if not same:
            raise ApiError(404, f"Container {ident} could not be found.",
                           "container.container-not-found")
        return same[0]

    def check_state(self, c, action):
        self.sync(c)
        if c["status"] not in VALID_STATES[action]:
            verb = "delete" if action.startswith("delete") else action
            raise ApiError(409, f"Cannot {verb} container {c['uuid']} in {c['status']} state",
                           "container.invalid-state-exception")

    def sync(self, c):
        """The K8s driver's _sync_container: status from the pod (the Docker container)."""
        with self.lock:
            if c["status"] != "Running" or not c["docker_id"] or c["busy"]:
                return
        info = self.docker.inspect(c["docker_id"])
        with self.lock:
            if c["status"] != "Running" or c["busy"]:
                return
            if not info:
                c["status"], c["pod"] = "Stopped", False
            elif not info["State"]["Running"]:
                code = info["State"]["ExitCode"]
                if code == 0:
                    c["status"], c["status_reason"] = "Stopped", "Completed"
                else:
                    c["status"], c["status_reason"] = "Error", "Error"
                c["status_detail"] = f"Exited({code})"

    def view(self, c, host, admin=False):
        with self.lock:
            out = {
                "uuid": c["uuid"],
                "links": [{"href": f"{host}/v1/containers/{c['uuid']}", "rel": "self"},
                          {"href": f"{host}/containers/{c['uuid']}", "rel": "bookmark"}],
                "user_id": c["user_id"], "project_id": c["project_id"], "name": c["name"],
                "image": c["image"], "command": c["command"], "status": c["status"],
                "status_reason": c["status_reason"], "status_detail": c["status_detail"],
                "task_state": c["task_state"], "cpu": c["cpu"], "memory": c["memory"],
                "environment": c["environment"], "workdir": c["workdir"],
                "ports": c["ports"], "hostname": c["hostname"], "labels": c["labels"],
                "addresses": c["addresses"], "restart_policy": c["restart_policy"],
                "interactive": True, "tty": True, "image_driver": "docker",
                "security_groups": ["default"], "auto_remove": True, "disk": 0,
                "auto_heal": False, "healthcheck": {}, "cpu_policy": "shared",
                "registry_id": None, "entrypoint": c["entrypoint"],
            }
            if admin:
                out.update({"host": "edge-node-01", "image_pull_policy": None,
                            "privileged": False, "runtime": c["runtime"]})
            return out

    def create(self, who, body, host):
        uid = str(uuidlib.uuid4())
        ports = [int(k.split("/")[0]) for k in (body.get("exposed_ports") or {})]
        name = body.get("name") or ("zun-sandbox-" + uid[:8])
        cmd = body.get("command")
        if isinstance(cmd, str):
            cmd = shlex.split(cmd)
        c = {"uuid": uid, "name": name, "image": body["image"], "command": cmd or [],
             "entrypoint": body.get("entrypoint"), "project_id": who["project_id"],
             "user_id": who["user_id"], "status": "Creating", "status_reason": None,
             "status_detail": None, "task_state": "container_creating",
             "cpu": float(body.get("cpu") or 1.0),
             "memory": str(body["memory"]) if body.get("memory") else None,
             "environment": body.get("environment") or {}, "workdir": body.get("workdir"),
             "ports": ports, "hostname": body.get("hostname"), "labels": body.get("labels") or {},
             "addresses": {}, "restart_policy": body.get("restart_policy"),
             "runtime": body.get("runtime"),
             "device_profiles": body.get("device_profiles") or [],
             "reservation": (body.get("hints") or {}).get("reservation"),
             "exec_format_error": None,
             "docker_id": None, "pod": False, "busy": True, "port_id": None}
        with self.lock:
            self.seq += 1
            c["seq"] = self.seq
            self.containers[uid] = c
        threading.Thread(target=self._bring_up, args=(c, True), daemon=True).start()
        return c

    def check_quota(self, project):
        """Zun's _check_container_quotas: OverQuota (403) past the project's limit."""
        with self.lock:
            limit = self.quota["containers"]
            used = sum(1 for c in self.containers.values() if c["project_id"] == project)
        if 0 <= limit <= used:
            raise ApiError(403, "Quota exceeded for resources: ['containers']",
                           "container.over-quota")

    def _set(self, c, **kw):
        with self.lock:
            c.update(kw)

    def _bring_up(self, c, fresh):
        """Creating -> Created (starting) -> Running, or Error, as the K8s driver does."""
        try:
            time.sleep(CREATE_DELAY if fresh else 0.2)
            if not c["reservation"]:
                self._set(c, status="Error", task_state=None, busy=False,
                          status_reason=f"container {c['uuid']} has no reservaton ID set.")
                return
            device = self.device_of(c["project_id"], c["reservation"])
            if device is None:      # no node carries the reservation's label
                self._set(c, status="Error", task_state=None, busy=False,
                          status_reason="0/4 nodes are available: 4 node(s) didn't match "
                                        "Pod's node affinity/selector.",
                          status_detail="Unschedulable")
                return
            arch = self.docker.image_arch(c["image"])
            if arch is None:        # ErrImagePull: the pod stays Pending
                self._set(c, status="Creating", task_state=None, busy=False)
                return
            if device and device != arch:
                return self._crash_loop(c)
            if not c["docker_id"]:
                did = self.docker.create(
                    "t-zun-" + c["uuid"], c["image"], c["command"], c["environment"],
                    {"zunsim": self.sim_id, "zun.uuid": c["uuid"]},
                    entrypoint=c["entrypoint"], workdir=c["workdir"])
                self._set(c, docker_id=did)
            self._set(c, status="Created", task_state="container_starting")
            self.docker.start(c["docker_id"])
            self._set(c, pod=True)
            info = self.docker.inspect(c["docker_id"])
            self._attach_port(c, info)
            time.sleep(START_DELAY)
            self._set(c, status="Running", task_state=None, status_reason=None,
                      status_detail=None, busy=False)
        except Exception as e:  # the compute manager's _fail_container
            self._set(c, status="Error", task_state=None, busy=False, status_reason=str(e))

    def device_of(self, project, reservation):
        """The architecture of the device an ACTIVE lease reserved ("" for any device),
        or None when no active lease of the project holds the reservation."""
        with self.lock:
            for lease in self.leases:
                if lease.get("project_id") != project or lease.get("status") != "ACTIVE":
                    continue
                for r in lease.get("reservations") or []:
                    if r.get("id") == reservation:
                        return DEVICE_ARCH.get(machine_name(r.get("resource_properties")), "")
        return None

    def _crash_loop(self, c):
        """A binary for another architecture: every start fails at exec; after the
        K8s driver's two restarts the Ready condition fails the container."""
        entry = (c["entrypoint"] or c["command"] or ["/bin/sh"])[0]
        self._set(c, status="Created", task_state="container_starting",
                  exec_format_error=f"exec {entry}: exec format error\n")
        time.sleep(START_DELAY)
        self._set(c, status="Error", task_state=None, busy=False,
                  status_reason=f"containers with unready status: [{c['name']}]",
                  status_detail="ContainersNotReady")

    def _attach_port(self, c, info):
        ip = (info or {}).get("NetworkSettings", {}).get("IPAddress") or None
        with self.lock:
            if not c["port_id"]:
                pid = str(uuidlib.uuid4())
                self.ports[pid] = {
                    "id": pid, "name": "", "network_id": PRIVATE_NET, "device_id": c["uuid"],
                    "device_owner": "k8s:cni", "project_id": c["project_id"],
                    "tenant_id": c["project_id"], "status": "ACTIVE",
                    "admin_state_up": True, "mac_address": "fa:16:3e:00:00:%02x" % (len(self.ports) % 256),
                    "fixed_ips": [{"subnet_id": "f0e1d2c3-b4a5-4968-8776-655443322110", "ip_address": ip}]}
                c["port_id"] = pid
            else:
                self.ports[c["port_id"]]["fixed_ips"][0]["ip_address"] = ip
            c["addresses"] = {PRIVATE_NET: [{"addr": ip, "version": 4, "port": c["port_id"]}]} if ip else {}

    def start(self, c):
        self._set(c, status="Created", task_state="container_starting", busy=True)
        threading.Thread(target=self._bring_up, args=(c, False), daemon=True).start()

    def stop(self, c, timeout):
        self._set(c, task_state="container_stopping", busy=True)

        def run():
            try:
                self.docker.stop(c["docker_id"], min(timeout, 3))
            finally:
                self._set(c, status="Stopped", task_state=None, pod=False, busy=False,
                          status_reason=None, status_detail=None, addresses={})

        threading.Thread(target=run, daemon=True).start()

    def delete(self, c):
        self._set(c, status="Deleting", task_state="container_deleting", busy=True)

        def run():
            try:
                if c["docker_id"]:
                    self.docker.remove(c["docker_id"])
            finally:
                with self.lock:
                    self._drop_port(c)
                    self.containers.pop(c["uuid"], None)

        threading.Thread(target=run, daemon=True).start()

    def _drop_port(self, c):
        if c["port_id"]:
            for f in self.fips.values():
                if f["port_id"] == c["port_id"]:
                    f.update(port_id=None, fixed_ip_address=None, status="DOWN")
            self.ports.pop(c["port_id"], None)

    def cleanup(self):
        with self.lock:
            ids = [c["docker_id"] for c in self.containers.values() if c["docker_id"]]
        for did in ids:
            try:
                self.docker.remove(did)
            except Exception:
                pass


def machine_name(props):
    """The machine name a device reservation's resource_properties asks for, or None."""
    try:
        q = json.loads(props) if isinstance(props, str) else props
    except ValueError:
        return None
    if not isinstance(q, list) or not q:
        return None
    if q[0] == "and":
        for sub in q[1:]:
            name = machine_name(sub)
            if name:
                return name
        return None
    return q[2] if len(q) == 3 and q[0] == "==" and q[1] == "$machine_name" else None


def parse_version(header):
    """The negotiated microversion, or ApiError 406."""
    if not header:
        return MIN_VER
    parts = header.split()
    if len(parts) != 2 or parts[0] != "container":
        return MIN_VER
    if parts[1] == "latest":
        return MAX_VER
    m = re.fullmatch(r"([1-9][0-9]*)\.(0|[1-9][0-9]*)", parts[1])
    if not m:
        raise ApiError(406, "Not Acceptable", "", f"Invalid API version format: {parts[1]}")
    v = (int(m.group(1)), int(m.group(2)))
    if v < MIN_VER or v > MAX_VER:
        raise ApiError(406, "Not Acceptable", "",
                       f"Version {parts[1]} was requested but the minor version is not supported "
                       f"by this service. The supported version range is: [1.1, 1.41].")
    return v


def boolean(name, value, strict=False):
    allowed = ("True", "true", "False", "false") if strict else BOOLS
    if value not in allowed:
        raise ApiError(400, f"Invalid input for query parameters {name}. Value: '{value}'. "
                       f"'{value}' is not one of {list(allowed) if strict else 'the booleans'}",
                       "container.invalid")
    return BOOLS[value]


def check_params(q, allowed):
    extra = sorted(set(q) - set(allowed))
    if extra:
        raise ApiError(400, "Unknown parameters: " + ", ".join(extra), "container.invalid")


def schema_error(msg):
    return ApiError(400, msg, "container.schema-validation-error")


def validate_create(body, ver, admin, runtime_for_users=False):
    if not isinstance(body, dict):
        raise schema_error("Invalid input: the request body must be an object.")
    for k in body:
        if k not in CREATE_KEYS or (k == "exposed_ports" and ver < (1, 24)) or \
                (k == "device_profiles" and ver < (1, 41)):
            raise schema_error(f"Additional properties are not allowed ('{k}' was unexpected)")
    if not isinstance(body.get("image"), str) or not body["image"]:
        raise schema_error("'image' is a required property")
    name = body.get("name")
    if name is not None and (not isinstance(name, str) or len(name) < 2 or len(name) > 255 or
                             not re.fullmatch(r"[a-zA-Z0-9][a-zA-Z0-9_.-]+", name)):
        raise schema_error(f"Invalid input for field 'name'. The value is '{name}'.")
    cmd = body.get("command")
    if ver >= (1, 20):
        if cmd is not None and (not isinstance(cmd, list) or not all(isinstance(a, str) for a in cmd)):
            raise schema_error(f"Invalid input for field 'command'. The value is '{cmd}'.")
    elif cmd is not None and not isinstance(cmd, str):
        raise schema_error(f"Invalid input for field 'command'. The value is '{cmd}'.")
    env = body.get("environment")
    if env is not None and (not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values())):
        raise schema_error(f"Invalid input for field 'environment'. The value is '{env}'.")
    ep = body.get("exposed_ports")
    if ep is not None:
        if body.get("security_groups"):
            raise ApiError(400, "Cannot specify exposed_ports and security_groups at the same time",
                           "container.invalid-value")
        for key in ep:
            if not re.fullmatch(r"[0-9]+(/(tcp|udp))?", key) or not 0 < int(key.split("/")[0]) < 65536:
                raise ApiError(400, f"Invalid input for exposed port {key}",
                               "container.invalid-value")
    dp = body.get("device_profiles")
    if dp is not None and not isinstance(dp, list):
        raise schema_error(f"Invalid input for field 'device_profiles'. The value is '{dp}'.")
    for key, rule in (("runtime", "container:create:runtime"), ("host", "container:create:requested_destination")):
        if key == "runtime" and runtime_for_users:
            continue
        if body.get(key) is not None and not admin:
            raise ApiError(403, f"Policy doesn't allow {rule} to be performed.",
                           "container.policy-not-authorized")


class Handler(http.server.BaseHTTPRequestHandler):
    # The fault "exec-timeout": this request's execute runs its command past the
    # site's wait (EXEC_TIMEOUT), for real, so the site answers as it does then.
    exec_outlives_wait = False      # set for each request by dispatch
    protocol_version = "HTTP/1.1"
    server_version = "zunsim/1.0"
    site = None

    def log_message(self, fmt, *args):
        pass

    # ---------------------------------------------------------------- plumbing

    def host_url(self):
        return "http://" + self.headers.get("Host", f"127.0.0.1:{self.server.server_port}")

    def send(self, status, body=None, ctype="application/json", extra=None, raw=None):
        data = raw if raw is not None else (b"" if body is None and status == 204
                                            else json.dumps(body).encode())
        self.send_response(status)
        if status != 204 and ctype:
            self.send_header("Content-Type", ctype)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def do_HEAD(self):
        self.dispatch()

    def dispatch(self):
        url = urllib.parse.urlsplit(self.path)
        path = url.path
        body = self.read_body()
        site = self.site
        if path.startswith("/_sim/"):
            return self.control(path, body)
        with site.lock:
            site.log.append({"method": self.command, "path": self.path,
                             "version": self.headers.get("OpenStack-API-Version"),
                             "content_type": self.headers.get("Content-Type"),
                             "user_agent": self.headers.get("User-Agent"),
                             "token": hashlib.sha256(self.headers["X-Auth-Token"].encode()).hexdigest()[:12]
                             if self.headers.get("X-Auth-Token") else None,
                             "t": time.time()})
            entry = site.log[-1]
        fault = site.take_fault(self.command, self.path, entry["token"])
        self.exec_outlives_wait = bool(fault) and fault["kind"] == "exec-timeout"
        if fault:
            kind = fault["kind"]
            if kind == "slow":
                time.sleep(float(fault.get("delay", 3)))
            elif kind == "hang":
                time.sleep(float(fault.get("delay", 60)))
                return
            elif kind == "500":
                if path.startswith("/v1"):
                    return self.zun_error(server_error())
                return self.send(500, {"NeutronError": {"type": "HTTPInternalServerError",
                                                        "message": "Request Failed: internal server error while processing your request.",
                                                        "detail": ""}})
            elif kind in ("401", "revoked"):
                return self.unauthorized()
        q = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        try:
            if path in ("/", "/v1", "/v1/"):
                return self.zun_root(path)
            who = self.authenticate()
            if who is None:
                return self.unauthorized()
            if path.startswith("/v1/"):
                self.zun(who, path[3:], q, body)
            elif path.startswith("/network/v2.0/"):
                self.neutron(who, path[len("/network/v2.0"):], q, body)
            elif path.startswith("/reservation/v1/"):
                self.blazar(who, path[len("/reservation/v1"):], body)
            else:
                self.send(404, {"error": {"code": 404, "title": "Not Found",
                                          "message": "The resource could not be found."}})
        except ApiError as e:
            self.zun_error(e)
        except NeutronError as e:
            self.send(e.status, {"NeutronError": {"type": e.kind, "message": e.message, "detail": ""}})
        except BrokenPipeError:
            pass

    def authenticate(self):
        token = self.headers.get("X-Auth-Token")
        if not token:
            return None
        try:
            return self.site.ks.validate(token)
        except OSError as e:  # keystonemiddleware's answer when Keystone does not
            raise ApiError(503, "Service Unavailable", detail=f"Keystone did not answer the token check: {e}")

    def unauthorized(self):
        self.send(401, {"error": {"code": 401, "title": "Unauthorized",
                                  "message": "The request you have made requires authentication."}},
                  extra={"WWW-Authenticate": f"Keystone uri=\"{self.site.ks.url}\""})

    def version_headers(self, ver):
        return {"OpenStack-API-Minimum-Version": "container 1.1",
                "OpenStack-API-Maximum-Version": "container 1.41",
                "OpenStack-API-Version": "container %d.%d" % ver,
                "Vary": "OpenStack-API-Version"}

    def zun_error(self, e):
        ver = getattr(self, "ver", MIN_VER)
        hdr = self.version_headers(ver)
        hdr.update(e.headers)
        self.send(e.status, {"errors": [{"request_id": "", "code": e.code, "status": e.status,
                                         "title": e.title, "detail": e.detail, "links": []}]},
                  extra=hdr)

    def zun_root(self, path):
        host = self.host_url()
        v1 = {"id": "v1", "links": [{"href": host + "/v1/", "rel": "self"}], "status": "CURRENT",
              "max_version": "1.41", "min_version": "1.1"}
        if path == "/":
            body = {"versions": [v1], "name": "OpenStack Zun API",
                    "description": "Zun is an OpenStack project which aims to provide container management.",
                    "default_version": v1}
        else:
            body = dict(v1, media_types=[{"base": "application/json",
                                          "type": "application/vnd.openstack.zun.v1+json"}],
                        containers=[{"href": host + "/v1/containers/", "rel": "self"}])
        self.ver = MIN_VER
        self.send(200, body, extra=self.version_headers(MAX_VER if path == "/" else MIN_VER))

    # ---------------------------------------------------------------- Zun

    def zun(self, who, path, q, body):
        self.ver = MIN_VER
        self.ver = parse_version(self.headers.get("OpenStack-API-Version"))
        site = self.site
        admin = "admin" in who["roles"]
        hdr = self.version_headers(self.ver)
        m = re.fullmatch(r"/containers/?", path)
        if m and self.command == "GET":
            return self.send(200, self.list_containers(who, q, admin), extra=hdr)
        if m and self.command == "POST":
            if not (self.headers.get("Content-Type") or "").startswith("application/json"):
                raise ApiError(415, "Invalid content type", "container.invalid",
                               "The server could not comply with the request because the content "
                               "type is not supported.")
            try:
                doc = json.loads(body or b"null")
            except ValueError:
                raise ApiError(400, "Malformed request body", "container.invalid")
            check_params(q, ["run"])
            validate_create(doc, self.ver, admin, site.runtime_for_users)
            site.check_quota(who["project_id"])
            c = site.create(who, doc, self.host_url())
            hdr["Location"] = f"{self.host_url()}/v1/containers/{c['uuid']}"
            return self.send(202, site.view(c, self.host_url(), admin), extra=hdr)
        m = re.fullmatch(r"/containers/([^/]+)(?:/([a-z_]+))?/?", path)
        if not m:
            raise ApiError(404, "The resource could not be found.", "container.not-found")
        c = site.find(who["project_id"], urllib.parse.unquote(m.group(1)))
        action = m.group(2)
        if action is None and self.command == "GET":
            site.sync(c)
            return self.send(200, site.view(c, self.host_url(), admin), extra=hdr)
        if action is None and self.command == "DELETE":
            check_params(q, ["force", "stop"])
            stop = boolean("stop", q["stop"]) if "stop" in q else False
            if "force" in q and boolean("force", q["force"]) and not admin:
                raise ApiError(403, "Policy doesn't allow container:delete_force to be performed.",
                               "container.policy-not-authorized")
            site.check_state(c, "delete_after_stop" if stop else "delete")
            site.delete(c)
            return self.send(204, extra=hdr)
        handler = {("POST", "start"): self.a_start, ("POST", "stop"): self.a_stop,
                   ("POST", "kill"): self.a_kill, ("POST", "execute"): self.a_execute,
                   ("GET", "logs"): self.a_logs, ("GET", "get_archive"): self.a_get_archive,
                   ("POST", "put_archive"): self.a_put_archive,
                   ("POST", "commit"): self.a_commit}.get((self.command, action))
        if not handler:
            raise ApiError(405, "The server could not comply with the request since it is either "
                           "malformed or otherwise incorrect.", "container.")
        status, out = handler(c, q, body)
        self.send(status, out, extra=hdr)

    def list_containers(self, who, q, admin):
        check_params(q, ["name", "image", "project_id", "user_id", "memory", "host", "task_state",
                         "status", "auto_remove", "limit", "marker", "sort_key", "sort_dir",
                         "all_projects"])
        site = self.site
        try:
            limit = min(int(q.get("limit", MAX_LIMIT)), MAX_LIMIT)
        except ValueError:
            raise ApiError(400, "Limit must be an integer", "container.invalid")
        with site.lock:
            rows = [c for c in site.containers.values() if c["project_id"] == who["project_id"]]
        for c in rows:
            site.sync(c)
        for key in ("name", "image", "status", "task_state", "user_id", "memory"):
            if key in q:
                rows = [c for c in rows if str(c.get(key)) == q[key]]
        rows.sort(key=lambda c: c["uuid"] if q.get("sort_key") == "uuid" else c["seq"],
                  reverse=q.get("sort_dir") == "desc")
        if "marker" in q:
            ids = [c["uuid"] for c in rows]
            if q["marker"] not in ids:
                raise ApiError(404, f"Container {q['marker']} could not be found.",
                               "container.container-not-found")
            rows = rows[ids.index(q["marker"]) + 1:]
        page = rows[:limit]
        nxt = None
        if page and len(page) == limit:
            args = {"limit": limit, "marker": page[-1]["uuid"]}
            nxt = f"{self.host_url()}/v1/containers?" + urllib.parse.urlencode(args)
        return {"containers": [site.view(c, self.host_url(), admin) for c in page], "next": nxt}

    def a_start(self, c, q, body):
        check_params(q, [])
        self.site.check_state(c, "start")
        self.site.start(c)
        return 202, None

    def a_stop(self, c, q, body):
        check_params(q, ["timeout"])
        t = q.get("timeout", "")
        if not re.fullmatch(r"[0-9]*", t):
            raise ApiError(400, f"Invalid input for query parameters timeout. Value: '{t}'. "
                           f"'{t}' does not match '^[0-9]*$'", "container.invalid")
        self.site.check_state(c, "stop")
        self.site.stop(c, int(t or 10))
        return 202, None

    def a_kill(self, c, q, body):
        check_params(q, ["signal"])
        sig = q.get("signal", "None")
        if not re.fullmatch(r"None|(SIG)?[A-Z0-9]+|[a-z0-9]+|[0-9]+", sig):
            raise ApiError(400, f"Bad signal: {sig}", "container.invalid")
        self.site.check_state(c, "kill")
        return 202, None    # the K8s driver raises NotImplementedError asynchronously

    def a_execute(self, c, q, body):
        check_params(q, ["command", "run", "interactive"])
        run = boolean("run", q["run"], strict=True) if "run" in q else True
        if "interactive" in q:
            boolean("interactive", q["interactive"], strict=True)
        cmd = q.get("command", "")
        if len(cmd) < 1:
            raise ApiError(400, "Invalid input for query parameters command. Value: ''. "
                           "'' is too short", "container.invalid")
        self.site.check_state(c, "execute")
        if not run:
            eid = uuidlib.uuid4().hex
            return 200, {"output": None, "exit_code": None, "exec_id": eid,
                         "proxy_url": f"ws://127.0.0.1:6784/?token={eid}"}
        try:
            argv = shlex.split(cmd)
        except ValueError:
            argv = []
        if not argv:
            return 200, {"output": "Malformed command, or binary not found in container",
                         "exit_code": -1, "exec_id": None, "proxy_url": None}
        if self.exec_outlives_wait:
            argv = ["sh", "-c", 'sleep "$0"; exec "$@"', str(EXEC_TIMEOUT + 5)] + argv
        try:
            out, code = self.site.docker.exec_run(c["docker_id"], argv, timeout=EXEC_TIMEOUT)
        except DockerError:
            raise server_error()
        text = out.decode("utf-8", errors="replace")
        if code in (126, 127) and ("executable file not found" in text or "no such file" in text
                                   or "OCI runtime exec failed" in text):
            return 200, {"output": "Malformed command, or binary not found in container",
                         "exit_code": -1, "exec_id": None, "proxy_url": None}
        return 200, {"output": text, "exit_code": code, "exec_id": None, "proxy_url": None}

    def a_logs(self, c, q, body):
        check_params(q, ["stdout", "stderr", "timestamps", "tail", "since"])
        for k in ("stdout", "stderr", "timestamps"):
            if k in q:
                boolean(k, q[k])
        tail = q.get("tail", "all")
        if tail != "all" and not re.fullmatch(r"[0-9]+", tail):
            raise ApiError(400, f"Invalid input for query parameters tail. Value: '{tail}'.",
                           "container.invalid")
        since = q.get("since")
        if since is not None and not re.fullmatch(r"[0-9]+", since):
            try:
                since = int(datetime.datetime.strptime(since, "%Y-%m-%d %H:%M:%S,%f")
                            .replace(tzinfo=datetime.timezone.utc).timestamp())
            except ValueError:
                raise ApiError(400, f"Invalid input for query parameters since. Value: '{since}'.",
                               "container.invalid")
        self.site.check_state(c, "logs")
        if c["exec_format_error"]:
            return 200, c["exec_format_error"] * 3      # one line per start
        if not c["pod"] or not c["docker_id"]:
            return 200, None
        ts = "timestamps" in q and BOOLS[q["timestamps"]]
        data = self.site.docker.logs(c["docker_id"], None if tail == "all" else int(tail),
                                     since, ts)
        return 200, data.decode("utf-8", errors="replace")

    def _need_pod(self, c):
        if not c["docker_id"]:
            raise ApiError(400, "Cannot operate an uncreated container.", "container.invalid")
        if not c["pod"]:
            raise server_error()

    def a_get_archive(self, c, q, body):
        check_params(q, ["path"])
        path = q.get("path")
        if not path:
            raise ApiError(400, "Invalid input for query parameters path.", "container.invalid")
        self.site.check_state(c, "get_archive")
        self._need_pod(c)
        # The K8s driver: a directory with -C <path> ., a file by basename in the workdir.
        script = ('if [ -d "$1" ]; then tar cf - -C "$1" .; '
                  'else tar cf - "$(basename "$1")"; fi')
        data, code = self.site.docker.exec_run(c["docker_id"], ["sh", "-c", script, "sh", path],
                                               want_stderr=False)
        if code is None or code < 0:
            raise server_error()
        encoded = base64.b64encode(data).decode() if self.ver >= (1, 25) else data.decode("latin-1")
        return 200, {"data": encoded, "stat": {"name": path.rstrip("/") + ".tar", "size": len(data)}}

    def a_put_archive(self, c, q, body):
        check_params(q, ["path"])
        path = q.get("path")
        if not path:
            raise ApiError(400, "Invalid input for query parameters path.", "container.invalid")
        try:
            doc = json.loads(body or b"{}")
            raw = doc["data"]
            data = base64.b64decode(raw, validate=True) if self.ver >= (1, 25) else raw.encode("latin-1")
        except (ValueError, KeyError, TypeError):
            raise ApiError(400, "Invalid input for archive data.", "container.invalid")
        self.site.check_state(c, "put_archive")
        self._need_pod(c)
        try:
            self.site.docker.put_archive(c["docker_id"], path, data)
        except DockerError:
            raise server_error()
        return 200, None

    def a_commit(self, c, q, body):
        check_params(q, ["repository", "tag"])
        if not q.get("repository"):
            raise ApiError(400, "Invalid input for query parameters repository.", "container.invalid")
        self.site.check_state(c, "commit")
        raise server_error()    # K8s driver: NotImplementedError, translated to a 500

    # ---------------------------------------------------------------- Neutron

    def neutron(self, who, path, q, body):
        site = self.site
        proj = who["project_id"]
        if path == "/networks" and self.command == "GET":
            nets = [{"id": PUBLIC_NET, "name": "public", "router:external": True, "status": "ACTIVE",
                     "shared": False, "subnets": [], "project_id": "admin", "tenant_id": "admin"},
                    {"id": PRIVATE_NET, "name": "containernet", "router:external": False,
                     "status": "ACTIVE", "shared": True, "subnets": [], "project_id": "admin",
                     "tenant_id": "admin"}]
            nets = [n for n in nets if all(str(n.get(k)) == v for k, v in q.items() if k in n)]
            return self.send(200, {"networks": nets})
        if path == "/ports" and self.command == "GET":
            with site.lock:
                ports = [dict(p) for p in site.ports.values() if p["project_id"] == proj]
            ports = [p for p in ports if all(str(p.get(k)) == v for k, v in q.items() if k in p)]
            return self.send(200, {"ports": ports})
        if path == "/floatingips" and self.command == "GET":
            with site.lock:
                fips = [dict(f) for f in site.fips.values() if f["project_id"] == proj]
            fips = [f for f in fips if all(str(f.get(k)) == v for k, v in q.items() if k in f)]
            return self.send(200, {"floatingips": fips})
        if path == "/floatingips" and self.command == "POST":
            try:
                spec = json.loads(body)["floatingip"]
            except (ValueError, KeyError, TypeError):
                raise NeutronError(400, "HTTPBadRequest", "Invalid input for operation.")
            if spec.get("floating_network_id") != PUBLIC_NET:
                raise NeutronError(404, "ExternalNetworkNotFound" if spec.get("floating_network_id") else "HTTPBadRequest",
                                   f"Network {spec.get('floating_network_id')} could not be found.")
            with site.lock:
                f = site.new_fip(proj)
                if spec.get("port_id"):
                    site.bind(f, spec["port_id"], proj)
                return self.send(201, {"floatingip": dict(f)})
        m = re.fullmatch(r"/floatingips/([^/]+)", path)
        if m:
            with site.lock:
                f = site.fips.get(m.group(1))
                if not f or f["project_id"] != proj:
                    raise NeutronError(404, "FloatingIPNotFound",
                                       f"Floating IP {m.group(1)} could not be found")
                if self.command == "GET":
                    return self.send(200, {"floatingip": dict(f)})
                if self.command == "DELETE":
                    del site.fips[f["id"]]
                    return self.send(204)
                if self.command == "PUT":
                    try:
                        spec = json.loads(body)["floatingip"]
                    except (ValueError, KeyError, TypeError):
                        raise NeutronError(400, "HTTPBadRequest", "Invalid input for operation.")
                    if spec.get("port_id") is None:
                        f.update(port_id=None, fixed_ip_address=None, status="DOWN")
                    else:
                        site.bind(f, spec["port_id"], proj)
                    return self.send(200, {"floatingip": dict(f)})
        raise NeutronError(404, "HTTPNotFound", "The resource could not be found.")

    # ---------------------------------------------------------------- Blazar

    def blazar_error(self, code, message):
        self.send(code, {"error_code": code, "error_message": message, "error_name": code})

    def blazar(self, who, path, body):
        with self.site.lock:
            leases = [l for l in self.site.leases if l["project_id"] == who["project_id"]]
        if path in ("/leases", "/leases/") and self.command == "GET":
            return self.send(200, {"leases": leases})
        m = re.fullmatch(r"/leases/([^/]+)", path)
        lease = next((l for l in leases if m and l["id"] == m.group(1)), None)
        if m and not lease and self.command in ("GET", "PUT"):
            return self.blazar_error(404, f"Object with {{'lease_id': '{m.group(1)}'}} not found")
        if m and self.command == "GET":
            return self.send(200, {"lease": lease})
        if m and self.command == "PUT":
            return self.blazar_update(lease, body)
        self.blazar_error(404, "Not Found")

    def blazar_update(self, lease, body):
        """Blazar's update_lease for a new end_date: the manager's date checks, then
        the usage enforcement filters (max_lease_duration, an external policy)."""
        try:
            values = json.loads(body or b"null")
        except ValueError:
            return self.blazar_error(400, "Malformed request body")
        date = values.get("end_date") if isinstance(values, dict) else None
        try:
            end = datetime.datetime.strptime(str(date), "%Y-%m-%d %H:%M")
        except ValueError:
            return self.blazar_error(400, f"{date} is an invalid date. Required format: %Y-%m-%d %H:%M")
        now = datetime.datetime.utcnow()
        start = datetime.datetime.strptime(lease["start_date"][:19], "%Y-%m-%dT%H:%M:%S")
        old_end = datetime.datetime.strptime(lease["end_date"][:19], "%Y-%m-%dT%H:%M:%S")
        policy = self.site.blazar_policy
        if old_end < now:
            return self.blazar_error(400, "Terminated leases can only be renamed")
        if end < now or end < start:
            return self.blazar_error(400, "End date must be later than current and start date")
        duration = int((end - start).total_seconds())
        if 0 <= policy["max_lease_duration"] < duration:
            return self.blazar_error(400, f"Lease duration of {duration} seconds must be less "
                                     "than or equal to the maximum lease duration of "
                                     f"{policy['max_lease_duration']} seconds.")
        if policy["refuse"]:
            return self.blazar_error(400, policy["refuse"])
        with self.site.lock:
            lease["end_date"] = end.strftime("%Y-%m-%dT%H:%M:%S.000000")
            lease["updated_at"] = now_iso()
        self.send(200, {"lease": lease})

    # ---------------------------------------------------------------- test control

    def control(self, path, body):
        site = self.site
        if path == "/_sim/fault" and self.command == "POST":
            f = json.loads(body)
            f.setdefault("count", 1)
            with site.lock:
                site.faults.append(f)
            return self.send(200, f)
        if path == "/_sim/requests":
            with site.lock:
                return self.send(200, list(site.log))
        if path == "/_sim/reset" and self.command == "POST":
            with site.lock:
                site.log.clear()
                site.faults.clear()
            return self.send(200, None)
        if path == "/_sim/containers":
            with site.lock:
                return self.send(200, [{"uuid": c["uuid"], "name": c["name"], "status": c["status"],
                                        "docker_id": c["docker_id"], "port_id": c["port_id"],
                                        "runtime": c["runtime"],
                                        "device_profiles": c["device_profiles"]}
                                       for c in site.containers.values()])
        if path == "/_sim/lease" and self.command == "POST":
            with site.lock:
                site.leases.append(json.loads(body))
            return self.send(200, None)
        if path == "/_sim/blazar-policy" and self.command == "POST":
            with site.lock:
                site.blazar_policy.update(json.loads(body))
            return self.send(200, site.blazar_policy)
        if path == "/_sim/quota" and self.command == "POST":
            with site.lock:
                site.quota.update(json.loads(body))
            return self.send(200, site.quota)
        if path == "/_sim/runtime-policy" and self.command == "POST":
            with site.lock:
                site.runtime_for_users = bool(json.loads(body)["users"])
            return self.send(200, None)
        if path == "/_sim/fip" and self.command == "POST":
            with site.lock:
                f = site.new_fip(json.loads(body)["project_id"])
            return self.send(200, f)
        self.send(404, None)


def new_fip(self, project):
    self.fip_seq += 1
    f = {"id": str(uuidlib.uuid4()), "floating_ip_address": f"127.0.2.{self.fip_seq}",
         "floating_network_id": PUBLIC_NET, "fixed_ip_address": None, "port_id": None,
         "router_id": None, "status": "DOWN", "project_id": project, "tenant_id": project,
         "description": "", "port_details": None, "tags": [],
         "created_at": now_iso()[:19] + "Z", "updated_at": now_iso()[:19] + "Z", "revision_number": 0}
    self.fips[f["id"]] = f
    return f


def bind(self, f, port_id, project):
    port = self.ports.get(port_id)
    if not port or port["project_id"] != project:
        raise NeutronError(404, "PortNotFound", f"Port {port_id} could not be found.")
    for other in self.fips.values():
        if other is not f and other["port_id"] == port_id:
            raise NeutronError(409, "FloatingIPPortAlreadyAssociated",
                               f"Cannot associate floating IP {f['floating_ip_address']} "
                               f"({f['id']}) with port {port_id} using fixed IP "
                               f"{port['fixed_ips'][0]['ip_address']}, as that fixed IP already "
                               f"has a floating IP on external network {PUBLIC_NET}.")
    f.update(port_id=port_id, fixed_ip_address=port["fixed_ips"][0]["ip_address"],
             router_id="9c1e3b5a-0d2f-4a6b-8c7d-1e2f3a4b5c6d", status="ACTIVE")
    f["revision_number"] += 1


Site.new_fip = new_fip
Site.bind = bind


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--keystone", required=True, help="Keystone v3 URL")
    ap.add_argument("--service-user", default="admin")
    ap.add_argument("--service-password-file", required=True)
    ap.add_argument("--docker", default="/var/run/docker.sock")
    ap.add_argument("--ready-file")
    args = ap.parse_args()
    with open(args.service_password_file) as f:
        password = f.read().strip()
    site = Site(Keystone(args.keystone, args.service_user, password), Docker(args.docker),
                f"zunsim-{os.getpid()}")
    Handler.site = site
    srv = Server(("127.0.0.1", args.port), Handler)

    def stop(signum, frame):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.ready_file:
        with open(args.ready_file, "w") as f:
            f.write(str(os.getpid()))
    try:
        srv.serve_forever()
    finally:
        site.cleanup()


if __name__ == "__main__":
    main()
