/*
 * listing.c - the rules of listings and facilities (see listing.h): the
 * status machine, who may see and change a site, and each write with its
 * audit entry in one transaction.
 */
#include "market/listing.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/error.h"
#include "domain/boundary.h"

#include "market/audit.h"
#include "market/deal.h"

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
           mb_permit_owns(who, rec->org_id);
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

int mb_listing_get_visible(struct mb_store *st, const struct mb_user *who, int64_t id,
                           struct mb_site_rec *out, struct mb_error *err)
{
    int rc = mb_store_site_get(st, id, out, err);
    if (rc)
        return rc;
    if (!mb_listing_visible(who, out)) {
        mb_site_rec_release(out);
        return mb_error_set(err, MB_ENOTFOUND, "id", "no site %lld", (long long)id);
    }
    return 0;
}

int mb_listing_get(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                   int64_t id, struct mb_site_rec *out, struct mb_error *err)
{
    int rc = mb_listing_get_visible(st, who, id, out, err);
    if (rc)
        return rc;
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
    if (!mb_permit_owns(who, rec->org_id))
        return mb_error_set(err, MB_EFORBIDDEN, "id", "the site belongs to another organisation");
    return 0;
}

/* Deals on a listing that are still open (reserved or agreed). */
static int open_deals(struct mb_store *st, int64_t listing_id, size_t *n, struct mb_error *err)
{
    *n = 0;
    static const int open[] = { MB_DEAL_RESERVED, MB_DEAL_AGREED };
    for (size_t k = 0; k < 2; k++) {
        struct mb_deal *items;
        size_t m;
        int rc = mb_store_deal_list(st, listing_id, 0, open[k], &items, &m, err);
        if (rc)
            return rc;
        free(items);
        *n += m;
    }
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

int mb_listing_check_change(struct mb_store *st, const struct mb_user *who,
                            enum mb_site_family f, int64_t id, struct mb_error *err)
{
    struct mb_site_rec rec;
    int rc = load_for_change(st, who, f, id, -1, &rec, err);
    if (rc)
        return rc;
    if (rec.status == MB_STATUS_CLOSED)
        rc = mb_error_set(err, MB_ECONFLICT, "status", "a closed site cannot be changed");
    mb_site_rec_release(&rec);
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

/* An organisation that signed itself up publishes once an administrator
 * has verified it (market/joining.h); until then its sites are drafts. */
int mb_listing_may_publish(struct mb_store *st, int64_t org_id, struct mb_error *err)
{
    struct mb_org_status s;
    int rc = mb_store_org_status(st, org_id, &s, err);
    if (!rc && strcmp(s.state, "verified") != 0)
        rc = mb_error_set(err, MB_EFORBIDDEN, "status", "your organisation %s: save as a draft "
                          "until an administrator has approved it",
                          strcmp(s.state, "pending") == 0 ? "waits for approval"
                                                          : "was not approved");
    return rc;
}

int mb_listing_insert(struct mb_store *st, const struct mb_user *who, struct mb_site_rec *rec,
                      json_t *mark, struct mb_error *err)
{
    if (rec->status != MB_STATUS_DRAFT && rec->status != MB_STATUS_PUBLISHED)
        return mb_error_set(err, MB_EINVAL, "status", "a new site is draft or published");
    int rc = rec->status == MB_STATUS_PUBLISHED ? mb_listing_may_publish(st, rec->org_id, err) : 0;
    if (rc || (rc = mb_store_begin(st, err)))
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
    /* A listing keeps at least what is committed of it (reserved, agreed
     * or delivered), so a reservation never exceeds what is listed. */
    struct mb_listing_amounts a = { 0 };
    bool listing = mb_listing_family(old.type) == MB_FAMILY_LISTING;
    if (rc == 0 && listing && (rc = mb_store_listing_amounts(st, id, &a, err)) == 0 &&
        rec->amount_t < a.committed_t - MB_DEAL_EPS_T)
        rc = mb_error_set(err, MB_ECONFLICT, "amount", "%.3f t of this listing are reserved "
                          "or delivered; it cannot list less", a.committed_t);
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
        /* More or less left to reserve: the deal rule on the status; the
         * site is read again when it moved (its version did too). */
        enum mb_status now = rec->status;
        if (rc == 0 && listing)
            rc = mb_listing_follow_deals(st, who, rec, 0, old.amount_t - a.committed_t,
                                         rec->amount_t - a.committed_t, &now, err);
        if (rc == 0 && now != rec->status) {
            mb_site_rec_release(rec);
            rc = mb_store_site_get(st, id, rec, err);
        }
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
    size_t open = 0;
    if (!mb_listing_may_move(rec.status, to))
        rc = mb_error_set(err, MB_ECONFLICT, "status", "a %s site cannot become %s",
                          mb_status_name(rec.status), mb_status_name(to));
    else if ((to == MB_STATUS_DRAFT || to == MB_STATUS_CLOSED) && rec.status != to &&
             mb_listing_family(rec.type) == MB_FAMILY_LISTING &&
             (rc = open_deals(st, id, &open, err)) == 0 && open > 0)
        rc = open == 1
            ? mb_error_set(err, MB_ECONFLICT, "status", "a deal on this listing is open (reserved "
                           "or agreed); complete, decline or cancel it first")
            : mb_error_set(err, MB_ECONFLICT, "status", "%zu deals on this listing are open "
                           "(reserved or agreed); complete, decline or cancel them first", open);
    if (rc == 0 && rec.status != to && to == MB_STATUS_PUBLISHED)
        rc = mb_listing_may_publish(st, rec.org_id, err);
    if (rc == 0 && rec.status != to)
        rc = move(st, who, &rec, to, NULL, err);
    mb_site_rec_release(&rec);
    if (rc == 0)
        rc = mb_store_site_get(st, id, out, err);
    return mb_store_end(st, rc, err);
}

int mb_listing_follow_deals(struct mb_store *st, const struct mb_user *who,
                            const struct mb_site_rec *listing, int64_t deal_id,
                            double available_before, double available_t, enum mb_status *now,
                            struct mb_error *err)
{
    enum mb_status to = listing->status;
    if (listing->status == MB_STATUS_PUBLISHED && available_t <= MB_DEAL_EPS_T)
        to = MB_STATUS_RESERVED;
    else if (listing->status == MB_STATUS_RESERVED && available_t > MB_DEAL_EPS_T &&
             available_before <= MB_DEAL_EPS_T)
        to = MB_STATUS_PUBLISHED;
    if (now)
        *now = listing->status;
    if (to == listing->status)
        return 0;
    /* deal_id 0: the listing's own amount changed. */
    json_t *extra = json_pack("{s:o, s:f}", "deal_id",
                              deal_id ? json_integer(deal_id) : json_null(), "available_t",
                              round(available_t * 1000.0) / 1000.0);
    int rc = move(st, who, listing, to, extra, err);
    json_decref(extra);
    if (rc == 0 && now)
        *now = to;
    return rc;
}

/* ---- many sites at once: a large import in bounded batches -------------------
 *
 * One transaction for 10,000 sites held the write lock for seconds. Here
 * the sites are written MB_LISTING_BATCH at a time, each as a draft that
 * only its organisation sees, noted in site_staged with the status it is
 * to get; then the published ones are published, a batch at a time; then
 * the notes go. Another writer waits at most one batch. Any failure rolls
 * back what was written (each site deleted, with a "delete" entry), so
 * the import is all or nothing for everyone but the importing
 * organisation, which may glimpse its drafts while they are written.
 *
 * A crash leaves notes behind. The importer holds an flock on the file
 * "<db>.import-<batch>" while it works; mb_listing_recover_staged takes
 * that lock to tell a crashed import (the lock is free) from a running
 * one, and rolls the crashed one back. */

static bool staged_lock_path(struct mb_store *st, const char *batch, char *buf, size_t size)
{
    const char *db = mb_store_file(st);
    if (!db[0])
        return false;
    int n = snprintf(buf, size, "%s.import-%s", db, batch);
    return n > 0 && (size_t)n < size;
}

/* The site is still as this import wrote it: a draft at version 1 whose
 * only entry is the import's create entry of `batch`. The notes in
 * site_staged are not trusted on their own (anyone with the file can add
 * one): a site anyone else has touched, or another import wrote, is never
 * deleted or published by a recovery. */
static int untouched(struct mb_store *st, int64_t site_id, const char *batch, bool *yes,
                     struct mb_site_rec *rec, struct mb_error *err)
{
    *yes = false;
    int rc = mb_store_site_get(st, site_id, rec, err);
    if (rc)
        return rc;
    if (rec->status != MB_STATUS_DRAFT || rec->version != 1)
        return 0;
    struct mb_audit_entry *e;
    size_t n;
    rc = mb_store_audit_list(st, 0, 2, mb_listing_entity(mb_listing_family(rec->type)), site_id,
                             &e, &n, err);
    if (rc) {
        mb_site_rec_release(rec);
        return rc;
    }
    if (n == 1 && strcmp(e[0].action, "create") == 0 && e[0].detail) {
        json_t *d = json_loads(e[0].detail, 0, NULL);
        const char *b = json_string_value(json_object_get(d, "batch"));
        *yes = b && strcmp(b, batch) == 0;
        json_decref(d);
    }
    mb_audit_entries_free(e, n);
    return 0;
}

/* Delete one site the import wrote and its documents, each with an entry. */
static int delete_staged(struct mb_store *st, const struct mb_user *who,
                         const struct mb_site_rec *rec, const char *batch, struct mb_error *err)
{
    struct mb_document *docs;
    size_t nd;
    int rc = mb_store_document_list(st, rec->id, &docs, &nd, err);
    if (rc)
        return rc;
    rc = mb_store_site_delete(st, rec->id, err); /* its documents go with it */
    json_t *detail = json_pack("{s:s, s:b}", "batch", batch, "rolled_back", 1);
    for (size_t i = 0; rc == 0 && i < nd; i++)
        rc = mb_audit_append(st, who, "document", docs[i].id, "delete", detail, err);
    free(docs);
    if (rc == 0)
        rc = mb_audit_append(st, who, mb_listing_entity(mb_listing_family(rec->type)), rec->id,
                             "delete", detail, err);
    json_decref(detail);
    return rc;
}

/* Finish or undo the staged sites of `batch`, MB_LISTING_BATCH per
 * transaction. forward: publish those to be published (the import had
 * written every site, so it completes); otherwise delete them. Either
 * way only sites untouched since the import wrote them; the notes go. */
static int settle_staged(struct mb_store *st, const struct mb_user *who, const char *batch,
                         bool forward, size_t *deleted, struct mb_error *err)
{
    struct mb_staged *items;
    size_t n;
    int rc = mb_store_staged_list(st, batch, &items, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i += MB_LISTING_BATCH) {
        if ((rc = mb_store_begin(st, err)))
            break;
        for (size_t k = i; rc == 0 && k < n && k < i + MB_LISTING_BATCH; k++) {
            if (forward && items[k].status != MB_STATUS_PUBLISHED)
                continue;
            struct mb_site_rec rec;
            bool ours;
            if ((rc = untouched(st, items[k].site_id, batch, &ours, &rec, err)) == MB_ENOTFOUND) {
                rc = 0; /* gone already */
                continue;
            }
            if (rc)
                break; /* untouched released rec */
            if (ours && forward) {
                json_t *extra = json_pack("{s:s, s:b}", "batch", batch, "recovered", 1);
                rc = move(st, who, &rec, MB_STATUS_PUBLISHED, extra, err);
                json_decref(extra);
            } else if (ours) {
                rc = delete_staged(st, who, &rec, batch, err);
                if (rc == 0 && deleted)
                    (*deleted)++;
            }
            mb_site_rec_release(&rec);
        }
        rc = mb_store_end(st, rc, err);
        mb_store_let_writers_in(st);
    }
    free(items);
    if (rc == 0 && (rc = mb_store_begin(st, err)) == 0)
        rc = mb_store_end(st, mb_store_staged_clear(st, batch, err), err);
    return rc;
}

int mb_listing_recover_staged(struct mb_store *st, size_t *rolled_back, struct mb_error *err)
{
    *rolled_back = 0;
    struct mb_staged *items;
    size_t n;
    int rc = mb_store_staged_list(st, NULL, &items, &n, err);
    for (size_t i = 0; rc == 0 && i < n;) {
        size_t end = i;
        while (end < n && strcmp(items[end].batch, items[i].batch) == 0)
            end++;
        char path[4200];
        int fd = -1;
        if (staged_lock_path(st, items[i].batch, path, sizeof path)) {
            fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
            if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
                close(fd); /* its importer is at work */
                i = end;
                continue;
            }
        }
        /* Every site written (the notes are as many as the import had):
         * the import completes; else it is undone. A batch that cannot be
         * settled now keeps its notes for the next try. */
        bool forward = end - i == items[i].total;
        struct mb_error berr;
        (void)settle_staged(st, NULL, items[i].batch, forward, rolled_back, &berr);
        if (fd >= 0) {
            unlink(path);
            close(fd);
        }
        i = end;
    }
    free(items);
    return rc;
}

int mb_listing_insert_many(struct mb_store *st, const struct mb_user *who,
                           struct mb_site_rec *recs, size_t n, json_t *mark, size_t stop_after,
                           size_t *failed, struct mb_error *err)
{
    *failed = n;
    size_t recovered;
    int rc = mb_listing_recover_staged(st, &recovered, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (recs[i].status != MB_STATUS_DRAFT && recs[i].status != MB_STATUS_PUBLISHED)
            return mb_error_set(err, MB_EINVAL, "status", "a new site is draft or published");
    /* An organisation not yet approved imports drafts only. */
    for (size_t i = 0; i < n; i++)
        if (recs[i].status == MB_STATUS_PUBLISHED &&
            (rc = mb_listing_may_publish(st, recs[i].org_id, err)) != 0)
            return rc;
    unsigned char raw[12];
    char batch[25];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(batch, sizeof batch, raw, sizeof raw);
    char path[4200];
    int fd = -1;
    if (staged_lock_path(st, batch, path, sizeof path)) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB) != 0) {
            if (fd >= 0)
                close(fd);
            return mb_error_set(err, MB_EIO, "", "cannot make the import's lock file %s: %s",
                                path, MB_ERRNO_TEXT(errno));
        }
    }
    json_t *m = mark ? json_deep_copy(mark) : json_object();
    json_object_set_new(m, "batch", json_string(batch));
    size_t batches = 0;
    bool crashed = false; /* a test's crash (stop_after): nothing is cleaned up */
