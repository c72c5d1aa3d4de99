/*
 * test_lexicon.c -- unit tests of the lexicon detector (src/detect/lexicon.c)
 * through mo__detect_run: plain and obfuscated terms end to end through the
 * normalizer, evidence spans equal to what the user wrote, the allowlist and
 * word boundaries against the Scunthorpe problem, categories and severities,
 * list-file errors, and zero allocations after warm-up.
 */
#include "detect_test.h"

#include "base/base.h"

#include <pthread.h>

static void test_signal_table(void **state)
{
    (void)state;
    size_t n = mo__detect_n_signals(g_cfg);
    assert_true(n >= 13 + 4);
    assert_string_equal(mo__detect_signal_name(g_cfg, 0), "lex.profanity");
    assert_string_equal(mo__detect_signal_name(g_cfg, 1), "lex.profanity.max_severity");
    assert_string_equal(mo__detect_signal_name(g_cfg, 2), "lex.slur");
    assert_string_equal(mo__detect_signal_name(g_cfg, 3), "lex.slur.max_severity");
    assert_string_equal(mo__detect_signal_name(g_cfg, n - 1), "spam.emoji_ratio");
    assert_null(mo__detect_signal_name(g_cfg, n));
    const char *want[] = {"pii.email",          "pii.phone",   "pii.card",        "pii.iban",
                          "pii.address",        "url.count",   "url.blocklisted", "url.shortener",
                          "spam.crypto_wallet", "spam.invite", "spam.caps_ratio", "spam.repetition",
                          "spam.emoji_ratio"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        assert_true(mo__detect_signal_index(g_cfg, want[i]) >= 0);
    assert_int_equal(mo__detect_signal_index(g_cfg, "lex.nope"), -1);
}

/* Each obfuscated form counts once and its evidence is exactly the input. */
static void test_obfuscated(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"well fuck that", "fuck"},
        {"FUCK this", "FUCK"},
        {"so f u c k this", "f u c k"},
        {"fuckkkk!", "fuckkkk"},
        {"oh f**k", "f**k"},
        {"this is sh1t", "sh1t"},
        {"f\xcf\x85\xd1\x81k it", "f\xcf\x85\xd1\x81k"}, /* Greek upsilon, Cyrillic es */
        {"oh f*ck no", "f*ck"},
        {"oh f#ck no", "f#ck"},
        {"fuuuuck it", "fuuuuck"},
        {"f.u.c.k that", "f.u.c.k"},
        {"you are a b!tch", "b!tch"},
        {"\xef\xbd\x86\xef\xbd\x95\xef\xbd\x83\xef\xbd\x8b it", /* fullwidth */
         "\xef\xbd\x86\xef\xbd\x95\xef\xbd\x83\xef\xbd\x8b"},
        {"f\xe2\x80\x8bu\xe2\x80\x8b"
         "ck",
         "f\xe2\x80\x8bu\xe2\x80\x8b"
         "ck"}, /* zero-width */
        {"$hit happens", "$hit"},
        {"what an @ss", "@ss"},
        {"shiiiiit!", "shiiiiit"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        expect_val(cases[i][0], "lex.profanity", 1);
        assert_string_equal(ev_text("lex.profanity", 0), cases[i][1]);
    }
}

static void test_scunthorpe(void **state)
{
    (void)state;
    const char *clean[] = {
        "Scunthorpe United won",
        "the assassin struck",
        "a cocktail party in Sussex",
        "a classic grape variety",
        "my therapist said so",
        "shitake and shiitake mushrooms",
        "Essex and Middlesex",
        "Penistone is a town",
        "magna cum laude",
        "bass guitar class",
        "cockpit analysis by an analyst",
        "I passed the compass test",
        "Dickens wrote it",
        "the noob lost",
        "grasshopper",
        "Hancock",
        "assume nothing",
        "scrap the plan",
        "a hell of a day? no: hello",
        "shell",
        "button",
        "pass the sauce",
        "therapists",
        "S c u n t h o r p e",
        "class assignment",
        "sextant",
        "basement",
    };
    for (size_t i = 0; i < sizeof clean / sizeof *clean; i++) {
        run(clean[i]);
        if (val("lex.profanity") != 0 || val("lex.slur") != 0)
            fail_msg("[%s] matched [%s%s]", clean[i], ev_text("lex.profanity", 0),
                     ev_text("lex.slur", 0));
    }
}

