/*
 * test_ptest.c -- unit tests of policy test files (src/policy/ptest.c):
 * passing and failing cases with the reasons, typed values, and errors in
 * the test file (unknown field with a hint, unknown rule id, bad value,
 * missing policy) with file:line:col.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/policy.h"

static char dir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static const char *POLICY =
    "policy: {id: p, version: \"1\"}\nrules:\n"
    "  - id: rm\n    when: clf.hate > 0.9\n    action: remove\n    category: hate\n"
    "    ground: incompatible\n    terms: x\n    review: required\n"
    "  - id: minor\n    when: author.is_minor and item.region == 'DE'\n    action: label\n"
    "    category: minors\n";

typedef struct seen {
    int n;
    char names[8][64];
    int passed[8];
    char why[8][512];
} seen;

static void report(const mo_policy_case_result *r, void *user)
{
    seen *s = user;
    if (s->n < 8) {
        snprintf(s->names[s->n], 64, "%s", r->name);
        s->passed[s->n] = r->passed;
        snprintf(s->why[s->n], 512, "%s", r->why);
        s->n++;
    }
}

static int run(const char *tests, seen *s, size_t *np, size_t *nf, mo_diag *d)
{
    write_file("p.yaml", POLICY);
    write_file("t.yaml", tests);
    char path[512];
    snprintf(path, sizeof path, "%s/t.yaml", dir);
    size_t n;
    const mo_field_def *f = mo__policy_default_schema(&n);
    memset(s, 0, sizeof *s);
    return mo__policy_test_file(path, f, n, report, s, np, nf, d);
}

static void test_pass_and_fail(void **state)
{
    (void)state;
    seen s;
    size_t np, nf;
    mo_diag d;
    int rc = run("policy: p.yaml\ncases:\n"
                 "  - name: removed\n    signals: {clf.hate: 0.95}\n"
                 "    expect: {action: remove, rules: [rm], category: hate, review: required}\n"
                 "  - name: minor in DE\n    item: {region: DE}\n    author: {is_minor: true}\n"
                 "    expect: {action: label, rules: [minor], category: minors}\n"
                 "  - name: wrong\n    signals: {clf.hate: 0.95}\n    author: {is_minor: false}\n"
                 "    expect: {action: label, rules: [minor], category: minors, review: none}\n",
                 &s, &np, &nf, &d);
    assert_int_equal(rc, MO_OK);
    assert_int_equal(np, 2);
    assert_int_equal(nf, 1);
    assert_int_equal(s.n, 3);
    assert_true(s.passed[0] && s.passed[1] && !s.passed[2]);
    assert_string_equal(s.names[2], "wrong");
    assert_string_equal(s.why[2], "action: want label, got remove (rule 'rm'); category: want "
                                  "'minors', got 'hate'; review: want none, got required; rule "
                                  "'minor' did not fire; rule 'rm' fired unexpectedly");
}

static void expect_error(const char *tests, uint64_t line, uint32_t col, const char *want)
{
    seen s;
    size_t np, nf;
    mo_diag d;
    int rc = run(tests, &s, &np, &nf, &d);
    if (rc == MO_OK || d.line != line || d.col != col || !strstr(d.msg, want))
        fprintf(stderr, "got rc=%d %llu:%u %s\n", rc, (unsigned long long)d.line, d.col, d.msg);
    assert_int_equal(rc, MO_EPARSE);
    assert_int_equal(d.line, line);
    assert_int_equal(d.col, col);
    assert_non_null(strstr(d.msg, want));
}

static void test_errors(void **state)
{
    (void)state;
    expect_error("policy: p.yaml\ncases:\n  - name: a\n    signals: {clf.hat: 1}\n"
                 "    expect: {action: allow}\n",
                 4, 15, "unknown field 'clf.hat'; did you mean 'clf.hate'?");
    expect_error("policy: p.yaml\ncases:\n  - name: a\n    signals: {clf.hate: high}\n"
                 "    expect: {action: allow}\n",
                 4, 25, "'clf.hate' is a number, got 'high'");
    expect_error("policy: p.yaml\ncases:\n  - name: a\n    author: {is_minor: yes}\n"
                 "    expect: {action: allow}\n",
                 4, 24, "is a bool");
    expect_error("policy: p.yaml\ncases:\n  - name: a\n    expect: {action: allow, rules: [mr]}\n",
                 4, 37, "no rule 'mr' in the policy; did you mean 'rm'?");
    expect_error("policy: p.yaml\ncases:\n  - name: a\n    expct: {action: allow}\n", 4, 5,
                 "did you mean 'expect'?");
    expect_error("policy: p.yaml\ncases:\n  - name: a\n", 3, 5, "needs 'expect'");
    expect_error("cases: []\n", 1, 1, "needs 'policy: PATH'");
    seen s;
    size_t np, nf;
    mo_diag d;
    assert_int_equal(run("policy: nope.yaml\ncases: []\n", &s, &np, &nf, &d), MO_EIO);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/mo_ptest_XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/p.yaml", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/t.yaml", dir);
    unlink(path);
    rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pass_and_fail),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
