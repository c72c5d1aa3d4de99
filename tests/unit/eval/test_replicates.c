/*
 * test_replicates.c -- unit tests for src/eval/replicates.c and the replicate
 * output of src/eval/bootstrap.c: the 3-character encoding (round trip, the
 * undefined value, malformed strings), the replicate layout, when two
 * documents can be paired and why not, and that the interval of (B - A) from
 * two separately recorded runs equals the in-process paired bootstrap
 * (to the 4-decimal rounding of the stored values).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eval/eval.h"

#include <math.h>
#include <string.h>

#define N 400
#define R 200

static void test_encode_decode(void **state)
{
    (void)state;
    double v[] = {0, 1, 0.25, NAN, 0.76864, -0.5, 1.5};
    mo_buf b = {0};
    assert_int_equal(mo__eval_replicates_encode(v, 7, &b), MO_OK);
    assert_int_equal(b.len, 21);
    /* 10000 = 2 * 4096 + 28 * 64 + 16 -> "CcQ"; undefined -> "___" */
    assert_memory_equal(b.ptr, "AAACcQ", 6);
    assert_memory_equal(b.ptr + 9, "___", 3);
    double w[7];
    assert_int_equal(mo__eval_replicates_decode(b.ptr, b.len, w, 7), MO_OK);
    assert_float_equal(w[0], 0, 0);
    assert_float_equal(w[1], 1, 0);
    assert_float_equal(w[2], 0.25, 1e-12);
    assert_true(isnan(w[3]));
    assert_float_equal(w[4], 0.7686, 1e-12);
    assert_float_equal(w[5], 0, 0); /* clamped to [0, 1] */
    assert_float_equal(w[6], 1, 0);
    /* Wrong length, a character outside the alphabet, a value over 10^4. */
    assert_int_equal(mo__eval_replicates_decode(b.ptr, b.len - 1, w, 7), MO_EPARSE);
    assert_int_equal(mo__eval_replicates_decode("AA=", 3, w, 1), MO_EPARSE);
    assert_int_equal(mo__eval_replicates_decode("CcR", 3, w, 1), MO_EPARSE);
    assert_int_equal(mo__eval_replicates_decode("", 0, w, 0), MO_OK);
    mo__buf_free(&b);
}

static void make_data(float *s, float *s2, int8_t *y, size_t n)
{
    mo_rng r;
    mo__rng_seed(&r, 42);
    for (size_t i = 0; i < n; i++) {
        y[i] = (int8_t)(mo__rng_below(&r, 3) == 0);
        s[i] = (float)(mo__rng_below(&r, 20) + (y[i] ? 6 : 0)) / 26.0f;
        /* system b: noisier */
        s2[i] = (float)(mo__rng_below(&r, 20) + (y[i] ? 3 : 0)) / 23.0f;
        if (mo__rng_below(&r, 8) == 0)
            y[i] = -1;
    }
}

/* A moderato.eval/1 document with one group "all" and one label "x". */
static json_t *doc(const char *data_hash, json_int_t seed, const double *reps)
{
    const char *names[] = {"x"};
    json_t *j =
        json_pack("{s:s,s:s,s:{s:i,s:I,s:f,s:s},s:{s:{s:i}}}", "schema", "moderato.eval/1",
                  "data_xxh64", data_hash, "bootstrap", "resamples", R, "seed", seed, "confidence",
                  0.95, "replicates", MO_EVAL_REP_ENCODING, "groups", "all", "n_items", N);
    assert_non_null(j);
    json_t *jr = mo__eval_replicates_json(names, 1, reps, R);
    assert_non_null(jr);
    json_object_set_new(json_object_get(json_object_get(j, "groups"), "all"), "replicates", jr);
    return j;
}

