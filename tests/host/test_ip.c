/* Host unit tests of IPv4 (ip/): RFC 791, RFC 1122 3.2.1, RFC 815/5722 reassembly. */
#include "tests/host/net_test.h"
#include "eth/eth.h"
#include "ip/ip.h"
#include "udp/udp.h"

#define TEST_PROTOCOL 253          /* RFC 3692 experimentation */

/* A UDP PCB on port 7 that keeps what it receives. */
static struct pbuf *received;
static uint32_t received_from;
static void keep(struct udp_pcb *pcb, struct pbuf *datagram, uint32_t source, uint16_t port)
{
    if (received)
        pbuf_put(received);
    pbuf_get(datagram);
    received = datagram;
    received_from = source;
}

static struct udp_pcb *listen_on_port_7(void)
{
    static struct udp_pcb pcb;
    udp_pcb_init(&pcb);
    pcb.receive = keep;
    CHECK_EQUAL(udp_bind(&pcb, IP_ADDRESS_ANY, net_htons(7)), 0);
    return &pcb;
}

/* A UDP datagram from the peer to us, port 1234 -> 7. */
static size_t udp_datagram(uint8_t *out, const void *payload, size_t length)
{
    uint8_t udp[1600];
    size_t udp_length = build_udp(udp, PEER_ADDRESS, OUR_ADDRESS, 1234, 7, payload, length, true);
    return build_ip(out, PEER_ADDRESS, OUR_ADDRESS, 17, 0x1111, 0, 64, udp, udp_length);
}

/* After a datagram that must be dropped: a good one from the peer is still
 * delivered, so that an IP that drops everything fails the test. */
static void check_still_delivers(void)
{
    uint8_t datagram[64];
    inject_ip(datagram, udp_datagram(datagram, "alive", 5));
    CHECK(received != NULL);
    CHECK_BYTES(received->data, "alive", 5);
    pbuf_put(received);
    received = NULL;
}

static void refresh_header_checksum(uint8_t *datagram)
{
    size_t header_length = (size_t)(datagram[0] & 0x0f) * 4;
    datagram[10] = datagram[11] = 0;
    uint16_t checksum = test_checksum(0, datagram, header_length);
    memcpy(datagram + 10, &checksum, 2);
}

/* ip_checksum_finish sums 8 bytes at a time: against net_test.c's
 * RFC 1071 sum, every length 0..80 at every alignment, with sums that carry. */
static void test_ip_checksum_any_length_and_alignment(void)
{
    uint8_t buffer[96];
    for (int fill = 0; fill < 3; fill++) {
        for (size_t i = 0; i < sizeof(buffer); i++)
            buffer[i] = fill == 0 ? (uint8_t)(i * 37 + 11) : fill == 1 ? 0xff : 0;
        for (size_t offset = 0; offset < 8; offset++)
            for (size_t length = 0; length <= 80; length++)
                for (uint32_t sum = 0; sum < 0x30000; sum += 0xfffd)
                    CHECK_EQUAL(ip_checksum_finish(sum, buffer + offset, length),
                                test_checksum(sum, buffer + offset, length));
    }
}

/* RFC 768 and RFC 9293 3.1: the pseudo-header (source, destination, zero,
 * protocol, length) that starts the UDP and TCP checksums, against an
 * independent sum, with addresses whose halves carry. */
static void test_ip_pseudo_header_sum(void)
{
    const uint32_t addresses[] = { OUR_ADDRESS, ADDRESS(255, 255, 255, 255),
                                   ADDRESS(192, 168, 254, 255), 0 };
    static const uint8_t protocols[] = { IP_PROTOCOL_TCP, IP_PROTOCOL_UDP };
    static const uint16_t lengths[] = { 0, 8, 1480, 65535 };
    uint8_t data[40];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 29 + 3);
    for (size_t s = 0; s < ARRAY_SIZE(addresses); s++)
        for (size_t d = 0; d < ARRAY_SIZE(addresses); d++)
            for (size_t p = 0; p < ARRAY_SIZE(protocols); p++)
                for (size_t l = 0; l < ARRAY_SIZE(lengths); l++) {
                    uint32_t sum = ip_pseudo_header_sum(addresses[s], addresses[d], protocols[p],
                                                        lengths[l]);
                    uint32_t expected = test_pseudo_header_sum(addresses[s], addresses[d],
                                                               protocols[p], lengths[l]);
                    CHECK_EQUAL(ip_checksum_finish(sum, data, sizeof(data)),
                                test_checksum(expected, data, sizeof(data)));
                }
}

/* RFC 1122 3.2.1.2: a datagram with a bad header checksum is silently
 * discarded (Linux counts Ip InHdrErrors). */
static void test_ip_rejects_bad_checksum_and_counts_it(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t datagram[64];
    size_t length = udp_datagram(datagram, "abc", 3);
    datagram[10] ^= 0x01;
    inject_ip(datagram, length);
    CHECK_EQUAL(COUNTER(IP_IN_RECEIVES), 1);
    CHECK_EQUAL(COUNTER(IP_IN_HDR_ERRORS), 1);
    CHECK_EQUAL(COUNTER(IP_IN_DELIVERS), 0);
    CHECK(received == NULL);
}

/* RFC 1122 3.2.1.1 (version 4), RFC 791 3.1 (IHL at least 5, total length
 * at least the header, options within it): header errors, counted in Ip
 * InHdrErrors; a total length beyond the frame is IpExt InTruncatedPkts
 * (RFC 4293), as Linux counts them. */
