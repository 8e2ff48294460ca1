/*
 * AF_UNIX sockets: the operation table, the life of a unix_socket (creation,
 * references, release), names, options, shutdown, readiness and the
 * /proc/net/unix table.  Linux's behaviour (net/unix/af_unix.c, unix(7)) is
 * the reference for every answer.
 */
#include "unix.h"
#include <asm/poll.h>
#include <asm/socket.h>

#define FIONREAD 0x541B              /* SIOCINQ */
#define SIOCOUTQ 0x5411              /* TIOCOUTQ */

/* Every AF_UNIX socket not yet freed, for name lookups and /proc/net/unix. */
struct list_node unix_all_sockets = LIST_HEAD_INIT(unix_all_sockets);

struct unix_socket *unix_socket_new(int type)
{
    struct unix_socket *unix_socket = net_zalloc(sizeof(*unix_socket));
    if (!unix_socket)
        return NULL;
    unix_socket->references = 1;
    unix_socket->type = type;
    unix_socket->backlog = UNIX_DGRAM_QUEUE_DEFAULT;
    list_init(&unix_socket->receive_queue);
    socket_wait_queue_init(&unix_socket->peer_wait);
    list_push_back(&unix_all_sockets, &unix_socket->all_node);
    return unix_socket;
}

void unix_get(struct unix_socket *unix_socket)
{
    unix_socket->references++;
}

void unix_put(struct unix_socket *unix_socket)
{
    NET_ASSERT(unix_socket->references > 0, "unix_put of a socket with no references");
    if (--unix_socket->references)
        return;
    list_remove(&unix_socket->all_node);
    if (unix_socket->path_inode)
        socket_path_put(unix_socket->path_inode);
    net_free(unix_socket);
}

void unix_wake(struct unix_socket *unix_socket)
{
    if (unix_socket->socket)
        socket_wake(unix_socket->socket);
    socket_wait_queue_wake(&unix_socket->peer_wait);
}

void unix_wake_senders(struct unix_socket *receiver)
{
    list_for_each(node, &unix_all_sockets) {
        struct unix_socket *sender = container_of(node, struct unix_socket, all_node);
        if (sender->peer == receiver && sender->socket)
            socket_wake(sender->socket);
    }
}

void unix_set_error(struct unix_socket *unix_socket, int error)
{
    if (unix_socket->socket)
        unix_socket->socket->error = error;
    else
        unix_socket->embryo_error = error;
}

int unix_take_error(struct unix_socket *unix_socket)
{
    struct socket *socket = unix_socket->socket;
    int error = socket ? socket->error : 0;
    if (socket)
        socket->error = 0;
    return -error;
}

/* Every process is the superuser here: uid and gid 0. */
void unix_current_credentials(struct unix_credentials *credentials)
{
    credentials->pid = socket_caller_pid();
    credentials->uid = 0;
    credentials->gid = 0;
}

/* Linux's unix_recvq_full: more messages queued than the backlog. */
bool unix_receive_queue_full(const struct unix_socket *unix_socket)
{
    return unix_socket->receive_count > (size_t)unix_socket->backlog;
}

int unix_wait(struct socket *socket, struct wait_queue *other_queue, uint64_t deadline)
{
    if (!other_queue)
        return socket_wait(socket, deadline);
    return socket_wait_also(socket, other_queue, deadline);
}

void unix_broken_pipe(const struct socket_message *message)
{
    if (!(message->flags & MSG_NOSIGNAL))
        socket_caller_broken_pipe();
}

/*
 * Linux's unix_release_sock: a stream or seqpacket peer can neither read
 * more nor write, and learns ECONNRESET if this end had unread data (or
 * was never accepted); queued messages are dropped, a listener's pending
 * connections released in turn.
 */
void unix_release(struct unix_socket *unix_socket)
{
    bool unread = !list_empty(&unix_socket->receive_queue);
    bool embryo = !unix_socket->socket;
    unix_socket->closed = true;
    unix_socket->socket = NULL;
    unix_socket->state = UNIX_UNCONNECTED;
    unix_socket->shutdown = UNIX_SHUT_BOTH;
    struct unix_socket *peer = unix_socket->peer;
    unix_socket->peer = NULL;
    if (peer && unix_socket->type != SOCK_DGRAM) {
        peer->shutdown = UNIX_SHUT_BOTH;
        if (unread || embryo)
            unix_set_error(peer, ECONNRESET);
    }
    struct list_node dropped;
    unix_queue_detach(unix_socket, &dropped);
    socket_wait_queue_wake(&unix_socket->peer_wait);
    if (peer) {
        unix_wake(peer);
        unix_put(peer);
    }
    unix_wake_senders(unix_socket);
    /* Everything is consistent now; freeing may drop net_lock (files in flight). */
    unix_messages_free(&dropped);
    unix_put(unix_socket);
}

/* ---- the operations ---- */

