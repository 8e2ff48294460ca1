/* Retransmission and congestion control (RFC 6298, RFC 5681, RFC 6582, RFC 1122 4.2.3.5). */
#include "tcp_test.h"
#include "ip/ip.h"

static uint8_t pattern[8192];
static int failed_error;
static void on_failed(struct tcp_pcb *pcb, int error) { failed_error = error; }

static void fill_pattern(void)
{
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 13 + 1);
}

/* Advances the clock ms - 1 expecting silence, then 1 expecting one segment. */
static void expect_after(uint32_t ms, struct captured *segment)
{
    net_host_clock_advance(ms - 1);
    check_no_frame();
    net_host_clock_advance(1);
    expect_segment(segment);
}

/* RFC 6298 5.4-5.6: on expiry retransmit the earliest unacknowledged
 * segment and double the RTO; the RTO starts from the handshake's sample
 * (bounded below by 200 ms, as Linux's TCP_RTO_MIN). */
static void test_tcp_retransmits_after_rto_with_backoff(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 8000, &isn);
    CHECK_EQUAL(pcb->rto_ms, 200);
    CHECK_EQUAL(tcp_send(pcb, pattern, 100), 100);
    struct captured data;
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, isn + 1, PEER_ISN + 1);
    uint32_t interval = 200;
    for (int i = 0; i < 5; i++) {
        expect_after(interval, &data);
        CHECK_EQUAL(data.seq, isn + 1);
        CHECK_EQUAL(data.length, 100);
        CHECK_BYTES(data.payload, pattern, 100);
        interval *= 2;
    }
    CHECK_EQUAL(net_counter_by_name("Tcp", "RetransSegs"), 5);
    struct tcp_pcb_info info;
    tcp_get_info(pcb, &info);
    CHECK_EQUAL(info.retransmits, 5);
    CHECK_EQUAL(info.snd_cwnd, 1);                 /* RFC 5681 3.1: loss window */
    /* the ACK resets the retry count (RFC 6298 5.3) and Karn keeps the RTO (no sample) */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 101,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    CHECK_EQUAL(pcb->retransmits, 0);
    CHECK_EQUAL(pcb->rto_ms, 200);
    CHECK(!pcb->retransmit_timer.armed);
    net_host_clock_advance(10000);
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPTimeouts"), 5);
}

/* Karn's rule (RFC 6298 3 and 5): the ACK of retransmitted data gives no
 * RTT sample, so the backed-off RTO stays for the next data until a
 * sample "collapses" it; then it is the computed RTO again. */
static void test_tcp_backed_off_rto_kept_until_a_sample(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 8000, &isn);
    CHECK_EQUAL(tcp_send(pcb, pattern, 10), 10);
    struct captured data;
    expect_segment(&data);
    expect_after(200, &data);
    expect_after(400, &data);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 11,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    CHECK_EQUAL(tcp_send(pcb, pattern + 10, 10), 10);
    expect_segment(&data);
    expect_after(800, &data);                     /* 200 ms doubled twice, not 200 */
    CHECK_EQUAL(data.seq, isn + 11);
    /* this ACK is again for a retransmission: still no sample */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 21,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    CHECK_EQUAL(tcp_send(pcb, pattern + 20, 10), 10);
    expect_segment(&data);
    net_host_clock_advance(5);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 31,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    CHECK_EQUAL(pcb->backoff, 0);                 /* a sample of a segment sent once */
    CHECK_EQUAL(tcp_send(pcb, pattern + 30, 10), 10);
    expect_segment(&data);
    expect_after(pcb->rto_ms, &data);
    CHECK(pcb->rto_ms < 800);
}

/* RFC 6298 2.2-2.3 (K = 4, alpha = 1/8, beta = 1/4, G = 1 ms): the first
 * sample R sets SRTT = R, RTTVAR = R / 2; later ones RTTVAR = 3/4 RTTVAR +
 * 1/4 |SRTT - R'|, then SRTT = 7/8 SRTT + 1/8 R'; RTO = SRTT + max(G,
 * 4 RTTVAR), and 5.1: the timer runs for that RTO.  The SYN-ACK comes
 * 100 ms after the SYN (SRTT 100, RTTVAR 50, RTO 300), data is ACKed 250
 * ms after it was sent (RTTVAR 75, SRTT 118.75, RTO 418.75 ms). */
