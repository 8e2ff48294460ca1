/*
 * kernel_main: from the boot code to the first user process.  Everything the
 * kernel knows about the machine comes from the device tree.
 */
#include <kernel.h>
#include <console.h>
#include <devicetree.h>
#include <page.h>
#include <interrupt.h>
#include <clock.h>
#include <task.h>
#include <syscall.h>
#include <vfs.h>
#include <power.h>
#include <filesystems.h>

/* QEMU puts the device tree at the start of RAM when it boots an ELF (x0 = 0). */
#define QEMU_ELF_DEVICE_TREE 0x40000000UL

void pl011_interrupt(void);
void rtc_init(void);
extern bool syscall_trace_enabled;
extern char kernel_image_start[], kernel_image_end[];

static struct task boot_task;
static char init_path[256] = "";
/* tests/test_guestrun.sh checks that a panic reaches the host as status 125. */
static bool panic_requested;

/* Kernel command-line options (the rest is ignored, as Linux passes it to init). */
static void parse_command_line(const char *line)
{
    while (*line) {
        while (*line == ' ')
            line++;
        const char *end = line;
        while (*end && *end != ' ')
            end++;
        size_t length = end - line;
        if (length > 5 && !strncmp(line, "init=", 5))
            strlcpy(init_path, line + 5, MIN(length - 5 + 1, sizeof(init_path)));
        else if (length == 5 && !strncmp(line, "quiet", 5))
            kernel_log_enabled = false;
        else if (length == 23 && !strncmp(line, "strata.exit=semihosting", 23))
            semihosting_enabled = true;
        else if (length == 21 && !strncmp(line, "strata.trace=syscalls", 21))
            syscall_trace_enabled = true;
        else if (length == 17 && !strncmp(line, "strata.test=panic", 17))
            panic_requested = true;
        line = end;
    }
}

static void run_initcalls(int first_level, int last_level)
{
    extern const struct initcall initcalls_start[], initcalls_end[];
    for (int level = first_level; level <= last_level; level++)
        for (const struct initcall *call = initcalls_start; call < initcalls_end; call++)
            if (call->level == level)
                call->function();
}

static void console_setup(void)
{
    int node = devicetree_find_compatible("arm,pl011", -1);
    uint64_t base;
    if (node >= 0 && devicetree_reg(node, 0, &base, NULL))
        console_init(base);
}

static void interrupts_setup(void)
{
    int gic = devicetree_find_compatible("arm,cortex-a15-gic", -1);
    uint64_t distributor, cpu_interface;
    if (gic < 0 || !devicetree_reg(gic, 0, &distributor, NULL) ||
        !devicetree_reg(gic, 1, &cpu_interface, NULL))
        panic("no GICv2 in the device tree");
    gic_init(distributor, cpu_interface);
    int timer = devicetree_find_compatible("arm,armv8-timer", -1);
    /* The timer's interrupts are: secure, non-secure physical, virtual, hypervisor. */
    int timer_interrupt = timer >= 0 ? devicetree_interrupt(timer, 1) : -1;
    if (timer_interrupt < 0)
        panic("no generic timer in the device tree");
    clock_init(timer_interrupt);
}

static void console_input_setup(void)
{
    int node = devicetree_find_compatible("arm,pl011", -1);
    int interrupt = node >= 0 ? devicetree_interrupt(node, 0) : -1;
    if (interrupt < 0)
        return;
    interrupt_register(interrupt, pl011_interrupt);
    console_enable_receive_interrupt();
}

static bool file_exists(const char *path)
{
    struct inode *inode;
    if (path_lookup(-100 /* AT_FDCWD */, path, true, &inode))
        return false;
    inode_put(inode);
    return true;
}

void kernel_main(uint64_t device_tree_physical)
{
    current = &boot_task;
    if (!device_tree_physical)
        device_tree_physical = QEMU_ELF_DEVICE_TREE;
    devicetree_init(phys_to_virt(device_tree_physical));
    console_setup();
    parse_command_line(devicetree_bootargs());
    kernel_log("Strata booting; command line \"%s\"\n", devicetree_bootargs());

    uint64_t ram_base, ram_size, initrd_start = 0, initrd_end = 0;
    if (!devicetree_memory(&ram_base, &ram_size))
        panic("no memory node in the device tree");
    /* The boot page tables map physical [0, 4 GiB). */
    if (ram_base + ram_size > (4UL << 30))
        ram_size = (4UL << 30) - ram_base;
    page_allocator_init(ram_base, ram_size);
    page_allocator_reserve(device_tree_physical, device_tree_physical + devicetree_size());
    page_allocator_reserve(virt_to_phys(kernel_image_start), virt_to_phys(kernel_image_end));
    bool have_initrd = devicetree_initrd(&initrd_start, &initrd_end);
    if (have_initrd)
        page_allocator_reserve(initrd_start, initrd_end);
    page_allocator_ready();
    kernel_log("memory: %lu MiB at %lx, %lu pages free\n", ram_size >> 20, ram_base,
               page_free_count());

    power_init();
    interrupts_setup();
    rtc_init();
    syscalls_init();
    run_initcalls(INIT_LEVEL_CORE, INIT_LEVEL_LATE);
    filesystems_init(have_initrd ? phys_to_virt(initrd_start) : NULL,
                     have_initrd ? initrd_end - initrd_start : 0);
    console_input_setup();

    const char *candidates[] = { init_path, "/sbin/init", "/init", "/bin/sh" };
    const char *chosen = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(candidates) && !chosen; i++)
        if (candidates[i][0] && file_exists(candidates[i]))
            chosen = candidates[i];
    if (!chosen)
        panic("no init found (tried init=, /sbin/init, /init, /bin/sh)");
    if (panic_requested)
        panic("test panic requested on the command line");
    kernel_log("starting %s\n", chosen);
    process_start_init(chosen, NULL);
    run_initcalls(INIT_LEVEL_THREADS, INIT_LEVEL_THREADS);

    /* The boot context is done: sleep forever, leaving the CPU to the tasks. */
    boot_task.state = TASK_SLEEPING;
    schedule();
    panic("boot context resumed");
}
