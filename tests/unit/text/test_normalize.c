/*
 * test_normalize.c -- unit tests of mo_normalize (src/text/normalize.c): each
 * normalization step with its traps, the source span map of both readings,
 * buffer reuse without allocation, limits and allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "text/text.h"

/* Checks the invariants every view must hold for input `in` of `len` bytes. */
static void check_spans(const char *in, size_t len, const char *text, size_t n, const uint32_t *s,
                        const uint32_t *e)
{
    (void)in;
    assert_int_equal(text[n], '\0');
    for (size_t i = 0; i < n; i++) {
        assert_true(s[i] < e[i]);
        assert_true(e[i] <= len);
        if (i)
            assert_true(s[i] >= s[i - 1]);
    }
}

/* Normalizes the NUL-terminated s and checks the span invariants. */
static const mo_norm_view *norm(mo_normalizer *n, const char *s)
{
    const mo_norm_view *v = NULL;
    assert_int_equal(mo_normalize(n, s, strlen(s), &v), MO_OK);
    assert_non_null(v);
    assert_int_equal(strlen(v->text), v->len);
    check_spans(s, strlen(s), v->text, v->len, v->src_start, v->src_end);
    if (v->alt) {
        assert_int_equal(strlen(v->alt), v->alt_len);
        check_spans(s, strlen(s), v->alt, v->alt_len, v->alt_src_start, v->alt_src_end);
    }
    return v;
}

/* Expects primary `want`, no alt, and exactly the flags `flags`. */
static void expect(mo_normalizer *n, const char *in, const char *want, uint32_t flags)
{
    const mo_norm_view *v = norm(n, in);
    if (strcmp(v->text, want) != 0 || v->flags != flags)
        fprintf(stderr, "input [%s]: got [%s] flags 0x%x, want [%s] flags 0x%x\n", in, v->text,
                v->flags, want, flags);
    assert_string_equal(v->text, want);
    assert_int_equal(v->flags, flags);
}

/* Expects primary `want` and leet reading `alt` (NULL = none). */
static void expect_alt(mo_normalizer *n, const char *in, const char *want, const char *alt)
{
    const mo_norm_view *v = norm(n, in);
    if (strcmp(v->text, want) != 0 || (alt == NULL) != (v->alt == NULL) ||
        (alt && strcmp(v->alt, alt) != 0))
        fprintf(stderr, "input [%s]: got [%s] alt [%s], want [%s] alt [%s]\n", in, v->text,
                v->alt ? v->alt : "(null)", want, alt ? alt : "(null)");
    assert_string_equal(v->text, want);
    if (!alt) {
        assert_null(v->alt);
        assert_int_equal(v->flags & MO_NORM_LEET, 0);
    } else {
        assert_non_null(v->alt);
        assert_string_equal(v->alt, alt);
        assert_true(v->flags & MO_NORM_LEET);
    }
}

/* The union [min start, max end) of the spans of out[off, off + k). */
static void span_of(const uint32_t *s, const uint32_t *e, size_t off, size_t k, uint32_t *a,
                    uint32_t *b)
{
    *a = UINT32_MAX;
    *b = 0;
    for (size_t i = off; i < off + k; i++) {
        if (s[i] < *a)
            *a = s[i];
        if (e[i] > *b)
            *b = e[i];
    }
}

static int setup(void **state)
{
    mo_normalizer *n = NULL;
    assert_int_equal(mo_normalizer_new(&n), MO_OK);
    *state = n;
    return 0;
}

static int teardown(void **state)
{
    mo_normalizer_free(*state);
    return 0;
}

/* ==== API ==== */

static void test_flag_names(void **state)
{
    (void)state;
    static const char *const names[] = {"invalid_utf8", "invisible", "compat", "confusable",
                                        "diacritic",    "leet",      "spaced", "punct_split",
                                        "masked",       "repeat",    "emoji",  "mixed_script"};
    for (unsigned i = 0; i < MO_NORM_N_FLAGS; i++)
        assert_string_equal(mo_norm_flag_name(1u << i), names[i]);
    assert_string_equal(mo_norm_flag_name(MO_NORM_LEET), "leet");
    assert_null(mo_norm_flag_name(0));
    assert_null(mo_norm_flag_name(1u << MO_NORM_N_FLAGS));
    assert_null(mo_norm_flag_name(MO_NORM_LEET | MO_NORM_EMOJI));
}

