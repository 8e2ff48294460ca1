/*
 * Signal generation and delivery (signal(7)).  Pending signals are a bit
 * mask per thread and per process, with the siginfo of each queued beside
 * it; standard signals do not queue (a second one while pending is merged).
 * Delivery happens on the way back to user mode: the handler runs on a frame
 * laid out as Linux's arm64 rt_sigframe (siginfo, then ucontext with the
 * registers and an FP/SIMD record), and rt_sigreturn restores from it.
 */
#include <signal.h>
#include <task.h>
#include <page.h>
#include <uaccess.h>
#include <syscall.h>
#include <address_space.h>
#include <clock.h>
#include <asm-generic/siginfo.h>
#include <asm/sigcontext.h>
#include <asm/ucontext.h>

#define SIGNAL_COUNT 64
/* sigaltstack(2) flags. */
#define SS_ONSTACK 1
#define SS_DISABLE 2
#define BIT(signal) (1UL << ((signal) - 1))
#define UNBLOCKABLE (BIT(SIGKILL) | BIT(SIGSTOP))
#define STOP_SIGNALS (BIT(SIGSTOP) | BIT(SIGTSTP) | BIT(SIGTTIN) | BIT(SIGTTOU))
#define DEFAULT_IGNORED (BIT(SIGCHLD) | BIT(SIGURG) | BIT(SIGWINCH) | BIT(SIGCONT))

struct signal_handlers {
    uint32_t refcount;
    struct sigaction actions[SIGNAL_COUNT];
};

struct queued_signal {
    struct list_node node;
    struct signal_info info;
};

void fp_state_save(struct fp_state *state);
void fp_state_restore(struct fp_state *state);

struct signal_handlers *signal_handlers_new(void)
{
    struct signal_handlers *handlers = kzalloc(sizeof(*handlers));
    if (handlers)
        handlers->refcount = 1;
    return handlers;
}

struct signal_handlers *signal_handlers_copy(struct signal_handlers *handlers)
{
    struct signal_handlers *copy = kmalloc(sizeof(*copy));
    if (copy) {
        *copy = *handlers;
        copy->refcount = 1;
    }
    return copy;
}

void signal_handlers_put(struct signal_handlers *handlers)
{
    if (--handlers->refcount == 0)
        kfree(handlers);
}

void signal_handlers_reset_for_exec(struct signal_handlers *handlers)
{
    for (int i = 0; i < SIGNAL_COUNT; i++) {
        if (handlers->actions[i].sa_handler != SIG_IGN)
            memset(&handlers->actions[i], 0, sizeof(handlers->actions[i]));
        handlers->actions[i].sa_flags = 0;
    }
}

static struct sigaction *action_of(struct process *process, int signal)
{
    return &process->handlers->actions[signal - 1];
}

bool signal_is_ignored_explicitly(struct process *process, int signal)
{
    return process->handlers && action_of(process, signal)->sa_handler == SIG_IGN;
}

bool signal_no_child_wait(struct process *process)
{
    return process->handlers && (action_of(process, SIGCHLD)->sa_flags & SA_NOCLDWAIT);
}

bool signal_is_ignored(struct process *process, int signal)
{
    if (!process->handlers || signal == SIGKILL || signal == SIGSTOP)
        return false;
    __sighandler_t handler = action_of(process, signal)->sa_handler;
    return handler == SIG_IGN || (handler == SIG_DFL && (BIT(signal) & DEFAULT_IGNORED));
}

static void discard(uint64_t *pending, struct list_node *queue, uint64_t mask)
{
    *pending &= ~mask;
    list_for_each_safe(node, queue) {
        struct queued_signal *queued = container_of(node, struct queued_signal, node);
        if (BIT(queued->info.signal) & mask) {
            list_remove(node);
            kfree(queued);
        }
    }
}

