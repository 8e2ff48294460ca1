/* Device register access: volatile, with barriers where ordering matters. */
#ifndef ARCH_MMIO_H
#define ARCH_MMIO_H
#include <stdint.h>

static inline uint32_t mmio_read32(const volatile void *address)
{
    uint32_t value = *(const volatile uint32_t *)address;
    __asm__ volatile("dmb oshld" ::: "memory");
    return value;
}
static inline void mmio_write32(volatile void *address, uint32_t value)
{
    __asm__ volatile("dmb oshst" ::: "memory");
    *(volatile uint32_t *)address = value;
}
static inline void mmio_write64(volatile void *address, uint64_t value)
{
    mmio_write32(address, (uint32_t)value);
    mmio_write32((volatile uint8_t *)address + 4, (uint32_t)(value >> 32));
}

#define read_sysreg(name) ({ uint64_t _v; __asm__ volatile("mrs %0, " #name : "=r"(_v)); _v; })
#define write_sysreg(name, value) __asm__ volatile("msr " #name ", %0" ::"r"((uint64_t)(value)))

static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }
static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline uint64_t irq_save(void)
{
    uint64_t flags = read_sysreg(daif);
    irq_disable();
    return flags;
}
static inline void irq_restore(uint64_t flags) { write_sysreg(daif, flags); }

#endif
