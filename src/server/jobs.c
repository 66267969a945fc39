/*
 * jobs.c - the plan job thread: it takes queued plan jobs in order and
 * runs each (report/plan_job.h: the region's scenario, the engine, the
 * stored plan or why it failed) on its own store connection.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"
#include "report/plan_job.h"
#include "server/srv.h"

struct mb_jobs {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    bool pending;
};

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
            /* A job whose own record cannot be written (the database is
             * failing) is left as it is; the loop ends on it above. */
            if (mb_report_plan_job_run(st, &s->market, next, &err) != 0)
                fprintf(stderr, "massebank-server: plan job %lld: %s\n", (long long)next,
                        err.message);
            mb_alloc_release_freed(); /* a job's peak is not kept (alloc.h) */
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
