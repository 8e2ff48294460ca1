/* Transfers through a seeded lossy peer played by the test: segments
 * dropped, duplicated and reordered both ways; every byte must arrive
 * once, in order (RFC 9293 3.4, 3.10.7.4; RFC 6298; RFC 5681). */
#include "tcp_test.h"

#define TRANSFER (200u * 1000u)
#define PEER_WINDOW 16000

static uint32_t random_state;
static uint32_t next_random(void)
{
    random_state = random_state * 1103515245u + 12345u;
    return random_state >> 8;
}
static uint8_t byte_at(uint32_t i) { return (uint8_t)(i * 17 + (i >> 9)); }

/* The SACK option (RFC 2018 4) the peer sends for what it holds beyond
 * contiguous: the range holding the latest segment first, then the
 * lowest ones, 4 blocks at most; returns its length (0: no holes). */
static size_t peer_sack_option(uint8_t *out, const uint8_t *got, uint32_t contiguous,
                               uint32_t latest, uint32_t isn)
{
    uint32_t blocks[4][2];
    int count = 0;
    if (latest >= contiguous) {
        uint32_t start = latest, end = latest;
        while (start > contiguous && got[start - 1])
            start--;
        while (end < TRANSFER && got[end])
            end++;
        blocks[count][0] = isn + 1 + start;
        blocks[count++][1] = isn + 1 + end;
    }
    for (uint32_t i = contiguous; i < TRANSFER && count < 4;) {
        if (!got[i]) {
            i++;
            continue;
        }
        uint32_t start = i;
        while (i < TRANSFER && got[i])
            i++;
        if (count && blocks[0][0] == isn + 1 + start)
            continue;
        blocks[count][0] = isn + 1 + start;
        blocks[count++][1] = isn + 1 + i;
    }
    return count ? sack_option(out, (const uint32_t(*)[2])blocks, count) : 0;
}

/* The stack sends; the peer drops 10% of data segments and 10% of its
 * ACKs, and ACKs cumulatively what it holds (duplicate ACKs for holes),
 * with SACK blocks when sack is set. */
static void lossy_send(uint32_t seed, bool sack)
{
    random_state = seed;
    net_host_random_seed(seed);
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = sack ? establish_passive_sack(1000, PEER_WINDOW, &isn)
                               : establish_passive(1000, PEER_WINDOW, &isn);
    static uint8_t got[TRANSFER], data[TRANSFER];
    uint32_t sent = 0, contiguous = 0;
    for (int round = 0; round < 200000 && contiguous < TRANSFER; round++) {
        while (sent < TRANSFER) {
            uint8_t chunk[1500];
            uint32_t n = MIN((uint32_t)sizeof(chunk), TRANSFER - sent);
            for (uint32_t i = 0; i < n; i++)
                chunk[i] = byte_at(sent + i);
            long accepted = tcp_send(pcb, chunk, n);
            CHECK(accepted >= 0);
            if (!accepted)
                break;
            sent += (uint32_t)accepted;
        }
        if (!fake_netif_transmitted_count()) {
            net_host_clock_advance(10);
            continue;
        }
        struct captured segment;
        expect_segment(&segment);
        if (!segment.length || next_random() % 10 == 0)
            continue;
        uint32_t offset = segment.seq - (isn + 1);
        CHECK(offset + segment.length <= TRANSFER);
        memcpy(data + offset, segment.payload, segment.length);
        memset(got + offset, 1, segment.length);
        while (contiguous < TRANSFER && got[contiguous])
            contiguous++;
        if (next_random() % 10 == 0)
            continue;
        uint8_t options[40];
        size_t options_length = sack ? peer_sack_option(options, got, contiguous, offset, isn) : 0;
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1 + contiguous,
                                           .flags = TCP_FLAG_ACK, .window = PEER_WINDOW,
                                           .options = options, .options_length = options_length });
    }
    CHECK_EQUAL(contiguous, TRANSFER);
    for (uint32_t i = 0; i < TRANSFER; i++)
        CHECK_EQUAL(data[i], byte_at(i));
    CHECK(net_counter_by_name("Tcp", "RetransSegs") > 0);
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    /* with SACK, recovery is RFC 6675's only (never NewReno's), and used */
    CHECK_EQUAL(net_counter_by_name("TcpExt", sack ? "TCPRenoRecovery" : "TCPSackRecovery"), 0);
    if (sack)
        CHECK(net_counter_by_name("TcpExt", "TCPSackRecovery") > 0);
}

