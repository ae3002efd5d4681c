#!/usr/bin/python3
"""bootstrap.py: fill a fresh Keystone with the CHI@Edge test site's identities and catalog.

Usage: bootstrap.py --prepare KEYSTONE_DB                        (before Keystone starts)
       bootstrap.py KEYSTONE_URL ADMIN_PASSWORD_FILE OUT_ENV_FILE   (Keystone running)
       bootstrap.py --catalog KEYSTONE_DB SIM_URL KEYSTONE_URL      (per site, stopped)

Creates the `edge` project with user `edgeuser` (password auth), two application
credentials for that user (one used by id, one by name), a second project for
isolation checks, and writes shell assignments for the tests. The catalog (region
CHI@Edge: container with a public and a dead internal URL, network and reservation,
all pointing at the simulator, plus a container endpoint in region CHI@UC that must
never be picked) is written straight into Keystone's database before it starts, which
is also switched to WAL mode: without it, writes through Keystone's API under uWSGI
fail with "database is locked". Standard library only.
"""
import json
import secrets
import sqlite3
import sys
import uuid
import urllib.request


def call(url, method="GET", body=None, token=None, want_token=False):
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["X-Auth-Token"] = token
    rq = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                headers=headers, method=method)
    with urllib.request.urlopen(rq, timeout=20) as r:
        doc = json.loads(r.read() or b"null")
        return (doc, r.headers.get("X-Subject-Token")) if want_token else doc


def password_token(ks, user, password, project):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": "default"}}}}}
    return call(ks + "/auth/tokens", "POST", body, want_token=True)[1]


def prepare(db):
    # WAL: a reader Keystone leaves open must not block its next write ("database is locked").
    c = sqlite3.connect(db)
    c.execute("pragma journal_mode=wal")
    c.commit()
    c.close()


def catalog(db, sim, ks):
    c = sqlite3.connect(db)
    c.execute("update endpoint set url=? where service_id in "
              "(select id from service where type='identity')", (ks,))
    c.execute("insert into region values (?,?,?,?)", ("CHI@UC", "", None, "{}"))

    def svc(name, kind, urls):
        sid = uuid.uuid4().hex
        c.execute("insert into service values (?,?,?,?)", (sid, kind, 1, json.dumps({"name": name})))
        for region, iface, url in urls:
            c.execute("insert into endpoint values (?,?,?,?,?,?,?,?)",
                      (uuid.uuid4().hex, None, iface, sid, url, "{}", 1, region))

    svc("zun", "container", [("CHI@Edge", "public", sim + "/v1"),
                             ("CHI@Edge", "internal", "http://127.0.0.1:9/v1"),
                             ("CHI@UC", "public", "http://127.0.0.1:9/v1")])
    svc("neutron", "network", [("CHI@Edge", "public", sim + "/network")])
    svc("blazar", "reservation", [("CHI@Edge", "public", sim + "/reservation/v1")])
    c.commit()


def main():
    if sys.argv[1] == "--prepare":
        return prepare(sys.argv[2])
    if sys.argv[1] == "--catalog":
        return catalog(sys.argv[2], sys.argv[3], sys.argv[4])
    ks, pwfile, out = sys.argv[1:4]
    ks = ks.rstrip("/")
    admin_pw = open(pwfile).read().strip()
    tok = password_token(ks, "admin", admin_pw, "admin")

    roles = {r["name"]: r["id"] for r in call(ks + "/roles", token=tok)["roles"]}
    member = roles.get("member") or call(ks + "/roles", "POST", {"role": {"name": "member"}}, tok)["role"]["id"]
    env = {}
    for proj, user in (("edge", "edgeuser"), ("other", "otheruser")):
        p = call(ks + "/projects", "POST", {"project": {"name": proj, "domain_id": "default"}}, tok)["project"]
        pw = "pw-" + secrets.token_hex(12)
        u = call(ks + "/users", "POST", {"user": {"name": user, "domain_id": "default",
                                                  "password": pw, "default_project_id": p["id"]}}, tok)["user"]
        call(f"{ks}/projects/{p['id']}/users/{u['id']}/roles/{member}", "PUT", None, tok)
        env[proj] = (p, u, pw)
    p, u, pw = env["edge"]
    utok = password_token(ks, "edgeuser", pw, "edge")
    creds = []
    for name in ("berth-test", "berth-named"):
        c = call(f"{ks}/users/{u['id']}/application_credentials", "POST",
                 {"application_credential": {"name": name, "description": "berth tests"}}, utok)
        creds.append(c["application_credential"])
    values = {
        "ZS_PROJECT_ID": p["id"], "ZS_PROJECT": "edge", "ZS_USER": "edgeuser", "ZS_USER_ID": u["id"],
        "ZS_PASSWORD": pw,
        "ZS_APPCRED_ID": creds[0]["id"], "ZS_APPCRED_SECRET": creds[0]["secret"],
        "ZS_APPCRED_NAME": creds[1]["name"], "ZS_APPCRED2_SECRET": creds[1]["secret"],
        "ZS_OTHER_PROJECT_ID": env["other"][0]["id"], "ZS_OTHER_PASSWORD": env["other"][2],
    }
    with open(out, "w") as f:
        for k, v in values.items():
            f.write(f"{k}='{v}'\n")


if __name__ == "__main__":
    main()
