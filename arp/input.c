/*
 * ARP input: RFC 826 "Packet Reception", step by step, for Ethernet and
 * IPv4 only.  Gratuitous ARP (sender = target) updates an entry we have
 * and creates none, which is what RFC 826's merge step does by itself.
 */
#include "arp_private.h"
#include "../eth/eth.h"
#include "../ip/ip.h"
#include "../netif/counters.h"

/* LAB(arp) BEGIN: the two tests arp_input starts with: is this an RFC 826 packet
 * for Ethernet and IPv4 that we can read (hardware type 1, protocol 0x0800,
 * lengths 6 and 4, opcode request or reply, the whole 28 bytes there), and is its
 * sender one we could ever send to (not 0.0.0.0, no broadcast or multicast
 * protocol address, no group hardware address)? */
static bool packet_valid(const struct arp_packet *arp)
{
    return arp && net_ntohs(arp->hardware_type) == ARP_HARDWARE_ETHERNET &&
           net_ntohs(arp->protocol_type) == ETH_TYPE_IP &&
           arp->hardware_length == ETHERNET_ADDRESS_SIZE && arp->protocol_length == 4 &&
           (net_ntohs(arp->operation) == ARP_OPERATION_REQUEST ||
            net_ntohs(arp->operation) == ARP_OPERATION_REPLY);
}

/* A sender we could never send to: no address, broadcast or multicast. */
static bool sender_usable(struct netif *netif, const struct arp_packet *arp)
{
    return arp->sender_protocol != IP_ADDRESS_ANY &&
           !ip_address_is_broadcast(netif, arp->sender_protocol) &&
           !ip_address_is_multicast(arp->sender_protocol) && !(arp->sender_hardware[0] & 1);
}
/* LAB(arp) END */

void arp_input(struct netif *netif, struct pbuf *frame)
{
    /* LAB(arp) BEGIN: RFC 826 "Packet Reception", step by step, quoting it where you
     * do it.  A packet that is not valid: InErrors.  Count InRequests or InReplies.
     * Ignore everything on lo, on a NOARP interface, on one without an address, and
     * from our own address.  Then the merge, for a usable sender only: if it has an
     * entry, update it with arp_cache_update, REACHABLE for a reply to us, else
     * STALE (but a STALE update that repeats the hardware address of an entry that
     * is not INCOMPLETE leaves the entry as it is: only a reply to us confirms);
     * if the packet is for us (target protocol address ours) and nothing was
     * merged, create the entry and update it so.  Last, a request for us is
     * answered (arp_send) to the sender's hardware address.  Consume the frame on
     * every path. */
    const struct arp_packet *arp = PBUF_HEADER(frame, struct arp_packet);
    if (!packet_valid(arp)) {
        NET_COUNT(ARP_IN_ERRORS);
        pbuf_put(frame);
        return;
    }
    pbuf_mark_l3(frame);
    uint16_t operation = net_ntohs(arp->operation);
    if (operation == ARP_OPERATION_REQUEST)
        NET_COUNT(ARP_IN_REQUESTS);
    else
        NET_COUNT(ARP_IN_REPLIES);
    if (netif->type == NETIF_TYPE_LOOPBACK || (netif->flags & NETIF_NOARP) ||
        netif->ipv4_address == IP_ADDRESS_ANY || arp->sender_protocol == netif->ipv4_address) {
        pbuf_put(frame);
        return;
    }
    bool for_us = arp->target_protocol == netif->ipv4_address;
    /* RFC 826: "If the pair <protocol type, sender protocol address> is
     * already in my translation table, update the sender hardware address
     * field of the entry with the new information ... set Merge_flag". */
    bool merged = false;
    if (sender_usable(netif, arp)) {
        struct arp_entry *entry = arp_cache_find(netif, arp->sender_protocol);
        /* A reply confirms reachability; a request only shows the sender
         * exists (Linux marks such entries STALE). */
        enum arp_state state = operation == ARP_OPERATION_REPLY && for_us ? ARP_REACHABLE
                                                                          : ARP_STALE;
        if (entry) {
            /* A request confirms nothing: an entry whose address it repeats
             * keeps its state (Linux's weak override). */
            if (!(entry->state != ARP_INCOMPLETE && state == ARP_STALE &&
                  memcmp(entry->hardware, arp->sender_hardware, ETHERNET_ADDRESS_SIZE) == 0))
                arp_cache_update(entry, arp->sender_hardware, state);
            merged = true;
        }
        /* "Am I the target protocol address?  If Merge_flag is false, add
         * the triplet <protocol type, sender protocol address, sender hardware
         * address> to the translation table." */
        if (for_us && !merged) {
            entry = arp_cache_create(netif, arp->sender_protocol);
            if (entry)
                arp_cache_update(entry, arp->sender_hardware, state);
        }
    }
    /* "Is the opcode ares_op$REQUEST?  If so, swap ... send the packet to
     * the (new) target hardware address on the same hardware". */
    if (for_us && operation == ARP_OPERATION_REQUEST)
        arp_send(netif, ARP_OPERATION_REPLY, arp->sender_hardware, arp->sender_hardware,
                 arp->sender_protocol);
    pbuf_put(frame);
    /* LAB(arp) STUB
     * NET_COUNT(ARP_IN_ERRORS);
     * pbuf_put(frame);
     * LAB(arp) END */
}

void arp_init(void)
{
    eth_register(ETH_TYPE_ARP, arp_input);
}
