/* Futexes (futex(2)), keyed by physical address so shared mappings work too. */
#ifndef FUTEX_H
#define FUTEX_H
#include <kernel.h>

/* Wakes up to count waiters on the user address; returns how many woke. */
int futex_wake_address(uint64_t user_address, int count);

#endif
