/* Data transfer (RFC 9293 3.8, 3.10.7.4 seventh step; RFC 1122 4.2.2-4.2.3; RFC 896). */
#include "tcp_test.h"

static uint8_t pattern[8192];

static void fill_pattern(void)
{
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 7 + 3);
}

static void inject_data(uint32_t seq, uint32_t ack, size_t offset, size_t length)
{
    inject_tcp(&(struct test_segment){ .seq = seq, .ack = ack, .flags = TCP_FLAG_ACK,
                                       .window = 8000, .payload = pattern + offset,
                                       .length = length });
}

/* The first 16 data segments are ACKed at once (Linux's quick ACKs); then
 * RFC 1122 4.2.3.2: an ACK for at least every second full-sized segment,
 * and no later than the delayed-ACK timeout (ours: 40 ms) for a single one. */
static void test_tcp_in_order_data_acked(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    uint32_t next = PEER_ISN + 1;
    struct captured ack;
    uint8_t buffer[8192];
    for (int i = 0; i < 16; i++) {
        inject_data(next, isn + 1, 0, 10);
        next += 10;
        expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next);
    }
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 160);
    check_no_frame();
    inject_data(next, isn + 1, 0, 1460);
    check_no_frame();                             /* one full segment: ACK delayed */
    inject_data(next + 1460, isn + 1, 1460, 1460);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + 2920);
    inject_data(next + 2920, isn + 1, 2920, 1460);
    check_no_frame();
    net_host_clock_advance(39);
    check_no_frame();
    net_host_clock_advance(1);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + 4380);
    CHECK_EQUAL(tcp_readable_bytes(pcb), 4380);
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 4380);
    CHECK_BYTES(buffer, pattern, 4380);
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), -EAGAIN);
    /* ACKs advertise what is free: 64 KiB ring, no scaling agreed */
    /* 4380 unread leave 61156 free, but SWS avoidance (RFC 1122 4.2.3.3)
     * keeps the right edge where the handshake put it until it can move by
     * an MSS: 65535 less the 160 + 4380 bytes received since */
    CHECK_EQUAL(ack.window, 65535 - 160 - 4380);
}

/* RFC 1122 4.2.2.20 (g) and RFC 9293 3.10.7.4: out-of-order segments are
 * kept and delivered when the hole fills; RFC 5681 4.2: each is ACKed at once. */
static void test_tcp_out_of_order_segment_buffered_then_delivered(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    uint32_t next = PEER_ISN + 1;
    struct captured ack;
    inject_data(next + 200, isn + 1, 200, 100);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next);       /* duplicate ACK */
    inject_data(next + 100, isn + 1, 100, 100);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next);
    CHECK_EQUAL(tcp_readable_bytes(pcb), 0);
    inject_data(next, isn + 1, 0, 100);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + 300);  /* hole filled: ACK at once */
    uint8_t buffer[400];
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 300);
    CHECK_BYTES(buffer, pattern, 300);
    /* an out-of-order FIN waits for the data before it */
    inject_tcp(&(struct test_segment){ .seq = next + 400, .ack = isn + 1,
                                       .flags = TCP_FLAG_ACK | TCP_FLAG_FIN, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + 300);
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    inject_data(next + 300, isn + 1, 300, 100);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + 401);
    CHECK_EQUAL(pcb->state, TCP_CLOSE_WAIT);
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 100);
    CHECK_BYTES(buffer, pattern + 300, 100);
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 0);
}

/* RFC 9293 3.10.7.4 first step: a duplicate is not acceptable and earns an
 * ACK; an overlapping one is trimmed to its new bytes. */
static void test_tcp_duplicate_segment_acked_not_delivered_twice(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    uint32_t next = PEER_ISN + 1;
    struct captured ack;
    inject_data(next, isn + 1, 0, 100);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + 100);
    inject_data(next, isn + 1, 0, 100);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + 100);
    inject_data(next + 50, isn + 1, 50, 100);               /* 50 old, 50 new */
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + 150);
    uint8_t buffer[400];
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 150);
    CHECK_BYTES(buffer, pattern, 150);
}

/* RFC 896 / RFC 1122 4.2.3.4: with data outstanding, a small segment waits
 * for the ACK; TCP_NODELAY sends it at once. */
static void test_tcp_nagle_holds_small_segment_until_ack(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    struct captured data;
    CHECK_EQUAL(tcp_send(pcb, "aaaa", 4), 4);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(tcp_send(pcb, "bbbb", 4), 4);
    CHECK_EQUAL(tcp_send(pcb, "cc", 2), 2);
    check_no_frame();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 5,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, isn + 5, PEER_ISN + 1);
    CHECK_EQUAL(data.length, 6);
    CHECK_BYTES(data.payload, "bbbbcc", 6);
    tcp_set_nodelay(pcb, true);
    CHECK_EQUAL(tcp_send(pcb, "d", 1), 1);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, isn + 11, PEER_ISN + 1);
    CHECK_EQUAL(data.length, 1);
}

/* MSG_MORE (Linux's TCP_NAGLE_CORK for one push; no RFC rule): with
 * nothing outstanding a partial segment waits for more data; the next
 * plain send takes it along; alone it leaves when the persist timer fires
 * (one RTO, as Linux's probe timer sends it). */
