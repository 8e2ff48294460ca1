/*
 * Unit tests of the sniffer's parts that need no socket: the decoders (well-
 * formed and malformed frames, asserting the exact line), the hex dump, the
 * filter parser and evaluator, and the pcap writer.  Built with ASan and
 * UBSan (user/sniff/Makefile.inc), and every frame is also decoded and
 * filtered at every truncated length and with random bytes changed, each
 * time from a heap buffer of exactly that size, so any read past a capture
 * is caught.
 *
 * Each test is a named function made of checks; a failed check prints what
 * it expected and what it got.  Prints "ok N - TEST" / "not ok N - TEST" and
 * exits 0 only if every test passed; names on the command line run only
 * those tests (the lab grader runs them one at a time).
 */
#include "capture.h"
#include "decode.h"
#include "filter.h"
#include "pcap_writer.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <net/if_arp.h>
#include <netpacket/packet.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int failed_checks;   /* in the test that runs now */

static void check(bool passed, const char *format, ...)
{
    if (passed)
        return;
    va_list args;
    va_start(args, format);
    fprintf(stderr, "check failed: ");
    vfprintf(stderr, format, args);
    fprintf(stderr, "\n");
    va_end(args);
    failed_checks++;
}

/* A frame under construction. */
struct frame {
    uint8_t bytes[1600];
    size_t length;
};

/* Appends bytes written as hex digits; spaces are for the reader. */
static void put_hex(struct frame *f, const char *hex)
{
    for (; *hex; hex++) {
        if (*hex == ' ')
            continue;
        unsigned byte;
        sscanf(hex, "%2x", &byte);
        f->bytes[f->length++] = (uint8_t)byte;
        hex++;
    }
}

static void put_zeros(struct frame *f, size_t count)
{
    memset(f->bytes + f->length, 0, count);
    f->length += count;
}

#define MAC_A "525400123456"   /* 52:54:00:12:34:56, 10.0.2.15 */
#define MAC_B "52550a000202"   /* 52:55:0a:00:02:02, 10.0.2.2 */
#define ETH_A_TO_B(type) MAC_B MAC_A type
#define IP_A "0a00020f"
#define IP_B "0a000202"

static struct frame arp_request(void)
{
    struct frame f = { .length = 0 };
    put_hex(&f, "ffffffffffff" MAC_A "0806 0001 0800 06 04 0001");
    put_hex(&f, MAC_A IP_A "000000000000" IP_B);
    return f;
}

static struct frame arp_reply(void)
{
    struct frame f = { .length = 0 };
    put_hex(&f, MAC_A MAC_B "0806 0001 0800 06 04 0002");
    put_hex(&f, MAC_B IP_B MAC_A IP_A);
    return f;
}

/* An IPv4 header from A to B: total length, flags+offset, protocol. */
static void put_ipv4(struct frame *f, unsigned total_length, unsigned fragment,
                     unsigned protocol)
{
    char hex[64];
    snprintf(hex, sizeof hex, "45 00 %04x 1234 %04x 40 %02x 0000", total_length, fragment,
             protocol);
    put_hex(f, ETH_A_TO_B("0800"));
    put_hex(f, hex);
    put_hex(f, IP_A IP_B);
}

static struct frame icmp_echo_request(void)
{
    struct frame f = { .length = 0 };
    put_ipv4(&f, 84, 0x4000, 1);
    put_hex(&f, "08 00 0000 0001 0001");
    put_zeros(&f, 56);
    return f;
}

static struct frame udp_to_53(void)
{
    struct frame f = { .length = 0 };
    put_ipv4(&f, 50, 0, 17);
    put_hex(&f, "04d2 0035 001e 0000");   /* 1234 > 53, length 30 */
    put_zeros(&f, 22);
    return f;
}

/* TCP from 40000 to 80 with the given flags and no options. */
static struct frame tcp_segment(const char *flags, size_t payload)
{
    struct frame f = { .length = 0 };
    char hex[80];
    put_ipv4(&f, (unsigned)(40 + payload), 0x4000, 6);
    snprintf(hex, sizeof hex, "9c40 0050 0000007b 000001c8 50 %s faf0 0000 0000", flags);
    put_hex(&f, hex);
    put_zeros(&f, payload);
    return f;
}

/* Decodes a frame from a heap buffer of exactly its size; returns the line. */
static char *decode_line(const uint8_t *bytes, size_t length)
{
    uint8_t *exact = malloc(length ? length : 1);
    memcpy(exact, bytes, length);
    char *line = NULL;
    size_t line_size = 0;
    FILE *out = open_memstream(&line, &line_size);
    decode_eth(out, exact, length);
    fclose(out);
    free(exact);
    return line;
}

static void check_line(const char *what, struct frame f, const char *expected)
{
    char *line = decode_line(f.bytes, f.length);
    check(strcmp(line, expected) == 0, "%s:\n  expected [%s]\n  got      [%s]", what, expected,
          line);
    free(line);
}

/* The frame cut to `length` bytes. */
static struct frame cut(struct frame f, size_t length)
{
    f.length = length;
    return f;
}

