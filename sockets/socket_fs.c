/*
 * The socket file system: every socket is an inode of sockfs, and its open
 * file's read, write, poll, ioctl and release go to the socket's operations
 * under net_lock (socket.h).  Creation picks the kind's table from
 * (family, type, protocol) as Linux's socket(2) does.
 */
#include "socket.h"
#include "unix/unix.h"
#include <fs_internal.h>
#include <clock.h>
#include <page.h>
#include <netif/pbuf.h>
#include <tcp/tcp.h>
#include <linux/in.h>
#include <linux/sockios.h>
#include <asm/poll.h>

static const struct file_operations socket_file_operations;

/* Open sockets, for /proc/net/sockstat and leak checks: all, and by kind. */
static size_t sockets_in_use, sockets_by_kind[5];
enum { KIND_UDP, KIND_RAW, KIND_PACKET, KIND_TCP, KIND_UNIX };

static size_t *kind_count(const struct socket *socket)
{
    if (socket->ops == &udp_socket_operations)
        return &sockets_by_kind[KIND_UDP];
    if (socket->ops == &raw_socket_operations)
        return &sockets_by_kind[KIND_RAW];
    if (socket->ops == &tcp_socket_operations)
        return &sockets_by_kind[KIND_TCP];
    if (socket->ops == &unix_socket_operations)
        return &sockets_by_kind[KIND_UNIX];
    return &sockets_by_kind[KIND_PACKET];
}

static void socket_count(const struct socket *socket, int change)
{
    sockets_in_use += change;
    *kind_count(socket) += change;
}

/*
 * Linux's sockstat lines (TCP inuse counts sockets, alloc them and the
 * orphans; UDPLITE and FRAG read 0 here), then Strata's own: packet
 * sockets and the pbufs alive, which leak tests compare.
 */
size_t socket_statistics_format(char *buffer, size_t size)
{
    size_t orphans, time_wait;
    tcp_pcb_census(&orphans, &time_wait);
    int length = snprintf(buffer, size,
                          "sockets: used %zu\n"
                          "TCP: inuse %zu orphan %zu tw %zu alloc %zu mem 0\n"
                          "UDP: inuse %zu mem 0\n"
                          "UDPLITE: inuse 0\n"
                          "RAW: inuse %zu\n"
                          "FRAG: inuse 0 memory 0\n"
                          "PACKET: inuse %zu\n"
                          "PBUF: inuse %zu\n",
                          sockets_in_use, sockets_by_kind[KIND_TCP], orphans, time_wait,
                          sockets_by_kind[KIND_TCP] + orphans,
                          sockets_by_kind[KIND_UDP], sockets_by_kind[KIND_RAW],
                          sockets_by_kind[KIND_PACKET], pbuf_count());
    return length < 0 ? 0 : (size_t)length;
}

static struct super_block *socket_super_block(void)
{
    static struct super_block *super_block;
    if (!super_block)
        super_block = pseudo_super_block_new("sockfs", "socket");
    return super_block;
}

/*
 * Which table serves (family, type, protocol); errno values as Linux's
 * socket(2) answers them.  AF_INET6 and AF_NETLINK are not implemented:
 * EAFNOSUPPORT, on which busybox falls back to AF_INET (nc, httpd) or
 * fails cleanly (ip).
 */