static void discard_everywhere(struct process *process, uint64_t mask)
{
    discard(&process->pending_signals, &process->pending_info, mask);
    list_for_each(node, &process->threads) {
        struct task *task = container_of(node, struct task, thread_node);
        discard(&task->pending_signals, &task->pending_info, mask);
    }
}

static int enqueue(uint64_t *pending, struct list_node *queue, const struct signal_info *info)
{
    bool realtime = info->signal >= 32;
    if ((*pending & BIT(info->signal)) && !realtime)
        return 0;     /* standard signals merge */
    struct queued_signal *queued = kmalloc(sizeof(*queued));
    if (!queued)
        return -EAGAIN;
    queued->info = *info;
    list_push_back(queue, &queued->node);
    *pending |= BIT(info->signal);
    return 0;
}

/* Job control: SIGCONT resumes and cancels stops; a stop signal cancels SIGCONT. */
/* Tells the parent that process stopped or continued (wait4 WUNTRACED/WCONTINUED). */
static void notify_parent_of_stop(struct process *process, int code, int signal)
{
    struct process *parent = process->parent;
    process->stop_report = code == CLD_STOPPED ? (signal << 8) | 0x7f : 0xffff;
    if (!parent)
        return;
    if (!parent->handlers || !(action_of(parent, SIGCHLD)->sa_flags & SA_NOCLDSTOP)) {
        struct signal_info info = { .signal = SIGCHLD, .code = code, .pid = process->pid,
                                    .status = signal };
        signal_send_process(parent, &info);
    }
    wake_up_all(&parent->child_wait);
}

static void job_control_on_send(struct process *process, int signal)
{
    if (signal == SIGCONT) {
        discard_everywhere(process, STOP_SIGNALS);
        if (process->stopped) {
            process->stopped = false;
            notify_parent_of_stop(process, CLD_CONTINUED, SIGCONT);
            list_for_each(node, &process->threads)
                task_wake(container_of(node, struct task, thread_node));
        }
    } else if (BIT(signal) & STOP_SIGNALS) {
        discard_everywhere(process, BIT(SIGCONT));
    }
}

int signal_send_process(struct process *process, const struct signal_info *info)
{
    int signal = info->signal;
    if (signal < 1 || signal > SIGNAL_COUNT)
        return -EINVAL;
    if (process->zombie || !process->handlers)
        return 0;
    job_control_on_send(process, signal);
    if (signal == SIGKILL) {
        process->exiting = true;
        process->exit_status = SIGKILL;
        list_for_each(node, &process->threads) {
            struct task *task = container_of(node, struct task, thread_node);
            task->killed = true;
            task_wake(task);
        }
        return 0;
    }
    /* An ignored signal is discarded at once, unless a thread blocks it (it may be waited for). */
    struct task *target = NULL;
    list_for_each(node, &process->threads) {
        struct task *task = container_of(node, struct task, thread_node);
        if (!(task->signal_mask & BIT(signal))) {
            target = task;
            break;
        }
    }
    if (signal_is_ignored(process, signal) && target)
        return 0;
    int error = enqueue(&process->pending_signals, &process->pending_info, info);
    if (!error && target)
        task_wake(target);
    return error;
}

int signal_send_task(struct task *task, const struct signal_info *info)
{
    struct process *process = task->process;
    if (info->signal < 1 || info->signal > SIGNAL_COUNT)
        return -EINVAL;
    if (process->zombie || !process->handlers)
        return 0;
    if (info->signal == SIGKILL || (BIT(info->signal) & STOP_SIGNALS) || info->signal == SIGCONT)
        return signal_send_process(process, info);
    if (signal_is_ignored(process, info->signal) && !(task->signal_mask & BIT(info->signal)))
        return 0;
    int error = enqueue(&task->pending_signals, &task->pending_info, info);
    if (!error)
        task_wake(task);
    return error;
}

