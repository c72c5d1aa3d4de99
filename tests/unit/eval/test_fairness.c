/*
 * test_fairness.c -- unit tests for src/eval/fairness.c, sweep.c and gate.c:
 * subgroup / BPSN / BNSP AUC, power means and the Jigsaw final score against
 * hand-computed values (empty and one-class subgroups give NAN), the minimum
 * subgroup support for the summaries (boundaries per metric), the fixed
 * threshold sweep, regression gates over small eval documents, and
 * allocation failure.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eval/eval.h"

#include <math.h>
#include <string.h>

static void test_power_mean(void **state)
{
    (void)state;
    double a[] = {1.0, 1.0};
    assert_float_equal(mo__eval_power_mean(a, 2, -5), 1.0, 1e-12);
    double b[] = {0.5, 1.0, NAN};
    /* ((0.5^-5 + 1^-5) / 2)^(-1/5) = (33/2)^(-1/5); NaN is skipped. */
    assert_float_equal(mo__eval_power_mean(b, 3, -5), pow(16.5, -0.2), 1e-12);
    assert_float_equal(mo__eval_power_mean(b, 2, 1), 0.75, 1e-12);
    assert_float_equal(mo__eval_power_mean(b, 2, 0), sqrt(0.5), 1e-12);
    double c[] = {NAN};
    assert_true(isnan(mo__eval_power_mean(c, 1, -5)));
    assert_true(isnan(mo__eval_power_mean(NULL, 0, -5)));
    double z[] = {0.0, 1.0};
    assert_float_equal(mo__eval_power_mean(z, 2, -5), 0.0, 1e-12);
}

/* No minimum support: every defined value enters its summary. */
static const mo_eval_fairness_min NO_MIN = {0, 0};

/* Eight items: subgroup A = items 0..3, B = 4..7, C = {0, 2, 5} (one positive). */
static const float S[] = {0.9f, 0.6f, 0.7f, 0.2f, 0.8f, 0.5f, 0.4f, 0.1f};
static const int8_t Y[] = {1, 1, 0, 0, 1, 1, 0, 0};

static void test_fairness_hand(void **state)
{
    (void)state;
    uint8_t mem[4 * 8];
    memset(mem, 0, sizeof mem);
    for (int i = 0; i < 4; i++)
        mem[0 * 8 + i] = 1, mem[1 * 8 + 4 + i] = 1;
    mem[2 * 8 + 0] = mem[2 * 8 + 2] = mem[2 * 8 + 6] = 1;
    /* group 3 is empty */
    mo_eval_subgroup g[4];
    mo_eval_fairness f;
    assert_int_equal(mo__eval_fairness(S, Y, 8, 0.5f, mem, 4, &NO_MIN, g, &f), MO_OK);
    assert_float_equal(f.overall_auc, 14.0 / 16.0, 1e-12);
    assert_float_equal(f.fpr, 0.25, 1e-12);
    assert_float_equal(f.fnr, 0.0, 1e-12);
    /* A: positives {.9,.6}, negatives {.7,.2}: 3 of 4 pairs. */
    assert_float_equal(g[0].subgroup_auc, 0.75, 1e-12);
    /* BPSN(A): background positives {.8,.5} vs A negatives {.7,.2}: 3/4. */
    assert_float_equal(g[0].bpsn_auc, 0.75, 1e-12);
    /* BNSP(A): A positives {.9,.6} vs background negatives {.4,.1}: 4/4. */
    assert_float_equal(g[0].bnsp_auc, 1.0, 1e-12);
    assert_float_equal(g[0].fpr, 0.5, 1e-12);
    assert_float_equal(g[0].fpr_gap, 0.25, 1e-12);
    assert_float_equal(g[0].fnr_gap, 0.0, 1e-12);
    assert_float_equal(g[1].subgroup_auc, 1.0, 1e-12);
    assert_float_equal(g[1].bpsn_auc, 1.0, 1e-12);
    assert_float_equal(g[1].bnsp_auc, 0.75, 1e-12);
    assert_float_equal(g[1].fpr_gap, -0.25, 1e-12);
    /* C has one positive: NaN AUCs, rates still defined. */
    assert_int_equal(g[2].pos, 1);
    assert_int_equal(g[2].neg, 2);
    assert_true(isnan(g[2].subgroup_auc) && isnan(g[2].bpsn_auc) && isnan(g[2].bnsp_auc));
    assert_float_equal(g[2].fpr, 0.5, 1e-12);
    /* Empty group: everything NaN, counts 0. */
    assert_int_equal(g[3].n, 0);
    assert_true(isnan(g[3].subgroup_auc) && isnan(g[3].fpr) && isnan(g[3].fnr_gap));
    double m = pow((pow(0.75, -5) + 1.0) / 2.0, -0.2);
    assert_float_equal(f.subgroup_auc_power_mean, m, 1e-12);
    assert_float_equal(f.bpsn_auc_power_mean, m, 1e-12);
    assert_float_equal(f.bnsp_auc_power_mean, m, 1e-12);
    assert_float_equal(f.final_score, 0.25 * 0.875 + 0.25 * 3 * m, 1e-12);
    assert_float_equal(f.max_fpr_gap, 0.25, 1e-12);
    assert_float_equal(f.max_fnr_gap, 0.0, 1e-12);
}

