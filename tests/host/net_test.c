/* Helpers for the protocol layers' host unit tests (net_test.h). */
#include <sys/wait.h>
#include <unistd.h>
#include "net_test.h"
#include "netif/loopback.h"
#include "eth/eth.h"
#include "arp/arp.h"
#include "ip/ip.h"
#include "icmp/icmp.h"
#include "igmp/igmp.h"
#include "udp/udp.h"
#include "user/sniff/decode.h"

/*
 * The step trace: a packet tap (netif.h) that keeps a copy of the last
 * frames every interface received or sent, so that a failed check can show
 * the conversation up to the failure.  Frames longer than FRAME_LOG_BYTES
 * are kept cut (the decoder then notes them truncated).
 */
#define FRAME_LOG_SIZE 40
#define FRAME_LOG_BYTES 1600
static struct logged_frame {
    uint64_t time_ms;
    bool outgoing;
    char netif[NETIF_NAME_SIZE];
    size_t length;
    uint8_t bytes[FRAME_LOG_BYTES];
} frame_log[FRAME_LOG_SIZE];
static size_t frames_logged;

/*
 * When NET_TEST_PCAP names a file, every frame the tap sees is also written
 * there (pcap, linktype Ethernet, the virtual time as timestamp), with an
 * index beside it (the same path with .frames for .pcap): one line per
 * frame, "NUMBER DIRECTION NETIF", the format of the pcap fixtures' index
 * (pcap_tests/harness/recorder.h) with the interface as the role, since a
 * pcap has no field that says which way a frame went.  The lab grader sets
 * it, and draws the conversation from these files in its HTML report.
 */
#define PCAP_MAGIC 0xa1b2c3d4u
#define PCAP_LINKTYPE_ETHERNET 1
static FILE *pcap_file, *pcap_index;

static void write_u32(FILE *file, uint32_t value)
{
    fwrite(&value, sizeof(value), 1, file);
}

static void open_pcap(void)
{
    const char *path = getenv("NET_TEST_PCAP");
    if (pcap_file || !path || !*path)
        return;
    char index_path[4096];
    size_t stem = strlen(path);
    if (stem > 5 && !strcmp(path + stem - 5, ".pcap"))
        stem -= 5;
    snprintf(index_path, sizeof(index_path), "%.*s.frames", (int)stem, path);
    pcap_file = fopen(path, "wb");
    pcap_index = fopen(index_path, "w");
    if (!pcap_file || !pcap_index) {
        fprintf(stderr, "NET_TEST_PCAP: cannot write %s or %s\n", path, index_path);
        exit(1);
    }
    /* The pcap global header, in this host's byte order (the magic says which). */
    write_u32(pcap_file, PCAP_MAGIC);
    fwrite(&(uint16_t){ 2 }, 2, 1, pcap_file);
    fwrite(&(uint16_t){ 4 }, 2, 1, pcap_file);
    write_u32(pcap_file, 0);
    write_u32(pcap_file, 0);
    write_u32(pcap_file, FRAME_LOG_BYTES);
    write_u32(pcap_file, PCAP_LINKTYPE_ETHERNET);
}

static void write_pcap_frame(const struct logged_frame *entry, size_t length)
{
    if (!pcap_file)
        return;
    write_u32(pcap_file, (uint32_t)(entry->time_ms / 1000));
    write_u32(pcap_file, (uint32_t)(entry->time_ms % 1000 * 1000));
    write_u32(pcap_file, (uint32_t)entry->length);
    write_u32(pcap_file, (uint32_t)length);
    fwrite(entry->bytes, 1, entry->length, pcap_file);
    fprintf(pcap_index, "%zu %s %s\n", frames_logged, entry->outgoing ? "from-guest" : "to-guest",
            entry->netif);
    /* Flushed at once: a failed check ends the process with exit(), a
     * crash under ASan may not. */
    fflush(pcap_file);
    fflush(pcap_index);
}

static void log_frame(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    struct logged_frame *entry = &frame_log[frames_logged++ % FRAME_LOG_SIZE];
    entry->time_ms = net_now_ms();
    entry->outgoing = frame->packet_type == PBUF_OUTGOING;
    memcpy(entry->netif, netif->name, NETIF_NAME_SIZE);
    entry->length = MIN(pbuf_length(frame), (size_t)FRAME_LOG_BYTES);
    memcpy(entry->bytes, frame->data, entry->length);
    write_pcap_frame(entry, pbuf_length(frame));
}

static struct netif_tap frame_logger = { .frame = log_frame };

