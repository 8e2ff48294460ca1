/*
 * /proc/sys (proc(5)): Linux's sysctls that Strata has, so that programs
 * and scripts written for Linux tune the same knobs by the same names.
 *
 * net/ipv4/ipfrag_time: the seconds an incomplete datagram waits for its
 * missing fragments (RFC 1122 3.3.2; Linux's default is 30).  A value is
 * read as Linux's proc_dointvec_jiffies reads one (decimal, blanks around
 * it), except that a negative one is refused (EINVAL) where Linux takes it.
 *
 * net/ipv4/tcp_msl_ms: Strata's own (Linux has no such knob: its TIME-WAIT is
 * a fixed 60 s).  The Maximum Segment Lifetime in milliseconds; TIME-WAIT
 * lasts twice that (RFC 9293 3.4.2).  30000 by default, as Linux's 60 s; tests
 * shorten it so that connections they close leave TIME-WAIT quickly (the
 * name and unit are FreeBSD's net.inet.tcp.msl).  Changing it affects the
 * TIME-WAITs that start afterwards.
 *
 * net/ipv4/tcp_sack: whether TCP offers SACK (RFC 2018) on its SYNs and
 * accepts it on the peer's; 1 (Linux's default) or 0, EINVAL otherwise.
 * Connections opened afterwards follow it.
 *
 * net/ipv4/tcp_syncookies: when TCP answers a SYN with a SYN cookie (RFC
 * 4987 3.6, tcp/syn_cookie.h): 0 never, 1 when the listener's SYN queue is
 * full (Linux's default), 2 always; EINVAL otherwise.
 *
 * net/ipv4/tcp_timestamps: Strata's TCP has no timestamps (RFC 7323 3), so
 * it reads 0 and accepts only 0 (EINVAL otherwise): a test that turns them
 * off on Linux, to compare the two, runs unchanged on Strata.
 * net/ipv4/tcp_early_retrans likewise:
 * Strata has neither early retransmit (RFC 5827) nor tail loss probes
 * (RFC 8985 7), which Linux's default 3 turns on.
 * net/ipv4/tcp_slow_start_after_idle likewise: Strata neither restarts
 * slow start after an idle RTO (RFC 5681 4.1) nor shrinks a cwnd left
 * unused for an RTO (RFC 2861, Linux's tcp_cwnd_application_limited),
 * which Linux's default 1 turns on.
 *
 * net/ipv4/tcp_syn_retries: how many times an unanswered SYN is sent again
 * before connect fails with ETIMEDOUT (RFC 1122 4.2.3.5's R2 for a SYN);
 * 1 to 127 as Linux (EINVAL otherwise).
 *
 * fs/pipe-max-size and fs/pipe-user-pages-soft: Linux's pipe limits for
 * unprivileged users (pipe.c: they bind no one here).  A pipe-max-size
 * written is rounded as F_SETPIPE_SZ rounds (a power-of-two number of
 * pages, EINVAL above 2^31); pipe-user-pages-soft takes any 32-bit count
 * (Linux's is an unsigned long).
 *
 * kernel/tainted: Strata never taints itself, so it reads 0; it takes only
 * 0 (EINVAL otherwise), where Linux's root may add taint flags.
 */
#include "procfs_internal.h"
#include <netif/port.h>
#include <ip/ip.h>
#include <tcp/tcp.h>

#define MILLISECONDS_PER_SECOND 1000u
/* The timeout in milliseconds stays an int, as Linux keeps it in int jiffies. */
#define IPFRAG_TIME_MAX_SECONDS (INT32_MAX / MILLISECONDS_PER_SECOND)
/* 2 * MSL must fit the timers' 32-bit milliseconds. */
#define TCP_MSL_MAX_MS (INT32_MAX / 2)
#define TCP_SYN_RETRIES_MAX 127   /* Linux's MAX_TCP_SYNCNT */

/*
 * Slots (procfs_internal.h): /proc/sys's own names 160-163, sys/net 164,
 * sys/net/ipv4 165-179, sys/fs 180-187, sys/kernel 188-191.
 */
#define SYS_SLOTS PROCFS_SYS_FIRST_SLOT
#define SYS_NET_SLOTS (SYS_SLOTS + 4)
#define SYS_NET_IPV4_SLOTS (SYS_NET_SLOTS + 1)
#define SYS_FS_SLOTS (SYS_NET_IPV4_SLOTS + 15)
#define SYS_KERNEL_SLOTS (SYS_FS_SLOTS + 8)
#define SYS_SLOTS_END (SYS_KERNEL_SLOTS + 4)

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

/* A value the net thread also reads: read and written under net_lock. */
static int show_net_value(struct procfs_text *text, const uint32_t *variable)
{
    net_lock();
    uint32_t value = *variable;
    net_unlock();
    procfs_printf(text, "%u\n", value);
    return 0;
}

/* MINIMUM to MAXIMUM, else -EINVAL. */
static int store_net_value(const char *text, size_t length, uint32_t minimum, uint32_t maximum,
                           uint32_t *variable)
{
    uint32_t value;
    int error = parse_number(text, length, maximum, &value);
    if (error)
        return error;
    if (value < minimum)
        return -EINVAL;
    net_lock();
    *variable = value;
    net_unlock();
    return 0;
}

