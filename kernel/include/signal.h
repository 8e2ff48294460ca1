/*
 * Signals, with Linux's numbers, sigaction layout and default actions.
 * A signal sent to a process is delivered to one of its threads that does
 * not block it; one sent to a thread (tgkill, faults) to that thread.
 */
#ifndef SIGNAL_H
#define SIGNAL_H
#include <kernel.h>
#include <asm/signal.h>

struct task;
struct process;
struct trap_frame;

/* Kernel-side siginfo fields we fill in; laid out as Linux's siginfo_t on delivery. */
struct signal_info {
    int signal;
    int code;              /* SI_USER, SI_KERNEL, SEGV_MAPERR, CLD_EXITED ... */
    int error;
    pid_t pid;             /* sender, or the child for SIGCHLD */
    uint32_t uid;
    int status;            /* SIGCHLD: exit code or signal */
    uint64_t address;      /* SIGSEGV/SIGBUS/SIGILL: faulting address */
    uint64_t value;        /* sigqueue: si_value */
};

int signal_send_process(struct process *process, const struct signal_info *info);
int signal_send_task(struct task *task, const struct signal_info *info);
/* Sends to every process in the process group (tty ^C, kill(-pgid)). */
int signal_send_group(pid_t pgid, const struct signal_info *info);
/* Convenience for the kernel: SI_KERNEL info with just the number. */
void signal_send_simple(struct process *process, int signal);
/* Faults: delivered even when blocked or ignored (the thread could not go on). */
void signal_force(struct task *task, const struct signal_info *info);
/* A deliverable (pending and unblocked) signal exists for current. */
bool signal_pending(void);
/* Is signal ignored (by SIG_IGN or by a default action of "ignore")? */
bool signal_is_ignored(struct process *process, int signal);
/* Parks current while its process is stopped (SIGSTOP, SIGTSTP...). */
void signal_wait_while_stopped(void);
/* Called on return to user: delivers pending signals, sets up handler frames. */
void signal_deliver(struct trap_frame *frame);

/* SIGCHLD set to SIG_IGN, or SA_NOCLDWAIT: children are reaped automatically. */
bool signal_is_ignored_explicitly(struct process *process, int signal);
bool signal_no_child_wait(struct process *process);

/* After a system call with nothing to deliver: restart it if it asked, restore a
 * temporarily replaced mask (sigsuspend, ppoll). */
void signal_finish_syscall(struct trap_frame *frame);

struct signal_handlers *signal_handlers_new(void);
struct signal_handlers *signal_handlers_copy(struct signal_handlers *handlers);
void signal_handlers_put(struct signal_handlers *handlers);
/* execve: handlers reset to default, ignored stay ignored. */
void signal_handlers_reset_for_exec(struct signal_handlers *handlers);

#endif
