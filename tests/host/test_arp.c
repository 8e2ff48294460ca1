/* Host unit tests of ARP (arp/): RFC 826, RFC 1122 2.3.2. */
#include "tests/host/net_test.h"
#include "eth/eth.h"
#include "arp/arp.h"
#include "ip/ip.h"
#include "icmp/icmp.h"
#include "arp/arp_private.h"

#define OTHER_ADDRESS ADDRESS(10, 0, 2, 3)
#define TEST_PROTOCOL 253          /* RFC 3692 experimentation */

/* An RFC 826 packet for Ethernet/IPv4 in an Ethernet frame; returns the frame length. */
static size_t build_arp(uint8_t *frame, const uint8_t eth_destination[6], uint16_t operation,
                        const uint8_t sender_mac[6], uint32_t sender, const uint8_t target_mac[6],
                        uint32_t target)
{
    uint8_t arp[28] = { 0x00, 0x01, 0x08, 0x00, 6, 4, 0, (uint8_t)operation };
    memcpy(arp + 8, sender_mac, 6);
    memcpy(arp + 14, &sender, 4);
    memcpy(arp + 18, target_mac, 6);
    memcpy(arp + 24, &target, 4);
    return build_eth(frame, eth_destination, sender_mac, ETH_TYPE_ARP, arp, sizeof(arp));
}

/* Sends one byte marker to destination through ip_output. */
static void send_marker(uint32_t destination, uint8_t marker)
{
    struct pbuf *packet = pbuf_alloc(PBUF_TRANSPORT, 1);
    packet->data[0] = marker;
    CHECK_EQUAL(ip_output(packet, 0, destination, TEST_PROTOCOL, NULL), 0);
}

static void check_request_for(struct pbuf *frame, const uint8_t destination[6], uint32_t target)
{
    uint8_t expected[42];
    build_arp(expected, destination, 1, our_mac, OUR_ADDRESS, eth_zero_address, target);
    memcpy(expected + 6, our_mac, 6);
    CHECK_EQUAL(pbuf_length(frame), sizeof(expected));
    CHECK_BYTES(frame->data, expected, sizeof(expected));
}

/* Sends a datagram to neighbour and checks that it left at once, to the
 * hardware address cached for it, with no request. */
static void check_sent_at_once_to(uint32_t neighbour, const uint8_t hardware[6], uint8_t marker)
{
    send_marker(neighbour, marker);
    struct pbuf *packet = next_frame();
    CHECK_BYTES(packet->data, hardware, 6);
    CHECK_EQUAL(packet->data[12] << 8 | packet->data[13], ETH_TYPE_IP);
    CHECK_EQUAL(packet->data[14 + 20], marker);
    pbuf_put(packet);
    check_no_frame();
}

static void check_sent_at_once(uint8_t marker)
{
    check_sent_at_once_to(PEER_ADDRESS, peer_mac, marker);
}

/* An entry used while STALE is probed ARP_DELAY_MS later, not before (DELAY,
 * then PROBE's first unicast request to the cached hardware address). */
static void check_probed_after_delay(uint32_t neighbour, const uint8_t hardware[6])
{
    net_host_clock_advance(ARP_DELAY_MS - 1);
    check_no_frame();
    net_host_clock_advance(1);
    struct pbuf *probe = next_frame();
    check_request_for(probe, hardware, neighbour);
    pbuf_put(probe);
    check_no_frame();
}

static const char *arp_table(void)
{
    static char text[1024];
    arp_cache_format(text, sizeof(text));
    return text;
}

#define ARP_HEADER "IP address       HW type     Flags       HW address            Mask     Device\n"

/* A broadcast request for our address from (sender_mac, sender) gets its
 * reply (RFC 826: sender and target swapped, our hardware address as
 * sender, opcode reply, sent to sender_mac), and nothing else goes out. */
static void check_request_answered(const uint8_t sender_mac[6], uint32_t sender)
{
    fake_netif_clear_transmitted();
    uint8_t frame[42];
    size_t length = build_arp(frame, eth_broadcast_address, 1, sender_mac, sender,
                              eth_zero_address, OUR_ADDRESS);
    fake_netif_inject(eth0, frame, length);
    uint8_t expected[42];
    build_arp(expected, sender_mac, 2, our_mac, OUR_ADDRESS, sender_mac, sender);
    struct pbuf *reply = next_frame();
    CHECK_EQUAL(pbuf_length(reply), 42);
    CHECK_BYTES(reply->data, expected, 42);
    pbuf_put(reply);
    check_no_frame();
}

/* The peer's request for us is answered.  After packets ARP had to ignore,
 * it shows ARP alive, so that an ARP that ignores everything fails those
 * tests too. */
static void check_request_for_us_answered(void)
{
    check_request_answered(peer_mac, PEER_ADDRESS);
}

/* RFC 826 "Packet Reception": a request for our protocol address is
 * answered: sender and target swapped, our hardware and protocol addresses
 * as sender, opcode reply, sent to the requester's hardware address; and
 * the requester, whose request was for us, is added to the table. */
