/*
 * lex.c -- the condition lexer (numbers, strings, dotted field paths,
 * keywords, operators) plus the small helpers every policy stage uses for
 * diagnostics: positions mapped back to the YAML file, edit distance and
 * nearest-name hints. Uses base only.
 */
#include "policy/lex.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_ident_start(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_ident(int c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

/* Reads one token at lx->pos into lx->tok. Returns MO_OK or MO_EPARSE with
 * lx->err set (a static message) and lx->tok.off at the bad byte. */
int mo__lex_next(mo_lexer *lx)
{
    const char *s = lx->text;
    size_t n = lx->len, i = lx->pos;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    mo_token *t = &lx->tok;
    memset(t, 0, sizeof *t);
    t->off = i;
    if (i >= n) {
        t->kind = MO_TOK_EOF;
        lx->pos = i;
        return MO_OK;
    }
    int c = (unsigned char)s[i];
    if (is_digit(c) || (c == '.' && i + 1 < n && is_digit((unsigned char)s[i + 1]))) {
        size_t j = i;
        while (j < n && is_digit((unsigned char)s[j]))
            j++;
        if (j < n && s[j] == '.') {
            j++;
            while (j < n && is_digit((unsigned char)s[j]))
                j++;
        }
        if (j < n && (s[j] == 'e' || s[j] == 'E')) {
            size_t k = j + 1;
            if (k < n && (s[k] == '+' || s[k] == '-'))
                k++;
            if (k < n && is_digit((unsigned char)s[k])) {
                while (k < n && is_digit((unsigned char)s[k]))
                    k++;
                j = k;
            }
        }
        if (j < n && is_ident((unsigned char)s[j])) {
            lx->err = "malformed number";
            return MO_EPARSE;
        }
        char buf[64];
        if (j - i >= sizeof buf) {
            lx->err = "number too long";
            return MO_EPARSE;
        }
        memcpy(buf, s + i, j - i);
        buf[j - i] = '\0';
        t->num = strtod(buf, NULL);
        if (!isfinite(t->num)) {
            lx->err = "number out of range";
            return MO_EPARSE;
        }
        t->kind = MO_TOK_NUM;
        t->len = j - i;
        lx->pos = j;
        return MO_OK;
    }
    if (c == '"' || c == '\'') {
        /* No escapes: a string ends at the next matching quote. */
        size_t j = i + 1;
        while (j < n && s[j] != c && s[j] != '\n')
            j++;
        if (j >= n || s[j] != c) {
            lx->err = "unterminated string";
            return MO_EPARSE;
        }
        t->kind = MO_TOK_STR;
        t->str = s + i + 1;
        t->str_len = j - i - 1;
        t->len = j + 1 - i;
        lx->pos = j + 1;
        return MO_OK;
    }
    if (is_ident_start(c)) {
        size_t j = i;
        for (;;) {
            while (j < n && is_ident((unsigned char)s[j]))
                j++;
            if (j + 1 < n && s[j] == '.' && is_ident((unsigned char)s[j + 1]))
                j++;
            else
                break;
        }
        t->kind = MO_TOK_IDENT;
        t->str = s + i;
        t->str_len = j - i;
        t->len = j - i;
        static const struct {
            const char *w;
            mo_tok_kind k;
        } kw[] = {{"and", MO_TOK_AND}, {"or", MO_TOK_OR},     {"not", MO_TOK_NOT},
                  {"in", MO_TOK_IN},   {"true", MO_TOK_TRUE}, {"false", MO_TOK_FALSE}};
        for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
            if (strlen(kw[k].w) == t->len && !memcmp(kw[k].w, s + i, t->len))
                t->kind = kw[k].k;
        lx->pos = j;
        return MO_OK;
    }
    static const struct {
        const char *op;
        mo_tok_kind k;
    } ops[] = {{"<=", MO_TOK_LE},    {">=", MO_TOK_GE},    {"==", MO_TOK_EQ},
               {"!=", MO_TOK_NE},    {"<", MO_TOK_LT},     {">", MO_TOK_GT},
               {"(", MO_TOK_LPAREN}, {")", MO_TOK_RPAREN}, {"[", MO_TOK_LBRACK},
               {"]", MO_TOK_RBRACK}, {",", MO_TOK_COMMA},  {"-", MO_TOK_MINUS}};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        size_t l = strlen(ops[k].op);
        if (i + l <= n && !memcmp(s + i, ops[k].op, l)) {
            t->kind = ops[k].k;
            t->len = l;
            lx->pos = i + l;
            return MO_OK;
        }
    }
    if (c == '=')
        lx->err = "unexpected '=' (use '==' to compare)";
    else if (c == '&' || c == '|' || c == '!')
        lx->err = "unexpected operator (use 'and', 'or', 'not')";
    else
        lx->err = "unexpected character";
    return MO_EPARSE;
}

