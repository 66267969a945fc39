/*
 * custody.h - where a listing's masses went: the chain of custody of its
 * loads (each load, totals per destination, and for a storage site or a
 * plant what it sent on, attributed by mass balance) and the planned
 * amount against what was delivered (docs/deals.md, "Chain of custody").
 * The server's /api/listings/{id}/custody and /balance and the CLI's
 * `massebank custody` both answer from here.
 *
 * Who sees what: the listing's organisation, administrators and
 * municipalities see every load; a party of a deal sees its own deals'
 * loads; the balance is for the first group only (MB_EFORBIDDEN naming
 * "id" otherwise). `who` NULL is the system (the CLI): it sees all.
 */
#ifndef MB_MARKET_CUSTODY_H
#define MB_MARKET_CUSTODY_H

#include <jansson.h>
#include <stdbool.h>

#include "market/deal.h"

/* {id, title, type} of a site as `who` (NULL: anybody) may see it: title
 * and type are null when it is gone or hidden from who (a draft of
 * another organisation); null for id 0. New reference. */
json_t *mb_custody_site_ref(struct mb_store *st, const struct mb_user *who, int64_t id);

/* `who` sees every deal and load of the listing. */
bool mb_custody_sees_all(const struct mb_user *who, const struct mb_site_rec *listing);

/* The loads of the listing `who` may see, in deal and ticket order.
 * *loads is malloc'ed. */
int mb_custody_loads(struct mb_store *st, const struct mb_user *who,
                     const struct mb_site_rec *listing, struct mb_delivery **loads, size_t *n,
                     struct mb_error *err);

/* The chain of custody: {listing_id, title, material, loads: [...],
 * destinations: [{site, loads, confirmed_t, disputed_t, pending_t,
 * onward}], totals: {loads, confirmed_t, disputed_t, pending_t}}; onward
 * (storage and plants, else null) is {received_t, share, sent_t,
 * attributed_t, to: [{site, sent_t, attributed_t}]} from one pass over
 * the confirmed loads. *out is a new reference. */
int mb_custody_json(struct mb_store *st, const struct mb_user *who,
                    const struct mb_site_rec *listing, json_t **out, struct mb_error *err);

/* Planned against delivered (mb_deal_balance_json) with the listing's
 * committed, available and remaining tonnes. */
int mb_custody_balance_json(struct mb_store *st, const struct mb_user *who,
                            const struct mb_site_rec *listing, json_t **out,
                            struct mb_error *err);

#endif
