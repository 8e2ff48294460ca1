/*
 * t_socket_tcp.c - AF_INET SOCK_STREAM over 127.0.0.1: socket options,
 * listen/connect/accept with addresses, EISCONN, EALREADY (a SYN dropped
 * by a full accept queue), ECONNREFUSED blocking and non-blocking
 * (EINPROGRESS, POLLOUT, SO_ERROR), EADDRINUSE and SO_REUSEADDR over
 * TIME_WAIT, MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, FIONREAD, SO_RCVTIMEO,
 * 1 MiB echoed through a forked child with a checksum, a bulk sender's
 * cwnd bounded after 32 MiB (TCP_INFO; RFC 7661), half close,
 * SIGPIPE/EPIPE and MSG_NOSIGNAL, SO_LINGER 0 (RST: ECONNRESET, then end
 * of stream), POLLHUP/POLLRDHUP and EPOLLRDHUP, TCP_NODELAY, TCP_MAXSEG,
 * TCP_INFO and /proc/net/tcp.  Only ephemeral ports on 127.0.0.1 are used.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include "tap.h"
#include "tcp_loopback.h"

#define MIB (1024 * 1024)

static uint32_t fnv(uint32_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static unsigned char pattern_byte(size_t i)
{
	return (unsigned char)(i * 7 + (i >> 11));
}

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

static void test_socket_and_options(void)
{
	int s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP), v = 0;
	socklen_t len = sizeof v;
	check_ok(s, "socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)");
	getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len);
	check_eq(v, SOCK_STREAM, "SO_TYPE is SOCK_STREAM");
	getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &v, &len);
	check_eq(v, IPPROTO_TCP, "SO_PROTOCOL is IPPROTO_TCP");
	struct sockaddr_in a;
	len = sizeof a;
	check_ok(getsockname(s, (struct sockaddr *)&a, &len), "getsockname before bind");
	check(a.sin_port == 0 && a.sin_addr.s_addr == 0, "unbound: 0.0.0.0:0", NULL);
	len = sizeof a;
	check_errno(getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN, "getpeername unconnected: ENOTCONN");
	v = 1;
	check_ok(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v), "TCP_NODELAY set");
	v = 0;
	len = sizeof v;
	getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len);
	check_eq(v, 1, "TCP_NODELAY reads back 1");
	v = 1;
	check_ok(setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v), "SO_KEEPALIVE set");
	getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len);
	check_eq(v, 1, "SO_KEEPALIVE reads back 1");
	len = sizeof v;
	getsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, &len);
	check_eq(v, 536, "TCP_MAXSEG before a connection is 536");
	struct linger lg = { 1, 5 };
	check_ok(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), "SO_LINGER set");
	memset(&lg, 0, sizeof lg);
	len = sizeof lg;
	getsockopt(s, SOL_SOCKET, SO_LINGER, &lg, &len);
	check(lg.l_onoff == 1 && lg.l_linger == 5 && len == sizeof lg, "SO_LINGER reads back", NULL);
	v = 4096;
	setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v);
	len = sizeof v;
	getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len);
	check_eq(v, 8192, "SO_RCVBUF reads back doubled");
	check_errno(send(s, "x", 1, MSG_NOSIGNAL), EPIPE, "send unconnected: EPIPE");
	char c;
	check_errno(recv(s, &c, 1, 0), ENOTCONN, "recv unconnected: ENOTCONN");
	check_errno(shutdown(s, SHUT_WR), ENOTCONN, "shutdown unconnected: ENOTCONN");
	struct tcp_info info;
	len = sizeof info;
	check_ok(getsockopt(s, IPPROTO_TCP, TCP_INFO, &info, &len), "TCP_INFO unconnected");
	check_eq(info.tcpi_state, 7, "TCP_INFO state CLOSE");
	close(s);
}

static void test_connect_accept(void)
{
	int l = listener(4), c, s;
	check_ok(l, "listener on 127.0.0.1");
	int v;
	socklen_t vlen = sizeof v;
	struct tcp_info info;
	socklen_t ilen = sizeof info;
	getsockopt(l, IPPROTO_TCP, TCP_INFO, &info, &ilen);
	check_eq(info.tcpi_state, 10, "TCP_INFO of a listener: LISTEN");
	fcntl(l, F_SETFL, O_NONBLOCK);
	check_errno(accept(l, NULL, NULL), EAGAIN, "accept on an O_NONBLOCK listener with none: EAGAIN");
	fcntl(l, F_SETFL, 0);
	struct sockaddr_in to = loopback(port_of(l)), peer, name;
	c = socket(AF_INET, SOCK_STREAM, 0);
	check_ok(connect(c, (struct sockaddr *)&to, sizeof to), "blocking connect");
	socklen_t len = sizeof peer;
	s = accept4(l, (struct sockaddr *)&peer, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	check_ok(s, "accept4 SOCK_NONBLOCK|SOCK_CLOEXEC");
	check(len == sizeof peer && peer.sin_family == AF_INET &&
	      peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) && ntohs(peer.sin_port) == port_of(c),
	      "accept gives the client's address", NULL);
	check((fcntl(s, F_GETFL) & O_NONBLOCK) && (fcntl(s, F_GETFD) & FD_CLOEXEC),
	      "accepted file is O_NONBLOCK and FD_CLOEXEC", NULL);
	len = sizeof peer;
	getpeername(c, (struct sockaddr *)&peer, &len);
	check(ntohs(peer.sin_port) == port_of(l) && peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK),
	      "client's getpeername is the listener", NULL);
	len = sizeof name;
	getsockname(s, (struct sockaddr *)&name, &len);
	check(ntohs(name.sin_port) == port_of(l), "accepted getsockname is the listener's port", NULL);
	check_errno(connect(c, (struct sockaddr *)&to, sizeof to), EISCONN, "connect again: EISCONN");
	check_errno(listen(c, 1), EINVAL, "listen on a connected socket: EINVAL");
	getsockopt(c, IPPROTO_TCP, TCP_INFO, &info, &ilen);
	/* qemu-aarch64 copies only tcpi_state of TCP_INFO: the rest is not compared. */
	check_eq(info.tcpi_state, 1, "TCP_INFO: ESTABLISHED");
	getsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, &vlen);
	check(v > 536, "TCP_MAXSEG on lo is the interface's", "got %d", v);

	/* /proc/net/tcp: the listener (st 0A) and the connection (01). */
	char text[16384], row[64];
	int fd = open("/proc/net/tcp", O_RDONLY), n = 0, r;
	while (fd >= 0 && n < (int)sizeof text - 1 && (r = read(fd, text + n, sizeof text - 1 - n)) > 0)
		n += r;
	text[n > 0 ? n : 0] = 0;
	close(fd);
	snprintf(row, sizeof row, "0100007F:%04X 00000000:0000 0A", port_of(l));
	check(strstr(text, row) != NULL, "/proc/net/tcp lists the listener", NULL);
	snprintf(row, sizeof row, "0100007F:%04X 0100007F:%04X 01", port_of(c), port_of(l));
	check(strstr(text, row) != NULL, "/proc/net/tcp lists the connection", NULL);

	/* MSG_DONTWAIT, FIONREAD, MSG_PEEK, then the bytes themselves. */
	char buf[64];
	check_errno(recv(c, buf, sizeof buf, MSG_DONTWAIT), EAGAIN, "recv MSG_DONTWAIT with nothing: EAGAIN");
	check_errno(recv(s, buf, sizeof buf, 0), EAGAIN, "recv on the O_NONBLOCK accepted socket: EAGAIN");
	check_eq(send(s, "hello", 5, 0), 5, "send 5 bytes");
	struct pollfd p = { .fd = c, .events = POLLIN };
	check_eq(poll(&p, 1, 5000), 1, "poll: POLLIN once they arrive");
	check_eq(p.revents, POLLIN, "revents is POLLIN only");
	int queued = 0;
	ioctl(c, FIONREAD, &queued);
	check_eq(queued, 5, "FIONREAD is 5");
	check_eq(recv(c, buf, 3, MSG_PEEK), 3, "MSG_PEEK 3");
	check(memcmp(buf, "hel", 3) == 0, "peeked bytes", NULL);
	check_eq(recv(c, buf, sizeof buf, 0), 5, "recv all 5 after the peek");
	check(memcmp(buf, "hello", 5) == 0, "received bytes", NULL);

	/* SO_RCVTIMEO: EAGAIN after about the timeout. */
	struct timeval tv = { 0, 100000 };
	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	long long t0 = mono_ms();
	check_errno(recv(c, buf, sizeof buf, 0), EAGAIN, "SO_RCVTIMEO expires: EAGAIN");
	check(mono_ms() - t0 >= 90, "after the timeout", NULL);
	close(c);
	close(s);
	close(l);
}