/* The line of each kind of frame, as README.md's table gives it. */
static void test_decode_well_formed_frames(void)
{
    struct frame f;
    check_line("ARP request", (arp_request()),
               "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff ARP who-has 10.0.2.2 tell 10.0.2.15");
    check_line("ARP reply", (arp_reply()),
               "52:55:0a:00:02:02 > 52:54:00:12:34:56 ARP reply 10.0.2.2 is-at 52:55:0a:00:02:02");
    f = arp_request();
    f.bytes[21] = 3;
    check_line("ARP with another op", f,
               "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff ARP op 3 10.0.2.15 > 10.0.2.2");
    f = arp_request();
    f.bytes[15] = 6;
    check_line("ARP over another hardware", f,
               "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff ARP hrd 6 pro 0x0800 op 1");
    check_line("ICMP echo request", (icmp_echo_request()),
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15 > 10.0.2.2: "
               "ICMP echo request id 1 seq 1 length 64");
    f = icmp_echo_request();
    f.bytes[34] = 0;
    check_line("ICMP echo reply", f,
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15 > 10.0.2.2: "
               "ICMP echo reply id 1 seq 1 length 64");
    f = icmp_echo_request();
    f.bytes[34] = 3;
    f.bytes[35] = 3;
    check_line("ICMP port unreachable", f,
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15 > 10.0.2.2: "
               "ICMP dest unreachable code 3 length 64");
    f = icmp_echo_request();
    f.bytes[34] = 42;
    check_line("ICMP of an unnamed type", f,
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15 > 10.0.2.2: "
               "ICMP type 42 code 0 length 64");
    check_line("UDP", (udp_to_53()),
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15.1234 > 10.0.2.2.53: "
               "UDP length 22");
    f = cut(udp_to_53(), 14 + 28);
    f.bytes[17] = 28;
    f.bytes[14 + 25] = 8;
    put_zeros(&f, 18);
    check_line("UDP padded to 60 bytes", f,
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15.1234 > 10.0.2.2.53: "
               "UDP length 0");
    check_line("TCP SYN-ACK", (tcp_segment("12", 0)),
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15.40000 > 10.0.2.2.80: "
               "TCP [S.] seq 123 ack 456 win 64240 length 0");
    check_line("TCP SYN has no ack", (tcp_segment("02", 0)),
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15.40000 > 10.0.2.2.80: "
               "TCP [S] seq 123 win 64240 length 0");
    check_line("TCP data", (tcp_segment("18", 100)),
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15.40000 > 10.0.2.2.80: "
               "TCP [P.] seq 123 ack 456 win 64240 length 100");
    check_line("TCP with no flags", (tcp_segment("00", 0)),
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15.40000 > 10.0.2.2.80: "
               "TCP [none] seq 123 win 64240 length 0");
    check_line("TCP with every flag", (tcp_segment("ff", 0)),
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15.40000 > 10.0.2.2.80: "
               "TCP [FSRP.UEW] seq 123 ack 456 win 64240 length 0");
    f = tcp_segment("11", 12);
    f.bytes[14 + 20 + 12] = 0x80;   /* 32-byte header: 12 of options, no data */
    check_line("TCP options are not data", f,
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15.40000 > 10.0.2.2.80: "
               "TCP [F.] seq 123 ack 456 win 64240 length 0");

    f = (struct frame){ .length = 0 };
    put_ipv4(&f, 40, 185, 17);   /* offset 185 * 8 = 1480 */
    put_zeros(&f, 20);
    check_line("a later IP fragment", f,
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15 > 10.0.2.2: "
               "fragment proto 17 offset 1480 length 20");
    f = (struct frame){ .length = 0 };
    put_ipv4(&f, 44, 0, 47);
    put_zeros(&f, 24);
    check_line("another IP protocol", f,
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 IP 10.0.2.15 > 10.0.2.2: proto 47 length 24");
    f = (struct frame){ .length = 0 };
    put_hex(&f, ETH_A_TO_B("86dd"));
    put_zeros(&f, 40);
    check_line("another EtherType", f,
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 ethertype 0x86dd length 40");
    f = (struct frame){ .length = 0 };
    put_hex(&f, ETH_A_TO_B("0026") "424203");
    put_zeros(&f, 35);
    check_line("an 802.3 length field", f,
               "52:54:00:12:34:56 > 52:55:0a:00:02:02 802.3 length 38");
}

/* What cannot be decoded is a bracketed note, and decoding stops there. */
static void test_decode_malformed_frames(void)
{
    const char *eth = "52:54:00:12:34:56 > 52:55:0a:00:02:02 ";
    char expected[200];
    struct frame f;

    check_line("no bytes at all", (cut(arp_request(), 0)), "[truncated eth]");
    check_line("13 bytes", (cut(arp_request(), 13)), "[truncated eth]");
    check_line("ARP cut in its fixed part", (cut(arp_request(), 14 + 7)),
               "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff [truncated arp]");
    check_line("ARP cut in its addresses", (cut(arp_request(), 14 + 27)),
               "52:54:00:12:34:56 > ff:ff:ff:ff:ff:ff [truncated arp]");

    snprintf(expected, sizeof expected, "%s[truncated ip]", eth);
    check_line("IP cut before 20 bytes", (cut(udp_to_53(), 14 + 19)), expected);
    f = udp_to_53();
    f.bytes[14] = 0x46;   /* a 24-byte header, but only 20 bytes captured */
    f = cut(f, 14 + 20);
    check_line("IP cut in its options", f, expected);

    f = udp_to_53();
    f.bytes[14] = 0x65;
    snprintf(expected, sizeof expected, "%s[bad ip version 6]", eth);
    check_line("IP version 6 under EtherType 0x0800", f, expected);
    f = udp_to_53();
    f.bytes[14] = 0x44;
    snprintf(expected, sizeof expected, "%s[bad ip header length 16]", eth);
    check_line("IP header length below 20", f, expected);
    f = udp_to_53();
    f.bytes[17] = 10;
    snprintf(expected, sizeof expected, "%s[bad ip total length 10]", eth);
    check_line("IP total length below the header", f, expected);
    f = udp_to_53();
    f.bytes[17] = 100;   /* 80 bytes of UDP said, 30 captured */
    f.bytes[14 + 25] = 80;
    snprintf(expected, sizeof expected,
             "%sIP 10.0.2.15.1234 > 10.0.2.2.53: UDP length 72 [truncated ip]", eth);
    check_line("IP longer than the frame", f, expected);

    snprintf(expected, sizeof expected,
             "%sIP 10.0.2.15 > 10.0.2.2: [truncated icmp]", eth);
    f = cut(icmp_echo_request(), 14 + 20 + 3);
    f.bytes[17] = 20 + 3;
    check_line("ICMP cut before its type", f, expected);
    f = cut(icmp_echo_request(), 14 + 20 + 7);
    f.bytes[17] = 20 + 7;
    check_line("ICMP echo cut before its sequence number", f, expected);

    snprintf(expected, sizeof expected, "%sIP 10.0.2.15 > 10.0.2.2: [truncated udp]", eth);
    f = cut(udp_to_53(), 14 + 20 + 7);
    f.bytes[17] = 27;
    check_line("UDP header cut", f, expected);
    f = udp_to_53();
    f.bytes[14 + 25] = 4;
    snprintf(expected, sizeof expected,
             "%sIP 10.0.2.15.1234 > 10.0.2.2.53: [bad udp length 4]", eth);
    check_line("UDP length below its header", f, expected);
    f = udp_to_53();
    f.bytes[14 + 25] = 31;
    snprintf(expected, sizeof expected,
             "%sIP 10.0.2.15.1234 > 10.0.2.2.53: [bad udp length 31]", eth);
    check_line("UDP length past the IP packet", f, expected);

    snprintf(expected, sizeof expected, "%sIP 10.0.2.15 > 10.0.2.2: [truncated tcp]", eth);
    f = cut(tcp_segment("02", 0), 14 + 20 + 19);
    f.bytes[17] = 39;
    check_line("TCP header cut", f, expected);
    f = tcp_segment("02", 0);
    f.bytes[14 + 20 + 12] = 0x40;
    snprintf(expected, sizeof expected,
             "%sIP 10.0.2.15.40000 > 10.0.2.2.80: [bad tcp header length 16]", eth);
    check_line("TCP data offset below 5", f, expected);
    f = tcp_segment("02", 0);
    f.bytes[14 + 20 + 12] = 0xf0;
    snprintf(expected, sizeof expected,
             "%sIP 10.0.2.15.40000 > 10.0.2.2.80: [bad tcp header length 60]", eth);
    check_line("TCP data offset past the segment", f, expected);
}

static void parse_or_fail(struct filter *filter, int count, char **words)
{
    char error[160];
    check(filter_parse(filter, count, words, error, sizeof error), "the filter parses: %s", error);
}

#define DAMAGE_SEED 12345u

/* Every prefix of a set of frames, and 2000 randomly damaged copies of each
 * (xorshift32 from DAMAGE_SEED), each in a heap buffer of exactly its length;
 * under ASan any read past the buffer aborts the test. */
static size_t for_each_damaged_frame(void (*use)(const uint8_t *frame, size_t length,
                                                 const void *argument),
                                     const void *argument)
{
    struct frame frames[] = { arp_request(), arp_reply(), icmp_echo_request(), udp_to_53(),
                              tcp_segment("12", 0), tcp_segment("18", 64) };
    uint32_t random_state = DAMAGE_SEED;
    size_t used = 0;
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        for (int round = 0; round <= (int)frames[i].length + 2000; round++) {
            struct frame damaged = frames[i];
            if (round <= (int)frames[i].length) {
                damaged.length = (size_t)round;        /* every prefix first */
            } else {
                for (int change = 0; change < 4; change++) {
                    random_state ^= random_state << 13;
                    random_state ^= random_state >> 17;
                    random_state ^= random_state << 5;
                    damaged.bytes[random_state % (14 + 40)] = (uint8_t)(random_state >> 8);
                }
                damaged.length = random_state % (damaged.length + 1);
            }
            uint8_t *exact = malloc(damaged.length ? damaged.length : 1);
            memcpy(exact, damaged.bytes, damaged.length);
            use(exact, damaged.length, argument);
            free(exact);
            used++;
        }
    }
    return used;
}

static void decode_frame(const uint8_t *frame, size_t length, const void *unused)
{
    (void)unused;
    free(decode_line(frame, length));
}

static void filter_frame(const uint8_t *frame, size_t length, const void *filter)
{
    filter_match(filter, frame, length);
}

/* README.md "Malformed frames": every decoder checks the captured length before
 * it reads a field (seed printed on failure: the run is the same every time). */
static void test_decode_never_reads_past_capture(void)
{
    size_t decoded = for_each_damaged_frame(decode_frame, NULL);
    check(decoded > 10000, "%zu frames decoded from seed %u", decoded, DAMAGE_SEED);
}

/* pcap-filter(7) primitives on short frames: a frame too short for a primitive
 * does not match it, and no field is read past the capture (ASan; the damage
 * comes from seed DAMAGE_SEED). */
static void test_filter_never_reads_past_capture(void)
{
    static struct filter filter;   /* every primitive that reads past the EtherType */
    char *words[] = { "host", "10.0.2.2", "or", "port", "53", "or", "arp", "or", "icmp",
                      "or", "tcp", "port", "80" };
    parse_or_fail(&filter, 13, words);
    size_t filtered = for_each_damaged_frame(filter_frame, &filter);
    check(filtered > 10000, "%zu frames filtered from seed %u", filtered, DAMAGE_SEED);
}

/* tcpdump -xx's layout: an offset, then 16 bytes a line in groups of two. */
static void test_decode_hex_dump(void)
{
    struct frame f = arp_request();
    char *dump = NULL;
    size_t dump_size = 0;
    FILE *out = open_memstream(&dump, &dump_size);
    print_hex_dump(out, f.bytes, 18);
    fclose(out);
    const char *expected = "\t0x0000:  ffff ffff ffff 5254 0012 3456 0806 0001\n"
                           "\t0x0010:  0800\n";
    check(strcmp(dump, expected) == 0, "hex dump in tcpdump -xx layout: got [%s]", dump);
    free(dump);
}

static bool parse(struct filter *filter, const char *text, char *error, size_t error_size)
{
    char *copy = strdup(text);
    char *words[64];
    int count = 0;
    for (char *word = strtok(copy, " "); word && count < 64; word = strtok(NULL, " "))
        words[count++] = word;
    bool parsed = filter_parse(filter, count, words, error, error_size);
    free(copy);
    return parsed;
}

static void check_filter(const char *text, const char *frame_name, const struct frame *f,
                         bool expected)
{
    static struct filter filter;
    char error[160] = "";
    if (!parse(&filter, text, error, sizeof error)) {
        check(false, "filter '%s' does not parse: %s", text, error);
        return;
    }
    bool matched = filter_match(&filter, f->bytes, f->length);
    check(matched == expected, "'%s' should %s %s, but it %s", text,
          expected ? "match" : "reject", frame_name, matched ? "matched" : "did not match");
}

/* pcap-filter(7): the empty filter takes every frame; "arp" and "ip" are
 * EtherTypes 0x0806 and 0x0800; "icmp", "udp", "tcp" the IPv4 protocol field
 * (1, 17, 6). */
static void test_filter_protocols(void)
{
    struct frame request = arp_request(), reply = arp_reply(), echo = icmp_echo_request(),
                 udp = udp_to_53(), syn = tcp_segment("02", 0);
    check_filter("", "an ARP request", &request, true);
    check_filter("", "a TCP SYN", &syn, true);
    check_filter("arp", "an ARP request", &request, true);
    check_filter("arp", "an ICMP echo", &echo, false);
    check_filter("ip", "an ICMP echo", &echo, true);
    check_filter("ip", "an ARP reply", &reply, false);
    check_filter("icmp", "an ICMP echo", &echo, true);
    check_filter("icmp", "a UDP datagram", &udp, false);
    check_filter("udp", "a UDP datagram", &udp, true);
    check_filter("udp", "a TCP SYN", &syn, false);
    check_filter("tcp", "a TCP SYN", &syn, true);
    check_filter("tcp", "an ARP request", &request, false);
}

/* pcap-filter(7) "port": either port of UDP or TCP, "udp port"/"tcp port" one
 * protocol only; never a later fragment (RFC 791: its first bytes are data,
 * not a transport header), nor a datagram cut before its ports. */
static void test_filter_port(void)
{
    struct frame udp = udp_to_53();
    struct frame fragment = udp_to_53();
    fragment.bytes[14 + 7] = 1;
    struct frame short_udp = cut(udp_to_53(), 14 + 20 + 3);
    struct frame tcp_53 = tcp_segment("02", 0);
    tcp_53.bytes[14 + 20 + 2] = 0;   /* destination port 53 */
    tcp_53.bytes[14 + 20 + 3] = 53;
    check_filter("port 53", "UDP to port 53", &udp, true);
    check_filter("port 1234", "UDP from port 1234", &udp, true);
    check_filter("port 80", "UDP to port 53", &udp, false);
    check_filter("port 53", "TCP to port 53", &tcp_53, true);
    check_filter("udp port 53", "TCP to port 53", &tcp_53, false);
    check_filter("tcp port 53", "TCP to port 53", &tcp_53, true);
    check_filter("tcp port 80", "UDP to port 53", &udp, false);
    check_filter("port 53", "a later fragment whose data looks like port 53", &fragment,
                 false);
    check_filter("udp", "a later UDP fragment", &fragment, true);
    check_filter("port 1234", "UDP cut before its destination port", &short_udp, false);
}

/* pcap-filter(7) "host": the IPv4 source or destination, or the ARP sender or
 * target protocol address (RFC 826's ar$spa, ar$tpa); "src"/"dst" one side. */
static void test_filter_host(void)
{
    struct frame request = arp_request(), reply = arp_reply(), echo = icmp_echo_request();
    check_filter("host 10.0.2.2", "ICMP to 10.0.2.2", &echo, true);
    check_filter("host 10.0.2.3", "ICMP to 10.0.2.2", &echo, false);
    check_filter("src host 10.0.2.2", "ICMP to 10.0.2.2", &echo, false);
    check_filter("dst host 10.0.2.2", "ICMP to 10.0.2.2", &echo, true);
    check_filter("src host 10.0.2.15", "ICMP from 10.0.2.15", &echo, true);
    check_filter("host 10.0.2.2", "an ARP request for 10.0.2.2", &request, true);
    check_filter("src host 10.0.2.2", "an ARP reply from 10.0.2.2", &reply, true);
    check_filter("dst host 10.0.2.2", "an ARP reply from 10.0.2.2", &reply, false);
}

/* pcap-filter(7): "not" binds tighter than "and", "and" tighter than "or";
 * parentheses group. */
static void test_filter_precedence(void)
{
    struct frame request = arp_request(), echo = icmp_echo_request(), udp = udp_to_53(),
                 syn = tcp_segment("02", 0);
    check_filter("not arp", "an ARP request", &request, false);
    check_filter("not not arp", "an ARP request", &request, true);
    check_filter("not arp and udp", "a UDP datagram", &udp, true);
    check_filter("not arp and udp", "an ARP request", &request, false);
    /* and binds tighter than or: arp or (udp and port 80) */
    check_filter("arp or udp and port 80", "an ARP request", &request, true);
    check_filter("arp or udp and port 80", "UDP to port 53", &udp, false);
    check_filter("(arp or udp) and port 53", "UDP to port 53", &udp, true);
    check_filter("(arp or udp) and port 53", "an ARP request", &request, false);
    /* not binds tighter than and/or: (not icmp) or udp */
    check_filter("not icmp or udp", "an ICMP echo", &echo, false);
    check_filter("not (icmp or udp)", "a UDP datagram", &udp, false);
    check_filter("((tcp))", "a TCP SYN", &syn, true);
}

static void check_filter_error(const char *text, const char *expected)
{
    static struct filter filter;
    char error[160] = "";
    bool parsed = parse(&filter, text, error, sizeof error);
    check(!parsed && strcmp(error, expected) == 0, "'%s' should be refused with [%s]: got [%s]",
          text, expected, parsed ? "(parsed)" : error);
}

/* A filter outside README.md's subset of pcap-filter(7) is refused with the
 * first error, saying what was expected and what was found. */
static void test_filter_errors(void)
{
    const char *expected_primitive =
        "expected arp, ip, icmp, udp, tcp, port, host, src, dst, not or '(', got ";
    char expected[200];

    snprintf(expected, sizeof expected, "%s'foo'", expected_primitive);
    check_filter_error("foo", expected);
    snprintf(expected, sizeof expected, "%sthe end of the filter", expected_primitive);
    check_filter_error("udp and", expected);
    check_filter_error("not", expected);
    snprintf(expected, sizeof expected, "%s')'", expected_primitive);
    check_filter_error("( )", expected);
    check_filter_error("port", "expected a port number (0-65535) after 'port', "
                               "got the end of the filter");
    check_filter_error("port 65536", "expected a port number (0-65535) after 'port', "
                                     "got '65536'");
    check_filter_error("udp port dns", "expected a port number (0-65535) after 'udp port', "
                                       "got 'dns'");
    check_filter_error("host 10.0.2", "expected an IPv4 address A.B.C.D after 'host', "
                                      "got '10.0.2'");
    check_filter_error("host 10.0.2.256", "expected an IPv4 address A.B.C.D after 'host', "
                                          "got '10.0.2.256'");
    check_filter_error("src 10.0.2.2", "expected 'host' after 'src', got '10.0.2.2'");
    check_filter_error("dst", "expected 'host' after 'dst', got the end of the filter");
    check_filter_error("( udp", "expected ')', got the end of the filter");
    check_filter_error("udp )", "expected 'and', 'or' or the end of the filter, got ')'");
    check_filter_error("udp 53", "expected 'and', 'or' or the end of the filter, got '53'");
    check_filter_error("udp && tcp", "unexpected character '&'");
}

/* Operands are joined with spaces, as tcpdump(8) joins them, so parentheses
 * may touch words; the tree is bounded (FILTER_MAX_NODES nodes, as deep), so
 * no filter overflows it or the stack. */
static void test_filter_words_and_limits(void)
{
    static struct filter filter;
    char error[160] = "";
    char *split[] = { "(udp", "or", "arp)and", "port", "53" };
    check(filter_parse(&filter, 5, split, error, sizeof error),
          "'(udp or arp)and port 53' in five words should parse: %s", error);
    struct frame udp = udp_to_53();
    check(filter_match(&filter, udp.bytes, udp.length),
          "'(udp or arp)and port 53' should match UDP to port 53");
    char *words[300];
    for (int i = 0; i < 200; i++)
        words[i] = "not";
    words[200] = "arp";
    bool parsed = filter_parse(&filter, 201, words, error, sizeof error);
    check(!parsed && strcmp(error, "filter nested too deeply (more than 128 levels)") == 0,
          "200 nested nots should be refused with [filter nested too deeply (more than 128 "
          "levels)]: got [%s]", parsed ? "(parsed)" : error);
    for (int i = 0; i < 300; i++)
        words[i] = i % 2 ? "or" : "arp";
    parsed = filter_parse(&filter, 299, words, error, sizeof error);
    check(!parsed && strcmp(error, "filter too long (more than 128 terms)") == 0,
          "a 150-term filter should be refused with [filter too long (more than 128 terms)]: "
          "got [%s]", parsed ? "(parsed)" : error);
    for (int i = 0; i < 127; i++)
        words[i] = i % 2 ? "or" : "arp";
    check(filter_parse(&filter, 127, words, error, sizeof error),
          "a 64-term filter (127 nodes) should parse: %s", error);
}

/* UDP from 1234 to 53 whose IPv4 header carries RFC 2113's Router Alert
 * option (type 148, length 4): IHL 6, so the ports start 24 bytes into the
 * header, where a reader assuming 20 bytes would see 37892 and 0. */
static struct frame udp_with_ip_options(void)
{
    struct frame f = { .length = 0 };
    put_hex(&f, ETH_A_TO_B("0800") "46 00 0036 1234 0000 40 11 0000" IP_A IP_B "94 04 0000");
    put_hex(&f, "04d2 0035 001e 0000");
    put_zeros(&f, 22);
    return f;
}

/* RFC 791 3.1: the IPv4 header is IHL x 4 bytes long, options included, and
 * the transport header (with pcap-filter(7)'s ports) comes after it. */
static void test_filter_port_after_ip_options(void)
{
    struct frame udp = udp_with_ip_options();
    struct frame tcp = tcp_segment("02", 0);   /* 40000 > 80, moved past 8 bytes of options */
    memmove(tcp.bytes + 14 + 28, tcp.bytes + 14 + 20, tcp.length - 14 - 20);
    memcpy(tcp.bytes + 14 + 20, "\x01\x01\x01\x01\x01\x01\x01\x00", 8);   /* NOPs, EOL */
    tcp.bytes[14] = 0x47;
    tcp.bytes[17] += 8;
    tcp.length += 8;
    check_filter("port 53", "UDP to 53 after 4 bytes of IP options", &udp, true);
    check_filter("udp port 1234", "UDP from 1234 after 4 bytes of IP options", &udp, true);
    check_filter("port 37892", "UDP whose IP options hold 0x9404 (37892)", &udp, false);
    check_filter("port 0", "UDP whose IP options hold 0x0000", &udp, false);
    check_filter("tcp port 80", "TCP to 80 after 8 bytes of IP options", &tcp, true);
    check_filter("port 40000", "TCP from 40000 after 8 bytes of IP options", &tcp, true);
    check_filter("port 257", "TCP whose IP options hold NOPs (0x0101)", &tcp, false);
}

/* pcap-filter(7) "port": the packet is TCP or UDP (IPv4 protocol 6 or 17);
 * another protocol has no ports, whatever its first bytes hold. */
static void test_filter_port_only_udp_and_tcp(void)
{
    struct frame echo = icmp_echo_request();   /* type 8, code 0: 0x0800 where a port would be */
    struct frame gre = udp_to_53();
    gre.bytes[14 + 9] = 47;                   /* GRE, its first bytes 1234 and 53 */
    check_filter("port 2048", "an ICMP echo request (type 8, code 0: 0x0800)", &echo, false);
    check_filter("icmp", "an ICMP echo request", &echo, true);
    check_filter("port 53", "GRE whose first bytes read 1234, 53", &gre, false);
    check_filter("port 1234", "GRE whose first bytes read 1234, 53", &gre, false);
    check_filter("ip", "a GRE packet", &gre, true);
}

/* pcap-filter(7): "icmp", "udp" and "tcp" are "ip proto" tests, and "ip" is
 * EtherType 0x0800; "host" is "ip host" or "arp host".  A frame of another
 * EtherType matches none of them, whatever bytes sit where an IPv4 header's
 * fields would be. */
static void test_filter_needs_the_ipv4_ethertype(void)
{
    struct frame request = arp_request();   /* byte 23 (IPv4's protocol) is in ar$sha */
    const struct { uint8_t protocol; const char *filter; } protocols[] = {
        { 1, "icmp" }, { 6, "tcp" }, { 17, "udp" },
    };
    for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++) {
        struct frame f = arp_request();
        char name[80];
        f.bytes[23] = protocols[i].protocol;
        snprintf(name, sizeof name, "an ARP request whose byte 23 is %u", protocols[i].protocol);
        check_filter(protocols[i].filter, name, &f, false);
        check_filter("arp", name, &f, true);
    }
    /* Bytes 26-29 and 30-33 (IPv4's addresses) of the request: 52.86.10.0, 2.15.0.0 */
    check_filter("host 52.86.10.0", "an ARP request from 10.0.2.15 for 10.0.2.2", &request,
                 false);
    check_filter("dst host 2.15.0.0", "an ARP request from 10.0.2.15 for 10.0.2.2", &request,
                 false);

    struct frame other = udp_to_53();   /* a whole IPv4/UDP packet under EtherType 0x88b5 */
    other.bytes[12] = 0x88;
    other.bytes[13] = 0xb5;
    const char *name = "IPv4 and UDP bytes under EtherType 0x88b5";
    check_filter("ip", name, &other, false);
    check_filter("udp", name, &other, false);
    check_filter("port 53", name, &other, false);
    check_filter("host 10.0.2.2", name, &other, false);
    check_filter("src host 10.0.2.15", name, &other, false);
    check_filter("not ip", name, &other, true);
}

