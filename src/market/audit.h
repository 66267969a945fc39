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
 * Since schema version 5 each entry also names the state it wrote (the
 * hash of its row, mb_store_audit_row_hash) in a version-2 serialisation
 * ("massebank-audit/2\n", the same fields, then state), so an edit of the
 * data tables that leaves the log alone is found; and each entry's hash
 * is signed with the database's Ed25519 key (audit_key.h), so an entry
 * appended or a chain recomputed without the key is found. What a chain
 * cannot show - a log cut short at its end, or rewritten by someone who
 * also holds the key - a kept head shows: `massebank audit head` exports
 * one, `massebank audit verify --head FILE` checks the log still reaches
 * it.
 */
#ifndef MB_MARKET_AUDIT_H
#define MB_MARKET_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"
#include "market/audit_key.h"
#include "store/store.h"

#define MB_AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

/* Hex SHA-256 of the entry's canonical serialisation (e->hash is not
 * read). */
void mb_audit_hash(const struct mb_audit_entry *e, char out[65]);

/* What the log records changes of: "listing", "facility", "deal",
 * "delivery", "organisation", "org_contact" (the contact an organisation
 * publishes), "user", "document", "message" (in a conversation), "plan"
 * (a queued regional plan), "suggestion" (a plan's suggestion, accepted
 * or dismissed: the decision is logged; the row itself is derived from
 * the plan's stored result, made by the plan job, and carries no row
 * state, like a plan's).
 * NULL-terminated. */
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
    MB_AUDIT_FORGED,     /* an entry is not signed by the audit key, or unsigned in a
                            signed log: appended or recomputed without the key */
    MB_AUDIT_TRUNCATED,  /* the log ends before the kept head's entry */
    MB_AUDIT_REWRITTEN,  /* the kept head's entry has another hash */
    MB_AUDIT_ROW_CHANGED,   /* a row is not as its last entry wrote it */
    MB_AUDIT_ROW_UNAUDITED, /* a row no entry names */
    MB_AUDIT_ROW_GONE,      /* an entry's row no longer exists */
};
const char *mb_audit_problem_name(enum mb_audit_problem p); /* "ok", "edited", ... */

struct mb_audit_report {
    int64_t entries;               /* entries read */
    int64_t signed_entries;        /* of them signed (checked when a key was given) */
    int64_t rows_checked;          /* rows found as their last entry wrote them */
    int64_t rows_unchecked;        /* rows whose last entry predates row states */
    int64_t head_seq;              /* the last entry's seq */
    enum mb_audit_problem problem;
    int64_t bad_seq;               /* the first bad entry (0 when intact) */
    char message[320];             /* one sentence naming it */
    char head[65];                 /* the last entry's hash ("" when empty) */
};

/* What to check besides the links of the chain (all optional). */
struct mb_audit_check {
    const unsigned char *key;          /* public key (32 bytes): every signature */
    int64_t since;                     /* with key: every entry from this seq on must be
                                          signed and, but plans and deletes, name its
                                          row (0: from the first) */
    const struct mb_audit_head *head;  /* a kept head: the log still reaches it */
    bool rows;                         /* every covered row is as its last entry
                                          wrote it, and every row has an entry */
};

/* Walk the whole log in order and check every link, and what chk asks
 * (NULL: the links only). Returns 0 when the walk could be made (then rep
 * says whether the log is intact: problem MB_AUDIT_OK) or an MB_E* code
 * when the store failed. */
int mb_audit_verify(struct mb_store *st, const struct mb_audit_check *chk,
                    struct mb_audit_report *rep, struct mb_error *err);

/* The head of the log signed with the database's key, after a full
 * check with it (links, signatures, rows): MB_ECONFLICT naming "audit"
 * when the log is not intact. *out is a new reference (mb_audit_head_json). */
int mb_audit_signed_head(struct mb_store *st, json_t **out, struct mb_error *err);

/* An entry as the API shows it. New reference. */
json_t *mb_audit_entry_json(const struct mb_audit_entry *e);

#endif