static void test_arp_request_for_us_answered_and_learned(void)
{
    stack_setup();
    check_request_for_us_answered();
    CHECK_EQUAL(COUNTER(ARP_IN_REQUESTS), 1);
    CHECK_EQUAL(COUNTER(ARP_OUT_REPLIES), 1);
    /* The requester was learned (Linux's /proc/net/arp line format). */
    CHECK(strcmp(arp_table(), ARP_HEADER "10.0.2.2         0x1         0x2         "
                                          "52:55:0a:00:02:02     *        eth0\n") == 0);
}

/* RFC 826 "Packet Reception": "Am I the target protocol address?" - no:
 * no reply (a host is no proxy ARP server, RFC 1027), and a sender we have
 * no entry for is not added.  Nor is the interface's broadcast address, the
 * limited broadcast or lo's 127.0.0.1 "me" on this wire: no host has a
 * broadcast address (RFC 1122 3.2.1.3), and Linux answers none of them
 * (a loopback target is dropped, a broadcast one is no local address). */
static void test_arp_request_for_other_address_ignored(void)
{
    stack_setup();
    const struct {
        uint32_t target;
        const char *name;
    } cases[] = {
        { OTHER_ADDRESS, "10.0.2.3, another host" },
        { ADDRESS(10, 0, 2, 255), "10.0.2.255, eth0's broadcast" },
        { IP_ADDRESS_BROADCAST, "255.255.255.255" },
        { ADDRESS(127, 0, 0, 1), "127.0.0.1, lo's address" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t frame[42];
        size_t length = build_arp(frame, eth_broadcast_address, 1, peer_mac, PEER_ADDRESS,
                                  eth_zero_address, cases[i].target);
        fake_netif_inject(eth0, frame, length);
        CHECK_CASE(fake_netif_transmitted_count() == 0, cases[i].name);
        CHECK_CASE(strcmp(arp_table(), ARP_HEADER) == 0, cases[i].name);
        CHECK_CASE(COUNTER(ARP_IN_REQUESTS) == i + 1, cases[i].name);
    }
    check_request_for_us_answered();
}

/* RFC 826 "Packet Reception": a packet whose hardware type (ar$hrd) or
 * protocol (ar$pro) we do not have, whose address lengths (ar$hln, ar$pln)
 * are not Ethernet's and IPv4's, whose opcode is neither request nor reply,
 * or that is cut short, is dropped: counted InErrors, nothing learned or
 * sent.  The hardware length is the check RFC 826 calls optional; Linux's
 * arp_rcv drops a packet whose ar$hln is not the device's. */
static void test_arp_malformed_dropped_and_counted(void)
{
    stack_setup();
    uint8_t frame[42];
    size_t length = build_arp(frame, eth_broadcast_address, 1, peer_mac, PEER_ADDRESS,
                              eth_zero_address, OUR_ADDRESS);
    uint8_t bad[42];
    memcpy(bad, frame, length);
    bad[15] = 6;                         /* hardware type 6 (IEEE 802) */
    fake_netif_inject(eth0, bad, length);
    memcpy(bad, frame, length);
    bad[16] = 0x86;                      /* protocol type 0x86dd */
    bad[17] = 0xdd;
    fake_netif_inject(eth0, bad, length);
    memcpy(bad, frame, length);
    bad[18] = 8;                         /* hardware length 8 */
    fake_netif_inject(eth0, bad, length);
    memcpy(bad, frame, length);
    bad[19] = 16;                        /* protocol length 16 */
    fake_netif_inject(eth0, bad, length);
    memcpy(bad, frame, length);
    bad[21] = 9;                         /* opcode 9 */
    fake_netif_inject(eth0, bad, length);
    fake_netif_inject(eth0, frame, length - 1);   /* truncated */
    CHECK_EQUAL(COUNTER(ARP_IN_ERRORS), 6);
    check_no_frame();
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
    check_request_for_us_answered();
    CHECK_EQUAL(COUNTER(ARP_IN_ERRORS), 6);
}

/* RFC 1122 2.3.2.2: a datagram to an address not yet resolved waits while
 * a broadcast request (RFC 826: target hardware address zero) goes out, and
 * leaves, to the hardware address the reply gives, when the reply comes;
 * the next datagram goes at once. */
static void test_arp_queue_released_on_reply(void)
{
    stack_setup();
    send_marker(PEER_ADDRESS, 0xa1);
    struct pbuf *request = next_frame();
    check_request_for(request, eth_broadcast_address, PEER_ADDRESS);
    pbuf_put(request);
    check_no_frame();
    CHECK(strstr(arp_table(), "10.0.2.2         0x1         0x0         00:00:00:00:00:00") != NULL);
    uint8_t frame[42];
    size_t length = build_arp(frame, our_mac, 2, peer_mac, PEER_ADDRESS, our_mac, OUR_ADDRESS);
    fake_netif_inject(eth0, frame, length);
    struct pbuf *packet = next_frame();
    CHECK_BYTES(packet->data, peer_mac, 6);
    CHECK_BYTES(packet->data + 6, our_mac, 6);
    CHECK_EQUAL(packet->data[14 + 20], 0xa1);
    pbuf_put(packet);
    CHECK_EQUAL(COUNTER(ARP_IN_REPLIES), 1);
    /* Resolved: the next packet goes at once. */
    send_marker(PEER_ADDRESS, 0xa2);
    packet = next_frame();
    CHECK_EQUAL(packet->data[14 + 20], 0xa2);
    pbuf_put(packet);
    check_no_frame();
}

/* RFC 1122 2.3.2.2: keep (at least) the latest packets to an unresolved
 * address, three here, the older ones dropped (QueueDrops); 2.3.2.1: one
 * request for all of them, no flooding. */
static void test_arp_queue_bounded_keeps_latest(void)
{
    stack_setup();
    for (uint8_t i = 1; i <= 5; i++)
        send_marker(PEER_ADDRESS, i);
    pbuf_put(next_frame());     /* the one request */
    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_QUEUE_DROPS), 2);
    learn_peer();
    for (uint8_t i = 3; i <= 5; i++) {
        struct pbuf *packet = next_frame();
        CHECK_EQUAL(packet->data[14 + 20], i);
        pbuf_put(packet);
    }
    check_no_frame();
}

