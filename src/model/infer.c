/*
 * infer.c -- classifier inference: a per-thread scratch (featurizer plus
 * accumulators, all allocated up front) and mo_model_predict, which
 * featurizes, sums one weight row per feature id (bucket-major, so one fetch
 * per feature; with an idf table, over distinct buckets with tf-idf values,
 * tfidf.c), and applies Platt calibration. No allocation after the
 * featurizer's buffers have grown to the largest text seen. Uses base, text.
 */
#include "model/model_int.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct mo_model_scratch {
    const mo_model *model; /* the model this scratch was made for */
    mo_featurizer *feat;   /* owned */
    int32_t *iacc;         /* (n_labels) int8 accumulators */
    float *facc;           /* (n_labels) float accumulators */
    float *raw;            /* (n_labels) raw logits */
    mo__tfidf tfidf;       /* distinct buckets and values (tf-idf models) */
};

int mo_model_scratch_new(const mo_model *model, mo_model_scratch **out)
{
    if (!out)
        return MO_EINVAL;
    *out = NULL;
    if (!model)
        return MO_EINVAL;
    int rc = MO_ENOMEM;
    mo_model_scratch *s = mo__calloc(1, sizeof *s);
    if (!s)
        return MO_ENOMEM;
    s->model = model;
    mo__tfidf_init(&s->tfidf);
    s->iacc = mo__calloc(model->n_labels, sizeof *s->iacc);
    s->facc = mo__calloc(model->n_labels, sizeof *s->facc);
    s->raw = mo__calloc(model->n_labels, sizeof *s->raw);
    if (!s->iacc || !s->facc || !s->raw)
        goto fail;
    rc = mo__feat_new(&model->feat, &s->feat);
    if (rc != MO_OK)
        goto fail;
    /* Warm up the buffers with a typical short text, so the first real
     * predictions already run without allocation. */
    const uint32_t *ids;
    size_t n_ids;
    static const char warm[] = "warm up the feature buffers with a short sentence of text";
    rc = mo__feat_extract(s->feat, warm, sizeof warm - 1, &ids, &n_ids, NULL);
    if (rc != MO_OK)
        goto fail;
    size_t n_vals;
    if (model->w.idf && mo__tfidf_values(&s->tfidf, model->w.idf, ids, n_ids,
                                         mo__feat_n_word(s->feat), &n_vals) != MO_OK) {
        rc = MO_ENOMEM;
        goto fail;
    }
    *out = s;
    return MO_OK;
fail:
    mo_model_scratch_free(s);
    return rc;
}

void mo_model_scratch_free(mo_model_scratch *s)
{
    if (!s)
        return;
    mo__feat_free(s->feat);
    mo__tfidf_free(&s->tfidf);
    mo__free(s->iacc);
    mo__free(s->facc);
    mo__free(s->raw);
    mo__free(s);
}

/* mo__weights_logits_values over the packed rows: the same operations in
 * the same order per label, on all 8 bytes of a row at once (the lanes past
 * n_labels are computed and dropped), so the scores are bit-identical. The
 * rows were prefetched while counting (tfidf.c). */
static void packed_logits(const mo_model *model, const uint32_t *ids, const float *vals, size_t n,
                          float *out)
{
    float acc[MO__PACKED_ROW] = {0};
#ifdef __SSE2__
    /* The same per-lane operations with SSE2 (IEEE single precision in each
     * lane, no fused multiply-add): sign-extend the 8 bytes to 32 bits,
     * convert, multiply by v, add. */
    __m128 lo = _mm_setzero_ps(), hi = _mm_setzero_ps();
    for (size_t i = 0; i < n; i++) {
        __m128i b = _mm_loadl_epi64(
            (const __m128i *)(const void *)(model->packed + (size_t)ids[i] * MO__PACKED_ROW));
        __m128i w16 = _mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8);
        __m128 x0 = _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpacklo_epi16(w16, w16), 16));
        __m128 x1 = _mm_cvtepi32_ps(_mm_srai_epi32(_mm_unpackhi_epi16(w16, w16), 16));
        __m128 v = _mm_set1_ps(vals[i]);
        lo = _mm_add_ps(lo, _mm_mul_ps(v, x0));
        hi = _mm_add_ps(hi, _mm_mul_ps(v, x1));
    }
    _mm_storeu_ps(acc, lo);
    _mm_storeu_ps(acc + 4, hi);
#else
    for (size_t i = 0; i < n; i++) {
        const int8_t *row = (const int8_t *)(model->packed + (size_t)ids[i] * MO__PACKED_ROW);
        float v = vals[i];
        for (size_t l = 0; l < MO__PACKED_ROW; l++)
            acc[l] += v * (float)row[l];
    }
#endif
    for (size_t l = 0; l < model->n_labels; l++)
        out[l] = model->w.bias[l] + acc[l] * model->w.scale[l];
}

int mo_model_predict(const mo_model *model, mo_model_scratch *s, const char *text, size_t len,
                     float *scores, const mo_norm_view **view_out)
{
    if (view_out)
        *view_out = NULL;
    if (!model || !s || s->model != model || !scores || (!text && len))
        return MO_EINVAL;
    if (len > MO_TEXT_MAX_BYTES)
        return MO_ELIMIT;
    const uint32_t *ids;
    size_t n_ids;
    int rc = mo__feat_extract(s->feat, text ? text : "", len, &ids, &n_ids, view_out);
    if (rc != MO_OK)
        return rc;
    if (model->packed) {
        size_t n_vals;
        rc = mo__tfidf_values_strided(&s->tfidf, model->packed + MO__PACKED_IDF, MO__PACKED_ROW,
                                      ids, n_ids, mo__feat_n_word(s->feat), &n_vals);
        if (rc != MO_OK)
            return rc;
        packed_logits(model, s->tfidf.ids, s->tfidf.vals, n_vals, s->raw);
    } else if (model->w.idf) {
        size_t n_vals;
        rc = mo__tfidf_values(&s->tfidf, model->w.idf, ids, n_ids, mo__feat_n_word(s->feat),
                              &n_vals);
        if (rc != MO_OK)
            return rc;
        mo__weights_logits_values(&model->w, s->tfidf.ids, s->tfidf.vals, n_vals, s->facc, s->raw);
    } else {
        mo__weights_logits(&model->w, ids, n_ids, s->iacc, s->facc, s->raw);
    }
    for (size_t l = 0; l < model->n_labels; l++)
        scores[l] = mo__sigmoid(model->platt_a[l] * s->raw[l] + model->platt_b[l]);
    return MO_OK;
}
