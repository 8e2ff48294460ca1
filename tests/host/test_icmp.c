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

/* Gives a datagram built by build_ip a type of service (its header checksum redone). */
static void set_type_of_service(uint8_t *datagram, uint8_t type_of_service)
{
    datagram[1] = type_of_service;
    datagram[10] = datagram[11] = 0;
    uint16_t checksum = test_checksum(0, datagram, 20);
    memcpy(datagram + 10, &checksum, 2);
}

/* Injects an IP datagram on lo, in the all-zero Ethernet header lo carries. */
static void inject_on_loopback(const uint8_t *datagram, size_t length)
{
    uint8_t frame[256];
    CHECK(length + 14 <= sizeof(frame));
    size_t frame_length = build_eth(frame, eth_zero_address, eth_zero_address, ETH_TYPE_IP,
                                    datagram, length);
    fake_netif_inject(lo, frame, frame_length);
}

/* RFC 792 "Echo or Echo Reply Message", RFC 1122 3.2.2.6: the reply has type 0,
 * the request's identifier, sequence number and data, and comes from the address
 * the request was sent to; RFC 1349 5.1: with the request's type of service, as
 * Linux's icmp_reply copies it. */
static void test_icmp_echo_reply_mirrors_payload(void)
{
    stack_setup();
    learn_peer();
    static const char payload[] = "0123456789abcdefghijklmnopqrstuvwxyz!";
    uint8_t datagram[128];
    size_t length = echo_request(datagram, OUR_ADDRESS, payload, sizeof(payload));
    set_type_of_service(datagram, 0xb8);        /* DSCP EF (RFC 3246) */
    inject_ip(datagram, length);
    struct pbuf *frame = next_frame();
    CHECK_EQUAL(pbuf_length(frame), 14 + length);
    /* Ethernet: to the peer, from us. */
    CHECK_BYTES(frame->data, peer_mac, 6);
    CHECK_BYTES(frame->data + 6, our_mac, 6);
    const uint8_t *ip = frame->data + 14;
    /* IP: the fields RFC 791 fixes here (identification is ours to choose),
     * and the request's type of service. */
    static const uint8_t ip_start[4] = { 0x45, 0xb8 };
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

/* RFC 1122 3.2.2.6: "The IP source address in an ICMP Echo Reply MUST be the
 * same as the specific-destination address" of the request.  All of 127/8 is
 * ours on lo (as on Linux), but the route back to 127.0.0.1 would pick lo's
 * own address, 127.0.0.1: the reply to a ping of 127.0.0.5 must come from
 * 127.0.0.5 all the same. */
static void test_icmp_echo_reply_from_address_pinged(void)
{
    stack_setup();
    struct netif_tap tap = { .frame = keep_first_outgoing };
    netif_tap_add(&tap);
    uint8_t icmp[64], datagram[128];
    size_t icmp_length = build_icmp(icmp, 8, 0, 0x0042 << 16 | 1, "loopback", 8);
    size_t length = build_ip(datagram, ADDRESS(127, 0, 0, 1), ADDRESS(127, 0, 0, 5), 1, 1, 0, 64,
                             icmp, icmp_length);
    inject_on_loopback(datagram, length);
    netif_tap_remove(&tap);
    CHECK(first_outgoing != NULL);
    CHECK_EQUAL(pbuf_length(first_outgoing), 14 + length);
    const uint8_t *ip = first_outgoing->data + 14;
    CHECK_EQUAL(ip[20], ICMP_ECHO_REPLY);
    CHECK_BYTES(ip + 12, datagram + 16, 4);     /* from 127.0.0.5, the address pinged */
    CHECK_BYTES(ip + 16, datagram + 12, 4);     /* to 127.0.0.1, the pinger */
    pbuf_put(first_outgoing);
    CHECK_EQUAL(COUNTER(ICMP_OUT_ECHO_REPS), 1);
    CHECK_EQUAL(COUNTER(ICMP_IN_ECHO_REPS), 1);  /* the reply came back over lo */
}

/* RFC 1122 3.2.2.6: an echo request to an IP broadcast address MAY be
 * discarded; Linux does (icmp_echo_ignore_broadcasts) and counts it InErrors.
 * RFC 1122 3.3.6: a datagram received via a link-layer broadcast without an
 * IP broadcast or multicast destination SHOULD be discarded; Strata answers
 * no echo that came in a broadcast or multicast frame (Linux leaves that
 * SHOULD off by default: drop_unicast_in_l2_multicast), and counts it
 * InErrors too.  Each way alone: a broadcast or multicast frame to our
 * address, and our subnet's or the limited broadcast in a frame to our MAC.
 * (An IP multicast destination never gets this far: IP joins no group.)
 * The same request to our own address in a frame to our MAC is answered. */
static void test_icmp_echo_to_broadcast_counted(void)
{
    stack_setup();
    learn_peer();
    static const uint8_t all_hosts_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    const struct {
        const char *name;
        const uint8_t *frame_destination;
        uint32_t destination;
    } cases[] = {
        { "a link-layer broadcast to 10.0.2.15", eth_broadcast_address, OUR_ADDRESS },
        { "a link-layer multicast to 10.0.2.15", all_hosts_mac, OUR_ADDRESS },
        { "10.0.2.255 in a frame to our MAC", our_mac, ADDRESS(10, 0, 2, 255) },
        { "255.255.255.255 in a frame to our MAC", our_mac, IP_ADDRESS_BROADCAST },
    };
    uint8_t datagram[128], frame[160];
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        size_t length = echo_request(datagram, cases[i].destination, "x", 1);
        size_t frame_length = build_eth(frame, cases[i].frame_destination, peer_mac, ETH_TYPE_IP,
                                        datagram, length);
        fake_netif_inject(eth0, frame, frame_length);
        CHECK_CASE(fake_netif_transmitted_count() == 0, cases[i].name);
        CHECK_CASE(COUNTER(ICMP_IN_ECHOS) == i + 1, cases[i].name);
        CHECK_CASE(COUNTER(ICMP_IN_ERRORS) == i + 1, cases[i].name);
    }
    size_t length = echo_request(datagram, OUR_ADDRESS, "x", 1);
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
 * a non-first fragment, or a datagram from a non-unicast source; nor about an
 * ICMP message whose type is not there to read (Linux's icmp_send). */
static void test_icmp_error_exclusions(void)
{
    stack_setup();
    learn_peer();
    uint8_t icmp[64], datagram[128];
    /* Control: an echo request may be answered with an error. */
    size_t icmp_length = build_icmp(icmp, 8, 0, 0, "abcdefgh", 8);
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 1, 0, 64, icmp, icmp_length);
    CHECK(error_sent_about(datagram, length, PBUF_TO_US));
    /* An ICMP error. */
    static const struct {
        uint8_t type;
        const char *name;
    } error_types[] = {
        { 3, "destination unreachable" }, { 11, "time exceeded" },
        { 12, "parameter problem" }, { 5, "redirect" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(error_types); i++) {
        icmp_length = build_icmp(icmp, error_types[i].type, 0, 0, "abcdefgh", 8);
        length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 1, 0, 64, icmp, icmp_length);
        CHECK_CASE(!error_sent_about(datagram, length, PBUF_TO_US), error_types[i].name);
    }
    /* An ICMP datagram that ends with its IP header: the echo request's type
     * byte lies past tail, where it cannot be read. */
    icmp_length = build_icmp(icmp, 8, 0, 0, "abcdefgh", 8);
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 1, 0, 64, icmp, icmp_length);
    struct pbuf *original = received_datagram(datagram, length);
    pbuf_trim(original, 0);
    icmp_send_error(original, ICMP_DESTINATION_UNREACHABLE, ICMP_PORT_UNREACHABLE, 0);
    pbuf_put(original);
    check_no_frame();
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
    const struct {
        uint32_t address;
        const char *name;
    } sources[] = {
        { 0, "0.0.0.0" }, { 0xffffffffu, "255.255.255.255" },
        { ADDRESS(224, 0, 0, 5), "224.0.0.5" }, { ADDRESS(10, 0, 2, 255), "10.0.2.255" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
        length = build_ip(datagram, sources[i].address, OUR_ADDRESS, TEST_PROTOCOL, 1, 0, 64,
                          "abcdefgh", 8);
        CHECK_CASE(!error_sent_about(datagram, length, PBUF_TO_US), sources[i].name);
    }
    CHECK_EQUAL(COUNTER(ICMP_OUT_MSGS), 1);
}

/* RFC 792 "Destination Unreachable Message" and RFC 1191 (the next-hop MTU in
 * the low 16 bits of the second word): the error, every byte of it.  It
 * quotes the datagram up to its total length, not the padding the pbuf runs
 * on with; it goes to the datagram's source from the address the datagram
 * was sent to; RFC 1812 4.3.2.5: precedence 6 (internetwork control), with
 * the datagram's four TOS bits, as Linux's icmp_send: 0xb9 & 0x1e | 0xc0. */
static void test_icmp_error_every_byte(void)
{
    stack_setup();
    learn_peer();
    uint8_t datagram[46];
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, TEST_PROTOCOL, 0x4242, 0, 64,
                             "abcdefgh", 8);
    set_type_of_service(datagram, 0xb9);        /* DSCP EF, ECT(1) */
    memset(datagram + length, 0xee, sizeof(datagram) - length);   /* Ethernet's padding */
    struct pbuf *original = received_datagram(datagram, sizeof(datagram));
    icmp_send_error(original, ICMP_DESTINATION_UNREACHABLE, ICMP_FRAGMENTATION_NEEDED, 1280);
    pbuf_put(original);
    struct pbuf *frame = next_frame();
    CHECK_EQUAL(pbuf_length(frame), 14 + 20 + 8 + length);
    const uint8_t *ip = frame->data + 14;
    static const uint8_t ip_start[2] = { 0x45, 0xd8 };
    CHECK_BYTES(ip, ip_start, 2);
    CHECK_EQUAL(ip[2] << 8 | ip[3], 20 + 8 + length);
    CHECK_EQUAL(ip[9], 1);
    CHECK_EQUAL(test_checksum(0, ip, 20), 0);
    CHECK_BYTES(ip + 12, datagram + 16, 4);     /* from 10.0.2.15, where it was sent */
    CHECK_BYTES(ip + 16, datagram + 12, 4);     /* to its source */
    uint8_t expected[64];
    size_t icmp_length = build_icmp(expected, 3, 4, 1280, datagram, length);
    CHECK_BYTES(ip + 20, expected, icmp_length);
    pbuf_put(frame);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ICMP_OUT_DEST_UNREACHS), 1);
}