/* filter.h's bounds on a pcap-filter(7) expression: at most FILTER_MAX_NODES
 * (128) nodes, a node being each primitive and each not, and, or; at most 128
 * levels, each "not" and "(" putting what follows one level deeper ("arp" is
 * at level 1, the "arp" of "not (arp)" at level 3).  128 of either parse; 129
 * are refused. */
static void test_filter_limit_boundaries(void)
{
    static struct filter filter;
    char error[160];
    static char *words[400];
    int count = 0;
    words[count++] = "not";
    for (int i = 0; i < 127; i++)
        words[count++] = i % 2 ? "or" : "arp";
    bool parsed = filter_parse(&filter, count, words, error, sizeof error);
    check(parsed, "'not arp or arp ... or arp' (64 arps: 128 nodes) should parse: %s", error);

    count = 0;
    for (int i = 0; i < 129; i++)
        words[count++] = i % 2 ? "or" : "arp";
    parsed = filter_parse(&filter, count, words, error, sizeof error);
    check(!parsed && strcmp(error, "filter too long (more than 128 terms)") == 0,
          "'arp or ... or arp' (65 arps: 129 nodes) should be refused with [filter too long "
          "(more than 128 terms)]: got [%s]", parsed ? "(parsed)" : error);

    const struct { const char *open, *close; int opened; int levels; } nestings[] = {
        { "not", NULL, 127, 128 }, { "not", NULL, 128, 129 },
        { "(", ")", 127, 128 }, { "(", ")", 128, 129 },
    };
    for (size_t n = 0; n < sizeof nestings / sizeof nestings[0]; n++) {
        count = 0;
        for (int i = 0; i < nestings[n].opened; i++)
            words[count++] = (char *)nestings[n].open;
        words[count++] = "arp";
        for (int i = 0; nestings[n].close && i < nestings[n].opened; i++)
            words[count++] = (char *)nestings[n].close;
        parsed = filter_parse(&filter, count, words, error, sizeof error);
        if (nestings[n].levels <= 128)
            check(parsed, "%d '%s' around arp (%d levels) should parse: %s",
                  nestings[n].opened, nestings[n].open, nestings[n].levels, error);
        else
            check(!parsed && strcmp(error, "filter nested too deeply (more than 128 levels)") == 0,
                  "%d '%s' around arp (%d levels) should be refused with [filter nested too "
                  "deeply (more than 128 levels)]: got [%s]", nestings[n].opened,
                  nestings[n].open, nestings[n].levels, parsed ? "(parsed)" : error);
    }

    for (int pairs = 63; pairs <= 64; pairs++) {   /* "not (" pairs: 2 levels each */
        count = 0;
        if (pairs == 63)
            words[count++] = "not";                /* level 127: arp is at 128 */
        for (int i = 0; i < pairs; i++) {
            words[count++] = "not";
            words[count++] = "(";
        }
        words[count++] = "arp";
        for (int i = 0; i < pairs; i++)
            words[count++] = ")";
        parsed = filter_parse(&filter, count, words, error, sizeof error);
        if (pairs == 63)
            check(parsed, "'not' then 63 'not (' around arp (128 levels) should parse: %s",
                  error);
        else
            check(!parsed && strcmp(error, "filter nested too deeply (more than 128 levels)") == 0,
                  "64 'not (' around arp (129 levels) should be refused with [filter nested too "
                  "deeply (more than 128 levels)]: got [%s]", parsed ? "(parsed)" : error);
    }
}

