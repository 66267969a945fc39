/*
 * test_assets.c - the static files' cache rules (src/server/assets.c):
 * names with a content hash, and If-None-Match lists.
 * tests/api/test_static.py checks the same rules over HTTP.
 */
#include <criterion/criterion.h>

#include "server/assets.h"

Test(assets, hashed_names)
{
    cr_expect(mb_asset_hashed("/srv/web/app.3f2a9c1b.js"));
    cr_expect(mb_asset_hashed("app.3f2a9c1b0d4e.css"));
    cr_expect(mb_asset_hashed("/d/chunk.sankey.0123456789abcdef.js"));
    cr_expect_not(mb_asset_hashed("/srv/web/app.js"));
    cr_expect_not(mb_asset_hashed("/srv/web/index.html"));
    /* Too short, not hex, upper case, the extension or the first part. */
    cr_expect_not(mb_asset_hashed("app.3f2a9c1.js"));
    cr_expect_not(mb_asset_hashed("app.3f2a9c1g.js"));
    cr_expect_not(mb_asset_hashed("app.3F2A9C1B.js"));
    cr_expect_not(mb_asset_hashed("app.3f2a9c1b"));
    cr_expect_not(mb_asset_hashed("3f2a9c1b.js"));
    cr_expect_not(mb_asset_hashed("/a.3f2a9c1b.d/index.html"));
    cr_expect_not(mb_asset_hashed("leaflet.markercluster.js"));
}

Test(assets, if_none_match)
{
    const char *tag = "\"1f4-65a0-br\"";
    cr_expect(mb_asset_etag_matches("\"1f4-65a0-br\"", tag));
    cr_expect(mb_asset_etag_matches("W/\"1f4-65a0-br\"", tag));
    cr_expect(mb_asset_etag_matches("\"x\", \"1f4-65a0-br\"", tag));
    cr_expect(mb_asset_etag_matches("\"a,b\" ,W/\"1f4-65a0-br\"", tag));
    cr_expect(mb_asset_etag_matches("*", tag));
    cr_expect_not(mb_asset_etag_matches(NULL, tag));
    cr_expect_not(mb_asset_etag_matches("", tag));
    cr_expect_not(mb_asset_etag_matches("\"1f4-65a0-gzip\"", tag));
    cr_expect_not(mb_asset_etag_matches("\"1f4-65a0\"", tag));
    cr_expect_not(mb_asset_etag_matches("1f4-65a0-br", tag));
    cr_expect_not(mb_asset_etag_matches("\"1f4-65a0-br", tag));
    cr_expect_not(mb_asset_etag_matches("*x", tag));
    /* A malformed tag ends the list. */
    cr_expect_not(mb_asset_etag_matches("junk, \"1f4-65a0-br\"", tag));
}
