/*
 * Host unit tests of the contracts between layers, the ones a lab's
 * student code stands on: IP sends through netif->output with the next hop
 * and never names ARP (netif/netif.h); lo's output sends with the all-zero
 * Ethernet header and no ARP; a function that takes a pbuf consumes it on
 * every error (netif/pbuf.h), down to netif_transmit.
 */
#include "tests/host/net_test.h"
#include "eth/eth.h"
#include "arp/arp.h"
#include "ip/ip.h"

#define TEST_PROTOCOL 253          /* RFC 3692 experimentation */
#define OTHER_ON_LINK ADDRESS(10, 0, 2, 3)
#define DOCUMENTATION_ADDRESS ADDRESS(192, 0, 2, 1)   /* TEST-NET-1 (RFC 5737), off link */

/* What a replaced netif->output (a student's ARP, say) was handed. */
struct handed {
    struct netif *netif;
    uint32_t next_hop;
    size_t length;
    uint8_t header[20];
};
static struct handed handed[4];
static size_t handed_count;
static int output_answer;

static int recording_output(struct netif *netif, struct pbuf *datagram, uint32_t next_hop)
{
    CHECK(handed_count < sizeof(handed) / sizeof(handed[0]));
    struct handed *h = &handed[handed_count++];
    h->netif = netif;
    h->next_hop = next_hop;
    h->length = pbuf_length(datagram);
    CHECK(h->length >= sizeof(h->header));
    memcpy(h->header, datagram->data, sizeof(h->header));
    pbuf_put(datagram);
    return output_answer;
}

static void send_bytes(uint32_t destination, size_t length, const struct ip_output_options *options,
                       int expected)
{
    struct pbuf *packet = pbuf_alloc(PBUF_TRANSPORT, length);
    memset(packet->data, 0x5a, length);
    CHECK_EQUAL(ip_output(packet, 0, destination, TEST_PROTOCOL, options), expected);
}

/* The datagram handed over starts at a complete IP header to destination. */
static void check_header(const struct handed *h, uint32_t destination)
{
    CHECK_EQUAL(h->header[0], 0x45);
    CHECK_EQUAL(h->header[2] << 8 | h->header[3], h->length);
    CHECK_EQUAL(h->header[9], TEST_PROTOCOL);
    CHECK_BYTES(h->header + 12, &(uint32_t){ OUR_ADDRESS }, 4);
    CHECK_BYTES(h->header + 16, &destination, 4);
    CHECK_EQUAL(test_checksum(0, h->header, 20), 0);
}

static struct pbuf *delivered;
static size_t delivered_count;
static void keep_delivered(struct pbuf *packet)
{
    if (delivered)
        pbuf_put(delivered);
    delivered = packet;
    delivered_count++;
}

/* The drivers install the outputs: ARP's resolver on Ethernet, eth's
 * zero-address output on lo. */
static void test_contract_outputs_installed(void)
{
    stack_setup();
    CHECK(eth0->output == arp_output);
    CHECK(lo->output == eth_output_without_resolution);
}

/* A netif whose output is replaced gets IP's datagrams, each with the
 * neighbour it goes to: the destination on link, the gateway off link
 * (RFC 1122 3.3.1.1-3.3.1.2), every fragment; nothing reaches ARP or the
 * wire behind its back. */
static void test_contract_ip_sends_through_netif_output(void)
{
    stack_setup();
    eth0->output = recording_output;
    CHECK_EQUAL(ip_route_add(0, 0, PEER_ADDRESS, eth0, 0), 0);

    send_bytes(OTHER_ON_LINK, 8, NULL, 0);
    CHECK_EQUAL(handed_count, 1);
    CHECK(handed[0].netif == eth0);
    CHECK_EQUAL(handed[0].next_hop, OTHER_ON_LINK);
    CHECK_EQUAL(handed[0].length, 20 + 8);
    check_header(&handed[0], OTHER_ON_LINK);

    send_bytes(DOCUMENTATION_ADDRESS, 8, NULL, 0);
    CHECK_EQUAL(handed_count, 2);
    CHECK_EQUAL(handed[1].next_hop, PEER_ADDRESS);
    check_header(&handed[1], DOCUMENTATION_ADDRESS);

    /* 2000 bytes over a 1500-byte MTU: two fragments (RFC 791 3.2), both
     * to the same next hop. */
    send_bytes(OTHER_ON_LINK, 2000, NULL, 0);
    CHECK_EQUAL(handed_count, 4);
    CHECK_EQUAL(handed[2].next_hop, OTHER_ON_LINK);
    CHECK_EQUAL(handed[3].next_hop, OTHER_ON_LINK);
    CHECK_EQUAL(handed[2].length, 1500);
    CHECK_EQUAL(handed[3].length, 20 + 2000 - 1480);
    CHECK_EQUAL(handed[2].header[6] & 0x20, 0x20);   /* more fragments */
    CHECK_EQUAL(handed[3].header[6] & 0x20, 0);

    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), 0);
    eth0->output = arp_output;
}

/* The output's error is ip_output's; the output consumed the datagram. */
static void test_contract_ip_returns_output_error(void)
{
    stack_setup();
    eth0->output = recording_output;
    output_answer = -EHOSTUNREACH;
    size_t baseline = pbuf_count();
    send_bytes(OTHER_ON_LINK, 8, NULL, -EHOSTUNREACH);
    CHECK_EQUAL(handed_count, 1);
    CHECK_EQUAL(pbuf_count(), baseline);
    eth0->output = arp_output;
}

/* A broadcast goes to the output with the broadcast as next hop, and IP
 * still delivers its own copy locally (RFC 1122 3.3.6): that stays IP's. */
