/* Host unit tests of UDP (udp/): RFC 768, RFC 1122 4.1.3. */
#include "tests/host/net_test.h"
#include "eth/eth.h"
#include "ip/ip.h"
#include "udp/udp.h"

static struct udp_pcb *last_receiver;
static struct pbuf *received;
static int deliveries;

static void keep(struct udp_pcb *pcb, struct pbuf *datagram, uint32_t source, uint16_t port)
{
    if (received)
        pbuf_put(received);
    pbuf_get(datagram);
    received = datagram;
    last_receiver = pcb;
    deliveries++;
}

static void open_pcb(struct udp_pcb *pcb, uint32_t address, uint16_t port, bool reuse)
{
    udp_pcb_init(pcb);
    pcb->receive = keep;
    pcb->reuse_address = reuse;
    CHECK_EQUAL(udp_bind(pcb, address, net_htons(port)), 0);
}

static size_t udp_datagram(uint8_t *out, uint32_t destination, uint16_t source_port,
                           uint16_t destination_port, const void *payload, size_t length,
                           bool with_checksum)
{
    uint8_t udp[1600];
    size_t udp_length = build_udp(udp, PEER_ADDRESS, destination, source_port, destination_port,
                                  payload, length, with_checksum);
    return build_ip(out, PEER_ADDRESS, destination, 17, 0x3333, 0, 64, udp, udp_length);
}

/* RFC 768: an all-zero checksum means the sender computed none; the datagram
 * is delivered, payload only. */
static void test_udp_checksum_zero_accepted(void)
{
    stack_setup();
    struct udp_pcb pcb;
    open_pcb(&pcb, IP_ADDRESS_ANY, 7, false);
    uint8_t datagram[64];
    size_t length = udp_datagram(datagram, OUR_ADDRESS, 1000, 7, "none", 4, false);
    CHECK_EQUAL(datagram[26] | datagram[27], 0);
    inject_ip(datagram, length);
    CHECK(received != NULL);
    CHECK_EQUAL(pbuf_length(received), 4);
    CHECK_BYTES(received->data, "none", 4);
    CHECK_EQUAL(COUNTER(UDP_IN_DATAGRAMS), 1);
    pbuf_put(received);
    udp_pcb_remove(&pcb);
}

/* RFC 1122 4.1.3.4: a datagram with a non-zero, wrong checksum is silently
 * discarded, counted InCsumErrors and InErrors (Linux). */
static void test_udp_bad_checksum_counted(void)
{
    stack_setup();
    struct udp_pcb pcb;
    open_pcb(&pcb, IP_ADDRESS_ANY, 7, false);
    uint8_t datagram[64];
    size_t length = udp_datagram(datagram, OUR_ADDRESS, 1000, 7, "sum", 3, true);
    datagram[28] ^= 0x20;                   /* payload changed, checksum not */
    inject_ip(datagram, length);
    CHECK(received == NULL);
    CHECK_EQUAL(COUNTER(UDP_IN_CSUM_ERRORS), 1);
    CHECK_EQUAL(COUNTER(UDP_IN_ERRORS), 1);
    check_no_frame();
    udp_pcb_remove(&pcb);
}

/* RFC 768: Length counts the header and the data, so at least 8, and no more
 * than the IP payload holds; a datagram breaking either rule is discarded and
 * counted InErrors.  A good one after them is delivered. */
static void test_udp_length_errors_counted(void)
{
    stack_setup();
    struct udp_pcb pcb;
    open_pcb(&pcb, IP_ADDRESS_ANY, 7, false);
    uint8_t udp[32], datagram[64];
    size_t udp_length = build_udp(udp, PEER_ADDRESS, OUR_ADDRESS, 1000, 7, "abc", 3, false);
    udp[5] = 12;                            /* UDP length beyond the IP payload */
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 17, 1, 0, 64, udp, udp_length);
    inject_ip(datagram, length);
    udp[5] = 7;                             /* shorter than the header */
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 17, 1, 0, 64, udp, udp_length);
    inject_ip(datagram, length);
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 17, 1, 0, 64, udp, 7);
    inject_ip(datagram, length);
    CHECK_EQUAL(COUNTER(UDP_IN_ERRORS), 3);
    CHECK(received == NULL);
    length = udp_datagram(datagram, OUR_ADDRESS, 1000, 7, "abc", 3, true);
    inject_ip(datagram, length);
    CHECK(received != NULL);
    CHECK_EQUAL(COUNTER(UDP_IN_DATAGRAMS), 1);
    pbuf_put(received);
    udp_pcb_remove(&pcb);
}

