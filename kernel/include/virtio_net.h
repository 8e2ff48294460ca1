/* The virtio network device (virtio spec v1.1 section 5.1). */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H
#include <kernel.h>

/* Feature bits (5.1.3). */
#define VIRTIO_NET_F_CSUM       0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_HOST_TSO4  11
#define VIRTIO_NET_F_MAC       5
#define VIRTIO_NET_F_MRG_RXBUF 15
#define VIRTIO_NET_F_STATUS    16

/* The device configuration layout (5.1.4). */
#define VIRTIO_NET_CONFIG_MAC    0
#define VIRTIO_NET_CONFIG_STATUS 6
#define VIRTIO_NET_S_LINK_UP     1

/* Queue indexes (5.1.2), with one queue pair. */
#define VIRTIO_NET_RECEIVE_QUEUE  0
#define VIRTIO_NET_TRANSMIT_QUEUE 1

/*
 * The header in front of every frame (5.1.6).  With VIRTIO_F_VERSION_1 it
 * always carries num_buffers, so it is 12 bytes whether or not
 * VIRTIO_NET_F_MRG_RXBUF is negotiated.  Fields are little-endian.
 */
struct virtio_net_header {
    uint8_t flags;
    uint8_t gso_type;
    uint16_t header_length;
    uint16_t gso_size;
    uint16_t checksum_start;
    uint16_t checksum_offset;
    uint16_t buffer_count;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_net_header) == 12, "virtio-net header is 12 bytes");
/* Header flags (5.1.6). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1   /* checksum left partial (from the host's stack) */
#define VIRTIO_NET_HDR_F_DATA_VALID 2   /* the device checked the checksum */
#define VIRTIO_NET_HDR_GSO_NONE 0
#define VIRTIO_NET_HDR_GSO_TCPV4 1      /* gso_type: cut into TCP/IPv4 segments */

#endif
