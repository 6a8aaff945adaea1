#!/usr/bin/env bash
# The lab on loopback, start to finish: installs what is needed, builds snc,
# starts `snc serve` on a free loopback port, runs a `snc load --sweep`
# against it (10 to 1000 clients at once), prints the table, writes the IO
# graph to out/io-graph.svg, and stops the server.
#
#   bash scripts/demo.sh                     # the lab's levels
#   SWEEP=10,100,1000,5000 bash scripts/demo.sh   # push on until the accept queue overflows
set -euo pipefail
cd "$(dirname "$0")/.."

sweep="${SWEEP:-10,20,50,100,200,500,1000}"
# Each level runs at least 2 s by default (20 intervals of the IO graph);
# DURATION=SECS runs each level exactly that long instead.
duration_option=()
[[ -n "${DURATION:-}" ]] && duration_option=(--duration "$DURATION")

bash scripts/setup.sh
echo "demo: building snc (release)..." >&2
swift build -c release >/dev/null
snc="$PWD/.build/release/snc"
mkdir -p out

# Start the server on port 0 (the kernel picks a free port) and read which one it got.
server_err="$(mktemp)"
"$snc" serve --quiet 127.0.0.1 0 >out/serve.log 2>"$server_err" &
server=$!
cleanup() {
    kill -TERM "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    rm -f "$server_err"
}
trap cleanup EXIT INT TERM

port=""
for _ in $(seq 100); do
    port="$(awk '/^Listening on/ {print $4; exit}' "$server_err")"
    [[ -n "$port" ]] && break
    kill -0 "$server" 2>/dev/null || { cat "$server_err" >&2; exit 1; }
    sleep 0.05
done
[[ -n "$port" ]] || { echo "demo: snc serve did not start" >&2; exit 1; }
echo "demo: snc serve (pid $server) is listening on 127.0.0.1 port $port" >&2

# One exchange by hand first: the intro line, then the receipt for "hello".
echo "demo: one client by hand (printf hello | snc connect 127.0.0.1 $port):" >&2
printf 'hello' | "$snc" connect 127.0.0.1 "$port" || true
echo >&2

"$snc" load 127.0.0.1 "$port" --sweep "$sweep" "${duration_option[@]}" --graph out/io-graph.svg

cleanup
trap - EXIT INT TERM
echo "demo: the server's summary:" >&2
cat out/serve.log
echo "demo: IO graph in out/io-graph.svg" >&2
