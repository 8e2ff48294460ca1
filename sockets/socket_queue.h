/*
 * A socket's receive queue: a bounded FIFO of references to received pbufs,
 * each with what the reader needs to know about it.  The pbuf may be shared
 * with the stack and other sockets (DESIGN: packet and raw sockets take a
 * reference, never the frame), so its data pointer is not ours: each entry
 * records where its bytes are, as an offset from pbuf->start.
 *
 * Invariant: count is the number of entries and bytes the sum of their
 * lengths, at or below the limit given to push (SO_RCVBUF), except that one
 * entry always fits into an empty queue.  Pop checks the first part (an
 * entry beyond count or bytes, or an empty queue with either non-zero, is a
 * broken invariant: NET_ASSERT in netif/port.h).
 */
#ifndef SOCKETS_SOCKET_QUEUE_H
#define SOCKETS_SOCKET_QUEUE_H
#include <netif/pbuf.h>

struct socket_packet {
    struct list_node node;
    struct pbuf *pbuf;                  /* one reference, held by this entry */
    uint16_t offset;                    /* from pbuf->start to the first byte read */
    uint16_t length;                    /* bytes a reader gets */
    uint16_t full_length;               /* (packet sockets) before a socket filter cut it */
    uint32_t source, destination;       /* IPv4, network order (UDP, raw) */
    uint16_t source_port;               /* network order (UDP) */
    int ifindex;                        /* interface it arrived on / left by */
    uint8_t packet_type;                /* enum pbuf_packet_type (packet sockets) */
    uint16_t protocol;                  /* ethertype, network order (packet sockets) */
    uint8_t hardware_source[6];         /* (packet sockets) */
    uint32_t checksum_status;           /* (packet sockets) TP_STATUS_CSUM* for PACKET_AUXDATA */
};

struct socket_queue {
    struct list_node entries;
    size_t count, bytes;
};

void socket_queue_init(struct socket_queue *queue);
/* Copies info, takes a reference on pbuf; false (nothing taken) when over limit. */
bool socket_queue_push(struct socket_queue *queue, struct pbuf *pbuf,
                       const struct socket_packet *info, size_t limit);
struct socket_packet *socket_queue_peek(struct socket_queue *queue);
/* Removes the first entry; the caller frees it with socket_packet_free. */
struct socket_packet *socket_queue_pop(struct socket_queue *queue);
void socket_packet_free(struct socket_packet *packet);
static inline const uint8_t *socket_packet_data(const struct socket_packet *packet)
{
    return packet->pbuf->start + packet->offset;
}
void socket_queue_clear(struct socket_queue *queue);

#endif
