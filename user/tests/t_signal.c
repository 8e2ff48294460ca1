/*
 * t_signal.c - signals: rt_sigaction(2), rt_sigprocmask(2), kill(2),
 * tgkill(2), sigsuspend(2), rt_sigreturn(2), default actions (signal(7)),
 * SIGCHLD, SIGPIPE, EINTR, fault signals and what execve(2)/fork(2) do
 * to signal state.
 *
 * Children that are expected to die are run with run_in_child(); a
 * child reports success through its exit status and never prints.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

#define SELF "/proc/self/exe"

static volatile sig_atomic_t hits;
static siginfo_t last_info;
static sigset_t mask_in_handler;
static pid_t handler_tid;

static void info_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	last_info = *si;
	sigprocmask(SIG_BLOCK, NULL, &mask_in_handler);
	handler_tid = gettid();
	hits++;
}

static void count_handler(int sig)
{
	(void)sig;
	hits++;
}

static int install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2); /* extra signal blocked in handler */
	return sigaction(sig, &sa, NULL);
}

static void set_handler(int sig, void (*fn)(int))
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fn;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static void unblock_all(void)
{
	sigset_t s;
	sigemptyset(&s);
	sigprocmask(SIG_SETMASK, &s, NULL);
}

/* --- rt_sigaction, SA_SIGINFO, kill to self ------------------------------ */

static void test_sigaction(void)
{
	struct sigaction old;

	check_eq(install(SIGUSR1, info_handler, 0), 0, "rt_sigaction installs a SA_SIGINFO handler");
	check_eq(sigaction(SIGUSR1, NULL, &old), 0, "rt_sigaction reads the action back");
	check(old.sa_sigaction == info_handler && (old.sa_flags & SA_SIGINFO) &&
	      sigismember(&old.sa_mask, SIGUSR2),
	      "old action has our handler, SA_SIGINFO and sa_mask", "mismatch");

	/* kill(2): a signal to self that is not blocked is delivered before
	 * kill() returns (POSIX). */
	hits = 0;
	check_eq(kill(getpid(), SIGUSR1), 0, "kill(getpid(), SIGUSR1)");
	check_eq(hits, 1, "handler ran before kill returned");
	check_eq(last_info.si_signo, SIGUSR1, "si_signo is SIGUSR1");
	check_eq(last_info.si_code, SI_USER, "si_code is SI_USER for kill");
	check(last_info.si_pid == getpid() && last_info.si_uid == getuid(),
	      "si_pid/si_uid identify the sender", "mismatch");
	/* signal(7): the signal itself and sa_mask are blocked in the handler. */
	check(sigismember(&mask_in_handler, SIGUSR1) &&
	      sigismember(&mask_in_handler, SIGUSR2),
	      "signal and sa_mask are blocked while the handler runs", "not blocked");
	sigset_t now;
	sigprocmask(SIG_BLOCK, NULL, &now);
	check(!sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2),
	      "mask is restored after the handler returns", "still blocked");

	/* tgkill(2) to our own thread: si_code is SI_TKILL. */
	hits = 0;
	check_eq(syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1), 0, "tgkill to self");
	check(hits == 1 && last_info.si_code == SI_TKILL,
	      "tgkill delivers with si_code SI_TKILL", "hits %d code %d",
	      (int)hits, last_info.si_code);

	errno = 0;
	check_errno(sigaction(SIGKILL, &old, NULL), EINVAL,
		    "rt_sigaction on SIGKILL gives EINVAL");
	errno = 0;
	check_errno(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &old, 4), EINVAL,
		    "rt_sigaction with a wrong sigsetsize gives EINVAL");
	errno = 0;
	check_errno(kill(getpid(), 1000), EINVAL, "kill with signal 1000 gives EINVAL");
	check_eq(kill(getpid(), 0), 0, "kill with signal 0 checks existence only");

	/* SA_RESETHAND: the disposition returns to SIG_DFL after one delivery. */
	install(SIGUSR1, info_handler, SA_RESETHAND);
	hits = 0;
	kill(getpid(), SIGUSR1);
	sigaction(SIGUSR1, NULL, &old);
	check(hits == 1 && old.sa_handler == SIG_DFL,
	      "SA_RESETHAND resets the handler to SIG_DFL", "hits %d", (int)hits);
}