/* pcap-filter(7): keywords are whole lowercase words (tcpdump takes "u" or
 * "UDP" for a host name, and sniff has none); a port is a number from 0 to
 * 65535; an address is what inet_pton(3) takes (no leading zeros). */
static void test_filter_keywords_and_numbers(void)
{
    const char *expected_primitive =
        "expected arp, ip, icmp, udp, tcp, port, host, src, dst, not or '(', got ";
    const char *refused[] = { "u", "ud", "a", "ar", "ic", "t", "po", "ho", "no", "UDP", "Arp",
                              "udpp", "arpa" };
    char expected[200];
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        snprintf(expected, sizeof expected, "%s'%s'", expected_primitive, refused[i]);
        check_filter_error(refused[i], expected);
    }
    snprintf(expected, sizeof expected, "%s'ARP'", expected_primitive);
    check_filter_error("not ARP", expected);
    check_filter_error("udp po 53", "expected 'and', 'or' or the end of the filter, got 'po'");
    check_filter_error("src hos 10.0.2.2", "expected 'host' after 'src', got 'hos'");
    check_filter_error("arp an udp", "expected 'and', 'or' or the end of the filter, got 'an'");

    struct frame udp = udp_to_53();
    udp.bytes[14 + 22] = 0xff;   /* destination port 65535 */
    udp.bytes[14 + 23] = 0xff;
    check_filter("port 65535", "UDP to port 65535", &udp, true);
    check_filter("udp port 65535", "UDP to port 65535", &udp, true);
    udp.bytes[14 + 22] = 0;
    udp.bytes[14 + 23] = 0;
    check_filter("port 0", "UDP to port 0", &udp, true);
    check_filter("port 65535", "UDP to port 0", &udp, false);
    check_filter_error("port 99999", "expected a port number (0-65535) after 'port', "
                                     "got '99999'");
    check_filter_error("tcp port 4294967349", "expected a port number (0-65535) after "
                                              "'tcp port', got '4294967349'");
    check_filter_error("host 10.0.2.02", "expected an IPv4 address A.B.C.D after 'host', "
                                         "got '10.0.2.02'");
}

