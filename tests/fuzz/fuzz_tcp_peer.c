/*
 * Fuzz target (b): the fuzzer is the peer 10.0.2.2 of TCP connections, and
 * the target keeps each connection's sequence state so that segments land
 * where the stack looks (deep states: recovery, SACK, zero windows,
 * simultaneous close, TIME_WAIT) instead of being dropped at the checksum
 * or the window check.
 *
 * Four peer endpoints: ports 40000 to 40002 talk to a listener on 8080
 * (40000's connection is set up and accepted before the records run,
 * 40001 and 40002 start closed: the fuzzer may open them), and port 9000
 * answers a connection the stack opens at the start (SYN_SENT).  The
 * target is also the stack's application: it sends, reads, shuts down,
 * closes, aborts and accepts when the input says so.
 *
 * Input: one byte for the first connection's SYN options (bit 0 SACK
 * permitted, bit 1 window scale by the high nibble, bit 3 MSS 536 instead
 * of 1460), then records, each an operation byte (bits 0-2 the kind, bits
 * 3-4 the endpoint, bits 5-7 a segment's bases) and its arguments
 * (big-endian):
 *
 *   0, 1, 2, 6, 7  a segment: flags (1), seq offset (2, signed) from the
 *                  peer's next sequence number (bit 5: from the stack's
 *                  last ACK), ack offset (2, signed) from the highest
 *                  sequence number the stack sent (bit 6: from the peer's
 *                  last ACK, for duplicate ACKs), window (2), options
 *                  length (1, at most 40) and the options (bit 7: the
 *                  edges of SACK blocks are offsets from the peer's last
 *                  ACK), payload length (2, at most 1500; the bytes are a
 *                  pattern); kind 7's checksum is wrong
 *   3              a clock step (1): 0x80 | ms for up to 127 ms, else 2^n ms
 *   4              the application (1, modulo 9): send (2 more: length),
 *                  read all (and /proc/net/tcp), shutdown, close, abort, accept, TCP_NODELAY
 *                  on, SO_KEEPALIVE on, send with MSG_MORE (2 more)
 *   5              an ICMP error about the last segment the stack sent on
 *                  the endpoint: type (1), code (1), next-hop MTU (2)
 *
 * After each record the target asks every connection it holds what a
 * socket's poll and getsockopt(TCP_INFO) ask (readable bytes, send space,
 * end of stream, tcp_get_info).
 * An input ends with everything aborted and every timer run out; nothing
 * may leak (fuzz_stack.h).
 */
#include "fuzz_stack.h"
#include "ip/ip.h"

#define ENDPOINTS 4
#define ACTIVE_ENDPOINT 3           /* the connection the stack opens */
#define ACTIVE_PEER_PORT 9000
#define PAYLOAD_MAX 1500         /* with 40 bytes of options, what inject_tcp holds */
#define SEND_MAX 100000
#define QUOTE_SIZE (20 + 8)         /* an ICMP error quotes the IP header and 8 bytes */
#define SEQ_FROM_STACK_ACK 0x20     /* operation bits: a segment's bases */
#define ACK_FROM_PEER_ACK 0x40
#define SACK_FROM_PEER_ACK 0x80
#define OPTION_SACK 5

struct endpoint {
    uint16_t peer_port, our_port;   /* host order; our_port 0: not known yet */
    struct tcp_pcb *pcb;            /* the application's, or NULL */
    bool heard;                     /* the stack sent something on it */
    uint32_t stack_acknowledged;    /* the last ACK the stack sent */
    uint32_t stack_highest;         /* the highest sequence number it sent, + 1 */
    uint8_t quote[QUOTE_SIZE];      /* its last segment's first bytes */
    uint32_t peer_next;             /* the peer's next sequence number */
    uint32_t peer_acknowledged;     /* the last ACK the peer sent */
};

static struct endpoint endpoints[ENDPOINTS];

static bool after(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }

static struct endpoint *endpoint_by_peer_port(uint16_t port)
{
    for (int i = 0; i < ENDPOINTS; i++)
        if (endpoints[i].peer_port == port)
            return &endpoints[i];
    return NULL;
}

/* What the stack sent: each endpoint learns the stack's sequence state
 * from its own segments, as a real peer would. */
static void watch_transmitted(void)
{
    struct pbuf *frame;
    while ((frame = fake_netif_next_transmitted())) {
        const uint8_t *data = frame->data;
        size_t length = pbuf_length(frame);
        const uint8_t *ip = data + 14;
        size_t header_length = length >= 14 + 20 ? (size_t)(ip[0] & 0x0f) * 4 : 0;
        if (header_length >= 20 && get16(data + 12) == 0x0800 && ip[9] == IP_PROTOCOL_TCP &&
            length >= 14 + header_length + 20) {
            const uint8_t *tcp = ip + header_length;
            struct endpoint *endpoint = endpoint_by_peer_port((uint16_t)get16(tcp + 2));
            size_t total = MIN((size_t)get16(ip + 2), length - 14);
            size_t tcp_header = (size_t)(tcp[12] >> 4) * 4;
            if (endpoint && total >= header_length + tcp_header) {
                uint8_t flags = tcp[13];
                uint32_t end = get32(tcp + 4) + (uint32_t)(total - header_length - tcp_header) +
                               !!(flags & TCP_FLAG_SYN) + !!(flags & TCP_FLAG_FIN);
                if (!endpoint->heard || after(end, endpoint->stack_highest))
                    endpoint->stack_highest = end;
                if (flags & TCP_FLAG_ACK)
                    endpoint->stack_acknowledged = get32(tcp + 8);
                endpoint->our_port = (uint16_t)get16(tcp);
                endpoint->heard = true;
                memcpy(endpoint->quote, ip, MIN((size_t)QUOTE_SIZE, total));
            }
        }
        pbuf_put(frame);
    }
}

static void put32(uint8_t *p, uint32_t value)
{
    p[0] = (uint8_t)(value >> 24);
    p[1] = (uint8_t)(value >> 16);
    p[2] = (uint8_t)(value >> 8);
    p[3] = (uint8_t)value;
}

/* Moves the edges of the SACK blocks (RFC 2018 3) in options by base, so
 * that the fuzzer's small offsets become blocks the stack looks at. */
static void rebase_sack_blocks(uint8_t *options, size_t length, uint32_t base)
{
    for (size_t i = 0; i < length;) {
        if (options[i] <= 1) {            /* end of options, no-operation */
            i++;
            continue;
        }
        if (i + 1 >= length || options[i + 1] < 2)
            return;
        size_t size = options[i + 1];
        if (options[i] == OPTION_SACK)
            for (size_t edge = i + 2; edge + 4 <= MIN(i + size, length); edge += 4)
                put32(options + edge, get32(options + edge) + base);
        i += size;
    }
}

