/*
 * eval.h -- the eval layer's interface: bootstrap confidence intervals (plain
 * and paired), per-subgroup fairness metrics (subgroup / BPSN / BNSP AUC,
 * their generalized power mean, the Jigsaw final bias score, FPR/FNR gaps), a
 * fixed threshold sweep, regression gates over two `moderato eval --json`
 * documents, the functional suite runner and the counterfactual identity
 * check (both score through a caller's mo_eval_scorer: a model or the
 * engine). May use base, text and model; never engine or cli.
 *
 * Labels are int8_t as in model.h: 1 positive, 0 negative, -1 unknown
 * (skipped). Undefined values are NAN. Nothing here keeps state between calls;
 * every function is thread-safe on distinct outputs. See docs/EVALUATION.md.
 */
#ifndef MO_EVAL_H
#define MO_EVAL_H

#include "base/base.h"

#include <jansson.h>

/* ==== Bootstrap confidence intervals (bootstrap.c) ==== */

/* The metrics that get intervals, in this order. */
enum mo_eval_metric {
    MO_EVAL_PR_AUC = 0,
    MO_EVAL_ROC_AUC,
    MO_EVAL_PRECISION, /* at the operating threshold */
    MO_EVAL_RECALL,
    MO_EVAL_F1,
    MO_EVAL_N_METRICS
};

/* Names used in --json ("pr_auc", ...), indexed by enum mo_eval_metric. */
extern const char *const mo__eval_metric_names[MO_EVAL_N_METRICS];

#define MO_EVAL_DEFAULT_RESAMPLES 1000u
#define MO_EVAL_DEFAULT_SEED 20261125u

/* A two-sided percentile interval; NAN when fewer than half of the resamples
 * gave a defined value (e.g. a resample with no positive has no PR-AUC). */
typedef struct mo_eval_ci {
    double lo, hi;
} mo_eval_ci;

/* One system's scores: scores[k] and thresholds[k] for label k. */
typedef struct mo_eval_system {
    const float *const *scores; /* (n_labels) arrays of n scores; borrowed */
    const float *thresholds;    /* (n_labels) operating thresholds; borrowed */
} mo_eval_system;

/* Percentile bootstrap over n items (resampled with replacement, the same
 * resampled indices for every label and for both systems), n_resamples rounds
 * seeded with `seed`: the same inputs give the same intervals on every machine.
 * labels[k] is an array of n labels for label k.
 *   ci_a    (OUT, n_labels * MO_EVAL_N_METRICS): 95% intervals for system a.
 *   b       optional second system scored on the same items (paired bootstrap);
 *           then ci_b (OUT, may be NULL) gets b's intervals and ci_diff (OUT)
 *           the intervals of (b - a). A difference whose interval excludes 0
 *           is significant at the 5% level.
 * Cost: O(n_labels * n log n) once, then O(n_resamples * n_labels * n); no
 * allocation proportional to n_resamples * n. Returns MO_OK, MO_EINVAL or
 * MO_ENOMEM. */
int mo__eval_bootstrap(const int8_t *const *labels, size_t n_labels, size_t n,
                       const mo_eval_system *a, const mo_eval_system *b, unsigned n_resamples,
                       uint64_t seed, mo_eval_ci *ci_a, mo_eval_ci *ci_b, mo_eval_ci *ci_diff);

/* mo__eval_bootstrap that also returns every resample's value for system a:
 * reps (OUT, may be NULL) gets n_labels * MO_EVAL_N_METRICS * n_resamples
 * doubles, metric q of label k in round r at
 * reps[(k * MO_EVAL_N_METRICS + q) * n_resamples + r], NAN where undefined.
 * The same seed, item count and resample count give the same resampled items
 * in every round, so two runs' replicates form a paired bootstrap. */
int mo__eval_bootstrap_replicates(const int8_t *const *labels, size_t n_labels, size_t n,
                                  const mo_eval_system *a, const mo_eval_system *b,
                                  unsigned n_resamples, uint64_t seed, mo_eval_ci *ci_a,
                                  mo_eval_ci *ci_b, mo_eval_ci *ci_diff, double *reps);

