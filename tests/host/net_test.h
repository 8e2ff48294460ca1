/*
 * Helpers for the protocol layers' host unit tests (eth, arp, ip, icmp,
 * udp): a tiny runner that forks one process per test (so each test starts
 * with a fresh stack and zeroed counters), checks, a standard topology, and
 * frame builders whose checksums are computed here, independently of the
 * code under test.
 *
 * Topology: lo (index 1, 127.0.0.1/8) and eth0 (index 2, 10.0.2.15/24,
 * 52:54:00:12:34:56) with a peer 10.0.2.2 at 52:55:0a:00:02:02.
 *
 * With NET_TEST_PCAP=NAME.pcap in the environment, every frame the stack
 * receives or sends is also written to NAME.pcap, its direction to
 * NAME.frames (the lab grader's report draws them; net_test.c).
 */
#ifndef TESTS_HOST_NET_TEST_H
#define TESTS_HOST_NET_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include "netif/host/host_stack.h"
#include "netif/counters.h"

#define ADDRESS(a, b, c, d) net_htonl(((uint32_t)(a) << 24) | ((b) << 16) | ((c) << 8) | (d))
#define OUR_ADDRESS ADDRESS(10, 0, 2, 15)
#define PEER_ADDRESS ADDRESS(10, 0, 2, 2)
#define NETMASK ADDRESS(255, 255, 255, 0)
extern const uint8_t our_mac[6], peer_mac[6];
extern struct netif *eth0, *lo;

/* A failed check prints where and what, then the frames the stack received
 * and sent up to that moment (net_test_fail), and ends the test. */
#define CHECK(condition)                                                              \
    do {                                                                              \
        if (!(condition)) {                                                           \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            net_test_fail();                                                          \
        }                                                                             \
    } while (0)
/* CHECK inside a loop: the failure also names the case (a string) it was on. */
#define CHECK_CASE(condition, case_name)                                              \
    do {                                                                              \
        if (!(condition)) {                                                           \
            fprintf(stderr, "%s:%d: check failed: %s (case: %s)\n", __FILE__, __LINE__, \
                    #condition, (case_name));                                         \
            net_test_fail();                                                          \
        }                                                                             \
    } while (0)
#define CHECK_EQUAL(a, b)                                                             \
    do {                                                                              \
        long long a_ = (long long)(a), b_ = (long long)(b);                           \
        if (a_ != b_) {                                                               \
            fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__,      \
                    __LINE__, #a, a_, #b, b_);                                        \
            net_test_fail();                                                          \
        }                                                                             \
    } while (0)
/* Prints the step trace (the last frames in and out, decoded as the sniffer
 * prints them, with the virtual time) on stderr and exits 1. */
void net_test_fail(void) __attribute__((noreturn));
/* Byte-for-byte comparison that names the first differing offset. */
#define CHECK_BYTES(actual, expected, length) \
    check_bytes(__FILE__, __LINE__, (const uint8_t *)(actual), (const uint8_t *)(expected), (length))
void check_bytes(const char *file, int line, const uint8_t *actual, const uint8_t *expected,
                 size_t length);
#define COUNTER(id) (net_counters[NET_##id])

struct net_test {
    const char *name;
    void (*run)(void);
};
#define TEST_ENTRY(name) { #name, name }
/* Runs each test in its own process, prints TAP-style ok / not ok lines;
 * returns the process exit status (0 when every test passed).  Names on the
 * command line (argv[1]...) run only those tests, in the order given, as the
 * lab grader does; an unknown name is a usage error (status 2). */
int net_test_run_all(const struct net_test *tests, size_t count, int argc, char **argv);

/* Brings up the standard topology, clears what it transmitted, zeroes the counters. */
void stack_setup(void);
/* The next transmitted frame (must exist); the caller puts it. */
struct pbuf *next_frame(void);
void check_no_frame(void);
/* Makes the peer known to ARP (injects its reply to a request of ours). */
void learn_peer(void);
/* A packet tap (netif_tap's frame) that keeps a reference to the first
 * outgoing frame it is shown in first_outgoing; the test puts it. */
void keep_first_outgoing(struct netif_tap *tap, struct netif *netif, struct pbuf *frame);
extern struct pbuf *first_outgoing;

/* Independent RFC 1071 checksum (network order result) with an initial sum. */
uint16_t test_checksum(uint32_t sum, const void *data, size_t length);
/* The IPv4 pseudo-header's sum (RFC 9293 3.1, RFC 768) for test_checksum;
 * addresses in network order. */
uint32_t test_pseudo_header_sum(uint32_t source, uint32_t destination, uint8_t protocol,
                                size_t length);
/* Builders return the length written into out. */
size_t build_eth(uint8_t *out, const uint8_t destination[6], const uint8_t source[6],
                 uint16_t type, const void *payload, size_t length);
/* An IP header (20 bytes, correct checksum) followed by payload. */
size_t build_ip(uint8_t *out, uint32_t source, uint32_t destination, uint8_t protocol,
                uint16_t identification, uint16_t flags_and_offset, uint8_t ttl,
                const void *payload, size_t length);
/* A UDP header with a correct checksum (or 0 when with_checksum is false) and payload. */
size_t build_udp(uint8_t *out, uint32_t source, uint32_t destination, uint16_t source_port,
                 uint16_t destination_port, const void *payload, size_t length,
                 bool with_checksum);
size_t build_icmp(uint8_t *out, uint8_t type, uint8_t code, uint32_t rest, const void *payload,
                  size_t length);
/* Injects an IP datagram from the peer to our MAC on eth0. */
void inject_ip(const void *datagram, size_t length);

#endif
