# Benchmark target; the top-level Makefile does `include tools/bench.mk`
# and makes `bench` depend on `all`.
#
#   make bench                      every benchmark once, Strata beside Linux 6.1
#   make bench RUNS=5               five runs, the kernels alternating run by run:
#                                   each figure's median [min-max], the ratio of medians
#   make bench ONLY=iperf3,memory   some of them (names and groups: tools/bench --help)
#   make bench BENCH_ARGS="--boot-runs 5 --verbose"
#
# tools/bench fetches Linux and busybox once (tools/linux-anchor, into build/)
# and builds user/bench/*.c into build/user/bench/.  user/bench/README.md
# lists the figures and says how long a run takes.

BENCH_TOOLS := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
BENCH_ARGS ?=
RUNS ?=
ONLY ?=

.PHONY: bench
bench:
	$(BENCH_TOOLS)/bench $(if $(RUNS),--runs $(RUNS)) $(if $(ONLY),--only $(ONLY)) $(BENCH_ARGS)
