/*
 * Panics and symbolized backtraces.  The kernel is linked twice: the second
 * link adds a table of its own function symbols (tools/kernel-symbols makes
 * it from the first), so a backtrace names functions without a debugger.
 */
#include <kernel.h>
#include <power.h>
#include <arch/mmio.h>

struct kernel_symbol {
    uint64_t address;
    uint32_t name_offset;
    uint32_t reserved;
};
/* Weak references: absent (address 0) in the first link. */
extern const uint64_t kernel_symbol_count __attribute__((weak));
extern const struct kernel_symbol kernel_symbols[] __attribute__((weak));
extern const char kernel_symbol_names[] __attribute__((weak));

static const char *symbol_for(uint64_t address, uint64_t *offset)
{
    const char *best = NULL;
    uint64_t best_address = 0;
    *offset = 0;
    if (!&kernel_symbol_count)
        return NULL;
    for (uint64_t i = 0; i < kernel_symbol_count; i++) {
        if (kernel_symbols[i].address <= address && kernel_symbols[i].address >= best_address) {
            best_address = kernel_symbols[i].address;
            best = kernel_symbol_names + kernel_symbols[i].name_offset;
        }
    }
    *offset = address - best_address;
    return best;
}

static void print_location(uint64_t pc)
{
    uint64_t offset;
    const char *name = symbol_for(pc, &offset);
    if (name)
        kprintf("  %lx %s+0x%lx\n", pc, name, offset);
    else
        kprintf("  %lx ?\n", pc);
}

void backtrace_print(uint64_t frame_pointer, uint64_t pc)
{
    kprintf("backtrace:\n");
    print_location(pc);
    for (int depth = 0; depth < 32; depth++) {
        if (frame_pointer < KERNEL_VIRT_OFFSET || (frame_pointer & 15))
            break;
        uint64_t *record = (uint64_t *)frame_pointer;
        uint64_t return_address = record[1];
        if (return_address < KERNEL_VIRT_OFFSET)
            break;
        print_location(return_address - 4);
        frame_pointer = record[0];
    }
}

_Noreturn void panic(const char *format, ...)
{
    irq_disable();
    kernel_log_enabled = true;
    kprintf("\nKERNEL PANIC: ");
    va_list args;
    va_start(args, format);
    vkprintf(format, args);
    va_end(args);
    kprintf("\n");
    backtrace_print((uint64_t)__builtin_frame_address(0), (uint64_t)&panic);
    /* guestrun reads 125 as "the kernel panicked". */
    power_off_with_status(125);
}