static int waitall_writer(void *arg)
{
	int fd = *(int *)arg;
	unsigned char chunk[1000];
	for (size_t i = 0; i < 100; i++) {
		for (size_t j = 0; j < sizeof chunk; j++)
			chunk[j] = pattern_byte(i * sizeof chunk + j);
		if (send(fd, chunk, sizeof chunk, 0) != sizeof chunk)
			return 1;
	}
	return 0;
}

static void test_waitall(void)
{
	int l = listener(1), c, s;
	check_ok(pair(l, &c, &s), "pair for MSG_WAITALL");
	static unsigned char buf[100000];
	pid_t pid = fork();
	if (pid == 0)
		_exit(waitall_writer(&s));
	ssize_t n = recv(c, buf, sizeof buf, MSG_WAITALL);
	check_eq(n, 100000, "MSG_WAITALL gathers 100 sends of 1000 bytes");
	int same = 1;
	for (size_t i = 0; i < sizeof buf; i++)
		same &= buf[i] == pattern_byte(i);
	check(same, "in order", NULL);
	int status;
	waitpid(pid, &status, 0);
	check_exited(status, 0, "writer child");
	close(c);
	close(s);
	close(l);
}

/* The echo child: everything back until end of stream, then FIN. */
static int echo(int fd)
{
	static unsigned char buf[32768];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		for (ssize_t done = 0, w; done < n; done += w)
			if ((w = write(fd, buf + done, n - done)) <= 0)
				return 1;
	if (n < 0)
		return 2;
	return shutdown(fd, SHUT_WR) ? 3 : 0;
}

