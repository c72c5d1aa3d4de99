/*
 * format.c -- the model file (STYLE.md section I): serializing a model into
 * bytes, and loading one from a file (mmap, PROT_READ, MAP_PRIVATE) or from a
 * caller's buffer with full validation, so no corrupt input can crash the
 * reader: magic, version, sizes, XXH64 checksum, every tensor's bounds and
 * alignment, and the metadata JSON with its required fields. Weights are
 * used in place, never copied. Format 1.1 adds the optional u8 tensor "idf"
 * (features.value "tfidf"); a 1.0 file, without it, keeps count/sqrt(n). Also the mo_model
 * accessors. Uses base, text.
 *
 * Layout (little-endian): 64-byte header | metadata JSON | tensor table
 * (88 bytes per tensor) | tensor data, each 64-byte aligned | u64 XXH64 of
 * every byte before it.
 */
#include "model/model_int.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

/* ==== Little-endian helpers ==== */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

static uint64_t align_up(uint64_t x, uint64_t a)
{
    return (x + a - 1) / a * a;
}

static size_t dtype_size(uint32_t dtype)
{
    return dtype == MO__DTYPE_F32 ? 4 : (dtype == MO__DTYPE_I8 || dtype == MO__DTYPE_U8) ? 1 : 0;
}

/* ==== Writing ==== */

int mo__model_serialize(const char *meta_json, size_t meta_len, const mo__tensor *t, size_t n_t,
                        uint8_t **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (n_t > MO__MODEL_MAX_TENSORS)
        return MO_EINVAL;
    uint64_t meta_off = MO__MODEL_HEADER_SIZE;
    uint64_t table_off = align_up(meta_off + meta_len, 8);
    uint64_t pos = align_up(table_off + n_t * MO__MODEL_TENSOR_ENTRY, MO__MODEL_ALIGN);
    uint64_t offs[MO__MODEL_MAX_TENSORS];
    for (size_t i = 0; i < n_t; i++) {
        if (strlen(t[i].name) >= 32 || t[i].n_dims < 1 || t[i].n_dims > 4)
            return MO_EINVAL;
        offs[i] = pos;
        pos = align_up(pos + t[i].nbytes, MO__MODEL_ALIGN);
    }
    uint64_t total = pos + 8;
    if (total > SIZE_MAX)
        return MO_ELIMIT;
    uint8_t *b = mo__calloc(1, (size_t)total);
    if (!b)
        return MO_ENOMEM;
    memcpy(b, MO__MODEL_MAGIC, 4);
    put16(b + 4, MO__MODEL_MAJOR);
    put16(b + 6, MO__MODEL_MINOR);
    put32(b + 8, MO__MODEL_HEADER_SIZE);
    put32(b + 12, 0);
    put64(b + 16, total);
    put64(b + 24, meta_off);
    put64(b + 32, meta_len);
    put64(b + 40, table_off);
    put32(b + 48, (uint32_t)n_t);
    memcpy(b + meta_off, meta_json, meta_len);
    for (size_t i = 0; i < n_t; i++) {
        uint8_t *e = b + table_off + i * MO__MODEL_TENSOR_ENTRY;
        memcpy(e, t[i].name, strlen(t[i].name));
        put32(e + 32, t[i].dtype);
        put32(e + 36, t[i].n_dims);
        for (int d = 0; d < 4; d++)
            put64(e + 40 + 8 * d, t[i].dims[d]);
        put64(e + 72, offs[i]);
        put64(e + 80, t[i].nbytes);
        if (t[i].nbytes)
            memcpy(b + offs[i], t[i].data, (size_t)t[i].nbytes);
    }
    put64(b + pos, XXH64(b, (size_t)pos, 0));
    *out = b;
    *out_len = (size_t)total;
    return MO_OK;
}

/* ==== Loading ==== */

typedef struct tensor_view {
    char name[33];
    uint32_t dtype;
    uint32_t n_dims;
    uint64_t dims[4];
    uint64_t offset;
    uint64_t nbytes;
} tensor_view;

#define FAIL(code, field, ...)                                                                     \
    do {                                                                                           \
        rc = mo__diag_set(diag, code, src, 0, field, __VA_ARGS__);                                 \
        goto fail;                                                                                 \
    } while (0)

