/*
 * Network interfaces.
 *
 * A driver fills in a struct netif (name, MAC, MTU, ops, link_input,
 * output) and registers it.  Received frames go to netif_receive, which may
 * be called from interrupt context: it only queues the frame for the net
 * thread, which hands it to the interface's link_input (eth_input).  IP
 * hands each datagram to the interface's output with its next hop, never
 * naming the layer below: an Ethernet driver installs ARP's resolver
 * (arp_output), lo installs eth_output_without_resolution, as lwIP's
 * drivers install netif->output.  Outgoing frames leave through
 * netif_transmit, which first shows them to every packet tap (AF_PACKET
 * sockets see outgoing frames too, as on Linux), then calls the driver.
 * Addresses are in network byte order.  Every function here that takes a
 * pbuf consumes it (pbuf.h), except the driver's transmit op and the
 * packet taps, which are only shown frames.
 *
 * When the device has no room (transmit answers -EBUSY), netif_transmit
 * keeps the frame in the interface's transmit queue, as Linux's qdisc does,
 * and sends it once the driver calls netif_transmit_ready; only a full queue
 * drops (-ENOBUFS, counted in transmit_dropped), so a frame netif_transmit
 * accepted reaches the device.
 *
 * Invariants: index is unique and never reused while registered (ifindex
 * for sockaddr_ll and SIOCGIFINDEX); a netif is never unregistered in this
 * version; a registered netif has ops->transmit and output.  The driver
 * owns the pbuf passed to transmit once transmit returns 0 and must
 * pbuf_put it when the device is done with it.  Frames wait in
 * transmit_queue only while the device has answered -EBUSY since the last
 * netif_transmit_ready, and leave it in order.
 */
#ifndef NETIF_NETIF_H
#define NETIF_NETIF_H
#include "pbuf.h"

#define NETIF_NAME_SIZE 16
#define ETHERNET_ADDRESS_SIZE 6

/* Linux's interface flags (SIOCGIFFLAGS).  RUNNING and LOWER_UP are never
 * stored in netif->flags: netif_flags derives them from carrier. */
enum {
    NETIF_UP = 0x1, NETIF_BROADCAST = 0x2, NETIF_LOOPBACK = 0x8, NETIF_RUNNING = 0x40,
    NETIF_NOARP = 0x80, NETIF_PROMISC = 0x100, NETIF_MULTICAST = 0x1000, NETIF_LOWER_UP = 0x10000,
};
/* Linux's hardware types (sa_family of SIOCGIFHWADDR, sll_hatype). */
enum { NETIF_TYPE_ETHERNET = 1, NETIF_TYPE_LOOPBACK = 772 };

/* /proc/net/dev's columns.  receive_frame_errors counts frames too short
 * for the link header, Linux's rx_length_errors, which /proc/net/dev shows
 * in its receive "frame" column. */
struct netif_statistics {
    uint64_t receive_bytes, receive_packets, receive_errors, receive_dropped;
    uint64_t transmit_bytes, transmit_packets, transmit_errors, transmit_dropped;
    uint64_t receive_frame_errors;
};

struct netif;
struct netif_operations {
    /* Sends one frame (data at the Ethernet header, headroom for the driver's
     * own header); 0, -EBUSY when the device has no room now (the driver
     * then calls netif_transmit_ready once it has), or another negative
     * errno.  An exception to pbuf.h's ownership rule, and netif.c's
     * business only: on any error the frame is still netif.c's, which keeps
     * it in the transmit queue after -EBUSY and frees it after any other. */
    int (*transmit)(struct netif *netif, struct pbuf *frame);
    /* Optional, in the network context after netif_transmit_ready: frees
     * the frames the device has finished sending. */
    void (*transmit_done)(struct netif *netif);
    /* Optional: the device should pass frames for any address. */
    void (*set_promiscuous)(struct netif *netif, bool on);
    /* Optional, in the network context: the backlog has room again after
     * netif_receive_full told this driver it had none; take the frames the
     * device holds.  A driver that asks netif_receive_full must have it. */
    void (*receive_resume)(struct netif *netif);
};

