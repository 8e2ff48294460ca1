/*
 * t_socket_tcp_close.c - AF_INET SOCK_STREAM over 127.0.0.1, the ends of
 * connections and the options around them: a new SYN reopening a
 * connection in TIME_WAIT (RFC 9293 3.10.7.4, RFC 1122 4.2.2.13), SO_LINGER
 * with a timeout (close waits for the ACK of the data, or for the
 * timeout), connect again after a failed connect, connect(AF_UNSPEC),
 * write after the peer's
 * RST (ECONNRESET, then EPIPE with SIGPIPE), TCP_MAXSEG announced in the
 * SYN and SYN-ACK (seen through an AF_PACKET socket on lo, so it needs
 * root), urgent data with SO_OOBINLINE, keepalive options and the probes
 * an idle connection sends once SO_KEEPALIVE is set, IP_TTL and IP_TOS on
 * the wire (both seen the same way), ICMP errors about an established
 * connection (sent through a raw socket) reported once by SO_ERROR, and
 * TCP_INFO.
 * Only ephemeral ports on 127.0.0.1 are used.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include "internet_checksum.h"
#include "tap.h"
#include "tcp_loopback.h"

/* Reads exactly n bytes (several recv calls when they stop short). */
static ssize_t read_all(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = recv(fd, buf + got, n - got, 0);
		if (r <= 0)
			return r;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* Waits (at most 5 s) until /proc/net/tcp no longer lists the connection
 * local -> remote: Strata's loopback delivers the last ACK of a close
 * after close() has returned. */
static int wait_connection_gone(uint16_t local, uint16_t remote)
{
	char text[32768], row[64];
	snprintf(row, sizeof row, "0100007F:%04X 0100007F:%04X", local, remote);
	for (int i = 0; i < 5000; i++) {
		int fd = open("/proc/net/tcp", O_RDONLY), n = 0, r;
		while (fd >= 0 && n < (int)sizeof text - 1 && (r = read(fd, text + n, sizeof text - 1 - n)) > 0)
			n += r;
		close(fd);
		text[n > 0 ? n : 0] = 0;
		if (!strstr(text, row))
			return 0;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	return -1;
}

static volatile sig_atomic_t sigpipes;
static void on_sigpipe(int sig) { (void)sig; sigpipes++; }

/*
 * The server closes first, so its end (listener port, client port) waits
 * in TIME_WAIT.  A new client on the same port sends a SYN to that 4-tuple;
 * its ISN is newer, so the listener takes it as a new connection.
 */
static void test_time_wait_reopened(void)
{
	int l = listener(4), c, s, on = 1;
	check_ok(l, "listener for TIME_WAIT reuse");
	struct sockaddr_in to = loopback(port_of(l)), from = loopback(0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	bind(c, (struct sockaddr *)&from, sizeof from);
	from = loopback(port_of(c));
	check_ok(connect(c, (struct sockaddr *)&to, sizeof to), "first connection");
	s = accept(l, NULL, NULL);
	check_ok(s, "accepted");
	close(s);
	char buf[8];
	check_eq(recv(c, buf, sizeof buf, 0), 0, "client reads the server's FIN");
	close(c);
	check_ok(wait_connection_gone(ntohs(from.sin_port), ntohs(to.sin_port)),
		 "the client's end is closed");

	c = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(c, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	check_ok(bind(c, (struct sockaddr *)&from, sizeof from), "a new client binds the same port");
	check_ok(connect(c, (struct sockaddr *)&to, sizeof to),
		 "its SYN to the TIME_WAIT 4-tuple opens a connection");
	struct sockaddr_in peer;
	socklen_t len = sizeof peer;
	s = accept(l, (struct sockaddr *)&peer, &len);
	check(s >= 0 && peer.sin_port == from.sin_port, "the listener accepts it from that port", NULL);
	check_eq(send(c, "again", 5, 0), 5, "send on the new connection");
	check(read_all(s, buf, 5) == 5 && !memcmp(buf, "again", 5), "the new connection carries data", NULL);
	close(c);
	close(s);
	close(l);
}

/*
 * Makes c's peer s stop acknowledging: c sends (non-blocking) until its
 * buffer is full and nothing is in flight: every byte c holds is unsent
 * (SIOCOUTQ == SIOCOUTQNSD), so s's window is closed.  Linux's loopback
 * gets there within the send calls; Strata's delivers in its network
 * thread, so the condition is polled (at most 5 s).
 */
static int fill_until_stalled(int c)
{
	static char fill[65536];
	fcntl(c, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 5000; i++) {
		while (send(c, fill, sizeof fill, 0) > 0)
			;
		if (errno != EAGAIN)
			return -1;
		int queued = 0, unsent = 0;
		ioctl(c, SIOCOUTQ, &queued);
		if (ioctl(c, SIOCOUTQNSD, &unsent) < 0 && errno == ENOSYS)
			return 0;   /* qemu-aarch64 lacks it; Linux's loopback is there already */
		if (queued > 0 && queued == unsent)
			return 0;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
	}
	return -1;
}

/* SO_LINGER with a timeout: close returns once the data and the FIN are
 * acknowledged; with a peer that does not read, after the timeout. */
static void test_linger_timeout(void)
{
	int l = listener(1), c, s;
	check_ok(pair(l, &c, &s), "pair for SO_LINGER 5");
	struct linger lg = { 1, 5 };
	check_ok(setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg), "SO_LINGER {1, 5}");
	static char data[20000];
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (char)(i % 251);
	check_eq(send(c, data, sizeof data, 0), sizeof data, "send 20000 bytes");
	check_ok(close(c), "close lingers until they are acknowledged");
	static char got[sizeof data];
	check(read_all(s, got, sizeof got) == sizeof got && !memcmp(got, data, sizeof data),
	      "the peer has every byte", NULL);
	check_eq(recv(s, got, 1, 0), 0, "then end of stream");
	close(s);

	check_ok(pair(l, &c, &s), "pair for a peer that never reads");
	check_ok(fill_until_stalled(c), "send until the windows and buffers are full");
	lg.l_linger = 1;
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	long long t0 = mono_ms();
	check_ok(close(c), "close with SO_LINGER {1, 1} on an O_NONBLOCK socket returns 0");
	check(mono_ms() - t0 >= 900, "after the linger time", NULL);
	close(s);
	close(l);
}

/* Linux's __inet_stream_connect: a connect that failed leaves the socket
 * unconnected, so connect tries again. */
static void test_connect_after_failure(void)
{
	int hold;
	struct sockaddr_in closed = closed_port(&hold);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	check_errno(connect(c, (struct sockaddr *)&closed, sizeof closed), ECONNREFUSED,
		    "connect to a closed port: ECONNREFUSED");
	check_errno(connect(c, (struct sockaddr *)&closed, sizeof closed), ECONNREFUSED,
		    "connect again: a new attempt, ECONNREFUSED again");
	int l = listener(1);
	struct sockaddr_in to = loopback(port_of(l));
	check_ok(connect(c, (struct sockaddr *)&to, sizeof to), "then connect to a listener succeeds");
	int s = accept(l, NULL, NULL);
	check_eq(send(c, "x", 1, 0), 1, "and carries data");
	char b;
	check_eq(recv(s, &b, 1, 0), 1, "to the accepted socket");
	close(c);
	close(s);

	/* Non-blocking: the failure is reported once, by the next connect
	 * or by SO_ERROR. */
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	check_errno(connect(c, (struct sockaddr *)&closed, sizeof closed), EINPROGRESS,
		    "non-blocking connect to a closed port: EINPROGRESS");
	struct pollfd p = { .fd = c, .events = POLLOUT };
	poll(&p, 1, 5000);
	check_errno(connect(c, (struct sockaddr *)&closed, sizeof closed), ECONNREFUSED,
		    "the next connect reports ECONNREFUSED");
	check_errno(connect(c, (struct sockaddr *)&closed, sizeof closed), EINPROGRESS,
		    "the one after starts again: EINPROGRESS");
	poll(&p, 1, 5000);
	int err = 0;
	socklen_t len = sizeof err;
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	check_eq(err, ECONNREFUSED, "SO_ERROR takes the failure");
	check_errno(connect(c, (struct sockaddr *)&closed, sizeof closed), ECONNABORTED,
		    "then connect: ECONNABORTED");
	check_errno(connect(c, (struct sockaddr *)&to, sizeof to), EINPROGRESS,
		    "and again: EINPROGRESS to the listener");
	poll(&p, 1, 5000);
	check_ok(connect(c, (struct sockaddr *)&to, sizeof to), "connect after completion: 0");
	check_errno(connect(c, (struct sockaddr *)&to, sizeof to), EISCONN, "then EISCONN");
	close(c);
	close(l);
	close(hold);
}

/* connect(AF_UNSPEC) (Linux's tcp_disconnect): a connection is reset and
 * the socket can connect again; a listener stops listening. */
static void test_disconnect(void)
{
	int l = listener(2), c, s;
	check_ok(pair(l, &c, &s), "pair for connect(AF_UNSPEC)");
	struct sockaddr_in6 six = { .sin6_family = AF_INET6 };
	check_errno(connect(c, (struct sockaddr *)&six, sizeof six), EISCONN,
		    "connect(AF_INET6) on a connected socket: EISCONN");
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	check_errno(connect(c, &unspec, 1), EINVAL, "connect with a 1-byte address: EINVAL");
	check_ok(connect(c, &unspec, sizeof unspec), "connect(AF_UNSPEC) disconnects");
	char b[4];
	check_errno(recv(s, b, sizeof b, 0), ECONNRESET, "the peer was reset");
	int err = 0;
	socklen_t len = sizeof err;
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	check_eq(err, ECONNRESET, "SO_ERROR of the disconnected socket: ECONNRESET");
	struct sockaddr_in to = loopback(port_of(l));
	check_ok(connect(c, (struct sockaddr *)&to, sizeof to), "it connects again");
	close(s);
	s = accept(l, NULL, NULL);
	check_eq(send(c, "y", 1, 0), 1, "and sends");
	check_eq(recv(s, b, 1, 0), 1, "to the new accepted socket");
	close(c);
	close(s);
	check_ok(connect(l, &unspec, sizeof unspec), "connect(AF_UNSPEC) on a listener");
	c = socket(AF_INET, SOCK_STREAM, 0);
	check_errno(connect(c, (struct sockaddr *)&to, sizeof to), ECONNREFUSED,
		    "it listens no more: ECONNREFUSED");
	close(c);
	check_ok(listen(l, 1), "its port is still bound: listen again");
	check_ok(pair(l, &c, &s), "and accept");
	close(c);
	close(s);
	close(l);
}

/* After the peer's RST the first write reports it, later ones get EPIPE
 * and SIGPIPE; a connect on the reset socket is EISCONN (still SS_CONNECTED). */
static void test_write_after_reset(void)
{
	int l = listener(1), c, s;
	check_ok(pair(l, &c, &s), "pair for write after RST");
	struct linger lg = { 1, 0 };
	setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(c);
	struct pollfd p = { .fd = s, .events = POLLIN };
	poll(&p, 1, 5000);
	sigpipes = 0;
	signal(SIGPIPE, on_sigpipe);
	check_errno(write(s, "x", 1), ECONNRESET, "write after RST: ECONNRESET");
	check_eq(sigpipes, 0, "without SIGPIPE");
	check_errno(write(s, "x", 1), EPIPE, "write again: EPIPE");
	check_eq(sigpipes, 1, "with SIGPIPE");
	check_errno(send(s, "x", 1, MSG_NOSIGNAL), EPIPE, "send MSG_NOSIGNAL: EPIPE");
	check_eq(sigpipes, 1, "without SIGPIPE");
	signal(SIGPIPE, SIG_DFL);
	struct sockaddr_in to = loopback(port_of(l));
	check_errno(connect(s, (struct sockaddr *)&to, sizeof to), EISCONN, "connect after RST: EISCONN");
	close(s);
	close(l);
}

/* An AF_PACKET socket seeing lo's IP datagrams (each twice on Linux: as
 * sent and as received), giving up on a read after 5 s. */
static int lo_sniffer(void)
{
	int sniffer = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP));
	struct sockaddr_ll lo = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
				  .sll_ifindex = (int)if_nametoindex("lo") };
	check_ok(bind(sniffer, (struct sockaddr *)&lo, sizeof lo), "an AF_PACKET socket on lo");
	struct timeval tv = { 5, 0 };
	setsockopt(sniffer, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return sniffer;
}

struct seen_segment {
	uint8_t ttl, tos, flags;
	uint32_t seq, ack;
	size_t length;                  /* of the payload */
};

/* The next TCP datagram lo shows, into frame (at least 2048 bytes): its
 * TCP header, or NULL when none comes within 5 s. */
static struct tcphdr *next_tcp(int sniffer, unsigned char *frame)
{
	for (;;) {
		ssize_t n = recv(sniffer, frame, 2048, 0);
		if (n < 40)
			return NULL;
		struct iphdr *ip = (struct iphdr *)frame;
		if (ip->protocol == IPPROTO_TCP)
			return (struct tcphdr *)(frame + ip->ihl * 4);
	}
}

/* The next TCP segment from port from to port to on lo: 0, or -1 when none
 * comes within 5 s. */
static int next_segment(int sniffer, uint16_t from, uint16_t to, struct seen_segment *seen)
{
	unsigned char frame[2048];
	for (int tries = 0; tries < 64; tries++) {
		struct tcphdr *tcp = next_tcp(sniffer, frame);
		if (!tcp)
			return -1;
		if (ntohs(tcp->source) != from || ntohs(tcp->dest) != to)
			continue;
		struct iphdr *ip = (struct iphdr *)frame;
		seen->ttl = ip->ttl;
		seen->tos = ip->tos;
		seen->flags = ((unsigned char *)tcp)[13];
		seen->seq = ntohl(tcp->seq);
		seen->ack = ntohl(tcp->ack_seq);
		seen->length = ntohs(ip->tot_len) - ip->ihl * 4 - tcp->doff * 4;
		return 0;
	}
	return -1;
}

/* The same for the next segment carrying data. */
static int next_data_segment(int sniffer, uint16_t from, uint16_t to, struct seen_segment *seen)
{
	int got;
	while ((got = next_segment(sniffer, from, to, seen)) == 0 && seen->length == 0)
		;
	return got;
}

/* The MSS option of the next SYN (with or without ACK) to port on lo, or -1. */
static int syn_mss_to(int sniffer, uint16_t port, int with_ack)
{
	unsigned char frame[2048];
	for (int tries = 0; tries < 64; tries++) {
		struct tcphdr *tcp = next_tcp(sniffer, frame);
		if (!tcp)
			return -1;
		if (ntohs(tcp->dest) != port || !tcp->syn || tcp->ack != with_ack)
			continue;
		unsigned char *o = (unsigned char *)(tcp + 1), *end = (unsigned char *)tcp + tcp->doff * 4;
		while (o < end && *o != 0) {
			if (*o == 1) {
				o++;
				continue;
			}
			if (o + 1 >= end || o[1] < 2)
				return -1;
			if (o[0] == 2 && o[1] == 4)
				return o[2] << 8 | o[3];
			o += o[1];
		}
		return -1;
	}
	return -1;
}

static void test_maxseg(void)
{
	int v = 10;
	int c = socket(AF_INET, SOCK_STREAM, 0);
	check_errno(setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof v), EINVAL, "TCP_MAXSEG 10: EINVAL");
	v = 1000;
	check_ok(setsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof v), "TCP_MAXSEG 1000 before connect");
	socklen_t len = sizeof v;
	v = 0;
	getsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, &len);
	check_eq(v, 1000, "reads back 1000 before connect");

	int sniffer = lo_sniffer();

	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(0);
	bind(l, (struct sockaddr *)&a, sizeof a);
	v = 700;
	check_ok(setsockopt(l, IPPROTO_TCP, TCP_MAXSEG, &v, sizeof v), "TCP_MAXSEG 700 on a listener");
	listen(l, 1);
	struct sockaddr_in to = loopback(port_of(l));
	check_ok(connect(c, (struct sockaddr *)&to, sizeof to), "connect");
	check_eq(syn_mss_to(sniffer, port_of(l), 0), 1000, "the SYN announces MSS 1000");
	check_eq(syn_mss_to(sniffer, port_of(c), 1), 700, "the SYN-ACK announces MSS 700");
	int s = accept(l, NULL, NULL);
	len = sizeof v;
	getsockopt(c, IPPROTO_TCP, TCP_MAXSEG, &v, &len);
	/* Linux subtracts the timestamp option (12 bytes) on lo; Strata sends none. */
	check(v <= 700 && v >= 700 - 40, "the client sends at most the server's 700", "got %d", v);
	getsockopt(s, IPPROTO_TCP, TCP_MAXSEG, &v, &len);
	check(v <= 700 && v >= 700 - 40, "the server at most its own 700", "got %d", v);
	close(sniffer);
	close(c);
	close(s);
	close(l);
}

