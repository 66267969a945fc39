/*
 * api_deals.c - deals on listings, their deliveries (load tickets), a
 * ticket's QR code and public view by its code, a listing's chain of
 * custody and planned-vs-actual balance, and the audit log
 * (docs/deals.md). The rules, who may see and do what included, live in
 * market/deal.c, market/custody.c and market/audit.c; this file reads
 * requests, calls them and replies.
 *
 * Visibility: a deal, its loads and its history are seen by its parties
 * (the listing's organisation, the reserving organisation, the hauler),
 * administrators and municipalities (read-only); to anybody else they do
 * not exist (404). A ticket is also opened by its code alone, without
 * signing in: the 128-bit random code is the capability a receiver or a
 * roadside inspector scans.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/alloc.h"
#include "core/text.h"
#include "market/audit.h"
#include "market/custody.h"
#include "market/deal.h"
#include "market/listing.h"
#include "server/api_util.h"
#include "server/srv.h"
#include "market/parties.h"

/* ---- helpers ---------------------------------------------------------------- */

static int load_listing(struct mb_req *r, int64_t id, struct mb_site_rec *listing);

/* A deal the signed-in user may read, with its listing and the user's
 * parties. 404 (in the words of a missing deal) otherwise. */
static int load_deal(struct mb_req *r, int64_t id, struct mb_deal *d,
                     struct mb_site_rec *listing, unsigned *parties)
{
    struct mb_error err;
    if (mb_deal_read(r->st, &r->user, id, d, listing, parties, &err) == 0)
        return 0;
    mb_api_fail(r, &err);
    return -1;
}

/* A delivery the user may read, with its deal and listing. */
static int load_delivery(struct mb_req *r, int64_t id, struct mb_delivery *v,
                         struct mb_deal *d, struct mb_site_rec *listing, unsigned *parties)
{
    struct mb_error err;
    int rc = mb_store_delivery_get(r->st, id, v, &err);
    if (rc == MB_ENOTFOUND) {
        mb_reply_error(r, 404, "not_found", "id", "no delivery %lld", (long long)id);
        return -1;
    }
    if (rc) {
        mb_reply_mb_error(r, &err);
        return -1;
    }
    if (load_deal(r, v->deal_id, d, listing, parties)) {
        /* Not the deal's words: the delivery is what was asked for. */
        if (r->status == 404)
            mb_reply_error(r, 404, "not_found", "id", "no delivery %lld", (long long)id);
        return -1;
    }
    return 0;
}

/* A deal in a list: with its listing's title and the parties' names. */
static json_t *deal_list_item(struct mb_req *r, const struct mb_deal *d)
{
    json_t *o = mb_deal_json(d);
    struct mb_site_rec listing;
    struct mb_error err;
    if (mb_store_site_get(r->st, d->listing_id, &listing, &err) == 0) {
        json_object_set_new(o, "listing_title", json_string(listing.title));
        json_object_set_new(o, "parties", mb_deal_parties_json(r->st, d, &listing));
        int64_t site_org = 0;
        if (mb_deal_site_org(r->st, d, &site_org, &err) != 0)
            site_org = 0;
        json_object_set_new(o, "may", mb_deal_may_json(d, mb_deal_parties(d, listing.org_id,
                                                                          site_org, &r->user)));
        mb_site_rec_release(&listing);
    }
    return o;
}

/* The deal view: the deal, its listing, the listing's amounts and the
 * deal's loads in tonnes. */
