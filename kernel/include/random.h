/*
 * The kernel's random generator (fs/random.c): ChaCha20 keyed at first use
 * from the timer counter.  It serves /dev/urandom, /dev/random, getrandom and
 * the AT_RANDOM bytes exec puts on a new stack.  It is unpredictable enough
 * for a teaching kernel, not for cryptography: the seed has little entropy.
 */
#ifndef RANDOM_H
#define RANDOM_H
#include <kernel.h>

void random_bytes(void *buffer, size_t length);

#endif
