#!/bin/sh
# The main job on embedded defaults: score the example comments with the
# shipped default model. Usage: sh scripts/demo.sh [BUILD_DIR]
set -eu
BUILD=${1:-build}
cd "$(dirname "$0")/.."
echo "== moderato classify (shipped model models/default.momd) < examples/comments.jsonl" >&2
"$BUILD/moderato" classify < examples/comments.jsonl
