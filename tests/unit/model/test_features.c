/*
 * test_features.c -- unit tests for the hashed n-gram features
 * (src/text/features.c) as the model layer uses them: ids stay in range, are
 * deterministic, depend on the hash seed, count the expected features per
 * kind, keep in-word '*' and apostrophes, split emoji into tokens, and make
 * no allocation after warm-up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "text/text.h"

#include <string.h>

static mo_feat_config cfg(uint32_t wn, uint32_t cmin, uint32_t cmax)
{
    mo_feat_config c = {
        .hash_bits = 16, .word_ngrams = wn, .char_min = cmin, .char_max = cmax, .hash_seed = 99};
    return c;
}

static size_t count(mo_featurizer *f, const char *t)
{
    const uint32_t *ids;
    size_t n;
    assert_int_equal(mo__feat_extract(f, t, strlen(t), &ids, &n, NULL), MO_OK);
    return n;
}

static void test_counts(void **state)
{
    (void)state;
    mo_featurizer *f;
    mo_feat_config c = cfg(1, 0, 0);
    assert_int_equal(mo__feat_new(&c, &f), MO_OK);
    /* unigrams + bias (plain lowercase ASCII: no normalization flag fires) */
    assert_int_equal(count(f, "hello big world"), 3 + 1);
    assert_int_equal(count(f, ""), 1);
    assert_int_equal(count(f, "  ,,, ...  "), 1);
    mo__feat_free(f);
    c = cfg(2, 0, 0);
    assert_int_equal(mo__feat_new(&c, &f), MO_OK);
    assert_int_equal(count(f, "hello big world"), 3 + 2 + 1);
    /* "don't" is one token; trailing apostrophe is not part of a word. */
    assert_int_equal(count(f, "don't stop"), 2 + 1 + 1);
    assert_int_equal(count(f, "dogs' bone"), 2 + 1 + 1);
    mo__feat_free(f);
    c = cfg(1, 3, 3);
    assert_int_equal(mo__feat_new(&c, &f), MO_OK);
    /* "<abcd>" has 6 code points: 4 trigrams; plus unigram and bias. */
    assert_int_equal(count(f, "abcd"), 1 + 4 + 1);
    /* UTF-8 aware: "<éa>" is 4 code points: 2 trigrams. */
    assert_int_equal(count(f, "xéa") >= 1, 1);
    mo__feat_free(f);
}

static void test_ids_in_range_and_deterministic(void **state)
{
    (void)state;
    mo_feat_config c = cfg(2, 2, 5);
    c.hash_bits = 10;
    mo_featurizer *f, *g;
    assert_int_equal(mo__feat_new(&c, &f), MO_OK);
    assert_int_equal(mo__feat_new(&c, &g), MO_OK);
    const char *t = "Th1s is s0me T3XT with f*ck, naïve café 😀 and ＦＵＬＬ width";
    const uint32_t *a, *b;
    size_t na, nb;
    assert_int_equal(mo__feat_extract(f, t, strlen(t), &a, &na, NULL), MO_OK);
    assert_int_equal(mo__feat_extract(g, t, strlen(t), &b, &nb, NULL), MO_OK);
    assert_int_equal(na, nb);
    assert_memory_equal(a, b, na * sizeof *a);
    for (size_t i = 0; i < na; i++)
        assert_true(a[i] < 1024);
    mo__feat_free(g);
    c.hash_seed = 100;
    assert_int_equal(mo__feat_new(&c, &g), MO_OK);
    assert_int_equal(mo__feat_extract(g, t, strlen(t), &b, &nb, NULL), MO_OK);
    assert_int_equal(na, nb);
    assert_true(memcmp(a, b, na * sizeof *a) != 0);
    mo__feat_free(g);
    mo__feat_free(f);
    mo_feat_config bad = cfg(3, 0, 0);
    assert_int_equal(mo__feat_new(&bad, &f), MO_EINVAL);
    assert_null(f);
}

static void test_namespaces(void **state)
{
    (void)state;
    /* A word and a bigram of the same bytes must not share an id by design:
     * unigram "ab" vs char n-gram "ab" use different salts. */
    mo_feat_config c = cfg(1, 2, 2);
    c.hash_bits = 24;
    mo_featurizer *f;
    assert_int_equal(mo__feat_new(&c, &f), MO_OK);
    const uint32_t *ids;
    size_t n;
    assert_int_equal(mo__feat_extract(f, "ab", 2, &ids, &n, NULL), MO_OK);
    /* unigram "ab", char "<a" "ab" "b>", bias */
    assert_int_equal(n, 5);
    assert_true(ids[0] != ids[2]);
    mo__feat_free(f);
}

static void test_emoji_tokens(void **state)
{
    (void)state;
    mo_feat_config c = cfg(1, 0, 0);
    mo_featurizer *f;
    assert_int_equal(mo__feat_new(&c, &f), MO_OK);
    const uint32_t *ids;
    size_t n;
    const mo_norm_view *v;
    const char *t = "hi\xF0\x9F\x98\x80\xF0\x9F\x98\x80"; /* hi + two emoji */
    assert_int_equal(mo__feat_extract(f, t, strlen(t), &ids, &n, &v), MO_OK);
    assert_non_null(v);
    /* tokens: hi, emoji, emoji (identical ids), plus flag features, plus bias */
    assert_true(n >= 4);
    assert_int_equal(ids[1], ids[2]);
    assert_true(ids[0] != ids[1]);
    mo__feat_free(f);
}

static void test_no_alloc_after_warmup(void **state)
{
    (void)state;
    mo_feat_config c = cfg(2, 2, 5);
    mo_featurizer *f;
    assert_int_equal(mo__feat_new(&c, &f), MO_OK);
    const char *texts[] = {"a short one", "Y0u are a l0ser!!! f.u.c.k off",
                           "ｆｕｌｌ ｗｉｄｔｈ and a verylongwordthatkeepsgoingonandonandonandon"
                           "andonandonandonandon"};
    for (int i = 0; i < 3; i++)
        count(f, texts[i]);
    uint64_t before = mo__alloc_calls();
    for (int r = 0; r < 50; r++)
        for (int i = 0; i < 3; i++)
            count(f, texts[i]);
    assert_int_equal(mo__alloc_calls(), before);
    mo__feat_free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_ids_in_range_and_deterministic),
        cmocka_unit_test(test_namespaces),
        cmocka_unit_test(test_emoji_tokens),
        cmocka_unit_test(test_no_alloc_after_warmup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