static int socket_kind(int family, int type, int protocol, const socket_op_t **ops)
{
    switch (family) {
    case AF_INET:
        if (protocol < 0 || protocol >= IPPROTO_MAX)
            return -EINVAL;
        if (type == SOCK_DGRAM && (protocol == 0 || protocol == IPPROTO_UDP)) {
            *ops = &udp_socket_operations;
            return 0;
        }
        /* ICMP ping sockets are not offered: EACCES, as Linux answers with its
         * default net.ipv4.ping_group_range ("1 0": no group may). */
        if (type == SOCK_DGRAM && protocol == IPPROTO_ICMP)
            return -EACCES;
        /* A raw socket names its protocol: 0 is no protocol (EPROTONOSUPPORT). */
        if (type == SOCK_RAW && protocol != 0) {
            *ops = &raw_socket_operations;
            return 0;
        }
        if (type == SOCK_STREAM && (protocol == 0 || protocol == IPPROTO_TCP)) {
            *ops = &tcp_socket_operations;
            return 0;
        }
        if (type == SOCK_DGRAM || type == SOCK_RAW || type == SOCK_STREAM)
            return -EPROTONOSUPPORT;
        return -ESOCKTNOSUPPORT;
    case AF_PACKET:
        if (type != SOCK_RAW && type != SOCK_DGRAM)
            return -ESOCKTNOSUPPORT;
        *ops = &packet_socket_operations;
        return 0;
    case AF_UNIX:
        /* Linux's unix_create; SOCK_RAW is taken as SOCK_DGRAM by the kind. */
        if (protocol != 0 && protocol != AF_UNIX)
            return -EPROTONOSUPPORT;
        if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET && type != SOCK_RAW)
            return -ESOCKTNOSUPPORT;
        *ops = &unix_socket_operations;
        return 0;
    default:
        return -EAFNOSUPPORT;
    }
}

int socket_create(int family, int type, int protocol, struct socket **result)
{
    /* Linux's __sock_create: the family's range before the type's. */
    if (family < 0 || family >= AF_MAX)
        return -EAFNOSUPPORT;
    if (type < 0 || type >= SOCK_MAX)
        return -EINVAL;
    const socket_op_t *ops;
    int error = socket_kind(family, type, protocol, &ops);
    if (error)
        return error;
    struct super_block *super_block = socket_super_block();
    struct socket *socket = kzalloc(sizeof(*socket));
    struct inode *inode = super_block ? inode_new(super_block, S_IFSOCK | 0777) : NULL;
    if (!socket || !inode) {
        kfree(socket);
        if (inode)
            inode_put(inode);
        return -ENOMEM;
    }
    inode->file_ops = &socket_file_operations;
    inode->link_count = 1;
    inode->private = socket;
    socket->inode = inode;
    socket->family = family;
    socket->type = type;
    socket->protocol = protocol;
    socket->ops = ops;
    socket->receive_buffer = SOCKET_DEFAULT_BUFFER;
    socket->send_buffer = SOCKET_DEFAULT_BUFFER;
    wait_queue_init(&socket->wait);
    net_lock();
    error = ops->socket ? ops->socket(socket) : 0;
    net_unlock();
    if (error) {
        inode->private = NULL;
        inode_put(inode);
        kfree(socket);
        return error;
    }
    socket_count(socket, 1);
    *result = socket;
    return 0;
}

void socket_destroy(struct socket *socket)
{
    socket_count(socket, -1);
    net_lock();
    if (socket->ops->close)
        socket->ops->close(socket);
    socket_filter_free(socket);
    net_unlock();
    socket->inode->private = NULL;
    inode_put(socket->inode);
    kfree(socket);
}

