/*
 * t_pipe_size.c - a pipe's capacity: fcntl(2) F_GETPIPE_SZ and
 * F_SETPIPE_SZ (rounding to a power-of-two number of pages, EBUSY below
 * the data held, EINVAL, EBADF on other files), writes, EAGAIN and
 * POLLOUT following the new size, the data kept across a resize, FIFOs,
 * and /proc/sys/fs/pipe-max-size and pipe-user-pages-soft.
 *
 * "t_pipe_size privileged" runs instead the checks that need the
 * superuser's CAP_SYS_RESOURCE, which the qemu-user oracle lacks and
 * Strata's processes all have: tests/test_pipe_size_privileged.sh runs
 * them on Strata and on Linux 6.1 and compares.  They write
 * /proc/sys/fs/pipe-max-size, so they run only in a guest.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include "tap.h"

#define PAGE 4096
#define FIFO_PATH "/tmp/t_pipe_size.fifo"

static char buffer[1 << 16];

static int pollout(int fd)
{
	struct pollfd entry = { fd, POLLOUT, 0 };
	return poll(&entry, 1, 0) == 1 && (entry.revents & POLLOUT);
}

static void test_sizes(void)
{
	int ends[2];
	pipe(ends);
	check_eq(fcntl(ends[0], F_GETPIPE_SZ), 65536, "a new pipe holds 64 KiB (read end)");
	check_eq(fcntl(ends[1], F_GETPIPE_SZ), 65536, "and says so on its write end");
	check_eq(fcntl(ends[1], F_SETPIPE_SZ, PAGE), PAGE, "F_SETPIPE_SZ to one page returns the new size");
	check_eq(fcntl(ends[0], F_GETPIPE_SZ), PAGE, "both ends see the new size");
	check_eq(fcntl(ends[0], F_SETPIPE_SZ, 5000), 2 * PAGE, "5000 bytes round up to two pages");
	check_eq(fcntl(ends[0], F_SETPIPE_SZ, 3 * PAGE), 4 * PAGE, "three pages round up to four");
	check_eq(fcntl(ends[0], F_SETPIPE_SZ, 1), PAGE, "1 byte rounds up to one page");
	check_eq(fcntl(ends[0], F_SETPIPE_SZ, 0), PAGE, "0 gives one page");
	errno = 0;
	check_errno(fcntl(ends[0], F_SETPIPE_SZ, (1L << 31) + 1), EINVAL, "more than 2^31 bytes gives EINVAL");
	errno = 0;
	check_errno(fcntl(ends[0], F_SETPIPE_SZ, -1L), EINVAL, "-1 (a huge size) gives EINVAL");
	check_eq(fcntl(ends[0], F_GETPIPE_SZ), PAGE, "a refused size leaves the pipe as it was");
	close(ends[0]);
	close(ends[1]);

	int file = open("/tmp/t_pipe_size.file", O_RDWR | O_CREAT | O_TRUNC, 0644);
	errno = 0;
	check_errno(fcntl(file, F_GETPIPE_SZ), EBADF, "F_GETPIPE_SZ on a regular file gives EBADF");
	errno = 0;
	check_errno(fcntl(file, F_SETPIPE_SZ, PAGE), EBADF, "F_SETPIPE_SZ on a regular file gives EBADF");
	close(file);
	unlink("/tmp/t_pipe_size.file");
	int null = open("/dev/null", O_RDWR);
	errno = 0;
	check_errno(fcntl(null, F_GETPIPE_SZ), EBADF, "F_GETPIPE_SZ on /dev/null gives EBADF");
	close(null);
}

static void test_capacity(void)
{
	int ends[2];
	pipe2(ends, O_NONBLOCK);
	fcntl(ends[1], F_SETPIPE_SZ, 2 * PAGE);
	check_eq(write(ends[1], buffer, 4 * PAGE), 2 * PAGE, "a two-page pipe takes two pages of a longer write");
	errno = 0;
	check_errno(write(ends[1], buffer, 1), EAGAIN, "then it is full (EAGAIN)");
	check(!pollout(ends[1]), "a full pipe's write end is not POLLOUT", "POLLOUT");
	check_eq(read(ends[0], buffer, PAGE), PAGE, "read a page out");
	check(pollout(ends[1]), "a page of room makes it POLLOUT", "not POLLOUT");

	check_eq(fcntl(ends[1], F_SETPIPE_SZ, PAGE), PAGE, "shrink to the one page it holds");
	check(!pollout(ends[1]), "the pipe is full again at its new size", "POLLOUT");
	check_eq(write(ends[1], buffer, 1), -1, "so a write does not fit");
	check_eq(fcntl(ends[1], F_SETPIPE_SZ, 8 * PAGE), 8 * PAGE, "grow to eight pages");
	check_eq(write(ends[1], buffer, 8 * PAGE), 7 * PAGE, "seven pages of room beside the page held");
	errno = 0;
	check_errno(fcntl(ends[1], F_SETPIPE_SZ, 4 * PAGE), EBUSY, "shrinking below the data held gives EBUSY");
	check_eq(fcntl(ends[1], F_GETPIPE_SZ), 8 * PAGE, "the size stays");
	close(ends[0]);
	close(ends[1]);
}

/* The bytes of a resized pipe come out in order, also when they wrapped around. */
static void test_data_kept(void)
{
	int ends[2];
	static char out[3000], in[3000];
	pipe(ends);
	fcntl(ends[1], F_SETPIPE_SZ, PAGE);
	for (int i = 0; i < (int)sizeof out; i++)
		out[i] = (char)(i * 7 + 3);
	write(ends[1], out, sizeof out);
	read(ends[0], in, sizeof in);
	write(ends[1], out, sizeof out);   /* wraps around the end of the page */
	check_eq(fcntl(ends[1], F_SETPIPE_SZ, 4 * PAGE), 4 * PAGE, "grow a pipe holding wrapped data");
	write(ends[1], "xyz", 3);
	check(read(ends[0], in, sizeof in) == sizeof in && !memcmp(in, out, sizeof in),
	      "the data comes out in order after the resize", "data differs");
	check(read(ends[0], in, 3) == 3 && !memcmp(in, "xyz", 3), "followed by what was written after it",
	      "data differs");
	close(ends[0]);
	close(ends[1]);
}

