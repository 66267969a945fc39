/*
 * api_plan.c - regional plans over the live market. POST /api/plans
 * checks the request and queues a job (202 + the job's URL); the job
 * runner (jobs.c) builds the scenario from the region's published sites,
 * solves it and stores the plan (and, given candidate sites, which of
 * them to open: report/plan_siting.h); GET /api/jobs/{id} shows its state and,
 * when done, the plan (docs/plan-format.md) with the scenario it solved.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"
#include "domain/month.h"
#include "plan/scenario.h"
#include "report/rdoc.h"
#include "report/plan_siting.h"
#include "report/siting_doc.h"
#include "server/api_util.h"
#include "server/srv.h"

/* "objective", "factors" and "out_of_region" are the scenario's own fields
 * (docs/scenario-format.md): checked here by the scenario reader on a
 * one-site scenario, so a bad one is refused at once with its field named
 * instead of failing the job later. Returns nonzero after replying. */
static int check_accounting(struct mb_req *r, json_t *b, const char *from, const char *to)
{
    static const char *const passed[] = { "objective", "factors", "out_of_region" };
    json_t *scn = json_pack("{s:s,s:{s:s,s:s},s:[{s:s,s:s,s:s,s:[s]}]}", "format",
                            MB_SCENARIO_FORMAT, "horizon", "from", from, "to", to, "sites",
                            "id", "x", "kind", "quarry", "municipality", "5001", "offers", "*");
    bool any = false;
    for (size_t k = 0; k < 3; k++) {
        json_t *v = json_object_get(b, passed[k]);
        if (v) {
            json_object_set(scn, passed[k], v);
            any = true;
        }
    }
    int rc = 0;
    if (any) {
        char *text = mb_xjson_dumps(scn, JSON_COMPACT);
        struct mb_scenario s;
        struct mb_problems probs = { 0 };
        if (mb_scenario_parse(&s, text, strlen(text), &probs) != 0) {
            mb_reply_problems(r, &probs);
            mb_problems_release(&probs);
            rc = 1;
        } else {
            mb_scenario_release(&s);
        }
        free(text);
    }
    json_decref(scn);
    return rc;
}

void mb_api_plans_create(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r) || !mb_api_require(r, MB_ACT_PLAN))
        return;
    static const char *const keys[] = { "name", "from", "to", "municipalities", "bbox",
                                         "co2_price_nok_per_t", "objective", "factors",
                                         "out_of_region", "candidates", "max_open", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *name = "", *from, *to;
    struct mb_error err;
    int f, t;
    if (mb_api_str(r, b, "name", false, 127, &name) ||
        mb_api_str(r, b, "from", true, 7, &from) || mb_api_str(r, b, "to", true, 7, &to))
        goto done;
    if (mb_month_parse(from, &f, "from", &err) || mb_month_parse(to, &t, "to", &err)) {
        mb_reply_mb_error(r, &err);
        goto done;
    }
    if (t < f) {
        mb_reply_error(r, 400, "invalid", "to", "ends before from");
        goto done;
    }
    if (t - f + 1 > 120) {
        mb_reply_error(r, 400, "invalid", "to", "a regional plan covers at most 120 months");
        goto done;
    }
    json_t *munis = json_object_get(b, "municipalities"), *bbox = json_object_get(b, "bbox");
    if (!munis == !bbox) {
        mb_reply_error(r, 400, "invalid", "municipalities",
                       "give the region as municipalities (codes) or bbox, one of them");
        goto done;
    }
    if (munis) {
        if (!json_is_array(munis) || json_array_size(munis) == 0 ||
            json_array_size(munis) > 100) {
            mb_reply_error(r, 400, "invalid", "municipalities",
                           "must be a list of 1 to 100 municipality codes");
            goto done;
        }
        size_t i;
        json_t *m;
        json_array_foreach(munis, i, m) {
            const char *c = json_string_value(m);
            bool ok = c && strlen(c) == 4;
            for (int k = 0; ok && k < 4; k++)
                ok = c[k] >= '0' && c[k] <= '9';
            if (!ok) {
                char field[40];
                snprintf(field, sizeof field, "municipalities[%zu]", i);
                mb_reply_error(r, 400, "invalid", field, "must be a 4-digit municipality code");
                goto done;
            }
        }
    } else {
        bool ok = json_is_array(bbox) && json_array_size(bbox) == 4;
        double v[4] = { 0 };
        for (size_t i = 0; ok && i < 4; i++) {
            ok = json_is_number(json_array_get(bbox, i));
            v[i] = ok ? json_number_value(json_array_get(bbox, i)) : 0;
        }
        if (!ok || v[0] >= v[2] || v[1] >= v[3] || v[1] < 57 || v[3] > 72 || v[0] < 2 ||
            v[2] > 33) {
            mb_reply_error(r, 400, "invalid", "bbox",
                           "must be [min_lon, min_lat, max_lon, max_lat] inside Norway, "
                           "min below max");
            goto done;
        }
    }
    json_t *price = json_object_get(b, "co2_price_nok_per_t");
    if (price && (!json_is_number(price) || json_number_value(price) < 0 ||
                  json_number_value(price) > 100000)) {
        mb_reply_error(r, 400, "invalid", "co2_price_nok_per_t",
                       "must be a number from 0 to 100000 NOK per tonne");
        goto done;
    }
    if (check_accounting(r, b, from, to))
        goto done;
    /* The siting question (docs/siting.md): candidates checked as the
     * candidates file is, each problem under its field. */
    struct mb_problems probs;
    if (mb_report_siting_check(b, &probs)) {
        mb_reply_problems(r, &probs);
        mb_problems_release(&probs);
        goto done;
    }
    mb_problems_release(&probs);
    int64_t job_id;
    if (mb_market_region_plan_queue(r->st, &r->user, b, &job_id, &err) != 0) {
        mb_reply_mb_error(r, &err);
        goto done;
    }
    mb_jobs_notify(r->srv);
    snprintf(r->location, sizeof r->location, "/api/jobs/%lld", (long long)job_id);
    mb_reply_json(r, 202, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)job_id, "state",
                                    "queued", "url", r->location, "message", "queued"));
