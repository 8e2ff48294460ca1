/*
 * t_fd.c - file descriptors: open/read/write/close, readv/writev,
 * pread64/pwrite64, lseek(2), dup(2)/dup3(2), fcntl(2) flags,
 * close-on-exec across execve(2), O_APPEND, and EBADF; a table grown
 * to a raised RLIMIT_NOFILE (4096 descriptors, then EMFILE).
 *
 * Uses one scratch file, /tmp/t_fd.data, removed at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include "tap.h"

#define FILE_PATH "/tmp/t_fd.data"
#define SELF "/proc/self/exe"

static void test_rw(void)
{
	char buf[64];

	unlink(FILE_PATH);
	int fd = open(FILE_PATH, O_CREAT | O_TRUNC | O_RDWR, 0644);
	check(fd >= 3, "open O_CREAT returns a new fd >= 3", "got %d", fd);
	check_eq(write(fd, "hello world", 11), 11, "write 11 bytes");
	check_eq(lseek(fd, 0, SEEK_CUR), 11, "offset advanced by write");
	check_eq(lseek(fd, 0, SEEK_SET), 0, "lseek SEEK_SET 0");
	memset(buf, 0, sizeof buf);
	check_eq(read(fd, buf, sizeof buf), 11, "read returns the 11 bytes");
	check(memcmp(buf, "hello world", 11) == 0, "read back what was written", "data differs");
	check_eq(read(fd, buf, sizeof buf), 0, "read at end of file returns 0");
	check_eq(read(fd, buf, 0), 0, "read of 0 bytes returns 0");

	/* lseek(2) whence values. */
	check_eq(lseek(fd, -5, SEEK_END), 6, "lseek SEEK_END -5");
	check_eq(lseek(fd, 2, SEEK_CUR), 8, "lseek SEEK_CUR +2");
	check(read(fd, buf, 3) == 3 && memcmp(buf, "rld", 3) == 0,
	      "read after lseek gets the right bytes", "wrong data");
	errno = 0;
	check_errno(lseek(fd, -1, SEEK_SET), EINVAL, "lseek to a negative offset gives EINVAL");
	errno = 0;
	check_errno(lseek(fd, 0, 42), EINVAL, "lseek with a bad whence gives EINVAL");
	check_eq(lseek(fd, 0, SEEK_CUR), 11, "failed lseek leaves the offset alone");

	/* Seeking past the end and writing leaves a hole that reads as 0. */
	check_eq(lseek(fd, 20, SEEK_SET), 20, "lseek past end of file");
	check_eq(write(fd, "Z", 1), 1, "write after the hole");
	check_eq(pread(fd, buf, 10, 11), 10, "pread across the hole");
	int zeros = 1;
	for (int i = 0; i < 9; i++)
		zeros &= buf[i] == 0;
	check(zeros && buf[9] == 'Z', "hole reads as zero bytes", "non-zero");

	/* pread64/pwrite64 use an explicit offset and leave the file's alone. */
	off_t before = lseek(fd, 3, SEEK_SET);
	check_eq(pwrite(fd, "HELLO", 5, 0), 5, "pwrite64 5 bytes at offset 0");
	check_eq(pread(fd, buf, 5, 0), 5, "pread64 5 bytes at offset 0");
	check(memcmp(buf, "HELLO", 5) == 0, "pread64 sees pwrite64's data", "mismatch");
	check_eq(lseek(fd, 0, SEEK_CUR), before, "pread64/pwrite64 do not move the offset");
	errno = 0;
	check_errno(pread(fd, buf, 1, -1), EINVAL, "pread64 at a negative offset gives EINVAL");

	/* writev/readv gather and scatter in order (readv(2)). */
	struct iovec w[3] = { { "ab", 2 }, { "", 0 }, { "cdefg", 5 } };
	ftruncate(fd, 0);
	lseek(fd, 0, SEEK_SET);
	check_eq(writev(fd, w, 3), 7, "writev of 3 iovecs writes 7 bytes");
	char r1[3] = { 0 }, r2[10] = { 0 };
	struct iovec r[2] = { { r1, 3 }, { r2, sizeof r2 } };
	lseek(fd, 0, SEEK_SET);
	check_eq(readv(fd, r, 2), 7, "readv returns 7 bytes");
	check(memcmp(r1, "abc", 3) == 0 && memcmp(r2, "defg", 4) == 0,
	      "readv fills the buffers in order", "wrong data");
	errno = 0;
	check_errno(syscall(SYS_readv, fd, r, -1), EINVAL, "readv with a negative count gives EINVAL");

	/* O_APPEND: every write goes to the end (open(2)). */
	int afd = open(FILE_PATH, O_WRONLY | O_APPEND);
	lseek(afd, 0, SEEK_SET);
	check_eq(write(afd, "XY", 2), 2, "write with O_APPEND");
	check_eq(lseek(afd, 0, SEEK_CUR), 9, "O_APPEND write went to the end");
	close(afd);

	/* Access mode is enforced: EBADF (read(2)/write(2) ERRORS). */
	int ro = open(FILE_PATH, O_RDONLY);
	errno = 0;
	check_errno(write(ro, "x", 1), EBADF, "write on an O_RDONLY fd gives EBADF");
	int wo = open(FILE_PATH, O_WRONLY);
	errno = 0;
	check_errno(read(wo, buf, 1), EBADF, "read on an O_WRONLY fd gives EBADF");
	close(ro);
	close(wo);

	check_eq(close(fd), 0, "close returns 0");
	errno = 0;
	check_errno(close(fd), EBADF, "closing twice gives EBADF");
}