/* RFC 768 demultiplexes by destination port; among the PCBs on it, as Linux's
 * compute_score, a connected PCB beats one bound to our address, which beats a
 * wildcard (udp(7)). */
static void test_udp_most_specific_pcb_wins(void)
{
    stack_setup();
    struct udp_pcb wildcard, bound, connected;
    open_pcb(&wildcard, IP_ADDRESS_ANY, 5000, true);
    open_pcb(&bound, OUR_ADDRESS, 5000, true);
    open_pcb(&connected, OUR_ADDRESS, 5000, true);
    CHECK_EQUAL(udp_connect(&connected, PEER_ADDRESS, net_htons(6000)), 0);
    uint8_t datagram[64];
    size_t length = udp_datagram(datagram, OUR_ADDRESS, 6000, 5000, "c", 1, true);
    inject_ip(datagram, length);
    CHECK(last_receiver == &connected);
    length = udp_datagram(datagram, OUR_ADDRESS, 6001, 5000, "b", 1, true);
    inject_ip(datagram, length);
    CHECK(last_receiver == &bound);
    /* To 127.0.0.1 only the wildcard matches. */
    struct udp_pcb sender;
    udp_pcb_init(&sender);
    struct pbuf *payload = pbuf_alloc(PBUF_TRANSPORT, 1);
    payload->data[0] = 'w';
    CHECK_EQUAL(udp_send(&sender, payload, ADDRESS(127, 0, 0, 1), net_htons(5000), NULL), 0);
    net_host_poll();
    CHECK(last_receiver == &wildcard);
    CHECK_EQUAL(deliveries, 3);
    pbuf_put(received);
    udp_pcb_remove(&sender);
    udp_pcb_remove(&connected);
    udp_pcb_remove(&bound);
    udp_pcb_remove(&wildcard);
}

/* RFC 1122 4.1.3.1 and RFC 792: port unreachable quoting the IP header and more. */
static void test_udp_port_unreachable_quotes_header(void)
{
    stack_setup();
    learn_peer();
    uint8_t datagram[64];
    size_t length = udp_datagram(datagram, OUR_ADDRESS, 1000, 9999, "closed", 6, true);
    inject_ip(datagram, length);
    CHECK_EQUAL(COUNTER(UDP_NO_PORTS), 1);
    struct pbuf *frame = next_frame();
    const uint8_t *ip = frame->data + 14;
    CHECK_EQUAL(pbuf_length(frame), 14 + 20 + 8 + length);
    CHECK_EQUAL(ip[9], 1);
    CHECK_EQUAL(ip[1], 0xc0);               /* precedence internetwork control, as Linux */
    CHECK_BYTES(ip + 12, &(uint32_t){ OUR_ADDRESS }, 4);
    CHECK_BYTES(ip + 16, &(uint32_t){ PEER_ADDRESS }, 4);
    uint8_t expected[128];
    size_t icmp_length = build_icmp(expected, 3, 3, 0, datagram, length);
    CHECK_EQUAL(icmp_length, 8 + length);
    CHECK_BYTES(ip + 20, expected, icmp_length);
    pbuf_put(frame);
    CHECK_EQUAL(COUNTER(ICMP_OUT_DEST_UNREACHS), 1);
}

/* RFC 1122 3.2.2: no ICMP error about a datagram to an IP or link-layer
 * broadcast; Linux counts the datagram nobody takes IgnoredMulti, not NoPorts. */
