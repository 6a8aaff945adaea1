#!/usr/bin/env bash
# Throughput of a netcat relay pair over loopback, side by side:
#   producer pipe -> client (connect) -> 127.0.0.1 -> server (listen) -> pipe -> consumer
# for snc, netcat-openbsd, ncat and socat, in one run; then the same over TLS
# (snc --ssl against ncat --ssl, both OpenSSL with TLS 1.3 AES-256-GCM and the
# same EC P-256 certificate), and TLS connection setup: N sequential clients,
# each a new process that handshakes with a -k listener and ends at once.
#
# Usage: scripts/bench-netcat.sh [GIB]      (default 4; fractions allowed, e.g. 0.5)
# Environment: SNC_BIN (default .build/release/snc), BENCH_RUNS (runs per tool,
# best one kept; default 1), BENCH_TOOLS (default "snc nc ncat socat"),
# BENCH_PRODUCER ("splice", the default, or "head" for `head -c` from /dev/zero),
# BENCH_EXEC_MIB (the echo case below; default 256, 0 skips it),
# BENCH_TLS_GIB (size of the TLS relay run; default: GIB), BENCH_TLS_CONNECTIONS
# (sequential TLS clients; default 200; 0 skips both TLS parts).
#
# The echo case: `snc listen --exec /bin/cat` against `ncat -l -e /bin/cat`,
# in the same run. "stream": a client sends BENCH_EXEC_MIB MiB and reads the
# echo back at the same time (30 s limit; a stall is reported as one);
# "ping-pong": 64 KiB sent, the same read back, for 5 s. snc hands the socket
# itself to cat; ncat 7.93 relays through two pipes.
#
# The producer splices /dev/zero into the pipe 1 MiB at a time and the consumer
# splices the pipe to /dev/null and counts the bytes, so both cost little and
# the same for every tool (`head -c`, which writes 4 KiB at a time, would be
# the bottleneck). CPU seconds are user+system of the two relay processes
# (wait4 rusage).
set -euo pipefail
cd "$(dirname "$0")/.."

gib="${1:-${BENCH_GIB:-4}}"
snc="${SNC_BIN:-$PWD/.build/release/snc}"
runs="${BENCH_RUNS:-1}"
tools="${BENCH_TOOLS:-snc nc ncat socat}"
producer="${BENCH_PRODUCER:-splice}"
[[ -x "$snc" ]] || { echo "bench: $snc not found; build with: swift build -c release" >&2; exit 1; }

exec_mib="${BENCH_EXEC_MIB:-256}"
tls_gib="${BENCH_TLS_GIB:-$gib}"
tls_connections="${BENCH_TLS_CONNECTIONS:-200}"
pki="$(mktemp -d)"
trap 'rm -rf "$pki"' EXIT
if ((tls_connections > 0)); then
    # A private CA and a certificate for localhost: snc's client verifies, as it does by default.
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
    openssl req -x509 "${ec[@]}" -keyout "$pki/ca.key" -out "$pki/ca.pem" -days 1 -subj "/CN=bench CA" 2>/dev/null
    openssl req "${ec[@]}" -keyout "$pki/server.key" -out "$pki/server.csr" -subj "/CN=localhost" 2>/dev/null
    echo "subjectAltName=DNS:localhost,IP:127.0.0.1" > "$pki/san.ext"
    openssl x509 -req -in "$pki/server.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -CAcreateserial \
        -out "$pki/server.pem" -days 1 -extfile "$pki/san.ext" 2>/dev/null
fi

python3 - "$gib" "$snc" "$runs" "$tools" "$producer" "$exec_mib" "$tls_gib" "$tls_connections" "$pki" <<'PYTHON'
import os, socket, subprocess, sys, threading, time

gib, snc, runs, tools, producer_kind = float(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4].split(), sys.argv[5]
exec_total = int(float(sys.argv[6]) * (1 << 20))
tls_gib, tls_connections, pki = float(sys.argv[7]), int(sys.argv[8]), sys.argv[9]
total = int(gib * (1 << 30))

PRODUCER = r'''
import os, sys
left = int(sys.argv[1])
source = os.open("/dev/zero", os.O_RDONLY)
while left > 0:
    left -= os.splice(source, 1, min(left, 1 << 20))
'''

CONSUMER = r'''
import os, sys
sink = os.open("/dev/null", os.O_WRONLY)
count = 0
while True:
    moved = os.splice(0, sink, 1 << 20)
    if moved == 0:
        break
    count += moved
print(count)
'''

def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