static void test_args(void **state)
{
    mo_normalizer *n = *state;
    const mo_norm_view *v = (const mo_norm_view *)&v;
    assert_int_equal(mo_normalizer_new(NULL), MO_EINVAL);
    assert_int_equal(mo_normalize(NULL, "a", 1, &v), MO_EINVAL);
    assert_null(v);
    assert_int_equal(mo_normalize(n, "a", 1, NULL), MO_EINVAL);
    assert_int_equal(mo_normalize(n, NULL, 1, &v), MO_EINVAL);
    assert_int_equal(mo_normalize(n, NULL, 0, &v), MO_OK);
    assert_int_equal(v->len, 0);
    assert_string_equal(v->text, "");
    mo_normalizer_free(NULL);
}

static void test_empty_and_space(void **state)
{
    mo_normalizer *n = *state;
    expect(n, "", "", 0);
    expect(n, " \t\r\n ", "", 0);
    expect(n, "a", "a", 0);
    expect(n, "  Hello,\tWORLD\n\nagain  ", "hello, world again", 0);
    /* Control characters, NBSP, ideographic space and line separator are spaces. */
    expect(n,
           "ab\x01"
           "cd\xc2\xa0"
           "ef\xe3\x80\x80"
           "gh\xe2\x80\xa8"
           "ij\xc2\x85"
           "kl",
           "ab cd ef gh ij kl", 0);
}

static void test_limit(void **state)
{
    mo_normalizer *n = *state;
    const mo_norm_view *v = NULL;
    static const char tiny[1] = "x";
    /* The limit is checked before the input is read. */
    assert_int_equal(mo_normalize(n, tiny, MO_TEXT_MAX_BYTES + 1, &v), MO_ELIMIT);
    assert_null(v);
    /* The normalizer still works afterwards. */
    expect(n, "Ok", "ok", 0);
}

/* ==== Invalid UTF-8 ==== */

static void test_invalid_utf8(void **state)
{
    mo_normalizer *n = *state;
    const char *fffd = "\xef\xbf\xbd";
    char want[64];
    static const struct {
        const char *in;
        size_t len;
        int n_fffd;
    } cases[] = {
        {"\x80", 1, 1},             /* lone continuation */
        {"\xc0\xaf", 2, 2},         /* overlong '/' (C0 is never valid) */
        {"\xe0\x80\xaf", 3, 3},     /* overlong 3-byte */
        {"\xed\xa0\x80", 3, 3},     /* surrogate D800 */
        {"\xe2\x82", 2, 1},         /* truncated euro sign */
        {"\xf0\x9f\x98", 3, 1},     /* truncated emoji */
        {"\xf4\x90\x80\x80", 4, 4}, /* above U+10FFFF */
        {"\xf5\x80", 2, 2},         /* F5 never valid */
        {"\xff", 1, 1},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const mo_norm_view *v = NULL;
        char in[16];
        snprintf(in, sizeof in, "a%.*sb", (int)cases[c].len, cases[c].in);
        size_t len = cases[c].len + 2;
        assert_int_equal(mo_normalize(n, in, len, &v), MO_OK);
        strcpy(want, "a");
        for (int i = 0; i < cases[c].n_fffd; i++)
            strcat(want, fffd);
        strcat(want, "b");
        assert_string_equal(v->text, want);
        assert_true(v->flags & MO_NORM_INVALID_UTF8);
        check_spans(in, len, v->text, v->len, v->src_start, v->src_end);
        /* The replacement characters cover exactly the bad bytes. */
        uint32_t a, b;
        span_of(v->src_start, v->src_end, 1, v->len - 2, &a, &b);
        assert_int_equal(a, 1);
        assert_int_equal(b, 1 + cases[c].len);
    }
    /* A valid U+FFFD in the input is not an error. */
    expect(n, "x\xef\xbf\xbdy", "x\xef\xbf\xbdy", 0);
    /* NUL bytes are control characters. */
    const mo_norm_view *v = NULL;
    assert_int_equal(mo_normalize(n, "a\0b", 3, &v), MO_OK);
    assert_string_equal(v->text, "a b");
}

