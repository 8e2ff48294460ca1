# What every host unit test of the stack links besides the stack itself: the
# helpers of net_test.h, and the sniffer's decoders, with which a failed
# check prints the frames up to the failure.  Included by tests/host/Makefile
# and tests/tcp/Makefile.
NET_TEST_SOURCES := tests/host/net_test.c $(wildcard user/sniff/decode_*.c)
NET_TEST_HEADERS := tests/host/net_test.h user/sniff/decode.h user/sniff/bytes.h \
	user/sniff/protocols.h
