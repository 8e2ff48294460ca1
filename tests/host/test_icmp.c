/* Host unit tests of ICMP (icmp/): RFC 792, RFC 1122 3.2.2. */
#include "tests/host/net_test.h"
#include "eth/eth.h"
#include "ip/ip.h"
#include "icmp/icmp.h"
#include "udp/udp.h"

#define TEST_PROTOCOL 253

static size_t echo_request(uint8_t *datagram, uint32_t destination, const void *payload,
                           size_t length)
{
    uint8_t icmp[1500];
    size_t icmp_length = build_icmp(icmp, 8, 0, 0x1234 << 16 | 0x0007, payload, length);
    return build_ip(datagram, PEER_ADDRESS, destination, 1, 0x2222, 0, 64, icmp, icmp_length);
}

/* RFC 792 "Echo or Echo Reply Message", RFC 1122 3.2.2.6: the reply has type 0,
 * the request's identifier, sequence number and data, and comes from the address
 * the request was sent to. */
static void test_icmp_echo_reply_mirrors_payload(void)
{
    stack_setup();
    learn_peer();
    static const char payload[] = "0123456789abcdefghijklmnopqrstuvwxyz!";
    uint8_t datagram[128];
    size_t length = echo_request(datagram, OUR_ADDRESS, payload, sizeof(payload));
    inject_ip(datagram, length);
    struct pbuf *frame = next_frame();
    CHECK_EQUAL(pbuf_length(frame), 14 + length);
    /* Ethernet: to the peer, from us. */
    CHECK_BYTES(frame->data, peer_mac, 6);
    CHECK_BYTES(frame->data + 6, our_mac, 6);
    const uint8_t *ip = frame->data + 14;
    /* IP: the fields RFC 791 fixes here (identification is ours to choose). */
    static const uint8_t ip_start[4] = { 0x45, 0x00 };
    CHECK_BYTES(ip, ip_start, 2);
    CHECK_EQUAL(ip[2] << 8 | ip[3], length);
    CHECK_EQUAL(ip[6] << 8 | ip[7], 0);
    CHECK_EQUAL(ip[8], 64);
    CHECK_EQUAL(ip[9], 1);
    CHECK_EQUAL(test_checksum(0, ip, 20), 0);
    CHECK_BYTES(ip + 12, datagram + 16, 4);     /* source: the address pinged */
    CHECK_BYTES(ip + 16, datagram + 12, 4);     /* destination: the pinger */
    /* ICMP (RFC 792): type 0, code 0, the same identifier, sequence and data. */
    uint8_t expected[128];
    size_t icmp_length = build_icmp(expected, 0, 0, 0x1234 << 16 | 0x0007, payload, sizeof(payload));
    CHECK_BYTES(ip + 20, expected, icmp_length);
    pbuf_put(frame);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ICMP_IN_ECHOS), 1);
    CHECK_EQUAL(COUNTER(ICMP_OUT_ECHO_REPS), 1);
    CHECK_EQUAL(COUNTER(ICMP_OUT_MSGS), 1);
}

/* RFC 792: the checksum covers the whole message; a message whose checksum is
 * wrong is dropped, counted InCsumErrors and InErrors (Linux's icmp_rcv). */
static void test_icmp_bad_checksum_counted(void)
{
    stack_setup();
    learn_peer();
    uint8_t datagram[128];
    size_t length = echo_request(datagram, OUR_ADDRESS, "x", 1);
    datagram[22] ^= 0xff;
    inject_ip(datagram, length);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ICMP_IN_CSUM_ERRORS), 1);
    CHECK_EQUAL(COUNTER(ICMP_IN_ERRORS), 1);
    CHECK_EQUAL(COUNTER(ICMP_IN_ECHOS), 0);
}

/* RFC 1122 3.2.2.6: an echo request to a broadcast address MAY be discarded;
 * Linux does (icmp_echo_ignore_broadcasts) and counts it InErrors.  The same
 * request to our own address is answered. */
