/* fuzz_arrays.c - libFuzzer target: .npy, .npz and IDX readers on the same bytes. */
#include "bcml.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    bcml_array a;
    if (bcml_npy_read(data, size, "fuzz.npy", &a, NULL) == BCML_OK) bcml_array_free(&a);
    if (bcml_npz_read(data, size, "x", "fuzz.npz", &a, NULL) == BCML_OK) bcml_array_free(&a);
    if (bcml_idx_read(data, size, "fuzz.idx", &a, NULL) == BCML_OK) bcml_array_free(&a);
    bcml_model *m = NULL;
    if (bcml_model_load(data, size, &m, NULL) == BCML_OK) bcml_model_free(m);
    return 0;
}
