/*
 * t_cpu_time.c - CPU time accounting: getrusage(2) for RUSAGE_SELF,
 * RUSAGE_THREAD and RUSAGE_CHILDREN, wait4's rusage, times(2) and
 * /proc/self/stat, split into user and system time, each including the
 * running slice, against the CPU-time clocks; with the argument proc-stat,
 * /proc/self/stat's times instead.
 *
 * Work is measured by the clocks, never by wall time, and every check is a
 * bound that holds on any machine: after 200 ms of CPU spent in a loop in
 * user mode, at least a quarter of it is user time (Linux splits a task's
 * time between user and system by sampling ticks, so the split of a short
 * run varies, the more so on a loaded host); after reading 256 MiB of
 * /dev/zero, some of it is system time; figures from different calls agree
 * within a few clock ticks.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <time.h>
#include "tap.h"

#define MS 1000000LL
#define TICK_NS 10000000LL          /* USER_HZ is 100 */

static long long clock_ns(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static long long timeval_ns(struct timeval t)
{
	return t.tv_sec * 1000000000LL + t.tv_usec * 1000LL;
}

/* Spins in user mode until this thread has used `amount` more CPU time. */
static void spin(long long amount)
{
	volatile uint64_t sink = 0;
	long long end = clock_ns(CLOCK_THREAD_CPUTIME_ID) + amount;
	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) < end)
		for (int i = 0; i < 100000; i++)
			sink += (uint64_t)i * i;
}

static void usage_of(int who, long long *user, long long *system)
{
	struct rusage usage;
	getrusage(who, &usage);
	*user = timeval_ns(usage.ru_utime);
	*system = timeval_ns(usage.ru_stime);
}

static void test_self(void)
{
	long long user0, system0, user1, system1;
	usage_of(RUSAGE_SELF, &user0, &system0);
	long long clock0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	spin(200 * MS);
	usage_of(RUSAGE_SELF, &user1, &system1);
	long long clock1 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	check(user1 - user0 >= 50 * MS, "200 ms of CPU in a user-mode loop: at least 50 ms of ru_utime",
	      "ru_utime grew by %lld ns", user1 - user0);
	check(user1 + system1 <= clock1 + TICK_NS && user1 + system1 >= clock1 - (clock1 - clock0) / 2,
	      "RUSAGE_SELF's user + system agrees with CLOCK_PROCESS_CPUTIME_ID",
	      "rusage %lld ns, clock %lld ns", user1 + system1, clock1);

	int zero = open("/dev/zero", O_RDONLY);
	static char buffer[1 << 20];
	for (int i = 0; i < 256; i++)
		if (read(zero, buffer, sizeof buffer) != sizeof buffer)
			break;
	close(zero);
	long long user2, system2;
	usage_of(RUSAGE_SELF, &user2, &system2);
	check(system2 > system1, "reading 256 MiB of /dev/zero adds ru_stime",
	      "ru_stime %lld ns before, %lld after", system1, system2);

	struct tms ticks;
	clock_t now = times(&ticks);
	check(now != (clock_t)-1, "times succeeds", "errno %d", errno);
	long long times_total = (long long)(ticks.tms_utime + ticks.tms_stime) * TICK_NS;
	check(times_total <= user2 + system2 + 3 * TICK_NS && times_total >= user2 + system2 - 3 * TICK_NS,
	      "times: tms_utime + tms_stime agree with getrusage within 3 ticks",
	      "times %lld ns, getrusage %lld ns", times_total, user2 + system2);
	check(ticks.tms_utime * TICK_NS >= user1 - 3 * TICK_NS, "times: tms_utime counts the loop",
	      "%ld ticks", (long)ticks.tms_utime);

}

/*
 * /proc/self/stat's utime and stime (fields 14 and 15, in ticks) after a
 * loop, against getrusage.  Run alone ("t_cpu_time proc-stat") by
 * tests/test_proc_files.sh on Strata and on Linux 6.1, since qemu-user, the
 * recorded oracle, makes up its own /proc/self/stat with times of 0.
 */
