/*
 * Power off through PSCI, or through semihosting when guestrun asked for it
 * so that an exit status reaches the host (ARM semihosting specification:
 * SYS_EXIT with ADP_Stopped_ApplicationExit, SYS_OPEN, SYS_WRITE).
 */
#include <power.h>
#include <arch/mmio.h>
#include <devicetree.h>

bool semihosting_enabled;
static bool psci_uses_smc;

/* PSCI calls go through HVC or SMC, as the device tree's psci node says. */
void power_init(void)
{
    const char *compatibles[] = { "arm,psci-1.0", "arm,psci-0.2", "arm,psci" };
    for (size_t i = 0; i < ARRAY_SIZE(compatibles); i++) {
        int node = devicetree_find_compatible(compatibles[i], -1);
        const char *method = node >= 0 ? devicetree_string(node, "method") : NULL;
        if (method) {
            psci_uses_smc = !strcmp(method, "smc");
            return;
        }
    }
}

enum {
    SEMIHOSTING_OPEN = 0x01,
    SEMIHOSTING_WRITE = 0x05,
    SEMIHOSTING_EXIT = 0x18,
};
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static long semihosting_call(uint64_t operation, const void *parameters)
{
    register uint64_t x0 __asm__("x0") = operation;
    register uint64_t x1 __asm__("x1") = (uint64_t)parameters;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return (long)x0;
}

long semihosting_open(const char *path, int mode)
{
    uint64_t parameters[3] = { (uint64_t)path, (uint64_t)mode, strlen(path) };
    return semihosting_call(SEMIHOSTING_OPEN, parameters);
}

long semihosting_write(long handle, const void *buffer, size_t length)
{
    uint64_t parameters[3] = { (uint64_t)handle, (uint64_t)buffer, length };
    return semihosting_call(SEMIHOSTING_WRITE, parameters);   /* bytes NOT written */
}

_Noreturn void power_off_with_status(int status)
{
    irq_disable();
    if (semihosting_enabled) {
        uint64_t parameters[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)status };
        semihosting_call(SEMIHOSTING_EXIT, parameters);
    }
    register uint64_t x0 __asm__("x0") = 0x84000008;   /* PSCI SYSTEM_OFF */
    if (psci_uses_smc)
        __asm__ volatile("smc #0" : "+r"(x0)::"memory");
    else
        __asm__ volatile("hvc #0" : "+r"(x0)::"memory");
    for (;;)
        __asm__ volatile("wfi");
}
