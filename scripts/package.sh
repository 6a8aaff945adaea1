#!/usr/bin/env bash
# Packages snc for machines without Swift (the far host of the lab, where
# students cannot install a toolchain):
#
#   bash scripts/package.sh dist   # out/snc-VERSION-linux-ARCH.tar.gz
#   bash scripts/package.sh deb    # out/snc_VERSION_ARCH.deb (apt-get install ./that.deb)
#
# Both packages carry one binary linked with the Swift runtime inside it
# (--static-swift-stdlib), so it needs only glibc, libssh2 and libcrypto
# from the system, plus the man page and shell completions.
set -euo pipefail
cd "$(dirname "$0")/.."

# The same scratch folder as the normal build: switching --static-swift-stdlib
# on and off only relinks, it compiles nothing again.
scratch=.build

build_static() {
    echo "package: building snc with the Swift runtime linked in..." >&2
    swift build -c release --static-swift-stdlib --product snc --scratch-path "$scratch" >&2
    binary="$scratch/release/snc"
    # The point of the package: no libswift*.so may be left to find at run time.
    if ldd "$binary" | grep -q 'libswift\|libFoundation\|libdispatch'; then
        echo "package: $binary still links the Swift runtime dynamically" >&2
        exit 1
    fi
    version="$("$binary" --version)"
}

# completions BINARY DIR: the three shells' completion files, as their packagers name them.
completions() {
    local binary="$1" directory="$2"
    install -d "$directory/bash" "$directory/zsh" "$directory/fish"
    "$binary" --generate-completion-script bash >"$directory/bash/snc"
    "$binary" --generate-completion-script zsh >"$directory/zsh/_snc"
    "$binary" --generate-completion-script fish >"$directory/fish/snc.fish"
}

# stage ROOT PREFIX: the installed tree (binary, man page, completions) under ROOT/PREFIX.
stage() {
    local root="$1" prefix="$2" generated
    install -D -m 755 -s "$binary" "$root$prefix/bin/snc"
    install -D -m 644 Manpages/snc.1 "$root$prefix/share/man/man1/snc.1"
    generated="$(mktemp -d)"
    completions "$binary" "$generated"
    install -D -m 644 "$generated/bash/snc" "$root$prefix/share/bash-completion/completions/snc"
    install -D -m 644 "$generated/zsh/_snc" "$root$prefix/share/zsh/${zsh_directory:-site-functions}/_snc"
    install -D -m 644 "$generated/fish/snc.fish" "$root$prefix/share/fish/vendor_completions.d/snc.fish"
    rm -rf "$generated"
}

# The Debian packages that own the shared libraries the binary loads, with
# the installed version as the minimum ("libssh2-1 (>= 1.10.0-3+b1), ...").
debian_depends() {
    local library owner depends=()
    while read -r library; do
        # dpkg may record the library under /lib or /usr/lib (merged /usr).
        owner="$(dpkg -S "$library" 2>/dev/null || dpkg -S "${library#/usr}" 2>/dev/null || true)"
        owner="${owner%%:*}"
        [[ -n "$owner" ]] || continue
        depends+=("$owner (>= $(dpkg-query -W -f='${Version}' "$owner"))")
    done < <(ldd "$binary" | awk '$3 ~ /^\// { print $3 }' | xargs -n1 realpath | sort -u)
    printf '%s\n' "${depends[@]}" | sort -u | paste -sd, | sed 's/,/, /g'
}

architecture() { dpkg --print-architecture 2>/dev/null || uname -m; }

dist() {
    build_static
    local name="snc-$version-linux-$(uname -m)" root
    root="$(mktemp -d)"
    stage "$root/$name" ""
    install -m 644 README.md "$root/$name/README.md"
    mkdir -p out
    tar -C "$root" -czf "out/$name.tar.gz" "$name"
    rm -rf "$root"
    echo "out/$name.tar.gz"
}

deb() {
    build_static
    local arch root
    arch="$(architecture)"
    root="$(mktemp -d)"
    zsh_directory=vendor-completions stage "$root" /usr   # where Debian's zsh looks
    install -d "$root/DEBIAN"
    cat >"$root/DEBIAN/control" <<EOF
Package: snc
Version: $version
Architecture: $arch
Maintainer: snc developers <snc@localhost>
Depends: $(debian_depends)
Section: net
Priority: optional
Description: netcat, ssh -L and a TCP load tester in one binary
 snc listen/connect (netcat on raw sockets), snc forward (local port
 forwarding over SSH with libssh2), snc serve and snc load (a
 multithreaded lab server and a congestion test with kernel TCP counters).
EOF
    mkdir -p out
    dpkg-deb -Zgzip --root-owner-group --build "$root" "out/snc_${version}_${arch}.deb" >&2
    rm -rf "$root"
    echo "out/snc_${version}_${arch}.deb"
}

case "${1:-}" in
    dist) dist ;;
    deb) deb ;;
    *) echo "usage: bash scripts/package.sh dist|deb" >&2; exit 64 ;;
esac
