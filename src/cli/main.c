/*
 * main.c -- the `moderato` command: dispatches to one subcommand per file
 * (cmd_<name>.c). Each subcommand parses its own options and answers --help.
 */
#include "cli.h"

#include <string.h>

typedef struct mo_cmd {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} mo_cmd;

static const mo_cmd commands[] = {
    {"moderate", mo_cmd_moderate,
     "moderate JSON Lines items under a policy: decisions with reasons"},
    {"classify", mo_cmd_classify, "score texts (JSON Lines or raw lines) with a text model"},
    {"train", mo_cmd_train, "train a text classifier from JSON Lines data"},
    {"eval", mo_cmd_eval, "measure a model on labeled JSON Lines data"},
    {"normalize", mo_cmd_normalize, "show how texts are normalized (debugging aid)"},
    {"policy", mo_cmd_policy, "check policy files and run their tests"},
    {"suite", mo_cmd_suite, "run a functional test suite: accuracy per functionality"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: moderato <command> [options]\n\n"
               "moderato is a content-safety engine: it scores and moderates user text.\n\n"
               "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nRun 'moderato <command> --help' for a command's options.\n"
               "Exit status: 0 ok, 1 failure, 2 usage error, 3 some input records rejected.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return MO_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return MO_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("moderato %s\n", mo_version());
        return MO_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "moderato: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return MO_EXIT_USAGE;
}
