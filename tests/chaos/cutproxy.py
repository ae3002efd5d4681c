"""cutproxy.py LISTEN TARGET: a unix-socket proxy that drops connections on request.

Every connection made to the socket LISTEN is passed on, byte for byte both
ways, to a new connection to the socket TARGET (connected when the client
arrives, so an engine restarted behind it is found again). On SIGUSR1 every
open connection is cut, both sides at once, as a network that drops streams
would: requests in flight, event streams and log follows end mid-way. Writes
LISTEN.ready once it listens; ends on SIGTERM. For tests/chaos/convergence.sh.
"""

import os
import signal
import socket
import sys
import threading

LOCK = threading.Lock()
OPEN = set()        # sockets of the connections passed on, both sides


def pump(src, dst):
    """Copy src to dst until src ends; then end dst's writing side."""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            dst.sendall(data)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def serve(client, target):
    upstream = socket.socket(socket.AF_UNIX)
    try:
        upstream.connect(target)
    except OSError:
        client.close()
        upstream.close()
        return
    with LOCK:
        OPEN.update((client, upstream))
    back = threading.Thread(target=pump, args=(upstream, client), daemon=True)
    back.start()
    pump(client, upstream)
    back.join()
    with LOCK:
        OPEN.difference_update((client, upstream))
    client.close()
    upstream.close()


def cut_all(_signum, _frame):
    with LOCK:
        doomed = list(OPEN)
    for s in doomed:
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def main():
    listen, target = sys.argv[1], sys.argv[2]
    signal.signal(signal.SIGUSR1, cut_all)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = socket.socket(socket.AF_UNIX)
    if os.path.exists(listen):
        os.unlink(listen)
    server.bind(listen)
    server.listen(64)
    with open(listen + ".ready", "w"):
        pass
    while True:
        client, _ = server.accept()
        threading.Thread(target=serve, args=(client, target), daemon=True).start()


if __name__ == "__main__":
    main()
