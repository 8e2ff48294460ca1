/*
 * t_socket_inet.c - what the AF_INET kinds share, over 127.0.0.1: 0.0.0.0
 * as a destination means this host (connect and sendto, TCP and UDP, and
 * getpeername afterwards); MSG_MORE corks UDP data into one datagram and
 * holds back TCP's partial segment; SIOCATMARK; getsockopt at a level no
 * layer knows (EOPNOTSUPP) and setsockopt there (ENOPROTOOPT) on TCP, UDP
 * and raw sockets; socket calls on an O_PATH descriptor (EBADF); the
 * socketpair errors that hold whether or not AF_UNIX pairs exist.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "tap.h"
#include "tcp_loopback.h"

static int udp_bound(void)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = loopback(0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a))
		return -1;
	return s;
}

static struct sockaddr_in any_address(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	return a;
}

/* The sender's address of the next datagram on s, or 0 if none is there. */
static uint32_t source_of_next(int s, char *data, size_t size, ssize_t *length)
{
	struct sockaddr_in from = { 0 };
	socklen_t from_length = sizeof from;
	*length = recvfrom(s, data, size, MSG_DONTWAIT, (struct sockaddr *)&from, &from_length);
	return *length < 0 ? 0 : from.sin_addr.s_addr;
}

static int peer_is_loopback(int s, uint16_t port)
{
	struct sockaddr_in peer;
	socklen_t length = sizeof peer;
	return !getpeername(s, (struct sockaddr *)&peer, &length) &&
	       peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(peer.sin_port) == port;
}

/* Linux routes 0.0.0.0 to this host: the socket's own address, else 127.0.0.1. */
static void test_any_address_is_this_host(void)
{
	int l = listener(1), c = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in to = any_address(port_of(l));
	check_ok(connect(c, (struct sockaddr *)&to, sizeof to), "TCP connect to 0.0.0.0 succeeds");
	check(peer_is_loopback(c, port_of(l)), "TCP: getpeername then shows 127.0.0.1", NULL);
	struct pollfd ready = { .fd = l, .events = POLLIN };
	int a = poll(&ready, 1, 5000) == 1 ? accept(l, NULL, NULL) : -1;
	check_ok(a, "the listener on 127.0.0.1 accepts it");
	if (a >= 0)
		close(a);
	close(c);
	close(l);

	int receiver = udp_bound(), sender = socket(AF_INET, SOCK_DGRAM, 0);
	char data[8];
	ssize_t length;
	to = any_address(port_of(receiver));
	check_ok(connect(sender, (struct sockaddr *)&to, sizeof to), "UDP connect to 0.0.0.0 succeeds");
	check(peer_is_loopback(sender, port_of(receiver)), "UDP: getpeername then shows 127.0.0.1", NULL);
	struct sockaddr_in own;
	socklen_t own_length = sizeof own;
	check(!getsockname(sender, (struct sockaddr *)&own, &own_length) &&
	      own.sin_addr.s_addr == htonl(INADDR_LOOPBACK), "UDP: and getsockname 127.0.0.1", NULL);
	send(sender, "hi", 2, 0);
	struct pollfd wait = { .fd = receiver, .events = POLLIN };
	poll(&wait, 1, 5000);
	check(source_of_next(receiver, data, sizeof data, &length) == htonl(INADDR_LOOPBACK) &&
	      length == 2, "the datagram arrives from 127.0.0.1", "length %zd", length);
	close(sender);
	sender = socket(AF_INET, SOCK_DGRAM, 0);
	check_eq(sendto(sender, "yo", 2, 0, (struct sockaddr *)&to, sizeof to), 2,
		 "UDP sendto 0.0.0.0 sends");
	poll(&wait, 1, 5000);
	check(source_of_next(receiver, data, sizeof data, &length) == htonl(INADDR_LOOPBACK) &&
	      length == 2, "and it arrives on 127.0.0.1", "length %zd", length);
	close(sender);
	sender = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in group = { .sin_family = AF_INET };
	group.sin_addr.s_addr = inet_addr("224.1.2.3");
	bind(sender, (struct sockaddr *)&group, sizeof group);
	check_ok(connect(sender, (struct sockaddr *)&to, sizeof to),
		 "UDP bound to a group: connect to 0.0.0.0 succeeds");
	check(peer_is_loopback(sender, port_of(receiver)),
	      "and goes to 127.0.0.1, a group being no address of its own", NULL);
	close(sender);
	close(receiver);
}

