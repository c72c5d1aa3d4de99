/*
 * detect_int.h -- private to src/detect/: the compiled configuration, the
 * per-thread scratch and the entry points of each detector file. Other layers
 * include detect.h only.
 */
#ifndef MO_DETECT_INT_H
#define MO_DETECT_INT_H

#include "detect/detect.h"
#include "text/text.h"

#include <hs.h>

/* Fixed (non-lexicon) signals, in table order after the lexicon ones. */
enum mo__dsig {
    MO__DSIG_PII_EMAIL,
    MO__DSIG_PII_PHONE,
    MO__DSIG_PII_CARD,
    MO__DSIG_PII_IBAN,
    MO__DSIG_PII_ADDRESS,
    MO__DSIG_URL_COUNT,
    MO__DSIG_URL_BLOCKLISTED,
    MO__DSIG_URL_SHORTENER,
    MO__DSIG_SPAM_CRYPTO_WALLET,
    MO__DSIG_SPAM_INVITE,
    MO__DSIG_SPAM_CAPS_RATIO,
    MO__DSIG_SPAM_REPETITION,
    MO__DSIG_SPAM_EMOJI_RATIO,
    MO__DSIG_N
};

/* What a term list entry is for. */
enum mo__term_kind {
    MO__TERM_LEX,    /* counts toward lex.<category> */
    MO__TERM_ALLOW,  /* allow.txt: suppresses lexicon matches inside it */
    MO__TERM_INVITE, /* invite.txt: spam.invite */
};

typedef struct mo__term {
    char *text;       /* as written in the file */
    uint32_t file;    /* index into config files */
    uint32_t cat;     /* category index (MO__TERM_LEX only) */
    uint8_t kind;     /* mo__term_kind */
    uint8_t severity; /* 1..3 */
} mo__term;

/* One Vectorscan expression: a normalized reading of one term. */
typedef struct mo__pat {
    uint32_t term; /* index into terms */
    char *norm;    /* the normalized reading the expression matches exactly */
    uint32_t norm_len;
    uint8_t is_fuzzy; /* a lexicon term: '*' masks and squeezed repeats may match it */
} mo__pat;

/* A sorted set of lowercase domains. */
typedef struct mo__domains {
    char **v;
    size_t n;
} mo__domains;

struct mo_detect_config {
    size_t n_cats;    /* lexicon categories */
    char **cats;      /* (n_cats) sorted names */
    size_t n_signals; /* 2 * n_cats + MO__DSIG_N */
    char **signals;   /* (n_signals) names */
    size_t n_files;
    char **files; /* (n_files) list file names, for mo__detect_term */
    size_t n_terms, terms_cap;
    mo__term *terms; /* (n_terms) */
    size_t n_pats, pats_cap;
    mo__pat *pats;     /* (n_pats); expression id = index */
    hs_database_t *db; /* all expressions; NULL when there are none */
    mo__domains block, allow, shorteners;
};

/* A lexicon match in normalized-text offsets. */
typedef struct mo__hit {
    uint32_t start, end; /* [start, end) in the normalized text */
    uint32_t term;       /* index into terms */
} mo__hit;

#define MO__MAX_HITS 4096  /* lexicon matches kept per run before merging */
#define MO__REP_SLOTS 1024 /* open-addressing table for spam.repetition */

struct mo_detect_scratch {
    const mo_detect_config *c;
    hs_scratch_t *hs;    /* Vectorscan scratch, NULL when c->db is NULL */
    mo_normalizer *norm; /* used when mo__detect_run gets no view */
    /* lexicon scan state */
    const char *scan_text; /* the reading being scanned */
    size_t scan_len;
    const uint32_t *src_start, *src_end; /* view span arrays */
    size_t orig_len;
    const uint32_t *scan_map; /* squeezed reading -> primary offsets, or NULL */
    size_t scan_cap;          /* stride of scan_map (first, then last offsets) */
    char *sq_text;            /* the squeezed reading */
    uint32_t *sq_map;         /* (2 * sq_cap) */
    size_t sq_cap;
    mo__hit hits[MO__MAX_HITS];
    size_t n_hits;
    size_t n_hits_dropped;
    /* evidence */
    mo_evidence ev[MO_DETECT_MAX_EVIDENCE];
    size_t n_ev;
    size_t n_dropped;
    /* url: the de-obfuscated text and its source map */
    char *ubuf;
    uint32_t *umap; /* (ucap) original offset of each ubuf byte */
    size_t ucap;
    uint64_t rep[MO__REP_SLOTS];      /* token hashes, 0 = empty (all 0 between runs) */
    uint16_t rep_used[MO__REP_SLOTS]; /* slots filled by the current run */
};

/* Signal index of a fixed signal. */
static inline uint32_t mo__dsig(const mo_detect_config *c, enum mo__dsig k)
{
    return (uint32_t)(2 * c->n_cats + (size_t)k);
}

/* Appends one evidence record (or counts it as dropped). */
void mo__detect_emit(mo_detect_scratch *s, uint32_t signal, uint32_t start, uint32_t end,
                     uint32_t list_id);

/* lexicon.c */
int mo__lex_add_file(mo_detect_config *c, mo_normalizer *n, const char *path, const char *name,
                     enum mo__term_kind kind, uint32_t cat, mo_diag *diag);
int mo__lex_compile(mo_detect_config *c, mo_diag *diag);

/* lexicon_cache.c: the compiled database cached on disk (docs/DETECTORS.md).
 * The key hashes every expression, flag and id, their count, the mode, the
 * Vectorscan version and the host platform. Load returns a database the
 * caller frees with hs_free_database, or NULL on any failure (caching off,
 * no file, corrupt file, another platform); store writes atomically and
 * ignores failures. Neither ever changes what the database matches. */
uint64_t mo__lex_cache_key(const char *const *exprs, const unsigned *flags, const unsigned *ids,
                           size_t n, unsigned mode);
hs_database_t *mo__lex_cache_load(uint64_t key);
void mo__lex_cache_store(uint64_t key, const hs_database_t *db);
int mo__lex_run(const mo_detect_config *c, mo_detect_scratch *s, const char *orig,
                const mo_norm_view *v, size_t orig_len, double *values);

/* pii.c: raw-text scanners. */
void mo__pii_run(const mo_detect_config *c, mo_detect_scratch *s, const char *t, size_t n,
                 double *values);

/* url.c: URLs, domains, wallets. Returns MO_OK or MO_ENOMEM (buffer growth). */
int mo__url_run(const mo_detect_config *c, mo_detect_scratch *s, const char *t, size_t n,
                double *values);

/* spam.c: caps, repetition and emoji ratios. */
void mo__spam_run(const mo_detect_config *c, mo_detect_scratch *s, const char *t, size_t n,
                  const mo_norm_view *v, double *values);

/* Domain sets (detect.c). */
bool mo__domains_has(const mo__domains *d, const char *dom, size_t len);

#endif /* MO_DETECT_INT_H */
