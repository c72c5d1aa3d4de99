/*
 * base.h -- internal helpers every layer may use: the counted allocator,
 * error details (mo_diag), overflow-checked sizes, a string buffer and a
 * deterministic PRNG. Includes only libc and the public header.
 */
#ifndef MO_BASE_H
#define MO_BASE_H

#include "moderato.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ==== Allocation (alloc.c) ==== */

/* All library heap use goes through these; they count bytes and can be made to
 * fail on the Nth call in tests. mo__free accepts NULL. */
void *mo__malloc(size_t n);
void *mo__calloc(size_t count, size_t size);
void *mo__realloc(void *p, size_t n);
void mo__free(void *p);
char *mo__strndup(const char *s, size_t n);
/* Test hook: the nth allocation from now fails (0 disables). */
void mo__alloc_fail_after(uint64_t nth);
/* Number of allocation calls so far (malloc, calloc, realloc). */
uint64_t mo__alloc_calls(void);

/* *out = a * b; returns MO_ELIMIT on overflow, MO_OK otherwise. */
static inline int mo__size_mul(size_t a, size_t b, size_t *out)
{
    if (a && b > SIZE_MAX / a)
        return MO_ELIMIT;
    *out = a * b;
    return MO_OK;
}

/* Grows the array *p (elements of elem bytes, *cap of them) to hold at
 * least `need`, doubling from min_cap; no-op when it already does. Returns
 * MO_OK or MO_ENOMEM (overflow included); *p is unchanged on failure. */
int mo__grow(void **p, size_t *cap, size_t need, size_t elem, size_t min_cap);

/* ==== Diagnostics (error.c) ==== */

/* Fills diag (when not NULL) and returns code, so callers can
 * `return mo__diag_set(diag, MO_EPARSE, file, line, field, "...")`. */
int mo__diag_set(mo_diag *diag, int code, const char *file, uint64_t line, const char *field,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void mo__diag_clear(mo_diag *diag);

/* ==== Growable byte buffer (buf.c) ==== */

typedef struct mo_buf {
    char *ptr;  /* NUL-terminated when len > 0 or after mo__buf_reserve */
    size_t len; /* bytes used */
    size_t cap; /* bytes allocated */
} mo_buf;

int mo__buf_reserve(mo_buf *b, size_t extra);
int mo__buf_append(mo_buf *b, const void *p, size_t n);
int mo__buf_printf(mo_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mo__buf_free(mo_buf *b);
/* Appends s (n bytes) as a JSON string literal, quotes included; control
 * characters are escaped and invalid UTF-8 bytes become U+FFFD. */
int mo__buf_json_string(mo_buf *b, const char *s, size_t n);
/* Length of the valid UTF-8 sequence at s (n >= 1 bytes left): 1 for ASCII,
 * 2..4, or 0 when invalid (overlong forms, surrogates, past U+10FFFF, a
 * truncated or broken sequence), as in jansson's utf8_check_full. */
size_t mo__utf8_len(const unsigned char *s, size_t n);
/* Appends a finite number rounded to 4 decimals in its shortest form
 * ("0.9312", "1", "-0.5"); NaN and infinities as null. */
int mo__buf_num4(mo_buf *b, double x);

/* ==== Deterministic PRNG (rng.c): splitmix64 seeding xoshiro256** ==== */

typedef struct mo_rng {
    uint64_t s[4];
} mo_rng;

void mo__rng_seed(mo_rng *r, uint64_t seed);
uint64_t mo__rng_next(mo_rng *r);
/* Uniform in [0, n); n > 0. */
uint64_t mo__rng_below(mo_rng *r, uint64_t n);
/* Uniform double in [0, 1). */
double mo__rng_double(mo_rng *r);

/* ==== Files (file.c) ==== */

/* Writes len bytes to path atomically: path.tmp.<pid>, fsync, rename, fsync dir. */
int mo__file_write_atomic(const char *path, const void *data, size_t len, mo_diag *diag);

#endif /* MO_BASE_H */
