/*
 * Host unit tests of netif/: pbufs and queues, counters and their
 * /proc/net/snmp text, net timers on the virtual clock, interface
 * registration, taps, the receive backlog, loopback, and ip= parsing.
 * Prints "ok"/"not ok" lines (TAP style); exits 1 if any check failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include "../host_stack.h"
#include "../../loopback.h"
#include "../../counters.h"
#include "../../boot_config.h"
#include "../../../eth/eth.h"

static int failures, checks;

#define CHECK(condition)                                                              \
    do {                                                                              \
        checks++;                                                                     \
        if (condition) {                                                              \
            printf("ok %d - %s\n", checks, #condition);                               \
        } else {                                                                      \
            failures++;                                                               \
            printf("not ok %d - %s (%s:%d)\n", checks, #condition, __FILE__, __LINE__); \
        }                                                                             \
    } while (0)

static uint32_t address(int a, int b, int c, int d)
{
    return net_htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | (uint32_t)d);
}

static void test_pbuf(void)
{
    size_t baseline = pbuf_count();
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, 10);
    CHECK(p && pbuf_count() == baseline + 1);
    CHECK(pbuf_headroom(p) == PBUF_TRANSPORT_HEADROOM && pbuf_length(p) == 10);
    CHECK(p->l2_offset == PBUF_OFFSET_UNSET && p->l3_offset == PBUF_OFFSET_UNSET);
    memset(p->data, 0xab, 10);
    CHECK(pbuf_push(p, 8) == p->data && pbuf_length(p) == 18);
    CHECK(pbuf_push(p, PBUF_TRANSPORT_HEADROOM) == NULL && pbuf_length(p) == 18);
    CHECK(pbuf_pull(p, 19) == NULL && pbuf_length(p) == 18);
    CHECK(pbuf_pull(p, 8) != NULL && pbuf_length(p) == 10);
    CHECK(pbuf_append(p, 1) == NULL);   /* no tailroom: data..tail = length */
    pbuf_mark_l4(p);
    CHECK(pbuf_l4(p) == p->data);
    pbuf_trim(p, 4);
    CHECK(pbuf_length(p) == 4);
    pbuf_trim(p, 40);   /* never grows */
    CHECK(pbuf_length(p) == 4);

    struct pbuf *copy = pbuf_copy(p);
    CHECK(copy && copy != p && copy->ref == 1 && pbuf_length(copy) == 4);
    CHECK(pbuf_headroom(copy) == pbuf_headroom(p) && copy->l4_offset == p->l4_offset);
    CHECK(copy->data[0] == 0xab && copy->data != p->data);
    pbuf_get(p);
    pbuf_put(p);
    CHECK(pbuf_count() == baseline + 2 && p->ref == 1);
    pbuf_put(p);
    pbuf_put(copy);
    CHECK(pbuf_count() == baseline);

    struct pbuf *raw = pbuf_alloc(PBUF_RAW, 1526);
    CHECK(raw && pbuf_headroom(raw) == 0 && pbuf_length(raw) == 1526);
    pbuf_put(raw);
    CHECK(pbuf_alloc(PBUF_APPLICATION, 0x10000) == NULL);   /* offsets are 16 bits */
    CHECK(pbuf_count() == baseline);
}

static void test_pbuf_queue(void)
{
    size_t baseline = pbuf_count();
    struct pbuf_queue queue;
    pbuf_queue_init(&queue, 100);
    struct pbuf *a = pbuf_alloc(PBUF_RAW, 60), *b = pbuf_alloc(PBUF_RAW, 60),
                *c = pbuf_alloc(PBUF_RAW, 1);
    CHECK(pbuf_queue_peek(&queue) == NULL && pbuf_queue_pop(&queue) == NULL);
    CHECK(pbuf_queue_push(&queue, a) && a->ref == 2);
    CHECK(pbuf_queue_push(&queue, b));      /* 60 < 100: one more fits, whatever its size */
    CHECK(!pbuf_queue_push(&queue, c) && c->ref == 1);   /* 120 >= 100: full */
    CHECK(queue.count == 2 && queue.bytes == 120);
    CHECK(pbuf_queue_peek(&queue) == a);
    struct pbuf *first = pbuf_queue_pop(&queue);
    CHECK(first == a && queue.count == 1 && queue.bytes == 60);
    pbuf_put(first);
    /* The same pbuf on two queues at once. */
    struct pbuf_queue other;
    pbuf_queue_init(&other, 1000);
    CHECK(pbuf_queue_push(&other, b) && b->ref == 3);
    pbuf_queue_clear(&queue);
    pbuf_queue_clear(&other);
    CHECK(queue.count == 0 && queue.bytes == 0 && b->ref == 1);
    pbuf_put(a);
    pbuf_put(b);
    pbuf_put(c);
    CHECK(pbuf_count() == baseline);
}

