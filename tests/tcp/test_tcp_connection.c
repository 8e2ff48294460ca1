/* Connection management (RFC 9293 3.5, 3.6, 3.10.7; RFC 5961). */
#include "tcp_test.h"
#include "ip/ip.h"
#include "netif/host/host_stack.h"

static int accept_ready_calls, established_calls, failed_error, readable_calls;
static void on_accept_ready(struct tcp_pcb *pcb) { accept_ready_calls++; }
static void on_readable(struct tcp_pcb *pcb) { readable_calls++; }
static void on_established(struct tcp_pcb *pcb) { established_calls++; }
static void on_failed(struct tcp_pcb *pcb, int error) { failed_error = error; }

/* RFC 9293 3.10.7.1: to a closed port, a SYN without ACK gets
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; an ACK gets <SEQ=SEG.ACK><CTL=RST>;
 * a RST gets nothing. */
static void test_tcp_syn_to_closed_port_gets_rst(void)
{
    tcp_stack_setup();
    inject_tcp(&(struct test_segment){ .seq = 1000, .flags = TCP_FLAG_SYN, .window = 512,
                                       .payload = "ab", .length = 2 });
    struct captured reset;
    expect_segment(&reset);
    uint8_t expected[20] = { 0x1f, 0x90, 0x9c, 0x40, 0, 0, 0, 0, 0, 0, 0x03, 0xeb,
                             0x50, TCP_FLAG_RST | TCP_FLAG_ACK, 0, 0 };
    /* checksum already verified by expect_segment: compare the rest */
    CHECK_BYTES(reset.header, expected, 16);
    CHECK_BYTES(reset.header + 18, expected + 18, 2);
    CHECK_EQUAL(reset.length, 0);
    inject_tcp(&(struct test_segment){ .seq = 5, .ack = 777, .flags = TCP_FLAG_ACK });
    expect_flags(&reset, TCP_FLAG_RST, 777, 0);
    CHECK_EQUAL(reset.window, 0);
    inject_tcp(&(struct test_segment){ .seq = 5, .flags = TCP_FLAG_RST });
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "OutRsts"), 2);
    CHECK_EQUAL(net_counter_by_name("Tcp", "InSegs"), 3);
    CHECK_EQUAL(net_counter_by_name("Tcp", "OutSegs"), 2);
}

/* RFC 9293 3.5 figure 6 from the passive side; 3.7.1: our MSS is MTU - 40. */
static void test_tcp_passive_open_handshake(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(4);
    listener->accept_ready = on_accept_ready;
    uint8_t options[8] = { 2, 4, 0x05, 0x00, 1, 3, 3, 7 };     /* MSS 1280, wscale 7 */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 29200,
                                       .options = options, .options_length = 8 });
    struct captured syn_ack;
    expect_segment(&syn_ack);
    CHECK_EQUAL(syn_ack.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
    CHECK_EQUAL(syn_ack.ack, PEER_ISN + 1);
    CHECK_EQUAL(syn_ack.source_port, OUR_PORT);
    CHECK_EQUAL(syn_ack.destination_port, PEER_PORT);
    uint8_t expected_options[8] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 1 };   /* 1460; 64 KiB >> 1 */
    CHECK_EQUAL(syn_ack.options_length, 8);
    CHECK_BYTES(syn_ack.options, expected_options, 8);
    CHECK_EQUAL(syn_ack.window, 65535);          /* RFC 7323 2.2: a SYN's window is unscaled */
    CHECK_EQUAL(accept_ready_calls, 0);
    CHECK(tcp_accept(listener) == NULL);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 1,
                                       .flags = TCP_FLAG_ACK, .window = 229 });
    check_no_frame();
    CHECK_EQUAL(accept_ready_calls, 1);
    struct tcp_pcb *child = tcp_accept(listener);
    CHECK(child != NULL);
    CHECK_EQUAL(child->state, TCP_ESTABLISHED);
    CHECK_EQUAL(child->mss, 1280);
    CHECK_EQUAL(child->snd_wnd, 229 << 7);
    CHECK_EQUAL(child->remote_address, PEER_ADDRESS);
    CHECK_EQUAL(child->local_address, OUR_ADDRESS);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "CurrEstab"), 1);
    CHECK_EQUAL(proc_net_tcp_entries(), 2);
}

/* RFC 9293 3.5 figure 6 from the active side; 3.7.1 MSS sent and honoured;
 * SACK offered (RFC 2018 2) but not used when the SYN-ACK lacks it. */
static void test_tcp_active_open_sends_syn_with_mss(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    pcb->established = on_established;
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    CHECK_EQUAL(pcb->state, TCP_SYN_SENT);
    struct captured syn;
    expect_segment(&syn);
    CHECK_EQUAL(syn.flags, TCP_FLAG_SYN);
    CHECK_EQUAL(syn.ack, 0);
    CHECK_EQUAL(syn.destination_port, PEER_PORT);
    CHECK(syn.source_port >= 32768 && syn.source_port <= 60999);
    /* Linux's layout: MSS, NOP, NOP, SACK-permitted, NOP, window scale */
    uint8_t expected_options[12] = { 2, 4, 0x05, 0xb4, 1, 1, 4, 2, 1, 3, 3, 1 };
    CHECK_EQUAL(syn.options_length, 12);
    CHECK_BYTES(syn.options, expected_options, 12);
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), -EALREADY);
    uint8_t mss[4] = { 2, 4, 0x03, 0xe8 };                   /* 1000, no window scale */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000,
                                       .options = mss, .options_length = 4,
                                       .destination_port = syn.source_port });
    struct captured ack;
    expect_flags(&ack, TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 1);
    CHECK_EQUAL(ack.options_length, 0);
    CHECK_EQUAL(ack.window, 65535);      /* no scaling agreed: 64 KiB capped at 65535 */
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    CHECK_EQUAL(pcb->mss, 1000);
    CHECK_EQUAL(pcb->snd_wscale, 0);
    CHECK_EQUAL(pcb->rcv_wscale, 0);
    CHECK(!pcb->sack_ok);
    CHECK_EQUAL(established_calls, 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "ActiveOpens"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "CurrEstab"), 1);
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), -EISCONN);
}

/* RFC 9293 3.5 figure 8: both SYNs cross; each side answers SYN,ACK.  The
 * peer's SYN,ACK repeats its SYN (below RCV.NXT): it is ACKed (3.10.7.4,
 * first step), as Linux does, and its ACK establishes the connection. */
