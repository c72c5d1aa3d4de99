/*
 * test_html.c -- unit tests for src/eval/html.c: a report drawn from a small
 * synthetic eval document and scores is well-formed (every element it opens is
 * closed, in order), contains SVG plots, never prints "nan" or "inf", escapes a
 * label named "<script>", keeps curves within MO_EVAL_HTML_MAX_POINTS points,
 * writes the same bytes to a file, and survives allocation failure without
 * leaking.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eval/eval.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define N 3000
#define EVIL "<script>alert('x')</script> & \"q\""

static float g_s[2][N];
static int8_t g_y[2][N];

static json_t *label_doc(int with_nulls)
{
    json_t *l = json_pack("{s:i,s:i,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:f,s:i,s:i,s:i,s:i}",
                          "n_known", N, "support", N / 3, "pr_auc", 0.8, "roc_auc", 0.9,
                          "threshold", 0.5, "precision", 0.7, "recall", 0.6, "f1", 0.65, "fpr", 0.1,
                          "best_f1", 0.7, "ece", 0.05, "tp", 600, "fp", 250, "fn", 400, "tn", 1750);
    json_object_set_new(l, "ci",
                        json_pack("{s:[ff],s:n,s:[ff],s:[ff],s:[ff]}", "pr_auc", 0.75, 0.85,
                                  "roc_auc", "precision", 0.6, 0.8, "recall", 0.5, 0.7, "f1", 0.6,
                                  0.7));
    json_t *sw = json_array();
    for (int i = 0; i < MO_EVAL_SWEEP_N; i++) {
        json_t *p = json_pack("{s:f,s:f,s:f}", "threshold", 0.05 * (i + 1), "precision",
                              0.5 + 0.02 * i, "recall", 1.0 - 0.05 * i);
        json_object_set_new(p, "f1", with_nulls && i > 15 ? json_null() : json_real(0.6));
        json_array_append_new(sw, p);
    }
    json_object_set_new(l, "sweep", sw);
    if (with_nulls) {
        json_object_set_new(l, "roc_auc", json_null());
        json_object_set_new(l, "ece", json_null());
    }
    return l;
}

/* A document with labels "hate" and EVIL, one --by group (the evil name) and
 * one --slice field with a subgroup whose AUCs are null, one whose BPSN AUC
 * is left out of the summary (de) and one from before the minimums (en). */
static json_t *make_doc(void)
{
    json_t *labels = json_object();
    json_object_set_new(labels, "hate", label_doc(0));
    json_object_set_new(labels, EVIL, label_doc(1));
    json_t *all = json_pack("{s:i,s:o,s:f,s:n,s:f}", "n_items", N, "labels", labels, "macro_pr_auc",
                            0.8, "macro_roc_auc", "macro_f1", 0.6);
    json_t *glabels = json_object();
    json_object_set_new(glabels, "hate", label_doc(1));
    json_t *grp = json_pack("{s:i,s:o}", "n_items", 10, "labels", glabels);
    json_t *groups = json_pack("{s:o,s:o}", "all", all, EVIL, grp);
    json_t *subs = json_pack(
        "{s:{s:f,s:f,s:f},s:{s:n,s:n,s:n,s:{s:b,s:b,s:b,s:b}},s:{s:f,s:f,s:f,s:{s:b,s:b,s:b,s:b}}}",
        "en", "subgroup_auc", 0.9, "bpsn_auc", 0.8, "bnsp_auc", 0.85, EVIL, "subgroup_auc",
        "bpsn_auc", "bnsp_auc", "in_summary", "subgroup_auc", 0, "bpsn_auc", 0, "bnsp_auc", 0,
        "fpr_gap", 0, "de", "subgroup_auc", 0.7, "bpsn_auc", 0.6, "bnsp_auc", 0.75, "in_summary",
        "subgroup_auc", 1, "bpsn_auc", 0, "bnsp_auc", 1, "fpr_gap", 1);
    json_t *fl = json_pack("{s:f,s:f,s:n,s:f,s:o,s:i,s:i,s:{s:i,s:i,s:i,s:i}}", "overall_auc", 0.9,
                           "final_score", 0.85, "max_fpr_gap", "max_fnr_gap", 0.1, "subgroups",
                           subs, "min_negatives", 30, "min_class", 10, "left_out", "subgroup_auc",
                           0, "bpsn_auc", 1, "bnsp_auc", 0, "fpr_gap", 0);
    json_t *fairness = json_pack("{s:{s:i,s:{s:o}}}", "lang", "subgroups", 3, "labels", "hate", fl);
    return json_pack("{s:s,s:s,s:s,s:s,s:n,s:s,s:{s:i,s:i},s:o,s:o}", "schema", "moderato.eval/1",
                     "data", "t<1>.jsonl", "data_xxh64", "00", "model", "m", "model_xxh64", "by",
                     "source", "bootstrap", "resamples", 100, "seed", 7, "groups", groups,
                     "fairness", fairness);
}

