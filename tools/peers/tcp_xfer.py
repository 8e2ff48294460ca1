#!/usr/bin/python3
"""tcp_xfer.py: the host's side of user/tools/tcp_xfer, with Python's SHA-256.

usage: tcp_xfer.py server PORT [ADDRESS]
       tcp_xfer.py client ADDRESS PORT OP:SIZE...
       tcp_xfer.py connections ADDRESS PORT SEQUENTIAL CONCURRENT

Same protocol as user/tools/tcp_xfer.c (read its header): one transfer per
connection, a 9-byte request (op 'S' or 'R', SIZE big-endian), SIZE random
bytes one way, their SHA-256 as 64 hex digits and '\\n' back from the
sender, the server closing first.

  server       prints READY once listening (default address 10.0.2.2), then
               serves each connection in a thread until SIGTERM, printing
               "server S 65536 sha256 HEX" per transfer (FAILED: why)
  client       as tcp_xfer client: "client OP SIZE sha256 HEX ok" or
               "... FAILED: why" per transfer; exit 0 if all ok
  connections  SEQUENTIAL connections one after the other, then CONCURRENT
               ones open at the same time (all connected before any
               transfers), each an 'R' of 1000 bytes checked by hash;
               prints "sequential N ok, M failed", "concurrent N ok, M
               failed"; exit 0 if none failed

Connecting is retried while refused for up to 60 s (a bound for a guest that
never listens; the tests start clients once the guest printed READY).
"""
import hashlib
import os
import socket
import struct
import sys
import threading
import time

CHUNK = 65536
HASH_LINE = 65
SHORT_SIZE = 1000


def read_exactly(s, length):
    parts = []
    while length:
        data = s.recv(min(length, CHUNK))
        if not data:
            raise ConnectionError("end of stream %d bytes early" % length)
        parts.append(data)
        length -= len(data)
    return b"".join(parts)


def send_data(s, size, digest):
    """SIZE random bytes, hashed as they go."""
    left = size
    while left:
        data = os.urandom(min(left, CHUNK))
        digest.update(data)
        s.sendall(data)
        left -= len(data)


def receive_data(s, size, digest):
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    left = size
    while left:
        n = s.recv_into(view[:min(left, CHUNK)])
        if n == 0:
            raise ConnectionError("end of stream %d bytes early" % left)
        digest.update(view[:n])
        left -= n


def serve_one(connection):
    op, size = "-", 0
    try:
        with connection:
            op_byte, size = struct.unpack(">cQ", read_exactly(connection, 9))
            op = op_byte.decode()
            digest = hashlib.sha256()
            if op == "S":
                receive_data(connection, size, digest)
            elif op == "R":
                send_data(connection, size, digest)
            else:
                raise ValueError("unknown op %r" % op)
            connection.sendall(digest.hexdigest().encode() + b"\n")
        line = "server %s %d sha256 %s" % (op, size, digest.hexdigest())
    except (OSError, ValueError) as error:
        line = "server %s %d FAILED: %s" % (op, size, error)
    print(line, flush=True)


def server(port, address="10.0.2.2"):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, port))
    listener.listen(128)
    print("READY", flush=True)
    while True:
        connection, _ = listener.accept()
        threading.Thread(target=serve_one, args=(connection,), daemon=True).start()


def connect(address, port):
    deadline = time.monotonic() + 60
    while True:
        try:
            return socket.create_connection((address, port), timeout=120)
        except ConnectionRefusedError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)  # not listening yet: retry (bounded above)


def transfer(s, op, size):
    """Returns our hash; raises when the peer's differs."""
    s.sendall(struct.pack(">cQ", op.encode(), size))
    digest = hashlib.sha256()
    if op == "S":
        send_data(s, size, digest)
    else:
        receive_data(s, size, digest)
    theirs = read_exactly(s, HASH_LINE)
    if s.recv(1):
        raise ConnectionError("no end of stream after the hash")
    mine = digest.hexdigest()
    if theirs != mine.encode() + b"\n":
        raise ValueError("the peer's SHA-256 differs: %r" % theirs)
    return mine


def client(address, port, transfers):
    failures = 0
    for item in transfers:
        op, _, size_text = item.partition(":")
        size = int(size_text)
        try:
            with connect(address, port) as s:
                mine = transfer(s, op, size)
            print("client %s %d sha256 %s ok" % (op, size, mine), flush=True)
        except (OSError, ValueError) as error:
            print("client %s %d FAILED: %s" % (op, size, error), flush=True)
            failures += 1
    return 1 if failures else 0


def connections(address, port, sequential, concurrent):
    ok = failed = 0
    for _ in range(sequential):
        try:
            with connect(address, port) as s:
                transfer(s, "R", SHORT_SIZE)
            ok += 1
        except (OSError, ValueError) as error:
            print("sequential connection FAILED: %s" % error, flush=True)
            failed += 1
    print("sequential %d ok, %d failed" % (ok, failed), flush=True)
    total_failed = failed
    ok = failed = 0
    sockets = []
    for _ in range(concurrent):
        try:
            sockets.append(connect(address, port))
        except OSError as error:
            print("concurrent connect FAILED: %s" % error, flush=True)
            failed += 1
    for s in sockets:
        try:
            with s:
                transfer(s, "R", SHORT_SIZE)
            ok += 1
        except (OSError, ValueError) as error:
            print("concurrent connection FAILED: %s" % error, flush=True)
            failed += 1
    print("concurrent %d ok, %d failed" % (ok, failed), flush=True)
    return 1 if total_failed + failed else 0


def main(argv):
    if len(argv) in (3, 4) and argv[1] == "server":
        server(int(argv[2]), *argv[3:])
    elif len(argv) >= 5 and argv[1] == "client":
        return client(argv[2], int(argv[3]), argv[4:])
    elif len(argv) == 6 and argv[1] == "connections":
        return connections(argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    else:
        sys.stderr.write(__doc__.split("\n\n")[1] + "\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