static void test_proc_stat(void)
{
	spin(100 * MS);
	long long user2, system2;
	usage_of(RUSAGE_SELF, &user2, &system2);
	char stat[1024] = "";
	int file = open("/proc/self/stat", O_RDONLY);
	ssize_t length = read(file, stat, sizeof stat - 1);
	close(file);
	char *after_name = length > 0 ? strrchr(stat, ')') : NULL;
	unsigned long utime = 0, stime = 0;
	int fields = after_name ? sscanf(after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
					  &utime, &stime) : 0;
	long long stat_total = (long long)(utime + stime) * TICK_NS;
	check(fields == 2 && stat_total <= user2 + system2 + 3 * TICK_NS &&
	      stat_total >= user2 + system2 - 3 * TICK_NS,
	      "/proc/self/stat: utime + stime agree with getrusage within 3 ticks",
	      "%d fields, %lu + %lu ticks, getrusage %lld ns", fields, utime, stime, user2 + system2);
	check(utime * TICK_NS >= 50 * MS, "/proc/self/stat: utime counts 100 ms of a user-mode loop",
	      "%lu ticks", utime);
}

static void *spinning_thread(void *unused)
{
	(void)unused;
	spin(200 * MS);
	return NULL;
}

static void test_thread(void)
{
	long long self_user0, self_system0, thread_user0, thread_system0;
	usage_of(RUSAGE_SELF, &self_user0, &self_system0);
	usage_of(RUSAGE_THREAD, &thread_user0, &thread_system0);
	pthread_t thread;
	pthread_create(&thread, NULL, spinning_thread, NULL);
	pthread_join(thread, NULL);
	long long self_user1, self_system1, thread_user1, thread_system1;
	usage_of(RUSAGE_SELF, &self_user1, &self_system1);
	usage_of(RUSAGE_THREAD, &thread_user1, &thread_system1);
	long long self_growth = self_user1 + self_system1 - self_user0 - self_system0;
	long long thread_growth = thread_user1 + thread_system1 - thread_user0 - thread_system0;
	check(self_growth >= 150 * MS, "RUSAGE_SELF counts a thread that has exited",
	      "grew by %lld ns", self_growth);
	check(thread_growth < 100 * MS, "RUSAGE_THREAD counts the calling thread alone",
	      "grew by %lld ns while another thread spun", thread_growth);
}

static void test_children(void)
{
	long long user0, system0;
	usage_of(RUSAGE_CHILDREN, &user0, &system0);
	pid_t child = fork();
	if (child == 0) {
		spin(200 * MS);
		_exit(0);
	}
	int status;
	struct rusage child_usage;
	pid_t waited = wait4(child, &status, 0, &child_usage);
	check(waited == child && WIFEXITED(status), "wait4 reaps the spinning child", "wait4 %d", waited);
	long long child_total = timeval_ns(child_usage.ru_utime) + timeval_ns(child_usage.ru_stime);
	check(child_total >= 150 * MS && timeval_ns(child_usage.ru_utime) >= 50 * MS,
	      "wait4's rusage holds the child's time, a good part of it user time",
	      "ru_utime %lld ns, ru_stime %lld ns", timeval_ns(child_usage.ru_utime),
	      timeval_ns(child_usage.ru_stime));
	long long user1, system1;
	usage_of(RUSAGE_CHILDREN, &user1, &system1);
	check(user1 + system1 - user0 - system0 >= 150 * MS,
	      "RUSAGE_CHILDREN counts the child once it is waited for",
	      "grew by %lld ns", user1 + system1 - user0 - system0);
	struct tms ticks;
	times(&ticks);
	check((long long)(ticks.tms_cutime + ticks.tms_cstime) * TICK_NS >= user1 + system1 - 3 * TICK_NS,
	      "times: tms_cutime + tms_cstime count the child", "%ld + %ld ticks",
	      (long)ticks.tms_cutime, (long)ticks.tms_cstime);

	errno = 0;
	check_errno(getrusage(7, &child_usage), EINVAL, "getrusage with an unknown who gives EINVAL");
	void *volatile bad_pointer = (void *)8;
	errno = 0;
	check_errno(getrusage(RUSAGE_SELF, bad_pointer), EFAULT, "getrusage into a bad pointer gives EFAULT");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "proc-stat")) {
		test_proc_stat();
		return tap_done("t_cpu_time.c proc-stat");
	}
	test_self();
	test_thread();
	test_children();
	return tap_done("t_cpu_time.c");
}
