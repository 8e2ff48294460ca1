/*
 * accept_server.c - the guest's listener for the flood tests.
 *
 * usage: accept_server PORT BACKLOG [BUFFER]
 *
 * Listens on PORT with BACKLOG (and, given BUFFER, SO_SNDBUF and SO_RCVBUF
 * of BUFFER bytes, which the accepted connections inherit), prints READY, then serves one connection
 * at a time: reads up to 15 bytes, answers "ok\n" and closes, until a
 * connection sends "quit"; then prints how many it served and exits 0.
 * A connection that fails on its way (reset by a peer that gave up) is
 * counted apart and does not end the loop.
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: accept_server PORT BACKLOG [BUFFER]\n");
		return 2;
	}
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	int one = 1;
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (argc == 4) {
		int buffer = atoi(argv[3]);
		if (setsockopt(listener, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof buffer) != 0 ||
		    setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer) != 0) {
			perror("accept_server: SO_SNDBUF/SO_RCVBUF");
			return 1;
		}
	}
	struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
	if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 ||
	    listen(listener, atoi(argv[2])) != 0) {
		perror("accept_server");
		return 1;
	}
	printf("READY\n");
	fflush(stdout);
	unsigned long served = 0, failed = 0;
	for (;;) {
		int connection = accept(listener, NULL, NULL);
		if (connection < 0) {
			failed++;
			continue;
		}
		char request[16] = { 0 };
		ssize_t got = read(connection, request, sizeof request - 1);
		if (got > 0 && strncmp(request, "quit", 4) == 0) {
			close(connection);
			break;
		}
		if (got > 0 && write(connection, "ok\n", 3) == 3)
			served++;
		else
			failed++;
		close(connection);
	}
	printf("served %lu failed %lu\n", served, failed);
	close(listener);
	return 0;
}
