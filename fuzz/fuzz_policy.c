/*
 * fuzz_policy.c -- libFuzzer target for the policy compiler (src/policy/):
 * compiles arbitrary bytes against the default schema. On success it checks
 * the compiled policy's invariants (rule slices inside the code and ending
 * in RET; declared categories unique, each label a clf.<label> of the
 * schema, every rule category declared when the policy has `categories:`),
 * disassembles it and evaluates it on an empty item and on an item
 * with every field set; on failure the diag must carry a message and a code.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "fuzz_policy: check failed: %s (line %d)\n", #c, __LINE__);            \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t n;
    const mo_field_def *f = mo__policy_default_schema(&n);
    mo_policy *p = (mo_policy *)1;
    mo_diag d;
    int rc = mo__policy_compile((const char *)data, size, "fuzz.yaml", f, n, &p, &d);
    if (rc != MO_OK) {
        CHECK(p == NULL);
        CHECK(d.code == rc && d.msg[0]);
        return 0;
    }
    CHECK(p != NULL);
    for (size_t i = 0; i < mo__policy_n_rules(p); i++) {
        const mo_rule_info *r = mo__policy_rule(p, i);
        CHECK(r && r->id && r->id[0] && r->code_len >= 2);
        CHECK(r->action <= MO_ACTION_SUSPEND);
    }
    for (size_t i = 0; i < mo__policy_n_categories(p); i++) {
        const mo_category_info *c = mo__policy_category(p, i);
        CHECK(c && c->name && c->name[0] && c->line > 0 && c->col > 0);
        CHECK(mo__policy_find_category(p, c->name) == (long)i);
        if (c->label) {
            size_t j;
            for (j = 0; j < n; j++)
                if (!strncmp(f[j].name, "clf.", 4) && !strcmp(f[j].name + 4, c->label))
                    break;
            CHECK(j < n);
        }
    }
    CHECK(mo__policy_has_categories(p) || mo__policy_n_categories(p) == 0);
    for (size_t i = 0; mo__policy_has_categories(p) && i < mo__policy_n_rules(p); i++) {
        const char *cat = mo__policy_rule(p, i)->category;
        CHECK(!cat[0] || mo__policy_find_category(p, cat) >= 0);
    }
    mo_buf b = {0};
    CHECK(mo__policy_disasm(p, &b) == MO_OK);
    mo__buf_free(&b);
    mo_field_value *v = calloc(n, sizeof *v);
    if (v) {
        mo_policy_result r;
        for (size_t i = 0; i < n; i++)
            v[i].num = NAN;
        CHECK(mo__policy_eval(p, v, &r) == MO_OK);
        CHECK(r.n_hits <= MO_POLICY_MAX_HITS);
        for (size_t i = 0; i < n; i++) {
            v[i].present = 1;
            v[i].num = 1;
            v[i].str = "DE";
            v[i].str_len = 2;
        }
        CHECK(mo__policy_eval(p, v, &r) == MO_OK);
        CHECK(r.action <= MO_ACTION_SUSPEND);
        free(v);
    }
    mo__policy_free(p);
    return 0;
}
