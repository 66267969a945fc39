/*
 * tradeoff.h - a small trade-off curve between money and CO2 for a
 * scenario: the plan solved at CO2 prices 0, 1 000, 2 000 and 10 000 NOK
 * per tonne and for minimum CO2, each point valued by the same accounting
 * (account.h) at the register's central values. Between two points the
 * extra money per tonne of CO2 saved is what that step of abatement costs.
 */
#ifndef MB_PLAN_TRADEOFF_H
#define MB_PLAN_TRADEOFF_H

#include "core/error.h"

#define MB_TRADEOFF_POINTS 5

struct mb_tradeoff_point {
    int objective;        /* enum mb_objective */
    double co2_price;     /* NOK per t CO2 (cost objective); -1 for minimum CO2 */
    double cost_nok, co2_kg, truckloads, landfill_fm3, virgin_t, unplaced_t;
};

struct mb_tradeoff {
    struct mb_tradeoff_point points[MB_TRADEOFF_POINTS];
    int n;
    double seconds;
};

struct mb_scenario;
/* Solve the scenario once per point (no ranges) into *out. Returns 0, or
 * the first solver error. */
int mb_tradeoff_run(const struct mb_scenario *s, struct mb_tradeoff *out,
                    struct mb_error *err);

#endif
