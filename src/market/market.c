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

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "plan/defaults.h"

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
    m->cost_nok_per_tkm = MB_DEFAULT_COST_NOK_PER_TKM;
    /* The default vehicle (truck with trailer, 30 t) loaded one way and
     * empty back, as scenario.c derives it without a transport object:
     * (0.50 + 0.35) l/km x 2.66 kg/l / 30 t = 0.0754 kg CO2 per tonne-km. */
    m->co2_kg_per_tkm = (MB_DEFAULT_FUEL_L_PER_KM_LOADED + MB_DEFAULT_FUEL_L_PER_KM_EMPTY) *
                        MB_DIESEL_KG_CO2_PER_L / MB_DEFAULT_PAYLOAD_T;
    m->detour_factor = MB_DEFAULT_DETOUR_FACTOR;
    m->co2_price_nok_per_t = MB_DEFAULT_CO2_PRICE_NOK_PER_T;
    m->max_km = MB_DEFAULT_MAX_KM;
    return 0;
}

void mb_market_release(struct mb_market *m)
{
    if (!m)
        return;
    mb_catalog_release(&m->catalog);
    mb_class_table_release(&m->classes);
    memset(m, 0, sizeof *m);
}

/* Unix seconds as "2026-03-01T12:00:00Z". */
static json_t *iso_time(int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    char buf[32];
    if (!gmtime_r(&tt, &tm) || !strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm))
        return json_null();
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
    json_object_set_new(o, "created", iso_time(r->created));
    json_object_set_new(o, "updated", iso_time(r->updated));
    json_object_set_new(o, "version", json_integer(r->version));
    /* Where the site is, however it was given (lat/lon, UTM or only a
     * municipality, then approximate): a map needs one position. */
    bool given = json_object_get(o, "lat") || json_object_get(o, "utm");
    json_object_set_new(o, "position", json_pack("{s:f, s:f, s:b}", "lat", r->lat, "lon", r->lon,
                                                 "approximate", !given));
    return o;
}

void mb_market_site_json_append(struct mb_strbuf *b, const struct mb_site_rec *r,
                                double distance_km, bool feature)
{
    if (feature)
        mb_strbuf_addf(b, "{\"type\":\"Feature\",\"id\":%lld,\"geometry\":{\"type\":"
                       "\"Point\",\"coordinates\":[%.7f,%.7f]},\"properties\":",
                       (long long)r->id, r->lon, r->lat);
    /* The doc is a compact JSON object made by mb_market_parse_site; it
     * holds "type" and none of the fields added here (the parser refuses
     * them). */
    const char *doc = r->doc && r->doc[0] == '{' ? r->doc : "{}";
    size_t n = strlen(doc);
    while (n > 1 && doc[n - 1] != '}')
        n--;
    mb_strbuf_add(b, doc, n - 1);
    bool empty = n == 2;
    char created[32] = "", updated[32] = "";
    time_t tc = (time_t)r->created, tu = (time_t)r->updated;
    struct tm tm;
    if (gmtime_r(&tc, &tm))
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (gmtime_r(&tu, &tm))
        strftime(updated, sizeof updated, "%Y-%m-%dT%H:%M:%SZ", &tm);
    bool given = strstr(doc, "\"lat\":") || strstr(doc, "\"utm\":");
    /* "type" is in the doc already (a body's required field). */
    mb_strbuf_addf(b, "%s\"id\":%lld,\"org_id\":%lld,\"status\":\"%s\","
                   "\"created\":\"%s\",\"updated\":\"%s\",\"version\":%lld,\"position\":"
                   "{\"lat\":%.7f,\"lon\":%.7f,\"approximate\":%s}",
                   empty ? "" : ",", (long long)r->id, (long long)r->org_id,
                   mb_status_name(r->status), created, updated,
                   (long long)r->version, r->lat, r->lon, given ? "false" : "true");
    if (distance_km >= 0)
        mb_strbuf_addf(b, ",\"distance_km\":%.4f", distance_km);
    mb_strbuf_adds(b, feature ? "}}" : "}");
}

json_t *mb_market_site_feature(const struct mb_site_rec *r)
{
    /* GeoJSON (RFC 7946) puts longitude first. */
    return json_pack("{s:s, s:I, s:{s:s, s:[f, f]}, s:o}", "type", "Feature", "id",
                     (json_int_t)r->id, "geometry", "type", "Point", "coordinates",
                     r->lon, r->lat, "properties", mb_market_site_json(r));
}
