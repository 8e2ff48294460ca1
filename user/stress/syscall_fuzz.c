/*
 * syscall_fuzz.c - every system call Strata implements, with random and
 * hostile arguments, from several processes and threads.
 *
 * usage: syscall_fuzz SEED COUNT [PROCESSES [THREADS [SKIP]]]   (defaults 4, 2)
 *
 * SKIP, a comma-separated list of call names, leaves those out (to find
 * which call a failure needs).
 *
 * PROCESSES workers, each with THREADS fuzzing threads, make COUNT calls in
 * all (COUNT / (PROCESSES * THREADS) each), drawn uniformly from the table
 * below, whose arguments come from pools of hostile values: NULL, a kernel
 * address, an unmapped page, a read-only page, a buffer ending on a guard
 * page, misaligned pointers; fds of every kind, closed ones, -1 and huge
 * numbers; lengths of 0, 2^31, 2^63 and SIZE_MAX; negative, unknown and
 * random flags.  Each thread's random stream is xorshift64* seeded from
 * SEED and its process and thread number, so a run is repeated by its seed.
 * The workers count, per call, the successes and every errno in a table
 * shared with the parent, which prints it:
 *
 *   call NAME calls N ok K errnos EBADF=3 EINVAL=12 ...
 *
 * and ends with what it checks itself: every worker ended by its own
 * exit_group (none killed by a signal), every errno is one Linux defines
 * (1..133; the kernel-internal ERESTART* values must never reach a
 * program) and one Linux can give the call that answered it (the call's
 * set in the table below: a miss prints the call, its arguments and the
 * errno), and the kernel still forks, pipes and waits.  The same program
 * passes on Linux 6.1 (tools/linuxrun), which is how the table is checked.
 * tests/test_syscall_fuzz.sh checks that pages, pbufs and sockets are back
 * to their baseline.
 *
 * Left out, because they end or wreck the run rather than test the kernel:
 *   exit, exit_group     end the thread or the worker;
 *   rt_sigreturn         with no signal frame it kills the process with
 *                        SIGSEGV, on Linux as on Strata.
 * Constrained, for the same reason:
 *   kill, tkill, tgkill, rt_sigqueueinfo, rt_tgsigqueueinfo, fcntl's
 *     F_SETOWN: only the worker itself, its threads, and pids that do not
 *     exist (never 0, -1 or another group: the shell or init would die);
 *     signals 0, ignored ones, SIGALRM (handled) or invalid numbers, never
 *     SIGKILL or SIGSTOP; F_SETSIG likewise;
 *   rt_sigaction: installs only SIG_IGN, and never on SIGALRM, which the
 *     watchdog below needs (a handler at a random address would crash);
 *   rt_sigprocmask may block anything, but SIGALRM is unblocked again after
 *     every call; the masks given to ppoll, pselect6, epoll_pwait(2) and
 *     rt_sigsuspend never hold SIGALRM;
 *   mmap MAP_FIXED, munmap, mprotect, madvise, msync, shmat and shmdt act
 *     only in the worker's own arena (or at kernel, unaligned and
 *     out-of-range addresses, and on page 0 alone), never SHM_REMAP:
 *     elsewhere they would unmap the program's own
 *     text or stack; a mapping made elsewhere is unmapped at once; madvise
 *     never MADV_HWPOISON or MADV_SOFT_OFFLINE (Linux as root would poison
 *     a page);
 *   brk: only queries, growth, and kernel or huge addresses (shrinking
 *     would take back glibc's heap);
 *   clone: fork-like, SIGCHLD its exit signal (no CLONE_VM, CLONE_VFORK, CLONE_SETTLS, CLONE_PARENT,
 *     CLONE_PIDFD or new namespaces) and the child exits at once; the
 *     thread and sighand combinations given are invalid ones (EINVAL);
 *   execve: paths of the worker's directory and files that are not
 *     programs (never a real program: it would replace the worker);
 *   clock_settime: invalid times only; reboot: never Linux's magic number;
 *   prlimit64: new limits only when invalid or infinite (a small stack or
 *     CPU limit would kill the worker by signal);
 *   sendfile: at most 1 MiB (from /dev/zero into a file it would otherwise
 *     fill memory with 2 GiB);
 *   ioctl: never the requests that reconfigure interfaces or routes
 *     (SIOCSIF*, SIOCADDRT, SIOCDELRT, SIOCSARP, SIOCDARP): they would
 *     change the machine for the rest of the run, not probe a bad argument.
 * Blocking is allowed: a watchdog (each worker's main thread) sends every
 * fuzzing thread SIGALRM every 10 ms, caught without SA_RESTART, so a call
 * that waits ends with EINTR; one that never does is a finding: a worker
 * still running a minute (and a second per 200 calls) after the start is
 * killed and reported with the calls its threads were in.
 * Paths are the worker's own, under /tmp/syscall_fuzz.N.  Workers' stdin,
 * stdout and stderr are /dev/null, so no call reaches the console.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/sockios.h>
#include <sched.h>
#include <termios.h>
#include <time.h>
#include <ucontext.h>
#include <limits.h>
#include <unistd.h>

#define MAX_ERRNO 133           /* EHWPOISON, the highest errno Linux defines */
#define OTHER_SLOT (MAX_ERRNO + 1)
#define BUFFER_SIZE (64 * 1024)
#define PAGE 4096
#define ARENA_PAGES 64
#define POOL_FDS 24
#define MAX_THREADS 16
#define MAX_IPC_IDS 4096
#define REFRESH_EVERY 64        /* calls between two refreshes of a thread's pools */
#define KERNEL_ADDRESS 0xffff000040000000ull

/* Argument kinds. */
enum {
	A_NONE, A_FD, A_PTR, A_LEN, A_FLAGS, A_INT, A_PATH, A_PID, A_SIG,
	A_ARENA, A_CLOCK, A_IOCTL, A_SOCKADDR, A_SOCKLEN, A_SIGSET, A_SIGSETSIZE,
	A_OFFSET, A_IPCID, A_IPCKEY, A_LEVEL,
};

struct call {
	long number;
	const char *name;
	const char *errnos;     /* what Linux may answer it, beyond the generic rules */
	unsigned char kinds[6];
};

/*
 * The errnos Linux can give each call: its man page's ERRORS section (Linux
 * man-pages 6.03, and the pages of the objects it reaches: tty_ioctl(4) and
 * netdevice(7) for ioctl, socket(7), ip(7), tcp(7), udp(7), unix(7) for the
 * socket calls), plus what Linux 6.1 gave in syscall_fuzz runs
 * (tools/linuxrun; tests/test_syscall_fuzz.sh --linux) where the page is
 * silent.  Every errno Strata answers must be in its call's set.  Words in
 * capitals name a group of errno_groups below.  Added to every call by the
 * kinds of its arguments (the generic rules):
 *   any argument at all    ENOMEM (the kernel could not allocate);
 *   A_FD                   EBADF;
 *   a pointer (A_PTR, A_SOCKADDR, A_SIGSET, A_PATH)   EFAULT;
 *   A_PATH                 path_resolution(7): EACCES ELOOP ENAMETOOLONG
 *                          ENOENT ENOTDIR.
 * EINTR is listed per call: only calls that can wait give it (the watchdog's
 * SIGALRM is caught without SA_RESTART).  ERESTART* and ENOIOCTLCMD are the
 * kernel's own and never reach a program; ENOSYS only where the page says
 * (futex's unknown operations, msgrcv's MSG_COPY, statfs of a file system
 * without it).  Sets that hold an errno the pages do not list, because
 * Linux 6.1 gave it: pipe2 ENOPKG (O_NOTIFICATION_PIPE without watch
 * queues), clock_nanosleep EPERM, getsockopt ENODATA, setsockopt EACCES
 * and EPROTO (IP_ADD_MEMBERSHIP on a TCP socket), ioctl ENOENT; packet(7)'s
 * ENXIO is in SOCKET_WRITE.  Calls with no word and no argument can fail
 * in no way.
 */
#define CALL(name, errnos, ...) { SYS_##name, #name, errnos, { __VA_ARGS__ } }
/* Every call of docs/syscalls.md's complement (the kernel's table) but
 * exit, exit_group and rt_sigreturn (see the top). */
