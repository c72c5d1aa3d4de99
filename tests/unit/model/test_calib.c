/*
 * test_calib.c -- unit tests for Platt scaling (src/model/calib.c): recovers
 * known parameters on synthetic data, gives probabilities in [0, 1] that are
 * monotone in the raw score, and ignores unknown labels.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/model_int.h"

#define N 20000

static float z[N];
static int8_t y[N];

/* Draws labels from p = sigmoid(a z + b) with a fixed seed. */
static void synth(float a, float b, uint64_t seed)
{
    mo_rng r;
    mo__rng_seed(&r, seed);
    for (size_t i = 0; i < N; i++) {
        z[i] = (float)(mo__rng_double(&r) * 8.0 - 4.0);
        double p = 1.0 / (1.0 + exp(-(a * z[i] + b)));
        y[i] = mo__rng_double(&r) < p ? 1 : 0;
    }
}

static void test_platt_recovers(void **state)
{
    (void)state;
    synth(1.5f, -0.7f, 42);
    float a, b;
    mo__platt_fit(z, y, N, &a, &b);
    assert_float_equal(a, 1.5, 0.1);
    assert_float_equal(b, -0.7, 0.1);
    synth(0.4f, 1.0f, 7);
    mo__platt_fit(z, y, N, &a, &b);
    assert_float_equal(a, 0.4, 0.05);
    assert_float_equal(b, 1.0, 0.1);
}

static void test_platt_monotone_bounded(void **state)
{
    (void)state;
    synth(2.0f, 0.5f, 3);
    float a, b;
    mo__platt_fit(z, y, N, &a, &b);
    assert_true(a > 0);
    float prev = -1;
    for (float s = -50; s <= 50; s += 0.25f) {
        float p = mo__sigmoid(a * s + b);
        assert_true(p >= 0 && p <= 1);
        assert_true(p >= prev);
        prev = p;
    }
}

static void test_platt_masks_unknown(void **state)
{
    (void)state;
    synth(1.0f, 0.0f, 11);
    float a1, b1, a2, b2;
    mo__platt_fit(z, y, N / 2, &a1, &b1);
    /* Second half unknown: the fit must not change. */
    for (size_t i = N / 2; i < N; i++)
        y[i] = -1;
    mo__platt_fit(z, y, N, &a2, &b2);
    assert_float_equal(a1, a2, 0);
    assert_float_equal(b1, b2, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_platt_recovers),
        cmocka_unit_test(test_platt_monotone_bounded),
        cmocka_unit_test(test_platt_masks_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
