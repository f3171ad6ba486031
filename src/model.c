/* model.c - models as a list of layers over one parameter array: specs, init, passes, save and load. */
#include "model.h"
#include "fmath.h"
#include "jsonutil.h"
#include "kernels.h"
#include "layers.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef enum { LAYER_LINEAR, LAYER_RELU, LAYER_CONV2D, LAYER_MAXPOOL2D, LAYER_DROPOUT, LAYER_FLATTEN } layer_kind;

static const char *const layer_names[] = {"linear", "relu", "conv2d", "maxpool2d", "dropout", "flatten"};

typedef struct {
    layer_kind kind;
    int in[3], out[3];          /* [C,H,W]; a flat vector of D features is [D,1,1] */
    int64_t in_size, out_size;
    int oc, k, s, p;            /* conv: out channels, kernel, stride, padding; pool: kernel, stride */
    float drop_p;
    int drop_channels;          /* Dropout2d: one draw per channel */
    int64_t w_off, b_off;       /* into params; -1 when the layer has none */
} layer;

struct bcml_model {
    int nlayers;
    layer *layers;
    int64_t nparams;
    float *params, *grads;
    char *spec;
    /* workspace for batches of up to cap instances */
    int cap;
    float **acts;               /* acts[i] = output of layer i, [cap, out_size] */
    int32_t **pool_idx;
    float **drop_mask;
    float *col;                 /* im2col scratch for the largest conv layer */
    float *dbuf[2];             /* ping-pong activation gradients */
    bcml_rng drop_rng;
};

#define MAX_DIM (1 << 24)
#define MAX_PARAMS ((int64_t)1 << 28)
#define MAX_LAYERS 256

/* ---------------------------------------------------------------- spec parsing */

