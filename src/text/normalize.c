/*
 * normalize.c -- turns raw user text into what detectors read (mo_normalize).
 *
 * Three passes over one growable buffer owned by the normalizer, each keeping
 * a source byte range per output byte (docs/NORMALIZATION.md):
 *   1. fold:  decode UTF-8 (invalid bytes -> U+FFFD), drop invisible characters,
 *             NFKC + case fold through utf8proc (ASCII takes a fast path that
 *             never calls utf8proc), strip combining marks on Latin, Greek and
 *             Cyrillic letters, collapse whitespace to single spaces.
 *   2. words: in place, token by token: confusables mapped to ASCII in words
 *             that contain Latin or mix scripts, "f u c k" / "f.u.c.k" joined,
 *             masks ("f#ck") written as '*', letter runs squeezed to two.
 *   3. leet:  the alternative reading: digits and symbols inside words read as
 *             letters, byte for byte, so it shares the primary span arrays.
 * Text layer; uses base and utf8proc. A normalizer is not thread-safe.
 */
#include "text/text_int.h"

#include <string.h>
#include <utf8proc.h>

/* Largest primary text we produce. NFKC can expand (U+FDFA is 18 code points),
 * so this bounds memory for hostile input: 4 x the input limit. */
#define MO_NORM_MAX_OUT ((size_t)4 * MO_TEXT_MAX_BYTES)
/* Bytes one non-ASCII input character may produce: 32 code points of 4 bytes
 * plus a pending space. */
#define MO_NORM_CHAR_OUT 136
#define MO_NORM_DECOMP_MAX 32

struct mo_normalizer {
    char *text;          /* (cap) primary reading, NUL-terminated */
    uint32_t *src_start; /* (cap) first source byte of each text byte */
    uint32_t *src_end;   /* (cap) one past the last source byte */
    size_t cap;          /* entries allocated in text, src_start and src_end */
    char *alt;           /* (alt_cap) leet reading; spans shared with text */
    size_t alt_cap;      /* bytes allocated in alt */
    size_t len;          /* bytes in text */
    size_t n_latin;      /* Latin letters seen by the fold pass */
    size_t n_other;      /* letters of any other script */
    bool has_alt;        /* alt holds a leet reading for this call */
    size_t alt_synced;   /* alt[0, alt_synced) is up to date with text */
    size_t leet_tok_end; /* end of the token pass 3 works on */
    mo_norm_view view;   /* what mo_normalize hands out */
};

static const char *const flag_names[MO_NORM_N_FLAGS] = {
    "invalid_utf8", "invisible",   "compat", "confusable", "diacritic", "leet",
    "spaced",       "punct_split", "masked", "repeat",     "emoji",     "mixed_script",
};

const char *mo_norm_flag_name(uint32_t flag)
{
    for (unsigned i = 0; i < MO_NORM_N_FLAGS; i++)
        if (flag == (1u << i))
            return flag_names[i];
    return NULL;
}

/* ==== Buffers ==== */

/* Grows the primary arrays to hold at least `need` bytes plus a NUL. Keeps the
 * contents. Returns MO_OK, MO_ELIMIT over MO_NORM_MAX_OUT, or MO_ENOMEM (the
 * old arrays stay valid). */
static int reserve(mo_normalizer *n, size_t need)
{
    if (need + 1 <= n->cap)
        return MO_OK;
    if (need > MO_NORM_MAX_OUT)
        return MO_ELIMIT;
    size_t cap = n->cap + n->cap / 2;
    if (cap < need + 1)
        cap = need + 1;
    if (cap < 256)
        cap = 256;
    char *t = mo__realloc(n->text, cap);
    if (!t)
        return MO_ENOMEM;
    n->text = t;
    uint32_t *s = mo__realloc(n->src_start, cap * sizeof *s);
    if (!s)
        return MO_ENOMEM;
    n->src_start = s;
    uint32_t *e = mo__realloc(n->src_end, cap * sizeof *e);
    if (!e)
        return MO_ENOMEM;
    n->src_end = e;
    n->cap = cap;
    return MO_OK;
}

int mo_normalizer_new(mo_normalizer **out)
{
    if (!out)
        return MO_EINVAL;
    *out = NULL;
    mo_normalizer *n = mo__calloc(1, sizeof *n);
    if (!n)
        return MO_ENOMEM;
    if (reserve(n, 255) != MO_OK)
        goto fail;
    *out = n;
    return MO_OK;
fail:
    mo_normalizer_free(n);
    return MO_ENOMEM;
}

void mo_normalizer_free(mo_normalizer *n)
{
    if (!n)
        return;
    mo__free(n->text);
    mo__free(n->src_start);
    mo__free(n->src_end);
    mo__free(n->alt);
    mo__free(n);
}