static void test_udp_no_port_unreachable_for_broadcast(void)
{
    stack_setup();
    learn_peer();
    uint8_t datagram[64], frame[100];
    size_t length = udp_datagram(datagram, ADDRESS(10, 0, 2, 255), 1000, 9999, "b", 1, true);
    inject_ip(datagram, length);
    length = udp_datagram(datagram, IP_ADDRESS_BROADCAST, 1000, 9999, "b", 1, true);
    size_t frame_length = build_eth(frame, eth_broadcast_address, peer_mac, ETH_TYPE_IP,
                                    datagram, length);
    fake_netif_inject(eth0, frame, frame_length);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ICMP_OUT_MSGS), 0);
    CHECK_EQUAL(COUNTER(UDP_NO_PORTS), 0);
    CHECK_EQUAL(COUNTER(UDP_IGNORED_MULTI), 2);   /* Linux's name for them */
}

/* RFC 1122 3.3.6 (broadcasts are received) and udp(7) SO_REUSEADDR: every PCB
 * bound to the port gets its own copy of a broadcast (Linux's
 * __udp4_lib_mcast_deliver). */
static void test_udp_broadcast_reaches_every_matching_pcb(void)
{
    stack_setup();
    struct udp_pcb first, second;
    open_pcb(&first, IP_ADDRESS_ANY, 67, true);
    open_pcb(&second, IP_ADDRESS_ANY, 67, true);
    uint8_t datagram[64];
    size_t length = udp_datagram(datagram, IP_ADDRESS_BROADCAST, 68, 67, "dhcp", 4, true);
    inject_ip(datagram, length);
    CHECK_EQUAL(deliveries, 2);
    CHECK_EQUAL(COUNTER(UDP_IGNORED_MULTI), 0);
    pbuf_put(received);
    udp_pcb_remove(&first);
    udp_pcb_remove(&second);
}

static int tapped_frames;
static void count_frame(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    tapped_frames++;
}

/* Our own broadcast reaches our listeners too (as Linux loops it back), but
 * sniffers see it once, leaving. */
static void test_udp_own_broadcast_looped_back(void)
{
    stack_setup();
    struct udp_pcb listener, sender;
    open_pcb(&listener, IP_ADDRESS_ANY, 6000, false);
    udp_pcb_init(&sender);
    struct netif_tap tap = { .frame = count_frame };
    netif_tap_add(&tap);
    struct ip_output_options options = { .allow_broadcast = true };
    struct pbuf *payload = pbuf_alloc(PBUF_TRANSPORT, 3);
    memcpy(payload->data, "all", 3);
    CHECK_EQUAL(udp_send(&sender, payload, IP_ADDRESS_BROADCAST, net_htons(6000), &options), 0);
    CHECK(received == NULL);       /* not from within the sender's own call */
    net_host_poll();
    CHECK(received != NULL && last_receiver == &listener);
    CHECK_BYTES(received->data, "all", 3);
    struct pbuf *frame = next_frame();
    CHECK_BYTES(frame->data, eth_broadcast_address, 6);
    pbuf_put(frame);
    CHECK_EQUAL(tapped_frames, 1);
    netif_tap_remove(&tap);
    pbuf_put(received);
    udp_pcb_remove(&listener);
    udp_pcb_remove(&sender);
}

/* bind(2), udp(7): a port in use on an overlapping address is EADDRINUSE, an
 * address not ours EADDRNOTAVAIL, a second bind EINVAL; SO_REUSEADDR on both
 * PCBs shares the port (socket(7)). */
static void test_udp_bind_errors(void)
{
    stack_setup();
    struct udp_pcb a, b, c;
    open_pcb(&a, IP_ADDRESS_ANY, 53, false);
    udp_pcb_init(&b);
    CHECK_EQUAL(udp_bind(&b, OUR_ADDRESS, net_htons(53)), -EADDRINUSE);
    CHECK_EQUAL(udp_bind(&b, ADDRESS(10, 9, 9, 9), net_htons(54)), -EADDRNOTAVAIL);
    CHECK_EQUAL(udp_bind(&b, ADDRESS(127, 0, 0, 1), net_htons(53)), -EADDRINUSE);
    CHECK_EQUAL(udp_bind(&b, ADDRESS(127, 0, 0, 1), net_htons(54)), 0);
    CHECK_EQUAL(udp_bind(&b, ADDRESS(127, 0, 0, 1), net_htons(55)), -EINVAL);
    /* SO_REUSEADDR on both sides shares the port. */
    open_pcb(&c, IP_ADDRESS_ANY, 80, true);
    struct udp_pcb d;
    udp_pcb_init(&d);
    d.reuse_address = true;
    CHECK_EQUAL(udp_bind(&d, IP_ADDRESS_ANY, net_htons(80)), 0);
    udp_pcb_remove(&a);
    udp_pcb_remove(&b);
    udp_pcb_remove(&c);
    udp_pcb_remove(&d);
}

