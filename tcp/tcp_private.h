/* TCP's internals, shared by the files of tcp/ only. */
#ifndef TCP_TCP_PRIVATE_H
#define TCP_TCP_PRIVATE_H
#include "tcp.h"
#include "sequence.h"

#define TCP_HEADER_SIZE 20
#define TCP_MAX_OPTIONS 40
#define TCP_DEFAULT_MSS 536              /* RFC 9293 3.7.1: when the peer sent none */
/* The largest segment payload a pbuf holds with the largest header (pbuf.h:
 * at most 0xffff bytes from the start): below lo's MTU - 40. */
#define TCP_MAX_MSS (0xffff - PBUF_TRANSPORT_HEADROOM - TCP_HEADER_SIZE - TCP_MAX_OPTIONS)
#define TCP_MAX_WSCALE 14                /* RFC 7323 2.3 */
/* RFC 2018 3: 40 option bytes hold at most 4 blocks (2 + 8n, with 2 NOPs). */
#define TCP_SACK_BLOCKS_MAX 4

/* RFC 6298 2.1-2.5 bounds.  The minimum is Linux's TCP_RTO_MIN (200 ms), not
 * the RFC's 1 s: a LAN peer then recovers in Linux's time and tests compare
 * with Linux; 2.5 allows a maximum of at least 60 s, Linux's TCP_RTO_MAX is 120 s. */
#define TCP_RTO_INITIAL_MS 1000
#define TCP_RTO_MIN_MS 200
#define TCP_RTO_MAX_MS 120000
/* Delayed ACK (RFC 1122 4.2.3.2: < 0.5 s, at least every second full
 * segment): Linux's TCP_DELACK_MIN, 40 ms, the shortest delay it uses. */
#define TCP_DELAYED_ACK_MS 40
#define TCP_QUICK_ACKS 16                /* Linux's TCP_MAX_QUICKACKS */
#define TCP_PERSIST_MIN_MS 200
/* The SYN retried after a reset for a bad ACK in SYN-SENT: soon, as Linux
 * (TCP_TIMEOUT_MIN, 2 jiffies), to reopen once the peer's old connection
 * is gone. */
#define TCP_SYN_RETRY_SOON_MS 10
#define TCP_INITIAL_WINDOW_SEGMENTS 10   /* RFC 6928 (Linux's TCP_INIT_CWND) */
#define TCP_CHALLENGE_ACK_LIMIT 1000     /* RFC 5961 7: per second (Linux's default) */

/* A parsed segment: header fields in host order, the payload in the pbuf. */
struct tcp_segment {
    uint32_t seq, ack, len;              /* len counts SYN and FIN (RFC 9293 3.4) */
    uint32_t window;                     /* unscaled */
    uint8_t flags;
    uint16_t payload_length;
    const uint8_t *payload;
    uint32_t source, destination;        /* network order */
    uint16_t source_port, destination_port;
    /* options */
    uint16_t mss;                        /* 0 = none */
    bool has_wscale;
    uint8_t wscale;
    bool sack_permitted;                 /* on a SYN (RFC 2018 2) */
    uint8_t sack_count;                  /* SACK blocks (RFC 2018 3), as sent */
    struct tcp_range sack[TCP_SACK_BLOCKS_MAX];
};

/* pcb.c */
struct list_node *tcp_pcb_list(void);
struct tcp_pcb *tcp_pcb_lookup(uint32_t local_address, uint16_t local_port,
                               uint32_t remote_address, uint16_t remote_port);
struct tcp_pcb *tcp_listener_lookup(uint32_t local_address, uint16_t local_port);
/* A SYN's child in SYN_RECEIVED sending iss; NULL when a queue is full or
 * without memory (the SYN is dropped). */
struct tcp_pcb *tcp_pcb_new_child(struct tcp_pcb *listener, const struct tcp_segment *segment,
                                  uint32_t iss);
/* The child a valid SYN cookie stands for (syn_cookie.h), in SYN_RECEIVED
 * with its SYN-ACK (ISN iss) sent and peer_mss the MSS decoded from the
 * cookie, for ack (the ACK bearing the cookie) to complete as any child's
 * handshake; no window scale, no SACK.  Not bounded by the SYN queue (the
 * caller checks the accept queue).  NULL without memory. */
struct tcp_pcb *tcp_pcb_new_cookie_child(struct tcp_pcb *listener, const struct tcp_segment *ack,
                                         uint32_t iss, uint16_t peer_mss);
/* The MSS a SYN-ACK from listener to remote_address announces. */
uint16_t tcp_announced_mss(const struct tcp_pcb *listener, uint32_t remote_address);
void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state state);
/* The connection is over: timers stopped, off the list; frees the pcb when
 * no socket owns it.  The caller must not touch pcb afterwards. */
