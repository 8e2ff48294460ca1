/*
 * Fuzz target: classic BPF (sockets/bpf_classic.c), the one place where the
 * kernel runs a program a user wrote (SO_ATTACH_FILTER, libpcap's
 * filters).  Whatever the checker accepts must run on any packet without
 * reading outside it or its scratch memory, and return.
 *
 * Input: the program's length in instructions (1 byte, at most 64), the
 * instructions (8 bytes each: code, jt, jf, k, in this machine's order as
 * setsockopt takes them), then the packet (an Ethernet frame; the offsets
 * are a SOCK_RAW packet socket's).
 */
#include "netif/port.h"
#include <stdlib.h>
#include "sockets/bpf_classic.h"

#define PROGRAM_MAX 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sock_filter program[PROGRAM_MAX];
    if (size < 1)
        return -1;
    size_t count = data[0] % (PROGRAM_MAX + 1);
    if (size < 1 + count * sizeof(struct sock_filter))
        return -1;
    memcpy(program, data + 1, count * sizeof(struct sock_filter));
    if (bpf_classic_check(program, count))
        return 0;
    size_t at = 1 + count * sizeof(struct sock_filter);
    /* A copy of exactly the packet's size, so that ASan sees any read past it. */
    uint8_t *frame = malloc(size - at ? size - at : 1);
    if (!frame)
        return 0;
    memcpy(frame, data + at, size - at);
    struct bpf_classic_packet packet = {
        .frame = frame, .frame_length = (uint32_t)(size - at), .network_offset = 14,
        .protocol = size - at >= 14 ? (uint16_t)(frame[12] << 8 | frame[13]) : 0,
        .hardware_type = 1, .packet_type = 0, .ifindex = 2,
    };
    bpf_classic_run(program, count, &packet);
    free(frame);
    return 0;
}