/* Urgent data with SO_OOBINLINE: the byte stays in the stream (Linux
 * stops a read at the mark), and recv(MSG_OOB) has nothing: EINVAL. */
static void test_urgent_inline(void)
{
	int l = listener(1), c, s, on = 1;
	check_ok(pair(l, &c, &s), "pair for urgent data");
	check_ok(setsockopt(s, SOL_SOCKET, SO_OOBINLINE, &on, sizeof on), "SO_OOBINLINE on");
	int v = 0;
	socklen_t len = sizeof v;
	getsockopt(s, SOL_SOCKET, SO_OOBINLINE, &v, &len);
	check_eq(v, 1, "SO_OOBINLINE reads back 1");
	check_eq(send(c, "ab", 2, 0), 2, "send ab");
	check_eq(send(c, "c", 1, MSG_OOB), 1, "send c with MSG_OOB");
	check_eq(send(c, "de", 2, 0), 2, "send de");
	char buf[8];
	check(read_all(s, buf, 5) == 5 && !memcmp(buf, "abcde", 5), "the stream is abcde", NULL);
	check_errno(recv(s, buf, 1, MSG_OOB), EINVAL, "recv MSG_OOB with SO_OOBINLINE: EINVAL");
	check_eq(send(c, "f", 1, 0), 1, "send f");
	check_eq(recv(s, buf, 1, 0), 1, "the connection goes on");
	close(c);
	close(s);
	close(l);
}

