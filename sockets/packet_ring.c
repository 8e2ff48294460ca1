/*
 * An AF_PACKET socket's receive ring; see packet_ring.h.  The layout and
 * the rules (where the frame goes, how V3 blocks open, close and time out)
 * follow Linux's tpacket_rcv and its prb_* block functions (af_packet.c),
 * which is what libpcap reads.
 */
#include "packet_ring.h"
#include "socket_port.h"

#define V3_ALIGNMENT 8
/* Linux's DEFAULT_PRB_RETIRE_TOV: the timeout when the link speed is
 * unknown or below 1 Gbit/s, as for virtio-net and lo. */
#define DEFAULT_RETIRE_TIMEOUT_MS 8

static uint32_t block_header_length(void)
{
    return ALIGN_UP(sizeof(struct tpacket_block_desc), V3_ALIGNMENT);
}

static uint32_t header_length_of(int version)
{
    switch (version) {
    case TPACKET_V1: return TPACKET_HDRLEN;
    case TPACKET_V2: return TPACKET2_HDRLEN;
    default: return TPACKET3_HDRLEN;
    }
}

static void ring_free_blocks(struct packet_ring *ring)
{
    for (uint32_t block = 0; block < ring->block_count && ring->blocks[block]; block++)
        for (uint32_t page = 0; page < ring->block_size / PAGE_SIZE; page++)
            socket_page_put(ring->blocks[block] + page * PAGE_SIZE);
    net_free(ring->blocks);
}

/* Blocks of zeroed contiguous pages; the pages of the last order past the
 * block size go back at once. */
static int ring_allocate_blocks(struct packet_ring *ring)
{
    ring->blocks = net_zalloc(ring->block_count * sizeof(*ring->blocks));
    if (!ring->blocks)
        return -ENOMEM;
    uint32_t pages = ring->block_size / PAGE_SIZE;
    while ((1u << ring->block_order) < pages)
        ring->block_order++;
    if (ring->block_order > PAGE_MAX_ORDER)
        return -ENOMEM;
    for (uint32_t block = 0; block < ring->block_count; block++) {
        uint8_t *pages_start = socket_pages_alloc(ring->block_order);
        if (!pages_start)
            return -ENOMEM;
        for (uint32_t page = pages; page < (1u << ring->block_order); page++)
            socket_page_put(pages_start + page * PAGE_SIZE);
        memset(pages_start, 0, ring->block_size);
        ring->blocks[block] = pages_start;
    }
    return 0;
}

static struct tpacket_block_desc *block_descriptor(const struct packet_ring *ring, uint32_t block)
{
    return (struct tpacket_block_desc *)ring->blocks[block];
}

