/*
 * ICMP (RFC 792).  Echo messages show their identifier and sequence number
 * (as ping matches them); the others their type name and code.  "length"
 * is the ICMP message length, header included, as tcpdump prints it.
 */
#include "decode.h"
#include "bytes.h"
#include "protocols.h"

static const char *icmp_type_name(unsigned type)
{
    switch (type) {
    case ICMP_ECHO_REPLY:    return "echo reply";
    case ICMP_DEST_UNREACH:  return "dest unreachable";
    case ICMP_REDIRECT:      return "redirect";
    case ICMP_ECHO_REQUEST:  return "echo request";
    case ICMP_TIME_EXCEEDED: return "time exceeded";
    default:                 return NULL;
    }
}

void decode_icmp(FILE *out, const uint8_t *l4, size_t captured, size_t length)
{
    if (captured < ICMP_HEADER_LEN) {
        fprintf(out, "[truncated icmp]");
        return;
    }
    unsigned type = l4[0], code = l4[1];
    const char *name = icmp_type_name(type);
    if (type == ICMP_ECHO_REQUEST || type == ICMP_ECHO_REPLY) {
        if (captured < ICMP_ECHO_LEN) {
            fprintf(out, "[truncated icmp]");
            return;
        }
        fprintf(out, "ICMP %s id %u seq %u length %zu", name, read_be16(l4 + 4),
                read_be16(l4 + 6), length);
    } else if (name) {
        fprintf(out, "ICMP %s code %u length %zu", name, code, length);
    } else {
        fprintf(out, "ICMP type %u code %u length %zu", type, code, length);
    }
}