static void segment(struct endpoint *endpoint, struct fuzz_input *input, uint8_t operation)
{
    uint8_t flags, options_length;
    uint16_t seq_offset, ack_offset, window, payload_length;
    static uint8_t options[40], payload[PAYLOAD_MAX];
    if (!fuzz_take8(input, &flags) || !fuzz_take16(input, &seq_offset) || !fuzz_take16(input, &ack_offset) ||
        !fuzz_take16(input, &window) || !fuzz_take8(input, &options_length))
        return;
    options_length = (uint8_t)MIN(options_length, sizeof(options));
    if (!fuzz_take(input, options, options_length) || !fuzz_take16(input, &payload_length))
        return;
    payload_length = (uint16_t)MIN(payload_length, PAYLOAD_MAX);
    for (size_t i = 0; i < payload_length; i++)
        payload[i] = (uint8_t)i;
    if (!endpoint->our_port)
        return;     /* the active connection's port is known from its SYN */
    uint32_t seq_base = operation & SEQ_FROM_STACK_ACK ? endpoint->stack_acknowledged
                                                       : endpoint->peer_next;
    uint32_t ack_base = operation & ACK_FROM_PEER_ACK ? endpoint->peer_acknowledged
                                                      : endpoint->stack_highest;
    uint32_t seq = seq_base + (uint32_t)(int16_t)seq_offset;
    uint32_t ack = ack_base + (uint32_t)(int16_t)ack_offset;
    if (operation & SACK_FROM_PEER_ACK)
        rebase_sack_blocks(options, options_length, endpoint->peer_acknowledged);
    inject_tcp(&(struct test_segment){
        .seq = seq, .ack = ack, .flags = flags, .window = window,
        .options = options, .options_length = options_length & ~3u,
        .payload = payload, .length = payload_length,
        .source_port = endpoint->peer_port, .destination_port = endpoint->our_port,
        .corrupt_checksum = (operation & 7) == 7,
    });
    uint32_t end = seq + payload_length + !!(flags & TCP_FLAG_SYN) + !!(flags & TCP_FLAG_FIN);
    if (after(end, endpoint->peer_next))
        endpoint->peer_next = end;
    if (flags & TCP_FLAG_ACK)
        endpoint->peer_acknowledged = ack;
}

static void clock_step(struct fuzz_input *input)
{
    uint8_t step;
    if (fuzz_take8(input, &step))
        net_host_clock_advance(step & 0x80 ? step & 0x7f : (uint64_t)1 << (step % 24));
}

/* The listener's next connection becomes its endpoint's application pcb. */
static void accept_one(void)
{
    struct tcp_pcb *child = tcp_accept(test_listener_of_connections());
    if (!child)
        return;
    struct endpoint *endpoint = endpoint_by_peer_port(net_ntohs(child->remote_port));
    if (!endpoint || endpoint->pcb)
        tcp_abort(child);
    else
        endpoint->pcb = child;
}

static void application(struct endpoint *endpoint, struct fuzz_input *input)
{
    static uint8_t buffer[SEND_MAX];
    uint8_t action;
    uint16_t length;
    if (!fuzz_take8(input, &action))
        return;
    struct tcp_pcb *pcb = endpoint->pcb;
    switch (action % 9) {
    case 0:
        if (fuzz_take16(input, &length) && pcb)
            tcp_send(pcb, buffer, (size_t)length * 2);
        break;
    case 1:
        while (pcb && tcp_receive(pcb, buffer, sizeof(buffer)) > 0)
            ;
        tcp_pcb_format((char *)buffer, sizeof(buffer));
        break;
    case 2:
        if (pcb)
            tcp_shutdown(pcb);
        break;
    case 3:
        if (pcb)
            tcp_close(pcb);
        endpoint->pcb = NULL;
        break;
    case 4:
        if (pcb)
            tcp_abort(pcb);
        endpoint->pcb = NULL;
        break;
    case 5:
        accept_one();
        break;
    case 6:
        if (pcb)
            tcp_set_nodelay(pcb, true);
        break;
    case 7:
        if (pcb)
            tcp_set_keepalive(pcb, true);
        break;
    default:
        if (fuzz_take16(input, &length) && pcb)
            tcp_send_more(pcb, buffer, length);
        break;
    }
}

/* What poll, FIONREAD, SIOCOUTQ and getsockopt(TCP_INFO) ask of a
 * connection; a getter must cope with every state. */
static void ask_everything(void)
{
    for (int i = 0; i < ENDPOINTS; i++) {
        const struct tcp_pcb *pcb = endpoints[i].pcb;
        struct tcp_pcb_info info;
        if (!pcb)
            continue;
        tcp_get_info(pcb, &info);
        if (tcp_readable_bytes(pcb) > pcb->receive.size || tcp_send_space(pcb) > pcb->send.size ||
            tcp_unsent_bytes(pcb) > pcb->send.length)
            fuzz_stack_finding("a TCP getter answers more than its ring holds");
        tcp_at_end_of_stream(pcb);
    }
}