/* --- rt_sigprocmask, pending, delivery on unblock ------------------------- */

static void test_sigprocmask(void)
{
	sigset_t block, old, pend;

	set_handler(SIGUSR1, count_handler);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	check_eq(sigprocmask(SIG_BLOCK, &block, &old), 0, "rt_sigprocmask SIG_BLOCK");
	hits = 0;
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR1);
	check_eq(hits, 0, "blocked signal is not delivered");
	sigpending(&pend);
	check(sigismember(&pend, SIGUSR1), "blocked signal shows in sigpending",
	      "not pending");
	check_eq(sigprocmask(SIG_UNBLOCK, &block, NULL), 0, "rt_sigprocmask SIG_UNBLOCK");
	/* signal(7): standard signals do not queue: two sends, one delivery. */
	check_eq(hits, 1, "unblocking delivers the pending signal exactly once");
	sigpending(&pend);
	check(!sigismember(&pend, SIGUSR1), "signal no longer pending", "pending");

	/* Realtime signals do queue, each with its own value. */
	sigemptyset(&block);
	sigaddset(&block, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &block, NULL);
	install(SIGRTMIN, info_handler, 0);
	hits = 0;
	union sigval v = { .sival_int = 77 };
	check_eq(sigqueue(getpid(), SIGRTMIN, v), 0, "sigqueue SIGRTMIN");
	sigqueue(getpid(), SIGRTMIN, v);
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	check_eq(hits, 2, "two queued realtime signals are delivered twice");
	check(last_info.si_code == SI_QUEUE && last_info.si_value.sival_int == 77,
	      "sigqueue info has SI_QUEUE and the value", "code %d", last_info.si_code);

	/* sigprocmask(2): SIGKILL and SIGSTOP cannot be blocked. */
	sigfillset(&block);
	sigprocmask(SIG_SETMASK, &block, NULL);
	sigprocmask(SIG_SETMASK, NULL, &old);
	unblock_all();
	check(!sigismember(&old, SIGKILL) && !sigismember(&old, SIGSTOP) &&
	      sigismember(&old, SIGTERM),
	      "SIGKILL and SIGSTOP are silently left unblocked", "mask wrong");
	errno = 0;
	check_errno(sigprocmask(42, &block, NULL), EINVAL,
		    "rt_sigprocmask with a bad 'how' gives EINVAL");
}

/* --- signals to children, default actions ---------------------------------- */

static int raise_and_exit(void *sig)
{
	raise((int)(intptr_t)sig);
	return 0;
}

static int wait_for_eof(void *fdp)
{
	char c;
	return read(*(int *)fdp, &c, 1) == 0 ? 0 : 1;
}

