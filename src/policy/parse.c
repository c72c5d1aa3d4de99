/*
 * parse.c -- policy files: YAML (libyaml document API) to a compiled
 * mo_policy. Checks every key (unknown keys get a did-you-mean hint), every
 * enumerated value, the declared categories and their classifier labels
 * (clf.<label> in the schema), rule ids, categories, grounds and scopes;
 * compiles each `when` with compile.c; then warns about unreachable and
 * shadowed rules. Also the policy's accessors and mo__policy_free. Uses base and libyaml only.
 */
#include "policy/policy_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <yaml.h>

#define MO_POLICY_MAX_BYTES (16u << 20) /* largest policy source */
#define MO_POLICY_MAX_RULES 65536
#define MO_POLICY_MAX_FLOW_DEPTH 64 /* [ and { nesting; libyaml is quadratic in it */

typedef struct pctx {
    mo_policy *p;
    yaml_document_t *doc;
    const char *src;
    size_t src_len;
    mo_diag *diag;
} pctx;

/* ==== Names ==== */

static const char *const action_names[] = {"allow", "label", "limit", "hold", "remove", "suspend"};
static const char *const mode_names[] = {"enforce", "shadow"};
static const char *const ground_names[] = {"none", "illegal", "incompatible"};
static const char *const review_names[] = {"none", "sample", "required"};

const char *mo__policy_action_name(mo_action a)
{
    return (unsigned)a < 6 ? action_names[a] : "?";
}

const char *mo__policy_mode_name(mo_rule_mode m)
{
    return (unsigned)m < 2 ? mode_names[m] : "?";
}

const char *mo__policy_ground_name(mo_ground g)
{
    return (unsigned)g < 3 ? ground_names[g] : "?";
}

const char *mo__policy_review_name(mo_review r)
{
    return (unsigned)r < 3 ? review_names[r] : "?";
}

int mo__policy_action_parse(const char *s, mo_action *out)
{
    for (int i = 0; i < 6; i++)
        if (!strcmp(s, action_names[i])) {
            *out = (mo_action)i;
            return 0;
        }
    return -1;
}

/* ==== Owned strings ==== */

char *mo__policy_own(mo_policy *p, const char *s, size_t n)
{
    if (mo__policy_grow((void **)&p->owned, &p->owned_cap, p->n_owned + 1, sizeof *p->owned))
        return NULL;
    char *c = mo__strndup(s, n);
    if (c)
        p->owned[p->n_owned++] = c;
    return c;
}

/* ==== Node helpers ==== */

static int node_err(pctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int node_err(pctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mo__policy_diag(c->diag, MO_EPARSE, c->p->file, n ? (uint32_t)n->start_mark.line + 1 : 0,
                           n ? (uint32_t)n->start_mark.column + 1 : 0, "%s", msg);
}

static const char *node_kind(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "nothing";
    }
}

/* The scalar's value as an owned NUL-terminated string, or an error. */
static int scalar(pctx *c, const yaml_node_t *n, const char *key, const char **out)
{
    if (n->type != YAML_SCALAR_NODE)
        return node_err(c, n, "'%s' must be a scalar, found %s", key, node_kind(n));
    const char *v = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (memchr(v, '\0', len))
        return node_err(c, n, "'%s' contains a NUL byte", key);
    char *s = mo__policy_own(c->p, v, len);
    if (!s)
        return mo__policy_diag(c->diag, MO_ENOMEM, c->p->file, 0, 0, "out of memory");
    *out = s;
    return MO_OK;
}

/* The error "<msg>; did you mean '<nearest name to s>'?" at n, or, with no
 * near name, "<msg> (<list_word>: <every name>)". */
static int miss_err(pctx *c, const yaml_node_t *n, const char *msg, const char *s,
                    const char *const *names, size_t n_names, const char *list_word)
{
    const char *near = mo__policy_nearest(s, names, n_names);
    if (near)
        return node_err(c, n, "%s; did you mean '%s'?", msg, near);
    char all[256] = "";
    for (size_t i = 0; i < n_names; i++)
        snprintf(all + strlen(all), sizeof all - strlen(all), "%s%s", i ? ", " : "", names[i]);
    return node_err(c, n, "%s (%s: %s)", msg, list_word, all);
}

