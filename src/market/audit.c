/*
 * audit.c - the hash chain of the audit log (see audit.h): appending an
 * entry linked to the one before, and verifying the whole log.
 *
 * Appending reads the last entry and inserts the next one inside one
 * write transaction (the caller's BEGIN IMMEDIATE, or our own), so two
 * writers can never both link to the same predecessor.
 *
 * Verification streams the log in pages, so its memory does not grow with
 * the log. The first entry that fails is classified:
 *   missing    its seq is not the one after the previous entry's
 *   edited     its content does not hash to its stored hash
 *   reordered  as edited, but its prev_hash is the hash of another entry
 *              of the log (found in a second pass): it was moved
 *   broken     its own hash holds, but it does not link to the entry
 *              before (that one was rewritten with a fresh hash)
 */
#include "market/audit.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/strbuf.h"
#include "core/text.h"

static void add_field(struct mb_strbuf *b, const char *s)
{
    size_t n = strlen(s);
    mb_strbuf_addf(b, "%zu:", n);
    mb_strbuf_add(b, s, n);
    mb_strbuf_adds(b, "\n");
}

static void add_int(struct mb_strbuf *b, int64_t v)
{
    char num[24];
    snprintf(num, sizeof num, "%lld", (long long)v);
    add_field(b, num);
}

void mb_audit_hash(const struct mb_audit_entry *e, char out[65])
{
    struct mb_strbuf b = { 0 };
    mb_strbuf_adds(&b, "massebank-audit/1\n");
    add_int(&b, e->seq);
    add_int(&b, e->at);
    add_int(&b, e->user_id);
    add_int(&b, e->org_id);
    add_field(&b, e->entity);
    add_int(&b, e->entity_id);
    add_field(&b, e->action);
    add_field(&b, e->detail ? e->detail : "");
    add_field(&b, e->prev_hash);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)b.s, b.len);
    sodium_bin2hex(out, 65, h, sizeof h);
    mb_strbuf_release(&b);
}

const char *const mb_audit_entities[] = {
    "listing", "facility", "deal", "delivery", "organisation", "user", "document", "plan", NULL,
};

bool mb_audit_entity_known(const char *entity)
{
    for (size_t i = 0; entity && mb_audit_entities[i]; i++)
        if (strcmp(entity, mb_audit_entities[i]) == 0)
            return true;
    return false;
}

int mb_audit_append(struct mb_store *st, const struct mb_user *who, const char *entity,
                    int64_t id, const char *action, json_t *detail, struct mb_error *err)
{
    if (!mb_audit_entity_known(entity))
        return mb_error_set(err, MB_EINTERNAL, "entity", "'%s' is not an entity of the audit "
                            "log", entity ? entity : "");
    struct mb_audit_entry e;
    memset(&e, 0, sizeof e);
    int rc = mb_store_begin(st, err);
    if (rc)
        return rc;
    char last[65];
    rc = mb_store_audit_last(st, &e.seq, last, err);
    if (!rc) {
        e.seq++;
        e.at = (int64_t)time(NULL);
        e.user_id = who ? who->id : 0;
        e.org_id = who ? who->org_id : 0;
        mb_text_copy(e.entity, sizeof e.entity, entity);
        e.entity_id = id;
        mb_text_copy(e.action, sizeof e.action, action);
        e.detail = detail ? mb_xjson_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS |
                                                   JSON_REAL_PRECISION(15))
                          : NULL;
        mb_text_copy(e.prev_hash, sizeof e.prev_hash, last[0] ? last : MB_AUDIT_GENESIS);
        mb_audit_hash(&e, e.hash);
        rc = mb_store_audit_insert(st, &e, err);
        free(e.detail);
    }
    if (rc) {
        mb_store_rollback(st);
        return rc;
    }
    return mb_store_commit(st, err);
}

json_t *mb_audit_diff(json_t *before, json_t *after)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;
    json_object_foreach(after, k, v) {
        json_t *old = json_object_get(before, k);
        if (!old || !json_equal(old, v))
            json_object_set_new(out, k, json_pack("{s:O?, s:O}", "from", old, "to", v));
    }
    json_object_foreach(before, k, v) {
        if (!json_object_get(after, k))
            json_object_set_new(out, k, json_pack("{s:O, s:n}", "from", v, "to"));
    }
    return out;
}

const char *mb_audit_problem_name(enum mb_audit_problem p)
{
    static const char *const names[] = { "ok", "edited", "missing", "reordered", "broken" };
    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "unknown";
}

#define PAGE 500

