/*
 * fuzz_item.c -- differential libFuzzer target for the fast item reader
 * (mo__item_read_fast, src/engine/item.c) against jansson, the general path:
 * whenever the fast reader takes an input, jansson must parse it too (flags
 * 0, as the engine does) and every field the engine reads must be the same
 * bytes or value. Any difference aborts. tests/unit/engine/test_item.c
 * includes this file and runs it on hand-picked items.
 */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ITEM_CHECK(c)                                                                              \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "fuzz_item: check failed: %s (line %d) on %.*s\n", #c, __LINE__,       \
                    (int)size, (const char *)data);                                                \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Whether the fast reader's string (p, n; NULL = none) is jansson's v as
 * the engine reads it (a string, else none). */
static int same_str(const char *p, size_t n, json_t *v)
{
    if (!json_is_string(v))
        return p == NULL;
    return p && n == json_string_length(v) && (!n || !memcmp(p, json_string_value(v), n));
}

static int same_person(const mo__item_person *p, json_t *o)
{
    json_t *m = json_object_get(o, "is_minor");
    json_t *age = json_object_get(o, "age");
    int is_minor = json_is_boolean(m) ? json_is_true(m) : -1;
    if (p->is_minor != is_minor || p->has_age != json_is_number(age))
        return 0;
    if (p->has_age && p->age != json_number_value(age))
        return 0;
    return same_str(p->account_type, p->account_type_len, json_object_get(o, "account_type"));
}

/* Runs both readers on one input; returns whether the fast one took it. */
static int item_compare(const uint8_t *data, size_t size)
{
    static const char *const ctx_names[MO__ITEM_N] = {"type", "surface", "region", "lang"};
    char *dec = malloc(size + 1);
    if (!dec)
        abort();
    mo__item it;
    int fast = mo__item_read_fast((const char *)data, size, dec, &it);
    json_t *j = json_loadb((const char *)data, size, 0, NULL);
    if (fast) {
        ITEM_CHECK(json_is_object(j));
        json_t *id = json_object_get(j, "id");
        if (it.id_str)
            ITEM_CHECK(same_str(it.id_str, it.id_len, id));
        else
            ITEM_CHECK(json_is_integer(id) && json_integer_value(id) == it.id_int);
        ITEM_CHECK(json_is_string(json_object_get(j, "text")));
        ITEM_CHECK(same_str(it.text, it.text_len, json_object_get(j, "text")));
        for (int c = 0; c < MO__ITEM_N; c++)
            ITEM_CHECK(same_str(it.ctx[c], it.ctx_len[c], json_object_get(j, ctx_names[c])));
        ITEM_CHECK(same_person(&it.author, json_object_get(j, "author")));
        ITEM_CHECK(same_person(&it.recipient, json_object_get(j, "recipient")));
    }
    json_decref(j);
    free(dec);
    return fast;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    item_compare(data, size);
    return 0;
}