/* Parses an enumerated scalar (did-you-mean on a miss). */
static int enum_value(pctx *c, const yaml_node_t *n, const char *key, const char *const *names,
                      size_t n_names, int *out)
{
    const char *s;
    int rc = scalar(c, n, key, &s);
    if (rc != MO_OK)
        return rc;
    for (size_t i = 0; i < n_names; i++)
        if (!strcmp(s, names[i])) {
            *out = (int)i;
            return MO_OK;
        }
    char msg[200];
    snprintf(msg, sizeof msg, "invalid %s '%.120s'", key, s);
    return miss_err(c, n, msg, s, names, n_names, "one of");
}

static int unknown_key(pctx *c, const yaml_node_t *k, const char *where, const char *const *keys,
                       size_t n_keys)
{
    const char *s = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?";
    char msg[320];
    snprintf(msg, sizeof msg, "unknown key '%.120s' in %s", s, where);
    return miss_err(c, k, msg, s, keys, n_keys, "keys");
}

/* A plain YAML null: empty, "~", "null", "Null" or "NULL" (YAML core schema). */
static int is_null(const yaml_node_t *n)
{
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return !v[0] || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") ||
           !strcmp(v, "NULL");
}

/* A list of scalars (a single scalar counts as a one-item list). */
static int string_list(pctx *c, const yaml_node_t *n, const char *key, const char *const **out,
                       size_t *n_out)
{
    mo_policy *p = c->p;
    size_t cnt;
    yaml_node_item_t *items = NULL;
    if (n->type == YAML_SCALAR_NODE) {
        cnt = 1;
    } else if (n->type == YAML_SEQUENCE_NODE) {
        items = n->data.sequence.items.start;
        cnt = (size_t)(n->data.sequence.items.top - items);
    } else {
        return node_err(c, n, "'%s' must be a list of names, found %s", key, node_kind(n));
    }
    if (cnt == 0) {
        *out = NULL;
        *n_out = 0;
        return MO_OK;
    }
    size_t bytes;
    if (mo__size_mul(cnt, sizeof(char *), &bytes) != MO_OK)
        return node_err(c, n, "'%s' too long", key);
    char *arr = NULL; /* owned block for the pointer array */
    if (mo__policy_grow((void **)&p->owned, &p->owned_cap, p->n_owned + 1, sizeof *p->owned) ==
            MO_OK &&
        (arr = mo__calloc(1, bytes)) != NULL)
        p->owned[p->n_owned++] = arr;
    if (!arr)
        return mo__policy_diag(c->diag, MO_ENOMEM, p->file, 0, 0, "out of memory");
    const char **list = (const char **)(void *)arr;
    for (size_t i = 0; i < cnt; i++) {
        const yaml_node_t *it = items ? yaml_document_get_node(c->doc, items[i]) : n;
        if (!it)
            return node_err(c, n, "'%s': bad list item", key);
        int rc = scalar(c, it, key, &list[i]);
        if (rc != MO_OK)
            return rc;
        if (!list[i][0])
            return node_err(c, it, "'%s': empty name", key);
    }
    *out = list;
    *n_out = cnt;
    return MO_OK;
}

/* ==== The policy header ==== */

static int parse_header(pctx *c, const yaml_node_t *n, const char **version)
{
    static const char *const keys[] = {"id", "version", "description"};
    if (n->type != YAML_MAPPING_NODE)
        return node_err(c, n, "'policy' must be a mapping with id, version, description");
    const char *id = NULL;
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, pr->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            return node_err(c, k ? k : n, "policy keys must be names");
        const char *name = (const char *)k->data.scalar.value;
        int rc;
        const char *s;
        if (!strcmp(name, "id"))
            rc = scalar(c, v, "id", &id);
        else if (!strcmp(name, "version"))
            rc = scalar(c, v, "version", version);
        else if (!strcmp(name, "description")) {
            rc = scalar(c, v, "description", &s);
            c->p->description = (char *)s;
        } else
            rc = unknown_key(c, k, "policy", keys, 3);
        if (rc != MO_OK)
            return rc;
    }
    if (!id || !id[0])
        return node_err(c, n, "policy needs an 'id'");
    if (!*version || !(*version)[0])
        return node_err(c, n, "policy needs a 'version'");
    c->p->id = (char *)id;
    return MO_OK;
}

/* ==== Categories ==== */

/* Keys of one category entry. A later `dsa:` (EU DSA statement category)
 * joins `label` here. */
static const char *const category_keys[] = {"label"};
#define N_CATEGORY_KEYS (sizeof category_keys / sizeof category_keys[0])

/* The names of the declared categories, for hints; the array is the caller's
 * (mo__free), NULL when out of memory (then no hint is given). */
