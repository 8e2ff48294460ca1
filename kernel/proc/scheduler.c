/*
 * Round-robin scheduler for one CPU.
 *
 * The kernel is not preemptible: a task in the kernel runs until it sleeps or
 * returns to user mode, and interrupts are masked throughout, except in the
 * idle loop below.  The timer interrupt only marks that the running task's
 * slice is over; the switch happens on the way back to user mode.
 */
#include <task.h>
#include <clock.h>
#include <page.h>
#include <address_space.h>
#include <arch/mmio.h>
#include <uaccess.h>
#include <signal.h>
#include <asm-generic/siginfo.h>

#define TIME_SLICE_NS (10 * 1000 * 1000)

struct task *current;
static struct list_node run_queue = LIST_HEAD_INIT(run_queue);
static struct list_node sleepers = LIST_HEAD_INIT(sleepers);   /* by deadline */
static struct list_node dead_tasks = LIST_HEAD_INIT(dead_tasks);
static bool need_reschedule;
static uint64_t slice_end;

void switch_context(struct cpu_context *old, struct cpu_context *new);
void fp_state_save(struct fp_state *state);
void fp_state_restore(struct fp_state *state);
void task_free(struct task *task);

bool reschedule_pending(void) { return need_reschedule; }

static void timer_rearm(void);

/*
 * The running task's slice end is armed only while another task waits to
 * run (timer_rearm): a task that becomes runnable arms it, or a task that
 * started its slice alone would run on, in user mode, until it slept.
 */
void task_make_runnable(struct task *task)
{
    task->state = TASK_RUNNABLE;
    list_push_back(&run_queue, &task->run_node);
    timer_rearm();
}

void reschedule_soon(void)
{
    if (!list_empty(&run_queue))
        need_reschedule = true;
}

void task_wake(struct task *task)
{
    if (task->state != TASK_SLEEPING)
        return;
    timer_sleep_remove(task);
    task_make_runnable(task);
}

static struct list_node alarms = LIST_HEAD_INIT(alarms);   /* processes with alarm() set */
static struct list_node kernel_timers = LIST_HEAD_INIT(kernel_timers);   /* armed, any order */

static uint64_t earliest(uint64_t a, uint64_t b) { return !a ? b : (!b ? a : MIN(a, b)); }

static void timer_rearm(void)
{
    uint64_t next = 0;
    if (!list_empty(&sleepers))
        next = container_of(sleepers.next, struct task, timer_node)->wake_deadline;
    list_for_each(node, &alarms)
        next = earliest(next, container_of(node, struct process, alarm_node)->alarm_deadline);
    list_for_each(node, &kernel_timers)
        next = earliest(next, container_of(node, struct kernel_timer, node)->deadline);
    /* The end of the slice matters only while it has not yet been noted. */
    if (!list_empty(&run_queue) && !need_reschedule)
        next = earliest(next, slice_end);
    clock_arm_timer(next);
}

uint64_t process_alarm_set(struct process *process, uint64_t deadline)
{
    uint64_t previous = process->alarm_deadline;
    list_remove(&process->alarm_node);
    process->alarm_deadline = deadline;
    if (deadline)
        list_push_back(&alarms, &process->alarm_node);
    timer_rearm();
    return previous;
}

void kernel_timer_init(struct kernel_timer *timer, void (*expire)(struct kernel_timer *timer))
{
    list_init(&timer->node);
    timer->deadline = 0;
    timer->expire = expire;
}

void kernel_timer_arm(struct kernel_timer *timer, uint64_t deadline)
{
    list_remove(&timer->node);
    /* Deadline 0 would read as "no deadline" in timer_rearm. */
    timer->deadline = deadline ? deadline : 1;
    list_push_back(&kernel_timers, &timer->node);
    timer_rearm();
}

void kernel_timer_cancel(struct kernel_timer *timer)
{
    list_remove(&timer->node);
    timer_rearm();
}

void timer_sleep_add(struct task *task, uint64_t deadline)
{
    task->wake_deadline = deadline;
    struct list_node *position = &sleepers;
    list_for_each(node, &sleepers) {
        if (container_of(node, struct task, timer_node)->wake_deadline > deadline) {
            position = node;
            break;
        }
    }
    list_insert_before(position, &task->timer_node);
}

void timer_sleep_remove(struct task *task)
{
    list_remove(&task->timer_node);
}

void scheduler_timer_interrupt(void)
{
    uint64_t now = clock_monotonic_ns();
    while (!list_empty(&sleepers)) {
        struct task *task = container_of(sleepers.next, struct task, timer_node);
        if (task->wake_deadline > now)
            break;
        task->woken_by_timer = true;
        task_wake(task);
    }
    list_for_each_safe(node, &alarms) {
        struct process *process = container_of(node, struct process, alarm_node);
        if (process->alarm_deadline <= now) {
            list_remove(node);
            process->alarm_deadline = 0;
            if (process->alarm_interval) {
                process->alarm_deadline = now + process->alarm_interval;
                list_push_back(&alarms, &process->alarm_node);
            }
            struct signal_info info = { .signal = SIGALRM, .code = SI_KERNEL };
            signal_send_process(process, &info);
        }
    }
    list_for_each_safe(node, &kernel_timers) {
        struct kernel_timer *timer = container_of(node, struct kernel_timer, node);
        if (timer->deadline <= now) {
            list_remove(node);
            timer->expire(timer);
        }
    }
    if (now >= slice_end && !list_empty(&run_queue))
        need_reschedule = true;
    timer_rearm();
}

/* Frees the stacks of tasks that have exited; never the one we run on. */
static void reap_dead_tasks(void)
{
    list_for_each_safe(node, &dead_tasks) {
        struct task *task = container_of(node, struct task, run_node);
        if (task == current)
            continue;
        list_remove(node);
        task_free(task);
    }
}

/* The first code a new task runs, from its initial context (entry.S). */
void scheduler_task_started(void)
{
    reap_dead_tasks();
    if (current->set_child_tid)
        PUT_USER((int32_t)current->tid, (int32_t *)current->set_child_tid);
}

void schedule(void)
{
    struct task *previous = current;
    cpu_time_charge_system();
    if (previous->state == TASK_RUNNING)
        task_make_runnable(previous);
    else if (previous->state == TASK_DEAD)
        list_push_back(&dead_tasks, &previous->run_node);

    while (list_empty(&run_queue)) {
        /*
         * Idle: the only place the kernel takes interrupts.  WFI runs with
         * IRQs masked (a pending IRQ still wakes it), and only then are they
         * unmasked to be taken: unmasking first would let an IRQ that wakes a
         * task be taken just before the WFI, which would then sleep anyway.
         */
        timer_rearm();
        __asm__ volatile("dsb sy; wfi; msr daifclr, #2; isb; msr daifset, #2" ::: "memory");
    }
    struct task *next = container_of(run_queue.next, struct task, run_node);
    list_remove(&next->run_node);
    next->state = TASK_RUNNING;
    need_reschedule = false;
    uint64_t now = clock_monotonic_ns();
    slice_end = now + TIME_SLICE_NS;
    timer_rearm();
    next->cpu_time_mark = now;
    if (next == previous)
        return;

    if (previous->state != TASK_DEAD) {
        fp_state_save(&previous->fp);
        previous->tls = read_sysreg(tpidr_el0);
    }
    fp_state_restore(&next->fp);
    write_sysreg(tpidr_el0, next->tls);
    address_space_switch(next->process ? next->process->address_space : NULL);
    current = next;
    switch_context(&previous->context, &next->context);
    reap_dead_tasks();
}
