/*
 * plan_report.h - a plan as the document users get: the plan's JSON
 * (plan/plan_json.c) with the landfill capacity forecast per year
 * (report/forecast.h), as JSON text "massebank-plan/1"
 * (docs/plan-format.md). It lives in the report layer because the
 * forecast does: lower layers never include higher ones
 * (scripts/check-layers).
 */
#ifndef MB_REPORT_PLAN_REPORT_H
#define MB_REPORT_PLAN_REPORT_H

#include "plan/plan.h"

/* The plan with its forecast as JSON text; the caller frees it. */
char *mb_report_plan_json(const struct mb_scenario *s, const struct mb_plan *plan);

#endif
