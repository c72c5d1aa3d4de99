/*
 * eval_extra.c -- the parts of `moderato eval` beyond the labelled-data
 * metrics of cmd_eval.c: --engine (score with the full engine, scorer.c),
 * --suite FILE (the functional suite, src/eval/suite.c) and --counterfactual
 * (identity-term swaps, src/eval/counterfactual.c), including their options,
 * their text tables and the document they add to --json and --html. Thin:
 * the work is in the library.
 */
#include "cli.h"
#include "scorer.h"

#include <stdlib.h>
#include <string.h>

int mo_cli_eval_extra_arg(mo_cli_eval_extra *x, int argc, char **argv, int i)
{
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "--engine")) {
        x->engine = 1;
        return 1;
    }
    if (!strcmp(a, "--counterfactual")) {
        x->counterfactual = 1;
        return 1;
    }
    if (!v)
        return 0;
    if (!strcmp(a, "--config"))
        x->config = v;
    else if (!strcmp(a, "--suite"))
        x->suite = v;
    else if (!strcmp(a, "--terms"))
        x->terms = v;
    else if (!strcmp(a, "--templates"))
        x->templates = v;
    else if (!strcmp(a, "--failures"))
        return mo_cli_parse_u64("eval", a, v, 0, 1000000, &x->failures) ? 2 : -1;
    else
        return 0;
    return 2;
}

int mo_cli_eval_extra_check(const mo_cli_eval_extra *x, const char *data, const char *model,
                            int other_scores)
{
    const char *why = NULL;
    if (x->engine && (model || other_scores))
        why = "--engine scores with the engine: no --model, --predictions or --compare";
    else if (x->config && !x->engine)
        why = "--config needs --engine";
    else if ((x->suite || x->counterfactual) && other_scores)
        why = "--suite and --counterfactual score texts: use --model or --engine";
    else if ((x->templates || (x->terms && !x->identity_slice)) && !x->counterfactual)
        why = "--terms goes with --counterfactual or --slice identity, --templates with "
              "--counterfactual";
    else if (x->counterfactual && !data && !x->templates)
        why = "--counterfactual needs --data or --templates FILE";
    else if (x->counterfactual && data && x->templates)
        why = "--counterfactual runs on --data or on --templates, not both";
    if (why)
        fprintf(stderr, "moderato eval: %s\n", why);
    return why ? -1 : 0;
}

/* Prints a text report from the library's buffer (or "out of memory"). */
static int print_buf(int rc, mo_buf *b)
{
    if (!rc && b->len)
        fwrite(b->ptr, 1, b->len, stdout);
    mo__buf_free(b);
    if (rc)
        fprintf(stderr, "moderato eval: out of memory\n");
    return rc ? -1 : 0;
}

static int run_suite(const mo_cli_eval_extra *x, mo_cli_scorer *sc, json_t *doc, int as_json)
{
    mo_eval_suite *res = NULL;
    mo_diag diag;
    int rc = mo__eval_suite_run(x->suite, mo_cli_scorer_eval(sc), (size_t)x->failures, &res, &diag);
    if (rc != MO_OK) {
        mo_cli_print_diag("eval", rc, &diag);
        return -1;
    }
    json_t *js = mo__eval_suite_json(res);
    if (js)
        json_object_set_new(js, "suite", json_string(x->suite));
    int bad = !js || json_object_set_new(doc, "suite", js);
    mo_buf b = {0};
    if (!bad && !as_json) {
        printf("\n== functional suite %s\n", x->suite);
        bad = print_buf(mo__eval_suite_text(res, &b), &b);
    } else if (bad) {
        fprintf(stderr, "moderato eval: out of memory\n");
    }
    mo__eval_suite_free(res);
    return bad ? -1 : 0;
}

static int run_counterfactual(const mo_cli_eval_extra *x, mo_cli_scorer *sc, const char *data,
                              json_t *doc, int as_json)
{
    const char *terms_path =
        x->terms ? x->terms : mo_cli_default_path("MODERATO_TERMS", "data/identity/terms.tsv");
    mo_eval_cf_terms terms;
    mo_eval_cf_result res;
    mo_diag diag;
    int rc = mo__eval_cf_terms_load(terms_path, &terms, &diag);
    if (rc != MO_OK) {
        mo_cli_print_diag("eval", rc, &diag);
        return -1;
    }
    const mo_eval_scorer *ev = mo_cli_scorer_eval(sc);
    rc = mo__eval_cf_run(x->templates ? x->templates : data, x->templates != NULL, &terms, ev, &res,
                         &diag);
    int bad = 0;
    if (rc != MO_OK) {
        mo_cli_print_diag("eval", rc, &diag);
        bad = 1;
    } else {
        json_t *cf = mo__eval_cf_json(&res, &terms, ev, terms_path);
        if (cf)
            json_object_set_new(cf, "input", json_string(x->templates ? x->templates : data));
        bad = !cf || json_object_set_new(doc, "counterfactual", cf);
        mo_buf b = {0};
        if (!bad && !as_json)
            bad = print_buf(mo__eval_cf_text(cf, &b), &b);
        else if (bad)
            fprintf(stderr, "moderato eval: out of memory\n");
    }
    mo__eval_cf_result_free(&res);
    mo__eval_cf_terms_free(&terms);
    return bad ? -1 : 0;
}

int mo_cli_eval_extra_run(const mo_cli_eval_extra *x, mo_cli_scorer *sc, const char *data,
                          json_t *doc, int as_json)
{
    if (x->suite && run_suite(x, sc, doc, as_json))
        return -1;
    if (x->counterfactual && run_counterfactual(x, sc, data, doc, as_json))
        return -1;
    return 0;
}

int mo_cli_eval_extra_main(const mo_cli_eval_extra *x, const char *model_path, const char *html,
                           int as_json)
{
    mo_cli_scorer *sc;
    if (mo_cli_scorer_open("eval", model_path, x->engine, x->config, &sc) != MO_OK)
        return MO_EXIT_FAILURE;
    int engine = x->engine;
    json_t *doc = json_pack("{s:s,s:n,s:s?,s:n}", "schema", "moderato.eval/1", "data", "model",
                            engine ? NULL : mo_cli_scorer_path(sc), "predictions");
    int status = MO_EXIT_FAILURE;
    if (!doc) {
        fprintf(stderr, "moderato eval: out of memory\n");
        goto out;
    }
    if (!as_json)
        printf("%s %s\n", mo_cli_scorer_kind(sc), mo_cli_scorer_path(sc));
    if (mo_cli_eval_extra_run(x, sc, NULL, doc, as_json))
        goto out;
    if (engine)
        json_object_set_new(doc, "engine", mo_cli_scorer_take_stats(sc));
    if (html) {
        mo_eval_html_input in = {doc, 0, NULL, NULL, NULL, 0};
        mo_diag diag;
        int rc = mo__eval_html_write(html, &in, &diag);
        if (rc != MO_OK) {
            mo_cli_print_diag("eval", rc, &diag);
            goto out;
        }
    }
    if (as_json) {
        json_dumpf(doc, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
        putchar('\n');
    }
    status = MO_EXIT_OK;
out:
    json_decref(doc);
    mo_cli_scorer_free(sc);
    return status;
}