static json_t *deal_view(struct mb_req *r, const struct mb_deal *d,
                         const struct mb_site_rec *listing)
{
    json_t *o = mb_deal_json(d);
    json_object_set_new(o, "listing", json_pack("{s:I, s:s, s:s, s:s, s:I}", "id",
                                                (json_int_t)listing->id, "title", listing->title,
                                                "type", mb_site_type_name(listing->type),
                                                "material", listing->material, "org_id",
                                                (json_int_t)listing->org_id));
    /* Who the other side is, and how to reach them. */
    json_object_set_new(o, "parties", mb_deal_parties_json(r->st, d, listing));
    /* What the caller may do with it now (the buttons the UI shows). */
    int64_t site_org = 0;
    struct mb_error serr;
    if (mb_deal_site_org(r->st, d, &site_org, &serr) != 0)
        site_org = 0;
    json_object_set_new(o, "may", mb_deal_may_json(d, mb_deal_parties(d, listing->org_id,
                                                                      site_org, &r->user)));
    struct mb_error err;
    struct mb_listing_balance b;
    if (mb_deal_listing_balance(r->st, listing, &b, &err) == 0) {
        json_t *a = json_object();
        mb_deal_amounts_json(a, &b);
        json_object_set_new(a, "amount_t", json_real(listing->amount_t));
        json_object_set_new(o, "listing_amounts", a);
    }
    struct mb_delivery *loads;
    size_t n;
    if (mb_store_delivery_list(r->st, d->id, 0, &loads, &n, &err) == 0) {
        struct mb_delivery_totals t = { 0 };
        for (size_t i = 0; i < n; i++)
            mb_delivery_count(&t, &loads[i]);
        json_object_set_new(o, "loads", json_pack("{s:I, s:f, s:f, s:f}", "count",
                                                  (json_int_t)t.loads, "confirmed_t",
                                                  t.confirmed_t, "disputed_t", t.disputed_t,
                                                  "pending_t", t.pending_t));
        free(loads);
    }
    return o;
}

