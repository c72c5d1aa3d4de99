/*
 * cmd_train.c -- `moderato train`: trains a text classifier from JSON Lines
 * data with a dev split for early stopping and calibration, and writes the
 * model file atomically. Progress and loss go to stderr once per epoch.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f, const mo_train_options *d)
{
    fprintf(
        f,
        "usage: moderato train --data TRAIN.jsonl --dev DEV.jsonl -o MODEL [options]\n\n"
        "Trains a multi-label text classifier (one-vs-rest logistic heads over hashed word\n"
        "and character n-grams of the normalized text). Each input line is\n"
        "  {\"id\":...,\"text\":...,\"labels\":{\"hate\":1,\"spam\":0,...}}\n"
        "A label missing from \"labels\" (or null) is unknown and masked, never negative.\n"
        "The dev file is used for early stopping, calibration and operating thresholds.\n"
        "The same data, options and seed give a byte-identical model file.\n\n"
        "options:\n"
        "  --data FILE            training JSON Lines (required)\n"
        "  --dev FILE             dev JSON Lines (required)\n"
        "  -o, --output FILE      model file to write (required; written atomically)\n"
        "  --labels a,b,c         labels to learn (default: every label in the data)\n"
        "  --classes a,b,c        these labels are mutually exclusive (one positive per\n"
        "                         item, e.g. Davidson's hate/offensive/neither): the model\n"
        "                         also predicts one class, the argmax of weight * score,\n"
        "                         weights fitted for dev macro-F1 (classify's \"class\")\n"
        "  --seed N               random seed (default %llu)\n"
        "  --epochs N             maximum epochs (default %u)\n"
        "  --patience N           stop after N epochs without dev improvement (default %u)\n"
        "  --hash-bits N          log2 of feature buckets, 10..26 (default %u)\n"
        "  --word-ngrams N        1 or 2 (default %u)\n"
        "  --char-ngrams MIN-MAX  character n-gram lengths, 0-0 for none (default %u-%u)\n"
        "  --lr X                 learning rate (default %g)\n"
        "  --l2 X                 L2 penalty (default %g)\n"
        "  --nb MODE              naive-Bayes feature scaling (NBSVM): each feature is\n"
        "                         scaled by its log-count ratio for the label. auto trains\n"
        "                         a plain and an NB head per label and keeps the blend\n"
        "                         (1-m) plain + m NB, m in {0, .25, .5, .75, 1}, with the\n"
        "                         best dev PR-AUC; on / off force m = 1 / 0 (default auto)\n"
        "  --nb-alpha X           add-alpha smoothing of the NB ratios (default %g)\n"
        "  --target-precision X   operating threshold aims for this dev precision (default %g;\n"
        "                         never below a calibrated 0.5, which labels with fewer than\n"
        "                         30 dev positives use as is)\n"
        "  --class-weight W       none, or sqrt: positives of rare labels weigh\n"
        "                         sqrt(neg/pos), at most 10 (default none: measured worse\n"
        "                         with tf-idf values; calibration restores the prior)\n"
        "  --quantize / --no-quantize  int8 weights (default %s)\n"
        "  --quiet                no progress on stderr\n\n"
        "exit status: 0 ok, 1 failure (bad data names file:line:field), 2 usage\n",
        (unsigned long long)d->seed, d->epochs, d->patience, d->hash_bits, d->word_ngrams,
        d->char_min, d->char_max, (double)d->lr, (double)d->l2, (double)d->nb_alpha,
        (double)d->target_precision, d->quantize ? "on" : "off");
}

/* Splits a comma list `arg` (may be NULL: nothing to do) into *list, a
 * NULL-terminated array of pointers into *buf; both caller-owned (free()).
 * Returns MO_EXIT_OK, or an exit status after printing why. */
static int split_list(const char *opt, const char *arg, char **buf, const char ***list)
{
    *buf = NULL;
    *list = NULL;
    if (!arg)
        return MO_EXIT_OK;
    size_t n = 1;
    for (const char *p = arg; *p; p++)
        n += *p == ',';
    *buf = strdup(arg);
    *list = calloc(n + 1, sizeof **list);
    if (!*buf || !*list) {
        free(*buf);
        free(*list);
        fprintf(stderr, "moderato train: out of memory\n");
        return MO_EXIT_FAILURE;
    }
    size_t k = 0;
    for (char *tok = strtok(*buf, ","); tok; tok = strtok(NULL, ","))
        if (*tok)
            (*list)[k++] = tok;
    if (!k) {
        fprintf(stderr, "moderato train: %s: no label names in '%s'\n", opt, arg);
        free(*buf);
        free(*list);
        return MO_EXIT_USAGE;
    }
    return MO_EXIT_OK;
}

