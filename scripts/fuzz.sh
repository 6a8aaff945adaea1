#!/usr/bin/env bash
# Fuzzes snc's parsers with libFuzzer: known_hosts, ssh_config, the -L spec,
# the nc-style argument rewriter, the address/port/size parsers, the SOCKS
# handshake `forward -D` serves and the proxy answers `connect -x` reads
# (Tests/fuzz/SNCFuzz, one harness each). Each target runs FUZZ_SECONDS
# (default 60) from a copy of its seed corpus in Tests/fuzz/corpus/TARGET, so
# the repository stays clean. Any crash, trap, timeout (an input taking more
# than FUZZ_TIMEOUT seconds, default 60) or out-of-memory fails the run; the
# input that did it is kept in out/fuzz/. Prints executions and coverage
# (libFuzzer's cov: edges and ft: features) per target.
#
#   bash scripts/fuzz.sh                      # every target, 60 s each
#   FUZZ_SECONDS=600 bash scripts/fuzz.sh known-hosts ssh-config
#   FUZZ_SECONDS=10 FUZZ_CONFIGURATION=debug bash scripts/fuzz.sh   # what CI runs
#   .build-fuzz/release/snc-fuzz known-hosts out/fuzz/known-hosts-crash-...   # re-run one input
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
# release runs 1 to 2.5 times as many inputs a second; debug builds in about a
# third of the time from scratch, which is what CI's short run wants.
configuration="${FUZZ_CONFIGURATION:-release}"
# Wall-clock seconds (libFuzzer's alarm): a 65,536-address --source range
# takes 0.2 s of CPU under ASan but passed 10 s on a loaded machine under nice.
timeout="${FUZZ_TIMEOUT:-60}"
all_targets=(known-hosts ssh-config forward-spec netcat-arguments addresses socks-server proxy-replies)
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")

# Its own scratch path: the sanitizer flags would otherwise rebuild .build.
# lld, because gold stops with an internal error on this link (libFuzzer,
# ASan and BoringSSL together).
build=(swift build -c "$configuration" --product snc-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld)
started=$SECONDS
"${build[@]}"
echo "fuzz: build took $((SECONDS - started)) s"
binary="$("${build[@]}" --show-bin-path)/snc-fuzz"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The ssh-config harness writes its input to a file under TMPDIR.
export TMPDIR="$work"
# Swift's runtime keeps allocations to the end on purpose; LeakSanitizer would call them leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
mkdir -p out/fuzz

failed=()
summary=()
for target in "${targets[@]}"; do
    [[ -d "Tests/fuzz/corpus/$target" ]] || { echo "fuzz: no seed corpus for '$target'" >&2; exit 64; }
    corpus="$work/corpus/$target"
    mkdir -p "$corpus"
    cp Tests/fuzz/corpus/"$target"/* "$corpus"/
    log="$work/$target.log"
    echo "fuzz: $target for $seconds s"
    status=0
    "$binary" "$target" "$corpus" -max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 \
        -max_len=4096 -print_final_stats=1 -artifact_prefix="out/fuzz/$target-" </dev/null >"$log" 2>&1 || status=$?
    # The last status line: "#1234567 DONE cov: 812 ft: 3301 corp: 410/52Kb ...".
    last="$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)"
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
    speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")"
    cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")"
    ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")"
    corp="$(sed -n 's/.* corp: \([^ ]*\).*/\1/p' <<<"$last")"
    summary+=("$(printf '%-17s %12s %9s %6s %7s %12s' "$target" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")")
    if ((status != 0)); then
        failed+=("$target")
        echo "fuzz: $target FAILED (exit $status); the end of its log:" >&2
        tail -n 40 "$log" >&2
    fi
done

printf '%-17s %12s %9s %6s %7s %12s\n' target execs execs/s cov ft corpus
printf '%s\n' "${summary[@]}"
if ((${#failed[@]})); then
    echo "fuzz: FAILED: ${failed[*]} (inputs in out/fuzz/)" >&2
    exit 1
fi
echo "fuzz: no crash, trap or timeout in ${#targets[@]} targets × $seconds s"
