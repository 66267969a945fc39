/*
 * test_encoding.c - content codings (src/server/encoding.c):
 * Accept-Encoding weights with their refusals ("br;q=0"), the order of a
 * static file's precompressed copies, the media types worth compressing,
 * and gzip of a reply read back with zlib. tests/api/test_static.py checks
 * the same rules over HTTP.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#define ZLIB_CONST
#include <zlib.h>

#include "server/encoding.h"

Test(encoding, weights_of_listed_codings)
{
    cr_expect_eq(mb_encoding_accept_q("br", "br"), 1000);
    cr_expect_eq(mb_encoding_accept_q("gzip, deflate, br", "br"), 1000);
    cr_expect_eq(mb_encoding_accept_q("br;q=0.5, gzip;q=0.8", "br"), 500);
    cr_expect_eq(mb_encoding_accept_q("br;q=0.5, gzip;q=0.8", "gzip"), 800);
    cr_expect_eq(mb_encoding_accept_q("BR ; Q=0.25", "br"), 250);
    cr_expect_eq(mb_encoding_accept_q("br;q=1.000", "br"), 1000);
    cr_expect_eq(mb_encoding_accept_q("br;q=0.001", "br"), 1);
    cr_expect_eq(mb_encoding_accept_q("gzip", "br"), 0);
    /* gzip is not gzip2, nor a prefix of it. */
    cr_expect_eq(mb_encoding_accept_q("gzip2", "gzip"), 0);
    cr_expect_eq(mb_encoding_accept_q("gz", "gzip"), 0);
}