static bcml_status add_layer(bcml_model *m, const cJSON *lj, int idx, int shape[3], int64_t *nparams, bcml_error *err) {
    char where[64];
    snprintf(where, sizeof where, "model spec: layers[%d]", idx);
    if (!cJSON_IsObject(lj)) return bcml__fail(err, BCML_EINVAL, "%s must be an object", where);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(lj, "type");
    if (!cJSON_IsString(t)) return bcml__fail(err, BCML_EINVAL, "%s: missing \"type\"", where);
    layer L;
    memset(&L, 0, sizeof L);
    L.w_off = L.b_off = -1;
    int found = 0;
    for (int k = 0; k < 6; k++)
        if (strcmp(t->valuestring, layer_names[k]) == 0) { L.kind = (layer_kind)k; found = 1; }
    if (!found)
        return bcml__fail(err, BCML_EINVAL, "%s: unknown layer type \"%s\" (known: linear, relu, conv2d, maxpool2d, "
                          "dropout, flatten)", where, t->valuestring);
    memcpy(L.in, shape, sizeof L.in);
    L.in_size = (int64_t)shape[0] * shape[1] * shape[2];
    int64_t v;
    bcml_status s;
    switch (L.kind) {
    case LAYER_LINEAR: {
        static const char *const keys[] = {"type", "out", NULL};
        if ((s = bcml__json_only_keys(lj, keys, where, err))) return s;
        if ((s = bcml__json_int(lj, "out", 1, 0, 1, MAX_DIM, where, &v, err))) return s;
        L.out[0] = (int)v; L.out[1] = L.out[2] = 1;
        L.w_off = *nparams;
        L.b_off = L.w_off + v * L.in_size;
        *nparams = L.b_off + v;
        break;
    }
    case LAYER_CONV2D: {
        static const char *const keys[] = {"type", "out", "kernel", "stride", "padding", NULL};
        if ((s = bcml__json_only_keys(lj, keys, where, err))) return s;
        if ((s = bcml__json_int(lj, "out", 1, 0, 1, 65536, where, &v, err))) return s;
        L.oc = (int)v;
        if ((s = bcml__json_int(lj, "kernel", 1, 0, 1, 64, where, &v, err))) return s;
        L.k = (int)v;
        if ((s = bcml__json_int(lj, "stride", 0, 1, 1, 64, where, &v, err))) return s;
        L.s = (int)v;
        if ((s = bcml__json_int(lj, "padding", 0, 0, 0, 64, where, &v, err))) return s;
        L.p = (int)v;
        if (shape[1] + 2 * L.p < L.k || shape[2] + 2 * L.p < L.k)
            return bcml__fail(err, BCML_EINVAL, "%s: kernel %d does not fit the input %dx%d (padding %d)", where, L.k,
                              shape[1], shape[2], L.p);
        L.out[0] = L.oc;
        L.out[1] = (shape[1] + 2 * L.p - L.k) / L.s + 1;
        L.out[2] = (shape[2] + 2 * L.p - L.k) / L.s + 1;
        L.w_off = *nparams;
        L.b_off = L.w_off + (int64_t)L.oc * shape[0] * L.k * L.k;
        *nparams = L.b_off + L.oc;
        break;
    }
    case LAYER_MAXPOOL2D: {
        static const char *const keys[] = {"type", "kernel", "stride", NULL};
        if ((s = bcml__json_only_keys(lj, keys, where, err))) return s;
        if ((s = bcml__json_int(lj, "kernel", 1, 0, 1, 64, where, &v, err))) return s;
        L.k = (int)v;
        if ((s = bcml__json_int(lj, "stride", 0, L.k, 1, 64, where, &v, err))) return s;
        L.s = (int)v;
        if (shape[1] < L.k || shape[2] < L.k)
            return bcml__fail(err, BCML_EINVAL, "%s: pool kernel %d does not fit the input %dx%d", where, L.k, shape[1],
                              shape[2]);
        L.out[0] = shape[0];
        L.out[1] = (shape[1] - L.k) / L.s + 1;
        L.out[2] = (shape[2] - L.k) / L.s + 1;
        break;
    }
    case LAYER_DROPOUT: {
        static const char *const keys[] = {"type", "p", "channels", NULL};
        if ((s = bcml__json_only_keys(lj, keys, where, err))) return s;
        double p;
        if ((s = bcml__json_num(lj, "p", 0, 0.5, 0.0, 0.99, where, &p, err))) return s;
        L.drop_p = (float)p;
        const cJSON *ch = cJSON_GetObjectItemCaseSensitive(lj, "channels");
        if (ch && !cJSON_IsBool(ch)) return bcml__fail(err, BCML_EINVAL, "%s: \"channels\" must be true or false", where);
        L.drop_channels = ch && cJSON_IsTrue(ch);
        memcpy(L.out, shape, sizeof L.out);
        break;
    }
    case LAYER_RELU: {
        static const char *const keys[] = {"type", NULL};
        if ((s = bcml__json_only_keys(lj, keys, where, err))) return s;
        memcpy(L.out, shape, sizeof L.out);
        break;
    }
    case LAYER_FLATTEN: {
        static const char *const keys[] = {"type", NULL};
        if ((s = bcml__json_only_keys(lj, keys, where, err))) return s;
        L.out[0] = (int)L.in_size; L.out[1] = L.out[2] = 1;
        break;
    }
    }
    L.out_size = (int64_t)L.out[0] * L.out[1] * L.out[2];
    if (L.out_size > MAX_DIM || *nparams > MAX_PARAMS)
        return bcml__fail(err, BCML_ENOMEM, "%s: the model is too large (%lld outputs, %lld parameters so far)", where,
                          (long long)L.out_size, (long long)*nparams);
    m->layers[m->nlayers++] = L;
    memcpy(shape, L.out, sizeof L.out);
    return BCML_OK;
}

