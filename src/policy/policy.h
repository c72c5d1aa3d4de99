/*
 * policy.h -- the policy layer: YAML policy files compiled once against a
 * field schema into an immutable mo_policy (rules + stack bytecode), evaluated
 * per item without allocation. This is the only header other layers include.
 * The policy layer uses base only: it never knows detectors; the engine tells
 * it which fields (signals and item context) exist through mo_field_def.
 *
 * Thread-safety: a compiled mo_policy is immutable and may be shared by any
 * number of threads calling mo__policy_eval concurrently.
 */
#ifndef MO_POLICY_H
#define MO_POLICY_H

#include "base/base.h"

#include <stddef.h>
#include <stdint.h>

/* Actions, ordered by severity: a larger value is more severe. */
typedef enum mo_action {
    MO_ACTION_ALLOW,
    MO_ACTION_LABEL,
    MO_ACTION_LIMIT,
    MO_ACTION_HOLD,
    MO_ACTION_REMOVE,
    MO_ACTION_SUSPEND,
} mo_action;

typedef enum mo_rule_mode { MO_RULE_MODE_ENFORCE, MO_RULE_MODE_SHADOW } mo_rule_mode;

typedef enum mo_ground {
    MO_GROUND_NONE,         /* not given (allowed for allow/label rules) */
    MO_GROUND_ILLEGAL,      /* illegal content: legal_ref names the law */
    MO_GROUND_INCOMPATIBLE, /* incompatible with terms: terms names the clause */
} mo_ground;

/* Review routing, ordered: a larger value asks more of reviewers. */
typedef enum mo_review { MO_REVIEW_NONE, MO_REVIEW_SAMPLE, MO_REVIEW_REQUIRED } mo_review;

/* Name of an action/mode/ground/review ("remove", "shadow", ...); static. */
const char *mo__policy_action_name(mo_action a);
const char *mo__policy_mode_name(mo_rule_mode m);
const char *mo__policy_ground_name(mo_ground g);
const char *mo__policy_review_name(mo_review r);
/* Parses an action name; returns 0 and sets *out, or -1 if unknown. */
int mo__policy_action_parse(const char *s, mo_action *out);

/* ==== Field schema (provided by the engine) ==== */

typedef enum mo_field_type { MO_FIELD_NUMBER, MO_FIELD_STRING, MO_FIELD_BOOL } mo_field_type;

/* One name an expression may use. The names item.type, item.surface and
 * item.region (strings) are also what rule scopes (types/surfaces/regions)
 * match against; a rule with a scope needs them in the schema. */
typedef struct mo_field_def {
    const char *name;   /* "clf.hate", "lex.slur", "item.region", "author.age" */
    mo_field_type type; /* type checked at compile time */
} mo_field_def;

/* The built-in default schema used by `moderato policy check|test` and the
 * fuzz target (src/policy/schema.c: one table, so the engine can replace
 * it with the signals its detectors really produce). Static storage. */
const mo_field_def *mo__policy_default_schema(size_t *n_fields);
const char *mo__policy_field_type_name(mo_field_type t);

/* ==== Compile ==== */

typedef struct mo_policy mo_policy; /* immutable after compile, shared by threads */

/* Rule metadata, for explanations and statements of reasons. Every pointer
 * is owned by the policy and lives until mo__policy_free. */
typedef struct mo_rule_info {
    const char *id;          /* unique within the policy */
    const char *description; /* "" when not given */
    const char *when;        /* the condition's source text */
    mo_action action;
    mo_rule_mode mode;
    const char *category; /* taxonomy category, "" when not given */
    mo_ground ground;
    const char *legal_ref; /* ground illegal: the law, "" otherwise */
    const char *terms;     /* ground incompatible: the terms clause, "" otherwise */
    mo_review review;
    const char *notice;       /* user notice text, "" when not given */
    const char *const *types; /* scope: content types, n_types == 0 = all */
    size_t n_types;
    const char *const *surfaces; /* scope: surfaces, 0 = all */
    size_t n_surfaces;
    const char *const *regions; /* scope: regions, 0 = all */
    size_t n_regions;
    const char *file;  /* policy file name as given to compile */
    uint32_t line;     /* 1-based line of the rule's first key */
    uint32_t col;      /* 1-based column */
    uint32_t code_off; /* first instruction of the condition in the bytecode */
    uint32_t code_len; /* number of instructions */
} mo_rule_info;

/* A warning found while compiling (unreachable or shadowed rule). */
typedef struct mo_policy_warning {
    uint32_t line, col; /* 1-based */
    uint32_t rule;      /* rule index */
    char msg[256];
} mo_policy_warning;

/**
 * Compiles a policy file's source (YAML) against a field schema: parses,
 * checks every key, type-checks every condition and emits bytecode.
 * @param src,len    the YAML text, borrowed for the call.
 * @param file_name  used in diagnostics and rule_info.file (copied); may be NULL.
 * @param fields     the schema, n_fields entries; borrowed for the call (names copied).
 * @param out        OUT: the policy, or NULL on failure. Free with mo__policy_free.
 * @param diag       OUT (may be NULL): on failure file, line, col and a message
 *                   "...; did you mean 'x'?" where a nearest name exists.
 * @return MO_OK, MO_EPARSE (YAML syntax, unknown key, bad value, unknown field,
 *         type error, duplicate id, a category label that is not a clf.<label>
 *         of the schema, a duplicate or undeclared category), MO_ELIMIT (too large), MO_ENOMEM,
 * MO_EINVAL.
 */
