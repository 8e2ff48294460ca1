/*
 * b_tcp: TCP between the guest and the host's Linux (tools/peers/tcp_peer.py
 * in tools/netns-peer's namespace, 10.0.2.2).
 *
 *   b_tcp send [MiB [ADDRESS]]      bulk guest -> host: connect to port 9101,
 *                                   write MiB (default 100) in 64 KiB calls,
 *                                   shutdown(SHUT_WR), read until the host's
 *                                   FIN, which it sends once it has read all
 *                                   of it.  Timed from connect() to that FIN.
 *       BENCH tcp_tx <Mbit/s> Mbit/s
 *   b_tcp recv [MiB [ADDRESS]]      bulk host -> guest: connect to port 9102,
 *                                   send the size wanted as 8 bytes, read in
 *                                   64 KiB calls until the host's FIN.  Timed
 *                                   from connect() to the FIN.
 *       BENCH tcp_rx <Mbit/s> Mbit/s
 *   b_tcp connect [N [ADDRESS]]     N (default 500) connections to port 9103
 *                                   one after the other: connect(), read the
 *                                   host's FIN (it closes at once, so TIME_WAIT
 *                                   stays on the host), close().
 *       BENCH tcp_connect <per second> connections/s
 *   b_tcp rr SIZE [N [ADDRESS]]     on one connection to port 9104 (echo),
 *                                   N (default 2000) round trips of SIZE bytes,
 *                                   TCP_NODELAY; the mean round trip.
 *       BENCH tcp_rr_<SIZE> <us> us
 *
 * Mbit/s is 10^6 bits per second of payload.  A few untimed round trips or
 * connections go first (the first also waits for ARP).  Errors go to stderr
 * with exit status 1.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)
#define PORT_SINK 9101
#define PORT_SOURCE 9102
#define PORT_CLOSER 9103
#define PORT_ECHO 9104
#define WARMUP 5
#define RR_SIZE_MAX 65536

static struct in_addr host;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fail(const char *what)
{
	fprintf(stderr, "b_tcp: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int connect_to(int port)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr = host };
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		fail("socket");
	if (connect(s, (struct sockaddr *)&to, sizeof to) < 0)
		fail("connect");
	return s;
}

/* Reads until end of file; the number of bytes read. */
static uint64_t drain(int s, char *buffer)
{
	uint64_t total = 0;
	for (;;) {
		ssize_t n = read(s, buffer, CHUNK);
		if (n < 0)
			fail("read");
		if (n == 0)
			return total;
		total += n;
	}
}

static void write_all(int s, const char *data, size_t length)
{
	while (length) {
		ssize_t n = write(s, data, length);
		if (n < 0)
			fail("write");
		data += n;
		length -= n;
	}
}

static void read_exactly(int s, char *data, size_t length)
{
	while (length) {
		ssize_t n = read(s, data, length);
		if (n < 0)
			fail("read");
		if (n == 0) {
			fprintf(stderr, "b_tcp: the host closed early\n");
			exit(1);
		}
		data += n;
		length -= n;
	}
}

static double mbit_per_s(uint64_t bytes, double seconds) { return bytes * 8 / seconds / 1e6; }

static void bulk_send(uint64_t bytes)
{
	static char buffer[CHUNK];
	memset(buffer, 'b', sizeof buffer);
	double t0 = now_s();
	int s = connect_to(PORT_SINK);
	for (uint64_t left = bytes; left;) {
		size_t n = left < CHUNK ? left : CHUNK;
		write_all(s, buffer, n);
		left -= n;
	}
	if (shutdown(s, SHUT_WR) < 0)
		fail("shutdown");
	drain(s, buffer);
	double t = now_s() - t0;
	close(s);
	printf("BENCH tcp_tx %.1f Mbit/s\n", mbit_per_s(bytes, t));
}

static void bulk_receive(uint64_t bytes)
{
	static char buffer[CHUNK];
	double t0 = now_s();
	int s = connect_to(PORT_SOURCE);
	unsigned char size[8];
	for (int i = 0; i < 8; i++)
		size[i] = (unsigned char)(bytes >> (56 - 8 * i));
	write_all(s, (char *)size, sizeof size);
	uint64_t got = drain(s, buffer);
	double t = now_s() - t0;
	close(s);
	if (got != bytes) {
		fprintf(stderr, "b_tcp: received %llu bytes of %llu\n", (unsigned long long)got,
				(unsigned long long)bytes);
		exit(1);
	}
	printf("BENCH tcp_rx %.1f Mbit/s\n", mbit_per_s(bytes, t));
}

static void one_connection(void)
{
	char byte;
	int s = connect_to(PORT_CLOSER);
	if (read(s, &byte, 1) != 0)
		fail("read (the host should close at once)");
	close(s);
}

static void connections(int n)
{
	for (int i = 0; i < WARMUP; i++)
		one_connection();
	double t0 = now_s();
	for (int i = 0; i < n; i++)
		one_connection();
	printf("BENCH tcp_connect %.0f connections/s\n", n / (now_s() - t0));
}

static void round_trips(size_t size, int n)
{
	static char out[RR_SIZE_MAX], in[RR_SIZE_MAX];
	memset(out, 'r', size);
	int s = connect_to(PORT_ECHO);
	int one = 1;
	if (setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
		fail("setsockopt TCP_NODELAY");
	double t0 = 0;
	for (int i = 0; i < WARMUP + n; i++) {
		if (i == WARMUP)
			t0 = now_s();
		write_all(s, out, size);
		read_exactly(s, in, size);
	}
	double t = now_s() - t0;
	close(s);
	printf("BENCH tcp_rr_%zu %.1f us\n", size, t / n * 1e6);
}

static void usage(void)
{
	fprintf(stderr, "usage: b_tcp send|recv [MiB [ADDRESS]]\n"
					"       b_tcp connect [N [ADDRESS]]\n"
					"       b_tcp rr SIZE(1..%d) [N [ADDRESS]]\n", RR_SIZE_MAX);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	const char *mode = argv[1];
	int rr = !strcmp(mode, "rr");
	long size = rr && argc > 2 ? atol(argv[2]) : 0;
	char **rest = argv + (rr ? 3 : 2);
	int left = argc - (rr ? 3 : 2);
	long count = left > 0 ? atol(rest[0]) : 0;
	if (inet_pton(AF_INET, left > 1 ? rest[1] : "10.0.2.2", &host) != 1 || count < 0 ||
		(rr && (size < 1 || size > RR_SIZE_MAX)))
		usage();
	if (!strcmp(mode, "send"))
		bulk_send((uint64_t)(count ? count : 100) << 20);
	else if (!strcmp(mode, "recv"))
		bulk_receive((uint64_t)(count ? count : 100) << 20);
	else if (!strcmp(mode, "connect"))
		connections(count ? count : 500);
	else if (rr)
		round_trips(size, count ? count : 2000);
	else
		usage();
	return 0;
}