static const char **category_names(const mo_policy *p)
{
    const char **names = mo__calloc(p->n_categories + 1, sizeof *names);
    for (size_t i = 0; names && i < p->n_categories; i++)
        names[i] = p->categories[i].name;
    return names;
}

/* Checks a category entry's `label:` value against the classifier labels of
 * the schema (the fields clf.<label>); *out (OUT) is the owned label or NULL
 * for a YAML null. */
static int parse_label(pctx *c, const char *category, const yaml_node_t *v, const char **out)
{
    mo_policy *p = c->p;
    *out = NULL;
    if (is_null(v))
        return MO_OK;
    const char *label;
    int rc = scalar(c, v, "label", &label);
    if (rc != MO_OK)
        return rc;
    const char **labels = mo__calloc(p->n_fields + 1, sizeof *labels);
    if (!labels)
        return mo__policy_diag(c->diag, MO_ENOMEM, p->file, 0, 0, "out of memory");
    size_t n_labels = 0;
    for (size_t f = 0; f < p->n_fields; f++)
        if (p->field_types[f] == MO_FIELD_NUMBER && !strncmp(p->fields[f], "clf.", 4))
            labels[n_labels++] = p->fields[f] + 4;
    size_t i;
    for (i = 0; i < n_labels && strcmp(labels[i], label); i++)
        ;
    if (i < n_labels) {
        *out = label;
        rc = MO_OK;
    } else if (!n_labels) {
        rc = node_err(c, v, "category '%s': label '%s', but the schema has no classifier labels",
                      category, label);
    } else {
        char msg[300];
        snprintf(msg, sizeof msg, "category '%.100s': unknown label '%.100s'", category, label);
        rc = miss_err(c, v, msg, label, labels, n_labels, "labels");
    }
    mo__free(labels);
    return rc;
}

/* The optional `categories:` section: category name -> {label: NAME}. */
static int parse_categories(pctx *c, const yaml_node_t *n)
{
    mo_policy *p = c->p;
    if (n->type != YAML_MAPPING_NODE)
        return node_err(c, n,
                        "'categories' must be a mapping of category names to entries such as "
                        "{label: hate}, found %s",
                        node_kind(n));
    p->has_categories = 1;
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, pr->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            return node_err(c, k ? k : n, "category names must be scalars");
        const char *name;
        int rc = scalar(c, k, "category", &name);
        if (rc != MO_OK)
            return rc;
        if (!name[0])
            return node_err(c, k, "empty category name");
        long dup = mo__policy_find_category(p, name);
        if (dup >= 0)
            return node_err(c, k, "duplicate category '%s' (first at line %u)", name,
                            p->categories[dup].line);
        if (v->type != YAML_MAPPING_NODE)
            return node_err(c, v,
                            "category '%s' must be a mapping such as {label: hate} or {}, "
                            "found %s",
                            name, node_kind(v));
        const char *label = NULL;
        const yaml_node_t *seen[N_CATEGORY_KEYS] = {0};
        char where[160];
        snprintf(where, sizeof where, "category '%.120s'", name);
        for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top;
             q++) {
            yaml_node_t *ek = yaml_document_get_node(c->doc, q->key);
            yaml_node_t *ev = yaml_document_get_node(c->doc, q->value);
            if (!ek || !ev || ek->type != YAML_SCALAR_NODE)
                return node_err(c, ek ? ek : v, "keys in %s must be names", where);
            size_t i;
            for (i = 0; i < N_CATEGORY_KEYS; i++)
                if (!strcmp((const char *)ek->data.scalar.value, category_keys[i]))
                    break;
            if (i == N_CATEGORY_KEYS)
                return unknown_key(c, ek, where, category_keys, N_CATEGORY_KEYS);
            if (seen[i])
                return node_err(c, ek, "duplicate key '%s' in %s", category_keys[i], where);
            seen[i] = ev;
        }
        if (seen[0] && (rc = parse_label(c, name, seen[0], &label)) != MO_OK)
            return rc;
        rc = mo__policy_grow((void **)&p->categories, &p->categories_cap, p->n_categories + 1,
                             sizeof *p->categories);
        if (rc != MO_OK)
            return mo__policy_diag(c->diag, rc, p->file, 0, 0, "out of memory");
        p->categories[p->n_categories++] = (mo_category_info){
            name, label, (uint32_t)k->start_mark.line + 1, (uint32_t)k->start_mark.column + 1};
    }
    return MO_OK;
}

