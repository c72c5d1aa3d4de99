/*
 * sweep.c -- precision, recall, F1 and FPR at the fixed thresholds 0.05, 0.10,
 * ..., 0.95 (the trade-off table of `moderato eval --sweep` and --json).
 */
#include "eval/eval.h"
#include "model/model.h"

#include <math.h>

void mo__eval_sweep(const float *scores, const int8_t *labels, size_t n,
                    mo_eval_sweep_point out[MO_EVAL_SWEEP_N])
{
    for (int t = 0; t < MO_EVAL_SWEEP_N; t++) {
        float th = (float)(t + 1) * 5.0f / 100.0f;
        mo_metric_counts c = mo__metric_at_threshold(scores, labels, n, th);
        mo_eval_sweep_point *p = &out[t];
        p->threshold = th;
        p->precision = c.precision;
        p->recall = c.recall;
        p->f1 = c.support ? c.f1 : NAN;
        p->fpr = c.fp + c.tn ? (double)c.fp / (double)(c.fp + c.tn) : NAN;
        p->tp = c.tp;
        p->fp = c.fp;
    }
}