static const struct call calls[] = {
	CALL(getcwd, "EACCES ENAMETOOLONG ENOENT ERANGE", A_PTR, A_LEN),
	CALL(eventfd2, "EINVAL EMFILE ENFILE ENODEV", A_INT, A_FLAGS),
	CALL(epoll_create1, "EINVAL EMFILE ENFILE", A_FLAGS),
	CALL(epoll_ctl, "EEXIST EINVAL ELOOP ENOENT ENOSPC EPERM", A_FD, A_INT, A_FD, A_PTR),
	CALL(epoll_pwait, "EINTR EINVAL", A_FD, A_PTR, A_INT, A_INT, A_SIGSET, A_SIGSETSIZE),
	CALL(dup, "EMFILE", A_FD),
	CALL(dup3, "EBUSY EINTR EINVAL EMFILE", A_FD, A_FD, A_FLAGS),
	CALL(fcntl, "EACCES EAGAIN EBUSY EDEADLK EFAULT EINTR EINVAL EMFILE ENOLCK ENOTDIR EPERM ESRCH", A_FD, A_INT, A_INT),
	CALL(ioctl, "EINVAL ENOTTY IOCTL_DEVICE", A_FD, A_IOCTL, A_PTR),
	CALL(flock, "EAGAIN EINTR EINVAL ENOLCK", A_FD, A_INT),
	CALL(mknodat, "EDQUOT EEXIST EINVAL ENOSPC EPERM EROFS", A_FD, A_PATH, A_INT, A_INT),
	CALL(mkdirat, "EDQUOT EEXIST EINVAL EMLINK ENOSPC EPERM EROFS", A_FD, A_PATH, A_INT),
	CALL(unlinkat, "EBUSY EINVAL EISDIR ENOTEMPTY EPERM EROFS", A_FD, A_PATH, A_FLAGS),
	CALL(symlinkat, "EDQUOT EEXIST EIO ENOSPC EPERM EROFS", A_PATH, A_FD, A_PATH),
	CALL(linkat, "EDQUOT EEXIST EINVAL EMLINK ENOSPC EPERM EROFS EXDEV", A_FD, A_PATH, A_FD, A_PATH, A_FLAGS),
	CALL(renameat, "EBUSY EDQUOT EEXIST EINVAL EISDIR EMLINK ENOSPC ENOTEMPTY EPERM EROFS EXDEV", A_FD, A_PATH, A_FD, A_PATH),
	CALL(statfs, "EIO ENOSYS EOVERFLOW", A_PATH, A_PTR),
	CALL(fstatfs, "EIO ENOSYS EOVERFLOW", A_FD, A_PTR),
	CALL(truncate, "EFBIG EINTR EINVAL EIO EISDIR EPERM EROFS ETXTBSY", A_PATH, A_OFFSET),
	CALL(ftruncate, "EFBIG EINTR EINVAL EIO EPERM EROFS ETXTBSY", A_FD, A_OFFSET),
	CALL(faccessat, "EINVAL EIO EPERM EROFS ETXTBSY", A_FD, A_PATH, A_INT),
	CALL(chdir, "EIO", A_PATH),
	CALL(fchdir, "EACCES ENOTDIR", A_FD),
	CALL(fchmod, "EIO EPERM EROFS", A_FD, A_INT),
	CALL(fchmodat, "EINVAL EIO EOPNOTSUPP EPERM EROFS", A_FD, A_PATH, A_INT),
	CALL(fchownat, "EINVAL EIO EPERM EROFS", A_FD, A_PATH, A_INT, A_INT, A_FLAGS),
	CALL(fchown, "EINVAL EIO EPERM EROFS", A_FD, A_INT, A_INT),
	CALL(openat, "EAGAIN EBUSY EDQUOT EEXIST EFBIG EINTR EINVAL EISDIR ELOOP EMFILE ENFILE ENODEV ENOSPC ENXIO EOPNOTSUPP EOVERFLOW EPERM EROFS ETXTBSY", A_FD, A_PATH, A_FLAGS, A_INT),
	CALL(close, "EDQUOT EINTR EIO ENOSPC", A_FD),
	CALL(pipe2, "EINVAL EMFILE ENFILE ENOPKG", A_PTR, A_FLAGS),
	CALL(getdents64, "EINVAL ENOENT ENOTDIR", A_FD, A_PTR, A_LEN),
	CALL(lseek, "EINVAL ENXIO EOVERFLOW ESPIPE", A_FD, A_OFFSET, A_INT),
	CALL(read, "EAGAIN EINTR EINVAL EIO EISDIR SOCKET_READ", A_FD, A_PTR, A_LEN),
	CALL(write, "EAGAIN EDESTADDRREQ EDQUOT EFBIG EINTR EINVAL EIO ENOSPC EPERM EPIPE SOCKET_WRITE", A_FD, A_PTR, A_LEN),
	CALL(readv, "EAGAIN EINTR EINVAL EIO EISDIR SOCKET_READ", A_FD, A_PTR, A_INT),
	CALL(writev, "EAGAIN EDESTADDRREQ EDQUOT EFBIG EINTR EINVAL EIO ENOSPC EPERM EPIPE SOCKET_WRITE", A_FD, A_PTR, A_INT),
	CALL(pread64, "EAGAIN EINTR EINVAL EIO EISDIR ENXIO EOVERFLOW ESPIPE", A_FD, A_PTR, A_LEN, A_OFFSET),
	CALL(pwrite64, "EAGAIN EDQUOT EFBIG EINTR EINVAL EIO ENOSPC ENXIO EOVERFLOW EPERM EPIPE ESPIPE", A_FD, A_PTR, A_LEN, A_OFFSET),
	CALL(preadv, "EAGAIN EINTR EINVAL EIO EISDIR ENXIO EOVERFLOW ESPIPE", A_FD, A_PTR, A_INT, A_OFFSET),
	CALL(pwritev, "EAGAIN EDQUOT EFBIG EINTR EINVAL EIO ENOSPC ENXIO EOVERFLOW EPERM EPIPE ESPIPE", A_FD, A_PTR, A_INT, A_OFFSET),
	CALL(sendfile, "EAGAIN EDQUOT EFBIG EINTR EINVAL EIO ENOSPC EOVERFLOW EPIPE ESPIPE SOCKET_WRITE", A_FD, A_FD, A_PTR, A_LEN),
	CALL(pselect6, "EBADF EINTR EINVAL", A_INT, A_PTR, A_PTR, A_PTR, A_PTR, A_PTR),
	CALL(ppoll, "EINTR EINVAL", A_PTR, A_INT, A_PTR, A_SIGSET, A_SIGSETSIZE),
	CALL(readlinkat, "EINVAL EIO", A_FD, A_PATH, A_PTR, A_LEN),
	CALL(newfstatat, "EINVAL EOVERFLOW", A_FD, A_PATH, A_PTR, A_FLAGS),
	CALL(fstat, "EOVERFLOW", A_FD, A_PTR),
	CALL(sync, ""),
	CALL(fsync, "EDQUOT EINVAL EIO ENOSPC EROFS", A_FD),
	CALL(fdatasync, "EDQUOT EINVAL EIO ENOSPC EROFS", A_FD),
	CALL(timerfd_create, "EINVAL EMFILE ENFILE ENODEV EPERM", A_CLOCK, A_FLAGS),
	CALL(timerfd_settime, "ECANCELED EINVAL EPERM", A_FD, A_FLAGS, A_PTR, A_PTR),
	CALL(timerfd_gettime, "EINVAL", A_FD, A_PTR),
	CALL(utimensat, "EINVAL EPERM EROFS ESRCH", A_FD, A_PATH, A_PTR, A_FLAGS),
	CALL(set_tid_address, "", A_PTR),
	CALL(futex, "EACCES EAGAIN EDEADLK EINTR EINVAL ENFILE ENOSYS EOPNOTSUPP EOWNERDEAD ENOTRECOVERABLE EPERM ESRCH ETIMEDOUT", A_PTR, A_INT, A_INT, A_PTR, A_PTR, A_INT),
	CALL(set_robust_list, "EINVAL", A_PTR, A_LEN),
	CALL(nanosleep, "EINTR EINVAL", A_PTR, A_PTR),
	CALL(getitimer, "EINVAL", A_INT, A_PTR),
	CALL(setitimer, "EINVAL", A_INT, A_PTR, A_PTR),
	CALL(clock_settime, "EINVAL EPERM", A_CLOCK, A_PTR),
	CALL(clock_gettime, "EINVAL", A_CLOCK, A_PTR),
	CALL(clock_getres, "EINVAL", A_CLOCK, A_PTR),
	CALL(clock_nanosleep, "EINTR EINVAL EOPNOTSUPP EPERM", A_CLOCK, A_FLAGS, A_PTR, A_PTR),
	CALL(sched_getaffinity, "EINVAL EPERM ESRCH", A_PID, A_LEN, A_PTR),
	CALL(sched_yield, ""),
	CALL(kill, "EINVAL EPERM ESRCH", A_PID, A_SIG),
	CALL(tkill, "EAGAIN EINVAL EPERM ESRCH", A_PID, A_SIG),
	CALL(tgkill, "EAGAIN EINVAL EPERM ESRCH", A_PID, A_PID, A_SIG),
	CALL(sigaltstack, "EINVAL ENOMEM EPERM", A_PTR, A_PTR),
	CALL(rt_sigsuspend, "EINTR EINVAL", A_SIGSET, A_SIGSETSIZE),
	CALL(rt_sigaction, "EINVAL", A_INT, A_PTR, A_PTR, A_SIGSETSIZE),
	CALL(rt_sigprocmask, "EINVAL", A_INT, A_PTR, A_PTR, A_SIGSETSIZE),
	CALL(rt_sigpending, "EINVAL", A_PTR, A_SIGSETSIZE),
	CALL(rt_sigqueueinfo, "E2BIG EAGAIN EINVAL EPERM ESRCH", A_PID, A_SIG, A_PTR),
	CALL(reboot, "EINVAL EPERM", A_INT, A_INT, A_INT, A_PTR),
	CALL(setregid, "EINVAL EPERM", A_INT, A_INT),
	CALL(setgid, "EINVAL EPERM", A_INT),
	CALL(setreuid, "EAGAIN EINVAL EPERM", A_INT, A_INT),
	CALL(setuid, "EAGAIN EINVAL EPERM", A_INT),
	CALL(setresuid, "EAGAIN EINVAL EPERM", A_INT, A_INT, A_INT),
	CALL(getresuid, "", A_PTR, A_PTR, A_PTR),
	CALL(setresgid, "EINVAL EPERM", A_INT, A_INT, A_INT),
	CALL(getresgid, "", A_PTR, A_PTR, A_PTR),
	CALL(times, "", A_PTR),
	CALL(setpgid, "EACCES EINVAL EPERM ESRCH", A_PID, A_PID),
	CALL(getpgid, "EPERM ESRCH", A_PID),
	CALL(getsid, "EPERM ESRCH", A_PID),
	CALL(setsid, "EPERM"),
	CALL(getgroups, "EINVAL", A_INT, A_PTR),
	CALL(setgroups, "EINVAL EPERM", A_INT, A_PTR),
	CALL(uname, "", A_PTR),
	CALL(getrusage, "EINVAL", A_INT, A_PTR),
	CALL(umask, "", A_INT),
	CALL(getcpu, "", A_PTR, A_PTR, A_PTR),
	CALL(gettimeofday, "EINVAL", A_PTR, A_PTR),
	CALL(getpid, ""),
	CALL(getppid, ""),
	CALL(getuid, ""),
	CALL(geteuid, ""),
	CALL(getgid, ""),
	CALL(getegid, ""),
	CALL(gettid, ""),
	CALL(sysinfo, "", A_PTR),
	CALL(msgget, "EACCES EEXIST ENOENT ENOSPC", A_IPCKEY, A_FLAGS),
	CALL(msgctl, "EACCES EIDRM EINVAL EPERM", A_IPCID, A_INT, A_PTR),
	CALL(msgrcv, "E2BIG EACCES EAGAIN EIDRM EINTR EINVAL ENOMSG ENOSYS", A_IPCID, A_PTR, A_LEN, A_INT, A_FLAGS),
	CALL(msgsnd, "EACCES EAGAIN EIDRM EINTR EINVAL", A_IPCID, A_PTR, A_LEN, A_FLAGS),
	CALL(semget, "EACCES EEXIST EINVAL ENOENT ENOSPC", A_IPCKEY, A_INT, A_FLAGS),
	CALL(semctl, "EACCES EIDRM EINVAL EPERM ERANGE", A_IPCID, A_INT, A_INT, A_PTR),
	CALL(semtimedop, "E2BIG EACCES EAGAIN EFBIG EIDRM EINTR EINVAL ERANGE", A_IPCID, A_PTR, A_LEN, A_PTR),
	CALL(semop, "E2BIG EACCES EAGAIN EFBIG EIDRM EINTR EINVAL ERANGE", A_IPCID, A_PTR, A_LEN),
	CALL(shmget, "EACCES EEXIST EINVAL ENFILE ENOENT ENOSPC EPERM", A_IPCKEY, A_LEN, A_FLAGS),
	CALL(shmctl, "EACCES EIDRM EINVAL EOVERFLOW EPERM", A_IPCID, A_INT, A_PTR),
	CALL(shmat, "EACCES EIDRM EINVAL", A_IPCID, A_ARENA, A_FLAGS),
	CALL(shmdt, "EINVAL", A_ARENA),
	CALL(socket, "EACCES EAFNOSUPPORT EINVAL EMFILE ENFILE ENOBUFS EPERM EPROTONOSUPPORT ESOCKTNOSUPPORT", A_INT, A_INT, A_INT),
	CALL(socketpair, "EACCES EAFNOSUPPORT EINVAL EMFILE ENFILE ENOBUFS EOPNOTSUPP EPERM EPROTONOSUPPORT ESOCKTNOSUPPORT", A_INT, A_INT, A_INT, A_PTR),
	CALL(bind, "EACCES EADDRINUSE EADDRNOTAVAIL EAFNOSUPPORT EINVAL ENOTSOCK UNIX_PATH", A_FD, A_SOCKADDR, A_SOCKLEN),
	CALL(listen, "EADDRINUSE EINVAL ENOTSOCK EOPNOTSUPP", A_FD, A_INT),
	CALL(accept, "EAGAIN ECONNABORTED EINTR EINVAL EMFILE ENFILE ENOBUFS ENOTSOCK EOPNOTSUPP EPERM EPROTO", A_FD, A_SOCKADDR, A_PTR),
	CALL(connect, "EACCES EADDRINUSE EADDRNOTAVAIL EAFNOSUPPORT EAGAIN EALREADY EINPROGRESS EINTR EINVAL EISCONN ENOTSOCK EOPNOTSUPP EPERM EPROTOTYPE SOCKET_ERROR UNIX_PATH", A_FD, A_SOCKADDR, A_SOCKLEN),
	CALL(getsockname, "EINVAL ENOBUFS ENOTSOCK EOPNOTSUPP", A_FD, A_SOCKADDR, A_PTR),
	CALL(getpeername, "EINVAL ENOBUFS ENOTCONN ENOTSOCK EOPNOTSUPP", A_FD, A_SOCKADDR, A_PTR),
	CALL(sendto, "EACCES EAFNOSUPPORT EINVAL EISCONN ENOTSOCK EOPNOTSUPP SOCKET_WRITE UNIX_PATH", A_FD, A_PTR, A_LEN, A_FLAGS, A_SOCKADDR, A_SOCKLEN),
	CALL(recvfrom, "EINVAL ENOTSOCK EOPNOTSUPP SOCKET_READ", A_FD, A_PTR, A_LEN, A_FLAGS, A_SOCKADDR, A_PTR),
	CALL(setsockopt, "EACCES EADDRINUSE EADDRNOTAVAIL EBUSY EDOM EINVAL EISCONN ENOBUFS ENODEV ENOPROTOOPT ENOTSOCK EOPNOTSUPP EPERM EPROTO", A_FD, A_LEVEL, A_INT, A_PTR, A_SOCKLEN),
	CALL(getsockopt, "EINVAL ENODATA ENOPROTOOPT ENOTCONN ENOTSOCK EOPNOTSUPP", A_FD, A_LEVEL, A_INT, A_PTR, A_PTR),
	CALL(shutdown, "EINVAL ENOTCONN ENOTSOCK EOPNOTSUPP", A_FD, A_INT),
	CALL(sendmsg, "EACCES EAFNOSUPPORT EINVAL EISCONN ENOTSOCK EOPNOTSUPP SOCKET_WRITE UNIX_PATH", A_FD, A_PTR, A_FLAGS),
	CALL(recvmsg, "EINVAL ENOTSOCK EOPNOTSUPP SOCKET_READ", A_FD, A_PTR, A_FLAGS),
	CALL(brk, "", A_ARENA),
	CALL(munmap, "EINVAL ENOMEM", A_ARENA, A_LEN),
	CALL(clone, "EAGAIN EBUSY EEXIST EINVAL ENOSPC EPERM EUSERS", A_FLAGS, A_NONE, A_PTR, A_NONE, A_PTR),
	CALL(execve, "E2BIG EAGAIN EINVAL EIO EISDIR ELIBBAD EMFILE ENFILE ENOEXEC EPERM ETXTBSY", A_PATH, A_PTR, A_PTR),
	CALL(mmap, "EACCES EAGAIN EEXIST EINVAL ENFILE ENODEV EOPNOTSUPP EOVERFLOW EPERM ETXTBSY", A_ARENA, A_LEN, A_INT, A_FLAGS, A_FD, A_OFFSET),
	CALL(mprotect, "EACCES EINVAL", A_ARENA, A_LEN, A_INT),
	CALL(msync, "EBUSY EINVAL", A_ARENA, A_LEN, A_FLAGS),
	CALL(madvise, "EACCES EAGAIN EBADF EINVAL EIO EPERM", A_ARENA, A_LEN, A_INT),
	CALL(rt_tgsigqueueinfo, "E2BIG EAGAIN EINVAL EPERM ESRCH", A_PID, A_PID, A_SIG, A_PTR),
	CALL(accept4, "EAGAIN ECONNABORTED EINTR EINVAL EMFILE ENFILE ENOBUFS ENOTSOCK EOPNOTSUPP EPERM EPROTO", A_FD, A_SOCKADDR, A_PTR, A_FLAGS),
	CALL(recvmmsg, "EINVAL ENOTSOCK EOPNOTSUPP SOCKET_READ", A_FD, A_PTR, A_INT, A_FLAGS, A_PTR),
	CALL(wait4, "EAGAIN ECHILD EINTR EINVAL ESRCH", A_INT, A_PTR, A_FLAGS, A_PTR),
	CALL(prlimit64, "EINVAL EPERM ESRCH", A_PID, A_INT, A_PTR, A_PTR),
	CALL(syncfs, "EDQUOT EIO ENOSPC", A_FD),
	CALL(sendmmsg, "EACCES EAFNOSUPPORT EINVAL EISCONN ENOTSOCK EOPNOTSUPP SOCKET_WRITE UNIX_PATH", A_FD, A_PTR, A_INT, A_FLAGS),
	CALL(renameat2, "EBUSY EDQUOT EEXIST EINVAL EISDIR EMLINK ENOSPC ENOTEMPTY EPERM EROFS EXDEV", A_FD, A_PATH, A_FD, A_PATH, A_FLAGS),
	CALL(getrandom, "EAGAIN EINTR EINVAL", A_PTR, A_LEN, A_FLAGS),
	CALL(statx, "EINVAL", A_FD, A_PATH, A_FLAGS, A_INT, A_PTR),
	CALL(close_range, "EINVAL EMFILE", A_INT, A_INT, A_FLAGS),
	CALL(faccessat2, "EINVAL EIO EPERM EROFS ETXTBSY", A_FD, A_PATH, A_INT, A_FLAGS),
	CALL(epoll_pwait2, "EINTR EINVAL", A_FD, A_PTR, A_INT, A_PTR, A_SIGSET, A_SIGSETSIZE),
};
#define NCALLS (sizeof calls / sizeof calls[0])

