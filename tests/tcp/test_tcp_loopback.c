/* The stack talking to itself over lo: a bulk transfer in both directions
 * and an orderly close, with every pbuf returned at the end. */
#include "tcp_test.h"
#include "ip/ip.h"

#define LOCALHOST ADDRESS(127, 0, 0, 1)
#define TRANSFER (1u << 20)

static uint8_t byte_at(uint32_t i, uint32_t salt) { return (uint8_t)(i * 31 + (i >> 8) + salt); }

/* Pushes what fits; returns bytes accepted. */
static uint32_t pump_send(struct tcp_pcb *pcb, uint32_t *sent, uint32_t salt)
{
    uint8_t chunk[3000];
    uint32_t total = 0;
    while (*sent < TRANSFER) {
        uint32_t n = MIN((uint32_t)sizeof(chunk), TRANSFER - *sent);
        for (uint32_t i = 0; i < n; i++)
            chunk[i] = byte_at(*sent + i, salt);
        long accepted = tcp_send(pcb, chunk, n);
        CHECK_EQUAL(accepted < 0 ? accepted : 0, 0);
        if (!accepted)
            break;
        *sent += (uint32_t)accepted;
        total += (uint32_t)accepted;
    }
    return total;
}

static uint32_t pump_receive(struct tcp_pcb *pcb, uint32_t *received, uint32_t salt)
{
    uint8_t chunk[1777];
    uint32_t total = 0;
    for (;;) {
        long n = tcp_receive(pcb, chunk, sizeof(chunk));
        if (n == -EAGAIN || n == 0)
            break;
        CHECK(n > 0);
        for (long i = 0; i < n; i++)
            CHECK_EQUAL(chunk[i], byte_at(*received + (uint32_t)i, salt));
        *received += (uint32_t)n;
        total += (uint32_t)n;
    }
    return total;
}

/* RFC 9293 3.8: sliding windows in both directions move 1 MiB each way
 * intact.  Seeds vary the ISNs and ports (sequence numbers wrap for some). */
static void bulk_transfer(uint32_t seed)
{
    net_host_random_seed(seed);
    tcp_stack_setup();
    size_t baseline = pbuf_count();
    struct tcp_pcb *listener = tcp_pcb_new();
    CHECK_EQUAL(tcp_bind(listener, LOCALHOST, net_htons(9000)), 0);
    CHECK_EQUAL(tcp_listen(listener, 8), 0);
    struct tcp_pcb *client = tcp_pcb_new();
    CHECK_EQUAL(tcp_connect(client, LOCALHOST, net_htons(9000)), 0);
    net_host_poll();
    struct tcp_pcb *server = tcp_accept(listener);
    CHECK(server != NULL);
    CHECK_EQUAL(client->state, TCP_ESTABLISHED);
    uint32_t client_sent = 0, client_received = 0, server_sent = 0, server_received = 0;
    for (int round = 0; round < 100000; round++) {
        uint32_t progress = pump_send(client, &client_sent, 1) + pump_send(server, &server_sent, 2);
        progress += pump_receive(server, &server_received, 1) +
                    pump_receive(client, &client_received, 2);
        progress += (uint32_t)net_host_poll();
        if (client_received == TRANSFER && server_received == TRANSFER)
            break;
        if (!progress)
            net_host_clock_advance(10);      /* delayed ACKs, persist */
    }
    /* ACKs and window updates alone drove it: no timer had to fire */
    CHECK_EQUAL(net_now_ms(), 0);
    CHECK_EQUAL(server_received, TRANSFER);
    CHECK_EQUAL(client_received, TRANSFER);
    CHECK_EQUAL(net_counter_by_name("Tcp", "RetransSegs"), 0);
    tcp_close(client);
    net_host_poll();
    CHECK_EQUAL(server->state, TCP_CLOSE_WAIT);
    CHECK_EQUAL(tcp_receive(server, (char[4]){ 0 }, 4), 0);
    tcp_close(server);
    net_host_poll();
    CHECK_EQUAL(proc_net_tcp_entries(), 2);    /* the listener and the client in TIME-WAIT */
    net_host_clock_advance(2 * tcp_msl_ms);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);
    tcp_close(listener);
    CHECK_EQUAL(proc_net_tcp_entries(), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "CurrEstab"), 0);
    CHECK_EQUAL(pbuf_count(), baseline);
}

static void test_tcp_loopback_bulk_transfer_seed_1(void) { bulk_transfer(1); }
static void test_tcp_loopback_bulk_transfer_seed_2(void) { bulk_transfer(2); }
static void test_tcp_loopback_bulk_transfer_seed_3(void) { bulk_transfer(3); }
static void test_tcp_loopback_bulk_transfer_seed_4(void) { bulk_transfer(4); }

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_loopback_bulk_transfer_seed_1),
        TEST_ENTRY(test_tcp_loopback_bulk_transfer_seed_2),
        TEST_ENTRY(test_tcp_loopback_bulk_transfer_seed_3),
        TEST_ENTRY(test_tcp_loopback_bulk_transfer_seed_4),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
