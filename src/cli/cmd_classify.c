/*
 * cmd_classify.c -- `moderato classify`: scores JSON Lines items (or raw text
 * lines) with a text model and writes one JSON line per input line, in input
 * order, through the shared batch pipeline (pipeline.c). Bad records get an
 * error line in place (so output line N always answers input line N) and a
 * message on stderr.
 */
#include "pipeline.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct classify {
    const mo_model *model;
    size_t n_labels;
    char **label_key;      /* (n_labels) "\"label\":" prefixes */
    size_t *label_key_len; /* (n_labels) */
    float *threshold;      /* (n_labels) */
    int text_mode;         /* --format text */
    size_t max_bytes;      /* --max-bytes */
    mo_pipe_opts popt;     /* pipeline options, for messages */
} classify;

typedef struct worker {
    const classify *c;
    mo_model_scratch *scratch; /* per-thread model scratch */
    float *scores;             /* (n_labels) */
} worker;

static void usage(FILE *f)
{
    fprintf(f,
            "usage: moderato classify [--model PATH] [--format jsonl|text] [--threads N]\n"
            "                         [--max-bytes N] [--input FILE]\n\n"
            "Scores texts with a text model. Reads JSON Lines items {\"id\":...,\"text\":...}\n"
            "(or, with --format text, one raw text per line) and writes one line per input line:\n"
            "  {\"id\":\"c1\",\"scores\":{\"hate\":0.93,...},\"flagged\":[\"hate\"]}\n"
            "Scores are calibrated probabilities; 'flagged' lists labels at or over their\n"
            "operating threshold. A model trained with --classes (mutually exclusive labels)\n"
            "adds \"class\":\"name\", the one class it predicts. In text mode the id is the\n"
            "line number.\n\n"
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

/* Appends an item id: a JSON string or integer as given, the line number when
 * the item has no id (text mode), or null. */
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

static void reject(const worker *w, mo_pipe_sink *sink, json_t *id, unsigned long long line_no,
                   const char *field, const char *msg)
{
    mo_out idj = {0};
    out_id(&idj, id, line_no);
    mo_pipe_reject(sink, &w->c->popt, idj.ptr ? idj.ptr : "null", idj.ptr ? idj.len : 4, line_no,
                   field, msg);
    mo_out_free(&idj);
}

static void score_one(worker *w, mo_pipe_sink *sink, json_t *id, unsigned long long line_no,
                      const char *text, size_t len)
{
    const classify *c = w->c;
    int rc = mo_model_predict(c->model, w->scratch, text, len, w->scores, NULL);
    if (rc != MO_OK) {
        reject(w, sink, id, line_no, "text", mo_strerror(rc));
        return;
    }
    mo_out *o = &sink->out;
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
    mo_out_str(o, "]", 1);
    int cls = mo_model_predict_class(c->model, w->scores);
    if (cls >= 0) {
        mo_out_str(o, ",\"class\":", 9);
        mo_out_str(o, c->label_key[cls], c->label_key_len[cls] - 1);
    }
    mo_out_str(o, "}\n", 2);
}

static void process_line(void *state, const mo_pipe_line *l, mo_pipe_sink *sink)
{
    worker *w = state;
    const classify *c = w->c;
    if (l->too_long) {
        char msg[160];
        snprintf(msg, sizeof msg, "line is %zu bytes, over --max-bytes %zu", l->full_len,
                 c->max_bytes);
        reject(w, sink, c->text_mode ? NULL : json_null(), l->line_no, NULL, msg);
        return;
    }
    if (c->text_mode) {
        score_one(w, sink, NULL, l->line_no, l->ptr, l->len);
        return;
    }
    json_error_t jerr;
    json_t *root = json_loadb(l->ptr, l->len, 0, &jerr);
    if (!root) {
        char msg[256];
        snprintf(msg, sizeof msg, "malformed JSON at column %d: %s", jerr.column, jerr.text);
        reject(w, sink, json_null(), l->line_no, NULL, msg);
        return;
    }
    if (!json_is_object(root)) {
        reject(w, sink, json_null(), l->line_no, NULL, "item is not a JSON object");
        json_decref(root);
        return;
    }
    json_t *id = json_object_get(root, "id");
    json_t *jt = json_object_get(root, "text");
    if (!jt)
        reject(w, sink, id ? id : json_null(), l->line_no, "text", "missing");
    else if (!json_is_string(jt))
        reject(w, sink, id ? id : json_null(), l->line_no, "text", "not a string");
    else
        score_one(w, sink, id ? id : json_null(), l->line_no, json_string_value(jt),
                  json_string_length(jt));
    json_decref(root);
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
    c.popt.cmd = "classify";
    c.popt.in = in;
    c.popt.input_name = input ? input : "stdin";
    c.popt.max_bytes = (size_t)max_bytes;
    c.popt.n_threads = (int)threads;
    c.popt.skip_blank = !text_mode;
    /* Progress only where a person watches (stderr is a terminal) or asked. */
    c.popt.progress = progress_opt || isatty(STDERR_FILENO);
    int status = MO_EXIT_FAILURE;
    worker *w = calloc(threads, sizeof *w);
    void **states = calloc(threads, sizeof *states);
    c.label_key = calloc(c.n_labels ? c.n_labels : 1, sizeof *c.label_key);
    c.label_key_len = calloc(c.n_labels ? c.n_labels : 1, sizeof *c.label_key_len);
    c.threshold = calloc(c.n_labels ? c.n_labels : 1, sizeof *c.threshold);
    if (!w || !states || !c.label_key || !c.label_key_len || !c.threshold)
        goto oom;
    for (size_t k = 0; k < c.n_labels; k++) {
        mo_out o = {0};
        const char *name = mo_model_label(model, k);
        if (mo_out_json_string(&o, name, strlen(name)) || mo_out_str(&o, ":", 1)) {
            mo_out_free(&o);
            goto oom;
        }
        c.label_key[k] = o.ptr;
        c.label_key_len[k] = o.len;
        c.threshold[k] = mo_model_threshold(model, k);
    }
    for (size_t t = 0; t < threads; t++) {
        w[t].c = &c;
        w[t].scores = calloc(c.n_labels ? c.n_labels : 1, sizeof(float));
        if (!w[t].scores || mo_model_scratch_new(model, &w[t].scratch) != MO_OK)
            goto oom;
        states[t] = &w[t];
    }
    status = mo_pipe_run(&c.popt, states, process_line);
    goto out;
oom:
    fprintf(stderr, "moderato classify: out of memory\n");
out:
    for (size_t t = 0; w && t < threads; t++) {
        mo_model_scratch_free(w[t].scratch);
        free(w[t].scores);
    }
    for (size_t k = 0; c.label_key && k < c.n_labels; k++)
        mo__free(c.label_key[k]);
    free(c.label_key);
    free(c.label_key_len);
    free(c.threshold);
    free(w);
    free(states);
    mo_model_free(model);
    if (in != stdin)
        fclose(in);
    return status;
}
