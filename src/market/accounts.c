/*
 * accounts.c - organisations, users and documents written with their
 * audit entries (see accounts.h).
 */
#include "market/accounts.h"

#include "market/parties.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#include "market/audit.h"
#include "market/listing.h"
#include "market/parties.h"
#include "market/permit.h"

/* Write one entry of `entity` id with `detail` (consumed) after `rc`. */
static int audit(struct mb_store *st, const struct mb_user *who, const char *entity,
                 int64_t id, const char *action, json_t *detail, struct mb_error *err)
{
    int rc = mb_audit_append(st, who, entity, id, action, detail, err);
    json_decref(detail);
    return rc;
}

/* `who` may administer accounts (NULL: the system may). */
static int admin_only(const struct mb_user *who, struct mb_error *err)
{
    return who ? mb_permit_check(who->role, MB_ACT_ADMIN, err) : 0;
}

int mb_accounts_org_create(struct mb_store *st, const struct mb_user *who, struct mb_org *org,
                           struct mb_error *err)
{
    int rc = admin_only(who, err);
    if (rc || (rc = mb_store_begin(st, err)))
        return rc;
    if (rc)
        return rc;
    rc = mb_store_org_create(st, org, err);
    if (!rc)
        rc = audit(st, who, "organisation", org->id, "create",
                   json_pack("{s:s, s:s}", "name", org->name, "orgnr", org->orgnr), err);
    return mb_store_end(st, rc, err);
}

int mb_accounts_contact_set(struct mb_store *st, const struct mb_user *who,
                            struct mb_org_contact *c, struct mb_error *err)
{
    if (who && !mb_permit_owns(who, c->org_id))
        return mb_error_set(err, MB_EFORBIDDEN, "id", "only the organisation's own users and "
                            "administrators publish its contact");
    struct mb_org org;
    int rc = mb_store_org_get(st, c->org_id, &org, err);
    if (rc || (rc = mb_contact_check(c, err)) || (rc = mb_store_begin(st, err)))
        return rc;
    rc = mb_store_org_contact_put(st, c, err);
    if (!rc)
        rc = audit(st, who, "org_contact", c->org_id, "update",
                   json_pack("{s:s, s:s, s:s}", "name", c->name, "phone", c->phone, "email",
                             c->email), err);
    return mb_store_end(st, rc, err);
}

int mb_accounts_users_of(struct mb_store *st, const struct mb_user *who, int64_t org_id,
                         struct mb_user **items, size_t *n, struct mb_error *err)
{
    if (!mb_permit_owns(who, org_id))
        return mb_error_set(err, MB_EFORBIDDEN, "id", "only the organisation's own users and "
                            "administrators see its users");
    struct mb_org org;
    int rc = mb_store_org_get(st, org_id, &org, err);
    return rc ? rc : mb_store_user_list(st, org_id, items, n, err);
}

int mb_accounts_user_create(struct mb_store *st, const struct mb_user *who,
                            struct mb_user *user, const char *hash, struct mb_error *err)
{
    int rc = admin_only(who, err);
    if (rc || (rc = mb_store_begin(st, err)))
        return rc;
    if (rc)
        return rc;
    rc = mb_store_user_create(st, user, hash, err);
    if (!rc)
        rc = audit(st, who, "user", user->id, "create",
                   json_pack("{s:s, s:s, s:s, s:I}", "email", user->email, "name", user->name,
                             "role", mb_role_name(user->role), "org_id",
                             (json_int_t)user->org_id), err);
    return mb_store_end(st, rc, err);
}

int mb_accounts_document_add(struct mb_store *st, const struct mb_user *who,
                             enum mb_site_family f, struct mb_document *d,
                             struct mb_error *err)
{
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    rc = mb_listing_check_change(st, who, f, d->site_id, err);
    if (!rc)
        rc = mb_store_document_add(st, d, err);
    if (!rc)
        rc = audit(st, who, "document", d->id, "attach",
                   json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "site_id",
                             (json_int_t)d->site_id, "name", d->name, "mime", d->mime,
                             "sha256", d->sha256, "size", (json_int_t)d->size, "kind",
                             d->kind[0] ? d->kind : "other"), err);
    return mb_store_end(st, rc, err);
}

