/*
 * test_eval.c -- unit tests of policy evaluation (src/policy/eval.c):
 * severity resolution, shadow rules reported but not enforced, scopes
 * (types, surfaces, regions), missing values, functions, review routing,
 * the hit cap, and that evaluation allocates nothing.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/policy.h"

#define HDR "policy: {id: t, version: \"1\"}\nrules:\n"

static const mo_field_def *schema(size_t *n)
{
    return mo__policy_default_schema(n);
}

static mo_policy *compile(const char *src)
{
    size_t n;
    const mo_field_def *f = schema(&n);
    mo_policy *p = NULL;
    mo_diag d;
    int rc = mo__policy_compile(src, strlen(src), "t.yaml", f, n, &p, &d);
    if (rc != MO_OK)
        fprintf(stderr, "%llu:%u: %s\n", (unsigned long long)d.line, d.col, d.msg);
    assert_int_equal(rc, MO_OK);
    return p;
}

/* An item: every field missing. */
typedef struct item {
    mo_field_value v[64];
} item;

static void item_init(item *it)
{
    size_t n;
    schema(&n);
    assert_true(n <= 64);
    memset(it, 0, sizeof *it);
    for (size_t i = 0; i < n; i++)
        it->v[i].num = NAN;
}

static size_t field(const char *name)
{
    size_t n;
    const mo_field_def *f = schema(&n);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(f[i].name, name))
            return i;
    fail_msg("no field %s", name);
    return 0;
}

static void set_num(item *it, const char *name, double v)
{
    mo_field_value *f = &it->v[field(name)];
    f->num = v;
    f->present = 1;
}

static void set_str(item *it, const char *name, const char *s)
{
    mo_field_value *f = &it->v[field(name)];
    f->str = s;
    f->str_len = strlen(s);
    f->present = 1;
}

/* Evaluates and returns the fired rule ids joined by ',' in buf. */
static const char *eval(const mo_policy *p, const item *it, mo_policy_result *r, char *buf,
                        size_t cap)
{
    assert_int_equal(mo__policy_eval(p, it->v, r), MO_OK);
    buf[0] = '\0';
    for (uint32_t i = 0; i < r->n_hits; i++)
        snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", i ? "," : "",
                 mo__policy_rule(p, r->hits[i])->id);
    return buf;
}

static const char *SEV =
    HDR "  - id: lbl\n    when: clf.hate > 0.3\n    action: label\n    review: sample\n"
        "  - id: rm\n    when: clf.hate > 0.9\n    action: remove\n    category: hate\n"
        "    ground: incompatible\n    terms: '3.1'\n    review: required\n"
        "  - id: lim\n    when: clf.hate > 0.6\n    action: limit\n    ground: incompatible\n"
        "    terms: '3.2'\n"
        "  - id: susp-shadow\n    mode: shadow\n    when: clf.hate > 0.95\n    action: suspend\n"
        "    ground: incompatible\n    terms: '9'\n";

static void test_severity(void **state)
{
    (void)state;
    mo_policy *p = compile(SEV);
    item it;
    mo_policy_result r;
    char buf[256];

    item_init(&it);
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "");
    assert_int_equal(r.action, MO_ACTION_ALLOW);
    assert_int_equal(r.decided_by, UINT32_MAX);
    assert_int_equal(r.review, MO_REVIEW_NONE);

    set_num(&it, "clf.hate", 0.5);
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "lbl");
    assert_int_equal(r.action, MO_ACTION_LABEL);
    assert_int_equal(r.review, MO_REVIEW_SAMPLE);

    /* Order in the file does not matter: remove beats the later limit. */
    set_num(&it, "clf.hate", 0.92);
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "lbl,rm,lim");
    assert_int_equal(r.action, MO_ACTION_REMOVE);
    assert_int_equal(r.decided_by, 1);
    assert_string_equal(mo__policy_rule(p, r.decided_by)->category, "hate");
    assert_int_equal(r.review, MO_REVIEW_REQUIRED);

    /* The shadow suspend is reported but not enforced. */
    set_num(&it, "clf.hate", 0.99);
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "lbl,rm,lim,susp-shadow");
    assert_int_equal(r.action, MO_ACTION_REMOVE);
    assert_int_equal(r.decided_by, 1);
    mo__policy_free(p);
}

static void test_scopes(void **state)
{
    (void)state;
    mo_policy *p = compile(
        HDR "  - id: de\n    regions: [DE, AT]\n    when: clf.hate > 0.5\n    action: limit\n"
            "    ground: illegal\n    legal_ref: 'NetzDG'\n"
            "  - id: dm\n    types: [message]\n    surfaces: [direct]\n    when: clf.sexual > 0.5\n"
            "    action: hold\n    ground: incompatible\n    terms: 'minors'\n"
            "  - id: all\n    when: clf.hate > 0.5\n    action: label\n");
    item it;
    mo_policy_result r;
    char buf[256];
    item_init(&it);
    set_num(&it, "clf.hate", 0.7);
    set_num(&it, "clf.sexual", 0.7);
    /* No region, type or surface: scoped rules never apply. */
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "all");
    set_str(&it, "item.region", "FR");
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "all");
    set_str(&it, "item.region", "AT");
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "de,all");
    assert_int_equal(r.action, MO_ACTION_LIMIT);
    set_str(&it, "item.region", "D"); /* prefix of DE: no match */
    set_str(&it, "item.type", "message");
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "all");
    set_str(&it, "item.surface", "direct");
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "dm,all");
    assert_int_equal(r.action, MO_ACTION_HOLD);
    mo__policy_free(p);
}

