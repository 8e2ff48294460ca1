/*
 * Powering off.  When the command line says strata.exit=semihosting (as
 * tools/guestrun does), the status reaches the host as QEMU's exit status
 * through the semihosting SYS_EXIT call; otherwise PSCI SYSTEM_OFF.
 */
#ifndef POWER_H
#define POWER_H
#include <kernel.h>

/* Wait-status helper: true when the encoded status says "killed by a signal". */
#define WIFSIGNALED_ENCODED(status) (((status) & 0x7f) != 0 && ((status) & 0x7f) != 0x7f)

extern bool semihosting_enabled;
void power_init(void);
_Noreturn void power_off_with_status(int status);
/* Semihosting file access on the host (tools/guestrun's output channels). */
long semihosting_open(const char *path, int mode);
long semihosting_write(long handle, const void *buffer, size_t length);

#endif
