/*
 * pipeline.c -- the batch pipeline behind `classify` and `moderate` (see
 * pipeline.h): batches of up to 4,096 lines, persistent worker threads
 * synchronized by two barriers per batch, the main thread working as worker
 * 0. Two batches are in flight: while the workers score batch k, the main
 * thread writes the output of batch k-1 and reads batch k+1, then joins in.
 * Threads claim 64-line chunks of a batch from an atomic counter (so a share
 * of long lines does not hold the others up); each chunk has its own output
 * buffers, written in chunk order, so output stays in input order.
 */
#include "pipeline.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_LINES 4096
#define CHUNK_LINES 64
#define N_CHUNKS (BATCH_LINES / CHUNK_LINES)

typedef struct batch {
    mo_out text; /* all lines of the batch, each NUL-terminated */
    mo_pipe_line line[BATCH_LINES];
    size_t off[BATCH_LINES];     /* start of line i in text */
    size_t n;                    /* lines in the batch */
    mo_pipe_sink sink[N_CHUNKS]; /* output of chunk c (lines c*64 ..) */
} batch;

typedef struct pipe_state pipe_state;

typedef struct worker {
    pthread_t tid;
    pipe_state *p; /* shared */
    void *state;   /* the caller's per-worker state */
} worker;

struct pipe_state {
    const mo_pipe_opts *opt;
    mo_pipe_fn fn;
    batch *b[2];        /* the batch being scored is b[cur] */
    int cur;            /* set by the main thread between barriers */
    atomic_size_t next; /* next unclaimed chunk of b[cur] */
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

/* Scores chunks of the current batch until none is left. */
static void run_chunks(worker *w)
{
    pipe_state *p = w->p;
    batch *b = p->b[p->cur];
    size_t n_chunks = (b->n + CHUNK_LINES - 1) / CHUNK_LINES;
    for (;;) {
        size_t c = atomic_fetch_add_explicit(&p->next, 1, memory_order_relaxed);
        if (c >= n_chunks)
            break;
        mo_pipe_sink *sink = &b->sink[c];
        sink->out.len = 0;
        sink->err.len = 0;
        sink->n_rejected = 0;
        size_t i1 = (c + 1) * CHUNK_LINES < b->n ? (c + 1) * CHUNK_LINES : b->n;
        for (size_t i = c * CHUNK_LINES; i < i1; i++) {
            mo_pipe_line *l = &b->line[i];
            l->ptr = b->text.ptr + b->off[i];
            p->fn(w->state, l, sink);
        }
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    for (;;) {
        pthread_barrier_wait(&w->p->start);
        if (w->p->stop)
            break;
        run_chunks(w);
        pthread_barrier_wait(&w->p->done);
    }
    return NULL;
}

static int batch_add(batch *b, const mo_line_reader *r)
{
    size_t at = b->text.len;
    if (mo_out_str(&b->text, r->buf, r->len) || mo_out_str(&b->text, "", 1))
        return -1;
    mo_pipe_line *l = &b->line[b->n];
    b->off[b->n] = at;
    l->len = r->len;
    l->full_len = r->full_len;
    l->line_no = r->line_no;
    l->too_long = r->too_long;
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

/* The reading side of the pipeline. */
typedef struct reader {
    mo_line_reader r;
    unsigned long long n_lines, last_progress;
    int eof;    /* no more batches: end of input, or an error */
    int status; /* MO_EXIT_OK or MO_EXIT_FAILURE */
} reader;

/* Fills b with the next lines of input (b->n = 0 at the end). */
static void read_batch(const mo_pipe_opts *opt, reader *rd, batch *b)
{
    b->n = 0;
    b->text.len = 0;
    while (!rd->eof && b->n < BATCH_LINES) {
        int got = mo_line_reader_next(&rd->r);
        if (got <= 0) {
            if (got < 0) {
                fprintf(stderr, "moderato %s: %s: read error\n", opt->cmd, opt->input_name);
                rd->status = MO_EXIT_FAILURE;
            }
            rd->eof = 1;
            break;
        }
        rd->n_lines++;
        if (opt->skip_blank && !rd->r.too_long && only_space(rd->r.buf, rd->r.len))
            continue;
        if (batch_add(b, &rd->r)) {
            fprintf(stderr, "moderato %s: out of memory\n", opt->cmd);
            rd->status = MO_EXIT_FAILURE;
            rd->eof = 1;
            break;
        }
    }
    if (opt->progress && rd->n_lines - rd->last_progress >= 100000) {
        rd->last_progress = rd->n_lines;
        fprintf(stderr, "moderato %s: %llu lines\r", opt->cmd, rd->n_lines);
    }
}

/* Writes the output of scored batch b in input order; returns -1 after a
 * write error on stdout (reported once), else 0. */
static int write_batch(const mo_pipe_opts *opt, const batch *b, size_t *n_rejected, int *failed)
{
    size_t n_chunks = (b->n + CHUNK_LINES - 1) / CHUNK_LINES;
    for (size_t c = 0; c < n_chunks; c++) {
        const mo_pipe_sink *s = &b->sink[c];
        if (!*failed && s->out.len && fwrite(s->out.ptr, 1, s->out.len, stdout) != s->out.len) {
            fprintf(stderr, "moderato %s: write error on stdout\n", opt->cmd);
            *failed = 1;
        }
        if (s->err.len)
            fwrite(s->err.ptr, 1, s->err.len, stderr);
        *n_rejected += s->n_rejected;
    }
    return *failed ? -1 : 0;
}

int mo_pipe_run(const mo_pipe_opts *opt, void **states, mo_pipe_fn fn)
{
    pipe_state p;
    memset(&p, 0, sizeof p);
    p.opt = opt;
    p.fn = fn;
    int nw = opt->n_threads, write_failed = 0;
    size_t n_rejected = 0;
    p.b[0] = calloc(1, sizeof *p.b[0]);
    p.b[1] = calloc(1, sizeof *p.b[1]);
    p.w = calloc((size_t)nw, sizeof *p.w);
    if (!p.b[0] || !p.b[1] || !p.w) {
        free(p.b[0]);
        free(p.b[1]);
        free(p.w);
        fprintf(stderr, "moderato %s: out of memory\n", opt->cmd);
        return MO_EXIT_FAILURE;
    }
    for (int t = 0; t < nw; t++) {
        p.w[t].p = &p;
        p.w[t].state = states[t];
    }
    pthread_barrier_init(&p.start, NULL, (unsigned)nw);
    pthread_barrier_init(&p.done, NULL, (unsigned)nw);
    for (int t = 1; t < nw; t++)
        pthread_create(&p.w[t].tid, NULL, worker_main, &p.w[t]);

    reader rd;
    memset(&rd, 0, sizeof rd);
    rd.status = MO_EXIT_OK;
    mo_line_reader_init_bulk(&rd.r, opt->in, opt->max_bytes);
    read_batch(opt, &rd, p.b[0]);
    int have_prev = 0;
    while (p.b[p.cur]->n) {
        atomic_store_explicit(&p.next, 0, memory_order_relaxed);
        if (nw > 1)
            pthread_barrier_wait(&p.start); /* the workers start on b[cur] */
        batch *other = p.b[1 - p.cur];
        if (have_prev && write_batch(opt, other, &n_rejected, &write_failed))
            rd.eof = 1; /* stdout is gone: read no further */
        read_batch(opt, &rd, other);
        run_chunks(&p.w[0]);
        if (nw > 1)
            pthread_barrier_wait(&p.done);
        have_prev = 1;
        p.cur = 1 - p.cur;
    }
    if (have_prev)
        write_batch(opt, p.b[1 - p.cur], &n_rejected, &write_failed);
    if (opt->progress && rd.last_progress)
        fprintf(stderr, "moderato %s: %llu lines\n", opt->cmd, rd.n_lines);
    mo_line_reader_free(&rd.r);

    p.stop = 1;
    if (nw > 1)
        pthread_barrier_wait(&p.start);
    for (int t = 1; t < nw; t++)
        pthread_join(p.w[t].tid, NULL);
    pthread_barrier_destroy(&p.start);
    pthread_barrier_destroy(&p.done);
    for (int k = 0; k < 2; k++) {
        for (size_t c = 0; c < N_CHUNKS; c++) {
            mo_out_free(&p.b[k]->sink[c].out);
            mo_out_free(&p.b[k]->sink[c].err);
        }
        mo_out_free(&p.b[k]->text);
        free(p.b[k]);
    }
    free(p.w);

    int status = write_failed ? MO_EXIT_FAILURE : rd.status;
    if (fflush(stdout) != 0) {
        if (!write_failed)
            fprintf(stderr, "moderato %s: write error on stdout\n", opt->cmd);
        status = MO_EXIT_FAILURE;
    }
    if (n_rejected) {
        fprintf(stderr, "moderato %s: %zu of %llu records rejected\n", opt->cmd, n_rejected,
                rd.n_lines);
        if (status == MO_EXIT_OK)
            status = MO_EXIT_PARTIAL;
    }
    return status;
}