static void test_fairness_edges(void **state)
{
    (void)state;
    /* Ties: one positive and one negative at the same score count one half. */
    float s[] = {0.5f, 0.5f, 0.5f, 0.5f, 0.9f, 0.1f};
    int8_t y[] = {1, 0, 1, 0, 1, 0};
    uint8_t mem[6] = {1, 1, 1, 1, 0, 0};
    mo_eval_subgroup g;
    mo_eval_fairness f;
    assert_int_equal(mo__eval_fairness(s, y, 6, 0.5f, mem, 1, &NO_MIN, &g, &f), MO_OK);
    assert_float_equal(g.subgroup_auc, 0.5, 1e-12);
    /* BPSN: background positive .9 above both subgroup negatives. */
    assert_float_equal(g.bpsn_auc, 1.0, 1e-12);
    assert_float_equal(g.bnsp_auc, 1.0, 1e-12);
    /* All unknown: everything NaN, no crash. */
    int8_t u[] = {-1, -1, -1, -1, -1, -1};
    assert_int_equal(mo__eval_fairness(s, u, 6, 0.5f, mem, 1, &NO_MIN, &g, &f), MO_OK);
    assert_true(isnan(f.overall_auc) && isnan(f.final_score) && isnan(g.subgroup_auc));
    assert_true(isnan(f.subgroup_auc_power_mean) && isnan(f.max_fpr_gap));
    /* One class only. */
    int8_t p[] = {1, 1, 1, 1, 1, 1};
    assert_int_equal(mo__eval_fairness(s, p, 6, 0.5f, mem, 1, &NO_MIN, &g, &f), MO_OK);
    assert_true(isnan(f.overall_auc) && isnan(f.fpr) && isnan(g.bpsn_auc));
    /* No subgroups at all. */
    assert_int_equal(mo__eval_fairness(s, y, 6, 0.5f, NULL, 0, NULL, NULL, &f), MO_OK);
    assert_true(isnan(f.bnsp_auc_power_mean));
}

/* Items for the minimum-support tests: a background and four subgroups. */
#define MIN_N 377
#define MIN_G 4
typedef struct min_data {
    float s[MIN_N];
    int8_t y[MIN_N];
    uint8_t mem[MIN_G * MIN_N];
    size_t n;
} min_data;

/* Appends k items of score s and label y, members of the groups in mask. */
static void add_items(min_data *d, size_t k, float s, int8_t y, unsigned mask)
{
    for (size_t i = 0; i < k; i++, d->n++) {
        assert_true(d->n < MIN_N);
        d->s[d->n] = s;
        d->y[d->n] = y;
        for (size_t g = 0; g < MIN_G; g++)
            d->mem[g * MIN_N + d->n] = (uint8_t)((mask >> g) & 1);
    }
}

