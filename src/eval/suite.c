/*
 * suite.c -- the functional test suite runner shared by `moderato suite run`
 * and `moderato eval --suite` (docs/SUITE.md): reads a suite file (JSON Lines,
 * one case per line), scores every case with a caller's scorer (a bare model
 * or the full engine, see mo_eval_scorer) and counts passes per
 * functionality, per language and per (functionality, language) cell. A case
 * passes when every label it asserts has flag (score >= threshold) equal to
 * the expected 0/1. Also holds mo__eval_lines, the line reader of the eval
 * layer's file inputs. May use base and jansson.
 */
#include "eval/eval.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Lines ==== */

int mo__eval_lines(const char *path,
                   int (*fn)(void *user, const char *line, size_t len, uint64_t line_no),
                   void *user, mo_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: cannot open: %s", path,
                            strerror(errno));
    /* getline allocates with the C library's malloc: freed with free(). */
    char *line = NULL;
    size_t cap = 0;
    uint64_t line_no = 0;
    int rc = MO_OK;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0) {
        line_no++;
        size_t n = (size_t)got;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (!n)
            continue;
        if ((rc = fn(user, line, n, line_no)) != MO_OK)
            break;
    }
    if (rc == MO_OK && ferror(f))
        rc = mo__diag_set(diag, MO_EIO, path, line_no, NULL, "%s: read error", path);
    free(line);
    fclose(f);
    return rc;
}

/* ==== Rows ==== */

/* Returns the row (name, lang) of *rows, adding it when new; NULL on OOM. */
static mo_eval_suite_row *row_get(mo_eval_suite_row **rows, size_t *n, size_t *cap,
                                  const char *name, const char *lang, int with_failures)
{
    for (size_t i = 0; i < *n; i++) {
        mo_eval_suite_row *r = &(*rows)[i];
        if (!strcmp(r->name, name) && (!lang || !strcmp(r->lang, lang)))
            return r;
    }
    if (mo__grow((void **)rows, cap, *n + 1, sizeof **rows, 16) != MO_OK)
        return NULL;
    mo_eval_suite_row *r = &(*rows)[*n];
    memset(r, 0, sizeof *r);
    r->name = mo__strndup(name, strlen(name));
    r->lang = lang ? mo__strndup(lang, strlen(lang)) : NULL;
    r->failures = with_failures ? json_array() : NULL;
    if (!r->name || (lang && !r->lang) || (with_failures && !r->failures)) {
        mo__free(r->name);
        mo__free(r->lang);
        json_decref(r->failures);
        return NULL;
    }
    (*n)++;
    return r;
}

static void rows_free(mo_eval_suite_row *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mo__free(rows[i].name);
        mo__free(rows[i].lang);
        json_decref(rows[i].failures);
    }
    mo__free(rows);
}

void mo__eval_suite_free(mo_eval_suite *r)
{
    if (!r)
        return;
    rows_free(r->funcs, r->n_funcs);
    rows_free(r->langs, r->n_langs);
    rows_free(r->cells, r->n_cells);
    mo__free(r);
}

double mo__eval_suite_accuracy(size_t passed, size_t cases)
{
    return cases ? (double)passed / (double)cases : 0.0;
}

/* ==== Running ==== */

typedef struct run_ctx {
    const char *path;
    const mo_eval_scorer *sc;
    mo_eval_suite *r;
    float *scores; /* (n_labels) */
    mo_diag *diag;
} run_ctx;

/* Scores one case: *pass (OUT) 1 or 0; *fail (OUT, may stay NULL) the failure
 * record when the case failed and one is wanted. */
