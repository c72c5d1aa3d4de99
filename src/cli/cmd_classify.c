/*
 * cmd_classify.c -- `moderato classify`: scores JSON Lines items (or raw text
 * lines) with a text model and writes one JSON line per input line, in input
 * order, using a pool of threads. Bad records get an error line in place (so
 * output line N always answers input line N) and a message on stderr.
 */
#include "cli.h"

#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCH_LINES 4096

typedef struct batch {
    char *text;                 /* all lines of the batch, each NUL-terminated */
    size_t text_len, text_cap;  /* bytes used / allocated in text */
    size_t *off;                /* (BATCH_LINES) start of line i in text */
    size_t *len;                /* (BATCH_LINES) bytes of line i */
    size_t *full_len;           /* (BATCH_LINES) real bytes of line i before truncation */
    unsigned long long *line_no;/* (BATCH_LINES) input line number */
    unsigned char *too_long;    /* (BATCH_LINES) line exceeded --max-bytes */
    size_t n;                   /* lines in the batch */
} batch;

typedef struct worker {
    pthread_t tid;
    int index;                  /* 0 = the main thread */
    struct classify *c;         /* shared state */
    mo_model_scratch *scratch;  /* per-thread model scratch */
    float *scores;              /* (n_labels) */
    mo_out out;                 /* output lines for this worker's share of the batch */
    mo_out err;                 /* stderr messages for this worker's share */
    size_t n_rejected;          /* records rejected in this batch */
} worker;

typedef struct classify {
    const mo_model *model;
    size_t n_labels;
    char **label_key;           /* (n_labels) "\"label\":" prefixes */
    size_t *label_key_len;
    float *threshold;           /* (n_labels) */
    int text_mode;              /* --format text */
    size_t max_bytes;           /* --max-bytes */
    const char *input_name;     /* for messages */
    batch b;
    int n_workers;
    worker *w;
    pthread_barrier_t start, done;
    int stop;                   /* set by main before the last start barrier */
} classify;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: moderato classify [--model PATH] [--format jsonl|text] [--threads N]\n"
            "                         [--max-bytes N] [--input FILE]\n\n"
            "Scores texts with a text model. Reads JSON Lines items {\"id\":...,\"text\":...}\n"
            "(or, with --format text, one raw text per line) and writes one line per input line:\n"
            "  {\"id\":\"c1\",\"scores\":{\"hate\":0.93,...},\"flagged\":[\"hate\"]}\n"
            "Scores are calibrated probabilities; 'flagged' lists labels at or over their\n"
            "operating threshold. In text mode the id is the line number.\n\n"
            "A record that cannot be scored (malformed JSON, missing or non-string \"text\",\n"
            "invalid UTF-8 in JSON, a line over --max-bytes) is answered in place with\n"
            "  {\"id\":...,\"line\":N,\"error\":\"...\"}\n"
            "and reported on stderr with its line number; the batch goes on. Blank lines in\n"
            "JSON Lines mode are skipped.\n\n"
            "options:\n"
            "  --model PATH     model file (default: $MODERATO_MODEL or the shipped\n"
            "                   models/default.momd)\n"
            "  --format F       jsonl (default) or text\n"
            "  --threads N      worker threads (default: number of CPUs)\n"
            "  --max-bytes N    longest accepted line in bytes (default 1048576)\n"
            "  --input FILE     read FILE instead of standard input\n"
            "  --progress       line counts on stderr every 100,000 lines (default when\n"
            "                   stderr is a terminal)\n\n"
            "exit status: 0 all records scored, 1 failure (model, I/O), 2 usage,\n"
            "             3 finished but some records were rejected\n");
}

/* Appends the "id" member for an error or result line. */
static int out_id(mo_out *o, json_t *id, unsigned long long line_no)
{
    if (id && json_is_string(id))
        return mo_out_json_string(o, json_string_value(id), json_string_length(id));
    if (id && json_is_integer(id)) {
        char tmp[32];
        int n = snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(id));
        return mo_out_str(o, tmp, (size_t)n);
    }
    if (!id)
        return mo_out_u64(o, line_no);
    return mo_out_str(o, "null", 4);
}

