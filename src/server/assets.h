/*
 * assets.h - cache rules of the web front end's static files (server.c,
 * static_file()) that do not need libmicrohttpd, so a unit test can drive
 * them: whether a name carries a content hash (and may be cached for
 * good), and whether an If-None-Match names the file's ETag. Which
 * precompressed copy a client gets is encoding.h's.
 */
#ifndef MB_SERVER_ASSETS_H
#define MB_SERVER_ASSETS_H

#include <stdbool.h>

/* The file's name (after the last '/') carries a content hash: a part
 * between two dots, neither the first part nor the extension, of at least
 * 8 lowercase hex digits ("app.3f2a9c1b.js"). web/build.mjs names its
 * bundle so; such a file never changes under its name. */
bool mb_asset_hashed(const char *path);

/* If-None-Match (RFC 9110 section 13.1.2) names `etag` (with its quotes):
 * "*", or one of its comma-separated entity tags compared weakly (a "W/"
 * prefix ignored). False for NULL, and for a malformed list from the
 * first malformed tag on. */
bool mb_asset_etag_matches(const char *if_none_match, const char *etag);

#endif