static int show_tcp_msl(struct process *unused, struct procfs_text *text)
{
    return show_net_value(text, &tcp_msl_ms);
}

static int store_tcp_msl(const char *text, size_t length)
{
    return store_net_value(text, length, 0, TCP_MSL_MAX_MS, &tcp_msl_ms);
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
    return show_net_value(text, &tcp_syn_retries);
}

static int store_tcp_syn_retries(const char *text, size_t length)
{
    return store_net_value(text, length, 1, TCP_SYN_RETRIES_MAX, &tcp_syn_retries);
}

static int show_tcp_sack(struct process *unused, struct procfs_text *text)
{
    return show_net_value(text, &tcp_sack);
}

static int store_tcp_sack(const char *text, size_t length)
{
    return store_net_value(text, length, 0, 1, &tcp_sack);
}

static int show_tcp_syncookies(struct process *unused, struct procfs_text *text)
{
    return show_net_value(text, &tcp_syncookies);
}

static int store_tcp_syncookies(const char *text, size_t length)
{
    return store_net_value(text, length, 0, 2, &tcp_syncookies);
}

static const struct procfs_entry ipv4_entries[] = {
    PROCFS_SYSCTL("ipfrag_time", show_ipfrag_time, store_ipfrag_time),
    PROCFS_SYSCTL("tcp_early_retrans", show_unsupported_feature, store_unsupported_feature),
    PROCFS_SYSCTL("tcp_msl_ms", show_tcp_msl, store_tcp_msl),
    PROCFS_SYSCTL("tcp_sack", show_tcp_sack, store_tcp_sack),
    PROCFS_SYSCTL("tcp_slow_start_after_idle", show_unsupported_feature,
                  store_unsupported_feature),
    PROCFS_SYSCTL("tcp_syn_retries", show_tcp_syn_retries, store_tcp_syn_retries),
    PROCFS_SYSCTL("tcp_syncookies", show_tcp_syncookies, store_tcp_syncookies),
    PROCFS_SYSCTL("tcp_timestamps", show_unsupported_feature, store_unsupported_feature),
};
static const struct procfs_directory ipv4_directory = {
    ipv4_entries, ARRAY_SIZE(ipv4_entries), SYS_NET_IPV4_SLOTS,
};
_Static_assert(SYS_NET_IPV4_SLOTS + ARRAY_SIZE(ipv4_entries) <= SYS_FS_SLOTS, "sys/net/ipv4's slots");

static const struct procfs_entry net_entries[] = {
    PROCFS_DIRECTORY("ipv4", &ipv4_directory),
};
static const struct procfs_directory net_directory = {
    net_entries, ARRAY_SIZE(net_entries), SYS_NET_SLOTS,
};

static const struct procfs_entry kernel_entries[] = {
    PROCFS_SYSCTL("tainted", show_unsupported_feature, store_unsupported_feature),
};
static const struct procfs_directory kernel_directory = {
    kernel_entries, ARRAY_SIZE(kernel_entries), SYS_KERNEL_SLOTS,
};
_Static_assert(SYS_KERNEL_SLOTS + ARRAY_SIZE(kernel_entries) <= SYS_SLOTS_END, "sys/kernel's slots");

static int show_pipe_max_size(struct process *unused, struct procfs_text *text)
{
    procfs_printf(text, "%u\n", pipe_max_size);
    return 0;
}

static int store_pipe_max_size(const char *text, size_t length)
{
    uint32_t value;
    int error = parse_number(text, length, UINT32_MAX, &value);
    if (error)
        return error;
    uint64_t rounded = pipe_round_size(value);
    if (!rounded)
        return -EINVAL;
    pipe_max_size = (uint32_t)rounded;
    return 0;
}

static int show_pipe_user_pages_soft(struct process *unused, struct procfs_text *text)
{
    procfs_printf(text, "%u\n", pipe_user_pages_soft);
    return 0;
}

static int store_pipe_user_pages_soft(const char *text, size_t length)
{
    return parse_number(text, length, UINT32_MAX, &pipe_user_pages_soft);
}

static const struct procfs_entry fs_entries[] = {
    PROCFS_SYSCTL("pipe-max-size", show_pipe_max_size, store_pipe_max_size),
    PROCFS_SYSCTL("pipe-user-pages-soft", show_pipe_user_pages_soft, store_pipe_user_pages_soft),
};
static const struct procfs_directory fs_directory = {
    fs_entries, ARRAY_SIZE(fs_entries), SYS_FS_SLOTS,
};
_Static_assert(SYS_FS_SLOTS + ARRAY_SIZE(fs_entries) <= SYS_KERNEL_SLOTS, "sys/fs's slots");

static const struct procfs_entry sys_entries[] = {
    PROCFS_DIRECTORY("fs", &fs_directory),
    PROCFS_DIRECTORY("kernel", &kernel_directory),
    PROCFS_DIRECTORY("net", &net_directory),
};
const struct procfs_directory procfs_sys_directory = {
    sys_entries, ARRAY_SIZE(sys_entries), SYS_SLOTS,
};
_Static_assert(SYS_SLOTS + ARRAY_SIZE(sys_entries) <= SYS_NET_SLOTS, "/proc/sys's slots");
