/*
 * Address-space layout.
 *
 * The kernel half (TTBR1, addresses with bits 63..48 set) maps all physical
 * memory linearly: virtual = KERNEL_VIRT_OFFSET + physical.  The user half
 * (TTBR0) is per process and spans [0, USER_ADDRESS_LIMIT).  A user pointer is
 * valid only below USER_ADDRESS_LIMIT, so any kernel address given to a system
 * call fails the range check before it is ever touched.
 */
#ifndef ARCH_MEMORY_LAYOUT_H
#define ARCH_MEMORY_LAYOUT_H

#include <arch/constant.h>

#define KERNEL_VIRT_OFFSET   UL(0xffff000000000000)
#define USER_ADDRESS_LIMIT   UL(0x0001000000000000)   /* 48-bit user VA */
#define PAGE_SHIFT           12
#define PAGE_SIZE            (UL(1) << PAGE_SHIFT)
#define KERNEL_STACK_SIZE    (16 * 1024)

/* Where user stacks and mmap regions go; both grow down from here. */
#define USER_STACK_TOP       UL(0x0000fffffffff000)
#define USER_STACK_MAX       (UL(8) * 1024 * 1024)
#define USER_MMAP_TOP        (USER_STACK_TOP - USER_STACK_MAX - PAGE_SIZE * 16)
/* Static-pie executables are placed here (ET_DYN load bias). */
#define USER_PIE_BASE        UL(0x0000aaaaaaaa0000)

#ifndef __ASSEMBLY__
#include <stdint.h>
static inline void *phys_to_virt(uint64_t physical)
{
    return (void *)(physical + KERNEL_VIRT_OFFSET);
}
static inline uint64_t virt_to_phys(const void *virtual_address)
{
    return (uint64_t)virtual_address - KERNEL_VIRT_OFFSET;
}
#endif

#endif