static void test_default_actions(void)
{
	check_signaled(run_in_child(raise_and_exit, (void *)SIGTERM), SIGTERM,
		       "SIGTERM default action terminates");
	check_signaled(run_in_child(raise_and_exit, (void *)SIGBUS), SIGBUS,
		       "SIGBUS (sent with kill) default action terminates");
	check_exited(run_in_child(raise_and_exit, (void *)SIGCHLD), 0,
		     "SIGCHLD default action is ignore");
	check_exited(run_in_child(raise_and_exit, (void *)SIGCONT), 0,
		     "SIGCONT on a running process is harmless");
	check_exited(run_in_child(raise_and_exit, (void *)SIGWINCH), 0,
		     "SIGWINCH default action is ignore");

	/* kill() a child blocked in read(): it dies with that signal. */
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0)
		_exit(wait_for_eof(&p[0]));
	int st = -1;
	check_eq(kill(pid, 0), 0, "kill(child, 0) finds the child");
	check_eq(kill(pid, SIGSTOP), 0, "kill(child, SIGSTOP)");
	check_eq(waitpid(pid, &st, WUNTRACED), pid, "waitpid WUNTRACED");
	check(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
	      "child reported stopped by SIGSTOP", "status 0x%x", st);
	check_eq(kill(pid, SIGCONT), 0, "kill(child, SIGCONT)");
	check_eq(waitpid(pid, &st, WCONTINUED), pid, "waitpid WCONTINUED");
	check(WIFCONTINUED(st), "child reported continued", "status 0x%x", st);
	check_eq(kill(pid, SIGTERM), 0, "kill(child, SIGTERM)");
	waitpid(pid, &st, 0);
	check_signaled(st, SIGTERM, "child blocked in read dies of SIGTERM");
	errno = 0;
	check_errno(kill(pid, 0), ESRCH, "kill to a reaped child gives ESRCH");
	close(p[0]);
	close(p[1]);

	/* SIG_IGN really ignores. */
	set_handler(SIGUSR2, SIG_IGN);
	check_eq(kill(getpid(), SIGUSR2), 0, "ignored SIGUSR2 sent to self");
	check(1, "process survives an ignored SIGUSR2", NULL);
	set_handler(SIGUSR2, SIG_DFL);
}

/* --- SIGCHLD on child exit, sigsuspend ------------------------------------ */

static void test_sigchld(void)
{
	sigset_t block, empty;

	install(SIGCHLD, info_handler, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, NULL);
	hits = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	/* Race-free: SIGCHLD is blocked until sigsuspend atomically
	 * unblocks it and waits (sigsuspend(2)). */
	sigemptyset(&empty);
	int r;
	do
		r = sigsuspend(&empty);
	while (!hits);
	check_errno(r, EINTR, "sigsuspend returns EINTR after the handler");
	check(last_info.si_signo == SIGCHLD && last_info.si_code == CLD_EXITED &&
	      last_info.si_pid == pid && last_info.si_status == 7,
	      "SIGCHLD info: CLD_EXITED, child's pid and status 7",
	      "code %d status %d", last_info.si_code, last_info.si_status);
	int st;
	waitpid(pid, &st, 0);
	check_exited(st, 7, "child reaped after SIGCHLD");
	unblock_all();
	set_handler(SIGCHLD, SIG_DFL);
}

/* --- SIGPIPE / EPIPE ---------------------------------------------------- */

static int write_to_broken_pipe(void *ignore)
{
	int p[2];
	if (pipe(p))
		return 1;
	close(p[0]);
	if (ignore)
		signal(SIGPIPE, SIG_IGN);
	errno = 0;
	ssize_t n = write(p[1], "x", 1);
	/* only reached if SIGPIPE did not kill us */
	return n == -1 && errno == EPIPE ? 0 : 2;
}

static void test_sigpipe(void)
{
	check_signaled(run_in_child(write_to_broken_pipe, NULL), SIGPIPE,
		       "write to a pipe with no reader raises SIGPIPE");
	check_exited(run_in_child(write_to_broken_pipe, (void *)1), 0,
		     "with SIGPIPE ignored the write fails with EPIPE");
}

/* --- registers survive a handler (rt_sigreturn) -------------------------- */

/*
 * regs_across_kill(pid, sig, out): fill x2..x28 and v0..v31 with known
 * values, set the Z and C flags, issue kill(pid, sig) with a bare svc so
 * the handler runs on the way back to user mode, then dump every
 * register to out[] (x_n at out[n], flags at out[8], v_n at out[32+2n]).
 */
