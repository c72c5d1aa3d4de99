/*
 * fairness.c -- unintended-bias metrics per subgroup (Borkan et al. 2019,
 * "Nuanced Metrics for Measuring Unintended Bias with Real Data for Text
 * Classification"): subgroup AUC, BPSN AUC (background positive, subgroup
 * negative), BNSP AUC (background negative, subgroup positive), their
 * generalized power mean (p = -5) and the Jigsaw Unintended Bias final score,
 * plus FPR/FNR per subgroup and their gaps to the overall rates.
 */
#include "eval/eval.h"

#include <math.h>
#include <stdlib.h>

typedef struct fitem {
    float s;
    uint32_t i;
    int8_t y;
} fitem;

static int cmp_fitem(const void *a, const void *b)
{
    float x = ((const fitem *)a)->s, y = ((const fitem *)b)->s;
    return (x < y) - (x > y);
}

enum { AUC_SUBGROUP, AUC_BPSN, AUC_BNSP, AUC_ALL };

static int included(int mode, int in_group, int y)
{
    switch (mode) {
    case AUC_SUBGROUP:
        return in_group;
    case AUC_BPSN:
        return in_group ? !y : y;
    case AUC_BNSP:
        return in_group ? y : !y;
    default:
        return 1;
    }
}

/* Mann-Whitney AUC (ties one half) over the included items of a sorted list. */
static double auc_masked(const fitem *v, size_t m, const uint8_t *member, int mode)
{
    double tp = 0, fp = 0, area = 0;
    size_t i = 0;
    while (i < m) {
        size_t j = i;
        double gp = 0, gn = 0;
        while (j < m && v[j].s == v[i].s) {
            if (included(mode, member ? member[v[j].i] != 0 : 1, v[j].y))
                v[j].y ? gp++ : gn++;
            j++;
        }
        area += gn * (tp + 0.5 * gp);
        tp += gp;
        fp += gn;
        i = j;
    }
    return tp > 0 && fp > 0 ? area / (tp * fp) : NAN;
}

double mo__eval_power_mean(const double *x, size_t n, double p)
{
    double sum = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]))
            continue;
        if (p == 0) {
            if (x[i] <= 0)
                return 0;
            sum += log(x[i]);
        } else {
            if (p < 0 && x[i] <= 0)
                return 0; /* the limit as x -> 0 for negative p */
            sum += pow(x[i], p);
        }
        k++;
    }
    if (!k)
        return NAN;
    return p == 0 ? exp(sum / (double)k) : pow(sum / (double)k, 1.0 / p);
}

int mo__eval_fairness(const float *scores, const int8_t *labels, size_t n, float threshold,
                      const uint8_t *member, size_t n_groups, mo_eval_subgroup *out,
                      mo_eval_fairness *summary)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += labels[i] >= 0;
    fitem *v = mo__malloc((m ? m : 1) * sizeof *v);
    double *tmp = mo__malloc((n_groups ? n_groups : 1) * 3 * sizeof *tmp);
    if (!v || !tmp || n > UINT32_MAX) {
        mo__free(v);
        mo__free(tmp);
        return v && tmp ? MO_EINVAL : MO_ENOMEM;
    }
    size_t fp = 0, tn = 0, fn = 0, tp = 0;
    m = 0;
    for (size_t i = 0; i < n; i++) {
        if (labels[i] < 0)
            continue;
        v[m].s = isnan(scores[i]) ? -INFINITY : scores[i];
        v[m].i = (uint32_t)i;
        v[m].y = labels[i] > 0;
        int pred = v[m].s >= threshold;
        if (v[m].y)
            pred ? tp++ : fn++;
        else
            pred ? fp++ : tn++;
        m++;
    }
    qsort(v, m, sizeof *v, cmp_fitem);
    mo_eval_fairness sm;
    sm.overall_auc = auc_masked(v, m, NULL, AUC_ALL);
    sm.fpr = fp + tn ? (double)fp / (double)(fp + tn) : NAN;
    sm.fnr = tp + fn ? (double)fn / (double)(tp + fn) : NAN;
    sm.max_fpr_gap = NAN;
    sm.max_fnr_gap = NAN;
    for (size_t g = 0; g < n_groups; g++) {
        const uint8_t *mem = member + g * n;
        mo_eval_subgroup *o = &out[g];
        size_t gfp = 0, gtn = 0, gfn = 0, gtp = 0;
        for (size_t j = 0; j < m; j++) {
            if (!mem[v[j].i])
                continue;
            int pred = v[j].s >= threshold;
            if (v[j].y)
                pred ? gtp++ : gfn++;
            else
                pred ? gfp++ : gtn++;
        }
        o->pos = gtp + gfn;
        o->neg = gfp + gtn;
        o->n = o->pos + o->neg;
        o->fpr = o->neg ? (double)gfp / (double)o->neg : NAN;
        o->fnr = o->pos ? (double)gfn / (double)o->pos : NAN;
        o->fpr_gap = o->fpr - sm.fpr;
        o->fnr_gap = o->fnr - sm.fnr;
        if (o->pos >= 2 && o->neg >= 2) {
            o->subgroup_auc = auc_masked(v, m, mem, AUC_SUBGROUP);
            o->bpsn_auc = auc_masked(v, m, mem, AUC_BPSN);
            o->bnsp_auc = auc_masked(v, m, mem, AUC_BNSP);
        } else {
            o->subgroup_auc = o->bpsn_auc = o->bnsp_auc = NAN;
        }
        tmp[g] = o->subgroup_auc;
        tmp[n_groups + g] = o->bpsn_auc;
        tmp[2 * n_groups + g] = o->bnsp_auc;
        if (!isnan(o->fpr_gap) && (isnan(sm.max_fpr_gap) || fabs(o->fpr_gap) > sm.max_fpr_gap))
            sm.max_fpr_gap = fabs(o->fpr_gap);
        if (!isnan(o->fnr_gap) && (isnan(sm.max_fnr_gap) || fabs(o->fnr_gap) > sm.max_fnr_gap))
            sm.max_fnr_gap = fabs(o->fnr_gap);
    }
    sm.subgroup_auc_power_mean = mo__eval_power_mean(tmp, n_groups, MO_EVAL_POWER_P);
    sm.bpsn_auc_power_mean = mo__eval_power_mean(tmp + n_groups, n_groups, MO_EVAL_POWER_P);
    sm.bnsp_auc_power_mean = mo__eval_power_mean(tmp + 2 * n_groups, n_groups, MO_EVAL_POWER_P);
    /* Jigsaw Unintended Bias: w0 * overall + sum_a w_a * M_p(m_a), all w = 0.25. */
    sm.final_score =
        0.25 * sm.overall_auc +
        0.25 * (sm.subgroup_auc_power_mean + sm.bpsn_auc_power_mean + sm.bnsp_auc_power_mean);
    *summary = sm;
    mo__free(v);
    mo__free(tmp);
    return MO_OK;
}
