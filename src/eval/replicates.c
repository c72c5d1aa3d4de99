/*
 * replicates.c -- the per-resample bootstrap values that `moderato eval --json`
 * records (groups.<g>.replicates), so that `--compare A.json B.json` can run a
 * paired bootstrap without the scores: the same seed, resample count and data
 * resample the same items in every round, so replicate r of run A and
 * replicate r of run B are one paired sample, and the percentiles of (B - A)
 * over the rounds say whether a difference is significant. Values are stored
 * compactly (3 characters each, 4 decimals). Uses base and jansson.
 */
#include "eval/eval.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
#define REP_UNDEF 262143u /* "___" */

int mo__eval_replicates_encode(const double *v, size_t r, mo_buf *out)
{
    int rc = mo__buf_reserve(out, 3 * r);
    if (rc)
        return rc;
    for (size_t i = 0; i < r; i++) {
        unsigned x = REP_UNDEF;
        if (!isnan(v[i])) {
            double c = v[i] < 0 ? 0 : v[i] > 1 ? 1 : v[i];
            x = (unsigned)lround(c * MO_EVAL_REP_SCALE);
        }
        char t[3] = {b64[x >> 12 & 63], b64[x >> 6 & 63], b64[x & 63]};
        if ((rc = mo__buf_append(out, t, 3)))
            return rc;
    }
    return MO_OK;
}

static int b64_val(char c)
{
    const char *p = c ? strchr(b64, c) : NULL;
    return p ? (int)(p - b64) : -1;
}

int mo__eval_replicates_decode(const char *s, size_t len, double *v, size_t r)
{
    if (len != 3 * r)
        return MO_EPARSE;
    for (size_t i = 0; i < r; i++) {
        int a = b64_val(s[3 * i]), b = b64_val(s[3 * i + 1]), c = b64_val(s[3 * i + 2]);
        if (a < 0 || b < 0 || c < 0)
            return MO_EPARSE;
        unsigned x = (unsigned)a << 12 | (unsigned)b << 6 | (unsigned)c;
        if (x == REP_UNDEF)
            v[i] = NAN;
        else if (x > (unsigned)MO_EVAL_REP_SCALE)
            return MO_EPARSE;
        else
            v[i] = (double)x / MO_EVAL_REP_SCALE;
    }
    return MO_OK;
}

json_t *mo__eval_replicates_json(const char *const *label_names, size_t n_labels,
                                 const double *reps, unsigned n_resamples)
{
    json_t *o = json_object();
    mo_buf b = {0};
    if (!o)
        return NULL;
    for (size_t k = 0; k < n_labels; k++) {
        const double *lv = reps + k * MO_EVAL_N_METRICS * (size_t)n_resamples;
        size_t defined = 0;
        for (size_t i = 0; i < MO_EVAL_N_METRICS * (size_t)n_resamples; i++)
            defined += !isnan(lv[i]);
        if (!defined)
            continue;
        json_t *jl = json_object();
        if (!jl || json_object_set_new(o, label_names[k], jl))
            goto oom;
        for (int q = 0; q < MO_EVAL_N_METRICS; q++) {
            b.len = 0;
            if (mo__eval_replicates_encode(lv + (size_t)q * n_resamples, n_resamples, &b))
                goto oom;
            json_t *str = json_stringn(b.ptr ? b.ptr : "", b.len);
            if (!str || json_object_set_new(jl, mo__eval_metric_names[q], str))
                goto oom;
        }
    }
    mo__buf_free(&b);
    return o;
oom:
    mo__buf_free(&b);
    json_decref(o);
    return NULL;
}

