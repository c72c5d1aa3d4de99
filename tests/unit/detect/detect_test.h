/*
 * detect_test.h -- helpers shared by the detector unit tests: one config
 * loaded from lexicons/ (or $MO_LEXICONS), one scratch, and lookups of signal
 * values and evidence text by signal name.
 */
#ifndef MO_DETECT_TEST_H
#define MO_DETECT_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect/detect.h"

static mo_detect_config *g_cfg;
static mo_detect_scratch *g_scr;
static double g_vals[256];
static const mo_evidence *g_ev;
static size_t g_n_ev;
static const char *g_text;

__attribute__((unused)) static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("MO_LEXICONS");
    mo_diag d;
    int rc = mo__detect_config_load(dir ? dir : "lexicons", &g_cfg, &d);
    if (rc != MO_OK) {
        fprintf(stderr, "config: %s %s:%llu %s\n", mo_err_name(rc), d.file,
                (unsigned long long)d.line, d.msg);
        return -1;
    }
    if (mo__detect_n_signals(g_cfg) > 256)
        return -1;
    return mo__detect_scratch_new(g_cfg, &g_scr) == MO_OK ? 0 : -1;
}

__attribute__((unused)) static int teardown(void **state)
{
    (void)state;
    mo__detect_scratch_free(g_scr);
    mo__detect_config_free(g_cfg);
    return 0;
}

/* Runs every detector on the NUL-terminated text s. */
__attribute__((unused)) static void run(const char *s)
{
    g_text = s;
    assert_int_equal(mo__detect_run(g_cfg, g_scr, s, strlen(s), NULL, g_vals, &g_ev, &g_n_ev),
                     MO_OK);
}

__attribute__((unused)) static double val(const char *signal)
{
    long i = mo__detect_signal_index(g_cfg, signal);
    if (i < 0)
        fail_msg("unknown signal %s", signal);
    return g_vals[i];
}

/* Text of the k-th evidence record of `signal` in the last run ("" = none). */
__attribute__((unused)) static const char *ev_text(const char *signal, size_t k)
{
    static char buf[512];
    long sig = mo__detect_signal_index(g_cfg, signal);
    for (size_t i = 0; i < g_n_ev; i++) {
        if ((long)g_ev[i].signal != sig || k--)
            continue;
        size_t l = g_ev[i].end - g_ev[i].start;
        if (l >= sizeof buf)
            l = sizeof buf - 1;
        memcpy(buf, g_text + g_ev[i].start, l);
        buf[l] = '\0';
        return buf;
    }
    return "";
}

/* Fails with the text when signal's value differs from want. */
__attribute__((unused)) static void expect_val(const char *s, const char *signal, double want)
{
    run(s);
    double got = val(signal);
    if (got != want)
        fail_msg("[%s]: %s = %g, want %g (first evidence [%s])", s, signal, got, want,
                 ev_text(signal, 0));
}

#endif /* MO_DETECT_TEST_H */
