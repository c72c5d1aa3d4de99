/*
 * features.c -- hashed n-gram features over normalized text (text layer).
 *
 * mo__feat_extract normalizes a raw text with mo_normalize and turns it into
 * feature ids in [0, 1 << hash_bits), in two blocks: first the word block
 * (word unigrams and bigrams of the primary reading, word unigrams of the
 * leetspeak reading when it differs, one feature per normalization flag that
 * fired, and a bias feature), then the char block (fastText-style character
 * n-grams over "<word>", UTF-8 aware, never cutting a code point). The model
 * weighs and normalizes the two blocks separately (mo__feat_n_word).
 * Every feature kind hashes with its own salt (XXH3 with seed ^ salt), so the
 * namespaces do not collide. Buffers grow during warm-up only; a steady state
 * makes no allocation. Uses base and the public normalizer only.
 */
#include "text/text.h"

#include <string.h>
#include <utf8proc.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* Salts per feature namespace, xored into the configured hash seed. */
#define SALT_WORD 0x9e3779b97f4a7c15ull
#define SALT_BIGRAM 0xc2b2ae3d27d4eb4full
#define SALT_CHAR 0x165667b19e3779f9ull
#define SALT_ALT 0xd6e8feb86659fd93ull
#define SALT_FLAG 0x27d4eb2f165667c5ull
#define SALT_BIAS 0x85ebca77c2b2ae63ull

/* Char n-grams are taken from at most this many code points of a word, so one
 * very long token (a squashed URL) costs a bounded amount. */
#define MAX_WORD_CPS 40

typedef struct span {
    uint32_t start; /* byte offset of the token in the text */
    uint32_t end;   /* one past its last byte */
} span;

struct mo_featurizer {
    mo_feat_config cfg;  /* copy of the configuration */
    mo_normalizer *norm; /* owned */
    uint32_t mask;       /* (1 << hash_bits) - 1 */
    uint32_t *ids;       /* (ids_cap) output feature ids: word block, then char block */
    size_t ids_cap;      /* entries allocated in ids */
    size_t n_word;       /* ids of the word block in the last extraction */
    uint32_t *cids;      /* (cids_cap) char n-gram ids, before they join ids */
    size_t cids_cap;     /* entries allocated in cids */
    span *toks;          /* (toks_cap) token spans of the reading being hashed */
    size_t toks_cap;     /* entries allocated in toks */
    uint32_t flag_ids[MO_NORM_N_FLAGS]; /* precomputed id per normalization flag */
    uint32_t bias_id;                   /* precomputed bias feature id */
    char cbuf[4 * MAX_WORD_CPS + 8];    /* "<word>" scratch for char n-grams */
    uint16_t offs[MAX_WORD_CPS + 3];    /* code point starts in cbuf, plus the end */
};

/* ==== Character classes ==== */

enum { C_SEP = 0, C_WORD = 1, C_JOIN = 2, C_SYM = 3 };

/* Class of the code point at s[i] (len bytes total); *cp_len receives its byte
 * length (1 for an invalid byte, which then counts as a separator). */
static inline int char_class(const unsigned char *s, size_t len, size_t i, size_t *cp_len)
{
    unsigned char c = s[i];
    if (c < 0x80) {
        *cp_len = 1;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '_')
            return C_WORD;
        if (c == '*' || c == '\'')
            return C_JOIN;
        return C_SEP;
    }
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(s + i, (utf8proc_ssize_t)(len - i), &cp);
    if (n <= 0) {
        *cp_len = 1;
        return C_SEP;
    }
    *cp_len = (size_t)n;
    if (cp == 0x2019)
        return C_JOIN; /* right single quotation mark used as an apostrophe */
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return C_WORD;
    case UTF8PROC_CATEGORY_SO:
        return C_SYM; /* emoji and other pictographs: one token each */
    default:
        return C_SEP;
    }
}

/* ==== Buffers ==== */

/* Splits text into token spans (words with in-word '*' and apostrophes, and
 * single symbol/emoji code points). Returns the count, or -1 on ENOMEM. */
