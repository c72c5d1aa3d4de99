/*
 * test_train.c -- unit tests for training and inference (src/model/train.c,
 * infer.c, jsonl.c) on the tiny SMS spam fixture in tests/data/model/: a small
 * model learns the separable fixture; scores survive a save/load round trip;
 * the same seed gives a byte-identical file and another seed a different one;
 * unknown labels leave a label's weights untouched; predict makes no
 * allocation after warm-up; malformed JSONL names file, line and field; a
 * progress callback can stop training; divergence gives MO_ENAN. On the
 * real ToxiGen demonstrations (data/corpus), NB scaling changes the model and
 * --nb auto's blend is at least as good on dev as either pure head.
 * With MO_WRITE_CORPUS=<dir> it also writes a small trained model there.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model/model_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TRAIN "tests/data/model/tiny_train.jsonl"
#define DEV "tests/data/model/tiny_dev.jsonl"

static void opts(mo_train_options *o, uint64_t seed, int quantize)
{
    mo_train_options_default(o);
    o->seed = seed;
    o->hash_bits = 12;
    o->epochs = 12;
    o->patience = 4;
    o->char_min = 2;
    o->char_max = 4;
    o->quantize = quantize;
}

static char *tmp_path(const char *tag)
{
    static char p[8][128];
    static int k;
    char *s = p[k++ % 8];
    snprintf(s, 128, "/tmp/mo_test_train_%ld_%s.momd", (long)getpid(), tag);
    return s;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = aligned_alloc(64, (*len + 63) / 64 * 64);
    assert_int_equal(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

static const char *spam_text = "WINNER!! You have won a free prize. Call 09061701461 now to claim "
                               "your cash award, txt WIN to 80086";
static const char *ham_text = "ok i will see you at home later tonight, love";

static void test_learns_and_round_trip(void **state)
{
    (void)state;
    mo_train_options o;
    opts(&o, 1, 1);
    char *out = tmp_path("learn");
    mo_diag d;
    int rc = mo_train_files(TRAIN, DEV, NULL, &o, out, NULL, NULL, &d);
    if (rc)
        fprintf(stderr, "%s\n", d.msg);
    assert_int_equal(rc, MO_OK);
    mo_model *m;
    assert_int_equal(mo_model_load(out, &m, &d), MO_OK);
    assert_int_equal(mo_model_n_labels(m), 1);
    assert_string_equal(mo_model_label(m, 0), "spam");
    float thr = mo_model_threshold(m, 0);
    assert_true(thr > 0 && thr < 1);
    mo_model_scratch *s;
    assert_int_equal(mo_model_scratch_new(m, &s), MO_OK);
    float sp, hm;
    const mo_norm_view *v;
    assert_int_equal(mo_model_predict(m, s, spam_text, strlen(spam_text), &sp, &v), MO_OK);
    assert_non_null(v);
    assert_int_equal(mo_model_predict(m, s, ham_text, strlen(ham_text), &hm, NULL), MO_OK);
    assert_true(sp > 0.8f);
    assert_true(hm < 0.2f);
    assert_true(sp >= thr && hm < thr);

    /* Dev metrics recorded in the metadata. */
    json_t *meta = json_loads(mo_model_meta_json(m), 0, NULL);
    assert_non_null(meta);
    json_t *l0 = json_array_get(json_object_get(meta, "labels"), 0);
    double ap = json_real_value(json_object_get(json_object_get(l0, "dev"), "pr_auc"));
    assert_true(ap > 0.9);
    /* 26 dev positives are too few to search for the target precision
     * (fewer than 30): the threshold is the calibrated 0.5. */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(l0, "dev"), "positives")),
                     26);
    assert_string_equal(json_string_value(json_object_get(l0, "threshold_method")),
                        "low_support_0.5");
    assert_true(thr == 0.5f);
    assert_true(json_integer_value(json_object_get(json_object_get(l0, "dev"), "known")) < 100);
    json_decref(meta);

    /* Round trip: the same bytes loaded from a buffer give identical scores. */
    size_t len;
    uint8_t *b = slurp(out, &len);
    const char *dump = getenv("MO_WRITE_CORPUS");
    if (dump) {
        char p[512];
        snprintf(p, sizeof p, "%s/trained_i8.momd", dump);
        FILE *f = fopen(p, "wb");
        fwrite(b, 1, len, f);
        fclose(f);
    }
    mo_model *m2;
    assert_int_equal(mo_model_load_buffer(b, len, &m2, &d), MO_OK);
    mo_model_scratch *s2;
    assert_int_equal(mo_model_scratch_new(m2, &s2), MO_OK);
    assert_int_equal(mo_model_predict(m2, s, spam_text, 3, &sp, NULL),
                     MO_EINVAL); /* wrong scratch */
    FILE *f = fopen(DEV, "r");
    char line[4096];
    int n = 0;
    while (fgets(line, sizeof line, f) && n < 50) {
        float a, c;
        assert_int_equal(mo_model_predict(m, s, line, strlen(line), &a, NULL), MO_OK);
        assert_int_equal(mo_model_predict(m2, s2, line, strlen(line), &c, NULL), MO_OK);
        assert_memory_equal(&a, &c, sizeof a);
        assert_true(a >= 0 && a <= 1);
        n++;
    }
    fclose(f);
    mo_model_scratch_free(s2);
    mo_model_free(m2);
    free(b);
    mo_model_scratch_free(s);
    mo_model_free(m);
    unlink(out);
}

