/*
 * scenario.h - a planning scenario: the region's sites, the horizon and
 * the transport and price settings; read from the open exchange format
 * "massebank-scenario/1" (docs/scenario-format.md).
 *
 * Everything inside is normalised: amounts and capacities in tonnes,
 * positions in WGS84, months as serial numbers, materials as indexes into
 * the scenario's own catalog. Reading validates the whole document first
 * and reports every problem (JSON path + message); a scenario with any
 * problem is not returned.
 */
#ifndef MB_PLAN_SCENARIO_H
#define MB_PLAN_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/error.h"
#include "domain/geo.h"
#include "domain/material.h"
#include "plan/factors.h"

#define MB_SCENARIO_FORMAT "massebank-scenario/1"

enum mb_site_kind {
    MB_SITE_SOURCE,   /* a project with surplus */
    MB_SITE_NEED,     /* a project that needs masses */
    MB_SITE_LANDFILL, /* deponi: yearly capacity, gate fee */
    MB_SITE_STORAGE,  /* mellomlager: stock over months */
    MB_SITE_PLANT,    /* sorting/crushing: input -> outputs by yields */
    MB_SITE_QUARRY,   /* virgin material */
    MB_SITE_KIND_COUNT
};

struct mb_yield {
    int material; /* catalog index */
    double share; /* of input tonnes; a plant's shares add up to 1 */
};

/* Capacity in tonnes, or in m3 (then each tonne of material m uses
 * 1/density(m) fm3, or bulking/density lm3). value < 0: unlimited. */
struct mb_capacity {
    double value;
    int unit; /* enum mb_unit */
};

struct mb_site {
    char id[64];
    char name[128];
    enum mb_site_kind kind;
    struct mb_point pos;
    bool approximate;      /* placed by municipality, not surveyed */
    char municipality[5];  /* 2024 code or "" */
    double detour;         /* per-site detour factor, 0 = the scenario's */
    int from, to;          /* active months (serial), inclusive */
    /* source: what arises; need: how much is needed */
    int material;          /* source: its material */
    int cls;               /* source: condition class 1-5 */
    double amount_t;
    /* receivers: what they take */
    bool *accepts;         /* per catalog material (need, landfill, storage, plant, quarry offers) */
    int max_class;
    struct mb_capacity capacity; /* landfill/quarry per year, storage on hand, plant per month */
    /* Landfill/quarry: capacity per calendar year of the horizon (index =
     * year - first year of the horizon), in capacity.unit, from
     * capacity_by_year; years it does not list keep capacity.value. NULL
     * when the site has none. Read it with mb_site_year_capacity. */
    double *cap_year;
    double fee_nok_per_t;  /* gate fee, handling, processing, or quarry price */
    double co2_kg_per_t;   /* handling or production CO2 (quarry: see co2_factor) */
    double holding_nok_per_t_month; /* storage */
    /* Which register factor each value is (enum mb_factor_id), or -1 when
     * the scenario gave the site its own value; the accounting's ranges
     * vary only register values. A quarry without its own co2_kg_per_t
     * has co2_factor MB_CO2_BY_PRODUCT: production CO2 by the product it
     * delivers (mb_production_factor). */
    signed char fee_factor, co2_factor, holding_factor;
    struct mb_yield *yields;
    size_t nyields;
};

#define MB_CO2_BY_PRODUCT (-2)

/* Transport: a load costs and emits a fixed part (loading, tipping,
 * waiting) plus a part per km loaded and per km of empty return. The
 * per-tonne rates below are derived from the factors' central values
 * (mb_transport_rates) and are what the planner optimises with. */
