/*
 * Unit tests of impair-bridge's engine (impair.c), run by
 * tests/test_impair_bridge.sh under ASan and UBSan.  Frames are numbered
 * (their first 4 bytes), so that what comes out says which went in.
 */
#include "impair.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures, checks;

static void check(bool ok, const char *what)
{
	checks++;
	if (!ok) {
		failures++;
		printf("not ok %d - %s\n", checks, what);
	} else {
		printf("ok %d - %s\n", checks, what);
	}
}

#define FRAME_SIZE 100

static void make_frame(uint8_t frame[FRAME_SIZE], uint32_t number)
{
	for (int i = 0; i < FRAME_SIZE; i++)
		frame[i] = (uint8_t)(i * 7 + number);
	memcpy(frame, &number, sizeof number);
}

static uint32_t frame_number(const struct impair_frame *frame)
{
	uint32_t number;
	memcpy(&number, frame->data, sizeof number);
	return number;
}

/* What came out, in order: each frame's number; corrupted ones marked. */
struct outcome {
	uint32_t *numbers;
	bool *intact;
	size_t count;
	uint64_t last_release_us;
	bool early;             /* a frame came out before now + delay */
};

/* Submits count numbered frames, one per microsecond... step_us apart, and
 * collects what leaves, taking frames as soon as they are due. */
static struct outcome run(const struct impair_profile *profile, uint64_t seed, uint32_t count,
			  uint64_t step_us, struct impair_counters *counters)
{
	struct impair_direction direction;
	impair_direction_init(&direction, profile, seed, 0);
	struct outcome out = { calloc(2 * count + 1, sizeof(uint32_t)), calloc(2 * count + 1, 1), 0, 0, false };
	uint64_t now = 0, *submitted_at = calloc(count, sizeof(uint64_t));
	struct impair_frame *frame;
	for (uint32_t n = 0; n < count; n++, now += step_us) {
		uint8_t data[FRAME_SIZE];
		make_frame(data, n);
		submitted_at[n] = now;
		impair_submit(&direction, data, sizeof data, now);
		while ((frame = impair_take_due(&direction, now))) {
			uint8_t expected[FRAME_SIZE];
			uint32_t number = frame_number(frame);
			if (number < count) {
				make_frame(expected, number);
				out.intact[out.count] = memcmp(expected, frame->data, FRAME_SIZE) == 0;
				if (now < submitted_at[number] + profile->delay_ms * 1000)
					out.early = true;
			}
			out.numbers[out.count++] = number;
			free(frame);
		}
	}
	while ((now = impair_next_due(&direction)) != UINT64_MAX) {
		frame = impair_take_due(&direction, now);
		uint32_t number = frame_number(frame);
		uint8_t expected[FRAME_SIZE];
		if (number < count) {
			make_frame(expected, number);
			out.intact[out.count] = memcmp(expected, frame->data, FRAME_SIZE) == 0;
		}
		out.numbers[out.count++] = number;
		out.last_release_us = now;
		free(frame);
	}
	*counters = direction.counters;
	impair_direction_free(&direction);
	free(submitted_at);
	return out;
}

static void outcome_free(struct outcome *out)
{
	free(out->numbers);
	free(out->intact);
}

/* |observed - n p| within 5 standard deviations of the binomial (a false
 * alarm about once in 3.5 million runs; the seeds here are fixed anyway). */
static bool within_binomial(uint64_t observed, uint64_t n, double p)
{
	double mean = (double)n * p, sigma = sqrt((double)n * p * (1 - p));
	return fabs((double)observed - mean) <= 5 * sigma + 1;
}

static void test_clean(void)
{
	struct impair_profile clean = { 0 };
	struct impair_counters c;
	struct outcome out = run(&clean, 1, 10000, 1, &c);
	bool in_order = out.count == 10000;
	for (size_t i = 0; in_order && i < out.count; i++)
		in_order = out.numbers[i] == i && out.intact[i];
	check(in_order, "at 0% every frame leaves once, unchanged, in order");
	check(c.frames == 10000 && c.sent == 10000 && !c.lost && !c.duplicated && !c.reordered &&
		      !c.corrupted, "at 0% the counters show 10000 in, 10000 out, nothing else");
	outcome_free(&out);
}

