"""Side-by-side benchmark for the lab: snc serve vs the lab's Python threading
server and vs a C thread-per-connection server, and snc load vs the lab's
Python asyncio client, with 1 KiB messages at several concurrency levels,
plus the server's resident memory per idle connected client. Run through
scripts/bench-lab.sh."""
import argparse
import shutil
import tempfile
import json
import os
import re
import resource
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT / "Tests" / "e2e" / "lab_peers.py"
SNC = os.environ.get("SNC_BIN") or str(ROOT / ".build" / "release" / "snc")


# The yardstick for snc serve: the lab's design written in C, a detached
# thread per accepted client (128 KiB stacks, as snc serve), blocking calls,
# OpenSSL's SHA-256, the same protocol and backlog. Built at bench time.
C_SERVER = r"""
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char intro[] = "Hello from the C server. Send your message, then end it (Ctrl-D).\n";

static int write_all(int fd, const char *data, size_t size) {
    while (size > 0) {
        ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        data += n;
        size -= (size_t)n;
    }
    return 0;
}

static void *serve(void *arg) {
    int fd = (int)(intptr_t)arg;
    unsigned char buffer[16384], digest[32];
    SHA256_CTX hash;
    SHA256_Init(&hash);
    long total = 0;
    if (write_all(fd, intro, sizeof intro - 1) == 0) {
        for (;;) {
            ssize_t n = read(fd, buffer, sizeof buffer);
            if (n > 0) { SHA256_Update(&hash, buffer, (size_t)n); total += n; continue; }
            if (n < 0 && errno == EINTR) continue;
            break;
        }
        SHA256_Final(digest, &hash);
        char line[128];
        int length = snprintf(line, sizeof line, "received %ld bytes sha256=", total);
        for (int i = 0; i < 32; i++) length += snprintf(line + length, sizeof line - (size_t)length, "%02x", digest[i]);
        line[length++] = '\n';
        write_all(fd, line, (size_t)length);
    }
    close(fd);
    return NULL;
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) || listen(listener, 4096)
        || getsockname(listener, (struct sockaddr *)&address, &length)) { perror("listen"); return 1; }
    fprintf(stderr, "Listening on 127.0.0.1 %d\n", ntohs(address.sin_port));
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setstacksize(&attributes, 128 << 10);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    for (;;) {
        int client = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (client < 0) { if (errno == EMFILE || errno == ENFILE) usleep(1000); continue; }
        pthread_t thread;
        if (pthread_create(&thread, &attributes, serve, (void *)(intptr_t)client)) close(client);
    }
}
"""