/* Background 100 + 100 (well separated), then at threshold 0.5:
 *   G0: 10 positives, 30 negatives of which 3 flagged (FPR 0.1);
 *   G1: 10 positives, 29 negatives all flagged (FPR 1: the extreme gap);
 *   G2: 9 positives ranked below its 40 negatives (subgroup AUC and BNSP 0);
 *   G3: 40 positives, 9 negatives ranked above them (subgroup AUC and BPSN 0,
 *       FPR 1). */
static void min_data_build(min_data *d)
{
    memset(d, 0, sizeof *d);
    add_items(d, 100, 0.8f, 1, 0);
    add_items(d, 100, 0.2f, 0, 0);
    add_items(d, 10, 0.8f, 1, 1);
    add_items(d, 3, 0.6f, 0, 1);
    add_items(d, 27, 0.2f, 0, 1);
    add_items(d, 10, 0.8f, 1, 2);
    add_items(d, 29, 0.7f, 0, 2);
    add_items(d, 9, 0.1f, 1, 4);
    add_items(d, 40, 0.2f, 0, 4);
    add_items(d, 40, 0.8f, 1, 8);
    add_items(d, 9, 0.9f, 0, 8);
    assert_int_equal(d->n, MIN_N);
}

static void test_fairness_min_support(void **state)
{
    (void)state;
    static min_data d;
    min_data_build(&d);
    mo_eval_subgroup g[MIN_G], g0[MIN_G];
    mo_eval_fairness f, f0;
    /* NULL: the defaults, 30 negatives for an FPR gap and 10 per class. */
    assert_int_equal(mo__eval_fairness(d.s, d.y, d.n, 0.5f, d.mem, MIN_G, NULL, g, &f), MO_OK);
    assert_int_equal(f.min.negatives, MO_EVAL_FAIRNESS_MIN_NEGATIVES);
    assert_int_equal(f.min.per_class, MO_EVAL_FAIRNESS_MIN_CLASS);
    assert_int_equal(g[1].neg, 29);
    assert_float_equal(g[1].fpr, 1.0, 1e-12);
    /* G0 (30 negatives, the boundary) counts; G1 (29) and G3 (9) do not, so
     * G1's extreme gap does not move max_fpr_gap. */
    assert_true(g[0].in_summary[MO_EVAL_FAIR_FPR_GAP] && g[2].in_summary[MO_EVAL_FAIR_FPR_GAP]);
    assert_false(g[1].in_summary[MO_EVAL_FAIR_FPR_GAP] || g[3].in_summary[MO_EVAL_FAIR_FPR_GAP]);
    assert_float_equal(f.max_fpr_gap, fmax(fabs(g[0].fpr_gap), fabs(g[2].fpr_gap)), 1e-12);
    assert_true(f.max_fpr_gap < fabs(g[1].fpr_gap));
    /* Subgroup AUC needs 10 of each class: G0, G1 in; G2 (9 positives) and
     * G3 (9 negatives) out. BPSN needs subgroup negatives: G3 out. BNSP needs
     * subgroup positives: G2 out (G1 with exactly 10 is in). */
    static const uint8_t want[MIN_G][MO_EVAL_FAIR_N_PARTS] = {
        {1, 1, 1, 1}, {1, 1, 1, 0}, {0, 1, 0, 1}, {0, 0, 1, 0}};
    for (int i = 0; i < MIN_G; i++)
        assert_memory_equal(g[i].in_summary, want[i], MO_EVAL_FAIR_N_PARTS);
    assert_int_equal(f.n_left_out[MO_EVAL_FAIR_SUBGROUP_AUC], 2);
    assert_int_equal(f.n_left_out[MO_EVAL_FAIR_BPSN_AUC], 1);
    assert_int_equal(f.n_left_out[MO_EVAL_FAIR_BNSP_AUC], 1);
    assert_int_equal(f.n_left_out[MO_EVAL_FAIR_FPR_GAP], 2);
    double sub[2] = {g[0].subgroup_auc, g[1].subgroup_auc};
    assert_float_equal(f.subgroup_auc_power_mean, mo__eval_power_mean(sub, 2, MO_EVAL_POWER_P),
                       1e-12);
    double bnsp[3] = {g[0].bnsp_auc, g[1].bnsp_auc, g[3].bnsp_auc};
    assert_float_equal(f.bnsp_auc_power_mean, mo__eval_power_mean(bnsp, 3, MO_EVAL_POWER_P), 1e-12);
    assert_true(f.subgroup_auc_power_mean > 0.9);
    /* max_fnr_gap has no minimum. */
    assert_float_equal(f.max_fnr_gap, 1.0 - f.fnr, 1e-12);

    /* No minimum (the behaviour before minimums): the per-subgroup values are
     * the same, every one counts, G1's gap is the max and the zero AUCs of
     * G2 and G3 pull the power means to 0. */
    assert_int_equal(mo__eval_fairness(d.s, d.y, d.n, 0.5f, d.mem, MIN_G, &NO_MIN, g0, &f0), MO_OK);
    for (int i = 0; i < MIN_G; i++) {
        assert_float_equal(g0[i].subgroup_auc, g[i].subgroup_auc, 0);
        assert_float_equal(g0[i].fpr_gap, g[i].fpr_gap, 0);
        assert_memory_equal(g0[i].in_summary, want[0], MO_EVAL_FAIR_N_PARTS);
    }
    for (int q = 0; q < MO_EVAL_FAIR_N_PARTS; q++)
        assert_int_equal(f0.n_left_out[q], 0);
    assert_float_equal(f0.max_fpr_gap, fabs(g[1].fpr_gap), 1e-12);
    assert_float_equal(f0.subgroup_auc_power_mean, 0.0, 1e-12);
    assert_float_equal(f0.bpsn_auc_power_mean, 0.0, 1e-12);
    assert_float_equal(f0.bnsp_auc_power_mean, 0.0, 1e-12);
    assert_float_equal(f0.overall_auc, f.overall_auc, 0);

    /* One below the subgroups' sizes: G1's gap (29 negatives) and G3's BPSN
     * (9 negatives) come in, G2's BNSP (9 positives) too. */
    mo_eval_fairness_min m = {29, 9};
    assert_int_equal(mo__eval_fairness(d.s, d.y, d.n, 0.5f, d.mem, MIN_G, &m, g, &f), MO_OK);
    assert_true(g[1].in_summary[MO_EVAL_FAIR_FPR_GAP] && g[3].in_summary[MO_EVAL_FAIR_BPSN_AUC]);
    assert_true(g[2].in_summary[MO_EVAL_FAIR_BNSP_AUC]);
    assert_false(g[3].in_summary[MO_EVAL_FAIR_FPR_GAP]);
    assert_float_equal(f.max_fpr_gap, fabs(g[1].fpr_gap), 1e-12);

    /* Minimums above every subgroup: all summaries undefined, nothing crashes. */
    m.negatives = m.per_class = 1000;
    assert_int_equal(mo__eval_fairness(d.s, d.y, d.n, 0.5f, d.mem, MIN_G, &m, g, &f), MO_OK);
    assert_true(isnan(f.subgroup_auc_power_mean) && isnan(f.bpsn_auc_power_mean));
    assert_true(isnan(f.bnsp_auc_power_mean) && isnan(f.max_fpr_gap) && isnan(f.final_score));
    assert_false(isnan(f.overall_auc) || isnan(f.max_fnr_gap));
    for (int q = 0; q < MO_EVAL_FAIR_N_PARTS; q++)
        assert_int_equal(f.n_left_out[q], MIN_G);
    /* Undefined values are not "left out": C of the hand data has NaN AUCs. */
    uint8_t mem[8] = {1, 0, 1, 0, 0, 0, 1, 0};
    assert_int_equal(mo__eval_fairness(S, Y, 8, 0.5f, mem, 1, &NO_MIN, g, &f), MO_OK);
    assert_true(isnan(g[0].subgroup_auc) && !g[0].in_summary[MO_EVAL_FAIR_SUBGROUP_AUC]);
    assert_int_equal(f.n_left_out[MO_EVAL_FAIR_SUBGROUP_AUC], 0);
    assert_true(g[0].in_summary[MO_EVAL_FAIR_FPR_GAP]);
}

