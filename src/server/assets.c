/*
 * assets.c - cache rules of the static files (see assets.h). The web
 * build (web/build.mjs) names its bundle app.<hash>.js and
 * app.<hash>.css, so those names may be cached for a year; index.html,
 * which names them, is revalidated against its ETag. The parsers read
 * untrusted headers: they never read past the string's end and treat
 * anything malformed as absent.
 */
#include "server/assets.h"

#include <string.h>

#define OWS " \t"

bool mb_asset_hashed(const char *path)
{
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    const char *dot = strchr(name, '.');
    if (!dot || dot == name)
        return false;
    for (;;) {
        const char *part = dot + 1;
        const char *next = strchr(part, '.');
        if (!next)
            return false; /* the extension */
        size_t len = (size_t)(next - part);
        if (len >= 8 && strspn(part, "0123456789abcdef") == len)
            return true;
        dot = next;
    }
}

bool mb_asset_etag_matches(const char *if_none_match, const char *etag)
{
    if (!if_none_match)
        return false;
    size_t n = strlen(etag);
    for (const char *p = if_none_match;;) {
        p += strspn(p, OWS ",");
        if (!*p)
            return false;
        if (*p == '*') {
            const char *after = p + 1 + strspn(p + 1, OWS);
            return *after == '\0' || *after == ',';
        }
        if (p[0] == 'W' && p[1] == '/')
            p += 2;
        if (*p != '"')
            return false;
        const char *close = strchr(p + 1, '"');
        if (!close)
            return false;
        size_t len = (size_t)(close - p) + 1;
        if (len == n && memcmp(p, etag, n) == 0)
            return true;
        p = close + 1;
    }
}