/* The 2.5% and 97.5% percentiles (linear interpolation) of the finite values
 * among v[0..r); NAN when fewer than half of the r are finite. Reorders v. */
mo_eval_ci mo__eval_percentile_ci(double *v, size_t r);

/* ==== Replicates in --json and paired --compare (replicates.c) ==== */

/* Encoding of the replicate strings, recorded as bootstrap.replicates. */
#define MO_EVAL_REP_ENCODING "b64q4"
#define MO_EVAL_REP_SCALE 10000.0 /* values are stored as round(v * 10^4) */

/* Appends r values encoded as 3 characters each of the URL-safe base64
 * alphabet (A-Z a-z 0-9 - _), an 18-bit big-endian integer round(v * 10^4)
 * with v clamped to [0, 1]; "___" is an undefined (NAN) value.
 * Returns MO_OK or MO_ENOMEM. */
int mo__eval_replicates_encode(const double *v, size_t r, mo_buf *out);

/* Decodes s (len chars) into v[0..r) (OUT). Returns MO_OK, or MO_EPARSE when
 * len != 3 * r or a character or value is out of range. */
int mo__eval_replicates_decode(const char *s, size_t len, double *v, size_t r);

/* {"<label>": {"pr_auc": "<encoded>", ...}, ...} from reps laid out as in
 * mo__eval_bootstrap_replicates; labels whose replicates are all undefined
 * are left out. Returns a new reference, or NULL when out of memory. */
json_t *mo__eval_replicates_json(const char *const *label_names, size_t n_labels,
                                 const double *reps, unsigned n_resamples);

/* Whether two moderato.eval/1 documents can be compared by paired bootstrap:
 * both record replicates in the same encoding with the same seed and
 * resample count, on the same data (data_xxh64) and, when both record it,
 * the same items in the same order (bootstrap.items_xxh64). Returns 1, or 0 with a
 * reason (a sentence fragment naming both values) in why (OUT, why_len). */
int mo__eval_pairable(const json_t *a, const json_t *b, char *why, size_t why_len);

/* The 95% percentile interval of (b - a) over the paired replicates of one
 * metric of groups.<group>.replicates.<label>.<metric> in two pairable
 * documents (mo__eval_pairable). ci (OUT). Returns MO_OK, MO_ENOTFOUND when
 * either has no replicates for it (or the group's n_items differ), MO_EPARSE
 * on a malformed string, MO_ENOMEM. */
int mo__eval_replicate_diff(const json_t *a, const json_t *b, const char *group, const char *label,
                            const char *metric, mo_eval_ci *ci);

/* ==== Multi-class view of mutually exclusive labels (multiclass.c) ==== */

#define MO_EVAL_MAX_CLASSES 32

typedef struct mo_eval_class_stats {
    size_t support;   /* items of this true class */
    size_t predicted; /* items whose argmax is this class */
    double precision; /* NAN when never predicted */
    double recall;    /* NAN without support */
    double f1;        /* 2 tp / (support + predicted); NAN when both are 0 */
} mo_eval_class_stats;

typedef struct mo_eval_multiclass {
    size_t n_items;         /* every class known and exactly one positive */
    size_t n_not_exclusive; /* every class known but 0 or >= 2 positives: left out */
    double accuracy;        /* trace / n_items; NAN when n_items == 0 */
    double macro_f1;        /* mean F1 over classes with support or predictions */
} mo_eval_multiclass;

/* Argmax confusion matrix of n_classes (2..MO_EVAL_MAX_CLASSES) exclusive
 * labels: scores[c] and labels[c] are arrays of n for class c. Counted are the
 * items with every class known and exactly one positive (the true class);
 * the prediction is the class with the highest weights[c] * score (weights
 * NULL: all 1; a model's `--classes` rule), NaN reading as -inf and ties
 * going to the first class. confusion (OUT, n_classes^2) row = true
 * class, column = predicted; per_class (OUT, n_classes, may be NULL); out
 * (OUT). Macro-F1 averages the classes that are true or predicted at least
 * once (scikit-learn's f1_score(average="macro")). Returns MO_OK or MO_EINVAL. */
