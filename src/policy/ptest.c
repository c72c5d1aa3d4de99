/*
 * ptest.c -- policy tests: a YAML file names a policy (path relative to the
 * test file) and lists cases; each case gives signal and item values and the
 * expected action, fired rules, category and review. Backs `moderato policy
 * test`. Uses base and libyaml only.
 *
 *   policy: ../../policies/default.yaml
 *   cases:
 *     - name: slur in a comment is removed
 *       item: {type: comment, region: DE}        # item.<key>
 *       author: {age: 15}                         # author.<key>
 *       signals: {clf.hate: 0.97, lex.slur: 1}   # any schema field by full name
 *       expect: {action: remove, rules: [hate-remove], category: hate, review: required}
 */
#include "policy/policy_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct tctx {
    const char *path;
    yaml_document_t *doc;
    const mo_field_def *fields;
    size_t n_fields;
    const char *const *names; /* field names, for hints */
    mo_diag *diag;
} tctx;

static int terr(tctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int terr(tctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mo__policy_diag(c->diag, MO_EPARSE, c->path, n ? (uint32_t)n->start_mark.line + 1 : 0,
                           n ? (uint32_t)n->start_mark.column + 1 : 0, "%s", msg);
}

static const char *sval(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* Looks up key in a mapping node; NULL when absent. */
static yaml_node_t *map_get(yaml_document_t *d, const yaml_node_t *m, const char *key)
{
    if (!m || m->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        const char *k = sval(yaml_document_get_node(d, p->key));
        if (k && !strcmp(k, key))
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

static int check_keys(tctx *c, const yaml_node_t *m, const char *where, const char *const *keys,
                      size_t n)
{
    if (m->type != YAML_MAPPING_NODE)
        return terr(c, m, "%s must be a mapping", where);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
        const char *k = sval(kn);
        size_t i;
        for (i = 0; k && i < n && strcmp(k, keys[i]); i++)
            ;
        if (!k || i == n) {
            const char *near = k ? mo__policy_nearest(k, keys, n) : NULL;
            if (near)
                return terr(c, kn, "unknown key '%s' in %s; did you mean '%s'?", k, where, near);
            return terr(c, kn, "unknown key '%s' in %s", k ? k : "?", where);
        }
    }
    return MO_OK;
}

/* Sets values[] from a mapping of names (prefixed with prefix) to scalars. */
static int set_values(tctx *c, const yaml_node_t *m, const char *prefix, mo_field_value *values)
{
    if (m->type != YAML_MAPPING_NODE)
        return terr(c, m, "'%s' must be a mapping of names to values",
                    prefix[0] ? prefix : "signals");
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
        const char *k = sval(kn);
        const char *v = sval(vn);
        if (!k || !v)
            return terr(c, kn ? kn : m, "values must be scalars");
        char name[160];
        snprintf(name, sizeof name, "%s%s", prefix, k);
        size_t i;
        for (i = 0; i < c->n_fields && strcmp(c->fields[i].name, name); i++)
            ;
        if (i == c->n_fields) {
            const char *near = mo__policy_nearest(name, c->names, c->n_fields);
            if (near)
                return terr(c, kn, "unknown field '%s'; did you mean '%s'?", name, near);
            return terr(c, kn, "unknown field '%s'", name);
        }
        mo_field_value *fv = &values[i];
        memset(fv, 0, sizeof *fv);
        fv->present = 1;
        switch (c->fields[i].type) {
        case MO_FIELD_NUMBER: {
            char *end;
            errno = 0;
            fv->num = strtod(v, &end);
            if (!v[0] || *end || errno || !isfinite(fv->num))
                return terr(c, vn, "'%s' is a number, got '%s'", name, v);
            break;
        }
        case MO_FIELD_BOOL:
            if (!strcmp(v, "true"))
                fv->num = 1;
            else if (!strcmp(v, "false"))
                fv->num = 0;
            else
                return terr(c, vn, "'%s' is a bool (true/false), got '%s'", name, v);
            break;
        case MO_FIELD_STRING:
            fv->str = v;
            fv->str_len = vn->data.scalar.length;
            break;
        }
    }
    return MO_OK;
}

static void add_why(mo_policy_case_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_why(mo_policy_case_result *r, const char *fmt, ...)
{
    size_t n = strlen(r->why);
    if (n + 1 >= sizeof r->why)
        return;
    if (n)
        snprintf(r->why + n, sizeof r->why - n, "; "), n = strlen(r->why);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why + n, sizeof r->why - n, fmt, ap);
    va_end(ap);
}

static int run_case(tctx *c, const mo_policy *pol, const yaml_node_t *cn, mo_field_value *values,
                    mo_policy_case_result *res)
{
    static const char *const case_keys[] = {"name", "item", "author", "signals", "expect"};
    static const char *const expect_keys[] = {"action", "rules", "category", "review"};
    int rc = check_keys(c, cn, "a case", case_keys, 5);
    if (rc != MO_OK)
        return rc;
    memset(res, 0, sizeof *res);
    res->name = sval(map_get(c->doc, cn, "name"));
    if (!res->name)
        return terr(c, cn, "each case needs a 'name'");
    res->line = (uint32_t)cn->start_mark.line + 1;
    for (size_t i = 0; i < c->n_fields; i++) {
        memset(&values[i], 0, sizeof values[i]);
        values[i].num = NAN;
    }
    const yaml_node_t *n;
    if ((n = map_get(c->doc, cn, "item")) && (rc = set_values(c, n, "item.", values)) != MO_OK)
        return rc;
    if ((n = map_get(c->doc, cn, "author")) && (rc = set_values(c, n, "author.", values)) != MO_OK)
        return rc;
    if ((n = map_get(c->doc, cn, "signals")) && (rc = set_values(c, n, "", values)) != MO_OK)
        return rc;
    const yaml_node_t *ex = map_get(c->doc, cn, "expect");
    if (!ex)
        return terr(c, cn, "case '%s' needs 'expect'", res->name);
    if ((rc = check_keys(c, ex, "expect", expect_keys, 4)) != MO_OK)
        return rc;
    mo_policy_result pr;
    if ((rc = mo__policy_eval(pol, values, &pr)) != MO_OK)
        return mo__policy_diag(c->diag, rc, c->path, res->line, 0, "evaluation failed");
    const mo_rule_info *top =
        pr.decided_by != UINT32_MAX ? mo__policy_rule(pol, pr.decided_by) : NULL;
    if ((n = map_get(c->doc, ex, "action"))) {
        mo_action want;
        if (!sval(n) || mo__policy_action_parse(sval(n), &want))
            return terr(c, n, "expect.action must be an action name");
        if (want != pr.action)
            add_why(res, "action: want %s, got %s%s%s%s", sval(n),
                    mo__policy_action_name(pr.action), top ? " (rule '" : "", top ? top->id : "",
                    top ? "')" : "");
    }
    if ((n = map_get(c->doc, ex, "category"))) {
        const char *got = top ? top->category : "";
        if (!sval(n))
            return terr(c, n, "expect.category must be a name");
        if (strcmp(sval(n), got))
            add_why(res, "category: want '%s', got '%s'", sval(n), got);
    }
    if ((n = map_get(c->doc, ex, "review"))) {
        const char *want = sval(n);
        if (!want)
            return terr(c, n, "expect.review must be none, sample or required");
        if (strcmp(want, mo__policy_review_name(pr.review)))
            add_why(res, "review: want %s, got %s", want, mo__policy_review_name(pr.review));
    }
    if ((n = map_get(c->doc, ex, "rules"))) {
        if (n->type != YAML_SEQUENCE_NODE)
            return terr(c, n, "expect.rules must be a list of rule ids");
        /* Same set: every wanted rule fired, and nothing else fired. */
        for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
             it++) {
            yaml_node_t *rn = yaml_document_get_node(c->doc, *it);
            const char *id = sval(rn);
            if (!id)
                return terr(c, n, "expect.rules must be a list of rule ids");
            long idx = mo__policy_find_rule(pol, id);
            if (idx < 0) {
                const char *near = NULL;
                size_t nr = mo__policy_n_rules(pol);
                const char *ids[256];
                for (size_t i = 0; i < nr && i < 256; i++)
                    ids[i] = mo__policy_rule(pol, i)->id;
                near = mo__policy_nearest(id, ids, nr < 256 ? nr : 256);
                if (near)
                    return terr(c, rn, "no rule '%s' in the policy; did you mean '%s'?", id, near);
                return terr(c, rn, "no rule '%s' in the policy", id);
            }
            uint32_t k;
            for (k = 0; k < pr.n_hits && pr.hits[k] != (uint32_t)idx; k++)
                ;
            if (k == pr.n_hits)
                add_why(res, "rule '%s' did not fire", id);
        }
        for (uint32_t k = 0; k < pr.n_hits; k++) {
            const char *id = mo__policy_rule(pol, pr.hits[k])->id;
            yaml_node_item_t *it;
            for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
                const char *w = sval(yaml_document_get_node(c->doc, *it));
                if (w && !strcmp(w, id))
                    break;
            }
            if (it == n->data.sequence.items.top)
                add_why(res, "rule '%s' fired unexpectedly", id);
        }
    }
    res->passed = res->why[0] == '\0';
    return MO_OK;
}

