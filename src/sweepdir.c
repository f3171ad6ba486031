/* sweepdir.c - the sweep folder (the original library's layout): run with threads and resume, merge the
 * pieces of a split run, and load a folder back. Native only: the browser keeps results in memory. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, opendir, mkdir */
#include "internal.h"
#include "jsonutil.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static const char *const family_names[2] = {"new-error", "strict-imitation"};

static void path_join(char *buf, size_t cap, const char *dir, const char *name) { snprintf(buf, cap, "%s/%s", dir, name); }

static int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void eval_path(char *buf, size_t cap, const char *dir, int k) {
    char name[48];
    snprintf(name, sizeof name, "%d-evaluation-data.json", k);
    path_join(buf, cap, dir, name);
}

static void model_path(char *buf, size_t cap, const char *dir, double lambda, int family) {
    char r[32], name[96];
    bcml_float_repr(lambda, r);
    snprintf(name, sizeof name, "%s-model-%s.bcml", r, family_names[family]);
    path_join(buf, cap, dir, name);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Every evaluation file in dir, by datapoint index: texts[k] allocated or NULL; *count = highest k + 1. */
static bcml_status read_evaluations(const char *dir, char ***texts, int *count, bcml_error *err) {
    *texts = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d) return bcml__fail(err, BCML_EIO, "cannot open the sweep folder %s", dir);
    int cap = 0;
    char **t = NULL;
    struct dirent *e;
    bcml_status s = BCML_OK;
    while ((e = readdir(d))) {
        int k, used = 0;
        if (sscanf(e->d_name, "%d-evaluation-data.json%n", &k, &used) != 1 || e->d_name[used] != 0 || k < 0 ||
            k > 4 * 10000)
            continue;
        if (k >= cap) {
            int nc = k + 64;
            char **nt = bcml__realloc(t, (size_t)nc, sizeof(char *));
            if (!nt) { s = bcml__fail(err, BCML_ENOMEM, "out of memory reading %s", dir); break; }
            memset(nt + cap, 0, (size_t)(nc - cap) * sizeof(char *));
            t = nt;
            cap = nc;
        }
        char path[4096];
        eval_path(path, sizeof path, dir, k);
        if ((s = bcml__read_file(path, &t[k], NULL, err))) break;
        if (k + 1 > *count) *count = k + 1;
    }
    closedir(d);
    if (s) {
        for (int i = 0; i < cap; i++) free(t[i]);
        free(t);
        *count = 0;
        return s;
    }
    *texts = t;
    return BCML_OK;
}

/* The summary's fields of a record read from a file (NULL if it does not parse, so that the summary names it). */
static char *summary_row(const char *evaluation) {
    cJSON *e = cJSON_Parse(evaluation);
    if (!e) return NULL;
    char *text = bcml__sweep_row(e);
    cJSON_Delete(e);
    return text;
}

static void free_texts(char **t, int n) {
    for (int i = 0; t && i < n; i++) free(t[i]);
    free(t);
}

static bcml_status write_summary(const char *dir, char **texts, int count, int expected_points, const char *constraint,
                                 bcml_error *err) {
    const char **present = bcml__alloc((size_t)(count ? count : 1), sizeof(char *));
    if (!present) return bcml__fail(err, BCML_ENOMEM, "out of memory writing the summary");
    int n = 0;
    for (int k = 0; k < count; k++)
        if (texts[k]) present[n++] = texts[k];
    char *json = NULL;
    bcml_status s = bcml_sweep_summary(present, n, expected_points, constraint, &json, err);
    free(present);
    if (s) return s;
    char path[4096];
    path_join(path, sizeof path, dir, "sweep_summary.json");
    s = bcml__write_file_atomic(path, json, strlen(json), err);
    bcml_free(json);
    return s;
}

/* ---------------------------------------------------------------- the threaded run */

enum { H1_READY, H1_MISSING, H1_MAKING };

