#!/bin/sh
# busybox.sh - exercise busybox sh and ~40 applets; run with
#     busybox sh busybox.sh
# Applets are found through PATH (/bin/<applet> links in the guest; a
# directory of symlinks on the host, see tools/run-host-oracle).  Shell
# builtins (echo, printf, test, kill) are also called as "busybox APPLET"
# so the applet itself, not only the builtin, is exercised.
#
# Each check compares output with a literal expected value.  Hash values
# are the published test vectors (RFC 1321 MD5("abc"), FIPS 180-2
# SHA-256("abc")) or were computed with GNU coreutils on the host.
# Output is "ok N - ..." / "not ok N - ...", then a summary line; the
# exit status is 0 iff every check passed.

n=0
pass=0
fail=0

# check DESCRIPTION EXPECTED ACTUAL
check() {
	n=$((n + 1))
	if [ "$3" = "$2" ]; then
		pass=$((pass + 1))
		echo "ok $n - $1"
	else
		fail=$((fail + 1))
		echo "not ok $n - $1: expected [$2] got [$3]"
	fi
}

W=/tmp/busybox.sh.d
rm -rf "$W"
mkdir "$W" && cd "$W" || { echo "not ok 1 - cannot create $W"; exit 1; }

# --- shell: pipes, redirections, here-documents, status -----------------
check "echo" "hello world" "$(echo hello world)"
check "busybox echo applet" "hello applet" "$(busybox echo hello applet)"
check "printf formats" "ab-007-ff" "$(printf '%s-%03d-%x' ab 7 255)"
check "busybox printf applet" "x=42" "$(busybox printf 'x=%d' 42)"
check "pipeline of three commands" "a b c " "$(echo 'c a b' | tr ' ' '\n' | sort | tr '\n' ' ')"
echo one > f
echo two >> f
check "> and >> redirections" "one
two" "$(cat f)"
check "< redirection" "one" "$(head -n 1 < f)"
check "2>&1 captures stderr" "1" "$(ls /nonexistent 2>&1 | wc -l)"
ls /nonexistent 2>/dev/null
check "exit status of failing ls" "1" "$?"
v=expanded
check "here-document with expansion" "value: expanded" "$(cat <<END
value: $v
END
)"
check "quoted here-document without expansion" 'value: $v' "$(cat <<'END'
value: $v
END
)"
(exit 3)
check "subshell exit status" "3" "$?"
check "while read loop" "<a><b>" "$(printf 'a\nb\n' | while read x; do printf '<%s>' "$x"; done)"
check "environment passed to a child sh" "bar" "$(FOO=bar sh -c 'echo $FOO')"
check "true and false exit codes" "0 1" "$(true; a=$?; false; echo $a $?)"

# --- files and directories ----------------------------------------------
mkdir -p a/b/c
check "mkdir -p creates nested directories" "c" "$(ls a/b)"
touch z y x
check "touch creates files, ls sorts them" "a
f
x
y
z" "$(ls)"
cp f g
check "cp copies content" "one
two" "$(cat g)"
mv g h
check "mv renames" "no-g yes-h" "$(test -e g && echo yes-g || echo no-g) $(test -e h && echo yes-h || echo no-h)"
rm h
check "rm removes a file" "gone" "$(test -e h || echo gone)"
rmdir a/b/c
check "rmdir removes an empty directory" "" "$(ls a/b)"
check "rmdir refuses a non-empty directory" "1" "$(rmdir a 2>/dev/null; echo $?)"
printf '0123456789' > ten
check "stat size" "10" "$(stat -c %s ten)"
check "stat file type" "regular file" "$(stat -c %F ten)"
check "stat directory type" "directory" "$(stat -c %F a)"
check "busybox test -d and -f" "dir file" "$(busybox test -d a && echo dir) $(busybox test -f ten && echo file)"
check "test integer comparison" "yes" "$(test 3 -lt 5 && echo yes)"
check "find -name" "./a/b/in.txt
./top.txt" "$(touch top.txt a/b/in.txt; find . -name '*.txt' | sort)"
check "basename with suffix" "c" "$(basename /a/b/c.txt .txt)"
check "dirname" "/a/b" "$(dirname /a/b/c)"
check "cmp equal files" "0" "$(cp ten ten2; cmp ten ten2; echo $?)"

