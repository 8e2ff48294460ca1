/* Selective acknowledgment (RFC 2018) and SACK-based loss recovery (RFC 6675). */
#include "tcp_test.h"
#include "tcp/tcp_private.h"

static uint8_t pattern[16384];

static void fill_pattern(void)
{
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 7 + 3);
}

/* The peer's ACK of our data: ack relative to our ISN, SACK blocks relative too. */
static void peer_acks(uint32_t isn, uint32_t ack, const uint32_t (*blocks)[2], int count)
{
    uint32_t absolute[4][2];
    for (int i = 0; i < count; i++) {
        absolute[i][0] = isn + 1 + blocks[i][0];
        absolute[i][1] = isn + 1 + blocks[i][1];
    }
    uint8_t options[40];
    size_t length = count ? sack_option(options, absolute, count) : 0;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1 + ack,
                                       .flags = TCP_FLAG_ACK, .window = 60000,
                                       .options = options, .options_length = length });
}

/* The peer's data at offset (relative to its ISN + 1). */
static void peer_sends(uint32_t isn, uint32_t offset, uint32_t length)
{
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1 + offset, .ack = isn + 1,
                                       .flags = TCP_FLAG_ACK, .window = 60000,
                                       .payload = pattern + offset, .length = length });
}

/* Checks the captured segment's SACK blocks, relative to the peer's ISN + 1. */
static void check_blocks(const struct captured *segment, const uint32_t (*expected)[2], int count)
{
    uint32_t blocks[4][2];
    int found;
    parse_sack_option(segment, blocks, &found);
    CHECK_EQUAL(found, count);
    for (int i = 0; i < count && i < found; i++) {
        CHECK_EQUAL(blocks[i][0] - (PEER_ISN + 1), expected[i][0]);
        CHECK_EQUAL(blocks[i][1] - (PEER_ISN + 1), expected[i][1]);
    }
}

/* A SACK connection on which the stack sent bytes (at most its initial
 * window) in 1000-byte segments, all captured; returns the pcb. */
static struct tcp_pcb *sent_in_segments(uint32_t bytes, uint32_t *isn)
{
    tcp_stack_setup();
    fill_pattern();
    struct tcp_pcb *pcb = establish_passive_sack(1000, 60000, isn);
    CHECK_EQUAL(tcp_send(pcb, pattern, bytes), (long)bytes);
    struct captured segment;
    for (uint32_t offset = 0; offset < bytes; offset += 1000) {
        expect_segment(&segment);
        CHECK_EQUAL(segment.seq, *isn + 1 + offset);
    }
    check_no_frame();
    return pcb;
}

/* RFC 2018 2: SACK-permitted goes on a SYN-ACK only in answer to a SYN
 * that carried it, laid out as Linux does (MSS, NOP, NOP, SACK-permitted);
 * tcp_sack = 0 (Linux's sysctl) turns it off. */
static void test_tcp_sack_permitted_answered_only_when_offered(void)
{
    tcp_stack_setup();
    test_listener(4);
    uint8_t offer[8] = { 2, 4, 0x03, 0xe8, 1, 1, 4, 2 };
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .options = offer, .options_length = 8 });
    struct captured syn_ack;
    expect_segment(&syn_ack);
    uint8_t expected[8] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2 };
    CHECK_EQUAL(syn_ack.options_length, 8);
    CHECK_BYTES(syn_ack.options, expected, 8);

    tcp_sack = 0;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .options = offer, .options_length = 8,
                                       .source_port = PEER_PORT + 1 });
    expect_segment(&syn_ack);
    CHECK_EQUAL(syn_ack.options_length, 4);
}

/* RFC 2018 4: an ACK for out-of-order data carries SACK blocks, the first
 * one holding the segment that triggered it; blocks merge as holes fill,
 * and go once the ACK covers them. */
