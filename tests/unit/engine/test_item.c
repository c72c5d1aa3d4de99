/*
 * test_item.c -- the fast item reader (src/engine/item.c) against jansson:
 * the common shapes of an item must take the fast path and read the same
 * fields as jansson (fuzz/fuzz_item.c's differential check, included here);
 * everything unusual must be left to jansson.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../../fuzz/fuzz_item.c"

static int fast(const char *s)
{
    return item_compare((const uint8_t *)s, strlen(s));
}

static void test_common_items_are_fast(void **state)
{
    (void)state;
    static const char *const items[] = {
        "{\"id\":\"c-1\",\"text\":\"hello\"}",
        "{\"id\":7,\"text\":\"\"}",
        "{\"id\":-0,\"text\":\"x\"}",
        "{\"id\":-123456789012345678,\"text\":\"x\"}",
        " {\"text\" : \"first\" , \"id\" : \"a\" }\r",
        "{\"id\":\"\",\"text\":\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"}",
        "{\"id\":\"e\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"text\":\"\\u00e9\\u4E2D\\ud83d\\ude00 "
        "\\u0041\"}",
        "{\"id\":\"m\",\"type\":\"message\",\"surface\":\"dm\",\"region\":\"DE\",\"lang\":\"de\","
        "\"recipient\":{\"age\":14},\"author\":{\"account_type\":\"minor\",\"is_minor\":false,"
        "\"age\":-3},\"text\":\"hi\"}",
        "{\"id\":\"n\",\"type\":5,\"lang\":null,\"region\":[\"x\"],\"author\":\"x\","
        "\"recipient\":[1],\"text\":\"x\"}",
        "{\"id\":\"u\",\"x\":{\"a\":[1,-2.5,0.0,true,false,null,{},[],\"s\\u00e9\"]},\"y\":{},"
        "\"z\":[],\"text\":\"x\",\"dup\":1,\"dup\":2}",
        "{\"id\":\"p\",\"author\":{\"age\":\"15\",\"is_minor\":null,\"account_type\":7,"
        "\"other\":{\"age\":1}},\"text\":\"x\"}",
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        if (!fast(items[i]))
            fail_msg("not taken by the fast reader: %s", items[i]);
    }
}

static void test_unusual_items_go_to_jansson(void **state)
{
    (void)state;
    static const char *const items[] = {
        "",
        "   ",
        "[1,2]",
        "\"text\"",
        "{}",
        "{\"id\":\"a\"}",
        "{\"text\":\"a\"}",
        "{\"id\":\"a\",\"text\":5}",
        "{\"id\":\"a\",\"text\":null}",
        "{\"id\":1.5,\"text\":\"a\"}",
        "{\"id\":1e3,\"text\":\"a\"}",
        "{\"id\":true,\"text\":\"a\"}",
        "{\"id\":007,\"text\":\"a\"}",
        "{\"id\":1234567890123456789,\"text\":\"a\"}",
        "{\"id\":\"a\",\"transcript\":[{\"text\":\"b\"}]}",
        "{\"id\":\"a\",\"text\":\"b\",\"transcript\":[]}",
        "{\"id\":\"a\",\"text\":\"b\",\"text\":\"c\"}",
        "{\"id\":\"a\",\"id\":\"b\",\"text\":\"c\"}",
        "{\"id\":\"a\",\"type\":\"x\",\"type\":\"y\",\"text\":\"c\"}",
        "{\"id\":\"a\",\"author\":{\"age\":1,\"age\":2},\"text\":\"c\"}",
        "{\"id\":\"a\",\"author\":{\"age\":15.5},\"text\":\"c\"}",
        "{\"id\":\"a\",\"x\":1e400,\"text\":\"c\"}",
        "{\"i\\u0064\":\"a\",\"text\":\"c\"}",
        "{\"id\":\"k\",\"te\\u0078tra\":1,\"text\":\"x\"}",
        "{\"id\":\"a\",\"text\":\"\\u0000\"}",
        "{\"id\":\"a\",\"text\":\"\\ud800\"}",
        "{\"id\":\"a\",\"text\":\"\\udc00\"}",
        "{\"id\":\"a\",\"text\":\"\\ud800\\u0041\"}",
        "{\"id\":\"a\",\"text\":\"\\x\"}",
        "{\"id\":\"a\",\"text\":\"\\u12G4\"}",
        "{\"id\":\"a\",\"text\":\"tab\there\"}",
        "{\"id\":\"a\",\"text\":\"\xff\"}",
        "{\"id\":\"a\",\"text\":\"\xc0\xaf\"}",
        "{\"id\":\"a\",\"text\":\"\xed\xa0\x80\"}",
        "{\"id\":\"a\",\"text\":\"\xe2\x82\"}",
        "{\"id\":\"a\",\"text\":\"b\"} x",
        "{\"id\":\"a\",\"text\":\"b\"},",
        "{\"id\":\"a\",\"text\":\"b\",}",
        "{\"id\":\"a\",,\"text\":\"b\"}",
        "{\"id\":\"a\" \"text\":\"b\"}",
        "{\"id\":\"a\",\"x\":tru,\"text\":\"b\"}",
        "{\"id\":\"a\",\"x\":truex,\"text\":\"b\"}",
        "{\"id\":\"a\",\"x\":-,\"text\":\"b\"}",
        "{\"id\":\"a\",\"x\":1.,\"text\":\"b\"}",
        "{\"id\":\"a\",\"x\":[1,],\"text\":\"b\"}",
        "\xef\xbb\xbf{\"id\":\"a\",\"text\":\"b\"}",
        "{\"id\":\"a\",\"text\":\"b\"",
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        if (fast(items[i]))
            fail_msg("taken by the fast reader: %s", items[i]);
    }
    /* Nesting deeper than the fast reader's limit. */
    char deep[600] = "{\"id\":\"a\",\"x\":";
    size_t n = strlen(deep);
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    for (int i = 0; i < 100; i++)
        deep[n++] = ']';
    memcpy(deep + n, ",\"text\":\"b\"}", 13);
    assert_false(fast(deep));
    /* An embedded NUL byte. */
    static const char nul[] = "{\"id\":\"a\",\"text\":\"b\0c\"}";
    assert_false(item_compare((const uint8_t *)nul, sizeof nul - 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_common_items_are_fast),
        cmocka_unit_test(test_unusual_items_go_to_jansson),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