void signal_force(struct task *task, const struct signal_info *info)
{
    /* A fault that is blocked or ignored cannot be handled: default action (kill). */
    struct sigaction *action = action_of(task->process, info->signal);
    if ((task->signal_mask & BIT(info->signal)) || action->sa_handler == SIG_IGN) {
        task->signal_mask &= ~BIT(info->signal);
        action->sa_handler = SIG_DFL;
    }
    enqueue(&task->pending_signals, &task->pending_info, info);
}

int signal_send_group(pid_t pgid, const struct signal_info *info)
{
    int sent = 0;
    list_for_each_safe(node, &all_processes) {
        struct process *process = container_of(node, struct process, all_node);
        if (process->pgid == pgid && !process->zombie && process->parent) {
            signal_send_process(process, info);
            sent++;
        }
    }
    return sent ? 0 : -ESRCH;
}

void signal_send_simple(struct process *process, int signal)
{
    struct signal_info info = { .signal = signal, .code = SI_KERNEL };
    signal_send_process(process, &info);
}

static uint64_t deliverable(void)
{
    return (current->pending_signals | current->process->pending_signals) &
           ~(current->signal_mask & ~UNBLOCKABLE);
}

bool signal_pending(void)
{
    return current->killed || current->process->exiting || deliverable() != 0;
}

/* Takes the lowest deliverable signal (thread queue first), filling info. */
static int dequeue(struct signal_info *info)
{
    uint64_t ready = deliverable();
    if (!ready)
        return 0;
    int signal = __builtin_ctzl(ready) + 1;
    struct list_node *queues[] = { &current->pending_info, &current->process->pending_info };
    uint64_t *pendings[] = { &current->pending_signals, &current->process->pending_signals };
    for (int q = 0; q < 2; q++) {
        if (!(*pendings[q] & BIT(signal)))
            continue;
        bool more = false, found = false;
        list_for_each_safe(node, queues[q]) {
            struct queued_signal *queued = container_of(node, struct queued_signal, node);
            if (queued->info.signal != signal)
                continue;
            if (found) {
                more = true;
                break;
            }
            *info = queued->info;
            list_remove(node);
            kfree(queued);
            found = true;
        }
        if (!more)
            *pendings[q] &= ~BIT(signal);
        if (!found)
            *info = (struct signal_info){ .signal = signal };
        return signal;
    }
    return 0;
}

/* The Linux arm64 signal frame, as user space (and debuggers) expect it. */
struct signal_frame {
    siginfo_t info;
    struct ucontext context;
    uint64_t frame_record[2];       /* x29, x30 for unwinders */
};

static void fill_siginfo(siginfo_t *out, const struct signal_info *info)
{
    memset(out, 0, sizeof(*out));
    out->si_signo = info->signal;
    out->si_code = info->code;
    out->si_errno = info->error;
    switch (info->signal) {
    case SIGSEGV:
    case SIGBUS:
    case SIGILL:
    case SIGFPE:
    case SIGTRAP:
        if (info->code > 0) {
            out->si_addr = (void *)info->address;
            break;
        }
        __attribute__((fallthrough));  /* sent by kill(): sender's pid and uid */
    default:
        out->si_pid = info->pid;
        out->si_uid = info->uid;
        if (info->signal == SIGCHLD)
            out->si_status = info->status;
        else
            out->si_value.sival_ptr = (void *)info->value;
        break;
    }
}

static void restart_interrupted_call(struct trap_frame *frame, const struct sigaction *action)
{
    if (frame->syscall_number == (uint64_t)-1)
        return;
    long result = (long)frame->x[0];
    if (result == -ERESTARTSYS && action && !(action->sa_flags & SA_RESTART))
        frame->x[0] = (uint64_t)-EINTR;
    else if (result == -ERESTARTNOHAND && action)
        frame->x[0] = (uint64_t)-EINTR;
    else if (result == -ERESTARTSYS || result == -ERESTARTNOHAND) {
        frame->x[0] = frame->orig_x0;
        frame->pc -= 4;
    }
    frame->syscall_number = (uint64_t)-1;
}

