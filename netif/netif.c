/*
 * Network interfaces: registration, lookup, packet taps, and the hand-over
 * of received frames from drivers to the network context.
 *
 * netif_receive may run in interrupt context.  The kernel takes interrupts
 * only while it waits in the idle loop or runs user code, never while the
 * net thread is inside this file, so the receive ring needs no lock; it is
 * a fixed array so that interrupt context never allocates.
 */
#include "net_context.h"

/* Linux's netdev_max_backlog is 1000; a teaching NIC's ring is far smaller. */
#define RECEIVE_BACKLOG 256
/* Linux's default txqueuelen: frames an interface holds while its device is full. */
#define TRANSMIT_QUEUE_FRAMES 1000

static struct list_node netifs = LIST_HEAD_INIT(netifs);
static struct list_node taps = LIST_HEAD_INIT(taps);
static int last_index;

/* Frames waiting for the network context, oldest at first. */
static struct pbuf *backlog[RECEIVE_BACKLOG];
static size_t backlog_first, backlog_count;

int netif_register(struct netif *netif)
{
    if (!netif->name[0] || !netif->ops || !netif->ops->transmit || !netif->output)
        return -EINVAL;
    if (netif_by_name(netif->name))
        return -EEXIST;
    netif->index = ++last_index;
    netif->promiscuous_users = 0;
    list_init(&netif->multicast_groups);
    pbuf_queue_init(&netif->transmit_queue, SIZE_MAX);
    netif->transmit_ready = false;
    netif->receive_stalled = false;
    list_push_back(&netifs, &netif->node);
    net_log("netif: %s registered as index %d\n", netif->name, netif->index);
    return 0;
}

struct netif *netif_by_index(int index)
{
    list_for_each(node, &netifs) {
        struct netif *netif = container_of(node, struct netif, node);
        if (netif->index == index)
            return netif;
    }
    return NULL;
}

struct netif *netif_by_name(const char *name)
{
    list_for_each(node, &netifs) {
        struct netif *netif = container_of(node, struct netif, node);
        if (!strncmp(netif->name, name, NETIF_NAME_SIZE))
            return netif;
    }
    return NULL;
}

struct list_node *netif_list(void) { return &netifs; }

uint32_t netif_flags(const struct netif *netif)
{
    uint32_t flags = netif->flags & ~(uint32_t)(NETIF_RUNNING | NETIF_LOWER_UP);
    if ((netif->flags & NETIF_UP) && netif->carrier)
        flags |= NETIF_RUNNING | NETIF_LOWER_UP;
    return flags;
}

/* A single store: SIOCGIFFLAGS reads it under net_lock, an interrupt may
 * write it at any time, and nothing else follows from it (Linux's
 * linkwatch would also stop the qdisc; frames sent meanwhile are lost on
 * the wire here, as QEMU drops them while the link is down). */
void netif_carrier_set(struct netif *netif, bool on)
{
    if (netif->carrier != on)
        net_log("netif: %s link %s\n", netif->name, on ? "up" : "down");
    netif->carrier = on;
}

void netif_receive(struct netif *netif, struct pbuf *frame)
{
    netif->statistics.receive_packets++;
    netif->statistics.receive_bytes += pbuf_length(frame);
    if (!(netif->flags & NETIF_UP) || backlog_count == RECEIVE_BACKLOG) {
        netif->statistics.receive_dropped++;
        pbuf_put(frame);
        return;
    }
    frame->netif = netif;
    backlog[(backlog_first + backlog_count) % RECEIVE_BACKLOG] = frame;
    backlog_count++;
    net_context_wake();
}

bool netif_receive_full(struct netif *netif)
{
    if (backlog_count < RECEIVE_BACKLOG)
        return false;
    netif->receive_stalled = true;
    return true;
}

size_t netif_deliver_queued(void)
{
    net_assert_context();
    size_t delivered = 0;
    while (backlog_count) {
        struct pbuf *frame = backlog[backlog_first];
        backlog_first = (backlog_first + 1) % RECEIVE_BACKLOG;
        backlog_count--;
        netif_deliver(frame->netif, frame);
        delivered++;
    }
    /* The frames a driver held back go to the backlog now; they are
     * delivered on the net thread's next pass (netif_receive wakes it). */
    list_for_each(node, &netifs) {
        struct netif *netif = container_of(node, struct netif, node);
        if (netif->receive_stalled) {
            netif->receive_stalled = false;
            netif->ops->receive_resume(netif);
        }
    }
    return delivered;
}