/* A rule's category must be declared when the policy has `categories:`. */
static int check_rule_category(pctx *c, const yaml_node_t *v, const char *category)
{
    mo_policy *p = c->p;
    if (!p->has_categories || !category[0] || mo__policy_find_category(p, category) >= 0)
        return MO_OK;
    char msg[300];
    snprintf(msg, sizeof msg, "category '%.120s' is not declared in 'categories'", category);
    const char **names = category_names(p);
    int rc = names && p->n_categories
                 ? miss_err(c, v, msg, category, names, p->n_categories, "declared")
                 : node_err(c, v, "%s", msg);
    mo__free(names);
    return rc;
}

/* ==== Rules ==== */

static const char *const rule_keys[] = {"id",    "description", "types",    "surfaces", "regions",
                                        "when",  "action",      "category", "ground",   "legal_ref",
                                        "terms", "review",      "notice",   "mode"};
#define N_RULE_KEYS (sizeof rule_keys / sizeof rule_keys[0])

static int scope_needs(pctx *c, const yaml_node_t *k, long field, const char *name)
{
    if (field < 0)
        return node_err(c, k, "'%s' needs the field '%s', which this engine does not provide",
                        (const char *)k->data.scalar.value, name);
    return MO_OK;
}

static int parse_rule(pctx *c, const yaml_node_t *n)
{
    mo_policy *p = c->p;
    if (n->type != YAML_MAPPING_NODE)
        return node_err(c, n, "each rule must be a mapping, found %s", node_kind(n));
    if (p->n_rules >= MO_POLICY_MAX_RULES)
        return node_err(c, n, "too many rules (limit %d)", MO_POLICY_MAX_RULES);
    int rc = mo__policy_grow((void **)&p->rules, &p->rules_cap, p->n_rules + 1, sizeof *p->rules);
    if (rc != MO_OK)
        return mo__policy_diag(c->diag, rc, p->file, 0, 0, "out of memory");
    mo_rule_info *r = &p->rules[p->n_rules];
    memset(r, 0, sizeof *r);
    r->description = r->category = r->legal_ref = r->terms = r->notice = r->when = "";
    r->file = p->file;
    r->line = (uint32_t)n->start_mark.line + 1;
    r->col = (uint32_t)n->start_mark.column + 1;
    const yaml_node_t *seen[N_RULE_KEYS] = {0};
    const yaml_node_t *seen_key[N_RULE_KEYS] = {0};
    for (yaml_node_pair_t *pr = n->data.mapping.pairs.start; pr < n->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, pr->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            return node_err(c, k ? k : n, "rule keys must be names");
        size_t i;
        for (i = 0; i < N_RULE_KEYS; i++)
            if (!strcmp((const char *)k->data.scalar.value, rule_keys[i]))
                break;
        if (i == N_RULE_KEYS)
            return unknown_key(c, k, "rule", rule_keys, N_RULE_KEYS);
        if (seen[i])
            return node_err(c, k, "duplicate key '%s' in rule", rule_keys[i]);
        seen[i] = v;
        seen_key[i] = k;
    }
    int e;
    /* id */
    if (!seen[0])
        return node_err(c, n, "rule needs an 'id'");
    if ((rc = scalar(c, seen[0], "id", &r->id)) != MO_OK)
        return rc;
    if (!r->id[0])
        return node_err(c, seen[0], "rule id is empty");
    for (size_t j = 0; j < p->n_rules; j++)
        if (!strcmp(p->rules[j].id, r->id))
            return node_err(c, seen[0], "duplicate rule id '%s' (first at line %u)", r->id,
                            p->rules[j].line);
    if (seen[1] && (rc = scalar(c, seen[1], "description", &r->description)) != MO_OK)
        return rc;
    if (seen[2] && ((rc = scope_needs(c, seen_key[2], p->f_type, "item.type")) != MO_OK ||
                    (rc = string_list(c, seen[2], "types", &r->types, &r->n_types)) != MO_OK))
        return rc;
    if (seen[3] && ((rc = scope_needs(c, seen_key[3], p->f_surface, "item.surface")) != MO_OK ||
                    (rc = string_list(c, seen[3], "surfaces", &r->surfaces, &r->n_surfaces))))
        return rc;
    if (seen[4] && ((rc = scope_needs(c, seen_key[4], p->f_region, "item.region")) != MO_OK ||
                    (rc = string_list(c, seen[4], "regions", &r->regions, &r->n_regions))))
        return rc;
    /* action */
    if (!seen[6])
        return node_err(c, n, "rule '%s' needs an 'action'", r->id);
    if ((rc = enum_value(c, seen[6], "action", action_names, 6, &e)) != MO_OK)
        return rc;
    r->action = (mo_action)e;
    if (seen[7] && ((rc = scalar(c, seen[7], "category", &r->category)) != MO_OK ||
                    (rc = check_rule_category(c, seen[7], r->category)) != MO_OK))
        return rc;
    if (seen[8]) {
        if ((rc = enum_value(c, seen[8], "ground", ground_names + 1, 2, &e)) != MO_OK)
            return rc;
        r->ground = (mo_ground)(e + 1);
    }
    if (seen[9] && (rc = scalar(c, seen[9], "legal_ref", &r->legal_ref)) != MO_OK)
        return rc;
    if (seen[10] && (rc = scalar(c, seen[10], "terms", &r->terms)) != MO_OK)
        return rc;
    if (r->ground == MO_GROUND_ILLEGAL && !r->legal_ref[0])
        return node_err(c, seen[8], "ground 'illegal' needs a 'legal_ref' (the law it breaks)");
    if (r->ground == MO_GROUND_INCOMPATIBLE && !r->terms[0])
        return node_err(c, seen[8], "ground 'incompatible' needs 'terms' (the terms clause)");
    if (r->ground != MO_GROUND_ILLEGAL && seen[9])
        return node_err(c, seen_key[9], "'legal_ref' is only for ground 'illegal'");
    if (r->ground != MO_GROUND_INCOMPATIBLE && seen[10])
        return node_err(c, seen_key[10], "'terms' is only for ground 'incompatible'");
    if (r->action >= MO_ACTION_LIMIT && r->ground == MO_GROUND_NONE)
        return node_err(c, seen[6],
                        "rule '%s': a restrictive action ('%s') needs a 'ground' (illegal or "
                        "incompatible) for its statement of reasons",
                        r->id, action_names[r->action]);
    if (seen[11]) {
        if ((rc = enum_value(c, seen[11], "review", review_names, 3, &e)) != MO_OK)
            return rc;
        r->review = (mo_review)e;
    }
    if (seen[12] && (rc = scalar(c, seen[12], "notice", &r->notice)) != MO_OK)
        return rc;
    if (seen[13]) {
        if ((rc = enum_value(c, seen[13], "mode", mode_names, 2, &e)) != MO_OK)
            return rc;
        r->mode = (mo_rule_mode)e;
    }
    /* when: compiled last so its errors come after the simple checks. */
    if (!seen[5])
        return node_err(c, n, "rule '%s' needs a 'when' condition", r->id);
    if ((rc = scalar(c, seen[5], "when", &r->when)) != MO_OK)
        return rc;
    mo_srcmap m = {c->src, c->src_len, seen[5]->start_mark.index, r->when, strlen(r->when)};
    mo_expr_info info;
    r->code_off = (uint32_t)p->n_code;
    if ((rc = mo__policy_compile_expr(p, r->when, strlen(r->when), &m, &info, c->diag)) != MO_OK)
        return rc;
    r = &p->rules[p->n_rules]; /* compile may not move rules, but be safe */
    r->code_len = (uint32_t)(p->n_code - r->code_off);
    p->n_rules++;
    if (info.is_const && !info.const_true) {
        rc = mo__policy_grow((void **)&p->warnings, &p->warnings_cap, p->n_warnings + 1,
                             sizeof *p->warnings);
        if (rc != MO_OK)
            return mo__policy_diag(c->diag, rc, p->file, 0, 0, "out of memory");
        mo_policy_warning *w = &p->warnings[p->n_warnings++];
        uint32_t l, col;
        mo__policy_srcpos(&m, 0, &l, &col);
        w->line = l, w->col = col, w->rule = (uint32_t)(p->n_rules - 1);
        snprintf(w->msg, sizeof w->msg, "rule '%s' is unreachable: its condition is always false",
                 r->id);
    }
    return MO_OK;
}

