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

static void test_eth_short_frame_dropped_and_counted(void)
{
    stack_setup();
    size_t baseline = pbuf_count();
    uint8_t frame[13] = { 0 };
    fake_netif_inject(eth0, frame, sizeof(frame));
    CHECK_EQUAL(COUNTER(ETH_IN_TOO_SHORT), 1);
    CHECK_EQUAL(pbuf_count(), baseline);
}

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
}

static void test_eth_unknown_type_counted(void)
{
    stack_setup();
    uint8_t frame[60];
    size_t length = build_eth(frame, our_mac, peer_mac, 0x1234, "x", 1);
    fake_netif_inject(eth0, frame, length);
    CHECK_EQUAL(COUNTER(ETH_IN_UNKNOWN_TYPES), 1);
    CHECK_EQUAL(COUNTER(ETH_IN_FRAMES), 1);
    CHECK_EQUAL(eth0->statistics.receive_dropped, 1);
}

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

/* Loopback carries an all-zero Ethernet header, as Linux's lo does. */
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

/* A sniffer holding the received frame keeps seeing its Ethernet header. */
static struct pbuf *sniffed;
static void sniff_frame(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    if (!sniffed && frame->packet_type != PBUF_OUTGOING) {
        pbuf_get(frame);
        sniffed = frame;
    }
}

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

/* A frame only a packet socket takes is delivered, not a receive drop (Linux). */
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
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
