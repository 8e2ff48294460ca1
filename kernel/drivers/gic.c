/* GICv2 (ARM IHI 0048B): one CPU, every interrupt routed to it, equal priority. */
#include <interrupt.h>
#include <arch/mmio.h>

enum {
    DISTRIBUTOR_CONTROL = 0x000,
    DISTRIBUTOR_TYPE = 0x004,
    DISTRIBUTOR_SET_ENABLE = 0x100,
    DISTRIBUTOR_CLEAR_ENABLE = 0x180,
    DISTRIBUTOR_PRIORITY = 0x400,
    DISTRIBUTOR_TARGETS = 0x800,
    DISTRIBUTOR_CONFIG = 0xc00,
    CPU_CONTROL = 0x00,
    CPU_PRIORITY_MASK = 0x04,
    CPU_ACKNOWLEDGE = 0x0c,
    CPU_END_OF_INTERRUPT = 0x10,
};
#define SPURIOUS_INTERRUPT 1023
#define MAX_INTERRUPTS 1020

static volatile uint8_t *distributor, *cpu_interface;
static interrupt_handler_t handlers[MAX_INTERRUPTS];
static unsigned interrupt_lines;

void gic_init(uint64_t distributor_physical, uint64_t cpu_interface_physical)
{
    distributor = phys_to_virt(distributor_physical);
    cpu_interface = phys_to_virt(cpu_interface_physical);
    interrupt_lines = MIN(32 * ((mmio_read32(distributor + DISTRIBUTOR_TYPE) & 0x1f) + 1),
                          MAX_INTERRUPTS);
    mmio_write32(distributor + DISTRIBUTOR_CONTROL, 0);
    for (unsigned i = 0; i < interrupt_lines; i += 32)
        mmio_write32(distributor + DISTRIBUTOR_CLEAR_ENABLE + i / 8, 0xffffffff);
    for (unsigned i = 0; i < interrupt_lines; i += 4)
        mmio_write32(distributor + DISTRIBUTOR_PRIORITY + i, 0xa0a0a0a0);
    /* Shared interrupts to CPU 0, level triggered (virtio and the UART are). */
    for (unsigned i = 32; i < interrupt_lines; i += 4)
        mmio_write32(distributor + DISTRIBUTOR_TARGETS + i, 0x01010101);
    for (unsigned i = 32; i < interrupt_lines; i += 16)
        mmio_write32(distributor + DISTRIBUTOR_CONFIG + i / 4, 0);
    mmio_write32(distributor + DISTRIBUTOR_CONTROL, 1);
    mmio_write32(cpu_interface + CPU_PRIORITY_MASK, 0xf0);
    mmio_write32(cpu_interface + CPU_CONTROL, 1);
}

void interrupt_register(int interrupt_id, interrupt_handler_t handler)
{
    if (interrupt_id < 0 || (unsigned)interrupt_id >= interrupt_lines)
        panic("interrupt %d out of range", interrupt_id);
    handlers[interrupt_id] = handler;
    mmio_write32(distributor + DISTRIBUTOR_SET_ENABLE + (interrupt_id / 32) * 4,
                 1u << (interrupt_id % 32));
}

void trap_irq(struct trap_frame *frame)
{
    (void)frame;
    for (;;) {
        uint32_t acknowledge = mmio_read32(cpu_interface + CPU_ACKNOWLEDGE);
        uint32_t id = acknowledge & 0x3ff;
        if (id == SPURIOUS_INTERRUPT)
            return;
        if (id < MAX_INTERRUPTS && handlers[id])
            handlers[id]();
        mmio_write32(cpu_interface + CPU_END_OF_INTERRUPT, acknowledge);
    }
}
