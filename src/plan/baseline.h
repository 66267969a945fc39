/*
 * baseline.h - today's practice for a scenario (see baseline.c).
 */
#ifndef MB_PLAN_BASELINE_H
#define MB_PLAN_BASELINE_H

#include "plan/plan.h"

/* Fill plan->baseline_flows, and the unplaced/unmet parts of
 * plan->baseline and plan->baseline_months (which must be allocated for the
 * horizon). Totals of the flows are added by the caller. */
int mb_baseline_run(const struct mb_scenario *s, struct mb_plan *plan);

/* Add a source's unplaced (unmet = false) or a need's unmet tonnes in one
 * month to a month's totals, valued as sent to a landfill outside the
 * region or bought from a quarry outside it (central values). The plan's
 * months use the same rule. */
void mb_baseline_shortfall(const struct mb_scenario *s, const struct mb_shortfall *x,
                           bool unmet, struct mb_totals *t);

#endif
