/*
 * test_suite.c -- unit tests for src/eval/suite.c, the functional suite
 * runner shared by `moderato suite run` and `moderato eval --suite`: pass
 * counts per functionality, language and cell with a fake scorer,
 * unasserted labels, kept failures, the JSON and text reports, and the
 * file:line:field errors (bad JSON, missing fields, unknown label, label not
 * 0/1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "eval/eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* hate = 0.9 when the text starts with "bad", else 0.2; spam = 0.1. */
static int fake_score(void *user, const json_t *item, const char *text, size_t len, float *scores,
                      mo_diag *diag)
{
    (void)user;
    (void)item;
    (void)diag;
    scores[0] = len >= 3 && !memcmp(text, "bad", 3) ? 0.9f : 0.2f;
    scores[1] = 0.1f;
    return MO_OK;
}

static const char *const LABELS[2] = {"hate", "spam"};
static const float THR[2] = {0.5f, 0.5f};
static const mo_eval_scorer SC = {2, LABELS, THR, fake_score, NULL};

static char g_path[64];

static const char *write_tmp(const char *content)
{
    snprintf(g_path, sizeof g_path, "/tmp/mo_suite_XXXXXX");
    int fd = mkstemp(g_path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, content, strlen(content)), (ssize_t)strlen(content));
    close(fd);
    return g_path;
}

static void test_counts(void **state)
{
    (void)state;
    const char *p = write_tmp(
        "{\"id\":1,\"functionality\":\"hate\",\"text\":\"bad words\",\"labels\":{\"hate\":1},"
        "\"lang\":\"en\"}\n"
        "{\"id\":2,\"functionality\":\"hate\",\"text\":\"nice\",\"labels\":{\"hate\":1},"
        "\"lang\":\"de\"}\n"
        "\n"
        "{\"id\":3,\"functionality\":\"neg\",\"text\":\"nice\",\"labels\":{\"hate\":0,\"spam\":0},"
        "\"lang\":\"en\"}\n"
        "{\"id\":4,\"functionality\":\"neg\",\"text\":\"bad\",\"labels\":{},\"lang\":\"en\"}\n"
        "{\"id\":5,\"functionality\":\"hate\",\"text\":\"meh\",\"labels\":{\"hate\":1}}\n");
    mo_eval_suite *r;
    mo_diag d;
    assert_int_equal(mo__eval_suite_run(p, &SC, 1, &r, &d), MO_OK);
    assert_int_equal(r->n_cases, 5);
    assert_int_equal(r->n_passed, 3);
    assert_int_equal(r->n_funcs, 2);
    assert_string_equal(r->funcs[0].name, "hate");
    assert_int_equal(r->funcs[0].n_cases, 3);
    assert_int_equal(r->funcs[0].n_passed, 1);
    assert_int_equal(json_array_size(r->funcs[0].failures), 1); /* max_failures = 1 */
    assert_int_equal(r->funcs[1].n_passed, 2);                  /* no asserted label passes */
    assert_int_equal(r->n_langs, 3);
    assert_string_equal(r->langs[2].name, "?");
    assert_int_equal(r->n_cells, 4);
    assert_string_equal(r->cells[1].name, "hate");
    assert_string_equal(r->cells[1].lang, "de");
    assert_int_equal(r->cells[1].n_passed, 0);

    json_t *j = mo__eval_suite_json(r);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "cases")), 5);
    assert_float_equal(json_real_value(json_object_get(j, "accuracy")), 0.6, 1e-12);
    json_t *fh = json_object_get(json_object_get(j, "functionality"), "hate");
    assert_float_equal(json_real_value(json_object_get(fh, "accuracy")), 1.0 / 3, 1e-12);
    json_t *fhen = json_object_get(json_object_get(fh, "lang"), "en");
    assert_int_equal(json_integer_value(json_object_get(fhen, "passed")), 1);
    json_t *f0 = json_array_get(json_object_get(fh, "failures"), 0);
    assert_int_equal(json_integer_value(json_object_get(f0, "id")), 2);
    json_decref(j);

    mo_buf b = {0};
    assert_int_equal(mo__eval_suite_text(r, &b), MO_OK);
    assert_non_null(strstr(b.ptr, "hate                             3       1    0.3333\n"));
    assert_non_null(strstr(b.ptr, "overall: 5 cases, 3 passed, accuracy 0.6000\n"));
    assert_non_null(strstr(b.ptr, "hate                         1.000   0.000   0.000\n"));
    assert_non_null(strstr(b.ptr, "failures: hate (1 shown of 2)\n"));
    mo__buf_free(&b);
    mo__eval_suite_free(r);
    unlink(p);
}

static void expect_error(const char *content, int code, uint64_t line, const char *field)
{
    const char *p = write_tmp(content);
    mo_eval_suite *r = (mo_eval_suite *)1;
    mo_diag d;
    assert_int_equal(mo__eval_suite_run(p, &SC, 0, &r, &d), code);
    assert_null(r);
    assert_int_equal(d.line, line);
    assert_string_equal(d.field, field);
    assert_string_equal(d.file, p);
    unlink(p);
}

static void test_errors(void **state)
{
    (void)state;
    const char *ok = "{\"functionality\":\"a\",\"text\":\"x\",\"labels\":{}}\n";
    char buf[512];
    snprintf(buf, sizeof buf, "%s{nope\n", ok);
    expect_error(buf, MO_EPARSE, 2, "");
    snprintf(buf, sizeof buf, "%s%s{\"text\":\"x\",\"labels\":{}}\n", ok, ok);
    expect_error(buf, MO_EPARSE, 3, "functionality");
    expect_error("{\"functionality\":\"a\",\"labels\":{}}\n", MO_EPARSE, 1, "text");
    expect_error("{\"functionality\":\"a\",\"text\":\"x\",\"labels\":{\"nope\":1}}\n", MO_EPARSE, 1,
                 "nope");
    expect_error("{\"functionality\":\"a\",\"text\":\"x\",\"labels\":{\"hate\":2}}\n", MO_EPARSE, 1,
                 "hate");
    mo_eval_suite *r;
    mo_diag d;
    assert_int_equal(mo__eval_suite_run("/nonexistent/suite.jsonl", &SC, 0, &r, &d), MO_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
