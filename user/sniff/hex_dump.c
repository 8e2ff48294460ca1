/*
 * The -x dump, in tcpdump -xx's layout: a tab, the offset, then 16 bytes
 * as eight groups of two.  It covers the whole frame, Ethernet header first.
 */
#include "decode.h"

void print_hex_dump(FILE *out, const uint8_t *frame, size_t captured)
{
    for (size_t line = 0; line < captured; line += 16) {
        fprintf(out, "\t0x%04zx: ", line);
        for (size_t i = line; i < line + 16 && i < captured; i++)
            fprintf(out, "%s%02x", i % 2 == 0 ? " " : "", frame[i]);
        fprintf(out, "\n");
    }
}
