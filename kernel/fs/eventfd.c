/*
 * eventfd2(2): a 64-bit counter behind a descriptor, for waking a waiter
 * from another thread or process (tokio's runtime wakes its I/O driver
 * through one).  write adds to the counter; read returns it and resets it
 * to 0, or with EFD_SEMAPHORE returns 1 and decrements it.  The counter
 * never exceeds EVENTFD_COUNTER_MAX: a write that would pass it waits, and
 * a read of 0 waits, unless O_NONBLOCK, when both answer EAGAIN.
 */
#include <fs_internal.h>
#include <page.h>
#include <syscall.h>
#include <uaccess.h>
#include <asm/poll.h>

/* eventfd(2)'s flags; Linux 6.1's uapi headers have no linux/eventfd.h. */
#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC O_CLOEXEC
#define EFD_NONBLOCK O_NONBLOCK
#define EVENTFD_COUNTER_MAX 0xfffffffffffffffeULL

struct eventfd {
    uint64_t counter;            /* <= EVENTFD_COUNTER_MAX */
    bool semaphore;              /* EFD_SEMAPHORE */
    struct wait_queue readable;  /* readers and pollers wait for counter > 0 */
    struct wait_queue writable;  /* writers wait for room */
};

static ssize_t eventfd_read(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    struct eventfd *eventfd = file->private;
    if (length < sizeof(uint64_t))
        return -EINVAL;
    while (eventfd->counter == 0) {
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        int error = wait_on(&eventfd->readable, 0);
        if (error)
            return error;
    }
    uint64_t value = eventfd->semaphore ? 1 : eventfd->counter;
    if (copy_to_user(user_buffer, &value, sizeof(value)))
        return -EFAULT;
    eventfd->counter -= value;
    wake_up_all(&eventfd->writable);
    return sizeof(value);
}

static ssize_t eventfd_write(struct file *file, const void *user_buffer, size_t length,
                             uint64_t *offset)
{
    struct eventfd *eventfd = file->private;
    uint64_t value;
    if (length < sizeof(value))
        return -EINVAL;
    if (copy_from_user(&value, user_buffer, sizeof(value)))
        return -EFAULT;
    if (value == UINT64_MAX)
        return -EINVAL;
    while (EVENTFD_COUNTER_MAX - eventfd->counter < value) {
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        int error = wait_on(&eventfd->writable, 0);
        if (error)
            return error;
    }
    eventfd->counter += value;
    if (value)
        wake_up_all(&eventfd->readable);
    return sizeof(value);
}

static unsigned eventfd_poll(struct file *file, struct poll_table *table)
{
    struct eventfd *eventfd = file->private;
    poll_wait(table, &eventfd->readable);
    poll_wait(table, &eventfd->writable);
    unsigned events = 0;
    if (eventfd->counter > 0)
        events |= POLLIN | POLLRDNORM;
    if (eventfd->counter < EVENTFD_COUNTER_MAX)
        events |= POLLOUT | POLLWRNORM;
    return events;
}

static void eventfd_release(struct file *file)
{
    kfree(file->private);
}

static const struct file_operations eventfd_file_operations = {
    .read = eventfd_read,
    .write = eventfd_write,
    .poll = eventfd_poll,
    .seek = seek_stays,
    .release = eventfd_release,
};

static long sys_eventfd2(uint64_t initial_value, uint64_t flags)
{
    if (flags & ~(uint64_t)(EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE))
        return -EINVAL;
    struct eventfd *eventfd = kzalloc(sizeof(*eventfd));
    struct file *file = eventfd ? anon_inode_file_new("[eventfd]", &eventfd_file_operations,
                                                      eventfd, O_RDWR | (flags & EFD_NONBLOCK))
                                : NULL;
    if (!file) {
        kfree(eventfd);
        return -ENOMEM;
    }
    /* The argument is an unsigned int: the upper half of the register is not ours. */
    eventfd->counter = (uint32_t)initial_value;
    eventfd->semaphore = flags & EFD_SEMAPHORE;
    wait_queue_init(&eventfd->readable);
    wait_queue_init(&eventfd->writable);
    int fd = fd_install(file, flags & EFD_CLOEXEC);
    if (fd < 0)
        file_put(file);
    return fd;
}
SYSCALL(__NR_eventfd2, sys_eventfd2);