static void test_tcp_sack_blocks_report_out_of_order_data_latest_first(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive_sack(1000, 60000, &isn);
    struct captured ack;
    peer_sends(isn, 1000, 1000);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    check_blocks(&ack, (const uint32_t[][2]){ { 1000, 2000 } }, 1);
    peer_sends(isn, 3000, 1000);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    check_blocks(&ack, (const uint32_t[][2]){ { 3000, 4000 }, { 1000, 2000 } }, 2);
    peer_sends(isn, 2000, 500);                   /* extends the first range */
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    check_blocks(&ack, (const uint32_t[][2]){ { 1000, 2500 }, { 3000, 4000 } }, 2);
    peer_sends(isn, 5000, 1000);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    check_blocks(&ack, (const uint32_t[][2]){ { 5000, 6000 }, { 1000, 2500 }, { 3000, 4000 } }, 3);
    peer_sends(isn, 0, 1000);                     /* the first hole: the ACK moves */
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 2500 + 1);
    check_blocks(&ack, (const uint32_t[][2]){ { 3000, 4000 }, { 5000, 6000 } }, 2);
    peer_sends(isn, 2500, 500);
    peer_sends(isn, 4000, 1000);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 4000 + 1);
    check_blocks(&ack, (const uint32_t[][2]){ { 5000, 6000 } }, 1);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 6000 + 1);
    CHECK_EQUAL(ack.options_length, 0);
    CHECK_EQUAL(pcb->ooo_count, 0);
}

/* RFC 2018 2: without the peer's SACK-permitted, no SACK option is sent. */
static void test_tcp_sack_not_sent_unless_agreed(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 60000, &isn);
    CHECK(!pcb->sack_ok);
    peer_sends(isn, 1000, 1000);
    struct captured ack;
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(ack.options_length, 0);
}

/* RFC 9293 3.7.1 (RFC 6691): the SACK blocks of a data segment come out
 * of the MSS, so the segment never exceeds what the peer accepts. */
static void test_tcp_sack_blocks_shorten_data_segments(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive_sack(1000, 60000, &isn);
    peer_sends(isn, 1000, 1000);
    struct captured segment;
    expect_segment(&segment);
    CHECK_EQUAL(tcp_send(pcb, pattern, 3000), 3000);
    expect_flags(&segment, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(segment.options_length, 12);      /* NOP, NOP, one block */
    CHECK_EQUAL(segment.length, 1000 - 12);
    check_blocks(&segment, (const uint32_t[][2]){ { 1000, 2000 } }, 1);
}

/*
 * RFC 6675 5: SACKed bytes that show the first hole lost (more than
 * 2 * SMSS above it) start recovery at once, without three duplicate
 * ACKs; NextSeg retransmits only holes, never SACKed data, and what
 * is lost before anything else; cwnd is ssthresh, half the flight.
 */
static void test_tcp_sack_recovery_retransmits_only_the_holes(void)
{
    uint32_t isn;
    struct tcp_pcb *pcb = sent_in_segments(10000, &isn);
    struct captured segment;
    /* segment 0 lost; 1 to 3 arrived: 3000 bytes SACKed above it */
    peer_acks(isn, 0, (const uint32_t[][2]){ { 1000, 4000 } }, 1);
    expect_flags(&segment, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(segment.length, 1000);
    CHECK(pcb->in_recovery);
    CHECK_EQUAL(pcb->cwnd, 5000);
    CHECK_EQUAL(pcb->dupacks, 1);
    struct tcp_pcb_info info;                     /* TCP_INFO counts segments, as Linux */
    tcp_get_info(pcb, &info);
    CHECK(info.sack_ok);
    CHECK_EQUAL(info.unacked, 10);
    CHECK_EQUAL(info.sacked, 3);
    check_no_frame();
    /* segment 6 lost too, with 3000 bytes SACKed above it */
    peer_acks(isn, 0, (const uint32_t[][2]){ { 1000, 6000 }, { 7000, 10000 } }, 2);
    expect_flags(&segment, TCP_FLAG_ACK, isn + 1 + 6000, PEER_ISN + 1);
    CHECK_EQUAL(segment.length, 1000);
    CHECK_BYTES(segment.payload, pattern + 6000, 1000);
    check_no_frame();
    /* the first retransmission arrived: a partial ACK, nothing more to send */
    peer_acks(isn, 6000, (const uint32_t[][2]){ { 7000, 10000 } }, 1);
    check_no_frame();
    CHECK(pcb->in_recovery);
    peer_acks(isn, 10000, NULL, 0);
    CHECK(!pcb->in_recovery);
    CHECK_EQUAL(pcb->sacked_count, 0);
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPSackRecovery"), 1);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPRenoRecovery"), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "RetransSegs"), 2);
}

