/* The frame with which the harness tells the guest program that the test is
 * over: broadcast, so that no MAC filter stops it, with the EtherType IEEE
 * reserves for local experiments (IEEE 802 "Local Experimental EtherType 1"),
 * which no protocol layer of the guest handles.  The guest program waits for
 * it on a packet socket, so that it reads the counters a second time only
 * after every frame before it went through the stack: frames are received in
 * order, and the harness sends this one last. */
#ifndef END_OF_TEST_H
#define END_OF_TEST_H

#define END_OF_TEST_ETHERTYPE 0x88b5
#define END_OF_TEST_PAYLOAD "PCAP-END"

#endif
