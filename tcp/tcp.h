/*
 * TCP (RFC 9293, RFC 1122 4.2): the interface the tcp socket kind uses.
 *
 * A tcp_pcb is one connection (or one listener).  The socket layer makes it
 * with tcp_pcb_new, fills the callbacks and owner, and drives it with
 * tcp_bind / tcp_listen / tcp_connect / tcp_send / tcp_receive /
 * tcp_shutdown.  Every call runs in the network context (net_lock held).
 *
 * Ownership.  A pcb belongs to its socket until tcp_close or tcp_abort;
 * after either the socket must not touch it again: the stack finishes the
 * connection on its own (FIN handshake, TIME_WAIT) and frees the pcb when
 * it reaches CLOSED.  A connection a listener accepted belongs to the
 * listener (callbacks NULL) until tcp_accept hands it to a new socket.
 * A pcb the peer reset or that timed out stays CLOSED, with error set,
 * until its socket closes it.
 *
 * Callbacks run in the network context and must not call back into TCP
 * except through the non-freeing calls (tcp_receive, tcp_send, getters).
 */
#ifndef TCP_TCP_H
#define TCP_TCP_H
#include "../netif/pbuf.h"

struct tcp_header {
    uint16_t source_port, destination_port;
    uint32_t sequence, acknowledgment;
    uint8_t data_offset;          /* high 4 bits: header length in 32-bit words */
    uint8_t flags;
    uint16_t window, checksum, urgent_pointer;
} __attribute__((packed));

enum {
    TCP_FLAG_FIN = 0x01, TCP_FLAG_SYN = 0x02, TCP_FLAG_RST = 0x04, TCP_FLAG_PSH = 0x08,
    TCP_FLAG_ACK = 0x10, TCP_FLAG_URG = 0x20, TCP_FLAG_ECE = 0x40, TCP_FLAG_CWR = 0x80,
};

/* The eleven states of RFC 9293 3.3.2, numbered as Linux numbers them
 * (/proc/net/tcp's st column, tcp_info's tcpi_state). */
enum tcp_state {
    TCP_ESTABLISHED = 1, TCP_SYN_SENT = 2, TCP_SYN_RECEIVED = 3, TCP_FIN_WAIT_1 = 4,
    TCP_FIN_WAIT_2 = 5, TCP_TIME_WAIT = 6, TCP_CLOSED = 7, TCP_CLOSE_WAIT = 8,
    TCP_LAST_ACK = 9, TCP_LISTEN = 10, TCP_CLOSING = 11,
};

/*
 * A byte ring: the send queue (unacknowledged and unsent data) and the
 * receive queue (in-order data not yet read, and out-of-order data parked
 * at its place beyond it).  Invariant: length <= size; the bytes are
 * data[(head + i) % size] for i < length.  data is NULL (and length 0) in
 * a listener's child until its handshake completes, size being what it
 * will get (tcp_pcb_new_child), and in a pcb whose rings were released
 * (size 0).
 */
struct tcp_ring {
    uint8_t *data;
    size_t size, head, length;
};

/* Out-of-order data already in the receive ring: at most this many holes. */
#define TCP_REASSEMBLY_RANGES 16
struct tcp_range {
    uint32_t start, end;          /* sequence numbers, [start, end) */
};
/* SACK blocks the peer reported that the sender remembers: at most this many. */
#define TCP_SCOREBOARD_RANGES 16

struct tcp_pcb {
    /* Identity (network order; 0 = any while unbound or listening). */
    uint32_t local_address, remote_address;
    uint16_t local_port, remote_port;
    enum tcp_state state;
    int error;                    /* pending errno for the socket (SO_ERROR), 0 = none */
    int soft_error;               /* the last ICMP error that left the connection up (RFC
                                   * 1122 4.2.3.9; Linux's sk_err_soft), 0 = none: SO_ERROR
                                   * reports it when no error is pending, a time-out reports
                                   * it instead of ETIMEDOUT, an ACK of new data clears it */

    /* Send sequence variables (RFC 9293 3.3.1). */
    uint32_t iss, snd_una, snd_nxt, snd_max;   /* snd_max: highest sequence sent + 1 */
    uint32_t snd_wnd, snd_wl1, snd_wl2, max_snd_wnd;
    uint32_t snd_buffer_seq;      /* sequence number of send.data[head] */
    bool fin_queued;              /* shutdown(SHUT_WR): FIN follows the queued data */
    /* Receive sequence variables. */
    uint32_t irs, rcv_nxt, rcv_adv;            /* rcv_adv: right edge we advertised */
    bool fin_received;            /* the peer's FIN consumed (rcv_nxt counts it) */
    bool ooo_fin;                 /* an out-of-order FIN at ooo_fin_seq is waiting */
    uint32_t ooo_fin_seq;
    struct tcp_range ooo[TCP_REASSEMBLY_RANGES];
    int ooo_count;                /* ranges sorted, disjoint, all beyond rcv_nxt */
    uint32_t ooo_latest;          /* start of the latest out-of-order segment (first SACK block) */
    struct tcp_ring send, receive;