const char *mo__lex_kind_name(mo_tok_kind k)
{
    static const char *names[] = {"end of expression",
                                  "number",
                                  "string",
                                  "name",
                                  "'and'",
                                  "'or'",
                                  "'not'",
                                  "'in'",
                                  "'true'",
                                  "'false'",
                                  "'<'",
                                  "'<='",
                                  "'>'",
                                  "'>='",
                                  "'=='",
                                  "'!='",
                                  "'('",
                                  "')'",
                                  "'['",
                                  "']'",
                                  "','",
                                  "'-'"};
    return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "token";
}

/* ==== Diagnostics helpers ==== */

void mo__policy_srcpos(const mo_srcmap *m, size_t value_off, uint32_t *line, uint32_t *col)
{
    /* Greedy alignment of the value against the source from the scalar's
     * start: exact for single-line plain and quoted scalars, and for block
     * scalars and folded lines it skips indentation and indicators. */
    size_t j = m->start;
    size_t src_len = m->src_len;
    for (size_t i = 0; i < value_off && i < m->value_len && j < src_len; i++) {
        char c = m->value[i];
        if (m->src[j] == c) {
            j++;
            continue;
        }
        size_t k = j;
        if (c == ' ' || c == '\n') {
            while (k < src_len && (m->src[k] == ' ' || m->src[k] == '\n' || m->src[k] == '\r' ||
                                   m->src[k] == '\t'))
                k++;
            j = k;
            continue;
        }
        while (k < src_len && m->src[k] != c)
            k++;
        if (k >= src_len)
            break;
        j = k + 1;
    }
    /* Now j is the source index of value[value_off]; skip to the next
     * non-space if the value had whitespace folded there. */
    if (value_off < m->value_len) {
        char c = m->value[value_off];
        while (j < src_len && m->src[j] != c &&
               (m->src[j] == ' ' || m->src[j] == '\n' || m->src[j] == '\r' || m->src[j] == '|' ||
                m->src[j] == '>' || m->src[j] == '"' || m->src[j] == '\''))
            j++;
    }
    if (j > src_len)
        j = src_len;
    uint32_t l = 1, cc = 1;
    for (size_t k = 0; k < j; k++) {
        if (m->src[k] == '\n') {
            l++;
            cc = 1;
        } else {
            cc++;
        }
    }
    *line = l;
    *col = cc;
}

int mo__policy_diag(mo_diag *diag, int code, const char *file, uint32_t line, uint32_t col,
                    const char *fmt, ...)
{
    if (!diag)
        return code;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    mo__diag_set(diag, code, file, line, NULL, "%s", msg);
    diag->col = col;
    return code;
}

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and transpositions of neighbours ("whne" -> "when" is 1) each cost 1. */
unsigned mo__policy_edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na > 64 || nb > 64)
        return 255;
    unsigned d[65][65];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= nb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= na; i++) {
        for (size_t j = 1; j <= nb; j++) {
            unsigned best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[na][nb];
}

const char *mo__policy_nearest(const char *s, const char *const *names, size_t n)
{
    const char *best = NULL;
    unsigned best_d = 255;
    size_t len = strlen(s);
    unsigned limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        unsigned d = mo__policy_edit_distance(s, names[i]);
        if (d < best_d) {
            best_d = d;
            best = names[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

int mo__policy_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return MO_OK;
    size_t c = *cap ? *cap : 8;
    while (c < need) {
        if (c > SIZE_MAX / 2)
            return MO_ELIMIT;
        c *= 2;
    }
    size_t bytes;
    if (mo__size_mul(c, elem, &bytes) != MO_OK)
        return MO_ELIMIT;
    void *q = mo__realloc(*arr, bytes);
    if (!q)
        return MO_ENOMEM;
    *arr = q;
    *cap = c;
    return MO_OK;
}