static uint32_t block_status(const struct packet_ring *ring, uint32_t block)
{
    return __atomic_load_n(&block_descriptor(ring, block)->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
}

static void timestamp(uint32_t *seconds, uint32_t *nanoseconds)
{
    uint64_t now = socket_clock_realtime_ns();
    *seconds = (uint32_t)(now / NANOSECONDS_PER_SECOND);
    *nanoseconds = (uint32_t)(now % NANOSECONDS_PER_SECOND);
}

static void retire_timer_expired(void *argument);

static void retire_timer_refresh(struct packet_ring *ring)
{
    net_timer_start(&ring->retire_timer, ring->retire_timeout_ms, retire_timer_expired, ring);
    ring->timer_block = ring->head;
}

/* Linux's prb_open_block: the active block starts empty, and the queue thaws. */
static void block_open(struct packet_ring *ring)
{
    struct tpacket_block_desc *descriptor = block_descriptor(ring, ring->head);
    struct tpacket_hdr_v1 *header = &descriptor->hdr.bh1;
    uint32_t first = block_header_length() + ring->private_size;
    header->seq_num = ring->next_sequence++;
    header->num_pkts = 0;
    header->blk_len = first;
    timestamp(&header->ts_first_pkt.ts_sec, &header->ts_first_pkt.ts_nsec);
    header->offset_to_first_pkt = first;
    descriptor->offset_to_priv = block_header_length();
    descriptor->version = TPACKET_V3;
    ring->next_offset = ring->previous_offset = first;
    ring->frozen = false;
    retire_timer_refresh(ring);
}

/* Linux's prb_close_block: the block becomes the user's; head moves on. */
static void block_close(struct packet_ring *ring, uint32_t status)
{
    struct tpacket_block_desc *descriptor = block_descriptor(ring, ring->head);
    struct tpacket_hdr_v1 *header = &descriptor->hdr.bh1;
    struct tpacket3_hdr *last = (struct tpacket3_hdr *)(ring->blocks[ring->head] +
                                                        ring->previous_offset);
    last->tp_next_offset = 0;
    if (header->num_pkts) {
        header->ts_last_pkt.ts_sec = last->tp_sec;
        header->ts_last_pkt.ts_nsec = last->tp_nsec;
    } else {
        timestamp(&header->ts_last_pkt.ts_sec, &header->ts_last_pkt.ts_nsec);
    }
    __atomic_store_n(&header->block_status, TP_STATUS_USER | status, __ATOMIC_RELEASE);
    ring->head = (ring->head + 1) % ring->block_count;
    ring->wake(ring->wake_argument);
}

/* The active block, if the user has given it back: opened.  Else frozen. */
static bool block_dispatch_next(struct packet_ring *ring)
{
    if (block_status(ring, ring->head) & TP_STATUS_USER) {
        ring->frozen = true;
        ring->freezes++;
        return false;
    }
    block_open(ring);
    return true;
}

/*
 * Linux's prb_retire_rx_blk_timer_expired: a block with frames that stayed
 * active for a whole period is closed with TP_STATUS_BLK_TMO; an empty one
 * stays open; a frozen queue reopens its block once user space returned it.
 */
static void retire_timer_expired(void *argument)
{
    struct packet_ring *ring = argument;
    if (ring->timer_block == ring->head) {
        if (ring->frozen) {
            if (!(block_status(ring, ring->head) & TP_STATUS_USER)) {
                block_open(ring);
                return;
            }
        } else if (block_descriptor(ring, ring->head)->hdr.bh1.num_pkts) {
            block_close(ring, TP_STATUS_BLK_TMO);
            if (!block_dispatch_next(ring))
                retire_timer_refresh(ring);
            return;
        }
    }
    retire_timer_refresh(ring);
}

int packet_ring_create(int version, uint32_t reserve, const struct tpacket_req3 *request,
                       void (*wake)(void *argument), void *wake_argument,
                       struct packet_ring **result)
{
    uint32_t header_length = header_length_of(version);
    uint32_t minimum_frame = header_length + reserve;
    uint32_t private_size = ALIGN_UP(request->tp_sizeof_priv, V3_ALIGNMENT);
    if ((int)request->tp_block_size <= 0 || request->tp_block_size % PAGE_SIZE)
        return -EINVAL;
    if (version == TPACKET_V3 &&
        request->tp_block_size < (uint64_t)block_header_length() +
                                     ALIGN_UP((uint64_t)request->tp_sizeof_priv, V3_ALIGNMENT) +
                                     minimum_frame)
        return -EINVAL;
    if (request->tp_frame_size < minimum_frame || request->tp_frame_size % TPACKET_ALIGNMENT)
        return -EINVAL;
    uint32_t frames_per_block = request->tp_block_size / request->tp_frame_size;
    if (frames_per_block == 0 || frames_per_block > UINT32_MAX / request->tp_block_nr ||
        frames_per_block * request->tp_block_nr != request->tp_frame_nr)
        return -EINVAL;
    struct packet_ring *ring = net_zalloc(sizeof(*ring));
    if (!ring)
        return -ENOMEM;
    *ring = (struct packet_ring){
        .version = version, .header_length = header_length, .reserve = reserve,
        .block_count = request->tp_block_nr, .block_size = request->tp_block_size,
        .frame_size = request->tp_frame_size, .frame_count = request->tp_frame_nr,
        .frames_per_block = frames_per_block, .private_size = private_size,
        .max_frame_length = request->tp_block_size - block_header_length() - private_size,
        .retire_timeout_ms = request->tp_retire_blk_tov ? request->tp_retire_blk_tov
                                                        : DEFAULT_RETIRE_TIMEOUT_MS,
        .next_sequence = 1, .wake = wake, .wake_argument = wake_argument,
    };
    int error = ring_allocate_blocks(ring);
    if (error) {
        ring_free_blocks(ring);
        net_free(ring);
        return error;
    }
    if (version == TPACKET_V3)
        block_open(ring);
    *result = ring;
    return 0;
}

void packet_ring_destroy(struct packet_ring *ring)
{
    net_timer_cancel(&ring->retire_timer);
    ring_free_blocks(ring);
    net_free(ring);
}

bool packet_ring_mapped(const struct packet_ring *ring)
{
    for (uint32_t block = 0; block < ring->block_count; block++)
        for (uint32_t page = 0; page < ring->block_size / PAGE_SIZE; page++)
            if (socket_page_refcount(ring->blocks[block] + page * PAGE_SIZE) > 1)
                return true;
    return false;
}

uint64_t packet_ring_size(const struct packet_ring *ring)
{
    return (uint64_t)ring->block_count * ring->block_size;
}

int packet_ring_map_page(struct packet_ring *ring, uint64_t index, void **page)
{
    uint64_t pages_per_block = ring->block_size / PAGE_SIZE;
    if (index >= pages_per_block * ring->block_count)
        return -ENXIO;
    *page = ring->blocks[index / pages_per_block] + (index % pages_per_block) * PAGE_SIZE;
    socket_page_get(*page);
    return 0;
}

static uint8_t *frame_slot(const struct packet_ring *ring, uint32_t frame)
{
    return ring->blocks[frame / ring->frames_per_block] +
           (frame % ring->frames_per_block) * ring->frame_size;
}

static uint32_t frame_slot_status(const struct packet_ring *ring, uint32_t frame)
{
    uint8_t *slot = frame_slot(ring, frame);
    if (ring->version == TPACKET_V1)
        return (uint32_t)__atomic_load_n(&((struct tpacket_hdr *)slot)->tp_status, __ATOMIC_ACQUIRE);
    return __atomic_load_n(&((struct tpacket2_hdr *)slot)->tp_status, __ATOMIC_ACQUIRE);
}

bool packet_ring_readable(const struct packet_ring *ring)
{
    if (ring->version == TPACKET_V3) {
        uint32_t previous = ring->head ? ring->head - 1 : ring->block_count - 1;
        return block_status(ring, previous) != TP_STATUS_KERNEL;
    }
    uint32_t previous = ring->head ? ring->head - 1 : ring->frame_count - 1;
    return frame_slot_status(ring, previous) != TP_STATUS_KERNEL;
}

/* Where the link header (mac) and the network header (net) go in a frame. */
static void frame_offsets(const struct packet_ring *ring, const struct packet_ring_frame *frame,
                          uint32_t *mac, uint32_t *net)
{
    if (!frame->link_header_length) {
        *mac = *net = TPACKET_ALIGN(ring->header_length) + 16 + ring->reserve;
        return;
    }
    *net = TPACKET_ALIGN(ring->header_length + MAX(frame->link_header_length, 16u)) + ring->reserve;
    *mac = *net - frame->link_header_length;
}

/* A V3 frame's place in the active block, as Linux's __packet_lookup_frame_in_block. */
static uint8_t *block_frame(struct packet_ring *ring, uint32_t length)
{
    if (ring->frozen) {
        if (block_status(ring, ring->head) & TP_STATUS_USER)
            return NULL;
        block_open(ring);
    }
    uint32_t room = ALIGN_UP(length, V3_ALIGNMENT);
    if (ring->next_offset + room >= ring->block_size) {
        if (block_status(ring, ring->head) == TP_STATUS_KERNEL)
            block_close(ring, 0);
        if (!block_dispatch_next(ring))
            return NULL;
    }
    struct tpacket_hdr_v1 *block = &block_descriptor(ring, ring->head)->hdr.bh1;
    uint8_t *slot = ring->blocks[ring->head] + ring->next_offset;
    struct tpacket3_hdr *header = (struct tpacket3_hdr *)slot;
    header->tp_next_offset = room;
    ring->previous_offset = ring->next_offset;
    ring->next_offset += room;
    block->blk_len += room;
    block->num_pkts++;
    header->hv1.tp_rxhash = 0;
    header->hv1.tp_vlan_tci = 0;
    header->hv1.tp_vlan_tpid = 0;
    header->hv1.tp_padding = 0;
    header->tp_status = TP_STATUS_AVAILABLE;
    return slot;
}

bool packet_ring_store(struct packet_ring *ring, const struct packet_ring_frame *frame)
{
    uint32_t mac, net, snap = frame->snap_length;
    frame_offsets(ring, frame, &mac, &net);
    if (net > UINT16_MAX)
        return false;
    uint8_t *slot;
    if (ring->version == TPACKET_V3) {
        if (mac + snap > ring->max_frame_length) {
            snap = mac <= ring->max_frame_length ? ring->max_frame_length - mac : 0;
            mac = MIN(mac, ring->max_frame_length);
        }
        slot = block_frame(ring, mac + snap);
    } else {
        if (mac + snap > ring->frame_size)
            snap = mac <= ring->frame_size ? ring->frame_size - mac : 0;
        slot = frame_slot_status(ring, ring->head) == TP_STATUS_KERNEL ? frame_slot(ring, ring->head)
                                                                       : NULL;
    }
    if (!slot)
        return false;
    uint32_t seconds, nanoseconds, header_size;
    timestamp(&seconds, &nanoseconds);
    memcpy(slot + mac, frame->data, snap);
    switch (ring->version) {
    case TPACKET_V1: {
        struct tpacket_hdr *header = (struct tpacket_hdr *)slot;
        *header = (struct tpacket_hdr){ .tp_len = frame->length, .tp_snaplen = snap,
                                        .tp_mac = (uint16_t)mac, .tp_net = (uint16_t)net,
                                        .tp_sec = seconds, .tp_usec = nanoseconds / 1000 };
        header_size = sizeof(*header);
        break;
    }
    case TPACKET_V2: {
        struct tpacket2_hdr *header = (struct tpacket2_hdr *)slot;
        *header = (struct tpacket2_hdr){ .tp_len = frame->length, .tp_snaplen = snap,
                                         .tp_mac = (uint16_t)mac, .tp_net = (uint16_t)net,
                                         .tp_sec = seconds, .tp_nsec = nanoseconds };
        header_size = sizeof(*header);
        break;
    }
    default: {
        struct tpacket3_hdr *header = (struct tpacket3_hdr *)slot;
        header->tp_status |= TP_STATUS_USER | frame->checksum_status;
        header->tp_len = frame->length;
        header->tp_snaplen = snap;
        header->tp_mac = (uint16_t)mac;
        header->tp_net = (uint16_t)net;
        header->tp_sec = seconds;
        header->tp_nsec = nanoseconds;
        memset(header->tp_padding, 0, sizeof(header->tp_padding));
        header_size = sizeof(*header);
        break;
    }
    }
    memcpy(slot + TPACKET_ALIGN(header_size), &frame->link, sizeof(frame->link));
    if (ring->version == TPACKET_V3)
        return true;   /* the user sees it when its block closes */
    uint32_t status = TP_STATUS_USER | (frame->losing ? TP_STATUS_LOSING : 0) | frame->checksum_status;
    if (ring->version == TPACKET_V1)
        __atomic_store_n(&((struct tpacket_hdr *)slot)->tp_status, status, __ATOMIC_RELEASE);
    else
        __atomic_store_n(&((struct tpacket2_hdr *)slot)->tp_status, status, __ATOMIC_RELEASE);
    ring->head = (ring->head + 1) % ring->frame_count;
    ring->wake(ring->wake_argument);
    return true;
}
