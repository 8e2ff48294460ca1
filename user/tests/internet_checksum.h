/*
 * internet_checksum.h - RFC 1071's Internet checksum, computed here
 * independently of the kernel under test, for the tests that build IP,
 * ICMP or TCP headers by hand.
 */
#ifndef INTERNET_CHECKSUM_H
#define INTERNET_CHECKSUM_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>

/* The checksum of length bytes, in network order, ready to store. */
static inline uint16_t internet_checksum(const void *data, size_t length)
{
	const uint8_t *bytes = data;
	uint32_t sum = 0;
	for (size_t i = 0; i + 1 < length; i += 2)
		sum += (uint32_t)(bytes[i] << 8 | bytes[i + 1]);
	if (length & 1)
		sum += (uint32_t)bytes[length - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

#endif