/* ==== Shadowed rules ==== */

static int same_set(const char *const *a, size_t na, const char *const *b, size_t nb)
{
    for (size_t i = 0; i < na; i++) {
        size_t j;
        for (j = 0; j < nb && strcmp(a[i], b[j]); j++)
            ;
        if (j == nb)
            return 0;
    }
    for (size_t j = 0; j < nb; j++) {
        size_t i;
        for (i = 0; i < na && strcmp(a[i], b[j]); i++)
            ;
        if (i == na)
            return 0;
    }
    return 1;
}

/* Condition texts equal up to whitespace. */
static int same_text(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
            a++;
        while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
            b++;
        if (*a != *b)
            return 0;
        if (!*a)
            return 1;
        a++, b++;
    }
}

static int warn_shadowed(mo_policy *p)
{
    for (size_t i = 1; i < p->n_rules; i++) {
        const mo_rule_info *r = &p->rules[i];
        if (r->mode != MO_RULE_MODE_ENFORCE)
            continue;
        for (size_t j = 0; j < i; j++) {
            const mo_rule_info *e = &p->rules[j];
            if (e->mode != MO_RULE_MODE_ENFORCE || e->action < r->action ||
                !same_text(e->when, r->when) ||
                !same_set(e->types, e->n_types, r->types, r->n_types) ||
                !same_set(e->surfaces, e->n_surfaces, r->surfaces, r->n_surfaces) ||
                !same_set(e->regions, e->n_regions, r->regions, r->n_regions))
                continue;
            int rc = mo__policy_grow((void **)&p->warnings, &p->warnings_cap, p->n_warnings + 1,
                                     sizeof *p->warnings);
            if (rc != MO_OK)
                return rc;
            mo_policy_warning *w = &p->warnings[p->n_warnings++];
            w->line = r->line, w->col = r->col, w->rule = (uint32_t)i;
            if (e->action == r->action)
                snprintf(
                    w->msg, sizeof w->msg,
                    "rule '%s' duplicates rule '%s' (line %u): same scope, condition and action",
                    r->id, e->id, e->line);
            else
                snprintf(w->msg, sizeof w->msg,
                         "rule '%s' is shadowed by rule '%s' (line %u): same scope and condition "
                         "with a more severe action ('%s' > '%s')",
                         r->id, e->id, e->line, action_names[e->action], action_names[r->action]);
            break;
        }
    }
    return MO_OK;
}