/* The peer sends 1000-byte segments within the stack's window, shuffled,
 * 10% dropped, 10% duplicated, 10% cut to overlapping pieces, and goes
 * back to the stack's ACK when it has nothing new to send (a crude RTO). */
static void lossy_receive(uint32_t seed)
{
    random_state = seed;
    net_host_random_seed(seed);
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, PEER_WINDOW, &isn);
    static uint8_t payload[TRANSFER], received[TRANSFER];
    for (uint32_t i = 0; i < TRANSFER; i++)
        payload[i] = byte_at(i);
    uint32_t acked = 0, read = 0, window = 65535, next = 0;
    for (int round = 0; round < 200000 && read < TRANSFER; round++) {
        uint32_t limit = MIN(TRANSFER, acked + window);
        if (next >= limit)
            next = acked;                     /* nothing new: go back (retransmit) */
        uint32_t offset = next + (next_random() % 3) * 1000;   /* reorder a little */
        if (offset >= limit)
            offset = next;
        uint32_t length = MIN(1000u, limit - offset);
        uint32_t action = next_random() % 10;
        if (action == 1)
            length = MIN(length, 1 + next_random() % 700);      /* partial, overlaps later */
        if (length && action != 0) {
            for (int copies = action == 2 ? 2 : 1; copies > 0; copies--)
                inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1 + offset,
                                                   .ack = isn + 1, .flags = TCP_FLAG_ACK,
                                                   .window = PEER_WINDOW,
                                                   .payload = payload + offset,
                                                   .length = length });
        }
        if (offset == next)
            next += length;
        long n = tcp_receive(pcb, received + read, TRANSFER - read);
        if (n > 0)
            read += (uint32_t)n;
        else
            CHECK_EQUAL(n, -EAGAIN);
        while (fake_netif_transmitted_count()) {
            struct captured ack;
            expect_segment(&ack);
            CHECK_EQUAL(ack.length, 0);
            acked = MAX(acked, ack.ack - (PEER_ISN + 1));
            window = ack.window;
        }
        if (round % 50 == 49)
            net_host_clock_advance(40);       /* let delayed ACKs out */
    }
    CHECK_EQUAL(read, TRANSFER);
    CHECK_BYTES(received, payload, TRANSFER);
    CHECK_EQUAL(pcb->ooo_count, 0);
}

/* RFC 6298 5 and RFC 5681 3.2 (with RFC 6582): 200 kB sent to a peer
 * that loses 10% of the data segments and 10% of its ACKs all arrive,
 * in order, by retransmissions on timeouts and duplicate ACKs (seed 1). */
static void test_tcp_lossy_send_seed_1(void) { lossy_send(1, false); }
static void test_tcp_lossy_send_seed_2(void) { lossy_send(2, false); }
static void test_tcp_lossy_send_seed_3(void) { lossy_send(3, false); }
static void test_tcp_lossy_send_with_sack_seed_1(void) { lossy_send(1, true); }
static void test_tcp_lossy_send_with_sack_seed_2(void) { lossy_send(2, true); }
static void test_tcp_lossy_send_with_sack_seed_3(void) { lossy_send(3, true); }
/* RFC 9293 3.4 and 3.10.7.4, RFC 1122 4.2.2.20 (g): 200 kB received in
 * segments reordered, duplicated, cut into overlapping pieces or lost
 * (then sent again) are read once each, in order (seed 1). */
static void test_tcp_lossy_receive_seed_1(void) { lossy_receive(1); }
static void test_tcp_lossy_receive_seed_2(void) { lossy_receive(2); }
static void test_tcp_lossy_receive_seed_3(void) { lossy_receive(3); }

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_lossy_send_seed_1),
        TEST_ENTRY(test_tcp_lossy_send_seed_2),
        TEST_ENTRY(test_tcp_lossy_send_seed_3),
        TEST_ENTRY(test_tcp_lossy_send_with_sack_seed_1),
        TEST_ENTRY(test_tcp_lossy_send_with_sack_seed_2),
        TEST_ENTRY(test_tcp_lossy_send_with_sack_seed_3),
        TEST_ENTRY(test_tcp_lossy_receive_seed_1),
        TEST_ENTRY(test_tcp_lossy_receive_seed_2),
        TEST_ENTRY(test_tcp_lossy_receive_seed_3),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
