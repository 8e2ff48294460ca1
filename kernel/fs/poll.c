/*
 * Readiness: poll tables and the ppoll and pselect6 system calls.
 *
 * A scan asks every file's poll operation for its readiness mask, and the
 * operation calls poll_wait for each wait queue an event would be announced
 * on; the table links one wait_entry for current into each.  If nothing is
 * ready, the task sleeps (wait_sleep) until some queue wakes it, the
 * deadline passes or a signal arrives, unlinks everything and scans again.
 * Entries are re-linked on every scan, so a wake-up that empties a queue
 * cannot strand the waiter.  The files stay referenced for the whole call,
 * so no queue disappears while an entry is on it.
 */
#include <fs_internal.h>
#include <clock.h>
#include <page.h>
#include <syscall.h>
#include <task.h>
#include <signal.h>
#include <uaccess.h>
#include <asm/poll.h>
#include <linux/time_types.h>
#include <asm-generic/resource.h>

#define POLL_ENTRIES_PER_CHUNK 30
/* What a file without a poll operation answers (Linux's DEFAULT_POLLMASK). */
#define DEFAULT_POLL_MASK (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM)

struct poll_table_chunk {
    struct poll_table_chunk *next;
    size_t used;
    struct wait_entry entries[POLL_ENTRIES_PER_CHUNK];
};

void poll_wait(struct poll_table *table, struct wait_queue *queue)
{
    if (!table || !queue)
        return;
    if (table->queue) {
        table->queue(table, queue);
        return;
    }
    struct poll_table_chunk *chunk = table->chunks;
    if (!chunk || chunk->used == POLL_ENTRIES_PER_CHUNK) {
        /* Out of memory only costs a wake-up: the deadline still ends the wait. */
        chunk = kzalloc(sizeof(*chunk));
        if (!chunk)
            return;
        chunk->next = table->chunks;
        table->chunks = chunk;
    }
    wait_queue_add(queue, &chunk->entries[chunk->used++]);
}

static void poll_table_free(struct poll_table *table)
{
    while (table->chunks) {
        struct poll_table_chunk *chunk = table->chunks;
        for (size_t i = 0; i < chunk->used; i++)
            wait_entry_remove(&chunk->entries[i]);
        table->chunks = chunk->next;
        kfree(chunk);
    }
}

static unsigned file_poll(struct file *file, struct poll_table *table)
{
    return file->ops && file->ops->poll ? file->ops->poll(file, table) : DEFAULT_POLL_MASK;
}

/* Returns how many are ready (or an errno); registers on table unless NULL. */
typedef int (*poll_scan_t)(void *context, struct poll_table *table);

/*
 * Scans until something is ready or the deadline (monotonic ns, 0 = none)
 * passes; immediate means a zero timeout: one scan, no sleep.  After a
 * timeout one last scan runs, as Linux does, so late events still count.
 */
static int poll_until(poll_scan_t scan, void *context, uint64_t deadline, bool immediate)
{
    bool timed_out = immediate;
    for (;;) {
        struct poll_table table = { 0 };
        int ready = scan(context, timed_out ? NULL : &table);
        if (ready || timed_out) {
            poll_table_free(&table);
            return ready;
        }
        int error = wait_sleep(deadline);
        poll_table_free(&table);
        /* Interrupted: EINTR if a handler runs, else restart (poll(2)). */
        if (error == -ERESTARTSYS)
            return -ERESTARTNOHAND;
        if (error == -ETIMEDOUT)
            timed_out = true;
    }
}

int poll_read_timeout(uint64_t user_timeout, uint64_t *deadline, bool *immediate)
{
    *deadline = 0;
    *immediate = false;
    if (!user_timeout)
        return 0;
    struct __kernel_timespec timeout;
    if (copy_from_user(&timeout, (void *)user_timeout, sizeof(timeout)))
        return -EFAULT;
    if (timeout.tv_sec < 0 || timeout.tv_nsec < 0 || timeout.tv_nsec >= (long long)NANOSECONDS_PER_SECOND)
        return -EINVAL;
    if (timeout.tv_sec == 0 && timeout.tv_nsec == 0) {
        *immediate = true;
        return 0;
    }
    uint64_t now = clock_monotonic_ns();
    uint64_t length;
    if (__builtin_mul_overflow((uint64_t)timeout.tv_sec, NANOSECONDS_PER_SECOND, &length) ||
        __builtin_add_overflow(length, (uint64_t)timeout.tv_nsec, &length) ||
        __builtin_add_overflow(now, length, deadline))
        *deadline = 0;     /* too far away to ever come: no timeout */
    return 0;
}

