#!/usr/bin/python3
"""fastText peer (Debian's `fasttext` 0.9.2 command line): one binary
supervised model per label.

usage: python3 bench/peer_fasttext.py --train T.jsonl --dev D.jsonl
           --test X.jsonl --labels a,b,c -o PRED.jsonl [--jobs N] [--workdir DIR]
           [--dev-output DEV_PRED.jsonl]

Why per-label binary models and not one `-loss one-vs-all` model: in our data a
label missing from an item is unknown, and a single multi-label model would
have to treat it as negative (or drop every item that is not fully labeled,
which on the combined set drops almost everything).  Per label, only items
where that label is known are used for training, tuning and thresholds.

Preprocessing (the fastText tutorial's): lowercase, punctuation .!?,'/()"
split off as tokens, whitespace collapsed.  Settings comparable to moderato's
features: -wordNgrams 2 -minn 3 -maxn 5 -dim 50 -loss softmax (two classes,
__label__pos / __label__neg) -thread 1 -seed 1 (reproducible), -bucket 1000000
(--bucket; fastText's default 2000000 doubles the per-model init/save/load
cost, 400 MB a model, for no accuracy gain at these data sizes).  -epoch 25
when the label has fewer than 15000 known training items, else 10.  -lr tuned
per label on dev average precision over {0.1, 0.5, 1.0}.  Operating
threshold: best-F1 threshold on dev.

Writes one line per test item {"id","scores":{label:p}}; the first line also
carries "thresholds":{label:t} (the format of `moderato eval --predictions`).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from predfile import write_pred  # noqa: E402

LR_GRID = (0.1, 0.5, 1.0)
SMALL = 15000  # known training items below which a label gets 25 epochs, else 10
COMMON = ["-wordNgrams", "2", "-minn", "3", "-maxn", "5", "-dim", "50",
          "-loss", "softmax", "-thread", "1", "-seed", "1", "-verbose", "0"]
_PUNCT = re.compile(r"([.!?,'/()\"])")


def prep(text):
    return " ".join(_PUNCT.sub(r" \1 ", text.lower()).split())


def load(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                o = json.loads(line)
                out.append((o["id"], prep(o["text"]), o.get("labels") or {}))
    return out


def average_precision(y, s):
    """Step-wise AP (sklearn's definition); ties are one threshold."""
    order = sorted(range(len(s)), key=lambda i: -s[i])
    npos = sum(y)
    if npos == 0:
        return float("nan")
    ap = tp = fp = 0
    prev_r = 0.0
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and s[order[j]] == s[order[i]]:
            tp += y[order[j]]
            fp += 1 - y[order[j]]
            j += 1
        r = tp / npos
        ap += (r - prev_r) * tp / (tp + fp)
        prev_r = r
        i = j
    return ap


def best_f1_threshold(y, s):
    order = sorted(range(len(s)), key=lambda i: -s[i])
    npos = sum(y)
    best = (0.0, 1.0)
    tp = fp = 0
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and s[order[j]] == s[order[i]]:
            tp += y[order[j]]
            fp += 1 - y[order[j]]
            j += 1
        f1 = 2 * tp / (tp + fp + npos) if npos else 0.0
        if f1 > best[0]:
            best = (f1, s[order[i]])
        i = j
    return best[1], best[0]


def write_ft(path, rows, k):
    with open(path, "w", encoding="utf-8") as f:
        for _, t, lab in rows:
            v = lab.get(k)
            if v is None:
                continue
            f.write("__label__%s %s\n" % ("pos" if v >= 0.5 else "neg", t))


def write_text(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for _, t, _ in rows:
            f.write(t + "\n")


def predict_pos(model, textfile, n):
    r = subprocess.run(["fasttext", "predict-prob", model, textfile, "2"], check=True,
                       capture_output=True, text=True)
    lines = r.stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != n:
        raise SystemExit("fasttext predict-prob: %d lines for %d inputs" % (len(lines), n))
    out = []
    for line in lines:
        tok = line.split()
        p = 0.5  # a line with no tokens gets no prediction
        for a in range(0, len(tok) - 1, 2):
            if tok[a] == "__label__pos":
                p = float(tok[a + 1])
            elif tok[a] == "__label__neg" and "__label__pos" not in tok:
                p = 1.0 - float(tok[a + 1])
        out.append(p)
    return out


def run_label(k, wd, train, dev, n_test, bucket, dev_out):
    tr, dv = os.path.join(wd, k + ".train.txt"), os.path.join(wd, k + ".dev.txt")
    write_ft(tr, train, k)
    write_ft(dv, dev, k)
    dev_rows = [(t, 1 if lab[k] >= 0.5 else 0) for _, t, lab in dev if lab.get(k) is not None]
    dvtext = os.path.join(wd, k + ".devtext.txt")
    with open(dvtext, "w", encoding="utf-8") as f:
        for t, _ in dev_rows:
            f.write(t + "\n")
    ydv = [y for _, y in dev_rows]
    n_known = sum(1 for _, _, lab in train if lab.get(k) is not None)
    ep = 25 if n_known < SMALL else 10
    best = None
    t0 = time.time()
    for lr in LR_GRID:
        out = os.path.join(wd, "%s.lr%g.ep%d" % (k, lr, ep))
        subprocess.run(["fasttext", "supervised", "-input", tr, "-output", out,
                        "-lr", str(lr), "-epoch", str(ep), "-bucket", str(bucket)] + COMMON,
                       check=True)
        s = predict_pos(out + ".bin", dvtext, len(dev_rows))
        ap = average_precision(ydv, s)
        if best is None or ap > best[0] + 1e-12:
            if best:
                os.unlink(best[3] + ".bin")
            best = (ap, lr, ep, out, s)
        else:
            os.unlink(out + ".bin")
    ap, lr, ep, out, sdv = best
    th, f1 = best_f1_threshold(ydv, sdv)
    ste = predict_pos(out + ".bin", os.path.join(wd, "test.txt"), n_test)
    sdv_all = predict_pos(out + ".bin", os.path.join(wd, "dev.txt"), len(dev)) if dev_out else None
    os.unlink(out + ".bin")
    info = {"n_train": n_known, "lr": lr, "epoch": ep, "dev_ap": round(ap, 4), "dev_best_f1": round(f1, 4),
            "threshold": round(th, 6), "seconds": round(time.time() - t0, 1)}
    return k, (ste, sdv_all), th, info


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--bucket", type=int, default=1000000)
    ap.add_argument("--dev-output", default=None,
                    help="also write the dev items' scores (same format, no thresholds)")
    a = ap.parse_args()
    if not shutil.which("fasttext"):
        raise SystemExit("peer_fasttext: `fasttext` not found (apt-get install fasttext)")
    labels = [x for x in a.labels.split(",") if x]
    train, dev, test = load(a.train), load(a.dev), load(a.test)
    wd = tempfile.mkdtemp(prefix="ft.", dir=a.workdir)
    try:
        write_text(os.path.join(wd, "test.txt"), test)
        write_text(os.path.join(wd, "dev.txt"), dev)
        with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
            res = list(ex.map(lambda k: run_label(k, wd, train, dev, len(test), a.bucket,
                                                  a.dev_output), labels))
    finally:
        shutil.rmtree(wd, ignore_errors=True)
    write_pred(a.output, [r[0] for r in test], {k: s[0] for k, s, _, _ in res}, labels,
               {k: th for k, _, th, _ in res})
    if a.dev_output:
        write_pred(a.dev_output, [r[0] for r in dev], {k: s[1] for k, s, _, _ in res}, labels, None)
    for k, _, _, info in res:
        sys.stderr.write("fasttext %s: %s\n" % (k, json.dumps(info)))


if __name__ == "__main__":
    main()
