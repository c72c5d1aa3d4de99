/*
 * cmd_eval.c -- `moderato eval`: measures a text model (or a file of external
 * predictions) on labeled JSON Lines data: per label PR-AUC, ROC-AUC,
 * precision/recall/F1 at the operating threshold with seeded bootstrap 95%
 * intervals, the best-F1 threshold, calibration error and a threshold sweep,
 * overall and per group of a field (--by); fairness per slice (--slice);
 * regression gates against a baseline (--baseline, --gate); side-by-side
 * comparison of two runs (--compare) and a paired bootstrap of two prediction
 * files (--compare-predictions); --html writes the same results as one offline
 * page with SVG plots (src/eval/html.c); recall at precision 0.9 / 0.95,
 * micro averages, the argmax confusion matrix of mutually exclusive labels
 * (--classes or detected) and per-resample replicates that make --compare a
 * paired bootstrap. Unknown labels are excluded per
 * label. The metrics live in src/model and src/eval; this file parses, prints
 * and maps results to exit statuses. Output schema: docs/EVALUATION.md.
 */
#include "cli.h"
#include "eval/eval.h"
#include "model/model.h"
#include "scorer.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define MAX_SLICES 8
#define MAX_SLICE_VALUES 1000
/* Above this many items the default resample count shrinks (see usage). */
#define BOOT_FULL_ITEMS 50000

typedef struct item {
    char *id;    /* item id as text */
    char *group; /* value of the --by field, or NULL */
} item;

/* Subgroup membership of one --slice field: (item, value) pairs. */
typedef struct slice_pair {
    uint32_t item, value;
} slice_pair;

typedef struct slice {
    const char *field; /* borrowed from argv */
    char **values;     /* (n_values) distinct values, owned */
    size_t n_values;
    slice_pair *pairs; /* (n_pairs) owned */
    size_t n_pairs, cap_pairs;
} slice;

typedef struct dataset {
    size_t n, cap;
    item *items;
    size_t n_labels;
    char **labels;     /* (n_labels) names */
    float *threshold;  /* (n_labels) operating thresholds */
    float *threshold2; /* (n_labels) second system's thresholds (--compare-predictions) */
    int8_t *y;         /* (n_labels * cap) label-major: y[k * cap + i] */
    float *s;          /* (n_labels * cap) scores, same layout */
    float *s2;         /* second system's scores, same layout, or NULL */
    size_t n_slices;
    slice slices[MAX_SLICES];
    size_t n_classes;                    /* multi-class group (--classes or detected), 0 = none */
    size_t classes[MO_EVAL_MAX_CLASSES]; /* label indices */
    int classes_auto;                    /* detected rather than named */
    int classes_model;                   /* the model's --classes group and rule */
    float class_w[MO_EVAL_MAX_CLASSES];  /* decision weights (1 unless classes_model) */
} dataset;

typedef struct options {
    const char *data, *model, *pred, *by, *baseline, *gate, *html;
    const char *cmp[2];      /* --compare A.json B.json */
    const char *cmp_pred[2]; /* --compare-predictions A.jsonl B.jsonl */
    const char *slices[MAX_SLICES];
    size_t n_slices;
    const char *classes; /* --classes a,b,c */
    int as_json, sweep, resamples_set, no_replicates;
    int fair_min_set;              /* a --fairness-min-* option was given */
    mo_eval_fairness_min fair_min; /* --fairness-min-negatives, --fairness-min-class */
    unsigned resamples;
    unsigned long long seed;
    mo_cli_eval_extra x; /* --engine, --suite, --counterfactual (eval_extra.c) */
} options;

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: moderato eval --data TEST.jsonl [--model PATH | --predictions FILE]\n"
        "                     [--by FIELD] [--slice FIELD]... [--fairness-min-negatives N]\n"
        "                     [--fairness-min-class N] [--bootstrap N] [--seed N]\n"
        "                     [--sweep] [--json] [--no-replicates] [--html FILE]\n"
        "                     [--classes A,B,C]\n"
        "                     [--baseline OLD.json --gate GATES.json]\n"
        "       moderato eval [--data TEST.jsonl] [--model PATH | --engine [--config PATH]]\n"
        "                     [--suite FILE [--failures N]] [--counterfactual [--terms FILE]\n"
        "                     [--templates FILE]] [--json] [--html FILE]\n"
        "       moderato eval --compare A.json B.json\n"
        "       moderato eval --compare-predictions A.jsonl B.jsonl --data TEST.jsonl [--json]\n\n"
        "Measures a model on labeled JSON Lines data ({\"id\",\"text\",\"labels\":{...}}).\n"
        "A label missing or null in an item is unknown and excluded for that label.\n"
        "Per label: known items, positives, PR-AUC (average precision), ROC-AUC,\n"
        "precision/recall/F1/FPR at the model's operating threshold, the best-F1 threshold,\n"
        "expected calibration error (10 bins) and recall at precision 0.90 and 0.95; then\n"
        "macro and micro averages; 95%% bootstrap intervals for PR-AUC, ROC-AUC, precision,\n"
        "recall and F1; the argmax confusion matrix of mutually exclusive labels.\n"
        "See docs/EVALUATION.md.\n\n"
        "options:\n"
        "  --data FILE          labeled JSON Lines (required unless only --suite or\n"
        "                       --counterfactual --templates runs)\n"
        "  --model PATH         model to score the data with (default: the shipped model)\n"
        "  --engine             score with the full engine (model + detectors + policy):\n"
        "                       ranking metrics use the engine's score per label, moved to\n"
        "                       the threshold when the policy disagrees; precision/recall/F1\n"
        "                       use the engine's enforcement (policy categories mapped to\n"
        "                       labels). Items without \"type\" are moderated as comments\n"
        "  --config PATH        engine configuration (default: config/default.json)\n"
        "  --suite FILE         also run a functional suite (docs/SUITE.md): accuracy per\n"
        "                       functionality and language; --failures N shows failing cases\n"
        "  --counterfactual     identity-term swaps on the --data texts (or --templates FILE,\n"
        "                       one sentence per line, optional \"lang<TAB>\" prefix): per label\n"
        "                       mean/max score change, threshold flips, per-term shift, worst\n"
        "                       pairs; terms from --terms FILE (default data/identity/terms.tsv)\n"
        "  --predictions FILE   evaluate external scores instead: JSON Lines\n"
        "                       {\"id\":...,\"scores\":{\"hate\":0.9,...}} matched by id;\n"
        "                       operating threshold 0.5 unless \"thresholds\":{...} is given\n"
        "                       on the first line\n"
        "  --by FIELD           also report per value of a string field (e.g. source, lang)\n"
        "  --slice FIELD        fairness per subgroup of FIELD (repeatable, at most %d): a\n"
        "                       string field (lang, source) or an array of strings\n"
        "                       (identity: groups mentioned); subgroup/BPSN/BNSP AUC, their\n"
        "                       power mean (p = -5), the Jigsaw final score, FPR/FNR gaps.\n"
        "                       --slice identity on items without an \"identity\" field\n"
        "                       derives it: the groups of the identity terms the text\n"
        "                       mentions (--terms FILE, default data/identity/terms.tsv)\n"
        "  --fairness-min-negatives N\n"
        "                       a subgroup's FPR gap counts in max_fpr_gap only with at\n"
        "                       least N negatives (default %u; 0 = no minimum)\n"
        "  --fairness-min-class N\n"
        "                       a subgroup's AUC counts in its power mean only with at least\n"
        "                       N items on each side it compares: subgroup positives and\n"
        "                       negatives (subgroup AUC), subgroup negatives and background\n"
        "                       positives (BPSN), subgroup positives and background negatives\n"
        "                       (BNSP) (default %u; 0 = no minimum). Values left out are\n"
        "                       still reported, marked '*' (--json: in_summary, left_out)\n"
        "  --bootstrap N        bootstrap resamples (default 1000; 0 turns intervals off;\n"
        "                       over %d items the default is 1000*%d/items, at least 200)\n"
        "  --seed N             bootstrap seed (default %u)\n"
        "  --sweep              print the threshold sweep (0.05..0.95) per label\n"
        "  --json               machine-readable output on stdout (schema moderato.eval/1);\n"
        "                       with bootstrap on it records each resample's values so that\n"
        "                       --compare can test significance\n"
        "  --no-replicates      leave the per-resample values out of --json (smaller file)\n"
        "  --classes A,B,C      labels that are mutually exclusive classes (each item with\n"
        "                       all of them known has exactly one positive): argmax\n"
        "                       confusion matrix, accuracy, macro-F1. Without it, all labels\n"
        "                       are used when every fully known item has exactly one positive\n"
        "  --html FILE          also write a self-contained offline HTML report (tables,\n"
        "                       PR/ROC curves, reliability, sweep, confusion, group bars)\n"
        "  --baseline FILE      an earlier --json output to gate against (needs --gate)\n"
        "  --gate FILE          gates (JSON): "
        "{\"gates\":[{\"metric\":\"pr_auc\",\"labels\":[\"*\"],\n"
        "                       \"group\":\"all\",\"max_drop\":0.01}, ...]}\n"
        "  --compare A B        side by side two --json outputs, with differences; marks\n"
        "                       with * those whose paired-bootstrap 95%% interval excludes 0\n"
        "                       (both runs on the same data with the same --seed and\n"
        "                       --bootstrap; says so when they cannot be paired)\n"
        "  --compare-predictions A B\n"
        "                       paired bootstrap of two prediction files on --data: marks\n"
        "                       differences whose 95%% interval excludes 0\n\n"
        "exit status: 0 ok, 1 failure (bad data names file:line:field), 2 usage,\n"
        "             4 a gate failed (the table says which metric regressed)\n",
        MAX_SLICES, MO_EVAL_FAIRNESS_MIN_NEGATIVES, MO_EVAL_FAIRNESS_MIN_CLASS, BOOT_FULL_ITEMS,
        BOOT_FULL_ITEMS, MO_EVAL_DEFAULT_SEED);
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

