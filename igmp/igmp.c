/*
 * IGMPv2 host side (RFC 2236 3 and 6) over the memberships of each
 * interface (netif->multicast_groups): joining and leaving with their
 * reports, answering queries, and suppressing our report when another
 * member reported first.
 */
#include "igmp.h"
#include "../ip/ip.h"

#define IGMP_ALL_HOSTS 0xe0000001u              /* 224.0.0.1, host order */
#define IGMP_ALL_ROUTERS 0xe0000002u            /* 224.0.0.2 */
#define IGMP_UNSOLICITED_REPORT_INTERVAL_MS 10000   /* RFC 2236 8.10 */
#define IGMP_V1_QUERY_RESPONSE_TIME 100         /* RFC 2236 4: a v1 query's 0 means 10 s */
#define IP_OPTION_ROUTER_ALERT 0x94             /* RFC 2113 2.1: copied, class 0, number 20 */

static struct igmp_group *find(const struct netif *netif, uint32_t group)
{
    list_for_each(node, &netif->multicast_groups) {
        struct igmp_group *joined = container_of(node, struct igmp_group, node);
        if (joined->group == group)
            return joined;
    }
    return NULL;
}

bool igmp_is_member(const struct netif *netif, uint32_t group)
{
    return group == net_htonl(IGMP_ALL_HOSTS) || find(netif, group);
}

/*
 * RFC 2236 2: every message with TTL 1 and IP Router Alert, from the
 * interface's address, out of that interface.
 */
static void send_message(struct netif *netif, uint8_t type, uint32_t group, uint32_t destination)
{
    struct pbuf *datagram = pbuf_alloc(PBUF_LINK, sizeof(struct ip_header) + 4 +
                                                      sizeof(struct igmp_message));
    if (!datagram)
        return;
    struct ip_header *ip = (struct ip_header *)datagram->data;
    uint8_t *router_alert = (uint8_t *)(ip + 1);
    struct igmp_message *message = (struct igmp_message *)(router_alert + 4);
    *ip = (struct ip_header){
        .version_and_header_length = 0x46,
        .time_to_live = 1,
        .protocol = IP_PROTOCOL_IGMP,
        .source = netif->ipv4_address,
        .destination = destination,
    };
    /* RFC 2113 2.1: type, length 4, value 0 ("routers shall examine packet"). */
    router_alert[0] = IP_OPTION_ROUTER_ALERT;
    router_alert[1] = 4;
    router_alert[2] = router_alert[3] = 0;
    *message = (struct igmp_message){ .type = type, .group = group };
    message->checksum = ip_checksum(message, sizeof(*message));
    /* Linux sends IGMP with Don't Fragment set (ip_send_check after IP_DF). */
    ip->flags_and_fragment_offset = net_htons(IP_FLAG_DONT_FRAGMENT);
    struct ip_output_options options = { .bound_interface = netif->index };
    ip_output_header_included(datagram, &options);
}

static void send_report(struct igmp_group *joined)
{
    send_message(joined->netif, IGMP_V2_MEMBERSHIP_REPORT, joined->group, joined->group);
    joined->reporter = true;
}

static void report_timeout(void *argument)
{
    struct igmp_group *joined = argument;
    send_report(joined);
    if (joined->reports_due && --joined->reports_due)
        net_timer_start(&joined->timer, net_random32() % IGMP_UNSOLICITED_REPORT_INTERVAL_MS,
                        report_timeout, joined);
}

int igmp_join(struct netif *netif, uint32_t group)
{
    if (!ip_address_is_multicast(group))
        return -EINVAL;
    struct igmp_group *joined = find(netif, group);
    if (joined) {
        joined->users++;
        return 0;
    }
    joined = net_zalloc(sizeof(*joined));
    if (!joined)
        return -ENOBUFS;
    joined->netif = netif;
    joined->group = group;
    joined->users = 1;
    list_push_back(&netif->multicast_groups, &joined->node);
    if (group == net_htonl(IGMP_ALL_HOSTS))
        return 0;               /* RFC 2236 6: never reported */
    /* RFC 2236 3: "immediately transmit an unsolicited Version 2 Membership
     * Report ... repeated once or twice after short delays". Once, as
     * Linux does (its igmp_qrv of 2 reports in all), at a random time in
     * the Unsolicited Report Interval. */
    send_report(joined);
    joined->reports_due = 1;
    net_timer_start(&joined->timer, net_random32() % IGMP_UNSOLICITED_REPORT_INTERVAL_MS,
                    report_timeout, joined);
    return 0;
}

int igmp_leave(struct netif *netif, uint32_t group)
{
    struct igmp_group *joined = find(netif, group);
    if (!joined)
        return -EADDRNOTAVAIL;
    if (--joined->users)
        return 0;
    net_timer_cancel(&joined->timer);
    list_remove(&joined->node);
    /* RFC 2236 3: "if it was the last host to reply to a Query with a
     * Membership Report for that group, it SHOULD send a Leave Group
     * message to the all-routers multicast group (224.0.0.2)". */
    if (joined->reporter && group != net_htonl(IGMP_ALL_HOSTS))
        send_message(netif, IGMP_LEAVE_GROUP, group, net_htonl(IGMP_ALL_ROUTERS));
    net_free(joined);
    return 0;
}

/* RFC 2236 3: a query (re)starts the group's delay timer at a random value
 * up to Max Response Time, unless a running one would expire sooner. */
static void query_group(struct igmp_group *joined, uint32_t max_delay_ms)
{
    if (joined->group == net_htonl(IGMP_ALL_HOSTS))
        return;
    if (joined->timer.armed && joined->timer.deadline_ms <= net_now_ms() + max_delay_ms)
        return;
    joined->reports_due = 0;
    net_timer_start(&joined->timer, max_delay_ms ? net_random32() % max_delay_ms : 0,
                    report_timeout, joined);
}

static void igmp_input(struct pbuf *packet)
{
    const struct igmp_message *message = PBUF_HEADER(packet, struct igmp_message);
    struct netif *netif = packet->netif;
    if (!message || !netif || ip_checksum(packet->data, pbuf_length(packet)) != 0) {
        pbuf_put(packet);
        return;
    }
    if (message->type == IGMP_MEMBERSHIP_QUERY) {
        uint32_t tenths = message->max_response_time ? message->max_response_time
                                                     : IGMP_V1_QUERY_RESPONSE_TIME;
        list_for_each(node, &netif->multicast_groups) {
            struct igmp_group *joined = container_of(node, struct igmp_group, node);
            if (!message->group || message->group == joined->group)
                query_group(joined, tenths * 100);
        }
    } else if (message->type == IGMP_V1_MEMBERSHIP_REPORT ||
               message->type == IGMP_V2_MEMBERSHIP_REPORT) {
        /* RFC 2236 3: another member's report stops our timer; it is now
         * the reporter.  Our own looped back (lo) changes nothing. */
        struct igmp_group *joined = find(netif, message->group);
        const struct ip_header *ip = (const struct ip_header *)pbuf_l3(packet);
        if (joined && ip->source != netif->ipv4_address) {
            net_timer_cancel(&joined->timer);
            joined->reports_due = 0;
            joined->reporter = false;
        }
    }
    pbuf_put(packet);
}

void igmp_init(void)
{
    ip_register(IP_PROTOCOL_IGMP, igmp_input);
}
