/*
 * The network context's machinery, shared by netif.c and the two porting
 * implementations (port_kernel.c with net_thread.c, host/port_host.c).
 * Protocol layers never include this.
 *
 * In the kernel the net thread is the network context: it delivers the
 * frames netif_receive queued and runs expired net timers.  On the host the
 * test's own thread is the network context and does the same through
 * host_stack.h.
 */
#ifndef NETIF_NET_CONTEXT_H
#define NETIF_NET_CONTEXT_H
#include "netif.h"

/* There is work for the network context (a frame queued, a timer changed). */
void net_context_wake(void);

/* Delivers every queued received frame; returns how many. */
size_t netif_deliver_queued(void);
/* For each interface whose driver called netif_transmit_ready: its
 * transmit_done, then the frames waiting in its transmit queue. */
void netif_transmit_queued(void);

/* Runs the timers whose deadline is at or before now_ms, in deadline order. */
void net_timers_run(uint64_t now_ms);
/* The earliest armed deadline (ms), or 0 when no timer is armed. */
uint64_t net_timers_next_deadline(void);

#endif
