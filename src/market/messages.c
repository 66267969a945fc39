/*
 * messages.c - who may read and write which conversation, and the
 * views of them (see messages.h).
 */
#include "market/messages.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/text.h"
#include "market/audit.h"
#include "market/deal.h"
#include "market/listing.h"
#include "market/market.h"

int mb_message_check(const char *body, struct mb_error *err)
{
    if (!body)
        return mb_error_set(err, MB_EINVAL, "body", "is required");
    size_t n = strlen(body);
    if (!mb_utf8_valid(body, n, NULL))
        return mb_error_set(err, MB_EINVAL, "body", "is not valid UTF-8");
    if (mb_text_has_control(body, n, true))
        return mb_error_set(err, MB_EINVAL, "body", "holds a control character");
    size_t lead = strspn(body, " \t\r\n");
    if (lead == n)
        return mb_error_set(err, MB_EINVAL, "body", "is empty");
    size_t chars = mb_utf8_chars(body);
    if (chars > MB_MESSAGE_MAX_CHARS)
        return mb_error_set(err, MB_EINVAL, "body", "has %zu characters; at most %d",
                            chars, MB_MESSAGE_MAX_CHARS);
    return 0;
}


static json_t *org_ref(struct mb_store *st, int64_t org_id)
{
    struct mb_org o;
    struct mb_error err;
    if (org_id <= 0 || mb_store_org_get(st, org_id, &o, &err) != 0)
        return json_null();
    return json_pack("{s:I, s:s}", "id", (json_int_t)o.id, "name", o.name);
}

/* One thread with its messages; marks it read for `who`. */
static int thread_json(struct mb_store *st, const struct mb_user *who,
                       const struct mb_thread *t, json_t **out, struct mb_error *err)
{
    struct mb_message *m;
    size_t n;
    int rc = mb_store_messages(st, t->id, &m, &n, err);
    if (rc)
        return rc;
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:I, s:s, s:o, s:{s:I, s:s}, s:{s:I, s:s}, s:b}",
            "id", (json_int_t)m[i].id, "body", m[i].body ? m[i].body : "", "created",
            mb_market_time_json(m[i].created), "user", "id", (json_int_t)m[i].user_id, "name", m[i].user_name,
            "org", "id", (json_int_t)m[i].org_id, "name", m[i].org_name, "mine",
            m[i].org_id == who->org_id));
    mb_messages_release(m, n);
    *out = json_pack("{s:I, s:s, s:I, s:o, s:o}", "id", (json_int_t)t->id, "kind", t->kind,
                     "subject_id", (json_int_t)t->subject_id, "asker", org_ref(st, t->asker_org),
                     "messages", a);
    return mb_store_thread_mark_read(st, t->id, who->id, err);
}

/* Append body to thread t as who, with its audit entry, in one
 * transaction. */
static int post(struct mb_store *st, const struct mb_user *who, const struct mb_thread *t,
                const char *body, struct mb_error *err)
{
    char *text = strdup(body);
    if (!text)
        return mb_error_set(err, MB_EINTERNAL, "", "out of memory");
    mb_text_trim(text);
    /* Line ends as LF: a CR (of CRLF or alone) would read as a line
     * break in one place and not in another. */
    size_t o = 0;
    for (size_t i = 0; text[i]; i++) {
        if (text[i] == '\r' && text[i + 1] == '\n')
            continue;
        text[o++] = text[i] == '\r' ? '\n' : text[i];
    }
    text[o] = '\0';
    struct mb_message m = { .thread_id = t->id, .user_id = who->id, .org_id = who->org_id,
                            .body = text };
    unsigned char h[crypto_hash_sha256_BYTES];
    char hex[2 * crypto_hash_sha256_BYTES + 1];
    crypto_hash_sha256(h, (const unsigned char *)text, strlen(text));
    sodium_bin2hex(hex, sizeof hex, h, sizeof h);
    int rc = mb_store_begin(st, err);
    if (!rc) {
        rc = mb_store_message_add(st, &m, err);
        if (!rc) {
            /* Who wrote where, not what: the log is read by authorities,
             * the conversation is the parties'. */
            json_t *d = json_pack("{s:I, s:s, s:I, s:I, s:s}", "thread", (json_int_t)t->id,
                                  "about", t->kind, "subject", (json_int_t)t->subject_id,
                                  "chars", (json_int_t)mb_utf8_chars(text), "sha256", hex);
            rc = mb_audit_append(st, who, "message", m.id, "post", d, err);
            json_decref(d);
        }
        rc = mb_store_end(st, rc, err);
    }
    free(text);
    return rc;
}