/* udp(7) MSG_MORE: the data of sends with it waits, to the destination the
 * first named, and leaves as one datagram with the first send without it. */
static void test_udp_more(void)
{
	int receiver = udp_bound(), other = udp_bound(), sender = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in to = loopback(port_of(receiver)), elsewhere = loopback(port_of(other));
	char data[16];
	struct pollfd wait = { .fd = receiver, .events = POLLIN };
	check_eq(sendto(sender, "ab", 2, MSG_MORE, (struct sockaddr *)&to, sizeof to), 2,
		 "sendto with MSG_MORE takes the data");
	check_eq(poll(&wait, 1, 100), 0, "nothing is sent yet");
	check_eq(send(sender, "cd", 2, MSG_MORE), 2, "a send with no address adds to it");
	check_eq(sendto(sender, "ef", 2, 0, (struct sockaddr *)&elsewhere, sizeof elsewhere), 2,
		 "a send without MSG_MORE (to another port) ends it");
	poll(&wait, 1, 5000);
	memset(data, 0, sizeof data);
	check(recv(receiver, data, sizeof data, MSG_DONTWAIT) == 6 && !strcmp(data, "abcdef"),
	      "one datagram, abcdef, to the first send's destination", "got %s", data);
	check_errno(recv(other, data, sizeof data, MSG_DONTWAIT), EAGAIN, "none to the last one's");

	static char big[65000];
	check_eq(sendto(sender, big, sizeof big, MSG_MORE, (struct sockaddr *)&to, sizeof to),
		 (long long)sizeof big, "65000 bytes with MSG_MORE");
	check_errno(send(sender, big, 1000, MSG_MORE), EMSGSIZE,
		    "1000 more do not fit in a datagram: EMSGSIZE");
	check_eq(sendto(sender, "g", 1, 0, (struct sockaddr *)&to, sizeof to), 1,
		 "a new datagram after it");
	poll(&wait, 1, 5000);
	check_eq(recv(receiver, big, sizeof big, MSG_DONTWAIT), 1,
		 "holds only its own byte: the corked data was thrown away");
	close(sender);
	close(other);
	close(receiver);
}

/* tcp(7) MSG_MORE: a partial segment waits (TCP_CORK for this send); the
 * next send without it takes it along.  Linux would send it alone after an
 * RTO (at least 200 ms), so 100 ms of silence is its answer. */
static void test_tcp_more_and_mark(void)
{
	int l = listener(1), c, s;
	if (pair(l, &c, &s)) {
		check(0, "a TCP pair on 127.0.0.1", "errno %d", errno);
		return;
	}
	int mark = -1;
	check(ioctl(s, SIOCATMARK, &mark) == 0 && mark == 0, "SIOCATMARK with no urgent data: 0",
	      "mark %d errno %d", mark, errno);
	struct pollfd wait = { .fd = s, .events = POLLIN };
	check_eq(send(c, "abc", 3, MSG_MORE), 3, "TCP send with MSG_MORE takes the data");
	check_eq(poll(&wait, 1, 100), 0, "the partial segment waits");
	check_eq(send(c, "def", 3, 0), 3, "a send without MSG_MORE");
	char data[8] = { 0 };
	check(recv(s, data, 6, MSG_WAITALL) == 6 && !strcmp(data, "abcdef"),
	      "pushes both: abcdef arrives", "got %s", data);
	close(c);
	close(s);
	close(l);
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	check_errno(ioctl(u, SIOCATMARK, &mark), ENOTTY, "SIOCATMARK on UDP: ENOTTY");
	close(u);
}