static void test_ip_header_errors_counted(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t good[64], bad[80];
    size_t length = udp_datagram(good, "abc", 3);
    memcpy(bad, good, length);
    bad[0] = 0x65;                          /* version 6 */
    refresh_header_checksum(bad);
    inject_ip(bad, length);
    memcpy(bad, good, length);
    bad[0] = 0x44;                          /* IHL 4 */
    bad[10] = bad[11] = 0;
    inject_ip(bad, length);
    memcpy(bad, good, length);
    bad[3] = (uint8_t)(length + 1);         /* total length beyond the frame: truncated */
    refresh_header_checksum(bad);
    inject_ip(bad, length);
    CHECK_EQUAL(COUNTER(IPEXT_IN_TRUNCATED_PKTS), 1);
    memcpy(bad, good, length);
    bad[3] = 19;                            /* total length below the header */
    refresh_header_checksum(bad);
    inject_ip(bad, length);
    inject_ip(good, 19);                    /* shorter than a header */
    /* An option whose length runs past the header (IHL 6: one 4-byte option word). */
    memcpy(bad, good, 20);
    bad[0] = 0x46;
    bad[3] = (uint8_t)(length + 4);
    bad[20] = 0x07;                         /* record route, length 8 > 4 left */
    bad[21] = 8;
    bad[22] = 4;
    bad[23] = 0;
    memcpy(bad + 24, good + 20, length - 20);
    refresh_header_checksum(bad);
    inject_ip(bad, length + 4);
    CHECK_EQUAL(COUNTER(IP_IN_HDR_ERRORS), 5);   /* all but the truncated datagram (as Linux) */
    CHECK(received == NULL);
    /* The same option, well formed (length 3), is skipped and the datagram delivered. */
    bad[21] = 3;
    refresh_header_checksum(bad);
    inject_ip(bad, length + 4);
    CHECK_EQUAL(COUNTER(IP_IN_HDR_ERRORS), 5);
    CHECK(received != NULL);
    CHECK_BYTES(received->data, "abc", 3);
    pbuf_put(received);
}

/* RFC 894: the padding of a short frame is not part of the datagram,
 * whose length is the total length (RFC 791 3.1). */
static void test_ip_trims_ethernet_padding(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t datagram[46] = { 0 };          /* 31 bytes of IP, padded to Ethernet's minimum */
    udp_datagram(datagram, "abc", 3);
    inject_ip(datagram, sizeof(datagram));
    CHECK(received != NULL);
    CHECK_EQUAL(pbuf_length(received), 3);
    CHECK_EQUAL(COUNTER(UDP_IN_ERRORS), 0);
    pbuf_put(received);
}

/* RFC 1122 3.2.2.5: a bad option is answered with Parameter Problem, pointer at the octet. */
static void test_ip_bad_option_sends_parameter_problem(void)
{
    stack_setup();
    learn_peer();
    uint8_t good[64], bad[80];
    size_t length = udp_datagram(good, "abc", 3);
    memcpy(bad, good, 20);
    bad[0] = 0x46;
    bad[3] = (uint8_t)(length + 4);
    bad[20] = 0x01;                         /* NOP */
    bad[21] = 0x44;                         /* timestamp, length 1 < 2 */
    bad[22] = 1;
    bad[23] = 0;
    memcpy(bad + 24, good + 20, length - 20);
    refresh_header_checksum(bad);
    inject_ip(bad, length + 4);
    CHECK_EQUAL(COUNTER(IP_IN_HDR_ERRORS), 1);
    struct pbuf *frame = next_frame();
    const uint8_t *icmp = frame->data + 14 + 20;
    /* The pointer names the bad option's first octet (21), as Linux's
     * ip_options_compile does and the pcap fixture checks against Linux. */
    static const uint8_t expected[8] = { 12, 0, 0, 0, 21, 0, 0, 0 };
    CHECK_BYTES(icmp, expected, 2);
    CHECK_BYTES(icmp + 4, expected + 4, 4);
    CHECK_BYTES(icmp + 8, bad, length + 4);
    pbuf_put(frame);
}

/* We do not forward (RFC 1122 3.3.4.2 host). */
static void test_ip_not_for_us_dropped(void)
{
    stack_setup();
    uint8_t datagram[64];
    size_t length = build_ip(datagram, PEER_ADDRESS, ADDRESS(10, 0, 2, 77), TEST_PROTOCOL, 1, 0,
                             64, "x", 1);
    inject_ip(datagram, length);
    CHECK_EQUAL(COUNTER(IP_IN_ADDR_ERRORS), 1);
    check_no_frame();
}

/* RFC 1122 3.2.1.3 (b), (c): a broadcast or multicast source is silently
 * discarded, and is no address error (the destination is ours). */
static void test_ip_broadcast_and_multicast_sources_dropped(void)
{
    stack_setup();
    listen_on_port_7();
    const uint32_t sources[] = { ADDRESS(255, 255, 255, 255), ADDRESS(224, 0, 0, 1) };
    for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
        uint8_t udp[32], datagram[64];
        size_t udp_length = build_udp(udp, sources[i], OUR_ADDRESS, 1234, 7, "x", 1, true);
        size_t length = build_ip(datagram, sources[i], OUR_ADDRESS, 17, 1, 0, 64, udp, udp_length);
        inject_ip(datagram, length);
    }
    CHECK_EQUAL(COUNTER(IP_IN_ADDR_ERRORS), 0);
    CHECK_EQUAL(COUNTER(IP_IN_RECEIVES), 2);
    CHECK(received == NULL);
    check_no_frame();
    check_still_delivers();
}

/* RFC 1122 3.2.1.3 (g): 127/8 never arrives from the wire; Linux drops such
 * martians without counting them as address errors. */
static void test_ip_loopback_addresses_from_the_wire_dropped(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t udp[32], datagram[64];
    size_t udp_length = build_udp(udp, ADDRESS(127, 0, 0, 1), OUR_ADDRESS, 1234, 7, "x", 1, true);
    size_t length = build_ip(datagram, ADDRESS(127, 0, 0, 1), OUR_ADDRESS, 17, 1, 0, 64, udp,
                             udp_length);
    inject_ip(datagram, length);
    udp_length = build_udp(udp, PEER_ADDRESS, ADDRESS(127, 0, 0, 1), 1234, 7, "x", 1, true);
    length = build_ip(datagram, PEER_ADDRESS, ADDRESS(127, 0, 0, 1), 17, 1, 0, 64, udp, udp_length);
    inject_ip(datagram, length);
    CHECK_EQUAL(COUNTER(IP_IN_ADDR_ERRORS), 0);
    CHECK(received == NULL);
    check_still_delivers();
}

/* RFC 1122 3.2.1.7: TTL is not checked for datagrams delivered locally. */
static void test_ip_ttl_zero_delivered_locally(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t datagram[64];
    size_t length = udp_datagram(datagram, "ttl", 3);
    datagram[8] = 0;
    refresh_header_checksum(datagram);
    inject_ip(datagram, length);
    CHECK(received != NULL);
    pbuf_put(received);
}

