/*
 * The socket file system (kernel only): every socket is an inode of sockfs
 * (the port's socket node, socket_port.h), and its open file's read, write,
 * poll, ioctl and release go to the socket's operations under net_lock
 * (socket.h).  Creation itself is socket.c's.
 */
#include "socket.h"
#include <fs_internal.h>
#include <linux/sockios.h>
#include <asm/poll.h>

static const struct file_operations socket_file_operations;

static struct super_block *socket_super_block(void)
{
    static struct super_block *super_block;
    if (!super_block)
        super_block = pseudo_super_block_new("sockfs", "socket");
    return super_block;
}

/* ---- the port's socket nodes (socket_port.h): a sockfs inode ---- */

int socket_node_new(struct socket *socket)
{
    struct super_block *super_block = socket_super_block();
    struct inode *inode = super_block ? inode_new(super_block, S_IFSOCK | 0777) : NULL;
    if (!inode)
        return -ENOMEM;
    inode->file_ops = &socket_file_operations;
    inode->link_count = 1;
    inode->private = socket;
    socket->inode = inode;
    return 0;
}

void socket_node_put(struct socket *socket)
{
    socket->inode->private = NULL;
    inode_put(socket->inode);
}

unsigned long socket_node_number(const struct socket *socket)
{
    return (unsigned long)socket->inode->number;
}

bool socket_file_nonblocking(const struct socket *socket)
{
    return socket->file && (socket->file->flags & O_NONBLOCK);
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

struct socket *socket_file_socket(struct file *file)
{
    return file->ops == &socket_file_operations ? file->inode->private : NULL;
}

uint32_t socket_file_references(const struct socket *socket)
{
    return socket->file ? socket->file->refcount : 0;
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

/* The file holds the inode, which outlives the socket. */
static void socket_release(struct file *file)
{
    struct socket *socket = file->inode->private;
    socket_close(socket);
    file->inode->private = NULL;
    net_free(socket);
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