Test(encoding, q_zero_refuses)
{
    cr_expect_eq(mb_encoding_accept_q("br;q=0, gzip", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("br;q=0.000", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("br;q=0.0", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("*;q=0", "gzip"), 0);
    /* A coding of its own beats the wildcard, either way round. */
    cr_expect_eq(mb_encoding_accept_q("*;q=0, gzip", "gzip"), 1000);
    cr_expect_eq(mb_encoding_accept_q("*, br;q=0", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("*", "br"), 1000);
    /* The first listing counts. */
    cr_expect_eq(mb_encoding_accept_q("br;q=0, br", "br"), 0);
}

Test(encoding, malformed_weights_count_as_not_listed)
{
    cr_expect_eq(mb_encoding_accept_q("br;q=high", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("br;q=1.5", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("br;q=2", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("br;q=0.0001", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("br;q=", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("br;q=-1", "br"), 0);
    cr_expect_eq(mb_encoding_accept_q("br junk", "br"), 0);
    /* ... and leave the other elements alone. */
    cr_expect_eq(mb_encoding_accept_q("br;q=x, gzip;q=0.5", "gzip"), 500);
    cr_expect_eq(mb_encoding_accept_q(";q=1, ,, gzip", "gzip"), 1000);
    /* Parameters other than q are skipped. */
    cr_expect_eq(mb_encoding_accept_q("br;level=5;q=0.3", "br"), 300);
}

Test(encoding, identity_unless_refused)
{
    cr_expect_eq(mb_encoding_accept_q(NULL, "identity"), 1000);
    cr_expect_eq(mb_encoding_accept_q(NULL, "gzip"), 0);
    cr_expect_eq(mb_encoding_accept_q("", "identity"), 1000);
    cr_expect_eq(mb_encoding_accept_q("gzip", "identity"), 1000);
    cr_expect_eq(mb_encoding_accept_q("identity;q=0", "identity"), 0);
    cr_expect_eq(mb_encoding_accept_q("*;q=0", "identity"), 0);
    cr_expect_eq(mb_encoding_accept_q("*;q=0, identity", "identity"), 1000);
}

Test(encoding, order_of_the_compressed_copies)
{
    const struct mb_encoding *c[2];
    cr_assert_eq(mb_encoding_copies("gzip, deflate, br", c), 2);
    cr_expect_str_eq(c[0]->name, "br");
    cr_expect_str_eq(c[0]->suffix, ".br");
    cr_expect_str_eq(c[1]->name, "gzip");
    cr_expect_str_eq(c[1]->suffix, ".gz");
    cr_assert_eq(mb_encoding_copies("br;q=0.5, gzip", c), 2);
    cr_expect_str_eq(c[0]->name, "gzip");
    cr_expect_str_eq(c[1]->name, "br");
    cr_assert_eq(mb_encoding_copies("br;q=0, gzip", c), 1);
    cr_expect_str_eq(c[0]->name, "gzip");
    cr_assert_eq(mb_encoding_copies("br", c), 1);
    cr_expect_str_eq(c[0]->name, "br");
    cr_expect_eq(mb_encoding_copies("identity", c), 0);
    cr_expect_eq(mb_encoding_copies("deflate", c), 0);
    cr_expect_eq(mb_encoding_copies(NULL, c), 0);
}

Test(encoding, compressible_types)
{
    cr_expect(mb_encoding_compressible("application/json"));
    cr_expect(mb_encoding_compressible("text/javascript; charset=utf-8"));
    cr_expect(mb_encoding_compressible("text/csv; charset=utf-8"));
    cr_expect(mb_encoding_compressible("Text/HTML"));
    cr_expect(mb_encoding_compressible("image/svg+xml"));
    cr_expect_not(mb_encoding_compressible(NULL));
    cr_expect_not(mb_encoding_compressible("application/pdf"));
    cr_expect_not(mb_encoding_compressible("image/png"));
    cr_expect_not(mb_encoding_compressible("application/octet-stream"));
    cr_expect_not(mb_encoding_compressible("application/jsonx"));
    cr_expect_not(mb_encoding_compressible("text/"));
    cr_expect_not(mb_encoding_compressible(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
}

/* The gzip member inflated with zlib (16 + 15 window bits: gzip only). */
static size_t gunzip(const char *in, size_t n, char *out, size_t cap)
{
    z_stream z = { 0 };
    cr_assert_eq(inflateInit2(&z, 16 + 15), Z_OK);
    z.next_in = (const Bytef *)in;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out;
    z.avail_out = (uInt)cap;
    cr_assert_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
    cr_expect_eq(z.avail_in, 0, "nothing after the gzip member");
    size_t len = (size_t)z.total_out;
    inflateEnd(&z);
    return len;
}

Test(encoding, gzip_round_trip)
{
    size_t n = 200000;
    char *json = malloc(n), *back = malloc(n + 1);
    cr_assert(json && back);
    for (size_t i = 0; i < n; i++)
        json[i] = "{\"lat\":63.43,\"lon\":10.39,\"material\":\"soil.clay\"},"[i % 46];
    char *z;
    size_t zn;
    cr_assert_eq(mb_encoding_gzip(json, n, 5, &z, &zn), 0);
    /* A gzip member: magic bytes, deflate; far smaller than its input. */
    cr_expect(zn > 18 && zn < n / 20, "gzip of %zu bytes is %zu bytes", n, zn);
    cr_expect_eq((unsigned char)z[0], 0x1f);
    cr_expect_eq((unsigned char)z[1], 0x8b);
    cr_expect_eq(z[2], 8);
    cr_assert_eq(gunzip(z, zn, back, n + 1), n);
    cr_expect_eq(memcmp(back, json, n), 0);
    free(z);
    /* The empty body is a valid (empty) member too. */
    cr_assert_eq(mb_encoding_gzip("", 0, 5, &z, &zn), 0);
    cr_expect_eq(gunzip(z, zn, back, n), 0);
    free(z);
    /* A level zlib refuses is an error with nothing to free. */
    cr_expect_eq(mb_encoding_gzip(json, n, 42, &z, &zn), -1);
    cr_expect_null(z);
    free(json);
    free(back);
}
