/*
 * AF_UNIX SOCK_STREAM data (Linux's unix_stream_sendmsg and
 * unix_stream_read_generic): a write becomes chunks of at most half of
 * SO_SNDBUF queued on the peer, waiting while the writer's unread bytes
 * fill SO_SNDBUF; a read gathers chunks, but never across one carrying
 * descriptors, nor (with SO_PASSCRED) across different senders'
 * credentials.  After the peer's close or shutdown, reads see end of file
 * and writes EPIPE with SIGPIPE unless MSG_NOSIGNAL.
 */
#include "unix.h"

#define UNIX_STREAM_CHUNK_MAX 65536

static bool same_credentials(const struct unix_control *one, const struct unix_control *other)
{
    return one->has_credentials == other->has_credentials &&
           (!one->has_credentials || !memcmp(&one->credentials, &other->credentials,
                                             sizeof(one->credentials)));
}

ssize_t unix_stream_sendmsg(struct socket *socket, struct socket_message *message,
                            struct unix_control *control)
{
    struct unix_socket *unix_socket = unix_of(socket);
    if (message->flags & MSG_OOB)
        return -EOPNOTSUPP;
    if (message->address_length)
        return unix_socket->state == UNIX_CONNECTED ? -EISCONN : -EOPNOTSUPP;
    struct unix_socket *peer = unix_socket->peer;
    if (!peer)
        return -ENOTCONN;
    uint64_t deadline = socket_deadline(socket->send_timeout_ns);
    size_t sent = 0;
    int error = -EPIPE;
    bool broken = unix_socket->shutdown & UNIX_SHUT_SEND;
    while (!broken && sent < message->length) {
        if (unix_socket->send_queued >= (size_t)socket->send_buffer) {
            error = socket_nonblocking(socket, message->flags) ? -EAGAIN
                                                               : socket_wait(socket, deadline);
            if (error)
                break;
            continue;
        }
        size_t size = MIN(message->length - sent, (size_t)socket->send_buffer / 2 - 64);
        size = MIN(size, (size_t)UNIX_STREAM_CHUNK_MAX);
        struct unix_message *chunk = unix_message_new(unix_socket, size);
        if (!chunk) {
            error = -ENOMEM;
            break;
        }
        if (socket_message_copy_in(message, chunk->data, size)) {
            unix_message_free(chunk);
            error = -EFAULT;
            break;
        }
        if (peer->closed || (peer->shutdown & UNIX_SHUT_RECEIVE)) {
            unix_message_free(chunk);
            error = -EPIPE;
            broken = true;
            break;
        }
        /* The descriptors go with the first chunk only. */
        unix_control_move(&chunk->control, control);
        unix_control_credit(&chunk->control, unix_socket, peer);
        unix_message_queue(peer, chunk);
        unix_wake(peer);
        sent += size;
    }
    if (broken && !sent)
        unix_broken_pipe(message);
    return sent ? (ssize_t)sent : error;
}

ssize_t unix_stream_recvmsg(struct socket *socket, struct socket_message *message)
{
    struct unix_socket *unix_socket = unix_of(socket);
    if (unix_socket->state != UNIX_CONNECTED)
        return -EINVAL;
    if (message->flags & MSG_OOB)
        return -EOPNOTSUPP;
    bool peek = message->flags & MSG_PEEK;
    size_t target = (message->flags & MSG_WAITALL) ? MAX(message->length, (size_t)1) : 1;
    uint64_t deadline = socket_deadline(socket->receive_timeout_ns);
    /* What SCM_CREDENTIALS reports when no chunk was read: all zeros (Linux's memset scm). */
    struct unix_control credentials = { .has_credentials = true };
    bool credentials_taken = false;
    struct unix_control files = { 0 };
    struct unix_control *peeked_files = NULL;
    size_t copied = 0, skip = 0;
    int error = 0;
    struct list_node *position = unix_socket->receive_queue.next;
    for (;;) {
        if (position == &unix_socket->receive_queue) {
            if (copied >= target || (peek && copied))
                break;
            if ((error = unix_take_error(unix_socket)))
                break;
            if (unix_socket->shutdown & UNIX_SHUT_RECEIVE)
                break;
            error = socket_nonblocking(socket, message->flags) ? -EAGAIN
                                                               : socket_wait(socket, deadline);
            if (error)
                break;
            position = unix_socket->receive_queue.next;
            skip = peek ? copied : 0;
            continue;
        }
        struct unix_message *chunk = container_of(position, struct unix_message, node);
        size_t available = chunk->length - chunk->offset;
        if (skip >= available) {
            skip -= available;
            position = position->next;
            continue;
        }
        if (credentials_taken) {
            if (!same_credentials(&credentials, &chunk->control))
                break;
        } else if (unix_socket->pass_credentials) {
            credentials = (struct unix_control){ .has_credentials = chunk->control.has_credentials,
                                                 .credentials = chunk->control.credentials };
            credentials_taken = true;
        }
        if (!copied)
            unix_address_source(chunk->sender, message);
        size_t size = MIN(available - skip, message->length - copied);
        if (socket_message_copy_out(message, chunk->data + chunk->offset + skip, size)) {
            error = -EFAULT;
            break;
        }
        copied += size;
        if (peek) {
            if (chunk->control.file_count) {
                peeked_files = &chunk->control;
                break;
            }
            skip = 0;
            position = position->next;
            if (position == &unix_socket->receive_queue)
                break;
        } else {
            chunk->offset += size;
            if (chunk->control.file_count)
                unix_control_move(&files, &chunk->control);
            if (chunk->offset < chunk->length)
                break;
            position = position->next;
            unix_message_unqueue(unix_socket, chunk);
            unix_message_free(chunk);
            if (files.file_count)
                break;
        }
        if (copied == message->length)
            break;
    }
    ssize_t result = copied ? (ssize_t)copied : error;
    if (result >= 0) {
        if (unix_socket->pass_credentials)
            unix_credentials_deliver(message, &credentials);
        if (peeked_files)
            unix_rights_deliver(peeked_files, true, message);
    }
    if (files.file_count) {
        if (result >= 0)
            unix_rights_deliver(&files, false, message);
        unix_control_drop(&files);
    }
    return result;
}
