/*
 * item.c -- the fast item reader (mo__item_read_fast, engine_int.h): a strict,
 * non-allocating JSON scanner for the common shape of an item, returning
 * slices into the item bytes (picohttpparser style). Everything it does not
 * handle makes it give up, and the engine reads the item with jansson, so
 * the general path stays the reference for every error message and every
 * unusual input. The grammar accepted is a subset of jansson's: RFC 8259
 * JSON without exponents, with integers of at most 18 digits, strict UTF-8,
 * no "\u0000", paired surrogates, and nesting of at most MAX_DEPTH. Uses base.
 */
#include "engine/engine_int.h"

#include <string.h>

/* Deeper values are left to jansson (its own limit is 2048). */
#define MAX_DEPTH 64
/* Longer integers might overflow a long long: left to jansson. */
#define MAX_INT_DIGITS 18

typedef struct scan {
    const unsigned char *p;   /* next byte */
    const unsigned char *end; /* one past the last byte */
    char *dec;                /* decode buffer (room for the whole item) */
    size_t dec_len;           /* bytes of dec in use */
} scan;

static void skip_ws(scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
        s->p++;
}

/* After a member or element of a container closed by `close`: 1 when the
 * container ends (close consumed), 2 after a ',' (consumed, whitespace
 * skipped: another member follows), 0 on anything else. */
static int after_value(scan *s, unsigned char close)
{
    skip_ws(s);
    if (s->p >= s->end)
        return 0;
    if (*s->p == close) {
        s->p++;
        return 1;
    }
    if (*s->p != ',')
        return 0;
    s->p++;
    skip_ws(s);
    return 2;
}

/* The 4 hex digits at p as a number, or -1. */
static long hex4(const unsigned char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        int d = c >= '0' && c <= '9'   ? (int)(c - '0')
                : c >= 'a' && c <= 'f' ? (int)(c - 'a' + 10)
                : c >= 'A' && c <= 'F' ? (int)(c - 'A' + 10)
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Decodes the escape at s->p (a backslash) into d; returns the bytes
 * written, or 0 when it is not one the reader takes. */
static size_t unescape(scan *s, char *d)
{
    const unsigned char *p = s->p;
    if (s->end - p < 2)
        return 0;
    char c;
    switch (p[1]) {
    case '"':
    case '\\':
    case '/':
        c = (char)p[1];
        break;
    case 'b':
        c = '\b';
        break;
    case 'f':
        c = '\f';
        break;
    case 'n':
        c = '\n';
        break;
    case 'r':
        c = '\r';
        break;
    case 't':
        c = '\t';
        break;
    case 'u': {
        if (s->end - p < 6)
            return 0;
        long cp = hex4(p + 2);
        size_t used = 6;
        if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF))
            return 0; /* \u0000, a bad digit or a lone low surrogate */
        if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (s->end - p < 12 || p[6] != '\\' || p[7] != 'u')
                return 0;
            long lo = hex4(p + 8);
            if (lo < 0xDC00 || lo > 0xDFFF)
                return 0;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            used = 12;
        }
        s->p += used;
        if (cp < 0x80) {
            d[0] = (char)cp;
            return 1;
        }
        if (cp < 0x800) {
            d[0] = (char)(0xC0 | (cp >> 6));
            d[1] = (char)(0x80 | (cp & 0x3F));
            return 2;
        }
        if (cp < 0x10000) {
            d[0] = (char)(0xE0 | (cp >> 12));
            d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            d[2] = (char)(0x80 | (cp & 0x3F));
            return 3;
        }
        d[0] = (char)(0xF0 | (cp >> 18));
        d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        d[3] = (char)(0x80 | (cp & 0x3F));
        return 4;
    }
    default:
        return 0;
    }
    s->p += 2;
    d[0] = c;
    return 1;
}

/* Reads the string at s->p (its opening quote). Sets *out and *n to a slice of the
 * input when it has no escape, else its decoded bytes appended to s->dec.
 * Returns 0 when the reader does not take it. */
