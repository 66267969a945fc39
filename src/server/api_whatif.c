/*
 * api_whatif.c - POST /api/plans/{id}/whatif: a planner's what-if on a
 * solved regional plan (plan/whatif.h, mb_whatif_ask): "what if this
 * landfill closes in 2028, this plant opens, this listing doubles". The
 * server keeps the basis of the last few plans asked about, so each
 * question re-plans warm from the last; nothing is stored. One what-if
 * is solved at a time: a request waits two seconds for the planner, then
 * answers 503 (busy).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "plan/scenario.h"
#include "plan/whatif.h"
#include "server/api_util.h"
#include "server/srv.h"

#define KEPT 4            /* plans whose basis is kept */
#define WAIT_SECONDS 2    /* for the planner, before "busy" (a waiting request
                             holds one of the server's threads) */

struct mb_whatifs {
    pthread_mutex_t lock; /* one what-if at a time; guards the entries */
    struct {
        int64_t plan;     /* 0: free */
        uint64_t used;
        struct mb_whatif w;
    } e[KEPT];
    uint64_t tick;
};

struct mb_whatifs *mb_whatifs_new(void)
{
    struct mb_whatifs *c = mb_xcalloc(1, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    for (int i = 0; i < KEPT; i++)
        mb_whatif_init(&c->e[i].w);
    return c;
}

void mb_whatifs_free(struct mb_whatifs *c)
{
    if (!c)
        return;
    for (int i = 0; i < KEPT; i++)
        mb_whatif_release(&c->e[i].w);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

/* The state of plan `plan` (under the lock): its own, or the least
 * recently used one, emptied. */
static struct mb_whatif *state_of(struct mb_whatifs *c, int64_t plan)
{
    int k = 0;
    for (int i = 0; i < KEPT; i++) {
        if (c->e[i].plan == plan) {
            k = i;
            goto found;
        }
        if (c->e[i].used < c->e[k].used)
            k = i;
    }
    mb_whatif_release(&c->e[k].w);
    mb_whatif_init(&c->e[k].w);
    c->e[k].plan = plan;
found:
    c->e[k].used = ++c->tick;
    return &c->e[k].w;
}

void mb_api_plan_whatif(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r) || !mb_api_require(r, MB_ACT_PLAN))
        return;
    static const char *const keys[] = { "changes", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    struct mb_job job;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_market_region_plan_job(r->st, &r->user, id, &job, &err) != 0) {
        mb_api_fail(r, &err);
        json_decref(b);
        return;
    }
    struct mb_problems probs = { 0 };
    if (mb_whatif_check(json_object_get(b, "changes"), &probs) != 0) {
        mb_reply_problems(r, &probs);
        mb_problems_release(&probs);
        mb_job_release(&job);
        json_decref(b);
        return;
    }
    mb_problems_release(&probs);
    bool failed = job.state == MB_JOB_FAILED;
    json_t *res = job.state == MB_JOB_DONE && job.result ? json_loads(job.result, 0, NULL)
                                                         : NULL;
    mb_job_release(&job);
    if (failed) {
        mb_reply_error(r, 409, "conflict", "id", "the plan failed: it has no result to ask about");
        json_decref(b);
        return;
    }
    json_t *scn = json_object_get(res, "scenario");
    if (!json_is_object(scn)) {
        mb_reply_error(r, 409, "conflict", "id", "the plan is not solved yet");
        json_decref(res);
        json_decref(b);
        return;
    }
    char *text = mb_xjson_dumps(scn, JSON_COMPACT);
    json_decref(res);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += WAIT_SECONDS;
    struct mb_whatifs *c = r->srv->whatifs;
    if (pthread_mutex_timedlock(&c->lock, &until) != 0) {
        mb_error_set(&err, MB_EBUSY, "planner", "the planner is busy: try again in a moment");
        mb_api_fail(r, &err);
        free(text);
        json_decref(b);
        return;
    }
    json_t *out = NULL;
    int rc = mb_whatif_ask(state_of(c, id), text, strlen(text), json_object_get(b, "changes"),
                           &out, &probs, &err);
    pthread_mutex_unlock(&c->lock);
    free(text);
    json_decref(b);
    if (rc == 0)
        mb_reply_json(r, 200, json_pack("{s:I,s:o}", "plan", (json_int_t)id, "whatif", out));
    else if (probs.n)
        mb_reply_problems(r, &probs);
    else
        mb_api_fail(r, &err);
    mb_problems_release(&probs);
}
