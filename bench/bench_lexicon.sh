#!/bin/sh
# Lexicon benchmark (docs/BENCHMARKS.md, "Lexicon"): moderato's lexicon vs a
# naive strstr loop vs the obscenity npm package, on bench/bench_lexicon_cases.tsv
# (quality) and the texts of data/test.jsonl (throughput).
#   sh bench/bench_lexicon.sh [BUILD] [SECONDS]
set -e
BUILD=${1:-build}
SECS=${2:-3}
[ -n "$NO_MAKE" ] || make -s "$BUILD/libmoderato.a" BUILD="$BUILD"
cc -Iinclude -Isrc $(pkg-config --cflags libhs) -O2 -std=c11 -D_POSIX_C_SOURCE=200809L \
  -D_DEFAULT_SOURCE -o "$BUILD/bench_lexicon" bench/bench_lexicon.c "$BUILD/libmoderato.a" \
  $(pkg-config --libs libutf8proc jansson libxxhash libhs yaml-0.1) -lm -pthread
texts="$BUILD/bench_lexicon_texts.txt"
python3 -c 'import json,sys
for l in open("data/test.jsonl"):
    print(json.loads(l)["text"].replace("\n"," ").replace("\r"," "))' > "$texts"
"$BUILD/bench_lexicon" lexicons bench/bench_lexicon_cases.tsv "$texts" "$SECS"
if [ ! -d bench/node_modules/obscenity ]; then
    npm install --prefix bench --no-audit --no-fund >/dev/null
fi
node bench/lexicon_peer.js bench/bench_lexicon_cases.tsv "$texts" "$SECS"
