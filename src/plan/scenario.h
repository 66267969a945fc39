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
    double fee_nok_per_t;  /* gate fee, handling, processing, or quarry price */
    double co2_kg_per_t;   /* handling or production CO2 */
    double holding_nok_per_t_month; /* storage */
    struct mb_yield *yields;
    size_t nyields;
};

struct mb_transport {
    double payload_t;        /* per truckload */
    double cost_nok_per_tkm; /* loaded tonne-km, empty return included */
    double co2_kg_per_tkm;
    double detour_factor;    /* road km per great-circle km */
    double max_km;           /* longest haul considered */
};

struct mb_distance {
    size_t a, b; /* site indexes */
    double km;
};

struct mb_scenario {
    char name[128];
    int from, to;            /* horizon, serial months inclusive */
    double co2_price_nok_per_t;
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

/* Number of months of the horizon. */
static inline int mb_scenario_months(const struct mb_scenario *s)
{
    return s->to - s->from + 1;
}

#endif
