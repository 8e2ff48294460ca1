/*
 * t_mmap_file.c - file mappings: mmap(2) of regular files, msync(2),
 * munmap(2) and ftruncate(2) on mapped files.
 *
 * A MAP_SHARED mapping is the file itself: writes through it are seen by
 * read(2) and by every other mapping of the file, in this process or
 * another, and write(2) is seen through it.  A MAP_PRIVATE mapping reads
 * the file until the process writes to a page, which then becomes its
 * own copy.  A page wholly past the end of the file gives SIGBUS
 * (mmap(2), "SIGBUS: Attempted access to a page of the buffer that lies
 * beyond the end of the mapped file").  Files live in /tmp under a name
 * with the pid in it, so that runs beside each other do not meet.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include "tap.h"

static long page;
static char path[64];

/* A file of pages pages, page i filled with 'a' + i; returns an O_RDWR fd. */
static int make_file(int pages)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	char *buffer = malloc(page);
	for (int i = 0; i < pages; i++) {
		memset(buffer, 'a' + i, page);
		if (write(fd, buffer, page) != page) {
			close(fd);
			fd = -1;
			break;
		}
	}
	free(buffer);
	return fd;
}

static char byte_at(int fd, off_t offset)
{
	char c = 0;
	if (pread(fd, &c, 1, offset) != 1)
		return -1;
	return c;
}

static int touch_read(void *p) { return *(volatile char *)p == 0x7f; }

static int touch_write(void *p)
{
	*(volatile char *)p = 'w';
	return 0;
}

/* --- argument checks ------------------------------------------------- */

static void test_errors(void)
{
	int fd = make_file(2);
	if (!check(fd >= 0, "create a two-page file", "errno %d", errno))
		return;
	check_errno((long)mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 1), EINVAL,
		    "offset not page aligned gives EINVAL");
	check_errno((long)mmap(NULL, page, PROT_READ, MAP_SHARED, 99, 0), EBADF,
		    "a closed descriptor gives EBADF");
	int path_only = open(path, O_PATH);
	check_errno((long)mmap(NULL, page, PROT_READ, MAP_PRIVATE, path_only, 0), EBADF,
		    "an O_PATH descriptor gives EBADF");
	close(path_only);

	int read_only = open(path, O_RDONLY);
	check_errno((long)mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, read_only, 0),
		    EACCES, "O_RDONLY file, PROT_WRITE and MAP_SHARED gives EACCES");
	char *m = mmap(NULL, page, PROT_READ, MAP_SHARED, read_only, 0);
	check(m != MAP_FAILED && m[0] == 'a', "O_RDONLY file maps shared for reading",
	      "errno %d", errno);
	if (m != MAP_FAILED) {
		check_errno(mprotect(m, page, PROT_READ | PROT_WRITE), EACCES,
			    "mprotect to PROT_WRITE of that mapping gives EACCES");
		munmap(m, page);
	}
	m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, read_only, 0);
	check(m != MAP_FAILED, "O_RDONLY file maps private and writable", "errno %d", errno);
	if (m != MAP_FAILED) {
		m[0] = 'p';
		check(byte_at(fd, 0) == 'a', "a write to that private mapping leaves the file",
		      "file changed");
		munmap(m, page);
	}
	m = mmap(NULL, page, PROT_READ, MAP_PRIVATE, read_only, 0);
	if (m != MAP_FAILED) {
		check_eq(mprotect(m, page, PROT_READ | PROT_WRITE), 0,
			 "mprotect to PROT_WRITE of a private read-only mapping");
		m[1] = 'q';
		check(m[0] == 'a' && m[1] == 'q' && byte_at(fd, 1) == 'a',
		      "writes after that mprotect stay private", "wrong bytes");
		munmap(m, page);
	}
	close(read_only);

	int write_only = open(path, O_WRONLY);
	check_errno((long)mmap(NULL, page, PROT_WRITE, MAP_SHARED, write_only, 0), EACCES,
		    "O_WRONLY file, MAP_SHARED gives EACCES");
	check_errno((long)mmap(NULL, page, PROT_READ, MAP_PRIVATE, write_only, 0), EACCES,
		    "O_WRONLY file, MAP_PRIVATE gives EACCES");
	close(write_only);

	int ends[2];
	if (pipe(ends) == 0) {
		check_errno((long)mmap(NULL, page, PROT_READ, MAP_SHARED, ends[0], 0), ENODEV,
			    "a pipe's read end gives ENODEV");
		check_errno((long)mmap(NULL, page, PROT_READ, MAP_SHARED, ends[1], 0), EACCES,
			    "a pipe's write end gives EACCES");
		close(ends[0]);
		close(ends[1]);
	}
	int directory = open("/tmp", O_RDONLY | O_DIRECTORY);
	check_errno((long)mmap(NULL, page, PROT_READ, MAP_PRIVATE, directory, 0), ENODEV,
		    "a directory gives ENODEV");
	close(directory);
	close(fd);
	unlink(path);
}