static const struct { const char *name, *errnos; } errno_groups[] = {
	/* A socket's pending error (SO_ERROR), which I/O on it answers once:
	 * TCP's (tcp(7)) and ICMP's as ip(7) and Linux's icmp_err_convert map
	 * them. */
	{ "SOCKET_ERROR", "ECONNREFUSED ECONNRESET EHOSTDOWN EHOSTUNREACH EMSGSIZE ENETDOWN "
			  "ENETUNREACH ENOPROTOOPT EOPNOTSUPP EPROTO ETIMEDOUT" },
	/* read and recv on a socket (recv(2)). */
	{ "SOCKET_READ", "EAGAIN EINTR EMSGSIZE ENOTCONN SOCKET_ERROR" },
	/* write and send on a socket (send(2)), a datagram's route (ip(7)), a
	 * packet socket bound to no interface (packet(7): ENXIO). */
	{ "SOCKET_WRITE", "EAGAIN EALREADY EDESTADDRREQ EINTR EMSGSIZE ENOBUFS ENOTCONN ENXIO EPIPE "
			  "SOCKET_ERROR" },
	/* An AF_UNIX address is a path (unix(7)). */
	{ "UNIX_PATH", "EACCES ELOOP ENAMETOOLONG ENOENT ENOTDIR EROFS" },
	/* What the requests reach: tty_ioctl(4), netdevice(7), socket(7),
	 * ioctl_list's FIO* and SIOC* requests on the wrong kind of file. */
	{ "IOCTL_DEVICE", "EADDRNOTAVAIL EIO ENODEV ENOENT ENOTCONN ENXIO EOPNOTSUPP EPERM" },
};

