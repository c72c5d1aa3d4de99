/*
 * gate.c -- regression gates: compares a current `moderato eval --json`
 * document with a baseline one under a gate file ({"gates":[...]}, JSON since
 * libyaml is not a dependency yet) and lists every checked cell, marking the
 * ones whose drop (or increase) exceeds the gate's tolerance.
 */
#include "eval/eval.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct gate_ctx {
    mo_eval_gate_row *rows;
    size_t n, cap, n_failed;
} gate_ctx;

static double num_or_nan(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* "*" or an exact name in a JSON array of strings (NULL array = "*"). */
static int name_matches(const json_t *list, const char *name)
{
    if (!list)
        return 1;
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        const char *s = json_string_value(v);
        if (s && (!strcmp(s, "*") || !strcmp(s, name)))
            return 1;
    }
    return 0;
}

static int add_row(gate_ctx *c, const char *metric, const char *group, const char *label,
                   double base, double now, int drop, double tol)
{
    if (isnan(base))
        return MO_OK; /* nothing to compare against */
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        mo_eval_gate_row *r = mo__realloc(c->rows, cap * sizeof *r);
        if (!r)
            return MO_ENOMEM;
        c->rows = r;
        c->cap = cap;
    }
    mo_eval_gate_row *r = &c->rows[c->n++];
    memset(r, 0, sizeof *r);
    snprintf(r->metric, sizeof r->metric, "%s", metric);
    snprintf(r->group, sizeof r->group, "%s", group);
    snprintf(r->label, sizeof r->label, "%s", label);
    r->baseline = base;
    r->now = now;
    r->change = drop ? base - now : now - base;
    r->tolerance = tol;
    /* A small epsilon absorbs the 4-decimal rounding of --json numbers. */
    r->failed = isnan(now) || r->change > tol + 1e-9;
    c->n_failed += (size_t)r->failed;
    return MO_OK;
}

int mo__eval_gate_check(const json_t *gates, const json_t *baseline, const json_t *current,
                        mo_eval_gate_row **rows, size_t *n_rows, size_t *n_failed, mo_diag *diag)
{
    gate_ctx c = {0};
    *rows = NULL;
    *n_rows = *n_failed = 0;
    const json_t *list = json_object_get(gates, "gates");
    if (!json_is_array(list))
        return mo__diag_set(diag, MO_EPARSE, "gates", 0, "gates", "missing or not an array");
    size_t gi;
    json_t *g;
    int rc = MO_OK;
    json_array_foreach(list, gi, g)
    {
        const char *metric = json_string_value(json_object_get(g, "metric"));
        const json_t *labels = json_object_get(g, "labels");
        const json_t *slices = json_object_get(g, "slices");
        const char *group = json_string_value(json_object_get(g, "group"));
        const json_t *jdrop = json_object_get(g, "max_drop");
        const json_t *jinc = json_object_get(g, "max_increase");
        if (!metric || !*metric) {
            rc = mo__diag_set(diag, MO_EPARSE, "gates", gi + 1, "metric",
                              "gate %zu: missing or not a string", gi + 1);
            goto fail;
        }
        if (json_is_number(jdrop) == json_is_number(jinc)) {
            rc = mo__diag_set(diag, MO_EPARSE, "gates", gi + 1, "max_drop",
                              "gate %zu (%s): give exactly one of max_drop, max_increase", gi + 1,
                              metric);
            goto fail;
        }
        if ((labels && !json_is_array(labels)) || (slices && !json_is_array(slices))) {
            rc = mo__diag_set(diag, MO_EPARSE, "gates", gi + 1, "labels",
                              "gate %zu (%s): labels/slices must be arrays of names", gi + 1,
                              metric);
            goto fail;
        }
        int drop = json_is_number(jdrop);
        double tol = json_number_value(drop ? jdrop : jinc);
        if (!group)
            group = "all";
        if (!strncmp(metric, "fairness.", 9)) {
            const char *field = metric + 9;
            const json_t *bf = json_object_get(baseline, "fairness");
            const json_t *cf = json_object_get(current, "fairness");
            const char *slice, *label;
            json_t *bs, *bl;
            json_object_foreach((json_t *)bf, slice, bs)
            {
                if (!name_matches(slices, slice))
                    continue;
                const json_t *cs = json_object_get(json_object_get(cf, slice), "labels");
                json_object_foreach(json_object_get(bs, "labels"), label, bl)
                {
                    if (!name_matches(labels, label))
                        continue;
                    char name[64];
                    snprintf(name, sizeof name, "%s/%s", slice, label);
                    double now = num_or_nan(json_object_get(json_object_get(cs, label), field));
                    rc = add_row(&c, metric, "all", name, num_or_nan(json_object_get(bl, field)),
                                 now, drop, tol);
                    if (rc != MO_OK)
                        goto fail;
                }
            }
            continue;
        }
        const json_t *bg = json_object_get(baseline, "groups");
        const json_t *cg = json_object_get(current, "groups");
        const char *gname, *label;
        json_t *bgv, *bl;
        json_object_foreach((json_t *)bg, gname, bgv)
        {
            if (strcmp(group, "*") && strcmp(group, gname))
                continue;
            const json_t *cgv = json_object_get(cg, gname);
            if (!strncmp(metric, "macro_", 6) || !strncmp(metric, "micro_", 6)) {
                rc = add_row(&c, metric, gname, "-", num_or_nan(json_object_get(bgv, metric)),
                             num_or_nan(json_object_get(cgv, metric)), drop, tol);
                if (rc != MO_OK)
                    goto fail;
                continue;
            }
            const json_t *cl = json_object_get(cgv, "labels");
            json_object_foreach(json_object_get(bgv, "labels"), label, bl)
            {
                if (!name_matches(labels, label))
                    continue;
                double now = num_or_nan(json_object_get(json_object_get(cl, label), metric));
                rc = add_row(&c, metric, gname, label, num_or_nan(json_object_get(bl, metric)), now,
                             drop, tol);
                if (rc != MO_OK)
                    goto fail;
            }
        }
    }
    *rows = c.rows;
    *n_rows = c.n;
    *n_failed = c.n_failed;
    return MO_OK;
fail:
    mo__free(c.rows);
    return rc;
}
