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
#include "market/audit_key.h"

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
    /* Version 2 adds the state the entry wrote; entries without one (of
     * schema versions before 5, and plans) keep version 1. */
    mb_strbuf_adds(&b, e->state[0] ? "massebank-audit/2\n" : "massebank-audit/1\n");
    add_int(&b, e->seq);
    add_int(&b, e->at);
    add_int(&b, e->user_id);
    add_int(&b, e->org_id);
    add_field(&b, e->entity);
    add_int(&b, e->entity_id);
    add_field(&b, e->action);
    add_field(&b, e->detail ? e->detail : "");
    add_field(&b, e->prev_hash);
    if (e->state[0])
        add_field(&b, e->state);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)b.s, b.len);
    sodium_bin2hex(out, 65, h, sizeof h);
    mb_strbuf_release(&b);
}

const char *const mb_audit_entities[] = {
    "listing", "facility", "deal", "delivery", "organisation", "org_contact", "user", "document",
    "message", "plan", "suggestion", NULL,
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
        /* The row as this change left it, in this transaction. */
        rc = mb_store_audit_row_hash(st, entity, id, e.state, err);
    }
    if (!rc) {
        mb_audit_hash(&e, e.hash);
        /* Signed with the database's key (none for an in-memory one); a
         * key that cannot be made stops the write. */
        struct mb_error kerr;
        mb_error_clear(&kerr);
        const struct mb_audit_key *k = mb_audit_key_for(mb_store_file(st), e.seq, &kerr);
        if (k) {
            mb_audit_key_sign(k, e.hash, e.sig);
        } else if (kerr.code) {
            rc = kerr.code;
            if (err)
                *err = kerr;
        }
    }
    if (!rc)
        rc = mb_store_audit_insert(st, &e, err);
    free(e.detail);
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
    static const char *const names[] = { "ok",         "edited",       "missing",
                                         "reordered",  "broken",       "forged",
                                         "truncated",  "rewritten",    "row_changed",
                                         "row_unaudited", "row_gone" };
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

/* The last entry of each (entity, id): what its row must be now. An open
 * addressing table keyed by entity and id. */
struct last_state {
    int64_t id, seq;
    char entity[16];
    char state[65];
    bool seen_row;
    bool deleted;   /* the last entry deleted the row */
};

struct states {
    struct last_state *v;
    size_t cap, n;
};

static size_t state_slot(const struct states *t, const char *entity, int64_t id)
{
    uint64_t h = (uint64_t)id * 0x9E3779B97F4A7C15ull ^ (unsigned char)entity[0] ^
                 ((uint64_t)(unsigned char)entity[1] << 8);
    size_t i = (size_t)(h % t->cap);
    while (t->v[i].seq && (t->v[i].id != id || strcmp(t->v[i].entity, entity) != 0))
        i = (i + 1) % t->cap;
    return i;
}

static void states_grow(struct states *t)
{
    struct states bigger = { mb_xcalloc(t->cap ? t->cap * 2 : 1024, sizeof *t->v),
                             t->cap ? t->cap * 2 : 1024, 0 };
    for (size_t i = 0; i < t->cap; i++)
        if (t->v[i].seq) {
            bigger.v[state_slot(&bigger, t->v[i].entity, t->v[i].id)] = t->v[i];
            bigger.n++;
        }
    free(t->v);
    *t = bigger;
}

/* A site's entries may name it a listing or a facility by its type: one
 * key for both. */
static const char *row_entity(const char *entity)
{
    return strcmp(entity, "facility") == 0 ? "listing" : entity;
}

/* Entities whose entries carry no row state: a plan (its job is no
 * market row) and a suggestion (derived from a plan's stored result;
 * its entries log the decisions on it). */
static bool rowless(const char *entity)
{
    return strcmp(entity, "plan") == 0 || strcmp(entity, "suggestion") == 0;
}

static void states_put(struct states *t, const struct mb_audit_entry *e)
{
    if (rowless(e->entity))
        return; /* no row of its own */
    if (2 * (t->n + 1) > t->cap)
        states_grow(t);
    const char *entity = row_entity(e->entity);
    struct last_state *s = &t->v[state_slot(t, entity, e->entity_id)];
    if (!s->seq) {
        t->n++;
        s->id = e->entity_id;
        mb_text_copy(s->entity, sizeof s->entity, entity);
    }
    s->seq = e->seq;
    s->deleted = strcmp(e->action, "delete") == 0;
    mb_text_copy(s->state, sizeof s->state, e->state);
}

