/*
 * model_int.h -- private to src/model/: the in-memory model, the file format
 * constants (STYLE.md section I), the shared logit kernel used by both
 * inference and training (so calibration sees exactly the scores inference
 * produces), the training dataset and calibration helpers.
 */
#ifndef MO_MODEL_INT_H
#define MO_MODEL_INT_H

#include "model/model.h"
#include "text/text.h"

#include <math.h>

/* ==== File format ==== */

#define MO__MODEL_MAGIC "MOMD"
#define MO__MODEL_MAJOR 1
#define MO__MODEL_MINOR 1 /* 1.1: optional u8 tensor 'idf' (tf-idf feature values) */
#define MO__MODEL_HEADER_SIZE 64
#define MO__MODEL_ALIGN 64
#define MO__MODEL_TENSOR_ENTRY 88 /* name[32] dtype n_dims dims[4] offset nbytes */
#define MO__MODEL_MAX_TENSORS 64
#define MO__MODEL_MAX_LABELS 256

enum mo__dtype { MO__DTYPE_F32 = 0, MO__DTYPE_I8 = 1, MO__DTYPE_U8 = 2 };

/* One tensor to write. */
typedef struct mo__tensor {
    const char *name; /* at most 31 bytes */
    uint32_t dtype;   /* mo__dtype */
    uint32_t n_dims;  /* 1..4 */
    uint64_t dims[4]; /* unused dims are 0 */
    const void *data; /* nbytes */
    uint64_t nbytes;  /* product(dims) * element size */
} mo__tensor;

/* Serializes a model file into a new buffer (*out, *out_len; free with
 * mo__free): header, metadata JSON, tensor table, 64-aligned data, XXH64. */
int mo__model_serialize(const char *meta_json, size_t meta_len, const mo__tensor *t, size_t n_t,
                        uint8_t **out, size_t *out_len);

/* ==== Weights and the logit kernel ==== */

/* Borrowed view of the linear model. w is bucket-major: w[bucket * n_labels + label]. */
typedef struct mo__weights {
    size_t n_labels;
    uint32_t n_buckets;
    const float *w_f32; /* (n_buckets, n_labels) or NULL */
    const int8_t *w_i8; /* (n_buckets, n_labels) or NULL */
    const float *scale; /* (n_labels) dequantization scale of w_i8 */
    const float *bias;  /* (n_labels) */
    const uint8_t *idf; /* (n_buckets) idf * MO__IDF_SCALE, 0 = unused bucket; NULL = the
                         * format 1.0 value count/sqrt(n) (mo__weights_logits) */
} mo__weights;

/* Feature value for a text with n ids: counts scaled by 1/sqrt(n), which keeps
 * logits comparable between short and long texts. */
static inline float mo__feat_value(size_t n)
{
    return n ? 1.0f / sqrtf((float)n) : 0.0f;
}

/* How many feature rows ahead the logit loop prefetches. */
#define MO__PREFETCH 16

/* Raw logits (before calibration) for one text. iacc has n_labels entries of
 * scratch. Same code for training-time calibration and inference. */
static inline void mo__weights_logits(const mo__weights *w, const uint32_t *ids, size_t n,
                                      int32_t *iacc, float *facc, float *out)
{
    size_t L = w->n_labels;
    float x = mo__feat_value(n);
    if (w->w_i8) {
        for (size_t l = 0; l < L; l++)
            iacc[l] = 0;
        for (size_t i = 0; i < n; i++) {
            /* Rows are scattered over the table: fetch ahead to overlap misses. */
            if (i + MO__PREFETCH < n)
                __builtin_prefetch(w->w_i8 + (size_t)ids[i + MO__PREFETCH] * L);
            const int8_t *row = w->w_i8 + (size_t)ids[i] * L;
            for (size_t l = 0; l < L; l++)
                iacc[l] += row[l];
        }
        for (size_t l = 0; l < L; l++)
            out[l] = w->bias[l] + (float)iacc[l] * w->scale[l] * x;
    } else {
        for (size_t l = 0; l < L; l++)
            facc[l] = 0;
        for (size_t i = 0; i < n; i++) {
            if (i + MO__PREFETCH < n)
                __builtin_prefetch(w->w_f32 + (size_t)ids[i + MO__PREFETCH] * L);
            const float *row = w->w_f32 + (size_t)ids[i] * L;
            for (size_t l = 0; l < L; l++)
                facc[l] += row[l];
        }
        for (size_t l = 0; l < L; l++)
            out[l] = w->bias[l] + facc[l] * x;
    }
}

