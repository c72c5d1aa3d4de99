/*
 * fuzz_moderate.c -- libFuzzer target for the item JSON parser and the whole
 * pipeline behind it (mo_moderate with the shipped configuration,
 * config/default.json, opened once; run from the repository root). Any input
 * must give MO_OK with a decision that is valid JSON, or a clean error code;
 * never a crash. Checks the decision with jansson.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moderato.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mo_engine *engine;
static mo_scratch *scratch;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine) {
        mo_diag d;
        if (mo_engine_open("config/default.json", &engine, &d) != MO_OK ||
            mo_scratch_new(engine, &scratch) != MO_OK) {
            fprintf(stderr, "fuzz_moderate: cannot open config/default.json: %s\n", d.msg);
            abort();
        }
    }
    const char *out;
    size_t n;
    int rc = mo_moderate(engine, scratch, (const char *)data, size, &out, &n, NULL);
    if (rc == MO_OK) {
        json_error_t e;
        json_t *j = json_loadb(out, n, 0, &e);
        if (!j || !json_is_string(json_object_get(j, "action"))) {
            fprintf(stderr, "fuzz_moderate: invalid decision: %s\n%.*s\n", e.text, (int)n, out);
            abort();
        }
        json_decref(j);
    } else if (rc != MO_EPARSE && rc != MO_ELIMIT) {
        fprintf(stderr, "fuzz_moderate: unexpected %s\n", mo_err_name(rc));
        abort();
    }
    return 0;
}