typedef struct {
    const bcml_sweep_config *c;
    bcml_sweep_config cw;          /* c with the driver's progress hook, and h1's outputs once they exist */
    const char *dir, *constraint;
    char *ident;                   /* bcml-sweep.json, written before the first result (NULL: already there) */
    int *tasks, ntasks, next;      /* task t = 2j + family; lambda_c 0 first */
    int threads, training;         /* threads of the run; trainings under way */
    int *wait_t, nwait, taken;     /* trained tasks of the second half, waiting for a free thread to evaluate them */
    bcml_model **wait_m;
    double *frac;                  /* per task (by 2j + family), fraction trained */
    int done, write_summary, h1;
    char **texts;                  /* evaluations by datapoint index, for the summary */
    int ntexts;
    double t0;
    int stop;                      /* read and set with the lock held */
    bcml_status status;
    bcml_error first_err;
    pthread_mutex_t lock;
    pthread_cond_t changed;        /* h1's outputs arrived, a training ended (its model may wait), or the run stops */
} run_state;

/* with the lock held: the first failure stops the run (a cancel gives way to a real error) */
static void fail_run(run_state *r, bcml_status s, const bcml_error *e) {
    if (!r->status || (r->status == BCML_ECANCELLED && s != BCML_ECANCELLED)) {
        r->status = s;
        r->first_err = *e;
    }
    r->stop = 1;
    pthread_cond_broadcast(&r->changed);
}

static int on_progress(void *user, const bcml_sweep_progress *p) {
    run_state *r = user;
    int cancel = 0;
    pthread_mutex_lock(&r->lock);
    int j = 0;
    while (j < r->c->num_lambdas && r->c->lambdas[j] != p->lambda_c) j++;
    int family = strcmp(p->dissonance, family_names[1]) == 0;
    if (j < r->c->num_lambdas) r->frac[2 * j + family] = p->fraction;
    double sum = 0;
    for (int i = 0; i < r->ntasks; i++) sum += r->frac[r->tasks[i]];
    bcml_sweep_progress q = *p;
    q.fraction = sum / r->ntasks;
    q.trainings_done = r->done;
    q.trainings_total = r->ntasks;
    q.elapsed_s = now_s() - r->t0;
    q.eta_s = q.fraction > 0 ? q.elapsed_s * (1 - q.fraction) / q.fraction : NAN;
    if (r->c->progress) cancel = r->c->progress(r->c->user, &q);
    if (cancel) {
        r->stop = 1;
        pthread_cond_broadcast(&r->changed);
    }
    int stop = r->stop; /* read under the lock: another thread may set it */
    pthread_mutex_unlock(&r->lock);
    return stop;
}

/* Writes one family's model and records (evaluation[2]: the result's or its twin's); without the lock, as every
 * family's files have their own paths. */
static bcml_status write_result(const run_state *r, int j, int family, const bcml_model *model, char **evaluation,
                                bcml_error *err) {
    char path[4096];
    bcml_status s;
    model_path(path, sizeof path, r->dir, r->c->lambdas[j], family);
    if ((s = bcml_model_save_file(model, path, err))) return s;
    for (int t = 0; t < 2; t++) {
        eval_path(path, sizeof path, r->dir, 4 * j + 2 * family + t);
        if ((s = bcml__write_file_atomic(path, evaluation[t], strlen(evaluation[t]), err))) return s;
    }
    return BCML_OK;
}

/* With the lock held, once the family's files exist: keeps its records' summary rows (taken from summary_row[2])
 * and rewrites the summary. */
static bcml_status note_result(run_state *r, int j, int family, char **summary_row, bcml_error *err) {
    for (int t = 0; t < 2; t++) {
        int k = 4 * j + 2 * family + t;
        if (k < r->ntexts) { /* the row made beside the record: a record is too large to parse again */
            free(r->texts[k]);
            r->texts[k] = summary_row[t];
            summary_row[t] = NULL;
        }
    }
    return r->write_summary ? write_summary(r->dir, r->texts, r->ntexts, r->c->num_lambdas, r->constraint, err) : BCML_OK;
}

/* Stores the run's identity as bcml-sweep.json: the folder is this sweep's from then on. */
static bcml_status claim_dir(const char *dir, const char *ident, bcml_error *err) {
    char path[4096];
    path_join(path, sizeof path, dir, "bcml-sweep.json");
    return bcml__write_file_atomic(path, ident, strlen(ident), err);
}

