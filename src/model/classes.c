/*
 * classes.c -- mutually exclusive labels ("classes"): a model trained with
 * `--classes a,b,c` predicts exactly one of them per text, the argmax of
 * weight[c] * score[c]. The weights are fitted on dev to maximize the
 * macro-F1 of that argmax, which lifts a rare class (Davidson's hate is 6% of
 * tweets) that a plain argmax of calibrated scores almost never picks. Pure
 * functions over caller memory; uses base only.
 *
 * The fit is a deterministic coordinate ascent over a quarter-octave grid:
 * weights 2^(e/4) with e in [MO__CLASS_E_MIN, MO__CLASS_E_MAX] (0.25x to
 * 8x); the dev set's most frequent class keeps weight 1; each round tries
 * every grid value for every other class in label order and keeps the best
 * (ties: the value nearest 1, then the smaller), until a round changes
 * nothing or after MO__CLASS_ROUNDS rounds.
 */
#include "model/model_int.h"

#include <math.h>
#include <string.h>

#define MO__CLASS_E_MIN (-8)
#define MO__CLASS_E_MAX 12
#define MO__CLASS_ROUNDS 10

size_t mo__class_argmax(const float *scores, const uint32_t *idx, const float *w, size_t k)
{
    size_t best = 0;
    float best_v = -1.0f;
    for (size_t c = 0; c < k; c++) {
        float v = w[c] * scores[idx[c]];
        if (v > best_v) {
            best_v = v;
            best = c;
        }
    }
    return best;
}

/* The gold class of item j (column-major scores/labels, n items), or -1 when
 * a class label is unknown or the item has no positive class. */
static int gold_class(const int8_t *ycols, size_t n, size_t j, const uint32_t *idx, size_t k)
{
    int g = -1;
    for (size_t c = 0; c < k; c++) {
        int8_t y = ycols[(size_t)idx[c] * n + j];
        if (y < 0)
            return -1;
        if (y == 1)
            g = (int)c;
    }
    return g;
}

double mo__class_macro_f1(const float *cols, const int8_t *ycols, size_t n, const uint32_t *idx,
                          const float *w, size_t k)
{
    size_t tp[MO__MODEL_MAX_LABELS] = {0}, fp[MO__MODEL_MAX_LABELS] = {0},
           fn[MO__MODEL_MAX_LABELS] = {0};
    float s[MO__MODEL_MAX_LABELS];
    uint32_t id[MO__MODEL_MAX_LABELS];
    size_t seen = 0;
    for (size_t c = 0; c < k; c++)
        id[c] = (uint32_t)c;
    for (size_t j = 0; j < n; j++) {
        int g = gold_class(ycols, n, j, idx, k);
        if (g < 0)
            continue;
        for (size_t c = 0; c < k; c++)
            s[c] = cols[(size_t)idx[c] * n + j];
        size_t p = mo__class_argmax(s, id, w, k);
        if ((int)p == g) {
            tp[p]++;
        } else {
            fp[p]++;
            fn[g]++;
        }
        seen++;
    }
    if (!seen)
        return NAN;
    double sum = 0;
    for (size_t c = 0; c < k; c++)
        sum += tp[c] ? 2.0 * (double)tp[c] / (double)(2 * tp[c] + fp[c] + fn[c]) : 0.0;
    return sum / (double)k;
}

int mo__class_check(const int8_t *y, size_t n, size_t item_stride, size_t label_stride,
                    const uint32_t *idx, size_t k, size_t *bad_item)
{
    for (size_t j = 0; j < n; j++) {
        size_t pos = 0, unknown = 0;
        for (size_t c = 0; c < k; c++) {
            int8_t v = y[(size_t)idx[c] * label_stride + j * item_stride];
            pos += v == 1;
            unknown += v < 0;
        }
        if (unknown == k)
            continue;
        if (unknown || pos != 1) {
            *bad_item = j;
            return MO_EINVAL;
        }
    }
    return MO_OK;
}

/* Order in which grid exponents are tried: 0, -1, 1, -2, 2, ... so that a
 * tie keeps the weight nearest 1 (then the smaller). */
static int nth_exponent(int i)
{
    return (i % 2) ? -(i + 1) / 2 : i / 2;
}

void mo__class_fit(const float *cols, const int8_t *ycols, size_t n, const uint32_t *idx, size_t k,
                   float *w)
{
    size_t count[MO__MODEL_MAX_LABELS] = {0}, ref = 0;
    int e[MO__MODEL_MAX_LABELS] = {0};
    for (size_t j = 0; j < n; j++) {
        int g = gold_class(ycols, n, j, idx, k);
        if (g >= 0)
            count[g]++;
    }
    for (size_t c = 0; c < k; c++) {
        w[c] = 1.0f;
        if (count[c] > count[ref])
            ref = c;
    }
    int span = 2 * (MO__CLASS_E_MAX > -MO__CLASS_E_MIN ? MO__CLASS_E_MAX : -MO__CLASS_E_MIN) + 1;
    for (int round = 0; round < MO__CLASS_ROUNDS; round++) {
        int changed = 0;
        for (size_t c = 0; c < k; c++) {
            if (c == ref)
                continue;
            int best_e = e[c];
            double best = -1;
            for (int i = 0; i < span; i++) {
                int x = nth_exponent(i);
                if (x < MO__CLASS_E_MIN || x > MO__CLASS_E_MAX)
                    continue;
                w[c] = exp2f((float)x / 4.0f);
                double f = mo__class_macro_f1(cols, ycols, n, idx, w, k);
                if (f > best + 1e-12) {
                    best = f;
                    best_e = x;
                }
            }
            if (best_e != e[c])
                changed = 1;
            e[c] = best_e;
            w[c] = exp2f((float)best_e / 4.0f);
        }
        if (!changed)
            break;
    }
}
