/*
 * AF_UNIX SOCK_DGRAM and SOCK_SEQPACKET data (Linux's unix_dgram_sendmsg,
 * unix_seqpacket_sendmsg and unix_dgram_recvmsg): one message per send,
 * kept whole; a short read truncates it (MSG_TRUNC).  A sender waits while
 * its unread messages fill SO_SNDBUF, and, sending to a socket that is not
 * its own peer's partner, while that socket holds more than
 * max_dgram_qlen (10) messages; non-blocking, both are EAGAIN.  A
 * connected datagram socket whose peer closed gets ECONNREFUSED once, then
 * is unconnected; a seqpacket socket gets EPIPE (no SIGPIPE) and reads end
 * of file.
 */
#include "unix.h"

/* Finds who to send to, waits for room there, and queues the message. */
static ssize_t datagram_deliver(struct socket *socket, struct socket_message *message,
                                struct unix_message *datagram, uint64_t deadline)
{
    struct unix_socket *unix_socket = unix_of(socket);
    struct unix_socket *other = NULL;
    bool nonblocking = socket_nonblocking(socket, message->flags);
    int error;
    if (!message->address_length) {
        other = unix_socket->peer;
        if (!other)
            return -ENOTCONN;
        unix_get(other);
    }
    for (;;) {
        if (!other) {
            if (!message->address_length)
                return -ECONNRESET;
            error = unix_find(message->address, message->address_length, socket->type, &other);
            if (error)
                return error;
        }
        error = 0;
        if (other->peer && other->peer != unix_socket) {
            error = -EPERM;                       /* unix_may_send */
        } else if (other->closed) {
            if (socket->type == SOCK_SEQPACKET) {
                error = -EPIPE;
            } else if (unix_socket->peer == other) {
                unix_socket->peer = NULL;
                unix_socket->state = UNIX_UNCONNECTED;
                unix_datagram_disconnected(unix_socket, other);
                unix_put(other);
                error = -ECONNREFUSED;
            }
            if (!error) {
                unix_put(other);
                other = NULL;
                continue;
            }
        } else if (other->shutdown & UNIX_SHUT_RECEIVE) {
            error = -EPIPE;
        } else if (other != unix_socket && other->peer != unix_socket &&
                   unix_receive_queue_full(other)) {
            error = nonblocking ? -EAGAIN : unix_wait(socket, &other->peer_wait, deadline);
            if (!error)
                continue;
        } else {
            break;
        }
        unix_put(other);
        return error;
    }
    unix_control_credit(&datagram->control, unix_socket, other);
    unix_message_queue(other, datagram);
    unix_wake(other);
    unix_put(other);
    return 0;
}

ssize_t unix_datagram_sendmsg(struct socket *socket, struct socket_message *message,
                              struct unix_control *control)
{
    struct unix_socket *unix_socket = unix_of(socket);
    if (message->flags & MSG_OOB)
        return -EOPNOTSUPP;
    int error = 0;
    if (message->address_length)
        error = unix_address_check(message->address, message->address_length);
    else if (!unix_socket->peer)
        error = -ENOTCONN;
    if (!error && unix_socket->pass_credentials)
        error = unix_autobind(unix_socket);
    if (!error && message->length > (size_t)socket->send_buffer - 32)
        error = -EMSGSIZE;
    if (error)
        return error;
    uint64_t deadline = socket_deadline(socket->send_timeout_ns);
    while (unix_socket->send_queued >= (size_t)socket->send_buffer) {
        error = socket_nonblocking(socket, message->flags) ? -EAGAIN
                                                           : socket_wait(socket, deadline);
        if (error)
            return error;
    }
    struct unix_message *datagram = unix_message_new(unix_socket, message->length);
    if (!datagram)
        return -ENOMEM;
    if (socket_message_copy_in(message, datagram->data, message->length)) {
        unix_message_free(datagram);
        return -EFAULT;
    }
    unix_control_move(&datagram->control, control);
    error = datagram_deliver(socket, message, datagram, deadline);
    if (error) {
        unix_message_free(datagram);
        return error;
    }
    return (ssize_t)message->length;
}

ssize_t unix_datagram_recvmsg(struct socket *socket, struct socket_message *message)
{
    struct unix_socket *unix_socket = unix_of(socket);
    if (socket->type == SOCK_SEQPACKET && unix_socket->state != UNIX_CONNECTED)
        return -ENOTCONN;
    if (message->flags & MSG_OOB)
        return -EOPNOTSUPP;
    bool peek = message->flags & MSG_PEEK;
    uint64_t deadline = socket_deadline(socket->receive_timeout_ns);
    while (list_empty(&unix_socket->receive_queue)) {
        int error = unix_take_error(unix_socket);
        bool shut = unix_socket->shutdown & UNIX_SHUT_RECEIVE;
        if (error)
            return error;
        /* Blocking, a shut socket reads end of file; non-blocking, only a seqpacket one. */
        if (socket_nonblocking(socket, message->flags))
            return shut && socket->type == SOCK_SEQPACKET ? 0 : -EAGAIN;
        if (shut)
            return 0;
        if ((error = socket_wait(socket, deadline)))
            return error;
    }
    struct unix_message *datagram =
        container_of(unix_socket->receive_queue.next, struct unix_message, node);
    if (!peek) {
        unix_message_unqueue(unix_socket, datagram);
        socket_wait_queue_wake(&unix_socket->peer_wait);
    }
    unix_address_source(datagram->sender, message);
    size_t size = datagram->length;
    if (message->length < size) {
        size = message->length;
        message->result_flags |= MSG_TRUNC;
    }
    ssize_t result = (message->flags & MSG_TRUNC) ? (ssize_t)datagram->length : (ssize_t)size;
    if (socket_message_copy_out(message, datagram->data, size)) {
        result = -EFAULT;
    } else {
        if (unix_socket->pass_credentials)
            unix_credentials_deliver(message, &datagram->control);
        unix_rights_deliver(&datagram->control, peek, message);
    }
    if (!peek)
        unix_message_free(datagram);
    return result;
}