static void test_icmp_echo_to_broadcast_counted(void)
{
    stack_setup();
    learn_peer();
    uint8_t datagram[128], frame[160];
    size_t length = echo_request(datagram, ADDRESS(10, 0, 2, 255), "x", 1);
    size_t frame_length = build_eth(frame, eth_broadcast_address, peer_mac, ETH_TYPE_IP,
                                    datagram, length);
    fake_netif_inject(eth0, frame, frame_length);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ICMP_IN_ECHOS), 1);
    CHECK_EQUAL(COUNTER(ICMP_IN_ERRORS), 1);   /* as Linux's icmp_rcv counts it */
    length = echo_request(datagram, OUR_ADDRESS, "x", 1);
    inject_ip(datagram, length);
    pbuf_put(next_frame());
    CHECK_EQUAL(COUNTER(ICMP_OUT_ECHO_REPS), 1);
}

/* A received datagram as icmp_send_error sees it: data after the IP header, l3 marked. */
static struct pbuf *received_datagram(const uint8_t *datagram, size_t length)
{
    struct pbuf *pbuf = pbuf_alloc(PBUF_RAW, length);
    memcpy(pbuf->data, datagram, length);
    pbuf_mark_l3(pbuf);
    pbuf_pull(pbuf, 20);
    pbuf->netif = eth0;
    pbuf->packet_type = PBUF_TO_US;
    return pbuf;
}

static bool error_sent_about(const uint8_t *datagram, size_t length, uint8_t packet_type)
{
    struct pbuf *original = received_datagram(datagram, length);
    original->packet_type = packet_type;
    icmp_send_error(original, ICMP_DESTINATION_UNREACHABLE, ICMP_PORT_UNREACHABLE, 0);
    pbuf_put(original);
    size_t sent = fake_netif_transmitted_count();
    fake_netif_clear_transmitted();
    return sent != 0;
}

/* RFC 1122 3.2.2: never an error about an error, a broadcast or multicast,
 * a non-first fragment, or a datagram from a non-unicast source. */
static void test_icmp_error_exclusions(void)
{
    stack_setup();
    learn_peer();
    uint8_t icmp[64], datagram[128];
    /* Control: an echo request may be answered with an error. */
    size_t icmp_length = build_icmp(icmp, 8, 0, 0, "abcdefgh", 8);
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 1, 0, 64, icmp, icmp_length);
    CHECK(error_sent_about(datagram, length, PBUF_TO_US));
    /* An ICMP error (destination unreachable, time exceeded, parameter problem, redirect). */
    static const uint8_t error_types[] = { 3, 11, 12, 5 };
    for (size_t i = 0; i < sizeof(error_types); i++) {
        icmp_length = build_icmp(icmp, error_types[i], 0, 0, "abcdefgh", 8);
        length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 1, 0, 64, icmp, icmp_length);
        CHECK(!error_sent_about(datagram, length, PBUF_TO_US));
    }
    /* Link-layer or IP broadcast and multicast. */
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, TEST_PROTOCOL, 1, 0, 64, "abcdefgh", 8);
    CHECK(!error_sent_about(datagram, length, PBUF_BROADCAST));
    CHECK(!error_sent_about(datagram, length, PBUF_MULTICAST));
    length = build_ip(datagram, PEER_ADDRESS, ADDRESS(10, 0, 2, 255), TEST_PROTOCOL, 1, 0, 64,
                      "abcdefgh", 8);
    CHECK(!error_sent_about(datagram, length, PBUF_TO_US));
    length = build_ip(datagram, PEER_ADDRESS, ADDRESS(224, 0, 0, 1), TEST_PROTOCOL, 1, 0, 64,
                      "abcdefgh", 8);
    CHECK(!error_sent_about(datagram, length, PBUF_TO_US));
    /* A fragment other than the first. */
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, TEST_PROTOCOL, 1, 0x2001, 64,
                      "abcdefgh", 8);
    CHECK(!error_sent_about(datagram, length, PBUF_TO_US));
    /* Sources that name no single host. */
    const uint32_t sources[] = { 0, 0xffffffffu, ADDRESS(224, 0, 0, 5), ADDRESS(10, 0, 2, 255) };
    for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
        length = build_ip(datagram, sources[i], OUR_ADDRESS, TEST_PROTOCOL, 1, 0, 64, "abcdefgh", 8);
        CHECK(!error_sent_about(datagram, length, PBUF_TO_US));
    }
    CHECK_EQUAL(COUNTER(ICMP_OUT_MSGS), 1);
}