static int read_string(scan *s, const char **out, size_t *n)
{
    const unsigned char *start = ++s->p, *p = start, *end = s->end;
    for (;;) {
        if (p >= end)
            return 0;
        unsigned c = *p;
        if (c == '"') {
            *out = (const char *)start;
            *n = (size_t)(p - start);
            s->p = p + 1;
            return 1;
        }
        if (c == '\\')
            break;
        if (c < 0x20)
            return 0;
        if (c < 0x80) {
            p++;
        } else {
            size_t l = mo__utf8_len(p, (size_t)(end - p));
            if (!l)
                return 0;
            p += l;
        }
    }
    /* Escapes: copy what came before, then decode. */
    char *d0 = s->dec + s->dec_len, *d = d0;
    memcpy(d, start, (size_t)(p - start));
    d += p - start;
    s->p = p;
    for (;;) {
        if (s->p >= end)
            return 0;
        unsigned c = *s->p;
        if (c == '"')
            break;
        if (c == '\\') {
            size_t k = unescape(s, d);
            if (!k)
                return 0;
            d += k;
        } else if (c < 0x20) {
            return 0;
        } else if (c < 0x80) {
            *d++ = (char)c;
            s->p++;
        } else {
            size_t l = mo__utf8_len(s->p, (size_t)(end - s->p));
            if (!l)
                return 0;
            memcpy(d, s->p, l);
            d += l;
            s->p += l;
        }
    }
    s->p++;
    *out = d0;
    *n = (size_t)(d - d0);
    s->dec_len += *n;
    return 1;
}

/* A member name without escapes (an escaped one could equal a name the
 * engine reads: left to jansson). */
static int read_key(scan *s, const char **out, size_t *n)
{
    if (s->p >= s->end || *s->p != '"')
        return 0;
    size_t mark = s->dec_len;
    if (!read_string(s, out, n))
        return 0;
    return s->dec_len == mark; /* nothing decoded: no escape */
}

/* Reads a number: -?(0|[1-9][0-9]*)(.[0-9]+)?, no exponent. *is_int and
 * *iv (integers of at most MAX_INT_DIGITS digits only). */
static int read_number(scan *s, int *is_int, long long *iv)
{
    const unsigned char *p = s->p, *end = s->end;
    int neg = 0;
    if (p < end && *p == '-')
        neg = 1, p++;
    if (p >= end || *p < '0' || *p > '9')
        return 0;
    const unsigned char *d0 = p;
    if (*p == '0') {
        p++;
        if (p < end && *p >= '0' && *p <= '9')
            return 0; /* leading zero */
    } else {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    }
    if (p - d0 > MAX_INT_DIGITS)
        return 0;
    long long v = 0;
    for (const unsigned char *q = d0; q < p; q++)
        v = v * 10 + (*q - '0');
    *is_int = 1;
    if (p < end && *p == '.') {
        p++;
        if (p >= end || *p < '0' || *p > '9')
            return 0;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        *is_int = 0;
    }
    if (p < end && (*p == 'e' || *p == 'E'))
        return 0;
    *iv = neg ? -v : v;
    s->p = p;
    return 1;
}

static int read_literal(scan *s, const char *lit, size_t n)
{
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
        return 0;
    s->p += n;
    return 1;
}

/* Validates and skips one value (depth: containers around it). */
static int skip_value(scan *s, int depth)
{
    if (s->p >= s->end)
        return 0;
    switch (*s->p) {
    case '"': {
        size_t mark = s->dec_len;
        const char *v;
        size_t n;
        int ok = read_string(s, &v, &n);
        s->dec_len = mark; /* the decoded bytes are not kept */
        return ok;
    }
    case 't':
        return read_literal(s, "true", 4);
    case 'f':
        return read_literal(s, "false", 5);
    case 'n':
        return read_literal(s, "null", 4);
    case '{':
    case '[': {
        unsigned char close = *s->p == '{' ? '}' : ']';
        if (depth + 1 > MAX_DEPTH)
            return 0;
        s->p++;
        skip_ws(s);
        if (s->p < s->end && *s->p == close) {
            s->p++;
            return 1;
        }
        for (;;) {
            if (close == '}') {
                size_t mark = s->dec_len;
                const char *k;
                size_t kn;
                if (s->p >= s->end || *s->p != '"' || !read_string(s, &k, &kn))
                    return 0;
                s->dec_len = mark;
                skip_ws(s);
                if (s->p >= s->end || *s->p != ':')
                    return 0;
                s->p++;
                skip_ws(s);
            }
            if (!skip_value(s, depth + 1))
                return 0;
            int next = after_value(s, close);
            if (next != 2)
                return next;
        }
    }
    default: {
        int is_int;
        long long iv;
        return read_number(s, &is_int, &iv);
    }
    }
}

/* Calls member(s, name, name_len, user) for each member of the object at
 * s->p; member reads or skips the value. */
typedef int (*member_fn)(scan *s, const char *name, size_t n, void *user, int depth);

