/*
 * audit_key.h - the signing key of a market database's audit log, and the
 * signed head that anchors the log outside the database.
 *
 * The key is an Ed25519 key pair (libsodium crypto_sign) in a file beside
 * the database, "<db>.key" (mode 0600), made on the first audited write.
 * Each entry's hash is signed with it (audit.c), so an entry appended or
 * a chain recomputed by someone holding only the database fails
 * verification. The head - the last entry's seq and hash, the time and
 * the public key, signed - is what a municipality keeps elsewhere (a
 * report, an e-mail, a second server): a log later cut short, or
 * rewritten from some entry on by someone who also holds the key, no
 * longer reaches that head.
 *
 * Key file (text, one field per line):
 *   massebank-audit-key/1
 *   public <64 hex>
 *   secret <128 hex>
 *   since <seq>          the first entry signed with it: every entry from
 *                        it on must be signed and name its row, so a log
 *                        rewritten as unsigned entries by someone without
 *                        the key is "forged", not "older than signatures"
 * Head (JSON): {"format": "massebank-audit-head/1", "seq": N, "hash":
 *   "<hex>", "at": "<UTC ISO 8601>", "public_key": "<hex>", "signature":
 *   "<hex>"}; the signature is over "massebank-audit-head/1\n<seq>\n<hash>\n<at>\n".
 */
#ifndef MB_MARKET_AUDIT_KEY_H
#define MB_MARKET_AUDIT_KEY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/error.h"

struct mb_audit_key {
    unsigned char pk[32];
    unsigned char sk[64];
    bool has_secret;
    int64_t since;  /* the first entry it signs (1 when the file does not say) */
};

/* "<db>.key" into buf. False if it does not fit or db is "". */
bool mb_audit_key_path(const char *db, char *buf, size_t size);

/* Read the key file at path; with create, make a new key there when there
 * is none (O_EXCL, 0600, so two processes agree on one). *found is false
 * when there is none and create is false. */
int mb_audit_key_load(const char *path, bool create, int64_t since, struct mb_audit_key *key,
                      bool *found, struct mb_error *err);

/* The key of the database file db for writing entries, made on first use
 * (signing from entry `seq` on) and kept for the process (NULL: an
 * in-memory database, or no key could be made: then err says why). */
const struct mb_audit_key *mb_audit_key_for(const char *db, int64_t seq, struct mb_error *err);

/* Sign / check an entry's hex hash (sig: 128 hex digits + NUL). */
void mb_audit_key_sign(const struct mb_audit_key *k, const char *hash, char sig[129]);
bool mb_audit_key_check(const unsigned char pk[32], const char *hash, const char *sig);

/* Parse 64 hex digits into a public key. */
bool mb_audit_key_parse_public(const char *hex, unsigned char pk[32]);
/* The public key as 64 hex digits. */
void mb_audit_key_public_hex(const unsigned char pk[32], char out[65]);

/* A signed head of (seq, hash) at Unix time `at`. New reference. */
json_t *mb_audit_head_json(const struct mb_audit_key *k, int64_t seq, const char *hash,
                           int64_t at);

/* A kept head read back: checks its form and its signature. */
struct mb_audit_head {
    int64_t seq;
    char hash[65];
    char at[32];
    unsigned char pk[32];
};
int mb_audit_head_parse(json_t *j, struct mb_audit_head *h, struct mb_error *err);

#endif
