/*
 * The porting boundary's host implementation (port.h): malloc, a virtual
 * clock the test moves by hand, a seeded generator, and a lock that only
 * checks it is not re-entered.  The test's thread is the network context.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include "host_stack.h"
#include "../net_context.h"

static uint64_t virtual_now_ms;
static uint32_t random_state = 0x2545f491;
static int log_enabled = -1;   /* -1: decided by NET_LOG at first use */
static bool net_locked;

static size_t allocated_bytes;

static void *counted(void *pointer)
{
    if (pointer)
        allocated_bytes += malloc_usable_size(pointer);
    return pointer;
}

void *net_alloc(size_t size) { return counted(malloc(size ? size : 1)); }
void *net_zalloc(size_t size) { return counted(calloc(1, size ? size : 1)); }

void net_free(void *pointer)
{
    if (pointer)
        allocated_bytes -= malloc_usable_size(pointer);
    free(pointer);
}

size_t net_host_allocated_bytes(void) { return allocated_bytes; }

uint64_t net_now_ms(void) { return virtual_now_ms; }

/* Nothing runs in the background on the host: the test polls. */
void net_context_wake(void) {}

void net_lock(void)
{
    if (net_locked) {
        fprintf(stderr, "net_lock: already held\n");
        abort();
    }
    net_locked = true;
}

void net_unlock(void)
{
    if (!net_locked) {
        fprintf(stderr, "net_unlock: not held\n");
        abort();
    }
    net_locked = false;
}

bool net_lock_held(void) { return net_locked; }

void net_invariant_broken(const char *file, int line, const char *cause)
{
    fprintf(stderr, "network invariant broken at %s:%d: %s\n", file, line, cause);
    abort();
}

void net_host_log_enable(bool on) { log_enabled = on; }

void net_log(const char *format, ...)
{
    if (log_enabled < 0)
        log_enabled = getenv("NET_LOG") != NULL;
    if (!log_enabled)
        return;
    va_list arguments;
    va_start(arguments, format);
    fprintf(stderr, "net: ");
    vfprintf(stderr, format, arguments);
    va_end(arguments);
}

void net_host_random_seed(uint32_t seed) { random_state = seed ? seed : 1; }

/* xorshift32 (Marsaglia 2003): deterministic, so a failing test replays. */
uint32_t net_random32(void)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 17;
    random_state ^= random_state << 5;
    return random_state;
}

/* Holds net_lock as the kernel's net thread does (taking it when the
 * caller has not), so a layer that takes it from the network context
 * fails here too. */
size_t net_host_poll(void)
{
    size_t delivered = 0, round;
    bool taken = !net_locked;
    if (taken)
        net_lock();
    do {
        round = netif_deliver_queued();
        netif_transmit_queued();
        net_timers_run(virtual_now_ms);
        delivered += round;
    } while (round);
    if (taken)
        net_unlock();
    return delivered;
}

void net_host_clock_advance(uint64_t ms)
{
    uint64_t target = virtual_now_ms + ms;
    net_host_poll();
    for (;;) {
        uint64_t next = net_timers_next_deadline();
        if (!next || next > target)
            break;
        if (next > virtual_now_ms)
            virtual_now_ms = next;
        net_host_poll();
    }
    virtual_now_ms = target;
    net_host_poll();
}
