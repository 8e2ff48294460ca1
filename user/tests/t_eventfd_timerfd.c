/*
 * t_eventfd_timerfd.c - eventfd2(2) and timerfd_create(2): flags, the
 * counter's read/write rules (EFD_SEMAPHORE, the 0xfffffffffffffffe bound,
 * EINVAL for short buffers), blocking and EAGAIN, readiness through poll and
 * epoll, a wake-up from a child process, and timers on CLOCK_MONOTONIC and
 * CLOCK_REALTIME, relative and TFD_TIMER_ABSTIME, one-shot and periodic,
 * with timerfd_gettime and the old value of timerfd_settime.
 *
 * Times are checked as bounds that hold on any machine (an expiry count is
 * at least what must have passed), never as exact durations.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include "tap.h"

#define MS 1000000LL

static long long now_ns(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int readable_now(int fd)
{
	struct pollfd descriptor = { fd, POLLIN | POLLOUT, 0 };
	return poll(&descriptor, 1, 0) == 1 ? descriptor.revents : 0;
}

static void test_eventfd_flags(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	check_ok(fd, "eventfd2 with EFD_CLOEXEC | EFD_NONBLOCK");
	check_eq(fcntl(fd, F_GETFD), FD_CLOEXEC, "EFD_CLOEXEC sets FD_CLOEXEC");
	check_eq(fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR | O_NONBLOCK,
		 "the file is O_RDWR | O_NONBLOCK");
	struct stat status;
	check(fstat(fd, &status) == 0 && status.st_mode == 0600,
	      "fstat: mode 0600 with no file type (an anonymous inode)", "mode 0%o",
	      status.st_mode);
	char link[64] = "";
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	ssize_t length = readlink(path, link, sizeof link - 1);
	check(length > 0 && !strcmp(link, "anon_inode:[eventfd]"),
	      "/proc/self/fd names it anon_inode:[eventfd]", "readlink gave %zd [%s]", length, link);
	check_eq(lseek(fd, 5, SEEK_SET), 0, "lseek succeeds and the position stays 0");
	close(fd);
	fd = eventfd(0, 0);
	check_eq(fcntl(fd, F_GETFD), 0, "no FD_CLOEXEC without EFD_CLOEXEC");
	check_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0, "no O_NONBLOCK without EFD_NONBLOCK");
	close(fd);
	errno = 0;
	check_errno(syscall(SYS_eventfd2, 0, 4), EINVAL, "an unknown flag gives EINVAL");
}

static void test_eventfd_counter(void)
{
	int fd = eventfd(5, EFD_NONBLOCK);
	uint64_t value = 0;
	check_eq(readable_now(fd), POLLIN | POLLOUT, "initial value 5: readable and writable");
	check_eq(read(fd, &value, sizeof value), 8, "read returns 8 bytes");
	check_eq(value, 5, "read returns the initial value");
	check_eq(readable_now(fd), POLLOUT, "after the read the counter is 0: not readable");
	errno = 0;
	check_errno(read(fd, &value, sizeof value), EAGAIN, "read of 0 gives EAGAIN when non-blocking");
	value = 3;
	check_eq(write(fd, &value, 8), 8, "write 3");
	value = 4;
	check_eq(write(fd, &value, 8), 8, "write 4");
	uint64_t pair[2] = { 0, 0 };
	check_eq(read(fd, pair, sizeof pair), 8, "a longer buffer still reads 8 bytes");
	check_eq(pair[0], 7, "writes add up: 3 + 4");
	errno = 0;
	check_errno(read(fd, &value, 7), EINVAL, "read with 7 bytes gives EINVAL");
	errno = 0;
	check_errno(write(fd, &value, 7), EINVAL, "write with 7 bytes gives EINVAL");
	value = UINT64_MAX;
	errno = 0;
	check_errno(write(fd, &value, 8), EINVAL, "writing 0xffffffffffffffff gives EINVAL");
	value = UINT64_MAX - 1;
	check_eq(write(fd, &value, 8), 8, "writing the largest value 0xfffffffffffffffe");
	check_eq(readable_now(fd), POLLIN, "a full counter is not writable");
	value = 1;
	errno = 0;
	check_errno(write(fd, &value, 8), EAGAIN, "a write past the largest value gives EAGAIN");
	value = 0;
	check_eq(write(fd, &value, 8), 8, "writing 0 to a full counter succeeds");
	void *volatile bad_pointer = (void *)8;
	check_errno(read(fd, bad_pointer, 8), EFAULT, "read into a bad pointer gives EFAULT");
	check_errno(write(fd, bad_pointer, 8), EFAULT, "write from a bad pointer gives EFAULT");
	close(fd);

	fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	int ones = 0;
	while (read(fd, &value, 8) == 8 && value == 1)
		ones++;
	check_eq(ones, 3, "EFD_SEMAPHORE: three reads of 1 from 3, then EAGAIN");
	check_eq(errno, EAGAIN, "the fourth semaphore read gives EAGAIN");
	close(fd);
}

static int write_after_delay(void *argument)
{
	int fd = *(int *)argument;
	struct timespec delay = { 0, 50 * MS };
	nanosleep(&delay, NULL);
	uint64_t value = 42;
	return write(fd, &value, 8) == 8 ? 0 : 1;
}

static void test_eventfd_blocking_and_epoll(void)
{
	int fd = eventfd(0, 0);
	pid_t child = fork();
	if (child == 0)
		_exit(write_after_delay(&fd));
	uint64_t value = 0;
	check_eq(read(fd, &value, 8), 8, "a blocking read waits for another process's write");
	check_eq(value, 42, "and returns what it wrote");
	int status;
	waitpid(child, &status, 0);
	check_exited(status, 0, "the child's write succeeded");

	int epoll = epoll_create1(0);
	struct epoll_event event = { .events = EPOLLIN, .data.u64 = 7 };
	check_eq(epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event), 0, "an eventfd joins an epoll set");
	check_eq(epoll_wait(epoll, &event, 1, 0), 0, "counter 0: epoll reports nothing");
	child = fork();
	if (child == 0)
		_exit(write_after_delay(&fd));
	int ready = epoll_wait(epoll, &event, 1, 5000);
	check(ready == 1 && event.events == EPOLLIN && event.data.u64 == 7,
	      "epoll_wait wakes when another process writes", "ready %d events 0x%x", ready,
	      event.events);
	waitpid(child, &status, 0);
	close(epoll);
	close(fd);
}

static void test_timerfd_create(void)
{
	errno = 0;
	check_errno(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL,
		    "timerfd_create on a CPU-time clock gives EINVAL");
	errno = 0;
	check_errno(timerfd_create(CLOCK_MONOTONIC, 1), EINVAL, "an unknown flag gives EINVAL");
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	check_ok(fd, "timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC)");
	check_eq(fcntl(fd, F_GETFD), FD_CLOEXEC, "TFD_CLOEXEC sets FD_CLOEXEC");
	check_eq(fcntl(fd, F_GETFL) & (O_ACCMODE | O_NONBLOCK), O_RDWR | O_NONBLOCK,
		 "the file is O_RDWR | O_NONBLOCK");
	char link[64] = "";
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	ssize_t length = readlink(path, link, sizeof link - 1);
	check(length > 0 && !strcmp(link, "anon_inode:[timerfd]"),
	      "/proc/self/fd names it anon_inode:[timerfd]", "readlink gave %zd [%s]", length, link);
	uint64_t count;
	errno = 0;
	check_errno(read(fd, &count, 8), EAGAIN, "a disarmed timer's read gives EAGAIN");
	errno = 0;
	check_errno(read(fd, &count, 4), EINVAL, "read with 4 bytes gives EINVAL");
	check_eq(readable_now(fd), 0, "a disarmed timer is neither readable nor writable");
	struct itimerspec value;
	check_eq(timerfd_gettime(fd, &value), 0, "timerfd_gettime of a new timer");
	check(!value.it_value.tv_sec && !value.it_value.tv_nsec && !value.it_interval.tv_sec &&
	      !value.it_interval.tv_nsec, "a new timer is disarmed with no interval", "not zero");
	errno = 0;
	check_errno(write(fd, &count, 8), EINVAL, "write to a timerfd gives EINVAL");

	struct itimerspec bad = { .it_value = { 0, 1000000000 } };
	errno = 0;
	check_errno(timerfd_settime(fd, 0, &bad, NULL), EINVAL, "tv_nsec of 10^9 gives EINVAL");
	bad.it_value.tv_nsec = 0;
	bad.it_value.tv_sec = -1;
	errno = 0;
	check_errno(timerfd_settime(fd, 0, &bad, NULL), EINVAL, "a negative time gives EINVAL");
	struct itimerspec zero = { 0 };
	errno = 0;
	check_errno(timerfd_settime(fd, 4, &zero, NULL), EINVAL, "an unknown settime flag gives EINVAL");
	errno = 0;
	check_errno(timerfd_settime(fd, 0, NULL, NULL), EFAULT, "a NULL new value gives EFAULT");
	errno = 0;
	check_errno(timerfd_settime(fd, 4, NULL, NULL), EFAULT,
		    "the new value is read before the flags are checked");
	errno = 0;
	check_errno(timerfd_settime(999, 0, &zero, NULL), EBADF, "settime on a closed fd gives EBADF");
	errno = 0;
	check_errno(timerfd_settime(0, 0, &zero, NULL), EINVAL, "settime on a non-timerfd gives EINVAL");
	errno = 0;
	check_errno(timerfd_gettime(0, &value), EINVAL, "gettime on a non-timerfd gives EINVAL");
	close(fd);
}

static void test_timerfd_one_shot(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec value = { .it_value = { 0, 30 * MS } };
	long long start = now_ns(CLOCK_MONOTONIC);
	check_eq(timerfd_settime(fd, 0, &value, NULL), 0, "arm a 30 ms one-shot timer");
	struct itimerspec left;
	timerfd_gettime(fd, &left);
	check(left.it_value.tv_sec == 0 && left.it_value.tv_nsec > 0 &&
	      left.it_value.tv_nsec <= 30 * MS, "timerfd_gettime: between 0 and 30 ms left",
	      "%ld.%09ld", (long)left.it_value.tv_sec, left.it_value.tv_nsec);
	uint64_t count = 0;
	check_eq(read(fd, &count, 8), 8, "a blocking read waits for the expiry");
	long long waited = now_ns(CLOCK_MONOTONIC) - start;
	check(waited >= 30 * MS, "the read returned after 30 ms or more", "after %lld ns", waited);
	check_eq(count, 1, "a one-shot timer expires once");
	timerfd_gettime(fd, &left);
	check(!left.it_value.tv_sec && !left.it_value.tv_nsec, "after expiring it is disarmed",
	      "%ld.%09ld left", (long)left.it_value.tv_sec, left.it_value.tv_nsec);
	check_eq(readable_now(fd), 0, "its expiry, once read, is not readable again");

	/* Re-arming clears expiries not yet read, and the old value is returned. */
	value.it_value.tv_nsec = 1;
	timerfd_settime(fd, 0, &value, NULL);
	struct pollfd descriptor = { fd, POLLIN, 0 };
	check_eq(poll(&descriptor, 1, 5000), 1, "poll reports an expired timer");
	value.it_value.tv_sec = 100;
	value.it_value.tv_nsec = 0;
	value.it_interval.tv_sec = 7;
	struct itimerspec old;
	check_eq(timerfd_settime(fd, 0, &value, &old), 0, "re-arm for 100 s every 7 s");
	check(!old.it_value.tv_sec && !old.it_value.tv_nsec && !old.it_interval.tv_sec,
	      "the old value is that of the expired one-shot timer", "old %ld.%09ld",
	      (long)old.it_value.tv_sec, old.it_value.tv_nsec);
	check_eq(readable_now(fd), 0, "re-arming discarded the expiry not yet read");
	timerfd_gettime(fd, &left);
	check(left.it_value.tv_sec >= 99 && left.it_value.tv_sec <= 100 && left.it_interval.tv_sec == 7 &&
	      left.it_interval.tv_nsec == 0, "timerfd_gettime shows about 100 s left, every 7 s",
	      "%ld s every %ld s", (long)left.it_value.tv_sec, (long)left.it_interval.tv_sec);
	struct itimerspec disarm = { .it_interval = { 3, 0 } };
	check_eq(timerfd_settime(fd, 0, &disarm, &old), 0, "disarm with a zero value and a 3 s interval");
	check(old.it_value.tv_sec >= 99 && old.it_interval.tv_sec == 7,
	      "the old value is the 100 s timer", "%ld s every %ld s", (long)old.it_value.tv_sec,
	      (long)old.it_interval.tv_sec);
	timerfd_gettime(fd, &left);
	check(!left.it_value.tv_sec && !left.it_value.tv_nsec && left.it_interval.tv_sec == 3,
	      "disarmed, and gettime still reports the 3 s interval", "%ld.%09ld every %ld s",
	      (long)left.it_value.tv_sec, left.it_value.tv_nsec, (long)left.it_interval.tv_sec);
	close(fd);
}