static int mib_writer(int fd)
{
	static unsigned char buf[MIB];
	for (size_t i = 0; i < MIB; i++)
		buf[i] = pattern_byte(i);
	if (write(fd, buf, MIB) != MIB)
		return 1;
	return shutdown(fd, SHUT_WR) ? 2 : 0;
}

static void test_mib_echo(void)
{
	int l = listener(1), c, s;
	check_ok(pair(l, &c, &s), "pair for the 1 MiB echo");
	pid_t echoer = fork();
	if (echoer == 0)
		_exit(echo(s));
	close(s);
	pid_t writer = fork();
	if (writer == 0)
		_exit(mib_writer(c));
	static unsigned char buf[65536];
	size_t total = 0;
	uint32_t got = 2166136261u, want = 2166136261u;
	ssize_t n;
	while ((n = read(c, buf, sizeof buf)) > 0) {
		got = fnv(got, buf, (size_t)n);
		total += (size_t)n;
	}
	for (size_t i = 0; i < MIB; i++) {
		unsigned char b = pattern_byte(i);
		want = fnv(want, &b, 1);
	}
	check_eq(n, 0, "end of stream after the echo");
	check_eq(total, MIB, "1 MiB came back");
	check(got == want, "checksum of the echo", "got %08x want %08x", got, want);
	int st1, st2;
	waitpid(echoer, &st1, 0);
	waitpid(writer, &st2, 0);
	check_exited(st1, 0, "echo child read end of stream and shut down");
	check_exited(st2, 0, "writer child wrote 1 MiB and shut down");
	close(c);
	close(l);
}

/*
 * RFC 7661 4.3 (tcp/README.md): cwnd grows only while it limits the
 * sender.  Over loopback the send ring (256 KiB with SO_SNDBUF untouched)
 * and the peer's window limit what is in flight, so after 32 MiB cwnd
 * stays within 1 MiB; without validation Strata's grew by an MSS of 64 KiB
 * per ACK (iperf3 read 210 MB).  qemu-aarch64 copies only tcpi_state of
 * TCP_INFO, so under the oracle cwnd reads 0: the check bites on Strata.
 */
