/*
 * Ethernet II input: classify the destination, pull the header, and hand the
 * payload to whichever layer registered its EtherType (DESIGN.md: demux by
 * registration, so a lab can swap the layer above without touching this one).
 */
#include "eth.h"
#include "../netif/counters.h"

#define ETH_MAX_HANDLERS 8

/* Invariant: entries [0, handler_count) have a non-NULL handler and distinct types. */
static struct {
    uint16_t ethertype;
    eth_handler_t handler;
} handlers[ETH_MAX_HANDLERS];
static size_t handler_count;

const uint8_t eth_broadcast_address[ETHERNET_ADDRESS_SIZE] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

void eth_register(uint16_t ethertype, eth_handler_t handler)
{
    for (size_t i = 0; i < handler_count; i++) {
        if (handlers[i].ethertype == ethertype) {
            handlers[i].handler = handler;
            return;
        }
    }
    if (handler_count < ETH_MAX_HANDLERS)
        handlers[handler_count++] = (typeof(handlers[0])){ ethertype, handler };
}

static eth_handler_t handler_for(uint16_t ethertype)
{
    for (size_t i = 0; i < handler_count; i++)
        if (handlers[i].ethertype == ethertype)
            return handlers[i].handler;
    return NULL;
}

/* Where the frame was going, as AF_PACKET's sll_pkttype reports it. */
static uint8_t classify(const struct netif *netif, const uint8_t destination[6])
{
    if (netif->type == NETIF_TYPE_LOOPBACK)
        return PBUF_TO_US;
    if (memcmp(destination, eth_broadcast_address, ETHERNET_ADDRESS_SIZE) == 0)
        return PBUF_BROADCAST;
    if (destination[0] & 1)          /* the I/G bit: a group address (IEEE 802 5.2) */
        return PBUF_MULTICAST;
    if (memcmp(destination, netif->address, ETHERNET_ADDRESS_SIZE) == 0)
        return PBUF_TO_US;
    return PBUF_OTHER_HOST;
}

void eth_input(struct netif *netif, struct pbuf *frame)
{
    NET_COUNT(ETH_IN_FRAMES);
    const struct eth_header *header = PBUF_HEADER(frame, struct eth_header);
    if (!header) {
        NET_COUNT(ETH_IN_TOO_SHORT);
        pbuf_put(frame);
        return;
    }
    frame->netif = netif;
    frame->packet_type = classify(netif, header->destination);
    /* Frames for other hosts reach us only in promiscuous mode; the taps
     * (netif_deliver) have already shown them to sniffers. */
    if (frame->packet_type == PBUF_OTHER_HOST) {
        NET_COUNT(ETH_IN_NOT_FOR_US);
        pbuf_put(frame);
        return;
    }
    /* Taps (AF_PACKET sockets) that kept the frame share it read-only, and
     * pulling headers would move their data: the layers above get a copy. */
    bool kept_by_a_tap = frame->ref > 1;
    if (kept_by_a_tap) {
        struct pbuf *copy = pbuf_copy(frame);
        pbuf_put(frame);
        if (!copy)
            return;
        frame = copy;
    }
    frame->ethertype = net_ntohs(((const struct eth_header *)frame->data)->type);
    pbuf_mark_l2(frame);
    pbuf_pull(frame, ETH_HEADER_SIZE);
    eth_handler_t handler = handler_for(frame->ethertype);
    if (!handler) {
        /* Taken by nobody, not even a packet socket: a receive drop in
         * /proc/net/dev, as Linux's __netif_receive_skb_core counts it. */
        NET_COUNT(ETH_IN_UNKNOWN_TYPES);
        if (!kept_by_a_tap)
            netif->statistics.receive_dropped++;
        pbuf_put(frame);
        return;
    }
    handler(netif, frame);
}
