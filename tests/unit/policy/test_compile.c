/*
 * test_compile.c -- unit tests of the policy compiler (src/policy/lex.c,
 * parse.c, compile.c): errors with exact line:col and hints, type errors,
 * unknown keys and values, golden bytecode, warnings for unreachable and
 * shadowed rules, the `categories:` section (labels, every error), limits,
 * and allocation failure at every step.
 */
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

static int compile(const char *src, mo_policy **p, mo_diag *d)
{
    size_t n;
    const mo_field_def *f = mo__policy_default_schema(&n);
    return mo__policy_compile(src, strlen(src), "t.yaml", f, n, p, d);
}

/* Compiles src expecting MO_EPARSE at line:col with msg containing want. */
static void expect_error(const char *src, uint64_t line, uint32_t col, const char *want)
{
    mo_policy *p = (mo_policy *)1;
    mo_diag d;
    int rc = compile(src, &p, &d);
    if (rc == MO_OK || d.line != line || d.col != col || !strstr(d.msg, want))
        fprintf(stderr, "source:\n%s\ngot rc=%d %llu:%u: %s\n", src, rc, (unsigned long long)d.line,
                d.col, d.msg);
    assert_int_equal(rc, MO_EPARSE);
    assert_null(p);
    assert_string_equal(d.file, "t.yaml");
    assert_int_equal(d.line, line);
    assert_int_equal(d.col, col);
    assert_non_null(strstr(d.msg, want));
}

static void test_lexer_errors(void **state)
{
    (void)state;
    expect_error(HDR "  - id: a\n    when: clf.hate > 0.5 && lex.slur > 0\n    action: label\n", 4,
                 26, "use 'and', 'or', 'not'");
    expect_error(HDR "  - id: a\n    when: item.region = 'DE'\n    action: label\n", 4, 23,
                 "use '=='");
    expect_error(HDR "  - id: a\n    when: \"item.region == 'DE\"\n    action: label\n", 4, 27,
                 "unterminated string");
    expect_error(HDR "  - id: a\n    when: clf.hate > 0.5x\n    action: label\n", 4, 22,
                 "malformed number");
    expect_error(HDR "  - id: a\n    when: clf.hate > 1e999\n    action: label\n", 4, 22,
                 "out of range");
}

static void test_parser_errors(void **state)
{
    (void)state;
    expect_error(HDR "  - id: a\n    when: clf.hate > 0.5 and (lex.slur > 0\n    action: label\n",
                 4, 43, "expected ')'");
    expect_error(HDR "  - id: a\n    when: clf.hate > 0.5 lex.slur\n    action: label\n", 4, 26,
                 "unexpected name after the condition");
    expect_error(HDR "  - id: a\n    when: clf.hate >\n    action: label\n", 4, 21,
                 "expected a value, found end of expression");
    expect_error(HDR "  - id: a\n    when: \"\"\n    action: label\n", 4, 11, "empty condition");
    expect_error(HDR "  - id: a\n    when: item.region in \"DE\"\n    action: label\n", 4, 26,
                 "expected '[' after 'in'");
    /* Block scalar: positions map into the indented lines. */
    expect_error(HDR "  - id: a\n    when: |\n      clf.hate > 0.5 and\n      clf.hatx > 0\n"
                     "    action: label\n",
                 6, 7, "unknown field 'clf.hatx'; did you mean 'clf.hate'?");
    /* Folded plain scalar over two lines. */
    expect_error(HDR "  - id: a\n    when: clf.hate > 0.5 and\n      bogus.x > 0\n"
                     "    action: label\n",
                 5, 7, "unknown field 'bogus.x'");
    /* YAML syntax errors carry libyaml's position. */
    expect_error(HDR "  - id: a\n    when: [x\n    action: label\n", 5, 11, "YAML:");
}

