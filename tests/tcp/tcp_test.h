/*
 * Helpers for TCP's host unit tests, packetdrill-style: the test plays the
 * peer 10.0.2.2 (tests/host/net_test.h's topology), builds its segments
 * here with checksums computed independently of tcp/, injects them, and
 * reads back what the stack transmitted, checking the IP and TCP checksums
 * of every captured segment on the way.
 */
#ifndef TESTS_TCP_TCP_TEST_H
#define TESTS_TCP_TCP_TEST_H
#include "tests/host/net_test.h"
#include "tcp/tcp.h"

#define OUR_PORT 8080
#define PEER_PORT 40000
#define PEER_ISN 1000000u

/* A segment the peer sends (ports in host order; 0 = the defaults). */
struct test_segment {
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    const uint8_t *options;
    size_t options_length;
    const void *payload;
    size_t length;
    uint16_t source_port, destination_port;
    uint8_t data_offset_words;      /* 0 = computed from the options */
    bool corrupt_checksum;
};

/* A segment the stack sent, parsed (host order). */
struct captured {
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t window;
    uint16_t source_port, destination_port;
    uint8_t header[60];
    size_t header_length;
    uint8_t options[40];
    size_t options_length;
    uint8_t payload[2048];
    size_t length;
};

/* Big-endian fields of a captured frame. */
uint32_t get16(const uint8_t *p);
uint32_t get32(const uint8_t *p);

/* stack_setup, tcp_init, the peer's MAC known, short MSL; counters zeroed. */
void tcp_stack_setup(void);
size_t build_tcp(uint8_t *out, uint32_t source, uint32_t destination,
                 const struct test_segment *segment);
void inject_tcp(const struct test_segment *segment);
/* The next transmitted segment (must be TCP from us to the peer). */
void expect_segment(struct captured *segment);
/* Like expect_segment, and checks flags, seq and ack. */
void expect_flags(struct captured *segment, uint8_t flags, uint32_t seq, uint32_t ack);

/* A listener on OUR_PORT, and a connection the peer opened to it (peer ISN
 * PEER_ISN, peer MSS peer_mss, window peer_window, no window scale),
 * accepted and ESTABLISHED; *our_isn is the stack's ISN. */
struct tcp_pcb *test_listener(uint32_t backlog);
/* The listener test_listener or establish_passive made. */
struct tcp_pcb *test_listener_of_connections(void);
struct tcp_pcb *establish_passive(uint16_t peer_mss, uint16_t peer_window, uint32_t *our_isn);
/* The same, the peer's SYN offering SACK too (RFC 2018 2), agreed. */
struct tcp_pcb *establish_passive_sack(uint16_t peer_mss, uint16_t peer_window, uint32_t *our_isn);
/* A SACK option (NOP, NOP, kind 5) with COUNT blocks {left, right} into
 * out (at least 36 bytes); returns its length. */
size_t sack_option(uint8_t *out, const uint32_t (*blocks)[2], int count);
/* The SACK blocks of a captured segment, in its order (*count 0 if none). */
void parse_sack_option(const struct captured *segment, uint32_t (*blocks)[2], int *count);
/* Counts lines of /proc/net/tcp after the header. */
int proc_net_tcp_entries(void);

#endif
