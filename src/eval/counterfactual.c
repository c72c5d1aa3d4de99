/*
 * counterfactual.c -- the counterfactual identity check of `moderato eval
 * --counterfactual` (docs/EVALUATION.md): for every text that mentions an
 * identity term of a term list (data/identity/terms.tsv), each other term of
 * the same language and grammatical form is put in its place, the variants are
 * scored, and per label the score changes are aggregated: mean and largest
 * absolute change, the share of swaps that cross the operating threshold,
 * each term's mean shift against its family (which terms push scores up) and
 * the worst pairs. Matching is case-insensitive at word boundaries on the
 * original text. May use base, jansson and utf8proc.
 */
#include "eval/eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

/* ==== Term list ==== */

int mo__eval_cf_terms_add(mo_eval_cf_terms *t, const char *group, const char *term,
                          const char *lang, const char *form)
{
    if (mo__grow((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v, 64) != MO_OK)
        return MO_ENOMEM;
    mo_eval_cf_term *e = &t->v[t->n];
    e->group = mo__strndup(group, strlen(group));
    e->term = mo__strndup(term, strlen(term));
    e->lang = mo__strndup(lang, strlen(lang));
    e->form = mo__strndup(form, strlen(form));
    if (!e->group || !e->term || !e->lang || !e->form) {
        mo__free(e->group);
        mo__free(e->term);
        mo__free(e->lang);
        mo__free(e->form);
        return MO_ENOMEM;
    }
    t->n++;
    return MO_OK;
}

void mo__eval_cf_terms_free(mo_eval_cf_terms *t)
{
    for (size_t i = 0; i < t->n; i++) {
        mo__free(t->v[i].group);
        mo__free(t->v[i].term);
        mo__free(t->v[i].lang);
        mo__free(t->v[i].form);
    }
    mo__free(t->v);
    memset(t, 0, sizeof *t);
}

typedef struct load_ctx {
    const char *path;
    mo_eval_cf_terms *t;
    int seen_header;
    mo_diag *diag;
} load_ctx;

static const char *const tsv_fields[4] = {"group", "term", "lang", "form"};

static int on_term_line(void *user, const char *line, size_t len, uint64_t line_no)
{
    load_ctx *c = user;
    (void)len;
    if (line[0] == '#')
        return MO_OK;
    char buf[512];
    if (len >= sizeof buf)
        return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, NULL, "line too long");
    memcpy(buf, line, len + 1);
    char *col[4];
    size_t n = 0;
    for (char *p = buf, *tab; n < 4; p = tab + 1) {
        col[n++] = p;
        if (!(tab = strchr(p, '\t')))
            break;
        *tab = '\0';
        if (n == 4)
            return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, NULL,
                                "expected 4 tab-separated columns (group, term, lang, form), "
                                "got more");
    }
    if (n != 4)
        return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, NULL,
                            "expected 4 tab-separated columns (group, term, lang, form), got %zu",
                            n);
    if (!c->seen_header) {
        c->seen_header = 1;
        for (int i = 0; i < 4; i++)
            if (strcmp(col[i], tsv_fields[i]))
                return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, tsv_fields[i],
                                    "the header must be: group term lang form (tab-separated)");
        return MO_OK;
    }
    for (int i = 0; i < 4; i++)
        if (!col[i][0])
            return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, tsv_fields[i], "empty");
    if (strcmp(col[3], "singular") && strcmp(col[3], "plural"))
        return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, "form",
                            "'%s': expected singular or plural", col[3]);
    for (size_t i = 0; i < c->t->n; i++)
        if (!strcmp(c->t->v[i].term, col[1]) && !strcmp(c->t->v[i].lang, col[2]))
            return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, "term",
                                "'%s' (%s) is listed twice", col[1], col[2]);
    if (mo__eval_cf_terms_add(c->t, col[0], col[1], col[2], col[3]) != MO_OK)
        return mo__diag_set(c->diag, MO_ENOMEM, c->path, line_no, NULL, "out of memory");
    return MO_OK;
}

