/*
 * The registers saved on the kernel stack at every exception entry
 * (arch/aarch64/vectors.S builds it; offsets there must match).
 */
#ifndef ARCH_TRAP_FRAME_H
#define ARCH_TRAP_FRAME_H

#define TRAP_FRAME_SIZE   288
#define TRAP_FRAME_SP     248
#define TRAP_FRAME_PC     256
#define TRAP_FRAME_PSTATE 264
#define TRAP_FRAME_ORIG_X0 272

#ifndef __ASSEMBLY__
#include <stdint.h>
struct trap_frame {
    uint64_t x[31];
    uint64_t sp;          /* SP_EL0: the user stack pointer */
    uint64_t pc;          /* ELR_EL1 */
    uint64_t pstate;      /* SPSR_EL1 */
    uint64_t orig_x0;     /* x0 at syscall entry, for restarting a syscall */
    uint64_t syscall_number;  /* -1 when the entry was not a syscall */
};
_Static_assert(sizeof(struct trap_frame) == TRAP_FRAME_SIZE, "trap frame layout");
#endif

#endif
