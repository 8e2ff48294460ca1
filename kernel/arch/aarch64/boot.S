/*
 * First instructions.  QEMU enters at EL1 with the MMU off, at our physical
 * load address.  x0 holds the device-tree address for a raw image and 0 for
 * an ELF, in which case QEMU placed the tree at the start of RAM.
 *
 * Until the MMU is on this code runs at physical addresses, so it uses only
 * PC-relative addressing (adr/adrp) for the tables it builds, and absolute
 * literals (ldr =symbol) only for the jump into the linked, upper-half address.
 */
#include <arch/memory_layout.h>
#include <arch/sysregs.h>

    .section .text.boot, "ax"
    .global _start
_start:
    /*
     * The arm64 Linux image header (Documentation/arm64/booting.rst): QEMU
     * recognises it, loads the image at RAM + text_offset, passes the device
     * tree in x0 and the initramfs in /chosen, as it would for Linux.
     */
    b       start_after_header          /* code0 */
    .long   0                           /* code1 */
    .quad   0x200000                    /* text_offset: 2 MiB into RAM */
    .quad   kernel_image_size           /* image_size, .bss included */
    .quad   0x2                         /* flags: little endian, 4 KiB pages */
    .quad   0, 0, 0                     /* res2, res3, res4 */
    .ascii  "ARM\x64"                   /* magic */
    .long   0                           /* res5 */

start_after_header:
    msr     daifset, #0xf
    mov     x19, x0                     /* device tree, or 0 */

    /* FP/SIMD on for EL0 and EL1: user code needs it, and so does libfdt. */
    mov     x1, #(3 << 20)
    msr     cpacr_el1, x1
    isb

    /* Boot stack, physical until the MMU is on. */
    adrp    x1, boot_stack_top
    add     x1, x1, :lo12:boot_stack_top
    mov     sp, x1

    /* Zero the boot page tables (they live in .bss, which is not zeroed yet). */
    adrp    x0, boot_page_table_l0
    mov     x1, #(2 * 4096)
1:  stp     xzr, xzr, [x0], #16
    subs    x1, x1, #16
    b.ne    1b

    /*
     * One L0 entry pointing to one L1 table of 1 GiB blocks: [0, 1 GiB) as
     * device memory (the virt board's MMIO lives there), [1 GiB, 4 GiB) as
     * normal memory (RAM starts at 1 GiB).  The same L0 table serves as TTBR0
     * (identity map, needed for the instruction after the MMU turns on) and as
     * TTBR1 (the linear map), because both resolve bits 47..0 identically.
     */
    adrp    x0, boot_page_table_l0
    adrp    x1, boot_page_table_l1
    orr     x2, x1, #PTE_TABLE
    str     x2, [x0]

    ldr     x2, =(PTE_BLOCK | PTE_AF | PTE_ATTR_DEVICE | PTE_PXN | PTE_UXN)
    str     x2, [x1]
    mov     x3, #1
2:  lsl     x4, x3, #30
    ldr     x2, =(PTE_BLOCK | PTE_AF | PTE_SH_INNER | PTE_ATTR_NORMAL | PTE_UXN)
    orr     x2, x2, x4
    str     x2, [x1, x3, lsl #3]
    add     x3, x3, #1
    cmp     x3, #4
    b.ne    2b

    ldr     x1, =MAIR_VALUE
    msr     mair_el1, x1
    /* Physical address size from the CPU's PARange. */
    mrs     x1, id_aa64mmfr0_el1
    and     x1, x1, #0x7
    ldr     x2, =TCR_VALUE
    bfi     x2, x1, #32, #3
    msr     tcr_el1, x2
    msr     ttbr0_el1, x0
    msr     ttbr1_el1, x0
    dsb     ish
    isb
    tlbi    vmalle1
    dsb     ish
    isb

    ldr     x1, =SCTLR_VALUE
    msr     sctlr_el1, x1
    isb

    ldr     x1, =upper_half
    br      x1

upper_half:
    ldr     x1, =boot_stack_top
    mov     sp, x1
    ldr     x0, =bss_start
    ldr     x1, =bss_end
3:  cmp     x0, x1
    b.hs    4f
    str     xzr, [x0], #8
    b       3b
4:
    ldr     x1, =exception_vectors
    msr     vbar_el1, x1
    isb
    mov     x0, x19
    bl      kernel_main
5:  wfi
    b       5b

    /* Not in .bss: the tables are live while .bss is being zeroed. */
    .section .boot_data, "aw", %nobits
    .balign 4096
    .global boot_page_table_l0
boot_page_table_l0:
    .space 4096
boot_page_table_l1:
    .space 4096
    .balign 16
boot_stack:
    .space KERNEL_STACK_SIZE
    .global boot_stack_top
boot_stack_top:
