#!/usr/bin/python3
"""udp_count: the host side of b_udp_pps; counts the datagrams that arrive.

usage: udp_count.py [PORT [ADDRESS]]     (default 9000 on 10.0.2.2)

Run by tools/netns-peer --peer-ready in its namespace.  Prints READY once
bound, then counts datagrams by payload size until SIGTERM, and prints for
each size seen (at least two datagrams):

  BENCH udp_pps_<SIZE> <datagrams/s> packets/s

the rate from the first datagram of that size to the last: the figure that
b_udp_pps's send rate is compared with.  Datagrams whose content is not
b_udp_pps's filler are ignored.  Then what the host's UDP dropped meanwhile
for want of buffer space (RcvbufErrors in the namespace's /proc/net/snmp),
which says whether this counter, not the guest, was the limit:

  BENCH udp_host_drops <count> datagrams
"""
import signal
import socket
import sys
import time

SO_RCVBUFFORCE = 33  # Linux's <asm-generic/socket.h>; Python's socket module lacks it

port = int(sys.argv[1]) if len(sys.argv) > 1 else 9000
address = sys.argv[2] if len(sys.argv) > 2 else "10.0.2.2"
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# A deep queue (the FORCE variant passes rmem_max; we are root), so that the
# count is of what reached the host, not of what this loop kept up with.
s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 32 << 20)
s.bind((address, port))
seen = {}  # size -> [count, first, last]


def rcvbuf_errors():
    with open("/proc/net/snmp") as f:
        udp = [line.split() for line in f if line.startswith("Udp:")]
    return int(udp[1][udp[0].index("RcvbufErrors")])


drops_before = rcvbuf_errors()


def report(*_):
    for size in sorted(seen):
        count, first, last = seen[size]
        if count >= 2 and last > first:
            print("BENCH udp_pps_%d %.0f packets/s" % (size, (count - 1) / (last - first)))
    print("BENCH udp_host_drops %d datagrams" % (rcvbuf_errors() - drops_before))
    sys.stdout.flush()
    sys.exit(0)


signal.signal(signal.SIGTERM, report)
print("READY", flush=True)
while True:
    data = s.recv(65536)
    now = time.monotonic()
    if not data or data.strip(b"u"):
        continue
    entry = seen.get(len(data))
    if entry:
        entry[0] += 1
        entry[2] = now
    else:
        seen[len(data)] = [1, now, now]
