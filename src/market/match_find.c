/*
 * match_find.c - the matches of a stored site (mb_match_find, market.h):
 * its candidates from the store, each pair's distance from the road cache
 * where the cache holds one (docs/roads.md), ranked by match.c. A request
 * never routes: the road worker (road_fill.c) brings the cache up to date
 * and a pair it has not reached yet is an estimate that says so.
 */
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "market/market.h"
#include "market/road_km.h"

int mb_match_find(struct mb_store *st, const struct mb_market *m, const struct mb_site_rec *rec,
                  size_t want, size_t limit, struct mb_match_result *out, size_t *ncands,
                  bool *truncated, struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    struct mb_site_page page = { 0 };
    int rc = mb_match_candidates(st, m, rec, want, &page, truncated, err);
    if (rc)
        return rc;
    *ncands = page.n;
    struct mb_haul_km *kms = mb_xcalloc(page.n + 1, sizeof *kms);
    bool supply = rec->type == MB_TYPE_SUPPLY;
    for (size_t i = 0; i < page.n && !rc; i++) {
        /* Supply -> receiver: the direction a load drives. */
        const struct mb_site_rec *from = supply ? rec : &page.items[i];
        const struct mb_site_rec *to = supply ? &page.items[i] : rec;
        rc = mb_haul_km_cached(st, m->roads_on, from, to, m->detour_factor, &kms[i], err);
    }
    if (!rc)
        rc = mb_match_rank_by(m, rec, page.items, kms, page.n, limit, out, err);
    free(kms);
    mb_site_page_release(&page);
    return rc;
}
