/*
 * plan_job.c - a queued regional plan job, run (see plan_job.h).
 */
#include "report/plan_job.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/words_json.h"
#include "market/suggest.h"
#include "plan/plan.h"
#include "report/plan_report.h"
#include "report/plan_siting.h"

struct progress_ctx {
    struct mb_store *st;
    int64_t id;
    double last;
    int rc;                /* the first failed update */
    struct mb_error err;
};

/* Record the job's state with a message and its words (so the web front
 * end words it in the reader's language: core/words_json.h). */
static int record(struct mb_store *st, int64_t id, enum mb_job_state state, const char *line,
                  const struct mb_words *words, const char *result, struct mb_error *err)
{
    char *text = mb_words_json_text(words);
    int rc = mb_store_job_say(st, id, state, line, text, result, err);
    free(text);
    return rc;
}

static void on_progress(const char *line, const struct mb_words *words, void *ctx)
{
    struct progress_ctx *p = ctx;
    if (p->rc || mb_clock_seconds() - p->last < 0.5)
        return;
    p->last = mb_clock_seconds();
    p->rc = record(p->st, p->id, MB_JOB_RUNNING, line, words, NULL, &p->err);
}

/* The job's state with a message made from fmt. */
static int job_say(struct mb_store *st, int64_t id, enum mb_job_state state, struct mb_error *err,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int job_say(struct mb_store *st, int64_t id, enum mb_job_state state, struct mb_error *err,
                   const char *fmt, ...)
{
    char line[320];
    struct mb_words w;
    va_list ap;
    va_start(ap, fmt);
    mb_words_vformat(line, sizeof line, &w, fmt, ap);
    va_end(ap);
    return record(st, id, state, line, &w, NULL, err);
}

/* Mark the job failed, saying why; the error of the update, if any. */
static int fail(struct mb_store *st, int64_t id, const struct mb_error *why, struct mb_error *err)
{
    return record(st, id, MB_JOB_FAILED, why->message, &why->words, NULL, err);
}

/* The plan of the request as {"scenario", "plan"} text into *result, and
 * the job's closing message into *done; else the reason into *why. */
static int solve(struct mb_store *st, const struct mb_market *m, int64_t id, json_t *req,
                 char **result, struct mb_error *done, struct mb_error *why,
                 struct progress_ctx *pc)
{
    json_t *scn = NULL;
    if (mb_market_region_plan_scenario(st, m, req, &scn, why) != 0)
        return -1;
    char *scn_text = mb_xjson_dumps(scn, JSON_COMPACT);
    json_decref(scn);
    struct mb_scenario sc;
    struct mb_problems probs = { 0 };
    if (mb_scenario_parse(&sc, scn_text, strlen(scn_text), &probs) != 0) {
        mb_error_set(why, MB_EINVAL, "region", "the region gives no plannable scenario: %s: %s",
                     probs.n ? probs.items[0].path : "", probs.n ? probs.items[0].message : "");
        mb_problems_release(&probs);
        free(scn_text);
        return -1;
    }
    struct mb_plan_options opt = { NULL, NULL, on_progress, pc, 0 };
    struct mb_plan plan;
    int rc = job_say(st, id, MB_JOB_RUNNING, &pc->err, "solving");
    if (rc) {
        pc->rc = rc;
        mb_scenario_release(&sc);
        free(scn_text);
        return -1;
    }
    struct mb_error err;
    if (mb_plan_run(&sc, &opt, &plan, &err) != 0) {
        mb_error_set(why, err.code, err.field, "the plan could not be solved: %s", err.message);
        mb_scenario_release(&sc);
        free(scn_text);
        return -1;
    }
    char *plan_text = mb_report_plan_json(&sc, &plan);
    mb_error_set(done, MB_OK, "", "solved %zu sites in %.2f s", sc.nsites,
                 plan.build_seconds + plan.solve_seconds);
    mb_plan_release(&plan);
    mb_scenario_release(&sc);
    /* The siting question, if the request asks it: over the same
     * scenario, after the plan (a request without candidates gives the
     * result it always gave, byte for byte). */
    char *siting_text = NULL;
    json_t *cands = json_object_get(req, "candidates");
    if (cands) {
        json_t *section;
        if ((rc = job_say(st, id, MB_JOB_RUNNING, &pc->err, "choosing among %zu candidate "
                          "sites", json_array_size(cands))) != 0) {
            pc->rc = rc;
        } else if (mb_report_siting_run(scn_text, req, &section, &err) != 0) {
            mb_error_set(why, err.code, err.field, "the sites could not be chosen: %s",
                         err.message);
            rc = -1;
        } else {
            siting_text = mb_xjson_dumps(section, JSON_COMPACT);
            json_decref(section);
        }
        if (rc) {
            free(plan_text);
            free(scn_text);
            return -1;
        }
    }
    size_t len = strlen(scn_text) + strlen(plan_text) +
                 (siting_text ? strlen(siting_text) : 0) + 48;
    *result = mb_xmalloc(len);
    if (siting_text)
        snprintf(*result, len, "{\"scenario\":%s,\"plan\":%s,\"siting\":%s}", scn_text,
                 plan_text, siting_text);
    else
        snprintf(*result, len, "{\"scenario\":%s,\"plan\":%s}", scn_text, plan_text);
    free(scn_text);
    free(plan_text);
    free(siting_text);
    return 0;
}

int mb_report_plan_job_run(struct mb_store *st, const struct mb_market *m, int64_t id,
                           struct mb_error *err)
{
    struct mb_job job;
    struct mb_error rerr;
    if (mb_store_job_get(st, id, &job, &rerr) != 0) {
        struct mb_error why;
        mb_error_set(&why, rerr.code, "", "the job could not be read: %s", rerr.message);
        return fail(st, id, &why, err);
    }
    if (job.state != MB_JOB_QUEUED) {
        mb_job_release(&job);
        return 0;
    }
    json_t *req = job.request ? json_loads(job.request, 0, NULL) : NULL;
    mb_job_release(&job);
    if (!req) {
        struct mb_error why;
        mb_error_set(&why, MB_EDATA, "", "the stored request is broken");
        return fail(st, id, &why, err);
    }
    int rc = job_say(st, id, MB_JOB_RUNNING, err, "collecting the region's sites");
    if (rc) {
        json_decref(req);
        return rc;
    }
    struct progress_ctx pc = { st, id, 0, 0, { 0 } };
    struct mb_error done, why;
    mb_error_clear(&done);
    mb_error_clear(&why);
    char *result = NULL;
    int solved = solve(st, m, id, req, &result, &done, &why, &pc);
    json_decref(req);
    if (pc.rc) {
        /* The job's record failed while it ran: say so, if it still can. */
        *err = pc.err;
        free(result);
        fail(st, id, &pc.err, &rerr);
        return pc.rc;
    }
    if (solved != 0)
        return fail(st, id, &why, err);
    /* The plan's flows between listings become suggestions to their
     * parties, before the job says done (whoever sees it done finds its
     * suggestions). The plan stands without them: a failure is told. */
    struct mb_error serr;
    if (mb_suggest_from_plan(st, id, result, NULL, &serr) != 0)
        fprintf(stderr, "massebank: plan %lld: no suggestions: %s\n", (long long)id,
                serr.message);
    rc = record(st, id, MB_JOB_DONE, done.message, &done.words, result, err);
    free(result);
    if (rc) {
        /* The result could not be stored (too large, disk full): the job
         * failed, and says why. */
        struct mb_error stored;
        mb_error_set(&stored, rc, "", "the plan could not be stored: %s", err->message);
        return fail(st, id, &stored, err) ? rc : 0;
    }
    return 0;
}
