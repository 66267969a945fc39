/*
 * api_places.c - naming places: GET /api/addresses (the address search
 * of the listing form and the map), GET /api/municipalities and
 * GET /api/municipalities/at (the municipality a position lies in).
 * Public, like the map: the addresses are Kartverket's open data.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "domain/municipality.h"
#include "market/places.h"
#include "plan/scenario.h"
#include "server/api_util.h"
#include "server/srv.h"

/* A decimal number as people write one (no hex, no inf); false else. */
static bool number(const char *s, double *out)
{
    struct mb_error err;
    if (!*s || strspn(s, "0123456789.-+eE") != strlen(s))
        return false;
    return mb_parse_number(s, out, "", &err) == 0;
}

/* "lat,lon" into *p. */
static bool position(const char *s, struct mb_point *p)
{
    char a[48];
    const char *comma = strchr(s, ',');
    if (!comma || (size_t)(comma - s) >= sizeof a)
        return false;
    memcpy(a, s, (size_t)(comma - s));
    a[comma - s] = '\0';
    return number(a, &p->lat) && number(comma + 1, &p->lon);
}

void mb_api_addresses(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const allowed[] = { "q", "municipality", "near", "limit", NULL };
    if (mb_req_check_query(r, allowed))
        return;
    struct mb_places_query q = { .q = mb_req_query(r, "q"), .limit = 10 };
    /* A municipality by its number, or by a name ("Trondheim", "Røros"). */
    char code[5];
    q.kommune = mb_req_query(r, "municipality");
    if (q.kommune && strspn(q.kommune, "0123456789") != 4) {
        const struct mb_municipalities *ms = mb_scenario_municipalities(NULL);
        const struct mb_municipality *m = ms ? mb_municipality_find(ms, q.kommune) : NULL;
        if (!m) {
            char shown[44];
            mb_reply_error(r, 400, "invalid", "municipality", "unknown municipality '%s' (give "
                           "its 2024 number or its name)",
                           mb_text_clip(shown, sizeof shown, q.kommune));
            return;
        }
        memcpy(code, m->code, 5);
        q.kommune = code;
    }
    const char *v;
    if ((v = mb_req_query(r, "near"))) {
        if (!position(v, &q.near)) {
            mb_reply_error(r, 400, "invalid", "near", "must be lat,lon in WGS84 degrees");
            return;
        }
        q.has_near = true;
    }
    if ((v = mb_req_query(r, "limit"))) {
        int64_t n;
        if (!mb_parse_i64(v, &n) || n < 1 || n > MB_PLACES_MAX) {
            mb_reply_error(r, 400, "invalid", "limit", "must be a whole number from 1 to %d",
                           MB_PLACES_MAX);
            return;
        }
        q.limit = (size_t)n;
    }
    struct mb_error err;
    mb_error_clear(&err);
    json_t *items;
    if (mb_places_search(r->st, &q, &items, &err)) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, 200, json_pack("{s:o, s:s}", "items", items, "source",
                                    "Matrikkelen - Adresse, © Kartverket (CC BY 4.0)"));
}

void mb_api_municipalities(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const none[] = { NULL };
    if (mb_req_check_query(r, none))
        return;
    mb_reply_json(r, 200, json_pack("{s:o, s:s}", "items", mb_places_municipalities(),
                                    "source", "Administrative enheter - kommuner 2024, "
                                    "© Kartverket (CC BY 4.0)"));
}

void mb_api_municipality_at(struct mb_req *r, int64_t id)
{
    (void)id;
    static const char *const allowed[] = { "lat", "lon", NULL };
    if (mb_req_check_query(r, allowed))
        return;
    struct mb_point p;
    const char *lat = mb_req_query(r, "lat"), *lon = mb_req_query(r, "lon");
    if (!lat || !number(lat, &p.lat)) {
        mb_reply_error(r, 400, "invalid", "lat", "must be a latitude in WGS84 degrees");
        return;
    }
    if (!lon || !number(lon, &p.lon)) {
        mb_reply_error(r, 400, "invalid", "lon", "must be a longitude in WGS84 degrees");
        return;
    }
    struct mb_error err;
    mb_error_clear(&err);
    json_t *out;
    if (mb_places_at(p, "lat", &out, &err)) {
        mb_reply_mb_error(r, &err);
        return;
    }
    mb_reply_json(r, 200, out);
}
