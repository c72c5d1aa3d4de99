/*
 * test_url.c -- unit tests of the URL, wallet and spam-shape detectors
 * (src/detect/url.c, src/detect/spam.c) through mo__detect_run: plain and
 * obfuscated URLs, block/allow lists with subdomains, shorteners, wallet
 * address shapes, caps, repetition and emoji ratios, with traps (file names,
 * abbreviations, e-mail domains, hashes, ordinary shouting).
 */
#include "detect_test.h"

static void expect_one(const char *s, const char *signal, const char *want)
{
    expect_val(s, signal, 1);
    if (strcmp(ev_text(signal, 0), want) != 0)
        fail_msg("[%s]: %s evidence [%s], want [%s]", s, signal, ev_text(signal, 0), want);
}

static void test_urls(void **state)
{
    (void)state;
    expect_one("see https://www.example.com/a?b=c#d.", "url.count",
               "https://www.example.com/a?b=c#d");
    expect_one("go to example.com now", "url.count", "example.com");
    expect_one("go to example[.]com now", "url.count", "example[.]com");
    expect_one("go to example(dot)com now", "url.count", "example(dot)com");
    expect_one("go to example [.] com now", "url.count", "example [.] com");
    expect_one("hxxp://evil.example/x", "url.count", "hxxp://evil.example/x");
    expect_one("hxxps[:]//phish[.]example/login", "url.count", "hxxps[:]//phish[.]example/login");
    expect_one("WWW.Example.ORG", "url.count", "WWW.Example.ORG");
    expect_val("a.com b.net c.org", "url.count", 3);
    const char *traps[] = {
        "see readme.md and main.c", "e.g. this, i.e. that",   "mail bob@example.com",
        "node.js is fine",          "version 1.2.3",          "end.Then we left",
        "costs 3.50 dollars",       "the file is report.pdf", "U.S.A.",
    };
    for (size_t i = 0; i < sizeof traps / sizeof *traps; i++)
        expect_val(traps[i], "url.count", 0);
}

static void test_lists(void **state)
{
    (void)state;
    expect_one("get it at bit.ly/3xYz", "url.shortener", "bit.ly/3xYz");
    expect_one("https://t.co/abc", "url.shortener", "https://t.co/abc");
    expect_val("goo.gl/x tinyurl.com/y", "url.shortener", 2);
    expect_val("notbit.ly.com", "url.shortener", 0);
    expect_one("log in at phish[.]example", "url.blocklisted", "phish[.]example");
    expect_one("log in at https://login.phish.example/", "url.blocklisted",
               "https://login.phish.example/");
    expect_val("grabify.link/ABC", "url.blocklisted", 1);
    expect_val("safe.phish.example", "url.blocklisted", 0); /* allowlisted */
    expect_val("phish.example.com", "url.blocklisted", 0);  /* not a subdomain */
    expect_val("nophish.example", "url.blocklisted", 0);
}

static void test_wallets(void **state)
{
    (void)state;
    expect_one("send BTC to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa pls", "spam.crypto_wallet",
               "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    expect_one("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "spam.crypto_wallet",
               "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy");
    expect_one("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "spam.crypto_wallet",
               "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq");
    expect_one("eth: 0x742d35Cc6634C0532925a3b844Bc454e4438f44e.", "spam.crypto_wallet",
               "0x742d35Cc6634C0532925a3b844Bc454e4438f44e");
    const char *traps[] = {
        "11111111111111111111111111111",                   /* digits only */
        "commit 1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", /* sha1 hex */
        "0x742d35Cc6634C0532925a3b844Bc454e4438f44",       /* 39 hex */
        "1Iloveyou0Oveverymuchbutnotreally",               /* 0, O, I, l */
        "bc1 is not an address",
    };
    for (size_t i = 0; i < sizeof traps / sizeof *traps; i++)
        expect_val(traps[i], "spam.crypto_wallet", 0);
}

static void test_ratios(void **state)
{
    (void)state;
    run("BUY NOW CHEAP PILLS");
    assert_true(val("spam.caps_ratio") == 1.0);
    run("Hello World From Me");
    assert_true(val("spam.caps_ratio") > 0.2 && val("spam.caps_ratio") < 0.3);
    run("NASA"); /* too short to mean anything */
    assert_true(val("spam.caps_ratio") == 0.0);
    run("\xd0\x9f\xd0\xa0\xd0\x98\xd0\x92\xd0\x95\xd0\xa2 \xd0\x92\xd0\xa1\xd0\x95\xd0\x9c"); /* ПРИВЕТ
                                                                                                 ВСЕМ
                                                                                               */
    assert_true(val("spam.caps_ratio") == 1.0);
    run("buy buy buy buy buy buy now");
    assert_true(val("spam.repetition") > 0.7);
    run("the cat sat on the mat today");
    assert_true(val("spam.repetition") < 0.2);
    run("nooooooooooooooooooo!!!!!!!!!!!!");
    assert_true(val("spam.repetition") > 0.8);
    run("good bookkeeper");
    assert_true(val("spam.repetition") == 0.0);
    run("\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5\xf0\x9f\x94\xa5 hot");
    assert_true(val("spam.emoji_ratio") > 0.5 && val("spam.emoji_ratio") < 0.6);
    run("\xf0\x9f\x91\x8d\xf0\x9f\x8f\xbd"); /* thumbs up + skin tone = one emoji */
    assert_true(val("spam.emoji_ratio") == 1.0);
    run("(c) 2024 \xe2\x84\xa2 plain text");
    assert_true(val("spam.emoji_ratio") == 0.0);
    run("");
    assert_true(val("spam.emoji_ratio") == 0.0 && val("spam.repetition") == 0.0 &&
                val("spam.caps_ratio") == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_urls),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_wallets),
        cmocka_unit_test(test_ratios),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
