# Python's socket module over loopback: a UDP datagram answered, a TCP
# stream counted and answered, and name lookups through /etc (nsswitch.conf).
import socket

server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
server.bind(("127.0.0.1", 0))
client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
client.settimeout(10)
client.sendto(b"ping over udp", server.getsockname())
data, peer = server.recvfrom(100)
server.sendto(data.upper(), peer)
print("udp:", client.recv(100).decode(), "from", peer[0])

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.bind(("127.0.0.1", 0))
listener.listen(1)
client = socket.create_connection(listener.getsockname(), timeout=10)
connection, peer = listener.accept()
client.sendall(b"x" * 100000)
client.shutdown(socket.SHUT_WR)
received = 0
while True:
    chunk = connection.recv(65536)
    if not chunk:
        break
    received += len(chunk)
connection.sendall(b"%d bytes" % received)
connection.close()
print("tcp: server got", client.recv(100).decode(), "from", peer[0])

print("getaddrinfo:", socket.getaddrinfo("localhost", "http", socket.AF_INET,
                                         socket.SOCK_STREAM)[0][4])
print("gethostbyname:", socket.gethostbyname("strata"))
print("getservbyname:", socket.getservbyname("https", "tcp"),
      "getprotobyname:", socket.getprotobyname("udp"))
