#!/usr/bin/env bash
# The whole test suite, as CI runs it: a throw-away PostgreSQL cluster for the store conformance and
# gateway tests (installed from Debian's packages when missing), a throw-away VictoriaMetrics for the sizing tests, then
# `swift test`. The cluster is
# stopped and removed even when tests fail. Extra arguments go to `swift test` (e.g. --filter Health).
set -euo pipefail
cd "$(dirname "$0")/.."

have_postgres() {
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1
}

if ! have_postgres; then
    echo "== installing PostgreSQL from Debian's packages"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q postgresql
fi

# The browser and `openai` client tests need Chromium, chromedriver, selenium and openai; with
# TALON_REQUIRE_E2E=1 a missing one fails those tests instead of skipping them.
echo "== end-to-end dependencies (Chromium, selenium, openai)"
bash scripts/e2e-deps.sh
export TALON_REQUIRE_E2E=1

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}

workdir=$(mktemp -d /tmp/talon-test.XXXXXX)
chmod 755 "$workdir"
# Tests put their temporary files (and private PostgreSQL clusters) here, so cleanup finds them all.
mkdir -m 1777 "$workdir/tmp"
cleanup() {
    for cluster in "$workdir/pg" "$workdir"/tmp/talon-pg-test-*; do
        [ -d "$cluster" ] && bash scripts/pg-cluster.sh stop "$cluster" >/dev/null 2>&1
    done
    [ -d "$workdir/vm" ] && bash scripts/victoria-metrics.sh stop "$workdir/vm" >/dev/null 2>&1
    rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

port=$(free_port)
echo "== starting throw-away PostgreSQL on 127.0.0.1:$port"
TALON_TEST_DATABASE_URL=$(bash scripts/pg-cluster.sh start "$workdir/pg" "$port" | tail -n 1)
export TALON_TEST_DATABASE_URL

# The sizing tests query a real VictoriaMetrics (Debian's package, installed when missing).
vm_port=$(free_port)
echo "== starting throw-away VictoriaMetrics on 127.0.0.1:$vm_port"
mkdir -p "$workdir/vm"
TALON_TEST_VM_URL=$(bash scripts/victoria-metrics.sh start "$workdir/vm" "$vm_port" | tail -n 1)
export TALON_TEST_VM_URL

echo "== swift test"
swift build --build-tests
# One test at a time: on 2 cores, parallel tests starve each other's timing-sensitive checks (outages, timeouts).
TMPDIR="$workdir/tmp" swift test --skip-build --no-parallel "$@"