/* RFC 6675 4 NextSeg rule 3: a hole not yet judged lost is retransmitted
 * when no new data can go instead, and only once per recovery. */
static void test_tcp_sack_recovery_retransmits_unlost_hole_when_nothing_new(void)
{
    uint32_t isn;
    struct tcp_pcb *pcb = sent_in_segments(8000, &isn);
    struct captured segment;
    /* segments 0 and 5 lost: 1000 bytes SACKed above segment 5 (not lost) */
    peer_acks(isn, 0, (const uint32_t[][2]){ { 1000, 5000 }, { 6000, 7000 } }, 2);
    expect_flags(&segment, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    expect_flags(&segment, TCP_FLAG_ACK, isn + 1 + 5000, PEER_ISN + 1);
    check_no_frame();
    CHECK_EQUAL(pcb->high_rxt, isn + 1 + 6000);
    peer_acks(isn, 0, (const uint32_t[][2]){ { 1000, 5000 }, { 6000, 8000 } }, 2);
    check_no_frame();                             /* each hole once */
}

/* After a timeout the sender goes back to snd_una (RFC 6298 5.4) but skips
 * what the peer SACKed: only the holes are sent again. */
static void test_tcp_sack_timeout_resends_holes_not_sacked_data(void)
{
    uint32_t isn;
    struct tcp_pcb *pcb = sent_in_segments(4000, &isn);
    struct captured segment;
    /* segments 0 and 2 lost: not enough SACKed for fast recovery */
    peer_acks(isn, 0, (const uint32_t[][2]){ { 1000, 2000 }, { 3000, 4000 } }, 2);
    check_no_frame();
    CHECK(!pcb->in_recovery);
    net_host_clock_advance(pcb->rto_ms);
    expect_flags(&segment, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(segment.length, 1000);
    check_no_frame();
    peer_acks(isn, 2000, (const uint32_t[][2]){ { 3000, 4000 } }, 1);
    expect_flags(&segment, TCP_FLAG_ACK, isn + 1 + 2000, PEER_ISN + 1);
    CHECK_EQUAL(segment.length, 1000);
    check_no_frame();                             /* not segment 3 */
    CHECK_EQUAL(pcb->snd_nxt, isn + 1 + 4000);
    peer_acks(isn, 4000, NULL, 0);
    CHECK_EQUAL(pcb->snd_una, pcb->snd_max);
}

/* RFC 2018 8: a cumulative ACK that stops inside data the peer SACKed
 * means it dropped that data: the scoreboard is forgotten. */
static void test_tcp_sack_reneging_forgets_the_scoreboard(void)
{
    uint32_t isn;
    struct tcp_pcb *pcb = sent_in_segments(4000, &isn);
    peer_acks(isn, 0, (const uint32_t[][2]){ { 2000, 3000 } }, 1);
    CHECK_EQUAL(pcb->sacked_count, 1);
    peer_acks(isn, 2000, NULL, 0);
    CHECK_EQUAL(pcb->sacked_count, 0);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPSACKReneging"), 1);
}

/* Blocks below the ACK (D-SACK, RFC 2883), beyond what was sent, or
 * empty are ignored. */
static void test_tcp_sack_ignores_blocks_outside_the_flight(void)
{
    uint32_t isn;
    struct tcp_pcb *pcb = sent_in_segments(3000, &isn);
    peer_acks(isn, 1000, (const uint32_t[][2]){ { 0, 1000 }, { 2000, 4000 }, { 2500, 2500 } }, 3);
    CHECK_EQUAL(pcb->sacked_count, 0);
    peer_acks(isn, 1000, (const uint32_t[][2]){ { 2000, 3000 } }, 1);
    CHECK_EQUAL(pcb->sacked_count, 1);
}

static uint32_t random_state = 2018;
static uint32_t next_random(void)
{
    random_state = random_state * 1103515245u + 12345u;
    return random_state >> 8;
}

/* The scoreboard's invariant (tcp.h): sorted, disjoint, non-adjacent,
 * inside (snd_una, snd_max]; and the pipe never counts more than every
 * byte in flight twice (once sent, once retransmitted). */
static void check_scoreboard(const struct tcp_pcb *pcb)
{
    CHECK(pcb->sacked_count >= 0 && pcb->sacked_count <= TCP_SCOREBOARD_RANGES);
    for (int i = 0; i < pcb->sacked_count; i++) {
        const struct tcp_range *range = &pcb->sacked[i];
        CHECK((int32_t)(range->end - range->start) > 0);
        CHECK((int32_t)(range->start - pcb->snd_una) > 0);
        CHECK((int32_t)(range->end - pcb->snd_max) <= 0);
        if (i > 0)
            CHECK((int32_t)(range->start - pcb->sacked[i - 1].end) > 0);
    }
    if (pcb->in_recovery)
        CHECK(tcp_sack_pipe(pcb) <= 2 * (pcb->snd_max - pcb->snd_una));
}

/* Random ACKs and SACK blocks, sensible and not (overlapping SND.UNA,
 * reversed, beyond SND.MAX, below the ACK), with timeouts between them:
 * the scoreboard keeps its invariant, and once the peer ACKs everything
 * the connection is idle with nothing retransmitted any more. */
static void test_tcp_sack_random_blocks_keep_the_scoreboard_sound(void)
{
    uint32_t isn;
    struct tcp_pcb *pcb = sent_in_segments(10000, &isn);
    uint32_t total = 10000, acked = 0;
    for (int step = 0; step < 20000; step++) {
        if (tcp_send_space(pcb) >= 1000 && total < 2000000) {
            CHECK_EQUAL(tcp_send(pcb, pattern, 1000), 1000);
            total += 1000;
        }
        uint32_t flight = pcb->snd_max - pcb->snd_una;
        uint32_t base = pcb->snd_una - (isn + 1);
        uint32_t ack = base + (next_random() % 8 == 0 ? next_random() % (flight + 1) : 0);
        uint32_t blocks[4][2];
        int count = (int)(next_random() % 5);
        for (int i = 0; i < count; i++) {
            blocks[i][0] = base + next_random() % (flight + 2000) - 1000;
            blocks[i][1] = blocks[i][0] + next_random() % 4000 - 500;
        }
        peer_acks(isn, ack, (const uint32_t(*)[2])blocks, count);
        acked = MAX(acked, ack);
        check_scoreboard(pcb);
        if (next_random() % 50 == 0)
            net_host_clock_advance(next_random() % 1000);
        fake_netif_clear_transmitted();
        CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    }
    CHECK(net_counter_by_name("TcpExt", "TCPSackRecovery") > 0);
    peer_acks(isn, pcb->snd_max - (isn + 1), NULL, 0);
    CHECK_EQUAL(pcb->snd_una, pcb->snd_max);
    CHECK_EQUAL(pcb->sacked_count, 0);
    fake_netif_clear_transmitted();
    net_host_clock_advance(10000);
    while (fake_netif_transmitted_count()) {      /* new data only, never old */
        struct captured segment;
        expect_segment(&segment);
        CHECK((int32_t)(segment.seq - pcb->snd_una) >= 0 || segment.length == 0);
    }
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_sack_permitted_answered_only_when_offered),
        TEST_ENTRY(test_tcp_sack_blocks_report_out_of_order_data_latest_first),
        TEST_ENTRY(test_tcp_sack_not_sent_unless_agreed),
        TEST_ENTRY(test_tcp_sack_blocks_shorten_data_segments),
        TEST_ENTRY(test_tcp_sack_recovery_retransmits_only_the_holes),
        TEST_ENTRY(test_tcp_sack_recovery_retransmits_unlost_hole_when_nothing_new),
        TEST_ENTRY(test_tcp_sack_timeout_resends_holes_not_sacked_data),
        TEST_ENTRY(test_tcp_sack_reneging_forgets_the_scoreboard),
        TEST_ENTRY(test_tcp_sack_ignores_blocks_outside_the_flight),
        TEST_ENTRY(test_tcp_sack_random_blocks_keep_the_scoreboard_sound),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
