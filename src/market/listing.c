/*
 * listing.c - the rules of listings and facilities (see listing.h): the
 * status machine, who may see and change a site, and each write with its
 * audit entry in one transaction.
 */
#include "market/listing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "market/audit.h"

#define EPS_T 1e-6 /* tonnes below this are nothing (as MB_DEAL_EPS_T) */

enum mb_site_family mb_listing_family(enum mb_site_type t)
{
    return t == MB_TYPE_SUPPLY || t == MB_TYPE_NEED ? MB_FAMILY_LISTING : MB_FAMILY_FACILITY;
}

const char *mb_listing_entity(enum mb_site_family f)
{
    return f == MB_FAMILY_LISTING ? "listing" : "facility";
}

const char *mb_listing_plural(enum mb_site_family f)
{
    return f == MB_FAMILY_LISTING ? "listings" : "facilities";
}

enum mb_action mb_listing_action(enum mb_site_family f)
{
    return f == MB_FAMILY_LISTING ? MB_ACT_LISTING_WRITE : MB_ACT_FACILITY_WRITE;
}

bool mb_listing_visible(const struct mb_user *who, const struct mb_site_rec *rec)
{
    return rec->status == MB_STATUS_PUBLISHED || rec->status == MB_STATUS_RESERVED ||
           (who && (who->role == MB_ROLE_ADMIN || who->org_id == rec->org_id));
}

bool mb_listing_may_move(enum mb_status from, enum mb_status to)
{
    static const unsigned next[MB_STATUS_COUNT] = {
        [MB_STATUS_DRAFT] = 1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_CLOSED,
        [MB_STATUS_PUBLISHED] = 1u << MB_STATUS_DRAFT | 1u << MB_STATUS_RESERVED |
                                1u << MB_STATUS_CLOSED,
        [MB_STATUS_RESERVED] = 1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_CLOSED,
        [MB_STATUS_CLOSED] = 0,
    };
    if ((unsigned)from >= MB_STATUS_COUNT || (unsigned)to >= MB_STATUS_COUNT)
        return false;
    return from == to || ((next[from] >> to) & 1u);
}

int mb_listing_get(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                   int64_t id, struct mb_site_rec *out, struct mb_error *err)
{
    int rc = mb_store_site_get(st, id, out, err);
    if (rc)
        return rc;
    if (!mb_listing_visible(who, out)) {
        mb_site_rec_release(out);
        return mb_error_set(err, MB_ENOTFOUND, "id", "no site %lld", (long long)id);
    }
    if (mb_listing_family(out->type) != f) {
        mb_site_rec_release(out);
        return mb_error_set(err, MB_ENOTFOUND, "id", "site %lld is not one of the %s",
                            (long long)id, mb_listing_plural(f));
    }
    return 0;
}

/* `who` may change rec: role and organisation (or an administrator). */
static int may_change(const struct mb_user *who, const struct mb_site_rec *rec,
                      struct mb_error *err)
{
    int rc = mb_permit_check(who->role, mb_listing_action(mb_listing_family(rec->type)), err);
    if (rc)
        return rc;
    if (who->role != MB_ROLE_ADMIN && who->org_id != rec->org_id)
        return mb_error_set(err, MB_EFORBIDDEN, "id", "the site belongs to another organisation");
    return 0;
}

/* Read site id for a change by `who` inside the open transaction: visible,
 * of family f, changeable by who, at the expected version. */
static int load_for_change(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                           int64_t id, int64_t expect_version, struct mb_site_rec *out,
                           struct mb_error *err)
{
    int rc = mb_listing_get(st, who, f, id, out, err);
    if (rc)
        return rc;
    if ((rc = may_change(who, out, err)) == 0 && expect_version >= 0 &&
        expect_version != out->version)
        rc = mb_error_set(err, MB_ESTALE, "version",
                          "the site has changed (version %lld); load it again",
                          (long long)out->version);
    if (rc)
        mb_site_rec_release(out);
    return rc;
}

/* The site written and its entry appended; detail (borrowed) gets the
 * version. */
static int put_with_entry(struct mb_store *st, const struct mb_user *who,
                          struct mb_site_rec *rec, const char *action, json_t *detail,
                          struct mb_error *err)
{
    int rc = mb_store_site_put(st, rec, err);
    if (rc)
        return rc;
    json_object_set_new(detail, "version", json_integer(rec->version));
    return mb_audit_append(st, who, mb_listing_entity(mb_listing_family(rec->type)), rec->id,
                           action, detail, err);
}

int mb_listing_insert(struct mb_store *st, const struct mb_user *who, struct mb_site_rec *rec,
                      json_t *mark, struct mb_error *err)
{
    if (rec->status != MB_STATUS_DRAFT && rec->status != MB_STATUS_PUBLISHED)
        return mb_error_set(err, MB_EINVAL, "status", "a new site is draft or published");
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    rec->id = 0;
    json_t *doc = rec->doc ? json_loads(rec->doc, 0, NULL) : NULL;
    json_t *detail = json_pack("{s:s, s:o}", "status", mb_status_name(rec->status), "doc",
                               doc ? doc : json_null());
    if (mark)
        json_object_update(detail, mark);
    rc = put_with_entry(st, who, rec, "create", detail, err);
    json_decref(detail);
    return mb_store_end(st, rc, err);
}

