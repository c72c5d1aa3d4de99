#!/bin/sh
# `make bench`: accuracy against fastText and scikit-learn, then throughput,
# memory and training time against fastText.  See docs/BENCHMARKS.md.
#   sh bench/run.sh [BUILD]
# Results under $BUILD/bench/{accuracy,throughput}/ (*.md are the tables).
# Set BENCH_ONLY=accuracy or BENCH_ONLY=throughput to run one half.
set -eu
BUILD=${1:-build}
HERE=$(dirname "$0")
if [ ! -x /usr/bin/python3 ] || ! command -v fasttext >/dev/null || ! command -v hyperfine >/dev/null; then
    MO_DEPS_BENCH=1 sh "$HERE/../scripts/install-deps.sh"
fi
rc=0
case ${BENCH_ONLY:-all} in all|accuracy) sh "$HERE/accuracy.sh" "$BUILD" || rc=1 ;; esac
case ${BENCH_ONLY:-all} in all|throughput) sh "$HERE/throughput.sh" "$BUILD" || rc=1 ;; esac
exit $rc