void tcp_pcb_closed(struct tcp_pcb *pcb);
/* Reports error to the socket (or drops an unaccepted child) and closes.
 * ETIMEDOUT becomes the soft error when one was recorded (tcp.h). */
void tcp_pcb_fail(struct tcp_pcb *pcb, int error);
void tcp_child_established(struct tcp_pcb *child);
/* Frees the rings of a pcb in TIME-WAIT that no socket owns. */
void tcp_pcb_release_buffers(struct tcp_pcb *pcb);
uint32_t tcp_initial_sequence(uint32_t local_address, uint16_t local_port,
                              uint32_t remote_address, uint16_t remote_port);

/* siphash.c */
/* SipHash-2-4 of count 64-bit words (8 * count bytes, little-endian words). */
uint64_t tcp_siphash(const uint64_t key[2], const uint64_t *words, int count);
/* A fresh random 128-bit key (net_random32). */
void tcp_random_key(uint64_t key[2]);

/* ring.c */
int tcp_ring_init(struct tcp_ring *ring, size_t size);
void tcp_ring_free(struct tcp_ring *ring);
size_t tcp_ring_space(const struct tcp_ring *ring);
size_t tcp_ring_append(struct tcp_ring *ring, const void *data, size_t length);
/* Writes at offset bytes past the end without growing length (out-of-order data). */
void tcp_ring_write_beyond(struct tcp_ring *ring, size_t offset, const void *data, size_t length);
void tcp_ring_grow(struct tcp_ring *ring, size_t length);   /* counts bytes already written beyond */
void tcp_ring_copy_out(const struct tcp_ring *ring, size_t offset, void *data, size_t length);
void tcp_ring_drop(struct tcp_ring *ring, size_t length);

/* options.c */
/* Reads MSS, window scale, SACK-permitted and SACK blocks into SEGMENT, up
 * to a malformed length if any. */
void tcp_options_parse(const uint8_t *options, size_t length, struct tcp_segment *segment);
/* Writes the MSS option (RFC 9293 3.2) announcing mss; returns its length, 4. */
size_t tcp_options_write_mss(uint16_t mss, uint8_t *out);
/* Writes the SYN's options (MSS, SACK-permitted, window scale); returns
 * their length (a multiple of 4). */
size_t tcp_options_write_syn(const struct tcp_pcb *pcb, uint8_t *out);
/* Writes the SACK blocks an ACK carries (none unless SACK was agreed and
 * out-of-order data is held); returns their length (a multiple of 4). */
size_t tcp_options_write_sack(const struct tcp_pcb *pcb, uint8_t *out);
/* The length tcp_options_write_sack would return, without writing. */
size_t tcp_options_sack_length(const struct tcp_pcb *pcb);

/* sack.c: the sender's side of SACK (RFC 2018, RFC 6675 loss recovery) */
/* Records the segment's SACK blocks that lie in (snd_una, snd_max]. */
void tcp_sack_update(struct tcp_pcb *pcb, const struct tcp_segment *segment);
/* snd_una moved: forgets what it covers (and everything, if the peer reneged). */
void tcp_sack_acknowledged(struct tcp_pcb *pcb);
void tcp_sack_clear(struct tcp_pcb *pcb);
/* RFC 6675 IsLost(snd_una): more than 2 SMSS SACKed beyond it. */
bool tcp_sack_first_hole_lost(const struct tcp_pcb *pcb);
/* RFC 6675 pipe: the bytes the sender estimates are still in the network. */
uint32_t tcp_sack_pipe(const struct tcp_pcb *pcb);
/* RFC 6675 NextSeg rules 1 and 3 (rule 3 only when no new data can go):
 * retransmits the next hole worth it, true if one went. */
bool tcp_sack_retransmit_next(struct tcp_pcb *pcb, bool new_data_possible);
/* Sending in order from seq (after a timeout): the bytes from seq that are
 * not SACKed, as [*seq, *seq + returned length), at most length. */
uint32_t tcp_sack_skip_sacked(const struct tcp_pcb *pcb, uint32_t *seq, uint32_t length);

/* range.c: ranges[0..*count) sorted, disjoint and non-adjacent */
/* Adds [start, end), merging with the ranges it touches; false when it
 * would need a range beyond capacity (nothing changes then). */
bool tcp_ranges_add(struct tcp_range *ranges, int *count, int capacity, uint32_t start,
                    uint32_t end);
void tcp_ranges_remove(struct tcp_range *ranges, int *count, int index);

/* reassembly.c */
/* Takes a segment's in-window payload (seq >= rcv_nxt, fits the ring);
 * returns bytes newly made in-order (rcv_nxt advanced by them). */