/* allowed[c]: bit e set if Linux can answer call c with errno e. */
static uint64_t allowed[NCALLS][(MAX_ERRNO + 64) / 64];

static void allow_words(uint64_t *set, const char *words, const char *call)
{
	char copy[512];
	snprintf(copy, sizeof copy, "%s", words);
	for (char *save, *word = strtok_r(copy, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
		size_t g = 0;
		while (g < sizeof errno_groups / sizeof errno_groups[0] && strcmp(word, errno_groups[g].name))
			g++;
		if (g < sizeof errno_groups / sizeof errno_groups[0]) {
			allow_words(set, errno_groups[g].errnos, call);
			continue;
		}
		int e = 1;
		while (e <= MAX_ERRNO && !(strerrorname_np(e) && strcmp(word, strerrorname_np(e)) == 0))
			e++;
		if (e > MAX_ERRNO) {
			fprintf(stderr, "syscall_fuzz: %s's table names %s, no errno\n", call, word);
			exit(2);
		}
		set[e / 64] |= 1ull << (e % 64);
	}
}

static void build_allowed(void)
{
	for (size_t c = 0; c < NCALLS; c++) {
		uint64_t *set = allowed[c];
		allow_words(set, calls[c].errnos, calls[c].name);
		for (int k = 0; k < 6; k++) {
			switch (calls[c].kinds[k]) {
			case A_FD:
				allow_words(set, "EBADF", calls[c].name);
				break;
			case A_PATH:
				allow_words(set, "EACCES ELOOP ENAMETOOLONG ENOENT ENOTDIR", calls[c].name);
				/* fall through */
			case A_PTR: case A_SOCKADDR: case A_SIGSET:
				allow_words(set, "EFAULT", calls[c].name);
				break;
			}
		}
		if (calls[c].kinds[0] != A_NONE)
			allow_words(set, "ENOMEM", calls[c].name);
	}
}

static int is_allowed(size_t call, int e) { return (allowed[call][e / 64] >> (e % 64)) & 1; }

/* Shared by the parent and every worker (MAP_SHARED). */
struct shared {
	unsigned long counts[NCALLS][OTHER_SLOT + 1];  /* [0]: successes */
	long other_values[8];                           /* out-of-range answers */
	int ipc_ids[3][MAX_IPC_IDS];                    /* msg, sem, shm */
	unsigned ipc_count[3];
	/* Each thread's call in progress, for the report of a worker that died. */
	struct { long call; long arguments[6]; } last[64][MAX_THREADS];
	/* The fault that ended a worker, if one did. */
	struct { int signal, code; long address, pc; } fault[64];
	unsigned long made[64];                         /* calls counted, by worker */
	/* The first answer of each call that its errno set does not hold. */
	struct { int errno_; long arguments[6]; } miss[NCALLS];
};
static struct shared *shared;

/* Per worker. */
static int worker_index;
static pid_t worker_pid;
static uint8_t *arena;
static uint8_t *read_only_page;
static uint8_t *unmapped_page;
static pid_t dead_pid;
static char directory[64];
static char paths[16][80];
static char long_path[5000];
static volatile pid_t thread_tids[MAX_THREADS];
static volatile int threads_done;
static volatile int threads_started;
static int thread_count;
static long calls_per_thread;
static char skipped[NCALLS];

struct thread {
	uint64_t random;
	uint8_t *buffer;                /* BUFFER_SIZE, then a PROT_NONE guard page */
	int fds[POOL_FDS];
	int extra_fds[64];
	int extra_count;
	uint64_t sigset[16];
	struct sockaddr_storage address;
	int ipc_recent[4];
	long pselect_mask[2];
	int index;
};

static uint64_t next(struct thread *t)
{
	t->random ^= t->random >> 12;
	t->random ^= t->random << 25;
	t->random ^= t->random >> 27;
	return t->random * 0x2545f4914f6cdd1dull;
}

static uint64_t below(struct thread *t, uint64_t n) { return next(t) % n; }

static long raw_syscall(long n, long a, long b, long c, long d, long e, long f)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	register long x3 __asm__("x3") = d;
	register long x4 __asm__("x4") = e;
	register long x5 __asm__("x5") = f;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
			 : "memory");
	return x0;
}

/* ---- the pools ---------------------------------------------------------- */

