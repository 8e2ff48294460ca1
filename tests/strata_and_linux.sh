# tests/strata_and_linux.sh (sourced): runs one guest command in Strata
# (tools/guestrun) and in Linux 6.1 (tools/linuxrun), for checks the
# qemu-user oracle cannot make; each output must equal Linux's lines.
#   on_strata_and_linux DIR DESCRIPTION [RUNNER-OPTION...] -- COMMAND [ARG...]
# compares each runner's stdout with DIR/expected, prints an ok/not ok line
# per runner (with the diff), leaves DIR/<runner>.out and .err, and returns
# 1 if either differed.
on_strata_and_linux() {
    local dir=$1 description=$2 failed=0 runner status
    shift 2
    for runner in guestrun linuxrun; do
        status=0
        "tools/$runner" --timeout 120 "$@" >"$dir/$runner.out" 2>"$dir/$runner.err" || status=$?
        if [ $status -eq 0 ] && cmp -s "$dir/expected" "$dir/$runner.out"; then
            echo "ok - $runner: $description"
        else
            echo "not ok - $runner: $description (status $status):"
            diff "$dir/expected" "$dir/$runner.out" | sed 's/^/  /'
            failed=1
        fi
    done
    return $failed
}