static bool on_alternate_stack(uint64_t sp)
{
    return current->alternate_stack_size && sp > current->alternate_stack &&
           sp <= current->alternate_stack + current->alternate_stack_size;
}

static int setup_frame(struct trap_frame *frame, int signal, const struct signal_info *info,
                       const struct sigaction *action)
{
    uint64_t sp = frame->sp;
    if ((action->sa_flags & SA_ONSTACK) && current->alternate_stack_size && !on_alternate_stack(sp))
        sp = current->alternate_stack + current->alternate_stack_size;
    sp = ALIGN_DOWN(sp - sizeof(struct signal_frame), 16);
    struct signal_frame *kernel_frame = kzalloc(sizeof(*kernel_frame));
    if (!kernel_frame)
        return -ENOMEM;
    fill_siginfo(&kernel_frame->info, info);
    struct ucontext *context = &kernel_frame->context;
    context->uc_stack.ss_sp = (void *)current->alternate_stack;
    context->uc_stack.ss_size = current->alternate_stack_size;
    context->uc_stack.ss_flags = current->alternate_stack_size
                                     ? (on_alternate_stack(frame->sp) ? SS_ONSTACK : 0)
                                     : SS_DISABLE;
    context->uc_sigmask.sig[0] = current->restore_signal_mask ? current->saved_signal_mask
                                                       : current->signal_mask;
    current->restore_signal_mask = false;
    struct sigcontext *registers = &context->uc_mcontext;
    memcpy(registers->regs, frame->x, sizeof(registers->regs));
    registers->sp = frame->sp;
    registers->pc = frame->pc;
    registers->pstate = frame->pstate;
    registers->fault_address = info->address;
    struct fpsimd_context *fp = (struct fpsimd_context *)registers->__reserved;
    struct fp_state live;
    fp_state_save(&live);
    fp->head.magic = FPSIMD_MAGIC;
    fp->head.size = sizeof(*fp);
    fp->fpsr = live.fpsr;
    fp->fpcr = live.fpcr;
    memcpy(fp->vregs, live.q, sizeof(fp->vregs));
    /* The record after fpsimd_context is the terminator: already zero. */
    kernel_frame->frame_record[0] = frame->x[29];
    kernel_frame->frame_record[1] = frame->x[30];
    int error = copy_to_user((void *)sp, kernel_frame, sizeof(*kernel_frame));
    kfree(kernel_frame);
    if (error)
        return error;

    struct signal_frame *user_frame = (struct signal_frame *)sp;
    frame->x[0] = (uint64_t)signal;
    frame->x[1] = (uint64_t)&user_frame->info;
    frame->x[2] = (uint64_t)&user_frame->context;
    frame->x[29] = (uint64_t)&user_frame->frame_record;
    frame->x[30] = (action->sa_flags & SA_RESTORER) ? (uint64_t)action->sa_restorer
                                                    : SIGNAL_TRAMPOLINE_ADDRESS;
    frame->sp = sp;
    frame->pc = (uint64_t)action->sa_handler;
    return 0;
}

_Noreturn static void terminate_by_signal(int signal)
{
    process_exit_group(signal & 0x7f);
}

void signal_wait_while_stopped(void)
{
    struct process *process = current->process;
    while (process->stopped && !current->killed && !process->exiting) {
        current->state = TASK_SLEEPING;
        schedule();
    }
}

static void stop_process(int signal)
{
    struct process *process = current->process;
    process->stopped = true;
    notify_parent_of_stop(process, CLD_STOPPED, signal);
    list_for_each(node, &process->threads) {
        struct task *task = container_of(node, struct task, thread_node);
        if (task != current)
            task_wake(task);    /* they park on their way back to user mode */
    }
    signal_wait_while_stopped();
}

