/* Aborts, listeners, keepalive, window scaling, ICMP errors and /proc/net/tcp. */
#include "tcp_test.h"
#include "ip/ip.h"
#include "icmp/icmp.h"

static int failed_error;
static void on_failed(struct tcp_pcb *pcb, int error) { failed_error = error; }

/* RFC 9293 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST> (Linux sets ACK too);
 * RFC 1213 tcpEstabResets counts the move from ESTABLISHED to CLOSED. */
static void test_tcp_abort_sends_rst(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    tcp_abort(pcb);
    struct captured reset;
    expect_flags(&reset, TCP_FLAG_RST | TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(reset.window, 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "OutRsts"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "CurrEstab"), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "EstabResets"), 1);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);
    /* the peer's next segment finds no connection */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&reset, TCP_FLAG_RST, isn + 1, 0);
}

/* Closing a listener resets the connections it still holds (as Linux). */
static void test_tcp_listener_close_resets_pending_connections(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(4);
    uint32_t isn;
    establish_passive(1460, 8000, &isn);          /* accepted: stays */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN,
                                       .window = 8000, .source_port = 40001 });
    struct captured syn_ack, reset;
    expect_segment(&syn_ack);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .source_port = 40001 });
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN,
                                       .window = 8000, .source_port = 40002 });
    expect_segment(&syn_ack);
    CHECK_EQUAL(proc_net_tcp_entries(), 4);
    tcp_close(listener);
    expect_segment(&reset);
    CHECK(reset.flags & TCP_FLAG_RST);
    expect_segment(&reset);
    CHECK(reset.flags & TCP_FLAG_RST);
    check_no_frame();
    CHECK_EQUAL(proc_net_tcp_entries(), 1);       /* the accepted connection */
}

/* RFC 9293 3.10.7.4 second step: a RST in SYN-RECEIVED (passive) at
 * RCV.NXT ends the embryonic connection (Linux counts TcpExt
 * EmbryonicRsts); the listener goes on.  Elsewhere in the window it earns
 * a challenge ACK, in every state but SYN-SENT (RFC 5961 3.2). */
static void test_tcp_rst_in_syn_received_drops_child(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    struct captured syn_ack, ack;
    expect_segment(&syn_ack);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 100, .flags = TCP_FLAG_RST });
    expect_flags(&ack, TCP_FLAG_ACK, syn_ack.seq + 1, PEER_ISN + 1);
    CHECK_EQUAL(proc_net_tcp_entries(), 2);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .flags = TCP_FLAG_RST });
    check_no_frame();
    CHECK_EQUAL(proc_net_tcp_entries(), 1);
    CHECK_EQUAL(listener->syn_pending, 0);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "EmbryonicRsts"), 1);
    /* the SYN queue has room again */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 7, .flags = TCP_FLAG_SYN,
                                       .window = 8000 });
    expect_segment(&syn_ack);
    CHECK_EQUAL(syn_ack.ack, PEER_ISN + 8);
}

/* A lost SYN-ACK: the peer's retransmitted SYN gets it again. */
static void test_tcp_duplicate_syn_in_syn_received_resends_syn_ack(void)
{
    tcp_stack_setup();
    test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    struct captured first, again;
    expect_segment(&first);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    expect_flags(&again, TCP_FLAG_SYN | TCP_FLAG_ACK, first.seq, PEER_ISN + 1);
    CHECK_EQUAL(proc_net_tcp_entries(), 2);
}

/* RFC 1122 4.2.3.6: after the idle time a probe <SEQ=SND.UNA-1>; without
 * answers the connection dies with ETIMEDOUT after the probe count. */
static void test_tcp_keepalive_probes_then_times_out(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    pcb->failed = on_failed;
    pcb->keepalive_idle_ms = 5000;
    pcb->keepalive_interval_ms = 1000;
    pcb->keepalive_probes = 2;
    tcp_set_keepalive(pcb, true);
    struct captured probe;
    net_host_clock_advance(4999);
    check_no_frame();
    net_host_clock_advance(1);
    expect_flags(&probe, TCP_FLAG_ACK, isn, PEER_ISN + 1);
    CHECK_EQUAL(probe.length, 0);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPKeepAlive"), 1);   /* probes sent, as Linux */
    /* an answer resets the count and the idle time */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    net_host_clock_advance(4999);
    check_no_frame();
    net_host_clock_advance(1);
    expect_flags(&probe, TCP_FLAG_ACK, isn, PEER_ISN + 1);
    net_host_clock_advance(1000);
    expect_flags(&probe, TCP_FLAG_ACK, isn, PEER_ISN + 1);
    net_host_clock_advance(1000);
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPKeepAlive"), 3);
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(failed_error, ETIMEDOUT);
    tcp_close(pcb);
}

