/* main.c - the bcml command-line tool: subcommands read JSON (a file or stdin) and write JSON to stdout. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const char *const usage =
    "usage: bcml <command> [INPUT.json | -] [options]\n"
    "\n"
    "commands:\n"
    "  loss           one compatibility loss value and its gradient w.r.t. h2's outputs\n"
    "  scores         BTC, BEC, flip rates, per class and per slice, from h1/h2 predictions and labels\n"
    "  train          train a model, optionally against h1 with a compatibility loss; --out saves it\n"
    "  predict        a saved model's outputs and labels on a dataset\n"
    "  sweep          train h2 over a lambda_c grid with both loss families: --config FILE --out DIR\n"
    "                 [--resume] [--jobs N] [--point K]; or --merge DIR\n"
    "  compare        evaluate h1 against h2 (models or predictions) on a dataset; --fail-if \"btc<0.95\"\n"
    "  summary        the summary of a sweep folder (bcml's or the original library's): summary DIR\n"
    "  export-mlflow  write a sweep folder as an MLflow run: export-mlflow DIR --out mlruns\n"
    "  version        print the version\n"
    "\n"
    "options: --pretty (a readable summary instead of JSON), --out PATH, --config FILE (same as INPUT),\n"
    "  and config overrides for train and sweep: --epochs N, --batch-size N, --seed N, --optimizer NAME,\n"
    "  --lr X, --momentum X, --loss NAME, --lambda X, --new-error NAME, --strict-imitation NAME,\n"
    "  --lambda-start X, --lambda-stop X, --lambda-step X, --metric NAME, --recommend EXPR\n"
    "INPUT defaults to standard input. Errors go to standard error with exit code 1. See README.md.\n";

typedef struct {
    const char *flag, *path;
    int number;
} override;

static const override overrides[] = {
    {"--epochs", "epochs", 1},           {"--batch-size", "batch_size", 1},    {"--seed", "seed", 1},
    {"--optimizer", "optimizer.name", 0}, {"--lr", "optimizer.lr", 1},         {"--momentum", "optimizer.momentum", 1},
    {"--loss", "loss.name", 0},          {"--lambda", "loss.lambda_c", 1},     {"--new-error", "new_error.name", 0},
    {"--strict-imitation", "strict_imitation.name", 0}, {"--lambda-start", "lambda.start", 1},
    {"--lambda-stop", "lambda.stop", 1}, {"--lambda-step", "lambda.step", 1}, {"--metric", "metric", 0},
    {"--recommend", "recommend", 0},
};

static int parse_int(const char *flag, const char *v, int lo, int hi, int *out) {
    char *end;
    long x = strtol(v, &end, 10);
    if (*v == 0 || *end != 0 || x < lo || x > hi) return cli_fail("%s needs a whole number from %d to %d, got \"%s\"", flag, lo, hi, v);
    *out = (int)x;
    return 0;
}

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
    cli_args a;
    memset(&a, 0, sizeof a);
    a.point = -1;
    static const char *const value_flags[] = {"--out", "--config", "--merge", "--fail-if", "--jobs", "--point", NULL};
    for (int i = 2; i < argc; i++) {
        const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(f, "--pretty") == 0) { a.pretty = 1; continue; }
        if (strcmp(f, "--resume") == 0) { a.resume = 1; continue; }
        if (f[0] != '-' || f[1] == 0) {
            if (a.input) return cli_fail("more than one input file: %s and %s", a.input, f);
            a.input = f;
            continue;
        }
        size_t k = 0, n = sizeof overrides / sizeof *overrides;
        while (k < n && strcmp(f, overrides[k].flag) != 0) k++;
        int known = k < n;
        for (const char *const *vf = value_flags; *vf; vf++) known |= strcmp(f, *vf) == 0;
        if (!known) return cli_fail("unknown option %s (see bcml help)", f);
        if (!v) return cli_fail("%s needs a value", f);
        i++;
        if (strcmp(f, "--out") == 0) a.out = v;
        else if (strcmp(f, "--config") == 0) {
            if (a.input) return cli_fail("more than one input file: %s and %s", a.input, v);
            a.input = v;
        } else if (strcmp(f, "--merge") == 0) a.merge = v;
        else if (strcmp(f, "--fail-if") == 0) a.fail_if = v;
        else if (strcmp(f, "--jobs") == 0) { if (parse_int(f, v, 1, 256, &a.jobs)) return 1; }
        else if (strcmp(f, "--point") == 0) { if (parse_int(f, v, 0, 9999, &a.point)) return 1; }
        else {
            if (a.nsets == CLI_MAX_SETS) return cli_fail("too many options");
            a.set_path[a.nsets] = overrides[k].path;
            a.set_value[a.nsets] = v;
            a.set_is_number[a.nsets++] = overrides[k].number;
        }
    }
    int config_cmd = strcmp(cmd, "train") == 0 || strcmp(cmd, "sweep") == 0;
    if (a.nsets && !config_cmd) return cli_fail("config options such as %s apply to train and sweep only", "--epochs");
    if ((a.resume || a.jobs || a.point >= 0 || a.merge) && strcmp(cmd, "sweep") != 0)
        return cli_fail("--resume, --jobs, --point and --merge apply to sweep only");
    if (a.fail_if && strcmp(cmd, "compare") != 0 && strcmp(cmd, "scores") != 0)
        return cli_fail("--fail-if applies to compare and scores only");
    if (strcmp(cmd, "loss") == 0) return cmd_loss(&a);
    if (strcmp(cmd, "scores") == 0) return cmd_scores(&a);
    if (strcmp(cmd, "train") == 0) return cmd_train(&a);
    if (strcmp(cmd, "predict") == 0) return cmd_predict(&a);
    if (strcmp(cmd, "sweep") == 0) return cmd_sweep(&a);
    if (strcmp(cmd, "compare") == 0) return cmd_compare(&a);
    if (strcmp(cmd, "export-mlflow") == 0) return cmd_export_mlflow(&a);
    if (strcmp(cmd, "summary") == 0) return cmd_summary(&a);
    return cli_fail("unknown command \"%s\" (commands: loss, scores, train, predict, sweep, summary, compare, "
                    "export-mlflow, version)", cmd);
}
