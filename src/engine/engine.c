/*
 * engine.c -- the moderation pipeline (mo_engine_open, mo_moderate): one
 * item's text is scored by the classifier, scanned by the detectors over the
 * same normalization, turned into field values for the policy, evaluated, and
 * written as a decision with reasons, evidence spans and versions. The engine
 * is loaded and validated once and then only read, so threads share it; each
 * thread brings a mo_scratch. May use every lower layer (base, text, model,
 * detect, policy).
 */
#include "engine/engine.h"
#include "detect/detect.h"
#include "engine/engine_int.h"
#include "text/text.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xxhash.h>

/* Where a schema field's value comes from. */
typedef enum field_src {
    SRC_CLF,            /* classifier label index */
    SRC_DET,            /* detector signal index */
    SRC_ITEM_TYPE,      /* item "type" */
    SRC_ITEM_SURFACE,   /* item "surface" */
    SRC_ITEM_REGION,    /* item "region" */
    SRC_ITEM_LANG,      /* item "lang" */
    SRC_TO_MINOR,       /* recipient is a minor */
    SRC_AUTHOR_ACCOUNT, /* author.account_type */
    SRC_AUTHOR_AGE,     /* author.age */
    SRC_AUTHOR_MINOR,   /* author is a minor */
} field_src;

/* A piece of precomputed decision JSON: bytes [off, off + len) of e->frags. */
typedef struct frag {
    uint32_t off, len;
} frag;

typedef struct field_map {
    field_src src;
    size_t index; /* label or signal index for SRC_CLF / SRC_DET */
} field_map;

struct mo_engine {
    mo_model *model;          /* owned */
    mo_detect_config *detect; /* owned */
    mo_policy *policy;        /* owned */
    size_t n_labels;          /* classifier labels */
    size_t n_signals;         /* detector signals */
    mo_field_def *fields;     /* (n_fields) the policy schema; names owned */
    field_map *map;           /* (n_fields) */
    size_t n_fields;
    size_t max_text_bytes;  /* longest text accepted */
    char version[17];       /* xxh64 of config + model + lexicons + policy, hex */
    uint64_t version_seed;  /* the same hash as a number: seeds decision ids */
    char model_version[17]; /* xxh64 of the model metadata, hex */
    /* Decision JSON that depends only on the configuration, written once at
     * open (build_frags) and copied into every decision. */
    mo_buf frags;           /* owned: the bytes of every frag below */
    frag *label_key;        /* (n_labels) ,"<label>": */
    frag *signal_key;       /* (n_signals) ,"<signal>": */
    frag *ev_head;          /* (n_signals) ,{"signal":"<signal>","start": */
    size_t n_rules;         /* rules of the policy */
    frag *rule_json;        /* (n_rules) ,{"id":...,"action":...,"mode":...,"category":...} */
    frag *rule_cat;         /* (n_rules) ,"<category>" */
    uint32_t *rule_cat_key; /* (n_rules) first rule with the same category; UINT32_MAX when the
                             * rule is not listed under "categories" (shadow, allow, none) */
    frag *rule_tail;        /* (n_rules + 1) notice and ground of the deciding rule; the last
                             * entry when no rule decided */
    frag versions;          /* ,"versions":{...},"latency_us": */
};

struct mo_scratch {
    const mo_engine *engine;
    mo_model_scratch *ms;   /* classifier scratch */
    mo_detect_scratch *ds;  /* detector scratch */
    float *scores;          /* (n_labels) */
    double *signals;        /* (n_signals) */
    mo_field_value *values; /* (n_fields) */
    mo_buf text;            /* joined transcript text */
    mo_buf dec;             /* the fast item reader's decoded strings */
    mo_buf out;             /* the decision JSON */
};

static void hex64(char out[17], uint64_t h)
{
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* ==== Loading ==== */

static char *read_file(const char *path, size_t *len, mo_diag *diag, int *rc)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *rc =
            mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    mo_buf b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        if (mo__buf_append(&b, tmp, n) != MO_OK) {
            fclose(f);
            mo__buf_free(&b);
            *rc = MO_ENOMEM;
            return NULL;
        }
    int err = ferror(f);
    fclose(f);
    if (err) {
        mo__buf_free(&b);
        *rc = mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: read error", path);
        return NULL;
    }
    if (!b.ptr && mo__buf_reserve(&b, 0) != MO_OK) {
        *rc = MO_ENOMEM;
        return NULL;
    }
    *len = b.len;
    return b.ptr;
}