/* RFC 1122 3.2.2.1: a datagram for a protocol nobody registered draws a
 * Protocol Unreachable (RFC 792, code 2) quoting it; Ip InUnknownProtos. */
static void test_ip_unknown_protocol_sends_protocol_unreachable(void)
{
    stack_setup();
    learn_peer();
    uint8_t datagram[64];
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, TEST_PROTOCOL, 0x4242, 0, 64,
                             "12345678", 8);
    inject_ip(datagram, length);
    CHECK_EQUAL(COUNTER(IP_IN_UNKNOWN_PROTOS), 1);
    struct pbuf *frame = next_frame();
    const uint8_t *ip = frame->data + 14;
    CHECK_EQUAL(pbuf_length(frame), 14 + 20 + 8 + length);
    CHECK_EQUAL(ip[9], 1);
    CHECK_BYTES(ip + 12, &(uint32_t){ OUR_ADDRESS }, 4);
    CHECK_BYTES(ip + 16, &(uint32_t){ PEER_ADDRESS }, 4);
    CHECK_EQUAL(test_checksum(0, ip, 20), 0);
    /* RFC 792: type 3, code 2, unused 0, then the original header and data. */
    static const uint8_t icmp_header[8] = { 3, 2 };
    CHECK_BYTES(ip + 20, icmp_header, 2);
    CHECK_BYTES(ip + 24, icmp_header + 4, 4);
    CHECK_BYTES(ip + 28, datagram, length);
    CHECK_EQUAL(test_checksum(0, ip + 20, 8 + length), 0);
    pbuf_put(frame);
}

/* A raw listener that keeps a reference to what it is shown, as a raw
 * socket queues it, and notes whether UDP had it already. */
static struct pbuf *raw_kept;
static bool raw_first;
static bool raw_keep(struct ip_raw_listener *listener, struct pbuf *datagram)
{
    raw_first = received == NULL;
    pbuf_get(datagram);
    raw_kept = datagram;
    return true;
}

/* raw(7): a raw socket receives the datagrams of its protocol with their IP
 * header, before the protocol's handler (ip.h), which still gets them; what
 * the raw socket keeps is not changed by the delivery after it (pbuf.h: a
 * shared pbuf is read-only).  Ip InDelivers counts the datagram once. */
static void test_ip_raw_listener_sees_datagram_first(void)
{
    stack_setup();
    listen_on_port_7();
    struct ip_raw_listener listener = { .datagram = raw_keep };
    ip_raw_listener_add(&listener);
    uint8_t datagram[64];
    size_t length = udp_datagram(datagram, "abc", 3);
    inject_ip(datagram, length);
    CHECK(raw_kept != NULL);
    CHECK(raw_first);
    CHECK_EQUAL(pbuf_length(raw_kept), length);
    CHECK_BYTES(raw_kept->data, datagram, length);
    CHECK(received != NULL);
    CHECK_BYTES(received->data, "abc", 3);
    CHECK_EQUAL(COUNTER(IP_IN_DELIVERS), 1);
    pbuf_put(received);
    pbuf_put(raw_kept);
    ip_raw_listener_remove(&listener);
}

/* RFC 894: the padding of a short frame is not part of the datagram, whose
 * length is the Total Length (RFC 791 3.1): what a raw socket receives
 * (raw(7): the header and the data) ends there, although UDP, with a length
 * of its own, would not notice padding left on.  The padding is 0xaa, not
 * zeros, so that it would also spoil a checksum. */
static void test_ip_raw_socket_sees_no_padding(void)
{
    stack_setup();
    listen_on_port_7();
    struct ip_raw_listener listener = { .datagram = raw_keep };
    ip_raw_listener_add(&listener);
    uint8_t datagram[46];                    /* padded to Ethernet's minimum */
    memset(datagram, 0xaa, sizeof(datagram));
    size_t length = udp_datagram(datagram, "abc", 3);
    inject_ip(datagram, sizeof(datagram));
    CHECK(raw_kept != NULL);
    CHECK_EQUAL(pbuf_length(raw_kept), length);
    CHECK_BYTES(raw_kept->data, datagram, length);
    CHECK(received != NULL);
    CHECK_BYTES(received->data, "abc", 3);
    pbuf_put(received);
    pbuf_put(raw_kept);
    ip_raw_listener_remove(&listener);
}

static bool raw_take(struct ip_raw_listener *listener, struct pbuf *datagram)
{
    return true;    /* a raw socket bound to the protocol took it (keeps no reference here) */
}

/* raw(7): a raw socket for the protocol takes the datagram, which then is
 * delivered (Ip InDelivers), and no Protocol Unreachable goes out (RFC 1122
 * 3.2.2.1 is about protocols the host does not support). */
static void test_ip_unknown_protocol_taken_by_raw_socket_is_silent(void)
{
    stack_setup();
    learn_peer();
    struct ip_raw_listener listener = { .datagram = raw_take };
    ip_raw_listener_add(&listener);
    uint8_t datagram[64];
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, TEST_PROTOCOL, 1, 0, 64, "x", 1);
    inject_ip(datagram, length);
    check_no_frame();
    CHECK_EQUAL(COUNTER(IP_IN_UNKNOWN_PROTOS), 0);
    CHECK_EQUAL(COUNTER(IP_IN_DELIVERS), 1);
    ip_raw_listener_remove(&listener);
}

/* Splits a UDP datagram's IP payload into fragments of the given sizes (multiples of 8). */
static size_t fragment_of(uint8_t *out, const uint8_t *payload, size_t offset, size_t length,
                          bool more, uint16_t identification)
{
    uint16_t flags = (uint16_t)((more ? 0x2000 : 0) | (offset / 8));
    return build_ip(out, PEER_ADDRESS, OUR_ADDRESS, 17, identification, flags, 64,
                    payload + offset, length);
}

static size_t udp_payload_for_fragments(uint8_t *udp, size_t data_length)
{
    uint8_t data[2000];
    for (size_t i = 0; i < data_length; i++)
        data[i] = (uint8_t)(i * 7);
    return build_udp(udp, PEER_ADDRESS, OUR_ADDRESS, 1234, 7, data, data_length, true);
}

/* After a datagram reassembly must drop: a new one (identification 0x55)
 * in two fragments is still put together and delivered. */