/* ==== Compile ==== */

static int cmp_warning(const void *a, const void *b)
{
    const mo_policy_warning *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->col < y->col ? -1 : x->col > y->col;
}

static int parse_doc(pctx *c, const char **version)
{
    yaml_node_t *root = yaml_document_get_root_node(c->doc);
    if (!root)
        return mo__policy_diag(c->diag, MO_EPARSE, c->p->file, 1, 1,
                               "empty policy file (expected 'policy:' and 'rules:')");
    if (root->type != YAML_MAPPING_NODE)
        return node_err(c, root, "a policy file is a mapping with 'policy' and 'rules', found %s",
                        node_kind(root));
    static const char *const keys[] = {"policy", "rules", "categories"};
    const yaml_node_t *header = NULL, *rules = NULL, *categories = NULL;
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top;
         pr++) {
        yaml_node_t *k = yaml_document_get_node(c->doc, pr->key);
        yaml_node_t *v = yaml_document_get_node(c->doc, pr->value);
        if (!k || !v || k->type != YAML_SCALAR_NODE)
            return node_err(c, k ? k : root, "top-level keys must be names");
        const char *name = (const char *)k->data.scalar.value;
        if (!strcmp(name, "policy") && !header)
            header = v;
        else if (!strcmp(name, "rules") && !rules)
            rules = v;
        else if (!strcmp(name, "categories") && !categories)
            categories = v;
        else if (!strcmp(name, "policy") || !strcmp(name, "rules") || !strcmp(name, "categories"))
            return node_err(c, k, "duplicate key '%s'", name);
        else
            return unknown_key(c, k, "the policy file", keys, 3);
    }
    if (!header)
        return node_err(c, root, "missing 'policy:' (id, version, description)");
    int rc = parse_header(c, header, version);
    if (rc != MO_OK)
        return rc;
    /* Before the rules, which must name declared categories. */
    if (categories && (rc = parse_categories(c, categories)) != MO_OK)
        return rc;
    if (!rules)
        return node_err(c, root, "missing 'rules:'");
    if (rules->type != YAML_SEQUENCE_NODE)
        return node_err(c, rules, "'rules' must be a list, found %s", node_kind(rules));
    for (yaml_node_item_t *it = rules->data.sequence.items.start;
         it < rules->data.sequence.items.top; it++) {
        yaml_node_t *rn = yaml_document_get_node(c->doc, *it);
        if (!rn)
            return node_err(c, rules, "bad rule");
        if ((rc = parse_rule(c, rn)) != MO_OK)
            return rc;
    }
    if (warn_shadowed(c->p) != MO_OK)
        return mo__policy_diag(c->diag, MO_ENOMEM, c->p->file, 0, 0, "out of memory");
    if (c->p->n_warnings > 1)
        qsort(c->p->warnings, c->p->n_warnings, sizeof *c->p->warnings, cmp_warning);
    return MO_OK;
}