/* --- one process: read(2), write(2) and mappings agree ---------------- */

static void test_coherence(void)
{
	int fd = make_file(3);
	char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check(m != MAP_FAILED, "map a three-page file shared", "errno %d", errno))
		return;
	check(m[0] == 'a' && m[page] == 'b' && m[3 * page - 1] == 'c',
	      "the mapping shows the file's bytes", "got %c %c %c", m[0], m[page],
	      m[3 * page - 1]);
	m[10] = 'X';
	m[2 * page + 5] = 'Y';
	check(byte_at(fd, 10) == 'X' && byte_at(fd, 2 * page + 5) == 'Y',
	      "a store through the mapping is seen by read(2)", "read old bytes");
	check_eq(pwrite(fd, "Z", 1, page + 7), 1, "pwrite one byte");
	check(m[page + 7] == 'Z', "write(2) is seen through the mapping", "got %c",
	      m[page + 7]);

	char *second = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);
	if (check(second != MAP_FAILED, "map the second page again at offset one page",
		  "errno %d", errno)) {
		check(second[7] == 'Z', "the second mapping starts at the offset", "got %c",
		      second[7]);
		second[8] = 'S';
		check(m[page + 8] == 'S', "a store through one mapping is seen through the other",
		      "got %c", m[page + 8]);
		munmap(second, page);
	}

	/* The mapping keeps the file: after close and unlink it still works. */
	close(fd);
	unlink(path);
	m[11] = 'K';
	check(m[10] == 'X' && m[11] == 'K', "the mapping outlives close(2) and unlink(2)",
	      "lost bytes");
	munmap(m, 3 * page);

	fd = make_file(1);
	m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m != MAP_FAILED) {
		m[0] = 'U';
		check_eq(munmap(m, page), 0, "munmap a written shared mapping");
		check(byte_at(fd, 0) == 'U', "the file keeps what was stored before munmap",
		      "got %c", byte_at(fd, 0));
	}
	close(fd);
	unlink(path);
}

/* --- processes sharing through a file -------------------------------- */

static int child_stores(void *p)
{
	char *m = p;
	m[0] = 'C';
	m[page] = 'D';
	return 0;
}

static int child_maps_and_stores(void *unused)
{
	(void)unused;
	int fd = open(path, O_RDWR);
	if (fd < 0)
		return 1;
	char *m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);
	if (m == MAP_FAILED)
		return 2;
	if (m[0] != 'D')
		return 3;
	m[1] = 'E';
	return 0;
}

static int child_stores_private(void *p)
{
	char *m = p;
	m[2] = 'P';
	return m[2] == 'P' ? 0 : 1;
}

static void test_fork(void)
{
	int fd = make_file(2);
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *private_map = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (!check(m != MAP_FAILED && private_map != MAP_FAILED,
		   "map the file shared and private", "errno %d", errno))
		return;
	check_exited(run_in_child(child_stores, m), 0, "a child stores through the inherited mapping");
	check(m[0] == 'C' && m[page] == 'D', "the parent sees the child's stores",
	      "got %c %c", m[0], m[page]);
	check(byte_at(fd, page) == 'D', "read(2) sees the child's stores", "got %c",
	      byte_at(fd, page));
	check_exited(run_in_child(child_maps_and_stores, NULL), 0,
		     "a child maps the file itself and sees the parent's data");
	check(m[page + 1] == 'E', "the parent sees a store through the child's own mapping",
	      "got %c", m[page + 1]);
	check_exited(run_in_child(child_stores_private, private_map), 0,
		     "a child stores into an inherited private mapping");
	check(m[2] == 'a' && private_map[2] == 'a',
	      "the child's private store reaches neither the file nor the parent",
	      "got %c %c", m[2], private_map[2]);
	munmap(m, 2 * page);
	munmap(private_map, page);
	close(fd);
	unlink(path);
}

