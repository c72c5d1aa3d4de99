/*
 * bench_lexicon.c -- lexicon detector benchmark (docs/BENCHMARKS.md, "Lexicon").
 *
 * Usage: bench_lexicon LEXICON_DIR CASES.tsv TEXTS.txt [SECONDS]
 *  1. Quality on CASES.tsv ("pos<TAB>text": obfuscated profanity that must be
 *     flagged; "neg<TAB>text": harmless words containing a term, the Scunthorpe
 *     problem): recall and false positives of moderato's lexicon (lex.* > 0)
 *     and of a naive loop (lowercase, strstr of every term, ASCII word
 *     boundaries). Per-case verdicts go to stdout as "case\t<kind>\t<ours>\t<naive>\t<text>".
 *  2. Throughput on TEXTS.txt (one text per line) for SECONDS each, by process
 *     CPU time: normalize + lexicon scan (what the engine pays for lex.*),
 *     the full mo__detect_run (all detectors), and the naive strstr loop over
 *     the same terms. Not library code; uses the detector's private header to
 *     time the lexicon alone.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detect/detect_int.h"

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct lines {
    char **v;
    size_t *len;
    size_t n;
    size_t bytes;
} lines;

static void read_lines(const char *path, lines *L)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t r;
    size_t vcap = 0;
    memset(L, 0, sizeof *L);
    while ((r = getline(&line, &cap, f)) >= 0) {
        while (r && (line[r - 1] == '\n' || line[r - 1] == '\r'))
            line[--r] = '\0';
        if (!r)
            continue;
        if (L->n == vcap) {
            vcap = vcap ? 2 * vcap : 1024;
            L->v = realloc(L->v, vcap * sizeof *L->v);
            L->len = realloc(L->len, vcap * sizeof *L->len);
        }
        L->v[L->n] = strdup(line);
        L->len[L->n] = (size_t)r;
        L->bytes += (size_t)r;
        L->n++;
    }
    free(line);
    fclose(f);
}

/* ==== The naive peer: every term, strstr, ASCII word boundaries ==== */

static char **g_terms;
static size_t g_n_terms;

