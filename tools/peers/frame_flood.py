#!/usr/bin/python3
"""frame_flood: the host side of b_packet_rx; floods the guest with frames.

usage: frame_flood.py [RATE [INTERFACE]]     (default 20000 frames/s on tap0)

Run by tools/netns-peer --peer-ready in its namespace.  Prints READY once its
packet socket is bound (EtherType 0x88b5, IEEE 802 local experimental), then
waits for the guest's "start" frame and sends 60-byte frames of that type to
the guest's MAC at RATE frames/s, in a batch every 10 ms, until the guest's
"stop" frame or SIGTERM or 60 s.  Then prints the rate it offered:

  BENCH packet_offered <frames/s> frames/s

Frames the tap's queue refused (ENOBUFS) are not counted as offered.

Why a rate and not as fast as possible: on a 2-CPU host an unpaced flooder
takes a CPU that QEMU's vCPU and I/O threads need, and the figure becomes the
host's: Linux 6.1 took 3600-4700 frames/s against an unpaced 400-500 k/s
flood, 7300 against 50 k/s, 8100 against 12.8 k/s.  tools/bench runs a few
rates and takes the peak.  A receive rate well below the offered one says the
guest, not the flood, was the limit.  RATE 0 is unpaced.
"""
import errno
import signal
import socket
import sys
import time

ETH_P_BENCH = 0x88B5
LIMIT = 60.0  # seconds: a bound should "stop" never come
TICK = 0.01  # seconds between batches
rate = float(sys.argv[1]) if len(sys.argv) > 1 else 20000
interface = sys.argv[2] if len(sys.argv) > 2 else "tap0"
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_BENCH))
s.bind((interface, ETH_P_BENCH))
own_mac = s.getsockname()[4]
flooding = stopping = False


def stop(*_):
    global stopping
    if not flooding:
        sys.exit(0)  # the guest never started a flood: nothing to report
    stopping = True


signal.signal(signal.SIGTERM, stop)
print("READY", flush=True)


def control():
    """The guest's next control frame: (word, its MAC); frames we sent are skipped."""
    data, address = s.recvfrom(2048)
    while address[2] == socket.PACKET_OUTGOING:
        data, address = s.recvfrom(2048)
    return data[14:].split(b"\0")[0], address[4]


word, guest_mac = control()
while word != b"start":
    word, guest_mac = control()
frame = guest_mac + own_mac + ETH_P_BENCH.to_bytes(2, "big") + bytes(46)
s.setblocking(False)
flooding = True
sent = refused = 0
t0 = time.monotonic()
t = t0
while not stopping and t - t0 < LIMIT:
    # Up to the number due by now (a batch per tick), or 256 when unpaced.
    due = int(rate * (t - t0 + TICK)) - sent if rate else 256
    for _ in range(due):
        try:
            s.send(frame)
        except OSError as e:
            if e.errno != errno.ENOBUFS:
                raise
            refused += 1
        sent += 1
    try:
        while True:
            if control()[0] == b"stop":
                stopping = True
    except BlockingIOError:
        pass
    if rate:
        time.sleep(TICK)
    t = time.monotonic()
print("BENCH packet_offered %.0f frames/s" % ((sent - refused) / (t - t0)), flush=True)