/* RFC 1122 3.3.4.2 (1): a datagram sent in response to one received SHOULD
 * come from the received one's specific destination, so an error comes from
 * the address the datagram was sent to when that is ours (Linux's
 * icmp_send), else from the address the route picks.  127.0.0.5 is ours on
 * lo, where the route back to 127.0.0.1 would pick 127.0.0.1; 10.0.2.77 is
 * not ours (a datagram we failed to send there), and the error we send
 * ourselves about it must not claim to come from it. */
static void test_icmp_error_from_address_it_was_sent_to(void)
{
    stack_setup();
    struct netif_tap tap = { .frame = keep_first_outgoing };
    netif_tap_add(&tap);
    uint8_t datagram[64];
    size_t length = build_ip(datagram, ADDRESS(127, 0, 0, 1), ADDRESS(127, 0, 0, 5), TEST_PROTOCOL,
                             1, 0, 64, "abcdefgh", 8);
    inject_on_loopback(datagram, length);
    CHECK(first_outgoing != NULL);
    const uint8_t *ip = first_outgoing->data + 14;
    CHECK_EQUAL(ip[20], ICMP_DESTINATION_UNREACHABLE);
    CHECK_BYTES(ip + 12, datagram + 16, 4);     /* from 127.0.0.5 */
    CHECK_BYTES(ip + 16, datagram + 12, 4);     /* to 127.0.0.1 */
    pbuf_put(first_outgoing);
    first_outgoing = NULL;
    length = build_ip(datagram, OUR_ADDRESS, ADDRESS(10, 0, 2, 77), TEST_PROTOCOL, 2, 0, 64,
                      "abcdefgh", 8);
    struct pbuf *original = received_datagram(datagram, length);
    icmp_send_error(original, ICMP_DESTINATION_UNREACHABLE, ICMP_HOST_UNREACHABLE, 0);
    pbuf_put(original);
    net_host_poll();
    netif_tap_remove(&tap);
    CHECK(first_outgoing != NULL);
    ip = first_outgoing->data + 14;
    CHECK_EQUAL(ip[20], ICMP_DESTINATION_UNREACHABLE);
    CHECK_BYTES(ip + 12, datagram + 12, 4);     /* from 10.0.2.15, the route's pick */
    CHECK_BYTES(ip + 16, datagram + 12, 4);     /* to 10.0.2.15, over lo */
    pbuf_put(first_outgoing);
    CHECK_EQUAL(COUNTER(ICMP_OUT_DEST_UNREACHS), 2);
}

