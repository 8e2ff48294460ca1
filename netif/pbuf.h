/*
 * Packet buffers.
 *
 * A pbuf is one contiguous buffer:
 *
 *     start          data             tail            end
 *       |  headroom    |    packet      |   tailroom    |
 *
 * Invariants: start <= data <= tail <= end.  The packet is [data, tail).
 * Output allocates by layer (pbuf_alloc(PBUF_TRANSPORT, n) leaves headroom
 * for every header below: TCP/UDP, IP with options, Ethernet and the
 * virtio-net header), so each layer pushes its header without copying.
 * Input arrives with data at the Ethernet header; each layer pulls its own
 * header and records where it was (l2/l3/l4 offsets from start; 0xffff =
 * not set), so a later reader (a raw socket, an ICMP error quoting the
 * original) can find it again.  Headers are never byte-swapped in place.
 *
 * ref counts owners: the stack, each queue and each packet or raw socket
 * that holds it.  pbuf_put drops one and frees at zero; a put on a pbuf
 * whose ref is already 0 is a broken invariant (NET_ASSERT in port.h).  A pbuf held by more
 * than one owner is read-only.  There are no chains.  Queues of pbufs use
 * struct pbuf_queue, whose nodes are separate, so one pbuf can sit on
 * several sockets' queues at once.
 *
 * Ownership, the one rule between layers: a function that takes a pbuf
 * consumes it, on success and on every error.  The caller's reference
 * passes with the call, and the caller neither puts nor touches the pbuf
 * afterwards (it takes another reference first if it still needs it).
 * The exceptions say so where they are declared: observers that are only
 * shown a pbuf (packet taps, raw listeners, a UDP pcb's receive, ICMP
 * error handlers, icmp_send_error) take their own reference to keep it,
 * pbuf_queue_push takes a new one, and a driver's transmit op leaves the
 * frame with netif.c on error (netif.h).
 *
 * Send accounting (Linux's sk_wmem_alloc): a socket charges each pbuf it
 * sends to its struct pbuf_account, by the pbuf's whole size, until the
 * pbuf is freed or a driver calls pbuf_uncharge once the device is done
 * with it (a tap may still hold it).  So a sender can wait while the
 * bytes it has not yet got onto the wire reach its send buffer.
 * Invariant: account->charged is the sum of charge over the pbufs that
 * point at account.
 */
#ifndef NETIF_PBUF_H
#define NETIF_PBUF_H
#include "port.h"

/* Headroom for each layer's output (virtio-net header = 12 bytes). */
#define PBUF_LINK_HEADROOM      16                  /* virtio-net header, rounded */
#define PBUF_IP_HEADROOM        (PBUF_LINK_HEADROOM + 14)
#define PBUF_TRANSPORT_HEADROOM (PBUF_IP_HEADROOM + 60)
#define PBUF_APPLICATION_HEADROOM (PBUF_TRANSPORT_HEADROOM + 60)
#define PBUF_OFFSET_UNSET 0xffff

enum pbuf_layer {
    PBUF_RAW = 0,                                   /* no headroom */
    PBUF_LINK = PBUF_LINK_HEADROOM,                 /* Ethernet header goes below data */
    PBUF_IP = PBUF_IP_HEADROOM,                     /* IP header goes below data */
    PBUF_TRANSPORT = PBUF_TRANSPORT_HEADROOM,       /* TCP/UDP/ICMP header goes below */
    PBUF_APPLICATION = PBUF_APPLICATION_HEADROOM,
};

/* Where a frame was going, as AF_PACKET reports it (sll_pkttype). */
enum pbuf_packet_type {
    PBUF_TO_US = 0, PBUF_BROADCAST = 1, PBUF_MULTICAST = 2, PBUF_OTHER_HOST = 3,
    PBUF_OUTGOING = 4,
};

struct netif;

struct pbuf_account {
    size_t charged;
    /* Runs after each refund, in the network context; the owner may free
     * the account there once it is closed and charged is 0. */
    void (*refunded)(struct pbuf_account *account);
};

