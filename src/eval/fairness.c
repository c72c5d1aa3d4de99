/*
 * fairness.c -- unintended-bias metrics per subgroup (Borkan et al. 2019,
 * "Nuanced Metrics for Measuring Unintended Bias with Real Data for Text
 * Classification"): subgroup AUC, BPSN AUC (background positive, subgroup
 * negative), BNSP AUC (background negative, subgroup positive), their
 * generalized power mean (p = -5) and the Jigsaw Unintended Bias final score,
 * plus FPR/FNR per subgroup and their gaps to the overall rates. A subgroup
 * enters a summary (power mean, max FPR gap) only with enough items on the
 * side of it that the metric uses (mo_eval_fairness_min); smaller ones keep
 * their own values but are marked as left out.
 */
#include "eval/eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

const char *const mo__eval_fair_part_names[MO_EVAL_FAIR_N_PARTS] = {"subgroup_auc", "bpsn_auc",
                                                                    "bnsp_auc", "fpr_gap"};

/* Whether subgroup o has the support that part's summary asks for, with
 * pos and neg the known positives and negatives of all items: subgroup AUC
 * compares the subgroup's positives with its negatives, BPSN its negatives
 * with the background's positives, BNSP its positives with the background's
 * negatives (a slice with one dominant subgroup leaves it a background of a
 * few items), and the FPR gap's rate has the subgroup's negatives as
 * denominator. */
static int has_support(const mo_eval_subgroup *o, int part, size_t pos, size_t neg,
                       const mo_eval_fairness_min *min)
{
    size_t k = min->per_class;
    switch (part) {
    case MO_EVAL_FAIR_SUBGROUP_AUC:
        return o->pos >= k && o->neg >= k;
    case MO_EVAL_FAIR_BPSN_AUC:
        return o->neg >= k && pos - o->pos >= k;
    case MO_EVAL_FAIR_BNSP_AUC:
        return o->pos >= k && neg - o->neg >= k;
    default:
        return o->neg >= min->negatives;
    }
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
                      const uint8_t *member, size_t n_groups, const mo_eval_fairness_min *min,
                      mo_eval_subgroup *out, mo_eval_fairness *summary)
{
    static const mo_eval_fairness_min defaults = {MO_EVAL_FAIRNESS_MIN_NEGATIVES,
                                                  MO_EVAL_FAIRNESS_MIN_CLASS};
    if (!min)
        min = &defaults;
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
    memset(&sm, 0, sizeof sm);
    sm.min = *min;
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
        const double part[MO_EVAL_FAIR_N_PARTS] = {o->subgroup_auc, o->bpsn_auc, o->bnsp_auc,
                                                   o->fpr_gap};
        for (int q = 0; q < MO_EVAL_FAIR_N_PARTS; q++) {
            int in = !isnan(part[q]) && has_support(o, q, tp + fn, fp + tn, min);
            o->in_summary[q] = (uint8_t)in;
            sm.n_left_out[q] += !isnan(part[q]) && !in;
            if (q < MO_EVAL_FAIR_FPR_GAP)
                tmp[(size_t)q * n_groups + g] = in ? part[q] : NAN;
        }
        if (o->in_summary[MO_EVAL_FAIR_FPR_GAP] &&
            (isnan(sm.max_fpr_gap) || fabs(o->fpr_gap) > sm.max_fpr_gap))
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