/* The seq of the entry whose stored hash is `hash`, or 0. */
static int find_hash(struct mb_store *st, const char *hash, int64_t *seq, struct mb_error *err)
{
    *seq = 0;
    int64_t after = 0;
    for (;;) {
        struct mb_audit_entry *items;
        size_t n;
        int rc = mb_store_audit_list(st, after, PAGE, NULL, 0, &items, &n, err);
        if (rc)
            return rc;
        for (size_t i = 0; i < n && !*seq; i++)
            if (strcmp(items[i].hash, hash) == 0)
                *seq = items[i].seq;
        after = n ? items[n - 1].seq : after;
        mb_audit_entries_free(items, n);
        if (*seq || n < PAGE)
            return 0;
    }
}

static void found(struct mb_audit_report *rep, enum mb_audit_problem p, int64_t seq,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void found(struct mb_audit_report *rep, enum mb_audit_problem p, int64_t seq,
                  const char *fmt, ...)
{
    rep->problem = p;
    rep->bad_seq = seq;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->message, sizeof rep->message, fmt, ap);
    va_end(ap);
}

int mb_audit_verify(struct mb_store *st, struct mb_audit_report *rep, struct mb_error *err)
{
    memset(rep, 0, sizeof *rep);
    char prev[65];
    mb_text_copy(prev, sizeof prev, MB_AUDIT_GENESIS);
    int64_t prev_seq = 0, after = 0;
    /* A consistent view of the whole log while it is read in pages: a
     * read snapshot, so writers on a live database are not held up. */
    bool opened;
    int rc = mb_store_audit_snapshot_begin(st, &opened, err);
    if (rc)
        return rc;
    while (rep->problem == MB_AUDIT_OK) {
        struct mb_audit_entry *items;
        size_t n;
        if ((rc = mb_store_audit_list(st, after, PAGE, NULL, 0, &items, &n, err)))
            break;
        for (size_t i = 0; i < n && rep->problem == MB_AUDIT_OK; i++) {
            const struct mb_audit_entry *e = &items[i];
            rep->entries++;
            char h[65];
            mb_audit_hash(e, h);
            if (e->seq != prev_seq + 1) {
                found(rep, MB_AUDIT_MISSING, prev_seq + 1,
                      "entry %lld is missing: the log goes from %lld to %lld (deleted)",
                      (long long)(prev_seq + 1), (long long)prev_seq, (long long)e->seq);
            } else if (strcmp(h, e->hash) != 0) {
                int64_t other = 0;
                if (strcmp(e->prev_hash, prev) != 0 &&
                    (rc = find_hash(st, e->prev_hash, &other, err)))
                    break;
                if (other && other != prev_seq)
                    found(rep, MB_AUDIT_REORDERED, e->seq,
                          "entry %lld is out of place: it was written after entry %lld "
                          "(reordered)", (long long)e->seq, (long long)other);
                else
                    found(rep, MB_AUDIT_EDITED, e->seq,
                          "entry %lld was changed after it was written: its content does "
                          "not match its hash (edited)", (long long)e->seq);
            } else if (strcmp(e->prev_hash, prev) != 0) {
                found(rep, MB_AUDIT_BROKEN, e->seq,
                      "entry %lld does not follow entry %lld: its prev_hash differs, so "
                      "entry %lld was rewritten or entries were removed before it",
                      (long long)e->seq, (long long)prev_seq, (long long)prev_seq);
            }
            mb_text_copy(prev, sizeof prev, e->hash);
            prev_seq = e->seq;
        }
        after = n ? items[n - 1].seq : after;
        mb_audit_entries_free(items, n);
        if (rc || n < PAGE)
            break;
    }
    mb_store_audit_snapshot_end(st, opened);
    if (rc)
        return rc;
    if (rep->problem == MB_AUDIT_OK)
        mb_text_copy(rep->head, sizeof rep->head, rep->entries ? prev : "");
    return 0;
}

json_t *mb_audit_entry_json(const struct mb_audit_entry *e)
{
    char when[32] = "";
    time_t t = (time_t)e->at;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_t *detail = e->detail ? json_loads(e->detail, 0, NULL) : NULL;
    if (!json_is_object(detail)) {
        json_decref(detail);
        detail = json_object();
    }
    return json_pack("{s:I, s:s, s:I, s:I, s:s, s:I, s:s, s:o, s:s, s:s}", "seq",
                     (json_int_t)e->seq, "at", when, "user_id", (json_int_t)e->user_id,
                     "org_id", (json_int_t)e->org_id, "entity", e->entity, "entity_id",
                     (json_int_t)e->entity_id, "action", e->action, "detail", detail,
                     "prev_hash", e->prev_hash, "hash", e->hash);
}
