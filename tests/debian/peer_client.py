# The guest's side of tests/test_debian_python_peer.sh: Debian's python3
# talks UDP and TCP to the host's tests/debian/echo_peer.py at ADDRESS PORT.
import socket
import sys

address, port = sys.argv[1], int(sys.argv[2])
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.settimeout(10)
udp.sendto(b"ping over udp", (address, port))
data, peer = udp.recvfrom(100)
print("udp:", data.decode(), "from", peer[0])

tcp = socket.create_connection((address, port), timeout=30)
# Asked while connected: once both sides have closed, Linux answers ENOTCONN.
peer = tcp.getpeername()
tcp.sendall(b"x" * 200000)
tcp.shutdown(socket.SHUT_WR)
print("tcp: host got", tcp.recv(100).decode(), "from", peer[0])
