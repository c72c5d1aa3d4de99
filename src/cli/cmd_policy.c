/*
 * cmd_policy.c -- `moderato policy check|test`: compile policy files against
 * the default field schema and print errors and warnings as
 * file:line:col with the source line and a hint, optionally the bytecode
 * (--disasm); run YAML policy test files. A thin layer over src/policy/.
 */
#include "cli.h"
#include "engine/engine.h"
#include "policy/policy.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: moderato policy [--config PATH] check [--disasm] [--werror] FILE...\n"
               "       moderato policy [--config PATH] test PATH...\n\n"
               "--config PATH  check against the signals of this engine configuration (its\n"
               "       model's labels and its lexicons); without it, the built-in schema of\n"
               "       docs/POLICY.md (the shipped configuration's signals)\n"
               "check  compile each policy file against the signal schema; print errors\n"
               "       and warnings (unreachable and shadowed rules) as file:line:col: message.\n"
               "       --disasm   also print each rule's bytecode\n"
               "       --werror   exit 1 on warnings too\n"
               "test   run YAML policy test files (a directory: every *.yaml/*.yml in it);\n"
               "       prints pass/fail per case; exit 1 if any case fails.\n"
               "       --quiet    print failures and the summary only\n\n"
               "Exit status: 0 ok, 1 errors or failed cases, 2 usage error.\n"
               "See docs/POLICY.md.\n");
}

/* Prints line `line` of the file at path with a caret under col. */
static void print_source_line(const char *path, uint64_t line, uint32_t col)
{
    FILE *f = fopen(path, "rb");
    if (!f || !line)
        goto out;
    char buf[1024];
    uint64_t l = 1;
    while (fgets(buf, sizeof buf, f)) {
        size_t n = strlen(buf);
        int whole = n > 0 && buf[n - 1] == '\n';
        if (l == line) {
            if (whole)
                buf[--n] = '\0';
            fprintf(stderr, "  %s\n", buf);
            if (col > 0 && col <= n + 1) {
                fputs("  ", stderr);
                for (uint32_t i = 1; i < col; i++)
                    fputc(buf[i - 1] == '\t' ? '\t' : ' ', stderr);
                fputs("^\n", stderr);
            }
            break;
        }
        if (whole)
            l++;
    }
out:
    if (f)
        fclose(f);
}

/* "file:line:col: error: message" then the source line and a hint line. */
static void print_located(const char *kind, const char *file, uint64_t line, uint32_t col,
                          const char *msg)
{
    const char *hint = strstr(msg, "; did you mean");
    int msg_len = hint ? (int)(hint - msg) : (int)strlen(msg);
    fprintf(stderr, "%s", file);
    if (line)
        fprintf(stderr, ":%llu", (unsigned long long)line);
    if (line && col)
        fprintf(stderr, ":%u", col);
    fprintf(stderr, ": %s: %.*s\n", kind, msg_len, msg);
    print_source_line(file, line, col);
    if (hint)
        fprintf(stderr, "  hint: %s\n", hint + 2);
}

/* The schema policies are checked against: the built-in table, or the one
 * an engine configuration produces (--config), set once in mo_cmd_policy. */
static const mo_field_def *g_fields;
static size_t g_n_fields;

static int cmd_check(int argc, char **argv)
{
    int disasm = 0, werror = 0, n_files = 0, bad = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--disasm"))
            disasm = 1;
        else if (!strcmp(argv[i], "--werror"))
            werror = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return MO_EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "moderato policy check: unknown option '%s'\n", argv[i]);
            return MO_EXIT_USAGE;
        }
    }
    size_t n_fields = g_n_fields;
    const mo_field_def *fields = g_fields;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            continue;
        n_files++;
        mo_policy *p = NULL;
        mo_diag d;
        int rc = mo__policy_load(argv[i], fields, n_fields, &p, &d);
        if (rc != MO_OK) {
            if (d.line)
                print_located("error", argv[i], d.line, d.col, d.msg);
            else
                mo_cli_print_diag("policy check", rc, &d);
            bad = 1;
            continue;
        }
        size_t n_warn = mo__policy_n_warnings(p);
        for (size_t w = 0; w < n_warn; w++) {
            const mo_policy_warning *pw = mo__policy_warning(p, w);
            print_located("warning", argv[i], pw->line, pw->col, pw->msg);
        }
        const mo_rule_info *cat_rule = NULL; /* the first rule with a category */
        for (size_t r = 0; r < mo__policy_n_rules(p) && !cat_rule; r++)
            if (mo__policy_rule(p, r)->category[0])
                cat_rule = mo__policy_rule(p, r);
        if (cat_rule && !mo__policy_has_categories(p)) {
            /* Not an error, for policies written before `categories:`. */
            print_located("warning", argv[i], cat_rule->line, cat_rule->col,
                          "no 'categories:' section: the categories rules use have no declared "
                          "labels, so `eval --engine` guesses them from their names");
            n_warn++;
        }
        if (werror && n_warn)
            bad = 1;
        printf("%s: ok: policy %s version %s, %zu rule%s, %zu warning%s\n", argv[i],
               mo__policy_id(p), mo__policy_version(p), mo__policy_n_rules(p),
               mo__policy_n_rules(p) == 1 ? "" : "s", n_warn, n_warn == 1 ? "" : "s");
        if (disasm) {
            mo_buf b = {0};
            if (mo__policy_disasm(p, &b) != MO_OK) {
                fprintf(stderr, "moderato policy check: out of memory\n");
                bad = 1;
            } else if (b.len) {
                fwrite(b.ptr, 1, b.len, stdout);
            }
            mo__buf_free(&b);
        }
        mo__policy_free(p);
    }
    if (!n_files) {
        usage(stderr);
        return MO_EXIT_USAGE;
    }
    return bad ? MO_EXIT_FAILURE : MO_EXIT_OK;
}

