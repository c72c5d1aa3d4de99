#!/bin/sh
# Writes the default model's evaluation reports under docs/eval/ (quoted by
# docs/MODELS.md): the held-out test split overall, per source and per
# language, the HTML report, the functional suite results, the full engine's
# results, the counterfactual identity check, and the out-of-domain eval-only sets (built by
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
    --slice identity --terms data/identity/terms.tsv --html docs/eval/report.html > /dev/null
# Fairness per identity group (groups derived from data/identity/terms.tsv).
"$M" eval --model "$MODEL" --data data/test.jsonl --slice identity --terms data/identity/terms.tsv \
    > docs/eval/test-identity.txt
"$M" suite run --model "$MODEL" --failures 3 data/suite/functional.jsonl > docs/eval/suite-default.txt
# The full engine (model + detectors + policy) on the same data and suite, and
# the counterfactual identity check (docs/EVALUATION.md). Relative paths keep
# the outputs free of machine-specific names.
ENGINE="--engine --config config/default.json"
CF="--counterfactual --terms data/identity/terms.tsv"
"$M" eval $ENGINE --data data/test.jsonl --by source > docs/eval/test-engine-by-source.txt
"$M" eval $ENGINE --data data/test.jsonl --by source --json > docs/eval/test-engine-by-source.json
"$M" suite run $ENGINE --failures 3 data/suite/functional.jsonl > docs/eval/suite-engine.txt
"$M" eval --model "$MODEL" --data data/test.jsonl --bootstrap 0 $CF > docs/eval/counterfactual-test.txt
"$M" eval --model "$MODEL" --data data/test.jsonl --bootstrap 0 $CF --json \
    > docs/eval/counterfactual-test.json
"$M" eval $ENGINE --data data/test.jsonl --bootstrap 0 $CF > docs/eval/counterfactual-engine-test.txt
"$M" eval --model "$MODEL" --data data/test.jsonl --by source --slice lang --bootstrap 200 \
    --suite data/suite/functional.jsonl $CF --html docs/eval/report-extra.html > /dev/null
if [ ! -f build/eval-data/test.jsonl ]; then
    python3 scripts/import_data.py --shared ../shared/data --out "$(mktemp -d)" \
        --eval-out build/eval-data/ 2>/dev/null
fi
"$M" eval --model "$MODEL" --data build/eval-data/test.jsonl --by source > docs/eval/eval-only-by-source.txt
echo "wrote docs/eval/" >&2