static int reply(struct mb_store *st, const struct mb_user *who, const struct mb_thread *t,
                 json_t **out, struct mb_error *err)
{
    if (!out)
        return 0;
    json_t *one;
    int rc = thread_json(st, who, t, &one, err);
    if (!rc)
        *out = one;
    return rc;
}

/* The organisation of listing_id, if the listing is visible to who
 * (MB_ENOTFOUND naming "id" otherwise). */
static int listing_owner(struct mb_store *st, const struct mb_user *who, int64_t listing_id,
                         int64_t *owner, struct mb_error *err)
{
    struct mb_site_rec l;
    int rc = mb_listing_get(st, who, MB_FAMILY_LISTING, listing_id, &l, err);
    if (rc)
        return rc;
    *owner = l.org_id;
    mb_site_rec_release(&l);
    return 0;
}

int mb_messages_post_listing(struct mb_store *st, const struct mb_user *who,
                             int64_t listing_id, int64_t thread_id, const char *body,
                             json_t **out, struct mb_error *err)
{
    if (out)
        *out = NULL;
    int64_t owner;
    int rc = listing_owner(st, who, listing_id, &owner, err);
    if (rc)
        return rc;
    if ((rc = mb_message_check(body, err)))
        return rc;
    struct mb_thread t;
    if (who->org_id == owner) {
        if (thread_id <= 0)
            return mb_error_set(err, MB_EINVAL, "thread_id", "the listing's own organisation "
                                "answers in a thread: name it");
        rc = mb_store_thread_by_id(st, thread_id, &t, err);
        if (rc == MB_ENOTFOUND || (!rc && (strcmp(t.kind, "listing") != 0 ||
                                           t.subject_id != listing_id)))
            return mb_error_set(err, MB_ENOTFOUND, "thread_id", "no thread %lld about this "
                                "listing", (long long)thread_id);
        if (rc)
            return rc;
        if ((rc = post(st, who, &t, body, err)))
            return rc;
        return reply(st, who, &t, out, err);
    }
    /* The asker's thread is made with its first message, in one
     * transaction: a refused post leaves no empty thread behind. */
    if ((rc = mb_store_begin(st, err)))
        return rc;
    rc = mb_store_thread_get(st, "listing", listing_id, who->org_id, true, &t, err);
    if (!rc && thread_id > 0 && thread_id != t.id)
        rc = mb_error_set(err, MB_ENOTFOUND, "thread_id", "no thread %lld of yours about "
                          "this listing", (long long)thread_id);
    if (!rc)
        rc = post(st, who, &t, body, err);
    if ((rc = mb_store_end(st, rc, err)))
        return rc;
    return reply(st, who, &t, out, err);
}

/* The deal, if who is one of its parties (not an admin or authority). */
static int deal_party(struct mb_store *st, const struct mb_user *who, int64_t deal_id,
                      struct mb_error *err)
{
    struct mb_deal d;
    struct mb_site_rec l;
    unsigned parties = 0;
    int rc = mb_deal_read(st, who, deal_id, &d, &l, &parties, err);
    if (rc)
        return rc;
    mb_site_rec_release(&l);
    if (!(parties & (MB_PARTY_OWNER | MB_PARTY_RESERVER | MB_PARTY_HAULER | MB_PARTY_SITE)))
        return mb_error_set(err, MB_ENOTFOUND, "id", "no conversation of yours about deal "
                            "%lld: it is the parties'", (long long)deal_id);
    return 0;
}

