/*
 * accounts.c - organisations, users and documents written with their
 * audit entries (see accounts.h).
 */
#include "market/accounts.h"

#include <jansson.h>

#include "market/audit.h"

/* Write one entry of `entity` id with `detail` (consumed) after `rc`. */
static int audit(struct mb_store *st, const struct mb_user *who, const char *entity,
                 int64_t id, const char *action, json_t *detail, struct mb_error *err)
{
    int rc = mb_audit_append(st, who, entity, id, action, detail, err);
    json_decref(detail);
    return rc;
}

int mb_accounts_org_create(struct mb_store *st, const struct mb_user *who, struct mb_org *org,
                           struct mb_error *err)
{
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    rc = mb_store_org_create(st, org, err);
    if (!rc)
        rc = audit(st, who, "organisation", org->id, "create",
                   json_pack("{s:s, s:s}", "name", org->name, "orgnr", org->orgnr), err);
    return mb_store_end(st, rc, err);
}

int mb_accounts_user_create(struct mb_store *st, const struct mb_user *who,
                            struct mb_user *user, const char *hash, struct mb_error *err)
{
    int rc = mb_store_begin(st, err);
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
                             struct mb_document *d, struct mb_error *err)
{
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    rc = mb_store_document_add(st, d, err);
    if (!rc)
        rc = audit(st, who, "document", d->id, "attach",
                   json_pack("{s:I, s:s, s:s, s:s, s:I}", "site_id", (json_int_t)d->site_id,
                             "name", d->name, "mime", d->mime, "sha256", d->sha256, "size",
                             (json_int_t)d->size), err);
    return mb_store_end(st, rc, err);
}