static int run_case(run_ctx *c, json_t *o, uint64_t line_no, int want_fail, int *pass,
                    json_t **fail)
{
    json_t *text = json_object_get(o, "text");
    json_t *labels = json_object_get(o, "labels");
    if (!json_is_string(text) || !json_is_object(labels))
        return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no,
                            !json_is_string(text) ? "text" : "labels", "missing or wrong type");
    int rc = c->sc->score(c->sc->user, o, json_string_value(text), json_string_length(text),
                          c->scores, c->diag);
    if (rc != MO_OK) {
        char why[sizeof c->diag->msg];
        snprintf(why, sizeof why, "%s", c->diag && c->diag->msg[0] ? c->diag->msg : "");
        return mo__diag_set(c->diag, rc, c->path, line_no, "text", "cannot be scored: %s",
                            why[0] ? why : mo_strerror(rc));
    }
    const char *key;
    json_t *val;
    json_t *wrong = NULL;
    *pass = 1;
    json_object_foreach(labels, key, val)
    {
        if (!json_is_integer(val) ||
            (json_integer_value(val) != 0 && json_integer_value(val) != 1)) {
            json_decref(wrong);
            return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, key,
                                "labels.%s: expected 0 or 1", key);
        }
        size_t k = 0;
        while (k < c->sc->n_labels && strcmp(c->sc->labels[k], key))
            k++;
        if (k == c->sc->n_labels) {
            json_decref(wrong);
            return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, key,
                                "labels.%s: the model has no such label", key);
        }
        float thr = c->sc->thresholds[k];
        int flag = c->scores[k] >= thr;
        if (flag == (int)json_integer_value(val))
            continue;
        *pass = 0;
        if (!want_fail)
            continue;
        if (!wrong && !(wrong = json_object()))
            return MO_ENOMEM;
        json_object_set_new(wrong, key,
                            json_pack("{s:I,s:f,s:f}", "expected", json_integer_value(val), "score",
                                      (double)c->scores[k], "threshold", (double)thr));
    }
    if (!*pass && want_fail) {
        *fail = json_pack("{s:O?,s:O,s:o}", "id", json_object_get(o, "id"), "text", text, "wrong",
                          wrong ? wrong : json_object());
        if (!*fail)
            return MO_ENOMEM;
    } else {
        json_decref(wrong);
    }
    return MO_OK;
}

static int on_line(void *user, const char *line, size_t len, uint64_t line_no)
{
    run_ctx *c = user;
    mo_eval_suite *r = c->r;
    json_error_t jerr;
    json_t *o = json_loadb(line, len, 0, &jerr);
    if (!json_is_object(o)) {
        json_decref(o);
        return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, NULL, "not a JSON object");
    }
    json_t *fn = json_object_get(o, "functionality");
    json_t *jl = json_object_get(o, "lang");
    if (!json_is_string(fn)) {
        json_decref(o);
        return mo__diag_set(c->diag, MO_EPARSE, c->path, line_no, "functionality",
                            "missing or not a string");
    }
    const char *lang = json_is_string(jl) ? json_string_value(jl) : "?";
    mo_eval_suite_row *bf =
        row_get(&r->funcs, &r->n_funcs, &r->cap_funcs, json_string_value(fn), NULL, 1);
    mo_eval_suite_row *bl = row_get(&r->langs, &r->n_langs, &r->cap_langs, lang, NULL, 0);
    mo_eval_suite_row *bc =
        row_get(&r->cells, &r->n_cells, &r->cap_cells, json_string_value(fn), lang, 0);
    if (!bf || !bl || !bc) {
        json_decref(o);
        return mo__diag_set(c->diag, MO_ENOMEM, c->path, line_no, NULL, "out of memory");
    }
    int pass = 0;
    json_t *fail = NULL;
    int want = json_array_size(bf->failures) < r->max_failures;
    int rc = run_case(c, o, line_no, want, &pass, &fail);
    json_decref(o);
    if (rc != MO_OK)
        return rc;
    if (fail)
        json_array_append_new(bf->failures, fail);
    r->n_cases++;
    bf->n_cases++;
    bl->n_cases++;
    bc->n_cases++;
    r->n_passed += (size_t)pass;
    bf->n_passed += (size_t)pass;
    bl->n_passed += (size_t)pass;
    bc->n_passed += (size_t)pass;
    return MO_OK;
}

int mo__eval_suite_run(const char *path, const mo_eval_scorer *sc, size_t max_failures,
                       mo_eval_suite **out, mo_diag *diag)
{
    *out = NULL;
    mo_eval_suite *r = mo__calloc(1, sizeof *r);
    float *scores = mo__calloc(sc->n_labels + 1, sizeof *scores);
    if (!r || !scores) {
        mo__free(r);
        mo__free(scores);
        return mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "out of memory");
    }
    r->max_failures = max_failures;
    run_ctx c = {path, sc, r, scores, diag};
    int rc = mo__eval_lines(path, on_line, &c, diag);
    mo__free(scores);
    if (rc != MO_OK) {
        mo__eval_suite_free(r);
        return rc;
    }
    *out = r;
    return MO_OK;
}

/* ==== Output ==== */

static json_t *row_json(const mo_eval_suite_row *b)
{
    return json_pack("{s:I,s:I,s:f}", "cases", (json_int_t)b->n_cases, "passed",
                     (json_int_t)b->n_passed, "accuracy",
                     mo__eval_suite_accuracy(b->n_passed, b->n_cases));
}