/* with the lock held, released meanwhile: h1's outputs made by the caller's hook, then the folder claimed */
static void make_h1(run_state *r) {
    r->h1 = H1_MAKING;
    pthread_mutex_unlock(&r->lock);
    const float *tr = NULL, *te = NULL;
    int probabilities = 0;
    bcml_error e = {0};
    bcml_status s = r->c->h1_make(r->c->h1_user, &tr, &te, &probabilities, &e);
    if (!s && (!tr || !te)) s = bcml__fail(&e, BCML_EINVAL, "sweep: the h1 hook gave no outputs");
    /* no result is written before h1 exists: a failed h1 leaves the folder unclaimed */
    if (!s && r->ident) s = claim_dir(r->dir, r->ident, &e);
    pthread_mutex_lock(&r->lock);
    if (s) {
        fail_run(r, s, &e);
        return;
    }
    r->cw.h1_train = tr;
    r->cw.h1_test = te;
    r->cw.h1_probabilities = probabilities;
    r->h1 = H1_READY;
    pthread_cond_broadcast(&r->changed);
}

/* Evaluates and saves trained task t, with the lock held (released meanwhile: the files are written outside it);
 * frees m. The evaluations wait for h1's outputs. */
static void finish_task(run_state *r, int t, bcml_model *m) {
    int j = t / 2, family = t % 2;
    bcml_sweep_result res;
    memset(&res, 0, sizeof res);
    bcml_error e = {0};
    bcml_status s = BCML_OK;
    while (r->h1 != H1_READY && !r->stop) pthread_cond_wait(&r->changed, &r->lock);
    if (r->h1 == H1_READY) {
        bcml_sweep_config cw = r->cw;
        pthread_mutex_unlock(&r->lock);
        s = bcml_sweep_evaluate(&cw, j, family, m, &res, &e);
        if (!s) s = write_result(r, j, family, m, res.evaluation, &e);
        if (!s && res.twin_evaluation[0]) s = write_result(r, j, 1, m, res.twin_evaluation, &e);
        pthread_mutex_lock(&r->lock);
        if (!s) s = note_result(r, j, family, res.summary_row, &e);
        if (!s && res.twin_evaluation[0]) s = note_result(r, j, 1, res.twin_summary_row, &e);
        if (!s) {
            r->done++;
            r->frac[t] = 1.0;
        }
    }
    if (s) fail_run(r, s, &e);
    bcml_sweep_result_free(&res);
    bcml_model_free(m);
}

/* Trains task t, with the lock held (released while it trains; a training at lambda_c 0 may start before h1's
 * outputs exist); then evaluates it, or (later) leaves it to the first free thread. */
static void run_task(run_state *r, int t, int later) {
    int j = t / 2, family = t % 2;
    bcml_sweep_config cw = r->cw; /* a copy: h1's outputs may arrive while this one trains */
    r->training++;
    pthread_mutex_unlock(&r->lock);
    bcml_model *m = NULL;
    bcml_error e = {0};
    bcml_status s = bcml_sweep_train_model(&cw, j, family, &m, &e);
    pthread_mutex_lock(&r->lock);
    r->training--;
    if (s) fail_run(r, s, &e);
    else if (later) {
        r->wait_t[r->nwait] = t;
        r->wait_m[r->nwait++] = m;
    } else
        finish_task(r, t, m);
    pthread_cond_broadcast(&r->changed); /* a model waits, or no training is under way any more */
}

/* A thread of the run: h1's outputs when missing, else the next training, else a trained model of the second half
 * (trained back to back, so that at the end the threads share their evaluations instead of one idling for most of a
 * training while another trains and evaluates). */