/* RFC 7323 2: both SYNs carry window scale; later windows are shifted. */
static void test_tcp_window_scale_negotiated(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(4);
    CHECK_EQUAL(tcp_set_buffer_sizes(listener, 65536, 1 << 20), 0);
    uint8_t options[8] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 2 };
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 1000,
                                       .options = options, .options_length = 8 });
    struct captured syn_ack, ack;
    expect_segment(&syn_ack);
    CHECK_EQUAL(syn_ack.options_length, 8);
    CHECK_EQUAL(syn_ack.options[7], 5);             /* 1 MiB >> 5 fits in 16 bits */
    CHECK_EQUAL(syn_ack.window, 65535);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 1,
                                       .flags = TCP_FLAG_ACK, .window = 1000 });
    struct tcp_pcb *pcb = tcp_accept(listener);
    CHECK(pcb != NULL);
    CHECK_EQUAL(pcb->snd_wnd, 4000);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 1,
                                       .flags = TCP_FLAG_ACK, .window = 1000,
                                       .payload = "x", .length = 1 });
    expect_segment(&ack);
    CHECK_EQUAL(ack.window, ((1 << 20) - 1) >> 5);     /* 1 MiB less the byte, scaled */
}

/* RFC 1122 4.2.3.9: a hard ICMP error (port unreachable) aborts a
 * connection still in SYN-SENT; RFC 5927: only if it quotes our sequence. */
static void test_tcp_icmp_port_unreachable_in_syn_sent(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    pcb->failed = on_failed;
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct pbuf *frame = next_frame();
    uint8_t quote[28];
    memcpy(quote, frame->data + 14, 28);
    pbuf_put(frame);
    uint8_t bad_quote[28];
    memcpy(bad_quote, quote, 28);
    bad_quote[24] ^= 0x80;                           /* a sequence number not ours */
    uint8_t icmp[64], datagram[128];
    size_t length = build_icmp(icmp, 3, 3, 0, bad_quote, 28);
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 2, 0, 64, icmp, length);
    inject_ip(datagram, length);
    CHECK_EQUAL(pcb->state, TCP_SYN_SENT);
    length = build_icmp(icmp, 3, 3, 0, quote, 28);
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 3, 0, 64, icmp, length);
    inject_ip(datagram, length);
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(failed_error, ECONNREFUSED);
    tcp_close(pcb);
}

/* Injects the peer's ICMP error of type and code quoting the IP header and
 * first 8 bytes of frame (one of ours, data at its Ethernet header). */
static void inject_icmp_about(const struct pbuf *frame, uint8_t type, uint8_t code)
{
    uint8_t icmp[64], datagram[128];
    size_t length = build_icmp(icmp, type, code, 0, frame->data + 14, 28);
    length = build_ip(datagram, PEER_ADDRESS, OUR_ADDRESS, 1, 4, 0, 64, icmp, length);
    inject_ip(datagram, length);
}

/* ICMP's one table (Linux's icmp_err_convert): Protocol Unreachable is
 * ENOPROTOOPT for TCP as for UDP; in SYN-SENT any error, soft ones (Time
 * Exceeded, Host Unreachable) too, ends the attempt (Linux's tcp_v4_err). */
static void test_tcp_icmp_errors_in_syn_sent_use_the_one_table(void)
{
    static const struct { uint8_t type, code; int error; const char *name; } cases[] = {
        { 3, 2, ENOPROTOOPT, "protocol unreachable" },
        { 3, 1, EHOSTUNREACH, "host unreachable (soft)" },
        { 3, 7, EHOSTDOWN, "destination host unknown" },
        { 3, 13, EHOSTUNREACH, "communication administratively prohibited" },
        { 11, 0, EHOSTUNREACH, "time exceeded (soft)" },
        { 12, 0, EPROTO, "parameter problem" },
    };
    tcp_stack_setup();
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        struct tcp_pcb *pcb = tcp_pcb_new();
        pcb->failed = on_failed;
        failed_error = 0;
        CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
        struct pbuf *syn = next_frame();
        inject_icmp_about(syn, cases[i].type, cases[i].code);
        pbuf_put(syn);
        CHECK_CASE(pcb->state == TCP_CLOSED, cases[i].name);
        CHECK_CASE(failed_error == cases[i].error, cases[i].name);
        tcp_close(pcb);
        fake_netif_clear_transmitted();
    }
}

/* RFC 1122 4.2.3.9: once established an ICMP error, even a hard one, does
 * not end the connection; it is kept (Linux's sk_err_soft) and reported if
 * the connection then times out, instead of ETIMEDOUT (tcp(7)). */
