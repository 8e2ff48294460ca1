/*
 * Malformed input never crashes the stack and never leaks: seeded random
 * mutations of valid frames (ARP, IP options, UDP, ICMP echo and errors,
 * fragments) go through eth_input under ASan and UBSan; once every timer
 * has run (reassembly, ARP), the pbuf count is back to its baseline.
 */
#include "tests/host/net_test.h"
#include "eth/eth.h"
#include "ip/ip.h"
#include "udp/udp.h"

#define FRAMES 20000

static uint32_t state = 12345;
static uint32_t next_random(void)
{
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static void discard(struct udp_pcb *pcb, struct pbuf *datagram, uint32_t source, uint16_t port) {}

/* One valid frame of a random kind; returns its length. */
static size_t seed_frame(uint8_t *frame)
{
    uint8_t payload[1600], inner[1600];
    size_t length;
    uint32_t kind = next_random() % 6;
    for (size_t i = 0; i < sizeof(payload); i++)
        payload[i] = (uint8_t)next_random();
    size_t size = next_random() % 1400;
    switch (kind) {
    case 0: {                                        /* ARP request or reply */
        uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, (uint8_t)(1 + next_random() % 2) };
        memcpy(arp + 8, peer_mac, 6);
        uint32_t sender = ADDRESS(10, 0, 2, next_random() % 256);
        memcpy(arp + 14, &sender, 4);
        memcpy(arp + 24, &(uint32_t){ OUR_ADDRESS }, 4);
        return build_eth(frame, eth_broadcast_address, peer_mac, ETH_TYPE_ARP, arp, sizeof(arp));
    }
    case 1:                                          /* UDP to an open or closed port */
        length = build_udp(inner, PEER_ADDRESS, OUR_ADDRESS, 1000, next_random() % 2 ? 7 : 9,
                           payload, size, true);
        length = build_ip(payload, PEER_ADDRESS, OUR_ADDRESS, 17, 1, 0, 64, inner, length);
        break;
    case 2:                                          /* ICMP echo or error */
        length = build_icmp(inner, next_random() % 2 ? 8 : 3, 3, 0, payload, size);
        length = build_ip(payload, PEER_ADDRESS, OUR_ADDRESS, 1, 1, 0, 64, inner, length);
        break;
    case 3: {                                        /* a fragment */
        uint16_t offset = (uint16_t)(next_random() % 64);
        uint16_t flags = (uint16_t)((next_random() % 2 ? 0x2000 : 0) | offset);
        memcpy(inner, payload, size);
        length = build_ip(payload, PEER_ADDRESS, OUR_ADDRESS, 17, (uint16_t)(next_random() % 4),
                          flags, 64, inner, size & ~(size_t)7);
        break;
    }
    case 4:                                          /* IP options */
        memcpy(inner, payload, size);
        length = build_ip(payload, PEER_ADDRESS, OUR_ADDRESS, 253, 1, 0, 64, inner, size);
        payload[0] = (uint8_t)(0x40 | (5 + next_random() % 11));
        break;
    default:                                         /* random bytes */
        length = size;
        break;
    }
    return build_eth(frame, our_mac, peer_mac, ETH_TYPE_IP, payload, length);
}

static void mutate(uint8_t *frame, size_t *length)
{
    uint32_t mutations = next_random() % 4;
    for (uint32_t i = 0; i < mutations && *length; i++) {
        switch (next_random() % 3) {
        case 0:
            frame[next_random() % *length] ^= (uint8_t)(1u << (next_random() % 8));
            break;
        case 1:
            frame[14 + next_random() % 40 % *length % 1500] = (uint8_t)next_random();
            break;
        default:
            *length = next_random() % (*length + 1);    /* truncate */
            break;
        }
    }
}

static void test_fuzz_malformed_frames_neither_crash_nor_leak(void)
{
    stack_setup();
    learn_peer();
    size_t baseline = pbuf_count();
    struct udp_pcb pcb;
    udp_pcb_init(&pcb);
    pcb.receive = discard;
    CHECK_EQUAL(udp_bind(&pcb, IP_ADDRESS_ANY, net_htons(7)), 0);
    uint8_t frame[1700];
    for (int i = 0; i < FRAMES; i++) {
        size_t length = seed_frame(frame);
        if (next_random() % 4)
            mutate(frame, &length);
        fake_netif_inject(eth0, frame, length);
        fake_netif_clear_transmitted();
        if (i % 1000 == 0)
            net_host_clock_advance(next_random() % 5000);
    }
    net_host_clock_advance(200000);   /* reassembly and ARP timers all run out */
    fake_netif_clear_transmitted();
    CHECK_EQUAL(pbuf_count(), baseline);
    CHECK(COUNTER(IP_IN_HDR_ERRORS) > 0);
    CHECK(COUNTER(IP_REASM_REQDS) > 0);
    udp_pcb_remove(&pcb);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_fuzz_malformed_frames_neither_crash_nor_leak),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
