/* Outgoing ICMP messages counted by type, as /proc/net/snmp's Icmp line shows them. */
#include "icmp_private.h"
#include "../netif/counters.h"

void icmp_out_count(uint8_t type)
{
    /* LAB(icmp) BEGIN: count every message in OutMsgs, and destination unreachable,
     * time exceeded, echo request and echo reply in their own counters. */
    NET_COUNT(ICMP_OUT_MSGS);
    switch (type) {
    case ICMP_DESTINATION_UNREACHABLE:
        NET_COUNT(ICMP_OUT_DEST_UNREACHS);
        break;
    case ICMP_TIME_EXCEEDED:
        NET_COUNT(ICMP_OUT_TIME_EXCDS);
        break;
    case ICMP_ECHO_REQUEST:
        NET_COUNT(ICMP_OUT_ECHOS);
        break;
    case ICMP_ECHO_REPLY:
        NET_COUNT(ICMP_OUT_ECHO_REPS);
        break;
    default:
        break;
    }
    /* LAB(icmp) STUB
     * (void)type;
     * LAB(icmp) END */
}
