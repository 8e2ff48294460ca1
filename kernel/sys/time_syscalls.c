/* Clocks and sleeping (clock_gettime(2), nanosleep(2)). */
#include <task.h>
#include <clock.h>
#include <syscall.h>
#include <uaccess.h>
#include <linux/time.h>
#include <linux/time_types.h>

static int clock_now(int clock, uint64_t *now)
{
    switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        *now = clock_realtime_ns();
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
        *now = clock_monotonic_ns();
        return 0;
    case CLOCK_PROCESS_CPUTIME_ID:
        *now = cpu_times_total(process_cpu_time(current->process));
        return 0;
    case CLOCK_THREAD_CPUTIME_ID:
        *now = cpu_times_total(task_cpu_time(current));
        return 0;
    default:
        return -EINVAL;
    }
}

static struct __kernel_timespec to_timespec(uint64_t nanoseconds)
{
    return (struct __kernel_timespec){ (int64_t)(nanoseconds / NANOSECONDS_PER_SECOND),
                                       (long long)(nanoseconds % NANOSECONDS_PER_SECOND) };
}

static long sys_clock_gettime(uint64_t clock, uint64_t user_time)
{
    uint64_t now;
    int error = clock_now((int)clock, &now);
    if (error)
        return error;
    struct __kernel_timespec time = to_timespec(now);
    return copy_to_user((void *)user_time, &time, sizeof(time));
}
SYSCALL(__NR_clock_gettime, sys_clock_gettime);

static long sys_clock_getres(uint64_t clock, uint64_t user_time)
{
    uint64_t now;
    int error = clock_now((int)clock, &now);
    if (error)
        return error;
    struct __kernel_timespec resolution = { 0, 1 };
    return user_time ? copy_to_user((void *)user_time, &resolution, sizeof(resolution)) : 0;
}
SYSCALL(__NR_clock_getres, sys_clock_getres);

static long sys_gettimeofday(uint64_t user_time, uint64_t user_zone)
{
    if (user_time) {
        uint64_t now = clock_realtime_ns();
        struct __kernel_old_timeval value = { (long)(now / NANOSECONDS_PER_SECOND),
                                              (long)(now % NANOSECONDS_PER_SECOND / 1000) };
        if (copy_to_user((void *)user_time, &value, sizeof(value)) < 0)
            return -EFAULT;
    }
    if (user_zone && clear_user((void *)user_zone, 8) < 0)
        return -EFAULT;
    return 0;
}
SYSCALL(__NR_gettimeofday, sys_gettimeofday);

static long sys_clock_settime(uint64_t clock, uint64_t user_time)
{
    struct __kernel_timespec time;
    if (clock != CLOCK_REALTIME)
        return -EINVAL;
    if (copy_from_user(&time, (void *)user_time, sizeof(time)) < 0)
        return -EFAULT;
    if (time.tv_sec < 0 || (uint64_t)time.tv_nsec >= NANOSECONDS_PER_SECOND)
        return -EINVAL;
    clock_set_realtime_ns(time.tv_sec * NANOSECONDS_PER_SECOND + time.tv_nsec);
    return 0;
}
SYSCALL(__NR_clock_settime, sys_clock_settime);

/* Sleeps until the monotonic deadline; on a signal, reports what was left. */
static long sleep_until(uint64_t deadline, uint64_t user_remaining)
{
    struct wait_queue nobody;
    wait_queue_init(&nobody);
    for (;;) {
        int error = wait_on(&nobody, deadline);
        if (error == -ETIMEDOUT)
            return 0;
        if (error == -ERESTARTSYS) {
            uint64_t now = clock_monotonic_ns();
            if (user_remaining) {
                struct __kernel_timespec left = to_timespec(deadline > now ? deadline - now : 0);
                if (copy_to_user((void *)user_remaining, &left, sizeof(left)) < 0)
                    return -EFAULT;
            }
            return -EINTR;
        }
    }
}

static int read_timespec(uint64_t user_time, uint64_t *nanoseconds)
{
    struct __kernel_timespec time;
    if (copy_from_user(&time, (void *)user_time, sizeof(time)) < 0)
        return -EFAULT;
    if (time.tv_sec < 0 || time.tv_nsec < 0 || (uint64_t)time.tv_nsec >= NANOSECONDS_PER_SECOND)
        return -EINVAL;
    *nanoseconds = time.tv_sec * NANOSECONDS_PER_SECOND + time.tv_nsec;
    return 0;
}

static long sys_nanosleep(uint64_t user_request, uint64_t user_remaining)
{
    uint64_t duration;
    int error = read_timespec(user_request, &duration);
    if (error)
        return error;
    return sleep_until(clock_monotonic_ns() + duration + 1, user_remaining);
}
SYSCALL(__NR_nanosleep, sys_nanosleep);

static long sys_clock_nanosleep(uint64_t clock, uint64_t flags, uint64_t user_request,
                                uint64_t user_remaining)
{
    uint64_t value, now;
    int error = clock_now((int)clock, &now);
    if (error || clock == CLOCK_THREAD_CPUTIME_ID)
        return error ? error : -EINVAL;
    error = read_timespec(user_request, &value);
    if (error)
        return error;
    uint64_t deadline;
    if (flags & TIMER_ABSTIME) {
        deadline = clock_monotonic_ns() + (value > now ? value - now : 0);
        user_remaining = 0;     /* absolute sleeps report nothing */
    } else {
        deadline = clock_monotonic_ns() + value;
    }
    return sleep_until(deadline + 1, user_remaining);
}
SYSCALL(__NR_clock_nanosleep, sys_clock_nanosleep);
