/*
 * test_metrics.c -- unit tests for src/model/metrics.c: average precision and
 * ROC-AUC against hand-computed values (with ties, one class only, all
 * unknown), counts at a threshold, best-F1 and target-precision thresholds,
 * recall at a precision (ties, exact boundary, never reached, one class, all
 * unknown), micro averages, expected calibration error and log loss. Unknown labels (-1) are
 * skipped.
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

static void test_recall_at_precision(void **state)
{
    (void)state;
    float t;
    /* Thresholds: 0.95 P 1 R .25; 0.9 P 1 R .5; 0.8 P .67; 0.6 P .75 R .75;
     * 0.4 P .6; 0.3 P .67 R 1; 0.2 P .57; 0.1 P .5. */
    float s[] = {0.95f, 0.9f, 0.8f, 0.6f, 0.4f, 0.3f, 0.2f, 0.1f};
    int8_t y[] = {1, 1, 0, 1, 0, 1, 0, 0};
    assert_float_equal(mo__metric_recall_at_precision(s, y, 8, 0.9, &t), 0.5, 1e-12);
    assert_float_equal(t, 0.9f, 0);
    assert_float_equal(mo__metric_recall_at_precision(s, y, 8, 0.75, &t), 0.75, 1e-12);
    assert_float_equal(t, 0.6f, 0);
    assert_float_equal(mo__metric_recall_at_precision(s, y, 8, 0.6, &t), 1.0, 1e-12);
    assert_float_equal(t, 0.3f, 0);
    assert_float_equal(mo__metric_recall_at_precision(s, y, 8, 0.6, NULL), 1.0, 1e-12);

    /* Exact boundary: 9 positives and 1 negative above 0.55 -> precision
     * 9/10 meets 0.9 (recall 0.9); for 0.95 only the top four (recall 0.4). */
    float b[12];
    int8_t by[12] = {1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1};
    for (int i = 0; i < 12; i++)
        b[i] = (float)(20 - i) / 20.0f;
    assert_float_equal(mo__metric_recall_at_precision(b, by, 12, 0.9, &t), 0.9, 1e-12);
    assert_float_equal(t, 0.55f, 0);
    assert_float_equal(mo__metric_recall_at_precision(b, by, 12, 0.95, &t), 0.4, 1e-12);
    assert_float_equal(t, 0.85f, 0);

    /* Equal recall at several thresholds: the highest one (best precision). */
    float e[] = {0.9f, 0.8f};
    int8_t ey[] = {1, 0};
    assert_float_equal(mo__metric_recall_at_precision(e, ey, 2, 0.5, &t), 1.0, 1e-12);
    assert_float_equal(t, 0.9f, 0);

    /* Ties: a positive and a negative at 0.9 are one threshold (precision
     * 1/2), whatever their order, so 0.9 is never reached: recall 0. */
    float ts[] = {0.9f, 0.9f, 0.8f};
    int8_t t1[] = {1, 0, 1}, t2[] = {0, 1, 1};
    assert_float_equal(mo__metric_recall_at_precision(ts, t1, 3, 0.9, &t), 0.0, 0);
    assert_true(isnan(t));
    assert_float_equal(mo__metric_recall_at_precision(ts, t2, 3, 0.9, &t), 0.0, 0);
    assert_true(isnan(t));
    assert_float_equal(mo__metric_recall_at_precision(ts, t2, 3, 0.5, &t), 1.0, 1e-12);
    assert_float_equal(t, 0.8f, 0);

    /* Precision never reaches the target: the top item is negative. */
    float nv[] = {0.9f, 0.5f, 0.4f};
    int8_t ny[] = {0, 1, 0};
    assert_float_equal(mo__metric_recall_at_precision(nv, ny, 3, 0.9, &t), 0.0, 0);
    assert_true(isnan(t));

    /* One class only, all unknown, nothing at all. */
    float o[] = {0.3f, 0.6f};
    int8_t neg[] = {0, 0}, pos[] = {1, 1}, unk[] = {-1, -1};
    assert_true(isnan(mo__metric_recall_at_precision(o, neg, 2, 0.9, &t)));
    assert_true(isnan(t));
    assert_float_equal(mo__metric_recall_at_precision(o, pos, 2, 0.9, &t), 1.0, 0);
    assert_float_equal(t, 0.3f, 0);
    assert_true(isnan(mo__metric_recall_at_precision(o, unk, 2, 0.9, &t)));
    assert_true(isnan(mo__metric_recall_at_precision(NULL, NULL, 0, 0.9, NULL)));
    /* Unknown items are skipped: the first case with unknowns mixed in. */
    float su[] = {0.99f, 0.95f, 0.9f, 0.8f, 0.6f, 0.4f, 0.3f, 0.2f, 0.1f};
    int8_t yu[] = {-1, 1, 1, 0, 1, 0, 1, 0, 0};
    assert_float_equal(mo__metric_recall_at_precision(su, yu, 9, 0.9, &t), 0.5, 1e-12);
}

