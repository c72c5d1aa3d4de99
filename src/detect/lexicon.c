/*
 * lexicon.c -- the lexicon detector: term lists (one file per category and
 * language, plus the allowlist and invitation phrases) normalized with the
 * text layer's normalizer, compiled into one Vectorscan database and scanned
 * over both readings of a normalized text (primary and leet). Matches must
 * sit on word boundaries; a match inside an allowlisted word is dropped;
 * overlapping matches of one category are merged. Uses base and text.
 */
#include "detect/detect_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <utf8proc.h>

/* ==== Building ==== */

/* Appends one raw byte to an expression as \xNN. */
static int put_byte(mo_buf *b, unsigned char ch)
{
    static const char hex[] = "0123456789abcdef";
    char e[4] = {'\\', 'x', hex[ch >> 4], hex[ch & 15]}; /* what "\\x%02x" prints */
    return mo__buf_append(b, e, sizeof e);
}

/* Writes the expression matching normalized text n[0, len) literally (every
 * byte as \xNN). Literal expressions compile fast and need no start-of-match
 * tracking (a match starts norm_len bytes before its end); repeats and masks
 * are handled by extra readings of the text instead (see mo__lex_run). */
static int build_expr(const char *n, size_t len, mo_buf *b)
{
    b->len = 0;
    if (mo__buf_reserve(b, 4 * len + 1) != MO_OK)
        return MO_ENOMEM;
    b->ptr[0] = '\0';
    for (size_t i = 0; i < len; i++)
        if (put_byte(b, (unsigned char)n[i]) != MO_OK)
            return MO_ENOMEM;
    return MO_OK;
}

static int add_pat(mo_detect_config *c, uint32_t term, const char *norm, size_t len, bool fuzzy)
{
    /* The same reading of the same term once is enough. */
    for (size_t i = c->n_pats; i > 0 && c->pats[i - 1].term == term; i--)
        if (c->pats[i - 1].norm_len == len && memcmp(c->pats[i - 1].norm, norm, len) == 0)
            return MO_OK;
    if (c->n_pats == c->pats_cap) {
        size_t cap = c->pats_cap ? 2 * c->pats_cap : 256;
        mo__pat *p = mo__realloc(c->pats, cap * sizeof *p);
        if (!p)
            return MO_ENOMEM;
        c->pats = p;
        c->pats_cap = cap;
    }
    char *d = mo__strndup(norm, len);
    if (!d)
        return MO_ENOMEM;
    c->pats[c->n_pats++] = (mo__pat){term, d, (uint32_t)len, (uint8_t)fuzzy};
    return MO_OK;
}

/* Reads one list file: one term per line, optional TAB and severity 1-3,
 * '#' comments and blank lines ignored. Each term is normalized like the text
 * it will be matched against; both readings become expressions. */