static void *worker(void *arg) {
    run_state *r = arg;
    pthread_mutex_lock(&r->lock);
    while (!r->stop) {
        if (r->h1 == H1_MISSING) { make_h1(r); continue; } /* the first free thread makes h1's outputs */
        if (r->next < r->ntasks) {
            int t = r->tasks[r->next];
            if (r->h1 != H1_READY && r->c->lambdas[t / 2] != 0) { /* this training reads h1 */
                pthread_cond_wait(&r->changed, &r->lock);
                continue;
            }
            r->next++;
            run_task(r, t, r->threads > 1 && 2 * r->next > r->ntasks);
        } else if (r->taken < r->nwait) {
            int k = r->taken++;
            finish_task(r, r->wait_t[k], r->wait_m[k]);
        } else if (r->training)
            pthread_cond_wait(&r->changed, &r->lock);
        else
            break;
    }
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* The folder's identity, bcml-sweep.json: the caller's config with the grid spelled out as "lambdas". */
static bcml_status identity(const bcml_sweep_config *c, const char *config_json, char **out, bcml_error *err) {
    cJSON *j;
    bcml_status s = bcml__json_parse(config_json, "sweep config", &j, err);
    if (s) return s;
    if (!cJSON_IsObject(j)) { cJSON_Delete(j); return bcml__fail(err, BCML_EINVAL, "sweep config must be a JSON object"); }
    cJSON *l = cJSON_CreateArray();
    for (int i = 0; i < c->num_lambdas; i++) cJSON_AddItemToArray(l, bcml__json_number(c->lambdas[i]));
    cJSON_DeleteItemFromObjectCaseSensitive(j, "lambdas");
    cJSON_AddItemToObject(j, "lambdas", l);
    *out = bcml__json_print(j);
    cJSON_Delete(j);
    return *out ? BCML_OK : bcml__fail(err, BCML_ENOMEM, "out of memory");
}

/* Creates dir; a stored identity must match. *claimed: the identity is already stored (else the caller writes
 * it before the first result). */
static bcml_status prepare_dir(const char *dir, const char *config_json, int *claimed, bcml_error *err) {
    *claimed = 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) return bcml__fail(err, BCML_EIO, "cannot create the folder %s", dir);
    char path[4096];
    path_join(path, sizeof path, dir, "bcml-sweep.json");
    if (!file_exists(path)) return BCML_OK;
    char *old = NULL;
    bcml_status s = bcml__read_file(path, &old, NULL, err);
    if (s) return s;
    int same = strcmp(old, config_json) == 0;
    free(old);
    if (!same)
        return bcml__fail(err, BCML_EINVAL, "%s holds a sweep with a different configuration (bcml-sweep.json); "
                          "use another folder", dir);
    *claimed = 1;
    return BCML_OK;
}

