/*
 * encoding.c - content codings (see encoding.h). Static files: the web
 * build (web/build.mjs) writes next to every text file a brotli copy
 * (name.br, quality 11) and a gzip copy (name.gz); the server sends the
 * copy the client weighs highest, brotli first when it weighs both the
 * same (brotli's copy of the bundle is about a sixth smaller than
 * gzip's). Dynamic replies (the API's JSON) are gzipped as they go, at a
 * level that costs about 1.5 ms for the largest page of a search (500
 * listings, 210 KiB of JSON, 13 KiB gzipped); brotli at a comparable cost
 * gains little over that and would add a library. The parsers read
 * untrusted headers: they never read past the string's end and treat
 * anything malformed as absent.
 */
#include "server/encoding.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
/* next_in as a pointer to const: the input is only read. */
#define ZLIB_CONST
#include <zlib.h>

#include "core/alloc.h"

static const struct mb_encoding codings[] = {
    { "br", ".br" },
    { "gzip", ".gz" },
};

#define OWS " \t"

/* A qvalue ("0", "0.5", "1.000") of n bytes in thousandths; -1 when it is
 * not one: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ). */
static int qvalue(const char *s, size_t n)
{
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000;
    if (n == 1)
        return q;
    if (s[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        q += (s[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

/* The weight in the parameters of one list element (the n bytes after its
 * coding: ";q=0.5"), in thousandths; 1000 without a q, -1 when the q is
 * malformed or something other than parameters follows the coding.
 * Parameters other than q are skipped. */
static int element_weight(const char *p, size_t n)
{
    const char *end = p + n;
    /* *end is ',' or the string's end, so OWS stops there at the latest. */
    p += strspn(p, OWS);
    if (p < end && *p != ';')
        return -1;
    int q = 1000;
    for (const char *semi = p < end ? p : NULL; semi;) {
        const char *param = semi + 1;
        const char *next = memchr(param, ';', (size_t)(end - param));
        const char *stop = next ? next : end;
        /* OWS stops at the ';' or ',' that ends the parameter. */
        param += strspn(param, OWS);
        if (stop - param >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
            q = qvalue(param + 2, (size_t)(stop - param - 2));
            if (q < 0)
                return -1;
        }
        semi = next;
    }
    return q;
}

int mb_encoding_accept_q(const char *accept_encoding, const char *coding)
{
    bool identity = strcasecmp(coding, "identity") == 0;
    if (!accept_encoding)
        return identity ? 1000 : 0;
    size_t want = strlen(coding);
    int exact = -1, star = -1;
    for (const char *p = accept_encoding; *p;) {
        p += strspn(p, OWS ",");
        if (!*p)
            break;
        size_t len = strcspn(p, ",;" OWS);
        const char *name = p;
        size_t rest = strcspn(p + len, ",");
        int q = element_weight(p + len, rest);
        p += len + rest;
        if (q < 0 || len == 0)
            continue;
        if (len == want && strncasecmp(name, coding, want) == 0) {
            if (exact < 0)
                exact = q;
        } else if (len == 1 && name[0] == '*') {
            if (star < 0)
                star = q;
        }
    }
    if (exact >= 0)
        return exact;
    if (star >= 0)
        return star;
    return identity ? 1000 : 0;
}

size_t mb_encoding_copies(const char *accept_encoding, const struct mb_encoding *out[2])
{
    int q[2];
    size_t n = 0;
    for (size_t i = 0; i < 2; i++) {
        q[i] = mb_encoding_accept_q(accept_encoding, codings[i].name);
        if (q[i] > 0)
            out[n++] = &codings[i];
    }
    /* Both acceptable: brotli (listed first) unless gzip weighs more. */
    if (n == 2 && q[1] > q[0]) {
        out[0] = &codings[1];
        out[1] = &codings[0];
    }
    return n;
}


bool mb_encoding_compressible(const char *type)
{
    if (!type)
        return false;
    size_t n = strcspn(type, "; \t");
    static const char *const types[] = {
        "application/json", "application/javascript", "image/svg+xml",
    };
    if (n > 5 && strncasecmp(type, "text/", 5) == 0)
        return true;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strlen(types[i]) == n && strncasecmp(type, types[i], n) == 0)
            return true;
    return false;
}

int mb_encoding_gzip(const void *in, size_t n, int level, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (n > UINT_MAX)
        return -1;
    z_stream z = { 0 };
    /* 15 window bits + 16: a gzip header and trailer instead of zlib's. */
    if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return -1;
    uLong cap = deflateBound(&z, (uLong)n);
    if (cap > UINT_MAX) {
        deflateEnd(&z);
        return -1;
    }
    char *buf = mb_xmalloc(cap);
    z.next_in = in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)buf;
    z.avail_out = (uInt)cap;
    /* deflateBound's room takes the whole input in one call. */
    int rc = deflate(&z, Z_FINISH);
    size_t len = (size_t)z.total_out;
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = len;
    return 0;
}
