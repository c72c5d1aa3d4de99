/*
 * test_pii.c -- unit tests of the PII detectors (src/detect/pii.c) through
 * mo__detect_run: e-mail, phone numbers in several national and
 * international formats, Luhn-checked card numbers, mod-97 IBANs and
 * street-address hints, each with false-positive traps (dates, prices, ISBNs,
 * order numbers, version strings, IP addresses).
 */
#include "detect_test.h"

/* Expects exactly one `signal` hit in s whose evidence is `want`. */
static void expect_one(const char *s, const char *signal, const char *want)
{
    expect_val(s, signal, 1);
    if (strcmp(ev_text(signal, 0), want) != 0)
        fail_msg("[%s]: %s evidence [%s], want [%s]", s, signal, ev_text(signal, 0), want);
}

static void test_email(void **state)
{
    (void)state;
    expect_one("write to bob.smith+tag@mail.example.co.uk today", "pii.email",
               "bob.smith+tag@mail.example.co.uk");
    expect_one("mail: Jane_Doe@Example.COM.", "pii.email", "Jane_Doe@Example.COM");
    expect_val("a@b c@d.e @handle me@localhost x@y.1", "pii.email", 0);
    expect_val("two a@x.org, b@y.net", "pii.email", 2);
    expect_val("email me at a@x.org", "pii.phone", 0);
}

static void test_phone(void **state)
{
    (void)state;
    expect_one("call +44 20 7946 0958 now", "pii.phone", "+44 20 7946 0958");
    expect_one("call (555) 123-4567", "pii.phone", "(555) 123-4567");
    expect_one("Tel. +49 30 1234567", "pii.phone", "+49 30 1234567");
    expect_one("ring 020 7946 0958", "pii.phone", "020 7946 0958");
    expect_one("ring 555-123-4567!", "pii.phone", "555-123-4567");
    expect_one("ring 555.123.4567", "pii.phone", "555.123.4567");
    expect_one("+33 1 23 45 67 89", "pii.phone", "+33 1 23 45 67 89");
    expect_one("1-800-555-0199", "pii.phone", "1-800-555-0199");
    expect_one("+14155552671", "pii.phone", "+14155552671");
    const char *traps[] = {
        "on 2024-05-12 at 10:30",
        "on 12.05.2024",
        "born 12/05/1990",
        "it costs $1 234 567",
        "price 1 299,00 EUR",
        "ISBN 978-3-16-148410-0",
        "ISBN 0-306-40615-2",
        "order 5551234567",
        "version 1.2.3.4",
        "server 192.168.100.200",
        "year 2024 and 2025",
        "pi is 3.14159265358",
        "it costs 1 299 999 \xe2\x82\xac",
        "call 911",
        "12 345 678",
    };
    for (size_t i = 0; i < sizeof traps / sizeof *traps; i++)
        expect_val(traps[i], "pii.phone", 0);
}

static void test_card(void **state)
{
    (void)state;
    expect_one("card 4111 1111 1111 1111 exp 12/29", "pii.card", "4111 1111 1111 1111");
    expect_one("5500-0000-0000-0004", "pii.card", "5500-0000-0000-0004");
    expect_one("amex 378282246310005", "pii.card", "378282246310005");
    expect_one("6011111111111117.", "pii.card", "6011111111111117");
    expect_val("4111 1111 1111 1112", "pii.card", 0);        /* Luhn fails */
    expect_val("ISBN 978-3-16-148410-0", "pii.card", 0);     /* 13 digits, no issuer */
    expect_val("1234567812345670", "pii.card", 0);           /* Luhn ok, no issuer */
    expect_val("4111 1111 1111 1111 1111 1", "pii.card", 0); /* 21 digits */
    expect_val("card 4111 1111 1111 1111", "pii.phone", 0);
}

static void test_iban(void **state)
{
    (void)state;
    expect_one("IBAN: DE89 3704 0044 0532 0130 00 thanks", "pii.iban",
               "DE89 3704 0044 0532 0130 00");
    expect_one("GB82WEST12345698765432", "pii.iban", "GB82WEST12345698765432");
    expect_one("send to FR14 2004 1010 0505 0001 3M02 606", "pii.iban",
               "FR14 2004 1010 0505 0001 3M02 606");
    expect_val("DE89 3704 0044 0532 0130 01", "pii.iban", 0); /* checksum */
    expect_val("AB12 CDEF", "pii.iban", 0);
    expect_val("DE89 3704 0044 0532 0130 00", "pii.phone", 0);
}

static void test_address(void **state)
{
    (void)state;
    expect_one("I live at 123 Main Street, come by", "pii.address", "123 Main Street");
    expect_one("221B Baker St. London", "pii.address", "221B Baker St.");
    expect_one("42 Martin Luther King Jr Boulevard", "pii.address",
               "42 Martin Luther King Jr Boulevard");
    expect_one("wohne in der Hauptstra\xc3\x9f"
               "e 5, Berlin",
               "pii.address",
               "Hauptstra\xc3\x9f"
               "e 5");
    expect_one("Berliner Strasse 12a", "pii.address", "Strasse 12a");
    expect_one("Am Lindenweg 7", "pii.address", "Lindenweg 7");
    const char *traps[] = {
        "I have 3 kids in the street",
        "we walked 5 miles down the road",
        "give me 2 St",
        "the Straße is long",
        "Hauptstraße ist lang",
        "Weg 5",
        "page 12 of the Way",
    };
    for (size_t i = 0; i < sizeof traps / sizeof *traps; i++)
        expect_val(traps[i], "pii.address", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_email), cmocka_unit_test(test_phone),   cmocka_unit_test(test_card),
        cmocka_unit_test(test_iban),  cmocka_unit_test(test_address),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