/* ==== NFKC and case folding ==== */

static void test_compat(void **state)
{
    mo_normalizer *n = *state;
    expect(n, "\xef\xbd\x86\xef\xbd\x95\xef\xbd\x83\xef\xbd\x8b", "fuck", MO_NORM_COMPAT);
    expect(n, "\xef\xbc\xa6\xef\xbc\xb5\xef\xbc\xa3\xef\xbc\xab", "fuck", MO_NORM_COMPAT);
    /* Mathematical bold and script. */
    expect(n, "\xf0\x9d\x90\x9f\xf0\x9d\x90\xae\xf0\x9d\x90\x9c\xf0\x9d\x90\xa4", "fuck",
           MO_NORM_COMPAT);
    expect(n, "\xf0\x9d\x93\xaf\xf0\x9d\x93\xbe", "fu", MO_NORM_COMPAT);
    expect(n, "\xef\xac\x81ne \xef\xac\x80", "fine ff", MO_NORM_COMPAT); /* ligatures */
    expect(n, "x\xc2\xb2", "x2", MO_NORM_COMPAT);                        /* superscript */
    expect(n, "\xe2\x91\xa0", "1", MO_NORM_COMPAT);                      /* circled one */
    /* Case alone is not "compat". */
    expect(n, "HeLLo WORLD", "hello world", 0);
    expect(n,
           "STRASSE Stra\xc3\x9f"
           "e",
           "strasse strasse", 0);
    expect(n, "\xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2",
           "\xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82", 0);
}

/* ==== Invisible characters ==== */

static void test_invisible(void **state)
{
    mo_normalizer *n = *state;
    static const char *const inv[] = {
        "\xe2\x80\x8b",     "\xe2\x80\x8c",     "\xe2\x80\x8d",                 /* ZWSP ZWNJ ZWJ */
        "\xe2\x81\xa0",                                                         /* word joiner */
        "\xef\xbb\xbf",                                                         /* BOM */
        "\xc2\xad",                                                             /* soft hyphen */
        "\xe2\x80\xaa",     "\xe2\x80\xae",     "\xe2\x81\xa6", "\xe2\x81\xa9", /* bidi */
        "\xe2\x80\x8e",     "\xe2\x80\x8f",                                     /* LRM RLM */
        "\xef\xb8\x80",     "\xef\xb8\x8f",                                     /* VS1 VS16 */
        "\xf3\xa0\x84\x80", "\xf3\xa0\x87\xaf",                                 /* VS17 VS256 */
        "\xf3\xa0\x80\x81", "\xf3\xa0\x81\xbf",                                 /* tags */
        "\xe1\xa0\x8e", /* Mongolian vowel separator */
        "\xcd\x8f",     /* combining grapheme joiner */
    };
    for (size_t i = 0; i < sizeof inv / sizeof inv[0]; i++) {
        char in[64];
        snprintf(in, sizeof in, "f%su%sck", inv[i], inv[i]);
        expect(n, in, "fuck", MO_NORM_INVISIBLE);
    }
    /* The spans of the letters skip the invisible bytes. */
    const char *in = "f\xe2\x80\x8bu";
    const mo_norm_view *v = norm(n, in);
    assert_int_equal(v->src_start[1], 4);
    assert_int_equal(v->src_end[1], 5);
}

static void test_emoji(void **state)
{
    mo_normalizer *n = *state;
    /* Family ZWJ sequence: the ZWJs go, the emoji stay. */
    expect(n, "hi \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9",
           "hi \xf0\x9f\x91\xa8\xf0\x9f\x91\xa9", MO_NORM_EMOJI | MO_NORM_INVISIBLE);
    /* Skin tone, flags. */
    expect(n, "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd ok", "\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd ok",
           MO_NORM_EMOJI);
    expect(n, "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa", "\xf0\x9f\x87\xa9\xf0\x9f\x87\xaa",
           MO_NORM_EMOJI);
    /* Red heart with VS16. */
    expect(n, "\xe2\x9d\xa4\xef\xb8\x8f", "\xe2\x9d\xa4", MO_NORM_EMOJI | MO_NORM_INVISIBLE);
    /* (c) and TM are not emoji. */
    expect(n, "\xc2\xa9 2024", "\xc2\xa9 2024", 0);
}

