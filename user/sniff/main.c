/*
 * sniff: a tcpdump-like packet sniffer on an AF_PACKET socket.
 *
 *   sniff [-i IFACE] [-c COUNT] [-x] [-w FILE] [-v] [-n] [FILTER...]
 *
 * Options, the line format and the filter language are described in
 * README.md beside this file.  Exit status: 0 when done, 1 when the socket
 * or the file fails, 2 for a bad command line or filter.
 */
#include "capture.h"
#include "decode.h"
#include "filter.h"
#include "pcap_writer.h"

#include <ctype.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct options {
    const char *interface;   /* -i; NULL: every interface */
    unsigned long count;     /* -c; 0: until stopped */
    bool hex_dump;           /* -x */
    const char *pcap_path;   /* -w */
    bool verbose;            /* -v: print lines even with -w */
    struct filter filter;
};

static __attribute__((noreturn)) void usage(void)
{
    fprintf(stderr,
            "usage: sniff [-i IFACE] [-c COUNT] [-x] [-w FILE] [-v] [-n] [FILTER...]\n"
            "  -i IFACE  capture on IFACE only (default: every interface)\n"
            "  -c COUNT  stop after COUNT frames that match the filter\n"
            "  -x        print each frame in hex after its line\n"
            "  -w FILE   write frames to FILE (pcap) instead of printing them\n"
            "  -v        with -w, print the lines too\n"
            "  -n        accepted for tcpdump's users: names are never resolved\n"
            "  FILTER    arp, ip, icmp, udp, tcp, [udp|tcp] port N, [src|dst] host A.B.C.D,\n"
            "            combined with not, and, or and parentheses\n");
    exit(2);
}

static unsigned long parse_count(const char *text)
{
    char *end;
    errno = 0;
    unsigned long count = strtoul(text, &end, 10);
    if (!isdigit((unsigned char)text[0]) || *end != '\0' || errno != 0 || count == 0) {
        fprintf(stderr, "sniff: -c wants a positive number, got '%s'\n", text);
        usage();
    }
    return count;
}

static void parse_options(struct options *options, int argc, char **argv)
{
    int option;
    /* The leading ':' makes getopt quiet, so messages name "sniff", not argv[0]. */
    while ((option = getopt(argc, argv, ":i:c:xw:vn")) != -1) {
        switch (option) {
        case 'i': options->interface = optarg; break;
        case 'c': options->count = parse_count(optarg); break;
        case 'x': options->hex_dump = true; break;
        case 'w': options->pcap_path = optarg; break;
        case 'v': options->verbose = true; break;
        case 'n': break;
        case ':':
            fprintf(stderr, "sniff: -%c needs an argument\n", optopt);
            usage();
        default:
            fprintf(stderr, "sniff: unknown option -%c\n", optopt);
            usage();
        }
    }
    char error[160];
    if (!filter_parse(&options->filter, argc - optind, argv + optind, error, sizeof error)) {
        fprintf(stderr, "sniff: bad filter: %s\n", error);
        usage();
    }
}

/* The direction marks of tcpdump -i any, from sll_pkttype (packet(7)). */
static const char *direction_name(int direction)
{
    switch (direction) {
    case PACKET_HOST:      return "In";
    case PACKET_BROADCAST: return "B";
    case PACKET_MULTICAST: return "M";
    case PACKET_OTHERHOST: return "P";
    case PACKET_OUTGOING:  return "Out";
    default:               return "?";
    }
}

static void print_frame(const uint8_t *frame, const struct captured_frame *info,
                        bool hex_dump)
{
    struct tm local;
    localtime_r(&info->when.tv_sec, &local);
    printf("%02d:%02d:%02d.%06ld %s ", local.tm_hour, local.tm_min, local.tm_sec,
           info->when.tv_nsec / 1000, direction_name(info->direction));
    decode_eth(stdout, frame, info->captured);
    putchar('\n');
    if (hex_dump)
        print_hex_dump(stdout, frame, info->captured);
}

/* Does nothing: the EINTR it causes in capture_next's ppoll is the message. */
static void on_stop_signal(int signal)
{
    (void)signal;
}

/*
 * SIGINT and SIGTERM stay blocked except while waiting for a frame, so one
 * never interrupts a half-written line or pcap record; `wait_mask` is the
 * mask to wait with.
 */
static void catch_stop_signals(sigset_t *wait_mask)
{
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop_signals, wait_mask);
    sigdelset(wait_mask, SIGINT);
    sigdelset(wait_mask, SIGTERM);

    struct sigaction action = { .sa_handler = on_stop_signal };
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

int main(int argc, char **argv)
{
    static struct options options;
    static uint8_t frame[PCAP_SNAPLEN];
    parse_options(&options, argc, argv);

    sigset_t wait_mask;
    catch_stop_signals(&wait_mask);
    struct capture capture;
    if (!capture_open(&capture, options.interface))
        return 1;
    FILE *pcap = NULL;
    if (options.pcap_path && !(pcap = pcap_open(options.pcap_path))) {
        fprintf(stderr, "sniff: %s: %s\n", options.pcap_path, strerror(errno));
        return 1;
    }
    bool print_lines = !pcap || options.verbose;
    /* Whole lines at once, so that a reader of a pipe sees each frame as it comes. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    /* Tests wait for this line before they send anything. */
    fprintf(stderr, "listening on %s, link-type EN10MB (Ethernet), snapshot length %d bytes\n",
            options.interface ? options.interface : "any", PCAP_SNAPLEN);

    unsigned long matched = 0;
    int status = 0;
    while (options.count == 0 || matched < options.count) {
        struct captured_frame info;
        enum capture_result result = capture_next(&capture, frame, sizeof frame, &wait_mask,
                                                  &info);
        if (result == CAPTURE_INTERRUPTED)
            break;
        if (result == CAPTURE_ERROR) {
            status = 1;
            break;
        }
        if (!filter_match(&options.filter, frame, info.captured))
            continue;
        matched++;
        if (pcap && !pcap_write(pcap, &info.when, frame, info.captured, info.length)) {
            fprintf(stderr, "sniff: %s: %s\n", options.pcap_path, strerror(errno));
            status = 1;
            break;
        }
        if (print_lines)
            print_frame(frame, &info, options.hex_dump);
    }
    if (pcap && !pcap_close(pcap)) {
        fprintf(stderr, "sniff: %s: %s\n", options.pcap_path, strerror(errno));
        status = 1;
    }
    fprintf(stderr, "%lu packet%s captured\n", matched, matched == 1 ? "" : "s");
    return status;
}
