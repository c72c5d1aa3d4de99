/*
 * detect.c -- the detector layer's entry points: loading and compiling the
 * list directory, the fixed signal table, per-thread scratch and
 * mo__detect_run, which calls each detector (lexicon.c, pii.c, url.c,
 * spam.c) on one text. Uses base and text.
 */
#include "detect/detect_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const fixed_names[MO__DSIG_N] = {
    "pii.email",       "pii.phone",       "pii.card",         "pii.iban",           "pii.address",
    "url.count",       "url.blocklisted", "url.shortener",    "spam.crypto_wallet", "spam.invite",
    "spam.caps_ratio", "spam.repetition", "spam.emoji_ratio",
};

/* ==== Domain sets ==== */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads a domain list: one lowercase domain per line, '#' comments. */
static int domains_load(mo__domains *d, const char *path, mo_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mo__diag_set(diag, MO_EIO, path, 0, "", "cannot open domain list: %s",
                            strerror(errno));
    char line[512];
    uint64_t lineno = 0;
    size_t cap = 0;
    int rc = MO_OK;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t l = strcspn(line, "\r\n#");
        while (l && (line[l - 1] == ' ' || line[l - 1] == '\t'))
            l--;
        size_t s = 0;
        while (s < l && (line[s] == ' ' || line[s] == '\t'))
            s++;
        if (s == l)
            continue;
        for (size_t i = s; i < l; i++) {
            char ch = line[i];
            if (ch >= 'A' && ch <= 'Z')
                line[i] = (char)(ch - 'A' + 'a');
            else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' ||
                       ch == '-')) {
                rc = mo__diag_set(diag, MO_EPARSE, path, lineno, "domain",
                                  "a domain has only letters, digits, '.' and '-'");
                goto done;
            }
        }
        if (d->n == cap) {
            cap = cap ? 2 * cap : 32;
            char **v = mo__realloc(d->v, cap * sizeof *v);
            if (!v) {
                rc = MO_ENOMEM;
                goto done;
            }
            d->v = v;
        }
        if (!(d->v[d->n] = mo__strndup(line + s, l - s))) {
            rc = MO_ENOMEM;
            goto done;
        }
        d->n++;
    }
    if (d->n)
        qsort(d->v, d->n, sizeof *d->v, cmp_str);
done:
    fclose(f);
    return rc;
}

static void domains_free(mo__domains *d)
{
    for (size_t i = 0; i < d->n; i++)
        mo__free(d->v[i]);
    mo__free(d->v);
}

static bool domains_exact(const mo__domains *d, const char *dom, size_t len)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = strncmp(d->v[mid], dom, len);
        if (r == 0 && d->v[mid][len] != '\0')
            r = 1;
        if (r == 0)
            return true;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

/* True when dom (lowercase) or one of its parent domains is in d. */
bool mo__domains_has(const mo__domains *d, const char *dom, size_t len)
{
    for (;;) {
        if (domains_exact(d, dom, len))
            return true;
        const char *dot = memchr(dom, '.', len);
        if (!dot)
            return false;
        len -= (size_t)(dot + 1 - dom);
        dom = dot + 1;
    }
}

/* ==== Configuration ==== */

void mo__detect_config_free(mo_detect_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n_cats; i++)
        mo__free(c->cats[i]);
    mo__free(c->cats);
    for (size_t i = 0; i < c->n_signals; i++)
        mo__free(c->signals[i]);
    mo__free(c->signals);
    for (size_t i = 0; i < c->n_files; i++)
        mo__free(c->files[i]);
    mo__free(c->files);
    for (size_t i = 0; i < c->n_terms; i++)
        mo__free(c->terms[i].text);
    mo__free(c->terms);
    for (size_t i = 0; i < c->n_pats; i++)
        mo__free(c->pats[i].norm);
    mo__free(c->pats);
    hs_free_database(c->db);
    domains_free(&c->block);
    domains_free(&c->allow);
    domains_free(&c->shorteners);
    mo__free(c);
}

/* Category of a "<category>.<lang>.txt" name into cat (NUL-terminated), or
 * false when the name has another shape. */
