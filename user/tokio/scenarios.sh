# The tokio programs as tests/test_tokio.sh runs them.
#
# usage: sh scenarios.sh DIRECTORY loopback|host
#   DIRECTORY  where the programs are
#   loopback   every program on 127.0.0.1: run in the guest (busybox sh) and
#              under qemu-aarch64 on the host, where Linux is the oracle; the
#              two outputs must be the same, so every line is a fact
#   host       the guest (10.0.2.15) with the host (10.0.2.2) on a tap: the
#              host listens on 6142 (hello) and 7201 (echo); once this prints
#              READY the host runs echo_client against 10.0.2.15:7203, then
#              connects to 10.0.2.15:7204 to say it is done
#
# A server is started with its stdout on a FIFO that this script holds open
# on a descriptor of its own: reading its "listening" line is how the script
# knows it listens (no sleeping), and once SIGTERM has stopped it the rest
# of what it printed is read from the same descriptor.
set -u
bin=$1
scenarios=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

serve() {   # serve FD NAME ARG...: start server NAME, print its first line
    fd=$1 name=$2
    shift 2
    mkfifo "$work/$fd"
    "$bin/$name" "$@" >"$work/$fd" &
    eval "server_$fd=\$!"
    eval "exec $fd<\"\$work/\$fd\""
    eval "read -r line <&$fd"
    echo "$line"
}

stop() {    # stop FD: SIGTERM the server on FD, print the rest of its output and status
    fd=$1
    eval "pid=\$server_$fd"
    kill -TERM "$pid"
    wait "$pid"
    status=$?
    eval "cat <&$fd"
    eval "exec $fd<&-"
    rm "$work/$fd"
    echo "server status $status"
}

run() {     # run NAME ARG...: a client, its output and status
    "$bin/$@"
    echo "status $?"
}

loopback() {
    echo "== echo"
    serve 3 echo_server 127.0.0.1:7101
    run echo_client 127.0.0.1:7101 8
    stop 3

    echo "== key-value"
    serve 3 kv_server 127.0.0.1:7102
    run kv_client 127.0.0.1:7102 4
    stop 3

    echo "== chat"
    serve 3 chat_server 127.0.0.1:7103
    run chat_clients 127.0.0.1:7103 5
    stop 3

    echo "== proxy"
    serve 3 echo_server 127.0.0.1:7104
    serve 4 proxy 127.0.0.1:7105 127.0.0.1:7104
    run echo_client 127.0.0.1:7105 4
    stop 4
    stop 3

    echo "== errors"
    run hello_client 127.0.0.1:7106 2>&1
    run echo_client 127.0.0.1:7101 2>&1
    run kv_client not-an-address 2 2>&1
    echo "== end"
}

host() {
    echo "== hello to the host"
    run hello_client
    echo "== echo with the host"
    run echo_client 10.0.2.2:7201 4
    echo "== proxy to the host"
    serve 3 proxy 127.0.0.1:7202 10.0.2.2:7201
    run echo_client 127.0.0.1:7202 4
    stop 3
    echo "== echo server for the host"
    serve 3 echo_server 10.0.2.15:7203
    echo READY
    nc -l -p 7204 >/dev/null
    stop 3
    echo "== end"
}

case $scenarios in
loopback | host) $scenarios ;;
*) echo "usage: sh scenarios.sh DIRECTORY loopback|host" >&2; exit 2 ;;
esac