done:
    json_decref(b);
}

void mb_api_job_get(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    struct mb_job job;
    struct mb_error err;
    if (mb_market_region_plan_job(r->st, &r->user, id, &job, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    char url[64];
    snprintf(url, sizeof url, "/api/jobs/%lld", (long long)id);
    json_t *out = json_pack("{s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)job.id, "state",
                            mb_job_state_name(job.state), "url", url, "message", job.message,
                            "created", mb_api_time(job.created));
    json_object_set_new(out, "finished", job.finished ? mb_api_time(job.finished) : json_null());
    /* The message's words, for the reader's language (docs/api.md). */
    json_t *words = job.words ? json_loads(job.words, 0, NULL) : NULL;
    json_t *key = json_object_get(words, "key"), *params = json_object_get(words, "params");
    json_object_set(out, "message_key", json_is_string(key) ? key : json_null());
    json_object_set_new(out, "message_params", json_is_array(params) ? json_incref(params)
                                                                      : json_array());
    json_decref(words);
    json_t *req = job.request ? json_loads(job.request, 0, NULL) : NULL;
    json_object_set_new(out, "request", req ? req : json_null());
    json_t *res = job.result ? json_loads(job.result, 0, NULL) : NULL;
    json_object_set_new(out, "result", res ? res : json_null());
    mb_job_release(&job);
    mb_reply_json(r, 200, out);
}

void mb_api_plans_list(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    json_t *out;
    struct mb_error err;
    if (mb_market_region_plans_json(r->st, &r->user, &out, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    mb_reply_json(r, 200, out);
}

/* GET /api/plans/{id}/siting?format=pdf|html[&lang=nb|en]: the plan's
 * siting answer as a document (report/siting_doc.h). 404 "id" for a plan
 * the caller may not see, 404 "siting" for one without an answer. */
void mb_api_plan_siting(struct mb_req *r, int64_t id)
{
    static const char *const allowed[] = { "format", "lang", NULL };
    if (mb_req_check_query(r, allowed) || !mb_req_signed_in(r))
        return;
    bool pdf;
    const char *lang;
    if (mb_api_doc_query(r, &pdf, &lang))
        return;
    struct mb_job job;
    struct mb_error err;
    if (mb_market_region_plan_job(r->st, &r->user, id, &job, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    json_t *res = job.result ? json_loads(job.result, 0, NULL) : NULL;
    json_t *req = job.request ? json_loads(job.request, 0, NULL) : NULL;
    mb_job_release(&job);
    json_t *siting = json_object_get(res, "siting");
    if (!siting) {
        mb_reply_error(r, 404, "not_found", "siting", "plan %lld has no siting answer: it "
                       "gave no candidates, or it is not done", (long long)id);
        goto out;
    }
    char today[16];
    mb_rdoc_today(today, sizeof today);
    char *data;
    size_t len;
    if (mb_siting_render(siting, lang, json_string_value(json_object_get(req, "name")), today,
                         pdf, &data, &len, &err) != 0) {
        mb_reply_mb_error(r, &err);
        goto out;
    }
    char name[64];
    snprintf(name, sizeof name, "plan-%lld-steder", (long long)id);
    mb_api_doc_reply(r, name, pdf, data, len);
out:
    json_decref(res);
    json_decref(req);
}