def commands(tool, port):
    """(listener, client) argv lists; each tool with its defaults."""
    if tool == "snc":
        return [snc, "listen", "-n", "127.0.0.1", str(port)], [snc, "connect", "-n", "127.0.0.1", str(port)]
    if tool == "nc":
        return ["nc", "-l", "127.0.0.1", str(port)], ["nc", "-N", "127.0.0.1", str(port)]
    if tool == "ncat":
        return ["ncat", "-l", "127.0.0.1", str(port)], ["ncat", "127.0.0.1", str(port)]
    if tool == "snc-tls":
        return ([snc, "listen", "-n", "--ssl", "--ssl-cert", f"{pki}/server.pem", "--ssl-key", f"{pki}/server.key", "127.0.0.1", str(port)],
                [snc, "connect", "--ssl", "--ssl-trustfile", f"{pki}/ca.pem", "localhost", str(port)])
    if tool == "ncat-tls":
        return (["ncat", "--ssl", "--ssl-cert", f"{pki}/server.pem", "--ssl-key", f"{pki}/server.key", "-l", "127.0.0.1", str(port)],
                ["ncat", "--ssl", "127.0.0.1", str(port)])
    if tool == "socat":
        return (["socat", "-u", f"TCP-LISTEN:{port},bind=127.0.0.1,reuseaddr", "STDOUT"],
                ["socat", "-u", "STDIN", f"TCP:127.0.0.1:{port}"])
    raise SystemExit(f"bench: unknown tool {tool}")

def wait_listening(port, deadline):
    hexport = f":{port:04X}"
    while time.monotonic() < deadline:
        for name in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(name) as table:
                for line in table.read().splitlines()[1:]:
                    fields = line.split()
                    if fields[1].endswith(hexport) and fields[3] == "0A":
                        return
        time.sleep(0.02)
    raise SystemExit(f"bench: nothing listening on {port}")