static void test_tcp_simultaneous_open(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    CHECK_EQUAL(tcp_bind(pcb, IP_ADDRESS_ANY, net_htons(OUR_PORT)), 0);
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, syn_ack;
    expect_segment(&syn);
    CHECK_EQUAL(syn.flags, TCP_FLAG_SYN);
    uint8_t mss[4] = { 2, 4, 0x05, 0xb4 };
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .options = mss, .options_length = 4 });
    expect_flags(&syn_ack, TCP_FLAG_SYN | TCP_FLAG_ACK, syn.seq, PEER_ISN + 1);
    CHECK_EQUAL(pcb->state, TCP_SYN_RECEIVED);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000,
                                       .options = mss, .options_length = 4 });
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    struct captured ack;
    expect_flags(&ack, TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 1);
    CHECK_EQUAL(ack.length, 0);
    check_no_frame();
    /* data flows: the connection is really synchronized */
    CHECK_EQUAL(tcp_send(pcb, "hi", 2), 2);
    struct captured data;
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, syn.seq + 1, PEER_ISN + 1);
    CHECK_EQUAL(data.length, 2);
}

/* RFC 9293 3.6 figure 12 (normal close, we close first), 3.4.2: TIME-WAIT
 * lasts 2 MSL, then CLOSED. */
static void test_tcp_fin_wait_to_time_wait_to_closed(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    size_t baseline = pbuf_count();
    CHECK_EQUAL(tcp_shutdown(pcb), 0);
    struct captured fin, ack;
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(pcb->state, TCP_FIN_WAIT_1);
    CHECK_EQUAL(tcp_send(pcb, "x", 1), -EPIPE);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    CHECK_EQUAL(pcb->state, TCP_FIN_WAIT_2);
    check_no_frame();
    /* half close: the peer still sends to us */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_ACK | TCP_FLAG_PSH, .window = 8000,
                                       .payload = "late", .length = 4 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 5);
    char buffer[8];
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 5, .ack = isn + 2,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 6);
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "CurrEstab"), 0);
    net_host_clock_advance(2 * tcp_msl_ms - 1);
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);
    net_host_clock_advance(1);
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);      /* the listener only */
    check_no_frame();
    tcp_close(pcb);
    CHECK_EQUAL(pbuf_count(), baseline);
}

/* RFC 9293 3.6 figure 13: FINs cross; FIN-WAIT-1 -> CLOSING -> TIME-WAIT. */
static void test_tcp_simultaneous_close(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    CHECK_EQUAL(tcp_shutdown(pcb), 0);
    struct captured fin, ack;
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_CLOSING);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 2, .ack = isn + 2,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);
    net_host_clock_advance(2 * tcp_msl_ms);
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    tcp_close(pcb);
}

/* RFC 9293 3.6 figure 12 (the peer closes first): CLOSE-WAIT, the reader
 * woken to read end of file (3.10.7.4, eighth step: "signal the user
 * 'connection closing'"), LAST-ACK, and close() frees the pcb once the
 * last ACK arrives. */
static void test_tcp_passive_close_through_last_ack(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    readable_calls = 0;
    pcb->readable = on_readable;
    struct captured ack, fin;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_CLOSE_WAIT);
    CHECK_EQUAL(readable_calls, 1);
    CHECK(tcp_at_end_of_stream(pcb));
    CHECK_EQUAL(net_counter_by_name("Tcp", "CurrEstab"), 1);   /* RFC 1213 counts CLOSE-WAIT */
    CHECK_EQUAL(tcp_send(pcb, "bye", 3), 3);
    expect_flags(&ack, TCP_FLAG_ACK | TCP_FLAG_PSH, isn + 1, PEER_ISN + 2);
    tcp_close(pcb);
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 4, PEER_ISN + 2);
    CHECK_EQUAL(proc_net_tcp_entries(), 2);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 2, .ack = isn + 5,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    CHECK_EQUAL(proc_net_tcp_entries(), 1);      /* gone: only the listener */
    CHECK_EQUAL(net_counter_by_name("Tcp", "CurrEstab"), 0);
}

/* RFC 5961 3.2: a RST in the window but not at RCV.NXT gets a challenge
 * ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>; one exactly at RCV.NXT resets. */
static void test_tcp_rst_in_window_but_not_exact_gets_challenge_ack(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    pcb->failed = on_failed;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 100, .flags = TCP_FLAG_RST });
    struct captured ack;
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    /* outside the window: silently dropped (RFC 5961 3.2 point 1) */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1 + 200000, .flags = TCP_FLAG_RST });
    check_no_frame();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .flags = TCP_FLAG_RST });
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(failed_error, ECONNRESET);
    CHECK_EQUAL(pcb->error, ECONNRESET);
    CHECK_EQUAL(tcp_send(pcb, "x", 1), -ECONNRESET);
    CHECK_EQUAL(net_counter_by_name("Tcp", "EstabResets"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "CurrEstab"), 0);
    tcp_close(pcb);
}

/* RFC 5961 4.2: a SYN in a synchronized state gets a challenge ACK,
 * "irrespective of the sequence number", with or without FIN; Linux
 * counts TcpExt TCPSYNChallenge and TCPChallengeACK, and Tcp InErrs. */
static void test_tcp_syn_in_established_gets_challenge_ack(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    static const uint32_t offsets[] = { 50, 1u << 30, 100 };
    for (size_t i = 0; i < ARRAY_SIZE(offsets); i++) {
        uint8_t flags = TCP_FLAG_SYN | (i == 2 ? TCP_FLAG_FIN : 0);
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + offsets[i], .flags = flags,
                                           .window = 8000 });
        struct captured ack;
        expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
        CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    }
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPSYNChallenge"), 3);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPChallengeACK"), 3);
    CHECK_EQUAL(net_counter_by_name("Tcp", "InErrs"), 3);
}

/* RFC 5961 5.2: an ACK older than SND.UNA - MAX.SND.WND gets a challenge
 * ACK and is dropped with its data.  One beyond SND.NXT is dropped too,
 * silently: RFC 9293 3.10.7.4 asks for an ACK, Linux sends none. */
static void test_tcp_ack_outside_window_gets_challenge_ack(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 5000,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .payload = "zz", .length = 2 });
    check_no_frame();
    CHECK_EQUAL(tcp_readable_bytes(pcb), 0);      /* the data went with it */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1 - 9000,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .payload = "zz", .length = 2 });
    struct captured ack;
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(tcp_readable_bytes(pcb), 0);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPChallengeACK"), 1);
}

/* RFC 9293 3.10.7.4, fifth step, SYN-RECEIVED: an unacceptable ACK (of
 * nothing new, or of something never sent) gets <SEQ=SEG.ACK><CTL=RST>,
 * not RFC 5961's challenge ACK; the half-open connection stays, and the
 * right ACK completes it (Linux). */