/* Records that item i belongs to subgroup `value` of slice sl. */
static int slice_add(slice *sl, size_t i, const char *value);

/* --slice identity on an item without an "identity" field: the identity
 * groups (religion, gender, ...) of the terms its text mentions, each once,
 * in the item's "lang" when it has one. Returns 0 or -1 (message printed). */
static int identity_from_text(slice *sl, size_t i, const mo_eval_cf_terms *t, const json_t *obj)
{
    json_t *jt = json_object_get(obj, "text"), *jl = json_object_get(obj, "lang");
    if (!json_is_string(jt))
        return 0;
    mo_eval_cf_mention m[32];
    size_t n = mo__eval_cf_find(t, json_string_value(jt), json_string_length(jt),
                                json_is_string(jl) ? json_string_value(jl) : NULL, m, 32);
    const char *seen[32];
    size_t n_seen = 0;
    for (size_t k = 0; k < n && k < 32; k++) {
        const char *g = t->v[m[k].term].group;
        size_t s = 0;
        while (s < n_seen && strcmp(seen[s], g))
            s++;
        if (s < n_seen)
            continue;
        seen[n_seen++] = g;
        if (slice_add(sl, i, g))
            return -1;
    }
    return 0;
}

static int slice_add(slice *sl, size_t i, const char *value)
{
    size_t v = 0;
    while (v < sl->n_values && strcmp(sl->values[v], value))
        v++;
    if (v == sl->n_values) {
        if (sl->n_values == MAX_SLICE_VALUES) {
            fprintf(stderr, "moderato eval: --slice %s: more than %d distinct values\n", sl->field,
                    MAX_SLICE_VALUES);
            return -1;
        }
        char **nv = realloc(sl->values, (sl->n_values + 1) * sizeof *nv);
        if (!nv)
            return -1;
        sl->values = nv;
        if (!(sl->values[sl->n_values] = strdup(value)))
            return -1;
        sl->n_values++;
    }
    if (sl->n_pairs == sl->cap_pairs) {
        size_t cap = sl->cap_pairs ? sl->cap_pairs * 2 : 1024;
        slice_pair *np = realloc(sl->pairs, cap * sizeof *np);
        if (!np)
            return -1;
        sl->pairs = np;
        sl->cap_pairs = cap;
    }
    sl->pairs[sl->n_pairs].item = (uint32_t)i;
    sl->pairs[sl->n_pairs].value = (uint32_t)v;
    sl->n_pairs++;
    return 0;
}

/* Sorts item indices by id for matching predictions. */
static const dataset *g_sort_ds;
static int cmp_by_id(const void *a, const void *b)
{
    return strcmp(g_sort_ds->items[*(const size_t *)a].id, g_sort_ds->items[*(const size_t *)b].id);
}

/* Reads a predictions file into scores (label-major, stride d->cap) and
 * thresholds. Every data item must have a prediction. */