/* Appends the tree under node INDEX to OUT as kind(fields,operands), e.g.
 * or(arp,and(icmp,not(udp))); an operand that is no node, or a node met
 * twice, shows as [no node N] or [reused node N]. */
static void render_node(const struct filter *filter, int index, bool *used, int depth,
                        char *out, size_t size)
{
    static const char *kinds[] = { "arp", "ip", "icmp", "udp", "tcp", "port", "host", "not",
                                   "and", "or" };
    static const char *sides[] = { "either", "src", "dst" };
    size_t at = strlen(out);
    if (index < 0 || index >= filter->count || depth > FILTER_MAX_NODES || used[index]) {
        snprintf(out + at, size - at, "[%s node %d]",
                 index < 0 || index >= filter->count ? "no" : "reused", index);
        return;
    }
    used[index] = true;
    const struct filter_node *node = &filter->nodes[index];
    if (node->kind < FILTER_ARP || node->kind > FILTER_OR) {
        snprintf(out + at, size - at, "[kind %d]", (int)node->kind);
        return;
    }
    snprintf(out + at, size - at, "%s", kinds[node->kind]);
    at = strlen(out);
    if (node->kind == FILTER_PORT)
        snprintf(out + at, size - at, "(%u,%u)", node->protocol, node->port);
    else if (node->kind == FILTER_HOST)
        snprintf(out + at, size - at, "(%s,%u.%u.%u.%u)",
                 node->side <= SIDE_DST ? sides[node->side] : "?", node->address[0],
                 node->address[1], node->address[2], node->address[3]);
    if (node->kind < FILTER_NOT)
        return;
    strncat(out, "(", size - strlen(out) - 1);
    render_node(filter, node->left, used, depth + 1, out, size);
    if (node->kind != FILTER_NOT) {
        strncat(out, ",", size - strlen(out) - 1);
        render_node(filter, node->right, used, depth + 1, out, size);
    }
    strncat(out, ")", size - strlen(out) - 1);
}

static void check_tree(const char *text, const char *expected)
{
    static struct filter filter;
    char error[160] = "";
    if (!parse(&filter, text, error, sizeof error)) {
        check(false, "filter '%s' does not parse: %s", text, error);
        return;
    }
    char tree[400] = "";
    bool used[FILTER_MAX_NODES] = { false };
    if (filter.count < 0 || filter.count > FILTER_MAX_NODES)
        snprintf(tree, sizeof tree, "[count %d]", filter.count);
    else
        render_node(&filter, filter.root, used, 0, tree, sizeof tree);
    check(strcmp(tree, expected) == 0, "the tree of '%s':\n  expected %s\n  got      %s", text,
          expected, tree);
}

/* filter.h's tree of a pcap-filter(7) expression, with its precedence: every
 * operand an index of an existing node, each node used once, NOT's operand in
 * left, AND's and OR's in the order written; "protocol", "side", "port" and
 * "address" (network order) as filter.h says. */
static void test_filter_tree(void)
{
    check_tree("not arp", "not(arp)");
    check_tree("not not ip", "not(not(ip))");
    check_tree("arp or icmp and not udp", "or(arp,and(icmp,not(udp)))");
    check_tree("(tcp or udp) and not icmp", "and(or(tcp,udp),not(icmp))");
    check_tree("tcp or udp or icmp", "or(or(tcp,udp),icmp)");
    check_tree("port 80", "port(0,80)");
    check_tree("udp port 53", "port(17,53)");
    check_tree("tcp port 65535", "port(6,65535)");
    check_tree("host 10.0.2.2", "host(either,10.0.2.2)");
    check_tree("src host 10.0.2.15", "host(src,10.0.2.15)");
    check_tree("not dst host 192.168.1.254", "not(host(dst,192.168.1.254))");
}

/* A pcap file written with one ordinary record and one past the snaplen; the
 * caller frees the bytes. */
static uint8_t *written_pcap(size_t *size)
{
    char path[] = "/tmp/sniff-unit-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    FILE *pcap = pcap_open(path);
    struct frame request = arp_request();
    struct timespec when = { .tv_sec = 1700000000, .tv_nsec = 123456789 };
    static uint8_t jumbo[70000];
    bool written = pcap && pcap_write(pcap, &when, request.bytes, request.length, 60) &&
                   pcap_write(pcap, &when, jumbo, sizeof jumbo, sizeof jumbo);
    written = pcap && pcap_close(pcap) && written;
    check(written, "pcap_open, pcap_write and pcap_close should succeed");
    uint8_t *file = calloc(1, 100000);
    FILE *in = fopen(path, "rb");
    *size = in ? fread(file, 1, 100000, in) : 0;
    if (in)
        fclose(in);
    unlink(path);
    return file;
}

