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

#include <stdbool.h>

#include "core/error.h"
#include "market/auth.h"
#include "market/market.h"
#include "store/store.h"

/* Create an organisation (org->id is set) as `who`, an administrator
 * (MB_EFORBIDDEN otherwise; NULL: the system, e.g. the demo seed), with
 * its audit entry. Users are created the same way. */
int mb_accounts_org_create(struct mb_store *st, const struct mb_user *who, struct mb_org *org,
                           struct mb_error *err);

/* Publish the contact of organisation c->org_id (what mb_contact_check
 * accepts; all "" withdraws it), as `who`, one of its own users or an
 * administrator (MB_EFORBIDDEN naming "id" otherwise), with its audit
 * entry (entity "org_contact"). MB_ENOTFOUND for an unknown organisation. */
int mb_accounts_contact_set(struct mb_store *st, const struct mb_user *who,
                            struct mb_org_contact *c, struct mb_error *err);

/* The users of organisation org_id, as `who` may see them: its own users
 * and administrators (MB_EFORBIDDEN naming "id" otherwise); MB_ENOTFOUND
 * when there is no such organisation. *items is malloc'ed. */
int mb_accounts_users_of(struct mb_store *st, const struct mb_user *who, int64_t org_id,
                         struct mb_user **items, size_t *n, struct mb_error *err);

/* Create a user with the given password hash (user->id is set). */
int mb_accounts_user_create(struct mb_store *st, const struct mb_user *who,
                            struct mb_user *user, const char *hash, struct mb_error *err);

/* Record a document attached to site d->site_id of family f by `who`, who
 * must be allowed to change the site (mb_listing_check_change, checked
 * again here, in the write transaction); d->id is set. The caller has
 * written the content file, named by its hash. */
int mb_accounts_document_add(struct mb_store *st, const struct mb_user *who,
                             enum mb_site_family f, struct mb_document *d,
                             struct mb_error *err);

/* Change user `id`'s role as `who`, an administrator (MB_EFORBIDDEN
 * otherwise), who may not change their own (MB_ECONFLICT: the last
 * administrator could lock everybody out). The entry names both roles.
 * *out is the user after the change. */
int mb_accounts_user_set_role(struct mb_store *st, const struct mb_user *who, int64_t id,
                              enum mb_role role, struct mb_user *out, struct mb_error *err);

/* Change `who`'s own password: `current` must be right (MB_EFORBIDDEN
 * naming "current_password"), `password` 8 to 256 bytes (MB_EINVAL naming
 * "password"). Every other session of the user ends (its token hash
 * `keep_token_hash` stays, may be NULL). The entry says that the password
 * changed and how many sessions ended, never a hash. */
int mb_accounts_password_change(struct mb_store *st, const struct mb_user *who,
                                const char *current, const char *password,
                                const char *keep_token_hash, struct mb_error *err);

/* Sign in: when e-mail and password match, a new session token (valid for
 * `hours`) into token and the user into *user, and *accepted = true;
 * otherwise *accepted = false and *user_known says whether the e-mail
 * belongs to a user (then *user is that user). */
int mb_accounts_sign_in(struct mb_store *st, const char *email, const char *password,
                        int hours, char token[MB_AUTH_TOKEN_SIZE], int64_t *expires,
                        struct mb_user *user, bool *accepted, bool *user_known,
                        struct mb_error *err);

/* End the session whose token has the hash token_hash. */
int mb_accounts_sign_out(struct mb_store *st, const char *token_hash, struct mb_error *err);

/* End every session of `who`, this one too: *ended says how many. The
 * entry says how many ended. */
int mb_accounts_sign_out_everywhere(struct mb_store *st, const struct mb_user *who,
                                    int *ended, struct mb_error *err);

/* The entry for the end of an account's lock (`ended`: Unix time), by the
 * system. */
int mb_accounts_user_unlocked(struct mb_store *st, int64_t user_id, int64_t ended,
                              struct mb_error *err);

/* The entry for an account locked after `failures` failed sign-ins, for
 * `seconds`, by the failure from address `client` (by the system; never
 * a password). */
int mb_accounts_user_locked(struct mb_store *st, const struct mb_user *user, int failures,
                            int seconds, const char *client, struct mb_error *err);

#endif