/* RFC 1122 2.3.2.1: cache entries are validated, Linux's way: an address a
 * reply confirmed is used 30 s (REACHABLE), then still used but STALE; a
 * STALE entry that is used is probed by unicast requests 5 s later (DELAY,
 * then PROBE); a reply confirms it again; unused and unconfirmed, it is
 * forgotten 60 s after it went STALE. */
static void test_arp_entry_times_out_after_30_seconds(void)
{
    stack_setup();
    learn_peer();
    net_host_clock_advance(29999);
    send_marker(PEER_ADDRESS, 1);
    pbuf_put(next_frame());
    check_no_frame();              /* still REACHABLE: no request */
    net_host_clock_advance(1);     /* 30 s: STALE, still used as it is */
    check_sent_at_once(2);
    /* Used while STALE: 5 s later, unicast probes (Linux's DELAY, then PROBE). */
    check_probed_after_delay(PEER_ADDRESS, peer_mac);
    /* A reply confirms it: REACHABLE again, no more probes. */
    learn_peer();
    net_host_clock_advance(29999);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), 1);
    /* Unused and unconfirmed: STALE at 30 s, kept 60 s more, then forgotten. */
    net_host_clock_advance(1 + 59999);
    CHECK(strstr(arp_table(), "10.0.2.2 ") != NULL);
    net_host_clock_advance(1);
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
}

/* RFC 1122 2.3.2.1: an entry whose unicast probes go unanswered, three of
 * them one second apart (Linux's ucast_solicit), is forgotten: the next
 * datagram starts over with a broadcast request.  Until then the cached
 * address is still used: in Linux's DELAY and PROBE states a datagram
 * leaves at once, it does not wait. */
static void test_arp_unanswered_probes_forget_entry(void)
{
    stack_setup();
    learn_peer();
    net_host_clock_advance(30000);
    check_sent_at_once(1);         /* STALE, now DELAY */
    net_host_clock_advance(2000);
    check_sent_at_once(2);         /* DELAY */
    net_host_clock_advance(3000);
    for (uint8_t i = 0; i < 3; i++) {
        struct pbuf *probe = next_frame();
        check_request_for(probe, peer_mac, PEER_ADDRESS);
        pbuf_put(probe);
        check_no_frame();
        CHECK(strstr(arp_table(), "10.0.2.2") != NULL);
        check_sent_at_once(3 + i);     /* PROBE */
        net_host_clock_advance(1000);
    }
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
    /* The next packet starts over with a broadcast request. */
    send_marker(PEER_ADDRESS, 6);
    struct pbuf *request = next_frame();
    check_request_for(request, eth_broadcast_address, PEER_ADDRESS);
    pbuf_put(request);
}

/* The first frame sent on lo (the error we send ourselves). */
static struct pbuf *looped;
static void tap_lo(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    if (netif == lo && frame->packet_type == PBUF_OUTGOING && !looped) {
        pbuf_get(frame);
        looped = frame;
    }
}

/* RFC 1122 2.3.2.1: at most one request a second per address, three in
 * all (Linux's mcast_solicit), then the resolution fails one second after
 * the last; 2.3.2.2: each datagram that waited is answered with an ICMP
 * host unreachable (RFC 792, type 3 code 1, quoting it) to its sender, here
 * ourselves, through lo, as Linux's arp_error_report does for each; the
 * other entries stay. */
