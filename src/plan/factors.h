/*
 * factors.h - the factor register: every number the plan's accounting uses
 * (fuel and energy per km and per load, emissions per litre and per kWh,
 * payload, prices, fees, handling, production per product, the haul to a
 * landfill outside the region) with a low, central and high value, its
 * unit, boundary, status and source.
 *
 * The register is data/factors.csv, compiled into the library and read
 * once per process; the order of its rows is the order of enum
 * mb_factor_id, and reading it checks that every key is where the enum
 * expects it, so the code and the table cannot drift apart. A scenario
 * holds its own copy of the values (struct mb_factors) and may override
 * any of them by key. The planner optimises with the central values; the
 * ranges feed the Monte Carlo ranges and the sensitivity table
 * (uncertainty.h). docs/climate-method.md explains the method and a test
 * checks its table against the register.
 */
#ifndef MB_PLAN_FACTORS_H
#define MB_PLAN_FACTORS_H

#include <stdbool.h>

#include "core/error.h"

enum mb_factor_id {
    MB_F_PAYLOAD,
    MB_F_EMPTY_RETURN,
    MB_F_FUEL_LOADED,
    MB_F_FUEL_EMPTY,
    MB_F_FUEL_PER_LOAD,
    MB_F_KWH_LOADED,
    MB_F_KWH_EMPTY,
    MB_F_COST_PER_LOAD,
    MB_F_COST_PER_KM,
    MB_F_COST_PER_HOUR,
    MB_F_FERRY_TICKET,
    MB_F_FERRY_WAIT,
    MB_F_FERRY_CO2,
    MB_F_DIESEL_TTW,
    MB_F_DIESEL_WTW,
    MB_F_HVO_TTW,
    MB_F_HVO_WTW,
    MB_F_FAME_WTW,
    MB_F_GRID,
    MB_F_ROAD_BIO_SHARE,
    MB_F_GATE_FEE,
    MB_F_LANDFILL_CO2,
    MB_F_STORAGE_NOK,
    MB_F_STORAGE_HOLDING,
    MB_F_STORAGE_CO2,
    MB_F_PLANT_NOK,
    MB_F_PLANT_CO2,
    MB_F_QUARRY_PRICE,
    MB_F_PROD_CRUSHED,
    MB_F_PROD_SAND_GRAVEL,
    MB_F_PROD_ROCK,
    MB_F_PROD_RECYCLED,
    MB_F_OVERFLOW_KM,
    MB_F_OVERFLOW_FEE,
    MB_F_OVERFLOW_QUARRY_KM,
    MB_F_CO2_PRICE,
    MB_F_COUNT
};

/* One row of the register. */
struct mb_factor_info {
    char key[48];
    char group[16];
    char unit[32];
    char unit_nb[40]; /* the unit in bokmål, for the web front end */
    double low, central, high;
    char boundary[32];
    char status; /* 'V', 'S' or 'E' */
    char name_en[128];
    char name_nb[128];
    char source[720];
    char publisher[96];
    int year;
    char url[200];
    char note[720];
};

/* The register, MB_F_COUNT rows in enum order; read once per process and
 * shared read-only. NULL with err (MB_EDATA) if the compiled-in table is
 * broken. */
const struct mb_factor_info *mb_factor_register(struct mb_error *err);

/* The id of a key, or -1. */
int mb_factor_find(const char *key);

/* The key of an id (the register's order, without reading it). */
const char *mb_factor_key(enum mb_factor_id id);

/* A scenario's values: low <= central <= high for every factor. */
struct mb_factor_range {
    double low, central, high;
};

enum mb_factor_origin {
    MB_FACTOR_REGISTER, /* the register's value */
    MB_FACTOR_SCENARIO, /* set by the scenario */
    MB_FACTOR_VEHICLE,  /* from the scenario's vehicle type, range scaled */
};

struct mb_factors {
    struct mb_factor_range v[MB_F_COUNT];
    unsigned char origin[MB_F_COUNT]; /* enum mb_factor_origin */
};

/* The register's values. Returns 0, or MB_EDATA from reading the register. */
int mb_factors_init(struct mb_factors *f, struct mb_error *err);

/* The central values as a vector (the planner's inputs). */
void mb_factors_central(const struct mb_factors *f, double x[MB_F_COUNT]);

/* Emission boundary (EN 16258 / ISO 14083). */
enum mb_boundary { MB_BOUNDARY_TTW, MB_BOUNDARY_WTW, MB_BOUNDARY_COUNT };

/* Fuels a fleet may run on. "diesel_no" is road diesel as sold in Norway:
 * fossil diesel with the bio share the turnover requirement puts in it
 * (fuel.road_bio_share, counted as HVO from waste, most of it in 2023);
 * "diesel" is fossil diesel (B0); "b7" carries 7 % FAME; "hvo100" is
 * renewable diesel; "electric" a battery truck on the Norwegian grid. */
enum mb_fuel { MB_FUEL_DIESEL_NO, MB_FUEL_DIESEL, MB_FUEL_B7, MB_FUEL_HVO100,
               MB_FUEL_ELECTRIC, MB_FUEL_COUNT };

const char *mb_boundary_name(enum mb_boundary b);
const char *mb_fuel_name(enum mb_fuel f);
/* -1 if unknown. */
int mb_boundary_parse(const char *s);
int mb_fuel_parse(const char *s);

/* Emissions per litre of the liquid part of a fuel mix (kg CO2e per litre,
 * the shares of the liquid fuels weighted; the electric share adds
 * nothing here) and per kWh of its electric share, under a boundary, with
 * factor values x. */
double mb_factors_kg_per_litre(const double *x, enum mb_boundary b,
                               const double mix[MB_FUEL_COUNT]);
double mb_factors_kg_per_kwh(const double *x, enum mb_boundary b);

#endif
