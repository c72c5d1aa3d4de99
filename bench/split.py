#!/usr/bin/python3
"""Prepare one benchmark data set: split a corpus JSONL by its "split" field.

usage: split.py OUTDIR CORPUS.jsonl [--cap-train N] [--class3]
       split.py OUTDIR --train T.jsonl --dev D.jsonl --test X.jsonl [--cap-train N]

Writes OUTDIR/{train,dev,test}.jsonl and OUTDIR/labels.txt (comma-separated):
the labels that can be benchmarked on this set, i.e. known with both classes
present in train (>= 5 positives), dev (>= 1 positive) and test (>= 1 positive
and >= 1 negative).  Only those labels are kept in the written "labels"
objects, so every system learns and is scored on exactly the same labels.  A
label missing from an item stays missing (unknown), never becomes 0.

--class3     Davidson: replace "labels" by the three one-vs-rest labels
             c_hate, c_offensive, c_neither from the "class3" field.
--cap-train  keep at most N training items (a deterministic sha1-of-id sample).

Standard library only; output is deterministic.
"""
import hashlib
import json
import os
import sys


def read(path):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main(argv):
    args = list(argv)
    out = args.pop(0)
    cap = None
    class3 = False
    files = {}
    corpus = None
    while args:
        a = args.pop(0)
        if a == "--cap-train":
            cap = int(args.pop(0))
        elif a == "--class3":
            class3 = True
        elif a in ("--train", "--dev", "--test"):
            files[a[2:]] = args.pop(0)
        else:
            corpus = a
    splits = {"train": [], "dev": [], "test": []}
    if corpus:
        for o in read(corpus):
            splits[o["split"]].append(o)
    else:
        for s in splits:
            splits[s] = list(read(files[s]))
    if class3:
        for s in splits:
            kept = []
            for o in splits[s]:
                c = o.get("class3")
                if c in ("hate", "offensive", "neither"):
                    o["labels"] = {"c_" + k: int(k == c) for k in ("hate", "offensive", "neither")}
                    kept.append(o)
            splits[s] = kept
    if cap is not None and len(splits["train"]) > cap:
        tr = sorted(splits["train"],
                    key=lambda o: hashlib.sha1(str(o["id"]).encode()).hexdigest())[:cap]
        ids = {o["id"] for o in tr}
        splits["train"] = [o for o in splits["train"] if o["id"] in ids]

    def counts(rows):
        c = {}
        for o in rows:
            for k, v in o["labels"].items():
                if v is None:
                    continue
                p, n = c.get(k, (0, 0))
                c[k] = (p + (v == 1), n + (v != 1))
        return c

    ct, cd, cx = counts(splits["train"]), counts(splits["dev"]), counts(splits["test"])
    labels = []
    for k in sorted(ct):
        tp, tn = ct[k]
        dp, dn = cd.get(k, (0, 0))
        xp, xn = cx.get(k, (0, 0))
        if tp >= 5 and tn >= 5 and dp >= 1 and dn >= 1 and xp >= 1 and xn >= 1:
            labels.append(k)
    os.makedirs(out, exist_ok=True)
    for s, rows in splits.items():
        with open(os.path.join(out, s + ".jsonl"), "w", encoding="utf-8") as f:
            for o in rows:
                o["labels"] = {k: v for k, v in o["labels"].items()
                               if k in labels and v is not None}
                f.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n")
    with open(os.path.join(out, "labels.txt"), "w") as f:
        f.write(",".join(labels) + "\n")
    sys.stderr.write("split %s: train %d dev %d test %d labels %s\n"
                     % (out, len(splits["train"]), len(splits["dev"]), len(splits["test"]),
                        ",".join(labels) or "(none)"))


if __name__ == "__main__":
    main(sys.argv[1:])