static void test_type_errors(void **state)
{
    (void)state;
    expect_error(HDR "  - id: a\n    when: item.region > 1\n    action: label\n", 4, 23,
                 "'>' compares numbers, got a string and a number");
    expect_error(HDR "  - id: a\n    when: clf.hate == 'x'\n    action: label\n", 4, 23,
                 "cannot compare a number with a string");
    expect_error(HDR "  - id: a\n    when: clf.hate\n    action: label\n", 4, 11,
                 "must be a bool, this is a number");
    expect_error(HDR "  - id: a\n    when: clf.hate and author.is_minor\n    action: label\n", 4,
                 11, "'and' needs bools, got a number on the left");
    expect_error(HDR "  - id: a\n    when: not clf.hate\n    action: label\n", 4, 11,
                 "'not' needs a bool");
    expect_error(HDR "  - id: a\n    when: max(clf.hate, item.lang) > 1\n    action: label\n", 4,
                 25, "max() takes number arguments, got a string");
    expect_error(HDR "  - id: a\n    when: item.region in [\"DE\", 1]\n    action: label\n", 4, 33,
                 "list items must be string constants");
    expect_error(HDR "  - id: a\n    when: mx(clf.hate) > 1\n    action: label\n", 4, 11,
                 "unknown function 'mx'; did you mean 'max'?");
    expect_error(HDR "  - id: a\n    when: abs(clf.hate, 1) > 1\n    action: label\n", 4, 25,
                 "at most 1 argument");
    expect_error(HDR "  - id: a\n    when: \"- item.lang == 'x'\"\n    action: label\n", 4, 12,
                 "'-' needs a number");
}

static void test_key_errors(void **state)
{
    (void)state;
    expect_error(HDR "  - id: a\n    when: clf.hate > 1\n    acton: label\n", 5, 5,
                 "unknown key 'acton' in rule; did you mean 'action'?");
    expect_error(HDR "  - id: a\n    when: clf.hate > 1\n    action: remov\n", 5, 13,
                 "invalid action 'remov'; did you mean 'remove'?");
    expect_error(HDR "  - id: a\n    when: clf.hate > 1\n    action: label\n    mode: shadw\n", 6,
                 11, "invalid mode 'shadw'; did you mean 'shadow'?");
    expect_error(HDR "  - id: a\n    when: clf.hate > 1\n    action: label\n    review: maybe\n", 6,
                 13, "invalid review 'maybe'");
    expect_error(HDR "  - id: a\n    when: clf.hate > 1\n    action: remove\n    ground: ilegal\n",
                 6, 13, "did you mean 'illegal'?");
    expect_error(HDR "  - id: a\n    when: clf.hate > 1\n    action: remove\n    ground: illegal\n",
                 6, 13, "needs a 'legal_ref'");
    expect_error(HDR "  - id: a\n    when: clf.hate > 1\n    action: remove\n", 5, 13,
                 "needs a 'ground'");
    expect_error(HDR "  - id: a\n    when: clf.hate > 1\n    action: label\n"
                     "  - id: a\n    when: clf.hate > 2\n    action: label\n",
                 6, 9, "duplicate rule id 'a' (first at line 3)");
    expect_error(HDR "  - id: a\n    when: clf.hate > 1\n", 3, 5, "needs an 'action'");
    expect_error(HDR "  - id: a\n    action: label\n", 3, 5, "needs a 'when'");
    expect_error("policy: {id: t, version: \"1\"}\nrulez: []\n", 2, 1,
                 "unknown key 'rulez' in the policy file; did you mean 'rules'?");
    expect_error("policy: {id: t, verison: \"1\"}\nrules: []\n", 1, 17, "did you mean 'version'?");
    expect_error("policy: {id: t}\nrules: []\n", 1, 9, "needs a 'version'");
    expect_error("", 1, 1, "empty policy file");
    expect_error("- a\n", 1, 1, "a policy file is a mapping");
}

