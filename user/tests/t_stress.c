/*
 * t_stress.c - many short-lived processes and threads.
 *
 * 1000 cycles of fork + execve(self, "true-mode") + exit + wait4, then
 * 100 threads created and joined, twice over.  Resource leaks in the
 * kernel (pids, page tables, kernel stacks, fds) show up here as
 * failures part-way through.  Only summary lines are printed.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include "tap.h"

#define SELF "/proc/self/exe"
#define CYCLES 1000

static void test_fork_exec(void)
{
	int failures = 0, first_bad = -1, first_status = 0;

	for (int i = 0; i < CYCLES; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			char num[16];
			snprintf(num, sizeof num, "%d", i & 0x7f);
			char *argv[] = { "t_stress", "true", num, NULL };
			char *envp[] = { NULL };
			execve(SELF, argv, envp);
			_exit(255);
		}
		int st = -1;
		/* The exec'd child exits with the code we passed it. */
		if (pid < 0 || wait4(pid, &st, 0, NULL) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != (i & 0x7f)) {
			if (first_bad < 0) {
				first_bad = i;
				first_status = st;
			}
			failures++;
		}
	}
	check(failures == 0, "1000 fork/execve/exit/wait4 cycles",
	      "%d failed, first at %d (status 0x%x)", failures, first_bad, first_status);
	errno = 0;
	check_errno(wait4(-1, NULL, WNOHANG, NULL), ECHILD, "no child left behind");
}

static void *thread_fn(void *arg)
{
	return (void *)((intptr_t)arg * 3);
}

static void test_threads(int round)
{
	pthread_t th[100];
	int created = 0, good = 0;
	char desc[64];

	for (int i = 0; i < 100; i++)
		created += pthread_create(&th[i], NULL, thread_fn, (void *)(intptr_t)i) == 0;
	for (int i = 0; i < created; i++) {
		void *ret;
		good += pthread_join(th[i], &ret) == 0 && (intptr_t)ret == i * 3;
	}
	snprintf(desc, sizeof desc, "100 threads created and joined (round %d)", round);
	check(created == 100 && good == 100, desc, "created %d joined %d", created, good);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "true") == 0)
		return atoi(argv[2]); /* child mode: just exit */
	test_fork_exec();
	test_threads(1);
	test_threads(2);
	return tap_done("t_stress.c");
}
