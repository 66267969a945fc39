/*
 * api_search.c - searching sites: by map box or radius, material, class,
 * window overlap, amount, keywords, organisation and status; paged; as
 * JSON or GeoJSON. /api/listings and /api/facilities are the same search
 * limited to their types.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"
#include "core/text.h"
#include "domain/geo.h"
#include "domain/month.h"
#include "market/market.h"
#include "server/api_util.h"
#include "server/srv.h"

/* "a,b,c,d" -> four finite numbers. */
static bool numbers(const char *s, double *out, int n)
{
    const char *p = s;
    for (int i = 0; i < n; i++) {
        errno = 0;
        char *end;
        out[i] = strtod(p, &end);
        if (end == p || errno || !isfinite(out[i]))
            return false;
        if (i < n - 1) {
            if (*end != ',')
                return false;
            p = end + 1;
        } else if (*end) {
            return false;
        }
    }
    return true;
}

static bool num(const char *s, double *out)
{
    return numbers(s, out, 1);
}

static void search(struct mb_req *r, unsigned family_types, const char *family)
{
    static const char *const allowed[] = { "type", "bbox", "near", "radius_km", "material",
        "max_class", "from", "to", "min_amount_t", "q", "org", "status", "page", "per_page",
        "format", NULL };
    if (mb_req_check_query(r, allowed))
        return;
    struct mb_site_query q = { 0 };
    const char *v;
    struct mb_error err;
    mb_error_clear(&err);
    q.types = family_types;
    if ((v = mb_req_query(r, "type"))) {
        unsigned t = 0;
        char buf[128];
        mb_text_copy(buf, sizeof buf, v);
        char *save = NULL;
        for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
            int k = mb_site_type_parse(w);
            if (k < 0 || !((family_types >> k) & 1u)) {
                mb_reply_error(r, 400, "invalid", "type",
                               "'%.40s' is not a site type of %s", w, family);
                return;
            }
            t |= 1u << k;
        }
        if (!t) {
            mb_reply_error(r, 400, "invalid", "type", "name at least one type");
            return;
        }
        q.types = t;
    }
    if ((v = mb_req_query(r, "bbox"))) {
        double b[4];
        if (!numbers(v, b, 4)) {
            mb_reply_error(r, 400, "invalid", "bbox",
                           "must be min_lon,min_lat,max_lon,max_lat in WGS84 degrees");
            return;
        }
        if (b[0] > b[2] || b[1] > b[3] || b[1] < -90 || b[3] > 90 || b[0] < -180 ||
            b[2] > 180) {
            mb_reply_error(r, 400, "invalid", "bbox",
                           "must be min_lon,min_lat,max_lon,max_lat with min <= max, "
                           "latitudes within +-90 and longitudes within +-180");
            return;
        }
        q.has_box = true;
        q.min_lon = b[0];
        q.min_lat = b[1];
        q.max_lon = b[2];
        q.max_lat = b[3];
    }
    const char *near = mb_req_query(r, "near"), *rad = mb_req_query(r, "radius_km");
    if (near || rad) {
        double p[2], km;
        if (!near || !numbers(near, p, 2)) {
            mb_reply_error(r, 400, "invalid", "near", "must be lat,lon in WGS84 degrees "
                           "(with radius_km)");
            return;
        }
        struct mb_point pt = { p[0], p[1] };
        if (mb_geo_check_norway(pt, "near", &err) != 0) {
            mb_reply_mb_error(r, &err);
            return;
        }
        if (!rad || !num(rad, &km) || km <= 0 || km > 2000) {
            mb_reply_error(r, 400, "invalid", "radius_km",
                           "must be a number of km above 0 and at most 2000 (with near)");
            return;
        }
        q.has_radius = true;
        q.lat = p[0];
        q.lon = p[1];
        q.radius_km = km;
    }
    if ((v = mb_req_query(r, "material"))) {
        const struct mb_material *m =
            mb_catalog_lookup(&r->srv->market.catalog, v, "material", &err);
        if (!m) {
            mb_reply_error(r, 400, "invalid", "material", "%s", err.message);
            return;
        }
        q.material = m->code;
    }
    if ((v = mb_req_query(r, "max_class"))) {
        int64_t c;
        if (!mb_parse_i64(v, &c) || c < 1 || c > 5) {
            mb_reply_error(r, 400, "invalid", "max_class", "must be a class from 1 to 5");
            return;
        }
        q.max_class = (int)c;
    }
    const char *from = mb_req_query(r, "from"), *to = mb_req_query(r, "to");
    if (from || to) {
        int a = 0, b = 0;
        if (mb_month_parse(from ? from : "", &a, "from", &err) != 0 ||
            mb_month_parse(to ? to : (from ? from : ""), &b, "to", &err) != 0) {
            mb_reply_mb_error(r, &err);
            return;
        }
        if (!from)
            a = b;
        if (b < a) {
            mb_reply_error(r, 400, "invalid", "to", "ends before from");
            return;
        }
        q.from_m = a;
        q.to_m = b;
    }
    if ((v = mb_req_query(r, "min_amount_t"))) {
        double a;
        if (!num(v, &a) || a < 0) {
            mb_reply_error(r, 400, "invalid", "min_amount_t",
                           "must be a number of tonnes, at least 0");
            return;
        }
        q.min_amount_t = a;
    }
    if ((v = mb_req_query(r, "q"))) {
        if (strlen(v) > 200 || !mb_utf8_valid(v, strlen(v), NULL)) {
            mb_reply_error(r, 400, "invalid", "q", "must be valid UTF-8 of at most 200 bytes");
            return;
        }
        q.text = v;
    }
    if ((v = mb_req_query(r, "org"))) {
        if (!mb_parse_i64(v, &q.org_id) || q.org_id <= 0) {
            mb_reply_error(r, 400, "invalid", "org", "must be an organisation id");
            return;
        }
    }
    if ((v = mb_req_query(r, "status"))) {
        char buf[96];
        mb_text_copy(buf, sizeof buf, v);
        char *save = NULL;
        for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
            int k = mb_status_parse(w);
            if (k < 0) {
                mb_reply_error(r, 400, "invalid", "status",
                               "use draft, published, reserved or closed");
                return;
            }
            q.statuses |= 1u << k;
        }
    }
    int64_t page = 1, per = 50;
    if ((v = mb_req_query(r, "page")) && (!mb_parse_i64(v, &page) || page < 1 || page > 100000)) {
        mb_reply_error(r, 400, "invalid", "page", "must be a whole number from 1");
        return;
    }
    if ((v = mb_req_query(r, "per_page")) &&
        (!mb_parse_i64(v, &per) || per < 1 || per > 500)) {
        mb_reply_error(r, 400, "invalid", "per_page", "must be a whole number from 1 to 500");
        return;
    }
    bool geojson = false;
    if ((v = mb_req_query(r, "format"))) {
        if (strcmp(v, "geojson") == 0)
            geojson = true;
        else if (strcmp(v, "json") != 0) {
            mb_reply_error(r, 400, "invalid", "format", "use json or geojson");
            return;
        }
    }
    q.viewer_org = r->signed_in ? r->user.org_id : 0;
    q.all_visible = r->signed_in && mb_permit_may(r->user.role, MB_ACT_ADMIN);
    q.limit = (size_t)per;
    q.offset = (size_t)((page - 1) * per);
    q.want_doc = true;
    q.no_materials = true; /* the view is the doc */
    struct mb_site_page res = { 0 };
    if (mb_store_site_search(r->st, &q, &res, &err) != 0) {
        mb_reply_mb_error(r, &err);
        return;
    }
    /* Spliced from the stored docs, not parsed and printed again: the
     * list is the API's hottest reply (mb_market_site_json_append). */
    struct mb_strbuf out = { 0 };
    mb_strbuf_adds(&out, geojson ? "{\"type\":\"FeatureCollection\",\"features\":["
                                 : "{\"items\":[");
    for (size_t i = 0; i < res.n; i++) {
        if (i)
            mb_strbuf_adds(&out, ",");
        double km = q.has_radius ? mb_geo_distance_km((struct mb_point){ q.lat, q.lon },
                                                      (struct mb_point){ res.items[i].lat,
                                                                         res.items[i].lon })
                                 : -1;
        mb_market_site_json_append(&out, &res.items[i], km, geojson);
    }
    mb_strbuf_addf(&out, "],\"total\":%zu,\"page\":%lld,\"per_page\":%lld}", res.total,
                   (long long)page, (long long)per);
    mb_site_page_release(&res);
    size_t len = out.len;
    mb_reply_owned(r, 200, "application/json", mb_strbuf_take(&out), len);
}

void mb_api_search(struct mb_req *r, int64_t id)
{
    (void)id;
    search(r, (1u << MB_TYPE_COUNT) - 1, "any kind");
}

void mb_api_listings_list(struct mb_req *r, int64_t id)
{
    (void)id;
    search(r, 1u << MB_TYPE_SUPPLY | 1u << MB_TYPE_NEED, "listings (supply, need)");
}

void mb_api_facilities_list(struct mb_req *r, int64_t id)
{
    (void)id;
    search(r, 1u << MB_TYPE_LANDFILL | 1u << MB_TYPE_STORAGE | 1u << MB_TYPE_PLANT |
                  1u << MB_TYPE_QUARRY,
           "facilities (landfill, storage, plant, quarry)");
}
