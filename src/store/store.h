/*
 * store.h - the market's persistent store: organisations, users, access
 * tokens, sites (listings and facilities), documents, plan jobs, deals,
 * deliveries (load tickets) and the audit log.
 *
 * This interface is all the rest of the program knows about storage. The
 * one back-end today is SQLite (store_sqlite*.c: one file, WAL, foreign
 * keys, numbered migrations, R*Tree for positions, FTS5 for keywords); a
 * PostgreSQL/PostGIS back-end can implement the same functions without
 * touching the callers. Nothing here knows HTTP or JSON parsing rules: the
 * records carry plain values and a JSON document (`doc`) that the store
 * keeps verbatim.
 *
 * A `struct mb_store` is one connection and must be used by one thread at
 * a time; the server opens one per worker thread. Every write is one
 * transaction: it happens wholly or not at all. Functions return 0 or a
 * negative MB_E* code and fill `err`:
 *   MB_ENOTFOUND  no such row
 *   MB_ECONFLICT  a unique key is taken (e-mail, organisation number)
 *   MB_EINVAL     a value the schema refuses
 *   MB_EIO        the database failed (message from SQLite)
 * Strings returned inside records are owned by the record; release records
 * with the matching *_release function.
 */
#ifndef MB_STORE_STORE_H
#define MB_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct mb_store;

/* The schema version this build migrates to. */
#define MB_STORE_SCHEMA_VERSION 16

/* Open (creating if needed) the database at `path` and migrate it to
 * MB_STORE_SCHEMA_VERSION. ":memory:" is allowed for tests (then every
 * connection is its own database). A database from a newer build is
 * refused with MB_EINVAL. */
int mb_store_open(struct mb_store **out, const char *path, struct mb_error *err);
void mb_store_close(struct mb_store *st);

/* Schema version of the open database (PRAGMA user_version). */
int mb_store_schema_version(struct mb_store *st);

/* Explicit transactions around several calls (the calls themselves then
 * join it instead of making their own). Commit or roll back exactly once. */
int mb_store_begin(struct mb_store *st, struct mb_error *err);
int mb_store_commit(struct mb_store *st, struct mb_error *err);
void mb_store_rollback(struct mb_store *st);
/* End a transaction after its work returned rc: commit when rc is 0, else
 * roll back. Returns rc, or the commit's error. */
int mb_store_end(struct mb_store *st, int rc, struct mb_error *err);

/* A fingerprint of every row of every table (for tests: "nothing
 * changed"): a count and a running hash, as text "tables:rows:hash". */
int mb_store_fingerprint(struct mb_store *st, char *buf, size_t size,
                         struct mb_error *err);

/* ---- organisations and users ------------------------------------------ */

struct mb_org {
    int64_t id;
    char name[128];
    char orgnr[16];   /* Norwegian organisation number, 9 digits, or "" */
    int64_t created;  /* Unix seconds */
};

int mb_store_org_create(struct mb_store *st, struct mb_org *org, struct mb_error *err);
int mb_store_org_get(struct mb_store *st, int64_t id, struct mb_org *out,
                     struct mb_error *err);
/* All organisations by name; *items is malloc'ed (free it). */
int mb_store_org_list(struct mb_store *st, struct mb_org **items, size_t *n,
                      struct mb_error *err);
/* Those with a user of this role ("hauler"; "" for all), by name; with a
 * role, only approved (verified) organisations. */
int mb_store_org_list_role(struct mb_store *st, const char *role, struct mb_org **items,
                           size_t *n, struct mb_error *err);
/* Whether the organisation is approved and has a user of this role. */
int mb_store_org_acts_as(struct mb_store *st, int64_t org_id, const char *role, bool *out,
                         struct mb_error *err);

/* The contact an organisation publishes (schema 7): all "" when it has
 * published none. */
struct mb_org_contact {
    int64_t org_id;
    char name[128];
    char phone[32];
    char email[128];
    int64_t updated;  /* Unix seconds, 0 when never set */
};
/* 0 with *out filled (empty fields when none is stored). */
int mb_store_org_contact_get(struct mb_store *st, int64_t org_id, struct mb_org_contact *out,
                             struct mb_error *err);
/* Insert or replace (sets c->updated); the caller checks and audits. */
int mb_store_org_contact_put(struct mb_store *st, struct mb_org_contact *c,
                             struct mb_error *err);

/* Roles (one per user). */
enum mb_role {
    MB_ROLE_DEVELOPER,    /* byggherre / tiltakshaver ("client/developer") */
    MB_ROLE_CONTRACTOR,   /* entreprenør */
    MB_ROLE_HAULER,       /* transportør */
    MB_ROLE_OPERATOR,     /* facility operator: landfill, storage, plant, quarry */
    MB_ROLE_MUNICIPALITY, /* kommune / authority */
    MB_ROLE_ADMIN,
    MB_ROLE_COUNT
};

/* "developer", "contractor", "hauler", "operator", "municipality", "admin". */
const char *mb_role_name(enum mb_role r);
/* -1 if unknown. */
int mb_role_parse(const char *s);

struct mb_user {
    int64_t id;
    int64_t org_id;
    char email[128];  /* sign-in name, stored lower-case */
    char name[128];
    enum mb_role role;
    int64_t created;
};

/* `password_hash` is an argon2id string from libsodium (crypto_pwhash_str). */
int mb_store_user_create(struct mb_store *st, struct mb_user *user,
                         const char *password_hash, struct mb_error *err);
int mb_store_user_get(struct mb_store *st, int64_t id, struct mb_user *out,
                      struct mb_error *err);
/* By e-mail (any case); the stored hash is copied into hash[hash_size]. */
int mb_store_user_by_email(struct mb_store *st, const char *email, struct mb_user *out,
                           char *hash, size_t hash_size, struct mb_error *err);
int mb_store_user_list(struct mb_store *st, int64_t org_id, struct mb_user **items,
                       size_t *n, struct mb_error *err);