/* Raw logits from distinct buckets with values (mo__tfidf_values). */
static inline void mo__weights_logits_values(const mo__weights *w, const uint32_t *ids,
                                             const float *vals, size_t n, float *facc, float *out)
{
    size_t L = w->n_labels;
    for (size_t l = 0; l < L; l++)
        facc[l] = 0;
    if (w->w_i8) {
        for (size_t i = 0; i < n; i++) {
            if (i + MO__PREFETCH < n)
                __builtin_prefetch(w->w_i8 + (size_t)ids[i + MO__PREFETCH] * L);
            const int8_t *row = w->w_i8 + (size_t)ids[i] * L;
            float v = vals[i];
            for (size_t l = 0; l < L; l++)
                facc[l] += v * (float)row[l];
        }
        for (size_t l = 0; l < L; l++)
            out[l] = w->bias[l] + facc[l] * w->scale[l];
    } else {
        for (size_t i = 0; i < n; i++) {
            if (i + MO__PREFETCH < n)
                __builtin_prefetch(w->w_f32 + (size_t)ids[i + MO__PREFETCH] * L);
            const float *row = w->w_f32 + (size_t)ids[i] * L;
            float v = vals[i];
            for (size_t l = 0; l < L; l++)
                facc[l] += v * row[l];
        }
        for (size_t l = 0; l < L; l++)
            out[l] = w->bias[l] + facc[l];
    }
}

/* ==== tf-idf feature values (tfidf.c) ==== */

/* idf bytes are round(idf * MO__IDF_SCALE): idf = ln((1 + N) / (1 + df)) + 1
 * spans [1, 15.9] for up to ~3M training texts at this scale. */
#define MO__IDF_SCALE 16.0f
/* Buckets seen in fewer training texts get idf byte 0 and are ignored. */
#define MO__IDF_MIN_DF 2

/* Per-thread scratch turning ids into distinct buckets with values. */
typedef struct mo__tfidf {
    struct tf_slot *slots; /* (n_slots) open-addressing table, power of two */
    size_t n_slots;
    uint32_t stamp; /* current block's stamp in slots */
    uint32_t *ids;  /* (cap) distinct buckets of the last call */
    float *vals;    /* (cap) their values */
    size_t cap;
} mo__tfidf;

void mo__tfidf_init(mo__tfidf *t);
void mo__tfidf_free(mo__tfidf *t);

/* Turns ids[0..n) (the first n_word the word block, the rest the char block)
 * into t->ids/t->vals[0..*n_out): per block the distinct buckets with nonzero
 * idf, valued (1 + ln tf) * idf and scaled to unit L2 norm. Allocates only
 * while growing to the largest n seen. Returns MO_OK or MO_ENOMEM. */
int mo__tfidf_values(mo__tfidf *t, const uint8_t *idf, const uint32_t *ids, size_t n, size_t n_word,
                     size_t *n_out);

/* The same with bucket b's idf byte at idf[b * stride] (the packed rows). */
int mo__tfidf_values_strided(mo__tfidf *t, const uint8_t *idf, size_t stride, const uint32_t *ids,
                             size_t n, size_t n_word, size_t *n_out);

/* The idf byte of a bucket found in df of n_docs training texts. */
uint8_t mo__idf_quantize(size_t df, size_t n_docs);

static inline float mo__sigmoid(float z)
{
    if (z >= 0) {
        float e = expf(-z);
        return 1.0f / (1.0f + e);
    }
    float e = expf(z);
    return e / (1.0f + e);
}

/* ==== The loaded model ==== */

