/*
 * cmd_eval.c -- `moderato eval`: measures a text model (or a file of external
 * predictions) on labeled JSON Lines data: per label PR-AUC, ROC-AUC,
 * precision/recall/F1 at the operating threshold, the best-F1 threshold and
 * calibration error, overall and per group of a field (e.g. --by source).
 * Unknown labels are excluded per label. The metrics live in src/model.
 */
#include "cli.h"
#include "model/model.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct item {
    char *id;     /* item id as text */
    char *group;  /* value of the --by field, or NULL */
} item;

typedef struct dataset {
    size_t n, cap;
    item *items;
    size_t n_labels;
    char **labels;      /* (n_labels) names */
    float *threshold;   /* (n_labels) operating thresholds */
    int8_t *y;          /* (n_labels * cap) label-major: y[k * cap + i] */
    float *s;           /* (n_labels * cap) scores, same layout */
} dataset;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: moderato eval --data TEST.jsonl [--model PATH | --predictions FILE]\n"
            "                     [--by FIELD] [--json]\n\n"
            "Measures a model on labeled JSON Lines data ({\"id\",\"text\",\"labels\":{...}}).\n"
            "A label missing or null in an item is unknown and excluded for that label.\n"
            "Per label: known items, positives, PR-AUC (average precision), ROC-AUC,\n"
            "precision/recall/F1/FPR at the model's operating threshold, the best-F1 threshold\n"
            "and expected calibration error (10 bins); then macro averages.\n\n"
            "options:\n"
            "  --data FILE          labeled JSON Lines (required)\n"
            "  --model PATH         model to score the data with (default: the shipped model)\n"
            "  --predictions FILE   evaluate external scores instead: JSON Lines\n"
            "                       {\"id\":...,\"scores\":{\"hate\":0.9,...}} matched by id;\n"
            "                       operating threshold 0.5 unless \"thresholds\":{...} is given\n"
            "                       on the first line\n"
            "  --by FIELD           also report per value of a string field (e.g. source, lang)\n"
            "  --json               machine-readable output on stdout\n\n"
            "exit status: 0 ok, 1 failure (bad data names file:line:field), 2 usage\n");
}

static char *dup_json_id(json_t *id, unsigned long long line_no)
{
    char tmp[64];
    if (json_is_string(id))
        return strdup(json_string_value(id));
    if (json_is_integer(id))
        snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(id));
    else
        snprintf(tmp, sizeof tmp, "line:%llu", line_no);
    return strdup(tmp);
}

static int ds_grow(dataset *d)
{
    if (d->n < d->cap)
        return 0;
    size_t cap = d->cap ? d->cap * 2 : 1024;
    item *it = realloc(d->items, cap * sizeof *it);
    if (!it)
        return -1;
    d->items = it;
    size_t cells = cap * (d->n_labels ? d->n_labels : 1);
    int8_t *y = malloc(cells);
    float *s = malloc(cells * sizeof *s);
    if (!y || !s) {
        free(y);
        free(s);
        return -1;
    }
    for (size_t k = 0; k < d->n_labels; k++) {
        if (d->n) {
            memcpy(y + k * cap, d->y + k * d->cap, d->n);
            memcpy(s + k * cap, d->s + k * d->cap, d->n * sizeof *s);
        }
    }
    free(d->y);
    free(d->s);
    d->y = y;
    d->s = s;
    d->cap = cap;
    return 0;
}

/* Sorts item indices by id for matching predictions. */
static const dataset *g_sort_ds;
static int cmp_by_id(const void *a, const void *b)
{
    return strcmp(g_sort_ds->items[*(const size_t *)a].id, g_sort_ds->items[*(const size_t *)b].id);
}

