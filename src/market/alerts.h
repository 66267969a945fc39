/*
 * alerts.h - saved searches and alerts: a user says what they look for
 * ("blasted rock, class 2 at most, within 15 km of my project, in
 * May-August") and hears of every listing or facility that appears or
 * changes and fits it, and of every listing that fits one of the
 * organisation's own listings (the market's matching). In the app (the
 * notification list with its unread count) and by e-mail, at once or in
 * a daily digest, with an unsubscribe link in every mail.
 *
 * Exactly once: the alerts follow the store's change log of sites
 * (site_change) with a cursor kept in the store. One pass
 * (mb_alerts_run) reads the changes after the cursor, raises the
 * notifications, writes the mails to the outbox and moves the cursor,
 * all in one transaction: a crash before the commit leaves the changes
 * to the next pass, a crash after it has them all written. Sending the
 * outbox is the server's business (server/mailer.c).
 */
#ifndef MB_MARKET_ALERTS_H
#define MB_MARKET_ALERTS_H

#include <jansson.h>
#include <stdbool.h>

#include "core/error.h"
#include "market/market.h"
#include "store/store.h"

/* At most this many saved searches per user. */
#define MB_ALERTS_MAX_SEARCHES 50

/* Parse a saved search body (docs/api.md, "Saved searches") for `who`
 * into *q (q->doc is the normalised body, owned). near.site_id names a
 * site visible to `who`, whose position is taken. MB_EINVAL with every
 * problem in `problems`, *q untouched. */
int mb_saved_search_parse(struct mb_store *st, const struct mb_market *m,
                          const struct mb_user *who, const char *body, size_t len,
                          struct mb_saved_search *q, struct mb_problems *problems);

/* Does `site` fit `q`: type, material (a code among the site's, or a
 * group "rock.*"), class (a supply's class at most q->cls; a receiver
 * takes at least q->cls), distance in a straight line from q's centre,
 * window overlap (a site without a window is open). The organisation and
 * status are the caller's. */
bool mb_saved_search_fits(const struct mb_saved_search *q, const struct mb_site_rec *site);

/* A user's mail preferences, made (with a new unsubscribe token) when
 * the user has none yet. */
int mb_alerts_pref(struct mb_store *st, int64_t user_id, struct mb_alert_pref *pref,
                   struct mb_error *err);
/* {items: [saved searches], match_email, max} of `who`. */
int mb_alerts_searches_json(struct mb_store *st, const struct mb_user *who, json_t **out,
                            struct mb_error *err);
/* Save a search (MB_EINVAL with problems; MB_ECONFLICT naming "name"
 * past MB_ALERTS_MAX_SEARCHES). *out its view. */
int mb_alerts_search_add(struct mb_store *st, const struct mb_market *m,
                         const struct mb_user *who, const char *body, size_t len,
                         json_t **out, struct mb_problems *problems, struct mb_error *err);
int mb_alerts_search_delete(struct mb_store *st, const struct mb_user *who, int64_t id,
                            struct mb_error *err);
/* How fits with the organisation's listings are mailed: "none",
 * "instant" or "daily". */
int mb_alerts_set_match_email(struct mb_store *st, const struct mb_user *who,
                              const char *mode, struct mb_error *err);

/* {unread, items: [{id, kind: "search"|"match", search, for_listing,
 * site, created, updated, read, changed, ids, reasons}]}: one item per
 * site, newest first, with every reason it fits (kind, search and
 * for_listing of the newest on the item itself) and the ids of its
 * notifications; at most `limit` notifications read; only sites still
 * published or reserved; unread counts sites. */
int mb_alerts_notifications_json(struct mb_store *st, const struct mb_user *who, size_t limit,
                                 json_t **out, struct mb_error *err);
/* Mark ids (all when nids is 0) read; *out {changed, unread}. */
int mb_alerts_mark_read(struct mb_store *st, const struct mb_user *who, const int64_t *ids,
                        size_t nids, json_t **out, struct mb_error *err);

/* The unsubscribe link: with `apply`, no more mail for its user; *out
 * {name (the user's), email, unsubscribed}. MB_ENOTFOUND naming "token"
 * for an unknown token. */
int mb_alerts_unsubscribe(struct mb_store *st, const char *token, bool apply, json_t **out,
                          struct mb_error *err);

struct mb_alerts_config {
    const char *base_url;   /* the web front end, e.g. "https://massebank.example.no" */
    int64_t digest_period;  /* seconds between two digests of one user (86400) */
};

/* One pass over at most `max` changes after the cursor (see above).
 * *raised counts notifications raised, *more tells that changes are
 * left. */
int mb_alerts_run(struct mb_store *st, const struct mb_market *m,
                  const struct mb_alerts_config *cfg, size_t max, size_t *raised, bool *more,
                  struct mb_error *err);
/* Queue the digest of every user whose notifications wait for one and
 * whose last digest is at least digest_period old; *queued counts mails. */
int mb_alerts_digest(struct mb_store *st, const struct mb_market *m,
                     const struct mb_alerts_config *cfg, int64_t now, size_t *queued,
                     struct mb_error *err);

#endif
