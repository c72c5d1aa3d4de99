#!/usr/bin/python3
"""Counterfactual data augmentation experiment (docs/MODELS.md, "Identity
terms"): copies a JSONL training file and, after every item whose text
mentions an identity term of TERMS (the list `moderato eval --counterfactual`
uses), adds one copy with that mention replaced by another term of the same
language and grammatical number, chosen with a seeded RNG; labels and other
fields unchanged, id suffixed "#cda".  Matching: case-insensitive at word
boundaries, longest term first, the first mention only (plural terms before
singular ones); a capitalised mention gives a capitalised replacement.

usage: counterfactual_augment.py TERMS.tsv IN.jsonl OUT.jsonl [--seed N] [--only-known LABEL]

--only-known LABEL augments only items whose LABEL is known (not null/absent).
Prints the number of copies on stderr.  Standard library only.
"""
import argparse
import json
import random
import re
import sys


def load_terms(path):
    by = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            g = line.rstrip("\n").split("\t")
            if len(g) != 4 or g[0] == "group":
                continue
            by.setdefault((g[2], g[3]), []).append(g[1])
    pats = {k: re.compile(r"(?<!\w)(" + "|".join(re.escape(t) for t in sorted(v, key=len, reverse=True))
                          + r")(?!\w)", re.I) for k, v in by.items()}
    return by, pats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("terms")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only-known", default=None)
    a = ap.parse_args()
    by, pats = load_terms(a.terms)
    rng = random.Random(a.seed)
    added = 0
    with open(a.input, encoding="utf-8") as f, open(a.output, "w", encoding="utf-8") as o:
        for line in f:
            if not line.strip():
                continue
            o.write(line if line.endswith("\n") else line + "\n")
            r = json.loads(line)
            if a.only_known and (r.get("labels") or {}).get(a.only_known) is None:
                continue
            lang = r.get("lang", "en")
            for num in ("plural", "singular"):
                p = pats.get((lang, num))
                m = p.search(r["text"]) if p else None
                if not m:
                    continue
                cands = [t for t in by[(lang, num)] if t.lower() != m.group(1).lower()]
                new = rng.choice(cands)
                if m.group(1)[:1].isupper():
                    new = new[:1].upper() + new[1:]
                c = dict(r, id=str(r["id"]) + "#cda",
                         text=r["text"][:m.start()] + new + r["text"][m.end():])
                o.write(json.dumps(c, ensure_ascii=False) + "\n")
                added += 1
                break
    sys.stderr.write("counterfactual_augment: %d copies added\n" % added)


if __name__ == "__main__":
    main()