bcml_status bcml_sweep_run_dir(const bcml_sweep_config *c, const char *dir, const char *config_json,
                               const char *constraint, int jobs, int only_point, bcml_error *err) {
    if (!c || !dir || !config_json) return bcml__fail(err, BCML_EINVAL, "sweep: config and folder are required");
    if (only_point >= c->num_lambdas)
        return bcml__fail(err, BCML_EINVAL, "sweep: point %d is outside the grid of %d lambdas (0..%d)", only_point,
                          c->num_lambdas, c->num_lambdas - 1);
    if (jobs < 1 || jobs > 256) return bcml__fail(err, BCML_EINVAL, "sweep: jobs must be 1 to 256, got %d", jobs);
    int given = c->h1_train && c->h1_test;
    if (!given && !c->h1_make) return bcml__fail(err, BCML_EINVAL, "sweep: h1's outputs (or a hook that makes them) are required");
    run_state r;
    memset(&r, 0, sizeof r);
    int claimed = 0;
    bcml_status s = identity(c, config_json, &r.ident, err);
    if (!s) s = prepare_dir(dir, r.ident, &claimed, err);
    if (s || claimed) { /* a stored identity stays as it is */
        bcml_free(r.ident);
        r.ident = NULL;
        if (s) return s;
    }
    r.c = c;
    r.cw = *c;
    r.cw.progress = on_progress;
    r.cw.user = &r;
    r.dir = dir;
    r.constraint = constraint;
    r.write_summary = only_point < 0;
    r.ntexts = 4 * c->num_lambdas;
    r.tasks = bcml__calloc((size_t)r.ntexts / 2, sizeof(int));
    r.frac = bcml__calloc((size_t)r.ntexts / 2, sizeof(double));
    r.wait_t = bcml__calloc((size_t)r.ntexts / 2, sizeof(int));
    r.wait_m = bcml__calloc((size_t)r.ntexts / 2, sizeof(bcml_model *));
    if (!r.tasks || !r.frac || !r.wait_t || !r.wait_m) { s = bcml__fail(err, BCML_ENOMEM, "sweep: out of memory"); goto done; }
    /* what the folder already has (resume): a training is done when its model and both evaluations exist */
    char **have = NULL;
    int nhave = 0;
    if ((s = read_evaluations(dir, &have, &nhave, err))) goto done;
    r.texts = bcml__calloc((size_t)r.ntexts, sizeof(char *));
    if (!r.texts) { free_texts(have, nhave); s = bcml__fail(err, BCML_ENOMEM, "sweep: out of memory"); goto done; }
    for (int k = 0; k < nhave && k < r.ntexts; k++)
        if (have[k] && !(r.texts[k] = summary_row(have[k]))) { /* a broken file: keep it, so the summary names it */
            r.texts[k] = have[k];
            have[k] = NULL;
        }
    free_texts(have, nhave);
    for (int zero = 1; zero >= 0; zero--) /* lambda_c 0 first: those trainings may start before h1 exists */
        for (int j = 0; j < c->num_lambdas; j++) {
            if ((only_point >= 0 && j != only_point) || (c->lambdas[j] == 0) != zero) continue;
            int missing[2];
            for (int f = 0; f < 2; f++) {
                char path[4096];
                model_path(path, sizeof path, dir, c->lambdas[j], f);
                missing[f] = !(r.texts[4 * j + 2 * f] && r.texts[4 * j + 2 * f + 1] && file_exists(path));
            }
            if (bcml_sweep_twin(c, j)) { /* one training gives both families */
                if (missing[0] || missing[1]) r.tasks[r.ntasks++] = 2 * j;
            } else
                for (int f = 0; f < 2; f++)
                    if (missing[f]) r.tasks[r.ntasks++] = 2 * j + f;
        }
    r.h1 = given || r.ntasks == 0 ? H1_READY : H1_MISSING; /* nothing left to train: no h1 needed */
    if (r.h1 == H1_READY && r.ident && (s = claim_dir(dir, r.ident, err))) goto done;
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.changed, NULL);
    r.t0 = now_s();
    bcml_train_rows *rows = NULL; /* the training set prepared once for all the trainings (and their threads) */
    if (r.ntasks == 0 && r.write_summary) {
        s = write_summary(dir, r.texts, r.ntexts, c->num_lambdas, constraint, err);
    } else if (r.ntasks && !c->train_rows && (s = bcml_train_rows_prepare(&c->train, &rows, err))) {
        /* nothing started */
    } else {
        if (rows) r.cw.train_rows = rows;
        int want = r.ntasks + (r.h1 == H1_MISSING), nt = jobs < want ? jobs : want;
        r.threads = nt;
        pthread_t th[256];
        int started = 0;
        for (int i = 1; i < nt; i++) {
            if (pthread_create(&th[i], NULL, worker, &r) != 0) break;
            started++;
        }
        worker(&r); /* the calling thread works too */
        for (int i = 1; i <= started; i++) pthread_join(th[i], NULL);
        while (r.taken < r.nwait) bcml_model_free(r.wait_m[r.taken++]); /* stopped before they were evaluated */
        s = r.status;
        if (s && err) *err = r.first_err;
    }
    bcml_train_rows_free(rows);
    pthread_cond_destroy(&r.changed);
    pthread_mutex_destroy(&r.lock);
done:
    free_texts(r.texts, r.ntexts);
    free(r.tasks);
    free(r.frac);
    free(r.wait_t);
    free(r.wait_m);
    bcml_free(r.ident);
    return s;
}

/* What the stored bcml-sweep.json says: the grid size and the recommendation constraint (*constraint
 * allocated, or NULL). A folder without one (the original library's) gives 0 and NULL. */
static void stored_config(const char *dir, int *expected, char **constraint) {
    *expected = 0;
    *constraint = NULL;
    char path[4096], *text = NULL;
    path_join(path, sizeof path, dir, "bcml-sweep.json");
    if (!file_exists(path) || bcml__read_file(path, &text, NULL, NULL) != BCML_OK) return;
    cJSON *j = cJSON_Parse(text);
    free(text);
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(j, "lambdas");
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(j, "recommend");
    if (cJSON_IsArray(l)) *expected = cJSON_GetArraySize(l);
    if (cJSON_IsString(r)) {
        size_t n = strlen(r->valuestring) + 1;
        if ((*constraint = bcml__alloc(n, 1))) memcpy(*constraint, r->valuestring, n);
    }
    cJSON_Delete(j);
}

bcml_status bcml_sweep_merge_dir(const char *dir, const char *constraint, bcml_error *err) {
    char **texts;
    int count, expected;
    char *stored;
    bcml_status s = read_evaluations(dir, &texts, &count, err);
    if (s) return s;
    if (count == 0) {
        free_texts(texts, count);
        return bcml__fail(err, BCML_EINVAL, "%s has no evaluation files to merge", dir);
    }
    stored_config(dir, &expected, &stored);
    s = write_summary(dir, texts, count, expected, constraint ? constraint : stored, err);
    free(stored);
    free_texts(texts, count);
    return s;
}