/* Resolves `rel` against the folder of `base_file` into out (out_cap bytes). */
static void resolve_path(const char *base_file, const char *rel, char *out, size_t out_cap)
{
    const char *slash = strrchr(base_file, '/');
    if (rel[0] == '/' || !slash)
        snprintf(out, out_cap, "%s", rel);
    else
        snprintf(out, out_cap, "%.*s/%s", (int)(slash - base_file), base_file, rel);
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Feeds every regular file of a folder (sorted by name, name and bytes) into
 * the hash, so an edited lexicon changes the engine version. */
static int hash_dir(XXH64_state_t *h, const char *dir, mo_diag *diag)
{
    DIR *d = opendir(dir);
    if (!d)
        return mo__diag_set(diag, MO_EIO, dir, 0, "lexicons", "%s: cannot open folder: %s", dir,
                            strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = MO_OK;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = mo__realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = MO_ENOMEM;
                goto out;
            }
            names = nn;
        }
        if (!(names[n] = mo__strndup(e->d_name, strlen(e->d_name)))) {
            rc = MO_ENOMEM;
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof *names, cmp_cstr);
    for (size_t i = 0; i < n && rc == MO_OK; i++) {
        char path[8192];
        int pn = snprintf(path, sizeof path, "%.4000s/%.4000s", dir, names[i]);
        if (pn < 0 || (size_t)pn >= sizeof path)
            continue;
        size_t len;
        int frc = MO_OK;
        char *bytes = read_file(path, &len, NULL, &frc);
        if (!bytes)
            continue; /* a sub-folder or unreadable entry; the detectors report real problems */
        XXH64_update(h, names[i], strlen(names[i]) + 1);
        XXH64_update(h, bytes, len);
        mo__free(bytes);
    }
out:
    for (size_t i = 0; i < n; i++)
        mo__free(names[i]);
    mo__free(names);
    closedir(d);
    return rc;
}

static const struct {
    const char *name;
    mo_field_type type;
    field_src src;
} context_fields[] = {
    {"item.type", MO_FIELD_STRING, SRC_ITEM_TYPE},
    {"item.surface", MO_FIELD_STRING, SRC_ITEM_SURFACE},
    {"item.region", MO_FIELD_STRING, SRC_ITEM_REGION},
    {"item.lang", MO_FIELD_STRING, SRC_ITEM_LANG},
    {"item.to_minor", MO_FIELD_BOOL, SRC_TO_MINOR},
    {"author.account_type", MO_FIELD_STRING, SRC_AUTHOR_ACCOUNT},
    {"author.age", MO_FIELD_NUMBER, SRC_AUTHOR_AGE},
    {"author.is_minor", MO_FIELD_BOOL, SRC_AUTHOR_MINOR},
};
#define N_CONTEXT (sizeof context_fields / sizeof context_fields[0])

/* Builds the policy schema from what this engine really produces. */
static int build_schema(mo_engine *e)
{
    e->n_fields = e->n_labels + e->n_signals + N_CONTEXT;
    e->fields = mo__calloc(e->n_fields, sizeof *e->fields);
    e->map = mo__calloc(e->n_fields, sizeof *e->map);
    if (!e->fields || !e->map)
        return MO_ENOMEM;
    size_t f = 0;
    for (size_t k = 0; k < e->n_labels; k++, f++) {
        const char *label = mo_model_label(e->model, k);
        size_t n = strlen(label) + 5;
        char *name = mo__malloc(n);
        if (!name)
            return MO_ENOMEM;
        snprintf(name, n, "clf.%s", label);
        e->fields[f] = (mo_field_def){name, MO_FIELD_NUMBER};
        e->map[f] = (field_map){SRC_CLF, k};
    }
    for (size_t j = 0; j < e->n_signals; j++, f++) {
        const char *sig = mo__detect_signal_name(e->detect, j);
        char *name = mo__strndup(sig, strlen(sig));
        if (!name)
            return MO_ENOMEM;
        e->fields[f] = (mo_field_def){name, MO_FIELD_NUMBER};
        e->map[f] = (field_map){SRC_DET, j};
    }
    for (size_t c = 0; c < N_CONTEXT; c++, f++) {
        char *name = mo__strndup(context_fields[c].name, strlen(context_fields[c].name));
        if (!name)
            return MO_ENOMEM;
        e->fields[f] = (mo_field_def){name, context_fields[c].type};
        e->map[f] = (field_map){context_fields[c].src, 0};
    }
    return MO_OK;
}

/* Appends raw0, then str1 as a JSON string value, then raw2 (each skipped
 * when NULL) to b and sets *f to the bytes written. */
