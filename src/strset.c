/* strset.c - the distinct strings of a column by content, in one pass: an open-addressing hash table (FNV-1a,
 * linear probing) whose ids follow first appearance. It points at the caller's strings and copies none. */
#include "internal.h"

#include <string.h>

static uint32_t hash(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

void bcml__strset_free(bcml__strset *s) {
    free(s->slot);
    free(s->key);
    memset(s, 0, sizeof *s);
}

/* Slot of k: its id's slot, or the empty one where it would go. */
static size_t probe(const bcml__strset *s, const char *k, uint32_t h) {
    size_t mask = s->cap - 1, i = h & mask;
    while (s->slot[i] >= 0 && strcmp(s->key[s->slot[i]], k) != 0) i = (i + 1) & mask;
    return i;
}

static int grow(bcml__strset *s) {
    size_t cap = s->cap ? s->cap * 2 : 64;
    int32_t *slot = bcml__alloc(cap, sizeof(int32_t));
    const char **key = bcml__realloc((void *)s->key, cap / 2, sizeof(char *));
    if (!slot || !key) { free(slot); if (key) s->key = key; return -1; }
    memset(slot, 0xff, cap * sizeof(int32_t)); /* -1: empty */
    free(s->slot);
    s->slot = slot;
    s->key = key;
    s->cap = cap;
    for (int32_t id = 0; id < s->n; id++) s->slot[probe(s, s->key[id], hash(s->key[id]))] = id;
    return 0;
}

int32_t bcml__strset_add(bcml__strset *s, const char *k) {
    if ((size_t)s->n >= s->cap / 2 && (s->n == INT32_MAX || grow(s))) return -1; /* at most half full */
    size_t i = probe(s, k, hash(k));
    if (s->slot[i] < 0) {
        s->key[s->n] = k;
        s->slot[i] = s->n++;
    }
    return s->slot[i];
}

int32_t bcml__strset_find(const bcml__strset *s, const char *k) {
    return s->cap ? s->slot[probe(s, k, hash(k))] : -1;
}