/* Change a user's role; MB_ENOTFOUND when there is no such user. */
int mb_store_user_set_role(struct mb_store *st, int64_t id, enum mb_role role,
                           struct mb_error *err);
/* Replace a user's password hash and end every session of the user but
 * the one whose token hash is `keep_token_hash` (may be NULL: all). */
int mb_store_user_set_password(struct mb_store *st, int64_t id, const char *password_hash,
                               const char *keep_token_hash, struct mb_error *err);

/* Bearer tokens are stored only as a hash (hex text); the token itself is
 * never stored. */
int mb_store_token_add(struct mb_store *st, const char *token_hash, int64_t user_id,
                       int64_t expires, struct mb_error *err);
/* The user of an unexpired token; MB_ENOTFOUND when unknown or expired. */
int mb_store_token_user(struct mb_store *st, const char *token_hash, int64_t now,
                        struct mb_user *out, struct mb_error *err);
int mb_store_token_delete(struct mb_store *st, const char *token_hash,
                          struct mb_error *err);
/* Every token of user_id (every session); *deleted says how many. */
int mb_store_token_delete_user(struct mb_store *st, int64_t user_id, int *deleted,
                               struct mb_error *err);

/* ---- sites: listings (supply, need) and facilities ---------------------- */

/* What kind of site a row is. Listings are supply and need; the rest are
 * facilities. The names are the API's. */
enum mb_site_type {
    MB_TYPE_SUPPLY,   /* surplus masses (a scenario "source") */
    MB_TYPE_NEED,
    MB_TYPE_LANDFILL,
    MB_TYPE_STORAGE,
    MB_TYPE_PLANT,
    MB_TYPE_QUARRY,
    MB_TYPE_COUNT
};
const char *mb_site_type_name(enum mb_site_type t); /* "supply", "need", ... */
int mb_site_type_parse(const char *s);              /* -1 if unknown */

enum mb_status {
    MB_STATUS_DRAFT,     /* only the owner sees it */
    MB_STATUS_PUBLISHED, /* everybody sees it */
    MB_STATUS_RESERVED,  /* visible, taken by a deal in progress */
    MB_STATUS_CLOSED,    /* done or withdrawn; visible to the owner only */
    MB_STATUS_COUNT
};
const char *mb_status_name(enum mb_status s); /* "draft", "published", ... */
int mb_status_parse(const char *s);           /* -1 if unknown */

#define MB_NO_MONTH_FROM 0          /* no window: open since ever */
#define MB_NO_MONTH_TO 2147483647   /* no window: open for ever */

/* One site as stored. The plain fields are what search and matching need
 * (they are columns and indexes); `doc` is the whole validated JSON object
 * as the API shows it, kept verbatim. */
struct mb_site_rec {
    int64_t id;          /* 0 for a new row */
    int64_t org_id;
    enum mb_site_type type;
    enum mb_status status;
    char title[160];     /* listing title or facility name */
    char municipality[8];/* 4-digit code or "" */
    double lat, lon;     /* WGS84 */
    char material[48];   /* supply: its material; need: the one asked for first; else "" */
    char **materials;    /* every material the site gives or takes (supply: 1;
                            need/facility: its accepts/offers/yields expanded to codes) */
    size_t nmaterials;
    int cls;             /* supply: its class 1-5; need/facility: max class it takes */
    double amount_t;     /* supply/need: tonnes; facility: capacity in t per its period, -1 unlimited */
    int from_m, to_m;    /* window as serial months (MB_NO_MONTH_* when none) */
    double price_nok_per_t;  /* listing price (supply may be negative: pays to be rid of it); facility fee */
    double co2_kg_per_t;     /* facility handling/production CO2; 0 for listings */
    char *keywords;      /* free text for keyword search (title, description, keywords); may be NULL */
    char *limits;        /* receiver's own limit values "Pb=60;As=8" (mg/kg), or NULL */
    char *doc;           /* JSON object text, owned */
    int64_t created, updated; /* Unix seconds, set by the store */
    int64_t version;     /* increases with every update, set by the store */
};

void mb_site_rec_release(struct mb_site_rec *r);
/* Deep copy of a record. */
void mb_site_rec_copy(struct mb_site_rec *dst, const struct mb_site_rec *src);

/* Insert when r->id == 0 (r->id, created, updated, version are set), else
 * replace the row with that id (updated and version are set). The
 * materials, R*Tree and FTS rows follow in the same transaction. */
int mb_store_site_put(struct mb_store *st, struct mb_site_rec *r, struct mb_error *err);
int mb_store_site_get(struct mb_store *st, int64_t id, struct mb_site_rec *out,
                      struct mb_error *err);
/* Delete site `id` (its materials and documents go with it); the caller
 * writes the audit entry. MB_ENOTFOUND if none; MB_EINVAL naming "id"
 * while a deal refers to it. */
int mb_store_site_delete(struct mb_store *st, int64_t id, struct mb_error *err);

/* Sites of a large import written in batches (site_staged, schema 5): */
struct mb_staged {
    int64_t site_id;
    char batch[40];
    enum mb_status status;  /* the status it is to get */
    enum mb_status now;     /* its status now */
    size_t total;           /* sites in the whole import */
    int64_t version;        /* the site's version now */
};
int mb_store_staged_add(struct mb_store *st, int64_t site_id, const char *batch,
                        enum mb_status status, size_t total, struct mb_error *err);
/* Of one batch, or of every batch (batch NULL), by batch and site id;
 * *items is malloc'ed. */
int mb_store_staged_list(struct mb_store *st, const char *batch, struct mb_staged **items,
                         size_t *n, struct mb_error *err);
int mb_store_staged_clear(struct mb_store *st, const char *batch, struct mb_error *err);

int mb_store_site_set_status(struct mb_store *st, int64_t id, enum mb_status status,
                             struct mb_error *err);

/* Sites whose municipality is "" (written before schema 6, or placed
 * abroad): id, type and position, by id; *items is malloc'ed. */
struct mb_site_pos {
    int64_t id;
    int type; /* enum mb_site_type */
    double lat, lon;
};
int mb_store_site_unplaced(struct mb_store *st, struct mb_site_pos **items, size_t *n,
                           struct mb_error *err);