static void reject(worker *w, json_t *id, unsigned long long line_no, const char *field,
                   const char *msg)
{
    classify *c = w->c;
    mo_out *o = &w->out;
    mo_out_str(o, "{\"id\":", 6);
    out_id(o, id, line_no);
    mo_out_str(o, ",\"line\":", 8);
    mo_out_u64(o, line_no);
    mo_out_str(o, ",\"error\":", 9);
    mo_out_json_string(o, msg, strlen(msg));
    mo_out_str(o, "}\n", 2);
    char tmp[768];
    int n = snprintf(tmp, sizeof tmp, "moderato classify: %s:%llu:%s%s%s %s\n", c->input_name,
                     line_no, field ? " field '" : "", field ? field : "", field ? "':" : "",
                     msg);
    mo_out_str(&w->err, tmp, n > 0 && (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
    w->n_rejected++;
}

static void score_one(worker *w, json_t *id, unsigned long long line_no, const char *text,
                      size_t len)
{
    classify *c = w->c;
    int rc = mo_model_predict(c->model, w->scratch, text, len, w->scores, NULL);
    if (rc != MO_OK) {
        reject(w, id, line_no, "text", mo_strerror(rc));
        return;
    }
    mo_out *o = &w->out;
    mo_out_str(o, "{\"id\":", 6);
    out_id(o, id, line_no);
    mo_out_str(o, ",\"scores\":{", 11);
    for (size_t k = 0; k < c->n_labels; k++) {
        if (k)
            mo_out_str(o, ",", 1);
        mo_out_str(o, c->label_key[k], c->label_key_len[k]);
        mo_out_prob(o, w->scores[k]);
    }
    mo_out_str(o, "},\"flagged\":[", 13);
    int first = 1;
    for (size_t k = 0; k < c->n_labels; k++) {
        if (w->scores[k] >= c->threshold[k]) {
            if (!first)
                mo_out_str(o, ",", 1);
            first = 0;
            /* label_key is "\"name\":"; print the quoted name without the colon. */
            mo_out_str(o, c->label_key[k], c->label_key_len[k] - 1);
        }
    }
    mo_out_str(o, "]}\n", 3);
}

static void process_line(worker *w, size_t i)
{
    classify *c = w->c;
    batch *b = &c->b;
    const char *line = b->text + b->off[i];
    size_t len = b->len[i];
    unsigned long long line_no = b->line_no[i];
    if (b->too_long[i]) {
        char msg[160];
        snprintf(msg, sizeof msg, "line is %zu bytes, over --max-bytes %zu", b->full_len[i],
                 c->max_bytes);
        reject(w, NULL, line_no, NULL, msg);
        return;
    }
    if (c->text_mode) {
        score_one(w, NULL, line_no, line, len);
        return;
    }
    json_error_t jerr;
    json_t *root = json_loadb(line, len, 0, &jerr);
    if (!root) {
        char msg[256];
        snprintf(msg, sizeof msg, "malformed JSON at column %d: %s", jerr.column, jerr.text);
        reject(w, json_null(), line_no, NULL, msg);
        return;
    }
    if (!json_is_object(root)) {
        reject(w, json_null(), line_no, NULL, "item is not a JSON object");
        json_decref(root);
        return;
    }
    json_t *id = json_object_get(root, "id");
    json_t *jt = json_object_get(root, "text");
    if (!jt)
        reject(w, id ? id : json_null(), line_no, "text", "missing");
    else if (!json_is_string(jt))
        reject(w, id ? id : json_null(), line_no, "text", "not a string");
    else
        score_one(w, id ? id : json_null(), line_no, json_string_value(jt), json_string_length(jt));
    json_decref(root);
}

static void run_share(worker *w)
{
    classify *c = w->c;
    size_t n = c->b.n, per = (n + (size_t)c->n_workers - 1) / (size_t)c->n_workers;
    size_t i0 = per * (size_t)w->index, i1 = i0 + per < n ? i0 + per : n;
    w->out.len = 0;
    w->err.len = 0;
    w->n_rejected = 0;
    for (size_t i = i0; i < i1; i++)
        process_line(w, i);
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    for (;;) {
        pthread_barrier_wait(&w->c->start);
        if (w->c->stop)
            break;
        run_share(w);
        pthread_barrier_wait(&w->c->done);
    }
    return NULL;
}

static int batch_add(batch *b, const mo_line_reader *r)
{
    if (b->text_len + r->len + 1 > b->text_cap) {
        size_t cap = b->text_cap ? b->text_cap : 1 << 20;
        while (cap < b->text_len + r->len + 1)
            cap *= 2;
        char *p = realloc(b->text, cap);
        if (!p)
            return -1;
        b->text = p;
        b->text_cap = cap;
    }
    memcpy(b->text + b->text_len, r->buf, r->len);
    b->text[b->text_len + r->len] = '\0';
    b->off[b->n] = b->text_len;
    b->len[b->n] = r->len;
    b->full_len[b->n] = r->full_len;
    b->line_no[b->n] = r->line_no;
    b->too_long[b->n] = r->too_long;
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

int mo_cmd_classify(int argc, char **argv)
{
    const char *model_path = NULL, *input = NULL;
    int text_mode = 0, progress_opt = 0;
    unsigned long long threads = 0, max_bytes = 1 << 20;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return MO_EXIT_OK;
        } else if (!strcmp(a, "--progress")) {
            progress_opt = 1;
        } else if (!strcmp(a, "--model") && v) {
            model_path = v, i++;
        } else if (!strcmp(a, "--input") && v) {
            input = v, i++;
        } else if (!strcmp(a, "--format") && v) {
            if (!strcmp(v, "text"))
                text_mode = 1;
            else if (!strcmp(v, "jsonl") || !strcmp(v, "json"))
                text_mode = 0;
            else {
                fprintf(stderr, "moderato classify: --format: '%s' is not jsonl or text\n", v);
                return MO_EXIT_USAGE;
            }
            i++;
        } else if (!strcmp(a, "--threads") && v) {
            if (!mo_cli_parse_u64("classify", a, v, 1, 256, &threads))
                return MO_EXIT_USAGE;
            i++;
        } else if (!strcmp(a, "--max-bytes") && v) {
            if (!mo_cli_parse_u64("classify", a, v, 1, (unsigned long long)64 << 20, &max_bytes))
                return MO_EXIT_USAGE;
            i++;
        } else {
            fprintf(stderr, "moderato classify: unknown or incomplete option '%s' (see --help)\n",
                    a);
            return MO_EXIT_USAGE;
        }
    }
    if (!threads)
        threads = ncpu > 0 ? (unsigned long long)ncpu : 1;
    if (!model_path)
        model_path = mo_cli_default_model();

    FILE *in = stdin;
    if (input && !(in = fopen(input, "rb"))) {
        perror(input);
        return MO_EXIT_FAILURE;
    }

    mo_diag diag;
    mo_model *model = NULL;
    int rc = mo_model_load(model_path, &model, &diag);
    if (rc != MO_OK) {
        mo_cli_print_diag("classify", rc, &diag);
        if (in != stdin)
            fclose(in);
        return MO_EXIT_FAILURE;
    }

    classify c;
    memset(&c, 0, sizeof c);
    c.model = model;
    c.n_labels = mo_model_n_labels(model);
    c.text_mode = text_mode;
    c.max_bytes = (size_t)max_bytes;
    c.input_name = input ? input : "stdin";
    c.n_workers = (int)threads;
    int status = MO_EXIT_OK;
    size_t n_rejected = 0;
    unsigned long long n_lines = 0;

    c.label_key = calloc(c.n_labels, sizeof *c.label_key);
    c.label_key_len = calloc(c.n_labels, sizeof *c.label_key_len);
    c.threshold = calloc(c.n_labels, sizeof *c.threshold);
    c.b.off = calloc(BATCH_LINES, sizeof *c.b.off);
    c.b.len = calloc(BATCH_LINES, sizeof *c.b.len);
    c.b.full_len = calloc(BATCH_LINES, sizeof *c.b.full_len);
    c.b.line_no = calloc(BATCH_LINES, sizeof *c.b.line_no);
    c.b.too_long = calloc(BATCH_LINES, 1);
    c.w = calloc((size_t)c.n_workers, sizeof *c.w);
    if (!c.label_key || !c.label_key_len || !c.threshold || !c.b.off || !c.b.len ||
        !c.b.full_len || !c.b.line_no || !c.b.too_long || !c.w)
        goto oom;
    for (size_t k = 0; k < c.n_labels; k++) {
        mo_out o = {0};
        const char *name = mo_model_label(model, k);
        if (mo_out_json_string(&o, name, strlen(name)) || mo_out_str(&o, ":", 1))
            goto oom;
        c.label_key[k] = o.ptr;
        c.label_key_len[k] = o.len;
        c.threshold[k] = mo_model_threshold(model, k);
    }
    for (int t = 0; t < c.n_workers; t++) {
        c.w[t].index = t;
        c.w[t].c = &c;
        c.w[t].scores = calloc(c.n_labels ? c.n_labels : 1, sizeof(float));
        if (!c.w[t].scores || mo_model_scratch_new(model, &c.w[t].scratch) != MO_OK)
            goto oom;
    }

    pthread_barrier_init(&c.start, NULL, (unsigned)c.n_workers);
    pthread_barrier_init(&c.done, NULL, (unsigned)c.n_workers);
    for (int t = 1; t < c.n_workers; t++)
        pthread_create(&c.w[t].tid, NULL, worker_main, &c.w[t]);

    mo_line_reader r;
    mo_line_reader_init(&r, in, c.max_bytes);
    int eof = 0;
    /* Progress only where a person watches (stderr is a terminal) or asked. */
    int show_progress = progress_opt || isatty(STDERR_FILENO);
    unsigned long long last_progress = 0;
    while (!eof) {
        c.b.n = 0;
        c.b.text_len = 0;
        while (c.b.n < BATCH_LINES) {
            int got = mo_line_reader_next(&r);
            if (got < 0) {
                fprintf(stderr, "moderato classify: %s: read error\n", c.input_name);
                status = MO_EXIT_FAILURE;
                eof = 1;
                break;
            }
            if (got == 0) {
                eof = 1;
                break;
            }
            n_lines++;
            if (!text_mode && !r.too_long && only_space(r.buf, r.len))
                continue;
            if (batch_add(&c.b, &r)) {
                mo_line_reader_free(&r);
                goto oom_threads;
            }
        }
        if (!c.b.n)
            break;
        if (c.n_workers > 1)
            pthread_barrier_wait(&c.start);
        run_share(&c.w[0]);
        if (c.n_workers > 1)
            pthread_barrier_wait(&c.done);
        for (int t = 0; t < c.n_workers; t++) {
            worker *w = &c.w[t];
            if (w->out.len && fwrite(w->out.ptr, 1, w->out.len, stdout) != w->out.len) {
                fprintf(stderr, "moderato classify: write error on stdout\n");
                status = MO_EXIT_FAILURE;
                eof = 1;
            }
            if (w->err.len)
                fwrite(w->err.ptr, 1, w->err.len, stderr);
            n_rejected += w->n_rejected;
        }
        if (show_progress && n_lines - last_progress >= 100000) {
            last_progress = n_lines;
            fprintf(stderr, "moderato classify: %llu lines\r", n_lines);
        }
    }
    if (show_progress && last_progress)
        fprintf(stderr, "moderato classify: %llu lines\n", n_lines);
    mo_line_reader_free(&r);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "moderato classify: write error on stdout\n");
        status = MO_EXIT_FAILURE;
    }
    if (n_rejected) {
        fprintf(stderr, "moderato classify: %zu of %llu records rejected\n", n_rejected, n_lines);
        if (status == MO_EXIT_OK)
            status = MO_EXIT_PARTIAL;
    }
    goto out_threads;