/* ==== Character classes ==== */

enum { SCRIPT_NONE = 0, SCRIPT_LATIN, SCRIPT_GREEK, SCRIPT_CYRILLIC, SCRIPT_CJK };

/* A coarse script id for a letter: Latin, Greek, Cyrillic, one id for
 * Han/Kana/Hangul (Japanese and Korean mix them within words), and one id per
 * 128-code-point block for everything else, which separates Armenian, Hebrew,
 * Arabic, Devanagari, Cherokee and so on well enough for "does a word mix
 * scripts". utf8proc has no Script property, hence the ranges. */
static unsigned script_of(uint32_t cp)
{
    if (cp < 0x250 || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x250 && cp <= 0x2AF) ||
        (cp >= 0x1D00 && cp <= 0x1DBF) || (cp >= 0x2C60 && cp <= 0x2C7F) ||
        (cp >= 0xA720 && cp <= 0xA7FF) || (cp >= 0xAB30 && cp <= 0xAB6F) ||
        (cp >= 0xFF21 && cp <= 0xFF5A))
        return SCRIPT_LATIN;
    if ((cp >= 0x370 && cp <= 0x3FF) || (cp >= 0x1F00 && cp <= 0x1FFF))
        return SCRIPT_GREEK;
    if ((cp >= 0x400 && cp <= 0x52F) || (cp >= 0x1C80 && cp <= 0x1C8F) ||
        (cp >= 0x2DE0 && cp <= 0x2DFF) || (cp >= 0xA640 && cp <= 0xA69F))
        return SCRIPT_CYRILLIC;
    if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x2E80 && cp <= 0x9FFF) ||
        (cp >= 0xA960 && cp <= 0xA97F) || (cp >= 0xAC00 && cp <= 0xD7FF) ||
        (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF66 && cp <= 0xFFDC) || cp >= 0x20000)
        return SCRIPT_CJK;
    return 0x100 + (cp >> 7);
}

static bool is_letter_cat(int cat)
{
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* Characters removed as invisible: format and default-ignorable code points
 * (zero-width, joiners, bidi controls, soft hyphen, variation selectors, tags,
 * Mongolian vowel separator, combining grapheme joiner, Hangul fillers). */
static bool is_invisible(uint32_t cp, const utf8proc_property_t *p)
{
    if (p->ignorable)
        return true;
    return cp == 0xAD || cp == 0x34F || cp == 0x61C || cp == 0x180E || cp == 0xFEFF ||
           (cp >= 0x180B && cp <= 0x180F) || (cp >= 0x200B && cp <= 0x200F) ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2060 && cp <= 0x206F) ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || (cp >= 0xE0000 && cp <= 0xE0FFF);
}

/* Pictographic emoji and flags. Extended_Pictographic below U+2300 (©, ®, ™,
 * ‼, arrows) is text punctuation more often than emoji, so it does not count. */
static bool is_emoji(uint32_t cp, const utf8proc_property_t *p)
{
    if (p->boundclass == UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR)
        return true;
    return p->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC && cp >= 0x2300;
}

/* Cyrillic letters whose mark makes a different letter of the alphabet (й, ў,
 * ї): case folded but not decomposed, so Russian, Belarusian and Ukrainian
 * words keep their spelling. ё still becomes е, as Russian search does. */
static bool keeps_mark(uint32_t cp)
{
    return cp == 0x419 || cp == 0x439 || cp == 0x40E || cp == 0x45E || cp == 0x407 || cp == 0x457;
}

/* ==== UTF-8 ==== */

/* Decodes one character from s (n > 0 bytes). Returns its length (1..4) and
 * sets *cp, or returns minus the length of the maximal invalid subpart (the
 * bytes one U+FFFD replaces, as WHATWG and Unicode recommend). Rejects
 * overlong forms, surrogates and code points above U+10FFFF. */
static int utf8_decode(const uint8_t *s, size_t n, uint32_t *cp)
{
    uint8_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return -1;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        uint8_t lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        if (n < 2 || s[1] < lo || s[1] > hi)
            return -1;
        if (n < 3 || (s[2] & 0xC0) != 0x80)
            return -2;
        *cp = ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        uint8_t lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        if (n < 2 || s[1] < lo || s[1] > hi)
            return -1;
        if (n < 3 || (s[2] & 0xC0) != 0x80)
            return -2;
        if (n < 4 || (s[3] & 0xC0) != 0x80)
            return -3;
        *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
              ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    return -1;
}

