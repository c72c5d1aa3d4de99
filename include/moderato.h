/*
 * moderato.h -- the one public interface of libmoderato, a content-safety engine.
 *
 * Everything a program embedding moderato may call is declared here, with the
 * mo_ prefix for functions and types and MO_ for macros and enum values. Handles
 * are opaque. Every call that can fail returns MO_OK (0) or a negative MO_E*
 * code; details go into an optional caller-owned mo_diag.
 *
 * Ownership rules (each declaration below says which applies):
 *  1. _new/_load/_open pair with _free, which accepts NULL. On failure *out is
 *     NULL and nothing is leaked.
 *  2. A returned const pointer is borrowed; its lifetime is stated.
 *  3. A returned non-const buffer belongs to the caller and is freed with mo_free().
 *  4. Inputs are borrowed for the duration of the call only.
 *  5. Callbacks take `void *user` last and return non-zero to stop (MO_ESTOPPED).
 */
#ifndef MODERATO_H
#define MODERATO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MO_API __attribute__((visibility("default")))

#define MO_VERSION_MAJOR 0
#define MO_VERSION_MINOR 1
#define MO_VERSION_PATCH 0
#define MO_VERSION_HEX ((MO_VERSION_MAJOR << 16) | (MO_VERSION_MINOR << 8) | MO_VERSION_PATCH)

/** The library's version as "MAJOR.MINOR.PATCH"; static storage. */
MO_API const char *mo_version(void);

/* ==== Errors ==== */

#define MO_ERRNO_MAP(XX)                                                                           \
    XX(EINVAL, -1, "invalid argument")                                                             \
    XX(ENOMEM, -2, "out of memory")                                                                \
    XX(EIO, -3, "input/output error")                                                              \
    XX(EPARSE, -4, "parse error")                                                                  \
    XX(EFORMAT, -5, "bad or truncated file")                                                       \
    XX(EVERSION, -6, "unsupported file format version")                                            \
    XX(ELIMIT, -7, "input over a configured limit")                                                \
    XX(ENOTFOUND, -8, "not found")                                                                 \
    XX(EBUSY, -9, "resource busy")                                                                 \
    XX(ETIMEDOUT, -10, "timed out")                                                                \
    XX(ESTOPPED, -11, "stopped by callback")                                                       \
    XX(EAGAIN, -12, "incomplete, call again")                                                      \
    XX(ENAN, -13, "numeric failure (NaN or infinity)")

enum mo_errno {
    MO_OK = 0,
#define MO__ERR_ENUM(name, val, msg) MO_##name = (val),
    MO_ERRNO_MAP(MO__ERR_ENUM)
#undef MO__ERR_ENUM
};

/** A readable message for an MO_* code; static storage, never NULL. */
MO_API const char *mo_strerror(int code);
/** The code's symbolic name ("MO_EPARSE"); static storage, never NULL. */
MO_API const char *mo_err_name(int code);

/**
 * Error details. The caller owns it and may pass NULL wherever a mo_diag * is
 * taken. Filling it never allocates. `file`, `line`, `col` and `field` are set
 * when the error has a location (line and col are 1-based, 0 = unknown).
 */
typedef struct mo_diag {
    int code;       /* the MO_E* code returned */
    char file[256]; /* input file or "" */
    uint64_t line;  /* 1-based line, 0 = none */
    uint32_t col;   /* 1-based column, 0 = none */
    char field[64]; /* JSON key or model field, "" = none */
    char msg[512];  /* full sentence describing the problem */
} mo_diag;

/* ==== Memory ==== */

/**
 * Replaces the allocator used by the library. Call before any other call.
 * @return MO_OK, or MO_EINVAL when a pointer is NULL.
 */
MO_API int mo_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
                            void (*free_fn)(void *));
/** Frees a buffer the library returned to the caller (rule 3). NULL is a no-op. */
MO_API void mo_free(void *p);
/** Bytes currently allocated through the library's allocator. Thread-safe. */
MO_API size_t mo_memory_used(void);

/* ==== Text normalization ==== */

