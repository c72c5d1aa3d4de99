#!/bin/sh
# The main job on embedded defaults: moderate the example comments with the
# shipped configuration (model, lexicons, default policy pack). Usage: sh scripts/demo.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
cd "$(dirname "$0")/.."
echo "== moderato moderate (config/default.json: shipped model, lexicons, default policy) < examples/comments.jsonl" >&2
"$BUILD/moderato" moderate --config config/default.json < examples/comments.jsonl