oom_threads:
    fprintf(stderr, "moderato classify: out of memory\n");
    status = MO_EXIT_FAILURE;
out_threads:
    c.stop = 1;
    if (c.n_workers > 1)
        pthread_barrier_wait(&c.start);
    for (int t = 1; t < c.n_workers; t++)
        pthread_join(c.w[t].tid, NULL);
    pthread_barrier_destroy(&c.start);
    pthread_barrier_destroy(&c.done);
    goto out;
oom:
    fprintf(stderr, "moderato classify: out of memory\n");
    status = MO_EXIT_FAILURE;
out:
    for (int t = 0; c.w && t < c.n_workers; t++) {
        mo_model_scratch_free(c.w[t].scratch);
        free(c.w[t].scores);
        free(c.w[t].out.ptr);
        free(c.w[t].err.ptr);
    }
    for (size_t k = 0; c.label_key && k < c.n_labels; k++)
        free(c.label_key[k]);
    free(c.label_key);
    free(c.label_key_len);
    free(c.threshold);
    free(c.b.text);
    free(c.b.off);
    free(c.b.len);
    free(c.b.full_len);
    free(c.b.line_no);
    free(c.b.too_long);
    free(c.w);
    mo_model_free(model);
    if (in != stdin)
        fclose(in);
    return status;
}
