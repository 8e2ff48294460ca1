/*
 * Protocol counters, named and grouped as Linux's /proc/net/snmp names them
 * (RFC 1213 / RFC 4293 MIB names).  Each layer counts what it received,
 * sent and dropped, by reason: NET_COUNT(IP_IN_HDR_ERRORS).  The tables
 * below are the single place that lists what Strata counts, and host tests
 * read counters by the same names.  /proc/net/snmp and /proc/net/netstat
 * print Linux 6.1's rows and columns (counters_layout.c), each counter
 * under its name and 0 under the names Strata does not count; the Eth and
 * Arp sections, which Linux does not have, are /proc/net/snmp_link.
 */
#ifndef NETIF_COUNTERS_H
#define NETIF_COUNTERS_H
#include "port.h"

#define NET_COUNTER_TABLE(X)                                                   \
    X(IP, "Ip", "Forwarding", IP_FORWARDING)                                   \
    X(IP, "Ip", "DefaultTTL", IP_DEFAULT_TTL)                                  \
    X(IP, "Ip", "InReceives", IP_IN_RECEIVES)                                  \
    X(IP, "Ip", "InHdrErrors", IP_IN_HDR_ERRORS)                               \
    X(IP, "Ip", "InAddrErrors", IP_IN_ADDR_ERRORS)                             \
    X(IP, "Ip", "ForwDatagrams", IP_FORW_DATAGRAMS)                            \
    X(IP, "Ip", "InUnknownProtos", IP_IN_UNKNOWN_PROTOS)                       \
    X(IP, "Ip", "InDiscards", IP_IN_DISCARDS)                                  \
    X(IP, "Ip", "InDelivers", IP_IN_DELIVERS)                                  \
    X(IP, "Ip", "OutRequests", IP_OUT_REQUESTS)                                \
    X(IP, "Ip", "OutDiscards", IP_OUT_DISCARDS)                                \
    X(IP, "Ip", "OutNoRoutes", IP_OUT_NO_ROUTES)                               \
    X(IP, "Ip", "ReasmTimeout", IP_REASM_TIMEOUT)                              \
    X(IP, "Ip", "ReasmReqds", IP_REASM_REQDS)                                  \
    X(IP, "Ip", "ReasmOKs", IP_REASM_OKS)                                      \
    X(IP, "Ip", "ReasmFails", IP_REASM_FAILS)                                  \
    X(IP, "Ip", "FragOKs", IP_FRAG_OKS)                                        \
    X(IP, "Ip", "FragFails", IP_FRAG_FAILS)                                    \
    X(IP, "Ip", "FragCreates", IP_FRAG_CREATES)                                \
    X(ICMP, "Icmp", "InMsgs", ICMP_IN_MSGS)                                    \
    X(ICMP, "Icmp", "InErrors", ICMP_IN_ERRORS)                                \
    X(ICMP, "Icmp", "InCsumErrors", ICMP_IN_CSUM_ERRORS)                       \
    X(ICMP, "Icmp", "InDestUnreachs", ICMP_IN_DEST_UNREACHS)                   \
    X(ICMP, "Icmp", "InTimeExcds", ICMP_IN_TIME_EXCDS)                         \
    X(ICMP, "Icmp", "InEchos", ICMP_IN_ECHOS)                                  \
    X(ICMP, "Icmp", "InEchoReps", ICMP_IN_ECHO_REPS)                           \
    X(ICMP, "Icmp", "OutMsgs", ICMP_OUT_MSGS)                                  \
    X(ICMP, "Icmp", "OutErrors", ICMP_OUT_ERRORS)                              \
    X(ICMP, "Icmp", "OutRateLimitGlobal", ICMP_OUT_RATE_LIMIT_GLOBAL)          \
    X(ICMP, "Icmp", "OutDestUnreachs", ICMP_OUT_DEST_UNREACHS)                 \
    X(ICMP, "Icmp", "OutTimeExcds", ICMP_OUT_TIME_EXCDS)                       \
    X(ICMP, "Icmp", "OutEchos", ICMP_OUT_ECHOS)                                \
    X(ICMP, "Icmp", "OutEchoReps", ICMP_OUT_ECHO_REPS)                         \
    X(TCP, "Tcp", "RtoAlgorithm", TCP_RTO_ALGORITHM)                           \
    X(TCP, "Tcp", "RtoMin", TCP_RTO_MIN)                                       \
    X(TCP, "Tcp", "RtoMax", TCP_RTO_MAX)                                       \
    X(TCP, "Tcp", "MaxConn", TCP_MAX_CONN)                                     \
    X(TCP, "Tcp", "ActiveOpens", TCP_ACTIVE_OPENS)                             \
    X(TCP, "Tcp", "PassiveOpens", TCP_PASSIVE_OPENS)                           \
    X(TCP, "Tcp", "AttemptFails", TCP_ATTEMPT_FAILS)                           \
    X(TCP, "Tcp", "EstabResets", TCP_ESTAB_RESETS)                             \
    X(TCP, "Tcp", "CurrEstab", TCP_CURR_ESTAB)                                 \
    X(TCP, "Tcp", "InSegs", TCP_IN_SEGS)                                       \
    X(TCP, "Tcp", "OutSegs", TCP_OUT_SEGS)                                     \
    X(TCP, "Tcp", "RetransSegs", TCP_RETRANS_SEGS)                             \
    X(TCP, "Tcp", "InErrs", TCP_IN_ERRS)                                       \
    X(TCP, "Tcp", "OutRsts", TCP_OUT_RSTS)                                     \
    X(TCP, "Tcp", "InCsumErrors", TCP_IN_CSUM_ERRORS)                          \
    X(UDP, "Udp", "InDatagrams", UDP_IN_DATAGRAMS)                             \
    X(UDP, "Udp", "NoPorts", UDP_NO_PORTS)                                     \
    X(UDP, "Udp", "InErrors", UDP_IN_ERRORS)                                   \
    X(UDP, "Udp", "OutDatagrams", UDP_OUT_DATAGRAMS)                           \
    X(UDP, "Udp", "RcvbufErrors", UDP_RCVBUF_ERRORS)                           \
    X(UDP, "Udp", "SndbufErrors", UDP_SNDBUF_ERRORS)                           \
    X(UDP, "Udp", "InCsumErrors", UDP_IN_CSUM_ERRORS)                          \
    X(UDP, "Udp", "IgnoredMulti", UDP_IGNORED_MULTI)                           \
    X(ETH, "Eth", "InFrames", ETH_IN_FRAMES)                                   \
    X(ETH, "Eth", "InTooShort", ETH_IN_TOO_SHORT)                              \
    X(ETH, "Eth", "InNotForUs", ETH_IN_NOT_FOR_US)                             \
    X(ETH, "Eth", "InUnknownTypes", ETH_IN_UNKNOWN_TYPES)                      \
    X(ETH, "Eth", "OutFrames", ETH_OUT_FRAMES)                                 \
    X(ARP, "Arp", "InRequests", ARP_IN_REQUESTS)                               \
    X(ARP, "Arp", "InReplies", ARP_IN_REPLIES)                                 \
    X(ARP, "Arp", "InErrors", ARP_IN_ERRORS)                                   \
    X(ARP, "Arp", "OutRequests", ARP_OUT_REQUESTS)                             \
    X(ARP, "Arp", "OutReplies", ARP_OUT_REPLIES)                               \
    X(ARP, "Arp", "QueueDrops", ARP_QUEUE_DROPS)                               \
    X(ARP, "Arp", "ResolutionFailures", ARP_RESOLUTION_FAILURES)

