/*
 * audit.h - the market's tamper-evident audit log: every change to
 * listings, facilities, deals and deliveries is appended as one entry
 * (who, when, what) in the transaction of the change, and each entry
 * carries the SHA-256 of the one before, so that an edited, deleted or
 * reordered entry breaks the chain where it happened.
 *
 * The hash of an entry is SHA-256 (libsodium crypto_hash_sha256) over its
 * canonical serialisation (docs/deals.md, "Audit log"):
 *   "massebank-audit/1\n", then seq, at, user_id, org_id, entity,
 *   entity_id, action, detail, prev_hash, each as
 *   <decimal byte length> ":" <bytes> "\n"  (integers in decimal).
 * The first entry's prev_hash is MB_AUDIT_GENESIS (64 zeros).
 *
 * A chain without an outside anchor cannot tell a log that was cut short
 * at its end, or rewritten from some entry on with fresh hashes, from an
 * honest one: keep the head hash that `massebank audit verify` prints
 * somewhere else (a report, an e-mail) and compare.
 */
#ifndef MB_MARKET_AUDIT_H
#define MB_MARKET_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "store/store.h"

#define MB_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Hex SHA-256 of the entry's canonical serialisation (e->hash is not
 * read). */
void mb_audit_hash(const struct mb_audit_entry *e, char out[65]);

/* What the log records changes of: "listing", "facility", "deal",
 * "delivery", "organisation", "user", "document", "plan" (a queued
 * regional plan). NULL-terminated. */
extern const char *const mb_audit_entities[];
/* The entity is one of them. */
bool mb_audit_entity_known(const char *entity);

/* Append an entry for a change by `who` (NULL: the system) to one of the
 * entities above (MB_EINTERNAL for another) `id`: action and a JSON
 * object `detail` (borrowed; NULL for {}). Joins the caller's open
 * transaction (it must be a write transaction for the chain to stay
 * linear: mb_store_begin), or makes its own. 0 or an MB_E* code. */
int mb_audit_append(struct mb_store *st, const struct mb_user *who, const char *entity,
                    int64_t id, const char *action, json_t *detail, struct mb_error *err);

/* What changed between two JSON objects, top-level keys only: {key:
 * {"from": old or null, "to": new or null}} for every key whose value
 * differs. New reference. */
json_t *mb_audit_diff(json_t *before, json_t *after);

/* What verification found. */
enum mb_audit_problem {
    MB_AUDIT_OK,
    MB_AUDIT_EDITED,     /* an entry's content does not match its hash */
    MB_AUDIT_MISSING,    /* a sequence number is missing: an entry was deleted */
    MB_AUDIT_REORDERED,  /* an entry stands where another belongs */
    MB_AUDIT_BROKEN,     /* an entry does not link to the one before it */
};
const char *mb_audit_problem_name(enum mb_audit_problem p); /* "ok", "edited", ... */

struct mb_audit_report {
    int64_t entries;               /* entries read */
    enum mb_audit_problem problem;
    int64_t bad_seq;               /* the first bad entry (0 when intact) */
    char message[320];             /* one sentence naming it */
    char head[65];                 /* the last entry's hash ("" when empty) */
};

/* Walk the whole log in order and check every link. Returns 0 when the
 * walk could be made (then rep says whether the chain is intact: problem
 * MB_AUDIT_OK) or an MB_E* code when the store failed. */
int mb_audit_verify(struct mb_store *st, struct mb_audit_report *rep, struct mb_error *err);

/* An entry as the API shows it. New reference. */
json_t *mb_audit_entry_json(const struct mb_audit_entry *e);

#endif
