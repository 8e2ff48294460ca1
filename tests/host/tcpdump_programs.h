/*
 * Classic BPF programs as tcpdump compiles them (`tcpdump -dd`, tcpdump
 * 4.99, libpcap 1.10), for the host tests of sockets/bpf_classic.c and the
 * fuzz target that filters frames as a packet socket does.
 */
#ifndef TESTS_HOST_TCPDUMP_PROGRAMS_H
#define TESTS_HOST_TCPDUMP_PROGRAMS_H
#include "sockets/bpf_classic.h"

/* tcpdump -dd icmp */
static const struct sock_filter icmp_only[] = {
    { 0x28, 0, 0, 0x0000000c }, { 0x15, 0, 3, 0x00000800 }, { 0x30, 0, 0, 0x00000017 },
    { 0x15, 0, 1, 0x00000001 }, { 0x6, 0, 0, 0x00040000 }, { 0x6, 0, 0, 0x00000000 },
};

/* tcpdump -dd 'udp port 9' (IPv6 and IPv4, fragments, a variable header length) */
static const struct sock_filter udp_port_9[] = {
    { 0x28, 0, 0, 0x0000000c }, { 0x15, 0, 6, 0x000086dd }, { 0x30, 0, 0, 0x00000014 },
    { 0x15, 0, 15, 0x00000011 }, { 0x28, 0, 0, 0x00000036 }, { 0x15, 12, 0, 0x00000009 },
    { 0x28, 0, 0, 0x00000038 }, { 0x15, 10, 11, 0x00000009 }, { 0x15, 0, 10, 0x00000800 },
    { 0x30, 0, 0, 0x00000017 }, { 0x15, 0, 8, 0x00000011 }, { 0x28, 0, 0, 0x00000014 },
    { 0x45, 6, 0, 0x00001fff }, { 0xb1, 0, 0, 0x0000000e }, { 0x48, 0, 0, 0x0000000e },
    { 0x15, 2, 0, 0x00000009 }, { 0x48, 0, 0, 0x00000010 }, { 0x15, 0, 1, 0x00000009 },
    { 0x6, 0, 0, 0x00040000 }, { 0x6, 0, 0, 0x00000000 },
};

#endif
