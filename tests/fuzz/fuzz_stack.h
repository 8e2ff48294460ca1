/*
 * What the stack's fuzz targets share (fuzz_frame.c, fuzz_tcp_peer.c,
 * fuzz_socket_calls.c): the standard topology of tests/host/net_test.h set
 * up once per process, and the end of each input, after which the stack
 * must be as the input found it, since libFuzzer runs every input in the
 * same process.
 *
 * The end of an input: every timer runs out (the virtual clock moves two
 * hours on, longer than any TCP give-up, reassembly or ARP timeout), the
 * captured frames are let go, and then the pbuf count, the TCP PCB list
 * and the bytes the stack holds from net_alloc (every PCB, socket, queue
 * entry and filter among them) must be back to what they were after
 * set-up, and no socket, socket node or ring page may be left.  A leak
 * aborts, so libFuzzer records the input as a finding as it does a crash.
 */
#ifndef TESTS_FUZZ_FUZZ_STACK_H
#define TESTS_FUZZ_FUZZ_STACK_H
#include "tests/tcp/tcp_test.h"

/* Takes net_lock, which the input holds to its end as the kernel's net
 * thread or a system call does (the stack's entry points check it).  Then
 * tcp_stack_setup (topology, TCP, the peer's MAC known, MSL 1 s) and the
 * target's open (NULL: none), the first time only; what they hold is the
 * baseline.  Each input starts from the same random seed, the peer known. */
void fuzz_stack_begin_input(void (*open)(void));
/* Runs every timer out and drops the captured frames. */
void fuzz_stack_run_timers_out(void);
/* Then, once the target let go of what it held: no pbuf, TCP PCB or
 * allocated byte more than after set-up, no socket, socket node or ring
 * page at all; releases net_lock.  Every input that began ends here. */
void fuzz_stack_check_no_leak(void);
/* An input read front to back: each take answers false, taking nothing,
 * when fewer bytes are left than it wants.  Numbers are big-endian. */
struct fuzz_input {
    const uint8_t *data;
    size_t size;                    /* bytes left */
};
bool fuzz_take(struct fuzz_input *input, void *out, size_t count);
bool fuzz_take8(struct fuzz_input *input, uint8_t *value);
bool fuzz_take16(struct fuzz_input *input, uint16_t *value);

/* Aborts with the reason on stderr (a finding). */
void fuzz_stack_finding(const char *reason) __attribute__((noreturn));

#endif
