/* Host unit tests of Ethernet II input and output (eth/). */
#include "tests/host/net_test.h"
#include "eth/eth.h"

#define TEST_TYPE 0x88b5      /* IEEE 802 local experimental EtherType */

static struct pbuf *handled;
static struct netif *handled_netif;

static void test_handler(struct netif *netif, struct pbuf *frame)
{
    handled_netif = netif;
    handled = frame;
}

/* Injects a frame of type, from the peer to our address, carrying text. */
static void inject_to_us(uint16_t type, const char *text)
{
    uint8_t frame[60];
    size_t length = build_eth(frame, our_mac, peer_mac, type, text, strlen(text));
    fake_netif_inject(eth0, frame, length);
}

/* The layer is alive: after a frame it had to drop, a frame of a registered
 * type to our address still reaches its handler, so that an eth that drops
 * everything fails the tests of what it must drop. */
static void check_still_taking_frames(void)
{
    eth_register(TEST_TYPE, test_handler);
    if (handled)
        pbuf_put(handled);
    handled = NULL;
    inject_to_us(TEST_TYPE, "probe");
    CHECK(handled != NULL);
    CHECK_BYTES(handled->data, "probe", 5);
    pbuf_put(handled);
    handled = NULL;
}

/* RFC 894: a frame starts with a 14-byte header (destination, source,
 * type); one shorter cannot be read, is dropped and counted (InTooShort),
 * every byte of it freed, and the next frame is taken as usual. */
static void test_eth_short_frame_dropped_and_counted(void)
{
    stack_setup();
    size_t baseline = pbuf_count();
    uint8_t frame[13] = { 0 };
    fake_netif_inject(eth0, frame, sizeof(frame));
    CHECK_EQUAL(COUNTER(ETH_IN_TOO_SHORT), 1);
    CHECK_EQUAL(COUNTER(ETH_IN_FRAMES), 1);
    CHECK_EQUAL(pbuf_count(), baseline);
    check_still_taking_frames();
}

/* packet(7): a frame for another station's unicast address is
 * PACKET_OTHERHOST, seen only by packet sockets; the stack above takes
 * nothing from it (Linux's ip_rcv and arp_rcv drop it): InNotForUs. */
static void test_eth_frame_for_other_host_dropped(void)
{
    stack_setup();
    eth_register(TEST_TYPE, test_handler);
    static const uint8_t other[6] = { 0x52, 0x54, 0x00, 0x99, 0x99, 0x99 };
    uint8_t frame[60];
    size_t length = build_eth(frame, other, peer_mac, TEST_TYPE, "x", 1);
    fake_netif_inject(eth0, frame, length);
    CHECK_EQUAL(COUNTER(ETH_IN_NOT_FOR_US), 1);
    CHECK(handled == NULL);
    check_still_taking_frames();
}

/* RFC 894 demultiplexes by the type field: a type nobody registered is
 * counted (InUnknownTypes) and, taken by no one, is a receive drop in
 * /proc/net/dev, as Linux's __netif_receive_skb_core counts it. */
static void test_eth_unknown_type_counted(void)
{
    stack_setup();
    uint8_t frame[60];
    size_t length = build_eth(frame, our_mac, peer_mac, 0x1234, "x", 1);
    fake_netif_inject(eth0, frame, length);
    CHECK_EQUAL(COUNTER(ETH_IN_UNKNOWN_TYPES), 1);
    CHECK_EQUAL(COUNTER(ETH_IN_FRAMES), 1);
    CHECK_EQUAL(eth0->statistics.receive_dropped, 1);
    check_still_taking_frames();
    CHECK_EQUAL(eth0->statistics.receive_dropped, 1);
}

/* RFC 894: the type field says which protocol the data is; the handler
 * registered for it gets the payload, header pulled, with the interface,
 * the type, the link header marked, and packet(7)'s packet type. */
static void test_eth_demux_by_registration(void)
{
    stack_setup();
    eth_register(TEST_TYPE, test_handler);
    uint8_t frame[60];
    size_t length = build_eth(frame, eth_broadcast_address, peer_mac, TEST_TYPE, "hello", 5);
    fake_netif_inject(eth0, frame, length);
    CHECK(handled != NULL);
    CHECK(handled_netif == eth0);
    CHECK_EQUAL(handled->ethertype, TEST_TYPE);
    CHECK_EQUAL(handled->packet_type, PBUF_BROADCAST);
    CHECK_EQUAL(pbuf_length(handled), 5);
    CHECK_BYTES(handled->data, "hello", 5);
    CHECK_BYTES(pbuf_l2(handled), frame, 14);
    pbuf_put(handled);

    static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    handled = NULL;
    length = build_eth(frame, group, peer_mac, TEST_TYPE, "m", 1);
    fake_netif_inject(eth0, frame, length);
    CHECK(handled != NULL);
    CHECK_EQUAL(handled->packet_type, PBUF_MULTICAST);
    pbuf_put(handled);
}

