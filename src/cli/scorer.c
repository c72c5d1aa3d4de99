/*
 * scorer.c -- a text model or the full engine behind one mo_eval_scorer
 * (scorer.h), for `moderato eval` (--model / --engine) and `moderato suite
 * run`. The engine's decision is mapped back to taxonomy labels through the
 * policy categories it enforced, with the labels the policy file declares
 * for them (`categories:`, mo_engine_category_label). A policy without that
 * section gets the old guess, with a warning naming the policy file: the
 * label named by the category's last dotted component, if the model has one
 * ("x.spam" -> spam). The mapping used is reported in the stats (the eval
 * document's engine.category_labels). The per-label score becomes
 * the "effective" score: the classifier score moved to the operating threshold
 * when the enforcement and the threshold disagree, so ranking metrics see what
 * the policy and detectors changed and score >= threshold is the engine's
 * flag. Counters say how often that happened. Uses the public API and the
 * eval layer.
 */
#include "cli.h"
#include "scorer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Engine counters per label since the last mo_cli_scorer_take_stats. */
typedef struct label_stats {
    size_t items;              /* items scored */
    size_t enforced;           /* the engine enforced a category of the label */
    size_t classifier_flagged; /* classifier score >= operating threshold */
    size_t lifted;             /* enforced although the score is below the threshold */
    size_t suppressed;         /* not enforced although the score reaches the threshold */
} label_stats;

#define N_ACTIONS 6
static const char *const action_names[N_ACTIONS] = {"allow", "label",  "limit",
                                                    "hold",  "remove", "suspend"};

struct mo_cli_scorer {
    int is_engine;
    const char *path;          /* model or config path; borrowed from argv or static */
    mo_model *model;           /* owned (model mode) */
    mo_model_scratch *ms;      /* model mode */
    mo_engine *engine;         /* owned (engine mode) */
    mo_scratch *es;            /* engine mode */
    const mo_model *clf;       /* the classifier either way; borrowed */
    char **labels;             /* (n_labels) owned copies */
    float *thresholds;         /* (n_labels) */
    label_stats *stats;        /* (n_labels) engine mode */
    unsigned char *enforced;   /* (n_labels) per-decision scratch, engine mode */
    json_t *cats;              /* category -> label index (null: none), declared or guessed */
    int guess;                 /* the policy declares no categories: guess labels from names */
    size_t actions[N_ACTIONS]; /* decisions per action, engine mode */
    mo_eval_scorer ev;         /* what the eval layer calls */
};

/* Index of the label named want (may be NULL), or SIZE_MAX. */
static size_t label_index(const mo_cli_scorer *s, const char *want)
{
    for (size_t k = 0; want && k < s->ev.n_labels; k++)
        if (!strcmp(s->labels[k], want))
            return k;
    return SIZE_MAX;
}

/* Remembers category -> label k (SIZE_MAX: none). Returns MO_OK or MO_ENOMEM. */
static int category_add(mo_cli_scorer *s, const char *category, size_t k)
{
    json_t *v = k == SIZE_MAX ? json_null() : json_integer((json_int_t)k);
    return v && !json_object_set_new(s->cats, category, v) ? MO_OK : MO_ENOMEM;
}

/* Label index of a policy category, or SIZE_MAX when it flags no label: the
 * declared mapping, or, when the policy declares none, the guess from the
 * last dotted component (remembered, so the stats show it). */
static size_t category_label(mo_cli_scorer *s, const char *category)
{
    json_t *v = json_object_get(s->cats, category);
    if (v)
        return json_is_integer(v) ? (size_t)json_integer_value(v) : SIZE_MAX;
    if (!s->guess)
        return SIZE_MAX;
    const char *dot = strrchr(category, '.');
    size_t k = label_index(s, dot ? dot + 1 : category);
    if (category_add(s, category, k) != MO_OK)
        return SIZE_MAX; /* out of memory: guessed again next time */
    return k;
}

/* Loads the engine's declared category labels, or turns on the guess with a
 * warning when the policy declares none. Returns MO_OK or MO_ENOMEM. */
static int categories_load(mo_cli_scorer *s, const char *cmd)
{
    size_t n = mo_engine_n_categories(s->engine);
    if (!(s->cats = json_object()))
        return MO_ENOMEM;
    if (!n && !mo_engine_declares_categories(s->engine)) {
        s->guess = 1;
        fprintf(stderr,
                "moderato %s: warning: policy %s declares no categories; the labels of the "
                "categories it enforces are guessed from their names (declare them in "
                "'categories:', docs/POLICY.md)\n",
                cmd, mo_engine_policy_path(s->engine));
        return MO_OK;
    }
    for (size_t i = 0; i < n; i++) {
        const char *c = mo_engine_category(s->engine, i);
        if (category_add(s, c, label_index(s, mo_engine_category_label(s->engine, c))) != MO_OK)
            return MO_ENOMEM;
    }
    return MO_OK;
}