static void show_to_taps(struct netif *netif, struct pbuf *frame)
{
    list_for_each_safe(node, &taps) {
        struct netif_tap *tap = container_of(node, struct netif_tap, node);
        tap->frame(tap, netif, frame);
    }
}

/* sll_pkttype from the destination address, for the taps (eth sets it
 * again).  netif/ is below eth/ and includes none of its headers, so it
 * keeps its own broadcast address rather than eth_broadcast_address. */
static uint8_t received_packet_type(const struct netif *netif, const struct pbuf *frame)
{
    static const uint8_t broadcast[ETHERNET_ADDRESS_SIZE] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    if (pbuf_length(frame) < ETHERNET_ADDRESS_SIZE)
        return PBUF_TO_US;
    const uint8_t *destination = frame->data;   /* the Ethernet header's first field */
    if (!memcmp(destination, broadcast, ETHERNET_ADDRESS_SIZE))
        return PBUF_BROADCAST;
    if (destination[0] & 1)   /* the group bit (IEEE 802-2014 8.2) */
        return PBUF_MULTICAST;
    if (netif->type == NETIF_TYPE_LOOPBACK ||
        !memcmp(destination, netif->address, ETHERNET_ADDRESS_SIZE))
        return PBUF_TO_US;
    return PBUF_OTHER_HOST;
}

void netif_deliver(struct netif *netif, struct pbuf *frame)
{
    frame->netif = netif;
    frame->packet_type = received_packet_type(netif, frame);
    show_to_taps(netif, frame);
    if (netif->link_input)
        netif->link_input(netif, frame);
    else
        pbuf_put(frame);
}

/* Hands frame to the driver: 0 (the driver owns it), -EBUSY (the caller
 * keeps it, to send later), or another error (counted; the caller keeps it,
 * to free). */
static int device_transmit(struct netif *netif, struct pbuf *frame)
{
    size_t length = pbuf_length(frame);
    int error = netif->ops->transmit(netif, frame);
    if (error == -EBUSY)
        return error;
    if (error) {
        netif->statistics.transmit_dropped++;
        return error;
    }
    netif->statistics.transmit_packets++;
    netif->statistics.transmit_bytes += length;
    return 0;
}

int netif_transmit(struct netif *netif, struct pbuf *frame)
{
    if (!(netif->flags & NETIF_UP)) {
        netif->statistics.transmit_dropped++;
        pbuf_put(frame);
        return -ENETDOWN;
    }
    frame->netif = netif;
    frame->packet_type = PBUF_OUTGOING;
    show_to_taps(netif, frame);
    if (!netif->transmit_queue.count) {
        int error = device_transmit(netif, frame);
        if (error != -EBUSY) {
            if (error)
                pbuf_put(frame);
            return error;
        }
    }
    /* Behind frames already waiting, or the device is full: wait in order. */
    bool queued = netif->transmit_queue.count < TRANSMIT_QUEUE_FRAMES &&
                  pbuf_queue_push(&netif->transmit_queue, frame);
    pbuf_put(frame);   /* the queue's reference, if it took one, replaces the caller's */
    if (!queued) {
        netif->statistics.transmit_dropped++;
        return -ENOBUFS;
    }
    return 0;
}

void netif_transmit_ready(struct netif *netif)
{
    netif->transmit_ready = true;
    net_context_wake();
}

void netif_transmit_queued(void)
{
    list_for_each(node, &netifs) {
        struct netif *netif = container_of(node, struct netif, node);
        if (!netif->transmit_ready)
            continue;
        netif->transmit_ready = false;
        if (netif->ops->transmit_done)
            netif->ops->transmit_done(netif);
        struct pbuf *frame;
        while ((frame = pbuf_queue_peek(&netif->transmit_queue))) {
            int error = device_transmit(netif, frame);
            if (error == -EBUSY)
                break;
            pbuf_queue_pop(&netif->transmit_queue);   /* its reference went to the driver */
            if (error)
                pbuf_put(frame);
        }
    }
}

void netif_tap_add(struct netif_tap *tap) { list_push_back(&taps, &tap->node); }

void netif_tap_remove(struct netif_tap *tap) { list_remove(&tap->node); }

void netif_promiscuous(struct netif *netif, bool on)
{
    if (on) {
        if (netif->promiscuous_users++)
            return;
        netif->flags |= NETIF_PROMISC;
    } else {
        if (!netif->promiscuous_users || --netif->promiscuous_users)
            return;
        netif->flags &= ~NETIF_PROMISC;
    }
    if (netif->ops->set_promiscuous)
        netif->ops->set_promiscuous(netif, on);
}
