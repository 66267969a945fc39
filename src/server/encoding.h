/*
 * encoding.h - content codings, the part of serving compressed bodies that
 * does not need libmicrohttpd (server.c calls it; a unit test drives it):
 * the weight a client's Accept-Encoding gives a coding, the order in which
 * the precompressed copies of a static file are tried, which media types
 * are worth compressing, and gzip of a dynamic reply (zlib).
 */
#ifndef MB_SERVER_ENCODING_H
#define MB_SERVER_ENCODING_H

#include <stdbool.h>
#include <stddef.h>

/* A content coding the web build writes a copy in: the coding's name in
 * Content-Encoding and the suffix of the copy's file (app.js.br). */
struct mb_encoding {
    const char *name;
    const char *suffix;
};

/* The weight Accept-Encoding (RFC 9110 section 12.5.3) gives `coding`, in
 * thousandths: 1000 for "br" or "br;q=1", 500 for "br;q=0.5", 0 when it is
 * not acceptable ("br;q=0", or neither listed nor covered by "*"). A
 * coding listed twice takes its first weight; an element whose q value
 * is malformed ("br;q=high", "br;q=1.5") counts as not listed. With no
 * header (NULL) only "identity" is acceptable, which is also acceptable
 * whenever the header does not refuse it ("identity;q=0", or "*;q=0"
 * without an "identity" of its own). Case-insensitive. */
int mb_encoding_accept_q(const char *accept_encoding, const char *coding);

/* The precompressed copies to try for a client, best first: "br" and
 * "gzip" if acceptable (weight above 0), by weight, brotli first when
 * equal. Fills out and returns how many (0, 1 or 2); the entries point at
 * static storage. */
size_t mb_encoding_copies(const char *accept_encoding, const struct mb_encoding *out[2]);

/* A body of this media type (Content-Type, parameters allowed) shrinks
 * under compression: text, JSON, JavaScript, SVG. False for NULL and for
 * formats that are compressed already (PDF, PNG, XLSX, zip). */
bool mb_encoding_compressible(const char *type);

/* The n bytes at in as a gzip member (RFC 1952) at zlib `level` (1-9),
 * into *out (malloc'ed, the caller frees) and *out_len. Returns 0, or -1
 * when zlib fails (nothing to free then). */
int mb_encoding_gzip(const void *in, size_t n, int level, char **out, size_t *out_len);

#endif