/* RFC 894: destination, source (our address), type, then the data.  No
 * padding to 60 bytes: the MAC pads short frames (IEEE 802.3 4.2.3.3), and
 * Linux's virtio-net, like Strata's, sends a 42-byte ARP reply as it is. */
static void test_eth_output_builds_header(void)
{
    stack_setup();
    struct pbuf *packet = pbuf_alloc(PBUF_IP, 3);
    memcpy(packet->data, "abc", 3);
    CHECK_EQUAL(eth_output(eth0, packet, peer_mac, TEST_TYPE), 0);
    struct pbuf *frame = next_frame();
    uint8_t expected[17];
    build_eth(expected, peer_mac, our_mac, TEST_TYPE, "abc", 3);
    CHECK_EQUAL(pbuf_length(frame), sizeof(expected));
    CHECK_BYTES(frame->data, expected, sizeof(expected));
    CHECK_EQUAL(COUNTER(ETH_OUT_FRAMES), 1);
    pbuf_put(frame);
}

/* RFC 894 framing on lo too, with an all-zero header as Linux's lo has:
 * the frame comes back to us, header pulled, as a frame to us. */
static void test_eth_loopback_uses_zero_header(void)
{
    stack_setup();
    eth_register(TEST_TYPE, test_handler);
    struct netif_tap tap = { .frame = keep_first_outgoing };
    netif_tap_add(&tap);
    struct pbuf *packet = pbuf_alloc(PBUF_IP, 2);
    memcpy(packet->data, "lo", 2);
    CHECK_EQUAL(eth_output(lo, packet, peer_mac, TEST_TYPE), 0);
    net_host_poll();
    CHECK(first_outgoing != NULL);
    static const uint8_t expected[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x88, 0xb5, 'l', 'o' };
    CHECK_EQUAL(pbuf_length(first_outgoing), 16);
    CHECK(handled != NULL && handled_netif == lo);
    CHECK_EQUAL(handled->packet_type, PBUF_TO_US);
    CHECK_BYTES(handled->data, "lo", 2);
    /* The tap's reference still starts at the Ethernet header (input got its own). */
    CHECK_BYTES(first_outgoing->data, expected, 16);
    netif_tap_remove(&tap);
    pbuf_put(first_outgoing);
    pbuf_put(handled);
}

static struct pbuf *sniffed;
static void sniff_frame(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    if (!sniffed && frame->packet_type != PBUF_OUTGOING) {
        pbuf_get(frame);
        sniffed = frame;
    }
}

/* packet(7): a packet socket gets the frame from its link header on,
 * whatever the layers above do with theirs: eth pulls the header of a
 * private copy while a sniffer holds the frame (netif/pbuf.h: a shared
 * pbuf is read-only). */
static void test_eth_shared_frame_not_moved_under_a_tap(void)
{
    stack_setup();
    eth_register(TEST_TYPE, test_handler);
    struct netif_tap tap = { .frame = sniff_frame };
    netif_tap_add(&tap);
    uint8_t frame[60];
    size_t length = build_eth(frame, our_mac, peer_mac, TEST_TYPE, "abc", 3);
    fake_netif_inject(eth0, frame, length);
    CHECK(sniffed != NULL && handled != NULL && sniffed != handled);
    CHECK_EQUAL(pbuf_length(sniffed), length);
    CHECK_BYTES(sniffed->data, frame, length);
    CHECK_BYTES(handled->data, "abc", 3);
    netif_tap_remove(&tap);
    pbuf_put(sniffed);
    pbuf_put(handled);
}

/* packet(7): a frame that only a packet socket takes was delivered, so it
 * is no receive drop in /proc/net/dev (Linux's __netif_receive_skb_core);
 * it still counts as a type eth does not know. */
