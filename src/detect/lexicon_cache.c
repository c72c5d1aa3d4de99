/*
 * lexicon_cache.c -- an on-disk cache of the lexicon's compiled Vectorscan
 * database, so a process that opens the engine with the same lists skips
 * hs_compile_multi (about 0.1 s). The file is named by a key hashed over
 * everything that determines the compiled database; it holds a small header
 * and the hs_serialize_database bytes. Every failure (no cache directory, a
 * missing, truncated or corrupt file, another platform) is silent: the caller
 * compiles, as it would without a cache. Trust model in docs/DETECTORS.md.
 * Uses base only (plus Vectorscan and xxhash).
 */
#include "detect/detect_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define CACHE_MAGIC "MOHS"
#define CACHE_VERSION 1u
#define CACHE_MAX_PAYLOAD ((uint64_t)256 << 20) /* refuse larger files */
#define DAY_S 86400
/* A cache file unused this long is removed when another one is written; a
 * used one has its mtime refreshed at most once a day. */
#define CACHE_UNUSED_DAYS 30
/* A temp file of an interrupted write this old is removed likewise. */
#define CACHE_TEMP_DAYS 1

/* The file header, host byte order: the cache is only valid on the platform
 * that wrote it (the platform is part of the key). */
typedef struct cache_header {
    char magic[4];        /* CACHE_MAGIC */
    uint32_t version;     /* CACHE_VERSION */
    uint64_t key;         /* mo__lex_cache_key of the inputs; also in the file name */
    uint64_t payload_len; /* bytes of serialized database after the header */
    uint64_t payload_xxh; /* XXH64 (seed 0) of those bytes */
} cache_header;

uint64_t mo__lex_cache_key(const char *const *exprs, const unsigned *flags, const unsigned *ids,
                           size_t n, unsigned mode)
{
    XXH3_state_t st;
    XXH3_64bits_reset(&st);
    uint32_t ver = CACHE_VERSION;
    XXH3_64bits_update(&st, &ver, sizeof ver);
    const char *hs_ver = hs_version();
    XXH3_64bits_update(&st, hs_ver, strlen(hs_ver) + 1);
    hs_platform_info_t plat;
    memset(&plat, 0, sizeof plat);
    if (hs_populate_platform(&plat) != HS_SUCCESS)
        memset(&plat, 0xff, sizeof plat); /* still a key; deserialize checks the platform */
    uint64_t pf[4] = {plat.tune, plat.cpu_features, plat.reserved1, plat.reserved2};
    XXH3_64bits_update(&st, pf, sizeof pf);
    uint64_t head[2] = {mode, n};
    XXH3_64bits_update(&st, head, sizeof head);
    for (size_t i = 0; i < n; i++) {
        uint64_t e[3] = {ids[i], flags[i], strlen(exprs[i])};
        XXH3_64bits_update(&st, e, sizeof e);
        XXH3_64bits_update(&st, exprs[i], (size_t)e[2]);
    }
    return XXH3_64bits_digest(&st);
}

/* Writes the cache folder into dir: $MODERATO_CACHE_DIR (empty: caching
 * off), else $XDG_CACHE_HOME/moderato, else $HOME/.cache/moderato. Returns
 * false when caching is off or no folder can be named. */
static bool cache_dir(char *dir, size_t cap)
{
    const char *env = getenv("MODERATO_CACHE_DIR");
    int n;
    if (env)
        n = snprintf(dir, cap, "%s", env);
    else if ((env = getenv("XDG_CACHE_HOME")) && env[0] == '/')
        n = snprintf(dir, cap, "%s/moderato", env);
    else if ((env = getenv("HOME")) && env[0])
        n = snprintf(dir, cap, "%s/.cache/moderato", env);
    else
        return false;
    return n > 0 && (size_t)n < cap;
}

/* The cache file's path for key into path. With create, missing folders on
 * the way are made (0700). Returns false when there is no usable path. */
static bool cache_path(uint64_t key, char *path, size_t cap, bool create)
{
    char dir[4096];
    if (!cache_dir(dir, sizeof dir))
        return false;
    if (create) {
        for (char *p = dir + 1;; p++) {
            if (*p != '/' && *p != '\0')
                continue;
            char was = *p;
            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST)
                return false;
            *p = was;
            if (was == '\0')
                break;
        }
    }
    int n = snprintf(path, cap, "%s/lexicon-%016llx.hsdb", dir, (unsigned long long)key);
    return n > 0 && (size_t)n < cap;
}