int mb_listing_create(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                      enum mb_status status, struct mb_site_rec *rec, struct mb_error *err)
{
    int rc = mb_permit_check(who->role, mb_listing_action(f), err);
    if (rc)
        return rc;
    if (mb_listing_family(rec->type) != f)
        return mb_error_set(err, MB_EINVAL, "type", "a %s is not one of the %s",
                            mb_site_type_name(rec->type), mb_listing_plural(f));
    rec->org_id = who->org_id;
    rec->status = status;
    return mb_listing_insert(st, who, rec, NULL, err);
}

int mb_listing_update(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                      int64_t id, int64_t expect_version, struct mb_site_rec *rec,
                      struct mb_error *err)
{
    struct mb_site_rec old;
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = load_for_change(st, who, f, id, expect_version, &old, err)))
        return mb_store_end(st, rc, err);
    if (old.status == MB_STATUS_CLOSED)
        rc = mb_error_set(err, MB_ECONFLICT, "status", "a closed site cannot be changed");
    else if (rec->type != old.type)
        rc = mb_error_set(err, MB_ECONFLICT, "type", "a %s cannot become a %s; create a new one",
                          mb_site_type_name(old.type), mb_site_type_name(rec->type));
    if (rc == 0) {
        rec->id = old.id;
        rec->org_id = old.org_id;
        rec->status = old.status;
        /* What changed, field by field of the stored body. */
        json_t *before = old.doc ? json_loads(old.doc, 0, NULL) : NULL;
        json_t *after = rec->doc ? json_loads(rec->doc, 0, NULL) : NULL;
        json_t *detail = json_pack("{s:o}", "changed", mb_audit_diff(before, after));
        json_decref(before);
        json_decref(after);
        rc = put_with_entry(st, who, rec, "update", detail, err);
        json_decref(detail);
    }
    mb_site_rec_release(&old);
    return mb_store_end(st, rc, err);
}

/* Set the status of `rec` (read in this transaction) with its entry;
 * `extra` (borrowed, may be NULL) adds keys to the detail. */
static int move(struct mb_store *st, const struct mb_user *who, const struct mb_site_rec *rec,
                enum mb_status to, json_t *extra, struct mb_error *err)
{
    int rc = mb_store_site_set_status(st, rec->id, to, err);
    if (rc)
        return rc;
    json_t *detail = json_pack("{s:{s:s, s:s}}", "status", "from", mb_status_name(rec->status),
                               "to", mb_status_name(to));
    if (extra)
        json_object_update(detail, extra);
    rc = mb_audit_append(st, who, mb_listing_entity(mb_listing_family(rec->type)), rec->id,
                         "status", detail, err);
    json_decref(detail);
    return rc;
}

int mb_listing_set_status(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                          int64_t id, int64_t expect_version, enum mb_status to,
                          struct mb_site_rec *out, struct mb_error *err)
{
    if ((unsigned)to >= MB_STATUS_COUNT)
        return mb_error_set(err, MB_EINVAL, "status",
                            "unknown status; use draft, published, reserved or closed");
    struct mb_site_rec rec;
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    if ((rc = load_for_change(st, who, f, id, expect_version, &rec, err)))
        return mb_store_end(st, rc, err);
    if (!mb_listing_may_move(rec.status, to))
        rc = mb_error_set(err, MB_ECONFLICT, "status", "a %s site cannot become %s",
                          mb_status_name(rec.status), mb_status_name(to));
    else if (rec.status != to)
        rc = move(st, who, &rec, to, NULL, err);
    mb_site_rec_release(&rec);
    if (rc == 0)
        rc = mb_store_site_get(st, id, out, err);
    return mb_store_end(st, rc, err);
}

int mb_listing_follow_deals(struct mb_store *st, const struct mb_user *who,
                            const struct mb_site_rec *listing, int64_t deal_id,
                            double available_before, double available_t,
                            struct mb_error *err)
{
    enum mb_status to = listing->status;
    if (listing->status == MB_STATUS_PUBLISHED && available_t <= EPS_T)
        to = MB_STATUS_RESERVED;
    else if (listing->status == MB_STATUS_RESERVED && available_t > EPS_T &&
             available_before <= EPS_T)
        to = MB_STATUS_PUBLISHED;
    if (to == listing->status)
        return 0;
    json_t *extra = json_pack("{s:I, s:f}", "deal_id", (json_int_t)deal_id, "available_t",
                              round(available_t * 1000.0) / 1000.0);
    int rc = move(st, who, listing, to, extra, err);
    json_decref(extra);
    return rc;
}
