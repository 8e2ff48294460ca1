/*
 * The socket system calls.  Each copies its user arguments into the kernel
 * (addresses, message headers, option values; data stays in user iovecs),
 * takes net_lock and calls the socket's operation; a missing operation
 * answers EOPNOTSUPP.  Layouts are Linux's arm64 ones (socket(2), recvmsg(2)).
 */
#include "socket.h"
#include "inet.h"
#include <fs_internal.h>
#include <page.h>
#include <syscall.h>
#include <uaccess.h>
#include <netif/port.h>

/* struct msghdr as user space lays it out on a 64-bit ABI. */
struct user_message_header {
    uint64_t name;
    int32_t name_length;
    uint64_t iov;
    uint64_t iov_count;
    uint64_t control;
    uint64_t control_length;
    int32_t flags;
};

static int address_from_user(uint64_t user_address, uint64_t length, uint8_t *address)
{
    if ((int)length < 0 || length > SOCKET_ADDRESS_MAX)
        return -EINVAL;
    if (length && copy_from_user(address, (void *)user_address, length))
        return -EFAULT;
    return 0;
}

/* Writes up to *user_length bytes of address and the full length back (Linux). */
static int address_to_user(const void *address, size_t length, uint64_t user_address,
                           uint64_t user_length)
{
    int32_t room;
    if (!user_length)
        return 0;
    if (GET_USER(room, (int32_t *)user_length))
        return -EFAULT;
    if (room < 0)
        return -EINVAL;
    if (length && copy_to_user((void *)user_address, address, MIN((size_t)room, length)))
        return -EFAULT;
    return PUT_USER((int32_t)length, (int32_t *)user_length);
}

