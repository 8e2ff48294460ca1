#!/usr/bin/env bash
# UDP sockets in Strata against Linux, one section of user/tests/t_socket_udp.c
# at a time (tools/run-section: the section run in Strata, its lines compared
# with the same section of Linux's run).  Over 127.0.0.1 only.
#   tests/guest_udp_socket.sh NAME      (the UDP lab's grader runs them by name)
# The sections, each with the rule it checks:
#
# test_udp_socket_errors: udp(7), socket(2), bind(2), send(2), shutdown(2): the
#   errors Linux answers: EAGAIN from an empty non-blocking socket,
#   EDESTADDRREQ for a send with no destination, ENOTCONN from shutdown
#   unconnected (then EOF, or EAGAIN without waiting), EAFNOSUPPORT,
#   EADDRNOTAVAIL and EINVAL from bind.
# test_udp_socket_datagrams: udp(7), recvmsg(2): ephemeral ports, EINVAL for a
#   second bind and EADDRINUSE, sendto and recvfrom naming the sender, MSG_PEEK,
#   truncation (MSG_TRUNC both ways), scatter and gather, datagrams up to 60000
#   bytes, EMSGSIZE, connect and getpeername, EFAULT.
# test_udp_socket_connected: udp(7), connect(2): a connected socket takes its
#   peer's datagrams only and may still sendto others; AF_UNSPEC dissolves the
#   association and gives up the address and port bind did not name.
# test_udp_socket_blocking: udp(7), socket(7) SO_RCVTIMEO: a timeout answers
#   EAGAIN, a blocked recv wakes for a datagram, a port unreachable fails the
#   connected socket's next call with ECONNREFUSED (RFC 1122 4.1.3.3), a
#   broadcast without SO_BROADCAST is EACCES.
# test_udp_socket_signals: signal(7), socket(7): a signal interrupts a blocked
#   recv with EINTR, also under SA_RESTART when SO_RCVTIMEO is set.
set -uo pipefail
cd "$(dirname "$0")/.."
name=${1:-}
if [ -z "$name" ] || ! grep -q "^# $name:" "$0"; then
    echo "usage: $0 NAME, one of:" $(sed -n 's/^# \(test_udp_socket_[a-z]*\):.*/\1/p' "$0") >&2
    exit 2
fi
exec tools/run-section t_socket_udp "${name#test_udp_socket_}"
