/* exit, exit_group and wait4: how tasks and processes end and are collected. */
#include <task.h>
#include <vfs.h>
#include <signal.h>
#include <syscall.h>
#include <uaccess.h>
#include <address_space.h>
#include <futex.h>
#include <ipc.h>
#include <page.h>
#include <power.h>
#include <asm-generic/siginfo.h>
#include <linux/wait.h>

void task_complete_vfork(struct task *task)
{
    if (!task->vfork_done)
        return;
    task->vfork_done->done = true;
    wake_up_all(&task->vfork_done->queue);
    task->vfork_done = NULL;
}

/* Linux drops exe_file with the memory: a zombie's /proc/PID/exe names nothing. */
static void drop_executable(struct process *process)
{
    if (process->executable)
        file_put(process->executable);
    process->executable = NULL;
}

void process_free(struct process *process)
{
    drop_executable(process);
    list_remove(&process->alarm_node);
    list_remove(&process->sibling_node);
    list_remove(&process->all_node);
    kfree(process->command_line);
    kfree(process);
}

static bool parent_discards_children(struct process *parent)
{
    return signal_is_ignored_explicitly(parent, SIGCHLD) || signal_no_child_wait(parent);
}

/* The last thread is gone: release everything but the process's record. */
static void process_finish(struct process *process)
{
    semaphore_undo_exit(process);
    address_space_activate(NULL);
    if (process->address_space)
        address_space_put(process->address_space);
    process->address_space = NULL;
    process_alarm_set(process, 0);
    if (process->files)
        files_put(process->files);
    process->files = NULL;
    if (process->fs)
        fs_context_put(process->fs);
    process->fs = NULL;
    drop_executable(process);

    if (process == init_process)
        power_off_with_status(WIFSIGNALED_ENCODED(process->exit_status)
                                  ? 128 + (process->exit_status & 0x7f)
                                  : (process->exit_status >> 8) & 0xff);

    /* Orphans go to init, which reaps them (zombies included). */
    bool gave_zombies = false;
    list_for_each_safe(node, &process->children) {
        struct process *child = container_of(node, struct process, sibling_node);
        list_remove(node);
        child->parent = init_process;
        list_push_back(&init_process->children, &child->sibling_node);
        gave_zombies |= child->zombie;
    }
    if (gave_zombies)
        wake_up_all(&init_process->child_wait);

    struct process *parent = process->parent;
    if (process->handlers)
        signal_handlers_put(process->handlers);
    process->handlers = NULL;
    process->zombie = true;
    if (!parent) {
        process_free(process);   /* a kernel thread */
        return;
    }
    if (process->exit_signal) {
        struct signal_info info = { .signal = process->exit_signal, .pid = process->pid };
        if (WIFSIGNALED_ENCODED(process->exit_status)) {
            info.code = CLD_KILLED;
            info.status = process->exit_status & 0x7f;
        } else {
            info.code = CLD_EXITED;
            info.status = (process->exit_status >> 8) & 0xff;
        }
        signal_send_process(parent, &info);
    }
    if (parent_discards_children(parent))
        process_free(process);
    else
        wake_up_all(&parent->child_wait);
}

void task_exit(int status)
{
    struct task *task = current;
    struct process *process = task->process;
    if (task->clear_child_tid && process->address_space) {
        /* set_tid_address(2): zero the word and wake one futex waiter (pthread_join). */
        if (PUT_USER((int32_t)0, (int32_t *)task->clear_child_tid) == 0)
            futex_wake_address(task->clear_child_tid, 1);
    }
    task_complete_vfork(task);
    cpu_time_task_exited(task);
    list_remove(&task->thread_node);
    if (!process->exiting)
        process->exit_status = status;
    if (--process->live_threads == 0)
        process_finish(process);
    task->state = TASK_DEAD;
    schedule();
    panic("dead task %d was scheduled", task->tid);
}

static void kill_other_threads(struct process *process)
{
    list_for_each(node, &process->threads) {
        struct task *task = container_of(node, struct task, thread_node);
        if (task != current) {
            task->killed = true;
            task_wake(task);
        }
    }
}

void process_kill_other_threads(void) { kill_other_threads(current->process); }

void process_exit_group(int status)
{
    struct process *process = current->process;
    if (!process->exiting) {
        process->exiting = true;
        process->exit_status = status;
    }
    kill_other_threads(process);
    task_exit(status);
}

static long sys_exit(uint64_t code)
{
    task_exit((int)((code & 0xff) << 8));
}
SYSCALL(__NR_exit, sys_exit);

static long sys_exit_group(uint64_t code)
{
    process_exit_group((int)((code & 0xff) << 8));
}
SYSCALL(__NR_exit_group, sys_exit_group);

static bool child_matches(struct process *child, pid_t pid)
{
    if (pid > 0)
        return child->pid == pid;
    if (pid == 0)
        return child->pgid == current->process->pgid;
    if (pid < -1)
        return child->pgid == -pid;
    return true;
}

static long sys_wait4(uint64_t pid_argument, uint64_t user_status, uint64_t options,
                      uint64_t user_usage)
{
    pid_t pid = (pid_t)pid_argument;
    if (options & ~(uint64_t)(WNOHANG | WUNTRACED | WCONTINUED | __WALL | __WCLONE | __WNOTHREAD))
        return -EINVAL;
    struct process *self = current->process;
    int interrupted = 0;
    for (;;) {
        bool any = false;
        list_for_each(node, &self->children) {
            struct process *child = container_of(node, struct process, sibling_node);
            if (!child_matches(child, pid))
                continue;
            any = true;
            int report = child->stop_report;
            bool stop_wanted = (report & 0xff) == 0x7f && (options & WUNTRACED);
            bool continue_wanted = report == 0xffff && (options & WCONTINUED);
            if (!child->zombie && (stop_wanted || continue_wanted)) {
                child->stop_report = 0;
                if (user_status && PUT_USER((int32_t)report, (int32_t *)user_status) < 0)
                    return -EFAULT;
                return child->pid;
            }
            if (!child->zombie)
                continue;
            pid_t child_pid = child->pid;
            if (user_status && PUT_USER((int32_t)child->exit_status, (int32_t *)user_status) < 0)
                return -EFAULT;
            /* The child's own time and its children's, as Linux's RUSAGE_BOTH. */
            struct cpu_times usage = process_cpu_time(child);
            usage.user_ns += child->children_cpu_time.user_ns;
            usage.system_ns += child->children_cpu_time.system_ns;
            if (user_usage && cpu_time_copy_rusage(user_usage, usage) < 0)
                return -EFAULT;
            cpu_time_add_child(current->process, child);
            process_free(child);
            return child_pid;
        }
        if (!any)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        /*
         * A child's SIGCHLD arrives with the wake-up that its exit gives: as
         * Linux's do_wait, look at the children once more before answering
         * the signal, so that the wait still returns that child.
         */
        if (interrupted)
            return interrupted;
        interrupted = wait_on(&self->child_wait, 0);
    }
}
SYSCALL(__NR_wait4, sys_wait4);