static int load_predictions(dataset *d, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t *order = malloc((d->n ? d->n : 1) * sizeof *order);
    unsigned char *seen = calloc(d->n ? d->n : 1, 1);
    if (!order || !seen) {
        fclose(f);
        free(order);
        free(seen);
        return -1;
    }
    for (size_t i = 0; i < d->n; i++)
        order[i] = i;
    g_sort_ds = d;
    qsort(order, d->n, sizeof *order, cmp_by_id);
    mo_line_reader r;
    mo_line_reader_init(&r, f, (size_t)64 << 20);
    int rc = 0, got;
    size_t matched = 0;
    while ((got = mo_line_reader_next(&r)) > 0) {
        json_error_t e;
        json_t *o = json_loadb(r.buf, r.len, 0, &e);
        json_t *scores = o ? json_object_get(o, "scores") : NULL;
        if (!o || !json_is_object(scores)) {
            fprintf(stderr, "moderato eval: %s:%llu: %s\n", path, r.line_no,
                    o ? "field 'scores': missing or not an object" : e.text);
            json_decref(o);
            rc = -1;
            break;
        }
        json_t *th = json_object_get(o, "thresholds");
        for (size_t k = 0; th && k < d->n_labels; k++) {
            json_t *t = json_object_get(th, d->labels[k]);
            if (json_is_number(t))
                d->threshold[k] = (float)json_number_value(t);
        }
        char *id = dup_json_id(json_object_get(o, "id"), r.line_no);
        size_t lo = 0, hi = d->n;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp(d->items[order[mid]].id, id);
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < d->n && !strcmp(d->items[order[lo]].id, id) && !seen[order[lo]]) {
            size_t i = order[lo];
            seen[i] = 1;
            matched++;
            for (size_t k = 0; k < d->n_labels; k++) {
                json_t *v = json_object_get(scores, d->labels[k]);
                d->s[k * d->cap + i] = json_is_number(v) ? (float)json_number_value(v) : 0.0f;
            }
        }
        free(id);
        json_decref(o);
    }
    if (!rc && matched != d->n) {
        fprintf(stderr, "moderato eval: %s: %zu of %zu data items have no prediction\n", path,
                d->n - matched, d->n);
        rc = -1;
    }
    mo_line_reader_free(&r);
    fclose(f);
    free(order);
    free(seen);
    return rc;
}

static void fmt4(char *out, double x)
{
    if (isnan(x))
        snprintf(out, 16, "-");
    else
        snprintf(out, 16, "%.4f", x);
}

static double nan_to(double x, double v)
{
    return isnan(x) ? v : x;
}

typedef struct label_report {
    size_t n_known, support;
    double ap, auc, ece, fpr;
    mo_metric_counts at, best;
} label_report;

static label_report measure(const float *s, const int8_t *y, size_t n, float threshold)
{
    label_report r;
    memset(&r, 0, sizeof r);
    r.ap = mo__metric_average_precision(s, y, n);
    r.auc = mo__metric_roc_auc(s, y, n);
    r.ece = mo__metric_ece(s, y, n, 10);
    r.at = mo__metric_at_threshold(s, y, n, threshold);
    r.best = mo__metric_best_f1(s, y, n);
    r.n_known = r.at.n_known;
    r.support = r.at.support;
    r.fpr = r.at.fp + r.at.tn ? (double)r.at.fp / (double)(r.at.fp + r.at.tn) : NAN;
    return r;
}

static void json_num(json_t *o, const char *k, double v)
{
    json_object_set_new(o, k, isnan(v) ? json_null() : json_real(round(v * 1e4) / 1e4));
}

