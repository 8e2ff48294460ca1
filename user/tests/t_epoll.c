/*
 * t_epoll.c - epoll(7) over pipes and a UDP socket: epoll_create1 flags,
 * epoll_ctl errors (EEXIST, ENOENT, EINVAL, EPERM, EBADF), level-triggered
 * and edge-triggered (EPOLLET) reporting, EPOLLONESHOT and re-arming with
 * EPOLL_CTL_MOD, EPOLLOUT, EPOLLHUP, maxevents, timeouts, a wait woken by
 * another process, closed descriptors leaving the set, an epoll fd
 * itself polled, and epoll sets nested in one another (readiness climbing
 * the nest, ELOOP for cycles and for chains deeper than Linux's limit).
 *
 * "t_epoll pwait2" runs only the epoll_pwait2 checks (timespec timeout,
 * NULL, signal mask): qemu-user 7.2, the recorded oracle, answers ENOSYS
 * for that call, so tests/test_linux_only_modes.sh compares them with Linux 6.1
 * booted by tools/linuxrun instead.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
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

/* epoll_pwait2 by number, so that the test does not need glibc's wrapper. */
static int pwait2(int ep, struct epoll_event *events, int max, const struct timespec *timeout,
		  const sigset_t *mask)
{
	return (int)syscall(SYS_epoll_pwait2, ep, events, max, timeout, mask, _NSIG / 8);
}

static volatile sig_atomic_t usr1_caught;
static void on_usr1(int signal)
{
	(void)signal;
	usr1_caught = 1;
}

static void test_pwait2(void)
{
	int ep = epoll_create1(0), p[2];
	struct epoll_event events[4];
	pipe(p);
	add(ep, p[0], EPOLLIN, 9);
	struct timespec zero = { 0, 0 }, short_wait = { 0, 150000000 }, bad = { 0, 1000000000 };
	check_eq(pwait2(ep, events, 4, &zero, NULL), 0, "epoll_pwait2 with a zero timeout only looks");
	long long start = mono_ms();
	check_eq(pwait2(ep, events, 4, &short_wait, NULL), 0, "a 150 ms epoll_pwait2 with nothing ready returns 0");
	check(mono_ms() - start >= 140, "after at least 150 ms", "took %lld ms", mono_ms() - start);
	check_errno(pwait2(ep, events, 4, &bad, NULL), EINVAL, "tv_nsec of 10^9 gives EINVAL");
	struct timespec negative = { -1, 0 };
	check_errno(pwait2(ep, events, 4, &negative, NULL), EINVAL, "a negative tv_sec gives EINVAL");
	check_errno(pwait2(ep, events, 4, (struct timespec *)8, NULL), EFAULT, "an unreadable timeout gives EFAULT");
	check_errno(pwait2(999, events, 4, &bad, NULL), EINVAL, "the timeout is checked before the descriptor");
	check_errno(pwait2(ep, events, 0, &zero, NULL), EINVAL, "maxevents 0 gives EINVAL");
	write(p[1], "x", 1);
	check(pwait2(ep, events, 4, NULL, NULL) == 1 && events[0].data.u64 == 9,
	      "a NULL timeout waits until an item is ready", "not ready");

	/* The mask is installed for the call: an unblocked pending signal interrupts it. */
	char c;
	read(p[0], &c, 1);
	struct sigaction action = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &action, NULL);
	sigset_t blocked, empty;
	sigemptyset(&blocked);
	sigemptyset(&empty);
	sigaddset(&blocked, SIGUSR1);
	sigprocmask(SIG_BLOCK, &blocked, NULL);
	raise(SIGUSR1);
	check_eq(pwait2(ep, events, 4, &zero, &blocked), 0, "a pending signal the mask blocks does not interrupt");
	check_errno(pwait2(ep, events, 4, NULL, &empty), EINTR, "one the mask unblocks interrupts with EINTR");
	check(usr1_caught, "and its handler ran", "handler did not run");
	sigset_t now;
	sigprocmask(SIG_SETMASK, NULL, &now);
	check(sigismember(&now, SIGUSR1), "the old signal mask is back afterwards", "SIGUSR1 unblocked");
	sigprocmask(SIG_UNBLOCK, &blocked, NULL);
	signal(SIGUSR1, SIG_DFL);
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void test_nested(void)
{
	int outer = epoll_create1(0), inner = epoll_create1(0), p[2];
	struct epoll_event ev;
	pipe(p);
	check_ok(add(inner, p[0], EPOLLIN, 1), "add a pipe to the inner epoll");
	check_ok(add(outer, inner, EPOLLIN, 2), "EPOLL_CTL_ADD of an epoll fd to another epoll");
	check_eq(wait1(outer, NULL, 0), 0, "the outer epoll is idle while the pipe is empty");
	pid_t pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	check(wait1(outer, &ev, 10000) == 1 && ev.events == EPOLLIN && ev.data.u64 == 2,
	      "a write to the pipe wakes a wait on the outer epoll with the inner one's EPOLLIN",
	      "events %x data %llu", ev.events, (unsigned long long)ev.data.u64);
	waitpid(pid, NULL, 0);
	check(wait1(inner, &ev, 0) == 1 && ev.data.u64 == 1, "the inner epoll reports the pipe", "not ready");
	char c;
	read(p[0], &c, 1);
	check_eq(wait1(outer, NULL, 0), 0, "and the outer one is idle once the pipe is drained");
	check_errno(add(inner, outer, EPOLLIN, 0), ELOOP, "adding the outer epoll to the inner one gives ELOOP");
	check_errno(add(outer, inner, EPOLLIN, 0), EEXIST, "adding the inner one twice gives EEXIST");
	check_ok(epoll_ctl(outer, EPOLL_CTL_DEL, inner, NULL), "EPOLL_CTL_DEL of the inner epoll");
	check_ok(add(inner, outer, EPOLLIN, 0), "after which the other way round is allowed");
	close(p[0]);
	close(p[1]);
	close(inner);
	close(outer);

	/* epoll_ctl(2): ELOOP past a nesting depth of 5, built downward and upward. */
	int chain[6];
	for (int i = 0; i < 6; i++)
		chain[i] = epoll_create1(0);
	int ok = 1;
	for (int i = 0; i < 4; i++)
		ok &= add(chain[i], chain[i + 1], EPOLLIN, 0) == 0;
	check(ok, "a chain of five epolls, each added to the one above", "refused");
	check_errno(add(chain[4], chain[5], EPOLLIN, 0), ELOOP, "a sixth below them gives ELOOP");
	for (int i = 0; i < 6; i++)
		close(chain[i]);
	for (int i = 0; i < 6; i++)
		chain[i] = epoll_create1(0);
	ok = 1;
	for (int i = 4; i >= 1; i--)
		ok &= add(chain[i], chain[i + 1], EPOLLIN, 0) == 0;
	check(ok, "a chain of five epolls, each added to a new one above", "refused");
	check_errno(add(chain[0], chain[1], EPOLLIN, 0), ELOOP, "a sixth above them gives ELOOP");
	for (int i = 0; i < 6; i++)
		close(chain[i]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "pwait2") == 0) {
		test_pwait2();
		return tap_done("t_epoll.c pwait2");
	}
	test_errors();
	test_level_and_edge();
	test_blocking();
	test_socket();
	test_nested();
	return tap_done("t_epoll.c");
}