bcml_status bcml_sweep_load_dir(const char *dir, const char *constraint, char **json, bcml_error *err) {
    *json = NULL;
    char **texts;
    int count;
    bcml_status s = read_evaluations(dir, &texts, &count, err);
    if (s) return s;
    char path[4096];
    path_join(path, sizeof path, dir, "sweep_summary.json");
    cJSON *stored = NULL;
    if (file_exists(path)) {
        char *text;
        if ((s = bcml__read_file(path, &text, NULL, err))) goto done;
        s = bcml__json_parse(text, "sweep_summary.json", &stored, err);
        free(text);
        if (s) goto done;
        if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(stored, "data"))) {
            s = bcml__fail(err, BCML_EFORMAT, "%s: no \"data\" list of rows", path);
            goto done;
        }
    }
    if (count == 0 && !stored) {
        s = bcml__fail(err, BCML_EINVAL, "%s holds neither sweep_summary.json nor evaluation files", dir);
        goto done;
    }
    if (count > 0) {
        /* rebuild from the evaluations, which every layout has; keep what only the stored summary knows */
        const char **present = bcml__alloc((size_t)count, sizeof(char *));
        if (!present) { s = bcml__fail(err, BCML_ENOMEM, "out of memory loading %s", dir); goto done; }
        int n = 0, expected;
        char *stored_constraint;
        for (int k = 0; k < count; k++)
            if (texts[k]) present[n++] = texts[k];
        stored_config(dir, &expected, &stored_constraint);
        s = bcml_sweep_summary(present, n, expected, constraint ? constraint : stored_constraint, json, err);
        free(stored_constraint);
        free(present);
        if (s || !stored) goto done;
        cJSON *rebuilt = cJSON_Parse(*json);
        const cJSON *h1 = cJSON_GetObjectItemCaseSensitive(stored, "h1_performance");
        if (rebuilt && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(rebuilt, "h1_performance")) && cJSON_IsNumber(h1))
            cJSON_ReplaceItemInObjectCaseSensitive(rebuilt, "h1_performance", bcml__json_number(h1->valuedouble));
        const cJSON *pm = cJSON_GetObjectItemCaseSensitive(stored, "performance_metric");
        if (rebuilt && cJSON_IsString(pm))
            cJSON_ReplaceItemInObjectCaseSensitive(rebuilt, "performance_metric", cJSON_CreateString(pm->valuestring));
        int upstream_done = !expected && n == cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(stored, "data"));
        if (rebuilt && upstream_done) /* upstream writes its summary only at the end */
            cJSON_ReplaceItemInObjectCaseSensitive(rebuilt, "complete", cJSON_CreateBool(1));
        char *again = rebuilt ? bcml__json_print(rebuilt) : NULL;
        cJSON_Delete(rebuilt);
        if (!again) { s = bcml__fail(err, BCML_ENOMEM, "out of memory loading %s", dir); goto done; }
        bcml_free(*json);
        *json = again;
        goto done;
    }
    /* a summary alone (evaluation files deleted): its rows as they are */
    {
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(stored, "data"), *row;
        cJSON *out = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(out, "data");
        cJSON_ArrayForEach(row, data) cJSON_AddItemToArray(rows, cJSON_Duplicate(row, 1));
        const cJSON *h1 = cJSON_GetObjectItemCaseSensitive(stored, "h1_performance");
        if (cJSON_IsNumber(h1)) bcml__json_add_number(out, "h1_performance", h1->valuedouble);
        else cJSON_AddNullToObject(out, "h1_performance");
        const cJSON *pm = cJSON_GetObjectItemCaseSensitive(stored, "performance_metric");
        cJSON_AddStringToObject(out, "performance_metric", cJSON_IsString(pm) ? pm->valuestring : "accuracy");
        *json = bcml__json_print(out);
        cJSON_Delete(out);
        if (!*json) s = bcml__fail(err, BCML_ENOMEM, "out of memory loading %s", dir);
    }
done:
    cJSON_Delete(stored);
    free_texts(texts, count);
    if (s && *json) { bcml_free(*json); *json = NULL; }
    return s;
}
