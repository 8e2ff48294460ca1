/*
 * What a received ICMP error means to a socket: one table for every
 * transport, so UDP and TCP report the same errno for the same message.
 * The values are Linux's (icmp_err_convert in net/ipv4/icmp.c, and the
 * types its udp_err and tcp_v4_err handle beside Destination Unreachable).
 * "Fatal" is RFC 1122's hard error: 3.2.2.1 says Network and Host
 * Unreachable (and Source Route Failed) are transient, 4.2.3.9 lets TCP
 * treat Protocol and Port Unreachable as hard.
 */
#include "icmp.h"

struct unreachable_meaning {
    int error;
    bool fatal;
};

/* Destination Unreachable by code (RFC 792, RFC 1122 3.2.2.1, RFC 1812 5.2.7.1). */
static const struct unreachable_meaning unreachable[] = {
    { ENETUNREACH, false },     /* 0 network unreachable */
    { EHOSTUNREACH, false },    /* 1 host unreachable */
    { ENOPROTOOPT, true },      /* 2 protocol unreachable */
    { ECONNREFUSED, true },     /* 3 port unreachable */
    { EMSGSIZE, false },        /* 4 fragmentation needed and DF set */
    { EOPNOTSUPP, false },      /* 5 source route failed */
    { ENETUNREACH, true },      /* 6 destination network unknown */
    { EHOSTDOWN, true },        /* 7 destination host unknown */
    { ENONET, true },           /* 8 source host isolated */
    { ENETUNREACH, true },      /* 9 network administratively prohibited */
    { EHOSTUNREACH, true },     /* 10 host administratively prohibited */
    { ENETUNREACH, false },     /* 11 network unreachable for type of service */
    { EHOSTUNREACH, false },    /* 12 host unreachable for type of service */
    { EHOSTUNREACH, true },     /* 13 communication administratively prohibited */
    { EHOSTUNREACH, true },     /* 14 host precedence violation */
    { EHOSTUNREACH, true },     /* 15 precedence cutoff in effect */
};

int icmp_error_errno(uint8_t type, uint8_t code, bool *fatal)
{
    *fatal = false;
    switch (type) {
    case ICMP_DESTINATION_UNREACHABLE:
        if (code >= ARRAY_SIZE(unreachable))
            return 0;
        *fatal = unreachable[code].fatal;
        return unreachable[code].error;
    case ICMP_TIME_EXCEEDED:
        return EHOSTUNREACH;
    case ICMP_PARAMETER_PROBLEM:
        *fatal = true;
        return EPROTO;
    default:
        return 0;
    }
}
