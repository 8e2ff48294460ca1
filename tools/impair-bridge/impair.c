/*
 * The impairment engine (impair.h): decisions from xoshiro256** (Blackman
 * and Vigna), seeded through splitmix64, and a release-time queue.
 */
#include "impair.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A queue this long means the receiver stopped reading: drop, as a router would. */
#define IMPAIR_QUEUE_LIMIT 8192

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next_random(uint64_t s[4])
{
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, 1), from the top 53 bits. */
static double next_uniform(uint64_t s[4])
{
	return (double)(next_random(s) >> 11) * 0x1.0p-53;
}

void impair_direction_init(struct impair_direction *direction, const struct impair_profile *profile,
			   uint64_t seed, unsigned direction_number)
{
	memset(direction, 0, sizeof *direction);
	direction->profile = *profile;
	uint64_t x = seed ^ (0xD1B54A32D192ED03ULL * (direction_number + 1));
	for (int i = 0; i < 4; i++)
		direction->random_state[i] = splitmix64(&x);
}

void impair_direction_free(struct impair_direction *direction)
{
	while (direction->queue) {
		struct impair_frame *frame = direction->queue;
		direction->queue = frame->next;
		free(frame);
	}
	free(direction->held);
	direction->held = NULL;
	direction->queued = 0;
}

/* Sorted by release time; after any frame due at the same time (stable). */
static void enqueue(struct impair_direction *direction, struct impair_frame *frame)
{
	struct impair_frame **link = &direction->queue;
	while (*link && (*link)->release_us <= frame->release_us)
		link = &(*link)->next;
	frame->next = *link;
	*link = frame;
}

static struct impair_frame *frame_copy(const void *data, size_t length, uint64_t release_us)
{
	struct impair_frame *frame = malloc(sizeof *frame + length);
	if (frame) {
		frame->next = NULL;
		frame->release_us = release_us;
		frame->length = length;
		memcpy(frame->data, data, length);
	}
	return frame;
}

int impair_submit(struct impair_direction *direction, const void *data, size_t length,
		  uint64_t now_us)
{
	const struct impair_profile *p = &direction->profile;
	struct impair_counters *counters = &direction->counters;
	/* The same five draws for every frame, used or not (replay; impair.h). */
	bool lose = next_uniform(direction->random_state) < p->loss;
	bool duplicate = next_uniform(direction->random_state) < p->duplicate;
	bool reorder = next_uniform(direction->random_state) < p->reorder;
	bool corrupt = next_uniform(direction->random_state) < p->corrupt;
	uint64_t where = next_random(direction->random_state);

	counters->frames++;
	if (direction->held && direction->held->release_us <= now_us) {
		enqueue(direction, direction->held);   /* its hold is over: nothing overtook it */
		direction->held = NULL;
	}
	if (lose) {
		counters->lost++;
		return 0;
	}
	if (direction->queued >= IMPAIR_QUEUE_LIMIT) {
		counters->overflowed++;
		return 0;
	}
	uint64_t release_us = now_us + (uint64_t)p->delay_ms * 1000;
	struct impair_frame *frame = frame_copy(data, length, release_us);
	if (!frame) {
		counters->overflowed++;
		return -1;
	}
	if (corrupt && length) {
		/* One bit past the Ethernet header when there is one, so that it is
		 * the IP, ICMP, UDP or TCP checksum that must catch it. */
		size_t first = length > 14 ? 14 : 0;
		size_t bit = (size_t)(where % ((length - first) * 8));
		frame->data[first + bit / 8] ^= (uint8_t)(1u << (bit % 8));
		counters->corrupted++;
	}
	direction->queued++;
	if (reorder && !direction->held) {
		/* Held until the next frame has overtaken it, or hold_ms. */
		frame->release_us += (uint64_t)p->reorder_hold_ms * 1000;
		direction->held = frame;
		counters->reordered++;
	} else {
		enqueue(direction, frame);
	}
	if (duplicate) {
		struct impair_frame *copy = frame_copy(frame->data, length, release_us);
		if (copy) {
			enqueue(direction, copy);
			direction->queued++;
			counters->duplicated++;
		}
	}
	if (direction->held && direction->held != frame) {
		direction->held->release_us = release_us;
		enqueue(direction, direction->held);
		direction->held = NULL;
	}
	return 0;
}

struct impair_frame *impair_take_due(struct impair_direction *direction, uint64_t now_us)
{
	if (direction->held && direction->held->release_us <= now_us) {
		enqueue(direction, direction->held);
		direction->held = NULL;
	}
	struct impair_frame *frame = direction->queue;
	if (!frame || frame->release_us > now_us)
		return NULL;
	direction->queue = frame->next;
	direction->queued--;
	direction->counters.sent++;
	return frame;
}

void impair_put_back(struct impair_direction *direction, struct impair_frame *frame)
{
	frame->next = direction->queue;
	direction->queue = frame;
	direction->queued++;
	direction->counters.sent--;
}

uint64_t impair_next_due(const struct impair_direction *direction)
{
	uint64_t due = direction->queue ? direction->queue->release_us : UINT64_MAX;
	if (direction->held && direction->held->release_us < due)
		due = direction->held->release_us;
	return due;
}

/* "25%" is 0.25, "0.25" too; [0, 1] only. */
static const char *parse_probability(const char *text, double *value)
{
	char *end;
	errno = 0;
	double number = strtod(text, &end);
	if (errno || end == text)
		return "a probability must be a number, e.g. 5% or 0.05";
	if (*end == '%')
		number /= 100, end++;
	if (*end || !(number >= 0 && number <= 1))
		return "a probability must be between 0 and 1 (0% and 100%)";
	*value = number;
	return NULL;
}

static const char *parse_milliseconds(const char *text, uint32_t *value)
{
	char *end;
	errno = 0;
	unsigned long number = strtoul(text, &end, 10);
	if (errno || end == text || *text == '-' || number > 600000)
		return "a time must be a whole number of milliseconds up to 600000, e.g. 20ms";
	if (strcmp(end, "ms") != 0 && *end)
		return "a time must be in milliseconds, e.g. 20ms";
	*value = (uint32_t)number;
	return NULL;
}

const char *impair_profile_parse(const char *text, struct impair_profile *profile)
{
	char copy[256];
	if (strlen(text) >= sizeof copy)
		return "the profile is too long";
	strcpy(copy, text);
	struct impair_profile result = *profile;
	for (char *save, *item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *value = strchr(item, '=');
		if (!value)
			return "each setting is NAME=VALUE";
		*value++ = 0;
		const char *error;
		if (strcmp(item, "loss") == 0)
			error = parse_probability(value, &result.loss);
		else if (strcmp(item, "duplicate") == 0 || strcmp(item, "dup") == 0)
			error = parse_probability(value, &result.duplicate);
		else if (strcmp(item, "reorder") == 0 || strcmp(item, "reord") == 0)
			error = parse_probability(value, &result.reorder);
		else if (strcmp(item, "corrupt") == 0)
			error = parse_probability(value, &result.corrupt);
		else if (strcmp(item, "delay") == 0)
			error = parse_milliseconds(value, &result.delay_ms);
		else if (strcmp(item, "hold") == 0)
			error = parse_milliseconds(value, &result.reorder_hold_ms);
		else
			error = "unknown setting (loss, duplicate, reorder, corrupt, delay, hold)";
		if (error)
			return error;
	}
	*profile = result;
	return NULL;
}