static long tokenize(mo_featurizer *f, const char *text, size_t len)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t n_toks = 0, i = 0;
    /* A token needs at least one byte, so len/1 + 1 bounds the count. */
    if (mo__grow((void **)&f->toks, &f->toks_cap, len / 1 + 1, sizeof(span), 64) != MO_OK)
        return -1;
    while (i < len) {
        size_t cl;
        int c = char_class(s, len, i, &cl);
        if (c == C_SYM) {
            f->toks[n_toks++] = (span){(uint32_t)i, (uint32_t)(i + cl)};
            i += cl;
            continue;
        }
        if (c != C_WORD) {
            i += cl;
            continue;
        }
        size_t start = i;
        i += cl;
        size_t end = i;
        while (i < len) {
            c = char_class(s, len, i, &cl);
            if (c == C_WORD) {
                i += cl;
                end = i;
                continue;
            }
            if (c != C_JOIN)
                break;
            /* Joiners stay in the word only when a word character follows. */
            size_t j = i + cl;
            size_t cl2 = 0;
            int c2 = C_SEP;
            while (j < len && (c2 = char_class(s, len, j, &cl2)) == C_JOIN)
                j += cl2;
            if (j < len && c2 == C_WORD) {
                i = j;
                continue;
            }
            break;
        }
        f->toks[n_toks++] = (span){(uint32_t)start, (uint32_t)end};
        i = end;
    }
    return (long)n_toks;
}

/* ==== Public (internal) API ==== */

int mo__feat_new(const mo_feat_config *cfg, mo_featurizer **out)
{
    *out = NULL;
    if (!cfg || cfg->hash_bits < 10 || cfg->hash_bits > 26 || cfg->word_ngrams < 1 ||
        cfg->word_ngrams > 2 || cfg->char_max > 8 ||
        (cfg->char_min && cfg->char_min > cfg->char_max))
        return MO_EINVAL;
    mo_featurizer *f = mo__calloc(1, sizeof *f);
    if (!f)
        return MO_ENOMEM;
    f->cfg = *cfg;
    f->mask = (uint32_t)((1ull << cfg->hash_bits) - 1);
    int rc = mo_normalizer_new(&f->norm);
    if (rc != MO_OK)
        goto fail;
    for (uint32_t b = 0; b < MO_NORM_N_FLAGS; b++)
        f->flag_ids[b] =
            (uint32_t)XXH3_64bits_withSeed(&b, sizeof b, cfg->hash_seed ^ SALT_FLAG) & f->mask;
    f->bias_id = (uint32_t)XXH3_64bits_withSeed("", 0, cfg->hash_seed ^ SALT_BIAS) & f->mask;
    *out = f;
    return MO_OK;
fail:
    mo__feat_free(f);
    return rc;
}

void mo__feat_free(mo_featurizer *f)
{
    if (!f)
        return;
    mo_normalizer_free(f->norm);
    mo__free(f->ids);
    mo__free(f->cids);
    mo__free(f->toks);
    mo__free(f);
}

/* Upper bound of ids one token of `cps` code points can produce. */
static size_t char_ngrams_bound(const mo_feat_config *c, size_t cps)
{
    if (!c->char_min)
        return 0;
    if (cps > MAX_WORD_CPS)
        cps = MAX_WORD_CPS;
    return (c->char_max - c->char_min + 1) * (cps + 2);
}

/* Appends the char n-grams of word [s, s+n) as ids at f->cids + *k. */
static void add_char_ngrams(mo_featurizer *f, const char *s, size_t n, size_t *k)
{
    const mo_feat_config *c = &f->cfg;
    char *b = f->cbuf;
    unsigned char any_high = 0;
    for (size_t i = 0; i < n; i++)
        any_high |= (unsigned char)s[i];
    if (!(any_high & 0x80)) {
        /* An ASCII word: one byte per code point, so an n-gram is len bytes
         * at st; the same ids as the general loop below, without offsets. */
        size_t m = n < MAX_WORD_CPS ? n : MAX_WORD_CPS, n_cps = m + 2;
        b[0] = '<';
        memcpy(b + 1, s, m);
        b[m + 1] = '>';
        uint64_t seed = c->hash_seed ^ SALT_CHAR;
        uint32_t mask = f->mask, *ids = f->cids;
        size_t kk = *k;
        for (size_t len = c->char_min; len <= c->char_max && len <= n_cps; len++)
            for (size_t st = 0; st + len <= n_cps; st++)
                ids[kk++] = (uint32_t)XXH3_64bits_withSeed(b + st, len, seed) & mask;
        *k = kk;
        return;
    }
    uint16_t *offs = f->offs;
    size_t n_cps = 0, pos = 1;
    b[0] = '<';
    offs[n_cps++] = 0;
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && n_cps <= MAX_WORD_CPS) {
        size_t cl = 1;
        while (i + cl < n && (u[i + cl] & 0xC0) == 0x80 && cl < 4)
            cl++;
        offs[n_cps++] = (uint16_t)pos;
        for (size_t q = 0; q < cl; q++) /* 1-4 bytes: no memcpy call */
            b[pos++] = s[i++];
    }
    offs[n_cps++] = (uint16_t)pos;
    b[pos++] = '>';
    offs[n_cps] = (uint16_t)pos; /* end sentinel */
    uint64_t seed = c->hash_seed ^ SALT_CHAR;
    uint32_t mask = f->mask;
    uint32_t *ids = f->cids;
    size_t kk = *k;
    for (size_t len = c->char_min; len <= c->char_max; len++) {
        if (len > n_cps)
            break;
        for (size_t st = 0; st + len <= n_cps; st++) {
            size_t a = offs[st], e = offs[st + len];
            ids[kk++] = (uint32_t)XXH3_64bits_withSeed(b + a, e - a, seed) & mask;
        }
    }
    *k = kk;
}

