/*
 * deal.h - deals on listings and their deliveries (load tickets): the
 * market's rules on top of the store's rows (docs/deals.md).
 *
 * A deal is a reservation of part of a listing by another organisation:
 * reserved -> agreed (the listing's owner accepts) -> completed; reserved
 * -> declined (owner) or cancelled (reserver); agreed -> cancelled (either
 * party). Under an agreed deal the hauler registers loads; the receiver
 * confirms or disputes each.
 *
 * Committed tonnes of a listing = over reserved and agreed deals
 * max(amount, confirmed tonnes) + over completed, declined and cancelled
 * deals their confirmed tonnes. available = amount - committed; remaining
 * = amount - confirmed. A reservation larger than what is available is
 * refused (MB_ECONFLICT naming "amount"); the check and the insert are one
 * write transaction, so concurrent reservations cannot overbook.
 *
 * Every change appends an audit entry (market/audit.h) in the same
 * transaction. Functions return 0 or an MB_E* code and fill err with the
 * field to blame; on error nothing was written.
 */
#ifndef MB_MARKET_DEAL_H
#define MB_MARKET_DEAL_H

#include <jansson.h>
#include <stdbool.h>

#include "market/market.h"

/* Tonnes below this are treated as zero (rounding of unit conversions). */
#define MB_DEAL_EPS_T 1e-6

/* How a user stands to a deal (bit set). */
enum {
    MB_PARTY_OWNER = 1u << 0,     /* the listing's organisation */
    MB_PARTY_RESERVER = 1u << 1,  /* the reserving organisation */
    MB_PARTY_HAULER = 1u << 2,    /* the hauler organisation */
    MB_PARTY_ADMIN = 1u << 3,
    MB_PARTY_AUTHORITY = 1u << 4, /* a municipality: reads every deal */
    MB_PARTY_SITE = 1u << 5,      /* the operator of the facility the deal names
                                     (counterpart_site): reads the deal and
                                     receives the loads delivered there */
};
/* site_org: the organisation of the facility the deal names, 0 if none
 * (mb_deal_site_org). */
unsigned mb_deal_parties(const struct mb_deal *d, int64_t listing_org, int64_t site_org,
                         const struct mb_user *u);
/* The organisation operating the facility the deal names as its
 * counterpart site into *org (0 when it names none or a listing). */
int mb_deal_site_org(struct mb_store *st, const struct mb_deal *d, int64_t *org,
                     struct mb_error *err);
/* The parties (mb_deal_parties) may register loads under d: its hauler,
 * or without one its two parties, or an administrator (the state aside). */
bool mb_delivery_may_register(const struct mb_deal *d, unsigned parties);
/* What the parties may do with the deal now, for a client to show only
 * those buttons: {"move_to": [states], "register_loads": bool}. The same
 * rules the steps themselves check. New reference. */
json_t *mb_deal_may_json(const struct mb_deal *d, unsigned parties);
/* The user may read the deal (any party, admin, municipality). */
bool mb_deal_may_read(unsigned parties);
/* The state change `from` -> `to` is allowed to these parties. */
bool mb_deal_may_move(enum mb_deal_state from, enum mb_deal_state to, unsigned parties);

/* Deal `id` and its listing as `who` may read them (MB_ENOTFOUND naming
 * "id" otherwise, in the words of a missing deal); *parties is how who
 * stands to it. Release *listing. */
int mb_deal_read(struct mb_store *st, const struct mb_user *who, int64_t id,
                 struct mb_deal *d, struct mb_site_rec *listing, unsigned *parties,
                 struct mb_error *err);

/* The deals `who` may read (administrators and municipalities: all; else
 * those the organisation is party to), of one listing (0: any) and in one
 * state (-1: any). *items is malloc'ed. */
int mb_deal_list(struct mb_store *st, const struct mb_user *who, int64_t listing_id, int state,
                 struct mb_deal **items, size_t *n, struct mb_error *err);

/* The amounts of a listing (the rule above). */
struct mb_listing_balance {
    double amount_t, committed_t, available_t, remaining_t, confirmed_t;
};
int mb_deal_listing_balance(struct mb_store *st, const struct mb_site_rec *listing,
                            struct mb_listing_balance *out, struct mb_error *err);
/* Adds committed_t, available_t and remaining_t to a listing's JSON view. */
void mb_deal_amounts_json(json_t *view, const struct mb_listing_balance *b);

/* Fill *out (listing_id, amount, price, window, counterpart_site,
 * hauler_org, use, note) from a reservation body whose keys the caller
 * has checked. Amounts convert to tonnes with the listing's material.
 * MB_EINVAL naming the field ("amount.unit", "window.from", ...). */
int mb_deal_parse(const struct mb_market *m, const struct mb_site_rec *listing, json_t *body,
                  struct mb_deal *out, struct mb_error *err);

