/*
 * Sockets: the socket file system and the operations every kind provides.
 *
 * A socket is an inode of the socket file system (sockfs); inode->private is
 * the struct socket, and read, write, poll, ioctl and close on its file go to
 * the socket's operations (socket_fs.c).  The system calls (socket_syscalls.c)
 * copy addresses and message headers between user memory and the kernel, so
 * operations see kernel addresses and a struct socket_message whose data
 * buffers are still user iovecs (copied with socket_message_copy_out/in).
 *
 * Locking: every operation runs with net_lock held (netif/port.h), taken by
 * the caller; an operation that blocks sleeps with socket_wait, which drops
 * the lock while asleep.  Protocol callbacks (the net thread) run under the
 * same lock, push to a socket's queue and call socket_wake.
 *
 * Invariants: ops and kind never change after creation; private belongs to
 * the kind and is freed by its close; wait wakes readers, writers and
 * pollers alike (they re-check their condition).
 */
#ifndef SOCKETS_SOCKET_H
#define SOCKETS_SOCKET_H
#include "socket_port.h"
#include <linux/uio.h>
#include "socket_abi.h"
#include "bpf_classic.h"

/* Linux's limits: the largest sockaddr and the default buffer sizes. */
#define SOCKET_ADDRESS_MAX 128
#define SOCKET_DEFAULT_BUFFER 212992            /* net.core.rmem_default / wmem_default */
#define SOCKET_BUFFER_MIN_RECEIVE 2304          /* SOCK_MIN_RCVBUF, already doubled */
#define SOCKET_BUFFER_MIN_SEND 4608             /* SOCK_MIN_SNDBUF */
#define SOCKET_BUFFER_MAX 212992                /* net.core.rmem_max: the cap before doubling */
/* recvmsg's control room: SCM_CREDENTIALS and SCM_RIGHTS' 253 descriptors fit. */
#define SOCKET_CONTROL_MAX 1088
#define SOCKET_SEND_CONTROL_MAX 20480           /* net.core.optmem_max: sendmsg's msg_controllen */

struct socket;
struct inode;
struct file;

/* An attached socket filter (SO_ATTACH_FILTER): a program bpf_classic_check accepted. */
struct socket_filter {
    size_t length;
    struct sock_filter program[];
};

/* One sendmsg/recvmsg in flight: data stays in user iovecs. */
struct socket_message {
    struct iovec *iov;                  /* user buffers, kernel copy of the array */
    size_t iov_count;
    size_t length;                      /* total of the iovecs */
    size_t done;                        /* bytes copied so far (copy helpers advance it) */
    uint8_t address[SOCKET_ADDRESS_MAX];   /* send: destination; receive: source */
    size_t address_length;              /* 0: none given / none to report */
    int flags;                          /* MSG_* asked for */
    int result_flags;                   /* receive: msg_flags to report (MSG_TRUNC ...) */
    uint8_t control[SOCKET_CONTROL_MAX];   /* receive: control messages built here */
    size_t control_length;
    size_t control_capacity;            /* what the caller's msg_controllen allows */
    const uint8_t *sent_control;        /* send: a kernel copy of msg_control, or NULL */
    size_t sent_control_length;
};

/*
 * socket_op_t: one table per kind, with designated initialisers.  A NULL
 * operation answers -EOPNOTSUPP (socket_syscalls.c), except close and poll
 * (nothing to do; always writable).
 * Addresses are kernel copies; lengths are in and out.  sendmsg/recvmsg
 * return bytes (recvmsg: the datagram's full length with MSG_TRUNC asked).
 */
typedef struct socket_operations {
    int (*socket)(struct socket *socket);   /* sets up private; 0 or -errno */
    void (*close)(struct socket *socket);
    int (*socketpair)(struct socket *first, struct socket *second);   /* connects two new sockets */
    int (*bind)(struct socket *socket, const void *address, size_t length);
    int (*connect)(struct socket *socket, const void *address, size_t length);
    int (*listen)(struct socket *socket, int backlog);
    int (*accept)(struct socket *socket, struct socket **accepted, int flags);
    int (*shutdown)(struct socket *socket, int how);
    int (*getsockname)(struct socket *socket, void *address, size_t *length);
    int (*getpeername)(struct socket *socket, void *address, size_t *length);
    int (*getsockopt)(struct socket *socket, int level, int name, void *value, size_t *length);
    int (*setsockopt)(struct socket *socket, int level, int name, const void *value,
                      size_t length);
    ssize_t (*sendmsg)(struct socket *socket, struct socket_message *message);
    ssize_t (*recvmsg)(struct socket *socket, struct socket_message *message);
    unsigned (*poll)(struct socket *socket);  /* readiness now (the caller registers) */
    /*
     * mmap(2) of the socket: mmap may refuse a mapping (without it: ENODEV,
     * Linux's sock_no_mmap); map_page gives the page at index, referenced,
     * or -ENXIO.  map_page runs from page faults, without net_lock (the
     * kernel is not preemptive and it does not sleep).
     */
    int (*mmap)(struct socket *socket, uint64_t offset, uint64_t length);
    int (*map_page)(struct socket *socket, uint64_t index, void **page);
    long (*ioctl)(struct socket *socket, unsigned command, uint64_t argument);
} socket_op_t;

