/*
 * pii.c -- personal-data detectors over the original bytes: e-mail
 * addresses, phone numbers (international and national formats, not dates,
 * prices or ISBNs), payment card numbers (Luhn and issuer prefix), IBANs
 * (mod-97 checksum) and street-address hints ("123 Main Street",
 * "Hauptstraße 5"). Plain scanners; nothing allocates. Uses base.
 */
#include "detect/detect_int.h"

#include <string.h>

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

static bool is_alpha(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}

static bool is_upper(char ch)
{
    return ch >= 'A' && ch <= 'Z';
}

static bool is_alnum(char ch)
{
    return is_digit(ch) || is_alpha(ch);
}

static char lower(char ch)
{
    return is_upper(ch) ? (char)(ch - 'A' + 'a') : ch;
}

/* No letter, digit or UTF-8 letter byte directly before offset i. */
static bool left_edge(const char *t, size_t i)
{
    return i == 0 || !(is_alnum(t[i - 1]) || (unsigned char)t[i - 1] >= 0x80);
}

static bool right_edge(const char *t, size_t n, size_t i)
{
    return i >= n || !(is_alnum(t[i]) || (unsigned char)t[i] >= 0x80);
}

/* ==== E-mail ==== */

static bool local_char(char ch)
{
    return is_alnum(ch) || ch == '.' || ch == '_' || ch == '%' || ch == '+' || ch == '-';
}

static bool dom_char(char ch)
{
    return is_alnum(ch) || ch == '.' || ch == '-';
}

/* If t[at] is the '@' of an address, sets [*a, *b) to it. */
static bool email_at(const char *t, size_t n, size_t at, size_t *a, size_t *b)
{
    size_t j = at;
    while (j > 0 && local_char(t[j - 1]))
        j--;
    while (j < at && t[j] == '.')
        j++;
    if (j == at)
        return false;
    size_t k = at + 1;
    while (k < n && dom_char(t[k]))
        k++;
    while (k > at + 1 && (t[k - 1] == '.' || t[k - 1] == '-'))
        k--;
    /* The domain needs a dot and an alphabetic top-level label of 2+ letters. */
    size_t dot = 0;
    for (size_t i = at + 1; i < k; i++) {
        if (t[i] == '.') {
            if (i == at + 1 || t[i - 1] == '.')
                return false;
            dot = i;
        }
    }
    if (!dot || k - dot - 1 < 2)
        return false;
    for (size_t i = dot + 1; i < k; i++)
        if (!is_alpha(t[i]))
            return false;
    *a = j;
    *b = k;
    return true;
}

/* ==== Numbers ==== */