static void test_rates(void)
{
	static const struct {
		const char *profile;
		size_t counter;    /* offset in impair_counters */
		double rate;
		const char *what;
	} cases[] = {
		{ "loss=1%", offsetof(struct impair_counters, lost), 0.01, "loss 1%" },
		{ "loss=5%", offsetof(struct impair_counters, lost), 0.05, "loss 5%" },
		{ "duplicate=5%", offsetof(struct impair_counters, duplicated), 0.05, "duplication 5%" },
		{ "corrupt=0.1%", offsetof(struct impair_counters, corrupted), 0.001, "corruption 0.1%" },
	};
	const uint32_t n = 100000;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (uint64_t seed = 1; seed <= 3; seed++) {
			struct impair_profile profile = { .reorder_hold_ms = 10 };
			check(impair_profile_parse(cases[i].profile, &profile) == NULL, cases[i].profile);
			struct impair_counters c;
			struct outcome out = run(&profile, seed * 7919, n, 1, &c);
			uint64_t observed = *(uint64_t *)((char *)&c + cases[i].counter);
			char what[160];
			snprintf(what, sizeof what, "%s, seed %llu: %llu of %u within 5 sigma of the binomial",
				 cases[i].what, (unsigned long long)seed * 7919, (unsigned long long)observed, n);
			check(within_binomial(observed, n, cases[i].rate), what);
			outcome_free(&out);
		}
	}
}

static void test_loss_and_duplication_effects(void)
{
	struct impair_profile profile = { 0 };
	impair_profile_parse("loss=5%,duplicate=5%", &profile);
	struct impair_counters c;
	const uint32_t n = 20000;
	struct outcome out = run(&profile, 42, n, 1, &c);
	uint32_t *seen = calloc(n, sizeof *seen);
	bool ordered = true;
	for (size_t i = 0; i < out.count; i++) {
		seen[out.numbers[i]]++;
		if (i && out.numbers[i] < out.numbers[i - 1])
			ordered = false;
	}
	uint64_t missing = 0, twice = 0, more = 0;
	for (uint32_t i = 0; i < n; i++)
		missing += seen[i] == 0, twice += seen[i] == 2, more += seen[i] > 2;
	check(missing == c.lost, "the frames missing are those counted lost");
	check(twice == c.duplicated && !more, "the frames seen twice are those counted duplicated");
	check(out.count == c.sent && c.sent == n - c.lost + c.duplicated, "sent = in - lost + duplicated");
	check(ordered, "without reordering or delay the order is kept (a duplicate right after its frame)");
	free(seen);
	outcome_free(&out);
}

static void test_reorder(void)
{
	struct impair_profile profile = { .reorder_hold_ms = 10 };
	impair_profile_parse("reorder=25%", &profile);
	struct impair_counters c;
	const uint32_t n = 20000;
	/* Frames 1 us apart: the next one always comes within the hold time. */
	struct outcome out = run(&profile, 7, n, 1, &c);
	check(out.count == n && c.sent == n, "reordering loses nothing");
	uint64_t swapped = 0;
	bool adjacent = true;
	for (size_t i = 0; i + 1 < out.count; i++) {
		if (out.numbers[i] > out.numbers[i + 1]) {
			swapped++;
			adjacent = adjacent && out.numbers[i] == out.numbers[i + 1] + 1;
		}
	}
	check(swapped == c.reordered, "each reordered frame leaves after the one behind it");
	check(adjacent, "a reordered frame is overtaken by exactly the next frame");
	/* A reordered frame is held back and cannot also hold the next: 25% of
	 * the frames not already held; check the count against that binomial. */
	check(within_binomial(c.reordered, n - c.reordered, 0.25), "reordering near 25%");
	outcome_free(&out);

	/* Frames 50 ms apart: nothing overtakes within the hold; order kept, each
	 * reordered one just late by hold. */
	out = run(&profile, 7, 100, 50000, &c);
	bool ordered = out.count == 100;
	for (size_t i = 0; ordered && i < out.count; i++)
		ordered = out.numbers[i] == i;
	check(ordered && c.reordered > 0, "with no frame to overtake it, a held frame leaves after hold");
	outcome_free(&out);
}