void signal_deliver(struct trap_frame *frame)
{
    struct signal_info info;
    int signal = dequeue(&info);
    if (!signal) {
        restart_interrupted_call(frame, NULL);
        return;
    }
    struct process *process = current->process;
    struct sigaction *action = action_of(process, signal);
    if (action->sa_handler == SIG_IGN)
        return;
    if (action->sa_handler == SIG_DFL) {
        if (BIT(signal) & DEFAULT_IGNORED)
            return;
        if (BIT(signal) & STOP_SIGNALS) {
            stop_process(signal);
            return;
        }
        terminate_by_signal(signal);
    }
    restart_interrupted_call(frame, action);
    struct sigaction used = *action;
    if (action->sa_flags & SA_RESETHAND)
        action->sa_handler = SIG_DFL;
    uint64_t old_mask = current->restore_signal_mask ? current->saved_signal_mask
                                                     : current->signal_mask;
    if (setup_frame(frame, signal, &info, &used) < 0) {
        struct signal_info segv = { .signal = SIGSEGV, .code = SI_KERNEL };
        signal_force(current, &segv);
        return;
    }
    current->signal_mask = old_mask | used.sa_mask.sig[0];
    if (!(used.sa_flags & SA_NODEFER))
        current->signal_mask |= BIT(signal);
    current->signal_mask &= ~UNBLOCKABLE;
}

/* Called from return_to_user_work when nothing is pending. */
void signal_finish_syscall(struct trap_frame *frame)
{
    restart_interrupted_call(frame, NULL);
    if (current->restore_signal_mask) {
        current->signal_mask = current->saved_signal_mask;
        current->restore_signal_mask = false;
    }
}

static long sys_rt_sigreturn(void)
{
    struct trap_frame *frame = current->trap_frame;
    struct signal_frame *kernel_frame = kmalloc(sizeof(*kernel_frame));
    if (!kernel_frame)
        process_exit_group(SIGSEGV);
    if (copy_from_user(kernel_frame, (void *)frame->sp, sizeof(*kernel_frame)) < 0) {
        kfree(kernel_frame);
        struct signal_info segv = { .signal = SIGSEGV, .code = SI_KERNEL };
        signal_force(current, &segv);
        return (long)frame->x[0];
    }
    struct sigcontext *registers = &kernel_frame->context.uc_mcontext;
    memcpy(frame->x, registers->regs, sizeof(frame->x));
    frame->sp = registers->sp;
    frame->pc = registers->pc;
    /* Only the condition flags may come from user memory: stay in EL0 with IRQs on. */
    frame->pstate = registers->pstate & 0xf0000000UL;
    struct fpsimd_context *fp = (struct fpsimd_context *)registers->__reserved;
    if (fp->head.magic == FPSIMD_MAGIC) {
        struct fp_state state;
        memcpy(state.q, fp->vregs, sizeof(state.q));
        state.fpsr = fp->fpsr;
        state.fpcr = fp->fpcr;
        fp_state_restore(&state);
    }
    current->signal_mask = kernel_frame->context.uc_sigmask.sig[0] & ~UNBLOCKABLE;
    kfree(kernel_frame);
    frame->syscall_number = (uint64_t)-1;
    return (long)frame->x[0];
}
SYSCALL(__NR_rt_sigreturn, sys_rt_sigreturn);

static long sys_rt_sigaction(uint64_t signal, uint64_t user_action, uint64_t user_old,
                             uint64_t set_size)
{
    if (set_size != sizeof(sigset_t) || signal < 1 || signal > SIGNAL_COUNT)
        return -EINVAL;
    struct sigaction *action = action_of(current->process, (int)signal);
    struct sigaction new_action;
    if (user_action) {
        if (signal == SIGKILL || signal == SIGSTOP)
            return -EINVAL;
        if (copy_from_user(&new_action, (void *)user_action, sizeof(new_action)) < 0)
            return -EFAULT;
    }
    if (user_old && copy_to_user((void *)user_old, action, sizeof(*action)) < 0)
        return -EFAULT;
    if (user_action) {
        new_action.sa_mask.sig[0] &= ~UNBLOCKABLE;
        *action = new_action;
        /* POSIX: setting a pending signal to be ignored discards it. */
        if (signal_is_ignored(current->process, (int)signal))
            discard_everywhere(current->process, BIT(signal));
    }
    return 0;
}
SYSCALL(__NR_rt_sigaction, sys_rt_sigaction);