static void test_arp_failure_sends_host_unreachable(void)
{
    stack_setup();
    learn_peer();
    struct netif_tap tap = { .frame = tap_lo };
    netif_tap_add(&tap);
    for (int fill = 0x5a; fill <= 0x5c; fill++) {
        struct pbuf *packet = pbuf_alloc(PBUF_TRANSPORT, 8);
        memset(packet->data, fill, 8);
        CHECK_EQUAL(ip_output(packet, 0, OTHER_ADDRESS, TEST_PROTOCOL, NULL), 0);
    }
    /* Three requests one second apart (t = 0, 1, 2 s), then failure at 3 s. */
    for (int i = 0; i < 3; i++) {
        struct pbuf *request = next_frame();
        check_request_for(request, eth_broadcast_address, OTHER_ADDRESS);
        pbuf_put(request);
        check_no_frame();
        CHECK_EQUAL(COUNTER(ARP_RESOLUTION_FAILURES), 0);
        net_host_clock_advance(1000);
    }
    CHECK_EQUAL(COUNTER(ARP_RESOLUTION_FAILURES), 1);
    check_no_frame();        /* the error went to ourselves, through lo */
    CHECK_EQUAL(COUNTER(ICMP_OUT_DEST_UNREACHS), 3);
    CHECK_EQUAL(COUNTER(ICMP_IN_DEST_UNREACHS), 3);
    CHECK(strcmp(arp_table(), ARP_HEADER "10.0.2.2         0x1         0x2         "
                                          "52:55:0a:00:02:02     *        eth0\n") == 0);
    /* RFC 792: type 3 code 1, from and to us, quoting the first datagram (28 bytes). */
    CHECK(looped != NULL);
    const uint8_t *ip = looped->data + 14;
    CHECK_EQUAL(pbuf_length(looped), 14 + 20 + 8 + 28);
    CHECK_BYTES(ip + 12, &(uint32_t){ OUR_ADDRESS }, 4);
    CHECK_BYTES(ip + 16, &(uint32_t){ OUR_ADDRESS }, 4);
    static const uint8_t icmp[8] = { 3, 1, 0, 0, 0, 0, 0, 0 };
    CHECK_BYTES(ip + 20, icmp, 2);
    CHECK_BYTES(ip + 24, icmp + 4, 4);
    CHECK_EQUAL(test_checksum(0, ip + 20, 8 + 28), 0);
    const uint8_t *quoted = ip + 28;
    CHECK_EQUAL(quoted[9], TEST_PROTOCOL);
    CHECK_BYTES(quoted + 12, &(uint32_t){ OUR_ADDRESS }, 4);
    CHECK_BYTES(quoted + 16, &(uint32_t){ OTHER_ADDRESS }, 4);
    CHECK_BYTES(quoted + 20, "ZZZZZZZZ", 8);
    netif_tap_remove(&tap);
    pbuf_put(looped);
}

/* RFC 826 "Packet Reception": the merge updates an entry we have with the
 * sender's hardware address whatever the target is, so a gratuitous ARP
 * (RFC 5227 2.4's announcement: sender = target) moves a known address to
 * its new hardware address, and adds no unknown one. */
static void test_arp_gratuitous_updates_existing_entry_only(void)
{
    stack_setup();
    learn_peer();
    static const uint8_t new_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x99 };
    uint8_t frame[42];
    size_t length = build_arp(frame, eth_broadcast_address, 1, new_mac, PEER_ADDRESS,
                              eth_zero_address, PEER_ADDRESS);
    fake_netif_inject(eth0, frame, length);
    length = build_arp(frame, eth_broadcast_address, 1, new_mac, OTHER_ADDRESS,
                       eth_zero_address, OTHER_ADDRESS);
    fake_netif_inject(eth0, frame, length);
    check_no_frame();
    CHECK(strcmp(arp_table(), ARP_HEADER "10.0.2.2         0x1         0x2         "
                                          "52:55:0a:00:02:99     *        eth0\n") == 0);
    send_marker(PEER_ADDRESS, 7);
    struct pbuf *packet = next_frame();
    CHECK_BYTES(packet->data, new_mac, 6);
    pbuf_put(packet);
}

/* RFC 5227 3: a host announces an address it takes with a broadcast ARP
 * request whose sender and target protocol addresses are both that address
 * (and target hardware address zero), as Linux does when it is set; but not
 * where ARP does not run: on an interface flagged NOARP (netdevice(7)'s
 * IFF_NOARP), on lo, or with no address to announce. */
static void test_arp_announce_on_address_set(void)
{
    stack_setup();
    uint32_t address = ADDRESS(10, 0, 2, 16);
    CHECK_EQUAL(ip_address_set(eth0, address, NETMASK), 0);
    struct pbuf *frame = next_frame();
    uint8_t expected[42];
    build_arp(expected, eth_broadcast_address, 1, our_mac, address, eth_zero_address, address);
    CHECK_EQUAL(pbuf_length(frame), 42);
    CHECK_BYTES(frame->data, expected, 42);
    pbuf_put(frame);
    check_no_frame();
    eth0->flags |= NETIF_NOARP;
    CHECK_EQUAL(ip_address_set(eth0, ADDRESS(10, 0, 2, 17), NETMASK), 0);
    check_no_frame();
    eth0->flags &= ~NETIF_NOARP;
    arp_announce(lo);
    CHECK_EQUAL(ip_address_set(eth0, IP_ADDRESS_ANY, 0), 0);
    arp_announce(eth0);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), 1);     /* none went out on lo either */
}