static int frag_add(mo_buf *b, frag *f, const char *raw0, const char *str1, const char *raw2)
{
    size_t off = b->len;
    int w = 0;
    if (raw0)
        w |= mo__buf_append(b, raw0, strlen(raw0));
    if (str1)
        w |= mo__buf_json_string(b, str1, strlen(str1));
    if (raw2)
        w |= mo__buf_append(b, raw2, strlen(raw2));
    if (w || b->len > UINT32_MAX)
        return MO_ENOMEM;
    *f = (frag){(uint32_t)off, (uint32_t)(b->len - off)};
    return MO_OK;
}

/* Writes the configuration-dependent pieces of every decision (after the
 * policy is compiled and the versions are known). */
static int build_frags(mo_engine *e)
{
    size_t R = mo__policy_n_rules(e->policy);
    e->n_rules = R;
    e->label_key = mo__calloc(e->n_labels + 1, sizeof *e->label_key);
    e->signal_key = mo__calloc(e->n_signals + 1, sizeof *e->signal_key);
    e->ev_head = mo__calloc(e->n_signals + 1, sizeof *e->ev_head);
    e->rule_json = mo__calloc(R + 1, sizeof *e->rule_json);
    e->rule_cat = mo__calloc(R + 1, sizeof *e->rule_cat);
    e->rule_cat_key = mo__calloc(R + 1, sizeof *e->rule_cat_key);
    e->rule_tail = mo__calloc(R + 1, sizeof *e->rule_tail);
    if (!e->label_key || !e->signal_key || !e->ev_head || !e->rule_json || !e->rule_cat ||
        !e->rule_cat_key || !e->rule_tail)
        return MO_ENOMEM;
    mo_buf *b = &e->frags;
    int rc = MO_OK;
    for (size_t k = 0; k < e->n_labels && rc == MO_OK; k++)
        rc = frag_add(b, &e->label_key[k], ",", mo_model_label(e->model, k), ":");
    for (size_t j = 0; j < e->n_signals && rc == MO_OK; j++) {
        const char *name = mo__detect_signal_name(e->detect, j);
        rc = frag_add(b, &e->signal_key[j], ",", name, ":");
        if (rc == MO_OK)
            rc = frag_add(b, &e->ev_head[j], ",{\"signal\":", name, ",\"start\":");
    }
    for (size_t r = 0; r < R && rc == MO_OK; r++) {
        const mo_rule_info *ri = mo__policy_rule(e->policy, r);
        char mid[96];
        snprintf(mid, sizeof mid, ",\"action\":\"%s\",\"mode\":\"%s\",\"category\":",
                 mo__policy_action_name(ri->action), mo__policy_mode_name(ri->mode));
        size_t off = b->len; /* two frag_adds make one frag */
        if ((rc = frag_add(b, &e->rule_json[r], ",{\"id\":", ri->id, mid)) != MO_OK ||
            (rc = frag_add(b, &e->rule_json[r], NULL, ri->category, "}")) != MO_OK)
            break;
        e->rule_json[r] = (frag){(uint32_t)off, (uint32_t)(b->len - off)};
        if ((rc = frag_add(b, &e->rule_cat[r], ",", ri->category, NULL)) != MO_OK)
            break;
        e->rule_cat_key[r] = UINT32_MAX;
        if (ri->mode == MO_RULE_MODE_ENFORCE && ri->action != MO_ACTION_ALLOW && ri->category[0]) {
            uint32_t key = (uint32_t)r;
            for (size_t q = 0; q < r && key == r; q++)
                if (!strcmp(mo__policy_rule(e->policy, q)->category, ri->category))
                    key = (uint32_t)q;
            e->rule_cat_key[r] = key;
        }
        size_t t0 = b->len; /* likewise */
        if (ri->notice[0])
            rc = frag_add(b, &e->rule_tail[r], NULL, ri->notice, NULL);
        else
            rc = frag_add(b, &e->rule_tail[r], "null", NULL, NULL);
        if (rc == MO_OK && ri->ground != MO_GROUND_NONE) {
            char head[64];
            snprintf(head, sizeof head,
                     ",\"ground\":{\"type\":\"%s\",\"ref\":", mo__policy_ground_name(ri->ground));
            rc = frag_add(b, &e->rule_tail[r], head,
                          ri->ground == MO_GROUND_ILLEGAL ? ri->legal_ref : ri->terms, "}");
        }
        e->rule_tail[r] = (frag){(uint32_t)t0, (uint32_t)(b->len - t0)};
    }
    if (rc == MO_OK)
        rc = frag_add(b, &e->rule_tail[R], "null", NULL, NULL);
    if (rc == MO_OK) {
        char head[256];
        snprintf(head, sizeof head,
                 ",\"versions\":{\"engine\":\"%s\",\"config\":\"%s\",\"model\":\"%s\",\"policy\":",
                 mo_version(), e->version, e->model_version);
        rc = frag_add(b, &e->versions, head, mo__policy_version(e->policy), "},\"latency_us\":");
    }
    return rc;
}

