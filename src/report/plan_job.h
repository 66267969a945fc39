/*
 * plan_job.h - running a queued regional plan job (POST /api/plans): the
 * region's published and reserved sites become a scenario
 * (mb_market_region_plan_scenario), the engine solves it, and the job
 * holds {"scenario", "plan"} (the plan as mb_report_plan_json writes it;
 * with "siting" too when the request gives candidates, plan_siting.h)
 * or why it failed. The server's job thread calls this; so could any
 * other runner. Progress lines of the engine become the job's message, at
 * most twice a second.
 */
#ifndef MB_REPORT_PLAN_JOB_H
#define MB_REPORT_PLAN_JOB_H

#include "market/market.h"

/* Run job `id` if it is queued (else nothing happens). A failure of the
 * plan is the job's (state failed, with the reason), not this call's: it
 * returns an error only when the job's own record could not be written
 * (e.g. the database failed), with err saying so. */
int mb_report_plan_job_run(struct mb_store *st, const struct mb_market *m, int64_t id,
                           struct mb_error *err);

#endif