/* Replies with the view of deal `id` read again. */
static void reply_deal(struct mb_req *r, int status, int64_t id)
{
    struct mb_deal d;
    struct mb_site_rec listing;
    struct mb_error err;
    if (mb_store_deal_get(r->st, id, &d, &err) != 0 ||
        mb_store_site_get(r->st, d.listing_id, &listing, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, status, deal_view(r, &d, &listing));
    mb_site_rec_release(&listing);
}

/* "https://host" or "http://host" of the request, for absolute ticket
 * URLs; a Host header with anything but host characters is ignored. */
static void public_base(struct mb_req *r, char *buf, size_t size)
{
    const char *host = mb_req_header(r, "Host");
    const char *proto = mb_req_header(r, "X-Forwarded-Proto");
    bool ok = host && *host && strlen(host) < 200;
    for (const char *p = host; ok && *p; p++)
        ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
             *p == '.' || *p == '-' || *p == ':' || *p == '[' || *p == ']';
    snprintf(buf, size, "%s://%s", proto && strcmp(proto, "https") == 0 ? "https" : "http",
             ok ? host : "localhost");
}

static json_t *delivery_view(struct mb_req *r, const struct mb_delivery *v)
{
    json_t *o = mb_delivery_json(v, true);
    char base[256], url[400], path[64];
    public_base(r, base, sizeof base);
    snprintf(url, sizeof url, "%s/t/%s", base, v->code);
    snprintf(path, sizeof path, "/api/deliveries/%lld/qr.svg", (long long)v->id);
    json_object_set_new(o, "ticket_url", json_string(url));
    json_object_set_new(o, "qr", json_string(path));
    /* Who confirms or disputes it, so a client shows those buttons only
     * to the receiver (the server decides either way). */
    struct mb_deal d;
    struct mb_site_rec listing;
    struct mb_error err;
    int64_t receiver = 0;
    if (mb_store_deal_get(r->st, v->deal_id, &d, &err) == 0 &&
        mb_store_site_get(r->st, d.listing_id, &listing, &err) == 0) {
        if (mb_delivery_receiver(r->st, &d, &listing, v, &receiver, &err) != 0)
            receiver = 0;
        mb_site_rec_release(&listing);
    }
    json_object_set_new(o, "receiver_org", receiver ? json_integer(receiver) : json_null());
    return o;
}

/* Paging of audit lists: after (a seq), limit 1-500. */
static int audit_paging(struct mb_req *r, int64_t *after, int64_t *limit)
{
    *after = 0;
    *limit = 100;
    const char *qa = mb_req_query(r, "after");
    const char *ql = mb_req_query(r, "limit");
    if (qa && !mb_parse_i64(qa, after)) {
        mb_reply_error(r, 400, "invalid", "after", "must be a sequence number (0 or more)");
        return -1;
    }
    if (ql && (!mb_parse_i64(ql, limit) || *limit < 1 || *limit > 500)) {
        mb_reply_error(r, 400, "invalid", "limit", "must be a whole number from 1 to 500");
        return -1;
    }
    return 0;
}

static void reply_audit(struct mb_req *r, const char *entity, int64_t entity_id)
{
    int64_t after, limit;
    if (audit_paging(r, &after, &limit))
        return;
    struct mb_audit_entry *items;
    size_t n;
    struct mb_error err;
    if (mb_store_audit_list(r->st, after, (size_t)limit, entity, entity_id, &items, &n,
                            &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, mb_audit_entry_json(&items[i]));
    json_t *out = json_pack("{s:o}", "items", a);
    json_object_set_new(out, "next_after", n == (size_t)limit ? json_integer(items[n - 1].seq)
                                                              : json_null());
    mb_audit_entries_free(items, n);
    mb_reply_json(r, 200, out);
}

/* ---- deals ------------------------------------------------------------------ */

void mb_api_deals_create(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    static const char *const keys[] = { "amount", "price_nok_per_t", "window",
                                        "counterpart_site", "hauler_org", "use", "note", NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r) ||
        !mb_api_require(r, MB_ACT_LISTING_WRITE))
        return;
    json_t *body = mb_api_body(r, keys);
    if (!body)
        return;
    struct mb_site_rec listing;
    if (load_listing(r, id, &listing)) {
        json_decref(body);
        return;
    }
    struct mb_deal d;
    struct mb_error err;
    if (mb_deal_parse(&r->srv->market, &listing, body, &d, &err) != 0 ||
        mb_deal_reserve(r->st, &r->user, &d, &err) != 0)
        mb_api_fail(r, &err);
    else {
        snprintf(r->location, sizeof r->location, "/api/deals/%lld", (long long)d.id);
        mb_reply_json(r, 201, deal_view(r, &d, &listing));
    }
    mb_site_rec_release(&listing);
    json_decref(body);
}

void mb_api_deals_list(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const q[] = { "state", "listing", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r))
        return;
    int state = -1;
    int64_t listing = 0;
    const char *qs = mb_req_query(r, "state");
    const char *ql = mb_req_query(r, "listing");
    if (qs && (state = mb_deal_state_parse(qs)) < 0) {
        mb_reply_error(r, 400, "invalid", "state", "use reserved, agreed, completed, declined "
                       "or cancelled");
        return;
    }
    if (ql && (!mb_parse_i64(ql, &listing) || listing < 1)) {
        mb_reply_error(r, 400, "invalid", "listing", "must be a listing id");
        return;
    }
    struct mb_deal *items;
    size_t n;
    struct mb_error err;
    if (mb_deal_list(r->st, &r->user, listing, state, &items, &n, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, deal_list_item(r, &items[i]));
    free(items);
    mb_reply_json(r, 200, json_pack("{s:o, s:I}", "items", a, "total", (json_int_t)n));
}

/* A GET of one deal: no query, signed in, a deal the user may read, with
 * its listing (release it); 0, or -1 with the reply set. */
static int readable_deal(struct mb_req *r, int64_t id, struct mb_deal *d,
                         struct mb_site_rec *listing)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return -1;
    unsigned parties;
    return load_deal(r, id, d, listing, &parties);
}

