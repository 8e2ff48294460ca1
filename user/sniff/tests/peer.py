"""Traffic for tests/test_sniff_capture.sh, which runs each command inside
its own network namespaces (10.0.2.15 on veth0 in one, 10.0.2.2 on veth1 in
the other); nothing here is ever sent anywhere else.

  peer.py exchange IFACE OUT.json   ARP, two pings, UDP, TCP SYN, each sent
                                    as a raw frame and its answer awaited,
                                    so the capture order is fixed; writes
                                    [[sent_hex, answer_hex], ...]
  peer.py filter-mix IFACE          frames of which exactly two are
                                    "udp port 53", those two last
  peer.py pings IFACE COUNT         COUNT echo requests, each answer awaited
  peer.py listen ADDR PORT          accept one TCP connection, print "ready"
                                    once listening, read it to its end
  peer.py connect ADDR PORT         connect, send a line, close
"""
import json
import logging
import socket
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.layers.l2 import ARP, Ether  # noqa: E402
from scapy.layers.inet import ICMP, IP, TCP, UDP  # noqa: E402
from scapy.sendrecv import sendp, srp1  # noqa: E402

MAC_A, IP_A = "52:54:00:12:34:56", "10.0.2.15"
MAC_B, IP_B = "52:55:0a:00:02:02", "10.0.2.2"
TO_B = Ether(src=MAC_A, dst=MAC_B) / IP(src=IP_A, dst=IP_B)


def exchange_probes():
    return [
        Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff")
        / ARP(op=1, hwsrc=MAC_A, psrc=IP_A, hwdst="00:00:00:00:00:00", pdst=IP_B),
        TO_B / ICMP(type=8, id=1, seq=1) / (b"\x5a" * 56),
        TO_B / ICMP(type=8, id=1, seq=2) / (b"\x5a" * 56),
        TO_B / UDP(sport=1234, dport=53) / (b"q" * 22),  # B answers port unreachable
        TO_B / TCP(sport=40000, dport=80, flags="S", seq=123, window=64240),  # B answers RST
    ]


def ask(iface, frame):
    """Sends one frame and returns the raw bytes of B's answer to it."""
    answer = srp1(frame, iface=iface, timeout=10, verbose=False)
    if answer is None:
        sys.exit("peer.py: no answer to " + frame.summary())
    return answer.original


def exchange(iface, out_path):
    pairs = []
    for frame in exchange_probes():
        sent = bytes(frame)
        pairs.append([sent.hex(), ask(iface, Ether(sent)).hex()])
    with open(out_path, "w") as out:
        json.dump(pairs, out)


def filter_mix(iface):
    frames = [
        TO_B / UDP(sport=1234, dport=54) / b"not this",
        TO_B / TCP(sport=53, dport=80, flags="S"),
        TO_B / TCP(sport=1234, dport=53, flags="S"),
        TO_B / ICMP(type=8, id=7, seq=1),
        Ether(src=MAC_A, dst="ff:ff:ff:ff:ff:ff") / ARP(psrc=IP_A, pdst=IP_B, hwsrc=MAC_A),
        TO_B / UDP(sport=53, dport=9999) / b"first match",
        TO_B / UDP(sport=1234, dport=53) / b"second match",
    ]
    sendp(frames, iface=iface, verbose=False)


def pings(iface, count):
    for seq in range(1, count + 1):
        ask(iface, TO_B / ICMP(type=8, id=9, seq=seq) / b"ping")


def listen(addr, port):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((addr, port))
    server.listen(1)
    print("ready", flush=True)
    connection, _ = server.accept()
    while connection.recv(4096):
        pass
    connection.close()


def connect(addr, port):
    client = socket.create_connection((addr, port), timeout=10)
    client.sendall(b"hello from the sniff test\n")
    client.close()


def main(argv):
    command, args = argv[1], argv[2:]
    if command == "exchange":
        exchange(args[0], args[1])
    elif command == "filter-mix":
        filter_mix(args[0])
    elif command == "pings":
        pings(args[0], int(args[1]))
    elif command == "listen":
        listen(args[0], int(args[1]))
    elif command == "connect":
        connect(args[0], int(args[1]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