static void test_keepalive_options(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0), v;
	socklen_t len = sizeof v;
	getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len);
	check_eq(v, 7200, "TCP_KEEPIDLE default 7200");
	getsockopt(s, IPPROTO_TCP, TCP_KEEPINTVL, &v, &len);
	check_eq(v, 75, "TCP_KEEPINTVL default 75");
	getsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &v, &len);
	check_eq(v, 9, "TCP_KEEPCNT default 9");
	getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len);
	check_eq(v, 0, "SO_KEEPALIVE default 0");
	static const struct { int name, bad1, bad2; const char *what; } limits[] = {
		{ TCP_KEEPIDLE, 0, 32768, "TCP_KEEPIDLE 0 and 32768: EINVAL" },
		{ TCP_KEEPINTVL, 0, 32768, "TCP_KEEPINTVL 0 and 32768: EINVAL" },
		{ TCP_KEEPCNT, 0, 128, "TCP_KEEPCNT 0 and 128: EINVAL" },
	};
	for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		int r1 = setsockopt(s, IPPROTO_TCP, limits[i].name, &limits[i].bad1, sizeof(int));
		int e1 = errno;
		int r2 = setsockopt(s, IPPROTO_TCP, limits[i].name, &limits[i].bad2, sizeof(int));
		int e2 = errno;
		check(r1 == -1 && e1 == EINVAL && r2 == -1 && e2 == EINVAL, limits[i].what,
		      "%d/%d %d/%d", r1, e1, r2, e2);
	}
	int values[3] = { 30, 5, 3 }, names[3] = { TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT };
	int all = 1;
	for (int i = 0; i < 3; i++) {
		all &= setsockopt(s, IPPROTO_TCP, names[i], &values[i], sizeof(int)) == 0;
		len = sizeof v;
		all &= getsockopt(s, IPPROTO_TCP, names[i], &v, &len) == 0 && v == values[i];
	}
	check(all, "30, 5, 3 set and read back", NULL);
	short two_bytes = 1;
	check_errno(setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &two_bytes, sizeof two_bytes), EINVAL,
		    "a SOL_TCP option shorter than an int: EINVAL");
	close(s);

	/* An accepted socket inherits the listener's keepalive settings. */
	int l = listener(1), c;
	v = 1;
	setsockopt(l, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v);
	v = 40;
	setsockopt(l, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v);
	v = 4;
	setsockopt(l, IPPROTO_TCP, TCP_KEEPCNT, &v, sizeof v);
	check_ok(pair(l, &c, &s), "pair for keepalive inheritance");
	int on = 0, idle = 0, count = 0;
	len = sizeof v;
	getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &on, &len);
	getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &idle, &len);
	getsockopt(s, IPPROTO_TCP, TCP_KEEPCNT, &count, &len);
	check(on == 1 && idle == 40 && count == 4, "the accepted socket has SO_KEEPALIVE, 40 s, 4 probes",
	      "%d %d %d", on, idle, count);
	close(c);
	close(s);
	close(l);
}

