/*
 * Protocol counters and their /proc/net/snmp and /proc/net/netstat
 * rendering.  Linux prints each section as two lines, the names then the
 * values, both prefixed with the section name ("Ip: Forwarding DefaultTTL
 * ...\nIp: 2 64 ...\n"); parsers such as netstat -s pair them up by
 * position, so the layout is exact.
 */
#include "counters.h"

/* Forwarding is 2 ("not forwarding", RFC 1213 ipForwarding); TTL per RFC 1700. */
uint64_t net_counters[NET_COUNTER_COUNT] = {
    [NET_IP_FORWARDING] = 2,
    [NET_IP_DEFAULT_TTL] = 64,
};

struct counter_name {
    const char *section, *name;
};
static const struct counter_name counter_names[NET_COUNTER_COUNT] = {
#define NET_COUNTER_NAME(group, section, name, id) [NET_##id] = { section, name },
    NET_COUNTER_TABLE(NET_COUNTER_NAME)
    NET_NETSTAT_COUNTER_TABLE(NET_COUNTER_NAME)
#undef NET_COUNTER_NAME
};

/* Appends to a NUL-terminated buffer, keeping what fits. */
struct text {
    char *buffer;
    size_t size, length;
};

static void text_add(struct text *text, const char *string)
{
    for (; *string; string++)
        if (text->length + 1 < text->size)
            text->buffer[text->length++] = *string;
    if (text->size)
        text->buffer[text->length] = '\0';
}

static void text_add_number(struct text *text, uint64_t value)
{
    char digits[21];
    size_t i = sizeof(digits) - 1;
    digits[i] = '\0';
    do {
        digits[--i] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    text_add(text, digits + i);
}

/* The counters of one section are consecutive in their table, which ends at limit. */
static size_t section_end(size_t first, size_t limit)
{
    size_t end = first;
    while (end < limit && !strcmp(counter_names[end].section, counter_names[first].section))
        end++;
    return end;
}

/* The section's two lines, with the counters [first, end) (none when first == end). */
static void add_section(struct text *text, const char *section, size_t first, size_t end)
{
    text_add(text, section);
    text_add(text, ":");
    for (size_t i = first; i < end; i++) {
        text_add(text, " ");
        text_add(text, counter_names[i].name);
    }
    text_add(text, "\n");
    text_add(text, section);
    text_add(text, ":");
    for (size_t i = first; i < end; i++) {
        text_add(text, " ");
        text_add_number(text, net_counters[i]);
    }
    text_add(text, "\n");
}

/* Returns the length written (without the NUL), at most size - 1. */
size_t net_counters_format(char *buffer, size_t size)
{
    struct text text = { buffer, size, 0 };
    if (size)
        buffer[0] = '\0';
    for (size_t first = 0, end; first < NET_SNMP_COUNTER_COUNT; first = end) {
        end = section_end(first, NET_SNMP_COUNTER_COUNT);
        add_section(&text, counter_names[first].section, first, end);
    }
    return text.length;
}

/* Linux's sections of /proc/net/netstat, in its order.  Each is printed even
 * when Strata counts none of its fields, so that parsers looking for it find it. */
static const char *const netstat_sections[] = { "TcpExt", "IpExt" };

size_t net_netstat_format(char *buffer, size_t size)
{
    struct text text = { buffer, size, 0 };
    if (size)
        buffer[0] = '\0';
    for (size_t s = 0; s < ARRAY_SIZE(netstat_sections); s++) {
        size_t first = NET_SNMP_COUNTER_COUNT;
        while (first < NET_COUNTER_COUNT && strcmp(counter_names[first].section, netstat_sections[s]))
            first++;
        add_section(&text, netstat_sections[s], first, section_end(first, NET_COUNTER_COUNT));
    }
    return text.length;
}

int64_t net_counter_by_name(const char *section, const char *name)
{
    for (size_t i = 0; i < NET_COUNTER_COUNT; i++)
        if (!strcmp(counter_names[i].section, section) && !strcmp(counter_names[i].name, name))
            return (int64_t)net_counters[i];
    return -1;
}
