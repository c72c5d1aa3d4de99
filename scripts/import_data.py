#!/usr/bin/env python3
"""Import moderato's labeled data sets into one JSONL format.

Reads the unmodified upstream copies under --shared (../shared/data), maps every
data set's own labels onto the moderato taxonomy, deduplicates, assigns
deterministic train/dev/test splits and writes:

  <out>/corpus/<source>.jsonl        licence-clear ("shipped") sets, all splits
  <out>/{train,dev,test}.jsonl        shipped sets + seed examples, by split
  <eval-out>/corpus/<source>.jsonl    eval/research-only sets (no/NC/GPL licence)
  <eval-out>/{train,dev,test}.jsonl   eval-only sets, by split

Record format (one JSON object per line, keys in this order):
  {"id":"<source>:<stable id>","text":"...","labels":{"hate":1,...},
   "lang":"en","source":"<source>","split":"train|dev|test", ...extras}

A taxonomy label that a data set does not annotate is omitted (unknown), never
written as 0.  Extras: "class3" (Davidson 3-class label) and "orig" (the data
set's own label, verbatim or compactly encoded, for audits and sub-benchmarks).

Python 3 standard library only.  Output is byte-identical on re-run.
See docs/DATA.md for the mapping table, licences and the split procedure.
"""

import argparse
import ast
import csv
import hashlib
import html
import io
import json
import os
import re
import sys
import tarfile
import unicodedata

TAXONOMY = ("hate", "harassment", "sexual", "self_harm", "violence", "spam",
            "profanity")
SPLITS = ("train", "dev", "test")

csv.field_size_limit(1 << 30)


class DataError(Exception):
    """Malformed input; message names file and line."""


def fail(path, line, msg):
    raise DataError("%s:%s: %s" % (path, line if line is not None else "-", msg))


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


# --------------------------------------------------------------------------
# reading helpers


def read_text(path):
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        fail(path, None, "cannot read: %s" % e)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        fail(path, line, "invalid UTF-8 (%s)" % e.reason)


def read_csv(path, delimiter=",", header=True, ncols=None, quoting=csv.QUOTE_MINIMAL):
    """Yield (line_no, row) with row a list; checks the column count."""
    text = read_text(path)
    rdr = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                     quoting=quoting)
    first = True
    hdr = None
    while True:
        line_no = rdr.line_num + 1
        try:
            row = next(rdr)
        except StopIteration:
            return
        except csv.Error as e:
            fail(path, line_no, "CSV error: %s" % e)
        if not row or (len(row) == 1 and row[0].strip() == ""):
            continue
        if first and header:
            hdr = row
            first = False
            if ncols is None:
                ncols = len(hdr)
            continue
        first = False
        if ncols is not None and len(row) != ncols:
            fail(path, line_no, "expected %d columns, got %d" % (ncols, len(row)))
        yield line_no, row


def read_lines(path):
    text = read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [l[:-1] if l.endswith("\r") else l for l in lines]