static int load_predictions(const dataset *d, const char *path, float *out, float *thresholds)
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
                thresholds[k] = (float)json_number_value(t);
        }
        char *id = dup_json_id(json_object_get(o, "id"), r.line_no);
        size_t lo = 0, hi = d->n;
        while (id && lo < hi) {
            size_t mid = (lo + hi) / 2;
            int c = strcmp(d->items[order[mid]].id, id);
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (id && lo < d->n && !strcmp(d->items[order[lo]].id, id) && !seen[order[lo]]) {
            size_t i = order[lo];
            seen[i] = 1;
            matched++;
            for (size_t k = 0; k < d->n_labels; k++) {
                json_t *v = json_object_get(scores, d->labels[k]);
                out[k * d->cap + i] = json_is_number(v) ? (float)json_number_value(v) : 0.0f;
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

static double nan_to(double x, double v)
{
    return isnan(x) ? v : x;
}

typedef struct label_report {
    size_t n_known, support;
    double ap, auc, ece, fpr;
    mo_metric_counts at, best;
    double rap[2];  /* recall at precision 0.90, 0.95 */
    float rap_t[2]; /* their thresholds; NAN when not reached */
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
    r.rap[0] = mo__metric_recall_at_precision(s, y, n, 0.90, &r.rap_t[0]);
    r.rap[1] = mo__metric_recall_at_precision(s, y, n, 0.95, &r.rap_t[1]);
    return r;
}

/* Point values of the bootstrapped metrics, as the table prints them. */
static double point_value(const label_report *r, int q)
{
    switch (q) {
    case MO_EVAL_PR_AUC:
        return r->ap;
    case MO_EVAL_ROC_AUC:
        return r->auc;
    case MO_EVAL_PRECISION:
        return r->support ? r->at.precision : NAN;
    case MO_EVAL_RECALL:
        return r->at.recall;
    default:
        return r->support ? r->at.f1 : NAN;
    }
}

/* Copies a group's items into label-major arrays (m items each). */
typedef struct group_view {
    size_t m;
    float *s;  /* (n_labels * m) */
    float *s2; /* second system or NULL */
    int8_t *y; /* (n_labels * m) */
    const float **sp, **sp2;
    const int8_t **yp;
} group_view;

static void view_free(group_view *v)
{
    free(v->s);
    free(v->s2);
    free(v->y);
    free(v->sp);
    free(v->sp2);
    free(v->yp);
}

static int view_build(const dataset *d, const char *group, group_view *v)
{
    memset(v, 0, sizeof *v);
    size_t m = 0, L = d->n_labels ? d->n_labels : 1;
    for (size_t i = 0; i < d->n; i++)
        m += !group || (d->items[i].group && !strcmp(d->items[i].group, group));
    v->m = m;
    size_t cells = L * (m ? m : 1);
    v->s = malloc(cells * sizeof *v->s);
    v->y = malloc(cells);
    v->sp = malloc(L * sizeof *v->sp);
    v->yp = malloc(L * sizeof *v->yp);
    if (d->s2) {
        v->s2 = malloc(cells * sizeof *v->s2);
        v->sp2 = malloc(L * sizeof *v->sp2);
    }
    if (!v->s || !v->y || !v->sp || !v->yp || (d->s2 && (!v->s2 || !v->sp2))) {
        view_free(v);
        return -1;
    }
    for (size_t k = 0; k < d->n_labels; k++) {
        size_t j = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (group && !(d->items[i].group && !strcmp(d->items[i].group, group)))
                continue;
            v->s[k * m + j] = d->s[k * d->cap + i];
            v->y[k * m + j] = d->y[k * d->cap + i];
            if (d->s2)
                v->s2[k * m + j] = d->s2[k * d->cap + i];
            j++;
        }
        v->sp[k] = v->s + k * m;
        v->yp[k] = v->y + k * m;
        if (d->s2)
            v->sp2[k] = v->s2 + k * m;
    }
    return 0;
}

/* Bootstrap intervals of a group into ci and, unless --no-replicates, its
 * per-resample values as groups.<g>.replicates (*jreps, new reference or
 * NULL). Returns MO_OK or MO_ENOMEM. */
static int group_bootstrap(const group_view *v, size_t L, const dataset *d, const options *o,
                           unsigned R, mo_eval_ci *ci, json_t **jreps)
{
    mo_eval_system sys = {v->sp, d->threshold};
    double *reps = NULL;
    size_t cells;
    *jreps = NULL;
    if (R && L && !o->no_replicates) {
        if (mo__size_mul(L * MO_EVAL_N_METRICS, R, &cells) != MO_OK ||
            !(reps = malloc(cells * sizeof *reps)))
            return MO_ENOMEM;
    }
    int rc =
        mo__eval_bootstrap_replicates(v->yp, L, v->m, &sys, NULL, R, o->seed, ci, NULL, NULL, reps);
    if (rc == MO_OK && reps &&
        !(*jreps = mo__eval_replicates_json((const char *const *)d->labels, L, reps, R)))
        rc = MO_ENOMEM;
    free(reps);
    return rc;
}

/* Micro averages over every known (item, label) pair of the group: the JSON
 * group fields micro_* and a "micro" table row. Returns 0 or -1 (ENOMEM). */
static int report_micro(const dataset *d, const options *o, const group_view *v, json_t *jg)
{
    mo_metric_micro mi;
    if (mo__metric_micro(v->sp, v->yp, d->n_labels, v->m, d->threshold, &mi) != MO_OK)
        return -1;
    json_object_set_new(jg, "micro_n_known", json_integer((json_int_t)mi.at.n_known));
    json_object_set_new(jg, "micro_support", json_integer((json_int_t)mi.at.support));
    mo_cli_json_num(jg, "micro_pr_auc", mi.pr_auc);
    mo_cli_json_num(jg, "micro_roc_auc", mi.roc_auc);
    mo_cli_json_num(jg, "micro_precision", mi.at.support ? mi.at.precision : NAN);
    mo_cli_json_num(jg, "micro_recall", mi.at.recall);
    mo_cli_json_num(jg, "micro_f1", mi.at.support ? mi.at.f1 : NAN);
    mo_cli_json_num(jg, "micro_fpr", mi.fpr);
    if (!o->as_json && mi.at.n_known) {
        char c[6][16];
        mo_cli_fmt4(c[0], mi.pr_auc);
        mo_cli_fmt4(c[1], mi.roc_auc);
        mo_cli_fmt4(c[2], mi.at.support ? mi.at.precision : NAN);
        mo_cli_fmt4(c[3], mi.at.recall);
        mo_cli_fmt4(c[4], mi.at.support ? mi.at.f1 : NAN);
        mo_cli_fmt4(c[5], mi.fpr);
        printf("%-12s %7zu %7zu %7s %7s %7s %7s %7s %7s %7s\n", "micro", mi.at.n_known,
               mi.at.support, c[0], c[1], "", c[2], c[3], c[4], c[5]);
    }
    return 0;
}

/* The argmax confusion matrix of the multi-class group (d->classes), if any:
 * groups.<g>.multiclass and a table. Returns 0 or -1 (ENOMEM). */
static int report_multiclass(const dataset *d, const options *o, const group_view *v, json_t *jg)
{
    size_t C = d->n_classes;
    if (!C)
        return 0;
    const float *sp[MO_EVAL_MAX_CLASSES];
    const int8_t *yp[MO_EVAL_MAX_CLASSES];
    mo_eval_class_stats st[MO_EVAL_MAX_CLASSES];
    size_t *cm = malloc(C * C * sizeof *cm);
    if (!cm)
        return -1;
    for (size_t c = 0; c < C; c++) {
        sp[c] = v->sp[d->classes[c]];
        yp[c] = v->yp[d->classes[c]];
    }
    mo_eval_multiclass mc;
    mo__eval_multiclass(sp, d->class_w, yp, C, v->m, cm, st, &mc);
    const char *names[MO_EVAL_MAX_CLASSES];
    for (size_t c = 0; c < C; c++)
        names[c] = d->labels[d->classes[c]];
    json_t *jm = mo__eval_multiclass_json(names, C, d->classes_auto, cm, st, &mc);
    if (!jm) {
        free(cm);
        return -1;
    }
    json_t *jw = json_array();
    for (size_t c = 0; c < C; c++)
        json_array_append_new(jw, json_real(d->class_w[c]));
    json_object_set_new(jm, "rule", json_string(d->classes_model ? "model" : "argmax"));
    json_object_set_new(jm, "weights", jw);
    json_object_set_new(jg, "multiclass", jm);
    if (!o->as_json) {
        char a[16], f[16];
        mo_cli_fmt4(a, mc.accuracy);
        mo_cli_fmt4(f, mc.macro_f1);
        printf("multi-class (%s): %zu items, accuracy %s, macro-F1 %s",
               d->classes_model  ? "the model's classes, weighted argmax"
               : d->classes_auto ? "detected, argmax of the scores"
                                 : "--classes, argmax of the scores",
               mc.n_items, a, f);
        if (mc.n_not_exclusive)
            printf(" (%zu fully known items without exactly one positive left out)",
                   mc.n_not_exclusive);
        printf("\n%-12s", "true\\pred");
        for (size_t j = 0; j < C; j++)
            printf(" %11.11s", d->labels[d->classes[j]]);
        printf(" %7s %7s %7s\n", "recall", "prec", "F1");
        for (size_t c = 0; c < C; c++) {
            printf("%-12.12s", d->labels[d->classes[c]]);
            for (size_t j = 0; j < C; j++)
                printf(" %11zu", cm[c * C + j]);
            char q[3][16];
            mo_cli_fmt4(q[0], st[c].recall);
            mo_cli_fmt4(q[1], st[c].precision);
            mo_cli_fmt4(q[2], st[c].f1);
            printf(" %7s %7s %7s\n", q[0], q[1], q[2]);
        }
    }
    free(cm);
    return 0;
}

/* Reports one group (all items when group == NULL) into jgroups, and prints
 * the tables unless as_json. */
static int report_group(const dataset *d, const options *o, unsigned R, const char *group,
                        json_t *jgroups)
{
    group_view v;
    if (view_build(d, group, &v))
        return -1;
    size_t m = v.m, L = d->n_labels;
    mo_eval_ci *ci = malloc((L ? L : 1) * MO_EVAL_N_METRICS * sizeof *ci);
    label_report *rep = malloc((L ? L : 1) * sizeof *rep);
    if (!ci || !rep) {
        free(ci);
        free(rep);
        view_free(&v);
        return -1;
    }
    json_t *jreps = NULL;
    int rc = group_bootstrap(&v, L, d, o, R, ci, &jreps);
    if (rc != MO_OK) {
        free(ci);
        free(rep);
        view_free(&v);
        return -1;
    }
    json_t *jg = json_object(), *jl = json_object();
    if (!o->as_json) {
        printf("\n== %s (%zu items)\n", group ? group : "all", m);
        printf("%-12s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", "label", "known",
               "pos", "PR-AUC", "ROC-AUC", "thresh", "prec", "recall", "F1", "FPR", "bestF1", "ECE",
               "R@P90", "R@P95");
    }
    double sum_ap = 0, sum_f1 = 0, sum_auc = 0;
    int n_ap = 0;
    for (size_t k = 0; k < L; k++) {
        label_report *r = &rep[k];
        *r = measure(v.sp[k], v.yp[k], m, d->threshold[k]);
        if (!r->n_known)
            continue;
        if (!isnan(r->ap)) {
            sum_ap += r->ap;
            sum_f1 += r->at.f1;
            sum_auc += nan_to(r->auc, 0.5);
            n_ap++;
        }
        json_t *jo = json_object();
        json_object_set_new(jo, "n_known", json_integer((json_int_t)r->n_known));
        json_object_set_new(jo, "support", json_integer((json_int_t)r->support));
        mo_cli_json_num(jo, "pr_auc", r->ap);
        mo_cli_json_num(jo, "roc_auc", r->auc);
        mo_cli_json_num(jo, "threshold", r->at.threshold);
        mo_cli_json_num(jo, "precision", r->at.precision);
        mo_cli_json_num(jo, "recall", r->at.recall);
        mo_cli_json_num(jo, "f1", r->at.f1);
        mo_cli_json_num(jo, "fpr", r->fpr);
        mo_cli_json_num(jo, "best_f1", r->best.f1);
        mo_cli_json_num(jo, "best_f1_threshold",
                        isinf(r->best.threshold) ? NAN : r->best.threshold);
        mo_cli_json_num(jo, "ece", r->ece);
        mo_cli_json_num(jo, "recall_at_p90", r->rap[0]);
        mo_cli_json_num(jo, "recall_at_p90_threshold", r->rap_t[0]);
        mo_cli_json_num(jo, "recall_at_p95", r->rap[1]);
        mo_cli_json_num(jo, "recall_at_p95_threshold", r->rap_t[1]);
        json_object_set_new(jo, "tp", json_integer((json_int_t)r->at.tp));
        json_object_set_new(jo, "fp", json_integer((json_int_t)r->at.fp));
        json_object_set_new(jo, "fn", json_integer((json_int_t)r->at.fn));
        json_object_set_new(jo, "tn", json_integer((json_int_t)r->at.tn));
        json_t *jci = json_object();
        for (int q = 0; q < MO_EVAL_N_METRICS; q++)
            json_object_set_new(jci, mo__eval_metric_names[q],
                                mo_cli_json_ci(ci[k * MO_EVAL_N_METRICS + q]));
        json_object_set_new(jo, "ci", jci);
        mo_eval_sweep_point sw[MO_EVAL_SWEEP_N];
        mo__eval_sweep(v.sp[k], v.yp[k], m, sw);
        json_t *jsw = json_array();
        for (int t = 0; t < MO_EVAL_SWEEP_N; t++) {
            json_t *p = json_object();
            mo_cli_json_num(p, "threshold", sw[t].threshold);
            mo_cli_json_num(p, "precision", sw[t].precision);
            mo_cli_json_num(p, "recall", sw[t].recall);
            mo_cli_json_num(p, "f1", sw[t].f1);
            mo_cli_json_num(p, "fpr", sw[t].fpr);
            json_array_append_new(jsw, p);
        }
        json_object_set_new(jo, "sweep", jsw);
        json_object_set_new(jl, d->labels[k], jo);
        if (!o->as_json) {
            /* Undefined metrics (no positives, one class) print as "-". */
            char c[11][16];
            mo_cli_fmt4(c[0], r->ap);
            mo_cli_fmt4(c[1], r->auc);
            mo_cli_fmt4(c[2], r->at.threshold);
            mo_cli_fmt4(c[3], r->support ? r->at.precision : NAN);
            mo_cli_fmt4(c[4], r->at.recall);
            mo_cli_fmt4(c[5], r->support ? r->at.f1 : NAN);
            mo_cli_fmt4(c[6], r->fpr);
            mo_cli_fmt4(c[7], r->support ? r->best.f1 : NAN);
            mo_cli_fmt4(c[8], r->ece);
            mo_cli_fmt4(c[9], r->rap[0]);
            mo_cli_fmt4(c[10], r->rap[1]);
            printf("%-12s %7zu %7zu %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s %7s\n", d->labels[k],
                   r->n_known, r->support, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8],
                   c[9], c[10]);
        }
    }
    json_object_set_new(jg, "n_items", json_integer((json_int_t)m));
    json_object_set_new(jg, "labels", jl);
    mo_cli_json_num(jg, "macro_pr_auc", n_ap ? sum_ap / n_ap : NAN);
    mo_cli_json_num(jg, "macro_roc_auc", n_ap ? sum_auc / n_ap : NAN);
    mo_cli_json_num(jg, "macro_f1", n_ap ? sum_f1 / n_ap : NAN);
    json_object_set_new(jgroups, group ? group : "all", jg);
    if (!o->as_json && n_ap)
        printf("%-12s %7s %7s %7.4f %7.4f %7s %7s %7s %7.4f\n", "macro", "", "", sum_ap / n_ap,
               sum_auc / n_ap, "", "", "", sum_f1 / n_ap);
    rc = report_micro(d, o, &v, jg);
    if (!o->as_json) {
        if (R) {
            printf("95%% CI (bootstrap, %u resamples, seed %llu)\n", R, o->seed);
            printf("%-12s %-18s %-18s %-18s %-18s %-18s\n", "label", "PR-AUC", "ROC-AUC",
                   "precision", "recall", "F1");
            for (size_t k = 0; k < L; k++) {
                if (!rep[k].n_known)
                    continue;
                char c[MO_EVAL_N_METRICS][24];
                for (int q = 0; q < MO_EVAL_N_METRICS; q++)
                    mo_cli_fmt_ci(c[q], ci[k * MO_EVAL_N_METRICS + q]);
                printf("%-12s %-18s %-18s %-18s %-18s %-18s\n", d->labels[k], c[0], c[1], c[2],
                       c[3], c[4]);
            }
        }
        for (size_t k = 0; o->sweep && k < L; k++) {
            if (!rep[k].n_known)
                continue;
            mo_eval_sweep_point sw[MO_EVAL_SWEEP_N];
            mo__eval_sweep(v.sp[k], v.yp[k], m, sw);
            printf("sweep %s\n%-8s %7s %7s %7s %7s\n", d->labels[k], "thresh", "prec", "recall",
                   "F1", "FPR");
            for (int t = 0; t < MO_EVAL_SWEEP_N; t++) {
                char c[4][16];
                mo_cli_fmt4(c[0], sw[t].precision);
                mo_cli_fmt4(c[1], sw[t].recall);
                mo_cli_fmt4(c[2], sw[t].f1);
                mo_cli_fmt4(c[3], sw[t].fpr);
                printf("%-8.2f %7s %7s %7s %7s\n", sw[t].threshold, c[0], c[1], c[2], c[3]);
            }
        }
    }
    if (!rc)
        rc = report_multiclass(d, o, &v, jg);
    if (jreps)
        json_object_set_new(jg, "replicates", jreps);
    free(ci);
    free(rep);
    view_free(&v);
    return rc ? -1 : 0;
}

/* Formats v with 4 decimals into c (room for 16), followed by '*' when the
 * value is defined but left out of its summary, else by a space so that the
 * column stays aligned. */
static void fmt_part(char *c, double v, int in_summary)
{
    mo_cli_fmt4(c, v);
    strcat(c, !isnan(v) && !in_summary ? "*" : " ");
}

/* Sets o[keys[i]] = v[i] (4 decimals, null when undefined) for i < n. */
static void json_nums(json_t *o, size_t n, const char *const *keys, const double *v)
{
    for (size_t i = 0; i < n; i++)
        mo_cli_json_num(o, keys[i], v[i]);
}

/* The per-label fairness summary of one slice as JSON: the summaries, the
 * minimums used and how many subgroup values they left out. */
static json_t *fairness_summary_json(const mo_eval_fairness *fs)
{
    static const char *const keys[] = {"overall_auc",
                                       "fpr",
                                       "fnr",
                                       "subgroup_auc_power_mean",
                                       "bpsn_auc_power_mean",
                                       "bnsp_auc_power_mean",
                                       "final_score",
                                       "max_fpr_gap",
                                       "max_fnr_gap"};
    const double v[] = {fs->overall_auc,
                        fs->fpr,
                        fs->fnr,
                        fs->subgroup_auc_power_mean,
                        fs->bpsn_auc_power_mean,
                        fs->bnsp_auc_power_mean,
                        fs->final_score,
                        fs->max_fpr_gap,
                        fs->max_fnr_gap};
    json_t *jo = json_object(), *jl = json_object();
    json_nums(jo, sizeof v / sizeof *v, keys, v);
    json_object_set_new(jo, "min_negatives", json_integer((json_int_t)fs->min.negatives));
    json_object_set_new(jo, "min_class", json_integer((json_int_t)fs->min.per_class));
    for (int q = 0; q < MO_EVAL_FAIR_N_PARTS; q++)
        json_object_set_new(jl, mo__eval_fair_part_names[q],
                            json_integer((json_int_t)fs->n_left_out[q]));
    json_object_set_new(jo, "left_out", jl);
    return jo;
}

/* One subgroup's values as JSON, with in_summary per summarized value. */
static json_t *fairness_subgroup_json(const mo_eval_subgroup *sg)
{
    static const char *const keys[] = {"subgroup_auc", "bpsn_auc", "bnsp_auc", "fpr",
                                       "fnr",          "fpr_gap",  "fnr_gap"};
    const double v[] = {sg->subgroup_auc, sg->bpsn_auc, sg->bnsp_auc, sg->fpr,
                        sg->fnr,          sg->fpr_gap,  sg->fnr_gap};
    json_t *x = json_object(), *in = json_object();
    json_object_set_new(x, "n_known", json_integer((json_int_t)sg->n));
    json_object_set_new(x, "positives", json_integer((json_int_t)sg->pos));
    json_object_set_new(x, "negatives", json_integer((json_int_t)sg->neg));
    json_nums(x, sizeof v / sizeof *v, keys, v);
    for (int q = 0; q < MO_EVAL_FAIR_N_PARTS; q++)
        json_object_set_new(in, mo__eval_fair_part_names[q], json_boolean(sg->in_summary[q]));
    json_object_set_new(x, "in_summary", in);
    return x;
}

/* Prints the text table of one (slice, label): a row per subgroup with '*'
 * after the values left out of the summaries, the summaries, and a footnote
 * saying why when something was left out. */
static void fairness_text(const slice *sl, const char *label, float threshold,
                          const mo_eval_subgroup *sg, const mo_eval_fairness *fs)
{
    printf("\n== fairness: %s / %s (threshold %.4f; power mean p = %g)\n", sl->field, label,
           threshold, MO_EVAL_POWER_P);
    printf("%-16s %7s %6s %6s %7s  %7s  %7s  %7s %7s  %7s %8s\n", "subgroup", "known", "pos", "neg",
           "subAUC", "BPSN", "BNSP", "FPR", "FPRgap", "FNR", "FNRgap");
    for (size_t g = 0; g < sl->n_values; g++) {
        char c[7][16];
        fmt_part(c[0], sg[g].subgroup_auc, sg[g].in_summary[MO_EVAL_FAIR_SUBGROUP_AUC]);
        fmt_part(c[1], sg[g].bpsn_auc, sg[g].in_summary[MO_EVAL_FAIR_BPSN_AUC]);
        fmt_part(c[2], sg[g].bnsp_auc, sg[g].in_summary[MO_EVAL_FAIR_BNSP_AUC]);
        mo_cli_fmt4(c[3], sg[g].fpr);
        fmt_part(c[4], sg[g].fpr_gap, sg[g].in_summary[MO_EVAL_FAIR_FPR_GAP]);
        mo_cli_fmt4(c[5], sg[g].fnr);
        mo_cli_fmt4(c[6], sg[g].fnr_gap);
        printf("%-16.16s %7zu %6zu %6zu %8s %8s %8s %7s %8s %7s %8s\n", sl->values[g], sg[g].n,
               sg[g].pos, sg[g].neg, c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
    }
    char c[7][16];
    mo_cli_fmt4(c[0], fs->overall_auc);
    mo_cli_fmt4(c[1], fs->subgroup_auc_power_mean);
    mo_cli_fmt4(c[2], fs->bpsn_auc_power_mean);
    mo_cli_fmt4(c[3], fs->bnsp_auc_power_mean);
    mo_cli_fmt4(c[4], fs->fpr);
    mo_cli_fmt4(c[5], fs->fnr);
    mo_cli_fmt4(c[6], fs->max_fpr_gap);
    strcat(c[1], " "), strcat(c[2], " "), strcat(c[3], " ");
    printf("%-16s %7s %6s %6s %8s %8s %8s %7s %8s %7s\n", "power mean / all", "", "", "", c[1],
           c[2], c[3], c[4], "", c[5]);
    mo_cli_fmt4(c[1], fs->final_score);
    printf("overall AUC %s, final bias score %s (0.25 overall + 0.25 each power mean), max FPR "
           "gap %s\n",
           c[0], c[1], c[6]);
    const size_t *lo = fs->n_left_out;
    if (lo[0] + lo[1] + lo[2] + lo[3])
        printf("* left out of the summaries: subAUC %zu, BPSN %zu, BNSP %zu, FPRgap %zu (fewer "
               "than %zu\n  positives or negatives on a side of an AUC, %zu negatives for an FPR "
               "gap)\n",
               lo[0], lo[1], lo[2], lo[3], fs->min.per_class, fs->min.negatives);
}

/* Fairness for every --slice field, over all items; adds root["fairness"]. */
static int report_fairness(const dataset *d, const options *o, json_t *root)
{
    json_t *jf = json_object();
    json_object_set_new(root, "fairness", jf);
    for (size_t si = 0; si < d->n_slices; si++) {
        const slice *sl = &d->slices[si];
        size_t G = sl->n_values, cells;
        if (mo__size_mul(G ? G : 1, d->n ? d->n : 1, &cells) != MO_OK)
            return -1;
        uint8_t *mem = calloc(cells, 1);
        mo_eval_subgroup *sg = malloc((G ? G : 1) * sizeof *sg);
        if (!mem || !sg) {
            free(mem);
            free(sg);
            return -1;
        }
        for (size_t p = 0; p < sl->n_pairs; p++)
            mem[(size_t)sl->pairs[p].value * d->n + sl->pairs[p].item] = 1;
        json_t *js = json_object(), *jls = json_object();
        json_object_set_new(js, "subgroups", json_integer((json_int_t)G));
        json_object_set_new(js, "labels", jls);
        json_object_set_new(jf, sl->field, js);
        for (size_t k = 0; k < d->n_labels; k++) {
            mo_eval_fairness fs;
            if (mo__eval_fairness(d->s + k * d->cap, d->y + k * d->cap, d->n, d->threshold[k], mem,
                                  G, &o->fair_min, sg, &fs) != MO_OK) {
                free(mem);
                free(sg);
                return -1;
            }
            json_t *jo = fairness_summary_json(&fs), *jsub = json_object();
            for (size_t g = 0; g < G; g++)
                json_object_set_new(jsub, sl->values[g], fairness_subgroup_json(&sg[g]));
            json_object_set_new(jo, "subgroups", jsub);
            json_object_set_new(jls, d->labels[k], jo);
            if (!o->as_json)
                fairness_text(sl, d->labels[k], d->threshold[k], sg, &fs);
        }
        free(mem);
        free(sg);
    }
    return 0;
}

/* --compare-predictions: paired bootstrap of two systems on the same items. */
static int compare_predictions(const dataset *d, const options *o, unsigned R)
{
    group_view v;
    if (view_build(d, NULL, &v))
        return -1;
    size_t L = d->n_labels, cells = (L ? L : 1) * MO_EVAL_N_METRICS;
    mo_eval_ci *ca = malloc(cells * sizeof *ca), *cb = malloc(cells * sizeof *cb),
               *cd = malloc(cells * sizeof *cd);
    int rc = -1;
    json_t *out = NULL;
    if (!ca || !cb || !cd)
        goto done;
    mo_eval_system a = {v.sp, d->threshold}, b = {v.sp2, d->threshold2};
    if (mo__eval_bootstrap(v.yp, L, v.m, &a, &b, R, o->seed, ca, cb, cd) != MO_OK)
        goto done;
    out = json_object();
    json_object_set_new(out, "schema", json_string("moderato.eval-compare/1"));
    json_object_set_new(out, "data", json_string(o->data));
    json_object_set_new(out, "a", json_string(o->cmp_pred[0]));
    json_object_set_new(out, "b", json_string(o->cmp_pred[1]));
    json_object_set_new(out, "bootstrap",
                        json_pack("{s:i,s:I,s:f,s:b}", "resamples", (int)R, "seed",
                                  (json_int_t)o->seed, "confidence", 0.95, "paired", 1));
    json_t *jl = json_object();
    json_object_set_new(out, "labels", jl);
    if (!o->as_json)
        printf("A = %s\nB = %s\ndata %s, %zu items; paired bootstrap, %u resamples, seed %llu;\n"
               "* = the 95%% interval of B-A excludes 0\n\n%-12s %-10s %9s %9s %9s  %-20s\n",
               o->cmp_pred[0], o->cmp_pred[1], o->data, v.m, R, o->seed, "label", "metric", "A",
               "B", "B-A", "95% CI of B-A");
    for (size_t k = 0; k < L; k++) {
        label_report ra = measure(v.sp[k], v.yp[k], v.m, d->threshold[k]);
        label_report rb = measure(v.sp2[k], v.yp[k], v.m, d->threshold2[k]);
        if (!ra.n_known)
            continue;
        json_t *jo = json_object();
        json_object_set_new(jl, d->labels[k], jo);
        for (int q = 0; q < MO_EVAL_N_METRICS; q++) {
            double x = point_value(&ra, q), y = point_value(&rb, q);
            mo_eval_ci c = cd[k * MO_EVAL_N_METRICS + (size_t)q];
            int sig = !isnan(c.lo) && (c.lo > 0 || c.hi < 0);
            json_t *row = json_object();
            mo_cli_json_num(row, "a", x);
            mo_cli_json_num(row, "b", y);
            mo_cli_json_num(row, "diff", y - x);
            json_object_set_new(row, "ci", mo_cli_json_ci(c));
            json_object_set_new(row, "significant", json_boolean(sig));
            json_object_set_new(jo, mo__eval_metric_names[q], row);
            if (!o->as_json) {
                char s[3][16], cs[24];
                mo_cli_fmt4(s[0], x);
                mo_cli_fmt4(s[1], y);
                mo_cli_fmt_diff(s[2], y - x);
                mo_cli_fmt_ci(cs, c);
                printf("%-12s %-10s %9s %9s %9s  %-20s %s\n", d->labels[k],
                       mo__eval_metric_names[q], s[0], s[1], s[2], cs, sig ? "*" : "");
            }
        }
    }
    if (o->as_json) {
        json_dumpf(out, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        putchar('\n');
    }
    rc = 0;
done:
    json_decref(out);
    free(ca);
    free(cb);
    free(cd);
    view_free(&v);
    return rc;
}

/* Hex XXH64 of a model file (its stored trailing checksum) or of a whole file. */
static json_t *file_hash(const char *path, int trailer)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return json_null();
    char hex[17];
    unsigned char b[8];
    if (trailer) {
        if (fseek(f, -8, SEEK_END) || fread(b, 1, 8, f) != 8) {
            fclose(f);
            return json_null();
        }
        uint64_t h = 0;
        for (int i = 7; i >= 0; i--)
            h = h << 8 | b[i];
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)h);
    } else {
        XXH64_state_t *st = XXH64_createState();
        char buf[1 << 16];
        size_t got;
        XXH64_reset(st, 0);
        while ((got = fread(buf, 1, sizeof buf, f)) > 0)
            XXH64_update(st, buf, got);
        snprintf(hex, sizeof hex, "%016llx", (unsigned long long)XXH64_digest(st));
        XXH64_freeState(st);
    }
    fclose(f);
    return json_string(hex);
}

