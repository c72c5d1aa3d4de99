/*
 * test_engine.c -- the moderation pipeline through the public API: opening
 * the shipped configuration, decisions for known items, determinism of
 * decision ids, item errors with the field named, configuration errors, the
 * policy's declared category labels (mo_engine_category_label), and
 * allocation failure at every step of mo_engine_open (no crash, no leak under
 * ASan, a clean MO_ENOMEM).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/base.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONFIG "config/default.json"

static json_t *moderate(const mo_engine *e, mo_scratch *s, const char *item)
{
    const char *out;
    size_t n;
    mo_diag d;
    int rc = mo_moderate(e, s, item, strlen(item), &out, &n, &d);
    if (rc != MO_OK)
        fprintf(stderr, "%s: %s\n", mo_err_name(rc), d.msg);
    assert_int_equal(rc, MO_OK);
    assert_int_equal(n, strlen(out));
    json_t *j = json_loads(out, 0, NULL);
    assert_non_null(j);
    return j;
}

static void test_decisions(void **state)
{
    (void)state;
    mo_engine *e;
    mo_diag d;
    int rc = mo_engine_open(CONFIG, &e, &d);
    if (rc != MO_OK)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, MO_OK);
    assert_int_equal(strlen(mo_engine_version(e)), 16);
    mo_scratch *s;
    assert_int_equal(mo_scratch_new(e, &s), MO_OK);

    json_t *a = moderate(e, s, "{\"id\":\"a\",\"type\":\"comment\",\"text\":\"lovely chorus\"}");
    assert_string_equal(json_string_value(json_object_get(a, "action")), "allow");
    assert_int_equal(json_array_size(json_object_get(a, "rules")), 0);
    json_t *b = moderate(e, s,
                         "{\"id\":\"b\",\"type\":\"message\",\"recipient\":{\"age\":13},"
                         "\"text\":\"call me at +44 20 7946 0958\"}");
    assert_string_equal(json_string_value(json_object_get(b, "action")), "hold");
    json_t *ev = json_array_get(json_object_get(b, "evidence"), 0);
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(ev, "signal")), "pii.phone");
    /* Same item, same configuration: same decision id. */
    json_t *a2 = moderate(e, s, "{\"id\":\"a\",\"type\":\"comment\",\"text\":\"lovely chorus\"}");
    assert_string_equal(json_string_value(json_object_get(a, "decision_id")),
                        json_string_value(json_object_get(a2, "decision_id")));
    assert_string_not_equal(json_string_value(json_object_get(a, "decision_id")),
                            json_string_value(json_object_get(b, "decision_id")));
    json_decref(a);
    json_decref(a2);
    json_decref(b);

    /* Item errors name the field. */
    const char *out;
    size_t n;
    assert_int_equal(mo_moderate(e, s, "{\"id\":1}", 8, &out, &n, &d), MO_EPARSE);
    assert_string_equal(d.field, "text");
    assert_null(out);
    assert_int_equal(mo_moderate(e, s, "{\"text\":\"x\"}", 12, &out, &n, &d), MO_EPARSE);
    assert_string_equal(d.field, "id");
    assert_int_equal(mo_moderate(e, s, "[1,2", 4, &out, &n, &d), MO_EPARSE);
    assert_int_equal(mo_moderate(e, s, "{\"id\":1,\"text\":5}", 17, &out, &n, &d), MO_EPARSE);

    mo_scratch_free(s);
    mo_engine_free(e);
}

typedef struct batch_seen {
    size_t n, n_ok;
    int last_rc;
    char first_id[16];
} batch_seen;

static int on_decision(size_t index, int rc, const char *json, size_t len, const mo_diag *d,
                       void *user)
{
    batch_seen *b = user;
    assert_int_equal(index, b->n);
    b->n++;
    b->last_rc = rc;
    if (rc == MO_OK) {
        b->n_ok++;
        assert_int_equal(strlen(json), len);
        if (index == 0)
            snprintf(b->first_id, sizeof b->first_id, "%.10s", json + 6);
    } else {
        assert_non_null(d);
        assert_true(d->msg[0] != '\0');
    }
    return index == 3; /* stop after the fourth item */
}

static void test_batch(void **state)
{
    (void)state;
    mo_engine *e;
    assert_int_equal(mo_engine_open(CONFIG, &e, NULL), MO_OK);
    mo_scratch *s;
    assert_int_equal(mo_scratch_new(e, &s), MO_OK);
    const char *items[] = {"{\"id\":\"b1\",\"text\":\"hi\"}", "{\"id\":\"b2\"}",
                           "{\"id\":\"b3\",\"text\":\"free gift cards\"}",
                           "{\"id\":\"b4\",\"text\":\"ok\"}", "{\"id\":\"b5\",\"text\":\"never\"}"};
    size_t lens[5];
    for (int i = 0; i < 5; i++)
        lens[i] = strlen(items[i]);
    batch_seen b = {0};
    assert_int_equal(mo_moderate_batch(e, s, items, lens, 5, on_decision, &b), MO_ESTOPPED);
    assert_int_equal(b.n, 4);    /* stopped after the fourth */
    assert_int_equal(b.n_ok, 3); /* b2 has no text */
    assert_string_equal(b.first_id, "\"b1\",\"deci");
    assert_int_equal(mo_moderate_batch(e, s, items, lens, 0, on_decision, &b), MO_OK);
    assert_int_equal(mo_moderate_batch(e, s, items, lens, 1, NULL, &b), MO_EINVAL);
    mo_scratch_free(s);
    mo_engine_free(e);
}