/* Set a site's municipality (column and doc), leaving its version alone:
 * it is derived from the position the site already had. The caller
 * writes the audit entry. */
int mb_store_site_set_municipality(struct mb_store *st, int64_t id, const char *code,
                                   struct mb_error *err);

/* ---- conversations (schema 8, store_message.c) ------------------------ */

struct mb_thread {
    int64_t id;
    char kind[8];        /* "listing" or "deal" */
    int64_t subject_id;  /* the listing or the deal */
    int64_t asker_org;   /* listing threads: the asking organisation; deals: 0 */
    int64_t created, last_at;
    int64_t unread;      /* for the user asked about (lists only) */
    int64_t messages;    /* count (lists only) */
};

struct mb_message {
    int64_t id, thread_id, user_id, org_id;
    char *body;          /* owned */
    int64_t created;
    char user_name[128], org_name[128];
};
void mb_messages_release(struct mb_message *items, size_t n);

/* The thread of (kind, subject, asker_org), made if `create` (else
 * MB_ENOTFOUND when there is none). */
int mb_store_thread_get(struct mb_store *st, const char *kind, int64_t subject_id,
                        int64_t asker_org, bool create, struct mb_thread *out,
                        struct mb_error *err);
int mb_store_thread_by_id(struct mb_store *st, int64_t id, struct mb_thread *out,
                          struct mb_error *err);
/* The threads about one subject (a listing's questions from every
 * asker), with counts for user_id; *items malloc'ed. */
int mb_store_threads_of(struct mb_store *st, const char *kind, int64_t subject_id,
                        int64_t user_id, struct mb_thread **items, size_t *n,
                        struct mb_error *err);
/* Append a message (sets m->id, m->created) and move the thread's last_at. */
int mb_store_message_add(struct mb_store *st, struct mb_message *m, struct mb_error *err);
/* The messages of a thread, oldest first, with their authors' names. */
int mb_store_messages(struct mb_store *st, int64_t thread_id, struct mb_message **items,
                      size_t *n, struct mb_error *err);
/* Mark the thread read by user_id up to its last message. */
int mb_store_thread_mark_read(struct mb_store *st, int64_t thread_id, int64_t user_id,
                              struct mb_error *err);
/* Every thread an organisation takes part in, with counts for user_id:
 * listing threads about its listings or that it asked in about a listing
 * still published or reserved (a draft or closed one is the owner's
 * alone), deal threads of
 * deals it is a party of (owner, reserver, hauler or the named site's
 * operator). Newest first, at most `limit`; *items malloc'ed. */
int mb_store_threads_inbox(struct mb_store *st, int64_t org_id, int64_t user_id,
                            size_t limit, struct mb_thread **items, size_t *n,
                            struct mb_error *err);

/* ---- alerts (schema 10, store_alert.c) ---------------------------------- */

/* What a user looks for (market/alerts.c parses and fits it). */
struct mb_saved_search {
    int64_t id, user_id, org_id;
    char name[488];      /* up to 120 characters of UTF-8 */
    unsigned types;      /* 1u << MB_TYPE_* of the sites it looks for */
    char material[48];   /* "" any, a material code, or "group.*" */
    int cls;             /* 0 any; supply: class at most this; receivers: take at least this */
    bool near;           /* within radius_km of (lat, lon) */
    double lat, lon, radius_km;
    int from_m, to_m;    /* window it must overlap (MB_NO_MONTH_* when open) */
    char email[8];       /* "none", "instant" or "daily" */
    char *doc;           /* the normalised body, owned */
    int64_t created;
};
void mb_saved_searches_release(struct mb_saved_search *items, size_t n);

/* Insert (sets id and created). */
int mb_store_saved_search_add(struct mb_store *st, struct mb_saved_search *s,
                              struct mb_error *err);
/* A user's saved searches, oldest first; *items malloc'ed. */
int mb_store_saved_searches(struct mb_store *st, int64_t user_id,
                            struct mb_saved_search **items, size_t *n, struct mb_error *err);
/* Delete user_id's search `id` (MB_ENOTFOUND when it is not theirs) with
 * its notifications. */
int mb_store_saved_search_delete(struct mb_store *st, int64_t user_id, int64_t id,
                                 struct mb_error *err);
/* The saved searches of other organisations than the site's that could
 * fit it: its type, organisation, window, class and (when near) a box
 * around the site; the caller checks the rest (mb_saved_search_fits).
 * The searches come without their document (doc NULL). */
int mb_store_saved_searches_for(struct mb_store *st, const struct mb_site_rec *site,
                                struct mb_saved_search **items, size_t *n,
                                struct mb_error *err);

struct mb_notification {
    int64_t id, user_id;
    int64_t site_id;       /* the listing or facility that fits */
    int64_t search_id;     /* the saved search it fits, or 0 */
    int64_t for_site;      /* the user's organisation's listing it fits, or 0 */
    int64_t site_version;  /* the version it was last raised for */
    int64_t first_version; /* the version it was first raised for */
    int64_t created, updated;
    bool read;
    char mail[8];          /* "none", "daily" (waits for the digest) or "done" */
    /* Read with lists: */
    char search_name[488], for_title[160];
    bool for_facility;     /* for_site is a facility, not a listing */
};
/* Raise n (user, site, search or for_site): a new one, or one raised
 * before for an older version of the site made unread again. *raised
 * tells whether anything changed, *fresh whether it is new. Sets n->id. */
int mb_store_notification_raise(struct mb_store *st, struct mb_notification *n, bool *fresh,
                                bool *raised, struct mb_error *err);
/* A user's notifications, newest first, at most `limit`, with the search
 * name and the title of the listing it fits; *unread counts all unread. */
int mb_store_notifications(struct mb_store *st, int64_t user_id, size_t limit,
                           struct mb_notification **items, size_t *n, int64_t *unread,
                           struct mb_error *err);
/* Mark ids (or, when nids is 0, all) of user_id's notifications read;
 * *changed counts those that were unread. */