static const char *const config_keys[] = {"model", "lexicons", "policy", "max_text_bytes"};

/* Loads the configuration, model and detectors, builds the schema and, when
 * with_policy, compiles the policy and computes the version. */
static int engine_load(const char *config_path, int with_policy, mo_engine **out, mo_diag *diag)
{
    if (!out)
        return MO_EINVAL;
    *out = NULL;
    if (!config_path)
        return mo__diag_set(diag, MO_EINVAL, NULL, 0, NULL, "no configuration file given");
    mo__diag_clear(diag);
    int rc = MO_OK;
    size_t cfg_len = 0;
    char *cfg = read_file(config_path, &cfg_len, diag, &rc);
    if (!cfg)
        return rc;
    json_t *root = NULL;
    mo_engine *e = mo__calloc(1, sizeof *e);
    if (!e) {
        rc = MO_ENOMEM;
        goto fail;
    }
    json_error_t jerr;
    root = json_loadb(cfg, cfg_len, 0, &jerr);
    if (!root || !json_is_object(root)) {
        rc = mo__diag_set(diag, MO_EPARSE, config_path, root ? 1 : (uint64_t)jerr.line, NULL,
                          "%s:%d:%d: %s", config_path, root ? 1 : jerr.line, root ? 1 : jerr.column,
                          root ? "the configuration must be a JSON object" : jerr.text);
        goto fail;
    }
    const char *key;
    json_t *val;
    json_object_foreach(root, key, val)
    {
        size_t n_keys = sizeof config_keys / sizeof config_keys[0], i = 0;
        while (i < n_keys && strcmp(key, config_keys[i]))
            i++;
        if (i == n_keys) {
            const char *near = mo__policy_nearest(key, config_keys, n_keys);
            rc = mo__diag_set(diag, MO_EPARSE, config_path, 0, key, "%s: unknown key '%s'%s%s%s",
                              config_path, key, near ? "; did you mean '" : "", near ? near : "",
                              near ? "'?" : "");
            goto fail;
        }
    }
    const char *need[] = {"model", "lexicons", "policy"};
    char paths[3][4096];
    for (size_t i = 0; i < 3; i++) {
        json_t *v = json_object_get(root, need[i]);
        if (!json_is_string(v)) {
            rc = mo__diag_set(diag, MO_EPARSE, config_path, 0, need[i],
                              "%s: '%s' is %s; it must be a path string", config_path, need[i],
                              v ? "not a string" : "missing");
            goto fail;
        }
        resolve_path(config_path, json_string_value(v), paths[i], sizeof paths[i]);
    }
    e->max_text_bytes = (size_t)1 << 20;
    json_t *mx = json_object_get(root, "max_text_bytes");
    if (mx) {
        if (!json_is_integer(mx) || json_integer_value(mx) < 1 ||
            json_integer_value(mx) > (json_int_t)MO_TEXT_MAX_BYTES) {
            rc = mo__diag_set(diag, MO_EPARSE, config_path, 0, "max_text_bytes",
                              "%s: 'max_text_bytes' must be an integer in [1, %zu]", config_path,
                              (size_t)MO_TEXT_MAX_BYTES);
            goto fail;
        }
        e->max_text_bytes = (size_t)json_integer_value(mx);
    }

    if ((rc = mo_model_load(paths[0], &e->model, diag)) != MO_OK)
        goto fail;
    if ((rc = mo__detect_config_load(paths[1], &e->detect, diag)) != MO_OK)
        goto fail;
    e->n_labels = mo_model_n_labels(e->model);
    e->n_signals = mo__detect_n_signals(e->detect);
    if ((rc = build_schema(e)) != MO_OK)
        goto fail;
    if (!with_policy)
        goto done;
    if ((rc = mo__policy_load(paths[2], e->fields, e->n_fields, &e->policy, diag)) != MO_OK)
        goto fail;

    /* The version covers everything a decision depends on. */
    const char *meta = mo_model_meta_json(e->model);
    hex64(e->model_version, XXH64(meta, strlen(meta), 0));
    XXH64_state_t *h = XXH64_createState();
    if (!h) {
        rc = MO_ENOMEM;
        goto fail;
    }
    XXH64_reset(h, 0);
    XXH64_update(h, cfg, cfg_len);
    XXH64_update(h, meta, strlen(meta));
    const char *pv = mo__policy_version(e->policy);
    XXH64_update(h, pv, strlen(pv));
    rc = hash_dir(h, paths[1], diag);
    e->version_seed = XXH64_digest(h);
    hex64(e->version, e->version_seed);
    XXH64_freeState(h);
    if (rc != MO_OK || (rc = build_frags(e)) != MO_OK)
        goto fail;
done:
    json_decref(root);
    mo__free(cfg);
    *out = e;
    return MO_OK;
fail:
    json_decref(root);
    mo__free(cfg);
    mo_engine_free(e);
    return rc;
}

