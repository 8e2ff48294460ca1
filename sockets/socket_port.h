/*
 * The sockets' porting boundary: what sockets/ needs beyond netif/port.h.
 * The protocol layers never sleep, never see user memory and never act on
 * a process, so these services are offered to sockets/ alone rather than
 * through netif/port.h, which every layer includes (the model is
 * microps's platform.h, whose sched_ctx puts sleeping in the port).
 *
 * Two implementations, as for port.h: the kernel's
 * (sockets/socket_port_kernel.c over wait.h, uaccess.h, signal.h, task.h,
 * page.h and clock.h, and socket_fs.c for the sockfs inode and file) and
 * the host's (netif/host/socket_port_host.c: user memory is a buffer the
 * test names, a wait runs the stack's queued work and the virtual clock and
 * never blocks; socket_host.h).  The socket files include this header, the
 * stack's headers and the uapi headers, never a kernel header.
 *
 * Locking: the waits are called with net_lock held and return with it
 * held; they drop it while asleep.  The rest needs no lock.
 */
#ifndef SOCKETS_SOCKET_PORT_H
#define SOCKETS_SOCKET_PORT_H
#include <netif/port.h>

#ifdef STRATA_HOST
#include <sys/types.h>   /* ssize_t, which kernel.h defines in the kernel */
#define NANOSECONDS_PER_SECOND 1000000000UL
#define PAGE_SIZE 4096UL
#define PAGE_MAX_ORDER 10        /* as the kernel's page.h: blocks of at most 4 MiB */
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
/* Linux's internal "restart me" code, as the kernel's wait.h has it. */
#define ERESTARTSYS 512
/* What wakes a socket's waiters.  The host counts wake-ups: a wait that
 * sees the count move was woken. */
struct wait_queue {
    unsigned long wakes;
};
#else
#include <clock.h>       /* NANOSECONDS_PER_SECOND */
#include <page.h>        /* PAGE_SIZE */
#include <wait.h>        /* struct wait_queue, ERESTARTSYS */
#endif

struct socket;

/*
 * Waiting.  socket_wait sleeps (net_lock dropped) until socket->wait is
 * woken, the deadline (monotonic ns, 0 = none) or a signal: 0, -EAGAIN
 * on timeout (SO_RCVTIMEO), -ERESTARTSYS for a signal without a deadline
 * and -EINTR with one (Linux's sock_intr_errno).  Callers re-check their
 * condition after 0.  socket_wake wakes every waiter (readers, writers,
 * poll, select, epoll).
 */
void socket_wait_queue_init(struct wait_queue *queue);
int socket_wait(struct socket *socket, uint64_t deadline);
void socket_wake(struct socket *socket);
/* The deadline timeout_ns from now (0: none), for socket_wait. */
uint64_t socket_deadline(uint64_t timeout_ns);
/* CLOCK_REALTIME in ns (packet rings' timestamps). */
uint64_t socket_clock_realtime_ns(void);

/*
 * User memory: the caller's buffers, which may be anything.  0, or -EFAULT
 * when some byte of the range may not be read (written); a length of 0
 * always succeeds.  socket_string_from_user copies a NUL-ended string of at
 * most limit-1 characters: its length, -EFAULT, or -ENAMETOOLONG.
 */
int socket_copy_from_user(void *destination, const void *user_source, size_t length);
int socket_copy_to_user(void *user_destination, const void *source, size_t length);
long socket_string_from_user(char *destination, const char *user_source, size_t limit);

/* The calling process: is it exiting (close must not wait then)?  SIGPIPE
 * to the calling thread, as Linux's send_sig(SIGPIPE, current, 0). */
bool socket_caller_exiting(void);
void socket_caller_broken_pipe(void);

/*
 * The sockfs side of a socket (kernel: its inode and open file, socket_fs.c).
 * socket_node_new gives socket its node (0 or -ENOMEM); socket_node_put lets
 * go of it once the socket is gone; socket_node_number is its inode number
 * (/proc/net/tcp); socket_file_nonblocking says whether its open file has
 * O_NONBLOCK (false before it has a file).
 */
int socket_node_new(struct socket *socket);
void socket_node_put(struct socket *socket);
unsigned long socket_node_number(const struct socket *socket);
bool socket_file_nonblocking(const struct socket *socket);

/*
 * Pages user space may map (packet rings): socket_pages_alloc gives 2^order
 * contiguous pages of PAGE_SIZE (not zeroed), each with its own reference
 * count of 1, or NULL; socket_page_get/socket_page_put count references,
 * and socket_page_put frees a page at 0.
 */
void *socket_pages_alloc(unsigned order);
void socket_page_get(void *page);
void socket_page_put(void *page);
uint32_t socket_page_refcount(void *page);

#endif