/* BPSN and BNSP also compare against the background: a subgroup that holds
 * nearly every item leaves a background too small to count. */
static void test_fairness_min_background(void **state)
{
    (void)state;
    static min_data d;
    memset(&d, 0, sizeof d);
    add_items(&d, 100, 0.8f, 1, 1); /* G0: the dominant subgroup */
    add_items(&d, 100, 0.2f, 0, 1);
    add_items(&d, 9, 0.9f, 1, 2); /* G1: 9 positives, 40 negatives */
    add_items(&d, 40, 0.1f, 0, 2);
    add_items(&d, MIN_N - d.n, 0.5f, -1, 0); /* unknown labels fill the rows (stride MIN_N) */
    mo_eval_subgroup g[MIN_G];
    mo_eval_fairness f;
    assert_int_equal(mo__eval_fairness(d.s, d.y, d.n, 0.5f, d.mem, 2, NULL, g, &f), MO_OK);
    /* G0: BPSN draws on 9 background positives (out), BNSP on 40 background
     * negatives (in). G1: BPSN has 40 negatives and 100 background positives
     * (in), BNSP only 9 positives (out). */
    static const uint8_t want[2][MO_EVAL_FAIR_N_PARTS] = {{1, 0, 1, 1}, {0, 1, 0, 1}};
    for (int i = 0; i < 2; i++)
        assert_memory_equal(g[i].in_summary, want[i], MO_EVAL_FAIR_N_PARTS);
    assert_float_equal(f.bpsn_auc_power_mean, g[1].bpsn_auc, 1e-12);
    assert_float_equal(f.bnsp_auc_power_mean, g[0].bnsp_auc, 1e-12);
    /* With 9 per class both count. */
    mo_eval_fairness_min m = {30, 9};
    assert_int_equal(mo__eval_fairness(d.s, d.y, d.n, 0.5f, d.mem, 2, &m, g, &f), MO_OK);
    assert_true(g[0].in_summary[MO_EVAL_FAIR_BPSN_AUC] && g[1].in_summary[MO_EVAL_FAIR_BNSP_AUC]);
    assert_int_equal(f.n_left_out[MO_EVAL_FAIR_BPSN_AUC], 0);
}