struct file *socket_file(struct socket *socket, int flags)
{
    struct file *file = file_new(socket->inode, O_RDWR | ((flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0));
    if (!file) {
        socket_destroy(socket);
        return NULL;
    }
    /* The file holds the inode now; the creation reference goes. */
    inode_put(socket->inode);
    socket->file = file;
    return file;
}

int socket_from_fd(int fd, struct socket **socket, struct file **file)
{
    struct file *found = fd_get(fd);
    if (!found)
        return -EBADF;
    /* Linux's sockfd_lookup uses fdget, which does not see O_PATH files. */
    if (found->flags & O_PATH) {
        file_put(found);
        return -EBADF;
    }
    if (found->ops != &socket_file_operations) {
        file_put(found);
        return -ENOTSOCK;
    }
    *socket = found->inode->private;
    *file = found;
    return 0;
}

bool socket_nonblocking(const struct socket *socket, int message_flags)
{
    return (message_flags & MSG_DONTWAIT) || (socket->file && (socket->file->flags & O_NONBLOCK));
}

void socket_wake(struct socket *socket)
{
    wake_up_all(&socket->wait);
}

uint64_t socket_deadline(uint64_t timeout_ns)
{
    return timeout_ns ? clock_monotonic_ns() + timeout_ns : 0;
}

int socket_wait(struct socket *socket, uint64_t deadline)
{
    net_unlock();
    int error = wait_on(&socket->wait, deadline);
    net_lock();
    if (error == -ETIMEDOUT)
        return -EAGAIN;
    /* Linux restarts a socket call only when it had no timeout (sock_intr_errno). */
    if (error == -ERESTARTSYS && deadline)
        return -EINTR;
    return error;
}

/* ---- the file operations ---- */

static ssize_t socket_read(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    struct socket *socket = file->inode->private;
    struct iovec iov = { .iov_base = user_buffer, .iov_len = length };
    struct socket_message message = { .iov = &iov, .iov_count = 1, .length = length };
    if (!socket->ops->recvmsg)
        return -EOPNOTSUPP;
    net_lock();
    ssize_t result = socket->ops->recvmsg(socket, &message);
    net_unlock();
    return result;
}

static ssize_t socket_write(struct file *file, const void *user_buffer, size_t length,
                            uint64_t *offset)
{
    struct socket *socket = file->inode->private;
    struct iovec iov = { .iov_base = (void *)user_buffer, .iov_len = length };
    struct socket_message message = { .iov = &iov, .iov_count = 1, .length = length };
    if (!socket->ops->sendmsg)
        return -EOPNOTSUPP;
    net_lock();
    ssize_t result = socket->ops->sendmsg(socket, &message);
    net_unlock();
    return result;
}

static unsigned socket_poll(struct file *file, struct poll_table *table)
{
    struct socket *socket = file->inode->private;
    poll_wait(table, &socket->wait);
    if (!socket->ops->poll)
        return POLLOUT | POLLWRNORM;
    net_lock();
    unsigned mask = socket->ops->poll(socket);
    net_unlock();
    return mask;
}

/* The kind answers first (TCP's SIOCOUTQNSD lies in the 0x89xx range);
 * interface ioctls (0x89xx, sockios.h) work on any socket, as Linux's
 * sock_ioctl falls back to the device ioctls. */
static long socket_ioctl(struct file *file, unsigned command, uint64_t argument)
{
    struct socket *socket = file->inode->private;
    long result = -ENOTTY;
    if (socket->ops->ioctl) {
        net_lock();
        result = socket->ops->ioctl(socket, command, argument);
        net_unlock();
    }
    if (result == -ENOTTY && command >= SIOCADDRT && command < SIOCDEVPRIVATE)
        result = socket_interface_ioctl(command, argument);
    return result;
}

static void socket_release(struct file *file)
{
    struct socket *socket = file->inode->private;
    socket_count(socket, -1);
    net_lock();
    if (socket->ops->close)
        socket->ops->close(socket);
    socket_filter_free(socket);
    net_unlock();
    socket_wake(socket);
    file->inode->private = NULL;
    kfree(socket);
}

static int socket_mmap(struct file *file, uint64_t offset, uint64_t length)
{
    struct socket *socket = file->inode->private;
    if (!socket->ops->mmap)
        return -ENODEV;
    net_lock();
    int error = socket->ops->mmap(socket, offset, length);
    net_unlock();
    return error;
}

static int socket_map_page(struct file *file, uint64_t index, void **page)
{
    struct socket *socket = file->inode->private;
    if (!socket->ops->map_page)
        return -ENXIO;
    return socket->ops->map_page(socket, index, page);
}

static const struct file_operations socket_file_operations = {
    .read = socket_read,
    .write = socket_write,
    .poll = socket_poll,
    .ioctl = socket_ioctl,
    .seek = no_seek,
    .release = socket_release,
    .map_page = socket_map_page,
    .mmap = socket_mmap,
};
