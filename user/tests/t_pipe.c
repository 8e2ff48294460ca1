/*
 * t_pipe.c - pipes and readiness: pipe2(2) flags, EOF, EAGAIN, pipe
 * capacity, a large parent<->child transfer, ppoll(2)/pselect6(2) on
 * pipes (POLLIN, POLLOUT, POLLHUP, POLLERR, POLLNVAL, timeouts), and the
 * character devices /dev/null, /dev/zero, /dev/urandom.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/select.h>
#include <time.h>
#include "tap.h"

static long long mono_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void test_pipe2_flags(void)
{
	int p[2];
	char buf[16];

	check_eq(pipe2(p, O_CLOEXEC), 0, "pipe2 O_CLOEXEC");
	check(fcntl(p[0], F_GETFD) == FD_CLOEXEC && fcntl(p[1], F_GETFD) == FD_CLOEXEC,
	      "both ends have FD_CLOEXEC", "flag missing");
	check((fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY &&
	      (fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY,
	      "p[0] is read-only and p[1] write-only", "wrong modes");
	errno = 0;
	check_errno(write(p[0], "x", 1), EBADF, "writing the read end gives EBADF");
	close(p[0]);
	close(p[1]);

	check_eq(pipe2(p, O_NONBLOCK), 0, "pipe2 O_NONBLOCK");
	check(fcntl(p[0], F_GETFD) == 0, "no FD_CLOEXEC without O_CLOEXEC", "set");
	errno = 0;
	check_errno(read(p[0], buf, sizeof buf), EAGAIN, "read on an empty O_NONBLOCK pipe gives EAGAIN");

	/* Fill the pipe: capacity is at least PIPE_BUF (4096 on Linux). */
	static char chunk[1024];
	long total = 0;
	ssize_t n;
	while ((n = write(p[1], chunk, sizeof chunk)) > 0)
		total += n;
	check(n == -1 && errno == EAGAIN, "write to a full O_NONBLOCK pipe gives EAGAIN",
	      "ret %zd errno %d", n, errno);
	/* A write <= PIPE_BUF is all-or-nothing (pipe(7)), so there may be
	 * up to 1023 bytes of room left: fill them one byte at a time. */
	while (write(p[1], chunk, 1) == 1)
		total++;
	check(total >= 4096, "pipe holds at least PIPE_BUF (4096) bytes", "held %ld", total);
	struct pollfd pf = { p[1], POLLOUT, 0 };
	check_eq(poll(&pf, 1, 0), 0, "full pipe's write end is not POLLOUT");
	close(p[0]);
	close(p[1]);

	errno = 0;
	check_errno(pipe2(p, 0x12345678), EINVAL, "pipe2 with unknown flags gives EINVAL");
}

static void test_eof(void)
{
	int p[2];
	char buf[16];

	pipe(p);
	check_eq(write(p[1], "0123456789", 10), 10, "write 10 bytes into a pipe");
	check_eq(read(p[0], buf, 4), 4, "read takes only what was asked (4)");
	check(read(p[0], buf, sizeof buf) == 6 && !memcmp(buf, "456789", 6),
	      "next read returns the remaining 6 bytes in order", "wrong data");
	close(p[1]);
	check_eq(read(p[0], buf, sizeof buf), 0, "read returns 0 (EOF) once all writers closed");
	check_eq(read(p[0], buf, sizeof buf), 0, "EOF is sticky");
	close(p[0]);
}

/* --- large transfer ------------------------------------------------------ */

#define TOTAL (4 << 20) /* 4 MiB */

static unsigned char pattern(long i) { return (unsigned char)(i * 7 + (i >> 12)); }

