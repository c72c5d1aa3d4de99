#!/usr/bin/python3
"""scikit-learn peer: TF-IDF word 1-2 grams + char_wb 2-5 grams, one logistic
regression per label.

usage: /usr/bin/python3 bench/peer_sklearn.py --train T.jsonl --dev D.jsonl
           --test X.jsonl --labels a,b,c -o PRED.jsonl [--jobs N]
           [--dev-output DEV_PRED.jsonl]

Per label, only items where that label is known (present in "labels") are
used for fitting, tuning and thresholds; an unknown label is never a negative.
Texts are lowercased.  The vectorizers are fit once on all training texts:
  word    1-2 grams, min_df 2, sublinear tf, max_features 300000
  char_wb 2-5 grams, min_df 2, sublinear tf, max_features 500000
LogisticRegression(liblinear, L2) with C in {0.5,1,2,4,8} x class_weight in
{None, "balanced"}, chosen by dev average precision (PR-AUC).  The operating
threshold is the best-F1 threshold on dev (score >= threshold is positive).

Writes one line per test item {"id","scores":{label:p}}; the first line also
carries "thresholds":{label:t}, as `moderato eval --predictions` expects.
Deterministic (liblinear with random_state=1).  Prints the chosen settings
and timings on stderr.
"""
import argparse
import os
import json
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from predfile import write_pred  # noqa: E402

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve

C_GRID = (0.5, 1.0, 2.0, 4.0, 8.0)
CW_GRID = (None, "balanced")


def load(path):
    ids, texts, labels = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            o = json.loads(line)
            ids.append(o["id"])
            texts.append(o["text"].lower())
            labels.append(o.get("labels") or {})
    return ids, texts, labels


def known(labels, k):
    idx = [i for i, l in enumerate(labels) if l.get(k) is not None]
    y = np.array([1 if labels[i][k] >= 0.5 else 0 for i in idx], dtype=np.int8)
    return np.array(idx, dtype=np.int64), y


def best_f1_threshold(y, s):
    p, r, t = precision_recall_curve(y, s)
    f1 = np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)[:-1]
    i = int(np.argmax(f1))
    return float(t[i]), float(f1[i])


def fit_label(k, Xtr, Ytr, Xdv, Ydv, Xte):
    itr, ytr = known(Ytr, k)
    idv, ydv = known(Ydv, k)
    best = None
    for cw in CW_GRID:
        for c in C_GRID:
            m = LogisticRegression(solver="liblinear", C=c, class_weight=cw, max_iter=1000,
                                   random_state=1)
            m.fit(Xtr[itr], ytr)
            s = m.predict_proba(Xdv[idv])[:, 1]
            ap = average_precision_score(ydv, s)
            if best is None or ap > best[0] + 1e-12:
                best = (ap, c, cw, m, s)
    ap, c, cw, m, sdv = best
    th, f1 = best_f1_threshold(ydv, sdv)
    ste = m.predict_proba(Xte)[:, 1]
    sdv_all = m.predict_proba(Xdv)[:, 1]
    return k, (ste, sdv_all), th, {"C": c, "class_weight": cw, "dev_ap": round(ap, 4),
                        "dev_best_f1": round(f1, 4), "threshold": round(th, 6),
                        "n_train": int(len(itr)), "pos_train": int(ytr.sum())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train", required=True)
    ap.add_argument("--dev", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--labels", required=True)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--dev-output", default=None,
                    help="also write the dev items' scores (same format, no thresholds)")
    a = ap.parse_args()
    labels = [x for x in a.labels.split(",") if x]
    t0 = time.time()
    _, ttr, Ytr = load(a.train)
    _, tdv, Ydv = load(a.dev)
    ids, tte, _ = load(a.test)
    dv_ids = load(a.dev)[0]
    wv = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=2, sublinear_tf=True,
                         max_features=300000, lowercase=False, dtype=np.float32)
    cv = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                         max_features=500000, lowercase=False, dtype=np.float32)
    Xtr = sp.hstack([wv.fit_transform(ttr), cv.fit_transform(ttr)]).tocsr()
    Xdv = sp.hstack([wv.transform(tdv), cv.transform(tdv)]).tocsr()
    Xte = sp.hstack([wv.transform(tte), cv.transform(tte)]).tocsr()
    t1 = time.time()
    if a.jobs > 1 and len(labels) > 1:
        from joblib import Parallel, delayed
        res = Parallel(n_jobs=a.jobs)(
            delayed(fit_label)(k, Xtr, Ytr, Xdv, Ydv, Xte) for k in labels)
    else:
        res = [fit_label(k, Xtr, Ytr, Xdv, Ydv, Xte) for k in labels]
    t2 = time.time()
    scores = {k: s[0] for k, s, _, _ in res}
    dv_scores = {k: s[1] for k, s, _, _ in res}
    thresholds = {k: th for k, _, th, _ in res}
    write_pred(a.output, ids, scores, labels, thresholds)
    if a.dev_output:
        write_pred(a.dev_output, dv_ids, dv_scores, labels, None)
    for k, _, _, info in res:
        sys.stderr.write("sklearn %s: %s\n" % (k, json.dumps(info)))
    sys.stderr.write("sklearn: %d features, vectorize %.1fs, fit+tune %.1fs\n"
                     % (Xtr.shape[1], t1 - t0, t2 - t1))


if __name__ == "__main__":
    main()
