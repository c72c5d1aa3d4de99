#!/bin/sh
# Writes the default model's evaluation reports under docs/eval/ (quoted by
# docs/MODELS.md): the held-out test split overall, per source and per
# language, the HTML report, the functional suite results, and the out-of-domain eval-only sets (built by
# scripts/import_data.py into build/eval-data/, not shipped for licence reasons).
# Usage: sh scripts/eval-report.sh [BUILD_DIR] [MODEL]
set -eu
BUILD=${1:-build}
MODEL=${2:-models/default.momd}
cd "$(dirname "$0")/.."
mkdir -p docs/eval
M="$BUILD/moderato"
"$M" eval --model "$MODEL" --data data/test.jsonl --by source > docs/eval/test-by-source.txt
"$M" eval --model "$MODEL" --data data/test.jsonl --by lang > docs/eval/test-by-lang.txt
"$M" eval --model "$MODEL" --data data/test.jsonl --by source --json > docs/eval/test-by-source.json
"$M" eval --model "$MODEL" --data data/test.jsonl --by source --slice lang --slice source \
    --html docs/eval/report.html > /dev/null
"$M" suite run --model "$MODEL" --failures 3 data/suite/functional.jsonl > docs/eval/suite-default.txt
if [ ! -f build/eval-data/test.jsonl ]; then
    python3 scripts/import_data.py --shared ../shared/data --out "$(mktemp -d)" \
        --eval-out build/eval-data/ 2>/dev/null
fi
"$M" eval --model "$MODEL" --data build/eval-data/test.jsonl --by source > docs/eval/eval-only-by-source.txt
echo "wrote docs/eval/" >&2
