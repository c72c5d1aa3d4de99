/*
 * model.h -- the model layer's interface for other layers (detect, eval, cli):
 * evaluation metrics over scores with masked (unknown) labels. The classifier
 * itself is public API (mo_model_* and mo_train_* in moderato.h). May use base
 * and text only.
 *
 * Label arrays use int8_t: 1 = positive, 0 = negative, -1 = unknown. Unknown
 * entries are skipped by every metric. Metrics that are undefined for the
 * input (no positives, one class only, nothing known) return NAN.
 */
#ifndef MO_MODEL_H
#define MO_MODEL_H

#include "base/base.h"

/* ==== Metrics (metrics.c) ==== */

/* Confusion counts and rates at one threshold (score >= threshold is positive). */
typedef struct mo_metric_counts {
    float threshold; /* the threshold these counts are for */
    size_t tp, fp, fn, tn;
    size_t support;   /* known positives (tp + fn) */
    size_t n_known;   /* examples with a known label */
    double precision; /* tp / (tp + fp); 1 when nothing is predicted positive */
    double recall;    /* tp / (tp + fn); NAN when there are no positives */
    double f1;        /* harmonic mean; 0 when precision + recall == 0 */
} mo_metric_counts;

/* One known example: score and label (0/1). */
typedef struct mo_scored {
    float s;  /* score; NaN is read as -inf */
    int8_t y; /* 1 positive, 0 negative */
} mo_scored;

/* The known examples (label >= 0) sorted by descending score, for metrics
 * and curves. *out is the caller's (mo__free); NULL when nothing is known.
 * *m gets the count and *n_pos the positives. Returns MO_OK or MO_ENOMEM. */
int mo__metric_sort_known(const float *scores, const int8_t *labels, size_t n, mo_scored **out,
                          size_t *m, size_t *n_pos);

/* Average precision (area under the precision-recall curve, step-wise as in
 * sklearn): equal scores form one group, so ties are order independent.
 * NAN when there is no known positive or on allocation failure. */
double mo__metric_average_precision(const float *scores, const int8_t *labels, size_t n);

/* ROC-AUC with ties counted one half (Mann-Whitney). NAN with one class only. */
double mo__metric_roc_auc(const float *scores, const int8_t *labels, size_t n);

/* Counts and precision/recall/F1 at `threshold`. */
mo_metric_counts mo__metric_at_threshold(const float *scores, const int8_t *labels, size_t n,
                                         float threshold);

/* The threshold (one of the scores) with the best F1; ties go to the higher
 * threshold. With no known positive, threshold = +inf and f1 = 0. */
mo_metric_counts mo__metric_best_f1(const float *scores, const int8_t *labels, size_t n);

/* The lowest threshold whose precision is >= target (max recall at that
 * precision). Returns MO_OK and fills *out, or MO_ENOTFOUND when no threshold
 * reaches the target, or MO_ENOMEM. */
int mo__metric_threshold_for_precision(const float *scores, const int8_t *labels, size_t n,
                                       double target, mo_metric_counts *out);

/* Recall at a target precision: the highest recall over the thresholds t at
 * the distinct known scores (score >= t is positive, so equal scores are
 * always on the same side) whose precision tp / (tp + fp) >= target, compared
 * in double (9 of 10 meets 0.9 exactly). Among the thresholds with that
 * recall the highest is reported in *threshold (OUT, may be NULL): the one
 * with the best precision. When no threshold reaches the target the recall is
 * 0 (the empty prediction, precision 1 by convention, recall 0) and
 * *threshold = NAN. NAN when no known positive (or out of memory). Same as
 * max(recall[precision >= target]) over scikit-learn's precision_recall_curve. */
double mo__metric_recall_at_precision(const float *scores, const int8_t *labels, size_t n,
                                      double target, float *threshold);

/* Micro averages over several labels: every known (item, label) pair is one
 * example. pr_auc and roc_auc rank the pooled scores (scikit-learn's
 * average="micro" on the known pairs); `at` sums each label's counts at its
 * own operating threshold (at.threshold = NAN, precision/recall/f1 from the
 * sums). */
typedef struct mo_metric_micro {
    double pr_auc;       /* NAN without a known positive */
    double roc_auc;      /* NAN with one class only */
    mo_metric_counts at; /* summed over the labels */
    double fpr;          /* at.fp / (at.fp + at.tn); NAN without negatives */
} mo_metric_micro;

/* scores[k], labels[k]: arrays of n for label k; thresholds[k] its operating
 * threshold. All borrowed. out (OUT). Allocates the pooled pairs for the
 * call. Returns MO_OK or MO_ENOMEM. */
int mo__metric_micro(const float *const *scores, const int8_t *const *labels, size_t n_labels,
                     size_t n, const float *thresholds, mo_metric_micro *out);

/* Expected calibration error over `n_bins` equal-width bins of [0, 1]
 * (scores are probabilities). NAN when nothing is known. */
double mo__metric_ece(const float *scores, const int8_t *labels, size_t n, unsigned n_bins);

/* Mean log loss of probabilities over known labels; NAN when none. */
double mo__metric_log_loss(const float *scores, const int8_t *labels, size_t n);

#endif /* MO_MODEL_H */
