/*
 * account.h - the plan's accounting: what a plan (or today's practice)
 * does, held apart from the factors that value it, and the one function
 * that values it.
 *
 * An activity is the physical record: tonnes moved and loaded tonne-km,
 * every load's tonnes and km (to count loads as trucks drive them), the
 * tonnes valued at each register factor (gate fees, handling, production
 * per product, holding), the values sites gave themselves, and what
 * nobody in the region could place or cover. mb_account_value turns an
 * activity into totals under factor values x: the central values give
 * the plan's figures, drawn values give its ranges (uncertainty.h), so
 * the figures and their ranges come from the same arithmetic.
 *
 * Transport per load = fixed part (loading, tipping, waiting) + km
 * loaded + km back empty on a share of the loads (mb_transport_rates).
 * Cost and CO2 count full loads (tonnes / payload), as the planner
 * optimises; truckloads count every started load on a flow and month as a
 * whole one. What nobody in the region can place goes to a landfill
 * outside the region (overflow.* factors), and what nobody covers comes
 * from a quarry outside it, in the plan and in today's practice alike:
 * a saving never comes from ignoring masses.
 */
#ifndef MB_PLAN_ACCOUNT_H
#define MB_PLAN_ACCOUNT_H

#include <stddef.h>

#include "plan/factors.h"
#include "plan/scenario.h"

struct mb_haul {
    double t, km;
};

struct mb_activity {
    double moved_t;  /* tonnes on in-region hauls */
    double tkm;      /* their loaded tonne-km */
    double ferry_tkm;      /* the part of tkm on ferries */
    double ferry_t_crossings; /* tonnes x ferries they crossed */
    double ferry_co2_tkm;  /* tonnes x km a crossing's emissions count over (core/ferry.h) */
    struct mb_haul *loads; /* one per flow and month, and per shortfall */
    size_t nloads, cap_loads;
    double fee_t[MB_F_COUNT]; /* tonnes (t-months for holding) priced at factor i */
    double co2_t[MB_F_COUNT]; /* tonnes emitting at factor i */
    double own_nok;           /* values sites gave themselves: money */
    double own_co2_handling, own_co2_production; /* and CO2 (a quarry's EPD is production) */
    double overflow_t;        /* to a landfill outside the region */
    double stranded_t;        /* contaminated, nowhere to go: not valued */
    double import_t;          /* from a quarry outside the region */
    double import_prod_t[MB_F_COUNT]; /* import tonnes by production factor */
    double landfill_t, landfill_fm3, landfill_pm3, virgin_t, reused_t;
};

/* Record a flow of t tonnes of `material` from site a to site b over km. */
void mb_account_flow(struct mb_activity *a, const struct mb_scenario *s, size_t from,
                     size_t to, int material, double t, double km);

/* Record t tonne-months of stock at storage site w. */
void mb_account_stock(struct mb_activity *a, const struct mb_scenario *s, size_t w,
                      double t);

/* Record a source's t tonnes nobody in the region can place, or a need's
 * t tonnes nobody covers (need = the need's site). */
void mb_account_unplaced(struct mb_activity *a, const struct mb_scenario *s, size_t source,
                         double t);
void mb_account_unmet(struct mb_activity *a, const struct mb_scenario *s, size_t need,
                      double t);

void mb_account_release(struct mb_activity *a);

/* Value an activity under factor values x into *out (every field but
 * objective's companions is overwritten; unplaced_t and unmet_t are the
 * caller's). */
struct mb_totals;
void mb_account_value(const struct mb_activity *a, const struct mb_scenario *s,
                      const double *x, struct mb_totals *out);

/* Central cost and CO2 per tonne sent out of the region (unplaced) or
 * bought outside it (unmet, of the need's material), for month figures. */
void mb_account_overflow_rate(const struct mb_scenario *s, double *nok, double *co2);
void mb_account_import_rate(const struct mb_scenario *s, size_t need, double *nok,
                            double *co2);

#endif