int mo__eval_cf_terms_load(const char *path, mo_eval_cf_terms *out, mo_diag *diag)
{
    memset(out, 0, sizeof *out);
    load_ctx c = {path, out, 0, diag};
    int rc = mo__eval_lines(path, on_term_line, &c, diag);
    if (rc == MO_OK && !out->n)
        rc = mo__diag_set(diag, MO_EPARSE, path, 0, NULL, "no terms");
    if (rc != MO_OK)
        mo__eval_cf_terms_free(out);
    return rc;
}

/* ==== Matching ==== */

/* Decodes the code point at s[i] (n bytes left); invalid bytes read as one
 * U+FFFD byte. Returns its length. */
static size_t decode(const char *s, size_t n, int32_t *cp)
{
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, cp);
    if (k <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)k;
}

/* Letters, marks and numbers (utf8proc's categories Lu..No are contiguous)
 * and '_' make words; everything else is a boundary. */
static int is_word_cp(int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return cp == '_' || (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
}

/* Is the code point ending just before byte i (of s) a word character? */
static int word_before(const char *s, size_t i)
{
    if (!i)
        return 0;
    size_t j = i - 1;
    while (j > 0 && ((unsigned char)s[j] & 0xC0) == 0x80 && i - j < 4)
        j--;
    int32_t cp;
    decode(s + j, i - j, &cp);
    return is_word_cp(cp);
}

/* Bytes of text (from i) that match term case-insensitively, or 0. */
static size_t match_at(const char *text, size_t len, size_t i, const char *term)
{
    size_t tl = strlen(term), a = i, b = 0;
    while (b < tl) {
        if (a >= len)
            return 0;
        int32_t ca, cb;
        a += decode(text + a, len - a, &ca);
        b += decode(term + b, tl - b, &cb);
        if (utf8proc_tolower(ca) != utf8proc_tolower(cb))
            return 0;
    }
    if (a < len) {
        int32_t next;
        decode(text + a, len - a, &next);
        if (is_word_cp(next))
            return 0;
    }
    return a - i;
}

size_t mo__eval_cf_find(const mo_eval_cf_terms *t, const char *text, size_t len, const char *lang,
                        mo_eval_cf_mention *out, size_t max)
{
    size_t found = 0, i = 0;
    while (i < len) {
        int32_t cp;
        size_t step = decode(text + i, len - i, &cp);
        if (!is_word_cp(cp) || word_before(text, i)) {
            i += step;
            continue;
        }
        size_t best = 0, best_term = 0;
        for (size_t k = 0; k < t->n; k++) {
            if (lang && strcmp(t->v[k].lang, lang))
                continue;
            size_t m = match_at(text, len, i, t->v[k].term);
            if (m > best) {
                best = m;
                best_term = k;
            }
        }
        if (!best) {
            i += step;
            continue;
        }
        if (found < max) {
            out[found].start = i;
            out[found].end = i + best;
            out[found].term = best_term;
        }
        found++;
        i += best;
    }
    return found;
}

/* ==== Substitution ==== */

/* Appends term written in the case style of the mention [s, s + n). */
static int append_cased(mo_buf *out, const char *mention, size_t n, const char *term)
{
    size_t letters = 0, upper = 0, tl = strlen(term);
    int32_t first = 0, cp;
    for (size_t i = 0; i < n;) {
        i += decode(mention + i, n - i, &cp);
        if (!first)
            first = cp;
        if (utf8proc_category(cp) >= UTF8PROC_CATEGORY_LU &&
            utf8proc_category(cp) <= UTF8PROC_CATEGORY_LO) {
            letters++;
            upper += utf8proc_isupper(cp) != 0;
        }
    }
    int all_upper = letters >= 2 && upper == letters;
    int cap_first = !all_upper && utf8proc_isupper(first);
    for (size_t i = 0; i < tl;) {
        size_t k = decode(term + i, tl - i, &cp);
        if (all_upper || (cap_first && i == 0)) {
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_toupper(cp), enc);
            if (mo__buf_append(out, enc, (size_t)m) != MO_OK)
                return MO_ENOMEM;
        } else if (mo__buf_append(out, term + i, k) != MO_OK) {
            return MO_ENOMEM;
        }
        i += k;
    }
    return MO_OK;
}

