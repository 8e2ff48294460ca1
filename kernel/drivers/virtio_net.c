/*
 * The virtio network device driver (virtio spec v1.1 section 5.1): eth0.
 *
 * Negotiated, when offered: VIRTIO_F_VERSION_1 (required), VIRTIO_NET_F_MAC,
 * VIRTIO_NET_F_STATUS, VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_CSUM with
 * VIRTIO_NET_F_HOST_TSO4 (segmentation offload on transmit), and
 * VIRTIO_NET_F_GUEST_TSO4 with VIRTIO_NET_F_MRG_RXBUF (large receive).  The
 * tap backend offers them all; dgram and socket backends offer none of the
 * offloads (FACTS.md), and then frames are checksummed by the stack and
 * never larger than the MTU.  Every frame travels behind a 12-byte header.
 *
 * Transmit: the header is all zeros (the stack computed every checksum)
 * except for a TCP frame built for segmentation offload (pbuf gso_size,
 * 5.1.6.2): the device cuts it into segments of gso_size bytes and
 * completes each one's checksum from the partial one TCP left
 * (NEEDS_CSUM).  The header is written into the frame's headroom (PBUF_LINK
 * guarantees room for it) and the frame goes as one device-readable
 * buffer; the driver holds the pbuf until the device has used it.  A full
 * transmit queue answers -EBUSY: the frame waits in the netif's queue, and
 * the interrupt that reports used transmit buffers calls
 * netif_transmit_ready, so that they are freed (releasing what their
 * senders were charged) and the waiting frames sent in the network context.
 *
 * Receive: the receive queue holds empty pbufs, each the size of a whole
 * frame plus the header, or with large receive 64 KiB ones, in which the
 * host's GSO packets (its TCP segments merged, up to 64 KiB) arrive whole
 * and go up the stack as one frame, as Linux's GRO would make them; a
 * short frame is copied out of its large buffer, which goes back to the
 * device.  With GUEST_CSUM the header may say a TCP/UDP checksum was
 * checked (DATA_VALID) or is still partial because the frame comes from
 * the host's own stack (NEEDS_CSUM, 5.1.6.4); either way input need not
 * compute it.  The interrupt handler takes the used buffers while the
 * netif's backlog has room, strips the header, hands each frame to
 * netif_receive, and offers new buffers.  When the backlog is full it
 * leaves the rest in the device, so that the host waits rather than this
 * side dropping what it received, and takes them in receive_resume.
 */
#include <virtio.h>
#include <virtio_net.h>
#include <random.h>
#include <page.h>
#include <netif/netif.h>
#include <eth/eth.h>
#include <arp/arp.h>

#define ETHERNET_MTU 1500
#define ETHERNET_FRAME_MAX (ETHERNET_MTU + ETH_HEADER_SIZE)
#define RECEIVE_BUFFER_SIZE (sizeof(struct virtio_net_header) + ETHERNET_FRAME_MAX)
/* With large receive, each receive buffer is one order-4 allocation, pbuf
 * and bytes together, so that the host's largest GSO packet (Linux caps a
 * tap's at 64 KiB, gso_max_size, headers included) lands whole in one. */
#define LARGE_RECEIVE_BUFFER_SIZE (65536 - sizeof(struct pbuf))
/* At most 4 MiB of them, several times a receive window's worth in flight,
 * and at most a sixteenth of the memory: a guest booted with little keeps
 * it for its programs (the host's packets then wait in the device).  The
 * rest of the 256-entry ring stays empty. */
#define LARGE_RECEIVE_BUFFERS_MAX 64
#define LARGE_RECEIVE_MEMORY_SHARE 16
#define LARGE_RECEIVE_BUFFERS_MIN 4
#define QUEUE_SIZE_MAX 256
#define TSO_FRAME_MAX (65536 - 512)
_Static_assert(sizeof(struct virtio_net_header) <= PBUF_LINK_HEADROOM,
               "PBUF_LINK headroom holds the virtio-net header");

