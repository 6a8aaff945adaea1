#!/usr/bin/env bash
# The lab benchmark, side by side in one run: snc serve against the lab's
# Python threading server, and snc load against the lab's Python asyncio
# client (both driving snc serve), 1 KiB messages at 10, 100, 1000 and 10,000
# concurrent clients; then the servers' resident memory per idle client;
# then snc serve against a C thread-per-connection server at 10, 100, 1000;
# then snc load against a C epoll client (scripts/bench/epoll_client.c, built
# with cc -O2) on the same server, alternating runs, at 10, 100, 1000; then
# snc load --isolated against the plain run at 100 and 1000; then snc load
# --capture against no capture at 1000 (as root).
# Prints connections/s, p99 latency and the ratios against the targets.
#
#   scripts/bench-lab.sh                 # the full run (a few minutes)
#   scripts/bench-lab.sh --quick         # fewer connections per level
#   scripts/bench-lab.sh --levels 10,100 --idle-clients 2000
#   scripts/bench-lab.sh --only-c        # snc serve vs a C thread-per-connection server only
#   scripts/bench-lab.sh --only-c-client # snc load vs a C epoll client only (snc serve and the C server)
#   SNC_BIN=/path/to/snc scripts/bench-lab.sh --snc-only   # that binary, snc alone, no build
#   scripts/bench-lab.sh --only-isolated # snc load --isolated vs the plain run only
#   scripts/bench-lab.sh --only-capture  # snc load --capture vs no capture at c=1000 (root)
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -n "${SNC_BIN:-}" ]] || swift build -c release >/dev/null
ulimit -n "$(ulimit -Hn)"
exec python3 scripts/bench_lab.py "$@"