static void make_scores(void)
{
    uint32_t x = 12345;
    for (int k = 0; k < 2; k++) {
        for (int i = 0; i < N; i++) {
            x = x * 1103515245u + 12345u;
            g_y[k][i] = i % 3 == 0 ? 1 : 0;
            if (i % 17 == 0)
                g_y[k][i] = -1; /* unknown */
            float noise = (float)((x >> 8) % 1000) / 1000.0f;
            g_s[k][i] = 0.6f * noise + (g_y[k][i] == 1 ? 0.4f : 0.0f);
        }
    }
    g_s[1][5] = NAN; /* a score that is not a number is skipped, not printed */
}

static int render(const json_t *doc, mo_buf *b)
{
    static const char *const names[2] = {"hate", EVIL};
    const float *sp[2] = {g_s[0], g_s[1]};
    const int8_t *yp[2] = {g_y[0], g_y[1]};
    mo_eval_html_input in = {doc, 2, names, sp, yp, N};
    return mo__eval_html_render(&in, b);
}

/* Checks that elements nest properly: every <x ...> is closed by </x> in
 * order, except void (meta) and self-closed (<x/>) ones. */
static void assert_well_formed(const char *p)
{
    char stack[256][16];
    int depth = 0;
    assert_int_equal(strncmp(p, "<!DOCTYPE html>", 15), 0);
    p += 15;
    while ((p = strchr(p, '<'))) {
        const char *e = strchr(p, '>');
        assert_non_null(e);
        int closing = p[1] == '/';
        const char *n = p + 1 + closing;
        size_t len = 0;
        while (isalnum((unsigned char)n[len]))
            len++;
        assert_true(len > 0 && len < 16);
        char name[16];
        memcpy(name, n, len);
        name[len] = 0;
        if (closing) {
            assert_true(depth > 0);
            assert_string_equal(stack[depth - 1], name);
            depth--;
        } else if (e[-1] != '/' && strcmp(name, "meta")) {
            assert_true(depth < 256);
            strcpy(stack[depth++], name);
        }
        p = e + 1;
    }
    assert_int_equal(depth, 0);
}

/* No "nan" or "inf" as a word, in any case. */
static void assert_no_nonfinite(const char *p)
{
    for (const char *q = p; *q; q++) {
        if (isalpha((unsigned char)q[0]) && q > p && isalpha((unsigned char)q[-1]))
            continue;
        if (!strncasecmp(q, "nan", 3) || !strncasecmp(q, "inf", 3)) {
            int word_end = !isalpha((unsigned char)q[3]);
            if (word_end)
                fail_msg("non-finite number near: %.40s", q > p + 20 ? q - 20 : p);
        }
    }
}