static void check_still_reassembles(void)
{
    uint8_t udp[2000], fragment[2000];
    size_t udp_length = udp_payload_for_fragments(udp, 152);    /* 160: 80 + 80 */
    inject_ip(fragment, fragment_of(fragment, udp, 80, 80, false, 0x55));
    inject_ip(fragment, fragment_of(fragment, udp, 0, 80, true, 0x55));
    CHECK(received != NULL);
    CHECK_BYTES(received->data, udp + 8, udp_length - 8);
    pbuf_put(received);
    received = NULL;
}

/* RFC 791 3.2 and RFC 1122 3.3.2: fragments reassembled in any order; the
 * datagram handed up has its whole length and no fragment fields. */
static void test_ip_reassembles_three_fragments(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t udp[2000], fragment[2000];
    size_t udp_length = udp_payload_for_fragments(udp, 292);    /* 300 bytes: 96 + 96 + 108 */
    /* Out of order: last, first, middle. */
    inject_ip(fragment, fragment_of(fragment, udp, 192, 108, false, 0x77));
    inject_ip(fragment, fragment_of(fragment, udp, 0, 96, true, 0x77));
    CHECK(received == NULL);
    inject_ip(fragment, fragment_of(fragment, udp, 96, 96, true, 0x77));
    CHECK(received != NULL);
    CHECK_EQUAL(pbuf_length(received), udp_length - 8);
    CHECK_BYTES(received->data, udp + 8, udp_length - 8);
    const uint8_t *header = pbuf_l3(received);
    CHECK_EQUAL(header[2] << 8 | header[3], 20 + udp_length);
    CHECK_EQUAL(header[6] & 0x3f, 0);
    CHECK_EQUAL(header[7], 0);
    CHECK_EQUAL(COUNTER(IP_REASM_REQDS), 3);
    CHECK_EQUAL(COUNTER(IP_REASM_OKS), 1);
    CHECK_EQUAL(COUNTER(IP_REASM_FAILS), 0);
    pbuf_put(received);
}

/* RFC 791 3.2: the identification, with the source, destination and
 * protocol, says which datagram a fragment belongs to: the fragments of two
 * datagrams from one host, interleaved, make two datagrams, each whole. */
static void test_ip_reassembly_keeps_datagrams_apart(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t first[2000], second[2000], fragment[2000];
    size_t first_length = udp_payload_for_fragments(first, 152);      /* 160: 80 + 80 */
    size_t second_length = udp_payload_for_fragments(second, 232);    /* 240: 80 + 160 */
    inject_ip(fragment, fragment_of(fragment, first, 0, 80, true, 0x31));
    inject_ip(fragment, fragment_of(fragment, second, 0, 80, true, 0x32));
    inject_ip(fragment, fragment_of(fragment, first, 80, 80, false, 0x31));
    CHECK(received != NULL);
    CHECK_EQUAL(pbuf_length(received), first_length - 8);
    CHECK_BYTES(received->data, first + 8, first_length - 8);
    pbuf_put(received);
    received = NULL;
    inject_ip(fragment, fragment_of(fragment, second, 80, 160, false, 0x32));
    CHECK(received != NULL);
    CHECK_EQUAL(pbuf_length(received), second_length - 8);
    CHECK_BYTES(received->data, second + 8, second_length - 8);
    CHECK_EQUAL(COUNTER(IP_REASM_OKS), 2);
    CHECK_EQUAL(COUNTER(IP_REASM_FAILS), 0);
    pbuf_put(received);
}

/* RFC 791 3.2: a fragment received twice fills no new octet; the datagram
 * still completes (RFC 5722's rule drops only overlaps, not duplicates). */
static void test_ip_duplicate_fragment_ignored(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t udp[2000], fragment[2000];
    size_t udp_length = udp_payload_for_fragments(udp, 152);    /* 160: 80 + 80 */
    inject_ip(fragment, fragment_of(fragment, udp, 0, 80, true, 5));
    inject_ip(fragment, fragment_of(fragment, udp, 0, 80, true, 5));
    inject_ip(fragment, fragment_of(fragment, udp, 80, 80, false, 5));
    CHECK(received != NULL);
    CHECK_BYTES(received->data, udp + 8, udp_length - 8);
    CHECK_EQUAL(COUNTER(IP_REASM_OKS), 1);
    pbuf_put(received);
}

/* Overlap (RFC 5722 policy, as Linux for IPv4): the whole datagram is
 * dropped, and a later one is still reassembled. */
static void test_ip_overlapping_fragments_fail_reassembly(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t udp[2000], fragment[2000];
    udp_payload_for_fragments(udp, 152);                        /* 160 bytes */
    inject_ip(fragment, fragment_of(fragment, udp, 0, 88, true, 9));
    inject_ip(fragment, fragment_of(fragment, udp, 80, 80, false, 9));   /* overlaps 80..88 */
    CHECK_EQUAL(COUNTER(IP_REASM_FAILS), 1);
    /* What would have completed the datagram finds nothing to complete. */
    inject_ip(fragment, fragment_of(fragment, udp, 88, 72, false, 9));
    inject_ip(fragment, fragment_of(fragment, udp, 0, 80, true, 9));
    CHECK(received == NULL);
    CHECK_EQUAL(COUNTER(IP_REASM_OKS), 0);
    check_still_reassembles();
    CHECK_EQUAL(COUNTER(IP_REASM_FAILS), 1);
}

/* RFC 1122 3.3.2: an incomplete datagram is discarded when its timer runs
 * out, with an ICMP Time Exceeded (RFC 792, code 1) since fragment zero came. */