/* Lowest descriptor >= from that is not open (the rule dup(2) follows). */
static int lowest_free(int from)
{
	while (fcntl(from, F_GETFD) != -1)
		from++;
	return from;
}

static void test_dup_fcntl(void)
{
	char c;
	int fd = open(FILE_PATH, O_RDWR);

	/* dup(2) returns the lowest free fd and shares the file offset. */
	int want = lowest_free(0);
	int d = dup(fd);
	check_eq(d, want, "dup returns the lowest free descriptor");
	lseek(fd, 2, SEEK_SET);
	check_eq(lseek(d, 0, SEEK_CUR), 2, "duplicated fds share the offset");
	check(read(d, &c, 1) == 1 && c == 'c', "read through the duplicate", "wrong byte");
	check_eq(lseek(fd, 0, SEEK_CUR), 3, "reading via the dup moved the shared offset");
	check_eq(fcntl(d, F_GETFD), 0, "dup clears FD_CLOEXEC");

	int d3 = dup3(fd, 40, O_CLOEXEC);
	check_eq(d3, 40, "dup3 to fd 40");
	check_eq(fcntl(40, F_GETFD), FD_CLOEXEC, "dup3 O_CLOEXEC sets FD_CLOEXEC");
	errno = 0;
	check_errno(dup3(fd, fd, 0), EINVAL, "dup3 with oldfd == newfd gives EINVAL");
	errno = 0;
	check_errno(dup3(fd, 41, O_NONBLOCK), EINVAL, "dup3 with bad flags gives EINVAL");
	check_eq(dup2(fd, fd), fd, "dup2 with oldfd == newfd returns newfd");
	check_eq(dup2(d, 40), 40, "dup2 onto an open fd closes it first");
	check_eq(fcntl(40, F_GETFD), 0, "dup2 result has FD_CLOEXEC clear");

	/* fcntl F_GETFD/F_SETFD. */
	check_eq(fcntl(d, F_SETFD, FD_CLOEXEC), 0, "F_SETFD FD_CLOEXEC");
	check_eq(fcntl(d, F_GETFD), FD_CLOEXEC, "F_GETFD reads FD_CLOEXEC back");
	check_eq(fcntl(fd, F_GETFD), 0, "FD_CLOEXEC is per descriptor, not per file");

	/* F_DUPFD / F_DUPFD_CLOEXEC: lowest fd >= arg. */
	want = lowest_free(20);
	int d1 = fcntl(fd, F_DUPFD, 20);
	check_eq(d1, want, "F_DUPFD 20 returns the lowest free fd >= 20");
	want = lowest_free(20);
	int d2 = fcntl(fd, F_DUPFD, 20);
	check_eq(d2, want, "F_DUPFD 20 again returns the next free fd");
	want = lowest_free(20);
	int dc = fcntl(fd, F_DUPFD_CLOEXEC, 20);
	check_eq(dc, want, "F_DUPFD_CLOEXEC 20 returns the next free fd");
	check_eq(fcntl(dc, F_GETFD), FD_CLOEXEC, "F_DUPFD_CLOEXEC sets FD_CLOEXEC");

	/* F_GETFL / F_SETFL: access mode visible, O_NONBLOCK settable. */
	check_eq(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR, "F_GETFL shows O_RDWR");
	int p[2];
	pipe(p);
	check_eq(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0, "pipe starts blocking");
	check_eq(fcntl(p[0], F_SETFL, O_NONBLOCK), 0, "F_SETFL O_NONBLOCK");
	check_eq(fcntl(p[0], F_GETFL) & (O_NONBLOCK | O_ACCMODE), O_NONBLOCK | O_RDONLY,
		 "F_GETFL shows O_NONBLOCK and O_RDONLY");
	errno = 0;
	check_errno(read(p[0], &c, 1), EAGAIN, "read on empty non-blocking pipe gives EAGAIN");
	check_eq(fcntl(p[0], F_SETFL, 0), 0, "F_SETFL 0 clears O_NONBLOCK");
	check_eq(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0, "O_NONBLOCK cleared");
	errno = 0;
	check_errno(lseek(p[0], 0, SEEK_SET), ESPIPE, "lseek on a pipe gives ESPIPE");
	close(p[0]);
	close(p[1]);
	close(d1);
	close(d2);
	close(dc);
	close(40);
	close(d);
	close(fd);
}