/*
 * SO_KEEPALIVE set on an established connection that then sits idle (the
 * socket makes no call; only the sniffer waits): after TCP_KEEPIDLE, 1 s,
 * a probe <SEQ=SND.UNA-1> without data (RFC 1122 4.2.3.6, Linux's
 * tcp_xmit_probe_skb), which the peer answers with an ACK of SND.UNA.
 */
static void test_keepalive_probe_when_idle(void)
{
	int l = listener(1), c, s, v = 1;
	check_ok(pair(l, &c, &s), "pair for keepalive probes");
	setsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &v, sizeof v);
	setsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, &v, sizeof v);
	int sniffer = lo_sniffer();
	check_ok(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v),
		 "SO_KEEPALIVE on the established connection");
	struct seen_segment probe, answer;
	int got = next_segment(sniffer, port_of(c), port_of(l), &probe);
	check(got == 0 && probe.length == 0 && probe.flags == TH_ACK,
	      "an idle connection sends a keepalive probe: ACK, no data", "got %d, flags %#x, %zu bytes",
	      got, probe.flags, probe.length);
	got = next_segment(sniffer, port_of(l), port_of(c), &answer);
	check(got == 0 && answer.ack == probe.seq + 1,
	      "the peer's ACK is the probe's SEG.SEQ + 1: the probe was SND.UNA - 1", "got %d", got);
	check_eq(send(c, "k", 1, 0), 1, "the connection carries on");
	char byte;
	check_eq(recv(s, &byte, 1, 0), 1, "received");
	close(sniffer);
	close(c);
	close(s);
	close(l);
}

