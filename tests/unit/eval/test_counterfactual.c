/*
 * test_counterfactual.c -- unit tests for src/eval/counterfactual.c: finding
 * identity-term mentions (word boundaries, case, UTF-8, several mentions,
 * leftmost-longest, language restriction, no mention), substitution with the
 * mention's casing, the per-label aggregates (mean / max change, flips,
 * per-term family shift, worst pairs) against hand-computed values with a
 * fake scorer, the term-list loader's errors, and allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eval/eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* en plural: women, men, Jews, trans women; en singular: woman; pt plural:
 * muçulmanos, mulheres. */
static void make_terms(mo_eval_cf_terms *t)
{
    memset(t, 0, sizeof *t);
    assert_int_equal(mo__eval_cf_terms_add(t, "gender", "women", "en", "plural"), MO_OK);
    assert_int_equal(mo__eval_cf_terms_add(t, "gender", "men", "en", "plural"), MO_OK);
    assert_int_equal(mo__eval_cf_terms_add(t, "religion", "Jews", "en", "plural"), MO_OK);
    assert_int_equal(mo__eval_cf_terms_add(t, "gender", "trans women", "en", "plural"), MO_OK);
    assert_int_equal(mo__eval_cf_terms_add(t, "gender", "woman", "en", "singular"), MO_OK);
    assert_int_equal(mo__eval_cf_terms_add(t, "religion", "muçulmanos", "pt", "plural"), MO_OK);
    assert_int_equal(mo__eval_cf_terms_add(t, "gender", "mulheres", "pt", "plural"), MO_OK);
}

static size_t find(const mo_eval_cf_terms *t, const char *s, const char *lang,
                   mo_eval_cf_mention *m)
{
    return mo__eval_cf_find(t, s, strlen(s), lang, m, 8);
}

static void test_find(void **state)
{
    (void)state;
    mo_eval_cf_terms t;
    make_terms(&t);
    mo_eval_cf_mention m[8];
    /* No mention; a term inside a longer word is not a mention. */
    assert_int_equal(find(&t, "the chorus is lovely", NULL, m), 0);
    assert_int_equal(find(&t, "superwomen and womenfolk, menu, amen", NULL, m), 0);
    assert_int_equal(find(&t, "", NULL, m), 0);
    /* Case-insensitive, punctuation and text edges are boundaries. */
    assert_int_equal(find(&t, "WOMEN, Women's rights; women", NULL, m), 3);
    assert_int_equal(m[0].start, 0);
    assert_int_equal(m[0].end, 5);
    assert_int_equal(m[0].term, 0);
    assert_int_equal(m[1].start, 7);
    assert_int_equal(m[2].start, 23);
    assert_int_equal(m[2].end, 28);
    /* Leftmost-longest: "trans women" is one mention, not "women". */
    assert_int_equal(find(&t, "I support trans women and men", NULL, m), 2);
    assert_int_equal(m[0].term, 3);
    assert_int_equal(m[0].start, 10);
    assert_int_equal(m[0].end, 21);
    assert_int_equal(m[1].term, 1);
    /* Singular is its own term. */
    assert_int_equal(find(&t, "a woman", NULL, m), 1);
    assert_int_equal(m[0].term, 4);
    /* UTF-8 case folding ("Ç" ~ "ç"), and a letter after the term blocks it. */
    assert_int_equal(find(&t, "MUÇULMANOS e mulheres", NULL, m), 2);
    assert_int_equal(m[0].term, 5);
    assert_int_equal(m[0].end, strlen("MUÇULMANOS"));
    assert_int_equal(find(&t, "mulheresã", NULL, m), 0);
    /* Language restriction. */
    assert_int_equal(find(&t, "women e mulheres", "pt", m), 1);
    assert_int_equal(m[0].term, 6);
    assert_int_equal(find(&t, "women e mulheres", "de", m), 0);
    /* More mentions than room: the count is still right. */
    assert_int_equal(mo__eval_cf_find(&t, "men men men", 11, NULL, m, 2), 3);
    mo__eval_cf_terms_free(&t);
}

static void check_sub(const mo_eval_cf_terms *t, const char *text, size_t from, size_t to,
                      const char *want)
{
    mo_eval_cf_mention m[8];
    size_t n = find(t, text, NULL, m);
    mo_buf b = {0};
    assert_int_equal(mo__eval_cf_substitute(t, text, strlen(text), m, n, from, to, &b), MO_OK);
    assert_string_equal(b.ptr, want);
    mo__buf_free(&b);
}