struct row_list {
    struct {
        char entity[16];
        int64_t id;
    } *v;
    size_t n, cap;
};

static int collect_row(const char *entity, int64_t id, void *cls)
{
    struct row_list *l = cls;
    l->v = mb_xgrow(l->v, &l->cap, l->n + 1, sizeof *l->v);
    mb_text_copy(l->v[l->n].entity, sizeof l->v[l->n].entity, entity);
    l->v[l->n++].id = id;
    return 0;
}

/* Every row the log covers must be as its last entry wrote it; a row no
 * entry names, or an entry's row that is gone, was written outside the
 * program. Rows whose last entry predates row states are counted only. */
static int check_rows(struct mb_store *st, struct states *t, struct mb_audit_report *rep,
                      struct mb_error *err)
{
    struct row_list rows = { 0 };
    int rc = mb_store_audit_rows(st, collect_row, &rows, err);
    for (size_t i = 0; !rc && i < rows.n && rep->problem == MB_AUDIT_OK; i++) {
        const char *entity = row_entity(rows.v[i].entity);
        int64_t id = rows.v[i].id;
        struct last_state *s = t->cap ? &t->v[state_slot(t, entity, id)] : NULL;
        if (!s || !s->seq) {
            found(rep, MB_AUDIT_ROW_UNAUDITED, 0, "%s %lld has no entry in the log: it was "
                  "written outside the program", rows.v[i].entity, (long long)id);
            break;
        }
        s->seen_row = true;
        if (s->deleted) {
            found(rep, MB_AUDIT_ROW_UNAUDITED, s->seq, "%s %lld was deleted by entry %lld, yet "
                  "it is there: it was put back outside the program", rows.v[i].entity,
                  (long long)id, (long long)s->seq);
            break;
        }
        if (!s->state[0]) {
            rep->rows_unchecked++;
            continue;
        }
        char h[65];
        if ((rc = mb_store_audit_row_hash(st, rows.v[i].entity, id, h, err)))
            break;
        if (strcmp(h, s->state) != 0)
            found(rep, MB_AUDIT_ROW_CHANGED, s->seq, "%s %lld is not as entry %lld wrote it: "
                  "it was changed outside the program", rows.v[i].entity, (long long)id,
                  (long long)s->seq);
        else
            rep->rows_checked++;
    }
    for (size_t i = 0; !rc && i < t->cap && rep->problem == MB_AUDIT_OK; i++)
        if (t->v[i].seq && t->v[i].state[0] && !t->v[i].seen_row)
            found(rep, MB_AUDIT_ROW_GONE, t->v[i].seq, "%s %lld, written by entry %lld, is "
                  "gone: it was deleted outside the program", t->v[i].entity,
                  (long long)t->v[i].id, (long long)t->v[i].seq);
    free(rows.v);
    return rc;
}

