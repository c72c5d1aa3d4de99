/*
 * buf.c -- a growable, NUL-terminated byte buffer for building output that is
 * not on a hot path (model metadata, messages).
 */
#include "base.h"

#include <stdio.h>
#include <string.h>

int mo__buf_reserve(mo_buf *b, size_t extra)
{
    if (extra > SIZE_MAX - b->len - 1)
        return MO_ELIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return MO_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = mo__realloc(b->ptr, cap);
    if (!p)
        return MO_ENOMEM;
    b->ptr = p;
    b->cap = cap;
    b->ptr[b->len] = '\0';
    return MO_OK;
}

int mo__buf_append(mo_buf *b, const void *p, size_t n)
{
    int rc = mo__buf_reserve(b, n);
    if (rc)
        return rc;
    memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return MO_OK;
}

int mo__buf_printf(mo_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return MO_EINVAL;
    int rc = mo__buf_reserve(b, (size_t)n);
    if (rc)
        return rc;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return MO_OK;
}

void mo__buf_free(mo_buf *b)
{
    mo__free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}
