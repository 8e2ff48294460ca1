# impair-bridge (README.md beside this file) and its unit test, built
# natively by `make`.  Included by the Makefile.

IMPAIR_BRIDGE := $(BUILD)/tools/impair-bridge
IMPAIR_BRIDGE_TEST := $(BUILD)/tools/test_impair
IMPAIR_BRIDGE_HEADERS := tools/impair-bridge/impair.h user/sniff/pcap_writer.h
IMPAIR_BRIDGE_CFLAGS := -O2 -g -std=gnu11 -Wall -Wextra -Werror -Iuser/sniff

.PHONY: impair-bridge
impair-bridge: $(IMPAIR_BRIDGE) $(IMPAIR_BRIDGE_TEST)

$(IMPAIR_BRIDGE): tools/impair-bridge/main.c tools/impair-bridge/impair.c \
		user/sniff/pcap_writer.c $(IMPAIR_BRIDGE_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@gcc $(IMPAIR_BRIDGE_CFLAGS) -o $@ $(filter %.c,$^)

# Under ASan and UBSan, as the other host unit tests.
$(IMPAIR_BRIDGE_TEST): tools/impair-bridge/tests/test_impair.c tools/impair-bridge/impair.c \
		$(IMPAIR_BRIDGE_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $@"
	@gcc $(IMPAIR_BRIDGE_CFLAGS) -Itools/impair-bridge -fsanitize=address,undefined \
		-fno-sanitize-recover=all -o $@ $(filter %.c,$^) -lm