int mo__lex_add_file(mo_detect_config *c, mo_normalizer *n, const char *path, const char *name,
                     enum mo__term_kind kind, uint32_t cat, mo_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mo__diag_set(diag, MO_EIO, path, 0, "", "cannot open list file: %s",
                            strerror(errno));
    uint32_t file_idx = (uint32_t)c->n_files - 1;
    (void)name;
    char line[1024];
    uint64_t lineno = 0;
    int rc = MO_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t l = strlen(line);
        if (l == sizeof line - 1 && line[l - 1] != '\n') {
            rc = mo__diag_set(diag, MO_EPARSE, path, lineno, "term", "line longer than %zu bytes",
                              sizeof line - 2);
            goto done;
        }
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r'))
            line[--l] = '\0';
        char *p = line;
        while (*p == ' ')
            p++;
        if (*p == '\0' || *p == '#')
            continue;
        int sev = 2;
        char *tab = strchr(p, '\t');
        if (tab) {
            *tab = '\0';
            char *sv = tab + 1;
            if (!(sv[0] >= '1' && sv[0] <= '3' && sv[1] == '\0')) {
                rc = mo__diag_set(diag, MO_EPARSE, path, lineno, "severity",
                                  "severity must be 1, 2 or 3, not \"%s\"", sv);
                goto done;
            }
            sev = sv[0] - '0';
        }
        size_t tl = strlen(p);
        while (tl && p[tl - 1] == ' ')
            p[--tl] = '\0';
        const mo_norm_view *v = NULL;
        rc = mo_normalize(n, p, tl, &v);
        if (rc != MO_OK)
            goto done;
        if (v->len == 0) {
            rc = mo__diag_set(diag, MO_EPARSE, path, lineno, "term",
                              "term \"%s\" is empty after normalization", p);
            goto done;
        }
        if (c->n_terms == c->terms_cap) {
            size_t cap = c->terms_cap ? 2 * c->terms_cap : 256;
            mo__term *t = mo__realloc(c->terms, cap * sizeof *t);
            if (!t) {
                rc = MO_ENOMEM;
                goto done;
            }
            c->terms = t;
            c->terms_cap = cap;
        }
        char *text = mo__strndup(p, tl);
        if (!text) {
            rc = MO_ENOMEM;
            goto done;
        }
        uint32_t id = (uint32_t)c->n_terms;
        c->terms[c->n_terms++] = (mo__term){text, file_idx, cat, (uint8_t)kind, (uint8_t)sev};
        bool fuzzy = kind == MO__TERM_LEX;
        rc = add_pat(c, id, v->text, v->len, fuzzy);
        if (rc == MO_OK && v->alt)
            rc = add_pat(c, id, v->alt, v->alt_len, fuzzy);
        if (rc != MO_OK)
            goto done;
    }
    if (ferror(f))
        rc = mo__diag_set(diag, MO_EIO, path, lineno, "", "read error");
done:
    fclose(f);
    return rc;
}

/* Compiles every expression into c->db with one hs_compile_multi call, or
 * loads the same database from the cache (lexicon_cache.c) and skips it. */
int mo__lex_compile(mo_detect_config *c, mo_diag *diag)
{
    if (c->n_pats == 0)
        return MO_OK;
    int rc = MO_ENOMEM;
    const char **exprs = mo__calloc(c->n_pats, sizeof *exprs);
    unsigned *flags = mo__calloc(c->n_pats, sizeof *flags);
    unsigned *ids = mo__calloc(c->n_pats, sizeof *ids);
    char **owned = mo__calloc(c->n_pats, sizeof *owned);
    mo_buf b = {0};
    if (!exprs || !flags || !ids || !owned)
        goto done;
    for (size_t i = 0; i < c->n_pats; i++) {
        if (build_expr(c->pats[i].norm, c->pats[i].norm_len, &b) != MO_OK)
            goto done;
        owned[i] = mo__strndup(b.ptr, b.len);
        if (!owned[i])
            goto done;
        exprs[i] = owned[i];
        flags[i] = 0; /* literals: on_match knows the start without SOM tracking */
        ids[i] = (unsigned)i;
    }
    /* A database cached by an earlier process with the same inputs skips the compile. */
    uint64_t key = mo__lex_cache_key(exprs, flags, ids, c->n_pats, HS_MODE_BLOCK);
    if ((c->db = mo__lex_cache_load(key))) {
        rc = MO_OK;
        goto done;
    }
    hs_compile_error_t *err = NULL;
    if (hs_compile_multi(exprs, flags, ids, (unsigned)c->n_pats, HS_MODE_BLOCK, NULL, &c->db,
                         &err) != HS_SUCCESS) {
        const mo__pat *p = err && err->expression >= 0 ? &c->pats[err->expression] : NULL;
        const mo__term *t = p ? &c->terms[p->term] : NULL;
        rc = mo__diag_set(diag, MO_EFORMAT, t ? c->files[t->file] : "", 0, "term",
                          "cannot compile term \"%s\": %s", t ? t->text : "?",
                          err ? err->message : "unknown error");
        hs_free_compile_error(err);
        c->db = NULL;
        goto done;
    }
    mo__lex_cache_store(key, c->db);
    rc = MO_OK;
done:
    if (owned)
        for (size_t i = 0; i < c->n_pats; i++)
            mo__free(owned[i]);
    mo__free(owned);
    mo__free(exprs);
    mo__free(flags);
    mo__free(ids);
    mo__buf_free(&b);
    return rc;
}

