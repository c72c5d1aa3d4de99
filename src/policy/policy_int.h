/*
 * policy_int.h -- private to src/policy/: the compiled policy's layout, the
 * string pool, the expression compiler's entry point and the position map
 * from a YAML scalar back to file line:column.
 */
#ifndef MO_POLICY_INT_H
#define MO_POLICY_INT_H

#include "policy/bytecode.h"
#include "policy/policy.h"

/* A constant list for `in`: items [first, first + n) of the numbers or
 * strings pool, depending on type. */
typedef struct mo_bc_list {
    mo_field_type type;
    uint32_t first;
    uint32_t n;
} mo_bc_list;

typedef struct mo_bc_str {
    const char *ptr; /* owned by the policy */
    size_t len;
} mo_bc_str;

struct mo_policy {
    char *id;          /* policy.id */
    char *version;     /* "<version>+<hash>" */
    char *description; /* policy.description */
    char *file;        /* file name given to compile */
    mo_rule_info *rules;
    size_t n_rules, rules_cap;
    uint32_t *code; /* all rules' bytecode, each rule's slice ends in RET */
    size_t n_code, code_cap;
    double *nums; /* numbers pool */
    size_t n_nums, nums_cap;
    mo_bc_str *strs; /* strings pool */
    size_t n_strs, strs_cap;
    mo_bc_list *lists; /* constant lists for IN */
    size_t n_lists, lists_cap;
    char **fields; /* schema field names (copied), for disassembly */
    mo_field_type *field_types;
    size_t n_fields;
    long f_type, f_surface, f_region; /* schema index of item.type/surface/region, -1 if absent */
    mo_policy_warning *warnings;
    size_t n_warnings, warnings_cap;
    mo_category_info *categories; /* the `categories:` section, file order */
    size_t n_categories, categories_cap;
    int has_categories; /* the file has a `categories:` section */
    char **owned;       /* every string the rules point to, freed with the policy */
    size_t n_owned, owned_cap;
};

/* Copies s[0,n) into the policy's owned strings; NULL on out of memory. */
char *mo__policy_own(mo_policy *p, const char *s, size_t n);

/* Maps a byte offset in a scalar's value to a line:col in the file. */
typedef struct mo_srcmap {
    const char *src; /* whole file */
    size_t src_len;
    size_t start;      /* byte index of the scalar in src (at its first byte/indicator) */
    const char *value; /* the scalar's value as libyaml gave it */
    size_t value_len;
} mo_srcmap;

void mo__policy_srcpos(const mo_srcmap *m, size_t value_off, uint32_t *line, uint32_t *col);

/* Result of compiling one condition. */
typedef struct mo_expr_info {
    int is_const;   /* the condition is a constant */
    int const_true; /* when is_const: its value */
} mo_expr_info;

/* Compiles expression text (value of a `when` key) into p->code, ending in
 * RET. On error fills diag with the position mapped through m. */
int mo__policy_compile_expr(mo_policy *p, const char *text, size_t len, const mo_srcmap *m,
                            mo_expr_info *info, mo_diag *diag);

/* Sets a diag with a column (mo__diag_set leaves col 0). */
int mo__policy_diag(mo_diag *diag, int code, const char *file, uint32_t line, uint32_t col,
                    const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Growth helper: ensures *cap >= need for an array of elem-sized items. */
int mo__policy_grow(void **arr, size_t *cap, size_t need, size_t elem);

#endif /* MO_POLICY_INT_H */
