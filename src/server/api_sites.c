/*
 * api_sites.c - listings and facilities: create, read, replace, change
 * status, matches. The HTTP side only: the rules (who may see and change
 * a site, the status machine, the write with its audit entry) are
 * market/listing.h's; a listing's view shows its committed, available and
 * remaining tonnes (market/deal.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "core/words_json.h"
#include "market/deal.h"
#include "market/listing.h"
#include "market/market.h"
#include "market/road_km.h"
#include "server/api_util.h"
#include "server/srv.h"
#include "market/parties.h"

/* The view of a site; a listing's with its amounts. */
static json_t *site_view(struct mb_req *r, const struct mb_site_rec *rec)
{
    json_t *j = mb_market_site_json(rec);
    if (rec->type == MB_TYPE_SUPPLY || rec->type == MB_TYPE_NEED) {
        struct mb_listing_balance b;
        struct mb_error err;
        if (mb_deal_listing_balance(r->st, rec, &b, &err) == 0)
            mb_deal_amounts_json(j, &b);
    }
    return j;
}

/* The request body as a site of family f into *rec (validated as the
 * scenario reader validates sites); 0, or -1 with the 400 reply listing
 * every problem. */
static int parse_body(struct mb_req *r, enum mb_site_family f, struct mb_site_rec *rec)
{
    memset(rec, 0, sizeof *rec);
    struct mb_problems probs = { 0 };
    if (mb_market_parse_site(&r->srv->market, f, r->body ? r->body : "", r->len, rec,
                             &probs) != 0) {
        mb_reply_problems(r, &probs);
        mb_problems_release(&probs);
        return -1;
    }
    return 0;
}

static void create(struct mb_req *r, enum mb_site_family f)
{
    static const char *const q[] = { "status", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r) ||
        !mb_api_require(r, mb_listing_action(f)))
        return;
    /* A new site is a draft unless ?status= says otherwise (the listing
     * rules refuse what a new site cannot be). */
    const char *qs = mb_req_query(r, "status");
    int status = mb_status_parse(qs ? qs : "draft");
    if (status < 0) {
        mb_reply_error(r, 400, "invalid", "status", "a new site is draft or published");
        return;
    }
    if (mb_req_require_json(r))
        return;
    struct mb_site_rec rec;
    if (parse_body(r, f, &rec))
        return;
    struct mb_error err;
    if (mb_listing_create(r->st, &r->user, f, (enum mb_status)status, &rec, &err) != 0) {
        mb_api_fail(r, &err);
        mb_site_rec_release(&rec);
        return;
    }
    snprintf(r->location, sizeof r->location, "/api/%s/%lld", mb_listing_plural(f),
             (long long)rec.id);
    mb_reply_json(r, 201, site_view(r, &rec));
    mb_site_rec_release(&rec);
}

void mb_api_listings_create(struct mb_req *r, int64_t id)
{
    (void)id;
    create(r, MB_FAMILY_LISTING);
}

void mb_api_facilities_create(struct mb_req *r, int64_t id)
{
    (void)id;
    create(r, MB_FAMILY_FACILITY);
}

/* A visible site of the family in the path. */
static int load(struct mb_req *r, int64_t id, enum mb_site_family f, struct mb_site_rec *rec)
{
    struct mb_error err;
    if (mb_listing_get(r->st, mb_api_who(r), f, id, rec, &err) == 0)
        return 0;
    mb_api_fail(r, &err);
    return -1;
}