typedef struct test_state {
    const char *file;
    int quiet;
} test_state;

static void report_case(const mo_policy_case_result *r, void *user)
{
    test_state *s = user;
    if (r->passed) {
        if (!s->quiet)
            printf("ok   %s:%u: %s\n", s->file, r->line, r->name);
    } else {
        printf("FAIL %s:%u: %s: %s\n", s->file, r->line, r->name, r->why);
    }
}

static int has_yaml_ext(const char *n)
{
    size_t l = strlen(n);
    return (l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml"));
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs one test file; adds to the totals; returns 0 or 1 (file error). */
static int run_test_file(const char *path, int quiet, size_t *pass, size_t *fail)
{
    size_t fields_n = g_n_fields, np = 0, nf = 0;
    const mo_field_def *fields = g_fields;
    test_state s = {path, quiet};
    mo_diag d;
    int rc = mo__policy_test_file(path, fields, fields_n, report_case, &s, &np, &nf, &d);
    *pass += np;
    *fail += nf;
    if (rc != MO_OK) {
        if (d.line)
            print_located("error", d.file[0] ? d.file : path, d.line, d.col, d.msg);
        else
            mo_cli_print_diag("policy test", rc, &d);
        return 1;
    }
    return 0;
}

static int cmd_test(int argc, char **argv)
{
    int quiet = 0, n_paths = 0, errors = 0;
    size_t pass = 0, fail = 0, n_files = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quiet") || !strcmp(argv[i], "-q"))
            quiet = 1;
        else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return MO_EXIT_OK;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "moderato policy test: unknown option '%s'\n", argv[i]);
            return MO_EXIT_USAGE;
        }
    }
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            continue;
        n_paths++;
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "moderato policy test: %s: not found\n", argv[i]);
            errors++;
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            n_files++;
            errors += run_test_file(argv[i], quiet, &pass, &fail);
            continue;
        }
        DIR *dir = opendir(argv[i]);
        if (!dir) {
            fprintf(stderr, "moderato policy test: %s: cannot open\n", argv[i]);
            errors++;
            continue;
        }
        char **names = NULL;
        size_t n = 0, cap = 0;
        struct dirent *e;
        while ((e = readdir(dir))) {
            if (e->d_name[0] == '.' || !has_yaml_ext(e->d_name))
                continue;
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                char **q = realloc(names, cap * sizeof *names);
                if (!q)
                    break;
                names = q;
            }
            size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
            names[n] = malloc(len);
            if (!names[n])
                break;
            snprintf(names[n], len, "%s/%s", argv[i], e->d_name);
            n++;
        }
        closedir(dir);
        if (n)
            qsort(names, n, sizeof *names, cmp_str);
        for (size_t k = 0; k < n; k++) {
            n_files++;
            errors += run_test_file(names[k], quiet, &pass, &fail);
            free(names[k]);
        }
        free(names);
    }
    if (!n_paths) {
        usage(stderr);
        return MO_EXIT_USAGE;
    }
    printf("policy tests: %zu file%s, %zu passed, %zu failed%s\n", n_files, n_files == 1 ? "" : "s",
           pass, fail, errors ? " (and files with errors)" : "");
    return fail || errors || !n_files ? MO_EXIT_FAILURE : MO_EXIT_OK;
}

int mo_cmd_policy(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? MO_EXIT_USAGE : MO_EXIT_OK;
    }
    mo_field_def *owned = NULL;
    g_fields = mo__policy_default_schema(&g_n_fields);
    if (!strcmp(argv[1], "--config")) {
        if (argc < 4) {
            usage(stderr);
            return MO_EXIT_USAGE;
        }
        mo_diag d;
        int rc = mo__engine_schema(argv[2], &owned, &g_n_fields, &d);
        if (rc != MO_OK) {
            mo_cli_print_diag("policy", rc, &d);
            return MO_EXIT_FAILURE;
        }
        g_fields = owned;
        argc -= 2;
        argv += 2;
    }
    int status;
    if (!strcmp(argv[1], "check")) {
        status = cmd_check(argc - 1, argv + 1);
    } else if (!strcmp(argv[1], "test")) {
        status = cmd_test(argc - 1, argv + 1);
    } else {
        fprintf(stderr, "moderato policy: unknown subcommand '%s' (check, test)\n", argv[1]);
        status = MO_EXIT_USAGE;
    }
    mo__engine_schema_free(owned, owned ? g_n_fields : 0);
    return status;
}
