/*
 * IPv4 (RFC 791, RFC 1122): input, output, routing, fragmentation, reassembly.
 *
 * The contract: datagrams come in from eth (ETH_TYPE_IP, ip_input) and go
 * up to the handler registered for their protocol.  Datagrams go out
 * through ip_output, which routes, builds the header, fragments, and hands
 * each one to the route's interface as netif->output(netif, datagram,
 * next_hop) (netif/netif.h), never naming ARP or Ethernet.  Every function
 * here that takes a pbuf consumes it, on success and on every error
 * (netif/pbuf.h); raw listeners are only shown one.
 */
#ifndef IP_IP_H
#define IP_IP_H
#include "../netif/netif.h"

#define IP_PROTOCOL_ICMP 1
#define IP_PROTOCOL_TCP 6
#define IP_PROTOCOL_UDP 17
#define IP_DEFAULT_TTL 64
#define IP_ADDRESS_ANY 0
#define IP_ADDRESS_BROADCAST 0xffffffffu

struct ip_header {
    uint8_t version_and_header_length;
    uint8_t type_of_service;
    uint16_t total_length;
    uint16_t identification;
    uint16_t flags_and_fragment_offset;
    uint8_t time_to_live;
    uint8_t protocol;
    uint16_t checksum;
    uint32_t source, destination;
} __attribute__((packed));

#define IP_FRAGMENT_OFFSET_MASK 0x1fff    /* flags_and_fragment_offset, in 8-byte units */
#define IP_FLAG_DONT_FRAGMENT 0x4000      /* RFC 791 3.1, flags_and_fragment_offset */

/* The header's length in bytes, from its IHL (RFC 791 3.1), as the header says it. */
static inline size_t ip_header_length(const struct ip_header *header)
{
    return (size_t)(header->version_and_header_length & 0x0f) * 4;
}

/* Handler for a transport protocol: data at its header, l3 and l4 marked.
 * Consumes the pbuf. */
typedef void (*ip_protocol_handler_t)(struct pbuf *packet);
void ip_register(uint8_t protocol, ip_protocol_handler_t handler);

/*
 * Raw listeners (SOCK_RAW sockets) see every datagram delivered locally,
 * with data at the IP header, before the protocol handler; one that keeps
 * it takes its own reference.  Returns true if it took it.
 */
struct ip_raw_listener {
    bool (*datagram)(struct ip_raw_listener *listener, struct pbuf *datagram);
    struct list_node node;
};
void ip_raw_listener_add(struct ip_raw_listener *listener);
void ip_raw_listener_remove(struct ip_raw_listener *listener);

struct ip_output_options {
    uint8_t ttl;            /* 0 = default */
    uint8_t type_of_service;
    bool dont_fragment;
    bool allow_broadcast;   /* SO_BROADCAST */
    int bound_interface;    /* SO_BINDTODEVICE ifindex, 0 = any */
};
/*
 * Sends packet (data at the transport header, PBUF_TRANSPORT headroom) from
 * source (0 = the route's source address) to destination.  Fragments when
 * larger than the MTU unless dont_fragment (-EMSGSIZE).  Consumes packet.
 * 0 or -ENETUNREACH, -EACCES (broadcast not allowed), -EMSGSIZE, -ENOBUFS,
 * or the interface output's error.
 */
int ip_output(struct pbuf *packet, uint32_t source, uint32_t destination, uint8_t protocol,
              const struct ip_output_options *options);
/* IP_HDRINCL: data at a caller-built IP header; total length and checksum
 * filled in, source and id when 0.  Consumes datagram; ip_output's errors,
 * or -EINVAL for a bad header. */
int ip_output_header_included(struct pbuf *datagram, const struct ip_output_options *options);

/* Routing (the table /proc/net/route shows; SIOCADDRT/SIOCDELRT edit it). */
struct ip_route {
    uint32_t destination, netmask, gateway;   /* network order; gateway 0 = connected */
    struct netif *netif;
    uint32_t metric;
    struct list_node node;
};
int ip_route_add(uint32_t destination, uint32_t netmask, uint32_t gateway, struct netif *netif,
                 uint32_t metric);
int ip_route_delete(uint32_t destination, uint32_t netmask, uint32_t gateway);
/* Longest prefix match: 0 and the outgoing netif, next hop and source, or -ENETUNREACH. */
int ip_route_lookup(uint32_t destination, struct netif **netif, uint32_t *next_hop,
                    uint32_t *source);
/* The same, restricted to one interface (SO_BINDTODEVICE) when ifindex != 0. */
int ip_route_lookup_on(int ifindex, uint32_t destination, struct netif **netif,
                       uint32_t *next_hop, uint32_t *source);
struct list_node *ip_route_list(void);
size_t ip_route_format(char *buffer, size_t size);   /* /proc/net/route */

/* Sets netif's address (connected route, broadcast, gratuitous ARP). */
int ip_address_set(struct netif *netif, uint32_t address, uint32_t netmask);
/* Is address one of ours (or a broadcast we accept) on netif?  NULL netif:
 * on any interface (bind's EADDRNOTAVAIL check). */
bool ip_address_is_local(const struct netif *netif, uint32_t address);
/* Limited broadcast, or netif's subnet broadcast (any netif's when NULL). */
bool ip_address_is_broadcast(const struct netif *netif, uint32_t address);
/* 224.0.0.0/4 (RFC 5771). */
static inline bool ip_address_is_multicast(uint32_t address)
{
    return (net_ntohl(address) & 0xf0000000u) == 0xe0000000u;
}

/* A free ephemeral port (network order) as in_use judges it, or 0 if none. */
uint16_t ip_ephemeral_port(bool (*in_use)(const void *pcb, uint32_t address, uint16_t port),
                           const void *pcb, uint32_t address);

void ip_input(struct netif *netif, struct pbuf *packet);   /* the ETH_TYPE_IP handler */

/* How long an incomplete datagram waits for its fragments (RFC 1122 3.3.2;
 * Linux's ipfrag_time, 30 s by default).  A new value applies to datagrams
 * whose first fragment comes after it. */
uint32_t ip_reassembly_timeout_ms(void);
void ip_reassembly_timeout_set(uint32_t milliseconds);

void ip_init(void);

/* The Internet checksum (RFC 1071) over data, folded, complemented. */
uint16_t ip_checksum(const void *data, size_t length);
/* Sum for the TCP/UDP pseudo-header (RFC 768, RFC 9293), to start a checksum;
 * addresses in network order, length in host order. */
uint32_t ip_pseudo_header_sum(uint32_t source, uint32_t destination, uint8_t protocol,
                              uint16_t length);
uint16_t ip_checksum_finish(uint32_t sum, const void *data, size_t length);

#endif
