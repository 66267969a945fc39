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

#endif
