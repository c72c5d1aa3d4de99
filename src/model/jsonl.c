/*
 * jsonl.c -- reading labeled training data (JSON Lines, one object per line:
 * {"id", "text", "labels": {"hate": 1, "spam": null, ...}, ...}) with jansson.
 * Each text is featurized as it is read; the dataset keeps only feature ids
 * and labels. A label that is absent or null is unknown (-1), never negative.
 * Malformed lines fail with MO_EPARSE naming file, line and field; nothing is
 * skipped silently. Uses base and text.
 */
#include "model/model_int.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

static const char *const default_taxonomy[] = {"hate",     "harassment", "sexual",   "self_harm",
                                               "violence", "spam",       "profanity"};
#define N_TAXONOMY (sizeof default_taxonomy / sizeof default_taxonomy[0])

/* Reads a whole file into a mo__malloc'd NUL-terminated buffer. */
static int read_file(const char *path, char **out, size_t *out_len, mo_diag *diag)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: cannot open: %s", path,
                            strerror(errno));
    mo_buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (mo__buf_append(&b, chunk, n) != MO_OK) {
            fclose(f);
            mo__buf_free(&b);
            return mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "%s: out of memory", path);
        }
    }
    int err = ferror(f);
    fclose(f);
    if (err) {
        mo__buf_free(&b);
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: read error", path);
    }
    if (mo__buf_reserve(&b, 1) != MO_OK) {
        mo__buf_free(&b);
        return mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "%s: out of memory", path);
    }
    b.ptr[b.len] = '\0';
    *out = b.ptr;
    *out_len = b.len;
    return MO_OK;
}

/* Iterates over non-empty lines: returns 1 with [*s, *e) and *line_no set, 0 at end. */
static int next_line(const char *buf, size_t len, size_t *pos, uint64_t *line_no, const char **s,
                     size_t *n)
{
    while (*pos < len) {
        const char *p = buf + *pos;
        const char *nl = memchr(p, '\n', len - *pos);
        size_t l = nl ? (size_t)(nl - p) : len - *pos;
        *pos += l + (nl ? 1 : 0);
        (*line_no)++;
        size_t k = l;
        if (k && p[k - 1] == '\r')
            k--;
        size_t j = 0;
        while (j < k && (p[j] == ' ' || p[j] == '\t'))
            j++;
        if (j == k)
            continue; /* blank line */
        *s = p;
        *n = k;
        return 1;
    }
    return 0;
}

/* Parses one line into an object and checks text and labels. */
static int parse_line(const char *path, uint64_t line_no, const char *s, size_t n, json_t **obj,
                      mo_diag *diag)
{
    json_error_t err;
    json_t *o = json_loadb(s, n, 0, &err);
    *obj = NULL;
    if (!o)
        return mo__diag_set(diag, MO_EPARSE, path, line_no, NULL, "%s:%llu: invalid JSON: %s", path,
                            (unsigned long long)line_no, err.text);
    if (!json_is_object(o)) {
        json_decref(o);
        return mo__diag_set(diag, MO_EPARSE, path, line_no, NULL,
                            "%s:%llu: a line must be a JSON object", path,
                            (unsigned long long)line_no);
    }
    if (!json_is_string(json_object_get(o, "text"))) {
        json_decref(o);
        return mo__diag_set(diag, MO_EPARSE, path, line_no, "text",
                            "%s:%llu: field 'text' is missing or not a string", path,
                            (unsigned long long)line_no);
    }
    json_t *labels = json_object_get(o, "labels");
    if (!json_is_object(labels)) {
        json_decref(o);
        return mo__diag_set(diag, MO_EPARSE, path, line_no, "labels",
                            "%s:%llu: field 'labels' is missing or not an object", path,
                            (unsigned long long)line_no);
    }
    const char *key;
    json_t *v;
    json_object_foreach(labels, key, v)
    {
        int ok = json_is_null(v) || json_is_boolean(v) ||
                 (json_is_integer(v) && (json_integer_value(v) == 0 || json_integer_value(v) == 1));
        if (!ok) {
            char field[64];
            snprintf(field, sizeof field, "labels.%s", key);
            json_decref(o);
            return mo__diag_set(diag, MO_EPARSE, path, line_no, field,
                                "%s:%llu: field '%s' must be 0, 1, true, false or null", path,
                                (unsigned long long)line_no, field);
        }
    }
    *obj = o;
    return MO_OK;
}

