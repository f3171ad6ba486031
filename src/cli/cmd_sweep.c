/* cmd_sweep.c - `bcml sweep`: a lambda_c sweep into a folder, with progress, resume, threads, one point
 * alone (--point, for job arrays) and --merge of the pieces. */
#define _POSIX_C_SOURCE 200809L /* isatty, sigaction */
#include "cli.h"
#include "../options.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t interrupted;
static volatile int cancel_flag;

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
    cancel_flag = 1;
}

typedef struct {
    int tty;
    double last;
    int last_pct;
} bar_state;

static double wall(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fmt_time(double s, char *buf, size_t cap) {
    if (!isfinite(s)) { snprintf(buf, cap, "--"); return; }
    if (s < 60) snprintf(buf, cap, "%.0fs", s);
    else if (s < 3600) snprintf(buf, cap, "%dm%02ds", (int)s / 60, (int)s % 60);
    else snprintf(buf, cap, "%dh%02dm", (int)s / 3600, ((int)s % 3600) / 60);
}

/* A progress bar on stderr: redrawn in place on a terminal, a line every 10% otherwise. */
static int on_progress(void *user, const bcml_sweep_progress *p) {
    bar_state *b = user;
    int pct = (int)(p->fraction * 100);
    double t = wall();
    if (b->tty ? t - b->last < 0.1 && pct < 100 : pct / 10 == b->last_pct / 10) return 0;
    b->last = t;
    b->last_pct = pct;
    char el[16], eta[16], bar[31];
    fmt_time(p->elapsed_s, el, sizeof el);
    fmt_time(p->eta_s, eta, sizeof eta);
    int fill = (int)(p->fraction * 30);
    for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '-';
    bar[30] = 0;
    fprintf(stderr, "%s[%s] %3d%%  %d/%d trainings  lambda %.4g %-16s epoch %d/%d  elapsed %s  eta %s%s",
            b->tty ? "\r" : "", bar, pct, p->trainings_done, p->trainings_total, p->lambda_c, p->dissonance, p->epoch,
            p->epochs, el, eta, b->tty ? "\033[K" : "\n");
    return 0;
}

/* h1's outputs on both sets: from a saved model, given outputs, or a training config run here. */
static int h1_outputs(const cJSON *jh1, const cJSON *train_spec, const cli_data *train, const cli_data *test, int C,
                      const char *dir, float **o_train, float **o_test, int *probabilities, bcml_error *e) {
    static const char *const keys[] = {"model_file", "outputs_train", "outputs_test", "probabilities", "train", NULL};
    bcml_model *h1 = NULL;
    if (!cJSON_IsObject(jh1)) { snprintf(e->msg, sizeof e->msg, "sweep config: \"h1\" is required (an object)"); return 1; }
    if (bcml__json_only_keys(jh1, keys, "\"h1\"", e)) return 1;
    const cJSON *tr = cJSON_GetObjectItemCaseSensitive(jh1, "train");
    if (cJSON_GetObjectItemCaseSensitive(jh1, "outputs_train")) {
        int64_t r1, r2;
        int c1, c2;
        if (!(*o_train = cli_outputs(cJSON_GetObjectItemCaseSensitive(jh1, "outputs_train"), "h1.outputs_train", &r1, &c1, e)))
            return 1;
        if (!(*o_test = cli_outputs(cJSON_GetObjectItemCaseSensitive(jh1, "outputs_test"), "h1.outputs_test", &r2, &c2, e)))
            return 1;
        if (r1 != train->n || r2 != test->n || c1 != C || c2 != C) {
            snprintf(e->msg, sizeof e->msg, "sweep config: h1's outputs are %lldx%d and %lldx%d; the sets need %lldx%d and "
                     "%lldx%d", (long long)r1, c1, (long long)r2, c2, (long long)train->n, C, (long long)test->n, C);
            return 1;
        }
        *probabilities = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(jh1, "probabilities"));
        return 0;
    }
    if (tr) {
        /* h1 trained here: {"data", "model", "epochs", ...} as for bcml train, cached in the folder */
        static const char *const tkeys[] = {"data", "model", "epochs", "batch_size", "seed", "shuffle", "optimizer", NULL};
        cli_data d = {0};
        bcml_train_opts o;
        if (!cJSON_IsObject(tr) || bcml__json_only_keys(tr, tkeys, "\"h1\".\"train\"", e)) {
            if (!cJSON_IsObject(tr)) snprintf(e->msg, sizeof e->msg, "\"h1\".\"train\" must be an object");
            return 1;
        }
        if (bcml__parse_train(tr, "\"h1\".\"train\"", 0, &o, e)) return 1;
        const cJSON *dj = cJSON_GetObjectItemCaseSensitive(tr, "data");
        /* rows of the sweep's own data (e.g. its first quarter) are taken from it, not read and encoded again */
        int64_t from = 0, to = train->n;
        int rows_of_train = dj ? cli_same_rows(dj, train_spec, "h1.train.data", train->n, &from, &to, e) : 1;
        if (rows_of_train < 0) return 1;
        if (!rows_of_train) {
            if (cli_load_data(dj, "h1.train.data", train->encoder, &d, e)) return 1; /* encoded as the sweep's data */
            to = d.n;
        }
        if (cli_load_model(tr, "model", "-", o.seed, &h1, e)) { cli_free_data(&d); return 1; }
        bcml_loss_opts_init(&o.loss, bcml_model_output_size(h1) == 1 ? BCML_LOSS_BCE : BCML_LOSS_CROSS_ENTROPY);
        const cli_data *use = rows_of_train ? train : &d;
        bcml_dataset ds = {to - from, use->dim, use->x + from * use->dim, use->y + from, NULL};
        int bad = bcml_train(h1, &ds, &o, NULL, NULL, e) != BCML_OK;
        cli_free_data(&d);
        if (!bad && dir) {
            char path[4096];
            snprintf(path, sizeof path, "%s/h1-model.bcml", dir);
            bad = bcml_model_save_file(h1, path, e) != BCML_OK;
        }
        if (bad) { bcml_model_free(h1); return 1; }
    } else if (cli_load_model(jh1, "-", "model_file", 0, &h1, e)) {
        return 1;
    }
    int rc = 1;
    if (bcml_model_input_size(h1) != train->dim || bcml_model_output_size(h1) != C) {
        snprintf(e->msg, sizeof e->msg, "sweep config: h1 has %lld inputs and %d outputs; the data and h2 need %lld and %d",
                 (long long)bcml_model_input_size(h1), bcml_model_output_size(h1), (long long)train->dim, C);
    } else if ((*o_train = malloc((size_t)train->n * C * sizeof(float))) &&
               (*o_test = malloc((size_t)test->n * C * sizeof(float)))) {
        rc = bcml_model_predict(h1, train->x, train->n, *o_train, e) || bcml_model_predict(h1, test->x, test->n, *o_test, e);
    } else {
        snprintf(e->msg, sizeof e->msg, "out of memory");
    }
    bcml_model_free(h1);
    return rc;
}

