/*
 * t_locks.c - advisory file locks: fcntl(2) record locks (F_SETLK,
 * F_SETLKW, F_GETLK), open file description locks (F_OFD_*) and
 * flock(2).  Conflicts between processes (forked children that report
 * through their exit status or a pipe), merging and splitting of ranges,
 * l_whence and negative lengths, the argument errors, release on close
 * and exit, blocking waits ended by the holder, by a signal (EINTR) or by
 * a deadlock (EDEADLK) and restarted under SA_RESTART, and flock's sharing
 * through dup and fork.
 *
 * Uses one scratch file, /tmp/t_locks.data, removed at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include "tap.h"

#define FILE_PATH "/tmp/t_locks.data"
#define FILE_SIZE 200

static int data_fd;        /* O_RDWR on FILE_PATH; children inherit it */
static int report_pipe[2]; /* a child's F_GETLK answer travels here */

static int open_data(int flags)
{
	return open(FILE_PATH, flags);
}

static int set_lock(int fd, int command, short type, short whence, off_t start, off_t len)
{
	struct flock lock = { .l_type = type, .l_whence = whence, .l_start = start, .l_len = len };
	return fcntl(fd, command, &lock);
}

static void unlock_all(int fd)
{
	set_lock(fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 0);
}

/* What a child tries on the inherited data_fd (or on its own open when own_open). */
struct attempt {
	int command;
	short type;
	off_t start, len;
	int own_open;
};

/* Child: exits 0 if the lock was granted, else with errno. */
static int child_attempt(void *argument)
{
	struct attempt *attempt = argument;
	int fd = attempt->own_open ? open_data(O_RDWR) : data_fd;
	int result = set_lock(fd, attempt->command, attempt->type, SEEK_SET, attempt->start,
			      attempt->len);
	return result == 0 ? 0 : errno;
}

/* Wait status of another process's F_SETLK of type on start/len. */
static int other_setlk(short type, off_t start, off_t len)
{
	struct attempt attempt = { F_SETLK, type, start, len, 0 };
	return run_in_child(child_attempt, &attempt);
}

/* Child: F_GETLK on the inherited data_fd; the answer goes up report_pipe. */
static int child_query(void *argument)
{
	struct flock *lock = argument;
	if (fcntl(data_fd, F_GETLK, lock) != 0)
		return errno;
	return write(report_pipe[1], lock, sizeof *lock) == sizeof *lock ? 0 : 100;
}

/* F_GETLK of type on start/len from another process; its answer in *answer. */
static int other_getlk(short type, off_t start, off_t len, struct flock *answer)
{
	memset(answer, 0, sizeof *answer);
	answer->l_type = type;
	answer->l_start = start;
	answer->l_len = len;
	int status = run_in_child(child_query, answer);
	if (status == 0 && read(report_pipe[0], answer, sizeof *answer) != sizeof *answer)
		return -1;
	return status;
}

/* Checks an F_GETLK answer against a lock of type on start/len held by pid. */
static void check_reported(int status, const struct flock *got, short type, off_t start,
			   off_t len, pid_t pid, const char *description)
{
	if (status != 0) {
		check(0, description, "query failed: wait status 0x%x", status);
		return;
	}
	check(got->l_type == type && got->l_whence == SEEK_SET && got->l_start == start &&
		      got->l_len == len && got->l_pid == pid,
	      description, "got type %d whence %d start %lld len %lld pid %s",
	      got->l_type, got->l_whence, (long long)got->l_start, (long long)got->l_len,
	      got->l_pid == pid ? "as expected" : got->l_pid == -1 ? "-1" : "another");
}

/* Another process's view of the lock over start/len: its type, or F_UNLCK. */
static void check_free_for_others(off_t start, off_t len, const char *description)
{
	struct flock got;
	int status = other_getlk(F_WRLCK, start, len, &got);
	check(status == 0 && got.l_type == F_UNLCK, description,
	      "wait status 0x%x, type %d", status, got.l_type);
}

