/*
 * The sockets' porting boundary: what sockets/ needs beyond netif/port.h.
 * The protocol layers never sleep, never see user memory and never act on
 * a process, so these services are offered to sockets/ alone rather than
 * through netif/port.h, which every layer includes (the model is
 * microps's platform.h, whose sched_ctx puts sleeping in the port).
 *
 * Two implementations, as for port.h: the kernel's
 * (sockets/socket_port_kernel.c over wait.h, uaccess.h, signal.h, task.h,
 * page.h, clock.h and the VFS, and socket_fs.c for the sockfs inode and
 * file) and the host's (netif/host/socket_port_host.c: user memory is a
 * buffer the test names, a wait runs the stack's queued work and the
 * virtual clock and never blocks, files and bound paths are small tables;
 * socket_host.h).  The socket files include this header, the
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

/*
 * What AF_UNIX needs besides: waiting on two queues, processes, open files
 * and bound paths.  (The kernel's socket_file_socket and
 * socket_file_references are socket_fs.c's, which knows sockets' files.)
 *
 * socket_wait_also is socket_wait woken also by other (a peer's queue);
 * socket_wait_queue_wake wakes every waiter on queue.
 */
int socket_wait_also(struct socket *socket, struct wait_queue *other, uint64_t deadline);
void socket_wait_queue_wake(struct wait_queue *queue);

/* The calling process's id; whether a process with this id exists. */
int32_t socket_caller_pid(void);
bool socket_process_exists(int32_t pid);

/*
 * Open files in flight (SCM_RIGHTS), opaque to sockets/.  socket_file_of
 * gives the open file behind the caller's descriptor fd, referenced, or
 * NULL when fd is not open; socket_file_get and socket_file_put count
 * references.  A put may be the file's last and close a socket, which
 * takes net_lock: call it without net_lock.  socket_file_install gives the
 * file the caller's lowest free descriptor, taking over one reference: the
 * descriptor, or -EMFILE (the reference is the caller's again).
 */
struct file;
struct file *socket_file_of(int fd);
void socket_file_get(struct file *file);
void socket_file_put(struct file *file);
int socket_file_install(struct file *file, bool close_on_exec);
/* The socket whose open file this is (NULL: not a socket's), and how many
 * references that file has (0 before it has one), for AF_UNIX's collector. */
struct socket *socket_file_socket(struct file *file);
uint32_t socket_file_references(const struct socket *socket);

/*
 * Bound paths (AF_UNIX's names in the file system): their nodes, opaque
 * to sockets/.
 * socket_path_make makes a socket node at path, relative to the caller's
 * working directory (mode 0777 less the umask, as Linux's unix_bind_bsd),
 * and gives it referenced: 0, -EADDRINUSE when the name exists (".", ".."
 * and a path ending in '/' included), or the lookup's errno (ENOENT,
 * ENOTDIR, ...); a directory that makes no nodes (procfs) answers ENOENT.
 * socket_path_remove unlinks what socket_path_make made and puts it.
 * socket_path_find gives the node path names, referenced: 0, the lookup's
 * errno, or -ECONNREFUSED when it is not a socket node.  socket_path_put
 * lets go of a reference.
 */
struct inode;
int socket_path_make(const char *path, struct inode **node);
void socket_path_remove(const char *path, struct inode *node);
int socket_path_find(const char *path, struct inode **node);
void socket_path_put(struct inode *node);

#endif
