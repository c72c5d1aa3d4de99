/*
 * test_classes.c -- unit tests for mutually exclusive labels (src/model/
 * classes.c and `--classes` in train.c): the weighted argmax and its ties,
 * macro-F1 against hand-computed values, the one-positive check, the weight
 * fit lifting a rare class, and training with classes on the Davidson
 * fixture (tests/data/model/tiny_classes_*.jsonl): the model predicts a class,
 * the fitted rule is no worse than the plain argmax on dev, and wrong
 * --classes are refused with the field named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/model_int.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define TRAIN "tests/data/model/tiny_classes_train.jsonl"
#define DEV "tests/data/model/tiny_classes_dev.jsonl"

static void test_argmax(void **state)
{
    (void)state;
    uint32_t idx[3] = {2, 0, 1};
    float w[3] = {1, 1, 1};
    float s[3] = {0.2f, 0.5f, 0.3f}; /* labels 0,1,2 */
    /* class 0 = label 2 (0.3), class 1 = label 0 (0.2), class 2 = label 1 (0.5) */
    assert_int_equal(mo__class_argmax(s, idx, w, 3), 2);
    w[1] = 3; /* 0.6 */
    assert_int_equal(mo__class_argmax(s, idx, w, 3), 1);
    /* Ties: the first class. */
    float t[3] = {0.4f, 0.4f, 0.4f};
    float one[3] = {1, 1, 1};
    assert_int_equal(mo__class_argmax(t, idx, one, 3), 0);
}

/* Column-major scores/labels of 6 items, 3 labels (= classes 0, 1, 2). */
static const float cols[18] = {
    /* label 0 */ 0.9f,  0.2f, 0.1f, 0.3f,  0.6f, 0.0f,
    /* label 1 */ 0.05f, 0.7f, 0.2f, 0.35f, 0.3f, 0.0f,
    /* label 2 */ 0.05f, 0.1f, 0.7f, 0.35f, 0.1f, 0.0f,
};
static const int8_t ycols[18] = {
    1, 0, 0, 1, 0, -1, /* label 0 */
    0, 1, 0, 0, 1, -1, /* label 1 */
    0, 0, 1, 0, 0, -1, /* label 2 */
};
static const uint32_t id3[3] = {0, 1, 2};

static void test_macro_f1(void **state)
{
    (void)state;
    float w[3] = {1, 1, 1};
    /* Item 5 is unknown and skipped. Argmax: 0, 1, 2, 1 (0.35 vs 0.35: the
     * first, label 1), 0. Gold: 0, 1, 2, 0, 1.
     * class 0: tp 1 (item 0), fp 1 (item 4), fn 1 (item 3) -> F1 2/4
     * class 1: tp 1 (item 1), fp 1 (item 3), fn 1 (item 4) -> F1 2/4
     * class 2: tp 1, fp 0, fn 0 -> F1 1. Macro (0.5 + 0.5 + 1) / 3. */
    assert_float_equal(mo__class_macro_f1(cols, ycols, 6, id3, w, 3), 2.0 / 3.0, 1e-12);
    /* Weight label 1 by 2.1: items 3 and 4 go to class 1. */
    float w2[3] = {1, 2.1f, 1};
    /* Argmax: 0 (0.9 vs 0.105), 1, 2 (0.7 vs 0.42), 1 (0.735), 1 (0.63 vs 0.6).
     * class 0: tp 1, fn 1 (item 3) -> 2/3; class 1: tp 2, fp 1 -> 4/5;
     * class 2: 1. */
    assert_float_equal(mo__class_macro_f1(cols, ycols, 6, id3, w2, 3),
                       (2.0 / 3.0 + 0.8 + 1.0) / 3.0, 1e-9);
    int8_t none[18];
    memset(none, -1, sizeof none);
    assert_true(isnan(mo__class_macro_f1(cols, none, 6, id3, w, 3)));
}

static void test_check(void **state)
{
    (void)state;
    size_t bad = 99;
    assert_int_equal(mo__class_check(ycols, 6, 1, 6, id3, 3, &bad), MO_OK);
    int8_t y[18];
    memcpy(y, ycols, sizeof y);
    y[6 + 2] = 1; /* item 2: labels 1 and 2 positive */
    assert_int_equal(mo__class_check(y, 6, 1, 6, id3, 3, &bad), MO_EINVAL);
    assert_int_equal(bad, 2);
    memcpy(y, ycols, sizeof y);
    y[0] = 0; /* item 0: no positive */
    assert_int_equal(mo__class_check(y, 6, 1, 6, id3, 3, &bad), MO_EINVAL);
    assert_int_equal(bad, 0);
    memcpy(y, ycols, sizeof y);
    y[12 + 3] = -1; /* item 3: one class unknown, others known */
    assert_int_equal(mo__class_check(y, 6, 1, 6, id3, 3, &bad), MO_EINVAL);
    assert_int_equal(bad, 3);
    /* Row-major strides: item j, label l at [j * 3 + l]. */
    int8_t rows[18];
    for (size_t j = 0; j < 6; j++)
        for (size_t l = 0; l < 3; l++)
            rows[j * 3 + l] = ycols[l * 6 + j];
    assert_int_equal(mo__class_check(rows, 6, 3, 1, id3, 3, &bad), MO_OK);
}

/* A rare class whose scores are systematically low: the fit raises its weight
 * and the fitted macro-F1 beats the plain argmax. */