static void test_posix_conflicts(void)
{
	struct flock got;
	pid_t self = getpid();

	check_ok(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10), "F_SETLK a write lock on bytes 0-9");
	check_exited(other_setlk(F_WRLCK, 5, 1), EAGAIN,
		     "another process's overlapping write lock fails with EAGAIN");
	check_exited(other_setlk(F_RDLCK, 9, 1), EAGAIN,
		     "another process's overlapping read lock fails with EAGAIN");
	check_exited(other_setlk(F_WRLCK, 10, 5), 0, "the bytes just past the lock are free");
	check_reported(other_getlk(F_RDLCK, 0, 0, &got), &got, F_WRLCK, 0, 10, self,
		       "F_GETLK from another process reports the lock, its range and its pid");
	got = (struct flock){ .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 3, .l_len = 4 };
	check(fcntl(data_fd, F_GETLK, &got) == 0 && got.l_type == F_UNLCK && got.l_start == 3 &&
		      got.l_len == 4,
	      "F_GETLK ignores the caller's own locks and leaves the rest of the struct",
	      "type %d start %lld", got.l_type, (long long)got.l_start);

	check_ok(set_lock(data_fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10), "the owner turns its lock into a read lock");
	check_exited(other_setlk(F_RDLCK, 0, 10), 0, "read locks of two processes share a range");
	check_exited(other_setlk(F_WRLCK, 4, 1), EAGAIN, "a write lock over another's read lock fails");

	int second = open_data(O_RDWR);
	check_ok(set_lock(second, F_SETLK, F_WRLCK, SEEK_SET, 0, 10),
		 "the owner upgrades through another descriptor of the file");
	close(second);
	check_exited(other_setlk(F_WRLCK, 0, 10), 0,
		     "closing any descriptor of the file releases the process's locks");

	struct attempt exiting = { F_SETLK, F_WRLCK, 50, 10, 0 };
	check_exited(run_in_child(child_attempt, &exiting), 0, "a child takes a write lock and exits");
	check_ok(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 50, 10),
		 "its lock went with it: the range is free");
	unlock_all(data_fd);
	check_ok(set_lock(data_fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 10),
		 "unlocking a range that holds no lock succeeds");
}

