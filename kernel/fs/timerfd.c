/*
 * timerfd_create(2): a timer behind a descriptor.  read returns how many
 * times it expired since the last read or timerfd_settime (a uint64_t), and
 * waits for the first expiry unless O_NONBLOCK; poll reports POLLIN while
 * that count is not 0.
 *
 * The timer keeps its next expiry in monotonic time.  Expiries are counted
 * lazily (timerfd_catch_up), from the clock, whenever the count is looked
 * at; the kernel timer only wakes the waiters at the expiry.  An absolute
 * CLOCK_REALTIME expiry is converted when it is set, so unlike Linux a later
 * change of the real-time clock does not move it; with
 * TFD_TIMER_CANCEL_ON_SET such a change makes the next read fail with
 * ECANCELED, as on Linux, but wakes no one who already waits.
 */
#include <fs_internal.h>
#include <clock.h>
#include <page.h>
#include <syscall.h>
#include <task.h>
#include <uaccess.h>
#include <asm/poll.h>
#include <linux/time.h>
#include <linux/timerfd.h>

struct timer_specification {     /* struct itimerspec: two __kernel_timespecs */
    int64_t interval_seconds, interval_nanoseconds;
    int64_t value_seconds, value_nanoseconds;
};

/*
 * Invariants: next_expiry is 0 (disarmed) or a monotonic time; while it is
 * not 0 the kernel timer is armed, at next_expiry or at an earlier expiry
 * not yet caught up with; expirations counts the expiries before
 * next_expiry not yet read.
 */
struct timerfd {
    int clock;
    uint64_t next_expiry;
    uint64_t interval;                    /* ns; 0 = one shot */
    uint64_t expirations;
    bool cancel_on_set;                   /* TFD_TIMER_CANCEL_ON_SET on an absolute REALTIME timer */
    uint64_t realtime_settings;           /* clock_realtime_settings() when it was set */
    struct kernel_timer timer;
    struct wait_queue readable;
};

/* Counts the expiries up to now and moves next_expiry past now. */
static void timerfd_catch_up(struct timerfd *timerfd, uint64_t now)
{
    if (!timerfd->next_expiry || now < timerfd->next_expiry)
        return;
    if (!timerfd->interval) {
        timerfd->expirations++;
        timerfd->next_expiry = 0;
        return;
    }
    uint64_t periods = (now - timerfd->next_expiry) / timerfd->interval + 1;
    timerfd->expirations += periods;
    timerfd->next_expiry += periods * timerfd->interval;
}

static void timerfd_arm(struct timerfd *timerfd)
{
    if (timerfd->next_expiry)
        kernel_timer_arm(&timerfd->timer, timerfd->next_expiry);
    else
        kernel_timer_cancel(&timerfd->timer);
}

static void timerfd_expired(struct kernel_timer *timer)
{
    struct timerfd *timerfd = container_of(timer, struct timerfd, timer);
    timerfd_catch_up(timerfd, clock_monotonic_ns());
    if (timerfd->next_expiry)
        kernel_timer_arm(timer, timerfd->next_expiry);
    wake_up_all(&timerfd->readable);
}

static bool timerfd_cancelled(struct timerfd *timerfd)
{
    return timerfd->cancel_on_set && timerfd->realtime_settings != clock_realtime_settings();
}

static ssize_t timerfd_read(struct file *file, void *user_buffer, size_t length, uint64_t *offset)
{
    struct timerfd *timerfd = file->private;
    if (length < sizeof(uint64_t))
        return -EINVAL;
    for (;;) {
        if (timerfd_cancelled(timerfd)) {
            timerfd->realtime_settings = clock_realtime_settings();
            return -ECANCELED;
        }
        timerfd_catch_up(timerfd, clock_monotonic_ns());
        if (timerfd->expirations)
            break;
        if (file->flags & O_NONBLOCK)
            return -EAGAIN;
        int error = wait_on(&timerfd->readable, 0);
        if (error)
            return error;
    }
    if (copy_to_user(user_buffer, &timerfd->expirations, sizeof(uint64_t)))
        return -EFAULT;
    timerfd->expirations = 0;
    return sizeof(uint64_t);
}

static unsigned timerfd_poll(struct file *file, struct poll_table *table)
{
    struct timerfd *timerfd = file->private;
    poll_wait(table, &timerfd->readable);
    timerfd_catch_up(timerfd, clock_monotonic_ns());
    return timerfd->expirations || timerfd_cancelled(timerfd) ? POLLIN | POLLRDNORM : 0;
}

static void timerfd_release(struct file *file)
{
    struct timerfd *timerfd = file->private;
    kernel_timer_cancel(&timerfd->timer);
    kfree(timerfd);
}

static const struct file_operations timerfd_file_operations = {
    .read = timerfd_read,
    .poll = timerfd_poll,
    .seek = seek_stays,
    .release = timerfd_release,
};