int mo__policy_compile(const char *src, size_t len, const char *file_name,
                       const mo_field_def *fields, size_t n_fields, mo_policy **out, mo_diag *diag)
{
    mo__diag_clear(diag);
    if (!out)
        return mo__diag_set(diag, MO_EINVAL, file_name, 0, NULL, "no output pointer");
    *out = NULL;
    if ((!src && len) || (!fields && n_fields))
        return mo__diag_set(diag, MO_EINVAL, file_name, 0, NULL, "NULL source or schema");
    if (!file_name)
        file_name = "<policy>";
    if (len > MO_POLICY_MAX_BYTES)
        return mo__diag_set(diag, MO_ELIMIT, file_name, 0, NULL,
                            "policy source is %zu bytes, over the %u limit", len,
                            MO_POLICY_MAX_BYTES);
    if (n_fields > MO_BC_MAX_ARG)
        return mo__diag_set(diag, MO_ELIMIT, file_name, 0, NULL, "schema too large");
    mo_policy *p = mo__calloc(1, sizeof *p);
    if (!p)
        return mo__diag_set(diag, MO_ENOMEM, file_name, 0, NULL, "out of memory");
    int rc = MO_ENOMEM;
    yaml_parser_t parser;
    yaml_document_t doc;
    int have_parser = 0, have_doc = 0;
    p->f_type = p->f_surface = p->f_region = -1;
    p->file = mo__strndup(file_name, strlen(file_name));
    if (!p->file)
        goto nomem;
    if (n_fields) {
        p->fields = mo__calloc(n_fields, sizeof *p->fields);
        p->field_types = mo__calloc(n_fields, sizeof *p->field_types);
        if (!p->fields || !p->field_types)
            goto nomem;
    }
    for (size_t i = 0; i < n_fields; i++) {
        if (!fields[i].name) {
            rc = mo__diag_set(diag, MO_EINVAL, file_name, 0, NULL, "schema field %zu has no name",
                              i);
            goto fail;
        }
        p->fields[i] = mo__strndup(fields[i].name, strlen(fields[i].name));
        if (!p->fields[i])
            goto nomem;
        p->n_fields = i + 1;
        p->field_types[i] = fields[i].type;
        if (fields[i].type == MO_FIELD_STRING) {
            if (!strcmp(fields[i].name, "item.type"))
                p->f_type = (long)i;
            else if (!strcmp(fields[i].name, "item.surface"))
                p->f_surface = (long)i;
            else if (!strcmp(fields[i].name, "item.region"))
                p->f_region = (long)i;
        }
    }
    /* libyaml's scanner does work proportional to the flow nesting depth per
     * token, so deep `[[[[...` input takes minutes. Count brackets, ignoring
     * quoting (a conservative over-count), and refuse deep nesting first. */
    long depth = 0;
    uint32_t line = 1, col = 0;
    for (size_t i = 0; i < len; i++) {
        col++;
        if (src[i] == '\n')
            line++, col = 0;
        else if (src[i] == '[' || src[i] == '{')
            depth++;
        else if ((src[i] == ']' || src[i] == '}') && depth > 0)
            depth--;
        if (depth > MO_POLICY_MAX_FLOW_DEPTH) {
            rc = mo__policy_diag(diag, MO_ELIMIT, p->file, line, col,
                                 "more than %d nested '[' or '{'", MO_POLICY_MAX_FLOW_DEPTH);
            goto fail;
        }
    }
    if (!yaml_parser_initialize(&parser))
        goto nomem;
    have_parser = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)(src ? src : ""), len);
    if (!yaml_parser_load(&parser, &doc)) {
        if (parser.error == YAML_MEMORY_ERROR)
            goto nomem;
        rc = mo__policy_diag(diag, MO_EPARSE, p->file, (uint32_t)parser.problem_mark.line + 1,
                             (uint32_t)parser.problem_mark.column + 1, "YAML: %s%s%s",
                             parser.problem ? parser.problem : "syntax error",
                             parser.context ? " " : "", parser.context ? parser.context : "");
        goto fail;
    }
    have_doc = 1;
    pctx c = {p, &doc, src ? src : "", len, diag};
    const char *version = NULL;
    if ((rc = parse_doc(&c, &version)) != MO_OK)
        goto fail;
    char vbuf[320];
    snprintf(vbuf, sizeof vbuf, "%.256s+%016llx", version,
             (unsigned long long)XXH64(src ? src : "", len, 0));
    p->version = mo__strndup(vbuf, strlen(vbuf));
    if (!p->version)
        goto nomem;
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    *out = p;
    return MO_OK;