static void test_ranges(void)
{
	struct flock got;
	pid_t self = getpid();

	set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
	set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 10, 10);
	set_lock(data_fd, F_SETLK, F_RDLCK, SEEK_SET, 20, 10);
	check_reported(other_getlk(F_RDLCK, 15, 1, &got), &got, F_WRLCK, 0, 20, self,
		       "adjacent write locks of one owner merge into one");
	check_reported(other_getlk(F_WRLCK, 25, 1, &got), &got, F_RDLCK, 20, 10, self,
		       "an adjacent lock of the other type stays apart");
	unlock_all(data_fd);

	set_lock(data_fd, F_SETLK, F_RDLCK, SEEK_SET, 0, 10);
	set_lock(data_fd, F_SETLK, F_RDLCK, SEEK_SET, 5, 20);
	check_reported(other_getlk(F_WRLCK, 3, 1, &got), &got, F_RDLCK, 0, 25, self,
		       "overlapping read locks of one owner merge into one");
	unlock_all(data_fd);

	set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 100);
	check_ok(set_lock(data_fd, F_SETLK, F_UNLCK, SEEK_SET, 40, 20), "unlock bytes 40-59 of a lock on 0-99");
	check_free_for_others(40, 20, "the unlocked middle is free");
	check_reported(other_getlk(F_WRLCK, 0, 0, &got), &got, F_WRLCK, 0, 40, self,
		       "the part before the hole is still locked");
	check_reported(other_getlk(F_WRLCK, 99, 1, &got), &got, F_WRLCK, 60, 40, self,
		       "the part after the hole is still locked");
	unlock_all(data_fd);

	set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 30);
	check_ok(set_lock(data_fd, F_SETLK, F_RDLCK, SEEK_SET, 10, 10), "downgrade the middle of a write lock");
	check_exited(other_setlk(F_RDLCK, 10, 10), 0, "another process may read-lock the middle");
	check_reported(other_getlk(F_RDLCK, 0, 0, &got), &got, F_WRLCK, 0, 10, self,
		       "the write lock before the middle remains");
	check_reported(other_getlk(F_RDLCK, 20, 0, &got), &got, F_WRLCK, 20, 10, self,
		       "the write lock after the middle remains");
	unlock_all(data_fd);

	check_ok(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 10, -5), "a lock with l_start 10 and l_len -5");
	check_reported(other_getlk(F_WRLCK, 0, 0, &got), &got, F_WRLCK, 5, 5, self,
		       "a negative l_len covers the bytes before l_start");
	unlock_all(data_fd);

	lseek(data_fd, 100, SEEK_SET);
	check_ok(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_CUR, -10, 10), "a lock relative to the offset (SEEK_CUR)");
	check_reported(other_getlk(F_WRLCK, 0, 0, &got), &got, F_WRLCK, 90, 10, self,
		       "SEEK_CUR counts from the file offset; F_GETLK answers in SEEK_SET terms");
	unlock_all(data_fd);
	lseek(data_fd, 0, SEEK_SET);

	check_ok(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_END, -10, 0), "a lock from 10 bytes before the end (SEEK_END)");
	check_reported(other_getlk(F_WRLCK, 0, 0, &got), &got, F_WRLCK, FILE_SIZE - 10, 0, self,
		       "SEEK_END counts from the size; l_len 0 reaches any later end");
	check_exited(other_setlk(F_WRLCK, 100000, 1), EAGAIN, "l_len 0 covers bytes past the end of the file");
	unlock_all(data_fd);

	check_ok(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, LLONG_MAX, 1), "a lock on the greatest offset");
	unlock_all(data_fd);
}

