#!/usr/bin/python3
"""tcp_peer: the host side of b_tcp; four TCP servers on 10.0.2.2.

usage: tcp_peer.py [ADDRESS]     (default 10.0.2.2)

Run by tools/netns-peer --peer-ready in its namespace.  Prints READY once all
four listen, then serves until SIGTERM, one connection at a time per port:

  9101 sink    reads in 64 KiB calls until the guest's FIN, then closes
               (b_tcp send: the guest's clock stops at this FIN, so every
               byte has reached this program)
  9102 source  reads an 8-byte big-endian size, sends that many bytes in
               64 KiB calls, then closes (b_tcp recv)
  9103 closer  accepts and closes at once (b_tcp connect: the host, not the
               guest, keeps TIME_WAIT)
  9104 echo    sends back whatever it reads, TCP_NODELAY (b_tcp rr)

Each server is a thread blocked in the kernel (recv_into, sendall), so the
Python interpreter is not what is measured.  Buffers are Linux's defaults,
as the guest's side of the benchmark has them too.
"""
import signal
import socket
import sys
import threading

CHUNK = 64 * 1024
address = sys.argv[1] if len(sys.argv) > 1 else "10.0.2.2"


def listener(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((address, port))
    s.listen(128)
    return s


def sink(c):
    buffer = bytearray(CHUNK)
    while c.recv_into(buffer):
        pass


def read_exactly(c, length):
    data = b""
    while len(data) < length:
        more = c.recv(length - len(data))
        if not more:
            break
        data += more
    return data


def source(c):
    size = int.from_bytes(read_exactly(c, 8), "big")
    chunk = b"s" * CHUNK
    while size >= CHUNK:
        c.sendall(chunk)
        size -= CHUNK
    if size:
        c.sendall(chunk[:size])


def closer(c):
    pass


def echo(c):
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buffer = bytearray(CHUNK)
    while True:
        n = c.recv_into(buffer)
        if not n:
            break
        c.sendall(buffer[:n])


def serve(s, handle):
    while True:
        c, _ = s.accept()
        try:
            handle(c)
        except OSError as e:
            print("tcp_peer: %s: %s" % (handle.__name__, e), file=sys.stderr, flush=True)
        c.close()


servers = [(listener(9101), sink), (listener(9102), source), (listener(9103), closer),
           (listener(9104), echo)]
for s, handle in servers:
    threading.Thread(target=serve, args=(s, handle), daemon=True).start()
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print("READY", flush=True)
signal.pause()
