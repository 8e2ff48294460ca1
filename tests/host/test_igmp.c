/* Host unit tests of IGMPv2 (igmp/): RFC 2236 3 and 6, RFC 1112 6.2 and 6.4. */
#include "tests/host/net_test.h"
#include "eth/eth.h"
#include "ip/ip.h"
#include "igmp/igmp.h"
#include "udp/udp.h"

#define GROUP ADDRESS(224, 1, 2, 3)
#define OTHER_GROUP ADDRESS(224, 9, 9, 9)
#define ALL_HOSTS ADDRESS(224, 0, 0, 1)
#define ALL_ROUTERS ADDRESS(224, 0, 0, 2)
#define UNSOLICITED_REPORT_INTERVAL_MS 10000

/* Checks the next frame is IGMP message type about group to destination,
 * as RFC 2236 2 wants every message: TTL 1, IP Router Alert (RFC 2113),
 * to the group's MAC (RFC 1112 6.4), both checksums right. */
static void expect_message(uint8_t type, uint32_t group, uint32_t destination)
{
    struct pbuf *frame = next_frame();
    const uint8_t *bytes = frame->data;
    uint32_t to = net_ntohl(destination);
    const uint8_t mac[6] = { 0x01, 0x00, 0x5e, (uint8_t)((to >> 16) & 0x7f), (uint8_t)(to >> 8),
                             (uint8_t)to };
    CHECK_EQUAL(pbuf_length(frame), 14 + 24 + 8);
    CHECK_BYTES(bytes, mac, 6);
    CHECK_BYTES(bytes + 6, our_mac, 6);
    CHECK_EQUAL(bytes[12] << 8 | bytes[13], 0x0800);
    const uint8_t *ip = bytes + 14;
    CHECK_EQUAL(ip[0], 0x46);                          /* IHL 6: the option */
    CHECK_EQUAL(ip[8], 1);                             /* TTL 1 */
    CHECK_EQUAL(ip[9], IP_PROTOCOL_IGMP);
    CHECK_EQUAL(test_checksum(0, ip, 24), 0);
    uint32_t source, to_address;
    memcpy(&source, ip + 12, 4);
    memcpy(&to_address, ip + 16, 4);
    CHECK_EQUAL(source, OUR_ADDRESS);
    CHECK_EQUAL(to_address, destination);
    const uint8_t router_alert[4] = { 0x94, 0x04, 0x00, 0x00 };
    CHECK_BYTES(ip + 20, router_alert, 4);
    const uint8_t *igmp = ip + 24;
    CHECK_EQUAL(igmp[0], type);
    CHECK_EQUAL(igmp[1], 0);
    CHECK_EQUAL(test_checksum(0, igmp, 8), 0);
    uint32_t about;
    memcpy(&about, igmp + 4, 4);
    CHECK_EQUAL(about, group);
    pbuf_put(frame);
}

static void inject_igmp(uint8_t type, uint8_t max_response_time, uint32_t group,
                        uint32_t source, uint32_t destination)
{
    uint8_t igmp[8] = { type, max_response_time };
    memcpy(igmp + 4, &group, 4);
    uint16_t sum = test_checksum(0, igmp, 8);
    memcpy(igmp + 2, &sum, 2);
    uint8_t datagram[64];
    size_t length = build_ip(datagram, source, destination, IP_PROTOCOL_IGMP, 0x4242, 0, 1, igmp,
                             sizeof igmp);
    inject_ip(datagram, length);
}

/* RFC 2236 3: joining sends an unsolicited report at once, and repeats it
 * once within the Unsolicited Report Interval (10 s, 8.10); then silence. */
static void test_igmp_join_reports_twice(void)
{
    stack_setup();
    CHECK_EQUAL(igmp_join(eth0, GROUP), 0);
    expect_message(IGMP_V2_MEMBERSHIP_REPORT, GROUP, GROUP);
    check_no_frame();
    net_host_clock_advance(UNSOLICITED_REPORT_INTERVAL_MS);
    expect_message(IGMP_V2_MEMBERSHIP_REPORT, GROUP, GROUP);
    net_host_clock_advance(3 * UNSOLICITED_REPORT_INTERVAL_MS);
    check_no_frame();
    CHECK(igmp_is_member(eth0, GROUP));
    CHECK(!igmp_is_member(lo, GROUP));
}

/* RFC 2236 3: only the first user's join reports; only the last user's
 * leave sends Leave Group to 224.0.0.2, and stops the repeat. */
static void test_igmp_last_leave_sends_leave(void)
{
    stack_setup();
    CHECK_EQUAL(igmp_join(eth0, GROUP), 0);
    expect_message(IGMP_V2_MEMBERSHIP_REPORT, GROUP, GROUP);
    CHECK_EQUAL(igmp_join(eth0, GROUP), 0);
    check_no_frame();
    CHECK_EQUAL(igmp_leave(eth0, GROUP), 0);
    check_no_frame();
    CHECK(igmp_is_member(eth0, GROUP));
    CHECK_EQUAL(igmp_leave(eth0, GROUP), 0);
    expect_message(IGMP_LEAVE_GROUP, GROUP, ALL_ROUTERS);
    CHECK(!igmp_is_member(eth0, GROUP));
    net_host_clock_advance(3 * UNSOLICITED_REPORT_INTERVAL_MS);
    check_no_frame();
    CHECK_EQUAL(igmp_leave(eth0, GROUP), -EADDRNOTAVAIL);
    CHECK_EQUAL(igmp_join(eth0, ADDRESS(10, 0, 2, 99)), -EINVAL);
}

