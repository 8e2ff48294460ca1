/* Malformed segments are dropped, and counted where Linux counts them (RFC 9293 3.1, 3.10.7; RFC 1122 4.2.2.7). */
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

/* SYN and FIN together are nonsense; Linux drops them (tcp_rcv_state_process). */
static void test_tcp_syn_fin_dropped(void)
{
    tcp_stack_setup();
    test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN | TCP_FLAG_FIN,
                                       .window = 8000 });
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 0);      /* Linux: InSegs only */
    CHECK_EQUAL(net_counter_by_name("Tcp", "InSegs"), 1);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);
}

/* RFC 9293 3.1: Data Offset counts the header; one past the segment's end
 * or below 5 is malformed.  Linux counts only the second in InErrs. */
static void test_tcp_data_offset_past_end_dropped(void)
{
    tcp_stack_setup();
    test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .data_offset_words = 15 });
    check_no_frame();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .data_offset_words = 4 });
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "InSegs"), 2);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 0);
}

/* RFC 9293 3.1: an option whose length is below 2 or runs past the header
 * ends the parsing, as in Linux: the options before it count, the segment
 * is taken.  An MSS of the wrong size is ignored; unknown options are
 * skipped by their length. */
static void test_tcp_option_with_bad_length_ends_parsing(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(4);
    static const uint8_t mss_then_zero_length[8] = { 2, 4, 0x01, 0x00, 30, 0, 5, 0xb4 };
    static const uint8_t past_end[8] = { 2, 4, 0x01, 0x00, 1, 1, 8, 10 };
    static const uint8_t wrong_mss_length[8] = { 2, 3, 5, 1, 2, 4, 0x01, 0x00 };
    static const uint8_t unknown[8] = { 30, 4, 0, 0, 2, 4, 0x01, 0x00 };
    const uint8_t *cases[] = { mss_then_zero_length, past_end, wrong_mss_length, unknown };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint16_t port = (uint16_t)(PEER_PORT + i);
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN,
                                           .window = 8000, .options = cases[i],
                                           .options_length = 8, .source_port = port });
        struct captured syn_ack;
        expect_segment(&syn_ack);
        CHECK_EQUAL(syn_ack.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 1,
                                           .flags = TCP_FLAG_ACK, .window = 8000,
                                           .source_port = port });
        struct tcp_pcb *child = tcp_accept(listener);
        CHECK(child != NULL);
        CHECK_EQUAL(child->mss, 256);         /* the MSS option 256 was read */
    }
    CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 4);
}

/* A header shorter than 20 bytes: no answer; Linux counts it in InSegs only. */
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

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_bad_checksum_dropped_and_counted),
        TEST_ENTRY(test_tcp_syn_fin_dropped),
        TEST_ENTRY(test_tcp_data_offset_past_end_dropped),
        TEST_ENTRY(test_tcp_option_with_bad_length_ends_parsing),
        TEST_ENTRY(test_tcp_truncated_header_dropped),
        TEST_ENTRY(test_tcp_syn_to_broadcast_dropped),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