/* RFC 1122 3.2.2 (a host SHOULD limit the rate of its errors), RFC 1812 4.3.2.8:
 * per destination, as Linux's icmp_ratelimit, a burst of 6, then one per second. */
static void test_icmp_rate_limit_per_destination(void)
{
    stack_setup();
    learn_peer();
    uint8_t datagram[64];
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, TEST_PROTOCOL, 1, 0, 64,
                             "abcdefgh", 8);
    for (int i = 0; i < 10; i++)
        inject_ip(datagram, length);
    CHECK_EQUAL(fake_netif_transmitted_count(), 6);
    CHECK_EQUAL(COUNTER(IP_IN_UNKNOWN_PROTOS), 10);
    fake_netif_clear_transmitted();
    net_host_clock_advance(999);
    inject_ip(datagram, length);
    check_no_frame();
    net_host_clock_advance(1);
    inject_ip(datagram, length);
    inject_ip(datagram, length);
    CHECK_EQUAL(fake_netif_transmitted_count(), 1);
    fake_netif_clear_transmitted();
    CHECK_EQUAL(COUNTER(ICMP_OUT_RATE_LIMIT_GLOBAL), 0);
}

/* RFC 1812 4.3.2.8: the global token bucket, as Linux's icmp_msgs_per_sec and
 * icmp_msgs_burst: 50 at once, then 1000 per second, whatever the destination;
 * refusals counted OutRateLimitGlobal. */
static void test_icmp_rate_limit(void)
{
    stack_setup();
    uint8_t datagram[64];
    for (int i = 0; i < 60; i++) {
        size_t length = build_ip(datagram, ADDRESS(10, 0, 2, 100 + i), OUR_ADDRESS, TEST_PROTOCOL,
                                 1, 0, 64, "abcdefgh", 8);
        inject_ip(datagram, length);
    }
    /* Each error waits for ARP; IP counted each one it was given. */
    CHECK_EQUAL(COUNTER(ICMP_OUT_DEST_UNREACHS), 50);
    CHECK_EQUAL(COUNTER(ICMP_OUT_RATE_LIMIT_GLOBAL), 10);
    net_host_clock_advance(10);            /* 10 ms: 10 more tokens */
    for (int i = 0; i < 20; i++) {
        size_t length = build_ip(datagram, ADDRESS(10, 0, 2, 200 + i), OUR_ADDRESS, TEST_PROTOCOL,
                                 1, 0, 64, "abcdefgh", 8);
        inject_ip(datagram, length);
    }
    CHECK_EQUAL(COUNTER(ICMP_OUT_DEST_UNREACHS), 60);
    CHECK_EQUAL(COUNTER(ICMP_OUT_RATE_LIMIT_GLOBAL), 20);
    fake_netif_clear_transmitted();
}

/* The error quotes as much of the original as fits in 576 bytes (RFC 1812 4.3.2.3, Linux). */
static void test_icmp_error_quotes_at_most_576_bytes(void)
{
    stack_setup();
    learn_peer();
    uint8_t payload[1000], datagram[1100];
    memset(payload, 0x3c, sizeof(payload));
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, TEST_PROTOCOL, 1, 0, 64,
                             payload, sizeof(payload));
    inject_ip(datagram, length);
    struct pbuf *frame = next_frame();
    CHECK_EQUAL(pbuf_length(frame), 14 + 576);
    CHECK_BYTES(frame->data + 14 + 28, datagram, 576 - 28);
    CHECK_EQUAL(test_checksum(0, frame->data + 14 + 20, 576 - 20), 0);
    pbuf_put(frame);
}

static int reported_error;
static void remember_error(struct udp_pcb *pcb, int error)
{
    reported_error = error;
}