/* ==== Diacritics and other scripts ==== */

static void test_diacritics(void **state)
{
    mo_normalizer *n = *state;
    expect(n,
           "caf\xc3\xa9 na\xc3\xaf"
           "ve \xc3\x9c"
           "ber",
           "cafe naive uber", MO_NORM_DIACRITIC);
    expect(n, "cafe\xcc\x81", "cafe", MO_NORM_DIACRITIC); /* separate combining acute */
    /* Zalgo. */
    expect(n, "h\xcc\x80\xcc\x81\xcc\x82\xcc\x83i", "hi", MO_NORM_DIACRITIC);
    expect(n, "\xce\xac\xce\xad", "\xce\xb1\xce\xb5", MO_NORM_DIACRITIC); /* Greek tonos */
    /* A mark after a digit or at the start is kept. */
    expect(n, "\xcc\x81", "\xcc\x81", 0);
}

static void test_other_scripts(void **state)
{
    mo_normalizer *n = *state;
    /* Hindi keeps its vowel signs and virama. */
    const char *hi = "\xe0\xa4\xa8\xe0\xa4\xae\xe0\xa4\xb8\xe0\xa5\x8d\xe0\xa4\xa4\xe0\xa5\x87 "
                     "\xe0\xa4\xa6\xe0\xa5\x81\xe0\xa4\xa8\xe0\xa4\xbf\xe0\xa4\xaf\xe0\xa4\xbe";
    expect(n, hi, hi, 0);
    /* Korean syllables survive decomposition and recomposition. */
    const char *ko = "\xec\x95\x88\xeb\x85\x95\xed\x95\x98\xec\x84\xb8\xec\x9a\x94";
    expect(n, ko, ko, 0);
    /* Russian: й and ї stay; ё becomes е. */
    expect(n, "\xd0\x9c\xd0\xbe\xd0\xb9 \xd1\x97\xd0\xb6\xd0\xb0\xd0\xba",
           "\xd0\xbc\xd0\xbe\xd0\xb9 \xd1\x97\xd0\xb6\xd0\xb0\xd0\xba", 0);
    expect(n, "\xd1\x91\xd0\xb6", "\xd0\xb5\xd0\xb6", MO_NORM_DIACRITIC);
    /* Japanese mixing kanji and kana is one script group. */
    const char *ja = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xa7\xe3\x81\x99";
    expect(n, ja, ja, 0);
    /* Arabic presentation ligature expands. */
    const mo_norm_view *v = norm(n, "\xef\xb7\xba");
    assert_true(v->flags & MO_NORM_COMPAT);
    assert_true(v->len > 10);
}

/* ==== Confusables ==== */

static void test_confusables(void **state)
{
    mo_normalizer *n = *state;
    /* Greek upsilon and Cyrillic es inside a Latin word. */
    expect(n, "f\xcf\x85\xd1\x81k", "fuck", MO_NORM_CONFUSABLE | MO_NORM_MIXED_SCRIPT);
    /* Cyrillic a, o, e, r in Latin words. */
    expect(n, "h\xd0\xb5llo w\xd0\xberld", "hello world",
           MO_NORM_CONFUSABLE | MO_NORM_MIXED_SCRIPT);
}

