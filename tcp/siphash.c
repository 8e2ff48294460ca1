/*
 * SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF"),
 * the keyed hash behind initial sequence numbers (RFC 6528, pcb.c) and SYN
 * cookies (RFC 4987 3.6, syn_cookie.c); Linux uses it for both too.
 */
#include "tcp_private.h"

static uint64_t rotate(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

static void sip_round(uint64_t v[4])
{
    v[0] += v[1]; v[1] = rotate(v[1], 13); v[1] ^= v[0]; v[0] = rotate(v[0], 32);
    v[2] += v[3]; v[3] = rotate(v[3], 16); v[3] ^= v[2];
    v[0] += v[3]; v[3] = rotate(v[3], 21); v[3] ^= v[0];
    v[2] += v[1]; v[1] = rotate(v[1], 17); v[1] ^= v[2]; v[2] = rotate(v[2], 32);
}

uint64_t tcp_siphash(const uint64_t key[2], const uint64_t *words, int count)
{
    uint64_t v[4] = { key[0] ^ 0x736f6d6570736575ull, key[1] ^ 0x646f72616e646f6dull,
                      key[0] ^ 0x6c7967656e657261ull, key[1] ^ 0x7465646279746573ull };
    uint64_t bytes = (uint64_t)count * 8;
    for (int i = 0; i <= count; i++) {
        uint64_t m = i < count ? words[i] : bytes << 56;
        v[3] ^= m;
        sip_round(v);
        sip_round(v);
        v[0] ^= m;
    }
    v[2] ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}

void tcp_random_key(uint64_t key[2])
{
    for (int i = 0; i < 2; i++)
        key[i] = (uint64_t)net_random32() << 32 | net_random32();
}