int mb_accounts_user_set_role(struct mb_store *st, const struct mb_user *who, int64_t id,
                              enum mb_role role, struct mb_user *out, struct mb_error *err)
{
    int rc = mb_permit_check(who->role, MB_ACT_ADMIN, err);
    if (rc)
        return rc;
    if (who->id == id)
        return mb_error_set(err, MB_ECONFLICT, "id", "an administrator cannot change their own "
                            "role; ask another administrator");
    if ((unsigned)role >= MB_ROLE_COUNT)
        return mb_error_set(err, MB_EINVAL, "role", "is not a known role");
    if ((rc = mb_store_begin(st, err)))
        return rc;
    struct mb_user u;
    if ((rc = mb_store_user_get(st, id, &u, err)) == 0 && u.role != role) {
        rc = mb_store_user_set_role(st, id, role, err);
        if (!rc)
            rc = audit(st, who, "user", id, "role",
                       json_pack("{s:{s:s, s:s}}", "role", "from", mb_role_name(u.role), "to",
                                 mb_role_name(role)), err);
        u.role = role;
    }
    if (!rc)
        *out = u;
    return mb_store_end(st, rc, err);
}

int mb_accounts_password_change(struct mb_store *st, const struct mb_user *who,
                                const char *current, const char *password,
                                const char *keep_token_hash, struct mb_error *err)
{
    struct mb_user u;
    char stored[MB_AUTH_HASH_SIZE], hash[MB_AUTH_HASH_SIZE];
    int rc = mb_store_user_by_email(st, who->email, &u, stored, sizeof stored, err);
    if (rc)
        return rc;
    if (u.id != who->id || !mb_auth_check_password(stored, current))
        return mb_error_set(err, MB_EFORBIDDEN, "current_password", "is not your password");
    if ((rc = mb_auth_hash_password(password, hash, err)))
        return rc;
    if ((rc = mb_store_begin(st, err)))
        return rc;
    rc = mb_store_user_set_password(st, who->id, hash, keep_token_hash, err);
    if (!rc)
        rc = audit(st, who, "user", who->id, "password",
                   json_pack("{s:b, s:b}", "changed", 1, "other_sessions_ended", 1), err);
    return mb_store_end(st, rc, err);
}

int mb_accounts_sign_in(struct mb_store *st, const char *email, const char *password,
                        int hours, char token[MB_AUTH_TOKEN_SIZE], int64_t *expires,
                        struct mb_user *user, bool *accepted, bool *user_known,
                        struct mb_error *err)
{
    *accepted = *user_known = false;
    char hash[MB_AUTH_HASH_SIZE];
    int rc = mb_store_user_by_email(st, email, user, hash, sizeof hash, err);
    if (rc == MB_ENOTFOUND) {
        *accepted = mb_auth_check_nobody(password);
        return 0;
    }
    if (rc)
        return rc;
    *user_known = true;
    if (!mb_auth_check_password(hash, password))
        return 0;
    char th[MB_AUTH_TOKEN_HASH_SIZE];
    mb_auth_new_token(token);
    mb_auth_token_hash(token, th);
    *expires = (int64_t)time(NULL) + (int64_t)hours * 3600;
    if ((rc = mb_store_token_add(st, th, user->id, *expires, err)))
        return rc;
    *accepted = true;
    return 0;
}

int mb_accounts_sign_out(struct mb_store *st, const char *token_hash, struct mb_error *err)
{
    return mb_store_token_delete(st, token_hash, err);
}

int mb_accounts_sign_out_everywhere(struct mb_store *st, const struct mb_user *who,
                                    int *ended, struct mb_error *err)
{
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    rc = mb_store_token_delete_user(st, who->id, ended, err);
    if (!rc)
        rc = audit(st, who, "user", who->id, "sign_out_everywhere",
                   json_pack("{s:i}", "sessions_ended", *ended), err);
    return mb_store_end(st, rc, err);
}

int mb_accounts_user_unlocked(struct mb_store *st, int64_t user_id, int64_t ended,
                              struct mb_error *err)
{
    struct mb_user u;
    int rc = mb_store_user_get(st, user_id, &u, err);
    if (rc)
        return rc;
    char when[32] = "";
    time_t t = (time_t)ended;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return audit(st, NULL, "user", user_id, "unlocked",
                 json_pack("{s:s, s:s}", "email", u.email, "lock_ended", when), err);
}

int mb_accounts_user_locked(struct mb_store *st, const struct mb_user *user, int failures,
                            int seconds, const char *client, struct mb_error *err)
{
    return audit(st, NULL, "user", user->id, "locked",
                 json_pack("{s:s, s:i, s:i, s:s}", "email", user->email, "failed_sign_ins",
                           failures, "locked_s", seconds, "client", client ? client : ""),
                 err);
}
