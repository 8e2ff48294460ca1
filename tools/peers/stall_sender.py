#!/usr/bin/python3
"""stall_sender: the host side of tests/test_net_never_reads.sh.

usage: stall_sender.py ADDRESS PORT SIGNAL_PORT

Connects to ADDRESS:PORT, where the guest accepts and never reads, and
sends 64 KiB writes without blocking until the connection has taken no byte
for 3 s (the guest's window closed and stayed closed; its zero-window
probes are answered by the host's kernel, not here), or 120 s have passed.
Prints "sent N bytes, stalled yes|no", then connects to SIGNAL_PORT and
closes at once: the guest takes that as "measure now".  It keeps the data
connection open until the guest closes it (the guest's reading must see
the connection as it was), at most 60 s more.
"""
import select
import socket
import sys
import time

CHUNK = b"x" * 65536
STALL_SECONDS = 3
LIMIT_SECONDS = 120


def main():
    address, port, signal_port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    data = socket.create_connection((address, port), timeout=30)
    data.setblocking(False)
    sent = 0
    stalled = False
    start = time.monotonic()
    while time.monotonic() - start < LIMIT_SECONDS:
        _, writable, _ = select.select([], [data], [], STALL_SECONDS)
        if not writable:
            stalled = True
            break
        try:
            sent += data.send(CHUNK)
        except BlockingIOError:
            continue
    print(f"sent {sent} bytes, stalled {'yes' if stalled else 'no'}", flush=True)
    socket.create_connection((address, signal_port), timeout=30).close()
    data.setblocking(True)
    data.settimeout(60)
    try:
        while data.recv(4096):
            pass
    except OSError:
        pass
    data.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