/*
 * IP_TTL and IP_TOS reach TCP's segments (ip(7)): set on a listener, its
 * SYN-ACK and the accepted connection's segments carry them; set on a
 * connected socket, its next segment does.
 */
static void test_ttl_and_tos_on_the_wire(void)
{
	int sniffer = lo_sniffer();
	int l = socket(AF_INET, SOCK_STREAM, 0), ttl = 33, tos = IPTOS_THROUGHPUT;
	struct sockaddr_in a = loopback(0);
	bind(l, (struct sockaddr *)&a, sizeof a);
	check_ok(setsockopt(l, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl), "IP_TTL 33 on a listener");
	check_ok(setsockopt(l, IPPROTO_IP, IP_TOS, &tos, sizeof tos), "IP_TOS 0x08 on a listener");
	listen(l, 1);
	int c, s;
	check_ok(pair(l, &c, &s), "pair for IP_TTL and IP_TOS");
	struct seen_segment seen;
	int got = next_segment(sniffer, port_of(l), port_of(c), &seen);
	check(got == 0 && seen.flags == (TH_SYN | TH_ACK) && seen.ttl == 33 && seen.tos == IPTOS_THROUGHPUT,
	      "the SYN-ACK has TTL 33 and TOS 0x08", "got %d, flags %#x, ttl %u, tos %#x", got, seen.flags,
	      seen.ttl, seen.tos);
	check_eq(send(s, "a", 1, 0), 1, "the accepted socket sends");
	got = next_data_segment(sniffer, port_of(l), port_of(c), &seen);
	check(got == 0 && seen.ttl == 33 && seen.tos == IPTOS_THROUGHPUT,
	      "its data segment has TTL 33 and TOS 0x08", "got %d, ttl %u, tos %#x", got, seen.ttl, seen.tos);
	ttl = 77;
	tos = IPTOS_LOWDELAY;
	check_ok(setsockopt(c, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl), "IP_TTL 77 on the connected client");
	check_ok(setsockopt(c, IPPROTO_IP, IP_TOS, &tos, sizeof tos), "IP_TOS 0x10 on the connected client");
	check_eq(send(c, "b", 1, 0), 1, "the client sends");
	got = next_data_segment(sniffer, port_of(c), port_of(l), &seen);
	check(got == 0 && seen.ttl == 77 && seen.tos == IPTOS_LOWDELAY,
	      "its data segment has TTL 77 and TOS 0x10", "got %d, ttl %u, tos %#x", got, seen.ttl, seen.tos);
	tos = IPTOS_LOWDELAY | 3;
	setsockopt(c, IPPROTO_IP, IP_TOS, &tos, sizeof tos);
	socklen_t len = sizeof tos;
	getsockopt(c, IPPROTO_IP, IP_TOS, &tos, &len);
	check_eq(tos, IPTOS_LOWDELAY, "IP_TOS 0x13 on a TCP socket keeps no ECN bits: reads back 0x10");
	close(sniffer);
	close(c);
	close(s);
	close(l);
}

