# tests/tap.sh: TAP-style checks for the host-side test scripts (sourced).
#   check DESCRIPTION COMMAND...   runs COMMAND; prints "ok N - ..." or "not ok N - ..."
#   checks_summary                 prints "N checks, M failed"; status 0 if none failed
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
