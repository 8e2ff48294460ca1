/* Helpers for TCP's host unit tests (tcp_test.h). */
#include "tcp_test.h"
#include "ip/ip.h"

void tcp_stack_setup(void)
{
    stack_setup();
    tcp_init();
    learn_peer();
    fake_netif_clear_transmitted();
    tcp_msl_ms = 1000;
    tcp_sack = 1;
    tcp_syncookies = 1;
    memset(net_counters, 0, sizeof(net_counters));
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }
uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] << 8 | p[1]; }
uint32_t get32(const uint8_t *p) { return get16(p) << 16 | get16(p + 2); }

size_t build_tcp(uint8_t *out, uint32_t source, uint32_t destination,
                 const struct test_segment *segment)
{
    size_t header_length = 20 + segment->options_length;
    put16(out, segment->source_port ? segment->source_port : PEER_PORT);
    put16(out + 2, segment->destination_port ? segment->destination_port : OUR_PORT);
    put32(out + 4, segment->seq);
    put32(out + 8, segment->ack);
    uint8_t words = segment->data_offset_words ? segment->data_offset_words
                                               : (uint8_t)(header_length / 4);
    out[12] = (uint8_t)(words << 4);
    out[13] = segment->flags;
    put16(out + 14, segment->window);
    put16(out + 16, 0);
    put16(out + 18, 0);
    if (segment->options_length)
        memcpy(out + 20, segment->options, segment->options_length);
    if (segment->length)
        memcpy(out + header_length, segment->payload, segment->length);
    size_t total = header_length + segment->length;
    uint16_t checksum = test_checksum(test_pseudo_header_sum(source, destination, 6, total), out, total);
    if (segment->corrupt_checksum)
        checksum ^= 0x0101;
    memcpy(out + 16, &checksum, 2);
    return total;
}

void inject_tcp(const struct test_segment *segment)
{
    uint8_t tcp[1600], datagram[1700];
    size_t length = build_tcp(tcp, PEER_ADDRESS, OUR_ADDRESS, segment);
    size_t total = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 6, 1, 0x4000, 64, tcp, length);
    inject_ip(datagram, total);
}

void expect_segment(struct captured *segment)
{
    struct pbuf *frame = next_frame();
    const uint8_t *data = frame->data;
    size_t length = pbuf_length(frame);
    CHECK(length >= 14 + 20 + 20);
    CHECK_EQUAL(get16(data + 12), 0x0800);
    const uint8_t *ip = data + 14;
    CHECK_EQUAL(ip[9], 6);
    CHECK_EQUAL(test_checksum(0, ip, 20), 0);
    uint32_t source, destination;
    memcpy(&source, ip + 12, 4);
    memcpy(&destination, ip + 16, 4);
    CHECK_EQUAL(source, OUR_ADDRESS);
    CHECK_EQUAL(destination, PEER_ADDRESS);
    size_t total = get16(ip + 2) - 20;
    const uint8_t *tcp = ip + 20;
    CHECK_EQUAL(test_checksum(test_pseudo_header_sum(source, destination, 6, total), tcp, total), 0);
    memset(segment, 0, sizeof(*segment));
    segment->source_port = (uint16_t)get16(tcp);
    segment->destination_port = (uint16_t)get16(tcp + 2);
    segment->seq = get32(tcp + 4);
    segment->ack = get32(tcp + 8);
    segment->header_length = (size_t)(tcp[12] >> 4) * 4;
    segment->flags = tcp[13];
    segment->window = (uint16_t)get16(tcp + 14);
    CHECK(segment->header_length >= 20 && segment->header_length <= total);
    memcpy(segment->header, tcp, segment->header_length);
    segment->options_length = segment->header_length - 20;
    memcpy(segment->options, tcp + 20, segment->options_length);
    segment->length = total - segment->header_length;
    CHECK(segment->length <= sizeof(segment->payload));
    memcpy(segment->payload, tcp + segment->header_length, segment->length);
    pbuf_put(frame);
}