static void test_paired_diff(void **state)
{
    (void)state;
    static float s[N], s2[N];
    static int8_t y[N];
    make_data(s, s2, y, N);
    const float *pa[] = {s}, *pb[] = {s2};
    const int8_t *yp[] = {y};
    float th[] = {0.5f};
    mo_eval_system a = {pa, th}, b = {pb, th};
    static double ra[MO_EVAL_N_METRICS * R], rb[MO_EVAL_N_METRICS * R];
    mo_eval_ci ci_a[MO_EVAL_N_METRICS], ci_b[MO_EVAL_N_METRICS], cd[MO_EVAL_N_METRICS];
    assert_int_equal(mo__eval_bootstrap_replicates(yp, 1, N, &a, NULL, R, 7, ci_a, NULL, NULL, ra),
                     MO_OK);
    assert_int_equal(mo__eval_bootstrap_replicates(yp, 1, N, &b, NULL, R, 7, ci_b, NULL, NULL, rb),
                     MO_OK);
    /* The replicates' own percentiles are the intervals. */
    double tmp[R];
    memcpy(tmp, ra + MO_EVAL_PR_AUC * R, sizeof tmp);
    mo_eval_ci c = mo__eval_percentile_ci(tmp, R);
    assert_float_equal(c.lo, ci_a[MO_EVAL_PR_AUC].lo, 1e-12);
    assert_float_equal(c.hi, ci_a[MO_EVAL_PR_AUC].hi, 1e-12);
    /* In-process paired bootstrap of the same two systems, same seed. */
    assert_int_equal(mo__eval_bootstrap(yp, 1, N, &a, &b, R, 7, ci_a, NULL, cd), MO_OK);

    json_t *da = doc("abc", 7, ra), *db = doc("abc", 7, rb);
    char why[200];
    assert_int_equal(mo__eval_pairable(da, db, why, sizeof why), 1);
    int sig = 0;
    for (int q = 0; q < MO_EVAL_N_METRICS; q++) {
        mo_eval_ci d;
        assert_int_equal(mo__eval_replicate_diff(da, db, "all", "x", mo__eval_metric_names[q], &d),
                         MO_OK);
        assert_false(isnan(d.lo));
        assert_float_equal(d.lo, cd[q].lo, 2e-4);
        assert_float_equal(d.hi, cd[q].hi, 2e-4);
        sig += d.hi < 0;
    }
    assert_true(sig >= 1); /* b is noisier: PR-AUC / ROC-AUC drop */
    mo_eval_ci d;
    assert_int_equal(mo__eval_replicate_diff(da, db, "all", "nope", "pr_auc", &d), MO_ENOTFOUND);
    assert_int_equal(mo__eval_replicate_diff(da, db, "other", "x", "pr_auc", &d), MO_ENOTFOUND);
    /* A run against itself: every difference is 0. */
    assert_int_equal(mo__eval_replicate_diff(da, da, "all", "x", "f1", &d), MO_OK);
    assert_float_equal(d.lo, 0, 0);
    assert_float_equal(d.hi, 0, 0);

    /* Not pairable: another seed, other data, no replicates; a malformed string. */
    json_t *dc = doc("abc", 8, rb), *dd = doc("def", 7, rb);
    assert_int_equal(mo__eval_pairable(da, dc, why, sizeof why), 0);
    assert_non_null(strstr(why, "seed"));
    assert_int_equal(mo__eval_pairable(da, dd, why, sizeof why), 0);
    assert_non_null(strstr(why, "different data"));
    json_object_set_new(json_object_get(dd, "bootstrap"), "replicates", json_null());
    assert_int_equal(mo__eval_pairable(da, dd, why, sizeof why), 0);
    assert_non_null(strstr(why, "run B has no bootstrap replicates"));
    json_object_set_new(json_object_get(dc, "bootstrap"), "resamples", json_integer(R + 1));
    json_object_set_new(json_object_get(dc, "bootstrap"), "seed", json_integer(7));
    assert_int_equal(mo__eval_pairable(da, dc, why, sizeof why), 0);
    assert_non_null(strstr(why, "resample counts"));
    /* Same data hash but another item order (data read from a pipe). */
    json_t *de = doc("abc", 7, rb);
    json_object_set_new(json_object_get(da, "bootstrap"), "items_xxh64", json_string("11"));
    assert_int_equal(mo__eval_pairable(da, de, why, sizeof why), 1); /* B records none */
    json_object_set_new(json_object_get(de, "bootstrap"), "items_xxh64", json_string("12"));
    assert_int_equal(mo__eval_pairable(da, de, why, sizeof why), 0);
    assert_non_null(strstr(why, "item order"));
    /* A --by group pairs only when both runs grouped by the same field. */
    json_t *ga = json_object_get(json_object_get(da, "groups"), "all");
    json_t *gb = json_object_get(json_object_get(db, "groups"), "all");
    json_object_set(json_object_get(da, "groups"), "en", ga);
    json_object_set(json_object_get(db, "groups"), "en", gb);
    json_object_set_new(da, "by", json_string("lang"));
    assert_int_equal(mo__eval_replicate_diff(da, db, "en", "x", "pr_auc", &d), MO_ENOTFOUND);
    json_object_set_new(db, "by", json_string("source"));
    assert_int_equal(mo__eval_replicate_diff(da, db, "en", "x", "pr_auc", &d), MO_ENOTFOUND);
    json_object_set_new(db, "by", json_string("lang"));
    assert_int_equal(mo__eval_replicate_diff(da, db, "en", "x", "pr_auc", &d), MO_OK);
    json_decref(de);
    json_t *x = json_object_get(
        json_object_get(json_object_get(json_object_get(db, "groups"), "all"), "replicates"), "x");
    json_object_set_new(x, "f1", json_string("AAA"));
    assert_int_equal(mo__eval_replicate_diff(da, db, "all", "x", "f1", &d), MO_EPARSE);
    json_decref(da);
    json_decref(db);
    json_decref(dc);
    json_decref(dd);
}

/* Labels without any defined replicate are left out of the JSON; no
 * resample leaves the replicates all undefined. */
static void test_undefined(void **state)
{
    (void)state;
    float s[4] = {0.1f, 0.2f, 0.3f, 0.4f};
    int8_t neg[4] = {0, 0, 0, 0}, mix[4] = {0, 1, 0, 1};
    const float *sp[] = {s, s};
    const int8_t *yp[] = {neg, mix};
    float th[] = {0.5f, 0.5f};
    mo_eval_system a = {sp, th};
    double reps[2 * MO_EVAL_N_METRICS * 10];
    mo_eval_ci ci[2 * MO_EVAL_N_METRICS];
    assert_int_equal(mo__eval_bootstrap_replicates(yp, 2, 4, &a, NULL, 10, 3, ci, NULL, NULL, reps),
                     MO_OK);
    for (int i = 0; i < MO_EVAL_N_METRICS * 10; i++)
        assert_true(isnan(reps[i]));
    const char *names[] = {"neg", "mix"};
    json_t *j = mo__eval_replicates_json(names, 2, reps, 10);
    assert_null(json_object_get(j, "neg"));
    assert_int_equal(json_string_length(json_object_get(json_object_get(j, "mix"), "pr_auc")), 30);
    json_decref(j);
    /* Empty input: every replicate undefined. */
    assert_int_equal(mo__eval_bootstrap_replicates(yp, 2, 0, &a, NULL, 10, 3, ci, NULL, NULL, reps),
                     MO_OK);
    for (int i = 0; i < 2 * MO_EVAL_N_METRICS * 10; i++)
        assert_true(isnan(reps[i]));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_decode),
        cmocka_unit_test(test_paired_diff),
        cmocka_unit_test(test_undefined),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
