/*
 * t_time.c - clocks and sleeps: clock_gettime(2), clock_getres(2),
 * nanosleep(2), clock_nanosleep(2) (relative and TIMER_ABSTIME),
 * gettimeofday(2), and the interval timers of setitimer(2): ITIMER_VIRTUAL
 * and ITIMER_PROF count the process's CPU time (busy loops below, ended by
 * their signal or, if it never comes, by a 10 s wall-clock limit).
 *
 * Only lower bounds on sleeping are asserted: a sleep may always take
 * longer than asked (scheduling), never shorter.
 */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <sys/time.h>
#include <signal.h>
#include <time.h>
#include "tap.h"

static long long ns_of(struct timespec t)
{
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long now_ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return ns_of(t);
}

static int valid(struct timespec t)
{
	return t.tv_sec >= 0 && t.tv_nsec >= 0 && t.tv_nsec < 1000000000L;
}

static void test_gettime(void)
{
	struct timespec t;
	static const struct { clockid_t id; const char *name; } clocks[] = {
		{ CLOCK_REALTIME, "clock_gettime CLOCK_REALTIME" },
		{ CLOCK_MONOTONIC, "clock_gettime CLOCK_MONOTONIC" },
		{ CLOCK_PROCESS_CPUTIME_ID, "clock_gettime CLOCK_PROCESS_CPUTIME_ID" },
		{ CLOCK_THREAD_CPUTIME_ID, "clock_gettime CLOCK_THREAD_CPUTIME_ID" },
	};

	for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
		t.tv_nsec = -1;
		int r = clock_gettime(clocks[i].id, &t);
		check(r == 0 && valid(t), clocks[i].name, "ret %d nsec %ld", r, t.tv_nsec);
	}
	/* The raw syscall too (glibc may use the vDSO instead). */
	t.tv_nsec = -1;
	check(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t) == 0 && valid(t),
	      "raw clock_gettime syscall CLOCK_MONOTONIC", "failed");

	/* CLOCK_MONOTONIC never goes backwards (clock_gettime(2)). */
	long long prev = now_ns(CLOCK_MONOTONIC);
	int backwards = 0;
	for (int i = 0; i < 10000; i++) {
		long long cur = now_ns(CLOCK_MONOTONIC);
		backwards += cur < prev;
		prev = cur;
	}
	check_eq(backwards, 0, "CLOCK_MONOTONIC is non-decreasing over 10000 reads");

	/* CPU time advances while we burn CPU. */
	long long c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	long long m0 = now_ns(CLOCK_MONOTONIC);
	volatile unsigned long x = 0;
	while (now_ns(CLOCK_MONOTONIC) - m0 < 50 * 1000000LL)
		for (int i = 0; i < 10000; i++)
			x += i;
	check(now_ns(CLOCK_PROCESS_CPUTIME_ID) > c0,
	      "CLOCK_PROCESS_CPUTIME_ID advances while spinning", "did not advance");

	struct timespec res;
	check(clock_getres(CLOCK_MONOTONIC, &res) == 0 && valid(res) &&
	      ns_of(res) > 0, "clock_getres CLOCK_MONOTONIC is positive", "bad");

	struct timeval tv;
	check(gettimeofday(&tv, NULL) == 0 && tv.tv_usec >= 0 && tv.tv_usec < 1000000,
	      "gettimeofday succeeds with valid tv_usec", "bad");

	errno = 0;
	check_errno(clock_gettime((clockid_t)12345, &t), EINVAL,
		    "clock_gettime with a bad clock id gives EINVAL");
}

