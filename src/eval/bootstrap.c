/*
 * bootstrap.c -- percentile bootstrap confidence intervals for PR-AUC,
 * ROC-AUC and precision/recall/F1 at the operating threshold, plain or paired
 * (two systems on the same resampled items). Each label's known items are
 * sorted once; a resample is a vector of multiplicities, and every metric is a
 * weighted pass over the sorted order, so a round costs O(n) per label.
 */
#include "eval/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const mo__eval_metric_names[MO_EVAL_N_METRICS] = {"pr_auc", "roc_auc", "precision",
                                                              "recall", "f1"};

/* One known item of one label, in descending score order. */
typedef struct ranked {
    float s;    /* score; NaN sorts as -inf */
    uint32_t i; /* item index */
    int8_t y;   /* 0 or 1 */
} ranked;

/* A label's sorted known items for one system. */
typedef struct ranking {
    ranked *v; /* (m) owned */
    size_t m;
    float threshold;
} ranking;

static int cmp_ranked(const void *a, const void *b)
{
    float x = ((const ranked *)a)->s, y = ((const ranked *)b)->s;
    return (x < y) - (x > y);
}

static int ranking_build(ranking *r, const float *s, const int8_t *y, size_t n, float threshold)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += y[i] >= 0;
    r->m = m;
    r->threshold = threshold;
    r->v = mo__malloc((m ? m : 1) * sizeof *r->v);
    if (!r->v)
        return MO_ENOMEM;
    m = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] < 0)
            continue;
        r->v[m].s = isnan(s[i]) ? -INFINITY : s[i];
        r->v[m].i = (uint32_t)i;
        r->v[m].y = y[i] > 0;
        m++;
    }
    qsort(r->v, m, sizeof *r->v, cmp_ranked);
    return MO_OK;
}

/* Metrics of one ranking with item multiplicities w (NULL = all ones). */
static void weighted_metrics(const ranking *r, const uint32_t *w, double out[MO_EVAL_N_METRICS])
{
    double tp = 0, fp = 0, ap_sum = 0, area = 0, tp_at = 0, fp_at = 0;
    size_t i = 0;
    while (i < r->m) {
        size_t j = i;
        double gp = 0, gn = 0;
        while (j < r->m && r->v[j].s == r->v[i].s) {
            double c = w ? (double)w[r->v[j].i] : 1.0;
            if (r->v[j].y)
                gp += c;
            else
                gn += c;
            j++;
        }
        area += gn * (tp + 0.5 * gp);
        tp += gp;
        fp += gn;
        if (gp > 0)
            ap_sum += gp * tp / (tp + fp);
        if (r->v[i].s >= r->threshold) {
            tp_at = tp;
            fp_at = fp;
        }
        i = j;
    }
    double pos = tp, neg = fp;
    for (int k = 0; k < MO_EVAL_N_METRICS; k++)
        out[k] = NAN;
    if (pos <= 0)
        return;
    out[MO_EVAL_PR_AUC] = ap_sum / pos;
    if (neg > 0)
        out[MO_EVAL_ROC_AUC] = area / (pos * neg);
    double p = tp_at + fp_at > 0 ? tp_at / (tp_at + fp_at) : 1.0;
    double rc = tp_at / pos;
    out[MO_EVAL_PRECISION] = p;
    out[MO_EVAL_RECALL] = rc;
    out[MO_EVAL_F1] = tp_at > 0 && p + rc > 0 ? 2 * p * rc / (p + rc) : 0.0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *v, size_t f, double q)
{
    double pos = q * (double)(f - 1);
    size_t lo = (size_t)pos;
    if (lo + 1 >= f)
        return v[f - 1];
    return v[lo] + (pos - (double)lo) * (v[lo + 1] - v[lo]);
}

mo_eval_ci mo__eval_percentile_ci(double *v, size_t r)
{
    size_t f = 0;
    for (size_t k = 0; k < r; k++)
        if (isfinite(v[k]))
            v[f++] = v[k];
    mo_eval_ci ci = {NAN, NAN};
    if (!f || f * 2 < r)
        return ci;
    qsort(v, f, sizeof *v, cmp_double);
    ci.lo = quantile(v, f, 0.025);
    ci.hi = quantile(v, f, 0.975);
    return ci;
}

