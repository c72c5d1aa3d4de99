/*
 * tfidf.c -- feature values of the "tfidf" model kind: the hashed ids of one
 * text (mo__feat_extract: word block, then char block) become distinct
 * buckets with values (1 + ln tf) * idf, each block scaled to unit L2 norm on
 * its own (as scikit-learn's FeatureUnion of two TfidfVectorizers does), so
 * the few word n-grams are not drowned by the hundreds of char n-grams.
 * Buckets whose idf byte is 0 (seen in fewer than two training texts, or
 * never) are dropped, like a vocabulary's min_df. Training and inference
 * both call mo__tfidf_values, so calibration sees exactly the values
 * inference uses. The table grows while warming up only. Uses base.
 */
#include "model/model_int.h"

#include <string.h>

/* One slot of the open-addressing table (stamped, so never cleared). */
typedef struct tf_slot {
    uint32_t stamp; /* == t->stamp when the slot is in use for this block */
    uint32_t id;    /* bucket */
    uint32_t pos;   /* index of the bucket in the output arrays */
} tf_slot;

void mo__tfidf_init(mo__tfidf *t)
{
    memset(t, 0, sizeof *t);
}

void mo__tfidf_free(mo__tfidf *t)
{
    if (!t)
        return;
    mo__free(t->slots);
    mo__free(t->ids);
    mo__free(t->vals);
    memset(t, 0, sizeof *t);
}

/* Makes room for n ids: outputs of n entries and a table of >= 2n slots. */
static int reserve(mo__tfidf *t, size_t n)
{
    if (n > t->cap) {
        size_t c = t->cap ? t->cap : 256;
        while (c < n) {
            if (c > SIZE_MAX / 4)
                return MO_ENOMEM;
            c *= 2;
        }
        uint32_t *ids = mo__realloc(t->ids, c * sizeof *ids);
        if (!ids)
            return MO_ENOMEM;
        t->ids = ids;
        float *vals = mo__realloc(t->vals, c * sizeof *vals);
        if (!vals)
            return MO_ENOMEM;
        t->vals = vals;
        t->cap = c;
    }
    if (2 * n > t->n_slots) {
        size_t s = t->n_slots ? t->n_slots : 512;
        while (s < 2 * n)
            s *= 2;
        tf_slot *sl = mo__calloc(s, sizeof *sl);
        if (!sl)
            return MO_ENOMEM;
        mo__free(t->slots);
        t->slots = sl;
        t->n_slots = s;
        t->stamp = 0;
    }
    return MO_OK;
}

/* 1 + ln(tf) for small tf, the common case, without a logf call. */
static const float sublinear[8] = {0.0f,        1.0f,        1.69314718f, 2.09861229f,
                                   2.38629436f, 2.60943791f, 2.79175947f, 2.94591015f};

/* Appends the distinct buckets of ids[0..n) with their normalized values to
 * t->ids/t->vals from index k; returns the new count. Bucket b's idf byte is
 * idf[b * stride]. */
static inline size_t add_block(mo__tfidf *t, const uint8_t *idf, size_t stride, const uint32_t *ids,
                               size_t n, size_t k)
{
    if (!n)
        return k;
    if (++t->stamp == 0) {
        memset(t->slots, 0, t->n_slots * sizeof(tf_slot));
        t->stamp = 1;
    }
    tf_slot *sl = t->slots;
    size_t mask = t->n_slots - 1, k0 = k;
    uint32_t stamp = t->stamp;
    /* Count: vals hold tf while counting. */
    for (size_t i = 0; i < n; i++) {
        uint32_t id = ids[i];
        /* idf bytes are scattered over the table: fetch ahead to overlap misses. */
        if (i + MO__PREFETCH < n)
            __builtin_prefetch(idf + (size_t)ids[i + MO__PREFETCH] * stride);
        if (!idf[(size_t)id * stride])
            continue;
        size_t h = (size_t)((id * 0x9E3779B1u) >> 7) & mask;
        while (sl[h].stamp == stamp && sl[h].id != id)
            h = (h + 1) & mask;
        if (sl[h].stamp == stamp) {
            t->vals[sl[h].pos] += 1.0f;
        } else {
            sl[h] = (tf_slot){stamp, id, (uint32_t)k};
            t->ids[k] = id;
            t->vals[k++] = 1.0f;
        }
    }
    double ss = 0;
    for (size_t j = k0; j < k; j++) {
        float tf = t->vals[j];
        float sub = tf < 8 ? sublinear[(int)tf] : 1.0f + logf(tf);
        float v = sub * (float)idf[(size_t)t->ids[j] * stride] * (1.0f / MO__IDF_SCALE);
        t->vals[j] = v;
        ss += (double)v * v;
    }
    float inv = ss > 0 ? (float)(1.0 / sqrt(ss)) : 0.0f;
    for (size_t j = k0; j < k; j++)
        t->vals[j] *= inv;
    return k;
}

int mo__tfidf_values_strided(mo__tfidf *t, const uint8_t *idf, size_t stride, const uint32_t *ids,
                             size_t n, size_t n_word, size_t *n_out)
{
    *n_out = 0;
    if (n_word > n)
        n_word = n;
    if (reserve(t, n) != MO_OK)
        return MO_ENOMEM;
    size_t k = add_block(t, idf, stride, ids, n_word, 0);
    k = add_block(t, idf, stride, ids + n_word, n - n_word, k);
    *n_out = k;
    return MO_OK;
}

int mo__tfidf_values(mo__tfidf *t, const uint8_t *idf, const uint32_t *ids, size_t n, size_t n_word,
                     size_t *n_out)
{
    return mo__tfidf_values_strided(t, idf, 1, ids, n, n_word, n_out);
}

uint8_t mo__idf_quantize(size_t df, size_t n_docs)
{
    if (df < MO__IDF_MIN_DF)
        return 0;
    double idf = log((1.0 + (double)n_docs) / (1.0 + (double)df)) + 1.0;
    double q = floor(idf * MO__IDF_SCALE + 0.5);
    return (uint8_t)(q < 1 ? 1 : q > 255 ? 255 : q);
}
