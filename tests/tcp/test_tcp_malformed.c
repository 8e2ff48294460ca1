/* Malformed segments are dropped and counted (RFC 9293 3.1, 3.10.7; RFC 1122 4.2.2.7). */
#include "tcp_test.h"

/* RFC 1122 4.2.2.7 / RFC 9293 3.1: a bad checksum is silently dropped;
 * Linux counts it in InCsumErrors and InErrs. */
static void test_tcp_bad_checksum_dropped_and_counted(void)
{
    tcp_stack_setup();
    test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .corrupt_checksum = true });
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "InCsumErrors"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 0);
    /* to a closed port too: no RST for a corrupt segment */
    inject_tcp(&(struct test_segment){ .seq = 1, .flags = TCP_FLAG_SYN,
                                       .destination_port = 9, .corrupt_checksum = true });
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "InCsumErrors"), 2);
}

/* SYN and FIN together open nothing: a listener drops them without an
 * error count, as Linux (tcp_rcv_state_process). */
static void test_tcp_syn_fin_dropped(void)
{
    tcp_stack_setup();
    test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN | TCP_FLAG_FIN,
                                       .window = 8000 });
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "InSegs"), 1);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);
}

/* RFC 9293 3.1: Data Offset counts the header.  Below 5 is an error
 * (InErrs); past the segment's end the segment is cut short, dropped
 * without an error count as Linux does (it is not a whole TCP header). */
static void test_tcp_data_offset_past_end_dropped(void)
{
    tcp_stack_setup();
    test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .data_offset_words = 15 });
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 0);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .data_offset_words = 4 });
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "InSegs"), 2);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 0);
}

/* RFC 9293 3.1: "a TCP implementation MUST be prepared to handle an
 * illegal option length (e.g., zero)".  As Linux, the walk stops at an
 * option whose length is below 2 or runs past the header, the options
 * before it count, and the segment is processed; an MSS option of the
 * wrong length is ignored. */
static void test_tcp_option_with_bad_length_ends_the_options(void)
{
    static const uint8_t zero_length[8] = { 2, 4, 0x02, 0x00, 30, 0, 1, 1 };
    static const uint8_t one_length[8] = { 2, 4, 0x02, 0x00, 30, 1, 1, 1 };
    static const uint8_t past_end[8] = { 2, 4, 0x02, 0x00, 30, 10, 0, 0 };
    static const uint8_t wrong_mss_length[8] = { 2, 3, 5, 1, 2, 4, 0x02, 0x00 };
    const uint8_t *cases[] = { zero_length, one_length, past_end, wrong_mss_length };
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(4);
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint16_t port = (uint16_t)(PEER_PORT + i);
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN,
                                           .window = 8000, .options = cases[i],
                                           .options_length = 8, .source_port = port });
        struct captured syn_ack;
        expect_segment(&syn_ack);
        CHECK_EQUAL(syn_ack.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
        CHECK_EQUAL(syn_ack.ack, PEER_ISN + 1);
        CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 0);
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 1,
                                           .flags = TCP_FLAG_ACK, .window = 8000,
                                           .source_port = port });
        struct tcp_pcb *child = tcp_accept(listener);
        CHECK(child != NULL);
        CHECK_EQUAL(child->mss, 512);             /* the MSS before the bad option */
        tcp_close(child);
        fake_netif_clear_transmitted();           /* its FIN */
    }
}

/* A header shorter than 20 bytes: counted in InSegs, not InErrs (Linux:
 * not a whole TCP header), no answer. */
static void test_tcp_truncated_header_dropped(void)
{
    tcp_stack_setup();
    uint8_t tcp[12] = { 0x9c, 0x40, 0x1f, 0x90 }, datagram[64];
    size_t length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 6, 1, 0, 64, tcp, sizeof(tcp));
    inject_ip(datagram, length);
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "InSegs"), 1);
}

/* RFC 1122 4.2.3.10: a SYN to a broadcast address is dropped unanswered. */
static void test_tcp_syn_to_broadcast_dropped(void)
{
    tcp_stack_setup();
    uint8_t tcp[40], datagram[80];
    size_t length = build_tcp(tcp, PEER_ADDRESS, ADDRESS(10, 0, 2, 255),
                              &(struct test_segment){ .seq = 1, .flags = TCP_FLAG_SYN });
    length = build_ip(datagram, PEER_ADDRESS, ADDRESS(10, 0, 2, 255), 6, 1, 0, 64, tcp, length);
    inject_ip(datagram, length);
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "OutRsts"), 0);
}

int main(void)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_bad_checksum_dropped_and_counted),
        TEST_ENTRY(test_tcp_syn_fin_dropped),
        TEST_ENTRY(test_tcp_data_offset_past_end_dropped),
        TEST_ENTRY(test_tcp_option_with_bad_length_ends_the_options),
        TEST_ENTRY(test_tcp_truncated_header_dropped),
        TEST_ENTRY(test_tcp_syn_to_broadcast_dropped),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests));
}
