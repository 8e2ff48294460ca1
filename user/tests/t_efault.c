/*
 * t_efault.c - bad user pointers must give EFAULT, never a crash.
 *
 * Every pointer argument of the calls below is given three bad values:
 *   NULL, a kernel address (0xffff000040000000), and a user address that
 *   was mapped and then unmapped.
 * The calls are made with raw syscall() so glibc cannot check or
 * dereference the pointers first.  Each case expects -1/EFAULT
 * (errno(3): "Bad address"), then the process must carry on.
 *
 * Expectations come from Linux (checked under qemu-aarch64); where
 * Linux answers something else the case says so explicitly.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <time.h>
#include "tap.h"

#define DIR_PATH "/tmp/t_efault.d"
#define FILE_PATH DIR_PATH "/file"
#define KERNEL_ADDR ((void *)0xffff000040000000ull)

static int zero_fd, file_fd, dir_fd, pipe_rd, pipe_wr;

/* --- one function per case: call(bad pointer) -> raw syscall result ---- */

static long c_read(void *b) { return syscall(SYS_read, zero_fd, b, 16); }
static long c_write(void *b) { return syscall(SYS_write, pipe_wr, b, 16); }
static long c_readv(void *b) { return syscall(SYS_readv, zero_fd, b, 1); }
static long c_writev(void *b) { return syscall(SYS_writev, pipe_wr, b, 1); }
static long c_readv_base(void *b)
{
	struct iovec v = { b, 16 };
	return syscall(SYS_readv, zero_fd, &v, 1);
}
static long c_writev_base(void *b)
{
	struct iovec v = { b, 16 };
	return syscall(SYS_writev, pipe_wr, &v, 1);
}
static long c_pread(void *b) { return syscall(SYS_pread64, file_fd, b, 16, 0); }
static long c_pwrite(void *b) { return syscall(SYS_pwrite64, file_fd, b, 16, 0); }
static long c_openat(void *b) { return syscall(SYS_openat, AT_FDCWD, b, O_RDONLY); }
static long c_fstatat_path(void *b)
{
	struct stat st;
	return syscall(SYS_newfstatat, AT_FDCWD, b, &st, 0);
}
static long c_fstatat_buf(void *b) { return syscall(SYS_newfstatat, AT_FDCWD, FILE_PATH, b, 0); }
static long c_fstat(void *b) { return syscall(SYS_fstat, file_fd, b); }
static long c_getdents(void *b)
{
	lseek(dir_fd, 0, SEEK_SET);
	return syscall(SYS_getdents64, dir_fd, b, 4096);
}
static long c_mkdirat(void *b) { return syscall(SYS_mkdirat, AT_FDCWD, b, 0755); }
static long c_unlinkat(void *b) { return syscall(SYS_unlinkat, AT_FDCWD, b, 0); }
static long c_rename_old(void *b)
{
	return syscall(SYS_renameat2, AT_FDCWD, b, AT_FDCWD, DIR_PATH "/x", 0);
}
static long c_rename_new(void *b)
{
	return syscall(SYS_renameat2, AT_FDCWD, FILE_PATH, AT_FDCWD, b, 0);
}
static long c_faccessat(void *b) { return syscall(SYS_faccessat, AT_FDCWD, b, F_OK, 0); }
static long c_readlink_path(void *b)
{
	char buf[64];
	return syscall(SYS_readlinkat, AT_FDCWD, b, buf, sizeof buf);
}
static long c_readlink_buf(void *b)
{
	return syscall(SYS_readlinkat, AT_FDCWD, "/proc/self/exe", b, 64);
}
static long c_chdir(void *b) { return syscall(SYS_chdir, b); }
static long c_getcwd(void *b) { return syscall(SYS_getcwd, b, 256); }
static long c_pipe2(void *b) { return syscall(SYS_pipe2, b, 0); }
static long c_clock_gettime(void *b) { return syscall(SYS_clock_gettime, CLOCK_MONOTONIC, b); }
static long c_nanosleep(void *b) { return syscall(SYS_nanosleep, b, NULL); }
static long c_uname(void *b) { return syscall(SYS_uname, b); }
static long c_getrandom(void *b) { return syscall(SYS_getrandom, b, 16, 0); }
static long c_sigaction_new(void *b) { return syscall(SYS_rt_sigaction, SIGUSR1, b, NULL, 8); }
static long c_sigaction_old(void *b) { return syscall(SYS_rt_sigaction, SIGUSR1, NULL, b, 8); }
static long c_sigprocmask_new(void *b) { return syscall(SYS_rt_sigprocmask, SIG_BLOCK, b, NULL, 8); }
static long c_sigprocmask_old(void *b) { return syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, b, 8); }
static long c_execve(void *b)
{
	char *argv[] = { "x", NULL }, *envp[] = { NULL };
	return syscall(SYS_execve, b, argv, envp);
}
static long c_prlimit_new(void *b) { return syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, b, NULL); }
static long c_prlimit_old(void *b) { return syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, b); }
static long c_ppoll(void *b)
{
	struct timespec zero = { 0, 0 };
	return syscall(SYS_ppoll, b, 1, &zero, NULL, 8);
}
static long c_pselect(void *b)
{
	struct timespec zero = { 0, 0 };
	return syscall(SYS_pselect6, pipe_rd + 1, b, NULL, NULL, &zero, NULL);
}

