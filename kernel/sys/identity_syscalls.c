/* Process identity: process, thread, group and session ids (user and group
 * ids, supplementary groups too, are in credential_syscalls.c). */
#include <task.h>
#include <syscall.h>
#include <uaccess.h>

static long sys_getpid(void) { return current->process->pid; }
SYSCALL(__NR_getpid, sys_getpid);

static long sys_getppid(void)
{
    struct process *parent = current->process->parent;
    return parent ? parent->pid : 0;
}
SYSCALL(__NR_getppid, sys_getppid);

static long sys_gettid(void) { return current->tid; }
SYSCALL(__NR_gettid, sys_gettid);

static long sys_set_tid_address(uint64_t address)
{
    current->clear_child_tid = address;
    return current->tid;
}
SYSCALL(__NR_set_tid_address, sys_set_tid_address);

static long sys_set_robust_list(uint64_t head, uint64_t length)
{
    if (length != 24)       /* sizeof(struct robust_list_head) */
        return -EINVAL;
    current->robust_list_head = head;
    current->robust_list_length = length;
    return 0;
}
SYSCALL(__NR_set_robust_list, sys_set_robust_list);

static long sys_setpgid(uint64_t pid_argument, uint64_t pgid_argument)
{
    pid_t pid = (pid_t)pid_argument, pgid = (pid_t)pgid_argument;
    if (pgid < 0)
        return -EINVAL;
    struct process *process = pid ? process_by_pid(pid) : current->process;
    if (!process || (process != current->process && process->parent != current->process))
        return -ESRCH;
    if (process->sid == process->pid)
        return -EPERM;      /* a session leader cannot change group */
    process->pgid = pgid ? pgid : process->pid;
    return 0;
}
SYSCALL(__NR_setpgid, sys_setpgid);

static long sys_getpgid(uint64_t pid)
{
    struct process *process = pid ? process_by_pid((pid_t)pid) : current->process;
    return process ? process->pgid : -ESRCH;
}
SYSCALL(__NR_getpgid, sys_getpgid);

static long sys_getsid(uint64_t pid)
{
    struct process *process = pid ? process_by_pid((pid_t)pid) : current->process;
    return process ? process->sid : -ESRCH;
}
SYSCALL(__NR_getsid, sys_getsid);

static long sys_setsid(void)
{
    struct process *process = current->process;
    if (process->pgid == process->pid)
        return -EPERM;
    process->sid = process->pgid = process->pid;
    return process->sid;
}
SYSCALL(__NR_setsid, sys_setsid);
