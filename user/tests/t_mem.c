/*
 * t_mem.c - memory management system calls.
 *
 * Checks brk(2), anonymous mmap(2)/munmap(2)/mprotect(2), MAP_FIXED,
 * MAP_SHARED vs MAP_PRIVATE across fork(2), and fork's copy-on-write
 * semantics (fork(2): "the child's memory is a copy of the parent's").
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include "tap.h"

static long page;

/* --- children used with run_in_child() --------------------------------- */

static int write_byte(void *p)
{
	*(volatile char *)p = 1;
	return 0; /* reaching this means the write did NOT fault */
}

static int read_byte(void *p)
{
	return *(volatile char *)p == 0 ? 0 : 1;
}

/* --- brk --------------------------------------------------------------- */

static void test_brk(void)
{
	/* Raw brk(0) returns the current break (brk(2), "C library/kernel
	 * differences": the raw call returns the new break, not 0). */
	uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
	uintptr_t want = cur + 16 * page;
	uintptr_t got = (uintptr_t)syscall(SYS_brk, want);

	check(cur != 0, "brk(0) returns the current break", "got 0");
	check(got == want, "brk grows the break by 16 pages", "got %#lx",
	      (unsigned long)(got - cur));

	/* New brk memory is zero-filled and writable. */
	volatile unsigned char *p = (unsigned char *)cur;
	int zero = 1;
	for (long i = 0; i < 16 * page; i++)
		zero &= p[i] == 0;
	check(zero, "grown brk area reads as zeroes", "non-zero byte");
	for (long i = 0; i < 16 * page; i++)
		p[i] = (unsigned char)i;
	int same = 1;
	for (long i = 0; i < 16 * page; i++)
		same &= p[i] == (unsigned char)i;
	check(same, "grown brk area is writable and keeps data", "mismatch");

	got = (uintptr_t)syscall(SYS_brk, cur + page);
	check(got == cur + page, "brk shrinks the break", "got %#lx",
	      (unsigned long)(got - cur));
	check(p[1] == 1, "memory below the shrunk break keeps its data",
	      "got %d", p[1]);

	/* A failed request leaves the break unchanged (brk(2)). */
	got = (uintptr_t)syscall(SYS_brk, (uintptr_t)0xffff000000000000ull);
	check(got == cur + page, "impossible brk leaves the break unchanged",
	      "break moved");
	syscall(SYS_brk, cur);
}

/* --- anonymous mmap / munmap / mprotect -------------------------------- */

