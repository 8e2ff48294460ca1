#!/usr/bin/python3
"""syn_flood: a SYN flood from random sources, and real clients during it.

usage: syn_flood.py GUEST PORT COUNT CLIENTS [INTERFACE]   (INTERFACE: tap0)

Run in tools/netns-peer's namespace once the guest listens on GUEST:PORT.
Sends COUNT TCP SYNs as raw Ethernet frames on INTERFACE (a packet socket,
so the host's own TCP never sees them) to the guest's MAC, each from a
random address of 198.18.0.0/15 (RFC 2544's benchmark range, routed
nowhere: the guest's SYN-ACKs go to its default gateway, this namespace,
which drops them, so every half-open connection stays half-open), a random
port and a random sequence number, with an MSS option.  A frame the tap
refuses (ENOBUFS) is sent again after 1 ms.  After every COUNT/CLIENTS SYNs
a real client starts in a thread: connect() with Linux's own SYN retries
(tcp_syn_retries: 6, 127 s), send "hello", expect "ok\\n".  When the flood is
sent and every client has ended, one more connection sends "quit".  Prints:

  flood COUNT SYNs in SECONDS s
  client N connected in SECONDS s | client N failed: ERROR
  clients C of CLIENTS completed, slowest SECONDS s
"""
import errno
import random
import socket
import struct
import sys
import threading
import time

GUEST_MAC = bytes.fromhex("525400123456")   # QEMU's first NIC, on Strata and Linux alike
guest, port, count, clients = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
interface = sys.argv[5] if len(sys.argv) > 5 else "tap0"
guest_address = socket.inet_aton(guest)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def syn_frame(own_mac, source, source_port, sequence):
    options = struct.pack("!BBH", 2, 4, 1460)
    tcp = struct.pack("!HHIIBBHHH", source_port, port, sequence, 0, (5 + 1) << 4, 0x02, 64240, 0, 0)
    tcp += options
    pseudo = source + guest_address + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), random.getrandbits(16), 0, 64,
                     socket.IPPROTO_TCP, 0, source, guest_address)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return GUEST_MAC + own_mac + b"\x08\x00" + ip + tcp


results = {}


def client(number):
    start = time.monotonic()
    try:
        with socket.create_connection((guest, port)) as c:
            c.settimeout(150)
            c.sendall(b"hello")
            answer = c.recv(16)
        results[number] = (answer == b"ok\n", time.monotonic() - start,
                           None if answer == b"ok\n" else "answer %r" % answer)
    except OSError as e:
        results[number] = (False, time.monotonic() - start, str(e))


s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((interface, 0))
own_mac = s.getsockname()[4]
frames = [syn_frame(own_mac, struct.pack("!I", 0xC6120000 | random.getrandbits(17)),
                    random.randint(1024, 65535), random.getrandbits(32)) for _ in range(count)]
threads = []
every = max(count // clients, 1)
start = time.monotonic()
for i, frame in enumerate(frames):
    if i % every == 0 and len(threads) < clients:
        threads.append(threading.Thread(target=client, args=(len(threads),)))
        threads[-1].start()
    while True:
        try:
            s.send(frame)
            break
        except OSError as e:
            if e.errno != errno.ENOBUFS:
                raise
            time.sleep(0.001)
print("flood %d SYNs in %.1f s" % (count, time.monotonic() - start), flush=True)
for t in threads:
    t.join()
for number in sorted(results):
    ok, seconds, error = results[number]
    print("client %d connected in %.2f s" % (number, seconds) if ok
          else "client %d failed: %s" % (number, error), flush=True)
completed = [seconds for ok, seconds, _ in results.values() if ok]
print("clients %d of %d completed, slowest %.2f s"
      % (len(completed), clients, max(completed) if completed else 0), flush=True)
for _ in range(100):
    try:
        with socket.create_connection((guest, port), timeout=10) as c:
            c.sendall(b"quit")
        break
    except OSError:
        time.sleep(0.1)
