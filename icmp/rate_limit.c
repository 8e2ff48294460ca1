/*
 * Rate limits for outgoing ICMP errors (RFC 1122 3.2.2, RFC 1812 4.3.2.8),
 * Linux's two, with its defaults:
 *   - a global token bucket, 1000 per second, at most 50 at once
 *     (net.ipv4.icmp_msgs_per_sec, icmp_msgs_burst); refusals counted
 *     OutRateLimitGlobal;
 *   - per destination, one per second with a burst of six
 *     (net.ipv4.icmp_ratelimit, XRLIM_BURST_FACTOR), except towards
 *     ourselves (Linux does not limit on loopback).
 * Both apply to the types in Linux's icmp_ratemask (destination
 * unreachable but fragmentation needed, source quench, time exceeded,
 * parameter problem), which are all the errors this stack sends.
 */
#include "icmp_private.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

/* LAB(icmp) BEGIN: the two limits' constants and state, and the functions that
 * spend and earn their credit. */
#define ICMP_RATE_PER_SECOND 1000
#define ICMP_BURST 50
#define ICMP_PEER_INTERVAL_MS 1000
#define ICMP_PEER_BURST 6
#define ICMP_PEERS 64

/* Invariant: tokens <= ICMP_BURST; refilled is when tokens were last topped up. */
static uint32_t tokens = ICMP_BURST;
static uint64_t refilled_ms;

/*
 * Destinations recently sent errors, least recently used replaced first.
 * Invariant: credit_ms <= ICMP_PEER_BURST * ICMP_PEER_INTERVAL_MS; one
 * error costs ICMP_PEER_INTERVAL_MS of credit (Linux's inet_peer_xrlim_allow).
 */
static struct icmp_peer {
    uint32_t address;
    uint64_t last_ms, credit_ms;
    bool used;
} peers[ICMP_PEERS];

static bool global_allow(void)
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

static struct icmp_peer *peer_for(uint32_t address)
{
    struct icmp_peer *oldest = &peers[0];
    for (size_t i = 0; i < ICMP_PEERS; i++) {
        if (peers[i].used && peers[i].address == address)
            return &peers[i];
        if (!peers[i].used || (oldest->used && peers[i].last_ms < oldest->last_ms))
            oldest = &peers[i];
    }
    /* A new destination starts with its whole burst. */
    *oldest = (struct icmp_peer){ address, net_now_ms(),
                                  ICMP_PEER_BURST * ICMP_PEER_INTERVAL_MS, true };
    return oldest;
}

static bool destination_allow(uint32_t destination)
{
    if (ip_address_is_local(NULL, destination))     /* 127/8 included */
        return true;
    struct icmp_peer *peer = peer_for(destination);
    uint64_t now = net_now_ms();
    peer->credit_ms = MIN(peer->credit_ms + (now - peer->last_ms),
                          (uint64_t)ICMP_PEER_BURST * ICMP_PEER_INTERVAL_MS);
    peer->last_ms = now;
    if (peer->credit_ms < ICMP_PEER_INTERVAL_MS)
        return false;
    peer->credit_ms -= ICMP_PEER_INTERVAL_MS;
    return true;
}
/* LAB(icmp) END */

bool icmp_rate_limit_allow(uint32_t destination)
{
    /* LAB(icmp) BEGIN: both limits must allow the error; the global bucket is asked
     * first. */
    return global_allow() && destination_allow(destination);
    /* LAB(icmp) STUB
     * (void)destination;
     * return true;
     * LAB(icmp) END */
}