static void get(struct mb_req *r, int64_t id, enum mb_site_family f)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    struct mb_site_rec rec;
    if (load(r, id, f, &rec))
        return;
    json_t *j = site_view(r, &rec);
    struct mb_document *docs;
    size_t n;
    struct mb_error err;
    if (mb_store_document_list(r->st, id, &docs, &n, &err) == 0) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "id",
                                               (json_int_t)docs[i].id, "name", docs[i].name,
                                               "mime", docs[i].mime, "sha256", docs[i].sha256,
                                               "size", (json_int_t)docs[i].size, "url", "",
                                               "kind", docs[i].kind[0] ? docs[i].kind
                                                                       : "other"));
        for (size_t i = 0; i < json_array_size(a); i++) {
            char url[64];
            snprintf(url, sizeof url, "/api/documents/%lld", (long long)docs[i].id);
            json_object_set_new(json_array_get(a, i), "url", json_string(url));
        }
        free(docs);
        json_object_set_new(j, "documents", a);
    }
    /* Whose it is: the organisation, with the contact it publishes for
     * signed-in users. */
    json_object_set_new(j, "organisation", mb_party_json(r->st, rec.org_id, r->signed_in));
    mb_site_rec_release(&rec);
    mb_reply_json(r, 200, j);
}

void mb_api_listing_get(struct mb_req *r, int64_t id)
{
    get(r, id, MB_FAMILY_LISTING);
}

void mb_api_facility_get(struct mb_req *r, int64_t id)
{
    get(r, id, MB_FAMILY_FACILITY);
}

static void put(struct mb_req *r, int64_t id, enum mb_site_family f)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r) || mb_req_require_json(r))
        return;
    struct mb_site_rec rec;
    if (parse_body(r, f, &rec))
        return;
    struct mb_error err;
    if (mb_listing_update(r->st, &r->user, f, id, mb_api_if_match(r), &rec, &err) != 0)
        mb_api_fail(r, &err);
    else
        mb_reply_json(r, 200, site_view(r, &rec));
    mb_site_rec_release(&rec);
}

void mb_api_listing_put(struct mb_req *r, int64_t id)
{
    put(r, id, MB_FAMILY_LISTING);
}

void mb_api_facility_put(struct mb_req *r, int64_t id)
{
    put(r, id, MB_FAMILY_FACILITY);
}

static void status(struct mb_req *r, int64_t id, enum mb_site_family f)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    static const char *const keys[] = { "status", NULL };
    json_t *b = mb_api_body(r, keys);
    if (!b)
        return;
    const char *s;
    if (mb_api_str(r, b, "status", true, 16, &s)) {
        json_decref(b);
        return;
    }
    int to = mb_status_parse(s);
    json_decref(b);
    if (to < 0) {
        mb_reply_error(r, 400, "invalid", "status",
                       "unknown status; use draft, published, reserved or closed");
        return;
    }
    struct mb_site_rec rec;
    struct mb_error err;
    if (mb_listing_set_status(r->st, &r->user, f, id, mb_api_if_match(r), (enum mb_status)to,
                              &rec, &err) != 0) {
        mb_api_fail(r, &err);
        return;
    }
    mb_reply_json(r, 200, site_view(r, &rec));
    mb_site_rec_release(&rec);
}

void mb_api_listing_status(struct mb_req *r, int64_t id)
{
    status(r, id, MB_FAMILY_LISTING);
}

void mb_api_facility_status(struct mb_req *r, int64_t id)
{
    status(r, id, MB_FAMILY_FACILITY);
}

/* ---- the match list, written as jansson wrote it ----------------------------
 *
 * The reply was built as jansson objects and dumped (JSON_COMPACT,
 * JSON_REAL_PRECISION(12)); building and freeing those objects cost more
 * than the ranking. It is now written straight into a buffer, byte for
 * byte as json_dumps wrote it: keys in insertion order, reals as "%.12g"
 * with ".0" added to integral values and the exponent's "+" and leading
 * zeros dropped (jansson's jsonp_dtostr), strings with jansson's escapes.
 * Where jansson refused a value (a non-finite real, text that is not
 * UTF-8) json_pack gave NULL and the item was left out; so here. */

static void add_real(struct mb_strbuf *b, double v)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.12g", v);
    if (n < 0 || (size_t)n >= sizeof buf - 3)
        return;
    size_t len = (size_t)n;
    if (!strchr(buf, '.') && !strchr(buf, 'e')) {
        memcpy(buf + len, ".0", 3);
        len += 2;
    }
    char *start = strchr(buf, 'e');
    if (start) {
        start++;
        char *end = start + 1;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, len - (size_t)(end - buf) + 1);
            len -= (size_t)(end - start);
        }
    }
    mb_strbuf_add(b, buf, len);
}

