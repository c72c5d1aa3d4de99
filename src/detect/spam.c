/*
 * spam.c -- text-shape spam signals: the share of upper-case letters
 * (spam.caps_ratio), repetition of words and characters (spam.repetition) and
 * the share of emoji among visible characters (spam.emoji_ratio). Ratios are in
 * [0, 1]; nothing allocates (the word table lives in the scratch). Uses base
 * and text.
 */
#include "detect/detect_int.h"

#include <string.h>

#include <utf8proc.h>

/* Letters needed before caps_ratio is reported (short shouts are noise). */
#define MIN_CAPS_LETTERS 8
/* Words needed before the word repetition ratio is reported. */
#define MIN_REP_WORDS 4
/* A run of one character this long counts as repetition ("!!!!", "aaaa"). */
#define MIN_CHAR_RUN 4

static bool is_emoji(int32_t cp)
{
    return (cp >= 0x1F000 && cp <= 0x1FAFF && !(cp >= 0x1F3FB && cp <= 0x1F3FF)) ||
           (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2300 && cp <= 0x23FF) ||
           (cp >= 0x2B00 && cp <= 0x2BFF);
}

/* Joiners and modifiers that belong to the emoji before them. */
static bool is_modifier(int32_t cp)
{
    return cp == 0x200D || cp == 0xFE0F || cp == 0xFE0E || (cp >= 0x1F3FB && cp <= 0x1F3FF);
}

static uint64_t fnv1a(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)p[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

/* 1 - distinct/total over the words of the normalized text. */
static double word_repetition(mo_detect_scratch *s, const char *t, size_t n)
{
    size_t total = 0, distinct = 0;
    /* A text of n bytes has at most (n + 1) / 2 words: when a table of
     * twice that many slots fits in MO__REP_SLOTS, probe only it (a few
     * cache lines for a short text). It never fills, and neither would the
     * whole table, so the counts are the same. */
    size_t slots = 16;
    while (slots < n + 2 && slots < MO__REP_SLOTS)
        slots *= 2;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && t[e] != ' ')
            e++;
        if (e > i) {
            total++;
            uint64_t h = fnv1a(t + i, e - i);
            if (distinct >= MO__REP_SLOTS * 3 / 4) {
                distinct++; /* table full: count the rest as new words */
            } else {
                size_t k = (size_t)(h & (slots - 1));
                while (s->rep[k] && s->rep[k] != h)
                    k = (k + 1) & (slots - 1);
                if (!s->rep[k]) {
                    s->rep[k] = h;
                    s->rep_used[distinct++] = (uint16_t)k;
                }
            }
        }
        i = e + 1;
    }
    /* Clear only the slots used, not the whole table. */
    for (size_t i = 0; i < distinct && i < MO__REP_SLOTS * 3 / 4; i++)
        s->rep[s->rep_used[i]] = 0;
    return total >= MIN_REP_WORDS ? 1.0 - (double)distinct / (double)total : 0.0;
}

void mo__spam_run(const mo_detect_config *c, mo_detect_scratch *s, const char *t, size_t n,
                  const mo_norm_view *v, double *values)
{
    size_t upper = 0, letters = 0, emoji = 0, visible = 0, run_bytes = 0, nonspace = 0;
    size_t run = 0;
    int32_t prev = -1;
    for (size_t i = 0; i < n;) {
        int32_t cp = (unsigned char)t[i];
        utf8proc_ssize_t k = 1; /* ASCII, what utf8proc_iterate would say */
        if (cp >= 0x80) {
            utf8proc_int32_t dc;
            k = utf8proc_iterate((const utf8proc_uint8_t *)t + i, (utf8proc_ssize_t)(n - i), &dc);
            cp = dc;
            if (k <= 0) {
                k = 1;
                cp = 0xFFFD;
            }
        }
        bool space = cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r';
        if (!space) {
            nonspace += (size_t)k;
            if (cp == prev) {
                run++;
                if (run == MIN_CHAR_RUN)
                    run_bytes += (size_t)k * MIN_CHAR_RUN;
                else if (run > MIN_CHAR_RUN)
                    run_bytes += (size_t)k;
            } else {
                run = 1;
            }
            prev = cp;
        } else {
            prev = -1;
            run = 0;
        }
        if (!space && cp < 0x80) { /* never a modifier or an emoji */
            visible++;
            if (cp >= 'A' && cp <= 'Z')
                upper++, letters++;
            else if (cp >= 'a' && cp <= 'z')
                letters++;
        } else if (!space && !is_modifier(cp)) {
            visible++;
            if (is_emoji(cp)) {
                emoji++;
            } else {
                utf8proc_category_t cat = utf8proc_category(cp);
                if (cat == UTF8PROC_CATEGORY_LU)
                    upper++, letters++;
                else if (cat == UTF8PROC_CATEGORY_LL)
                    letters++;
            }
        }
        i += (size_t)k;
    }
    values[mo__dsig(c, MO__DSIG_SPAM_CAPS_RATIO)] =
        letters >= MIN_CAPS_LETTERS ? (double)upper / (double)letters : 0.0;
    values[mo__dsig(c, MO__DSIG_SPAM_EMOJI_RATIO)] =
        visible ? (double)emoji / (double)visible : 0.0;
    double chars = nonspace ? (double)run_bytes / (double)nonspace : 0.0;
    double words = word_repetition(s, v->text, v->len);
    values[mo__dsig(c, MO__DSIG_SPAM_REPETITION)] = chars > words ? chars : words;
}