static int model_score(void *user, const json_t *item, const char *text, size_t len, float *scores,
                       mo_diag *diag)
{
    (void)item;
    mo_cli_scorer *s = user;
    int rc = mo_model_predict(s->model, s->ms, text, len, scores, NULL);
    if (rc != MO_OK)
        mo__diag_set(diag, rc, NULL, 0, "text", "%s", mo_strerror(rc));
    return rc;
}

/* Moderates `text` in the context of `item` (may be NULL) and turns the
 * decision into effective scores (see scorer.h). */
static int engine_score(void *user, const json_t *item, const char *text, size_t len, float *scores,
                        mo_diag *diag)
{
    mo_cli_scorer *s = user;
    json_t *it = item ? json_copy((json_t *)item) : json_object();
    if (!it)
        return mo__diag_set(diag, MO_ENOMEM, NULL, 0, NULL, "out of memory");
    json_object_del(it, "transcript");
    json_object_del(it, "labels");
    json_object_set_new(it, "text", json_stringn(text, len));
    if (!json_is_string(json_object_get(it, "type")))
        json_object_set_new(it, "type", json_string("comment"));
    json_t *id = json_object_get(it, "id");
    if (!json_is_string(id) && !json_is_integer(id))
        json_object_set_new(it, "id", json_string("eval"));
    char *js = json_dumps(it, JSON_COMPACT);
    json_decref(it);
    if (!js)
        return mo__diag_set(diag, MO_ENOMEM, NULL, 0, NULL, "out of memory");
    const char *dj;
    size_t dn;
    int rc = mo_moderate(s->engine, s->es, js, strlen(js), &dj, &dn, diag);
    free(js); /* jansson's allocator */
    if (rc != MO_OK)
        return rc;
    json_t *d = json_loadb(dj, dn, 0, NULL);
    json_t *ds = json_object_get(d, "scores"), *cats = json_object_get(d, "categories");
    if (!json_is_object(ds) || !json_is_array(cats)) {
        json_decref(d);
        return mo__diag_set(diag, MO_EFORMAT, NULL, 0, "scores", "unexpected decision");
    }
    size_t L = s->ev.n_labels;
    unsigned char *enforced = s->enforced;
    memset(enforced, 0, L);
    size_t ci;
    json_t *c;
    json_array_foreach(cats, ci, c)
    {
        size_t k = json_is_string(c) ? category_label(s, json_string_value(c)) : SIZE_MAX;
        if (k < L)
            enforced[k] = 1;
    }
    const char *action = json_string_value(json_object_get(d, "action"));
    for (int a = 0; action && a < N_ACTIONS; a++)
        if (!strcmp(action, action_names[a]))
            s->actions[a]++;
    for (size_t k = 0; k < L; k++) {
        json_t *v = json_object_get(ds, s->labels[k]);
        float sc = json_is_number(v) ? (float)json_number_value(v) : 0.0f;
        float t = s->thresholds[k];
        int over = sc >= t, enf = enforced[k];
        label_stats *st = &s->stats[k];
        st->items++;
        st->enforced += (size_t)enf;
        st->classifier_flagged += (size_t)over;
        st->lifted += (size_t)(enf && !over);
        st->suppressed += (size_t)(!enf && over);
        if (enf && !over)
            sc = t;
        else if (!enf && over)
            sc = nextafterf(t, -INFINITY);
        scores[k] = sc;
    }
    json_decref(d);
    return MO_OK;
}