int mo_cmd_train(int argc, char **argv)
{
    mo_train_options opt;
    mo_train_options_default(&opt);
    const char *data = NULL, *dev = NULL, *out = NULL, *labels_arg = NULL, *classes_arg = NULL;
    int quiet = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        unsigned long long u;
        double x;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout, &opt);
            return MO_EXIT_OK;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (!strcmp(a, "--quantize")) {
            opt.quantize = 1;
        } else if (!strcmp(a, "--no-quantize")) {
            opt.quantize = 0;
        } else if (!v) {
            fprintf(stderr, "moderato train: unknown or incomplete option '%s' (see --help)\n", a);
            return MO_EXIT_USAGE;
        } else if (!strcmp(a, "--data")) {
            data = v, i++;
        } else if (!strcmp(a, "--dev")) {
            dev = v, i++;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            out = v, i++;
        } else if (!strcmp(a, "--labels")) {
            labels_arg = v, i++;
        } else if (!strcmp(a, "--classes")) {
            classes_arg = v, i++;
        } else if (!strcmp(a, "--seed")) {
            if (!mo_cli_parse_u64("train", a, v, 0, UINT64_MAX, &u))
                return MO_EXIT_USAGE;
            opt.seed = u, i++;
        } else if (!strcmp(a, "--epochs")) {
            if (!mo_cli_parse_u64("train", a, v, 1, 10000, &u))
                return MO_EXIT_USAGE;
            opt.epochs = (uint32_t)u, i++;
        } else if (!strcmp(a, "--patience")) {
            if (!mo_cli_parse_u64("train", a, v, 0, 10000, &u))
                return MO_EXIT_USAGE;
            opt.patience = (uint32_t)u, i++;
        } else if (!strcmp(a, "--hash-bits")) {
            if (!mo_cli_parse_u64("train", a, v, 10, 26, &u))
                return MO_EXIT_USAGE;
            opt.hash_bits = (uint32_t)u, i++;
        } else if (!strcmp(a, "--word-ngrams")) {
            if (!mo_cli_parse_u64("train", a, v, 1, 2, &u))
                return MO_EXIT_USAGE;
            opt.word_ngrams = (uint32_t)u, i++;
        } else if (!strcmp(a, "--char-ngrams")) {
            unsigned lo, hi;
            char extra;
            if (sscanf(v, "%u-%u%c", &lo, &hi, &extra) != 2 || lo > hi || hi > 8 ||
                (lo == 0) != (hi == 0)) {
                fprintf(stderr,
                        "moderato train: --char-ngrams: '%s' is not MIN-MAX with "
                        "1 <= MIN <= MAX <= 8, or 0-0\n",
                        v);
                return MO_EXIT_USAGE;
            }
            opt.char_min = lo, opt.char_max = hi, i++;
        } else if (!strcmp(a, "--lr")) {
            if (!mo_cli_parse_float("train", a, v, 1e-6, 100, &x))
                return MO_EXIT_USAGE;
            opt.lr = (float)x, i++;
        } else if (!strcmp(a, "--l2")) {
            if (!mo_cli_parse_float("train", a, v, 0, 1, &x))
                return MO_EXIT_USAGE;
            opt.l2 = (float)x, i++;
        } else if (!strcmp(a, "--nb")) {
            if (!strcmp(v, "off"))
                opt.nb = MO_NB_OFF;
            else if (!strcmp(v, "on"))
                opt.nb = MO_NB_ON;
            else if (!strcmp(v, "auto"))
                opt.nb = MO_NB_AUTO;
            else {
                fprintf(stderr, "moderato train: --nb: '%s' is not auto, on or off\n", v);
                return MO_EXIT_USAGE;
            }
            i++;
        } else if (!strcmp(a, "--nb-alpha")) {
            if (!mo_cli_parse_float("train", a, v, 1e-3, 1e6, &x))
                return MO_EXIT_USAGE;
            opt.nb_alpha = (float)x, i++;
        } else if (!strcmp(a, "--class-weight")) {
            if (!strcmp(v, "none"))
                opt.class_weight = 0;
            else if (!strcmp(v, "sqrt"))
                opt.class_weight = 1;
            else {
                fprintf(stderr, "moderato train: --class-weight: '%s' is not none or sqrt\n", v);
                return MO_EXIT_USAGE;
            }
            i++;
        } else if (!strcmp(a, "--target-precision")) {
            if (!mo_cli_parse_float("train", a, v, 0.01, 1, &x))
                return MO_EXIT_USAGE;
            opt.target_precision = (float)x, i++;
        } else {
            fprintf(stderr, "moderato train: unknown option '%s' (see --help)\n", a);
            return MO_EXIT_USAGE;
        }
    }
    if (!data || !dev || !out) {
        fprintf(stderr, "moderato train: --data, --dev and -o are required (see --help)\n");
        return MO_EXIT_USAGE;
    }
    opt.verbose = !quiet;

    char *labels_buf = NULL, *classes_buf = NULL;
    const char **labels = NULL, **classes = NULL;
    int ex = split_list("--labels", labels_arg, &labels_buf, &labels);
    if (ex == MO_EXIT_OK)
        ex = split_list("--classes", classes_arg, &classes_buf, &classes);
    if (ex != MO_EXIT_OK) {
        free(labels_buf);
        free(labels);
        return ex;
    }
    opt.classes = classes;

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    mo_diag diag;
    /* The library prints per-epoch progress itself when opt.verbose is set. */
    int rc = mo_train_files(data, dev, labels, &opt, out, NULL, NULL, &diag);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    free(labels_buf);
    free(labels);
    free(classes_buf);
    free(classes);
    if (rc != MO_OK) {
        mo_cli_print_diag("train", rc, &diag);
        return MO_EXIT_FAILURE;
    }
    if (!quiet)
        fprintf(stderr, "moderato train: wrote %s in %.1f s\n", out,
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    return MO_EXIT_OK;
}