/* pcap-savefile(5), draft-ietf-opsawg-pcap 4: magic 0xa1b2c3d4 (microseconds)
 * in the writer's byte order, version 2.4, zone and sigfigs 0, snaplen,
 * LINKTYPE_ETHERNET (1). */
static void test_pcap_file_header(void)
{
    size_t size;
    uint8_t *file = written_pcap(&size);
    uint32_t words[6];
    memcpy(words, file, sizeof words);
    check(size >= 24, "the file should hold its 24-byte header: %zu bytes", size);
    check(words[0] == 0xa1b2c3d4, "magic 0xa1b2c3d4 in the writer's byte order: got 0x%08x",
          words[0]);
    check(file[4] == 2 && file[5] == 0 && file[6] == 4 && file[7] == 0,
          "version 2.4: got bytes %u %u %u %u", file[4], file[5], file[6], file[7]);
    check(words[2] == 0 && words[3] == 0 && words[4] == 65535 && words[5] == 1,
          "zone 0, sigfigs 0, snaplen 65535, linktype 1 (Ethernet): got %u %u %u %u", words[2],
          words[3], words[4], words[5]);
    free(file);
}

/* draft-ietf-opsawg-pcap 5: a record is seconds, microseconds, the captured
 * length, the length on the wire, then the captured bytes. */
static void test_pcap_record(void)
{
    size_t size;
    uint8_t *file = written_pcap(&size);
    struct frame request = arp_request();
    uint32_t record[4];
    memcpy(record, file + 24, sizeof record);
    check(size >= 24 + 16 + request.length, "the file should hold the first record: %zu bytes",
          size);
    check(record[0] == 1700000000 && record[1] == 123456 && record[2] == request.length &&
          record[3] == 60,
          "record header: seconds 1700000000, microseconds 123456, captured %zu, wire 60: "
          "got %u %u %u %u", request.length, record[0], record[1], record[2], record[3]);
    check(memcmp(file + 40, request.bytes, request.length) == 0, "record data byte for byte");
    free(file);
}

/* draft-ietf-opsawg-pcap 5: a record holds at most SnapLen bytes of the frame
 * and keeps the frame's original length. */
static void test_pcap_snaplen_cuts_long_frames(void)
{
    size_t size;
    uint8_t *file = written_pcap(&size);
    struct frame request = arp_request();
    uint32_t record[4];
    memcpy(record, file + 40 + request.length, sizeof record);
    check(size == 24 + 16 + request.length + 16 + 65535,
          "file size should be %zu: got %zu", 24 + 16 + request.length + 16 + 65535, size);
    check(record[2] == 65535 && record[3] == 70000,
          "a 70000-byte frame should be cut to 65535 and keep its wire length: got %u, %u",
          record[2], record[3]);
    free(file);
}

/* pcap_writer.h's contract, with errno as fopen(3), fflush(3) and ferror(3)
 * give it: a file that cannot be created is NULL with fopen's errno; on a
 * full device (/dev/full, null(4): every write fails with ENOSPC) a record
 * that stayed in the stream's buffer fails at pcap_close with ENOSPC, and
 * one that failed in pcap_write is still reported by pcap_close, as EIO. */
static void test_pcap_reports_failed_writes(void)
{
    struct frame request = arp_request();
    struct timespec when = { .tv_sec = 1700000000, .tv_nsec = 0 };
    errno = 0;
    FILE *pcap = pcap_open("/nonexistent-sniff-unit/x.pcap");
    int open_errno = errno;
    check(!pcap && open_errno == ENOENT,
          "pcap_open in a missing directory: NULL with errno ENOENT: got %s, errno %d (%s)",
          pcap ? "a file" : "NULL", open_errno, strerror(open_errno));
    if (pcap)
        fclose(pcap);

    if (access("/dev/full", W_OK) != 0) {
        check(false, "/dev/full (null(4)) is needed to test failed writes: %s",
              strerror(errno));
        return;
    }
    pcap = pcap_open("/dev/full");
    check(pcap != NULL, "pcap_open(\"/dev/full\") succeeds (the header waits in the buffer): %s",
          strerror(errno));
    if (pcap) {
        check(pcap_write(pcap, &when, request.bytes, request.length, request.length),
              "a 42-byte record waits in the buffer: pcap_write succeeds");
        errno = 0;
        bool closed = pcap_close(pcap);
        int close_errno = errno;
        check(!closed && close_errno == ENOSPC,
              "pcap_close flushing to /dev/full: false with errno ENOSPC: got %s, errno %d (%s)",
              closed ? "true" : "false", close_errno, strerror(close_errno));
    }
    pcap = pcap_open("/dev/full");
    if (pcap) {
        static uint8_t jumbo[70000];
        errno = 0;
        bool written = pcap_write(pcap, &when, jumbo, sizeof jumbo, sizeof jumbo);
        int write_errno = errno;
        check(!written && write_errno == ENOSPC,
              "a 65535-byte record to /dev/full: pcap_write false with errno ENOSPC: "
              "got %s, errno %d (%s)", written ? "true" : "false", write_errno,
              strerror(write_errno));
        errno = 0;
        bool closed = pcap_close(pcap);
        int close_errno = errno;
        check(!closed && close_errno == EIO,
              "pcap_close after that failed write (nothing left to flush): false with errno EIO: "
              "got %s, errno %d (%s)", closed ? "true" : "false", close_errno,
              strerror(close_errno));
    }
}

/*
 * A packet socket for capture_next, in place of the kernel's: the unit test
 * is linked with --wrap=ppoll,--wrap=recvfrom (Makefile.inc), so capture.c's
 * calls come here.  It answers as packet(7) says a packet socket does:
 * recvfrom copies at most the buffer's size and returns the copied length,
 * or with MSG_TRUNC the frame's real length; it fills a sockaddr_ll with the
 * interface, link type and packet type.  ppoll says the socket is readable
 * while frames are queued; once none is left, a stop signal arrives (EINTR).
 * Misuses are noted (the first one) for the test to report.
 */
#define PACKET_SOCKET 1000000   /* no real descriptor: a call the fake does not take fails, EBADF */
#define CALLS_WITHOUT_FRAME 100  /* then capture_next is looping: ppoll and recvfrom fail, EBADF */

struct queued_frame {
    int ifindex;
    unsigned short hatype;    /* ARPHRD_... */
    unsigned char pkttype;    /* PACKET_... */
    size_t length;            /* on the wire; byte i is (tag + i) & 0xff */
    uint8_t tag;
};

static struct {
    struct queued_frame queue[16];   /* more than any test queues */
    int next, count;
    sigset_t wait_mask;        /* what capture_next is given, and ppoll must install */
    int empty_errno;           /* ppoll's error once the queue is empty: EINTR, a stop signal */
    int recvfrom_errno;        /* recvfrom fails with it when not 0 */
    int ppoll_calls;
    int calls_without_frame;
    struct timespec woke;      /* CLOCK_REALTIME when ppoll last answered "readable" */
    char misuse[240];
} packet_socket;

static void misuse(const char *format, ...)
{
    if (packet_socket.misuse[0])
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(packet_socket.misuse, sizeof packet_socket.misuse, format, args);
    va_end(args);
}

static bool same_mask(const sigset_t *given, const sigset_t *expected)
{
    if (!given)
        return false;
    for (int signal = 1; signal < SIGRTMIN; signal++)
        if (sigismember(given, signal) != sigismember(expected, signal))
            return false;
    return true;
}

/* Whether capture_next has gone round too often without getting a frame. */
static bool looping(void)
{
    if (++packet_socket.calls_without_frame <= CALLS_WITHOUT_FRAME)
        return false;
    misuse("capture_next called ppoll or recvfrom %d times without ending: a stop signal "
           "(ppoll failing with EINTR) ends the wait with CAPTURE_INTERRUPTED",
           CALLS_WITHOUT_FRAME);
    errno = EBADF;
    return true;
}