static void test_tcp_send_more_holds_partial_segment(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    struct captured data;
    CHECK_EQUAL(tcp_send_more(pcb, "aaaa", 4), 4);
    check_no_frame();
    CHECK_EQUAL(tcp_send(pcb, "bb", 2), 2);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(data.length, 6);
    CHECK_BYTES(data.payload, "aaaabb", 6);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 7,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    check_no_frame();
    CHECK_EQUAL(tcp_send_more(pcb, "cc", 2), 2);
    check_no_frame();
    CHECK_EQUAL(pcb->rto_ms, 200);
    net_host_clock_advance(199);
    check_no_frame();
    net_host_clock_advance(1);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, isn + 7, PEER_ISN + 1);
    CHECK_EQUAL(data.length, 2);
    CHECK_BYTES(data.payload, "cc", 2);
}

/* RFC 9293 3.8.6.1: with the peer's window closed the sender probes it
 * (one byte beyond the window), backing off; the window reopening lets data go. */
static void test_tcp_zero_window_probe(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 0, &isn);
    struct captured probe, data;
    CHECK_EQUAL(tcp_send(pcb, pattern, 100), 100);
    check_no_frame();
    CHECK_EQUAL(pcb->rto_ms, 200);              /* from the handshake's RTT sample */
    net_host_clock_advance(199);
    check_no_frame();
    net_host_clock_advance(1);
    expect_flags(&probe, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(probe.length, 1);
    CHECK_EQUAL(probe.payload[0], pattern[0]);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_ACK, .window = 0 });
    check_no_frame();
    net_host_clock_advance(399);
    check_no_frame();
    net_host_clock_advance(1);                  /* backed off: 400 ms later */
    expect_flags(&probe, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(probe.length, 1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_ACK, .window = 4000 });
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(data.length, 100);
    CHECK_BYTES(data.payload, pattern, 100);
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
}

/* RFC 9293 3.8.6: data beyond our advertised window is cut off and not ACKed. */
static void test_tcp_data_beyond_window_trimmed(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    CHECK_EQUAL(tcp_set_buffer_sizes(pcb, 4096, 4096), -EISCONN);
    uint32_t next = PEER_ISN + 1;
    uint32_t window = pcb->rcv_adv - pcb->rcv_nxt;
    inject_data(next + window - 10, isn + 1, 0, 20);
    struct captured ack;
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next);
    CHECK_EQUAL(pcb->ooo_count, 1);
    CHECK_EQUAL(pcb->ooo[0].end - pcb->ooo[0].start, 10);
}

/* Sending: the peer's MSS cuts segments; the send window limits what is in flight. */
static void test_tcp_send_respects_mss_and_window(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 2500, &isn);
    CHECK_EQUAL(tcp_send(pcb, pattern, 4000), 4000);
    struct captured data;
    expect_flags(&data, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(data.length, 1000);
    CHECK_BYTES(data.payload, pattern, 1000);
    expect_flags(&data, TCP_FLAG_ACK, isn + 1001, PEER_ISN + 1);
    CHECK_EQUAL(data.length, 1000);
    check_no_frame();                     /* 500 left in the window: SWS avoidance waits */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2001,
                                       .flags = TCP_FLAG_ACK, .window = 2500 });
    expect_flags(&data, TCP_FLAG_ACK, isn + 2001, PEER_ISN + 1);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, isn + 3001, PEER_ISN + 1);
    CHECK_EQUAL(data.length, 1000);
    CHECK_BYTES(data.payload, pattern + 3000, 1000);
    CHECK_EQUAL(tcp_unsent_bytes(pcb), 0);
}

/* Reading opens the window: an update goes out once it has at least doubled
 * (receiver SWS avoidance, RFC 1122 4.2.3.3). */
static void test_tcp_window_update_after_read(void)
{
    tcp_stack_setup();
    fill_pattern();
    struct tcp_pcb *listener = test_listener(4);
    CHECK_EQUAL(tcp_set_buffer_sizes(listener, 4096, 4096), 0);
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 8000, &isn);
    uint32_t next = PEER_ISN + 1;
    struct captured ack;
    for (uint32_t sent = 0; sent < 4000; sent += 1000) {
        inject_data(next + sent, isn + 1, sent, 1000);
        expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + sent + 1000);
    }
    CHECK_EQUAL(ack.window, 96);                /* 4096 - 4000 */
    uint8_t buffer[4096];
    CHECK_EQUAL(tcp_receive(pcb, buffer, 3000), 3000);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, next + 4000);
    CHECK_EQUAL(ack.window, 3096);
    CHECK_BYTES(buffer, pattern, 3000);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_in_order_data_acked),
        TEST_ENTRY(test_tcp_out_of_order_segment_buffered_then_delivered),
        TEST_ENTRY(test_tcp_duplicate_segment_acked_not_delivered_twice),
        TEST_ENTRY(test_tcp_nagle_holds_small_segment_until_ack),
        TEST_ENTRY(test_tcp_send_more_holds_partial_segment),
        TEST_ENTRY(test_tcp_zero_window_probe),
        TEST_ENTRY(test_tcp_data_beyond_window_trimmed),
        TEST_ENTRY(test_tcp_send_respects_mss_and_window),
        TEST_ENTRY(test_tcp_window_update_after_read),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