static void fill_buffer(struct thread *t)
{
	uint64_t *words = (uint64_t *)t->buffer;
	for (size_t i = 0; i < BUFFER_SIZE / 8; i++) {
		switch (below(t, 8)) {
		case 0: words[i] = 0; break;
		case 1: words[i] = below(t, 65); break;
		case 2: words[i] = next(t); break;
		case 3: words[i] = (uint64_t)(t->buffer + below(t, BUFFER_SIZE / 8) * 8); break;
		case 4: words[i] = below(t, 17); break;
		case 5: words[i] = (uint32_t)next(t); break;
		case 6: words[i] = ~0ull; break;
		default: words[i] = 16; break;
		}
	}
}

static void remember_fd(struct thread *t, long fd)
{
	if (fd >= 0 && t->extra_count < (int)(sizeof t->extra_fds / sizeof t->extra_fds[0]))
		t->extra_fds[t->extra_count++] = (int)fd;
}

static void close_pools(struct thread *t)
{
	for (int i = 0; i < POOL_FDS; i++)
		if (t->fds[i] > 2)
			close(t->fds[i]);
	for (int i = 0; i < t->extra_count; i++)
		if (t->extra_fds[i] > 2)
			close(t->extra_fds[i]);
	t->extra_count = 0;
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
}

static int listen_port(void) { return 20000 + worker_index; }

/* One fd of every kind: files, directories, pipes, devices, sockets of each
 * family, event and timer fds, epoll. */
static void open_pools(struct thread *t)
{
	int p[2] = { -1, -1 }, u[2] = { -1, -1 };
	int n = 0;

	mkdir(directory, 0755);
	mkdir(paths[2], 0755);
	close(open(paths[1], O_CREAT | O_RDWR, 0644));
	symlink(paths[1], paths[3]);
	t->fds[n++] = open(paths[1], O_RDWR | O_CREAT, 0644);
	t->fds[n++] = open(directory, O_RDONLY | O_DIRECTORY);
	pipe2(p, 0);
	t->fds[n++] = p[0];
	t->fds[n++] = p[1];
	t->fds[n++] = open("/dev/null", O_RDWR);
	t->fds[n++] = open("/dev/zero", O_RDONLY);
	t->fds[n++] = open("/dev/urandom", O_RDONLY);
	t->fds[n++] = open("/proc/self/stat", O_RDONLY);
	t->fds[n++] = socket(AF_INET, SOCK_STREAM, 0);
	int listener = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in local = { .sin_family = AF_INET, .sin_port = htons(listen_port() + 100 * t->index),
				     .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int one = 1;
	setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	bind(listener, (struct sockaddr *)&local, sizeof local);
	listen(listener, 4);
	t->fds[n++] = listener;
	t->fds[n++] = socket(AF_INET, SOCK_DGRAM, 0);
	t->fds[n++] = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	t->fds[n++] = socket(AF_PACKET, SOCK_RAW, htons(0x88b5));
	socketpair(AF_UNIX, SOCK_STREAM, 0, u);
	t->fds[n++] = u[0];
	t->fds[n++] = u[1];
	t->fds[n++] = socket(AF_UNIX, SOCK_DGRAM, 0);
	t->fds[n++] = (int)raw_syscall(SYS_eventfd2, 0, 0, 0, 0, 0, 0);
	t->fds[n++] = (int)raw_syscall(SYS_epoll_create1, 0, 0, 0, 0, 0, 0);
	t->fds[n++] = (int)raw_syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0, 0, 0, 0, 0);
	t->fds[n++] = -1;
	t->fds[n++] = 1 << 20;
	t->fds[n++] = AT_FDCWD;
	t->fds[n++] = INT32_MAX;
	int closed = open("/dev/null", O_RDONLY);
	close(closed);
	t->fds[n++] = closed;
	fill_buffer(t);
}

static void refresh(struct thread *t)
{
	close_pools(t);
	open_pools(t);
	/* Fds made by the calls and never closed fill the table: start over. */
	for (int i = 0; i < POOL_FDS; i++)
		if (t->fds[i] == -1 && i < 20) {
			raw_syscall(SYS_close_range, 3, ~0u, 0, 0, 0, 0);
			open_pools(t);
			break;
		}
}

static long pointer(struct thread *t)
{
	switch (below(t, 16)) {
	case 0: return 0;
	case 1: return (long)KERNEL_ADDRESS;
	case 2: return (long)unmapped_page;
	case 3: return (long)read_only_page;
	case 4: return (long)(t->buffer + BUFFER_SIZE - 4);   /* runs into the guard page */
	case 5: return (long)(t->buffer + 1 + below(t, 64));  /* misaligned */
	case 6: return -1;
	case 7: return (long)(arena + below(t, ARENA_PAGES) * PAGE);
	case 8: return (long)(t->buffer + below(t, BUFFER_SIZE / 8) * 8);
	default: return (long)t->buffer;
	}
}

static long length(struct thread *t)
{
	switch (below(t, 12)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return (long)below(t, 65);
	case 3: return PAGE;
	case 4: return BUFFER_SIZE;
	case 5: return (long)below(t, BUFFER_SIZE);
	case 6: return 1l << 31;
	case 7: return -1;
	case 8: return LONG_MAX;
	case 9: return (long)next(t);
	case 10: return 16;
	default: return (long)below(t, 4096);
	}
}

static long flags(struct thread *t)
{
	switch (below(t, 8)) {
	case 0: return 0;
	case 1: return (long)(uint32_t)next(t);
	case 2: return 1l << below(t, 32);
	case 3: return -1;
	case 4: return (long)below(t, 4096);
	case 5: return (long)next(t);
	case 6: return (1l << below(t, 32)) | (1l << below(t, 32));
	default: return (long)below(t, 16);
	}
}

static long integer(struct thread *t)
{
	switch (below(t, 10)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return -1;
	case 3: return INT32_MAX;
	case 4: return INT32_MIN;
	case 5: return (long)(uint32_t)next(t);
	case 6: return (long)next(t);
	case 7: return (long)below(t, 70) - 5;
	default: return (long)below(t, 20);
	}
}

static long offset(struct thread *t)
{
	switch (below(t, 8)) {
	case 0: return 0;
	case 1: return -1;
	case 2: return 1l << 40;
	case 3: return LONG_MAX;
	case 4: return (long)below(t, 1 << 20);
	case 5: return LONG_MIN;
	default: return (long)below(t, 8192);
	}
}

static long path(struct thread *t)
{
	unsigned r = below(t, 20);
	if (r < 12)
		return (long)paths[r];
	if (r == 12)
		return (long)long_path;
	return pointer(t);
}

/* The worker, one of its threads, or pids no process has. */
static long pid(struct thread *t)
{
	switch (below(t, 6)) {
	case 0: return worker_pid;
	case 1: return thread_tids[below(t, thread_count)];
	case 2: return dead_pid;
	case 3: return INT32_MAX;
	case 4: return INT32_MIN;
	default: return 99999;
	}
}

static long signal_number(struct thread *t)
{
	static const int harmless[] = { 0, SIGURG, SIGWINCH, SIGCHLD, SIGALRM, 65, -1, 1000, SIGIO, SIGCONT };
	return harmless[below(t, sizeof harmless / sizeof harmless[0])];
}

static long arena_address(struct thread *t)
{
	switch (below(t, 8)) {
	case 0: return 0;
	case 1: return (long)KERNEL_ADDRESS;
	case 2: return (long)(arena + below(t, ARENA_PAGES * PAGE));  /* unaligned */
	case 3: return -PAGE;
	default: return (long)(arena + below(t, ARENA_PAGES) * PAGE);
	}
}

static long clock_id(struct thread *t)
{
	switch (below(t, 4)) {
	case 0: return -1 - (long)below(t, 16);  /* CPU clocks of pids and threads */
	case 1: return (long)next(t);
	default: return (long)below(t, 16);
	}
}

static long ioctl_request(struct thread *t)
{
	static const unsigned long requests[] = {
		FIONREAD, FIONBIO, FIOCLEX, FIONCLEX, FIOASYNC, TCGETS, TCSETS, TIOCGWINSZ,
		TIOCSWINSZ, TIOCGPGRP, TIOCSPGRP, TIOCOUTQ, SIOCGIFCONF, SIOCGIFFLAGS,
		SIOCGIFADDR, SIOCGIFINDEX, SIOCGIFHWADDR, SIOCGIFMTU, SIOCGIFNAME,
		SIOCGIFNETMASK, SIOCATMARK, SIOCGSTAMP_OLD, SIOCINQ, SIOCOUTQ, 0,
	};
	if (below(t, 4) == 0)
		return (long)(uint32_t)next(t);
	return (long)requests[below(t, sizeof requests / sizeof requests[0])];
}

