/*
 * pipeline.h -- the JSON Lines batch pipeline shared by `classify` and
 * `moderate`: reads input lines in batches (never holding more than
 * --max-bytes of one line), lets a pool of threads claim 64-line chunks of
 * each batch, and writes the chunks' output in input order, so output line
 * N always answers input line N. Reading and writing overlap the scoring of
 * the batch in between. CLI layer only.
 */
#ifndef MO_CLI_PIPELINE_H
#define MO_CLI_PIPELINE_H

#include "cli.h"

/* One input line as a worker sees it. */
typedef struct mo_pipe_line {
    const char *ptr;            /* bytes, NUL-terminated, no newline */
    size_t len;                 /* bytes kept */
    size_t full_len;            /* real length (differs when too_long) */
    unsigned long long line_no; /* 1-based input line number */
    int too_long;               /* the line exceeded max_bytes and was cut */
} mo_pipe_line;

/* Where a worker writes for one batch. */
typedef struct mo_pipe_sink {
    mo_out out;        /* stdout lines */
    mo_out err;        /* stderr messages */
    size_t n_rejected; /* records answered with an error */
} mo_pipe_sink;

/* Handles one line; `state` is the worker's own (index t of states[]). */
typedef void (*mo_pipe_fn)(void *state, const mo_pipe_line *line, mo_pipe_sink *sink);

typedef struct mo_pipe_opts {
    const char *cmd;        /* "classify": used in messages */
    FILE *in;               /* input stream */
    const char *input_name; /* "stdin" or the file name, for messages */
    size_t max_bytes;       /* longest line kept */
    int n_threads;          /* >= 1; states[] has this many entries */
    int skip_blank;         /* blank lines produce no output */
    int progress;           /* line counts on stderr every 100,000 lines */
} mo_pipe_opts;

/* Runs the pipeline to the end of input. Returns MO_EXIT_OK, MO_EXIT_PARTIAL
 * (some records rejected; a summary is printed) or MO_EXIT_FAILURE (read or
 * write error, out of memory). */
int mo_pipe_run(const mo_pipe_opts *opt, void **states, mo_pipe_fn fn);

/* Writes an error record {"id":<id_json>,"line":N,"error":"msg"} for a line
 * and a "cmd: input:N: field 'f': msg" message; id_json is raw JSON text
 * (a quoted string, a number or "null"). */
void mo_pipe_reject(mo_pipe_sink *sink, const mo_pipe_opts *opt, const char *id_json, size_t id_len,
                    unsigned long long line_no, const char *field, const char *msg);

#endif /* MO_CLI_PIPELINE_H */