/* ==== Scanning ==== */

/* True when the code point is part of a word: letters, digits, marks. */
static bool is_word_cp(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

/* A word boundary sits before offset a of t[0, n) (no word character ends there). */
static bool boundary_before(const char *t, size_t a)
{
    if (a == 0)
        return true;
    size_t p = a - 1;
    while (p > 0 && a - p < 4 && ((unsigned char)t[p] & 0xc0) == 0x80)
        p--;
    utf8proc_int32_t cp = -1;
    if (utf8proc_iterate((const utf8proc_uint8_t *)t + p, (utf8proc_ssize_t)(a - p), &cp) < 0)
        return true;
    return !is_word_cp(cp);
}

static bool boundary_after(const char *t, size_t n, size_t b)
{
    if (b >= n)
        return true;
    utf8proc_int32_t cp = -1;
    size_t k = n - b < 4 ? n - b : 4;
    if (utf8proc_iterate((const utf8proc_uint8_t *)t + b, (utf8proc_ssize_t)k, &cp) < 0)
        return true;
    return !is_word_cp(cp);
}

static uint32_t bucket_of(const mo_detect_config *c, uint32_t term)
{
    const mo__term *t = &c->terms[term];
    return t->kind == MO__TERM_LEX      ? t->cat
           : t->kind == MO__TERM_INVITE ? (uint32_t)c->n_cats
                                        : UINT32_MAX;
}

/* Appends a hit in primary-text offsets. A hit with the same span and
 * category as a recent one (the same word in another language's list, or
 * from the other reading) only raises that one's severity. */
static void add_hit(mo_detect_scratch *s, uint32_t a, uint32_t b, uint32_t term)
{
    const mo_detect_config *c = s->c;
    uint32_t bk = bucket_of(c, term);
    for (size_t i = s->n_hits; i > 0 && s->n_hits - i < 16; i--) {
        mo__hit *h = &s->hits[i - 1];
        if (h->start == a && h->end == b && bucket_of(c, h->term) == bk) {
            if (c->terms[term].severity > c->terms[h->term].severity)
                h->term = term;
            return;
        }
    }
    if (s->n_hits == MO__MAX_HITS) {
        s->n_hits_dropped++;
        return;
    }
    s->hits[s->n_hits++] = (mo__hit){a, b, term};
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx)
{
    (void)flags;
    mo_detect_scratch *s = ctx;
    const mo__pat *p = &s->c->pats[id];
    (void)from; /* 0 without HS_FLAG_SOM_LEFTMOST; a literal starts norm_len before its end */
    size_t b = (size_t)to, a = b >= p->norm_len ? b - p->norm_len : b;
    if (b <= a || !boundary_before(s->scan_text, a) ||
        !boundary_after(s->scan_text, s->scan_len, b))
        return 0;
    if (s->scan_map) /* the squeezed reading: back to primary offsets */
        add_hit(s, s->scan_map[a], s->scan_map[s->scan_cap + b - 1] + 1, p->term);
    else
        add_hit(s, (uint32_t)a, (uint32_t)b, p->term);
    return 0;
}

static char ascii_lower(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Sort key: the bucket a hit is deduplicated in (category, or n_cats for
 * invitations), then start, then longer first. */
static uint32_t bucket(const mo_detect_config *c, const mo__hit *h)
{
    const mo__term *t = &c->terms[h->term];
    return t->kind == MO__TERM_LEX ? t->cat : (uint32_t)c->n_cats;
}

static bool hit_less(const mo_detect_config *c, const mo__hit *x, const mo__hit *y)
{
    uint32_t bx = bucket(c, x), by = bucket(c, y);
    if (bx != by)
        return bx < by;
    if (x->start != y->start)
        return x->start < y->start;
    if (x->end != y->end)
        return x->end > y->end;
    return c->terms[x->term].severity > c->terms[y->term].severity;
}

static int scan(const mo_detect_config *c, mo_detect_scratch *s, const char *t, size_t n)
{
    s->scan_text = t;
    s->scan_len = n;
    if (n == 0)
        return MO_OK;
    hs_error_t e = hs_scan(c->db, t, (unsigned)n, 0, s->hs, on_match, s);
    return e == HS_SUCCESS ? MO_OK : MO_EIO;
}

/* Builds the squeezed reading of t[0, n) into the scratch: a doubled letter
 * that the normalizer squeezed from a longer run (source bytes missing right
 * after the pair: "fuuuuck" -> "fuuck") becomes single ("fuck"). A plain
 * double ("noob", "good") stays. scan_map[j] and scan_map[cap + j] are the
 * first and last primary offsets behind output byte j. Returns the length. */
static int squeeze(mo_detect_scratch *s, const char *t, size_t n, const mo_norm_view *v,
                   size_t orig_len, size_t *out_len)
{
    if (n + 1 > s->sq_cap) {
        size_t cap = s->sq_cap ? s->sq_cap : 256, bytes;
        while (cap < n + 1)
            cap *= 2;
        if (mo__size_mul(cap, 2 * sizeof(uint32_t), &bytes) != MO_OK)
            return MO_ELIMIT;
        char *nt = mo__realloc(s->sq_text, cap);
        if (!nt)
            return MO_ENOMEM;
        s->sq_text = nt;
        uint32_t *m = mo__realloc(s->sq_map, bytes);
        if (!m)
            return MO_ENOMEM;
        s->sq_map = m;
        s->sq_cap = cap;
    }
    uint32_t *first = s->sq_map, *last = s->sq_map + s->sq_cap;
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)t[i];
        if (w && i && ch >= 'a' && ch <= 'z' && t[i - 1] == (char)ch &&
            s->sq_text[w - 1] == (char)ch) {
            uint32_t after = i + 1 < n ? v->src_start[i + 1] : (uint32_t)orig_len;
            if (after > v->src_end[i]) {
                last[w - 1] = (uint32_t)i;
                continue;
            }
        }
        s->sq_text[w] = (char)ch;
        first[w] = last[w] = (uint32_t)i;
        w++;
    }
    s->sq_text[w] = '\0';
    *out_len = w;
    return MO_OK;
}

