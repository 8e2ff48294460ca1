/*
 * AF_UNIX connections: socketpair, listen, connect and accept (Linux's
 * unix_socketpair, unix_listen, unix_stream_connect, unix_dgram_connect,
 * unix_accept).  A stream or seqpacket connect makes the server's end at
 * once (the embryo) and queues it on the listener, so the connector is
 * connected and may write before accept; more than backlog pending
 * connections block the connector, or answer EAGAIN when it is
 * non-blocking.
 */
#include "unix.h"
#include <sockets/socket_abi.h>

static void connect_both(struct unix_socket *one, struct unix_socket *other)
{
    unix_get(other);
    one->peer = other;
    one->state = UNIX_CONNECTED;
}

void unix_pair(struct unix_socket *first, struct unix_socket *second)
{
    connect_both(first, second);
    connect_both(second, first);
    unix_current_credentials(&first->peer_credentials);
    second->peer_credentials = first->peer_credentials;
    first->has_peer_credentials = second->has_peer_credentials = true;
}

int unix_listen(struct socket *socket, int backlog)
{
    struct unix_socket *unix_socket = unix_of(socket);
    if (socket->type != SOCK_STREAM && socket->type != SOCK_SEQPACKET)
        return -EOPNOTSUPP;
    if (!unix_socket->address.length)
        return -EINVAL;
    if (unix_socket->state == UNIX_CONNECTED)
        return -EINVAL;
    /* listen(2) caps the backlog at somaxconn, a negative one included. */
    if ((unsigned)backlog > UNIX_SOMAXCONN)
        backlog = UNIX_SOMAXCONN;
    if (backlog > unix_socket->backlog)
        socket_wait_queue_wake(&unix_socket->peer_wait);
    unix_socket->backlog = backlog;
    unix_socket->state = UNIX_LISTENING;
    socket->accepting = true;
    unix_current_credentials(&unix_socket->listen_credentials);
    return 0;
}

void unix_datagram_disconnected(struct unix_socket *unix_socket, struct unix_socket *old_peer)
{
    if (list_empty(&unix_socket->receive_queue))
        return;
    struct list_node dropped;
    unix_queue_detach(unix_socket, &dropped);
    socket_wait_queue_wake(&unix_socket->peer_wait);
    /* A two-way pair broken from one side: the other learns ECONNRESET. */
    if (!old_peer->closed && old_peer->peer == unix_socket) {
        unix_set_error(old_peer, ECONNRESET);
        unix_wake(old_peer);
    }
    unix_messages_free(&dropped);
}

static int datagram_connect(struct unix_socket *unix_socket, const void *address, size_t length)
{
    uint16_t family;
    if (length < sizeof(family))
        return -EINVAL;
    memcpy(&family, address, sizeof(family));
    struct unix_socket *other = NULL;
    if (family != AF_UNSPEC) {
        int error = unix_address_check(address, length);
        if (!error && unix_socket->pass_credentials)
            error = unix_autobind(unix_socket);
        if (!error)
            error = unix_find(address, length, unix_socket->type, &other);
        if (error)
            return error;
        /* unix_may_send: the target is connected to nobody else. */
        if (other->peer && other->peer != unix_socket) {
            unix_put(other);
            return -EPERM;
        }
        /* Linux marks both ends established (only /proc/net/unix's St shows it). */
        unix_socket->state = UNIX_CONNECTED;
        other->state = UNIX_CONNECTED;
    }
    struct unix_socket *old_peer = unix_socket->peer;
    unix_socket->peer = other;
    if (!other)
        unix_socket->state = UNIX_UNCONNECTED;
    if (old_peer) {
        if (old_peer != other) {
            unix_datagram_disconnected(unix_socket, old_peer);
            if (!old_peer->peer)
                old_peer->state = UNIX_UNCONNECTED;
        }
        unix_wake_senders(old_peer);
        unix_put(old_peer);
    }
    return 0;
}

