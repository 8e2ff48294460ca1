/*
 * t_sysv_ipc.c - System V IPC (svipc(7)).
 *
 * Semaphores: semget, SETVAL/GETVAL/SETALL/GETALL/GETPID/GETNCNT/GETZCNT,
 * IPC_STAT/IPC_SET/IPC_RMID, semop all-or-nothing, IPC_NOWAIT (EAGAIN),
 * semtimedop's timeout, EFBIG, ERANGE, a sleeper woken by another process,
 * EIDRM for a sleeper when the set is removed, EINTR, SEM_UNDO at exit.
 * Shared memory: shmget, shmat/shmdt, shm_nattch through attach, fork, exec
 * and exit, SHM_RDONLY (a write is SIGSEGV), fixed and SHM_RND addresses,
 * IPC_RMID of an attached segment (SHM_DEST, destroyed at the last detach).
 * Message queues: msgsnd/msgrcv with msgtyp 0, > 0, < 0 and MSG_EXCEPT,
 * E2BIG and MSG_NOERROR, ENOMSG, a blocked receiver, msg_qbytes making a
 * sender wait (EAGAIN with IPC_NOWAIT), EIDRM.  Keys: IPC_CREAT|IPC_EXCL
 * (EEXIST), ENOENT, size checks against an existing object.
 *
 * Only IPC_PRIVATE objects and keys this run made are touched, and every
 * object is removed before exit.  Children report through exit statuses.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <time.h>
#include <fcntl.h>
#include "tap.h"

#define SELF "/proc/self/exe"

union semaphore_argument {
	int val;
	struct semid_ds *buf;
	unsigned short *array;
};

static long long mono_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static int semaphore_value(int id, int n) { return semctl(id, n, GETVAL); }

/* Waits until count processes wait on semaphore n (GETNCNT, or GETZCNT for zero). */
static int wait_for_sleepers(int id, int n, int command, int count)
{
	for (int tries = 0; tries < 100000; tries++) {
		if (semctl(id, n, command) == count)
			return 1;
		sched_yield();
	}
	return 0;
}

/* Waits until process pid sleeps ('S' in /proc/PID/stat). */
static int wait_until_sleeping(pid_t pid)
{
	char path[64], text[256];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	for (int tries = 0; tries < 100000; tries++) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
		if (fd >= 0)
			close(fd);
		if (n > 0) {
			text[n] = 0;
			char *end = strrchr(text, ')');
			if (end && end[1] == ' ' && end[2] == 'S')
				return 1;
		}
		sched_yield();
	}
	return 0;
}

static int semaphore_take(int id, int n, int flags)
{
	struct sembuf operation = { (unsigned short)n, -1, (short)flags };
	return semop(id, &operation, 1);
}

static int semaphore_give(int id, int n, int amount, int flags)
{
	struct sembuf operation = { (unsigned short)n, (short)amount, (short)flags };
	return semop(id, &operation, 1);
}

static int child_takes(void *arg)
{
	return semaphore_take(*(int *)arg, 0, 0) == 0 ? 0 : 1;
}

static int child_waits_for_zero(void *arg)
{
	struct sembuf operation = { 1, 0, 0 };
	return semop(*(int *)arg, &operation, 1) == 0 ? 0 : 1;
}

static int child_sees_eidrm(void *arg)
{
	return semaphore_take(*(int *)arg, 0, 0) == -1 && errno == EIDRM ? 0 : 1;
}

static void on_signal(int signal) { (void)signal; }

static int child_sees_eintr(void *arg)
{
	struct sigaction action = { .sa_handler = on_signal };   /* no SA_RESTART */
	sigaction(SIGUSR1, &action, NULL);
	return semaphore_take(*(int *)arg, 0, 0) == -1 && errno == EINTR ? 0 : 1;
}

static int child_undoes(void *arg)
{
	int id = *(int *)arg;
	if (semaphore_give(id, 2, 5, SEM_UNDO) || semaphore_take(id, 1, SEM_UNDO))
		return 1;
	return 0;      /* exit undoes both */
}

