/*
 * Congestion window validation (RFC 7661 4.3, by Linux's rule: tcp/README.md):
 * ACKs grow cwnd only while the sender uses it.  The peer MSS is 1000, so
 * the initial window is 10 segments (RFC 6928) and windows count in
 * thousands.
 */
#include "tcp_test.h"

static uint8_t pattern[8192];

static void fill_pattern(void)
{
    for (size_t i = 0; i < sizeof(pattern); i++)
        pattern[i] = (uint8_t)(i * 11 + 5);
}

static void peer_acks(uint32_t ack, uint16_t window)
{
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = ack,
                                       .flags = TCP_FLAG_ACK, .window = window });
}

/* A bulk sender: the send ring kept full. */
static void fill_send_ring(struct tcp_pcb *pcb)
{
    while (tcp_send(pcb, pattern, sizeof(pattern)) > 0)
        continue;
}

/* An application writing 3 segments per round trip for 50 round trips
 * never has more than 3 segments in flight, well within its initial
 * window of 10: the ACKs of its data say nothing about what the path
 * could carry beyond that, so cwnd stays at the initial window (without
 * validation slow start adds one SMSS per ACK: 160 segments). */
static void test_cwnd_does_not_grow_when_application_limited(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 60000, &isn);
    CHECK_EQUAL(pcb->cwnd, 10000);
    uint32_t sent = 0;
    for (int round_trip = 0; round_trip < 50; round_trip++) {
        CHECK_EQUAL(tcp_send(pcb, pattern, 3000), 3000);
        CHECK_EQUAL(fake_netif_transmitted_count(), 3);
        fake_netif_clear_transmitted();
        net_host_clock_advance(10);
        for (int segment = 0; segment < 3; segment++) {
            sent += 1000;
            peer_acks(isn + 1 + sent, 60000);
        }
        check_no_frame();
    }
    CHECK_EQUAL(pcb->snd_una, isn + 1 + 150000);
    CHECK_EQUAL(pcb->cwnd, 10000);
    struct tcp_pcb_info info;
    tcp_get_info(pcb, &info);
    CHECK_EQUAL(info.snd_cwnd, 10);            /* TCP_INFO's tcpi_snd_cwnd, in segments */
}

/* A bulk sender whose peer offers only 20 segments of window and ACKs
 * every segment at once: the window, not cwnd, limits what is in flight,
 * so once cwnd has passed the window it grows only up to twice the
 * largest flight (Linux's slow-start allowance), 40 segments, however many
 * ACKs come (without validation: one SMSS more per ACK, 800 of them). */
static void test_cwnd_does_not_grow_when_receive_window_limited(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 20000, &isn);
    fill_send_ring(pcb);
    CHECK_EQUAL(pcb->snd_max - pcb->snd_una, 10000);       /* the initial window */
    for (int ack = 0; ack < 800; ack++) {
        fake_netif_clear_transmitted();
        peer_acks(pcb->snd_una + 1000, 20000);
        fill_send_ring(pcb);
        CHECK(pcb->snd_max - pcb->snd_una <= 20000);        /* never beyond the window */
    }
    CHECK_EQUAL(pcb->snd_max - pcb->snd_una, 20000);       /* the window is full */
    CHECK(pcb->cwnd >= 20000);                   /* it grew while it was the limit */
    CHECK(pcb->cwnd <= 2 * 20000);
}

/* RFC 5681 3.1: a bulk sender that fills its window as ACKs free it is
 * limited by cwnd, and slow start adds one SMSS per ACK: cwnd, and what
 * is in flight, double every round trip, 10, 20, then 40 segments. */
static void test_cwnd_grows_when_cwnd_limited(void)
{
    tcp_stack_setup();
    fill_pattern();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 65535, &isn);
    fill_send_ring(pcb);
    uint32_t flight = 10000;
    CHECK_EQUAL(pcb->snd_max - pcb->snd_una, flight);
    for (int round_trip = 0; round_trip < 2; round_trip++) {
        for (uint32_t segment = 0; segment < flight / 1000; segment++) {
            fake_netif_clear_transmitted();
            peer_acks(pcb->snd_una + 1000, 65535);
            fill_send_ring(pcb);
        }
        flight *= 2;
        CHECK_EQUAL(pcb->cwnd, flight);
        CHECK_EQUAL(pcb->snd_max - pcb->snd_una, flight);
    }
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_cwnd_does_not_grow_when_application_limited),
        TEST_ENTRY(test_cwnd_does_not_grow_when_receive_window_limited),
        TEST_ENTRY(test_cwnd_grows_when_cwnd_limited),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
