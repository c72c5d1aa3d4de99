/*
 * cmd_suite.c -- `moderato suite run`: scores a functional test suite
 * (docs/SUITE.md; data/suite/functional.jsonl) with a text model and reports
 * accuracy per functionality, per language and overall. A case passes when,
 * for every label it asserts, the model's flag (score >= the label's
 * operating threshold) equals the expected 0/1. Unasserted labels are ignored.
 * The command reports; it does not gate (exit 0 once the suite was scored).
 */
#include "cli.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* One bucket of the report: a functionality or a language. */
typedef struct bucket {
    char *name;       /* functionality or language code */
    size_t n_cases;   /* cases seen */
    size_t n_passed;  /* cases that passed */
    json_t *failures; /* array of failing cases kept for --failures (functionality only) */
} bucket;

typedef struct bucket_list {
    bucket *v;
    size_t n, cap;
} bucket_list;

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: moderato suite run [--model PATH] [--json] [--failures N] FILE\n\n"
        "Runs a functional test suite (JSON Lines, see docs/SUITE.md):\n"
        "  {\"id\":...,\"functionality\":...,\"text\":...,\"labels\":{\"hate\":1},\"lang\":...}\n"
        "A case passes when every asserted label's flag (score >= the label's operating\n"
        "threshold) equals the expected value; absent labels are not asserted.\n"
        "Prints accuracy per functionality, per language and overall.\n\n"
        "options:\n"
        "  --model PATH     model file (default: $MODERATO_MODEL or the shipped\n"
        "                   models/default.momd)\n"
        "  --json           one JSON object on stdout instead of tables\n"
        "  --failures N     show up to N failing cases per functionality (default 0)\n\n"
        "exit status: 0 suite scored (whatever the accuracy), 1 failure (model, I/O,\n"
        "             malformed suite line), 2 usage\n");
}

/* Returns the bucket named `name` (n bytes), adding it when new; NULL on OOM. */
static bucket *bucket_get(bucket_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].name, name))
            return &l->v[i];
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        bucket *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return NULL;
        l->v = nv;
        l->cap = cap;
    }
    bucket *b = &l->v[l->n];
    memset(b, 0, sizeof *b);
    b->name = strdup(name);
    b->failures = json_array();
    if (!b->name || !b->failures) {
        free(b->name);
        json_decref(b->failures);
        return NULL;
    }
    l->n++;
    return b;
}

static void bucket_list_free(bucket_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        json_decref(l->v[i].failures);
    }
    free(l->v);
}

static double acc(size_t passed, size_t n)
{
    return n ? (double)passed / (double)n : 0.0;
}

static void print_table(const char *title, const bucket_list *l)
{
    printf("%-26s %7s %7s %9s\n", title, "cases", "passed", "accuracy");
    for (size_t i = 0; i < l->n; i++)
        printf("%-26s %7zu %7zu %9.4f\n", l->v[i].name, l->v[i].n_cases, l->v[i].n_passed,
               acc(l->v[i].n_passed, l->v[i].n_cases));
    printf("\n");
}

static json_t *table_json(const bucket_list *l, int with_failures)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < l->n; i++) {
        json_t *b = json_pack("{s:I,s:I,s:f}", "cases", (json_int_t)l->v[i].n_cases, "passed",
                              (json_int_t)l->v[i].n_passed, "accuracy",
                              acc(l->v[i].n_passed, l->v[i].n_cases));
        if (b && with_failures)
            json_object_set(b, "failures", l->v[i].failures);
        json_object_set_new(o, l->v[i].name, b);
    }
    return o;
}

/* Scores one case; returns 1 pass, 0 fail, -1 bad case (message printed).
 * *fail_out receives a JSON description of a failure when wanted. */
static int run_case(const mo_model *model, mo_model_scratch *s, float *scores, json_t *c,
                    const char *file, unsigned long long line_no, json_t **fail_out)
{
    json_t *text = json_object_get(c, "text");
    json_t *labels = json_object_get(c, "labels");
    if (!json_is_string(text) || !json_is_object(labels)) {
        fprintf(stderr, "moderato suite: %s:%llu: %s: missing or wrong type\n", file, line_no,
                !json_is_string(text) ? "text" : "labels");
        return -1;
    }
    if (mo_model_predict(model, s, json_string_value(text), json_string_length(text), scores,
                         NULL) != MO_OK) {
        fprintf(stderr, "moderato suite: %s:%llu: text: cannot be scored\n", file, line_no);
        return -1;
    }
    size_t n_labels = mo_model_n_labels(model);
    const char *key;
    json_t *val;
    int pass = 1;
    json_t *wrong = NULL;
    json_object_foreach(labels, key, val)
    {
        if (!json_is_integer(val) ||
            (json_integer_value(val) != 0 && json_integer_value(val) != 1)) {
            fprintf(stderr, "moderato suite: %s:%llu: labels.%s: expected 0 or 1\n", file, line_no,
                    key);
            json_decref(wrong);
            return -1;
        }
        size_t i = 0;
        while (i < n_labels && strcmp(mo_model_label(model, i), key))
            i++;
        if (i == n_labels) {
            fprintf(stderr, "moderato suite: %s:%llu: labels.%s: the model has no such label\n",
                    file, line_no, key);
            json_decref(wrong);
            return -1;
        }
        int flag = scores[i] >= mo_model_threshold(model, i);
        if (flag != (int)json_integer_value(val)) {
            pass = 0;
            if (fail_out) {
                if (!wrong)
                    wrong = json_object();
                json_object_set_new(wrong, key,
                                    json_pack("{s:I,s:f,s:f}", "expected", json_integer_value(val),
                                              "score", (double)scores[i], "threshold",
                                              (double)mo_model_threshold(model, i)));
            }
        }
    }
    if (!pass && fail_out) {
        *fail_out = json_pack("{s:O?,s:O,s:o}", "id", json_object_get(c, "id"), "text", text,
                              "wrong", wrong ? wrong : json_object());
    } else {
        json_decref(wrong);
    }
    return pass;
}

