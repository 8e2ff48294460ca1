/* The GICv2 interrupt controller and per-interrupt handlers. */
#ifndef INTERRUPT_H
#define INTERRUPT_H
#include <kernel.h>

typedef void (*interrupt_handler_t)(void);
void gic_init(uint64_t distributor_physical, uint64_t cpu_interface_physical);
void interrupt_register(int interrupt_id, interrupt_handler_t handler);
struct trap_frame;
void trap_irq(struct trap_frame *frame);

#endif