int poll_write_time_left(uint64_t user_timeout, uint64_t deadline)
{
    if (!user_timeout || !deadline)
        return 0;
    uint64_t now = clock_monotonic_ns();
    uint64_t left = deadline > now ? deadline - now : 0;
    struct __kernel_timespec timeout = { .tv_sec = (long long)(left / NANOSECONDS_PER_SECOND),
                                         .tv_nsec = (long long)(left % NANOSECONDS_PER_SECOND) };
    return copy_to_user((void *)user_timeout, &timeout, sizeof(timeout)) ? -EFAULT : 0;
}

/*
 * The temporary signal mask of ppoll and pselect6: installed for the call
 * and restored by the core on the way back to user space, after any handler
 * the call was interrupted for has run (the same contract as sigsuspend).
 */
int poll_install_signal_mask(uint64_t user_mask, uint64_t size)
{
    if (!user_mask)
        return 0;
    if (size != sizeof(uint64_t))
        return -EINVAL;
    uint64_t mask;
    if (copy_from_user(&mask, (void *)user_mask, sizeof(mask)))
        return -EFAULT;
    current->saved_signal_mask = current->signal_mask;
    current->restore_signal_mask = true;
    current->signal_mask = mask & ~((1UL << (SIGKILL - 1)) | (1UL << (SIGSTOP - 1)));
    return 0;
}

struct poll_call {
    struct pollfd *fds;
    struct file **files;      /* NULL where fd < 0 or fd is not open */
    size_t count;
};

static int scan_pollfds(void *context, struct poll_table *table)
{
    struct poll_call *call = context;
    int ready = 0;
    for (size_t i = 0; i < call->count; i++) {
        struct pollfd *pollfd = &call->fds[i];
        pollfd->revents = 0;
        if (pollfd->fd < 0)
            continue;
        if (!call->files[i])
            pollfd->revents = POLLNVAL;
        else
            /* poll(2): POLLERR, POLLHUP and POLLNVAL are reported unasked. */
            pollfd->revents = file_poll(call->files[i], table) &
                              ((uint16_t)pollfd->events | POLLERR | POLLHUP);
        if (pollfd->revents)
            ready++;
    }
    return ready;
}

static long sys_ppoll(uint64_t user_fds, uint64_t count, uint64_t user_timeout,
                      uint64_t user_mask, uint64_t mask_size)
{
    /* Linux refuses more pollfds than RLIMIT_NOFILE allows. */
    if (count > (uint64_t)current->process->limits[RLIMIT_NOFILE].current)
        return -EINVAL;
    uint64_t deadline;
    bool immediate;
    long result = poll_read_timeout(user_timeout, &deadline, &immediate);
    if (result)
        return result;
    struct poll_call call = { .count = count };
    call.fds = kmalloc(count * sizeof(struct pollfd));
    call.files = kzalloc(count * sizeof(struct file *));
    if (!call.fds || !call.files) {
        result = -ENOMEM;
        goto out;
    }
    if (copy_from_user(call.fds, (void *)user_fds, count * sizeof(struct pollfd))) {
        result = -EFAULT;
        goto out;
    }
    if ((result = poll_install_signal_mask(user_mask, mask_size)))
        goto out;
    for (size_t i = 0; i < count; i++)
        call.files[i] = fd_get(call.fds[i].fd);
    result = poll_until(scan_pollfds, &call, deadline, immediate);
    if (result >= 0 && copy_to_user((void *)user_fds, call.fds, count * sizeof(struct pollfd)))
        result = -EFAULT;
    poll_write_time_left(user_timeout, deadline);   /* ppoll and pselect6 ignore EFAULT (Linux) */
    for (size_t i = 0; i < count; i++)
        if (call.files[i])
            file_put(call.files[i]);
out:
    kfree(call.fds);
    kfree(call.files);
    return result;
}
SYSCALL(__NR_ppoll, sys_ppoll);

/* select(2)'s three sets, as bit arrays of count bits, in words words. */
#define POLLIN_SET (POLLIN | POLLRDNORM | POLLRDBAND | POLLHUP | POLLERR)
#define POLLOUT_SET (POLLOUT | POLLWRNORM | POLLWRBAND | POLLERR)
#define POLLEX_SET (POLLPRI)

struct select_call {
    int count;
    size_t words;
    uint64_t *in, *out, *except;                    /* asked */
    uint64_t *in_ready, *out_ready, *except_ready;
    struct file **files;                            /* count of them */
};

