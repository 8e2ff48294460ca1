/* SYN cookies (RFC 4987 3.6; tcp/syn_cookie.h): the cookie itself, and a
 * listener whose SYN queue is full answering with one and keeping nothing. */
#include "tcp_test.h"
#include "ip/ip.h"
#include "netif/host/host_stack.h"
#include "tcp/syn_cookie.h"

#define LOCAL OUR_ADDRESS        /* as segments carry them: network order */
#define REMOTE PEER_ADDRESS
#define LOCAL_PORT net_htons(OUR_PORT)
#define REMOTE_PORT net_htons(PEER_PORT)

static uint16_t decode(uint32_t peer_isn, uint32_t cookie)
{
    return tcp_syn_cookie_decode(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, peer_isn, cookie);
}

static uint32_t encode(uint32_t peer_isn, uint16_t peer_mss)
{
    return tcp_syn_cookie_encode(LOCAL, LOCAL_PORT, REMOTE, REMOTE_PORT, peer_isn, peer_mss);
}

/* A valid cookie gives back the table's MSS: the largest entry not above
 * the peer's, 536 without one (RFC 9293 3.7.1's default). */
static void test_syn_cookie_decodes_its_mss(void)
{
    tcp_stack_setup();
    static const uint16_t peer[] = { 1460, 9000, 1440, 1400, 1300, 1299, 536, 100, 0 };
    static const uint16_t table[] = { 1460, 1460, 1440, 1300, 1300, 536, 536, 536, 536 };
    for (size_t i = 0; i < ARRAY_SIZE(peer); i++) {
        uint32_t isn = PEER_ISN + 7919 * (uint32_t)i;
        CHECK_EQUAL(decode(isn, encode(isn, peer[i])), table[i]);
    }
}

/* The counter is the minute: a cookie is good this minute and the next
 * (Linux's MAX_SYNCOOKIE_AGE 2), not after. */
static void test_syn_cookie_stale_counter_rejected(void)
{
    tcp_stack_setup();
    net_host_clock_advance(5 * TCP_SYN_COOKIE_MINUTE_MS + 59999);   /* the end of minute 5 */
    uint32_t cookie = encode(PEER_ISN, 1460);
    net_host_clock_advance(1);                                        /* minute 6 */
    CHECK_EQUAL(decode(PEER_ISN, cookie), 1460);
    net_host_clock_advance(TCP_SYN_COOKIE_MINUTE_MS - 1);             /* still minute 6 */
    CHECK_EQUAL(decode(PEER_ISN, cookie), 1460);
    net_host_clock_advance(1);                                        /* minute 7 */
    CHECK_EQUAL(decode(PEER_ISN, cookie), 0);
    /* 256 minutes on, the 8-bit counter comes round: the hash of the
     * counter (H2) still tells it apart. */
    net_host_clock_advance(255 * TCP_SYN_COOKIE_MINUTE_MS);
    CHECK_EQUAL(decode(PEER_ISN, cookie), 0);
}

/* The cookie belongs to its 4-tuple.  (The peer's ISN is only added in,
 * as in Linux's layout: a shifted ISN shifts the MSS index.) */
static void test_syn_cookie_wrong_tuple_rejected(void)
{
    tcp_stack_setup();
    uint32_t cookie = encode(PEER_ISN, 1460);
    CHECK_EQUAL(decode(PEER_ISN, cookie), 1460);
    CHECK_EQUAL(tcp_syn_cookie_decode(LOCAL, LOCAL_PORT, REMOTE, net_htons(PEER_PORT + 1),
                                      PEER_ISN, cookie), 0);
    CHECK_EQUAL(tcp_syn_cookie_decode(LOCAL, LOCAL_PORT, ADDRESS(10, 0, 2, 3), REMOTE_PORT,
                                      PEER_ISN, cookie), 0);
    CHECK_EQUAL(tcp_syn_cookie_decode(LOCAL, net_htons(OUR_PORT + 1), REMOTE, REMOTE_PORT,
                                      PEER_ISN, cookie), 0);
}

/* Guessed ACKs: a blind attacker's chance is about 2/256 x 4/2^24 per
 * guess, so none of 100 000 (nor the neighbours of a real cookie) passes. */