size_t mo__feat_n_word(const mo_featurizer *f)
{
    return f->n_word;
}

int mo__feat_extract(mo_featurizer *f, const char *text, size_t len, const uint32_t **ids,
                     size_t *n_ids, const mo_norm_view **view)
{
    const mo_norm_view *v;
    *ids = NULL;
    *n_ids = 0;
    f->n_word = 0;
    if (view)
        *view = NULL;
    int rc = mo_normalize(f->norm, text, len, &v);
    if (rc != MO_OK)
        return rc;
    const mo_feat_config *c = &f->cfg;
    const char *t = v->text;
    long n_toks = tokenize(f, t, v->len);
    if (n_toks < 0)
        return MO_ENOMEM;

    /* Bound the ids: per token a unigram, a bigram and its char n-grams
     * (bounded by its byte length), plus the alt unigrams, flags and bias. */
    size_t need = 1 + MO_NORM_N_FLAGS + (v->alt ? v->alt_len + 1 : 0), need_c = 0;
    for (long i = 0; i < n_toks; i++) {
        need += 2;
        need_c += char_ngrams_bound(c, f->toks[i].end - f->toks[i].start);
    }
    if (mo__grow((void **)&f->ids, &f->ids_cap, need + need_c, sizeof(uint32_t), 64) != MO_OK ||
        mo__grow((void **)&f->cids, &f->cids_cap, need_c + 1, sizeof(uint32_t), 64) != MO_OK)
        return MO_ENOMEM;

    size_t k = 0, n_char = 0;
    uint32_t mask = f->mask;
    uint64_t seed_w = c->hash_seed ^ SALT_WORD, seed_b = c->hash_seed ^ SALT_BIGRAM;
    uint64_t prev = 0;
    for (long i = 0; i < n_toks; i++) {
        const char *w = t + f->toks[i].start;
        size_t wn = f->toks[i].end - f->toks[i].start;
        uint64_t h = XXH3_64bits_withSeed(w, wn, seed_w);
        f->ids[k++] = (uint32_t)h & mask;
        if (c->word_ngrams >= 2 && i > 0) {
            uint64_t pair[2] = {prev, h};
            f->ids[k++] = (uint32_t)XXH3_64bits_withSeed(pair, sizeof pair, seed_b) & mask;
        }
        prev = h;
        if (c->char_min)
            add_char_ngrams(f, w, wn, &n_char);
    }

    if (v->alt && (v->alt_len != v->len || memcmp(v->alt, v->text, v->len) != 0)) {
        /* The alt reading's tokens reuse the token buffer: the primary spans
         * are no longer needed. */
        long n_alt = tokenize(f, v->alt, v->alt_len);
        if (n_alt < 0)
            return MO_ENOMEM;
        if (mo__grow((void **)&f->ids, &f->ids_cap,
                     k + (size_t)n_alt + 1 + MO_NORM_N_FLAGS + n_char, sizeof(uint32_t),
                     64) != MO_OK)
            return MO_ENOMEM;
        uint64_t seed_a = c->hash_seed ^ SALT_ALT;
        for (long i = 0; i < n_alt; i++) {
            const char *w = v->alt + f->toks[i].start;
            size_t wn = f->toks[i].end - f->toks[i].start;
            f->ids[k++] = (uint32_t)XXH3_64bits_withSeed(w, wn, seed_a) & mask;
        }
    }
    for (uint32_t b = 0; b < MO_NORM_N_FLAGS; b++)
        if (v->flags & (1u << b))
            f->ids[k++] = f->flag_ids[b];
    f->ids[k++] = f->bias_id;
    f->n_word = k;
    if (n_char)
        memcpy(f->ids + k, f->cids, n_char * sizeof(uint32_t));
    k += n_char;

    *ids = f->ids;
    *n_ids = k;
    if (view)
        *view = v;
    return MO_OK;
}
