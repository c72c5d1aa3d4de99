/*
 * common.c -- helpers shared by the subcommands: exit-code mapping, diag
 * printing, the bounded line reader, fast JSON output and option parsing.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int mo_cli_exit_for(int rc)
{
    return rc == MO_OK ? MO_EXIT_OK : MO_EXIT_FAILURE;
}

void mo_cli_print_diag(const char *cmd, int rc, const mo_diag *d)
{
    if (d && d->msg[0]) {
        fprintf(stderr, "moderato %s: ", cmd);
        if (d->file[0] && !strstr(d->msg, d->file)) {
            fprintf(stderr, "%s:", d->file);
            if (d->line)
                fprintf(stderr, "%llu:", (unsigned long long)d->line);
            fputc(' ', stderr);
        }
        if (d->field[0] && !strstr(d->msg, d->field))
            fprintf(stderr, "field '%s': ", d->field);
        fprintf(stderr, "%s (%s)\n", d->msg, mo_err_name(rc));
    } else {
        fprintf(stderr, "moderato %s: %s (%s)\n", cmd, mo_strerror(rc), mo_err_name(rc));
    }
}

/* ==== Line reader ==== */

void mo_line_reader_init(mo_line_reader *r, FILE *f, size_t max_bytes)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->max_bytes = max_bytes;
}

void mo_line_reader_init_bulk(mo_line_reader *r, FILE *f, size_t max_bytes)
{
    mo_line_reader_init(r, f, max_bytes);
    r->bulk = true;
}

#define MO_LINE_RBUF (1 << 16)

/* Appends n bytes of the current line, keeping at most max_bytes. */
static int line_add(mo_line_reader *r, const char *p, size_t n)
{
    size_t room = r->max_bytes - r->len, keep = n < room ? n : room;
    r->full_len += n;
    if (keep < n)
        r->too_long = true;
    if (r->len + keep + 2 > r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4096;
        while (cap < r->len + keep + 2)
            cap *= 2;
        char *q = realloc(r->buf, cap);
        if (!q)
            return -1;
        r->buf = q;
        r->cap = cap;
    }
    memcpy(r->buf + r->len, p, keep);
    r->len += keep;
    return 0;
}

/* mo_line_reader_next in bulk mode: the same lines, found with memchr. */
static int next_bulk(mo_line_reader *r, bool *any)
{
    for (;;) {
        if (r->rpos == r->rlen) {
            if (!r->rbuf && !(r->rbuf = malloc(MO_LINE_RBUF)))
                return -1;
            ssize_t k;
            do
                k = read(fileno(r->f), r->rbuf, MO_LINE_RBUF);
            while (k < 0 && errno == EINTR);
            if (k < 0)
                return -1;
            r->rpos = 0;
            r->rlen = (size_t)k;
            if (k == 0)
                return 0;
        }
        const char *p = r->rbuf + r->rpos;
        size_t avail = r->rlen - r->rpos;
        const char *nl = memchr(p, '\n', avail);
        size_t take = nl ? (size_t)(nl - p) : avail;
        *any = true;
        if (line_add(r, p, take))
            return -1;
        r->rpos += take + (nl ? 1 : 0);
        if (nl)
            return 0;
    }
}

int mo_line_reader_next(mo_line_reader *r)
{
    r->len = 0;
    r->full_len = 0;
    r->too_long = false;
    int c;
    bool any = false;
    if (r->bulk) {
        if (next_bulk(r, &any))
            return -1;
        goto done;
    }
    for (;;) {
        /* Fast path: read a chunk with getc_unlocked until newline. */
        c = getc_unlocked(r->f);
        if (c == EOF)
            break;
        any = true;
        if (c == '\n')
            break;
        r->full_len++;
        if (r->len >= r->max_bytes) {
            r->too_long = true;
            continue;
        }
        if (r->len + 2 > r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 4096;
            char *p = realloc(r->buf, cap);
            if (!p)
                return -1;
            r->buf = p;
            r->cap = cap;
        }
        r->buf[r->len++] = (char)c;
    }
    if (ferror(r->f))
        return -1;
done:
    if (!any)
        return 0;
    if (!r->buf) {
        r->buf = malloc(4096);
        if (!r->buf)
            return -1;
        r->cap = 4096;
    }
    if (r->len && r->buf[r->len - 1] == '\r')
        r->len--;
    r->buf[r->len] = '\0';
    r->line_no++;
    return 1;
}

