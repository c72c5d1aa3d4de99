/*
 * multiclass.c -- mutually exclusive labels read as one multi-class problem
 * (Davidson's c_hate / c_offensive / c_neither): the argmax confusion matrix,
 * accuracy, per-class precision/recall/F1 and macro-F1, and the detection of
 * label sets where every fully known item has exactly one positive; the
 * --classes list and the result's JSON. Uses base and jansson; only the JSON
 * allocates.
 */
#include "eval/eval.h"

#include <math.h>
#include <stdio.h>
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

int mo__eval_multiclass(const float *const *scores, const float *weights,
                        const int8_t *const *labels, size_t n_classes, size_t n, size_t *confusion,
                        mo_eval_class_stats *per_class, mo_eval_multiclass *out)
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
            float s = weights ? weights[c] * scores[c][i] : scores[c][i];
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

int mo__eval_classes_parse(const char *spec, const char *const *labels, size_t n_labels,
                           size_t *out, size_t *n_out, mo_diag *diag)
{
    *n_out = 0;
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ","), k = 0;
        while (k < n_labels && (strlen(labels[k]) != len || strncmp(labels[k], p, len)))
            k++;
        if (k == n_labels)
            return mo__diag_set(diag, MO_EINVAL, NULL, 0, NULL,
                                "--classes: no label '%.*s' in the data or model",
                                (int)(len > 100 ? 100 : len), p);
        for (size_t c = 0; c < *n_out; c++)
            if (out[c] == k)
                return mo__diag_set(diag, MO_EINVAL, NULL, 0, NULL, "--classes: '%s' given twice",
                                    labels[k]);
        if (*n_out == MO_EVAL_MAX_CLASSES)
            return mo__diag_set(diag, MO_EINVAL, NULL, 0, NULL, "--classes: at most %d classes",
                                MO_EVAL_MAX_CLASSES);
        out[(*n_out)++] = k;
        p += len;
        p += *p == ',';
    }
    if (*n_out < 2)
        return mo__diag_set(diag, MO_EINVAL, NULL, 0, NULL,
                            "--classes needs at least two labels, comma-separated");
    return MO_OK;
}

/* A number rounded to 4 decimals, or null when not finite. */
static json_t *num4(double v)
{
    return isfinite(v) ? json_real(round(v * 1e4) / 1e4) : json_null();
}

json_t *mo__eval_multiclass_json(const char *const *class_names, size_t n_classes, int detected,
                                 const size_t *confusion, const mo_eval_class_stats *per_class,
                                 const mo_eval_multiclass *mc)
{
    json_t *jm = json_object(), *jc = json_array(), *jcm = json_array(), *jpc = json_object();
    int bad = !jm || !jc || !jcm || !jpc;
    for (size_t c = 0; c < n_classes && !bad; c++) {
        json_t *row = json_array(), *x = json_object();
        bad |= !row || !x;
        for (size_t j = 0; j < n_classes && !bad; j++)
            bad |=
                json_array_append_new(row, json_integer((json_int_t)confusion[c * n_classes + j]));
        bad |= json_array_append_new(jc, json_string(class_names[c]));
        bad |= json_array_append_new(jcm, row);
        bad |= json_object_set_new(x, "support", json_integer((json_int_t)per_class[c].support));
        bad |=
            json_object_set_new(x, "predicted", json_integer((json_int_t)per_class[c].predicted));
        bad |= json_object_set_new(x, "precision", num4(per_class[c].precision));
        bad |= json_object_set_new(x, "recall", num4(per_class[c].recall));
        bad |= json_object_set_new(x, "f1", num4(per_class[c].f1));
        bad |= json_object_set_new(jpc, class_names[c], x);
    }
    if (!bad) {
        bad |= json_object_set_new(jm, "classes", jc);
        bad |= json_object_set_new(jm, "detected", json_boolean(detected));
        bad |= json_object_set_new(jm, "n_items", json_integer((json_int_t)mc->n_items));
        bad |= json_object_set_new(jm, "n_not_exclusive",
                                   json_integer((json_int_t)mc->n_not_exclusive));
        bad |= json_object_set_new(jm, "accuracy", num4(mc->accuracy));
        bad |= json_object_set_new(jm, "macro_f1", num4(mc->macro_f1));
        bad |= json_object_set_new(jm, "confusion", jcm);
        bad |= json_object_set_new(jm, "per_class", jpc);
        if (!bad)
            return jm;
        json_decref(jm); /* owns what was set */
        return NULL;
    }
    json_decref(jm);
    json_decref(jc);
    json_decref(jcm);
    json_decref(jpc);
    return NULL;
}