int mo__eval_multiclass(const float *const *scores, const float *weights,
                        const int8_t *const *labels, size_t n_classes, size_t n, size_t *confusion,
                        mo_eval_class_stats *per_class, mo_eval_multiclass *out);

/* Parses a --classes list "a,b,c" against the label names: out (OUT, room
 * for MO_EVAL_MAX_CLASSES) gets the label indices in the order given, *n_out
 * their count. Returns MO_OK, or MO_EINVAL with diag saying which name is
 * unknown or repeated, or that there are fewer than 2 or more than
 * MO_EVAL_MAX_CLASSES. */
int mo__eval_classes_parse(const char *spec, const char *const *labels, size_t n_labels,
                           size_t *out, size_t *n_out, mo_diag *diag);

/* groups.<g>.multiclass of moderato.eval/1 (docs/EVALUATION.md) from a
 * mo__eval_multiclass result: classes (names), detected, n_items,
 * n_not_exclusive, accuracy, macro_f1, confusion (rows true), per_class.
 * Numbers rounded to 4 decimals, undefined ones null. Everything borrowed;
 * returns a new reference or NULL when out of memory. */
json_t *mo__eval_multiclass_json(const char *const *class_names, size_t n_classes, int detected,
                                 const size_t *confusion, const mo_eval_class_stats *per_class,
                                 const mo_eval_multiclass *mc);

/* 1 when the n_labels (2..MO_EVAL_MAX_CLASSES) labels look mutually
 * exclusive: at least one item has all of them known and every such item has
 * exactly one positive; else 0. */
int mo__eval_exclusive(const int8_t *const *labels, size_t n_labels, size_t n);

/* ==== Threshold sweep (sweep.c) ==== */

#define MO_EVAL_SWEEP_N 19 /* thresholds 0.05, 0.10, ..., 0.95 */

typedef struct mo_eval_sweep_point {
    float threshold;
    double precision; /* 1 when nothing is predicted positive */
    double recall;    /* NAN without positives */
    double f1;
    double fpr; /* NAN without negatives */
    size_t tp, fp;
} mo_eval_sweep_point;

/* Fills out[MO_EVAL_SWEEP_N] for thresholds 0.05 * (i + 1). */
void mo__eval_sweep(const float *scores, const int8_t *labels, size_t n,
                    mo_eval_sweep_point out[MO_EVAL_SWEEP_N]);

/* ==== Fairness (fairness.c): Borkan et al. 2019 ==== */

#define MO_EVAL_POWER_P (-5.0)

/* Default minimum support for a subgroup to enter the summaries
 * (docs/EVALUATION.md, "Fairness"): below them one item moves a summary by
 * more than its gate's tolerance (one of 14 negatives is an FPR step of 0.07). */
#define MO_EVAL_FAIRNESS_MIN_NEGATIVES 30u /* for the FPR gap */
#define MO_EVAL_FAIRNESS_MIN_CLASS 10u     /* for the AUCs, per class used */

/* The per-subgroup values that enter a summary, in this order. */
enum mo_eval_fair_part {
    MO_EVAL_FAIR_SUBGROUP_AUC = 0, /* -> subgroup_auc_power_mean */
    MO_EVAL_FAIR_BPSN_AUC,         /* -> bpsn_auc_power_mean */
    MO_EVAL_FAIR_BNSP_AUC,         /* -> bnsp_auc_power_mean */
    MO_EVAL_FAIR_FPR_GAP,          /* -> max_fpr_gap */
    MO_EVAL_FAIR_N_PARTS
};

/* Names used in --json ("subgroup_auc", ...), indexed by enum mo_eval_fair_part. */
extern const char *const mo__eval_fair_part_names[MO_EVAL_FAIR_N_PARTS];

/* Minimum support of a subgroup for its values to enter the summaries; 0 = no
 * minimum (every defined value counts, as before the minimums existed). */
