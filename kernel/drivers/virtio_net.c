/*
 * The virtio network device driver (virtio spec v1.1 section 5.1): eth0.
 *
 * Negotiated: VIRTIO_F_VERSION_1 (required), VIRTIO_NET_F_MAC,
 * VIRTIO_NET_F_STATUS, VIRTIO_NET_F_GUEST_CSUM, and VIRTIO_NET_F_CSUM with
 * VIRTIO_NET_F_HOST_TSO4, when offered.  Frames travel whole, one buffer
 * each, behind a 12-byte header.  On transmit it is all zeros (the stack
 * computed every checksum) except for a TCP frame built for segmentation
 * offload (pbuf gso_size, 5.1.6.2): the device cuts it into segments of
 * gso_size bytes and completes each one's checksum from the partial one
 * TCP left (NEEDS_CSUM).  The tap backend offers both features; dgram and
 * socket backends offer neither (FACTS.md), and TCP then sends MSS-sized
 * segments.  With
 * GUEST_CSUM a received frame may say its TCP/UDP checksum was checked
 * (DATA_VALID) or is still partial because it comes from the host's own
 * stack (NEEDS_CSUM, 5.1.6.4); either way input need not compute it.  The
 * backends that offer no GUEST_CSUM (dgram, socket: FACTS.md) leave every
 * checksum to the stack.
 *
 * Receive: the receive queue is kept full of pbufs the size of a whole
 * frame plus the header; the interrupt handler takes the used ones, strips
 * the header and hands each frame to netif_receive, then refills.
 * Transmit: the header is written into the frame's headroom (PBUF_LINK
 * guarantees room for it) and the frame goes as one device-readable
 * buffer; the driver holds the pbuf until the device has used it.  A full
 * transmit queue answers -EBUSY: the frame waits in the netif's queue, and
 * the interrupt that reports used transmit buffers calls
 * netif_transmit_ready, so that they are freed (releasing what their
 * senders were charged) and the waiting frames sent in the network context.
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
#define QUEUE_SIZE_MAX 256
#define TSO_FRAME_MAX (65536 - 512)
_Static_assert(sizeof(struct virtio_net_header) <= PBUF_LINK_HEADROOM,
               "PBUF_LINK headroom holds the virtio-net header");

struct virtio_net {
    struct virtio_device *device;
    struct virtqueue receive_queue, transmit_queue;
    struct netif netif;
};

/* Offers empty pbufs until the receive queue is full (or memory runs out). */
static void receive_refill(struct virtio_net *net)
{
    bool added = false;
    while (net->receive_queue.free_count) {
        struct pbuf *buffer = pbuf_alloc(PBUF_RAW, RECEIVE_BUFFER_SIZE);
        if (!buffer)
            break;
        if (virtqueue_add(&net->receive_queue, virt_to_phys(buffer->data), RECEIVE_BUFFER_SIZE,
                          true, buffer)) {
            pbuf_put(buffer);
            break;
        }
        added = true;
    }
    if (added)
        virtqueue_notify(&net->receive_queue);
}

/* 5.1.6.4: with GUEST_CSUM, whether the device vouches for the frame's checksum. */
static bool checksum_vouched(const struct virtio_net *net, const void *header_bytes)
{
    const struct virtio_net_header *header = header_bytes;
    return (net->device->features & (1ULL << VIRTIO_NET_F_GUEST_CSUM)) &&
           (header->flags & (VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID));
}

static void receive_used(struct virtio_net *net)
{
    struct pbuf *frame;
    uint32_t length;
    while ((frame = virtqueue_next_used(&net->receive_queue, &length))) {
        if (length < sizeof(struct virtio_net_header) || length > RECEIVE_BUFFER_SIZE) {
            net->netif.statistics.receive_errors++;
            pbuf_put(frame);
            continue;
        }
        pbuf_trim(frame, length);
        frame->checksum_verified = checksum_vouched(net, frame->data);
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
};

static int virtio_net_probe(struct virtio_device *device)
{
    uint64_t wanted = (1ULL << VIRTIO_F_VERSION_1) | (1ULL << VIRTIO_NET_F_MAC) |
                      (1ULL << VIRTIO_NET_F_STATUS) | (1ULL << VIRTIO_NET_F_GUEST_CSUM) |
                      (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_TSO4);
    int error = virtio_negotiate(device, wanted, 1ULL << VIRTIO_F_VERSION_1);
    if (error)
        return error;
    struct virtio_net *net = kzalloc(sizeof(*net));
    if (!net) {
        virtio_fail(device);
        return -ENOMEM;
    }
    net->device = device;
    device->driver = net;
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
    /* 5.1.3.1: HOST_TSO4 requires CSUM.  A frame and its pbuf stay within
     * 64 KiB (one order-4 allocation; pbuf offsets are 16 bits). */
    uint64_t segmentation = (1ULL << VIRTIO_NET_F_CSUM) | (1ULL << VIRTIO_NET_F_HOST_TSO4);
    if ((device->features & segmentation) == segmentation)
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
