/* TCP's internals, shared by the files of tcp/ only. */
#ifndef TCP_TCP_PRIVATE_H
#define TCP_TCP_PRIVATE_H
#include "tcp.h"
#include "sequence.h"

#define TCP_HEADER_SIZE 20
#define TCP_MAX_OPTIONS 40
#define TCP_DEFAULT_MSS 536              /* RFC 9293 3.7.1: when the peer sent none */
#define TCP_MAX_WSCALE 14                /* RFC 7323 2.3 */

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
};

/* pcb.c */
struct list_node *tcp_pcb_list(void);
struct tcp_pcb *tcp_pcb_lookup(uint32_t local_address, uint16_t local_port,
                               uint32_t remote_address, uint16_t remote_port);
struct tcp_pcb *tcp_listener_lookup(uint32_t local_address, uint16_t local_port);
struct tcp_pcb *tcp_pcb_new_child(struct tcp_pcb *listener, const struct tcp_segment *segment,
                                  uint32_t iss);
void tcp_set_state(struct tcp_pcb *pcb, enum tcp_state state);
/* The connection is over: timers stopped, off the list; frees the pcb when
 * no socket owns it.  The caller must not touch pcb afterwards. */
void tcp_pcb_closed(struct tcp_pcb *pcb);
/* Reports error to the socket (or drops an unaccepted child) and closes. */
void tcp_pcb_fail(struct tcp_pcb *pcb, int error);
void tcp_child_established(struct tcp_pcb *child);
uint32_t tcp_initial_sequence(uint32_t local_address, uint16_t local_port,
                              uint32_t remote_address, uint16_t remote_port);
uint16_t tcp_mss_for_route(const struct tcp_pcb *pcb, uint32_t remote_address);

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
/* Reads MSS and window scale into SEGMENT, up to a malformed length if any. */
void tcp_options_parse(const uint8_t *options, size_t length, struct tcp_segment *segment);
/* Writes the SYN's options (MSS, window scale); returns their length (a multiple of 4). */
size_t tcp_options_write_syn(const struct tcp_pcb *pcb, uint8_t *out);

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
void tcp_send_challenge_ack(struct tcp_pcb *pcb);
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
void tcp_congestion_on_timeout(struct tcp_pcb *pcb);

#endif
