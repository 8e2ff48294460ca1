/*
 * Protocol counters and their /proc/net/snmp, /proc/net/netstat and
 * /proc/net/snmp_link rendering.  Linux prints each section as two lines,
 * the names then the values, both prefixed with the section name ("Ip:
 * Forwarding DefaultTTL ...\nIp: 2 64 ...\n"); parsers such as netstat -s
 * pair them up by position, so the layout is exact (counters_layout.c).
 */
#include "counters.h"

/* Forwarding is 2 ("not forwarding", RFC 1213 ipForwarding); TTL per RFC 1700;
 * RtoAlgorithm 1 ("other", RFC 2012 tcpRtoAlgorithm, as Linux says); MaxConn
 * -1, no fixed limit.  TCP sets RtoMin and RtoMax to its own bounds. */
uint64_t net_counters[NET_COUNTER_COUNT] = {
    [NET_IP_FORWARDING] = 2,
    [NET_IP_DEFAULT_TTL] = 64,
    [NET_TCP_RTO_ALGORITHM] = 1,
    [NET_TCP_MAX_CONN] = (uint64_t)-1,
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

static void text_add_number(struct text *text, int64_t value)
{
    char digits[21];
    size_t i = sizeof(digits) - 1;
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    digits[i] = '\0';
    do {
        digits[--i] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    if (value < 0)
        digits[--i] = '-';
    text_add(text, digits + i);
}

/* The counter under section and the name of length length, or NULL. */
static const uint64_t *counter_named(const char *section, const char *name, size_t length)
{
    for (size_t i = 0; i < NET_COUNTER_COUNT; i++)
        if (!strcmp(counter_names[i].section, section) && strlen(counter_names[i].name) == length &&
            !strncmp(counter_names[i].name, name, length))
            return &net_counters[i];
    return NULL;
}

/* The section's two lines: Linux's names, then each one's counter or 0. */
static void add_linux_section(struct text *text, const struct net_counter_section *layout)
{
    text_add(text, layout->section);
    text_add(text, ": ");
    text_add(text, layout->names);
    text_add(text, "\n");
    text_add(text, layout->section);
    text_add(text, ":");
    for (const char *name = layout->names; *name;) {
        size_t length = 0;
        while (name[length] && name[length] != ' ')
            length++;
        const uint64_t *counter = counter_named(layout->section, name, length);
        text_add(text, " ");
        text_add_number(text, counter ? (int64_t)*counter : 0);
        name += length;
        while (*name == ' ')
            name++;
    }
    text_add(text, "\n");
}

/*
 * IcmpMsg: one column per ICMP type seen, "InTypeN" for those received then
 * "OutTypeN" for those sent, each by ascending type, and no lines at all
 * when there are none, as Linux prints it.  Strata counts the types it
 * handles through the Icmp counters of the same messages.
 */
static const struct icmp_message_count {
    unsigned type;
    enum net_counter in, out;
} icmp_message_counts[] = {
    { 0, NET_ICMP_IN_ECHO_REPS, NET_ICMP_OUT_ECHO_REPS },
    { 3, NET_ICMP_IN_DEST_UNREACHS, NET_ICMP_OUT_DEST_UNREACHS },
    { 8, NET_ICMP_IN_ECHOS, NET_ICMP_OUT_ECHOS },
    { 11, NET_ICMP_IN_TIME_EXCDS, NET_ICMP_OUT_TIME_EXCDS },
};

static void add_icmp_message_columns(struct text *text, bool values)
{
    for (int direction = 0; direction < 2; direction++) {
        for (size_t i = 0; i < ARRAY_SIZE(icmp_message_counts); i++) {
            const struct icmp_message_count *count = &icmp_message_counts[i];
            uint64_t value = net_counters[direction == 0 ? count->in : count->out];
            if (!value)
                continue;
            text_add(text, " ");
            if (values) {
                text_add_number(text, (int64_t)value);
            } else {
                text_add(text, direction == 0 ? "InType" : "OutType");
                text_add_number(text, count->type);
            }
        }
    }
}

static void add_icmp_message_section(struct text *text)
{
    bool any = false;
    for (size_t i = 0; i < ARRAY_SIZE(icmp_message_counts); i++)
        any |= net_counters[icmp_message_counts[i].in] || net_counters[icmp_message_counts[i].out];
    if (!any)
        return;
    text_add(text, "IcmpMsg:");
    add_icmp_message_columns(text, false);
    text_add(text, "\nIcmpMsg:");
    add_icmp_message_columns(text, true);
    text_add(text, "\n");
}

static struct text text_start(char *buffer, size_t size)
{
    if (size)
        buffer[0] = '\0';
    return (struct text){ buffer, size, 0 };
}

size_t net_counters_format(char *buffer, size_t size)
{
    struct text text = text_start(buffer, size);
    for (size_t i = 0; i < net_snmp_layout_count; i++) {
        if (!strcmp(net_snmp_layout[i].section, "Tcp"))
            add_icmp_message_section(&text);
        add_linux_section(&text, &net_snmp_layout[i]);
    }
    return text.length;
}

size_t net_netstat_format(char *buffer, size_t size)
{
    struct text text = text_start(buffer, size);
    for (size_t i = 0; i < net_netstat_layout_count; i++)
        add_linux_section(&text, &net_netstat_layout[i]);
    return text.length;
}

/* Strata's own sections, each with every counter the table gives it, in its order. */
static const char *const link_sections[] = { "Eth", "Arp" };

/* One of a table section's two lines: its names, or its values. */
static void add_table_line(struct text *text, const char *section, bool values)
{
    text_add(text, section);
    text_add(text, ":");
    for (size_t i = 0; i < NET_COUNTER_COUNT; i++) {
        if (strcmp(counter_names[i].section, section))
            continue;
        text_add(text, " ");
        if (values)
            text_add_number(text, (int64_t)net_counters[i]);
        else
            text_add(text, counter_names[i].name);
    }
    text_add(text, "\n");
}

size_t net_link_counters_format(char *buffer, size_t size)
{
    struct text text = text_start(buffer, size);
    for (size_t s = 0; s < ARRAY_SIZE(link_sections); s++) {
        add_table_line(&text, link_sections[s], false);
        add_table_line(&text, link_sections[s], true);
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
