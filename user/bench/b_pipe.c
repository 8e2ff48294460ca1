/*
 * b_pipe: pipe throughput between a parent and a forked child.
 *
 *   b_pipe [MiB]        bytes to move, in MiB (default 64), in 64 KiB writes.
 *
 * The child writes the data in 64 KiB write(2) calls and exits; the parent
 * reads with 64 KiB read(2) calls until EOF, checks the byte count, and
 * waits for the child.  The clock runs from just before fork() to after
 * waitpid(), so process creation is included (small next to 64 MiB).
 * MB here is 10^6 bytes.
 *
 *   BENCH pipe <MB/s> MB/s
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

static char buf[CHUNK];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 64;
	if (mib <= 0) {
		fprintf(stderr, "usage: %s [MiB]\n", argv[0]);
		return 2;
	}
	long long total = (long long)mib << 20;
	memset(buf, 0x5a, sizeof buf); /* touch the pages before timing */
	int p[2];
	if (pipe(p) < 0) {
		perror("b_pipe: pipe");
		return 1;
	}
	double t0 = now_s();
	pid_t pid = fork();
	if (pid < 0) {
		perror("b_pipe: fork");
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		for (long long left = total; left > 0;) {
			ssize_t w = write(p[1], buf, left < CHUNK ? left : CHUNK);
			if (w <= 0) {
				perror("b_pipe: write");
				_exit(1);
			}
			left -= w;
		}
		_exit(0);
	}
	close(p[1]);
	long long got = 0;
	for (;;) {
		ssize_t r = read(p[0], buf, CHUNK);
		if (r < 0) {
			perror("b_pipe: read");
			return 1;
		}
		if (r == 0) break;
		got += r;
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "b_pipe: writer failed\n");
		return 1;
	}
	double t1 = now_s();
	if (got != total) {
		fprintf(stderr, "b_pipe: read %lld bytes, expected %lld\n", got, total);
		return 1;
	}
	printf("BENCH pipe %.1f MB/s\n", total / 1e6 / (t1 - t0));
	return 0;
}
