/*
 * Unit test of the sniffer's parts that need no socket: the decoders (well-
 * formed and malformed frames, asserting the exact line), the hex dump, the
 * filter parser and evaluator, and the pcap writer.  Built with ASan and
 * UBSan (user/sniff/Makefile.inc), and every frame is also decoded and
 * filtered at every truncated length and with random bytes changed, each
 * time from a heap buffer of exactly that size, so any read past a capture
 * is caught.  Prints "ok N - ..." / "not ok N - ..." and exits 0 only if
 * every check passed.
 */
#include "decode.h"
#include "filter.h"
#include "pcap_writer.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int checks, failures;

static void check(bool passed, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    printf("%s %d - ", passed ? "ok" : "not ok", ++checks);
    vprintf(format, args);
    printf("\n");
    va_end(args);
    if (!passed)
        failures++;
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
    bool same = strcmp(line, expected) == 0;
    check(same, "%s", what);
    if (!same)
        printf("#   expected [%s]\n#   got      [%s]\n", expected, line);
    free(line);
}

/* The frame cut to `length` bytes. */
static struct frame cut(struct frame f, size_t length)
{
    f.length = length;
    return f;
}

static void test_well_formed_frames(void)
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

static void test_malformed_frames(void)
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

/* Decodes and filters every prefix of a frame and many damaged copies: under
 * ASan, any read past the capture fails the test by aborting. */
static void test_no_read_past_capture(const struct filter *filter)
{
    struct frame frames[] = { arp_request(), arp_reply(), icmp_echo_request(), udp_to_53(),
                              tcp_segment("12", 0), tcp_segment("18", 64) };
    uint32_t random_state = 12345;
    size_t decoded = 0;
    for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++) {
        for (size_t length = 0; length <= frames[i].length; length++) {
            free(decode_line(frames[i].bytes, length));
            uint8_t *exact = malloc(length ? length : 1);
            memcpy(exact, frames[i].bytes, length);
            filter_match(filter, exact, length);
            free(exact);
            decoded++;
        }
        for (int round = 0; round < 2000; round++) {
            struct frame damaged = frames[i];
            for (int change = 0; change < 4; change++) {
                /* xorshift32: the same damage on every run */
                random_state ^= random_state << 13;
                random_state ^= random_state >> 17;
                random_state ^= random_state << 5;
                damaged.bytes[random_state % (14 + 40)] = (uint8_t)(random_state >> 8);
            }
            damaged.length = random_state % (damaged.length + 1);
            free(decode_line(damaged.bytes, damaged.length));
            uint8_t *exact = malloc(damaged.length ? damaged.length : 1);
            memcpy(exact, damaged.bytes, damaged.length);
            filter_match(filter, exact, damaged.length);
            free(exact);
            decoded++;
        }
    }
    check(true, "%zu truncated and damaged frames decoded and filtered within bounds",
          decoded);
}

static void test_hex_dump(void)
{
    struct frame f = arp_request();
    char *dump = NULL;
    size_t dump_size = 0;
    FILE *out = open_memstream(&dump, &dump_size);
    print_hex_dump(out, f.bytes, 18);
    fclose(out);
    const char *expected = "\t0x0000:  ffff ffff ffff 5254 0012 3456 0806 0001\n"
                           "\t0x0010:  0800\n";
    bool same = strcmp(dump, expected) == 0;
    check(same, "hex dump in tcpdump -xx layout");
    if (!same)
        printf("#   got [%s]\n", dump);
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
        check(false, "filter '%s' parses: %s", text, error);
        return;
    }
    bool matched = filter_match(&filter, f->bytes, f->length);
    check(matched == expected, "'%s' %s %s", text, expected ? "matches" : "rejects",
          frame_name);
}