static void naive_load(const mo_detect_config *c)
{
    g_terms = calloc(c->n_terms, sizeof *g_terms);
    for (size_t i = 0; i < c->n_terms; i++) {
        if (c->terms[i].kind != MO__TERM_LEX)
            continue;
        char *t = strdup(c->terms[i].text);
        for (char *p = t; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        g_terms[g_n_terms++] = t;
    }
}

static int naive_count(const char *text, size_t len, char *buf)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)text[i]);
    buf[len] = '\0';
    int hits = 0;
    for (size_t k = 0; k < g_n_terms; k++) {
        size_t tl = strlen(g_terms[k]);
        for (const char *p = buf; (p = strstr(p, g_terms[k])); p++) {
            bool left = p == buf || !isalnum((unsigned char)p[-1]);
            bool right = !isalnum((unsigned char)p[tl]);
            if (left && right) {
                hits++;
                break;
            }
        }
    }
    return hits;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: bench_lexicon LEXICON_DIR CASES.tsv TEXTS.txt [SECONDS]\n");
        return 2;
    }
    double secs = argc > 4 ? atof(argv[4]) : 3.0;
    mo_detect_config *c;
    mo_diag d;
    double t0 = cpu_s();
    if (mo__detect_config_load(argv[1], &c, &d) != MO_OK) {
        fprintf(stderr, "%s:%llu: %s\n", d.file, (unsigned long long)d.line, d.msg);
        return 1;
    }
    double t_load = cpu_s() - t0;
    mo_detect_scratch *s;
    mo__detect_scratch_new(c, &s);
    mo_normalizer *nz;
    mo_normalizer_new(&nz);
    naive_load(c);
    size_t n_sig = mo__detect_n_signals(c);
    double *vals = calloc(n_sig, sizeof *vals);
    printf("config\tterms %zu\texpressions %zu\tload_cpu_s %.3f\n", g_n_terms, c->n_pats, t_load);

    lines cases, texts;
    read_lines(argv[2], &cases);
    read_lines(argv[3], &texts);
    size_t maxlen = 0;
    for (size_t i = 0; i < texts.n; i++)
        maxlen = texts.len[i] > maxlen ? texts.len[i] : maxlen;
    for (size_t i = 0; i < cases.n; i++)
        maxlen = cases.len[i] > maxlen ? cases.len[i] : maxlen;
    char *buf = malloc(maxlen + 1);

    /* 1. Quality. */
    int pos = 0, neg = 0, ours_tp = 0, ours_fp = 0, naive_tp = 0, naive_fp = 0;
    for (size_t i = 0; i < cases.n; i++) {
        char *tab = strchr(cases.v[i], '\t');
        if (!tab)
            continue;
        bool is_pos = strncmp(cases.v[i], "pos", 3) == 0;
        const char *t = tab + 1;
        size_t tl = strlen(t);
        const mo_evidence *ev;
        size_t n_ev;
        mo__detect_run(c, s, t, tl, NULL, vals, &ev, &n_ev);
        bool ours = false;
        for (size_t k = 0; k < c->n_cats; k++)
            ours = ours || vals[2 * k] > 0;
        bool naive = naive_count(t, tl, buf) > 0;
        printf("case\t%s\t%d\t%d\t%s\n", is_pos ? "pos" : "neg", ours, naive, t);
        if (is_pos) {
            pos++;
            ours_tp += ours;
            naive_tp += naive;
        } else {
            neg++;
            ours_fp += ours;
            naive_fp += naive;
        }
    }
    printf("quality\tmoderato\trecall %d/%d\tfalse_positives %d/%d\n", ours_tp, pos, ours_fp, neg);
    printf("quality\tnaive\trecall %d/%d\tfalse_positives %d/%d\n", naive_tp, pos, naive_fp, neg);

    /* 2. Throughput. */
    double mb = (double)texts.bytes / 1e6;
    size_t rounds = 0;
    long found = 0;
    t0 = cpu_s();
    do {
        for (size_t i = 0; i < texts.n; i++) {
            const mo_norm_view *v;
            mo_normalize(nz, texts.v[i], texts.len[i], &v);
            for (size_t k = 0; k < 2 * c->n_cats; k++)
                vals[k] = 0;
            s->n_ev = 0;
            mo__lex_run(c, s, texts.v[i], v, texts.len[i], vals);
            found += (long)vals[0];
        }
        rounds++;
    } while (cpu_s() - t0 < secs);
    double dt = cpu_s() - t0;
    printf("throughput\tnormalize+lexicon\t%.1f MB/s\t%.0f texts/s\t(matches/round %ld)\n",
           mb * (double)rounds / dt, (double)(texts.n * rounds) / dt, found / (long)rounds);
    rounds = 0;
    t0 = cpu_s();
    do {
        for (size_t i = 0; i < texts.n; i++) {
            const mo_evidence *ev;
            size_t n_ev;
            mo__detect_run(c, s, texts.v[i], texts.len[i], NULL, vals, &ev, &n_ev);
        }
        rounds++;
    } while (cpu_s() - t0 < secs);
    dt = cpu_s() - t0;
    printf("throughput\tall detectors\t%.1f MB/s\t%.0f texts/s\n", mb * (double)rounds / dt,
           (double)(texts.n * rounds) / dt);
    rounds = 0;
    found = 0;
    t0 = cpu_s();
    size_t i = 0;
    size_t bytes = 0;
    do {
        for (size_t k = 0; k < 200 && i < texts.n; k++, i++) {
            found += naive_count(texts.v[i], texts.len[i], buf);
            bytes += texts.len[i];
        }
        if (i == texts.n)
            i = 0, rounds++;
    } while (cpu_s() - t0 < secs);
    dt = cpu_s() - t0;
    printf("throughput\tnaive strstr\t%.2f MB/s\t%.0f texts/s\n", (double)bytes / 1e6 / dt,
           (double)bytes / (double)texts.bytes * (double)texts.n / dt);
    mo__detect_scratch_free(s);
    mo_normalizer_free(nz);
    mo__detect_config_free(c);
    return 0;
}
