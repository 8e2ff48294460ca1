/*
 * Exception vectors (ARM ARM D1.10).  Every entry saves the registers as a
 * struct trap_frame on the kernel stack and calls into C.  Entries from EL0
 * find the stack empty: SP_EL1 is the top of the running task's kernel stack
 * whenever the CPU is in user mode.  Interrupts stay masked in the kernel,
 * except where the scheduler idles (see proc/scheduler.c).
 */
#include <arch/trap_frame.h>

    .macro save_registers from_user
    sub     sp, sp, #TRAP_FRAME_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
    .if \from_user
    mrs     x21, sp_el0
    .else
    add     x21, sp, #TRAP_FRAME_SIZE
    .endif
    stp     x30, x21, [sp, #16 * 15]
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x22, x23, [sp, #TRAP_FRAME_PC]
    mov     x24, #-1
    stp     x0, x24, [sp, #TRAP_FRAME_ORIG_X0]
    .endm

    .macro vector_entry label
    .balign 0x80
    b       \label
    .endm

    .section .text
    .balign 0x800
    .global exception_vectors
exception_vectors:
    /* Current EL with SP_EL0: never used. */
    vector_entry unexpected_exception
    vector_entry unexpected_exception
    vector_entry unexpected_exception
    vector_entry unexpected_exception
    /* Current EL with SP_ELx: the kernel itself. */
    vector_entry kernel_sync
    vector_entry kernel_irq
    vector_entry unexpected_exception
    vector_entry unexpected_exception
    /* Lower EL, AArch64: user programs. */
    vector_entry user_sync
    vector_entry user_irq
    vector_entry unexpected_exception
    vector_entry unexpected_exception
    /* Lower EL, AArch32: not supported. */
    vector_entry unexpected_exception
    vector_entry unexpected_exception
    vector_entry unexpected_exception
    vector_entry unexpected_exception

unexpected_exception:
    save_registers 0
    mov     x0, sp
    bl      trap_unexpected
    b       .

kernel_sync:
    save_registers 0
    mov     x0, sp
    bl      trap_kernel_sync
    b       restore_kernel

kernel_irq:
    save_registers 0
    mov     x0, sp
    bl      trap_irq
    b       restore_kernel

user_sync:
    save_registers 1
    bl      cpu_time_charge_user
    mov     x0, sp
    bl      trap_user_sync
    b       return_to_user

user_irq:
    save_registers 1
    bl      cpu_time_charge_user
    mov     x0, sp
    bl      trap_irq
    b       return_to_user

/*
 * Leave the kernel for user mode through the trap frame at sp.  New tasks
 * start here too (their saved context's lr points at it).
 */
    .global return_to_user
return_to_user:
    mov     x0, sp
    bl      return_to_user_work
    ldp     x22, x23, [sp, #TRAP_FRAME_PC]
    msr     elr_el1, x22
    msr     spsr_el1, x23
    ldp     x30, x21, [sp, #16 * 15]
    msr     sp_el0, x21
    b       restore_common

restore_kernel:
    ldp     x22, x23, [sp, #TRAP_FRAME_PC]
    msr     elr_el1, x22
    msr     spsr_el1, x23
    ldr     x30, [sp, #16 * 15]

restore_common:
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    add     sp, sp, #TRAP_FRAME_SIZE
    eret