/* /proc/net/netstat's fields that Strata counts, in Linux's order within
 * each section.  TcpExt, as Linux counts them: SyncookiesSent, SYN-ACKs
 * sent with a SYN cookie (RFC 4987 3.6, tcp/syn_cookie.h); SyncookiesRecv,
 * ACKs to a listener that carried a valid one; SyncookiesFailed, ACKs to a
 * listener that sent cookies lately whose cookie was not valid;
 * EmbryonicRsts, resets that
 * ended a passive SYN-RECEIVED; TCPRenoRecovery, fast recoveries entered
 * (RFC 5681 3.2, no SACK); TCPSackRecovery, those with SACK (RFC 6675);
 * TCPSACKReneging, cumulative ACKs that stopped in SACKed data (RFC 2018
 * 8); TCPFastRetrans, retransmissions in fast
 * recovery; TCPTimeouts, RTO expiries (RFC 6298 5.4-5.7, handshake ones
 * included); TCPChallengeACK, challenge ACKs sent (RFC 5961 3-5);
 * TCPSYNChallenge, SYNs in a synchronized state that earned one (RFC 5961
 * 4); TCPSynRetrans, SYN and SYN-ACK retransmissions; TCPKeepAlive,
 * keepalive probes sent (RFC 1122 4.2.3.6).  IpExt
 * InTruncatedPkts: datagrams shorter than their total length (RFC 4293
 * ipSystemStatsInTruncatedPkts). */