/* Sends to 127.0.0.1, through a raw socket, the ICMP error of type and
 * code about a segment from port from to port to with sequence number seq
 * (its IP header and first 8 bytes, RFC 792). */
static void send_icmp_about(uint8_t type, uint8_t code, uint16_t from, uint16_t to, uint32_t seq)
{
	unsigned char message[8 + 20 + 8] = { type, code };
	struct iphdr *quoted = (struct iphdr *)(message + 8);
	quoted->version = 4;
	quoted->ihl = 5;
	quoted->tot_len = htons(40);
	quoted->ttl = 64;
	quoted->protocol = IPPROTO_TCP;
	quoted->saddr = quoted->daddr = htonl(INADDR_LOOPBACK);
	quoted->check = internet_checksum(quoted, 20);
	uint16_t ports[2] = { htons(from), htons(to) };
	uint32_t sequence = htonl(seq);
	memcpy(message + 28, ports, 4);
	memcpy(message + 32, &sequence, 4);
	uint16_t checksum = internet_checksum(message, sizeof message);
	memcpy(message + 2, &checksum, 2);
	int raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	struct sockaddr_in to_us = loopback(0);
	sendto(raw, message, sizeof message, 0, (struct sockaddr *)&to_us, sizeof to_us);
	close(raw);
}