void mb_api_deal_get(struct mb_req *r, int64_t id)
{
    struct mb_deal d;
    struct mb_site_rec listing;
    if (readable_deal(r, id, &d, &listing))
        return;
    mb_reply_json(r, 200, deal_view(r, &d, &listing));
    mb_site_rec_release(&listing);
}

void mb_api_deal_state(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    static const char *const keys[] = { "state", NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *s;
    int to = -1;
    if (mb_api_str(r, b, "state", true, 16, &s) == 0 && (to = mb_deal_state_parse(s)) < 0)
        mb_reply_error(r, 400, "invalid", "state",
                       "use agreed, declined, cancelled or completed");
    json_decref(b);
    if (to < 0)
        return;
    struct mb_deal out;
    struct mb_error err;
    if (mb_deal_move(r->st, &r->user, id, mb_api_if_match(r), (enum mb_deal_state)to, &out,
                     &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    reply_deal(r, 200, id);
}

void mb_api_deal_history(struct mb_req *r, int64_t id)
{
    static const char *const q[] = { "after", "limit", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r))
        return;
    struct mb_deal d;
    struct mb_site_rec listing;
    unsigned parties;
    if (load_deal(r, id, &d, &listing, &parties))
        return;
    mb_site_rec_release(&listing);
    reply_audit(r, "deal", id);
}

/* ---- deliveries -------------------------------------------------------------- */

void mb_api_deliveries_create(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    static const char *const keys[] = { "truck", "euro_class", "amount", "at", "from_site",
                                        "to_site", "replaces", NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    json_t *body = mb_api_body(r, keys);
    if (!body)
        return;
    struct mb_deal d;
    struct mb_site_rec listing;
    unsigned parties;
    if (load_deal(r, id, &d, &listing, &parties)) {
        json_decref(body);
        return;
    }
    struct mb_delivery v;
    struct mb_error err;
    if (mb_delivery_parse(&r->srv->market, &listing, &d, body, (int64_t)time(NULL), &v,
                          &err) != 0 ||
        mb_delivery_register(r->st, &r->user, &v, &err) != 0)
        mb_api_fail(r, &err);
    else {
        snprintf(r->location, sizeof r->location, "/api/deliveries/%lld", (long long)v.id);
        mb_reply_json(r, 201, delivery_view(r, &v));
    }
    mb_site_rec_release(&listing);
    json_decref(body);
}

void mb_api_deliveries_list(struct mb_req *r, int64_t id)
{
    struct mb_deal d;
    struct mb_site_rec listing;
    if (readable_deal(r, id, &d, &listing))
        return;
    mb_site_rec_release(&listing);
    struct mb_delivery *loads;
    size_t n;
    struct mb_error err;
    if (mb_store_delivery_list(r->st, id, 0, &loads, &n, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    /* Tickets are numbered 1, 2, ... per deal: a gap is a lost ticket. */
    json_t *a = json_array(), *gaps = json_array();
    int64_t expect = 1;
    for (size_t i = 0; i < n; i++) {
        for (; expect < loads[i].seq; expect++)
            json_array_append_new(gaps, json_integer(expect));
        expect = loads[i].seq + 1;
        json_array_append_new(a, delivery_view(r, &loads[i]));
    }
    free(loads);
    mb_reply_json(r, 200, json_pack("{s:I, s:o, s:o}", "deal_id", (json_int_t)id, "items", a,
                                    "missing_seq", gaps));
}

/* A GET of one load: no query, signed in, a load the user may read (a
 * party of its deal); 0, or -1 with the reply set. */
static int readable_delivery(struct mb_req *r, int64_t id, struct mb_delivery *v)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return -1;
    struct mb_deal d;
    struct mb_site_rec listing;
    unsigned parties;
    if (load_delivery(r, id, v, &d, &listing, &parties))
        return -1;
    mb_site_rec_release(&listing);
    return 0;
}

void mb_api_delivery_get(struct mb_req *r, int64_t id)
{
    struct mb_delivery v;
    if (readable_delivery(r, id, &v))
        return;
    mb_reply_json(r, 200, delivery_view(r, &v));
}

void mb_api_delivery_state(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    static const char *const keys[] = { "state", "reason", NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *s = NULL, *reason = NULL;
    int to = -1;
    if (mb_api_str(r, b, "state", true, 16, &s) == 0 &&
        mb_api_str(r, b, "reason", false, 500, &reason) == 0 &&
        (to = mb_delivery_state_parse(s)) < 0)
        mb_reply_error(r, 400, "invalid", "state", "use confirmed or disputed");
    char why[512] = "";
    if (reason)
        mb_text_copy(why, sizeof why, reason);
    json_decref(b);
    if (to < 0)
        return;
    struct mb_delivery out;
    struct mb_error err;
    if (mb_delivery_decide(r->st, &r->user, id, mb_api_if_match(r), (enum mb_delivery_state)to,
                           why, &out, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    mb_reply_json(r, 200, delivery_view(r, &out));
}

/* The QR of a load's ticket: its public address (/t/CODE), as SVG. */
static void reply_ticket_qr(struct mb_req *r, const struct mb_delivery *v)
{
    char base[256], url[400];
    public_base(r, base, sizeof base);
    snprintf(url, sizeof url, "%s/t/%s", base, v->code);
    char *svg;
    size_t len;
    struct mb_error err;
    if (mb_ticket_qr_svg(url, &svg, &len, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_owned(r, 200, "image/svg+xml", svg, len);
}

void mb_api_delivery_qr(struct mb_req *r, int64_t id)
{
    struct mb_delivery v;
    if (readable_delivery(r, id, &v))
        return;
    reply_ticket_qr(r, &v);
}

/* Reply to a failed lookup of a ticket's rows: a missing one is the
 * code's 404. */
static void reply_ticket_error(struct mb_req *r, int rc, const struct mb_error *err)
{
    if (rc == MB_ENOTFOUND)
        mb_reply_error(r, 404, "not_found", "code", "no ticket with this code");
    else
        mb_reply_mb_error(r, err);
}

/* The load the ticket code in the path names, for anybody holding the
 * code (the code is the capability; no query). Replies and returns -1
 * when there is none. */
static int ticket_by_code(struct mb_req *r, struct mb_delivery *v)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return -1;
    char code[MB_ROUTE_CODE_MAX + 1];
    struct mb_error err;
    int rc = MB_ENOTFOUND;
    if (mb_route_code(r, code, sizeof code))
        rc = mb_store_delivery_by_code(r->st, code, v, &err);
    if (rc)
        reply_ticket_error(r, rc, &err);
    return rc ? -1 : 0;
}

void mb_api_ticket_qr(struct mb_req *r, int64_t id)
{
    (void)id;
    struct mb_delivery v;
    if (ticket_by_code(r, &v) == 0)
        reply_ticket_qr(r, &v);
}

void mb_api_ticket_get(struct mb_req *r, int64_t id)
{
    (void)id;
    struct mb_delivery v;
    struct mb_deal d;
    struct mb_site_rec listing;
    struct mb_error err;
    if (ticket_by_code(r, &v))
        return;
    int rc = mb_store_deal_get(r->st, v.deal_id, &d, &err);
    if (rc == 0)
        rc = mb_store_site_get(r->st, d.listing_id, &listing, &err);
    if (rc) {
        reply_ticket_error(r, rc, &err);
        return;
    }
    /* What a receiver or an inspector needs on the road; not the code's
     * siblings or the parties' prices. */
    json_t *o = mb_delivery_json(&v, false);
    /* The public sees the public: the title of a listing that is a draft
     * or closed stays hidden, here as in from and to. */
    json_object_set_new(o, "listing",
                        json_pack("{s:I, s:o, s:s, s:s, s:i}", "id", (json_int_t)listing.id,
                                  "title", mb_listing_visible(NULL, &listing)
                                               ? json_string(listing.title) : json_null(),
                                  "material", listing.material, "type",
                                  mb_site_type_name(listing.type), "class", listing.cls));
    json_object_set_new(o, "from", mb_custody_site_ref(r->st, NULL, v.from_site));
    json_object_set_new(o, "to", mb_custody_site_ref(r->st, NULL, v.to_site));
    json_object_set_new(o, "deal_state", json_string(mb_deal_state_name(d.state)));
    /* The parties by name (their contacts are for signed-in users). */
    json_t *parties = mb_deal_parties_json(r->st, &d, &listing);
    const char *who[] = { "owner", "reserver", "hauler", "site_owner" };
    for (size_t i = 0; i < 4; i++) {
        json_t *p = json_object_get(parties, who[i]);
        if (json_is_object(p))
            json_object_set_new(p, "contact", json_null());
    }
    json_object_set_new(o, "parties", parties);
    mb_site_rec_release(&listing);
    mb_reply_json(r, 200, o);
}

/* ---- a listing's custody, balance and history ------------------------------- */

/* The listing (visible, of /api/listings). */
static int load_listing(struct mb_req *r, int64_t id, struct mb_site_rec *listing)
{
    struct mb_error err;
    if (mb_listing_get(r->st, &r->user, MB_FAMILY_LISTING, id, listing, &err) == 0)
        return 0;
    mb_api_fail(r, &err);
    return -1;
}

/* A listing's view from the custody module, as the user sees it. */
static void reply_listing(struct mb_req *r, int64_t id,
                          int (*view)(struct mb_store *, const struct mb_user *,
                                      const struct mb_site_rec *, json_t **, struct mb_error *))
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    struct mb_site_rec listing;
    if (load_listing(r, id, &listing))
        return;
    json_t *out;
    struct mb_error err;
    int rc = view(r->st, &r->user, &listing, &out, &err);
    mb_site_rec_release(&listing);
    if (rc)
        mb_api_fail(r, &err);
    else
        mb_reply_json(r, 200, out);
}

void mb_api_listing_custody(struct mb_req *r, int64_t id)
{
    reply_listing(r, id, mb_custody_json);
}

void mb_api_listing_balance(struct mb_req *r, int64_t id)
{
    reply_listing(r, id, mb_custody_balance_json);
}

void mb_api_listing_history(struct mb_req *r, int64_t id)
{
    static const char *const q[] = { "after", "limit", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r))
        return;
    struct mb_site_rec listing;
    if (load_listing(r, id, &listing))
        return;
    bool all = mb_custody_sees_all(&r->user, &listing);
    mb_site_rec_release(&listing);
    if (!all) {
        mb_reply_error(r, 403, "forbidden", "id", "a listing's history is shown to its "
                       "organisation, administrators and municipalities");
        return;
    }
    reply_audit(r, "listing", id);
}

/* ---- the audit log ---------------------------------------------------------- */

void mb_api_audit_list(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const q[] = { "after", "limit", "entity", "entity_id", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r) ||
        !mb_api_require(r, MB_ACT_OVERSEE))
        return;
    const char *entity = mb_req_query(r, "entity");
    const char *qid = mb_req_query(r, "entity_id");
    int64_t eid = 0;
    if (entity && !mb_audit_entity_known(entity)) {
        mb_reply_error(r, 400, "invalid", "entity", "use listing, facility, deal, delivery, "
                       "organisation, user, document or plan");
        return;
    }
    if (qid && (!entity || !mb_parse_i64(qid, &eid) || eid < 1)) {
        mb_reply_error(r, 400, "invalid", "entity_id", "must be an id, with entity");
        return;
    }
    reply_audit(r, entity, eid);
}

void mb_api_audit_head(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r) ||
        !mb_api_require(r, MB_ACT_OVERSEE))
        return;
    json_t *head;
    struct mb_error err;
    if (mb_audit_signed_head(r->st, &head, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, 200, head);
}
