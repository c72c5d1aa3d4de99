#!/bin/sh
# End-to-end tests of `moderato train` and `moderato classify` through the CLI:
# determinism, output shape and order, threads, text mode, bad records (each
# answered in place and reported with its line number), over-long lines,
# corrupt model files and --help on every command.
. tests/e2e/lib/common.sh

# --help everywhere, exit 0; unknown option exit 2.
for c in classify train eval normalize; do
    "$M" $c --help >/dev/null || fail "$c --help"
done
"$M" --help >/dev/null || fail "moderato --help"
set +e; "$M" classify --bogus 2>/dev/null; rc=$?; set -e
[ $rc = 2 ] || fail "unknown option should exit 2, got $rc"

# Train twice with one seed: byte-identical; another seed: different.
D=tests/data/e2e
"$M" train --data $D/train.jsonl --dev $D/dev.jsonl -o "$T/a.momd" --seed 7 --quiet
"$M" train --data $D/train.jsonl --dev $D/dev.jsonl -o "$T/b.momd" --seed 7 --quiet
"$M" train --data $D/train.jsonl --dev $D/dev.jsonl -o "$T/c.momd" --seed 8 --quiet
cmp -s "$T/a.momd" "$T/b.momd" || fail "same seed gave different model files"
cmp -s "$T/a.momd" "$T/c.momd" && fail "different seeds gave identical model files"

# --nb: off and on train different models; auto (the default) records each
# label's NB share in the metadata; a bad mode or smoothing is a usage error.
"$M" train --data $D/train.jsonl --dev $D/dev.jsonl -o "$T/nboff.momd" --seed 7 --quiet --nb off
"$M" train --data $D/train.jsonl --dev $D/dev.jsonl -o "$T/nbon.momd" --seed 7 --quiet --nb on
cmp -s "$T/nboff.momd" "$T/nbon.momd" && fail "--nb on and off gave identical model files"
"$M" train --data $D/train.jsonl --dev $D/dev.jsonl -o "$T/nbauto.momd" --seed 7 --nb auto \
    2> "$T/nb.err" || fail "train --nb auto: $(cat "$T/nb.err")"
grep -q '^nb: share of the NB head per label:' "$T/nb.err" || fail "no nb: progress line"
cmp -s "$T/nbauto.momd" "$T/a.momd" || fail "--nb auto is not the default"
set +e
"$M" train --data $D/train.jsonl --dev $D/dev.jsonl -o "$T/x.momd" --nb maybe 2> "$T/nb2.err"
rc=$?
"$M" train --data $D/train.jsonl --dev $D/dev.jsonl -o "$T/x.momd" --nb-alpha 0 2> /dev/null
rc2=$?
set -e
[ $rc = 2 ] && [ $rc2 = 2 ] || fail "bad --nb / --nb-alpha: expected exit 2, got $rc / $rc2"
grep -q "'maybe' is not auto, on or off" "$T/nb2.err" || fail "--nb error: $(cat "$T/nb2.err")"

# Classify: one line per item, order preserved, the obvious cases right.
cat > "$T/in.jsonl" <<'J'
{"id":"x1","text":"subscribe to my channel for free gift cards"}
{"id":"x2","text":"the chorus on this album is beautiful"}
{"id":"x3","text":"shut up you worthless clown"}
J
"$M" classify --model "$T/a.momd" < "$T/in.jsonl" > "$T/out.jsonl"
[ "$(wc -l < "$T/out.jsonl")" = 3 ] || fail "expected 3 output lines"
python3 - "$T/out.jsonl" <<'PY' || fail "classify output check"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["id"] for r in rows] == ["x1", "x2", "x3"], rows
assert set(rows[0]["scores"]) == {"spam", "harassment"}, rows[0]
assert rows[0]["scores"]["spam"] > rows[1]["scores"]["spam"], rows
assert rows[2]["scores"]["harassment"] > rows[1]["scores"]["harassment"], rows
assert "spam" in rows[0]["flagged"] and "spam" not in rows[1]["flagged"], rows
assert all(0.0 <= v <= 1.0 for r in rows for v in r["scores"].values())
PY

# Threads: identical output and messages for 1, 2 and 4 threads on an input
# of three batches (4,096 lines each) with uneven lines, malformed and blank
# ones, in input order.
awk 'BEGIN { for (i = 1; i <= 10000; i++) {
    if (i % 997 == 0) print "{\"id\":\"bad" i "\",\"text\":";
    else if (i % 1499 == 0) print "";
    else if (i % 4096 < 1500) printf "{\"id\":\"n%d\",\"text\":\"%s song %d\"}\n", i, sprintf("%0300d", 0), i;
    else printf "{\"id\":\"n%d\",\"text\":\"song %d check out my channel %d\"}\n", i, i, i } }' > "$T/big.jsonl"
for t in 1 2 4; do
    rc=0
    "$M" classify --model "$T/a.momd" --threads $t < "$T/big.jsonl" > "$T/t$t.jsonl" 2> "$T/t$t.err" || rc=$?
    [ $rc = 3 ] || fail "threads $t: want exit 3 for the malformed lines, got $rc"