static int suite_run(int argc, char **argv)
{
    const char *model_path = NULL;
    const char *file = NULL;
    int as_json = 0;
    unsigned long long n_failures = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return MO_EXIT_OK;
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            model_path = argv[++i];
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
    if (!file) {
        usage(stderr);
        return MO_EXIT_USAGE;
    }
    if (!model_path)
        model_path = mo_cli_default_model();

    int status = MO_EXIT_FAILURE;
    mo_model *model = NULL;
    mo_model_scratch *scratch = NULL;
    float *scores = NULL;
    FILE *f = NULL;
    bucket_list funcs = {0}, langs = {0};
    size_t n_cases = 0, n_passed = 0;
    mo_diag diag;
    mo_line_reader r;
    mo_line_reader_init(&r, NULL, 0);

    int rc = mo_model_load(model_path, &model, &diag);
    if (rc != MO_OK) {
        mo_cli_print_diag("suite", rc, &diag);
        return MO_EXIT_FAILURE;
    }
    if (mo_model_scratch_new(model, &scratch) != MO_OK)
        goto oom;
    scores = calloc(mo_model_n_labels(model) + 1, sizeof *scores);
    if (!scores)
        goto oom;
    f = fopen(file, "rb");
    if (!f) {
        perror(file);
        goto out;
    }
    mo_line_reader_init(&r, f, (size_t)64 << 20);
    int got;
    while ((got = mo_line_reader_next(&r)) > 0) {
        if (r.len == 0)
            continue;
        json_error_t jerr;
        json_t *c = r.too_long ? NULL : json_loadb(r.buf, r.len, 0, &jerr);
        if (!json_is_object(c)) {
            fprintf(stderr, "moderato suite: %s:%llu: not a JSON object\n", file, r.line_no);
            json_decref(c);
            goto out;
        }
        json_t *fn = json_object_get(c, "functionality");
        json_t *lang = json_object_get(c, "lang");
        if (!json_is_string(fn)) {
            fprintf(stderr, "moderato suite: %s:%llu: functionality: missing or not a string\n",
                    file, r.line_no);
            json_decref(c);
            goto out;
        }
        bucket *bf = bucket_get(&funcs, json_string_value(fn));
        bucket *bl = bucket_get(&langs, json_is_string(lang) ? json_string_value(lang) : "?");
        if (!bf || !bl) {
            json_decref(c);
            goto oom;
        }
        json_t *fail = NULL;
        int want_fail = json_array_size(bf->failures) < n_failures;
        int pass = run_case(model, scratch, scores, c, file, r.line_no, want_fail ? &fail : NULL);
        json_decref(c);
        if (pass < 0)
            goto out;
        if (fail)
            json_array_append_new(bf->failures, fail);
        n_cases++;
        bf->n_cases++;
        bl->n_cases++;
        if (pass) {
            n_passed++;
            bf->n_passed++;
            bl->n_passed++;
        }
    }
    if (got < 0) {
        perror(file);
        goto out;
    }

    if (as_json) {
        json_t *o =
            json_pack("{s:s,s:s,s:s,s:I,s:I,s:f,s:o,s:o}", "schema", "moderato.suite/1", "model",
                      model_path, "suite", file, "cases", (json_int_t)n_cases, "passed",
                      (json_int_t)n_passed, "accuracy", acc(n_passed, n_cases), "functionality",
                      table_json(&funcs, n_failures > 0), "lang", table_json(&langs, 0));
        if (!o)
            goto oom;
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        json_decref(o);
        if (!s)
            goto oom;
        printf("%s\n", s);
        free(s);
    } else {
        printf("suite %s, model %s\n\n", file, model_path);
        print_table("functionality", &funcs);
        print_table("lang", &langs);
        printf("overall: %zu cases, %zu passed, accuracy %.4f\n", n_cases, n_passed,
               acc(n_passed, n_cases));
        for (size_t i = 0; i < funcs.n && n_failures > 0; i++) {
            size_t nf = json_array_size(funcs.v[i].failures);
            if (!nf)
                continue;
            printf("\nfailures: %s (%zu shown of %zu)\n", funcs.v[i].name, nf,
                   funcs.v[i].n_cases - funcs.v[i].n_passed);
            for (size_t k = 0; k < nf; k++) {
                char *s = json_dumps(json_array_get(funcs.v[i].failures, k),
                                     JSON_COMPACT | JSON_REAL_PRECISION(4));
                if (s)
                    printf("  %s\n", s);
                free(s);
            }
        }
    }
    status = MO_EXIT_OK;
    goto out;
oom:
    fprintf(stderr, "moderato suite: out of memory\n");
out:
    mo_line_reader_free(&r);
    if (f)
        fclose(f);
    bucket_list_free(&funcs);
    bucket_list_free(&langs);
    free(scores);
    mo_model_scratch_free(scratch);
    mo_model_free(model);
    return status;
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