/* Every section is a line of names and a line of values, as in Linux's /proc/net/snmp. */
static void test_counters(void)
{
    static char text[8192];
    CHECK(net_counter_by_name("Ip", "Forwarding") == 2);
    CHECK(net_counter_by_name("Ip", "DefaultTTL") == 64);
    CHECK(net_counter_by_name("Ip", "NoSuchCounter") == -1);
    CHECK(net_counter_by_name("Udp", "Forwarding") == -1);
    int64_t before = net_counter_by_name("Udp", "NoPorts");
    NET_COUNT(UDP_NO_PORTS);
    CHECK(net_counter_by_name("Udp", "NoPorts") == before + 1);

    size_t length = net_counters_format(text, sizeof(text));
    CHECK(length == strlen(text) && length > 0 && text[length - 1] == '\n');
    CHECK(!strncmp(text, "Ip: Forwarding DefaultTTL InReceives InHdrErrors", 48));
    const char *values = strchr(text, '\n') + 1;
    CHECK(!strncmp(values, "Ip: 2 64 ", 9));
    /* Pairs of lines with the same prefix and the same number of fields. */
    const char *expected_sections[] = { "Ip:", "Icmp:", "Tcp:", "Udp:", "UdpLite:" };
    const char *line = text;
    bool pairs_match = true;
    for (size_t s = 0; s < ARRAY_SIZE(expected_sections); s++) {
        if (!strncmp(line, "IcmpMsg:", 8))   /* there once an ICMP message was counted */
            line = strchr(strchr(line, '\n') + 1, '\n') + 1;
        const char *second = strchr(line, '\n') + 1;
        const char *after = strchr(second, '\n') + 1;
        size_t prefix = strlen(expected_sections[s]);
        int names = 0, numbers = 0;
        for (const char *x = line; x < second; x++)
            names += *x == ' ';
        for (const char *x = second; x < after; x++)
            numbers += *x == ' ';
        if (strncmp(line, expected_sections[s], prefix) || strncmp(second, expected_sections[s], prefix) ||
            names != numbers)
            pairs_match = false;
        line = after;
    }
    CHECK(pairs_match && *line == '\0');   /* and no Eth: or Arp: lines after them */

    /* Linux's four constant Tcp columns come first; MaxConn prints as -1. */
    const char *tcp = strstr(text, "\nTcp: RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens");
    CHECK(tcp && !strncmp(strchr(tcp + 1, '\n') + 1, "Tcp: 1 ", 7));
    CHECK(tcp && strstr(strchr(tcp + 1, '\n') + 1, " -1 "));

    /* netstat: every TcpExt column Linux has, a counted one in its place (the 4th). */
    int64_t embryonic = net_counter_by_name("TcpExt", "EmbryonicRsts");
    NET_COUNT(TCPEXT_EMBRYONIC_RSTS);
    net_netstat_format(text, sizeof(text));
    CHECK(!strncmp(text, "TcpExt: SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts ", 69));
    long long fourth = -1;
    CHECK(sscanf(strchr(text, '\n') + 1, "TcpExt: %*d %*d %*d %lld", &fourth) == 1 &&
          fourth == embryonic + 1);
    CHECK(strstr(text, "\nIpExt: InNoRoutes InTruncatedPkts") && strstr(text, "\nMPTcpExt: "));

    /* Strata's own sections, in /proc/net/snmp_link. */
    net_link_counters_format(text, sizeof(text));
    CHECK(!strncmp(text, "Eth: InFrames InTooShort", 24) && strstr(text, "\nArp: InRequests"));

    char small[20];
    size_t truncated = net_counters_format(small, sizeof(small));
    CHECK(truncated == sizeof(small) - 1 && small[truncated] == '\0');
    CHECK(!strncmp(small, "Ip: Forwarding Defa", 19));
}

