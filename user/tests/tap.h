/*
 * tap.h - tiny TAP-like reporting helpers shared by the t_*.c tests.
 *
 * Every line is written with a single write(2) on fd 1 (no stdio
 * buffering), so output never gets duplicated by fork() and never gets
 * reordered between a parent and its children.
 *
 * Only asserted facts are printed: descriptions are fixed strings, and
 * values (errno, return codes...) appear only in the detail of a
 * "not ok" line, so a passing run is byte-identical everywhere.
 */
#ifndef TAP_H
#define TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static int tap_count, tap_failed;

static void tap_write(const char *s)
{
	size_t len = strlen(s);
	while (len > 0) {
		ssize_t n = write(1, s, len);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return;
		}
		s += n;
		len -= (size_t)n;
	}
}

/* Print "ok N - desc" or "not ok N - desc: detail". Returns cond. */
__attribute__((format(printf, 3, 4)))
static int check(int cond, const char *desc, const char *detail_fmt, ...)
{
	char line[512], detail[256] = "";
	va_list ap;

	tap_count++;
	if (cond) {
		snprintf(line, sizeof line, "ok %d - %s\n", tap_count, desc);
	} else {
		tap_failed++;
		if (detail_fmt) {
			va_start(ap, detail_fmt);
			vsnprintf(detail, sizeof detail, detail_fmt, ap);
			va_end(ap);
		}
		snprintf(line, sizeof line, "not ok %d - %s: %s\n",
			 tap_count, desc, detail);
	}
	tap_write(line);
	return cond;
}

/* Assert an integer equality; on failure show both values. */
#define check_eq(got, want, desc)                                          \
	do {                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);   \
		check(g_ == w_, desc, "got %lld, want %lld", g_, w_);      \
	} while (0)

/*
 * Assert that a libc-style call returned -1 with errno == want_errno.
 * Pass the return value; errno is read immediately.
 */
#define check_errno(ret, want_errno, desc)                                 \
	do {                                                               \
		long long r_ = (long long)(ret);                           \
		int e_ = errno;                                            \
		check(r_ == -1 && e_ == (want_errno), desc,                \
		      "got ret %lld errno %d (%s), want -1 errno %d (%s)", \
		      r_, r_ == -1 ? e_ : 0, r_ == -1 ? strerror(e_) : "-", \
		      (want_errno), strerror(want_errno));                 \
	} while (0)

/* Assert that a call succeeded (ret >= 0); on failure show errno. */
#define check_ok(ret, desc)                                                \
	do {                                                               \
		long long r_ = (long long)(ret);                           \
		int e_ = errno;                                            \
		check(r_ >= 0, desc, "ret %lld errno %d (%s)", r_, e_,     \
		      strerror(e_));                                       \
	} while (0)

/* Print a "# ..." comment line (must be deterministic!). */
__attribute__((unused)) static void tap_note(const char *s)
{
	char line[512];
	snprintf(line, sizeof line, "# %s\n", s);
	tap_write(line);
}

/* Final summary line; returns the process exit status to use. */
__attribute__((unused)) static int tap_done(const char *file)
{
	char line[256];
	snprintf(line, sizeof line, "# %s: %d passed, %d failed\n", file,
		 tap_count - tap_failed, tap_failed);
	tap_write(line);
	return tap_failed == 0 ? 0 : 1;
}

/*
 * A program's checks in named groups, so that one group can run alone
 * (tools/run-section, a lab's grader).  Each starts with the line
 * "# section NAME", which marks where its lines begin in a whole run.
 */
struct tap_section {
	const char *name;
	void (*run)(void);
};

/* Runs the sections argv names (every one when none is named); exits 2
 * for a name that is none of them. */
__attribute__((unused)) static void tap_run_sections(const struct tap_section *sections,
						      size_t count, int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		size_t j = 0;
		while (j < count && strcmp(sections[j].name, argv[i]))
			j++;
		if (j == count) {
			fprintf(stderr, "%s: no section %s\n", argv[0], argv[i]);
			exit(2);
		}
	}
	for (size_t j = 0; j < count; j++) {
		int chosen = argc == 1;
		for (int i = 1; i < argc; i++)
			chosen |= !strcmp(sections[j].name, argv[i]);
		if (!chosen)
			continue;
		char line[128];
		snprintf(line, sizeof line, "section %s", sections[j].name);
		tap_note(line);
		sections[j].run();
	}
}

/*
 * Run fn(arg) in a forked child and return the raw wait status (or -1).
 * Children never print: they report through their exit status, which
 * keeps the output order deterministic.  Core dumps are disabled in the
 * child because some children are expected to die of SIGSEGV/SIGILL.
 */
__attribute__((unused)) static int run_in_child(int (*fn)(void *), void *arg)
{
	struct rlimit no_core = { 0, 0 };
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		setrlimit(RLIMIT_CORE, &no_core);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* Assert a wait status says "exited with code". */
#define check_exited(st, code, desc)                                       \
	do {                                                               \
		int s_ = (st);                                             \
		check(s_ != -1 && WIFEXITED(s_) && WEXITSTATUS(s_) == (code), \
		      desc, "wait status 0x%x, want exit %d", s_, (code)); \
	} while (0)

/* Assert a wait status says "killed by signal sig". */
#define check_signaled(st, sig, desc)                                      \
	do {                                                               \
		int s_ = (st);                                             \
		check(s_ != -1 && WIFSIGNALED(s_) && WTERMSIG(s_) == (sig), \
		      desc, "wait status 0x%x, want signal %d", s_, (sig)); \
	} while (0)

#endif
