/*
 * The capture filter: a small subset of tcpdump's (pcap-filter(7)) language,
 * parsed into a tree and evaluated in user space on each frame's raw bytes.
 *
 *   expr      := and_expr { "or" and_expr }
 *   and_expr  := not_expr { "and" not_expr }
 *   not_expr  := "not" not_expr | "(" expr ")" | primitive
 *   primitive := "arp" | "ip" | "icmp" | "udp" | "tcp"
 *              | [ "udp" | "tcp" ] "port" NUMBER
 *              | [ "src" | "dst" ] "host" A.B.C.D
 *
 * so not binds tighter than and, and tighter than or.  The meanings are
 * tcpdump's: "port" matches either port of an unfragmented (or first-fragment)
 * UDP or TCP packet; "host" matches an IPv4 source or destination, or an ARP
 * sender or target address; "src"/"dst" keep only one side.
 *
 * Tokens are "(", ")" and words: runs of letters, digits and dots, at most
 * 63 of them; keywords are the exact lowercase words above, NUMBER is
 * decimal (0-65535), A.B.C.D what inet_pton(3) takes.  A tree holds at most
 * FILTER_MAX_NODES nodes (each primitive, not, and, or: parentheses make
 * none) and is at most FILTER_MAX_NODES levels deep (each "not" and "("
 * puts what follows one level deeper; a primitive at the top is at level 1).
 */
#ifndef SNIFF_FILTER_H
#define SNIFF_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum filter_kind {
    FILTER_ARP, FILTER_IP, FILTER_ICMP, FILTER_UDP, FILTER_TCP,
    FILTER_PORT, FILTER_HOST, FILTER_NOT, FILTER_AND, FILTER_OR,
};

enum filter_side { SIDE_EITHER, SIDE_SRC, SIDE_DST };

struct filter_node {
    enum filter_kind kind;
    uint8_t protocol;        /* FILTER_PORT: IP_PROTO_UDP, IP_PROTO_TCP or 0 for both */
    enum filter_side side;   /* FILTER_HOST */
    uint16_t port;           /* FILTER_PORT */
    uint8_t address[4];      /* FILTER_HOST, in network order */
    int left, right;         /* operands (indexes into nodes), left the one written
                                first; NOT has one, in left */
};

#define FILTER_MAX_NODES 128

struct filter {
    struct filter_node nodes[FILTER_MAX_NODES];
    int count;
    int root;                /* -1: the empty filter, which matches every frame */
};

/*
 * Parses the words of a filter (the command line's operands; tcpdump's
 * convention of joining them with spaces is kept, so "(udp" and "( udp"
 * are the same).  Returns false with a one-line reason in `error`.
 */
bool filter_parse(struct filter *filter, int word_count, char **words, char *error,
                  size_t error_size);

bool filter_match(const struct filter *filter, const uint8_t *frame, size_t captured);

#endif