/* Masked words ("f*ck", "sh*t", "f**k"): each run of [a-z*] holding a '*'
 * between letters is compared with every maskable term of its length; a '*'
 * stands for one interior letter. */
static void masks(const mo_detect_config *c, mo_detect_scratch *s, const char *t, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (!(t[i] >= 'a' && t[i] <= 'z')) {
            i++;
            continue;
        }
        size_t e = i, stars = 0;
        while (e < n && ((t[e] >= 'a' && t[e] <= 'z') || t[e] == '*'))
            stars += t[e++] == '*';
        size_t b = e;
        while (b > i && t[b - 1] == '*')
            b--;
        if (stars && b - i >= 3 && boundary_before(t, i) && boundary_after(t, n, b)) {
            for (size_t p = 0; p < c->n_pats; p++) {
                const mo__pat *pt = &c->pats[p];
                if (!pt->is_fuzzy || pt->norm_len != b - i)
                    continue;
                size_t k = 0, letters = 0;
                for (; k < b - i; k++) {
                    char x = t[i + k], y = pt->norm[k];
                    if (x == y) {
                        letters += x != '*';
                        continue;
                    }
                    if (x != '*' || k == 0 || !(y >= 'a' && y <= 'z'))
                        break;
                }
                if (k == b - i && letters >= 2 && letters < b - i)
                    add_hit(s, (uint32_t)i, (uint32_t)b, pt->term);
            }
        }
        i = e;
    }
}