int mo__eval_bootstrap(const int8_t *const *labels, size_t n_labels, size_t n,
                       const mo_eval_system *a, const mo_eval_system *b, unsigned n_resamples,
                       uint64_t seed, mo_eval_ci *ci_a, mo_eval_ci *ci_b, mo_eval_ci *ci_diff)
{
    return mo__eval_bootstrap_replicates(labels, n_labels, n, a, b, n_resamples, seed, ci_a, ci_b,
                                         ci_diff, NULL);
}

int mo__eval_bootstrap_replicates(const int8_t *const *labels, size_t n_labels, size_t n,
                                  const mo_eval_system *a, const mo_eval_system *b,
                                  unsigned n_resamples, uint64_t seed, mo_eval_ci *ci_a,
                                  mo_eval_ci *ci_b, mo_eval_ci *ci_diff, double *reps)
{
    if (!a || !ci_a || (b && !ci_diff) || n > UINT32_MAX)
        return MO_EINVAL;
    size_t cells = n_labels * MO_EVAL_N_METRICS;
    mo_eval_ci none = {NAN, NAN};
    for (size_t c = 0; c < cells; c++) {
        ci_a[c] = none;
        if (ci_b)
            ci_b[c] = none;
        if (ci_diff)
            ci_diff[c] = none;
    }
    for (size_t c = 0; reps && c < cells * n_resamples; c++)
        reps[c] = NAN;
    if (!n || !n_labels || !n_resamples)
        return MO_OK;
    size_t n_sys = b ? 2 : 1, n_slots = b ? 3 : 1, n_vals;
    if (mo__size_mul(cells * n_slots, n_resamples, &n_vals) != MO_OK)
        return MO_ENOMEM;
    int rc = MO_ENOMEM;
    ranking *rk = mo__calloc(n_labels * n_sys, sizeof *rk);
    uint32_t *w = mo__malloc(n * sizeof *w);
    double *vals = mo__malloc(n_vals * sizeof *vals);
    if (!rk || !w || !vals)
        goto out;
    for (size_t s = 0; s < n_sys; s++) {
        const mo_eval_system *sys = s ? b : a;
        for (size_t k = 0; k < n_labels; k++)
            if (ranking_build(&rk[s * n_labels + k], sys->scores[k], labels[k], n,
                              sys->thresholds[k]) != MO_OK)
                goto out;
    }
    mo_rng rng;
    mo__rng_seed(&rng, seed);
    /* vals[((slot * n_labels + k) * MO_EVAL_N_METRICS + metric) * R + round] */
    for (unsigned round = 0; round < n_resamples; round++) {
        memset(w, 0, n * sizeof *w);
        for (size_t t = 0; t < n; t++)
            w[mo__rng_below(&rng, n)]++;
        for (size_t k = 0; k < n_labels; k++) {
            double m[2][MO_EVAL_N_METRICS];
            for (size_t s = 0; s < n_sys; s++)
                weighted_metrics(&rk[s * n_labels + k], w, m[s]);
            for (int q = 0; q < MO_EVAL_N_METRICS; q++) {
                size_t cell = k * MO_EVAL_N_METRICS + (size_t)q;
                vals[cell * n_resamples + round] = m[0][q];
                if (b) {
                    vals[(cells + cell) * n_resamples + round] = m[1][q];
                    vals[(2 * cells + cell) * n_resamples + round] = m[1][q] - m[0][q];
                }
            }
        }
    }
    if (reps)
        memcpy(reps, vals, cells * n_resamples * sizeof *vals);
    for (size_t c = 0; c < cells; c++) {
        ci_a[c] = mo__eval_percentile_ci(vals + c * n_resamples, n_resamples);
        if (b) {
            mo_eval_ci cb = mo__eval_percentile_ci(vals + (cells + c) * n_resamples, n_resamples);
            if (ci_b)
                ci_b[c] = cb;
            ci_diff[c] = mo__eval_percentile_ci(vals + (2 * cells + c) * n_resamples, n_resamples);
        }
    }
    rc = MO_OK;
out:
    for (size_t k = 0; rk && k < n_labels * n_sys; k++)
        mo__free(rk[k].v);
    mo__free(rk);
    mo__free(w);
    mo__free(vals);
    return rc;
}