static bool split_name(const char *name, char *cat, size_t cat_cap)
{
    size_t l = strlen(name);
    if (l < 4 || strcmp(name + l - 4, ".txt") != 0)
        return false;
    const char *dot = strchr(name, '.');
    if (dot == name + l - 4 || (size_t)(dot - name) >= cat_cap)
        return false; /* no language part */
    for (const char *p = name; p < dot; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    const char *lang = dot + 1;
    if (strchr(lang, '.') != name + l - 4)
        return false;
    memcpy(cat, name, (size_t)(dot - name));
    cat[dot - name] = '\0';
    return true;
}

static int add_string(char ***v, size_t *n, const char *s)
{
    char **nv = mo__realloc(*v, (*n + 1) * sizeof *nv);
    if (!nv)
        return MO_ENOMEM;
    *v = nv;
    if (!(nv[*n] = mo__strndup(s, strlen(s))))
        return MO_ENOMEM;
    (*n)++;
    return MO_OK;
}

int mo__detect_config_load(const char *lexicon_dir, mo_detect_config **out, mo_diag *diag)
{
    *out = NULL;
    if (!lexicon_dir)
        return mo__diag_set(diag, MO_EINVAL, "", 0, "", "no lexicon directory given");
    mo_detect_config *c = mo__calloc(1, sizeof *c);
    mo_normalizer *n = NULL;
    char **names = NULL;
    size_t n_names = 0;
    char path[4096];
    int rc = MO_ENOMEM;
    if (!c || mo_normalizer_new(&n) != MO_OK)
        goto fail;
    DIR *d = opendir(lexicon_dir);
    if (!d) {
        rc = mo__diag_set(diag, MO_EIO, lexicon_dir, 0, "", "cannot open lexicon directory: %s",
                          strerror(errno));
        goto fail;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0 && de->d_name[0] != '.' &&
            add_string(&names, &n_names, de->d_name) != MO_OK) {
            closedir(d);
            goto fail;
        }
    }
    closedir(d);
    if (n_names)
        qsort(names, n_names, sizeof *names, cmp_str);
    /* Categories first (sorted, since names are), so signal indices are stable. */
    char cat[64];
    for (size_t i = 0; i < n_names; i++) {
        if (strncmp(names[i], "domains.", 8) == 0 || !split_name(names[i], cat, sizeof cat))
            continue;
        if (c->n_cats && strcmp(c->cats[c->n_cats - 1], cat) == 0)
            continue;
        bool seen = false;
        for (size_t j = 0; j < c->n_cats; j++)
            seen = seen || strcmp(c->cats[j], cat) == 0;
        if (!seen && add_string(&c->cats, &c->n_cats, cat) != MO_OK)
            goto fail;
    }
    if (c->n_cats)
        qsort(c->cats, c->n_cats, sizeof *c->cats, cmp_str);
    for (size_t i = 0; i < n_names; i++) {
        const char *nm = names[i];
        if ((size_t)snprintf(path, sizeof path, "%s/%s", lexicon_dir, nm) >= sizeof path) {
            rc = mo__diag_set(diag, MO_EINVAL, nm, 0, "", "path too long");
            goto fail;
        }
        if (strcmp(nm, "domains.block.txt") == 0)
            rc = domains_load(&c->block, path, diag);
        else if (strcmp(nm, "domains.allow.txt") == 0)
            rc = domains_load(&c->allow, path, diag);
        else if (strcmp(nm, "domains.shorteners.txt") == 0)
            rc = domains_load(&c->shorteners, path, diag);
        else {
            enum mo__term_kind kind = MO__TERM_LEX;
            uint32_t ci = 0;
            if (strcmp(nm, "allow.txt") == 0)
                kind = MO__TERM_ALLOW;
            else if (strcmp(nm, "invite.txt") == 0)
                kind = MO__TERM_INVITE;
            else if (split_name(nm, cat, sizeof cat) && strncmp(nm, "domains.", 8) != 0) {
                while (strcmp(c->cats[ci], cat) != 0)
                    ci++;
            } else {
                rc = mo__diag_set(diag, MO_EPARSE, path, 0, "file",
                                  "unknown list file name (want <category>.<lang>.txt, "
                                  "allow.txt, invite.txt or domains.{block,allow,shorteners}.txt)");
                goto fail;
            }
            if (add_string(&c->files, &c->n_files, nm) != MO_OK) {
                rc = MO_ENOMEM;
                goto fail;
            }
            rc = mo__lex_add_file(c, n, path, nm, kind, ci, diag);
        }
        if (rc != MO_OK)
            goto fail;
    }
    rc = mo__lex_compile(c, diag);
    if (rc != MO_OK)
        goto fail;
    char name[96];
    for (size_t i = 0; i < c->n_cats; i++) {
        snprintf(name, sizeof name, "lex.%s", c->cats[i]);
        if (add_string(&c->signals, &c->n_signals, name) != MO_OK)
            goto nomem;
        snprintf(name, sizeof name, "lex.%s.max_severity", c->cats[i]);
        if (add_string(&c->signals, &c->n_signals, name) != MO_OK)
            goto nomem;
    }
    for (size_t i = 0; i < MO__DSIG_N; i++)
        if (add_string(&c->signals, &c->n_signals, fixed_names[i]) != MO_OK)
            goto nomem;
    for (size_t i = 0; i < n_names; i++)
        mo__free(names[i]);
    mo__free(names);
    mo_normalizer_free(n);
    *out = c;
    return MO_OK;
nomem:
    rc = MO_ENOMEM;
fail:
    if (rc == MO_ENOMEM)
        mo__diag_set(diag, MO_ENOMEM, lexicon_dir, 0, "", "out of memory loading lists");
    for (size_t i = 0; i < n_names; i++)
        mo__free(names[i]);
    mo__free(names);
    mo_normalizer_free(n);
    mo__detect_config_free(c);
    return rc;
}