static int read_object(scan *s, int depth, member_fn member, void *user)
{
    if (s->p >= s->end || *s->p != '{' || depth + 1 > MAX_DEPTH)
        return 0;
    s->p++;
    skip_ws(s);
    if (s->p < s->end && *s->p == '}') {
        s->p++;
        return 1;
    }
    for (;;) {
        const char *k;
        size_t kn;
        if (!read_key(s, &k, &kn))
            return 0;
        skip_ws(s);
        if (s->p >= s->end || *s->p != ':')
            return 0;
        s->p++;
        skip_ws(s);
        if (!member(s, k, kn, user, depth + 1))
            return 0;
        int next = after_value(s, '}');
        if (next != 2)
            return next;
    }
}

static int name_is(const char *k, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(k, lit, n) == 0;
}

/* "author"/"recipient" members. */
typedef struct person_state {
    mo__item_person *p;
    unsigned seen; /* bit per member read: a repeated one is left to jansson */
} person_state;

static int person_member(scan *s, const char *k, size_t n, void *user, int depth)
{
    person_state *ps = user;
    mo__item_person *p = ps->p;
    unsigned bit = name_is(k, n, "account_type") ? 1u
                   : name_is(k, n, "age")        ? 2u
                   : name_is(k, n, "is_minor")   ? 4u
                                                 : 0u;
    if (!bit)
        return skip_value(s, depth);
    if (ps->seen & bit)
        return 0;
    ps->seen |= bit;
    if (s->p >= s->end)
        return 0;
    unsigned char c = *s->p;
    if (bit == 1 && c == '"')
        return read_string(s, &p->account_type, &p->account_type_len);
    if (bit == 2 && (c == '-' || (c >= '0' && c <= '9'))) {
        int is_int;
        long long iv;
        if (!read_number(s, &is_int, &iv) || !is_int)
            return 0; /* a fraction: jansson's strtod is locale-aware; leave it */
        p->age = (double)iv;
        p->has_age = 1;
        return 1;
    }
    if (bit == 4 && (c == 't' || c == 'f')) {
        p->is_minor = c == 't';
        return c == 't' ? read_literal(s, "true", 4) : read_literal(s, "false", 5);
    }
    return skip_value(s, depth);
}

/* Top-level members. */
typedef struct item_state {
    mo__item *it;
    unsigned seen; /* bit per member read */
} item_state;

static const char *const ctx_names[MO__ITEM_N] = {"type", "surface", "region", "lang"};

static int item_member(scan *s, const char *k, size_t n, void *user, int depth)
{
    item_state *st = user;
    mo__item *it = st->it;
    unsigned bit = 0;
    int ctx = -1;
    if (name_is(k, n, "text"))
        bit = 1u << 0;
    else if (name_is(k, n, "id"))
        bit = 1u << 1;
    else if (name_is(k, n, "author"))
        bit = 1u << 2;
    else if (name_is(k, n, "recipient"))
        bit = 1u << 3;
    else if (name_is(k, n, "transcript"))
        return 0; /* rare: the general path joins the segments */
    else
        for (int c = 0; c < MO__ITEM_N && ctx < 0; c++)
            if (name_is(k, n, ctx_names[c]))
                ctx = c, bit = 1u << (4 + c);
    if (!bit)
        return skip_value(s, depth);
    if (st->seen & bit)
        return 0; /* jansson keeps the last of repeated members: leave it */
    st->seen |= bit;
    if (s->p >= s->end)
        return 0;
    unsigned char c = *s->p;
    if (bit == 1u << 0)
        return c == '"' && read_string(s, &it->text, &it->text_len);
    if (bit == 1u << 1) {
        if (c == '"')
            return read_string(s, &it->id_str, &it->id_len);
        int is_int;
        return read_number(s, &is_int, &it->id_int) && is_int;
    }
    if (bit == 1u << 2 || bit == 1u << 3) {
        if (c != '{')
            return skip_value(s, depth);
        person_state ps = {bit == 1u << 2 ? &it->author : &it->recipient, 0};
        return read_object(s, depth, person_member, &ps);
    }
    if (c == '"')
        return read_string(s, &it->ctx[ctx], &it->ctx_len[ctx]);
    return skip_value(s, depth);
}

int mo__item_read_fast(const char *json, size_t len, char *dec, mo__item *it)
{
    memset(it, 0, sizeof *it);
    it->author.is_minor = it->recipient.is_minor = -1;
    scan s = {(const unsigned char *)json, (const unsigned char *)json + len, dec, 0};
    item_state st = {it, 0};
    skip_ws(&s);
    if (!read_object(&s, 0, item_member, &st))
        return 0;
    skip_ws(&s);
    /* Nothing after the object; an id and a text (else jansson's errors). */
    return s.p == s.end && (st.seen & 3u) == 3u;
}
