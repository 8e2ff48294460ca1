/*
 * Host unit tests of the classic BPF checker and interpreter
 * (sockets/bpf_classic.c).  The programs come from `tcpdump -dd` (tcpdump
 * 4.99, libpcap 1.10) or are written from the instruction set of
 * Documentation/networking/filter.rst; the errors are those of Linux 6.1's
 * bpf_check_classic (t_packet_ring checks the same ones against Linux).
 */
#include "tests/host/net_test.h"
#include "sockets/bpf_classic.h"
#include "tests/host/tcpdump_programs.h"

#define COUNT(program) (sizeof(program) / sizeof((program)[0]))
#define ANCILLARY(which) ((uint32_t)SKF_AD_OFF + (which))

static uint8_t frame[128];

/* An Ethernet + IPv4 frame with protocol and (for UDP) the ports. */
static struct bpf_classic_packet ipv4_frame(uint8_t protocol, uint16_t source_port,
                                            uint16_t destination_port)
{
    memset(frame, 0, sizeof(frame));
    frame[12] = 0x08;
    frame[14] = 0x45;
    frame[23] = protocol;
    frame[34] = (uint8_t)(source_port >> 8);
    frame[35] = (uint8_t)source_port;
    frame[36] = (uint8_t)(destination_port >> 8);
    frame[37] = (uint8_t)destination_port;
    return (struct bpf_classic_packet){ .frame = frame, .frame_length = 98, .network_offset = 14,
                                        .protocol = 0x0800, .ifindex = 2, .hardware_type = 1 };
}

static uint32_t run(const struct sock_filter *program, size_t length,
                    const struct bpf_classic_packet *packet)
{
    CHECK_EQUAL(bpf_classic_check(program, length), 0);
    return bpf_classic_run(program, length, packet);
}

static void test_bpf_tcpdump_icmp_filter(void)
{
    struct bpf_classic_packet icmp = ipv4_frame(1, 0, 0);
    CHECK_EQUAL(run(icmp_only, COUNT(icmp_only), &icmp), 262144);
    struct bpf_classic_packet udp = ipv4_frame(17, 1000, 9);
    CHECK_EQUAL(run(icmp_only, COUNT(icmp_only), &udp), 0);
    frame[12] = 0x86;   /* IPv6 */
    frame[13] = 0xdd;
    CHECK_EQUAL(run(icmp_only, COUNT(icmp_only), &udp), 0);
}

static void test_bpf_tcpdump_udp_port_filter(void)
{
    struct bpf_classic_packet to_9 = ipv4_frame(17, 1000, 9);
    CHECK_EQUAL(run(udp_port_9, COUNT(udp_port_9), &to_9), 262144);
    struct bpf_classic_packet from_9 = ipv4_frame(17, 9, 1000);
    CHECK_EQUAL(run(udp_port_9, COUNT(udp_port_9), &from_9), 262144);
    struct bpf_classic_packet other = ipv4_frame(17, 1000, 1001);
    CHECK_EQUAL(run(udp_port_9, COUNT(udp_port_9), &other), 0);
    /* With options (IHL 6) the ports move 4 bytes on: ldxb 4*([14]&0xf). */
    struct bpf_classic_packet options = ipv4_frame(17, 0, 0);
    frame[14] = 0x46;
    frame[40] = 0;
    frame[41] = 9;
    CHECK_EQUAL(run(udp_port_9, COUNT(udp_port_9), &options), 262144);
    /* A later fragment (offset 1) has no UDP header. */
    struct bpf_classic_packet fragment = ipv4_frame(17, 1000, 9);
    frame[21] = 1;
    CHECK_EQUAL(run(udp_port_9, COUNT(udp_port_9), &fragment), 0);
}