static bcml_status parse_input_shape(const cJSON *in, int shape[3], bcml_error *err) {
    if (cJSON_IsNumber(in)) {
        double d = in->valuedouble;
        if (d != floor(d) || d < 1 || d > MAX_DIM)
            return bcml__fail(err, BCML_EINVAL, "model spec: \"input\" must be a whole number from 1 to %d", MAX_DIM);
        shape[0] = (int)d; shape[1] = shape[2] = 1;
        return BCML_OK;
    }
    if (cJSON_IsArray(in) && cJSON_GetArraySize(in) == 3) {
        int64_t total = 1;
        for (int i = 0; i < 3; i++) {
            const cJSON *e = cJSON_GetArrayItem(in, i);
            if (!cJSON_IsNumber(e) || e->valuedouble != floor(e->valuedouble) || e->valuedouble < 1 ||
                e->valuedouble > MAX_DIM)
                return bcml__fail(err, BCML_EINVAL, "model spec: \"input\"[%d] must be a whole number >= 1", i);
            shape[i] = (int)e->valuedouble;
            total *= shape[i];
            if (total > MAX_DIM) return bcml__fail(err, BCML_EINVAL, "model spec: \"input\" is too large");
        }
        return BCML_OK;
    }
    return bcml__fail(err, BCML_EINVAL, "model spec: \"input\" must be a feature count or [channels, height, width]");
}

/* Expands a preset into the explicit {"input", "layers"} form (a new object). */
static bcml_status expand_preset(const cJSON *spec, cJSON **out, bcml_error *err) {
    const cJSON *preset = cJSON_GetObjectItemCaseSensitive(spec, "preset");
    if (!cJSON_IsString(preset)) return bcml__fail(err, BCML_EINVAL, "model spec: \"preset\" must be a string");
    const char *name = preset->valuestring;
    bcml_status s;
    int64_t classes;
    cJSON *o = cJSON_CreateObject(), *layers = cJSON_AddArrayToObject(o, "layers");
#define LAYER(...) cJSON_AddItemToArray(layers, cJSON_Parse(__VA_ARGS__))
    if (strcmp(name, "logreg") == 0 || strcmp(name, "mlp") == 0) {
        int is_mlp = name[0] == 'm';
        static const char *const k1[] = {"preset", "input", "classes", NULL};
        static const char *const k2[] = {"preset", "input", "classes", "hidden", NULL};
        if ((s = bcml__json_only_keys(spec, is_mlp ? k2 : k1, "model spec", err))) goto fail;
        const cJSON *in = cJSON_GetObjectItemCaseSensitive(spec, "input");
        if (!in) { s = bcml__fail(err, BCML_EINVAL, "model spec: preset \"%s\" needs \"input\"", name); goto fail; }
        int shape[3];
        if ((s = parse_input_shape(in, shape, err))) goto fail;
        cJSON_AddItemToObject(o, "input", cJSON_Duplicate(in, 1));
        if ((s = bcml__json_int(spec, "classes", 1, 0, 1, 65536, "model spec", &classes, err))) goto fail;
        if (shape[1] * shape[2] > 1) LAYER("{\"type\":\"flatten\"}");
        if (is_mlp) {
            const cJSON *hidden = cJSON_GetObjectItemCaseSensitive(spec, "hidden"), *h;
            if (hidden && !cJSON_IsArray(hidden)) {
                s = bcml__fail(err, BCML_EINVAL, "model spec: \"hidden\" must be a list of layer sizes");
                goto fail;
            }
            int i = 0;
            cJSON *def = hidden ? NULL : cJSON_Parse("[50,10]"); /* upstream MLPClassifier default */
            const cJSON *list = hidden ? hidden : def;
            cJSON_ArrayForEach(h, list) {
                if (!cJSON_IsNumber(h) || h->valuedouble != floor(h->valuedouble) || h->valuedouble < 1 ||
                    h->valuedouble > MAX_DIM) {
                    cJSON_Delete(def);
                    s = bcml__fail(err, BCML_EINVAL, "model spec: \"hidden\"[%d] must be a whole number >= 1", i);
                    goto fail;
                }
                cJSON *l = cJSON_CreateObject();
                cJSON_AddStringToObject(l, "type", "linear");
                cJSON_AddNumberToObject(l, "out", h->valuedouble); /* read back below, not printed */
                cJSON_AddItemToArray(layers, l);
                LAYER("{\"type\":\"relu\"}");
                i++;
            }
            cJSON_Delete(def);
        }
    } else if (strcmp(name, "mnist-net") == 0 || strcmp(name, "cifar-net") == 0) {
        static const char *const k[] = {"preset", "classes", NULL};
        if ((s = bcml__json_only_keys(spec, k, "model spec", err))) goto fail;
        if ((s = bcml__json_int(spec, "classes", 0, 10, 1, 65536, "model spec", &classes, err))) goto fail;
        if (name[0] == 'm') {
            /* the original library's MNIST Net */
            cJSON_AddItemToObject(o, "input", cJSON_Parse("[1,28,28]"));
            LAYER("{\"type\":\"conv2d\",\"out\":10,\"kernel\":5}");
            LAYER("{\"type\":\"maxpool2d\",\"kernel\":2}");
            LAYER("{\"type\":\"relu\"}");
            LAYER("{\"type\":\"conv2d\",\"out\":20,\"kernel\":5}");
            LAYER("{\"type\":\"dropout\",\"p\":0.5,\"channels\":true}");
            LAYER("{\"type\":\"maxpool2d\",\"kernel\":2}");
            LAYER("{\"type\":\"relu\"}");
            LAYER("{\"type\":\"flatten\"}");
            LAYER("{\"type\":\"linear\",\"out\":50}");
            LAYER("{\"type\":\"relu\"}");
            LAYER("{\"type\":\"dropout\",\"p\":0.5}");
        } else {
            /* LeNet-style net for 32x32 colour images */
            cJSON_AddItemToObject(o, "input", cJSON_Parse("[3,32,32]"));
            LAYER("{\"type\":\"conv2d\",\"out\":6,\"kernel\":5}");
            LAYER("{\"type\":\"relu\"}");
            LAYER("{\"type\":\"maxpool2d\",\"kernel\":2}");
            LAYER("{\"type\":\"conv2d\",\"out\":16,\"kernel\":5}");
            LAYER("{\"type\":\"relu\"}");
            LAYER("{\"type\":\"maxpool2d\",\"kernel\":2}");
            LAYER("{\"type\":\"flatten\"}");
            LAYER("{\"type\":\"linear\",\"out\":120}");
            LAYER("{\"type\":\"relu\"}");
            LAYER("{\"type\":\"linear\",\"out\":84}");
            LAYER("{\"type\":\"relu\"}");
        }
    } else {
        s = bcml__fail(err, BCML_EINVAL, "model spec: unknown preset \"%s\" (known: logreg, mlp, mnist-net, cifar-net)",
                       name);
        goto fail;
    }
#undef LAYER
    cJSON *last = cJSON_CreateObject();
    cJSON_AddStringToObject(last, "type", "linear");
    cJSON_AddNumberToObject(last, "out", (double)classes);
    cJSON_AddItemToArray(layers, last);
    *out = o;
    return BCML_OK;
fail:
    cJSON_Delete(o);
    return s;
}

