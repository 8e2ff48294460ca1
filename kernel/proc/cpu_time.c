/*
 * CPU time accounting: user and system time per task, as getrusage(2),
 * times(2), the CPU-time clocks and /proc report them.  See task.h.
 *
 * One CPU runs one task at a time, so only the running task's time moves:
 * every change of mode (exception entry from user mode, return to user
 * mode, giving up the CPU) charges the time since its cpu_time_mark to the
 * mode it was in.  Time in the idle loop is no task's.
 */
#include <task.h>
#include <clock.h>
#include <uaccess.h>
#include <linux/resource.h>

/* Every exited thread's time, for /proc/stat. */
static struct cpu_times exited_tasks_cpu_time;

static void cpu_times_add(struct cpu_times *sum, struct cpu_times more)
{
    sum->user_ns += more.user_ns;
    sum->system_ns += more.system_ns;
}

void cpu_time_charge_user(void)
{
    uint64_t now = clock_monotonic_ns();
    current->cpu_time.user_ns += now - current->cpu_time_mark;
    current->cpu_time_mark = now;
}

void cpu_time_charge_system(void)
{
    uint64_t now = clock_monotonic_ns();
    current->cpu_time.system_ns += now - current->cpu_time_mark;
    current->cpu_time_mark = now;
}

struct cpu_times task_cpu_time(struct task *task)
{
    struct cpu_times times = task->cpu_time;
    if (task == current)
        times.system_ns += clock_monotonic_ns() - task->cpu_time_mark;
    return times;
}

struct cpu_times process_cpu_time(struct process *process)
{
    struct cpu_times times = process->exited_threads_cpu_time;
    list_for_each(node, &process->threads)
        cpu_times_add(&times, task_cpu_time(container_of(node, struct task, thread_node)));
    return times;
}

void cpu_time_task_exited(struct task *task)
{
    struct cpu_times times = task_cpu_time(task);
    cpu_times_add(&task->process->exited_threads_cpu_time, times);
    cpu_times_add(&exited_tasks_cpu_time, times);
}

void cpu_time_add_child(struct process *parent, struct process *child)
{
    cpu_times_add(&parent->children_cpu_time, process_cpu_time(child));
    cpu_times_add(&parent->children_cpu_time, child->children_cpu_time);
}

struct cpu_times cpu_time_all(void)
{
    struct cpu_times times = exited_tasks_cpu_time;
    list_for_each(node, &all_processes) {
        struct process *process = container_of(node, struct process, all_node);
        list_for_each(thread, &process->threads)
            cpu_times_add(&times, task_cpu_time(container_of(thread, struct task, thread_node)));
    }
    return times;
}

static struct __kernel_old_timeval to_timeval(uint64_t nanoseconds)
{
    return (struct __kernel_old_timeval){ (long)(nanoseconds / NANOSECONDS_PER_SECOND),
                                          (long)(nanoseconds % NANOSECONDS_PER_SECOND / 1000) };
}

int cpu_time_copy_rusage(uint64_t user_usage, struct cpu_times times)
{
    struct rusage usage;
    memset(&usage, 0, sizeof(usage));
    usage.ru_utime = to_timeval(times.user_ns);
    usage.ru_stime = to_timeval(times.system_ns);
    return copy_to_user((void *)user_usage, &usage, sizeof(usage)) < 0 ? -EFAULT : 0;
}
