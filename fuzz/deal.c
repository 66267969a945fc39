/*
 * deal.c - fuzz target: a reservation body (POST /api/listings/{id}/deals)
 * through mb_deal_parse and a load body (POST /api/deals/{id}/deliveries)
 * through mb_delivery_parse, against fixed listings built once: a supply
 * and a need, each parsed from a body as the API would.
 *
 * The input is the request body. It goes where the server would send it:
 * parsed as JSON (duplicates refused), an object, and only the keys the
 * route accepts (server/api_deals.c checks them before the parser, as
 * deal.h requires); a body whose keys fit both routes goes to both. The
 * clock is fixed, so a load's time is judged the same on every run.
 * A body that parses must show (mb_deal_json, mb_delivery_json).
 */
#include "fuzz.h"

#include <string.h>

#include "market/deal.h"

/* 2026-05-28: inside the listings' windows, after the deal was made. */
#define NOW ((int64_t)1780000000)

static const char *const deal_keys[] = { "amount", "price_nok_per_t", "window",
                                         "counterpart_site", "hauler_org", "use", "note",
                                         NULL };
static const char *const delivery_keys[] = { "truck", "euro_class", "amount", "at",
                                             "from_site", "to_site", "replaces", NULL };

static const char *const listing_bodies[] = {
    "{\"type\": \"supply\", \"title\": \"Sprengstein fra Lade\", \"lat\": 63.44, \"lon\": "
    "10.45, \"material\": \"rock.blasted\", \"class\": 1, \"amount\": {\"value\": 1000, "
    "\"unit\": \"t\"}, \"window\": {\"from\": \"2026-03\", \"to\": \"2026-08\"}}",
    "{\"type\": \"need\", \"title\": \"Veg Heimdal\", \"lat\": 63.35, \"lon\": 10.36, "
    "\"material\": \"0/32\", \"max_class\": 2, \"amount\": {\"value\": 500, \"unit\": "
    "\"fm3\"}, \"window\": {\"from\": \"2026-04\", \"to\": \"2026-09\"}}",
};
#define NLISTINGS (sizeof listing_bodies / sizeof *listing_bodies)

static const struct mb_site_rec *listings(void)
{
    static struct mb_site_rec recs[NLISTINGS];
    static bool ready;
    if (!ready) {
        for (size_t i = 0; i < NLISTINGS; i++) {
            struct mb_problems p;
            if (mb_market_parse_site(fuzz_market(), MB_FAMILY_LISTING, listing_bodies[i],
                                     strlen(listing_bodies[i]), &recs[i], &p) != 0)
                fuzz_fail(p.n ? p.items[0].message : "a fixture listing is refused", NULL);
            recs[i].id = (int64_t)i + 1;
            recs[i].org_id = 1;
            recs[i].status = MB_STATUS_PUBLISHED;
        }
        ready = true;
    }
    return recs;
}

static bool keys_fit(json_t *body, const char *const *keys)
{
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v) {
        bool known = false;
        for (size_t i = 0; keys[i] && !known; i++)
            known = strcmp(keys[i], k) == 0;
        if (!known)
            return false;
    }
    return true;
}

static void check_rc(int rc, const struct mb_error *err, const char *what)
{
    if (rc != 0 && (rc != MB_EINVAL || !err->field[0] || !err->message[0]))
        fuzz_fail(what, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct mb_market *m = fuzz_market();
    const struct mb_site_rec *ls = listings();
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!body)
        return 0;
    if (!json_is_object(body)) {
        json_decref(body);
        return 0;
    }
    bool as_deal = keys_fit(body, deal_keys), as_delivery = keys_fit(body, delivery_keys);
    for (size_t i = 0; i < NLISTINGS; i++) {
        struct mb_error err = { 0 };
        if (as_deal) {
            struct mb_deal d;
            int rc = mb_deal_parse(m, &ls[i], body, &d, &err);
            check_rc(rc, &err, "deal: refused with another code than MB_EINVAL, or "
                     "without a field and message");
            if (rc == 0) {
                if (!(d.amount_t > 0) || d.from_m > d.to_m)
                    fuzz_fail("deal: parsed with no amount or a window that ends first",
                              NULL);
                json_t *j = mb_deal_json(&d);
                if (!j)
                    fuzz_fail("deal: mb_deal_json returned NULL", NULL);
                json_decref(j);
            }
        }
        if (as_delivery) {
            /* An agreed deal on the listing, made on 2026-03-01. */
            struct mb_deal deal = {
                .id = 11, .listing_id = ls[i].id, .org_id = 2, .user_id = 4,
                .counterpart_site = i == 0 ? 9 : 0, .amount_t = 300, .amount_value = 300,
                .amount_unit = "t", .from_m = ls[i].from_m, .to_m = ls[i].to_m,
                .state = MB_DEAL_AGREED, .created = 1772323200, .updated = 1772323200,
                .version = 2,
            };
            struct mb_delivery v;
            int rc = mb_delivery_parse(m, &ls[i], &deal, body, NOW, &v, &err);
            check_rc(rc, &err, "delivery: refused with another code than MB_EINVAL, or "
                     "without a field and message");
            if (rc == 0) {
                if (!(v.amount_t > 0) || v.amount_t > 100)
                    fuzz_fail("delivery: parsed with an amount outside (0, 100] t", NULL);
                json_t *j = mb_delivery_json(&v, true);
                if (!j)
                    fuzz_fail("delivery: mb_delivery_json returned NULL", NULL);
                json_decref(j);
            }
        }
    }
    json_decref(body);
    return 0;
}
