/*
 * cli.h -- shared pieces of the moderato command: the subcommand table entry
 * type, exit codes, a bounded line reader and JSON output helpers. The CLI is
 * a thin layer over the library; it may include any layer's header.
 */
#ifndef MO_CLI_H
#define MO_CLI_H

#include "moderato.h"
#include "base/base.h"

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses, one table for every subcommand (docs/CLI.md). */
enum mo_exit {
    MO_EXIT_OK = 0,      /* success */
    MO_EXIT_FAILURE = 1, /* the command could not do its job (I/O, bad model, ...) */
    MO_EXIT_USAGE = 2,   /* bad command line */
    MO_EXIT_PARTIAL = 3, /* finished, but some input records were rejected */
};

/* Maps a library error to an exit status. */
int mo_cli_exit_for(int rc);

/* Prints "moderato: <file>:<line>: <field>: msg" from a diag to stderr. */
void mo_cli_print_diag(const char *cmd, int rc, const mo_diag *d);

/* ==== Bounded line reader ==== */

/* Reads lines from a FILE without ever holding more than max_bytes of one
 * line: the rest of an over-long line is skipped and the line is marked. */
typedef struct mo_line_reader {
    FILE *f;
    char *buf;                  /* current line, NUL-terminated, no newline */
    size_t len;                 /* bytes in buf */
    size_t cap;                 /* bytes allocated */
    size_t max_bytes;           /* longest line kept */
    size_t full_len;            /* real length of an over-long line */
    bool too_long;              /* line exceeded max_bytes and was truncated */
    unsigned long long line_no; /* 1-based number of the current line */
    /* Bulk mode (mo_line_reader_init_bulk): read(2) on the FILE's
     * descriptor into rbuf, lines found with memchr. */
    bool bulk;
    char *rbuf;        /* (MO_LINE_RBUF) owned read buffer, or NULL */
    size_t rpos, rlen; /* unread bytes are rbuf[rpos, rlen) */
} mo_line_reader;

void mo_line_reader_init(mo_line_reader *r, FILE *f, size_t max_bytes);
/* The same, reading f's descriptor directly in large blocks (a read returns
 * what is available, so lines still arrive as they are written). Only for a
 * FILE nothing has been read from and that is then read only through r. */
void mo_line_reader_init_bulk(mo_line_reader *r, FILE *f, size_t max_bytes);
/* 1 = a line is ready, 0 = end of input, -1 = read error. */
int mo_line_reader_next(mo_line_reader *r);
void mo_line_reader_free(mo_line_reader *r);

/* ==== JSON output ==== */

/* Output buffers are the library's mo_buf (src/base); free with mo_out_free.
 * Every mo_out_* call returns 0, or non-zero when out of memory. */
typedef mo_buf mo_out;

int mo_out_str(mo_out *o, const char *s, size_t n);
/* s as a JSON string literal (quotes included); invalid UTF-8 becomes U+FFFD. */
int mo_out_json_string(mo_out *o, const char *s, size_t n);
void mo_out_free(mo_out *o);
/* A probability in [0,1] with 4 decimals, shortest form ("0.9312", "1", "0"). */
int mo_out_prob(mo_out *o, float p);
int mo_out_u64(mo_out *o, unsigned long long v);

/* ==== Option parsing helpers ==== */

/* Parses an unsigned integer option value; prints an error naming the option. */
bool mo_cli_parse_u64(const char *cmd, const char *opt, const char *val, unsigned long long min,
                      unsigned long long max, unsigned long long *out);
bool mo_cli_parse_float(const char *cmd, const char *opt, const char *val, double min, double max,
                        double *out);
/* Default shipped model path: $MODERATO_MODEL, else models/default.momd next to
 * the executable's repository, else the installed share path. */
const char *mo_cli_default_model(void);
/* A shipped file: $env_var if set, else <repo>/<rel> beside the build
 * directory, else <prefix>/share/moderato/<basename of rel>, else rel. */
const char *mo_cli_default_path(const char *env_var, const char *rel);

/* Subcommands. */
int mo_cmd_train(int argc, char **argv);
int mo_cmd_classify(int argc, char **argv);
int mo_cmd_eval(int argc, char **argv);
int mo_cmd_normalize(int argc, char **argv);
int mo_cmd_moderate(int argc, char **argv);
int mo_cmd_policy(int argc, char **argv);
int mo_cmd_suite(int argc, char **argv);

#endif /* MO_CLI_H */