size_t mo__detect_n_signals(const mo_detect_config *c)
{
    return c->n_signals;
}

const char *mo__detect_signal_name(const mo_detect_config *c, size_t i)
{
    return i < c->n_signals ? c->signals[i] : NULL;
}

long mo__detect_signal_index(const mo_detect_config *c, const char *name)
{
    for (size_t i = 0; i < c->n_signals; i++)
        if (strcmp(c->signals[i], name) == 0)
            return (long)i;
    return -1;
}

int mo__detect_term(const mo_detect_config *c, uint32_t id, const char **term, const char **file,
                    int *severity)
{
    if (id == 0 || id > c->n_terms)
        return MO_ENOTFOUND;
    const mo__term *t = &c->terms[id - 1];
    if (term)
        *term = t->text;
    if (file)
        *file = c->files[t->file];
    if (severity)
        *severity = t->severity;
    return MO_OK;
}

/* ==== Scratch and run ==== */

int mo__detect_scratch_new(const mo_detect_config *c, mo_detect_scratch **out)
{
    *out = NULL;
    mo_detect_scratch *s = mo__calloc(1, sizeof *s);
    if (!s)
        return MO_ENOMEM;
    s->c = c;
    if (c->db && hs_alloc_scratch(c->db, &s->hs) != HS_SUCCESS) {
        mo__free(s);
        return MO_ENOMEM;
    }
    *out = s;
    return MO_OK;
}

void mo__detect_scratch_free(mo_detect_scratch *s)
{
    if (!s)
        return;
    hs_free_scratch(s->hs);
    mo_normalizer_free(s->norm);
    mo__free(s->ubuf);
    mo__free(s->umap);
    mo__free(s->sq_text);
    mo__free(s->sq_map);
    mo__free(s);
}

void mo__detect_emit(mo_detect_scratch *s, uint32_t signal, uint32_t start, uint32_t end,
                     uint32_t list_id)
{
    if (s->n_ev == MO_DETECT_MAX_EVIDENCE) {
        s->n_dropped++;
        return;
    }
    s->ev[s->n_ev++] = (mo_evidence){start, end, signal, list_id};
}

size_t mo__detect_n_dropped(const mo_detect_scratch *s)
{
    return s->n_dropped;
}

int mo__detect_run(const mo_detect_config *c, mo_detect_scratch *s, const char *text, size_t len,
                   const mo_norm_view *view, double *values, const mo_evidence **ev, size_t *n_ev)
{
    if (!c || !s || s->c != c || (!text && len) || !values || !ev || !n_ev)
        return MO_EINVAL;
    *ev = NULL;
    *n_ev = 0;
    if (len > MO_TEXT_MAX_BYTES)
        return MO_ELIMIT;
    if (!text)
        text = "";
    s->n_ev = 0;
    s->n_dropped = 0;
    for (size_t i = 0; i < c->n_signals; i++)
        values[i] = 0;
    int rc;
    if (!view) {
        if (!s->norm && (rc = mo_normalizer_new(&s->norm)) != MO_OK)
            return rc;
        if ((rc = mo_normalize(s->norm, text, len, &view)) != MO_OK)
            return rc;
    }
    if ((rc = mo__lex_run(c, s, text, view, len, values)) != MO_OK)
        return rc;
    mo__pii_run(c, s, text, len, values);
    if ((rc = mo__url_run(c, s, text, len, values)) != MO_OK)
        return rc;
    mo__spam_run(c, s, text, len, view, values);
    /* Evidence by start, then end (insertion sort: few and nearly sorted). */
    for (size_t i = 1; i < s->n_ev; i++) {
        mo_evidence e = s->ev[i];
        size_t j = i;
        while (j > 0 && (s->ev[j - 1].start > e.start ||
                         (s->ev[j - 1].start == e.start && s->ev[j - 1].end > e.end))) {
            s->ev[j] = s->ev[j - 1];
            j--;
        }
        s->ev[j] = e;
    }
    *ev = s->ev;
    *n_ev = s->n_ev;
    return MO_OK;
}