#define BULK_BYTES (32 * MIB)
static void test_bulk_sender_cwnd_bounded(void)
{
	int l = listener(1), c, s;
	check_ok(pair(l, &c, &s), "pair for the 32 MiB transfer");
	pid_t reader = fork();
	if (reader == 0) {
		static unsigned char sink[65536];
		size_t total = 0;
		ssize_t n;
		close(c);
		while ((n = read(s, sink, sizeof sink)) > 0)
			total += (size_t)n;
		_exit(n == 0 && total == BULK_BYTES ? 0 : 1);
	}
	close(s);
	static unsigned char chunk[65536];
	size_t written = 0;
	ssize_t n = 0;
	while (written < BULK_BYTES && (n = write(c, chunk, sizeof chunk)) > 0)
		written += (size_t)n;
	check_eq(written, BULK_BYTES, "32 MiB written over loopback");
	struct tcp_info info;
	socklen_t len = sizeof info;
	memset(&info, 0, sizeof info);
	check_ok(getsockopt(c, IPPROTO_TCP, TCP_INFO, &info, &len), "TCP_INFO after 32 MiB");
	unsigned long cwnd = (unsigned long)info.tcpi_snd_cwnd * info.tcpi_snd_mss;
	check(cwnd <= MIB, "cwnd after 32 MiB over loopback is at most 1 MiB",
	      "%lu bytes (%u segments of %u)", cwnd, info.tcpi_snd_cwnd, info.tcpi_snd_mss);
	check_ok(shutdown(c, SHUT_WR), "shutdown after the transfer");
	int st;
	waitpid(reader, &st, 0);
	check_exited(st, 0, "reader child read 32 MiB and the end of stream");
	close(c);
	close(l);
}

static void test_half_close_and_sigpipe(void)
{
	int l = listener(1), c, s;
	char buf[16];
	check_ok(pair(l, &c, &s), "pair for half close");
	check_ok(shutdown(c, SHUT_WR), "client shutdown(SHUT_WR)");
	check_eq(recv(s, buf, sizeof buf, 0), 0, "server reads end of stream");
	struct pollfd p = { .fd = s, .events = POLLIN | POLLOUT | POLLRDHUP };
	poll(&p, 1, 0);
	check_eq(p.revents, POLLIN | POLLOUT | POLLRDHUP, "server poll: POLLIN|POLLOUT|POLLRDHUP");
	check_eq(send(s, "back", 4, 0), 4, "server still sends");
	check_eq(recv(c, buf, 4, MSG_WAITALL), 4, "client receives after its SHUT_WR");
	check(memcmp(buf, "back", 4) == 0, "the bytes", NULL);
	sigpipes = 0;
	signal(SIGPIPE, on_sigpipe);
	check_errno(send(c, "x", 1, MSG_NOSIGNAL), EPIPE, "send after SHUT_WR, MSG_NOSIGNAL: EPIPE");
	check_eq(sigpipes, 0, "no SIGPIPE with MSG_NOSIGNAL");
	check_errno(write(c, "x", 1), EPIPE, "write after SHUT_WR: EPIPE");
	check_eq(sigpipes, 1, "SIGPIPE with write");
	signal(SIGPIPE, SIG_DFL);
	check_ok(shutdown(s, SHUT_WR), "server shutdown(SHUT_WR)");
	p.fd = c;
	p.events = POLLRDHUP;
	check_eq(poll(&p, 1, 5000), 1, "client poll: the server's FIN arrives");
	p.events = POLLIN | POLLOUT | POLLRDHUP;
	poll(&p, 1, 0);
	check_eq(p.revents, POLLIN | POLLOUT | POLLHUP | POLLRDHUP, "POLLIN|POLLOUT|POLLHUP|POLLRDHUP");
	check_eq(recv(c, buf, sizeof buf, 0), 0, "client reads end of stream");
	close(c);
	close(s);
	close(l);
}

static void test_peer_close_poll(void)
{
	int l = listener(1), c, s;
	check_ok(pair(l, &c, &s), "pair for peer close");
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.fd = s };
	epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
	close(c);
	struct epoll_event out;
	check_eq(epoll_wait(ep, &out, 1, 5000), 1, "epoll_wait after the peer closed");
	check_eq(out.events, EPOLLIN | EPOLLRDHUP, "EPOLLIN|EPOLLRDHUP");
	struct pollfd p = { .fd = s, .events = POLLIN | POLLRDHUP };
	poll(&p, 1, 0);
	check_eq(p.revents, POLLIN | POLLRDHUP, "poll: POLLIN|POLLRDHUP, no POLLHUP yet");
	shutdown(s, SHUT_WR);
	poll(&p, 1, 0);
	check_eq(p.revents & (POLLHUP | POLLIN), POLLHUP | POLLIN, "after our SHUT_WR too: POLLHUP");
	close(ep);
	close(s);
	close(l);
}

