/*
 * parties.h - who the other side is: an organisation's name, number and
 * the contact it publishes (a person, a phone number, an e-mail address),
 * as deals, tickets and matches show them.
 *
 * An organisation's members publish its contact (mb_accounts_contact_set
 * in accounts.h); nothing else about its users is shown to other
 * organisations. The contact is shown to signed-in users (a deal's
 * parties, a listing's readers); the public (a ticket read at the
 * roadside) sees names only.
 */
#ifndef MB_MARKET_PARTIES_H
#define MB_MARKET_PARTIES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "market/deal.h"
#include "store/store.h"

/* Check a contact to publish: name at most 100 characters, phone 8-20
 * characters of digits, spaces and a leading + with at least 8 digits,
 * e-mail an address of at most 254 characters (folded to lower case in
 * place); each may be "" (not published). No control characters.
 * MB_EINVAL naming the field. */
int mb_contact_check(struct mb_org_contact *c, struct mb_error *err);

/* {id, name, orgnr, contact: {name, phone, email} or null} of
 * organisation org_id (contact only when `with_contact` and something is
 * published), or JSON null when org_id is 0 or unknown. */
json_t *mb_party_json(struct mb_store *st, int64_t org_id, bool with_contact);

/* The parties of a deal: {owner (the listing's organisation), reserver,
 * hauler (or null), site_owner (the organisation of the counterpart site
 * the deal names, or null)}, each as mb_party_json with contacts. */
json_t *mb_deal_parties_json(struct mb_store *st, const struct mb_deal *d,
                             const struct mb_site_rec *listing);

#endif