static void test_confusables_scripts(void **state)
{
    mo_normalizer *n = *state;
    /* Russian text stays Russian, even words made only of look-alikes. */
    const char *ru = "\xd1\x81\xd0\xbe\xd1\x80 \xd0\xb8 \xd0\xbf\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5"
                     "\xd1\x82 \xd0\xbc\xd0\xb8\xd1\x80";
    expect(n, ru, ru, 0);
    /* Greek too. */
    const char *el = "\xce\xbf \xce\xba\xcf\x8c\xcf\x83\xce\xbc\xce\xbf\xcf\x82";
    const mo_norm_view *v = norm(n, el);
    assert_int_equal(v->flags & (MO_NORM_CONFUSABLE | MO_NORM_MIXED_SCRIPT), 0);
    /* An all-look-alike Cyrillic word inside English text is read as Latin. */
    expect(n, "Hello \xd1\x95\xd2\xbb\xd1\x96\xd1\x85 you", "hello shix you", MO_NORM_CONFUSABLE);
    /* Capital look-alikes fold to small letters first ("В" -> "в" -> "b"). */
    expect(n,
           "\xd0\x92\xd0\x90"
           "D",
           "bad", MO_NORM_CONFUSABLE | MO_NORM_MIXED_SCRIPT);
    /* ASCII is never remapped (TR39 maps m -> rn, 1 -> l, 0 -> O). */
    expect(n, "rn m 1 0 I l", "rn m 1 0 i l", 0);
    /* A Cyrillic word that is not all look-alikes stays in English text. */
    expect(n, "hello \xd0\xbc\xd0\xb8\xd1\x80 world", "hello \xd0\xbc\xd0\xb8\xd1\x80 world", 0);
}

/* ==== Spacing, punctuation, masks, repeats ==== */

static void test_spaced(void **state)
{
    mo_normalizer *n = *state;
    expect(n, "f u c k you", "fuck you", MO_NORM_SPACED);
    expect(n, "you F  U\tC K", "you fuck", MO_NORM_SPACED);
    expect(n, "a b", "a b", 0);
    expect(n, "plan a or b", "plan a or b", 0);
    expect(n, "x y z", "xyz", MO_NORM_SPACED);
    /* Digits and multi-letter tokens end a run. */
    expect(n, "a b 1 c d", "a b 1 c d", 0);
    expect(n, "s h i t head", "shit head", MO_NORM_SPACED);
}

static void test_punct_split(void **state)
{
    mo_normalizer *n = *state;
    expect(n, "f.u.c.k", "fuck", MO_NORM_PUNCT_SPLIT);
    expect(n, "f-u-c-k off", "fuck off", MO_NORM_PUNCT_SPLIT);
    expect(n, "f_u_c_k", "fuck", MO_NORM_PUNCT_SPLIT);
    expect(n, "U.S.A.", "usa.", MO_NORM_PUNCT_SPLIT);
    /* Two letters, mixed separators, longer parts: unchanged. */
    expect(n, "e.g. i.e.", "e.g. i.e.", 0);
    expect(n, "f.u-c.k", "f.u-c.k", 0);
    expect(n, "x-ray a.bc.d", "x-ray a.bc.d", 0);
    expect(n, "1.2.3", "1.2.3", 0);
}

static void test_masked(void **state)
{
    mo_normalizer *n = *state;
    expect(n, "f*ck", "f*ck", MO_NORM_MASKED);
    expect(n, "f#ck sh%t f**k", "f*ck sh*t f**k", MO_NORM_MASKED);
    /* Not between letters. */
    expect(n, "*note* #tag 50% a*", "*note* #tag 50% a*", 0);
}

static void test_repeat(void **state)
{
    mo_normalizer *n = *state;
    expect(n, "fuuuuuck", "fuuck", MO_NORM_REPEAT);
    expect(n, "good cool bookkeeper", "good cool bookkeeper", 0);
    /* URLs keep their letters ("www"). */
    expect(n, "www.x.org https://aaa.example/f.u.c.k", "www.x.org https://aaa.example/f.u.c.k", 0);
    expect(n, "2000 !!!! ...", "2000 !!!! ...", 0);
    /* Non-ASCII letters squeeze too. */
    expect(n, "\xd1\x85\xd1\x83\xd1\x83\xd1\x83\xd1\x83", "\xd1\x85\xd1\x83\xd1\x83",
           MO_NORM_REPEAT);
}

/* ==== Leet ==== */

