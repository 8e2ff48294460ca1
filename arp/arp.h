/*
 * ARP for IPv4 over Ethernet (RFC 826).
 *
 * The contract: arp_output is an Ethernet interface's netif->output (its
 * driver installs it), so IP sends through it without naming ARP; it
 * resolves the next hop and sends with eth_output, as ARP's own packets
 * go.  Received ARP packets come from eth (ETH_TYPE_ARP, registered by
 * arp_init).  Every function here that takes a pbuf consumes it, on
 * success and on every error (netif/pbuf.h).
 */
#ifndef ARP_ARP_H
#define ARP_ARP_H
#include "../netif/netif.h"

/*
 * netif->output for Ethernet: sends datagram (data at its IP header) to
 * next_hop on netif: broadcast and multicast next hops at once, to their
 * fixed addresses; others at once when the cache knows the address, else
 * queued (bounded) while a request goes out, and dropped with an ICMP host
 * unreachable to the sender if resolution fails.  Consumes datagram;
 * 0 (sent or queued), -ENOBUFS, or eth_output's error.
 */
int arp_output(struct netif *netif, struct pbuf *datagram, uint32_t next_hop);
/* Gratuitous ARP announcing netif's address (on address configuration). */
void arp_announce(struct netif *netif);
/* /proc/net/arp's text, Linux format. */
size_t arp_cache_format(char *buffer, size_t size);
void arp_init(void);

#endif
