/*
 * api_sites.c - listings and facilities: create, read, replace, change
 * status, matches. Ownership: only users of the owning organisation (or an
 * administrator) change a site; drafts and closed sites are seen only by
 * them. A site the caller may not see is "not found", so its existence
 * does not leak. Every change is written together with its audit entry
 * (market/audit.h) in one transaction; a listing's view shows its
 * committed, available and remaining tonnes (market/deal.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "market/audit.h"
#include "market/deal.h"
#include "market/market.h"
#include "server/api_util.h"
#include "server/srv.h"

static enum mb_site_family family_of(enum mb_site_type t)
{
    return t == MB_TYPE_SUPPLY || t == MB_TYPE_NEED ? MB_FAMILY_LISTING : MB_FAMILY_FACILITY;
}

static const char *family_path(enum mb_site_family f)
{
    return f == MB_FAMILY_LISTING ? "listings" : "facilities";
}

static enum mb_action family_action(enum mb_site_family f)
{
    return f == MB_FAMILY_LISTING ? MB_ACT_LISTING_WRITE : MB_ACT_FACILITY_WRITE;
}

static const char *family_entity(enum mb_site_family f)
{
    return f == MB_FAMILY_LISTING ? "listing" : "facility";
}

/* Write a site and its audit entry in one transaction. detail (borrowed)
 * may be NULL: then the stored doc and status are recorded. */
static int put_audited(struct mb_req *r, struct mb_site_rec *rec, enum mb_site_family f,
                       const char *action, json_t *detail, struct mb_error *err)
{
    int rc = mb_store_begin(r->st, err);
    if (rc)
        return rc;
    rc = mb_store_site_put(r->st, rec, err);
    if (!rc) {
        json_t *d = detail ? json_incref(detail) : json_object();
        if (!detail) {
            json_object_set_new(d, "status", json_string(mb_status_name(rec->status)));
            json_t *doc = rec->doc ? json_loads(rec->doc, 0, NULL) : NULL;
            json_object_set_new(d, "doc", doc ? doc : json_null());
        }
        json_object_set_new(d, "version", json_integer(rec->version));
        rc = mb_audit_append(r->st, &r->user, family_entity(f), rec->id, action, d, err);
        json_decref(d);
    }
    if (rc) {
        mb_store_rollback(r->st);
        return rc;
    }
    return mb_store_commit(r->st, err);
}

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
    if (mb_req_check_query(r, q) || !mb_req_signed_in(r) || !mb_api_require(r, family_action(f)))
        return;
    enum mb_status status = MB_STATUS_DRAFT;
    const char *qs = mb_req_query(r, "status");
    if (qs) {
        if (strcmp(qs, "draft") == 0)
            status = MB_STATUS_DRAFT;
        else if (strcmp(qs, "published") == 0)
            status = MB_STATUS_PUBLISHED;
        else {
            mb_reply_error(r, 400, "invalid", "status", "a new site is draft or published");
            return;
        }
    }
    if (mb_req_require_json(r))
        return;
    struct mb_site_rec rec;
    if (parse_body(r, f, &rec))
        return;
    rec.id = 0;
    rec.org_id = r->user.org_id;
    rec.status = status;
    struct mb_error err;
    if (put_audited(r, &rec, f, "create", NULL, &err) != 0) {
        mb_reply_mb_error(r, &err);
        mb_site_rec_release(&rec);
        return;
    }
    snprintf(r->location, sizeof r->location, "/api/%s/%lld", family_path(f),
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
    if (mb_api_visible_site(r, id, rec))
        return -1;
    if (family_of(rec->type) != f) {
        mb_site_rec_release(rec);
        mb_reply_error(r, 404, "not_found", "id", "site %lld is not one of the %s",
                       (long long)id, family_path(f));
        return -1;
    }
    return 0;
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
            json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "id",
                                               (json_int_t)docs[i].id, "name", docs[i].name,
                                               "mime", docs[i].mime, "sha256", docs[i].sha256,
                                               "size", (json_int_t)docs[i].size, "url", ""));
        for (size_t i = 0; i < json_array_size(a); i++) {
            char url[64];
            snprintf(url, sizeof url, "/api/documents/%lld", (long long)docs[i].id);
            json_object_set_new(json_array_get(a, i), "url", json_string(url));
        }
        free(docs);
        json_object_set_new(j, "documents", a);
    }
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

