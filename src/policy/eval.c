/*
 * eval.c -- runs a compiled policy on one item's field values: scope check,
 * then each rule's bytecode on a fixed stack (bytecode.h), then severity
 * resolution (the most severe enforced action wins; every fired rule, shadow
 * ones too, is reported). Allocates nothing; reads the policy only, so any
 * number of threads may evaluate one policy at once. Uses base only.
 */
#include "policy/policy_int.h"

#include <math.h>
#include <string.h>

typedef struct val {
    double num; /* number, or bool 0/1 */
    const char *str;
    size_t len;
    int present;
} val;

static int in_scope(const char *const *names, size_t n, const mo_field_value *v)
{
    if (n == 0)
        return 1;
    if (!v || !v->present || !v->str)
        return 0; /* a scoped rule never applies to an item that lacks the field */
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == v->str_len && !memcmp(names[i], v->str, v->str_len))
            return 1;
    return 0;
}

static int truthy(const val *v)
{
    return v->present && v->num != 0;
}

/* Runs one rule's code; returns 1 when the rule fires. The compiler has
 * proven types and the stack bound, so no checks are needed here beyond
 * defensive ones. */
static int run(const mo_policy *p, const uint32_t *code, uint32_t n, const mo_field_value *fv)
{
    val st[MO_BC_MAX_STACK];
    size_t sp = 0;
    for (uint32_t pc = 0; pc < n; pc++) {
        uint32_t ins = code[pc];
        uint32_t a = MO_BC_ARG(ins);
        switch (MO_BC_OP(ins)) {
        case MO_BC_PUSH_NUM:
            st[sp++] = (val){p->nums[a], NULL, 0, 1};
            break;
        case MO_BC_PUSH_STR:
            st[sp++] = (val){0, p->strs[a].ptr, p->strs[a].len, 1};
            break;
        case MO_BC_PUSH_BOOL:
            st[sp++] = (val){a ? 1 : 0, NULL, 0, 1};
            break;
        case MO_BC_LOAD: {
            const mo_field_value *f = &fv[a];
            val v = {0, NULL, 0, f->present != 0};
            if (p->field_types[a] == MO_FIELD_STRING) {
                v.str = f->str;
                v.len = f->str_len;
                if (!v.str)
                    v.present = 0;
            } else if (p->field_types[a] == MO_FIELD_BOOL) {
                v.num = f->num != 0;
            } else {
                v.num = f->num;
                if (isnan(v.num))
                    v.present = 0;
            }
            st[sp++] = v;
            break;
        }
        case MO_BC_EQ:
        case MO_BC_NE: {
            val *x = &st[sp - 2], *y = &st[sp - 1];
            int r = 0;
            if (x->present && y->present) {
                int eq = (x->str || y->str)
                             ? (x->len == y->len && (!x->len || !memcmp(x->str, y->str, x->len)))
                             : x->num == y->num;
                r = MO_BC_OP(ins) == MO_BC_EQ ? eq : !eq;
            }
            sp--;
            st[sp - 1] = (val){r, NULL, 0, 1};
            break;
        }
        case MO_BC_LT:
        case MO_BC_LE:
        case MO_BC_GT:
        case MO_BC_GE: {
            val *x = &st[sp - 2], *y = &st[sp - 1];
            int r = 0;
            if (x->present && y->present) {
                double l = x->num, rr = y->num;
                switch (MO_BC_OP(ins)) {
                case MO_BC_LT:
                    r = l < rr;
                    break;
                case MO_BC_LE:
                    r = l <= rr;
                    break;
                case MO_BC_GT:
                    r = l > rr;
                    break;
                default:
                    r = l >= rr;
                    break;
                }
            }
            sp--;
            st[sp - 1] = (val){r, NULL, 0, 1};
            break;
        }
        case MO_BC_AND:
        case MO_BC_OR: {
            int l = truthy(&st[sp - 2]), r = truthy(&st[sp - 1]);
            sp--;
            st[sp - 1] = (val){MO_BC_OP(ins) == MO_BC_AND ? (l && r) : (l || r), NULL, 0, 1};
            break;
        }
        case MO_BC_NOT:
            st[sp - 1] = (val){!truthy(&st[sp - 1]), NULL, 0, 1};
            break;
        case MO_BC_IN: {
            const mo_bc_list *l = &p->lists[a];
            val *x = &st[sp - 1];
            int r = 0;
            if (x->present) {
                for (uint32_t i = 0; i < l->n && !r; i++) {
                    if (l->type == MO_FIELD_STRING) {
                        const mo_bc_str *s = &p->strs[l->first + i];
                        r = s->len == x->len && (!x->len || !memcmp(s->ptr, x->str, x->len));
                    } else {
                        r = p->nums[l->first + i] == x->num;
                    }
                }
            }
            *x = (val){r, NULL, 0, 1};
            break;
        }
        case MO_BC_MAX:
        case MO_BC_MIN: {
            val r = {0, NULL, 0, 0};
            for (uint32_t i = sp - a; i < sp; i++) {
                if (!st[i].present)
                    continue;
                if (!r.present ||
                    (MO_BC_OP(ins) == MO_BC_MAX ? st[i].num > r.num : st[i].num < r.num))
                    r = (val){st[i].num, NULL, 0, 1};
            }
            sp -= a;
            st[sp++] = r;
            break;
        }
        case MO_BC_ANY:
        case MO_BC_COUNT: {
            unsigned cnt = 0;
            for (uint32_t i = sp - a; i < sp; i++)
                cnt += truthy(&st[i]);
            sp -= a;
            st[sp++] = (val){MO_BC_OP(ins) == MO_BC_ANY ? cnt > 0 : (double)cnt, NULL, 0, 1};
            break;
        }
        case MO_BC_ABS:
            st[sp - 1].num = fabs(st[sp - 1].num);
            break;
        case MO_BC_NEG:
            st[sp - 1].num = -st[sp - 1].num;
            break;
        case MO_BC_RET:
            return truthy(&st[sp - 1]);
        default:
            return 0;
        }
    }
    return 0;
}

int mo__policy_eval(const mo_policy *p, const mo_field_value *values, mo_policy_result *out)
{
    if (!p || !out || (!values && p->n_fields))
        return MO_EINVAL;
    out->action = MO_ACTION_ALLOW;
    out->decided_by = UINT32_MAX;
    out->review = MO_REVIEW_NONE;
    out->n_hits = 0;
    out->hits_truncated = 0;
    const mo_field_value *vt = p->f_type >= 0 ? &values[p->f_type] : NULL;
    const mo_field_value *vs = p->f_surface >= 0 ? &values[p->f_surface] : NULL;
    const mo_field_value *vr = p->f_region >= 0 ? &values[p->f_region] : NULL;
    for (size_t i = 0; i < p->n_rules; i++) {
        const mo_rule_info *r = &p->rules[i];
        if (!in_scope(r->types, r->n_types, vt) || !in_scope(r->surfaces, r->n_surfaces, vs) ||
            !in_scope(r->regions, r->n_regions, vr))
            continue;
        if (!run(p, p->code + r->code_off, r->code_len, values))
            continue;
        if (out->n_hits < MO_POLICY_MAX_HITS)
            out->hits[out->n_hits++] = (uint32_t)i;
        else
            out->hits_truncated = 1;
        if (r->mode != MO_RULE_MODE_ENFORCE)
            continue;
        if (out->decided_by == UINT32_MAX || r->action > out->action) {
            out->action = r->action;
            out->decided_by = (uint32_t)i;
        }
        if (r->review > out->review)
            out->review = r->review;
    }
    return MO_OK;
}