static void test_tcp_rto_from_rtt_samples(void)
{
    tcp_stack_setup();
    fill_pattern();
    struct tcp_pcb *pcb = tcp_pcb_new();
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, data;
    expect_segment(&syn);
    net_host_clock_advance(100);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000,
                                       .destination_port = syn.source_port });
    expect_flags(&data, TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 1);
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    CHECK_EQUAL(pcb->rto_ms, 300);
    CHECK_EQUAL(tcp_send(pcb, pattern, 10), 10);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, syn.seq + 1, PEER_ISN + 1);
    net_host_clock_advance(250);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn.seq + 11,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .destination_port = syn.source_port });
    check_no_frame();
    struct tcp_pcb_info info;
    tcp_get_info(pcb, &info);
    CHECK(info.rtt_us >= 118750 - 1000 && info.rtt_us <= 118750 + 1000);
    CHECK(info.rttvar_us >= 75000 - 1000 && info.rttvar_us <= 75000 + 1000);
    CHECK(pcb->rto_ms == 418 || pcb->rto_ms == 419);
    /* the next segment's timer runs for that RTO */
    CHECK_EQUAL(tcp_send(pcb, pattern + 10, 10), 10);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, syn.seq + 11, PEER_ISN + 1);
    net_host_clock_advance(417);
    check_no_frame();
    net_host_clock_advance(2);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, syn.seq + 11, PEER_ISN + 1);
    CHECK_BYTES(data.payload, pattern + 10, 10);
}

/* RFC 1122 4.2.3.5: after R2 retransmissions the connection is given up
 * (ETIMEDOUT); Linux's tcp_retries2 counts them. */
static void test_tcp_gives_up_after_retries_with_etimedout(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 8000, &isn);
    pcb->failed = on_failed;
    tcp_retries2 = 3;
    CHECK_EQUAL(tcp_send(pcb, "x", 1), 1);
    net_host_clock_advance(200 + 400 + 800 + 1600);
    CHECK_EQUAL(fake_netif_transmitted_count(), 4);
    fake_netif_clear_transmitted();
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(failed_error, ETIMEDOUT);
    CHECK_EQUAL(tcp_receive(pcb, (char[1]){ 0 }, 1), -ETIMEDOUT);
    tcp_close(pcb);
}

/* RFC 6298 5.7-style SYN backoff: SYNs at 0, 1, 3, 7 s (initial RTO 1 s),
 * then ETIMEDOUT after tcp_syn_retries. */
static void test_tcp_syn_retransmitted_then_times_out(void)
{
    tcp_stack_setup();
    tcp_syn_retries = 3;
    struct tcp_pcb *pcb = tcp_pcb_new();
    pcb->failed = on_failed;
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn;
    expect_segment(&syn);
    uint32_t iss = syn.seq;
    uint32_t interval = 1000;
    for (int i = 0; i < 3; i++) {
        expect_after(interval, &syn);
        CHECK_EQUAL(syn.flags, TCP_FLAG_SYN);
        CHECK_EQUAL(syn.seq, iss);
        interval *= 2;
    }
    net_host_clock_advance(interval);
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(failed_error, ETIMEDOUT);
    CHECK_EQUAL(net_counter_by_name("Tcp", "AttemptFails"), 1);
    tcp_close(pcb);
}

/* A SYN-ACK after a SYN retransmission: the connection opens and data
 * flows (the timeout had rewound SND.NXT to the SYN). */
static void test_tcp_syn_ack_after_syn_retransmission(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, data;
    expect_segment(&syn);
    expect_after(1000, &syn);
    CHECK_EQUAL(net_counter_by_name("Tcp", "RetransSegs"), 1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000,
                                       .destination_port = syn.source_port });
    expect_flags(&data, TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 1);
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    CHECK_EQUAL(pcb->rto_ms, 1000);                /* Karn: no sample from the retransmitted SYN */
    CHECK_EQUAL(tcp_send(pcb, "abc", 3), 3);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, syn.seq + 1, PEER_ISN + 1);
    CHECK_BYTES(data.payload, "abc", 3);
}