static void test_tcp_icmp_error_when_established_is_soft(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 8000, &isn);
    pcb->failed = on_failed;
    tcp_retries2 = 2;
    CHECK_EQUAL(tcp_send(pcb, "x", 1), 1);
    struct pbuf *data = next_frame();
    inject_icmp_about(data, 3, 3);                   /* port unreachable: hard */
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    CHECK_EQUAL(pcb->soft_error, ECONNREFUSED);
    inject_icmp_about(data, 3, 1);                   /* host unreachable: the latest counts */
    pbuf_put(data);
    CHECK_EQUAL(pcb->soft_error, EHOSTUNREACH);
    CHECK_EQUAL(failed_error, 0);
    net_host_clock_advance(200 + 400 + 800);
    fake_netif_clear_transmitted();
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(failed_error, EHOSTUNREACH);
    CHECK_EQUAL(tcp_receive(pcb, (char[1]){ 0 }, 1), -EHOSTUNREACH);
    tcp_close(pcb);
}

/* An ACK of new data shows the path works: the soft error is forgotten
 * (Linux's tcp_ack), and a later time-out is ETIMEDOUT again. */
static void test_tcp_soft_error_cleared_by_new_ack(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1000, 8000, &isn);
    pcb->failed = on_failed;
    CHECK_EQUAL(tcp_send(pcb, "x", 1), 1);
    struct pbuf *data = next_frame();
    inject_icmp_about(data, 11, 0);                  /* time exceeded */
    pbuf_put(data);
    CHECK_EQUAL(pcb->soft_error, EHOSTUNREACH);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    CHECK_EQUAL(pcb->soft_error, 0);
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    tcp_close(pcb);
    fake_netif_clear_transmitted();
}

/* /proc/net/tcp in Linux's format (tcp4_seq_show): lines padded to 149
 * characters; a listener on 0.0.0.0:8080 as Linux 6.1 prints one (uid and
 * inode as the socket layer sets them). */
static void test_tcp_proc_net_tcp_format(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(4);
    listener->uid = 0;
    listener->inode = 12345;
    char text[4096];
    size_t length = tcp_pcb_format(text, sizeof(text));
    CHECK_EQUAL(length, 2 * 150);
    CHECK_EQUAL(strlen(text), 2 * 150);
    const char *header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                         "retrnsmt   uid  timeout inode";
    CHECK(strncmp(text, header, strlen(header)) == 0);
    CHECK_EQUAL(text[149], '\n');
    const char *line = "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
                       "00000000     0        0 12345 1 0000000000000000 100 0 0 10 -1";
    CHECK(strncmp(text + 150, line, strlen(line)) == 0);
    CHECK_EQUAL(text[150 + strlen(line)], ' ');
    CHECK_EQUAL(text[299], '\n');
}

/* Binding: a port in use is refused; SO_REUSEADDR shares it unless the other listens. */
static void test_tcp_bind_conflicts(void)
{
    tcp_stack_setup();
    struct tcp_pcb *a = tcp_pcb_new(), *b = tcp_pcb_new(), *c = tcp_pcb_new();
    CHECK_EQUAL(tcp_bind(a, IP_ADDRESS_ANY, net_htons(7000)), 0);
    CHECK_EQUAL(tcp_bind(a, IP_ADDRESS_ANY, net_htons(7001)), -EINVAL);
    CHECK_EQUAL(tcp_bind(b, OUR_ADDRESS, net_htons(7000)), -EADDRINUSE);
    CHECK_EQUAL(tcp_bind(b, ADDRESS(10, 9, 9, 9), net_htons(7002)), -EADDRNOTAVAIL);
    a->reuse_address = b->reuse_address = c->reuse_address = true;
    CHECK_EQUAL(tcp_bind(b, OUR_ADDRESS, net_htons(7000)), 0);
    CHECK_EQUAL(tcp_listen(a, 1), 0);
    CHECK_EQUAL(tcp_bind(c, IP_ADDRESS_ANY, net_htons(7000)), -EADDRINUSE);
    tcp_close(a);
    tcp_close(b);
    tcp_close(c);
    CHECK_EQUAL(proc_net_tcp_entries(), 0);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_abort_sends_rst),
        TEST_ENTRY(test_tcp_listener_close_resets_pending_connections),
        TEST_ENTRY(test_tcp_rst_in_syn_received_drops_child),
        TEST_ENTRY(test_tcp_duplicate_syn_in_syn_received_resends_syn_ack),
        TEST_ENTRY(test_tcp_keepalive_probes_then_times_out),
        TEST_ENTRY(test_tcp_window_scale_negotiated),
        TEST_ENTRY(test_tcp_icmp_port_unreachable_in_syn_sent),
        TEST_ENTRY(test_tcp_icmp_errors_in_syn_sent_use_the_one_table),
        TEST_ENTRY(test_tcp_icmp_error_when_established_is_soft),
        TEST_ENTRY(test_tcp_soft_error_cleared_by_new_ack),
        TEST_ENTRY(test_tcp_proc_net_tcp_format),
        TEST_ENTRY(test_tcp_bind_conflicts),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