static void test_scope_needs_field(void **state)
{
    (void)state;
    static const mo_field_def f[] = {{"clf.hate", MO_FIELD_NUMBER}};
    const char *src =
        HDR "  - id: a\n    regions: [DE]\n    when: clf.hate > 1\n    action: label\n";
    mo_policy *p;
    mo_diag d;
    assert_int_equal(mo__policy_compile(src, strlen(src), "t.yaml", f, 1, &p, &d), MO_EPARSE);
    assert_int_equal(d.line, 4);
    assert_int_equal(d.col, 5);
    assert_non_null(strstr(d.msg, "needs the field 'item.region'"));
}

/* Golden bytecode: each expression's disassembly, exactly. */
static void expect_disasm(const char *when, const char *want)
{
    char src[1024];
    snprintf(src, sizeof src, HDR "  - id: r\n    when: \"%s\"\n    action: label\n", when);
    mo_policy *p = NULL;
    mo_diag d;
    int rc = compile(src, &p, &d);
    if (rc != MO_OK)
        fprintf(stderr, "%s: %s\n", when, d.msg);
    assert_int_equal(rc, MO_OK);
    mo_buf b = {0};
    assert_int_equal(mo__policy_disasm(p, &b), MO_OK);
    const char *body = strchr(b.ptr, '\n') + 1; /* skip the "rule 0 ..." header */
    if (strcmp(body, want))
        fprintf(stderr, "%s:\n%s\nwant:\n%s\n", when, body, want);
    assert_string_equal(body, want);
    mo__buf_free(&b);
    mo__policy_free(p);
}

static void test_golden_bytecode(void **state)
{
    (void)state;
    expect_disasm("clf.hate > 0.9 or lex.slur > 0", "  0000 LOAD 0 ; clf.hate\n"
                                                    "  0001 PUSH_NUM 0 ; 0.9\n"
                                                    "  0002 GT\n"
                                                    "  0003 LOAD 7 ; lex.slur\n"
                                                    "  0004 PUSH_NUM 1 ; 0\n"
                                                    "  0005 GT\n"
                                                    "  0006 OR\n"
                                                    "  0007 RET\n");
    expect_disasm("item.region in ['DE', 'AT'] and not author.is_minor",
                  "  0000 LOAD 29 ; item.region\n"
                  "  0001 IN 0 ; [\"DE\", \"AT\"]\n"
                  "  0002 LOAD 34 ; author.is_minor\n"
                  "  0003 NOT\n"
                  "  0004 AND\n"
                  "  0005 RET\n");
    expect_disasm("max(clf.hate, clf.harassment, -1) >= 0.5 and count(pii.phone > 0, "
                  "pii.email > 0) >= 2",
                  "  0000 LOAD 0 ; clf.hate\n"
                  "  0001 LOAD 1 ; clf.harassment\n"
                  "  0002 PUSH_NUM 0 ; 1\n"
                  "  0003 NEG\n"
                  "  0004 MAX 3\n"
                  "  0005 PUSH_NUM 1 ; 0.5\n"
                  "  0006 GE\n"
                  "  0007 LOAD 15 ; pii.phone\n"
                  "  0008 PUSH_NUM 2 ; 0\n"
                  "  0009 GT\n"
                  "  0010 LOAD 14 ; pii.email\n"
                  "  0011 PUSH_NUM 2 ; 0\n"
                  "  0012 GT\n"
                  "  0013 COUNT 2\n"
                  "  0014 PUSH_NUM 3 ; 2\n"
                  "  0015 GE\n"
                  "  0016 AND\n"
                  "  0017 RET\n");
    expect_disasm("item.lang not in ['en'] or any(author.is_minor, true) == false",
                  "  0000 LOAD 30 ; item.lang\n"
                  "  0001 IN 0 ; [\"en\"]\n"
                  "  0002 NOT\n"
                  "  0003 LOAD 34 ; author.is_minor\n"
                  "  0004 PUSH_BOOL 1 ; true\n"
                  "  0005 ANY 2\n"
                  "  0006 PUSH_BOOL 0 ; false\n"
                  "  0007 EQ\n"
                  "  0008 OR\n"
                  "  0009 RET\n");
}

