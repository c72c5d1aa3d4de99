/*
 * engine_int.h -- private to src/engine/: the fields of one item that the
 * engine reads (mo__item) and the fast item reader (item.c).
 */
#ifndef MO_ENGINE_INT_H
#define MO_ENGINE_INT_H

#include "base/base.h"

/* The author's or recipient's fields; each as jansson would report it. */
typedef struct mo__item_person {
    const char *account_type; /* string value, or NULL (absent or not a string) */
    size_t account_type_len;
    double age;   /* when has_age */
    int has_age;  /* "age" is a number */
    int is_minor; /* "is_minor": 1 true, 0 false, -1 absent or not a boolean */
} mo__item_person;

/* Context fields read from an item, indexed by mo__item_ctx. */
enum mo__item_ctx { MO__ITEM_TYPE, MO__ITEM_SURFACE, MO__ITEM_REGION, MO__ITEM_LANG, MO__ITEM_N };

/* One item's fields. Strings are borrowed: slices of the item bytes, of the
 * reader's decode buffer or of a jansson tree, valid while those are. */
typedef struct mo__item {
    const char *id_str; /* string id, or NULL for an integer id */
    size_t id_len;
    long long id_int; /* integer id when id_str is NULL */
    const char *text; /* the text (decoded) */
    size_t text_len;
    const char *ctx[MO__ITEM_N]; /* string values, NULL when absent or not a string */
    size_t ctx_len[MO__ITEM_N];
    mo__item_person author, recipient;
} mo__item;

/*
 * Reads the common shape of an item without allocating: one JSON object with
 * a string or integer "id", a string "text", optional string context fields,
 * "author"/"recipient" objects, and any other members, which are validated
 * and skipped. Strings with escapes are decoded into dec, which must have
 * room for len bytes (decoding never grows a string).
 *
 * Returns 1 with *it filled when the item is valid JSON as jansson reads it
 * (json_loadb, flags 0) and has that shape; 0 for anything else, valid or
 * not (a transcript, an exponent, a duplicate member the engine reads, an
 * escaped member name, deep nesting, an error of any kind), which the caller
 * then reads with jansson. Never accepts what jansson rejects and never reads
 * a field differently from it (tests/unit/engine/test_item.c,
 * fuzz/fuzz_item.c).
 */
int mo__item_read_fast(const char *json, size_t len, char *dec, mo__item *it);

#endif