static void test_eth_unknown_type_taken_by_a_tap_not_dropped(void)
{
    stack_setup();
    struct netif_tap tap = { .frame = sniff_frame };
    netif_tap_add(&tap);
    uint8_t frame[60];
    size_t length = build_eth(frame, our_mac, peer_mac, 0x1234, "x", 1);
    fake_netif_inject(eth0, frame, length);
    CHECK(sniffed != NULL);
    CHECK_EQUAL(COUNTER(ETH_IN_UNKNOWN_TYPES), 1);
    CHECK_EQUAL(eth0->statistics.receive_dropped, 0);
    netif_tap_remove(&tap);
    pbuf_put(sniffed);
}

/* packet(7)'s sll_pkttype, decided by eth itself from the destination
 * address: PACKET_HOST for ours, PACKET_BROADCAST for ff:ff:ff:ff:ff:ff,
 * PACKET_MULTICAST for any other group address (the I/G bit, IEEE 802.3
 * 3.2.3: RFC 1112 6.4's 01:00:5e groups and others alike), PACKET_OTHERHOST
 * (dropped) for another station's; on lo every frame is to us.  The frames
 * are handed to eth_input directly, marked wrongly, so the type the layers
 * above see is the one eth set. */
static void test_eth_input_classifies_destination(void)
{
    stack_setup();
    eth_register(TEST_TYPE, test_handler);
    static const struct {
        uint8_t destination[6];
        uint8_t packet_type;
    } cases[] = {
        { { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 }, PBUF_TO_US },
        { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, PBUF_BROADCAST },
        { { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 }, PBUF_MULTICAST },
        { { 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa }, PBUF_MULTICAST },
        { { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 }, PBUF_MULTICAST },
        { { 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 }, PBUF_MULTICAST },
        { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe }, PBUF_MULTICAST },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t bytes[60];
        size_t length = build_eth(bytes, cases[i].destination, peer_mac, TEST_TYPE, "c", 1);
        struct pbuf *frame = pbuf_alloc(PBUF_RAW, length);
        memcpy(frame->data, bytes, length);
        frame->packet_type = PBUF_OUTGOING;
        handled = NULL;
        eth_input(eth0, frame);
        CHECK(handled != NULL);
        CHECK(handled_netif == eth0 && handled->netif == eth0);
        CHECK_EQUAL(handled->packet_type, cases[i].packet_type);
        CHECK_EQUAL(handled->ethertype, TEST_TYPE);
        CHECK_BYTES(pbuf_l2(handled), bytes, 14);
        CHECK_BYTES(handled->data, "c", 1);
        pbuf_put(handled);
    }
    /* Individual addresses one bit away from ours, in the last byte and the first: not ours. */
    static const uint8_t others[][6] = {
        { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 },
        { 0x50, 0x54, 0x00, 0x12, 0x34, 0x56 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(others); i++) {
        uint8_t bytes[60];
        size_t length = build_eth(bytes, others[i], peer_mac, TEST_TYPE, "o", 1);
        struct pbuf *frame = pbuf_alloc(PBUF_RAW, length);
        memcpy(frame->data, bytes, length);
        handled = NULL;
        eth_input(eth0, frame);
        CHECK(handled == NULL);
    }
    CHECK_EQUAL(COUNTER(ETH_IN_NOT_FOR_US), 2);
    /* lo: Linux's loopback frames have an all-zero header, to us. */
    uint8_t bytes[60];
    size_t length = build_eth(bytes, eth_zero_address, eth_zero_address, TEST_TYPE, "l", 1);
    struct pbuf *frame = pbuf_alloc(PBUF_RAW, length);
    memcpy(frame->data, bytes, length);
    frame->packet_type = PBUF_OTHER_HOST;
    handled = NULL;
    eth_input(lo, frame);
    CHECK(handled != NULL && handled_netif == lo);
    CHECK_EQUAL(handled->packet_type, PBUF_TO_US);
    pbuf_put(handled);
    handled = NULL;
    CHECK_EQUAL(COUNTER(ETH_IN_FRAMES), ARRAY_SIZE(cases) + ARRAY_SIZE(others) + 1);
}

static struct pbuf *second_handled;
static size_t second_handled_count;
static void second_handler(struct netif *netif, struct pbuf *frame)
{
    if (second_handled)
        pbuf_put(second_handled);
    second_handled = frame;
    second_handled_count++;
}

/* RFC 894 and RFC 826 share the link by the type field: each registered
 * type reaches its own handler, IP's (0x0800) and ARP's (0x0806) among
 * them, and registering a type again replaces its handler (DESIGN.md:
 * demux by registration). */
