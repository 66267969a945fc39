/*
 * market.h - the market's own rules on top of the domain: turning an API
 * body into a stored site (listing or facility) with every problem named,
 * lab results setting the class, receivers' own limit values, ranking the
 * counterparties of a listing, and turning the live market of a region
 * into a planning scenario.
 *
 * A listing or facility body is a scenario site object
 * (docs/scenario-format.md, "Sites") with the market's fields added, so
 * the two formats cannot drift apart: the scenario reader validates the
 * site fields. docs/api.md describes the bodies.
 *
 * `struct mb_market` holds read-only reference data; after init it may be
 * shared by any number of threads.
 */
#ifndef MB_MARKET_MARKET_H
#define MB_MARKET_MARKET_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "domain/material.h"
#include "domain/acceptance.h"
#include "domain/background.h"
#include "domain/quality.h"
#include "plan/scenario.h"
#include "store/store.h"

struct mb_market {
    struct mb_catalog catalog;
    struct mb_class_table classes;
    struct mb_accept_table accept;         /* landfill acceptance templates */
    struct mb_background_table background; /* natural background values */
    /* Transport and price factors for matches, from the factor register
     * (plan/factors.h): a fixed part per tonne (per load / payload) and a
     * part per loaded tonne-km, empty return included. */
    struct mb_rates rates;    /* the whole set, ferries included (mb_rates_haul) */
    double cost_nok_per_t, cost_nok_per_tkm;
    double co2_kg_per_t, co2_kg_per_tkm;
    double detour_factor;
    double co2_price_nok_per_t;
    double max_km;
    /* A road database is in use (the server's --roads): a pair the road
     * cache does not hold yet is "not computed", not "no road database"
     * (market/road_km.h). Cached road distances are used either way. */
    bool roads_on;
};

int mb_market_init(struct mb_market *m, struct mb_error *err);
void mb_market_release(struct mb_market *m);

/* Which bodies a call accepts. */
enum mb_site_family { MB_FAMILY_LISTING, MB_FAMILY_FACILITY };

/* Parse and validate a listing (type "supply" or "need") or facility (type
 * "landfill", "storage", "plant" or "quarry") body. On success returns 0
 * and fills every field of *rec that the body decides (type, title,
 * position, materials, class, amount, window, price, keywords, substances,
 * doc); id, org_id, status and times are left for the caller. The doc is
 * the body, normalised (numbers as numbers, codes canonical), plus
 * "class_from_lab" when lab results set the class.
 * On failure returns MB_EINVAL with every problem, paths relative to the
 * body ("amount.unit", "lab[2].value"), and *rec untouched. */
int mb_market_parse_site(const struct mb_market *m, enum mb_site_family family,
                         const char *body, size_t len, struct mb_site_rec *rec,
                         struct mb_problems *problems);

/* The API view of a stored site: its doc plus id, org_id, type, status,
 * created, updated, version and position {lat, lon, approximate} (WGS84,
 * approximate when placed by its municipality). New reference. */
/* Unix seconds as a JSON string "2026-03-01T12:00:00Z" (UTC; "" for a
 * time gmtime cannot represent). The one time format of the market's
 * views. */
json_t *mb_market_time_json(int64_t t);

json_t *mb_market_site_json(const struct mb_site_rec *r);

/* The same view appended as JSON text to b, spliced from the stored doc
 * without parsing it (the search lists' fast path; a test keeps the two
 * views equal). distance_km >= 0 adds "distance_km". As a GeoJSON
 * Feature when `feature`. */
struct mb_strbuf;
void mb_market_site_json_append(struct mb_strbuf *b, const struct mb_site_rec *r,
                                double distance_km, bool feature);

/* GeoJSON Feature of a site (Point geometry, the API view as properties). */
json_t *mb_market_site_feature(const struct mb_site_rec *r);

/* ---- matches --------------------------------------------------------------- */

/* Which site types can be counterparties of a listing of type t (as a bit
 * set of 1u << MB_TYPE_*): a supply goes to needs, storage, plants and
 * landfills; a need is served by supplies, storage, plants and quarries. */
