/*
 * The stack on the host, for unit tests (built with -DSTRATA_HOST, under
 * ASan and UBSan; see Makefile.inc for the compile line and the sources).
 *
 * The test's own thread is the network context, and like a system call in
 * the kernel it holds net_lock while it calls into the layers (their entry
 * points assert it: net_assert_context in port.h; the unit tests' runner
 * takes it for each test).  Nothing runs behind its back: received frames wait in netif's backlog and timers wait for the
 * virtual clock until the test calls net_host_poll or
 * net_host_clock_advance.  net_now_ms starts at 0.
 *
 * Frames a fake netif transmits are captured, oldest first, for the test
 * to inspect with fake_netif_next_transmitted.  Typical test:
 *
 *     struct netif *eth = fake_netif_create("eth0", mac);   // index 1 (no lo)
 *     ip_address_set(eth, address, netmask);
 *     fake_netif_inject(eth, frame, sizeof(frame));         // delivered at once
 *     struct pbuf *reply = fake_netif_next_transmitted();   // the caller's now
 *     ...check reply->data..., then pbuf_put(reply);
 *     net_host_clock_advance(1000);                         // timers due run, in order
 *     fake_netif_clear_transmitted();
 *     assert(pbuf_count() == baseline);                     // no leak
 */
#ifndef NETIF_HOST_HOST_STACK_H
#define NETIF_HOST_HOST_STACK_H
#include "../netif.h"

/* Delivers every queued received frame (looped-back ones included) and runs
 * the timers due now, under net_lock (taken for the call unless the caller
 * holds it); returns how many frames were delivered. */
size_t net_host_poll(void);
/* Moves the virtual clock ms forward: each due timer runs with net_now_ms
 * at its own deadline, in deadline order, with queued frames delivered
 * after each.  Starting a timer does not run it. */
void net_host_clock_advance(uint64_t ms);
/* net_random32 is a deterministic generator; a test may pick the seed. */
void net_host_random_seed(uint32_t seed);
/* Bytes the stack holds from net_alloc/net_zalloc (pbufs included), for
 * tests that bound the stack's memory. */
size_t net_host_allocated_bytes(void);
/* net_log goes to stderr when enabled (or when NET_LOG is set in the environment). */
void net_host_log_enable(bool on);

/*
 * A fake Ethernet interface: UP, RUNNING, LOWER_UP, BROADCAST, MULTICAST,
 * MTU 1500, link_input eth_input, output arp_output (a test may replace
 * it).  Registered at once (indexes from 1 in creation order; call
 * loopback_init from netif/loopback.h first to have lo as index 1, as in
 * the kernel).  Never freed.
 */
struct netif *fake_netif_create(const char *name, const uint8_t address[ETHERNET_ADDRESS_SIZE]);
/* A copy of frame (data at the Ethernet header) is received on netif and
 * delivered through net_host_poll before this returns. */
void fake_netif_inject(struct netif *netif, const void *frame, size_t length);
/* The oldest captured frame not yet taken (pbuf->netif says which fake
 * netif sent it, data is at the Ethernet header), or NULL.  The caller owns
 * the reference. */
struct pbuf *fake_netif_next_transmitted(void);
size_t fake_netif_transmitted_count(void);
void fake_netif_clear_transmitted(void);
/* From now on the fake netifs' transmit fails with error (0: succeeds again). */
void fake_netif_fail_transmit(int error);

#endif
