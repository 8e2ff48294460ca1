#!/usr/bin/env python3
"""The host's side of tests/test_tokio.sh on the tap: on 10.0.2.2, port 6142
answers one line ("hello world") with "hello from the host, which heard
'hello world'", and port 7201 echoes every byte back, to any number of
clients at once.  Prints READY once both listen; runs until SIGTERM."""
import signal
import socket
import sys
import threading

HOST = sys.argv[1] if len(sys.argv) > 1 else "10.0.2.2"


def listener(port):
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, port))
    server.listen(16)
    return server


def serve_forever(server, handle):
    while True:
        connection, _ = server.accept()
        threading.Thread(target=handle, args=(connection,), daemon=True).start()


def hello(connection):
    with connection:
        line = connection.makefile("rb").readline().decode(errors="replace").strip()
        connection.sendall(f"hello from the host, which heard {line!r}\n".encode())


def echo(connection):
    with connection:
        while data := connection.recv(65536):
            connection.sendall(data)


def main():
    servers = [(listener(6142), hello), (listener(7201), echo)]
    for server, handle in servers:
        threading.Thread(target=serve_forever, args=(server, handle), daemon=True).start()
    print("READY", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    main()
