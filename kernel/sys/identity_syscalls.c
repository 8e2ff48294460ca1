/* Process identity: ids, groups and sessions (credentials are always root). */
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

/* Everyone is root: the uid/gid calls answer 0 and setting them succeeds. */
static long sys_zero_id(void) { return 0; }
SYSCALL(__NR_getuid, sys_zero_id);
static long sys_geteuid(void) { return 0; }
SYSCALL(__NR_geteuid, sys_geteuid);
static long sys_getgid(void) { return 0; }
SYSCALL(__NR_getgid, sys_getgid);
static long sys_getegid(void) { return 0; }
SYSCALL(__NR_getegid, sys_getegid);
static long sys_setuid(uint64_t id) { return id == 0 ? 0 : -EPERM; }
SYSCALL(__NR_setuid, sys_setuid);
static long sys_setgid(uint64_t id) { return id == 0 ? 0 : -EPERM; }
SYSCALL(__NR_setgid, sys_setgid);

static long sys_getresuid(uint64_t r, uint64_t e, uint64_t s)
{
    if (PUT_USER(0u, (uint32_t *)r) || PUT_USER(0u, (uint32_t *)e) || PUT_USER(0u, (uint32_t *)s))
        return -EFAULT;
    return 0;
}
SYSCALL(__NR_getresuid, sys_getresuid);
static long sys_getresgid(uint64_t r, uint64_t e, uint64_t s) { return sys_getresuid(r, e, s); }
SYSCALL(__NR_getresgid, sys_getresgid);
static long sys_getgroups(uint64_t size, uint64_t list) { (void)size, (void)list; return 0; }
SYSCALL(__NR_getgroups, sys_getgroups);
static long sys_setgroups(uint64_t size, uint64_t list) { (void)list; return size ? -EPERM : 0; }
SYSCALL(__NR_setgroups, sys_setgroups);

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