/* Reads a number field of a JSON object; returns 0 when missing or not numeric. */
static int json_num(json_t *o, const char *key, double *out)
{
    json_t *v = json_object_get(o, key);
    if (!v || !json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return 1;
}

static const tensor_view *find_tensor(const tensor_view *tv, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tv[i].name, name) == 0)
            return &tv[i];
    return NULL;
}

/* Validates buf (len bytes, 64-aligned) and builds the model. `src` names the
 * input in diagnostics. On success the model borrows buf. */
static int load_common(const uint8_t *buf, size_t len, const char *src, mo_model **out,
                       mo_diag *diag)
{
    int rc = MO_OK;
    mo_model *m = NULL;
    json_t *meta = NULL;
    tensor_view *tv = NULL;
    *out = NULL;

    if (len < 4 || memcmp(buf, MO__MODEL_MAGIC, 4) != 0)
        FAIL(MO_EFORMAT, "magic", "%s: not a moderato model (bad magic)", src);
    if (len < MO__MODEL_HEADER_SIZE + 8)
        FAIL(MO_EFORMAT, "file_size", "%s: truncated: file is %zu bytes, smaller than a header",
             src, len);
    uint16_t major = get16(buf + 4), minor = get16(buf + 6);
    if (major != MO__MODEL_MAJOR)
        FAIL(MO_EVERSION, "major",
             "%s: model format version %u.%u is not supported (this reader reads %u.x)", src, major,
             minor, MO__MODEL_MAJOR);
    uint32_t header_size = get32(buf + 8);
    uint64_t file_size = get64(buf + 16);
    if (file_size != len)
        FAIL(MO_EFORMAT, "file_size", "%s: truncated: file is %zu bytes, header says %llu", src,
             len, (unsigned long long)file_size);
    if (header_size < MO__MODEL_HEADER_SIZE || header_size > len - 8)
        FAIL(MO_EFORMAT, "header_size", "%s: header_size %u is out of range", src, header_size);
    uint64_t want = get64(buf + len - 8), got = XXH64(buf, len - 8, 0);
    if (want != got)
        FAIL(MO_EFORMAT, "checksum",
             "%s: checksum mismatch (file says %016llx, content hashes to %016llx): corrupted", src,
             (unsigned long long)want, (unsigned long long)got);

    uint64_t body_end = len - 8;
    uint64_t meta_off = get64(buf + 24), meta_len = get64(buf + 32);
    if (meta_off < header_size || meta_off > body_end || meta_len > body_end - meta_off)
        FAIL(MO_EFORMAT, "meta_off", "%s: metadata [%llu, +%llu) is outside the file", src,
             (unsigned long long)meta_off, (unsigned long long)meta_len);
    uint64_t table_off = get64(buf + 40);
    uint32_t n_tensors = get32(buf + 48);
    if (n_tensors > MO__MODEL_MAX_TENSORS)
        FAIL(MO_EFORMAT, "n_tensors", "%s: %u tensors is over the limit of %d", src, n_tensors,
             MO__MODEL_MAX_TENSORS);
    if (table_off < header_size || table_off > body_end ||
        (uint64_t)n_tensors * MO__MODEL_TENSOR_ENTRY > body_end - table_off)
        FAIL(MO_EFORMAT, "table_off", "%s: tensor table at %llu is outside the file", src,
             (unsigned long long)table_off);

    tv = mo__calloc(n_tensors ? n_tensors : 1, sizeof *tv);
    if (!tv)
        FAIL(MO_ENOMEM, NULL, "%s: out of memory", src);
    for (uint32_t i = 0; i < n_tensors; i++) {
        const uint8_t *e = buf + table_off + (uint64_t)i * MO__MODEL_TENSOR_ENTRY;
        tensor_view *t = &tv[i];
        if (!memchr(e, 0, 32))
            FAIL(MO_EFORMAT, "tensor.name", "%s: tensor %u: name is not NUL-terminated", src, i);
        memcpy(t->name, e, 32);
        t->dtype = get32(e + 32);
        t->n_dims = get32(e + 36);
        for (int d = 0; d < 4; d++)
            t->dims[d] = get64(e + 40 + 8 * d);
        t->offset = get64(e + 72);
        t->nbytes = get64(e + 80);
        size_t es = dtype_size(t->dtype);
        if (!es)
            FAIL(MO_EFORMAT, "tensor.dtype", "%s: tensor '%s': unknown dtype %u", src, t->name,
                 t->dtype);
        if (t->n_dims < 1 || t->n_dims > 4)
            FAIL(MO_EFORMAT, "tensor.n_dims", "%s: tensor '%s': n_dims %u not in 1..4", src,
                 t->name, t->n_dims);
        uint64_t count = 1;
        for (uint32_t d = 0; d < t->n_dims; d++) {
            if (t->dims[d] && count > UINT64_MAX / t->dims[d])
                FAIL(MO_EFORMAT, "tensor.dims", "%s: tensor '%s': dims overflow", src, t->name);
            count *= t->dims[d];
        }
        if (count > UINT64_MAX / es || count * es != t->nbytes)
            FAIL(MO_EFORMAT, "tensor.nbytes", "%s: tensor '%s': nbytes %llu does not match dims",
                 src, t->name, (unsigned long long)t->nbytes);
        if (t->offset % MO__MODEL_ALIGN)
            FAIL(MO_EFORMAT, "tensor.offset", "%s: tensor '%s': offset %llu is not %d-aligned", src,
                 t->name, (unsigned long long)t->offset, MO__MODEL_ALIGN);
        if (t->offset < header_size || t->offset > body_end || t->nbytes > body_end - t->offset)
            FAIL(MO_EFORMAT, "tensor.offset", "%s: tensor '%s': [%llu, +%llu) is outside the file",
                 src, t->name, (unsigned long long)t->offset, (unsigned long long)t->nbytes);
    }

    m = mo__calloc(1, sizeof *m);
    if (!m)
        FAIL(MO_ENOMEM, NULL, "%s: out of memory", src);
    m->base = buf;
    m->size = len;
    m->meta_json = mo__strndup((const char *)buf + meta_off, (size_t)meta_len);
    if (!m->meta_json)
        FAIL(MO_ENOMEM, NULL, "%s: out of memory", src);

    json_error_t jerr;
    meta = json_loadb((const char *)buf + meta_off, (size_t)meta_len, 0, &jerr);
    if (!meta || !json_is_object(meta))
        FAIL(MO_EFORMAT, "meta", "%s: metadata is not a JSON object: %s", src,
             meta ? "wrong type" : jerr.text);

    json_t *feat = json_object_get(meta, "features");
    double hb, wn, cmin, cmax;
    if (!json_is_object(feat) || !json_num(feat, "hash_bits", &hb) ||
        !json_num(feat, "word_ngrams", &wn) || !json_num(feat, "char_min", &cmin) ||
        !json_num(feat, "char_max", &cmax))
        FAIL(MO_EFORMAT, "features", "%s: metadata field 'features' is missing or incomplete", src);
    if (!(hb >= 10 && hb <= 26) || !(wn >= 1 && wn <= 2) || !(cmax >= 0 && cmax <= 8) ||
        !(cmin >= 0 && cmin <= cmax) || hb != (uint32_t)hb || wn != (uint32_t)wn ||
        cmin != (uint32_t)cmin || cmax != (uint32_t)cmax)
        FAIL(MO_EFORMAT, "features", "%s: metadata field 'features' has values out of range", src);
    json_t *hs = json_object_get(feat, "hash_seed");
    const char *hss = json_is_string(hs) ? json_string_value(hs) : "";
    if (!*hss || strspn(hss, "0123456789") != strlen(hss) || strlen(hss) > 20)
        FAIL(MO_EFORMAT, "features.hash_seed", "%s: metadata field 'features.hash_seed' is missing",
             src);
    m->feat.hash_bits = (uint32_t)hb;
    m->feat.word_ngrams = (uint32_t)wn;
    m->feat.char_min = (uint32_t)cmin;
    m->feat.char_max = (uint32_t)cmax;
    m->feat.hash_seed = strtoull(hss, NULL, 10);

    json_t *labels = json_object_get(meta, "labels");
    if (!json_is_array(labels) || json_array_size(labels) == 0 ||
        json_array_size(labels) > MO__MODEL_MAX_LABELS)
        FAIL(MO_EFORMAT, "labels", "%s: metadata field 'labels' must be a non-empty array", src);
    size_t L = json_array_size(labels);
    m->n_labels = L;
    m->labels = mo__calloc(L + 1, sizeof *m->labels);
    m->threshold = mo__calloc(L, sizeof(float));
    m->platt_a = mo__calloc(L, sizeof(float));
    m->platt_b = mo__calloc(L, sizeof(float));
    if (!m->labels || !m->threshold || !m->platt_a || !m->platt_b)
        FAIL(MO_ENOMEM, NULL, "%s: out of memory", src);
    for (size_t i = 0; i < L; i++) {
        json_t *o = json_array_get(labels, i);
        json_t *name = json_object_get(o, "name");
        json_t *cal = json_object_get(o, "calibration");
        double thr, a, b;
        if (!json_is_object(o) || !json_is_string(name) || !json_num(o, "threshold", &thr) ||
            !json_is_object(cal) || !json_num(cal, "a", &a) || !json_num(cal, "b", &b))
            FAIL(MO_EFORMAT, "labels",
                 "%s: metadata 'labels[%zu]' needs name, threshold and "
                 "calibration {a, b}",
                 src, i);
        if (!isfinite(thr) || !isfinite(a) || !isfinite(b))
            FAIL(MO_EFORMAT, "labels", "%s: metadata 'labels[%zu]' has a non-finite number", src,
                 i);
        m->labels[i] = mo__strndup(json_string_value(name), json_string_length(name));
        if (!m->labels[i])
            FAIL(MO_ENOMEM, NULL, "%s: out of memory", src);
        m->threshold[i] = (float)thr;
        m->platt_a[i] = (float)a;
        m->platt_b[i] = (float)b;
    }

    json_t *classes = json_object_get(meta, "classes");
    if (classes) {
        json_t *cl = json_object_get(classes, "labels"), *cw = json_object_get(classes, "weights");
        size_t k = json_array_size(cl);
        if (!json_is_array(cl) || !json_is_array(cw) || k < 2 || k > L || json_array_size(cw) != k)
            FAIL(MO_EFORMAT, "classes",
                 "%s: metadata 'classes' needs 'labels' (at least 2) and as many 'weights'", src);
        m->class_idx = mo__calloc(k, sizeof *m->class_idx);
        m->class_w = mo__calloc(k, sizeof *m->class_w);
        if (!m->class_idx || !m->class_w)
            FAIL(MO_ENOMEM, NULL, "%s: out of memory", src);
        for (size_t c = 0; c < k; c++) {
            const char *name = json_string_value(json_array_get(cl, c));
            json_t *wv = json_array_get(cw, c);
            size_t l = 0;
            while (name && l < L && strcmp(m->labels[l], name) != 0)
                l++;
            if (!name || l == L)
                FAIL(MO_EFORMAT, "classes.labels",
                     "%s: metadata 'classes.labels[%zu]' is not one of the model's labels", src, c);
            for (size_t d = 0; d < c; d++)
                if (m->class_idx[d] == l)
                    FAIL(MO_EFORMAT, "classes.labels",
                         "%s: metadata 'classes.labels' names '%s' twice", src, name);
            if (!json_is_number(wv) || !(json_number_value(wv) > 0) ||
                !isfinite(json_number_value(wv)))
                FAIL(MO_EFORMAT, "classes.weights",
                     "%s: metadata 'classes.weights[%zu]' must be a positive number", src, c);
            m->class_idx[c] = (uint32_t)l;
            m->class_w[c] = (float)json_number_value(wv);
        }
        m->n_classes = k;
    }

    uint64_t n_buckets = 1ull << m->feat.hash_bits;
    const tensor_view *tw = find_tensor(tv, n_tensors, "w");
    const tensor_view *tb = find_tensor(tv, n_tensors, "b");
    if (!tw || !tb)
        FAIL(MO_EFORMAT, tw ? "b" : "w", "%s: tensor '%s' is missing", src, tw ? "b" : "w");
    if (tw->n_dims != 2 || tw->dims[0] != n_buckets || tw->dims[1] != L)
        FAIL(MO_EFORMAT, "w", "%s: tensor 'w' must be (%llu, %zu)", src,
             (unsigned long long)n_buckets, L);
    if (tb->n_dims != 1 || tb->dims[0] != L || tb->dtype != MO__DTYPE_F32)
        FAIL(MO_EFORMAT, "b", "%s: tensor 'b' must be f32 (%zu)", src, L);
    m->w.n_labels = L;
    m->w.n_buckets = (uint32_t)n_buckets;
    m->w.bias = (const float *)(buf + tb->offset);
    if (tw->dtype == MO__DTYPE_I8) {
        const tensor_view *ts = find_tensor(tv, n_tensors, "w_scale");
        if (!ts || ts->n_dims != 1 || ts->dims[0] != L || ts->dtype != MO__DTYPE_F32)
            FAIL(MO_EFORMAT, "w_scale", "%s: int8 tensor 'w' needs an f32 'w_scale' (%zu)", src, L);
        m->w.w_i8 = (const int8_t *)(buf + tw->offset);
        m->w.scale = (const float *)(buf + ts->offset);
    } else if (tw->dtype == MO__DTYPE_F32) {
        m->w.w_f32 = (const float *)(buf + tw->offset);
    } else {
        FAIL(MO_EFORMAT, "w", "%s: tensor 'w' must be f32 or i8", src);
    }
    const tensor_view *ti = find_tensor(tv, n_tensors, "idf");
    if (ti) {
        if (ti->n_dims != 1 || ti->dims[0] != n_buckets || ti->dtype != MO__DTYPE_U8)
            FAIL(MO_EFORMAT, "idf", "%s: tensor 'idf' must be u8 (%llu)", src,
                 (unsigned long long)n_buckets);
        m->w.idf = buf + ti->offset;
    }
    json_decref(meta);
    mo__free(tv);
    *out = m;
    return MO_OK;
fail:
    json_decref(meta);
    mo__free(tv);
    mo_model_free(m);
    return rc;
}

