/*
 * tradeoff.c - the money/CO2 trade-off curve (see tradeoff.h). Each point
 * solves a shallow copy of the scenario with another objective or CO2
 * price; the copy shares the scenario's arrays and is never released.
 */
#include "plan/tradeoff.h"

#include <string.h>

#include "core/clock.h"
#include "plan/plan.h"

int mb_tradeoff_run(const struct mb_scenario *s, struct mb_tradeoff *out,
                    struct mb_error *err)
{
    static const double prices[MB_TRADEOFF_POINTS] = { 0, 1000, 2000, 10000, -1 };
    double t0 = mb_clock_seconds();
    memset(out, 0, sizeof *out);
    for (int k = 0; k < MB_TRADEOFF_POINTS; k++) {
        struct mb_scenario v = *s;
        v.objective = prices[k] < 0 ? MB_OBJECTIVE_CO2 : MB_OBJECTIVE_COST;
        if (prices[k] >= 0)
            v.co2_price_nok_per_t = prices[k];
        struct mb_plan_options opt = { 0 };
        opt.draws = -1;
        struct mb_plan p;
        int rc = mb_plan_run(&v, &opt, &p, err);
        if (rc)
            return rc;
        out->points[out->n++] = (struct mb_tradeoff_point){
            v.objective, prices[k], p.totals.cost_nok, p.totals.co2_kg, p.totals.truckloads,
            p.totals.landfill_fm3, p.totals.virgin_t, p.totals.unplaced_t };
        mb_plan_release(&p);
    }
    out->seconds = mb_clock_seconds() - t0;
    return 0;
}
