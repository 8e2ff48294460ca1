/* The fixture's input frames, read whole from the pcap its Scapy script wrote. */
#ifndef INPUT_H
#define INPUT_H

#include <stddef.h>
#include <stdint.h>

struct input_frame {
	uint8_t *bytes;
	size_t length;
};

/* Returns the number of frames read into *FRAMES (malloc'ed), or -1. */
long input_load(const char *path, struct input_frame **frames);

#endif