static void test_tcp_bad_ack_in_syn_received_gets_reset(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    struct captured syn_ack, reset;
    expect_segment(&syn_ack);
    static const uint32_t bad[] = { 1000, 0 };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + bad[i],
                                           .flags = TCP_FLAG_ACK, .window = 8000 });
        expect_flags(&reset, TCP_FLAG_RST, syn_ack.seq + bad[i], 0);
    }
    CHECK(tcp_accept(listener) == NULL);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    struct tcp_pcb *child = tcp_accept(listener);
    CHECK(child != NULL);
    CHECK_EQUAL(child->state, TCP_ESTABLISHED);
    CHECK_EQUAL(net_counter_by_name("Tcp", "OutRsts"), 2);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPChallengeACK"), 0);
}

/* RFC 9293 3.10.7.4, second step: a reset in CLOSE-WAIT closes the
 * connection; the peer had closed already, so a send fails with EPIPE
 * (Linux), and Tcp EstabResets counts it (RFC 1213: from CLOSE-WAIT too). */
static void test_tcp_rst_in_close_wait_gives_epipe(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    pcb->failed = on_failed;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    struct captured ack;
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 2);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 2, .flags = TCP_FLAG_RST });
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(failed_error, EPIPE);
    CHECK_EQUAL(tcp_send(pcb, "x", 1), -EPIPE);
    CHECK_EQUAL(net_counter_by_name("Tcp", "EstabResets"), 1);
    tcp_close(pcb);
}

/* RFC 9293 3.5.1, figure 11: in SYN-SENT an ACK of something never sent
 * gets <SEQ=SEG.ACK><CTL=RST>, which clears the peer's half-open old
 * connection; the SYN is then retried soon, not after the 1 s RTO (Linux
 * retries 2 jiffies later). */
static void test_tcp_syn_retried_soon_after_reset_for_bad_ack(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    CHECK_EQUAL(tcp_bind(pcb, IP_ADDRESS_ANY, net_htons(OUR_PORT)), 0);
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, reset, again;
    expect_segment(&syn);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1000,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&reset, TCP_FLAG_RST, syn.seq + 1000, 0);
    net_host_clock_advance(10);
    expect_flags(&again, TCP_FLAG_SYN, syn.seq, 0);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "TCPSynRetrans"), 1);
    /* the next expiry is the doubled initial RTO */
    net_host_clock_advance(1999);
    check_no_frame();
    net_host_clock_advance(1);
    expect_flags(&again, TCP_FLAG_SYN, syn.seq, 0);
    tcp_close(pcb);
}

/* RFC 9293 3.10.7.3: in SYN-SENT a RST whose ACK is not for our SYN is
 * dropped, and the SYN is retried soon, as after our own reset for a bad
 * ACK (Linux arms its retransmission timer for 2 jiffies in both cases). */
static void test_tcp_syn_retried_soon_after_rst_with_bad_ack(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    CHECK_EQUAL(tcp_bind(pcb, IP_ADDRESS_ANY, net_htons(OUR_PORT)), 0);
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, again;
    expect_segment(&syn);
    inject_tcp(&(struct test_segment){ .seq = 1, .ack = syn.seq + 1000,
                                       .flags = TCP_FLAG_RST | TCP_FLAG_ACK });
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_SYN_SENT);
    net_host_clock_advance(10);
    expect_flags(&again, TCP_FLAG_SYN, syn.seq, 0);
    tcp_close(pcb);
}

/* RFC 9293 3.10.7.3: in SYN-SENT a RST without ACK, or whose ACK is not for
 * our SYN, is dropped (RFC 5961 3.2); an ACK not for our SYN gets
 * <SEQ=SEG.ACK><CTL=RST>; a RST acknowledging our SYN refuses the
 * connection (ECONNREFUSED, Tcp AttemptFails). */
static void test_tcp_rst_in_syn_sent_refuses(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    pcb->failed = on_failed;
    CHECK_EQUAL(tcp_bind(pcb, IP_ADDRESS_ANY, net_htons(OUR_PORT)), 0);
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, reset;
    expect_segment(&syn);
    /* an ACK not for our SYN: <SEQ=SEG.ACK><CTL=RST>, the attempt goes on */
    inject_tcp(&(struct test_segment){ .seq = 1, .ack = syn.seq + 9,
                                       .flags = TCP_FLAG_RST | TCP_FLAG_ACK });
    check_no_frame();
    inject_tcp(&(struct test_segment){ .seq = 1, .flags = TCP_FLAG_RST });
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_SYN_SENT);
    inject_tcp(&(struct test_segment){ .seq = 1, .ack = syn.seq + 9, .flags = TCP_FLAG_ACK });
    expect_flags(&reset, TCP_FLAG_RST, syn.seq + 9, 0);
    CHECK_EQUAL(pcb->state, TCP_SYN_SENT);
    inject_tcp(&(struct test_segment){ .seq = 0, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_RST | TCP_FLAG_ACK });
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(failed_error, ECONNREFUSED);
    CHECK_EQUAL(net_counter_by_name("Tcp", "AttemptFails"), 1);
    tcp_close(pcb);
}

/* RFC 9293 3.10.7.2, LISTEN: the ACK bit is checked before the SYN bit, and
 * "any acknowledgment is bad if it arrives on a connection still in the
 * LISTEN state", so a SYN,ACK (the answer to a SYN this listener never sent)
 * gets <SEQ=SEG.ACK><CTL=RST> and opens no connection, as in Linux's
 * tcp_rcv_state_process.  The listener then still answers a SYN. */
static void test_tcp_syn_ack_to_listener_gets_rst(void)
{
    tcp_stack_setup();
    test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = 0x12345678,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000 });
    struct captured reset, syn_ack;
    expect_flags(&reset, TCP_FLAG_RST, 0x12345678, 0);
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 0);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    expect_segment(&syn_ack);
    CHECK_EQUAL(syn_ack.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
    CHECK_EQUAL(syn_ack.ack, PEER_ISN + 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 1);
}

/* Listen backlog: the SYN queue is bounded; a SYN beyond it gets a SYN
 * cookie (RFC 4987 3.6, tcp/syn_cookie.h) and no pcb, and the half-open
 * connections stay.  An ACK that matches neither earns a reset. */
static void test_tcp_listen_backlog_bounds_syn_queue(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(2);
    for (uint16_t port = 1; port <= 3; port++)
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN,
                                           .window = 8000, .source_port = port });
    CHECK_EQUAL(fake_netif_transmitted_count(), 3);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 2);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesSent"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "AttemptFails"), 0);
    CHECK_EQUAL(listener->syn_pending, 2);
    CHECK_EQUAL(proc_net_tcp_entries(), 3);
    fake_netif_clear_transmitted();
    struct captured reset;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = 777, .flags = TCP_FLAG_ACK,
                                       .window = 8000, .source_port = 4 });
    expect_flags(&reset, TCP_FLAG_RST, 777, 0);
}

