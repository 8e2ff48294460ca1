/*
 * The sockets' porting boundary on the host (sockets/socket_port.h), for
 * tests and fuzz targets that call the socket operations directly, as the
 * kernel's system calls do: with net_lock held, the socket made by
 * socket_create and ended by socket_destroy (both without the lock).
 *
 * User memory is one buffer the test names (socket_host_user_memory): a
 * copy that leaves it is -EFAULT, so a pointer read from fuzzed bytes is
 * a bad pointer as in the kernel, never a wild access.
 *
 * A wait never blocks: each socket_wait delivers the stack's queued frames
 * and, unless that woke the socket, moves the virtual clock on by
 * SOCKET_HOST_WAIT_STEP_MS (to the deadline, if nearer) and answers 0 (the
 * caller re-checks, as after any wake-up) or -EAGAIN at the deadline.  Once
 * the test's budget of waits is spent, a wait answers as a signal would
 * (-ERESTARTSYS, -EINTR with a deadline), so every blocking call returns.
 */
#ifndef NETIF_HOST_SOCKET_HOST_H
#define NETIF_HOST_SOCKET_HOST_H
#include <sockets/socket.h>

#define SOCKET_HOST_WAIT_STEP_MS 200

/* The user memory: [base, base + length); NULL: none (every copy faults). */
void socket_host_user_memory(void *base, size_t length);
/* How many socket_wait calls may still wait before one is "interrupted". */
void socket_host_wait_budget(unsigned waits);
/* Whether the calling "file" has O_NONBLOCK (socket_file_nonblocking). */
void socket_host_nonblocking(bool nonblocking);
/* Whether the calling process is exiting (socket_caller_exiting). */
void socket_host_exiting(bool exiting);
/* SIGPIPEs socket_caller_broken_pipe sent so far. */
unsigned long socket_host_broken_pipes(void);
/* Pages socket_pages_alloc handed out and not yet put, and socket nodes
 * not yet put, for leak checks. */
size_t socket_host_pages(void);
size_t socket_host_nodes(void);

/*
 * The one process (pid SOCKET_HOST_PID) and its descriptors: at most
 * SOCKET_HOST_DESCRIPTORS, each an open file of one socket, which the
 * file's last reference destroys (socket_destroy).  AF_UNIX passes these
 * files (SCM_RIGHTS); socket_host_open gives a socket its file at the
 * lowest free descriptor: the descriptor, or -EMFILE (the socket is still
 * the caller's).  socket_host_socket is the socket at fd (NULL: none);
 * socket_host_close closes fd, without net_lock, as close(2).
 * socket_host_files counts the files not yet freed (open or in flight).
 */
#define SOCKET_HOST_PID 1
#define SOCKET_HOST_DESCRIPTORS 8
int socket_host_open(struct socket *socket);
struct socket *socket_host_socket(int fd);
void socket_host_close(int fd);
size_t socket_host_files(void);

/*
 * Bound paths live in one flat directory, the working directory: a path
 * with a '/' or an empty one is ENOENT, as a missing directory is.
 * socket_host_unlink_all unlinks every name (rm of the test's files);
 * socket_host_paths counts the nodes still held, linked or not.
 */
void socket_host_unlink_all(void);
size_t socket_host_paths(void);

#endif