/* A term is matched only as a whole word; an allowlisted phrase wins. */
static void test_boundaries(void **state)
{
    (void)state;
    expect_val("shitty", "lex.profanity", 1);       /* a listed form of its own */
    expect_val("fucking hell", "lex.profanity", 1); /* a listed phrase: one match */
    assert_string_equal(ev_text("lex.profanity", 0), "fucking hell");
    expect_val("fuck and fuck", "lex.profanity", 2);
    expect_val("fuck!fuck", "lex.profanity", 2);
    expect_val("(fuck)", "lex.profanity", 1);
    assert_string_equal(ev_text("lex.profanity", 0), "fuck");
    expect_val("fuck\xf0\x9f\xa4\xac", "lex.profanity", 1);
    expect_val("unfuckable", "lex.profanity", 0);
    expect_val("graped", "lex.profanity", 0);
}

static void test_categories(void **state)
{
    (void)state;
    run("shut up you kike");
    assert_true(val("lex.slur") == 1);
    assert_true(val("lex.slur.max_severity") == 3);
    assert_true(val("lex.profanity") == 0);
    assert_string_equal(ev_text("lex.slur", 0), "kike");
    run("bastard");
    assert_true(val("lex.profanity") == 1);
    assert_true(val("lex.profanity.max_severity") >= 1);
    /* Evidence names the term and its file. */
    const char *term = NULL, *file = NULL;
    int sev = 0;
    assert_int_equal(mo__detect_term(g_cfg, g_ev[0].list_id, &term, &file, &sev), MO_OK);
    assert_string_equal(term, "bastard");
    assert_string_equal(file, "profanity.en.txt");
    assert_int_equal(mo__detect_term(g_cfg, 0, &term, &file, &sev), MO_ENOTFOUND);
    /* Other languages share the category. */
    expect_val("du bist ein arschloch", "lex.profanity", 1);
    assert_string_equal(ev_text("lex.profanity", 0), "arschloch");
    expect_val("", "lex.profanity", 0);
}

/* Overlapping matches of one category count once; the longest wins. */
static void test_dedup(void **state)
{
    (void)state;
    run("motherfucker");
    assert_true(val("lex.profanity") == 1);
    assert_string_equal(ev_text("lex.profanity", 0), "motherfucker");
    run("sh1t sh1t"); /* primary and leet readings both hit: still two */
    assert_true(val("lex.profanity") == 2);
    assert_string_equal(ev_text("lex.profanity", 1), "sh1t");
}

static void test_invite(void **state)
{
    (void)state;
    expect_val("DM me for prices", "spam.invite", 1);
    assert_string_equal(ev_text("spam.invite", 0), "DM me");
    expect_val("check   my PROFILE!!", "spam.invite", 1);
    expect_val("link in bio", "spam.invite", 1);
    expect_val("I admire my profile picture", "spam.invite", 0);
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

/* Bad list files are rejected with file, line and field. */
static void test_list_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/mo_lexXXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/bad.en.txt", dir);
    write_file(path, "# ok\nfoo\t2\nbar\t7\n");
    mo_detect_config *c = NULL;
    mo_diag d;
    assert_int_equal(mo__detect_config_load(dir, &c, &d), MO_EPARSE);
    assert_null(c);
    assert_int_equal(d.line, 3);
    assert_string_equal(d.field, "severity");
    write_file(path, "zork\t3\n# comment\n\nquux\n");
    snprintf(path, sizeof path, "%s/notes.txt", dir);
    write_file(path, "x\n");
    assert_int_equal(mo__detect_config_load(dir, &c, &d), MO_EPARSE);
    assert_string_equal(d.field, "file");
    remove(path);
    assert_int_equal(mo__detect_config_load(dir, &c, &d), MO_OK);
    assert_int_equal(mo__detect_n_signals(c), 2 + 13);
    assert_string_equal(mo__detect_signal_name(c, 0), "lex.bad");
    mo_detect_scratch *s = NULL;
    assert_int_equal(mo__detect_scratch_new(c, &s), MO_OK);
    double v[32];
    const mo_evidence *ev;
    size_t n_ev;
    const char *t = "ZORK quux zork";
    assert_int_equal(mo__detect_run(c, s, t, strlen(t), NULL, v, &ev, &n_ev), MO_OK);
    assert_true(v[0] == 3 && v[1] == 3);
    assert_int_equal(n_ev, 3);
    mo__detect_scratch_free(s);
    mo__detect_config_free(c);
    snprintf(path, sizeof path, "%s/bad.en.txt", dir);
    remove(path);
    /* An empty directory is a valid config with no lexicon signals. */
    assert_int_equal(mo__detect_config_load(dir, &c, &d), MO_OK);
    assert_int_equal(mo__detect_n_signals(c), 13);
    mo__detect_config_free(c);
    rmdir(dir);
    assert_int_equal(mo__detect_config_load("/nonexistent/dir", &c, &d), MO_EIO);
    assert_null(c);
}