static void test_large_transfer(void)
{
	int p[2];

	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		/* Writer: odd-sized writes so chunks straddle pipe buffers. */
		static unsigned char buf[70001];
		long off = 0, size = 1;
		close(p[0]);
		while (off < TOTAL) {
			size = size * 37 % 70001 + 1;
			long n = size < TOTAL - off ? size : TOTAL - off;
			for (long i = 0; i < n; i++)
				buf[i] = pattern(off + i);
			for (long done = 0; done < n;) {
				ssize_t w = write(p[1], buf + done, n - done);
				if (w <= 0)
					_exit(1);
				done += w;
			}
			off += n;
		}
		_exit(0);
	}
	close(p[1]);
	static unsigned char buf[65536];
	long off = 0, bad = 0, size = 1;
	unsigned long sum = 0;
	ssize_t n;
	while ((n = read(p[0], buf, (size = size * 13 % 65536 + 1))) > 0) {
		for (long i = 0; i < n; i++) {
			bad += buf[i] != pattern(off + i);
			sum = sum * 31 + buf[i];
		}
		off += n;
	}
	unsigned long want = 0;
	for (long i = 0; i < TOTAL; i++)
		want = want * 31 + pattern(i);
	close(p[0]);
	int st = -1;
	waitpid(pid, &st, 0);
	check_exited(st, 0, "child wrote 4 MiB into the pipe");
	check_eq(off, TOTAL, "parent read exactly 4 MiB then EOF");
	check(bad == 0 && sum == want, "every byte arrived in order (checksum matches)",
	      "%ld bad bytes", bad);
}

/* --- ppoll / pselect6 ------------------------------------------------------ */