static void test_leet_hits(void **state)
{
    mo_normalizer *n = *state;
    expect_alt(n, "sh1t", "sh1t", "shit");
    expect_alt(n, "@ss", "@ss", "ass");
    expect_alt(n, "n00b", "n00b", "noob");
    expect_alt(n, "b!tch", "b!tch", "bitch");
    expect_alt(n, "$hit", "$hit", "shit");
    expect_alt(n, "a$$hole", "a$$hole", "asshole");
    expect_alt(n, "h3ll0 world", "h3ll0 world", "hello world");
    expect_alt(n, "3vil", "3vil", "evil");
    expect_alt(n, "fu(k", "fu(k", "fuck");
    /* The acronym trap: primary keeps "f4g", the alt reading catches it. */
    expect_alt(n, "F4G", "f4g", "fag");
    expect_alt(n, "you are a f4g!", "you are a f4g!", "you are a fag!");
}

static void test_leet_traps(void **state)
{
    mo_normalizer *n = *state;
    expect_alt(n, "$100", "$100", NULL);
    expect_alt(n, "2024", "2024", NULL);
    expect_alt(n, "1st 2nd 3rd 4th", "1st 2nd 3rd 4th", NULL);
    expect_alt(n, "3pm 10am 4x4 100mph", "3pm 10am 4x4 100mph", NULL);
    expect_alt(n, "mp3 win10 covid19", "mp3 win10 covid19", NULL);
    expect_alt(n, "hi! (wow) yes!", "hi! (wow) yes!", NULL);
    expect_alt(n, "me@mail.com http://a1b.com www.x1y.org",
               "me@mail.com http://a1b.com www.x1y.org", NULL);
    expect_alt(n, "plain text", "plain text", NULL);
    /* Mentions are not "@ss": more than 3 letters after a leading '@'. */
    expect_alt(n, "RT @mayasolovely: hi @john_doe", "rt @mayasolovely: hi @john_doe", NULL);
    expect_alt(n, "", "", NULL);
}

/* ==== Spans ==== */

static void test_spans_fullwidth(void **state)
{
    mo_normalizer *n = *state;
    const char *in = "Hello \xef\xbd\x86\xef\xbd\x95\xef\xbd\x83\xef\xbd\x8b you";
    const mo_norm_view *v = norm(n, in);
    assert_string_equal(v->text, "hello fuck you");
    const char *hit = strstr(v->text, "fuck");
    assert_non_null(hit);
    uint32_t a, b;
    span_of(v->src_start, v->src_end, (size_t)(hit - v->text), 4, &a, &b);
    assert_int_equal(a, 6);
    assert_int_equal(b, 18);
    /* Each letter maps to its own 3 bytes. */
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(v->src_start[6 + i], 6 + 3 * i);
        assert_int_equal(v->src_end[6 + i], 9 + 3 * i);
    }
}

static void test_spans_joined(void **state)
{
    mo_normalizer *n = *state;
    const char *in = "go f  u c k";
    const mo_norm_view *v = norm(n, in);
    assert_string_equal(v->text, "go fuck");
    static const uint32_t want[] = {3, 6, 8, 10};
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(v->src_start[3 + i], want[i]);
        assert_int_equal(v->src_end[3 + i], want[i] + 1);
    }
    v = norm(n, "x f.u.c.k");
    assert_string_equal(v->text, "x fuck");
    assert_int_equal(v->src_start[5], 8);
    /* A confusable maps to the full bytes of its source character. */
    v = norm(n, "f\xcf\x85\xd1\x81k");
    assert_int_equal(v->src_start[1], 1);
    assert_int_equal(v->src_end[1], 3);
    assert_int_equal(v->src_start[2], 3);
    assert_int_equal(v->src_end[2], 5);
    /* A ligature's two letters both map to its 3 bytes. */
    v = norm(n, "\xef\xac\x81");
    assert_int_equal(v->src_start[0], 0);
    assert_int_equal(v->src_end[1], 3);
}