done
for t in 2 4; do
    cmp -s "$T/t1.jsonl" "$T/t$t.jsonl" || fail "$t threads: output differs from single-threaded"
    cmp -s "$T/t1.err" "$T/t$t.err" || fail "$t threads: messages differ from single-threaded"
done
python3 - "$T/big.jsonl" "$T/t4.jsonl" <<'PY' || fail "order not preserved"
import json, sys
want = []
for n, l in enumerate(open(sys.argv[1]), 1):
    if not l.strip():
        continue
    want.append(l.split('"')[3] if '"text":"' in l else None)  # None: malformed
got = [json.loads(l) for l in open(sys.argv[2])]
assert len(got) == len(want), (len(got), len(want))
for w, g in zip(want, got):
    assert (g["id"] == w) if w else ("error" in g), (w, g)
PY
grep -c 'malformed JSON' "$T/t4.err" | grep -qx 10 || fail "want 10 malformed-line messages"

# Text mode: ids are line numbers.
printf 'free gift cards click now\nlovely melody\n' | "$M" classify --model "$T/a.momd" --format text > "$T/txt.jsonl"
head -c 7 "$T/txt.jsonl" | grep -q '{"id":1' || fail "text mode id"

# Bad records: malformed JSON, missing text, non-string text, invalid UTF-8,
# an over-long line. Each answered in place, reported with its line number,
# the batch goes on, exit status 3.
{
    echo '{"id":"g1","text":"fine text"}'
    echo '{"id":"b1","text":'
    echo '{"id":"b2"}'
    echo '{"id":"b3","text":42}'
    printf '{"id":"b4","text":"bad \377 byte"}\n'
    python3 -c 'print("{\"id\":\"b5\",\"text\":\"" + "a" * 3000 + "\"}")'
    echo '{"id":"g2","text":"also fine"}'
} > "$T/bad.jsonl"
set +e
"$M" classify --model "$T/a.momd" --max-bytes 2000 < "$T/bad.jsonl" > "$T/bad.out" 2> "$T/bad.err"
rc=$?
set -e
[ $rc = 3 ] || fail "bad records should exit 3, got $rc"
[ "$(wc -l < "$T/bad.out")" = 7 ] || fail "expected 7 output lines for 7 input lines"
python3 - "$T/bad.out" <<'PY' || fail "bad record output check"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert "scores" in rows[0] and "scores" in rows[6], rows
for r, line in zip(rows[1:6], range(2, 7)):
    assert "error" in r and r["line"] == line, r
assert rows[2]["id"] == "b2" and "missing" in rows[2]["error"]
assert "over --max-bytes" in rows[5]["error"]
PY
grep -q 'stdin:2:' "$T/bad.err" || fail "stderr names line 2"
grep -q "stdin:3: field 'text': missing" "$T/bad.err" || fail "stderr names field"
grep -q '5 of 7 records rejected' "$T/bad.err" || fail "summary line"

# A 50 MB line is rejected with a clear error and does not stop the batch.
python3 -c 'import sys; sys.stdout.write("{\"id\":\"huge\",\"text\":\"" + "x" * (50 << 20) + "\"}\n{\"id\":\"after\",\"text\":\"ok\"}\n")' > "$T/huge.jsonl"
set +e
"$M" classify --model "$T/a.momd" < "$T/huge.jsonl" > "$T/huge.out" 2> "$T/huge.err"
rc=$?
set -e
[ $rc = 3 ] || fail "50 MB line should exit 3, got $rc"
grep -q '"after"' "$T/huge.out" || fail "line after the huge one was lost"
grep -q 'over --max-bytes' "$T/huge.err" || fail "huge line error message"

# Corrupt and truncated model files: clear error, exit 1, no crash.
head -c 100 "$T/a.momd" > "$T/trunc.momd"
set +e
echo '{"id":"x","text":"hi"}' | "$M" classify --model "$T/trunc.momd" > /dev/null 2> "$T/trunc.err"
rc=$?
set -e
[ $rc = 1 ] || fail "truncated model should exit 1, got $rc"
grep -q 'trunc.momd' "$T/trunc.err" || fail "error names the model file"
set +e
echo '{"id":"x","text":"hi"}' | "$M" classify --model "$T/none.momd" > /dev/null 2>&1
rc=$?
set -e
[ $rc = 1 ] || fail "missing model should exit 1"

# Malformed training data: error names file and line.
printf '{"id":"1","text":"a","labels":{"spam":1}}\n{"id":"2","text":\n' > "$T/badtrain.jsonl"
set +e
"$M" train --data "$T/badtrain.jsonl" --dev $D/dev.jsonl -o "$T/x.momd" --quiet 2> "$T/train.err"
rc=$?
set -e
[ $rc = 1 ] || fail "bad training data should exit 1"
grep -q 'badtrain.jsonl:2' "$T/train.err" || fail "train error names file:line: $(cat "$T/train.err")"
[ ! -e "$T/x.momd" ] || fail "no model file may be written on failure"