static void test_arguments(void)
{
	errno = 0;
	check_errno(set_lock(data_fd, F_SETLK, F_WRLCK, 5, 0, 1), EINVAL, "a bad l_whence gives EINVAL");
	errno = 0;
	check_errno(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, -1, 1), EINVAL,
		    "a negative start gives EINVAL");
	errno = 0;
	check_errno(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 5, -10), EINVAL,
		    "a negative l_len reaching before byte 0 gives EINVAL");
	errno = 0;
	check_errno(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, LLONG_MAX, 2), EOVERFLOW,
		    "a range past the greatest offset gives EOVERFLOW");
	errno = 0;
	check_errno(set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_END, LLONG_MAX, 1), EOVERFLOW,
		    "l_start past the greatest offset from SEEK_END gives EOVERFLOW");
	errno = 0;
	check_errno(set_lock(data_fd, F_SETLK, 99, SEEK_SET, 0, 1), EINVAL, "a bad l_type gives EINVAL");
	errno = 0;
	check_errno(set_lock(data_fd, F_GETLK, F_UNLCK, SEEK_SET, 0, 1), EINVAL,
		    "F_GETLK asking about F_UNLCK gives EINVAL");

	int read_only = open_data(O_RDONLY), write_only = open_data(O_WRONLY);
	errno = 0;
	check_errno(set_lock(read_only, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EBADF,
		    "a write lock through a read-only descriptor gives EBADF");
	errno = 0;
	check_errno(set_lock(write_only, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF,
		    "a read lock through a write-only descriptor gives EBADF");
	check_ok(set_lock(read_only, F_SETLK, F_UNLCK, SEEK_SET, 0, 1), "F_UNLCK through a read-only descriptor");
	check_ok(set_lock(read_only, F_GETLK, F_WRLCK, SEEK_SET, 0, 1), "F_GETLK for a write lock through a read-only descriptor");
	close(read_only);
	close(write_only);

	int path_only = open(FILE_PATH, O_PATH);
	errno = 0;
	check_errno(set_lock(path_only, F_GETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF, "F_GETLK on an O_PATH descriptor gives EBADF");
	close(path_only);
	errno = 0;
	check_errno(set_lock(path_only, F_SETLK, F_RDLCK, SEEK_SET, 0, 1), EBADF, "F_SETLK on a closed descriptor gives EBADF");
	errno = 0;
	check_errno(fcntl(data_fd, F_SETLK, NULL), EFAULT, "F_SETLK with a NULL struct flock gives EFAULT");

	struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1, .l_pid = 1 };
	errno = 0;
	check_errno(fcntl(data_fd, F_OFD_SETLK, &lock), EINVAL, "F_OFD_SETLK with a non-zero l_pid gives EINVAL");
	errno = 0;
	check_errno(fcntl(data_fd, F_OFD_GETLK, &lock), EINVAL, "F_OFD_GETLK with a non-zero l_pid gives EINVAL");
}

/* Child of the blocking tests: says "r" on ready, waits for the lock, says "g". */
static int waiter_pipe[2];
static int use_flock;

static void on_signal(int signal_number)
{
	(void)signal_number;
}

/* Under SA_RESTART, the handler says "h" so that the parent knows it ran. */
static void on_signal_say_so(int signal_number)
{
	(void)signal_number;
	write(waiter_pipe[1], "h", 1);
}

enum waiter_signals { NO_HANDLER, HANDLER, HANDLER_RESTART };

static int child_wait_for_lock(void *argument)
{
	enum waiter_signals signals = (enum waiter_signals)(long)argument;
	if (signals != NO_HANDLER) {
		struct sigaction action = { .sa_handler = on_signal };
		if (signals == HANDLER_RESTART) {
			action.sa_handler = on_signal_say_so;
			action.sa_flags = SA_RESTART;
		}
		sigaction(SIGUSR1, &action, NULL);
	}
	int fd = open_data(O_RDWR);
	if (write(waiter_pipe[1], "r", 1) != 1)
		return 100;
	int result = use_flock ? flock(fd, LOCK_EX) : set_lock(fd, F_SETLKW, F_WRLCK, SEEK_SET, 0, 10);
	if (result != 0)
		return errno;
	return write(waiter_pipe[1], "g", 1) == 1 ? 0 : 101;
}

static pid_t start_child(int (*function)(void *), void *argument)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(function(argument));
	return pid;
}

/* One waiter, released by the holder: unlock is how the holder lets go. */
static void check_wait_until_released(void (*unlock)(void), const char *what)
{
	char byte = 0, line[160];
	pipe(waiter_pipe);
	pid_t child = start_child(child_wait_for_lock, (void *)NO_HANDLER);
	int ready = read(waiter_pipe[0], &byte, 1) == 1 && byte == 'r';
	struct pollfd early = { waiter_pipe[0], POLLIN, 0 };
	/* A bug that grants the lock too soon shows within this time; a right
	 * answer never depends on it. */
	snprintf(line, sizeof line, "%s does not return while another holds the lock", what);
	check(ready && poll(&early, 1, 200) == 0, line, "ready %d, the waiter went on", ready);
	unlock();
	snprintf(line, sizeof line, "%s is granted once the holder lets go", what);
	check(read(waiter_pipe[0], &byte, 1) == 1 && byte == 'g', line, "no grant");
	int status = -1;
	waitpid(child, &status, 0);
	snprintf(line, sizeof line, "%s's waiter exits cleanly", what);
	check_exited(status, 0, line);
	close(waiter_pipe[0]);
	close(waiter_pipe[1]);
}

/* One waiter, interrupted by SIGUSR1 until it returns: its exit status is its errno. */
static void check_wait_interrupted(const char *description)
{
	char byte = 0;
	pipe(waiter_pipe);
	pid_t child = start_child(child_wait_for_lock, (void *)HANDLER);
	close(waiter_pipe[1]);
	read(waiter_pipe[0], &byte, 1);
	/* The signal may come before the child waits (its handler then runs
	 * first): send it until the child is done, which closes the pipe. */
	struct pollfd done = { waiter_pipe[0], POLLIN, 0 };
	for (int tries = 0; tries < 300; tries++) {
		kill(child, SIGUSR1);
		if (poll(&done, 1, 100) == 1)
			break;
	}
	int status = -1;
	waitpid(child, &status, 0);
	check_exited(status, EINTR, description);
	close(waiter_pipe[0]);
}

