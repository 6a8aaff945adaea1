#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds snc (release), runs the
# Swift unit tests, then the end-to-end tests that drive the built binary
# against nc, ncat, python3 and a private sshd on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# One build for the binary and the unit tests: a plain `swift build` followed
# by `swift test` compiles every Swift module twice (testability differs).
swift build -c release --build-tests
swift test -c release --skip-build
export SNC_BIN="$PWD/.build/release/snc"
python3 -m pytest -q Tests/e2e "$@"
FUZZ_SECONDS=10 FUZZ_CONFIGURATION=debug bash scripts/fuzz.sh
