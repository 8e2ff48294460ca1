#!/usr/bin/python3
"""The peer at 10.0.2.2 for tests/test_net_busybox.sh, run inside its network
namespace: a UDP echo server on port 7007 and a DNS responder on port 53
answering A queries for strata.test with 10.0.2.99 (RFC 1035 4.1), other
types for it with no answer, and NXDOMAIN for any other name.  Writes "ready" to the file given once both
sockets are bound, then serves until killed."""
import select, socket, struct, sys

echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
echo.bind(("10.0.2.2", 7007))
dns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dns.bind(("10.0.2.2", 53))
with open(sys.argv[1], "w") as ready:
    ready.write("ready\n")

def answer(query):
    ident, flags, questions = struct.unpack("!HHH", query[:6])
    at = 12
    labels = []
    while query[at]:
        labels.append(query[at + 1:at + 1 + query[at]].decode(errors="replace"))
        at += 1 + query[at]
    qtype, qclass = struct.unpack("!HH", query[at + 1:at + 5])
    question = query[12:at + 5]
    name = ".".join(labels).lower()
    known = name == "strata.test"
    found = known and qtype == 1
    header = struct.pack("!HHHHHH", ident, 0x8180 if known else 0x8183, 1, 1 if found else 0, 0, 0)
    record = b""
    if found:
        record = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton("10.0.2.99")
    return header + question + record

while True:
    readable, _, _ = select.select([echo, dns], [], [])
    for sock in readable:
        data, peer = sock.recvfrom(65535)
        if sock is echo:
            echo.sendto(data, peer)
        elif len(data) >= 17:
            dns.sendto(answer(data), peer)