static void test_report(void **state)
{
    (void)state;
    make_scores();
    json_t *doc = make_doc();
    mo_buf b = {0};
    assert_int_equal(render(doc, &b), MO_OK);
    assert_well_formed(b.ptr);
    assert_no_nonfinite(b.ptr);
    assert_non_null(strstr(b.ptr, "<svg"));
    assert_non_null(strstr(b.ptr, "<style>"));
    assert_null(strstr(b.ptr, "<script"));
    assert_null(strstr(b.ptr, "http://www.w3.org/1999")); /* nothing but the SVG namespace */
    assert_non_null(
        strstr(b.ptr, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"));
    assert_non_null(strstr(b.ptr, "t&lt;1&gt;.jsonl"));
    /* Both labels get plots; the per-group and per-slice bars are there. */
    assert_non_null(strstr(b.ptr, "Precision-recall"));
    assert_non_null(strstr(b.ptr, "Reliability (10 bins)"));
    assert_non_null(strstr(b.ptr, "Threshold sweep"));
    assert_non_null(strstr(b.ptr, "TP 600"));
    assert_non_null(strstr(b.ptr, "PR-AUC per group (95% CI)"));
    assert_non_null(strstr(b.ptr, "--slice lang"));
    /* The subgroup with a value left out of the summaries is marked, with a
     * footnote; undefined values and documents without in_summary are not. */
    assert_non_null(strstr(b.ptr, ">de*<"));
    assert_null(strstr(b.ptr, "en*"));
    assert_non_null(
        strstr(b.ptr, "left out of the summaries (fewer than 10 positives or negatives"));
    assert_non_null(strstr(b.ptr, "left out: subgroup AUC 0, BPSN AUC 1, BNSP AUC 0, FPR gap 0."));
    /* No external resource: the only URL is the SVG namespace. */
    for (const char *q = b.ptr; (q = strstr(q, "http")); q++)
        assert_int_equal(strncmp(q, "http://www.w3.org/2000/svg", 26), 0);
    /* Every polyline has at most MO_EVAL_HTML_MAX_POINTS + 1 points. */
    size_t n_lines = 0;
    for (const char *q = b.ptr; (q = strstr(q, "points=\"")); n_lines++) {
        const char *e = strchr(q + 8, '"');
        size_t pts = 1;
        for (const char *c = q + 8; c < e; c++)
            pts += *c == ' ';
        assert_true(pts <= MO_EVAL_HTML_MAX_POINTS + 1);
        q = e;
    }
    assert_true(n_lines >= 10);

    /* The file holds exactly the rendered page. */
    char path[] = "/tmp/mo_html_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    static const char *const names[2] = {"hate", EVIL};
    const float *sp[2] = {g_s[0], g_s[1]};
    const int8_t *yp[2] = {g_y[0], g_y[1]};
    mo_eval_html_input in = {doc, 2, names, sp, yp, N};
    assert_int_equal(mo__eval_html_write(path, &in, NULL), MO_OK);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *got = malloc(b.len + 2);
    assert_int_equal(fread(got, 1, b.len + 1, f), b.len);
    assert_memory_equal(got, b.ptr, b.len);
    free(got);
    fclose(f);
    unlink(path);
    mo__buf_free(&b);
    json_decref(doc);
}

static void test_no_all_group(void **state)
{
    (void)state;
    json_t *doc = json_pack("{s:{}}", "groups");
    mo_buf b = {0};
    assert_int_equal(render(doc, &b), MO_EINVAL);
    mo__buf_free(&b);
    json_decref(doc);
}

static void test_oom(void **state)
{
    (void)state;
    make_scores();
    json_t *doc = make_doc();
    size_t before = mo_memory_used();
    int ok = 0;
    for (uint64_t n = 1; n < 200 && !ok; n++) {
        mo_buf b = {0};
        mo__alloc_fail_after(n);
        int rc = render(doc, &b);
        mo__alloc_fail_after(0);
        assert_true(rc == MO_OK || rc == MO_ENOMEM);
        ok = rc == MO_OK;
        mo__buf_free(&b);
        assert_int_equal(mo_memory_used(), before);
    }
    assert_true(ok);
    json_decref(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_no_all_group),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
