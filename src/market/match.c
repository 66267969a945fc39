/*
 * match.c - ranking the counterparties of a listing (mb_match_rank, see
 * market.h; the rules and formulas are in docs/listings.md, "Matches").
 *
 * Matching works on the record columns alone (type, status, materials,
 * class, window, position, amount, price, CO2 and the limits column), so
 * no stored doc is parsed: the store's search hands in the candidates and
 * this file decides which fit and in what order. For one pair the flow is
 * supply -> receiver; for a supply the receiver is the candidate, for a
 * need the listing itself. A receiver's class, limit values and landfill
 * template are judged against the supply's lab values by one rule,
 * mb_terms_exclude (market/terms.h), both read from the limits column.
 *
 * Per tonne, in NOK and kg CO2:
 *   km        = the road distance from the road cache (road_km.h) where the
 *               caller gives one, else great circle x detour factor
 *   transport = cost_nok_per_t + km x cost_nok_per_tkm
 *   fee       = the facility's gate fee / handling / processing / price,
 *               0 for a listing counterpart (its price is a transfer
 *               between the two actors, shown on the listing itself)
 *   co2       = co2_kg_per_t + km x co2_kg_per_tkm + the facility's CO2 per tonne
 *   total     = transport + fee + co2_price_nok_per_t / 1000 x co2
 * ranked by total, then km, then id.
 */
#include "market/market.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/text.h"
#include "domain/geo.h"
#include "market/road_km.h"
#include "market/terms.h"

unsigned mb_match_counterpart_types(enum mb_site_type t)
{
    switch (t) {
    case MB_TYPE_SUPPLY:
        return 1u << MB_TYPE_NEED | 1u << MB_TYPE_STORAGE | 1u << MB_TYPE_PLANT |
               1u << MB_TYPE_LANDFILL;
    case MB_TYPE_NEED:
        return 1u << MB_TYPE_SUPPLY | 1u << MB_TYPE_STORAGE | 1u << MB_TYPE_PLANT |
               1u << MB_TYPE_QUARRY;
    default:
        return 0;
    }
}

static bool is_listing(enum mb_site_type t)
{
    return t == MB_TYPE_SUPPLY || t == MB_TYPE_NEED;
}

bool mb_match_has_material(const struct mb_site_rec *r, const char *code)
{
    for (size_t i = 0; i < r->nmaterials; i++)
        if (strcmp(r->materials[i], code) == 0)
            return true;
    return false;
}

bool mb_match_shares_material(const struct mb_site_rec *a, const struct mb_site_rec *b)
{
    for (size_t i = 0; i < a->nmaterials; i++)
        if (mb_match_has_material(b, a->materials[i]))
            return true;
    return false;
}

/* Months two windows share; MB_NO_MONTH_* ends are open. A window open at
 * both ends (a facility without one) takes the other's length. Returns
 * -1 when the windows do not meet, 0 when neither has an end to count. */
static int overlap_months(const struct mb_site_rec *a, const struct mb_site_rec *b)
{
    int from = a->from_m > b->from_m ? a->from_m : b->from_m;
    int to = a->to_m < b->to_m ? a->to_m : b->to_m;
    if (to < from)
        return -1;
    if (from == MB_NO_MONTH_FROM || to == MB_NO_MONTH_TO)
        return 0;
    return to - from + 1;
}

