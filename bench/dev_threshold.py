#!/usr/bin/python3
"""Re-threshold a system's scores at its best-F1 threshold on dev.

usage: dev_threshold.py DEV.jsonl DEV_PRED.jsonl TEST_PRED.jsonl OUT.jsonl LABELS

DEV_PRED / TEST_PRED are `moderato classify` output (or any
{"id","scores":{...}} lines) for the dev and test items.  Per label (only dev
items where it is known) the best-F1 threshold on dev is chosen, exactly as the
peers choose theirs; OUT gets the test scores with "thresholds" on its first
line, for `moderato eval --predictions`.  This puts moderato's F1 on the same
threshold rule as the peers' (its own operating threshold aims at a dev
precision instead, see `moderato train --help`).  Standard library only.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_fasttext import best_f1_threshold  # noqa: E402


def read(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def main(dev, dev_pred, test_pred, out, labels):
    labels = [x for x in labels.split(",") if x]
    gold = {o["id"]: o.get("labels") or {} for o in read(dev)}
    dp = {o["id"]: o.get("scores") or {} for o in read(dev_pred) if "scores" in o}
    th = {}
    for k in labels:
        ys, ss = [], []
        for i, lab in gold.items():
            if lab.get(k) is not None and i in dp:
                ys.append(1 if lab[k] >= 0.5 else 0)
                ss.append(float(dp[i].get(k, 0.0)))
        th[k] = best_f1_threshold(ys, ss)[0]
    with open(out, "w", encoding="utf-8") as f:
        for n, o in enumerate(read(test_pred)):
            r = {"id": o["id"], "scores": o.get("scores") or {}}
            if n == 0:
                r["thresholds"] = {k: round(v, 6) for k, v in th.items()}
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
