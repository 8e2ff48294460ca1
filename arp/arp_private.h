/* ARP's internals, shared by the files of arp/ only. */
#ifndef ARP_ARP_PRIVATE_H
#define ARP_ARP_PRIVATE_H
#include "arp.h"

#define ARP_HARDWARE_ETHERNET 1
#define ARP_OPERATION_REQUEST 1
#define ARP_OPERATION_REPLY 2

/* RFC 826's packet for Ethernet and IPv4; fields in network order. */
struct arp_packet {
    uint16_t hardware_type, protocol_type;
    uint8_t hardware_length, protocol_length;
    uint16_t operation;
    uint8_t sender_hardware[ETHERNET_ADDRESS_SIZE];
    uint32_t sender_protocol;
    uint8_t target_hardware[ETHERNET_ADDRESS_SIZE];
    uint32_t target_protocol;
} __attribute__((packed));

/*
 * Neighbour states, a subset of Linux's NUD states (RFC 1122 2.3.2.1 asks
 * for cache validation; this is Linux's way of doing it):
 *   INCOMPLETE  a broadcast request is out; packets wait on pending
 *               (RFC 1122 2.3.2.2)
 *   REACHABLE   confirmed by a reply within the last 30 s
 *   STALE       learned from a request, or 30 s without confirmation: still
 *               used; forgotten after 60 s unused
 *   DELAY       a STALE entry was used: still used, and if no reply comes
 *               within 5 s ...
 *   PROBE       ... up to 3 unicast requests 1 s apart; no reply: forgotten
 */
enum arp_state { ARP_INCOMPLETE, ARP_REACHABLE, ARP_STALE, ARP_DELAY, ARP_PROBE };

#define ARP_REACHABLE_MS 30000
#define ARP_STALE_MS 60000
#define ARP_DELAY_MS 5000
#define ARP_RETRANSMIT_MS 1000
#define ARP_MAXIMUM_REQUESTS 3
#define ARP_QUEUE_PACKETS 3
#define ARP_CACHE_ENTRIES 128

/*
 * Invariants: (netif, address) is unique in the cache; pending is empty
 * unless state is INCOMPLETE; hardware is valid unless state is INCOMPLETE;
 * the timer is armed for every entry (its next state change);
 * requests_sent counts the requests of the current INCOMPLETE or PROBE round.
 */
struct arp_entry {
    struct list_node node;
    struct netif *netif;
    uint32_t address;
    uint8_t hardware[ETHERNET_ADDRESS_SIZE];
    enum arp_state state;
    uint8_t requests_sent;
    struct pbuf_queue pending;
    struct net_timer timer;
};

struct arp_entry *arp_cache_find(const struct netif *netif, uint32_t address);
/* A STALE entry was used to send: start revalidating it (STALE -> DELAY). */
void arp_cache_used(struct arp_entry *entry);
/* A new INCOMPLETE entry (evicting the oldest resolved one if full), or NULL. */
struct arp_entry *arp_cache_create(struct netif *netif, uint32_t address);
/* Records hardware for entry, in state REACHABLE or STALE, and sends what waited. */
void arp_cache_update(struct arp_entry *entry, const uint8_t hardware[6], enum arp_state state);

/* Sends an ARP packet out of netif to the Ethernet destination. */
void arp_send(struct netif *netif, uint16_t operation, const uint8_t destination[6],
              const uint8_t target_hardware[6], uint32_t target_protocol);
void arp_input(struct netif *netif, struct pbuf *frame);

#endif
