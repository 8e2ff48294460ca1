/*
 * AF_UNIX sockets (unix(7)): SOCK_STREAM, SOCK_DGRAM and SOCK_SEQPACKET
 * between processes of this machine, named by a path (a socket inode in the
 * file system), by an abstract name (sun_path[0] == 0) or not at all.
 *
 * Everything lives in these structures; no byte goes near the network
 * stack.  A sender copies its data into a unix_message and queues it on the
 * receiver; the message is charged to the sender until the receiver has
 * read it, which is what SO_SNDBUF bounds (Linux charges an skb to its
 * sender's sk_wmem_alloc the same way; here the charge is the data's
 * length, without Linux's per-skb overhead).
 *
 * Locking: AF_UNIX needs no lock of its own (one CPU, no kernel
 * preemption: another task runs only where this one sleeps, and every
 * sleeper re-checks its condition).  Its operations run under net_lock
 * because socket_fs.c and socket_syscalls.c take it around every kind's
 * operation; it costs nothing and keeps one rule for all kinds.  Two
 * places drop it: sleeping (unix_wait, socket_wait) and putting the files
 * of a message in flight (unix_control_drop), since closing such a file
 * may close a socket, which takes net_lock itself; both happen only when
 * the state is settled (a dying socket's queue is detached first).
 *
 * Invariants:
 *  - references counts the owner (the struct socket, or for a connection
 *    not yet accepted the listener's queued message), the peer pointer of
 *    another socket, each message the socket sent and that is still queued,
 *    and any task waiting on peer_wait.  The structure outlives its struct
 *    socket while referenced; closed then says it is gone.
 *  - socket is NULL for an embryo (a connection waiting in a listener's
 *    queue) and once closed.
 *  - send_queued is the sum of the lengths of this socket's queued messages
 *    (on any receiver); receive_count the number of messages on
 *    receive_queue.
 *  - A stream or seqpacket socket's peer stays set after the peer closes
 *    (getpeername still answers, as on Linux) until this socket closes; a
 *    datagram socket's peer is dropped by the first send that finds it
 *    closed (ECONNREFUSED).
 *  - address.length is 0 while unbound.  bound says the name is this
 *    socket's in the name space; an accepted socket carries a copy of its
 *    listener's name without it.  A closed socket's name is free again at
 *    once (lookups skip closed sockets); its path's inode stays.
 *  - shutdown, not struct socket's shut_read/shut_write, says which ways
 *    are shut; a stream or seqpacket peer's close shuts both.
 */
#ifndef SOCKETS_UNIX_UNIX_H
#define SOCKETS_UNIX_UNIX_H
#include <sockets/socket.h>
#include <sockets/socket_port.h>   /* bound paths' nodes, files in flight, the caller */

#define UNIX_PATH_OFFSET 2            /* offsetof(struct sockaddr_un, sun_path) */
#define UNIX_SOCKADDR_SIZE 110        /* sizeof(struct sockaddr_un) */
#define UNIX_MAX_FILES 253            /* SCM_MAX_FD: descriptors in one message */
#define UNIX_DGRAM_QUEUE_DEFAULT 10   /* net.unix.max_dgram_qlen */
#define UNIX_SOMAXCONN 4096           /* net.core.somaxconn */
enum { SCM_RIGHTS = 1, SCM_CREDENTIALS = 2 };

enum unix_state { UNIX_UNCONNECTED, UNIX_LISTENING, UNIX_CONNECTED };
enum { UNIX_SHUT_RECEIVE = 1, UNIX_SHUT_SEND = 2, UNIX_SHUT_BOTH = 3 };

/* struct ucred: what SO_PEERCRED and SCM_CREDENTIALS carry. */
struct unix_credentials {
    int32_t pid;
    uint32_t uid, gid;
};

/* A bound name as getsockname reports it: sa_family, then the name. */
struct unix_address {
    size_t length;                    /* 0: unbound */
    uint8_t bytes[UNIX_SOCKADDR_SIZE + 1];   /* a full sun_path gets its NUL here */
};

/* What a sendmsg's control data and its process give a message. */
struct unix_control {
    bool has_credentials;             /* SCM_CREDENTIALS given, or SO_PASSCRED on either end */
    struct unix_credentials credentials;
    struct file **files;              /* SCM_RIGHTS in flight, each referenced; net_alloc'd */
    size_t file_count;
};

/* One datagram, stream chunk, or (on a listener) one pending connection. */
struct unix_message {
    struct list_node node;            /* on the receiver's receive_queue */
    struct unix_socket *sender;       /* referenced; length is charged to it */
    struct unix_socket *embryo;       /* listener's queue: the connection's server end */
    struct unix_control control;
    size_t length;
    size_t offset;                    /* stream: bytes already read */
    uint8_t data[];
};

struct unix_socket {
    unsigned references;
    struct socket *socket;
    int type;
    enum unix_state state;
    unsigned shutdown;                /* UNIX_SHUT_* bits (struct socket's shut_* are not used) */
    bool closed;
    bool pass_credentials;            /* SO_PASSCRED */
    bool bound;                       /* address is this socket's in the name space (not an accepted copy) */
    int embryo_error;                 /* an embryo's SO_ERROR, moved to its socket by accept */
    struct unix_address address;
    struct inode *path_inode;         /* bound to a path: its socket inode, referenced */
    struct unix_socket *peer;         /* referenced */
    struct list_node receive_queue;   /* unix_message */
    size_t receive_count;
    size_t send_queued;
    int backlog;                      /* listen's, or max_dgram_qlen */
    bool has_peer_credentials;
    struct unix_credentials peer_credentials;   /* SO_PEERCRED */
    struct unix_credentials listen_credentials; /* a listener's, given to connectors */
    struct wait_queue peer_wait;      /* senders and connectors waiting for room here */
    struct list_node all_node;        /* on the list of every AF_UNIX socket */
    /* unix_garbage.c's, meaningful only while it runs: */
    size_t garbage_in_flight;         /* queued messages carrying this socket's file */
    bool garbage;                     /* no process nor live socket can reach it */
};

