/*
 * buf.c -- a growable, NUL-terminated byte buffer for building output that is
 * not on a hot path (model metadata, messages).
 */
#include "base.h"

#include <math.h>
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

size_t mo__utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0], cp, len;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (unsigned i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

int mo__buf_json_string(mo_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t worst;
    if (mo__size_mul(n, 6, &worst) != MO_OK || mo__buf_reserve(b, worst + 2) != MO_OK)
        return MO_ENOMEM;
    char *d = b->ptr + b->len;
    *d++ = '"';
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        unsigned char c = *p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *d++ = (char)c;
            p++;
        } else if (c < 0x80) {
            *d++ = '\\';
            if (c == '"' || c == '\\')
                *d++ = (char)c;
            else if (c == '\n')
                *d++ = 'n';
            else if (c == '\t')
                *d++ = 't';
            else if (c == '\r')
                *d++ = 'r';
            else {
                *d++ = 'u', *d++ = '0', *d++ = '0';
                *d++ = hex[c >> 4], *d++ = hex[c & 15];
            }
            p++;
        } else {
            size_t l = mo__utf8_len(p, (size_t)(end - p));
            if (!l) {
                memcpy(d, "\xEF\xBF\xBD", 3);
                d += 3;
                p++;
            } else {
                memcpy(d, p, l);
                d += l;
                p += l;
            }
        }
    }
    *d++ = '"';
    *d = '\0';
    b->len = (size_t)(d - b->ptr);
    return MO_OK;
}

int mo__buf_num4(mo_buf *b, double x)
{
    if (!isfinite(x))
        return mo__buf_append(b, "null", 4);
    if (fabs(x) >= 1e14) /* beyond exact 4-decimal integer arithmetic */
        return mo__buf_printf(b, "%.0f", x);
    /* Integer arithmetic instead of printf: this runs for every score of
     * every decision. */
    long long v = llround(x * 1e4);
    char tmp[32], *d = tmp + sizeof tmp;
    int neg = v < 0;
    unsigned long long u = neg ? (unsigned long long)-v : (unsigned long long)v;
    unsigned frac = (unsigned)(u % 10000);
    u /= 10000;
    if (frac) {
        int digits = 4;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        for (int i = 0; i < digits; i++, frac /= 10)
            *--d = (char)('0' + frac % 10);
        *--d = '.';
    }
    do
        *--d = (char)('0' + u % 10);
    while ((u /= 10));
    if (neg && (d[0] != '0' || d[1] == '.'))
        *--d = '-';
    return mo__buf_append(b, d, (size_t)(tmp + sizeof tmp - d));
}
