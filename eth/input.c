/*
 * Ethernet II input: classify the destination, pull the header, and hand the
 * payload to whichever layer registered its EtherType (DESIGN.md: demux by
 * registration, so a lab can swap the layer above without touching this one).
 */
#include "eth.h"
#include "../netif/counters.h"

const uint8_t eth_broadcast_address[ETHERNET_ADDRESS_SIZE] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

/* LAB(eth) BEGIN: the table of registered handlers, an EtherType and its handler
 * each (eight are plenty: IP and ARP register), with its invariant. */
#define ETH_MAX_HANDLERS 8

/* Invariant: entries [0, handler_count) have a non-NULL handler and distinct types. */
static struct {
    uint16_t ethertype;
    eth_handler_t handler;
} handlers[ETH_MAX_HANDLERS];
static size_t handler_count;
/* LAB(eth) END */

void eth_register(uint16_t ethertype, eth_handler_t handler)
{
    /* LAB(eth) BEGIN: record handler for ethertype (host order); registering a type
     * again replaces its handler. */
    for (size_t i = 0; i < handler_count; i++) {
        if (handlers[i].ethertype == ethertype) {
            handlers[i].handler = handler;
            return;
        }
    }
    if (handler_count < ETH_MAX_HANDLERS)
        handlers[handler_count++] = (typeof(handlers[0])){ ethertype, handler };
    /* LAB(eth) END */
}

/* LAB(eth) BEGIN: the helpers eth_input needs: the handler registered for an
 * EtherType, and where a frame was going, as packet(7)'s sll_pkttype says it. */
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
    if (destination[0] & 1)          /* the I/G bit: a group address (IEEE 802.3 3.2.3) */
        return PBUF_MULTICAST;
    if (memcmp(destination, netif->address, ETHERNET_ADDRESS_SIZE) == 0)
        return PBUF_TO_US;
    return PBUF_OTHER_HOST;
}
/* LAB(eth) END */

void eth_input(struct netif *netif, struct pbuf *frame)
{
    /* LAB(eth) BEGIN: count the frame (Eth InFrames); drop one shorter than the
     * header (InTooShort); set frame->netif and frame->packet_type (lo: every frame
     * is to us; then broadcast, multicast by the I/G bit, to our address, or another
     * host's, which is dropped here, InNotForUs); if a packet tap still holds the
     * frame (ref > 1), go on with a private copy (pbuf_copy) so that its view keeps
     * starting at the Ethernet header; set frame->ethertype (host order), mark l2,
     * pull the header, and hand the rest to the registered handler.  No handler:
     * InUnknownTypes, and a receive drop in /proc/net/dev (statistics.receive_dropped)
     * unless a tap took the frame.  Consume the frame on every path. */
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
    /* LAB(eth) STUB
     * netif->statistics.receive_dropped += 1;
     * pbuf_put(frame);
     * LAB(eth) END */
}
