/* What the AF_INET kinds (udp, raw) share: addresses, IP-level options, routing. */
#ifndef SOCKETS_INET_H
#define SOCKETS_INET_H
#include "socket.h"
#include "socket_queue.h"
#include <netif/counters.h>

/* One IP_ADD_MEMBERSHIP (or MCAST_JOIN_GROUP) of a socket: the group, on
 * the interface it resolved to, and the address it was asked by. */
struct inet_membership {
    uint32_t group, address;
    int ifindex;
};
#define INET_MEMBERSHIPS_MAX 20         /* Linux's net.ipv4.igmp_max_memberships */

/* SOL_IP options of one socket (ip(7)); inet_options_init sets Linux's
 * defaults, inet_options_release leaves the groups joined. */
struct inet_options {
    int ttl;                            /* IP_TTL; 0 = the default */
    uint8_t type_of_service;            /* IP_TOS */
    bool header_included;               /* IP_HDRINCL (raw only) */
    bool packet_info;                   /* IP_PKTINFO: recvmsg adds in_pktinfo */
    bool receive_error;                 /* IP_RECVERR: stored; no error queue is kept */
    bool receive_ttl;                   /* IP_RECVTTL: recvmsg adds the TTL */
    int mtu_discover;                   /* IP_MTU_DISCOVER: stored */
    int multicast_ttl;                  /* IP_MULTICAST_TTL: 1 by default */
    bool multicast_loop;                /* IP_MULTICAST_LOOP: on by default (lo loops anyway) */
    bool multicast_all;                 /* IP_MULTICAST_ALL: on by default, a group any socket
                                         * joined on the interface reaches this one too */
    int multicast_interface;            /* IP_MULTICAST_IF: ifindex, 0 = the route's */
    uint32_t multicast_address;         /* IP_MULTICAST_IF's address, as getsockopt shows it */
    struct inet_membership memberships[INET_MEMBERSHIPS_MAX];
    unsigned membership_count;
};

void inet_options_init(struct inet_options *inet);
void inet_options_release(struct inet_options *inet);

/* A sockaddr_in from the user; EINVAL if too short, EAFNOSUPPORT if not AF_INET. */
int inet_address_from(const void *address, size_t length, struct sockaddr_inet *inet);
int inet_address_to(void *address, size_t *length, uint32_t ip_address, uint16_t port);
/* A destination of 0.0.0.0 in a connect or send means this host (Linux's
 * ip_route_output_key_hash_rcu): the socket's own address, or 127.0.0.1
 * when it has none.  Rewrites an AF_INET address in place; leaves
 * anything else as it is.  net_lock held. */
void inet_destination_this_host(struct socket *socket, void *address, size_t length);
/* The source address the route to destination would use (ENETUNREACH). */
int inet_route_source(struct socket *socket, uint32_t destination, uint32_t *source);
struct ip_output_options;
/* The IP options a datagram to destination goes with; to a group, the
 * multicast TTL and interface (ip(7)). */
void inet_output_options(struct socket *socket, const struct inet_options *inet,
                         uint32_t destination, struct ip_output_options *options);
int inet_option_set(struct inet_options *inet, int name, const void *value, size_t length);
int inet_option_get(const struct inet_options *inet, int name, void *value, size_t *length);
/* inet_multicast.c: the options whose values are structures
 * (IP_ADD_MEMBERSHIP, IP_DROP_MEMBERSHIP, MCAST_JOIN_GROUP,
 * MCAST_LEAVE_GROUP, IP_MULTICAST_IF), with Linux's errors. */
bool inet_multicast_structure_option(int name);
int inet_multicast_option_set(struct inet_options *inet, int name, const void *value,
                              size_t length);
/* Does a datagram to group that came in on ifindex reach this socket
 * (Linux's ip_mc_sf_allow: joined there, or IP_MULTICAST_ALL)? */
bool inet_multicast_accepts(const struct inet_options *inet, uint32_t group, int ifindex);
/* getsockopt's answer for a name no layer of an AF_INET socket knows: at
 * SOL_SOCKET or the kind's own level (transport_level) ENOPROTOOPT; at any
 * other level EOPNOTSUPP, as Linux's do_ip_getsockopt answers a level that
 * is not SOL_IP.  (setsockopt answers ENOPROTOOPT at every level.) */
int inet_getsockopt_unknown(int level, int transport_level);
/* Adds the control messages asked for (IP_PKTINFO, IP_TTL) about packet. */
void inet_control_messages(const struct inet_options *inet, const struct socket_packet *packet,
                           struct socket_message *message);

#endif
