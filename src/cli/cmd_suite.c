/*
 * cmd_suite.c -- `moderato suite run`: scores a functional test suite
 * (docs/SUITE.md; data/suite/functional.jsonl) with a text model or the full
 * engine and reports accuracy per functionality, per language and overall.
 * The runner is the eval layer's (src/eval/suite.c), shared with `moderato
 * eval --suite`; this file parses options and prints. The command reports; it
 * does not gate (exit 0 once the suite was scored).
 */
#include "cli.h"
#include "scorer.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: moderato suite run [--model PATH | --engine [--config PATH]] [--json]\n"
        "                          [--failures N] FILE\n\n"
        "Runs a functional test suite (JSON Lines, see docs/SUITE.md):\n"
        "  {\"id\":...,\"functionality\":...,\"text\":...,\"labels\":{\"hate\":1},\"lang\":...}\n"
        "A case passes when every asserted label's flag (score >= the label's operating\n"
        "threshold) equals the expected value; absent labels are not asserted.\n"
        "Prints accuracy per functionality, per language and overall.\n\n"
        "options:\n"
        "  --model PATH     model file (default: $MODERATO_MODEL or the shipped\n"
        "                   models/default.momd)\n"
        "  --engine         score with the full engine (model + detectors + policy):\n"
        "                   a label is flagged when the engine enforces one of its\n"
        "                   policy categories (docs/EVALUATION.md)\n"
        "  --config PATH    engine configuration (default: config/default.json)\n"
        "  --json           one JSON object on stdout instead of tables\n"
        "  --failures N     show up to N failing cases per functionality (default 0)\n\n"
        "exit status: 0 suite scored (whatever the accuracy), 1 failure (model, I/O,\n"
        "             malformed suite line), 2 usage\n");
}

/* Runs the suite at `file` with sc and prints it (tables, or --json). Shared
 * with `moderato eval --suite` through mo_cli_suite_print. */
static int suite_run(int argc, char **argv)
{
    const char *model_path = NULL, *config = NULL;
    const char *file = NULL;
    int as_json = 0, engine = 0;
    unsigned long long n_failures = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return MO_EXIT_OK;
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            model_path = argv[++i];
        } else if (!strcmp(argv[i], "--engine")) {
            engine = 1;
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            config = argv[++i];
        } else if (!strcmp(argv[i], "--json")) {
            as_json = 1;
        } else if (!strcmp(argv[i], "--failures") && i + 1 < argc) {
            if (!mo_cli_parse_u64("suite", "--failures", argv[++i], 0, 1000000, &n_failures))
                return MO_EXIT_USAGE;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "moderato suite: unknown or incomplete option '%s'\n", argv[i]);
            usage(stderr);
            return MO_EXIT_USAGE;
        } else if (!file) {
            file = argv[i];
        } else {
            fprintf(stderr, "moderato suite: one suite file only\n");
            return MO_EXIT_USAGE;
        }
    }
    if (!file || (model_path && engine) || (config && !engine)) {
        if (file)
            fprintf(stderr, "moderato suite: %s\n",
                    config && !engine ? "--config needs --engine"
                                      : "--engine [--config] or --model, not both");
        usage(stderr);
        return MO_EXIT_USAGE;
    }
    mo_cli_scorer *sc;
    if (mo_cli_scorer_open("suite", model_path, engine, config, &sc) != MO_OK)
        return MO_EXIT_FAILURE;
    mo_eval_suite *res = NULL;
    mo_diag diag;
    int rc = mo__eval_suite_run(file, mo_cli_scorer_eval(sc), (size_t)n_failures, &res, &diag);
    int status = MO_EXIT_FAILURE;
    if (rc != MO_OK) {
        mo_cli_print_diag("suite", rc, &diag);
    } else if (mo_cli_suite_print(res, file, sc, as_json) == 0) {
        status = MO_EXIT_OK;
    } else {
        fprintf(stderr, "moderato suite: out of memory\n");
    }
    mo__eval_suite_free(res);
    mo_cli_scorer_free(sc);
    return status;
}

int mo_cli_suite_print(const mo_eval_suite *res, const char *file, const mo_cli_scorer *sc,
                       int as_json)
{
    if (as_json) {
        json_t *o = mo__eval_suite_json(res);
        if (!o)
            return -1;
        json_object_set_new(o, "schema", json_string("moderato.suite/1"));
        json_object_set_new(o, mo_cli_scorer_kind(sc), json_string(mo_cli_scorer_path(sc)));
        json_object_set_new(o, "suite", json_string(file));
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        json_decref(o);
        if (!s)
            return -1;
        printf("%s\n", s);
        free(s);
        return 0;
    }
    mo_buf b = {0};
    printf("suite %s, %s %s\n\n", file, mo_cli_scorer_kind(sc), mo_cli_scorer_path(sc));
    int rc = mo__eval_suite_text(res, &b);
    if (!rc && b.len)
        fwrite(b.ptr, 1, b.len, stdout);
    mo__buf_free(&b);
    return rc ? -1 : 0;
}

int mo_cmd_suite(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "run"))
        return suite_run(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return MO_EXIT_OK;
    }
    usage(stderr);
    return MO_EXIT_USAGE;
}