nomem:
    rc = mo__diag_set(diag, MO_ENOMEM, file_name, 0, NULL, "out of memory");
fail:
    if (have_doc)
        yaml_document_delete(&doc);
    if (have_parser)
        yaml_parser_delete(&parser);
    mo__policy_free(p);
    return rc;
}

int mo__policy_load(const char *path, const mo_field_def *fields, size_t n_fields, mo_policy **out,
                    mo_diag *diag)
{
    mo__diag_clear(diag);
    if (out)
        *out = NULL;
    if (!path || !out)
        return mo__diag_set(diag, MO_EINVAL, path, 0, NULL, "NULL path or output");
    FILE *f = fopen(path, "rb");
    if (!f)
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: cannot open", path);
    mo_buf b = {0};
    char chunk[65536];
    size_t n;
    int rc = MO_OK;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + n > MO_POLICY_MAX_BYTES) {
            rc = mo__diag_set(diag, MO_ELIMIT, path, 0, NULL, "%s: over %u bytes", path,
                              MO_POLICY_MAX_BYTES);
            break;
        }
        if (mo__buf_append(&b, chunk, n) != MO_OK) {
            rc = mo__diag_set(diag, MO_ENOMEM, path, 0, NULL, "out of memory");
            break;
        }
    }
    if (rc == MO_OK && ferror(f))
        rc = mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: read error", path);
    fclose(f);
    if (rc == MO_OK)
        rc = mo__policy_compile(b.ptr, b.len, path, fields, n_fields, out, diag);
    mo__buf_free(&b);
    return rc;
}

void mo__policy_free(mo_policy *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_owned; i++)
        mo__free(p->owned[i]);
    for (size_t i = 0; i < p->n_fields; i++)
        mo__free(p->fields[i]);
    mo__free(p->owned);
    mo__free(p->fields);
    mo__free(p->field_types);
    mo__free(p->rules);
    mo__free(p->code);
    mo__free(p->nums);
    mo__free(p->strs);
    mo__free(p->lists);
    mo__free(p->warnings);
    mo__free(p->categories);
    mo__free(p->version);
    mo__free(p->file);
    mo__free(p);
}

/* ==== Accessors ==== */

size_t mo__policy_n_rules(const mo_policy *p)
{
    return p ? p->n_rules : 0;
}

const mo_rule_info *mo__policy_rule(const mo_policy *p, size_t i)
{
    return p && i < p->n_rules ? &p->rules[i] : NULL;
}

const char *mo__policy_version(const mo_policy *p)
{
    return p ? p->version : NULL;
}

const char *mo__policy_id(const mo_policy *p)
{
    return p ? p->id : NULL;
}

size_t mo__policy_n_warnings(const mo_policy *p)
{
    return p ? p->n_warnings : 0;
}

const mo_policy_warning *mo__policy_warning(const mo_policy *p, size_t i)
{
    return p && i < p->n_warnings ? &p->warnings[i] : NULL;
}

long mo__policy_find_rule(const mo_policy *p, const char *id)
{
    for (size_t i = 0; p && id && i < p->n_rules; i++)
        if (!strcmp(p->rules[i].id, id))
            return (long)i;
    return -1;
}

int mo__policy_has_categories(const mo_policy *p)
{
    return p ? p->has_categories : 0;
}

size_t mo__policy_n_categories(const mo_policy *p)
{
    return p ? p->n_categories : 0;
}

const mo_category_info *mo__policy_category(const mo_policy *p, size_t i)
{
    return p && i < p->n_categories ? &p->categories[i] : NULL;
}

long mo__policy_find_category(const mo_policy *p, const char *name)
{
    for (size_t i = 0; p && name && i < p->n_categories; i++)
        if (!strcmp(p->categories[i].name, name))
            return (long)i;
    return -1;
}

const char *mo__policy_file(const mo_policy *p)
{
    return p ? p->file : NULL;
}