/* RFC 2236 6: 224.0.0.1 is joined from the start and never reported. */
static void test_igmp_all_hosts_never_reported(void)
{
    stack_setup();
    CHECK(igmp_is_member(eth0, ALL_HOSTS));
    CHECK_EQUAL(igmp_join(eth0, ALL_HOSTS), 0);
    CHECK_EQUAL(igmp_leave(eth0, ALL_HOSTS), 0);
    net_host_clock_advance(3 * UNSOLICITED_REPORT_INTERVAL_MS);
    check_no_frame();
    CHECK(igmp_is_member(eth0, ALL_HOSTS));
}

/* RFC 2236 3: a General Query is answered for each group joined within its
 * Max Response Time; a query for another group is not. */
static void test_igmp_query_answered(void)
{
    stack_setup();
    CHECK_EQUAL(igmp_join(eth0, GROUP), 0);
    expect_message(IGMP_V2_MEMBERSHIP_REPORT, GROUP, GROUP);
    net_host_clock_advance(UNSOLICITED_REPORT_INTERVAL_MS);
    expect_message(IGMP_V2_MEMBERSHIP_REPORT, GROUP, GROUP);
    inject_igmp(IGMP_MEMBERSHIP_QUERY, 20, OTHER_GROUP, PEER_ADDRESS, OTHER_GROUP);
    net_host_clock_advance(2000);
    check_no_frame();
    inject_igmp(IGMP_MEMBERSHIP_QUERY, 20, 0, PEER_ADDRESS, ALL_HOSTS);    /* 2 s */
    net_host_clock_advance(2000);
    expect_message(IGMP_V2_MEMBERSHIP_REPORT, GROUP, GROUP);
    net_host_clock_advance(3 * UNSOLICITED_REPORT_INTERVAL_MS);
    check_no_frame();
}

/* RFC 2236 3: another member's report while our timer runs cancels ours,
 * and then we were not the last reporter: leaving sends nothing. */
static void test_igmp_other_report_suppresses_ours(void)
{
    stack_setup();
    CHECK_EQUAL(igmp_join(eth0, GROUP), 0);
    expect_message(IGMP_V2_MEMBERSHIP_REPORT, GROUP, GROUP);
    inject_igmp(IGMP_V2_MEMBERSHIP_REPORT, 0, GROUP, PEER_ADDRESS, GROUP);
    net_host_clock_advance(3 * UNSOLICITED_REPORT_INTERVAL_MS);
    check_no_frame();
    CHECK_EQUAL(igmp_leave(eth0, GROUP), 0);
    check_no_frame();
}

static int deliveries;
static void count(struct udp_pcb *pcb, struct pbuf *datagram, uint32_t source, uint16_t port)
{
    (void)pcb, (void)datagram, (void)source, (void)port;
    deliveries++;
}

/* RFC 1112 6.2: a datagram to a group is for this host only on an
 * interface that joined the group; else it is not ours (InAddrErrors). */
static void test_igmp_joined_group_reaches_udp(void)
{
    stack_setup();
    struct udp_pcb pcb;
    udp_pcb_init(&pcb);
    pcb.receive = count;
    CHECK_EQUAL(udp_bind(&pcb, IP_ADDRESS_ANY, net_htons(5000)), 0);
    uint8_t udp[64], datagram[128];
    size_t udp_length = build_udp(udp, PEER_ADDRESS, GROUP, 4000, 5000, "hi", 2, true);
    size_t length = build_ip(datagram, PEER_ADDRESS, GROUP, 17, 1, 0, 1, udp, udp_length);
    inject_ip(datagram, length);
    CHECK_EQUAL(deliveries, 0);
    CHECK_EQUAL(COUNTER(IP_IN_ADDR_ERRORS), 1);
    CHECK_EQUAL(igmp_join(eth0, GROUP), 0);
    expect_message(IGMP_V2_MEMBERSHIP_REPORT, GROUP, GROUP);
    inject_ip(datagram, length);
    CHECK_EQUAL(deliveries, 1);
    CHECK_EQUAL(COUNTER(IP_IN_ADDR_ERRORS), 1);
    udp_pcb_remove(&pcb);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_igmp_join_reports_twice),
        TEST_ENTRY(test_igmp_last_leave_sends_leave),
        TEST_ENTRY(test_igmp_all_hosts_never_reported),
        TEST_ENTRY(test_igmp_query_answered),
        TEST_ENTRY(test_igmp_other_report_suppresses_ours),
        TEST_ENTRY(test_igmp_joined_group_reaches_udp),
    };
    return net_test_run_all(tests, sizeof(tests) / sizeof(tests[0]), argc, argv);
}
