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

/* The cache, oldest entry first, so that eviction takes the front
 * (arp_private.h states each entry's invariants). */
static struct list_node entries = LIST_HEAD_INIT(entries);

/* LAB(arp) BEGIN: what else the cache needs at file scope: how many entries it
 * holds (at most ARP_CACHE_ENTRIES), and the byte limit of an entry's pending
 * queue (the packet count, ARP_QUEUE_PACKETS, is the real bound). */
#define ARP_PENDING_BYTES (256 * 1024)     /* the packet count is the real bound */

static size_t entry_count;
/* LAB(arp) END */

struct arp_entry *arp_cache_find(const struct netif *netif, uint32_t address)
{
    /* LAB(arp) BEGIN: the entry for (netif, address), or NULL. */
    list_for_each(node, &entries) {
        struct arp_entry *entry = container_of(node, struct arp_entry, node);
        if (entry->netif == netif && entry->address == address)
            return entry;
    }
    return NULL;
    /* LAB(arp) STUB
     * return NULL;
     * LAB(arp) END */
}

/* LAB(arp) BEGIN: the entry's life: forgetting it (its timer, its pending
 * packets, its place in the list), failing its resolution (ResolutionFailures,
 * then an ICMP host unreachable about each packet that waited, RFC 1122 2.3.2.2,
 * through icmp_send_error, which does not consume), and its timer, which moves it
 * along arp_private.h's states: INCOMPLETE retries the broadcast request every
 * ARP_RETRANSMIT_MS until ARP_MAXIMUM_REQUESTS went out, then fails one interval
 * later; REACHABLE becomes STALE after ARP_REACHABLE_MS; STALE is forgotten after
 * ARP_STALE_MS; DELAY becomes PROBE after ARP_DELAY_MS and sends the first unicast
 * request at once; PROBE sends up to ARP_MAXIMUM_REQUESTS of them, one every
 * ARP_RETRANSMIT_MS, then forgets the entry. */
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
        __attribute__((fallthrough));     /* the first unicast probe goes now */
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
/* LAB(arp) END */

void arp_cache_used(struct arp_entry *entry)
{
    /* LAB(arp) BEGIN: RFC 1122 2.3.2.1, Linux's way: a STALE entry that is used
     * goes to DELAY, its timer set to ARP_DELAY_MS; other states are left as
     * they are. */
    if (entry->state != ARP_STALE)
        return;
    entry->state = ARP_DELAY;
    net_timer_start(&entry->timer, ARP_DELAY_MS, timer_expired, entry);
    /* LAB(arp) END */
}

struct arp_entry *arp_cache_create(struct netif *netif, uint32_t address)
{
    /* LAB(arp) BEGIN: a new INCOMPLETE entry at the back of the list, its pending
     * queue empty, its timer armed for the second request (the caller sends the
     * first: requests_sent starts at 1).  A full cache first forgets its oldest
     * entry that is not INCOMPLETE; none, or no memory: NULL. */
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
    /* LAB(arp) STUB
     * return NULL;
     * LAB(arp) END */
}

void arp_cache_update(struct arp_entry *entry, const uint8_t hardware[6], enum arp_state state)
{
    /* LAB(arp) BEGIN: record hardware and state (REACHABLE or STALE), set the
     * timer for that state, and send every packet that waited, in order, to the
     * new address (RFC 1122 2.3.2.2). */
    memcpy(entry->hardware, hardware, ETHERNET_ADDRESS_SIZE);
    entry->state = state;
    net_timer_start(&entry->timer, state == ARP_REACHABLE ? ARP_REACHABLE_MS : ARP_STALE_MS,
                    timer_expired, entry);
    struct pbuf *packet;
    while ((packet = pbuf_queue_pop(&entry->pending)))
        eth_output(entry->netif, packet, entry->hardware, ETH_TYPE_IP);
    /* LAB(arp) END */
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