int mo_cli_scorer_open(const char *cmd, const char *model_path, int use_engine,
                       const char *config_path, mo_cli_scorer **out)
{
    *out = NULL;
    mo_cli_scorer *s = calloc(1, sizeof *s);
    if (!s) {
        fprintf(stderr, "moderato %s: out of memory\n", cmd);
        return MO_ENOMEM;
    }
    mo_diag diag;
    int rc;
    s->is_engine = use_engine;
    if (use_engine) {
        s->path = config_path ? config_path
                              : mo_cli_default_path("MODERATO_CONFIG", "config/default.json");
        rc = mo_engine_open(s->path, &s->engine, &diag);
        if (rc == MO_OK)
            rc = mo_scratch_new(s->engine, &s->es);
        if (rc == MO_OK)
            s->clf = mo_engine_model(s->engine);
    } else {
        s->path = model_path ? model_path : mo_cli_default_model();
        rc = mo_model_load(s->path, &s->model, &diag);
        if (rc == MO_OK)
            rc = mo_model_scratch_new(s->model, &s->ms);
        s->clf = s->model;
    }
    if (rc != MO_OK) {
        mo_cli_print_diag(cmd, rc, &diag);
        mo_cli_scorer_free(s);
        return rc;
    }
    size_t L = mo_model_n_labels(s->clf);
    s->labels = calloc(L + 1, sizeof *s->labels);
    s->thresholds = calloc(L + 1, sizeof *s->thresholds);
    s->stats = calloc(L + 1, sizeof *s->stats);
    s->enforced = calloc(L + 1, 1);
    if (!s->labels || !s->thresholds || !s->stats || !s->enforced) {
        fprintf(stderr, "moderato %s: out of memory\n", cmd);
        mo_cli_scorer_free(s);
        return MO_ENOMEM;
    }
    for (size_t k = 0; k < L; k++) {
        if (!(s->labels[k] = strdup(mo_model_label(s->clf, k)))) {
            mo_cli_scorer_free(s);
            return MO_ENOMEM;
        }
        s->thresholds[k] = mo_model_threshold(s->clf, k);
    }
    s->ev.n_labels = L;
    s->ev.labels = (const char *const *)s->labels;
    if (use_engine && categories_load(s, cmd) != MO_OK) {
        fprintf(stderr, "moderato %s: out of memory\n", cmd);
        mo_cli_scorer_free(s);
        return MO_ENOMEM;
    }
    s->ev.thresholds = s->thresholds;
    s->ev.score = use_engine ? engine_score : model_score;
    s->ev.user = s;
    *out = s;
    return MO_OK;
}

void mo_cli_scorer_free(mo_cli_scorer *s)
{
    if (!s)
        return;
    for (size_t k = 0; s->labels && k < s->ev.n_labels; k++)
        free(s->labels[k]);
    free(s->labels);
    free(s->thresholds);
    free(s->stats);
    free(s->enforced);
    json_decref(s->cats);
    mo_model_scratch_free(s->ms);
    mo_model_free(s->model);
    mo_scratch_free(s->es);
    mo_engine_free(s->engine);
    free(s);
}

const mo_eval_scorer *mo_cli_scorer_eval(const mo_cli_scorer *s)
{
    return &s->ev;
}

int mo_cli_scorer_score_item(mo_cli_scorer *s, const json_t *item, float *scores, mo_diag *diag)
{
    json_t *text = json_object_get(item, "text");
    mo__diag_clear(diag);
    if (!json_is_string(text))
        return mo__diag_set(diag, MO_EPARSE, NULL, 0, "text", "missing or not a string");
    return s->ev.score(s, item, json_string_value(text), json_string_length(text), scores, diag);
}

const char *mo_cli_scorer_kind(const mo_cli_scorer *s)
{
    return s->is_engine ? "engine" : "model";
}

const char *mo_cli_scorer_path(const mo_cli_scorer *s)
{
    return s->path;
}

const mo_model *mo_cli_scorer_model(const mo_cli_scorer *s)
{
    return s && !s->is_engine ? s->model : NULL;
}

json_t *mo_cli_scorer_take_stats(mo_cli_scorer *s)
{
    if (!s->is_engine)
        return NULL;
    json_t *map = json_object(), *labels = json_object(), *actions = json_object();
    const char *cat;
    json_t *v;
    json_object_foreach(s->cats, cat, v)
    {
        if (json_is_integer(v))
            json_object_set_new(map, cat, json_string(s->labels[json_integer_value(v)]));
    }
    for (size_t k = 0; k < s->ev.n_labels; k++) {
        label_stats *st = &s->stats[k];
        json_object_set_new(labels, s->labels[k],
                            json_pack("{s:I,s:I,s:I,s:I,s:I}", "items", (json_int_t)st->items,
                                      "enforced", (json_int_t)st->enforced, "classifier_flagged",
                                      (json_int_t)st->classifier_flagged, "lifted",
                                      (json_int_t)st->lifted, "suppressed",
                                      (json_int_t)st->suppressed));
        memset(st, 0, sizeof *st);
    }
    for (int a = 0; a < N_ACTIONS; a++) {
        json_object_set_new(actions, action_names[a], json_integer((json_int_t)s->actions[a]));
        s->actions[a] = 0;
    }
    return json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "config", s->path, "version",
                     mo_engine_version(s->engine), "default_type", "comment", "category_labels",
                     map, "labels", labels, "actions", actions);
}
