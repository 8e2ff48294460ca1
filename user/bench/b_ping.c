/*
 * b_ping: ICMP echo round trip, guest -> host, on a raw ICMP socket as
 * busybox ping uses (socket(AF_INET, SOCK_RAW, IPPROTO_ICMP); each datagram
 * read comes with its IP header).
 *
 *   b_ping [N [ADDRESS]]  N timed echoes (default 100) to ADDRESS (default
 *                         10.0.2.2, the host side of tools/netns-peer).
 *
 * Echoes go one at a time, the next as soon as the reply is in (no interval:
 * the figure is the stacks' and the virtual NIC's latency, not a timer's).
 * Three untimed echoes go first: the first one also waits for ARP.  Each
 * round trip is timed from just before sendto() to just after the matching
 * reply (our identifier and sequence number) is read; other ICMP that a raw
 * socket also sees is skipped.  A reply missing for 1 s counts as lost; more
 * than N/10 lost is a failure.  56 bytes of data, as ping's default.
 *
 *   BENCH ping_min <ms> ms
 *   BENCH ping_median <ms> ms
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DATA 56
#define WARMUP 3
#define MAX_N 100000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static unsigned short checksum(const void *data, size_t length)
{
	const unsigned char *p = data;
	unsigned long sum = 0;
	for (size_t i = 0; i + 1 < length; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (length & 1)
		sum += p[length - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* One echo: its round trip in ms, or -1 if no reply came within 1 s. */
static double echo(int s, const struct sockaddr_in *to, unsigned short id, unsigned short seq)
{
	unsigned char out[sizeof(struct icmphdr) + DATA], in[2048];
	struct icmphdr *request = (struct icmphdr *)out;
	memset(out, 0, sizeof out);
	for (int i = 0; i < DATA; i++)
		out[sizeof *request + i] = (unsigned char)i;
	request->type = ICMP_ECHO;
	request->un.echo.id = htons(id);
	request->un.echo.sequence = htons(seq);
	request->checksum = checksum(out, sizeof out);
	double t0 = now_ms();
	if (sendto(s, out, sizeof out, 0, (const struct sockaddr *)to, sizeof *to) != sizeof out) {
		perror("b_ping: sendto");
		exit(1);
	}
	for (;;) {
		int left = (int)(t0 + 1000 - now_ms());
		struct pollfd p = { .fd = s, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, left) == 0)
			return -1;
		ssize_t n = recv(s, in, sizeof in, 0);
		double t1 = now_ms();
		if (n < 0) {
			perror("b_ping: recv");
			exit(1);
		}
		size_t header = (size_t)(in[0] & 0xf) * 4;
		if ((size_t)n < header + sizeof(struct icmphdr))
			continue;
		const struct icmphdr *reply = (const struct icmphdr *)(in + header);
		if (reply->type == ICMP_ECHOREPLY && ntohs(reply->un.echo.id) == id &&
		    ntohs(reply->un.echo.sequence) == seq)
			return t1 - t0;
	}
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 100;
	struct sockaddr_in to = { .sin_family = AF_INET };
	if (n <= 0 || n > MAX_N || inet_pton(AF_INET, argc > 2 ? argv[2] : "10.0.2.2", &to.sin_addr) != 1) {
		fprintf(stderr, "usage: b_ping [N [ADDRESS]]\n");
		return 2;
	}
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (s < 0) {
		perror("b_ping: socket");
		return 1;
	}
	unsigned short id = getpid() & 0xffff;
	static double rtt[MAX_N];
	int got = 0, lost = 0;
	for (int seq = 0; seq < WARMUP + n; seq++) {
		double t = echo(s, &to, id, (unsigned short)seq);
		if (seq < WARMUP)
			continue;
		if (t < 0)
			lost++;
		else
			rtt[got++] = t;
	}
	if (lost > n / 10 || got == 0) {
		fprintf(stderr, "b_ping: %d of %d echoes lost\n", lost, n);
		return 1;
	}
	qsort(rtt, got, sizeof rtt[0], by_value);
	double median = got % 2 ? rtt[got / 2] : (rtt[got / 2 - 1] + rtt[got / 2]) / 2;
	printf("BENCH ping_min %.3f ms\n", rtt[0]);
	printf("BENCH ping_median %.3f ms\n", median);
	return 0;
}
