/*
 * api_join.c - joining: POST /api/signup (an organisation signs itself
 * up), GET /api/signups and POST /api/organisations/{id}/verification
 * (an administrator approves or rejects), POST /api/invitations and
 * /api/invitations/accept (colleagues by e-mail), POST
 * /api/password-reset and /api/password-reset/confirm. The rules are
 * market/joining.c's.
 */
#include <string.h>

#include "market/joining.h"
#include "server/api_util.h"
#include "server/srv.h"

static bool no_query(struct mb_req *r)
{
    static const char *const none[] = { NULL };
    return mb_req_check_query(r, none) == 0;
}

static void done(struct mb_req *r, int rc, int status, json_t *out, struct mb_error *err)
{
    if (rc)
        mb_api_fail(r, err);
    else
        mb_reply_json(r, status, out);
}

void mb_api_signup(struct mb_req *r, int64_t id)
{
    (void)id;
    if (!no_query(r) || mb_req_require_json(r) != 0)
        return;
    struct mb_problems p = { 0 };
    json_t *out = NULL;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = mb_join_signup(r->st, r->body ? r->body : "", r->len, r->srv->base_url, &out, &p,
                            &err);
    if (rc && p.n > 0)
        mb_reply_problems(r, &p);
    else
        done(r, rc, 201, out, &err);
    mb_problems_release(&p);
    if (!rc)
        mb_mailer_notify(r->srv);
}

void mb_api_signups(struct mb_req *r, int64_t id)
{
    (void)id;
    if (!no_query(r) || !mb_req_signed_in(r))
        return;
    json_t *out = NULL;
    struct mb_error err;
    mb_error_clear(&err);
    int rc = mb_join_pending_json(r->st, &r->user, &out, &err);
    done(r, rc, 200, out, &err);
}

void mb_api_org_verification(struct mb_req *r, int64_t id)
{
    static const char *const keys[] = { "state", "note", NULL };
    if (!no_query(r) || !mb_req_signed_in(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *state = NULL, *note = NULL;
    if (mb_api_str(r, b, "state", true, 16, &state) == 0 &&
        mb_api_str(r, b, "note", false, 1000, &note) == 0) {
        json_t *out = NULL;
        struct mb_error err;
        mb_error_clear(&err);
        int rc = mb_join_decide(r->st, &r->user, id, state, note, r->srv->base_url, &out, &err);
        done(r, rc, 200, out, &err);
        if (!rc)
            mb_mailer_notify(r->srv);
    }
    json_decref(b);
}

void mb_api_invitation_create(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const keys[] = { "email", "role", NULL };
    if (!no_query(r) || !mb_req_signed_in(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *email = NULL, *role = NULL;
    if (mb_api_str(r, b, "email", true, 254, &email) == 0 &&
        mb_api_str(r, b, "role", true, 32, &role) == 0) {
        json_t *out = NULL;
        struct mb_error err;
        mb_error_clear(&err);
        int rc = mb_join_invite(r->st, &r->user, email, role, r->srv->base_url, &out, &err);
        done(r, rc, 201, out, &err);
        if (!rc)
            mb_mailer_notify(r->srv);
    }
    json_decref(b);
}

void mb_api_invitation_accept(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const keys[] = { "token", "name", "password", NULL };
    if (!no_query(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *token = NULL, *name = NULL, *password = NULL;
    if (mb_api_str(r, b, "token", true, 64, &token) == 0 &&
        mb_api_str(r, b, "name", true, 512, &name) == 0 &&
        mb_api_str(r, b, "password", true, 1024, &password) == 0) {
        struct mb_user u;
        struct mb_error err;
        mb_error_clear(&err);
        int rc = mb_join_accept(r->st, token, name, password, &u, &err);
        done(r, rc, 201, rc ? NULL : mb_api_user_json(&u), &err);
    }
    json_decref(b);
}

void mb_api_password_reset(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const keys[] = { "email", NULL };
    if (!no_query(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *email = NULL;
    if (mb_api_str(r, b, "email", true, 254, &email) == 0) {
        struct mb_error err;
        mb_error_clear(&err);
        int rc = mb_join_reset_request(r->st, email, r->srv->base_url, &err);
        /* The same answer whether or not the address has an account. */
        done(r, rc, 202, rc ? NULL : json_pack("{s:s}", "email", email), &err);
        if (!rc)
            mb_mailer_notify(r->srv);
    }
    json_decref(b);
}

void mb_api_password_reset_confirm(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const keys[] = { "token", "password", NULL };
    if (!no_query(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *token = NULL, *password = NULL;
    if (mb_api_str(r, b, "token", true, 64, &token) == 0 &&
        mb_api_str(r, b, "password", true, 1024, &password) == 0) {
        struct mb_error err;
        mb_error_clear(&err);
        int rc = mb_join_reset_confirm(r->st, token, password, &err);
        done(r, rc, 200, rc ? NULL : json_pack("{s:b}", "changed", 1), &err);
    }
    json_decref(b);
}