typedef struct mo_eval_fairness_min {
    size_t negatives; /* subgroup negatives for its FPR gap to count in max_fpr_gap */
    size_t per_class; /* items of each class an AUC compares: the subgroup's positives
                       * and negatives (subgroup AUC); the subgroup's negatives and the
                       * background's positives (BPSN); the subgroup's positives and the
                       * background's negatives (BNSP) */
} mo_eval_fairness_min;

typedef struct mo_eval_subgroup {
    size_t n, pos, neg;      /* known items in the subgroup, positives, negatives */
    double subgroup_auc;     /* AUC within the subgroup */
    double bpsn_auc;         /* background positives + subgroup negatives */
    double bnsp_auc;         /* background negatives + subgroup positives */
    double fpr, fnr;         /* at the threshold, within the subgroup */
    double fpr_gap, fnr_gap; /* subgroup rate - overall rate */
    uint8_t in_summary[MO_EVAL_FAIR_N_PARTS]; /* 1: the value is defined and counts in its
                                               * summary; 0: undefined or too little support */
} mo_eval_subgroup;

typedef struct mo_eval_fairness {
    double overall_auc;
    double fpr, fnr;                /* overall, at the threshold */
    double subgroup_auc_power_mean; /* M_p over the subgroups whose value is in_summary */
    double bpsn_auc_power_mean;
    double bnsp_auc_power_mean;
    double final_score;       /* 0.25 * overall_auc + 0.25 * (sum of the 3 power means) */
    double max_fpr_gap;       /* max |fpr_gap| over the in_summary subgroups; NAN when none */
    double max_fnr_gap;       /* max |fnr_gap| over all subgroups with one (no minimum) */
    mo_eval_fairness_min min; /* the minimums used */
    size_t n_left_out[MO_EVAL_FAIR_N_PARTS]; /* subgroups with a defined value that the
                                              * minimums kept out of the summary */
} mo_eval_fairness;

/* Generalized power mean (1/N sum x^p)^(1/p) over the finite values of x;
 * NAN when there are none. p = 0 is the geometric mean. */
double mo__eval_power_mean(const double *x, size_t n, double p);

/* Per-subgroup bias metrics for one label. member[g * n + i] != 0 when item i
 * belongs to subgroup g (an item may belong to several or none). A subgroup
 * with fewer than 2 known positives or 2 known negatives gets NAN AUCs. Each
 * defined value enters its summary only when the subgroup meets `min` (NULL:
 * MO_EVAL_FAIRNESS_MIN_NEGATIVES and MO_EVAL_FAIRNESS_MIN_CLASS; borrowed);
 * a summary with no value entering it is NAN. out (OUT, n_groups) and
 * summary (OUT). Returns MO_OK, MO_EINVAL (n > UINT32_MAX) or MO_ENOMEM. */
int mo__eval_fairness(const float *scores, const int8_t *labels, size_t n, float threshold,
                      const uint8_t *member, size_t n_groups, const mo_eval_fairness_min *min,
                      mo_eval_subgroup *out, mo_eval_fairness *summary);

/* ==== Regression gates (gate.c) ==== */

/* One checked (metric, group, label) cell. */
typedef struct mo_eval_gate_row {
    char metric[64];
    char group[64];
    char label[64]; /* "slice/label" for fairness metrics */
    double baseline, now;
    double change; /* baseline - now for max_drop, now - baseline for max_increase */
    double tolerance;
    int failed; /* 1 when change > tolerance, or now undefined but baseline defined */
} mo_eval_gate_row;

/* Checks every gate of `gates` ({"gates":[{"metric":"pr_auc","labels":["*"],
 * "group":"all","max_drop":0.01}, ...]}, see docs/EVALUATION.md) of the
 * `current` eval document against `baseline`. *rows (OUT, free with mo__free)
 * gets every checked cell, *n_rows their count and *n_failed the failures.
 * Returns MO_OK, MO_EPARSE with a diag naming the gate and field, or MO_ENOMEM. */