int mo__eval_cf_substitute(const mo_eval_cf_terms *t, const char *text, size_t len,
                           const mo_eval_cf_mention *m, size_t n_m, size_t from, size_t to,
                           mo_buf *out)
{
    out->len = 0;
    size_t pos = 0;
    for (size_t i = 0; i < n_m; i++) {
        if (m[i].term != from)
            continue;
        if (mo__buf_append(out, text + pos, m[i].start - pos) != MO_OK ||
            append_cased(out, text + m[i].start, m[i].end - m[i].start, t->v[to].term) != MO_OK)
            return MO_ENOMEM;
        pos = m[i].end;
    }
    if (mo__buf_append(out, text + pos, len - pos) != MO_OK || mo__buf_reserve(out, 1) != MO_OK)
        return MO_ENOMEM;
    out->ptr[out->len] = '\0';
    return MO_OK;
}

/* ==== Aggregation ==== */

int mo__eval_cf_result_init(mo_eval_cf_result *res, size_t n_labels, size_t n_terms)
{
    memset(res, 0, sizeof *res);
    res->n_labels = n_labels;
    res->n_terms = n_terms;
    res->labels = mo__calloc(n_labels ? n_labels : 1, sizeof *res->labels);
    if (!res->labels)
        return MO_ENOMEM;
    for (size_t k = 0; k < n_labels; k++) {
        res->labels[k].term_sum = mo__calloc(n_terms ? n_terms : 1, sizeof(double));
        res->labels[k].term_n = mo__calloc(n_terms ? n_terms : 1, sizeof(size_t));
        if (!res->labels[k].term_sum || !res->labels[k].term_n)
            return MO_ENOMEM; /* the caller frees with mo__eval_cf_result_free */
    }
    return MO_OK;
}

static void pair_free(mo_eval_cf_pair *p)
{
    mo__free(p->id);
    mo__free(p->orig);
    mo__free(p->variant);
}

void mo__eval_cf_result_free(mo_eval_cf_result *res)
{
    for (size_t k = 0; res->labels && k < res->n_labels; k++) {
        mo__free(res->labels[k].term_sum);
        mo__free(res->labels[k].term_n);
        for (size_t w = 0; w < res->labels[k].n_worst; w++)
            pair_free(&res->labels[k].worst[w]);
    }
    mo__free(res->labels);
    memset(res, 0, sizeof *res);
}

/* Keeps the pair among the MO_EVAL_CF_WORST largest abs(delta) of l, copying
 * its texts; earlier pairs win ties, so the result is input-order stable. */
static int keep_worst(mo_eval_cf_label *l, double delta, float s_orig, float s_var, size_t from,
                      size_t to, const char *id, const char *orig, size_t orig_len, const char *var,
                      size_t var_len)
{
    double a = fabs(delta);
    size_t pos = l->n_worst;
    while (pos > 0 && fabs(l->worst[pos - 1].delta) < a)
        pos--;
    if (pos >= MO_EVAL_CF_WORST)
        return MO_OK;
    mo_eval_cf_pair p = {delta, s_orig, s_var, from, to, NULL, NULL, NULL};
    p.id = mo__strndup(id, strlen(id));
    p.orig = mo__strndup(orig, orig_len);
    p.variant = mo__strndup(var, var_len);
    if (!p.id || !p.orig || !p.variant) {
        pair_free(&p);
        return MO_ENOMEM;
    }
    if (l->n_worst == MO_EVAL_CF_WORST)
        pair_free(&l->worst[--l->n_worst]);
    memmove(&l->worst[pos + 1], &l->worst[pos], (l->n_worst - pos) * sizeof p);
    l->worst[pos] = p;
    l->n_worst++;
    return MO_OK;
}

#define MAX_MENTIONS 64