static uint64_t fired_at[8];
static int fired_order[8], fired_count;
static struct net_timer timers[4];

static void timer_fired(void *argument)
{
    int which = (int)(intptr_t)argument;
    fired_at[which] = net_now_ms();
    fired_order[fired_count++] = which;
    static bool restarted;
    if (which == 2 && !restarted) {   /* restarts itself once from its callback */
        restarted = true;
        net_timer_start(&timers[2], 5, timer_fired, argument);
    }
}

static void test_timers(void)
{
    uint64_t start = net_now_ms();
    net_timer_start(&timers[0], 30, timer_fired, (void *)0);
    net_timer_start(&timers[1], 10, timer_fired, (void *)1);
    net_timer_start(&timers[2], 20, timer_fired, (void *)2);
    net_timer_start(&timers[3], 10, timer_fired, (void *)3);
    CHECK(timers[0].armed && fired_count == 0);
    net_timer_cancel(&timers[0]);
    CHECK(!timers[0].armed);
    net_host_clock_advance(9);
    CHECK(fired_count == 0);
    net_host_clock_advance(16);   /* to start + 25 */
    CHECK(fired_count == 4 && fired_order[0] == 1 && fired_order[1] == 3 && fired_order[2] == 2);
    CHECK(fired_at[1] == start + 10 && fired_at[2] == start + 25 && fired_order[3] == 2);
    CHECK(net_now_ms() == start + 25 && !timers[2].armed);
    /* Restarting an armed timer moves it. */
    net_timer_start(&timers[1], 100, timer_fired, (void *)1);
    net_timer_start(&timers[1], 1, timer_fired, (void *)1);
    net_host_clock_advance(1);
    CHECK(fired_count == 5 && fired_at[1] == start + 26);
    net_host_clock_advance(1000);
    CHECK(fired_count == 5 && !timers[0].armed);
}

struct counting_tap {
    struct netif_tap tap;
    int frames[5];               /* by enum pbuf_packet_type */
    struct pbuf *kept;
};

static void tap_frame(struct netif_tap *tap, struct netif *netif, struct pbuf *frame)
{
    struct counting_tap *counting = container_of(tap, struct counting_tap, tap);
    counting->frames[frame->packet_type]++;
    if (!counting->kept) {
        pbuf_get(frame);
        counting->kept = frame;
    }
}

static void ethernet_frame(uint8_t *frame, const uint8_t destination[6], const uint8_t source[6])
{
    memset(frame, 0, 60);
    memcpy(frame, destination, 6);
    memcpy(frame + 6, source, 6);
    frame[12] = 0x88;   /* 0x88b5: IEEE 802 local experimental, nobody's protocol */
    frame[13] = 0xb5;
}