/* Asks for an error about a datagram from source (to us, protocol 253, which
 * nothing takes): true if one was sent.  Each waits for ARP; IP counts each
 * one it is given. */
static bool error_sent_to(uint32_t source)
{
    uint8_t datagram[64];
    size_t length = build_ip(datagram, source, OUR_ADDRESS, TEST_PROTOCOL, 1, 0, 64, "abcdefgh", 8);
    uint64_t before = COUNTER(ICMP_OUT_DEST_UNREACHS);
    inject_ip(datagram, length);
    fake_netif_clear_transmitted();
    return COUNTER(ICMP_OUT_DEST_UNREACHS) > before;
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

/* RFC 1812 4.3.2.8's per-destination limit needs a table of destinations;
 * Strata's keeps the 64 asked about last (rate_limit.c).  Two destinations
 * spend their burst; 62 more fill the table; the first is asked about again
 * (still known: refused) and a 65th arrives, which replaces the second, the
 * least recently asked about: the first stays refused, the second starts
 * again with its whole burst.  A millisecond passes between destinations. */
static void test_icmp_rate_limit_remembers_64_destinations(void)
{
    stack_setup();
    const uint32_t first = ADDRESS(10, 0, 2, 100), second = ADDRESS(10, 0, 2, 101);
    for (int i = 0; i < 6; i++)
        CHECK(error_sent_to(first));
    CHECK(!error_sent_to(first));
    net_host_clock_advance(1);
    for (int i = 0; i < 6; i++)
        CHECK(error_sent_to(second));
    CHECK(!error_sent_to(second));
    for (int i = 0; i < 62; i++) {
        net_host_clock_advance(1);
        CHECK(error_sent_to(ADDRESS(10, 0, 2, 110 + i)));
    }
    net_host_clock_advance(1);
    CHECK(!error_sent_to(first));           /* one of the 64: its burst is spent */
    net_host_clock_advance(1);
    CHECK(error_sent_to(ADDRESS(10, 0, 2, 200)));
    net_host_clock_advance(1);
    CHECK(!error_sent_to(first));           /* still one of the 64 */
    CHECK(error_sent_to(second));           /* replaced by 10.0.2.200: new again */
    CHECK_EQUAL(COUNTER(ICMP_OUT_RATE_LIMIT_GLOBAL), 0);
}

/* RFC 1122 3.2.2 and RFC 1812 4.3.2.8 leave the form of the limit to the
 * host.  No per-destination limit on errors we send ourselves: Linux's
 * icmpv4_xrlim_allow lets every error out on loopback through, so a program
 * that sends to a closed port of this host hears of each datagram.  Ten
 * datagrams from 127.0.0.1 and ten from 10.0.2.15, both over lo, to a
 * protocol nobody takes: twenty errors, which come back in over lo. */
static void test_icmp_errors_to_ourselves_not_limited(void)
{
    stack_setup();
    const struct {
        uint32_t address;
        const char *name;
    } sources[] = { { ADDRESS(127, 0, 0, 1), "127.0.0.1" }, { OUR_ADDRESS, "10.0.2.15" } };
    uint8_t datagram[64];
    for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
        size_t length = build_ip(datagram, sources[i].address, sources[i].address, TEST_PROTOCOL,
                                 1, 0, 64, "abcdefgh", 8);
        for (int j = 0; j < 10; j++)
            inject_on_loopback(datagram, length);
        CHECK_CASE(COUNTER(ICMP_OUT_DEST_UNREACHS) == 10 * (i + 1), sources[i].name);
        CHECK_CASE(COUNTER(ICMP_IN_DEST_UNREACHS) == 10 * (i + 1), sources[i].name);
    }
    CHECK_EQUAL(COUNTER(IP_IN_UNKNOWN_PROTOS), 20);
}