static void test_linger_reset(void)
{
	int l = listener(1), c, s;
	check_ok(pair(l, &c, &s), "pair for SO_LINGER 0");
	struct linger lg = { 1, 0 };
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(c);
	struct pollfd p = { .fd = s, .events = POLLIN };
	check_eq(poll(&p, 1, 5000), 1, "poll sees the reset");
	check_eq(p.revents & (POLLIN | POLLERR | POLLHUP), POLLIN | POLLERR | POLLHUP,
		 "POLLIN|POLLERR|POLLHUP after RST");
	char buf[8];
	check_errno(recv(s, buf, sizeof buf, 0), ECONNRESET, "recv: ECONNRESET");
	check_eq(recv(s, buf, sizeof buf, 0), 0, "then end of stream");
	check_errno(send(s, "x", 1, MSG_NOSIGNAL), EPIPE, "send after the reset: EPIPE");
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	check_errno(getpeername(s, (struct sockaddr *)&a, &len), ENOTCONN, "getpeername after reset: ENOTCONN");
	close(s);

	/* SO_ERROR shows the reset and is cleared by reading it. */
	check_ok(pair(l, &c, &s), "second pair");
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(c);
	p.fd = s;
	poll(&p, 1, 5000);
	int err = 0;
	len = sizeof err;
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
	check_eq(err, ECONNRESET, "SO_ERROR is ECONNRESET");
	getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
	check_eq(err, 0, "SO_ERROR read clears it");
	close(s);
	close(l);
}

static void test_refused_and_nonblocking(void)
{
	int hold;
	struct sockaddr_in closed = closed_port(&hold);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	check_errno(connect(c, (struct sockaddr *)&closed, sizeof closed), ECONNREFUSED,
		    "connect to a closed port: ECONNREFUSED");
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	check_errno(connect(c, (struct sockaddr *)&closed, sizeof closed), EINPROGRESS,
		    "non-blocking connect: EINPROGRESS");
	struct pollfd p = { .fd = c, .events = POLLOUT };
	check_eq(poll(&p, 1, 5000), 1, "poll POLLOUT ends");
	int err = 0;
	socklen_t len = sizeof err;
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	check_eq(err, ECONNREFUSED, "SO_ERROR: ECONNREFUSED");
	close(c);
	close(hold);

	int l = listener(0);
	struct sockaddr_in to = loopback(port_of(l));
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	check_errno(connect(c, (struct sockaddr *)&to, sizeof to), EINPROGRESS,
		    "non-blocking connect to a listener: EINPROGRESS");
	p.fd = c;
	check_eq(poll(&p, 1, 5000), 1, "poll POLLOUT");
	check_eq(p.revents, POLLOUT, "revents POLLOUT");
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	check_eq(err, 0, "SO_ERROR 0");
	check_ok(connect(c, (struct sockaddr *)&to, sizeof to), "connect after completion: 0");
	check_errno(connect(c, (struct sockaddr *)&to, sizeof to), EISCONN, "connect again: EISCONN");
	/* The accept queue (backlog 0 holds one) is full: the next SYN is dropped. */
	int d = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	check_errno(connect(d, (struct sockaddr *)&to, sizeof to), EINPROGRESS, "second connect: EINPROGRESS");
	check_errno(connect(d, (struct sockaddr *)&to, sizeof to), EALREADY, "while SYN_SENT: EALREADY");
	close(d);
	close(c);
	close(l);
}