/* Every AF_UNIX socket not yet freed: name lookups, /proc/net/unix. */
extern struct list_node unix_all_sockets;

static inline struct unix_socket *unix_of(struct socket *socket) { return socket->private; }

/* unix_socket.c */
struct unix_socket *unix_socket_new(int type);
void unix_get(struct unix_socket *unix_socket);
void unix_put(struct unix_socket *unix_socket);
/* Ends a socket (close, or a listener's unaccepted connection); drops the owner's reference. */
void unix_release(struct unix_socket *unix_socket);
void unix_wake(struct unix_socket *unix_socket);
/* Wakes the sockets whose peer is receiver (their POLLOUT may have changed). */
void unix_wake_senders(struct unix_socket *receiver);
void unix_set_error(struct unix_socket *unix_socket, int error);
/* Takes the pending error (SO_ERROR), once: -errno or 0. */
int unix_take_error(struct unix_socket *unix_socket);
void unix_current_credentials(struct unix_credentials *credentials);
bool unix_receive_queue_full(const struct unix_socket *unix_socket);
/* Sleeps on the socket's queue and, if other_queue, that one too (net_lock dropped). */
int unix_wait(struct socket *socket, struct wait_queue *other_queue, uint64_t deadline);
void unix_broken_pipe(const struct socket_message *message);

/* unix_address.c */
/* Checks a sockaddr_un as Linux's unix_validate_addr: 0 or -EINVAL. */
int unix_address_check(const void *address, size_t length);
int unix_bind(struct socket *socket, const void *address, size_t length);
int unix_autobind(struct unix_socket *unix_socket);
/* The live socket of this type a sockaddr_un names (referenced), or an errno. */
int unix_find(const void *address, size_t length, int type, struct unix_socket **found);
/* What getsockname/getpeername report for this socket's name. */
void unix_address_report(const struct unix_socket *unix_socket, void *address, size_t *length);
/* recvmsg's msg_name: the sender's name, left empty when it has none (Linux's unix_copy_addr). */
void unix_address_source(const struct unix_socket *sender, struct socket_message *message);

/* unix_garbage.c: closes the sockets only their own messages in flight keep (Linux's unix_gc). */
void unix_collect_garbage(void);
/* Runs it on every UNIX_GC_SENDS-th call (sendmsg with control data), so
 * that a process making cycles without closing any socket is bounded. */
#define UNIX_GC_SENDS 1024
void unix_collect_garbage_now_and_then(void);

/* unix_connect.c */
int unix_listen(struct socket *socket, int backlog);
int unix_connect(struct socket *socket, const void *address, size_t length);
int unix_accept(struct socket *socket, struct socket **accepted, int flags);
void unix_pair(struct unix_socket *first, struct unix_socket *second);
/* A datagram socket left old_peer: what it had queued is dropped (Linux's unix_dgram_disconnected). */
void unix_datagram_disconnected(struct unix_socket *unix_socket, struct unix_socket *old_peer);

/* unix_message.c */
struct unix_message *unix_message_new(struct unix_socket *sender, size_t length);
/* Frees a message no longer queued: uncharges its sender, puts its files (net_lock
 * dropped), releases the connection it carried to a listener. */
void unix_message_free(struct unix_message *message);
/* Moves every queued message to detached, so that the state is settled before freeing them. */
void unix_queue_detach(struct unix_socket *receiver, struct list_node *detached);
void unix_messages_free(struct list_node *detached);
void unix_message_queue(struct unix_socket *receiver, struct unix_message *message);
void unix_message_unqueue(struct unix_socket *receiver, struct unix_message *message);
/* Reads SCM_RIGHTS/SCM_CREDENTIALS from a sendmsg's control data (Linux's __scm_send). */
int unix_control_parse(const struct socket_message *request, struct unix_control *control);
/* Moves from's files to (which holds none) and copies its credentials. */
void unix_control_move(struct unix_control *to, struct unix_control *from);
/* Puts the files a control still holds (net_lock dropped meanwhile). */
void unix_control_drop(struct unix_control *control);
/* Gives a message's credentials (or its sender's current ones) when either end asked (SO_PASSCRED). */
void unix_control_credit(struct unix_control *control, const struct unix_socket *sender,
                         const struct unix_socket *receiver);
/* recvmsg's SCM_CREDENTIALS: from's, or pid 0 and the overflow ids when it has none. */
void unix_credentials_deliver(struct socket_message *reply, const struct unix_control *from);
/* recvmsg's SCM_RIGHTS: installs what fits; a peek leaves the files in flight, else they go. */
void unix_rights_deliver(struct unix_control *control, bool peek, struct socket_message *reply);

/* unix_stream.c, unix_datagram.c: sends take the parsed control data (its files are taken). */
ssize_t unix_stream_sendmsg(struct socket *socket, struct socket_message *message,
                            struct unix_control *control);
ssize_t unix_stream_recvmsg(struct socket *socket, struct socket_message *message);
ssize_t unix_datagram_sendmsg(struct socket *socket, struct socket_message *message,
                              struct unix_control *control);
ssize_t unix_datagram_recvmsg(struct socket *socket, struct socket_message *message);

#endif
