#!/usr/bin/env bash
# Builds the release binary and measures it with the default config (embedded SQLite):
#   ready_ms     time from exec to the first 200 on /readyz (median of RUNS runs, default 15)
#   idle memory  VmRSS / VmHWM / RssAnon / RssFile after 10 s idle
#   healthz_rps  wrk, 50 connections, 10 s, and memory after it
#   turns        200 sequential /v1/chat/completions turns against an instant mock model (bench/mock_model.py):
#                (stateless, then 200 continuing one session): p50/p95 of the turn, of the mock alone, their
#                difference (gateway overhead), RSS after
#   webhooks     signed ticket.created deliveries (bench/webhooks.py + webhooks.lua), wrk 50 connections, 10 s
#                (alone: python3 bench/webhooks.py "$(swift build -c release --show-bin-path)/talon" [runs]):
#                accepted/s, p99 latency, RSS after, gateway CPU time per accepted delivery
# Prints one line per figure and writes bench/results/latest.json. Figures, not pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q wrk
fi

swift build -c release --product talon >&2
binary="$(swift build -c release --show-bin-path)/talon"
mkdir -p bench/results
python3 bench/measure.py "$binary" "${RUNS:-15}" bench/results/latest.json
