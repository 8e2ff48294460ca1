/*
 * The porting boundary's kernel implementation (port.h): kmalloc, the
 * monotonic clock, the random generator and the kernel log.  Timers are in
 * timers.c, served by the net thread (net_thread.c).
 */
#include "port.h"
#include <page.h>
#include <clock.h>
#include <random.h>
#include <devicetree.h>

void *net_alloc(size_t size) { return kmalloc(size); }
void *net_zalloc(size_t size) { return kzalloc(size); }
void net_free(void *pointer) { kfree(pointer); }

uint64_t net_now_ms(void) { return clock_monotonic_ns() / 1000000; }

uint32_t net_random32(void)
{
    uint32_t value;
    random_bytes(&value, sizeof(value));
    return value;
}

/*
 * The lock is a flag that asserts nobody re-enters the stack.  No more is
 * needed: there is one CPU, the kernel is not preempted, and interrupts are
 * masked whenever kernel code runs (drivers' handlers only queue frames, see
 * netif.c), so whoever holds the lock runs alone until it releases it.  The
 * assertion catches the one real mistake: sleeping while holding it, which
 * would let the net thread or another system call into the stack midway.
 */
static bool net_locked;

void net_lock(void)
{
    ASSERT(!net_locked);
    net_locked = true;
}

void net_unlock(void)
{
    ASSERT(net_locked);
    net_locked = false;
}

bool net_lock_held(void) { return net_locked; }

void net_invariant_broken(const char *file, int line, const char *cause)
{
    panic("network invariant broken at %s:%d: %s", file, line, cause);
}

/* "strata.netlog" on the kernel command line turns the stack's log on. */
static bool net_log_enabled(void)
{
    static int enabled = -1;
    if (enabled < 0) {
        const char *line = devicetree_bootargs();
        enabled = 0;
        for (const char *word = line; word && *word;) {
            while (*word == ' ')
                word++;
            size_t length = 0;
            while (word[length] && word[length] != ' ')
                length++;
            if (length == 13 && !strncmp(word, "strata.netlog", 13))
                enabled = 1;
            word += length;
        }
    }
    return enabled;
}

void net_log(const char *format, ...)
{
    if (!net_log_enabled())
        return;
    char line[256];
    va_list arguments;
    va_start(arguments, format);
    vsnprintf(line, sizeof(line), format, arguments);
    va_end(arguments);
    kernel_log("net: %s", line);
}
