/*
 * eval_compare.c -- the two parts of `moderato eval` that read earlier
 * `--json` runs instead of data: regression gates of a run against a baseline
 * (--baseline, --gate; src/eval/gate.c) and the side-by-side --compare of two
 * runs, with a paired bootstrap from their replicates when they can be paired
 * (src/eval/replicates.c). Prints tables or JSON; returns exit statuses.
 * Also the number formatting of eval's tables and JSON (4 decimals, "-" and
 * null for undefined values), shared with cmd_eval.c.
 */
#include "cli.h"
#include "eval/eval.h"
#include "scorer.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ==== Number formatting, shared with cmd_eval.c ==== */

void mo_cli_fmt4(char *out, double x)
{
    if (isnan(x))
        snprintf(out, 16, "-");
    else
        snprintf(out, 16, "%.4f", x);
}

void mo_cli_fmt_ci(char *out, mo_eval_ci c)
{
    if (isnan(c.lo) || isnan(c.hi))
        snprintf(out, 24, "-");
    else
        snprintf(out, 24, "[%.4f, %.4f]", c.lo, c.hi);
}

void mo_cli_fmt_diff(char *out, double d)
{
    if (isnan(d))
        snprintf(out, 16, "-");
    else
        snprintf(out, 16, "%+.4f", d);
}

double mo_cli_r4(double v)
{
    return round(v * 1e4) / 1e4;
}

/* Infinite values (a threshold of -inf from NaN scores) are null too: JSON has
 * no infinity and json_real() refuses it. */
void mo_cli_json_num(json_t *o, const char *k, double v)
{
    json_object_set_new(o, k, !isfinite(v) ? json_null() : json_real(mo_cli_r4(v)));
}

json_t *mo_cli_json_ci(mo_eval_ci c)
{
    if (isnan(c.lo) || isnan(c.hi))
        return json_null();
    return json_pack("[ff]", mo_cli_r4(c.lo), mo_cli_r4(c.hi));
}

/* ==== Gates and --compare ==== */

static json_t *load_json_file(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j)
        fprintf(stderr, "moderato eval: %s:%d:%d: %s\n", path, e.line, e.column, e.text);
    else if (!json_is_object(j)) {
        fprintf(stderr, "moderato eval: %s: not a JSON object\n", path);
        json_decref(j);
        j = NULL;
    }
    return j;
}

/* The minimum subgroup support behind the fairness summaries of a --json
 * document: that of its first slice and label (one run uses the same for
 * all), 0 when not recorded (documents written before the minimums existed).
 * Returns 0 when the document has no fairness summary, else 1. */
static int fairness_minimums(const json_t *doc, json_int_t *negatives, json_int_t *per_class)
{
    const char *k;
    json_t *s, *l;
    json_object_foreach(json_object_get(doc, "fairness"), k, s)
    {
        json_object_foreach(json_object_get(s, "labels"), k, l)
        {
            *negatives = json_integer_value(json_object_get(l, "min_negatives"));
            *per_class = json_integer_value(json_object_get(l, "min_class"));
            return 1;
        }
    }
    return 0;
}

/* Says so when the baseline's fairness summaries were computed with other
 * minimums than the current run's: their gates then compare two definitions. */
static void note_fairness_minimums(FILE *f, const json_t *base, const json_t *current)
{
    json_int_t bn, bc, cn, cc;
    if (!fairness_minimums(base, &bn, &bc) || !fairness_minimums(current, &cn, &cc) ||
        (bn == cn && bc == cc))
        return;
    fprintf(f,
            "\nnote: fairness summaries of the baseline use min_negatives %lld, min_class %lld; "
            "this run's %lld, %lld (0 = every subgroup counts): the fairness gates compare "
            "summaries over different subgroups\n",
            (long long)bn, (long long)bc, (long long)cn, (long long)cc);
}

int mo_cli_eval_gates(const char *baseline_path, const char *gate_path, int as_json,
                      json_t *current)
{
    json_t *base = load_json_file(baseline_path), *gates = load_json_file(gate_path);
    int status = MO_EXIT_FAILURE;
    mo_eval_gate_row *rows = NULL;
    size_t n = 0, nf = 0;
    mo_diag diag;
    if (!base || !gates)
        goto out;
    int rc = mo__eval_gate_check(gates, base, current, &rows, &n, &nf, &diag);
    if (rc != MO_OK) {
        fprintf(stderr, "moderato eval: %s: %s\n", gate_path,
                rc == MO_ENOMEM ? "out of memory" : diag.msg);
        goto out;
    }
    FILE *f = as_json ? stderr : stdout;
    note_fairness_minimums(f, base, current);
    if (!n) {
        fprintf(stderr, "moderato eval: %s: no gated value found in %s\n", gate_path,
                baseline_path);
        goto out;
    }
    if (nf) {
        fprintf(f, "\nGATES FAILED: %zu of %zu gated values regressed (baseline %s)\n", nf, n,
                baseline_path);
        fprintf(f, "%-32s %-8s %-22s %9s %9s %9s %9s\n", "metric", "group", "label", "baseline",
                "now", "change", "tolerance");
        for (size_t i = 0; i < n; i++) {
            if (!rows[i].failed)
                continue;
            char c[3][16];
            mo_cli_fmt4(c[0], rows[i].baseline);
            mo_cli_fmt4(c[1], rows[i].now);
            mo_cli_fmt4(c[2], rows[i].change);
            fprintf(f, "%-32s %-8s %-22s %9s %9s %9s %9.4f\n", rows[i].metric, rows[i].group,
                    rows[i].label, c[0], c[1], c[2], rows[i].tolerance);
        }
        fprintf(f, "(change = baseline - now for max_drop gates, now - baseline for "
                   "max_increase gates)\n");
        status = MO_EXIT_GATE;
    } else {
        fprintf(f, "\nall gates passed (%zu gated values checked against %s)\n", n, baseline_path);
        status = MO_EXIT_OK;
    }
out:
    mo__free(rows);
    json_decref(base);
    json_decref(gates);
    return status;
}