struct socket {
    int family, type, protocol;
    const socket_op_t *ops;
    /* The sockfs side (socket_port.h's socket_node_*): only the kernel's
     * socket_fs.c and socket_port_kernel.c look inside; NULL on the host. */
    struct inode *inode;
    struct file *file;                  /* the open file (for O_NONBLOCK); not referenced */
    struct wait_queue wait;             /* the port's: socket_wait, socket_wake */
    /* SOL_SOCKET options every kind shares (socket_options.c). */
    bool reuse_address, broadcast, keepalive, dont_route;
    bool oob_inline;                    /* SO_OOBINLINE (TCP keeps urgent bytes in line anyway) */
    int receive_buffer, send_buffer;    /* as getsockopt shows them: doubled */
    uint64_t receive_timeout_ns, send_timeout_ns;   /* 0 = wait for ever */
    int bound_interface;                /* SO_BINDTODEVICE ifindex, 0 = any */
    int error;                          /* SO_ERROR: pending asynchronous error */
    int *soft_error;                    /* the kind's record of an error that left the
                                         * connection up (TCP's, Linux's sk_err_soft), or
                                         * NULL: SO_ERROR reports and clears it when no
                                         * error is pending */
    bool shut_read, shut_write;
    bool accepting;                     /* SO_ACCEPTCONN: listen succeeded (kinds that set it) */
    struct socket_filter *filter;       /* NULL: none; freed with the socket */
    bool filter_locked;                 /* SO_LOCK_FILTER: no attach or detach */
    void *private;                      /* the kind's own state */
};

/* Each kind: its table, and whether it takes (family, type, protocol). */
extern const socket_op_t packet_socket_operations;
extern const socket_op_t raw_socket_operations;
extern const socket_op_t udp_socket_operations;
extern const socket_op_t tcp_socket_operations;
extern const socket_op_t unix_socket_operations;   /* sockets/unix/ */

/*
 * socket.c (builds on the host too): a socket of the kind (family, type,
 * protocol) selects, with its node (net_lock not held: the kind's socket
 * operation runs under it).
 */
int socket_create(int family, int type, int protocol, struct socket **result);
/* Undoes socket_create for a socket no file was made for (net_lock not held). */
void socket_destroy(struct socket *socket);
/* The kind lets go of socket (its close, its filter) and its waiters are
 * woken (net_lock not held); the caller frees the struct after. */
void socket_close(struct socket *socket);
bool socket_nonblocking(const struct socket *socket, int message_flags);
/*
 * setsockopt and getsockopt with the value in the kernel (net_lock held):
 * SOL_SOCKET's shared options first, then the kind's, as socket_syscalls.c
 * and the host's callers dispatch them.  Lengths as the operations'.
 */
int socket_setsockopt(struct socket *socket, int level, int name, const void *value, size_t length);
int socket_getsockopt(struct socket *socket, int level, int name, void *value, size_t *length);
/* Sockets open (created and not yet closed), for leak checks. */
size_t sockets_open(void);
/* /proc/net/sockstat: sockets in use by kind, and the pbufs alive. */
size_t socket_statistics_format(char *buffer, size_t size);

/* socket_fs.c (kernel only) */
/* The socket behind fd (its file referenced in *file), -EBADF or -ENOTSOCK. */
int socket_from_fd(int fd, struct socket **socket, struct file **file);
/* A file (refcount 1) for socket; flags are SOCK_NONBLOCK.  On failure (NULL) the socket is gone. */
struct file *socket_file(struct socket *socket, int flags);
/* /proc/net/unix: every open AF_UNIX socket, in Linux's format (unix/unix_socket.c). */
size_t unix_sockets_format(char *buffer, size_t size);

/*
 * socket_syscalls.c: one sendmsg or recvmsg of the user struct msghdr at
 * user_header on socket (sendmmsg and recvmmsg call it per message); length,
 * if not NULL, gets the total of the message's iovecs.
 */
long socket_message_call(struct socket *socket, uint64_t user_header, int flags, bool sending,
                         size_t *length);

/* socket_message.c: moving data between a message's iovecs and the kernel. */
int socket_message_copy_out(struct socket_message *message, const void *data, size_t length);
int socket_message_copy_in(struct socket_message *message, void *data, size_t length);
/* Appends one control message (cmsghdr + data); sets MSG_CTRUNC if it does not fit. */
void socket_message_control(struct socket_message *message, int level, int type,
                            const void *data, size_t length);

/* socket_options.c: SOL_SOCKET options of every kind. */
int socket_option_set(struct socket *socket, int name, const void *value, size_t length);
int socket_option_get(struct socket *socket, int name, void *value, size_t *length);
/*
 * What the attached filter keeps of a packet (bpf_classic_run): its length
 * when there is no filter, 0 to drop it.  Runs with net_lock held.
 */
uint32_t socket_filter_run(const struct socket *socket, const struct bpf_classic_packet *packet);
/*
 * The same for an IPv4 packet a UDP or raw socket receives: the filter
 * sees it from data on (Linux runs these kinds' filters from the UDP header
 * and from the IP header), with the link and network headers of pbuf
 * behind it for negative offsets.  Returns the bytes from data to keep,
 * never fewer than minimum (Linux's sk_filter_trim_cap), or 0 to drop it.
 */
struct pbuf;
uint32_t socket_filter_run_ip(const struct socket *socket, const struct pbuf *pbuf,
                              const uint8_t *data, uint32_t length, uint32_t minimum);
/* Frees the attached filter (at close). */
void socket_filter_free(struct socket *socket);
/* An int option value (Linux reads an int from optlen >= 4, or a byte from 1..3). */
int socket_option_int(const void *value, size_t length, int *result);

/* ioctl.c: interface and routing ioctls, on any socket. */
long socket_interface_ioctl(unsigned command, uint64_t argument);

#endif