/*
 * An ICMP error about an established connection's segment is soft (RFC
 * 1122 4.2.3.9, tcp(7)): the connection carries on, and SO_ERROR reports
 * the error once (Linux's sk_err_soft), Protocol Unreachable as
 * ENOPROTOOPT, as for UDP.  The error quotes SND.UNA, a sequence number in
 * flight (RFC 5927 4.1), learnt from the sniffer.
 */
static void test_icmp_soft_error_reported_by_so_error(void)
{
	int l = listener(1), c, s, error;
	check_ok(pair(l, &c, &s), "pair for ICMP soft errors");
	int sniffer = lo_sniffer();
	check_eq(send(c, "z", 1, 0), 1, "the client sends a byte");
	struct seen_segment seen;
	int got = next_data_segment(sniffer, port_of(c), port_of(l), &seen);
	char byte;
	check_eq(recv(s, &byte, 1, 0), 1, "received");
	static const struct { uint8_t type, code; int error; const char *what; } cases[] = {
		{ 3, 1, EHOSTUNREACH, "host unreachable: SO_ERROR EHOSTUNREACH" },
		{ 3, 2, ENOPROTOOPT, "protocol unreachable: SO_ERROR ENOPROTOOPT" },
		{ 11, 0, EHOSTUNREACH, "time exceeded: SO_ERROR EHOSTUNREACH" },
	};
	for (size_t i = 0; got == 0 && i < sizeof cases / sizeof cases[0]; i++) {
		send_icmp_about(cases[i].type, cases[i].code, port_of(c), port_of(l), seen.seq + 1);
		socklen_t len = sizeof error;
		error = 0;
		/* lo hands the error to TCP in the network context: a second at most. */
		for (int tries = 0; tries < 100 && !error; tries++) {
			getsockopt(c, SOL_SOCKET, SO_ERROR, &error, &len);
			if (!error)
				poll(NULL, 0, 10);
		}
		check_eq(error, cases[i].error, cases[i].what);
		getsockopt(c, SOL_SOCKET, SO_ERROR, &error, &len);
		check_eq(error, 0, "read once: SO_ERROR 0 again");
	}
	check_eq(send(c, "y", 1, 0), 1, "the connection carries on");
	check_eq(recv(s, &byte, 1, 0), 1, "received");
	close(sniffer);
	close(c);
	close(s);
	close(l);
}

