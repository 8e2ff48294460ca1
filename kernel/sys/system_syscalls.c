/* Whole-system calls: uname, getrandom, limits, usage, reboot, scheduling hints. */
#include <task.h>
#include <clock.h>
#include <page.h>
#include <power.h>
#include <random.h>
#include <syscall.h>
#include <uaccess.h>
#include <vfs.h>
#include <linux/utsname.h>
#include <linux/resource.h>
#include <linux/reboot.h>
#include <linux/sysinfo.h>

static long sys_uname(uint64_t user_name)
{
    struct new_utsname name;
    memset(&name, 0, sizeof(name));
    /* "Linux": programs (glibc, busybox) check the system name and version. */
    strlcpy(name.sysname, "Linux", sizeof(name.sysname));
    strlcpy(name.nodename, "strata", sizeof(name.nodename));
    strlcpy(name.release, "6.1.0-strata", sizeof(name.release));
    strlcpy(name.version, "#1 Strata teaching kernel", sizeof(name.version));
    strlcpy(name.machine, "aarch64", sizeof(name.machine));
    strlcpy(name.domainname, "(none)", sizeof(name.domainname));
    return copy_to_user((void *)user_name, &name, sizeof(name));
}
SYSCALL(__NR_uname, sys_uname);

static long sys_getrandom(uint64_t user_buffer, uint64_t length, uint64_t flags)
{
    if (flags & ~7UL)
        return -EINVAL;
    uint8_t chunk[256];
    size_t done = 0;
    while (done < length) {
        size_t n = MIN(sizeof(chunk), length - done);
        random_bytes(chunk, n);
        if (copy_to_user((char *)user_buffer + done, chunk, n) < 0)
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)done;
}
SYSCALL(__NR_getrandom, sys_getrandom);

static long sys_prlimit64(uint64_t pid, uint64_t resource, uint64_t user_new, uint64_t user_old)
{
    struct process *process = pid ? process_by_pid((pid_t)pid) : current->process;
    if (!process)
        return -ESRCH;
    if (resource >= RLIM_NLIMITS)
        return -EINVAL;
    struct resource_limit *limit = &process->limits[resource];
    struct rlimit64 value;
    if (user_new && copy_from_user(&value, (void *)user_new, sizeof(value)) < 0)
        return -EFAULT;
    if (user_new && value.rlim_cur > value.rlim_max)
        return -EINVAL;
    /* Linux's do_prlimit: no descriptor limit above fs.nr_open. */
    if (user_new && resource == RLIMIT_NOFILE && value.rlim_max > FILES_NR_OPEN)
        return -EPERM;
    if (user_old) {
        struct rlimit64 old = { limit->current, limit->maximum };
        if (copy_to_user((void *)user_old, &old, sizeof(old)) < 0)
            return -EFAULT;
    }
    if (user_new) {
        limit->current = value.rlim_cur;
        limit->maximum = value.rlim_max;
    }
    return 0;
}
SYSCALL(__NR_prlimit64, sys_prlimit64);

static long sys_sched_yield(void)
{
    schedule();
    return 0;
}
SYSCALL(__NR_sched_yield, sys_sched_yield);

static long sys_getrusage(uint64_t who, uint64_t user_usage)
{
    struct cpu_times times;
    switch ((int)who) {
    case RUSAGE_SELF:
        times = process_cpu_time(current->process);
        break;
    case RUSAGE_CHILDREN:
        times = current->process->children_cpu_time;
        break;
    case RUSAGE_THREAD:
        times = task_cpu_time(current);
        break;
    default:
        return -EINVAL;
    }
    return cpu_time_copy_rusage(user_usage, times);
}
SYSCALL(__NR_getrusage, sys_getrusage);

/* times(2) counts in clock ticks of USER_HZ, 100 per second on arm64 Linux. */
static uint64_t to_clock_ticks(uint64_t nanoseconds)
{
    return nanoseconds / (NANOSECONDS_PER_SECOND / 100);
}

static long sys_times(uint64_t user_times)
{
    if (user_times) {
        struct cpu_times own = process_cpu_time(current->process);
        struct cpu_times children = current->process->children_cpu_time;
        uint64_t values[4] = { to_clock_ticks(own.user_ns), to_clock_ticks(own.system_ns),
                               to_clock_ticks(children.user_ns), to_clock_ticks(children.system_ns) };
        if (copy_to_user((void *)user_times, values, sizeof(values)) < 0)
            return -EFAULT;
    }
    return (long)to_clock_ticks(clock_monotonic_ns());
}
SYSCALL(__NR_times, sys_times);

static long sys_sysinfo(uint64_t user_info)
{
    struct sysinfo info;
    memset(&info, 0, sizeof(info));
    info.uptime = (long)(clock_monotonic_ns() / NANOSECONDS_PER_SECOND);
    info.totalram = page_total_count();
    info.freeram = page_free_count();
    info.mem_unit = PAGE_SIZE;
    list_for_each(node, &all_processes)
        info.procs++;
    return copy_to_user((void *)user_info, &info, sizeof(info));
}
SYSCALL(__NR_sysinfo, sys_sysinfo);

/* reboot(2): the magic numbers are ints, as glibc passes them (sign-extended:
 * 0xfee1dead arrives as 0xfffffffffee1dead), and any of the four second
 * magic numbers will do. */
static long sys_reboot(uint64_t magic1, uint64_t magic2, uint64_t command)
{
    uint32_t second = (uint32_t)magic2;
    if ((uint32_t)magic1 != LINUX_REBOOT_MAGIC1 ||
        (second != LINUX_REBOOT_MAGIC2 && second != LINUX_REBOOT_MAGIC2A &&
         second != LINUX_REBOOT_MAGIC2B && second != LINUX_REBOOT_MAGIC2C))
        return -EINVAL;
    switch ((uint32_t)command) {
    case LINUX_REBOOT_CMD_POWER_OFF:
    case LINUX_REBOOT_CMD_HALT:
    case LINUX_REBOOT_CMD_RESTART:
        power_off_with_status(0);
    case LINUX_REBOOT_CMD_CAD_ON:
    case LINUX_REBOOT_CMD_CAD_OFF:
        return 0;
    default:
        return -EINVAL;
    }
}
SYSCALL(__NR_reboot, sys_reboot);

/* One CPU: affinity is always {0}. */
static long sys_sched_getaffinity(uint64_t pid, uint64_t size, uint64_t user_mask)
{
    (void)pid;
    if (size < 8)
        return -EINVAL;
    uint64_t mask = 1;
    if (clear_user((void *)user_mask, size) < 0 || copy_to_user((void *)user_mask, &mask, 8) < 0)
        return -EFAULT;
    return 8;
}
SYSCALL(__NR_sched_getaffinity, sys_sched_getaffinity);

static long sys_getcpu(uint64_t user_cpu, uint64_t user_node)
{
    if (user_cpu && PUT_USER(0u, (uint32_t *)user_cpu) < 0)
        return -EFAULT;
    if (user_node && PUT_USER(0u, (uint32_t *)user_node) < 0)
        return -EFAULT;
    return 0;
}
SYSCALL(__NR_getcpu, sys_getcpu);