/* RFC 9293 3.10.7.4 first step: a retransmitted FIN in TIME-WAIT is
 * acknowledged and restarts the 2 MSL timeout; eighth step, TIME-WAIT: so
 * does a FIN that passes the first step (one at RCV.NXT; Linux's
 * tcp_timewait_state_process ACKs it and restarts the wait too). */
static void test_tcp_time_wait_acks_retransmitted_fin(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    tcp_shutdown(pcb);
    struct captured fin, ack;
    expect_segment(&fin);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);
    static const uint32_t fin_seqs[] = { PEER_ISN + 1, PEER_ISN + 2 };
    for (size_t i = 0; i < ARRAY_SIZE(fin_seqs); i++) {
        net_host_clock_advance(tcp_msl_ms);
        inject_tcp(&(struct test_segment){ .seq = fin_seqs[i], .ack = isn + 2,
                                           .flags = TCP_FLAG_FIN | TCP_FLAG_ACK,
                                           .window = 8000 });
        expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    }
    net_host_clock_advance(2 * tcp_msl_ms - 1);
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);
    net_host_clock_advance(1);
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    tcp_close(pcb);
}

/* RFC 9293 3.10.7.4, first step: a segment beyond RCV.NXT is held (its
 * FIN too) and ACKed at once (RFC 5681 4.2); eighth step: the FIN is taken
 * when the data before it arrives, "if the FIN bit is set" in order: one
 * ACK then covers the text and the FIN, and the connection is in
 * CLOSE-WAIT. */
static void test_tcp_fin_beyond_hole_taken_when_filled(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    struct captured ack;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 2, .ack = isn + 1,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000,
                                       .payload = "bc", .length = 2 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .payload = "a", .length = 1 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 5);
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_CLOSE_WAIT);
    char buffer[8];
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 3);
    CHECK(memcmp(buffer, "abc", 3) == 0);
    CHECK(tcp_at_end_of_stream(pcb));
}

/* RFC 9293 3.10.7.4 eighth step, the states not covered above: FIN-WAIT-1
 * with a FIN that also ACKs ours goes straight to TIME-WAIT; a FIN repeated
 * in CLOSE-WAIT or LAST-ACK is ACKed again and changes nothing; the ACK
 * completing a handshake may carry the FIN (SYN-RECEIVED -> CLOSE-WAIT). */
static void test_tcp_fin_in_remaining_states(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    struct captured fin, ack;
    tcp_shutdown(pcb);
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);

    struct tcp_pcb *other = tcp_pcb_new();
    CHECK_EQUAL(tcp_connect(other, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn;
    expect_segment(&syn);
    struct test_segment syn_ack = { .seq = PEER_ISN, .ack = syn.seq + 1,
                                    .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000,
                                    .destination_port = syn.source_port };
    inject_tcp(&syn_ack);
    expect_segment(&ack);
    struct test_segment peer_fin = { .seq = PEER_ISN + 1, .ack = syn.seq + 1,
                                     .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000,
                                     .destination_port = syn.source_port };
    inject_tcp(&peer_fin);
    expect_flags(&ack, TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 2);
    CHECK_EQUAL(other->state, TCP_CLOSE_WAIT);
    inject_tcp(&peer_fin);
    expect_flags(&ack, TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 2);
    CHECK_EQUAL(other->state, TCP_CLOSE_WAIT);
    tcp_shutdown(other);
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 2);
    CHECK_EQUAL(other->state, TCP_LAST_ACK);
    inject_tcp(&peer_fin);
    expect_flags(&ack, TCP_FLAG_ACK, syn.seq + 2, PEER_ISN + 2);
    CHECK_EQUAL(other->state, TCP_LAST_ACK);

    /* the listener establish_passive made */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .source_port = 40009 });
    struct captured child_syn_ack;
    expect_segment(&child_syn_ack);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = child_syn_ack.seq + 1,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000,
                                       .source_port = 40009 });
    expect_flags(&ack, TCP_FLAG_ACK, child_syn_ack.seq + 1, PEER_ISN + 2);
}

/* close() with unread data resets the connection (RFC 2525 2.17, as Linux). */
static void test_tcp_close_with_unread_data_sends_rst(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .payload = "unread", .length = 6 });
    struct captured ack, reset;
    expect_segment(&ack);
    tcp_close(pcb);
    expect_flags(&reset, TCP_FLAG_RST | TCP_FLAG_ACK, isn + 1, PEER_ISN + 7);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "OutRsts"), 1);
}

/* RFC 1122 4.2.2.13: data arriving after close() gets a RST (Linux:
 * <SEQ=SEG.ACK><CTL=RST>) and the connection is gone; after shutdown(SHUT_WR)
 * alone the same data is taken (half close). */
static void test_tcp_data_after_close_sends_rst(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    tcp_close(pcb);
    struct captured fin, reset;
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    check_no_frame();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_ACK | TCP_FLAG_PSH, .window = 8000,
                                       .payload = "late", .length = 4 });
    expect_flags(&reset, TCP_FLAG_RST, isn + 2, 0);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);      /* the listener only */
    CHECK_EQUAL(net_counter_by_name("Tcp", "OutRsts"), 1);
}

/* RFC 6528: the ISN depends on the 4-tuple and advances with a 4 µs clock. */
static void test_tcp_isn_depends_on_tuple_and_clock(void)
{
    tcp_stack_setup();
    struct tcp_pcb *a = tcp_pcb_new(), *b = tcp_pcb_new();
    CHECK_EQUAL(tcp_connect(a, PEER_ADDRESS, net_htons(80)), 0);
    CHECK_EQUAL(tcp_connect(b, PEER_ADDRESS, net_htons(81)), 0);
    CHECK(a->iss != b->iss);
    tcp_abort(a);
    tcp_abort(b);
    fake_netif_clear_transmitted();
    struct tcp_pcb *c = tcp_pcb_new();
    CHECK_EQUAL(tcp_bind(c, IP_ADDRESS_ANY, net_htons(5000)), 0);
    CHECK_EQUAL(tcp_connect(c, PEER_ADDRESS, net_htons(80)), 0);
    uint32_t first = c->iss;
    tcp_abort(c);
    net_host_clock_advance(1000);
    c = tcp_pcb_new();
    CHECK_EQUAL(tcp_bind(c, IP_ADDRESS_ANY, net_htons(5000)), 0);
    CHECK_EQUAL(tcp_connect(c, PEER_ADDRESS, net_htons(80)), 0);
    CHECK_EQUAL(c->iss - first, 250000);          /* 1 s of 4 µs ticks */
    tcp_abort(c);
    fake_netif_clear_transmitted();
}