void net_test_fail(void)
{
    size_t first = frames_logged > FRAME_LOG_SIZE ? frames_logged - FRAME_LOG_SIZE : 0;
    fprintf(stderr, "frames up to the failure (> received by the stack, < sent by it; "
                    "virtual time):\n");
    if (!frames_logged)
        fprintf(stderr, "  none\n");
    if (first)
        fprintf(stderr, "  (%zu earlier frames not shown)\n", first);
    for (size_t i = first; i < frames_logged; i++) {
        const struct logged_frame *entry = &frame_log[i % FRAME_LOG_SIZE];
        fprintf(stderr, "  %3zu %8.3fs %s %s ", i + 1, entry->time_ms / 1000.0, entry->netif,
                entry->outgoing ? "<" : ">");
        decode_eth(stderr, entry->bytes, entry->length);
        fprintf(stderr, "\n");
    }
    exit(1);
}

const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
const uint8_t peer_mac[6] = { 0x52, 0x55, 0x0a, 0x00, 0x02, 0x02 };
struct netif *eth0, *lo;

void check_bytes(const char *file, int line, const uint8_t *actual, const uint8_t *expected,
                 size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (actual[i] != expected[i]) {
            fprintf(stderr, "%s:%d: byte %zu is 0x%02x, expected 0x%02x\n", file, line, i,
                    actual[i], expected[i]);
            net_test_fail();
        }
    }
}

/* docs/design.md: after each test the pbuf count is back to its baseline (none),
 * once every timer has run out and the captured frames are let go. */
static void check_no_leak(void)
{
    net_host_clock_advance(600000);
    fake_netif_clear_transmitted();
    if (pbuf_count() != 0) {
        fprintf(stderr, "%zu pbuf%s leaked: a function that takes a pbuf must consume it "
                        "(pbuf_put or pass it on) on every path, netif/pbuf.h\n",
                pbuf_count(), pbuf_count() == 1 ? "" : "s");
        net_test_fail();
    }
}

/* Runs one test in a child process: true when it passed. */
static bool run_one(const struct net_test *test)
{
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        /* The test is the network context, as a system call holding the
         * lock is in the kernel (host_stack.h). */
        net_lock();
        test->run();
        check_no_leak();
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static const struct net_test *find_test(const struct net_test *tests, size_t count,
                                        const char *name)
{
    for (size_t i = 0; i < count; i++)
        if (!strcmp(tests[i].name, name))
            return &tests[i];
    return NULL;
}

int net_test_run_all(const struct net_test *tests, size_t count, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!find_test(tests, count, argv[i])) {
            fprintf(stderr, "%s: no test named %s; the tests are:\n", argv[0], argv[i]);
            for (size_t j = 0; j < count; j++)
                fprintf(stderr, "  %s\n", tests[j].name);
            return 2;
        }
    }
    size_t chosen = argc > 1 ? (size_t)argc - 1 : count;
    int failures = 0;
    printf("1..%zu\n", chosen);
    for (size_t i = 0; i < chosen; i++) {
        const struct net_test *test = argc > 1 ? find_test(tests, count, argv[i + 1]) : &tests[i];
        bool passed = run_one(test);
        printf("%s %zu - %s\n", passed ? "ok" : "not ok", i + 1, test->name);
        failures += !passed;
    }
    return failures ? 1 : 0;
}

void stack_setup(void)
{
    open_pcap();
    netif_tap_add(&frame_logger);
    arp_init();
    ip_init();
    icmp_init();
    igmp_init();
    udp_init();
    CHECK_EQUAL(loopback_init(), 0);
    lo = loopback_netif();
    eth0 = fake_netif_create("eth0", our_mac);
    CHECK_EQUAL(ip_address_set(lo, ADDRESS(127, 0, 0, 1), ADDRESS(255, 0, 0, 0)), 0);
    CHECK_EQUAL(ip_address_set(eth0, OUR_ADDRESS, NETMASK), 0);
    fake_netif_clear_transmitted();
    memset(net_counters, 0, sizeof(net_counters));   /* tests count from here */
}

struct pbuf *next_frame(void)
{
    struct pbuf *frame = fake_netif_next_transmitted();
    CHECK(frame != NULL);
    return frame;
}

void check_no_frame(void)
{
    CHECK_EQUAL(fake_netif_transmitted_count(), 0);
}

void learn_peer(void)
{
    uint8_t arp[28] = { 0, 1, 8, 0, 6, 4, 0, 2 };
    memcpy(arp + 8, peer_mac, 6);
    memcpy(arp + 14, &(uint32_t){ PEER_ADDRESS }, 4);
    memcpy(arp + 18, our_mac, 6);
    memcpy(arp + 24, &(uint32_t){ OUR_ADDRESS }, 4);
    uint8_t frame[64];
    size_t length = build_eth(frame, our_mac, peer_mac, ETH_TYPE_ARP, arp, sizeof(arp));
    fake_netif_inject(eth0, frame, length);
}

