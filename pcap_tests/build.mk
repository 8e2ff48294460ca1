# pcap_tests: the host harness (C + libpcap) and the guest program, built by
# `make pcap-tools` (pcap_tests/run does it first).  Included by the Makefile.

PCAP_BUILD := $(BUILD)/pcap_tests
PCAP_HARNESS := $(PCAP_BUILD)/harness
PCAP_GUEST := $(PCAP_BUILD)/pcap_guest
# The fixtures' peers in the guest (pcap_tests/guest/*.c but pcap_guest.c),
# started by a fixture's guest_setup: pcap_tcp is the guest application of
# the TCP conversations, multicast_member the member of an IGMP fixture's group.
PCAP_GUEST_PEERS := $(PCAP_BUILD)/packet_echo $(PCAP_BUILD)/raw_echo $(PCAP_BUILD)/pcap_tcp \
	$(PCAP_BUILD)/multicast_member
PCAP_HARNESS_SOURCES := $(wildcard pcap_tests/harness/*.c)
PCAP_HARNESS_HEADERS := $(wildcard pcap_tests/harness/*.h) pcap_tests/common/end_of_test.h

.PHONY: pcap-tools
pcap-tools: $(PCAP_HARNESS) $(PCAP_GUEST) $(PCAP_GUEST_PEERS)

$(PCAP_HARNESS): $(PCAP_HARNESS_SOURCES) $(PCAP_HARNESS_HEADERS) | $(SETUP_OK)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@gcc -O2 -g -std=gnu11 -Wall -Wextra -Werror -o $@ $(PCAP_HARNESS_SOURCES) -lpcap

$(PCAP_GUEST): pcap_tests/guest/pcap_guest.c pcap_tests/common/end_of_test.h | $(SETUP_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(USER_CFLAGS) -o $@ $<

$(PCAP_GUEST_PEERS): $(PCAP_BUILD)/%: pcap_tests/guest/%.c | $(SETUP_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	@$(CC) $(USER_CFLAGS) -o $@ $<
