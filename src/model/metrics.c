/*
 * metrics.c -- classification metrics over scores with masked labels: average
 * precision (PR-AUC), ROC-AUC, precision/recall/F1 at a threshold, the best-F1
 * threshold, the threshold for a target precision and recall at a precision,
 * micro averages over labels, expected calibration error and log loss. Label -1 (unknown) is
 * skipped everywhere. Used by training (early stopping, thresholds) and by evaluation. Uses base
 * only.
 */
#include "model/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef mo_scored scored;

static int cmp_desc(const void *a, const void *b)
{
    float x = ((const scored *)a)->s, y = ((const scored *)b)->s;
    return (x < y) - (x > y);
}

/* Known examples sorted by descending score; *n_pos receives the positives.
 * Returns NULL (and *m = 0) when nothing is known or on ENOMEM (*m = SIZE_MAX). */
static scored *sorted_known(const float *scores, const int8_t *labels, size_t n, size_t *m,
                            size_t *n_pos)
{
    size_t k = 0, p = 0;
    for (size_t i = 0; i < n; i++)
        if (labels[i] >= 0)
            k++;
    *m = 0;
    *n_pos = 0;
    if (!k)
        return NULL;
    scored *v = mo__malloc(k * sizeof *v);
    if (!v) {
        *m = SIZE_MAX;
        return NULL;
    }
    k = 0;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0)
            continue;
        v[k].s = isnan(scores[i]) ? -INFINITY : scores[i];
        v[k].y = labels[i] > 0;
        p += v[k].y;
        k++;
    }
    qsort(v, k, sizeof *v, cmp_desc);
    *m = k;
    *n_pos = p;
    return v;
}

int mo__metric_sort_known(const float *scores, const int8_t *labels, size_t n, mo_scored **out,
                          size_t *m, size_t *n_pos)
{
    *out = sorted_known(scores, labels, n, m, n_pos);
    if (!*out && *m == SIZE_MAX) {
        *m = 0;
        return MO_ENOMEM;
    }
    return MO_OK;
}

double mo__metric_average_precision(const float *scores, const int8_t *labels, size_t n)
{
    size_t m, n_pos;
    scored *v = sorted_known(scores, labels, n, &m, &n_pos);
    if (!v || !n_pos) {
        mo__free(v);
        return NAN;
    }
    double ap = 0, prev_recall = 0;
    size_t tp = 0, i = 0;
    while (i < m) {
        size_t j = i;
        while (j < m && v[j].s == v[i].s) {
            tp += (size_t)v[j].y;
            j++;
        }
        double recall = (double)tp / (double)n_pos;
        double precision = (double)tp / (double)j;
        ap += (recall - prev_recall) * precision;
        prev_recall = recall;
        i = j;
    }
    mo__free(v);
    return ap;
}

double mo__metric_roc_auc(const float *scores, const int8_t *labels, size_t n)
{
    size_t m, n_pos;
    scored *v = sorted_known(scores, labels, n, &m, &n_pos);
    if (!v || !n_pos || n_pos == m) {
        mo__free(v);
        return NAN;
    }
    /* Walking down the scores: each positive ranks above every negative seen
     * later; ties between a positive and a negative count one half. */
    size_t n_neg = m - n_pos, neg_below = n_neg;
    double sum = 0;
    size_t i = 0;
    while (i < m) {
        size_t j = i, p = 0, q = 0;
        while (j < m && v[j].s == v[i].s) {
            if (v[j].y)
                p++;
            else
                q++;
            j++;
        }
        neg_below -= q;
        sum += (double)p * ((double)neg_below + 0.5 * (double)q);
        i = j;
    }
    mo__free(v);
    return sum / ((double)n_pos * (double)n_neg);
}

static void finish_counts(mo_metric_counts *c)
{
    c->support = c->tp + c->fn;
    c->precision = c->tp + c->fp ? (double)c->tp / (double)(c->tp + c->fp) : 1.0;
    c->recall = c->support ? (double)c->tp / (double)c->support : NAN;
    double pr = c->precision + (isnan(c->recall) ? 0 : c->recall);
    c->f1 = c->tp && pr > 0 ? 2 * c->precision * c->recall / pr : 0.0;
}

mo_metric_counts mo__metric_at_threshold(const float *scores, const int8_t *labels, size_t n,
                                         float threshold)
{
    mo_metric_counts c = {0};
    c.threshold = threshold;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0)
            continue;
        c.n_known++;
        int pred = scores[i] >= threshold;
        if (labels[i])
            pred ? c.tp++ : c.fn++;
        else
            pred ? c.fp++ : c.tn++;
    }
    finish_counts(&c);
    return c;
}

/* Sweeps thresholds over the distinct scores (descending). For each group
 * boundary calls back with counts; used by best-F1 and target precision. */
typedef int (*sweep_fn)(const mo_metric_counts *c, void *user);

static int sweep(const float *scores, const int8_t *labels, size_t n, sweep_fn fn, void *user)
{
    size_t m, n_pos;
    scored *v = sorted_known(scores, labels, n, &m, &n_pos);
    if (!v)
        return m == SIZE_MAX ? MO_ENOMEM : MO_OK;
    size_t tp = 0, i = 0;
    while (i < m) {
        size_t j = i;
        while (j < m && v[j].s == v[i].s) {
            tp += (size_t)v[j].y;
            j++;
        }
        mo_metric_counts c = {0};
        c.threshold = v[i].s;
        c.n_known = m;
        c.tp = tp;
        c.fp = j - tp;
        c.fn = n_pos - tp;
        c.tn = m - n_pos - c.fp;
        finish_counts(&c);
        fn(&c, user);
        i = j;
    }
    mo__free(v);
    return MO_OK;
}

