#!/bin/sh
# End-to-end test of `moderato eval --html`: the shipped model's report on the
# test data per source is one self-contained page (no script, no external
# resource, no "nan"/"inf", balanced SVG), and a headless Chromium renders it
# to a non-blank screenshot. Without /usr/bin/chromium the browser part is
# skipped, except under CI=true (scripts/install-deps.sh installs it); under
# an ASan build directory it is always skipped.
. tests/e2e/lib/common.sh

"$M" eval --model models/default.momd --data data/test.jsonl --by source --slice lang \
    --bootstrap 200 --html "$T/r.html" > "$T/out.txt" || fail "eval --html exited $?"
[ -s "$T/r.html" ] || fail "no report written"
python3 - "$T/r.html" <<'PY' || fail "report is not a well-formed self-contained page"
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
assert h.startswith("<!DOCTYPE html>"), "doctype"
assert "<script" not in h.lower(), "script element"
assert not re.search(r'(src|href)\s*=', h), "external reference"
assert not re.search(r'@import|url\(', h), "css import"
assert set(re.findall(r'https?://[^"\s]*', h)) <= {"http://www.w3.org/2000/svg"}, "foreign url"
assert not re.search(r'(?<![a-z])(nan|inf)(?![a-z])', h, re.I), "nan/inf in output"
for tag in ("html", "body", "svg", "table", "div", "h2", "text"):
    o = len(re.findall(r'<%s[\s>]' % tag, h)); c = h.count("</%s>" % tag)
    assert o == c and o > 0, f"<{tag}>: {o} opened, {c} closed"
n_svg = h.count("<svg")
assert n_svg >= 7 * 5, f"only {n_svg} plots"
for label in ("hate", "profanity", "spam"):
    assert f"<h2>{label}</h2>" in h, label
assert "PR-AUC per group (95% CI)" in h and "--slice lang" in h
for pts in re.findall(r'points="([^"]*)"', h):
    assert len(pts.split()) <= 201, "curve not downsampled"
PY

# Same report bytes on a second run (deterministic bootstrap, atomic write).
"$M" eval --model models/default.momd --data data/test.jsonl --by source --slice lang \
    --bootstrap 200 --html "$T/r2.html" > /dev/null
cmp -s "$T/r.html" "$T/r2.html" || fail "report differs between two runs"

# A write into a missing directory fails cleanly with exit 1.
if "$M" eval --model models/default.momd --data data/test.jsonl --bootstrap 0 \
    --html "$T/missing/r.html" > /dev/null 2> "$T/err.txt"; then
    fail "writing into a missing directory succeeded"
fi

case "$BUILD" in
*asan*) echo "browser part skipped: ASan build"; exit 0 ;;
esac
if [ ! -x /usr/bin/chromium ]; then
    [ "${CI:-}" = true ] && fail "chromium missing under CI (scripts/install-deps.sh installs it)"
    echo "skipped: chromium not installed"
    exit 0
fi
timeout 120 /usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$T/prof" --screenshot="$T/shot.png" --window-size=1200,2000 \
    "file://$T/r.html" > "$T/chromium.log" 2>&1 || { cat "$T/chromium.log"; fail "chromium failed"; }
python3 - "$T/shot.png" <<'PY' || fail "screenshot missing or blank"
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
assert len(d) > 20000, f"PNG only {len(d)} bytes: blank page?"
w, h = struct.unpack(">II", d[16:24])
assert (w, h) == (1200, 2000), (w, h)
# Decode (8-bit RGB/RGBA, non-interlaced) and count non-white pixels.
depth, ctype = d[24], d[25]
assert depth == 8 and ctype in (2, 6), (depth, ctype)
idat, p = b"", 8
while p < len(d):
    n, t = struct.unpack(">I4s", d[p:p + 8])
    if t == b"IDAT":
        idat += d[p + 8:p + 8 + n]
    p += 12 + n
raw = zlib.decompress(idat)
bpp = 3 if ctype == 2 else 4
stride = w * bpp
prev = bytearray(stride)
ink = 0
for y in range(h):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 4 == 0:
        for x in range(0, w, 4):
            px = line[x * bpp:x * bpp + 3]
            ink += min(px) < 200
    prev = line
share = ink / ((h // 4) * (w // 4))
assert share > 0.02, f"only {share:.1%} of the page is drawn"
print(f"screenshot ok: {len(d)} bytes, {share:.1%} drawn")
PY
echo "report ok"
