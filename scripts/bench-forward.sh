#!/usr/bin/env bash
# snc forward vs ssh -N -L, side by side on one private sshd (loopback),
# same cipher and MAC for both (aes128-ctr + hmac-sha2-256, which libssh2
# 1.10 and OpenSSH share). Prints MB/s for one connection and for 8 parallel
# connections, the round-trip time of a small request/response through each,
# and snc/ssh ratios; then snc's -L, -R and -D throughput on one session
# side by side, SOCKS5 connection setup (time to first byte over
# BENCH_SOCKS sequential connections, default 1000) against ssh -D, and the
# round trip through a 2-hop -J chain (three sshd instances), snc -J vs ssh -J.
#
#   scripts/bench-forward.sh                 # 1 GiB per run
#   BENCH_MIB=256 scripts/bench-forward.sh   # quicker
#   BENCH_SESSIONS=4 ...                     # sessions for snc's parallel run (default 8)
#   scripts/bench-forward.sh jump            # only the round trip through a 2-hop -J chain, snc vs ssh -J
#   BENCH_KINDS=0 ...                        # only ssh -L vs snc -L (binaries from before -R, -D, -J)
#   SNC_BIN=/path/to/snc ...                 # that binary (no build)
set -euo pipefail
cd "$(dirname "$0")/.."
export SNC_BIN="${SNC_BIN:-$PWD/.build/release/snc}"
[[ -x "$SNC_BIN" ]] || swift build -c release
exec python3 scripts/bench_forward.py "$@"