/* Forks fn(arg), returns its pid; the child exits with fn's result. */
static pid_t start_child(int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

static int wait_status(pid_t pid)
{
	int status;
	return waitpid(pid, &status, 0) == pid ? status : -1;
}

static void test_semaphores(void)
{
	union semaphore_argument argument;
	check_errno(semget(IPC_PRIVATE, 0, 0600), EINVAL, "creating a set of 0 semaphores gives EINVAL");
	check_errno(semget(IPC_PRIVATE, -1, 0600), EINVAL, "a negative count gives EINVAL");
	int id = semget(IPC_PRIVATE, 3, IPC_CREAT | 0600);
	check_ok(id, "semget(IPC_PRIVATE, 3)");
	if (id < 0)
		return;
	struct semid_ds status;
	argument.buf = &status;
	check(semctl(id, 0, IPC_STAT, argument) == 0 && status.sem_nsems == 3 &&
	      (status.sem_perm.mode & 0777) == 0600 && status.sem_perm.uid == getuid() &&
	      status.sem_perm.cuid == geteuid() && status.sem_otime == 0,
	      "IPC_STAT: three semaphores, mode 0600, owner and creator us, never operated on",
	      "nsems %lu mode %o", (unsigned long)status.sem_nsems, status.sem_perm.mode);
	check_eq(semaphore_value(id, 0), 0, "a new semaphore is 0");
	argument.val = 5;
	check_eq(semctl(id, 0, SETVAL, argument), 0, "SETVAL 5");
	check_eq(semaphore_value(id, 0), 5, "GETVAL reads 5");
	check_eq(semctl(id, 0, GETPID), getpid(), "GETPID is the last process that set it");
	argument.val = -1;
	check_errno(semctl(id, 0, SETVAL, argument), ERANGE, "SETVAL -1 gives ERANGE");
	argument.val = 32768;
	check_errno(semctl(id, 0, SETVAL, argument), ERANGE, "SETVAL 32768 (past SEMVMX) gives ERANGE");
	check_errno(semctl(id, 3, GETVAL), EINVAL, "GETVAL of semaphore 3 of 3 gives EINVAL");
	check_errno(semctl(id, 0, 12345), EINVAL, "an unknown command gives EINVAL");
	unsigned short values[3] = { 1, 2, 3 }, read_back[3] = { 0 };
	argument.array = values;
	check_eq(semctl(id, 0, SETALL, argument), 0, "SETALL 1 2 3");
	argument.array = read_back;
	check(semctl(id, 0, GETALL, argument) == 0 && read_back[0] == 1 && read_back[1] == 2 &&
	      read_back[2] == 3, "GETALL reads 1 2 3", "got %u %u %u", read_back[0], read_back[1],
	      read_back[2]);

	check_eq(semaphore_take(id, 0, 0), 0, "semop -1 on 1");
	check_eq(semaphore_value(id, 0), 0, "leaves 0");
	check_errno(semaphore_take(id, 0, IPC_NOWAIT), EAGAIN, "semop -1 on 0 with IPC_NOWAIT gives EAGAIN");
	struct sembuf both[2] = { { 1, -1, 0 }, { 0, -1, IPC_NOWAIT } };
	check_errno(semop(id, both, 2), EAGAIN, "two operations, the second would block: EAGAIN");
	check_eq(semaphore_value(id, 1), 2, "and the first was not applied");
	struct sembuf twice[2] = { { 2, -2, 0 }, { 2, -2, IPC_NOWAIT } };
	check_errno(semop(id, twice, 2), EAGAIN, "-2 twice on 3: the second sees the first's result, EAGAIN");
	check_eq(semaphore_value(id, 2), 3, "and neither was applied");
	struct sembuf sequence[2] = { { 2, -3, 0 }, { 2, 1, 0 } };
	check_eq(semop(id, sequence, 2), 0, "-3 then +1 on 3 applies in order");
	check_eq(semaphore_value(id, 2), 1, "leaving 1");
	struct sembuf beyond = { 3, 1, 0 };
	check_errno(semop(id, &beyond, 1), EFBIG, "semaphore 3 of 3 gives EFBIG");
	check_errno(semop(id, &beyond, 0), EINVAL, "no operations gives EINVAL");
	struct sembuf too_much = { 1, 32767, 0 };
	check_errno(semop(id, &too_much, 1), ERANGE, "past SEMVMX gives ERANGE");
	check_errno(semop(-1, &beyond, 1), EINVAL, "a negative id gives EINVAL");
	check_errno(semop(id, (struct sembuf *)8, 1), EFAULT, "an unreadable operation list gives EFAULT");

	struct timespec timeout = { 0, 150000000 };
	long long start = mono_ms();
	check_errno(semtimedop(id, (struct sembuf[]){ { 0, -1, 0 } }, 1, &timeout), EAGAIN,
		    "semtimedop that would block times out with EAGAIN");
	check(mono_ms() - start >= 140, "after at least 150 ms", "took %lld ms", mono_ms() - start);
	struct timespec bad = { 0, 1000000000 };
	check_errno(semtimedop(id, (struct sembuf[]){ { 0, -1, 0 } }, 1, &bad), EINVAL,
		    "a timeout with tv_nsec 10^9 gives EINVAL");

	pid_t pid = start_child(child_takes, &id);
	check(wait_for_sleepers(id, 0, GETNCNT, 1), "a child waiting to take semaphore 0 is counted by GETNCNT",
	      "GETNCNT never 1");
	check_eq(semctl(id, 0, GETZCNT), 0, "GETZCNT does not count it");
	check_eq(semaphore_give(id, 0, 1, 0), 0, "semop +1 by the parent");
	check_exited(wait_status(pid), 0, "wakes the child, whose semop succeeds");
	check_eq(semaphore_value(id, 0), 0, "which took it");
	pid = start_child(child_waits_for_zero, &id);
	check(wait_for_sleepers(id, 1, GETZCNT, 1), "a child waiting for semaphore 1 to be 0 is counted by GETZCNT",
	      "GETZCNT never 1");
	argument.val = 0;
	semctl(id, 1, SETVAL, argument);
	check_exited(wait_status(pid), 0, "SETVAL 0 wakes it");

	pid = start_child(child_sees_eintr, &id);
	wait_for_sleepers(id, 0, GETNCNT, 1);
	kill(pid, SIGUSR1);
	check_exited(wait_status(pid), 0, "a signal interrupts a waiting semop with EINTR");
	check_eq(semctl(id, 0, GETNCNT), 0, "and it is no longer counted");

	argument.val = 1;
	semctl(id, 1, SETVAL, argument);
	check_exited(wait_status(start_child(child_undoes, &id)), 0, "a child's semops with SEM_UNDO");
	check(semaphore_value(id, 1) == 1 && semaphore_value(id, 2) == 1, "are undone at its exit",
	      "got %d %d", semaphore_value(id, 1), semaphore_value(id, 2));

	status.sem_perm.mode = 0640;
	argument.buf = &status;
	check_eq(semctl(id, 0, IPC_SET, argument), 0, "IPC_SET mode 0640");
	check(semctl(id, 0, IPC_STAT, argument) == 0 && (status.sem_perm.mode & 0777) == 0640 &&
	      status.sem_otime != 0, "IPC_STAT shows it, and a semop time", "mode %o", status.sem_perm.mode);

	pid = start_child(child_sees_eidrm, &id);
	wait_for_sleepers(id, 0, GETNCNT, 1);
	check_eq(semctl(id, 0, IPC_RMID), 0, "IPC_RMID with a child waiting");
	check_exited(wait_status(pid), 0, "the child's semop answers EIDRM");
	check_errno(semctl(id, 0, GETVAL), EINVAL, "the removed set's id gives EINVAL");
}

/* ---------------------------------------------------------------------- */

static long attach_count(int id)
{
	struct shmid_ds status;
	return shmctl(id, IPC_STAT, &status) == 0 ? (long)status.shm_nattch : -1;
}

static int shm_id;
static char *shm_address;

static int child_writes_inherited(void *arg)
{
	(void)arg;
	if (attach_count(shm_id) != 2)
		return 1;
	shm_address[1] = 42;
	return 0;
}

static int child_attaches_and_exits(void *arg)
{
	(void)arg;
	char *p = shmat(shm_id, NULL, 0);
	return p != (void *)-1 && p[4999] == 7 && attach_count(shm_id) == 3 ? 0 : 1;
}

static int child_writes_read_only(void *arg)
{
	volatile char *p = arg;
	p[0] = 1;
	return 0;
}

static int child_execs(void *arg)
{
	(void)arg;
	char id[16];
	snprintf(id, sizeof id, "%d", shm_id);
	execl(SELF, "t_sysv_ipc", "shm-exec-child", id, (char *)NULL);
	return 1;
}

/* Child mode "shm-exec-child ID": execve dropped the attach fork gave us. */
static int shm_exec_child(int id)
{
	return attach_count(id) == 1 ? 42 : 1;
}

static void test_shared_memory(void)
{
	check_errno(shmget(IPC_PRIVATE, 0, 0600), EINVAL, "shmget of 0 bytes gives EINVAL");
	int id = shmget(IPC_PRIVATE, 5000, IPC_CREAT | 0600);
	shm_id = id;
	check_ok(id, "shmget(IPC_PRIVATE, 5000)");
	struct shmid_ds status;
	check(shmctl(id, IPC_STAT, &status) == 0 && status.shm_segsz == 5000 && status.shm_nattch == 0 &&
	      status.shm_cpid == getpid() && (status.shm_perm.mode & 0777) == 0600 && status.shm_atime == 0,
	      "IPC_STAT: 5000 bytes, not attached, created by us", "segsz %zu nattch %lu",
	      status.shm_segsz, (unsigned long)status.shm_nattch);
	char *p = shmat(id, NULL, 0);
	shm_address = p;
	check(p != (void *)-1, "shmat at an address the kernel picks", "errno %d", errno);
	if (p == (void *)-1) {
		shmctl(id, IPC_RMID, NULL);
		return;
	}
	int zero = 1;
	for (int i = 0; i < 8192; i++)
		zero &= p[i] == 0;
	check(zero, "the segment reads as zeros, to its last page's end", "non-zero byte");
	p[4999] = 7;
	check_eq(attach_count(id), 1, "shm_nattch is 1");
	char *q = shmat(id, NULL, 0);
	check(q != (void *)-1 && q != p && q[4999] == 7, "a second attach sees the first one's write", "not shared");
	q[0] = 9;
	check_eq(p[0], 9, "and the first sees the second's");
	check_eq(attach_count(id), 2, "shm_nattch is 2");
	check_eq(shmdt(q), 0, "shmdt of the second");
	check_eq(attach_count(id), 1, "shm_nattch is 1 again");
	check_errno(shmdt(q), EINVAL, "shmdt of it again gives EINVAL");
	check_errno(shmdt(p + 1), EINVAL, "shmdt of an unaligned address gives EINVAL");
	check_errno(shmdt(&zero), EINVAL, "shmdt of the stack gives EINVAL");

	check_exited(run_in_child(child_writes_inherited, NULL), 0, "a forked child inherits the attach");
	check_eq(p[1], 42, "and writes the same memory");
	check_eq(attach_count(id), 1, "its exit detaches it");
	check_exited(run_in_child(child_attaches_and_exits, NULL), 0, "a child that attaches again");
	check_eq(attach_count(id), 1, "is detached by its exit too");
	check_exited(run_in_child(child_execs, NULL), 42, "execve drops the attach fork gave");

	char *r = shmat(id, NULL, SHM_RDONLY);
	check(r != (void *)-1 && r[4999] == 7, "an SHM_RDONLY attach reads", "errno %d", errno);
	check_signaled(run_in_child(child_writes_read_only, r), SIGSEGV, "a write to it is SIGSEGV");
	shmdt(r);

	check(shmat(id, p, 0) == (void *)-1 && errno == EINVAL, "a fixed address over an attach gives EINVAL",
	      "errno %d", errno);
	check(shmat(id, p + 1, 0) == (void *)-1 && errno == EINVAL, "an unaligned address gives EINVAL",
	      "errno %d", errno);
	shmdt(p);
	check(shmat(id, p + 100, SHM_RND) == p, "SHM_RND rounds the address down to a page", "elsewhere");
	check(shmat(-1, NULL, 0) == (void *)-1 && errno == EINVAL, "shmat of a negative id gives EINVAL",
	      "errno %d", errno);
	check(shmat(id, (void *)0xffffffffffff0000, 0) == (void *)-1 && errno == ENOMEM,
	      "shmat past the end of the address space gives ENOMEM", "errno %d", errno);

	check_eq(shmctl(id, IPC_RMID, NULL), 0, "IPC_RMID while attached");
	check(shmctl(id, IPC_STAT, &status) == 0 && (status.shm_perm.mode & 01000) &&
	      status.shm_perm.__key == IPC_PRIVATE && status.shm_nattch == 1 && p[4999] == 7,
	      "the segment stays, marked SHM_DEST, its key IPC_PRIVATE", "mode %o", status.shm_perm.mode);
	check_eq(shmdt(p), 0, "the last shmdt");
	check_errno(shmctl(id, IPC_STAT, &status), EINVAL, "destroys it: its id gives EINVAL");
}

/* ---------------------------------------------------------------------- */

struct text_message {
	long type;
	char text[64];
};

static int send_text(int id, long type, const char *text, int flags)
{
	struct text_message message = { .type = type };
	size_t length = strlen(text);
	memcpy(message.text, text, length);
	return msgsnd(id, &message, length, flags);
}

/* Receives one message; returns its first letter (or -1), *type its type. */
static int receive_letter(int id, long type, int flags, long *got_type)
{
	struct text_message message = { 0 };
	if (msgrcv(id, &message, sizeof message.text, type, flags) < 0)
		return -1;
	if (got_type)
		*got_type = message.type;
	return message.text[0];
}

static int message_queue_id;

static int child_receives(void *arg)
{
	(void)arg;
	return receive_letter(message_queue_id, 7, 0, NULL) == 'w' ? 0 : 1;
}

static int child_sends_sixty(void *arg)
{
	(void)arg;
	char text[61];
	memset(text, 'z', 60);
	text[60] = 0;
	return send_text(message_queue_id, 1, text, 0) == 0 ? 0 : 1;
}

static int child_receive_sees_eidrm(void *arg)
{
	(void)arg;
	return receive_letter(message_queue_id, 0, 0, NULL) == -1 && errno == EIDRM ? 0 : 1;
}

static void test_message_queues(void)
{
	int id = msgget(IPC_PRIVATE, 0600);
	message_queue_id = id;
	check_ok(id, "msgget(IPC_PRIVATE)");
	if (id < 0)
		return;
	check_errno(send_text(id, 0, "x", 0), EINVAL, "msgsnd of type 0 gives EINVAL");
	struct text_message big = { .type = 1 };
	check_errno(msgsnd(id, &big, 8193, 0), EINVAL, "msgsnd of more than MSGMAX bytes gives EINVAL");
	check_errno(send_text(-1, 1, "x", 0), EINVAL, "msgsnd to a negative id gives EINVAL");
	send_text(id, 3, "c", 0);
	send_text(id, 1, "a", 0);
	send_text(id, 2, "bb", 0);
	send_text(id, 1, "A", 0);
	struct msqid_ds status;
	check(msgctl(id, IPC_STAT, &status) == 0 && status.msg_qnum == 4 && status.__msg_cbytes == 5 &&
	      status.msg_qbytes == 16384 && status.msg_lspid == getpid() && status.msg_lrpid == 0,
	      "IPC_STAT: 4 messages, 5 bytes, msg_qbytes 16384, we sent last",
	      "qnum %lu cbytes %lu qbytes %lu", (unsigned long)status.msg_qnum,
	      (unsigned long)status.__msg_cbytes, (unsigned long)status.msg_qbytes);
	long type = 0;
	check(receive_letter(id, 2, 0, &type) == 'b' && type == 2, "msgtyp 2: the first message of type 2",
	      "type %ld", type);
	check(receive_letter(id, -2, 0, &type) == 'a' && type == 1, "msgtyp -2: the first of the lowest type up to 2",
	      "type %ld", type);
	check(receive_letter(id, 0, 0, &type) == 'c' && type == 3, "msgtyp 0: the first in the queue",
	      "type %ld", type);
	send_text(id, 5, "e", 0);
	check(receive_letter(id, 1, MSG_EXCEPT, &type) == 'e' && type == 5, "MSG_EXCEPT 1: the first of another type",
	      "type %ld", type);
	check(receive_letter(id, 0, 0, &type) == 'A', "and the type 1 one is left", "type %ld", type);
	check_errno(receive_letter(id, 0, IPC_NOWAIT, NULL), ENOMSG, "an empty queue with IPC_NOWAIT gives ENOMSG");
	send_text(id, 4, "0123456789", 0);
	struct text_message message;
	check_errno(msgrcv(id, &message, 4, 0, IPC_NOWAIT), E2BIG, "a 10-byte message into 4 bytes gives E2BIG");
	check(msgctl(id, IPC_STAT, &status) == 0 && status.msg_qnum == 1, "and stays queued", "qnum %lu",
	      (unsigned long)status.msg_qnum);
	memset(&message, 0, sizeof message);
	check(msgrcv(id, &message, 4, 0, MSG_NOERROR) == 4 && !memcmp(message.text, "0123", 4) &&
	      message.text[4] == 0, "MSG_NOERROR: cut to 4 bytes", "text %.8s", message.text);

	pid_t pid = start_child(child_receives, NULL);
	send_text(id, 6, "v", 0);
	send_text(id, 7, "w", 0);
	check_exited(wait_status(pid), 0, "a receiver waiting for type 7 gets it from another process");
	check_eq(receive_letter(id, 0, IPC_NOWAIT, NULL), 'v', "and leaves the type 6 one");

	status.msg_qbytes = 100;
	check_eq(msgctl(id, IPC_SET, &status), 0, "IPC_SET msg_qbytes 100");
	char sixty[61];
	memset(sixty, 'y', 60);
	sixty[60] = 0;
	check_eq(send_text(id, 1, sixty, 0), 0, "60 bytes fit");
	check_errno(send_text(id, 1, sixty, IPC_NOWAIT), EAGAIN, "60 more with IPC_NOWAIT give EAGAIN");
	pid = start_child(child_sends_sixty, NULL);
	check_eq(receive_letter(id, 0, 0, NULL), 'y', "a receive makes room");
	check_eq(receive_letter(id, 0, 0, NULL), 'z', "for the child's waiting send");
	check_exited(wait_status(pid), 0, "which succeeded");

	pid = start_child(child_receive_sees_eidrm, NULL);
	check(wait_until_sleeping(pid), "a child waits to receive", "never slept");
	check_eq(msgctl(id, IPC_RMID, NULL), 0, "IPC_RMID");
	check_exited(wait_status(pid), 0, "the waiting msgrcv answers EIDRM");
	check_errno(send_text(id, 1, "x", 0), EINVAL, "the removed queue's id gives EINVAL");
}

/* ---------------------------------------------------------------------- */

static void test_keys(void)
{
	key_t key = 0;
	int queue = -1;
	for (int i = 0; i < 64 && queue < 0; i++) {
		key = (key_t)(0x53540000 + ((getpid() + i * 7919) & 0xffff));
		queue = msgget(key, IPC_CREAT | IPC_EXCL | 0600);
	}
	check_ok(queue, "msgget of a new key with IPC_CREAT|IPC_EXCL");
	if (queue < 0)
		return;
	check_eq(msgget(key, 0), queue, "msgget of the key finds it");
	check_eq(msgget(key, IPC_CREAT | 0600), queue, "so does IPC_CREAT alone");
	check_errno(msgget(key, IPC_CREAT | IPC_EXCL | 0600), EEXIST, "IPC_CREAT|IPC_EXCL gives EEXIST");
	int set = semget(key, 2, IPC_CREAT | IPC_EXCL | 0600);
	int segment = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	check(set >= 0 && segment >= 0, "the same key names a semaphore set and a segment too", "errno %d", errno);
	check_errno(semget(key, 3, 0), EINVAL, "semget asking more semaphores than the set has gives EINVAL");
	check_eq(semget(key, 0, 0), set, "semget with 0 finds it");
	check_errno(shmget(key, 8192, 0), EINVAL, "shmget asking more bytes than the segment has gives EINVAL");
	check_eq(shmget(key, 100, 0), segment, "shmget asking fewer finds it");
	msgctl(queue, IPC_RMID, NULL);
	semctl(set, 0, IPC_RMID);
	shmctl(segment, IPC_RMID, NULL);
	check_errno(msgget(key, 0), ENOENT, "once removed, the key gives ENOENT");
	check_errno(semget(key, 0, 0), ENOENT, "for each kind");
	check_errno(shmget(key, 0, 0), ENOENT, "of object");
}

static const struct tap_section sections[] = {
	{ "semaphores", test_semaphores },
	{ "shared-memory", test_shared_memory },
	{ "message-queues", test_message_queues },
	{ "keys", test_keys },
};

int main(int argc, char **argv)
{
	if (argc > 2 && strcmp(argv[1], "shm-exec-child") == 0)
		return shm_exec_child(atoi(argv[2]));
	tap_run_sections(sections, sizeof sections / sizeof sections[0], argc, argv);
	return tap_done("t_sysv_ipc.c");
}