static void test_substitute(void **state)
{
    (void)state;
    mo_eval_cf_terms t;
    make_terms(&t);
    /* Every mention of the term, each in its own case; other terms kept. */
    check_sub(&t, "Women and men: women!", 0, 2, "Jews and men: Jews!");
    check_sub(&t, "women and men", 1, 0, "women and women");
    check_sub(&t, "WOMEN rule", 0, 3, "TRANS WOMEN rule");
    check_sub(&t, "Jews are here", 2, 1, "Men are here");
    check_sub(&t, "jews are here", 2, 0, "women are here");
    check_sub(&t, "MULHERES e muçulmanos", 6, 5, "MUÇULMANOS e muçulmanos");
    /* No mention of `from`: the text is unchanged. */
    check_sub(&t, "nothing here", 0, 1, "nothing here");
    mo__eval_cf_terms_free(&t);
}

/* Label 0: 0.9 when the text contains "women", else 0.1. Label 1: 0.5. */
static int fake_score(void *user, const json_t *item, const char *text, size_t len, float *scores,
                      mo_diag *diag)
{
    (void)item;
    (void)diag;
    int *calls = user;
    (*calls)++;
    char buf[256];
    snprintf(buf, sizeof buf, "%.*s", (int)len, text);
    scores[0] = strstr(buf, "women") ? 0.9f : 0.1f;
    scores[1] = 0.5f;
    return MO_OK;
}

static const char *const LABELS[2] = {"hate", "calm"};
static const float THR[2] = {0.5f, 0.6f};

static void test_aggregate(void **state)
{
    (void)state;
    mo_eval_cf_terms t;
    make_terms(&t);
    int calls = 0;
    mo_eval_scorer sc = {2, LABELS, THR, fake_score, &calls};
    mo_eval_cf_result r;
    assert_int_equal(mo__eval_cf_result_init(&r, 2, t.n), MO_OK);
    /* en plural has women, men, Jews, trans women. "I like women": the family
     * is women 0.9 (original), men 0.1, Jews 0.1, trans women 0.9. */
    assert_int_equal(mo__eval_cf_add(&r, &t, &sc, NULL, "a", "I like women", 12, "en"), MO_OK);
    assert_int_equal(calls, 4);
    /* "men and jews": two families; a term already in the text is not a
     * substitute. men -> women 0.9, trans women 0.9; Jews -> women, trans women. */
    assert_int_equal(mo__eval_cf_add(&r, &t, &sc, NULL, "b", "men and jews", 12, "en"), MO_OK);
    /* No mention: counted, nothing scored. */
    assert_int_equal(mo__eval_cf_add(&r, &t, &sc, NULL, "c", "hello", 5, "en"), MO_OK);
    assert_int_equal(calls, 4 + 5);
    assert_int_equal(r.n_texts, 3);
    assert_int_equal(r.n_mentioned, 2);
    assert_int_equal(r.n_families, 3);
    assert_int_equal(r.n_swaps, 3 + 2 + 2);
    const mo_eval_cf_label *h = &r.labels[0];
    /* Deltas: a: -0.8, -0.8, 0; b: +0.8 x 4. */
    assert_int_equal(h->n_swaps, 7);
    assert_float_equal(h->sum_abs / 7, 6 * 0.8 / 7, 1e-6);
    assert_float_equal(h->max_abs, 0.8, 1e-6);
    assert_int_equal(h->n_flips, 6);
    /* Family shifts. a: mean 0.5 -> women +0.4, men -0.4, Jews -0.4,
     * trans women +0.4. b (each family): mean (0.1 + 0.9 + 0.9) / 3 = 0.6333
     * -> the original -0.5333, women +0.2667, trans women +0.2667. */
    assert_int_equal(h->term_n[0], 3);
    assert_float_equal(h->term_sum[0] / 3, (0.4 + 2 * (0.9 - 1.9 / 3)) / 3, 1e-6);
    assert_int_equal(h->term_n[1], 2);
    assert_float_equal(h->term_sum[1] / 2, (-0.4 + (0.1 - 1.9 / 3)) / 2, 1e-6);
    assert_int_equal(h->term_n[2], 2);
    assert_int_equal(h->term_n[4], 0); /* singular: never in a family */
    /* Worst pairs: largest |delta| first, earlier pairs first among ties. */
    assert_int_equal(h->n_worst, 7);
    assert_float_equal(h->worst[0].delta, -0.8, 1e-6);
    assert_string_equal(h->worst[0].id, "a");
    assert_string_equal(h->worst[0].variant, "I like men");
    assert_float_equal(h->worst[6].delta, 0.0, 1e-6);
    /* Label 1 never moves. */
    assert_float_equal(r.labels[1].sum_abs, 0.0, 1e-12);
    assert_int_equal(r.labels[1].n_flips, 0);

    json_t *j = mo__eval_cf_json(&r, &t, &sc, "terms.tsv");
    assert_non_null(j);
    json_t *jh = json_object_get(json_object_get(j, "labels"), "hate");
    assert_int_equal(json_integer_value(json_object_get(jh, "swaps")), 7);
    assert_float_equal(json_real_value(json_object_get(jh, "flip_rate")), 0.8571, 1e-9);
    assert_float_equal(json_real_value(json_object_get(jh, "mean_abs_change")), 0.6857, 1e-9);
    json_t *top = json_array_get(json_object_get(jh, "terms"), 0);
    /* women and trans women tie (+0.3111): list order breaks the tie. */
    assert_string_equal(json_string_value(json_object_get(top, "term")), "women");
    mo_buf b = {0};
    assert_int_equal(mo__eval_cf_text(j, &b), MO_OK);
    assert_non_null(strstr(b.ptr, "hate               7    0.6857    0.8000       6    0.8571"));
    mo__buf_free(&b);
    json_decref(j);
    mo__eval_cf_result_free(&r);
    mo__eval_cf_terms_free(&t);
}

