/*
 * The receive ring of an AF_PACKET socket (PACKET_RX_RING; Linux's
 * Documentation/networking/packet_mmap.rst): blocks of kernel pages that
 * user space maps with mmap on the socket, holding frames in TPACKET_V1/V2
 * layout (one frame per slot) or TPACKET_V3 layout (variable-size frames
 * packed into blocks).
 *
 * Hand-over: a V1/V2 frame, or a V3 block, belongs to the kernel while its
 * status is TP_STATUS_KERNEL and to user space from when the kernel stores
 * TP_STATUS_USER (a release store: everything written before it is seen by
 * a reader that loads the status with acquire) until user space stores
 * TP_STATUS_KERNEL back.  A frame that finds its slot or block still the
 * user's is dropped (and, for V3, the queue freezes until that block comes
 * back, counted in tp_freeze_q_cnt).
 *
 * Invariants: every block is block_size bytes of contiguous pages, each page
 * referenced once by the ring (and once more by each page table mapping
 * it); frame_count == frames_per_block * block_count; head is the next
 * frame slot (V1/V2) or the active block (V3); a V3 ring always has an open
 * block unless frozen.  Runs under net_lock.
 */
#ifndef SOCKETS_PACKET_RING_H
#define SOCKETS_PACKET_RING_H
#include <netif/port.h>
#include <linux/if_packet.h>

struct packet_ring {
    int version;                        /* TPACKET_V1, V2 or V3 */
    uint32_t header_length;             /* TPACKET*_HDRLEN: header and sockaddr_ll */
    uint32_t reserve;                   /* PACKET_RESERVE: room before the frame */
    uint8_t **blocks;
    uint32_t block_count, block_size, block_order;
    uint32_t frame_size, frame_count, frames_per_block;
    uint32_t head;
    /* TPACKET_V3 only. */
    uint32_t next_offset;               /* in the active block: where the next frame goes */
    uint32_t previous_offset;           /* the last frame stored in it */
    uint32_t max_frame_length;          /* block_size less the block header and private area */
    uint32_t private_size;              /* tp_sizeof_priv, rounded up to 8 */
    uint32_t retire_timeout_ms;         /* tp_retire_blk_tov, or Linux's default */
    uint32_t timer_block;               /* the active block when the timer was last armed */
    uint64_t next_sequence;
    bool frozen;                        /* the active block is still the user's */
    uint32_t freezes;                   /* tp_freeze_q_cnt since the last PACKET_STATISTICS */
    struct net_timer retire_timer;
    void (*wake)(void *argument);       /* a frame or block became the user's */
    void *wake_argument;
};

/* One frame to store, as Linux's tpacket_rcv computes it. */
struct packet_ring_frame {
    const uint8_t *data;                /* the link header (SOCK_RAW) or network header */
    uint32_t length;                    /* tp_len: the bytes from data on */
    uint32_t snap_length;               /* what the filter keeps, at most length */
    uint32_t link_header_length;        /* bytes before the network header: 14, or 0 for SOCK_DGRAM */
    struct sockaddr_ll link;            /* written after the header */
    bool losing;                        /* drops not yet read by PACKET_STATISTICS (TP_STATUS_LOSING) */
    uint32_t checksum_status;           /* packet_checksum_status's bits, added to tp_status */
};

/*
 * A ring for request (tpacket_req3; V1/V2 use its first four fields), with
 * Linux's packet_set_ring checks: EINVAL for a block size that is not a
 * positive multiple of the page size or cannot hold a frame (V3: with the
 * block header and tp_sizeof_priv), a frame size below the header plus
 * reserve or not a multiple of TPACKET_ALIGNMENT, or a frame count other
 * than blocks * frames per block; ENOMEM when the pages are not there
 * (also for blocks over 4 MB, which Linux would take from vmalloc).
 */
int packet_ring_create(int version, uint32_t reserve, const struct tpacket_req3 *request,
                       void (*wake)(void *argument), void *wake_argument,
                       struct packet_ring **result);
void packet_ring_destroy(struct packet_ring *ring);
/* True while some page table maps one of its pages (Linux's po->mapped). */
bool packet_ring_mapped(const struct packet_ring *ring);
uint64_t packet_ring_size(const struct packet_ring *ring);
/* The page at index, referenced for a mapping; -ENXIO past the end. */
int packet_ring_map_page(struct packet_ring *ring, uint64_t index, void **page);
/* Stores one frame; false when it is dropped (no free slot or block). */
bool packet_ring_store(struct packet_ring *ring, const struct packet_ring_frame *frame);
/* POLLIN: the slot or block before head is the user's (Linux's packet_poll). */
bool packet_ring_readable(const struct packet_ring *ring);

#endif
