/* Creating tasks and processes, finding them by id, and starting init. */
#include <task.h>
#include <page.h>
#include <signal.h>
#include <vfs.h>
#include <address_space.h>
#include <clock.h>
#include <arch/mmio.h>

struct process *init_process;
struct list_node all_processes = LIST_HEAD_INIT(all_processes);
static struct list_node all_tasks = LIST_HEAD_INIT(all_tasks);
static pid_t last_pid;

#define PID_MAX 32768

void task_entry_user(void);      /* entry.S: first return to user mode */
void task_entry_kernel(void);    /* entry.S: runs x19(x20) */

struct task *task_by_tid(pid_t tid)
{
    list_for_each(node, &all_tasks) {
        struct task *task = container_of(node, struct task, all_node);
        if (task->tid == tid && task->state != TASK_DEAD)
            return task;
    }
    return NULL;
}

struct process *process_by_pid(pid_t pid)
{
    list_for_each(node, &all_processes) {
        struct process *process = container_of(node, struct process, all_node);
        if (process->pid == pid)
            return process;
    }
    return NULL;
}

static bool id_in_use(pid_t id)
{
    if (process_by_pid(id))
        return true;
    list_for_each(node, &all_tasks)
        if (container_of(node, struct task, all_node)->tid == id)
            return true;
    list_for_each(node, &all_processes) {
        struct process *process = container_of(node, struct process, all_node);
        if (process->pgid == id || process->sid == id)
            return true;
    }
    return false;
}

pid_t pid_allocate(void)
{
    for (int tries = 0; tries < PID_MAX; tries++) {
        last_pid = last_pid >= PID_MAX - 1 ? 1 : last_pid + 1;
        if (!id_in_use(last_pid))
            return last_pid;
    }
    return -EAGAIN;
}

/* A task with a kernel stack whose top holds a zeroed trap frame. */
struct task *task_allocate(void)
{
    struct task *task = kzalloc(sizeof(*task));
    if (!task)
        return NULL;
    task->kernel_stack = pages_alloc(2);    /* 16 KiB */
    if (!task->kernel_stack) {
        kfree(task);
        return NULL;
    }
    pid_t tid = pid_allocate();
    if (tid < 0) {
        pages_free(task->kernel_stack, 2);
        kfree(task);
        return NULL;
    }
    task->tid = tid;
    task->trap_frame = (struct trap_frame *)((char *)task->kernel_stack + KERNEL_STACK_SIZE) - 1;
    memset(task->trap_frame, 0, sizeof(*task->trap_frame));
    task->context.sp = (uint64_t)task->trap_frame;
    task->context.lr = (uint64_t)task_entry_user;
    task->state = TASK_SLEEPING;           /* not yet runnable */
    list_init(&task->pending_info);
    list_push_back(&all_tasks, &task->all_node);
    return task;
}

void task_free(struct task *task)
{
    list_remove(&task->all_node);
    list_remove(&task->thread_node);
    pages_free(task->kernel_stack, 2);
    kfree(task);
}

struct process *process_allocate(struct process *parent)
{
    struct process *process = kzalloc(sizeof(*process));
    if (!process)
        return NULL;
    list_init(&process->children);
    list_init(&process->threads);
    list_init(&process->pending_info);
    wait_queue_init(&process->child_wait);
    process->parent = parent;
    process->exit_signal = SIGCHLD;
    process->start_time_ns = clock_monotonic_ns();
    if (parent) {
        list_push_back(&parent->children, &process->sibling_node);
        process->pgid = parent->pgid;
        process->sid = parent->sid;
        memcpy(process->name, parent->name, sizeof(process->name));
        process->executable = parent->executable;
        if (process->executable)
            file_get(process->executable);
        memcpy(process->limits, parent->limits, sizeof(process->limits));
        process->user_ids = parent->user_ids;
        process->group_ids = parent->group_ids;
        process->supplementary_groups = parent->supplementary_groups;
        if (parent->command_line) {
            process->command_line = kmalloc(parent->command_line_length);
            if (process->command_line) {
                memcpy(process->command_line, parent->command_line, parent->command_line_length);
                process->command_line_length = parent->command_line_length;
            }
        }
    }
    list_push_back(&all_processes, &process->all_node);
    return process;
}

void process_attach_task(struct process *process, struct task *task)
{
    task->process = process;
    list_push_back(&process->threads, &task->thread_node);
    process->live_threads++;
    if (!process->pid)
        process->pid = task->tid;
}

struct task *kernel_thread_create(const char *name, void (*function)(void *), void *argument)
{
    struct task *task = task_allocate();
    if (!task)
        return NULL;
    struct process *process = process_allocate(NULL);
    if (!process) {
        task_free(task);
        return NULL;
    }
    strlcpy(process->name, name, sizeof(process->name));
    process_attach_task(process, task);
    task->context.lr = (uint64_t)task_entry_kernel;
    task->context.x19 = (uint64_t)function;
    task->context.x20 = (uint64_t)argument;
    task_make_runnable(task);
    return task;
}

int execve_kernel(const char *path, char *const arguments[], char *const environment[]);

static void init_thread(void *path)
{
    char *const arguments[] = { path, NULL };
    char *const environment[] = { "HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "TERM=vt100",
                                  NULL };
    int error = execve_kernel(path, arguments, environment);
    if (error)
        panic("cannot run init %s: error %d", (char *)path, error);
    /* Returning enters user mode through the trap frame exec filled in. */
}

void process_start_init(const char *init_path, char *const unused[])
{
    (void)unused;
    struct task *task = kernel_thread_create("init", init_thread, (void *)init_path);
    if (!task)
        panic("cannot create init");
    init_process = task->process;
    init_process->pgid = init_process->sid = init_process->pid;
    init_process->files = files_new();
    init_process->fs = fs_context_new(vfs_root());
    init_process->handlers = signal_handlers_new();
    for (int i = 0; i < 16; i++)
        init_process->limits[i] = (struct resource_limit){ ~0UL, ~0UL };
    init_process->limits[7] = (struct resource_limit){ FILES_DEFAULT_LIMIT, FILES_DEFAULT_LIMIT };   /* NOFILE */
    init_process->limits[3] = (struct resource_limit){ USER_STACK_MAX, ~0UL };  /* STACK */
    init_process->limits[4] = (struct resource_limit){ 0, ~0UL };               /* CORE */
}

/* Work before every return to user mode: signals, then preemption. */
void return_to_user_work(struct trap_frame *frame)
{
    interval_timers_check(current->process);
    for (;;) {
        if (current->killed || current->process->exiting)
            task_exit(current->process->exit_status);
        if (current->process->stopped) {
            signal_wait_while_stopped();
            continue;
        }
        if (signal_pending()) {
            signal_deliver(frame);
            continue;
        }
        signal_finish_syscall(frame);
        if (!reschedule_pending()) {
            cpu_time_charge_system();
            return;
        }
        schedule();
    }
}
