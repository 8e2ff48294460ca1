/* What the datagram kinds (packet, raw, udp) share on the receive side. */
#ifndef SOCKETS_DATAGRAM_H
#define SOCKETS_DATAGRAM_H
#include "socket.h"
#include "socket_queue.h"

/*
 * Waits for the first packet of queue, honouring MSG_DONTWAIT/O_NONBLOCK,
 * SO_RCVTIMEO and signals; a pending SO_ERROR is answered first.  *packet
 * stays on the queue; NULL with 0 after shutdown(SHUT_RD) when the call
 * would otherwise wait (a non-blocking one still answers EAGAIN, as Linux).
 */
int datagram_wait(struct socket *socket, struct socket_queue *queue,
                  struct socket_message *message, struct socket_packet **packet);
/*
 * Copies packet into the message, truncating (MSG_TRUNC in msg_flags), and
 * takes it off the queue unless MSG_PEEK.  Returns the byte count recvmsg
 * answers: the packet's full length when MSG_TRUNC was asked.
 */
ssize_t datagram_deliver(struct socket_queue *queue, struct socket_packet *packet,
                         struct socket_message *message);
/* POLLIN when something is queued (or after SHUT_RD), POLLERR with SO_ERROR, POLLOUT. */
unsigned datagram_poll(struct socket *socket, struct socket_queue *queue);
/* FIONREAD (SIOCINQ): the length of the first packet. */
long datagram_ioctl(struct socket_queue *queue, unsigned command, uint64_t argument);

#endif