void mo__strv_free(char **v)
{
    if (!v)
        return;
    for (char **p = v; *p; p++)
        mo__free(*p);
    mo__free(v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int mo__jsonl_label_names(const char *path, char ***names, size_t *n_names, mo_diag *diag)
{
    char *buf = NULL;
    size_t len, pos = 0, n = 0, cap = 0;
    uint64_t line_no = 0;
    char **v = NULL;
    const char *s;
    size_t sl;
    *names = NULL;
    *n_names = 0;
    int rc = read_file(path, &buf, &len, diag);
    if (rc != MO_OK)
        return rc;
    while (next_line(buf, len, &pos, &line_no, &s, &sl)) {
        json_t *o;
        rc = parse_line(path, line_no, s, sl, &o, diag);
        if (rc != MO_OK)
            goto fail;
        const char *key;
        json_t *val;
        json_object_foreach(json_object_get(o, "labels"), key, val)
        {
            size_t i;
            for (i = 0; i < n; i++)
                if (strcmp(v[i], key) == 0)
                    break;
            if (i < n)
                continue;
            if (n + 2 > cap) {
                size_t nc = cap ? cap * 2 : 16;
                char **q = mo__realloc(v, nc * sizeof *v);
                if (!q) {
                    json_decref(o);
                    rc = mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "out of memory");
                    goto fail;
                }
                v = q;
                cap = nc;
            }
            v[n] = mo__strndup(key, strlen(key));
            if (!v[n]) {
                json_decref(o);
                rc = mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "out of memory");
                goto fail;
            }
            v[++n] = NULL;
        }
        json_decref(o);
    }
    if (!n) {
        rc = mo__diag_set(diag, MO_EPARSE, path, 0, "labels", "%s: no labels in any line", path);
        goto fail;
    }
    /* Default taxonomy labels first, in taxonomy order, then the rest sorted. */
    size_t k = 0;
    for (size_t t = 0; t < N_TAXONOMY; t++)
        for (size_t i = k; i < n; i++)
            if (strcmp(v[i], default_taxonomy[t]) == 0) {
                char *x = v[k];
                v[k] = v[i];
                v[i] = x;
                k++;
                break;
            }
    qsort(v + k, n - k, sizeof *v, cmp_str);
    mo__free(buf);
    *names = v;
    *n_names = n;
    return MO_OK;
fail:
    if (v) {
        v[n] = NULL;
        mo__strv_free(v);
    }
    mo__free(buf);
    return rc;
}

void mo__dataset_free(mo__dataset *ds)
{
    if (!ds)
        return;
    mo__free(ds->ids);
    mo__free(ds->off);
    mo__free(ds->n_word);
    mo__free(ds->y);
    memset(ds, 0, sizeof *ds);
}

int mo__jsonl_load(const char *path, mo_featurizer *f, const char *const *labels, size_t n_labels,
                   mo__dataset *ds, mo_diag *diag)
{
    char *buf = NULL;
    size_t len, pos = 0, ex_cap = 0, y_cap = 0, nw_cap = 0;
    uint64_t line_no = 0;
    const char *s;
    size_t sl;
    memset(ds, 0, sizeof *ds);
    ds->n_labels = n_labels;
    int rc = read_file(path, &buf, &len, diag);
    if (rc != MO_OK)
        return rc;
    ds->xxh64 = XXH64(buf, len, 0);
    while (next_line(buf, len, &pos, &line_no, &s, &sl)) {
        json_t *o;
        rc = parse_line(path, line_no, s, sl, &o, diag);
        if (rc != MO_OK)
            goto fail;
        json_t *text = json_object_get(o, "text");
        const uint32_t *ids;
        size_t n_ids;
        rc = mo__feat_extract(f, json_string_value(text), json_string_length(text), &ids, &n_ids,
                              NULL);
        if (rc != MO_OK) {
            json_decref(o);
            rc = mo__diag_set(diag, rc, path, line_no, "text", "%s:%llu: cannot featurize: %s",
                              path, (unsigned long long)line_no, mo_strerror(rc));
            goto fail;
        }
        size_t i = ds->n;
        size_t need_y;
        if (mo__grow((void **)&ds->off, &ex_cap, i + 2, sizeof *ds->off, 1024) != MO_OK ||
            mo__grow((void **)&ds->n_word, &nw_cap, i + 1, sizeof *ds->n_word, 1024) != MO_OK ||
            mo__size_mul(i + 1, n_labels, &need_y) != MO_OK ||
            mo__grow((void **)&ds->y, &y_cap, need_y, 1, 1024) != MO_OK ||
            mo__grow((void **)&ds->ids, &ds->ids_cap, ds->ids_len + n_ids, sizeof *ds->ids, 1024) !=
                MO_OK) {
            json_decref(o);
            rc = mo__diag_set(diag, MO_ENOMEM, path, line_no, NULL, "out of memory");
            goto fail;
        }
        memcpy(ds->ids + ds->ids_len, ids, n_ids * sizeof *ids);
        ds->off[i] = ds->ids_len;
        ds->ids_len += n_ids;
        ds->off[i + 1] = ds->ids_len;
        ds->n_word[i] = (uint32_t)mo__feat_n_word(f);
        json_t *lab = json_object_get(o, "labels");
        for (size_t l = 0; l < n_labels; l++) {
            json_t *v = json_object_get(lab, labels[l]);
            int8_t y = -1;
            if (json_is_true(v) || (json_is_integer(v) && json_integer_value(v) == 1))
                y = 1;
            else if (json_is_false(v) || (json_is_integer(v) && json_integer_value(v) == 0))
                y = 0;
            ds->y[i * n_labels + l] = y;
        }
        ds->n++;
        json_decref(o);
    }
    if (!ds->n) {
        rc = mo__diag_set(diag, MO_EPARSE, path, 0, NULL, "%s: no examples", path);
        goto fail;
    }
    mo__free(buf);
    return MO_OK;
fail:
    mo__free(buf);
    mo__dataset_free(ds);
    return rc;
}