int mo_cli_eval_compare(const char *path_a, const char *path_b, int as_json)
{
    static const char *const metrics[] = {"pr_auc",       "roc_auc", "precision", "recall",
                                          "f1",           "fpr",     "ece",       "recall_at_p90",
                                          "recall_at_p95"};
    json_t *a = load_json_file(path_a), *b = load_json_file(path_b);
    if (!a || !b) {
        json_decref(a);
        json_decref(b);
        return MO_EXIT_FAILURE;
    }
    json_t *out = json_object();
    json_object_set_new(out, "schema", json_string("moderato.eval-compare/1"));
    json_object_set_new(out, "a", json_string(path_a));
    json_object_set_new(out, "b", json_string(path_b));
    char why[200];
    int paired = mo__eval_pairable(a, b, why, sizeof why);
    json_object_set_new(out, "paired", json_boolean(paired));
    json_object_set_new(out, "paired_reason", json_string(why));
    if (paired)
        json_object_set_new(out, "bootstrap", json_deep_copy(json_object_get(a, "bootstrap")));
    json_t *jgroups = json_object();
    json_object_set_new(out, "groups", jgroups);
    if (!as_json) {
        printf("A = %s\nB = %s\n", path_a, path_b);
        if (paired)
            printf("paired bootstrap over the runs' replicates (%s); * = the 95%% interval of "
                   "B-A excludes 0\n",
                   why);
        else
            printf("not paired: %s;\nno significance: rerun both with the same --data, --seed "
                   "and --bootstrap, or use --compare-predictions\n",
                   why);
    }
    const char *gname, *label;
    json_t *ga, *la;
    json_object_foreach(json_object_get(a, "groups"), gname, ga)
    {
        json_t *gb = json_object_get(json_object_get(b, "groups"), gname);
        if (!gb)
            continue;
        json_t *jg = json_object();
        json_object_set_new(jgroups, gname, jg);
        if (!as_json)
            printf("\n== %s\n%-12s %-13s %9s %9s %9s  %s\n", gname, "label", "metric", "A", "B",
                   "B-A", paired ? "95% CI of B-A" : "");
        json_object_foreach(json_object_get(ga, "labels"), label, la)
        {
            json_t *lb = json_object_get(json_object_get(gb, "labels"), label);
            if (!lb)
                continue;
            json_t *jl = json_object();
            json_object_set_new(jg, label, jl);
            for (size_t q = 0; q < sizeof metrics / sizeof *metrics; q++) {
                json_t *va = json_object_get(la, metrics[q]), *vb = json_object_get(lb, metrics[q]);
                double x = json_is_number(va) ? json_number_value(va) : NAN;
                double y = json_is_number(vb) ? json_number_value(vb) : NAN;
                json_t *row = json_object();
                mo_cli_json_num(row, "a", x);
                mo_cli_json_num(row, "b", y);
                mo_cli_json_num(row, "diff", y - x);
                mo_eval_ci ci = {NAN, NAN};
                int rc = paired ? mo__eval_replicate_diff(a, b, gname, label, metrics[q], &ci)
                                : MO_ENOTFOUND;
                if (rc == MO_ENOMEM || rc == MO_EPARSE) {
                    fprintf(stderr, "moderato eval: --compare %s/%s/%s: %s\n", gname, label,
                            metrics[q], rc == MO_ENOMEM ? "out of memory" : "malformed replicates");
                    json_decref(row);
                    json_decref(out);
                    json_decref(a);
                    json_decref(b);
                    return MO_EXIT_FAILURE;
                }
                int sig = !isnan(ci.lo) && (ci.lo > 0 || ci.hi < 0);
                json_object_set_new(row, "ci", mo_cli_json_ci(ci));
                json_object_set_new(row, "significant",
                                    rc == MO_OK && !isnan(ci.lo) ? json_boolean(sig) : json_null());
                json_object_set_new(jl, metrics[q], row);
                if (!as_json) {
                    char c[3][16], cs[24] = "";
                    mo_cli_fmt4(c[0], x);
                    mo_cli_fmt4(c[1], y);
                    mo_cli_fmt_diff(c[2], y - x);
                    if (rc == MO_OK)
                        mo_cli_fmt_ci(cs, ci);
                    printf("%-12s %-13s %9s %9s %9s  %-20s %s\n", label, metrics[q], c[0], c[1],
                           c[2], cs, sig ? "*" : "");
                }
            }
        }
    }
    if (as_json) {
        json_dumpf(out, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        putchar('\n');
    }
    json_decref(out);
    json_decref(a);
    json_decref(b);
    return MO_EXIT_OK;
}