int mo__eval_gate_check(const json_t *gates, const json_t *baseline, const json_t *current,
                        mo_eval_gate_row **rows, size_t *n_rows, size_t *n_failed, mo_diag *diag);

/* ==== Scorers: what suite and counterfactual runs score texts with ==== */

/* Scores one text for every label of a scorer: scores (OUT, n_labels).
 * `item` is the data record the text comes from (a JSON object, or NULL for a
 * plain sentence) so a scorer that needs context (the engine: type, surface,
 * region, ...) can read it; `text` (len bytes) is what to score, which for a
 * counterfactual variant differs from the item's own text. Returns MO_OK or an
 * MO_E* code with diag set; the run stops at the first error. */
typedef int (*mo_eval_score_fn)(void *user, const json_t *item, const char *text, size_t len,
                                float *scores, mo_diag *diag);

typedef struct mo_eval_scorer {
    size_t n_labels;
    const char *const *labels; /* (n_labels) label names; borrowed */
    const float *thresholds;   /* (n_labels) operating thresholds; flag = score >= threshold */
    mo_eval_score_fn score;
    void *user; /* passed to score */
} mo_eval_scorer;

/* Calls fn(user, line, len, line_no) for every non-empty line of the file at
 * path (the newline removed, NUL-terminated; line borrowed for the call).
 * fn returns MO_OK to go on or an MO_E* code (with diag set) to stop with it.
 * Returns MO_OK, MO_EIO (diag names the file) or fn's code. */
int mo__eval_lines(const char *path,
                   int (*fn)(void *user, const char *line, size_t len, uint64_t line_no),
                   void *user, mo_diag *diag);

/* ==== Functional suite (suite.c) ==== */

/* One row of a suite report: a functionality, a language, or one
 * (functionality, language) cell. */
typedef struct mo_eval_suite_row {
    char *name;       /* functionality or language code; owned */
    char *lang;       /* the language of a cell row, NULL otherwise; owned */
    size_t n_cases;   /* cases seen */
    size_t n_passed;  /* cases that passed */
    json_t *failures; /* up to max_failures failing cases (functionality rows); owned */
} mo_eval_suite_row;

typedef struct mo_eval_suite {
    mo_eval_suite_row *funcs, *langs, *cells; /* in first-seen order */
    size_t n_funcs, n_langs, n_cells;
    size_t cap_funcs, cap_langs, cap_cells;
    size_t n_cases, n_passed;
    size_t max_failures; /* failing cases kept per functionality */
} mo_eval_suite;

/* Scores the functional suite at path (JSON Lines, docs/SUITE.md) with sc. A
 * case passes when, for every label it asserts, (score >= threshold) equals
 * the expected 0/1; absent labels are not asserted. *out (OUT) is the
 * caller's, freed with mo__eval_suite_free. Returns MO_OK, MO_EIO, MO_EPARSE
 * (diag names file:line:field: not an object, missing text/functionality, a
 * label not 0/1 or unknown to the scorer), the scorer's error or MO_ENOMEM;
 * on error *out is NULL. */
int mo__eval_suite_run(const char *path, const mo_eval_scorer *sc, size_t max_failures,
                       mo_eval_suite **out, mo_diag *diag);
void mo__eval_suite_free(mo_eval_suite *r);

/* The moderato.suite/1 body: {"cases","passed","accuracy","functionality":
 * {name: {"cases","passed","accuracy","lang":{...}[,"failures"]}},"lang":{...}}.
 * New reference (caller decrefs) or NULL on OOM. */
json_t *mo__eval_suite_json(const mo_eval_suite *r);

/* Appends the text report (per functionality, per language, functionality x
 * language accuracy, the overall line, then the kept failures) to out.
 * Returns MO_OK or MO_ENOMEM. */
int mo__eval_suite_text(const mo_eval_suite *r, mo_buf *out);

/* Accuracy passed / cases; 0 for no case. */
double mo__eval_suite_accuracy(size_t passed, size_t cases);

