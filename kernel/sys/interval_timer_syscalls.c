/*
 * setitimer/getitimer (setitimer(2)): ITIMER_REAL counts wall-clock time
 * (glibc's alarm() is built on it) and sends SIGALRM; ITIMER_VIRTUAL counts
 * the process's user CPU time and sends SIGVTALRM; ITIMER_PROF counts its
 * user and system CPU time and sends SIGPROF.
 */
#include <task.h>
#include <clock.h>
#include <signal.h>
#include <syscall.h>
#include <uaccess.h>
#include <linux/time.h>

struct interval_timer_value {       /* struct itimerval: two timevals */
    int64_t interval_seconds, interval_microseconds;
    int64_t value_seconds, value_microseconds;
};

/* The time a CPU-time timer counts, in ns. */
static uint64_t cpu_timer_clock(struct process *process, int which)
{
    struct cpu_times times = process_cpu_time(process);
    return which == ITIMER_VIRTUAL ? times.user_ns : times.user_ns + times.system_ns;
}

/* A timer due but not yet fired reports 1 µs left, as Linux does. */
static uint64_t time_left(uint64_t deadline, uint64_t now)
{
    if (!deadline)
        return 0;
    return deadline > now ? deadline - now : 1000;
}

static void current_value(int which, struct interval_timer_value *value)
{
    struct process *process = current->process;
    uint64_t left, interval;
    if (which == ITIMER_REAL) {
        left = time_left(process->alarm_deadline, clock_monotonic_ns());
        interval = process->alarm_interval;
    } else {
        struct cpu_interval_timer *timer = &process->cpu_timers[which - 1];
        left = time_left(timer->deadline_ns, cpu_timer_clock(process, which));
        interval = timer->interval_ns;
    }
    value->interval_seconds = interval / NANOSECONDS_PER_SECOND;
    value->interval_microseconds = interval % NANOSECONDS_PER_SECOND / 1000;
    value->value_seconds = left / NANOSECONDS_PER_SECOND;
    value->value_microseconds = left % NANOSECONDS_PER_SECOND / 1000;
}

void interval_timers_check(struct process *process)
{
    static const int signals[2] = { SIGVTALRM, SIGPROF };
    for (int i = 0; i < 2; i++) {
        struct cpu_interval_timer *timer = &process->cpu_timers[i];
        if (!timer->deadline_ns)
            continue;
        uint64_t now = cpu_timer_clock(process, i + 1);
        if (now < timer->deadline_ns)
            continue;
        timer->deadline_ns = timer->interval_ns ? now + timer->interval_ns : 0;
        signal_send_simple(process, signals[i]);
    }
}

/* Seconds and microseconds in ns, saturated at INT64_MAX as Linux's
 * timeval_to_ns, so that a deadline of now plus it cannot wrap. */
static uint64_t to_ns(int64_t seconds, int64_t microseconds)
{
    if (seconds >= (int64_t)(INT64_MAX / NANOSECONDS_PER_SECOND))
        return INT64_MAX;
    return seconds * NANOSECONDS_PER_SECOND + microseconds * 1000;
}

/* The kernel reads which as an int (Linux's prototype). */
static long sys_getitimer(uint64_t which, uint64_t user_value)
{
    int kind = (int)which;
    if (kind != ITIMER_REAL && kind != ITIMER_VIRTUAL && kind != ITIMER_PROF)
        return -EINVAL;
    struct interval_timer_value value;
    current_value(kind, &value);
    return copy_to_user((void *)user_value, &value, sizeof(value));
}
SYSCALL(__NR_getitimer, sys_getitimer);

static long sys_setitimer(uint64_t which, uint64_t user_new, uint64_t user_old)
{
    int kind = (int)which;
    if (kind != ITIMER_REAL && kind != ITIMER_VIRTUAL && kind != ITIMER_PROF)
        return -EINVAL;
    struct interval_timer_value new_value = { 0 }, old_value;
    if (user_new && copy_from_user(&new_value, (void *)user_new, sizeof(new_value)) < 0)
        return -EFAULT;
    if (new_value.value_microseconds < 0 || new_value.value_microseconds >= 1000000 ||
        new_value.interval_microseconds < 0 || new_value.interval_microseconds >= 1000000 ||
        new_value.value_seconds < 0 || new_value.interval_seconds < 0)
        return -EINVAL;
    current_value(kind, &old_value);
    struct process *process = current->process;
    uint64_t value = to_ns(new_value.value_seconds, new_value.value_microseconds);
    uint64_t interval = to_ns(new_value.interval_seconds, new_value.interval_microseconds);
    if (kind == ITIMER_REAL) {
        process->alarm_interval = interval;
        process_alarm_set(process, value ? clock_monotonic_ns() + value : 0);
    } else {
        struct cpu_interval_timer *timer = &process->cpu_timers[kind - 1];
        timer->interval_ns = interval;
        timer->deadline_ns = value ? cpu_timer_clock(process, kind) + value : 0;
    }
    if (user_old && copy_to_user((void *)user_old, &old_value, sizeof(old_value)) < 0)
        return -EFAULT;
    return 0;
}
SYSCALL(__NR_setitimer, sys_setitimer);