uint32_t tcp_reassembly_insert(struct tcp_pcb *pcb, uint32_t seq, const uint8_t *data,
                               uint32_t length);
void tcp_reassembly_clear(struct tcp_pcb *pcb);

/* output.c */
/* Sends what the windows, Nagle and SWS avoidance allow; an ACK if one is owed. */
void tcp_output(struct tcp_pcb *pcb);
/* Sends one segment starting at seq (SYN, data and FIN as they fall there),
 * at most max_length data bytes; counts RetransSegs when retransmission.
 * A probe (zero-window probe) does not move snd_nxt or start the
 * retransmission timer. */
enum tcp_send_kind { TCP_SEND_NEW, TCP_SEND_RETRANSMISSION, TCP_SEND_PROBE };
bool tcp_send_segment(struct tcp_pcb *pcb, uint32_t seq, uint32_t max_length,
                      enum tcp_send_kind kind);     /* false: no buffer */
void tcp_send_ack(struct tcp_pcb *pcb);
/* The payload a segment may carry now: the MSS less the SACK blocks. */
uint32_t tcp_segment_room(const struct tcp_pcb *pcb);
/* The payload new data may go out with in one frame: with segmentation
 * offload a whole number of segments up to what the interface cuts,
 * else one segment. */
uint32_t tcp_burst_room(const struct tcp_pcb *pcb);
void tcp_send_challenge_ack(struct tcp_pcb *pcb);
/* <SEQ=iss><ACK=SEG.SEQ+1><CTL=SYN,ACK> answering syn with no pcb behind it
 * (a SYN cookie): the MSS option only, the unscaled window, the listener's
 * IP_TTL and IP_TOS. */
void tcp_send_cookie_syn_ack(const struct tcp_pcb *listener, const struct tcp_segment *syn,
                             uint32_t iss, uint16_t mss, uint16_t window);
/* A reset answering segment (RFC 9293 3.10.7.1 rules). */
void tcp_send_reset_for(const struct tcp_segment *segment);
/* A reset from pcb's current send point (abort). */
void tcp_send_reset(struct tcp_pcb *pcb);
void tcp_send_keepalive_probe(struct tcp_pcb *pcb);
/* Window to advertise (RFC 1122 4.2.3.3 receiver SWS avoidance); updates rcv_adv. */
uint32_t tcp_receive_window(struct tcp_pcb *pcb);
/* Would an ACK now move the advertised right edge enough to be worth sending? */
bool tcp_window_update_due(const struct tcp_pcb *pcb);
uint32_t tcp_flight_size(const struct tcp_pcb *pcb);

/* timers.c */
void tcp_timers_stop(struct tcp_pcb *pcb);
void tcp_rearm_retransmit(struct tcp_pcb *pcb);
/* SYN-SENT, after a reset for a bad ACK: send the SYN again in
 * TCP_SYN_RETRY_SOON_MS rather than after the RTO (RFC 9293 3.5.1). */
void tcp_retry_syn_soon(struct tcp_pcb *pcb);
void tcp_arm_retransmit_if_idle(struct tcp_pcb *pcb);
void tcp_arm_persist(struct tcp_pcb *pcb);
void tcp_arm_delayed_ack(struct tcp_pcb *pcb);
void tcp_arm_keepalive(struct tcp_pcb *pcb);
void tcp_enter_time_wait(struct tcp_pcb *pcb);
void tcp_arm_fin_wait_2_timeout(struct tcp_pcb *pcb);
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t rtt_ms);

/* congestion.c */
void tcp_congestion_init(struct tcp_pcb *pcb);
/* New data acknowledged: acked bytes; may retransmit (NewReno partial ACK). */
void tcp_congestion_on_ack(struct tcp_pcb *pcb, uint32_t acked);
/* A duplicate ACK (RFC 5681 2): fast retransmit on the third. */
void tcp_congestion_on_duplicate_ack(struct tcp_pcb *pcb);
/* After an ACK's SACK blocks were recorded: recovery if they show the
 * first hole lost (RFC 6675 5). */
void tcp_congestion_on_sack(struct tcp_pcb *pcb);
/* What the sender may have in flight: cwnd, or more during limited transmit (RFC 3042). */
uint32_t tcp_congestion_window(const struct tcp_pcb *pcb);
/* After the send loop: new data went out, or cwnd held data back
 * (cwnd_limited); remembers how much of cwnd the sender used. */
void tcp_congestion_on_sent(struct tcp_pcb *pcb, bool cwnd_limited);
/* May an ACK grow cwnd: has the sender used it (RFC 7661 4.3)? */
bool tcp_congestion_window_used(const struct tcp_pcb *pcb);
void tcp_congestion_on_timeout(struct tcp_pcb *pcb);

#endif