int mo__policy_test_file(const char *path, const mo_field_def *fields, size_t n_fields,
                         mo_policy_case_fn report, void *user, size_t *n_pass, size_t *n_fail,
                         mo_diag *diag)
{
    mo__diag_clear(diag);
    if (n_pass)
        *n_pass = 0;
    if (n_fail)
        *n_fail = 0;
    if (!path || (!fields && n_fields))
        return mo__diag_set(diag, MO_EINVAL, path, 0, NULL, "NULL argument");
    FILE *f = fopen(path, "rb");
    if (!f)
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: cannot open", path);
    yaml_parser_t parser;
    yaml_document_t doc;
    mo_policy *pol = NULL;
    mo_field_value *values = NULL;
    const char **names = NULL;
    char *ppath = NULL;
    int rc, have_doc = 0;
    if (!yaml_parser_initialize(&parser)) {
        fclose(f);
        return mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "out of memory");
    }
    yaml_parser_set_input_file(&parser, f);
    if (!yaml_parser_load(&parser, &doc)) {
        rc = mo__policy_diag(diag, MO_EPARSE, path, (uint32_t)parser.problem_mark.line + 1,
                             (uint32_t)parser.problem_mark.column + 1, "YAML: %s",
                             parser.problem ? parser.problem : "syntax error");
        goto done;
    }
    have_doc = 1;
    values = mo__calloc(n_fields ? n_fields : 1, sizeof *values);
    names = mo__calloc(n_fields ? n_fields : 1, sizeof *names);
    if (!values || !names) {
        rc = mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n_fields; i++)
        names[i] = fields[i].name;
    tctx c = {path, &doc, fields, n_fields, names, diag};
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    static const char *const top_keys[] = {"policy", "cases"};
    if (!root) {
        rc = terr(&c, NULL, "empty test file");
        goto done;
    }
    if ((rc = check_keys(&c, root, "the test file", top_keys, 2)) != MO_OK)
        goto done;
    const char *pname = sval(map_get(&doc, root, "policy"));
    yaml_node_t *cases = map_get(&doc, root, "cases");
    if (!pname || !cases || cases->type != YAML_SEQUENCE_NODE) {
        rc = terr(&c, root, "a test file needs 'policy: PATH' and a 'cases:' list");
        goto done;
    }
    /* The policy path is relative to the test file's directory. */
    const char *slash = strrchr(path, '/');
    size_t dir_len = pname[0] == '/' || !slash ? 0 : (size_t)(slash - path + 1);
    ppath = mo__malloc(dir_len + strlen(pname) + 1);
    if (!ppath) {
        rc = mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "out of memory");
        goto done;
    }
    memcpy(ppath, path, dir_len);
    strcpy(ppath + dir_len, pname);
    if ((rc = mo__policy_load(ppath, fields, n_fields, &pol, diag)) != MO_OK)
        goto done;
    for (yaml_node_item_t *it = cases->data.sequence.items.start;
         it < cases->data.sequence.items.top; it++) {
        yaml_node_t *cn = yaml_document_get_node(&doc, *it);
        mo_policy_case_result res;
        if (!cn) {
            rc = terr(&c, cases, "bad case");
            goto done;
        }
        if ((rc = run_case(&c, pol, cn, values, &res)) != MO_OK)
            goto done;
        if (res.passed && n_pass)
            ++*n_pass;
        if (!res.passed && n_fail)
            ++*n_fail;
        if (report)
            report(&res, user);
    }
    rc = MO_OK;
done:
    if (have_doc)
        yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    mo__policy_free(pol);
    mo__free(values);
    mo__free(names);
    mo__free(ppath);
    return rc;
}
