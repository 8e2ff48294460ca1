/*
 * b_forkexec: fork + execve + exit + wait round trip.
 *
 *   b_forkexec [N]      N timed iterations (default below), after a few
 *                       untimed warm-up ones.
 *
 * Each iteration: fork(); the child execve()s this same binary (argv[0], so
 * run it by absolute path) with the argument "-x", which makes it _exit(0) as
 * the first thing in main (glibc's static start-up still runs, as for any
 * real program); the parent waitpid()s for it.  Prints the mean round trip:
 *
 *   BENCH forkexec <microseconds> us
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef FORKEXEC_N
#define FORKEXEC_N 400 /* ~1.5-2 s for Linux 6.1 under QEMU TCG */
#endif
#define WARMUP 5

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int one(const char *self)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("b_forkexec: fork");
		return -1;
	}
	if (pid == 0) {
		char *const args[] = { (char *)self, "-x", NULL };
		char *const envp[] = { NULL };
		execve(self, args, envp);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) != pid) {
		perror("b_forkexec: waitpid");
		return -1;
	}
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "b_forkexec: child failed (status 0x%x); run me by absolute path\n", st);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "-x") == 0)
		_exit(0);
	long n = argc > 1 ? atol(argv[1]) : FORKEXEC_N;
	if (n <= 0) {
		fprintf(stderr, "usage: %s [iterations]\n", argv[0]);
		return 2;
	}
	const char *self = argv[0];
	for (int i = 0; i < WARMUP; i++)
		if (one(self)) return 1;
	double t0 = now_us();
	for (long i = 0; i < n; i++)
		if (one(self)) return 1;
	double t1 = now_us();
	printf("BENCH forkexec %.1f us\n", (t1 - t0) / n);
	return 0;
}