static void test_sweep(void **state)
{
    (void)state;
    mo_eval_sweep_point p[MO_EVAL_SWEEP_N];
    mo__eval_sweep(S, Y, 8, p);
    assert_float_equal(p[0].threshold, 0.05, 1e-6);
    assert_float_equal(p[18].threshold, 0.95, 1e-6);
    /* Threshold 0.5 (index 9): predicted {.9,.8,.7,.6,.5}: tp 4, fp 1. */
    assert_float_equal(p[9].threshold, 0.5, 1e-6);
    assert_int_equal(p[9].tp, 4);
    assert_int_equal(p[9].fp, 1);
    assert_float_equal(p[9].precision, 0.8, 1e-12);
    assert_float_equal(p[9].recall, 1.0, 1e-12);
    assert_float_equal(p[9].f1, 2 * 0.8 / 1.8, 1e-12);
    assert_float_equal(p[9].fpr, 0.25, 1e-12);
    /* 0.95: nothing predicted: precision 1 by convention, recall 0, F1 0. */
    assert_float_equal(p[18].precision, 1.0, 1e-12);
    assert_float_equal(p[18].recall, 0.0, 1e-12);
    assert_float_equal(p[18].f1, 0.0, 1e-12);
    int8_t u[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
    mo__eval_sweep(S, u, 8, p);
    assert_true(isnan(p[0].recall) && isnan(p[0].fpr) && isnan(p[0].f1));
}

static json_t *J(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);
    if (!j)
        fail_msg("bad test JSON: %s", e.text);
    return j;
}

