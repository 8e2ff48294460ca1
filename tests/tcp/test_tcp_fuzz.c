/* Seeded random segments against every state: no crash under ASan/UBSan,
 * no pbuf leaked once the connections are gone (docs/design.md: bad input
 * never crashes the kernel). */
#include "tcp_test.h"
#include "ip/ip.h"

static uint32_t random_state = 12345;
static uint32_t next_random(void)
{
    random_state = random_state * 1103515245u + 12345u;
    return random_state >> 8;
}

/* A segment near the interesting sequence numbers of pcb (if any). */
static void random_segment(const struct tcp_pcb *pcb)
{
    uint8_t options[40], payload[1200];
    size_t options_length = (next_random() % 4 == 0) ? (next_random() % 11) * 4 : 0;
    for (size_t i = 0; i < options_length; i++)
        options[i] = (uint8_t)(next_random() % 5 == 0 ? next_random() : next_random() % 5);
    size_t length = next_random() % 3 == 0 ? next_random() % sizeof(payload) : 0;
    memset(payload, 'f', length);
    uint32_t base_seq = pcb ? pcb->rcv_nxt : PEER_ISN, base_ack = pcb ? pcb->snd_una : 0;
    int32_t seq_jitter = (int32_t)(next_random() % 140000) - 70000;
    int32_t ack_jitter = (int32_t)(next_random() % 140000) - 70000;
    if (next_random() % 2)
        seq_jitter = (int32_t)(next_random() % 3) - 1;
    if (next_random() % 2)
        ack_jitter = (int32_t)(next_random() % 3000) - 1000;
    struct test_segment segment = {
        .seq = base_seq + (uint32_t)seq_jitter,
        .ack = base_ack + (uint32_t)ack_jitter,
        .flags = (uint8_t)(next_random() % 4 ? (next_random() & 0x17) | TCP_FLAG_ACK
                                             : next_random()),
        .window = (uint16_t)(next_random() % 4 ? next_random() : 0),
        .options = options,
        .options_length = options_length,
        .payload = payload,
        .length = length,
        .source_port = (uint16_t)(PEER_PORT + next_random() % 3),
        .destination_port = (uint16_t)(next_random() % 8 ? OUR_PORT : 5000 + next_random() % 2),
        .data_offset_words = (uint8_t)(next_random() % 50 == 0 ? next_random() % 16 : 0),
        .corrupt_checksum = next_random() % 50 == 0,
    };
    inject_tcp(&segment);
}

/* A proper handshake from a random peer port (SACK offered or not), so that the fuzzing also
 * reaches synchronized states; the listener queues the connection. */
static void handshake(void)
{
    uint16_t port = (uint16_t)(PEER_PORT + next_random() % 3);
    static const uint8_t sack_permitted[4] = { 1, 1, 4, 2 };
    bool sack = next_random() % 2;
    fake_netif_clear_transmitted();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .options = sack ? sack_permitted : NULL,
                                       .options_length = sack ? 4 : 0, .source_port = port });
    struct pbuf *frame = fake_netif_next_transmitted();
    if (!frame)
        return;
    uint32_t isn;
    memcpy(&isn, frame->data + 14 + 20 + 4, 4);
    pbuf_put(frame);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = net_ntohl(isn) + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .source_port = port });
}

static void test_tcp_fuzz_random_segments_in_every_state(void)
{
    tcp_stack_setup();
    size_t baseline = pbuf_count();
    struct tcp_pcb *listener = test_listener(8);
    struct tcp_pcb *connections[8] = { 0 };
    for (int iteration = 0; iteration < 30000; iteration++) {
        struct tcp_pcb *accepted = tcp_accept(listener);
        if (accepted) {
            int slot = (int)(next_random() % 8);
            if (connections[slot])
                tcp_abort(connections[slot]);
            connections[slot] = accepted;
        }
        struct tcp_pcb *target = connections[next_random() % 8];
        switch (next_random() % 16) {
        case 0:
            if (target) {
                tcp_send(target, "data to send", 1 + next_random() % 12);
            } else {
                int slot = (int)(next_random() % 8);
                if (connections[slot])
                    break;
                connections[slot] = tcp_pcb_new();
                tcp_bind(connections[slot], IP_ADDRESS_ANY, net_htons(5000 + next_random() % 2));
                tcp_connect(connections[slot], PEER_ADDRESS, net_htons(PEER_PORT));
            }
            break;
        case 1:
            if (target) {
                char buffer[600];
                tcp_receive(target, buffer, sizeof(buffer));
            }
            break;
        case 2:
            if (target && next_random() % 8 == 0) {
                for (int i = 0; i < 8; i++)
                    if (connections[i] == target)
                        connections[i] = NULL;
                if (next_random() % 2)
                    tcp_close(target);
                else
                    tcp_abort(target);
            } else if (target) {
                tcp_shutdown(target);
            }
            break;
        case 3:
            net_host_clock_advance(next_random() % 3000);
            learn_peer();                      /* keep ARP from queueing everything */
            break;
        case 4:
        case 5:
            handshake();
            break;
        default:
            random_segment(target);
            break;
        }
        fake_netif_clear_transmitted();
    }
    for (int i = 0; i < 8; i++)
        if (connections[i])
            tcp_abort(connections[i]);
    tcp_close(listener);
    net_host_clock_advance(10 * 60 * 1000);    /* orphans finish: TIME-WAIT, FIN timeout, RTO */
    fake_netif_clear_transmitted();
    CHECK_EQUAL(proc_net_tcp_entries(), 0);
    CHECK_EQUAL(pbuf_count(), baseline);
    CHECK(net_counter_by_name("Tcp", "InSegs") > 10000);
    CHECK(net_counter_by_name("Tcp", "PassiveOpens") > 500);
    CHECK(net_counter_by_name("Tcp", "EstabResets") > 100);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_fuzz_random_segments_in_every_state),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