/** Which normalizations fired on a text; bits of mo_norm_view.flags. */
enum mo_norm_flag {
    MO_NORM_INVALID_UTF8 = 1u << 0, /* invalid bytes replaced by U+FFFD */
    MO_NORM_INVISIBLE = 1u << 1,    /* zero-width, bidi, soft hyphen, tag, variation selector */
    MO_NORM_COMPAT = 1u << 2,       /* NFKC changed something (fullwidth, ligatures, math) */
    MO_NORM_CONFUSABLE = 1u << 3,   /* a homoglyph from another script was mapped */
    MO_NORM_DIACRITIC = 1u << 4,    /* combining marks were stripped */
    MO_NORM_LEET = 1u << 5,         /* a leetspeak/symbol reading was produced */
    MO_NORM_SPACED = 1u << 6,       /* "f u c k" single letters joined */
    MO_NORM_PUNCT_SPLIT = 1u << 7,  /* "f.u.c.k" punctuation inside a word removed */
    MO_NORM_MASKED = 1u << 8,       /* "f*ck" mask characters inside a word */
    MO_NORM_REPEAT = 1u << 9,       /* "fuuuuck" letter runs squeezed */
    MO_NORM_EMOJI = 1u << 10,       /* emoji present */
    MO_NORM_MIXED_SCRIPT = 1u << 11 /* a word mixes scripts */
};
#define MO_NORM_N_FLAGS 12

/** Name of one flag bit ("leet"); static storage; NULL for an unknown bit. */
MO_API const char *mo_norm_flag_name(uint32_t flag);

/**
 * The result of normalizing one text; borrowed from the normalizer and valid
 * until the next mo_normalize call on it or mo_normalizer_free.
 *
 * `text` is the primary reading: NFKC, case folded, invisible characters
 * removed, confusables mapped, diacritics stripped, spacing/punctuation tricks
 * joined and letter runs squeezed. `alt` is the leetspeak reading (digits and
 * symbols inside words read as letters) or NULL when it equals `text`.
 * For every output byte i, the original input byte range is
 * [src_start[i], src_end[i]). Both strings are NUL-terminated for convenience.
 */
typedef struct mo_norm_view {
    const char *text;              /* primary reading, UTF-8 */
    size_t len;                    /* bytes in text */
    const uint32_t *src_start;     /* (len) first original byte of each output byte */
    const uint32_t *src_end;       /* (len) one past the last original byte */
    const char *alt;               /* leet reading or NULL */
    size_t alt_len;                /* bytes in alt */
    const uint32_t *alt_src_start; /* (alt_len) */
    const uint32_t *alt_src_end;   /* (alt_len) */
    uint32_t flags;                /* mo_norm_flag bits that fired */
} mo_norm_view;

typedef struct mo_normalizer mo_normalizer;

/**
 * Creates a normalizer: reusable buffers for one thread. Not thread-safe; use
 * one per thread. @return MO_OK or MO_ENOMEM. Free with mo_normalizer_free.
 */
MO_API int mo_normalizer_new(mo_normalizer **out);
MO_API void mo_normalizer_free(mo_normalizer *n);

/**
 * Normalizes `len` bytes of `in` (any bytes; invalid UTF-8 is replaced, never
 * rejected). @return MO_OK, MO_ELIMIT when len > 64 MiB, MO_ENOMEM.
 * *out is borrowed from `n` (rule 2).
 */
MO_API int mo_normalize(mo_normalizer *n, const char *in, size_t len, const mo_norm_view **out);

/* ==== Text classifier ==== */

typedef struct mo_model mo_model;
typedef struct mo_model_scratch mo_model_scratch;

/**
 * Loads a model file by mmap. The model is immutable and may be shared by any
 * number of threads. @return MO_OK, MO_EIO (cannot open/map), MO_EFORMAT (bad
 * magic, truncated, checksum or bounds), MO_EVERSION (newer major version),
 * MO_ENOMEM. Details in diag. Free with mo_model_free.
 */
MO_API int mo_model_load(const char *path, mo_model **out, mo_diag *diag);
/**
 * Loads a model from a memory buffer; the model copies nothing and borrows
 * `buf`, which must outlive the model and be 64-byte aligned.
 */
MO_API int mo_model_load_buffer(const void *buf, size_t len, mo_model **out, mo_diag *diag);
MO_API void mo_model_free(mo_model *model);

/** Number of labels the model predicts. */
MO_API size_t mo_model_n_labels(const mo_model *model);
/** Name of label i; borrowed until mo_model_free; NULL when i is out of range. */
MO_API const char *mo_model_label(const mo_model *model, size_t i);
/** Operating threshold of label i on the calibrated score; -1 when out of range. */
MO_API float mo_model_threshold(const mo_model *model, size_t i);
/**
 * Number of mutually exclusive labels ("classes", trained with --classes) the
 * model picks one of; 0 when its labels are independent (multi-label).
 */