/* Reserve: d (from mb_deal_parse) by `who`, whose role may write
 * listings (MB_EFORBIDDEN). In one write transaction: the listing must be
 * visible to who (MB_ENOTFOUND), of another organisation (MB_EFORBIDDEN),
 * published (MB_ECONFLICT), the
 * counterpart site of the reserving organisation or a facility, the
 * hauler an organisation, and the amount at most what is available. The
 * listing turns reserved when nothing is left. d->id etc. are set. */
int mb_deal_reserve(struct mb_store *st, const struct mb_user *who, struct mb_deal *d,
                    struct mb_error *err);

/* Move a deal to state `to` as `who` (rules above): MB_ENOTFOUND when who
 * may not read the deal; MB_ESTALE when expect_version >= 0 is not its
 * version; MB_EFORBIDDEN naming "role" for a municipality (it reads
 * deals) and "id" when who is not the party that may take the step;
 * MB_ECONFLICT naming "state" when the step does not exist. When amount
 * frees, a reserved listing is published again (mb_listing_follow_deals).
 * *out is the deal after the change. */
int mb_deal_move(struct mb_store *st, const struct mb_user *who, int64_t deal_id,
                 int64_t expect_version, enum mb_deal_state to, struct mb_deal *out,
                 struct mb_error *err);

/* Euro emission classes a truck may have: "0" (before Euro I), "I" .. "VI",
 * "EEV", "electric", "hydrogen", "biogas". NULL-terminated. */
extern const char *const mb_euro_classes[];

/* Fill *out from a load body (keys checked by the caller): truck, euro_class,
 * amount, at, from_site, to_site (defaults from the deal), replaces. `now`
 * bounds `at` (at most 10 minutes ahead; not before the deal was made).
 * MB_EINVAL naming the field. */
int mb_delivery_parse(const struct mb_market *m, const struct mb_site_rec *listing,
                      const struct mb_deal *deal, json_t *body, int64_t now,
                      struct mb_delivery *out, struct mb_error *err);

/* The site a deal's loads leave from and arrive at by default: a supply's
 * loads go from the listing to the counterpart site, a need's from the
 * counterpart site to the listing (0 where none). */
void mb_deal_route(const struct mb_deal *d, const struct mb_site_rec *listing,
                   int64_t *from_site, int64_t *to_site);

/* The organisation that receives a deal's load: the owner of its
 * destination site, else the taking party (the reserver of a supply, the
 * owner of a need). */
int mb_delivery_receiver(struct mb_store *st, const struct mb_deal *d,
                         const struct mb_site_rec *listing, const struct mb_delivery *v,
                         int64_t *org, struct mb_error *err);

/* Register a load (from mb_delivery_parse) by `who` under an agreed deal:
 * who is the deal's hauler (or, for a deal without one, a party) or an
 * administrator (MB_EFORBIDDEN otherwise; MB_ENOTFOUND when who may not
 * read the deal); a replacement must name a disputed load of the deal not yet replaced;
 * loads beyond the deal's amount may use only what the listing has
 * available. Gives the ticket its sequence number and a random code
 * (libsodium, 128 bits, base64url). */
int mb_delivery_register(struct mb_store *st, const struct mb_user *who,
                         struct mb_delivery *v, struct mb_error *err);

/* Confirm or dispute (with a reason) a registered load, as the receiving
 * organisation (mb_delivery_receiver) or an administrator (MB_EFORBIDDEN
 * otherwise). expect_version >= 0 must be the load's version (MB_ESTALE). */
int mb_delivery_decide(struct mb_store *st, const struct mb_user *who, int64_t id,
                       int64_t expect_version, enum mb_delivery_state to, const char *reason,
                       struct mb_delivery *out, struct mb_error *err);

/* Loads counted by state: confirmed, disputed, and pending (registered,
 * not yet decided). mb_delivery_count adds one load. */
struct mb_delivery_totals {
    size_t loads;
    double confirmed_t, disputed_t, pending_t;
};
void mb_delivery_count(struct mb_delivery_totals *t, const struct mb_delivery *v);

/* API views. */
json_t *mb_deal_json(const struct mb_deal *d);
json_t *mb_delivery_json(const struct mb_delivery *v, bool with_code);

/* Planned vs actual of a listing: the planned amount spread evenly over
 * its window against confirmed, disputed (not replaced) and pending loads
 * per month, and the totals, which close: planned = confirmed +
 * disputed + open. `loads` are every load of the listing. New reference. */
json_t *mb_deal_balance_json(const struct mb_site_rec *listing,
                             const struct mb_delivery *loads, size_t n);

/* Render text as a QR code (libqrencode, error correction M) in SVG, one
 * unit per module and a quiet zone of 4. *svg is malloc'ed. */
int mb_ticket_qr_svg(const char *text, char **svg, size_t *len, struct mb_error *err);

#endif