def build_c_server(folder):
    """Compiles the C server; None (with the reason printed) when there is no cc or OpenSSL headers."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        print("bench-lab: no C compiler: skipping the C thread-per-connection server")
        return None
    source = Path(folder) / "thread_server.c"
    binary = Path(folder) / "thread_server"
    source.write_text(C_SERVER)
    result = subprocess.run([compiler, "-O2", "-pthread", "-Wno-deprecated-declarations", "-o", str(binary), str(source), "-lcrypto"],
                            capture_output=True, timeout=120)
    if result.returncode != 0:
        print(f"bench-lab: could not build the C server (libssl-dev?): {result.stderr.decode()[-300:]}")
        return None
    return str(binary)


def rates(runs):
    return ", ".join(f"{run['rate']:.0f}" for run in runs)


def compare_with_c(c_server, levels, rounds, connections, timeout):
    """snc serve against the C server, runs alternating, the median of `rounds` each."""
    print()
    print(f"snc serve vs a C thread-per-connection server (client: snc load --engine epoll, {connections} connections a run, "
          f"median of {rounds} alternating runs):")
    print(f"{'clients':>8} | {'snc serve':>10} {'p99':>9} {'failed':>6} | {'C threads':>10} {'p99':>9} {'failed':>6} | {'ratio':>6}")
    ok = True
    for level in levels:
        results = {"snc serve": [], "C threads": []}
        for _ in range(rounds):
            for name, command in (("snc serve", servers()["snc serve"]), ("C threads", [c_server])):
                proc, port = start(command)
                try:
                    results[name].append(snc_load(port, level, connections, timeout))
                finally:
                    stop(proc)
        median = {name: sorted(runs, key=lambda run: run["rate"])[(len(runs) - 1) // 2] for name, runs in results.items()}
        s, c = median["snc serve"], median["C threads"]
        ratio = s["rate"] / c["rate"] if c["rate"] else float("inf")
        ok = ok and ratio >= 1.0
        print(f"{level:>8} | {s['rate']:>10.0f} {s['p99']:>7.1f}ms {s['failed']:>6} | {c['rate']:>10.0f} {c['p99']:>7.1f}ms {c['failed']:>6} | {ratio:>5.2f}x"
              f"   (snc runs {rates(results['snc serve'])}; C runs {rates(results['C threads'])})",
              flush=True)
    print(f"  snc serve >= 1.0x the C thread-per-connection server at every level: {'PASS' if ok else 'FAIL'}")
    return ok


def isolated_load(concurrency, connections, timeout):
    """snc load --isolated: its own snc serve in a private network namespace."""
    result = subprocess.run(
        [SNC, "load", "--isolated", "-c", str(concurrency), "-n", str(connections),
         "--message-size", "1024", "--timeout", str(timeout), "--json"],
        capture_output=True, timeout=600)
    if result.returncode != 0:
        sys.exit(f"bench: snc load --isolated failed: {result.stderr.decode()[-300:]}")
    level = json.loads(result.stdout)["levels"][0]
    return {"rate": level["connections_per_second"], "p99": level["exchange_latency"]["p99"], "failed": level["failed"]}


def compare_isolated(levels, rounds, connections, timeout):
    """snc load --isolated against the plain run (snc serve and snc load in the
    root namespace), runs alternating, the median of `rounds` each."""
    print()
    print(f"snc load --isolated vs plain (snc serve + snc load --engine epoll, {connections} connections a run, "
          f"median of {rounds} alternating runs):")
    print(f"{'clients':>8} | {'isolated':>10} {'p99':>9} {'failed':>6} | {'plain':>10} {'p99':>9} {'failed':>6} | {'ratio':>6}")
    ok = True
    for level in levels:
        results = {"isolated": [], "plain": []}
        for _ in range(rounds):
            results["isolated"].append(isolated_load(level, connections, timeout))
            proc, port = start(servers()["snc serve"])
            try:
                results["plain"].append(snc_load(port, level, connections, timeout))
            finally:
                stop(proc)
        median = {name: sorted(runs, key=lambda run: run["rate"])[(len(runs) - 1) // 2] for name, runs in results.items()}
        i, p = median["isolated"], median["plain"]
        ratio = i["rate"] / p["rate"] if p["rate"] else float("inf")
        ok = ok and ratio >= 0.95
        print(f"{level:>8} | {i['rate']:>10.0f} {i['p99']:>7.1f}ms {i['failed']:>6} | {p['rate']:>10.0f} {p['p99']:>7.1f}ms {p['failed']:>6} | {ratio:>5.2f}x"
              f"   (isolated runs {rates(results['isolated'])}; plain runs {rates(results['plain'])})", flush=True)
    print(f"  --isolated >= 0.95x the plain run at every level: {'PASS' if ok else 'FAIL'}")


def compare_capture(folder, concurrency, rounds, connections, timeout):
    """snc load with and without --capture against one snc serve, runs alternating, the median of `rounds` each."""
    print()
    print(f"snc load --capture vs no capture at c={concurrency} ({connections} connections a run, median of {rounds} alternating runs):")
    if os.geteuid() != 0:
        print("  skipped: --capture needs CAP_NET_RAW (run as root)")
        return True
    results = {"plain": [], "capture": []}
    drops, packets = [], []
    proc, port = start(servers()["snc serve"])
    try:
        for round_number in range(rounds):
            for name in ("plain", "capture"):
                extra = ["--capture", os.path.join(folder, f"bench-{round_number}.pcapng")] if name == "capture" else []
                result = subprocess.run(
                    [SNC, "load", "127.0.0.1", str(port), "-c", str(concurrency), "-n", str(connections), "--level-duration", "0",
                     "--message-size", "1024", "--timeout", str(timeout), "--json", *extra],
                    capture_output=True, timeout=600)
                report = json.loads(result.stdout)
                results[name].append(report["levels"][0]["connections_per_second"])
                if extra:
                    drops.append(report["capture"]["dropped"])
                    packets.append(report["capture"]["packets"])
                    os.unlink(extra[1])
    finally:
        stop(proc)
    median = {name: sorted(runs)[(len(runs) - 1) // 2] for name, runs in results.items()}
    ratio = median["capture"] / median["plain"] if median["plain"] else 0
    ok = ratio >= 0.85 and max(drops) == 0
    print(f"  plain {median['plain']:.0f} conn/s (runs {', '.join(f'{r:.0f}' for r in results['plain'])}); "
          f"capture {median['capture']:.0f} conn/s (runs {', '.join(f'{r:.0f}' for r in results['capture'])}); ratio {ratio:.2f}x")
    print(f"  packets captured per run: {', '.join(map(str, packets))}; dropped by the kernel: {', '.join(map(str, drops))}")
    print(f"  capture >= 0.85x and 0 dropped: {'PASS' if ok else 'FAIL'}")


# ---- snc load against a C epoll client -------------------------------------
# The yardstick for snc load: scripts/bench/epoll_client.c, the same client
# protocol in C with one epoll loop. Both clients drive the same server
# process, alternating, so a busy machine slows both alike.

C_CLIENT_SOURCE = ROOT / "scripts" / "bench" / "epoll_client.c"


def build_c_client(folder):
    """Compiles the C epoll client; None (with the reason printed) when there is no cc or OpenSSL headers."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        print("bench-lab: no C compiler: skipping the C epoll client")
        return None
    binary = Path(folder) / "epoll_client"
    result = subprocess.run([compiler, "-O2", "-Wno-deprecated-declarations", "-o", str(binary), str(C_CLIENT_SOURCE), "-lcrypto"],
                            capture_output=True, timeout=120)
    if result.returncode != 0:
        print(f"bench-lab: could not build the C epoll client (libssl-dev?): {result.stderr.decode()[-300:]}")
        return None
    return str(binary)


