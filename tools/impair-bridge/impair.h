/*
 * The impairment engine of impair-bridge: per direction, a seeded PRNG that
 * decides for each frame whether it is lost, duplicated, reordered or
 * corrupted, and a queue that holds frames until their delay has passed.
 * No I/O here, so that tests/test_impair.c can check every decision.
 *
 * Replay.  Each direction has its own generator, seeded from the run's seed
 * and the direction, and every frame consumes the same number of draws
 * whatever is decided: the n-th frame in a direction meets the same fate
 * for the same seed, whatever the other direction carries.
 */
#ifndef IMPAIR_BRIDGE_IMPAIR_H
#define IMPAIR_BRIDGE_IMPAIR_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IMPAIR_MAX_FRAME 65536

/* What happens to the frames going one way.  Probabilities in [0, 1]. */
struct impair_profile {
	double loss, duplicate, reorder, corrupt;
	uint32_t delay_ms;
	uint32_t reorder_hold_ms;   /* longest a reordered frame waits for one to overtake it */
};

struct impair_frame {
	struct impair_frame *next;
	uint64_t release_us;        /* when it may leave */
	size_t length;
	uint8_t data[];
};

/* overflowed: frames dropped because the queue was full (the receiver stopped
 * reading) or memory ran out, beside those the profile chose to lose. */
struct impair_counters {
	uint64_t frames, lost, duplicated, reordered, corrupted, overflowed, sent;
};

/*
 * One direction.  Invariant: the queue is sorted by release_us, and frames
 * with equal times keep the order they were queued in; held, when set, is
 * a reordered frame not yet on the queue, waiting for the next frame to
 * pass it (or for its own release_us).
 */
struct impair_direction {
	struct impair_profile profile;
	uint64_t random_state[4];   /* xoshiro256** */
	struct impair_frame *queue, *held;
	size_t queued;              /* frames on the queue and held */
	struct impair_counters counters;
};

/* Parses "loss=1%,duplicate=5%,reorder=25%,corrupt=0.1%,delay=20ms,hold=10ms"
 * (any subset, any order; "0.01" is 1%; short names dup, reord) into
 * profile, on top of what it holds.  Returns NULL, or what was wrong. */
const char *impair_profile_parse(const char *text, struct impair_profile *profile);

void impair_direction_init(struct impair_direction *direction, const struct impair_profile *profile,
			   uint64_t seed, unsigned direction_number);
void impair_direction_free(struct impair_direction *direction);

/* Takes a frame that arrived at now_us: queues 0, 1 or 2 copies (possibly
 * corrupted) to leave at now_us + delay.  -1 if out of memory (counted in overflowed). */
int impair_submit(struct impair_direction *direction, const void *data, size_t length,
		  uint64_t now_us);
/* The first frame due at now_us, off the queue (the caller frees it), or NULL. */
struct impair_frame *impair_take_due(struct impair_direction *direction, uint64_t now_us);
/* Puts back a frame impair_take_due gave that could not be sent yet, first in line. */
void impair_put_back(struct impair_direction *direction, struct impair_frame *frame);
/* When the next frame falls due; UINT64_MAX when nothing waits. */
uint64_t impair_next_due(const struct impair_direction *direction);

#endif
