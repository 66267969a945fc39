/*
 * import_xlsx.c - fuzz target: an XLSX workbook to import (docs/exchange.md)
 * through mb_xchg_sheet_from_xlsx (libzip + libxml2), and the sheet through
 * mb_xchg_import as a dry run, as listings and as facilities (common.c).
 *
 * A workbook is a zip archive, and zip keeps a CRC-32 of every part, so a
 * byte flipped in a part is refused as a bad archive long before the XML
 * parser sees it. The custom mutator below therefore mostly opens the
 * archive, mutates one part with libFuzzer's own mutator (dictionary
 * included) and packs the parts again, uncompressed, with fresh CRCs; the
 * rest of the time it mutates the raw bytes, which keeps the zip reader
 * itself (headers, sizes, the zip-bomb cap) under test.
 */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/alloc.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mb_xchg_sheet s;
    struct mb_error err;
    int rc = mb_xchg_sheet_from_xlsx(&s, (const char *)data, size, "import.xlsx", &err);
    if (rc == 0) {
        if (!s.xlsx)
            fuzz_fail("xlsx sheet: not marked as a workbook's", NULL);
        fuzz_check_sheet(&s);
        fuzz_import_dry_run(&s);
        mb_xchg_sheet_release(&s);
    } else if (rc != MB_EINVAL) {
        fuzz_fail("xlsx sheet: refused with another code than MB_EINVAL", &err);
    }
    return 0;
}

/* ---- the mutator ------------------------------------------------------------ */

#define MAX_PARTS 32

struct part {
    char *name;
    uint8_t *data;
    size_t len;
};

struct parts {
    struct part items[MAX_PARTS];
    size_t n;
};

static void parts_release(struct parts *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->items[i].name);
        free(p->items[i].data);
    }
    p->n = 0;
}

/* Every part of the archive in data, each at most `cap` bytes; false when
 * it is no archive libzip reads, or holds too many or too large parts. */
static bool unpack(const uint8_t *data, size_t size, size_t cap, struct parts *out)
{
    out->n = 0;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(data, size, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    zip_error_fini(&ze);
    if (!za) {
        zip_source_free(src);
        return false;
    }
    bool ok = true;
    zip_int64_t n = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; ok && i < n; i++) {
        zip_stat_t st;
        zip_stat_init(&st);
        const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
        zip_file_t *zf = NULL;
        ok = out->n < MAX_PARTS && name && zip_stat_index(za, (zip_uint64_t)i, 0, &st) == 0 &&
             (st.valid & ZIP_STAT_SIZE) && st.size <= cap &&
             (zf = zip_fopen_index(za, (zip_uint64_t)i, 0)) != NULL;
        if (!ok)
            break;
        struct part *p = &out->items[out->n++];
        p->name = mb_xstrdup(name);
        p->data = mb_xmalloc(st.size ? st.size : 1);
        zip_int64_t got = zip_fread(zf, p->data, st.size);
        ok = got >= 0 && (zip_uint64_t)got == st.size;
        p->len = ok ? st.size : 0;
        zip_fclose(zf);
    }
    zip_discard(za);
    if (!ok)
        parts_release(out);
    return ok;
}

/* Pack the parts, stored, into data (at most max_size bytes): its size,
 * or 0 when it does not fit or libzip fails. */
static size_t pack(const struct parts *p, uint8_t *data, size_t max_size)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
    if (!src) {
        zip_error_fini(&ze);
        return 0;
    }
    zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
    zip_error_fini(&ze);
    if (!za) {
        zip_source_free(src);
        return 0;
    }
    /* Our own reference: zip_close writes the archive into src and lets
     * go of the archive's. */
    zip_source_keep(src);
    size_t out = 0;
    bool ok = true;
    for (size_t i = 0; ok && i < p->n; i++) {
        zip_source_t *ps = zip_source_buffer(za, p->items[i].data, p->items[i].len, 0);
        zip_int64_t idx = ps ? zip_file_add(za, p->items[i].name, ps, ZIP_FL_ENC_UTF_8) : -1;
        if (idx < 0) {
            zip_source_free(ps);
            ok = false;
        } else {
            ok = zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE, 0) == 0;
        }
    }
    if (!ok || zip_close(za) != 0) {
        zip_discard(za);
        ok = false;
    }
    zip_stat_t st;
    zip_stat_init(&st);
    if (ok && zip_source_stat(src, &st) == 0 && (st.valid & ZIP_STAT_SIZE) &&
        st.size <= max_size && zip_source_open(src) == 0) {
        zip_int64_t got = zip_source_read(src, data, st.size);
        if (got >= 0 && (zip_uint64_t)got == st.size)
            out = st.size;
        zip_source_close(src);
    }
    zip_source_free(src);
    return out;
}

/* xorshift32: the mutator's choices follow libFuzzer's seed. */
static unsigned next(unsigned *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed)
{
    unsigned rng = seed ? seed : 1;
    struct parts p;
    if (next(&rng) % 5 == 0 || !unpack(data, size, max_size, &p))
        return LLVMFuzzerMutate(data, size, max_size);
    if (p.n == 0) {
        parts_release(&p);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    /* Mostly the worksheet and the shared strings, where the cells are. */
    size_t pick = next(&rng) % p.n;
    if (next(&rng) % 2) {
        for (size_t i = 0; i < p.n; i++)
            if (strstr(p.items[i].name, "worksheets/") ||
                strstr(p.items[i].name, "sharedStrings")) {
                pick = i;
                if (next(&rng) % 2)
                    break;
            }
    }
    struct part *t = &p.items[pick];
    unsigned op = next(&rng) % 16;
    if (op == 0 && p.n > 1) {
        /* Drop the part: a workbook without one of its parts. */
        free(t->name);
        free(t->data);
        *t = p.items[--p.n];
    } else if (op == 1) {
        /* Rename the part by mutating its name. */
        size_t len = strlen(t->name), cap = len + 16;
        char *name = mb_xmalloc(cap + 1);
        memcpy(name, t->name, len);
        size_t n = LLVMFuzzerMutate((uint8_t *)name, len, cap);
        name[n] = '\0';
        if (n > 0 && strlen(name) == n) {
            free(t->name);
            t->name = name;
        } else {
            free(name);
        }
    } else {
        size_t cap = t->len + t->len / 2 + 64;
        if (cap > max_size)
            cap = max_size;
        if (cap < t->len)
            cap = t->len;
        uint8_t *buf = mb_xmalloc(cap ? cap : 1);
        memcpy(buf, t->data, t->len);
        t->len = LLVMFuzzerMutate(buf, t->len, cap);
        free(t->data);
        t->data = buf;
    }
    uint8_t *out = mb_xmalloc(max_size ? max_size : 1);
    size_t n = pack(&p, out, max_size);
    parts_release(&p);
    if (n == 0) {
        free(out);
        return LLVMFuzzerMutate(data, size, max_size);
    }
    memcpy(data, out, n);
    free(out);
    return n;
}
