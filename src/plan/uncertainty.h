/*
 * uncertainty.h - ranges and sensitivity of a plan's savings.
 *
 * The plan is fixed (its flows do not change); what is uncertain is what
 * each of its tonnes and kilometres costs and emits. The ranges draw
 * every register factor independently from a triangular distribution
 * (low, central, high: the usual choice when a source gives a range and a
 * most likely value) and value the plan and today's practice with the
 * same draw (account.h), so a factor that moves both moves the saving
 * only by their difference. A fixed seed makes runs repeat. The range
 * reported is the 5th to 95th percentile of the saving; central is the
 * saving at the central values (the plan's own figure).
 *
 * The sensitivity table sets one factor at a time to its low and then its
 * high value, the others central, and ranks factors by how far that moves
 * each saving (a tornado table).
 */
#ifndef MB_PLAN_UNCERTAINTY_H
#define MB_PLAN_UNCERTAINTY_H

#include "plan/factors.h"

enum mb_metric { MB_M_CO2, MB_M_COST, MB_M_TRUCKLOADS, MB_M_MOVEMENTS, MB_M_TONNE_KM,
                 MB_M_LANDFILL_FM3, MB_M_VIRGIN_T, MB_M_CO2_OUTSIDE, MB_M_LANDFILL_ALL,
                 MB_M_COUNT };

struct mb_band {
    double low, central, high;
};

struct mb_swing {
    int factor;            /* enum mb_factor_id */
    double at_low, at_high; /* the saving with the factor at low, at high */
};

struct mb_uncertainty {
    int draws;
    unsigned long long seed;
    struct mb_band saving[MB_M_COUNT];   /* baseline - plan */
    struct mb_band plan[MB_M_COUNT], baseline[MB_M_COUNT];
    struct mb_swing swing[MB_M_COUNT][MB_F_COUNT]; /* largest move first */
    int nswing[MB_M_COUNT]; /* factors that move the saving at all */
    double seconds;
};

/* Default number of draws and seed. */
#define MB_UNCERTAINTY_DRAWS 1000
#define MB_UNCERTAINTY_SEED 20261204ull

/* A metric's name ("co2_kg", "cost_nok", ...), unit and its value in totals. */
struct mb_totals;
const char *mb_metric_name(enum mb_metric m);
double mb_metric_value(const struct mb_totals *t, enum mb_metric m);

/* Fill *u for a plan's and today's activities. draws >= 1. */
struct mb_scenario;
struct mb_activity;
void mb_uncertainty_run(const struct mb_scenario *s, const struct mb_activity *plan,
                        const struct mb_activity *baseline, int draws,
                        unsigned long long seed, struct mb_uncertainty *u);

#endif