/* h1_outputs as the sweep's hook: the run calls it on one thread while others train lambda_c 0 */
typedef struct {
    const cJSON *jh1, *train_spec;
    const cli_data *train, *test;
    int C;
    const char *dir;
    float *o_train, *o_test; /* freed by the command */
} h1_job;

static bcml_status make_h1(void *user, const float **train, const float **test, int *probabilities, bcml_error *e) {
    h1_job *j = user;
    if (h1_outputs(j->jh1, j->train_spec, j->train, j->test, j->C, j->dir, &j->o_train, &j->o_test, probabilities, e))
        return e->code ? e->code : BCML_EINVAL;
    *train = j->o_train;
    *test = j->o_test;
    return BCML_OK;
}

static double num(const cJSON *o, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* The testing rows of a summary as a table, the Pareto front and the recommendation marked. */
static void print_table(const char *summary_json, FILE *f) {
    cJSON *s = cJSON_Parse(summary_json);
    if (!s) return;
    const cJSON *front = cJSON_GetObjectItemCaseSensitive(s, "pareto_front");
    const cJSON *rec = cJSON_GetObjectItemCaseSensitive(s, "recommendation"), *row;
    fprintf(f, "h1 %s on the test set: %.4f\n", cJSON_GetObjectItemCaseSensitive(s, "performance_metric")->valuestring,
            num(s, "h1_performance"));
    fprintf(f, "%10s  %-16s %11s %8s %8s %8s\n", "lambda_c", "dissonance", "performance", "BTC", "BEC", "NFR");
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(s, "data")) {
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "testing"))) continue;
        int idx = (int)num(row, "datapoint_index"), on_front = 0;
        const cJSON *p;
        cJSON_ArrayForEach(p, front) on_front |= (int)p->valuedouble == idx;
        fprintf(f, "%10.4g  %-16s %11.4f %8.4f %8.4f %8.4f %s%s\n", num(row, "lambda_c"),
                cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(row, "new-error")) ? "new-error" : "strict-imitation",
                num(row, "performance"), num(row, "btc"), num(row, "bec"), num(row, "nfr"), on_front ? "*" : " ",
                cJSON_IsObject(rec) && num(rec, "datapoint_index") == idx ? "  <- recommended" : "");
    }
    fprintf(f, "* on the Pareto front of performance and BTC (testing rows)\n");
    const cJSON *note = cJSON_GetObjectItemCaseSensitive(s, "recommendation_note");
    if (cJSON_IsString(note)) fprintf(f, "recommendation: none (%s)\n", note->valuestring);
    cJSON_Delete(s);
}

