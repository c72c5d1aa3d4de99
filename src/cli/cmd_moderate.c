/*
 * cmd_moderate.c -- `moderato moderate`: runs the moderation pipeline
 * (mo_moderate) over JSON Lines items through the shared batch pipeline and
 * writes one decision per input line, in input order.
 */
#include "pipeline.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct worker {
    const mo_engine *engine;
    mo_scratch *scratch;
    const mo_pipe_opts *popt;
    size_t max_bytes;
} worker;

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: moderato moderate [--config PATH] [--threads N] [--max-bytes N]\n"
        "                         [--input FILE] [--progress]\n\n"
        "Moderates JSON Lines items under a policy and writes one decision per line:\n"
        "  "
        "{\"id\",\"decision_id\",\"content_hash\",\"action\",\"categories\",\"rules\",\"scores\",\n"
        "   "
        "\"signals\",\"evidence\",\"review\",\"notice\",\"ground\",\"versions\",\"latency_us\"}\n"
        "Items: {\"id\":\"c-1\",\"type\":\"comment\",\"surface\":\"podcast_episode\",\n"
        "        "
        "\"text\":\"...\",\"lang\":\"en\",\"region\":\"DE\",\"author\":{...},\"recipient\":{...}}\n"
        "(\"transcript\":[{\"text\":...},...] may stand in for \"text\"). The action is the most\n"
        "severe enforced action of the rules that fired (allow < label < limit < hold <\n"
        "remove < suspend); every fired rule, shadow ones too, is listed.\n\n"
        "A record that cannot be moderated (malformed JSON, no id or text, a line over\n"
        "--max-bytes) is answered in place with {\"id\":...,\"line\":N,\"error\":\"...\"} and\n"
        "reported on stderr with its line number; the batch goes on.\n\n"
        "options:\n"
        "  --config PATH    engine configuration (default: $MODERATO_CONFIG or the shipped\n"
        "                   config/default.json)\n"
        "  --threads N      worker threads (default: number of CPUs)\n"
        "  --max-bytes N    longest accepted line in bytes (default 1048576)\n"
        "  --input FILE     read FILE instead of standard input\n"
        "  --progress       line counts on stderr (default when stderr is a terminal)\n\n"
        "exit status: 0 all items decided, 1 failure (configuration, I/O), 2 usage,\n"
        "             3 finished but some records were rejected\n");
}

/* The id of a malformed record, when it can still be read, as raw JSON. */
static void reject(worker *w, mo_pipe_sink *sink, const mo_pipe_line *l, const char *field,
                   const char *msg)
{
    char idbuf[256] = "null";
    json_t *o = l->too_long ? NULL : json_loadb(l->ptr, l->len, 0, NULL);
    json_t *id = o ? json_object_get(o, "id") : NULL;
    if (json_is_string(id) || json_is_integer(id)) {
        char *d = json_dumps(id, JSON_ENCODE_ANY);
        if (d && strlen(d) < sizeof idbuf)
            snprintf(idbuf, sizeof idbuf, "%s", d);
        free(d);
    }
    json_decref(o);
    mo_pipe_reject(sink, w->popt, idbuf, strlen(idbuf), l->line_no, field, msg);
}

static void process_line(void *state, const mo_pipe_line *l, mo_pipe_sink *sink)
{
    worker *w = state;
    if (l->too_long) {
        char msg[160];
        snprintf(msg, sizeof msg, "line is %zu bytes, over --max-bytes %zu", l->full_len,
                 w->max_bytes);
        reject(w, sink, l, NULL, msg);
        return;
    }
    const char *dec;
    size_t dec_len;
    mo_diag d;
    memset(&d, 0, sizeof d);
    int rc = mo_moderate(w->engine, w->scratch, l->ptr, l->len, &dec, &dec_len, &d);
    if (rc != MO_OK) {
        reject(w, sink, l, d.field[0] ? d.field : NULL, d.msg[0] ? d.msg : mo_strerror(rc));
        return;
    }
    mo_out_str(&sink->out, dec, dec_len);
    mo_out_str(&sink->out, "\n", 1);
}

int mo_cmd_moderate(int argc, char **argv)
{
    const char *config = NULL, *input = NULL;
    unsigned long long threads = 0, max_bytes = 1 << 20;
    int progress = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return MO_EXIT_OK;
        } else if (!strcmp(a, "--progress")) {
            progress = 1;
        } else if (!strcmp(a, "--config") && v) {
            config = v, i++;
        } else if (!strcmp(a, "--input") && v) {
            input = v, i++;
        } else if (!strcmp(a, "--threads") && v) {
            if (!mo_cli_parse_u64("moderate", a, v, 1, 256, &threads))
                return MO_EXIT_USAGE;
            i++;
        } else if (!strcmp(a, "--max-bytes") && v) {
            if (!mo_cli_parse_u64("moderate", a, v, 1, (unsigned long long)64 << 20, &max_bytes))
                return MO_EXIT_USAGE;
            i++;
        } else {
            fprintf(stderr, "moderato moderate: unknown or incomplete option '%s' (see --help)\n",
                    a);
            return MO_EXIT_USAGE;
        }
    }
    if (!threads) {
        long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
        threads = ncpu > 0 ? (unsigned long long)ncpu : 1;
    }
    if (!config)
        config = mo_cli_default_path("MODERATO_CONFIG", "config/default.json");

    mo_diag diag;
    mo_engine *engine = NULL;
    int rc = mo_engine_open(config, &engine, &diag);
    if (rc != MO_OK) {
        mo_cli_print_diag("moderate", rc, &diag);
        return MO_EXIT_FAILURE;
    }
    FILE *in = stdin;
    if (input && !(in = fopen(input, "rb"))) {
        perror(input);
        mo_engine_free(engine);
        return MO_EXIT_FAILURE;
    }
    mo_pipe_opts popt = {
        .cmd = "moderate",
        .in = in,
        .input_name = input ? input : "stdin",
        .max_bytes = (size_t)max_bytes,
        .n_threads = (int)threads,
        .skip_blank = 1,
        .progress = progress || isatty(STDERR_FILENO),
    };
    int status = MO_EXIT_FAILURE;
    worker *w = calloc(threads, sizeof *w);
    void **states = calloc(threads, sizeof *states);
    if (!w || !states)
        goto oom;
    for (size_t t = 0; t < threads; t++) {
        w[t].engine = engine;
        w[t].popt = &popt;
        w[t].max_bytes = (size_t)max_bytes;
        if (mo_scratch_new(engine, &w[t].scratch) != MO_OK)
            goto oom;
        states[t] = &w[t];
    }
    status = mo_pipe_run(&popt, states, process_line);
    goto out;
oom:
    fprintf(stderr, "moderato moderate: out of memory\n");
out:
    for (size_t t = 0; w && t < threads; t++)
        mo_scratch_free(w[t].scratch);
    free(w);
    free(states);
    mo_engine_free(engine);
    if (in != stdin)
        fclose(in);
    return status;
}