def c_client_load(c_client, port, concurrency, connections, timeout):
    result = subprocess.run([c_client, "127.0.0.1", str(port), str(concurrency), str(connections), "1024", str(timeout)],
                            capture_output=True, timeout=600)
    if not result.stdout:
        sys.exit(f"bench: the C epoll client failed: {result.stderr.decode()[-300:]}")
    report = json.loads(result.stdout)
    return {"rate": report["connections_per_second"], "failed": report["failed"]}


def spread(runs):
    """The lowest and highest rate of the runs, as a percentage of their median."""
    values = sorted(run["rate"] for run in runs)
    middle = values[(len(values) - 1) // 2]
    return f"{values[0] / middle * 100:.0f}-{values[-1] / middle * 100:.0f}%" if middle else "-"


def compare_load_with_c(c_client, c_server, levels, rounds, connections, timeout):
    """snc load against the C epoll client on the same server, runs alternating, the median of `rounds` each."""
    targets = [("snc serve", servers()["snc serve"])] + ([("C threads", [c_server])] if c_server else [])
    ok = True
    for server_name, command in targets:
        print()
        print(f"snc load (--engine epoll, {os.cpu_count()} loops) vs a C epoll client (one loop), server {server_name}, "
              f"1 KiB messages, {connections} connections a run, median of {rounds} alternating runs:")
        print(f"{'clients':>8} | {'snc load':>10} {'failed':>6} {'spread':>9} | {'C epoll':>10} {'failed':>6} {'spread':>9} | {'ratio':>6}")
        for level in levels:
            results = {"snc load": [], "C epoll": []}
            proc, port = start(command)
            try:
                for round_number in range(rounds):
                    # Alternate which client goes first, so neither always meets the other's TIME_WAIT sockets.
                    order = ["snc load", "C epoll"] if round_number % 2 == 0 else ["C epoll", "snc load"]
                    for name in order:
                        if name == "snc load":
                            results[name].append(snc_load(port, level, connections, timeout))
                        else:
                            results[name].append(c_client_load(c_client, port, level, connections, timeout))
            finally:
                stop(proc)
            median = {name: sorted(runs, key=lambda run: run["rate"])[(len(runs) - 1) // 2] for name, runs in results.items()}
            s, c = median["snc load"], median["C epoll"]
            ratio = s["rate"] / c["rate"] if c["rate"] else float("inf")
            ok = ok and ratio >= 1.0
            print(f"{level:>8} | {s['rate']:>10.0f} {s['failed']:>6} {spread(results['snc load']):>9} | "
                  f"{c['rate']:>10.0f} {c['failed']:>6} {spread(results['C epoll']):>9} | {ratio:>5.2f}x"
                  f"   (snc runs {rates(results['snc load'])}; C runs {rates(results['C epoll'])})", flush=True)
    print(f"  snc load >= 1.0x the C epoll client at every level: {'PASS' if ok else 'FAIL'}")
    return ok


def start(args):
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    seen = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stderr], [], [], 0.1)
        if ready:
            chunk = os.read(proc.stderr.fileno(), 4096)
            seen += chunk
            match = re.search(rb"Listening on \S+ (\d+)", seen)
            if match:
                return proc, int(match.group(1))
        if proc.poll() is not None:
            break
    proc.kill()
    sys.exit(f"bench: server did not start: {args} {seen!r}")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def servers():
    return {
        "snc serve": [SNC, "serve", "--quiet", "--grace", "2", "127.0.0.1", "0"],
        # The lab's design, with the same backlog snc serve uses (SOMAXCONN) so only the server differs.
        "python threading": [sys.executable, str(PEERS), "server", "--port", "0", "--backlog", "4096"],
    }


def snc_load(port, concurrency, connections, timeout):
    result = subprocess.run(
        [SNC, "load", "127.0.0.1", str(port), "-c", str(concurrency), "-n", str(connections),
         "--message-size", "1024", "--timeout", str(timeout), "--json"],
        capture_output=True, timeout=600)
    report = json.loads(result.stdout)
    level = report["levels"][0]
    counters = {c["name"]: c["delta"] for c in level["kernel_counters"]}
    return {
        "rate": level["connections_per_second"],
        "p99": level["exchange_latency"]["p99"],
        "connect_max": level["connect_latency"]["max"],
        "failed": level["failed"],
        "overflows": counters.get("ListenOverflows", 0),
        "syn_retrans": counters.get("TCPSynRetrans", 0),
    }


def asyncio_load(port, concurrency, connections, timeout):
    result = subprocess.run(
        [sys.executable, str(PEERS), "asyncio-load", "127.0.0.1", str(port), "-c", str(concurrency),
         "-n", str(connections), "--size", "1024", "--timeout", str(timeout)],
        capture_output=True, timeout=900)
    report = json.loads(result.stdout)
    failed = report["bad_receipt"] + sum(report["failed"].values())
    return {"rate": report["connections_per_second"], "p99": report["p99_ms"], "failed": failed}


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def idle_memory(server_args, clients):
    """The server's VmRSS before and with `clients` idle connected clients."""
    proc, port = start(server_args)
    try:
        time.sleep(0.3)
        before = rss_kib(proc.pid)
        idle = subprocess.Popen([sys.executable, str(PEERS), "idle", "127.0.0.1", str(port), str(clients)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = idle.stdout.readline()
        if not line.startswith(b"ready"):
            idle.kill()
            return before, None, idle.stderr.read().decode()[-300:]
        time.sleep(0.5)
        during = rss_kib(proc.pid)
        idle.stdin.close()
        idle.wait(timeout=60)
        return before, during, None
    finally:
        stop(proc)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="10,100,1000,10000")
    parser.add_argument("--connections", type=int, default=0,
                        help="per run (default max(20000, 3 x level): enough that start-up and the last stragglers do not dominate)")
    parser.add_argument("--idle-clients", type=int, default=10000)
    parser.add_argument("--timeout", type=float, default=15)
    parser.add_argument("--quick", action="store_true", help="fewer connections per run (a smoke test)")
    parser.add_argument("--c-levels", default="10,100,1000", help="levels for the comparison with the C server (empty: skip it)")
    parser.add_argument("--c-rounds", type=int, default=3, help="alternating runs per server and level in that comparison")
    parser.add_argument("--c-connections", type=int, default=10000, help="connections per run in that comparison")
    parser.add_argument("--only-c", action="store_true", help="run only the comparison with the C server")
    parser.add_argument("--load-c-levels", default="10,100,1000",
                        help="levels for the comparison of snc load with the C epoll client (empty: skip it)")
    parser.add_argument("--load-c-rounds", type=int, default=5, help="alternating runs per client and level in that comparison")
    parser.add_argument("--load-c-connections", type=int, default=10000, help="connections per run in that comparison")
    parser.add_argument("--only-c-client", action="store_true", help="run only the comparison of snc load with the C epoll client")
    parser.add_argument("--snc-only", action="store_true",
                        help="only snc load against snc serve, one line a level (for scripts/bench-compare.sh)")
    parser.add_argument("--isolated-levels", default="100,1000", help="levels for --isolated vs plain (empty: skip it)")
    parser.add_argument("--isolated-rounds", type=int, default=3, help="alternating runs per mode and level in that comparison")
    parser.add_argument("--isolated-connections", type=int, default=10000, help="connections per run in that comparison")
    parser.add_argument("--only-isolated", action="store_true", help="run only the comparison of --isolated with the plain run")
    parser.add_argument("--capture-rounds", type=int, default=3, help="alternating runs with and without snc load --capture (0: skip)")
    parser.add_argument("--capture-connections", type=int, default=20000, help="connections per run in that comparison")
    parser.add_argument("--only-capture", action="store_true", help="run only the --capture comparison (c=1000)")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    levels = [int(level) for level in args.levels.split(",")]
    c_levels = [] if args.snc_only else [int(level) for level in args.c_levels.split(",") if level]
    isolated_levels = [] if args.snc_only else [int(level) for level in args.isolated_levels.split(",") if level]
    load_c_levels = [] if args.snc_only or args.only_c else [int(level) for level in args.load_c_levels.split(",") if level]
    if args.only_isolated:
        compare_isolated(isolated_levels, args.isolated_rounds, args.isolated_connections, args.timeout)
        return
    with tempfile.TemporaryDirectory() as folder:
        if args.only_capture:
            compare_capture(folder, 1000, max(1, args.capture_rounds), args.capture_connections, args.timeout)
            return
        c_server = build_c_server(folder) if c_levels or load_c_levels else None
        c_client = build_c_client(folder) if load_c_levels else None
        if args.only_c_client:
            if c_client:
                compare_load_with_c(c_client, c_server, load_c_levels, args.load_c_rounds, args.load_c_connections, args.timeout)
            return
        if args.only_c:
            if c_server:
                compare_with_c(c_server, c_levels, args.c_rounds, args.c_connections, args.timeout)
            return
        main_runs(args, levels)
        if c_server and c_levels:
            compare_with_c(c_server, c_levels, args.c_rounds, args.c_connections, args.timeout)
        if c_client:
            compare_load_with_c(c_client, c_server, load_c_levels, args.load_c_rounds, args.load_c_connections, args.timeout)
        if isolated_levels:
            compare_isolated(isolated_levels, args.isolated_rounds, args.isolated_connections, args.timeout)
        if args.capture_rounds and not args.snc_only:
            compare_capture(folder, 1000, args.capture_rounds, args.capture_connections, args.timeout)


def main_runs(args, levels):

    def budget(level):
        if args.connections:
            return args.connections
        return max(2000, 2 * level) if args.quick else max(20000, 3 * level)

    print(f"bench-lab: 1 KiB messages, levels {levels}, {os.cpu_count()} cores, snc {SNC}")
    if args.snc_only:
        for level in levels:
            proc, port = start(servers()["snc serve"])
            try:
                result = snc_load(port, level, budget(level), args.timeout)
            finally:
                stop(proc)
            print(f"snc level {level}: {result['rate']:.0f} conn/s, p99 {result['p99']:.1f} ms, {result['failed']} failed", flush=True)
        return
    print(f"somaxconn {Path('/proc/sys/net/core/somaxconn').read_text().strip()}, "
          f"open files {hard}, ports {Path('/proc/sys/net/ipv4/ip_local_port_range').read_text().split()}")
    rows = []
    for level in levels:
        count = budget(level)
        row = {"level": level, "connections": count}
        for name, command in servers().items():
            proc, port = start(command)
            try:
                row[name] = snc_load(port, level, count, args.timeout)
                if name == "snc serve":
                    row["asyncio"] = asyncio_load(port, level, count, args.timeout)
            finally:
                stop(proc)
        rows.append(row)
        s, p, a = row["snc serve"], row["python threading"], row["asyncio"]
        print(f"  level {level}: snc serve {s['rate']:.0f}/s, python server {p['rate']:.0f}/s, "
              f"asyncio client {a['rate']:.0f}/s", flush=True)

    print()
    print("Servers (client: snc load --engine epoll), connections/s and p99 of the whole exchange:")
    print(f"{'clients':>8} {'conns':>7} | {'snc serve':>10} {'p99':>9} {'failed':>6} {'overflow':>8} | "
          f"{'python':>8} {'p99':>9} {'failed':>6} {'overflow':>8} | {'ratio':>6}")
    server_ok = True
    for row in rows:
        s, p = row["snc serve"], row["python threading"]
        ratio = s["rate"] / p["rate"] if p["rate"] else float("inf")
        server_ok = server_ok and ratio >= 3
        print(f"{row['level']:>8} {row['connections']:>7} | {s['rate']:>10.0f} {s['p99']:>7.1f}ms {s['failed']:>6} {s['overflows']:>8} | "
              f"{p['rate']:>8.0f} {p['p99']:>7.1f}ms {p['failed']:>6} {p['overflows']:>8} | {ratio:>5.2f}x")
    print()
    print("Clients (server: snc serve), connections/s and p99 of the whole exchange:")
    print(f"{'clients':>8} {'conns':>7} | {'snc load':>10} {'p99':>9} {'failed':>6} | {'asyncio':>8} {'p99':>9} {'failed':>6} | {'ratio':>6}")
    client_ok = True
    for row in rows:
        s, a = row["snc serve"], row["asyncio"]
        ratio = s["rate"] / a["rate"] if a["rate"] else float("inf")
        client_ok = client_ok and ratio >= 2.5
        print(f"{row['level']:>8} {row['connections']:>7} | {s['rate']:>10.0f} {s['p99']:>7.1f}ms {s['failed']:>6} | "
              f"{a['rate']:>8.0f} {a['p99']:>7.1f}ms {a['failed']:>6} | {ratio:>5.2f}x")
    print()
    print("Where trouble starts (snc serve, snc load): accept queue overflows, SYN retransmits, slowest connect:")
    for row in rows:
        s = row["snc serve"]
        print(f"  {row['level']:>6} clients: {s['overflows']} overflows, {s['syn_retrans']} SYN retransmits, "
              f"slowest connect {s['connect_max']:.0f} ms, {s['failed']} failed")

    print()
    memory = {}
    for name, command in servers().items():
        before, during, error = idle_memory(command, args.idle_clients)
        if during is None:
            print(f"Idle clients against {name}: could not open {args.idle_clients}: {error}")
            continue
        per_client = (during - before) / args.idle_clients
        memory[name] = per_client
        print(f"Idle clients against {name}: VmRSS {before} KiB -> {during} KiB with {args.idle_clients} connected: "
              f"{per_client:.1f} KiB per client")

    top = rows[-1]["snc serve"] if rows and rows[-1]["level"] >= 10000 else None
    print()
    print("Targets:")
    print(f"  snc serve >= 3x python server at every level: {'PASS' if server_ok else 'FAIL'}")
    if top is not None:
        print(f"  zero failed clients at 10,000 concurrent: {'PASS' if top['failed'] == 0 else 'FAIL'} ({top['failed']} failed)")
    if "snc serve" in memory:
        print(f"  <= 64 KiB RSS per idle client: {'PASS' if memory['snc serve'] <= 64 else 'FAIL'} ({memory['snc serve']:.1f} KiB)")
    print(f"  snc load >= 2.5x asyncio client at every level: {'PASS' if client_ok else 'FAIL'}")


if __name__ == "__main__":
    main()