/* A connection the stack closed first, left in TIME-WAIT (peer's FIN ACKed). */
static struct tcp_pcb *time_wait_connection(uint32_t *isn)
{
    struct tcp_pcb *pcb = establish_passive(1460, 8000, isn);
    struct captured fin, ack;
    tcp_shutdown(pcb);
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, *isn + 1, PEER_ISN + 1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = *isn + 2,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, *isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);
    return pcb;
}

/* RFC 9293 3.10.7.4 / RFC 1122 4.2.2.13 (RFC 6191 without timestamps): a
 * SYN to a connection in TIME-WAIT whose sequence number is above the old
 * RCV.NXT opens a new connection through the listener, with ISN old
 * SND.NXT + 65537 (Linux's choice); one at or below it is an old
 * duplicate and only earns an ACK, and so does a SYN-ACK (no connection
 * request) above it. */
static void test_tcp_time_wait_reopened_by_higher_syn(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = time_wait_connection(&isn);
    struct captured ack, syn_ack;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .flags = TCP_FLAG_SYN,
                                       .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);
    uint32_t new_isn = PEER_ISN + 100000;
    inject_tcp(&(struct test_segment){ .seq = new_isn, .ack = isn + 2,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 1);

    inject_tcp(&(struct test_segment){ .seq = new_isn, .flags = TCP_FLAG_SYN, .window = 8000 });
    expect_flags(&syn_ack, TCP_FLAG_SYN | TCP_FLAG_ACK, isn + 2 + 65537, new_isn + 1);
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 2);
    tcp_close(pcb);
    inject_tcp(&(struct test_segment){ .seq = new_isn + 1, .ack = isn + 2 + 65538,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    struct tcp_pcb *again = tcp_accept(test_listener_of_connections());
    CHECK(again != NULL);
    CHECK_EQUAL(again->state, TCP_ESTABLISHED);
    check_no_frame();
    tcp_abort(again);
}

/* Without a listener, TIME-WAIT stays: a higher SYN is a SYN in a
 * synchronized state (RFC 5961 4.2: challenge ACK). */
static void test_tcp_time_wait_without_listener_keeps_waiting(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = time_wait_connection(&isn);
    tcp_close(test_listener_of_connections());
    struct captured ack;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 100000, .flags = TCP_FLAG_SYN,
                                       .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_TIME_WAIT);
    tcp_close(pcb);
}

/* RFC 9293 3.10.4: CLOSE in TIME-WAIT sends nothing and the 2 MSL wait
 * goes on.  An orphan in TIME-WAIT gives its rings back (128 KiB here; Linux
 * keeps a small TIME-WAIT socket, tcp/README), closed there or closed
 * before it got there, and still acknowledges a retransmitted FIN with the
 * window it last advertised. */
static void test_tcp_time_wait_orphan_releases_buffers(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = time_wait_connection(&isn);
    struct captured ack;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    uint16_t window = ack.window;
    size_t held = net_host_allocated_bytes();
    tcp_close(pcb);
    CHECK(held - net_host_allocated_bytes() >= 2 * 64 * 1024);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(ack.window, window);
    CHECK_EQUAL(proc_net_tcp_entries(), 2);
    net_host_clock_advance(2 * tcp_msl_ms);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);

    struct tcp_pcb *orphan = establish_passive(1460, 8000, &isn);
    struct captured fin;
    tcp_close(orphan);
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    held = net_host_allocated_bytes();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(orphan->state, TCP_TIME_WAIT);
    CHECK(held - net_host_allocated_bytes() >= 2 * 64 * 1024);
}

/* RFC 9293 3.10.7.4, second step, in the states after a FIN: a RST at
 * RCV.NXT ends the connection and nothing answers it.  FIN-WAIT-1 and -2
 * report ECONNRESET (no EstabResets: RFC 1213 counts only ESTABLISHED and
 * CLOSE-WAIT); CLOSING, LAST-ACK and TIME-WAIT "enter the CLOSED state,
 * delete the TCB": the peer's next ACK then reaches the listener, which
 * answers <SEQ=SEG.ACK><CTL=RST> (3.10.7.2). */
static void test_tcp_rst_in_closing_states(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct captured fin, ack, reset;
    struct test_segment peer_fin = { .seq = PEER_ISN + 1, .flags = TCP_FLAG_FIN | TCP_FLAG_ACK,
                                     .window = 8000 };
    struct test_segment rst_after_fin = { .seq = PEER_ISN + 2, .flags = TCP_FLAG_RST };
    for (int acked = 0; acked <= 1; acked++) {        /* FIN-WAIT-1, then FIN-WAIT-2 */
        struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
        tcp_shutdown(pcb);
        expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
        if (acked)
            inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                               .flags = TCP_FLAG_ACK, .window = 8000 });
        CHECK_EQUAL(pcb->state, acked ? TCP_FIN_WAIT_2 : TCP_FIN_WAIT_1);
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .flags = TCP_FLAG_RST });
        check_no_frame();
        CHECK_EQUAL(pcb->state, TCP_CLOSED);
        char buffer[4];
        CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), -ECONNRESET);
        tcp_close(pcb);
    }
    CHECK_EQUAL(net_counter_by_name("Tcp", "EstabResets"), 0);

    /* CLOSING: the FINs crossed, ours not yet acknowledged */
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    tcp_shutdown(pcb);
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
    peer_fin.ack = isn + 1;
    inject_tcp(&peer_fin);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 2, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_CLOSING);
    inject_tcp(&rst_after_fin);
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    tcp_close(pcb);
    struct test_segment late_ack = { .seq = PEER_ISN + 2, .ack = isn + 2, .flags = TCP_FLAG_ACK,
                                     .window = 8000 };
    inject_tcp(&late_ack);
    expect_flags(&reset, TCP_FLAG_RST, isn + 2, 0);

    /* LAST-ACK: the peer closed first, then close() sent our FIN */
    pcb = establish_passive(1460, 8000, &isn);
    peer_fin.ack = isn + 1;
    inject_tcp(&peer_fin);
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 2);
    tcp_close(pcb);
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_LAST_ACK);
    CHECK_EQUAL(proc_net_tcp_entries(), 2);
    inject_tcp(&rst_after_fin);
    check_no_frame();
    CHECK_EQUAL(proc_net_tcp_entries(), 1);      /* gone: only the listener */
    late_ack.ack = isn + 2;
    inject_tcp(&late_ack);
    expect_flags(&reset, TCP_FLAG_RST, isn + 2, 0);

    /* TIME-WAIT: ended at once, not after 2 MSL (not RFC 1337, as Linux) */
    pcb = time_wait_connection(&isn);
    inject_tcp(&rst_after_fin);
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    tcp_close(pcb);
    late_ack.ack = isn + 2;
    inject_tcp(&late_ack);
    expect_flags(&reset, TCP_FLAG_RST, isn + 2, 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "EstabResets"), 0);
}