static void test_determinism(void **state)
{
    (void)state;
    mo_train_options o;
    char *a = tmp_path("a"), *b = tmp_path("b"), *c = tmp_path("c");
    opts(&o, 7, 0);
    assert_int_equal(mo_train_files(TRAIN, DEV, NULL, &o, a, NULL, NULL, NULL), MO_OK);
    assert_int_equal(mo_train_files(TRAIN, DEV, NULL, &o, b, NULL, NULL, NULL), MO_OK);
    o.seed = 8;
    assert_int_equal(mo_train_files(TRAIN, DEV, NULL, &o, c, NULL, NULL, NULL), MO_OK);
    size_t la, lb, lc;
    uint8_t *ba = slurp(a, &la), *bb = slurp(b, &lb), *bc = slurp(c, &lc);
    assert_int_equal(la, lb);
    assert_memory_equal(ba, bb, la);
    assert_true(la != lc || memcmp(ba, bc, la) != 0);
    free(ba);
    free(bb);
    free(bc);
    unlink(a);
    unlink(b);
    unlink(c);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_masked_labels(void **state)
{
    (void)state;
    /* "qxzjvk" occurs only where label b is unknown: b's weight for its
     * bucket must stay exactly 0, while a's weight moves. */
    char tr[128], out[128];
    snprintf(tr, sizeof tr, "/tmp/mo_test_mask_%ld.jsonl", (long)getpid());
    snprintf(out, sizeof out, "/tmp/mo_test_mask_%ld.momd", (long)getpid());
    write_file(tr, "{\"text\":\"alpha one\",\"labels\":{\"a\":1,\"b\":0}}\n"
                   "{\"text\":\"beta two\",\"labels\":{\"a\":0,\"b\":1}}\n"
                   "{\"text\":\"qxzjvk alpha\",\"labels\":{\"a\":1}}\n"
                   "{\"text\":\"qxzjvk gamma\",\"labels\":{\"a\":0,\"b\":null}}\n"
                   "{\"text\":\"gamma three\",\"labels\":{\"a\":0,\"b\":0}}\n"
                   "{\"text\":\"beta four\",\"labels\":{\"a\":0,\"b\":1}}\n");
    mo_train_options o;
    opts(&o, 1, 0);
    o.hash_bits = 16;
    o.epochs = 5;
    const char *labels[] = {"a", "b", NULL};
    mo_diag d;
    assert_int_equal(mo_train_files(tr, tr, labels, &o, out, NULL, NULL, &d), MO_OK);
    mo_model *m;
    assert_int_equal(mo_model_load(out, &m, &d), MO_OK);
    mo_featurizer *f;
    assert_int_equal(mo__feat_new(&m->feat, &f), MO_OK);
    const uint32_t *ids;
    size_t n;
    assert_int_equal(mo__feat_extract(f, "qxzjvk", 6, &ids, &n, NULL), MO_OK);
    uint32_t unigram = ids[0];
    assert_int_equal(mo__feat_extract(f, "alpha one beta two gamma three four", 35, &ids, &n, NULL),
                     MO_OK);
    for (size_t i = 0; i < n; i++)
        assert_true(ids[i] != unigram); /* no collision with other words */
    assert_true(m->w.w_f32[unigram * 2 + 0] != 0.0f);
    assert_true(m->w.w_f32[unigram * 2 + 1] == 0.0f);
    mo__feat_free(f);
    mo_model_free(m);
    unlink(tr);
    unlink(out);
}

static void test_zero_alloc_predict(void **state)
{
    (void)state;
    mo_train_options o;
    opts(&o, 3, 1);
    o.epochs = 2;
    char *out = tmp_path("alloc");
    assert_int_equal(mo_train_files(TRAIN, DEV, NULL, &o, out, NULL, NULL, NULL), MO_OK);
    mo_model *m;
    assert_int_equal(mo_model_load(out, &m, NULL), MO_OK);
    mo_model_scratch *s;
    assert_int_equal(mo_model_scratch_new(m, &s), MO_OK);
    const char *texts[] = {spam_text, ham_text, "", "f*ck y0u   ἀβγ 😀😀 naïve café",
                           "a much longer text that repeats a much longer text that repeats"};
    float sc;
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(mo_model_predict(m, s, texts[i], strlen(texts[i]), &sc, NULL), MO_OK);
    uint64_t before = mo__alloc_calls();
    for (int r = 0; r < 100; r++)
        for (size_t i = 0; i < 5; i++)
            assert_int_equal(mo_model_predict(m, s, texts[i], strlen(texts[i]), &sc, NULL), MO_OK);
    assert_int_equal(mo__alloc_calls(), before);
    assert_int_equal(mo_model_predict(m, s, NULL, 5, &sc, NULL), MO_EINVAL);
    assert_int_equal(mo_model_predict(m, s, "x", MO_TEXT_MAX_BYTES + 1, &sc, NULL), MO_ELIMIT);
    mo_model_scratch_free(s);
    mo_model_free(m);
    unlink(out);
}

static void test_bad_jsonl(void **state)
{
    (void)state;
    char tr[128];
    snprintf(tr, sizeof tr, "/tmp/mo_test_bad_%ld.jsonl", (long)getpid());
    const char *out = tmp_path("bad");
    static const struct {
        const char *text;
        uint64_t line;
        const char *field;
    } cases[] = {
        {"{\"text\":\"a\",\"labels\":{\"spam\":1}}\n\n{\"text\":\"b\",\"labels\":{\"spam\":\"yes\"}"
         "}\n",
         3, "labels.spam"},
        {"{\"text\":\"a\",\"labels\":{\"spam\":1}}\n{\"text\":\"b\",\"labels\":{\"spam\":2}}\n", 2,
         "labels.spam"},
        {"{\"text\":\"a\",\"labels\":{\"spam\":1}}\n{\"text\":\"b\",\n", 2, ""},
        {"{\"text\":\"a\",\"labels\":{\"spam\":1}}\n{\"labels\":{\"spam\":1}}\n", 2, "text"},
        {"{\"text\":\"a\",\"labels\":{\"spam\":1}}\n{\"text\":5,\"labels\":{}}\n", 2, "text"},
        {"{\"text\":\"a\",\"labels\":[1]}\n", 1, "labels"},
        {"[1]\n", 1, ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(tr, cases[i].text);
        mo_diag d;
        assert_int_equal(mo_train_files(tr, NULL, NULL, NULL, out, NULL, NULL, &d), MO_EPARSE);
        assert_int_equal(d.line, cases[i].line);
        assert_string_equal(d.field, cases[i].field);
        assert_string_equal(d.file, tr);
        char want[160];
        snprintf(want, sizeof want, "%s:%llu:", tr, (unsigned long long)cases[i].line);
        assert_non_null(strstr(d.msg, want));
        assert_int_equal(access(out, F_OK), -1);
    }
    mo_diag d;
    assert_int_equal(mo_train_files("/nonexistent/x.jsonl", NULL, NULL, NULL, out, NULL, NULL, &d),
                     MO_EIO);
    unlink(tr);
}

static int stop_at_2(const mo_train_progress *p, void *user)
{
    int *calls = user;
    (*calls)++;
    assert_true(p->epoch >= 1 && p->epoch <= p->epochs);
    assert_true(p->dev_pr_auc >= 0 && p->dev_pr_auc <= 1);
    assert_true(p->train_loss > 0);
    return p->epoch == 2;
}

static void test_progress_stop_and_nan(void **state)
{
    (void)state;
    mo_train_options o;
    opts(&o, 1, 0);
    o.patience = 0;
    char *out = tmp_path("stop");
    int calls = 0;
    mo_diag d;
    assert_int_equal(mo_train_files(TRAIN, DEV, NULL, &o, out, stop_at_2, &calls, &d), MO_ESTOPPED);
    assert_int_equal(calls, 2);
    assert_int_equal(access(out, F_OK), -1);
    o.lr = 1e38f;
    assert_int_equal(mo_train_files(TRAIN, DEV, NULL, &o, out, NULL, NULL, &d), MO_ENAN);
    assert_non_null(strstr(d.msg, "epoch 1"));
    assert_int_equal(access(out, F_OK), -1);
    o.lr = 0.1f;
    o.hash_bits = 40;
    assert_int_equal(mo_train_files(TRAIN, DEV, NULL, &o, out, NULL, NULL, &d), MO_EINVAL);
}

/* Copies the lines of src whose "split" is `split` into dst. */
static void split_file(const char *src, const char *split, const char *dst)
{
    FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
    assert_non_null(in);
    assert_non_null(out);
    char tag[32], line[8192];
    snprintf(tag, sizeof tag, "\"split\":\"%s\"", split);
    while (fgets(line, sizeof line, in))
        if (strstr(line, tag))
            fputs(line, out);
    fclose(in);
    fclose(out);
}

/* Trains the hate head with the given NB mode; returns the metadata's dev
 * PR-AUC and NB share of the label (and the hate score of `text`). */
static double train_nb(int mode, const char *tr, const char *dv, double *share, float *score)
{
    mo_train_options o;
    opts(&o, 3, 0);
    o.hash_bits = 16;
    o.epochs = 1; /* one epoch: the pure heads are exactly the off / on models */
    o.nb = mode;
    const char *labels[] = {"hate", NULL};
    char *out = tmp_path("nb");
    mo_diag d;
    assert_int_equal(mo_train_files(tr, dv, labels, &o, out, NULL, NULL, &d), MO_OK);
    mo_model *m;
    assert_int_equal(mo_model_load(out, &m, &d), MO_OK);
    json_t *meta = json_loads(mo_model_meta_json(m), 0, NULL);
    json_t *l0 = json_array_get(json_object_get(meta, "labels"), 0);
    double ap = json_number_value(json_object_get(json_object_get(l0, "dev"), "pr_auc"));
    *share = json_number_value(json_object_get(l0, "nb_share"));
    const char *want = mode == MO_NB_AUTO ? "auto" : mode == MO_NB_ON ? "on" : "off";
    assert_string_equal(json_string_value(json_object_get(json_object_get(meta, "trainer"), "nb")),
                        want);
    json_decref(meta);
    mo_model_scratch *s;
    assert_int_equal(mo_model_scratch_new(m, &s), MO_OK);
    const char *text = "those people should all go back where they came from";
    assert_int_equal(mo_model_predict(m, s, text, strlen(text), score, NULL), MO_OK);
    mo_model_scratch_free(s);
    mo_model_free(m);
    unlink(out);
    return ap;
}

static void test_nb_scaling(void **state)
{
    (void)state;
    char tr[128], dv[128];
    snprintf(tr, sizeof tr, "/tmp/mo_test_nb_%ld_train.jsonl", (long)getpid());
    snprintf(dv, sizeof dv, "/tmp/mo_test_nb_%ld_dev.jsonl", (long)getpid());
    split_file("data/corpus/toxigen-demos.jsonl", "train", tr);
    split_file("data/corpus/toxigen-demos.jsonl", "dev", dv);
    double s_off, s_on, s_auto;
    float p_off, p_on, p_auto;
    double ap_off = train_nb(MO_NB_OFF, tr, dv, &s_off, &p_off);
    double ap_on = train_nb(MO_NB_ON, tr, dv, &s_on, &p_on);
    double ap_auto = train_nb(MO_NB_AUTO, tr, dv, &s_auto, &p_auto);
    assert_true(s_off == 0.0 && s_on == 1.0);
    assert_true(s_auto == 0.0 || s_auto == 0.25 || s_auto == 0.5 || s_auto == 0.75 ||
                s_auto == 1.0);
    assert_true(p_off != p_on); /* the ratios really scale the features */
    assert_true(ap_off > 0.5 && ap_on > 0.5);
    /* The blend grid contains both pure heads, so auto can only gain on dev. */
    assert_true(ap_auto >= (ap_off > ap_on ? ap_off : ap_on) - 1e-6);
    /* An invalid mode or smoothing is refused. */
    mo_train_options o;
    opts(&o, 1, 0);
    o.nb_alpha = 0;
    mo_diag d;
    assert_int_equal(mo_train_files(tr, dv, NULL, &o, tmp_path("bad"), NULL, NULL, &d), MO_EINVAL);
    o.nb_alpha = 1;
    o.nb = 7;
    assert_int_equal(mo_train_files(tr, dv, NULL, &o, tmp_path("bad"), NULL, NULL, &d), MO_EINVAL);
    unlink(tr);
    unlink(dv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learns_and_round_trip),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_masked_labels),
        cmocka_unit_test(test_zero_alloc_predict),
        cmocka_unit_test(test_bad_jsonl),
        cmocka_unit_test(test_progress_stop_and_nan),
        cmocka_unit_test(test_nb_scaling),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