static void test_ip_reassembly_times_out_with_icmp_time_exceeded(void)
{
    stack_setup();
    learn_peer();
    uint8_t udp[2000], first[2000], fragment[2000];
    udp_payload_for_fragments(udp, 292);
    size_t first_length = fragment_of(first, udp, 0, 96, true, 0x99);
    inject_ip(first, first_length);
    inject_ip(fragment, fragment_of(fragment, udp, 192, 108, false, 0x99));
    net_host_clock_advance(29999);
    check_no_frame();
    learn_peer();                  /* keep ARP confirmed, so that no probe goes first */
    net_host_clock_advance(1);
    CHECK_EQUAL(COUNTER(IP_REASM_TIMEOUT), 1);
    CHECK_EQUAL(COUNTER(IP_REASM_FAILS), 1);
    struct pbuf *frame = next_frame();
    const uint8_t *ip = frame->data + 14;
    CHECK_EQUAL(ip[9], 1);
    CHECK_BYTES(ip + 16, &(uint32_t){ PEER_ADDRESS }, 4);
    /* RFC 792: type 11, code 1 (fragment reassembly time exceeded), the first fragment quoted. */
    CHECK_EQUAL(ip[20], 11);
    CHECK_EQUAL(ip[21], 1);
    CHECK_BYTES(ip + 28, first, first_length);
    CHECK_EQUAL(test_checksum(0, ip + 20, pbuf_length(frame) - 14 - 20), 0);
    pbuf_put(frame);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ICMP_OUT_TIME_EXCDS), 1);
}

/* ip(7)'s ipfrag_time (RFC 1122 3.3.2's reassembly timeout): a datagram
 * begun after the setting waits that long, no longer. */
static void test_ip_reassembly_timeout_setting(void)
{
    stack_setup();
    learn_peer();
    CHECK_EQUAL(ip_reassembly_timeout_ms(), 30000);
    ip_reassembly_timeout_set(2000);
    uint8_t udp[2000], fragment[2000];
    udp_payload_for_fragments(udp, 292);
    inject_ip(fragment, fragment_of(fragment, udp, 0, 96, true, 0x97));
    net_host_clock_advance(1999);
    check_no_frame();
    learn_peer();
    net_host_clock_advance(1);
    CHECK_EQUAL(COUNTER(IP_REASM_FAILS), 1);
    CHECK_EQUAL(COUNTER(ICMP_OUT_TIME_EXCDS), 1);
    struct pbuf *frame = next_frame();
    pbuf_put(frame);
    ip_reassembly_timeout_set(30000);
}

/* RFC 1122 3.3.2: the Time Exceeded is sent only "if fragment zero has been
 * received"; the timer still runs out (Ip ReasmTimeout). */
static void test_ip_reassembly_timeout_without_first_fragment_is_silent(void)
{
    stack_setup();
    learn_peer();
    uint8_t udp[2000], fragment[2000];
    udp_payload_for_fragments(udp, 292);
    inject_ip(fragment, fragment_of(fragment, udp, 96, 96, true, 0x98));
    net_host_clock_advance(30000);
    CHECK_EQUAL(COUNTER(IP_REASM_TIMEOUT), 1);
    check_no_frame();
}

/* RFC 791 3.1: no datagram is longer than 65535 octets, so fragments
 * claiming bytes past it (the "ping of death") are refused; a later datagram
 * is still reassembled. */
static void test_ip_oversized_reassembly_refused(void)
{
    stack_setup();
    listen_on_port_7();
    uint8_t fragment[128], payload[64] = { 0 };
    size_t length = build_ip(fragment, PEER_ADDRESS, OUR_ADDRESS, 17, 3, 0x1fff, 64, payload, 64);
    inject_ip(fragment, length);
    CHECK_EQUAL(COUNTER(IP_REASM_FAILS), 1);
    check_still_reassembles();
    CHECK_EQUAL(COUNTER(IP_REASM_FAILS), 1);
    CHECK_EQUAL(COUNTER(IP_REASM_OKS), 1);
}

/* RFC 791 3.2: a datagram larger than the MTU leaves in fragments of the
 * same identification, each but the last carrying a multiple of 8 octets
 * with More Fragments set, offsets in 8-octet units (Ip FragOKs, FragCreates). */
static void test_ip_fragments_output_larger_than_mtu(void)
{
    stack_setup();
    learn_peer();
    struct udp_pcb pcb;
    udp_pcb_init(&pcb);
    CHECK_EQUAL(udp_bind(&pcb, IP_ADDRESS_ANY, net_htons(4000)), 0);
    struct pbuf *payload = pbuf_alloc(PBUF_TRANSPORT, 3000);
    for (size_t i = 0; i < 3000; i++)
        payload->data[i] = (uint8_t)i;
    CHECK_EQUAL(udp_send(&pcb, payload, PEER_ADDRESS, net_htons(9), NULL), 0);
    /* 3008 bytes of UDP: 1480 + 1480 + 48 (RFC 791: offsets in 8-byte units). */
    static const size_t lengths[3] = { 1500, 1500, 68 };
    static const uint16_t flags[3] = { 0x2000 | 0, 0x2000 | 185, 370 };
    uint8_t reassembled[3008];
    uint16_t identification = 0;
    for (int i = 0; i < 3; i++) {
        struct pbuf *frame = next_frame();
        const uint8_t *ip = frame->data + 14;
        CHECK_EQUAL(pbuf_length(frame), 14 + lengths[i]);
        CHECK_EQUAL(ip[0], 0x45);
        CHECK_EQUAL(ip[2] << 8 | ip[3], lengths[i]);
        CHECK_EQUAL(ip[6] << 8 | ip[7], flags[i]);
        CHECK_EQUAL(test_checksum(0, ip, 20), 0);
        if (i == 0)
            identification = (uint16_t)(ip[4] << 8 | ip[5]);
        CHECK_EQUAL(ip[4] << 8 | ip[5], identification);
        memcpy(reassembled + (flags[i] & 0x1fff) * 8, ip + 20, lengths[i] - 20);
        pbuf_put(frame);
    }
    check_no_frame();
    uint8_t expected_payload[3000];
    for (size_t i = 0; i < 3000; i++)
        expected_payload[i] = (uint8_t)i;
    CHECK_BYTES(reassembled + 8, expected_payload, 3000);
    CHECK_EQUAL(COUNTER(IP_FRAG_OKS), 1);
    CHECK_EQUAL(COUNTER(IP_FRAG_CREATES), 3);
    udp_pcb_remove(&pcb);
}

/* RFC 791 3.2 and 3.1: options whose copied flag is set go into every
 * fragment, the others into the first only, the header padded to 32 bits
 * with End of Option List.  The datagram comes with its own header
 * (IP_HDRINCL, raw(7)), the one way options reach ip_output. */