/* After one run of a text, running it again allocates nothing. */
static void test_no_alloc(void **state)
{
    (void)state;
    const char *t =
        "F*CK this sh1t!!! DM me at +44 20 7946 0958 or bob@example.com, "
        "fuuuuuck see hxxp://bit[.]ly/x 4111 1111 1111 1111 \xf0\x9f\x98\x80 SCUNTHORPE";
    mo_normalizer *n;
    assert_int_equal(mo_normalizer_new(&n), MO_OK);
    const mo_norm_view *v;
    assert_int_equal(mo_normalize(n, t, strlen(t), &v), MO_OK);
    assert_int_equal(mo__detect_run(g_cfg, g_scr, t, strlen(t), v, g_vals, &g_ev, &g_n_ev), MO_OK);
    run(t); /* warms the scratch's own normalizer too */
    uint64_t before = mo__alloc_calls();
    for (int i = 0; i < 10; i++) {
        assert_int_equal(mo__detect_run(g_cfg, g_scr, t, strlen(t), v, g_vals, &g_ev, &g_n_ev),
                         MO_OK);
        run("short");
        run(t);
    }
    assert_int_equal(mo__alloc_calls(), before);
    assert_true(g_n_ev > 0);
    mo_normalizer_free(n);
}

/* Evidence is capped; the counts still include what was dropped. */
static void test_evidence_cap(void **state)
{
    (void)state;
    size_t n = MO_DETECT_MAX_EVIDENCE + 10;
    char *t = malloc(n * 5 + 1);
    assert_non_null(t);
    for (size_t i = 0; i < n; i++)
        memcpy(t + 5 * i, "fuck ", 5);
    t[5 * n] = '\0';
    run(t);
    if (val("lex.profanity") != (double)n)
        fail_msg("count %g, want %zu", val("lex.profanity"), n);
    assert_int_equal(g_n_ev, MO_DETECT_MAX_EVIDENCE);
    assert_int_equal(mo__detect_n_dropped(g_scr), 10);
    assert_int_equal(mo__detect_run(g_cfg, g_scr, NULL, 1, NULL, g_vals, &g_ev, &g_n_ev),
                     MO_EINVAL);
    free(t);
}

static const char *const thread_texts[] = {
    "f u c k this sh1t",
    "call +44 20 7946 0958",
    "bit[.]ly/x and phish.example",
    "Scunthorpe cocktail",
    "DM me \xf0\x9f\x94\xa5\xf0\x9f\x94\xa5",
    "fuuuuck f*ck kike",
};
#define N_THREAD_TEXTS (sizeof thread_texts / sizeof *thread_texts)
static double thread_want[N_THREAD_TEXTS][256];

/* One thread: its own scratch over the shared config; returns mismatches. */
static void *thread_main(void *arg)
{
    (void)arg;
    mo_detect_scratch *s = NULL;
    if (mo__detect_scratch_new(g_cfg, &s) != MO_OK)
        return (void *)1;
    size_t n_sig = mo__detect_n_signals(g_cfg), bad = 0;
    double v[256];
    for (int round = 0; round < 200; round++)
        for (size_t i = 0; i < N_THREAD_TEXTS; i++) {
            const mo_evidence *ev;
            size_t n_ev;
            const char *t = thread_texts[i];
            if (mo__detect_run(g_cfg, s, t, strlen(t), NULL, v, &ev, &n_ev) != MO_OK ||
                memcmp(v, thread_want[i], n_sig * sizeof *v) != 0)
                bad++;
        }
    mo__detect_scratch_free(s);
    return (void *)bad;
}

/* The config is shared read-only: four threads with their own scratch agree
 * with a single-threaded run. */
static void test_threads(void **state)
{
    (void)state;
    size_t n_sig = mo__detect_n_signals(g_cfg);
    for (size_t i = 0; i < N_THREAD_TEXTS; i++) {
        run(thread_texts[i]);
        memcpy(thread_want[i], g_vals, n_sig * sizeof *g_vals);
    }
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, thread_main, NULL), 0);
    for (int i = 0; i < 4; i++) {
        void *bad = NULL;
        assert_int_equal(pthread_join(th[i], &bad), 0);
        assert_null(bad);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signal_table), cmocka_unit_test(test_obfuscated),
        cmocka_unit_test(test_scunthorpe),   cmocka_unit_test(test_boundaries),
        cmocka_unit_test(test_categories),   cmocka_unit_test(test_dedup),
        cmocka_unit_test(test_invite),       cmocka_unit_test(test_list_errors),
        cmocka_unit_test(test_no_alloc),     cmocka_unit_test(test_evidence_cap),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