static void test_fifo(void)
{
	unlink(FIFO_PATH);
	mkfifo(FIFO_PATH, 0600);
	int both = open(FIFO_PATH, O_RDWR);
	check_eq(fcntl(both, F_GETPIPE_SZ), 65536, "a FIFO holds 64 KiB");
	check_eq(fcntl(both, F_SETPIPE_SZ, 2 * PAGE), 2 * PAGE, "F_SETPIPE_SZ on a FIFO");
	int reader = open(FIFO_PATH, O_RDONLY | O_NONBLOCK);
	check_eq(fcntl(reader, F_GETPIPE_SZ), 2 * PAGE, "another open of the FIFO sees the size");
	close(reader);
	close(both);
	unlink(FIFO_PATH);
}

static void check_file_text(const char *path, const char *want, const char *description)
{
	char text[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t length = fd < 0 ? -1 : read(fd, text, sizeof text - 1);
	if (fd >= 0)
		close(fd);
	check(length >= 0 && !strcmp(text, want), description, "read %zd: \"%s\"", length, text);
}

static void test_sysctls(void)
{
	check_file_text("/proc/sys/fs/pipe-max-size", "1048576\n", "/proc/sys/fs/pipe-max-size is 1048576");
	check_file_text("/proc/sys/fs/pipe-user-pages-soft", "16384\n",
			"/proc/sys/fs/pipe-user-pages-soft is 16384");
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	if (fd >= 0) {
		write(fd, text, strlen(text));
		close(fd);
	}
}

static void test_privileged(void)
{
	int ends[2];
	pipe(ends);
	check_eq(fcntl(ends[0], F_SETPIPE_SZ, 2 * 1048576), 2 * 1048576,
		 "the superuser may go above pipe-max-size");
	close(ends[0]);
	close(ends[1]);
	write_file("/proc/sys/fs/pipe-max-size", "5000");
	check_file_text("/proc/sys/fs/pipe-max-size", "8192\n", "pipe-max-size rounds 5000 up to 8192");
	int fd = open("/proc/sys/fs/pipe-max-size", O_WRONLY);
	errno = 0;
	check_errno(write(fd, "4294967295", 10), EINVAL, "pipe-max-size refuses more than 2^31");
	close(fd);
	write_file("/proc/sys/fs/pipe-max-size", "1048576");
	check_file_text("/proc/sys/fs/pipe-max-size", "1048576\n", "pipe-max-size is set back");
	write_file("/proc/sys/fs/pipe-user-pages-soft", "100");
	check_file_text("/proc/sys/fs/pipe-user-pages-soft", "100\n", "pipe-user-pages-soft takes 100");
	write_file("/proc/sys/fs/pipe-user-pages-soft", "16384");
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "privileged")) {
		test_privileged();
		return tap_done("t_pipe_size.c privileged");
	}
	static const struct tap_section sections[] = {
		{ "sizes", test_sizes },
		{ "capacity", test_capacity },
		{ "data", test_data_kept },
		{ "fifo", test_fifo },
		{ "sysctls", test_sysctls },
	};
	tap_run_sections(sections, sizeof sections / sizeof sections[0], argc, argv);
	return tap_done("t_pipe_size.c");
}