static void unknown_level(int s, const char *get_description, const char *set_description)
{
	int value = 1;
	socklen_t length = sizeof value;
	check_errno(getsockopt(s, 1234, 1, &value, &length), EOPNOTSUPP, get_description);
	check_errno(setsockopt(s, 1234, 1, &value, sizeof value), ENOPROTOOPT, set_description);
}

static void test_option_levels(void)
{
	int tcp = socket(AF_INET, SOCK_STREAM, 0), udp = socket(AF_INET, SOCK_DGRAM, 0);
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	unknown_level(tcp, "TCP getsockopt at an unknown level: EOPNOTSUPP",
		      "TCP setsockopt at an unknown level: ENOPROTOOPT");
	unknown_level(udp, "UDP getsockopt at an unknown level: EOPNOTSUPP",
		      "UDP setsockopt at an unknown level: ENOPROTOOPT");
	unknown_level(raw, "raw getsockopt at an unknown level: EOPNOTSUPP",
		      "raw setsockopt at an unknown level: ENOPROTOOPT");
	int value = 1;
	socklen_t length = sizeof value;
	check_errno(getsockopt(tcp, IPPROTO_UDP, 1, &value, &length), EOPNOTSUPP,
		    "TCP getsockopt at UDP's level: EOPNOTSUPP");
	check_errno(getsockopt(tcp, IPPROTO_TCP, 999, &value, &length), ENOPROTOOPT,
		    "TCP getsockopt of an unknown TCP option: ENOPROTOOPT");
	check_errno(getsockopt(udp, SOL_SOCKET, 999, &value, &length), ENOPROTOOPT,
		    "getsockopt of an unknown SOL_SOCKET option: ENOPROTOOPT");
	close(raw);
	close(udp);
	close(tcp);
}

/* Linux's sockfd_lookup does not see O_PATH descriptors. */
static void test_path_descriptor(void)
{
	int path = open("/", O_PATH);
	int value;
	socklen_t length = sizeof value;
	check_errno(accept(path, NULL, NULL), EBADF, "accept on an O_PATH descriptor: EBADF");
	check_errno(getsockopt(path, SOL_SOCKET, SO_TYPE, &value, &length), EBADF,
		    "getsockopt on an O_PATH descriptor: EBADF");
	int plain = open("/", O_RDONLY | O_DIRECTORY);
	check_errno(accept(plain, NULL, NULL), ENOTSOCK, "accept on a directory: ENOTSOCK");
	close(plain);
	close(path);
}

static void test_socketpair_errors(void)
{
	int fds[2];
	check_errno(socketpair(12345, SOCK_STREAM, 0, fds), EAFNOSUPPORT,
		    "socketpair of an unknown family: EAFNOSUPPORT");
	check_errno(socketpair(AF_INET, SOCK_STREAM, 0, fds), EOPNOTSUPP,
		    "socketpair AF_INET: EOPNOTSUPP");
	check_errno(socketpair(AF_INET, SOCK_STREAM, 12345, fds), EINVAL,
		    "socketpair AF_INET with a protocol out of range: EINVAL");
	check_errno(socketpair(AF_UNIX, SOCK_STREAM, 12345, fds), EPROTONOSUPPORT,
		    "socketpair AF_UNIX with a protocol: EPROTONOSUPPORT");
	check_errno(socketpair(AF_UNIX, SOCK_STREAM, 0, NULL), EFAULT,
		    "socketpair AF_UNIX with a NULL array: EFAULT");
}

int main(void)
{
	test_any_address_is_this_host();
	test_udp_more();
	test_tcp_more_and_mark();
	test_option_levels();
	test_path_descriptor();
	test_socketpair_errors();
	return tap_done("t_socket_inet.c");
}