int mo__eval_cf_add(mo_eval_cf_result *res, const mo_eval_cf_terms *t, const mo_eval_scorer *sc,
                    const json_t *item, const char *id, const char *text, size_t len,
                    const char *lang)
{
    mo_eval_cf_mention m[MAX_MENTIONS];
    size_t n_m = mo__eval_cf_find(t, text, len, lang, m, MAX_MENTIONS);
    if (n_m > MAX_MENTIONS)
        n_m = MAX_MENTIONS; /* later mentions are left as written */
    res->n_texts++;
    if (!n_m)
        return MO_OK;
    res->n_mentioned++;
    size_t L = sc->n_labels, T = t->n;
    /* fam[(j) * L + k]: score of family member j (0 = the original) for label k. */
    float *fam = mo__malloc((T + 1) * (L ? L : 1) * sizeof *fam);
    size_t *member = mo__malloc((T + 1) * sizeof *member);
    mo_buf var = {0};
    int rc = fam && member ? MO_OK : MO_ENOMEM;
    if (!rc)
        rc = sc->score(sc->user, item, text, len, fam, NULL);
    for (size_t i = 0; i < n_m && !rc; i++) {
        size_t from = m[i].term;
        int first = 1;
        for (size_t j = 0; j < i; j++)
            first &= m[j].term != from;
        if (!first)
            continue; /* one family per distinct mentioned term */
        size_t n_fam = 1;
        member[0] = from;
        for (size_t u = 0; u < T && !rc; u++) {
            if (u == from || strcmp(t->v[u].lang, t->v[from].lang) ||
                strcmp(t->v[u].form, t->v[from].form))
                continue;
            int mentioned = 0;
            for (size_t j = 0; j < n_m; j++)
                mentioned |= m[j].term == u;
            if (mentioned)
                continue; /* "women and men" -> "men and men" says nothing */
            rc = mo__eval_cf_substitute(t, text, len, m, n_m, from, u, &var);
            if (!rc)
                rc = sc->score(sc->user, item, var.ptr, var.len, fam + n_fam * L, NULL);
            if (rc)
                break;
            member[n_fam] = u;
            res->n_swaps++;
            for (size_t k = 0; k < L && !rc; k++) {
                mo_eval_cf_label *l = &res->labels[k];
                float s0 = fam[k], s1 = fam[n_fam * L + k];
                double d = (double)s1 - (double)s0;
                l->n_swaps++;
                l->sum_abs += fabs(d);
                if (fabs(d) > l->max_abs)
                    l->max_abs = fabs(d);
                l->n_flips += (s0 >= sc->thresholds[k]) != (s1 >= sc->thresholds[k]);
                rc = keep_worst(l, d, s0, s1, from, u, id, text, len, var.ptr, var.len);
            }
            n_fam++;
        }
        if (rc || n_fam < 2)
            continue;
        res->n_families++;
        for (size_t k = 0; k < L; k++) {
            double mean = 0;
            for (size_t j = 0; j < n_fam; j++)
                mean += fam[j * L + k];
            mean /= (double)n_fam;
            for (size_t j = 0; j < n_fam; j++) {
                res->labels[k].term_sum[member[j]] += fam[j * L + k] - mean;
                res->labels[k].term_n[member[j]]++;
            }
        }
    }
    mo__buf_free(&var);
    mo__free(member);
    mo__free(fam);
    return rc;
}

/* ==== Running over a file ==== */

typedef struct cf_ctx {
    const char *path;
    int plain;
    const mo_eval_cf_terms *t;
    const mo_eval_scorer *sc;
    mo_eval_cf_result *res;
    mo_diag *diag;
} cf_ctx;

/* A plain line may start with "<lang>\t" (2 or 3 lower-case letters). */
static size_t lang_prefix(const char *line, size_t len, char *lang)
{
    size_t i = 0;
    while (i < len && i < 3 && line[i] >= 'a' && line[i] <= 'z')
        i++;
    if (i < 2 || i >= len || line[i] != '\t')
        return 0;
    memcpy(lang, line, i);
    lang[i] = '\0';
    return i + 1;
}

