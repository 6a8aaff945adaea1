#!/usr/bin/env bash
# Installs what building and testing snc needs on a fresh Debian machine
# (run as root, or with sudo available). Safe to run again: it installs only
# what is missing.
set -euo pipefail

packages=(
    libssh2-1-dev pkg-config     # snc forward links libssh2
    libssl-dev openssl           # snc --ssl links OpenSSL 3; the TLS tests make certificates with its CLI
    netcat-openbsd ncat socat    # the peers the tests and benchmarks compare against
    openssh-server openssh-client  # a real sshd for the forward tests
    mandoc                       # man page lint
    iproute2                     # ss, nstat for the load report
    strace                       # the load tests prove a refused run opens no socket
    tinyproxy                    # an HTTP CONNECT proxy for the -X connect tests
    tshark                       # snc load --capture is checked against Wireshark's TCP analysis
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import pytest, pytest_timeout' 2>/dev/null; then
    echo "setup: installing pytest and pytest-timeout" >&2
    python3 -m pip install --quiet --disable-pip-version-check pytest pytest-timeout
fi

# paramiko: a made-up SSH server for the password and keyboard-interactive
# tests (OpenSSH's sshd would need a real system account).
if ! python3 -c 'import paramiko' 2>/dev/null; then
    echo "setup: installing paramiko" >&2
    python3 -m pip install --quiet --disable-pip-version-check paramiko
fi