def reap(process):
    """wait4(2) the process: its exit status and CPU seconds (user + system)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime

def listener_input(tool):
    """ncat --ssl's listener ends the session at its stdin's end, so it gets a pipe
    that stays open and idle (a sleep process; the caller kills it); the others /dev/null."""
    if tool != "ncat-tls":
        return None
    return subprocess.Popen(["sleep", "3600"], stdout=subprocess.PIPE)

def one_run(tool, total):
    port = free_port()
    listen_argv, client_argv = commands(tool, port)
    idle = listener_input(tool)
    consumer = subprocess.Popen([sys.executable, "-c", CONSUMER], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    listener = subprocess.Popen(listen_argv, stdin=idle.stdout if idle else subprocess.DEVNULL, stdout=consumer.stdin,
                                stderr=subprocess.DEVNULL)
    if idle:
        idle.stdout.close()
    consumer.stdin.close()
    consumer.stdin = None  # the listener holds the pipe now
    wait_listening(port, time.monotonic() + 10)
    if producer_kind == "head":
        producer_argv = ["head", "-c", str(total), "/dev/zero"]
    else:
        producer_argv = [sys.executable, "-c", PRODUCER, str(total)]
    producer = subprocess.Popen(producer_argv, stdout=subprocess.PIPE)
    start = time.monotonic()
    client = subprocess.Popen(client_argv, stdin=producer.stdout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    producer.stdout.close()
    cpu = reap(client) + reap(listener)
    elapsed = time.monotonic() - start
    if idle:
        idle.kill()
        idle.wait(timeout=10)
    received = int(consumer.communicate(timeout=60)[0] or 0)
    producer.wait(timeout=10)
    if received != total or client.returncode or listener.returncode:
        raise SystemExit(f"bench: {tool} moved {received} of {total} bytes "
                         f"(client exit {client.returncode}, listener exit {listener.returncode})")
    return elapsed, cpu

print(f"moving {gib:g} GiB ({total} bytes) {producer_kind} producer -> pipe -> client -> 127.0.0.1 -> listener"
      f" -> pipe, best of {runs}", flush=True)
results = {}
for tool in tools:
    best = min((one_run(tool, total) for _ in range(runs)), key=lambda r: r[0])
    results[tool] = best

reference = results.get("nc")
print(f"{'tool':<8}{'MB/s':>10}{'CPU s/GiB':>12}{'x nc':>8}")
for tool, (elapsed, cpu) in results.items():
    rate = total / elapsed / 1e6
    ratio = f"{(reference[0] / elapsed):.2f}" if reference else "-"
    print(f"{tool:<8}{rate:>10.0f}{cpu / (total / (1 << 30)):>12.2f}{ratio:>8}")

def start_echo(name, port):
    if name == "snc":
        argv = [snc, "listen", "-n", "127.0.0.1", str(port), "--exec", "/bin/cat"]
    else:
        argv = ["ncat", "-l", "127.0.0.1", str(port), "-e", "/bin/cat"]
    listener = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_listening(port, time.monotonic() + 10)
    return listener

def stop(listener):
    if listener.poll() is None:
        listener.kill()
    listener.wait(timeout=10)

def echo_stream(name, limit=30.0):
    """Sends exec_total bytes while reading the echo at the same time (full duplex).
    Returns (bytes echoed, seconds, finished): a stall shows as finished=False after `limit` s."""
    port = free_port()
    listener = start_echo(name, port)
    block = bytes(1 << 20)
    received = 0
    start = time.monotonic()
    finished = False
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        def send():
            left = exec_total
            try:
                while left > 0:
                    left -= client.send(block[:min(left, len(block))])
                client.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        buffer = bytearray(1 << 20)
        client.settimeout(limit)
        try:
            while True:
                count = client.recv_into(buffer)
                if count == 0:
                    finished = received == exec_total
                    break
                received += count
                if time.monotonic() - start > limit:
                    break
        except socket.timeout:
            pass
    elapsed = time.monotonic() - start
    stop(listener)
    return received, elapsed, finished

def echo_ping_pong(name, seconds=5.0, size=64 * 1024):
    """Request/echo of `size` bytes at a time for `seconds`: MB/s (0 if it stalls)."""
    port = free_port()
    listener = start_echo(name, port)
    block = bytes(size)
    buffer = bytearray(size)
    moved = 0
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
        try:
            while time.monotonic() - start < seconds:
                client.sendall(block)
                got = 0
                while got < size:
                    count = client.recv_into(memoryview(buffer)[got:])
                    if count == 0:
                        raise OSError("closed")
                    got += count
                moved += size
        except OSError:
            pass
    elapsed = time.monotonic() - start
    stop(listener)
    return moved / elapsed / 1e6

if exec_total > 0:
    print(f"\necho through a listener running /bin/cat (snc --exec, ncat -e), best of {runs}", flush=True)
    print(f"{'tool':<8}{'stream MB/s':>14}{'64 KiB ping-pong MB/s':>24}")
    stream, pong = {}, {}
    for name in ("snc", "ncat"):
        best = max((echo_stream(name) for _ in range(runs)), key=lambda r: (r[2], r[0] / r[1]))
        stream[name] = best
        pong[name] = max(echo_ping_pong(name) for _ in range(runs))
        received, elapsed, finished = best
        shown = f"{received / elapsed / 1e6:.0f}" if finished else f"stalled: {received >> 20} of {exec_total >> 20} MiB in {elapsed:.0f} s"
        print(f"{name:<8}{shown:>14}{pong[name]:>24.1f}")
    if stream["ncat"][2]:
        print(f"stream: snc / ncat = {stream['ncat'][1] / stream['snc'][1]:.2f}x")
    else:
        print("stream: ncat stalled (its -e relays through pipes and blocks writing one while cat blocks on the other)")
    print(f"ping-pong: snc / ncat = {pong['snc'] / max(pong['ncat'], 1e-9):.2f}x")

if tls_connections <= 0:
    sys.exit(0)

tls_total = int(tls_gib * (1 << 30))
print(f"\nTLS relay: {tls_gib:g} GiB, same path, snc --ssl (verifying) and ncat --ssl, best of {runs}", flush=True)
tls_results = {tool: min((one_run(tool, tls_total) for _ in range(runs)), key=lambda r: r[0]) for tool in ("snc-tls", "ncat-tls")}
print(f"{'tool':<10}{'MB/s':>10}{'CPU s/GiB':>12}{'x ncat':>8}")
for tool, (elapsed, cpu) in tls_results.items():
    print(f"{tool:<10}{tls_total / elapsed / 1e6:>10.0f}{cpu / (tls_total / (1 << 30)):>12.2f}"
          f"{tls_results['ncat-tls'][0] / elapsed:>8.2f}")

def setup_run(tool):
    """Seconds for tls_connections sequential clients, each handshaking and ending at once."""
    port = free_port()
    listen_argv, client_argv = commands(tool, port)
    idle = listener_input(tool)
    listener = subprocess.Popen(listen_argv[:-2] + ["-k"] + listen_argv[-2:], stdin=idle.stdout if idle else subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if idle:
        idle.stdout.close()
    try:
        wait_listening(port, time.monotonic() + 10)
        start = time.monotonic()
        for _ in range(tls_connections):
            client = subprocess.run(client_argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, timeout=30)
            if client.returncode:
                raise SystemExit(f"bench: {tool} client exit {client.returncode}: {client.stderr.decode().strip()}")
        return time.monotonic() - start
    finally:
        listener.kill()
        listener.wait(timeout=10)
        if idle:
            idle.kill()
            idle.wait(timeout=10)

print(f"\nTLS connection setup: {tls_connections} sequential clients (process start, handshake, close), best of {runs}", flush=True)
setup = {tool: min(setup_run(tool) for _ in range(runs)) for tool in ("snc-tls", "ncat-tls")}
print(f"{'tool':<10}{'total s':>10}{'ms each':>10}{'x ncat':>8}")
for tool, seconds in setup.items():
    print(f"{tool:<10}{seconds:>10.2f}{seconds / tls_connections * 1000:>10.2f}{seconds / setup['ncat-tls']:>8.2f}")
PYTHON
