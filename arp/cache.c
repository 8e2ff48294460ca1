/*
 * The ARP cache (RFC 826 "Packet Reception", RFC 1122 2.3.2): entries move
 * INCOMPLETE -> REACHABLE -> STALE (-> DELAY -> PROBE when used) ->
 * forgotten on their own timers (arp_private.h); an INCOMPLETE entry
 * retries its request and finally fails, answering the packets that waited
 * with ICMP host unreachable (RFC 1122 2.3.2.2).
 */
#include "arp_private.h"
#include "../eth/eth.h"
#include "../icmp/icmp.h"
#include "../netif/counters.h"

#define ARP_PENDING_BYTES (256 * 1024)     /* the packet count is the real bound */

/* Oldest first, so that eviction takes the front. */
static struct list_node entries = LIST_HEAD_INIT(entries);
static size_t entry_count;

struct arp_entry *arp_cache_find(const struct netif *netif, uint32_t address)
{
    list_for_each(node, &entries) {
        struct arp_entry *entry = container_of(node, struct arp_entry, node);
        if (entry->netif == netif && entry->address == address)
            return entry;
    }
    return NULL;
}

static void destroy(struct arp_entry *entry)
{
    net_timer_cancel(&entry->timer);
    pbuf_queue_clear(&entry->pending);
    list_remove(&entry->node);
    entry_count--;
    net_free(entry);
}

/* Resolution failed: every waiting packet gets a host unreachable. */
static void fail(struct arp_entry *entry)
{
    NET_COUNT(ARP_RESOLUTION_FAILURES);
    struct pbuf *packet;
    while ((packet = pbuf_queue_pop(&entry->pending))) {
        icmp_send_error(packet, ICMP_DESTINATION_UNREACHABLE, ICMP_HOST_UNREACHABLE, 0);
        pbuf_put(packet);
    }
    destroy(entry);
}

static void timer_expired(void *argument)
{
    struct arp_entry *entry = argument;
    switch (entry->state) {
    case ARP_INCOMPLETE:
        if (entry->requests_sent >= ARP_MAXIMUM_REQUESTS) {
            fail(entry);
            return;
        }
        entry->requests_sent++;
        arp_send(entry->netif, ARP_OPERATION_REQUEST, eth_broadcast_address, eth_zero_address,
                 entry->address);
        net_timer_start(&entry->timer, ARP_RETRANSMIT_MS, timer_expired, entry);
        break;
    case ARP_REACHABLE:
        entry->state = ARP_STALE;
        net_timer_start(&entry->timer, ARP_STALE_MS, timer_expired, entry);
        break;
    case ARP_DELAY:
        entry->state = ARP_PROBE;
        entry->requests_sent = 0;
        /* fall through - the first unicast probe goes now */
    case ARP_PROBE:
        if (entry->requests_sent >= ARP_MAXIMUM_REQUESTS) {
            destroy(entry);
            return;
        }
        entry->requests_sent++;
        arp_send(entry->netif, ARP_OPERATION_REQUEST, entry->hardware, eth_zero_address,
                 entry->address);
        net_timer_start(&entry->timer, ARP_RETRANSMIT_MS, timer_expired, entry);
        break;
    case ARP_STALE:
        destroy(entry);
        break;
    }
}

void arp_cache_used(struct arp_entry *entry)
{
    if (entry->state != ARP_STALE)
        return;
    entry->state = ARP_DELAY;
    net_timer_start(&entry->timer, ARP_DELAY_MS, timer_expired, entry);
}

struct arp_entry *arp_cache_create(struct netif *netif, uint32_t address)
{
    if (entry_count >= ARP_CACHE_ENTRIES) {
        struct arp_entry *victim = NULL;
        list_for_each(node, &entries) {
            struct arp_entry *entry = container_of(node, struct arp_entry, node);
            if (entry->state != ARP_INCOMPLETE) {
                victim = entry;
                break;
            }
        }
        if (!victim)
            return NULL;
        destroy(victim);
    }
    struct arp_entry *entry = net_zalloc(sizeof(*entry));
    if (!entry)
        return NULL;
    entry->netif = netif;
    entry->address = address;
    entry->state = ARP_INCOMPLETE;
    pbuf_queue_init(&entry->pending, ARP_PENDING_BYTES);
    list_push_back(&entries, &entry->node);
    entry_count++;
    /* The caller sends the first request; the timer sends the others. */
    entry->requests_sent = 1;
    net_timer_start(&entry->timer, ARP_RETRANSMIT_MS, timer_expired, entry);
    return entry;
}

void arp_cache_update(struct arp_entry *entry, const uint8_t hardware[6], enum arp_state state)
{
    memcpy(entry->hardware, hardware, ETHERNET_ADDRESS_SIZE);
    entry->state = state;
    net_timer_start(&entry->timer, state == ARP_REACHABLE ? ARP_REACHABLE_MS : ARP_STALE_MS,
                    timer_expired, entry);
    struct pbuf *packet;
    while ((packet = pbuf_queue_pop(&entry->pending)))
        eth_output(entry->netif, packet, entry->hardware, ETH_TYPE_IP);
}

/* Linux's /proc/net/arp flags: ATF_COM (0x2) once the hardware address is known. */
#define ATF_COM 0x2

size_t arp_cache_format(char *buffer, size_t size)
{
    size_t used = (size_t)snprintf(buffer, size,
        "IP address       HW type     Flags       HW address            Mask     Device\n");
    list_for_each(node, &entries) {
        struct arp_entry *entry = container_of(node, struct arp_entry, node);
        uint32_t a = net_ntohl(entry->address);
        const uint8_t *h = entry->state == ARP_INCOMPLETE ? eth_zero_address : entry->hardware;
        char ip[16], hardware[18];
        snprintf(ip, sizeof(ip), "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
                 a & 0xff);
        snprintf(hardware, sizeof(hardware), "%02x:%02x:%02x:%02x:%02x:%02x", h[0], h[1], h[2],
                 h[3], h[4], h[5]);
        /* arp_format_neigh_entry's "%-16s 0x%-10x0x%-10x%-17s     %-8s %s\n" */
        used += (size_t)snprintf(used < size ? buffer + used : NULL, used < size ? size - used : 0,
                                 "%-16s 0x%-10x0x%-10x%-17s     %-8s %s\n", ip,
                                 (unsigned)ARP_HARDWARE_ETHERNET,
                                 entry->state == ARP_INCOMPLETE ? 0u : (unsigned)ATF_COM, hardware,
                                 "*", entry->netif->name);
    }
    return used;
}
