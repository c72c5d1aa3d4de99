/*
 * test_multiclass.c -- unit tests for src/eval/multiclass.c: the argmax
 * confusion matrix against a hand-computed example (ties to the first class,
 * NaN scores, unknown and non-exclusive items left out), per-class and macro
 * F1 (classes never true nor predicted excluded), degenerate inputs, the
 * detection of mutually exclusive labels, the --classes list and the JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eval/eval.h"

#include <math.h>
#include <string.h>

/* Nine items, classes 0..2 (and an always-negative class 3):
 *   i0 true 0, argmax 0       i1 true 0, argmax 1      i2 true 1, argmax 1
 *   i3 true 2, tie 0/1 -> 0   i4 true 2, argmax 2      i5 class 1 unknown
 *   i6 two positives          i7 no positive           i8 true 1, NaN -> 1 */
static float sc0[] = {0.8f, 0.2f, 0.3f, 0.5f, 0.1f, 0.9f, 0.9f, 0.9f, NAN};
static float sc1[] = {0.1f, 0.7f, 0.6f, 0.5f, 0.2f, 0.1f, 0.1f, 0.1f, 0.2f};
static float sc2[] = {0.1f, 0.1f, 0.1f, 0.2f, 0.9f, 0.1f, 0.1f, 0.1f, 0.1f};
static float sc3[] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
static int8_t lab0[] = {1, 1, 0, 0, 0, 1, 1, 0, 0};
static int8_t lab1[] = {0, 0, 1, 0, 0, -1, 1, 0, 1};
static int8_t lab2[] = {0, 0, 0, 1, 1, 0, 0, 0, 0};
static int8_t lab3[] = {0, 0, 0, 0, 0, 0, 0, 0, 0};

static void test_confusion(void **state)
{
    (void)state;
    const float *sp[] = {sc0, sc1, sc2, sc3};
    const int8_t *yp[] = {lab0, lab1, lab2, lab3};
    size_t cm[16];
    mo_eval_class_stats st[4];
    mo_eval_multiclass mc;
    assert_int_equal(mo__eval_multiclass(sp, NULL, yp, 3, 9, cm, st, &mc), MO_OK);
    size_t want[9] = {1, 1, 0, 0, 2, 0, 1, 0, 1};
    for (int i = 0; i < 9; i++)
        assert_int_equal(cm[i], want[i]);
    assert_int_equal(mc.n_items, 6);
    assert_int_equal(mc.n_not_exclusive, 2);
    assert_float_equal(mc.accuracy, 4.0 / 6.0, 1e-12);
    /* class 0: P 1/2 R 1/2 F1 1/2; class 1: P 2/3 R 1 F1 4/5; class 2: P 1 R 1/2 F1 2/3 */
    assert_int_equal(st[0].support, 2);
    assert_int_equal(st[0].predicted, 2);
    assert_float_equal(st[0].f1, 0.5, 1e-12);
    assert_int_equal(st[1].predicted, 3);
    assert_float_equal(st[1].precision, 2.0 / 3.0, 1e-12);
    assert_float_equal(st[1].recall, 1.0, 1e-12);
    assert_float_equal(st[1].f1, 0.8, 1e-12);
    assert_float_equal(st[2].precision, 1.0, 1e-12);
    assert_float_equal(st[2].recall, 0.5, 1e-12);
    assert_float_equal(st[2].f1, 2.0 / 3.0, 1e-12);
    assert_float_equal(mc.macro_f1, (0.5 + 0.8 + 2.0 / 3.0) / 3.0, 1e-12);

    /* A fourth class, known everywhere and never true nor predicted: the
     * same matrix for the first three, no F1 for it, the same macro-F1; the
     * item without any positive stays out. */
    assert_int_equal(mo__eval_multiclass(sp, NULL, yp, 4, 9, cm, st, &mc), MO_OK);
    assert_int_equal(mc.n_items, 6);
    assert_int_equal(st[3].support, 0);
    assert_int_equal(st[3].predicted, 0);
    assert_true(isnan(st[3].f1) && isnan(st[3].precision) && isnan(st[3].recall));
    assert_float_equal(mc.macro_f1, (0.5 + 0.8 + 2.0 / 3.0) / 3.0, 1e-12);
    assert_float_equal(mc.accuracy, 4.0 / 6.0, 1e-12);
}