static void test_sleep(void)
{
	const long long want = 30 * 1000000LL; /* 30 ms */
	struct timespec req = { 0, 30 * 1000000L };
	long long t0, t1;

	t0 = now_ns(CLOCK_MONOTONIC);
	check_eq(nanosleep(&req, NULL), 0, "nanosleep 30 ms returns 0");
	t1 = now_ns(CLOCK_MONOTONIC);
	check(t1 - t0 >= want, "nanosleep slept at least 30 ms", "slept %lld ns", t1 - t0);

	t0 = now_ns(CLOCK_MONOTONIC);
	check_eq(clock_nanosleep(CLOCK_MONOTONIC, 0, &req, NULL), 0,
		 "clock_nanosleep relative 30 ms returns 0");
	t1 = now_ns(CLOCK_MONOTONIC);
	check(t1 - t0 >= want, "clock_nanosleep slept at least 30 ms",
	      "slept %lld ns", t1 - t0);

	/* TIMER_ABSTIME: sleep until an absolute monotonic deadline. */
	struct timespec dl;
	clock_gettime(CLOCK_MONOTONIC, &dl);
	dl.tv_nsec += 30 * 1000000L;
	if (dl.tv_nsec >= 1000000000L) {
		dl.tv_sec++;
		dl.tv_nsec -= 1000000000L;
	}
	check_eq(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL), 0,
		 "clock_nanosleep TIMER_ABSTIME returns 0");
	check(now_ns(CLOCK_MONOTONIC) >= ns_of(dl),
	      "clock_nanosleep TIMER_ABSTIME woke after the deadline", "early");

	/* A deadline in the past returns at once with 0.  Time zero of the
	 * monotonic clock (boot) is always past; tv_sec may not be negative
	 * (EINVAL), so "10 s ago" would not do on a freshly booted machine. */
	dl.tv_sec = 0;
	dl.tv_nsec = 1;
	check_eq(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &dl, NULL), 0,
		 "clock_nanosleep TIMER_ABSTIME in the past returns 0");

	/* REALTIME absolute deadline works too. */
	clock_gettime(CLOCK_REALTIME, &dl);
	long long rt_deadline = ns_of(dl) + 20 * 1000000LL;
	dl.tv_sec = rt_deadline / 1000000000LL;
	dl.tv_nsec = rt_deadline % 1000000000LL;
	check_eq(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, NULL), 0,
		 "clock_nanosleep CLOCK_REALTIME TIMER_ABSTIME returns 0");
	check(now_ns(CLOCK_REALTIME) >= rt_deadline,
	      "CLOCK_REALTIME deadline has passed on wake-up", "early");

	/* nanosleep(2) ERRORS: tv_nsec out of range gives EINVAL.
	 * clock_nanosleep returns the error number instead of setting errno. */
	struct timespec bad = { 0, 1000000000L };
	errno = 0;
	check_errno(nanosleep(&bad, NULL), EINVAL, "nanosleep with tv_nsec = 1e9 gives EINVAL");
	bad.tv_sec = -1;
	bad.tv_nsec = 0;
	errno = 0;
	check_errno(nanosleep(&bad, NULL), EINVAL, "nanosleep with negative tv_sec gives EINVAL");
	check_eq(clock_nanosleep(CLOCK_MONOTONIC, 0, &bad, NULL), EINVAL,
		 "clock_nanosleep with negative tv_sec returns EINVAL");
	struct timespec zero = { 0, 0 };
	check_eq(nanosleep(&zero, NULL), 0, "nanosleep of 0 returns 0");
}

static volatile sig_atomic_t cpu_timer_signals;

static void on_cpu_timer(int signal_) { (void)signal_; cpu_timer_signals++; }

/* Spins until a signal counted above arrives or 10 s of wall-clock pass;
 * returns the process's CPU time since start, in ns. */
static long long spin_until_signal(long long start)
{
	long long wall = now_ns(CLOCK_MONOTONIC);
	while (!cpu_timer_signals && now_ns(CLOCK_MONOTONIC) - wall < 10000000000LL)
		;
	return now_ns(CLOCK_PROCESS_CPUTIME_ID) - start;
}

