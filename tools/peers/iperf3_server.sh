#!/bin/sh
# iperf3_server: the host side of make bench's iperf3 figures, the host's own
# iperf3 (Debian's, as the guest's is) serving one test after another on
# 10.0.2.2:5201 until SIGTERM.
#
# usage: iperf3_server.sh      (run by tools/netns-peer --peer-ready)
#
# Prints READY once iperf3 says it listens (--forceflush: it flushes each
# line) and nothing else: its own lines are the server's view of each test,
# which the guest's client reports anyway (-J).  GNU sed -u passes READY on
# at once; the range ends at the first "Server listening", as iperf3 prints
# the line again after every test.
iperf3 -s --forceflush |
    sed -un '0,/^Server listening/{/^Server listening/s/.*/READY/p}'