void mo_line_reader_free(mo_line_reader *r)
{
    free(r->buf);
    free(r->rbuf);
    r->rbuf = NULL;
    r->rpos = r->rlen = 0;
    r->buf = NULL;
    r->cap = r->len = 0;
}

/* ==== Output ==== */

int mo_out_str(mo_out *o, const char *s, size_t n)
{
    return mo__buf_append(o, s, n);
}

int mo_out_json_string(mo_out *o, const char *s, size_t n)
{
    return mo__buf_json_string(o, s, n);
}

void mo_out_free(mo_out *o)
{
    mo__buf_free(o);
}

int mo_out_prob(mo_out *o, float p)
{
    if (mo__buf_reserve(o, 8))
        return -1;
    if (!(p > 0.0f)) /* also NaN */
        p = 0.0f;
    if (p > 1.0f)
        p = 1.0f;
    unsigned v = (unsigned)lrintf(p * 10000.0f);
    char *d = o->ptr + o->len;
    if (v >= 10000) {
        *d++ = '1';
    } else if (v == 0) {
        *d++ = '0';
    } else {
        char digits[4] = {(char)('0' + v / 1000), (char)('0' + v / 100 % 10),
                          (char)('0' + v / 10 % 10), (char)('0' + v % 10)};
        int last = 3;
        while (last > 0 && digits[last] == '0')
            last--;
        *d++ = '0';
        *d++ = '.';
        for (int i = 0; i <= last; i++)
            *d++ = digits[i];
    }
    o->len = (size_t)(d - o->ptr);
    *d = '\0';
    return 0;
}

int mo_out_u64(mo_out *o, unsigned long long v)
{
    char tmp[24];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10));
    if (mo__buf_reserve(o, (size_t)n))
        return -1;
    while (n)
        o->ptr[o->len++] = tmp[--n];
    o->ptr[o->len] = '\0';
    return 0;
}

/* ==== Options ==== */

bool mo_cli_parse_u64(const char *cmd, const char *opt, const char *val, unsigned long long min,
                      unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!val || !*val || *val == '-') {
        fprintf(stderr, "moderato %s: %s needs a non-negative integer\n", cmd, opt);
        return false;
    }
    unsigned long long v = strtoull(val, &end, 10);
    if (errno || *end || v < min || v > max) {
        fprintf(stderr, "moderato %s: %s: '%s' is not an integer in [%llu, %llu]\n", cmd, opt, val,
                min, max);
        return false;
    }
    *out = v;
    return true;
}

bool mo_cli_parse_float(const char *cmd, const char *opt, const char *val, double min, double max,
                        double *out)
{
    char *end;
    errno = 0;
    if (!val || !*val) {
        fprintf(stderr, "moderato %s: %s needs a number\n", cmd, opt);
        return false;
    }
    double v = strtod(val, &end);
    if (errno || *end || !(v >= min && v <= max)) {
        fprintf(stderr, "moderato %s: %s: '%s' is not a number in [%g, %g]\n", cmd, opt, val, min,
                max);
        return false;
    }
    *out = v;
    return true;
}

const char *mo_cli_default_path(const char *env_var, const char *rel)
{
    static char path[PATH_MAX];
    const char *env = getenv(env_var);
    if (env && *env)
        return env;
    /* <dir of executable>/../<rel> (a source checkout's build/), then the
     * installed <prefix>/share/moderato/<basename>. */
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            snprintf(path, sizeof path, "%.3000s/../%.1000s", exe, rel);
            if (access(path, R_OK) == 0)
                return path;
            const char *base = strrchr(rel, '/');
            snprintf(path, sizeof path, "%.3000s/../share/moderato/%.1000s", exe,
                     base ? base + 1 : rel);
            if (access(path, R_OK) == 0)
                return path;
        }
    }
    return rel;
}

const char *mo_cli_default_model(void)
{
    return mo_cli_default_path("MODERATO_MODEL", "models/default.momd");
}