static void add_int(struct mb_strbuf *b, int64_t v)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%lld", (long long)v);
    mb_strbuf_add(b, buf, (size_t)n);
}

/* A JSON string (valid UTF-8, checked by the caller). */
static void add_str(struct mb_strbuf *b, const char *s)
{
    mb_strbuf_add(b, "\"", 1);
    const char *run = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        mb_strbuf_add(b, run, (size_t)(p - run));
        char esc[8];
        switch (c) {
        case '"': mb_strbuf_add(b, "\\\"", 2); break;
        case '\\': mb_strbuf_add(b, "\\\\", 2); break;
        case '\b': mb_strbuf_add(b, "\\b", 2); break;
        case '\f': mb_strbuf_add(b, "\\f", 2); break;
        case '\n': mb_strbuf_add(b, "\\n", 2); break;
        case '\r': mb_strbuf_add(b, "\\r", 2); break;
        case '\t': mb_strbuf_add(b, "\\t", 2); break;
        default:
            snprintf(esc, sizeof esc, "\\u%04X", (unsigned)c);
            mb_strbuf_add(b, esc, 6);
        }
        run = p + 1;
    }
    mb_strbuf_adds(b, run);
    mb_strbuf_add(b, "\"", 1);
}

static bool text_ok(const char *s)
{
    return mb_utf8_valid(s, strlen(s), NULL);
}

/* One match; false (nothing written) where json_pack refused it. */
static bool match_append(struct mb_strbuf *b, const struct mb_match *m, const char *org)
{
    const double reals[] = { m->lat, m->lon, m->km, m->amount_t, m->transport_nok_per_t,
                             m->fee_nok_per_t, m->co2_kg_per_t, m->cost_nok_per_t,
                             m->total_nok_per_t, m->saving_nok_per_t,
                             m->saving_co2_kg_per_t };
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++)
        if (!isfinite(reals[i]))
            return false;
    if (!text_ok(m->title))
        return false;
    mb_strbuf_adds(b, "{\"site_id\":");
    add_int(b, m->site_id);
    mb_strbuf_adds(b, ",\"type\":");
    add_str(b, mb_site_type_name(m->type));
    mb_strbuf_adds(b, ",\"title\":");
    add_str(b, m->title);
    mb_strbuf_adds(b, ",\"org_id\":");
    add_int(b, m->org_id);
    mb_strbuf_adds(b, ",\"org_name\":");
    add_str(b, org);
    static const char *const keys[] = { ",\"lat\":", ",\"lon\":", ",\"km\":" };
    for (size_t i = 0; i < 3; i++) {
        mb_strbuf_adds(b, keys[i]);
        add_real(b, reals[i]);
    }
    /* Which kind of distance km is (docs/roads.md): by road, with the
     * drive's minutes and its ferry km, or the estimate and why. */
    mb_strbuf_adds(b, m->by_road ? ",\"km_source\":\"road\",\"km_why\":null"
                                 : ",\"km_source\":\"estimate\",\"km_why\":");
    if (!m->by_road)
        add_str(b, m->km_why ? m->km_why : "no_road_database");
    mb_strbuf_adds(b, ",\"minutes\":");
    if (m->by_road && isfinite(m->minutes))
        add_real(b, m->minutes);
    else
        mb_strbuf_adds(b, "null");
    mb_strbuf_adds(b, ",\"ferry_km\":");
    if (m->by_road && isfinite(m->ferry_km))
        add_real(b, m->ferry_km);
    else
        mb_strbuf_adds(b, "null"); /* an estimate does not know */
    mb_strbuf_adds(b, ",\"ferry_crossings\":");
    if (m->by_road)
        add_int(b, m->ferry_crossings);
    else
        mb_strbuf_adds(b, "null");
    mb_strbuf_adds(b, ",\"ferry_nok_per_t\":");
    add_real(b, m->ferry_nok_per_t);
    mb_strbuf_adds(b, ",\"overlap_months\":");
    add_int(b, m->overlap_months);
    static const char *const rest[] = { ",\"amount_t\":", ",\"transport_nok_per_t\":",
        ",\"fee_nok_per_t\":", ",\"co2_kg_per_t\":", ",\"cost_nok_per_t\":",
        ",\"total_nok_per_t\":", ",\"saving_nok_per_t\":", ",\"saving_co2_kg_per_t\":" };
    for (size_t i = 0; i < 8; i++) {
        mb_strbuf_adds(b, rest[i]);
        add_real(b, reals[3 + i]);
    }
    mb_strbuf_adds(b, "}");
    return true;
}

