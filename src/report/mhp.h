/*
 * mhp.h - the mass handling plan ("massehåndteringsplan") of a project:
 * which masses the project expects to have in surplus and to need, how
 * much of its surplus its own needs take (reuse on site), where the rest
 * can go (the best ranked receivers of the market's matches: reuse
 * elsewhere or a landfill), the deals already made on its listings with
 * what their confirmed loads delivered, the transport that takes (truckloads,
 * tonne-km, CO2) and the documentation behind it (attached documents, lab
 * results and the substance that decides the class).
 *
 * A project is, for now, a set of listings of one organisation plus a
 * name: the market has no project field yet. mb_mhp_build gathers the
 * figures from the store and the market (matches: market.h, with the
 * market's factors); mb_mhp_document lays them out as a report document
 * (report/rdoc.h) in Norwegian bokmål or English, which report/rdoc_html.h and
 * report/rdoc_pdf.h render.
 */
#ifndef MB_REPORT_MHP_H
#define MB_REPORT_MHP_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "market/market.h"
#include "report/rdoc.h"
#include "store/store.h"

/* Most listings in one plan. */
#define MB_MHP_MAX_LISTINGS 200
/* Receivers considered per surplus listing. */
#define MB_MHP_RECEIVERS 5

struct mb_mhp_listing {
    struct mb_site_rec rec;
    struct mb_document *docs; /* attached documents */
    size_t ndocs;
    /* Lab outcome from the doc: class, deciding substance, value, limit. */
    bool has_lab;
    int lab_class;
    char lab_substance[16];
    double lab_value, lab_limit;
    size_t nlab;              /* results in the sample */
    char property[32];        /* "5001-414/3" from the doc, or "" */
};

/* Expected amounts of one material and class, surplus or need. */
struct mb_mhp_amount {
    enum mb_site_type type;   /* SUPPLY or NEED */
    char material[48];
    const struct mb_material *mat; /* catalog entry (names), or NULL */
    int cls;
    double t, fm3;
};

/* A flow of the plan: on site (supply -> need of the project) or to a
 * receiver outside it. */
struct mb_mhp_flow {
    int64_t from_id;          /* the supply listing */
    int64_t to_id;            /* receiver site */
    enum mb_site_type to_type;
    char to_title[160];
    bool on_site;
    bool by_road;             /* km along the road (docs/roads.md), else the estimate */
    double t, km;
    double ferry_km;          /* the part of km on ferries, ferry_crossings of them */
    int ferry_crossings;
    double truckloads, tkm;
    double cost_nok, co2_kg;  /* transport + fee; transport + handling CO2 */
    double saving_nok, saving_co2_kg; /* against the landfill alternative */
};

/* A deal on one of the project's listings (declined ones left out) and
 * its loads by state: what was actually agreed and delivered. */
struct mb_mhp_deal {
    int64_t id, listing_id;
    enum mb_deal_state state;
    char counterpart[160];    /* the counterpart site, else the reserving organisation */
    double amount_t;
    double confirmed_t, pending_t, disputed_t;
    size_t loads;
};

struct mb_mhp {
    char name[160];
    char owner[128];
    int from_m, to_m;         /* the project's period (serial months) */
    struct mb_mhp_listing *listings;
    size_t nlistings;
    struct mb_mhp_amount *amounts;
    size_t namounts, cap_amounts;
    struct mb_mhp_flow *flows;
    size_t nflows, cap_flows;
    double unplaced_t;        /* surplus no receiver takes */
    struct mb_mhp_deal *deals;
    size_t ndeals, cap_deals;
    /* Factors used (the market's, from the factor register): per tonne
     * fixed (per load / payload) and per loaded tonne-km. */
    double payload_t, cost_nok_per_t, cost_nok_per_tkm, co2_kg_per_t, co2_kg_per_tkm,
        detour_factor;
    /* and on a ferry: per tonne and crossing (ticket and wait), per
     * tonne-km on board (the truck's time; the ferry's CO2) */
    double ferry_nok_per_t_crossing, ferry_nok_per_tkm, ferry_co2_kg_per_tkm;
    /* Transport CO2 of all flows (kg CO2e, well to wheel) at the central
     * factors, and with every transport factor at its low and at its high
     * end of the register's range (payload the other way): the bounds, not
     * a percentile range. */
    double co2_transport_kg, co2_transport_low_kg, co2_transport_high_kg;
};

/* Gather the plan of listings ids[0..n) named `name` (NULL or "": the
 * first listing's title). Every id must be a listing (supply or need) in
 * the store, all of one organisation, none twice. Returns 0 (release *out)
 * or MB_EINVAL/MB_ENOTFOUND naming "listing" and the id, or the store's
 * error. */
int mb_mhp_build(struct mb_store *st, const struct mb_market *m, const int64_t *ids,
                 size_t n, const char *name, struct mb_mhp *out, struct mb_error *err);
void mb_mhp_release(struct mb_mhp *p);

/* The plan as a report document in `lang` ("nb" or "en"); `today` is the
 * date printed as prepared ("2026-01-31"). The caller releases *d. */
void mb_mhp_document(const struct mb_mhp *p, const struct mb_market *m, const char *lang,
                     const char *today, struct mb_rdoc *d);

#endif
