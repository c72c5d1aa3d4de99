/*
 * pipeline.c -- the batch pipeline behind `classify` and `moderate` (see
 * pipeline.h): batches of up to 4,096 lines, persistent worker threads
 * synchronized by two barriers per batch, the main thread working as worker
 * 0, and output written in input order after each batch.
 */
#include "pipeline.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_LINES 4096

typedef struct batch {
    char *text;                /* all lines of the batch, each NUL-terminated */
    size_t text_len, text_cap; /* bytes used / allocated */
    mo_pipe_line line[BATCH_LINES];
    size_t *off; /* (BATCH_LINES) start of line i in text */
    size_t n;    /* lines in the batch */
} batch;

typedef struct pipe_state pipe_state;

typedef struct worker {
    pthread_t tid;
    int index;     /* 0 = the main thread */
    pipe_state *p; /* shared */
    void *state;   /* the caller's per-worker state */
    mo_pipe_sink sink;
} worker;

struct pipe_state {
    const mo_pipe_opts *opt;
    mo_pipe_fn fn;
    batch *b;
    worker *w;
    pthread_barrier_t start, done;
    int stop;
};

void mo_pipe_reject(mo_pipe_sink *sink, const mo_pipe_opts *opt, const char *id_json, size_t id_len,
                    unsigned long long line_no, const char *field, const char *msg)
{
    mo_out *o = &sink->out;
    mo_out_str(o, "{\"id\":", 6);
    mo_out_str(o, id_json, id_len);
    mo_out_str(o, ",\"line\":", 8);
    mo_out_u64(o, line_no);
    mo_out_str(o, ",\"error\":", 9);
    mo_out_json_string(o, msg, strlen(msg));
    mo_out_str(o, "}\n", 2);
    char tmp[768];
    int n = snprintf(tmp, sizeof tmp, "moderato %s: %s:%llu:%s%s%s %s\n", opt->cmd, opt->input_name,
                     line_no, field ? " field '" : "", field ? field : "", field ? "':" : "", msg);
    mo_out_str(&sink->err, tmp, n > 0 && (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
    sink->n_rejected++;
}

static void run_share(worker *w)
{
    pipe_state *p = w->p;
    size_t n = p->b->n, nw = (size_t)p->opt->n_threads;
    size_t per = (n + nw - 1) / nw;
    size_t i0 = per * (size_t)w->index, i1 = i0 + per < n ? i0 + per : n;
    w->sink.out.len = 0;
    w->sink.err.len = 0;
    w->sink.n_rejected = 0;
    for (size_t i = i0; i < i1; i++) {
        mo_pipe_line *l = &p->b->line[i];
        l->ptr = p->b->text + p->b->off[i];
        p->fn(w->state, l, &w->sink);
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    for (;;) {
        pthread_barrier_wait(&w->p->start);
        if (w->p->stop)
            break;
        run_share(w);
        pthread_barrier_wait(&w->p->done);
    }
    return NULL;
}

static int batch_add(batch *b, const mo_line_reader *r)
{
    if (b->text_len + r->len + 1 > b->text_cap) {
        size_t cap = b->text_cap ? b->text_cap : 1 << 20;
        while (cap < b->text_len + r->len + 1)
            cap *= 2;
        char *q = realloc(b->text, cap);
        if (!q)
            return -1;
        b->text = q;
        b->text_cap = cap;
    }
    memcpy(b->text + b->text_len, r->buf, r->len);
    b->text[b->text_len + r->len] = '\0';
    mo_pipe_line *l = &b->line[b->n];
    b->off[b->n] = b->text_len;
    l->len = r->len;
    l->full_len = r->full_len;
    l->line_no = r->line_no;
    l->too_long = r->too_long;
    b->text_len += r->len + 1;
    b->n++;
    return 0;
}

static int only_space(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

int mo_pipe_run(const mo_pipe_opts *opt, void **states, mo_pipe_fn fn)
{
    pipe_state p;
    memset(&p, 0, sizeof p);
    p.opt = opt;
    p.fn = fn;
    int nw = opt->n_threads, status = MO_EXIT_OK;
    size_t n_rejected = 0;
    unsigned long long n_lines = 0, last_progress = 0;
    p.b = calloc(1, sizeof *p.b);
    p.w = calloc((size_t)nw, sizeof *p.w);
    if (!p.b || !p.w || !(p.b->off = calloc(BATCH_LINES, sizeof *p.b->off))) {
        if (p.b)
            free(p.b->off);
        free(p.b);
        free(p.w);
        fprintf(stderr, "moderato %s: out of memory\n", opt->cmd);
        return MO_EXIT_FAILURE;
    }
    for (int t = 0; t < nw; t++) {
        p.w[t].index = t;
        p.w[t].p = &p;
        p.w[t].state = states[t];
    }
    pthread_barrier_init(&p.start, NULL, (unsigned)nw);
    pthread_barrier_init(&p.done, NULL, (unsigned)nw);
    for (int t = 1; t < nw; t++)
        pthread_create(&p.w[t].tid, NULL, worker_main, &p.w[t]);

    mo_line_reader r;
    mo_line_reader_init_bulk(&r, opt->in, opt->max_bytes);
    int eof = 0;
    while (!eof) {
        p.b->n = 0;
        p.b->text_len = 0;
        while (p.b->n < BATCH_LINES) {
            int got = mo_line_reader_next(&r);
            if (got <= 0) {
                if (got < 0) {
                    fprintf(stderr, "moderato %s: %s: read error\n", opt->cmd, opt->input_name);
                    status = MO_EXIT_FAILURE;
                }
                eof = 1;
                break;
            }
            n_lines++;
            if (opt->skip_blank && !r.too_long && only_space(r.buf, r.len))
                continue;
            if (batch_add(p.b, &r)) {
                fprintf(stderr, "moderato %s: out of memory\n", opt->cmd);
                status = MO_EXIT_FAILURE;
                eof = 1;
                break;
            }
        }
        if (!p.b->n)
            break;
        if (nw > 1)
            pthread_barrier_wait(&p.start);
        run_share(&p.w[0]);
        if (nw > 1)
            pthread_barrier_wait(&p.done);
        for (int t = 0; t < nw; t++) {
            mo_pipe_sink *s = &p.w[t].sink;
            if (s->out.len && fwrite(s->out.ptr, 1, s->out.len, stdout) != s->out.len) {
                fprintf(stderr, "moderato %s: write error on stdout\n", opt->cmd);
                status = MO_EXIT_FAILURE;
                eof = 1;
            }
            if (s->err.len)
                fwrite(s->err.ptr, 1, s->err.len, stderr);
            n_rejected += s->n_rejected;
        }
        if (opt->progress && n_lines - last_progress >= 100000) {
            last_progress = n_lines;
            fprintf(stderr, "moderato %s: %llu lines\r", opt->cmd, n_lines);
        }
    }
    if (opt->progress && last_progress)
        fprintf(stderr, "moderato %s: %llu lines\n", opt->cmd, n_lines);
    mo_line_reader_free(&r);

    p.stop = 1;
    if (nw > 1)
        pthread_barrier_wait(&p.start);
    for (int t = 1; t < nw; t++)
        pthread_join(p.w[t].tid, NULL);
    pthread_barrier_destroy(&p.start);
    pthread_barrier_destroy(&p.done);
    for (int t = 0; t < nw; t++) {
        mo_out_free(&p.w[t].sink.out);
        mo_out_free(&p.w[t].sink.err);
    }
    free(p.b->text);
    free(p.b->off);
    free(p.b);
    free(p.w);

    if (fflush(stdout) != 0) {
        fprintf(stderr, "moderato %s: write error on stdout\n", opt->cmd);
        status = MO_EXIT_FAILURE;
    }
    if (n_rejected) {
        fprintf(stderr, "moderato %s: %zu of %llu records rejected\n", opt->cmd, n_rejected,
                n_lines);
        if (status == MO_EXIT_OK)
            status = MO_EXIT_PARTIAL;
    }
    return status;
}