/*
 * One waiter whose handler has SA_RESTART: signals (some of which come
 * while it waits) do not end its wait, which goes on until the unlock.
 */
static void check_wait_restarted(void (*unlock)(void), const char *description)
{
	char byte = 0;
	int handled = 0;
	pipe(waiter_pipe);
	pid_t child = start_child(child_wait_for_lock, (void *)HANDLER_RESTART);
	close(waiter_pipe[1]);
	read(waiter_pipe[0], &byte, 1);
	for (int signals = 0; signals < 3; signals++) {
		kill(child, SIGUSR1);
		handled += read(waiter_pipe[0], &byte, 1) == 1 && byte == 'h';
	}
	unlock();
	int granted = read(waiter_pipe[0], &byte, 1) == 1 && byte == 'g';
	int status = -1;
	waitpid(child, &status, 0);
	check(handled == 3 && granted && WIFEXITED(status) && WEXITSTATUS(status) == 0, description,
	      "handled %d, granted %d, wait status 0x%x", handled, granted, status);
	close(waiter_pipe[0]);
}

static void unlock_posix(void) { set_lock(data_fd, F_SETLK, F_UNLCK, SEEK_SET, 0, 10); }
static int flock_holder = -1;
static void unlock_flock(void) { flock(flock_holder, LOCK_UN); }

/* Deadlock cycle member: holds byte mine, then, told to go, waits for the
 * next byte (the parent's byte 0 after the last); exit status 0 or errno. */
static int go_pipe[2];
static int cycle_length;

static int child_in_cycle(void *argument)
{
	int mine = (int)(long)argument;
	char byte;
	if (set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, mine, 1) != 0)
		return 100;
	if (write(waiter_pipe[1], "r", 1) != 1 || read(go_pipe[0], &byte, 1) != 1)
		return 101;
	int next = (mine + 1) % cycle_length;
	return set_lock(data_fd, F_SETLKW, F_WRLCK, SEEK_SET, next, 1) == 0 ? 0 : errno;
}

/*
 * The parent and length - 1 children each hold a byte and wait for the
 * next one's: whichever waits last closes the cycle and gets EDEADLK
 * (fcntl(2)); once its lock goes, every other waiter is granted in turn.
 */
static void check_deadlock_cycle(int length, const char *description)
{
	char byte;
	pid_t children[3];
	int deadlocks = 0, granted = 0;
	cycle_length = length;
	pipe(waiter_pipe);
	pipe(go_pipe);
	set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 1);
	for (int i = 1; i < length; i++)
		children[i] = start_child(child_in_cycle, (void *)(long)i);
	for (int i = 1; i < length; i++)
		read(waiter_pipe[0], &byte, 1);
	for (int i = 1; i < length; i++)
		write(go_pipe[1], "g", 1);
	int result = set_lock(data_fd, F_SETLKW, F_WRLCK, SEEK_SET, 1, 1) == 0 ? 0 : errno;
	deadlocks += result == EDEADLK;
	granted += result == 0;
	unlock_all(data_fd);   /* whoever waits for byte 0 goes on */
	for (int i = 1; i < length; i++) {
		int status = -1;
		waitpid(children[i], &status, 0);
		int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		deadlocks += code == EDEADLK;
		granted += code == 0;
	}
	check(deadlocks == 1 && granted == length - 1, description, "%d EDEADLK, %d granted",
	      deadlocks, granted);
	close(waiter_pipe[0]);
	close(waiter_pipe[1]);
	close(go_pipe[0]);
	close(go_pipe[1]);
}

