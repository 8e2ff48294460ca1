# tests/tap.sh: TAP-style checks for the host-side test scripts (sourced).
#   check DESCRIPTION COMMAND...   runs COMMAND; prints "ok N - ..." or "not ok N - ..."
#   checks_summary                 prints "N checks, M failed"; status 0 if none failed
#   skip_rest REASON               the rest cannot run here: prints "# SKIP REASON" and
#                                  the summary, exits 1 if a check failed, else 77, which
#                                  tools/run-tests counts as a skip (never as a pass)
tap_number=0
tap_failures=0
check() {
    local description=$1
    shift
    tap_number=$((tap_number + 1))
    if "$@"; then
        echo "ok $tap_number - $description"
    else
        echo "not ok $tap_number - $description"
        tap_failures=$((tap_failures + 1))
    fi
}
checks_summary() {
    echo "$tap_number checks, $tap_failures failed"
    [ $tap_failures -eq 0 ]
}
skip_rest() {
    echo "# SKIP $1"
    checks_summary || exit 1
    exit 77
}