static void test_missing_values(void **state)
{
    (void)state;
    mo_policy *p =
        compile(HDR "  - id: lt\n    when: clf.hate < 0.5\n    action: label\n"
                    "  - id: ne\n    when: item.lang != 'en'\n    action: label\n"
                    "  - id: notgt\n    when: not (clf.hate > 0.5)\n    action: label\n"
                    "  - id: in\n    when: item.lang in ['de']\n    action: label\n"
                    "  - id: notin\n    when: item.lang not in ['de']\n    action: label\n"
                    "  - id: minor\n    when: author.is_minor\n    action: label\n"
                    "  - id: max\n    when: max(clf.hate, clf.spam) > 0.5\n    action: label\n"
                    "  - id: absmiss\n    when: abs(clf.hate) >= 0\n    action: label\n"
                    "  - id: count\n    when: count(clf.hate > 0.5, clf.spam > 0.5) == 0\n"
                    "    action: label\n");
    item it;
    mo_policy_result r;
    char buf[256];
    item_init(&it);
    /* Every comparison with a missing value is false; `not` of false is true. */
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "notgt,notin,count");
    /* A NaN number counts as missing even with present = 1. */
    set_num(&it, "clf.hate", NAN);
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "notgt,notin,count");
    /* max() skips missing arguments. */
    set_num(&it, "clf.spam", 0.8);
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "notgt,notin,max");
    set_num(&it, "clf.hate", 0.1);
    set_str(&it, "item.lang", "de");
    set_num(&it, "author.is_minor", 1);
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "lt,ne,notgt,in,minor,max,absmiss");
    mo__policy_free(p);
}

static void test_functions_and_ops(void **state)
{
    (void)state;
    mo_policy *p = compile(
        HDR "  - id: min\n    when: min(clf.hate, clf.spam) >= 0.5\n    action: label\n"
            "  - id: any\n    when: any(clf.hate > 0.9, pii.phone >= 1)\n    action: label\n"
            "  - id: cnt\n    when: count(clf.hate > 0.4, clf.spam > 0.4, pii.phone > 0) >= 2\n"
            "    action: label\n"
            "  - id: abs\n    when: abs(-author.age) == 15 and author.age in [13, 14, 15]\n"
            "    action: label\n"
            "  - id: eqstr\n    when: item.lang == \"de\" or item.lang == ''\n    action: label\n"
            "  - id: prec\n    when: not clf.hate > 0.9 and clf.spam > 0.1 or false\n"
            "    action: label\n");
    item it;
    mo_policy_result r;
    char buf[256];
    item_init(&it);
    set_num(&it, "clf.hate", 0.5);
    set_num(&it, "clf.spam", 0.6);
    set_num(&it, "pii.phone", 1);
    set_num(&it, "author.age", 15);
    set_str(&it, "item.lang", "");
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "min,any,cnt,abs,eqstr,prec");
    set_num(&it, "clf.hate", 0.95);
    set_num(&it, "pii.phone", 0);
    set_num(&it, "author.age", 12);
    set_str(&it, "item.lang", "dex");
    assert_string_equal(eval(p, &it, &r, buf, sizeof buf), "min,any,cnt");
    mo__policy_free(p);
}

static void test_hit_cap(void **state)
{
    (void)state;
    char *src = malloc(64 * 1024);
    assert_non_null(src);
    int n = snprintf(src, 64 * 1024, HDR);
    for (int i = 0; i < 70; i++)
        n += snprintf(src + n, 64 * 1024 - n,
                      "  - id: r%d\n    when: clf.hate > %d\n"
                      "    action: label\n",
                      i, i % 2 ? -1 : -2);
    mo_policy *p = compile(src);
    free(src);
    item it;
    mo_policy_result r;
    item_init(&it);
    set_num(&it, "clf.hate", 0);
    assert_int_equal(mo__policy_eval(p, it.v, &r), MO_OK);
    assert_int_equal(r.n_hits, MO_POLICY_MAX_HITS);
    assert_int_equal(r.hits_truncated, 1);
    assert_int_equal(r.action, MO_ACTION_LABEL);
    assert_int_equal(mo__policy_eval(NULL, it.v, &r), MO_EINVAL);
    assert_int_equal(mo__policy_eval(p, NULL, &r), MO_EINVAL);
    mo__policy_free(p);
}

static void test_no_allocation(void **state)
{
    (void)state;
    mo_policy *p = compile(SEV);
    item it;
    mo_policy_result r;
    item_init(&it);
    set_num(&it, "clf.hate", 0.99);
    uint64_t before = mo__alloc_calls();
    for (int i = 0; i < 1000; i++)
        assert_int_equal(mo__policy_eval(p, it.v, &r), MO_OK);
    assert_int_equal(mo__alloc_calls(), before);
    mo__policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_severity),       cmocka_unit_test(test_scopes),
        cmocka_unit_test(test_missing_values), cmocka_unit_test(test_functions_and_ops),
        cmocka_unit_test(test_hit_cap),        cmocka_unit_test(test_no_allocation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