static void test_blocking(void)
{
	use_flock = 0;
	set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
	check_wait_until_released(unlock_posix, "F_SETLKW");
	set_lock(data_fd, F_SETLK, F_WRLCK, SEEK_SET, 0, 10);
	check_wait_interrupted("a signal without SA_RESTART ends F_SETLKW with EINTR");
	check_wait_restarted(unlock_posix, "under SA_RESTART, F_SETLKW waits on after the handler");
	unlock_all(data_fd);

	check_deadlock_cycle(2, "of two processes waiting for each other's lock, "
				"one gets EDEADLK and the other the lock");
	check_deadlock_cycle(3, "in a cycle of three processes, one gets EDEADLK and the others the locks");

	use_flock = 1;
	flock_holder = open_data(O_RDONLY);
	flock(flock_holder, LOCK_EX);
	check_wait_until_released(unlock_flock, "flock LOCK_EX");
	flock(flock_holder, LOCK_EX);
	check_wait_interrupted("a signal without SA_RESTART ends a waiting flock with EINTR");
	check_wait_restarted(unlock_flock, "under SA_RESTART, a waiting flock waits on after the handler");
	close(flock_holder);
}

/* Child of the OFD and flock tests: a code per failed step, 0 if all went as expected. */
static int ofd_first, ofd_second;

static int child_ofd(void *argument)
{
	(void)argument;
	if (set_lock(ofd_first, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1) != 0)
		return 1;
	if (set_lock(ofd_second, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 1) != -1 || errno != EAGAIN)
		return 2;
	return 0;
}

static void check_ofd_answer(int fd, int command, off_t start, short type, off_t lock_start,
			     off_t lock_len, pid_t pid, const char *description)
{
	struct flock got = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = 1 };
	int result = fcntl(fd, command, &got);
	check_reported(result == 0 ? 0 : errno, &got, type, lock_start, lock_len, pid, description);
}

static void test_ofd(void)
{
	ofd_first = open_data(O_RDWR);
	ofd_second = open_data(O_RDWR);
	check_ok(set_lock(ofd_first, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 10), "F_OFD_SETLK a write lock on bytes 0-9");
	errno = 0;
	check_errno(set_lock(ofd_second, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 1), EAGAIN,
		    "another open file description of the same process conflicts (EAGAIN)");
	check_ofd_answer(ofd_second, F_OFD_GETLK, 5, F_WRLCK, 0, 10, -1, "F_OFD_GETLK reports the lock with l_pid -1");
	errno = 0;
	check_errno(set_lock(ofd_first, F_SETLK, F_WRLCK, SEEK_SET, 0, 1), EAGAIN,
		    "a process's F_SETLK conflicts with its own OFD lock, same descriptor");
	check_ofd_answer(ofd_first, F_GETLK, 0, F_WRLCK, 0, 10, -1, "F_GETLK reports an OFD lock with l_pid -1");
	check_ok(set_lock(ofd_first, F_OFD_SETLK, F_WRLCK, SEEK_SET, 5, 10), "the description extends its lock");
	check_ofd_answer(ofd_second, F_OFD_GETLK, 0, F_WRLCK, 0, 15, -1, "the two ranges merged");
	check_exited(run_in_child(child_ofd, NULL), 0,
		     "a forked child shares the inherited description's OFD locks, not the other's");

	close(open_data(O_RDWR));
	check_ofd_answer(ofd_second, F_OFD_GETLK, 0, F_WRLCK, 0, 15, -1,
			 "closing another descriptor of the file leaves OFD locks");
	int duplicate = dup(ofd_first);
	close(ofd_first);
	check_ofd_answer(ofd_second, F_OFD_GETLK, 0, F_WRLCK, 0, 15, -1,
			 "OFD locks stay while a duplicate descriptor is open");
	close(duplicate);
	check_ok(set_lock(ofd_second, F_OFD_SETLK, F_WRLCK, SEEK_SET, 0, 15),
		 "OFD locks go with the description's last descriptor");

	set_lock(data_fd, F_SETLK, F_RDLCK, SEEK_SET, 50, 10);
	check_ofd_answer(ofd_second, F_OFD_GETLK, 55, F_RDLCK, 50, 10, getpid(),
			 "F_OFD_GETLK reports a POSIX lock with its owner's pid");
	unlock_all(data_fd);
	close(ofd_second);
}

