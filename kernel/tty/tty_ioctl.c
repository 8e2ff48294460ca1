/*
 * Terminal ioctls (tty_ioctl(4)): settings, window size, input queries and
 * flushing.  Job-control ioctls are in job_control.c.  Output is never
 * buffered, so "wait until output drains" (TCSETSW, TCSBRK) has nothing to
 * wait for, and TCXONC, which suspends or restarts output, is accepted but
 * has no effect because there is no output queue to stop.
 */
#include "tty_internal.h"
#include <task.h>
#include <signal.h>
#include <uaccess.h>
#include <asm-generic/siginfo.h>

static long set_termios(struct tty *tty, unsigned command, void *user_settings)
{
    struct termios settings;
    if (copy_from_user(&settings, user_settings, sizeof(settings)))
        return -EFAULT;
    if (command == TCSETSF)
        tty_flush_input(tty);
    tty_set_termios(tty, &settings);
    return 0;
}

/* A size change tells the foreground process group with SIGWINCH (tty_ioctl(4)). */
static long set_window_size(struct tty *tty, void *user_size)
{
    struct winsize size;
    if (copy_from_user(&size, user_size, sizeof(size)))
        return -EFAULT;
    bool changed = memcmp(&size, &tty->window_size, sizeof(size)) != 0;
    tty->window_size = size;
    if (changed && tty->foreground_group > 0) {
        struct signal_info info = { .signal = SIGWINCH, .code = SI_KERNEL };
        signal_send_group(tty->foreground_group, &info);
    }
    return 0;
}

static long flush(struct tty *tty, uint64_t queue)
{
    switch (queue) {
    case TCIFLUSH:
    case TCIOFLUSH:
        tty_flush_input(tty);
        return 0;
    case TCOFLUSH:
        return 0;
    default:
        return -EINVAL;
    }
}

long tty_ioctl(struct tty *tty, unsigned command, uint64_t argument)
{
    void *user = (void *)argument;
    switch (command) {
    case TCGETS:
        return copy_to_user(user, &tty->termios, sizeof(tty->termios));
    case TCSETS:
    case TCSETSW:
    case TCSETSF:
        return set_termios(tty, command, user);
    case TIOCGWINSZ:
        return copy_to_user(user, &tty->window_size, sizeof(tty->window_size));
    case TIOCSWINSZ:
        return set_window_size(tty, user);
    case FIONREAD: {
        int count = (int)tty_readable_bytes(tty);
        return PUT_USER(count, (int *)user);
    }
    case TCFLSH:
        return flush(tty, argument);
    case TCXONC:
        return argument <= TCION ? 0 : -EINVAL;
    case TCSBRK:
    case TCSBRKP:
        return 0;
    default:
        return tty_job_control_ioctl(tty, command, argument);
    }
}