static void exclude(struct mb_match_result *out, size_t *cap, const struct mb_site_rec *c,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void exclude(struct mb_match_result *out, size_t *cap, const struct mb_site_rec *c,
                    const char *fmt, ...)
{
    out->excluded = mb_xgrow(out->excluded, cap, out->nexcluded + 1, sizeof *out->excluded);
    struct mb_match_excluded *x = &out->excluded[out->nexcluded++];
    x->site_id = c->id;
    mb_text_copy(x->title, sizeof x->title, c->title);
    va_list ap;
    va_start(ap, fmt);
    mb_words_vformat(x->reason, sizeof x->reason, &x->words, fmt, ap);
    va_end(ap);
}

/* Not known to be out of a truck's reach (market/road_km.h's reasons). */
static bool reachable(const struct mb_match *x)
{
    return x->by_road || !x->km_why ||
           (strcmp(x->km_why, "no_road_near") != 0 && strcmp(x->km_why, "no_route") != 0);
}

static int cmp_match(const void *a, const void *b)
{
    const struct mb_match *x = a, *y = b;
    if (x->total_nok_per_t != y->total_nok_per_t)
        return x->total_nok_per_t < y->total_nok_per_t ? -1 : 1;
    if (x->km != y->km)
        return x->km < y->km ? -1 : 1;
    return (x->site_id > y->site_id) - (x->site_id < y->site_id);
}

int mb_match_rank(const struct mb_market *m, const struct mb_site_rec *listing,
                  const struct mb_site_rec *cands, size_t ncands, size_t limit,
                  struct mb_match_result *out, struct mb_error *err)
{
    return mb_match_rank_by(m, listing, cands, NULL, ncands, limit, out, err);
}

int mb_match_rank_by(const struct mb_market *m, const struct mb_site_rec *listing,
                     const struct mb_site_rec *cands, const struct mb_haul_km *kms,
                     size_t ncands, size_t limit, struct mb_match_result *out,
                     struct mb_error *err)
{
    memset(out, 0, sizeof *out);
    unsigned types = mb_match_counterpart_types(listing->type);
    if (!types)
        return mb_error_set(err, MB_EINVAL, "type", "matches are found for listings "
                            "(supply or need), not for a %s", mb_site_type_name(listing->type));
    bool supply = listing->type == MB_TYPE_SUPPLY;
    enum mb_site_type alt_type = supply ? MB_TYPE_LANDFILL : MB_TYPE_QUARRY;
    size_t cap = 0, xcap = 0;
    struct mb_point here = { listing->lat, listing->lon };
    struct mb_terms *st = mb_xmalloc(2 * sizeof *st), *rt = st + 1;
    for (size_t i = 0; i < ncands; i++) {
        const struct mb_site_rec *c = &cands[i];
        if (c->id == listing->id && listing->id != 0)
            continue;
        if ((unsigned)c->type >= MB_TYPE_COUNT || !(types & 1u << c->type))
            continue;
        if (c->status != MB_STATUS_PUBLISHED && c->status != MB_STATUS_RESERVED)
            continue;
        const struct mb_site_rec *giver = supply ? listing : c;
        const struct mb_site_rec *taker = supply ? c : listing;
        /* Material: the receiver takes the supply's material; a need and a
         * giving facility share some material. */
        if (supply ? !mb_match_has_material(taker, giver->material)
                   : !mb_match_shares_material(giver, taker))
            continue;
        /* Distance first: a site far beyond the longest haul is no
         * counterpart at all (not listed); one just beyond is listed as
         * excluded, since a user may accept a longer haul. */
        struct mb_point there = { c->lat, c->lon };
        struct mb_haul_km haul = { .source = MB_KM_ESTIMATE,
                                   .km = mb_geo_distance_km(here, there) * m->detour_factor,
                                   .why = "no_road_database" };
        if (kms)
            haul = kms[i];
        double km = haul.km;
        if (km > 2 * m->max_km)
            continue;
        if (km > m->max_km) {
            if (haul.source == MB_KM_ROAD)
                exclude(out, &xcap, c, "%.0f km by road is beyond the longest haul "
                        "considered (%.0f km)", km, m->max_km);
            else
                exclude(out, &xcap, c, "an estimated %.0f km is beyond the longest haul "
                        "considered (%.0f km)", km, m->max_km);
            continue;
        }
        char reason[240];
        if (giver->type == MB_TYPE_SUPPLY) {
            mb_terms_parse(m, giver->limits, st);
            mb_terms_parse(m, taker->limits, rt);
            if (mb_terms_exclude(st, giver->cls, rt, taker->cls, reason, sizeof reason)) {
                exclude(out, &xcap, c, "%s", reason);
                continue;
            }
        } else if (giver->cls > taker->cls) {
            exclude(out, &xcap, c, "class %d masses, the receiver takes up to class %d",
                    giver->cls, taker->cls);
            continue;
        }
        int months = overlap_months(listing, c);
        if (months < 0) {
            exclude(out, &xcap, c, "the windows do not overlap");
            continue;
        }
        out->items = mb_xgrow(out->items, &cap, out->n + 1, sizeof *out->items);
        struct mb_match *x = &out->items[out->n++];
        memset(x, 0, sizeof *x);
        x->site_id = c->id;
        x->org_id = c->org_id;
        x->type = c->type;
        mb_text_copy(x->title, sizeof x->title, c->title);
        x->lat = c->lat;
        x->lon = c->lon;
        x->km = km;
        x->by_road = haul.source == MB_KM_ROAD;
        x->km_why = x->by_road ? NULL : haul.why;
        x->minutes = haul.minutes;
        x->ferry_km = haul.ferry_km;
        x->ferry_crossings = haul.ferry_crossings;
        x->overlap_months = months;
        double theirs = c->amount_t;
        if (!is_listing(c->type) && !(theirs > 0))
            theirs = listing->amount_t;
        x->amount_t = listing->amount_t < theirs ? listing->amount_t : theirs;
        double haul_co2;
        mb_rates_haul(&m->rates, km, haul.ferry_km, haul.ferry_crossings,
                      &x->transport_nok_per_t, &haul_co2);
        double ferry_co2;
        mb_rates_ferry(&m->rates, haul.ferry_km, haul.ferry_crossings, &x->ferry_nok_per_t,
                       &ferry_co2);
        x->fee_nok_per_t = is_listing(c->type) ? 0 : c->price_nok_per_t;
        x->co2_kg_per_t = haul_co2 + (is_listing(c->type) ? 0 : c->co2_kg_per_t);
        x->cost_nok_per_t = x->transport_nok_per_t + x->fee_nok_per_t;
        x->total_nok_per_t = x->cost_nok_per_t + m->co2_price_nok_per_t / 1000 * x->co2_kg_per_t;
    }
    if (out->n)
        qsort(out->items, out->n, sizeof *out->items, cmp_match);
    /* The alternative: the best landfill (supply) or quarry (need) that
     * fits and a truck can reach (the road database found no road near it
     * or none to it: not today's practice); items are sorted, so the first
     * such of that type. */
    double alt_co2 = 0;
    for (size_t i = 0; i < out->n; i++)
        if (out->items[i].type == alt_type && reachable(&out->items[i])) {
            out->has_alternative = true;
            out->alternative_total_nok_per_t = out->items[i].total_nok_per_t;
            out->alternative_site_id = out->items[i].site_id;
            alt_co2 = out->items[i].co2_kg_per_t;
            break;
        }
    if (out->has_alternative)
        for (size_t i = 0; i < out->n; i++) {
            out->items[i].saving_nok_per_t =
                out->alternative_total_nok_per_t - out->items[i].total_nok_per_t;
            out->items[i].saving_co2_kg_per_t = alt_co2 - out->items[i].co2_kg_per_t;
        }
    if (limit && out->n > limit)
        out->n = limit;
    free(st);
    return 0;
}

void mb_match_result_release(struct mb_match_result *r)
{
    if (!r)
        return;
    free(r->items);
    free(r->excluded);
    memset(r, 0, sizeof *r);
}
