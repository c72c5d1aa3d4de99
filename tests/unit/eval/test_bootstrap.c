/*
 * test_bootstrap.c -- unit tests for src/eval/bootstrap.c. Includes the .c
 * file to test the weighted metric pass alone: with unit weights it must equal
 * the model layer's metrics (ties included), and integer weights must equal
 * duplicating items. Then the public bootstrap: determinism by seed, intervals
 * that contain the estimate, degenerate inputs (one class, all unknown, empty)
 * the paired difference, and allocation failure at every step.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../../src/eval/bootstrap.c"
#include "model/model.h"

#define N 300

static void make_data(float *s, int8_t *y, size_t n, uint64_t seed)
{
    mo_rng r;
    mo__rng_seed(&r, seed);
    for (size_t i = 0; i < n; i++) {
        y[i] = (int8_t)(mo__rng_below(&r, 3) == 0);
        /* Scores on a coarse grid give many ties; positives score higher. */
        s[i] = (float)(mo__rng_below(&r, 10) + (y[i] ? 4 : 0)) / 14.0f;
        if (mo__rng_below(&r, 10) == 0)
            y[i] = -1;
    }
}

static void test_weighted_matches_metrics(void **state)
{
    (void)state;
    static float s[N];
    static int8_t y[N];
    make_data(s, y, N, 7);
    ranking rk;
    assert_int_equal(ranking_build(&rk, s, y, N, 0.5f), MO_OK);
    double m[MO_EVAL_N_METRICS];
    weighted_metrics(&rk, NULL, m);
    assert_float_equal(m[MO_EVAL_PR_AUC], mo__metric_average_precision(s, y, N), 1e-12);
    assert_float_equal(m[MO_EVAL_ROC_AUC], mo__metric_roc_auc(s, y, N), 1e-12);
    mo_metric_counts c = mo__metric_at_threshold(s, y, N, 0.5f);
    assert_float_equal(m[MO_EVAL_PRECISION], c.precision, 1e-12);
    assert_float_equal(m[MO_EVAL_RECALL], c.recall, 1e-12);
    assert_float_equal(m[MO_EVAL_F1], c.f1, 1e-12);
    /* Weights 0..2 equal an explicit resample with those multiplicities. */
    static uint32_t w[N];
    static float s2[2 * N];
    static int8_t y2[2 * N];
    size_t k = 0;
    for (size_t i = 0; i < N; i++) {
        w[i] = (uint32_t)(i % 3);
        for (uint32_t t = 0; t < w[i]; t++)
            s2[k] = s[i], y2[k] = y[i], k++;
    }
    weighted_metrics(&rk, w, m);
    assert_float_equal(m[MO_EVAL_PR_AUC], mo__metric_average_precision(s2, y2, k), 1e-12);
    assert_float_equal(m[MO_EVAL_ROC_AUC], mo__metric_roc_auc(s2, y2, k), 1e-12);
    c = mo__metric_at_threshold(s2, y2, k, 0.5f);
    assert_float_equal(m[MO_EVAL_F1], c.f1, 1e-12);
    mo__free(rk.v);
}

static void test_bootstrap_basic(void **state)
{
    (void)state;
    static float s[N];
    static int8_t y[N];
    make_data(s, y, N, 11);
    const float *sp[1] = {s};
    const int8_t *yp[1] = {y};
    float th[1] = {0.5f};
    mo_eval_system a = {sp, th};
    mo_eval_ci c1[MO_EVAL_N_METRICS], c2[MO_EVAL_N_METRICS], c3[MO_EVAL_N_METRICS];
    assert_int_equal(mo__eval_bootstrap(yp, 1, N, &a, NULL, 500, 1, c1, NULL, NULL), MO_OK);
    assert_int_equal(mo__eval_bootstrap(yp, 1, N, &a, NULL, 500, 1, c2, NULL, NULL), MO_OK);
    assert_int_equal(mo__eval_bootstrap(yp, 1, N, &a, NULL, 500, 2, c3, NULL, NULL), MO_OK);
    assert_memory_equal(c1, c2, sizeof c1); /* same seed, same intervals */
    assert_true(c1[0].lo != c3[0].lo || c1[0].hi != c3[0].hi);
    double est[MO_EVAL_N_METRICS] = {
        mo__metric_average_precision(s, y, N), mo__metric_roc_auc(s, y, N),
        mo__metric_at_threshold(s, y, N, 0.5f).precision,
        mo__metric_at_threshold(s, y, N, 0.5f).recall, mo__metric_at_threshold(s, y, N, 0.5f).f1};
    for (int q = 0; q < MO_EVAL_N_METRICS; q++) {
        assert_true(c1[q].lo <= est[q] && est[q] <= c1[q].hi);
        assert_true(c1[q].hi - c1[q].lo > 0.005 && c1[q].hi - c1[q].lo < 0.4);
    }
}