static void test_addresses_in_use(void)
{
	/* Linux lets a bind reuse a TIME_WAIT port only when both sockets
	 * (the listener's connection inherits its flag) set SO_REUSEADDR. */
	int l = socket(AF_INET, SOCK_STREAM, 0), c, s, on = 1;
	struct sockaddr_in a = loopback(0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	bind(l, (struct sockaddr *)&a, sizeof a);
	listen(l, 1);
	a = loopback(port_of(l));
	int t = socket(AF_INET, SOCK_STREAM, 0);
	check_errno(bind(t, (struct sockaddr *)&a, sizeof a), EADDRINUSE, "bind to a listener's port: EADDRINUSE");
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	check_errno(bind(t, (struct sockaddr *)&a, sizeof a), EADDRINUSE,
		    "SO_REUSEADDR does not share a listening port");
	close(t);
	check_ok(pair(l, &c, &s), "pair for TIME_WAIT");
	close(l);
	/* The server closes first: its end (the listener's port) goes to TIME_WAIT. */
	close(s);
	char buf[4];
	check_eq(recv(c, buf, sizeof buf, 0), 0, "client reads the FIN");
	close(c);
	t = socket(AF_INET, SOCK_STREAM, 0);
	check_errno(bind(t, (struct sockaddr *)&a, sizeof a), EADDRINUSE,
		    "bind over TIME_WAIT without SO_REUSEADDR: EADDRINUSE");
	setsockopt(t, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	check_ok(bind(t, (struct sockaddr *)&a, sizeof a), "bind over TIME_WAIT with SO_REUSEADDR");
	check_ok(listen(t, 1), "and listen");
	close(t);
}

static void test_messages_select_timeouts(void)
{
	int l = listener(1), c, s;
	check_ok(pair(l, &c, &s), "pair for sendmsg/recvmsg");
	/* Gather three pieces, scatter into two. */
	struct iovec out[3] = { { "abc", 3 }, { "defgh", 5 }, { "ij", 2 } };
	struct msghdr m = { .msg_iov = out, .msg_iovlen = 3 };
	check_eq(sendmsg(c, &m, 0), 10, "sendmsg gathers 10 bytes");
	char a[4], b[16];
	struct iovec in[2] = { { a, sizeof a }, { b, 6 } };
	struct sockaddr_in from;
	struct msghdr r = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = in, .msg_iovlen = 2 };
	check_eq(recvmsg(s, &r, MSG_WAITALL), 10, "recvmsg scatters 10 bytes");
	check(memcmp(a, "abcd", 4) == 0 && memcmp(b, "efghij", 6) == 0, "in order across the iovecs", NULL);
	check_eq(r.msg_namelen, 0, "a stream reports no source address");
	check_eq(r.msg_flags, 0, "no msg_flags");

	/* select: writable at once, readable once data is there. */
	fd_set rd, wr;
	struct timeval zero = { 0, 0 }, five = { 5, 0 };
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(s, &rd);
	FD_SET(s, &wr);
	check_eq(select(s + 1, &rd, &wr, NULL, &zero), 1, "select: writable only");
	check(FD_ISSET(s, &wr) && !FD_ISSET(s, &rd), "the write set", NULL);
	send(c, "z", 1, 0);
	FD_ZERO(&rd);
	FD_SET(s, &rd);
	check_eq(select(s + 1, &rd, NULL, NULL, &five), 1, "select: readable after a send");
	check_eq(read(s, b, sizeof b), 1, "read the byte");

	/* shutdown(SHUT_RD): reads see end of stream, the peer can still be written to. */
	check_ok(shutdown(s, SHUT_RD), "shutdown(SHUT_RD)");
	check_eq(recv(s, b, sizeof b, 0), 0, "recv after SHUT_RD: 0");
	check_eq(send(s, "ok", 2, 0), 2, "send after SHUT_RD");
	check_eq(recv(c, b, 2, MSG_WAITALL), 2, "the peer receives it");

	/* SO_SNDTIMEO: a peer that never reads; the call ends after the timeout. */
	struct timeval tv = { 0, 100000 };
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	static char big[8 * MIB];
	long long t0 = mono_ms();
	ssize_t n = send(c, big, sizeof big, 0);
	int e = errno;
	check((n > 0 && n < (ssize_t)sizeof big) || (n < 0 && e == EAGAIN),
	      "SO_SNDTIMEO: a short count or EAGAIN", "got %zd errno %d", n, e);
	check(mono_ms() - t0 >= 90, "after the timeout", NULL);
	int queued = -1;
	check_ok(ioctl(c, TIOCOUTQ, &queued), "SIOCOUTQ (TIOCOUTQ)");
	check(queued > 0, "bytes wait in the send queue", "got %d", queued);
	close(c);
	close(s);
	close(l);
}

int main(void)
{
	test_socket_and_options();
	test_connect_accept();
	test_waitall();
	test_mib_echo();
	test_bulk_sender_cwnd_bounded();
	test_half_close_and_sigpipe();
	test_peer_close_poll();
	test_linger_reset();
	test_refused_and_nonblocking();
	test_addresses_in_use();
	test_messages_select_timeouts();
	return tap_done("t_socket_tcp.c");
}