static int best_f1_cb(const mo_metric_counts *c, void *user)
{
    mo_metric_counts *best = user;
    if (c->f1 > best->f1)
        *best = *c;
    return 0;
}

mo_metric_counts mo__metric_best_f1(const float *scores, const int8_t *labels, size_t n)
{
    mo_metric_counts best = {0};
    best.threshold = INFINITY;
    best.f1 = 0;
    sweep(scores, labels, n, best_f1_cb, &best);
    if (best.threshold == INFINITY) {
        best = mo__metric_at_threshold(scores, labels, n, INFINITY);
        best.f1 = 0;
    }
    return best;
}

typedef struct prec_state {
    double target;
    int found;
    mo_metric_counts best;
} prec_state;

static int prec_cb(const mo_metric_counts *c, void *user)
{
    prec_state *st = user;
    /* Thresholds descend, so the last one meeting the target has max recall;
     * ties in recall keep the higher threshold (fewer false positives). */
    if (c->precision >= st->target && c->tp > 0 && (!st->found || c->recall > st->best.recall)) {
        st->best = *c;
        st->found = 1;
    }
    return 0;
}

int mo__metric_threshold_for_precision(const float *scores, const int8_t *labels, size_t n,
                                       double target, mo_metric_counts *out)
{
    prec_state st = {.target = target};
    int rc = sweep(scores, labels, n, prec_cb, &st);
    if (rc != MO_OK)
        return rc;
    if (!st.found)
        return MO_ENOTFOUND;
    *out = st.best;
    return MO_OK;
}

double mo__metric_recall_at_precision(const float *scores, const int8_t *labels, size_t n,
                                      double target, float *threshold)
{
    if (threshold)
        *threshold = NAN;
    prec_state st = {.target = target};
    if (sweep(scores, labels, n, prec_cb, &st) != MO_OK)
        return NAN;
    if (st.found) {
        if (threshold)
            *threshold = st.best.threshold;
        return st.best.recall;
    }
    /* Not reached: recall 0 (empty prediction) when there is a positive. */
    mo_metric_counts c = mo__metric_at_threshold(scores, labels, n, INFINITY);
    return c.support ? 0.0 : NAN;
}

int mo__metric_micro(const float *const *scores, const int8_t *const *labels, size_t n_labels,
                     size_t n, const float *thresholds, mo_metric_micro *out)
{
    memset(out, 0, sizeof *out);
    size_t known = 0;
    for (size_t k = 0; k < n_labels; k++) {
        mo_metric_counts c = mo__metric_at_threshold(scores[k], labels[k], n, thresholds[k]);
        out->at.tp += c.tp;
        out->at.fp += c.fp;
        out->at.fn += c.fn;
        out->at.tn += c.tn;
        out->at.n_known += c.n_known;
    }
    known = out->at.n_known;
    finish_counts(&out->at);
    out->at.threshold = NAN;
    out->fpr =
        out->at.fp + out->at.tn ? (double)out->at.fp / (double)(out->at.fp + out->at.tn) : NAN;
    out->pr_auc = out->roc_auc = NAN;
    if (!known)
        return MO_OK;
    float *s = mo__malloc(known * sizeof *s);
    int8_t *y = mo__malloc(known);
    if (!s || !y) {
        mo__free(s);
        mo__free(y);
        return MO_ENOMEM;
    }
    size_t j = 0;
    for (size_t k = 0; k < n_labels; k++)
        for (size_t i = 0; i < n; i++)
            if (labels[k][i] >= 0) {
                s[j] = scores[k][i];
                y[j] = labels[k][i] > 0;
                j++;
            }
    int rc = MO_OK;
    if (out->at.support) {
        out->pr_auc = mo__metric_average_precision(s, y, known);
        if (isnan(out->pr_auc))
            rc = MO_ENOMEM; /* defined with a positive: NAN only on allocation failure */
        if (out->at.support < known) {
            out->roc_auc = mo__metric_roc_auc(s, y, known);
            if (isnan(out->roc_auc))
                rc = MO_ENOMEM;
        }
    }
    mo__free(s);
    mo__free(y);
    return rc;
}

double mo__metric_ece(const float *scores, const int8_t *labels, size_t n, unsigned n_bins)
{
    if (!n_bins || n_bins > 1000)
        return NAN;
    double conf[1000] = {0}, acc[1000] = {0};
    size_t cnt[1000] = {0}, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0)
            continue;
        double s = scores[i];
        if (!(s >= 0))
            s = 0;
        if (s > 1)
            s = 1;
        unsigned b = (unsigned)(s * n_bins);
        if (b >= n_bins)
            b = n_bins - 1;
        conf[b] += s;
        acc[b] += labels[i] > 0;
        cnt[b]++;
        total++;
    }
    if (!total)
        return NAN;
    double e = 0;
    for (unsigned b = 0; b < n_bins; b++)
        if (cnt[b])
            e += fabs(acc[b] - conf[b]) / (double)total;
    return e;
}

double mo__metric_log_loss(const float *scores, const int8_t *labels, size_t n)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0)
            continue;
        double p = scores[i];
        if (p < 1e-7)
            p = 1e-7;
        if (p > 1 - 1e-7)
            p = 1 - 1e-7;
        sum -= labels[i] > 0 ? log(p) : log(1 - p);
        k++;
    }
    return k ? sum / (double)k : NAN;
}