struct pbuf *first_outgoing;

void keep_first_outgoing(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    if (!first_outgoing && frame->packet_type == PBUF_OUTGOING) {
        pbuf_get(frame);
        first_outgoing = frame;
    }
}

uint16_t test_checksum(uint32_t sum, const void *data, size_t length)
{
    const uint8_t *bytes = data;
    uint64_t total = sum;
    for (size_t i = 0; i + 1 < length; i += 2)
        total += (uint32_t)bytes[i] << 8 | bytes[i + 1];
    if (length & 1)
        total += (uint32_t)bytes[length - 1] << 8;
    while (total >> 16)
        total = (total & 0xffff) + (total >> 16);
    return net_htons((uint16_t)~total);
}

size_t build_eth(uint8_t *out, const uint8_t destination[6], const uint8_t source[6],
                 uint16_t type, const void *payload, size_t length)
{
    memcpy(out, destination, 6);
    memcpy(out + 6, source, 6);
    out[12] = (uint8_t)(type >> 8);
    out[13] = (uint8_t)type;
    memcpy(out + 14, payload, length);
    return 14 + length;
}

size_t build_ip(uint8_t *out, uint32_t source, uint32_t destination, uint8_t protocol,
                uint16_t identification, uint16_t flags_and_offset, uint8_t ttl,
                const void *payload, size_t length)
{
    out[0] = 0x45;
    out[1] = 0;
    out[2] = (uint8_t)((20 + length) >> 8);
    out[3] = (uint8_t)(20 + length);
    out[4] = (uint8_t)(identification >> 8);
    out[5] = (uint8_t)identification;
    out[6] = (uint8_t)(flags_and_offset >> 8);
    out[7] = (uint8_t)flags_and_offset;
    out[8] = ttl;
    out[9] = protocol;
    out[10] = out[11] = 0;
    memcpy(out + 12, &source, 4);
    memcpy(out + 16, &destination, 4);
    uint16_t checksum = test_checksum(0, out, 20);
    memcpy(out + 10, &checksum, 2);
    memcpy(out + 20, payload, length);
    return 20 + length;
}

uint32_t test_pseudo_header_sum(uint32_t source, uint32_t destination, uint8_t protocol,
                                size_t length)
{
    const uint8_t *s = (const uint8_t *)&source, *d = (const uint8_t *)&destination;
    return (uint32_t)(s[0] << 8 | s[1]) + (uint32_t)(s[2] << 8 | s[3]) +
           (uint32_t)(d[0] << 8 | d[1]) + (uint32_t)(d[2] << 8 | d[3]) + protocol +
           (uint32_t)length;
}

size_t build_udp(uint8_t *out, uint32_t source, uint32_t destination, uint16_t source_port,
                 uint16_t destination_port, const void *payload, size_t length,
                 bool with_checksum)
{
    size_t total = 8 + length;
    out[0] = (uint8_t)(source_port >> 8);
    out[1] = (uint8_t)source_port;
    out[2] = (uint8_t)(destination_port >> 8);
    out[3] = (uint8_t)destination_port;
    out[4] = (uint8_t)(total >> 8);
    out[5] = (uint8_t)total;
    out[6] = out[7] = 0;
    memcpy(out + 8, payload, length);
    if (with_checksum) {
        uint16_t checksum = test_checksum(test_pseudo_header_sum(source, destination, 17, total), out, total);
        if (checksum == 0)
            checksum = 0xffff;
        memcpy(out + 6, &checksum, 2);
    }
    return total;
}

size_t build_icmp(uint8_t *out, uint8_t type, uint8_t code, uint32_t rest, const void *payload,
                  size_t length)
{
    out[0] = type;
    out[1] = code;
    out[2] = out[3] = 0;
    out[4] = (uint8_t)(rest >> 24);
    out[5] = (uint8_t)(rest >> 16);
    out[6] = (uint8_t)(rest >> 8);
    out[7] = (uint8_t)rest;
    memcpy(out + 8, payload, length);
    uint16_t checksum = test_checksum(0, out, 8 + length);
    memcpy(out + 2, &checksum, 2);
    return 8 + length;
}

void inject_ip(const void *datagram, size_t length)
{
    uint8_t frame[2048];
    CHECK(length + 14 <= sizeof(frame));
    size_t frame_length = build_eth(frame, our_mac, peer_mac, ETH_TYPE_IP, datagram, length);
    fake_netif_inject(eth0, frame, frame_length);
}
