/* internal.h - helpers shared by the library's source files; not part of the public API. */
#ifndef BCML_INTERNAL_H
#define BCML_INTERNAL_H

#include "bcml.h"
#include <stdint.h>
#include <stdlib.h>

#if defined(__GNUC__)
#define BCML_ALWAYS_INLINE inline __attribute__((always_inline))
/* a hot loop kept a function of its own: wasm engines swap in optimized code only at a call, and compile it sooner when small */
#define BCML_NOINLINE __attribute__((noinline))
#else
#define BCML_ALWAYS_INLINE inline
#define BCML_NOINLINE
#endif

/* Fills err (if any) and returns code; the message is printf-formatted. */
bcml_status bcml__fail(bcml_error *err, bcml_status code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Allocation of count * size bytes that fails (NULL) on overflow or beyond BCML_MAX_ALLOC. */
#if SIZE_MAX > 0xffffffffu
#define BCML_MAX_ALLOC ((size_t)1 << 34)
#else
#define BCML_MAX_ALLOC ((size_t)0x7fffffff) /* wasm32: 2 GiB of memory at most */
#endif
void *bcml__alloc(size_t count, size_t size);
void *bcml__calloc(size_t count, size_t size);
/* bcml__alloc for a large array read at random (freed with free): on Linux, 2 MB pages where the kernel allows them */
void *bcml__alloc_large(size_t count, size_t size);
void *bcml__realloc(void *p, size_t count, size_t size);

/* how prepared rows are read: 'p' packed entries, 'w' wide entries, 'd' dense rows (see train.c) */
char bcml__train_rows_layout(const bcml_train_rows *r);

/* PCG32 (O'Neill): small, fast, and the same sequence on every platform. */
typedef struct { uint64_t state, inc; } bcml_rng;

static inline uint32_t bcml_rng_u32(bcml_rng *r) {
    uint64_t old = r->state;
    r->state = old * 6364136223846793005ULL + r->inc;
    uint32_t x = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (x >> rot) | (x << ((32u - rot) & 31u));
}
static inline void bcml_rng_seed(bcml_rng *r, uint64_t seed, uint64_t stream) {
    r->state = 0;
    r->inc = (stream << 1) | 1u;
    bcml_rng_u32(r);
    r->state += seed;
    bcml_rng_u32(r);
}
/* Uniform in [0, 1) with 24 random bits, exactly representable as float. */
static inline float bcml_rng_uniform(bcml_rng *r) { return (float)(bcml_rng_u32(r) >> 8) * (1.0f / 16777216.0f); }
/* Uniform integer in [0, n) without modulo bias. */
static inline uint32_t bcml_rng_below(bcml_rng *r, uint32_t n) {
    uint32_t t = (0u - n) % n, x;
    do { x = bcml_rng_u32(r); } while (x < t);
    return x % n;
}

/* 1 when losses a and b at weight lambda_c give the same value and gradient, bit for bit, on every input that
 * both accept (so a sweep trains such a pair once). */
int bcml__loss_same(const bcml_loss_opts *a, const bcml_loss_opts *b, double lambda_c);
/* The evaluation record as a cJSON object (see bcml_evaluation_json), for callers that add keys. */
struct cJSON;
bcml_status bcml__evaluation_cjson(const bcml_eval_input *in, struct cJSON **out, bcml_error *err);
/* The few fields of an evaluation record the sweep summary reads, as JSON text (allocated; NULL when out of
 * memory): the summary stays linear in the sweep's size and never parses whole records. */
char *bcml__sweep_row(const struct cJSON *record);
/* Writes text to path through a temporary file and a rename, so readers never see half a file. */
bcml_status bcml__write_file_atomic(const char *path, const void *data, size_t len, bcml_error *err);
/* Reads a whole file; *data allocated and NUL-terminated. */
bcml_status bcml__read_file(const char *path, char **data, size_t *len, bcml_error *err);

/* Distinct strings by content (strset.c): ids 0, 1, ... in order of first appearance; the set points at the
 * caller's strings, which must outlive it. Zero-initialise; add returns the id, or -1 when out of memory. */
typedef struct { int32_t *slot; const char **key; size_t cap; int32_t n; } bcml__strset;
int32_t bcml__strset_add(bcml__strset *s, const char *k);
int32_t bcml__strset_find(const bcml__strset *s, const char *k); /* -1 if absent */
void bcml__strset_free(bcml__strset *s);

/* Random streams, so that each use of one seed draws its own independent sequence. */
enum { BCML_STREAM_INIT = 1, BCML_STREAM_SHUFFLE = 2, BCML_STREAM_DROPOUT = 3, BCML_STREAM_DATA = 4,
       BCML_STREAM_BOOTSTRAP = 5 };

#endif /* BCML_INTERNAL_H */