/* RFC 5681 3.2 and RFC 6582: the third duplicate ACK retransmits the first
 * unacknowledged segment at once (before any RTO), ssthresh = FlightSize / 2,
 * and a partial ACK retransmits the next hole; the full ACK ends recovery. */
static void test_tcp_fast_retransmit_after_three_dup_acks(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 30000, &isn);
    tcp_set_nodelay(pcb, true);
    CHECK_EQUAL(tcp_send(pcb, pattern, 6000), 6000);
    struct captured data;
    for (int i = 0; i < 6; i++) {
        expect_segment(&data);
        CHECK_EQUAL(data.seq, isn + 1 + 1000u * (uint32_t)i);
        CHECK_EQUAL(data.length, 1000);
    }
    /* segments 1 and 3 lost: the peer ACKs segment 0 and repeats it */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1001,
                                       .flags = TCP_FLAG_ACK, .window = 30000 });
    for (int i = 0; i < 2; i++) {
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1001,
                                           .flags = TCP_FLAG_ACK, .window = 30000 });
        check_no_frame();
    }
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1001,
                                       .flags = TCP_FLAG_ACK, .window = 30000 });
    expect_segment(&data);
    CHECK_EQUAL(data.seq, isn + 1001);
    CHECK_EQUAL(data.length, 1000);
    CHECK_BYTES(data.payload, pattern + 1000, 1000);
    CHECK_EQUAL(net_counter_by_name("Tcp", "RetransSegs"), 1);
    CHECK(pcb->in_recovery);
    CHECK_EQUAL(pcb->ssthresh, 2500);               /* 5000 in flight / 2 */
    CHECK_EQUAL(pcb->cwnd, 2500 + 3000);
    /* partial ACK (up to the second hole): retransmit segment 3 */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 3001,
                                       .flags = TCP_FLAG_ACK, .window = 30000 });
    expect_segment(&data);
    CHECK_EQUAL(data.seq, isn + 3001);
    CHECK_EQUAL(net_counter_by_name("Tcp", "RetransSegs"), 2);
    CHECK(pcb->in_recovery);
    /* full ACK: recovery ends with cwnd = ssthresh (RFC 6582 3.2 step 3) */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 6001,
                                       .flags = TCP_FLAG_ACK, .window = 30000 });
    CHECK(!pcb->in_recovery);
    CHECK_EQUAL(pcb->cwnd, 1000 + 1000);   /* min(ssthresh, max(FlightSize 0, MSS) + MSS) */
    check_no_frame();
    /* counted as Linux counts them: one recovery, two retransmissions in it */
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPRenoRecovery"), 1);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPFastRetrans"), 2);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPTimeouts"), 0);
}

/* RFC 3042 (RFC 5681 3.2 step 1): the first and second duplicate ACKs each
 * send one segment of new data beyond cwnd, so that a small window still
 * gets the third duplicate ACK; cwnd is unchanged, and those segments are
 * left out of the FlightSize that sets ssthresh at the third (step 2). */
static void test_tcp_limited_transmit_on_first_two_dup_acks(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 30000, &isn);
    tcp_set_nodelay(pcb, true);
    CHECK_EQUAL(tcp_send(pcb, pattern, 8000), 8000);
    struct captured data;
    for (int i = 0; i < 8; i++)
        expect_segment(&data);
    CHECK_EQUAL(tcp_send(pcb, pattern, 8000), 8000);   /* 16000 queued, cwnd 10000 */
    expect_segment(&data);
    expect_segment(&data);
    check_no_frame();
    /* segment 1 lost: segment 0's ACK grows cwnd (slow start) by one MSS */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1001,
                                       .flags = TCP_FLAG_ACK, .window = 30000 });
    CHECK_EQUAL(pcb->cwnd, 11000);
    for (int i = 10; i < 12; i++) {
        expect_segment(&data);
        CHECK_EQUAL(data.seq, isn + 1 + 1000u * (uint32_t)i);
    }
    check_no_frame();
    for (int i = 12; i < 14; i++) {
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1001,
                                           .flags = TCP_FLAG_ACK, .window = 30000 });
        expect_segment(&data);
        CHECK_EQUAL(data.seq, isn + 1 + 1000u * (uint32_t)i);
        CHECK_EQUAL(data.length, 1000);
        check_no_frame();
        CHECK_EQUAL(pcb->cwnd, 11000);
    }
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1001,
                                       .flags = TCP_FLAG_ACK, .window = 30000 });
    expect_segment(&data);
    CHECK_EQUAL(data.seq, isn + 1001);               /* fast retransmit */
    CHECK(pcb->in_recovery);
    CHECK_EQUAL(pcb->ssthresh, 5500);                /* (13000 - 2000 sent by LT) / 2 */
    CHECK_EQUAL(pcb->cwnd, 5500 + 3000);
    check_no_frame();                                /* 13000 in flight > cwnd */
}