int mb_store_notifications_read(struct mb_store *st, int64_t user_id, const int64_t *ids,
                                size_t nids, size_t *changed, struct mb_error *err);
/* The users of an organisation (ids, oldest first); *ids malloc'ed. */
int mb_store_org_user_ids(struct mb_store *st, int64_t org_id, int64_t **ids, size_t *n,
                          struct mb_error *err);

struct mb_alert_pref {
    int64_t user_id;
    char match_email[8];  /* how fits with the organisation's listings are mailed */
    char token[72];       /* the unsubscribe token (hex) */
    int64_t last_digest;  /* when the last daily digest was queued (at first:
                             when the preferences were made, so the first digest
                             comes a period after) */
};
/* A user's preferences; made with `new_token` (and match_email "daily")
 * when the user has none yet. */
int mb_store_alert_pref(struct mb_store *st, int64_t user_id, const char *new_token,
                        struct mb_alert_pref *out, struct mb_error *err);
int mb_store_alert_pref_set(struct mb_store *st, int64_t user_id, const char *match_email,
                            struct mb_error *err);
/* MB_ENOTFOUND when no user has this token. */
int mb_store_alert_pref_by_token(struct mb_store *st, const char *token,
                                 struct mb_alert_pref *out, struct mb_error *err);
/* No more mail for user_id: match_email and every saved search "none",
 * nothing waiting for a digest, and the alert mails still in the outbox
 * not sent (failed, "unsubscribed"). */
int mb_store_alert_unsubscribe(struct mb_store *st, int64_t user_id, struct mb_error *err);

/* The sites changed after *cursor (at most `max` change rows, each site
 * once, ascending); *cursor is read from the store (raised to the log's
 * floor when the log was pruned past it) and *upto is the last change
 * row read. *ids malloc'ed. */
int mb_store_alert_changes(struct mb_store *st, size_t max, int64_t *cursor, int64_t *upto,
                           int64_t **ids, size_t *n, struct mb_error *err);
/* Move the cursor from `from` to `to`; MB_ECONFLICT when another process
 * moved it first (then its work is rolled back with the caller's
 * transaction). */
int mb_store_alert_cursor_set(struct mb_store *st, int64_t from, int64_t to,
                              struct mb_error *err);
/* Move the cursor past every change so far (the demo region loaded
 * into a new database raises no alerts). */
int mb_store_alert_cursor_skip(struct mb_store *st, struct mb_error *err);
/* Users with notifications waiting for a digest whose last digest was
 * at or before `before`; *ids malloc'ed. */
int mb_store_digest_due(struct mb_store *st, int64_t before, int64_t **ids, size_t *n,
                        struct mb_error *err);
/* A user's notifications waiting for the digest, oldest first. */
int mb_store_digest_items(struct mb_store *st, int64_t user_id,
                          struct mb_notification **items, size_t *n, struct mb_error *err);
/* Those notifications done and the digest time set to `now`. */
int mb_store_digest_done(struct mb_store *st, int64_t user_id, int64_t now,
                         struct mb_error *err);

/* A mail in the outbox. */
struct mb_mail {
    int64_t id, user_id;
    char to[128];
    char *subject, *body; /* owned */
    char unsubscribe[512];/* the one-click unsubscribe URL, or "" */
    int64_t created;
    char state[8];        /* pending, sending, sent, failed */
    int attempts;
};
void mb_mail_release(struct mb_mail *m);
/* Queue a mail to user_id at address `to`; unsubscribe may be "". */
int mb_store_outbox_add(struct mb_store *st, int64_t user_id, const char *to,
                        const char *subject, const char *body, const char *unsubscribe,
                        struct mb_error *err);
/* The oldest mail due at `now` (pending, or left "sending" by a crash),
 * marked sending with one more attempt and not due again for `lease`
 * seconds (so a second process leaves it alone while this one sends),
 * in one transaction; *found false when none is due. */
int mb_store_outbox_claim(struct mb_store *st, int64_t now, int64_t lease, struct mb_mail *out,
                          bool *found, struct mb_error *err);
/* After a try: sent, or (error) pending again at next_try, or failed for
 * good when next_try is 0. */
int mb_store_outbox_done(struct mb_store *st, int64_t id, const char *error, int64_t now,
                         int64_t next_try, struct mb_error *err);
/* Mails of the outbox, newest first, at most `limit` (for tests and the
 * administrator). */
int mb_store_outbox_list(struct mb_store *st, size_t limit, struct mb_mail **items, size_t *n,
                         struct mb_error *err);

/* ---- joining (schema 11, store_join.c) --------------------------------- */

/* An organisation's standing: "verified" when it has no org_status row
 * (an administrator made it). */
struct mb_org_status {
    int64_t org_id;
    char state[12];      /* pending, verified, rejected */
    int64_t applied, decided, decided_by;
    char note[1024];     /* up to 250 characters */
};
int mb_store_org_status(struct mb_store *st, int64_t org_id, struct mb_org_status *out,
                        struct mb_error *err);
/* Insert or replace the row (the caller writes the audit entry). */
int mb_store_org_status_put(struct mb_store *st, const struct mb_org_status *s,
                            struct mb_error *err);
/* Organisations in `state`, oldest application first; *items malloc'ed. */
int mb_store_org_status_list(struct mb_store *st, const char *state,
                             struct mb_org_status **items, size_t *n, struct mb_error *err);

struct mb_account_token {
    char hash[72];       /* hex SHA-256 of the token mailed */
    char kind[8];        /* invite, reset */
    int64_t user_id;     /* reset: the user */
    int64_t org_id;      /* invite: the organisation */
    char email[128];
    char role[16];       /* invite: the role */
    int64_t by_user;     /* invite: who invited */
    int64_t created, expires;
    bool used;
};
int mb_store_account_token_add(struct mb_store *st, const struct mb_account_token *t,
                               struct mb_error *err);
/* The token with this hash (MB_ENOTFOUND naming "token" when none). */
int mb_store_account_token_get(struct mb_store *st, const char *hash,
                               struct mb_account_token *out, struct mb_error *err);