/* Child mode "exec-child KEPT CLOSED": see what survived execve. */
static int exec_child(char **argv)
{
	int kept = atoi(argv[2]), closed = atoi(argv[3]);
	char c;

	errno = 0;
	if (fcntl(closed, F_GETFD) != -1 || errno != EBADF)
		return 10; /* FD_CLOEXEC fd must be gone */
	if (fcntl(kept, F_GETFD) != 0)
		return 11; /* plain fd must still be open */
	/* The kept fd keeps its offset (1): next byte is 'b'. */
	if (read(kept, &c, 1) != 1 || c != 'b')
		return 12;
	return 42;
}

static void test_cloexec_exec(void)
{
	int kept = open(FILE_PATH, O_RDONLY);
	int closed = open(FILE_PATH, O_RDONLY | O_CLOEXEC);
	char c;

	check_eq(fcntl(closed, F_GETFD), FD_CLOEXEC, "open O_CLOEXEC sets FD_CLOEXEC");
	(void)!read(kept, &c, 1);
	pid_t pid = fork();
	if (pid == 0) {
		char a[16], b[16];
		snprintf(a, sizeof a, "%d", kept);
		snprintf(b, sizeof b, "%d", closed);
		char *argv[] = { "t_fd", "exec-child", a, b, NULL };
		char *envp[] = { NULL };
		execve(SELF, argv, envp);
		_exit(99);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	check_exited(st, 42, "execve closes FD_CLOEXEC fds and keeps others with their offset");
	close(kept);
	close(closed);
}

static void test_ebadf(void)
{
	char buf[4];
	struct stat stt;

	/* Every fd-taking call rejects a closed or negative fd. */
	errno = 0;
	check_errno(read(-1, buf, 1), EBADF, "read(-1) gives EBADF");
	errno = 0;
	check_errno(write(999, buf, 1), EBADF, "write(999) gives EBADF");
	errno = 0;
	check_errno(close(999), EBADF, "close(999) gives EBADF");
	errno = 0;
	check_errno(fstat(999, &stt), EBADF, "fstat(999) gives EBADF");
	errno = 0;
	check_errno(lseek(999, 0, SEEK_SET), EBADF, "lseek(999) gives EBADF");
	errno = 0;
	check_errno(dup(999), EBADF, "dup(999) gives EBADF");
	errno = 0;
	check_errno(dup3(999, 5, 0), EBADF, "dup3(999, 5) gives EBADF");
	errno = 0;
	check_errno(fcntl(999, F_GETFD), EBADF, "fcntl(999, F_GETFD) gives EBADF");
	errno = 0;
	check_errno(pread(999, buf, 1, 0), EBADF, "pread64(999) gives EBADF");
	struct iovec v = { buf, 1 };
	errno = 0;
	check_errno(readv(999, &v, 1), EBADF, "readv(999) gives EBADF");
	errno = 0;
	check_errno(syscall(SYS_getdents64, 999, buf, sizeof buf), EBADF,
		    "getdents64(999) gives EBADF");
	check_eq(fcntl(1, F_GETFD) >= 0, 1, "stdout (fd 1) is open");
}

/*
 * getrlimit(2): RLIMIT_NOFILE is "a value one greater than the maximum file
 * descriptor number that can be opened"; raised to 4096, dup fills every
 * free descriptor up to 4095, then gives EMFILE.
 */
#define MANY 4096

static void test_many_descriptors(void)
{
	struct rlimit old, raised;
	getrlimit(RLIMIT_NOFILE, &old);
	raised.rlim_cur = MANY;
	raised.rlim_max = old.rlim_max > MANY ? old.rlim_max : MANY;
	int raise_result = setrlimit(RLIMIT_NOFILE, &raised);
	if (!check(raise_result == 0, "RLIMIT_NOFILE raised to 4096", "errno %d", errno))
		return;
	int p[2];
	pipe(p);
	write(p[1], "x", 1);
	static int made[MANY];
	int count = 0, highest = -1, error = 0;
	for (;;) {
		int fd = dup(p[0]);
		if (fd < 0) {
			error = errno;
			break;
		}
		made[count++] = fd;
		highest = fd > highest ? fd : highest;
		if (count == MANY)
			break;
	}
	check_eq(error, EMFILE, "dup gives EMFILE once every descriptor below 4096 is open");
	check_eq(highest, MANY - 1, "the highest descriptor dup gave is 4095");
	int open_count = 0;
	for (int fd = 0; fd < MANY; fd++)
		open_count += fcntl(fd, F_GETFD) >= 0;
	check_eq(open_count, MANY, "all 4096 descriptors are open");
	errno = 0;
	check_errno(dup2(p[0], MANY), EBADF, "dup2 to 4096, the limit, gives EBADF");
	errno = 0;
	check_errno(fcntl(p[0], F_DUPFD, MANY), EINVAL, "F_DUPFD from 4096 gives EINVAL");
	struct pollfd poll_high = { .fd = MANY - 1, .events = POLLIN };
	check_eq(poll(&poll_high, 1, 0), 1, "poll sees descriptor 4095 readable");
	pid_t child = fork();
	if (child == 0)
		_exit(fcntl(MANY - 1, F_GETFD) >= 0 ? 0 : 1);
	int status = -1;
	waitpid(child, &status, 0);
	check(WIFEXITED(status) && WEXITSTATUS(status) == 0, "a forked child has descriptor 4095 too",
	      "status %#x", status);
	for (int i = 0; i < count; i++)
		close(made[i]);
	close(p[0]);
	close(p[1]);
	check_eq(dup(0) < MANY / 2, 1, "after closing them, dup gives a low descriptor again");
	setrlimit(RLIMIT_NOFILE, &old);
}

/*
 * Run as `t_fd select-high` by tests/test_linux_only_modes.sh, in Strata and
 * in Linux 6.1: qemu-user 7.2 passes select's sets through the host's
 * fd_set, and aborts on a descriptor past FD_SETSIZE (1024).
 */
static void test_select_high(void)
{
	struct rlimit raised = { MANY, MANY };
	int raise_result = setrlimit(RLIMIT_NOFILE, &raised);
	check(raise_result == 0, "RLIMIT_NOFILE raised to 4096", "errno %d", errno);
	int p[2];
	pipe(p);
	write(p[1], "x", 1);
	check_eq(dup2(p[0], MANY - 1), MANY - 1, "dup2 to descriptor 4095");
	uint64_t set[MANY / 64] = { 0 };
	set[(MANY - 1) / 64] = 1ull << ((MANY - 1) % 64);
	struct timespec zero = { 0, 0 };
	check_eq(syscall(SYS_pselect6, MANY, set, NULL, NULL, &zero, NULL), 1,
		 "pselect6 over 4096 descriptors sees 4095 readable");
	check_eq(set[(MANY - 1) / 64], 1ull << ((MANY - 1) % 64), "its bit is the one set");
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "select-high") == 0) {
		test_select_high();
		return tap_done("t_fd.c select-high");
	}
	if (argc == 4 && strcmp(argv[1], "exec-child") == 0)
		return exec_child(argv);
	test_rw();
	test_dup_fcntl();
	test_cloexec_exec();
	test_ebadf();
	test_many_descriptors();
	check_eq(unlink(FILE_PATH), 0, "remove the scratch file");
	return tap_done("t_fd.c");
}
