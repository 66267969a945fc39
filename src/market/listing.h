/*
 * listing.h - the rules of the market's sites: listings (supplies and
 * needs) and facilities (landfills, storage, plants, quarries). Who may
 * see, create and change one, the status machine, and every write with
 * its audit entry (market/audit.h) in one transaction. The server, the
 * spreadsheet importer, the demo seed and the deal rules all go through
 * here, so a site's status has one owner (docs/deals.md).
 *
 * Status: a new site is draft or published. draft -> published | closed;
 * published -> draft | reserved | closed; reserved -> published | closed;
 * closed is final and a closed site cannot be edited. Setting the status
 * a site already has changes nothing and writes no entry.
 *
 * Ownership: only users of the owning organisation whose role may write
 * the family (market/permit.h), or an administrator, change a site. A
 * draft or closed site is seen only by them; to anybody else it does not
 * exist (MB_ENOTFOUND, the same words as a missing one).
 *
 * Functions return 0 or an MB_E* code with the field to blame in err; on
 * error nothing was written.
 */
#ifndef MB_MARKET_LISTING_H
#define MB_MARKET_LISTING_H

#include <jansson.h>
#include <stdbool.h>

#include "market/market.h"
#include "market/permit.h"

/* The family of a site type, its audit entity ("listing", "facility"),
 * its path word ("listings", "facilities") and the action writing it. */
enum mb_site_family mb_listing_family(enum mb_site_type t);
const char *mb_listing_entity(enum mb_site_family f);
const char *mb_listing_plural(enum mb_site_family f);
enum mb_action mb_listing_action(enum mb_site_family f);

/* The user (NULL: nobody signed in) may see the site. */
bool mb_listing_visible(const struct mb_user *who, const struct mb_site_rec *rec);

/* `from` -> `to` is a step of the status machine (or no step at all). */
bool mb_listing_may_move(enum mb_status from, enum mb_status to);

/* The site `id` of either family as `who` sees it: MB_ENOTFOUND naming
 * "id" when it is missing or hidden. */
/* An organisation that signed itself up publishes once an administrator
 * has verified it (market/joining.h): MB_EFORBIDDEN naming "status" while
 * it waits or after it was rejected. */
int mb_listing_may_publish(struct mb_store *st, int64_t org_id, struct mb_error *err);

int mb_listing_get_visible(struct mb_store *st, const struct mb_user *who, int64_t id,
                           struct mb_site_rec *out, struct mb_error *err);

/* The site `id` of family f as `who` sees it (NULL: nobody signed in):
 * MB_ENOTFOUND naming "id" when it is missing, hidden or of the other
 * family. *out is owned by the caller (mb_site_rec_release). */
int mb_listing_get(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                   int64_t id, struct mb_site_rec *out, struct mb_error *err);

/* `who` may change site `id` of family f now: it is visible to who, who's
 * role and organisation may change it, and it is not closed (the errors
 * of an update). Reads only; a writer that depends on it checks again in
 * its own transaction (documents: mb_accounts_document_add). */
int mb_listing_check_change(struct mb_store *st, const struct mb_user *who,
                            enum mb_site_family f, int64_t id, struct mb_error *err);

/* Insert a new site (validated by mb_market_parse_site, with org_id and
 * a status of draft or published set) and its "create" audit entry,
 * recording the status, the stored body and the version. `mark`
 * (borrowed, may be NULL) adds keys to the entry's detail, e.g.
 * {"import": true}. `who` NULL is the system. Joins the caller's write
 * transaction (mb_store_begin), or makes its own. No role check: it is
 * for the importer and the seed, which check their own; users go through
 * mb_listing_create. rec->id, version etc. are set. */
int mb_listing_insert(struct mb_store *st, const struct mb_user *who, struct mb_site_rec *rec,
                      json_t *mark, struct mb_error *err);

/* Sites a large import writes per transaction (mb_listing_insert_many). */
#define MB_LISTING_BATCH 32