/* RFC 894 "Broadcast Address": the broadcast Internet address, the subnet's
 * and the limited one, maps to the broadcast Ethernet address
 * ff:ff:ff:ff:ff:ff; nothing to resolve, no request. */
static void test_arp_broadcast_needs_no_resolution(void)
{
    stack_setup();
    struct ip_output_options options = { .allow_broadcast = true };
    struct pbuf *packet = pbuf_alloc(PBUF_TRANSPORT, 1);
    packet->data[0] = 1;
    CHECK_EQUAL(ip_output(packet, 0, ADDRESS(10, 0, 2, 255), TEST_PROTOCOL, &options), 0);
    packet = pbuf_alloc(PBUF_TRANSPORT, 1);
    packet->data[0] = 2;
    CHECK_EQUAL(ip_output(packet, 0, IP_ADDRESS_BROADCAST, TEST_PROTOCOL, &options), 0);
    for (int i = 0; i < 2; i++) {
        struct pbuf *frame = next_frame();
        CHECK_BYTES(frame->data, eth_broadcast_address, 6);
        CHECK_EQUAL(frame->data[12] << 8 | frame->data[13], ETH_TYPE_IP);
        pbuf_put(frame);
    }
    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), 0);
}

/* RFC 1112 6.4: "An IP host group address is mapped to an Ethernet
 * multicast address by placing the low-order 23-bits of the IP address into
 * the low-order 23 bits of the Ethernet multicast address 01-00-5E-00-00-00";
 * the datagram goes at once, with no request. */
static void test_arp_multicast_mapped(void)
{
    stack_setup();
    const struct {
        uint32_t group;
        uint8_t hardware[6];
    } cases[] = {
        { ADDRESS(224, 0, 0, 251), { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb } },
        { ADDRESS(239, 255, 255, 250), { 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa } },
        { ADDRESS(224, 128, 1, 2), { 0x01, 0x00, 0x5e, 0x00, 0x01, 0x02 } },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint8_t datagram[24];
        size_t length = build_ip(datagram, OUR_ADDRESS, cases[i].group, TEST_PROTOCOL, 1, 0, 1,
                                 "mcst", 4);
        struct pbuf *packet = pbuf_alloc(PBUF_IP, length);
        memcpy(packet->data, datagram, length);
        CHECK_EQUAL(arp_output(eth0, packet, cases[i].group), 0);
        struct pbuf *frame = next_frame();
        CHECK_BYTES(frame->data, cases[i].hardware, 6);
        CHECK_BYTES(frame->data + 6, our_mac, 6);
        CHECK_EQUAL(frame->data[12] << 8 | frame->data[13], ETH_TYPE_IP);
        CHECK_EQUAL(pbuf_length(frame), 14 + length);
        CHECK_BYTES(frame->data + 14, datagram, length);
        pbuf_put(frame);
    }
    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), 0);
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
}

/* RFC 5227 2.1.1: a probe is a request with sender protocol address
 * 0.0.0.0 for the address the prober wants; the host that has it answers
 * (RFC 826: sender and target swapped, so the reply's target protocol
 * address is 0.0.0.0, sent to the prober's hardware address), as Linux does,
 * and learns nothing: 0.0.0.0 is no neighbour. */
static void test_arp_probe_answered_not_learned(void)
{
    stack_setup();
    static const uint8_t prober_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x05 };
    check_request_answered(prober_mac, IP_ADDRESS_ANY);
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
    /* A probe for someone else's address: no answer either. */
    uint8_t frame[42];
    size_t length = build_arp(frame, eth_broadcast_address, 1, prober_mac, IP_ADDRESS_ANY,
                       eth_zero_address, OTHER_ADDRESS);
    fake_netif_inject(eth0, frame, length);
    check_no_frame();
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
}

/* RFC 826 "Packet Reception": a request for us from the neighbour being
 * resolved merges its hardware address into the waiting entry, before the
 * request is answered; RFC 1122 2.3.2.2: the datagram that waited leaves
 * then, and no more requests go out for it. */
static void test_arp_request_from_pending_neighbour_releases_queue(void)
{
    stack_setup();
    static const uint8_t other_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x03 };
    send_marker(OTHER_ADDRESS, 0xb1);
    struct pbuf *request = next_frame();
    check_request_for(request, eth_broadcast_address, OTHER_ADDRESS);
    pbuf_put(request);
    uint8_t frame[42];
    size_t length = build_arp(frame, eth_broadcast_address, 1, other_mac, OTHER_ADDRESS,
                              eth_zero_address, OUR_ADDRESS);
    fake_netif_inject(eth0, frame, length);
    struct pbuf *packet = next_frame();
    CHECK_BYTES(packet->data, other_mac, 6);
    CHECK_EQUAL(packet->data[12] << 8 | packet->data[13], ETH_TYPE_IP);
    CHECK_EQUAL(packet->data[14 + 20], 0xb1);
    pbuf_put(packet);
    uint8_t expected[42];
    build_arp(expected, other_mac, 2, our_mac, OUR_ADDRESS, other_mac, OTHER_ADDRESS);
    struct pbuf *reply = next_frame();
    CHECK_BYTES(reply->data, expected, 42);
    pbuf_put(reply);
    check_no_frame();
    CHECK(strcmp(arp_table(), ARP_HEADER "10.0.2.3         0x1         0x2         "
                                          "52:55:0a:00:02:03     *        eth0\n") == 0);
    net_host_clock_advance(3000);      /* no retries, no failure */
    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), 1);
    CHECK_EQUAL(COUNTER(ARP_RESOLUTION_FAILURES), 0);
}