static long sockaddr_pointer(struct thread *t)
{
	struct sockaddr_in *in = (struct sockaddr_in *)&t->address;
	memset(&t->address, 0, sizeof t->address);
	switch (below(t, 8)) {
	case 0: case 1: {
		static const uint32_t hosts[] = { INADDR_LOOPBACK, 0x7f000002, INADDR_ANY,
						  INADDR_BROADCAST, 0xe0000001 };
		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(hosts[below(t, 5)]);
		in->sin_port = htons(below(t, 2) ? listen_port() : (uint16_t)below(t, 65536));
		return (long)in;
	}
	case 2:
		t->address.ss_family = AF_UNIX;
		strcpy(((struct sockaddr_un *)&t->address)->sun_path, paths[below(t, 12)]);
		return (long)&t->address;
	case 3:
		t->address.ss_family = (sa_family_t)below(t, 50);
		return (long)&t->address;
	default:
		return pointer(t);
	}
}

static long socket_length(struct thread *t)
{
	static const long lengths[] = { 0, 1, 2, 8, 16, 16, 16, 28, 110, 128, 4096, -1 };
	return lengths[below(t, sizeof lengths / sizeof lengths[0])];
}

static long sigset_pointer(struct thread *t)
{
	switch (below(t, 6)) {
	case 0: return 0;
	case 1: return (long)KERNEL_ADDRESS;
	case 2: return (long)unmapped_page;
	default:
		t->sigset[0] = next(t) & ~(1ull << (SIGALRM - 1));
		return (long)t->sigset;
	}
}

static long sigset_size(struct thread *t)
{
	static const long sizes[] = { 8, 8, 8, 8, 0, 4, 16, 128, -1 };
	return sizes[below(t, sizeof sizes / sizeof sizes[0])];
}

static long ipc_id(struct thread *t)
{
	if (below(t, 4) == 0)
		return integer(t);
	return t->ipc_recent[below(t, 4)];
}

static long ipc_key(struct thread *t)
{
	switch (below(t, 4)) {
	case 0: return IPC_PRIVATE;
	case 1: return (long)(int32_t)next(t);
	default: return 0x53540000 + worker_index * 4 + (long)below(t, 4);
	}
}

static long level(struct thread *t)
{
	static const int levels[] = { SOL_SOCKET, IPPROTO_IP, IPPROTO_TCP, IPPROTO_UDP,
				      SOL_PACKET, IPPROTO_RAW, IPPROTO_ICMP, -1 };
	if (below(t, 8) == 0)
		return integer(t);
	return levels[below(t, sizeof levels / sizeof levels[0])];
}

static long argument(struct thread *t, int kind)
{
	switch (kind) {
	case A_FD: return below(t, 8) ? t->fds[below(t, POOL_FDS)] : integer(t);
	case A_PTR: return pointer(t);
	case A_LEN: return length(t);
	case A_FLAGS: return flags(t);
	case A_INT: return integer(t);
	case A_PATH: return path(t);
	case A_PID: return pid(t);
	case A_SIG: return signal_number(t);
	case A_ARENA: return arena_address(t);
	case A_CLOCK: return clock_id(t);
	case A_IOCTL: return ioctl_request(t);
	case A_SOCKADDR: return sockaddr_pointer(t);
	case A_SOCKLEN: return socket_length(t);
	case A_SIGSET: return sigset_pointer(t);
	case A_SIGSETSIZE: return sigset_size(t);
	case A_OFFSET: return offset(t);
	case A_IPCID: return ipc_id(t);
	case A_IPCKEY: return ipc_key(t);
	case A_LEVEL: return level(t);
	default: return 0;
	}
}

/* ---- the constraints of the header comment ------------------------------- */

static int in_arena(long address) { return address >= (long)arena && address < (long)(arena + ARENA_PAGES * PAGE); }

/* A length that keeps [address, address + length) in the arena, unless the
 * range wraps past 2^64 once rounded to pages, which every kernel refuses.
 * A huge length that does not wrap is no such case: Linux's madvise and
 * mprotect act on every mapping from the address up (MADV_DONTNEED over the
 * whole address space takes the program's stacks away). */
static long arena_length(long address, long length)
{
	unsigned long rounded = ((unsigned long)length + PAGE - 1) & ~(unsigned long)(PAGE - 1);
	if ((unsigned long)address + rounded < (unsigned long)address || (length && !rounded))
		return length;
	if (address == 0)
		return PAGE;    /* page 0 is never mapped; more would reach the program */
	if (!in_arena(address))
		return length;
	long room = (long)(arena + ARENA_PAGES * PAGE) - address;
	return (unsigned long)length > (unsigned long)room ? room : length;
}