static void model_init_weights(bcml_model *m, uint64_t seed) {
    bcml_rng r;
    bcml_rng_seed(&r, seed, BCML_STREAM_INIT);
    for (int i = 0; i < m->nlayers; i++) {
        const layer *L = &m->layers[i];
        if (L->w_off < 0) continue;
        int64_t fan_in = L->kind == LAYER_LINEAR ? L->in_size : (int64_t)L->in[0] * L->k * L->k;
        int64_t nout = L->kind == LAYER_LINEAR ? L->out[0] : L->oc;
        /* PyTorch: kaiming_uniform_(a=sqrt(5)) and the bias rule both give bound 1/sqrt(fan_in) */
        float bound = (float)(1.0 / sqrt((double)fan_in));
        for (int64_t j = L->w_off; j < L->b_off; j++) m->params[j] = (2.0f * bcml_rng_uniform(&r) - 1.0f) * bound;
        for (int64_t j = 0; j < nout; j++) m->params[L->b_off + j] = (2.0f * bcml_rng_uniform(&r) - 1.0f) * bound;
    }
}

/* Builds the layer list from a parsed spec (preset or explicit); no weights initialised. */
static bcml_status model_from_spec(const cJSON *spec_in, bcml_model **out, bcml_error *err) {
    if (!cJSON_IsObject(spec_in)) return bcml__fail(err, BCML_EINVAL, "model spec must be a JSON object");
    cJSON *expanded = NULL;
    const cJSON *spec = spec_in;
    bcml_status s;
    if (cJSON_GetObjectItemCaseSensitive(spec_in, "preset")) {
        if ((s = expand_preset(spec_in, &expanded, err))) return s;
        spec = expanded;
    } else {
        static const char *const keys[] = {"input", "layers", NULL};
        if ((s = bcml__json_only_keys(spec, keys, "model spec", err))) return s;
    }
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(spec, "input");
    const cJSON *layers = cJSON_GetObjectItemCaseSensitive(spec, "layers");
    bcml_model *m = bcml__calloc(1, sizeof *m);
    if (!m) { cJSON_Delete(expanded); return bcml__fail(err, BCML_ENOMEM, "out of memory creating a model"); }
    int shape[3];
    if (!in) { s = bcml__fail(err, BCML_EINVAL, "model spec: missing \"input\""); goto fail; }
    if ((s = parse_input_shape(in, shape, err))) goto fail;
    if (!cJSON_IsArray(layers) || cJSON_GetArraySize(layers) < 1 || cJSON_GetArraySize(layers) > MAX_LAYERS) {
        s = bcml__fail(err, BCML_EINVAL, "model spec: \"layers\" must be a list of 1 to %d layers", MAX_LAYERS);
        goto fail;
    }
    m->layers = bcml__calloc((size_t)cJSON_GetArraySize(layers), sizeof(layer));
    if (!m->layers) { s = bcml__fail(err, BCML_ENOMEM, "out of memory creating a model"); goto fail; }
    const cJSON *lj;
    int idx = 0;
    int64_t nparams = 0;
    cJSON_ArrayForEach(lj, layers) {
        if ((s = add_layer(m, lj, idx++, shape, &nparams, err))) goto fail;
    }
    const layer *last = &m->layers[m->nlayers - 1];
    if (last->out[1] * last->out[2] != 1) {
        s = bcml__fail(err, BCML_EINVAL, "model spec: the last layer must give a flat vector of outputs (add flatten "
                       "and linear)");
        goto fail;
    }
    m->nparams = nparams;
    m->params = bcml__calloc((size_t)nparams, sizeof(float));
    m->grads = bcml__calloc((size_t)nparams, sizeof(float));
    m->spec = bcml__json_print((cJSON *)spec) /* exact digits; the tree is not read again */;
    if (!m->params || !m->grads || !m->spec) {
        s = bcml__fail(err, BCML_ENOMEM, "out of memory for %lld parameters", (long long)nparams);
        goto fail;
    }
    cJSON_Delete(expanded);
    *out = m;
    return BCML_OK;
fail:
    cJSON_Delete(expanded);
    bcml_model_free(m);
    return s;
}