struct mb_transport {
    double payload_t;        /* per truckload (central) */
    double detour_factor;    /* road km per great-circle km */
    double max_km;           /* longest haul considered */
    enum mb_boundary boundary;
    double fuel_mix[MB_FUEL_COUNT]; /* shares, adding up to 1 */
    char vehicle[32];        /* vehicle type, "" for the register's truck */
    /* A scenario may fix the per tonne-km rates itself (the simple model);
     * then those, not the factors, price and weigh each tonne-km. */
    bool fixed_cost_tkm, fixed_co2_tkm;
    double cost_nok_per_tkm, co2_kg_per_tkm;
    /* central rates: per tonne moved and per loaded tonne-km */
    double nok_per_t, nok_per_tkm, co2_per_t, co2_per_tkm;
    double ferry_nok_per_t, ferry_nok_per_tkm, ferry_co2_per_tkm; /* struct mb_rates */
};

/* Per-tonne transport rates under factor values x (see mb_transport). */
struct mb_rates {
    double payload_t, empty_share;
    double nok_per_t, nok_per_tkm;  /* fixed part per tonne; per loaded tonne-km */
    double co2_per_t, co2_per_tkm;  /* kg CO2e, same split */
    /* A drive's part on ferries (docs/roads.md): per tonne and crossing,
     * the ticket and the wait at the quay; per tonne and km on board, the
     * truck's time (instead of nok_per_tkm) and its share of the ferry's
     * emissions (instead of co2_per_tkm: the truck's engine is off). The
     * empty return crosses too. */
    double ferry_nok_per_t, ferry_nok_per_tkm, ferry_co2_per_tkm;
};
struct mb_scenario;
void mb_transport_rates(const struct mb_scenario *s, const double *x, struct mb_rates *r);

/* A haul's cost and CO2 per tonne at rates r: km in all, ferry_km of it
 * on `crossings` ferries. The one place a distance becomes money and CO2,
 * for plans, baselines and matches alike. */
void mb_rates_haul(const struct mb_rates *r, double km, double ferry_km, int crossings,
                   double *nok_per_t, double *co2_per_t);

/* Of that, the part on ferries: tickets, waits and time on board, and the
 * ferries' emissions. */
void mb_rates_ferry(const struct mb_rates *r, double ferry_km, int crossings,
                    double *nok_per_t, double *co2_per_t);

/* The rates of a scenario without a transport object: the register's
 * central values, well to wheel, Norwegian road diesel. MB_EDATA if the register
 * is broken. */
int mb_transport_default_rates(struct mb_rates *r, struct mb_error *err);

/* What the plan minimises (docs/planning-model.md): money with CO2 at
 * its price, CO2 (money breaks ties), or landfill volume (money and CO2
 * break ties). */
enum mb_objective { MB_OBJECTIVE_COST, MB_OBJECTIVE_CO2, MB_OBJECTIVE_LANDFILL,
                    MB_OBJECTIVE_COUNT };
const char *mb_objective_name(enum mb_objective o);
int mb_objective_parse(const char *s); /* -1 if unknown */

/* The register factor of the production CO2 of a material bought from a
 * quarry: crushed aggregate, natural sand and gravel, uncrushed rock, or
 * recycled aggregate. */
enum mb_factor_id mb_production_factor(const struct mb_material *m);

/* Machine diesel at sites (handling, crushing) is stated in the register
 * as kg CO2 at its central 2.66 kg per litre (tank to wheel), a ferry's
 * share (ferry.co2_kg_per_km) at 3.24 (well to wheel): the litres are
 * valued at the boundary's diesel factor in x. Returns that scale for
 * factor id (1 for others). */
double mb_site_factor_scale(const struct mb_scenario *s, const double *x,
                            enum mb_factor_id id);

/* What kind of distance a haul's km is (docs/roads.md): great circle x
 * detour factor, a distance the scenario gives from a table, the road
 * database's drive (source "road"), or no haul at all: the road database
 * found no road between the two for the truck (source "none"; km is
 * infinite, beyond any longest haul). */
enum mb_km_kind { MB_KM_KIND_ESTIMATE, MB_KM_KIND_TABLE, MB_KM_KIND_ROAD, MB_KM_KIND_NONE,
                  MB_KM_KIND_COUNT };