static void test_delay(void)
{
	struct impair_profile profile = { 0 };
	impair_profile_parse("delay=20ms", &profile);
	struct impair_counters c;
	struct outcome out = run(&profile, 3, 1000, 100, &c);
	check(!out.early, "no frame leaves before its 20 ms delay");
	check(out.last_release_us == 999 * 100 + 20000, "the last frame leaves exactly 20 ms after it came");
	bool ordered = out.count == 1000;
	for (size_t i = 0; ordered && i < out.count; i++)
		ordered = out.numbers[i] == i;
	check(ordered, "a fixed delay keeps the order");
	outcome_free(&out);
}

static void test_corrupt(void)
{
	struct impair_profile profile = { 0 };
	impair_profile_parse("corrupt=100%", &profile);
	struct impair_direction direction;
	impair_direction_init(&direction, &profile, 99, 0);
	bool one_bit_past_ethernet = true;
	for (uint32_t n = 0; n < 1000; n++) {
		uint8_t data[FRAME_SIZE];
		make_frame(data, n);
		impair_submit(&direction, data, sizeof data, n);
		struct impair_frame *frame = impair_take_due(&direction, n);
		int bits = 0;
		for (int i = 0; i < FRAME_SIZE; i++)
			bits += __builtin_popcount(data[i] ^ frame->data[i]);
		for (int i = 0; i < 14; i++)
			one_bit_past_ethernet &= data[i] == frame->data[i];
		one_bit_past_ethernet &= bits == 1;
		free(frame);
	}
	check(one_bit_past_ethernet, "corruption flips exactly one bit, past the Ethernet header");
	impair_direction_free(&direction);
}

static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
	return a->count == b->count && !memcmp(a->numbers, b->numbers, a->count * sizeof(uint32_t)) &&
	       !memcmp(a->intact, b->intact, a->count);
}

static void test_replay(void)
{
	struct impair_profile profile = { .reorder_hold_ms = 10 };
	impair_profile_parse("loss=5%,duplicate=5%,reorder=25%,corrupt=1%", &profile);
	struct impair_counters c1, c2, c3;
	struct outcome a = run(&profile, 12345, 5000, 3, &c1);
	struct outcome b = run(&profile, 12345, 5000, 3, &c2);
	struct outcome other = run(&profile, 12346, 5000, 3, &c3);
	check(same_outcome(&a, &b), "the same seed gives the same decisions");
	check(!same_outcome(&a, &other), "another seed gives other decisions");
	outcome_free(&a);
	outcome_free(&b);
	outcome_free(&other);

	/* Directions draw from their own generators. */
	struct impair_direction d0, d1;
	impair_direction_init(&d0, &profile, 12345, 0);
	impair_direction_init(&d1, &profile, 12345, 1);
	check(memcmp(d0.random_state, d1.random_state, sizeof d0.random_state) != 0,
	      "the two directions have different generators for one seed");
	impair_direction_free(&d0);
	impair_direction_free(&d1);
}

static void test_parse(void)
{
	struct impair_profile p = { 0 };
	check(!impair_profile_parse("loss=1%,dup=0.05,reord=25%,corrupt=0.1%,delay=20ms,hold=5", &p) &&
		      p.loss == 0.01 && p.duplicate == 0.05 && p.reorder == 0.25 && p.corrupt == 0.001 &&
		      p.delay_ms == 20 && p.reorder_hold_ms == 5,
	      "a full profile parses");
	struct impair_profile before = p;
	check(impair_profile_parse("loss=101%", &p) && impair_profile_parse("loss=-1", &p) &&
		      impair_profile_parse("delay=-5ms", &p) && impair_profile_parse("jitter=5ms", &p) &&
		      impair_profile_parse("loss", &p) && impair_profile_parse("delay=5s", &p) &&
		      !memcmp(&p, &before, sizeof p),
	      "bad profiles are refused and change nothing");
}

int main(void)
{
	test_clean();
	test_rates();
	test_loss_and_duplication_effects();
	test_reorder();
	test_delay();
	test_corrupt();
	test_replay();
	test_parse();
	printf("%d checks, %d failed\n", checks, failures);
	return failures ? 1 : 0;
}