static void test_rule_info(void **state)
{
    (void)state;
    const char *src = HDR "  - id: hate\n    description: hateful speech\n    types: [comment]\n"
                          "    surfaces: [podcast_episode, playlist]\n    regions: [DE]\n"
                          "    when: clf.hate > 0.9\n    action: remove\n    category: hate\n"
                          "    ground: illegal\n    legal_ref: \"StGB 130\"\n    review: required\n"
                          "    notice: Removed.\n    mode: shadow\n";
    mo_policy *p;
    mo_diag d;
    assert_int_equal(compile(src, &p, &d), MO_OK);
    assert_int_equal(mo__policy_n_rules(p), 1);
    const mo_rule_info *r = mo__policy_rule(p, 0);
    assert_string_equal(r->id, "hate");
    assert_string_equal(r->description, "hateful speech");
    assert_string_equal(r->when, "clf.hate > 0.9");
    assert_int_equal(r->action, MO_ACTION_REMOVE);
    assert_int_equal(r->mode, MO_RULE_MODE_SHADOW);
    assert_int_equal(r->ground, MO_GROUND_ILLEGAL);
    assert_string_equal(r->legal_ref, "StGB 130");
    assert_string_equal(r->terms, "");
    assert_int_equal(r->review, MO_REVIEW_REQUIRED);
    assert_string_equal(r->notice, "Removed.");
    assert_int_equal(r->n_types, 1);
    assert_string_equal(r->types[0], "comment");
    assert_int_equal(r->n_surfaces, 2);
    assert_string_equal(r->surfaces[1], "playlist");
    assert_int_equal(r->n_regions, 1);
    assert_string_equal(r->file, "t.yaml");
    assert_int_equal(r->line, 3);
    assert_int_equal(r->col, 5);
    assert_null(mo__policy_rule(p, 1));
    assert_string_equal(mo__policy_id(p), "t");
    assert_int_equal(strncmp(mo__policy_version(p), "1+", 2), 0);
    assert_int_equal(strlen(mo__policy_version(p)), 18);
    assert_int_equal(mo__policy_find_rule(p, "hate"), 0);
    assert_int_equal(mo__policy_find_rule(p, "nope"), -1);
    mo__policy_free(p);
}

static void test_warnings(void **state)
{
    (void)state;
    const char *src = HDR "  - id: rm\n    when: clf.hate > 0.9\n    action: remove\n"
                          "    ground: incompatible\n    terms: \"3.1\"\n"
                          "  - id: lbl\n    when: clf.hate  >  0.9\n    action: label\n"
                          "  - id: lbl-de\n    regions: [DE]\n    when: clf.hate > 0.9\n"
                          "    action: label\n"
                          "  - id: never\n    when: 1 > 2 and clf.spam > 0.5\n    action: label\n"
                          "  - id: also-never\n    when: not (true or clf.spam > 0)\n"
                          "    action: label\n"
                          "  - id: fine\n    when: 1 < 2 and clf.spam > 0.5\n    action: label\n";
    mo_policy *p;
    mo_diag d;
    assert_int_equal(compile(src, &p, &d), MO_OK);
    assert_int_equal(mo__policy_n_warnings(p), 3);
    const mo_policy_warning *w = mo__policy_warning(p, 0);
    assert_int_equal(w->line, 8);
    assert_int_equal(w->col, 5);
    assert_int_equal(w->rule, 1);
    assert_non_null(strstr(w->msg, "'lbl' is shadowed by rule 'rm' (line 3)"));
    w = mo__policy_warning(p, 1);
    assert_int_equal(w->line, 16);
    assert_int_equal(w->col, 11);
    assert_non_null(strstr(w->msg, "'never' is unreachable"));
    w = mo__policy_warning(p, 2);
    assert_int_equal(w->line, 19);
    assert_non_null(strstr(w->msg, "'also-never' is unreachable"));
    assert_null(mo__policy_warning(p, 3));
    mo__policy_free(p);
}

