/* fuzz_csv.c - libFuzzer target: CSV cells and tables, learning an encoding and applying it again. */
#include "bcml.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *json = NULL;
    if (bcml_csv_cells_json((const char *)data, size, ',', "fuzz.csv", &json, NULL) == BCML_OK) bcml_free(json);
    const char *slices[1] = {"s"}, *ignore[1] = {"z"};
    bcml_csv_options o = {"y", "id", slices, size % 2, ignore, (size / 2) % 2, size % 3 == 0 ? ';' : ','};
    bcml_table t, t2;
    bcml_encoder *enc = NULL;
    if (bcml_csv_read((const char *)data, size, "fuzz.csv", &o, NULL, &t, &enc, NULL) == BCML_OK) {
        if (bcml_encoder_to_json(enc, &json, NULL) == BCML_OK) {
            bcml_encoder *again = NULL;
            if (bcml_encoder_from_json(json, &again, NULL) == BCML_OK) bcml_encoder_free(again);
            bcml_free(json);
        }
        if (bcml_csv_read((const char *)data, size, "fuzz.csv", &o, enc, &t2, NULL, NULL) == BCML_OK) bcml_table_free(&t2);
        bcml_table_free(&t);
    }
    bcml_encoder_free(enc);
    return 0;
}
