/*
 * compile.c -- condition expressions to bytecode: a recursive-descent parser
 * that type-checks as it goes (number, string, bool) and emits stack code
 * directly (bytecode.h), tracking the stack depth bound and whether the
 * expression is a constant (for unreachable-rule warnings). Also the
 * disassembler behind `moderato policy check --disasm`. Uses base only.
 *
 * Grammar (lowest precedence first):
 *   expr    := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | cmp
 *   cmp     := unary [('<'|'<='|'>'|'>='|'=='|'!=') unary | ['not'] 'in' list]
 *   unary   := '-' unary | primary
 *   primary := NUMBER | STRING | 'true' | 'false' | '(' expr ')'
 *            | NAME '(' [expr (',' expr)*] ')' | FIELD
 *   list    := '[' [literal (',' literal)*] ']'
 */
#include "policy/lex.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH_NESTING 64 /* recursion bound on parentheses/not/minus nesting */

typedef struct cval {
    mo_field_type type;
    int is_const;
    double num; /* const number, or bool 0/1 */
    const char *str;
    size_t str_len;
} cval;

typedef struct comp {
    mo_policy *p;
    mo_lexer lx;
    const mo_srcmap *map;
    mo_diag *diag;
    size_t depth, max_depth; /* evaluation stack */
    unsigned nesting;
} comp;

static const char *type_name(mo_field_type t)
{
    return mo__policy_field_type_name(t);
}

