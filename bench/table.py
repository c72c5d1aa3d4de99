#!/usr/bin/python3
"""Side-by-side accuracy tables from bench/accuracy.sh results.

usage: table.py RESULTS_DIR

RESULTS_DIR/<dataset>/ holds labels.txt, {mo,ft,sk}.eval.json (output of
`moderato eval --json`, for moderato's model and for the peers' predictions
files; mb = moderato re-thresholded at its dev best-F1 threshold),
optionally {mo,ft,sk}.class3.json (Davidson 3-class macro-F1) and
times.tsv (system, phase, seconds).  Prints Markdown: a summary (macro PR-AUC
and macro F1 per data set, moderato's ratio to the better peer), then per data
set one row per label with PR-AUC and F1 of each system; "**<**" marks a
metric where moderato is below the better peer, with the gap.
Standard library only.
"""
import json
import os
import sys

SYS = (("mo", "moderato"), ("ft", "fastText"), ("sk", "sklearn"))
# "mb": moderato's scores at its best-F1 threshold on dev (the peers' rule).
ALL = SYS + (("mb", "moderato@devF1"),)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt(x):
    return "–" if x is None else "%.3f" % x


def gap(mo, peers):
    """'**<** −0.012' when moderato is below the best peer, else ''."""
    peers = [p for p in peers if p is not None]
    if mo is None or not peers:
        return ""
    b = max(peers)
    return "**<** %.3f" % (mo - b) if mo < b - 5e-4 else ""


def main(root):
    sets = sorted(d for d in os.listdir(root) if os.path.isfile(os.path.join(root, d, "labels.txt")))
    sets.sort(key=lambda d: (d != "all", d))
    rows, detail = [], []
    losses = []
    for ds in sets:
        d = os.path.join(root, ds)
        labels = [x for x in open(os.path.join(d, "labels.txt")).read().strip().split(",") if x]
        if not labels:
            continue
        ev = {s: load(os.path.join(d, s + ".eval.json")) for s, _ in ALL}
        c3 = {s: load(os.path.join(d, s + ".class3.json")) for s, _ in SYS}

        def metric(s, k, m):
            e = ev[s]
            try:
                return e["groups"]["all"]["labels"][k][m]
            except (TypeError, KeyError):
                return None

        macro = {}
        for s, _ in ALL:
            aps = [metric(s, k, "pr_auc") for k in labels]
            f1s = [metric(s, k, "f1") for k in labels]
            macro[s] = (sum(aps) / len(aps) if None not in aps else None,
                        sum(f1s) / len(f1s) if None not in f1s else None)
        best_peer = max([macro[s][0] for s in ("ft", "sk") if macro[s][0] is not None],
                        default=None)
        ratio = ("%.3f" % (macro["mo"][0] / best_peer)
                 if macro["mo"][0] is not None and best_peer else "–")
        rows.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            ds, ",".join(labels), ratio,
            fmt(macro["mo"][0]), fmt(macro["ft"][0]), fmt(macro["sk"][0]),
            fmt(macro["mo"][1]), fmt(macro["mb"][1]), fmt(macro["ft"][1]), fmt(macro["sk"][1])))
        detail.append("\n#### %s\n" % ds)
        detail.append("| label | test known | test pos | PR-AUC moderato | fastText | sklearn "
                      "| | F1 moderato (op.) | moderato @devF1 | fastText | sklearn | |")
        detail.append("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---|")
        for k in labels:
            n = p = None
            for s, _ in SYS:
                if metric(s, k, "n_known") is not None:
                    n, p = metric(s, k, "n_known"), metric(s, k, "support")
                    break
            ap = [metric(s, k, "pr_auc") for s, _ in SYS]
            # F1 compared on the same threshold rule: moderato @devF1 vs peers
            f1 = [metric(s, k, "f1") for s in ("mb", "ft", "sk")]
            f1op = metric("mo", k, "f1")
            ga, gf = gap(ap[0], ap[1:]), gap(f1[0], f1[1:])
            if ga or gf:
                losses.append((ds, k, ap, f1))
            detail.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                k, n if n is not None else "–", p if p is not None else "–",
                fmt(ap[0]), fmt(ap[1]), fmt(ap[2]), ga, fmt(f1op), fmt(f1[0]), fmt(f1[1]),
                fmt(f1[2]), gf))
        if any(c3.values()):
            m = [c3[s]["macro_f1"] if c3[s] else None for s, _ in SYS]
            detail.append("\n3-class (hate / offensive / neither, argmax of one-vs-rest "
                          "scores) macro-F1: moderato %s, fastText %s, sklearn %s %s"
                          % (fmt(m[0]), fmt(m[1]), fmt(m[2]), gap(m[0], m[1:])))
        t = os.path.join(d, "times.tsv")
        if os.path.exists(t):
            secs = {}
            for line in open(t):
                f = line.split("\t")
                if len(f) == 3:
                    secs[f[0]] = secs.get(f[0], 0.0) + float(f[2])
            detail.append("\nwall seconds (train + tune + predict): " + ", ".join(
                "%s %.0f" % (name, secs[s]) for s, name in SYS if s in secs))
    print("| data set | labels | moderato / best peer (macro PR-AUC) | macro PR-AUC moderato "
          "| fastText | sklearn | macro F1 moderato (op.) | moderato @devF1 | fastText "
          "| sklearn |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    print("\n".join(detail))
    if losses:
        print("\nWhere moderato is below the better peer (PR-AUC; F1 with both at their "
              "best-F1 threshold on dev):\n")
        for ds, k, ap, f1 in losses:
            print("- %s / %s: PR-AUC %s vs %s, F1 %s vs %s" % (
                ds, k, fmt(ap[0]), fmt(max(x for x in ap[1:] if x is not None)) if any(
                    x is not None for x in ap[1:]) else "–",
                fmt(f1[0]), fmt(max(x for x in f1[1:] if x is not None)) if any(
                    x is not None for x in f1[1:]) else "–"))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
