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
            detail.append("\n3-class (hate / offensive / neither) macro-F1, plain argmax of "
                          "the one-vs-rest scores: moderato %s, fastText %s, sklearn %s %s"
                          % (fmt(m[0]), fmt(m[1]), fmt(m[2]), gap(m[0], m[1:])))
            t = [c3[s]["tuned"]["macro_f1"] if c3[s] and c3[s].get("tuned") else None
                 for s, _ in SYS]
            if any(x is not None for x in t):
                detail.append("\n3-class macro-F1, argmax of weight x score with the weights "
                              "fitted on dev (moderato: its own `--classes` rule; peers: the "
                              "same fit on their dev scores, bench/macro_f1.py): moderato %s, "
                              "fastText %s, sklearn %s %s"
                              % (fmt(t[0]), fmt(t[1]), fmt(t[2]), gap(t[0], t[1:])))
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
              "best-F1 threshold on dev), with the paired-bootstrap 95% interval of the "
              "peer's lead (`moderato eval --compare-predictions`, 1000 resamples; "
              "\"significant\" when it excludes 0):\n")
        n_sig = n_all = 0
        for ds, k, ap, f1 in losses:
            parts = []
            for m, v in (("pr_auc", ap), ("f1", f1)):
                peers = [(x, s) for x, (s, _) in zip(v[1:], SYS[1:]) if x is not None]
                if v[0] is None or not peers:
                    continue
                b, bs = max(peers)
                if not v[0] < b - 5e-4:
                    continue
                cmp = load(os.path.join(root, ds, "cmp.%s.json" % bs))
                try:
                    c = cmp["labels"][k][m]
                    sig = " (%s lead %+.3f, CI [%.3f, %.3f], %s)" % (
                        dict(SYS)[bs], c["diff"], c["ci"][0], c["ci"][1],
                        "**significant**" if c["significant"] else "not significant")
                    n_all += 1
                    n_sig += bool(c["significant"])
                except (TypeError, KeyError, IndexError):
                    sig = ""
                parts.append("%s %s vs %s%s" % ("PR-AUC" if m == "pr_auc" else "F1",
                                                fmt(v[0]), fmt(b), sig))
            print("- %s / %s: %s" % (ds, k, "; ".join(parts)))
        if n_all:
            print("\n%d of these %d gaps are significant at the 5%% level." % (n_sig, n_all))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
