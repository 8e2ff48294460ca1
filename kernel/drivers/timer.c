/* ARM generic timer, EL1 physical timer (ARM ARM D11). */
#include <clock.h>
#include <interrupt.h>
#include <task.h>
#include <arch/mmio.h>

static uint64_t counter_frequency;
static uint64_t realtime_offset_ns;

static uint64_t counter_to_ns(uint64_t ticks)
{
    return (uint64_t)((__uint128_t)ticks * NANOSECONDS_PER_SECOND / counter_frequency);
}

uint64_t clock_monotonic_ns(void)
{
    __asm__ volatile("isb");
    return counter_to_ns(read_sysreg(cntpct_el0));
}

uint64_t clock_realtime_ns(void) { return clock_monotonic_ns() + realtime_offset_ns; }

static uint64_t realtime_settings;

void clock_set_realtime_ns(uint64_t now)
{
    realtime_offset_ns = now - clock_monotonic_ns();
    realtime_settings++;
}

uint64_t clock_realtime_settings(void) { return realtime_settings; }

void clock_set_realtime_base(uint64_t seconds_since_epoch)
{
    clock_set_realtime_ns(seconds_since_epoch * NANOSECONDS_PER_SECOND);
}

void clock_arm_timer(uint64_t deadline)
{
    if (!deadline) {
        write_sysreg(cntp_ctl_el0, 2);            /* disabled, masked */
        return;
    }
    uint64_t ticks = (uint64_t)((__uint128_t)deadline * counter_frequency / NANOSECONDS_PER_SECOND) + 1;
    write_sysreg(cntp_cval_el0, ticks);
    write_sysreg(cntp_ctl_el0, 1);                /* enabled, unmasked */
}

static void timer_interrupt(void)
{
    write_sysreg(cntp_ctl_el0, 2);
    scheduler_timer_interrupt();
}

void clock_init(int timer_interrupt_id)
{
    counter_frequency = read_sysreg(cntfrq_el0);
    write_sysreg(cntp_ctl_el0, 2);
    interrupt_register(timer_interrupt_id, timer_interrupt);
}