int mo_engine_open(const char *config_path, mo_engine **out, mo_diag *diag)
{
    return engine_load(config_path, 1, out, diag);
}

const char *mo_engine_category_label(const mo_engine *e, const char *category)
{
    long i = e ? mo__policy_find_category(e->policy, category) : -1;
    return i >= 0 ? mo__policy_category(e->policy, (size_t)i)->label : NULL;
}

size_t mo_engine_n_categories(const mo_engine *e)
{
    return e ? mo__policy_n_categories(e->policy) : 0;
}

int mo_engine_declares_categories(const mo_engine *e)
{
    return e ? mo__policy_has_categories(e->policy) : 0;
}

const char *mo_engine_category(const mo_engine *e, size_t i)
{
    const mo_category_info *c = e ? mo__policy_category(e->policy, i) : NULL;
    return c ? c->name : NULL;
}

const char *mo_engine_policy_path(const mo_engine *e)
{
    return e ? mo__policy_file(e->policy) : NULL;
}

int mo__engine_schema(const char *config_path, mo_field_def **fields, size_t *n_fields,
                      mo_diag *diag)
{
    if (!fields || !n_fields)
        return MO_EINVAL;
    *fields = NULL;
    *n_fields = 0;
    mo_engine *e;
    int rc = engine_load(config_path, 0, &e, diag);
    if (rc != MO_OK)
        return rc;
    *fields = e->fields;
    *n_fields = e->n_fields;
    e->fields = NULL; /* now the caller's */
    mo_engine_free(e);
    return MO_OK;
}

void mo__engine_schema_free(mo_field_def *fields, size_t n_fields)
{
    for (size_t f = 0; fields && f < n_fields; f++)
        mo__free((char *)fields[f].name);
    mo__free(fields);
}

void mo_engine_free(mo_engine *e)
{
    if (!e)
        return;
    mo__policy_free(e->policy);
    mo__detect_config_free(e->detect);
    mo_model_free(e->model);
    for (size_t f = 0; e->fields && f < e->n_fields; f++)
        mo__free((char *)e->fields[f].name);
    mo__free(e->fields);
    mo__free(e->map);
    mo__buf_free(&e->frags);
    mo__free(e->label_key);
    mo__free(e->signal_key);
    mo__free(e->ev_head);
    mo__free(e->rule_json);
    mo__free(e->rule_cat);
    mo__free(e->rule_cat_key);
    mo__free(e->rule_tail);
    mo__free(e);
}

const char *mo_engine_version(const mo_engine *e)
{
    return e ? e->version : "";
}

const mo_model *mo_engine_model(const mo_engine *e)
{
    return e->model;
}

/* ==== Scratch ==== */

int mo_scratch_new(const mo_engine *e, mo_scratch **out)
{
    if (!out)
        return MO_EINVAL;
    *out = NULL;
    if (!e)
        return MO_EINVAL;
    int rc = MO_ENOMEM;
    mo_scratch *s = mo__calloc(1, sizeof *s);
    if (!s)
        return MO_ENOMEM;
    s->engine = e;
    s->scores = mo__calloc(e->n_labels ? e->n_labels : 1, sizeof *s->scores);
    s->signals = mo__calloc(e->n_signals ? e->n_signals : 1, sizeof *s->signals);
    s->values = mo__calloc(e->n_fields ? e->n_fields : 1, sizeof *s->values);
    if (!s->scores || !s->signals || !s->values)
        goto fail;
    if ((rc = mo_model_scratch_new(e->model, &s->ms)) != MO_OK)
        goto fail;
    if ((rc = mo__detect_scratch_new(e->detect, &s->ds)) != MO_OK)
        goto fail;
    *out = s;
    return MO_OK;
fail:
    mo_scratch_free(s);
    return rc;
}

void mo_scratch_free(mo_scratch *s)
{
    if (!s)
        return;
    mo_model_scratch_free(s->ms);
    mo__detect_scratch_free(s->ds);
    mo__free(s->scores);
    mo__free(s->signals);
    mo__free(s->values);
    mo__buf_free(&s->text);
    mo__buf_free(&s->dec);
    mo__buf_free(&s->out);
    mo__free(s);
}

/* ==== Moderating one item ==== */

/* Appends n bytes: inline while the buffer has room (the decision is
 * NUL-terminated by its last append, mo__buf_append), else growing. */