/* The caller may change this site: signed in, allowed for the family, and
 * of the owning organisation (or an administrator). */
static bool may_change(struct mb_req *r, const struct mb_site_rec *rec, enum mb_site_family f)
{
    if (!mb_api_require(r, family_action(f)))
        return false;
    if (r->user.role != MB_ROLE_ADMIN && r->user.org_id != rec->org_id) {
        mb_reply_error(r, 403, "forbidden", "id",
                       "the site belongs to another organisation");
        return false;
    }
    return true;
}

static void put(struct mb_req *r, int64_t id, enum mb_site_family f)
{
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none) || !mb_req_signed_in(r))
        return;
    struct mb_site_rec old;
    if (load(r, id, f, &old))
        return;
    if (!may_change(r, &old, f) || !mb_api_version_ok(r, old.version, "site") || mb_req_require_json(r)) {
        mb_site_rec_release(&old);
        return;
    }
    if (old.status == MB_STATUS_CLOSED) {
        mb_site_rec_release(&old);
        mb_reply_error(r, 409, "conflict", "status", "a closed site cannot be changed");
        return;
    }
    struct mb_site_rec rec;
    if (parse_body(r, f, &rec)) {
        mb_site_rec_release(&old);
        return;
    }
    if (rec.type != old.type) {
        mb_reply_error(r, 409, "conflict", "type", "a %s cannot become a %s; create a new one",
                       mb_site_type_name(old.type), mb_site_type_name(rec.type));
        mb_site_rec_release(&rec);
        mb_site_rec_release(&old);
        return;
    }
    rec.id = old.id;
    rec.org_id = old.org_id;
    rec.status = old.status;
    /* What changed, field by field of the stored body. */
    json_t *before = old.doc ? json_loads(old.doc, 0, NULL) : NULL;
    json_t *after = rec.doc ? json_loads(rec.doc, 0, NULL) : NULL;
    json_t *detail = json_pack("{s:o}", "changed", mb_audit_diff(before, after));
    json_decref(before);
    json_decref(after);
    mb_site_rec_release(&old);
    struct mb_error err;
    if (put_audited(r, &rec, f, "update", detail, &err) != 0)
        mb_reply_mb_error(r, &err);
    else
        mb_reply_json(r, 200, site_view(r, &rec));
    json_decref(detail);
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