static void test_eth_demux_to_each_registered_handler(void)
{
    stack_setup();
    eth_register(TEST_TYPE, test_handler);
    eth_register(TEST_TYPE + 1, second_handler);
    inject_to_us(TEST_TYPE + 1, "two");
    CHECK(handled == NULL);
    CHECK_EQUAL(second_handled_count, 1);
    CHECK_EQUAL(second_handled->ethertype, TEST_TYPE + 1);
    CHECK_BYTES(second_handled->data, "two", 3);
    inject_to_us(TEST_TYPE, "one");
    CHECK(handled != NULL);
    CHECK_BYTES(handled->data, "one", 3);
    CHECK_EQUAL(second_handled_count, 1);
    pbuf_put(handled);
    handled = NULL;
    /* The ones the stack registered: an ARP request for us is answered, an
     * IP datagram counted by IP. */
    uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 1 };
    memcpy(arp + 8, peer_mac, 6);
    memcpy(arp + 14, &(uint32_t){ PEER_ADDRESS }, 4);
    memcpy(arp + 24, &(uint32_t){ OUR_ADDRESS }, 4);
    uint8_t frame[60];
    size_t length = build_eth(frame, eth_broadcast_address, peer_mac, ETH_TYPE_ARP, arp, sizeof(arp));
    fake_netif_inject(eth0, frame, length);
    struct pbuf *reply = next_frame();
    CHECK_EQUAL(reply->data[12] << 8 | reply->data[13], ETH_TYPE_ARP);
    CHECK_BYTES(reply->data, peer_mac, 6);
    pbuf_put(reply);
    uint8_t datagram[40];
    size_t datagram_length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 253, 1, 0, 64, "ip", 2);
    inject_ip(datagram, datagram_length);
    CHECK_EQUAL(COUNTER(IP_IN_RECEIVES), 1);
    fake_netif_clear_transmitted();   /* IP's answer, a protocol unreachable, is not eth's */
    /* Registered again: the new handler takes the type. */
    eth_register(TEST_TYPE + 1, test_handler);
    inject_to_us(TEST_TYPE + 1, "new");
    CHECK(handled != NULL);
    CHECK_BYTES(handled->data, "new", 3);
    CHECK_EQUAL(second_handled_count, 1);
    pbuf_put(handled);
    handled = NULL;
    pbuf_put(second_handled);
    second_handled = NULL;
}

/* packet(7): in promiscuous mode (PACKET_MR_PROMISC) a packet socket sees
 * frames for other stations, as PACKET_OTHERHOST; the stack itself still
 * takes nothing from them (RFC 1122 3.3.4.2: a host does not forward), so
 * eth drops them after the taps (InNotForUs) and goes on taking its own. */
static void test_eth_promiscuous_other_host_seen_not_taken(void)
{
    stack_setup();
    eth_register(TEST_TYPE, test_handler);
    netif_promiscuous(eth0, true);
    struct netif_tap tap = { .frame = sniff_frame };
    netif_tap_add(&tap);
    static const uint8_t other[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x99 };
    uint8_t frame[60];
    size_t length = build_eth(frame, other, peer_mac, TEST_TYPE, "not to you", 10);
    fake_netif_inject(eth0, frame, length);
    CHECK(sniffed != NULL);
    CHECK_EQUAL(sniffed->packet_type, PBUF_OTHER_HOST);
    CHECK_BYTES(sniffed->data, frame, length);
    CHECK(handled == NULL);
    CHECK_EQUAL(COUNTER(ETH_IN_NOT_FOR_US), 1);
    CHECK_EQUAL(eth0->statistics.receive_dropped, 0);
    netif_tap_remove(&tap);
    pbuf_put(sniffed);
    check_still_taking_frames();
    netif_promiscuous(eth0, false);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_eth_short_frame_dropped_and_counted),
        TEST_ENTRY(test_eth_frame_for_other_host_dropped),
        TEST_ENTRY(test_eth_unknown_type_counted),
        TEST_ENTRY(test_eth_demux_by_registration),
        TEST_ENTRY(test_eth_output_builds_header),
        TEST_ENTRY(test_eth_loopback_uses_zero_header),
        TEST_ENTRY(test_eth_shared_frame_not_moved_under_a_tap),
        TEST_ENTRY(test_eth_unknown_type_taken_by_a_tap_not_dropped),
        TEST_ENTRY(test_eth_input_classifies_destination),
        TEST_ENTRY(test_eth_demux_to_each_registered_handler),
        TEST_ENTRY(test_eth_promiscuous_other_host_seen_not_taken),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