/* Reports one group (all items when group == NULL). */
static void report_group(const dataset *d, const char *group, int as_json, json_t *jgroups)
{
    size_t *idx = malloc((d->n ? d->n : 1) * sizeof *idx), m = 0;
    float *s = malloc((d->n ? d->n : 1) * sizeof *s);
    int8_t *y = malloc(d->n ? d->n : 1);
    if (!idx || !s || !y)
        goto out;
    for (size_t i = 0; i < d->n; i++)
        if (!group || (d->items[i].group && !strcmp(d->items[i].group, group)))
            idx[m++] = i;
    json_t *jg = as_json ? json_object() : NULL;
    json_t *jl = as_json ? json_object() : NULL;
    if (!as_json) {
        printf("\n== %s (%zu items)\n", group ? group : "all", m);
        printf("%-12s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", "label", "known", "pos",
               "PR-AUC", "ROC-AUC", "thresh", "prec", "recall", "F1", "FPR", "bestF1", "ECE");
    }
    double sum_ap = 0, sum_f1 = 0, sum_auc = 0;
    int n_ap = 0;
    for (size_t k = 0; k < d->n_labels; k++) {
        for (size_t j = 0; j < m; j++) {
            s[j] = d->s[k * d->cap + idx[j]];
            y[j] = d->y[k * d->cap + idx[j]];
        }
        label_report r = measure(s, y, m, d->threshold[k]);
        if (!r.n_known)
            continue;
        if (!isnan(r.ap)) {
            sum_ap += r.ap;
            sum_f1 += r.at.f1;
            sum_auc += nan_to(r.auc, 0.5);
            n_ap++;
        }
        if (as_json) {
            json_t *o = json_object();
            json_object_set_new(o, "n_known", json_integer((json_int_t)r.n_known));
            json_object_set_new(o, "support", json_integer((json_int_t)r.support));
            json_num(o, "pr_auc", r.ap);
            json_num(o, "roc_auc", r.auc);
            json_num(o, "threshold", r.at.threshold);
            json_num(o, "precision", r.at.precision);
            json_num(o, "recall", r.at.recall);
            json_num(o, "f1", r.at.f1);
            json_num(o, "fpr", r.fpr);
            json_num(o, "best_f1", r.best.f1);
            json_num(o, "best_f1_threshold", isinf(r.best.threshold) ? NAN : r.best.threshold);
            json_num(o, "ece", r.ece);
            json_object_set_new(o, "tp", json_integer((json_int_t)r.at.tp));
            json_object_set_new(o, "fp", json_integer((json_int_t)r.at.fp));
            json_object_set_new(o, "fn", json_integer((json_int_t)r.at.fn));
            json_object_set_new(o, "tn", json_integer((json_int_t)r.at.tn));
            json_object_set_new(jl, d->labels[k], o);
        } else {
            /* Undefined metrics (no positives, one class) print as "-". */
            char c[9][16];
            fmt4(c[0], r.ap);
            fmt4(c[1], r.auc);
            fmt4(c[2], r.at.threshold);
            fmt4(c[3], r.support ? r.at.precision : NAN);
            fmt4(c[4], r.at.recall);
            fmt4(c[5], r.support ? r.at.f1 : NAN);
            fmt4(c[6], r.fpr);
            fmt4(c[7], r.support ? r.best.f1 : NAN);
            fmt4(c[8], r.ece);
            printf("%-12s %7zu %7zu %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", d->labels[k],
                   r.n_known, r.support, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
        }
    }
    if (as_json) {
        json_object_set_new(jg, "n_items", json_integer((json_int_t)m));
        json_object_set_new(jg, "labels", jl);
        json_num(jg, "macro_pr_auc", n_ap ? sum_ap / n_ap : NAN);
        json_num(jg, "macro_roc_auc", n_ap ? sum_auc / n_ap : NAN);
        json_num(jg, "macro_f1", n_ap ? sum_f1 / n_ap : NAN);
        json_object_set_new(jgroups, group ? group : "all", jg);
    } else if (n_ap) {
        printf("%-12s %7s %7s %7.4f %7.4f %7s %7s %7s %7.4f\n", "macro", "", "", sum_ap / n_ap,
               sum_auc / n_ap, "", "", "", sum_f1 / n_ap);
    }
out:
    free(idx);
    free(s);
    free(y);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int mo_cmd_eval(int argc, char **argv)
{
    const char *data = NULL, *model_path = NULL, *pred = NULL, *by = NULL;
    int as_json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return MO_EXIT_OK;
        } else if (!strcmp(a, "--json")) {
            as_json = 1;
        } else if (!strcmp(a, "--data") && v) {
            data = v, i++;
        } else if (!strcmp(a, "--model") && v) {
            model_path = v, i++;
        } else if (!strcmp(a, "--predictions") && v) {
            pred = v, i++;
        } else if (!strcmp(a, "--by") && v) {
            by = v, i++;
        } else {
            fprintf(stderr, "moderato eval: unknown or incomplete option '%s' (see --help)\n", a);
            return MO_EXIT_USAGE;
        }
    }
    if (!data) {
        fprintf(stderr, "moderato eval: --data is required (see --help)\n");
        return MO_EXIT_USAGE;
    }
    if (model_path && pred) {
        fprintf(stderr, "moderato eval: give --model or --predictions, not both\n");
        return MO_EXIT_USAGE;
    }

    int status = MO_EXIT_FAILURE;
    dataset d;
    memset(&d, 0, sizeof d);
    mo_model *model = NULL;
    mo_model_scratch *scratch = NULL;
    FILE *f = NULL;
    char **groups = NULL;
    size_t n_groups = 0;
    mo_diag diag;
    mo_line_reader r;
    mo_line_reader_init(&r, NULL, 0);

    if (!pred) {
        if (!model_path)
            model_path = mo_cli_default_model();
        int rc = mo_model_load(model_path, &model, &diag);
        if (rc != MO_OK) {
            mo_cli_print_diag("eval", rc, &diag);
            return MO_EXIT_FAILURE;
        }
        if (mo_model_scratch_new(model, &scratch) != MO_OK)
            goto oom;
        d.n_labels = mo_model_n_labels(model);
    }

    f = fopen(data, "rb");
    if (!f) {
        perror(data);
        goto out;
    }
    /* With --predictions, labels come from the data: collect them in a first pass. */
    mo_line_reader_init(&r, f, (size_t)64 << 20);
    if (pred) {
        size_t cap = 0;
        int got;
        while ((got = mo_line_reader_next(&r)) > 0) {
            json_t *o = json_loadb(r.buf, r.len, 0, NULL);
            const char *key;
            json_t *val;
            json_t *labels = o ? json_object_get(o, "labels") : NULL;
            if (json_is_object(labels)) {
                json_object_foreach(labels, key, val)
                {
                    size_t k = 0;
                    while (k < d.n_labels && strcmp(d.labels[k], key))
                        k++;
                    if (k == d.n_labels) {
                        if (d.n_labels == cap) {
                            cap = cap ? cap * 2 : 8;
                            char **nl = realloc(d.labels, cap * sizeof *nl);
                            if (!nl) {
                                json_decref(o);
                                goto oom;
                            }
                            d.labels = nl;
                        }
                        d.labels[d.n_labels++] = strdup(key);
                    }
                }
            }
            json_decref(o);
        }
        if (d.n_labels > 1)
            qsort(d.labels, d.n_labels, sizeof *d.labels, cmp_str);
        rewind(f);
        mo_line_reader_free(&r);
        mo_line_reader_init(&r, f, (size_t)64 << 20);
    } else {
        d.labels = calloc(d.n_labels ? d.n_labels : 1, sizeof *d.labels);
        if (!d.labels)
            goto oom;
        for (size_t k = 0; k < d.n_labels; k++)
            d.labels[k] = strdup(mo_model_label(model, k));
    }
    d.threshold = malloc((d.n_labels ? d.n_labels : 1) * sizeof *d.threshold);
    if (!d.threshold)
        goto oom;
    for (size_t k = 0; k < d.n_labels; k++)
        d.threshold[k] = model ? mo_model_threshold(model, k) : 0.5f;

    float *scores = malloc((d.n_labels ? d.n_labels : 1) * sizeof *scores);
    if (!scores)
        goto oom;
    int got;
    while ((got = mo_line_reader_next(&r)) > 0) {
        json_error_t e;
        json_t *o = json_loadb(r.buf, r.len, 0, &e);
        if (!o || !json_is_object(o)) {
            fprintf(stderr, "moderato eval: %s:%llu: %s\n", data, r.line_no,
                    o ? "item is not a JSON object" : e.text);
            json_decref(o);
            free(scores);
            goto out;
        }
        json_t *text = json_object_get(o, "text");
        json_t *labels = json_object_get(o, "labels");
        if (!pred && !json_is_string(text)) {
            fprintf(stderr, "moderato eval: %s:%llu: field 'text': missing or not a string\n",
                    data, r.line_no);
            json_decref(o);
            free(scores);
            goto out;
        }
        if (labels && !json_is_object(labels)) {
            fprintf(stderr, "moderato eval: %s:%llu: field 'labels': not an object\n", data,
                    r.line_no);
            json_decref(o);
            free(scores);
            goto out;
        }
        if (ds_grow(&d)) {
            json_decref(o);
            free(scores);
            goto oom;
        }
        size_t i = d.n++;
        d.items[i].id = dup_json_id(json_object_get(o, "id"), r.line_no);
        json_t *g = by ? json_object_get(o, by) : NULL;
        d.items[i].group = json_is_string(g) ? strdup(json_string_value(g)) : NULL;
        if (!pred) {
            int rc = mo_model_predict(model, scratch, json_string_value(text),
                                      json_string_length(text), scores, NULL);
            if (rc != MO_OK) {
                fprintf(stderr, "moderato eval: %s:%llu: field 'text': %s\n", data, r.line_no,
                        mo_strerror(rc));
                json_decref(o);
                free(scores);
                goto out;
            }
        }
        for (size_t k = 0; k < d.n_labels; k++) {
            json_t *v = labels ? json_object_get(labels, d.labels[k]) : NULL;
            int8_t yv = -1;
            if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
                double x = json_is_boolean(v) ? (json_is_true(v) ? 1 : 0) : json_number_value(v);
                yv = x >= 0.5 ? 1 : 0;
            }
            d.y[k * d.cap + i] = yv;
            d.s[k * d.cap + i] = pred ? 0.0f : scores[k];
        }
        if (d.items[i].group) {
            size_t j = 0;
            while (j < n_groups && strcmp(groups[j], d.items[i].group))
                j++;
            if (j == n_groups) {
                char **ng = realloc(groups, (n_groups + 1) * sizeof *ng);
                if (!ng) {
                    json_decref(o);
                    free(scores);
                    goto oom;
                }
                groups = ng;
                groups[n_groups++] = d.items[i].group;
            }
        }
        json_decref(o);
        if (!as_json && d.n % 20000 == 0)
            fprintf(stderr, "moderato eval: %zu items\r", d.n);
    }
    free(scores);
    if (got < 0) {
        fprintf(stderr, "moderato eval: %s: read error\n", data);
        goto out;
    }
    if (pred && load_predictions(&d, pred))
        goto out;
    if (n_groups > 1)
        qsort(groups, n_groups, sizeof *groups, cmp_str);

    json_t *root = NULL, *jgroups = NULL;
    if (as_json) {
        root = json_object();
        json_object_set_new(root, "data", json_string(data));
        json_object_set_new(root, "model", model_path ? json_string(model_path) : json_null());
        json_object_set_new(root, "predictions", pred ? json_string(pred) : json_null());
        json_object_set_new(root, "by", by ? json_string(by) : json_null());
        jgroups = json_object();
        json_object_set_new(root, "groups", jgroups);
    } else {
        printf("data %s, %zu items, %s %s\n", data, d.n, pred ? "predictions" : "model",
               pred ? pred : model_path);
    }
    report_group(&d, NULL, as_json, jgroups);
    for (size_t j = 0; j < n_groups; j++)
        report_group(&d, groups[j], as_json, jgroups);
    if (as_json) {
        json_dumpf(root, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        putchar('\n');
        json_decref(root);
    }
    status = MO_EXIT_OK;
    goto out;
oom:
    fprintf(stderr, "moderato eval: out of memory\n");
out:
    mo_line_reader_free(&r);
    if (f)
        fclose(f);
    for (size_t i = 0; i < d.n; i++) {
        free(d.items[i].id);
        free(d.items[i].group);
    }
    for (size_t k = 0; d.labels && k < d.n_labels; k++)
        free(d.labels[k]);
    free(d.labels);
    free(d.threshold);
    free(d.items);
    free(d.y);
    free(d.s);
    free(groups);
    mo_model_scratch_free(scratch);
    mo_model_free(model);
    return status;
}