struct mo_model {
    const uint8_t *base; /* file bytes (mapping or caller buffer) */
    size_t size;         /* bytes */
    int is_mapped;       /* base is our mmap and must be unmapped */
    mo_feat_config feat; /* featurizer configuration from metadata */
    size_t n_labels;
    char **labels;       /* (n_labels) owned names */
    float *threshold;    /* (n_labels) operating thresholds on calibrated scores */
    float *platt_a;      /* (n_labels) calibrated = sigmoid(a * raw + b) */
    float *platt_b;      /* (n_labels) */
    mo__weights w;       /* points into base */
    char *meta_json;     /* owned NUL-terminated copy of the metadata */
    size_t n_classes;    /* labels in the mutually exclusive group; 0 = none */
    uint32_t *class_idx; /* (n_classes) owned: label index of each class */
    float *class_w;      /* (n_classes) owned: decision weights (classes.c) */
    /* Inference layout of an int8 tf-idf model of at most MO__PACKED_LABELS
     * labels (format.c, mo__model_pack): one 8-byte row per bucket, the
     * label weights then the idf byte at MO__PACKED_IDF, so a feature's two
     * lookups share one cache line. NULL when not built (then inference
     * reads the tensors in place). Owned: an anonymous mapping. */
    const uint8_t *packed;
    void *packed_map;      /* the mapping behind packed */
    size_t packed_map_len; /* its length */
};

#define MO__PACKED_ROW 8
#define MO__PACKED_LABELS 7
#define MO__PACKED_IDF 7

/* ==== Datasets (jsonl.c) ==== */

/* Featurized examples: ids of example i are ids[off[i] .. off[i+1]). */
typedef struct mo__dataset {
    size_t n; /* examples */
    size_t n_labels;
    uint32_t *ids;    /* all feature ids */
    size_t *off;      /* (n + 1) */
    uint32_t *n_word; /* (n) ids of example i's word block; the rest are char n-grams */
    int8_t *y;        /* (n, n_labels): 1, 0 or -1 = unknown */
    uint64_t xxh64;   /* hash of the file bytes */
    size_t ids_len, ids_cap;
} mo__dataset;

/* Reads the label names used in a JSONL file, in taxonomy order for the
 * default labels and then sorted. *names is a NULL-terminated owned array
 * (free with mo__strv_free). */
int mo__jsonl_label_names(const char *path, char ***names, size_t *n_names, mo_diag *diag);
void mo__strv_free(char **v);

/* Loads and featurizes a JSONL file. Malformed lines fail with MO_EPARSE and
 * a diag naming file, line and field. Labels absent, null, or not in
 * `labels` are unknown (-1). */
int mo__jsonl_load(const char *path, mo_featurizer *f, const char *const *labels, size_t n_labels,
                   mo__dataset *ds, mo_diag *diag);
void mo__dataset_free(mo__dataset *ds);

/* ==== Calibration (calib.c) ==== */

/* Fits Platt scaling p = sigmoid(a * z + b) on raw scores z of known labels,
 * with prior-corrected targets (Platt 1999; Lin, Lin and Weng 2007 Newton). */
void mo__platt_fit(const float *z, const int8_t *y, size_t n, float *a, float *b);

/* ==== Mutually exclusive labels (classes.c) ==== */

/* Scores and labels are column-major over n items: label l of item j is at
 * [l * n + j]. idx[0..k) are the label indices of the classes. */

/* The class (0..k) with the largest w[c] * scores[idx[c]]; the first on ties. */
size_t mo__class_argmax(const float *scores, const uint32_t *idx, const float *w, size_t k);

/* Macro-F1 over the k classes of the weighted argmax, on items whose classes
 * are all known; NAN when there is none. */
double mo__class_macro_f1(const float *cols, const int8_t *ycols, size_t n, const uint32_t *idx,
                          const float *w, size_t k);

/* MO_OK when every one of n items has its k class labels all unknown, or all
 * known with exactly one positive; else MO_EINVAL and *bad_item is the first
 * offender. Label l of item j is y[l * label_stride + j * item_stride]. */
int mo__class_check(const int8_t *y, size_t n, size_t item_stride, size_t label_stride,
                    const uint32_t *idx, size_t k, size_t *bad_item);

/* Fits the decision weights w[0..k) (OUT) maximizing dev macro-F1; see the
 * grid and tie rules in classes.c. Deterministic; allocates nothing. */
void mo__class_fit(const float *cols, const int8_t *ycols, size_t n, const uint32_t *idx, size_t k,
                   float *w);

#endif /* MO_MODEL_INT_H */
