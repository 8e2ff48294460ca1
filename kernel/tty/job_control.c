/*
 * The console as a controlling terminal (POSIX XBD 11.1.3-11.1.4, Linux's
 * tty_jobctrl.c).  The terminal belongs to at most one session; a process
 * has it as controlling terminal exactly when it is in that session.  Of
 * that session one process group is in the foreground: it receives the
 * signals typed on the keyboard.
 *
 * Linux takes the terminal away from a session when the session leader
 * exits, and hangs up its foreground group; here the loss is noticed lazily
 * (a session whose leader is gone or a zombie no longer holds the terminal)
 * and nobody gets SIGHUP.
 */
#include "tty_internal.h"
#include <task.h>
#include <signal.h>
#include <uaccess.h>
#include <devices.h>
#include <asm-generic/siginfo.h>

/* /dev/console, the node of this terminal, and /dev/tty, "my controlling terminal". */
#define CONSOLE_DEVICE device_number(5, 1)
#define CONTROLLING_TERMINAL_DEVICE device_number(5, 0)

static bool session_leader_alive(pid_t session)
{
    struct process *leader = session > 0 ? process_by_pid(session) : NULL;
    return leader && !leader->zombie && leader->sid == session;
}

static void release_if_leader_gone(struct tty *tty)
{
    if (tty->session && !session_leader_alive(tty->session)) {
        tty->session = 0;
        tty->foreground_group = 0;
    }
}

static bool is_controlling_terminal(struct tty *tty, const struct process *process)
{
    release_if_leader_gone(tty);
    return tty->session != 0 && process->sid == tty->session;
}

static bool is_session_leader(const struct process *process)
{
    return process->pid == process->sid;
}

static struct process *process_group_member(pid_t group)
{
    list_for_each(node, &all_processes) {
        struct process *process = container_of(node, struct process, all_node);
        if (process->pgid == group)
            return process;
    }
    return NULL;
}

static void signal_group(pid_t group, int signal)
{
    struct signal_info info = { .signal = signal, .code = SI_KERNEL };
    if (group > 0)
        signal_send_group(group, &info);
}

/*
 * Opening /dev/tty means opening the caller's controlling terminal: ENXIO
 * when it has none (Linux).  Opening /dev/console never makes it anyone's
 * controlling terminal (Linux's tty_open treats it as O_NOCTTY): a session
 * leader takes it with TIOCSCTTY.
 */
int tty_job_control_open(struct tty *tty, uint32_t device)
{
    if (device == CONTROLLING_TERMINAL_DEVICE && !is_controlling_terminal(tty, current->process))
        return -ENXIO;
    return 0;
}

/*
 * TIOCSPGRP: the group must exist (ESRCH) and belong to the caller's session
 * (EPERM), and the terminal must be the caller's (ENOTTY).
 */
static long set_foreground_group(struct tty *tty, const pid_t *user_group)
{
    struct process *process = current->process;
    pid_t group;
    if (!is_controlling_terminal(tty, process))
        return -ENOTTY;
    if (GET_USER(group, user_group))
        return -EFAULT;
    if (group < 0)
        return -EINVAL;
    struct process *member = process_group_member(group);
    if (!member)
        return -ESRCH;
    if (member->sid != process->sid)
        return -EPERM;
    tty->foreground_group = group;
    return 0;
}

/*
 * TIOCSCTTY: only a session leader may acquire a terminal.  One that another
 * session holds is taken away from it only when argument is 1 and the caller
 * is privileged, which every process here is (Linux: CAP_SYS_ADMIN).
 */
static long make_controlling_terminal(struct tty *tty, uint64_t argument)
{
    struct process *process = current->process;
    if (!is_session_leader(process))
        return -EPERM;
    if (is_controlling_terminal(tty, process))   /* also frees it if its leader is gone */
        return 0;
    if (tty->session && argument != 1)
        return -EPERM;
    tty->session = process->sid;
    tty->foreground_group = process->pgid;
    return 0;
}

/*
 * TIOCNOTTY: when the session leader gives the terminal up, the foreground
 * group gets SIGHUP and SIGCONT and the session loses it (tty_ioctl(4)).
 * Another member cannot drop it alone here: a process has no terminal of
 * its own apart from its session's, so that case only succeeds.
 */
static long give_up_controlling_terminal(struct tty *tty)
{
    struct process *process = current->process;
    if (!is_controlling_terminal(tty, process))
        return -ENOTTY;
    if (is_session_leader(process)) {
        pid_t group = tty->foreground_group;
        tty->session = 0;
        tty->foreground_group = 0;
        signal_group(group, SIGHUP);
        signal_group(group, SIGCONT);
    }
    return 0;
}

long tty_job_control_ioctl(struct tty *tty, unsigned command, uint64_t argument)
{
    struct process *process = current->process;
    switch (command) {
    case TIOCGPGRP:
        if (!is_controlling_terminal(tty, process))
            return -ENOTTY;
        return PUT_USER(tty->foreground_group, (pid_t *)argument);
    case TIOCSPGRP:
        return set_foreground_group(tty, (const pid_t *)argument);
    case TIOCGSID:
        if (!is_controlling_terminal(tty, process))
            return -ENOTTY;
        return PUT_USER(tty->session, (pid_t *)argument);
    case TIOCSCTTY:
        return make_controlling_terminal(tty, argument);
    case TIOCNOTTY:
        return give_up_controlling_terminal(tty);
    default:
        return -ENOTTY;
    }
}

uint32_t tty_device_of(struct process *process)
{
    return is_controlling_terminal(&console_tty, process) ? CONSOLE_DEVICE : 0;
}

pid_t tty_foreground_group_of(struct process *process)
{
    return is_controlling_terminal(&console_tty, process) ? console_tty.foreground_group : -1;
}
