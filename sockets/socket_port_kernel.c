/*
 * The sockets' porting boundary in the kernel (socket_port.h): wait queues,
 * uaccess, the current task's signals and exit, the page allocator, the
 * clocks, and for AF_UNIX the processes, the descriptor table and the
 * file system's socket nodes.  The sockfs nodes are socket_fs.c's.
 */
#include "socket.h"
#include <fs_internal.h>
#include <signal.h>
#include <task.h>
#include <uaccess.h>

void socket_wait_queue_init(struct wait_queue *queue)
{
    wait_queue_init(queue);
}

void socket_wake(struct socket *socket)
{
    wake_up_all(&socket->wait);
}

uint64_t socket_deadline(uint64_t timeout_ns)
{
    return timeout_ns ? clock_monotonic_ns() + timeout_ns : 0;
}

/* A wait's answer as socket_wait gives it: EAGAIN for the deadline, and
 * Linux restarts a socket call only when it had no timeout (sock_intr_errno). */
static int wait_result(int error, uint64_t deadline)
{
    if (error == -ETIMEDOUT)
        return -EAGAIN;
    if (error == -ERESTARTSYS && deadline)
        return -EINTR;
    return error;
}

int socket_wait(struct socket *socket, uint64_t deadline)
{
    net_unlock();
    int error = wait_on(&socket->wait, deadline);
    net_lock();
    return wait_result(error, deadline);
}

uint64_t socket_clock_realtime_ns(void)
{
    return clock_realtime_ns();
}

int socket_copy_from_user(void *destination, const void *user_source, size_t length)
{
    return copy_from_user(destination, user_source, length) ? -EFAULT : 0;
}

int socket_copy_to_user(void *user_destination, const void *source, size_t length)
{
    return copy_to_user(user_destination, source, length) ? -EFAULT : 0;
}

long socket_string_from_user(char *destination, const char *user_source, size_t limit)
{
    return string_from_user(destination, user_source, limit);
}

bool socket_caller_exiting(void)
{
    return current->process->exiting;
}

void socket_caller_broken_pipe(void)
{
    /* Linux's send_sig(SIGPIPE, current, 0): to this thread, SI_USER (0). */
    struct signal_info info = { .signal = SIGPIPE, .pid = current->process->pid };
    signal_send_task(current, &info);
}

void *socket_pages_alloc(unsigned order)
{
    return pages_alloc_separate(order);
}

void socket_page_get(void *page)
{
    page_get(page);
}

void socket_page_put(void *page)
{
    page_put(page);
}

uint32_t socket_page_refcount(void *page)
{
    return page_refcount(page);
}

int socket_wait_also(struct socket *socket, struct wait_queue *other, uint64_t deadline)
{
    struct wait_entry own, also;
    wait_queue_add(&socket->wait, &own);
    wait_queue_add(other, &also);
    net_unlock();
    int error = wait_sleep(deadline);
    net_lock();
    wait_entry_remove(&own);
    wait_entry_remove(&also);
    return wait_result(error, deadline);
}

void socket_wait_queue_wake(struct wait_queue *queue)
{
    wake_up_all(queue);
}

int32_t socket_caller_pid(void)
{
    return current->process->pid;
}

bool socket_process_exists(int32_t pid)
{
    return process_by_pid(pid) != NULL;
}

struct file *socket_file_of(int fd)
{
    return fd_get(fd);
}

void socket_file_get(struct file *file)
{
    file_get(file);
}

void socket_file_put(struct file *file)
{
    file_put(file);
}

int socket_file_install(struct file *file, bool close_on_exec)
{
    return fd_install(file, close_on_exec);
}

static bool name_exists(struct inode *directory, const char *name, size_t length)
{
    struct inode *node;
    if (!directory->ops || !directory->ops->lookup ||
        directory->ops->lookup(directory, name, length, &node))
        return false;
    inode_put(node);
    return true;
}

int socket_path_make(const char *path, struct inode **node)
{
    struct inode *directory;
    const char *leaf;
    size_t leaf_length;
    int error = path_lookup_parent(AT_FDCWD, path, &directory, &leaf, &leaf_length);
    if (error)
        return error;
    const struct inode_operations *ops = directory->ops;
    bool special = leaf_length == 0 || (leaf_length == 1 && leaf[0] == '.') ||
                   (leaf_length == 2 && leaf[0] == '.' && leaf[1] == '.');
    uint32_t mode = S_IFSOCK | (0777 & ~current->process->fs->umask);
    if (special || name_exists(directory, leaf, leaf_length))
        error = -EADDRINUSE;
    /* A file system that makes no nodes here is procfs, whose lookup of a
     * missing name already fails on Linux: ENOENT. */
    else if (directory->link_count == 0 || !ops || !ops->mknod || !ops->lookup || !ops->unlink)
        error = -ENOENT;
    else
        error = ops->mknod(directory, leaf, leaf_length, mode, 0);
    if (!error)
        error = ops->lookup(directory, leaf, leaf_length, node);
    inode_put(directory);
    return error;
}

void socket_path_remove(const char *path, struct inode *node)
{
    struct inode *directory;
    const char *leaf;
    size_t leaf_length;
    if (!path_lookup_parent(AT_FDCWD, path, &directory, &leaf, &leaf_length)) {
        directory->ops->unlink(directory, leaf, leaf_length);
        inode_put(directory);
    }
    inode_put(node);
}

int socket_path_find(const char *path, struct inode **node)
{
    int error = path_lookup(AT_FDCWD, path, true, node);
    if (error)
        return error;
    if (S_ISSOCK((*node)->mode))
        return 0;
    inode_put(*node);
    return -ECONNREFUSED;
}

void socket_path_put(struct inode *node)
{
    inode_put(node);
}