/* RFC 5681 3.1: slow start grows cwnd by one MSS per ACK of new data,
 * from the RFC 6928 initial window of 10 segments. */
static void test_tcp_slow_start_grows_cwnd(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 60000, &isn);
    CHECK_EQUAL(pcb->cwnd, 10000);
    CHECK_EQUAL(tcp_send(pcb, pattern, 8192), 8192);
    CHECK_EQUAL(fake_netif_transmitted_count(), 8);    /* Nagle holds the last 192 bytes */
    fake_netif_clear_transmitted();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2001,
                                       .flags = TCP_FLAG_ACK, .window = 60000 });
    CHECK_EQUAL(pcb->cwnd, 11000);
}

/* RFC 5681 3.1: after an RTO, ssthresh = max(FlightSize / 2, 2 * SMSS)
 * (equation 4) and cwnd = the loss window, 1 SMSS; slow start then adds
 * min(N, SMSS) per ACK (equation 2) up to ssthresh, and congestion
 * avoidance adds about one SMSS per RTT, i.e. per cwnd of acknowledged
 * data (equation 3, or RFC 3465 byte counting), not one per ACK. */
static void test_tcp_congestion_avoidance_after_timeout(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 60000, &isn);
    tcp_set_nodelay(pcb, true);
    CHECK_EQUAL(tcp_send(pcb, pattern, 8000), 8000);
    CHECK_EQUAL(tcp_send(pcb, pattern, 2000), 2000);
    CHECK_EQUAL(fake_netif_transmitted_count(), 10);       /* the initial window */
    fake_netif_clear_transmitted();
    struct captured data;
    expect_after(200, &data);                             /* the RTO: segment 0 again */
    CHECK_EQUAL(data.seq, isn + 1);
    CHECK_EQUAL(pcb->ssthresh, 5000);
    CHECK_EQUAL(pcb->cwnd, 1000);
    for (int i = 0; i < 5; i++)
        CHECK_EQUAL(tcp_send(pcb, pattern, 8000), 8000);
    uint32_t acked = 0;
    for (int i = 1; i <= 15; i++) {
        acked += 1000;
        CHECK(pcb->snd_max - (isn + 1) >= acked);
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1 + acked,
                                           .flags = TCP_FLAG_ACK, .window = 60000 });
        fake_netif_clear_transmitted();
        if (i <= 4)                                       /* slow start: +1 SMSS per ACK */
            CHECK_EQUAL(pcb->cwnd, 1000 + 1000u * (uint32_t)i);
        if (i == 9)                                       /* one window of 5000 acknowledged */
            CHECK(pcb->cwnd > 5000 && pcb->cwnd <= 6000);
    }
    CHECK(pcb->cwnd > 6000 && pcb->cwnd <= 7000);         /* about one window more */
    CHECK_EQUAL(pcb->ssthresh, 5000);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_retransmits_after_rto_with_backoff),
        TEST_ENTRY(test_tcp_backed_off_rto_kept_until_a_sample),
        TEST_ENTRY(test_tcp_gives_up_after_retries_with_etimedout),
        TEST_ENTRY(test_tcp_syn_retransmitted_then_times_out),
        TEST_ENTRY(test_tcp_syn_ack_after_syn_retransmission),
        TEST_ENTRY(test_tcp_fast_retransmit_after_three_dup_acks),
        TEST_ENTRY(test_tcp_limited_transmit_on_first_two_dup_acks),
        TEST_ENTRY(test_tcp_slow_start_grows_cwnd),
        TEST_ENTRY(test_tcp_rto_from_rtt_samples),
        TEST_ENTRY(test_tcp_congestion_avoidance_after_timeout),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