/*
 * A SYN flood (RFC 4987) against a listener with backlog 8: only 8
 * SYN-RECEIVED children exist at any time, each without rings (a pcb, less
 * than one ring for all 8), and the stack's memory stays flat however many
 * SYNs arrive (those beyond get SYN cookies, RFC 4987 3.6, and leave
 * nothing); a real client connects in the middle of it, through a cookie
 * (its ACK makes its connection); when the unanswered SYN-ACKs
 * give up (tcp_syn_retries), the children and their memory are gone.
 */
static void test_tcp_syn_flood_memory_stays_bounded(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(8);
    size_t baseline = net_host_allocated_bytes(), after_backlog = 0;
    for (uint32_t i = 0; i < 20000; i++) {
        inject_tcp(&(struct test_segment){ .seq = net_random32(), .flags = TCP_FLAG_SYN,
                                           .window = 8000,
                                           .source_port = (uint16_t)(1024 + i % 30000) });
        fake_netif_clear_transmitted();
        if (i == 8)
            after_backlog = net_host_allocated_bytes();
    }
    CHECK_EQUAL(listener->syn_pending, 8);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 8);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesSent"), 20000 - 8);
    CHECK(after_backlog > baseline);
    CHECK(after_backlog - baseline < TCP_DEFAULT_RECEIVE_BUFFER);
    CHECK_EQUAL(net_host_allocated_bytes(), after_backlog);
    uint32_t real_isn;
    struct tcp_pcb *real = establish_passive(1460, 8000, &real_isn);
    CHECK_EQUAL(listener->syn_pending, 8);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesRecv"), 1);
    tcp_abort(real);
    fake_netif_clear_transmitted();
    net_host_clock_advance(300 * 1000);
    fake_netif_clear_transmitted();
    CHECK_EQUAL(listener->syn_pending, 0);
    /* At most the baseline: the peer's ARP entry has also expired by now. */
    CHECK(net_host_allocated_bytes() <= baseline);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);
    learn_peer();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    tcp_abort(pcb);
}

/* RFC 9293 3.10.7.2, LISTEN, in its order: first a RST is ignored, one
 * with ACK too (a reset never answers a reset, 3.5.2); then an ACK gets
 * <SEQ=SEG.ACK><CTL=RST>; a SYN with FIN opens nothing (Linux drops it in
 * tcp_rcv_state_process); a SYN opens a connection. */
static void test_tcp_listen_ignores_rst_and_syn_fin(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = 5, .ack = 777,
                                       .flags = TCP_FLAG_RST | TCP_FLAG_ACK });
    check_no_frame();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN | TCP_FLAG_FIN,
                                       .window = 8000 });
    check_no_frame();
    CHECK_EQUAL(listener->syn_pending, 0);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);
    struct captured reply;
    inject_tcp(&(struct test_segment){ .seq = 5, .ack = 777, .flags = TCP_FLAG_ACK });
    expect_flags(&reply, TCP_FLAG_RST, 777, 0);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    expect_segment(&reply);
    CHECK_EQUAL(reply.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
    CHECK_EQUAL(reply.ack, PEER_ISN + 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "OutRsts"), 1);
}

/* RFC 9293 3.7.1: we send segments of the smaller of the peer's MSS and
 * ours, 536 when its SYN-ACK has none; RFC 7323 2.2-2.3: scaling is used
 * when both SYNs offered it, from the segment after the SYN-ACK, whose own
 * window is never scaled (with text on it too); RFC 2018 2: SACK is used
 * when both SYNs offered it. */
static void test_tcp_syn_ack_options_taken(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, ack;
    expect_segment(&syn);
    CHECK_EQUAL(syn.options_length, 12);
    uint8_t our_shift = syn.options[11];
    /* MSS 9000, NOP, NOP, SACK-permitted, NOP, window scale 7 */
    uint8_t options[12] = { 2, 4, 0x23, 0x28, 1, 1, 4, 2, 1, 3, 3, 7 };
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 1000,
                                       .options = options, .options_length = 12,
                                       .payload = "x", .length = 1,
                                       .destination_port = syn.source_port });
    expect_segment(&ack);
    CHECK_EQUAL(ack.flags & (TCP_FLAG_SYN | TCP_FLAG_ACK), TCP_FLAG_ACK);
    CHECK_EQUAL(ack.seq, syn.seq + 1);
    CHECK_EQUAL(pcb->state, TCP_ESTABLISHED);
    CHECK_EQUAL(pcb->mss, 1460);
    CHECK_EQUAL(pcb->snd_wscale, 7);
    CHECK_EQUAL(pcb->rcv_wscale, our_shift);
    CHECK(pcb->sack_ok);
    CHECK_EQUAL(pcb->snd_wnd, 1000);
    tcp_abort(pcb);
    fake_netif_clear_transmitted();

    struct tcp_pcb *bare = tcp_pcb_new();
    CHECK_EQUAL(tcp_connect(bare, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    expect_segment(&syn);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 1000,
                                       .destination_port = syn.source_port });
    expect_flags(&ack, TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 1);
    CHECK_EQUAL(bare->state, TCP_ESTABLISHED);
    CHECK_EQUAL(bare->mss, 536);
    CHECK_EQUAL(bare->snd_wscale, 0);
    CHECK_EQUAL(bare->rcv_wscale, 0);
    CHECK(!bare->sack_ok);
    CHECK_EQUAL(bare->snd_wnd, 1000);
    tcp_abort(bare);
    fake_netif_clear_transmitted();
}

/* RFC 9293 3.10.4: a CLOSE before the handshake is done is queued "for
 * processing after entering ESTABLISHED state" (Strata applies this to a
 * half close in SYN-SENT too, tcp/README): shutdown(SHUT_WR) in SYN-SENT
 * sends nothing, the FIN follows the handshake in FIN-WAIT-1, and its ACK
 * moves the connection to FIN-WAIT-2 (3.6, figure 12). */
