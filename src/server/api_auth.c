/*
 * api_auth.c - signing in and out, the signed-in user, organisations and
 * users. Only administrators create organisations and users; a user sees
 * the users of their own organisation.
 */
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/text.h"
#include "market/auth.h"
#include "market/accounts.h"
#include "market/joining.h"
#include "domain/orgnr.h"
#include "server/api_util.h"
#include "server/srv.h"
#include "market/parties.h"

/* An organisation; "contact" null here (GET of one fills it in). */
static json_t *org_json(const struct mb_org *o)
{
    return json_pack("{s:I, s:s, s:s, s:o, s:n}", "id", (json_int_t)o->id, "name", o->name,
                     "orgnr", o->orgnr, "created", mb_api_time(o->created), "contact");
}

json_t *mb_api_user_json(const struct mb_user *u)
{
    return json_pack("{s:I, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)u->id, "org_id",
                     (json_int_t)u->org_id, "email", u->email, "name", u->name, "role",
                     mb_role_name(u->role), "created", mb_api_time(u->created));
}

/* Audit the ends of locks the limiter reports (limiter.c): any sign-in or
 * password change reports those that ended since the last one. */
static bool report_lock_ends(struct mb_req *r, double now)
{
    struct mb_limiter_end ends[16];
    size_t n;
    int64_t wall = (int64_t)time(NULL);
    while ((n = mb_limiter_ended(r->srv->limiter, now, ends, 16)) > 0)
        for (size_t i = 0; i < n; i++) {
            struct mb_error err;
            int rc = mb_accounts_user_unlocked(r->st, ends[i].user_id,
                                               wall - (int64_t)ends[i].ago, &err);
            if (rc && rc != MB_ENOTFOUND) { /* a deleted account has nothing to report */
                mb_reply_mb_error(r, &err);
                return false;
            }
        }
    return true;
}

/* 429 when `email` or this client has used up its attempts; else the
 * attempt is counted (mb_limiter_acquire) until it proves right. */
static bool limited(struct mb_req *r, const char *email, const char *field, double now)
{
    int wait = mb_limiter_acquire(r->srv->limiter, email, r->client, now);
    if (!wait)
        return false;
    snprintf(r->retry_after, sizeof r->retry_after, "%d", wait);
    mb_reply_error(r, 429, "too_many_attempts", field,
                   "too many failed attempts; try again in %d seconds", wait);
    return true;
}

/* Count a wrong password of `email` (user: the account, or NULL when no
 * account has it); a failure that locks an account is audited. */
static bool count_failure(struct mb_req *r, const char *email, const struct mb_user *user,
                          double now)
{
    int locked = mb_limiter_failed(r->srv->limiter, email, user ? user->id : 0, now);
    struct mb_error err;
    if (locked && user &&
        mb_accounts_user_locked(r->st, user, mb_limiter_max_per_email(), locked, r->client,
                                &err) != 0) {
        mb_reply_mb_error(r, &err);
        return false;
    }
    return true;
}