static inline int put(mo_buf *o, const char *p, size_t n)
{
    if (o->cap - o->len > n) {
        memcpy(o->ptr + o->len, p, n);
        o->len += n;
        return MO_OK;
    }
    return mo__buf_append(o, p, n);
}

/* Appends a string literal. */
#define put_lit(o, lit) put((o), (lit), sizeof(lit) - 1)

static int put_str(mo_buf *o, const char *s)
{
    return put(o, s, strlen(s));
}

/* Appends a precomputed frag; `first` drops its leading comma. */
static int put_frag(mo_buf *o, const mo_engine *e, frag f, int first)
{
    const char *p = e->frags.ptr + f.off;
    size_t n = f.len;
    if (first && n && p[0] == ',')
        p++, n--;
    return put(o, p, n);
}

/* Appends a decimal integer (what "%lld" prints). */
static int put_i64(mo_buf *o, long long v)
{
    char tmp[24], *d = tmp + sizeof tmp;
    unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
    do
        *--d = (char)('0' + u % 10);
    while ((u /= 10));
    if (v < 0)
        *--d = '-';
    return put(o, d, (size_t)(tmp + sizeof tmp - d));
}

/* Appends 16 lowercase hex digits (what "%016llx" prints). */
static int put_hex64(mo_buf *o, uint64_t h)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[16];
    for (int i = 15; i >= 0; i--, h >>= 4)
        tmp[i] = hex[h & 15];
    return put(o, tmp, sizeof tmp);
}

static void set_str(mo_field_value *v, const char *str, size_t len)
{
    if (str) {
        v->str = str;
        v->str_len = len;
        v->present = 1;
    }
}

/* A person is a minor when "is_minor" is true, or "age" is under 18, or
 * "account_type" is "minor"; unknown when none of them is given. */
static void set_minor(mo_field_value *v, const mo__item_person *p)
{
    if (p->is_minor >= 0) {
        v->num = p->is_minor;
        v->present = 1;
    } else if (p->has_age) {
        v->num = p->age < 18;
        v->present = 1;
    } else if (p->account_type) {
        v->num = p->account_type_len == 5 && !memcmp(p->account_type, "minor", 5);
        v->present = 1;
    }
}

static void person_from_json(mo__item_person *p, json_t *o)
{
    json_t *m = json_object_get(o, "is_minor");
    json_t *age = json_object_get(o, "age");
    json_t *type = json_object_get(o, "account_type");
    p->is_minor = json_is_boolean(m) ? json_is_true(m) : -1;
    p->has_age = json_is_number(age);
    p->age = p->has_age ? json_number_value(age) : 0;
    p->account_type = json_is_string(type) ? json_string_value(type) : NULL;
    p->account_type_len = p->account_type ? json_string_length(type) : 0;
}

/* The general item reader (jansson), for whatever mo__item_read_fast leaves:
 * every error message comes from here. Fills *it with pointers into *root,
 * which the caller decrefs (also on failure), and into s->text. */
static int item_read_json(mo_scratch *s, const char *item_json, size_t item_len, json_t **root,
                          mo__item *it, mo_diag *diag)
{
    static const char *const ctx_names[MO__ITEM_N] = {"type", "surface", "region", "lang"};
    memset(it, 0, sizeof *it);
    json_error_t jerr;
    json_t *item = *root = json_loadb(item_json, item_len, 0, &jerr);
    if (!item)
        return mo__diag_set(diag, MO_EPARSE, NULL, 0, NULL, "malformed JSON at column %d: %s",
                            jerr.column, jerr.text);
    if (!json_is_object(item))
        return mo__diag_set(diag, MO_EPARSE, NULL, 0, NULL, "item is not a JSON object");
    json_t *id = json_object_get(item, "id");
    if (!json_is_string(id) && !json_is_integer(id))
        return mo__diag_set(diag, MO_EPARSE, NULL, 0, "id", "%s",
                            id ? "must be a string or an integer" : "missing");
    it->id_str = json_is_string(id) ? json_string_value(id) : NULL;
    it->id_len = it->id_str ? json_string_length(id) : 0;
    it->id_int = it->id_str ? 0 : (long long)json_integer_value(id);
    /* The text: "text", or the transcript segments joined by newlines. */
    json_t *jt = json_object_get(item, "text");
    json_t *tr = json_object_get(item, "transcript");
    if (json_is_string(jt)) {
        it->text = json_string_value(jt);
        it->text_len = json_string_length(jt);
    } else if (jt) {
        return mo__diag_set(diag, MO_EPARSE, NULL, 0, "text", "not a string");
    } else if (json_is_array(tr)) {
        s->text.len = 0;
        size_t i;
        json_t *seg;
        json_array_foreach(tr, i, seg)
        {
            json_t *st = json_object_get(seg, "text");
            if (!json_is_string(st))
                return mo__diag_set(diag, MO_EPARSE, NULL, 0, "transcript",
                                    "segment %zu has no string \"text\"", i);
            if ((i && mo__buf_append(&s->text, "\n", 1)) ||
                mo__buf_append(&s->text, json_string_value(st), json_string_length(st)))
                return MO_ENOMEM;
        }
        it->text = s->text.ptr ? s->text.ptr : "";
        it->text_len = s->text.len;
    } else {
        return mo__diag_set(diag, MO_EPARSE, NULL, 0, "text",
                            "missing (an item needs \"text\" or \"transcript\")");
    }
    for (int c = 0; c < MO__ITEM_N; c++) {
        json_t *v = json_object_get(item, ctx_names[c]);
        if (json_is_string(v)) {
            it->ctx[c] = json_string_value(v);
            it->ctx_len[c] = json_string_length(v);
        }
    }
    person_from_json(&it->author, json_object_get(item, "author"));
    person_from_json(&it->recipient, json_object_get(item, "recipient"));
    return MO_OK;
}

