/*
 * url.c -- URL and domain extraction (with the common obfuscations
 * "example[.]com", "example(dot)com", "hxxp://"), domain block/allow lists and
 * link shorteners, and cryptocurrency wallet addresses (Bitcoin base58 and
 * bech32 shapes, Ethereum 0x + 40 hex). Works on the original bytes through a
 * de-obfuscated lowercase copy that maps back to them. Uses base.
 */
#include "detect/detect_int.h"

#include <string.h>

/* Top-level domains accepted without a scheme or "www." ("example.com" but
 * not "readme.md" or "node.js"). */
static const char *const bare_tlds[] = {
    "com",  "net",  "org",   "info", "biz", "io",  "co",    "ly",  "me",   "gg",     "tv",   "to",
    "xyz",  "app",  "dev",   "ai",   "ru",  "de",  "uk",    "fr",  "es",   "it",     "nl",   "pl",
    "br",   "in",   "cn",    "jp",   "cc",  "ws",  "su",    "top", "site", "online", "club", "shop",
    "link", "live", "store", "us",   "ca",  "au",  "eu",    "ch",  "at",   "be",     "se",   "dk",
    "fi",   "cz",   "pt",    "gl",   "id",  "gd",  "gy",    "st",  "ink",  "tk",     "ml",   "ga",
    "cf",   "gq",   "ua",    "kr",   "vn",  "ir",  "click", "win", "bet",  "vip",    "pro",  "fun",
    "icu",  "buzz", "money", "cash", "sex", "xxx", "porn",  "cam", NULL};

static bool host_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
}

static char lower(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Case-insensitive prefix test of t[i, n) against lowercase w. */
static size_t starts(const char *t, size_t n, size_t i, const char *w)
{
    size_t l = strlen(w);
    if (i + l > n)
        return 0;
    for (size_t k = 0; k < l; k++)
        if (lower(t[i + k]) != w[k])
            return 0;
    return l;
}

static int grow(mo_detect_scratch *s, size_t n)
{
    if (n + 1 <= s->ucap)
        return MO_OK;
    size_t cap = s->ucap ? s->ucap : 256;
    while (cap < n + 1)
        cap *= 2;
    size_t bytes;
    if (mo__size_mul(cap, 2 * sizeof(uint32_t), &bytes) != MO_OK)
        return MO_ELIMIT;
    char *b = mo__realloc(s->ubuf, cap);
    if (!b)
        return MO_ENOMEM;
    s->ubuf = b;
    uint32_t *m = mo__realloc(s->umap, bytes);
    if (!m)
        return MO_ENOMEM;
    s->umap = m;
    s->ucap = cap;
    return MO_OK;
}

/* Writes the lowercase, de-obfuscated copy of t to s->ubuf; umap[j] and
 * umap[cap + j] are the original [start, end) of output byte j. */
static size_t deobfuscate(mo_detect_scratch *s, const char *t, size_t n)
{
    static const char *const dots[] = {"[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}", NULL};
    uint32_t *ms = s->umap, *me = s->umap + s->ucap;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        char ch = t[i];
        if (ch != ' ' && ch != '[' && ch != '(' && ch != '{' && ch != 'h' && ch != 'H') {
            s->ubuf[w] = lower(ch); /* the common case: no obfuscation starts here */
            ms[w] = (uint32_t)i;
            me[w] = (uint32_t)(i + 1);
            w++;
            i++;
            continue;
        }
        size_t l = 0;
        char out = 0;
        /* " [.] " with spaces around the bracket is common too. */
        size_t sp = (t[i] == ' ' && i + 1 < n) ? 1 : 0;
        for (int k = 0; dots[k] && !l; k++) {
            size_t m = starts(t, n, i + sp, dots[k]);
            if (m) {
                l = sp + m;
                if (i + l < n && t[i + l] == ' ' && sp)
                    l++;
                out = '.';
            }
        }
        if (!l && (l = starts(t, n, i, "[:]")))
            out = ':';
        if (!l && starts(t, n, i, "hxxp")) {
            /* hxxp -> http, one byte at a time so the spans stay exact. */
            const char *h = "http";
            for (int k = 0; k < 4; k++) {
                s->ubuf[w] = h[k];
                ms[w] = (uint32_t)(i + (size_t)k);
                me[w] = (uint32_t)(i + (size_t)k + 1);
                w++;
            }
            i += 4;
            continue;
        }
        if (l) {
            s->ubuf[w] = out;
            ms[w] = (uint32_t)i;
            me[w] = (uint32_t)(i + l);
            w++;
            i += l;
            continue;
        }
        s->ubuf[w] = lower(t[i]);
        ms[w] = (uint32_t)i;
        me[w] = (uint32_t)(i + 1);
        w++;
        i++;
    }
    s->ubuf[w] = '\0';
    return w;
}