/* Mark it used; MB_ECONFLICT naming "token" when it was used already. */
int mb_store_account_token_use(struct mb_store *st, const char *hash, struct mb_error *err);
/* How many tokens of `kind` for user_id were made at or after `since`. */
int mb_store_account_tokens_since(struct mb_store *st, const char *kind, int64_t user_id,
                                  int64_t since, int64_t *n, struct mb_error *err);
/* How many invitations were made at or after `since` by user by_user, and
 * to the address `email`. */
int mb_store_invitations_since(struct mb_store *st, int64_t by_user, const char *email,
                               int64_t since, int64_t *by_count, int64_t *to_count,
                               struct mb_error *err);
/* The administrators' user ids; *ids malloc'ed. */
int mb_store_admin_ids(struct mb_store *st, int64_t **ids, size_t *n, struct mb_error *err);

/* ---- regional plans as a list (store_plan.c) ------------------------------ */

/* A regional plan as listed: the job without its result, with the plan's
 * totals, baseline and savings (JSON text, owned, or NULL). */
struct mb_plan_row {
    int64_t id, user_id;
    char state[12];
    char *request, *totals, *baseline, *savings; /* owned JSON text or NULL */
    char user_name[128];
    int64_t created, finished;
};
void mb_plan_rows_release(struct mb_plan_row *items, size_t n);
/* The plans requested by users of org_id (all when org_id is 0), newest
 * first, at most `limit`. */
int mb_store_plan_rows(struct mb_store *st, int64_t org_id, size_t limit,
                       struct mb_plan_row **items, size_t *n, struct mb_error *err);

/* ---- official addresses (schema 6, store_address.c) ------------------- */

struct mb_address {
    int64_t id;
    char kommune[5];    /* 2024 municipality number */
    char text[128];     /* "Storgata 12B", "Haugen, 12/4" (Kartverket's adresseTekst) */
    char postnr[5];
    char poststed[64];
    int gnr, bnr, fnr;  /* property: gårds-, bruks-, festenummer (0 when none) */
    double lat, lon;    /* WGS84 */
};
/* Delete the addresses of one municipality (a re-import replaces them). */
int mb_store_address_clear(struct mb_store *st, const char *kommune, struct mb_error *err);
/* Insert one address (sets a->id). Join an open transaction for bulk. */
int mb_store_address_add(struct mb_store *st, struct mb_address *a, struct mb_error *err);
int mb_store_address_count(struct mb_store *st, int64_t *n, struct mb_error *err);
/* Addresses holding every word of q as a word prefix (letters fold as in
 * the keyword search), within municipality `kommune` when not NULL or "",
 * at most `limit`, in the index's order (the caller ranks them). No words
 * in q: no rows. *items is malloc'ed. */
int mb_store_address_search(struct mb_store *st, const char *q, const char *kommune,
                            size_t limit, struct mb_address **items, size_t *n,
                            struct mb_error *err);

/* A search. Zero/NULL fields do not filter. */
struct mb_site_query {
    unsigned types;          /* bit set of 1u << MB_TYPE_*; 0 = all */
    unsigned statuses;       /* bit set of 1u << MB_STATUS_*; 0 = published + reserved */
    int64_t viewer_org;      /* sites of this org are visible in every status (0 = none) */
    bool all_visible;        /* admin: every site in the asked statuses is visible */
    int64_t org_id;          /* only this organisation's sites (0 = any) */
    bool has_box;            /* WGS84 box */
    double min_lat, min_lon, max_lat, max_lon;
    bool has_radius;         /* great-circle radius around a point */
    double lat, lon, radius_km;
    const char *material;    /* the site gives or takes this code */
    int max_class;           /* supply: cls <= max_class; 0 = any */
    int from_m, to_m;        /* window overlaps [from_m, to_m]; 0 = no filter */
    double min_amount_t;     /* amount_t >= this (unlimited facilities pass); 0 = any */
    const char *text;        /* keywords: every word must occur (prefix match) */
    int64_t exclude_id;      /* leave this site out (0 = none) */
    size_t limit;            /* page size, 1..1000 (0 means 50) */
    size_t offset;
    bool want_doc;           /* fill doc (else NULL, cheaper) */
    bool no_materials;       /* leave materials empty (cheaper: lists show the doc) */
    bool no_total;           /* skip counting: total is offset + n, plus 1 when the
                                page is full (there may be more) */
};

struct mb_site_page {
    struct mb_site_rec *items;
    size_t n;
    size_t total;            /* matches over all pages */
};

/* Ordered by distance from (lat, lon) when has_radius, else by id. */
int mb_store_site_search(struct mb_store *st, const struct mb_site_query *q,
                         struct mb_site_page *out, struct mb_error *err);
void mb_site_page_release(struct mb_site_page *p);

/* ---- documents attached to a site ---------------------------------------- */

struct mb_document {
    int64_t id;
    int64_t site_id;
    char name[160];
    char mime[96];
    char sha256[65];     /* hex of the content */
    int64_t size;
    int64_t created;
    char kind[16];       /* "photo", "lab_report", "permit" or "other" (schema 9) */
};

/* The content lives in a file named by its hash (the caller writes it); the
 * store keeps the record. */
int mb_store_document_add(struct mb_store *st, struct mb_document *d, struct mb_error *err);
int mb_store_document_get(struct mb_store *st, int64_t id, struct mb_document *out,
                          struct mb_error *err);
int mb_store_document_list(struct mb_store *st, int64_t site_id, struct mb_document **items,
                           size_t *n, struct mb_error *err);

/* ---- plan jobs ------------------------------------------------------------ */

enum mb_job_state { MB_JOB_QUEUED, MB_JOB_RUNNING, MB_JOB_DONE, MB_JOB_FAILED };
const char *mb_job_state_name(enum mb_job_state s);