#define CRASH_POINT()                                                                          \
    if (stop_after && batches++ == stop_after) {                                               \
        crashed = true;                                                                        \
        rc = mb_error_set(err, MB_EINTERNAL, "", "stopped after %zu batches (a test's crash)", \
                          stop_after);                                                         \
        break;                                                                                 \
    }
    /* 1. Every site as a draft, noted with the status it is to get. */
    for (size_t i = 0; rc == 0 && i < n; i += MB_LISTING_BATCH) {
        CRASH_POINT()
        if ((rc = mb_store_begin(st, err)))
            break;
        for (size_t k = i; rc == 0 && k < n && k < i + MB_LISTING_BATCH; k++) {
            enum mb_status to = recs[k].status;
            recs[k].status = MB_STATUS_DRAFT;
            rc = mb_listing_insert(st, who, &recs[k], m, err);
            recs[k].status = to;
            if (rc == 0)
                rc = mb_store_staged_add(st, recs[k].id, batch, to, n, err);
            if (rc)
                *failed = k;
        }
        rc = mb_store_end(st, rc, err);
        mb_store_let_writers_in(st);
    }
    /* 2. The published ones published. From here on a failure (the
     * database failing) leaves the notes: every site is written, so the
     * import is completed, now or by the next recovery, not undone. */
    bool written = rc == 0;
    for (size_t i = 0; rc == 0 && i < n; i += MB_LISTING_BATCH) {
        CRASH_POINT()
        if ((rc = mb_store_begin(st, err)))
            break;
        for (size_t k = i; rc == 0 && k < n && k < i + MB_LISTING_BATCH; k++) {
            if (recs[k].status != MB_STATUS_PUBLISHED)
                continue;
            /* As the row is now: a colleague may have changed or closed
             * the draft meanwhile; then it stays as they left it. */
            struct mb_site_rec now;
            bool ours;
            if ((rc = untouched(st, recs[k].id, batch, &ours, &now, err)))
                break; /* untouched released now */
            if (ours) {
                json_t *extra = json_pack("{s:s}", "batch", batch);
                rc = move(st, who, &now, MB_STATUS_PUBLISHED, extra, err);
                json_decref(extra);
                if (rc == 0)
                    recs[k].version = now.version + 1;
            } else {
                recs[k].status = now.status;
                recs[k].version = now.version;
            }
            mb_site_rec_release(&now);
        }
        rc = mb_store_end(st, rc, err);
        mb_store_let_writers_in(st);
    }
    /* 3. Done: the notes go. */
    if (rc == 0 && (rc = mb_store_begin(st, err)) == 0)
        rc = mb_store_end(st, mb_store_staged_clear(st, batch, err), err);
    json_decref(m);