int __wrap_ppoll(struct pollfd *fds, nfds_t count, const struct timespec *timeout,
                 const sigset_t *mask);
int __wrap_ppoll(struct pollfd *fds, nfds_t count, const struct timespec *timeout,
                 const sigset_t *mask)
{
    (void)timeout;
    packet_socket.ppoll_calls++;
    if (looping())
        return -1;
    struct pollfd *socket_entry = NULL;
    for (nfds_t i = 0; i < count; i++) {
        fds[i].revents = 0;
        if (fds[i].fd == PACKET_SOCKET && (fds[i].events & POLLIN))
            socket_entry = &fds[i];
    }
    if (!socket_entry) {
        misuse("ppoll should wait for POLLIN on capture->fd");
        errno = EINVAL;
        return -1;
    }
    if (!same_mask(mask, &packet_socket.wait_mask))
        misuse("ppoll should wait with wait_mask, which lets SIGINT and SIGTERM in: got %s",
               mask ? "another mask" : "NULL (the stop signals would stay blocked)");
    if (packet_socket.next == packet_socket.count) {
        errno = packet_socket.empty_errno;
        return -1;
    }
    /* A clock read before this call is earlier than `woke`. */
    struct timespec entered;
    clock_gettime(CLOCK_REALTIME, &entered);
    do
        clock_gettime(CLOCK_REALTIME, &packet_socket.woke);
    while (packet_socket.woke.tv_sec == entered.tv_sec &&
           packet_socket.woke.tv_nsec == entered.tv_nsec);
    socket_entry->revents = POLLIN;
    return 1;
}

ssize_t __wrap_recvfrom(int fd, void *buffer, size_t size, int flags, struct sockaddr *from,
                        socklen_t *from_length);
ssize_t __wrap_recvfrom(int fd, void *buffer, size_t size, int flags, struct sockaddr *from,
                        socklen_t *from_length)
{
    if (fd != PACKET_SOCKET) {
        misuse("recvfrom should read capture->fd, not %d", fd);
        errno = EBADF;
        return -1;
    }
    if (flags & ~(MSG_TRUNC | MSG_DONTWAIT))
        misuse("recvfrom's flags should be MSG_TRUNC, or MSG_TRUNC | MSG_DONTWAIT: got 0x%x",
               (unsigned)flags);
    if (packet_socket.recvfrom_errno) {
        errno = packet_socket.recvfrom_errno;
        return -1;
    }
    if (packet_socket.next == packet_socket.count) {
        if (looping())
            return -1;
        if (!(flags & MSG_DONTWAIT))
            misuse("recvfrom with no frame queued would block, with SIGINT and SIGTERM "
                   "blocked: wait in ppoll first");
        errno = EAGAIN;
        return -1;
    }
    const struct queued_frame *frame = &packet_socket.queue[packet_socket.next++];
    packet_socket.calls_without_frame = 0;
    size_t copied = frame->length < size ? frame->length : size;
    for (size_t i = 0; i < copied; i++)
        ((uint8_t *)buffer)[i] = (uint8_t)(frame->tag + i);
    if (from && from_length) {
        struct sockaddr_ll address = {
            .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP),
            .sll_ifindex = frame->ifindex, .sll_hatype = frame->hatype,
            .sll_pkttype = frame->pkttype, .sll_halen = 6,
            .sll_addr = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 },
        };
        memcpy(from, &address, *from_length < sizeof address ? *from_length : sizeof address);
        *from_length = sizeof address;
    }
    return (flags & MSG_TRUNC) ? (ssize_t)frame->length : (ssize_t)copied;
}

/* An empty socket; capture_next's wait_mask lets SIGINT and SIGTERM in and
 * keeps SIGUSR1 out, as main's would for a process that blocked SIGUSR1. */
static void reset_packet_socket(void)
{
    memset(&packet_socket, 0, sizeof packet_socket);
    sigemptyset(&packet_socket.wait_mask);
    sigaddset(&packet_socket.wait_mask, SIGUSR1);
    packet_socket.empty_errno = EINTR;
}

static uint8_t queue_frame(int ifindex, unsigned short hatype, unsigned char pkttype,
                           size_t length)
{
    int at = packet_socket.count++;
    uint8_t tag = (uint8_t)(16 * at + 1);
    packet_socket.queue[at] = (struct queued_frame){ ifindex, hatype, pkttype, length, tag };
    return tag;
}

/* capture_next into a heap buffer of exactly SIZE bytes (ASan stops a write
 * past it); the frame's first byte in *first. */
static enum capture_result next_frame(struct capture *capture, size_t size,
                                      struct captured_frame *frame, int *first)
{
    uint8_t *buffer = malloc(size);
    memset(buffer, 0, size);
    memset(frame, 0, sizeof *frame);
    packet_socket.calls_without_frame = 0;
    enum capture_result result = capture_next(capture, buffer, size, &packet_socket.wait_mask,
                                              frame);
    *first = result == CAPTURE_FRAME && frame->captured > 0 ? buffer[0] : -1;
    free(buffer);
    return result;
}

/* next_frame with stderr sent to /dev/null, for the calls that must fail
 * (capture_next prints why), so that a failed check is the first line. */
static enum capture_result next_frame_quietly(struct capture *capture, struct captured_frame *frame)
{
    int first;
    fflush(stderr);
    int saved = dup(2);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 2);
    close(null);
    enum capture_result result = next_frame(capture, 100, frame, &first);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    return result;
}

static const char *result_name(enum capture_result result)
{
    switch (result) {
    case CAPTURE_FRAME:       return "CAPTURE_FRAME";
    case CAPTURE_INTERRUPTED: return "CAPTURE_INTERRUPTED";
    case CAPTURE_ERROR:       return "CAPTURE_ERROR";
    }
    return "no capture_result";
}

static void check_no_misuse(void)
{
    check(!packet_socket.misuse[0], "%s", packet_socket.misuse);
}

/* packet(7): a socket bound to one interface may still hold frames of others
 * queued before bind (sll_ifindex tells), and only links with an Ethernet
 * header (sll_hatype ARPHRD_ETHER, ARPHRD_LOOPBACK) fit a LINKTYPE_ETHERNET
 * capture: capture_next reads past the rest, and without an interface takes
 * every interface's Ethernet frames. */
static void test_capture_skips_other_interfaces_and_links(void)
{
    struct capture capture = { .fd = PACKET_SOCKET, .ifindex = 2 };
    struct captured_frame frame;
    int first;
    reset_packet_socket();
    queue_frame(3, ARPHRD_ETHER, PACKET_HOST, 60);
    queue_frame(2, ARPHRD_NONE, PACKET_HOST, 60);
    queue_frame(2, ARPHRD_IPGRE, PACKET_HOST, 60);
    uint8_t wanted = queue_frame(2, ARPHRD_ETHER, PACKET_HOST, 98);
    enum capture_result result = next_frame(&capture, 1500, &frame, &first);
    check(result == CAPTURE_FRAME && first == wanted && frame.length == 98,
          "bound to ifindex 2, after frames of ifindex 3 (Ethernet) and of ifindex 2 with "
          "hatype ARPHRD_NONE and ARPHRD_IPGRE: the 98-byte Ethernet frame of ifindex 2 "
          "(first byte %u): got %s, first byte %d, length %zu", wanted, result_name(result),
          first, frame.length);

    queue_frame(1, ARPHRD_LOOPBACK, PACKET_OUTGOING, 60);
    result = next_frame(&capture, 1500, &frame, &first);
    check(result == CAPTURE_INTERRUPTED,
          "bound to ifindex 2, with only a frame of ifindex 1 then a stop signal: "
          "CAPTURE_INTERRUPTED: got %s (first byte %d)", result_name(result), first);

    capture.ifindex = 0;
    const struct { int ifindex; unsigned short hatype; } everywhere[] = {
        { 1, ARPHRD_LOOPBACK }, { 5, ARPHRD_ETHER },
    };
    for (size_t i = 0; i < sizeof everywhere / sizeof everywhere[0]; i++) {
        wanted = queue_frame(everywhere[i].ifindex, everywhere[i].hatype, PACKET_HOST, 60);
        result = next_frame(&capture, 1500, &frame, &first);
        check(result == CAPTURE_FRAME && first == wanted,
              "on every interface: the frame of ifindex %d, hatype %u: got %s, first byte %d "
              "(expected %u)", everywhere[i].ifindex, everywhere[i].hatype,
              result_name(result), first, wanted);
    }
    queue_frame(5, ARPHRD_NONE, PACKET_HOST, 60);
    wanted = queue_frame(7, ARPHRD_ETHER, PACKET_OUTGOING, 60);
    result = next_frame(&capture, 1500, &frame, &first);
    check(result == CAPTURE_FRAME && first == wanted,
          "on every interface: after a frame of hatype ARPHRD_NONE, the Ethernet frame of "
          "ifindex 7: got %s, first byte %d (expected %u)", result_name(result), first, wanted);
    check_no_misuse();
}

