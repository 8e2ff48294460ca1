/* ARP for IPv4 over Ethernet (RFC 826). */
#ifndef ARP_ARP_H
#define ARP_ARP_H
#include "../netif/netif.h"

/*
 * Sends an IP packet to next_hop on netif: at once when the cache knows the
 * address, else queued (bounded) while a request goes out; dropped with an
 * ICMP host unreachable to the sender if resolution fails.  Consumes packet.
 */
int arp_output(struct netif *netif, struct pbuf *packet, uint32_t next_hop);
/* Gratuitous ARP announcing netif's address (on address configuration). */
void arp_announce(struct netif *netif);
/* /proc/net/arp's text, Linux format. */
size_t arp_cache_format(char *buffer, size_t size);
void arp_init(void);

#endif
