/*
 * b_bootmark: the first user program for the boot benchmark.
 *
 * On entry it writes "BOOTMARK\n" to fd 1 with one write(2).  The host
 * (tools/bench) timestamps QEMU's start and the moment this line shows up on
 * QEMU's stdout; the difference is "boot to first user instruction" (plus the
 * libc start-up, the same on both kernels since this is one static binary).
 *
 * If no console is open on fd 1 (a kernel that starts init with no fds), it
 * opens /dev/console itself first.
 *
 * Then it runs the rest: if /init.rest exists it is exec'ed with our argv
 * (the Linux bench initramfs uses that for the busybox script that runs the
 * benchmarks).  Otherwise it powers the machine off, so a boot-only run ends
 * by itself: sync + reboot(POWER_OFF); QEMU runs with -no-reboot, so on Linux
 * this exits QEMU through PSCI SYSTEM_OFF.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/reboot.h>
#include <unistd.h>

static const char mark[] = "BOOTMARK\n";

int main(int argc, char **argv)
{
	(void)argc;
	if (write(1, mark, sizeof mark - 1) < 0) {
		int fd = open("/dev/console", O_RDWR | O_NOCTTY);
		if (fd >= 0) {
			if (fd != 0) dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2) close(fd);
			(void)!write(1, mark, sizeof mark - 1);
		}
	}
	if (access("/init.rest", X_OK) == 0) {
		argv[0] = "/init.rest";
		execv("/init.rest", argv);
		static const char e[] = "bootmark: exec /init.rest failed\n";
		(void)!write(2, e, sizeof e - 1);
	}
	sync();
	reboot(RB_POWER_OFF);
	/* Still here (no permission, or a kernel without reboot): just stop. */
	_exit(0);
}
