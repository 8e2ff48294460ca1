/*
 * IGMP version 2 (RFC 2236) and the host's multicast group memberships
 * (RFC 1112 section 7.2's JoinHostGroup and LeaveHostGroup).
 *
 * The contract: sockets (IP_ADD_MEMBERSHIP and the like) join and leave
 * groups on an interface through igmp_join and igmp_leave, which count the
 * users of each group; IP input asks igmp_is_member whether a datagram to a
 * group is for this host (RFC 1112 6.2).  When the first user joins a group
 * an unsolicited Membership Report goes out at once and once more within
 * the Unsolicited Report Interval (RFC 2236 3, 10 s); when the last one
 * leaves, a Leave Group message goes to 224.0.0.2 if we sent the last
 * report (RFC 2236 3).  A Membership Query is answered with a report after
 * a random delay up to its Max Response Time; another host's report for
 * the group cancels ours (RFC 2236 3).  All messages go with TTL 1 and the
 * Router Alert option (RFC 2236 2, RFC 2113).  The all-hosts group
 * 224.0.0.1 is joined on every interface from the start and never
 * reported (RFC 2236 6).
 */
#ifndef IGMP_IGMP_H
#define IGMP_IGMP_H
#include "../netif/netif.h"

#define IP_PROTOCOL_IGMP 2

/* RFC 2236 2: the message, after the IP header. */
struct igmp_message {
    uint8_t type;
    uint8_t max_response_time;          /* in 1/10 s; queries only */
    uint16_t checksum;                  /* of the whole IGMP message */
    uint32_t group;                     /* network order */
} __attribute__((packed));

enum {
    IGMP_MEMBERSHIP_QUERY = 0x11,
    IGMP_V1_MEMBERSHIP_REPORT = 0x12,
    IGMP_V2_MEMBERSHIP_REPORT = 0x16,
    IGMP_LEAVE_GROUP = 0x17,
};

/*
 * One group joined on one interface.  Invariants: users > 0 while it is on
 * netif->multicast_groups; timer is armed exactly while a report is due
 * (reports_due > 0 or a query is being answered); reporter says whether the
 * last report on the link for this group was ours.
 */
struct igmp_group {
    struct netif *netif;
    uint32_t group;                     /* network order */
    unsigned users;
    unsigned reports_due;               /* unsolicited reports still to send */
    bool reporter;
    struct net_timer timer;
    struct list_node node;
};

/* A user more for group on netif: 0, or -EINVAL (not a multicast address),
 * -ENOBUFS.  The first sends the reports. */
int igmp_join(struct netif *netif, uint32_t group);
/* A user fewer: 0, or -EADDRNOTAVAIL (not joined).  The last sends Leave. */
int igmp_leave(struct netif *netif, uint32_t group);
/* Is group joined on netif (224.0.0.1 always is)? */
bool igmp_is_member(const struct netif *netif, uint32_t group);
void igmp_init(void);

#endif