bcml_status bcml_model_create(const char *spec_json, uint64_t seed, bcml_model **out, bcml_error *err) {
    *out = NULL;
    if (!spec_json) return bcml__fail(err, BCML_EINVAL, "model spec is NULL");
    cJSON *spec;
    bcml_status s = bcml__json_parse(spec_json, "model spec", &spec, err);
    if (s) return s;
    s = model_from_spec(spec, out, err);
    cJSON_Delete(spec);
    if (s) return s;
    model_init_weights(*out, seed);
    return BCML_OK;
}

static void free_workspace(bcml_model *m) {
    for (int i = 0; i < m->nlayers && m->acts; i++) {
        if (m->layers[i].kind != LAYER_FLATTEN) free(m->acts[i]);
        free(m->pool_idx[i]);
        free(m->drop_mask[i]);
    }
    free(m->acts);
    free(m->pool_idx);
    free(m->drop_mask);
    free(m->col);
    free(m->dbuf[0]);
    free(m->dbuf[1]);
    m->acts = NULL;
    m->pool_idx = NULL;
    m->drop_mask = NULL;
    m->col = m->dbuf[0] = m->dbuf[1] = NULL;
    m->cap = 0;
}

void bcml_model_free(bcml_model *m) {
    if (!m) return;
    free_workspace(m);
    free(m->layers);
    free(m->params);
    free(m->grads);
    free(m->spec);
    free(m);
}

