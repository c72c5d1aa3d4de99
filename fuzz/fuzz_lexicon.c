/*
 * fuzz_lexicon.c -- libFuzzer target for the detectors (src/detect/) on any
 * bytes: loads the shipped lists (lexicons/, or $MO_LEXICONS) once, runs
 * mo__detect_run on the input and checks that every evidence span lies in the
 * input, is non-empty and names a known signal, that ratios stay in [0, 1],
 * and that a second run gives the same values. Any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "fuzz_lexicon: check failed: %s (line %d)\n", #c, __LINE__);           \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static mo_detect_config *cfg;
static mo_detect_scratch *scr;
static double v1[256], v2[256];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!cfg) {
        const char *dir = getenv("MO_LEXICONS");
        mo_diag d;
        CHECK(mo__detect_config_load(dir ? dir : "lexicons", &cfg, &d) == MO_OK);
        CHECK(mo__detect_scratch_new(cfg, &scr) == MO_OK);
        CHECK(mo__detect_n_signals(cfg) <= 256);
    }
    size_t n_sig = mo__detect_n_signals(cfg);
    const char *t = (const char *)data;
    const mo_evidence *ev;
    size_t n_ev;
    CHECK(mo__detect_run(cfg, scr, t, size, NULL, v1, &ev, &n_ev) == MO_OK);
    for (size_t i = 0; i < n_ev; i++) {
        CHECK(ev[i].start < ev[i].end);
        CHECK(ev[i].end <= size);
        CHECK(ev[i].signal < n_sig);
        if (i)
            CHECK(ev[i - 1].start <= ev[i].start);
    }
    for (size_t i = 0; i < n_sig; i++) {
        const char *name = mo__detect_signal_name(cfg, i);
        CHECK(v1[i] >= 0);
        if (strstr(name, "_ratio") || strcmp(name, "spam.repetition") == 0)
            CHECK(v1[i] <= 1.0);
    }
    CHECK(mo__detect_run(cfg, scr, t, size, NULL, v2, &ev, &n_ev) == MO_OK);
    CHECK(memcmp(v1, v2, n_sig * sizeof *v1) == 0);
    return 0;
}