/* A host at u[a, b): two or more non-empty labels and an alphabetic TLD
 * (2-24 letters, from bare_tlds unless `any_tld`: after a scheme or "www.",
 * or for a domain on the block or shortener list). */
static bool valid_host(const char *u, size_t a, size_t b, bool any_tld)
{
    size_t dot = 0, labels = 1;
    for (size_t i = a; i < b; i++)
        if (u[i] == '.') {
            if (i == a || u[i - 1] == '.')
                return false;
            dot = i;
            labels++;
        }
    if (!dot || labels < 2 || b - dot - 1 < 2 || b - dot - 1 > 24)
        return false;
    for (size_t i = dot + 1; i < b; i++)
        if (!(u[i] >= 'a' && u[i] <= 'z'))
            return false;
    if (any_tld)
        return true;
    for (int k = 0; bare_tlds[k]; k++)
        if (strlen(bare_tlds[k]) == b - dot - 1 &&
            memcmp(bare_tlds[k], u + dot + 1, b - dot - 1) == 0)
            return true;
    return false;
}

static bool url_stop(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '"' || ch == '\'' ||
           ch == '<' || ch == '>' || ch == ')' || ch == ']' || ch == '\0';
}

/* ==== Wallets ==== */

static bool is_base58(char ch)
{
    return (ch >= '1' && ch <= '9') || (ch >= 'A' && ch <= 'H') || (ch >= 'J' && ch <= 'N') ||
           (ch >= 'P' && ch <= 'Z') || (ch >= 'a' && ch <= 'k') || (ch >= 'm' && ch <= 'z');
}

static bool is_bech32(char ch)
{
    return (ch >= '0' && ch <= '9' && ch != '1') ||
           (ch >= 'a' && ch <= 'z' && ch != 'b' && ch != 'i' && ch != 'o');
}

