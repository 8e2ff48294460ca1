/*
 * The sockets' porting boundary in the kernel (socket_port.h): wait queues,
 * uaccess, the current task's signals and exit, the page allocator and the
 * clocks.  The sockfs nodes are socket_fs.c's.
 */
#include "socket.h"
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