json_t *mo__eval_suite_json(const mo_eval_suite *r)
{
    json_t *funcs = json_object(), *langs = json_object();
    json_t *o = json_pack("{s:I,s:I,s:f,s:o,s:o}", "cases", (json_int_t)r->n_cases, "passed",
                          (json_int_t)r->n_passed, "accuracy",
                          mo__eval_suite_accuracy(r->n_passed, r->n_cases), "functionality", funcs,
                          "lang", langs);
    if (!o)
        return NULL;
    for (size_t i = 0; i < r->n_funcs; i++) {
        json_t *b = row_json(&r->funcs[i]), *bl = json_object();
        if (!b || !bl) {
            json_decref(b);
            json_decref(bl);
            json_decref(o);
            return NULL;
        }
        for (size_t j = 0; j < r->n_cells; j++)
            if (!strcmp(r->cells[j].name, r->funcs[i].name))
                json_object_set_new(bl, r->cells[j].lang, row_json(&r->cells[j]));
        json_object_set_new(b, "lang", bl);
        if (r->max_failures)
            json_object_set(b, "failures", r->funcs[i].failures);
        json_object_set_new(funcs, r->funcs[i].name, b);
    }
    for (size_t i = 0; i < r->n_langs; i++)
        json_object_set_new(langs, r->langs[i].name, row_json(&r->langs[i]));
    return o;
}

static int table_text(mo_buf *b, const char *title, const mo_eval_suite_row *rows, size_t n)
{
    int rc = mo__buf_printf(b, "%-26s %7s %7s %9s\n", title, "cases", "passed", "accuracy");
    for (size_t i = 0; i < n && !rc; i++)
        rc = mo__buf_printf(b, "%-26s %7zu %7zu %9.4f\n", rows[i].name, rows[i].n_cases,
                            rows[i].n_passed,
                            mo__eval_suite_accuracy(rows[i].n_passed, rows[i].n_cases));
    return rc ? rc : mo__buf_printf(b, "\n");
}

/* The functionality x language accuracy table ("-" for an empty cell). */
static int cross_text(mo_buf *b, const mo_eval_suite *r)
{
    int rc = mo__buf_printf(b, "%-26s", "accuracy by lang");
    for (size_t l = 0; l < r->n_langs && !rc; l++)
        rc = mo__buf_printf(b, " %7s", r->langs[l].name);
    rc = rc ? rc : mo__buf_printf(b, "\n");
    for (size_t i = 0; i < r->n_funcs && !rc; i++) {
        rc = mo__buf_printf(b, "%-26s", r->funcs[i].name);
        for (size_t l = 0; l < r->n_langs && !rc; l++) {
            const mo_eval_suite_row *cell = NULL;
            for (size_t j = 0; j < r->n_cells && !cell; j++)
                if (!strcmp(r->cells[j].name, r->funcs[i].name) &&
                    !strcmp(r->cells[j].lang, r->langs[l].name))
                    cell = &r->cells[j];
            if (cell)
                rc = mo__buf_printf(b, " %7.3f",
                                    mo__eval_suite_accuracy(cell->n_passed, cell->n_cases));
            else
                rc = mo__buf_printf(b, " %7s", "-");
        }
        rc = rc ? rc : mo__buf_printf(b, "\n");
    }
    return rc ? rc : mo__buf_printf(b, "\n");
}

int mo__eval_suite_text(const mo_eval_suite *r, mo_buf *b)
{
    int rc = table_text(b, "functionality", r->funcs, r->n_funcs);
    rc = rc ? rc : table_text(b, "lang", r->langs, r->n_langs);
    if (!rc && r->n_langs > 1)
        rc = cross_text(b, r);
    rc = rc ? rc
            : mo__buf_printf(b, "overall: %zu cases, %zu passed, accuracy %.4f\n", r->n_cases,
                             r->n_passed, mo__eval_suite_accuracy(r->n_passed, r->n_cases));
    for (size_t i = 0; i < r->n_funcs && r->max_failures && !rc; i++) {
        size_t nf = json_array_size(r->funcs[i].failures);
        if (!nf)
            continue;
        rc = mo__buf_printf(b, "\nfailures: %s (%zu shown of %zu)\n", r->funcs[i].name, nf,
                            r->funcs[i].n_cases - r->funcs[i].n_passed);
        for (size_t k = 0; k < nf && !rc; k++) {
            char *s = json_dumps(json_array_get(r->funcs[i].failures, k),
                                 JSON_COMPACT | JSON_REAL_PRECISION(4));
            rc = s ? mo__buf_printf(b, "  %s\n", s) : MO_ENOMEM;
            free(s); /* jansson's allocator */
        }
    }
    return rc;
}
