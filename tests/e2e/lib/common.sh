# Shared preamble of the end-to-end tests, sourced from the repository root
# (`. tests/e2e/lib/common.sh`): strict mode, the binary under test ($M, from
# $BUILD), a temporary folder ($T) removed on exit, and fail().
set -eu
BUILD=${BUILD:-build}
M="$BUILD/moderato"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