static void test_limits(void **state)
{
    (void)state;
    /* 70 nested parentheses exceed the nesting bound: MO_ELIMIT, not a crash. */
    char src[1024];
    int n = snprintf(src, sizeof src, HDR "  - id: a\n    when: \"");
    for (int i = 0; i < 70; i++)
        src[n++] = '(';
    n += snprintf(src + n, sizeof src - n, "true");
    for (int i = 0; i < 70; i++)
        src[n++] = ')';
    snprintf(src + n, sizeof src - n, "\"\n    action: label\n");
    mo_policy *p;
    mo_diag d;
    assert_int_equal(compile(src, &p, &d), MO_ELIMIT);
    assert_null(p);
    /* max() with 100 arguments needs more than 64 stack slots. */
    n = snprintf(src, sizeof src, HDR "  - id: a\n    when: \"max(");
    for (int i = 0; i < 100; i++)
        n += snprintf(src + n, sizeof src - n, "%s%d", i ? "," : "", i);
    snprintf(src + n, sizeof src - n, ") > 1\"\n    action: label\n");
    assert_int_equal(compile(src, &p, &d), MO_ELIMIT);
    assert_non_null(strstr(d.msg, "too complex"));
    /* Deep YAML flow nesting is refused before libyaml sees it. */
    n = snprintf(src, sizeof src, HDR "  - id: a\n    x: ");
    for (int i = 0; i < 70; i++)
        src[n++] = '[';
    src[n] = '\0';
    assert_int_equal(compile(src, &p, &d), MO_ELIMIT);
    assert_int_equal(d.line, 4);
    assert_int_equal(d.col, 72);
    assert_non_null(strstr(d.msg, "more than 64 nested"));
    assert_int_equal(mo__policy_compile(NULL, 0, NULL, NULL, 0, NULL, &d), MO_EINVAL);
}

/* ==== categories: ==== */

#define CAT_RULE(cat)                                                                              \
    "  - id: r\n    when: clf.hate > 0.5\n    action: label\n    category: " cat "\n"

static void test_categories(void **state)
{
    (void)state;
    /* Flow and block entries, every null form, declared after the rules. */
    const char *src = HDR CAT_RULE("hateful") "categories:\n"
                                              "  hateful: {label: hate}\n"
                                              "  illegal.hate_speech:\n"
                                              "    label: hate\n"
                                              "  minors.protection: {}\n"
                                              "  privacy.doxxing: {label: null}\n"
                                              "  a: {label: ~}\n"
                                              "  b: {label: }\n"
                                              "  deceptive.spam: {label: spam}\n";
    mo_policy *p = NULL;
    mo_diag d;
    int rc = compile(src, &p, &d);
    if (rc != MO_OK)
        fprintf(stderr, "%llu:%u: %s\n", (unsigned long long)d.line, d.col, d.msg);
    assert_int_equal(rc, MO_OK);
    assert_true(mo__policy_has_categories(p));
    assert_int_equal(mo__policy_n_categories(p), 7);
    static const char *const names[] = {
        "hateful", "illegal.hate_speech", "minors.protection", "privacy.doxxing", "a",
        "b",       "deceptive.spam"};
    static const char *const labels[] = {"hate", "hate", NULL, NULL, NULL, NULL, "spam"};
    for (size_t i = 0; i < 7; i++) {
        const mo_category_info *ci = mo__policy_category(p, i);
        assert_non_null(ci);
        assert_string_equal(ci->name, names[i]);
        if (labels[i])
            assert_string_equal(ci->label, labels[i]);
        else
            assert_null(ci->label);
        assert_int_equal(ci->line, 8 + i + (i > 1)); /* illegal.hate_speech takes two lines */
        assert_int_equal(ci->col, 3);
        assert_int_equal(mo__policy_find_category(p, names[i]), (long)i);
    }
    assert_null(mo__policy_category(p, 7));
    assert_int_equal(mo__policy_find_category(p, "nope"), -1);
    assert_int_equal(mo__policy_find_category(p, NULL), -1);
    assert_string_equal(mo__policy_file(p), "t.yaml");
    mo__policy_free(p);

    /* No section: any category is accepted, none has a label. */
    assert_int_equal(compile(HDR CAT_RULE("whatever"), &p, &d), MO_OK);
    assert_false(mo__policy_has_categories(p));
    assert_int_equal(mo__policy_n_categories(p), 0);
    assert_int_equal(mo__policy_find_category(p, "whatever"), -1);
    mo__policy_free(p);
    assert_false(mo__policy_has_categories(NULL));
    assert_int_equal(mo__policy_n_categories(NULL), 0);

    /* An empty section declares nothing; rules without a category are fine. */
    assert_int_equal(compile(HDR "  - id: r\n    when: clf.hate > 0.5\n    action: label\n"
                                 "categories: {}\n",
                             &p, &d),
                     MO_OK);
    assert_true(mo__policy_has_categories(p));
    assert_int_equal(mo__policy_n_categories(p), 0);
    mo__policy_free(p);
}

