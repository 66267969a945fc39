/*
 * api_suggest.c - suggestions from regional plans: GET /api/suggestions
 * (?state=open, the default, or all), POST /api/suggestions/{id}/accept
 * (one step to a reservation; {"hauler_org": id} optional) and
 * /dismiss. The rules are market/suggest.c's.
 */
#include <string.h>

#include "market/deal.h"
#include "market/suggest.h"
#include "server/api_util.h"
#include "server/srv.h"

void mb_api_suggestions(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const q[] = { "state", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r))
        return;
    const char *state = mb_req_query(r, "state");
    if (state && strcmp(state, "open") != 0 && strcmp(state, "all") != 0) {
        mb_reply_error(r, 400, "invalid", "state", "use open or all");
        return;
    }
    json_t *out = NULL;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_suggest_list_json(r->st, &r->user, !state || strcmp(state, "open") == 0, &out,
                             &err) != 0)
        mb_api_fail(r, &err);
    else
        mb_reply_json(r, 200, out);
}

static bool one(struct mb_req *r, int64_t id, struct mb_suggestion *g)
{
    struct mb_error err;
    if (mb_store_suggestion_get(r->st, id, g, &err) != 0) {
        mb_api_fail(r, &err);
        return false;
    }
    return true;
}

void mb_api_suggestion_accept(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    static const char *const keys[] = { "hauler_org", NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    int64_t hauler = 0;
    if (json_object_get(b, "hauler_org") &&
        mb_api_int(r, b, "hauler_org", 1, INT64_MAX, &hauler) != 0) {
        json_decref(b);
        return;
    }
    json_decref(b);
    struct mb_deal d;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_suggest_accept(r->st, &r->srv->market, &r->user, id, hauler, &d, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    struct mb_suggestion g;
    if (!one(r, id, &g))
        return;
    snprintf(r->location, sizeof r->location, "/api/deals/%lld", (long long)d.id);
    /* Less than suggested when the listing had less available: said. */
    mb_reply_json(r, 201, json_pack("{s:o, s:o, s:b}", "suggestion", mb_suggest_json(&g, &r->user),
                                    "deal", mb_deal_json(&d), "partial",
                                    d.amount_t < g.tonnes - 1e-3));
    mb_mailer_notify(r->srv);
}

void mb_api_suggestion_dismiss(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    json_t *b = mb_api_body(r, none);
    if (!b)
        return;
    json_decref(b);
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_suggest_dismiss(r->st, &r->user, id, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    struct mb_suggestion g;
    if (one(r, id, &g))
        mb_reply_json(r, 200, mb_suggest_json(&g, &r->user));
}
