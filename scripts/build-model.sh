#!/bin/sh
# Rebuilds the shipped default model from the data in the repository, bit for
# bit: same data + same options + same seed = same file. Then evaluates it on
# the held-out test split. Usage: sh scripts/build-model.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
cd "$(dirname "$0")/.."
"$BUILD/moderato" train --data data/train.jsonl --dev data/dev.jsonl \
    -o models/default.momd --seed 1
"$BUILD/moderato" eval --model models/default.momd --data data/test.jsonl --by source
