/*
 * api_messages.c - conversations: GET/POST /api/listings/{id}/messages
 * (questions before a deal), GET/POST /api/deals/{id}/messages (the
 * deal's parties) and GET /api/messages (the inbox with unread counts).
 * The rules are market/messages.c's.
 */
#include <string.h>

#include "market/messages.h"
#include "server/api_util.h"
#include "server/srv.h"

/* {body, thread_id?} of a POST. */
static json_t *message_body(struct mb_req *r, bool with_thread, const char **body,
                            int64_t *thread_id)
{
    static const char *const keys[] = { "body", "thread_id", NULL };
    static const char *const keys_deal[] = { "body", NULL };
    json_t *b = mb_api_body(r, with_thread ? keys : keys_deal);
    if (!b)
        return NULL;
    json_t *v = json_object_get(b, "body");
    if (!json_is_string(v)) {
        mb_reply_error(r, 400, "invalid", "body", v ? "must be text" : "is required");
        json_decref(b);
        return NULL;
    }
    if (strlen(json_string_value(v)) != json_string_length(v)) {
        mb_reply_error(r, 400, "invalid", "body", "holds a NUL character");
        json_decref(b);
        return NULL;
    }
    *body = json_string_value(v);
    *thread_id = 0;
    json_t *t = json_object_get(b, "thread_id");
    if (t && (!json_is_integer(t) || json_integer_value(t) < 1)) {
        mb_reply_error(r, 400, "invalid", "thread_id", "must be a thread id (a whole number "
                       "above 0)");
        json_decref(b);
        return NULL;
    }
    if (t)
        *thread_id = json_integer_value(t);
    return b;
}

static bool plain_get(struct mb_req *r)
{
    static const char *const none[] = { NULL };
    return mb_req_check_query(r, none) == 0 && mb_req_signed_in(r);
}

void mb_api_listing_messages(struct mb_req *r, int64_t id)
{
    if (!plain_get(r))
        return;
    json_t *out;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_messages_listing_json(r->st, &r->user, id, &out, &err)) {
        mb_api_fail(r, &err);
        return;
    }
    mb_reply_json(r, 200, out);
}

void mb_api_listing_message_post(struct mb_req *r, int64_t id)
{
    if (!plain_get(r))
        return;
    const char *body;
    int64_t thread_id;
    json_t *b = message_body(r, true, &body, &thread_id);
    if (!b)
        return;
    json_t *out;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = mb_messages_post_listing(r->st, &r->user, id, thread_id, body, &out, &err);
    json_decref(b);
    if (rc) {
        mb_api_fail(r, &err);
        return;
    }
    mb_reply_json(r, 201, out);
}

void mb_api_deal_messages(struct mb_req *r, int64_t id)
{
    if (!plain_get(r))
        return;
    json_t *out;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_messages_deal_json(r->st, &r->user, id, &out, &err)) {
        mb_api_fail(r, &err);
        return;
    }
    mb_reply_json(r, 200, out);
}

void mb_api_deal_message_post(struct mb_req *r, int64_t id)
{
    if (!plain_get(r))
        return;
    const char *body;
    int64_t thread_id;
    json_t *b = message_body(r, false, &body, &thread_id);
    if (!b)
        return;
    json_t *out;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = mb_messages_post_deal(r->st, &r->user, id, body, &out, &err);
    json_decref(b);
    if (rc) {
        mb_api_fail(r, &err);
        return;
    }
    mb_reply_json(r, 201, out);
}

void mb_api_inbox(struct mb_req *r, int64_t id)
{
    (void)id;
    if (!plain_get(r))
        return;
    json_t *out;
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_messages_inbox_json(r->st, &r->user, &out, &err)) {
        mb_api_fail(r, &err);
        return;
    }
    mb_reply_json(r, 200, out);
}