bcml_status bcml_model_clone(const bcml_model *m, bcml_model **out, bcml_error *err) {
    *out = NULL;
    cJSON *spec = cJSON_Parse(m->spec);
    if (!spec) return bcml__fail(err, BCML_ENOMEM, "out of memory cloning a model");
    bcml_status s = model_from_spec(spec, out, err);
    cJSON_Delete(spec);
    if (s) return s;
    memcpy((*out)->params, m->params, (size_t)m->nparams * sizeof(float));
    (*out)->drop_rng = m->drop_rng;
    return BCML_OK;
}

int64_t bcml_model_input_size(const bcml_model *m) { return m->layers[0].in_size; }
int bcml_model_output_size(const bcml_model *m) { return (int)m->layers[m->nlayers - 1].out_size; }
int64_t bcml_model_param_count(const bcml_model *m) { return m->nparams; }
float *bcml_model_params(bcml_model *m) { return m->params; }
const char *bcml_model_spec(const bcml_model *m) { return m->spec; }
float *bcml__model_grads(bcml_model *m) { return m->grads; }

void bcml__model_seed_dropout(bcml_model *m, uint64_t seed) { bcml_rng_seed(&m->drop_rng, seed, BCML_STREAM_DROPOUT); }

/* ---------------------------------------------------------------- passes */

bcml_status bcml__model_reserve(bcml_model *m, int B, bcml_error *err) {
    if (B <= m->cap) return BCML_OK;
    free_workspace(m);
    size_t L = (size_t)m->nlayers;
    m->acts = bcml__calloc(L, sizeof(float *));
    m->pool_idx = bcml__calloc(L, sizeof(int32_t *));
    m->drop_mask = bcml__calloc(L, sizeof(float *));
    if (!m->acts || !m->pool_idx || !m->drop_mask) goto oom;
    int64_t max_act = m->layers[0].in_size, max_col = 0;
    for (size_t i = 0; i < L; i++) {
        const layer *ly = &m->layers[i];
        if (ly->out_size > max_act) max_act = ly->out_size;
        if (ly->kind == LAYER_FLATTEN) {
            m->acts[i] = i ? m->acts[i - 1] : NULL; /* flatten only renames the shape */
            continue;
        }
        if (!(m->acts[i] = bcml__alloc((size_t)B * (size_t)ly->out_size, sizeof(float)))) goto oom;
        if (ly->kind == LAYER_MAXPOOL2D && !(m->pool_idx[i] = bcml__alloc((size_t)B * (size_t)ly->out_size, sizeof(int32_t))))
            goto oom;
        if (ly->kind == LAYER_DROPOUT && !(m->drop_mask[i] = bcml__alloc((size_t)B * (size_t)ly->out_size, sizeof(float))))
            goto oom;
        if (ly->kind == LAYER_CONV2D) {
            int64_t c = (int64_t)ly->in[0] * ly->k * ly->k * ly->out[1] * ly->out[2];
            if (c > max_col) max_col = c;
        }
    }
    if (max_col && !(m->col = bcml__alloc((size_t)max_col, sizeof(float)))) goto oom;
    if (!(m->dbuf[0] = bcml__alloc((size_t)B * (size_t)max_act, sizeof(float)))) goto oom;
    if (!(m->dbuf[1] = bcml__alloc((size_t)B * (size_t)max_act, sizeof(float)))) goto oom;
    m->cap = B;
    return BCML_OK;
oom:
    free_workspace(m);
    return bcml__fail(err, BCML_ENOMEM, "out of memory for a batch of %d instances", B);
}