# --- text processing ----------------------------------------------------
printf 'apple\nbanana\ncherry\n' > fruit
check "grep pattern" "banana" "$(grep an fruit)"
check "grep -c" "2" "$(grep -c a fruit)"
check "grep -v" "cherry" "$(grep -v a fruit)"
check "sed substitute" "heLLo" "$(echo hello | sed 's/l/L/g')"
check "sed -n line print" "banana" "$(sed -n 2p fruit)"
check "wc -l" "3" "$(wc -l < fruit)"
check "wc -c" "10" "$(wc -c < ten)"
check "sort -n" "9 10 100" "$(printf '10\n9\n100\n' | sort -n | tr '\n' ' ' | sed 's/ $//')"
check "sort -r" "cherry banana apple" "$(sort -r fruit | tr '\n' ' ' | sed 's/ $//')"
check "uniq collapses adjacent duplicates" "a b a" "$(printf 'a\na\nb\na\n' | uniq | tr '\n' ' ' | sed 's/ $//')"
check "uniq -c counts" "2 a,1 b" "$(printf 'a\na\nb\n' | uniq -c | awk '{printf "%s%s %s", s, $1, $2; s=","}')"
check "head -n 3" "1 2 3" "$(seq 1 10 | head -n 3 | tr '\n' ' ' | sed 's/ $//')"
check "tail -n 2" "9 10" "$(seq 1 10 | tail -n 2 | tr '\n' ' ' | sed 's/ $//')"
check "tr a-z A-Z" "HELLO" "$(echo hello | tr a-z A-Z)"
check "tr -d" "hll" "$(echo hello | tr -d eo)"
check "cut -d -f" "b" "$(echo a:b:c | cut -d: -f2)"
check "cut -c" "abc" "$(echo abcdef | cut -c1-3)"
check "expr arithmetic" "42" "$(expr 6 \* 7)"
check "expr length" "5" "$(expr length hello)"
check "awk arithmetic" "12" "$(echo '3 4' | awk '{print $1 * $2}')"
check "xargs -n1" "3" "$(echo 1 2 3 | xargs -n1 echo | wc -l)"
check "od hex dump" "41 42" "$(printf AB | od -An -tx1 | sed 's/^ *//')"
check "10000 lines through a pipe" "10000" "$(seq 1 10000 | wc -l)"
check "md5sum of seq 1 10000 (GNU coreutils value)" "72d4ff27a28afbc066d5804999d5a504" \
	"$(seq 1 10000 | md5sum | cut -d' ' -f1)"

# --- hashes and archives ------------------------------------------------
check "md5sum abc (RFC 1321)" "900150983cd24fb0d6963f7d28e17f72  -" "$(printf abc | md5sum)"
check "sha256sum abc (FIPS 180-2)" \
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -" \
	"$(printf abc | sha256sum)"
gzip -c fruit > fruit.gz
check "gzip output starts with the gzip magic 1f 8b" "1f 8b" "$(od -An -tx1 -N2 fruit.gz | sed 's/^ *//')"
check "gunzip -c restores the data" "apple banana cherry" "$(gunzip -c fruit.gz | tr '\n' ' ' | sed 's/ $//')"
check "zcat restores the data" "3" "$(zcat fruit.gz | wc -l)"
tar -cf arch.tar fruit ten a
mkdir out
tar -xf arch.tar -C out
check "tar lists archived names" "a/ a/b/ a/b/in.txt fruit ten" "$(tar -tf arch.tar | sort | tr '\n' ' ' | sed 's/ $//')"
check "tar round trip keeps content" "same" "$(cmp fruit out/fruit && cmp ten out/ten && echo same)"
check "tar round trip keeps directories" "in.txt" "$(ls out/a/b)"

# --- processes, signals, time ---------------------------------------------
check "ps lists this shell's pid" "1" "$(ps -o pid | awk -v p=$$ '$1 == p { n++ } END { print n + 0 }')"
sleep 100 &
bg=$!
kill $bg
wait $bg
check "kill SIGTERM: wait status 128+15" "143" "$?"
sleep 100 &
bg=$!
busybox kill -9 $bg
wait $bg
check "busybox kill -9: wait status 128+9" "137" "$?"
check "sleep 0.1 exits 0" "0" "$(sleep 0.1; echo $?)"
check "date -u -d @0" "1970-01-01 00:00:00" "$(date -u -d @0 '+%Y-%m-%d %H:%M:%S')"
check "date +%s is a number" "ok" "$(date +%s | grep -q '^[0-9][0-9]*$' && echo ok)"

cd /
rm -rf "$W"
check "cleanup removes the work directory" "gone" "$(test -e $W || echo gone)"

echo "# busybox.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
