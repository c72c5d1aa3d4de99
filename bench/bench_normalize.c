/*
 * bench_normalize.c -- throughput of mo_normalize on one core.
 *
 * Usage: bench_normalize [FILE] [SECONDS]
 * Reads FILE (default: a built-in ASCII-heavy sample), one text per line, and
 * normalizes every line again and again for SECONDS (default 3) with one
 * normalizer, then prints input MB/s and lines/s, by wall clock and by process
 * CPU time (the latter is the one to compare on a shared machine). A second
 * figure normalizes the whole file as one text (the large-input path). Not
 * library code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "moderato.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this process: robust when the machine is shared. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const sample[] = {
    "!!! RT @mayasolovely: As a woman you shouldn't complain about cleaning up your house.",
    "Hello there, how are you doing today? I hope the weather is nice where you are.",
    "this is sooooo good lol, can't wait for the next episode!!! #podcast",
    "f u c k this sh1t, you are such a n00b",
    "Caf\xc3\xa9 au lait, na\xc3\xafve r\xc3\xa9sum\xc3\xa9 \xf0\x9f\x98\x82\xf0\x9f\x98\x82",
    "Check out https://example.com/episode/42 for the full transcript of 2024-11-25.",
};

int main(int argc, char **argv)
{
    char *buf = NULL;
    size_t len = 0;
    if (argc > 1) {
        FILE *f = fopen(argv[1], "rb");
        if (!f) {
            fprintf(stderr, "bench_normalize: cannot open %s\n", argv[1]);
            return 2;
        }
        fseek(f, 0, SEEK_END);
        long sz = ftell(f);
        fseek(f, 0, SEEK_SET);
        buf = malloc((size_t)sz + 1);
        if (!buf || fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
            fprintf(stderr, "bench_normalize: cannot read %s\n", argv[1]);
            return 2;
        }
        fclose(f);
        len = (size_t)sz;
    } else {
        size_t cap = 0;
        for (size_t i = 0; i < sizeof sample / sizeof sample[0]; i++)
            cap += strlen(sample[i]) + 1;
        buf = malloc(cap * 1000);
        for (int r = 0; r < 1000; r++)
            for (size_t i = 0; i < sizeof sample / sizeof sample[0]; i++) {
                size_t k = strlen(sample[i]);
                memcpy(buf + len, sample[i], k);
                buf[len + k] = '\n';
                len += k + 1;
            }
    }
    double seconds = argc > 2 ? atof(argv[2]) : 3.0;
    /* Line table. */
    size_t n_lines = 0, cap_lines = 1024;
    size_t *starts = malloc(cap_lines * sizeof *starts), *lens = malloc(cap_lines * sizeof *lens);
    for (size_t p = 0; p < len;) {
        char *nl = memchr(buf + p, '\n', len - p);
        size_t e = nl ? (size_t)(nl - buf) : len;
        if (n_lines == cap_lines) {
            cap_lines *= 2;
            starts = realloc(starts, cap_lines * sizeof *starts);
            lens = realloc(lens, cap_lines * sizeof *lens);
        }
        starts[n_lines] = p;
        lens[n_lines] = e - p;
        n_lines++;
        p = e + 1;
    }
    mo_normalizer *n = NULL;
    if (mo_normalizer_new(&n) != MO_OK)
        return 1;
    const mo_norm_view *v = NULL;
    size_t n_leet = 0;
    uint64_t bytes = 0, lines = 0;
    double t0 = now_s(), t1 = t0, c0 = cpu_s();
    while (t1 - t0 < seconds) {
        for (size_t i = 0; i < n_lines; i++) {
            if (mo_normalize(n, buf + starts[i], lens[i], &v) != MO_OK)
                return 1;
            n_leet += v->alt != NULL;
            bytes += lens[i];
        }
        lines += n_lines;
        t1 = now_s();
    }
    double dt = t1 - t0, dc = cpu_s() - c0;
    printf("per line:   %zu lines, %.2f MB, %zu with a leet reading\n", n_lines, (double)len / 1e6,
           n_leet / (size_t)(lines / n_lines));
    printf("  wall: %.1f MB/s, %.0f lines/s;  cpu: %.1f MB/s, %.0f lines/s\n",
           (double)bytes / dt / 1e6, (double)lines / dt, (double)bytes / dc / 1e6,
           (double)lines / dc);
    /* Whole file as one text. */
    size_t whole = len > ((size_t)64 << 20) ? ((size_t)64 << 20) : len;
    int reps = 0;
    if (mo_normalize(n, buf, whole, &v) != MO_OK) /* warm-up: buffers grow once */
        return 1;
    t0 = now_s();
    c0 = cpu_s();
    do {
        if (mo_normalize(n, buf, whole, &v) != MO_OK)
            return 1;
        reps++;
        t1 = now_s();
    } while (t1 - t0 < seconds / 3);
    dc = cpu_s() - c0;
    printf("whole text: %.2f MB;  wall: %.1f MB/s;  cpu: %.1f MB/s\n", (double)whole / 1e6,
           (double)whole * reps / (t1 - t0) / 1e6, (double)whole * reps / dc / 1e6);
    mo_normalizer_free(n);
    free(starts);
    free(lens);
    free(buf);
    return 0;
}