/* ip(7) ip_local_port_range: an ephemeral port lies in Linux's default
 * 32768-60999, and no two PCBs get the same one. */
static void test_udp_ephemeral_ports_in_linux_range(void)
{
    stack_setup();
    struct udp_pcb pcbs[64];
    for (int i = 0; i < 64; i++) {
        udp_pcb_init(&pcbs[i]);
        CHECK_EQUAL(udp_bind(&pcbs[i], IP_ADDRESS_ANY, 0), 0);
        uint16_t port = net_ntohs(pcbs[i].local_port);
        CHECK(port >= 32768 && port <= 60999);
        for (int j = 0; j < i; j++)
            CHECK(pcbs[j].local_port != pcbs[i].local_port);
    }
    for (int i = 0; i < 64; i++)
        udp_pcb_remove(&pcbs[i]);
}

/* connect(2) with AF_UNSPEC, as Linux's __udp_disconnect: the peer goes, and so
 * do a local address and port that bind did not name; the next send binds
 * afresh on the address kept. */
static void test_udp_disconnect_keeps_what_bind_named(void)
{
    stack_setup();
    learn_peer();
    struct udp_pcb named, chosen;
    open_pcb(&named, IP_ADDRESS_ANY, 4000, false);
    CHECK_EQUAL(udp_connect(&named, PEER_ADDRESS, net_htons(53)), 0);
    CHECK_EQUAL(named.local_address, OUR_ADDRESS);
    udp_disconnect(&named);
    CHECK_EQUAL(named.remote_address, 0);
    CHECK_EQUAL(named.remote_port, 0);
    CHECK_EQUAL(named.local_address, 0);
    CHECK_EQUAL(named.local_port, net_htons(4000));
    open_pcb(&chosen, OUR_ADDRESS, 0, false);
    CHECK_EQUAL(udp_connect(&chosen, PEER_ADDRESS, net_htons(53)), 0);
    udp_disconnect(&chosen);
    CHECK_EQUAL(chosen.local_address, OUR_ADDRESS);
    CHECK_EQUAL(chosen.local_port, 0);
    /* The next send binds a new ephemeral port, on the address kept. */
    struct pbuf *payload = pbuf_alloc(PBUF_TRANSPORT, 1);
    payload->data[0] = 'x';
    CHECK_EQUAL(udp_send(&chosen, payload, PEER_ADDRESS, net_htons(53), NULL), 0);
    CHECK(chosen.local_port != 0);
    CHECK_EQUAL(chosen.local_address, OUR_ADDRESS);
    struct pbuf *frame = next_frame();
    CHECK_BYTES(frame->data + 14 + 12, &(uint32_t){ OUR_ADDRESS }, 4);
    CHECK_BYTES(frame->data + 14 + 20, &chosen.local_port, 2);
    pbuf_put(frame);
    udp_pcb_remove(&named);
    udp_pcb_remove(&chosen);
}

/* RFC 768: the header (ports, Length, checksum over the pseudo-header, the
 * header and the data), then IP protocol 17; no destination and no peer is
 * EDESTADDRREQ (udp(7)). */
