/*
 * Clocks, from the ARM generic timer (drivers/timer.c).  CLOCK_MONOTONIC
 * counts nanoseconds from boot; CLOCK_REALTIME is monotonic plus an offset
 * anchored at boot from the PL031 RTC (drivers/pl031.c) or by settimeofday.
 */
#ifndef CLOCK_H
#define CLOCK_H
#include <kernel.h>

#define NANOSECONDS_PER_SECOND 1000000000UL

void clock_init(int timer_interrupt_id);
uint64_t clock_monotonic_ns(void);
uint64_t clock_realtime_ns(void);
void clock_set_realtime_ns(uint64_t now);
void clock_set_realtime_base(uint64_t seconds_since_epoch);
/* How many times CLOCK_REALTIME has been set (timerfd's TFD_TIMER_CANCEL_ON_SET). */
uint64_t clock_realtime_settings(void);
/* Programs the timer interrupt for deadline (monotonic ns); 0 disables it. */
void clock_arm_timer(uint64_t deadline);

#endif