const char *mb_km_kind_name(enum mb_km_kind k);

struct mb_distance {
    size_t a, b; /* site indexes */
    double km;
    size_t item; /* its index in transport.distances */
    enum mb_km_kind kind;     /* table or road */
    double minutes, ferry_km; /* road: the drive's time and its part on ferries (0: not given) */
    int ferry_crossings;      /* road: how many ferries it takes */
};

/* How much shorter than the straight line an explicit road distance may
 * be (rounding in distance tables), km. */
#define MB_DISTANCE_SLACK_KM 0.5

struct mb_scenario {
    char name[128];
    int from, to;            /* horizon, serial months inclusive */
    double co2_price_nok_per_t;
    enum mb_objective objective;
    struct mb_factors factors; /* the register, with the scenario's overrides */
    struct mb_transport transport;
    struct mb_catalog catalog; /* owned copy: defaults + the scenario's overrides */
    struct mb_site *sites;
    size_t nsites;
    struct mb_distance *distances; /* explicit road distances, both directions */
    size_t ndistances;
};

/* One problem found in a scenario. */
struct mb_problem {
    char path[160];    /* JSON path, e.g. "sites[3].amount.unit" */
    char message[320];
    struct mb_words words; /* the message's template and values (core/error.h) */
};

struct mb_problems {
    struct mb_problem *items;
    size_t n, cap;
};

void mb_problems_add(struct mb_problems *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void mb_problems_release(struct mb_problems *p);

/* Parse and validate a scenario from JSON text. Returns 0 and fills *s (the
 * caller releases it), or MB_EINVAL with every problem in *problems (the
 * caller releases them) and *s empty. */
int mb_scenario_parse(struct mb_scenario *s, const char *json, size_t len,
                      struct mb_problems *problems);

/* Read a file (at most 256 MiB) and parse it. MB_EIO with a problem naming
 * the file if it cannot be read. */
int mb_scenario_read(struct mb_scenario *s, const char *path,
                     struct mb_problems *problems);

void mb_scenario_release(struct mb_scenario *s);

const char *mb_site_kind_name(enum mb_site_kind k);

/* The built-in municipality table, parsed once per process and shared
 * read-only by every caller; NULL with err if it cannot be read. */
struct mb_municipalities;
const struct mb_municipalities *mb_scenario_municipalities(struct mb_error *err);

/* Road distance in km between two sites: an explicit distance if the
 * scenario gives one, else great circle x the larger of the scenario's and
 * the two sites' detour factors. */
double mb_scenario_km(const struct mb_scenario *s, size_t a, size_t b);

/* Which kind of distance mb_scenario_km(s, a, b) is; *d (if not NULL) is
 * the explicit distance, NULL for an estimate. */
enum mb_km_kind mb_scenario_km_kind(const struct mb_scenario *s, size_t a, size_t b,
                                    const struct mb_distance **d);

/* The ferries on the way from site a to b: how many, and *ferry_km on
 * them (0 and 0 for an estimate, which does not know). */
int mb_scenario_ferry(const struct mb_scenario *s, size_t a, size_t b, double *ferry_km);

/* A haul's cost and CO2 per tonne from site a to b at the scenario's
 * central rates, ferries included (mb_rates_haul); *km (if not NULL) its
 * km. */
void mb_scenario_haul(const struct mb_scenario *s, size_t a, size_t b, double *km,
                      double *nok_per_t, double *co2_per_t);

/* A landfill's or quarry's capacity in calendar year `year` (in its
 * capacity unit; < 0 unlimited). */
double mb_site_year_capacity(const struct mb_scenario *s, const struct mb_site *x, int year);

/* Number of months of the horizon. */
static inline int mb_scenario_months(const struct mb_scenario *s)
{
    return s->to - s->from + 1;
}

#endif
