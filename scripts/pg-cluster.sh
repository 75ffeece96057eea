#!/usr/bin/env bash
# Throw-away PostgreSQL clusters for tests.
#
#   pg-cluster.sh start DIR PORT   create (first time) and start a cluster in DIR listening on 127.0.0.1:PORT;
#                                  prints postgres://postgres@127.0.0.1:PORT/postgres once it accepts connections
#   pg-cluster.sh stop DIR         stop it (fast mode); succeeds when it is not running
#   pg-cluster.sh restart DIR      stop if running, start again on the same port; prints the URL
#
# Authentication is "trust" for local and 127.0.0.1 connections, durability is off (fsync=off): never use
# such a cluster for data you want to keep. The script installs nothing; it looks for the server binaries
# in /usr/lib/postgresql/<highest>/bin, then on PATH. Run as root, it runs the server as the "postgres" user
# (or a "talon-pg" system user it creates), since PostgreSQL refuses to run as root.
set -euo pipefail

die() {
    echo "pg-cluster.sh: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 start DIR PORT | stop DIR | restart DIR" >&2
    exit 2
}

find_bin_dir() {
    local candidate best=""
    for candidate in /usr/lib/postgresql/*/bin; do
        [[ -x $candidate/initdb && -x $candidate/pg_ctl ]] && best+="$candidate"$'\n'
    done
    if [[ -n $best ]]; then
        printf '%s' "$best" | sort -V | tail -n 1
        return
    fi
    local initdb
    initdb=$(command -v initdb || true)
    [[ -n $initdb ]] || die "PostgreSQL server binaries not found (no /usr/lib/postgresql/*/bin, no initdb on PATH); install the 'postgresql' package"
    dirname "$(readlink -f "$initdb")"
}

# The unprivileged account that owns and runs the cluster when we are root (empty: run as ourselves).
pick_run_user() {
    if [[ $(id -u) -ne 0 ]]; then
        return
    fi
    if id -u postgres >/dev/null 2>&1; then
        echo postgres
        return
    fi
    if ! id -u talon-pg >/dev/null 2>&1; then
        # Two scripts may race to create it; the loser just checks that it exists.
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin talon-pg 2>/dev/null ||
            id -u talon-pg >/dev/null 2>&1 || die "cannot create the talon-pg system user"
    fi
    echo talon-pg
}

as_pg() {
    if [[ -z $RUN_AS ]]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$RUN_AS" -- "$@"
    else
        su -s /bin/sh "$RUN_AS" -c "$(printf '%q ' "$@")"
    fi
}

is_running() {
    as_pg "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1
}

url() {
    echo "postgres://postgres@127.0.0.1:$1/postgres"
}

# pg_ctl -w already waits for "ready"; this also proves the TCP listener answers, within a deadline.
wait_ready() {
    local port=$1 deadline=$((SECONDS + 30))
    while ((SECONDS < deadline)); do
        if [[ -x $BIN/pg_isready ]]; then
            "$BIN/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres && return 0
        elif (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    die "the cluster in $DIR did not accept connections on 127.0.0.1:$port within 30 s (see $DIR/postgres.log)"
}

start_cluster() {
    local port=$1
    # Settings live in a file of their own, rewritten at every start, so a restart keeps port and socket dir.
    cat >"$DATA/talon-cluster.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    [[ -z $RUN_AS ]] || chown "$RUN_AS:" "$DATA/talon-cluster.conf"
    echo "$port" >"$DIR/port"
    if ! as_pg "$BIN/pg_ctl" -D "$DATA" -l "$DIR/postgres.log" -w -t 60 start >/dev/null; then
        tail -n 30 "$DIR/postgres.log" >&2 || true
        die "pg_ctl start failed for $DIR (port $port)"
    fi
    wait_ready "$port"
    url "$port"
}

cmd_start() {
    local port=$1
    [[ $port =~ ^[0-9]+$ ]] && ((port >= 1 && port <= 65535)) || die "PORT must be a number between 1 and 65535, got '$port'"
    if [[ ! -f $DATA/PG_VERSION ]]; then
        if [[ -n $RUN_AS ]]; then
            chown "$RUN_AS:" "$DIR"
            as_pg test -w "$DIR" ||
                die "user $RUN_AS cannot write $DIR (is a parent directory private?); use a directory like /tmp/talon-pg-XXXX"
        fi
        chmod 700 "$DIR"
        if ! as_pg "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1; then
            cat "$DIR/initdb.log" >&2
            die "initdb failed for $DIR"
        fi
        echo "include_if_exists = 'talon-cluster.conf'" >>"$DATA/postgresql.conf"
    fi
    if is_running; then
        url "$(cat "$DIR/port")"
        return
    fi
    start_cluster "$port"
}

cmd_stop() {
    if [[ ! -f $DATA/postmaster.pid ]]; then
        echo "pg-cluster.sh: no cluster running in $DIR" >&2
        return
    fi
    as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
}

cmd_restart() {
    [[ -f $DATA/PG_VERSION && -f $DIR/port ]] || die "no cluster in $DIR (run start first)"
    if is_running; then
        as_pg "$BIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null
    fi
    start_cluster "$(cat "$DIR/port")"
}

(($# >= 2)) || usage
COMMAND=$1
case $COMMAND in start | stop | restart) ;; *) usage ;; esac
mkdir -p "$2"
DIR=$(cd "$2" && pwd -P)
DATA=$DIR/data
BIN=$(find_bin_dir)
RUN_AS=$(pick_run_user)
# The server user may not be allowed into our working directory; nothing here needs it.
cd /

case $COMMAND in
start)
    (($# == 3)) || usage
    cmd_start "$3"
    ;;
stop)
    (($# == 2)) || usage
    cmd_stop
    ;;
restart)
    (($# == 2)) || usage
    cmd_restart
    ;;
*) usage ;;
esac
