/*
 * The kernel's random bytes: a ChaCha20 keystream (RFC 8439 block function)
 * whose key is seeded from the timer counter and the wall clock, stirred
 * with the counter on every call, and replaced after every call by fresh
 * keystream so that earlier output cannot be recomputed from the state.
 */
#include <random.h>
#include <clock.h>
#include <arch/mmio.h>

static uint32_t key[8];
static uint64_t block_counter;
static bool seeded;

static inline uint32_t rotate_left(uint32_t value, int bits)
{
    return (value << bits) | (value >> (32 - bits));
}

#define QUARTER_ROUND(a, b, c, d)                          \
    do {                                                   \
        a += b; d ^= a; d = rotate_left(d, 16);            \
        c += d; b ^= c; b = rotate_left(b, 12);            \
        a += b; d ^= a; d = rotate_left(d, 8);             \
        c += d; b ^= c; b = rotate_left(b, 7);             \
    } while (0)

static void chacha20_block(uint32_t output[16])
{
    /* "expand 32-byte k", the key, a 64-bit block counter, a zero nonce. */
    uint32_t input[16] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
                           key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
                           (uint32_t)block_counter, (uint32_t)(block_counter >> 32), 0, 0 };
    block_counter++;
    uint32_t *x = output;
    for (int i = 0; i < 16; i++)
        x[i] = input[i];
    for (int round = 0; round < 10; round++) {
        QUARTER_ROUND(x[0], x[4], x[8], x[12]);
        QUARTER_ROUND(x[1], x[5], x[9], x[13]);
        QUARTER_ROUND(x[2], x[6], x[10], x[14]);
        QUARTER_ROUND(x[3], x[7], x[11], x[15]);
        QUARTER_ROUND(x[0], x[5], x[10], x[15]);
        QUARTER_ROUND(x[1], x[6], x[11], x[12]);
        QUARTER_ROUND(x[2], x[7], x[8], x[13]);
        QUARTER_ROUND(x[3], x[4], x[9], x[14]);
    }
    for (int i = 0; i < 16; i++)
        x[i] += input[i];
}

static void stir(uint64_t value)
{
    key[block_counter % 8] ^= (uint32_t)value;
    key[(block_counter + 1) % 8] ^= (uint32_t)(value >> 32);
}

static void seed(void)
{
    stir(read_sysreg(cntpct_el0));
    block_counter++;
    stir(clock_realtime_ns());
    seeded = true;
}

void random_bytes(void *buffer, size_t length)
{
    if (!seeded)
        seed();
    stir(read_sysreg(cntpct_el0));
    uint8_t *out = buffer;
    uint32_t block[16];
    while (length) {
        chacha20_block(block);
        size_t chunk = MIN(length, sizeof(block));
        memcpy(out, block, chunk);
        out += chunk;
        length -= chunk;
    }
    chacha20_block(block);
    memcpy(key, block, sizeof(key));
    memset(block, 0, sizeof(block));
}