/* Status changes that make sense; a closed site stays closed. */
static bool may_move(enum mb_status from, enum mb_status to)
{
    static const unsigned next[MB_STATUS_COUNT] = {
        [MB_STATUS_DRAFT] = 1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_CLOSED,
        [MB_STATUS_PUBLISHED] = 1u << MB_STATUS_DRAFT | 1u << MB_STATUS_RESERVED |
                                1u << MB_STATUS_CLOSED,
        [MB_STATUS_RESERVED] = 1u << MB_STATUS_PUBLISHED | 1u << MB_STATUS_CLOSED,
        [MB_STATUS_CLOSED] = 0,
    };
    return from == to || ((next[from] >> to) & 1u);
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
    if (load(r, id, f, &rec))
        return;
    if (!may_change(r, &rec, f) || !mb_api_version_ok(r, rec.version, "site")) {
        mb_site_rec_release(&rec);
        return;
    }
    if (!may_move(rec.status, (enum mb_status)to)) {
        mb_reply_error(r, 409, "conflict", "status", "a %s site cannot become %s",
                       mb_status_name(rec.status), mb_status_name((enum mb_status)to));
        mb_site_rec_release(&rec);
        return;
    }
    struct mb_error err;
    if (rec.status != (enum mb_status)to) {
        json_t *detail = json_pack("{s:{s:s, s:s}}", "status", "from",
                                   mb_status_name(rec.status), "to",
                                   mb_status_name((enum mb_status)to));
        int rc = mb_store_begin(r->st, &err);
        if (!rc)
            rc = mb_store_site_set_status(r->st, id, (enum mb_status)to, &err);
        if (!rc)
            rc = mb_audit_append(r->st, &r->user, family_entity(f), id, "status", detail,
                                 &err);
        if (rc)
            mb_store_rollback(r->st);
        else
            rc = mb_store_commit(r->st, &err);
        json_decref(detail);
        if (rc) {
            mb_reply_mb_error(r, &err);
            mb_site_rec_release(&rec);
            return;
        }
    }
    mb_site_rec_release(&rec);
    if (mb_store_site_get(r->st, id, &rec, &err) != 0) {
        mb_reply_mb_error(r, &err);
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
static bool match_append(struct mb_strbuf *b, const struct mb_match *m)
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
    static const char *const keys[] = { ",\"lat\":", ",\"lon\":", ",\"km\":" };
    for (size_t i = 0; i < 3; i++) {
        mb_strbuf_adds(b, keys[i]);
        add_real(b, reals[i]);
    }
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
    if (mb_api_visible_site(r, id, &rec) || !mb_api_path_family_ok(r, &rec))
        return;
    const struct mb_market *m = &r->srv->market;
    struct mb_site_page page = { 0 };
    struct mb_error err;
    struct mb_match_result res = { 0 };
    bool truncated;
    if (mb_match_candidates(r->st, m, &rec, (size_t)limit, &page, &truncated, &err) != 0 ||
        mb_match_rank(m, &rec, page.items, page.n, (size_t)limit, &res, &err) != 0) {
        mb_reply_mb_error(r, &err);
        mb_site_page_release(&page);
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
        if (match_append(&out, &res.items[i]))
            first = false;
        else
            out.len = at, out.s[at] = '\0';
    }
    mb_strbuf_adds(&out, "],\"excluded\":[");
    first = true;
    for (size_t i = 0; i < res.nexcluded; i++) {
        if (!text_ok(res.excluded[i].reason))
            continue;
        mb_strbuf_adds(&out, first ? "{\"site_id\":" : ",{\"site_id\":");
        add_int(&out, res.excluded[i].site_id);
        mb_strbuf_adds(&out, ",\"reason\":");
        add_str(&out, res.excluded[i].reason);
        mb_strbuf_adds(&out, "}");
        first = false;
    }
    mb_strbuf_adds(&out, "],\"candidates\":");
    add_int(&out, (int64_t)page.n);
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
                               m->co2_price_nok_per_t, m->max_km };
    static const char *const fkeys[] = { "{\"cost_nok_per_tkm\":", ",\"co2_kg_per_tkm\":",
        ",\"detour_factor\":", ",\"co2_price_nok_per_t\":", ",\"max_km\":" };
    bool finite = true;
    for (size_t i = 0; i < 5; i++)
        finite = finite && isfinite(factors[i]);
    if (finite) {
        mb_strbuf_adds(&out, ",\"factors\":");
        for (size_t i = 0; i < 5; i++) {
            mb_strbuf_adds(&out, fkeys[i]);
            add_real(&out, factors[i]);
        }
        mb_strbuf_adds(&out, "}");
    }
    mb_strbuf_adds(&out, "}");
    mb_match_result_release(&res);
    mb_site_page_release(&page);
    mb_site_rec_release(&rec);
    size_t len = out.len;
    mb_reply_owned(r, 200, "application/json", mb_strbuf_take(&out), len);
}
