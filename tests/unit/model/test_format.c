/*
 * test_format.c -- unit tests for the model file (src/model/format.c): a
 * serialized model loads from a buffer and from a file with the same values;
 * truncation, a flipped byte, a wrong magic, a newer major version, an
 * unaligned buffer, a tensor out of bounds and missing metadata fields are
 * each rejected with the right code and a diag naming the problem.
 * With MO_WRITE_CORPUS=<dir> it also writes fuzz seeds there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/model_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#define HB 10
#define NL 2

static const char meta_ok[] =
    "{\"format\":\"moderato-model\",\"labels\":["
    "{\"name\":\"spam\",\"threshold\":0.7,\"calibration\":{\"method\":\"platt\",\"a\":1.5,\"b\":-0."
    "5}},"
    "{\"name\":\"hate\",\"threshold\":0.25,\"calibration\":{\"method\":\"platt\",\"a\":1,\"b\":0}}]"
    ","
    "\"features\":{\"hash_bits\":10,\"word_ngrams\":2,\"char_min\":2,\"char_max\":4,"
    "\"hash_seed\":\"12345678901234567890\"}}";

static float w[(1 << HB) * NL];
static float bias[NL] = {0.25f, -1.0f};

/* Serializes a small f32 model with `meta` into a 64-aligned buffer. */
static uint8_t *make(const char *meta, size_t *len)
{
    for (size_t i = 0; i < (1 << HB) * NL; i++)
        w[i] = (float)((int)(i % 17) - 8) / 16.0f;
    mo__tensor t[2] = {
        {"w", MO__DTYPE_F32, 2, {1 << HB, NL, 0, 0}, w, sizeof w},
        {"b", MO__DTYPE_F32, 1, {NL, 0, 0, 0}, bias, sizeof bias},
    };
    uint8_t *b;
    assert_int_equal(mo__model_serialize(meta, strlen(meta), t, 2, &b, len), MO_OK);
    uint8_t *a = aligned_alloc(64, (*len + 63) / 64 * 64);
    memcpy(a, b, *len);
    mo__free(b);
    return a;
}

static void reseal(uint8_t *b, size_t len)
{
    uint64_t h = XXH64(b, len - 8, 0);
    for (int i = 0; i < 8; i++)
        b[len - 8 + i] = (uint8_t)(h >> (8 * i));
}

static void dump(const char *name, const uint8_t *b, size_t len)
{
    const char *dir = getenv("MO_WRITE_CORPUS");
    if (!dir)
        return;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(b, 1, len, f);
    fclose(f);
}

static void test_load_buffer(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = make(meta_ok, &len);
    dump("valid_f32.momd", b, len);
    assert_int_equal(len % 64, 8); /* data padded to 64, then the checksum */
    assert_memory_equal(b, "MOMD", 4);
    mo_model *m;
    mo_diag d;
    assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_OK);
    assert_int_equal(mo_model_n_labels(m), 2);
    assert_string_equal(mo_model_label(m, 0), "spam");
    assert_string_equal(mo_model_label(m, 1), "hate");
    assert_null(mo_model_label(m, 2));
    assert_float_equal(mo_model_threshold(m, 0), 0.7f, 0);
    assert_float_equal(mo_model_threshold(m, 1), 0.25f, 0);
    assert_float_equal(mo_model_threshold(m, 2), -1.0f, 0);
    assert_string_equal(mo_model_meta_json(m), meta_ok);
    assert_int_equal(m->feat.hash_seed, 12345678901234567890ull);
    assert_int_equal(m->feat.char_max, 4);
    assert_float_equal(m->platt_a[0], 1.5f, 0);
    /* Weights are used in place, not copied. */
    assert_ptr_equal(m->w.w_f32, (const float *)(b + ((const uint8_t *)m->w.w_f32 - b)));
    assert_true((const uint8_t *)m->w.w_f32 > b && (const uint8_t *)m->w.w_f32 < b + len);
    assert_int_equal(((uintptr_t)m->w.w_f32) % 64, 0);
    assert_memory_equal(m->w.w_f32, w, sizeof w);
    assert_float_equal(m->w.bias[1], -1.0f, 0);
    mo_model_free(m);
    mo_model_free(NULL);
    free(b);
}

static void test_file_round_trip(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = make(meta_ok, &len);
    char path[] = "/tmp/mo_test_format_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(mo__file_write_atomic(path, b, len, NULL), MO_OK);
    mo_model *m;
    mo_diag d;
    assert_int_equal(mo_model_load(path, &m, &d), MO_OK);
    assert_memory_equal(m->w.w_f32, w, sizeof w);
    assert_string_equal(mo_model_label(m, 1), "hate");
    mo_model_free(m);

    /* Truncated file: the size check names both sizes. */
    assert_int_equal(mo__file_write_atomic(path, b, len - 100, NULL), MO_OK);
    assert_int_equal(mo_model_load(path, &m, &d), MO_EFORMAT);
    assert_null(m);
    char want[128];
    snprintf(want, sizeof want, "truncated: file is %zu bytes, header says %zu", len - 100, len);
    assert_non_null(strstr(d.msg, want));
    assert_non_null(strstr(d.msg, path));
    assert_string_equal(d.file, path);
    /* Shorter than a header. */
    assert_int_equal(mo__file_write_atomic(path, b, 10, NULL), MO_OK);
    assert_int_equal(mo_model_load(path, &m, &d), MO_EFORMAT);
    assert_non_null(strstr(d.msg, "truncated"));
    unlink(path);
    assert_int_equal(mo_model_load(path, &m, &d), MO_EIO);
    free(b);
}