static int on_cf_line(void *user, const char *line, size_t len, uint64_t line_no)
{
    cf_ctx *c = user;
    char id[32];
    snprintf(id, sizeof id, "line %llu", (unsigned long long)line_no);
    int rc;
    if (c->plain) {
        if (line[0] == '#')
            return MO_OK;
        char lang[4];
        size_t skip = lang_prefix(line, len, lang);
        rc = mo__eval_cf_add(c->res, c->t, c->sc, NULL, id, line + skip, len - skip,
                             skip ? lang : NULL);
    } else {
        json_error_t e;
        json_t *o = json_loadb(line, len, 0, &e);
        json_t *text = json_object_get(o, "text"), *jid = json_object_get(o, "id");
        json_t *lang = json_object_get(o, "lang");
        if (!json_is_object(o) || !json_is_string(text)) {
            rc = mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, o ? "text" : NULL, "%s",
                              !o                   ? e.text
                              : !json_is_object(o) ? "not a JSON object"
                                                   : "missing or not a string");
            json_decref(o);
            return rc;
        }
        if (json_is_string(jid))
            snprintf(id, sizeof id, "%s", json_string_value(jid));
        else if (json_is_integer(jid))
            snprintf(id, sizeof id, "%lld", (long long)json_integer_value(jid));
        rc = mo__eval_cf_add(c->res, c->t, c->sc, o, id, json_string_value(text),
                             json_string_length(text),
                             json_is_string(lang) ? json_string_value(lang) : NULL);
        json_decref(o);
    }
    if (rc != MO_OK)
        return mo__diag_set(c->diag, rc, c->path, line_no, "text", "cannot be scored: %s",
                            mo_strerror(rc));
    return MO_OK;
}

int mo__eval_cf_run(const char *path, int plain, const mo_eval_cf_terms *t,
                    const mo_eval_scorer *sc, mo_eval_cf_result *res, mo_diag *diag)
{
    if (mo__eval_cf_result_init(res, sc->n_labels, t->n) != MO_OK)
        return mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "out of memory");
    cf_ctx c = {path, plain, t, sc, res, diag};
    return mo__eval_lines(path, on_cf_line, &c, diag);
}

/* ==== Output ==== */

static double r4(double v)
{
    return round(v * 1e4) / 1e4;
}

/* A term and its mean shift, for sorting (largest first, then list order). */
typedef struct term_shift {
    double shift;
    size_t term;
} term_shift;

static int cmp_shift(const void *a, const void *b)
{
    const term_shift *x = a, *y = b;
    if (x->shift != y->shift)
        return x->shift < y->shift ? 1 : -1;
    return (x->term > y->term) - (x->term < y->term);
}

json_t *mo__eval_cf_json(const mo_eval_cf_result *res, const mo_eval_cf_terms *t,
                         const mo_eval_scorer *sc, const char *terms_path)
{
    json_t *labels = json_object();
    json_t *o = json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o}", "terms", terms_path, "n_terms",
                          (json_int_t)t->n, "texts", (json_int_t)res->n_texts, "texts_mentioning",
                          (json_int_t)res->n_mentioned, "families", (json_int_t)res->n_families,
                          "swaps", (json_int_t)res->n_swaps, "labels", labels);
    term_shift *order = mo__malloc((t->n ? t->n : 1) * sizeof *order);
    if (!o || !order) {
        json_decref(o);
        mo__free(order);
        return NULL;
    }
    for (size_t k = 0; k < res->n_labels; k++) {
        const mo_eval_cf_label *l = &res->labels[k];
        json_t *jl = json_object(), *jt = json_array(), *jw = json_array();
        json_object_set_new(labels, sc->labels[k], jl);
        json_object_set_new(jl, "threshold", json_real(r4(sc->thresholds[k])));
        json_object_set_new(jl, "swaps", json_integer((json_int_t)l->n_swaps));
        json_object_set_new(jl, "mean_abs_change",
                            l->n_swaps ? json_real(r4(l->sum_abs / (double)l->n_swaps))
                                       : json_null());
        json_object_set_new(jl, "max_abs_change",
                            l->n_swaps ? json_real(r4(l->max_abs)) : json_null());
        json_object_set_new(jl, "flips", json_integer((json_int_t)l->n_flips));
        json_object_set_new(jl, "flip_rate",
                            l->n_swaps ? json_real(r4((double)l->n_flips / (double)l->n_swaps))
                                       : json_null());
        size_t n = 0;
        for (size_t i = 0; i < t->n; i++) {
            if (!l->term_n[i])
                continue;
            order[n].shift = l->term_sum[i] / (double)l->term_n[i];
            order[n++].term = i;
        }
        qsort(order, n, sizeof *order, cmp_shift);
        for (size_t j = 0; j < n; j++) {
            const mo_eval_cf_term *e = &t->v[order[j].term];
            json_array_append_new(jt, json_pack("{s:s,s:s,s:s,s:s,s:I,s:f}", "term", e->term,
                                                "lang", e->lang, "group", e->group, "form", e->form,
                                                "families", (json_int_t)l->term_n[order[j].term],
                                                "mean_shift", r4(order[j].shift)));
        }
        json_object_set_new(jl, "terms", jt);
        for (size_t w = 0; w < l->n_worst; w++) {
            const mo_eval_cf_pair *p = &l->worst[w];
            json_array_append_new(jw, json_pack("{s:s,s:s,s:s,s:s,s:s,s:f,s:f,s:f}", "id", p->id,
                                                "from", t->v[p->from].term, "to", t->v[p->to].term,
                                                "original", p->orig, "variant", p->variant,
                                                "score_original", r4(p->s_orig), "score_variant",
                                                r4(p->s_var), "change", r4(p->delta)));
        }
        json_object_set_new(jl, "worst", jw);
    }
    mo__free(order);
    return o;
}

