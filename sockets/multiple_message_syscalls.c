/*
 * sendmmsg(2) and recvmmsg(2): several sendmsg or recvmsg calls on one
 * socket in one system call, each message's result written to its
 * msg_len.  Both stop at the first error and report it only if no message
 * went through (the count otherwise), as Linux's __sys_sendmmsg and
 * __sys_recvmmsg do.
 */
#include "socket.h"
#include <clock.h>
#include <fs_internal.h>
#include <syscall.h>
#include <uaccess.h>
#include <netif/port.h>

/* struct mmsghdr on a 64-bit ABI: a struct msghdr (56 bytes), then msg_len. */
#define MULTIPLE_MESSAGE_SIZE 64
#define MULTIPLE_MESSAGE_LENGTH_OFFSET 56

static uint32_t *message_length_field(uint64_t user_vector, size_t index)
{
    return (uint32_t *)(user_vector + index * MULTIPLE_MESSAGE_SIZE +
                        MULTIPLE_MESSAGE_LENGTH_OFFSET);
}

static uint64_t message_header(uint64_t user_vector, size_t index)
{
    return user_vector + index * MULTIPLE_MESSAGE_SIZE;
}

static long sys_sendmmsg(uint64_t fd, uint64_t user_vector, uint64_t count, uint64_t flags)
{
    if (flags & (uint32_t)MSG_CMSG_COMPAT)
        return -EINVAL;
    count = MIN(count, UIO_MAXIOV);
    struct socket *socket;
    struct file *file;
    long error = socket_from_fd((int)fd, &socket, &file);
    if (error)
        return error;
    size_t sent = 0;
    while (sent < count) {
        size_t length;
        long result = socket_message_call(socket, message_header(user_vector, sent), (int)flags,
                                          true, &length);
        if (result < 0) {
            error = result;
            break;
        }
        if (PUT_USER((uint32_t)result, message_length_field(user_vector, sent))) {
            error = -EFAULT;
            break;
        }
        sent++;
        if ((size_t)result < length)
            break;      /* a stream socket took part of it: the rest would follow out of order */
    }
    file_put(file);
    return sent ? (long)sent : error;
}
SYSCALL(__NR_sendmmsg, sys_sendmmsg);

/* Takes the socket's pending error (SO_ERROR), as Linux's sock_error does. */
static int take_pending_error(struct socket *socket)
{
    net_lock();
    int error = socket->error;
    socket->error = 0;
    net_unlock();
    return error;
}

/*
 * The receiving loop.  The timeout is looked at only after each datagram, so
 * a call can block past it waiting for the next one (recvmmsg(2), BUGS);
 * MSG_WAITFORONE makes every receive after the first MSG_DONTWAIT.  An error
 * after some datagrams were received is kept as the socket's pending error,
 * for the next call, unless it was EAGAIN.
 */
static long receive_messages(struct socket *socket, uint64_t user_vector, size_t count, int flags,
                             uint64_t deadline, bool has_timeout, bool immediate)
{
    if (!(flags & MSG_ERRQUEUE)) {
        int pending = take_pending_error(socket);
        if (pending)
            return -pending;
    }
    size_t received = 0;
    long error = 0;
    while (received < count) {
        long result = socket_message_call(socket, message_header(user_vector, received),
                                          flags & ~MSG_WAITFORONE, false, NULL);
        if (result < 0) {
            error = result;
            break;
        }
        if (PUT_USER((uint32_t)result, message_length_field(user_vector, received))) {
            error = -EFAULT;
            break;
        }
        received++;
        if (flags & MSG_WAITFORONE)
            flags |= MSG_DONTWAIT;
        if (has_timeout && (immediate || (deadline && clock_monotonic_ns() >= deadline)))
            break;
    }
    if (!received)
        return error;
    if (error && error != -EAGAIN) {
        net_lock();
        socket->error = (int)-error;
        net_unlock();
    }
    return (long)received;
}

static long sys_recvmmsg(uint64_t fd, uint64_t user_vector, uint64_t count, uint64_t flags,
                         uint64_t user_timeout)
{
    if (flags & (uint32_t)MSG_CMSG_COMPAT)
        return -EINVAL;
    uint64_t deadline;
    bool immediate;
    long result = poll_read_timeout(user_timeout, &deadline, &immediate);
    if (result)
        return result;
    struct socket *socket;
    struct file *file;
    result = socket_from_fd((int)fd, &socket, &file);
    if (result)
        return result;
    result = receive_messages(socket, user_vector, MIN(count, UIO_MAXIOV), (int)flags, deadline,
                              user_timeout != 0, immediate);
    file_put(file);
    if (result > 0 && poll_write_time_left(user_timeout, deadline))
        result = -EFAULT;
    return result;
}
SYSCALL(__NR_recvmmsg, sys_recvmmsg);