/* ==== Counterfactual identity check (counterfactual.c) ==== */

/* One identity term of a term list (data/identity/terms.tsv). */
typedef struct mo_eval_cf_term {
    char *group; /* religion, ethnicity, gender, ...; owned */
    char *term;  /* as written, e.g. "Muslims"; owned */
    char *lang;  /* en, de, pt; owned */
    char *form;  /* singular or plural; owned */
} mo_eval_cf_term;

typedef struct mo_eval_cf_terms {
    mo_eval_cf_term *v;
    size_t n, cap;
} mo_eval_cf_terms;

/* Loads a tab-separated term list: a header line "group term lang form", then
 * one term per line; '#' lines and blank lines are skipped. Terms of the same
 * (lang, form) are swapped for each other. *out (OUT) is freed with
 * mo__eval_cf_terms_free. Returns MO_OK, MO_EIO, MO_EPARSE (diag names
 * file:line:field: wrong column count, empty field, duplicate term, a form
 * other than singular/plural) or MO_ENOMEM. */
int mo__eval_cf_terms_load(const char *path, mo_eval_cf_terms *out, mo_diag *diag);
/* Adds one term (copied); used by tests and by the loader. MO_OK or MO_ENOMEM. */
int mo__eval_cf_terms_add(mo_eval_cf_terms *t, const char *group, const char *term,
                          const char *lang, const char *form);
void mo__eval_cf_terms_free(mo_eval_cf_terms *t);

/* A mention of a term in a text: bytes [start, end) match terms->v[term]. */
typedef struct mo_eval_cf_mention {
    size_t start, end;
    size_t term;
} mo_eval_cf_mention;

/* Finds the mentions of the terms in text (len bytes): case-insensitive
 * (Unicode simple case folding), at word boundaries (the characters before
 * and after are not letters, digits, '_' or marks), leftmost-longest and not
 * overlapping. With lang non-NULL only that language's terms are matched; a
 * surface form listed in several languages is matched as its first entry.
 * Fills up to max mentions in text order and returns how many were found
 * (may exceed max). Allocates nothing. */
size_t mo__eval_cf_find(const mo_eval_cf_terms *t, const char *text, size_t len, const char *lang,
                        mo_eval_cf_mention *out, size_t max);

/* Writes into out the text with every mention of term `from` replaced by term
 * `to`. Casing follows the mention: an all-upper-case mention gives an
 * upper-case replacement, a mention starting with a capital letter gives the
 * replacement with its first letter capitalized, otherwise the term is written
 * as listed. Other mentions are kept. out is reset first. MO_OK or MO_ENOMEM. */
int mo__eval_cf_substitute(const mo_eval_cf_terms *t, const char *text, size_t len,
                           const mo_eval_cf_mention *m, size_t n_m, size_t from, size_t to,
                           mo_buf *out);

#define MO_EVAL_CF_WORST 10 /* worst pairs kept per label */

/* One swap: the original text scored s_orig, the variant s_var. */
typedef struct mo_eval_cf_pair {
    double delta; /* s_var - s_orig */
    float s_orig, s_var;
    size_t from, to; /* term indices */
    char *id;        /* the item's id as text; owned */
    char *orig;      /* original text; owned */
    char *variant;   /* variant text; owned */
} mo_eval_cf_pair;

/* Per label aggregate over all swaps. */
typedef struct mo_eval_cf_label {
    size_t n_swaps;
    double sum_abs, max_abs; /* of delta */
    size_t n_flips;          /* (s_orig >= thr) != (s_var >= thr) */
    double *term_sum;        /* (n_terms) sum over families of (s_term - family mean) */
    size_t *term_n;          /* (n_terms) families the term took part in */
    mo_eval_cf_pair worst[MO_EVAL_CF_WORST]; /* by abs(delta), largest first */
    size_t n_worst;
} mo_eval_cf_label;