/* arp(7): the cache has a hard maximum (gc_thresh3; Strata's is
 * ARP_CACHE_ENTRIES), so that a flood of senders cannot exhaust memory: a
 * new entry then replaces the oldest resolved one, never one that packets
 * wait on (RFC 1122 2.3.2.2). */
static void test_arp_cache_full_evicts_oldest_resolved(void)
{
    stack_setup();
    static char text[32768];
    static const uint8_t waiting_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x03 };
    send_marker(OTHER_ADDRESS, 0xc1);             /* the oldest entry, INCOMPLETE */
    /* Requests for us from new senders: 127 fill the cache, the 128th overflows it. */
    for (int i = 0; i < ARP_CACHE_ENTRIES; i++) {
        uint8_t mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x03, (uint8_t)i };
        uint8_t frame[42];
        size_t length = build_arp(frame, eth_broadcast_address, 1, mac, ADDRESS(10, 0, 2, 100 + i),
                                  eth_zero_address, OUR_ADDRESS);
        fake_netif_inject(eth0, frame, length);
        fake_netif_clear_transmitted();
        arp_cache_format(text, sizeof(text));
        CHECK(strstr(text, "10.0.2.3 ") != NULL);
        CHECK(strstr(text, "10.0.2.100 ") != NULL || i == ARP_CACHE_ENTRIES - 1);
    }
    arp_cache_format(text, sizeof(text));
    size_t lines = 0;
    for (const char *c = text; *c; c++)
        lines += *c == '\n';
    CHECK_EQUAL(lines, 1 + ARP_CACHE_ENTRIES);
    CHECK(strstr(text, "10.0.2.100 ") == NULL);
    CHECK(strstr(text, "10.0.2.101 ") != NULL);
    CHECK(strstr(text, "10.0.2.227 ") != NULL);
    /* The entry that waited is still there: its reply releases the datagram. */
    uint8_t frame[42];
    size_t length = build_arp(frame, our_mac, 2, waiting_mac, OTHER_ADDRESS, our_mac, OUR_ADDRESS);
    fake_netif_inject(eth0, frame, length);
    struct pbuf *packet = next_frame();
    CHECK_BYTES(packet->data, waiting_mac, 6);
    CHECK_EQUAL(packet->data[14 + 20], 0xc1);
    pbuf_put(packet);
    check_no_frame();
}

/* Counts the frames sent on lo. */
static int lo_frames_sent;
static void count_lo_frames(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    if (netif == lo && frame->packet_type == PBUF_OUTGOING)
        lo_frames_sent++;
}

/* Hands an ARP packet (no Ethernet header) to arp_input on netif, as eth
 * does with a frame of type 0x0806. */
static void input_arp(struct netif *netif, uint16_t operation, const uint8_t sender_mac[6],
                      uint32_t sender, uint32_t target)
{
    uint8_t frame[42];
    build_arp(frame, eth_broadcast_address, operation, sender_mac, sender, eth_zero_address,
              target);
    struct pbuf *packet = pbuf_alloc(PBUF_IP, 28);
    memcpy(packet->data, frame + 14, 28);
    arp_input(netif, packet);
}

/* RFC 826 "Packet Reception" runs on a hardware that resolves addresses:
 * lo does not, nor does an interface flagged NOARP (netdevice(7)'s
 * IFF_NOARP), and one without an address is nobody's target.  A packet
 * whose sender protocol address is ours is another host claiming it (RFC
 * 5227 2.4's conflict): nothing is learned from it (no entry for our own
 * address) and nothing answered.  Each such packet is still counted as it
 * arrives (InRequests, InReplies, before it is ignored) and consumed. */
