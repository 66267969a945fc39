/*
 * market.c - the market's reference data and the API view of a stored
 * site (see market.h).
 *
 * mb_market_init loads the two tables every market rule needs (the
 * material catalog and the condition-class table) and fixes the transport
 * and price factors of the match ranking to the planning model's defaults
 * (plan/defaults.h), derived exactly as the scenario reader derives them
 * when a scenario gives no transport object. After init the struct is
 * read-only and may be shared by threads.
 *
 * The API view of a site is its stored doc (the normalised body, see
 * site_parse.c) with the store's own fields added: id, org_id, type,
 * status, times as ISO 8601 UTC text, version.
 */
#include "market/market.h"

#include "core/strbuf.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/boundary.h"
#include "plan/defaults.h"
#include "plan/factors.h"
#include "plan/scenario.h"

int mb_market_init(struct mb_market *m, struct mb_error *err)
{
    memset(m, 0, sizeof *m);
    int rc = mb_catalog_init(&m->catalog, err);
    if (rc)
        return rc;
    rc = mb_class_table_init(&m->classes, err);
    if (rc) {
        mb_catalog_release(&m->catalog);
        return rc;
    }
    rc = mb_accept_table_init(&m->accept, &m->classes, err);
    if (!rc)
        rc = mb_background_table_init(&m->background, &m->classes, err);
    if (rc) {
        mb_market_release(m);
        return rc;
    }
    /* Transport as a scenario without a transport object values it: the
     * factor register's central values (plan/factors.h), so a match and a
     * plan price a haul the same way. */
    struct mb_rates r;
    rc = mb_transport_default_rates(&r, err);
    if (rc) {
        mb_market_release(m);
        return rc;
    }
    m->rates = r;
    m->cost_nok_per_t = r.nok_per_t;
    m->cost_nok_per_tkm = r.nok_per_tkm;
    m->co2_kg_per_t = r.co2_per_t;
    m->co2_kg_per_tkm = r.co2_per_tkm;
    m->detour_factor = MB_DEFAULT_DETOUR_FACTOR;
    m->co2_price_nok_per_t = mb_factor_register(NULL)[MB_F_CO2_PRICE].central;
    m->max_km = MB_DEFAULT_MAX_KM;
    return 0;
}

void mb_market_release(struct mb_market *m)
{
    if (!m)
        return;
    mb_catalog_release(&m->catalog);
    mb_accept_table_release(&m->accept);
    mb_background_table_release(&m->background);
    mb_class_table_release(&m->classes);
    memset(m, 0, sizeof *m);
}

json_t *mb_market_time_json(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32] = "";
    if (gmtime_r(&tt, &tm))
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(buf);
}

json_t *mb_market_site_json(const struct mb_site_rec *r)
{
    json_t *o = r->doc ? json_loads(r->doc, 0, NULL) : NULL;
    if (!json_is_object(o)) {
        /* A stored doc is always an object (the store keeps what
         * mb_market_parse_site made); an empty view beats a crash. */
        json_decref(o);
        o = json_object();
    }
    json_object_set_new(o, "id", json_integer(r->id));
    json_object_set_new(o, "org_id", json_integer(r->org_id));
    json_object_set_new(o, "type", json_string(mb_site_type_name(r->type)));
    json_object_set_new(o, "status", json_string(mb_status_name(r->status)));
    json_object_set_new(o, "created", mb_market_time_json(r->created));
    json_object_set_new(o, "updated", mb_market_time_json(r->updated));
    json_object_set_new(o, "version", json_integer(r->version));
    /* Where the site is, however it was given (lat/lon, UTM or only a
     * municipality, then approximate): a map needs one position. */
    bool given = json_object_get(o, "lat") || json_object_get(o, "utm");
    json_object_set_new(o, "position", json_pack("{s:f, s:f, s:b}", "lat", r->lat, "lon", r->lon,
                                                 "approximate", !given));
    const char *mname = mb_boundaries_name(r->municipality);
    if (mname)
        json_object_set_new(o, "municipality_name", json_string(mname));
    return o;
}