static void test_timerfd_periodic(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec value = { .it_value = { 0, 10 * MS }, .it_interval = { 0, 10 * MS } };
	long long start = now_ns(CLOCK_MONOTONIC);
	timerfd_settime(fd, 0, &value, NULL);
	struct timespec pause = { 0, 55 * MS };
	nanosleep(&pause, NULL);
	uint64_t count = 0;
	check_eq(read(fd, &count, 8), 8, "read a 10 ms periodic timer after 55 ms");
	long long elapsed = now_ns(CLOCK_MONOTONIC) - start;
	check(count >= 5 && (long long)count <= elapsed / (10 * MS),
	      "the count is every period that has passed (at least 5)", "%llu after %lld ns",
	      (unsigned long long)count, elapsed);
	check_eq(read(fd, &count, 8), 8, "the next read waits for the next period");
	check_eq(count, 1, "and counts one expiry");

	int epoll = epoll_create1(0);
	struct epoll_event event = { .events = EPOLLIN | EPOLLET };
	epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
	check_eq(epoll_wait(epoll, &event, 1, 5000), 1, "epoll (edge-triggered) wakes on the next period");
	close(epoll);
	close(fd);
}

static void test_timerfd_absolute(void)
{
	int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	long long now = now_ns(CLOCK_REALTIME);
	struct itimerspec value = { .it_value = { (now + 40 * MS) / 1000000000LL,
						  (now + 40 * MS) % 1000000000LL } };
	check_eq(timerfd_settime(fd, TFD_TIMER_ABSTIME, &value, NULL), 0,
		 "CLOCK_REALTIME, TFD_TIMER_ABSTIME, 40 ms ahead");
	check_eq(readable_now(fd), 0, "not expired at once");
	struct pollfd descriptor = { fd, POLLIN, 0 };
	check_eq(poll(&descriptor, 1, 5000), 1, "poll wakes at the absolute time");
	check(now_ns(CLOCK_REALTIME) >= now + 40 * MS, "no earlier than the absolute time", "early");
	close(fd);

	fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	now = now_ns(CLOCK_MONOTONIC);
	long long past = now - 35 * MS;
	value.it_value.tv_sec = past / 1000000000LL;
	value.it_value.tv_nsec = past % 1000000000LL;
	value.it_interval.tv_sec = 0;
	value.it_interval.tv_nsec = 10 * MS;
	check_eq(timerfd_settime(fd, TFD_TIMER_ABSTIME, &value, NULL), 0,
		 "CLOCK_MONOTONIC, TFD_TIMER_ABSTIME 35 ms in the past, every 10 ms");
	uint64_t count = 0;
	check_eq(read(fd, &count, 8), 8, "it has expired at once");
	check(count >= 4, "with every period since the absolute time counted (at least 4)", "%llu",
	      (unsigned long long)count);
	close(fd);
}

int main(void)
{
	test_eventfd_flags();
	test_eventfd_counter();
	test_eventfd_blocking_and_epoll();
	test_timerfd_create();
	test_timerfd_one_shot();
	test_timerfd_periodic();
	test_timerfd_absolute();
	return tap_done("t_eventfd_timerfd.c");
}
