#!/usr/bin/python3
"""frames.py: the far ends of impair-bridge, for tests/test_impair_bridge.sh.

usage: frames.py COUNT    (as impair-bridge's COMMAND, inside its namespace)

Sends COUNT numbered frames into the bridge's socketpair (descriptor
$IMPAIR_BRIDGE_FD, the guest's side), and reads what comes out of the tap
with a packet socket; then COUNT frames the other way, into the tap and out
of the socketpair.  Frames carry EtherType 0x88B5 (IEEE 802 local
experimental), so the kernel's own traffic is told apart.  For each
direction prints one line: the direction, then every frame number received
in order, a '*' after one whose bytes changed:
    to-host 0 1 2 4* 3 ...
Reading stops after 1 s without a frame (a bound: the bridge holds frames
for at most its delay or hold time, milliseconds here).
"""
import os
import socket
import struct
import sys

ETHERTYPE = 0x88B5
SO_RCVBUFFORCE = 33  # Linux's <asm-generic/socket.h>; Python's socket module lacks it
TAP = "tap0"
count = int(sys.argv[1])


def frame(number):
    header = b"\xff" * 6 + b"\x02\x00\x00\x00\x00\x01" + struct.pack(">H", ETHERTYPE)
    body = struct.pack(">I", number) + bytes((number + i) & 0xFF for i in range(56))
    return header + body


def collect(receive, direction):
    numbers = []
    while True:
        try:
            data = receive()
        except socket.timeout:
            break
        if len(data) < 18 or data[12:14] != struct.pack(">H", ETHERTYPE):
            continue
        number = struct.unpack(">I", data[14:18])[0]
        intact = number < count and data == frame(number)
        numbers.append("%d%s" % (number, "" if intact else "*"))
    print(direction, " ".join(numbers), flush=True)


guest = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM, fileno=int(os.environ["IMPAIR_BRIDGE_FD"]))
guest.settimeout(1)
tap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETHERTYPE))
tap.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 8 << 20)   # all COUNT frames wait here
tap.bind((TAP, ETHERTYPE))
tap.settimeout(1)
for n in range(count):
    guest.send(frame(n))
collect(lambda: tap.recv(65536), "to-host")
for n in range(count):
    tap.send(frame(n))
collect(lambda: guest.recv(65536), "to-guest")
