/*
 * messages.h - conversations in the market: questions about a listing
 * before a deal, and the talk of a deal's parties.
 *
 * A listing thread is private to two organisations: the listing's and the
 * one asking (each asking organisation has its own thread; the owner sees
 * them all and answers in each). A deal thread belongs to the deal's
 * parties: the listing's organisation, the reserving one, the hauler and
 * the operator of the site the deal names. Nobody else reads them - not
 * administrators, not municipalities: the audit log holds, for each
 * message, who wrote it, where, its length and the SHA-256 of its text,
 * so that a message can be proven without the log disclosing it.
 * Messages are plain text of 1-4000 characters (line breaks allowed, no
 * other control characters); they are never edited or deleted. Reading a
 * thread marks it read for the reader.
 */
#ifndef MB_MARKET_MESSAGES_H
#define MB_MARKET_MESSAGES_H

#include <jansson.h>
#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

#define MB_MESSAGE_MAX_CHARS 4000

/* Check a message text: 1-4000 characters of UTF-8 after trimming, line
 * breaks and tabs allowed. MB_EINVAL naming "body". */
int mb_message_check(const char *body, struct mb_error *err);

/* Post to the thread about listing `listing_id`: by someone of another
 * organisation, into that organisation's thread (made at its first
 * message; thread_id must be 0 or that thread); by the listing's
 * organisation, into thread_id (one of the listing's threads; required).
 * The listing must be visible to `who` (MB_ENOTFOUND naming "id"
 * otherwise). Audited ("message", "post"). *out (if not NULL) gets the
 * thread view as mb_messages_thread_json gives it. */
int mb_messages_post_listing(struct mb_store *st, const struct mb_user *who,
                             int64_t listing_id, int64_t thread_id, const char *body,
                             json_t **out, struct mb_error *err);
/* Post to deal deal_id's thread, as one of its parties (MB_ENOTFOUND
 * naming "id" for anyone else). */
int mb_messages_post_deal(struct mb_store *st, const struct mb_user *who, int64_t deal_id,
                          const char *body, json_t **out, struct mb_error *err);

/* The threads `who` may read about listing_id (the owner: every asker's;
 * another organisation: its own, possibly none) as {threads: [{id,
 * asker: {id, name}, messages: [...], unread}]}; each is marked read. */
int mb_messages_listing_json(struct mb_store *st, const struct mb_user *who,
                             int64_t listing_id, json_t **out, struct mb_error *err);
/* The deal's thread, as above ({threads: [one or none]}). */
int mb_messages_deal_json(struct mb_store *st, const struct mb_user *who, int64_t deal_id,
                          json_t **out, struct mb_error *err);

/* The inbox: every thread of who's organisation, newest first, with its
 * subject's title and unread count, and the total unread:
 * {unread, threads: [{id, kind, subject_id, title, last_at, unread}]}. */
int mb_messages_inbox_json(struct mb_store *st, const struct mb_user *who, json_t **out,
                           struct mb_error *err);

#endif