static void test_ppoll(void)
{
	int p[2];
	struct timespec zero = { 0, 0 };

	pipe(p);
	struct pollfd pf[2] = { { p[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	check_eq(ppoll(pf, 2, &zero, NULL), 1, "ppoll: only the write end is ready on an empty pipe");
	check(pf[0].revents == 0 && pf[1].revents == POLLOUT,
	      "empty pipe: read end no events, write end POLLOUT", "revents %#x %#x",
	      pf[0].revents, pf[1].revents);

	write(p[1], "x", 1);
	check_eq(ppoll(pf, 2, &zero, NULL), 2, "ppoll: both ends ready after a write");
	check_eq(pf[0].revents, POLLIN, "read end reports POLLIN");

	/* Timeout: nothing to read, so ppoll waits at least 20 ms, returns 0. */
	char c;
	read(p[0], &c, 1);
	struct timespec t20 = { 0, 20 * 1000000L };
	long long t0 = mono_ns();
	check_eq(ppoll(pf, 1, &t20, NULL), 0, "ppoll times out with 0 on an empty pipe");
	check(mono_ns() - t0 >= 20 * 1000000LL, "ppoll waited at least 20 ms", "too short");

	/* Blocking ppoll woken by a writer in another process. */
	pid_t pid = fork();
	if (pid == 0) {
		write(p[1], "y", 1);
		_exit(0);
	}
	pf[0].revents = 0;
	check_eq(ppoll(pf, 1, NULL, NULL), 1, "ppoll without timeout wakes when the child writes");
	check_eq(pf[0].revents, POLLIN, "woken with POLLIN");
	waitpid(pid, NULL, 0);
	read(p[0], &c, 1);

	/* poll(2): POLLHUP when all writers are gone, POLLERR for the
	 * write end when the reader is gone, POLLNVAL for a closed fd. */
	close(p[1]);
	pf[0].revents = 0;
	check_eq(ppoll(pf, 1, &zero, NULL), 1, "ppoll reports the read end after the writer closed");
	check_eq(pf[0].revents & (POLLHUP | POLLERR | POLLNVAL), POLLHUP,
		 "read end reports POLLHUP when the writer closed");
	close(p[0]);

	pipe(p);
	close(p[0]);
	pf[1].fd = p[1];
	pf[1].events = POLLOUT;
	ppoll(&pf[1], 1, &zero, NULL);
	check(pf[1].revents & POLLERR, "write end reports POLLERR when the reader closed",
	      "revents %#x", pf[1].revents);
	close(p[1]);

	struct pollfd bad[2] = { { p[1], POLLIN, 0 }, { -1, POLLIN, 0 } };
	check_eq(ppoll(bad, 2, &zero, NULL), 1, "ppoll counts a closed fd as ready");
	check(bad[0].revents == POLLNVAL && bad[1].revents == 0,
	      "closed fd gives POLLNVAL, negative fd is ignored", "revents %#x %#x",
	      bad[0].revents, bad[1].revents);

	/* The sigmask argument is installed for the duration of the call. */
	sigset_t block, now;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	pipe(p);
	write(p[1], "z", 1);
	pf[0].fd = p[0];
	pf[0].events = POLLIN;
	check_eq(ppoll(pf, 1, &zero, &block), 1, "ppoll with a sigmask argument");
	sigprocmask(SIG_BLOCK, NULL, &now);
	check(!sigismember(&now, SIGUSR1), "ppoll restores the original signal mask", "still blocked");
	close(p[0]);
	close(p[1]);
}

static void test_pselect(void)
{
	int p[2];
	fd_set r, w;
	struct timespec zero = { 0, 0 };

	pipe(p);
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p[0], &r);
	FD_SET(p[1], &w);
	int nfds = (p[0] > p[1] ? p[0] : p[1]) + 1;
	check_eq(pselect(nfds, &r, &w, NULL, &zero, NULL), 1,
		 "pselect6: one fd ready on an empty pipe");
	check(!FD_ISSET(p[0], &r) && FD_ISSET(p[1], &w),
	      "empty pipe: not readable, writable", "wrong sets");

	write(p[1], "x", 1);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	check_eq(pselect(nfds, &r, NULL, NULL, &zero, NULL), 1, "pselect6: readable after a write");
	check(FD_ISSET(p[0], &r), "read end is in the readable set", "missing");

	char c;
	read(p[0], &c, 1);
	struct timespec t20 = { 0, 20 * 1000000L };
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	long long t0 = mono_ns();
	check_eq(pselect(nfds, &r, NULL, NULL, &t20, NULL), 0, "pselect6 times out with 0");
	check(mono_ns() - t0 >= 20 * 1000000LL && !FD_ISSET(p[0], &r),
	      "pselect6 waited at least 20 ms and cleared the set", "bad");

	close(p[1]);
	FD_ZERO(&r);
	FD_SET(p[0], &r);
	check_eq(pselect(nfds, &r, NULL, NULL, &zero, NULL), 1,
		 "pselect6: read end readable (EOF) after the writer closed");
	close(p[0]);

	FD_ZERO(&r);
	FD_SET(p[0], &r);
	errno = 0;
	check_errno(pselect(nfds, &r, NULL, NULL, &zero, NULL), EBADF,
		    "pselect6 with a closed fd in the set gives EBADF");
}

/* --- character devices ------------------------------------------------- */

static void test_devices(void)
{
	char buf[64];

	int fd = open("/dev/null", O_RDWR);
	check(fd >= 0, "open /dev/null", "errno %d", errno);
	check_eq(write(fd, "discard", 7), 7, "write to /dev/null consumes everything");
	check_eq(read(fd, buf, sizeof buf), 0, "read from /dev/null gives EOF");
	close(fd);

	fd = open("/dev/zero", O_RDONLY);
	check(fd >= 0, "open /dev/zero", "errno %d", errno);
	memset(buf, 0xff, sizeof buf);
	check_eq(read(fd, buf, sizeof buf), sizeof buf, "read 64 bytes from /dev/zero");
	int zeros = 1;
	for (unsigned i = 0; i < sizeof buf; i++)
		zeros &= buf[i] == 0;
	check(zeros, "/dev/zero gives zero bytes", "non-zero");
	close(fd);

	fd = open("/dev/urandom", O_RDONLY);
	check(fd >= 0, "open /dev/urandom", "errno %d", errno);
	char a[32], b[32];
	check(read(fd, a, 32) == 32 && read(fd, b, 32) == 32,
	      "read 2 x 32 bytes from /dev/urandom", "short read");
	check(memcmp(a, b, 32) != 0, "two /dev/urandom reads differ", "equal");
	close(fd);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN); /* keep a broken pipe from killing us */
	test_pipe2_flags();
	test_eof();
	test_large_transfer();
	test_ppoll();
	test_pselect();
	test_devices();
	return tap_done("t_pipe.c");
}
