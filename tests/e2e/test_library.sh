#!/bin/sh
# Installs the library into a temporary prefix and builds a program against it
# with pkg-config only (shared library), as an embedding service would.
set -eu
BUILD=${BUILD:-build}
case "$BUILD" in *asan*) echo "skipped under sanitizers (install step uses the plain build)"; exit 0;; esac
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
make -s install BUILD="$BUILD" PREFIX="$T/usr" > /dev/null
export PKG_CONFIG_PATH="$T/usr/lib/pkgconfig"
cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags moderato) tests/e2e/lib/embed.c \
    -o "$T/embed" $(pkg-config --libs moderato) -Wl,-rpath,"$T/usr/lib"
"$T/embed" "$T/usr/share/moderato/default.momd"
# The installed command finds the installed configuration by itself.
echo '{"id":"i1","type":"comment","text":"WIN a FREE iphone, click my profile link now!!!"}' \
    | MODERATO_CONFIG= "$T/usr/bin/moderato" moderate > "$T/dec.jsonl"
grep -q '"action":"\(limit\|remove\)"' "$T/dec.jsonl" || { echo "FAIL: installed moderate: $(cat "$T/dec.jsonl")"; exit 1; }
echo "installed moderate ok"