static void test_ip_fragments_copy_only_copied_options(void)
{
    stack_setup();
    learn_peer();
    /* Router Alert (148: copied, RFC 2113), Record Route (7: not copied),
     * End of Option List. */
    static const uint8_t options[12] = { 0x94, 4, 0, 0, 0x07, 7, 4, 0, 0, 0, 0, 0 };
    static const uint8_t later_options[4] = { 0x94, 4, 0, 0 };
    uint8_t data[2000];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 13);
    struct pbuf *datagram = pbuf_alloc(PBUF_IP, 32 + sizeof(data));
    uint8_t *header = datagram->data;
    memset(header, 0, 20);
    header[0] = 0x48;
    header[4] = 0x12;
    header[5] = 0x34;
    header[8] = 64;
    header[9] = TEST_PROTOCOL;
    memcpy(header + 12, &(uint32_t){ OUR_ADDRESS }, 4);
    memcpy(header + 16, &(uint32_t){ PEER_ADDRESS }, 4);
    memcpy(header + 20, options, sizeof(options));
    memcpy(header + 32, data, sizeof(data));
    CHECK_EQUAL(ip_output_header_included(datagram, NULL), 0);
    /* The first fragment: 1500 - 32 = 1468 octets, cut to 1464 (8 * 183);
     * the second: the other 536 behind a 24-octet header. */
    struct pbuf *frame = next_frame();
    const uint8_t *ip = frame->data + 14;
    CHECK_EQUAL(pbuf_length(frame), 14 + 32 + 1464);
    CHECK_EQUAL(ip[0], 0x48);
    CHECK_EQUAL(ip[2] << 8 | ip[3], 32 + 1464);
    CHECK_EQUAL(ip[4] << 8 | ip[5], 0x1234);
    CHECK_EQUAL(ip[6] << 8 | ip[7], 0x2000);
    CHECK_BYTES(ip + 20, options, sizeof(options));
    CHECK_EQUAL(test_checksum(0, ip, 32), 0);
    CHECK_BYTES(ip + 32, data, 1464);
    pbuf_put(frame);
    frame = next_frame();
    ip = frame->data + 14;
    CHECK_EQUAL(pbuf_length(frame), 14 + 24 + 536);
    CHECK_EQUAL(ip[0], 0x46);
    CHECK_EQUAL(ip[2] << 8 | ip[3], 24 + 536);
    CHECK_EQUAL(ip[4] << 8 | ip[5], 0x1234);
    CHECK_EQUAL(ip[6] << 8 | ip[7], 1464 / 8);
    CHECK_BYTES(ip + 20, later_options, sizeof(later_options));
    CHECK_EQUAL(test_checksum(0, ip, 24), 0);
    CHECK_BYTES(ip + 24, data + 1464, 536);
    pbuf_put(frame);
    check_no_frame();
    CHECK_EQUAL(COUNTER(IP_FRAG_OKS), 1);
    CHECK_EQUAL(COUNTER(IP_FRAG_CREATES), 2);
}

/* RFC 791 3.1: the header ip_output builds: version 4 and IHL 5, the total
 * length, an identification new for each datagram (RFC 6864 4.1), TTL 64 or
 * the socket's (ip(7) IP_TTL; RFC 1122 3.2.1.7: never 0), the type of
 * service given (IP_TOS), no flags unless asked, the protocol, the route's
 * source address, a right checksum.  Ip OutRequests counts each datagram;
 * no route is ENETUNREACH and Ip OutNoRoutes. */
static void test_ip_output_builds_header(void)
{
    stack_setup();
    learn_peer();
    struct ip_output_options options = { .ttl = 9, .type_of_service = 0x10 };
    uint16_t identifications[2];
    for (int i = 0; i < 2; i++) {
        struct pbuf *packet = pbuf_alloc(PBUF_TRANSPORT, 5);
        memcpy(packet->data, "hello", 5);
        CHECK_EQUAL(ip_output(packet, 0, PEER_ADDRESS, TEST_PROTOCOL, i ? &options : NULL), 0);
        struct pbuf *frame = next_frame();
        const uint8_t *ip = frame->data + 14;
        CHECK_EQUAL(pbuf_length(frame), 14 + 20 + 5);
        CHECK_BYTES(frame->data, peer_mac, 6);
        CHECK_EQUAL(ip[0], 0x45);
        CHECK_EQUAL(ip[1], i ? 0x10 : 0);
        CHECK_EQUAL(ip[2] << 8 | ip[3], 20 + 5);
        identifications[i] = (uint16_t)(ip[4] << 8 | ip[5]);
        CHECK_EQUAL(ip[6] << 8 | ip[7], 0);
        CHECK_EQUAL(ip[8], i ? 9 : IP_DEFAULT_TTL);
        CHECK_EQUAL(ip[9], TEST_PROTOCOL);
        CHECK_BYTES(ip + 12, &(uint32_t){ OUR_ADDRESS }, 4);
        CHECK_BYTES(ip + 16, &(uint32_t){ PEER_ADDRESS }, 4);
        CHECK_EQUAL(test_checksum(0, ip, 20), 0);
        CHECK_BYTES(ip + 20, "hello", 5);
        pbuf_put(frame);
    }
    CHECK(identifications[0] != identifications[1]);
    CHECK_EQUAL(COUNTER(IP_OUT_REQUESTS), 2);
    struct pbuf *packet = pbuf_alloc(PBUF_TRANSPORT, 1);
    CHECK_EQUAL(ip_output(packet, 0, ADDRESS(192, 0, 2, 1), TEST_PROTOCOL, NULL), -ENETUNREACH);
    CHECK_EQUAL(COUNTER(IP_OUT_NO_ROUTES), 1);
    CHECK_EQUAL(COUNTER(IP_OUT_REQUESTS), 2);
    check_no_frame();
}

/* RFC 791 3.1: Don't Fragment forbids fragmenting, so a datagram with DF
 * larger than the MTU is refused: EMSGSIZE (ip(7), IP_MTU_DISCOVER), Ip
 * FragFails; one that fits leaves with DF set. */