int mo__policy_compile(const char *src, size_t len, const char *file_name,
                       const mo_field_def *fields, size_t n_fields, mo_policy **out, mo_diag *diag);

/** Reads path and compiles it (mo__policy_compile). MO_EIO if unreadable. */
int mo__policy_load(const char *path, const mo_field_def *fields, size_t n_fields, mo_policy **out,
                    mo_diag *diag);

/** Frees a policy; NULL is a no-op. */
void mo__policy_free(mo_policy *p);

size_t mo__policy_n_rules(const mo_policy *p);
/** Rule i's metadata (i < n_rules), or NULL; lives until the policy is freed. */
const mo_rule_info *mo__policy_rule(const mo_policy *p, size_t i);
/** "<policy.version>+<xxh64 of the source, 16 hex>"; lives with the policy. */
const char *mo__policy_version(const mo_policy *p);
/** policy.id from the file. */
const char *mo__policy_id(const mo_policy *p);
size_t mo__policy_n_warnings(const mo_policy *p);
const mo_policy_warning *mo__policy_warning(const mo_policy *p, size_t i);
/** Index of the rule with this id, or -1. */
long mo__policy_find_rule(const mo_policy *p, const char *id);

/* A category declared in the policy's `categories:` section: the taxonomy
 * label it enforces. The entry is a mapping so that more per-category keys
 * (e.g. a DSA statement category) can join `label` later. Every pointer is
 * owned by the policy and lives until mo__policy_free. */
typedef struct mo_category_info {
    const char *name;  /* the category, as rules name it ("illegal.hate_speech") */
    const char *label; /* classifier label it enforces (the schema has clf.<label>), NULL = none */
    uint32_t line;     /* 1-based line of the name in the file */
    uint32_t col;      /* 1-based column */
} mo_category_info;

/** 1 when the policy has a `categories:` section (even an empty one), else
 * 0: then rule categories are not checked and no category has a label. */
int mo__policy_has_categories(const mo_policy *p);
/** Declared categories, in file order. */
size_t mo__policy_n_categories(const mo_policy *p);
/** Category i (i < n_categories), or NULL; lives until the policy is freed. */
const mo_category_info *mo__policy_category(const mo_policy *p, size_t i);
/** Index of the declared category with this name, or -1. */
long mo__policy_find_category(const mo_policy *p, const char *name);
/** The file name given to compile ("<policy>" when none); lives with the policy. */
const char *mo__policy_file(const mo_policy *p);

/* ==== Evaluate ==== */

/* One field's value for one item, indexed like the schema given to compile.
 * present == 0 means missing: every comparison with a missing value is false. */
typedef struct mo_field_value {
    double num;      /* MO_FIELD_NUMBER; MO_FIELD_BOOL: 0 = false, else true */
    const char *str; /* MO_FIELD_STRING: bytes, need not be NUL-terminated */
    size_t str_len;
    int present; /* 0 = missing */
} mo_field_value;

#define MO_POLICY_MAX_HITS 64

typedef struct mo_policy_result {
    mo_action action;    /* most severe ENFORCED action among fired rules; allow if none */
    uint32_t decided_by; /* rule index that set action (first such), UINT32_MAX if none */
    mo_review review;    /* most demanding review among fired enforced rules */
    uint32_t n_hits;     /* fired rules, shadow ones included, in rule order */
    uint32_t hits[MO_POLICY_MAX_HITS]; /* rule indexes */
    int hits_truncated;                /* 1 if more than MO_POLICY_MAX_HITS rules fired */
} mo_policy_result;

/**
 * Evaluates every rule whose scope matches the item against values (one per
 * schema field, n_fields entries). Allocates nothing; thread-safe.
 * @return MO_OK, or MO_EINVAL on a NULL argument.
 */
int mo__policy_eval(const mo_policy *p, const mo_field_value *values, mo_policy_result *out);

/* ==== Disassembly and tests ==== */

/** Appends a human-readable listing of every rule's bytecode to b. */
int mo__policy_disasm(const mo_policy *p, mo_buf *b);

/* Result of one policy test case, passed to the report callback. */
typedef struct mo_policy_case_result {
    const char *name; /* case name */
    uint32_t line;    /* 1-based line of the case in the test file */
    int passed;
    char why[512]; /* when failed: what differed */
} mo_policy_case_result;

typedef void (*mo_policy_case_fn)(const mo_policy_case_result *r, void *user);

/**
 * Runs a YAML policy test file (`policy: PATH` relative to the test file,
 * `cases:` list). Calls report for each case. n_pass and n_fail (OUT) are set.
 * @return MO_OK when the file was run (cases may still fail), else MO_EIO,
 *         MO_EPARSE (test file or policy invalid; diag says where), MO_ENOMEM.
 */
int mo__policy_test_file(const char *path, const mo_field_def *fields, size_t n_fields,
                         mo_policy_case_fn report, void *user, size_t *n_pass, size_t *n_fail,
                         mo_diag *diag);

/* Edit distance (optimal string alignment: Levenshtein plus adjacent
 * transpositions) between a and b in bytes; 255 when either is over 64 bytes. */
unsigned mo__policy_edit_distance(const char *a, const char *b);
/* The nearest of n names to s when close enough to be a typo (distance <= 1
 * for names up to 4 bytes, 2 up to 8, else 3), or NULL. Used for hints. */
const char *mo__policy_nearest(const char *s, const char *const *names, size_t n);

#endif /* MO_POLICY_H */