/* Scans both readings of v, drops matches inside allowlisted words, merges
 * overlapping matches per category and emits counts, severities and evidence. */
int mo__lex_run(const mo_detect_config *c, mo_detect_scratch *s, const char *orig,
                const mo_norm_view *v, size_t orig_len, double *values)
{
    s->n_hits = 0;
    s->n_hits_dropped = 0;
    if (!c->db)
        return MO_OK;
    if (v->len > UINT32_MAX)
        return MO_ELIMIT;
    s->src_start = v->src_start;
    s->src_end = v->src_end;
    s->orig_len = orig_len;
    s->scan_map = NULL;
    int rc = scan(c, s, v->text, v->len);
    if (rc == MO_OK && v->alt)
        rc = scan(c, s, v->alt, v->alt_len);
    if (rc == MO_OK && (v->flags & MO_NORM_MASKED)) {
        masks(c, s, v->text, v->len);
        if (v->alt)
            masks(c, s, v->alt, v->alt_len);
    }
    for (int r = 0; rc == MO_OK && (v->flags & MO_NORM_REPEAT) && r < 2; r++) {
        const char *t = r ? v->alt : v->text;
        size_t n = r ? v->alt_len : v->len, sn = 0;
        if (!t)
            break;
        rc = squeeze(s, t, n, v, orig_len, &sn);
        if (rc == MO_OK && sn < n) {
            s->scan_map = s->sq_map;
            s->scan_cap = s->sq_cap;
            rc = scan(c, s, s->sq_text, sn);
            s->scan_map = NULL;
        }
    }
    if (rc != MO_OK)
        return rc;
    /* Allowlist: compact away allow hits and the hits they contain. */
    size_t w = 0;
    for (size_t i = 0; i < s->n_hits; i++) {
        const mo__hit *h = &s->hits[i];
        if (c->terms[h->term].kind == MO__TERM_ALLOW)
            continue;
        bool allowed = false;
        for (size_t j = 0; j < s->n_hits && !allowed; j++) {
            const mo__hit *g = &s->hits[j];
            allowed = c->terms[g->term].kind == MO__TERM_ALLOW && g->start <= h->start &&
                      h->end <= g->end;
        }
        if (!allowed)
            s->hits[w++] = *h;
    }
    s->n_hits = w;
    /* Insertion sort: hits arrive nearly sorted and are few. */
    for (size_t i = 1; i < s->n_hits; i++) {
        mo__hit h = s->hits[i];
        size_t j = i;
        while (j > 0 && hit_less(c, &h, &s->hits[j - 1])) {
            s->hits[j] = s->hits[j - 1];
            j--;
        }
        s->hits[j] = h;
    }
    uint32_t cur_bucket = UINT32_MAX, cur_end = 0;
    for (size_t i = 0; i < s->n_hits; i++) {
        const mo__hit *h = &s->hits[i];
        const mo__term *t = &c->terms[h->term];
        uint32_t bk = bucket(c, h);
        if (bk == cur_bucket && h->start < cur_end)
            continue; /* overlaps a longer or earlier match of the same category */
        cur_bucket = bk;
        cur_end = h->end;
        uint32_t sig;
        if (t->kind == MO__TERM_LEX) {
            sig = 2 * t->cat;
            if (values[sig + 1] < t->severity)
                values[sig + 1] = t->severity;
        } else {
            sig = mo__dsig(c, MO__DSIG_SPAM_INVITE);
        }
        values[sig] += 1;
        uint32_t a = v->src_start[h->start], b = v->src_end[h->end - 1];
        /* A run squeezed at the end of the match ("fuckkkk") belongs to it. */
        while ((v->flags & MO_NORM_REPEAT) && b < orig_len && b > a &&
               ascii_lower(orig[b]) == ascii_lower(orig[b - 1]) && ascii_lower(orig[b]) >= 'a' &&
               ascii_lower(orig[b]) <= 'z')
            b++;
        mo__detect_emit(s, sig, a, b, h->term + 1);
    }
    return MO_OK;
}