/* RFC 1812 4.3.2.8: the global token bucket, as Linux's icmp_msgs_per_sec and
 * icmp_msgs_burst: 50 at once, then 1000 per second, whatever the destination;
 * refusals counted OutRateLimitGlobal.  As in Linux 6.1's icmp_send, the
 * global token is taken before the per-destination limit is asked, and kept
 * when that limit refuses: ten errors to one destination (six sent) cost ten. */
static void test_icmp_rate_limit(void)
{
    stack_setup();
    for (int i = 0; i < 10; i++)
        error_sent_to(ADDRESS(10, 0, 2, 99));
    CHECK_EQUAL(COUNTER(ICMP_OUT_DEST_UNREACHS), 6);
    CHECK_EQUAL(COUNTER(ICMP_OUT_RATE_LIMIT_GLOBAL), 0);
    for (int i = 0; i < 50; i++)
        error_sent_to(ADDRESS(10, 0, 2, 100 + i));
    CHECK_EQUAL(COUNTER(ICMP_OUT_DEST_UNREACHS), 6 + 40);
    CHECK_EQUAL(COUNTER(ICMP_OUT_RATE_LIMIT_GLOBAL), 10);
    net_host_clock_advance(10);            /* 10 ms: 10 more tokens */
    for (int i = 0; i < 20; i++)
        error_sent_to(ADDRESS(10, 0, 2, 200 + i));
    CHECK_EQUAL(COUNTER(ICMP_OUT_DEST_UNREACHS), 6 + 40 + 10);
    CHECK_EQUAL(COUNTER(ICMP_OUT_RATE_LIMIT_GLOBAL), 20);
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

/* A UDP PCB bound to port 5555 and connected to the peer's port 53, which
 * hears of errors in reported_error. */
static void connect_udp_pcb(struct udp_pcb *pcb)
{
    udp_pcb_init(pcb);
    pcb->error = remember_error;
    CHECK_EQUAL(udp_bind(pcb, IP_ADDRESS_ANY, net_htons(5555)), 0);
    CHECK_EQUAL(udp_connect(pcb, PEER_ADDRESS, net_htons(53)), 0);
    CHECK_EQUAL(pcb->local_address, OUR_ADDRESS);
}

/* Writes the datagram that PCB "sent" into quoted: returns its length. */
static size_t datagram_we_sent(uint8_t *quoted)
{
    uint8_t udp[16];
    size_t udp_length = build_udp(udp, OUR_ADDRESS, PEER_ADDRESS, 5555, 53, "q", 1, true);
    return build_ip(quoted, OUR_ADDRESS, PEER_ADDRESS, 17, 9, 0, 64, udp, udp_length);
}

/* Injects the peer's ICMP error of type and code quoting length bytes of quote. */
static void inject_error(uint8_t type, uint8_t code, const uint8_t *quote, size_t length)
{
    uint8_t icmp[128], datagram[160];
    size_t icmp_length = build_icmp(icmp, type, code, 0, quote, length);
    inject_ip(datagram, build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 2, 0, 64, icmp, icmp_length));
}