void regs_across_kill(long pid, long sig, unsigned long *out);
asm(".text\n"
    ".global regs_across_kill\n"
    ".type regs_across_kill, %function\n"
    "regs_across_kill:\n"
    "	stp x19, x20, [sp, #-160]!\n"
    "	stp x21, x22, [sp, #16]\n"
    "	stp x23, x24, [sp, #32]\n"
    "	stp x25, x26, [sp, #48]\n"
    "	stp x27, x28, [sp, #64]\n"
    "	stp d8, d9, [sp, #80]\n"
    "	stp d10, d11, [sp, #96]\n"
    "	stp d12, d13, [sp, #112]\n"
    "	stp d14, d15, [sp, #128]\n"
    "	mov x16, x2\n"
    "	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "	mov x9, #(0x200 + \\n)\n"
    "	dup v\\n\\().2d, x9\n"
    "	.endr\n"
    "	.irp n,2,3,4,5,6,7,9,10,11,12,13,14,15,17,18,19,20,21,22,23,24,25,26,27,28\n"
    "	mov x\\n, #(0x100 + \\n)\n"
    "	.endr\n"
    "	mov x8, #129\n" /* __NR_kill */
    "	cmp x8, x8\n"   /* Z=1 C=1 */
    "	svc #0\n"
    "	cset x8, eq\n"
    "	str x8, [x16, #64]\n"
    "	.irp n,0,1,2,3,4,5,6,7,9,10,11,12,13,14,15,17,18,19,20,21,22,23,24,25,26,27,28\n"
    "	str x\\n, [x16, #(8 * \\n)]\n"
    "	.endr\n"
    "	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "	str q\\n, [x16, #(256 + 16 * \\n)]\n"
    "	.endr\n"
    "	ldp x21, x22, [sp, #16]\n"
    "	ldp x23, x24, [sp, #32]\n"
    "	ldp x25, x26, [sp, #48]\n"
    "	ldp x27, x28, [sp, #64]\n"
    "	ldp d8, d9, [sp, #80]\n"
    "	ldp d10, d11, [sp, #96]\n"
    "	ldp d12, d13, [sp, #112]\n"
    "	ldp d14, d15, [sp, #128]\n"
    "	ldp x19, x20, [sp], #160\n"
    "	ret\n"
    ".size regs_across_kill, . - regs_across_kill\n");

/* Zero every caller-saved register and clear the flags (legal AAPCS64). */
void clobber_caller_saved(void);
asm(".text\n"
    ".global clobber_caller_saved\n"
    ".type clobber_caller_saved, %function\n"
    "clobber_caller_saved:\n"
    "	.irp n,0,1,2,3,4,5,6,7,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n"
    "	movi v\\n\\().2d, #0\n"
    "	.endr\n"
    "	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17\n"
    "	mov x\\n, xzr\n"
    "	.endr\n"
    "	cmp x0, #1\n" /* Z=0 C=0 */
    "	ret\n"
    ".size clobber_caller_saved, . - clobber_caller_saved\n");

static void clobbering_handler(int sig)
{
	(void)sig;
	volatile double d = 1.0;
	for (int i = 0; i < 50; i++)
		d = d * 1.5 + i; /* uses FP registers */
	clobber_caller_saved();
	hits++;
}

static void test_sigreturn_registers(void)
{
	static unsigned long out[32 + 64];
	int bad = 0;

	set_handler(SIGUSR2, clobbering_handler);
	hits = 0;
	regs_across_kill(getpid(), SIGUSR2, out);
	check_eq(hits, 1, "handler ran inside the kill syscall's return path");
	check_eq(out[0], 0, "x0 holds kill's return value 0 after sigreturn");
	check_eq(out[1], SIGUSR2, "x1 (argument) preserved across handler");
	check_eq(out[8], 1, "NZCV flags preserved across handler");
	for (int n = 2; n <= 28; n++)
		if (n != 8 && n != 16 && out[n] != 0x100u + n)
			bad++;
	check_eq(bad, 0, "x2..x28 preserved across handler");
	bad = 0;
	for (int n = 0; n < 32; n++)
		if (out[32 + 2 * n] != 0x200u + n || out[33 + 2 * n] != 0x200u + n)
			bad++;
	check_eq(bad, 0, "all 128 bits of v0..v31 preserved across handler");
	set_handler(SIGUSR2, SIG_DFL);
}

/* --- EINTR ----------------------------------------------------------------- */

static void test_eintr(void)
{
	sigset_t block, empty;

	/* nanosleep(2) interrupted by a handler returns EINTR.  The child
	 * keeps sending SIGUSR1 until killed, so whenever we enter the
	 * sleep a signal will interrupt it: no timing assumption. */
	set_handler(SIGUSR1, count_handler); /* no SA_RESTART */
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid == 0) {
		for (;;) {
			kill(parent, SIGUSR1);
			sched_yield();
		}
	}
	struct timespec req = { 30, 0 }, rem = { 0, 0 };
	errno = 0;
	int r = nanosleep(&req, &rem);
	int e = errno;
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		; /* a last SIGUSR1 may interrupt the wait: retry */
	errno = e;
	check_errno(r, EINTR, "nanosleep interrupted by a signal gives EINTR");
	/* Linux may report a hair more than was asked (timer slack rounds the
	 * expiry up), so bound the remainder by 31 s, not by 30. */
	check(rem.tv_sec <= 30 && (rem.tv_sec > 0 || rem.tv_nsec > 0),
	      "nanosleep reports the remaining time", "rem %ld.%09ld",
	      (long)rem.tv_sec, rem.tv_nsec);

	/* pause(2)-style wait without a race: block, let the child send,
	 * then sigsuspend with the signal unblocked. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	hits = 0;
	pid = fork();
	if (pid == 0) {
		kill(parent, SIGUSR1);
		_exit(0);
	}
	sigemptyset(&empty);
	errno = 0;
	check_errno(sigsuspend(&empty), EINTR, "sigsuspend returns EINTR");
	check_eq(hits, 1, "signal from child delivered during sigsuspend");
	waitpid(pid, NULL, 0);
	unblock_all();
}

/* --- tgkill to another thread -------------------------------------------- */

static int ready_pipe[2], go_pipe[2];

static void *waiting_thread(void *arg)
{
	char c;
	*(pid_t *)arg = gettid();
	(void)!write(ready_pipe[1], "r", 1);
	(void)!read(go_pipe[0], &c, 1); /* SA_RESTART: survives the handler */
	return NULL;
}

static void test_tgkill_thread(void)
{
	pthread_t th;
	pid_t tid = 0;
	sigset_t block;
	char c;

	if (pipe(ready_pipe) || pipe(go_pipe))
		return;
	install(SIGUSR1, info_handler, SA_RESTART);
	pthread_create(&th, NULL, waiting_thread, &tid);
	(void)!read(ready_pipe[0], &c, 1); /* tid is now valid */
	/* Block SIGUSR1 here: only the target thread may take it. */
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	hits = 0;
	handler_tid = 0;
	check_eq(syscall(SYS_tgkill, getpid(), tid, SIGUSR1), 0, "tgkill to another thread");
	/* The thread cannot exit without returning to user mode, where the
	 * pending signal is delivered, so no timing is involved. */
	(void)!write(go_pipe[1], "g", 1);
	pthread_join(th, NULL);
	check(hits == 1 && handler_tid == tid,
	      "the handler ran in the target thread", "hits %d", (int)hits);
	pthread_sigmask(SIG_UNBLOCK, &block, NULL);
	close(ready_pipe[0]);
	close(ready_pipe[1]);
	close(go_pipe[0]);
	close(go_pipe[1]);
}

/* --- fault signals ------------------------------------------------------ */

static int null_deref(void *arg)
{
	(void)arg;
	return *(volatile int *)0;
}

/* Exclusive loads must be naturally aligned (ARM ARM B2.5.2): this one
 * takes an alignment fault, which Linux turns into SIGBUS. */
static int unaligned_exclusive_load(void *arg)
{
	(void)arg;
	static char buffer[16];
	asm volatile("ldxr x0, [%0]" ::"r"(buffer + 1) : "x0", "memory");
	return 0;
}

static int illegal_insn(void *arg)
{
	(void)arg;
	asm volatile(".inst 0x00000000"); /* UDF #0 */
	return 0;
}

static sigjmp_buf fault_jmp;
static void *fault_addr;
static int fault_code;

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	fault_addr = si->si_addr;
	fault_code = si->si_code;
	siglongjmp(fault_jmp, 1);
}

