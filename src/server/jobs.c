/*
 * jobs.c - the plan job runner: one thread that takes queued plan jobs in
 * order, builds the region's scenario from the published sites, solves it
 * with the planning engine and stores the plan (or why it failed). It has
 * its own store connection. Progress lines from the engine become the
 * job's message.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "core/clock.h"
#include "core/text.h"
#include "domain/month.h"
#include "report/plan_report.h"
#include "plan/plan.h"
#include "server/srv.h"

struct mb_jobs {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    bool pending;
};

struct progress_ctx {
    struct mb_store *st;
    int64_t id;
    double last;
};

static void on_progress(const char *line, void *ctx)
{
    struct progress_ctx *p = ctx;
    if (mb_clock_seconds() - p->last < 0.5)
        return;
    p->last = mb_clock_seconds();
    struct mb_error err;
    mb_store_job_update(p->st, p->id, MB_JOB_RUNNING, line, NULL, &err);
}

static void run_job(struct mb_srv *s, struct mb_store *st, int64_t id)
{
    struct mb_job job;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_store_job_get(st, id, &job, &err) != 0) {
        char msg[400];
        snprintf(msg, sizeof msg, "the job could not be read: %s", err.message);
        mb_store_job_update(st, id, MB_JOB_FAILED, msg, NULL, &err);
        return;
    }
    if (job.state != MB_JOB_QUEUED) {
        mb_job_release(&job);
        return;
    }
    mb_store_job_update(st, id, MB_JOB_RUNNING, "collecting the region's sites", NULL, &err);
    json_t *req = json_loads(job.request, 0, NULL);
    mb_job_release(&job);
    char msg[320] = "";
    char *scn_text = NULL, *plan_text = NULL;
    json_t *scn = NULL;
    if (!req) {
        snprintf(msg, sizeof msg, "the stored request is broken");
        goto fail;
    }
    if (mb_market_region_plan_scenario(st, &s->market, req, &scn, &err) != 0) {
        snprintf(msg, sizeof msg, "%s", err.message);
        goto fail;
    }
    scn_text = json_dumps(scn, JSON_COMPACT);
    json_decref(scn);
    struct mb_scenario sc;
    struct mb_problems probs = { 0 };
    if (mb_scenario_parse(&sc, scn_text, strlen(scn_text), &probs) != 0) {
        snprintf(msg, sizeof msg, "the region gives no plannable scenario: %s: %s",
                 probs.n ? probs.items[0].path : "", probs.n ? probs.items[0].message : "");
        mb_problems_release(&probs);
        goto fail;
    }
    struct progress_ctx pc = { st, id, 0 };
    struct mb_plan_options opt = { NULL, NULL, on_progress, &pc, 0 };
    struct mb_plan plan;
    mb_store_job_update(st, id, MB_JOB_RUNNING, "solving", NULL, &err);
    if (mb_plan_run(&sc, &opt, &plan, &err) != 0) {
        snprintf(msg, sizeof msg, "the plan could not be solved: %s", err.message);
        mb_scenario_release(&sc);
        goto fail;
    }
    plan_text = mb_report_plan_json(&sc, &plan);
    char done[160];
    snprintf(done, sizeof done, "solved %zu sites in %.2f s", sc.nsites,
             plan.build_seconds + plan.solve_seconds);
    mb_plan_release(&plan);
    mb_scenario_release(&sc);
    size_t len = strlen(scn_text) + strlen(plan_text) + 32;
    char *result = mb_xmalloc(len);
    snprintf(result, len, "{\"scenario\":%s,\"plan\":%s}", scn_text, plan_text);
    if (mb_store_job_update(st, id, MB_JOB_DONE, done, result, &err) != 0)
        mb_store_job_update(st, id, MB_JOB_FAILED, err.message, NULL, &err);
    free(result);
    free(scn_text);
    free(plan_text);
    json_decref(req);
    return;
fail:
    mb_store_job_update(st, id, MB_JOB_FAILED, msg, NULL, &err);
    free(scn_text);
    free(plan_text);
    json_decref(req);
}

static void *worker(void *arg)
{
    struct mb_srv *s = arg;
    struct mb_jobs *j = s->jobs;
    struct mb_store *st = NULL;
    struct mb_error err;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        while (!j->stop && !j->pending)
            pthread_cond_wait(&j->wake, &j->lock);
        bool stop = j->stop;
        j->pending = false;
        pthread_mutex_unlock(&j->lock);
        if (stop)
            break;
        if (!st && mb_store_open(&st, s->db_path, &err) != 0) {
            st = NULL;
            continue;
        }
        /* Every queued job, oldest first. */
        int64_t last = 0;
        for (;;) {
            int64_t next;
            /* The same job twice: it could not be read nor marked failed
             * (the database is failing); wait for the next notice. */
            if (mb_store_job_next_queued(st, &next, &err) != 0 || next == last)
                break;
            last = next;
            run_job(s, st, next);
            pthread_mutex_lock(&j->lock);
            stop = j->stop;
            pthread_mutex_unlock(&j->lock);
            if (stop)
                break;
        }
    }
    mb_store_close(st);
    return NULL;
}

int mb_jobs_start(struct mb_srv *s, struct mb_error *err)
{
    struct mb_jobs *j = mb_xcalloc(1, sizeof *j);
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->wake, NULL);
    s->jobs = j;
    if (pthread_create(&j->thread, NULL, worker, s) != 0) {
        pthread_mutex_destroy(&j->lock);
        pthread_cond_destroy(&j->wake);
        free(j);
        s->jobs = NULL;
        return mb_error_set(err, MB_EINTERNAL, "", "cannot start the plan job thread");
    }
    return 0;
}

void mb_jobs_notify(struct mb_srv *s)
{
    pthread_mutex_lock(&s->jobs->lock);
    s->jobs->pending = true;
    pthread_cond_signal(&s->jobs->wake);
    pthread_mutex_unlock(&s->jobs->lock);
}

void mb_jobs_stop(struct mb_srv *s)
{
    struct mb_jobs *j = s->jobs;
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->stop = true;
    pthread_cond_signal(&j->wake);
    pthread_mutex_unlock(&j->lock);
    pthread_join(j->thread, NULL);
    pthread_mutex_destroy(&j->lock);
    pthread_cond_destroy(&j->wake);
    free(j);
    s->jobs = NULL;
}