static void test_arp_ignored_on_lo_noarp_and_from_our_address(void)
{
    stack_setup();
    static const uint8_t other_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x03 };
    struct netif_tap tap = { .frame = count_lo_frames };
    netif_tap_add(&tap);
    /* On lo: a request for 127.0.0.1 from 127.0.0.2. */
    input_arp(lo, 1, peer_mac, ADDRESS(127, 0, 0, 2), ADDRESS(127, 0, 0, 1));
    CHECK_EQUAL(lo_frames_sent, 0);
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
    CHECK_EQUAL(COUNTER(ARP_IN_REQUESTS), 1);
    /* On eth0 flagged NOARP: the peer's request for us. */
    eth0->flags |= NETIF_NOARP;
    input_arp(eth0, 1, peer_mac, PEER_ADDRESS, OUR_ADDRESS);
    eth0->flags &= ~NETIF_NOARP;
    check_no_frame();
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
    CHECK_EQUAL(COUNTER(ARP_IN_REQUESTS), 2);
    /* Another host announcing our address, then replying with it to us. */
    input_arp(eth0, 1, other_mac, OUR_ADDRESS, OUR_ADDRESS);
    input_arp(eth0, 2, other_mac, OUR_ADDRESS, OUR_ADDRESS);
    check_no_frame();
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
    CHECK_EQUAL(COUNTER(ARP_IN_REQUESTS), 3);
    CHECK_EQUAL(COUNTER(ARP_IN_REPLIES), 1);
    /* eth0 without an address: a request for 0.0.0.0. */
    CHECK_EQUAL(ip_address_set(eth0, IP_ADDRESS_ANY, 0), 0);
    input_arp(eth0, 1, peer_mac, PEER_ADDRESS, IP_ADDRESS_ANY);
    check_no_frame();
    CHECK(strcmp(arp_table(), ARP_HEADER) == 0);
    CHECK_EQUAL(COUNTER(ARP_IN_REQUESTS), 4);
    CHECK_EQUAL(COUNTER(ARP_IN_ERRORS), 0);
    CHECK_EQUAL(COUNTER(ARP_OUT_REPLIES), 0);
    CHECK_EQUAL(lo_frames_sent, 0);
    netif_tap_remove(&tap);
    /* With its address back (and announced), ARP answers again. */
    CHECK_EQUAL(ip_address_set(eth0, OUR_ADDRESS, NETMASK), 0);
    check_request_for_us_answered();
}

/* RFC 1122 3.2.1.3: no host has a broadcast or multicast address as its
 * own (source) address; RFC 1812 3.3.2, for routers, and Strata for hosts
 * too: no neighbour has a broadcast or multicast hardware address (the
 * group bit, RFC 1112 6.4).  An ARP packet whose sender claims either
 * teaches nothing: no entry is made for it, and an entry we have keeps its
 * hardware address. */
static void test_arp_unusable_sender_not_learned(void)
{
    stack_setup();
    learn_peer();
    static const uint8_t other_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x03 };
    static const uint8_t group_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };
    const struct {
        const uint8_t *mac;
        uint32_t sender, target;
        const char *name;
    } cases[] = {
        { other_mac, ADDRESS(10, 0, 2, 255), OUR_ADDRESS, "from 10.0.2.255, eth0's broadcast" },
        { other_mac, IP_ADDRESS_BROADCAST, OUR_ADDRESS, "from 255.255.255.255" },
        { other_mac, ADDRESS(224, 0, 0, 1), OUR_ADDRESS, "from 224.0.0.1, a group" },
        { group_mac, OTHER_ADDRESS, OUR_ADDRESS, "from 10.0.2.3 at a group hardware address" },
        { group_mac, PEER_ADDRESS, OUR_ADDRESS, "from the peer at a group hardware address" },
        { group_mac, PEER_ADDRESS, PEER_ADDRESS, "the peer's announcement at a group address" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        for (uint16_t operation = 1; operation <= 2; operation++) {
            uint8_t frame[42];
            size_t length = build_arp(frame, eth_broadcast_address, operation, cases[i].mac,
                                      cases[i].sender, eth_zero_address, cases[i].target);
            fake_netif_inject(eth0, frame, length);
            fake_netif_clear_transmitted();     /* what is answered is not this test's */
            CHECK_CASE(strcmp(arp_table(), ARP_HEADER "10.0.2.2         0x1         0x2         "
                                                      "52:55:0a:00:02:02     *        eth0\n") == 0,
                       cases[i].name);
        }
    }
    CHECK_EQUAL(COUNTER(ARP_IN_REQUESTS), ARRAY_SIZE(cases));
    CHECK_EQUAL(COUNTER(ARP_IN_REPLIES), 1 + ARRAY_SIZE(cases));     /* and learn_peer's */
    check_sent_at_once(1);
}

/* RFC 1122 2.3.2.1's validation, Linux's way (arp(7)'s states): only a
 * reply to us confirms a neighbour (REACHABLE, 30 s).  A request for us
 * makes a new entry STALE, so that its first use probes it 5 s later (DELAY,
 * then a unicast request); a reply to another host, broadcast, confirms
 * nothing; and a request that repeats the hardware address of a REACHABLE
 * entry leaves it REACHABLE, not probed before its 30 s are out. */
