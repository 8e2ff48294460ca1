/*
 * t_epoll.c - epoll(7) over pipes and a UDP socket: epoll_create1 flags,
 * epoll_ctl errors (EEXIST, ENOENT, EINVAL, EPERM, EBADF), level-triggered
 * and edge-triggered (EPOLLET) reporting, EPOLLONESHOT and re-arming with
 * EPOLL_CTL_MOD, EPOLLOUT, EPOLLHUP, maxevents, timeouts, a wait woken by
 * another process, closed descriptors leaving the set, and an epoll fd
 * itself polled.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include "tap.h"

static long long mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event e = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

/* One epoll_wait; returns the count, with the first event in *first. */
static int wait1(int ep, struct epoll_event *first, int timeout)
{
	struct epoll_event events[8];
	memset(events, 0, sizeof events);
	int n = epoll_wait(ep, events, 8, timeout);
	if (first)
		*first = events[0];
	return n;
}

static void test_errors(void)
{
	check_errno(epoll_create1(0x1234), EINVAL, "epoll_create1 with unknown flags gives EINVAL");
	int ep = epoll_create1(EPOLL_CLOEXEC);
	check_ok(ep, "epoll_create1(EPOLL_CLOEXEC)");
	check(fcntl(ep, F_GETFD) == FD_CLOEXEC, "EPOLL_CLOEXEC sets FD_CLOEXEC", "not set");
	int p[2];
	pipe(p);
	check_ok(add(ep, p[0], EPOLLIN, 1), "EPOLL_CTL_ADD a pipe's read end");
	check_errno(add(ep, p[0], EPOLLIN, 1), EEXIST, "adding it again gives EEXIST");
	struct epoll_event e = { .events = EPOLLIN };
	check_errno(epoll_ctl(ep, EPOLL_CTL_MOD, p[1], &e), ENOENT, "MOD of an fd not in the set gives ENOENT");
	check_errno(epoll_ctl(ep, EPOLL_CTL_DEL, p[1], &e), ENOENT, "DEL of an fd not in the set gives ENOENT");
	check_errno(epoll_ctl(ep, 99, p[0], &e), EINVAL, "an unknown operation gives EINVAL");
	check_errno(add(ep, ep, EPOLLIN, 0), EINVAL, "adding the epoll fd to itself gives EINVAL");
	check_errno(add(ep, 999, EPOLLIN, 0), EBADF, "adding a closed fd gives EBADF");
	check_errno(epoll_ctl(p[0], EPOLL_CTL_ADD, p[1], &e), EINVAL, "epoll_ctl on a non-epoll fd gives EINVAL");
	int file = open("/proc/self/exe", O_RDONLY);
	check_errno(add(ep, file, EPOLLIN, 0), EPERM, "adding a regular file gives EPERM");
	close(file);
	struct epoll_event events[1];
	check_errno(epoll_wait(ep, events, 0, 0), EINVAL, "maxevents 0 gives EINVAL");
	check_errno(epoll_wait(p[0], events, 1, 0), EINVAL, "epoll_wait on a non-epoll fd gives EINVAL");
	check_errno(epoll_wait(999, events, 1, 0), EBADF, "epoll_wait on a closed fd gives EBADF");
	check_ok(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), "DEL with a NULL event");
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void test_level_and_edge(void)
{
	int ep = epoll_create1(0), p[2], q[2];
	struct epoll_event ev;
	pipe(p);
	pipe(q);
	add(ep, p[0], EPOLLIN, 7);
	check_eq(wait1(ep, NULL, 0), 0, "an empty pipe is not ready");
	write(p[1], "a", 1);
	check(wait1(ep, &ev, 0) == 1 && ev.events == EPOLLIN && ev.data.u64 == 7,
	      "after a write: one event, EPOLLIN, with our data", "events %x data %llu", ev.events,
	      (unsigned long long)ev.data.u64);
	check_eq(wait1(ep, NULL, 0), 1, "level-triggered: reported again while unread");
	add(ep, q[0], EPOLLIN, 8);
	write(q[1], "b", 1);
	struct epoll_event events[2];
	check_eq(epoll_wait(ep, events, 1, 0), 1, "maxevents 1 returns one of two ready");
	check_eq(epoll_wait(ep, events, 2, 0), 2, "maxevents 2 returns both");
	epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);
	epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL);
	check_eq(wait1(ep, NULL, 0), 0, "after DEL nothing is reported");

	char buf[16];
	read(q[0], buf, sizeof buf);
	add(ep, q[0], EPOLLIN | EPOLLET, 9);
	check_eq(wait1(ep, NULL, 0), 0, "edge-triggered: an empty pipe is not reported");
	write(q[1], "c", 1);
	check(wait1(ep, &ev, 0) == 1 && ev.data.u64 == 9, "edge-triggered: a write is reported once", "data %llu",
	      (unsigned long long)ev.data.u64);
	check_eq(wait1(ep, NULL, 0), 0, "and not again while nothing new comes");
	write(q[1], "d", 1);
	check_eq(wait1(ep, NULL, 0), 1, "a second write is a new edge, though the pipe was never drained");
	read(q[0], buf, sizeof buf);
	check_eq(wait1(ep, NULL, 0), 0, "reading makes no edge");
	write(q[1], "e", 1);
	check_eq(wait1(ep, NULL, 0), 1, "after draining, the next write is reported");
	epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL);

	read(q[0], buf, sizeof buf);
	add(ep, q[0], EPOLLIN | EPOLLONESHOT, 10);
	write(q[1], "f", 1);
	check_eq(wait1(ep, NULL, 0), 1, "EPOLLONESHOT: reported once");
	check_eq(wait1(ep, NULL, 0), 0, "then disabled");
	write(q[1], "g", 1);
	check_eq(wait1(ep, NULL, 0), 0, "still disabled after another write");
	struct epoll_event rearm = { .events = EPOLLIN | EPOLLONESHOT, .data.u64 = 11 };
	check_ok(epoll_ctl(ep, EPOLL_CTL_MOD, q[0], &rearm), "EPOLL_CTL_MOD re-arms it");
	check(wait1(ep, &ev, 0) == 1 && ev.data.u64 == 11, "reported again with the new data", "data %llu",
	      (unsigned long long)ev.data.u64);
	epoll_ctl(ep, EPOLL_CTL_DEL, q[0], NULL);

	add(ep, q[1], EPOLLOUT, 12);
	check(wait1(ep, &ev, 0) == 1 && ev.events == EPOLLOUT, "a pipe's write end is EPOLLOUT", "events %x",
	      ev.events);
	epoll_ctl(ep, EPOLL_CTL_DEL, q[1], NULL);
	read(q[0], buf, sizeof buf);
	add(ep, q[0], EPOLLIN, 13);
	close(q[1]);
	check(wait1(ep, &ev, 0) == 1 && ev.events == EPOLLHUP, "the last writer closing gives EPOLLHUP unasked",
	      "events %x", ev.events);
	close(q[0]);
	check_eq(wait1(ep, NULL, 0), 0, "a closed descriptor leaves the set");
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void test_blocking(void)
{
	int ep = epoll_create1(0), p[2];
	pipe(p);
	add(ep, p[0], EPOLLIN, 1);
	long long start = mono_ms();
	check_eq(wait1(ep, NULL, 150), 0, "a 150 ms wait with nothing ready returns 0");
	check(mono_ms() - start >= 140, "after at least 150 ms", "took %lld ms", mono_ms() - start);
	pid_t pid = fork();
	if (pid == 0) {
		struct timespec t = { 0, 100000000 };
		nanosleep(&t, NULL);
		write(p[1], "x", 1);
		_exit(0);
	}
	check_eq(wait1(ep, NULL, 10000), 1, "a blocking wait wakes when another process writes");
	waitpid(pid, NULL, 0);
	struct pollfd pfd = { ep, POLLIN, 0 };
	check(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN, "poll on the epoll fd says POLLIN while an item is ready",
	      "revents %x", pfd.revents);
	char c;
	read(p[0], &c, 1);
	check_eq(poll(&pfd, 1, 0), 0, "and nothing once drained");
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void test_socket(void)
{
	int ep = epoll_create1(0);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	bind(s, (struct sockaddr *)&a, sizeof a);
	getsockname(s, (struct sockaddr *)&a, &len);
	check_ok(add(ep, s, EPOLLIN | EPOLLET, 5), "add a UDP socket, edge-triggered");
	check_eq(wait1(ep, NULL, 0), 0, "an idle socket is not ready");
	sendto(s, "udp", 3, 0, (struct sockaddr *)&a, sizeof a);
	struct epoll_event ev;
	check(wait1(ep, &ev, 5000) == 1 && ev.events == EPOLLIN && ev.data.u64 == 5,
	      "a datagram to itself makes it EPOLLIN", "events %x", ev.events);
	check_eq(wait1(ep, NULL, 0), 0, "once");
	close(s);
	close(ep);
}

int main(void)
{
	test_errors();
	test_level_and_edge();
	test_blocking();
	test_socket();
	return tap_done("t_epoll.c");
}
