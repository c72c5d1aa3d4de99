/*
 * multiclass.c -- mutually exclusive labels read as one multi-class problem
 * (Davidson's c_hate / c_offensive / c_neither): the argmax confusion matrix,
 * accuracy, per-class precision/recall/F1 and macro-F1, and the detection of
 * label sets where every fully known item has exactly one positive. Uses base
 * only; allocates nothing.
 */
#include "eval/eval.h"

#include <math.h>
#include <string.h>

/* Item i's true class when every class is known and exactly one is positive;
 * -1 with an unknown class, -2 when known but not exactly one positive. */
static int true_class(const int8_t *const *labels, size_t n_classes, size_t i)
{
    int t = -1, pos = 0;
    for (size_t c = 0; c < n_classes; c++) {
        if (labels[c][i] < 0)
            return -1;
        if (labels[c][i] > 0) {
            pos++;
            t = (int)c;
        }
    }
    return pos == 1 ? t : -2;
}

int mo__eval_multiclass(const float *const *scores, const int8_t *const *labels, size_t n_classes,
                        size_t n, size_t *confusion, mo_eval_class_stats *per_class,
                        mo_eval_multiclass *out)
{
    memset(out, 0, sizeof *out);
    out->accuracy = out->macro_f1 = NAN;
    if (n_classes < 2 || n_classes > MO_EVAL_MAX_CLASSES)
        return MO_EINVAL;
    memset(confusion, 0, n_classes * n_classes * sizeof *confusion);
    size_t correct = 0;
    for (size_t i = 0; i < n; i++) {
        int t = true_class(labels, n_classes, i);
        if (t == -2)
            out->n_not_exclusive++;
        if (t < 0)
            continue;
        /* argmax; NaN reads as -inf, ties go to the first class in order */
        size_t best = 0;
        float bs = -INFINITY;
        for (size_t c = 0; c < n_classes; c++) {
            float s = scores[c][i];
            if (!isnan(s) && s > bs) {
                bs = s;
                best = c;
            }
        }
        confusion[(size_t)t * n_classes + best]++;
        correct += (size_t)t == best;
        out->n_items++;
    }
    if (out->n_items)
        out->accuracy = (double)correct / (double)out->n_items;
    double sum_f1 = 0;
    size_t n_f1 = 0;
    for (size_t c = 0; c < n_classes; c++) {
        mo_eval_class_stats st = {0};
        for (size_t j = 0; j < n_classes; j++) {
            st.support += confusion[c * n_classes + j];
            st.predicted += confusion[j * n_classes + c];
        }
        size_t tp = confusion[c * n_classes + c];
        st.precision = st.predicted ? (double)tp / (double)st.predicted : NAN;
        st.recall = st.support ? (double)tp / (double)st.support : NAN;
        st.f1 = st.support + st.predicted ? 2.0 * (double)tp / (double)(st.support + st.predicted)
                                          : NAN;
        if (!isnan(st.f1)) {
            sum_f1 += st.f1;
            n_f1++;
        }
        if (per_class)
            per_class[c] = st;
    }
    if (n_f1)
        out->macro_f1 = sum_f1 / (double)n_f1;
    return MO_OK;
}

int mo__eval_exclusive(const int8_t *const *labels, size_t n_labels, size_t n)
{
    if (n_labels < 2 || n_labels > MO_EVAL_MAX_CLASSES)
        return 0;
    size_t full = 0;
    for (size_t i = 0; i < n; i++) {
        int t = true_class(labels, n_labels, i);
        if (t == -2)
            return 0;
        full += t >= 0;
    }
    return full > 0;
}