static void test_fit_lifts_rare_class(void **state)
{
    (void)state;
    enum { N = 40 };
    float c[3 * N];
    int8_t y[3 * N];
    for (size_t j = 0; j < N; j++) {
        int rare = j % 10 == 0, second = j % 3 == 0 && !rare;
        c[j] = rare ? 0.3f : 0.05f;                         /* label 0: rare */
        c[N + j] = rare ? 0.5f : second ? 0.2f : 0.9f;      /* label 1: common */
        c[2 * N + j] = rare ? 0.2f : second ? 0.7f : 0.05f; /* label 2 */
        y[j] = (int8_t)rare;
        y[N + j] = (int8_t)(!rare && !second);
        y[2 * N + j] = (int8_t)second;
    }
    float w[3], one[3] = {1, 1, 1};
    mo__class_fit(c, y, N, id3, 3, w);
    assert_true(w[0] > 1.5f);                                   /* the rare class lifted */
    assert_true(w[1] == 1.0f);                                  /* the most frequent stays 1 */
    assert_true(mo__class_macro_f1(c, y, N, id3, w, 3) == 1.0); /* separable once weighted */
    assert_true(mo__class_macro_f1(c, y, N, id3, one, 3) < 0.9);
    /* Every weight is on the quarter-octave grid. */
    for (int k = 0; k < 3; k++) {
        float e = log2f(w[k]) * 4.0f;
        assert_float_equal(e, roundf(e), 1e-4);
    }
}

static void opts(mo_train_options *o)
{
    mo_train_options_default(o);
    o->hash_bits = 14;
    o->epochs = 8;
    o->char_min = 2;
    o->char_max = 4;
}

static void test_train_with_classes(void **state)
{
    (void)state;
    char out[128];
    snprintf(out, sizeof out, "/tmp/mo_test_classes_%ld.momd", (long)getpid());
    const char *labels[] = {"c_hate", "c_neither", "c_offensive", NULL};
    const char *classes[] = {"c_hate", "c_offensive", "c_neither", NULL};
    mo_train_options o;
    opts(&o);
    o.classes = classes;
    mo_diag d;
    int rc = mo_train_files(TRAIN, DEV, labels, &o, out, NULL, NULL, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, MO_OK);
    mo_model *m;
    assert_int_equal(mo_model_load(out, &m, &d), MO_OK);
    assert_int_equal(mo_model_n_classes(m), 3);
    json_t *meta = json_loads(mo_model_meta_json(m), 0, NULL);
    json_t *cl = json_object_get(meta, "classes");
    assert_non_null(cl);
    assert_string_equal(json_string_value(json_array_get(json_object_get(cl, "labels"), 0)),
                        "c_hate");
    double fw = json_real_value(json_object_get(cl, "dev_macro_f1"));
    double f1 = json_real_value(json_object_get(cl, "dev_macro_f1_argmax"));
    assert_true(fw >= f1 && fw > 0.3);
    /* The offensive class (most frequent on dev) keeps weight 1. */
    assert_true(json_real_value(json_array_get(json_object_get(cl, "weights"), 1)) == 1.0);
    json_decref(meta);

    mo_model_scratch *s;
    assert_int_equal(mo_model_scratch_new(m, &s), MO_OK);
    float sc[3];
    const char *t = "you are a stupid bitch";
    assert_int_equal(mo_model_predict(m, s, t, strlen(t), sc, NULL), MO_OK);
    int c = mo_model_predict_class(m, sc);
    assert_true(c >= 0 && c < 3);
    /* The class is the weighted argmax of these scores, weights as stored. */
    int best = -1;
    float best_v = -1;
    for (size_t k = 0; k < 3; k++) {
        float wk;
        int l = mo_model_class(m, k, &wk);
        assert_true(l >= 0 && l < 3 && wk > 0);
        if (wk * sc[l] > best_v) {
            best_v = wk * sc[l];
            best = l;
        }
    }
    assert_int_equal(c, best);
    assert_int_equal(mo_model_class(m, 3, NULL), -1);
    mo_model_scratch_free(s);
    mo_model_free(m);
    unlink(out);

    /* Refused: a class that is not a label, one class, a class named twice. */
    const char *unknown[] = {"c_hate", "c_spam", NULL};
    const char *single[] = {"c_hate", NULL};
    const char *twice[] = {"c_hate", "c_hate", NULL};
    const char *const *bad[] = {unknown, single, twice};
    for (size_t i = 0; i < 3; i++) {
        o.classes = bad[i];
        assert_int_equal(mo_train_files(TRAIN, DEV, labels, &o, out, NULL, NULL, &d), MO_EINVAL);
        assert_string_equal(d.field, "classes");
        assert_int_equal(access(out, F_OK), -1);
    }
    /* Refused: labels that are not exclusive in the data: the first training
     * tweet is "neither", so it has no positive among hate and offensive. */
    const char *two[] = {"c_hate", "c_offensive", NULL};
    o.classes = two;
    assert_int_equal(mo_train_files(TRAIN, DEV, labels, &o, out, NULL, NULL, &d), MO_EINVAL);
    assert_string_equal(d.field, "labels");
    assert_non_null(strstr(d.msg, "tiny_classes_train.jsonl: example 1 "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argmax),
        cmocka_unit_test(test_macro_f1),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_fit_lifts_rare_class),
        cmocka_unit_test(test_train_with_classes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