static void test_netif(void)
{
    size_t baseline = pbuf_count();
    static const uint8_t our_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    static const uint8_t peer_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x02 };
    static const uint8_t other_mac[6] = { 0x52, 0x54, 0x00, 0x00, 0x00, 0x03 };
    static const uint8_t broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    static const uint8_t multicast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

    CHECK(loopback_init() == 0);
    struct netif *lo = netif_by_name("lo");
    struct netif *eth = fake_netif_create("eth0", our_mac);
    CHECK(lo && lo->index == 1 && lo == loopback_netif() && eth->index == 2);
    CHECK(netif_by_index(2) == eth && netif_by_index(3) == NULL && netif_by_name("eth1") == NULL);
    CHECK(lo->type == NETIF_TYPE_LOOPBACK && (netif_flags(lo) & (NETIF_LOOPBACK | NETIF_UP | NETIF_RUNNING)) ==
          (NETIF_LOOPBACK | NETIF_UP | NETIF_RUNNING));
    static const struct netif_operations no_operations;
    struct netif duplicate = { .name = "eth0", .ops = eth->ops, .output = eth->output };
    CHECK(netif_register(&duplicate) == -EEXIST);
    struct netif nameless = { .ops = eth->ops, .output = eth->output };
    struct netif no_driver = { .name = "eth9", .ops = &no_operations, .output = eth->output };
    struct netif no_output = { .name = "eth9", .ops = eth->ops };   /* IP could not send */
    CHECK(netif_register(&nameless) == -EINVAL && netif_register(&no_driver) == -EINVAL);
    CHECK(netif_register(&no_output) == -EINVAL && netif_by_name("eth9") == NULL);

    struct counting_tap tap = { .tap.frame = tap_frame };
    netif_tap_add(&tap.tap);
    uint8_t frame[60];

    /* Received: classified for the taps by destination, then to eth_input. */
    ethernet_frame(frame, our_mac, peer_mac);
    fake_netif_inject(eth, frame, sizeof(frame));
    ethernet_frame(frame, broadcast, peer_mac);
    fake_netif_inject(eth, frame, sizeof(frame));
    ethernet_frame(frame, multicast, peer_mac);
    fake_netif_inject(eth, frame, sizeof(frame));
    ethernet_frame(frame, other_mac, peer_mac);
    fake_netif_inject(eth, frame, sizeof(frame));
    CHECK(tap.frames[PBUF_TO_US] == 1 && tap.frames[PBUF_BROADCAST] == 1);
    CHECK(tap.frames[PBUF_MULTICAST] == 1 && tap.frames[PBUF_OTHER_HOST] == 1);
    CHECK(eth->statistics.receive_packets == 4 && eth->statistics.receive_bytes == 240);
    CHECK(tap.kept && tap.kept->netif == eth && tap.kept->ref == 1);   /* the stack let go */
    pbuf_put(tap.kept);
    tap.kept = NULL;

    /* Transmitted: taps see it as outgoing, then the driver has it. */
    struct pbuf *out = pbuf_alloc(PBUF_LINK, 60);
    ethernet_frame(out->data, peer_mac, our_mac);
    CHECK(netif_transmit(eth, out) == 0);
    CHECK(tap.frames[PBUF_OUTGOING] == 1 && eth->statistics.transmit_packets == 1 &&
          eth->statistics.transmit_bytes == 60);
    struct pbuf *sent = fake_netif_next_transmitted();
    CHECK(sent == out && sent->netif == eth && !memcmp(sent->data, peer_mac, 6));
    CHECK(fake_netif_next_transmitted() == NULL);
    pbuf_put(sent);
    pbuf_put(tap.kept);
    tap.kept = NULL;

    /* A failing driver: the frame is consumed all the same (pbuf.h's
     * ownership rule), the drop is counted. */
    fake_netif_fail_transmit(-ENOBUFS);
    out = pbuf_alloc(PBUF_LINK, 60);
    CHECK(netif_transmit(eth, out) == -ENOBUFS && eth->statistics.transmit_dropped == 1);
    CHECK(tap.kept == out && out->ref == 1);   /* only the tap's reference is left */
    fake_netif_fail_transmit(0);
    pbuf_put(tap.kept);
    tap.kept = NULL;

    /* A down interface neither sends nor receives; what it refused to send
     * is consumed. */
    eth->flags &= ~(uint32_t)NETIF_UP;
    size_t before_down = pbuf_count();
    out = pbuf_alloc(PBUF_LINK, 60);
    CHECK(netif_transmit(eth, out) == -ENETDOWN && eth->statistics.transmit_dropped == 2);
    CHECK(pbuf_count() == before_down && tap.kept == NULL);
    uint64_t dropped = eth->statistics.receive_dropped;
    fake_netif_inject(eth, frame, sizeof(frame));
    CHECK(eth->statistics.receive_dropped == dropped + 1);
    eth->flags |= NETIF_UP;

    /* The backlog is bounded: frames beyond it are dropped and counted. */
    netif_tap_remove(&tap.tap);
    dropped = eth->statistics.receive_dropped;
    for (int i = 0; i < 300; i++) {
        struct pbuf *in = pbuf_alloc(PBUF_RAW, sizeof(frame));
        memcpy(in->data, frame, sizeof(frame));
        netif_receive(eth, in);
    }
    CHECK(eth->statistics.receive_dropped == dropped + 300 - 256);
    CHECK(net_host_poll() == 256);

    /* Loopback: what lo sends comes back in, shown to taps both ways. */
    struct counting_tap lo_tap = { .tap.frame = tap_frame };
    netif_tap_add(&lo_tap.tap);
    out = pbuf_alloc(PBUF_LINK, 60);
    ethernet_frame(out->data, eth_zero_address, eth_zero_address);
    CHECK(netif_transmit(lo, out) == 0);
    CHECK(lo_tap.frames[PBUF_OUTGOING] == 1 && lo_tap.frames[PBUF_TO_US] == 0);
    net_host_poll();
    CHECK(lo_tap.frames[PBUF_TO_US] == 1);
    CHECK(lo->statistics.transmit_packets == 1 && lo->statistics.receive_packets == 1 &&
          lo->statistics.receive_bytes == 60);
    /* The tap's reference to the outgoing frame was not moved by input. */
    CHECK(lo_tap.kept && lo_tap.kept->packet_type == PBUF_OUTGOING && pbuf_length(lo_tap.kept) == 60);
    pbuf_put(lo_tap.kept);
    netif_tap_remove(&lo_tap.tap);

    /* Promiscuous mode is counted. */
    netif_promiscuous(eth, true);
    netif_promiscuous(eth, true);
    netif_promiscuous(eth, false);
    CHECK((eth->flags & NETIF_PROMISC) && eth->promiscuous_users == 1);
    netif_promiscuous(eth, false);
    netif_promiscuous(eth, false);
    CHECK(!(eth->flags & NETIF_PROMISC) && eth->promiscuous_users == 0);

    fake_netif_clear_transmitted();
    CHECK(pbuf_count() == baseline);
}

