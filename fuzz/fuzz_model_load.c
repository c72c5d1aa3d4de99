/*
 * fuzz_model_load.c -- libFuzzer target for the model loader: the fuzz bytes
 * are copied into a 64-byte-aligned buffer and given to mo_model_load_buffer;
 * a model that loads is scored once (and its class predicted, for a model
 * trained with --classes), so accepted inputs are also exercised.
 * Seeds in fuzz/corpus/model_load/ (valid, truncated, flipped, bad metadata).
 */
#include "moderato.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t cap = (size + 63) / 64 * 64;
    uint8_t *buf = aligned_alloc(64, cap ? cap : 64);
    if (!buf)
        return 0;
    if (size)
        memcpy(buf, data, size);
    mo_model *m = NULL;
    mo_diag d;
    if (mo_model_load_buffer(buf, size, &m, &d) == MO_OK) {
        mo_model_scratch *s = NULL;
        float scores[256];
        (void)mo_model_label(m, 0);
        (void)mo_model_meta_json(m);
        if (mo_model_n_labels(m) <= 256 && mo_model_scratch_new(m, &s) == MO_OK) {
            static const char text[] = "free prize, call now! you are an idiot";
            if (mo_model_predict(m, s, text, sizeof text - 1, scores, NULL) == MO_OK) {
                int c = mo_model_predict_class(m, scores);
                if (c >= (int)mo_model_n_labels(m) || (c < 0) != (mo_model_n_classes(m) == 0))
                    abort();
            }
        }
        mo_model_scratch_free(s);
        mo_model_free(m);
    }
    free(buf);
    return 0;
}
