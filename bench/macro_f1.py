#!/usr/bin/python3
"""Davidson 3-class macro-F1 from one-vs-rest scores.

usage: macro_f1.py TEST.jsonl PRED.jsonl

TEST.jsonl items carry "class3" (hate|offensive|neither); PRED.jsonl lines are
{"id","scores":{"c_hate":p,"c_offensive":p,"c_neither":p}} (moderato classify
output or a peer's predictions file).  The predicted class is the argmax of
the three scores (ties: hate < offensive < neither order).  Prints one JSON
object: macro_f1, accuracy and per-class F1.  Standard library only.
"""
import json
import sys

CLASSES = ("hate", "offensive", "neither")


def main(test, pred):
    gold = {}
    with open(test, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                if o.get("class3") in CLASSES:
                    gold[o["id"]] = o["class3"]
    guess = {}
    with open(pred, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            s = o.get("scores") or {}
            if o.get("id") in gold and s:
                guess[o["id"]] = max(CLASSES, key=lambda c: (s.get("c_" + c, 0.0),
                                                            -CLASSES.index(c)))
    missing = [i for i in gold if i not in guess]
    if missing:
        raise SystemExit("macro_f1: %d test items without a prediction (e.g. %s)"
                         % (len(missing), missing[0]))
    f1s = {}
    for c in CLASSES:
        tp = sum(1 for i in gold if gold[i] == c and guess[i] == c)
        fp = sum(1 for i in gold if gold[i] != c and guess[i] == c)
        fn = sum(1 for i in gold if gold[i] == c and guess[i] != c)
        f1s[c] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    acc = sum(1 for i in gold if gold[i] == guess[i]) / len(gold)
    print(json.dumps({"n": len(gold), "macro_f1": round(sum(f1s.values()) / 3, 4),
                      "accuracy": round(acc, 4),
                      "f1": {c: round(v, 4) for c, v in f1s.items()}}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
