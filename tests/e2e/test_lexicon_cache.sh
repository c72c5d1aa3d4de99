#!/bin/sh
# End-to-end tests of the lexicon database cache (docs/DETECTORS.md): the
# first `moderate` writes one lexicon-<key>.hsdb, later runs read it without
# rewriting it, a truncated or corrupted file is ignored and rewritten, and
# decisions never depend on whether the cache was used. Also: caching off
# (MODERATO_CACHE_DIR="") and an unusable cache folder.
. tests/e2e/lib/common.sh

cat > "$T/in.jsonl" <<'J'
{"id":"c1","text":"Loved this episode, the interview was great"}
{"id":"c2","type":"username","text":"ｆｕｃｋ_the_police"}
{"id":"c3","text":"you are a f*cking idiot, fuuuuck off, sh1t"}
{"id":"c4","text":"dm me for free crypto, link in bio 0x52908400098527886E0F7030069857D2E4169EE7"}
{"id":"c5","text":"graduated cum laude from Scunthorpe"}
J
strip() { sed 's/"latency_us":[0-9]*//' "$1"; }
run() { # run <cache dir> <output>
    MODERATO_CACHE_DIR="$1" "$M" moderate --config config/default.json < "$T/in.jsonl" > "$2"
}
ident() { stat -c '%i %Y %s' "$1"; }

# Reference: no cache at all.
MODERATO_CACHE_DIR="" "$M" moderate --config config/default.json < "$T/in.jsonl" > "$T/ref.jsonl"
strip "$T/ref.jsonl" > "$T/ref.s"
grep -q '"lex.profanity"' "$T/ref.jsonl" || fail "the input should match the lexicon"