struct mb_job {
    int64_t id;
    int64_t user_id;
    enum mb_job_state state;
    char *request;       /* JSON text, owned */
    char *result;        /* JSON text or NULL, owned */
    char message[320];   /* progress line or failure */
    char *words;         /* the message's words as {"key", "params"} JSON text, or NULL; owned */
    int64_t created, finished;
};
void mb_job_release(struct mb_job *j);

int mb_store_job_create(struct mb_store *st, struct mb_job *j, struct mb_error *err);
int mb_store_job_get(struct mb_store *st, int64_t id, struct mb_job *out,
                     struct mb_error *err);
/* Set state, message and (when not NULL) result. */
int mb_store_job_update(struct mb_store *st, int64_t id, enum mb_job_state state,
                        const char *message, const char *result, struct mb_error *err);
/* The same, with the message's words ({"key", "params"} JSON text from
 * core/words_json.h, or NULL for none) in the same transaction. */
int mb_store_job_say(struct mb_store *st, int64_t id, enum mb_job_state state,
                     const char *message, const char *words, const char *result,
                     struct mb_error *err);
/* The id of the oldest queued job; MB_ENOTFOUND when none is queued. */
int mb_store_job_next_queued(struct mb_store *st, int64_t *id, struct mb_error *err);
/* On start: jobs left queued or running by a stopped server become failed. */
int mb_store_job_fail_stale(struct mb_store *st, struct mb_error *err);

/* ---- deals, deliveries (load tickets) and the audit log ------------------- */

/* A deal on a listing (docs/deals.md): reserved by another organisation,
 * agreed by the listing's owner, then completed; or declined (by the
 * owner) or cancelled (by either party). */
enum mb_deal_state {
    MB_DEAL_RESERVED,
    MB_DEAL_AGREED,
    MB_DEAL_COMPLETED,
    MB_DEAL_DECLINED,
    MB_DEAL_CANCELLED,
    MB_DEAL_STATE_COUNT
};
const char *mb_deal_state_name(enum mb_deal_state s); /* "reserved", ... */
int mb_deal_state_parse(const char *s);               /* -1 if unknown */

struct mb_deal {
    int64_t id;
    int64_t listing_id;
    int64_t org_id;           /* the reserving organisation */
    int64_t user_id;          /* who reserved */
    int64_t counterpart_site; /* where the masses go (supply) or come from (need); 0 none */
    int64_t hauler_org;       /* 0: either party hauls */
    double amount_t;          /* > 0 */
    double amount_value;      /* as entered, in amount_unit */
    char amount_unit[8];      /* "t", "fm3", "lm3" */
    double price_nok_per_t;
    int from_m, to_m;         /* serial months */
    char use[24];             /* "", "reuse", "soil_improvement" */
    char note[512];
    enum mb_deal_state state;
    int64_t created, updated, version; /* set by the store */
};

/* Tonnes of one listing, as the committed-amount rule needs them
 * (market/deal.h states the rule). */
struct mb_listing_amounts {
    double committed_t;  /* per deal, loaded = confirmed + registered tonnes; reserved or
                          * agreed: max(amount, loaded); others: loaded */
    double confirmed_t;  /* confirmed loads over every deal */
    double disputed_t;   /* disputed loads that no later load replaces */
    double pending_t;    /* registered loads not yet confirmed or disputed */
};

int mb_store_deal_insert(struct mb_store *st, struct mb_deal *d, struct mb_error *err);
int mb_store_deal_get(struct mb_store *st, int64_t id, struct mb_deal *out,
                      struct mb_error *err);
/* Set the state (updated and version follow); MB_ENOTFOUND if none. */
int mb_store_deal_set_state(struct mb_store *st, int64_t id, enum mb_deal_state s,
                            struct mb_error *err);
/* Deals by id. listing_id != 0: of that listing; party_org != 0: only
 * those where the organisation reserves, hauls, owns the listing or
 * operates the facility the deal names (counterpart_site);
 * state >= 0: only that state. *items is malloc'ed (free it). */
int mb_store_deal_list(struct mb_store *st, int64_t listing_id, int64_t party_org,
                       int state, struct mb_deal **items, size_t *n, struct mb_error *err);
int mb_store_listing_amounts(struct mb_store *st, int64_t listing_id,
                             struct mb_listing_amounts *out, struct mb_error *err);

enum mb_delivery_state { MB_DELIVERY_REGISTERED, MB_DELIVERY_CONFIRMED,
                         MB_DELIVERY_DISPUTED, MB_DELIVERY_STATE_COUNT };
const char *mb_delivery_state_name(enum mb_delivery_state s);
int mb_delivery_state_parse(const char *s);

struct mb_delivery {
    int64_t id;
    int64_t deal_id;
    int64_t seq;              /* 1, 2, ... per deal without gaps; set by the store */
    char code[48];            /* random capability of the ticket (URL-safe) */
    char truck[16];           /* registration plate, upper case, no spaces */
    char euro_class[12];
    double amount_t;
    double amount_value;
    char amount_unit[8];
    int64_t at;               /* Unix seconds of loading */
    int64_t from_site, to_site; /* 0: none */
    enum mb_delivery_state state;
    char reason[512];         /* why disputed */
    int64_t replaces;         /* the disputed load this one corrects; 0 none */
    int64_t user_id, org_id;  /* who registered it */
    int64_t decided_by;       /* user who confirmed or disputed; 0 none */
    int64_t decided_at;
    int64_t created, version;
};

/* Insert with the next sequence number of the deal (id, seq, created,
 * version set). A code that is taken is MB_ECONFLICT. */
int mb_store_delivery_insert(struct mb_store *st, struct mb_delivery *d,
                             struct mb_error *err);
int mb_store_delivery_get(struct mb_store *st, int64_t id, struct mb_delivery *out,
                          struct mb_error *err);
int mb_store_delivery_by_code(struct mb_store *st, const char *code,
                              struct mb_delivery *out, struct mb_error *err);
int mb_store_delivery_decide(struct mb_store *st, int64_t id, enum mb_delivery_state s,
                             const char *reason, int64_t user_id, struct mb_error *err);
/* Loads by deal (deal_id != 0) or by every deal of a listing, in deal and
 * sequence order. *items is malloc'ed. */
