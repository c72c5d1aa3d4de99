/*
 * cmd_normalize.c -- `moderato normalize`: prints how each input line is
 * normalized (primary reading, leetspeak reading and the flags that fired), as
 * one JSON line per input line. A debugging and policy-writing aid.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: moderato normalize [--spans] < texts.txt\n\n"
               "Reads one raw text per line and writes, per line:\n"
               "  {\"text\":\"<primary reading>\",\"alt\":\"<leet reading or null>\","
               "\"flags\":[\"leet\",...]}\n"
               "With --spans, also \"spans\": the original [start,end) byte range of each\n"
               "output byte of the primary reading.\n\n"
               "exit status: 0 ok, 1 failure, 2 usage\n");
}

int mo_cmd_normalize(int argc, char **argv)
{
    int spans = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return MO_EXIT_OK;
        } else if (!strcmp(argv[i], "--spans")) {
            spans = 1;
        } else {
            fprintf(stderr, "moderato normalize: unknown option '%s' (see --help)\n", argv[i]);
            return MO_EXIT_USAGE;
        }
    }
    mo_normalizer *n = NULL;
    if (mo_normalizer_new(&n) != MO_OK) {
        fprintf(stderr, "moderato normalize: out of memory\n");
        return MO_EXIT_FAILURE;
    }
    mo_line_reader r;
    mo_line_reader_init(&r, stdin, (size_t)64 << 20);
    mo_out o = {0};
    int status = MO_EXIT_OK, got;
    while ((got = mo_line_reader_next(&r)) > 0) {
        const mo_norm_view *v;
        int rc = mo_normalize(n, r.buf, r.len, &v);
        if (rc != MO_OK) {
            fprintf(stderr, "moderato normalize: stdin:%llu: %s\n", r.line_no, mo_strerror(rc));
            status = MO_EXIT_PARTIAL;
            continue;
        }
        o.len = 0;
        mo_out_str(&o, "{\"text\":", 8);
        mo_out_json_string(&o, v->text, v->len);
        mo_out_str(&o, ",\"alt\":", 7);
        if (v->alt)
            mo_out_json_string(&o, v->alt, v->alt_len);
        else
            mo_out_str(&o, "null", 4);
        mo_out_str(&o, ",\"flags\":[", 10);
        int first = 1;
        for (uint32_t b = 0; b < MO_NORM_N_FLAGS; b++) {
            if (!(v->flags & (1u << b)))
                continue;
            const char *name = mo_norm_flag_name(1u << b);
            if (!first)
                mo_out_str(&o, ",", 1);
            first = 0;
            mo_out_json_string(&o, name, strlen(name));
        }
        mo_out_str(&o, "]", 1);
        if (spans) {
            mo_out_str(&o, ",\"spans\":[", 10);
            for (size_t i = 0; i < v->len; i++) {
                mo_out_str(&o, i ? ",[" : "[", i ? 2 : 1);
                mo_out_u64(&o, v->src_start[i]);
                mo_out_str(&o, ",", 1);
                mo_out_u64(&o, v->src_end[i]);
                mo_out_str(&o, "]", 1);
            }
            mo_out_str(&o, "]", 1);
        }
        mo_out_str(&o, "}\n", 2);
        fwrite(o.ptr, 1, o.len, stdout);
    }
    if (got < 0) {
        fprintf(stderr, "moderato normalize: read error\n");
        status = MO_EXIT_FAILURE;
    }
    mo_out_free(&o);
    mo_line_reader_free(&r);
    mo_normalizer_free(n);
    return status;
}
