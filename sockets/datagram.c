/* Receiving from a datagram socket's queue; see datagram.h. */
#include "datagram.h"
#include <netif/port.h>
#include <asm/poll.h>
#include <asm/ioctls.h>

int datagram_wait(struct socket *socket, struct socket_queue *queue,
                  struct socket_message *message, struct socket_packet **packet)
{
    uint64_t deadline = socket_deadline(socket->receive_timeout_ns);
    if (message->flags & (MSG_ERRQUEUE | MSG_OOB))
        return message->flags & MSG_OOB ? -EOPNOTSUPP : -EAGAIN;   /* no error queue kept */
    for (;;) {
        if (socket->error) {
            int error = socket->error;
            socket->error = 0;
            return -error;
        }
        if ((*packet = socket_queue_peek(queue)))
            return 0;
        if (socket_nonblocking(socket, message->flags))
            return -EAGAIN;
        /* Shutdown ends only a wait: a call that would not wait still answers
         * EAGAIN, as Linux's __skb_wait_for_more_packets. */
        if (socket->shut_read)
            return 0;
        int error = socket_wait(socket, deadline);
        if (error)
            return error;
    }
}

ssize_t datagram_deliver(struct socket_queue *queue, struct socket_packet *packet,
                         struct socket_message *message)
{
    size_t length = MIN((size_t)packet->length, message->length);
    ssize_t result = (message->flags & MSG_TRUNC) ? packet->length : (ssize_t)length;
    if (socket_message_copy_out(message, socket_packet_data(packet), length))
        result = -EFAULT;   /* the datagram is consumed all the same, as on Linux */
    else if (length < packet->length)
        message->result_flags |= MSG_TRUNC;
    if (!(message->flags & MSG_PEEK))
        socket_packet_free(socket_queue_pop(queue));
    return result;
}

unsigned datagram_poll(struct socket *socket, struct socket_queue *queue)
{
    unsigned mask = POLLOUT | POLLWRNORM;
    if (queue->count || socket->shut_read)
        mask |= POLLIN | POLLRDNORM;
    if (socket->error)
        mask |= POLLERR;
    if (socket->shut_read && socket->shut_write)
        mask |= POLLHUP;
    if (socket->shut_read)
        mask |= POLLRDHUP;
    return mask;
}

long datagram_ioctl(struct socket_queue *queue, unsigned command, uint64_t argument)
{
    if (command != FIONREAD)
        return -ENOTTY;
    struct socket_packet *packet = socket_queue_peek(queue);
    int length = packet ? (int)packet->length : 0;
    return socket_copy_to_user((int *)argument, &length, sizeof(length));
}