static char *load_summary(const char *dir, const char *constraint, bcml_error *e) {
    char *json = NULL;
    if (bcml_sweep_load_dir(dir, constraint, &json, e)) return NULL;
    return json;
}

int cmd_sweep(const cli_args *a) {
    bcml_error e = {0};
    if (a->merge) {
        if (a->input || a->out || a->resume || a->point >= 0)
            return cli_fail("--merge DIR takes no other input; it assembles sweep_summary.json in DIR");
        if (bcml_sweep_merge_dir(a->merge, NULL, &e)) return cli_fail_err(&e);
        char *json = load_summary(a->merge, NULL, &e);
        if (!json) return cli_fail_err(&e);
        if (a->pretty) print_table(json, stdout);
        else cli_print_text(json);
        bcml_free(json);
        return 0;
    }
    static const char *const keys[] = {"data", "test", "h1", "model", "model_file", "epochs", "batch_size",
                                       "batch_size_test", "seed", "shuffle", "optimizer", "new_error",
                                       "strict_imitation", "lambda", "metric", "recommend", NULL};
    if (!a->out) return cli_fail("sweep needs --out DIR (the folder for its results)");
    cJSON *cfg = cli_read_json(a->input);
    if (!cfg) return 1;
    int rc = 1;
    cli_data train = {0}, test = {0};
    bcml_encoder *enc = NULL;
    bcml_model *h2 = NULL;
    h1_job h1 = {0};
    double *lambdas = NULL;
    char *stored = NULL, *summary = NULL;
    bcml_sweep_config c;
    bcml_sweep_config_init(&c);
    if (!cJSON_IsObject(cfg)) { rc = cli_fail("sweep config must be a JSON object"); goto done; }
    if (cli_apply_overrides(cfg, a)) goto done;
    if (bcml__json_only_keys(cfg, keys, "sweep config", &e)) goto fail;
    const char *constraint = NULL;
    if (bcml__parse_sweep(cfg, 0, &c, &lambdas, &constraint, &e)) goto fail; /* again below, once the model is known */
    bcml_free(lambdas);
    lambdas = NULL;
    /* CSV data is encoded as h1's saved encoding says, else as the training split teaches */
    const cJSON *jh1f = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cfg, "h1"), "model_file");
    int enc_failed = 0;
    enc = cli_model_encoding(cJSON_IsString(jh1f) ? jh1f->valuestring : NULL, &e, &enc_failed);
    if (enc_failed) goto fail;
    if (cli_load_data(cJSON_GetObjectItemCaseSensitive(cfg, "data"), "data", enc, &train, &e)) goto fail;
    if (!cJSON_GetObjectItemCaseSensitive(cfg, "test")) { rc = cli_fail("sweep config: \"test\" (the test set) is required"); goto done; }
    if (cli_load_data(cJSON_GetObjectItemCaseSensitive(cfg, "test"), "test", enc ? enc : train.encoder, &test, &e)) goto fail;
    if (train.num_slices != test.num_slices) { rc = cli_fail("sweep config: \"data\" and \"test\" name different slice columns"); goto done; }
    if (cli_load_model(cfg, "model", "model_file", c.seed, &h2, &e)) goto fail;
    int C = bcml_model_output_size(h2);
    if (bcml__parse_sweep(cfg, C == 1, &c, &lambdas, &constraint, &e)) goto fail;
    if (a->point >= c.num_lambdas) {
        rc = cli_fail("--point %d is outside the grid of %d lambda values (0..%d)", a->point, c.num_lambdas, c.num_lambdas - 1);
        goto done;
    }
    /* the folder's identity: the effective config with the grid spelled out (jobs and paths excluded) */
    cJSON *ident = cJSON_Duplicate(cfg, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(ident, "lambda"); /* the library stores the grid as "lambdas" */
    cJSON_AddStringToObject(ident, "bcml_version", BCML_VERSION);
    stored = bcml__json_print(ident);
    cJSON_Delete(ident);
    if (!a->resume && a->point < 0) {
        char path[4096];
        snprintf(path, sizeof path, "%s/bcml-sweep.json", a->out);
        FILE *f = fopen(path, "rb");
        if (f) {
            fclose(f);
            rc = cli_fail("%s already holds a sweep: pass --resume to continue it, or choose another --out", a->out);
            goto done;
        }
    }
    if (mkdir(a->out, 0777) != 0 && errno != EEXIST) { rc = cli_fail("cannot create the folder %s", a->out); goto done; }
    /* h1's outputs are made by the run: its training overlaps the first trainings when jobs are to spare */
    h1 = (h1_job){cJSON_GetObjectItemCaseSensitive(cfg, "h1"), cJSON_GetObjectItemCaseSensitive(cfg, "data"), &train, &test, C,
                  a->out, NULL, NULL};
    c.train = (bcml_dataset){train.n, train.dim, train.x, train.y, train.ids};
    c.test = (bcml_dataset){test.n, test.dim, test.x, test.y, test.ids};
    c.num_slice_columns = train.num_slices;
    c.train_slices = train.slices;
    c.test_slices = test.slices;
    if (enc || train.encoder) {
        char epath[4096];
        snprintf(epath, sizeof epath, "%s/encoding.json", a->out);
        if (cli_save_encoding(enc ? enc : train.encoder, epath, &e)) goto fail;
    }
    c.h1_make = make_h1;
    c.h1_user = &h1;
    c.h2 = h2;
    bar_state bar = {isatty(2), 0, -1};
    c.progress = on_progress;
    c.user = &bar;
    c.cancel = &cancel_flag;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    bcml_status st = bcml_sweep_run_dir(&c, a->out, stored, constraint, a->jobs ? a->jobs : 1, a->point, &e);
    if (bar.tty) fputc('\n', stderr);
    if (st == BCML_ECANCELLED && interrupted) {
        rc = cli_fail("interrupted: finished points are kept in %s; run again with --resume to continue", a->out);
        rc = 130;
        goto done;
    }
    if (st) goto fail;
    if (a->point >= 0) {
        if (a->pretty) printf("point %d (lambda_c %g) written to %s; assemble with: bcml sweep --merge %s\n", a->point,
                              lambdas[a->point], a->out, a->out);
        else printf("{\"point\":%d,\"folder\":\"%s\"}\n", a->point, a->out);
        rc = 0;
        goto done;
    }
    /* the run has just written the summary of every evaluation: read it rather than parse them all again */
    char path[4096];
    snprintf(path, sizeof path, "%s/sweep_summary.json", a->out);
    if (bcml__read_file(path, &summary, NULL, &e)) goto fail;
    if (a->pretty) print_table(summary, stdout);
    else cli_print_text(summary);
    rc = 0;
    goto done;
fail:
    rc = cli_fail_err(&e);
done:
    cJSON_Delete(cfg);
    bcml_encoder_free(enc);
    cli_free_data(&train);
    cli_free_data(&test);
    bcml_model_free(h2);
    free(h1.o_train);
    free(h1.o_test);
    free(lambdas);
    free(stored);
    bcml_free(summary);
    return rc;
}

int cmd_summary(const cli_args *a) {
    if (!a->input || strcmp(a->input, "-") == 0) return cli_fail("summary needs a sweep folder: bcml summary DIR");
    bcml_error e = {0};
    char *json = load_summary(a->input, NULL, &e);
    if (!json) return cli_fail_err(&e);
    if (a->pretty) print_table(json, stdout);
    else cli_print_text(json);
    bcml_free(json);
    return 0;
}