/* Reads the whole of fd (a regular file of at most max bytes) into a
 * mo__malloc'd buffer. Returns NULL on any failure. */
static char *read_bounded(int fd, uint64_t max, size_t *out_len)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 0 || (uint64_t)sb.st_size > max)
        return NULL;
    size_t len = (size_t)sb.st_size, got = 0;
    char *buf = mo__malloc(len ? len : 1);
    if (!buf)
        return NULL;
    while (got < len) {
        ssize_t r = read(fd, buf + got, len - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            mo__free(buf);
            return NULL;
        }
        got += (size_t)r;
    }
    *out_len = len;
    return buf;
}

hs_database_t *mo__lex_cache_load(uint64_t key)
{
    char path[4200];
    if (!cache_path(key, path, sizeof path, false))
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t len = 0;
    char *buf = read_bounded(fd, sizeof(cache_header) + CACHE_MAX_PAYLOAD, &len);
    close(fd);
    if (!buf)
        return NULL;
    hs_database_t *db = NULL;
    cache_header h;
    if (len < sizeof h)
        goto done;
    memcpy(&h, buf, sizeof h);
    const char *payload = buf + sizeof h;
    if (memcmp(h.magic, CACHE_MAGIC, 4) != 0 || h.version != CACHE_VERSION || h.key != key ||
        h.payload_len != len - sizeof h ||
        XXH64(payload, (size_t)h.payload_len, 0) != h.payload_xxh)
        goto done;
    if (hs_deserialize_database(payload, (size_t)h.payload_len, &db) != HS_SUCCESS)
        db = NULL;
    struct stat sb;
    /* In use: keep it from looking unused to cache_prune (failure is harmless). */
    if (db && stat(path, &sb) == 0 && sb.st_mtime < time(NULL) - DAY_S)
        (void)utimensat(AT_FDCWD, path, NULL, 0);
done:
    mo__free(buf);
    return db;
}

/* 1 when name is lexicon-<16 hex digits>.hsdb, optionally followed by a
 * temp suffix ".tmp.<pid>.<n>" (*is_temp set), else 0. */
static int cache_name(const char *name, int *is_temp)
{
    if (strncmp(name, "lexicon-", 8) != 0)
        return 0;
    for (int i = 8; i < 24; i++)
        if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
            return 0;
    if (strncmp(name + 24, ".hsdb", 5) != 0)
        return 0;
    *is_temp = name[29] != '\0';
    return !*is_temp || strncmp(name + 29, ".tmp.", 5) == 0;
}

/* Removes the cache files in the cache folder that no process has used for
 * CACHE_UNUSED_DAYS (other lists, an older Vectorscan or another CPU), and
 * temp files of interrupted writes older than CACHE_TEMP_DAYS; never the
 * file of key, never a file of another name. Best effort: errors are
 * ignored. */
static void cache_prune(uint64_t key)
{
    char dir[4096], keep[64], path[4400];
    if (!cache_dir(dir, sizeof dir))
        return;
    snprintf(keep, sizeof keep, "lexicon-%016llx.hsdb", (unsigned long long)key);
    DIR *d = opendir(dir);
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *e;
    while ((e = readdir(d))) {
        int is_temp = 0;
        if (!cache_name(e->d_name, &is_temp) || !strcmp(e->d_name, keep))
            continue;
        int n = snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (n <= 0 || (size_t)n >= sizeof path || lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
            continue;
        if (sb.st_mtime < now - (time_t)(is_temp ? CACHE_TEMP_DAYS : CACHE_UNUSED_DAYS) * DAY_S)
            (void)unlink(path);
    }
    closedir(d);
}

void mo__lex_cache_store(uint64_t key, const hs_database_t *db)
{
    char path[4200];
    if (!db || !cache_path(key, path, sizeof path, true))
        return;
    char *bytes = NULL;
    size_t n = 0;
    if (hs_serialize_database(db, &bytes, &n) != HS_SUCCESS)
        return;
    char *file = n <= CACHE_MAX_PAYLOAD ? mo__malloc(sizeof(cache_header) + n) : NULL;
    if (file) {
        cache_header h = {CACHE_MAGIC, CACHE_VERSION, key, n, XXH64(bytes, n, 0)};
        memcpy(file, &h, sizeof h);
        memcpy(file + sizeof h, bytes, n);
        if (mo__file_write_atomic(path, file, sizeof h + n, NULL) == MO_OK)
            cache_prune(key); /* a new file: the lists or the platform changed */
        mo__free(file);
    }
    free(bytes); /* hs_serialize_database uses Vectorscan's misc allocator: malloc */
}
