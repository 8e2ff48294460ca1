/*
 * The socket ABI user space sees on Linux arm64 (socket(2), packet(7),
 * ip(7), netdevice(7), route ioctls): constants and structure layouts the
 * uapi headers leave to the C library.  Values and layouts are Linux's.
 */
#ifndef SOCKETS_SOCKET_ABI_H
#define SOCKETS_SOCKET_ABI_H
#include <netif/port.h>

enum { AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16, AF_PACKET = 17,
       AF_MAX = 46 };
enum { SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5, SOCK_PACKET = 10,
       SOCK_MAX = 11, SOCK_TYPE_MASK = 0xf };
#define SOCK_NONBLOCK 04000
#define SOCK_CLOEXEC 02000000
enum { SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2 };
enum {
    MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_DONTROUTE = 0x4, MSG_CTRUNC = 0x8, MSG_TRUNC = 0x20,
    MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100, MSG_ERRQUEUE = 0x2000,
    MSG_NOSIGNAL = 0x4000, MSG_MORE = 0x8000, MSG_WAITFORONE = 0x10000,
    MSG_CMSG_COMPAT = (int)0x80000000, MSG_CMSG_CLOEXEC = 0x40000000,
};
enum { SOL_IP = 0, SOL_SOCKET = 1, SOL_RAW = 255, SOL_PACKET = 263 };
#define ICMP_FILTER 1           /* SOL_RAW: a 32-bit mask of ICMP types to drop */

struct sockaddr_generic {
    uint16_t family;
    char data[14];
};

/* ip(7): port and address in network order. */
struct sockaddr_inet {
    uint16_t family;
    uint16_t port;
    uint32_t address;
    uint8_t zero[8];
};

/* packet(7) */
struct sockaddr_link {
    uint16_t family;
    uint16_t protocol;          /* network order */
    int32_t ifindex;
    uint16_t hatype;
    uint8_t pkttype;
    uint8_t halen;
    uint8_t address[8];
};
#define SOCKADDR_LINK_MIN 12    /* up to and including ifindex: enough for bind */

/* IP_PKTINFO control data (ip(7)). */
struct inet_packet_info {
    int32_t ifindex;
    uint32_t local_address;     /* ipi_spec_dst */
    uint32_t destination;       /* ipi_addr: the header's destination */
};

/* netdevice(7): struct ifreq, 40 bytes. */
#define INTERFACE_NAME_SIZE 16
struct interface_request {
    char name[INTERFACE_NAME_SIZE];
    union {
        struct sockaddr_generic address;
        int16_t flags;
        int32_t value;          /* ifindex, mtu, metric, qlen */
        struct {
            uint64_t memory_start, memory_end;
            uint16_t base_address;
            uint8_t irq, dma, port;
        } map;
        char new_name[INTERFACE_NAME_SIZE];
        uint64_t data;          /* SIOCETHTOOL: user pointer to the command */
        uint8_t padding[24];
    };
};

/* struct ifconf */
struct interface_configuration {
    int32_t length;
    uint64_t buffer;            /* user pointer to struct ifreq[] */
};

/* struct rtentry (route(8)'s SIOCADDRT/SIOCDELRT) on a 64-bit ABI. */
struct route_entry {
    uint64_t pad1;
    struct sockaddr_generic destination, gateway, netmask;
    uint16_t flags;
    int16_t pad2;
    uint64_t pad3;
    uint64_t pad4;
    int16_t metric;             /* user value + 1, as route(8) passes it */
    uint64_t device;            /* user pointer to the interface name, or 0 */
    uint64_t mtu, window;
    uint16_t initial_rtt;
};
enum { ROUTE_UP = 0x1, ROUTE_GATEWAY = 0x2, ROUTE_HOST = 0x4 };

#endif