# First run: creates the folder and exactly one cache file.
C="$T/cache/sub"
run "$C" "$T/1.jsonl"
set -- "$C"/lexicon-*.hsdb
[ $# = 1 ] && [ -f "$1" ] || fail "want one cache file, got: $(ls -A "$C" 2>&1)"
F=$1
echo "$F" | grep -Eq '/lexicon-[0-9a-f]{16}\.hsdb$' || fail "cache file name: $F"
[ "$(ls -A "$C" | wc -l)" = 1 ] || fail "stray files in the cache: $(ls -A "$C")"
[ "$(stat -c %a "$C")" = 700 ] || fail "cache folder mode $(stat -c %a "$C"), want 700"
strip "$T/1.jsonl" | cmp -s - "$T/ref.s" || fail "first (compiling) run changed decisions"

# Second run: reads the cache, does not rewrite it, same decisions (a fresh
# file's mtime is not refreshed either).
before=$(ident "$F")
sleep 1
run "$C" "$T/2.jsonl"
[ "$(ident "$F")" = "$before" ] || fail "a valid cache file was rewritten"
strip "$T/2.jsonl" | cmp -s - "$T/ref.s" || fail "cached run changed decisions"
cp "$F" "$T/good.hsdb"

# Damaged files are ignored (same decisions) and rewritten to a valid one.
damage() { # damage <what> <command...>
    what=$1
    shift
    cp "$T/good.hsdb" "$F"
    "$@"
    dmg=$(ident "$F")
    run "$C" "$T/d.jsonl" || fail "$what: moderate failed"
    strip "$T/d.jsonl" | cmp -s - "$T/ref.s" || fail "$what: decisions changed"
    [ "$(ident "$F")" != "$dmg" ] || fail "$what: cache file not rewritten"
    cmp -s "$F" "$T/good.hsdb" || fail "$what: rewritten cache differs from a fresh one"
    [ "$(ls -A "$C" | wc -l)" = 1 ] || fail "$what: stray files: $(ls -A "$C")"
}
size=$(stat -c %s "$T/good.hsdb")
damage "truncated payload" truncate -s $((size / 2)) "$F"
damage "header only" truncate -s 32 "$F"
damage "empty file" truncate -s 0 "$F"
flip() { printf '\377\377\377\377\377\377\377\377' | dd of="$F" bs=1 seek="$1" conv=notrunc 2>/dev/null; }
damage "flipped payload bytes" flip $((size / 2))
damage "flipped last bytes" flip $((size - 8))
damage "bad magic" flip 0
damage "wrong key" flip 8
damage "appended bytes" sh -c "printf xx >> '$F'"

# Another key's file (another lexicon, platform or Vectorscan version) is
# simply not read: the name carries the key.
mv "$F" "$C/lexicon-0000000000000000.hsdb"
run "$C" "$T/k.jsonl"
strip "$T/k.jsonl" | cmp -s - "$T/ref.s" || fail "decisions changed next to another key's file"
[ -f "$F" ] || fail "cache not recreated"
rm -f "$C/lexicon-0000000000000000.hsdb"

# Pruning: writing a new cache file removes other keys' files unused for 30
# days and interrupted writes' temp files older than a day, nothing else; a
# cache hit refreshes its file's mtime when it is over a day old, so a file
# in use never looks unused.
O="$C/lexicon-00000000000000aa.hsdb"       # another key, unused for 40 days
R="$C/lexicon-00000000000000bb.hsdb"       # another key, used 10 days ago
TMPF="$C/lexicon-00000000000000cc.hsdb.tmp.123.0"  # a killed writer's, 2 days old
TMPN="$C/lexicon-00000000000000dd.hsdb.tmp.124.0"  # a writer's now: may be in progress
X="$C/notes-lexicon.txt"                   # not a cache file, however old
for f in "$O" "$R" "$TMPF" "$TMPN" "$X"; do printf 'x' > "$f"; done
touch -d '40 days ago' "$O" "$X"
touch -d '10 days ago' "$R"
touch -d '2 days ago' "$TMPF"
run "$C" "$T/p1.jsonl"                     # a hit: no pruning yet
[ -f "$O" ] && [ -f "$TMPF" ] || fail "a cache hit pruned files"
touch -d '40 days ago' "$F"
run "$C" "$T/p2.jsonl"
[ "$(stat -c %Y "$F")" -gt "$(date -d '1 day ago' +%s)" ] || fail "a hit did not refresh the mtime"
rm -f "$F"                                 # a miss: compile, write, prune
run "$C" "$T/p3.jsonl"
strip "$T/p3.jsonl" | cmp -s - "$T/ref.s" || fail "pruning run changed decisions"
[ -f "$F" ] || fail "cache not rewritten before pruning"
[ ! -e "$O" ] || fail "a file unused for 40 days was not pruned"
[ ! -e "$TMPF" ] || fail "a 2-day-old temp file was not pruned"
[ -f "$R" ] && [ -f "$TMPN" ] && [ -f "$X" ] || fail "pruned too much: $(ls -A "$C")"
rm -f "$R" "$TMPN" "$X"

# MODERATO_CACHE_DIR="" turns caching off: nothing is written anywhere.
mkdir "$T/home"
HOME="$T/home" XDG_CACHE_HOME="$T/xdg" MODERATO_CACHE_DIR="" \
    "$M" moderate --config config/default.json < "$T/in.jsonl" > "$T/off.jsonl"
strip "$T/off.jsonl" | cmp -s - "$T/ref.s" || fail "caching off changed decisions"
[ -z "$(ls -A "$T/home")" ] && [ ! -e "$T/xdg" ] || fail "MODERATO_CACHE_DIR= wrote files"

# Without MODERATO_CACHE_DIR: $XDG_CACHE_HOME/moderato, else $HOME/.cache/moderato.
(unset MODERATO_CACHE_DIR; HOME="$T/home" XDG_CACHE_HOME="$T/xdg" \
    "$M" moderate --config config/default.json < "$T/in.jsonl" > /dev/null)
ls "$T/xdg/moderato"/lexicon-*.hsdb > /dev/null 2>&1 || fail "XDG_CACHE_HOME not used"
(unset MODERATO_CACHE_DIR XDG_CACHE_HOME; HOME="$T/home" \
    "$M" moderate --config config/default.json < "$T/in.jsonl" > /dev/null)
ls "$T/home/.cache/moderato"/lexicon-*.hsdb > /dev/null 2>&1 || fail "HOME/.cache not used"
(unset MODERATO_CACHE_DIR XDG_CACHE_HOME HOME;
    "$M" moderate --config config/default.json < "$T/in.jsonl" > "$T/nohome.jsonl") ||
    fail "no HOME: moderate failed"
strip "$T/nohome.jsonl" | cmp -s - "$T/ref.s" || fail "no HOME changed decisions"

# A cache folder that cannot be created or written is not an error. (A
# regular file on the path stops even root; a read-only folder only others.)
touch "$T/file"
run "$T/file/cache" "$T/bad.jsonl" || fail "unusable cache folder: moderate failed"
strip "$T/bad.jsonl" | cmp -s - "$T/ref.s" || fail "unusable cache folder changed decisions"
mkdir "$T/ro"
chmod 500 "$T/ro"
run "$T/ro" "$T/ro.jsonl" || fail "read-only cache folder: moderate failed"
strip "$T/ro.jsonl" | cmp -s - "$T/ref.s" || fail "read-only cache folder changed decisions"
chmod 700 "$T/ro"

echo ok