MO_API size_t mo_model_n_classes(const mo_model *model);
/**
 * The class a text belongs to, given its mo_model_n_labels() scores from
 * mo_model_predict: the label index of the class with the largest
 * weight * score, the weights fitted on dev for macro-F1 (docs/MODELS.md).
 * @return a label index, or -1 when the model has no classes.
 */
MO_API int mo_model_predict_class(const mo_model *model, const float *scores);
/**
 * Class c (0 <= c < mo_model_n_classes()) of the model's classes: its label
 * index, and in *weight (may be NULL) its decision weight.
 * @return a label index, or -1 when c is out of range.
 */
MO_API int mo_model_class(const mo_model *model, size_t c, float *weight);
/** Model metadata as a JSON text; borrowed until mo_model_free. */
MO_API const char *mo_model_meta_json(const mo_model *model);

/**
 * Per-thread working memory for mo_model_predict; allocated once, so predict
 * allocates nothing. Not thread-safe. Free with mo_model_scratch_free.
 */
MO_API int mo_model_scratch_new(const mo_model *model, mo_model_scratch **out);
MO_API void mo_model_scratch_free(mo_model_scratch *s);

/**
 * Scores one raw text. Writes mo_model_n_labels() calibrated probabilities to
 * `scores` (caller-owned). `view_out`, when not NULL, receives the
 * normalization of the text, borrowed from the scratch until its next use.
 * @return MO_OK, MO_EINVAL, MO_ELIMIT (text over 64 MiB).
 */
MO_API int mo_model_predict(const mo_model *model, mo_model_scratch *s, const char *text,
                            size_t len, float *scores, const mo_norm_view **view_out);

/* ==== Training ==== */

/** Naive-Bayes feature scaling of a label's head (mo_train_options.nb). */
typedef enum mo_nb_mode {
    MO_NB_OFF = 0, /* plain tf-idf features */
    MO_NB_ON = 1,  /* every head sees features scaled by its NB log-count ratio */
    MO_NB_AUTO = 2 /* train both per label, keep the higher dev PR-AUC (default) */
} mo_nb_mode;

/** Training options; mo_train_options_default() fills sensible values. */
typedef struct mo_train_options {
    uint64_t seed;               /* PRNG seed for shuffling and init */
    uint32_t epochs;             /* maximum epochs */
    uint32_t patience;           /* early stop after this many epochs without dev gain */
    uint32_t hash_bits;          /* log2 of the feature buckets */
    uint32_t word_ngrams;        /* 1 or 2 */
    uint32_t char_min, char_max; /* char n-gram lengths, 0 = none */
    float lr;                    /* AdaGrad base learning rate */
    float l2;                    /* L2 penalty per example */
    int nb;                      /* mo_nb_mode (default MO_NB_AUTO) */
    float nb_alpha;              /* add-alpha smoothing of the NB ratios (default 1) */
    float target_precision;      /* operating thresholds aim for this precision on dev */
    int class_weight;            /* 0 = none (default), 1 = positives weigh sqrt(neg/pos), max 10 */
    int quantize;                /* store weights as int8 */
    const char *const *classes;  /* NULL, or a NULL-terminated list of >= 2 of the labels
                                    that are mutually exclusive (one positive per item);
                                    borrowed during mo_train_files */
    int verbose;                 /* progress lines on stderr */
} mo_train_options;

MO_API void mo_train_options_default(mo_train_options *opt);

/** Progress passed to a training callback once per epoch. */
typedef struct mo_train_progress {
    uint32_t epoch;    /* 1-based */
    uint32_t epochs;   /* maximum */
    double train_loss; /* mean masked log loss this epoch */
    double dev_loss;   /* mean masked log loss on dev */
    double dev_pr_auc; /* macro PR-AUC on dev over labels with positives */
    double examples_per_s;
} mo_train_progress;

typedef int (*mo_train_progress_fn)(const mo_train_progress *p, void *user);

/**
 * Trains a model from JSONL files (the data format of docs/DATA.md) and writes
 * it atomically to out_path (temp file, fsync, rename). Labels are those seen
 * in the training data unless `labels` (a NULL-terminated list) is given.
 * Unknown labels are masked. Deterministic for a given seed and data.
 * @return MO_OK, MO_EIO, MO_EPARSE (diag names file, line, field),
 * MO_ENAN, MO_ESTOPPED, MO_ENOMEM.
 */
