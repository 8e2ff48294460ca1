/*
 * The porting boundary.  Protocol layers (eth/ arp/ ip/ icmp/ udp/ tcp/)
 * include only the stack's own headers and this one.  It has two
 * implementations: the kernel's (netif/port_kernel.c: kmalloc, the generic
 * timer, the net thread) and the host's (netif/host/port_host.c: malloc and a
 * virtual clock that tests advance by hand), so every layer also builds and
 * runs on the host for unit tests, fuzzing and benchmarks.
 *
 * Concurrency: all protocol code runs in one network context (the net thread
 * in the kernel, the test's thread on the host), or in a system call holding
 * net_lock.  Layers never take other locks and never sleep.
 */
#ifndef NETIF_PORT_H
#define NETIF_PORT_H

#ifdef STRATA_HOST
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <stdio.h>      /* snprintf, which kernel.h declares in the kernel */
#define container_of(pointer, type, member) \
    ((type *)((char *)(pointer) - offsetof(type, member)))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#else
#include <kernel.h>
#endif
#include <list.h>

/* Memory. */
void *net_alloc(size_t size);            /* NULL when out of memory; never zeroed */
void *net_zalloc(size_t size);
void net_free(void *pointer);

/* Time: milliseconds since boot (or since the host test started). */
uint64_t net_now_ms(void);

/*
 * One-shot timers.  The callback runs in the network context.  A timer may
 * be restarted or cancelled at any time, also from its own callback.
 * Invariant: armed is true exactly while the timer is on the timer list.
 */
struct net_timer {
    struct list_node node;
    uint64_t deadline_ms;
    void (*callback)(void *argument);
    void *argument;
    bool armed;
};
void net_timer_start(struct net_timer *timer, uint64_t delay_ms,
                     void (*callback)(void *argument), void *argument);
void net_timer_cancel(struct net_timer *timer);

/* The one lock that system calls take to enter the stack. */
void net_lock(void);
void net_unlock(void);
/* Is net_lock held?  (One CPU and no preemption: whoever runs while it is
 * held is its holder, see port_kernel.c.) */
bool net_lock_held(void);

/*
 * Run-time invariants, cheap enough to stay on in every build.  A broken
 * one is a bug in the stack, never bad input: the kernel panics with the
 * cause, a host build prints it and aborts (tests/host/test_invariants.c
 * proves each one fires).
 */
_Noreturn void net_invariant_broken(const char *file, int line, const char *cause);
#define NET_ASSERT(condition, cause)                                           \
    do {                                                                       \
        if (!(condition))                                                      \
            net_invariant_broken(__FILE__, __LINE__, cause);                   \
    } while (0)
/* At the entry points of the network context (frame delivery, IP, TCP and
 * UDP input and output, timers): protocol state is touched only under
 * net_lock, by the net thread or by a system call that took it. */
#define net_assert_context() \
    NET_ASSERT(net_lock_held(), "network code entered without net_lock")

/* Diagnostics, off unless enabled (kernel: strata.netlog on the command line). */
void net_log(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Random numbers (ISNs, IP ids, ephemeral ports). */
uint32_t net_random32(void);

/* Byte order: headers stay in network order; convert where a field is used. */
static inline uint16_t net_htons(uint16_t x) { return __builtin_bswap16(x); }
static inline uint16_t net_ntohs(uint16_t x) { return __builtin_bswap16(x); }
static inline uint32_t net_htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint32_t net_ntohl(uint32_t x) { return __builtin_bswap32(x); }

#endif