static void test_corrupt(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = make(meta_ok, &len);
    mo_model *m = (mo_model *)1;
    mo_diag d;

    /* Flipped byte in the weights: checksum. */
    b[len / 2] ^= 0x40;
    dump("flipped.momd", b, len);
    assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_EFORMAT);
    assert_null(m);
    assert_string_equal(d.field, "checksum");
    b[len / 2] ^= 0x40;

    /* Truncated buffer. */
    dump("truncated.momd", b, len - 64);
    assert_int_equal(mo_model_load_buffer(b, len - 64, &m, &d), MO_EFORMAT);
    assert_non_null(strstr(d.msg, "truncated"));

    /* Wrong magic. */
    b[0] = 'X';
    dump("bad_magic.momd", b, len);
    assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_EFORMAT);
    assert_string_equal(d.field, "magic");
    b[0] = 'M';

    /* Newer major version (resealed, so only the version is wrong). */
    b[4] = 2;
    reseal(b, len);
    dump("major2.momd", b, len);
    assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_EVERSION);
    assert_non_null(strstr(d.msg, "2."));
    b[4] = 1;
    /* A newer minor is read. */
    b[6] = 3;
    reseal(b, len);
    assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_OK);
    mo_model_free(m);
    b[6] = 0;
    reseal(b, len);

    /* Unaligned buffer. */
    assert_int_equal(mo_model_load_buffer(b + 1, len - 1, &m, &d), MO_EINVAL);

    /* Tensor out of bounds (offset of tensor 0 moved past the end). */
    uint64_t table_off = 0;
    for (int i = 7; i >= 0; i--)
        table_off = (table_off << 8) | b[40 + i];
    uint8_t save[8];
    memcpy(save, b + table_off + 72, 8);
    uint64_t off = (uint64_t)len; /* 64-aligned? len % 64 == 8, so round up */
    off = (off + 63) / 64 * 64;
    for (int i = 0; i < 8; i++)
        b[table_off + 72 + i] = (uint8_t)(off >> (8 * i));
    reseal(b, len);
    dump("tensor_oob.momd", b, len);
    assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_EFORMAT);
    assert_string_equal(d.field, "tensor.offset");
    /* Misaligned offset. */
    b[table_off + 72] = (uint8_t)(save[0] + 4);
    memcpy(b + table_off + 73, save + 1, 7);
    reseal(b, len);
    assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_EFORMAT);
    assert_non_null(strstr(d.msg, "aligned"));
    memcpy(b + table_off + 72, save, 8);
    reseal(b, len);
    assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_OK);
    mo_model_free(m);
    free(b);
}

static void test_bad_metadata(void **state)
{
    (void)state;
    static const char *metas[] = {
        "not json",
        "[1,2]",
        "{\"features\":{\"hash_bits\":10,\"word_ngrams\":2,\"char_min\":2,\"char_max\":4,"
        "\"hash_seed\":\"1\"}}",
        "{\"labels\":[{\"name\":\"spam\",\"threshold\":0.5,\"calibration\":{\"a\":1,\"b\":0}},"
        "{\"name\":\"hate\",\"threshold\":0.5,\"calibration\":{\"a\":1,\"b\":0}}]}",
        "{\"labels\":[{\"name\":\"spam\"},{\"name\":\"hate\"}],\"features\":{\"hash_bits\":10,"
        "\"word_ngrams\":2,\"char_min\":2,\"char_max\":4,\"hash_seed\":\"1\"}}",
        /* hash_bits disagrees with tensor w */
        "{\"labels\":[{\"name\":\"spam\",\"threshold\":0.5,\"calibration\":{\"a\":1,\"b\":0}},"
        "{\"name\":\"hate\",\"threshold\":0.5,\"calibration\":{\"a\":1,\"b\":0}}],\"features\":"
        "{\"hash_bits\":11,\"word_ngrams\":2,\"char_min\":2,\"char_max\":4,\"hash_seed\":\"1\"}}",
        /* one label, but w has two columns */
        "{\"labels\":[{\"name\":\"spam\",\"threshold\":0.5,\"calibration\":{\"a\":1,\"b\":0}}],"
        "\"features\":{\"hash_bits\":10,\"word_ngrams\":2,\"char_min\":2,\"char_max\":4,"
        "\"hash_seed\":\"1\"}}",
    };
    static const char *fields[] = {"meta", "meta", "labels", "features", "labels", "w", "w"};
    for (size_t i = 0; i < sizeof metas / sizeof metas[0]; i++) {
        size_t len;
        uint8_t *b = make(metas[i], &len);
        char name[32];
        snprintf(name, sizeof name, "bad_meta_%zu.momd", i);
        dump(name, b, len);
        mo_model *m;
        mo_diag d;
        assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_EFORMAT);
        assert_null(m);
        assert_string_equal(d.field, fields[i]);
        free(b);
    }
}