static int error_at(comp *c, size_t off, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int error_at(comp *c, size_t off, int code, const char *fmt, ...)
{
    uint32_t line = 0, col = 0;
    if (c->map)
        mo__policy_srcpos(c->map, off, &line, &col);
    char msg[480];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return mo__policy_diag(c->diag, code, c->p->file, line, col, "%s", msg);
}

static int next(comp *c)
{
    int rc = mo__lex_next(&c->lx);
    if (rc != MO_OK)
        return error_at(c, c->lx.tok.off, rc, "%s", c->lx.err);
    return MO_OK;
}

static int expect(comp *c, mo_tok_kind k, const char *what)
{
    if (c->lx.tok.kind != k)
        return error_at(c, c->lx.tok.off, MO_EPARSE, "expected %s %s, found %s",
                        mo__lex_kind_name(k), what, mo__lex_kind_name(c->lx.tok.kind));
    return next(c);
}

/* Appends one instruction; adjusts the stack depth by delta. */
static int emit(comp *c, mo_bc_op op, uint32_t arg, int delta)
{
    mo_policy *p = c->p;
    int rc = mo__policy_grow((void **)&p->code, &p->code_cap, p->n_code + 1, sizeof *p->code);
    if (rc != MO_OK)
        return mo__policy_diag(c->diag, rc, p->file, 0, 0, "out of memory compiling a condition");
    p->code[p->n_code++] = MO_BC_MAKE(op, arg);
    c->depth = (size_t)((long)c->depth + delta);
    if (c->depth > c->max_depth)
        c->max_depth = c->depth;
    if (c->depth > MO_BC_MAX_STACK)
        return error_at(c, c->lx.tok.off, MO_ELIMIT,
                        "condition too complex (needs more than %d stack slots)", MO_BC_MAX_STACK);
    return MO_OK;
}

static int add_num(comp *c, double v, uint32_t *idx)
{
    mo_policy *p = c->p;
    for (size_t i = 0; i < p->n_nums; i++)
        if (p->nums[i] == v && signbit(p->nums[i]) == signbit(v)) {
            *idx = (uint32_t)i;
            return MO_OK;
        }
    if (p->n_nums >= MO_BC_MAX_ARG)
        return error_at(c, c->lx.tok.off, MO_ELIMIT, "too many constants");
    int rc = mo__policy_grow((void **)&p->nums, &p->nums_cap, p->n_nums + 1, sizeof *p->nums);
    if (rc != MO_OK)
        return mo__policy_diag(c->diag, rc, p->file, 0, 0, "out of memory");
    *idx = (uint32_t)p->n_nums;
    p->nums[p->n_nums++] = v;
    return MO_OK;
}

/* Adds a string constant; with dedup = 0 always appends (lists need runs). */
static int add_str(comp *c, const char *s, size_t n, int dedup, uint32_t *idx)
{
    mo_policy *p = c->p;
    if (dedup)
        for (size_t i = 0; i < p->n_strs; i++)
            if (p->strs[i].len == n && !memcmp(p->strs[i].ptr, s, n)) {
                *idx = (uint32_t)i;
                return MO_OK;
            }
    if (p->n_strs >= MO_BC_MAX_ARG)
        return error_at(c, c->lx.tok.off, MO_ELIMIT, "too many constants");
    int rc = mo__policy_grow((void **)&p->strs, &p->strs_cap, p->n_strs + 1, sizeof *p->strs);
    char *copy = rc == MO_OK ? mo__policy_own(p, s, n) : NULL;
    if (!copy)
        return mo__policy_diag(c->diag, MO_ENOMEM, p->file, 0, 0, "out of memory");
    *idx = (uint32_t)p->n_strs;
    p->strs[p->n_strs].ptr = copy;
    p->strs[p->n_strs].len = n;
    p->n_strs++;
    return MO_OK;
}

static int parse_expr(comp *c, cval *v);

static const struct fn_def {
    const char *name;
    mo_bc_op op;
    mo_field_type arg_type;
    mo_field_type ret_type;
    unsigned min_args, max_args;
} functions[] = {
    {"max", MO_BC_MAX, MO_FIELD_NUMBER, MO_FIELD_NUMBER, 1, 255},
    {"min", MO_BC_MIN, MO_FIELD_NUMBER, MO_FIELD_NUMBER, 1, 255},
    {"any", MO_BC_ANY, MO_FIELD_BOOL, MO_FIELD_BOOL, 1, 255},
    {"count", MO_BC_COUNT, MO_FIELD_BOOL, MO_FIELD_NUMBER, 1, 255},
    {"abs", MO_BC_ABS, MO_FIELD_NUMBER, MO_FIELD_NUMBER, 1, 1},
};

static int parse_call(comp *c, cval *v, const mo_token *name)
{
    const struct fn_def *f = NULL;
    char nm[64];
    snprintf(nm, sizeof nm, "%.*s", (int)(name->str_len < 63 ? name->str_len : 63), name->str);
    for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
        if (!strcmp(functions[i].name, nm))
            f = &functions[i];
    if (!f) {
        const char *names[sizeof functions / sizeof functions[0]];
        for (size_t i = 0; i < sizeof functions / sizeof functions[0]; i++)
            names[i] = functions[i].name;
        const char *near = mo__policy_nearest(nm, names, sizeof names / sizeof names[0]);
        if (near)
            return error_at(c, name->off, MO_EPARSE, "unknown function '%s'; did you mean '%s'?",
                            nm, near);
        return error_at(c, name->off, MO_EPARSE,
                        "unknown function '%s' (functions: max, min, any, count, abs)", nm);
    }
    int rc = next(c); /* '(' */
    if (rc != MO_OK)
        return rc;
    unsigned argc = 0;
    int all_const = 1;
    double acc = 0;
    int any_true = 0;
    unsigned n_true = 0;
    if (c->lx.tok.kind != MO_TOK_RPAREN) {
        for (;;) {
            size_t off = c->lx.tok.off;
            cval a;
            if ((rc = parse_expr(c, &a)) != MO_OK)
                return rc;
            if (a.type != f->arg_type)
                return error_at(c, off, MO_EPARSE, "%s() takes %s arguments, got a %s", f->name,
                                type_name(f->arg_type), type_name(a.type));
            if (!a.is_const)
                all_const = 0;
            else if (argc == 0 || (f->op == MO_BC_MAX && a.num > acc) ||
                     (f->op == MO_BC_MIN && a.num < acc))
                acc = a.num;
            if (a.is_const && a.num != 0)
                any_true = 1, n_true++;
            argc++;
            if (argc > f->max_args)
                return error_at(c, off, MO_EPARSE, "%s() takes at most %u argument%s", f->name,
                                f->max_args, f->max_args == 1 ? "" : "s");
            if (c->lx.tok.kind != MO_TOK_COMMA)
                break;
            if ((rc = next(c)) != MO_OK)
                return rc;
        }
    }
    if (argc < f->min_args)
        return error_at(c, c->lx.tok.off, MO_EPARSE, "%s() needs at least %u argument", f->name,
                        f->min_args);
    if ((rc = expect(c, MO_TOK_RPAREN, "after the arguments")) != MO_OK)
        return rc;
    int delta = f->op == MO_BC_ABS ? 0 : 1 - (int)argc;
    if ((rc = emit(c, f->op, f->op == MO_BC_ABS ? 0 : argc, delta)) != MO_OK)
        return rc;
    memset(v, 0, sizeof *v);
    v->type = f->ret_type;
    v->is_const = all_const;
    if (all_const) {
        if (f->op == MO_BC_ABS)
            v->num = fabs(acc);
        else if (f->op == MO_BC_ANY)
            v->num = any_true;
        else if (f->op == MO_BC_COUNT)
            v->num = n_true;
        else
            v->num = acc;
    }
    return MO_OK;
}

static int parse_field(comp *c, cval *v, const mo_token *t)
{
    mo_policy *p = c->p;
    for (size_t i = 0; i < p->n_fields; i++)
        if (strlen(p->fields[i]) == t->str_len && !memcmp(p->fields[i], t->str, t->str_len)) {
            memset(v, 0, sizeof *v);
            v->type = p->field_types[i];
            return emit(c, MO_BC_LOAD, (uint32_t)i, 1);
        }
    char nm[128];
    snprintf(nm, sizeof nm, "%.*s", (int)(t->str_len < 127 ? t->str_len : 127), t->str);
    const char *near = mo__policy_nearest(nm, (const char *const *)p->fields, p->n_fields);
    if (near)
        return error_at(c, t->off, MO_EPARSE, "unknown field '%s'; did you mean '%s'?", nm, near);
    return error_at(c, t->off, MO_EPARSE, "unknown field '%s' (not a signal or item field)", nm);
}

static int parse_primary(comp *c, cval *v)
{
    mo_token t = c->lx.tok;
    int rc;
    memset(v, 0, sizeof *v);
    switch (t.kind) {
    case MO_TOK_NUM: {
        uint32_t idx = 0;
        if ((rc = add_num(c, t.num, &idx)) != MO_OK || (rc = emit(c, MO_BC_PUSH_NUM, idx, 1)))
            return rc;
        v->type = MO_FIELD_NUMBER, v->is_const = 1, v->num = t.num;
        return next(c);
    }
    case MO_TOK_STR: {
        uint32_t idx = 0;
        if ((rc = add_str(c, t.str, t.str_len, 1, &idx)) != MO_OK ||
            (rc = emit(c, MO_BC_PUSH_STR, idx, 1)))
            return rc;
        v->type = MO_FIELD_STRING, v->is_const = 1, v->str = t.str, v->str_len = t.str_len;
        return next(c);
    }
    case MO_TOK_TRUE:
    case MO_TOK_FALSE:
        if ((rc = emit(c, MO_BC_PUSH_BOOL, t.kind == MO_TOK_TRUE, 1)) != MO_OK)
            return rc;
        v->type = MO_FIELD_BOOL, v->is_const = 1, v->num = t.kind == MO_TOK_TRUE;
        return next(c);
    case MO_TOK_LPAREN:
        if ((rc = next(c)) != MO_OK || (rc = parse_expr(c, v)) != MO_OK)
            return rc;
        return expect(c, MO_TOK_RPAREN, "to close '('");
    case MO_TOK_IDENT:
        if ((rc = next(c)) != MO_OK)
            return rc;
        if (c->lx.tok.kind == MO_TOK_LPAREN)
            return parse_call(c, v, &t);
        return parse_field(c, v, &t);
    default:
        return error_at(c, t.off, MO_EPARSE, "expected a value, found %s",
                        mo__lex_kind_name(t.kind));
    }
}

static int parse_unary(comp *c, cval *v)
{
    if (c->lx.tok.kind != MO_TOK_MINUS)
        return parse_primary(c, v);
    size_t off = c->lx.tok.off;
    int rc;
    if (++c->nesting > MAX_DEPTH_NESTING)
        return error_at(c, off, MO_ELIMIT, "expression nested too deeply");
    if ((rc = next(c)) != MO_OK || (rc = parse_unary(c, v)) != MO_OK)
        return rc;
    c->nesting--;
    if (v->type != MO_FIELD_NUMBER)
        return error_at(c, off, MO_EPARSE, "'-' needs a number, got a %s", type_name(v->type));
    v->num = -v->num;
    return emit(c, MO_BC_NEG, 0, 0);
}

/* `x [not] in [lit, ...]`: the list must be constants of x's type. */
static int parse_in(comp *c, cval *v, int negate)
{
    mo_policy *p = c->p;
    size_t in_off = c->lx.tok.off;
    int rc;
    if ((rc = next(c)) != MO_OK)
        return rc;
    if (c->lx.tok.kind != MO_TOK_LBRACK)
        return error_at(c, c->lx.tok.off, MO_EPARSE, "expected '[' after 'in', found %s",
                        mo__lex_kind_name(c->lx.tok.kind));
    if (v->type == MO_FIELD_BOOL)
        return error_at(c, in_off, MO_EPARSE,
                        "'in' needs a number or string on the left, got a bool");
    if ((rc = next(c)) != MO_OK)
        return rc;
    mo_bc_list list = {v->type, 0, 0};
    list.first = (uint32_t)(v->type == MO_FIELD_STRING ? p->n_strs : p->n_nums);
    int found = 0;
    while (c->lx.tok.kind != MO_TOK_RBRACK) {
        mo_token t = c->lx.tok;
        double sign = 1;
        if (t.kind == MO_TOK_MINUS && v->type == MO_FIELD_NUMBER) {
            if ((rc = next(c)) != MO_OK)
                return rc;
            t = c->lx.tok;
            sign = -1;
        }
        mo_tok_kind want = v->type == MO_FIELD_STRING ? MO_TOK_STR : MO_TOK_NUM;
        if (t.kind != want)
            return error_at(c, t.off, MO_EPARSE, "list items must be %s constants, found %s",
                            type_name(v->type), mo__lex_kind_name(t.kind));
        uint32_t idx = 0;
        if (v->type == MO_FIELD_STRING) {
            rc = add_str(c, t.str, t.str_len, 0, &idx);
            if (v->is_const && v->str_len == t.str_len && !memcmp(v->str, t.str, t.str_len))
                found = 1;
        } else {
            /* Numbers in a list are appended, not deduplicated, to keep a run. */
            rc = mo__policy_grow((void **)&p->nums, &p->nums_cap, p->n_nums + 1, sizeof *p->nums);
            if (rc == MO_OK) {
                if (p->n_nums >= MO_BC_MAX_ARG)
                    return error_at(c, t.off, MO_ELIMIT, "too many constants");
                p->nums[p->n_nums++] = sign * t.num;
            }
            if (v->is_const && v->num == sign * t.num)
                found = 1;
        }
        if (rc != MO_OK)
            return rc == MO_ENOMEM ? mo__policy_diag(c->diag, rc, p->file, 0, 0, "out of memory")
                                   : rc;
        list.n++;
        if ((rc = next(c)) != MO_OK)
            return rc;
        if (c->lx.tok.kind == MO_TOK_COMMA) {
            if ((rc = next(c)) != MO_OK)
                return rc;
        } else if (c->lx.tok.kind != MO_TOK_RBRACK) {
            return error_at(c, c->lx.tok.off, MO_EPARSE, "expected ',' or ']' in list, found %s",
                            mo__lex_kind_name(c->lx.tok.kind));
        }
    }
    if ((rc = next(c)) != MO_OK)
        return rc;
    if (p->n_lists >= MO_BC_MAX_ARG)
        return error_at(c, in_off, MO_ELIMIT, "too many lists");
    rc = mo__policy_grow((void **)&p->lists, &p->lists_cap, p->n_lists + 1, sizeof *p->lists);
    if (rc != MO_OK)
        return mo__policy_diag(c->diag, rc, p->file, 0, 0, "out of memory");
    p->lists[p->n_lists] = list;
    if ((rc = emit(c, MO_BC_IN, (uint32_t)p->n_lists++, 0)) != MO_OK)
        return rc;
    if (negate && (rc = emit(c, MO_BC_NOT, 0, 0)) != MO_OK)
        return rc;
    v->type = MO_FIELD_BOOL;
    v->num = negate ? !found : found;
    return MO_OK;
}

static int parse_cmp(comp *c, cval *v)
{
    int rc;
    if ((rc = parse_unary(c, v)) != MO_OK)
        return rc;
    mo_token op = c->lx.tok;
    if (op.kind == MO_TOK_IN)
        return parse_in(c, v, 0);
    if (op.kind == MO_TOK_NOT) {
        /* `x not in [...]` */
        mo_lexer save = c->lx;
        if ((rc = next(c)) != MO_OK)
            return rc;
        if (c->lx.tok.kind == MO_TOK_IN)
            return parse_in(c, v, 1);
        c->lx = save;
        return MO_OK;
    }
    mo_bc_op bop;
    switch (op.kind) {
    case MO_TOK_LT:
        bop = MO_BC_LT;
        break;
    case MO_TOK_LE:
        bop = MO_BC_LE;
        break;
    case MO_TOK_GT:
        bop = MO_BC_GT;
        break;
    case MO_TOK_GE:
        bop = MO_BC_GE;
        break;
    case MO_TOK_EQ:
        bop = MO_BC_EQ;
        break;
    case MO_TOK_NE:
        bop = MO_BC_NE;
        break;
    default:
        return MO_OK;
    }
    if ((rc = next(c)) != MO_OK)
        return rc;
    size_t rhs_off = c->lx.tok.off;
    cval r;
    if ((rc = parse_unary(c, &r)) != MO_OK)
        return rc;
    int ordered = bop != MO_BC_EQ && bop != MO_BC_NE;
    if (ordered && (v->type != MO_FIELD_NUMBER || r.type != MO_FIELD_NUMBER))
        return error_at(c, v->type != MO_FIELD_NUMBER ? op.off : rhs_off, MO_EPARSE,
                        "'%.*s' compares numbers, got a %s and a %s", (int)op.len,
                        c->lx.text + op.off, type_name(v->type), type_name(r.type));
    if (v->type != r.type)
        return error_at(c, rhs_off, MO_EPARSE, "type mismatch: cannot compare a %s with a %s",
                        type_name(v->type), type_name(r.type));
    if ((rc = emit(c, bop, 0, -1)) != MO_OK)
        return rc;
    int cv = 0;
    if (v->is_const && r.is_const) {
        if (v->type == MO_FIELD_STRING) {
            int eq = v->str_len == r.str_len && !memcmp(v->str, r.str, r.str_len);
            cv = bop == MO_BC_EQ ? eq : !eq;
        } else {
            double a = v->num, b = r.num;
            cv = bop == MO_BC_LT   ? a < b
                 : bop == MO_BC_LE ? a <= b
                 : bop == MO_BC_GT ? a > b
                 : bop == MO_BC_GE ? a >= b
                 : bop == MO_BC_EQ ? a == b
                                   : a != b;
        }
    }
    int is_const = v->is_const && r.is_const;
    memset(v, 0, sizeof *v);
    v->type = MO_FIELD_BOOL;
    v->is_const = is_const;
    v->num = cv;
    return MO_OK;
}

static int parse_not(comp *c, cval *v)
{
    if (c->lx.tok.kind != MO_TOK_NOT)
        return parse_cmp(c, v);
    size_t off = c->lx.tok.off;
    int rc;
    if (++c->nesting > MAX_DEPTH_NESTING)
        return error_at(c, off, MO_ELIMIT, "expression nested too deeply");
    if ((rc = next(c)) != MO_OK || (rc = parse_not(c, v)) != MO_OK)
        return rc;
    c->nesting--;
    if (v->type != MO_FIELD_BOOL)
        return error_at(c, off, MO_EPARSE, "'not' needs a bool, got a %s", type_name(v->type));
    v->num = !v->num;
    return emit(c, MO_BC_NOT, 0, 0);
}

/* Parses a chain of `and` (is_or = 0) or `or` (is_or = 1). */
static int parse_chain(comp *c, cval *v, int is_or)
{
    mo_tok_kind kw = is_or ? MO_TOK_OR : MO_TOK_AND;
    size_t off = c->lx.tok.off;
    int rc = is_or ? parse_chain(c, v, 0) : parse_not(c, v);
    if (rc != MO_OK)
        return rc;
    while (c->lx.tok.kind == kw) {
        size_t op_off = c->lx.tok.off;
        if (v->type != MO_FIELD_BOOL)
            return error_at(c, off, MO_EPARSE, "'%s' needs bools, got a %s on the left",
                            is_or ? "or" : "and", type_name(v->type));
        if ((rc = next(c)) != MO_OK)
            return rc;
        size_t r_off = c->lx.tok.off;
        cval r;
        rc = is_or ? parse_chain(c, &r, 0) : parse_not(c, &r);
        if (rc != MO_OK)
            return rc;
        if (r.type != MO_FIELD_BOOL)
            return error_at(c, r_off, MO_EPARSE, "'%s' needs bools, got a %s on the right",
                            is_or ? "or" : "and", type_name(r.type));
        (void)op_off;
        if ((rc = emit(c, is_or ? MO_BC_OR : MO_BC_AND, 0, -1)) != MO_OK)
            return rc;
        /* Constant when both are, or when one side decides alone. */
        int absorbing = is_or ? 1 : 0;
        if (v->is_const && r.is_const) {
            v->num = is_or ? (v->num || r.num) : (v->num && r.num);
        } else if ((v->is_const && (v->num != 0) == absorbing) ||
                   (r.is_const && (r.num != 0) == absorbing)) {
            v->is_const = 1;
            v->num = absorbing;
        } else {
            v->is_const = 0;
        }
    }
    return MO_OK;
}

static int parse_expr(comp *c, cval *v)
{
    int rc;
    if (++c->nesting > MAX_DEPTH_NESTING)
        return error_at(c, c->lx.tok.off, MO_ELIMIT, "expression nested too deeply");
    rc = parse_chain(c, v, 1);
    c->nesting--;
    return rc;
}

int mo__policy_compile_expr(mo_policy *p, const char *text, size_t len, const mo_srcmap *m,
                            mo_expr_info *info, mo_diag *diag)
{
    comp c = {0};
    c.p = p;
    c.map = m;
    c.diag = diag;
    c.lx.text = text;
    c.lx.len = len;
    int rc = next(&c);
    if (rc != MO_OK)
        return rc;
    if (c.lx.tok.kind == MO_TOK_EOF)
        return error_at(&c, 0, MO_EPARSE, "empty condition");
    cval v;
    if ((rc = parse_expr(&c, &v)) != MO_OK)
        return rc;
    if (c.lx.tok.kind != MO_TOK_EOF)
        return error_at(&c, c.lx.tok.off, MO_EPARSE, "unexpected %s after the condition",
                        mo__lex_kind_name(c.lx.tok.kind));
    if (v.type != MO_FIELD_BOOL)
        return error_at(&c, 0, MO_EPARSE, "a condition must be a bool, this is a %s",
                        type_name(v.type));
    if ((rc = emit(&c, MO_BC_RET, 0, -1)) != MO_OK)
        return rc;
    info->is_const = v.is_const;
    info->const_true = v.is_const && v.num != 0;
    return MO_OK;
}

/* ==== Disassembly ==== */

const char *mo__bc_op_name(mo_bc_op op)
{
    static const char *names[] = {
#define MO__BC_NAME(name) #name,
        MO_BC_OPS(MO__BC_NAME)
#undef MO__BC_NAME
    };
    return (unsigned)op < MO_BC_N_OPS ? names[op] : "?";
}

static int disasm_str(mo_buf *b, const char *s, size_t n)
{
    int rc = mo__buf_append(b, "\"", 1);
    for (size_t i = 0; rc == MO_OK && i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        rc = ch < 0x20 || ch == '"' || ch == '\\' ? mo__buf_printf(b, "\\x%02x", ch)
                                                  : mo__buf_append(b, s + i, 1);
    }
    return rc == MO_OK ? mo__buf_append(b, "\"", 1) : rc;
}

/* Shortest %g form that reads back as the same double. */
static int disasm_num(mo_buf *b, double v)
{
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    return mo__buf_printf(b, "%s", tmp);
}

int mo__policy_disasm(const mo_policy *p, mo_buf *b)
{
    int rc = MO_OK;
    for (size_t r = 0; r < p->n_rules && rc == MO_OK; r++) {
        const mo_rule_info *ri = &p->rules[r];
        rc = mo__buf_printf(b, "rule %zu %s (%s:%u:%u) %s%s\n", r, ri->id, ri->file, ri->line,
                            ri->col, mo__policy_action_name(ri->action),
                            ri->mode == MO_RULE_MODE_SHADOW ? " shadow" : "");
        for (uint32_t k = 0; k < ri->code_len && rc == MO_OK; k++) {
            uint32_t ins = p->code[ri->code_off + k];
            mo_bc_op op = MO_BC_OP(ins);
            uint32_t a = MO_BC_ARG(ins);
            rc = mo__buf_printf(b, "  %04u %s", k, mo__bc_op_name(op));
            if (rc != MO_OK)
                break;
            switch (op) {
            case MO_BC_PUSH_NUM:
                rc = mo__buf_printf(b, " %u ; ", a);
                if (rc == MO_OK)
                    rc = disasm_num(b, p->nums[a]);
                break;
            case MO_BC_PUSH_STR:
                rc = mo__buf_printf(b, " %u ; ", a);
                if (rc == MO_OK)
                    rc = disasm_str(b, p->strs[a].ptr, p->strs[a].len);
                break;
            case MO_BC_PUSH_BOOL:
                rc = mo__buf_printf(b, " %u ; %s", a, a ? "true" : "false");
                break;
            case MO_BC_LOAD:
                rc = mo__buf_printf(b, " %u ; %s", a, p->fields[a]);
                break;
            case MO_BC_IN: {
                const mo_bc_list *l = &p->lists[a];
                rc = mo__buf_printf(b, " %u ; [", a);
                for (uint32_t j = 0; j < l->n && rc == MO_OK; j++) {
                    if (j)
                        rc = mo__buf_append(b, ", ", 2);
                    if (rc != MO_OK)
                        break;
                    if (l->type == MO_FIELD_STRING)
                        rc = disasm_str(b, p->strs[l->first + j].ptr, p->strs[l->first + j].len);
                    else
                        rc = disasm_num(b, p->nums[l->first + j]);
                }
                if (rc == MO_OK)
                    rc = mo__buf_append(b, "]", 1);
                break;
            }
            case MO_BC_MAX:
            case MO_BC_MIN:
            case MO_BC_ANY:
            case MO_BC_COUNT:
                rc = mo__buf_printf(b, " %u", a);
                break;
            default:
                break;
            }
            if (rc == MO_OK)
                rc = mo__buf_append(b, "\n", 1);
        }
    }
    return rc;
}