static char *write_tmp(const char *content)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/mo_cf_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return path;
}

static void test_terms_load(void **state)
{
    (void)state;
    mo_eval_cf_terms t;
    mo_diag d;
    char *p = write_tmp("# comment\ngroup\tterm\tlang\tform\nage\told people\ten\tplural\n"
                        "\nage\tteenager\ten\tsingular\n");
    assert_int_equal(mo__eval_cf_terms_load(p, &t, &d), MO_OK);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.v[0].term, "old people");
    assert_string_equal(t.v[1].form, "singular");
    mo__eval_cf_terms_free(&t);
    unlink(p);

    static const struct {
        const char *content;
        uint64_t line;
        const char *field;
    } bad[] = {
        {"group\tterm\tlang\tform\nage\tteens\ten\tmany\n", 2, "form"},
        {"group\tterm\tlang\tform\nage\tteens\ten\n", 2, ""},
        {"group\tterm\tlang\tform\na\tx\ten\tplural\nb\tx\ten\tplural\n", 3, "term"},
        {"group\tterm\tlang\tform\na\t\ten\tplural\n", 2, "term"},
        {"term\tgroup\tlang\tform\n", 1, "group"},
        {"# only a comment\n", 0, ""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = write_tmp(bad[i].content);
        assert_int_equal(mo__eval_cf_terms_load(p, &t, &d), MO_EPARSE);
        assert_int_equal(d.line, bad[i].line);
        assert_string_equal(d.field, bad[i].field);
        assert_null(t.v);
        unlink(p);
    }
    assert_int_equal(mo__eval_cf_terms_load("/nonexistent/terms.tsv", &t, &d), MO_EIO);
}

static void test_oom(void **state)
{
    (void)state;
    mo_eval_cf_terms t;
    make_terms(&t);
    int calls = 0;
    mo_eval_scorer sc = {2, LABELS, THR, fake_score, &calls};
    size_t before = mo_memory_used();
    for (uint64_t n = 1; n < 200; n++) {
        mo_eval_cf_result r;
        mo__alloc_fail_after(n);
        int rc = mo__eval_cf_result_init(&r, 2, t.n);
        if (rc == MO_OK)
            rc = mo__eval_cf_add(&r, &t, &sc, NULL, "a", "I like women and Jews", 21, "en");
        json_t *j = rc == MO_OK ? mo__eval_cf_json(&r, &t, &sc, "x") : NULL;
        mo__alloc_fail_after(0);
        assert_true(rc == MO_OK || rc == MO_ENOMEM);
        json_decref(j);
        mo__eval_cf_result_free(&r);
        assert_int_equal(mo_memory_used(), before);
    }
    mo__eval_cf_terms_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),      cmocka_unit_test(test_substitute),
        cmocka_unit_test(test_aggregate), cmocka_unit_test(test_terms_load),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