static bool luhn(const char *digits, size_t nd)
{
    int sum = 0;
    for (size_t i = 0; i < nd; i++) {
        int d = digits[nd - 1 - i] - '0';
        if (i & 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0;
}

/* Issuer prefixes of the major card networks (Visa, Mastercard, Amex,
 * Discover, JCB, Diners, UnionPay, Maestro). */
static bool card_prefix(const char *d, size_t nd)
{
    int p2 = (d[0] - '0') * 10 + (d[1] - '0');
    int p4 = p2 * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    if (d[0] == '4')
        return nd == 13 || nd == 16 || nd == 19;
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
        return nd == 16;
    if (p2 == 34 || p2 == 37)
        return nd == 15;
    if (p4 == 6011 || p2 == 65 || (p4 >= 6440 && p4 <= 6499) || p2 == 62)
        return nd >= 16;
    if (p2 == 35 || p2 == 36 || p2 == 38 || p2 == 30 || p2 == 39)
        return nd >= 14;
    if (p2 == 50 || (p2 >= 56 && p2 <= 69))
        return nd >= 12;
    return false;
}

/* A run of digits from i with single ' ' or '-' between digits. Copies up to
 * cap digits to d; returns the end offset and sets *nd (all digits counted). */
static size_t digit_run(const char *t, size_t n, size_t i, char *d, size_t cap, size_t *nd)
{
    size_t k = 0, end = i;
    while (i < n) {
        if (is_digit(t[i])) {
            if (k < cap)
                d[k] = t[i];
            k++;
            end = ++i;
        } else if ((t[i] == ' ' || t[i] == '-') && i + 1 < n && is_digit(t[i + 1]) && k) {
            i++;
        } else {
            break;
        }
    }
    *nd = k;
    return end;
}

/* Currency sign directly (or one space) before offset p. */
static bool currency_before(const char *t, size_t p)
{
    if (p > 0 && t[p - 1] == ' ')
        p--;
    const unsigned char *u = (const unsigned char *)t;
    if (p >= 1 && (t[p - 1] == '$' || t[p - 1] == '#'))
        return true;
    if (p >= 2 && u[p - 2] == 0xc2 && (u[p - 1] == 0xa3 || u[p - 1] == 0xa5))
        return true; /* £ ¥ */
    if (p >= 3 && u[p - 3] == 0xe2 && u[p - 2] == 0x82 && u[p - 1] == 0xac)
        return true; /* € */
    return false;
}

static bool currency_after(const char *t, size_t n, size_t e)
{
    if (e < n && t[e] == ' ')
        e++;
    const unsigned char *u = (const unsigned char *)t;
    if (e < n && (t[e] == '$' || t[e] == '%'))
        return true;
    if (e + 2 < n && u[e] == 0xe2 && u[e + 1] == 0x82 && u[e + 2] == 0xac)
        return true;
    if (e + 3 <= n) {
        char w[4] = {lower(t[e]), lower(t[e + 1]), lower(t[e + 2]), 0};
        if ((strcmp(w, "eur") == 0 || strcmp(w, "usd") == 0 || strcmp(w, "gbp") == 0) &&
            right_edge(t, n, e + 3))
            return true;
    }
    return false;
}

/* "isbn" (any case) within the 8 bytes before p. */
static bool isbn_before(const char *t, size_t p)
{
    size_t from = p > 10 ? p - 10 : 0;
    for (size_t i = from; i + 4 <= p; i++)
        if (lower(t[i]) == 'i' && lower(t[i + 1]) == 's' && lower(t[i + 2]) == 'b' &&
            lower(t[i + 3]) == 'n')
            return true;
    return false;
}

/* A phone number starting at p: "+44 20 7946 0958", "(555) 123-4567",
 * "+49 30 1234567", "020 7946 0958", "555-123-4567". Sets *end. */
static bool phone_at(const char *t, size_t n, size_t p, size_t *end)
{
    size_t q = p, digits = 0, groups = 0, glen[8] = {0};
    bool plus = t[q] == '+', paren = false, all_dots = true;
    char dd[16];
    if (plus)
        q++;
    for (;;) {
        if (q < n && t[q] == '(' && !paren && groups <= 1) {
            paren = true;
            q++;
        }
        size_t s = q;
        while (q < n && is_digit(t[q])) {
            if (digits < sizeof dd)
                dd[digits] = t[q];
            digits++;
            q++;
        }
        if (q == s)
            return false;
        if (groups < 8)
            glen[groups] = q - s;
        groups++;
        *end = q;
        if (paren && q < n && t[q] == ')')
            q++;
        size_t r = q;
        if (r < n && (t[r] == ' ' || t[r] == '-' || t[r] == '.')) {
            if (t[r] != '.')
                all_dots = false;
            r++;
        } else if (r > *end) {
            all_dots = false; /* ")" alone */
        }
        if (r < n && (is_digit(t[r]) || (t[r] == '(' && !paren)) && r > *end) {
            q = r;
            continue;
        }
        break;
    }
    if (!right_edge(t, n, *end) || digits > 15 || groups > 6)
        return false;
    if (currency_before(t, p) || currency_after(t, n, *end) || isbn_before(t, p))
        return false;
    if (groups == 4 && all_dots)
        return false; /* IPv4 address */
    if (plus)
        return digits >= 8;
    if (digits < 10 || digits > 12 || groups < 2)
        return false;
    if (glen[0] > 5 || (groups <= 8 && glen[groups - 1] < 2))
        return false; /* a one-digit tail is an ISBN check digit, not a phone */
    for (size_t g = 1; g < groups && g < 8; g++)
        if (glen[g] < 2)
            return false;
    if (glen[0] == 1 && !(dd[0] == '1' && digits == 11))
        return false;
    if (digits >= 13 && luhn(dd, digits) && card_prefix(dd, digits))
        return false;
    return true;
}

/* ==== IBAN ==== */

/* IBAN from p: two letters, two digits, then letters/digits, optionally in
 * space-separated groups of up to four. Tries the longest candidate first and
 * drops trailing groups until mod-97 holds. */
static bool iban_at(const char *t, size_t n, size_t p, size_t *end)
{
    if (p + 4 > n || !is_upper(t[p]) || !is_upper(t[p + 1]) || !is_digit(t[p + 2]) ||
        !is_digit(t[p + 3]))
        return false;
    char c[40];
    size_t nc = 0, ends[16], n_ends = 0, q = p;
    while (q < n && nc < 34) {
        size_t s = q;
        while (q < n && (is_upper(t[q]) || is_digit(t[q])) && nc < 34)
            c[nc++] = t[q++];
        if (q == s || !right_edge(t, n, q))
            break;
        if (n_ends < 16)
            ends[n_ends++] = q;
        if (q + 1 < n && t[q] == ' ' && (is_upper(t[q + 1]) || is_digit(t[q + 1])))
            q++;
        else
            break;
    }
    for (size_t k = n_ends; k > 0; k--) {
        /* Count characters up to ends[k-1]. */
        size_t len = 0;
        for (size_t i = p; i < ends[k - 1]; i++)
            len += t[i] != ' ';
        if (len < 15 || len > 34)
            continue;
        unsigned rem = 0;
        for (size_t i = 4; i < len + 4; i++) {
            char ch = c[i % len];
            unsigned v = is_digit(ch) ? (unsigned)(ch - '0') : (unsigned)(ch - 'A' + 10);
            rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
        }
        if (rem == 1) {
            *end = ends[k - 1];
            return true;
        }
    }
    return false;
}

/* ==== Addresses ==== */

static const char *const street_en[] = {
    "street", "st",      "avenue",   "ave",    "road",    "rd",  "boulevard", "blvd",
    "lane",   "ln",      "drive",    "dr",     "court",   "ct",  "way",       "place",
    "pl",     "terrace", "crescent", "square", "highway", "hwy", NULL};
static const char *const street_de[] = {"straße", "strasse", "str.", "gasse", "platz",
                                        "allee",  "weg",     "ufer", NULL};

/* Word [a, b) equals w ignoring ASCII case. */
static bool word_is(const char *t, size_t a, size_t b, const char *w)
{
    size_t l = strlen(w);
    if (b - a != l)
        return false;
    for (size_t i = 0; i < l; i++)
        if (lower(t[a + i]) != w[i])
            return false;
    return true;
}

/* Word [a, b) ends with w ignoring ASCII case. */
static bool word_ends(const char *t, size_t a, size_t b, const char *w)
{
    size_t l = strlen(w);
    return b - a > l && word_is(t, b - l, b, w);
}

/* End of the word starting at i (letters, UTF-8 bytes, '.', '\''). */
static size_t word_end(const char *t, size_t n, size_t i)
{
    while (i < n && (is_alpha(t[i]) || (unsigned char)t[i] >= 0x80 || t[i] == '\''))
        i++;
    if (i < n && t[i] == '.')
        i++;
    return i;
}

/* "123 Main Street", "42B Baker St.": a house number, one to four
 * capitalized words, a street type. */
static bool address_en(const char *t, size_t n, size_t p, size_t *end)
{
    size_t q = p;
    while (q < n && is_digit(t[q]) && q - p < 5)
        q++;
    if (q == p || (q < n && is_digit(t[q])))
        return false;
    if (q < n && is_upper(t[q]))
        q++;
    for (int words = 0; words < 5; words++) {
        if (q >= n || t[q] != ' ')
            return false;
        q++;
        size_t a = q, b = word_end(t, n, q);
        if (b == a)
            return false;
        size_t bw = t[b - 1] == '.' ? b - 1 : b;
        if (words > 0 && right_edge(t, n, b)) {
            for (int s = 0; street_en[s]; s++)
                if (word_is(t, a, bw, street_en[s])) {
                    *end = b;
                    return true;
                }
        }
        if (!is_upper(t[a]))
            return false;
        q = b;
        if (bw != b)
            return false;
    }
    return false;
}

/* "Hauptstraße 5", "Am Weinberg Weg 12a": a capitalized word ending in a
 * street type, then a house number. p is the word's start. */
static bool address_de(const char *t, size_t n, size_t p, size_t *end)
{
    if (!is_upper(t[p]))
        return false;
    size_t b = word_end(t, n, p);
    bool ok = false;
    for (int s = 0; street_de[s] && !ok; s++)
        ok = word_ends(t, p, b, street_de[s]) || word_is(t, p, b, street_de[s]);
    if (!ok || b - p < 5 || b + 1 >= n || t[b] != ' ' || !is_digit(t[b + 1]))
        return false;
    size_t q = b + 1;
    while (q < n && is_digit(t[q]) && q - b <= 4)
        q++;
    if (q < n && is_alpha(t[q]) && right_edge(t, n, q + 1))
        q++;
    if (!right_edge(t, n, q) || q - b > 5)
        return false;
    *end = q;
    return true;
}

/* ==== Run ==== */

void mo__pii_run(const mo_detect_config *c, mo_detect_scratch *s, const char *t, size_t n,
                 double *values)
{
    uint32_t sig_email = mo__dsig(c, MO__DSIG_PII_EMAIL);
    uint32_t sig_phone = mo__dsig(c, MO__DSIG_PII_PHONE);
    uint32_t sig_card = mo__dsig(c, MO__DSIG_PII_CARD);
    uint32_t sig_iban = mo__dsig(c, MO__DSIG_PII_IBAN);
    uint32_t sig_addr = mo__dsig(c, MO__DSIG_PII_ADDRESS);
    size_t email_end = 0;
    for (const char *at = memchr(t, '@', n); at;
         at = memchr(at + 1, '@', n - (size_t)(at - t) - 1)) {
        size_t a, b, i = (size_t)(at - t);
        if (i >= email_end && email_at(t, n, i, &a, &b)) {
            values[sig_email] += 1;
            mo__detect_emit(s, sig_email, (uint32_t)a, (uint32_t)b, 0);
            email_end = b;
        }
    }
    for (size_t i = 0; i < n; i++) {
        char ch = t[i];
        size_t e;
        if (!left_edge(t, i) || i < email_end)
            continue;
        if (is_upper(ch) && iban_at(t, n, i, &e)) {
            values[sig_iban] += 1;
            mo__detect_emit(s, sig_iban, (uint32_t)i, (uint32_t)e, 0);
            i = e;
            continue;
        }
        if (is_upper(ch) && address_de(t, n, i, &e)) {
            values[sig_addr] += 1;
            mo__detect_emit(s, sig_addr, (uint32_t)i, (uint32_t)e, 0);
            i = e;
            continue;
        }
        if (is_digit(ch)) {
            char d[20];
            size_t nd;
            size_t ce = digit_run(t, n, i, d, sizeof d, &nd);
            if (nd >= 13 && nd <= 19 && right_edge(t, n, ce) && luhn(d, nd) && card_prefix(d, nd)) {
                values[sig_card] += 1;
                mo__detect_emit(s, sig_card, (uint32_t)i, (uint32_t)ce, 0);
                i = ce;
                continue;
            }
            if (address_en(t, n, i, &e)) {
                values[sig_addr] += 1;
                mo__detect_emit(s, sig_addr, (uint32_t)i, (uint32_t)e, 0);
                i = e;
                continue;
            }
        }
        if ((ch == '+' || ch == '(' || is_digit(ch)) && phone_at(t, n, i, &e)) {
            values[sig_phone] += 1;
            mo__detect_emit(s, sig_phone, (uint32_t)i, (uint32_t)e, 0);
            i = e;
            continue;
        }
        /* Skip the rest of a number or word so its tail is not a new start. */
        while (i + 1 < n && is_alnum(t[i + 1]) && is_alnum(ch))
            i++;
    }
}
