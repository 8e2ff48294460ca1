/*
 * System calls use Linux's aarch64 numbers (asm/unistd.h).  Each file
 * registers its own calls with SYSCALL(number, function); the dispatcher
 * builds its table from these registrations at boot, so adding a call never
 * means editing a shared table.  A handler takes the six argument registers
 * and returns a value or a negative errno.  Unregistered numbers answer ENOSYS.
 */
#ifndef SYSCALL_H
#define SYSCALL_H
#include <kernel.h>
/* The arm64 header: it enables the calls arm64 keeps (newfstatat, renameat...). */
#include <asm/unistd.h>

typedef long (*syscall_handler_t)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t);

struct syscall_registration {
    uint32_t number;
    const char *name;
    syscall_handler_t handler;
};

#define SYSCALL(nr, fn)                                                         \
    static const struct syscall_registration syscall_registration_##fn          \
        __attribute__((used, section(".syscall_registrations"))) = {            \
            nr, #fn, (syscall_handler_t)(void *)fn }

void syscalls_init(void);
struct trap_frame;
void syscall_dispatch(struct trap_frame *frame);

#endif