/* Catch two faults with a handler; check si_addr and si_code. */
static int segv_info(void *arg)
{
	(void)arg;
	long page = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	munmap(p, page);                   /* p: unmapped */
	mprotect(p + page, page, PROT_READ); /* p + page: read-only */
	install(SIGSEGV, segv_handler, 0);

	if (sigsetjmp(fault_jmp, 1) == 0)
		*(volatile char *)(p + 123) = 1;
	if (fault_addr != p + 123)
		return 2;
	if (fault_code != SEGV_MAPERR)
		return 3;
	if (sigsetjmp(fault_jmp, 1) == 0)
		*(volatile char *)(p + page + 45) = 1;
	if (fault_addr != p + page + 45)
		return 4;
	if (fault_code != SEGV_ACCERR)
		return 5;
	return 0;
}

static void test_faults(void)
{
	check_signaled(run_in_child(null_deref, NULL), SIGSEGV,
		       "NULL dereference raises SIGSEGV");
	check_signaled(run_in_child(illegal_insn, NULL), SIGILL,
		       "UDF instruction raises SIGILL");
	check_signaled(run_in_child(unaligned_exclusive_load, NULL), SIGBUS,
		       "unaligned exclusive load raises SIGBUS");
	check_exited(run_in_child(segv_info, NULL), 0,
		     "SIGSEGV handler gets si_addr and SEGV_MAPERR/SEGV_ACCERR");
}

