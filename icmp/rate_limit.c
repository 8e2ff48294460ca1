/*
 * Rate limit for outgoing ICMP errors (RFC 1122 3.2.2, RFC 1812 4.3.2.8): a
 * token bucket refilled at 1000 tokens per second holding at most 50, as
 * Linux's net.ipv4.icmp_msgs_per_sec and icmp_msgs_burst default to.
 */
#include "icmp_private.h"
#include "../netif/counters.h"

#define ICMP_RATE_PER_SECOND 1000
#define ICMP_BURST 50

/* Invariant: tokens <= ICMP_BURST; refilled is when tokens were last topped up. */
static uint32_t tokens = ICMP_BURST;
static uint64_t refilled_ms;

bool icmp_rate_limit_allow(void)
{
    uint64_t now = net_now_ms();
    uint64_t earned = (now - refilled_ms) * ICMP_RATE_PER_SECOND / 1000;
    if (earned) {
        tokens = (uint32_t)MIN((uint64_t)ICMP_BURST, tokens + earned);
        refilled_ms = now;
    }
    if (!tokens) {
        NET_COUNT(ICMP_OUT_RATE_LIMIT_GLOBAL);
        return false;
    }
    tokens--;
    return true;
}
