/*
 * api_alerts.c - saved searches and alerts: GET/POST
 * /api/saved-searches, DELETE /api/saved-searches/{id}, PUT
 * /api/alert-settings, GET /api/notifications, POST
 * /api/notifications/read, and the unsubscribe link of every alert mail
 * (GET shows whose it is, POST applies it; RFC 8058 one-click, no
 * sign-in: the token is the capability). The rules are market/alerts.c's.
 */
#include <string.h>

#include "market/alerts.h"
#include "server/api_util.h"
#include "server/srv.h"

static bool plain(struct mb_req *r)
{
    static const char *const none[] = { NULL };
    return mb_req_check_query(r, none) == 0 && mb_req_signed_in(r);
}

static void reply(struct mb_req *r, int rc, int status, json_t *out, struct mb_error *err)
{
    if (rc)
        mb_api_fail(r, err);
    else
        mb_reply_json(r, status, out);
}

void mb_api_saved_searches(struct mb_req *r, int64_t id)
{
    (void)id;
    if (!plain(r))
        return;
    json_t *out = NULL;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = mb_alerts_searches_json(r->st, &r->user, &out, &err);
    reply(r, rc, 200, out, &err);
}

void mb_api_saved_search_create(struct mb_req *r, int64_t id)
{
    (void)id;
    if (!plain(r) || mb_req_require_json(r) != 0)
        return;
    struct mb_problems probs = { 0 };
    json_t *out = NULL;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = mb_alerts_search_add(r->st, &r->srv->market, &r->user, r->body ? r->body : "",
                                  r->len, &out, &probs, &err);
    if (rc && probs.n > 0)
        mb_reply_problems(r, &probs);
    else
        reply(r, rc, 201, out, &err);
    mb_problems_release(&probs);
}

void mb_api_saved_search_delete(struct mb_req *r, int64_t id)
{
    if (!plain(r))
        return;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = mb_alerts_search_delete(r->st, &r->user, id, &err);
    reply(r, rc, 200, rc ? NULL : json_pack("{s:I}", "deleted", (json_int_t)id), &err);
}

void mb_api_alert_settings(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const keys[] = { "match_email", NULL };
    if (!plain(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *mode = NULL;
    if (mb_api_str(r, b, "match_email", true, 16, &mode) == 0) {
        struct mb_error err;
        mb_error_clear(&err);
        int rc = mb_alerts_set_match_email(r->st, &r->user, mode, &err);
        json_t *out = NULL;
        if (!rc)
            rc = mb_alerts_searches_json(r->st, &r->user, &out, &err);
        reply(r, rc, 200, out, &err);
    }
    json_decref(b);
}

void mb_api_notifications(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const q[] = { "limit", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r))
        return;
    int64_t limit = 50;
    const char *ql = mb_req_query(r, "limit");
    if (ql && (!mb_parse_i64(ql, &limit) || limit < 1 || limit > 200)) {
        mb_reply_error(r, 400, "invalid", "limit", "must be a whole number from 1 to 200");
        return;
    }
    json_t *out = NULL;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = mb_alerts_notifications_json(r->st, &r->user, (size_t)limit, &out, &err);
    reply(r, rc, 200, out, &err);
}

void mb_api_notifications_read(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const keys[] = { "ids", "all", NULL };
    if (!plain(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    json_t *ids = json_object_get(b, "ids"), *all = json_object_get(b, "all");
    int64_t list[200];
    size_t n = 0;
    if (all && !json_is_true(all)) {
        mb_reply_error(r, 400, "invalid", "all", "must be true (or left out)");
    } else if (!!all == !!ids) {
        mb_reply_error(r, 400, "invalid", "ids", "give the ids read, or all: true");
    } else if (ids && (!json_is_array(ids) || json_array_size(ids) == 0 ||
                       json_array_size(ids) > 200)) {
        mb_reply_error(r, 400, "invalid", "ids", "must be a list of 1 to 200 notification ids");
    } else {
        size_t i;
        json_t *v;
        bool ok = true;
        json_array_foreach(ids, i, v) {
            if (!json_is_integer(v) || json_integer_value(v) < 1) {
                mb_reply_error(r, 400, "invalid", "ids", "item %zu is not a notification id", i);
                ok = false;
                break;
            }
            list[n++] = json_integer_value(v);
        }
        if (ok) {
            json_t *out = NULL;
            struct mb_error err;
            mb_error_clear(&err);
            int rc = mb_alerts_mark_read(r->st, &r->user, list, n, &out, &err);
            reply(r, rc, 200, out, &err);
        }
    }
    json_decref(b);
}

void mb_api_unsubscribe(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const q[] = { "token", NULL };
    if (mb_req_check_query(r, q))
        return;
    const char *token = mb_req_query(r, "token");
    if (!token) {
        mb_reply_error(r, 400, "invalid", "token", "is required (the link in the mail)");
        return;
    }
    json_t *out = NULL;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = mb_alerts_unsubscribe(r->st, token, strcmp(r->method, "POST") == 0, &out, &err);
    reply(r, rc, 200, out, &err);
}