int mo_moderate(const mo_engine *e, mo_scratch *s, const char *item_json, size_t item_len,
                const char **decision_json, size_t *decision_len, mo_diag *diag)
{
    if (decision_json)
        *decision_json = NULL;
    if (decision_len)
        *decision_len = 0;
    if (!e || !s || s->engine != e || !item_json || !decision_json)
        return MO_EINVAL;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = MO_OK;
    json_t *item = NULL; /* the general path's tree, when used */
    mo__item it;
    /* The fast reader decodes escaped strings into s->dec (never longer
     * than the item); anything it does not take goes to jansson. */
    s->dec.len = 0;
    if (mo__buf_reserve(&s->dec, item_len) != MO_OK ||
        !mo__item_read_fast(item_json, item_len, s->dec.ptr, &it)) {
        if ((rc = item_read_json(s, item_json, item_len, &item, &it, diag)) != MO_OK)
            goto out;
    }
    const char *text = it.text;
    size_t len = it.text_len;
    if (len > e->max_text_bytes) {
        rc = mo__diag_set(diag, MO_ELIMIT, NULL, 0, "text",
                          "text is %zu bytes, over the configured limit of %zu", len,
                          e->max_text_bytes);
        goto out;
    }

    /* Detectors: the classifier's normalization is reused by the others. */
    const mo_norm_view *view;
    if ((rc = mo_model_predict(e->model, s->ms, text, len, s->scores, &view)) != MO_OK)
        goto out;
    const mo_evidence *ev;
    size_t n_ev;
    if ((rc = mo__detect_run(e->detect, s->ds, text, len, view, s->signals, &ev, &n_ev)) != MO_OK)
        goto out;

    /* Field values for the policy. */
    for (size_t f = 0; f < e->n_fields; f++) {
        mo_field_value *v = &s->values[f];
        memset(v, 0, sizeof *v);
        switch (e->map[f].src) {
        case SRC_CLF:
            v->num = s->scores[e->map[f].index];
            v->present = 1;
            break;
        case SRC_DET:
            v->num = s->signals[e->map[f].index];
            v->present = 1;
            break;
        case SRC_ITEM_TYPE:
            set_str(v, it.ctx[MO__ITEM_TYPE], it.ctx_len[MO__ITEM_TYPE]);
            break;
        case SRC_ITEM_SURFACE:
            set_str(v, it.ctx[MO__ITEM_SURFACE], it.ctx_len[MO__ITEM_SURFACE]);
            break;
        case SRC_ITEM_REGION:
            set_str(v, it.ctx[MO__ITEM_REGION], it.ctx_len[MO__ITEM_REGION]);
            break;
        case SRC_ITEM_LANG:
            set_str(v, it.ctx[MO__ITEM_LANG], it.ctx_len[MO__ITEM_LANG]);
            break;
        case SRC_TO_MINOR:
            set_minor(v, &it.recipient);
            break;
        case SRC_AUTHOR_ACCOUNT:
            set_str(v, it.author.account_type, it.author.account_type_len);
            break;
        case SRC_AUTHOR_AGE:
            if (it.author.has_age) {
                v->num = it.author.age;
                v->present = 1;
            }
            break;
        case SRC_AUTHOR_MINOR:
            set_minor(v, &it.author);
            break;
        }
    }
    mo_policy_result pr;
    if ((rc = mo__policy_eval(e->policy, s->values, &pr)) != MO_OK)
        goto out;

    /* The decision, written directly (no intermediate JSON tree, no printf):
     * everything that depends only on the configuration is a precomputed
     * frag (build_frags). */
    mo_buf *o = &s->out;
    o->len = 0;
    int w = 0; /* OR of the write results; any failure is MO_ENOMEM */
    w |= put_lit(o, "{\"id\":");
    if (it.id_str)
        w |= mo__buf_json_string(o, it.id_str, it.id_len);
    else
        w |= put_i64(o, it.id_int);
    /* decision_id = xxh64(item bytes) seeded with the engine version: the
     * same item under the same configuration always gets the same id. */
    w |= put_lit(o, ",\"decision_id\":\"");
    w |= put_hex64(o, XXH64(item_json, item_len, e->version_seed));
    w |= put_lit(o, "\",\"content_hash\":\"");
    w |= put_hex64(o, XXH64(text, len, 0));
    w |= put_lit(o, "\",\"action\":\"");
    w |= put_str(o, mo__policy_action_name(pr.action));
    /* Categories of the enforced, restrictive rules that fired, first seen first. */
    w |= put_lit(o, "\",\"categories\":[");
    int n_cat = 0;
    for (uint32_t h = 0; h < pr.n_hits; h++) {
        uint32_t key = e->rule_cat_key[pr.hits[h]];
        if (key == UINT32_MAX)
            continue;
        int seen = 0;
        for (uint32_t g = 0; g < h && !seen; g++)
            seen = e->rule_cat_key[pr.hits[g]] == key;
        if (!seen)
            w |= put_frag(o, e, e->rule_cat[pr.hits[h]], n_cat++ == 0);
    }
    w |= put_lit(o, "],\"rules\":[");
    for (uint32_t h = 0; h < pr.n_hits; h++)
        w |= put_frag(o, e, e->rule_json[pr.hits[h]], h == 0);
    w |= put_lit(o, "],\"scores\":{");
    for (size_t k = 0; k < e->n_labels; k++) {
        w |= put_frag(o, e, e->label_key[k], k == 0);
        w |= mo__buf_num4(o, s->scores[k]);
    }
    w |= put_lit(o, "},\"signals\":{");
    int n_sig = 0;
    for (size_t j = 0; j < e->n_signals; j++) {
        if (s->signals[j] == 0)
            continue;
        w |= put_frag(o, e, e->signal_key[j], n_sig++ == 0);
        w |= mo__buf_num4(o, s->signals[j]);
    }
    w |= put_lit(o, "},\"evidence\":[");
    for (size_t i = 0; i < n_ev; i++) {
        w |= put_frag(o, e, e->ev_head[ev[i].signal], i == 0);
        w |= put_i64(o, ev[i].start);
        w |= put_lit(o, ",\"end\":");
        w |= put_i64(o, ev[i].end);
        /* The user's own bytes; invalid UTF-8 (impossible after the item
         * parser's check, but cheap to guard) would be replaced, never emitted. */
        if (ev[i].end <= len && ev[i].start < ev[i].end) {
            w |= put_lit(o, ",\"text\":");
            w |= mo__buf_json_string(o, text + ev[i].start, ev[i].end - ev[i].start);
        }
        w |= put_lit(o, "}");
    }
    w |= put_lit(o, "],\"review\":\"");
    w |= put_str(o, mo__policy_review_name(pr.review));
    w |= put_lit(o, "\",\"notice\":");
    w |= put_frag(o, e, e->rule_tail[pr.decided_by != UINT32_MAX ? pr.decided_by : e->n_rules], 0);
    w |= put_frag(o, e, e->versions, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long us = (long long)(t1.tv_sec - t0.tv_sec) * 1000000 + (t1.tv_nsec - t0.tv_nsec) / 1000;
    w |= put_i64(o, us);
    w |= mo__buf_append(o, "}", 1); /* also terminates the string */
    if (w) {
        rc = MO_ENOMEM;
        goto out;
    }
    *decision_json = o->ptr;
    if (decision_len)
        *decision_len = o->len;
out:
    json_decref(item);
    return rc;
}

int mo_moderate_batch(const mo_engine *e, mo_scratch *s, const char *const *items,
                      const size_t *item_lens, size_t n, mo_decision_fn fn, void *user)
{
    if (!e || !s || !fn || (n && (!items || !item_lens)))
        return MO_EINVAL;
    for (size_t i = 0; i < n; i++) {
        const char *out = NULL;
        size_t len = 0;
        mo_diag d;
        d.msg[0] = d.field[0] = d.file[0] = '\0';
        d.code = 0;
        d.line = 0;
        d.col = 0;
        int rc = items[i] ? mo_moderate(e, s, items[i], item_lens[i], &out, &len, &d) : MO_EINVAL;
        if (fn(i, rc, out, len, &d, user))
            return MO_ESTOPPED;
    }
    return MO_OK;
}