struct virtio_net {
    struct virtio_device *device;
    struct virtqueue receive_queue, transmit_queue;
    struct netif netif;
    bool large_receive;                 /* GUEST_TSO4 with MRG_RXBUF negotiated */
    uint32_t receive_buffer_size;       /* of each buffer offered */
    uint16_t receive_buffers_wanted;    /* offered at once, at most the ring's size */
    bool receive_unnotified;            /* buffers offered since the last notification */
};

static bool negotiated(const struct virtio_net *net, unsigned feature)
{
    return net->device->features & (1ULL << feature);
}

/* Offers buffer to the device; false (buffer not taken) when the queue is
 * full.  The device hears of it at receive_refill's notification: one that
 * found no buffers waits for that (2.6.13), however many are offered. */
static bool receive_offer(struct virtio_net *net, struct pbuf *buffer)
{
    if (virtqueue_add(&net->receive_queue, virt_to_phys(buffer->data), net->receive_buffer_size,
                      true, buffer))
        return false;
    net->receive_unnotified = true;
    return true;
}

/* Offers empty pbufs until the device holds as many as it should (or
 * memory runs out), then tells it of every buffer offered since last time. */
static void receive_refill(struct virtio_net *net)
{
    struct virtqueue *queue = &net->receive_queue;
    while (queue->free_count && queue->size - queue->free_count < net->receive_buffers_wanted) {
        struct pbuf *buffer = pbuf_alloc(PBUF_RAW, net->receive_buffer_size);
        if (!buffer)
            break;
        if (!receive_offer(net, buffer)) {
            pbuf_put(buffer);
            break;
        }
    }
    if (net->receive_unnotified) {
        net->receive_unnotified = false;
        virtqueue_notify(queue);
    }
}

/*
 * A frame the device spread over count buffers (MRG_RXBUF, 5.1.6.4: its
 * header's num_buffers), first and the next count - 1 used ones, copied
 * into one pbuf.  With buffers of 64 KiB it does not happen for a packet
 * the host can send; it is here because the device may do it.  NULL (the
 * buffers freed, counted) when a buffer is missing or the whole is larger
 * than one large buffer.
 */
static struct pbuf *receive_gather(struct virtio_net *net, struct pbuf *first, uint32_t length,
                                   uint16_t count)
{
    struct pbuf *frame = pbuf_alloc(PBUF_RAW, LARGE_RECEIVE_BUFFER_SIZE);
    if (frame)
        pbuf_trim(frame, 0);     /* empty, with room to append every part */
    struct pbuf *part = first;
    bool whole = frame != NULL;
    for (uint16_t taken = 1;; taken++) {
        uint8_t *to = whole ? pbuf_append(frame, length) : NULL;
        if (to)
            memcpy(to, part->data, length);
        else
            whole = false;
        pbuf_put(part);
        if (taken == count)
            break;
        part = virtqueue_next_used(&net->receive_queue, &length);
        if (!part || length > net->receive_buffer_size) {
            pbuf_put(part);
            whole = false;
            break;
        }
    }
    if (!whole) {
        pbuf_put(frame);
        net->netif.statistics.receive_errors++;
        return NULL;
    }
    return frame;
}

/*
 * The frame in a used receive buffer, its virtio-net header still in front;
 * NULL when it is malformed (counted) or memory is short.  A short frame
 * in a large buffer is copied out and the buffer offered again at once:
 * a 64 KiB buffer should not be held by a 60-byte ACK or ARP reply on a
 * socket's queue, and the copy is cheaper than allocating the buffer again.
 */