static void test_mmap(void)
{
	char *m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(m != MAP_FAILED, "mmap anonymous 4 pages", "errno %d", errno);
	if (m == MAP_FAILED)
		return;
	check(((uintptr_t)m & (page - 1)) == 0, "mmap result is page aligned",
	      "misaligned");

	int zero = 1;
	for (long i = 0; i < 4 * page; i++)
		zero &= m[i] == 0;
	check(zero, "anonymous mapping is zero-filled", "non-zero byte");
	memset(m, 0x5a, 4 * page);
	check(m[4 * page - 1] == 0x5a, "anonymous mapping is writable",
	      "bad byte");

	/* Punch a hole: the unmapped page faults, its neighbours survive. */
	check_eq(munmap(m + page, page), 0, "munmap the second page");
	check_signaled(run_in_child(read_byte, m + page), SIGSEGV,
		       "reading an unmapped page raises SIGSEGV");
	check(m[0] == 0x5a && m[2 * page] == 0x5a,
	      "pages around the hole are intact", "lost data");

	/* mprotect(2): PROT_READ page can be read but a write faults. */
	check_eq(mprotect(m, page, PROT_READ), 0, "mprotect PROT_READ");
	check(m[0] == 0x5a, "read-only page is still readable", "bad byte");
	check_signaled(run_in_child(write_byte, m), SIGSEGV,
		       "writing a PROT_READ page raises SIGSEGV");
	check_eq(mprotect(m, page, PROT_NONE), 0, "mprotect PROT_NONE");
	check_signaled(run_in_child(read_byte, m), SIGSEGV,
		       "reading a PROT_NONE page raises SIGSEGV");
	check_eq(mprotect(m, page, PROT_READ | PROT_WRITE), 0,
		 "mprotect back to read-write");
	check_exited(run_in_child(write_byte, m), 0,
		     "writing after mprotect(PROT_READ|PROT_WRITE) works");
	m[0] = 7;
	check(m[0] == 7, "parent can write the page again", "bad byte");

	/* Argument checks from mmap(2)/mprotect(2) ERRORS. */
	errno = 0;
	check_errno(munmap(m + 1, page), EINVAL,
		    "munmap of an unaligned address gives EINVAL");
	errno = 0;
	check(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
			      MAP_FAILED && errno == EINVAL,
	      "mmap of length 0 gives EINVAL", "errno %d", errno);
	errno = 0;
	check_errno(mprotect(m + 1, page, PROT_READ), EINVAL,
		    "mprotect of an unaligned address gives EINVAL");

	/* Ranges whose end wraps past 2^64 (found by user/stress/syscall_fuzz:
	 * the hint made an area ending at 0, and the process died). */
	char before = m[0];
	char *h = mmap((void *)-page, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	check(h != MAP_FAILED && h != (char *)-page,
	      "mmap with a hint at the last page maps elsewhere", "got %p errno %d", (void *)h, errno);
	if (h != MAP_FAILED) {
		h[0] = 1;
		check(h[0] == 1, "the mapping made instead of the hint is usable", "bad byte");
		munmap(h, page);
	}
	errno = 0;
	check_errno(munmap(m, (size_t)-page), EINVAL,
		    "munmap of a length that wraps past the top gives EINVAL");
	errno = 0;
	check_errno(mprotect(m, (size_t)-page, PROT_READ), ENOMEM,
		    "mprotect of a length that wraps past the top gives ENOMEM");
	errno = 0;
	check_errno(madvise(m, (size_t)-page, MADV_DONTNEED), EINVAL,
		    "madvise of a length that wraps past the top gives EINVAL");
	check(m[0] == before, "the mapping survives the refused calls", "bad byte");

	munmap(m, 4 * page);
	check_signaled(run_in_child(read_byte, m + 3 * page), SIGSEGV,
		       "whole mapping is gone after munmap");
}

/* --- mapping types (mmap(2): flags & MAP_TYPE) --------------------------- */

static int mmap_error(int flags, int fd)
{
	errno = 0;
	void *m = mmap(NULL, page, PROT_READ, flags, fd, 0);
	if (m == MAP_FAILED)
		return errno;
	munmap(m, page);
	return 0;
}

/* The types qemu-user judges as Linux does; the others are checked by the
 * types-and-advice mode below. */
static void test_mapping_types(void)
{
	check_eq(mmap_error(MAP_ANONYMOUS | MAP_SHARED_VALIDATE, -1), EINVAL,
		 "anonymous MAP_SHARED_VALIDATE gives EINVAL (a file's type only)");
	check_eq(mmap_error(MAP_ANONYMOUS | MAP_SHARED_VALIDATE | 0x40000000, -1), EINVAL,
		 "anonymous MAP_SHARED_VALIDATE with an unknown flag gives EINVAL");
	check_eq(mmap_error(MAP_ANONYMOUS | 0x7, -1), EINVAL, "anonymous mapping type 7 gives EINVAL");
	check_eq(mmap_error(MAP_ANONYMOUS | 0xf, -1), EINVAL, "anonymous mapping type 15 gives EINVAL");
	check_eq(mmap_error(MAP_ANONYMOUS | 0x8, -1), EINVAL, "anonymous mapping type 8 gives EINVAL");
	check_eq(mmap_error(MAP_ANONYMOUS | MAP_PRIVATE | MAP_NORESERVE, -1), 0,
		 "anonymous MAP_PRIVATE with a known flag maps");
	int fd = open("/proc/self/exe", O_RDONLY);
	check_eq(mmap_error(MAP_SHARED | 0x40000000, fd), 0,
		 "a file's MAP_SHARED ignores an unknown flag");
	check_eq(mmap_error(0x7, fd), EINVAL, "a file's mapping type 7 gives EINVAL");
	check_eq(mmap_error(0, fd), EINVAL, "a file's mapping type 0 gives EINVAL");
	close(fd);
}

/*
 * Run as `t_mem types-and-advice` by tests/test_linux_only_modes.sh, in
 * Strata and in Linux 6.1: qemu-user 7.2 answers 0 to any madvise advice,
 * maps the anonymous types 5, 6, 9, 10, 13 and 14, where Linux gives
 * EINVAL, and refuses a file's MAP_SHARED_VALIDATE with EINVAL.
 */
static void test_types_and_advice(void)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	check_eq(mmap_error(MAP_SHARED_VALIDATE, fd), 0, "a file maps MAP_SHARED_VALIDATE");
	check_eq(mmap_error(MAP_SHARED_VALIDATE | MAP_SYNC, fd), EOPNOTSUPP,
		 "a file's MAP_SHARED_VALIDATE with MAP_SYNC, which it does not support, gives EOPNOTSUPP");
	check_eq(mmap_error(MAP_SHARED_VALIDATE | 0x200000, fd), EOPNOTSUPP,
		 "a file's MAP_SHARED_VALIDATE with an unknown flag gives EOPNOTSUPP");
	close(fd);
	char *m = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	static const int unknown[] = { 5, 6, 7, 26, 99, 102, -1, INT32_MIN };
	char description[96];
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		snprintf(description, sizeof description, "madvise with unknown advice %d gives EINVAL", unknown[i]);
		errno = 0;
		check_errno(madvise(m, page, unknown[i]), EINVAL, description);
	}
	errno = 0;
	check_errno(madvise(m, 0, 7), EINVAL, "unknown advice is EINVAL even for a length of 0");
	errno = 0;
	check_errno(madvise(m + 1, page, 7), EINVAL, "unknown advice at an unaligned address gives EINVAL");
	static const int known[] = { MADV_NORMAL, MADV_RANDOM, MADV_SEQUENTIAL, MADV_WILLNEED, MADV_DONTNEED,
				     MADV_FREE, MADV_DONTFORK, MADV_DOFORK, MADV_DONTDUMP, MADV_DODUMP,
				     MADV_WIPEONFORK, MADV_KEEPONFORK, MADV_COLD, MADV_PAGEOUT };
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		snprintf(description, sizeof description, "madvise with known advice %d succeeds", known[i]);
		check_eq(madvise(m, page, known[i]), 0, description);
	}
	munmap(m, page);
	static const int types[] = { 5, 6, 9, 10, 13, 14 };
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		snprintf(description, sizeof description, "anonymous mapping type %d gives EINVAL", types[i]);
		check_eq(mmap_error(MAP_ANONYMOUS | types[i], -1), EINVAL, description);
	}
}