typedef struct mo_eval_cf_result {
    size_t n_labels, n_terms;
    size_t n_texts;           /* texts read */
    size_t n_mentioned;       /* texts with at least one mention */
    size_t n_families;        /* (text, mentioned term) pairs with at least one swap */
    size_t n_swaps;           /* variants scored */
    mo_eval_cf_label *labels; /* (n_labels) */
} mo_eval_cf_result;

/* Adds one text to the result: finds its mentions (restricted to `lang` when
 * not NULL), and for every distinct mentioned term t and every other term u
 * of t's language and form scores the text with t replaced by u. A family is
 * the original plus its variants; each member's shift is its score minus the
 * family's mean, accumulated per term. Only the first 64 mentions of a text
 * are swapped. res must come from mo__eval_cf_result_init. Returns MO_OK, the
 * scorer's error or MO_ENOMEM. */
int mo__eval_cf_add(mo_eval_cf_result *res, const mo_eval_cf_terms *t, const mo_eval_scorer *sc,
                    const json_t *item, const char *id, const char *text, size_t len,
                    const char *lang);

int mo__eval_cf_result_init(mo_eval_cf_result *res, size_t n_labels, size_t n_terms);
void mo__eval_cf_result_free(mo_eval_cf_result *res);

/* Runs the check over a file: JSON Lines items ({"id","text","lang"?}) or,
 * with plain != 0, one sentence per line ('#' lines skipped). *res is
 * initialized here and freed by the caller with mo__eval_cf_result_free (also
 * on error). Returns MO_OK, MO_EIO, MO_EPARSE (file:line:field), the scorer's
 * error or MO_ENOMEM. */
int mo__eval_cf_run(const char *path, int plain, const mo_eval_cf_terms *t,
                    const mo_eval_scorer *sc, mo_eval_cf_result *res, mo_diag *diag);

/* The "counterfactual" JSON object (docs/EVALUATION.md): per label mean and
 * max abs change, flip share, per-term shift, worst pairs. New reference or
 * NULL on OOM. */
json_t *mo__eval_cf_json(const mo_eval_cf_result *res, const mo_eval_cf_terms *t,
                         const mo_eval_scorer *sc, const char *terms_path);

/* Appends the text report (per label table, top shifted terms, worst pairs).
 * Returns MO_OK or MO_ENOMEM. */
int mo__eval_cf_text(const json_t *cf, mo_buf *out);

/* ==== HTML report (html.c) ==== */

#define MO_EVAL_HTML_MAX_POINTS 200 /* points per PR / ROC curve */

/* What the report is drawn from: a moderato.eval/1 document (the --json
 * output) and the per-label scores and labels of all its items (the "all"
 * group), from which the curves and the reliability diagram are computed.
 * Everything is borrowed for the call. */
typedef struct mo_eval_html_input {
    const json_t *doc; /* moderato.eval/1 document */
    size_t n_labels;
    const char *const *label_names; /* (n_labels) as in doc's labels */
    const float *const *scores;     /* (n_labels) arrays of n scores */
    const int8_t *const *labels;    /* (n_labels) arrays of n labels, -1 unknown */
    size_t n;                       /* items */
} mo_eval_html_input;

/* Appends one self-contained HTML page (inline CSS and SVG, no script, no
 * external resource) to out: summary tables per group with 95% intervals; per
 * label PR and ROC curves (at most MO_EVAL_HTML_MAX_POINTS points), a 10-bin
 * reliability diagram, the threshold sweep and the confusion matrix at the
 * operating threshold; per-group bars with CI whiskers (--by) and per-slice
 * AUC bars (--slice). All text is HTML-escaped; undefined numbers print "-".
 * Returns MO_OK, MO_EINVAL (no "groups.all" in doc) or MO_ENOMEM; on error
 * out may hold a partial page (free it with mo__buf_free). */
int mo__eval_html_render(const mo_eval_html_input *in, mo_buf *out);

/* Renders the page and writes it to path atomically (mo__file_write_atomic).
 * Returns MO_OK or the error with diag naming the file. */
int mo__eval_html_write(const char *path, const mo_eval_html_input *in, mo_diag *diag);

#endif /* MO_EVAL_H */
