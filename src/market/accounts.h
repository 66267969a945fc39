/*
 * accounts.h - the writes that are not listings or deals, each with its
 * audit entry in one transaction: organisations, users and the documents
 * attached to a site. The server, the seed and any other caller go through
 * these, so "every change has its audit entry" is kept in one place
 * (docs/deals.md, the audit log). No secret reaches the log: a user's
 * entry names the e-mail, name, role and organisation, never the
 * password hash.
 */
#ifndef MB_MARKET_ACCOUNTS_H
#define MB_MARKET_ACCOUNTS_H

#include "core/error.h"
#include "store/store.h"

/* Create an organisation (org->id is set) as `who` (NULL: the system,
 * e.g. the demo seed), with its audit entry. */
int mb_accounts_org_create(struct mb_store *st, const struct mb_user *who, struct mb_org *org,
                           struct mb_error *err);

/* Create a user with the given password hash (user->id is set). */
int mb_accounts_user_create(struct mb_store *st, const struct mb_user *who,
                            struct mb_user *user, const char *hash, struct mb_error *err);

/* Record a document attached to site d->site_id (d->id is set); the caller
 * has written the content file, named by its hash. */
int mb_accounts_document_add(struct mb_store *st, const struct mb_user *who,
                             struct mb_document *d, struct mb_error *err);

#endif
