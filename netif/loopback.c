/*
 * The loopback interface "lo".  As on Linux, frames keep an Ethernet header
 * of zeros (addresses 00:00:00:00:00:00), so eth_input handles them like any
 * other; transmitting a frame queues it for reception on the same interface.
 * There is no neighbour to resolve, so IP's datagrams go out through
 * eth_output_without_resolution, never through ARP.
 */
#include "loopback.h"
#include "../eth/eth.h"

/* Linux's loopback MTU. */
#define LOOPBACK_MTU 65536

static struct netif loopback;

static int loopback_transmit(struct netif *netif, struct pbuf *frame)
{
    /* Sent: the receiver's buffer holds it from here on (Linux's skb_orphan). */
    pbuf_uncharge(frame);
    /* A tap may hold the outgoing frame; input pulls headers, so input gets
     * its own copy rather than moving the data of a shared pbuf. */
    if (frame->ref > 1) {
        struct pbuf *copy = pbuf_copy(frame);
        if (!copy)
            return -ENOBUFS;
        pbuf_put(frame);
        frame = copy;
    }
    frame->l2_offset = frame->l3_offset = frame->l4_offset = PBUF_OFFSET_UNSET;
    frame->timestamp_ms = net_now_ms();
    netif_receive(netif, frame);
    return 0;
}

static const struct netif_operations loopback_operations = {
    .transmit = loopback_transmit,
};

struct netif *loopback_netif(void) { return &loopback; }

int loopback_init(void)
{
    memcpy(loopback.name, "lo", sizeof("lo"));
    loopback.type = NETIF_TYPE_LOOPBACK;
    loopback.mtu = LOOPBACK_MTU;
    loopback.flags = NETIF_LOOPBACK | NETIF_UP;
    loopback.carrier = true;
    loopback.ops = &loopback_operations;
    loopback.link_input = eth_input;
    loopback.output = eth_output_without_resolution;
    return netif_register(&loopback);
}