/* RFC 1122 3.2.2 and 4.1.3.3: an error about a datagram we sent goes to the
 * transport that sent it (here UDP's handler, which makes it an errno for the
 * connected PCB), if it quotes the IP header and 8 bytes (RFC 792). */
static void test_icmp_error_dispatched_to_udp(void)
{
    stack_setup();
    struct udp_pcb pcb;
    connect_udp_pcb(&pcb);
    uint8_t quoted[64];
    size_t quoted_length = datagram_we_sent(quoted);
    inject_error(3, 3, quoted, quoted_length);      /* the peer's port unreachable */
    CHECK_EQUAL(reported_error, ECONNREFUSED);
    CHECK_EQUAL(COUNTER(ICMP_IN_DEST_UNREACHS), 1);
    /* Time exceeded is a soft error: not reported. */
    reported_error = 0;
    inject_error(11, 0, quoted, quoted_length);
    CHECK_EQUAL(reported_error, 0);
    CHECK_EQUAL(COUNTER(ICMP_IN_TIME_EXCDS), 1);
    inject_error(12, 0, quoted, quoted_length);
    CHECK_EQUAL(reported_error, EPROTO);
    CHECK_EQUAL(COUNTER(ICMP_IN_ERRORS), 0);
    udp_pcb_remove(&pcb);
}

/* Every Destination Unreachable code, through ICMP's one table (Linux's
 * icmp_err_convert, shared with TCP): a connected UDP socket hears of the
 * hard ones only (Linux's udp_err without IP_RECVERR); the errno values
 * are Linux's. */
