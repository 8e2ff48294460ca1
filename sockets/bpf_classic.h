/*
 * Classic BPF (the socket filters of SO_ATTACH_FILTER, packet(7)): the
 * checker and the interpreter.  Host-buildable (no kernel headers besides
 * netif/port.h and Linux's uapi <linux/filter.h>), so tests/host runs it.
 *
 * Contract: bpf_classic_run is only given programs bpf_classic_check
 * accepted; then every jump lands inside the program, the last instruction
 * returns, scratch memory is written before it is read on every path, and
 * a division by a constant never divides by zero, so a run always ends and
 * never reads outside the packet or its own memory.
 */
#ifndef SOCKETS_BPF_CLASSIC_H
#define SOCKETS_BPF_CLASSIC_H
#include <netif/port.h>
#include <linux/filter.h>

/*
 * 0, or -EINVAL as Linux's bpf_check_classic: a length of 0 or above
 * BPF_MAXINSNS, an opcode classic BPF does not have, a jump past the end,
 * a division or modulo by the constant 0, a shift by 32 or more, scratch
 * memory out of range or read before written, an unknown ancillary load
 * (SKF_AD_OFF + k), or a last instruction that is not a return.
 */
int bpf_classic_check(const struct sock_filter *program, size_t length);

/*
 * What a program sees of one packet.  Absolute loads count from
 * frame + data_offset (the link header for SOCK_RAW, the network header
 * for SOCK_DGRAM, as Linux's packet_rcv runs filters); SKF_NET_OFF loads
 * from frame + network_offset, SKF_LL_OFF ones from frame.  protocol is the
 * EtherType in host order; packet_type is sll_pkttype.
 */
struct bpf_classic_packet {
    const uint8_t *frame;
    uint32_t frame_length;
    uint32_t data_offset;
    uint32_t network_offset;
    uint16_t protocol;
    uint16_t hardware_type;
    uint8_t packet_type;
    int ifindex;
};

/*
 * Runs a checked program: the number of bytes to keep (0: drop the
 * packet).  A load outside the packet, or a division by a register holding
 * 0, ends the run with 0, as in Linux.
 */
uint32_t bpf_classic_run(const struct sock_filter *program, size_t length,
                         const struct bpf_classic_packet *packet);

#endif