static void constrain(struct thread *t, long number, long *a)
{
	switch (number) {
	case SYS_mmap:
		if ((a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && !in_arena(a[0]))
			a[3] &= ~(long)(MAP_FIXED | MAP_FIXED_NOREPLACE);
		if (a[3] & (MAP_FIXED | MAP_FIXED_NOREPLACE))
			a[1] = arena_length(a[0], a[1]);
		break;
	case SYS_munmap: case SYS_mprotect: case SYS_msync:
		a[1] = arena_length(a[0], a[1]);
		break;
	case SYS_madvise:
		a[1] = arena_length(a[0], a[1]);
		if ((int)a[2] == MADV_HWPOISON || (int)a[2] == 101 /* MADV_SOFT_OFFLINE */)
			a[2] = MADV_DONTNEED;
		break;
	case SYS_shmat:
		a[2] &= ~(long)SHM_REMAP;       /* the segment could reach past the arena */
		break;
	case SYS_brk: {
		static const long choices[] = { 0, 1, (long)KERNEL_ADDRESS, -PAGE };
		long current = raw_syscall(SYS_brk, 0, 0, 0, 0, 0, 0);
		a[0] = below(t, 3) ? choices[below(t, 4)] : current + (long)below(t, 16) * PAGE;
		break;
	}
	case SYS_clone: {
		static const long invalid[] = { CLONE_THREAD, CLONE_SIGHAND, CLONE_THREAD | CLONE_SIGHAND,
						CLONE_NEWNS | CLONE_FS, CLONE_NEWUSER | CLONE_FS };
		const long forbidden = CLONE_VM | CLONE_VFORK | CLONE_THREAD | CLONE_SIGHAND |
			CLONE_SETTLS | CLONE_PARENT | CLONE_PIDFD | CLONE_NEWNS | CLONE_NEWCGROUP |
			CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET |
			CLONE_PTRACE | CLONE_UNTRACED | CLONE_IO | CLONE_NEWTIME;
		a[0] = below(t, 4) ? (a[0] & ~forbidden & ~(long)CSIGNAL & 0xffffffffl) | SIGCHLD
				   : invalid[below(t, sizeof invalid / sizeof invalid[0])];
		a[1] = 0;   /* the child runs on a copy of our stack */
		break;
	}
	case SYS_clock_settime:
		if (a[1] == (long)t->buffer) {
			((long *)t->buffer)[0] = (long)below(t, 1000);
			((long *)t->buffer)[1] = 1000000000l + (long)below(t, 1000);
		} else if (a[1] != 0 && a[1] != (long)KERNEL_ADDRESS && a[1] != (long)unmapped_page) {
			a[1] = (long)unmapped_page;
		}
		break;
	case SYS_reboot:
		if ((uint32_t)a[0] == 0xfee1dead)
			a[0] = 0;
		break;
	case SYS_prlimit64:
		if (a[2] == (long)t->buffer) {
			((long *)t->buffer)[0] = below(t, 2) ? -1 : 100;  /* infinite, or cur > max */
			((long *)t->buffer)[1] = below(t, 2) ? -1 : 10;
			if (((long *)t->buffer)[0] == -1)
				((long *)t->buffer)[1] = -1;
		} else if (a[2] != 0 && a[2] != (long)KERNEL_ADDRESS && a[2] != (long)unmapped_page) {
			a[2] = (long)KERNEL_ADDRESS;
		}
		break;
	case SYS_sendfile:
		if ((unsigned long)a[3] > 1ul << 20)
			a[3] = 1 << 20;
		break;
	case SYS_rt_sigaction:
		/* The kernel reads an int.  SIGALRM is the watchdog's, SIGSEGV and
		 * SIGBUS the fault report's. */
		if ((int)a[0] == SIGALRM || (int)a[0] == SIGSEGV || (int)a[0] == SIGBUS)
			a[0] = SIGURG;
		if (a[1] == (long)t->buffer || (a[1] > (long)t->buffer && a[1] < (long)t->buffer + BUFFER_SIZE - 32)) {
			((long *)a[1])[0] = (long)SIG_IGN;
		} else if (a[1] != 0 && a[1] != (long)KERNEL_ADDRESS && a[1] != (long)unmapped_page) {
			a[1] = (long)unmapped_page;
		}
		break;
	case SYS_fcntl:
		a[1] = (unsigned)a[1];  /* the kernel reads an unsigned int */
		if (a[1] == F_SETOWN)
			a[2] = below(t, 2) ? pid(t) : 0;
		else if (a[1] == F_SETSIG)
			a[2] = signal_number(t);
		else if (a[1] == F_SETOWN_EX || a[1] == F_SETLK || a[1] == F_SETLKW || a[1] == F_GETLK ||
			 a[1] == F_OFD_SETLK || a[1] == F_OFD_SETLKW || a[1] == F_OFD_GETLK ||
			 a[1] == F_GETOWN_EX)
			a[2] = pointer(t);
		if (a[1] == F_SETOWN_EX && a[2] == (long)t->buffer)
			((int *)t->buffer)[1] = (int)pid(t);
		break;
	case SYS_pselect6:
		if (a[5] == (long)t->buffer) {
			t->pselect_mask[0] = sigset_pointer(t);
			t->pselect_mask[1] = sigset_size(t);
			a[5] = (long)t->pselect_mask;
		} else if (a[5] != 0 && a[5] != (long)KERNEL_ADDRESS && a[5] != (long)unmapped_page) {
			a[5] = 0;
		}
		break;
	case SYS_wait4:
		if (a[0] != -1 && a[0] != 0 && below(t, 2))
			a[0] = pid(t);
		else if (a[0] < -1)
			a[0] = INT32_MIN;
		break;
	}
}

/* ---- the fuzzing thread and the worker --------------------------------- */

static void count(size_t call, const long *a, long result)
{
	unsigned slot = 0;
	if (result < 0 && result > -4096) {
		slot = (unsigned)-result;
		if (slot <= MAX_ERRNO && !is_allowed(call, (int)slot) &&
		    __atomic_compare_exchange_n(&shared->miss[call].errno_, &(int){ 0 }, (int)slot, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			memcpy(shared->miss[call].arguments, a, sizeof shared->miss[call].arguments);
		if (slot > MAX_ERRNO) {
			for (int i = 0; i < 8; i++)
				if (__atomic_compare_exchange_n(&shared->other_values[i], &(long){ 0 }, result, 0,
								__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ||
				    shared->other_values[i] == result)
					break;
			slot = OTHER_SLOT;
		}
	}
	__atomic_fetch_add(&shared->counts[call][slot], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&shared->made[worker_index], 1, __ATOMIC_RELAXED);
}

static void record_ipc(struct thread *t, int kind, long id)
{
	unsigned at = __atomic_fetch_add(&shared->ipc_count[kind], 1, __ATOMIC_RELAXED);
	if (at < MAX_IPC_IDS)
		shared->ipc_ids[kind][at] = (int)id;
	t->ipc_recent[below(t, 4)] = (int)id;
}

/* What a call made that must not outlive it, or that the pools should use. */
static void after(struct thread *t, long number, long *a, long result)
{
	uint64_t alarm_only = 1ull << (SIGALRM - 1);
	raw_syscall(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&alarm_only, 0, 8, 0, 0);
	if (result < 0 && result > -4096)
		return;
	switch (number) {
	case SYS_mmap:
		if (!in_arena(result))
			munmap((void *)result, (size_t)a[1]);
		break;
	case SYS_shmat:
		if (!in_arena(result))
			shmdt((void *)result);
		break;
	case SYS_msgget: record_ipc(t, 0, result); break;
	case SYS_semget: record_ipc(t, 1, result); break;
	case SYS_shmget: record_ipc(t, 2, result); break;
	case SYS_openat: case SYS_socket: case SYS_accept: case SYS_accept4: case SYS_dup:
	case SYS_dup3: case SYS_epoll_create1: case SYS_eventfd2: case SYS_timerfd_create:
		remember_fd(t, result);
		break;
	case SYS_fcntl:
		if (a[1] == F_DUPFD || a[1] == F_DUPFD_CLOEXEC)
			remember_fd(t, result);
		break;
	}
}

static void *fuzz_thread(void *argument_)
{
	struct thread *t = argument_;
	thread_tids[t->index] = (pid_t)raw_syscall(SYS_gettid, 0, 0, 0, 0, 0, 0);
	/* Nothing may be mapped once a thread fuzzes: a hole it makes in the
	 * arena would take the mapping, and a later munmap take it away. */
	while (!__atomic_load_n(&threads_started, __ATOMIC_SEQ_CST))
		sched_yield();
	open_pools(t);
	for (long i = 0; i < calls_per_thread; i++) {
		if (i % REFRESH_EVERY == REFRESH_EVERY - 1)
			refresh(t);
		size_t which = below(t, NCALLS);
		while (skipped[which])
			which = below(t, NCALLS);
		const struct call *c = &calls[which];
		long a[6];
		for (int k = 0; k < 6; k++)
			a[k] = argument(t, c->kinds[k]);
		constrain(t, c->number, a);
		shared->last[worker_index][t->index].call = (long)which;
		memcpy(shared->last[worker_index][t->index].arguments, a, sizeof a);
		long result = raw_syscall(c->number, a[0], a[1], a[2], a[3], a[4], a[5]);
		if (c->number == SYS_clone && result == 0)
			raw_syscall(SYS_exit, 0, 0, 0, 0, 0, 0);     /* the child */
		count(which, a, result);
		after(t, c->number, a, result);
	}
	close_pools(t);
	__atomic_fetch_add(&threads_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void on_alarm(int signal_) { (void)signal_; }

/* A fault in the program: the report says where, then the worker dies of it. */
static void on_fault(int signal_, siginfo_t *info, void *context)
{
	ucontext_t *registers = context;
	shared->fault[worker_index].signal = signal_;
	shared->fault[worker_index].code = info->si_code;
	shared->fault[worker_index].address = (long)info->si_addr;
	shared->fault[worker_index].pc = (long)registers->uc_mcontext.pc;
	signal(signal_, SIG_DFL);
	raw_syscall(SYS_tgkill, worker_pid, raw_syscall(SYS_gettid, 0, 0, 0, 0, 0, 0), signal_, 0, 0, 0);
}

static void ignore_signals(void)
{
	static const int ignored[] = { SIGPIPE, SIGIO, SIGURG, SIGXFSZ, SIGXCPU, SIGPROF, SIGVTALRM,
				       SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2, SIGHUP, SIGTSTP };
	for (size_t i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
		signal(ignored[i], SIG_IGN);
}

static void set_paths(void)
{
	snprintf(directory, sizeof directory, "/tmp/syscall_fuzz.%d", worker_index);
	static const char *names[] = { "", "/f", "/d", "/l", "/x", "/f/x", "/sock", "/d/..", "" };
	for (int i = 0; i < 8; i++)
		snprintf(paths[i], sizeof paths[i], "%s%s", directory, names[i]);
	strcpy(paths[8], "");
	strcpy(paths[9], "/proc/self/stat");
	strcpy(paths[10], "/dev/null");
	strcpy(paths[11], "/tmp");
	memset(long_path, 'a', sizeof long_path - 1);
	long_path[0] = '/';
}

static void worker(unsigned long seed, int index)
{
	worker_index = index;
	int null = open("/dev/null", O_RDWR);
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	close(null);
	setsid();
	worker_pid = getpid();
	ignore_signals();
	struct sigaction alarm_action = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &alarm_action, NULL);
	struct sigaction fault_action = { .sa_sigaction = on_fault, .sa_flags = SA_SIGINFO };
	sigaction(SIGSEGV, &fault_action, NULL);
	sigaction(SIGBUS, &fault_action, NULL);
	set_paths();
	/* A PROT_NONE page on each side: a huge read into the arena stops there
	 * instead of running into the next mapping (the shared table). */
	arena = mmap(NULL, (ARENA_PAGES + 2) * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	arena += PAGE;
	mprotect(arena, ARENA_PAGES * PAGE, PROT_READ | PROT_WRITE);
	read_only_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unmapped_page = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(unmapped_page, PAGE);
	pid_t child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	dead_pid = child;

	static struct thread threads[MAX_THREADS];
	for (int i = 0; i < thread_count; i++) {
		threads[i].index = i;
		threads[i].buffer = mmap(NULL, BUFFER_SIZE + PAGE, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		mprotect(threads[i].buffer + BUFFER_SIZE, PAGE, PROT_NONE);
		threads[i].random = (seed * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)index << 32) ^ (uint64_t)(i + 1);
		for (int w = 0; w < 8; w++)
			next(&threads[i]);
		thread_tids[i] = worker_pid;
	}
	for (int i = 0; i < thread_count; i++) {
		pthread_t id;
		pthread_attr_t attributes;
		pthread_attr_init(&attributes);
		pthread_attr_setstacksize(&attributes, 256 * 1024);
		if (pthread_create(&id, &attributes, fuzz_thread, &threads[i]) != 0)
			_exit(3);
	}
	__atomic_store_n(&threads_started, 1, __ATOMIC_SEQ_CST);
	/* The watchdog: SIGALRM to every fuzzing thread every 10 ms. */
	while (__atomic_load_n(&threads_done, __ATOMIC_SEQ_CST) < thread_count) {
		struct timespec tick = { 0, 10 * 1000 * 1000 };
		nanosleep(&tick, NULL);
		for (int i = 0; i < thread_count; i++)
			if (thread_tids[i] != worker_pid)
				raw_syscall(SYS_tgkill, worker_pid, thread_tids[i], SIGALRM, 0, 0, 0);
	}
	raw_syscall(SYS_exit_group, 0, 0, 0, 0, 0, 0);
}

/* ---- the parent: start, wait, clean up, report --------------------------- */

static void remove_ipc(void)
{
	for (int kind = 0; kind < 3; kind++) {
		unsigned n = shared->ipc_count[kind] < MAX_IPC_IDS ? shared->ipc_count[kind] : MAX_IPC_IDS;
		for (unsigned i = 0; i < n; i++) {
			int id = shared->ipc_ids[kind][i];
			if (kind == 0)
				msgctl(id, IPC_RMID, NULL);
			else if (kind == 1)
				semctl(id, 0, IPC_RMID);
			else
				shmctl(id, IPC_RMID, NULL);
		}
	}
}

static void remove_tree(const char *path_)
{
	char command[128];
	snprintf(command, sizeof command, "rm -rf %s", path_);
	if (system(command) != 0)
		fprintf(stderr, "syscall_fuzz: could not remove %s\n", path_);
}

/* The kernel still forks, pipes and waits. */
static int kernel_alive(void)
{
	int p[2];
	if (pipe(p) != 0)
		return 0;
	pid_t child = fork();
	if (child == 0) {
		_exit(write(p[1], "alive", 5) == 5 ? 7 : 1);
	}
	char word[8] = { 0 };
	int status = 0;
	int ok = child > 0 && read(p[0], word, 5) == 5 && waitpid(child, &status, 0) == child &&
		 WIFEXITED(status) && WEXITSTATUS(status) == 7 && strcmp(word, "alive") == 0;
	close(p[0]);
	close(p[1]);
	return ok;
}

static int report(long asked, int processes, int *statuses, const char *hung)
{
	int failures = 0;
	unsigned long total = 0;
	unsigned long seen[OTHER_SLOT + 1] = { 0 };
	for (size_t c = 0; c < NCALLS; c++) {
		unsigned long n = 0;
		for (int e = 0; e <= OTHER_SLOT; e++)
			n += shared->counts[c][e];
		total += n;
		printf("call %s calls %lu ok %lu errnos", calls[c].name, n, shared->counts[c][0]);
		for (int e = 1; e <= MAX_ERRNO; e++)
			if (shared->counts[c][e]) {
				printf(" %s=%lu", strerrorname_np(e) ? strerrorname_np(e) : "E?", shared->counts[c][e]);
				seen[e] += shared->counts[c][e];
			}
		if (shared->counts[c][OTHER_SLOT])
			printf(" out-of-range=%lu", shared->counts[c][OTHER_SLOT]);
		printf("\n");
	}
	int misses = 0;
	for (size_t c = 0; c < NCALLS; c++) {
		for (int e = 1; e <= MAX_ERRNO; e++)
			if (shared->counts[c][e] && !is_allowed(c, e)) {
				misses++;
				printf("not ok - %s answered %s %lu times, an errno Linux does not give it\n",
				       calls[c].name, strerrorname_np(e) ? strerrorname_np(e) : "E?",
				       shared->counts[c][e]);
			}
		if (shared->miss[c].errno_) {
			long *a = shared->miss[c].arguments;
			printf("# the first: %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx) = -%s\n", calls[c].name,
			       a[0], a[1], a[2], a[3], a[4], a[5], strerrorname_np(shared->miss[c].errno_));
		}
	}
	if (!misses)
		printf("ok - every errno is in its call's set of the ones Linux gives\n");
	failures += misses;
	printf("calls made %lu of %ld\n", total, asked);
	printf("errnos seen");
	for (int e = 1; e <= MAX_ERRNO; e++)
		if (seen[e])
			printf(" %s=%lu", strerrorname_np(e), seen[e]);
	printf("\n");
	if (total != (unsigned long)asked) {
		printf("not ok - every call was made (%lu of %ld)\n", total, asked);
		for (int i = 0; i < processes; i++)
			printf("# worker %d counted %lu of %ld\n", i, shared->made[i], calls_per_thread * thread_count);
		failures++;
	}
	for (int i = 0; i < 8 && shared->other_values[i]; i++) {
		printf("not ok - answer %ld is no errno Linux defines\n", shared->other_values[i]);
		failures++;
	}
	for (int i = 0; i < processes; i++)
		if (!WIFEXITED(statuses[i]) || WEXITSTATUS(statuses[i]) != 0) {
			printf("not ok - worker %d ended with status 0x%x%s\n", i, statuses[i],
			       hung[i] ? ": it hung past the deadline and was killed" : "");
			if (shared->fault[i].signal)
				printf("# signal %d code %d at address %#lx, pc %#lx\n", shared->fault[i].signal,
				       shared->fault[i].code, shared->fault[i].address, shared->fault[i].pc);
			for (int k = 0; k < thread_count; k++) {
				long *a = shared->last[i][k].arguments;
				printf("# its thread %d's last call: %s(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", k,
				       calls[shared->last[i][k].call].name, a[0], a[1], a[2], a[3], a[4], a[5]);
			}
			failures++;
		}
	if (kernel_alive()) {
		printf("ok - the kernel still forks, pipes and waits\n");
	} else {
		printf("not ok - the kernel still forks, pipes and waits\n");
		failures++;
	}
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: syscall_fuzz SEED COUNT [PROCESSES [THREADS [SKIP]]]\n");
		return 2;
	}
	build_allowed();
	unsigned long seed = strtoul(argv[1], NULL, 0);
	long asked = strtol(argv[2], NULL, 0);
	int processes = argc > 3 ? atoi(argv[3]) : 4;
	thread_count = argc > 4 ? atoi(argv[4]) : 2;
	if (processes < 1 || processes > 64 || thread_count < 1 || thread_count > MAX_THREADS || asked < 1) {
		fprintf(stderr, "syscall_fuzz: 1-64 processes, 1-%d threads, a count above 0\n", MAX_THREADS);
		return 2;
	}
	if (argc > 5)
		for (size_t c = 0; c < NCALLS; c++) {
			char *list = strdup(argv[5]);
			for (char *name = strtok(list, ","); name; name = strtok(NULL, ","))
				if (strcmp(name, calls[c].name) == 0)
					skipped[c] = 1;
			free(list);
		}
	calls_per_thread = asked / (processes * thread_count);
	asked = calls_per_thread * processes * thread_count;
	printf("# syscall_fuzz seed %lu count %ld processes %d threads %d calls in the table %zu\n",
	       seed, asked, processes, thread_count, NCALLS);
	fflush(stdout);
	ignore_signals();
	shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("syscall_fuzz: mmap");
		return 1;
	}
	pid_t pids[64];
	for (int i = 0; i < processes; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			worker(seed, i);
	}
	/* A worker still running at the deadline (a minute, and a second per
	 * 200 calls) hangs in a call: it is killed, and reported with its
	 * threads' calls in progress. */
	int statuses[64], running = processes;
	char hung[64] = { 0 };
	struct timespec now, deadline;
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += 60 + asked / 200;
	for (int i = 0; i < processes; i++)
		statuses[i] = -1;
	while (running > 0) {
		int status;
		pid_t done = waitpid(-1, &status, WNOHANG);
		for (int i = 0; i < processes; i++)
			if (done > 0 && pids[i] == done) {
				statuses[i] = status;
				running--;
			}
		if (done > 0)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline.tv_sec) {
			for (int i = 0; i < processes; i++)
				if (statuses[i] == -1 && !hung[i]) {
					hung[i] = 1;
					kill(pids[i], SIGKILL);
				}
		}
		struct timespec tick = { 0, 100 * 1000 * 1000 };
		nanosleep(&tick, NULL);
	}
	remove_ipc();
	for (int i = 0; i < processes; i++) {
		char name[64];
		snprintf(name, sizeof name, "/tmp/syscall_fuzz.%d", i);
		remove_tree(name);
	}
	return report(asked, processes, statuses, hung);
}
