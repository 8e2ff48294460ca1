/* ICMP's internals, shared by the files of icmp/ only. */
#ifndef ICMP_ICMP_PRIVATE_H
#define ICMP_ICMP_PRIVATE_H
#include "icmp.h"

/* RFC 792: type, code, checksum, then 4 bytes that depend on the type
 * (echo: identifier and sequence; errors: unused, MTU or pointer). */
struct icmp_header {
    uint8_t type, code;
    uint16_t checksum;
    uint32_t rest;
} __attribute__((packed));

#define ICMP_HEADER_SIZE 8

/* Is type an error message (RFC 1122 3.2.2: never answer one with an error)? */
static inline bool icmp_type_is_error(uint8_t type)
{
    return type == ICMP_DESTINATION_UNREACHABLE || type == 4 /* source quench */ ||
           type == 5 /* redirect */ || type == ICMP_TIME_EXCEEDED ||
           type == ICMP_PARAMETER_PROBLEM;
}

/* May an error go to destination now (the global and per-destination limits)? */
bool icmp_rate_limit_allow(uint32_t destination);

#endif