static void test_filter_matching(void)
{
    struct frame request = arp_request(), reply = arp_reply(), echo = icmp_echo_request(),
                 udp = udp_to_53(), syn = tcp_segment("02", 0);
    struct frame fragment = udp_to_53();
    fragment.bytes[14 + 7] = 1;
    struct frame short_udp = cut(udp_to_53(), 14 + 20 + 3);
    struct frame tcp_53 = tcp_segment("02", 0);
    tcp_53.bytes[14 + 20 + 2] = 0;   /* destination port 53 */
    tcp_53.bytes[14 + 20 + 3] = 53;

    check_filter("", "an ARP request", &request, true);
    check_filter("arp", "an ARP request", &request, true);
    check_filter("arp", "an ICMP echo", &echo, false);
    check_filter("ip", "an ICMP echo", &echo, true);
    check_filter("ip", "an ARP reply", &reply, false);
    check_filter("icmp", "an ICMP echo", &echo, true);
    check_filter("icmp", "a UDP datagram", &udp, false);
    check_filter("udp", "a UDP datagram", &udp, true);
    check_filter("udp", "a TCP SYN", &syn, false);
    check_filter("tcp", "a TCP SYN", &syn, true);
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
    check_filter("host 10.0.2.2", "ICMP to 10.0.2.2", &echo, true);
    check_filter("host 10.0.2.3", "ICMP to 10.0.2.2", &echo, false);
    check_filter("src host 10.0.2.2", "ICMP to 10.0.2.2", &echo, false);
    check_filter("dst host 10.0.2.2", "ICMP to 10.0.2.2", &echo, true);
    check_filter("src host 10.0.2.15", "ICMP from 10.0.2.15", &echo, true);
    check_filter("host 10.0.2.2", "an ARP request for 10.0.2.2", &request, true);
    check_filter("src host 10.0.2.2", "an ARP reply from 10.0.2.2", &reply, true);
    check_filter("dst host 10.0.2.2", "an ARP reply from 10.0.2.2", &reply, false);
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
    check(!parsed && strcmp(error, expected) == 0, "'%s' is refused with [%s]: got [%s]",
          text, expected, parsed ? "(parsed)" : error);
}

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

    static struct filter filter;
    char error[160];
    char *words[300];
    for (int i = 0; i < 200; i++)
        words[i] = "not";
    words[200] = "arp";
    check(!filter_parse(&filter, 201, words, error, sizeof error) &&
          strcmp(error, "filter nested too deeply (more than 128 levels)") == 0,
          "200 nested nots are refused: got [%s]", error);
    for (int i = 0; i < 300; i++)
        words[i] = i % 2 ? "or" : "arp";
    check(!filter_parse(&filter, 299, words, error, sizeof error) &&
          strcmp(error, "filter too long (more than 128 terms)") == 0,
          "a 150-term filter is refused: got [%s]", error);
    char *split[] = { "(udp", "or", "arp)and", "port", "53" };
    check(filter_parse(&filter, 5, split, error, sizeof error),
          "words are joined with spaces and parentheses split from words");
}

static void test_pcap_writer(void)
{
    char path[] = "/tmp/sniff-unit-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    FILE *pcap = pcap_open(path);
    struct frame request = arp_request();
    struct timespec when = { .tv_sec = 1700000000, .tv_nsec = 123456789 };
    static uint8_t jumbo[70000];
    bool written = pcap && pcap_write(pcap, &when, request.bytes, request.length, 60) &&
                   pcap_write(pcap, &when, jumbo, sizeof jumbo, sizeof jumbo) &&
                   pcap_close(pcap);
    check(written, "pcap_open, pcap_write and pcap_close succeed");

    static uint8_t file[100000];
    FILE *in = fopen(path, "rb");
    size_t size = in ? fread(file, 1, sizeof file, in) : 0;
    if (in)
        fclose(in);
    unlink(path);
    uint32_t words[6];
    memcpy(words, file, sizeof words);
    check(size == 24 + 16 + request.length + 16 + 65535, "file size %zu", size);
    check(words[0] == 0xa1b2c3d4, "magic 0xa1b2c3d4 in the writer's byte order");
    check(file[4] == 2 && file[5] == 0 && file[6] == 4 && file[7] == 0, "version 2.4");
    check(words[2] == 0 && words[3] == 0 && words[4] == 65535 && words[5] == 1,
          "zone 0, sigfigs 0, snaplen 65535, linktype 1 (Ethernet)");
    uint32_t record[4];
    memcpy(record, file + 24, sizeof record);
    check(record[0] == 1700000000 && record[1] == 123456 && record[2] == request.length &&
          record[3] == 60, "record header: seconds, microseconds, captured and wire length");
    check(memcmp(file + 40, request.bytes, request.length) == 0, "record data byte for byte");
    memcpy(record, file + 40 + request.length, sizeof record);
    check(record[2] == 65535 && record[3] == 70000,
          "a frame past the snaplen is cut to 65535 and keeps its wire length");
}

int main(void)
{
    struct filter everything;
    char error[160];
    char *words[] = { "host", "10.0.2.2", "or", "port", "53", "or", "arp" };
    filter_parse(&everything, 7, words, error, sizeof error);

    test_well_formed_frames();
    test_malformed_frames();
    test_no_read_past_capture(&everything);
    test_hex_dump();
    test_filter_matching();
    test_filter_errors();
    test_pcap_writer();
    printf("# sniff_unit: %d passed, %d failed\n", checks - failures, failures);
    return failures == 0 ? 0 : 1;
}