static void test_config_errors(void **state)
{
    (void)state;
    mo_engine *e = (mo_engine *)1;
    mo_diag d;
    assert_int_equal(mo_engine_open("tests/no/such.json", &e, &d), MO_EIO);
    assert_null(e);
    char path[] = "/tmp/mo_engine_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *bad =
        "{\"model\":\"x.momd\",\"lexicons\":\"l\",\"policy\":\"p\",\"max_txt_bytes\":3}";
    assert_int_equal(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
    close(fd);
    assert_int_equal(mo_engine_open(path, &e, &d), MO_EPARSE);
    assert_non_null(strstr(d.msg, "did you mean 'max_text_bytes'"));
    unlink(path);
}

/* The policy's `categories:` through the engine: the shipped policy declares
 * every category it uses; a policy without the section declares none. */
static void test_categories(void **state)
{
    (void)state;
    mo_engine *e;
    assert_int_equal(mo_engine_open(CONFIG, &e, NULL), MO_OK);
    assert_int_equal(mo_engine_n_categories(e), 11);
    assert_int_equal(mo_engine_declares_categories(e), 1);
    assert_string_equal(mo_engine_category(e, 0), "hateful");
    assert_null(mo_engine_category(e, 11));
    assert_string_equal(mo_engine_category_label(e, "hateful"), "hate");
    assert_string_equal(mo_engine_category_label(e, "illegal.hate_speech"), "hate");
    assert_string_equal(mo_engine_category_label(e, "deceptive.scam"), "spam");
    assert_null(mo_engine_category_label(e, "minors.protection"));
    assert_null(mo_engine_category_label(e, "privacy.doxxing"));
    assert_null(mo_engine_category_label(e, "x.spam")); /* no guessing here */
    assert_null(mo_engine_category_label(e, NULL));
    assert_null(mo_engine_category_label(NULL, "hateful"));
    assert_int_equal(mo_engine_n_categories(NULL), 0);
    assert_int_equal(mo_engine_declares_categories(NULL), 0);
    const char *pp = mo_engine_policy_path(e);
    assert_non_null(pp);
    assert_non_null(strstr(pp, "policies/default.yaml"));
    mo_engine_free(e);

    /* The shipped model and lexicons with a policy that has no categories:. */
    char dir[] = "/tmp/mo_engine_cat_XXXXXX", cwd[4096], path[4200];
    assert_non_null(mkdtemp(dir));
    assert_non_null(getcwd(cwd, sizeof cwd));
    snprintf(path, sizeof path, "%s/p.yaml", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("policy: {id: t, version: \"1\"}\nrules:\n  - id: r\n    when: clf.hate > 0.5\n"
          "    action: label\n    category: hateful\n",
          f);
    fclose(f);
    snprintf(path, sizeof path, "%s/c.json", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f,
            "{\"model\": \"%s/models/default.momd\", \"lexicons\": \"%s/lexicons\", "
            "\"policy\": \"p.yaml\"}\n",
            cwd, cwd);
    fclose(f);
    mo_diag d;
    int rc = mo_engine_open(path, &e, &d);
    if (rc != MO_OK)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, MO_OK);
    assert_int_equal(mo_engine_n_categories(e), 0);
    assert_int_equal(mo_engine_declares_categories(e), 0);
    assert_null(mo_engine_category(e, 0));
    assert_null(mo_engine_category_label(e, "hateful"));
    assert_non_null(strstr(mo_engine_policy_path(e), "p.yaml"));
    mo_engine_free(e);
    unlink(path);
    snprintf(path, sizeof path, "%s/p.yaml", dir);
    unlink(path);
    rmdir(dir);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    /* Fail the 1st, 2nd, ... allocation of mo_engine_open until it succeeds:
     * each failure must come back as MO_ENOMEM (or a load error that wraps
     * it) with nothing leaked (ASan's leak checker runs at exit). */
    int opened = 0;
    for (uint64_t nth = 1; nth < 20000 && !opened; nth += nth < 200 ? 1 : 97) {
        mo_engine *e = NULL;
        mo__alloc_fail_after(nth);
        int rc = mo_engine_open(CONFIG, &e, NULL);
        mo__alloc_fail_after(0);
        if (rc == MO_OK) {
            opened = 1;
            mo_engine_free(e);
        } else {
            assert_null(e);
            assert_true(rc < 0);
        }
    }
    assert_true(opened);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decisions),     cmocka_unit_test(test_batch),
        cmocka_unit_test(test_config_errors), cmocka_unit_test(test_categories),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
