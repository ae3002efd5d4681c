#!/usr/bin/python3
"""zunclient_check.py: drive the test site with Debian's python3-zunclient and keystoneauth1.

The simulator must look like CHI@Edge's Zun to a client nobody here wrote. Reads the
site's ZS_* variables from the environment; prints TAP. Run by zunclient.sh.
"""
import os
import sys
import time

from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3
from zunclient import client as zun_client
from zunclient import exceptions as zexc

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import done, ok  # noqa: E402


def main():
    env = os.environ
    auth = v3.ApplicationCredential(auth_url=env["ZS_KEYSTONE"],
                                    application_credential_id=env["ZS_APPCRED_ID"],
                                    application_credential_secret=env["ZS_APPCRED_SECRET"])
    sess = ks_session.Session(auth=auth)
    zun = zun_client.Client("1.41", session=sess, region_name="CHI@Edge", interface="public",
                            service_type="container")

    ok(zun.containers.list() == [], "list is empty on a fresh site")

    c = zun.containers.create(name="zc-one", image="berth-test/busybox:latest",
                              command=["sh", "-c", "echo hello; echo oops >&2; sleep 100000"],
                              hints={"reservation": env["ZS_RESERVATION"]},
                              exposed_ports={"8080/tcp": {}}, environment={"A": "b"})
    ok(c.status == "Creating" and c.uuid, "create answers Creating with a uuid", c._info)

    status = None
    for _ in range(60):
        status = zun.containers.get(c.uuid).status
        if status == "Running":
            break
        time.sleep(0.5)
    ok(status == "Running", "the container reaches Running", status)

    got = zun.containers.get("zc-one")
    ok(got.uuid == c.uuid and got.ports == [8080] and got.environment == {"A": "b"},
       "show by name returns the container with its ports and environment", got._info)
    addrs = [a for net in got.addresses.values() for a in net]
    ok(addrs and addrs[0].get("port") and addrs[0].get("addr"),
       "addresses carry the pod address and its Neutron port", got.addresses)
    ok("created_at" not in got._info and "hints" not in got._info and "host" not in got._info,
       "CHI@Edge leaves out created_at, hints and admin-only fields", sorted(got._info))

    ids = [x.uuid for x in zun.containers.list()]
    ok(ids == [c.uuid], "list shows it", ids)

    res = zun.containers.execute(c.uuid, command="sh -c 'echo \"a  b\"; exit 3'", run=True)
    ok(res["output"] == "a  b\n" and res["exit_code"] == 3 and "proxy_url" in res,
       "execute returns output, exit_code and proxy_url", res)

    res = zun.containers.execute(c.uuid, command="sleep 30", run=True)
    ok(res["output"] == "" and res["exit_code"] is None,
       "a command outliving the execute timeout gives a null exit code", res)

    res = zun.containers.execute(c.uuid, command="no-such-binary", run=True)
    ok(res["exit_code"] == -1 and "binary not found" in res["output"],
       "a missing binary is reported as the K8s driver does", res)

    logs = zun.containers.logs(c.uuid, stdout=True, stderr=True)
    ok(isinstance(logs, str) and "hello" in logs and "oops" in logs,
       "logs come back as one string with stdout and stderr", repr(logs))

    arc = zun.containers.get_archive(c.uuid, "/etc")
    ok(isinstance(arc["data"], bytes) and arc["stat"]["name"] == "/etc.tar",
       "get_archive returns base64 tar data and the K8s stat", arc.get("stat"))

    try:
        zun.containers.get("no-such-container")
        ok(False, "a missing container raises NotFound")
    except zexc.NotFound as e:
        ok("could not be found" in str(e), "a missing container raises NotFound", e)

    try:
        zun.containers.commit(c.uuid, "snap", "latest")
        ok(False, "commit fails on CHI@Edge")
    except zexc.InternalServerError as e:
        ok("Internal Server Error" in str(e), "commit fails with a 500 on CHI@Edge", e)

    zun.containers.stop(c.uuid, 1)
    for _ in range(40):
        status = zun.containers.get(c.uuid).status
        if status == "Stopped":
            break
        time.sleep(0.25)
    ok(status == "Stopped", "stop leads to Stopped", status)

    try:
        zun.containers.execute(c.uuid, command="true", run=True)
        ok(False, "execute on a stopped container is refused")
    except zexc.Conflict as e:
        ok("in Stopped state" in str(e), "execute on a stopped container is a 409", e)

    zun.containers.delete(c.uuid, stop=True)
    gone = False
    for _ in range(40):
        try:
            zun.containers.get(c.uuid)
        except zexc.NotFound:
            gone = True
            break
        time.sleep(0.25)
    ok(gone, "delete with stop=True removes it")

    bad = zun.containers.create(name="zc-two", image="berth-test/busybox:latest",
                                command=["sleep", "100000"])
    for _ in range(40):
        got = zun.containers.get(bad.uuid)
        if got.status != "Creating":
            break
        time.sleep(0.25)
    ok(got.status == "Error" and "reservaton ID" in (got.status_reason or ""),
       "a container without a reservation goes to Error", got._info)
    zun.containers.delete(bad.uuid, stop=True)

    return done()


if __name__ == "__main__":
    sys.exit(main())