/*
 * Expected answer for each of the three bad pointers (NULL, kernel,
 * unmapped):
 *   EF  -1/EFAULT
 *   OK  success: for these calls NULL is documented to mean "no
 *       argument" (e.g. rt_sigaction(2) act/oldact, wait4(2) status,
 *       prlimit(2) new/old, select(2) sets), so Linux returns >= 0.
 *   EFI -1/EFAULT or -1/EINVAL: Linux gives EFAULT, but qemu-user (the
 *       oracle) ignores the failed copy of the timespec and gives EINVAL.
 */
enum { EF, OK, EFI };

static const struct efault_case {
	const char *name;
	long (*call)(void *bad);
	int want[3];
} cases[] = {
	{ "read buffer", c_read, { EF, EF, EF } },
	{ "write buffer", c_write, { EF, EF, EF } },
	{ "readv iov array", c_readv, { EF, EF, EF } },
	{ "writev iov array", c_writev, { EF, EF, EF } },
	{ "readv iov_base", c_readv_base, { EF, EF, EF } },
	{ "writev iov_base", c_writev_base, { EF, EF, EF } },
	{ "pread64 buffer", c_pread, { EF, EF, EF } },
	{ "pwrite64 buffer", c_pwrite, { EF, EF, EF } },
	{ "openat path", c_openat, { EF, EF, EF } },
	{ "newfstatat path", c_fstatat_path, { EF, EF, EF } },
	{ "newfstatat statbuf", c_fstatat_buf, { EF, EF, EF } },
	{ "fstat statbuf", c_fstat, { EF, EF, EF } },
	{ "getdents64 buffer", c_getdents, { EF, EF, EF } },
	{ "mkdirat path", c_mkdirat, { EF, EF, EF } },
	{ "unlinkat path", c_unlinkat, { EF, EF, EF } },
	{ "renameat2 oldpath", c_rename_old, { EF, EF, EF } },
	{ "renameat2 newpath", c_rename_new, { EF, EF, EF } },
	{ "faccessat path", c_faccessat, { EF, EF, EF } },
	{ "readlinkat path", c_readlink_path, { EF, EF, EF } },
	{ "readlinkat buffer", c_readlink_buf, { EF, EF, EF } },
	{ "chdir path", c_chdir, { EF, EF, EF } },
	{ "getcwd buffer", c_getcwd, { EF, EF, EF } },
	{ "pipe2 fd array", c_pipe2, { EF, EF, EF } },
	{ "clock_gettime timespec", c_clock_gettime, { EF, EF, EF } },
	{ "nanosleep request", c_nanosleep, { EFI, EFI, EFI } },
	{ "uname buffer", c_uname, { EF, EF, EF } },
	{ "getrandom buffer", c_getrandom, { EF, EF, EF } },
	{ "rt_sigaction act", c_sigaction_new, { OK, EF, EF } },
	{ "rt_sigaction oldact", c_sigaction_old, { OK, EF, EF } },
	{ "rt_sigprocmask set", c_sigprocmask_new, { OK, EF, EF } },
	{ "rt_sigprocmask oldset", c_sigprocmask_old, { OK, EF, EF } },
	{ "execve path", c_execve, { EF, EF, EF } },
	{ "prlimit64 new_limit", c_prlimit_new, { OK, EF, EF } },
	{ "prlimit64 old_limit", c_prlimit_old, { OK, EF, EF } },
	{ "ppoll fds", c_ppoll, { EF, EF, EF } },
	{ "pselect6 readfds", c_pselect, { OK, EF, EF } },
};