/* Hex XXH64 of the item ids in data order (each followed by a NUL): which
 * items a bootstrap round resamples depends on this order. */
static json_t *items_hash(const dataset *d)
{
    XXH64_state_t *st = XXH64_createState();
    if (!st)
        return json_null();
    char hex[17];
    XXH64_reset(st, 0);
    for (size_t i = 0; i < d->n; i++)
        XXH64_update(st, d->items[i].id, strlen(d->items[i].id) + 1);
    snprintf(hex, sizeof hex, "%016llx", (unsigned long long)XXH64_digest(st));
    XXH64_freeState(st);
    return json_string(hex);
}

/* Writes the HTML report of root (the --json document) to path. */
static int write_html(const dataset *d, const char *path, const json_t *root)
{
    size_t L = d->n_labels ? d->n_labels : 1;
    const float **sp = malloc(L * sizeof *sp);
    const int8_t **yp = malloc(L * sizeof *yp);
    int rc = MO_ENOMEM;
    if (sp && yp) {
        for (size_t k = 0; k < d->n_labels; k++) {
            sp[k] = d->s + k * d->cap;
            yp[k] = d->y + k * d->cap;
        }
        mo_eval_html_input in = {root, d->n_labels, (const char *const *)d->labels, sp, yp, d->n};
        mo_diag diag;
        rc = mo__eval_html_write(path, &in, &diag);
        if (rc)
            mo_cli_print_diag("eval", rc, &diag);
    } else {
        fprintf(stderr, "moderato eval: out of memory\n");
    }
    free(sp);
    free(yp);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The multi-class group: the labels named by --classes, or all labels when
 * every item with all of them known has exactly one positive. Returns 0, or
 * -1 after printing what is wrong with --classes. */
static int resolve_classes(dataset *d, const options *o, const mo_model *model)
{
    d->n_classes = 0;
    d->classes_model = 0;
    for (size_t c = 0; c < MO_EVAL_MAX_CLASSES; c++)
        d->class_w[c] = 1.0f;
    /* A model trained with --classes: its group (labels are the model's, in
     * its order) and its weighted-argmax rule. */
    size_t mc = model && !o->classes ? mo_model_n_classes(model) : 0;
    if (mc >= 2 && mc <= MO_EVAL_MAX_CLASSES) {
        for (size_t c = 0; c < mc; c++)
            d->classes[c] = (size_t)mo_model_class(model, c, &d->class_w[c]);
        d->n_classes = mc;
        d->classes_model = 1;
        return 0;
    }
    if (!o->classes) {
        const int8_t *yp[MO_EVAL_MAX_CLASSES];
        if (d->n_labels < 2 || d->n_labels > MO_EVAL_MAX_CLASSES)
            return 0;
        for (size_t k = 0; k < d->n_labels; k++)
            yp[k] = d->y + k * d->cap;
        if (mo__eval_exclusive(yp, d->n_labels, d->n)) {
            for (size_t k = 0; k < d->n_labels; k++)
                d->classes[k] = k;
            d->n_classes = d->n_labels;
            d->classes_auto = 1;
        }
        return 0;
    }
    mo_diag diag;
    int rc = mo__eval_classes_parse(o->classes, (const char *const *)d->labels, d->n_labels,
                                    d->classes, &d->n_classes, &diag);
    if (rc != MO_OK)
        mo_cli_print_diag("eval", rc, &diag);
    return rc == MO_OK ? 0 : -1;
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->resamples = MO_EVAL_DEFAULT_RESAMPLES;
    o->seed = MO_EVAL_DEFAULT_SEED;
    o->fair_min.negatives = MO_EVAL_FAIRNESS_MIN_NEGATIVES;
    o->fair_min.per_class = MO_EVAL_FAIRNESS_MIN_CLASS;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        const char *v2 = i + 2 < argc ? argv[i + 2] : NULL;
        unsigned long long x;
        int used;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 1;
        } else if (!strcmp(a, "--json")) {
            o->as_json = 1;
        } else if (!strcmp(a, "--sweep")) {
            o->sweep = 1;
        } else if (!strcmp(a, "--no-replicates")) {
            o->no_replicates = 1;
        } else if (!strcmp(a, "--classes") && v) {
            o->classes = v, i++;
        } else if (!strcmp(a, "--data") && v) {
            o->data = v, i++;
        } else if (!strcmp(a, "--model") && v) {
            o->model = v, i++;
        } else if (!strcmp(a, "--predictions") && v) {
            o->pred = v, i++;
        } else if (!strcmp(a, "--html") && v) {
            o->html = v, i++;
        } else if (!strcmp(a, "--by") && v) {
            o->by = v, i++;
        } else if (!strcmp(a, "--baseline") && v) {
            o->baseline = v, i++;
        } else if (!strcmp(a, "--gate") && v) {
            o->gate = v, i++;
        } else if (!strcmp(a, "--slice") && v) {
            if (o->n_slices == MAX_SLICES) {
                fprintf(stderr, "moderato eval: at most %d --slice options\n", MAX_SLICES);
                return -1;
            }
            o->slices[o->n_slices++] = v, i++;
        } else if (!strcmp(a, "--bootstrap") && v) {
            if (!mo_cli_parse_u64("eval", a, v, 0, 100000, &x))
                return -1;
            o->resamples = (unsigned)x, o->resamples_set = 1, i++;
        } else if (!strcmp(a, "--seed") && v) {
            if (!mo_cli_parse_u64("eval", a, v, 0, INT64_MAX, &x))
                return -1;
            o->seed = x, i++;
        } else if (!strcmp(a, "--fairness-min-negatives") && v) {
            if (!mo_cli_parse_u64("eval", a, v, 0, UINT32_MAX, &x))
                return -1;
            o->fair_min.negatives = (size_t)x, o->fair_min_set = 1, i++;
        } else if (!strcmp(a, "--fairness-min-class") && v) {
            if (!mo_cli_parse_u64("eval", a, v, 0, UINT32_MAX, &x))
                return -1;
            o->fair_min.per_class = (size_t)x, o->fair_min_set = 1, i++;
        } else if ((used = mo_cli_eval_extra_arg(&o->x, argc, argv, i)) != 0) {
            if (used < 0)
                return -1;
            i += used - 1;
        } else if (!strcmp(a, "--compare") && v && v2) {
            o->cmp[0] = v, o->cmp[1] = v2, i += 2;
        } else if (!strcmp(a, "--compare-predictions") && v && v2) {
            o->cmp_pred[0] = v, o->cmp_pred[1] = v2, i += 2;
        } else {
            fprintf(stderr, "moderato eval: unknown or incomplete option '%s' (see --help)\n", a);
            return -1;
        }
    }
    if (o->cmp[0]) {
        if (o->data || o->model || o->pred || o->cmp_pred[0] || o->gate || o->baseline || o->html ||
            o->n_slices || o->fair_min_set) {
            fprintf(stderr, "moderato eval: --compare takes two --json files and nothing else\n");
            return -1;
        }
        return 0;
    }
    for (size_t si = 0; si < o->n_slices; si++)
        o->x.identity_slice |= !strcmp(o->slices[si], "identity");
    if (mo_cli_eval_extra_check(&o->x, o->data, o->model, o->pred || o->cmp_pred[0]))
        return -1;
    if (!o->data && ((!o->x.suite && !o->x.templates) || o->by || o->n_slices || o->gate)) {
        fprintf(stderr, "moderato eval: --data is required (see --help)\n");
        return -1;
    }
    if (!!o->model + !!o->pred + !!o->cmp_pred[0] > 1) {
        fprintf(stderr,
                "moderato eval: give one of --model, --predictions, --compare-predictions\n");
        return -1;
    }
    if (o->fair_min_set && !o->n_slices) {
        fprintf(stderr, "moderato eval: --fairness-min-negatives and --fairness-min-class go "
                        "with --slice\n");
        return -1;
    }
    if (!o->baseline != !o->gate) {
        fprintf(stderr, "moderato eval: --baseline and --gate go together\n");
        return -1;
    }
    if (o->cmp_pred[0] && o->html) {
        fprintf(stderr, "moderato eval: --html does not apply to --compare-predictions\n");
        return -1;
    }
    if (o->cmp_pred[0] && (o->gate || o->n_slices || o->by)) {
        fprintf(stderr, "moderato eval: --compare-predictions takes --data, --bootstrap, --seed "
                        "and --json only\n");
        return -1;
    }
    return 0;
}

