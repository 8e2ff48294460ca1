/*
 * The filter parser: a lexer over the joined words and one recursive-descent
 * function per grammar rule in filter.h.  Errors stop at the first one, and
 * name what was expected and what was found.
 */
#include "filter.h"
#include "protocols.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* LAB(sniffer) BEGIN: the lexer (tokens: "(", ")" and words of letters, digits and dots)
 * and one recursive-descent function per rule of the grammar in filter.h, each adding its
 * node to filter->nodes (at most FILTER_MAX_NODES nodes, at most as many levels deep)
 * and stopping at the first error with the exact message that labs/01-sniffer/README.md
 * lists under "filter_parse.c" (the table "message | when | e.g."). */
#define TOKEN_MAX 64

struct parser {
    struct filter *filter;
    const char *next;          /* where lexing resumes */
    char token[TOKEN_MAX];     /* the current token; "" at the end */
    int depth;                 /* of nested "not" and "(", bounding the recursion */
    char *error;
    size_t error_size;
    bool failed;
};

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '.';
}

/* Returns -1, the "no node" index, so that callers can `return fail(...)`. */
static int fail(struct parser *p, const char *format, ...)
{
    if (!p->failed) {
        va_list args;
        va_start(args, format);
        vsnprintf(p->error, p->error_size, format, args);
        va_end(args);
        p->failed = true;
    }
    return -1;
}

/* The current token as an error message shows it. */
static const char *found(struct parser *p)
{
    static char quoted[TOKEN_MAX + 2];
    if (p->token[0] == '\0')
        return "the end of the filter";
    snprintf(quoted, sizeof quoted, "'%s'", p->token);
    return quoted;
}

/* Tokens are "(", ")" and runs of letters, digits and dots. */
static void advance(struct parser *p)
{
    while (isspace((unsigned char)*p->next))
        p->next++;
    const char *start = p->next;
    if (*start == '(' || *start == ')')
        p->next++;
    else
        while (is_word_char(*p->next))
            p->next++;
    size_t length = (size_t)(p->next - start);
    if (length == 0 && *start != '\0') {
        fail(p, "unexpected character '%c'", *start);
        p->token[0] = '\0';
        return;
    }
    if (length >= TOKEN_MAX) {
        fail(p, "word too long: '%.20s...'", start);
        p->token[0] = '\0';
        return;
    }
    memcpy(p->token, start, length);
    p->token[length] = '\0';
}

static bool accept_word(struct parser *p, const char *word)
{
    if (p->failed || strcmp(p->token, word) != 0)
        return false;
    advance(p);
    return true;
}

static int add_node(struct parser *p, struct filter_node node)
{
    if (p->failed)
        return -1;
    if (p->filter->count == FILTER_MAX_NODES)
        return fail(p, "filter too long (more than %d terms)", FILTER_MAX_NODES);
    p->filter->nodes[p->filter->count] = node;
    return p->filter->count++;
}

static int add_operator(struct parser *p, enum filter_kind kind, int left, int right)
{
    return add_node(p, (struct filter_node){ .kind = kind, .left = left, .right = right });
}

static int parse_port(struct parser *p, uint8_t protocol, const char *after)
{
    char *end;
    unsigned long port = strtoul(p->token, &end, 10);
    if (!isdigit((unsigned char)p->token[0]) || *end != '\0' || port > 65535)
        return fail(p, "expected a port number (0-65535) after '%s', got %s", after,
                    found(p));
    advance(p);
    return add_node(p, (struct filter_node){ .kind = FILTER_PORT, .protocol = protocol,
                                            .port = (uint16_t)port });
}

static int parse_host(struct parser *p, enum filter_side side)
{
    struct filter_node node = { .kind = FILTER_HOST, .side = side };
    if (inet_pton(AF_INET, p->token, node.address) != 1)
        return fail(p, "expected an IPv4 address A.B.C.D after 'host', got %s", found(p));
    advance(p);
    return add_node(p, node);
}

static int parse_or(struct parser *p);