static int unix_socket_create(struct socket *socket)
{
    if (socket->type == SOCK_RAW)
        socket->type = SOCK_DGRAM;
    struct unix_socket *unix_socket = unix_socket_new(socket->type);
    if (!unix_socket)
        return -ENOMEM;
    unix_socket->socket = socket;
    socket->private = unix_socket;
    return 0;
}

static void unix_socket_close(struct socket *socket)
{
    unix_release(unix_of(socket));
    socket->private = NULL;
    unix_collect_garbage();
}

static int unix_socket_pair(struct socket *first, struct socket *second)
{
    unix_pair(unix_of(first), unix_of(second));
    return 0;
}

static int unix_getsockname(struct socket *socket, void *address, size_t *length)
{
    unix_address_report(unix_of(socket), address, length);
    return 0;
}

static int unix_getpeername(struct socket *socket, void *address, size_t *length)
{
    struct unix_socket *peer = unix_of(socket)->peer;
    if (!peer)
        return -ENOTCONN;
    unix_address_report(peer, address, length);
    return 0;
}

static int unix_setsockopt(struct socket *socket, int level, int name, const void *value,
                           size_t length)
{
    int number;
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if (name != SO_PASSCRED)
        return -ENOPROTOOPT;
    int error = socket_option_int(value, length, &number);
    if (error)
        return error;
    unix_of(socket)->pass_credentials = number != 0;
    return 0;
}

static int unix_getsockopt(struct socket *socket, int level, int name, void *value,
                           size_t *length)
{
    struct unix_socket *unix_socket = unix_of(socket);
    if (level != SOL_SOCKET)
        return -EOPNOTSUPP;
    if (name == SO_PEERCRED) {
        /* Nobody connected: pid 0, uid and gid -1 (Linux's cred_to_ucred). */
        struct unix_credentials credentials = { 0, (uint32_t)-1, (uint32_t)-1 };
        if (unix_socket->has_peer_credentials)
            credentials = unix_socket->peer_credentials;
        *length = MIN(*length, sizeof(credentials));
        memcpy(value, &credentials, *length);
        return 0;
    }
    if (name != SO_PASSCRED)
        return -ENOPROTOOPT;
    int number = unix_socket->pass_credentials;
    *length = MIN(*length, sizeof(number));
    memcpy(value, &number, *length);
    return 0;
}

/*
 * Linux's unix_shutdown: no ENOTCONN; a connected stream or seqpacket
 * peer gets the mirror image (our SHUT_WR is its end of input).
 */
static int unix_shutdown(struct socket *socket, int how)
{
    struct unix_socket *unix_socket = unix_of(socket);
    unsigned mode = (unsigned)how + 1;          /* SHUT_RD 0 -> 1, SHUT_WR 1 -> 2, SHUT_RDWR -> 3 */
    unix_socket->shutdown |= mode;
    struct unix_socket *peer = unix_socket->peer;
    if (peer && unix_socket->type != SOCK_DGRAM) {
        if (mode & UNIX_SHUT_RECEIVE)
            peer->shutdown |= UNIX_SHUT_SEND;
        if (mode & UNIX_SHUT_SEND)
            peer->shutdown |= UNIX_SHUT_RECEIVE;
        unix_wake(peer);
    }
    unix_wake(unix_socket);
    return 0;
}

/* Linux's unix_writable: not a listener, and what is queued uses at most a quarter of SO_SNDBUF. */
static bool unix_writable(const struct unix_socket *unix_socket)
{
    return unix_socket->state != UNIX_LISTENING &&
           unix_socket->send_queued * 4 <= (size_t)unix_socket->socket->send_buffer;
}

/* Linux's unix_poll and unix_dgram_poll. */
static unsigned unix_poll(struct socket *socket)
{
    struct unix_socket *unix_socket = unix_of(socket);
    unsigned mask = 0;
    if (socket->error)
        mask |= POLLERR;
    if (unix_socket->shutdown == UNIX_SHUT_BOTH)
        mask |= POLLHUP;
    if (unix_socket->shutdown & UNIX_SHUT_RECEIVE)
        mask |= POLLRDHUP | POLLIN | POLLRDNORM;
    if (!list_empty(&unix_socket->receive_queue))
        mask |= POLLIN | POLLRDNORM;
    bool writable = unix_writable(unix_socket);
    if (socket->type == SOCK_STREAM || socket->type == SOCK_SEQPACKET) {
        if (unix_socket->state == UNIX_UNCONNECTED)
            mask |= POLLHUP;
    } else {
        /* A datagram socket connected to a full queue that is not its own peer's. */
        struct unix_socket *peer = unix_socket->peer;
        if (peer && peer->peer != unix_socket && unix_receive_queue_full(peer))
            writable = false;
    }
    if (writable)
        mask |= POLLOUT | POLLWRNORM | POLLWRBAND;
    return mask;
}

