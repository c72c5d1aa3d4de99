#!/bin/sh
# Installs the Debian packages moderato needs to build, test and benchmark.
# Idempotent: packages already present are skipped. Runs apt-get as root, or
# through sudo when not root. Set MO_DEPS_MINIMAL=1 to install only what the
# build and the tests need (no benchmark peers).
set -eu

BUILD_PKGS="build-essential pkg-config libutf8proc-dev libjansson-dev libxxhash-dev libcmocka-dev libvectorscan-dev libyaml-dev"
TEST_PKGS="clang clang-format libclang-rt-14-dev python3 python3-sklearn python3-numpy fasttext chromium"
BENCH_PKGS="hyperfine"

pkgs="$BUILD_PKGS $TEST_PKGS"
[ "${MO_DEPS_MINIMAL:-0}" = 1 ] && pkgs="$BUILD_PKGS"
[ "${MO_DEPS_BENCH:-0}" = 1 ] && pkgs="$pkgs $BENCH_PKGS"

missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present" >&2
    exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
        echo "install-deps: need root or sudo to install:$missing" >&2
        exit 1
    fi
fi
echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