static void test_icmp_unreachable_codes_reach_udp_as_linux(void)
{
    static const int hard_errno[16] = {
        [2] = ENOPROTOOPT, [3] = ECONNREFUSED, [6] = ENETUNREACH, [7] = EHOSTDOWN,
        [8] = ENONET, [9] = ENETUNREACH, [10] = EHOSTUNREACH, [13] = EHOSTUNREACH,
        [14] = EHOSTUNREACH, [15] = EHOSTUNREACH,
    };
    stack_setup();
    struct udp_pcb pcb;
    connect_udp_pcb(&pcb);
    uint8_t quoted[64];
    size_t quoted_length = datagram_we_sent(quoted);
    for (uint8_t code = 0; code < 17; code++) {
        char name[32];
        snprintf(name, sizeof(name), "code %u", code);
        reported_error = 0;
        inject_error(3, code, quoted, quoted_length);
        CHECK_CASE(reported_error == (code < 16 ? hard_errno[code] : 0), name);
    }
    udp_pcb_remove(&pcb);
}

/* RFC 792: an error quotes "the internet header plus the first 64 bits of the
 * original datagram's data"; one whose quote is no IPv4 header (version 4, IHL
 * at least 5) or has under 8 bytes after IHL x 4 is an input error, as in
 * Linux's icmp_unreach, and goes to no handler (UDP's reads the ports at IHL
 * x 4 unchecked).  Each would otherwise reach the connected PCB below.  The
 * per-type counter rises all the same (Linux counts the type first). */
static void test_icmp_error_with_bad_quote_counted(void)
{
    stack_setup();
    struct udp_pcb pcb;
    connect_udp_pcb(&pcb);
    uint8_t quoted[64], with_options[64];
    size_t quoted_length = datagram_we_sent(quoted);
    /* The same with 4 bytes of options (four No Operation): IHL 6. */
    memcpy(with_options, quoted, 20);
    memset(with_options + 20, 1, 4);
    memcpy(with_options + 24, quoted + 20, quoted_length - 20);
    const struct {
        const char *name;
        uint8_t first_byte;             /* version and IHL */
        const uint8_t *quote;
        size_t length;
    } cases[] = {
        { "version 5", 0x55, quoted, 20 + 8 },
        { "IHL 4", 0x44, quoted, 20 + 8 },
        { "IHL 5, 4 bytes after the header", 0x45, quoted, 20 + 4 },
        { "IHL 6, 4 bytes after the header", 0x46, with_options, 24 + 4 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t quote[64];
        memcpy(quote, cases[i].quote, cases[i].length);
        quote[0] = cases[i].first_byte;
        inject_error(3, 3, quote, cases[i].length);
        CHECK_CASE(reported_error == 0, cases[i].name);
        CHECK_CASE(COUNTER(ICMP_IN_ERRORS) == i + 1, cases[i].name);
        CHECK_CASE(COUNTER(ICMP_IN_DEST_UNREACHS) == i + 1, cases[i].name);
    }
    /* Control: the whole quote reaches UDP. */
    inject_error(3, 3, quoted, quoted_length);
    CHECK_EQUAL(reported_error, ECONNREFUSED);
    CHECK_EQUAL(COUNTER(ICMP_IN_ERRORS), ARRAY_SIZE(cases));
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
        TEST_ENTRY(test_icmp_echo_reply_from_address_pinged),
        TEST_ENTRY(test_icmp_bad_checksum_counted),
        TEST_ENTRY(test_icmp_echo_to_broadcast_counted),
        TEST_ENTRY(test_icmp_error_exclusions),
        TEST_ENTRY(test_icmp_error_every_byte),
        TEST_ENTRY(test_icmp_error_from_address_it_was_sent_to),
        TEST_ENTRY(test_icmp_rate_limit_per_destination),
        TEST_ENTRY(test_icmp_rate_limit_remembers_64_destinations),
        TEST_ENTRY(test_icmp_errors_to_ourselves_not_limited),
        TEST_ENTRY(test_icmp_rate_limit),
        TEST_ENTRY(test_icmp_error_quotes_at_most_576_bytes),
        TEST_ENTRY(test_icmp_error_dispatched_to_udp),
        TEST_ENTRY(test_icmp_unreachable_codes_reach_udp_as_linux),
        TEST_ENTRY(test_icmp_error_with_bad_quote_counted),
        TEST_ENTRY(test_icmp_output_counted_by_type),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