static long sys_timerfd_create(uint64_t clock, uint64_t flags)
{
    if (flags & ~(uint64_t)(TFD_CLOEXEC | TFD_NONBLOCK))
        return -EINVAL;
    /* The alarm clocks also wake a suspended machine; this one never suspends. */
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_ALARM:
        clock = CLOCK_REALTIME;
        break;
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
        clock = CLOCK_MONOTONIC;
        break;
    default:
        return -EINVAL;
    }
    struct timerfd *timerfd = kzalloc(sizeof(*timerfd));
    struct file *file = timerfd ? anon_inode_file_new("[timerfd]", &timerfd_file_operations,
                                                      timerfd, O_RDWR | (flags & TFD_NONBLOCK))
                                : NULL;
    if (!file) {
        kfree(timerfd);
        return -ENOMEM;
    }
    timerfd->clock = (int)clock;
    kernel_timer_init(&timerfd->timer, timerfd_expired);
    wait_queue_init(&timerfd->readable);
    int fd = fd_install(file, flags & TFD_CLOEXEC);
    if (fd < 0)
        file_put(file);
    return fd;
}
SYSCALL(__NR_timerfd_create, sys_timerfd_create);

/* The timerfd fd names, or an errno: EBADF for no file, EINVAL for another kind. */
static long timerfd_get(int fd, struct file **result)
{
    struct file *file = fd_get(fd);
    if (!file)
        return -EBADF;
    if (file->ops != &timerfd_file_operations) {
        file_put(file);
        return -EINVAL;
    }
    *result = file;
    return 0;
}

static void timerfd_current(struct timerfd *timerfd, struct timer_specification *current_value)
{
    uint64_t now = clock_monotonic_ns();
    timerfd_catch_up(timerfd, now);
    uint64_t left = timerfd->next_expiry ? timerfd->next_expiry - now : 0;
    current_value->interval_seconds = timerfd->interval / NANOSECONDS_PER_SECOND;
    current_value->interval_nanoseconds = timerfd->interval % NANOSECONDS_PER_SECOND;
    current_value->value_seconds = left / NANOSECONDS_PER_SECOND;
    current_value->value_nanoseconds = left % NANOSECONDS_PER_SECOND;
}

static bool valid_time(int64_t seconds, int64_t nanoseconds)
{
    return seconds >= 0 && nanoseconds >= 0 && (uint64_t)nanoseconds < NANOSECONDS_PER_SECOND;
}

/* Linux checks in this order: the new value's pointer, flags and value, fd, the fd's kind. */
static long sys_timerfd_settime(uint64_t fd, uint64_t flags, uint64_t user_new, uint64_t user_old)
{
    struct timer_specification new_value, old_value;
    if (copy_from_user(&new_value, (void *)user_new, sizeof(new_value)))
        return -EFAULT;
    if ((flags & ~(uint64_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)) ||
        !valid_time(new_value.value_seconds, new_value.value_nanoseconds) ||
        !valid_time(new_value.interval_seconds, new_value.interval_nanoseconds))
        return -EINVAL;
    struct file *file;
    long error = timerfd_get((int)fd, &file);
    if (error)
        return error;
    struct timerfd *timerfd = file->private;
    timerfd_current(timerfd, &old_value);

    uint64_t value = (uint64_t)new_value.value_seconds * NANOSECONDS_PER_SECOND +
                     (uint64_t)new_value.value_nanoseconds;
    uint64_t now = clock_monotonic_ns();
    timerfd->expirations = 0;
    timerfd->interval = (uint64_t)new_value.interval_seconds * NANOSECONDS_PER_SECOND +
                        (uint64_t)new_value.interval_nanoseconds;
    timerfd->cancel_on_set = (flags & TFD_TIMER_ABSTIME) && (flags & TFD_TIMER_CANCEL_ON_SET) &&
                             timerfd->clock == CLOCK_REALTIME;
    timerfd->realtime_settings = clock_realtime_settings();
    if (!value)
        timerfd->next_expiry = 0;
    else if (!(flags & TFD_TIMER_ABSTIME))
        timerfd->next_expiry = now + value;
    else if (timerfd->clock == CLOCK_REALTIME) {
        uint64_t realtime = clock_realtime_ns();
        timerfd->next_expiry = value > realtime ? now + (value - realtime) : now;
    } else
        timerfd->next_expiry = value;
    /* An expiry already past counts at once (and 0 would mean disarmed). */
    if (timerfd->next_expiry && timerfd->next_expiry <= now) {
        timerfd_catch_up(timerfd, now);
        wake_up_all(&timerfd->readable);
    }
    timerfd_arm(timerfd);
    file_put(file);
    if (user_old && copy_to_user((void *)user_old, &old_value, sizeof(old_value)))
        return -EFAULT;
    return 0;
}
SYSCALL(__NR_timerfd_settime, sys_timerfd_settime);

static long sys_timerfd_gettime(uint64_t fd, uint64_t user_current)
{
    struct file *file;
    long error = timerfd_get((int)fd, &file);
    if (error)
        return error;
    struct timer_specification current_value;
    timerfd_current(file->private, &current_value);
    file_put(file);
    return copy_to_user((void *)user_current, &current_value, sizeof(current_value)) ? -EFAULT : 0;
}
SYSCALL(__NR_timerfd_gettime, sys_timerfd_gettime);