/* The material rules of matching (match.c), one place for every caller:
 * site r gives or takes material `code`; a and b have a material in
 * common. */
bool mb_match_has_material(const struct mb_site_rec *r, const char *code);
bool mb_match_shares_material(const struct mb_site_rec *a, const struct mb_site_rec *b);

unsigned mb_match_counterpart_types(enum mb_site_type t);

struct mb_match {
    int64_t site_id;
    int64_t org_id;             /* the counterpart site's organisation */
    enum mb_site_type type;
    char title[160];
    double lat, lon;
    double km;                  /* road km: by road (by_road) or great circle x
                                   detour factor */
    bool by_road;               /* km is the road database's drive for a truck */
    const char *km_why;         /* an estimate's reason (a code, market/road_km.h) */
    double minutes;             /* by road: driving time, ferry crossing included */
    double ferry_km;            /* by road: km of it on a ferry */
    int ferry_crossings;        /* by road: how many ferries (a ticket and a wait each) */
    int overlap_months;         /* months both windows share */
    double amount_t;            /* tonnes that fit: the smaller amount or capacity */
    double transport_nok_per_t; /* km x cost per tonne-km */
    double ferry_nok_per_t;     /* of it on ferries: tickets, waits, time on board */
    double fee_nok_per_t;       /* gate fee / price at the counterpart, if any */
    double co2_kg_per_t;        /* transport + handling */
    double cost_nok_per_t;      /* transport + fee */
    double total_nok_per_t;     /* cost + CO2 price x CO2: the ranking key */
    double saving_nok_per_t;    /* against the alternative (landfill for a supply,
                                   quarry for a need); may be negative */
    double saving_co2_kg_per_t;
};

struct mb_match_excluded {
    int64_t site_id;
    char title[160];   /* the counterpart's title or name */
    char reason[320];  /* e.g. "Pb 80 mg/kg is above the receiver's limit 60 mg/kg" */
    struct mb_words words; /* the reason's template and values */
};

struct mb_match_result {
    struct mb_match *items;        /* best first */
    size_t n;
    struct mb_match_excluded *excluded;
    size_t nexcluded;
    bool has_alternative;          /* a landfill (supply) or quarry (need) was among the candidates */
    double alternative_total_nok_per_t;
    int64_t alternative_site_id;
};

/* Rank candidates (any sites near the listing). Those of the wrong type or
 * status or with no material in common are left out silently; those that
 * fail on class, window, distance or a receiver's limit values are listed
 * in `excluded` with the reason (the substance, value and limit for
 * limits). At most `limit` matches (0: all). */
int mb_match_rank(const struct mb_market *m, const struct mb_site_rec *listing,
                  const struct mb_site_rec *cands, size_t ncands, size_t limit,
                  struct mb_match_result *out, struct mb_error *err);
void mb_match_result_release(struct mb_match_result *r);

/* The same, with each candidate's haul given (kms[i] for cands[i], in the
 * direction supply -> receiver); kms NULL: the estimate for every one. */
struct mb_haul_km;
int mb_match_rank_by(const struct mb_market *m, const struct mb_site_rec *listing,
                     const struct mb_site_rec *cands, const struct mb_haul_km *kms,
                     size_t ncands, size_t limit, struct mb_match_result *out,
                     struct mb_error *err);

/* Matches of `rec` from the store (match_find.c): its candidates
 * (mb_match_candidates, `want` as there), each pair's distance from the
 * road cache where it holds one (never routing: the road worker fills the
 * cache), ranked; at most `limit` (0: all). *ncands and *truncated as the
 * candidates'. */
int mb_match_find(struct mb_store *st, const struct mb_market *m, const struct mb_site_rec *rec,
                  size_t want, size_t limit, struct mb_match_result *out, size_t *ncands,
                  bool *truncated, struct mb_error *err);

/* The haul between site `rec` and a counterpart `other`, in the
 * direction a load drives (supply -> receiver; from a facility to what is
 * not a supply), with its points to draw (match_find.c): routed with
 * `roads` now (NULL: none), the estimate and a straight line otherwise,
 * saying why. *latlon holds *n (lat, lon) pairs (malloc'ed). Routes but
 * writes nothing. MB_EBUSY when the router stays busy for a moment. */
