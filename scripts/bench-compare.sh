#!/usr/bin/env bash
# Old against new: runs scripts/bench-netcat.sh, bench-lab.sh and
# bench-forward.sh for two snc binaries, alternating (old, new, then new,
# old, ...) in one run so that the machine's load falls on both alike, keeps
# each binary's best figure and prints new/old. A ratio above 1 means the new
# binary is faster (for round trips: the old time over the new one).
#
#   scripts/bench-compare.sh OLD_BINARY NEW_BINARY
# Environment: BENCH_ROUNDS (default 2), BENCH_GIB (netcat, default 1),
# BENCH_LEVELS (lab, default 10,100,1000), BENCH_MIB (forward, default 128),
# BENCH_PINGS (forward round trips, default 3000).
set -euo pipefail
cd "$(dirname "$0")/.."

[[ $# -eq 2 ]] || { echo "usage: scripts/bench-compare.sh OLD_BINARY NEW_BINARY" >&2; exit 64; }
for binary in "$1" "$2"; do
    [[ -x "$binary" ]] || { echo "bench-compare: $binary is not an executable" >&2; exit 64; }
done
ulimit -n "$(ulimit -Hn)"

exec python3 - "$(realpath "$1")" "$(realpath "$2")" <<'PYTHON'
import os, re, subprocess, sys, time

old, new = sys.argv[1], sys.argv[2]
rounds = int(os.environ.get("BENCH_ROUNDS", "2"))
gib = os.environ.get("BENCH_GIB", "1")
levels = os.environ.get("BENCH_LEVELS", "10,100,1000")
mib = os.environ.get("BENCH_MIB", "128")
pings = os.environ.get("BENCH_PINGS", "3000")

def run(command, binary, extra_env):
    env = dict(os.environ, SNC_BIN=binary, **extra_env)
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        sys.exit(f"bench-compare: {' '.join(command)} with {binary} failed:\n{result.stdout}{result.stderr}")
    return result.stdout

def netcat(binary):
    # Only the plain relay: binaries from before --exec and --ssl have neither.
    out = run(["scripts/bench-netcat.sh", gib], binary,
              {"BENCH_TOOLS": "snc", "BENCH_EXEC_MIB": "0", "BENCH_TLS_CONNECTIONS": "0"})
    match = re.search(r"^snc\s+(\d+)\s+([\d.]+)", out, re.M)
    return {"netcat relay MB/s": (float(match.group(1)), True), "netcat relay CPU s/GiB": (float(match.group(2)), False)}

def lab(binary):
    out = run(["scripts/bench-lab.sh", "--snc-only", "--quick", "--levels", levels], binary, {})
    figures = {}
    for level, rate in re.findall(r"^snc level (\d+): (\d+) conn/s", out, re.M):
        figures[f"lab load+serve {level} clients conn/s"] = (float(rate), True)
    return figures

def forward(binary):
    out = run(["scripts/bench-forward.sh"], binary, {"BENCH_MIB": mib, "BENCH_PINGS": pings, "BENCH_KINDS": "0"})
    figures = {}
    for label, key, higher in (("1 connection (MB/s)", "forward 1 connection MB/s", True),
                               ("8 connections (MB/s)", "forward 8 connections MB/s", True),
                               ("round trip (us)", "forward round trip us", False)):
        match = re.search(re.escape(label) + r"\s+([\d.]+)\s+([\d.]+)", out)
        if match:
            figures[key] = (float(match.group(2)), higher)
    return figures

best = {"old": {}, "new": {}}
def keep(which, figures):
    for key, (value, higher) in figures.items():
        current = best[which].get(key)
        if current is None or (value > current[0] if higher else value < current[0]):
            best[which][key] = (value, higher)

started = time.monotonic()
for round_number in range(rounds):
    order = [("old", old), ("new", new)] if round_number % 2 == 0 else [("new", new), ("old", old)]
    for bench in (netcat, lab, forward):
        for which, binary in order:
            keep(which, bench(binary))
    print(f"round {round_number + 1} of {rounds} done ({time.monotonic() - started:.0f} s)", flush=True)

print(f"old {old}\nnew {new}\nbest of {rounds} rounds each, run alternately; speed new/old above 1: new is faster")
print(f"{'benchmark':<40}{'old':>12}{'new':>12}{'speed new/old':>15}")
for key, (old_value, higher) in best["old"].items():
    new_value = best["new"].get(key, (float("nan"), higher))[0]
    ratio = new_value / old_value if higher else old_value / new_value
    print(f"{key:<40}{old_value:>12.1f}{new_value:>12.1f}{ratio:>15.2f}")
PYTHON