static void test_bpf_ancillary_loads(void)
{
    struct bpf_classic_packet packet = ipv4_frame(1, 0, 0);
    packet.packet_type = 4;   /* PACKET_OUTGOING */
    const struct sock_filter protocol[] = { { BPF_LD | BPF_H | BPF_ABS, 0, 0, ANCILLARY(SKF_AD_PROTOCOL) },
                                            { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(protocol, 2, &packet), 0x0800);
    const struct sock_filter type[] = { { BPF_LD | BPF_B | BPF_ABS, 0, 0, ANCILLARY(SKF_AD_PKTTYPE) },
                                        { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(type, 2, &packet), 4);
    const struct sock_filter ifindex[] = { { BPF_LD | BPF_W | BPF_ABS, 0, 0, ANCILLARY(SKF_AD_IFINDEX) },
                                           { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(ifindex, 2, &packet), 2);
    const struct sock_filter hatype[] = { { BPF_LD | BPF_W | BPF_ABS, 0, 0, ANCILLARY(SKF_AD_HATYPE) },
                                          { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(hatype, 2, &packet), 1);
    const struct sock_filter length[] = { { BPF_LD | BPF_W | BPF_LEN, 0, 0, 0 },
                                          { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(length, 2, &packet), 98);
    packet.data_offset = 14;   /* SOCK_DGRAM: the data starts at the network header */
    CHECK_EQUAL(run(length, 2, &packet), 84);
    const struct sock_filter exclusive_or[] = {
        { BPF_LD | BPF_IMM, 0, 0, 0xf0 }, { BPF_LDX | BPF_W | BPF_IMM, 0, 0, 0x3c },
        { BPF_LD | BPF_W | BPF_ABS, 0, 0, ANCILLARY(SKF_AD_ALU_XOR_X) }, { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(exclusive_or, 4, &packet), 0xcc);
    const struct sock_filter vlan[] = { { BPF_LD | BPF_B | BPF_ABS, 0, 0, ANCILLARY(SKF_AD_VLAN_TAG_PRESENT) },
                                        { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(vlan, 2, &packet), 0);
}

static void test_bpf_negative_offsets(void)
{
    struct bpf_classic_packet packet = ipv4_frame(17, 0, 0);
    packet.data_offset = 14;
    const struct sock_filter network[] = { { BPF_LD | BPF_B | BPF_ABS, 0, 0, (uint32_t)SKF_NET_OFF + 9 },
                                           { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(network, 2, &packet), 17);
    const struct sock_filter link[] = { { BPF_LD | BPF_H | BPF_ABS, 0, 0, (uint32_t)SKF_LL_OFF + 12 },
                                        { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(link, 2, &packet), 0x0800);
    const struct sock_filter below[] = { { BPF_LD | BPF_B | BPF_ABS, 0, 0, (uint32_t)SKF_LL_OFF - 1 },
                                         { BPF_RET | BPF_K, 0, 0, 1 } };
    CHECK_EQUAL(run(below, 2, &packet), 0);
}

static void test_bpf_runtime_failures_drop(void)
{
    struct bpf_classic_packet packet = ipv4_frame(1, 0, 0);
    const struct sock_filter past_end[] = { { BPF_LD | BPF_W | BPF_ABS, 0, 0, 95 },
                                            { BPF_RET | BPF_K, 0, 0, 1 } };
    CHECK_EQUAL(run(past_end, 2, &packet), 0);
    const struct sock_filter last_word[] = { { BPF_LD | BPF_W | BPF_ABS, 0, 0, 94 },
                                             { BPF_RET | BPF_K, 0, 0, 1 } };
    CHECK_EQUAL(run(last_word, 2, &packet), 1);
    const struct sock_filter indirect[] = { { BPF_LDX | BPF_W | BPF_IMM, 0, 0, 0xffffffff },
                                            { BPF_LD | BPF_B | BPF_IND, 0, 0, 24 },
                                            { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(run(indirect, 3, &packet), 1);   /* X + k = 23: the protocol byte */
    const struct sock_filter divide_by_x[] = { { BPF_LD | BPF_IMM, 0, 0, 10 },
                                               { BPF_ALU | BPF_DIV | BPF_X, 0, 0, 0 },
                                               { BPF_RET | BPF_K, 0, 0, 1 } };
    CHECK_EQUAL(run(divide_by_x, 3, &packet), 0);
    const struct sock_filter modulo_by_x[] = { { BPF_LD | BPF_IMM, 0, 0, 10 },
                                               { BPF_ALU | BPF_MOD | BPF_X, 0, 0, 0 },
                                               { BPF_RET | BPF_K, 0, 0, 1 } };
    CHECK_EQUAL(run(modulo_by_x, 3, &packet), 0);
}

static void test_bpf_arithmetic_and_memory(void)
{
    struct bpf_classic_packet packet = ipv4_frame(1, 0, 0);
    const struct sock_filter program[] = {
        { BPF_LD | BPF_IMM, 0, 0, 7 },  { BPF_ST, 0, 0, 3 },
        { BPF_ALU | BPF_MUL | BPF_K, 0, 0, 6 },         /* 42 */
        { BPF_ALU | BPF_MOD | BPF_K, 0, 0, 100 },       /* 42 */
        { BPF_ALU | BPF_LSH | BPF_K, 0, 0, 2 },         /* 168 */
        { BPF_LDX | BPF_W | BPF_MEM, 0, 0, 3 },         /* X = 7 */
        { BPF_ALU | BPF_SUB | BPF_X, 0, 0, 0 },         /* 161 */
        { BPF_ALU | BPF_NEG, 0, 0, 0 },                 /* -161 */
        { BPF_ALU | BPF_RSH | BPF_K, 0, 0, 24 },        /* 0xff */
        { BPF_JMP | BPF_JSET | BPF_K, 0, 1, 0x80 },
        { BPF_JMP | BPF_JA, 0, 0, 1 },
        { BPF_RET | BPF_K, 0, 0, 0 },
        { BPF_MISC | BPF_TAX, 0, 0, 0 }, { BPF_MISC | BPF_TXA, 0, 0, 0 },
        { BPF_JMP | BPF_JGT | BPF_K, 0, 1, 0xfe },
        { BPF_RET | BPF_A, 0, 0, 0 },
        { BPF_RET | BPF_K, 0, 0, 0 },
    };
    CHECK_EQUAL(run(program, COUNT(program), &packet), 0xff);
}

/* Each program Linux 6.1's bpf_check_classic refuses with EINVAL. */
static void test_bpf_checker_refusals(void)
{
    static const struct {
        const char *name;
        struct sock_filter program[3];
        size_t length;
    } refused[] = {
        { "unknown opcode", { { 0x0e, 0, 0, 0 } }, 1 },
        { "BPF_LD|BPF_W|BPF_MSH", { { BPF_LD | BPF_W | BPF_MSH, 0, 0, 0 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "jt past the end", { { BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 0 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "jf past the end", { { BPF_JMP | BPF_JGE | BPF_X, 0, 2, 0 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "ja onto the end", { { BPF_JMP | BPF_JA, 0, 0, 1 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "ja backwards", { { BPF_JMP | BPF_JA, 0, 0, 0xffffffff }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "division by constant 0", { { BPF_ALU | BPF_DIV | BPF_K, 0, 0, 0 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "modulo by constant 0", { { BPF_ALU | BPF_MOD | BPF_K, 0, 0, 0 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "shift by 32", { { BPF_ALU | BPF_LSH | BPF_K, 0, 0, 32 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "store to cell 16", { { BPF_ST, 0, 0, 16 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "load of cell 16", { { BPF_LDX | BPF_W | BPF_MEM, 0, 0, 16 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "load before store", { { BPF_LD | BPF_MEM, 0, 0, 1 }, { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "store on one path only", { { BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0 }, { BPF_ST, 0, 0, 2 },
                                      { BPF_LD | BPF_MEM, 0, 0, 2 } }, 3 },
        { "unknown ancillary", { { BPF_LD | BPF_W | BPF_ABS, 0, 0, ANCILLARY(SKF_AD_MAX) },
                                 { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "misaligned ancillary", { { BPF_LD | BPF_W | BPF_ABS, 0, 0, ANCILLARY(2) },
                                    { BPF_RET | BPF_K, 0, 0, 0 } }, 2 },
        { "no return at the end", { { BPF_RET | BPF_K, 0, 0, 0 }, { BPF_LD | BPF_IMM, 0, 0, 0 } }, 2 },
        { "empty", { { BPF_RET | BPF_K, 0, 0, 0 } }, 0 },
    };
    for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
        CHECK_CASE(bpf_classic_check(refused[i].program, refused[i].length) == -EINVAL, refused[i].name);
    static struct sock_filter longest[BPF_MAXINSNS + 1];
    for (size_t i = 0; i < ARRAY_SIZE(longest); i++)
        longest[i] = (struct sock_filter){ BPF_RET | BPF_K, 0, 0, 0 };
    CHECK_EQUAL(bpf_classic_check(longest, BPF_MAXINSNS), 0);
    CHECK_EQUAL(bpf_classic_check(longest, BPF_MAXINSNS + 1), -EINVAL);
    /* A store on both paths before the join is enough. */
    const struct sock_filter both_paths[] = {
        { BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0 }, { BPF_ST, 0, 0, 2 }, { BPF_JMP | BPF_JA, 0, 0, 1 },
        { BPF_STX, 0, 0, 2 }, { BPF_LD | BPF_MEM, 0, 0, 2 }, { BPF_RET | BPF_A, 0, 0, 0 } };
    CHECK_EQUAL(bpf_classic_check(both_paths, COUNT(both_paths)), 0);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_bpf_tcpdump_icmp_filter),
        TEST_ENTRY(test_bpf_tcpdump_udp_port_filter),
        TEST_ENTRY(test_bpf_ancillary_loads),
        TEST_ENTRY(test_bpf_negative_offsets),
        TEST_ENTRY(test_bpf_runtime_failures_drop),
        TEST_ENTRY(test_bpf_arithmetic_and_memory),
        TEST_ENTRY(test_bpf_checker_refusals),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