/* --- MAP_PRIVATE: the file's pages until written --------------------- */

static void test_private(void)
{
	int fd = make_file(2);
	char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (!check(m != MAP_FAILED, "map the file private", "errno %d", errno))
		return;
	check(m[0] == 'a' && m[page] == 'b', "a private mapping shows the file", "got %c %c",
	      m[0], m[page]);
	check_eq(pwrite(fd, "1", 1, 0), 1, "pwrite after a read of the page");
	check(m[0] == '1', "a private page not yet written sees write(2)", "got %c", m[0]);
	m[1] = 'p';
	check(byte_at(fd, 1) == 'a', "a store to a private mapping does not reach the file",
	      "got %c", byte_at(fd, 1));
	check_eq(pwrite(fd, "2", 1, 0), 1, "pwrite after a store to the page");
	check(m[0] == '1' && m[1] == 'p', "a private page once written no longer sees write(2)",
	      "got %c %c", m[0], m[1]);
	check_eq(pwrite(fd, "3", 1, page), 1, "pwrite to the other page");
	check(m[page] == '3', "the other, unwritten page still sees write(2)", "got %c",
	      m[page]);

	/* MAP_FIXED over part of an anonymous mapping, as ld.so maps a library. */
	char *anonymous = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(anonymous, 'n', 3 * page);
	char *fixed = mmap(anonymous + page, page, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, page);
	check(fixed == anonymous + page && fixed[0] == '3' && anonymous[0] == 'n' &&
	      anonymous[2 * page] == 'n',
	      "MAP_FIXED maps the file over the middle of an anonymous mapping", "wrong bytes");
	munmap(anonymous, 3 * page);
	munmap(m, 2 * page);
	close(fd);
	unlink(path);
}

/* --- splitting a file mapping keeps each part's offset ---------------- */

static void test_split(void)
{
	int fd = make_file(4);
	char *m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check(m != MAP_FAILED, "map a four-page file shared", "errno %d", errno))
		return;
	check_eq(mprotect(m + page, page, PROT_READ), 0, "mprotect the second page read-only");
	check_signaled(run_in_child(touch_write, m + page), SIGSEGV,
		       "a store to the read-only page gives SIGSEGV");
	check_eq(mprotect(m + page, page, PROT_READ | PROT_WRITE), 0,
		 "mprotect it writable again");
	check_eq(munmap(m + 2 * page, page), 0, "unmap the third page");
	m[page] = 'B';
	m[3 * page] = 'D';
	check(byte_at(fd, page) == 'B' && byte_at(fd, 3 * page) == 'D' && byte_at(fd, 2 * page) == 'c',
	      "stores on either side of the hole reach their own pages", "got %c %c %c",
	      byte_at(fd, page), byte_at(fd, 3 * page), byte_at(fd, 2 * page));
	munmap(m, 4 * page);
	close(fd);
	unlink(path);
}

/* --- code run from a mapped file, as ld.so runs a library -------------- */