static bool is_hex(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

static bool word_byte(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
           (unsigned char)ch >= 0x80;
}

/* Length of a wallet address at t[i] (i at a word start), or 0. */
static size_t wallet_at(const char *t, size_t n, size_t i)
{
    size_t e = i;
    while (e < n && word_byte(t[e]))
        e++;
    size_t l = e - i;
    if (l == 42 && t[i] == '0' && (t[i + 1] == 'x' || t[i + 1] == 'X')) {
        for (size_t k = i + 2; k < e; k++)
            if (!is_hex(t[k]))
                return 0;
        return l;
    }
    if (l >= 14 && l <= 74 && starts(t, n, i, "bc1")) {
        bool lo = t[i] == 'b';
        for (size_t k = i + 3; k < e; k++) {
            char ch = lo ? t[k] : lower(t[k]);
            if (!is_bech32(ch) || (lo && ch != t[k]))
                return 0;
        }
        return l >= 26 ? l : 0;
    }
    if (l >= 26 && l <= 35 && (t[i] == '1' || t[i] == '3')) {
        bool up = false, low = false;
        for (size_t k = i; k < e; k++) {
            if (!is_base58(t[k]))
                return 0;
            up = up || (t[k] >= 'A' && t[k] <= 'Z');
            low = low || (t[k] >= 'a' && t[k] <= 'z');
        }
        return up && low ? l : 0;
    }
    return 0;
}

/* ==== Run ==== */

int mo__url_run(const mo_detect_config *c, mo_detect_scratch *s, const char *t, size_t n,
                double *values)
{
    /* One pass over the words for wallets (a wallet is a whole word of 26
     * bytes or more) and over the bytes between them for signs of a host:
     * every URL has one that valid_host accepts, so a '.' directly followed
     * by a letter in the de-obfuscated copy. Without '[', '(' or '{' no dot
     * pattern can start, the copy is the text lowercased byte for byte
     * ("hxxp" -> "http" keeps letters letters), and the test reads the text
     * itself. Most texts have none, and skip the copy and the URL scan. */
    uint32_t sig_wallet = mo__dsig(c, MO__DSIG_SPAM_CRYPTO_WALLET);
    bool host = false;
    for (size_t i = 0; i < n;) {
        char ch = t[i];
        if (!word_byte(ch)) {
            if (ch == '[' || ch == '(' || ch == '{' ||
                (ch == '.' && i + 1 < n &&
                 ((t[i + 1] >= 'a' && t[i + 1] <= 'z') || (t[i + 1] >= 'A' && t[i + 1] <= 'Z'))))
                host = true;
            i++;
            continue;
        }
        size_t e = i + 1;
        while (e < n && word_byte(t[e]))
            e++;
        size_t l = e - i >= 26 ? wallet_at(t, n, i) : 0;
        if (l) {
            values[sig_wallet] += 1;
            mo__detect_emit(s, sig_wallet, (uint32_t)i, (uint32_t)(i + l), 0);
        }
        i = e;
    }
    if (!host)
        return MO_OK;
    int rc = grow(s, n);
    if (rc != MO_OK)
        return rc;
    size_t un = deobfuscate(s, t, n);
    const char *u = s->ubuf;
    const uint32_t *ms = s->umap, *me = s->umap + s->ucap;
    uint32_t sig_count = mo__dsig(c, MO__DSIG_URL_COUNT);
    uint32_t sig_block = mo__dsig(c, MO__DSIG_URL_BLOCKLISTED);
    uint32_t sig_short = mo__dsig(c, MO__DSIG_URL_SHORTENER);
    for (size_t i = 0; i < un; i++) {
        if (i > 0 && (host_char(u[i - 1]) || u[i - 1] == '@' || u[i - 1] == '/'))
            continue;
        size_t h = i, l;
        bool scheme = false;
        if ((l = starts(u, un, i, "http://")) || (l = starts(u, un, i, "https://"))) {
            h = i + l;
            scheme = true;
        }
        size_t e = h;
        while (e < un && host_char(u[e]))
            e++;
        while (e > h && (u[e - 1] == '.' || u[e - 1] == '-'))
            e--;
        bool www = starts(u, un, h, "www.") > 0;
        bool ok = e > h && !(e < un && u[e] == '@') && valid_host(u, h, e, true);
        if (ok && !scheme && !www && !valid_host(u, h, e, false))
            ok = mo__domains_has(&c->block, u + h, e - h) ||
                 mo__domains_has(&c->shorteners, u + h, e - h);
        if (!ok) {
            /* Skip the rest of this run so its tail is not a new start. */
            while (i + 1 < un && host_char(u[i + 1]) && host_char(u[i]))
                i++;
            continue;
        }
        size_t end = e;
        if (end < un && (u[end] == '/' || u[end] == ':' || u[end] == '?' || u[end] == '#'))
            while (end < un && !url_stop(u[end]))
                end++;
        while (end > e &&
               (u[end - 1] == '.' || u[end - 1] == ',' || u[end - 1] == '!' || u[end - 1] == '?'))
            end--;
        uint32_t a = ms[i], b = me[end - 1];
        values[sig_count] += 1;
        mo__detect_emit(s, sig_count, a, b, 0);
        if (mo__domains_has(&c->shorteners, u + h, e - h)) {
            values[sig_short] += 1;
            mo__detect_emit(s, sig_short, a, b, 0);
        }
        if (mo__domains_has(&c->block, u + h, e - h) && !mo__domains_has(&c->allow, u + h, e - h)) {
            values[sig_block] += 1;
            mo__detect_emit(s, sig_block, a, b, 0);
        }
        i = end;
    }
    return MO_OK;
}
