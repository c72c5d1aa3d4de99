/*
 * fuzz_normalize.c -- libFuzzer target for mo_normalize (src/text/normalize.c).
 * Normalizes the input and checks the view's invariants: every span lies in
 * the input and is non-empty, span starts never go backwards, both readings are
 * valid UTF-8, NUL-terminated and of the stated length, the alt reading has the
 * primary's length, and a second call gives the same bytes. Any violation aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moderato.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "fuzz_normalize: check failed: %s (line %d)\n", #c, __LINE__);         \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* Whether s[0, n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF). */
static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k;
        uint32_t cp, min;
        if (c < 0x80) {
            i++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            k = 2, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            k = 3, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            k = 4, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
        if (i + k > n)
            return 0;
        for (size_t j = 1; j < k; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + j] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += k;
    }
    return 1;
}

static void check_reading(const char *text, size_t len, const uint32_t *s, const uint32_t *e,
                          size_t size)
{
    CHECK(text != NULL);
    CHECK(text[len] == '\0');
    CHECK(valid_utf8((const unsigned char *)text, len));
    for (size_t i = 0; i < len; i++) {
        CHECK(s[i] < e[i]);
        CHECK(e[i] <= size);
        CHECK(i == 0 || s[i] >= s[i - 1]);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mo_normalizer *n;
    if (!n && mo_normalizer_new(&n) != MO_OK)
        return 0;
    const mo_norm_view *v = NULL;
    int rc = mo_normalize(n, (const char *)data, size, &v);
    CHECK(rc == MO_OK);
    CHECK(v->len == 0 || v->text[0] != ' ');
    CHECK(v->len == 0 || v->text[v->len - 1] != ' ');
    for (size_t i = 0; i < v->len; i++) {
        CHECK(v->text[i] != '\0');
        CHECK(i == 0 || v->text[i] != ' ' || v->text[i - 1] != ' ');
    }
    check_reading(v->text, v->len, v->src_start, v->src_end, size);
    CHECK((v->alt != NULL) == ((v->flags & MO_NORM_LEET) != 0));
    if (v->alt) {
        CHECK(v->alt_len == v->len);
        check_reading(v->alt, v->alt_len, v->alt_src_start, v->alt_src_end, size);
    }
    /* Deterministic: the same input gives the same bytes and flags. */
    char *copy = malloc(v->len + 1);
    if (!copy)
        return 0;
    memcpy(copy, v->text, v->len + 1);
    size_t len = v->len;
    uint32_t flags = v->flags;
    CHECK(mo_normalize(n, (const char *)data, size, &v) == MO_OK);
    CHECK(v->len == len && memcmp(v->text, copy, len) == 0 && v->flags == flags);
    free(copy);
    return 0;
}
