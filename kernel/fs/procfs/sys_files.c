/*
 * /proc/sys (proc(5)): Linux's sysctls that Strata has, so that programs
 * and scripts written for Linux tune the same knobs by the same names.
 *
 * net/ipv4/ipfrag_time: the seconds an incomplete datagram waits for its
 * missing fragments (RFC 1122 3.3.2; Linux's default is 30).  A value is
 * read as Linux's proc_dointvec_jiffies reads one (decimal, blanks around
 * it), except that a negative one is refused (EINVAL) where Linux takes it.
 *
 * net/ipv4/tcp_msl_ms is Strata's own (Linux fixes TIME-WAIT at 60 s): the
 * maximum segment lifetime in milliseconds, TIME-WAIT lasting twice it
 * (RFC 9293 3.4.2), so that tests see connections end without waiting a
 * minute.  Connections already in TIME-WAIT keep their timer.
 *
 * net/ipv4/tcp_timestamps and net/ipv4/tcp_sack: Strata's TCP has neither
 * timestamps (RFC 7323 3) nor SACK (RFC 2018), so both read 0 and accept
 * only 0 (EINVAL otherwise): a test that turns them off on Linux, to compare
 * the two, runs unchanged on Strata.  net/ipv4/tcp_early_retrans likewise:
 * Strata has neither early retransmit (RFC 5827) nor tail loss probes
 * (RFC 8985 7), which Linux's default 3 turns on.
 *
 * net/ipv4/tcp_syn_retries: how many times an unanswered SYN is sent again
 * before connect fails with ETIMEDOUT (RFC 1122 4.2.3.5's R2 for a SYN);
 * 1 to 127 as Linux (EINVAL otherwise).
 */
#include "procfs_internal.h"
#include <netif/port.h>
#include <ip/ip.h>
#include <tcp/tcp.h>

#define MILLISECONDS_PER_SECOND 1000u
/* The timeout in milliseconds stays an int, as Linux keeps it in int jiffies. */
#define IPFRAG_TIME_MAX_SECONDS (INT32_MAX / MILLISECONDS_PER_SECOND)
#define TCP_SYN_RETRIES_MAX 127   /* Linux's MAX_TCP_SYNCNT */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* One decimal number, blanks allowed around it; 0, or -EINVAL (also above maximum). */
static int parse_number(const char *text, size_t length, uint32_t maximum, uint32_t *value)
{
    size_t i = 0;
    while (i < length && is_blank(text[i]))
        i++;
    size_t first_digit = i;
    uint64_t number = 0;
    for (; i < length && text[i] >= '0' && text[i] <= '9'; i++) {
        number = number * 10 + (uint64_t)(text[i] - '0');
        if (number > maximum)
            return -EINVAL;
    }
    if (i == first_digit)
        return -EINVAL;
    while (i < length && is_blank(text[i]))
        i++;
    if (i != length)
        return -EINVAL;
    *value = (uint32_t)number;
    return 0;
}

static int show_ipfrag_time(struct process *unused, struct procfs_text *text)
{
    net_lock();
    uint32_t milliseconds = ip_reassembly_timeout_ms();
    net_unlock();
    procfs_printf(text, "%u\n", milliseconds / MILLISECONDS_PER_SECOND);
    return 0;
}

static int store_ipfrag_time(const char *text, size_t length)
{
    uint32_t seconds;
    int error = parse_number(text, length, IPFRAG_TIME_MAX_SECONDS, &seconds);
    if (error)
        return error;
    net_lock();
    ip_reassembly_timeout_set(seconds * MILLISECONDS_PER_SECOND);
    net_unlock();
    return 0;
}

static int show_tcp_msl_ms(struct process *unused, struct procfs_text *text)
{
    net_lock();
    uint32_t milliseconds = tcp_msl_ms;
    net_unlock();
    procfs_printf(text, "%u\n", milliseconds);
    return 0;
}

static int store_tcp_msl_ms(const char *text, size_t length)
{
    uint32_t milliseconds;
    /* 2 * MSL must fit the timers' 32-bit milliseconds; at least 1 ms. */
    int error = parse_number(text, length, UINT32_MAX / 2, &milliseconds);
    if (error || milliseconds == 0)
        return -EINVAL;
    net_lock();
    tcp_msl_ms = milliseconds;
    net_unlock();
    return 0;
}

static int show_unsupported_feature(struct process *unused, struct procfs_text *text)
{
    procfs_printf(text, "0\n");
    return 0;
}

static int store_unsupported_feature(const char *text, size_t length)
{
    uint32_t value;
    return parse_number(text, length, 0, &value);
}

static int show_tcp_syn_retries(struct process *unused, struct procfs_text *text)
{
    net_lock();
    uint32_t retries = tcp_syn_retries;
    net_unlock();
    procfs_printf(text, "%u\n", retries);
    return 0;
}

static int store_tcp_syn_retries(const char *text, size_t length)
{
    uint32_t retries;
    int error = parse_number(text, length, TCP_SYN_RETRIES_MAX, &retries);
    if (error)
        return error;
    if (retries == 0)
        return -EINVAL;
    net_lock();
    tcp_syn_retries = retries;
    net_unlock();
    return 0;
}

static const struct procfs_entry ipv4_entries[] = {
    PROCFS_SYSCTL("ipfrag_time", show_ipfrag_time, store_ipfrag_time),
    PROCFS_SYSCTL("tcp_early_retrans", show_unsupported_feature, store_unsupported_feature),
    PROCFS_SYSCTL("tcp_msl_ms", show_tcp_msl_ms, store_tcp_msl_ms),
    PROCFS_SYSCTL("tcp_sack", show_unsupported_feature, store_unsupported_feature),
    PROCFS_SYSCTL("tcp_syn_retries", show_tcp_syn_retries, store_tcp_syn_retries),
    PROCFS_SYSCTL("tcp_timestamps", show_unsupported_feature, store_unsupported_feature),
};
static const struct procfs_directory ipv4_directory = {
    ipv4_entries, ARRAY_SIZE(ipv4_entries), PROCFS_SYS_FIRST_SLOT + 2,
};

static const struct procfs_entry net_entries[] = {
    PROCFS_DIRECTORY("ipv4", &ipv4_directory),
};
static const struct procfs_directory net_directory = {
    net_entries, ARRAY_SIZE(net_entries), PROCFS_SYS_FIRST_SLOT + 1,
};

static const struct procfs_entry sys_entries[] = {
    PROCFS_DIRECTORY("net", &net_directory),
};
const struct procfs_directory procfs_sys_directory = {
    sys_entries, ARRAY_SIZE(sys_entries), PROCFS_SYS_FIRST_SLOT,
};