static void test_udp_send_builds_header_and_checksum(void)
{
    stack_setup();
    learn_peer();
    struct udp_pcb pcb;
    open_pcb(&pcb, IP_ADDRESS_ANY, 4444, false);
    struct pbuf *payload = pbuf_alloc(PBUF_TRANSPORT, 5);
    memcpy(payload->data, "hello", 5);
    CHECK_EQUAL(udp_send(&pcb, payload, PEER_ADDRESS, net_htons(53), NULL), 0);
    struct pbuf *frame = next_frame();
    uint8_t expected[64];
    size_t udp_length = build_udp(expected, OUR_ADDRESS, PEER_ADDRESS, 4444, 53, "hello", 5, true);
    CHECK_EQUAL(pbuf_length(frame), 14 + 20 + udp_length);
    CHECK_BYTES(frame->data + 14 + 20, expected, udp_length);
    CHECK_EQUAL(frame->data[14 + 9], 17);
    pbuf_put(frame);
    CHECK_EQUAL(COUNTER(UDP_OUT_DATAGRAMS), 1);
    /* Not connected and no destination. */
    payload = pbuf_alloc(PBUF_TRANSPORT, 1);
    CHECK_EQUAL(udp_send(&pcb, payload, IP_ADDRESS_ANY, 0, NULL), -EDESTADDRREQ);
    udp_pcb_remove(&pcb);
}

/* RFC 768: a computed checksum of zero is sent as all ones. */
static void test_udp_computed_zero_checksum_sent_as_ffff(void)
{
    stack_setup();
    learn_peer();
    struct udp_pcb pcb;
    open_pcb(&pcb, IP_ADDRESS_ANY, 4444, false);
    /* With a zero payload word the checksum is C; a payload word of C makes
     * the sum all ones, so the computed checksum is 0. */
    uint8_t udp[16];
    build_udp(udp, OUR_ADDRESS, PEER_ADDRESS, 4444, 53, "\0\0", 2, true);
    uint16_t word;
    memcpy(&word, udp + 6, 2);
    struct pbuf *payload = pbuf_alloc(PBUF_TRANSPORT, 2);
    memcpy(payload->data, &word, 2);
    CHECK_EQUAL(udp_send(&pcb, payload, PEER_ADDRESS, net_htons(53), NULL), 0);
    struct pbuf *frame = next_frame();
    CHECK_EQUAL(frame->data[14 + 20 + 6], 0xff);
    CHECK_EQUAL(frame->data[14 + 20 + 7], 0xff);
    pbuf_put(frame);
    udp_pcb_remove(&pcb);
}

/* Linux's /proc/net/udp layout (udp4_seq_show), lines padded to 127 characters. */
static void test_udp_proc_net_udp_format(void)
{
    stack_setup();
    struct udp_pcb dns, client;
    open_pcb(&dns, IP_ADDRESS_ANY, 53, false);
    open_pcb(&client, ADDRESS(127, 0, 0, 1), 40000, false);
    CHECK_EQUAL(udp_connect(&client, ADDRESS(127, 0, 0, 1), net_htons(53)), 0);
    char text[2048], expected[2048], line[160];
    udp_pcb_format(text, sizeof(text));
    static const char *lines[] = {
        "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid"
        "  timeout inode ref pointer drops",
        "    0: 00000000:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0"
        "        0 0 2 0000000000000000 0",
        "    1: 0100007F:9C40 0100007F:0035 01 00000000:00000000 00:00000000 00000000     0"
        "        0 0 2 0000000000000000 0",
    };
    expected[0] = 0;
    for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
        snprintf(line, sizeof(line), "%-127s\n", lines[i]);
        strcat(expected, line);
    }
    CHECK(strcmp(text, expected) == 0);
    udp_pcb_remove(&dns);
    udp_pcb_remove(&client);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_udp_checksum_zero_accepted),
        TEST_ENTRY(test_udp_bad_checksum_counted),
        TEST_ENTRY(test_udp_length_errors_counted),
        TEST_ENTRY(test_udp_most_specific_pcb_wins),
        TEST_ENTRY(test_udp_port_unreachable_quotes_header),
        TEST_ENTRY(test_udp_no_port_unreachable_for_broadcast),
        TEST_ENTRY(test_udp_broadcast_reaches_every_matching_pcb),
        TEST_ENTRY(test_udp_own_broadcast_looped_back),
        TEST_ENTRY(test_udp_bind_errors),
        TEST_ENTRY(test_udp_ephemeral_ports_in_linux_range),
        TEST_ENTRY(test_udp_disconnect_keeps_what_bind_named),
        TEST_ENTRY(test_udp_send_builds_header_and_checksum),
        TEST_ENTRY(test_udp_computed_zero_checksum_sent_as_ffff),
        TEST_ENTRY(test_udp_proc_net_udp_format),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