static void test_ip_dont_fragment_too_big_is_emsgsize(void)
{
    stack_setup();
    learn_peer();
    struct pbuf *packet = pbuf_alloc(PBUF_TRANSPORT, 1481);
    memset(packet->data, 0, 1481);
    struct ip_output_options options = { .dont_fragment = true };
    CHECK_EQUAL(ip_output(packet, 0, PEER_ADDRESS, TEST_PROTOCOL, &options), -EMSGSIZE);
    check_no_frame();
    CHECK_EQUAL(COUNTER(IP_FRAG_FAILS), 1);
    packet = pbuf_alloc(PBUF_TRANSPORT, 1480);
    memset(packet->data, 0, 1480);
    CHECK_EQUAL(ip_output(packet, 0, PEER_ADDRESS, TEST_PROTOCOL, &options), 0);
    struct pbuf *frame = next_frame();
    CHECK_EQUAL(frame->data[14 + 6], 0x40);        /* DF */
    pbuf_put(frame);
}

/* raw(7) IP_HDRINCL: total length and checksum always filled, source and id when 0. */
static void test_ip_header_included_fills_fields(void)
{
    stack_setup();
    learn_peer();
    uint8_t datagram[64];
    size_t length = build_ip(datagram, 0, PEER_ADDRESS, TEST_PROTOCOL, 0, 0x4000, 9, "raw!", 4);
    datagram[2] = datagram[3] = 0;
    datagram[10] = datagram[11] = 0x55;
    struct pbuf *packet = pbuf_alloc(PBUF_IP, length);
    memcpy(packet->data, datagram, length);
    CHECK_EQUAL(ip_output_header_included(packet, NULL), 0);
    struct pbuf *frame = next_frame();
    const uint8_t *ip = frame->data + 14;
    CHECK_EQUAL(ip[2] << 8 | ip[3], length);
    CHECK(ip[4] != 0 || ip[5] != 0);
    CHECK_EQUAL(ip[6], 0x40);
    CHECK_EQUAL(ip[8], 9);
    CHECK_BYTES(ip + 12, &(uint32_t){ OUR_ADDRESS }, 4);
    CHECK_EQUAL(test_checksum(0, ip, 20), 0);
    CHECK_BYTES(ip + 20, "raw!", 4);
    pbuf_put(frame);
}

/* socket(7) SO_BROADCAST: without it, sending to a broadcast address is
 * EACCES, as on Linux (RFC 1122 3.3.6 leaves broadcasts to the host). */
static void test_ip_broadcast_needs_permission(void)
{
    stack_setup();
    struct pbuf *packet = pbuf_alloc(PBUF_TRANSPORT, 1);
    CHECK_EQUAL(ip_output(packet, 0, ADDRESS(10, 0, 2, 255), TEST_PROTOCOL, NULL), -EACCES);
    check_no_frame();
}

/* RFC 1812 5.2.4.3: the route with the longest matching prefix wins; a
 * gateway must be on a connected network (Linux: ENETUNREACH); our own
 * addresses and 127/8 go to lo; route(8)'s /proc/net/route lists the table. */
static void test_ip_route_longest_prefix_match(void)
{
    stack_setup();
    CHECK_EQUAL(ip_route_add(0, 0, PEER_ADDRESS, NULL, 0), 0);
    CHECK_EQUAL(ip_route_add(ADDRESS(10, 1, 0, 0), ADDRESS(255, 255, 0, 0), ADDRESS(10, 0, 2, 3),
                             eth0, 0), 0);
    CHECK_EQUAL(ip_route_add(ADDRESS(10, 9, 0, 0), ADDRESS(255, 255, 0, 0), ADDRESS(10, 5, 0, 1),
                             NULL, 0), -ENETUNREACH);     /* gateway not on a connected net */
    CHECK_EQUAL(ip_route_add(ADDRESS(10, 9, 0, 0), ADDRESS(255, 255, 0, 0), ADDRESS(10, 5, 0, 1),
                             eth0, 0), -ENETUNREACH);
    CHECK_EQUAL(ip_route_add(ADDRESS(10, 9, 0, 0), ADDRESS(255, 255, 0, 1), 0, eth0, 0), -EINVAL);
    struct netif *netif;
    uint32_t next_hop, source;
    CHECK_EQUAL(ip_route_lookup(ADDRESS(8, 8, 8, 8), &netif, &next_hop, &source), 0);
    CHECK(netif == eth0 && next_hop == PEER_ADDRESS && source == OUR_ADDRESS);
    CHECK_EQUAL(ip_route_lookup(ADDRESS(10, 1, 2, 3), &netif, &next_hop, &source), 0);
    CHECK(netif == eth0 && next_hop == ADDRESS(10, 0, 2, 3));
    CHECK_EQUAL(ip_route_lookup(ADDRESS(10, 0, 2, 9), &netif, &next_hop, &source), 0);
    CHECK(netif == eth0 && next_hop == ADDRESS(10, 0, 2, 9));
    CHECK_EQUAL(ip_route_lookup(ADDRESS(127, 3, 4, 5), &netif, &next_hop, &source), 0);
    CHECK(netif == lo && source == ADDRESS(127, 0, 0, 1));
    CHECK_EQUAL(ip_route_lookup(OUR_ADDRESS, &netif, &next_hop, &source), 0);
    CHECK(netif == lo && source == OUR_ADDRESS);
    /* Linux's /proc/net/route: tab-separated, addresses as the raw word in
     * %08X (little-endian), each line padded to 127 characters. */
    char text[2048], expected[2048], line[160];
    ip_route_format(text, sizeof(text));
    static const char *lines[] = {
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT",
        "eth0\t00000000\t0202000A\t0003\t0\t0\t0\t00000000\t0\t0\t0",
        "eth0\t0002000A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0",
        "eth0\t0000010A\t0302000A\t0003\t0\t0\t0\t0000FFFF\t0\t0\t0",
    };
    expected[0] = 0;
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        snprintf(line, sizeof(line), "%-127s\n", lines[i]);
        strcat(expected, line);
    }
    CHECK(strcmp(text, expected) == 0);
    CHECK_EQUAL(ip_route_delete(0, 0, 0), 0);
    CHECK_EQUAL(ip_route_delete(0, 0, 0), -ESRCH);
    CHECK_EQUAL(ip_route_lookup(ADDRESS(8, 8, 8, 8), &netif, &next_hop, &source), -ENETUNREACH);
}

/* socket(7) SO_BINDTODEVICE: a bound socket's datagrams take only routes
 * through its interface, a limited broadcast included; of routes with the
 * same prefix the lowest metric wins (route(8)); routes through an
 * interface that is down are not taken (RFC 1122 3.3.1.4 leaves the
 * choice among routes to the host; these are Linux's). */
