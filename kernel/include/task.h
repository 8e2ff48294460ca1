/*
 * Tasks and processes, shaped like Linux's so that clone() flags map directly.
 *
 * A task is one thread of execution: its own kernel stack, saved registers,
 * FP state, TLS pointer, signal mask and pending set.  A process is a thread
 * group: pid (= tid of its first task), parent and children, exit status and
 * the process-wide pending signals.  The things clone() can share between
 * processes (address space, file table, cwd/umask, signal handlers) are
 * separate reference-counted objects the process points at.
 *
 * Invariants: a runnable task is on the run queue, and only then; current is
 * the running task and is not on the run queue.  A process becomes a zombie
 * when its last task exits and is freed by wait4 in its parent (or by init,
 * which adopts orphans).
 */
#ifndef TASK_H
#define TASK_H
#include <kernel.h>
#include <wait.h>
#include <arch/trap_frame.h>

struct address_space;
struct files;
struct fs_context;
struct signal_handlers;

struct cpu_context {          /* callee-saved registers, saved by switch_context */
    uint64_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28, x29;
    uint64_t sp, lr;
};

struct fp_state {
    __uint128_t q[32];
    uint32_t fpsr, fpcr;
} __attribute__((aligned(16)));

enum task_state { TASK_RUNNABLE, TASK_RUNNING, TASK_SLEEPING, TASK_DEAD };

/* CPU time, split as getrusage(2) and times(2) report it. */
struct cpu_times {
    uint64_t user_ns, system_ns;
};

struct task {
    pid_t tid;
    enum task_state state;
    struct process *process;
    struct cpu_context context;
    struct fp_state fp;
    uint64_t tls;                     /* TPIDR_EL0 */
    void *kernel_stack;
    struct trap_frame *trap_frame;    /* user registers, at the top of the stack */
    struct list_node run_node;
    struct list_node thread_node;     /* on process->threads */
    struct list_node all_node;        /* on the list of all tasks */

    /* Sleeping: set by wait_on. */
    uint64_t wake_deadline;           /* monotonic ns, 0 = none */
    struct list_node timer_node;
    bool woken_by_timer;

    /* Signals (signal.c). */
    uint64_t signal_mask;
    uint64_t pending_signals;         /* directed at this thread */
    uint64_t saved_signal_mask;       /* restored after sigsuspend/ppoll */
    bool restore_signal_mask;
    struct list_node pending_info;    /* queued siginfo for this thread */

    uint64_t clear_child_tid;         /* user address, set_tid_address/CLONE_CHILD_CLEARTID */
    uint64_t robust_list_head, robust_list_length;
    struct cpu_times cpu_time;        /* up to cpu_time_mark (cpu_time.c) */
    uint64_t cpu_time_mark;           /* when the running task last changed mode */
    bool kernel_buffers;              /* see uaccess.h */
    bool killed;                      /* must exit at the next return to user mode */
    uint64_t alternate_stack, alternate_stack_size;   /* sigaltstack */
    uint32_t alternate_stack_flags;
    struct vfork_completion *vfork_done;  /* CLONE_VFORK: the parent waits on it */
    uint64_t set_child_tid;           /* CLONE_CHILD_SETTID: written when first run */
};

/* Completed by exec or exit of a vfork child; lives on the parent's stack. */
struct vfork_completion {
    struct wait_queue queue;
    bool done;
};
/* Marks the vfork completion (if any) done and wakes the parent. */
void task_complete_vfork(struct task *task);

struct resource_limit { uint64_t current, maximum; };

/* A process's user or group ids, as credentials(7) names them. */
struct ids { uint32_t real, effective, saved; };

/* Linux allows NGROUPS_MAX (65536) supplementary groups; Strata keeps 32
 * and answers EINVAL for more.  ids[0..count) are in ascending order, as
 * Linux's groups_sort leaves them for getgroups. */
#define SUPPLEMENTARY_GROUPS_MAX 32
struct supplementary_groups { uint32_t count; uint32_t ids[SUPPLEMENTARY_GROUPS_MAX]; };

struct process {
    pid_t pid, pgid, sid;
    struct process *parent;
    struct list_node children;
    struct list_node sibling_node;    /* on parent->children */
    struct list_node all_node;        /* on the list of all processes */
    struct list_node threads;
    int live_threads;

    struct address_space *address_space;
    struct files *files;
    struct fs_context *fs;
    struct signal_handlers *handlers;

    uint64_t pending_signals;         /* process-directed */
    struct list_node pending_info;
    bool zombie;
    bool exiting;                     /* exit_group in progress */
    int exit_status;                  /* in wait4 encoding */
    int exit_signal;                  /* sent to the parent on exit (SIGCHLD) */
    struct wait_queue child_wait;     /* woken when a child changes state */
    bool stopped;
    int stop_report;                  /* pending WIFSTOPPED/WIFCONTINUED report */