/* Every error of the section, each at its line:col. */
static void test_category_errors(void **state)
{
    (void)state;
    static const struct {
        const char *src, *msg;
        uint64_t line;
        uint32_t col;
    } cases[] = {
        /* The section and its entries. */
        {HDR CAT_RULE("x") "categories: [x]\n", "'categories' must be a mapping of category names",
         7, 13},
        {HDR CAT_RULE("x") "categories:\n  x: hate\n",
         "category 'x' must be a mapping such as {label: hate} or {}, found a scalar", 8, 6},
        {HDR CAT_RULE("x") "categories:\n  x: {lable: hate}\n",
         "unknown key 'lable' in category 'x'; did you mean 'label'?", 8, 7},
        {HDR CAT_RULE("x") "categories:\n  x: {dsa: STATEMENT_CATEGORY_SCAMS}\n",
         "unknown key 'dsa' in category 'x' (keys: label)", 8, 7},
        {HDR CAT_RULE("x") "categories:\n  x: {label: hate, label: spam}\n",
         "duplicate key 'label' in category 'x'", 8, 20},
        {HDR CAT_RULE("x") "categories:\n  x: {}\n  y: {}\n  x: {label: hate}\n",
         "duplicate category 'x' (first at line 8)", 10, 3},
        {HDR CAT_RULE("x") "categories:\n  \"\": {}\n", "empty category name", 8, 3},
        {HDR CAT_RULE("x") "categories:\n  [a]: {}\n", "category names must be scalars", 8, 3},
        {HDR CAT_RULE("x") "categories: {}\ncategories: {}\n", "duplicate key 'categories'", 8, 1},
        {HDR CAT_RULE("x") "categorys: {}\n",
         "unknown key 'categorys' in the policy file; did you mean 'categories'?", 7, 1},
        /* Labels: those of the schema's classifier (clf.<label>); lex.slur is a field. */
        {HDR CAT_RULE("x") "categories:\n  x: {label: hat}\n",
         "category 'x': unknown label 'hat'; did you mean 'hate'?", 8, 14},
        {HDR CAT_RULE("x") "categories:\n  x:\n    label: weather\n",
         "category 'x': unknown label 'weather' (labels: hate, harassment, sexual, "
         "self_harm, violence, spam, profanity)",
         9, 12},
        {HDR CAT_RULE("x") "categories:\n  x: {label: \"null\"}\n", "unknown label 'null'", 8, 14},
        {HDR CAT_RULE("x") "categories:\n  x: {label: slur}\n", "unknown label 'slur'", 8, 14},
        {HDR CAT_RULE("x") "categories:\n  x: {label: [hate]}\n",
         "'label' must be a scalar, found a list", 8, 14},
        /* Rules must name a declared category. */
        {HDR CAT_RULE("hatefull") "categories:\n  hateful: {label: hate}\n  spam: {}\n",
         "category 'hatefull' is not declared in 'categories'; did you mean "
         "'hateful'?",
         6, 15},
        {HDR CAT_RULE("weather") "categories:\n  hateful: {label: hate}\n  spam: {}\n",
         "category 'weather' is not declared in 'categories' (declared: hateful, spam)", 6, 15},
        {HDR CAT_RULE("x") "categories: {}\n", "category 'x' is not declared in 'categories'", 6,
         15},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(cases[i].src, cases[i].line, cases[i].col, cases[i].msg);
}

/* A schema without classifier fields has no labels to name. */
static void test_category_no_labels(void **state)
{
    (void)state;
    static const mo_field_def fields[] = {{"lex.slur", MO_FIELD_NUMBER},
                                          {"clf.flag", MO_FIELD_BOOL}};
    const char *src = HDR "  - id: r\n    when: lex.slur > 0\n    action: label\n    category: x\n"
                          "categories:\n  x: {label: flag}\n";
    mo_policy *p = (mo_policy *)1;
    mo_diag d;
    assert_int_equal(mo__policy_compile(src, strlen(src), "t.yaml", fields, 2, &p, &d), MO_EPARSE);
    assert_null(p);
    assert_int_equal(d.line, 8);
    assert_int_equal(d.col, 14);
    assert_non_null(strstr(d.msg, "category 'x': label 'flag', but the schema has no classifier "
                                  "labels"));
}

/* Allocation failure at every step: an error, never a leak or crash (ASan). */
static void test_alloc_failure(void **state)
{
    (void)state;
    const char *src = HDR "  - id: rm\n    regions: [DE, AT]\n    when: clf.hate > 0.9 and "
                          "item.lang in ['de']\n    action: remove\n    ground: illegal\n"
                          "    legal_ref: x\n    category: illegal.hate\n  - id: lbl\n"
                          "    when: clf.hate > 0.9 and item.lang in ['de']\n    action: label\n"
                          "categories:\n  illegal.hate: {label: hate}\n  other: {}\n";
    int ok = 0;
    for (uint64_t nth = 1; nth < 500 && !ok; nth++) {
        mo__alloc_fail_after(nth);
        mo_policy *p = NULL;
        mo_diag d;
        int rc = compile(src, &p, &d);
        mo__alloc_fail_after(0);
        if (rc == MO_OK) {
            ok = 1;
            assert_int_equal(mo__policy_n_rules(p), 2);
            assert_int_equal(mo__policy_n_categories(p), 2);
        } else {
            assert_int_equal(rc, MO_ENOMEM);
            assert_null(p);
        }
        mo__policy_free(p);
    }
    assert_true(ok);
}

static void test_edit_distance(void **state)
{
    (void)state;
    assert_int_equal(mo__policy_edit_distance("", ""), 0);
    assert_int_equal(mo__policy_edit_distance("clf.hat", "clf.hate"), 1);
    assert_int_equal(mo__policy_edit_distance("kitten", "sitting"), 3);
    assert_int_equal(mo__policy_edit_distance("abc", ""), 3);
    assert_int_equal(mo__policy_edit_distance("whne", "when"), 1);
    static const char *const names[] = {"when", "where", "action"};
    assert_string_equal(mo__policy_nearest("whne", names, 3), "when");
    assert_null(mo__policy_nearest("zzzz", names, 3));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lexer_errors),       cmocka_unit_test(test_parser_errors),
        cmocka_unit_test(test_type_errors),        cmocka_unit_test(test_key_errors),
        cmocka_unit_test(test_scope_needs_field),  cmocka_unit_test(test_golden_bytecode),
        cmocka_unit_test(test_rule_info),          cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_categories),         cmocka_unit_test(test_category_errors),
        cmocka_unit_test(test_category_no_labels), cmocka_unit_test(test_limits),
        cmocka_unit_test(test_alloc_failure),      cmocka_unit_test(test_edit_distance),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
