/* IPv4's internals, shared by the files of ip/ only. */
#ifndef IP_IP_PRIVATE_H
#define IP_IP_PRIVATE_H
#include "ip.h"

#define IP_FLAG_MORE_FRAGMENTS 0x2000
#define IP_MAXIMUM_LENGTH 65535

/* 127.0.0.0/8 (RFC 1122 3.2.1.3 (g)): never leaves the host. */
static inline bool ip_address_is_loopback(uint32_t address)
{
    return (net_ntohl(address) >> 24) == 127;
}

/* The loopback netif, or NULL before it is registered. */
struct netif *ip_loopback_netif(void);
/* Hands a finished datagram (data at its IP header) to the link through
 * netif->output, after looping a copy of a broadcast back; consumes it. */
int ip_transmit(struct netif *netif, struct pbuf *datagram, uint32_t next_hop);
/* Splits datagram (data at its IP header) into MTU-sized fragments and
 * transmits them (RFC 791 3.2, "An Example Fragmentation Procedure");
 * consumes it. */
int ip_fragment_output(struct netif *netif, struct pbuf *datagram, uint32_t next_hop);
/* Takes a fragment (data at its IP header, l3 marked); returns the whole
 * datagram (a new pbuf, same conventions) when it completes, else NULL. */
struct pbuf *ip_reassemble(struct pbuf *fragment);

#endif