#undef FAIL

int mo_model_load_buffer(const void *buf, size_t len, mo_model **out, mo_diag *diag)
{
    if (!out)
        return MO_EINVAL;
    *out = NULL;
    if (!buf || ((uintptr_t)buf % MO__MODEL_ALIGN) != 0)
        return mo__diag_set(diag, MO_EINVAL, "<buffer>", 0, NULL,
                            "model buffer must be non-NULL and %d-byte aligned", MO__MODEL_ALIGN);
    return load_common(buf, len, "<buffer>", out, diag);
}

/* Packs rows [b0, b1) of n: the label bytes of the file's row, zero padding,
 * the idf byte last. */
static void pack_range(uint8_t *rows, const uint8_t *src, const uint8_t *idf, size_t L, size_t b0,
                       size_t b1, size_t n)
{
    size_t b = b0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (L == MO__PACKED_IDF) {
        /* The common 7 labels: one 8-byte load per row (its last byte, the
         * next row's first, is replaced by the idf byte); the file's last
         * row, whose load would pass the tensor's end, goes below. */
        uint64_t *out = (uint64_t *)(void *)rows;
        for (; b < b1 && b + 1 < n; b++) {
            uint64_t v;
            memcpy(&v, src + b * L, sizeof v);
            v &= ~((uint64_t)0xFF << (8 * MO__PACKED_IDF));
            out[b] = v | (uint64_t)idf[b] << (8 * MO__PACKED_IDF);
        }
    }
#endif
    for (; b < b1; b++) {
        uint8_t *row = rows + b * MO__PACKED_ROW;
        for (size_t l = 0; l < MO__PACKED_ROW; l++)
            row[l] = l < L ? src[b * L + l] : 0;
        row[MO__PACKED_IDF] = idf[b];
    }
}

