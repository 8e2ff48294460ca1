/*
 * t_wait.c - wait4(2) against SIGCHLD: a wait that finds the child it waits
 * for become waitable returns that child's status, even when a SIGCHLD
 * handler installed without SA_RESTART runs for the same child (Linux's
 * do_wait looks at the children again after every wake-up before it looks
 * for a signal); a wait for another child is interrupted (EINTR).
 *
 * Children never print.  A child that must end while its parent sleeps
 * in wait4 first watches the parent's /proc/PID/stat until its state is S.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include "tap.h"

static volatile sig_atomic_t sigchld_count;

static void on_sigchld(int sig)
{
	(void)sig;
	sigchld_count++;
}

/* SIGCHLD caught by on_sigchld, without SA_RESTART. */
static void catch_sigchld(void)
{
	struct sigaction action;
	memset(&action, 0, sizeof action);
	action.sa_handler = on_sigchld;
	sigemptyset(&action.sa_mask);
	sigaction(SIGCHLD, &action, NULL);
}

/* The state letter of /proc/PID/stat (proc(5)), or 0 if unreadable. */
static char process_state(pid_t pid)
{
	char path[64], text[512];
	snprintf(path, sizeof path, "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	ssize_t length = read(fd, text, sizeof text - 1);
	close(fd);
	if (length <= 0)
		return 0;
	text[length] = 0;
	char *after_name = strrchr(text, ')');
	return after_name && after_name[1] == ' ' ? after_name[2] : 0;
}

/* In a child: returns once the parent sleeps (in the wait4 it is about to make). */
static void wait_until_parent_sleeps(void)
{
	pid_t parent = getppid();
	while (process_state(parent) != 'S')
		sched_yield();
}

/* One wait4 for child, checked to return it (desc); reaps it anyway and returns its status. */
static int wait_once(pid_t child, const char *desc)
{
	int status = -1;
	pid_t got = waitpid(child, &status, 0);
	int saved_errno = errno;
	check(got == child, desc, "got %d errno %d (%s)", got, saved_errno, strerror(saved_errno));
	if (got != child)
		waitpid(child, &status, 0);
	return status;
}

static void test_child_exits_during_wait(void)
{
	sigchld_count = 0;
	pid_t child = fork();
	if (child == 0) {
		wait_until_parent_sleeps();
		_exit(5);
	}
	int status = wait_once(child, "wait4 returns the child that exited while it slept");
	check_exited(status, 5, "wait4 hands back the child's exit status");
	check_eq(sigchld_count, 1, "the SIGCHLD handler ran once");
}

static void test_killed_child(void)
{
	sigchld_count = 0;
	pid_t child = fork();
	if (child == 0) {
		for (;;)
			pause();
	}
	kill(child, SIGKILL);
	int status = wait_once(child, "one wait4 after SIGKILL returns the child");
	check_signaled(status, SIGKILL, "the status says SIGKILL");
	check_eq(sigchld_count, 1, "the SIGCHLD handler ran once");
}

static void test_other_child_interrupts(void)
{
	sigchld_count = 0;
	pid_t waited = fork();
	if (waited == 0) {
		for (;;)
			pause();
	}
	pid_t other = fork();
	if (other == 0) {
		wait_until_parent_sleeps();
		_exit(0);
	}
	int status;
	check_errno(waitpid(waited, &status, 0), EINTR,
		    "wait4 for one child is interrupted by another's SIGCHLD");
	check_eq(sigchld_count, 1, "the SIGCHLD handler ran once");
	check_exited(waitpid(other, &status, 0) == other ? status : -1, 0,
		     "the other child is still there to reap");
	kill(waited, SIGKILL);
	check_signaled(waitpid(waited, &status, 0) == waited ? status : -1, SIGKILL,
		       "the waited-for child is reaped after SIGKILL");
}

int main(void)
{
	catch_sigchld();
	test_child_exits_during_wait();
	test_killed_child();
	test_other_child_interrupts();
	return tap_done("t_wait.c");
}
