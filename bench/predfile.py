"""The predictions file both peers write (bench/peer_fasttext.py,
bench/peer_sklearn.py) and `moderato eval --predictions` reads: one line
{"id","scores":{label:p}} per item, p rounded to 6 decimals; the first line
also carries "thresholds":{label:t} when thresholds are given.  Standard
library only."""
import json


def write_pred(path, ids, scores, labels, thresholds=None):
    """scores[label][i] is item ids[i]'s score; thresholds: {label: t} or None."""
    with open(path, "w", encoding="utf-8") as f:
        for i, id_ in enumerate(ids):
            o = {"id": id_, "scores": {k: round(float(scores[k][i]), 6) for k in labels}}
            if i == 0 and thresholds:
                o["thresholds"] = {k: round(float(thresholds[k]), 6) for k in labels}
            f.write(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n")
