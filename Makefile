# Strata top-level build.  `make` builds the kernel, the user programs and the
# initramfs; `make run` boots it; `make test` runs every test; `make bench`
# measures.  Every target that needs host packages first runs tools/setup.

CROSS     ?= aarch64-linux-gnu-
CC        := $(CROSS)gcc
OBJCOPY   := $(CROSS)objcopy
BUILD     := build
KERNEL    := $(BUILD)/kernel/strata.elf
# What QEMU boots: the ELF as a raw arm64 Linux-format image, so that QEMU
# passes the device tree and the initramfs as it does for Linux.
KERNEL_IMAGE := $(BUILD)/kernel/strata.img
INITRAMFS := $(BUILD)/initramfs.cpio
SETUP_OK  := $(BUILD)/.setup-ok

# The network stack's layers live beside the kernel, one folder each (docs/design.md);
# netif/host/ is the porting boundary's host implementation, not built here.
NET_DIRECTORIES := netif eth arp ip icmp igmp udp tcp sockets
KERNEL_SOURCES := $(shell find kernel $(wildcard $(NET_DIRECTORIES)) -path netif/host -prune \
	-o \( -name '*.c' -o -name '*.S' \) -print | sort)
KERNEL_OBJECTS := $(patsubst %,$(BUILD)/%.o,$(KERNEL_SOURCES))

# The kernel is freestanding and never touches FP/SIMD registers, so that the
# user's FP state only needs saving at context switch (see arch/aarch64/switch.S).
KERNEL_CFLAGS := -ffreestanding -nostdlib -mgeneral-regs-only -fno-pie -no-pie \
	-fno-omit-frame-pointer -mno-omit-leaf-frame-pointer -fstack-protector-strong \
	-O2 -g -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Ikernel/include -I. -idirafter /usr/include -MMD -MP
KERNEL_LDFLAGS := -nostdlib -no-pie -static -Wl,-T,kernel/arch/aarch64/kernel.ld \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments

USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror
USER_PROGRAMS := $(patsubst user/%.c,$(BUILD)/user/%,$(wildcard user/*.c))

# `make run` and `make gdb` boot through tools/qemu-machine, the one
# definition of the QEMU command line (its usage explains each variable):
#   NET=user|tap|none  what eth0 is attached to; user (QEMU's user networking,
#                      no root needed) by default
#   TAP=IFNAME         with NET=tap, an existing tap (default tap0)
#   FWD="8080:80 ..."  with NET=user, the host's 127.0.0.1:8080 reaches the guest's port 80
#   GDB_PORT=PORT      where `make gdb` waits for gdb, on 127.0.0.1 (default 1234)
#   DEBS="iperf3 ..."  Debian arm64 packages, with their dependencies, in the guest
#   MEM=SIZE           guest memory (default 128M, 512M with DEBS)
GDB_PORT ?= 1234
RUN_OPTIONS = $(if $(NET),--net $(NET)) $(if $(TAP),--tap $(TAP)) \
	$(foreach forward,$(FWD),--forward $(forward)) \
	$(foreach package,$(DEBS),--deb $(package)) $(if $(MEM),--mem $(MEM))

.PHONY: all run gdb test setup clean user-tests
all: $(KERNEL_IMAGE) $(INITRAMFS) impair-bridge

$(SETUP_OK): tools/setup
	tools/setup
	@mkdir -p $(BUILD) && touch $@

setup: $(SETUP_OK)

$(BUILD)/%.c.o: %.c | $(SETUP_OK)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/%.S.o: %.S | $(SETUP_OK)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KERNEL_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Linked twice: the second link adds the symbol table that panics print from.
# Only .rodata grows between the two, after all the code, so addresses hold.
KERNEL_LINK = $(CC) $(KERNEL_CFLAGS) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJECTS) \
	/usr/lib/aarch64-linux-gnu/libfdt.a -lgcc
$(KERNEL): $(KERNEL_OBJECTS) kernel/arch/aarch64/kernel.ld tools/kernel-symbols
	@echo "  LD      $@"
	@$(KERNEL_LINK)
	@tools/kernel-symbols $@ $(BUILD)/kernel/symbols.S
	@$(CC) -c $(BUILD)/kernel/symbols.S -o $(BUILD)/kernel/symbols.o
	@$(KERNEL_LINK) $(BUILD)/kernel/symbols.o

$(KERNEL_IMAGE): $(KERNEL)
	@echo "  IMAGE   $@"
	@$(OBJCOPY) -O binary $< $@

$(BUILD)/user/%: user/%.c | $(SETUP_OK)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $<

$(INITRAMFS): $(USER_PROGRAMS) tools/mkinitramfs $(wildcard user/etc/*) $(SETUP_OK)
	tools/mkinitramfs $@ $(USER_PROGRAMS)

run: all
	tools/qemu-machine $(RUN_OPTIONS)

gdb: all
	@echo "QEMU waits for gdb on 127.0.0.1:$(GDB_PORT); in another shell run:"
	@echo "  gdb-multiarch $(KERNEL) -ex 'target remote :$(GDB_PORT)'"
	tools/qemu-machine $(RUN_OPTIONS) --gdb $(GDB_PORT)

# The guest test programs (user/tests/Makefile.inc) and the full test run.
include user/tests/Makefile.inc
include user/sniff/Makefile.inc
include user/tools/Makefile.inc
include user/tokio/Makefile.inc
$(USER_TESTS): | $(SETUP_OK)

test: all user-tests tokio-programs
	tools/run-tests $(TESTS)

# The fuzz targets (tests/fuzz/README.md): FUZZ_SECONDS=N each (default 60).
.PHONY: fuzz
fuzz: | $(SETUP_OK)
	$(MAKE) -j2 -f tests/fuzz/Makefile all
	tests/fuzz/run

include tools/bench.mk
include pcap_tests/build.mk
include tools/impair-bridge/build.mk
bench: all

# Labs (labs/README.md).  In a handout, labs/handout-lab names its lab, so
# `make grade` needs no LAB=.
LAB ?= $(shell cat labs/handout-lab 2>/dev/null)
.PHONY: handout grade lab-check autograder
handout:
	labs/handout $(LAB) $(DEST)
grade: | $(SETUP_OK)
	labs/grade $(LAB) $(TEST)
# Every lab, or LAB= one: its tests are not vacuous, its mutants are caught,
# its reference grades the same twice (labs/README.md, "Checking the labs").
lab-check: | $(SETUP_OK)
	labs/lab-check $(LAB)
autograder:
	labs/autograder $(LAB)

clean:
	rm -rf $(BUILD)/kernel $(BUILD)/user $(INITRAMFS)

-include $(KERNEL_OBJECTS:.o=.d)
