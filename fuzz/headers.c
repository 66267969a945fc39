/*
 * headers.c - fuzz target: the request headers the server negotiates the
 * static files and its replies on (src/server/encoding.c, assets.c), and
 * gzip of a reply. The input, cut at its first NUL as libmicrohttpd hands
 * a header value over, is read as
 *   - Accept-Encoding: every weight is within 0..1000; the copies offered
 *     are exactly the compressed codings of weight above 0, distinct, the
 *     heavier first;
 *   - If-None-Match: a list that starts with a tag made of the input's
 *     first bytes, followed by the input, must match that tag;
 *   - a file name for the content-hash rule (which must agree with a
 *     plain re-reading of the rule);
 * and the whole input is gzipped and inflated back with zlib, which must
 * give it back byte for byte.
 * Built without the library (it needs only core/alloc.c), so the fuzz
 * build compiles four files for it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define ZLIB_CONST
#include <zlib.h>

#include "server/assets.h"
#include "server/encoding.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static _Noreturn void fail(const char *what, const char *input)
{
    fprintf(stderr, "fuzz: %s (input \"%.200s\")\n", what, input);
    abort();
}

/* The rule of assets.h read again, slowly: a part between two dots, not
 * the first, not the extension, of at least 8 lowercase hex digits. */
static bool hashed_again(const char *path)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    size_t n = strlen(name), start = 0;
    bool first = true;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && name[i] != '.')
            continue;
        size_t len = i - start;
        bool hex = len >= 8;
        for (size_t k = start; hex && k < i; k++)
            hex = (name[k] >= '0' && name[k] <= '9') || (name[k] >= 'a' && name[k] <= 'f');
        if (!first && i < n && hex && start > 0 && name[0] != '.')
            return true;
        if (first && len == 0)
            return false; /* a name that starts with a dot */
        first = false;
        start = i + 1;
    }
    return false;
}

static void check_gzip(const uint8_t *data, size_t size, const char *s)
{
    char *z;
    size_t zn;
    if (mb_encoding_gzip(data, size, 5, &z, &zn) != 0)
        fail("gzip failed", s);
    uint8_t *back = malloc(size + 1);
    z_stream st = { 0 };
    if (!back || inflateInit2(&st, 16 + 15) != Z_OK)
        fail("inflateInit2", s);
    st.next_in = (const Bytef *)z;
    st.avail_in = (uInt)zn;
    st.next_out = back;
    st.avail_out = (uInt)(size + 1);
    int rc = inflate(&st, Z_FINISH);
    if (rc != Z_STREAM_END || st.total_out != size || st.avail_in != 0 ||
        memcmp(back, data, size) != 0)
        fail("gzip does not inflate to its input", s);
    inflateEnd(&st);
    free(back);
    free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    static const char *const names[] = { "br", "gzip", "identity", "deflate", "*", "" };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        int q = mb_encoding_accept_q(s, names[i]);
        if (q < 0 || q > 1000)
            fail("a weight outside 0..1000", s);
    }
    const struct mb_encoding *out[2] = { NULL, NULL };
    size_t n = mb_encoding_copies(s, out);
    int qbr = mb_encoding_accept_q(s, "br"), qgz = mb_encoding_accept_q(s, "gzip");
    if (n != (size_t)(qbr > 0) + (size_t)(qgz > 0))
        fail("the copies are not the acceptable codings", s);
    for (size_t i = 0; i < n; i++)
        if (mb_encoding_accept_q(s, out[i]->name) == 0)
            fail("a copy of a refused coding", s);
    if (n == 2 && (out[0] == out[1] ||
                   mb_encoding_accept_q(s, out[0]->name) < mb_encoding_accept_q(s, out[1]->name)))
        fail("the copies are not heaviest first", s);

    /* If-None-Match: the input itself against a fixed tag (no crash, no
     * read past its end), and a tag made of the input's first bytes (its
     * quotes left out) at the head of a list whose rest is the input,
     * which must match however the rest reads. */
    (void)mb_asset_etag_matches(s, "\"1f4-65a0-br\"");
    char tag[40];
    size_t t = 0;
    tag[t++] = '"';
    for (const char *p = s; *p && t < sizeof tag - 2; p++)
        if (*p != '"')
            tag[t++] = *p;
    tag[t++] = '"';
    tag[t] = '\0';
    size_t hn = t + size + 8;
    char *h = malloc(hn);
    if (!h)
        fail("malloc", s);
    snprintf(h, hn, "%s, %s", tag, s);
    if (!mb_asset_etag_matches(h, tag))
        fail("a list that starts with the tag does not match it", s);
    snprintf(h, hn, "W/%s,%s", tag, s);
    if (!mb_asset_etag_matches(h, tag))
        fail("a list that starts with the weak tag does not match it", s);
    free(h);

    if (mb_asset_hashed(s) != hashed_again(s))
        fail("mb_asset_hashed disagrees with the rule", s);

    check_gzip(data, size, s);
    free(s);
    return 0;
}
