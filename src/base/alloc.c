/*
 * alloc.c -- the library's one allocator: counts live bytes, can be replaced by
 * mo_set_allocator and can be told to fail on the Nth call (tests). Each block
 * carries a 16-byte header with its size so frees can be counted.
 */
#include "base.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define HDR 16

static void *(*g_malloc)(size_t) = malloc;
static void *(*g_realloc)(void *, size_t) = realloc;
static void (*g_free)(void *) = free;
static atomic_size_t g_used;
static atomic_uint_least64_t g_calls;
static atomic_uint_least64_t g_fail_at; /* absolute call number that fails; 0 = never */

int mo_set_allocator(void *(*malloc_fn)(size_t), void *(*realloc_fn)(void *, size_t),
                     void (*free_fn)(void *))
{
    if (!malloc_fn || !realloc_fn || !free_fn)
        return MO_EINVAL;
    g_malloc = malloc_fn;
    g_realloc = realloc_fn;
    g_free = free_fn;
    return MO_OK;
}

void mo__alloc_fail_after(uint64_t nth)
{
    atomic_store(&g_fail_at, nth ? atomic_load(&g_calls) + nth : 0);
}

uint64_t mo__alloc_calls(void)
{
    return atomic_load(&g_calls);
}

size_t mo_memory_used(void)
{
    return atomic_load(&g_used);
}

static bool should_fail(void)
{
    uint64_t n = atomic_fetch_add(&g_calls, 1) + 1;
    uint64_t f = atomic_load(&g_fail_at);
    return f && n == f;
}

void *mo__malloc(size_t n)
{
    if (n > SIZE_MAX - HDR || should_fail())
        return NULL;
    char *p = g_malloc(n + HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    atomic_fetch_add(&g_used, n);
    return p + HDR;
}

void *mo__calloc(size_t count, size_t size)
{
    size_t n;
    if (mo__size_mul(count, size, &n) != MO_OK)
        return NULL;
    void *p = mo__malloc(n);
    if (p)
        memset(p, 0, n);
    return p;
}

void *mo__realloc(void *p, size_t n)
{
    if (!p)
        return mo__malloc(n);
    if (n > SIZE_MAX - HDR || should_fail())
        return NULL;
    char *base = (char *)p - HDR;
    size_t old;
    memcpy(&old, base, sizeof old);
    char *q = g_realloc(base, n + HDR);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof n);
    atomic_fetch_sub(&g_used, old);
    atomic_fetch_add(&g_used, n);
    return q + HDR;
}

void mo__free(void *p)
{
    if (!p)
        return;
    char *base = (char *)p - HDR;
    size_t n;
    memcpy(&n, base, sizeof n);
    atomic_fetch_sub(&g_used, n);
    g_free(base);
}

void mo_free(void *p)
{
    mo__free(p);
}

char *mo__strndup(const char *s, size_t n)
{
    char *d = mo__malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

int mo__grow(void **p, size_t *cap, size_t need, size_t elem, size_t min_cap)
{
    if (need <= *cap)
        return MO_OK;
    size_t n = *cap ? *cap : (min_cap ? min_cap : 1);
    while (n < need) {
        if (n > SIZE_MAX / 2)
            return MO_ENOMEM;
        n *= 2;
    }
    size_t bytes;
    if (mo__size_mul(n, elem, &bytes) != MO_OK)
        return MO_ENOMEM;
    void *q = mo__realloc(*p, bytes);
    if (!q)
        return MO_ENOMEM;
    *p = q;
    *cap = n;
    return MO_OK;
}