#define NET_NETSTAT_COUNTER_TABLE(X)                                           \
    X(TCPEXT, "TcpExt", "SyncookiesSent", TCPEXT_SYNCOOKIES_SENT)              \
    X(TCPEXT, "TcpExt", "SyncookiesRecv", TCPEXT_SYNCOOKIES_RECV)              \
    X(TCPEXT, "TcpExt", "SyncookiesFailed", TCPEXT_SYNCOOKIES_FAILED)          \
    X(TCPEXT, "TcpExt", "EmbryonicRsts", TCPEXT_EMBRYONIC_RSTS)                \
    X(TCPEXT, "TcpExt", "TCPRenoRecovery", TCPEXT_TCP_RENO_RECOVERY)           \
    X(TCPEXT, "TcpExt", "TCPSackRecovery", TCPEXT_TCP_SACK_RECOVERY)           \
    X(TCPEXT, "TcpExt", "TCPSACKReneging", TCPEXT_TCP_SACK_RENEGING)           \
    X(TCPEXT, "TcpExt", "TCPFastRetrans", TCPEXT_TCP_FAST_RETRANS)             \
    X(TCPEXT, "TcpExt", "TCPTimeouts", TCPEXT_TCP_TIMEOUTS)                    \
    X(TCPEXT, "TcpExt", "TCPChallengeACK", TCPEXT_TCP_CHALLENGE_ACK)           \
    X(TCPEXT, "TcpExt", "TCPSYNChallenge", TCPEXT_TCP_SYN_CHALLENGE)           \
    X(TCPEXT, "TcpExt", "TCPSynRetrans", TCPEXT_TCP_SYN_RETRANS)               \
    X(TCPEXT, "TcpExt", "TCPKeepAlive", TCPEXT_TCP_KEEP_ALIVE)                 \
    X(IPEXT, "IpExt", "InTruncatedPkts", IPEXT_IN_TRUNCATED_PKTS)

/* One array holds both tables: /proc/net/snmp's counters, then from
 * NET_SNMP_COUNTER_COUNT on those of /proc/net/netstat. */
enum net_counter {
#define NET_COUNTER_ENUM(group, section, name, id) NET_##id,
    NET_COUNTER_TABLE(NET_COUNTER_ENUM)
    NET_SNMP_COUNTER_COUNT,
    NET_NETSTAT_COUNTER_BEFORE_FIRST = NET_SNMP_COUNTER_COUNT - 1,
    NET_NETSTAT_COUNTER_TABLE(NET_COUNTER_ENUM)
#undef NET_COUNTER_ENUM
    NET_COUNTER_COUNT
};

extern uint64_t net_counters[NET_COUNTER_COUNT];
#define NET_COUNT(id) (net_counters[NET_##id]++)
#define NET_COUNT_ADD(id, n) (net_counters[NET_##id] += (n))

/* One section of Linux's files: its name and its columns, in order, blank-separated. */
struct net_counter_section {
    const char *section;
    const char *names;
};
extern const struct net_counter_section net_snmp_layout[], net_netstat_layout[];
extern const size_t net_snmp_layout_count, net_netstat_layout_count;

/*
 * The files' text, pairs of lines ("Ip: Forwarding ...\nIp: 2 ...\n"), written
 * into buffer; each returns the length written, at most size - 1.  Values
 * print signed: Tcp MaxConn is -1 ("no fixed limit", RFC 2012), as on Linux.
 */
size_t net_counters_format(char *buffer, size_t size);        /* /proc/net/snmp */
size_t net_netstat_format(char *buffer, size_t size);         /* /proc/net/netstat */
size_t net_link_counters_format(char *buffer, size_t size);   /* /proc/net/snmp_link: Eth, Arp */
/* Reads a counter by its /proc/net/snmp or /proc/net/netstat names ("Ip",
 * "InHdrErrors"; "IpExt", "InTruncatedPkts"); -1 if unknown. */
int64_t net_counter_by_name(const char *section, const char *name);

#endif