static void test_spans_alt(void **state)
{
    mo_normalizer *n = *state;
    const char *in = "Oh \xef\xbd\x93h1t!";
    const mo_norm_view *v = norm(n, in);
    assert_string_equal(v->text, "oh sh1t!");
    assert_non_null(v->alt);
    assert_string_equal(v->alt, "oh shit!");
    const char *hit = strstr(v->alt, "shit");
    uint32_t a, b;
    span_of(v->alt_src_start, v->alt_src_end, (size_t)(hit - v->alt), 4, &a, &b);
    assert_int_equal(a, 3);
    assert_int_equal(b, 9);
}

/* ==== Memory ==== */

static void test_no_alloc_after_warmup(void **state)
{
    mo_normalizer *n = *state;
    const char *in = "Hello \xef\xbd\x86\xef\xbd\x95\xef\xbd\x83\xef\xbd\x8b f u c k sh1t "
                     "caf\xc3\xa9 f\xcf\x85\xd1\x81k \xf0\x9f\x91\x8d";
    const mo_norm_view *v;
    assert_int_equal(mo_normalize(n, in, strlen(in), &v), MO_OK);
    uint64_t before = mo__alloc_calls();
    for (int i = 0; i < 10; i++)
        assert_int_equal(mo_normalize(n, in, strlen(in), &v), MO_OK);
    assert_int_equal(mo__alloc_calls(), before);
    assert_non_null(v->alt);
}

static void test_large(void **state)
{
    mo_normalizer *n = *state;
    size_t len = (size_t)8 << 20;
    char *in = malloc(len);
    assert_non_null(in);
    static const char unit[] = "Hello W\xd0\xbe\x72ld sh1t caf\xc3\xa9 \xef\xbd\x86\xef\xbd\x95 ";
    for (size_t i = 0; i < len; i++)
        in[i] = unit[i % (sizeof unit - 1)];
    in[len - 1] = 'x';
    const mo_norm_view *v = NULL;
    assert_int_equal(mo_normalize(n, in, len, &v), MO_OK);
    assert_true(v->len > len / 2);
    assert_non_null(v->alt);
    assert_int_equal(v->src_end[v->len - 1], len);
    check_spans(in, len, v->text, v->len, v->src_start, v->src_end);
    /* Same size again: no allocation. */
    uint64_t before = mo__alloc_calls();
    assert_int_equal(mo_normalize(n, in, len, &v), MO_OK);
    assert_int_equal(mo__alloc_calls(), before);
    free(in);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    mo_normalizer *n = NULL;
    for (uint64_t k = 1; k <= 4; k++) {
        mo__alloc_fail_after(k);
        int rc = mo_normalizer_new(&n);
        mo__alloc_fail_after(0);
        if (rc == MO_OK) {
            mo_normalizer_free(n);
            n = NULL;
            continue;
        }
        assert_int_equal(rc, MO_ENOMEM);
        assert_null(n);
    }
    assert_int_equal(mo_normalizer_new(&n), MO_OK);
    /* Growth of the text buffers or the alt buffer fails, then recovers. */
    size_t len = 100000;
    char *in = malloc(len + 1);
    assert_non_null(in);
    for (size_t i = 0; i < len; i++)
        in[i] = "sh1t "[i % 5];
    for (uint64_t k = 1; k <= 4; k++) {
        mo_normalizer *m = NULL;
        assert_int_equal(mo_normalizer_new(&m), MO_OK);
        const mo_norm_view *v = NULL;
        mo__alloc_fail_after(k);
        int rc = mo_normalize(m, in, len, &v);
        mo__alloc_fail_after(0);
        assert_true(rc == MO_ENOMEM || rc == MO_OK);
        if (rc == MO_ENOMEM)
            assert_null(v);
        assert_int_equal(mo_normalize(m, in, len, &v), MO_OK);
        assert_non_null(v->alt);
        mo_normalizer_free(m);
    }
    free(in);
    mo_normalizer_free(n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flag_names),
        cmocka_unit_test_setup_teardown(test_args, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_and_space, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invisible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_emoji, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diacritics, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_scripts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confusables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_confusables_scripts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_punct_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_masked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeat, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leet_hits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leet_traps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spans_fullwidth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spans_joined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spans_alt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_alloc_after_warmup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large, setup, teardown),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