static void test_tcp_shutdown_in_syn_sent_sends_fin_after_handshake(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, fin;
    expect_segment(&syn);
    CHECK_EQUAL(tcp_shutdown(pcb), 0);
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_SYN_SENT);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000,
                                       .destination_port = syn.source_port });
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 1);
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_FIN_WAIT_1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn.seq + 2,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .destination_port = syn.source_port });
    CHECK_EQUAL(pcb->state, TCP_FIN_WAIT_2);
    check_no_frame();
    tcp_abort(pcb);
    fake_netif_clear_transmitted();
}

/* RFC 1122 4.2.3.6: with SO_KEEPALIVE set before connect(), the idle time
 * counts from the handshake: without a segment from the peer, a probe
 * <SEQ=SND.UNA-1><ACK=RCV.NXT> goes after keepalive_idle_ms. */
static void test_tcp_keepalive_armed_when_established(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    pcb->keepalive_idle_ms = 5000;
    pcb->keepalive_interval_ms = 1000;
    pcb->keepalive_probes = 2;
    tcp_set_keepalive(pcb, true);
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, ack, probe;
    expect_segment(&syn);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000,
                                       .destination_port = syn.source_port });
    expect_flags(&ack, TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 1);
    net_host_clock_advance(4999);
    check_no_frame();
    net_host_clock_advance(1);
    expect_flags(&probe, TCP_FLAG_ACK, syn.seq, PEER_ISN + 1);
    CHECK_EQUAL(probe.length, 0);
    tcp_abort(pcb);
    fake_netif_clear_transmitted();
}

/* RFC 6298 2 and 3: the handshake gives the first RTT sample, of the SYN
 * (or the SYN-ACK) sent once, and its timing ends there: the next sample
 * is of the first data segment, however long the connection was idle
 * before it.  Both sides, 100 ms each time: SRTT stays 100 ms. */
static void test_tcp_handshake_rtt_sample_taken_once(void)
{
    tcp_stack_setup();
    struct tcp_pcb *active = tcp_pcb_new();
    CHECK_EQUAL(tcp_connect(active, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, syn_ack, ack, data;
    expect_segment(&syn);
    net_host_clock_advance(100);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .ack = syn.seq + 1,
                                       .flags = TCP_FLAG_SYN | TCP_FLAG_ACK, .window = 8000,
                                       .destination_port = syn.source_port });
    expect_flags(&ack, TCP_FLAG_ACK, syn.seq + 1, PEER_ISN + 1);
    CHECK_EQUAL(active->srtt_us, 100000);
    net_host_clock_advance(10000);
    CHECK_EQUAL(tcp_send(active, "x", 1), 1);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, syn.seq + 1, PEER_ISN + 1);
    net_host_clock_advance(100);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn.seq + 2,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .destination_port = syn.source_port });
    CHECK_EQUAL(active->srtt_us, 100000);
    tcp_abort(active);
    fake_netif_clear_transmitted();

    struct tcp_pcb *listener = test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    expect_segment(&syn_ack);
    net_host_clock_advance(100);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    struct tcp_pcb *passive = tcp_accept(listener);
    CHECK(passive != NULL);
    CHECK_EQUAL(passive->srtt_us, 100000);
    net_host_clock_advance(10000);
    CHECK_EQUAL(tcp_send(passive, "x", 1), 1);
    expect_flags(&data, TCP_FLAG_ACK | TCP_FLAG_PSH, syn_ack.seq + 1, PEER_ISN + 1);
    net_host_clock_advance(100);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 2,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    CHECK_EQUAL(passive->srtt_us, 100000);
    tcp_abort(passive);
    fake_netif_clear_transmitted();
}

/* RFC 9293 3.10.7.4, second step, SYN-RECEIVED after an active OPEN (a
 * simultaneous open, figure 8): a RST at RCV.NXT refuses the connection
 * (ECONNREFUSED, Tcp AttemptFails); Linux counts TcpExt EmbryonicRsts
 * only for a listener's embryonic connections. */
static void test_tcp_rst_in_simultaneous_open_refuses(void)
{
    tcp_stack_setup();
    struct tcp_pcb *pcb = tcp_pcb_new();
    pcb->failed = on_failed;
    failed_error = 0;
    CHECK_EQUAL(tcp_bind(pcb, IP_ADDRESS_ANY, net_htons(OUR_PORT)), 0);
    CHECK_EQUAL(tcp_connect(pcb, PEER_ADDRESS, net_htons(PEER_PORT)), 0);
    struct captured syn, syn_ack;
    expect_segment(&syn);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    expect_flags(&syn_ack, TCP_FLAG_SYN | TCP_FLAG_ACK, syn.seq, PEER_ISN + 1);
    CHECK_EQUAL(pcb->state, TCP_SYN_RECEIVED);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .flags = TCP_FLAG_RST });
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(failed_error, ECONNREFUSED);
    CHECK_EQUAL(net_counter_by_name("Tcp", "AttemptFails"), 1);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "EmbryonicRsts"), 0);
    tcp_close(pcb);
}

/* RFC 9293 3.10.7.4, fourth step, SYN-RECEIVED: a SYN in the window (not
 * the retransmitted one, which gets the SYN-ACK again) returns a
 * connection from a passive OPEN to LISTEN, sending nothing: the
 * half-open connection is gone, so the ACK that would have completed it
 * reaches the listener, which answers <SEQ=SEG.ACK><CTL=RST>. */
static void test_tcp_syn_in_syn_received_returns_to_listen(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    struct captured syn_ack, reset;
    expect_segment(&syn_ack);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 10, .flags = TCP_FLAG_SYN,
                                       .window = 8000 });
    check_no_frame();
    CHECK_EQUAL(listener->syn_pending, 0);
    CHECK_EQUAL(proc_net_tcp_entries(), 1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = syn_ack.seq + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&reset, TCP_FLAG_RST, syn_ack.seq + 1, 0);
    CHECK(tcp_accept(listener) == NULL);
}

/* A SYN-RECEIVED connection from the given port, its SYN-ACK's ISN back. */
static uint32_t half_open_from(uint16_t port)
{
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .source_port = port });
    struct captured syn_ack;
    expect_segment(&syn_ack);
    CHECK_EQUAL(syn_ack.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
    return syn_ack.seq;
}

static void complete_from(uint16_t port, uint32_t isn)
{
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000,
                                       .source_port = port });
}

/* listen(2): the backlog bounds the connections waiting for accept(); an
 * ACK that would complete one more is dropped, as Linux drops it (the
 * peer sends it again), and completes it once accept() has made room. */
