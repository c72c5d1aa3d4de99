/*
 * detect.h -- the detector layer's interface for the engine: every detector
 * (lexicon, PII, URL/spam) behind one call that turns one text into a fixed
 * table of named signal values plus evidence spans in the original bytes.
 * May use base, text and model; never policy, engine or cli.
 *
 * Lifecycle: mo__detect_config_load compiles every list once (one Vectorscan
 * database); the config is immutable and shared by all threads. Each thread
 * owns a mo_detect_scratch; mo__detect_run allocates nothing after the
 * scratch's first use on a text of a given size (warm-up).
 */
#ifndef MO_DETECT_H
#define MO_DETECT_H

#include "base/base.h"

/* One signal a detector emits: name like "lex.slur", "lex.profanity",
 * "pii.email", "pii.phone", "pii.card", "pii.iban", "pii.address",
 * "url.count", "url.blocklisted", "url.shortener", "spam.crypto_wallet",
 * "spam.invite", "spam.caps_ratio", "spam.repetition", "spam.emoji_ratio". */
typedef struct mo_evidence {
    uint32_t start, end; /* byte span [start, end) in the ORIGINAL text */
    uint32_t signal;     /* index into the signal table */
    uint32_t list_id;    /* lexicon term id (1-based, see mo__detect_term) or 0 */
} mo_evidence;

typedef struct mo_detect_config mo_detect_config;   /* compiled lists: immutable, shared */
typedef struct mo_detect_scratch mo_detect_scratch; /* per thread; reusable */

/* Most evidence records one run keeps; further ones are counted, not kept. */
#define MO_DETECT_MAX_EVIDENCE 512

/* Loads every list under lexicon_dir (docs/DETECTORS.md: <category>.<lang>.txt,
 * allow.txt, invite.txt, domains.{block,allow,shorteners}.txt) and compiles
 * the patterns once (hs_compile_multi). *out is the caller's, freed with
 * mo__detect_config_free. Returns MO_OK, MO_EIO (directory or file unreadable),
 * MO_EPARSE (bad line: diag names file, line, field), MO_EFORMAT (a term
 * Vectorscan rejects), MO_ENOMEM. On failure *out is NULL. */
int mo__detect_config_load(const char *lexicon_dir, mo_detect_config **out, mo_diag *diag);
void mo__detect_config_free(mo_detect_config *c); /* NULL is a no-op */

/* The fixed signal table: lex.<category> and lex.<category>.max_severity for
 * each category (sorted by name) first, then the PII, URL and spam signals in
 * the order of the comment above. Names are borrowed until the config is
 * freed; NULL when i is out of range. Thread-safe. */
size_t mo__detect_n_signals(const mo_detect_config *c);
const char *mo__detect_signal_name(const mo_detect_config *c, size_t i);
/* Index of a signal by name, or -1. */
long mo__detect_signal_index(const mo_detect_config *c, const char *name);

/* Lexicon term by id (1-based, as in mo_evidence.list_id): its text as
 * written in the list file, and the file it came from ("slur.en.txt").
 * Returns MO_OK or MO_ENOTFOUND. Borrowed until the config is freed. */
int mo__detect_term(const mo_detect_config *c, uint32_t id, const char **term, const char **file,
                    int *severity);

/* Per-thread working memory (Vectorscan scratch, evidence array, a
 * normalizer for callers that pass no view). Not thread-safe; one per thread.
 * Returns MO_OK or MO_ENOMEM; free with mo__detect_scratch_free (NULL ok). */
int mo__detect_scratch_new(const mo_detect_config *c, mo_detect_scratch **out);
void mo__detect_scratch_free(mo_detect_scratch *s);

/* Runs every detector on one text: `text`/`len` are the original bytes and
 * `view` its normalization (mo_normalize of exactly these bytes), or NULL to
 * let the scratch normalize. Fills values[mo__detect_n_signals(c)] (counts,
 * ratios in [0, 1], 0/1) and *ev and *n_ev with evidence borrowed from the scratch
 * until its next call, sorted by start. Returns MO_OK, MO_EINVAL, MO_ELIMIT
 * (len over 64 MiB), MO_ENOMEM (only while the scratch grows), MO_EIO (a
 * Vectorscan scan failure). */
int mo__detect_run(const mo_detect_config *c, mo_detect_scratch *s, const char *text, size_t len,
                   const mo_norm_view *view, double *values, const mo_evidence **ev, size_t *n_ev);

/* Evidence records the last run had to drop (over MO_DETECT_MAX_EVIDENCE);
 * the signal values still count them. */
size_t mo__detect_n_dropped(const mo_detect_scratch *s);

#endif /* MO_DETECT_H */
