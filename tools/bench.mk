# Benchmark target; the top-level Makefile does `include tools/bench.mk`.
#
#   make bench                      all benchmarks, Linux 6.1 anchor + Strata
#   make bench BENCH_ARGS="--only pipe --runs 3"
#
# tools/bench fetches Linux and busybox once (tools/linux-anchor, into build/),
# builds user/bench/*.c into build/user/bench/, and runs Strata only when
# build/kernel/strata.elf and tools/guestrun exist.  To have `make bench`
# build the kernel first, add the prerequisite in the top-level Makefile,
# e.g. `bench: build/kernel/strata.elf`.

BENCH_TOOLS := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
BENCH_ARGS ?=

.PHONY: bench
bench:
	$(BENCH_TOOLS)/bench $(BENCH_ARGS)
