/*
 * plan_siting.h - the siting question asked with a regional plan (POST
 * /api/plans with "candidates" and "max_open", docs/siting.md): which of
 * the planner's candidate storage sites and plants to open, at most k,
 * over the region's scenario. The request is checked when it comes in
 * (mb_report_siting_check), and the job answers it after the plan
 * (mb_report_siting_run), its section stored as "siting" beside "plan".
 */
#ifndef MB_REPORT_PLAN_SITING_H
#define MB_REPORT_PLAN_SITING_H

#include <jansson.h>

#include "core/error.h"
#include "plan/scenario.h"

/* Draws of the factor register for the ranges of a choice's savings. */
#define MB_REPORT_SITING_DRAWS 1000
/* Seconds Cbc may take over a job's choice. */
#define MB_REPORT_SITING_SECONDS 600

/* Check a plan request's "candidates" (each as in the candidates file,
 * docs/siting.md) and "max_open" (a whole number 1 to the number of
 * candidates; without it, all may open) before it is queued: every
 * problem into *p (zeroed here; the caller releases it), named by its
 * field ("candidates[2].nok_per_year", "max_open"). The candidates are
 * checked as sites of a scenario of the request's horizon: what no
 * region can make valid (a cost, a capacity, a position, a material) is
 * refused now; an id a region's own site has is found by the job.
 * Returns the number of problems (0: none, or no candidates asked). */
size_t mb_report_siting_check(json_t *req, struct mb_problems *p);

/* Answer the siting of request req over the region's scenario (its text):
 * *section is NULL when req has no candidates, else the section
 * (mb_siting_json, ranges included; a new reference). An error (the
 * candidates do not fit this region's scenario, Cbc found nothing) with
 * err saying why. */
int mb_report_siting_run(const char *scenario, json_t *req, json_t **section,
                         struct mb_error *err);

#endif