int mb_store_delivery_list(struct mb_store *st, int64_t deal_id, int64_t listing_id,
                           struct mb_delivery **items, size_t *n, struct mb_error *err);

/* One entry of the append-only audit log. The chain (prev_hash, hash) is
 * market/audit.c's; the store keeps what it is given. */
struct mb_audit_entry {
    int64_t seq;              /* 1, 2, ... */
    int64_t at;               /* Unix seconds */
    int64_t user_id, org_id;  /* 0: the system */
    char entity[16];          /* one of mb_audit_entities (market/audit.h) */
    int64_t entity_id;
    char action[24];          /* "create", "update", "status", "reserve", ... */
    char *detail;             /* JSON object text, owned */
    char prev_hash[65];       /* hex SHA-256; 64 zeros for the first entry */
    char hash[65];
    char state[65];           /* hex SHA-256 of the entity's row as written ("" none) */
    char sig[129];            /* hex Ed25519 signature of hash ("" unsigned) */
};
void mb_audit_entry_release(struct mb_audit_entry *e);
void mb_audit_entries_free(struct mb_audit_entry *items, size_t n);

/* Between the transactions of a long series (a large import's batches):
 * pause long enough for writers waiting for the lock to take it, since
 * SQLite's locks are not fair and the next BEGIN would otherwise come
 * before a waiting writer polls again. Nothing inside a transaction or
 * for an in-memory database. */
void mb_store_let_writers_in(struct mb_store *st);

/* The file of the database ("" for an in-memory one). */
const char *mb_store_file(struct mb_store *st);

/* The hex SHA-256 of the row an audit entry of `entity` id covers
 * ("massebank-row/1": the table, then every column of the row in a fixed
 * order, each typed and length-prefixed; a site's materials follow it):
 * listing and facility -> site, deal, delivery, organisation -> org,
 * user, document. "" for an entity without a row of its own (plan) and
 * for a row that does not exist. */
int mb_store_audit_row_hash(struct mb_store *st, const char *entity, int64_t id,
                            char out[65], struct mb_error *err);

/* Every row an audit entry can cover: calls fn(entity, id, cls) for each
 * (a site as "listing" or "facility" by its type); fn returns non-zero to
 * stop (that value is returned). */
int mb_store_audit_rows(struct mb_store *st,
                        int (*fn)(const char *entity, int64_t id, void *cls), void *cls,
                        struct mb_error *err);

/* The last entry's seq and hash (0 and "" when the log is empty). */
int mb_store_audit_last(struct mb_store *st, int64_t *seq, char hash[65],
                        struct mb_error *err);
int mb_store_audit_insert(struct mb_store *st, const struct mb_audit_entry *e,
                          struct mb_error *err);
/* Entries with seq > after, in seq order, at most limit. entity != NULL:
 * only that entity (entity_id != 0: that one; for a deal, its deliveries'
 * entries too). *items is malloc'ed; free with mb_audit_entries_free. */
int mb_store_audit_list(struct mb_store *st, int64_t after, size_t limit, const char *entity,
                        int64_t entity_id, struct mb_audit_entry **items, size_t *n,
                        struct mb_error *err);
/* Number of entries. */
int mb_store_audit_count(struct mb_store *st, int64_t *n, struct mb_error *err);
/* A read snapshot for walking the whole log in pages (a deferred BEGIN:
 * writers go on while it is read; it sees the log as it was). Nothing
 * happens inside an open transaction (*opened false). End it with
 * mb_store_audit_snapshot_end. */
int mb_store_audit_snapshot_begin(struct mb_store *st, bool *opened, struct mb_error *err);
void mb_store_audit_snapshot_end(struct mb_store *st, bool opened);

/* ---- loads for reports (statistics, exports) ------------------------------ */

/* One load (delivery) with what a report needs to place it. */
struct mb_load {
    int64_t delivery_id, deal_id, listing_id, seq;
    int64_t at;                 /* Unix seconds of loading */
    double amount_t;
    char truck[16];
    char euro_class[12];
    int state;                  /* enum mb_delivery_state */
    char material[48];          /* the sending site's, else the deal's counterpart's,
                                   else the listing's material code */
    char municipality[8];       /* where the masses arose: the sending site's, else
                                   the listing's municipality ("" if unknown) */
    int from_type, to_type;     /* enum mb_site_type, -1 when no site */
    int listing_type;           /* enum mb_site_type of the deal's listing */
    int64_t from_site, to_site; /* 0: none */
    char from_title[160], to_title[160];
    double from_lat, from_lon;  /* the sending site's position, else the listing's */
    bool has_to_pos;
    double to_lat, to_lon;
    char use[24];               /* the deal's use: "", "reuse", "soil_improvement" */
    int64_t reserving_org, listing_org, hauler_org; /* hauler 0: either party */
};

struct mb_load_query {
    int64_t from_at, to_at;     /* loading time in [from_at, to_at); 0 = open */
    bool confirmed_only;
    int64_t party_org;          /* only deals this organisation is party to; 0 = all */
};

/* Return non-zero to stop early (not an error). */
typedef int (*mb_load_fn)(const struct mb_load *load, void *ctx);

/* Call fn for each load matching q, by loading time then id, in one read
 * snapshot. */
int mb_store_loads(struct mb_store *st, const struct mb_load_query *q,
                   mb_load_fn fn, void *ctx, struct mb_error *err);

/* ---- suggestions from regional plans (store_suggest.c) -------------------- */

enum mb_suggestion_state { MB_SUGGESTION_OPEN, MB_SUGGESTION_ACCEPTED,
                           MB_SUGGESTION_SUPERSEDED };
const char *mb_suggestion_state_name(enum mb_suggestion_state s);

