/*
 * udp_echo: a UDP echo server and a checking client, for the real-peer tests
 * (tests/test_net_real_peer.sh).  Busybox's nc has no -u, so this is the UDP
 * peer on both sides: built static for the guest and natively for the host.
 *
 *   udp_echo server PORT             echo every datagram back to its sender;
 *                                    prints READY once bound; the datagram
 *                                    "quit" is answered "bye" and ends it
 *   udp_echo client ADDRESS PORT SIZE...
 *                                    send one datagram of each SIZE (up to
 *                                    65507; past 1472 it leaves as IP
 *                                    fragments) and check that the same bytes
 *                                    come back: prints "echo SIZE ok" or
 *                                    "echo SIZE FAILED: why"; exit 0 if all ok
 *   udp_echo quit ADDRESS PORT       end a server: send "quit" until "bye"
 *
 * The client sends again (5 tries in all) when no answer comes in 2 s, so a
 * datagram lost on the way is not a failure but a wrong answer is.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PAYLOAD 65507 /* 65535 less the IP and UDP headers */
#define TRIES 5
#define WAIT_MS 2000

static unsigned char out[MAX_PAYLOAD], in[MAX_PAYLOAD + 1];

static int usage(void)
{
	fprintf(stderr, "usage: udp_echo server PORT\n"
			"       udp_echo client ADDRESS PORT SIZE...\n"
			"       udp_echo quit ADDRESS PORT\n");
	return 2;
}

static int port_number(const char *text)
{
	int port = atoi(text);
	return port > 0 && port <= 65535 ? port : -1;
}

static int serve(int port)
{
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in here = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (s < 0 || bind(s, (struct sockaddr *)&here, sizeof here) < 0) {
		perror("udp_echo: server socket/bind");
		return 1;
	}
	printf("READY\n");
	fflush(stdout);
	for (;;) {
		struct sockaddr_in from;
		socklen_t length = sizeof from;
		ssize_t n = recvfrom(s, in, sizeof in, 0, (struct sockaddr *)&from, &length);
		if (n < 0) {
			perror("udp_echo: recvfrom");
			return 1;
		}
		int quit = n == 4 && !memcmp(in, "quit", 4);
		if (sendto(s, quit ? (unsigned char *)"bye" : in, quit ? 3 : n, 0,
			   (struct sockaddr *)&from, length) < 0) {
			perror("udp_echo: sendto");
			return 1;
		}
		if (quit)
			return 0;
	}
}

/* Sends size bytes of out and waits for the answer: its length, or -1 if none came. */
static ssize_t exchange(int s, size_t size)
{
	for (int try = 0; try < TRIES; try++) {
		if (send(s, out, size, 0) != (ssize_t)size) {
			perror("udp_echo: send");
			return -1;
		}
		struct pollfd p = { .fd = s, .events = POLLIN };
		if (poll(&p, 1, WAIT_MS) == 1)
			return recv(s, in, sizeof in, 0);
	}
	errno = ETIMEDOUT;
	return -1;
}

static int connected(const char *address, const char *port_text)
{
	int port = port_number(port_text);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port) };
	if (port < 0 || inet_pton(AF_INET, address, &to.sin_addr) != 1) {
		fprintf(stderr, "udp_echo: bad address or port: %s %s\n", address, port_text);
		return -1;
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof to) < 0) {
		perror("udp_echo: socket/connect");
		return -1;
	}
	return s;
}

static int client(int s, int count, char **sizes)
{
	int failed = 0;
	for (int i = 0; i < count; i++) {
		long size = atol(sizes[i]);
		if (size < 1 || size > MAX_PAYLOAD)
			return usage();
		for (long j = 0; j < size; j++)
			out[j] = (unsigned char)(j * 31 + size);
		ssize_t got = exchange(s, size);
		if (got == size && !memcmp(in, out, size)) {
			printf("echo %ld ok\n", size);
		} else {
			printf("echo %ld FAILED: %s\n", size, got < 0 ? strerror(errno) :
			       got != size ? "wrong length" : "wrong bytes");
			failed = 1;
		}
		fflush(stdout);
	}
	return failed;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "server") && port_number(argv[2]) > 0)
		return serve(port_number(argv[2]));
	if (argc >= 5 && !strcmp(argv[1], "client")) {
		int s = connected(argv[2], argv[3]);
		return s < 0 ? 1 : client(s, argc - 4, argv + 4);
	}
	if (argc == 4 && !strcmp(argv[1], "quit")) {
		int s = connected(argv[2], argv[3]);
		if (s < 0)
			return 1;
		memcpy(out, "quit", 4);
		ssize_t got = exchange(s, 4);
		return got == 3 && !memcmp(in, "bye", 3) ? 0 : 1;
	}
	return usage();
}