const float *bcml__model_forward(bcml_model *m, const float *x, int B, int train) {
    const float *inp = x;
    for (int i = 0; i < m->nlayers; i++) {
        const layer *L = &m->layers[i];
        float *out = m->acts[i];
        switch (L->kind) {
        case LAYER_LINEAR:
            linear_forward(out, inp, m->params + L->w_off, m->params + L->b_off, B, (int)L->in_size, L->out[0]);
            break;
        case LAYER_RELU:
            relu_forward(out, inp, (int64_t)B * L->out_size);
            break;
        case LAYER_CONV2D:
            conv2d_forward(out, inp, m->params + L->w_off, m->params + L->b_off, m->col, B, L->in[0], L->in[1], L->in[2],
                           L->oc, L->k, L->s, L->p);
            break;
        case LAYER_MAXPOOL2D:
            maxpool2d_forward(out, m->pool_idx[i], inp, B, L->in[0], L->in[1], L->in[2], L->k, L->s);
            break;
        case LAYER_DROPOUT:
            if (train && L->drop_p > 0)
                dropout_forward(out, m->drop_mask[i], inp, B, (int)L->out_size, L->drop_channels ? L->in[0] : 0,
                                L->drop_p, &m->drop_rng);
            else
                bcml_copy_floats(out, inp, (int64_t)B * L->out_size);
            break;
        case LAYER_FLATTEN:
            out = m->acts[i] = (float *)inp; /* flatten only renames the shape */
            break;
        }
        inp = out;
    }
    return inp;
}

void bcml__model_backward(bcml_model *m, const float *x, const float *dlogits, int B) {
    const float *g = dlogits;
    for (int i = m->nlayers - 1; i >= 0; i--) {
        const layer *L = &m->layers[i];
        const float *inp = i ? m->acts[i - 1] : x;
        float *dinp = i ? m->dbuf[i & 1] : NULL; /* nothing needs the gradient of the data */
        int64_t n_in = (int64_t)B * L->in_size;
        switch (L->kind) {
        case LAYER_LINEAR:
            linear_backward(dinp, m->grads + L->w_off, m->grads + L->b_off, g, inp, m->params + L->w_off, B,
                            (int)L->in_size, L->out[0]);
            break;
        case LAYER_CONV2D:
            conv2d_backward(dinp, m->grads + L->w_off, m->grads + L->b_off, g, inp, m->params + L->w_off, m->col, B,
                            L->in[0], L->in[1], L->in[2], L->oc, L->k, L->s, L->p);
            break;
        case LAYER_RELU:
            if (dinp) relu_backward(dinp, g, m->acts[i], n_in);
            break;
        case LAYER_MAXPOOL2D:
            if (dinp) maxpool2d_backward(dinp, g, m->pool_idx[i], B, L->in[0], L->in[1], L->in[2], L->out[1], L->out[2]);
            break;
        case LAYER_DROPOUT:
            if (dinp) {
                if (L->drop_p > 0) dropout_backward(dinp, g, m->drop_mask[i], n_in);
                else bcml_copy_floats(dinp, g, n_in);
            }
            break;
        case LAYER_FLATTEN:
            if (dinp) bcml_copy_floats(dinp, g, n_in);
            break;
        }
        g = dinp;
    }
}

bcml_status bcml_model_predict(bcml_model *m, const float *x, int64_t n, float *out, bcml_error *err) {
    if (n < 0 || (n > 0 && (!x || !out))) return bcml__fail(err, BCML_EINVAL, "predict: bad arguments");
    const int chunk = 256;
    bcml_status s = bcml__model_reserve(m, n < chunk ? (int)(n ? n : 1) : chunk, err);
    if (s) return s;
    int64_t D = bcml_model_input_size(m), O = bcml_model_output_size(m);
    for (int64_t i = 0; i < n; i += chunk) {
        int b = (int)(n - i < chunk ? n - i : chunk);
        const float *o = bcml__model_forward(m, x + i * D, b, 0);
        memcpy(out + i * O, o, (size_t)b * (size_t)O * sizeof(float));
    }
    return BCML_OK;
}

/* ---------------------------------------------------------------- save / load */

static const unsigned char MAGIC[8] = {'B', 'C', 'M', 'L', 'M', 'D', 'L', 0};
#define FORMAT_VERSION 1u