void mb_api_login(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    static const char *const keys[] = { "email", "password", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *email, *password;
    if (mb_api_str(r, b, "email", true, 128, &email) ||
        mb_api_str(r, b, "password", true, 256, &password)) {
        json_decref(b);
        return;
    }
    double now = mb_clock_seconds();
    if (!report_lock_ends(r, now) || limited(r, email, "email", now)) {
        json_decref(b);
        return;
    }
    struct mb_user u;
    char token[MB_AUTH_TOKEN_SIZE];
    int64_t expires;
    bool accepted, known;
    struct mb_error err;
    if (mb_accounts_sign_in(r->st, email, password, r->srv->cfg.token_hours, token, &expires,
                            &u, &accepted, &known, &err) != 0) {
        mb_reply_mb_error(r, &err);
        json_decref(b);
        return;
    }
    if (!accepted) {
        if (count_failure(r, email, known ? &u : NULL, now))
            mb_reply_error(r, 401, "unauthorized", "password", "wrong e-mail or password");
        json_decref(b);
        return;
    }
    mb_limiter_success(r->srv->limiter, email, r->client, now);
    json_decref(b);
    struct mb_org org;
    if (mb_store_org_get(r->st, u.org_id, &org, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, 200, json_pack("{s:s, s:s, s:o, s:o, s:o}", "token", token, "token_type",
                                    "Bearer", "expires", mb_api_time(expires), "user",
                                    mb_api_user_json(&u), "organisation", org_json(&org)));
}

void mb_api_logout_everywhere(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    struct mb_error err;
    int ended;
    if (mb_accounts_sign_out_everywhere(r->st, &r->user, &ended, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, 200, json_pack("{s:b, s:i}", "signed_out", 1, "sessions_ended", ended));
}

void mb_api_logout(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    struct mb_error err;
    if (mb_accounts_sign_out(r->st, r->token_hash, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, 200, json_pack("{s:b}", "signed_out", 1));
}

void mb_api_me(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    struct mb_org org;
    struct mb_error err;
    if (mb_store_org_get(r->st, r->user.org_id, &org, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    char state[12];
    if (mb_join_state(r->st, org.id, state, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    json_t *o = org_json(&org);
    json_object_set_new(o, "state", json_string(state));
    mb_reply_json(r, 200, json_pack("{s:o, s:o, s:o}", "user", mb_api_user_json(&r->user),
                                    "organisation", o, "may", mb_permit_json(r->user.role)));
}

void mb_api_orgs_list(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const q[] = { "role", NULL };
    if (mb_req_check_query(r, q))
        return;
    /* ?role=hauler: the organisations with a user of that role (the
     * reservation form picks its hauler by name from them). */
    const char *role = mb_req_query(r, "role");
    /* Where the administrators sit is nobody's business. */
    if (role && (mb_role_parse(role) < 0 || strcmp(role, "admin") == 0)) {
        mb_reply_error(r, 400, "invalid", "role", "'%.20s' is not a role organisations are "
                       "listed by (developer, contractor, hauler, operator, municipality)", role);
        return;
    }
    struct mb_org *items;
    size_t n;
    struct mb_error err;
    if (mb_store_org_list_role(r->st, role ? role : "", &items, &n, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, org_json(&items[i]));
    free(items);
    mb_reply_json(r, 200, json_pack("{s:o}", "organisations", a));
}

void mb_api_org_get(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    struct mb_org org;
    struct mb_error err;
    if (mb_store_org_get(r->st, id, &org, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    json_t *o = org_json(&org);
    /* Its published contact, for signed-in users (the public sees names). */
    json_t *p = mb_party_json(r->st, id, r->signed_in);
    json_object_set(o, "contact", json_object_get(p, "contact"));
    json_decref(p);
    mb_reply_json(r, 200, o);
}

/* PUT /api/organisations/{id}/contact: {name, phone, email}, each "" to
 * leave it out. */
void mb_api_org_contact(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    static const char *const keys[] = { "name", "phone", "email", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    struct mb_org_contact c = { .org_id = id };
    char *dst[3] = { c.name, c.phone, c.email };
    size_t cap[3] = { sizeof c.name, sizeof c.phone, sizeof c.email };
    for (int i = 0; i < 3; i++) {
        json_t *v = json_object_get(b, keys[i]);
        if (v && (!json_is_string(v) || json_string_length(v) >= cap[i] ||
                  strlen(json_string_value(v)) != json_string_length(v))) {
            mb_reply_error(r, 400, "invalid", keys[i], "must be text of at most %zu bytes "
                           "(\"\" leaves it out)", cap[i] - 1);
            json_decref(b);
            return;
        }
        mb_text_copy(dst[i], cap[i], v ? json_string_value(v) : "");
    }
    json_decref(b);
    struct mb_error err;
    mb_error_clear(&err);
    if (mb_accounts_contact_set(r->st, &r->user, &c, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    mb_reply_json(r, 200, mb_party_json(r->st, id, true));
}

void mb_api_orgs_create(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r) ||
        !mb_api_require(r, MB_ACT_ADMIN))
        return;
    static const char *const keys[] = { "name", "orgnr", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *name, *orgnr = "";
    if (mb_api_str(r, b, "name", true, 127, &name) ||
        mb_api_str(r, b, "orgnr", false, 15, &orgnr)) {
        json_decref(b);
        return;
    }
    if (!orgnr)
        orgnr = "";
    if (orgnr[0] && !mb_orgnr_valid(orgnr)) {
        mb_reply_error(r, 400, "invalid", "orgnr",
                       "must be a Norwegian organisation number: 9 digits with a valid check digit");
        json_decref(b);
        return;
    }
    struct mb_org org = { 0 };
    mb_text_copy(org.name, sizeof org.name, name);
    mb_text_copy(org.orgnr, sizeof org.orgnr, orgnr);
    json_decref(b);
    struct mb_error err;
    if (mb_accounts_org_create(r->st, &r->user, &org, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    snprintf(r->location, sizeof r->location, "/api/organisations/%lld", (long long)org.id);
    mb_reply_json(r, 201, org_json(&org));
}

void mb_api_org_users(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    struct mb_user *items;
    size_t n;
    struct mb_error err;
    if (mb_accounts_users_of(r->st, &r->user, id, &items, &n, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, mb_api_user_json(&items[i]));
    free(items);
    mb_reply_json(r, 200, json_pack("{s:o}", "users", a));
}

void mb_api_users_create(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r) ||
        !mb_api_require(r, MB_ACT_ADMIN))
        return;
    static const char *const keys[] = { "org_id", "email", "name", "role", "password", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *email, *name, *role, *password;
    int64_t org_id;
    if (mb_api_int(r, b, "org_id", 1, INT64_MAX, &org_id) ||
        mb_api_str(r, b, "email", true, 127, &email) ||
        mb_api_str(r, b, "name", true, 127, &name) ||
        mb_api_str(r, b, "role", true, 32, &role) ||
        mb_api_str(r, b, "password", true, 256, &password)) {
        json_decref(b);
        return;
    }
    const char *at = strchr(email, '@');
    if (!at || at == email || !strchr(at, '.') || strchr(email, ' ') || strchr(at + 1, '@')) {
        mb_reply_error(r, 400, "invalid", "email", "is not an e-mail address");
        json_decref(b);
        return;
    }
    int rl = mb_role_parse(role);
    if (rl < 0) {
        mb_reply_error(r, 400, "invalid", "role",
                       "unknown role; use developer, contractor, hauler, operator, "
                       "municipality or admin");
        json_decref(b);
        return;
    }
    struct mb_error err;
    char hash[MB_AUTH_HASH_SIZE];
    if (mb_auth_hash_password(password, hash, &err) != 0) {
        mb_reply_mb_error(r, &err);
        json_decref(b);
        return;
    }
    struct mb_user u = { 0 };
    u.org_id = org_id;
    u.role = (enum mb_role)rl;
    mb_text_copy(u.email, sizeof u.email, email);
    mb_text_copy(u.name, sizeof u.name, name);
    json_decref(b);
    if (mb_accounts_user_create(r->st, &r->user, &u, hash, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    snprintf(r->location, sizeof r->location, "/api/organisations/%lld/users",
             (long long)u.org_id);
    mb_reply_json(r, 201, mb_api_user_json(&u));
}

void mb_api_user_role(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    static const char *const keys[] = { "role", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *role;
    if (mb_api_str(r, b, "role", true, 32, &role)) {
        json_decref(b);
        return;
    }
    int rl = mb_role_parse(role);
    json_decref(b);
    if (rl < 0) {
        mb_reply_error(r, 400, "invalid", "role",
                       "unknown role; use developer, contractor, hauler, operator, "
                       "municipality or admin");
        return;
    }
    struct mb_user u;
    struct mb_error err;
    if (mb_accounts_user_set_role(r->st, &r->user, id, (enum mb_role)rl, &u, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, 200, mb_api_user_json(&u));
}

void mb_api_me_password(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    static const char *const keys[] = { "current_password", "password", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *current, *password;
    if (mb_api_str(r, b, "current_password", true, 256, &current) ||
        mb_api_str(r, b, "password", true, 256, &password)) {
        json_decref(b);
        return;
    }
    /* A stolen session must not become a way to guess the password: the
     * current password's failures count as sign-in failures. */
    double now = mb_clock_seconds();
    if (!report_lock_ends(r, now) || limited(r, r->user.email, "current_password", now)) {
        json_decref(b);
        return;
    }
    struct mb_error err;
    int rc = mb_accounts_password_change(r->st, &r->user, current, password, r->token_hash,
                                         &err);
    json_decref(b);
    if (rc == MB_EFORBIDDEN && strcmp(err.field, "current_password") == 0) {
        if (count_failure(r, r->user.email, &r->user, now))
            mb_reply_mb_error(r, &err);
        return;
    }
    /* The current password was right (or never checked): the slot goes
     * back, whatever became of the new one. */
    mb_limiter_success(r->srv->limiter, r->user.email, r->client, now);
    if (rc) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, 200, json_pack("{s:b, s:b}", "changed", 1, "other_sessions_ended", 1));
}
