/*
 * road_worker.c - the road worker thread (with --roads): it takes sites
 * off the durable queue the store's triggers fill whenever a site is
 * written, and brings their road distances up to date (market/road_km.h,
 * mb_road_fill_queue), on its own store connection, outside any request.
 * It looks at the queue every second, and at once when told.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/alloc.h"
#include "market/road_km.h"
#include "server/srv.h"

struct mb_road_worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
};

/* Sites per round: a stop request waits for at most this many. */
#define ROUND 8
/* Seconds of routing per site and turn: a new listing's nearest pairs
 * come within a second; its far ones, and a backlog, wait their turn
 * behind every new write. */
#define BUDGET 0.8

static void *worker(void *arg)
{
    struct mb_srv *s = arg;
    struct mb_road_worker *w = s->road_worker;
    struct mb_store *st = NULL;
    struct mb_error err;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        bool stop = w->stop;
        pthread_mutex_unlock(&w->lock);
        if (stop)
            break;
        bool idle = true;
        if (!st && mb_store_open(&st, s->db_path, &err) != 0)
            st = NULL;
        if (st) {
            struct mb_road_fill f = { 0 };
            if (mb_road_fill_queue(st, s->roads, &s->market, ROUND, BUDGET, &f, &err) != 0)
                fprintf(stderr, "massebank-server: road distances: %s\n", err.message);
            idle = f.sites < ROUND;
        }
        if (!idle)
            continue;
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += 1;
        pthread_mutex_lock(&w->lock);
        if (!w->stop)
            pthread_cond_timedwait(&w->wake, &w->lock, &until);
        pthread_mutex_unlock(&w->lock);
    }
    mb_store_close(st);
    return NULL;
}

int mb_road_worker_start(struct mb_srv *s, struct mb_error *err)
{
    struct mb_road_worker *w = mb_xcalloc(1, sizeof *w);
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->wake, NULL);
    s->road_worker = w;
    if (pthread_create(&w->thread, NULL, worker, s) != 0) {
        pthread_mutex_destroy(&w->lock);
        pthread_cond_destroy(&w->wake);
        free(w);
        s->road_worker = NULL;
        return mb_error_set(err, MB_EINTERNAL, "", "cannot start the road worker thread");
    }
    return 0;
}

void mb_road_worker_notify(struct mb_srv *s)
{
    struct mb_road_worker *w = s->road_worker;
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
}

void mb_road_worker_stop(struct mb_srv *s)
{
    struct mb_road_worker *w = s->road_worker;
    if (!w)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = true;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->wake);
    free(w);
    s->road_worker = NULL;
}
