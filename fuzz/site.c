/*
 * site.c - fuzz target: a listing or facility body (docs/api.md) through
 * mb_market_parse_site, once as a listing (supply, need) and once as a
 * facility (landfill, storage, plant, quarry). The body's site fields go
 * through the scenario reader and its "lab" results through the
 * condition-class table, so this reaches those parsers too.
 *
 * The contract (market/market.h): 0 with no problem and a record whose doc
 * is the normalised body, or MB_EINVAL with at least one problem. A parsed
 * record is then shown the two ways the API shows it: as a JSON object
 * (mb_market_site_json) and spliced from the stored doc without parsing it
 * (mb_market_site_json_append, the search lists' fast path). The spliced
 * text must be one JSON object without duplicate keys, with the same keys
 * as the other view: the splice trusts the doc, and this is where a doc
 * that breaks that trust would show.
 */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/strbuf.h"

static json_t *spliced(const struct mb_site_rec *r, double km, bool feature)
{
    struct mb_strbuf b = { 0 };
    mb_market_site_json_append(&b, r, km, feature);
    char *text = mb_strbuf_take(&b);
    json_error_t je;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    if (!j || !json_is_object(j)) {
        fprintf(stderr, "fuzz: spliced view: %s\n%s\n", je.text, text);
        fuzz_fail("site: the spliced view is not one JSON object without duplicate keys",
                  NULL);
    }
    free(text);
    return j;
}

static void check_views(struct mb_site_rec *r)
{
    /* What the store would add. */
    r->id = 7;
    r->org_id = 3;
    r->status = MB_STATUS_PUBLISHED;
    r->created = 1767225600; /* 2026-01-01 */
    r->updated = 1767229200;
    r->version = 2;
    if (!r->doc || r->doc[0] != '{')
        fuzz_fail("site: the doc is not a JSON object", NULL);
    json_t *view = mb_market_site_json(r);
    json_t *fast = spliced(r, 12.5, false);
    const char *k;
    json_t *v;
    json_object_foreach(view, k, v) {
        if (!json_object_get(fast, k)) {
            fprintf(stderr, "fuzz: key '%s'\n", k);
            fuzz_fail("site: the spliced view lacks a key of the JSON view", NULL);
        }
    }
    json_object_foreach(fast, k, v) {
        if (strcmp(k, "distance_km") != 0 && !json_object_get(view, k)) {
            fprintf(stderr, "fuzz: key '%s'\n", k);
            fuzz_fail("site: the spliced view has a key the JSON view lacks", NULL);
        }
    }
    json_decref(fast);
    json_decref(view);
    json_t *feature = spliced(r, -1, true);
    json_decref(feature);
    json_t *geo = mb_market_site_feature(r);
    json_decref(geo);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct mb_market *m = fuzz_market();
    static const enum mb_site_family families[] = { MB_FAMILY_LISTING, MB_FAMILY_FACILITY };
    for (size_t f = 0; f < sizeof families / sizeof *families; f++) {
        struct mb_site_rec rec;
        memset(&rec, 0, sizeof rec);
        struct mb_problems p;
        int rc = mb_market_parse_site(m, families[f], (const char *)data, size, &rec, &p);
        if (rc == 0) {
            if (p.n != 0)
                fuzz_fail("site: success with problems", NULL);
            check_views(&rec);
            mb_site_rec_release(&rec);
        } else if (rc != MB_EINVAL || p.n == 0) {
            fuzz_fail("site: refused without a problem, or not with MB_EINVAL", NULL);
        }
        mb_problems_release(&p);
    }
    return 0;
}