    /* Options (RFC 9293 3.7.1 MSS, RFC 7323 window scale). */
    uint16_t mss;                 /* what we send in a segment (peer's MSS, our MTU) */
    uint16_t advertised_mss;      /* what we announced: MTU - 40, at most user_mss */
    uint16_t user_mss;            /* TCP_MAXSEG: caps both; 0 = none (listeners pass it on) */
    uint32_t gso_max_size;        /* the route's interface cuts frames this large into
                                   * segments (netif gso_max_size); 0 = it cannot */
    uint8_t snd_wscale, rcv_wscale;            /* shifts; 0 unless both sides offered */
    bool wscale_ok;
    bool sack_ok;                 /* both sides sent SACK-permitted (RFC 2018 2) */
    bool nodelay;                 /* TCP_NODELAY: no Nagle (RFC 896) */
    bool corked;                  /* during tcp_send_more's push only: a partial segment waits */
    bool keepalive;               /* SO_KEEPALIVE */
    bool reuse_address;           /* SO_REUSEADDR */
    uint8_t ttl;                  /* IP_TTL for every segment sent, 0 = the default */
    uint8_t type_of_service;      /* IP_TOS for every segment sent */
    uint32_t keepalive_idle_ms, keepalive_interval_ms, keepalive_probes;

    /* Retransmission (RFC 6298) and congestion control (RFC 5681, RFC 6582). */
    uint32_t srtt_us, rttvar_us, rto_ms;
    bool rtt_timing;              /* timing rtt_seq (Karn: never a retransmitted one) */
    uint32_t rtt_seq;
    uint64_t rtt_start_ms;
    uint32_t retransmits;         /* consecutive RTO expiries without an ACK (give-up count) */
    uint32_t backoff;             /* RTO doublings in force (RFC 6298 5.5): Karn's rule keeps
                                   * them until an RTT sample, not the first new ACK */
    uint32_t total_retransmits;
    uint32_t cwnd, ssthresh, bytes_acked;
    uint32_t dupacks, recover;
    bool in_recovery;
    /* Congestion window validation (RFC 7661, by Linux's rule; congestion.c):
     * over the data sent up to cwnd_usage_end, whether the sender was ever
     * held back by cwnd, and else the largest FlightSize it reached.  A new
     * stretch starts once SND.UNA reaches cwnd_usage_end. */
    bool cwnd_limited;
    uint32_t max_flight_size, cwnd_usage_end;
    /* SACK scoreboard (RFC 6675 3): what the peer reported holding beyond
     * snd_una.  Invariant: sorted, disjoint, non-adjacent, every range
     * inside (snd_una, snd_max].  high_rxt: in SACK loss recovery, holes
     * below it were already retransmitted (RFC 6675 HighRxt). */
    struct tcp_range sacked[TCP_SCOREBOARD_RANGES];
    int sacked_count;
    uint32_t high_rxt;
    uint32_t keepalive_probes_sent;
    uint32_t persist_backoff;

    /* Delayed ACK (RFC 1122 4.2.3.2). */
    uint32_t unacked_bytes;       /* received in order since our last ACK */
    uint32_t quick_acks;          /* data segments still to ACK at once (Linux's quick ACK) */
    bool ack_now;

    struct net_timer retransmit_timer, persist_timer, delayed_ack_timer,
        keepalive_timer, time_wait_timer;

    /* Listener side: connections in SYN_RECEIVED, and established ones
     * waiting for tcp_accept (both bounded by the backlog). */
    struct tcp_pcb *listener;     /* for a child not yet accepted */
    struct list_node accept_queue, accept_node;
    uint32_t backlog, syn_pending, accept_pending;
    /* A listener's last SYN cookie (syn_cookie.h): ACKs are checked for
     * one only within a cookie's lifetime after it. */
    bool syn_cookies_sent;
    uint64_t syn_cookie_sent_ms;

    bool owned;                   /* a socket holds it (else the stack frees it at CLOSED) */
    struct list_node node;        /* on the PCB list while bound */

    /* For the socket layer. */
    void *owner;
    uint32_t uid;                 /* /proc/net/tcp's uid and inode columns */
    unsigned long inode;
    void (*established)(struct tcp_pcb *pcb);      /* connect finished */
    void (*readable)(struct tcp_pcb *pcb);         /* data or FIN arrived */
    void (*writable)(struct tcp_pcb *pcb);         /* send space opened */
    void (*failed)(struct tcp_pcb *pcb, int error); /* reset, refused, timed out */
    void (*accept_ready)(struct tcp_pcb *listener); /* tcp_accept has one */
};

/* Defaults (Linux's tcp_rmem/tcp_wmem are larger; these fit without scaling). */
#define TCP_DEFAULT_SEND_BUFFER (64 * 1024)
#define TCP_DEFAULT_RECEIVE_BUFFER (64 * 1024)

/* A new CLOSED pcb owned by the caller, or NULL (ENOMEM). */
struct tcp_pcb *tcp_pcb_new(void);
/* Buffer sizes (SO_SNDBUF / SO_RCVBUF): while CLOSED or LISTEN (a listener's
 * connections inherit them); -EISCONN once connecting.  -ENOMEM. */