/* Drops the whole file pages in [*from, to) from this process (they were
 * copied; the page cache keeps them) and moves *from past them. */
static void release_pages(uintptr_t *from, uintptr_t to)
{
    uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t a = (*from + pg - 1) & ~(pg - 1), e = to & ~(pg - 1);
    if (e > a && madvise((void *)a, e - a, MADV_DONTNEED) == 0)
        *from = e;
}

/* Builds m->packed (see struct mo_model) when the model qualifies. The rows
 * are read at random, one per feature, so the table goes into anonymous
 * memory aligned to 2 MiB and advised for transparent huge pages (fewer TLB
 * misses than the file mapping's 4 KiB pages). For a mapped file, the pages
 * of the copied tensors are released as the copy goes, so the peak memory
 * grows by about one chunk, not by the table. Optional: if anything fails,
 * inference keeps reading the tensors in place, with the same results. */
static void pack_rows(mo_model *m)
{
    const mo__weights *w = &m->w;
    size_t L = w->n_labels, n = w->n_buckets;
    if (!w->w_i8 || !w->idf || L > MO__PACKED_LABELS)
        return;
    const size_t huge = (size_t)2 << 20, chunk = (size_t)1 << 16; /* rows per step */
    size_t bytes = n * MO__PACKED_ROW, len = bytes + huge;
    void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (map == MAP_FAILED)
        return;
    uint8_t *rows = (uint8_t *)(((uintptr_t)map + huge - 1) & ~(uintptr_t)(huge - 1));
#ifdef MADV_HUGEPAGE
    madvise(rows, bytes, MADV_HUGEPAGE);
#endif
    const uint8_t *src = (const uint8_t *)w->w_i8;
    uintptr_t src_done = (uintptr_t)src, idf_done = (uintptr_t)w->idf;
    for (size_t b0 = 0; b0 < n; b0 += chunk) {
        size_t b1 = n - b0 < chunk ? n : b0 + chunk;
        pack_range(rows, src, w->idf, L, b0, b1, n);
        if (m->is_mapped) {
            release_pages(&src_done, (uintptr_t)(src + b1 * L));
            release_pages(&idf_done, (uintptr_t)(w->idf + b1));
        }
    }
    m->packed = rows;
    m->packed_map = map;
    m->packed_map_len = len;
}