/* Matches of a listing (or of a facility: what it could receive or give).
 * Candidates are the counterpart sites within the longest haul; the
 * market module decides what fits and ranks. */
void mb_api_listing_matches(struct mb_req *r, int64_t id)
{
    static const char *const q[] = { "limit", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r))
        return;
    int64_t limit = 20;
    const char *ql = mb_req_query(r, "limit");
    if (ql && (!mb_parse_i64(ql, &limit) || limit < 1 || limit > 100)) {
        mb_reply_error(r, 400, "invalid", "limit", "must be a whole number from 1 to 100");
        return;
    }
    struct mb_site_rec rec;
    if (mb_api_site(r, id, &rec))
        return;
    const struct mb_market *m = &r->srv->market;
    struct mb_error err;
    struct mb_match_result res = { 0 };
    bool truncated;
    size_t ncands = 0;
    if (mb_match_find(r->st, m, &rec, (size_t)limit, (size_t)limit, &res, &ncands, &truncated,
                      &err) != 0) {
        mb_reply_mb_error(r, &err);
        mb_site_rec_release(&rec);
        return;
    }
    struct mb_strbuf out = { 0 };
    mb_strbuf_adds(&out, "{\"listing_id\":");
    add_int(&out, rec.id);
    mb_strbuf_adds(&out, ",\"type\":");
    add_str(&out, mb_site_type_name(rec.type));
    mb_strbuf_adds(&out, ",\"matches\":[");
    bool first = true;
    for (size_t i = 0; i < res.n; i++) {
        size_t at = out.len;
        if (!first)
            mb_strbuf_add(&out, ",", 1);
        /* The counterpart's organisation by name (matches are for the
         * signed-in; the contact is on the site's page and the deal). */
        struct mb_org org;
        if (mb_store_org_get(r->st, res.items[i].org_id, &org, &err) != 0 || !text_ok(org.name))
            org.name[0] = '\0';
        if (match_append(&out, &res.items[i], org.name))
            first = false;
        else
            out.len = at, out.s[at] = '\0';
    }
    mb_strbuf_adds(&out, "],\"excluded\":[");
    first = true;
    for (size_t i = 0; i < res.nexcluded; i++) {
        const struct mb_match_excluded *x = &res.excluded[i];
        if (!text_ok(x->reason) || !text_ok(x->title))
            continue;
        mb_strbuf_adds(&out, first ? "{\"site_id\":" : ",{\"site_id\":");
        add_int(&out, x->site_id);
        mb_strbuf_adds(&out, ",\"title\":");
        add_str(&out, x->title);
        mb_strbuf_adds(&out, ",\"reason\":");
        add_str(&out, x->reason);
        /* The reason's words ({"key","params"}), for the reader's language. */
        char *w = mb_words_json_text(&x->words);
        if (w && w[0] == '{' && w[1] != '}') {
            mb_strbuf_adds(&out, ",");
            mb_strbuf_adds(&out, w + 1);
        } else {
            mb_strbuf_adds(&out, ",\"key\":null,\"params\":[]}");
        }
        free(w);
        first = false;
    }
    mb_strbuf_adds(&out, "],\"candidates\":");
    add_int(&out, (int64_t)ncands);
    mb_strbuf_adds(&out, truncated ? ",\"candidates_truncated\":true"
                                   : ",\"candidates_truncated\":false");
    if (!res.has_alternative) {
        mb_strbuf_adds(&out, ",\"alternative\":null");
    } else if (isfinite(res.alternative_total_nok_per_t)) {
        mb_strbuf_adds(&out, ",\"alternative\":{\"site_id\":");
        add_int(&out, res.alternative_site_id);
        mb_strbuf_adds(&out, ",\"total_nok_per_t\":");
        add_real(&out, res.alternative_total_nok_per_t);
        mb_strbuf_adds(&out, "}");
    }
    const double factors[] = { m->cost_nok_per_tkm, m->co2_kg_per_tkm, m->detour_factor,
                               m->co2_price_nok_per_t, m->max_km, m->rates.ferry_nok_per_t,
                               m->rates.ferry_nok_per_tkm, m->rates.ferry_co2_per_tkm };
    static const char *const fkeys[] = { "{\"cost_nok_per_tkm\":", ",\"co2_kg_per_tkm\":",
        ",\"detour_factor\":", ",\"co2_price_nok_per_t\":", ",\"max_km\":",
        ",\"ferry_nok_per_t_crossing\":", ",\"ferry_nok_per_tkm\":",
        ",\"ferry_co2_kg_per_tkm\":" };
    enum { NF = sizeof factors / sizeof factors[0] };
    bool finite = true;
    for (size_t i = 0; i < NF; i++)
        finite = finite && isfinite(factors[i]);
    if (finite) {
        mb_strbuf_adds(&out, ",\"factors\":");
        for (size_t i = 0; i < NF; i++) {
            mb_strbuf_adds(&out, fkeys[i]);
            add_real(&out, factors[i]);
        }
        mb_strbuf_adds(&out, "}");
    }
    mb_strbuf_adds(&out, "}");
    mb_match_result_release(&res);
    mb_site_rec_release(&rec);
    size_t len = out.len;
    mb_reply_owned(r, 200, "application/json", mb_strbuf_take(&out), len);
}

