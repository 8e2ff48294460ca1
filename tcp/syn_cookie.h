/*
 * SYN cookies (RFC 4987 3.6), as Linux sends them by default
 * (net.ipv4.tcp_syncookies = 1): only while a listener's SYN queue is
 * full.  A SYN that finds it full (and the accept queue not full) is
 * answered with a SYN-ACK whose ISN is a cookie, and nothing is kept.  The
 * ACK that returns it (ack - 1) to the listener, matching no half-open
 * child, makes the child the SYN would have made, already past its
 * SYN-ACK; the ACK then completes the handshake as any child's.
 *
 * The cookie (Linux's layout, net/ipv4/syncookies.c as documented there):
 *
 *   cookie = H1(tuple) + peer ISN + (counter << 24)
 *            + ((H2(tuple, counter) + mss index) mod 2^24)
 *
 * H1 and H2 are SipHash-2-4 (siphash.c) under two 128-bit keys drawn at
 * random on first use (at boot, for the kernel); the tuple is local
 * address and port, remote address and port, as they arrive (network
 * order).  counter is the minute since boot (net_now_ms() / 60000, Linux's
 * tcp_cookie_time); its low 8 bits are the cookie's top 8.  A cookie is
 * valid while the counter has moved on by less than TCP_SYN_COOKIE_MAX_AGE
 * (2 as Linux: sent this minute or the one before, so 1 to 2 minutes).
 * The mss index picks from tcp_syn_cookie_mss_table (Linux's msstab,
 * 536, 1300, 1440, 1460): the largest entry not above the peer's MSS (536
 * when its SYN had none).  A forged ACK passes with probability about
 * 2/256 x 4/2^24.
 *
 * Options the cookie cannot carry are off for such a connection: no
 * window scale (the SYN-ACK's window is at most 65535, unscaled) and no
 * SACK, and the SYN-ACK carries only our MSS.  Linux encodes them in the
 * timestamp option; Strata has no timestamps, and Linux without them does
 * as Strata does.  The connection's MSS is the table's, not quite the
 * peer's.
 *
 * Counted in /proc/net/netstat as Linux counts them: TcpExt SyncookiesSent
 * (a cookie SYN-ACK sent), SyncookiesRecv (an ACK with a valid cookie),
 * SyncookiesFailed (an ACK to a listener that sent cookies in the last 2
 * minutes whose cookie is not valid: it earns a reset, as any ACK to a
 * listener does).  An ACK to a listener that has sent no cookie lately is
 * not checked (Linux's tcp_synq_no_recent_overflow).
 *
 * tcp_syncookies (net.ipv4.tcp_syncookies): 0, never (a SYN finding the
 * SYN queue full is dropped); 1, when the SYN queue is full (default); 2,
 * for every SYN (Linux's meaning, for tests).
 */
#ifndef TCP_SYN_COOKIE_H
#define TCP_SYN_COOKIE_H
#include "tcp_private.h"

#define TCP_SYN_COOKIE_MAX_AGE 2          /* counter steps (minutes), Linux's MAX_SYNCOOKIE_AGE */
#define TCP_SYN_COOKIE_MINUTE_MS 60000

extern const uint16_t tcp_syn_cookie_mss_table[4];

/* The cookie for a SYN of the tuple with sequence number peer_isn and MSS
 * option peer_mss (0: none), at the current counter. */
uint32_t tcp_syn_cookie_encode(uint32_t local_address, uint16_t local_port,
                               uint32_t remote_address, uint16_t remote_port, uint32_t peer_isn,
                               uint16_t peer_mss);
/* The MSS a cookie of the tuple and peer_isn encodes (a table entry), or 0
 * when it is not a cookie we sent within TCP_SYN_COOKIE_MAX_AGE. */
uint16_t tcp_syn_cookie_decode(uint32_t local_address, uint16_t local_port,
                               uint32_t remote_address, uint16_t remote_port, uint32_t peer_isn,
                               uint32_t cookie);

enum tcp_syn_cookie_verdict {
    TCP_SYN_COOKIE_NOT_TAKEN,   /* LISTEN's processing goes on (RFC 9293 3.10.7.2) */
    TCP_SYN_COOKIE_DONE,        /* answered or dropped: nothing more to do */
    TCP_SYN_COOKIE_CHILD,       /* *child made: process the segment as its */
};
/* A segment to listener (in LISTEN): a SYN that finds the SYN queue full
 * gets a cookie SYN-ACK (DONE); an ACK (no SYN, no RST) with a valid cookie
 * makes *child (CHILD), or is dropped when the accept queue is full or
 * memory short (DONE, as Linux); anything else is NOT_TAKEN. */
enum tcp_syn_cookie_verdict tcp_syn_cookie_input(struct tcp_pcb *listener,
                                                 const struct tcp_segment *segment,
                                                 struct tcp_pcb **child);
/* The window a cookie SYN-ACK from listener announces: its connections'
 * receive ring, at most 65535 (no window scale). */
uint32_t tcp_syn_cookie_window(const struct tcp_pcb *listener);

#endif