int tcp_set_buffer_sizes(struct tcp_pcb *pcb, size_t send_size, size_t receive_size);

/* port 0 picks an ephemeral port.  -EINVAL (already bound), -EADDRINUSE, -EADDRNOTAVAIL. */
int tcp_bind(struct tcp_pcb *pcb, uint32_t address, uint16_t port);
/* A fresh pcb takes over the binding of the socket's previous one (Linux
 * keeps a socket's bind bucket across tcp_disconnect): no conflict check. */
void tcp_bind_again(struct tcp_pcb *pcb, uint32_t address, uint16_t port);
/* Passive OPEN.  -EINVAL unless CLOSED (or already LISTEN: new backlog). */
int tcp_listen(struct tcp_pcb *pcb, uint32_t backlog);
/* The next established connection a listener holds, now owned by the caller; NULL if none. */
struct tcp_pcb *tcp_accept(struct tcp_pcb *listener);
/* Active OPEN: sends the SYN.  -EISCONN, -EALREADY, -ENETUNREACH, -EADDRNOTAVAIL... */
int tcp_connect(struct tcp_pcb *pcb, uint32_t address, uint16_t port);

/* Copies up to length bytes into the send queue; returns how many (0 when
 * full), or -EPIPE (after SHUT_WR or in a closing state), -ENOTCONN, the
 * pending error (ECONNRESET...). */
long tcp_send(struct tcp_pcb *pcb, const void *data, size_t length);
/* MSG_MORE: as tcp_send, but a partial segment waits for more data (Linux's
 * TCP_NAGLE_CORK for this push).  It goes with the next push (a send, an
 * ACK), or when the persist timer fires while nothing is outstanding, as
 * Linux's probe timer sends it. */
long tcp_send_more(struct tcp_pcb *pcb, const void *data, size_t length);
/* Copies up to length bytes out of the receive queue and opens the window;
 * returns how many, 0 at end of stream (FIN read), -EAGAIN when nothing
 * is there yet, -ENOTCONN, or the pending error. */
long tcp_receive(struct tcp_pcb *pcb, void *data, size_t length);
/* Bytes ready to read / free send space (poll, FIONREAD, SIOCOUTQ). */
size_t tcp_readable_bytes(const struct tcp_pcb *pcb);
size_t tcp_send_space(const struct tcp_pcb *pcb);
size_t tcp_unsent_bytes(const struct tcp_pcb *pcb);
/* Has the peer's FIN been reached (reads return 0 once the queue is empty)? */
bool tcp_at_end_of_stream(const struct tcp_pcb *pcb);
/* shutdown(SHUT_WR): FIN after the queued data.  -ENOTCONN. */
int tcp_shutdown(struct tcp_pcb *pcb);
/* close(): FIN (or RST when unread data is thrown away, as Linux); gives the pcb up. */
void tcp_close(struct tcp_pcb *pcb);
/* Abortive close: RST to the peer (in synchronized states); gives the pcb up. */
void tcp_abort(struct tcp_pcb *pcb);

void tcp_set_nodelay(struct tcp_pcb *pcb, bool on);
void tcp_set_keepalive(struct tcp_pcb *pcb, bool on);

/* tcp_info-style figures. */
struct tcp_pcb_info {
    enum tcp_state state;
    uint32_t rtt_us, rttvar_us, rto_us;
    uint32_t snd_mss, rcv_mss, snd_cwnd, snd_ssthresh;   /* cwnd, ssthresh in segments */
    uint32_t retransmits, total_retransmits;
    uint8_t snd_wscale, rcv_wscale;
    bool sack_ok, wscale_ok;
    uint32_t unacked, sacked, rcv_space;   /* unacked, sacked: segments, as Linux's tcpi_ */
};
void tcp_get_info(const struct tcp_pcb *pcb, struct tcp_pcb_info *info);

/* /proc/net/sockstat's TCP figures, as Linux counts them: connections no
 * socket holds any more (closed, still finishing; TIME-WAIT not counted)
 * and those in TIME-WAIT. */
void tcp_pcb_census(size_t *orphans, size_t *time_wait);

/* /proc/net/tcp, in Linux's format. */
size_t tcp_pcb_format(char *buffer, size_t size);

/* Tunables (Linux sysctl names in comments); tests shorten them. */
extern uint32_t tcp_msl_ms;            /* TIME_WAIT lasts 2 * MSL (Linux: 60 s in all) */
extern uint32_t tcp_syn_retries;       /* net.ipv4.tcp_syn_retries */
extern uint32_t tcp_retries2;          /* net.ipv4.tcp_retries2 */
extern uint32_t tcp_fin_timeout_ms;    /* net.ipv4.tcp_fin_timeout: orphaned FIN_WAIT_2 */
extern uint32_t tcp_sack;              /* net.ipv4.tcp_sack: offer SACK (1, Linux's default) or not */
extern uint32_t tcp_syncookies;        /* net.ipv4.tcp_syncookies: 0, 1 (default), 2 (tcp/syn_cookie.h) */

void tcp_init(void);

#endif