static void icmp_error(struct endpoint *endpoint, struct fuzz_input *input)
{
    uint8_t type, code;
    uint16_t mtu;
    uint8_t message[8 + QUOTE_SIZE], datagram[20 + sizeof(message)];
    if (!fuzz_take8(input, &type) || !fuzz_take8(input, &code) || !fuzz_take16(input, &mtu) || !endpoint->heard)
        return;
    size_t length = build_icmp(message, type, code, mtu, endpoint->quote, QUOTE_SIZE);
    inject_ip(datagram, build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, IP_PROTOCOL_ICMP, 1, 0, 64,
                                 message, length));
}

static void open_listener(void)
{
    test_listener(4);
}

/* The first connection, set up with the options the input's first byte
 * asks for, and the stack's own connection to port 9000. */
static void open_connections(uint8_t syn_options)
{
    uint8_t options[12] = { 2, 4, 0x05, 0xb4 };   /* MSS 1460 */
    size_t length = 4;
    if (syn_options & 8)
        options[2] = 0x02, options[3] = 0x18;     /* 536 */
    if (syn_options & 1)
        options[length++] = 4, options[length++] = 2, options[length++] = 1,
        options[length++] = 1;                     /* SACK permitted, NOP, NOP */
    if (syn_options & 2)
        options[length++] = 3, options[length++] = 3, options[length++] = syn_options >> 4,
        options[length++] = 1;                     /* window scale, NOP */
    memset(endpoints, 0, sizeof(endpoints));
    for (int i = 0; i < ENDPOINTS; i++) {
        endpoints[i].peer_port = (uint16_t)(PEER_PORT + i);
        endpoints[i].our_port = OUR_PORT;
        endpoints[i].peer_next = PEER_ISN;
    }
    struct endpoint *first = &endpoints[0];
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 65535,
                                       .options = options, .options_length = length });
    watch_transmitted();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = first->stack_highest,
                                       .flags = TCP_FLAG_ACK, .window = 65535 });
    first->peer_next = PEER_ISN + 1;
    first->peer_acknowledged = first->stack_highest;
    accept_one();
    if (!first->pcb)
        fuzz_stack_finding("a valid handshake did not give an accepted connection");
    struct endpoint *active = &endpoints[ACTIVE_ENDPOINT];
    active->peer_port = ACTIVE_PEER_PORT;
    active->our_port = 0;
    active->pcb = tcp_pcb_new();
    if (!active->pcb || tcp_connect(active->pcb, PEER_ADDRESS, net_htons(ACTIVE_PEER_PORT)))
        fuzz_stack_finding("the stack's own connection could not start");
    watch_transmitted();
}

static void close_everything(void)
{
    for (int i = 0; i < ENDPOINTS; i++) {
        if (endpoints[i].pcb)
            tcp_abort(endpoints[i].pcb);
        endpoints[i].pcb = NULL;
    }
    struct tcp_pcb *child;
    while ((child = tcp_accept(test_listener_of_connections())))
        tcp_abort(child);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_input input = { data, size };
    uint8_t syn_options, operation;
    if (!fuzz_take8(&input, &syn_options))
        return -1;
    fuzz_stack_begin_input(open_listener);
    open_connections(syn_options);
    while (fuzz_take8(&input, &operation)) {
        struct endpoint *endpoint = &endpoints[(operation >> 3) & (ENDPOINTS - 1)];
        switch (operation & 7) {
        case 3: clock_step(&input); break;
        case 4: application(endpoint, &input); break;
        case 5: icmp_error(endpoint, &input); break;
        default: segment(endpoint, &input, operation); break;
        }
        watch_transmitted();
        ask_everything();
    }
    close_everything();
    fuzz_stack_run_timers_out();
    fuzz_stack_check_no_leak();
    return 0;
}
