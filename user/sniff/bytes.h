/*
 * Reading header fields out of captured bytes.
 *
 * Fields are read where they are used, one byte at a time, in network byte
 * order (big-endian, RFC 791 Appendix B): a captured frame has no alignment
 * promise, so no header struct is ever overlaid on it.
 */
#ifndef SNIFF_BYTES_H
#define SNIFF_BYTES_H

#include <stdint.h>

static inline uint16_t read_be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t read_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