static void test_arp_only_reply_to_us_confirms(void)
{
    stack_setup();
    static const uint8_t other_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x03 };
    /* 10.0.2.3's request for us: learned STALE. */
    check_request_answered(other_mac, OTHER_ADDRESS);
    /* Its reply to 10.0.2.4, broadcast: still STALE. */
    uint8_t frame[42];
    size_t length = build_arp(frame, eth_broadcast_address, 2, other_mac, OTHER_ADDRESS,
                              eth_broadcast_address, ADDRESS(10, 0, 2, 4));
    fake_netif_inject(eth0, frame, length);
    check_no_frame();
    check_sent_at_once_to(OTHER_ADDRESS, other_mac, 1);
    check_probed_after_delay(OTHER_ADDRESS, other_mac);     /* it was used while STALE */
    length = build_arp(frame, our_mac, 2, other_mac, OTHER_ADDRESS, our_mac, OUR_ADDRESS);
    fake_netif_inject(eth0, frame, length);  /* confirmed: no more probes */
    /* The peer confirmed, then its request for us 10 s later: still REACHABLE. */
    learn_peer();
    net_host_clock_advance(10000);
    check_request_for_us_answered();
    check_sent_at_once(2);
    net_host_clock_advance(19999);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), 1);
}

/* RFC 1122 2.3.2.1, Linux's way: each reply to us confirms the neighbour
 * again, and it is REACHABLE for 30 s from the latest confirmation: used
 * within them it is not probed; used after them (STALE) it is, 5 s later. */
static void test_arp_confirmation_restarts_reachable_time(void)
{
    stack_setup();
    learn_peer();
    net_host_clock_advance(20000);
    learn_peer();                       /* REACHABLE until 50 s */
    net_host_clock_advance(25000);
    check_sent_at_once(1);              /* 45 s: REACHABLE, no DELAY */
    net_host_clock_advance(5000);
    check_no_frame();
    check_sent_at_once(2);              /* 50 s: STALE, now DELAY */
    check_probed_after_delay(PEER_ADDRESS, peer_mac);
}

/* RFC 1122 2.3.2.2 and arp(7)'s hard maximum (gc_thresh3): when every one
 * of the 128 entries is being resolved, with a datagram waiting on it, none
 * is given up for a new address: the new datagram is dropped, counted in
 * QueueDrops, and arp_output answers -ENOBUFS; no request goes out for it,
 * and the waiting datagrams still leave when their replies come. */
static void test_arp_cache_full_of_waiting_entries_drops_new(void)
{
    stack_setup();
    static char text[32768];
    for (int i = 0; i < ARP_CACHE_ENTRIES; i++)
        send_marker(ADDRESS(10, 0, 2, 100 + i), (uint8_t)i);
    fake_netif_clear_transmitted();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), ARP_CACHE_ENTRIES);
    uint8_t datagram[24];
    size_t length = build_ip(datagram, OUR_ADDRESS, OTHER_ADDRESS, TEST_PROTOCOL, 1, 0, 64,
                             "full", 4);
    struct pbuf *packet = pbuf_alloc(PBUF_IP, length);
    memcpy(packet->data, datagram, length);
    CHECK_EQUAL(arp_output(eth0, packet, OTHER_ADDRESS), -ENOBUFS);
    CHECK_EQUAL(COUNTER(ARP_QUEUE_DROPS), 1);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), ARP_CACHE_ENTRIES);
    arp_cache_format(text, sizeof(text));
    CHECK(strstr(text, "10.0.2.3 ") == NULL);
    CHECK(strstr(text, "10.0.2.100 ") != NULL);
    /* The oldest waiting entry is still there: its reply releases its datagram. */
    static const uint8_t first_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x64 };
    uint8_t frame[42];
    length = build_arp(frame, our_mac, 2, first_mac, ADDRESS(10, 0, 2, 100), our_mac, OUR_ADDRESS);
    fake_netif_inject(eth0, frame, length);
    packet = next_frame();
    CHECK_BYTES(packet->data, first_mac, 6);
    CHECK_EQUAL(packet->data[14 + 20], 0);
    pbuf_put(packet);
    check_no_frame();
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_arp_request_for_us_answered_and_learned),
        TEST_ENTRY(test_arp_request_for_other_address_ignored),
        TEST_ENTRY(test_arp_malformed_dropped_and_counted),
        TEST_ENTRY(test_arp_queue_released_on_reply),
        TEST_ENTRY(test_arp_queue_bounded_keeps_latest),
        TEST_ENTRY(test_arp_entry_times_out_after_30_seconds),
        TEST_ENTRY(test_arp_unanswered_probes_forget_entry),
        TEST_ENTRY(test_arp_failure_sends_host_unreachable),
        TEST_ENTRY(test_arp_gratuitous_updates_existing_entry_only),
        TEST_ENTRY(test_arp_announce_on_address_set),
        TEST_ENTRY(test_arp_broadcast_needs_no_resolution),
        TEST_ENTRY(test_arp_multicast_mapped),
        TEST_ENTRY(test_arp_probe_answered_not_learned),
        TEST_ENTRY(test_arp_request_from_pending_neighbour_releases_queue),
        TEST_ENTRY(test_arp_cache_full_evicts_oldest_resolved),
        TEST_ENTRY(test_arp_ignored_on_lo_noarp_and_from_our_address),
        TEST_ENTRY(test_arp_unusable_sender_not_learned),
        TEST_ENTRY(test_arp_only_reply_to_us_confirms),
        TEST_ENTRY(test_arp_confirmation_restarts_reachable_time),
        TEST_ENTRY(test_arp_cache_full_of_waiting_entries_drops_new),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