static int stream_connect(struct socket *socket, const void *address, size_t length)
{
    struct unix_socket *unix_socket = unix_of(socket);
    int error = unix_address_check(address, length);
    if (!error && unix_socket->pass_credentials)
        error = unix_autobind(unix_socket);
    if (error)
        return error;
    uint64_t deadline = socket_deadline(socket->send_timeout_ns);
    struct unix_socket *listener;
    for (;;) {
        if ((error = unix_find(address, length, socket->type, &listener)))
            return error;
        if (listener->state != UNIX_LISTENING || (listener->shutdown & UNIX_SHUT_RECEIVE))
            error = -ECONNREFUSED;
        else if (!unix_receive_queue_full(listener))
            break;
        else if (socket_nonblocking(socket, 0))
            error = -EAGAIN;
        else
            error = unix_wait(socket, &listener->peer_wait, deadline);
        unix_put(listener);
        if (error)
            return error;
    }
    if (unix_socket->state != UNIX_UNCONNECTED) {
        error = unix_socket->state == UNIX_CONNECTED ? -EISCONN : -EINVAL;
        unix_put(listener);
        return error;
    }
    struct unix_socket *embryo = unix_socket_new(socket->type);
    struct unix_message *message = embryo ? unix_message_new(embryo, 0) : NULL;
    if (!message) {
        if (embryo)
            unix_release(embryo);
        unix_put(listener);
        return -ENOMEM;
    }
    connect_both(embryo, unix_socket);
    connect_both(unix_socket, embryo);
    unix_current_credentials(&embryo->peer_credentials);
    embryo->has_peer_credentials = true;
    unix_socket->peer_credentials = listener->listen_credentials;
    unix_socket->has_peer_credentials = true;
    /* The server's end answers getsockname with the listener's name. */
    embryo->address = listener->address;
    message->embryo = embryo;
    unix_message_queue(listener, message);
    unix_wake(listener);
    unix_put(listener);
    return 0;
}

int unix_connect(struct socket *socket, const void *address, size_t length)
{
    if (socket->type == SOCK_DGRAM)
        return datagram_connect(unix_of(socket), address, length);
    return stream_connect(socket, address, length);
}

int unix_accept(struct socket *socket, struct socket **accepted, int flags)
{
    struct unix_socket *listener = unix_of(socket);
    uint64_t deadline = socket_deadline(socket->receive_timeout_ns);
    (void)flags;                      /* SOCK_NONBLOCK/CLOEXEC: the caller's file */
    if (socket->type != SOCK_STREAM && socket->type != SOCK_SEQPACKET)
        return -EOPNOTSUPP;
    if (listener->state != UNIX_LISTENING)
        return -EINVAL;
    struct socket *fresh = NULL;
    for (;;) {
        int error = 0;
        if (listener->state != UNIX_LISTENING)
            error = -EINVAL;
        else if (!list_empty(&listener->receive_queue) && fresh)
            break;
        else if (!list_empty(&listener->receive_queue)) {
            /* socket_create takes net_lock itself; the queue is re-read after. */
            net_unlock();
            error = socket_create(AF_UNIX, socket->type, 0, &fresh);
            net_lock();
            if (!error)
                continue;
        } else if (listener->shutdown & UNIX_SHUT_RECEIVE)
            error = -EINVAL;
        else if (socket_nonblocking(socket, 0))
            error = -EAGAIN;
        else
            error = socket_wait(socket, deadline);
        if (error) {
            if (fresh) {
                net_unlock();
                socket_destroy(fresh);
                net_lock();
            }
            return error;
        }
    }
    struct unix_message *message =
        container_of(listener->receive_queue.next, struct unix_message, node);
    unix_message_unqueue(listener, message);
    struct unix_socket *embryo = message->embryo;
    message->embryo = NULL;
    unix_message_free(message);
    socket_wait_queue_wake(&listener->peer_wait);
    /* The fresh socket's own unix_socket gives way to the embryo. */
    struct unix_socket *unused = unix_of(fresh);
    unix_release(unused);
    fresh->private = embryo;
    embryo->socket = fresh;
    embryo->pass_credentials = listener->pass_credentials;
    fresh->error = embryo->embryo_error;
    *accepted = fresh;
    return 0;
}
