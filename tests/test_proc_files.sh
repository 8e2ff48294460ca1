#!/usr/bin/env bash
# /proc as Linux shows it: exe names the final target of a symlinked
# executable (busybox applets are links to /bin/busybox), MemTotal is the
# machine's memory, ps finds a process by its /proc/PID entries, and the
# sysctls /proc/sys/net/ipv4/ipfrag_time and tcp_syn_retries read and
# write as on Linux, Strata's own tcp_msl_ms (TIME-WAIT is twice it) the
# same way, tcp_sack is 1 or 0, tcp_syncookies 1 (0 to 2, Linux 6.1's
# range), and tcp_timestamps, tcp_early_retrans and
# tcp_slow_start_after_idle read 0 and take only 0 (Strata has none of them).
# /proc/self/stat's utime and stime count a loop's CPU time and agree with
# getrusage (t_cpu_time proc-stat), as on Linux 6.1 (tools/linuxrun;
# qemu-user fakes that file).
set -uo pipefail
cd "$(dirname "$0")/.."
failures=0
check() {
    if [ "$2" == "$3" ]; then echo "ok - $1"; else echo "not ok - $1: expected [$2] got [$3]"; failures=$((failures + 1)); fi
}
check "/proc/self/exe of an applet is /bin/busybox" /bin/busybox \
    "$(tools/guestrun -- readlink /proc/self/exe)"
check "MemTotal is the memory QEMU gave (64 MiB)" "65536 kB" \
    "$(tools/guestrun --mem 64M -- sh -c "grep MemTotal /proc/meminfo | tr -s ' ' | cut -d' ' -f2-")"
check "ps lists a background sleep by its pid" yes \
    "$(tools/guestrun -- sh -c 'sleep 5 & pid=$!; ps -o pid,args | grep -q "^ *$pid .*sleep 5" && echo yes; kill $pid')"
check "ipfrag_time is 30 s by default (Linux), takes 2, refuses a non-number (EINVAL)" \
    "30 2 Invalid argument 2" \
    "$(tools/guestrun -- sh -c 'f=/proc/sys/net/ipv4/ipfrag_time; a=$(cat $f); echo 2 >$f
        b=$(cat $f); e=$( (echo x >$f) 2>&1); echo $a $b ${e##*: } $(cat $f)')"
check "tcp_msl_ms is 30000 by default (TIME-WAIT 60 s as Linux), takes 500, refuses -1 and 2^31 (EINVAL)" \
    "30000 500 Invalid argument Invalid argument 500" \
    "$(tools/guestrun -- sh -c 'f=/proc/sys/net/ipv4/tcp_msl_ms; a=$(cat $f); echo 500 >$f
        b=$(cat $f); e=$( (echo -1 >$f) 2>&1); g=$( (echo 2147483648 >$f) 2>&1)
        echo $a $b ${e##*: } ${g##*: } $(cat $f)')"
check "tcp_timestamps is 0, takes 0, refuses 1 (EINVAL)" "0 ok Invalid argument" \
    "$(tools/guestrun -- sh -c 'f=/proc/sys/net/ipv4/tcp_timestamps; cat $f
        echo 0 >$f && echo ok; e=$( (echo 1 >$f) 2>&1); echo ${e##*: }' | tr '\n' ' ' | sed 's/ $//')"
check "tcp_sack is 1 (Linux's default), takes 0 and 1, refuses 2 (EINVAL)" \
    "1 0 1 Invalid argument 1" \
    "$(tools/guestrun -- sh -c 'f=/proc/sys/net/ipv4/tcp_sack; a=$(cat $f); echo 0 >$f; b=$(cat $f)
        echo 1 >$f; c=$(cat $f); e=$( (echo 2 >$f) 2>&1); echo $a $b $c ${e##*: } $(cat $f)')"
check "tcp_syncookies is 1 (Linux's default), takes 0 and 2, refuses 3 (EINVAL)" \
    "1 0 2 Invalid argument 2" \
    "$(tools/guestrun -- sh -c 'f=/proc/sys/net/ipv4/tcp_syncookies; a=$(cat $f); echo 0 >$f; b=$(cat $f)
        echo 2 >$f; c=$(cat $f); e=$( (echo 3 >$f) 2>&1); echo $a $b $c ${e##*: } $(cat $f)')"
check "tcp_syn_retries is 6 (Linux), takes 1, refuses 0 and 128 (EINVAL)" \
    "6 1 Invalid argument Invalid argument 1" \
    "$(tools/guestrun -- sh -c 'f=/proc/sys/net/ipv4/tcp_syn_retries; a=$(cat $f); echo 1 >$f
        b=$(cat $f); e=$( (echo 0 >$f) 2>&1); g=$( (echo 128 >$f) 2>&1)
        echo $a $b ${e##*: } ${g##*: } $(cat $f)')"
check "tcp_early_retrans is 0, takes 0, refuses 3 (EINVAL)" "0 ok Invalid argument" \
    "$(tools/guestrun -- sh -c 'f=/proc/sys/net/ipv4/tcp_early_retrans; cat $f
        echo 0 >$f && echo ok; e=$( (echo 3 >$f) 2>&1); echo ${e##*: }' | tr '\n' ' ' | sed 's/ $//')"
check "tcp_slow_start_after_idle is 0, takes 0, refuses 1 (EINVAL)" "0 ok Invalid argument" \
    "$(tools/guestrun -- sh -c 'f=/proc/sys/net/ipv4/tcp_slow_start_after_idle; cat $f
        echo 0 >$f && echo ok; e=$( (echo 1 >$f) 2>&1); echo ${e##*: }' | tr '\n' ' ' | sed 's/ $//')"
# The rows and columns of /proc/net/snmp and /proc/net/netstat: the name
# lines (and IcmpMsg's, after one ping on lo) are Linux 6.1's, line for line.
counter_names='ifconfig lo 127.0.0.1 up; ping -c 1 127.0.0.1 >/dev/null
    cat /proc/net/snmp /proc/net/netstat | awk "\$2 !~ /^-?[0-9]+\$/"'
check "/proc/net/snmp and /proc/net/netstat have Linux 6.1's rows and columns" \
    "$(tools/linuxrun -- sh -c "$counter_names")" "$(tools/guestrun -- sh -c "$counter_names")"
check "/proc/net/snmp_link pairs Strata's Eth and Arp names with values" \
    "Eth: 6 Eth: 6 Arp: 8 Arp: 8" \
    "$(tools/guestrun -- cat /proc/net/snmp_link | awk '{printf "%s%s %s", (NR > 1 ? " " : ""), $1, NF}')"
make -s build/user/tests/t_cpu_time || exit 1
proc_stat_expected=$(tools/linuxrun --add build/user/tests/t_cpu_time -- t_cpu_time proc-stat)
check "Linux 6.1: t_cpu_time proc-stat passes (the expectation is sound)" \
    "# t_cpu_time.c proc-stat: 2 passed, 0 failed" "$(echo "$proc_stat_expected" | tail -n 1)"
check "/proc/self/stat's utime and stime as on Linux 6.1: t_cpu_time proc-stat prints the same" \
    "$proc_stat_expected" "$(tools/guestrun --add build/user/tests/t_cpu_time -- t_cpu_time proc-stat)"
[ $failures -eq 0 ]