static void test_exec(void)
{
	/* mov w0, #42; ret */
	static const uint32_t code[] = { 0x52800540, 0xd65f03c0 };
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (!check(fd >= 0 && pwrite(fd, code, sizeof code, page) == sizeof code,
		   "write a function at offset one page", "errno %d", errno))
		return;
	void *text = mmap(NULL, page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, page);
	if (check(text != MAP_FAILED, "map it PROT_READ | PROT_EXEC", "errno %d", errno)) {
		int (*function)(void) = (int (*)(void))text;
		check_eq(function(), 42, "the mapped function runs");
		check_signaled(run_in_child(touch_write, text), SIGSEGV,
			       "a store to the mapped text gives SIGSEGV");
		munmap(text, page);
	}
	close(fd);
	unlink(path);

	/* The program's own first page is the executable's: made writable,
	 * it is still a private copy (a padding byte of e_ident is changed). */
	extern char __ehdr_start[];
	char *header = __ehdr_start;
	int exe = open("/proc/self/exe", O_RDONLY);
	if (check(mprotect(header, page, PROT_READ | PROT_WRITE | PROT_EXEC) == 0 && exe >= 0,
		  "mprotect the program's first page writable", "errno %d", errno)) {
		header[EI_PAD] = 0x55;
		check(byte_at(exe, EI_PAD) == 0,
		      "a store to it leaves the executable file alone", "got %d",
		      byte_at(exe, EI_PAD));
		header[EI_PAD] = 0;
		mprotect(header, page, PROT_READ | PROT_EXEC);
	}
	close(exe);
}

/* --- msync ------------------------------------------------------------ */

static void test_msync(void)
{
	int fd = make_file(3);
	char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check(m != MAP_FAILED, "map a file for msync", "errno %d", errno))
		return;
	m[0] = 'M';
	check_eq(msync(m, 3 * page, MS_SYNC), 0, "msync MS_SYNC");
	check_eq(msync(m, page, MS_ASYNC), 0, "msync MS_ASYNC");
	check_eq(msync(m, page, MS_INVALIDATE), 0, "msync MS_INVALIDATE");
	check_eq(msync(m, 100, MS_SYNC), 0, "msync rounds the length up");
	check(byte_at(fd, 0) == 'M', "the file holds the store after msync", "got %c",
	      byte_at(fd, 0));
	check_errno(msync(m, page, MS_ASYNC | MS_SYNC), EINVAL, "MS_ASYNC with MS_SYNC gives EINVAL");
	check_errno(msync(m + 1, page, MS_SYNC), EINVAL, "an unaligned address gives EINVAL");
	check_errno(msync(m, page, 8), EINVAL, "an unknown flag gives EINVAL");
	check_eq(msync(m, 0, MS_SYNC), 0, "msync of length 0");
	check_eq(munmap(m + page, page), 0, "unmap the middle page");
	check_errno(msync(m, 3 * page, MS_SYNC), ENOMEM,
		    "msync over an unmapped page gives ENOMEM");
	check_errno(msync(m + page, page, MS_SYNC), ENOMEM,
		    "msync of an unmapped range gives ENOMEM");
	munmap(m, 3 * page);
	close(fd);
	unlink(path);
}

/* --- ftruncate and the end of the file -------------------------------- */

/* A child grows the file to two pages, reads the second through its
 * inherited mapping m, cuts the file back to one page and reads it again:
 * truncation unmaps it from a forked copy of the mapping too. */
static int touch_read_after_truncation(void *p)
{
	char *m = p;
	int fd = open(path, O_RDWR);
	if (fd < 0 || ftruncate(fd, 2 * page))
		return 1;
	if (m[page] != 0)
		return 2;
	if (ftruncate(fd, page))
		return 3;
	return touch_read(m + page);
}

