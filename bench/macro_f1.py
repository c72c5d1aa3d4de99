#!/usr/bin/python3
"""Davidson 3-class macro-F1 from one-vs-rest scores, two decision rules.

usage: macro_f1.py TEST.jsonl PRED.jsonl [DEV.jsonl DEV_PRED.jsonl]

TEST.jsonl / DEV.jsonl items carry "class3" (hate|offensive|neither); PRED
lines are {"id","scores":{"c_hate":p,"c_offensive":p,"c_neither":p}}
(moderato classify output or a peer's predictions file).

- "argmax": the predicted class is the argmax of the three scores (ties:
  hate < offensive < neither order).
- "tuned": the argmax of weight[c] * score[c], the weights fitted on dev for
  macro-F1 by the rule `moderato train --classes` uses (src/model/classes.c:
  weights 2^(e/4), e in -8..12, the dev set's most frequent class fixed at 1,
  coordinate ascent in class order, ties to the weight nearest 1).  A PRED
  line with "class" (a moderato model trained with --classes) is taken as is;
  otherwise the weights are fitted here from DEV_PRED, so every system gets
  the same rule.  Without DEV files and "class", "tuned" is null.

Prints one JSON object: n, macro_f1, accuracy, f1 per class (argmax), and
"tuned" with the same fields plus "weights" and "from" (model|dev).
Standard library only.
"""
import json
import sys

CLASSES = ("hate", "offensive", "neither")
E_MIN, E_MAX, ROUNDS = -8, 12, 10


def read_gold(path):
    gold = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                if o.get("class3") in CLASSES:
                    gold[o["id"]] = o["class3"]
    return gold


def read_pred(path, gold):
    scores, cls = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            s = o.get("scores") or {}
            if o.get("id") in gold and s:
                scores[o["id"]] = [s.get("c_" + c, 0.0) for c in CLASSES]
                if isinstance(o.get("class"), str) and o["class"][2:] in CLASSES:
                    cls[o["id"]] = o["class"][2:]
    missing = [i for i in gold if i not in scores]
    if missing:
        raise SystemExit("macro_f1: %s: %d items without a prediction (e.g. %s)"
                         % (path, len(missing), missing[0]))
    return scores, cls


def decide(s, w):
    best, bv = 0, -1.0
    for c in range(3):
        v = w[c] * s[c]
        if v > bv:
            best, bv = c, v
    return CLASSES[best]


def score(gold, guess):
    f1s = {}
    for c in CLASSES:
        tp = sum(1 for i in gold if gold[i] == c and guess[i] == c)
        fp = sum(1 for i in gold if gold[i] != c and guess[i] == c)
        fn = sum(1 for i in gold if gold[i] == c and guess[i] != c)
        f1s[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    acc = sum(1 for i in gold if gold[i] == guess[i]) / len(gold)
    return {"n": len(gold), "macro_f1": round(sum(f1s.values()) / 3, 4),
            "accuracy": round(acc, 4), "f1": {c: round(v, 4) for c, v in f1s.items()}}


def fit(gold, scores):
    """The weights of src/model/classes.c (float32 rounding aside)."""
    counts = [sum(1 for i in gold if gold[i] == c) for c in CLASSES]
    ref = max(range(3), key=lambda c: (counts[c], -c))
    e = [0, 0, 0]
    order = sorted(range(E_MIN, E_MAX + 1), key=lambda x: (abs(x), x))
    for _ in range(ROUNDS):
        changed = False
        for c in range(3):
            if c == ref:
                continue
            best, best_e = -1.0, e[c]
            for x in order:
                e2 = list(e)
                e2[c] = x
                # Unrounded F1 as in C: compare on exact values.
                g = {i: decide(scores[i], [2 ** (v / 4) for v in e2]) for i in gold}
                f = exact_macro(gold, g)
                if f > best + 1e-12:
                    best, best_e = f, x
            changed |= best_e != e[c]
            e[c] = best_e
        if not changed:
            break
    return [2 ** (v / 4) for v in e]


def exact_macro(gold, guess):
    s = 0.0
    for c in CLASSES:
        tp = sum(1 for i in gold if gold[i] == c and guess[i] == c)
        fp = sum(1 for i in gold if gold[i] != c and guess[i] == c)
        fn = sum(1 for i in gold if gold[i] == c and guess[i] != c)
        s += 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return s / 3


def main(argv):
    gold = read_gold(argv[0])
    scores, cls = read_pred(argv[1], gold)
    out = score(gold, {i: decide(scores[i], [1, 1, 1]) for i in gold})
    tuned = None
    if len(cls) == len(gold):
        tuned = dict(score(gold, cls), weights=None, **{"from": "model"})
    elif len(argv) == 4:
        dgold = read_gold(argv[2])
        dscores, _ = read_pred(argv[3], dgold)
        w = fit(dgold, dscores)
        tuned = dict(score(gold, {i: decide(scores[i], w) for i in gold}),
                     weights={c: round(x, 4) for c, x in zip(CLASSES, w)},
                     dev_macro_f1=round(exact_macro(dgold, {i: decide(dscores[i], w)
                                                            for i in dgold}), 4),
                     **{"from": "dev"})
    out["tuned"] = tuned
    print(json.dumps(out))


if __name__ == "__main__":
    if len(sys.argv) not in (3, 5):
        raise SystemExit(__doc__)
    main(sys.argv[1:])