/* Optional "classes": a valid group loads and predicts the weighted argmax;
 * every malformed one is MO_EFORMAT naming the field. */
static void test_classes_metadata(void **state)
{
    (void)state;
    char meta[1024];
    const char *tail = strrchr(meta_ok, '}');
    size_t head = (size_t)(tail - meta_ok);
    static const char *groups[] = {
        "{\"labels\":[\"spam\",\"hate\"],\"weights\":[1,4]}", /* ok */
        "{\"labels\":[\"spam\"],\"weights\":[1]}",
        "{\"labels\":[\"spam\",\"hate\"],\"weights\":[1]}",
        "{\"labels\":[\"spam\",\"porn\"],\"weights\":[1,1]}",
        "{\"labels\":[\"spam\",\"spam\"],\"weights\":[1,1]}",
        "{\"labels\":[\"spam\",\"hate\"],\"weights\":[1,0]}",
        "{\"labels\":[\"spam\",\"hate\"],\"weights\":[1,\"x\"]}",
        "[1]",
    };
    static const char *fields[] = {NULL,
                                   "classes",
                                   "classes",
                                   "classes.labels",
                                   "classes.labels",
                                   "classes.weights",
                                   "classes.weights",
                                   "classes"};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        snprintf(meta, sizeof meta, "%.*s,\"classes\":%s}", (int)head, meta_ok, groups[i]);
        size_t len;
        uint8_t *b = make(meta, &len);
        mo_model *m;
        mo_diag d;
        int rc = mo_model_load_buffer(b, len, &m, &d);
        if (!fields[i]) {
            assert_int_equal(rc, MO_OK);
            assert_int_equal(mo_model_n_classes(m), 2);
            /* spam 0.5 vs hate 0.2 * 4 = 0.8: hate (label 1) wins. */
            float sc[2] = {0.5f, 0.2f};
            assert_int_equal(mo_model_predict_class(m, sc), 1);
            sc[1] = 0.1f; /* 0.5 vs 0.4 */
            assert_int_equal(mo_model_predict_class(m, sc), 0);
            mo_model_free(m);
        } else {
            assert_int_equal(rc, MO_EFORMAT);
            assert_null(m);
            assert_string_equal(d.field, fields[i]);
        }
        free(b);
    }
    /* Without "classes": no class is predicted. */
    size_t len;
    uint8_t *b = make(meta_ok, &len);
    mo_model *m;
    mo_diag d;
    assert_int_equal(mo_model_load_buffer(b, len, &m, &d), MO_OK);
    float sc[2] = {0.5f, 0.2f};
    assert_int_equal(mo_model_n_classes(m), 0);
    assert_int_equal(mo_model_predict_class(m, sc), -1);
    mo_model_free(m);
    free(b);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = make(meta_ok, &len);
    size_t before = mo_memory_used();
    for (uint64_t n = 1; n < 20; n++) {
        mo_model *m;
        mo__alloc_fail_after(n);
        int rc = mo_model_load_buffer(b, len, &m, NULL);
        mo__alloc_fail_after(0);
        if (rc == MO_OK)
            mo_model_free(m);
        else
            assert_int_equal(rc, MO_ENOMEM);
        assert_int_equal(mo_memory_used(), before);
    }
    free(b);
}

/* Format 1.0 (no idf tensor: features valued count/sqrt(n)) stays readable:
 * tests/data/model/v1_0.momd was written by the 1.0 trainer from the tiny
 * fixture (seed 3, 12 hash bits), and these scores are what it gave then. */
static void test_reads_format_1_0(void **state)
{
    (void)state;
    mo_model *m;
    mo_diag d;
    int rc = mo_model_load("tests/data/model/v1_0.momd", &m, &d);
    if (rc != MO_OK)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, MO_OK);
    mo_model_scratch *s;
    assert_int_equal(mo_model_scratch_new(m, &s), MO_OK);
    const char *spam = "WINNER!! claim your free prize now, call 09061701461";
    const char *ham = "ok see you at the station later";
    float ps, ph;
    assert_int_equal(mo_model_predict(m, s, spam, strlen(spam), &ps, NULL), MO_OK);
    assert_int_equal(mo_model_predict(m, s, ham, strlen(ham), &ph, NULL), MO_OK);
    assert_float_equal(ps, 0.9854f, 0.00006f);
    assert_float_equal(ph, 0.0424f, 0.00006f);
    mo_model_scratch_free(s);
    mo_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_buffer),      cmocka_unit_test(test_file_round_trip),
        cmocka_unit_test(test_corrupt),          cmocka_unit_test(test_bad_metadata),
        cmocka_unit_test(test_classes_metadata), cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_reads_format_1_0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