/* ---- the spliced view: numbers and times without printf ------------------
 *
 * The lists print every site's position and times; through snprintf and
 * strftime that was a third of a box search's CPU time. The writers below
 * print exactly what "%lld", "%.Nf" and strftime("%Y-%m-%dT%H:%M:%SZ")
 * print (glibc, round-to-nearest, ties to even on the exact binary value);
 * values they do not cover go to the printf path.
 * tests/market/test_site_view.c compares both over millions of values. */

/* Decimal digits of v at the end of buf[0..size); returns the first. */
static char *put_u64_rev(char *end, uint64_t v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

static void add_i64(struct mb_strbuf *b, int64_t v)
{
    char buf[24], *end = buf + sizeof buf;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    char *p = put_u64_rev(end, u);
    if (v < 0)
        *--p = '-';
    mb_strbuf_add(b, p, (size_t)(end - p));
}

/* x with `digits` (1..9) decimals, as printf's "%.*f". */
static void add_fixed(struct mb_strbuf *b, double x, int digits)
{
    static const uint64_t pow5[10] = { 1, 5, 25, 125, 625, 3125, 15625, 78125, 390625,
                                       1953125 };
    static const uint64_t pow10[10] = { 1, 10, 100, 1000, 10000, 100000, 1000000,
                                        10000000, 100000000, 1000000000 };
    double a = fabs(x);
    if (!(a < 9007199254740992.0) || digits < 1 || digits > 9) { /* 2^53, NaN */
        mb_strbuf_addf(b, "%.*f", digits, x);
        return;
    }
    /* a = m 2^(e-53) exactly; a 10^d = m 5^d 2^(e-53+d) = v 2^s. */
    int e;
    double f = frexp(a, &e);
    uint64_t m = (uint64_t)ldexp(f, 53);
    unsigned __int128 v = (unsigned __int128)m * pow5[digits], q;
    int s = e - 53 + digits;
    if (s >= 0) {
        q = v << s; /* s <= digits: a < 2^53 */
    } else if (-s >= 100) {
        q = 0; /* v < 2^74: below half a unit */
    } else {
        int r = -s;
        q = v >> r;
        unsigned __int128 rem = v - (q << r), half = (unsigned __int128)1 << (r - 1);
        if (rem > half || (rem == half && (q & 1)))
            q++;
    }
    char buf[48], *end = buf + sizeof buf;
    uint64_t frac = (uint64_t)(q % pow10[digits]), ip = (uint64_t)(q / pow10[digits]);
    char *p = end;
    for (int i = 0; i < digits; i++) {
        *--p = (char)('0' + frac % 10);
        frac /= 10;
    }
    *--p = '.';
    p = put_u64_rev(p, ip);
    if (signbit(x))
        *--p = '-';
    mb_strbuf_add(b, p, (size_t)(end - p));
}

/* Unix seconds as "2026-03-01T12:00:00Z" into buf[32], as gmtime_r and
 * strftime make it ("" where gmtime_r fails). */
static void iso_text(int64_t t, char buf[32])
{
    if (t >= 0 && t < 253402300800) { /* years 1970-9999 */
        /* Days to civil date: H. Hinnant, "chrono-Compatible Low-Level
         * Date Algorithms", civil_from_days. */
        int64_t days = t / 86400, sec = t % 86400;
        int64_t z = days + 719468, era = z / 146097;
        int64_t doe = z - era * 146097;
        int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        int64_t y = yoe + era * 400, doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int64_t mp = (5 * doy + 2) / 153, d = doy - (153 * mp + 2) / 5 + 1;
        int64_t mo = mp < 10 ? mp + 3 : mp - 9;
        y += mo <= 2;
        int v[6] = { (int)y, (int)mo, (int)d, (int)(sec / 3600), (int)(sec / 60 % 60),
                     (int)(sec % 60) };
        char *p = buf;
        for (int i = 3; i >= 0; i--)
            *p++ = (char)('0' + v[0] / (i == 3 ? 1000 : i == 2 ? 100 : i == 1 ? 10 : 1) % 10);
        static const char sep[5] = { '-', '-', 'T', ':', ':' };
        for (int i = 1; i < 6; i++) {
            *p++ = sep[i - 1];
            *p++ = (char)('0' + v[i] / 10);
            *p++ = (char)('0' + v[i] % 10);
        }
        *p++ = 'Z';
        *p = '\0';
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    buf[0] = '\0';
    if (gmtime_r(&tt, &tm))
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void mb_market_site_json_append(struct mb_strbuf *b, const struct mb_site_rec *r,
                                double distance_km, bool feature)
{
    if (feature) {
        mb_strbuf_adds(b, "{\"type\":\"Feature\",\"id\":");
        add_i64(b, r->id);
        mb_strbuf_adds(b, ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[");
        add_fixed(b, r->lon, 7);
        mb_strbuf_add(b, ",", 1);
        add_fixed(b, r->lat, 7);
        mb_strbuf_adds(b, "]},\"properties\":");
    }
    /* The doc is a compact JSON object made by mb_market_parse_site; it
     * holds "type" and none of the fields added here (the parser refuses
     * them). */
    const char *doc = r->doc && r->doc[0] == '{' ? r->doc : "{}";
    size_t n = strlen(doc);
    while (n > 1 && doc[n - 1] != '}')
        n--;
    mb_strbuf_add(b, doc, n - 1);
    bool empty = n == 2;
    char created[32], updated[32];
    iso_text(r->created, created);
    iso_text(r->updated, updated);
    bool given = strstr(doc, "\"lat\":") || strstr(doc, "\"utm\":");
    /* "type" is in the doc already (a body's required field). */
    mb_strbuf_adds(b, empty ? "\"id\":" : ",\"id\":");
    add_i64(b, r->id);
    mb_strbuf_adds(b, ",\"org_id\":");
    add_i64(b, r->org_id);
    mb_strbuf_adds(b, ",\"status\":\"");
    mb_strbuf_adds(b, mb_status_name(r->status));
    mb_strbuf_adds(b, "\",\"created\":\"");
    mb_strbuf_adds(b, created);
    mb_strbuf_adds(b, "\",\"updated\":\"");
    mb_strbuf_adds(b, updated);
    mb_strbuf_adds(b, "\",\"version\":");
    add_i64(b, r->version);
    mb_strbuf_adds(b, ",\"position\":{\"lat\":");
    add_fixed(b, r->lat, 7);
    mb_strbuf_adds(b, ",\"lon\":");
    add_fixed(b, r->lon, 7);
    mb_strbuf_adds(b, given ? ",\"approximate\":false}" : ",\"approximate\":true}");
    const char *mname = mb_boundaries_name(r->municipality);
    if (mname) {
        /* Kartverket's names hold no character JSON must escape (the
         * boundaries' loader takes no quote, backslash or control). */
        mb_strbuf_adds(b, ",\"municipality_name\":\"");
        mb_strbuf_adds(b, mname);
        mb_strbuf_adds(b, "\"");
    }
    if (distance_km >= 0) {
        mb_strbuf_adds(b, ",\"distance_km\":");
        add_fixed(b, distance_km, 4);
    }
    mb_strbuf_adds(b, feature ? "}}" : "}");
}

json_t *mb_market_site_feature(const struct mb_site_rec *r)
{
    /* GeoJSON (RFC 7946) puts longitude first. */
    return json_pack("{s:s, s:I, s:{s:s, s:[f, f]}, s:o}", "type", "Feature", "id",
                     (json_int_t)r->id, "geometry", "type", "Point", "coordinates",
                     r->lon, r->lat, "properties", mb_market_site_json(r));
}