static struct pbuf *receive_take(struct virtio_net *net, struct pbuf *buffer, uint32_t length)
{
    if (length < sizeof(struct virtio_net_header) || length > net->receive_buffer_size) {
        net->netif.statistics.receive_errors++;
        pbuf_put(buffer);
        return NULL;
    }
    const struct virtio_net_header *header = (const struct virtio_net_header *)buffer->data;
    uint16_t count = negotiated(net, VIRTIO_NET_F_MRG_RXBUF) ? header->buffer_count : 1;
    if (count == 0) {
        net->netif.statistics.receive_errors++;
        pbuf_put(buffer);
        return NULL;
    }
    if (count > 1)
        return receive_gather(net, buffer, length, count);
    if (net->large_receive && length <= RECEIVE_BUFFER_SIZE) {
        struct pbuf *copy = pbuf_alloc(PBUF_RAW, length);
        if (copy)
            memcpy(copy->data, buffer->data, length);
        else
            net->netif.statistics.receive_dropped++;   /* memory short: dropped, counted */
        if (!receive_offer(net, buffer))
            pbuf_put(buffer);
        return copy;
    }
    pbuf_trim(buffer, length);
    return buffer;
}

/* 5.1.6.4: what the device says of the frame's checksum and segmentation.
 * With GUEST_CSUM it may vouch for the TCP/UDP checksum (DATA_VALID) or
 * leave it partial because the frame comes from the host's own stack
 * (NEEDS_CSUM); either way input need not compute it.  With GUEST_TSO4 the
 * frame may be the host's TCP segments merged (gso_type TCPV4), which IP
 * and TCP take whole.  Any other gso_type was not negotiated: false. */
static bool receive_header_apply(struct virtio_net *net, struct pbuf *frame)
{
    const struct virtio_net_header *header = (const struct virtio_net_header *)frame->data;
    if (negotiated(net, VIRTIO_NET_F_GUEST_CSUM)) {
        frame->checksum_verified =
            header->flags & (VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID);
        frame->checksum_partial = header->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
    }
    if (header->gso_type == VIRTIO_NET_HDR_GSO_NONE)
        return true;
    return net->large_receive && header->gso_type == VIRTIO_NET_HDR_GSO_TCPV4 &&
           frame->checksum_verified;
}

/* Hands the device's used receive buffers to the netif, while its backlog
 * has room (else the device keeps them, and receive_resume comes later). */
static void receive_used(struct virtio_net *net)
{
    struct pbuf *buffer;
    uint32_t length;
    while (!netif_receive_full(&net->netif) &&
           (buffer = virtqueue_next_used(&net->receive_queue, &length))) {
        struct pbuf *frame = receive_take(net, buffer, length);
        if (!frame)
            continue;
        if (!receive_header_apply(net, frame)) {
            net->netif.statistics.receive_errors++;
            pbuf_put(frame);
            continue;
        }
        pbuf_pull(frame, sizeof(struct virtio_net_header));
        /* The dgram backend delivers runts unpadded (FACTS.md).  One shorter
         * than an Ethernet header is a length error, as Linux's virtio-net
         * counts it; it still goes up, for the taps, and eth drops it. */
        if (pbuf_length(frame) < ETH_HEADER_SIZE)
            net->netif.statistics.receive_frame_errors++;
        frame->timestamp_ms = net_now_ms();
        netif_receive(&net->netif, frame);
    }
    receive_refill(net);
}

static void virtio_net_receive_resume(struct netif *netif) { receive_used(netif->driver); }

static void transmit_reclaim(struct virtio_net *net)
{
    struct pbuf *frame;
    while ((frame = virtqueue_next_used(&net->transmit_queue, NULL))) {
        pbuf_uncharge(frame);   /* on the wire: its sender's buffer has room again */
        pbuf_put(frame);
    }
}

static void virtio_net_transmit_done(struct netif *netif) { transmit_reclaim(netif->driver); }

/* VIRTIO_NET_F_STATUS: the link state is in the configuration (5.1.4),
 * read at probe time and again on each configuration-change interrupt
 * (QEMU's set_link raises one); without the feature the link is up. */
static void link_update(struct virtio_net *net)
{
    uint16_t status = VIRTIO_NET_S_LINK_UP;
    if (net->device->features & (1ULL << VIRTIO_NET_F_STATUS))
        virtio_config_read(net->device, VIRTIO_NET_CONFIG_STATUS, &status, sizeof(status));
    netif_carrier_set(&net->netif, status & VIRTIO_NET_S_LINK_UP);
}

