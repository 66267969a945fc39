/*
 * api_deals.c - deals on listings, their deliveries (load tickets), a
 * ticket's QR code and public view by its code, a listing's chain of
 * custody and planned-vs-actual balance, and the audit log
 * (docs/deals.md). The rules live in market/deal.c and market/audit.c;
 * this file reads requests, decides who may see and do what, and replies.
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
#include "market/deal.h"
#include "server/api_util.h"
#include "server/srv.h"

/* ---- helpers ---------------------------------------------------------------- */

/* A deal the signed-in user may read, with its listing and the user's
 * parties. 404 (in the words of a missing deal) otherwise. */
static int load_deal(struct mb_req *r, int64_t id, struct mb_deal *d,
                     struct mb_site_rec *listing, unsigned *parties)
{
    struct mb_error err;
    int rc = mb_store_deal_get(r->st, id, d, &err);
    if (rc == 0 && (rc = mb_store_site_get(r->st, d->listing_id, listing, &err)) == 0) {
        *parties = mb_deal_parties(d, listing->org_id, &r->user);
        if (mb_deal_may_read(*parties))
            return 0;
        mb_site_rec_release(listing);
        rc = MB_ENOTFOUND;
    }
    if (rc == MB_ENOTFOUND)
        mb_reply_error(r, 404, "not_found", "id", "no deal %lld", (long long)id);
    else
        mb_reply_mb_error(r, &err);
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

static json_t *site_ref(struct mb_store *st, int64_t id)
{
    if (!id)
        return json_null();
    struct mb_site_rec s;
    struct mb_error err;
    if (mb_store_site_get(st, id, &s, &err) != 0)
        return json_pack("{s:I, s:n, s:n}", "id", (json_int_t)id, "title", "type");
    json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "title", s.title, "type",
                          mb_site_type_name(s.type));
    mb_site_rec_release(&s);
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
    double conf = 0, disp = 0, pend = 0;
    if (mb_store_delivery_list(r->st, d->id, 0, &loads, &n, &err) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (loads[i].state == MB_DELIVERY_CONFIRMED)
                conf += loads[i].amount_t;
            else if (loads[i].state == MB_DELIVERY_DISPUTED)
                disp += loads[i].amount_t;
            else
                pend += loads[i].amount_t;
        }
        json_object_set_new(o, "loads", json_pack("{s:I, s:f, s:f, s:f}", "count",
                                                  (json_int_t)n, "confirmed_t", conf,
                                                  "disputed_t", disp, "pending_t", pend));
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
    if (mb_api_visible_site(r, id, &listing) || !mb_api_path_family_ok(r, &listing)) {
        json_decref(body);
        return;
    }
    struct mb_deal d;
    struct mb_error err;
    int rc;
    if (listing.org_id == r->user.org_id)
        mb_reply_error(r, 403, "forbidden", "id",
                       "a listing is reserved by another organisation than its own");
    else if ((rc = mb_deal_parse(&r->srv->market, &listing, body, &d, &err)) != 0 ||
             (rc = mb_deal_reserve(r->st, &r->user, &d, &err)) != 0)
        mb_reply_mb_error(r, &err);
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
    bool all = r->user.role == MB_ROLE_ADMIN || r->user.role == MB_ROLE_MUNICIPALITY;
    struct mb_deal *items;
    size_t n;
    struct mb_error err;
    if (mb_store_deal_list(r->st, listing, all ? 0 : r->user.org_id, state, &items, &n,
                           &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, mb_deal_json(&items[i]));
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
    struct mb_deal d;
    struct mb_site_rec listing;
    unsigned parties;
    if (load_deal(r, id, &d, &listing, &parties))
        return;
    mb_site_rec_release(&listing);
    if (!mb_api_version_ok(r, d.version, "deal"))
        return;
    if ((parties & ~MB_PARTY_AUTHORITY) == 0) {
        mb_reply_error(r, 403, "forbidden", "role", "a municipality reads deals; it does not "
                       "change them");
        return;
    }
    if (d.state != (enum mb_deal_state)to &&
        mb_deal_may_move(d.state, (enum mb_deal_state)to, MB_PARTY_ADMIN) &&
        !mb_deal_may_move(d.state, (enum mb_deal_state)to, parties)) {
        mb_reply_error(r, 403, "forbidden", "id", "your organisation may not make this deal %s",
                       mb_deal_state_name((enum mb_deal_state)to));
        return;
    }
    struct mb_deal out;
    struct mb_error err;
    if (mb_deal_move(r->st, &r->user, id, (enum mb_deal_state)to, &out, &err) != 0) {
        mb_reply_mb_error(r, &err);
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
    unsigned haulers = MB_PARTY_ADMIN |
                       (d.hauler_org ? MB_PARTY_HAULER : MB_PARTY_OWNER | MB_PARTY_RESERVER);
    struct mb_delivery v;
    struct mb_error err;
    if (!(parties & haulers))
        mb_reply_error(r, 403, "forbidden", "id", "only the deal's %s registers its loads",
                       d.hauler_org ? "hauler" : "parties");
    else if (mb_delivery_parse(&r->srv->market, &listing, &d, body, (int64_t)time(NULL), &v,
                               &err) != 0 ||
             mb_delivery_register(r->st, &r->user, &v, &err) != 0)
        mb_reply_mb_error(r, &err);
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
        mb_api_str(r, b, "reason", false, 500, &reason) == 0) {
        to = mb_delivery_state_parse(s);
        if (to != MB_DELIVERY_CONFIRMED && to != MB_DELIVERY_DISPUTED) {
            to = -1;
            mb_reply_error(r, 400, "invalid", "state", "use confirmed or disputed");
        } else if (to == MB_DELIVERY_DISPUTED && !reason) {
            to = -1;
            mb_reply_error(r, 400, "invalid", "reason", "is required to dispute a load");
        } else if (to == MB_DELIVERY_CONFIRMED && reason) {
            to = -1;
            mb_reply_error(r, 400, "invalid", "reason", "is given only with disputed");
        }
    }
    char why[512] = "";
    if (reason)
        mb_text_copy(why, sizeof why, reason);
    json_decref(b);
    if (to < 0)
        return;
    struct mb_delivery v, out;
    struct mb_deal d;
    struct mb_site_rec listing;
    unsigned parties;
    if (load_delivery(r, id, &v, &d, &listing, &parties))
        return;
    struct mb_error err;
    int64_t receiver = 0;
    int rc = mb_delivery_receiver(r->st, &d, &listing, &v, &receiver, &err);
    mb_site_rec_release(&listing);
    if (rc) {
        mb_reply_mb_error(r, &err);
        return;
    }
    if (!mb_api_version_ok(r, v.version, "delivery"))
        return;
    if (r->user.org_id != receiver && r->user.role != MB_ROLE_ADMIN) {
        mb_reply_error(r, 403, "forbidden", "id", "only the receiving organisation confirms "
                       "or disputes a load");
        return;
    }
    if (mb_delivery_decide(r->st, &r->user, id, (enum mb_delivery_state)to, why, &out,
                           &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, 200, delivery_view(r, &out));
}

void mb_api_delivery_qr(struct mb_req *r, int64_t id)
{
    struct mb_delivery v;
    if (readable_delivery(r, id, &v))
        return;
    char base[256], url[400];
    public_base(r, base, sizeof base);
    snprintf(url, sizeof url, "%s/t/%s", base, v.code);
    char *svg;
    size_t len;
    struct mb_error err;
    if (mb_ticket_qr_svg(url, &svg, &len, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_owned(r, 200, "image/svg+xml", svg, len);
}

void mb_api_ticket_get(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    char code[MB_ROUTE_CODE_MAX + 1];
    struct mb_delivery v;
    struct mb_deal d;
    struct mb_site_rec listing;
    struct mb_error err;
    int rc = MB_ENOTFOUND;
    if (mb_route_code(r, code, sizeof code) &&
        (rc = mb_store_delivery_by_code(r->st, code, &v, &err)) == 0 &&
        (rc = mb_store_deal_get(r->st, v.deal_id, &d, &err)) == 0)
        rc = mb_store_site_get(r->st, d.listing_id, &listing, &err);
    if (rc == MB_ENOTFOUND) {
        mb_reply_error(r, 404, "not_found", "code", "no ticket with this code");
        return;
    }
    if (rc) {
        mb_reply_mb_error(r, &err);
        return;
    }
    /* What a receiver or an inspector needs on the road; not the code's
     * siblings or the parties' prices. */
    json_t *o = mb_delivery_json(&v, false);
    json_object_set_new(o, "listing", json_pack("{s:I, s:s, s:s}", "id", (json_int_t)listing.id,
                                                "title", listing.title, "material",
                                                listing.material));
    json_object_set_new(o, "from", site_ref(r->st, v.from_site));
    json_object_set_new(o, "to", site_ref(r->st, v.to_site));
    json_object_set_new(o, "deal_state", json_string(mb_deal_state_name(d.state)));
    mb_site_rec_release(&listing);
    mb_reply_json(r, 200, o);
}

/* ---- a listing's custody, balance and history ------------------------------- */

/* The listing (visible, of /api/listings) and whether the user sees all of
 * its deals (its organisation, administrators, municipalities). */
static int load_listing(struct mb_req *r, int64_t id, struct mb_site_rec *listing, bool *all)
{
    if (mb_api_visible_site(r, id, listing) || !mb_api_path_family_ok(r, listing))
        return -1;
    *all = r->user.org_id == listing->org_id || r->user.role == MB_ROLE_ADMIN ||
           r->user.role == MB_ROLE_MUNICIPALITY;
    return 0;
}

/* The loads the user may see of a listing: all, or those of deals the
 * user's organisation is a party of. */
static int listing_loads(struct mb_req *r, const struct mb_site_rec *listing, bool all,
                         struct mb_delivery **loads, size_t *n)
{
    struct mb_error err;
    if (mb_store_delivery_list(r->st, 0, listing->id, loads, n, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return -1;
    }
    if (all)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < *n; i++) {
        struct mb_deal d;
        if (mb_store_deal_get(r->st, (*loads)[i].deal_id, &d, &err) == 0 &&
            mb_deal_may_read(mb_deal_parties(&d, listing->org_id, &r->user)))
            (*loads)[k++] = (*loads)[i];
    }
    *n = k;
    return 0;
}

/* Onward custody of one hop: what a storage site or plant received from
 * every source and sent on, by confirmed loads. A listing's masses mix
 * there with others', so its part of what left is attributed by mass
 * balance: its share of what the site received. Only totals per onward
 * destination are shown, not other deals' loads. */
struct onward {
    int64_t site;
    double in_t, out_t;
    int64_t *to;
    double *to_t;
    size_t n, cap;
};

static int onward_one(const struct mb_load *l, void *ctx)
{
    struct onward *o = ctx;
    if (l->to_site == o->site)
        o->in_t += l->amount_t;
    if (l->from_site != o->site)
        return 0;
    o->out_t += l->amount_t;
    size_t k = 0;
    while (k < o->n && o->to[k] != l->to_site)
        k++;
    if (k == o->n) {
        size_t cap = o->cap;
        o->to = mb_xgrow(o->to, &cap, o->n + 1, sizeof *o->to);
        o->to_t = mb_xgrow(o->to_t, &o->cap, o->n + 1, sizeof *o->to_t);
        o->to[o->n] = l->to_site;
        o->to_t[o->n++] = 0;
    }
    o->to_t[k] += l->amount_t;
    return 0;
}

static json_t *onward_json(struct mb_req *r, int64_t site, double mine_t)
{
    struct onward o = { site, 0, 0, NULL, NULL, 0, 0 };
    struct mb_load_query q = { 0, 0, true, 0 };
    struct mb_error err;
    if (mb_store_loads(r->st, &q, onward_one, &o, &err) != 0) {
        free(o.to);
        free(o.to_t);
        return json_null();
    }
    double share = o.in_t > 0 ? mine_t / o.in_t : 0;
    if (share > 1)
        share = 1;
    json_t *to = json_array();
    for (size_t k = 0; k < o.n; k++)
        json_array_append_new(to, json_pack("{s:o, s:f, s:f}", "site", site_ref(r->st, o.to[k]),
                                            "sent_t", o.to_t[k], "attributed_t",
                                            o.to_t[k] * share));
    free(o.to);
    free(o.to_t);
    return json_pack("{s:f, s:f, s:f, s:f, s:o}", "received_t", o.in_t, "share", share,
                     "sent_t", o.out_t, "attributed_t", o.out_t * share, "to", to);
}

void mb_api_listing_custody(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    struct mb_site_rec listing;
    bool all;
    if (load_listing(r, id, &listing, &all))
        return;
    struct mb_delivery *loads;
    size_t n;
    if (listing_loads(r, &listing, all, &loads, &n)) {
        mb_site_rec_release(&listing);
        return;
    }
    json_t *items = json_array(), *dest = json_array();
    double conf = 0, disp = 0, pend = 0;
    /* Destinations in order of first appearance; loads by deal and
     * ticket number. */
    int64_t *seen = mb_xcalloc(n ? n : 1, sizeof *seen);
    size_t nseen = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mb_delivery *v = &loads[i];
        json_t *o = mb_delivery_json(v, false);
        json_object_set_new(o, "ticket", json_pack("{s:I, s:I}", "deal_id",
                                                   (json_int_t)v->deal_id, "seq",
                                                   (json_int_t)v->seq));
        json_array_append_new(items, o);
        double *sum = v->state == MB_DELIVERY_CONFIRMED ? &conf
                      : v->state == MB_DELIVERY_DISPUTED ? &disp : &pend;
        *sum += v->amount_t;
        bool known = false;
        for (size_t k = 0; k < nseen && !known; k++)
            known = seen[k] == v->to_site;
        if (known)
            continue;
        seen[nseen++] = v->to_site;
        double c = 0, d = 0, p = 0;
        size_t count = 0;
        for (size_t k = i; k < n; k++) {
            if (loads[k].to_site != v->to_site)
                continue;
            count++;
            if (loads[k].state == MB_DELIVERY_CONFIRMED)
                c += loads[k].amount_t;
            else if (loads[k].state == MB_DELIVERY_DISPUTED)
                d += loads[k].amount_t;
            else
                p += loads[k].amount_t;
        }
        json_t *ref = site_ref(r->st, v->to_site);
        const char *type = json_string_value(json_object_get(ref, "type"));
        bool passes_on = type && (strcmp(type, "storage") == 0 || strcmp(type, "plant") == 0);
        json_t *dj = json_pack("{s:o, s:I, s:f, s:f, s:f}", "site", ref, "loads",
                               (json_int_t)count, "confirmed_t", c, "disputed_t", d,
                               "pending_t", p);
        json_object_set_new(dj, "onward", passes_on ? onward_json(r, v->to_site, c)
                                                    : json_null());
        json_array_append_new(dest, dj);
    }
    free(seen);
    free(loads);
    json_t *out = json_pack("{s:I, s:s, s:s, s:o, s:o, s:{s:I, s:f, s:f, s:f}}", "listing_id",
                            (json_int_t)listing.id, "title", listing.title, "material",
                            listing.material, "loads", items, "destinations", dest, "totals",
                            "loads", (json_int_t)n, "confirmed_t", conf, "disputed_t", disp,
                            "pending_t", pend);
    mb_site_rec_release(&listing);
    mb_reply_json(r, 200, out);
}

void mb_api_listing_balance(struct mb_req *r, int64_t id)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    struct mb_site_rec listing;
    bool all;
    if (load_listing(r, id, &listing, &all))
        return;
    if (!all) {
        mb_site_rec_release(&listing);
        mb_reply_error(r, 403, "forbidden", "id", "the balance is shown to the listing's "
                       "organisation, administrators and municipalities");
        return;
    }
    struct mb_delivery *loads;
    size_t n;
    if (listing_loads(r, &listing, true, &loads, &n)) {
        mb_site_rec_release(&listing);
        return;
    }
    json_t *out = mb_deal_balance_json(&listing, loads, n);
    free(loads);
    struct mb_listing_balance b;
    struct mb_error err;
    if (mb_deal_listing_balance(r->st, &listing, &b, &err) == 0)
        mb_deal_amounts_json(out, &b);
    mb_site_rec_release(&listing);
    mb_reply_json(r, 200, out);
}

void mb_api_listing_history(struct mb_req *r, int64_t id)
{
    static const char *const q[] = { "after", "limit", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r))
        return;
    struct mb_site_rec listing;
    bool all;
    if (load_listing(r, id, &listing, &all))
        return;
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
        !mb_api_require_role(r, 1u << MB_ROLE_ADMIN | 1u << MB_ROLE_MUNICIPALITY))
        return;
    const char *entity = mb_req_query(r, "entity");
    const char *qid = mb_req_query(r, "entity_id");
    int64_t eid = 0;
    static const char *const entities[] = { "listing", "facility", "deal", "delivery",
                                            "organisation", "user", "document", NULL };
    bool known = !entity;
    for (size_t i = 0; entity && entities[i] && !known; i++)
        known = strcmp(entity, entities[i]) == 0;
    if (!known) {
        mb_reply_error(r, 400, "invalid", "entity", "use listing, facility, deal, delivery, "
                       "organisation, user or document");
        return;
    }
    if (qid && (!entity || !mb_parse_i64(qid, &eid) || eid < 1)) {
        mb_reply_error(r, 400, "invalid", "entity_id", "must be an id, with entity");
        return;
    }
    reply_audit(r, entity, eid);
}