MO_API int mo_train_files(const char *train_path, const char *dev_path, const char *const *labels,
                          const mo_train_options *opt, const char *out_path,
                          mo_train_progress_fn progress, void *user, mo_diag *diag);

/* ==== Engine: the moderation pipeline ==== */

typedef struct mo_engine mo_engine;
typedef struct mo_scratch mo_scratch;

/**
 * Opens an engine from a configuration file (JSON, docs/ENGINE.md) naming the
 * model, the lexicon directory and the policy file; relative paths are
 * resolved against the configuration file's folder. Everything is loaded and
 * validated up front. The engine is immutable and shared by all threads.
 * @return MO_OK, MO_EIO, MO_EPARSE (config or policy; diag names file, line,
 * field), MO_EFORMAT (model), MO_ENOMEM. Free with mo_engine_free.
 */
MO_API int mo_engine_open(const char *config_path, mo_engine **out, mo_diag *diag);
MO_API void mo_engine_free(mo_engine *engine);
/** The configuration version hashed into every decision (16 hex digits);
 * borrowed until mo_engine_free. */
MO_API const char *mo_engine_version(const mo_engine *engine);
/** The engine's classifier (labels, operating thresholds, metadata), borrowed
 * until mo_engine_free; read-only, safe to share between threads. */
MO_API const mo_model *mo_engine_model(const mo_engine *engine);

/**
 * The taxonomy label a policy category enforces, as the policy file declares
 * it (`categories:`, docs/POLICY.md): e.g. "hate" for "illegal.hate_speech".
 * @return the label name (one of mo_engine_model's labels), or NULL when the
 * category declares no label, is not declared, or the policy has no
 * `categories:` section (mo_engine_n_categories is then 0). Borrowed until
 * mo_engine_free; thread-safe.
 */
MO_API const char *mo_engine_category_label(const mo_engine *engine, const char *category);
/** Number of categories the policy declares, 0 when it has no `categories:`
 * section (labels of categories are then unknown). Thread-safe. */
MO_API size_t mo_engine_n_categories(const mo_engine *engine);
/** 1 when the policy has a `categories:` section, even an empty one (then no
 * category has a label, and none may be guessed), else 0. Thread-safe. */
MO_API int mo_engine_declares_categories(const mo_engine *engine);
/** Name of declared category i (i < mo_engine_n_categories, file order), or
 * NULL; borrowed until mo_engine_free. Thread-safe. */
MO_API const char *mo_engine_category(const mo_engine *engine, size_t i);
/** The policy file the engine compiled (path as resolved from the
 * configuration); borrowed until mo_engine_free. Thread-safe. */
MO_API const char *mo_engine_policy_path(const mo_engine *engine);

/** Per-thread working memory for mo_moderate. Not thread-safe. */
MO_API int mo_scratch_new(const mo_engine *engine, mo_scratch **out);
MO_API void mo_scratch_free(mo_scratch *scratch);

/**
 * Moderates one item (a JSON object: "id" and "text" or "transcript", plus
 * optional "type", "surface", "region", "lang", "author", "recipient"; other
 * fields are ignored). On MO_OK *decision_json (NUL-terminated, *decision_len
 * bytes, no newline) is the decision, borrowed from the scratch until its next
 * use. @return MO_OK, MO_EPARSE (malformed item; diag names the field),
 * MO_ELIMIT (text over the configured limit), MO_ENOMEM.
 */
MO_API int mo_moderate(const mo_engine *engine, mo_scratch *scratch, const char *item_json,
                       size_t item_len, const char **decision_json, size_t *decision_len,
                       mo_diag *diag);

/**
 * Called once per item of a batch, in order: `rc` is that item's result, and
 * on MO_OK `decision_json` (decision_len bytes) is borrowed for the call
 * only; otherwise `diag` says why. Return non-zero to stop the batch.
 */
typedef int (*mo_decision_fn)(size_t index, int rc, const char *decision_json, size_t decision_len,
                              const mo_diag *diag, void *user);

/**
 * Moderates n items with one scratch, calling fn for each in order. A bad
 * item does not stop the batch (fn sees its error). For parallel batches,
 * split the items and give each thread its own scratch.
 * @return MO_OK, MO_EINVAL, or MO_ESTOPPED when fn asked to stop.
 */
MO_API int mo_moderate_batch(const mo_engine *engine, mo_scratch *scratch, const char *const *items,
                             const size_t *item_lens, size_t n, mo_decision_fn fn, void *user);

#ifdef __cplusplus
}
#endif
#endif /* MODERATO_H */
