"""lazydocker_poll.py: stats the way lazydocker gathers them, as a peer of `stats --no-stream`.

lazydocker opens one streaming stats request (GET /containers/ID/stats, stream on) per
running container, all at once, and takes each sample as it arrives. This does the same
over the docker socket and stops at the first sample of each: one line per running
container, its name and its memory use. No CPU percentage: the first sample of a stream
carries no previous CPU counters to compute it from.

    python3 lazydocker_poll.py [SOCKET]
"""

import json
import sys
import threading

from engine import API, UnixHTTPConnection

SOCK = sys.argv[1] if len(sys.argv) > 1 else "/var/run/docker.sock"


def get_json(path):
    conn = UnixHTTPConnection(SOCK)
    conn.request("GET", API + path)
    r = conn.getresponse()
    body = r.read()
    conn.close()
    if r.status != 200:
        raise OSError("GET %s: HTTP %d" % (path, r.status))
    return json.loads(body)


def first_sample(cid, out, i):
    """Open the container's stats stream and read its first sample (one JSON line)."""
    conn = UnixHTTPConnection(SOCK)
    try:
        conn.request("GET", API + "/containers/%s/stats?stream=1" % cid)
        r = conn.getresponse()
        if r.status == 200:
            out[i] = json.loads(r.readline())
    finally:
        conn.close()


def main():
    running = get_json("/containers/json")
    out = [None] * len(running)
    threads = [threading.Thread(target=first_sample, args=(c["Id"], out, i))
               for i, c in enumerate(running)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    missing = 0
    for c, s in zip(running, out):
        if s is None:
            missing += 1
            continue
        mem = (s.get("memory_stats") or {}).get("usage", 0)
        print("%s %.1f MiB" % (c["Names"][0].lstrip("/"), mem / 1048576))
    if missing:
        sys.stderr.write("lazydocker_poll: no sample from %d of %d containers\n" % (
            missing, len(running)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