static void test_tcp_full_accept_queue_drops_completing_ack(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(2);
    uint32_t first = half_open_from(40001), second = half_open_from(40002);
    complete_from(40001, first);
    uint32_t third = half_open_from(40003);
    complete_from(40002, second);
    CHECK_EQUAL(listener->accept_pending, 2);
    complete_from(40003, third);
    check_no_frame();
    CHECK_EQUAL(listener->accept_pending, 2);
    CHECK_EQUAL(listener->syn_pending, 1);
    struct tcp_pcb *accepted = tcp_accept(listener);
    CHECK(accepted != NULL);
    complete_from(40003, third);
    check_no_frame();
    CHECK_EQUAL(listener->accept_pending, 2);
    CHECK_EQUAL(listener->syn_pending, 0);
}

/* tcp(7) tcp_fin_timeout: an orphan (closed by the application) in
 * FIN-WAIT-2 waits tcp_fin_timeout_ms for the peer's FIN, then is gone
 * (RFC 9293 3.6 would let FIN-WAIT-2 wait forever); close() after
 * shutdown(), in FIN-WAIT-2 already, starts the same limit. */
static void test_tcp_orphan_fin_wait_2_times_out(void)
{
    tcp_stack_setup();
    for (int shut_first = 0; shut_first <= 1; shut_first++) {
        learn_peer();                 /* the ARP entry stays fresh past the first wait */
        uint32_t isn;
        struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
        struct captured fin;
        if (shut_first)
            CHECK_EQUAL(tcp_shutdown(pcb), 0);
        else
            tcp_close(pcb);
        expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 1);
        inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 2,
                                           .flags = TCP_FLAG_ACK, .window = 8000 });
        CHECK_EQUAL(pcb->state, TCP_FIN_WAIT_2);
        if (shut_first)
            tcp_close(pcb);
        CHECK_EQUAL(proc_net_tcp_entries(), 2);
        net_host_clock_advance(tcp_fin_timeout_ms - 1);
        CHECK_EQUAL(proc_net_tcp_entries(), 2);
        net_host_clock_advance(1);
        CHECK_EQUAL(proc_net_tcp_entries(), 1);       /* the listener only */
        check_no_frame();
    }
}

/* RFC 9293 3.10.7.4, fifth step, LAST-ACK: the ACK of our FIN ends the
 * connection normally ("delete the TCB, enter the CLOSED state"): after
 * shutdown() in CLOSE-WAIT the socket reads end of file, no error. */
static void test_tcp_last_ack_ends_without_error(void)
{
    tcp_stack_setup();
    uint32_t isn;
    struct tcp_pcb *pcb = establish_passive(1460, 8000, &isn);
    pcb->failed = on_failed;
    failed_error = 0;
    struct captured ack, fin;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = isn + 1,
                                       .flags = TCP_FLAG_FIN | TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&ack, TCP_FLAG_ACK, isn + 1, PEER_ISN + 2);
    CHECK_EQUAL(tcp_shutdown(pcb), 0);
    expect_flags(&fin, TCP_FLAG_FIN | TCP_FLAG_ACK, isn + 1, PEER_ISN + 2);
    CHECK_EQUAL(pcb->state, TCP_LAST_ACK);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 2, .ack = isn + 2,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    check_no_frame();
    CHECK_EQUAL(pcb->state, TCP_CLOSED);
    CHECK_EQUAL(pcb->error, 0);
    CHECK_EQUAL(failed_error, 0);
    char buffer[4];
    CHECK_EQUAL(tcp_receive(pcb, buffer, sizeof(buffer)), 0);
    CHECK_EQUAL(net_counter_by_name("Tcp", "EstabResets"), 0);
    tcp_close(pcb);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_tcp_syn_to_closed_port_gets_rst),
        TEST_ENTRY(test_tcp_passive_open_handshake),
        TEST_ENTRY(test_tcp_active_open_sends_syn_with_mss),
        TEST_ENTRY(test_tcp_simultaneous_open),
        TEST_ENTRY(test_tcp_fin_wait_to_time_wait_to_closed),
        TEST_ENTRY(test_tcp_simultaneous_close),
        TEST_ENTRY(test_tcp_passive_close_through_last_ack),
        TEST_ENTRY(test_tcp_rst_in_window_but_not_exact_gets_challenge_ack),
        TEST_ENTRY(test_tcp_syn_in_established_gets_challenge_ack),
        TEST_ENTRY(test_tcp_ack_outside_window_gets_challenge_ack),
        TEST_ENTRY(test_tcp_bad_ack_in_syn_received_gets_reset),
        TEST_ENTRY(test_tcp_rst_in_close_wait_gives_epipe),
        TEST_ENTRY(test_tcp_syn_retried_soon_after_reset_for_bad_ack),
        TEST_ENTRY(test_tcp_syn_retried_soon_after_rst_with_bad_ack),
        TEST_ENTRY(test_tcp_rst_in_syn_sent_refuses),
        TEST_ENTRY(test_tcp_syn_ack_to_listener_gets_rst),
        TEST_ENTRY(test_tcp_listen_backlog_bounds_syn_queue),
        TEST_ENTRY(test_tcp_time_wait_acks_retransmitted_fin),
        TEST_ENTRY(test_tcp_fin_in_remaining_states),
        TEST_ENTRY(test_tcp_close_with_unread_data_sends_rst),
        TEST_ENTRY(test_tcp_data_after_close_sends_rst),
        TEST_ENTRY(test_tcp_isn_depends_on_tuple_and_clock),
        TEST_ENTRY(test_tcp_time_wait_reopened_by_higher_syn),
        TEST_ENTRY(test_tcp_time_wait_without_listener_keeps_waiting),
        TEST_ENTRY(test_tcp_syn_flood_memory_stays_bounded),
        TEST_ENTRY(test_tcp_time_wait_orphan_releases_buffers),
        TEST_ENTRY(test_tcp_rst_in_closing_states),
        TEST_ENTRY(test_tcp_listen_ignores_rst_and_syn_fin),
        TEST_ENTRY(test_tcp_syn_ack_options_taken),
        TEST_ENTRY(test_tcp_shutdown_in_syn_sent_sends_fin_after_handshake),
        TEST_ENTRY(test_tcp_keepalive_armed_when_established),
        TEST_ENTRY(test_tcp_handshake_rtt_sample_taken_once),
        TEST_ENTRY(test_tcp_rst_in_simultaneous_open_refuses),
        TEST_ENTRY(test_tcp_syn_in_syn_received_returns_to_listen),
        TEST_ENTRY(test_tcp_full_accept_queue_drops_completing_ack),
        TEST_ENTRY(test_tcp_orphan_fin_wait_2_times_out),
        TEST_ENTRY(test_tcp_last_ack_ends_without_error),
        TEST_ENTRY(test_tcp_fin_beyond_hole_taken_when_filled),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
