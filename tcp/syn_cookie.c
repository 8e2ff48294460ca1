/*
 * SYN cookies (RFC 4987 3.6): the contract, the cookie's layout and the
 * choices are in syn_cookie.h.
 */
#include "syn_cookie.h"
#include "../netif/counters.h"

uint32_t tcp_syncookies = 1;

const uint16_t tcp_syn_cookie_mss_table[4] = { 536, 1300, 1440, 1460 };

#define COUNTER_SHIFT 24
#define LOW_MASK ((1u << COUNTER_SHIFT) - 1)

/* The two keys, H1's then H2's, drawn on first use. */
static const uint64_t *keys(void)
{
    static uint64_t secret[4];
    static bool keyed;
    if (!keyed) {
        tcp_random_key(secret);
        tcp_random_key(secret + 2);
        keyed = true;
    }
    return secret;
}

static uint32_t counter_now(void)
{
    return (uint32_t)(net_now_ms() / TCP_SYN_COOKIE_MINUTE_MS);
}

/* H1 (with_counter false) or H2 of the tuple. */
static uint32_t tuple_hash(uint32_t local_address, uint16_t local_port, uint32_t remote_address,
                           uint16_t remote_port, bool with_counter, uint32_t counter)
{
    uint64_t words[3] = { (uint64_t)local_address << 32 | remote_address,
                          (uint64_t)local_port << 16 | remote_port, counter };
    return (uint32_t)tcp_siphash(keys() + (with_counter ? 2 : 0), words, with_counter ? 3 : 2);
}

uint32_t tcp_syn_cookie_encode(uint32_t local_address, uint16_t local_port,
                               uint32_t remote_address, uint16_t remote_port, uint32_t peer_isn,
                               uint16_t peer_mss)
{
    if (!peer_mss)
        peer_mss = TCP_DEFAULT_MSS;
    uint32_t index = ARRAY_SIZE(tcp_syn_cookie_mss_table) - 1;
    while (index > 0 && tcp_syn_cookie_mss_table[index] > peer_mss)
        index--;
    uint32_t counter = counter_now();
    uint32_t low = (tuple_hash(local_address, local_port, remote_address, remote_port, true,
                               counter) + index) & LOW_MASK;
    return tuple_hash(local_address, local_port, remote_address, remote_port, false, 0) +
           peer_isn + (counter << COUNTER_SHIFT) + low;
}

uint16_t tcp_syn_cookie_decode(uint32_t local_address, uint16_t local_port,
                               uint32_t remote_address, uint16_t remote_port, uint32_t peer_isn,
                               uint32_t cookie)
{
    uint32_t value = cookie - peer_isn -
                     tuple_hash(local_address, local_port, remote_address, remote_port, false, 0);
    uint32_t counter = counter_now();
    uint32_t age = (counter - (value >> COUNTER_SHIFT)) & (0xffffffffu >> COUNTER_SHIFT);
    if (age >= TCP_SYN_COOKIE_MAX_AGE || age > counter)
        return 0;
    uint32_t index = (value - tuple_hash(local_address, local_port, remote_address, remote_port,
                                         true, counter - age)) & LOW_MASK;
    return index < ARRAY_SIZE(tcp_syn_cookie_mss_table) ? tcp_syn_cookie_mss_table[index] : 0;
}

uint32_t tcp_syn_cookie_window(const struct tcp_pcb *listener)
{
    return (uint32_t)MIN(listener->receive.size, (size_t)65535);
}

/* Linux's tcp_synq_no_recent_overflow: cookies are checked only on a
 * listener that sent one within their lifetime. */
static bool sent_cookies_lately(const struct tcp_pcb *listener)
{
    return listener->syn_cookies_sent &&
           net_now_ms() - listener->syn_cookie_sent_ms <
               (uint64_t)TCP_SYN_COOKIE_MAX_AGE * TCP_SYN_COOKIE_MINUTE_MS;
}

static void send_cookie(struct tcp_pcb *listener, const struct tcp_segment *syn)
{
    uint32_t cookie = tcp_syn_cookie_encode(syn->destination, syn->destination_port, syn->source,
                                            syn->source_port, syn->seq, syn->mss);
    listener->syn_cookies_sent = true;
    listener->syn_cookie_sent_ms = net_now_ms();
    NET_COUNT(TCPEXT_SYNCOOKIES_SENT);
    tcp_send_cookie_syn_ack(listener, syn, cookie, tcp_announced_mss(listener, syn->source),
                            (uint16_t)tcp_syn_cookie_window(listener));
}

enum tcp_syn_cookie_verdict tcp_syn_cookie_input(struct tcp_pcb *listener,
                                                 const struct tcp_segment *segment,
                                                 struct tcp_pcb **child)
{
    uint8_t flags = segment->flags & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST | TCP_FLAG_FIN);
    if (!tcp_syncookies)
        return TCP_SYN_COOKIE_NOT_TAKEN;
    if (flags == TCP_FLAG_SYN) {
        /* A full accept queue drops the SYN, cookie or not (Linux's
         * tcp_conn_request): LISTEN's processing does that. */
        if (listener->accept_pending >= listener->backlog ||
            (tcp_syncookies == 1 && listener->syn_pending < listener->backlog))
            return TCP_SYN_COOKIE_NOT_TAKEN;
        send_cookie(listener, segment);
        return TCP_SYN_COOKIE_DONE;
    }
    if ((flags & (TCP_FLAG_SYN | TCP_FLAG_ACK | TCP_FLAG_RST)) != TCP_FLAG_ACK ||
        !sent_cookies_lately(listener))
        return TCP_SYN_COOKIE_NOT_TAKEN;
    uint32_t iss = segment->ack - 1;
    uint16_t mss = tcp_syn_cookie_decode(segment->destination, segment->destination_port,
                                         segment->source, segment->source_port,
                                         segment->seq - 1, iss);
    if (!mss) {
        NET_COUNT(TCPEXT_SYNCOOKIES_FAILED);
        return TCP_SYN_COOKIE_NOT_TAKEN;       /* LISTEN resets an ACK */
    }
    NET_COUNT(TCPEXT_SYNCOOKIES_RECV);
    /* A full accept queue drops the ACK (Linux's tcp_v4_syn_recv_sock);
     * the peer's retransmission brings the cookie back. */
    if (listener->accept_pending >= listener->backlog)
        return TCP_SYN_COOKIE_DONE;
    *child = tcp_pcb_new_cookie_child(listener, segment, iss, mss);
    return *child ? TCP_SYN_COOKIE_CHILD : TCP_SYN_COOKIE_DONE;
}
