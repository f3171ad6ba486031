/* main.c - the bcml command-line tool: subcommands read JSON (a file or stdin) and write JSON to stdout. */
#include "cli.h"

#include <string.h>

static const char *const usage =
    "usage: bcml <command> [INPUT.json | -] [--pretty] [--out FILE]\n"
    "\n"
    "commands:\n"
    "  loss      one compatibility loss value and its gradient w.r.t. h2's outputs\n"
    "  scores    BTC, BEC, flip rates, per class and per slice, from h1/h2 predictions and labels\n"
    "  train     train a model, optionally against h1 with a compatibility loss; --out saves it\n"
    "  predict   a saved model's outputs and labels on a dataset\n"
    "  version   print the version\n"
    "\n"
    "INPUT defaults to standard input. --pretty prints a readable summary instead of JSON.\n"
    "Errors go to standard error with exit code 1. See README.md for the input of each command.\n";

int main(int argc, char **argv) {
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
        printf("bcml %s\n", BCML_VERSION);
        return 0;
    }
    cli_args a = {NULL, 0, NULL};
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--pretty") == 0) a.pretty = 1;
        else if (strcmp(argv[i], "--out") == 0) {
            if (i + 1 >= argc) return cli_fail("--out needs a file name");
            a.out = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] != 0) return cli_fail("unknown option %s (see bcml help)", argv[i]);
        else if (a.input) return cli_fail("more than one input file: %s and %s", a.input, argv[i]);
        else a.input = argv[i];
    }
    if (strcmp(cmd, "loss") == 0) return cmd_loss(&a);
    if (strcmp(cmd, "scores") == 0) return cmd_scores(&a);
    if (strcmp(cmd, "train") == 0) return cmd_train(&a);
    if (strcmp(cmd, "predict") == 0) return cmd_predict(&a);
    return cli_fail("unknown command \"%s\" (commands: loss, scores, train, predict, version)", cmd);
}
