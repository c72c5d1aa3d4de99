/*
 * fuzz_eval_files.c -- libFuzzer target for the two text files the eval layer
 * reads besides datasets (src/eval/): the identity term list of
 * `eval --counterfactual` (mo__eval_cf_terms_load) and the functional suite
 * file of `eval --suite` (mo__eval_suite_run). The first input byte picks the
 * reader (even: term list, odd: suite); the rest is written to a temporary
 * file, since both readers take a path. A term list that loads is then used
 * to find and substitute mentions in the input itself; a suite runs with a
 * scorer that gives every label a score derived from the text length. On
 * failure the diag must carry a message and the code.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eval/eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "fuzz_eval_files: check failed: %s (line %d)\n", #c, __LINE__);        \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const char *const labels[] = {"hate",     "harassment", "sexual",   "self_harm",
                                     "violence", "spam",       "profanity"};
static const float thresholds[] = {0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f};

static int score(void *user, const json_t *item, const char *text, size_t len, float *scores,
                 mo_diag *diag)
{
    (void)user;
    (void)item;
    (void)text;
    (void)diag;
    for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++)
        scores[k] = (float)((len + k) % 10) / 10.0f;
    return MO_OK;
}

static void fuzz_terms(const char *path, const uint8_t *data, size_t size)
{
    mo_eval_cf_terms t = {0};
    mo_diag d;
    int rc = mo__eval_cf_terms_load(path, &t, &d);
    if (rc != MO_OK) {
        CHECK(d.code == rc && d.msg[0]);
        mo__eval_cf_terms_free(&t);
        return;
    }
    mo_eval_cf_mention m[16];
    size_t n = mo__eval_cf_find(&t, (const char *)data, size, NULL, m, 16);
    for (size_t i = 0; i < n && i < 16; i++) {
        CHECK(m[i].start < m[i].end && m[i].end <= size && m[i].term < t.n);
        mo_buf out = {0};
        size_t to = (m[i].term + 1) % t.n;
        if (mo__eval_cf_substitute(&t, (const char *)data, size, m, n < 16 ? n : 16, m[i].term, to,
                                   &out) == MO_OK)
            CHECK(out.len <= size * 8 + 4096);
        mo__buf_free(&out);
    }
    mo__eval_cf_terms_free(&t);
}

static void fuzz_suite(const char *path)
{
    mo_eval_scorer sc = {.n_labels = sizeof labels / sizeof labels[0],
                         .labels = labels,
                         .thresholds = thresholds,
                         .score = score};
    mo_eval_suite *r = (mo_eval_suite *)1;
    mo_diag d;
    int rc = mo__eval_suite_run(path, &sc, 3, &r, &d);
    if (rc != MO_OK) {
        CHECK(r == NULL);
        CHECK(d.code == rc && d.msg[0]);
        return;
    }
    CHECK(r != NULL);
    json_t *j = mo__eval_suite_json(r);
    CHECK(j != NULL);
    json_decref(j);
    mo_buf out = {0};
    CHECK(mo__eval_suite_text(r, &out) == MO_OK);
    mo__buf_free(&out);
    mo__eval_suite_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/tmp/mo_fuzz_eval_files_%ld", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    if (data[0] % 2 == 0)
        fuzz_terms(path, data + 1, size - 1);
    else
        fuzz_suite(path);
    unlink(path);
    return 0;
}