int mo_cmd_eval(int argc, char **argv)
{
    options opt;
    int pa = parse_args(argc, argv, &opt);
    if (pa)
        return pa > 0 ? MO_EXIT_OK : MO_EXIT_USAGE;
    if (opt.cmp[0])
        return mo_cli_eval_compare(opt.cmp[0], opt.cmp[1], opt.as_json);
    if (!opt.data)
        return mo_cli_eval_extra_main(&opt.x, opt.model, opt.html, opt.as_json);
    const char *data = opt.data, *model_path = opt.model, *by = opt.by;
    const char *pred = opt.pred ? opt.pred : opt.cmp_pred[0];
    int as_json = opt.as_json;

    int status = MO_EXIT_FAILURE;
    dataset d;
    memset(&d, 0, sizeof d);
    d.n_slices = opt.n_slices;
    for (size_t si = 0; si < opt.n_slices; si++)
        d.slices[si].field = opt.slices[si];
    mo_cli_scorer *sc = NULL;       /* the model or the engine (--engine) */
    mo_eval_cf_terms idterms = {0}; /* --slice identity: groups derived from the text */
    FILE *f = NULL;
    char **groups = NULL;
    size_t n_groups = 0;
    json_t *root = NULL;
    mo_diag diag;
    mo_line_reader r;
    mo_line_reader_init(&r, NULL, 0);
    if (opt.x.identity_slice) {
        const char *tp = opt.x.terms
                             ? opt.x.terms
                             : mo_cli_default_path("MODERATO_TERMS", "data/identity/terms.tsv");
        int rc = mo__eval_cf_terms_load(tp, &idterms, &diag);
        if (rc != MO_OK) {
            mo_cli_print_diag("eval", rc, &diag);
            goto out;
        }
    }

    if (!pred) {
        if (mo_cli_scorer_open("eval", model_path, opt.x.engine, opt.x.config, &sc) != MO_OK)
            return MO_EXIT_FAILURE;
        model_path = opt.x.engine ? NULL : mo_cli_scorer_path(sc);
        d.n_labels = mo_cli_scorer_eval(sc)->n_labels;
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
            d.labels[k] = strdup(mo_cli_scorer_eval(sc)->labels[k]);
    }
    d.threshold = malloc((d.n_labels ? d.n_labels : 1) * sizeof *d.threshold);
    d.threshold2 = malloc((d.n_labels ? d.n_labels : 1) * sizeof *d.threshold2);
    if (!d.threshold || !d.threshold2)
        goto oom;
    for (size_t k = 0; k < d.n_labels; k++)
        d.threshold[k] = d.threshold2[k] = sc ? mo_cli_scorer_eval(sc)->thresholds[k] : 0.5f;

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
            fprintf(stderr, "moderato eval: %s:%llu: field 'text': missing or not a string\n", data,
                    r.line_no);
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
        if (d.n >= UINT32_MAX || ds_grow(&d)) {
            json_decref(o);
            free(scores);
            goto oom;
        }
        size_t i = d.n++;
        d.items[i].id = dup_json_id(json_object_get(o, "id"), r.line_no);
        json_t *g = by ? json_object_get(o, by) : NULL;
        d.items[i].group = json_is_string(g) ? strdup(json_string_value(g)) : NULL;
        for (size_t si = 0; si < d.n_slices; si++) {
            json_t *sv = json_object_get(o, d.slices[si].field), *el;
            size_t ai;
            int bad = 0;
            if (!sv && !strcmp(d.slices[si].field, "identity")) {
                bad = identity_from_text(&d.slices[si], i, &idterms, o);
            } else if (json_is_string(sv)) {
                bad = slice_add(&d.slices[si], i, json_string_value(sv));
            } else if (json_is_array(sv)) {
                json_array_foreach(sv, ai, el)
                {
                    if (json_is_string(el) && !bad)
                        bad = slice_add(&d.slices[si], i, json_string_value(el));
                }
            }
            if (bad) {
                json_decref(o);
                free(scores);
                goto out;
            }
        }
        if (!pred) {
            int rc = mo_cli_scorer_score_item(sc, o, scores, &diag);
            if (rc != MO_OK) {
                fprintf(stderr, "moderato eval: %s:%llu: field 'text': %s\n", data, r.line_no,
                        diag.msg);
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
        if (d.n % 20000 == 0)
            fprintf(stderr, "moderato eval: %zu items\r", d.n);
    }
    free(scores);
    if (d.n >= 20000)
        fputc('\n', stderr);
    if (got < 0) {
        fprintf(stderr, "moderato eval: %s: read error\n", data);
        goto out;
    }
    if (pred && load_predictions(&d, pred, d.s, d.threshold))
        goto out;
    if (n_groups > 1)
        qsort(groups, n_groups, sizeof *groups, cmp_str);

    /* Bootstrap resamples: the default shrinks on very large sets (said in output). */
    unsigned R = opt.resamples;
    if (!opt.resamples_set && d.n > BOOT_FULL_ITEMS) {
        R = (unsigned)((double)MO_EVAL_DEFAULT_RESAMPLES * BOOT_FULL_ITEMS / (double)d.n);
        if (R < 200)
            R = 200;
        fprintf(stderr,
                "moderato eval: %zu items: %u bootstrap resamples instead of %u "
                "(--bootstrap N to choose)\n",
                d.n, R, MO_EVAL_DEFAULT_RESAMPLES);
    }

    if (opt.cmp_pred[0]) {
        d.s2 = malloc((d.n_labels ? d.n_labels : 1) * (d.cap ? d.cap : 1) * sizeof *d.s2);
        if (!d.s2)
            goto oom;
        if (load_predictions(&d, opt.cmp_pred[1], d.s2, d.threshold2))
            goto out;
        if (compare_predictions(&d, &opt, R))
            goto oom;
        status = MO_EXIT_OK;
        goto out;
    }

    root = json_object();
    json_object_set_new(root, "schema", json_string("moderato.eval/1"));
    json_object_set_new(root, "data", json_string(data));
    json_object_set_new(root, "data_xxh64", file_hash(data, 0));
    json_object_set_new(root, "model", model_path ? json_string(model_path) : json_null());
    json_object_set_new(root, "model_xxh64", model_path ? file_hash(model_path, 1) : json_null());
    json_object_set_new(root, "predictions", pred ? json_string(pred) : json_null());
    if (opt.x.engine)
        json_object_set_new(root, "engine", mo_cli_scorer_take_stats(sc));
    json_object_set_new(root, "by", by ? json_string(by) : json_null());
    json_t *jsl = json_array();
    for (size_t si = 0; si < d.n_slices; si++)
        json_array_append_new(jsl, json_string(d.slices[si].field));
    json_object_set_new(root, "slices", jsl);
    json_object_set_new(root, "bootstrap",
                        json_pack("{s:i,s:I,s:f}", "resamples", (int)R, "seed",
                                  (json_int_t)opt.seed, "confidence", 0.95));
    json_object_set_new(json_object_get(root, "bootstrap"), "replicates",
                        R && !opt.no_replicates ? json_string(MO_EVAL_REP_ENCODING) : json_null());
    json_object_set_new(json_object_get(root, "bootstrap"), "items_xxh64", items_hash(&d));
    if (resolve_classes(&d, &opt, mo_cli_scorer_model(sc))) {
        status = MO_EXIT_USAGE;
        goto out;
    }
    json_t *jgroups = json_object();
    json_object_set_new(root, "groups", jgroups);
    if (!as_json)
        printf("data %s, %zu items, %s %s\n", data, d.n,
               pred ? "predictions" : mo_cli_scorer_kind(sc), pred ? pred : mo_cli_scorer_path(sc));
    if (report_group(&d, &opt, R, NULL, jgroups))
        goto oom;
    for (size_t j = 0; j < n_groups; j++)
        if (report_group(&d, &opt, R, groups[j], jgroups))
            goto oom;
    if (report_fairness(&d, &opt, root))
        goto oom;
    if (mo_cli_eval_extra_run(&opt.x, sc, data, root, as_json))
        goto out;
    if (opt.html && write_html(&d, opt.html, root))
        goto out;
    status = MO_EXIT_OK;
    if (opt.gate)
        status = mo_cli_eval_gates(opt.baseline, opt.gate, opt.as_json, root);
    if (as_json) {
        json_dumpf(root, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        putchar('\n');
    }
    goto out;
oom:
    fprintf(stderr, "moderato eval: out of memory\n");
out:
    mo__eval_cf_terms_free(&idterms);
    json_decref(root);
    mo_line_reader_free(&r);
    if (f)
        fclose(f);
    for (size_t i = 0; i < d.n; i++) {
        free(d.items[i].id);
        free(d.items[i].group);
    }
    for (size_t k = 0; d.labels && k < d.n_labels; k++)
        free(d.labels[k]);
    for (size_t si = 0; si < d.n_slices; si++) {
        for (size_t v = 0; v < d.slices[si].n_values; v++)
            free(d.slices[si].values[v]);
        free(d.slices[si].values);
        free(d.slices[si].pairs);
    }
    free(d.labels);
    free(d.threshold);
    free(d.threshold2);
    free(d.items);
    free(d.y);
    free(d.s);
    free(d.s2);
    free(groups);
    mo_cli_scorer_free(sc);
    return status;
}