/*
 * TCP_INFO after a transfer.  qemu-aarch64 (the host oracle) copies only
 * the first 4 bytes of TCP_INFO back, so the figures past tcpi_state are
 * checked only when the whole structure came back (Strata, and Linux 6.1
 * through tools/linuxrun): RTO within RFC 6298's bounds as Linux sets
 * them (200 ms .. 120 s), RTT below it, a congestion window of at least
 * 2 segments (RFC 6928's smallest initial window, for lo's 64 KiB MSS;
 * nothing was lost), no retransmissions.
 */
static void test_tcp_info(void)
{
	int l = listener(1), c, s;
	check_ok(pair(l, &c, &s), "pair for TCP_INFO");
	static char data[100000], sink[sizeof data];
	check_eq(send(c, data, sizeof data, 0), sizeof data, "send 100000 bytes");
	check_eq(read_all(s, sink, sizeof sink), sizeof sink, "received");
	check_eq(send(s, "k", 1, 0), 1, "an answer");
	check_eq(recv(c, sink, 1, 0), 1, "received");
	struct tcp_info info;
	memset(&info, 0, sizeof info);
	socklen_t len = sizeof info;
	check_ok(getsockopt(c, IPPROTO_TCP, TCP_INFO, &info, &len), "TCP_INFO");
	check_eq(info.tcpi_state, TCP_ESTABLISHED, "tcpi_state ESTABLISHED");
	check_eq(info.tcpi_retransmits, 0, "tcpi_retransmits 0");
	int whole = len >= offsetof(struct tcp_info, tcpi_total_retrans) + sizeof info.tcpi_total_retrans;
	check(!whole || (info.tcpi_rto >= 200000 && info.tcpi_rto <= 120000000),
	      "tcpi_rto within 200 ms .. 120 s", "%u", info.tcpi_rto);
	check(!whole || info.tcpi_rtt < info.tcpi_rto, "tcpi_rtt below tcpi_rto", "%u %u",
	      info.tcpi_rtt, info.tcpi_rto);
	check(!whole || (info.tcpi_snd_cwnd >= 2 && info.tcpi_snd_mss > 0),
	      "tcpi_snd_cwnd at least 2 segments", "%u", info.tcpi_snd_cwnd);
	check(!whole || info.tcpi_total_retrans == 0, "tcpi_total_retrans 0", "%u", info.tcpi_total_retrans);
	close(c);
	close(s);
	close(l);
}

int main(void)
{
	test_time_wait_reopened();
	test_linger_timeout();
	test_connect_after_failure();
	test_write_after_reset();
	test_disconnect();
	test_maxseg();
	test_urgent_inline();
	test_keepalive_options();
	test_keepalive_probe_when_idle();
	test_ttl_and_tos_on_the_wire();
	test_icmp_soft_error_reported_by_so_error();
	test_tcp_info();
	return tap_done("t_socket_tcp_close.c");
}
