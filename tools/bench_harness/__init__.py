"""tools/bench's pure parts, apart so that tests/test_bench_harness.sh can
test them without booting anything: summary (median [min-max], ratio, the
table), schedule (the kernels alternating run by run), memory (the
bisection of -m) and iperf3 (the guest's script and its JSON)."""