static void test_truncate(void)
{
	int fd = make_file(2);
	char *m = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char *private_map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (!check(m != MAP_FAILED && private_map != MAP_FAILED,
		   "map three pages of a two-page file", "errno %d", errno))
		return;
	check_signaled(run_in_child(touch_read, m + 2 * page), SIGBUS,
		       "reading a page past the end of the file gives SIGBUS");
	check(m[2 * page - 1] == 'b', "the last page of the file reads", "got %c",
	      m[2 * page - 1]);
	private_map[page] = 'q';
	check_eq(ftruncate(fd, page + 100), 0, "truncate to a page and 100 bytes");
	check_exited(run_in_child(touch_read, m + page + 200), 0,
		     "the page holding the new end still reads");
	check(m[page + 99] == 'b' && m[page + 100] == 0,
	      "bytes past the new end in its page read as zeros", "got %d %d", m[page + 99],
	      m[page + 100]);
	check_eq(ftruncate(fd, page), 0, "truncate to one page");
	check_signaled(run_in_child(touch_read, m + page), SIGBUS,
		       "a shared page cut off by ftruncate gives SIGBUS");
	check_signaled(run_in_child(touch_write, m + page), SIGBUS,
		       "storing to it gives SIGBUS too");
	check_signaled(run_in_child(touch_read, private_map + page), SIGBUS,
		       "a private page cut off, even one written, gives SIGBUS");
	check_signaled(run_in_child(touch_read_after_truncation, m), SIGBUS,
		       "so does one cut off while a child held it");
	check(m[0] == 'a', "the page before the end is intact", "got %c", m[0]);
	int ends[2];
	if (pipe(ends) == 0) {
		check_errno(write(ends[1], m + page, 1), EFAULT,
			    "write(2) from a page past the end gives EFAULT");
		close(ends[0]);
		close(ends[1]);
	}

	check_eq(ftruncate(fd, 3 * page), 0, "extend the file to three pages");
	check(m[page] == 0 && m[2 * page + 1] == 0, "the extended pages read as zeros",
	      "got %d %d", m[page], m[2 * page + 1]);
	m[2 * page + 1] = 'H';
	check(byte_at(fd, 2 * page + 1) == 'H', "a store into a hole reaches the file", "got %d",
	      byte_at(fd, 2 * page + 1));
	struct stat status;
	check(fstat(fd, &status) == 0 && status.st_size == 3 * page,
	      "a store through the mapping leaves the size alone", "size %lld",
	      (long long)status.st_size);
	munmap(m, 3 * page);
	munmap(private_map, 2 * page);
	close(fd);
	unlink(path);
}

/* --- a harness keeping its results in a shared file ------------------- */

static int child_records_failure(void *p)
{
	int *results = p;
	results[0] = 1;        /* what the child found */
	results[1] = 42;
	return 0;
}

static void test_results_file(void)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (!check(fd >= 0 && ftruncate(fd, page) == 0, "create a results file", "errno %d",
		   errno))
		return;
	int *results = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check(results != MAP_FAILED, "map the results file", "errno %d", errno))
		return;
	check_exited(run_in_child(child_records_failure, results), 0,
		     "a child records its result");
	check(results[0] == 1 && results[1] == 42, "the parent reads the child's result",
	      "got %d %d", results[0], results[1]);
	int recorded[2] = { 0, 0 };
	check(pread(fd, recorded, sizeof recorded, 0) == sizeof recorded && recorded[1] == 42,
	      "and so does read(2)", "got %d", recorded[1]);
	munmap(results, page);
	close(fd);
	unlink(path);
}

/* --- /dev/zero maps as anonymous memory ------------------------------ */

static void test_dev_zero(void)
{
	int fd = open("/dev/zero", O_RDWR);
	char *private_map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char *shared = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!check(private_map != MAP_FAILED && shared != MAP_FAILED,
		   "map /dev/zero private and shared", "errno %d", errno))
		return;
	check(private_map[0] == 0 && private_map[2 * page - 1] == 0 && shared[0] == 0,
	      "/dev/zero mappings read as zeros", "non-zero byte");
	private_map[1] = 'z';
	check(private_map[1] == 'z', "a private /dev/zero mapping is writable", "lost");
	check_exited(run_in_child(touch_write, shared), 0,
		     "a child stores into an inherited shared /dev/zero mapping");
	check(shared[0] == 'w', "the parent sees it", "got %d", shared[0]);
	munmap(private_map, 2 * page);
	munmap(shared, page);
	close(fd);
}

int main(int argc, char **argv)
{
	page = sysconf(_SC_PAGESIZE);
	snprintf(path, sizeof path, "/tmp/t_mmap_file.%d", (int)getpid());
	static const struct tap_section sections[] = {
		{ "errors", test_errors },       { "coherence", test_coherence },
		{ "fork", test_fork },           { "private", test_private },
		{ "split", test_split },         { "exec", test_exec },
		{ "msync", test_msync },         { "truncate", test_truncate },
		{ "results", test_results_file }, { "dev_zero", test_dev_zero },
	};
	tap_run_sections(sections, sizeof sections / sizeof sections[0], argc, argv);
	return tap_done("t_mmap_file.c");
}