static long sys_socket(uint64_t family, uint64_t type, uint64_t protocol)
{
    int flags = (int)type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
    if ((int)type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    struct socket *socket;
    int error = socket_create((int)family, (int)type & SOCK_TYPE_MASK, (int)protocol, &socket);
    if (error)
        return error;
    struct file *file = socket_file(socket, flags);
    if (!file)
        return -ENOMEM;
    int fd = fd_install(file, flags & SOCK_CLOEXEC);
    if (fd < 0)
        file_put(file);
    return fd;
}
SYSCALL(__NR_socket, sys_socket);

/*
 * Linux's __sys_socketpair: the flags, the user array (EFAULT), then two
 * sockets made as socket(2) makes them and joined by the kind; a kind that
 * does not pair (AF_INET) answers EOPNOTSUPP, and so does a family Linux
 * has and Strata does not (AF_INET6, AF_NETLINK): Linux would make its
 * sockets and then refuse to pair them.
 */
static long sys_socketpair(uint64_t family, uint64_t type, uint64_t protocol, uint64_t user_fds)
{
    int flags = (int)type & (SOCK_NONBLOCK | SOCK_CLOEXEC);
    int32_t *fds = (int32_t *)user_fds;
    if ((int)type & ~(SOCK_TYPE_MASK | SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    if (PUT_USER(-1, &fds[0]) || PUT_USER(-1, &fds[1]))
        return -EFAULT;
    struct socket *first, *second = NULL;
    int error = socket_create((int)family, (int)type & SOCK_TYPE_MASK, (int)protocol, &first);
    if (error == -EAFNOSUPPORT && family < AF_MAX)
        return -EOPNOTSUPP;
    if (error)
        return error;
    if (!first->ops->socketpair)
        error = -EOPNOTSUPP;
    else
        error = socket_create((int)family, (int)type & SOCK_TYPE_MASK, (int)protocol, &second);
    if (!error) {
        net_lock();
        error = first->ops->socketpair(first, second);
        net_unlock();
    }
    if (error) {
        socket_destroy(first);
        if (second)
            socket_destroy(second);
        return error;
    }
    struct file *first_file = socket_file(first, flags);
    if (!first_file) {
        socket_destroy(second);
        return -ENOMEM;
    }
    struct file *second_file = socket_file(second, flags);
    if (!second_file) {
        file_put(first_file);
        return -ENOMEM;
    }
    int first_fd = fd_install(first_file, flags & SOCK_CLOEXEC);
    if (first_fd < 0) {
        file_put(first_file);
        file_put(second_file);
        return first_fd;
    }
    int second_fd = fd_install(second_file, flags & SOCK_CLOEXEC);
    if (second_fd < 0) {
        fd_close(first_fd);
        file_put(second_file);
        return second_fd;
    }
    if (PUT_USER(first_fd, &fds[0]) || PUT_USER(second_fd, &fds[1])) {
        fd_close(first_fd);
        fd_close(second_fd);
        return -EFAULT;
    }
    return 0;
}
SYSCALL(__NR_socketpair, sys_socketpair);

/* Runs an address-taking operation (bind, connect). */
static long with_address(uint64_t fd, uint64_t user_address, uint64_t length, bool connect)
{
    uint8_t address[SOCKET_ADDRESS_MAX];
    int error = address_from_user(user_address, length, address);
    if (error)
        return error;
    struct socket *socket;
    struct file *file;
    if ((error = socket_from_fd((int)fd, &socket, &file)))
        return error;
    int (*operation)(struct socket *, const void *, size_t) =
        connect ? socket->ops->connect : socket->ops->bind;
    if (!operation) {
        error = -EOPNOTSUPP;
    } else {
        net_lock();
        if (connect && socket->family == AF_INET)
            inet_destination_this_host(socket, address, length);
        error = operation(socket, address, length);
        net_unlock();
    }
    file_put(file);
    return error;
}

static long sys_bind(uint64_t fd, uint64_t user_address, uint64_t length)
{
    return with_address(fd, user_address, length, false);
}
SYSCALL(__NR_bind, sys_bind);

static long sys_connect(uint64_t fd, uint64_t user_address, uint64_t length)
{
    return with_address(fd, user_address, length, true);
}
SYSCALL(__NR_connect, sys_connect);

static long sys_listen(uint64_t fd, uint64_t backlog)
{
    struct socket *socket;
    struct file *file;
    int error = socket_from_fd((int)fd, &socket, &file);
    if (error)
        return error;
    if (!socket->ops->listen) {
        error = -EOPNOTSUPP;
    } else {
        net_lock();
        error = socket->ops->listen(socket, (int)backlog);
        net_unlock();
    }
    file_put(file);
    return error;
}
SYSCALL(__NR_listen, sys_listen);

static long sys_accept4(uint64_t fd, uint64_t user_address, uint64_t user_length, uint64_t flags)
{
    if (flags & ~(uint64_t)(SOCK_NONBLOCK | SOCK_CLOEXEC))
        return -EINVAL;
    struct socket *socket, *accepted = NULL;
    struct file *file;
    int error = socket_from_fd((int)fd, &socket, &file);
    if (error)
        return error;
    long result;
    if (!socket->ops->accept || !socket->ops->getpeername) {
        result = -EOPNOTSUPP;
        goto out;
    }
    net_lock();
    result = socket->ops->accept(socket, &accepted, (int)flags);
    uint8_t address[SOCKET_ADDRESS_MAX];
    size_t length = sizeof(address);
    if (!result)
        accepted->ops->getpeername(accepted, address, &length);
    net_unlock();
    if (result)
        goto out;
    struct file *accepted_file = socket_file(accepted, (int)flags);
    if (!accepted_file) {
        result = -ENOMEM;
        goto out;
    }
    result = address_to_user(address, length, user_address, user_length);
    if (!result)
        result = fd_install(accepted_file, flags & SOCK_CLOEXEC);
    if (result < 0)
        file_put(accepted_file);
out:
    file_put(file);
    return result;
}
SYSCALL(__NR_accept4, sys_accept4);

static long sys_accept(uint64_t fd, uint64_t user_address, uint64_t user_length)
{
    return sys_accept4(fd, user_address, user_length, 0);
}
SYSCALL(__NR_accept, sys_accept);

static long name_of(uint64_t fd, uint64_t user_address, uint64_t user_length, bool peer)
{
    struct socket *socket;
    struct file *file;
    int error = socket_from_fd((int)fd, &socket, &file);
    if (error)
        return error;
    int (*operation)(struct socket *, void *, size_t *) =
        peer ? socket->ops->getpeername : socket->ops->getsockname;
    uint8_t address[SOCKET_ADDRESS_MAX];
    size_t length = sizeof(address);
    if (!operation) {
        error = -EOPNOTSUPP;
    } else {
        net_lock();
        error = operation(socket, address, &length);
        net_unlock();
    }
    if (!error)
        error = address_to_user(address, length, user_address, user_length ? user_length : 1);
    file_put(file);
    return error;
}

static long sys_getsockname(uint64_t fd, uint64_t user_address, uint64_t user_length)
{
    return name_of(fd, user_address, user_length, false);
}
SYSCALL(__NR_getsockname, sys_getsockname);

static long sys_getpeername(uint64_t fd, uint64_t user_address, uint64_t user_length)
{
    return name_of(fd, user_address, user_length, true);
}
SYSCALL(__NR_getpeername, sys_getpeername);

/* The core of sendmsg/sendto/recvmsg/recvfrom once the message is in the kernel. */
static long transfer(struct socket *socket, struct socket_message *message, bool send)
{
    ssize_t (*operation)(struct socket *, struct socket_message *) =
        send ? socket->ops->sendmsg : socket->ops->recvmsg;
    if (!operation)
        return -EOPNOTSUPP;
    net_lock();
    if (send && socket->family == AF_INET)
        inet_destination_this_host(socket, message->address, message->address_length);
    long result = operation(socket, message);
    net_unlock();
    return result;
}

static long sys_sendto(uint64_t fd, uint64_t user_buffer, uint64_t length, uint64_t flags,
                       uint64_t user_address, uint64_t address_length)
{
    struct iovec iov = { .iov_base = (void *)user_buffer, .iov_len = length };
    struct socket_message message = { .iov = &iov, .iov_count = 1, .length = length,
                                      .flags = (int)flags };
    if (user_address) {
        int error = address_from_user(user_address, address_length, message.address);
        if (error)
            return error;
        message.address_length = address_length;
    }
    struct socket *socket;
    struct file *file;
    int error = socket_from_fd((int)fd, &socket, &file);
    if (error)
        return error;
    long result = transfer(socket, &message, true);
    file_put(file);
    return result;
}
SYSCALL(__NR_sendto, sys_sendto);

static long sys_recvfrom(uint64_t fd, uint64_t user_buffer, uint64_t length, uint64_t flags,
                         uint64_t user_address, uint64_t user_address_length)
{
    struct iovec iov = { .iov_base = (void *)user_buffer, .iov_len = length };
    struct socket_message message = { .iov = &iov, .iov_count = 1, .length = length,
                                      .flags = (int)flags };
    struct socket *socket;
    struct file *file;
    int error = socket_from_fd((int)fd, &socket, &file);
    if (error)
        return error;
    long result = transfer(socket, &message, false);
    if (result >= 0 && user_address) {
        int copy_error = address_to_user(message.address, message.address_length, user_address,
                                         user_address_length);
        if (copy_error)
            result = copy_error;
    }
    file_put(file);
    return result;
}
SYSCALL(__NR_recvfrom, sys_recvfrom);

/* Reads a user msghdr and its iovec array; *iov is kmalloc'd (kfree it). */
static int message_from_user(uint64_t user_header, struct user_message_header *header,
                             struct socket_message *message, bool send)
{
    if (copy_from_user(header, (void *)user_header, sizeof(*header)))
        return -EFAULT;
    if (header->iov_count > UIO_MAXIOV)
        return -EMSGSIZE;
    message->iov_count = header->iov_count;
    message->iov = kmalloc(MAX(header->iov_count, 1) * sizeof(struct iovec));
    if (!message->iov)
        return -ENOMEM;
    if (copy_from_user(message->iov, (void *)header->iov, header->iov_count * sizeof(struct iovec)))
        return -EFAULT;
    for (size_t i = 0; i < message->iov_count; i++)
        if (__builtin_add_overflow(message->length, message->iov[i].iov_len, &message->length) ||
            (ssize_t)message->length < 0)
            return -EINVAL;
    if (send && header->name) {
        int error = address_from_user(header->name, (uint64_t)(int64_t)header->name_length,
                                      message->address);
        if (error)
            return error;
        message->address_length = (size_t)header->name_length;
    }
    message->control_capacity = header->control_length;
    /* ____sys_sendmsg: more than INT_MAX or than optmem_max is ENOBUFS. */
    if (send && header->control_length) {
        if (header->control_length > SOCKET_SEND_CONTROL_MAX)
            return -ENOBUFS;
        uint8_t *control = kmalloc(header->control_length);
        if (!control)
            return -ENOBUFS;
        message->sent_control = control;
        message->sent_control_length = header->control_length;
        if (copy_from_user(control, (void *)header->control, header->control_length))
            return -EFAULT;
    }
    return 0;
}


/* Writes back msg_namelen, msg_controllen, msg_flags and the control data. */
static int message_to_user(uint64_t user_header, struct user_message_header *header,
                           struct socket_message *message)
{
    struct user_message_header *user = (void *)user_header;
    if (header->name) {
        size_t length = MIN(message->address_length, (size_t)MAX(header->name_length, 0));
        if (length && copy_to_user((void *)header->name, message->address, length))
            return -EFAULT;
        if (PUT_USER((int32_t)message->address_length, &user->name_length))
            return -EFAULT;
    }
    if (message->control_length &&
        copy_to_user((void *)header->control, message->control, message->control_length))
        return -EFAULT;
    if (PUT_USER((uint64_t)message->control_length, &user->control_length) ||
        PUT_USER((int32_t)message->result_flags, &user->flags))
        return -EFAULT;
    return 0;
}

/* sendmsg and recvmsg: the same header handling, in opposite directions. */
long socket_message_call(struct socket *socket, uint64_t user_header, int flags, bool sending,
                         size_t *length)
{
    struct user_message_header header;
    struct socket_message *message = kzalloc(sizeof(*message));
    if (!message)
        return -ENOMEM;
    message->flags = flags;
    long result = message_from_user(user_header, &header, message, sending);
    if (!result)
        result = transfer(socket, message, sending);
    if (!sending && result >= 0) {
        int error = message_to_user(user_header, &header, message);
        if (error)
            result = error;
    }
    if (length)
        *length = message->length;
    kfree(message->iov);
    kfree((void *)message->sent_control);
    kfree(message);
    return result;
}

static long message_call(uint64_t fd, uint64_t user_header, uint64_t flags, bool sending)
{
    struct socket *socket;
    struct file *file;
    long result = socket_from_fd((int)fd, &socket, &file);
    if (result)
        return result;
    result = socket_message_call(socket, user_header, (int)flags, sending, NULL);
    file_put(file);
    return result;
}

static long sys_sendmsg(uint64_t fd, uint64_t user_header, uint64_t flags)
{
    return message_call(fd, user_header, flags, true);
}
SYSCALL(__NR_sendmsg, sys_sendmsg);

static long sys_recvmsg(uint64_t fd, uint64_t user_header, uint64_t flags)
{
    return message_call(fd, user_header, flags, false);
}
SYSCALL(__NR_recvmsg, sys_recvmsg);

static long sys_setsockopt(uint64_t fd, uint64_t level, uint64_t name, uint64_t user_value,
                           uint64_t length)
{
    if ((int)length < 0)
        return -EINVAL;
    struct socket *socket;
    struct file *file;
    long result = socket_from_fd((int)fd, &socket, &file);
    if (result)
        return result;
    size_t size = MIN((size_t)length, PAGE_SIZE);
    void *value = kmalloc(MAX(size, 1));
    if (!value)
        result = -ENOMEM;
    else if (size && copy_from_user(value, (void *)user_value, size))
        result = -EFAULT;
    if (!result) {
        net_lock();
        result = socket_setsockopt(socket, (int)level, (int)name, value, size);
        net_unlock();
    }
    kfree(value);
    file_put(file);
    return result;
}
SYSCALL(__NR_setsockopt, sys_setsockopt);

static long sys_getsockopt(uint64_t fd, uint64_t level, uint64_t name, uint64_t user_value,
                           uint64_t user_length)
{
    int32_t room;
    if (GET_USER(room, (int32_t *)user_length))
        return -EFAULT;
    if (room < 0)
        return -EINVAL;
    struct socket *socket;
    struct file *file;
    long result = socket_from_fd((int)fd, &socket, &file);
    if (result)
        return result;
    uint8_t value[128] = { 0 };
    size_t length = MIN((size_t)room, sizeof(value));
    /* A few options read their value first (PACKET_HDRLEN's version); a
     * buffer that cannot be read fails only when the answer is copied. */
    if (length && copy_from_user(value, (void *)user_value, length))
        memset(value, 0, sizeof(value));
    net_lock();
    result = socket_getsockopt(socket, (int)level, (int)name, value, &length);
    net_unlock();
    if (!result && ((length && copy_to_user((void *)user_value, value, length)) ||
                    PUT_USER((int32_t)length, (int32_t *)user_length)))
        result = -EFAULT;
    file_put(file);
    return result;
}
SYSCALL(__NR_getsockopt, sys_getsockopt);

static long sys_shutdown(uint64_t fd, uint64_t how)
{
    if (how > SHUT_RDWR)
        return -EINVAL;
    struct socket *socket;
    struct file *file;
    long result = socket_from_fd((int)fd, &socket, &file);
    if (result)
        return result;
    net_lock();
    if (socket->ops->shutdown)
        result = socket->ops->shutdown(socket, (int)how);
    else
        result = -EOPNOTSUPP;
    net_unlock();
    socket_wake(socket);
    file_put(file);
    return result;
}
SYSCALL(__NR_shutdown, sys_shutdown);
