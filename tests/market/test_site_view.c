/*
 * test_site_view.c - the spliced site view (mb_market_site_json_append)
 * prints numbers and times by hand; it must print byte for byte what the
 * printf/strftime version printed (kept here as the reference) for any
 * position, distance, id and time, including ties of the rounding
 * (multiples of 2^-8 have exact halves at 7 decimals), negative zero and
 * values outside the fast path.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/strbuf.h"
#include "market/market.h"

/* The view as market.c printed it before (the reference). */
static void reference(struct mb_strbuf *b, const struct mb_site_rec *r, double distance_km,
                      bool feature)
{
    if (feature)
        mb_strbuf_addf(b, "{\"type\":\"Feature\",\"id\":%lld,\"geometry\":{\"type\":"
                       "\"Point\",\"coordinates\":[%.7f,%.7f]},\"properties\":",
                       (long long)r->id, r->lon, r->lat);
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

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * ((double)(next() >> 11) / 9007199254740992.0);
}

/* A value of one of several kinds that stress the rounding. */
static double any_value(void)
{
    switch (next() % 8) {
    case 0: return uniform(-90, 90);
    case 1: return uniform(-180, 180);
    case 2: return (double)((int64_t)(next() % 200001) - 100000) / 256.0; /* exact ties */
    case 3: return (double)((int64_t)(next() % 2000001) - 1000000) / 1e7; /* near-ties */
    case 4: return ldexp(uniform(-1, 1), -(int)(next() % 200));           /* tiny */
    case 5: return uniform(-1, 1) * 1e15;
    case 6: { /* any bit pattern (NaN, infinities, huge) */
        uint64_t u = next();
        double d;
        memcpy(&d, &u, sizeof d);
        return d;
    }
    default: return next() % 2 ? 0.0 : -0.0;
    }
}

static int64_t any_time(void)
{
    switch (next() % 4) {
    case 0: return (int64_t)(next() % 4102444800ull);           /* 1970-2100 */
    case 1: return (int64_t)(next() % 253402300800ull);         /* to 9999 */
    case 2: return (int64_t)(next() % 400000000000ull) - 100000000000ll;
    default: return (int64_t)next();                            /* anything */
    }
}

Test(site_view, spliced_numbers_and_times_equal_printf)
{
    static char d0[] = "{\"type\":\"supply\",\"title\":\"Sprengstein\",\"lat\":63.03,"
                       "\"lon\":10.28}";
    static char d1[] = "{\"type\":\"landfill\",\"name\":\"Deponi\",\"municipality\":\"5001\"}";
    static char d2[] = "{}";
    char *const docs[] = { d0, d1, d2, NULL };
    for (int i = 0; i < 300000; i++) {
        struct mb_site_rec r;
        memset(&r, 0, sizeof r);
        r.doc = docs[next() % 4];
        r.id = (int64_t)(next() % 3 ? next() % 1000000 : next());
        r.org_id = (int64_t)(next() % 2 ? next() % 1000 : next());
        r.version = (int64_t)(next() % 100);
        r.status = (enum mb_status)(next() % MB_STATUS_COUNT);
        r.lat = any_value();
        r.lon = any_value();
        r.created = any_time();
        r.updated = any_time();
        double km = next() % 3 ? -1 : next() % 2 ? uniform(0, 200) : any_value();
        bool feature = next() % 2;
        struct mb_strbuf got = { 0 }, want = { 0 };
        mb_market_site_json_append(&got, &r, km, feature);
        reference(&want, &r, km, feature);
        cr_assert_str_eq(got.s, want.s, "lat %a lon %a km %a created %lld updated %lld",
                         r.lat, r.lon, km, (long long)r.created, (long long)r.updated);
        mb_strbuf_release(&got);
        mb_strbuf_release(&want);
    }
}
