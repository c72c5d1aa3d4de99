/*
 * text.h -- the text layer's interface for other layers: normalization of raw
 * user text (normalize.c, public API mo_normalize in moderato.h) and hashed
 * n-gram features over the normalized text (features.c). May use base only.
 */
#ifndef MO_TEXT_H
#define MO_TEXT_H

#include "base/base.h"

/* ==== Normalization (normalize.c, confusables.c) ==== */

/* The normalizer's API is public (mo_normalizer_new, mo_normalize, mo_norm_view
 * in moderato.h); docs/NORMALIZATION.md gives the steps, flags and span rules.
 * For tokenizers: the primary text is lowercase, with exactly one ASCII space
 * between tokens and none at either end (no tabs or newlines). The alt reading,
 * when present, has the same length, the same spaces and shares the span
 * arrays with the primary text. */

/* Largest input mo_normalize accepts (bytes). */
#define MO_TEXT_MAX_BYTES ((size_t)64 << 20)

/* ==== Features (features.c) ==== */

/* How text becomes feature ids; stored in the model file's metadata. */
typedef struct mo_feat_config {
    uint32_t hash_bits;   /* buckets = 1 << hash_bits (10..26) */
    uint32_t word_ngrams; /* 1 = word unigrams, 2 = plus bigrams */
    uint32_t char_min;    /* shortest char n-gram over "<word>", 0 = no char n-grams */
    uint32_t char_max;    /* longest char n-gram */
    uint64_t hash_seed;   /* xxhash seed */
} mo_feat_config;

typedef struct mo_featurizer mo_featurizer;

/* Creates a per-thread featurizer (it owns a normalizer and id buffers).
 * Free with mo__feat_free (NULL ok). */
int mo__feat_new(const mo_feat_config *cfg, mo_featurizer **out);
void mo__feat_free(mo_featurizer *f);

/* Normalizes `text` and extracts hashed feature ids in [0, 1 << hash_bits).
 * *ids (n_ids entries, duplicates allowed) and *view are borrowed from f until
 * its next call. view may be NULL. Allocates only while buffers grow. */
int mo__feat_extract(mo_featurizer *f, const char *text, size_t len, const uint32_t **ids,
                     size_t *n_ids, const mo_norm_view **view);

/* Ids of the word block (word n-grams, alt words, flags, bias) at the start of
 * the last extraction's ids; the rest are char n-grams. 0 before any. */
size_t mo__feat_n_word(const mo_featurizer *f);

#endif /* MO_TEXT_H */