static void test_interval_timers(void)
{
	struct itimerval value = { { 0, 0 }, { 1000, 0 } }, old, read_back;
	check_errno(syscall(SYS_getitimer, 3, &read_back), EINVAL, "getitimer of timer 3 gives EINVAL");
	check_errno(syscall(SYS_setitimer, -1, &value, NULL), EINVAL, "setitimer of timer -1 gives EINVAL");
	check_eq(syscall(SYS_getitimer, 1l << 32, &read_back), 0,
		 "getitimer reads an int: 1 << 32 is ITIMER_REAL");
	static const struct { int which, signal_; const char *name; } timers[] = {
		{ ITIMER_VIRTUAL, SIGVTALRM, "ITIMER_VIRTUAL" }, { ITIMER_PROF, SIGPROF, "ITIMER_PROF" },
	};
	char description[128];
	for (int i = 0; i < 2; i++) {
		const char *name = timers[i].name;
		struct itimerval long_one = { { 0, 0 }, { 1000, 0 } };
		snprintf(description, sizeof description, "setitimer %s to 1000 s", name);
		check_eq(setitimer(timers[i].which, &long_one, &old), 0, description);
		snprintf(description, sizeof description, "%s was disarmed before", name);
		check(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0, description,
		      "%ld.%06ld", (long)old.it_value.tv_sec, (long)old.it_value.tv_usec);
		check_eq(getitimer(timers[i].which, &read_back), 0, "getitimer reads it back");
		snprintf(description, sizeof description, "%s has at most 1000 s and more than 999 s left", name);
		check(read_back.it_value.tv_sec <= 1000 && read_back.it_value.tv_sec >= 999 &&
		      read_back.it_value.tv_usec < 1000000 && read_back.it_interval.tv_sec == 0,
		      description, "%ld.%06ld", (long)read_back.it_value.tv_sec, (long)read_back.it_value.tv_usec);
		struct sigaction action = { .sa_handler = on_cpu_timer };
		sigaction(timers[i].signal_, &action, NULL);
		/* Linux samples user time at its ticks (4 ms here), so ITIMER_VIRTUAL
		 * may run up to a tick ahead of CLOCK_PROCESS_CPUTIME_ID: the bounds
		 * below leave 10 ms. */
		struct itimerval soon = { { 0, 20000 }, { 0, 30000 } };
		cpu_timer_signals = 0;
		long long start = now_ns(CLOCK_PROCESS_CPUTIME_ID);
		snprintf(description, sizeof description, "setitimer %s to 30 ms of CPU time, then every 20 ms", name);
		check_eq(setitimer(timers[i].which, &soon, &old), 0, description);
		snprintf(description, sizeof description, "the old %s value is returned", name);
		check(old.it_value.tv_sec <= 1000 && old.it_value.tv_sec >= 999, description, "%ld",
		      (long)old.it_value.tv_sec);
		long long spent = spin_until_signal(start);
		snprintf(description, sizeof description, "%s's signal comes after at least 20 ms of CPU time", name);
		check(cpu_timer_signals > 0 && spent >= 20000000LL, description, "signals %d after %lld ns",
		      (int)cpu_timer_signals, spent);
		cpu_timer_signals = 0;
		spent = spin_until_signal(now_ns(CLOCK_PROCESS_CPUTIME_ID));
		snprintf(description, sizeof description, "%s reloads: it comes again after 20 ms more", name);
		check(cpu_timer_signals > 0 && spent >= 10000000LL, description, "signals %d after %lld ns",
		      (int)cpu_timer_signals, spent);
		struct itimerval disarm = { 0 };
		setitimer(timers[i].which, &disarm, NULL);
		check_eq(getitimer(timers[i].which, &read_back), 0, "getitimer after disarming");
		snprintf(description, sizeof description, "%s is disarmed", name);
		check(read_back.it_value.tv_sec == 0 && read_back.it_value.tv_usec == 0 &&
		      read_back.it_interval.tv_sec == 0 && read_back.it_interval.tv_usec == 0, description,
		      "%ld.%06ld", (long)read_back.it_value.tv_sec, (long)read_back.it_value.tv_usec);
		signal(timers[i].signal_, SIG_DFL);
	}
	/* fork(2): a child does not inherit its parent's interval timers. */
	struct itimerval armed = { { 0, 0 }, { 1000, 0 } };
	setitimer(ITIMER_PROF, &armed, NULL);
	pid_t child = fork();
	if (child == 0) {
		getitimer(ITIMER_PROF, &read_back);
		_exit(read_back.it_value.tv_sec == 0 && read_back.it_value.tv_usec == 0 ? 0 : 1);
	}
	int status = -1;
	waitpid(child, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a forked child's ITIMER_PROF is disarmed",
	      "status %#x", status);
	struct itimerval disarm = { 0 };
	setitimer(ITIMER_PROF, &disarm, NULL);
}

int main(void)
{
	test_gettime();
	test_sleep();
	test_interval_timers();
	return tap_done("t_time.c");
}
