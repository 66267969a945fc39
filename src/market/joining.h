/*
 * joining.h - how people come into the market on their own: an
 * organisation signs itself up with its Norwegian organisation number
 * (checked with its modulus 11 digit) and its first user, and waits for
 * an administrator, who verifies or rejects it (a pending organisation's
 * users may sign in and write drafts, not publish); a user of a verified
 * organisation invites colleagues by e-mail; anyone who forgot the
 * password gets a reset link by e-mail (single use, one hour). Every
 * change has its audit entry; every mail goes through the outbox
 * (store.h), in the transaction that made it.
 */
#ifndef MB_MARKET_JOINING_H
#define MB_MARKET_JOINING_H

#include <jansson.h>
#include <stdbool.h>

#include "core/error.h"
#include "plan/scenario.h"
#include "store/store.h"

/* A reset link lives an hour, an invitation a week; at most this many
 * reset links per user and hour (more are quietly not sent). */
#define MB_JOIN_RESET_SECONDS 3600
#define MB_JOIN_INVITE_SECONDS (7 * 86400)
#define MB_JOIN_RESETS_PER_HOUR 3
/* Invitations: at most this many a day by one user, and to one address
 * (the link mails an address anyone may type). */
#define MB_JOIN_INVITES_PER_DAY 20
#define MB_JOIN_INVITES_PER_ADDRESS 3

/* An e-mail address a user may have (MB_EINVAL naming `field`): one @,
 * a dot in the domain, no spaces or control characters, at most 127
 * bytes. Lower-cased into out. */
int mb_join_email(const char *s, const char *field, char out[128], struct mb_error *err);

/* The standing of an organisation: "pending", "verified" or "rejected". */
int mb_join_state(struct mb_store *st, int64_t org_id, char state[12], struct mb_error *err);

/* Sign up: the body {organisation: {name, orgnr}, user: {name, email,
 * password, role}} (role developer, contractor, hauler or operator).
 * Every problem in `problems` (MB_EINVAL); a taken organisation number
 * or e-mail is MB_ECONFLICT naming it. On success the organisation is
 * pending, its user made, the administrators told by mail (links to
 * base_url); *out {organisation, user, state}. */
int mb_join_signup(struct mb_store *st, const char *body, size_t len, const char *base_url,
                   json_t **out, struct mb_problems *problems, struct mb_error *err);

/* The organisations waiting for an administrator, with their users. */
int mb_join_pending_json(struct mb_store *st, const struct mb_user *who, json_t **out,
                         struct mb_error *err);

/* An administrator verifies or rejects (state) a pending organisation,
 * with a note; its users are told by mail. MB_ECONFLICT naming "state"
 * when it is not pending. *out {organisation, state}. */
int mb_join_decide(struct mb_store *st, const struct mb_user *who, int64_t org_id,
                   const char *state, const char *note, const char *base_url, json_t **out,
                   struct mb_error *err);

/* Invite `email` into who's organisation with `role` (a role of the
 * market, not admin or municipality unless who is an administrator);
 * who's organisation must be verified. The link is mailed. *out
 * {email, role, expires}. */
int mb_join_invite(struct mb_store *st, const struct mb_user *who, const char *email,
                   const char *role, const char *base_url, json_t **out, struct mb_error *err);

/* Accept an invitation: the token of the link, the new user's name and
 * password; the user is made in the inviting organisation. *user set. */
int mb_join_accept(struct mb_store *st, const char *token, const char *name,
                   const char *password, struct mb_user *user, struct mb_error *err);

/* Ask for a reset link for `email`. Returns 0 whether or not the address
 * has an account (the answer must not tell); mails only when it has. */
int mb_join_reset_request(struct mb_store *st, const char *email, const char *base_url,
                          struct mb_error *err);

/* Set a new password with the token of a reset link; every session of
 * the user ends. */
int mb_join_reset_confirm(struct mb_store *st, const char *token, const char *password,
                          struct mb_error *err);

#endif
