/*
 * test_metrics.c -- unit tests for src/model/metrics.c: average precision and
 * ROC-AUC against hand-computed values (with ties, one class only, all
 * unknown), counts at a threshold, best-F1 and target-precision thresholds,
 * expected calibration error and log loss. Unknown labels (-1) are skipped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/model.h"

#include <math.h>

static void test_average_precision(void **state)
{
    (void)state;
    /* Ranking: 0.9(+) 0.8(-) 0.7(+) 0.1(-): AP = 1*0.5 + 2/3*0.5 = 0.8333. */
    float s[] = {0.9f, 0.8f, 0.7f, 0.1f};
    int8_t y[] = {1, 0, 1, 0};
    assert_float_equal(mo__metric_average_precision(s, y, 4), 0.5 + (2.0 / 3.0) * 0.5, 1e-9);
    /* Perfect ranking. */
    int8_t y2[] = {1, 1, 0, 0};
    assert_float_equal(mo__metric_average_precision(s, y2, 4), 1.0, 1e-12);
    /* Unknown entries are skipped: same as the first case. */
    float s3[] = {0.9f, 0.85f, 0.8f, 0.7f, 0.1f, 0.05f};
    int8_t y3[] = {1, -1, 0, 1, 0, -1};
    assert_float_equal(mo__metric_average_precision(s3, y3, 6), 0.5 + (2.0 / 3.0) * 0.5, 1e-9);
}

static void test_average_precision_ties(void **state)
{
    (void)state;
    /* All scores equal: one group, AP = prevalence, whatever the order. */
    float s[] = {0.5f, 0.5f, 0.5f, 0.5f};
    int8_t a[] = {1, 0, 0, 0}, b[] = {0, 0, 0, 1};
    assert_float_equal(mo__metric_average_precision(s, a, 4), 0.25, 1e-12);
    assert_float_equal(mo__metric_average_precision(s, b, 4), 0.25, 1e-12);
    /* 0.9(+) then a tie at 0.5 of (+,-): AP = 0.5*1 + 0.5*(2/3). */
    float t[] = {0.9f, 0.5f, 0.5f};
    int8_t c[] = {1, 1, 0}, d[] = {1, 0, 1};
    assert_float_equal(mo__metric_average_precision(t, c, 3), 0.5 + 0.5 * 2.0 / 3.0, 1e-9);
    assert_float_equal(mo__metric_average_precision(t, d, 3), 0.5 + 0.5 * 2.0 / 3.0, 1e-9);
}

static void test_degenerate(void **state)
{
    (void)state;
    float s[] = {0.3f, 0.6f};
    int8_t neg[] = {0, 0}, pos[] = {1, 1}, unk[] = {-1, -1};
    assert_true(isnan(mo__metric_average_precision(s, neg, 2)));
    assert_float_equal(mo__metric_average_precision(s, pos, 2), 1.0, 1e-12);
    assert_true(isnan(mo__metric_average_precision(s, unk, 2)));
    assert_true(isnan(mo__metric_roc_auc(s, pos, 2)));
    assert_true(isnan(mo__metric_roc_auc(s, neg, 2)));
    assert_true(isnan(mo__metric_roc_auc(s, unk, 2)));
    assert_true(isnan(mo__metric_ece(s, unk, 2, 10)));
    assert_true(isnan(mo__metric_log_loss(s, unk, 2)));
    mo_metric_counts c = mo__metric_at_threshold(s, unk, 2, 0.5f);
    assert_int_equal(c.n_known, 0);
    mo_metric_counts t;
    assert_int_equal(mo__metric_threshold_for_precision(s, neg, 2, 0.8, &t), MO_ENOTFOUND);
    assert_true(isnan(mo__metric_average_precision(NULL, NULL, 0)));
}

static void test_roc_auc(void **state)
{
    (void)state;
    float s[] = {0.9f, 0.8f, 0.7f, 0.1f};
    int8_t y[] = {1, 0, 1, 0};
    /* Pairs (pos, neg): (0.9,0.8) (0.9,0.1) (0.7,0.8)x (0.7,0.1) -> 3/4. */
    assert_float_equal(mo__metric_roc_auc(s, y, 4), 0.75, 1e-12);
    /* A tie between a positive and a negative counts one half. */
    float t[] = {0.5f, 0.5f, 0.2f};
    int8_t z[] = {1, 0, 0};
    assert_float_equal(mo__metric_roc_auc(t, z, 3), (0.5 + 1.0) / 2.0, 1e-12);
}

static void test_counts_and_thresholds(void **state)
{
    (void)state;
    float s[] = {0.95f, 0.9f, 0.8f, 0.6f, 0.4f, 0.3f, 0.2f, 0.1f};
    int8_t y[] = {1, 1, 0, 1, 0, 1, 0, 0};
    mo_metric_counts c = mo__metric_at_threshold(s, y, 8, 0.6f);
    assert_int_equal(c.tp, 3);
    assert_int_equal(c.fp, 1);
    assert_int_equal(c.fn, 1);
    assert_int_equal(c.tn, 3);
    assert_int_equal(c.support, 4);
    assert_float_equal(c.precision, 0.75, 1e-12);
    assert_float_equal(c.recall, 0.75, 1e-12);
    assert_float_equal(c.f1, 0.75, 1e-12);
    /* Best F1: at 0.3 -> tp 4, fp 2: P 2/3, R 1, F1 0.8 (better than 0.75). */
    mo_metric_counts b = mo__metric_best_f1(s, y, 8);
    assert_float_equal(b.threshold, 0.3f, 0);
    assert_float_equal(b.f1, 0.8, 1e-12);
    /* Precision >= 0.75 with max recall: 0.6 (P 0.75, R 0.75); 0.3 has P 0.667. */
    mo_metric_counts p;
    assert_int_equal(mo__metric_threshold_for_precision(s, y, 8, 0.75, &p), MO_OK);
    assert_float_equal(p.threshold, 0.6f, 0);
    assert_float_equal(p.recall, 0.75, 1e-12);
    /* Precision 1.0: only the top two. */
    assert_int_equal(mo__metric_threshold_for_precision(s, y, 8, 1.0, &p), MO_OK);
    assert_float_equal(p.threshold, 0.9f, 0);
    assert_int_equal(p.tp, 2);
}

static void test_ece_log_loss(void **state)
{
    (void)state;
    /* Bin [0.2,0.3): two at 0.25, one positive -> |0.5-0.25| * 2/4. Bin [0.9,1]:
     * two at 0.95, both positive -> |1-0.95| * 2/4. */
    float s[] = {0.25f, 0.25f, 0.95f, 0.95f};
    int8_t y[] = {1, 0, 1, 1};
    assert_float_equal(mo__metric_ece(s, y, 4, 10), 0.25 * 0.5 + 0.05 * 0.5, 1e-6);
    float p[] = {0.5f, 0.5f};
    int8_t q[] = {1, 0};
    assert_float_equal(mo__metric_log_loss(p, q, 2), log(2.0), 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_average_precision),
        cmocka_unit_test(test_average_precision_ties),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_roc_auc),
        cmocka_unit_test(test_counts_and_thresholds),
        cmocka_unit_test(test_ece_log_loss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