/* packet(7): recvfrom with MSG_TRUNC returns a frame's real length even when
 * the buffer is shorter; captured_frame keeps both that length and the bytes
 * held, at most the buffer's size. */
static void test_capture_lengths_with_msg_trunc(void)
{
    struct capture capture = { .fd = PACKET_SOCKET, .ifindex = 0 };
    const struct { size_t length, size; } cases[] = {
        { 2000, 1500 }, { 60, 1500 }, { 1500, 1500 }, { 65549, 65535 },
    };
    reset_packet_socket();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct captured_frame frame;
        int first;
        uint8_t wanted = queue_frame(2, ARPHRD_ETHER, PACKET_HOST, cases[i].length);
        enum capture_result result = next_frame(&capture, cases[i].size, &frame, &first);
        size_t held = cases[i].length < cases[i].size ? cases[i].length : cases[i].size;
        check(result == CAPTURE_FRAME && first == wanted && frame.length == cases[i].length &&
              frame.captured == held,
              "a %zu-byte frame into a %zu-byte buffer: length %zu, captured %zu: got %s, "
              "length %zu, captured %zu", cases[i].length, cases[i].size, cases[i].length, held,
              result_name(result), frame.length, frame.captured);
    }
    check_no_misuse();
}

/* packet(7): sll_pkttype says the direction (PACKET_HOST, PACKET_BROADCAST,
 * PACKET_MULTICAST, PACKET_OTHERHOST, PACKET_OUTGOING), kept as it is; the
 * time is CLOCK_REALTIME (clock_gettime(2)) read once the frame has come,
 * after the wait. */
static void test_capture_direction_and_time(void)
{
    struct capture capture = { .fd = PACKET_SOCKET, .ifindex = 0 };
    const struct { unsigned char pkttype; const char *name; } directions[] = {
        { PACKET_HOST, "PACKET_HOST" }, { PACKET_BROADCAST, "PACKET_BROADCAST" },
        { PACKET_MULTICAST, "PACKET_MULTICAST" }, { PACKET_OTHERHOST, "PACKET_OTHERHOST" },
        { PACKET_OUTGOING, "PACKET_OUTGOING" },
    };
    reset_packet_socket();
    for (size_t i = 0; i < sizeof directions / sizeof directions[0]; i++) {
        struct captured_frame frame;
        int first;
        struct timespec after;
        queue_frame(2, ARPHRD_ETHER, directions[i].pkttype, 60);
        clock_gettime(CLOCK_REALTIME, &packet_socket.woke);
        enum capture_result result = next_frame(&capture, 1500, &frame, &first);
        clock_gettime(CLOCK_REALTIME, &after);
        check(result == CAPTURE_FRAME && frame.direction == directions[i].pkttype,
              "a frame with sll_pkttype %s (%u): direction %u: got %s, direction %d",
              directions[i].name, directions[i].pkttype, directions[i].pkttype,
              result_name(result), frame.direction);
        bool after_wake = frame.when.tv_sec > packet_socket.woke.tv_sec ||
                          (frame.when.tv_sec == packet_socket.woke.tv_sec &&
                           frame.when.tv_nsec >= packet_socket.woke.tv_nsec);
        bool before_return = frame.when.tv_sec < after.tv_sec ||
                             (frame.when.tv_sec == after.tv_sec &&
                              frame.when.tv_nsec <= after.tv_nsec);
        check(after_wake && before_return,
              "the %s frame's time should be CLOCK_REALTIME between ppoll's answer (%lld.%09ld) "
              "and capture_next's return (%lld.%09ld): got %lld.%09ld",
              directions[i].name, (long long)packet_socket.woke.tv_sec,
              packet_socket.woke.tv_nsec, (long long)after.tv_sec, after.tv_nsec,
              (long long)frame.when.tv_sec, frame.when.tv_nsec);
    }
    check_no_misuse();
}

/* capture.h and ppoll(2): capture_next waits in ppoll on capture->fd with
 * wait_mask, the only time SIGINT and SIGTERM can arrive; EINTR there is a
 * stop signal (CAPTURE_INTERRUPTED), and any other failure of ppoll or
 * recvfrom is CAPTURE_ERROR. */
static void test_capture_waits_with_the_signal_mask(void)
{
    struct capture capture = { .fd = PACKET_SOCKET, .ifindex = 0 };
    struct captured_frame frame;
    int first;
    reset_packet_socket();
    enum capture_result result = next_frame(&capture, 1500, &frame, &first);
    check(result == CAPTURE_INTERRUPTED && packet_socket.ppoll_calls > 0,
          "no frame, then a stop signal (ppoll fails with EINTR): CAPTURE_INTERRUPTED after "
          "waiting in ppoll: got %s after %d calls of ppoll", result_name(result),
          packet_socket.ppoll_calls);
    check_no_misuse();

    reset_packet_socket();
    packet_socket.empty_errno = ENOMEM;
    result = next_frame_quietly(&capture, &frame);
    check(result == CAPTURE_ERROR, "ppoll failing with ENOMEM: CAPTURE_ERROR: got %s",
          result_name(result));

    reset_packet_socket();
    queue_frame(2, ARPHRD_ETHER, PACKET_HOST, 60);
    packet_socket.recvfrom_errno = ENETDOWN;
    result = next_frame_quietly(&capture, &frame);
    check(result == CAPTURE_ERROR, "recvfrom failing with ENETDOWN: CAPTURE_ERROR: got %s",
          result_name(result));
}

#define TEST(name) { #name, name }
static const struct {
    const char *name;
    void (*run)(void);
} tests[] = {
    TEST(test_decode_well_formed_frames),
    TEST(test_decode_malformed_frames),
    TEST(test_decode_never_reads_past_capture),
    TEST(test_decode_hex_dump),
    TEST(test_filter_protocols),
    TEST(test_filter_port),
    TEST(test_filter_host),
    TEST(test_filter_precedence),
    TEST(test_filter_errors),
    TEST(test_filter_words_and_limits),
    TEST(test_filter_never_reads_past_capture),
    TEST(test_filter_port_after_ip_options),
    TEST(test_filter_port_only_udp_and_tcp),
    TEST(test_filter_needs_the_ipv4_ethertype),
    TEST(test_filter_limit_boundaries),
    TEST(test_filter_keywords_and_numbers),
    TEST(test_filter_tree),
    TEST(test_pcap_file_header),
    TEST(test_pcap_record),
    TEST(test_pcap_snaplen_cuts_long_frames),
    TEST(test_pcap_reports_failed_writes),
    TEST(test_capture_skips_other_interfaces_and_links),
    TEST(test_capture_lengths_with_msg_trunc),
    TEST(test_capture_direction_and_time),
    TEST(test_capture_waits_with_the_signal_mask),
};
#define TEST_COUNT (sizeof tests / sizeof tests[0])

static int find_test(const char *name)
{
    for (size_t i = 0; i < TEST_COUNT; i++)
        if (!strcmp(tests[i].name, name))
            return (int)i;
    return -1;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (find_test(argv[i]) < 0) {
            fprintf(stderr, "%s: no test named %s\n", argv[0], argv[i]);
            return 2;
        }
    }
    size_t count = argc > 1 ? (size_t)argc - 1 : TEST_COUNT;
    int failures = 0;
    printf("1..%zu\n", count);
    for (size_t i = 0; i < count; i++) {
        size_t index = argc > 1 ? (size_t)find_test(argv[i + 1]) : i;
        failed_checks = 0;
        fflush(stdout);
        tests[index].run();
        fflush(stderr);
        printf("%s %zu - %s\n", failed_checks ? "not ok" : "ok", i + 1, tests[index].name);
        failures += failed_checks != 0;
    }
    return failures == 0 ? 0 : 1;
}
