/* data.c - built-in synthetic datasets, reproducible bit for bit from a seed in every build. */
#include "internal.h"
#include "fmath.h"

#include <math.h>
#include <string.h>

/* standard normal by Marsaglia's polar method: needs only log and sqrt, both the same everywhere */
static float normal(bcml_rng *r) {
    for (;;) {
        float u = 2.0f * bcml_rng_uniform(r) - 1.0f, v = 2.0f * bcml_rng_uniform(r) - 1.0f;
        float s = u * u + v * v;
        if (s > 0.0f && s < 1.0f) return u * sqrtf(-2.0f * bcml_logf(s) / s);
    }
}

/* Each built-in set is a mixture of Gaussian components (sd 0.8) whose centres are fixed; component k
 * belongs to class k % classes, so classes have curved boundaries a small sample does not pin down. */
typedef struct {
    const char *name;
    int dim, classes, components;
    float centre[8][3];           /* the first 3 coordinates of each centre; the rest are 0 (noise features) */
} builtin;

static const builtin builtins[] = {
    /* 3 classes, each two blobs on opposite sides of a ring */
    {"blobs", 2, 3, 6, {{2.5f, 0}, {1.25f, 2.165f}, {-1.25f, 2.165f}, {-2.5f, 0}, {-1.25f, -2.165f}, {1.25f, -2.165f}}},
    /* 2 classes in an XOR layout, for the binary losses */
    {"blobs-binary", 2, 2, 4, {{1.5f, 1.5f}, {-1.5f, 1.5f}, {-1.5f, -1.5f}, {1.5f, -1.5f}}},
    /* 4 classes on the corners of a cube in 3 of 10 features; 7 features of noise */
    {"gauss10", 10, 4, 8, {{-1.5f, -1.5f, -1.5f}, {1.5f, -1.5f, -1.5f}, {-1.5f, 1.5f, -1.5f}, {1.5f, 1.5f, -1.5f},
                           {-1.5f, -1.5f, 1.5f}, {1.5f, -1.5f, 1.5f}, {-1.5f, 1.5f, 1.5f}, {1.5f, 1.5f, 1.5f}}},
};

bcml_status bcml_dataset_builtin(const char *name, int64_t n, uint64_t seed, float **x, int32_t **y, int64_t *dim,
                                 int *classes, bcml_error *err) {
    *x = NULL;
    *y = NULL;
    const builtin *b = NULL;
    for (size_t i = 0; i < sizeof builtins / sizeof *builtins; i++)
        if (name && strcmp(name, builtins[i].name) == 0) b = &builtins[i];
    if (!b) return bcml__fail(err, BCML_EINVAL, "unknown built-in dataset \"%s\" (known: blobs, blobs-binary, gauss10)",
                              name ? name : "(null)");
    if (n < 1 || n > 100000000) return bcml__fail(err, BCML_EINVAL, "built-in dataset: n must be 1 to 100000000");
    *x = bcml__alloc((size_t)n * b->dim, sizeof(float));
    *y = bcml__alloc((size_t)n, sizeof(int32_t));
    if (!*x || !*y) {
        free(*x); free(*y); *x = NULL; *y = NULL;
        return bcml__fail(err, BCML_ENOMEM, "built-in dataset: out of memory for %lld instances", (long long)n);
    }
    bcml_rng r;
    bcml_rng_seed(&r, seed, BCML_STREAM_DATA);
    for (int64_t i = 0; i < n; i++) {
        int k = (int)bcml_rng_below(&r, (uint32_t)b->components);
        (*y)[i] = k % b->classes;
        for (int j = 0; j < b->dim; j++) (*x)[i * b->dim + j] = (j < 3 ? b->centre[k][j] : 0.0f) + 0.8f * normal(&r);
    }
    *dim = b->dim;
    *classes = b->classes;
    return BCML_OK;
}
