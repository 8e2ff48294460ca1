/* Sequence-number arithmetic modulo 2^32 (RFC 9293 3.4): a < b when b is
 * less than 2^31 ahead of a. */
#ifndef TCP_SEQUENCE_H
#define TCP_SEQUENCE_H
#include "../netif/port.h"

static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }
/* low <= x < high */
static inline bool seq_in(uint32_t x, uint32_t low, uint32_t high)
{
    return seq_leq(low, x) && seq_lt(x, high);
}
static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }

#endif