static const char *jstr(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int mo__eval_pairable(const json_t *a, const json_t *b, char *why, size_t why_len)
{
    const json_t *ba = json_object_get(a, "bootstrap"), *bb = json_object_get(b, "bootstrap");
    const char *ea = jstr(ba, "replicates"), *eb = jstr(bb, "replicates");
    if (!ea || !eb || strcmp(ea, MO_EVAL_REP_ENCODING) || strcmp(eb, MO_EVAL_REP_ENCODING)) {
        snprintf(why, why_len,
                 "%s no bootstrap replicates (made with --bootstrap 0, --no-replicates or an "
                 "older moderato)",
                 !ea && !eb ? "neither run has"
                 : !ea      ? "run A has"
                            : "run B has");
        return 0;
    }
    json_int_t sa = json_integer_value(json_object_get(ba, "seed"));
    json_int_t sb = json_integer_value(json_object_get(bb, "seed"));
    json_int_t ra = json_integer_value(json_object_get(ba, "resamples"));
    json_int_t rb = json_integer_value(json_object_get(bb, "resamples"));
    if (sa != sb) {
        snprintf(why, why_len, "different bootstrap seeds (%lld and %lld)", (long long)sa,
                 (long long)sb);
        return 0;
    }
    if (ra != rb || ra <= 0) {
        snprintf(why, why_len, "different resample counts (%lld and %lld)", (long long)ra,
                 (long long)rb);
        return 0;
    }
    const char *da = jstr(a, "data_xxh64"), *db = jstr(b, "data_xxh64");
    if (!da || !db || strcmp(da, db)) {
        snprintf(why, why_len, "different data (data_xxh64 %s and %s)", da ? da : "null",
                 db ? db : "null");
        return 0;
    }
    /* The item order, when recorded (a pipe's data_xxh64 says nothing). */
    const char *ia = jstr(ba, "items_xxh64"), *ib = jstr(bb, "items_xxh64");
    if (ia && ib && strcmp(ia, ib)) {
        snprintf(why, why_len, "different items or item order (items_xxh64 %s and %s)", ia, ib);
        return 0;
    }
    snprintf(why, why_len, "same data, seed and resample count");
    return 1;
}

int mo__eval_replicate_diff(const json_t *a, const json_t *b, const char *group, const char *label,
                            const char *metric, mo_eval_ci *ci)
{
    ci->lo = ci->hi = NAN;
    const json_t *ga = json_object_get(json_object_get(a, "groups"), group);
    const json_t *gb = json_object_get(json_object_get(b, "groups"), group);
    const json_t *na = json_object_get(ga, "n_items"), *nb = json_object_get(gb, "n_items");
    if (!json_is_integer(na) || !json_is_integer(nb) ||
        json_integer_value(na) != json_integer_value(nb))
        return MO_ENOTFOUND;
    /* A --by group is the same set of items only when grouped by the same field. */
    const char *bya = jstr(a, "by"), *byb = jstr(b, "by");
    if (strcmp(group, "all") && (!bya || !byb || strcmp(bya, byb)))
        return MO_ENOTFOUND;
    const json_t *va =
        json_object_get(json_object_get(json_object_get(ga, "replicates"), label), metric);
    const json_t *vb =
        json_object_get(json_object_get(json_object_get(gb, "replicates"), label), metric);
    json_int_t r =
        json_integer_value(json_object_get(json_object_get(a, "bootstrap"), "resamples"));
    if (!json_is_string(va) || !json_is_string(vb) || r <= 0 || r > 10000000)
        return MO_ENOTFOUND;
    double *x = mo__malloc(2 * (size_t)r * sizeof *x);
    if (!x)
        return MO_ENOMEM;
    double *y = x + r;
    int rc =
        mo__eval_replicates_decode(json_string_value(va), json_string_length(va), x, (size_t)r);
    if (!rc)
        rc =
            mo__eval_replicates_decode(json_string_value(vb), json_string_length(vb), y, (size_t)r);
    if (!rc) {
        for (json_int_t i = 0; i < r; i++)
            x[i] = y[i] - x[i]; /* NAN when either is undefined */
        *ci = mo__eval_percentile_ci(x, (size_t)r);
    }
    mo__free(x);
    return rc;
}