/*
 * FIONREAD (SIOCINQ): the unread bytes of a stream or seqpacket socket, a
 * datagram socket's next datagram.  SIOCOUTQ: this socket's bytes its
 * peers have not read (Linux adds each skb's overhead).
 */
static long unix_ioctl(struct socket *socket, unsigned command, uint64_t argument)
{
    struct unix_socket *unix_socket = unix_of(socket);
    int32_t amount = 0;
    if (command == SIOCOUTQ) {
        amount = (int32_t)unix_socket->send_queued;
    } else if (command != FIONREAD) {
        return -ENOTTY;
    } else if (unix_socket->state == UNIX_LISTENING) {
        return -EINVAL;
    } else {
        list_for_each(node, &unix_socket->receive_queue) {
            struct unix_message *message = container_of(node, struct unix_message, node);
            amount += (int32_t)(message->length - message->offset);
            if (socket->type == SOCK_DGRAM)
                break;
        }
    }
    return socket_copy_to_user((void *)(uintptr_t)argument, &amount, sizeof(amount));
}

/* Linux's unix_seqpacket_sendmsg checks come before the control data is read (scm_send). */
static ssize_t unix_sendmsg(struct socket *socket, struct socket_message *message)
{
    struct unix_socket *unix_socket = unix_of(socket);
    if (socket->type == SOCK_SEQPACKET) {
        int error = unix_take_error(unix_socket);
        if (error)
            return error;
        if (unix_socket->state != UNIX_CONNECTED)
            return -ENOTCONN;
        message->address_length = 0;
    }
    if (message->sent_control_length)
        unix_collect_garbage_now_and_then();
    struct unix_control control;
    int error = unix_control_parse(message, &control);
    if (error)
        return error;
    ssize_t result = socket->type == SOCK_STREAM ? unix_stream_sendmsg(socket, message, &control)
                                                 : unix_datagram_sendmsg(socket, message, &control);
    unix_control_drop(&control);
    return result;
}

static ssize_t unix_recvmsg(struct socket *socket, struct socket_message *message)
{
    if (socket->type == SOCK_STREAM)
        return unix_stream_recvmsg(socket, message);
    return unix_datagram_recvmsg(socket, message);
}

const socket_op_t unix_socket_operations = {
    .socket = unix_socket_create,
    .close = unix_socket_close,
    .socketpair = unix_socket_pair,
    .bind = unix_bind,
    .connect = unix_connect,
    .listen = unix_listen,
    .accept = unix_accept,
    .shutdown = unix_shutdown,
    .getsockname = unix_getsockname,
    .getpeername = unix_getpeername,
    .getsockopt = unix_getsockopt,
    .setsockopt = unix_setsockopt,
    .sendmsg = unix_sendmsg,
    .recvmsg = unix_recvmsg,
    .poll = unix_poll,
    .ioctl = unix_ioctl,
};

/*
 * /proc/net/unix in Linux's format (unix_seq_show): the kernel address
 * column is 0, as Linux shows it to readers kptr_restrict keeps from
 * addresses; Flags __SO_ACCEPTCON (1 << 16) for a listener; St
 * SS_UNCONNECTED (1) or SS_CONNECTED (3), and for a connection not yet
 * accepted SS_CONNECTING (2) with inode 0; an abstract name's NULs as '@'.
 */
size_t unix_sockets_format(char *buffer, size_t size)
{
    int length = snprintf(buffer, size, "Num       RefCount Protocol Flags    Type St Inode Path\n");
    size_t used = length < 0 ? 0 : MIN((size_t)length, size);
    list_for_each(node, &unix_all_sockets) {
        struct unix_socket *unix_socket = container_of(node, struct unix_socket, all_node);
        if (unix_socket->closed)
            continue;
        char path[UNIX_SOCKADDR_SIZE + 2] = "";
        size_t name_length = unix_socket->address.length;
        if (name_length > UNIX_PATH_OFFSET) {
            const uint8_t *name = unix_socket->address.bytes + UNIX_PATH_OFFSET;
            size_t count = name_length - UNIX_PATH_OFFSET;
            if (name[0])
                count = strnlen((const char *)name, count);
            path[0] = ' ';
            for (size_t i = 0; i < count; i++)
                path[i + 1] = name[i] ? (char)name[i] : '@';
            path[count + 1] = '\0';
        }
        struct socket *socket = unix_socket->socket;
        bool connected = unix_socket->state == UNIX_CONNECTED;
        int state = socket ? (connected ? 3 : 1) : (connected ? 2 : 4);
        length = snprintf(buffer + used, size - used, "%016x: %08X %08X %08X %04X %02X %5llu%s\n",
                          0, unix_socket->references + 1, 0,
                          unix_socket->state == UNIX_LISTENING ? 1 << 16 : 0, unix_socket->type,
                          state, socket ? (unsigned long long)socket_node_number(socket) : 0ULL, path);
        if (length < 0 || (size_t)length >= size - used)
            return size;
        used += (size_t)length;
    }
    return used;
}
