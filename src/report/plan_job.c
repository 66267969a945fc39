/*
 * plan_job.c - a queued regional plan job, run (see plan_job.h).
 */
#include "report/plan_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "market/suggest.h"
#include "plan/plan.h"
#include "report/plan_report.h"

struct progress_ctx {
    struct mb_store *st;
    int64_t id;
    double last;
    int rc;                /* the first failed update */
    struct mb_error err;
};

static void on_progress(const char *line, void *ctx)
{
    struct progress_ctx *p = ctx;
    if (p->rc || mb_clock_seconds() - p->last < 0.5)
        return;
    p->last = mb_clock_seconds();
    p->rc = mb_store_job_update(p->st, p->id, MB_JOB_RUNNING, line, NULL, &p->err);
}

/* Mark the job failed with msg; the error of the update, if any. */
static int fail(struct mb_store *st, int64_t id, const char *msg, struct mb_error *err)
{
    return mb_store_job_update(st, id, MB_JOB_FAILED, msg, NULL, err);
}

/* The plan of the request as {"scenario", "plan"} text into *result, and
 * the job's closing message; else the reason into msg. */
static int solve(struct mb_store *st, const struct mb_market *m, int64_t id, json_t *req,
                 char **result, char *done, size_t done_size, char *msg, size_t msg_size,
                 struct progress_ctx *pc)
{
    struct mb_error err;
    json_t *scn = NULL;
    if (mb_market_region_plan_scenario(st, m, req, &scn, &err) != 0) {
        snprintf(msg, msg_size, "%s", err.message);
        return -1;
    }
    char *scn_text = mb_xjson_dumps(scn, JSON_COMPACT);
    json_decref(scn);
    struct mb_scenario sc;
    struct mb_problems probs = { 0 };
    if (mb_scenario_parse(&sc, scn_text, strlen(scn_text), &probs) != 0) {
        snprintf(msg, msg_size, "the region gives no plannable scenario: %s: %s",
                 probs.n ? probs.items[0].path : "", probs.n ? probs.items[0].message : "");
        mb_problems_release(&probs);
        free(scn_text);
        return -1;
    }
    struct mb_plan_options opt = { NULL, NULL, on_progress, pc, 0 };
    struct mb_plan plan;
    int rc = mb_store_job_update(st, id, MB_JOB_RUNNING, "solving", NULL, &pc->err);
    if (rc) {
        pc->rc = rc;
        mb_scenario_release(&sc);
        free(scn_text);
        return -1;
    }
    if (mb_plan_run(&sc, &opt, &plan, &err) != 0) {
        snprintf(msg, msg_size, "the plan could not be solved: %s", err.message);
        mb_scenario_release(&sc);
        free(scn_text);
        return -1;
    }
    char *plan_text = mb_report_plan_json(&sc, &plan);
    snprintf(done, done_size, "solved %zu sites in %.2f s", sc.nsites,
             plan.build_seconds + plan.solve_seconds);
    mb_plan_release(&plan);
    mb_scenario_release(&sc);
    size_t len = strlen(scn_text) + strlen(plan_text) + 32;
    *result = mb_xmalloc(len);
    snprintf(*result, len, "{\"scenario\":%s,\"plan\":%s}", scn_text, plan_text);
    free(scn_text);
    free(plan_text);
    return 0;
}

int mb_report_plan_job_run(struct mb_store *st, const struct mb_market *m, int64_t id,
                           struct mb_error *err)
{
    struct mb_job job;
    struct mb_error rerr;
    if (mb_store_job_get(st, id, &job, &rerr) != 0) {
        char msg[400];
        snprintf(msg, sizeof msg, "the job could not be read: %s", rerr.message);
        return fail(st, id, msg, err);
    }
    if (job.state != MB_JOB_QUEUED) {
        mb_job_release(&job);
        return 0;
    }
    json_t *req = job.request ? json_loads(job.request, 0, NULL) : NULL;
    mb_job_release(&job);
    if (!req)
        return fail(st, id, "the stored request is broken", err);
    int rc = mb_store_job_update(st, id, MB_JOB_RUNNING, "collecting the region's sites", NULL,
                                 err);
    if (rc) {
        json_decref(req);
        return rc;
    }
    struct progress_ctx pc = { st, id, 0, 0, { 0 } };
    char msg[320] = "", done[160] = "";
    char *result = NULL;
    int solved = solve(st, m, id, req, &result, done, sizeof done, msg, sizeof msg, &pc);
    json_decref(req);
    if (pc.rc) {
        /* The job's record failed while it ran: say so, if it still can. */
        *err = pc.err;
        free(result);
        fail(st, id, pc.err.message, &rerr);
        return pc.rc;
    }
    if (solved != 0)
        return fail(st, id, msg, err);
    /* The plan's flows between listings become suggestions to their
     * parties, before the job says done (whoever sees it done finds its
     * suggestions). The plan stands without them: a failure is told. */
    struct mb_error serr;
    if (mb_suggest_from_plan(st, id, result, NULL, &serr) != 0)
        fprintf(stderr, "massebank: plan %lld: no suggestions: %s\n", (long long)id,
                serr.message);
    rc = mb_store_job_update(st, id, MB_JOB_DONE, done, result, err);
    free(result);
    if (rc) {
        /* The result could not be stored (too large, disk full): the job
         * failed, and says why. */
        char why[400];
        snprintf(why, sizeof why, "the plan could not be stored: %s", err->message);
        return fail(st, id, why, err) ? rc : 0;
    }
    return 0;
}