#undef CRASH_POINT
    if (rc && !written && !crashed) {
        struct mb_error ignored;
        if (settle_staged(st, who, batch, false, NULL, &ignored) == 0) {
            for (size_t i = 0; i < n; i++)
                recs[i].id = 0;
        }
    }
    if (rc && written && !crashed) {
        /* Complete it now if the database allows; else the next recovery
         * does (the lock file stays for it). */
        struct mb_error again;
        if (settle_staged(st, who, batch, true, NULL, &again) == 0)
            rc = 0;
    }
    if (fd >= 0) {
        /* A test's crash leaves the lock file, as a dead process would. */
        if (!crashed)
            unlink(path);
        close(fd);
    }
    return rc;
}

int mb_listing_place_municipalities(struct mb_store *st, size_t *placed, struct mb_error *err)
{
    *placed = 0;
    const struct mb_boundaries *b = mb_boundaries_shared(err);
    if (!b)
        return MB_EDATA;
    struct mb_site_pos *items;
    size_t n;
    int rc = mb_store_site_unplaced(st, &items, &n, err);
    if (rc || !n) {
        free(items);
        return rc;
    }
    if ((rc = mb_store_begin(st, err)) == 0) {
        for (size_t i = 0; i < n && !rc; i++) {
            char code[5];
            struct mb_point p = { items[i].lat, items[i].lon };
            mb_place_municipality(b, p, NULL, code, "municipality", err);
            if (!code[0])
                continue;
            rc = mb_store_site_set_municipality(st, items[i].id, code, err);
            if (!rc) {
                json_t *d = json_pack("{s:{s:s,s:s},s:s}", "municipality", "from", "", "to",
                                      code, "why", "derived from the position with the "
                                      "2024 municipality boundaries (Kartverket)");
                bool listing = items[i].type == MB_TYPE_SUPPLY || items[i].type == MB_TYPE_NEED;
                rc = mb_audit_append(st, NULL, listing ? "listing" : "facility", items[i].id,
                                     "place", d, err);
                json_decref(d);
            }
            if (!rc)
                (*placed)++;
        }
        rc = mb_store_end(st, rc, err);
    }
    if (rc)
        *placed = 0;
    free(items);
    return rc;
}