static int child_flock(void *argument)
{
	(void)argument;
	if (flock(ofd_first, LOCK_EX | LOCK_NB) != 0)
		return 1;
	int own = open_data(O_RDONLY);
	if (flock(own, LOCK_SH | LOCK_NB) != -1 || errno != EWOULDBLOCK)
		return 2;
	return 0;
}

static void test_flock(void)
{
	ofd_first = open_data(O_RDONLY);
	ofd_second = open_data(O_RDONLY);
	check_ok(flock(ofd_first, LOCK_EX), "flock LOCK_EX through a read-only descriptor");
	errno = 0;
	check_errno(flock(ofd_second, LOCK_EX | LOCK_NB), EWOULDBLOCK,
		    "another open file description's LOCK_EX|LOCK_NB gives EWOULDBLOCK");
	errno = 0;
	check_errno(flock(ofd_second, LOCK_SH | LOCK_NB), EWOULDBLOCK, "so does its LOCK_SH|LOCK_NB");
	check_exited(other_setlk(F_WRLCK, 0, 0), 0, "flock locks and fcntl locks do not meet");
	check_exited(run_in_child(child_flock, NULL), 0,
		     "a forked child holds the lock through the inherited description only");

	check_ok(flock(ofd_first, LOCK_SH), "downgrade to LOCK_SH");
	check_ok(flock(ofd_second, LOCK_SH | LOCK_NB), "shared locks of two descriptions coexist");
	errno = 0;
	check_errno(flock(ofd_second, LOCK_EX | LOCK_NB), EWOULDBLOCK, "an upgrade while another shares fails");
	check_ok(flock(ofd_first, LOCK_EX | LOCK_NB),
		 "the failed upgrade dropped the shared lock (conversion is not atomic)");

	int duplicate = dup(ofd_first);
	close(ofd_first);
	errno = 0;
	check_errno(flock(ofd_second, LOCK_EX | LOCK_NB), EWOULDBLOCK, "the lock stays while a duplicate is open");
	close(duplicate);
	check_ok(flock(ofd_second, LOCK_EX | LOCK_NB), "the lock goes with the description's last descriptor");
	check_ok(flock(ofd_second, LOCK_UN), "LOCK_UN");
	close(ofd_second);

	errno = 0;
	check_errno(flock(data_fd, LOCK_SH | LOCK_EX), EINVAL, "flock with LOCK_SH|LOCK_EX gives EINVAL");
	errno = 0;
	check_errno(flock(-1, 0), EINVAL, "flock checks the operation before the descriptor");
	errno = 0;
	check_errno(flock(-1, LOCK_EX), EBADF, "flock on a bad descriptor gives EBADF");
	int path_only = open(FILE_PATH, O_PATH);
	errno = 0;
	check_errno(flock(path_only, LOCK_EX), EBADF, "flock on an O_PATH descriptor gives EBADF");
	close(path_only);
}

int main(int argc, char **argv)
{
	unlink(FILE_PATH);
	data_fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (data_fd < 0 || ftruncate(data_fd, FILE_SIZE) != 0 || pipe(report_pipe) != 0) {
		perror("t_locks: setup");
		return 1;
	}
	static const struct tap_section sections[] = {
		{ "posix", test_posix_conflicts },
		{ "ranges", test_ranges },
		{ "arguments", test_arguments },
		{ "blocking", test_blocking },
		{ "ofd", test_ofd },
		{ "flock", test_flock },
	};
	tap_run_sections(sections, sizeof sections / sizeof sections[0], argc, argv);
	close(data_fd);
	unlink(FILE_PATH);
	return tap_done("t_locks.c");
}