static void virtio_net_interrupt(struct virtio_device *device, uint32_t status)
{
    struct virtio_net *net = device->driver;
    if (status & VIRTIO_INTERRUPT_USED_BUFFER) {
        receive_used(net);
        if (virtqueue_has_used(&net->transmit_queue))
            netif_transmit_ready(&net->netif);
    }
    if (status & VIRTIO_INTERRUPT_CONFIG_CHANGE)
        link_update(net);
}

/* 5.1.6.2: where the TCP segment starts (csum_start), its checksum field
 * (csum_offset), the headers every segment repeats (hdr_len) and the
 * payload per segment; fields little-endian, as the CPU. */
static void describe_segmentation(struct virtio_net_header *header, const struct pbuf *frame)
{
    uint16_t transport = (uint16_t)(frame->l4_offset - frame->l2_offset);
    const uint8_t *tcp = pbuf_l4(frame);
    header->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    header->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    header->header_length = (uint16_t)(transport + (tcp[12] >> 4) * 4);
    header->gso_size = frame->gso_size;
    header->checksum_start = transport;
    header->checksum_offset = 16;         /* the TCP header's checksum field */
}

static int virtio_net_transmit(struct netif *netif, struct pbuf *frame)
{
    struct virtio_net *net = netif->driver;
    transmit_reclaim(net);
    /* Receive buffers that could not be allocated in the interrupt handler
     * are retried here: with an empty receive queue no interrupt would come. */
    receive_refill(net);
    if (!net->transmit_queue.free_count)
        return -EBUSY;
    /* A frame built without link headroom (it should not be) gets a copy that has it. */
    struct pbuf *sent = frame;
    if (pbuf_headroom(frame) < sizeof(struct virtio_net_header)) {
        sent = pbuf_alloc(PBUF_LINK, pbuf_length(frame));
        if (!sent)
            return -ENOBUFS;
        memcpy(sent->data, frame->data, pbuf_length(frame));
    }
    /* The header goes below data without moving data: packet taps may hold
     * this pbuf and read it from data. */
    struct virtio_net_header *header =
        (struct virtio_net_header *)(sent->data - sizeof(struct virtio_net_header));
    memset(header, 0, sizeof(*header));
    if (sent->gso_size)
        describe_segmentation(header, sent);
    int error = virtqueue_add(&net->transmit_queue, virt_to_phys(header),
                              (uint32_t)(sizeof(*header) + pbuf_length(sent)), false, sent);
    if (error) {
        if (sent != frame)
            pbuf_put(sent);
        return -ENOBUFS;
    }
    if (sent != frame)
        pbuf_put(frame);
    virtqueue_notify(&net->transmit_queue);
    return 0;
}

static const struct netif_operations virtio_net_operations = {
    .transmit = virtio_net_transmit,
    .transmit_done = virtio_net_transmit_done,
    .receive_resume = virtio_net_receive_resume,
};

/*
 * 5.1.3.1: GUEST_TSO4 requires GUEST_CSUM, and HOST_TSO4 requires CSUM.
 * Without MRG_RXBUF, GUEST_TSO4 would need buffers of 65562 bytes
 * (5.1.6.3.1), more than a pbuf can be: this driver takes it only with
 * MRG_RXBUF, and MRG_RXBUF only for it (a frame of an ordinary MTU always
 * fits one buffer).
 */
static uint64_t features_usable(uint64_t features)
{
    uint64_t large_receive = (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_MRG_RXBUF) |
                             (1ULL << VIRTIO_NET_F_GUEST_CSUM);
    uint64_t segmentation = (1ULL << VIRTIO_NET_F_HOST_TSO4) | (1ULL << VIRTIO_NET_F_CSUM);
    if ((features & large_receive) != large_receive)
        features &= ~((1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_MRG_RXBUF));
    if ((features & segmentation) != segmentation)
        features &= ~(1ULL << VIRTIO_NET_F_HOST_TSO4);
    return features;
}