static void test_degenerate(void **state)
{
    (void)state;
    const float *sp[] = {sc0, sc1};
    int8_t u[9] = {-1, -1, -1, -1, -1, -1, -1, -1, -1};
    const int8_t *up[] = {u, u};
    size_t cm[4];
    mo_eval_multiclass mc;
    /* All unknown: nothing counted, undefined accuracy and macro-F1. */
    assert_int_equal(mo__eval_multiclass(sp, NULL, up, 2, 9, cm, NULL, &mc), MO_OK);
    assert_int_equal(mc.n_items, 0);
    assert_true(isnan(mc.accuracy) && isnan(mc.macro_f1));
    /* Fewer than two classes is an error. */
    assert_int_equal(mo__eval_multiclass(sp, NULL, up, 1, 9, cm, NULL, &mc), MO_EINVAL);
    /* One true class only: accuracy and macro-F1 over what occurs. */
    int8_t a[] = {1, 1}, b[] = {0, 0};
    float sa[] = {0.9f, 0.1f}, sb[] = {0.1f, 0.9f};
    const float *p2[] = {sa, sb};
    const int8_t *yy[] = {a, b};
    assert_int_equal(mo__eval_multiclass(p2, NULL, yy, 2, 2, cm, NULL, &mc), MO_OK);
    assert_float_equal(mc.accuracy, 0.5, 1e-12);
    /* class 0: tp 1, support 2, predicted 1 -> F1 2/3; class 1: predicted 1, F1 0 */
    assert_float_equal(mc.macro_f1, (2.0 / 3.0 + 0.0) / 2.0, 1e-12);
}

static void test_exclusive(void **state)
{
    (void)state;
    const int8_t *yp[] = {lab0, lab1, lab2};
    /* i6 has two positives, i7 none: not exclusive. */
    assert_int_equal(mo__eval_exclusive(yp, 3, 9), 0);
    /* The first five items are fully known with exactly one positive each;
     * item 5 has an unknown and does not count. */
    assert_int_equal(mo__eval_exclusive(yp, 3, 6), 1);
    /* One label, or nothing fully known: no. */
    assert_int_equal(mo__eval_exclusive(yp, 1, 6), 0);
    int8_t u[] = {-1, 1}, v[] = {0, -1};
    const int8_t *up[] = {u, v};
    assert_int_equal(mo__eval_exclusive(up, 2, 2), 0);
    assert_int_equal(mo__eval_exclusive(up, 2, 0), 0);
}

static void test_classes_parse(void **state)
{
    (void)state;
    const char *labels[] = {"c_hate", "c_neither", "c_offensive", "toxic"};
    size_t idx[MO_EVAL_MAX_CLASSES], n;
    mo_diag diag;
    assert_int_equal(
        mo__eval_classes_parse("c_hate,c_offensive,c_neither", labels, 4, idx, &n, &diag), MO_OK);
    assert_int_equal(n, 3);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 2);
    assert_int_equal(idx[2], 1);
    assert_int_equal(mo__eval_classes_parse("c_hate,c_hat", labels, 4, idx, &n, &diag), MO_EINVAL);
    assert_non_null(strstr(diag.msg, "no label 'c_hat'"));
    assert_int_equal(mo__eval_classes_parse("toxic,c_hate,toxic", labels, 4, idx, &n, &diag),
                     MO_EINVAL);
    assert_non_null(strstr(diag.msg, "'toxic' given twice"));
    assert_int_equal(mo__eval_classes_parse("toxic", labels, 4, idx, &n, &diag), MO_EINVAL);
    assert_non_null(strstr(diag.msg, "at least two"));
    assert_int_equal(mo__eval_classes_parse("", labels, 4, idx, &n, NULL), MO_EINVAL);
    assert_int_equal(mo__eval_classes_parse("toxic,,c_hate", labels, 4, idx, &n, NULL), MO_EINVAL);
}

static void test_json(void **state)
{
    (void)state;
    const float *sp[] = {sc0, sc1, sc2};
    const int8_t *yp[] = {lab0, lab1, lab2};
    size_t cm[9];
    mo_eval_class_stats st[3];
    mo_eval_multiclass mc;
    assert_int_equal(mo__eval_multiclass(sp, NULL, yp, 3, 9, cm, st, &mc), MO_OK);
    const char *names[] = {"a", "b", "c"};
    json_t *j = mo__eval_multiclass_json(names, 3, 1, cm, st, &mc);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "detected")));
    assert_int_equal(json_integer_value(json_object_get(j, "n_items")), 6);
    assert_float_equal(json_real_value(json_object_get(j, "accuracy")), 0.6667, 1e-9);
    const json_t *row = json_array_get(json_object_get(j, "confusion"), 2);
    assert_int_equal(json_integer_value(json_array_get(row, 0)), 1);
    assert_int_equal(json_integer_value(json_array_get(row, 2)), 1);
    const json_t *b = json_object_get(json_object_get(j, "per_class"), "b");
    assert_int_equal(json_integer_value(json_object_get(b, "predicted")), 3);
    assert_float_equal(json_real_value(json_object_get(b, "f1")), 0.8, 1e-9);
    assert_string_equal(json_string_value(json_array_get(json_object_get(j, "classes"), 1)), "b");
    json_decref(j);
    /* Undefined values are null. */
    st[0].precision = NAN;
    mc.accuracy = NAN;
    j = mo__eval_multiclass_json(names, 3, 0, cm, st, &mc);
    assert_true(json_is_null(json_object_get(j, "accuracy")));
    assert_true(json_is_null(
        json_object_get(json_object_get(json_object_get(j, "per_class"), "a"), "precision")));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confusion), cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_exclusive), cmocka_unit_test(test_classes_parse),
        cmocka_unit_test(test_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
