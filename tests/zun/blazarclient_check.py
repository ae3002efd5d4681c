#!/usr/bin/python3
"""blazarclient_check.py: drive the test site's Blazar with Debian's python3-blazarclient.

The simulator's reservation service must look like Blazar to a client nobody here
wrote: its lease listing and show, its lease update as `blazar lease-update
--prolong-for` and `--end-date` send it, and its refusals (the manager's date checks
and the usage enforcement's) as the client reports them. Reads the site's ZS_*
variables from the environment; prints TAP. Run by blazarclient.sh.
"""
import datetime
import json
import os
import sys
import urllib.request

from blazarclient import client as blazar_client
from blazarclient import exception as bexc
from keystoneauth1 import session as ks_session
from keystoneauth1.identity import v3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import done, ok  # noqa: E402


def sim(path, doc):
    rq = urllib.request.Request(os.environ["ZS_SIM"] + path, data=json.dumps(doc).encode(),
                                method="POST")
    urllib.request.urlopen(rq, timeout=10).read()


def refusal(blazar, lease_id, **kw):
    """The client's exception for an update the site refuses, or None."""
    try:
        blazar.lease.update(lease_id, **kw)
    except bexc.BlazarClientException as e:
        return e
    return None


def parse(date):
    return datetime.datetime.strptime(date[:19], "%Y-%m-%dT%H:%M:%S")


def main():
    env = os.environ
    auth = v3.ApplicationCredential(auth_url=env["ZS_KEYSTONE"],
                                    application_credential_id=env["ZS_APPCRED_ID"],
                                    application_credential_secret=env["ZS_APPCRED_SECRET"])
    sess = ks_session.Session(auth=auth)
    blazar = blazar_client.Client(1, session=sess, region_name="CHI@Edge", interface="public")

    leases = blazar.lease.list()
    names = sorted(l["name"] for l in leases)
    ok(names == ["edge-demo", "old-lease", "pi-demo"], "lease list shows the project's leases", names)
    pi = next(l for l in leases if l["name"] == "pi-demo")
    r = pi["reservations"][0]
    ok(r["resource_type"] == "device" and r["min"] == 1 and r["max"] == 1 and
       json.loads(r["resource_properties"]) == ["==", "$machine_name", "raspberrypi4-64"],
       "a device reservation carries its count and machine name as python-chi asks", r)

    got = blazar.lease.get(env["ZS_LEASE"])
    ok(got["name"] == "edge-demo" and got["reservations"][0]["id"] == env["ZS_RESERVATION"],
       "lease show by id", got)

    before = parse(got["end_date"])
    after = blazar.lease.update(env["ZS_LEASE"], prolong_for="1h")
    want = before.replace(second=0) + datetime.timedelta(hours=1)
    ok(parse(after["end_date"]) == want, "lease-update --prolong-for 1h moves the end by an hour",
       f"{got['end_date']} -> {after['end_date']}")
    ok(parse(blazar.lease.get(env["ZS_LEASE"])["end_date"]) == want, "... and the site keeps it")

    end = (datetime.datetime.utcnow() + datetime.timedelta(hours=5)).strftime("%Y-%m-%d %H:%M")
    after = blazar.lease.update(pi["id"], end_date=end)
    ok(after["end_date"].startswith(end.replace(" ", "T")), "lease-update --end-date", after)

    old = next(l for l in leases if l["name"] == "old-lease")
    e = refusal(blazar, old["id"], prolong_for="1h")
    ok(e is not None and "Terminated leases can only be renamed" in str(e),
       "an ended lease is refused with Blazar's message", e)

    sim("/_sim/blazar-policy", {"max_lease_duration": 6 * 3600})
    e = refusal(blazar, pi["id"], prolong_for="2d")
    ok(e is not None and e.kwargs.get("code") == 400 and
       "must be less than or equal to the maximum lease duration of 21600 seconds" in str(e),
       "max_lease_duration refuses a long extension (400)", e and (e.kwargs, str(e)))

    sim("/_sim/blazar-policy", {"max_lease_duration": -1,
                                "refuse": "Your allocation has no hours left for this lease."})
    e = refusal(blazar, pi["id"], prolong_for="1h")
    ok(e is not None and "no hours left" in str(e), "an external policy's refusal in its words", e)
    sim("/_sim/blazar-policy", {"refuse": None})

    try:
        blazar.lease.get("00000000-0000-4000-8000-000000000000")
        e = None
    except bexc.BlazarClientException as x:
        e = x
    ok(e is not None and e.kwargs.get("code") == 404, "an unknown lease is 404", e)

    return done()


if __name__ == "__main__":
    sys.exit(main())