static void test_gate(void **state)
{
    (void)state;
    json_t *base =
        J("{\"groups\":{\"all\":{\"macro_pr_auc\":0.8,\"labels\":{"
          "\"spam\":{\"pr_auc\":0.90,\"fpr\":0.01},\"hate\":{\"pr_auc\":0.70,\"fpr\":0.02},"
          "\"rare\":{\"pr_auc\":null}}}},"
          "\"fairness\":{\"lang\":{\"labels\":{\"hate\":{\"bpsn_auc_power_mean\":0.6}}}}}");
    json_t *now =
        J("{\"groups\":{\"all\":{\"macro_pr_auc\":0.79,\"labels\":{"
          "\"spam\":{\"pr_auc\":0.895,\"fpr\":0.05},\"hate\":{\"pr_auc\":0.65}}}},"
          "\"fairness\":{\"lang\":{\"labels\":{\"hate\":{\"bpsn_auc_power_mean\":0.59}}}}}");
    json_t *gates = J("{\"gates\":[{\"metric\":\"pr_auc\",\"labels\":[\"*\"],\"group\":\"all\","
                      "\"max_drop\":0.01},"
                      "{\"metric\":\"fpr\",\"labels\":[\"spam\"],\"max_increase\":0.02},"
                      "{\"metric\":\"macro_pr_auc\",\"max_drop\":0.01},"
                      "{\"metric\":\"fairness.bpsn_auc_power_mean\",\"max_drop\":0.02}]}");
    mo_eval_gate_row *rows;
    size_t n, nf;
    assert_int_equal(mo__eval_gate_check(gates, base, now, &rows, &n, &nf, NULL), MO_OK);
    /* pr_auc spam (ok), hate (drop .05 fails), rare (baseline null: skipped);
     * fpr spam (+.04 fails); macro (drop .01 = tolerance: ok); fairness ok. */
    assert_int_equal(n, 5);
    assert_int_equal(nf, 2);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(rows[i].metric, "pr_auc") && !strcmp(rows[i].label, "hate")) {
            assert_true(rows[i].failed);
            assert_float_equal(rows[i].change, 0.05, 1e-9);
            seen++;
        }
        if (!strcmp(rows[i].metric, "fpr")) {
            assert_true(rows[i].failed);
            seen++;
        }
        if (!strcmp(rows[i].metric, "fairness.bpsn_auc_power_mean")) {
            assert_string_equal(rows[i].label, "lang/hate");
            assert_false(rows[i].failed);
            seen++;
        }
    }
    assert_int_equal(seen, 3);
    mo__free(rows);
    /* Same document against itself passes everything. */
    assert_int_equal(mo__eval_gate_check(gates, base, base, &rows, &n, &nf, NULL), MO_OK);
    assert_int_equal(nf, 0);
    mo__free(rows);
    /* A label missing now fails. */
    json_t *g2 = J("{\"gates\":[{\"metric\":\"fpr\",\"labels\":[\"hate\"],\"max_increase\":0.1}]}");
    assert_int_equal(mo__eval_gate_check(g2, base, now, &rows, &n, &nf, NULL), MO_OK);
    assert_int_equal(n, 1);
    assert_int_equal(nf, 1);
    mo__free(rows);
    /* Fairness summaries that no subgroup entered are null: a null baseline
     * value (or a missing slice) is nothing to compare, a null now fails. */
    json_t *fb = J("{\"fairness\":{\"identity\":{\"labels\":{"
                   "\"spam\":{\"max_fpr_gap\":null},\"hate\":{\"max_fpr_gap\":0.07}}},"
                   "\"lang\":{\"labels\":{\"hate\":{\"max_fpr_gap\":0.01}}}}}");
    json_t *fn = J("{\"fairness\":{\"identity\":{\"labels\":{"
                   "\"spam\":{\"max_fpr_gap\":0.5},\"hate\":{\"max_fpr_gap\":null}}}}}");
    json_t *g3 = J("{\"gates\":[{\"metric\":\"fairness.max_fpr_gap\",\"max_increase\":0.02}]}");
    assert_int_equal(mo__eval_gate_check(g3, fb, fn, &rows, &n, &nf, NULL), MO_OK);
    assert_int_equal(n, 2); /* identity/hate and lang/hate; identity/spam skipped */
    assert_int_equal(nf, 2);
    mo__free(rows);
    assert_int_equal(mo__eval_gate_check(g3, fn, fb, &rows, &n, &nf, NULL), MO_OK);
    assert_int_equal(n, 1); /* identity/spam: 0.5 -> null fails */
    assert_int_equal(nf, 1);
    mo__free(rows);
    json_decref(fb);
    json_decref(fn);
    json_decref(g3);
    /* Malformed gate files. */
    json_t *bad1 = J("{\"gates\":[{\"labels\":[\"*\"],\"max_drop\":0.1}]}");
    json_t *bad2 = J("{\"gates\":[{\"metric\":\"pr_auc\"}]}");
    json_t *bad3 = J("{\"nope\":1}");
    mo_diag d;
    assert_int_equal(mo__eval_gate_check(bad1, base, now, &rows, &n, &nf, &d), MO_EPARSE);
    assert_int_equal(mo__eval_gate_check(bad2, base, now, &rows, &n, &nf, &d), MO_EPARSE);
    assert_int_equal(mo__eval_gate_check(bad3, base, now, &rows, &n, &nf, &d), MO_EPARSE);
    json_decref(bad1);
    json_decref(bad2);
    json_decref(bad3);
    json_decref(g2);
    json_decref(gates);
    json_decref(base);
    json_decref(now);
}

