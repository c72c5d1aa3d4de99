#!/usr/bin/python3
"""Per-label spread of moderato over training seeds against the peers.

usage: seed_table.py ACCURACY_DIR SEEDS_DIR N

ACCURACY_DIR/<set>/ is bench/accuracy.sh's output (labels.txt and the peers'
{ft,sk}.eval.json); SEEDS_DIR/<set>/s<S>.eval.json (S = 1..N) are
`moderato eval --json` documents of moderato trained with seed S and
re-thresholded at its best-F1 threshold on dev (bench/seed_spread.sh).
Prints a Markdown table with one row per label where moderato's mean over the
seeds is below the better peer in PR-AUC or F1, or where some seed is (with
the seeds' min/mean/max), and a count line.  Standard library only.
"""
import json
import os
import sys


def metrics(path, label):
    try:
        with open(path, encoding="utf-8") as f:
            m = json.load(f)["groups"]["all"]["labels"][label]
    except (OSError, ValueError, KeyError):
        return None
    return m.get("pr_auc"), m.get("f1")


def main(acc, seeds, n):
    rows, n_labels, below_mean, below_any = [], 0, 0, 0
    for ds in sorted(os.listdir(seeds)):
        lab_file = os.path.join(acc, ds, "labels.txt")
        if not os.path.isfile(lab_file):
            continue
        with open(lab_file, encoding="utf-8") as f:
            labels = [x for x in f.read().strip().split(",") if x]
        for lab in labels:
            runs = [metrics(os.path.join(seeds, ds, "s%d.eval.json" % s), lab)
                    for s in range(1, n + 1)]
            runs = [r for r in runs if r]
            peers = [metrics(os.path.join(acc, ds, p + ".eval.json"), lab) for p in ("ft", "sk")]
            peers = [p for p in peers if p]
            if not runs or not peers:
                continue
            n_labels += 1
            cells, flag_mean, flag_any = [], False, False
            for i, name in ((0, "PR-AUC"), (1, "F1")):
                v = [r[i] for r in runs]
                best = max(p[i] for p in peers)
                mean = sum(v) / len(v)
                flag_mean |= mean < best - 5e-4
                flag_any |= min(v) < best - 5e-4
                n_below = sum(x < best - 5e-4 for x in v)
                cells.append("%.3f / %.3f / %.3f | %.3f | %d of %d" %
                             (min(v), mean, max(v), best, n_below, len(v)))
            below_mean += flag_mean
            below_any += flag_any
            if flag_any:
                rows.append("| %s / %s | %s | %s | %s |" %
                            (ds, lab, cells[0], cells[1], "**yes**" if flag_mean else "no"))
    print("| set / label | PR-AUC min / mean / max | better peer | seeds below "
          "| F1@devF1 min / mean / max | better peer | seeds below | mean below |")
    print("|---|---|---:|---:|---|---:|---:|---|")
    for r in rows:
        print(r)
    print()
    print("%d labels; moderato's mean over %d seeds is below the better peer on %d, "
          "some seed is below on %d." % (n_labels, n, below_mean, below_any))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