struct mb_suggestion {
    int64_t id, job_id;
    int64_t supply_id, need_id;  /* the two listings */
    char material[48];           /* the flow's material (the largest part) */
    double tonnes;
    int from_m, to_m;            /* the months the plan moves it in */
    double km;                   /* tonne-weighted distance of the flow */
    double co2_kg;               /* the flow's own CO2 in the plan */
    double baseline_co2_kg;      /* the same tonnes in today's practice (estimate) */
    enum mb_suggestion_state state;
    bool supply_dismissed, need_dismissed;
    int64_t deal_id, decided_by;
    int64_t created, updated;
    /* Read with the row (not written): */
    int64_t supply_org, need_org;
    char supply_title[160], need_title[160];
    char plan_name[160];         /* the plan request's name, "" when none */
    char planner_org[160];       /* the organisation that ran the plan */
    char supply_org_name[160], need_org_name[160];
    char supply_status[16], need_status[16]; /* the listings' status now */
};

/* Insert a plan's suggestions (those already there for the job are left
 * as they are), and mark older open suggestions of the same pairs
 * superseded; one transaction. A side that dismissed the pair before
 * keeps it dismissed. */
int mb_store_suggestions_add(struct mb_store *st, const struct mb_suggestion *items, size_t n,
                             struct mb_error *err);
/* The suggestions naming a listing of org_id (0: every one), newest
 * first, at most limit. *items is malloc'ed. */
int mb_store_suggestions_of_org(struct mb_store *st, int64_t org_id, size_t limit,
                                struct mb_suggestion **items, size_t *n,
                                struct mb_error *err);
/* The newest reserved, agreed or completed deal between two listings
 * (either reserved with the other as its counterpart site) into *deal_id,
 * 0 when none. */
int mb_store_deal_between(struct mb_store *st, int64_t a, int64_t b, int64_t *deal_id,
                          struct mb_error *err);
/* One suggestion (MB_ENOTFOUND naming "id"). */
int mb_store_suggestion_get(struct mb_store *st, int64_t id, struct mb_suggestion *out,
                            struct mb_error *err);
/* Record a decision on an open suggestion: accepted with deal_id
 * (deal_id > 0), or dismissed for one side (supply_side true: the
 * surplus's side). MB_ECONFLICT naming "state" when it is no longer
 * open. */
int mb_store_suggestion_decide(struct mb_store *st, int64_t id, int64_t deal_id,
                               bool supply_side, int64_t by_user, struct mb_error *err);

/* ---- the read model (store_model.c, docs/store.md) ------------------------ */

/* Every connection to a database file shares one in-memory read model of
 * its published and reserved sites, kept exact through the change log;
 * map searches (box or radius, without keywords) and match candidates are
 * answered from it with the same results as SQL. It is on by default for
 * file databases (MB_STORE_MODEL=0 in the environment turns it off for
 * the process). mb_store_model_enable turns it off or on for one
 * connection (tests compare both answers). */
void mb_store_model_enable(struct mb_store *st, bool on);

/* The model is loaded at the first search that could use it, by a thread
 * of its own (SQL answers until it is done: about a second for 100,000
 * sites). mb_store_model_warm loads it now, in the caller's thread, if it
 * is not loaded; MB_ENOTFOUND when the connection has no model. */
int mb_store_model_warm(struct mb_store *st, struct mb_error *err);

struct mb_store_model_info {
    bool enabled;             /* this connection uses it */
    bool loaded;
    int64_t seq;              /* change log position it reflects */
    size_t sites;             /* sites it holds */
    uint64_t full_loads;      /* times it loaded every site */
    uint64_t applied;         /* changed sites read again since */
};
/* The model's figures; MB_ENOTFOUND when the connection has none. */
int mb_store_model_info(struct mb_store *st, struct mb_store_model_info *out);

/* ---- road distances between sites (store_roads.c, docs/roads.md) ---- */

/* What the road database gave for one directed pair of sites. */
struct mb_road_row {
    int64_t from_site, to_site;
    char db_version[33];
    double from_lat, from_lon, to_lat, to_lon; /* the positions it was computed for */
    char status[16];                           /* road, no_road_near, no_route */
    double km, minutes, ferry_km;              /* for 'road' */
    int ferry_crossings;                       /* for 'road' */
    int64_t computed;                          /* Unix seconds */
};

/* The row for (from, to) if it is still valid: computed for these
 * positions, by `db_version` (NULL: by whichever road database made it).
 * *found false otherwise (none, or stale). */
int mb_store_road_get(struct mb_store *st, int64_t from, int64_t to, const char *db_version,
                      double from_lat, double from_lon, double to_lat, double to_lon,
                      struct mb_road_row *out, bool *found, struct mb_error *err);
/* Insert or replace the row of its pair. */
int mb_store_road_put(struct mb_store *st, const struct mb_road_row *row,
                      struct mb_error *err);
/* Every pair with a road distance (status 'road') or with no road between
 * the two (status 'no_route') between two published or reserved sites at
 * the positions it was computed for, by from and to site; *rows is
 * malloc'ed. */
int mb_store_road_list(struct mb_store *st, struct mb_road_row **rows, size_t *n,
                       struct mb_error *err);
/* Forget every pair of a site (it moved). */
int mb_store_road_forget(struct mb_store *st, int64_t site, struct mb_error *err);

/* The durable queue of sites whose pairs are to be brought up to date
 * (schema 15; triggers fill it when a site is written). The next entry
 * (the newest write first, then the backlog oldest first): *found false
 * when the queue is empty. */
int mb_store_road_queue_next(struct mb_store *st, int64_t *site, int64_t *seq, bool *found,
                             struct mb_error *err);
/* Take the entry off if it is still the one taken (not queued again since). */
int mb_store_road_queue_done(struct mb_store *st, int64_t site, int64_t seq,
                             struct mb_error *err);
/* Put the entry at the end of the queue if it is still the one taken. */
int mb_store_road_queue_later(struct mb_store *st, int64_t site, int64_t seq,
                              struct mb_error *err);
/* Queue a site (first in line, if not waiting already), or every
 * published and reserved site not waiting (site 0; behind the others). */
int mb_store_road_queue_add(struct mb_store *st, int64_t site, struct mb_error *err);
/* Entries waiting. */
int mb_store_road_queue_count(struct mb_store *st, int64_t *n, struct mb_error *err);

#endif
