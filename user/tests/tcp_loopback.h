/*
 * tcp_loopback.h - helpers the TCP tests share: addresses on 127.0.0.1,
 * listeners at ephemeral ports, connected pairs, a millisecond clock.
 */
#ifndef TCP_LOOPBACK_H
#define TCP_LOOPBACK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static uint16_t port_of(int s)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;
	if (getsockname(s, (struct sockaddr *)&a, &len))
		return 0;
	return ntohs(a.sin_port);
}

/* A listener on 127.0.0.1 at an ephemeral port. */
static int listener(int backlog)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = loopback(0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) || listen(s, backlog))
		return -1;
	return s;
}

/* A port nobody listens on: *holder is bound to it, never listening, so
 * that no other socket takes it while the test connects there (RST). */
__attribute__((unused)) static struct sockaddr_in closed_port(int *holder)
{
	struct sockaddr_in a = loopback(0);
	*holder = socket(AF_INET, SOCK_STREAM, 0);
	bind(*holder, (struct sockaddr *)&a, sizeof a);
	return loopback(port_of(*holder));
}

/* A connected pair through listener l: *client and *server. */
static int pair(int l, int *client, int *server)
{
	struct sockaddr_in a = loopback(port_of(l));
	*client = socket(AF_INET, SOCK_STREAM, 0);
	if (*client < 0 || connect(*client, (struct sockaddr *)&a, sizeof a))
		return -1;
	*server = accept(l, NULL, NULL);
	return *server < 0 ? -1 : 0;
}

__attribute__((unused)) static long long mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

#endif