# A training run killed mid-way leaves no model file (atomic write).
"$M" train --data data/train.jsonl --dev data/dev.jsonl -o "$T/killed.momd" --quiet &
pid=$!
sleep 1
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
[ ! -e "$T/killed.momd" ] || fail "killed training left a model file"

# eval runs and reports both labels.
"$M" eval --model "$T/a.momd" --data $D/dev.jsonl > "$T/eval.txt"
grep -q '^spam' "$T/eval.txt" || fail "eval table has spam"
"$M" eval --model "$T/a.momd" --data $D/dev.jsonl --json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["groups"]["all"]["labels"]["spam"]["pr_auc"] > 0.9, d' || fail "eval json"
# Mutually exclusive labels: --classes adds "class" (the dev-fitted weighted
# argmax) to every line; a model without classes has none; bad --classes exit 1
# naming the problem.
C=tests/data/model
"$M" train --data $C/tiny_classes_train.jsonl --dev $C/tiny_classes_dev.jsonl -o "$T/cls.momd" \
    --labels c_hate,c_neither,c_offensive --classes c_hate,c_offensive,c_neither --epochs 8 \
    2> "$T/cls.err" || fail "train --classes: $(cat "$T/cls.err")"
grep -q '^classes: c_hate x[0-9.]* c_offensive x1.000 c_neither x[0-9.]*; dev macro-F1' "$T/cls.err" ||
    fail "train --classes progress line: $(cat "$T/cls.err")"
head -40 $C/tiny_classes_dev.jsonl | "$M" classify --model "$T/cls.momd" > "$T/cls.out"
python3 - "$T/cls.out" "$T/cls.momd" <<'PY' || fail "classify class output"
import json, struct, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 40
blob = open(sys.argv[2], "rb").read()
i = blob.index(b'{"format"')
meta, _ = json.JSONDecoder().raw_decode(blob[i:].decode("utf-8", "replace"))
cl = meta["classes"]
w = dict(zip(cl["labels"], cl["weights"]))
for r in rows:
    s = r["scores"]
    # The class is the weighted argmax of the printed (rounded) scores, up to rounding ties.
    best = max(cl["labels"], key=lambda c: w[c] * s[c])
    assert r["class"] in cl["labels"], r
    assert abs(w[r["class"]] * s[r["class"]] - w[best] * s[best]) < 1e-3 * max(w.values()), r
assert cl["dev_macro_f1"] >= cl["dev_macro_f1_argmax"]
PY
"$M" classify --model "$T/a.momd" < "$T/in.jsonl" | grep -q '"class"' && fail "class without --classes"
set +e
"$M" train --data $C/tiny_classes_train.jsonl --dev $C/tiny_classes_dev.jsonl -o "$T/x.momd" \
    --labels c_hate,c_neither,c_offensive --classes c_hate,c_spam --quiet 2> "$T/cls2.err"; rc=$?
set -e
[ $rc = 1 ] || fail "unknown class should exit 1, got $rc"
grep -q "class 'c_spam' is not one of the labels" "$T/cls2.err" || fail "unknown class message: $(cat "$T/cls2.err")"
set +e
"$M" train --data $C/tiny_classes_train.jsonl --dev $C/tiny_classes_dev.jsonl -o "$T/x.momd" \
    --labels c_hate,c_neither,c_offensive --classes c_hate,c_offensive --quiet 2> "$T/cls3.err"; rc=$?
set -e
[ $rc = 1 ] || fail "non-exclusive classes should exit 1, got $rc"
grep -q 'tiny_classes_train.jsonl: example 1 does not have exactly one positive class' "$T/cls3.err" ||
    fail "non-exclusive classes message: $(cat "$T/cls3.err")"

# eval of a --classes model uses the model's weighted argmax for its confusion matrix.
"$M" eval --model "$T/cls.momd" --data $C/tiny_classes_dev.jsonl --bootstrap 0 --json > "$T/cls.eval.json"
python3 - "$T/cls.eval.json" "$T/cls.momd" <<'PY' || fail "eval multiclass with the model's rule"
import json, sys
mc = json.load(open(sys.argv[1]))["groups"]["all"]["multiclass"]
blob = open(sys.argv[2], "rb").read()
i = blob.index(b'{"format"')
meta, _ = json.JSONDecoder().raw_decode(blob[i:].decode("utf-8", "replace"))
assert mc["rule"] == "model", mc
assert mc["classes"] == meta["classes"]["labels"], mc
assert all(abs(a - b) < 1e-6 for a, b in zip(mc["weights"], meta["classes"]["weights"])), mc
# dev macro-F1 recorded at training = eval's macro-F1 on the same dev file
assert abs(mc["macro_f1"] - meta["classes"]["dev_macro_f1"]) < 1e-3, (mc["macro_f1"], meta["classes"])
PY

echo "e2e classify: all checks passed"