struct netif {
    char name[NETIF_NAME_SIZE];
    int index;
    uint16_t type;                          /* NETIF_TYPE_* */
    uint8_t address[ETHERNET_ADDRESS_SIZE];
    uint32_t mtu;
    /* TCP segmentation offload: the largest IP datagram the device cuts
     * into MTU-sized TCP segments; 0 = none. */
    uint32_t gso_max_size;
    uint32_t flags;                         /* NETIF_* set by configuration (UP, PROMISC...) */
    bool carrier;                           /* the driver sees the link up */
    uint32_t promiscuous_users;             /* PACKET_MR_PROMISC memberships */
    uint32_t ipv4_address, ipv4_netmask, ipv4_broadcast;   /* network order */
    /* The multicast groups joined here (igmp/igmp.h's struct igmp_group),
     * each once, however many sockets joined it. */
    struct list_node multicast_groups;
    const struct netif_operations *ops;
    struct netif_statistics statistics;
    /* Set by the driver.  A received frame, data at the link header, in
     * the network context; consumes it.  eth_input; NULL drops. */
    void (*link_input)(struct netif *netif, struct pbuf *frame);
    /* Set by the driver.  IPv4 out: datagram has data at its complete IP
     * header; next_hop (network order) is the neighbour it goes to, the
     * destination itself when on link.  Consumes datagram; 0 or -errno.
     * An Ethernet interface's is arp_output; an interface that resolves no
     * addresses (lo, or one with NETIF_NOARP) has
     * eth_output_without_resolution. */
    int (*output)(struct netif *netif, struct pbuf *datagram, uint32_t next_hop);
    void *driver;
    struct list_node node;
    struct pbuf_queue transmit_queue;       /* frames waiting for room in the device */
    bool transmit_ready;                    /* netif_transmit_ready was called */
    bool receive_stalled;                   /* netif_receive_full said full: resume owed */
};

/* Assigns the index, links the netif in; 0, -EINVAL (no name, no
 * transmit op or no output), -EEXIST (name taken). */
int netif_register(struct netif *netif);
struct netif *netif_by_index(int index);
struct netif *netif_by_name(const char *name);
struct list_node *netif_list(void);          /* of struct netif, by node */
/* The flags as Linux's dev_get_flags shows them: RUNNING and LOWER_UP
 * while the interface is UP and has carrier. */
uint32_t netif_flags(const struct netif *netif);
/* From a driver (any context): the link went up or down. */
void netif_carrier_set(struct netif *netif, bool on);

/* From a driver (any context): queue a received frame for the net thread.
 * A full backlog drops it (counted in receive_dropped). */
void netif_receive(struct netif *netif, struct pbuf *frame);
/* From a driver (any context), before it takes the next received frame from
 * its device: true when the backlog is full.  The driver then leaves the
 * frames in the device, which stops and makes its sender wait instead of
 * having this host drop what it already received (the backpressure Linux's
 * NAPI budget gives); the network context calls ops->receive_resume once it
 * has emptied the backlog. */
bool netif_receive_full(struct netif *netif);
/* From the stack (network context): show to taps, then to the driver.
 * Consumes frame; 0, -ENETDOWN (not UP), -ENOBUFS (transmit queue full)
 * or the driver's error; every error is counted in transmit_dropped. */
int netif_transmit(struct netif *netif, struct pbuf *frame);
/* Runs in the network context: taps, then netif->link_input. */
void netif_deliver(struct netif *netif, struct pbuf *frame);
/* From a driver (any context): the device finished sending frames, so it
 * has room; the network context calls transmit_done, then sends what waits. */
void netif_transmit_ready(struct netif *netif);

/*
 * Packet taps: every frame in or out is offered to each tap (AF_PACKET
 * sockets).  A tap that keeps the frame takes its own reference.
 */
struct netif_tap {
    void (*frame)(struct netif_tap *tap, struct netif *netif, struct pbuf *frame);
    struct list_node node;
};
void netif_tap_add(struct netif_tap *tap);
void netif_tap_remove(struct netif_tap *tap);

void netif_promiscuous(struct netif *netif, bool on);   /* counted */

#endif