static void put_u32(unsigned char *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i)); }
static uint32_t get_u32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bcml_status bcml_model_save(const bcml_model *m, unsigned char **bytes, size_t *len, bcml_error *err) {
    size_t spec_len = strlen(m->spec);
    size_t total = 8 + 4 + 4 + spec_len + 8 + (size_t)m->nparams * 4;
    unsigned char *b = bcml__alloc(total, 1);
    if (!b) return bcml__fail(err, BCML_ENOMEM, "out of memory saving a model");
    unsigned char *p = b;
    memcpy(p, MAGIC, 8); p += 8;
    put_u32(p, FORMAT_VERSION); p += 4;
    put_u32(p, (uint32_t)spec_len); p += 4;
    memcpy(p, m->spec, spec_len); p += spec_len;
    put_u32(p, (uint32_t)((uint64_t)m->nparams & 0xffffffffu)); p += 4;
    put_u32(p, (uint32_t)((uint64_t)m->nparams >> 32)); p += 4;
    for (int64_t i = 0; i < m->nparams; i++, p += 4) put_u32(p, bcml_float_to_bits(m->params[i]));
    *bytes = b;
    *len = total;
    return BCML_OK;
}

bcml_status bcml_model_load(const unsigned char *bytes, size_t len, bcml_model **out, bcml_error *err) {
    *out = NULL;
    if (len < 16 || memcmp(bytes, MAGIC, 8) != 0)
        return bcml__fail(err, BCML_EFORMAT, "model file: not a bcml model (bad magic at byte 0)");
    uint32_t ver = get_u32(bytes + 8), spec_len = get_u32(bytes + 12);
    if (ver != FORMAT_VERSION)
        return bcml__fail(err, BCML_EFORMAT, "model file: format version %u is not supported (expected %u)", ver,
                          FORMAT_VERSION);
    if ((size_t)spec_len > len - 16 || len - 16 - spec_len < 8)
        return bcml__fail(err, BCML_EFORMAT, "model file: truncated (spec of %u bytes at byte 16, file is %zu bytes)",
                          spec_len, len);
    char *spec_text = bcml__alloc((size_t)spec_len + 1, 1);
    if (!spec_text) return bcml__fail(err, BCML_ENOMEM, "out of memory loading a model");
    memcpy(spec_text, bytes + 16, spec_len);
    spec_text[spec_len] = 0;
    cJSON *spec;
    bcml_status s = bcml__json_parse(spec_text, "model file: spec", &spec, err);
    free(spec_text);
    if (s) return s;
    s = model_from_spec(spec, out, err);
    cJSON_Delete(spec);
    if (s) return s;
    const unsigned char *p = bytes + 16 + spec_len;
    uint64_t np = (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
    p += 8;
    size_t have = (len - 16 - spec_len - 8) / 4;
    if (np != (uint64_t)(*out)->nparams || have != np) {
        s = bcml__fail(err, BCML_EFORMAT, "model file: %llu parameters stored, %zu present, the spec needs %lld",
                       (unsigned long long)np, have, (long long)(*out)->nparams);
        goto fail;
    }
    for (int64_t i = 0; i < (*out)->nparams; i++, p += 4) {
        float v = bcml_bits_to_float(get_u32(p));
        if (!isfinite(v)) {
            s = bcml__fail(err, BCML_EFORMAT, "model file: parameter %lld is not finite (byte %zu)", (long long)i,
                           (size_t)(p - bytes));
            goto fail;
        }
        (*out)->params[i] = v;
    }
    return BCML_OK;
fail:
    bcml_model_free(*out);
    *out = NULL;
    return s;
}

bcml_status bcml_model_save_file(const bcml_model *m, const char *path, bcml_error *err) {
    unsigned char *b;
    size_t n;
    bcml_status s = bcml_model_save(m, &b, &n, err);
    if (s) return s;
    s = bcml__write_file_atomic(path, b, n, err);
    free(b);
    return s;
}

bcml_status bcml_model_load_file(const char *path, bcml_model **out, bcml_error *err) {
    *out = NULL;
    char *b;
    size_t n;
    bcml_status s = bcml__read_file(path, &b, &n, err);
    if (s) return bcml__fail(err, s, "cannot open model file %s", path);
    s = bcml_model_load((const unsigned char *)b, n, out, err);
    free(b);
    if (s && err) {
        char msg[sizeof err->msg];
        snprintf(msg, sizeof msg, "%.200s: %.300s", path, err->msg);
        memcpy(err->msg, msg, sizeof msg);
    }
    return s;
}