/* Insert recs[0..n) (each as for mb_listing_insert, with the status it is
 * to have: draft or published) all or nothing, in transactions of at most
 * MB_LISTING_BATCH sites, so that other writers wait at most one batch:
 * every site first as a draft noted in site_staged, then the published
 * ones published (each only if still untouched: a colleague's change to
 * the draft meanwhile stands), then the notes removed. A failure while
 * the sites are written deletes what was written (each with a "delete"
 * entry) and every id is 0; *failed is the index of the site whose write
 * failed (n when none did); once every site is written the import is
 * completed, if not now then by the next recovery. `mark`
 * (borrowed) is added to each create entry's detail, with "batch". A
 * crashed import is rolled back first (mb_listing_recover_staged).
 * stop_after > 0 stops after that many batches (of writing, then of
 * publishing) as a crash would, for tests: the notes stay. */
int mb_listing_insert_many(struct mb_store *st, const struct mb_user *who,
                           struct mb_site_rec *recs, size_t n, json_t *mark, size_t stop_after,
                           size_t *failed, struct mb_error *err);

/* Settle large imports a crash left (their importer's lock on
 * "<db>.import-<batch>" is free): one whose every site was written is
 * completed (the published ones published); one cut short is undone (its
 * sites and their documents deleted, each with an entry by the system).
 * Only sites still as the import wrote them are touched - a draft at
 * version 1 whose one entry is that import's create - so a note added to
 * site_staged by hand cannot delete or publish anything else. A batch
 * that cannot be settled keeps its notes for the next try. *rolled_back
 * counts the sites deleted. */
int mb_listing_recover_staged(struct mb_store *st, size_t *rolled_back, struct mb_error *err);

/* Give every site without a municipality the one its position lies in
 * (domain/boundary.h; sites written before the store knew boundaries,
 * schema 6), each with an audit entry "place" by the system, in one
 * transaction. Sites abroad or far out at sea stay without one. *placed
 * counts the sites changed. Run at start-up; a second run changes
 * nothing. */
int mb_listing_place_municipalities(struct mb_store *st, size_t *placed, struct mb_error *err);

/* Create rec (validated, of family f) as `who`, owned by who's
 * organisation, with status `status` (draft or published; MB_EINVAL
 * naming "status" otherwise). MB_EFORBIDDEN when the role may not. */
int mb_listing_create(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                      enum mb_status status, struct mb_site_rec *rec, struct mb_error *err);

/* Replace the body of site `id` (family f) with rec (validated) as `who`.
 * expect_version >= 0 must equal the stored version (MB_ESTALE naming
 * "version"). A closed site, a change of type, or a listing's amount
 * below what is reserved or delivered of it is MB_ECONFLICT. A listing's
 * status then follows its amount (mb_listing_follow_deals). The entry's
 * detail names the changed fields. On success rec holds the stored site
 * (id, organisation, status, version). */
int mb_listing_update(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                      int64_t id, int64_t expect_version, struct mb_site_rec *rec,
                      struct mb_error *err);

/* Move site `id` (family f) to status `to` as `who` (the same checks as
 * an update; a step outside the machine, or a listing with open deals
 * (reserved or agreed) made draft or closed, is MB_ECONFLICT naming
 * "status"). *out is the site after the change. */
int mb_listing_set_status(struct mb_store *st, const struct mb_user *who, enum mb_site_family f,
                          int64_t id, int64_t expect_version, enum mb_status to,
                          struct mb_site_rec *out, struct mb_error *err);

/* The deal rules' part of the status (in the caller's write transaction,
 * after deal `deal_id` changed what is committed of `listing`, or 0 when
 * the listing's own amount changed): a
 * published listing with nothing left available becomes reserved; a
 * reserved one becomes published again when amount frees, but only one
 * that deals had reserved (available_before, what was available before
 * the change, was nothing): a listing its owner reserved by hand while
 * amount was left stays reserved. `available_t` is what is available
 * now. With its audit entry when the status changes; *now (may be NULL)
 * is the status after. */
int mb_listing_follow_deals(struct mb_store *st, const struct mb_user *who,
                            const struct mb_site_rec *listing, int64_t deal_id,
                            double available_before, double available_t, enum mb_status *now,
                            struct mb_error *err);

#endif