/* Decodes one character of text we wrote ourselves (valid UTF-8). */
static int utf8_decode_valid(const char *p, uint32_t *cp)
{
    const uint8_t *s = (const uint8_t *)p;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if (s[0] < 0xE0) {
        *cp = ((uint32_t)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (s[0] < 0xF0) {
        *cp = ((uint32_t)(s[0] & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    *cp = ((uint32_t)(s[0] & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
          ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
}

/* Writes cp as UTF-8 to out; returns the byte count (1..4). */
static int utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool is_alpha(char c)
{
    return (unsigned char)(c - 'a') < 26u;
}

static bool is_digit(char c)
{
    return (unsigned char)(c - '0') < 10u;
}

static bool is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

/* ==== Pass 1: fold ==== */

/* State of the fold pass while it writes n->text. */
typedef struct fold_state {
    size_t w;         /* bytes written */
    bool space;       /* a space is pending (written before the next character) */
    uint32_t space_s; /* source range of the whitespace that opened the pending space */
    uint32_t space_e;
    bool lgc; /* the last base written is a Latin/Greek/Cyrillic letter */
} fold_state;

/* Appends one folded code point with source range [a, b). The caller has
 * reserved room for it (MO_NORM_CHAR_OUT). Spaces become pending. */
static void fold_emit(mo_normalizer *n, fold_state *st, uint32_t cp, uint32_t a, uint32_t b)
{
    if (cp == ' ') {
        if (!st->space) {
            st->space = true;
            st->space_s = a;
            st->space_e = b;
        }
        return;
    }
    if (st->space) {
        if (st->w) {
            n->text[st->w] = ' ';
            n->src_start[st->w] = st->space_s;
            n->src_end[st->w] = st->space_e;
            st->w++;
        }
        st->space = false;
    }
    int k = utf8_encode(cp, n->text + st->w);
    for (int i = 0; i < k; i++) {
        n->src_start[st->w + i] = a;
        n->src_end[st->w + i] = b;
    }
    st->w += k;
}

/* Folds one non-ASCII character (or U+FFFD for invalid bytes) with source
 * range [a, b): invisible, whitespace, emoji, NFKC + case fold, mark stripping. */
static void fold_char(mo_normalizer *n, fold_state *st, uint32_t cp, uint32_t a, uint32_t b,
                      uint32_t *flags)
{
    const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
    if (is_invisible(cp, p)) {
        *flags |= MO_NORM_INVISIBLE;
        return;
    }
    int cat = p->category;
    if (cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP ||
        cat == UTF8PROC_CATEGORY_CC) {
        fold_emit(n, st, ' ', a, b);
        st->lgc = false;
        return;
    }
    if (is_emoji(cp, p)) {
        *flags |= MO_NORM_EMOJI;
        fold_emit(n, st, cp, a, b);
        st->lgc = false;
        return;
    }
    if (cat == UTF8PROC_CATEGORY_MN && st->lgc) {
        *flags |= MO_NORM_DIACRITIC;
        return;
    }
    utf8proc_int32_t buf[MO_NORM_DECOMP_MAX];
    utf8proc_option_t opt = UTF8PROC_CASEFOLD;
    if (!keeps_mark(cp))
        opt |= UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT;
    int bc = 0;
    utf8proc_ssize_t r =
        utf8proc_decompose_char((utf8proc_int32_t)cp, buf, MO_NORM_DECOMP_MAX, opt, &bc);
    if (r <= 0 || r > MO_NORM_DECOMP_MAX) {
        buf[0] = (utf8proc_int32_t)cp;
        r = 1;
    }
    if (p->decomp_type != 0 && p->decomp_seqindex != UINT16_MAX)
        *flags |= MO_NORM_COMPAT;
    /* Strip marks that follow a Latin/Greek/Cyrillic base; keep others. */
    utf8proc_ssize_t k = 0;
    bool lgc = st->lgc, wide = false;
    for (utf8proc_ssize_t i = 0; i < r; i++) {
        uint32_t c = (uint32_t)buf[i];
        const utf8proc_property_t *q = c == cp ? p : utf8proc_get_property(buf[i]);
        if (q->category == UTF8PROC_CATEGORY_MN) {
            if (lgc) {
                *flags |= MO_NORM_DIACRITIC;
                continue;
            }
        } else if (c < 0x80) {
            lgc = is_alpha((char)c) || (c >= 'A' && c <= 'Z');
        } else {
            unsigned s = is_letter_cat(q->category) ? script_of(c) : SCRIPT_NONE;
            lgc = s == SCRIPT_LATIN || s == SCRIPT_GREEK || s == SCRIPT_CYRILLIC;
        }
        if (c >= 0x300)
            wide = true;
        buf[k++] = buf[i];
    }
    /* Recompose what is left (Hangul syllables, marks of other scripts). */
    if (k > 1 && wide) {
        utf8proc_ssize_t c = utf8proc_normalize_utf32(buf, k, UTF8PROC_COMPOSE);
        if (c > 0)
            k = c;
    }
    for (utf8proc_ssize_t i = 0; i < k; i++) {
        uint32_t c = (uint32_t)buf[i];
        if (c < 0x80) {
            if (c <= 0x20 || c == 0x7F) {
                fold_emit(n, st, ' ', a, b);
                continue;
            }
            if (c >= 'A' && c <= 'Z')
                c += 32;
            n->n_latin += is_alpha((char)c);
        } else {
            const utf8proc_property_t *q = utf8proc_get_property(buf[i]);
            if (is_letter_cat(q->category)) {
                if (script_of(c) == SCRIPT_LATIN)
                    n->n_latin++;
                else
                    n->n_other++;
            }
        }
        fold_emit(n, st, c, a, b);
    }
    st->lgc = lgc;
}

/* Pass 1 over the raw input into n->text / src arrays; sets n->len. Returns
 * MO_OK, MO_ENOMEM or MO_ELIMIT (output over MO_NORM_MAX_OUT). */
static int pass_fold(mo_normalizer *n, const uint8_t *in, size_t len, uint32_t *flags)
{
    int rc = reserve(n, len + 1);
    if (rc != MO_OK)
        return rc;
    fold_state st = {0};
    size_t i = 0;
    /* Invariant: n->cap > st.w + (len - i) + pending space, so the ASCII loop
     * (one output byte per input byte at most) never checks capacity. */
    while (i < len) {
        char *t = n->text;
        uint32_t *ss = n->src_start, *se = n->src_end;
        size_t w = st.w;
        size_t n_alpha = 0;
        /* ASCII fast path. */
        while (i < len && in[i] < 0x80) {
            uint8_t c = in[i];
            if (c <= 0x20 || c == 0x7F) {
                if (!st.space) {
                    st.space = true;
                    st.space_s = (uint32_t)i;
                    st.space_e = (uint32_t)i + 1;
                }
                st.lgc = false;
                i++;
                continue;
            }
            if (st.space) {
                if (w) {
                    t[w] = ' ';
                    ss[w] = st.space_s;
                    se[w] = st.space_e;
                    w++;
                }
                st.space = false;
            }
            if ((uint8_t)(c - 'A') < 26u)
                c += 32;
            st.lgc = (uint8_t)(c - 'a') < 26u;
            n_alpha += st.lgc;
            t[w] = (char)c;
            ss[w] = (uint32_t)i;
            se[w] = (uint32_t)i + 1;
            w++;
            i++;
        }
        st.w = w;
        n->n_latin += n_alpha;
        if (i >= len)
            break;
        /* One non-ASCII character (or an invalid sequence). */
        if (n->cap < st.w + MO_NORM_CHAR_OUT + (len - i)) {
            rc = reserve(n, st.w + MO_NORM_CHAR_OUT + (len - i));
            if (rc != MO_OK)
                return rc;
        }
        uint32_t cp = 0;
        int k = utf8_decode(in + i, len - i, &cp);
        if (k < 0) {
            *flags |= MO_NORM_INVALID_UTF8;
            k = -k;
            fold_emit(n, &st, 0xFFFD, (uint32_t)i, (uint32_t)(i + k));
            st.lgc = false;
        } else {
            fold_char(n, &st, cp, (uint32_t)i, (uint32_t)(i + k), flags);
        }
        i += (size_t)k;
    }
    n->len = st.w;
    n->text[st.w] = '\0';
    return MO_OK;
}

/* ==== Pass 2: words ==== */

/* Whether text[r, e) contains the n_pat bytes of pat. */
static bool contains(const char *t, size_t r, size_t e, const char *pat, size_t n_pat)
{
    for (size_t p = r; p + n_pat <= e; p++)
        if (t[p] == pat[0] && memcmp(t + p, pat, n_pat) == 0)
            return true;
    return false;
}

/* Whether text[r, e) looks like a URL, which word tricks must not touch. */
static bool is_url(const char *t, size_t r, size_t e)
{
    return contains(t, r, e, "://", 3) || contains(t, r, e, "www.", 4);
}

/* Byte classes for the token scans of passes 2 and 3. */
enum { C_ALPHA = 1, C_DIGIT = 2, C_PUNCT = 4, C_HIGH = 8, C_LEET = 16 };

#define C_P C_PUNCT
#define C_PL (C_PUNCT | C_LEET)
#define C_DL (C_DIGIT | C_LEET)
#define C_H C_HIGH
#define C_H16 C_H, C_H, C_H, C_H, C_H, C_H, C_H, C_H, C_H, C_H, C_H, C_H, C_H, C_H, C_H, C_H
/* Text after pass 1 has no control bytes, no space inside a token and no
 * capitals, so those rows are 0. */
static const unsigned char byte_class[256] = {
    ['!'] = C_PL,    ['"'] = C_P,     ['#'] = C_P,     ['$'] = C_PL,    ['%'] = C_P,
    ['&'] = C_P,     ['\''] = C_P,    ['('] = C_PL,    [')'] = C_P,     ['*'] = C_P,
    ['+'] = C_PL,    [','] = C_P,     ['-'] = C_P,     ['.'] = C_P,     ['/'] = C_P,
    ['0'] = C_DL,    ['1'] = C_DL,    ['2'] = C_DIGIT, ['3'] = C_DL,    ['4'] = C_DL,
    ['5'] = C_DL,    ['6'] = C_DIGIT, ['7'] = C_DL,    ['8'] = C_DL,    ['9'] = C_DL,
    [':'] = C_P,     [';'] = C_P,     ['<'] = C_P,     ['='] = C_P,     ['>'] = C_P,
    ['?'] = C_P,     ['@'] = C_PL,    ['['] = C_P,     ['\\'] = C_P,    [']'] = C_P,
    ['^'] = C_P,     ['_'] = C_P,     ['`'] = C_P,     ['{'] = C_P,     ['|'] = C_PL,
    ['}'] = C_P,     ['~'] = C_P,     ['a'] = C_ALPHA, ['b'] = C_ALPHA, ['c'] = C_ALPHA,
    ['d'] = C_ALPHA, ['e'] = C_ALPHA, ['f'] = C_ALPHA, ['g'] = C_ALPHA, ['h'] = C_ALPHA,
    ['i'] = C_ALPHA, ['j'] = C_ALPHA, ['k'] = C_ALPHA, ['l'] = C_ALPHA, ['m'] = C_ALPHA,
    ['n'] = C_ALPHA, ['o'] = C_ALPHA, ['p'] = C_ALPHA, ['q'] = C_ALPHA, ['r'] = C_ALPHA,
    ['s'] = C_ALPHA, ['t'] = C_ALPHA, ['u'] = C_ALPHA, ['v'] = C_ALPHA, ['w'] = C_ALPHA,
    ['x'] = C_ALPHA, ['y'] = C_ALPHA, ['z'] = C_ALPHA, [0x80] = C_H16,  C_H16,
    C_H16,           C_H16,           C_H16,           C_H16,           C_H16,
    C_H16,
};

/* Characters that mask a letter inside a word ("f*ck", "f#ck", "f%ck"). */
static bool is_mask(char c)
{
    return c == '*' || c == '#' || c == '%';
}

/* ASCII punctuation that may separate single letters ("f.u.c.k"). */
static bool is_split_punct(char c)
{
    return c > 0x20 && c < 0x7F && !is_alnum(c) && !(c >= 'A' && c <= 'Z');
}

/* Writer for pass 2: appends at w (never ahead of the reader) and squeezes
 * runs of one letter to two. */
typedef struct word_writer {
    mo_normalizer *n;
    size_t w;         /* bytes written */
    uint32_t last;    /* last code point written in this token, 0 = none */
    unsigned run;     /* how many times `last` was written in a row */
    bool last_letter; /* `last` is a letter */
} word_writer;

/* Appends the bytes of one character (code point cp, is_letter) with source
 * range [a, b). Returns false when it was squeezed out. */
static bool word_put(word_writer *ww, const char *bytes, int k, uint32_t cp, bool is_letter,
                     uint32_t a, uint32_t b)
{
    if (is_letter && ww->last_letter && cp == ww->last) {
        if (ww->run >= 2)
            return false;
        ww->run++;
    } else {
        ww->run = 1;
    }
    ww->last = cp;
    ww->last_letter = is_letter;
    for (int i = 0; i < k; i++) {
        ww->n->text[ww->w] = bytes[i];
        ww->n->src_start[ww->w] = a;
        ww->n->src_end[ww->w] = b;
        ww->w++;
    }
    return true;
}

/* Appends one byte with source range [a, b), never squeezed. */
static void word_copy(word_writer *ww, char c, uint32_t a, uint32_t b)
{
    ww->n->text[ww->w] = c;
    ww->n->src_start[ww->w] = a;
    ww->n->src_end[ww->w] = b;
    ww->w++;
    ww->last = (uint32_t)(unsigned char)c;
    ww->run = 1;
    ww->last_letter = false;
}

/* Rewrites the token text[r, e) to ww (in place, ww->w <= r). Returns the
 * byte classes (C_*) the token held. */
static unsigned rewrite_token(word_writer *ww, size_t r, size_t e, bool latin_ctx, uint32_t *flags)
{
    mo_normalizer *n = ww->n;
    char *t = n->text;
    /* Classes present in the token, one table lookup per byte. */
    unsigned cls = 0;
    for (size_t p = r; p < e; p++)
        cls |= byte_class[(unsigned char)t[p]];
    /* Scan non-ASCII tokens: scripts and confusables of the letters. */
    bool has_latin = (cls & C_ALPHA) != 0, mixed = false;
    unsigned first_script = has_latin ? SCRIPT_LATIN : SCRIPT_NONE;
    size_t n_letters = 0, n_conf = 0;
    for (size_t p = r; (cls & C_HIGH) && p < e;) {
        if ((unsigned char)t[p] < 0x80) {
            n_letters += is_alpha(t[p]);
            p++;
            continue;
        }
        uint32_t cp;
        p += (size_t)utf8_decode_valid(t + p, &cp);
        if (!is_letter_cat(utf8proc_get_property((utf8proc_int32_t)cp)->category))
            continue;
        unsigned s = script_of(cp);
        n_letters++;
        has_latin |= s == SCRIPT_LATIN;
        if (first_script == SCRIPT_NONE)
            first_script = s;
        else if (first_script != s)
            mixed = true;
        if (mo__text_confusable(cp))
            n_conf++;
    }
    if (mixed)
        *flags |= MO_NORM_MIXED_SCRIPT;
    bool map = n_conf && (has_latin || mixed || (latin_ctx && n_conf == n_letters));

    ww->last = 0;
    ww->run = 0;
    ww->last_letter = false;
    if ((cls & ~(unsigned)(C_ALPHA | C_DIGIT)) == 0) {
        /* The common case, [a-z0-9]+: only squeezing applies. */
        size_t w = ww->w;
        char last = 0;
        unsigned run = 0;
        for (size_t p = r; p < e; p++) {
            char c = t[p];
            if (c == last && is_alpha(c)) {
                if (run >= 2) {
                    *flags |= MO_NORM_REPEAT;
                    continue;
                }
                run++;
            } else {
                last = c;
                run = 1;
            }
            if (w != p) { /* nothing removed so far: already in place */
                t[w] = c;
                n->src_start[w] = n->src_start[p];
                n->src_end[w] = n->src_end[p];
            }
            w++;
        }
        ww->w = w;
        return cls;
    }
    size_t tok_w = ww->w;
    /* URLs: confusables only; no joins, masks or squeezing ("www"). */
    bool url = (cls & C_PUNCT) && is_url(t, r, e);
    bool prev_alnum = false; /* the previous source character was [a-z0-9] */
    size_t p = r;
    while (p < e) {
        char c = t[p];
        if ((unsigned char)c < 0x80 && url) {
            word_copy(ww, c, n->src_start[p], n->src_end[p]);
            p++;
            continue;
        }
        if ((unsigned char)c < 0x80) {
            /* "f.u.c.k": three or more single letters split by one punctuation. */
            if (is_alpha(c) && !prev_alnum && p + 2 < e && is_split_punct(t[p + 1])) {
                char sep = t[p + 1];
                size_t q = p, k = 0;
                while (q < e && is_alpha(t[q]) && (q + 1 == e || !is_alnum(t[q + 1]))) {
                    k++;
                    if (q + 2 < e && t[q + 1] == sep && is_alpha(t[q + 2]))
                        q += 2;
                    else
                        break;
                }
                if (k >= 3) {
                    for (size_t j = 0; j < k; j++) {
                        size_t s = p + 2 * j;
                        char ch = t[s];
                        word_put(ww, &ch, 1, (uint32_t)ch, true, n->src_start[s], n->src_end[s]);
                    }
                    *flags |= MO_NORM_PUNCT_SPLIT;
                    p += 2 * (k - 1) + 1;
                    prev_alnum = true;
                    continue;
                }
            }
            /* "f*ck", "f#ck": masks between letters, written as '*'. */
            if (is_mask(c) && ww->w > tok_w && ww->last_letter) {
                size_t q = p;
                while (q < e && is_mask(t[q]))
                    q++;
                if (q < e && is_alpha(t[q])) {
                    for (; p < q; p++) {
                        char star = '*';
                        word_put(ww, &star, 1, '*', false, n->src_start[p], n->src_end[p]);
                    }
                    *flags |= MO_NORM_MASKED;
                    prev_alnum = false;
                    continue;
                }
            }
            bool letter = is_alpha(c);
            if (!word_put(ww, &c, 1, (uint32_t)(unsigned char)c, letter, n->src_start[p],
                          n->src_end[p]))
                *flags |= MO_NORM_REPEAT;
            prev_alnum = is_alnum(c);
            p++;
            continue;
        }
        /* Non-ASCII character. */
        uint32_t cp;
        int k = utf8_decode_valid(t + p, &cp);
        uint32_t a = n->src_start[p], b = n->src_end[p + (size_t)k - 1];
        char bytes[4];
        memcpy(bytes, t + p, (size_t)k);
        p += (size_t)k;
        const mo__confusable *cf = map ? mo__text_confusable(cp) : NULL;
        if (cf) {
            *flags |= MO_NORM_CONFUSABLE;
            for (unsigned j = 0; j < cf->len; j++)
                if (!word_put(ww, &cf->to[j], 1, (uint32_t)(unsigned char)cf->to[j], true, a, b))
                    *flags |= MO_NORM_REPEAT;
            prev_alnum = true;
            continue;
        }
        bool letter = is_letter_cat(utf8proc_get_property((utf8proc_int32_t)cp)->category);
        if (!word_put(ww, bytes, k, cp, letter, a, b))
            *flags |= MO_NORM_REPEAT;
        prev_alnum = false;
    }
    return cls;
}

static int leet_token(mo_normalizer *n, size_t r, size_t e);

/* Pass 2, in place over n->text (single spaces between tokens, none at the
 * ends, as pass 1 leaves it), with pass 3 run on each finished token that has
 * letters and leet characters. Returns MO_OK or MO_ENOMEM (alt buffer). */
static int pass_words(mo_normalizer *n, uint32_t *flags)
{
    char *t = n->text;
    size_t len = n->len, r = 0;
    bool latin_ctx = n->n_latin > n->n_other;
    word_writer ww = {.n = n};
    while (r < len) {
        const char *sp = memchr(t + r, ' ', len - r);
        size_t e = sp ? (size_t)(sp - t) : len;
        /* "f u c k": three or more one-letter tokens in a row are joined. */
        if (e - r == 1 && is_alpha(t[r])) {
            size_t q = e, k = 1;
            while (q + 1 < len && t[q] == ' ' && is_alpha(t[q + 1]) &&
                   (q + 2 == len || t[q + 2] == ' ')) {
                k++;
                q += 2;
            }
            if (k >= 3) {
                for (size_t s = r; s < q; s += 2) {
                    n->text[ww.w] = t[s];
                    n->src_start[ww.w] = n->src_start[s];
                    n->src_end[ww.w] = n->src_end[s];
                    ww.w++;
                }
                *flags |= MO_NORM_SPACED;
                e = q;
                goto separator;
            }
        }
        size_t tok_w = ww.w;
        unsigned cls = rewrite_token(&ww, r, e, latin_ctx, flags);
        if ((cls & C_LEET) && (cls & (C_ALPHA | C_HIGH))) {
            int rc = leet_token(n, tok_w, ww.w);
            if (rc != MO_OK)
                return rc;
        }
    separator:
        r = e;
        if (r < len) {
            n->text[ww.w] = ' ';
            n->src_start[ww.w] = n->src_start[r];
            n->src_end[ww.w] = n->src_end[r];
            ww.w++;
            r++;
        }
    }
    n->len = ww.w;
    n->text[ww.w] = '\0';
    if (n->has_alt) {
        memcpy(n->alt + n->alt_synced, n->text + n->alt_synced, n->len + 1 - n->alt_synced);
        n->alt_synced = n->len + 1;
    }
    return MO_OK;
}

/* ==== Pass 3: leet ==== */

/* The letter each leet character reads as; 0 for the others. 1, ! and | read
 * as i (not l): "b1tch", "sh!t", "k|ll" are the common spellings. */
static const char leet_tab[256] = {
    ['4'] = 'a', ['@'] = 'a', ['3'] = 'e', ['1'] = 'i', ['!'] = 'i', ['|'] = 'i', ['0'] = 'o',
    ['5'] = 's', ['$'] = 's', ['7'] = 't', ['+'] = 't', ['8'] = 'b', ['9'] = 'g', ['('] = 'c',
};

static char leet_letter(char c)
{
    return leet_tab[(unsigned char)c];
}

/* Sets alt[p] = c. On first use the alt buffer is sized for the pass-1 text
 * (pass 2 only shrinks it); the primary bytes up to the current token's end
 * (n->leet_tok_end, final by then) are copied in first. */
static int leet_set(mo_normalizer *n, size_t p, char c)
{
    if (!n->has_alt) {
        if (n->alt_cap < n->len + 1) {
            size_t cap = n->len + 1 + n->len / 2;
            char *a = mo__realloc(n->alt, cap);
            if (!a)
                return MO_ENOMEM;
            n->alt = a;
            n->alt_cap = cap;
        }
        n->has_alt = true;
        n->alt_synced = 0;
    }
    if (n->alt_synced < n->leet_tok_end) {
        memcpy(n->alt + n->alt_synced, n->text + n->alt_synced, n->leet_tok_end - n->alt_synced);
        n->alt_synced = n->leet_tok_end;
    }
    n->alt[p] = c;
    return MO_OK;
}

/* Applies the leet rules (docs/NORMALIZATION.md) to one run text[s, e) of
 * letters and leet characters. */
static int leet_run(mo_normalizer *n, size_t s, size_t e)
{
    const char *t = n->text;
    bool any_sub = false;
    size_t p = s;
    while (p < e) {
        if (is_alpha(t[p])) {
            p++;
            continue;
        }
        size_t g = p, n_digits = 0;
        while (p < e && !is_alpha(t[p])) {
            n_digits += is_digit(t[p]);
            p++;
        }
        bool before = g > s, after = p < e;
        bool sub = false;
        if (before && after) {
            sub = true; /* sh1t, n00b, b!tch, f4g, a$$hole */
        } else if (after) {
            /* Leading: "$hit", "@ss" (at most 3 letters after '@', so that
             * "@username" mentions stay); a single digit before 3+ letters
             * ("3vil"), never "1st", "3pm", "4x4", "100mph". */
            size_t n_after = 0;
            for (size_t q = p; q < e && is_alpha(t[q]); q++)
                n_after++;
            if (n_digits == 0)
                sub = t[g] == '$' || (t[g] == '@' && n_after <= 3);
            else
                sub = p - g == 1 && n_after >= 3;
            for (size_t q = g; sub && q < p; q++)
                if (t[q] != '@' && t[q] != '$' && !is_digit(t[q]))
                    sub = false;
        } else if (before) {
            /* Trailing digits ("h3ll0") only in a run that is already leet, so
             * "mp3", "win10", "covid19" stay. */
            sub = any_sub && n_digits == p - g;
        }
        if (!sub)
            continue;
        any_sub = true;
        for (size_t q = g; q < p; q++) {
            int rc = leet_set(n, q, leet_letter(t[q]));
            if (rc != MO_OK)
                return rc;
        }
    }
    return MO_OK;
}

/* Pass 3 for one finished primary token text[r, e): writes its leet reading
 * into n->alt when it has one. URLs and e-mail addresses are skipped. */
static int leet_token(mo_normalizer *n, size_t r, size_t e)
{
    const char *t = n->text;
    bool has_letter = false, has_leet = false;
    for (size_t p = r; p < e; p++) {
        has_letter |= is_alpha(t[p]);
        has_leet |= leet_letter(t[p]) != 0;
    }
    if (!has_letter || !has_leet)
        return MO_OK;
    const char *at = memchr(t + r, '@', e - r);
    if (is_url(t, r, e) || (at && at > t + r && memchr(at, '.', (size_t)(t + e - at))))
        return MO_OK;
    n->leet_tok_end = e;
    size_t p = r;
    while (p < e) {
        if (!is_alpha(t[p]) && !leet_letter(t[p])) {
            p++;
            continue;
        }
        size_t s = p;
        bool letters = false;
        while (p < e && (is_alpha(t[p]) || leet_letter(t[p]))) {
            letters |= is_alpha(t[p]);
            p++;
        }
        if (letters) {
            int rc = leet_run(n, s, p);
            if (rc != MO_OK)
                return rc;
        }
    }
    return MO_OK;
}

/* ==== Public entry ==== */

int mo_normalize(mo_normalizer *n, const char *in, size_t len, const mo_norm_view **out)
{
    if (out)
        *out = NULL;
    if (!n || !out || (!in && len))
        return MO_EINVAL;
    if (len > MO_TEXT_MAX_BYTES)
        return MO_ELIMIT;
    uint32_t flags = 0;
    n->len = 0;
    n->n_latin = 0;
    n->n_other = 0;
    n->has_alt = false;
    n->alt_synced = 0;
    int rc = pass_fold(n, (const uint8_t *)(in ? in : ""), len, &flags);
    if (rc != MO_OK)
        return rc;
    rc = pass_words(n, &flags);
    if (rc != MO_OK)
        return rc;
    bool has_alt = n->has_alt;
    if (has_alt)
        flags |= MO_NORM_LEET;
    mo_norm_view *v = &n->view;
    v->text = n->text;
    v->len = n->len;
    v->src_start = n->src_start;
    v->src_end = n->src_end;
    v->alt = has_alt ? n->alt : NULL;
    v->alt_len = has_alt ? n->len : 0;
    v->alt_src_start = has_alt ? n->src_start : NULL;
    v->alt_src_end = has_alt ? n->src_end : NULL;
    v->flags = flags;
    *out = v;
    return MO_OK;
}
