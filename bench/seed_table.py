#!/usr/bin/python3
"""Per-label spread of moderato over training seeds against the peers.

usage: seed_table.py ACCURACY_DIR SEEDS_DIR N

ACCURACY_DIR/<set>/ is bench/accuracy.sh's output (labels.txt and the peers'
{ft,sk}.eval.json); SEEDS_DIR/<set>/s<S>.eval.json (S = 1..N) are
`moderato eval --json` documents of moderato trained with seed S and
re-thresholded at its best-F1 threshold on dev (bench/seed_spread.sh).
Prints a Markdown table with one row per label where moderato's mean over the
seeds is below the better peer in PR-AUC or F1, or where some seed is (with
the seeds' min/mean/max), a count line, the mean over labels of moderato's
per-label seed means (test PR-AUC, F1 at the dev-best threshold), and each
system's mean threshold-transfer loss (best F1 on test minus F1 at its
dev-chosen threshold; moderato's averaged over the seeds).  Standard library
only.
"""
import json
import os
import sys


def metrics(path, label):
    """(PR-AUC, F1, best F1) of label in an eval document, or None."""
    try:
        with open(path, encoding="utf-8") as f:
            m = json.load(f)["groups"]["all"]["labels"][label]
    except (OSError, ValueError, KeyError):
        return None
    return m.get("pr_auc"), m.get("f1"), m.get("best_f1")


def avg(v):
    return sum(v) / len(v)


def main(acc, seeds, n):
    rows, n_labels, below_mean, below_any = [], 0, 0, 0
    mean_ap, mean_f1, loss = [], [], {"moderato": [], "fastText": [], "sklearn": []}
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
            if not runs or None in peers:
                continue
            n_labels += 1
            mean_ap.append(avg([r[0] for r in runs]))
            mean_f1.append(avg([r[1] for r in runs]))
            loss["moderato"].append(avg([r[2] - r[1] for r in runs]))
            loss["fastText"].append(peers[0][2] - peers[0][1])
            loss["sklearn"].append(peers[1][2] - peers[1][1])
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
    if n_labels:
        print("Mean over labels of moderato's seed means: test PR-AUC %.4f, F1 at the "
              "dev-best threshold %.4f." % (avg(mean_ap), avg(mean_f1)))
        print("Mean threshold-transfer loss (test-best F1 minus F1 at the dev-chosen "
              "threshold): " + ", ".join("%s %.3f" % (k, avg(v)) for k, v in loss.items()) + ".")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
