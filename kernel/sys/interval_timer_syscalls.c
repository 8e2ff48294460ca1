/* setitimer/getitimer for ITIMER_REAL (glibc's alarm() is built on it). */
#include <task.h>
#include <clock.h>
#include <syscall.h>
#include <uaccess.h>
#include <linux/time.h>

struct interval_timer_value {       /* struct itimerval: two timevals */
    int64_t interval_seconds, interval_microseconds;
    int64_t value_seconds, value_microseconds;
};

static void current_value(struct interval_timer_value *value)
{
    struct process *process = current->process;
    uint64_t now = clock_monotonic_ns();
    uint64_t left = process->alarm_deadline > now ? process->alarm_deadline - now : 0;
    if (process->alarm_deadline && !left)
        left = 1000;        /* due: report at least 1 µs, as Linux does */
    value->interval_seconds = process->alarm_interval / NANOSECONDS_PER_SECOND;
    value->interval_microseconds = process->alarm_interval % NANOSECONDS_PER_SECOND / 1000;
    value->value_seconds = left / NANOSECONDS_PER_SECOND;
    value->value_microseconds = left % NANOSECONDS_PER_SECOND / 1000;
}

static long sys_getitimer(uint64_t which, uint64_t user_value)
{
    if (which != ITIMER_REAL)
        return which <= ITIMER_PROF ? -EOPNOTSUPP : -EINVAL;
    struct interval_timer_value value;
    current_value(&value);
    return copy_to_user((void *)user_value, &value, sizeof(value));
}
SYSCALL(__NR_getitimer, sys_getitimer);

static long sys_setitimer(uint64_t which, uint64_t user_new, uint64_t user_old)
{
    if (which != ITIMER_REAL)
        return which <= ITIMER_PROF ? -EOPNOTSUPP : -EINVAL;
    struct interval_timer_value new_value = { 0 }, old_value;
    if (user_new && copy_from_user(&new_value, (void *)user_new, sizeof(new_value)) < 0)
        return -EFAULT;
    if (new_value.value_microseconds < 0 || new_value.value_microseconds >= 1000000 ||
        new_value.interval_microseconds < 0 || new_value.interval_microseconds >= 1000000 ||
        new_value.value_seconds < 0 || new_value.interval_seconds < 0)
        return -EINVAL;
    current_value(&old_value);
    struct process *process = current->process;
    uint64_t value = new_value.value_seconds * NANOSECONDS_PER_SECOND +
                     new_value.value_microseconds * 1000;
    process->alarm_interval = new_value.interval_seconds * NANOSECONDS_PER_SECOND +
                              new_value.interval_microseconds * 1000;
    process_alarm_set(process, value ? clock_monotonic_ns() + value : 0);
    if (user_old && copy_to_user((void *)user_old, &old_value, sizeof(old_value)) < 0)
        return -EFAULT;
    return 0;
}
SYSCALL(__NR_setitimer, sys_setitimer);
