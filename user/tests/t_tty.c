/*
 * t_tty.c - terminal ioctls, only when stdin is a terminal.
 *
 * TCGETS/TCSETS (tcgetattr(3)/tcsetattr(3)) and TIOCGWINSZ
 * (ioctl_tty(2)).  When stdin is not a tty (the usual case for automated
 * runs) every check is reported as "ok N - # SKIP not a tty", so the
 * output is still deterministic.  Terminal values themselves (speed,
 * window size) vary and are never printed.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include "tap.h"

#define NCHECKS 6

int main(void)
{
	struct termios t, t2, orig;
	struct winsize ws;

	if (!isatty(0)) {
		/* isatty(3) uses TCGETS: on a non-tty it fails with ENOTTY. */
		for (int i = 0; i < NCHECKS; i++)
			check(1, "# SKIP not a tty", NULL);
		return tap_done("t_tty.c");
	}
	check_eq(ioctl(0, TCGETS, &orig), 0, "TCGETS on stdin");
	t = orig;
	t.c_lflag ^= ECHO; /* flip ECHO, then read it back */
	check_eq(ioctl(0, TCSETS, &t), 0, "TCSETS with ECHO flipped");
	ioctl(0, TCGETS, &t2);
	check_eq(t2.c_lflag & ECHO, t.c_lflag & ECHO, "TCGETS reads back the new ECHO bit");
	check_eq(ioctl(0, TCSETS, &orig), 0, "TCSETS restores the original settings");
	check_eq(ioctl(0, TIOCGWINSZ, &ws), 0, "TIOCGWINSZ on stdin");
	int fd = open("/dev/null", O_RDONLY);
	errno = 0;
	check_errno(ioctl(fd, TCGETS, &t), ENOTTY, "TCGETS on /dev/null gives ENOTTY");
	close(fd);
	return tap_done("t_tty.c");
}
