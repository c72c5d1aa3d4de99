/*
 * scorer.h -- what `moderato eval` and `moderato suite run` score texts with:
 * a bare text model, or the full engine (config, model, detectors, policy)
 * whose enforcement is mapped back to taxonomy labels (docs/EVALUATION.md,
 * "Evaluating the engine"). Wraps either behind the eval layer's
 * mo_eval_scorer so the suite and counterfactual runners do not care which.
 */
#ifndef MO_CLI_SCORER_H
#define MO_CLI_SCORER_H

#include "eval/eval.h"

#include <jansson.h>

typedef struct mo_cli_scorer mo_cli_scorer;

/* Opens the engine of config_path when use_engine (config_path NULL = the
 * shipped config/default.json), else the model at model_path (NULL = the
 * shipped model). Prints "moderato <cmd>: ..." with the diag on failure.
 * *out (OUT) is freed with mo_cli_scorer_free. Returns MO_OK or an MO_E*. */
int mo_cli_scorer_open(const char *cmd, const char *model_path, int use_engine,
                       const char *config_path, mo_cli_scorer **out);
void mo_cli_scorer_free(mo_cli_scorer *s);

/* The scorer as the eval layer sees it; borrowed until mo_cli_scorer_free.
 * Engine scores are "effective" scores: the decision's classifier score for
 * the label, moved to the operating threshold (up when the engine enforced a
 * category of that label, just below it when it did not), so that
 * score >= threshold exactly when the engine flags the label. */
const mo_eval_scorer *mo_cli_scorer_eval(const mo_cli_scorer *s);

/* Scores one data record (a JSON object with "text"; for the engine the
 * record's type/surface/region/lang/author/recipient are used, type defaults
 * to "comment"). scores (OUT, n_labels). Returns MO_OK or an MO_E* with diag. */
int mo_cli_scorer_score_item(mo_cli_scorer *s, const json_t *item, float *scores, mo_diag *diag);

/* "model" or "engine", and the path it was opened from (borrowed). */
const char *mo_cli_scorer_kind(const mo_cli_scorer *s);
const char *mo_cli_scorer_path(const mo_cli_scorer *s);
/* The bare model of a model scorer (borrowed), NULL for the engine or NULL s. */
const mo_model *mo_cli_scorer_model(const mo_cli_scorer *s);

/* For the engine: {"config","version","model","default_type","category_labels":{...},
 * "labels":{label:{"items","enforced","classifier_flagged","lifted","suppressed"}},
 * "actions":{...}} over the items scored since the last call (counters are
 * reset). NULL for a model. New reference. */
json_t *mo_cli_scorer_take_stats(mo_cli_scorer *s);

/* Prints a suite result (cmd_suite.c): the text tables, or with as_json the
 * moderato.suite/1 object naming the suite file and the model or engine.
 * Returns 0, or -1 when out of memory. */
int mo_cli_suite_print(const mo_eval_suite *res, const char *file, const mo_cli_scorer *sc,
                       int as_json);

/* ==== The suite and counterfactual parts of `moderato eval` (eval_extra.c) ==== */

typedef struct mo_cli_eval_extra {
    int engine;                  /* --engine */
    const char *config;          /* --config FILE (engine configuration) */
    const char *suite;           /* --suite FILE */
    unsigned long long failures; /* --failures N: failing suite cases shown per functionality */
    int counterfactual;          /* --counterfactual */
    const char *terms;           /* --terms FILE (default data/identity/terms.tsv) */
    const char *templates;       /* --templates FILE: plain sentences instead of --data */
    int identity_slice;          /* --slice identity given: --terms also names its terms */
} mo_cli_eval_extra;

/* If argv[i] is one of the options above, stores it and returns how many
 * arguments it used (1 or 2); 0 when it is not one; -1 on a bad value
 * (message printed). */
int mo_cli_eval_extra_arg(mo_cli_eval_extra *x, int argc, char **argv, int i);

/* Checks the combination with the rest of the command line (data: --data or
 * NULL; other_scores: --model/--predictions/--compare... given). Prints the
 * problem and returns -1, else 0. */
int mo_cli_eval_extra_check(const mo_cli_eval_extra *x, const char *data, const char *model,
                            int other_scores);

/* Runs --suite and --counterfactual (over data, or --templates) with sc: adds
 * "suite" and "counterfactual" to doc and, unless as_json, prints their
 * tables. Returns 0, or -1 with the error printed. */
int mo_cli_eval_extra_run(const mo_cli_eval_extra *x, mo_cli_scorer *sc, const char *data,
                          json_t *doc, int as_json);

/* `moderato eval --suite FILE` or `--counterfactual --templates FILE` without
 * --data: opens the model or engine, runs them, prints tables or a
 * moderato.eval/1 document, writes --html. Returns the exit status. */
int mo_cli_eval_extra_main(const mo_cli_eval_extra *x, const char *model_path, const char *html,
                           int as_json);

/* ==== Gates and --compare of earlier --json runs (eval_compare.c) ==== */

/* Eval's number formatting: out gets "%.4f" or "-" for NAN (16 bytes of
 * room); an interval "[lo, hi]" or "-" (24 bytes); r4 rounds to 4 decimals;
 * json_num sets o[k] to the rounded value, or null when not finite; json_ci
 * is [lo, hi] rounded, or null (new reference). */
void mo_cli_fmt4(char *out, double x);
void mo_cli_fmt_ci(char *out, mo_eval_ci c);
void mo_cli_fmt_diff(char *out, double d); /* "%+.4f" or "-" (16 bytes) */
double mo_cli_r4(double v);
void mo_cli_json_num(json_t *o, const char *k, double v);
json_t *mo_cli_json_ci(mo_eval_ci c);

/* Exit status of a failed gate (docs/CLI.md). */
#define MO_EXIT_GATE 4

/* Gates `current` (a moderato.eval/1 document) against the run at
 * baseline_path under the gates at gate_path; prints the table (stdout, or
 * stderr when as_json) and returns MO_EXIT_OK, MO_EXIT_GATE or
 * MO_EXIT_FAILURE (unreadable files, bad gates). */
int mo_cli_eval_gates(const char *baseline_path, const char *gate_path, int as_json,
                      json_t *current);

/* --compare A.json B.json: side by side per group and label, with a paired
 * bootstrap from the runs' replicates when they can be paired; a table or
 * (as_json) moderato.eval-compare/1 on stdout. Returns an exit status. */
int mo_cli_eval_compare(const char *path_a, const char *path_b, int as_json);

#endif /* MO_CLI_SCORER_H */