static void test_syn_cookie_forged_ack_rejected(void)
{
    tcp_stack_setup();
    uint32_t cookie = encode(PEER_ISN, 1460);
    CHECK_EQUAL(decode(PEER_ISN, cookie + 1), 0);          /* index 3 + 1: beyond the table */
    CHECK_EQUAL(decode(PEER_ISN, cookie + (1u << 24)), 0); /* a counter from the future */
    uint32_t guess = 12345, accepted = 0;
    for (int i = 0; i < 100000; i++) {
        guess = guess * 1103515245u + 12345u;
        accepted += decode(PEER_ISN, guess) != 0;
    }
    CHECK_EQUAL(accepted, 0);
}

/* The SYN queue full (backlog 1, one half-open child): the next SYN gets a
 * SYN-ACK whose ISN is its cookie, with our MSS as the only option and an
 * unscaled window, and no pcb is made.  The ACK returning the cookie makes
 * the connection: accepted, ESTABLISHED, the cookie's MSS, no window scale
 * or SACK, the data it carries delivered. */
static void test_syn_cookie_listener_full_queue(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(1);
    inject_tcp(&(struct test_segment){ .seq = 5000, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .source_port = 1111 });
    struct captured syn_ack;
    expect_segment(&syn_ack);
    CHECK_EQUAL(listener->syn_pending, 1);
    CHECK_EQUAL(proc_net_tcp_entries(), 2);
    uint8_t options[12] = { 2, 4, 0x05, 0x78, 1, 1, 4, 2, 1, 3, 3, 7 };  /* MSS 1400, SACK, wscale */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 29200,
                                       .options = options, .options_length = 12 });
    struct captured cookie;
    expect_segment(&cookie);
    check_no_frame();
    CHECK_EQUAL(cookie.flags, TCP_FLAG_SYN | TCP_FLAG_ACK);
    CHECK_EQUAL(cookie.ack, PEER_ISN + 1);
    uint8_t expected_options[4] = { 2, 4, 0x05, 0xb4 };           /* our MSS, 1460 */
    CHECK_EQUAL(cookie.options_length, 4);
    CHECK_BYTES(cookie.options, expected_options, 4);
    CHECK_EQUAL(cookie.window, 65535);
    CHECK_EQUAL(decode(PEER_ISN, cookie.seq), 1300);
    CHECK_EQUAL(listener->syn_pending, 1);
    CHECK_EQUAL(proc_net_tcp_entries(), 2);                         /* nothing kept */
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesSent"), 1);
    CHECK_EQUAL(net_counter_by_name("Tcp", "PassiveOpens"), 1);

    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = cookie.seq + 1,
                                       .flags = TCP_FLAG_ACK | TCP_FLAG_PSH, .window = 500,
                                       .payload = "hello", .length = 5 });
    struct captured ack;
    expect_flags(&ack, TCP_FLAG_ACK, cookie.seq + 1, PEER_ISN + 6);  /* quick ACK */
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesRecv"), 1);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesFailed"), 0);
    struct tcp_pcb *child = tcp_accept(listener);
    CHECK(child != NULL);
    CHECK_EQUAL(child->state, TCP_ESTABLISHED);
    CHECK_EQUAL(child->remote_port, net_htons(PEER_PORT));
    CHECK_EQUAL(child->mss, 1300);
    CHECK(!child->wscale_ok && !child->sack_ok);
    CHECK_EQUAL(child->snd_wscale, 0);
    CHECK_EQUAL(child->rcv_wscale, 0);
    CHECK_EQUAL(child->snd_wnd, 500);
    char data[8];
    CHECK_EQUAL(tcp_receive(child, data, sizeof(data)), 5);
    CHECK_BYTES(data, "hello", 5);
    CHECK_EQUAL(tcp_send(child, "ok\n", 3), 3);
    struct captured reply;
    expect_flags(&reply, TCP_FLAG_ACK | TCP_FLAG_PSH, cookie.seq + 1, PEER_ISN + 6);
    CHECK_EQUAL(listener->syn_pending, 1);                          /* the first is still half-open */
    CHECK(tcp_accept(listener) == NULL);
    tcp_abort(child);
}