static void test_ip_route_bound_interface_and_metric(void)
{
    stack_setup();
    static const uint8_t eth1_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
    const uint32_t eth1_address = ADDRESS(192, 168, 5, 1), eth1_gateway = ADDRESS(192, 168, 5, 2);
    struct netif *eth1 = fake_netif_create("eth1", eth1_mac);
    CHECK_EQUAL(ip_address_set(eth1, eth1_address, ADDRESS(255, 255, 255, 0)), 0);
    fake_netif_clear_transmitted();
    struct netif *netif;
    uint32_t next_hop, source;
    CHECK_EQUAL(ip_route_lookup_on(eth1->index, IP_ADDRESS_BROADCAST, &netif, &next_hop, &source),
                0);
    CHECK(netif == eth1 && next_hop == IP_ADDRESS_BROADCAST && source == eth1_address);
    CHECK_EQUAL(ip_route_lookup_on(eth1->index, PEER_ADDRESS, &netif, &next_hop, &source),
                -ENETUNREACH);
    CHECK_EQUAL(ip_route_add(0, 0, ADDRESS(10, 0, 2, 3), eth0, 10), 0);
    CHECK_EQUAL(ip_route_add(0, 0, eth1_gateway, eth1, 5), 0);
    CHECK_EQUAL(ip_route_add(0, 0, PEER_ADDRESS, eth0, 0), 0);
    CHECK_EQUAL(ip_route_lookup_on(0, ADDRESS(8, 8, 8, 8), &netif, &next_hop, &source), 0);
    CHECK(netif == eth0 && next_hop == PEER_ADDRESS && source == OUR_ADDRESS);
    CHECK_EQUAL(ip_route_lookup_on(eth1->index, ADDRESS(8, 8, 8, 8), &netif, &next_hop, &source),
                0);
    CHECK(netif == eth1 && next_hop == eth1_gateway && source == eth1_address);
    /* eth0's connected network, but the socket is bound to eth1. */
    CHECK_EQUAL(ip_route_lookup_on(eth1->index, PEER_ADDRESS, &netif, &next_hop, &source), 0);
    CHECK(netif == eth1 && next_hop == eth1_gateway);
    CHECK_EQUAL(ip_route_lookup_on(eth0->index, ADDRESS(192, 168, 5, 9), &netif, &next_hop,
                                   &source), 0);
    CHECK(netif == eth0 && next_hop == PEER_ADDRESS);
    eth1->flags &= ~(uint32_t)NETIF_UP;
    CHECK_EQUAL(ip_route_lookup_on(eth1->index, ADDRESS(8, 8, 8, 8), &netif, &next_hop, &source),
                -ENETUNREACH);
    CHECK_EQUAL(ip_route_lookup_on(0, ADDRESS(192, 168, 5, 9), &netif, &next_hop, &source), 0);
    CHECK(netif == eth0 && next_hop == PEER_ADDRESS);
}

/* RFC 1122 3.2.1.3 (g): 127/8 is the host itself; a datagram sent there
 * comes back through lo and is delivered, nothing on the wire. */
static void test_ip_loopback_delivery(void)
{
    stack_setup();
    listen_on_port_7();
    struct udp_pcb sender;
    udp_pcb_init(&sender);
    struct pbuf *payload = pbuf_alloc(PBUF_TRANSPORT, 4);
    memcpy(payload->data, "ping", 4);
    CHECK_EQUAL(udp_send(&sender, payload, ADDRESS(127, 0, 0, 1), net_htons(7), NULL), 0);
    net_host_poll();
    CHECK(received != NULL);
    CHECK_BYTES(received->data, "ping", 4);
    CHECK_EQUAL(received_from, ADDRESS(127, 0, 0, 1));
    pbuf_put(received);
    check_no_frame();
    udp_pcb_remove(&sender);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_ip_checksum_any_length_and_alignment),
        TEST_ENTRY(test_ip_pseudo_header_sum),
        TEST_ENTRY(test_ip_rejects_bad_checksum_and_counts_it),
        TEST_ENTRY(test_ip_header_errors_counted),
        TEST_ENTRY(test_ip_trims_ethernet_padding),
        TEST_ENTRY(test_ip_bad_option_sends_parameter_problem),
        TEST_ENTRY(test_ip_not_for_us_dropped),
        TEST_ENTRY(test_ip_loopback_addresses_from_the_wire_dropped),
        TEST_ENTRY(test_ip_ttl_zero_delivered_locally),
        TEST_ENTRY(test_ip_unknown_protocol_sends_protocol_unreachable),
        TEST_ENTRY(test_ip_unknown_protocol_taken_by_raw_socket_is_silent),
        TEST_ENTRY(test_ip_raw_listener_sees_datagram_first),
        TEST_ENTRY(test_ip_raw_socket_sees_no_padding),
        TEST_ENTRY(test_ip_reassembles_three_fragments),
        TEST_ENTRY(test_ip_duplicate_fragment_ignored),
        TEST_ENTRY(test_ip_reassembly_keeps_datagrams_apart),
        TEST_ENTRY(test_ip_overlapping_fragments_fail_reassembly),
        TEST_ENTRY(test_ip_reassembly_times_out_with_icmp_time_exceeded),
        TEST_ENTRY(test_ip_reassembly_timeout_setting),
        TEST_ENTRY(test_ip_reassembly_timeout_without_first_fragment_is_silent),
        TEST_ENTRY(test_ip_oversized_reassembly_refused),
        TEST_ENTRY(test_ip_fragments_output_larger_than_mtu),
        TEST_ENTRY(test_ip_fragments_copy_only_copied_options),
        TEST_ENTRY(test_ip_output_builds_header),
        TEST_ENTRY(test_ip_dont_fragment_too_big_is_emsgsize),
        TEST_ENTRY(test_ip_header_included_fills_fields),
        TEST_ENTRY(test_ip_broadcast_needs_permission),
        TEST_ENTRY(test_ip_broadcast_and_multicast_sources_dropped),
        TEST_ENTRY(test_ip_route_longest_prefix_match),
        TEST_ENTRY(test_ip_route_bound_interface_and_metric),
        TEST_ENTRY(test_ip_loopback_delivery),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
