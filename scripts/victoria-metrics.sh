#!/usr/bin/env bash
# A throw-away VictoriaMetrics (the platform's metrics store) for the sizing tests, on loopback.
#   scripts/victoria-metrics.sh start DIR PORT   installs Debian's victoria-metrics when missing, starts
#                                                 it on 127.0.0.1:PORT with its storage in DIR/data,
#                                                 waits for /health and prints the base URL last
#   scripts/victoria-metrics.sh stop DIR         stops the server started for DIR (its pid file)
# Query caching is off: tests import samples with past timestamps (backfilling), which a cached
# range answer would hide.
set -euo pipefail

usage() {
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
}

vm_binary() {
    command -v victoria-metrics 2>/dev/null || { [ -x /usr/bin/victoria-metrics ] && echo /usr/bin/victoria-metrics; } || true
}

install_vm() {
    echo "== installing VictoriaMetrics from Debian's packages" >&2
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q victoria-metrics >&2
}

healthy() {
    [ "$(curl -fsS --max-time 2 "http://127.0.0.1:$1/health" 2>/dev/null)" = "OK" ]
}

start() {
    local dir=$1 port=$2
    [ -n "$(vm_binary)" ] || install_vm
    local binary
    binary=$(vm_binary)
    [ -n "$binary" ] || { echo "victoria-metrics is not installed" >&2; exit 1; }
    mkdir -p "$dir/data"
    if [ -f "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
        echo "a VictoriaMetrics for $dir is already running (pid $(cat "$dir/pid"))" >&2
        exit 1
    fi
    # setsid: the server outlives this script and is not hit by the caller's terminal signals.
    setsid "$binary" \
        -httpListenAddr="127.0.0.1:$port" \
        -storageDataPath="$dir/data" \
        -retentionPeriod=1 \
        -search.disableCache \
        -loggerLevel=WARN \
        >"$dir/victoria-metrics.log" 2>&1 </dev/null &
    echo $! >"$dir/pid"
    local deadline=$((SECONDS + 30))
    until healthy "$port"; do
        if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
            echo "VictoriaMetrics exited; its log:" >&2
            tail -n 30 "$dir/victoria-metrics.log" >&2
            rm -f "$dir/pid"
            exit 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            echo "VictoriaMetrics did not become healthy on 127.0.0.1:$port within 30 s; its log:" >&2
            tail -n 30 "$dir/victoria-metrics.log" >&2
            stop "$dir"
            exit 1
        fi
        sleep 0.2
    done
    echo "http://127.0.0.1:$port"
}

stop() {
    local dir=$1
    [ -f "$dir/pid" ] || return 0
    local pid
    pid=$(cat "$dir/pid")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        local deadline=$((SECONDS + 15))
        while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/pid"
}

case "${1:-}" in
start)
    [ $# -eq 3 ] || usage
    start "$2" "$3"
    ;;
stop)
    [ $# -eq 2 ] || usage
    stop "$2"
    ;;
*) usage ;;
esac