/* After cookies were sent, an ACK whose cookie is not valid counts in
 * SyncookiesFailed and gets the reset any ACK to a listener gets (RFC 9293
 * 3.10.7.2), as Linux; so does a good cookie gone stale (two minutes on).
 * (tcp_syncookies 2: a cookie for every SYN, no half-open child needed.) */
static void test_syn_cookie_bad_ack_reset(void)
{
    tcp_stack_setup();
    tcp_syncookies = 2;
    test_listener(4);
    struct captured cookie, other, reset;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    expect_segment(&cookie);
    /* No MSS option: index 0 (536); 4 more is beyond the table. */
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = cookie.seq + 5,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&reset, TCP_FLAG_RST, cookie.seq + 5, 0);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesFailed"), 1);
    /* A cookie sent a minute later keeps the listener checking ACKs. */
    net_host_clock_advance(TCP_SYN_COOKIE_MINUTE_MS + 1000);
    learn_peer();
    fake_netif_clear_transmitted();
    inject_tcp(&(struct test_segment){ .seq = 5000, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .source_port = 1111 });
    expect_segment(&other);
    net_host_clock_advance(TCP_SYN_COOKIE_MINUTE_MS);
    learn_peer();
    fake_netif_clear_transmitted();
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = cookie.seq + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    expect_flags(&reset, TCP_FLAG_RST, cookie.seq + 1, 0);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesFailed"), 2);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesRecv"), 0);
    check_no_frame();
}

/* An ACK to a listener that sent no cookie is not checked for one: it is
 * reset and counted nowhere (Linux's tcp_synq_no_recent_overflow). */
static void test_syn_cookie_not_checked_without_overflow(void)
{
    tcp_stack_setup();
    test_listener(4);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = 777, .flags = TCP_FLAG_ACK,
                                       .window = 8000 });
    struct captured reset;
    expect_flags(&reset, TCP_FLAG_RST, 777, 0);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesFailed"), 0);
}

/* net.ipv4.tcp_syncookies: 0 drops the SYN the full queue cannot take; 2
 * answers every SYN with a cookie, even with room in the queue. */
static void test_syn_cookie_sysctl(void)
{
    tcp_stack_setup();
    struct tcp_pcb *listener = test_listener(1);
    tcp_syncookies = 0;
    inject_tcp(&(struct test_segment){ .seq = 5000, .flags = TCP_FLAG_SYN, .window = 8000,
                                       .source_port = 1111 });
    struct captured syn_ack, cookie;
    expect_segment(&syn_ack);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    check_no_frame();
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesSent"), 0);
    tcp_close(listener);
    fake_netif_clear_transmitted();
    listener = test_listener(4);
    tcp_syncookies = 2;
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN, .flags = TCP_FLAG_SYN, .window = 8000 });
    expect_segment(&cookie);
    CHECK_EQUAL(listener->syn_pending, 0);
    CHECK_EQUAL(decode(PEER_ISN, cookie.seq), 536);
    CHECK_EQUAL(net_counter_by_name("TcpExt", "SyncookiesSent"), 1);
    inject_tcp(&(struct test_segment){ .seq = PEER_ISN + 1, .ack = cookie.seq + 1,
                                       .flags = TCP_FLAG_ACK, .window = 8000 });
    check_no_frame();
    struct tcp_pcb *child = tcp_accept(listener);
    CHECK(child != NULL);
    CHECK_EQUAL(child->state, TCP_ESTABLISHED);
    CHECK_EQUAL(child->mss, 536);
    tcp_abort(child);
}

int main(int argc, char **argv)
{
    static const struct net_test tests[] = {
        TEST_ENTRY(test_syn_cookie_decodes_its_mss),
        TEST_ENTRY(test_syn_cookie_stale_counter_rejected),
        TEST_ENTRY(test_syn_cookie_wrong_tuple_rejected),
        TEST_ENTRY(test_syn_cookie_forged_ack_rejected),
        TEST_ENTRY(test_syn_cookie_listener_full_queue),
        TEST_ENTRY(test_syn_cookie_bad_ack_reset),
        TEST_ENTRY(test_syn_cookie_not_checked_without_overflow),
        TEST_ENTRY(test_syn_cookie_sysctl),
    };
    return net_test_run_all(tests, ARRAY_SIZE(tests), argc, argv);
}