/* RFC 1122 3.2.2 and 4.1.3.3: an error about a datagram we sent goes to the
 * transport that sent it (here UDP's handler, which makes it an errno for the
 * connected PCB), if it quotes the IP header and 8 bytes (RFC 792). */
static void test_icmp_error_dispatched_to_udp(void)
{
    stack_setup();
    struct udp_pcb pcb;
    udp_pcb_init(&pcb);
    pcb.error = remember_error;
    CHECK_EQUAL(udp_bind(&pcb, IP_ADDRESS_ANY, net_htons(5555)), 0);
    CHECK_EQUAL(udp_connect(&pcb, PEER_ADDRESS, net_htons(53)), 0);
    CHECK_EQUAL(pcb.local_address, OUR_ADDRESS);
    /* The datagram we "sent", quoted by the peer's port unreachable. */
    uint8_t udp[16], quoted[64], icmp[128], datagram[160];
    size_t udp_length = build_udp(udp, OUR_ADDRESS, PEER_ADDRESS, 5555, 53, "q", 1, true);
    size_t quoted_length = build_ip(quoted, OUR_ADDRESS, PEER_ADDRESS, 17, 9, 0, 64, udp, udp_length);
    size_t icmp_length = build_icmp(icmp, 3, 3, 0, quoted, quoted_length);
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 2, 0, 64, icmp, icmp_length);
    inject_ip(datagram, length);
    CHECK_EQUAL(reported_error, ECONNREFUSED);
    CHECK_EQUAL(COUNTER(ICMP_IN_DEST_UNREACHS), 1);
    /* Time exceeded is a soft error: not reported. */
    reported_error = 0;
    icmp_length = build_icmp(icmp, 11, 0, 0, quoted, quoted_length);
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 2, 0, 64, icmp, icmp_length);
    inject_ip(datagram, length);
    CHECK_EQUAL(reported_error, 0);
    icmp_length = build_icmp(icmp, 12, 0, 0, quoted, quoted_length);
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 2, 0, 64, icmp, icmp_length);
    inject_ip(datagram, length);
    CHECK_EQUAL(reported_error, EPROTO);
    /* A truncated quote (under 8 bytes of transport header) is an input error. */
    reported_error = 0;
    icmp_length = build_icmp(icmp, 3, 3, 0, quoted, 24);
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 2, 0, 64, icmp, icmp_length);
    inject_ip(datagram, length);
    CHECK_EQUAL(reported_error, 0);
    CHECK_EQUAL(COUNTER(ICMP_IN_ERRORS), 1);
    udp_pcb_remove(&pcb);
}

/* RFC 2011 (icmpOutMsgs, icmpOutEchos, ...): every ICMP message leaving is
 * counted, and by type, a raw socket's echo request too (Linux's icmp_out_count). */
static void test_icmp_output_counted_by_type(void)
{
    stack_setup();
    learn_peer();
    struct pbuf *packet = pbuf_alloc(PBUF_TRANSPORT, 8);
    build_icmp(packet->data, 8, 0, 1, "", 0);
    CHECK_EQUAL(ip_output(packet, 0, PEER_ADDRESS, IP_PROTOCOL_ICMP, NULL), 0);
    pbuf_put(next_frame());
    CHECK_EQUAL(COUNTER(ICMP_OUT_MSGS), 1);
    CHECK_EQUAL(COUNTER(ICMP_OUT_ECHOS), 1);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_icmp_echo_reply_mirrors_payload),
        TEST_ENTRY(test_icmp_bad_checksum_counted),
        TEST_ENTRY(test_icmp_echo_to_broadcast_counted),
        TEST_ENTRY(test_icmp_error_exclusions),
        TEST_ENTRY(test_icmp_rate_limit_per_destination),
        TEST_ENTRY(test_icmp_rate_limit),
        TEST_ENTRY(test_icmp_error_quotes_at_most_576_bytes),
        TEST_ENTRY(test_icmp_error_dispatched_to_udp),
        TEST_ENTRY(test_icmp_output_counted_by_type),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