    uint64_t alarm_deadline;          /* alarm()/ITIMER_REAL, monotonic ns, 0 = none */
    struct list_node alarm_node;
    uint64_t alarm_interval;          /* ITIMER_REAL reload, ns */
    /* ITIMER_VIRTUAL [0] and ITIMER_PROF [1] (interval_timer_syscalls.c):
     * due when the process's user (VIRTUAL) or user + system (PROF) CPU
     * time reaches deadline_ns, 0 = disarmed.  Not inherited by fork (a
     * new process starts zeroed), kept by exec. */
    struct cpu_interval_timer { uint64_t deadline_ns, interval_ns; } cpu_timers[2];
    struct cpu_times exited_threads_cpu_time;
    struct cpu_times children_cpu_time;   /* children waited for, and theirs */
    uint64_t start_time_ns;
    char name[16];                    /* comm: basename of the executable */
    struct file *executable;          /* loaded by exec, for /proc/PID/exe; NULL once exited */
    char *command_line;               /* NUL-separated argv, for /proc/PID/cmdline */
    size_t command_line_length;
    struct resource_limit limits[16];
    struct ids user_ids, group_ids;   /* inherited by fork, kept by exec; init's are 0 */
    struct supplementary_groups supplementary_groups;   /* inherited by fork, kept by exec; init has none */
};

extern struct task *current;
extern struct process *init_process;
extern struct list_node all_processes;

void scheduler_init(void);
/* Give up the CPU; returns when this task is next chosen to run. */
void schedule(void);
void task_make_runnable(struct task *task);
/* Marks a sleeping task runnable; harmless on a running or runnable one. */
void task_wake(struct task *task);
void scheduler_tick(void);
void scheduler_timer_interrupt(void);
/* Arrange for task to be woken at deadline (monotonic ns). */
void timer_sleep_add(struct task *task, uint64_t deadline);
void timer_sleep_remove(struct task *task);
bool reschedule_pending(void);
/* The running task gives way, if another is runnable, at its next return to
 * user mode: for work woken by an interrupt that must not wait a slice. */
void reschedule_soon(void);
/* Sets (0 clears) the time SIGALRM is due; returns the previous deadline. */
uint64_t process_alarm_set(struct process *process, uint64_t deadline);

/*
 * CPU time accounting (cpu_time.c).  The running task's time since its
 * cpu_time_mark is charged as user time when the kernel is entered from user
 * mode (the exception vectors call cpu_time_charge_user), and as system time
 * when it returns to user mode or gives up the CPU (cpu_time_charge_system);
 * schedule() sets the mark of the task it switches to.  The readers below
 * count the running slice of the caller, which is in the kernel, as system
 * time.
 */
void cpu_time_charge_user(void);
/* Sends SIGVTALRM or SIGPROF for the process's CPU-time interval timers
 * that are due, and reloads them; on every return to user mode. */
void interval_timers_check(struct process *process);
void cpu_time_charge_system(void);
struct cpu_times task_cpu_time(struct task *task);
/* When a thread exits: its time stays in its process's and in cpu_time_all's. */
void cpu_time_task_exited(struct task *task);
/* Every thread's, the exited ones' included (RUSAGE_SELF). */
struct cpu_times process_cpu_time(struct process *process);
/* At reaping: the child's time and its children's go to its parent (RUSAGE_CHILDREN). */
void cpu_time_add_child(struct process *parent, struct process *child);
/* Every task's since boot, those of exited processes included (/proc/stat). */
struct cpu_times cpu_time_all(void);
/* Writes a struct rusage holding times (the rest 0) to user memory: 0 or -EFAULT. */
int cpu_time_copy_rusage(uint64_t user_usage, struct cpu_times times);
static inline uint64_t cpu_times_total(struct cpu_times times)
{
    return times.user_ns + times.system_ns;
}

/*
 * A kernel timer calls expire from the timer interrupt once its deadline
 * (monotonic ns) has passed; expire may re-arm its own timer, and no other.
 * A timer is armed (on the scheduler's list) or not; arming an armed timer
 * moves it.  Its owner cancels it before freeing it.
 */
struct kernel_timer {
    struct list_node node;
    uint64_t deadline;
    void (*expire)(struct kernel_timer *timer);
};
void kernel_timer_init(struct kernel_timer *timer, void (*expire)(struct kernel_timer *timer));
void kernel_timer_arm(struct kernel_timer *timer, uint64_t deadline);
void kernel_timer_cancel(struct kernel_timer *timer);

struct task *task_by_tid(pid_t tid);
struct process *process_by_pid(pid_t pid);
pid_t pid_allocate(void);

/* Starts the first user process: init_path with argv {init_path, NULL}. */
void process_start_init(const char *init_path, char *const arguments[]);
/* Creates a kernel thread that runs function(argument). */
struct task *kernel_thread_create(const char *name, void (*function)(void *), void *argument);

_Noreturn void task_exit(int status);
_Noreturn void process_exit_group(int status);

/* Called on every return to user mode (arch/aarch64/trap.c). */
void return_to_user_work(struct trap_frame *frame);

#endif