static long sys_rt_sigprocmask(uint64_t how, uint64_t user_set, uint64_t user_old, uint64_t set_size)
{
    if (set_size != sizeof(sigset_t))
        return -EINVAL;
    uint64_t set = 0;
    if (user_set && copy_from_user(&set, (void *)user_set, sizeof(set)) < 0)
        return -EFAULT;
    uint64_t old = current->signal_mask;
    if (user_set) {
        switch (how) {
        case SIG_BLOCK: current->signal_mask |= set; break;
        case SIG_UNBLOCK: current->signal_mask &= ~set; break;
        case SIG_SETMASK: current->signal_mask = set; break;
        default: return -EINVAL;
        }
        current->signal_mask &= ~UNBLOCKABLE;
    }
    if (user_old && copy_to_user((void *)user_old, &old, sizeof(old)) < 0)
        return -EFAULT;
    return 0;
}
SYSCALL(__NR_rt_sigprocmask, sys_rt_sigprocmask);

static long sys_rt_sigpending(uint64_t user_set, uint64_t set_size)
{
    if (set_size != sizeof(sigset_t))
        return -EINVAL;
    uint64_t pending = (current->pending_signals | current->process->pending_signals) &
                       current->signal_mask;
    return copy_to_user((void *)user_set, &pending, sizeof(pending));
}
SYSCALL(__NR_rt_sigpending, sys_rt_sigpending);

static long sys_rt_sigsuspend(uint64_t user_set, uint64_t set_size)
{
    if (set_size != sizeof(sigset_t))
        return -EINVAL;
    uint64_t set;
    if (copy_from_user(&set, (void *)user_set, sizeof(set)) < 0)
        return -EFAULT;
    current->saved_signal_mask = current->signal_mask;
    current->restore_signal_mask = true;
    current->signal_mask = set & ~UNBLOCKABLE;
    while (wait_sleep(0) != -ERESTARTSYS)
        ;
    return -ERESTARTNOHAND;
}
SYSCALL(__NR_rt_sigsuspend, sys_rt_sigsuspend);

static long sys_sigaltstack(uint64_t user_new, uint64_t user_old)
{
    stack_t old = {
        .ss_sp = (void *)current->alternate_stack,
        .ss_size = current->alternate_stack_size,
        .ss_flags = current->alternate_stack_size
                        ? (on_alternate_stack(current->trap_frame->sp) ? SS_ONSTACK : 0)
                        : SS_DISABLE,
    };
    if (user_new) {
        stack_t new;
        if (copy_from_user(&new, (void *)user_new, sizeof(new)) < 0)
            return -EFAULT;
        if (on_alternate_stack(current->trap_frame->sp))
            return -EPERM;
        if (new.ss_flags & SS_DISABLE) {
            current->alternate_stack = current->alternate_stack_size = 0;
        } else {
            if (new.ss_flags & ~SS_ONSTACK)
                return -EINVAL;
            if (new.ss_size < MINSIGSTKSZ)
                return -ENOMEM;
            current->alternate_stack = (uint64_t)new.ss_sp;
            current->alternate_stack_size = new.ss_size;
        }
    }
    if (user_old && copy_to_user((void *)user_old, &old, sizeof(old)) < 0)
        return -EFAULT;
    return 0;
}
SYSCALL(__NR_sigaltstack, sys_sigaltstack);

static int send_checked(struct process *process, int signal)
{
    if (signal == 0)
        return 0;
    struct signal_info info = { .signal = signal, .code = SI_USER, .pid = current->process->pid };
    return signal_send_process(process, &info);
}