/* Allocation failure at every step: MO_ENOMEM, nothing leaked. */
static void test_oom(void **state)
{
    (void)state;
    uint8_t mem[8] = {1, 1, 1, 1, 0, 0, 0, 0};
    mo_eval_subgroup g;
    mo_eval_fairness f;
    json_t *doc = J("{\"groups\":{\"all\":{\"labels\":{\"a\":{\"f1\":0.5},\"b\":{\"f1\":0.4}}}}}");
    json_t *gates = J("{\"gates\":[{\"metric\":\"f1\",\"max_drop\":0}]}");
    size_t before = mo_memory_used();
    for (uint64_t n = 1; n < 6; n++) {
        mo__alloc_fail_after(n);
        int rc = mo__eval_fairness(S, Y, 8, 0.5f, mem, 1, NULL, &g, &f);
        mo__alloc_fail_after(0);
        assert_true(rc == MO_OK || rc == MO_ENOMEM);
        assert_int_equal(mo_memory_used(), before);
        mo_eval_gate_row *rows = NULL;
        size_t nr, nf;
        mo__alloc_fail_after(n);
        rc = mo__eval_gate_check(gates, doc, doc, &rows, &nr, &nf, NULL);
        mo__alloc_fail_after(0);
        if (rc == MO_OK)
            mo__free(rows);
        else
            assert_int_equal(rc, MO_ENOMEM);
        assert_int_equal(mo_memory_used(), before);
    }
    json_decref(doc);
    json_decref(gates);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_power_mean),
        cmocka_unit_test(test_fairness_hand),
        cmocka_unit_test(test_fairness_edges),
        cmocka_unit_test(test_fairness_min_support),
        cmocka_unit_test(test_fairness_min_background),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_gate),
        cmocka_unit_test(test_oom),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
