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

#endif