static long sys_kill(uint64_t pid_argument, uint64_t signal_argument)
{
    pid_t pid = (pid_t)pid_argument;
    int signal = (int)signal_argument;
    if (signal < 0 || signal > SIGNAL_COUNT)
        return -EINVAL;
    if (pid > 0) {
        struct process *process = process_by_pid(pid);
        if (!process || process->zombie || !process->parent)
            return process && process->zombie ? 0 : -ESRCH;
        return send_checked(process, signal);
    }
    pid_t group = pid == 0 ? current->process->pgid : -pid;
    bool found = false;
    list_for_each_safe(node, &all_processes) {
        struct process *process = container_of(node, struct process, all_node);
        if (process->zombie || !process->parent)
            continue;
        if (pid == -1 ? (process == init_process || process == current->process)
                      : process->pgid != group)
            continue;
        found = true;
        send_checked(process, signal);
    }
    return found ? 0 : -ESRCH;
}
SYSCALL(__NR_kill, sys_kill);

static long send_to_thread(pid_t tgid, pid_t tid, int signal)
{
    if (tid <= 0 || signal < 0 || signal > SIGNAL_COUNT)
        return -EINVAL;
    struct task *task = task_by_tid(tid);
    if (!task || (tgid > 0 && task->process->pid != tgid))
        return -ESRCH;
    if (signal == 0)
        return 0;
    struct signal_info info = { .signal = signal, .code = SI_TKILL, .pid = current->process->pid };
    return signal_send_task(task, &info);
}

static long sys_tgkill(uint64_t tgid, uint64_t tid, uint64_t signal)
{
    if ((pid_t)tgid <= 0)
        return -EINVAL;
    return send_to_thread((pid_t)tgid, (pid_t)tid, (int)signal);
}
SYSCALL(__NR_tgkill, sys_tgkill);

/* rt_sigqueueinfo(2): user-built siginfo; only negative codes (SI_QUEUE...) may be forged. */
static int queued_info_from_user(uint64_t user_info, int signal, struct signal_info *info)
{
    siginfo_t given;
    if (copy_from_user(&given, (void *)user_info, sizeof(given)) < 0)
        return -EFAULT;
    if (given.si_code >= 0 || given.si_code == SI_TKILL)
        return -EPERM;
    *info = (struct signal_info){ .signal = signal, .code = given.si_code,
                                  .pid = given.si_pid, .uid = given.si_uid,
                                  .value = (uint64_t)given.si_value.sival_ptr };
    return 0;
}

static long sys_rt_sigqueueinfo(uint64_t tgid, uint64_t signal, uint64_t user_info)
{
    struct signal_info info;
    struct process *process = process_by_pid((pid_t)tgid);
    if (signal < 1 || signal > SIGNAL_COUNT)
        return -EINVAL;
    int error = queued_info_from_user(user_info, (int)signal, &info);
    if (error)
        return error;
    if (!process || process->zombie)
        return -ESRCH;
    return signal_send_process(process, &info);
}
SYSCALL(__NR_rt_sigqueueinfo, sys_rt_sigqueueinfo);

static long sys_rt_tgsigqueueinfo(uint64_t tgid, uint64_t tid, uint64_t signal, uint64_t user_info)
{
    struct signal_info info;
    if (signal < 1 || signal > SIGNAL_COUNT)
        return -EINVAL;
    int error = queued_info_from_user(user_info, (int)signal, &info);
    if (error)
        return error;
    struct task *task = task_by_tid((pid_t)tid);
    if (!task || task->process->pid != (pid_t)tgid)
        return -ESRCH;
    return signal_send_task(task, &info);
}
SYSCALL(__NR_rt_tgsigqueueinfo, sys_rt_tgsigqueueinfo);

static long sys_tkill(uint64_t tid, uint64_t signal)
{
    return send_to_thread(0, (pid_t)tid, (int)signal);
}
SYSCALL(__NR_tkill, sys_tkill);