static void test_contract_ip_loops_broadcasts_back_itself(void)
{
    stack_setup();
    eth0->output = recording_output;
    ip_register(TEST_PROTOCOL, keep_delivered);
    struct ip_output_options options = { .allow_broadcast = true };
    send_bytes(ADDRESS(10, 0, 2, 255), 8, &options, 0);
    CHECK_EQUAL(handed_count, 1);
    CHECK_EQUAL(handed[0].next_hop, ADDRESS(10, 0, 2, 255));
    net_host_poll();
    CHECK_EQUAL(delivered_count, 1);
    CHECK(delivered->netif == eth0 && delivered->packet_type == PBUF_BROADCAST);
    pbuf_put(delivered);
    eth0->output = arp_output;
}

/* RFC 1122 3.2.1.3 (g): 127/8 never leaves the host.  To lo: an all-zero
 * Ethernet header (as Linux's lo), delivered back, no ARP anywhere,
 * nothing on eth0.  Our own eth0 address routes to lo too. */
static void test_contract_loopback_zero_header_without_arp(void)
{
    stack_setup();
    ip_register(TEST_PROTOCOL, keep_delivered);
    struct netif_tap tap = { .frame = keep_first_outgoing };
    netif_tap_add(&tap);
    uint32_t destinations[] = { ADDRESS(127, 0, 0, 1), OUR_ADDRESS };
    for (size_t i = 0; i < 2; i++) {
        send_bytes(destinations[i], 4, NULL, 0);
        net_host_poll();
        CHECK(first_outgoing != NULL && first_outgoing->netif == lo);
        static const uint8_t header[14] = { [12] = 0x08, [13] = 0x00 };
        CHECK_EQUAL(pbuf_length(first_outgoing), 14 + 20 + 4);
        CHECK_BYTES(first_outgoing->data, header, sizeof(header));
        CHECK_BYTES(first_outgoing->data + 14 + 16, &destinations[i], 4);
        CHECK_EQUAL(delivered_count, i + 1);
        CHECK(delivered->netif == lo);
        pbuf_put(first_outgoing);
        first_outgoing = NULL;
    }
    netif_tap_remove(&tap);
    pbuf_put(delivered);
    check_no_frame();
    CHECK_EQUAL(COUNTER(ARP_OUT_REQUESTS), 0);
    char text[512];
    arp_cache_format(text, sizeof(text));
    CHECK(strchr(text, '\n') == text + strlen(text) - 1);   /* the heading alone */
}

/* send(2): the interface's error is the sender's (ENOBUFS, ENETDOWN, the
 * device's), and every function of the send path consumes its pbuf when it
 * fails (netif/pbuf.h): the pbuf count is back to its baseline at once, and
 * a caller that freed it again would be a double free that ASan reports. */
static void test_contract_send_path_consumes_on_error(void)
{
    stack_setup();
    learn_peer();
    fake_netif_clear_transmitted();
    size_t baseline = pbuf_count();

    /* The driver refuses: netif_transmit, eth_output, arp_output, ip_output. */
    fake_netif_fail_transmit(-EIO);
    CHECK_EQUAL(netif_transmit(eth0, pbuf_alloc(PBUF_LINK, 60)), -EIO);
    CHECK_EQUAL(pbuf_count(), baseline);
    CHECK_EQUAL(eth_output(eth0, pbuf_alloc(PBUF_IP, 46), peer_mac, ETH_TYPE_IP), -EIO);
    CHECK_EQUAL(pbuf_count(), baseline);
    CHECK_EQUAL(COUNTER(ETH_OUT_FRAMES), 0);
    struct pbuf *datagram = pbuf_alloc(PBUF_IP, 20);
    memset(datagram->data, 0, 20);
    CHECK_EQUAL(arp_output(eth0, datagram, PEER_ADDRESS), -EIO);
    CHECK_EQUAL(pbuf_count(), baseline);
    send_bytes(PEER_ADDRESS, 8, NULL, -EIO);
    CHECK_EQUAL(pbuf_count(), baseline);
    fake_netif_fail_transmit(0);
    CHECK_EQUAL(eth0->statistics.transmit_dropped, 4);

    /* No headroom for the Ethernet header. */
    CHECK_EQUAL(eth_output(eth0, pbuf_alloc(PBUF_RAW, 46), peer_mac, ETH_TYPE_IP), -ENOBUFS);
    CHECK_EQUAL(pbuf_count(), baseline);

    /* The interface is down: refused before any tap or driver sees it. */
    eth0->flags &= ~(uint32_t)NETIF_UP;
    CHECK_EQUAL(netif_transmit(eth0, pbuf_alloc(PBUF_LINK, 60)), -ENETDOWN);
    CHECK_EQUAL(pbuf_count(), baseline);
    CHECK_EQUAL(eth_output(eth0, pbuf_alloc(PBUF_IP, 46), peer_mac, ETH_TYPE_IP), -ENETDOWN);
    CHECK_EQUAL(pbuf_count(), baseline);
    send_bytes(PEER_ADDRESS, 8, NULL, -ENETUNREACH);   /* no route over a down interface */
    CHECK_EQUAL(pbuf_count(), baseline);
    eth0->flags |= NETIF_UP;
    check_no_frame();
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_contract_outputs_installed),
        TEST_ENTRY(test_contract_ip_sends_through_netif_output),
        TEST_ENTRY(test_contract_ip_returns_output_error),
        TEST_ENTRY(test_contract_ip_loops_broadcasts_back_itself),
        TEST_ENTRY(test_contract_loopback_zero_header_without_arp),
        TEST_ENTRY(test_contract_send_path_consumes_on_error),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