static int virtio_net_probe(struct virtio_device *device)
{
    uint64_t wanted = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) |
                      (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
                      (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_TSO4) |
                      (1ULL << VIRTIO_NET_F_GUEST_TSO4) | (1ULL << VIRTIO_NET_F_MRG_RXBUF);
    int error = virtio_negotiate(device, wanted, 1ULL << VIRTIO_F_VERSION_1, features_usable);
    if (error)
        return error;
    struct virtio_net *net = kzalloc(sizeof(*net));
    if (!net) {
        virtio_fail(device);
        return -ENOMEM;
    }
    net->device = device;
    device->driver = net;
    net->large_receive = negotiated(net, VIRTIO_NET_F_GUEST_TSO4);
    net->receive_buffer_size = net->large_receive ? LARGE_RECEIVE_BUFFER_SIZE : RECEIVE_BUFFER_SIZE;
    net->receive_buffers_wanted = QUEUE_SIZE_MAX;
    if (net->large_receive) {
        size_t affordable = page_total_count() * PAGE_SIZE / LARGE_RECEIVE_MEMORY_SHARE / 65536;
        net->receive_buffers_wanted = (uint16_t)MAX(LARGE_RECEIVE_BUFFERS_MIN,
                                                    MIN(LARGE_RECEIVE_BUFFERS_MAX, affordable));
    }
    if ((error = virtqueue_setup(device, &net->receive_queue, VIRTIO_NET_RECEIVE_QUEUE,
                                 QUEUE_SIZE_MAX)) ||
        (error = virtqueue_setup(device, &net->transmit_queue, VIRTIO_NET_TRANSMIT_QUEUE,
                                 QUEUE_SIZE_MAX))) {
        virtio_fail(device);
        return error;   /* the queues stay allocated: the device may still point at them */
    }

    /* eth0, eth1, ... in device-tree order, as Linux names them. */
    static int ethernet_count;
    struct netif *netif = &net->netif;
    snprintf(netif->name, sizeof(netif->name), "eth%d", ethernet_count++);
    netif->type = NETIF_TYPE_ETHERNET;
    netif->mtu = ETHERNET_MTU;
    /* A frame and its pbuf stay within 64 KiB (one order-4 allocation;
     * pbuf offsets are 16 bits). */
    if (negotiated(net, VIRTIO_NET_F_HOST_TSO4))
        netif->gso_max_size = TSO_FRAME_MAX - ETH_HEADER_SIZE;
    netif->flags = NETIF_UP | NETIF_BROADCAST | NETIF_MULTICAST;
    netif->ops = &virtio_net_operations;
    netif->link_input = eth_input;
    netif->output = arp_output;
    netif->driver = net;
    if (device->features & (1ULL << VIRTIO_NET_F_MAC)) {
        virtio_config_read(device, VIRTIO_NET_CONFIG_MAC, netif->address, ETHERNET_ADDRESS_SIZE);
    } else {
        /* A random locally administered unicast address (IEEE 802-2014 8.2.2). */
        random_bytes(netif->address, ETHERNET_ADDRESS_SIZE);
        netif->address[0] = (uint8_t)((netif->address[0] & ~1) | 2);
    }
    link_update(net);

    device->interrupt_handler = virtio_net_interrupt;
    virtio_driver_ok(device);
    receive_refill(net);
    if ((error = netif_register(netif))) {
        virtio_fail(device);
        return error;
    }
    kernel_log("%s: virtio-net at interrupt %d, address %02x:%02x:%02x:%02x:%02x:%02x\n",
               netif->name, device->interrupt, netif->address[0], netif->address[1],
               netif->address[2], netif->address[3], netif->address[4], netif->address[5]);
    return 0;
}

static void virtio_net_init(void)
{
    virtio_mmio_probe_all(VIRTIO_DEVICE_NET, virtio_net_probe);
}
INITCALL(INIT_LEVEL_DEVICE, virtio_net_init);