int mo_model_load(const char *path, mo_model **out, mo_diag *diag)
{
    if (!out || !path)
        return MO_EINVAL;
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: cannot open: %s", path,
                            strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: cannot stat: %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: not a regular file", path);
    }
    size_t len = (size_t)st.st_size;
    if (len < MO__MODEL_HEADER_SIZE + 8) {
        close(fd);
        return mo__diag_set(diag, MO_EFORMAT, path, 0, "file_size",
                            "%s: truncated: file is %zu bytes, smaller than a header", path, len);
    }
    void *p = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (p == MAP_FAILED)
        return mo__diag_set(diag, MO_EIO, path, 0, NULL, "%s: cannot map: %s", path, strerror(e));
    int rc = load_common(p, len, path, out, diag);
    if (rc != MO_OK) {
        munmap(p, len);
        return rc;
    }
    (*out)->is_mapped = 1;
    pack_rows(*out);
    return MO_OK;
}

void mo_model_free(mo_model *m)
{
    if (!m)
        return;
    if (m->labels)
        for (size_t i = 0; i < m->n_labels; i++)
            mo__free(m->labels[i]);
    mo__free(m->labels);
    mo__free(m->threshold);
    mo__free(m->platt_a);
    mo__free(m->platt_b);
    mo__free(m->class_idx);
    mo__free(m->class_w);
    mo__free(m->meta_json);
    if (m->is_mapped)
        munmap((void *)m->base, m->size);
    if (m->packed_map)
        munmap(m->packed_map, m->packed_map_len);
    mo__free(m);
}

size_t mo_model_n_labels(const mo_model *m)
{
    return m ? m->n_labels : 0;
}

const char *mo_model_label(const mo_model *m, size_t i)
{
    return m && i < m->n_labels ? m->labels[i] : NULL;
}

float mo_model_threshold(const mo_model *m, size_t i)
{
    return m && i < m->n_labels ? m->threshold[i] : -1.0f;
}

size_t mo_model_n_classes(const mo_model *m)
{
    return m ? m->n_classes : 0;
}

int mo_model_predict_class(const mo_model *m, const float *scores)
{
    if (!m || !m->n_classes || !scores)
        return -1;
    return (int)m->class_idx[mo__class_argmax(scores, m->class_idx, m->class_w, m->n_classes)];
}

int mo_model_class(const mo_model *m, size_t c, float *weight)
{
    if (!m || c >= m->n_classes)
        return -1;
    if (weight)
        *weight = m->class_w[c];
    return (int)m->class_idx[c];
}

const char *mo_model_meta_json(const mo_model *m)
{
    return m ? m->meta_json : NULL;
}