static double jnum(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Bytes of s to print for at most max bytes without splitting a character. */
static int utf8_cut(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return (int)n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return (int)max;
}

#define TEXT_TERMS 5 /* terms shown at each end per label */
#define TEXT_WORST 3 /* pairs shown per label */

int mo__eval_cf_text(const json_t *cf, mo_buf *b)
{
    const json_t *labels = json_object_get(cf, "labels");
    int rc = mo__buf_printf(
        b,
        "\n== counterfactual identity check (terms %s: %.0f texts, %.0f mention a term, %.0f "
        "swaps)\n%-12s %7s %9s %9s %7s %9s\n",
        json_string_value(json_object_get(cf, "terms")), jnum(cf, "texts"),
        jnum(cf, "texts_mentioning"), jnum(cf, "swaps"), "label", "swaps", "mean|chg|", "max|chg|",
        "flips", "flip rate");
    const char *name;
    const json_t *jl;
    json_object_foreach((json_t *)labels, name, jl)
    {
        if (rc)
            break;
        if (!jnum(jl, "swaps"))
            continue;
        rc = mo__buf_printf(b, "%-12s %7.0f %9.4f %9.4f %7.0f %9.4f\n", name, jnum(jl, "swaps"),
                            jnum(jl, "mean_abs_change"), jnum(jl, "max_abs_change"),
                            jnum(jl, "flips"), jnum(jl, "flip_rate"));
    }
    json_object_foreach((json_t *)labels, name, jl)
    {
        const json_t *terms = json_object_get(jl, "terms"), *worst = json_object_get(jl, "worst");
        size_t n = json_array_size(terms);
        if (rc || !n)
            continue;
        rc = mo__buf_printf(b, "\n%s: mean shift per term against its family (highest, lowest)\n",
                            name);
        for (size_t j = 0; j < n && !rc; j++) {
            if (j == TEXT_TERMS && n > 2 * TEXT_TERMS) {
                rc = mo__buf_printf(b, "  ...\n");
                j = n - TEXT_TERMS;
            }
            const json_t *e = json_array_get(terms, j);
            rc = mo__buf_printf(b, "  %+8.4f  %-24s %-3s %5.0f families\n", jnum(e, "mean_shift"),
                                json_string_value(json_object_get(e, "term")),
                                json_string_value(json_object_get(e, "lang")), jnum(e, "families"));
        }
        for (size_t w = 0; w < json_array_size(worst) && w < TEXT_WORST && !rc; w++) {
            const json_t *p = json_array_get(worst, w);
            const char *a = json_string_value(json_object_get(p, "original"));
            const char *v = json_string_value(json_object_get(p, "variant"));
            rc = mo__buf_printf(b, "  worst %+.4f (%.4f -> %.4f) %s: \"%.*s\" -> \"%.*s\"\n",
                                jnum(p, "change"), jnum(p, "score_original"),
                                jnum(p, "score_variant"),
                                json_string_value(json_object_get(p, "id")), utf8_cut(a, 100), a,
                                utf8_cut(v, 100), v);
        }
    }
    return rc;
}