int mb_audit_verify(struct mb_store *st, const struct mb_audit_check *chk,
                    struct mb_audit_report *rep, struct mb_error *err)
{
    static const struct mb_audit_check none = { 0 };
    if (!chk)
        chk = &none;
    memset(rep, 0, sizeof *rep);
    char prev[65];
    mb_text_copy(prev, sizeof prev, MB_AUDIT_GENESIS);
    int64_t prev_seq = 0, after = 0;
    bool head_found = false;
    struct states t = { 0 };
    /* From this entry on every entry must be signed (the key file says
     * since when; a key given otherwise covers the whole log). */
    int64_t signed_from = chk->since > 0 ? chk->since : 1;
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
            } else if (chk->key && e->sig[0] && !mb_audit_key_check(chk->key, e->hash, e->sig)) {
                found(rep, MB_AUDIT_FORGED, e->seq,
                      "entry %lld is not signed by the audit key: it was added or "
                      "recomputed by someone without the key (forged)", (long long)e->seq);
            } else if (chk->key && !e->sig[0] &&
                       (rep->signed_entries || e->state[0] || e->seq >= signed_from)) {
                found(rep, MB_AUDIT_FORGED, e->seq,
                      "entry %lld carries no signature, though the log is signed from entry "
                      "%lld on: it was added or recomputed by someone without the key (forged)",
                      (long long)e->seq, (long long)signed_from);
            } else if (chk->key && e->seq >= signed_from && !e->state[0] &&
                       !rowless(e->entity) && strcmp(e->action, "delete") != 0) {
                found(rep, MB_AUDIT_FORGED, e->seq,
                      "entry %lld names no row, though entries from %lld on do: it was "
                      "recomputed by someone without the key (forged)", (long long)e->seq,
                      (long long)signed_from);
            } else if (chk->head && e->seq == chk->head->seq &&
                       strcmp(e->hash, chk->head->hash) != 0) {
                found(rep, MB_AUDIT_REWRITTEN, e->seq,
                      "entry %lld is not the one the kept head names (hash %.12s..., kept "
                      "%.12s...): the log was rewritten up to it", (long long)e->seq, e->hash,
                      chk->head->hash);
            }
            if (rep->problem != MB_AUDIT_OK)
                break;
            if (e->sig[0])
                rep->signed_entries++;
            if (chk->head && e->seq == chk->head->seq)
                head_found = true;
            if (chk->rows)
                states_put(&t, e);
            mb_text_copy(prev, sizeof prev, e->hash);
            prev_seq = e->seq;
        }
        after = n ? items[n - 1].seq : after;
        mb_audit_entries_free(items, n);
        if (rc || n < PAGE)
            break;
    }
    if (!rc && rep->problem == MB_AUDIT_OK && chk->head && chk->head->seq > 0 && !head_found)
        found(rep, MB_AUDIT_TRUNCATED, prev_seq + 1,
              "the log ends at entry %lld, before entry %lld of the kept head (%s): it was cut "
              "short", (long long)prev_seq, (long long)chk->head->seq, chk->head->at);
    if (!rc && rep->problem == MB_AUDIT_OK && chk->rows)
        rc = check_rows(st, &t, rep, err);
    mb_store_audit_snapshot_end(st, opened);
    free(t.v);
    if (rc)
        return rc;
    if (rep->problem == MB_AUDIT_OK) {
        mb_text_copy(rep->head, sizeof rep->head, rep->entries ? prev : "");
        rep->head_seq = prev_seq;
    }
    return 0;
}

int mb_audit_signed_head(struct mb_store *st, json_t **out, struct mb_error *err)
{
    *out = NULL;
    struct mb_error kerr;
    mb_error_clear(&kerr);
    int64_t last_seq;
    char last_hash[65];
    int lrc = mb_store_audit_last(st, &last_seq, last_hash, err);
    if (lrc)
        return lrc;
    const struct mb_audit_key *k = mb_audit_key_for(mb_store_file(st), last_seq + 1, &kerr);
    if (!k) {
        if (kerr.code)
            return err ? (*err = kerr, kerr.code) : kerr.code;
        return mb_error_set(err, MB_ECONFLICT, "audit", "an in-memory database has no audit "
                            "key");
    }
    struct mb_audit_check chk = { .key = k->pk, .since = k->since, .rows = true };
    struct mb_audit_report rep;
    int rc = mb_audit_verify(st, &chk, &rep, err);
    if (rc)
        return rc;
    if (rep.problem != MB_AUDIT_OK)
        return mb_error_set(err, MB_ECONFLICT, "audit", "the log is not intact (%s): %s",
                            mb_audit_problem_name(rep.problem), rep.message);
    *out = mb_audit_head_json(k, rep.head_seq, rep.head[0] ? rep.head : MB_AUDIT_GENESIS,
                              (int64_t)time(NULL));
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
    return json_pack("{s:I, s:s, s:I, s:I, s:s, s:I, s:s, s:o, s:s, s:s, s:s, s:s}", "seq",
                     (json_int_t)e->seq, "at", when, "user_id", (json_int_t)e->user_id,
                     "org_id", (json_int_t)e->org_id, "entity", e->entity, "entity_id",
                     (json_int_t)e->entity_id, "action", e->action, "detail", detail,
                     "prev_hash", e->prev_hash, "hash", e->hash, "state", e->state, "sig",
                     e->sig);
}