struct pbuf {
    uint8_t *start, *data, *tail, *end;
    uint32_t ref;
    uint16_t l2_offset, l3_offset, l4_offset;       /* from start */
    uint16_t ethertype;                             /* host order, set by eth */
    uint8_t packet_type;                            /* enum pbuf_packet_type */
    struct netif *netif;                            /* received on / leaving by */
    uint64_t timestamp_ms;
    struct pbuf_account *account;                   /* charged for this pbuf, or NULL */
    /* Received: the device vouched for the TCP/UDP checksum (Linux's
     * CHECKSUM_UNNECESSARY), which input then does not compute. */
    bool checksum_verified;
    /* Received: the TCP/UDP checksum field holds only the pseudo-header's
     * sum, because the frame comes from the host's own stack (virtio's
     * NEEDS_CSUM, Linux's CHECKSUM_PARTIAL); checksum_verified is then
     * true as well.  Packet sockets report it (TP_STATUS_CSUMNOTREADY). */
    bool checksum_partial;
    /* To send: a TCP frame larger than the MTU that the device cuts into
     * segments of gso_size payload bytes (TCP segmentation offload); its
     * TCP checksum is then the pseudo-header's sum only, which the device
     * completes per segment.  0 = an ordinary frame. */
    uint16_t gso_size;
    uint32_t charge;                                /* bytes charged to account */
};

struct pbuf *pbuf_alloc(enum pbuf_layer layer, size_t length);   /* data..tail = length */
void pbuf_get(struct pbuf *pbuf);
void pbuf_put(struct pbuf *pbuf);
/* Charges pbuf (not yet charged) to account / refunds its charge (if any). */
void pbuf_charge(struct pbuf *pbuf, struct pbuf_account *account);
void pbuf_uncharge(struct pbuf *pbuf);
/* A private copy (ref 1, charged to nobody) with the same offsets, when a
 * shared pbuf must change. */
struct pbuf *pbuf_copy(const struct pbuf *pbuf);

static inline size_t pbuf_length(const struct pbuf *p) { return (size_t)(p->tail - p->data); }
static inline size_t pbuf_headroom(const struct pbuf *p) { return (size_t)(p->data - p->start); }

/* Grow the packet at the front (a header) / shrink it there; NULL on under/overflow. */
void *pbuf_push(struct pbuf *pbuf, size_t length);
void *pbuf_pull(struct pbuf *pbuf, size_t length);
/* Grow at the back (append); NULL when there is no tailroom. */
void *pbuf_append(struct pbuf *pbuf, size_t length);
/* Cut the packet to length bytes (e.g. Ethernet padding beyond IP's total length). */
void pbuf_trim(struct pbuf *pbuf, size_t length);

/* The header at data, if at least sizeof(type) bytes are there; else NULL. */
#define PBUF_HEADER(pbuf, type) \
    (pbuf_length(pbuf) >= sizeof(type) ? (type *)(pbuf)->data : (type *)0)
static inline void pbuf_mark_l2(struct pbuf *p) { p->l2_offset = (uint16_t)(p->data - p->start); }
static inline void pbuf_mark_l3(struct pbuf *p) { p->l3_offset = (uint16_t)(p->data - p->start); }
static inline void pbuf_mark_l4(struct pbuf *p) { p->l4_offset = (uint16_t)(p->data - p->start); }
static inline uint8_t *pbuf_l2(const struct pbuf *p) { return p->start + p->l2_offset; }
static inline uint8_t *pbuf_l3(const struct pbuf *p) { return p->start + p->l3_offset; }
static inline uint8_t *pbuf_l4(const struct pbuf *p) { return p->start + p->l4_offset; }

/*
 * A bounded FIFO of pbuf references.  Invariant: count is the number of
 * entries and bytes the sum of their lengths as pushed; pop checks it
 * (an entry beyond count or bytes, or an empty queue with either non-zero,
 * is a broken invariant: NET_ASSERT in port.h).
 */
struct pbuf_queue {
    struct list_node entries;
    size_t count, bytes, limit_bytes;
};
void pbuf_queue_init(struct pbuf_queue *queue, size_t limit_bytes);
/* Takes a new reference; false (and nothing taken) when the queue is full. */
bool pbuf_queue_push(struct pbuf_queue *queue, struct pbuf *pbuf);
/* Hands the queue's reference to the caller; NULL when empty. */
struct pbuf *pbuf_queue_pop(struct pbuf_queue *queue);
struct pbuf *pbuf_queue_peek(struct pbuf_queue *queue);
void pbuf_queue_clear(struct pbuf_queue *queue);

/* Leak checks: how many pbufs exist now (tests compare with a baseline). */
size_t pbuf_count(void);

#endif