/* --- MAP_FIXED ---------------------------------------------------------- */

static void test_map_fixed(void)
{
	char *m = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!check(m != MAP_FAILED, "mmap area for MAP_FIXED", "errno %d",
		   errno))
		return;
	memset(m, 0x11, 4 * page);

	/* MAP_FIXED replaces whatever was mapped there (mmap(2)). */
	char *f = mmap(m + page, page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(f == m + page, "MAP_FIXED maps at exactly the given address",
	      "got another address");
	check(f[0] == 0 && f[page - 1] == 0,
	      "MAP_FIXED mapping replaces old contents with zeroes",
	      "old data visible");
	check(m[0] == 0x11 && m[2 * page] == 0x11,
	      "MAP_FIXED leaves neighbouring pages alone", "lost data");

	/* Map at a fixed address in a hole we made ourselves. */
	munmap(m, 4 * page);
	f = mmap(m + 2 * page, page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	check(f == m + 2 * page, "MAP_FIXED into a free hole", "wrong address");
	f[0] = 3;
	check(f[0] == 3, "MAP_FIXED mapping is usable", "bad byte");
	errno = 0;
	check(mmap(m + 1, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS |
			      MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL,
	      "MAP_FIXED with unaligned address gives EINVAL", "errno %d",
	      errno);
	munmap(f, page);
}

/* --- fork and copy-on-write -------------------------------------------- */

static int global_counter = 100;

struct cow_args {
	char *priv, *shared, *heap;
	int to_child[2], to_parent[2];
};

/*
 * Child: check it sees the pre-fork values, modify private memory, tell
 * the parent, then wait for the parent's writes and check they are
 * invisible in private memory but visible in MAP_SHARED memory.
 * Exit code = number of the first failed step (0 = all fine).
 */
static int cow_child(void *p)
{
	struct cow_args *a = p;
	char c;

	if (global_counter != 100 || a->priv[0] != 'P' || a->heap[0] != 'H')
		return 1;
	global_counter = 200;
	a->priv[0] = 'c';
	a->heap[0] = 'c';
	a->shared[0] = 'c'; /* the parent must see this one */
	if (write(a->to_parent[1], "x", 1) != 1)
		return 2;
	if (read(a->to_child[0], &c, 1) != 1)
		return 3;
	/* Parent has now written 'p' everywhere. */
	if (global_counter != 200 || a->priv[0] != 'c' || a->heap[0] != 'c')
		return 4;
	if (a->shared[1] != 'p')
		return 5;
	return 0;
}

static void test_cow(void)
{
	struct cow_args a;
	char c;

	a.priv = mmap(NULL, page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	a.shared = mmap(NULL, page, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	a.heap = malloc(64);
	if (a.priv == MAP_FAILED || a.shared == MAP_FAILED || !a.heap ||
	    pipe(a.to_child) || pipe(a.to_parent)) {
		check(0, "set up fork copy-on-write test", "errno %d", errno);
		return;
	}
	a.priv[0] = 'P';
	a.heap[0] = 'H';
	a.shared[0] = 'S';

	pid_t pid = fork();
	if (pid == 0)
		_exit(cow_child(&a));
	check(pid > 0, "fork for copy-on-write test", "errno %d", errno);
	if (pid < 0)
		return;

	/* Wait until the child has written, then write ourselves. */
	check_eq(read(a.to_parent[0], &c, 1), 1, "child signalled its writes");
	check(global_counter == 100 && a.priv[0] == 'P' && a.heap[0] == 'H',
	      "child's writes to private memory are invisible to the parent",
	      "parent sees child's data");
	check(a.shared[0] == 'c', "child's write to MAP_SHARED memory is "
	      "visible to the parent", "got '%c'", a.shared[0]);
	global_counter = 300;
	a.priv[0] = 'p';
	a.heap[0] = 'p';
	a.shared[1] = 'p';
	check_eq(write(a.to_child[1], "y", 1), 1, "parent signalled its writes");

	int st;
	waitpid(pid, &st, 0);
	check_exited(st, 0, "parent's private writes are invisible to the "
		     "child and shared writes visible (child exit code)");
	check(global_counter == 300 && a.priv[0] == 'p',
	      "parent keeps its own writes", "lost");
	free(a.heap);
	munmap(a.priv, page);
	munmap(a.shared, page);
}

/* --- fork of a process with 64 MiB touched ------------------------------ */

#define BIG (64L << 20)

static unsigned long fill_value(long i) { return (unsigned long)i * 2654435761u; }

static int big_child(void *p)
{
	unsigned long *m = p;
	long n = BIG / sizeof *m;

	/* Every page must carry the parent's pattern. */
	for (long i = 0; i < n; i += page / sizeof *m)
		if (m[i] != fill_value(i))
			return 1;
	/* Scribble over everything; the parent must not notice. */
	memset(m, 0xee, BIG);
	return 0;
}

static void test_big_fork(void)
{
	unsigned long *m = mmap(NULL, BIG, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!check(m != MAP_FAILED, "mmap 64 MiB", "errno %d", errno))
		return;
	long n = BIG / sizeof *m;
	for (long i = 0; i < n; i += page / sizeof *m)
		m[i] = fill_value(i);

	check_exited(run_in_child(big_child, m), 0,
		     "child of a 64 MiB process sees every page's data");
	int same = 1;
	for (long i = 0; i < n; i += page / sizeof *m)
		same &= m[i] == fill_value(i);
	check(same, "parent's 64 MiB unchanged after child rewrote it",
	      "data changed");
	check_eq(munmap(m, BIG), 0, "munmap 64 MiB");
}

int main(int argc, char **argv)
{
	page = sysconf(_SC_PAGESIZE);
	if (argc > 1 && strcmp(argv[1], "types-and-advice") == 0) {
		test_types_and_advice();
		return tap_done("t_mem.c types-and-advice");
	}
	check(page >= 4096 && (page & (page - 1)) == 0,
	      "page size is a power of two >= 4096", "got %ld", page);
	test_brk();
	test_mmap();
	test_mapping_types();
	test_map_fixed();
	test_cow();
	test_big_fork();
	return tap_done("t_mem.c");
}