static void test_boot_config(void)
{
    struct boot_config config;
    CHECK(boot_config_parse("console=ttyAMA0 quiet", &config) == 0);
    CHECK(config.configure && config.address == address(10, 0, 2, 15) &&
          config.netmask == address(255, 255, 255, 0) && config.gateway == address(10, 0, 2, 2) &&
          config.device[0] == '\0');
    CHECK(boot_config_parse("ip=off", &config) == 0 && !config.configure);
    CHECK(boot_config_parse("a ip=dhcp b", &config) == 0 && !config.configure);
    CHECK(boot_config_parse("ip=192.168.7.9::192.168.7.1:255.255.255.128:box:eth1:off", &config) == 0);
    CHECK(config.configure && config.address == address(192, 168, 7, 9) &&
          config.gateway == address(192, 168, 7, 1) && config.netmask == address(255, 255, 255, 128) &&
          !strcmp(config.device, "eth1"));
    /* No netmask: the classful one, as Linux's ipconfig; no gateway: none. */
    CHECK(boot_config_parse("ip=10.1.2.3", &config) == 0 && config.configure &&
          config.netmask == address(255, 0, 0, 0) && config.gateway == 0);
    CHECK(boot_config_parse("ip=172.16.0.5", &config) == 0 && config.netmask == address(255, 255, 0, 0));
    CHECK(boot_config_parse("ip=10.0.0.1:::::eth0:dhcp", &config) == 0 && !config.configure);
    CHECK(boot_config_parse("ip=:::::eth0:", &config) == 0 && !config.configure);
    CHECK(boot_config_parse("ip=off ip=10.9.8.7", &config) == 0 && config.configure &&
          config.address == address(10, 9, 8, 7));
    config.address = 1;
    CHECK(boot_config_parse("ip=300.1.1.1", &config) == -EINVAL && config.address == 1);
    CHECK(boot_config_parse("ip=1.2.3", &config) == -EINVAL);
    CHECK(boot_config_parse("ip=1.2.3.4.5", &config) == -EINVAL);
    CHECK(boot_config_parse("ip=1.2.3.4:::255.0.255.0", &config) == -EINVAL);
    CHECK(boot_config_parse("ip=1.2.3.4:::::averyveryverylongname", &config) == -EINVAL);
}

int main(void)
{
    test_pbuf();
    test_pbuf_queue();
    test_counters();
    test_timers();
    test_netif();
    test_boot_config();
    printf("1..%d\n", checks);
    return failures ? 1 : 0;
}