/*
 * wait4 with a bad status pointer, each time with a real child that has
 * already exited.  NULL means "don't store the status" (wait4(2)), so
 * that one succeeds and returns the pid.
 */
static void test_wait4(void *bad, const char *what)
{
	char desc[128];
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	errno = 0;
	long r = syscall(SYS_wait4, pid, bad, 0, NULL);
	int e = errno;
	if (bad == NULL) {
		check(r == pid, "wait4 status with NULL succeeds (NULL means none)",
		      "ret %ld errno %d", r, e);
		return;
	}
	snprintf(desc, sizeof desc, "wait4 status with %s gives EFAULT", what);
	check(r == -1 && e == EFAULT, desc, "ret %ld errno %d", r, e);
	waitpid(pid, NULL, 0); /* Linux reaps the child anyway; harmless */
}

int main(void)
{
	long page = sysconf(_SC_PAGESIZE);
	char *unmapped = mmap(NULL, page, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped, page);
	struct { void *ptr; const char *what; } bad[3] = {
		{ NULL, "NULL" },
		{ KERNEL_ADDR, "a kernel address" },
		{ unmapped, "an unmapped address" },
	};

	/* Fixtures: a file with data, a directory, a pipe, /dev/zero. */
	mkdir(DIR_PATH, 0755);
	file_fd = open(FILE_PATH, O_CREAT | O_RDWR | O_TRUNC, 0644);
	int ok = file_fd >= 0 && write(file_fd, "0123456789abcdefXYZ", 19) == 19;
	dir_fd = open(DIR_PATH, O_RDONLY | O_DIRECTORY);
	zero_fd = open("/dev/zero", O_RDONLY);
	int p[2];
	ok = ok && dir_fd >= 0 && zero_fd >= 0 && pipe2(p, O_NONBLOCK) == 0;
	pipe_rd = p[0];
	pipe_wr = p[1];
	check(ok, "set up fixtures in " DIR_PATH, "errno %d", errno);
	signal(SIGPIPE, SIG_IGN);

	for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (int b = 0; b < 3; b++) {
			char desc[160];
			int want = cases[i].want[b];
			errno = 0;
			long r = cases[i].call(bad[b].ptr);
			int e = errno;
			snprintf(desc, sizeof desc, "%s with %s %s", cases[i].name,
				 bad[b].what,
				 want == OK ? "succeeds (NULL means none)" :
				 want == EF ? "gives EFAULT" :
				 "gives EFAULT (qemu-user: EINVAL)");
			int good = want == OK ? r >= 0 :
				   want == EF ? r == -1 && e == EFAULT :
				   r == -1 && (e == EFAULT || e == EINVAL);
			check(good, desc, "ret %ld errno %d", r, e);
		}
	}
	for (int b = 0; b < 3; b++)
		test_wait4(bad[b].ptr, bad[b].what);

	/* Still alive and the fixtures are untouched. */
	char buf[20];
	check(pread(file_fd, buf, 19, 0) == 19 && !memcmp(buf, "0123456789abcdefXYZ", 19),
	      "process carries on and the file is unchanged", "bad data");

	close(file_fd);
	close(dir_fd);
	close(zero_fd);
	close(pipe_rd);
	close(pipe_wr);
	unlink(FILE_PATH);
	check_eq(rmdir(DIR_PATH), 0, "fixture directory removed");
	return tap_done("t_efault.c");
}