static void test_micro(void **state)
{
    (void)state;
    /* Label a at 0.5: (0.9,+) (0.2,-) (0.6,?); label b at 0.35: (0.7,-)
     * (0.4,+) (0.3,-). Pooled: 0.9+ 0.7- 0.4+ 0.3- 0.2-: AP = 1/2 + 2/3 * 1/2,
     * AUC = (3 + 2) / 6. Counts: a tp 1 tn 1; b tp 1 fp 1 tn 1. */
    float sa[] = {0.9f, 0.2f, 0.6f}, sb[] = {0.7f, 0.4f, 0.3f};
    int8_t ya[] = {1, 0, -1}, yb[] = {0, 1, 0};
    const float *sp[] = {sa, sb};
    const int8_t *yp[] = {ya, yb};
    float th[] = {0.5f, 0.35f};
    mo_metric_micro m;
    assert_int_equal(mo__metric_micro(sp, yp, 2, 3, th, &m), MO_OK);
    assert_float_equal(m.pr_auc, 0.5 + (2.0 / 3.0) * 0.5, 1e-9);
    assert_float_equal(m.roc_auc, 5.0 / 6.0, 1e-12);
    assert_int_equal(m.at.n_known, 5);
    assert_int_equal(m.at.support, 2);
    assert_int_equal(m.at.tp, 2);
    assert_int_equal(m.at.fp, 1);
    assert_int_equal(m.at.fn, 0);
    assert_int_equal(m.at.tn, 2);
    assert_float_equal(m.at.precision, 2.0 / 3.0, 1e-12);
    assert_float_equal(m.at.recall, 1.0, 1e-12);
    assert_float_equal(m.at.f1, 0.8, 1e-12);
    assert_float_equal(m.fpr, 1.0 / 3.0, 1e-12);
    /* Equal to one label's metrics when there is only one. */
    assert_int_equal(mo__metric_micro(sp + 1, yp + 1, 1, 3, th + 1, &m), MO_OK);
    assert_float_equal(m.pr_auc, mo__metric_average_precision(sb, yb, 3), 1e-12);
    assert_float_equal(m.roc_auc, mo__metric_roc_auc(sb, yb, 3), 1e-12);
    /* One class only: no ROC-AUC; no positive: no PR-AUC, no recall. */
    int8_t na[] = {0, 0, -1}, nb[] = {0, 0, 0};
    const int8_t *np[] = {na, nb};
    assert_int_equal(mo__metric_micro(sp, np, 2, 3, th, &m), MO_OK);
    assert_true(isnan(m.pr_auc));
    assert_true(isnan(m.roc_auc));
    assert_true(isnan(m.at.recall));
    assert_int_equal(m.at.n_known, 5);
    assert_float_equal(m.fpr, 3.0 / 5.0, 1e-12); /* a: 0.9 fp; b: 0.7, 0.4 fp */
    /* All unknown. */
    int8_t u[] = {-1, -1, -1};
    const int8_t *up[] = {u, u};
    assert_int_equal(mo__metric_micro(sp, up, 2, 3, th, &m), MO_OK);
    assert_int_equal(m.at.n_known, 0);
    assert_true(isnan(m.pr_auc) && isnan(m.roc_auc) && isnan(m.fpr) && isnan(m.at.recall));
    /* Allocation failure is reported. */
    size_t before = mo_memory_used();
    mo__alloc_fail_after(1);
    assert_int_equal(mo__metric_micro(sp, yp, 2, 3, th, &m), MO_ENOMEM);
    mo__alloc_fail_after(0);
    for (uint64_t k = 2; k < 8; k++) {
        mo__alloc_fail_after(k);
        int rc = mo__metric_micro(sp, yp, 2, 3, th, &m);
        mo__alloc_fail_after(0);
        assert_true(rc == MO_OK || rc == MO_ENOMEM);
        assert_int_equal(mo_memory_used(), before);
    }
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
        cmocka_unit_test(test_recall_at_precision),
        cmocka_unit_test(test_micro),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
