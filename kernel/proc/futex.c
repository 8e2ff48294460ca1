/*
 * futex(2): FUTEX_WAIT, FUTEX_WAKE and their BITSET forms, private or not,
 * with timeouts, plus REQUEUE/CMP_REQUEUE.  A waiter is keyed by the
 * physical address of the word, which names the same futex in every address
 * space that maps it.  The page is made writable (copy on write broken)
 * before keying, so a later write cannot move the word to a new page.
 */
#include <futex.h>
#include <task.h>
#include <uaccess.h>
#include <syscall.h>
#include <clock.h>
#include <address_space.h>
#include <linux/futex.h>
#include <linux/time_types.h>

struct futex_waiter {
    struct list_node node;
    uint64_t key;
    uint32_t bitset;
    struct task *task;
    bool woken;
};

static struct list_node waiters = LIST_HEAD_INIT(waiters);

static int futex_key(uint64_t user_address, uint64_t *key)
{
    if (user_address & 3)
        return -EINVAL;
    if (user_range_prepare((void *)user_address, 4, true) < 0)
        return -EFAULT;
    void *kernel_address = address_space_lookup(current->process->address_space, user_address, true);
    if (!kernel_address)
        return -EFAULT;
    *key = virt_to_phys(kernel_address);
    return 0;
}

static int wake_key(uint64_t key, int count, uint32_t bitset)
{
    int woken = 0;
    list_for_each_safe(node, &waiters) {
        if (woken >= count)
            break;
        struct futex_waiter *waiter = container_of(node, struct futex_waiter, node);
        if (waiter->key != key || !(waiter->bitset & bitset))
            continue;
        list_remove(node);
        waiter->woken = true;
        task_wake(waiter->task);
        woken++;
    }
    return woken;
}

int futex_wake_address(uint64_t user_address, int count)
{
    uint64_t key;
    if (futex_key(user_address, &key) < 0)
        return 0;
    return wake_key(key, count, FUTEX_BITSET_MATCH_ANY);
}

static int futex_wait(uint64_t user_address, uint32_t expected, uint64_t deadline, uint32_t bitset)
{
    if (!bitset)
        return -EINVAL;
    uint64_t key;
    int error = futex_key(user_address, &key);
    if (error)
        return error;
    uint32_t value = *(volatile uint32_t *)phys_to_virt(key);
    if (value != expected)
        return -EAGAIN;
    struct futex_waiter waiter = { .key = key, .bitset = bitset, .task = current };
    list_push_back(&waiters, &waiter.node);
    while (!waiter.woken) {
        error = wait_sleep(deadline);
        if (error)
            break;
    }
    list_remove(&waiter.node);
    if (waiter.woken)
        return 0;
    return error;
}

static int requeue(uint64_t from, uint64_t to, int wake_count, int requeue_count)
{
    uint64_t from_key, to_key;
    int error = futex_key(from, &from_key);
    if (!error)
        error = futex_key(to, &to_key);
    if (error)
        return error;
    int done = wake_key(from_key, wake_count, FUTEX_BITSET_MATCH_ANY);
    list_for_each(node, &waiters) {
        if (requeue_count <= 0)
            break;
        struct futex_waiter *waiter = container_of(node, struct futex_waiter, node);
        if (waiter->key == from_key) {
            waiter->key = to_key;
            requeue_count--;
            done++;
        }
    }
    return done;
}

static long sys_futex(uint64_t address, uint64_t operation, uint64_t value, uint64_t timeout_or_count,
                      uint64_t address2, uint64_t value3)
{
    int command = (int)(operation & FUTEX_CMD_MASK);
    uint64_t deadline = 0;
    if ((command == FUTEX_WAIT || command == FUTEX_WAIT_BITSET) && timeout_or_count) {
        struct __kernel_timespec timeout;
        if (copy_from_user(&timeout, (void *)timeout_or_count, sizeof(timeout)) < 0)
            return -EFAULT;
        if (timeout.tv_sec < 0 || (uint64_t)timeout.tv_nsec >= NANOSECONDS_PER_SECOND)
            return -EINVAL;
        uint64_t nanoseconds = timeout.tv_sec * NANOSECONDS_PER_SECOND + timeout.tv_nsec;
        if (command == FUTEX_WAIT) {
            deadline = clock_monotonic_ns() + nanoseconds;      /* relative */
        } else if (operation & FUTEX_CLOCK_REALTIME) {
            uint64_t now = clock_realtime_ns();
            deadline = clock_monotonic_ns() + (nanoseconds > now ? nanoseconds - now : 0);
        } else {
            deadline = nanoseconds;                              /* absolute monotonic */
        }
        if (!deadline)
            deadline = 1;
    }
    switch (command) {
    case FUTEX_WAIT:
        return futex_wait(address, (uint32_t)value, deadline, FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAIT_BITSET:
        return futex_wait(address, (uint32_t)value, deadline, (uint32_t)value3);
    case FUTEX_WAKE:
        return futex_wake_address(address, (int)value);
    case FUTEX_WAKE_BITSET: {
        uint64_t key;
        int error = futex_key(address, &key);
        return error ? error : wake_key(key, (int)value, (uint32_t)value3);
    }
    case FUTEX_REQUEUE:
        return requeue(address, address2, (int)value, (int)timeout_or_count);
    case FUTEX_CMP_REQUEUE: {
        uint32_t current_value;
        if (GET_USER(current_value, (uint32_t *)address) < 0)
            return -EFAULT;
        if (current_value != (uint32_t)value3)
            return -EAGAIN;
        return requeue(address, address2, (int)value, (int)timeout_or_count);
    }
    default:
        return -ENOSYS;
    }
}
SYSCALL(__NR_futex, sys_futex);