struct mb_roads;
int mb_match_path(struct mb_roads *roads, const struct mb_market *m,
                  const struct mb_site_rec *rec, const struct mb_site_rec *other,
                  struct mb_haul_km *out, double **latlon, size_t *n, struct mb_error *err);

/* Listings considered per match request, nearest first: twice the
 * matches asked for, at least MB_MATCH_MIN_LISTINGS. */
#define MB_MATCH_MIN_LISTINGS 40

/* The candidates for matching site `rec`, read from the store: counterpart
 * listings nearest first (2 x `want`, at least MB_MATCH_MIN_LISTINGS; for a supply, or a
 * need of one material, only those sharing that material; windows overlapping), found by a radius that
 * grows from 10 km to the longest haul, and the counterpart facilities
 * within the longest haul (at most 1000, sharing that material). A listing counterpart costs transport alone, so
 * its cost grows with distance and the nearest ones are the best ones;
 * *truncated tells that more listings were in reach. */
int mb_match_candidates(struct mb_store *st, const struct mb_market *m,
                        const struct mb_site_rec *rec, size_t want,
                        struct mb_site_page *out, bool *truncated, struct mb_error *err);

/* ---- region plans ---------------------------------------------------------- */

/* A massebank-scenario/1 document of the given sites for the horizon
 * [from_m, to_m] (serial months). Sites are stored docs; ids become
 * "L<id>" / "F<id>"; a listing whose window reaches outside the horizon
 * keeps the share of its amount that falls inside; sites without overlap
 * are left out. New reference. */
/* Whether id has the form region scenarios give their sites ("L" or "F"
 * and a number), which a site added beside them (a siting candidate) may
 * not take. */
bool mb_market_region_id_form(const char *id);

json_t *mb_market_region_scenario(const struct mb_market *m, const struct mb_site_rec *sites,
                                  size_t n, int from_m, int to_m, const char *name);

/* A region of the live market as a scenario (caller owns the reference):
 * req is a regional plan request as POST /api/plans takes it: the region
 * as "municipalities" (codes) or "bbox", "from" and "to" months, and
 * optionally "name", "co2_price_nok_per_t", "objective", "factors" and
 * "out_of_region", which are passed to the scenario as they are (the
 * scenario reader checks them). Only published and reserved sites count.
 * MB_ENOTFOUND when the region has none. */
struct mb_store;
int mb_market_region_plan_scenario(struct mb_store *st, const struct mb_market *m,
                                   json_t *req, json_t **scenario, struct mb_error *err);

/* Queue a regional plan: `req` (checked by the caller, borrowed) becomes a
 * queued job of `who`, whose role must run plans (MB_EFORBIDDEN), with an
 * audit entry ("plan", "request", the request) in one transaction.
 * *job_id is the job's id. */
struct mb_user;
struct mb_job;
/* Job `id` as `who` may see it: one of their organisation's (a plan is
 * shared with the municipality's users), or any for an administrator;
 * another's is "not found" in the same words as a missing one, so ids do
 * not leak. Release *out with mb_job_release. */
int mb_market_region_plan_job(struct mb_store *st, const struct mb_user *who, int64_t id,
                              struct mb_job *out, struct mb_error *err);
/* {items: [{id, state, name, request, totals, baseline, savings, by,
 * created, finished}]}: the plans of who's organisation (an
 * administrator: every plan), newest first, at most 50. */
int mb_market_region_plans_json(struct mb_store *st, const struct mb_user *who, json_t **out,
                                struct mb_error *err);
int mb_market_region_plan_queue(struct mb_store *st, const struct mb_user *who, json_t *req,
                                int64_t *job_id, struct mb_error *err);

/* The fields a market site has beyond a scenario site (title, lab values,
 * property, ...): taken away where a site is read as a scenario site, by
 * the site reader and by the region's plan alike. NULL-terminated. */
extern const char *const mb_market_only_fields[];

#endif