int mb_messages_post_deal(struct mb_store *st, const struct mb_user *who, int64_t deal_id,
                          const char *body, json_t **out, struct mb_error *err)
{
    if (out)
        *out = NULL;
    int rc = deal_party(st, who, deal_id, err);
    if (rc || (rc = mb_message_check(body, err)))
        return rc;
    struct mb_thread t;
    if ((rc = mb_store_begin(st, err)))
        return rc;
    rc = mb_store_thread_get(st, "deal", deal_id, 0, true, &t, err);
    if (!rc)
        rc = post(st, who, &t, body, err);
    if ((rc = mb_store_end(st, rc, err)))
        return rc;
    return reply(st, who, &t, out, err);
}

static int threads_json(struct mb_store *st, const struct mb_user *who,
                        struct mb_thread *items, size_t n, json_t **out, struct mb_error *err)
{
    json_t *a = json_array();
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        json_t *one;
        int64_t unread = items[i].unread;
        if ((rc = thread_json(st, who, &items[i], &one, err)) == 0) {
            json_object_set_new(one, "unread", json_integer(unread));
            json_array_append_new(a, one);
        }
    }
    if (rc) {
        json_decref(a);
        return rc;
    }
    *out = json_pack("{s:o}", "threads", a);
    return 0;
}

int mb_messages_listing_json(struct mb_store *st, const struct mb_user *who,
                             int64_t listing_id, json_t **out, struct mb_error *err)
{
    *out = NULL;
    int64_t owner;
    int rc = listing_owner(st, who, listing_id, &owner, err);
    if (rc)
        return rc;
    struct mb_thread *items;
    size_t n;
    if ((rc = mb_store_threads_of(st, "listing", listing_id, who->id, &items, &n, err)))
        return rc;
    /* The owner reads every asker's thread; others their own only. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (who->org_id == owner || items[i].asker_org == who->org_id)
            items[k++] = items[i];
    rc = threads_json(st, who, items, k, out, err);
    free(items);
    return rc;
}

int mb_messages_deal_json(struct mb_store *st, const struct mb_user *who, int64_t deal_id,
                          json_t **out, struct mb_error *err)
{
    *out = NULL;
    int rc = deal_party(st, who, deal_id, err);
    if (rc)
        return rc;
    struct mb_thread *items;
    size_t n;
    if ((rc = mb_store_threads_of(st, "deal", deal_id, who->id, &items, &n, err)))
        return rc;
    rc = threads_json(st, who, items, n, out, err);
    free(items);
    return rc;
}

int mb_messages_inbox_json(struct mb_store *st, const struct mb_user *who, json_t **out,
                           struct mb_error *err)
{
    *out = NULL;
    struct mb_thread *items;
    size_t n;
    int rc = mb_store_threads_inbox(st, who->org_id, who->id, 200, &items, &n, err);
    if (rc)
        return rc;
    json_t *a = json_array();
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        char title[200] = "";
        if (strcmp(items[i].kind, "listing") == 0) {
            struct mb_site_rec l;
            struct mb_error e2;
            if (mb_store_site_get(st, items[i].subject_id, &l, &e2) == 0) {
                mb_text_copy(title, sizeof title, l.title);
                mb_site_rec_release(&l);
            }
        } else {
            struct mb_deal d;
            struct mb_site_rec l;
            struct mb_error e2;
            if (mb_store_deal_get(st, items[i].subject_id, &d, &e2) == 0 &&
                mb_store_site_get(st, d.listing_id, &l, &e2) == 0) {
                mb_text_copy(title, sizeof title, l.title);
                mb_site_rec_release(&l);
            }
        }
        total += items[i].unread;
        json_array_append_new(a, json_pack("{s:I, s:s, s:I, s:s, s:o, s:o, s:I, s:I}", "id",
            (json_int_t)items[i].id, "kind", items[i].kind, "subject_id",
            (json_int_t)items[i].subject_id, "title", title, "asker",
            org_ref(st, items[i].asker_org), "last_at", mb_market_time_json(items[i].last_at), "unread",
            (json_int_t)items[i].unread, "messages", (json_int_t)items[i].messages));
    }
    free(items);
    *out = json_pack("{s:I, s:o}", "unread", (json_int_t)total, "threads", a);
    return 0;
}
