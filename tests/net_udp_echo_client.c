/*
 * A UDP echo client for tests/test_net_busybox.sh, run in the guest: sends
 * one datagram of each size to SERVER:PORT (sizes past eth0's MTU leave as
 * IP fragments and come back as fragments) and checks that the same bytes
 * return.  Prints "echo SIZE ok" or "echo SIZE FAILED ..." per size; exits
 * 0 only if every size came back.  A lost datagram is retried (5 tries).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 1, 100, 1472, 1473, 3000, 4096, 8192 };
	static unsigned char out[8192], in[9000];
	if (argc != 3) {
		fprintf(stderr, "usage: %s SERVER PORT\n", argv[0]);
		return 2;
	}
	struct sockaddr_in server = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
	inet_pton(AF_INET, argv[1], &server.sin_addr);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct timeval timeout = { 2, 0 };
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
	if (s < 0 || connect(s, (struct sockaddr *)&server, sizeof server) < 0) {
		perror("socket/connect");
		return 1;
	}
	int failed = 0;
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		size_t size = sizes[i];
		for (size_t j = 0; j < size; j++)
			out[j] = (unsigned char)(j * 31 + size);
		ssize_t got = -1;
		for (int attempt = 0; attempt < 5 && got != (ssize_t)size; attempt++) {
			if (send(s, out, size, 0) != (ssize_t)size) {
				perror("send");
				break;
			}
			got = recv(s, in, sizeof in, 0);
		}
		if (got == (ssize_t)size && !memcmp(in, out, size)) {
			printf("echo %zu ok\n", size);
		} else {
			printf("echo %zu FAILED: got %zd (%s)\n", size, got, got < 0 ? strerror(errno) : "wrong bytes");
			failed = 1;
		}
	}
	return failed;
}