static int parse_primitive(struct parser *p)
{
    if (accept_word(p, "(")) {
        int inner = parse_or(p);
        if (!accept_word(p, ")"))
            return fail(p, "expected ')', got %s", found(p));
        return inner;
    }
    if (accept_word(p, "arp"))
        return add_node(p, (struct filter_node){ .kind = FILTER_ARP });
    if (accept_word(p, "ip"))
        return add_node(p, (struct filter_node){ .kind = FILTER_IP });
    if (accept_word(p, "icmp"))
        return add_node(p, (struct filter_node){ .kind = FILTER_ICMP });
    if (accept_word(p, "udp"))
        return accept_word(p, "port") ? parse_port(p, IP_PROTO_UDP, "udp port")
                                 : add_node(p, (struct filter_node){ .kind = FILTER_UDP });
    if (accept_word(p, "tcp"))
        return accept_word(p, "port") ? parse_port(p, IP_PROTO_TCP, "tcp port")
                                 : add_node(p, (struct filter_node){ .kind = FILTER_TCP });
    if (accept_word(p, "port"))
        return parse_port(p, 0, "port");
    if (accept_word(p, "host"))
        return parse_host(p, SIDE_EITHER);
    if (accept_word(p, "src"))
        return accept_word(p, "host") ? parse_host(p, SIDE_SRC)
                                 : fail(p, "expected 'host' after 'src', got %s", found(p));
    if (accept_word(p, "dst"))
        return accept_word(p, "host") ? parse_host(p, SIDE_DST)
                                 : fail(p, "expected 'host' after 'dst', got %s", found(p));
    return fail(p, "expected arp, ip, icmp, udp, tcp, port, host, src, dst, not or '(', "
                   "got %s", found(p));
}

static int parse_not(struct parser *p)
{
    if (p->depth == FILTER_MAX_NODES)
        return fail(p, "filter nested too deeply (more than %d levels)", FILTER_MAX_NODES);
    p->depth++;
    int node = accept_word(p, "not") ? add_operator(p, FILTER_NOT, parse_not(p), -1)
                                : parse_primitive(p);
    p->depth--;
    return node;
}

static int parse_and(struct parser *p)
{
    int left = parse_not(p);
    while (accept_word(p, "and"))
        left = add_operator(p, FILTER_AND, left, parse_not(p));
    return left;
}

static int parse_or(struct parser *p)
{
    int left = parse_and(p);
    while (accept_word(p, "or"))
        left = add_operator(p, FILTER_OR, left, parse_and(p));
    return left;
}
/* LAB(sniffer) END */

bool filter_parse(struct filter *filter, int word_count, char **words, char *error,
                  size_t error_size)
{
    /* LAB(sniffer) BEGIN: join the words with spaces (tcpdump's convention), parse them
     * into filter->nodes with the root in filter->root (-1 for the empty filter), and
     * on an error write it into error and return false. */
    size_t length = 1;
    for (int i = 0; i < word_count; i++)
        length += strlen(words[i]) + 1;
    char *joined = malloc(length);
    if (!joined) {
        snprintf(error, error_size, "out of memory");
        return false;
    }
    joined[0] = '\0';
    for (int i = 0; i < word_count; i++) {
        strcat(joined, words[i]);
        strcat(joined, " ");
    }

    struct parser p = { .filter = filter, .next = joined, .error = error,
                        .error_size = error_size };
    filter->count = 0;
    filter->root = -1;
    advance(&p);
    if (!p.failed && p.token[0] != '\0') {
        filter->root = parse_or(&p);
        if (p.token[0] != '\0')
            fail(&p, "expected 'and', 'or' or the end of the filter, got %s", found(&p));
    }
    free(joined);
    return !p.failed;
    /* LAB(sniffer) STUB
     * (void)words;
     * filter->count = 0;
     * filter->root = -1;
     * if (word_count == 0)
     *     return true;
     * snprintf(error, error_size, "filters are not written yet (labs/01-sniffer)");
     * return false;
     * LAB(sniffer) END */
}
