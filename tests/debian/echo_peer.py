# The host's side of tests/test_debian_python_peer.sh, in its network
# namespace: on ADDRESS PORT, a UDP socket that answers each datagram in
# upper case, and a TCP listener that reads a connection to its end and
# answers "N bytes".  Prints READY once both are bound; runs until SIGTERM.
import selectors
import socket
import sys

address, port = sys.argv[1], int(sys.argv[2])
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind((address, port))
tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind((address, port))
tcp.listen(4)
print("READY", flush=True)
selector = selectors.DefaultSelector()
selector.register(udp, selectors.EVENT_READ)
selector.register(tcp, selectors.EVENT_READ)
while True:
    for key, _ in selector.select():
        if key.fileobj is udp:
            data, peer = udp.recvfrom(65536)
            udp.sendto(data.upper(), peer)
        else:
            connection, _ = tcp.accept()
            connection.settimeout(30)
            received = 0
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += len(chunk)
            connection.sendall(b"%d bytes" % received)
            connection.close()