/* --- fork and execve effects on signal state ----------------------------- */

static int exec_child(void)
{
	struct sigaction sa;
	sigset_t mask;

	/*
	 * execve(2): handled signals reset to SIG_DFL, ignored stay ignored,
	 * the signal mask and pending signals are preserved.  The pending
	 * SIGTERM is not checked: qemu-user (our oracle) loses it on exec.
	 */
	sigaction(SIGUSR1, NULL, &sa);
	if (sa.sa_handler != SIG_DFL)
		return 10;
	sigaction(SIGUSR2, NULL, &sa);
	if (sa.sa_handler != SIG_IGN)
		return 11;
	sigprocmask(SIG_BLOCK, NULL, &mask);
	if (!sigismember(&mask, SIGTERM))
		return 12;
	return 42;
}

static int fork_child_checks(void *arg)
{
	sigset_t mask, pend;
	(void)arg;
	/* fork(2): mask inherited, pending set empty. */
	sigprocmask(SIG_BLOCK, NULL, &mask);
	sigpending(&pend);
	if (!sigismember(&mask, SIGTERM))
		return 1;
	if (sigismember(&pend, SIGTERM))
		return 2;
	return 0;
}

static void test_fork_exec_state(void)
{
	sigset_t block;

	set_handler(SIGUSR1, count_handler);
	set_handler(SIGUSR2, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, NULL);
	kill(getpid(), SIGTERM); /* stays pending */

	check_exited(run_in_child(fork_child_checks, NULL), 0,
		     "fork child inherits the mask but no pending signals");

	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "t_signal", "exec-child", NULL };
		char *envp[] = { NULL };
		execve(SELF, argv, envp);
		_exit(99);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	check_exited(st, 42, "execve resets handlers, keeps SIG_IGN and the mask");

	/* Drop the pending SIGTERM by ignoring it, then restore defaults. */
	set_handler(SIGTERM, SIG_IGN);
	unblock_all();
	set_handler(SIGTERM, SIG_DFL);
	set_handler(SIGUSR1, SIG_DFL);
	set_handler(SIGUSR2, SIG_DFL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-child") == 0) {
		if (argc == 2)
			return exec_child();
		return 1;
	}
	test_sigaction();
	test_sigprocmask();
	test_default_actions();
	test_sigchld();
	test_sigpipe();
	test_sigreturn_registers();
	test_eintr();
	test_tgkill_thread();
	test_faults();
	test_fork_exec_state();
	return tap_done("t_signal.c");
}