static void test_bootstrap_degenerate(void **state)
{
    (void)state;
    float s[6] = {0.9f, 0.8f, 0.7f, 0.3f, 0.2f, 0.1f};
    int8_t sep[6] = {1, 1, 1, 0, 0, 0}, pos[6] = {1, 1, 1, 1, 1, 1},
           unk[6] = {-1, -1, -1, -1, -1, -1};
    const float *sp[3] = {s, s, s};
    const int8_t *yp[3] = {sep, pos, unk};
    float th[3] = {0.5f, 0.5f, 0.5f};
    mo_eval_system a = {sp, th};
    mo_eval_ci c[3 * MO_EVAL_N_METRICS];
    assert_int_equal(mo__eval_bootstrap(yp, 3, 6, &a, NULL, 200, 3, c, NULL, NULL), MO_OK);
    /* Perfect separation: every resample with both classes has AUC 1. */
    assert_float_equal(c[MO_EVAL_ROC_AUC].lo, 1.0, 1e-12);
    assert_float_equal(c[MO_EVAL_ROC_AUC].hi, 1.0, 1e-12);
    assert_float_equal(c[MO_EVAL_PR_AUC].lo, 1.0, 1e-12);
    /* One class only: no ROC-AUC; PR-AUC is 1 for all-positive data. */
    assert_true(isnan(c[MO_EVAL_N_METRICS + MO_EVAL_ROC_AUC].lo));
    assert_float_equal(c[MO_EVAL_N_METRICS + MO_EVAL_PR_AUC].hi, 1.0, 1e-12);
    /* All unknown: all NaN. */
    for (int q = 0; q < MO_EVAL_N_METRICS; q++)
        assert_true(isnan(c[2 * MO_EVAL_N_METRICS + q].lo) &&
                    isnan(c[2 * MO_EVAL_N_METRICS + q].hi));
    /* Empty input and zero resamples: NaN, MO_OK. */
    assert_int_equal(mo__eval_bootstrap(yp, 3, 0, &a, NULL, 200, 3, c, NULL, NULL), MO_OK);
    assert_true(isnan(c[0].lo));
    assert_int_equal(mo__eval_bootstrap(yp, 3, 6, &a, NULL, 0, 3, c, NULL, NULL), MO_OK);
    assert_true(isnan(c[0].hi));
    assert_int_equal(mo__eval_bootstrap(yp, 3, 6, NULL, NULL, 10, 3, c, NULL, NULL), MO_EINVAL);
}

static void test_bootstrap_paired(void **state)
{
    (void)state;
    static float s[N], good[N];
    static int8_t y[N];
    make_data(s, y, N, 5);
    for (size_t i = 0; i < N; i++)
        good[i] = y[i] > 0 ? 0.9f : 0.1f;
    const int8_t *yp[1] = {y};
    const float *sa[1] = {s}, *sb[1] = {good};
    float th[1] = {0.5f};
    mo_eval_system a = {sa, th}, b = {sb, th};
    mo_eval_ci ca[MO_EVAL_N_METRICS], cb[MO_EVAL_N_METRICS], cd[MO_EVAL_N_METRICS];
    /* Identical systems: the difference is exactly 0 in every resample. */
    assert_int_equal(mo__eval_bootstrap(yp, 1, N, &a, &a, 300, 9, ca, cb, cd), MO_OK);
    assert_memory_equal(ca, cb, sizeof ca);
    assert_float_equal(cd[MO_EVAL_PR_AUC].lo, 0.0, 1e-15);
    assert_float_equal(cd[MO_EVAL_PR_AUC].hi, 0.0, 1e-15);
    /* A perfect system is significantly better: the interval excludes 0. */
    assert_int_equal(mo__eval_bootstrap(yp, 1, N, &a, &b, 300, 9, ca, cb, cd), MO_OK);
    assert_true(cd[MO_EVAL_PR_AUC].lo > 0);
    assert_true(cd[MO_EVAL_ROC_AUC].lo > 0);
    assert_float_equal(cb[MO_EVAL_ROC_AUC].lo, 1.0, 1e-12);
    /* The plain run's intervals for a equal the paired run's (same indices). */
    mo_eval_ci c1[MO_EVAL_N_METRICS];
    assert_int_equal(mo__eval_bootstrap(yp, 1, N, &a, NULL, 300, 9, c1, NULL, NULL), MO_OK);
    assert_memory_equal(c1, ca, sizeof c1);
    assert_int_equal(mo__eval_bootstrap(yp, 1, N, &a, &b, 300, 9, ca, NULL, NULL), MO_EINVAL);
}

/* Allocation failure at every step: MO_ENOMEM, nothing leaked. */
static void test_bootstrap_oom(void **state)
{
    (void)state;
    static float s[N], s2[N];
    static int8_t y[N];
    make_data(s, y, N, 13);
    make_data(s2, y, N, 13);
    const int8_t *yp[2] = {y, y};
    const float *sp[2] = {s, s2};
    float th[2] = {0.5f, 0.4f};
    mo_eval_system a = {sp, th};
    mo_eval_ci ca[2 * MO_EVAL_N_METRICS], cd[2 * MO_EVAL_N_METRICS];
    size_t before = mo_memory_used();
    int ok = 0;
    for (uint64_t n = 1; n < 20; n++) {
        mo__alloc_fail_after(n);
        int rc = mo__eval_bootstrap(yp, 2, N, &a, &a, 20, 1, ca, NULL, cd);
        mo__alloc_fail_after(0);
        if (rc == MO_OK)
            ok = 1;
        else
            assert_int_equal(rc, MO_ENOMEM);
        assert_int_equal(mo_memory_used(), before);
    }
    assert_true(ok);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_weighted_matches_metrics),
        cmocka_unit_test(test_bootstrap_basic),
        cmocka_unit_test(test_bootstrap_degenerate),
        cmocka_unit_test(test_bootstrap_paired),
        cmocka_unit_test(test_bootstrap_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