void expect_flags(struct captured *segment, uint8_t flags, uint32_t seq, uint32_t ack)
{
    expect_segment(segment);
    CHECK_EQUAL(segment->flags, flags);
    CHECK_EQUAL(segment->seq, seq);
    if (flags & TCP_FLAG_ACK)
        CHECK_EQUAL(segment->ack, ack);
}

static struct tcp_pcb *listener;

struct tcp_pcb *test_listener(uint32_t backlog)
{
    listener = tcp_pcb_new();
    CHECK(listener != NULL);
    CHECK_EQUAL(tcp_bind(listener, IP_ADDRESS_ANY, net_htons(OUR_PORT)), 0);
    CHECK_EQUAL(tcp_listen(listener, backlog), 0);
    return listener;
}

struct tcp_pcb *test_listener_of_connections(void)
{
    return listener;
}

static struct tcp_pcb *establish_passive_with(const uint8_t *options, size_t options_length,
                                              uint16_t peer_window, uint32_t *our_isn)
{
    if (!listener)
        test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN,
                                       .window = peer_window, .options = options,
                                       .options_length = options_length });
    struct captured syn_ack;
    expect_segment(&syn_ack);
    CHECK_EQUAL(syn_ack.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
    CHECK_EQUAL(syn_ack.ack, PEER_ISN + 1);
    *our_isn = syn_ack.seq;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = *our_isn + 1,
                                       .flags = TCP_FLAG_ACK, .window = peer_window });
    struct tcp_pcb *child = tcp_accept(listener);
    CHECK(child != NULL);
    CHECK_EQUAL(child->state, TCP_ESTABLISHED);
    check_no_frame();
    return child;
}

struct tcp_pcb *establish_passive(uint16_t peer_mss, uint16_t peer_window, uint32_t *our_isn)
{
    uint8_t mss[4] = { 2, 4, (uint8_t)(peer_mss >> 8), (uint8_t)peer_mss };
    return establish_passive_with(mss, sizeof(mss), peer_window, our_isn);
}

struct tcp_pcb *establish_passive_sack(uint16_t peer_mss, uint16_t peer_window, uint32_t *our_isn)
{
    uint8_t options[8] = { 2, 4, (uint8_t)(peer_mss >> 8), (uint8_t)peer_mss, 1, 1, 4, 2 };
    struct tcp_pcb *child = establish_passive_with(options, sizeof(options), peer_window, our_isn);
    CHECK(child->sack_ok);
    return child;
}

size_t sack_option(uint8_t *out, const uint32_t (*blocks)[2], int count)
{
    out[0] = 1;
    out[1] = 1;
    out[2] = 5;
    out[3] = (uint8_t)(2 + 8 * count);
    for (int i = 0; i < count; i++) {
        put32(out + 4 + 8 * i, blocks[i][0]);
        put32(out + 8 + 8 * i, blocks[i][1]);
    }
    return 4 + 8 * (size_t)count;
}

void parse_sack_option(const struct captured *segment, uint32_t (*blocks)[2], int *count)
{
    *count = 0;
    for (size_t i = 0; i < segment->options_length;) {
        uint8_t kind = segment->options[i];
        if (kind == 1) {
            i++;
            continue;
        }
        CHECK(i + 1 < segment->options_length);
        uint8_t size = segment->options[i + 1];
        CHECK(size >= 2 && i + size <= segment->options_length);
        if (kind == 5) {
            CHECK_EQUAL((size - 2) % 8, 0);
            for (int b = 0; b < (size - 2) / 8 && *count < 4; b++, (*count)++) {
                blocks[*count][0] = get32(segment->options + i + 2 + 8 * b);
                blocks[*count][1] = get32(segment->options + i + 6 + 8 * b);
            }
        }
        i += size;
    }
}

int proc_net_tcp_entries(void)
{
    static char text[16384];
    tcp_pcb_format(text, sizeof(text));
    int lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    return lines - 1;
}