def clean(text):
    """Normalise line endings and strip outer whitespace; keep content."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def need(path, line, value, allowed, what):
    if value not in allowed:
        fail(path, line, "unexpected %s %r (expected one of %s)"
             % (what, value, ", ".join(sorted(map(str, allowed)))))
    return value


def rec(sid, text, labels, lang, split=None, **extra):
    out = {"sid": str(sid), "text": text, "labels": labels, "lang": lang,
           "split": split}
    out["extra"] = extra
    return out


# --------------------------------------------------------------------------
# per-data-set loaders: each returns a list of rec() dicts in file order.
# A loader puts official-split rows from test files first, then dev, then train,
# so that deduplication (keep first) keeps the copy in the official test set.


def load_davidson(d):
    p = os.path.join(d, "labeled_data.csv")
    out = []
    names = {"0": "hate", "1": "offensive", "2": "neither"}
    for ln, row in read_csv(p, ncols=7):
        idx, _count, _h, _o, _n, cls, tweet = row
        need(p, ln, cls, names, "class")
        c3 = names[cls]
        if c3 == "hate":
            labels = {"hate": 1}          # profanity unknown (slurs usually present)
        elif c3 == "offensive":
            labels = {"hate": 0, "profanity": 1}
        else:
            labels = {"hate": 0, "profanity": 0}
        out.append(rec(idx, clean(html.unescape(tweet)), labels, "en",
                       class3=c3))
    return out


def load_stormfront(d):
    meta = os.path.join(d, "annotations_metadata.csv")
    labels_by_id = {}
    for ln, row in read_csv(meta, ncols=5):
        fid, _u, _s, _n, lab = row
        need(meta, ln, lab, {"hate", "noHate", "relation", "idk/skip"}, "label")
        labels_by_id[fid] = lab
    tpath = os.path.join(d, "sentences_all_files_sampled_train_test.tar.gz")
    texts, test_ids = {}, set()
    try:
        with tarfile.open(tpath, "r:gz") as tf:
            for m in tf.getmembers():
                if not m.isfile() or not m.name.endswith(".txt"):
                    continue
                top, base = m.name.split("/", 1)[0], os.path.basename(m.name)[:-4]
                if top == "sampled_test":
                    test_ids.add(base)
                if top != "all_files":
                    continue
                raw = tf.extractfile(m).read()
                try:
                    texts[base] = raw.decode("utf-8")
                except UnicodeDecodeError as e:
                    fail(tpath + "!" + m.name, 1, "invalid UTF-8 (%s)" % e.reason)
    except (tarfile.TarError, OSError) as e:
        fail(tpath, None, "cannot read tar.gz: %s" % e)
    out = []
    for fid in sorted(labels_by_id, key=lambda s: (s not in test_ids, s)):
        if fid not in texts:
            fail(meta, None, "file_id %s has no sentence file in the archive" % fid)
        lab = labels_by_id[fid]
        if lab == "hate":
            labels = {"hate": 1}
        elif lab == "noHate":
            labels = {"hate": 0}
        else:                       # relation (needs context) / idk/skip
            labels = {}
        out.append(rec(fid, clean(texts[fid]), labels, "en",
                       "test" if fid in test_ids else None, orig=lab))
    return out


def frac(path, ln, v):
    try:
        x = float(v)
    except ValueError:
        fail(path, ln, "not a number: %r" % v)
    if not 0.0 <= x <= 1.0:
        fail(path, ln, "fraction out of [0,1]: %r" % v)
    return x


def load_ethos(d):
    pb = os.path.join(d, "Ethos_Dataset_Binary.csv")
    pm = os.path.join(d, "Ethos_Dataset_Multi_Label.csv")
    multi = {}
    for ln, row in read_csv(pm, delimiter=";", ncols=9):
        multi[clean(row[0])] = frac(pm, ln, row[1])
    out = []
    for ln, row in read_csv(pb, delimiter=";", ncols=2):
        text = clean(row[0])
        h = frac(pb, ln, row[1])
        labels = {"hate": 1 if h >= 0.5 else 0}
        orig = "isHate=%s" % row[1]
        if h >= 0.5 and text in multi:
            labels["violence"] = 1 if multi[text] >= 0.5 else 0
            orig += ";violence=%s" % multi[text]
        out.append(rec(ln, text, labels, "en", orig=orig))
    return out


def load_toxigen(d):
    root = os.path.join(d, "demonstrations")
    files = []
    for dp, _dn, fn in os.walk(root):
        for f in fn:
            if f.endswith(".txt"):
                files.append(os.path.join(dp, f))
    out = []
    for p in sorted(files):
        rel = os.path.relpath(p, root)
        base = os.path.basename(p)
        if base.startswith("hate_"):
            lab = 1
        elif base.startswith("neutral_"):
            lab = 0
        else:
            fail(p, None, "file name is neither hate_* nor neutral_*")
        stem = rel[:-4].replace(os.sep, "/")
        for i, line in enumerate(read_lines(p), 1):
            t = clean(line)
            if t.startswith("- "):
                t = t[2:].strip()
            if t:
                out.append(rec("%s:%d" % (stem, i), t, {"hate": lab}, "en",
                               orig=("hate" if lab else "neutral") + ":" + stem.split("/")[0]))
    return out


def _olid_rows(d):
    """Return list of (id, text, a, b, c, official_split) for OLID."""
    tr = os.path.join(d, "olid-training-v1.0.tsv")
    rows = []
    lines = read_lines(tr)
    if not lines or lines[0].split("\t")[:2] != ["id", "tweet"]:
        fail(tr, 1, "unexpected header")
    train = []
    for i, l in enumerate(lines[1:], 2):
        parts = l.split("\t")
        if len(parts) != 5:
            fail(tr, i, "expected 5 tab-separated columns, got %d" % len(parts))
        tid, tw, a, b, c = parts
        need(tr, i, a, {"OFF", "NOT"}, "subtask_a")
        need(tr, i, b, {"TIN", "UNT", "NULL"}, "subtask_b")
        need(tr, i, c, {"IND", "GRP", "OTH", "NULL"}, "subtask_c")
        train.append((tid, tw, a, b, c, None))
    gold = {}
    for lvl in "abc":
        p = os.path.join(d, "labels-level%s.csv" % lvl)
        g = {}
        for ln, row in read_csv(p, header=False, ncols=2):
            if row[0] == "id":
                continue
            g[row[0]] = row[1]
        gold[lvl] = g
    p = os.path.join(d, "testset-levela.tsv")
    test = []
    for i, l in enumerate(read_lines(p), 1):
        parts = l.split("\t")
        if i == 1 and parts[0] == "id":
            continue
        if len(parts) != 2:
            fail(p, i, "expected 2 tab-separated columns, got %d" % len(parts))
        tid, tw = parts
        if tid not in gold["a"]:
            fail(p, i, "id %s missing from labels-levela.csv" % tid)
        a = need(p, i, gold["a"][tid], {"OFF", "NOT"}, "level A label")
        b = gold["b"].get(tid, "NULL")
        c = gold["c"].get(tid, "NULL")
        test.append((tid, tw, a, b, c, "test"))
    return test + train


def olid_labels(a, b, c):
    if a == "NOT":      # guideline: no offense and no profanity
        return {"hate": 0, "harassment": 0, "profanity": 0}
    if b == "UNT":      # untargeted profanity/swearing
        return {"hate": 0, "harassment": 0, "profanity": 1}
    if b == "TIN":
        if c == "IND":
            return {"harassment": 1}
        if c == "GRP":
            return {"hate": 1}
        return {}       # OTH (organisation/event/issue) or level C unknown
    return {}           # OFF without level B


def load_olid(d):
    out = []
    for tid, tw, a, b, c, sp in _olid_rows(d):
        out.append(rec(tid, clean(tw), olid_labels(a, b, c), "en", sp,
                       orig="%s/%s/%s" % (a, b, c)))
    return out


def load_abuseval(d, olid_dir):
    olid = {r[0]: r for r in _olid_rows(olid_dir)}
    out = []
    for fname, sp in (("abuseval_offenseval_test.tsv", "test"),
                      ("abuseval_offenseval_train.tsv", None)):
        p = os.path.join(d, fname)
        for ln, row in read_csv(p, delimiter="\t", ncols=2,
                                quoting=csv.QUOTE_NONE):
            tid, ab = row
            need(p, ln, ab, {"NOTABU", "EXP", "IMP"}, "abuse label")
            if tid not in olid:
                fail(p, ln, "id %s not found in OLID" % tid)
            _, tw, a, b, c, _s = olid[tid]
            if ab == "NOTABU":
                labels = {"hate": 0, "harassment": 0}
            elif c == "IND":
                labels = {"harassment": 1}
            elif c == "GRP":
                labels = {"hate": 1}
            else:
                labels = {}
            out.append(rec(tid, clean(tw), labels, "en", sp,
                           orig="%s;olid=%s/%s/%s" % (ab, a, b, c)))
    return out


# ConvAbuse split files: 7 context columns, then 8 annotators x 17 columns.
# Columns are read by POSITION (Annotator7/8 *_transphobic are misnamed upstream).
CA_FIELDS = ("sev1", "sev0", "sev-1", "sev-2", "sev-3", "ableist", "homophobic",
             "intellectual", "racist", "sexist", "sex_harassment", "transphobic",
             "t_gen", "t_ind", "t_sys", "explicit", "implicit")
CA_IDENTITY = ("ableist", "homophobic", "racist", "sexist", "transphobic")


EMOJI_SPAN = re.compile(r"<span class='emoji-bytes' data-emoji-bytes='\[([0-9, ]*)\]'></span>")


def decode_emoji_spans(path, ln, text):
    """ConvAbuse stores emoji as HTML spans listing their UTF-8 bytes."""
    def sub(m):
        try:
            return bytes(int(x) for x in m.group(1).split(",")).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            fail(path, ln, "undecodable emoji span %r" % m.group(0))
    return EMOJI_SPAN.sub(sub, text)


def load_convabuse(d):
    out = []
    for fname, sp in (("ConvAbuseEMNLPtest.csv", "test"),
                      ("ConvAbuseEMNLPvalid.csv", "dev"),
                      ("ConvAbuseEMNLPtrain.csv", "train")):
        p = os.path.join(d, fname)
        for ln, row in read_csv(p, ncols=7 + 8 * 17):
            ex_id, user = row[0], row[5]
            anns = []
            for k in range(8):
                cells = row[7 + 17 * k: 7 + 17 * (k + 1)]
                if all(c == "" for c in cells):
                    continue
                # A cell may hold "0, 1" when the same annotator labelled the
                # example more than once; each repeat is one annotation, and the
                # annotator gets one vote: per field, the majority of repeats
                # (ties: the first repeat).
                try:
                    vals = [[int(float(x)) for x in c.split(",")] if c.strip() else None
                            for c in cells]
                except ValueError:
                    fail(p, ln, "non-numeric annotator %d cell" % (k + 1))
                reps = {len(x) for x in vals if x is not None}
                if len(reps) != 1:
                    fail(p, ln, "annotator %d cells have different repeat counts" % (k + 1))
                m = reps.pop()
                versions = []
                for j in range(m):
                    vj = dict(zip(CA_FIELDS, ((x[j] if x else 0) for x in vals)))
                    sev = [s for s in ("sev1", "sev0", "sev-1", "sev-2", "sev-3") if vj[s]]
                    if len(sev) != 1:
                        fail(p, ln, "annotator %d has %d severity values set"
                             % (k + 1, len(sev)))
                    vj["sev"] = sev[0]
                    versions.append(vj)
                v = {}
                for f in CA_FIELDS + ("sev",):
                    col = [vj[f] for vj in versions]
                    v[f] = max(col, key=lambda x: (col.count(x), -col.index(x)))
                anns.append(v)
            if not anns:
                fail(p, ln, "no annotator labelled this example")
            n = len(anns)
            abusive = sum(1 for a in anns if a["sev"] in ("sev-1", "sev-2", "sev-3"))
            notab = sum(1 for a in anns if a["sev"] == "sev1")
            maj = n // 2 + 1

            def votes(f):
                return sum(1 for a in anns if a[f])
            if notab >= maj:
                labels = {"hate": 0, "harassment": 0, "sexual": 0}
                verdict = "not_abusive"
            elif abusive >= maj:
                verdict = "abusive"
                ident = any(votes(f) >= maj for f in CA_IDENTITY)
                sexh = votes("sex_harassment") >= maj
                at_person = votes("t_ind") + votes("t_sys") >= maj
                labels = {"hate": 1 if ident else 0,
                          "harassment": 1 if (sexh or at_person) else 0,
                          "sexual": 1 if sexh else 0}
                if not ident and not sexh and not at_person:
                    labels.pop("harassment")   # abusive, target unclear
            else:
                labels = {}
                verdict = "no_majority"
            sevs = ",".join(sorted(a["sev"][3:] for a in anns))
            types = ",".join(f for f in CA_IDENTITY + ("sex_harassment", "intellectual")
                             if votes(f) >= maj)
            ex = ex_id[:-2] if ex_id.endswith(".0") else ex_id
            out.append(rec(ex, clean(decode_emoji_spans(p, ln, user)), labels, "en", sp,
                           orig="%s;sev=%s;types=%s" % (verdict, sevs, types)))
    return out


EDOS_VEC = {
    "1.1 threats of harm": {"violence": 1},
    "1.2 incitement and encouragement of harm": {"violence": 1},
    "3.1 casual use of gendered slurs, profanities, and insults": {"profanity": 1},
}


def load_edos(d):
    p = os.path.join(d, "edos_labelled_aggregated.csv")
    rows = []
    for ln, row in read_csv(p, ncols=6):
        rid, text, sexist, cat, vec, sp = row
        need(p, ln, sexist, {"sexist", "not sexist"}, "label_sexist")
        need(p, ln, sp, {"train", "dev", "test"}, "split")
        if sexist == "sexist":
            if vec == "none":
                fail(p, ln, "sexist row without label_vector")
            # Every sexist post was assigned one vector; a post outside the
            # two threat/incitement vectors was judged not to be a threat, so
            # violence is a real negative there (without it EDOS would only
            # ever teach "sexist style = violence").
            labels = {"hate": 1, "violence": 0}
            labels.update(EDOS_VEC.get(vec, {}))
            orig = vec
        else:
            labels = {}       # not sexist says nothing about other hate/violence
            orig = "not sexist"
        rows.append((("test", "dev", "train").index(sp), ln,
                     rec(rid, clean(text), labels, "en", sp, orig=orig)))
    rows.sort(key=lambda t: (t[0], t[1]))
    return [r for _, _, r in rows]


def load_formspring(d):
    p = os.path.join(d, "formspring_data.csv")
    out = []
    for ln, row in read_csv(p, delimiter="\t", ncols=14):
        post = row[1]
        yes = sum(1 for k in (5, 8, 11) if row[k].strip().lower() == "yes")
        no = sum(1 for k in (5, 8, 11) if row[k].strip().lower() == "no")
        for k in (5, 8, 11):
            need(p, ln, row[k].strip().lower(), {"yes", "no", ""}, "ansN")
        if yes >= 2:
            labels = {"harassment": 1}
        elif yes == 0 and no >= 2:
            labels = {"harassment": 0}
        else:
            labels = {}
        text = re.sub(r"<br\s*/?>", "\n", post, flags=re.I)
        text = clean(html.unescape(text))
        out.append(rec(ln, text, labels, "en", orig="yes=%d;no=%d" % (yes, no)))
    return out


CSSRS_ITEM = re.compile(r"""\s*('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*(?:,|\])""", re.S)


def load_cssrs(d):
    p = os.path.join(d, "500_Reddit_users_posts_labels.csv")
    out = []
    for ln, row in read_csv(p, ncols=3):
        user, posts, lab = row
        need(p, ln, lab, {"Supportive", "Indicator", "Ideation", "Behavior",
                          "Attempt"}, "Label")
        truncated = False
        try:
            lst = ast.literal_eval(posts)
        except (ValueError, SyntaxError) as e:
            # 28 upstream cells are cut at 32,759 characters (a spreadsheet
            # cell limit), leaving an unterminated list: keep the complete
            # posts and drop the cut one.
            if not (posts.startswith("[") and len(posts) >= 32000):
                fail(p, ln, "Post is not a Python list literal: %s" % e)
            lst, truncated = [], True
            for m in CSSRS_ITEM.finditer(posts, 1):
                try:
                    lst.append(ast.literal_eval(m.group(1)))
                except (ValueError, SyntaxError):
                    break
        if not isinstance(lst, list):
            fail(p, ln, "Post is not a list")
        text = clean("\n\n".join(clean(str(x)) for x in lst))
        if lab == "Supportive":
            labels = {"self_harm": 0}
        elif lab == "Indicator":
            labels = {}
        else:
            labels = {"self_harm": 1}
        out.append(rec(user, text, labels, "en",
                       orig=lab + (";truncated" if truncated else "")))
    return out


def load_twitter_suicidal(d):
    p = os.path.join(d, "twitter-suicidal_data.csv")
    out = []
    for ln, row in read_csv(p, ncols=2):
        need(p, ln, row[1], {"0", "1"}, "intention")
        out.append(rec(ln, clean(row[0]), {"self_harm": int(row[1])}, "en",
                       orig="intention=" + row[1]))
    return out


def load_youtube(d):
    out = []
    for f in sorted(os.listdir(d)):
        if not f.endswith(".csv"):
            continue
        p = os.path.join(d, f)
        vid = f[:-4]
        for ln, row in read_csv(p, ncols=5):
            need(p, ln, row[4], {"0", "1"}, "CLASS")
            # AUTHOR (personal data) is not carried over.
            text = re.sub(r"<br\s*/?>", "\n", row[3], flags=re.I)
            text = re.sub(r"</?(a|b|i|span)\b[^>]*>", "", text, flags=re.I)
            out.append(rec("%s:%s" % (vid, row[0]), clean(html.unescape(text)),
                           {"spam": int(row[4])}, "en", orig="CLASS=" + row[4]))
    return out


def load_sms(d):
    p = os.path.join(d, "SMSSpamCollection")
    out = []
    for ln, l in enumerate(read_lines(p), 1):
        if "\t" not in l:
            fail(p, ln, "no tab separator")
        lab, text = l.split("\t", 1)
        need(p, ln, lab, {"ham", "spam"}, "label")
        out.append(rec(ln, clean(text), {"spam": 1 if lab == "spam" else 0},
                       "en", orig=lab))
    return out


JANITR_SPAM = {"scam", "phishing", "malware", "fake_support", "recovery_scam",
               "job_scam", "romance_scam", "impersonation", "account_compromise",
               "spam", "reply_spam", "dm_spam", "promo", "affiliate", "lead_gen",
               "engagement_bait", "follow_train", "giveaway", "bot"}
# labels that neither imply spam nor clearly rule it out -> spam unknown
JANITR_UNSURE = {"ai_generated", "ai_generated_reply", "ai_slop", "content_farm",
                 "copypasta", "platform_manipulation", "astroturf", "stolen_content",
                 "clickbait"}


def load_janitr(d):
    p = os.path.join(d, "sample.jsonl")
    out = []
    for ln, l in enumerate(read_lines(p), 1):
        if not l.strip():
            continue
        try:
            o = json.loads(l)
        except ValueError as e:
            fail(p, ln, "invalid JSON: %s" % e)
        if not isinstance(o, dict) or "text" not in o or "labels" not in o or "id" not in o:
            fail(p, ln, "record lacks id/text/labels")
        if str(o.get("source_id", "")).startswith("x_mock_"):
            continue     # placeholder rows, not verifiable real posts
        labs = set(o["labels"])
        if labs & JANITR_SPAM:
            labels = {"spam": 1}
        elif labs & JANITR_UNSURE:
            labels = {}
        else:
            labels = {"spam": 0}
        # Positive-only: upstream applies these safety labels when seen, but
        # does not systematically annotate their absence.
        if "topic_adult_services" in labs or "adult_nudity" in labs:
            labels["sexual"] = 1
        if "profanity" in labs:
            labels["profanity"] = 1
        lang = "und" if "topic_language_other" in labs else "en"
        out.append(rec(o["id"], clean(o["text"]), labels, lang,
                       orig=",".join(sorted(labs))))
    return out


def load_germeval2018(d):
    out = []
    for fname, sp in (("germeval2018.test.txt", "test"),
                      ("germeval2018.training.txt", None)):
        p = os.path.join(d, fname)
        for ln, l in enumerate(read_lines(p), 1):
            parts = l.split("\t")
            if len(parts) != 3:
                fail(p, ln, "expected 3 tab-separated columns, got %d" % len(parts))
            text, coarse, fine = parts
            need(p, ln, coarse, {"OFFENSE", "OTHER"}, "coarse label")
            need(p, ln, fine, {"ABUSE", "INSULT", "PROFANITY", "OTHER"}, "fine label")
            if (coarse == "OTHER") != (fine == "OTHER"):
                fail(p, ln, "coarse/fine labels disagree")
            labels = {
                "OTHER": {"hate": 0, "harassment": 0, "profanity": 0},
                "PROFANITY": {"hate": 0, "harassment": 0, "profanity": 1},
                "INSULT": {"hate": 0, "harassment": 1},
                "ABUSE": {"hate": 1},
            }[fine]
            text = clean(text.replace("|LBR|", "\n"))
            out.append(rec("%s:%d" % ("test" if sp else "train", ln), text,
                           dict(labels), "de", sp, orig=fine))
    return out


def load_germeval2021(d):
    out = []
    for fname, sp in (("GermEval21_TestData.csv", "test"),
                      ("GermEval21_TrainData.csv", None)):
        p = os.path.join(d, fname)
        for ln, row in read_csv(p, ncols=5):
            cid, text, tox = row[0], row[1], row[2]
            need(p, ln, tox, {"0", "1"}, "Sub1_Toxic")
            labels = ({} if tox == "1" else
                      {"hate": 0, "harassment": 0, "violence": 0, "profanity": 0})
            out.append(rec("%s:%s" % ("test" if sp else "train", cid), clean(text),
                           labels, "de", sp, orig="toxic=" + tox))
    return out


def load_germeval2026(d):
    p = os.path.join(d, "vio_train_26.csv")
    out = []
    pos = {"call2violence", "call2Violence", "support", "glorification",
           "prospensity", "propensity", "other"}
    for ln, row in read_csv(p, delimiter=";", ncols=3):
        vid, text, lab = row
        need(p, ln, lab, pos | {"nothing"}, "vio")
        out.append(rec(vid, clean(text), {"violence": 0 if lab == "nothing" else 1},
                       "de", orig=lab))
    return out


def _votes(path, ln, v):
    try:
        x = float(v)
    except ValueError:
        fail(path, ln, "vote count is not a number: %r" % v)
    if x not in (0.0, 1.0, 2.0, 3.0):
        fail(path, ln, "vote count not in 0..3: %r" % v)
    return int(x)


def _vote_label(n):
    return 1 if n >= 2 else (0 if n == 0 else None)


def load_told_br(d):
    p = os.path.join(d, "ToLD-BR.csv")
    out = []
    for ln, row in read_csv(p, ncols=7):
        text = row[0]
        homo, obsc, ins, rac, miso, xeno = (_votes(p, ln, v) for v in row[1:])
        labels = {}
        hate_votes = (homo, rac, miso, xeno)
        if any(v >= 2 for v in hate_votes):
            labels["hate"] = 1
        elif all(v == 0 for v in hate_votes):
            labels["hate"] = 0
        h = _vote_label(ins)
        if h is not None:
            labels["harassment"] = h
        pr = _vote_label(obsc)
        if pr is not None:
            labels["profanity"] = pr
        out.append(rec(ln, clean(text), labels, "pt",
                       orig="homo=%d,obsc=%d,ins=%d,rac=%d,miso=%d,xeno=%d"
                       % (homo, obsc, ins, rac, miso, xeno)))
    return out


def load_offcombr(d):
    p = os.path.join(d, "OffComBR2.arff")
    out = []
    in_data = False
    for ln, l in enumerate(read_lines(p), 1):
        s = l.strip()
        if not s or s.startswith("%"):
            continue
        if s.lower() == "@data":
            in_data = True
            continue
        if not in_data:
            continue
        m = re.match(r"^(yes|no),'(.*)'$", s, re.S)
        if not m:
            fail(p, ln, "cannot parse ARFF data row")
        lab, text = m.group(1), m.group(2).replace("\\'", "'")
        labels = {} if lab == "yes" else {"hate": 0, "harassment": 0, "profanity": 0}
        out.append(rec(ln, clean(text), labels, "pt", orig="offensive=" + lab))
    return out


def load_korean(d):
    out = []
    for fname, sp in (("dev.tsv", "dev"), ("train.tsv", None)):
        p = os.path.join(d, fname)
        for ln, row in read_csv(p, delimiter="\t", ncols=4, quoting=csv.QUOTE_NONE):
            text, _g, bias, hate = row
            need(p, ln, bias, {"gender", "others", "none"}, "bias")
            need(p, ln, hate, {"hate", "offensive", "none"}, "hate")
            labels = {}
            if hate == "none":
                labels = {"hate": 0, "harassment": 0}
            elif bias == "gender":          # aggressive + gender/sexuality bias
                labels = {"hate": 1}
            elif bias == "none":
                labels = {"hate": 0}
                if hate == "hate":          # strong insult, no group bias
                    labels["harassment"] = 1
            # bias=others (race ... politics, appearance, occupation): unknown
            out.append(rec("%s:%d" % (fname[:-4], ln), clean(text), labels, "ko",
                           sp, orig="%s/%s" % (hate, bias)))
    return out


MLMA_TAGS = {"abusive", "hateful", "offensive", "disrespectful", "fearful", "normal"}


def load_mlma(d):
    out = []
    for lang in ("ar", "en", "fr"):
        p = os.path.join(d, "%s_dataset.csv" % lang)
        for ln, row in read_csv(p, ncols=7):
            hit, tweet, sent = row[0], row[1], row[2]
            tags = set(sent.split("_"))
            for t in tags:
                need(p, ln, t, MLMA_TAGS, "sentiment tag")
            if tags == {"normal"}:
                labels = {"hate": 0, "harassment": 0, "profanity": 0}
            elif "normal" in tags:
                labels = {}                    # annotators split
            else:
                labels = {"hate": 1 if "hateful" in tags else 0}
            out.append(rec("%s:%s" % (lang, hit), clean(tweet), labels, lang,
                           orig=sent))
    return out


def load_trac1(d):
    out = []
    for lang, code in (("en", "en"), ("hi", "hi-Latn")):
        for part, sp in (("dev", "dev"), ("train", None)):
            p = os.path.join(d, "agr_%s_%s.csv" % (lang, part))
            for ln, row in read_csv(p, header=False, ncols=3):
                tid, text, lab = row
                need(p, ln, lab, {"OAG", "CAG", "NAG"}, "label")
                labels = ({"hate": 0, "harassment": 0, "violence": 0}
                          if lab == "NAG" else {})
                out.append(rec("%s:%s" % (lang, tid), clean(text), labels, code,
                               sp, orig=lab))
    return out


def load_poleval(d):
    out = []
    for part, sp in (("test", "test"), ("training", None)):
        tp = os.path.join(d, "%s_set_clean_only_text.txt" % part)
        ip = os.path.join(d, "%s_set_clean_only_ids.txt" % part)
        gp = os.path.join(d, "task2_%s_set_clean_only_tags.txt" % part)
        texts, ids, tags = read_lines(tp), read_lines(ip), read_lines(gp)
        if not (len(texts) == len(ids) == len(tags)):
            fail(tp, None, "line counts differ: text %d, ids %d, tags %d"
                 % (len(texts), len(ids), len(tags)))
        for i, (t, tid, g) in enumerate(zip(texts, ids, tags), 1):
            g = g.strip()
            need(gp, i, g, {"0", "1", "2"}, "task-2 tag")
            labels = ({"hate": 0, "harassment": 0} if g == "0"
                      else {"harassment": 1})
            # tweet ids are not unique upstream (a few tweets appear twice),
            # so the stable id is <file>:<line>.
            out.append(rec("%s:%d" % (part, i), clean(t), labels,
                           "pl", sp, orig={"0": "none", "1": "cyberbullying",
                                           "2": "hate"}[g]))
    return out


# --------------------------------------------------------------------------
# data set registry

# (source, folder, loader, licence, shipped, note)
DATASETS = [
    ("davidson", "davidson-hate-offensive", load_davidson, "MIT", True),
    ("stormfront", "stormfront-hate-speech", load_stormfront, "CC BY-SA 3.0 ES", True),
    ("toxigen-demos", "toxigen-demonstrations", load_toxigen, "MIT", True),
    ("convabuse", "convabuse", load_convabuse, "CC BY 4.0", True),
    ("edos", "edos-sexism", load_edos, "CC0 1.0", True),
    ("sms-spam", "sms-spam-collection", load_sms, "SMS Spam Collection free-use terms", True),
    ("janitr", "janitr-crypto-scam-x", load_janitr, "MIT", True),
    ("germeval2018", "germeval2018", load_germeval2018, "CC BY 4.0", True),
    ("told-br", "told-br", load_told_br, "CC BY-SA 4.0", True),
    ("korean-hate", "korean-hate-speech", load_korean, "CC BY-SA 4.0", True),
    ("mlma", "mlma-hate-speech", load_mlma, "MIT", True),
    ("trac1", "trac1-aggression-hi-en", load_trac1, "Apache-2.0", True),
    ("poleval2019", "poleval2019-cyberbullying-pl", load_poleval, "BSD-3-Clause", True),
    # eval / research only
    ("olid", "olid-offenseval2019", load_olid, "none stated", False),
    ("abuseval", "abuseval", None, "CC BY-NC-SA 4.0", False),
    ("ethos", "ethos", load_ethos, "GPL-3.0", False),
    ("germeval2026-vio", "germeval2026-violence-extremism-de", load_germeval2026, "GPL-3.0", False),
    ("formspring", "formspring-cyberbullying", load_formspring, "none stated", False),
    ("twitter-suicidal", "twitter-suicidal-intention", load_twitter_suicidal, "none stated", False),
    ("reddit-cssrs", "reddit-cssrs-suicide", load_cssrs, "CC BY (unverified; sensitive, do not republish)", False),
    ("youtube-spam", "youtube-spam-collection", load_youtube, "none in repo (UCI: CC BY 4.0, unverified)", False),
    ("germeval2021", "germeval2021-toxic", load_germeval2021, "none stated", False),
    ("offcombr", "offcombr", load_offcombr, "none stated", False),
]


# --------------------------------------------------------------------------
# dedup, splits, output


def sha1(s):
    return hashlib.sha1(s.encode("utf-8")).hexdigest()


def dedup_key(text):
    """Exact duplicate after Unicode NFC, case fold and whitespace collapse."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def stratum_key(r):
    return json.dumps(r["labels"], sort_keys=True) + "|" + r["extra"].get("class3", "")


def assign_splits(source, recs):
    """Give every record a split.  Records with an official split keep it; the
    rest are stratified by label combination: within each stratum, sort by
    sha1(source:id) and deal positions 0..9 -> 8 train, 1 dev, 1 test (only
    into splits the data set has no official rows for; then train/dev 8:1 or
    train/test 8:1)."""
    have = {r["split"] for r in recs if r["split"]}
    missing = [s for s in SPLITS if s not in have]
    if "train" not in missing and any(r["split"] is None for r in recs):
        missing = ["train"] + missing
    if missing == ["train"]:
        pattern = ["train"] * 10
    elif missing == ["train", "dev"]:
        pattern = ["train"] * 8 + ["dev"]
    elif missing == ["train", "test"]:
        pattern = ["train"] * 8 + ["test"]
    else:
        pattern = ["train"] * 8 + ["dev", "test"]
    strata = {}
    if source == "seed":
        # Seed examples are variants of hand-written templates (id
        # "<group>-<template>-<variant>"): all variants of one template go to
        # the same split, or test would contain near-copies of training rows.
        groups = {}
        for r in recs:
            if r["split"] is None:
                groups.setdefault(r["sid"].rsplit("-", 1)[0], []).append(r)
        for g in groups.values():
            strata.setdefault(stratum_key(g[0]), []).append(g)
        for key in sorted(strata):
            gs = sorted(strata[key], key=lambda g: sha1(source + ":" + g[0]["sid"].rsplit("-", 1)[0]))
            for i, g in enumerate(gs):
                for r in g:
                    r["split"] = pattern[i % len(pattern)]
        return recs
    for r in recs:
        if r["split"] is None:
            strata.setdefault(stratum_key(r), []).append(r)
    for key in sorted(strata):
        rows = sorted(strata[key], key=lambda r: sha1(source + ":" + r["sid"]))
        for i, r in enumerate(rows):
            r["split"] = pattern[i % len(pattern)]
    return recs


def finalize(source, raw, stats):
    seen_text, seen_id, out = {}, {}, []
    dropped_empty = dropped_dup = conflicts = 0
    for r in raw:
        if not r["text"]:
            dropped_empty += 1
            continue
        k = dedup_key(r["text"])
        if r["sid"] in seen_id:
            if seen_id[r["sid"]] != k:
                raise DataError("%s: upstream id %r used for two different texts"
                                % (source, r["sid"]))
        else:
            seen_id[r["sid"]] = k
        if k in seen_text:
            dropped_dup += 1
            if seen_text[k]["labels"] != r["labels"]:
                conflicts += 1
            continue
        seen_text[k] = r
        out.append(r)
    assign_splits(source, out)
    stats[source] = {"read": len(raw), "empty": dropped_empty,
                     "duplicates": dropped_dup, "label_conflicts": conflicts}
    return out


def to_json(source, r, with_orig=True):
    o = {"id": "%s:%s" % (source, r["sid"]), "text": r["text"],
         "labels": {k: r["labels"][k] for k in TAXONOMY if k in r["labels"]},
         "lang": r["lang"], "source": source, "split": r["split"]}
    for k in sorted(r["extra"]):
        if k == "orig" and not with_orig:
            continue
        o[k] = r["extra"][k]
    return json.dumps(o, ensure_ascii=False, separators=(",", ":"))


# Size cap for data/ (the committed copy): keep this fraction of the rows
# whose known labels are all 0, chosen by sha1(source:id), independent of split.
# Positives are never capped.  The full sets are in <eval-out>/shipped-full/.
CAPS = {"trac1": 0.3, "told-br": 0.5, "poleval2019": 0.5, "stormfront": 0.5,
        "mlma": 0.5}


def keep_shipped(source, r):
    if not r["labels"]:
        return False          # nothing known: useless for training, saves space
    if source in CAPS and not any(r["labels"].values()):
        h = int(sha1("cap:%s:%s" % (source, r["sid"]))[:8], 16) / float(1 << 32)
        return h < CAPS[source]
    return True


def write_lines(path, lines):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for l in lines:
            f.write(l + "\n")
    os.replace(tmp, path)


def validate(lines, where):
    ids = set()
    for i, l in enumerate(lines, 1):
        try:
            o = json.loads(l)
        except ValueError as e:
            raise DataError("%s:%d: invalid JSON: %s" % (where, i, e))
        t = o.get("text")
        if not isinstance(t, str) or not t.strip():
            raise DataError("%s:%d: empty text" % (where, i))
        try:
            t.encode("utf-8")
        except UnicodeEncodeError:
            raise DataError("%s:%d: text is not valid UTF-8 (lone surrogate)" % (where, i))
        labs = o.get("labels")
        if not isinstance(labs, dict):
            raise DataError("%s:%d: labels is not an object" % (where, i))
        for k, v in labs.items():
            if k not in TAXONOMY or v not in (0, 1) or isinstance(v, bool):
                raise DataError("%s:%d: bad label %r=%r" % (where, i, k, v))
        if o.get("split") not in SPLITS:
            raise DataError("%s:%d: bad split %r" % (where, i, o.get("split")))
        if list(o)[:6] != ["id", "text", "labels", "lang", "source", "split"]:
            raise DataError("%s:%d: key order" % (where, i))
        if o["id"] in ids:
            raise DataError("%s:%d: duplicate id %s" % (where, i, o["id"]))
        ids.add(o["id"])


def load_seed(path):
    if not os.path.exists(path):
        log("note: no seed file at %s (run scripts/gen_seed.py)" % path)
        return []
    out = []
    for ln, l in enumerate(read_lines(path), 1):
        if not l.strip():
            continue
        try:
            o = json.loads(l)
        except ValueError as e:
            fail(path, ln, "invalid JSON: %s" % e)
        if o.get("source") != "seed" or not str(o.get("id", "")).startswith("seed:"):
            fail(path, ln, "seed records need source \"seed\" and id \"seed:...\"")
        r = rec(o["id"][5:], clean(o.get("text", "")), dict(o.get("labels", {})),
                o.get("lang", "en"))
        r["file_split"] = o.get("split")
        r["file_line"] = ln
        out.append(r)
    return out


def summary_table(by_source):
    hdr = ["source", "licence", "where", "train", "dev", "test", "total"] + list(TAXONOMY)
    rows = []
    tot = {}
    for src, (recs, lic, shipped) in by_source.items():
        c = {s: 0 for s in SPLITS}
        pos = {k: [0, 0] for k in TAXONOMY}
        for r in recs:
            c[r["split"]] += 1
            for k, v in r["labels"].items():
                pos[k][0 if v == 1 else 1] += 1
        row = [src, lic, "data" if shipped else "eval", c["train"], c["dev"],
               c["test"], len(recs)] + [
            ("%d/%d" % (pos[k][0], pos[k][0] + pos[k][1])) if pos[k][0] + pos[k][1] else "-"
            for k in TAXONOMY]
        rows.append(row)
        grp = "TOTAL shipped (data/)" if shipped else "TOTAL eval-only"
        t = tot.setdefault(grp, {"c": {s: 0 for s in SPLITS}, "p": {k: [0, 0] for k in TAXONOMY}})
        for s in SPLITS:
            t["c"][s] += c[s]
        for k in TAXONOMY:
            t["p"][k][0] += pos[k][0]
            t["p"][k][1] += pos[k][1]
    for grp in sorted(tot):
        t = tot[grp]
        rows.append([grp, "", "", t["c"]["train"], t["c"]["dev"], t["c"]["test"],
                     sum(t["c"].values())] + [
            ("%d/%d" % (t["p"][k][0], t["p"][k][0] + t["p"][k][1])) if t["p"][k][1] + t["p"][k][0] else "-"
            for k in TAXONOMY])
    lines = ["| " + " | ".join(hdr) + " |", "|" + "---|" * len(hdr)]
    for r in rows:
        lines.append("| " + " | ".join(str(x) for x in r) + " |")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Import moderato's labeled data sets into one JSONL format "
                    "(see docs/DATA.md).")
    ap.add_argument("--shared", required=True,
                    help="folder with the upstream data sets (e.g. ../shared/data)")
    ap.add_argument("--out", required=True,
                    help="output folder for licence-clear data (e.g. data/)")
    ap.add_argument("--eval-out", default="build/eval-data",
                    help="output folder for eval/research-only sets "
                         "(default: build/eval-data; not committed)")
    ap.add_argument("--seed", default=None,
                    help="seed examples JSONL (default: <out>/seed/seed.jsonl)")
    ap.add_argument("--only", default=None,
                    help="comma-separated sources to import (debugging); "
                         "skips writing the combined split files")
    ap.add_argument("--summary-md", default=None,
                    help="also write the summary table (Markdown) to this file")
    a = ap.parse_args(argv)

    try:
        by_source = {}
        stats = {}
        only = set(a.only.split(",")) if a.only else None
        for src, folder, loader, lic, shipped in DATASETS:
            if only and src not in only:
                continue
            d = os.path.join(a.shared, folder)
            if not os.path.isdir(d):
                raise DataError("%s: data set folder missing" % d)
            log("importing %-18s from %s" % (src, d))
            if src == "abuseval":
                raw = load_abuseval(d, os.path.join(a.shared, "olid-offenseval2019"))
            else:
                raw = loader(d)
            recs = finalize(src, raw, stats)
            s = stats[src]
            log("  read %d, kept %d (dropped %d empty, %d duplicate texts, "
                "%d of them with conflicting labels)"
                % (s["read"], len(recs), s["empty"], s["duplicates"],
                   s["label_conflicts"]))
            by_source[src] = (recs, lic, shipped)

        if not only or "seed" in only:
            seed_path = a.seed or os.path.join(a.out, "seed", "seed.jsonl")
            seeds = load_seed(seed_path)
            if seeds:
                log("importing %-18s from %s" % ("seed", seed_path))
                sfile = {r["sid"]: (r["file_split"], r["file_line"]) for r in seeds}
                recs = finalize("seed", seeds, stats)
                for r in recs:
                    fs, ln = sfile[r["sid"]]
                    if fs != r["split"]:
                        fail(seed_path, ln, "split %r differs from the computed split %r "
                             "(regenerate with scripts/gen_seed.py)" % (fs, r["split"]))
                by_source["seed"] = (recs, "project's own (same as repository)", True)
                s = stats["seed"]
                log("  read %d, kept %d (dropped %d duplicate texts)"
                    % (s["read"], len(recs), s["duplicates"]))

        outputs = {}
        shipped_view = {}
        for src, (recs, lic, shipped) in by_source.items():
            recs = sorted(recs, key=lambda r: "%s:%s" % (src, r["sid"]))
            if shipped:
                # full, uncapped copy with "orig" for research runs
                if src != "seed":
                    outputs[os.path.join(a.eval_out, "shipped-full", src + ".jsonl")] = \
                        [to_json(src, r, True) for r in recs]
                kept = [r for r in recs if keep_shipped(src, r)]
                stats[src]["shipped"] = len(kept)
                shipped_view[src] = (kept, lic, True)
                base, recs, with_orig = a.out, kept, False
            else:
                shipped_view[src] = (recs, lic, False)
                base, with_orig = a.eval_out, True
            lines = [to_json(src, r, with_orig) for r in recs]
            if src != "seed":
                outputs[os.path.join(base, "corpus", src + ".jsonl")] = lines
            if not only:
                for r, l in zip(recs, lines):
                    outputs.setdefault(os.path.join(base, r["split"] + ".jsonl"), []).append(
                        ("%s:%s" % (src, r["sid"]), l))
        final = {}
        for path, lines in outputs.items():
            if lines and isinstance(lines[0], tuple):
                lines = [l for _, l in sorted(lines)]
            validate(lines, path)
            final[path] = lines
        for path in sorted(final):
            write_lines(path, final[path])
            log("wrote %-45s %7d records" % (path, len(final[path])))
        for src in shipped_view:
            st = stats.get(src, {})
            if "shipped" in st and st["shipped"] != len(by_source[src][0]):
                log("note: %s: %d of %d records shipped (label-less rows dropped%s)"
                    % (src, st["shipped"], len(by_source[src][0]),
                       ", all-negative rows capped to %d%%" % (CAPS[src] * 100)
                       if src in CAPS else ""))
        by_source = shipped_view
        table = summary_table(by_source)
        log("\nrows per source and split; positives/known per label:\n" + table)
        if a.summary_md:
            write_lines(a.summary_md, [table])
    except DataError as e:
        log("error: %s" % e)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