/* The call and its arrays in one allocation, zeroed. */
static struct select_call *select_call_new(int count)
{
    size_t words = ((size_t)count + 63) / 64;
    struct select_call *call = kzalloc(sizeof(*call) + 6 * words * sizeof(uint64_t) +
                                       (size_t)count * sizeof(struct file *));
    if (!call)
        return NULL;
    call->count = count;
    call->words = words;
    uint64_t *sets = (uint64_t *)(call + 1);
    uint64_t **each[6] = { &call->in, &call->out, &call->except,
                           &call->in_ready, &call->out_ready, &call->except_ready };
    for (int i = 0; i < 6; i++)
        *each[i] = sets + i * words;
    call->files = (struct file **)(sets + 6 * words);
    return call;
}

static bool bit_set(const uint64_t *set, int fd)
{
    return set[fd / 64] & (1UL << (fd % 64));
}

static void mark_ready(uint64_t *set, int fd, int *ready)
{
    set[fd / 64] |= 1UL << (fd % 64);
    (*ready)++;
}

static int scan_select(void *context, struct poll_table *table)
{
    struct select_call *call = context;
    int ready = 0;
    memset(call->in_ready, 0, call->words * sizeof(uint64_t));
    memset(call->out_ready, 0, call->words * sizeof(uint64_t));
    memset(call->except_ready, 0, call->words * sizeof(uint64_t));
    for (int fd = 0; fd < call->count; fd++) {
        if (!call->files[fd])
            continue;
        unsigned mask = file_poll(call->files[fd], table);
        if (bit_set(call->in, fd) && (mask & POLLIN_SET))
            mark_ready(call->in_ready, fd, &ready);
        if (bit_set(call->out, fd) && (mask & POLLOUT_SET))
            mark_ready(call->out_ready, fd, &ready);
        if (bit_set(call->except, fd) && (mask & POLLEX_SET))
            mark_ready(call->except_ready, fd, &ready);
    }
    return ready;
}

static int read_set(uint64_t user_set, uint64_t *set, int count)
{
    size_t words = ((size_t)count + 63) / 64;
    if (!user_set || !words)
        return 0;
    if (copy_from_user(set, (void *)user_set, words * sizeof(uint64_t)))
        return -EFAULT;
    if (count % 64)
        set[words - 1] &= (1UL << (count % 64)) - 1;
    return 0;
}

static int write_set(uint64_t user_set, const uint64_t *set, int count)
{
    size_t words = ((size_t)count + 63) / 64;
    if (!user_set || !words)
        return 0;
    return copy_to_user((void *)user_set, set, words * sizeof(uint64_t)) ? -EFAULT : 0;
}

static long select_files(struct select_call *call)
{
    for (int fd = 0; fd < call->count; fd++) {
        if (!bit_set(call->in, fd) && !bit_set(call->out, fd) && !bit_set(call->except, fd))
            continue;
        call->files[fd] = fd_get(fd);
        if (!call->files[fd])
            return -EBADF;      /* select(2): a set names a closed descriptor */
    }
    return 0;
}

static long sys_pselect6(uint64_t count, uint64_t user_in, uint64_t user_out, uint64_t user_except,
                         uint64_t user_timeout, uint64_t user_mask_data)
{
    if ((int)count < 0)
        return -EINVAL;
    uint64_t deadline;
    bool immediate;
    long result = poll_read_timeout(user_timeout, &deadline, &immediate);
    if (result)
        return result;
    /* The sixth argument points at { const sigset_t *set; size_t size; }. */
    uint64_t mask_data[2] = { 0, 0 };
    if (user_mask_data && copy_from_user(mask_data, (void *)user_mask_data, sizeof(mask_data)))
        return -EFAULT;
    /* Descriptors past the table's end cannot be open: Linux clamps too. */
    struct select_call *call =
        select_call_new((int)MIN(count, (uint64_t)current->process->files->size));
    if (!call)
        return -ENOMEM;
    if ((result = read_set(user_in, call->in, call->count)) ||
        (result = read_set(user_out, call->out, call->count)) ||
        (result = read_set(user_except, call->except, call->count)) ||
        (result = poll_install_signal_mask(mask_data[0], mask_data[1])) ||
        (result = select_files(call)))
        goto out;
    result = poll_until(scan_select, call, deadline, immediate);
    if (result >= 0 && (write_set(user_in, call->in_ready, call->count) ||
                        write_set(user_out, call->out_ready, call->count) ||
                        write_set(user_except, call->except_ready, call->count)))
        result = -EFAULT;
    poll_write_time_left(user_timeout, deadline);   /* ppoll and pselect6 ignore EFAULT (Linux) */
out:
    for (int fd = 0; fd < call->count; fd++)
        if (call->files[fd])
            file_put(call->files[fd]);
    kfree(call);
    return result;
}
SYSCALL(__NR_pselect6, sys_pselect6);