/* The drive between a listing and one of its counterparts, to draw on the
 * map: routed now with the road database, or the estimate as a straight
 * line, saying which (docs/roads.md). */
void mb_api_listing_route(struct mb_req *r, int64_t id)
{
    static const char *const q[] = { "to", NULL };
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r))
        return;
    int64_t to = 0;
    const char *qt = mb_req_query(r, "to");
    if (!qt || !mb_parse_i64(qt, &to) || to < 1) {
        mb_reply_error(r, 400, "invalid", "to", "must be the id of a site");
        return;
    }
    struct mb_site_rec rec, other;
    if (mb_api_site(r, id, &rec))
        return;
    struct mb_error err;
    if (mb_listing_get_visible(r->st, mb_api_who(r), to, &other, &err) != 0) {
        if (strcmp(err.field, "id") == 0)
            mb_text_copy(err.field, sizeof err.field, "to");
        mb_reply_mb_error(r, &err);
        mb_site_rec_release(&rec);
        return;
    }
    struct mb_haul_km h;
    double *v = NULL;
    size_t n = 0;
    if (mb_match_path(r->srv->roads, &r->srv->market, &rec, &other, &h, &v, &n, &err) != 0) {
        mb_reply_mb_error(r, &err);
    } else {
        json_t *path = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(path, json_pack("[f, f]", round(v[2 * i] * 1e6) / 1e6,
                                                  round(v[2 * i + 1] * 1e6) / 1e6));
        bool road = h.source == MB_KM_ROAD;
        json_t *o = json_pack("{s:I, s:I, s:s, s:o, s:f, s:o, s:o, s:o}", "listing_id",
                              (json_int_t)rec.id, "to", (json_int_t)other.id, "km_source",
                              road ? "road" : "estimate", "km_why",
                              road ? json_null() : json_string(h.why), "km", h.km, "minutes",
                              road ? json_real(h.minutes) : json_null(), "ferry_km",
                              road ? json_real(h.ferry_km) : json_null(), "path", path);
        json_object_set_new(o, "ferry_crossings",
                            road ? json_integer(h.ferry_crossings) : json_null());
        mb_reply_json(r, 200, o);
    }
    free(v);
    mb_site_rec_release(&other);
    mb_site_rec_release(&rec);
}
